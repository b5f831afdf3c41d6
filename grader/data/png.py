"""A minimal PNG encoder/decoder built on the standard library (zlib, struct) and numpy.

Why: the sample export writes the chapter's folder of PNG digits, and the tests read them back, but the project
must not depend on Pillow. Only what we need is supported: 8-bit, non-interlaced greyscale, RGB and RGBA images.
The decoder understands all five row filters (0-4), so it also reads such files written by other tools; anything
else (palettes, 16-bit, interlacing, ...) is refused with a ValueError that says what was found.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["encode_png", "decode_png", "PNG_SIGNATURE"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# PNG colour type -> channels per pixel, for the 8-bit types we support.
_CHANNELS_BY_COLOR_TYPE = {0: 1, 2: 3, 6: 4}
_COLOR_TYPE_BY_CHANNELS = {1: 0, 3: 2, 4: 6}
_COLOR_TYPE_NAMES = {0: "greyscale", 2: "RGB", 3: "palette", 4: "greyscale+alpha", 6: "RGBA"}


def _chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC-32 over type+data."""
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def encode_png(a: np.ndarray, *, level: int = 6) -> bytes:
    """Encode a uint8 array (H, W), (H, W, 3) or (H, W, 4) as a PNG file's bytes.

    Every row uses filter type 0 (none): for 28x28 digits zlib does the real work and the encoder stays trivial.
    """
    if not isinstance(a, np.ndarray):
        raise ValueError(f"encode_png needs a numpy array, got {type(a).__name__}")
    if a.dtype != np.uint8:
        raise ValueError(f"encode_png needs dtype uint8, got {a.dtype}")
    if a.ndim == 2:
        channels = 1
    elif a.ndim == 3 and a.shape[2] in (3, 4):
        channels = a.shape[2]
    else:
        raise ValueError(f"encode_png needs shape (H, W), (H, W, 3) or (H, W, 4), got {a.shape}")
    height, width = a.shape[0], a.shape[1]
    if height == 0 or width == 0:
        raise ValueError(f"encode_png cannot encode an empty image of shape {a.shape}")
    rows = np.ascontiguousarray(a).reshape(height, width * channels)
    raw = np.zeros((height, width * channels + 1), dtype=np.uint8)  # column 0: filter byte 0
    raw[:, 1:] = rows
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPE_BY_CHANNELS[channels], 0, 0, 0)
    return b"".join(
        (
            PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(raw.tobytes(), level)),
            _chunk(b"IEND", b""),
        )
    )


def _read_chunks(data: bytes):
    """Yield (type, payload) for each chunk, checking lengths and CRCs."""
    pos = len(PNG_SIGNATURE)
    while True:
        if pos + 8 > len(data):
            raise ValueError("PNG is truncated: it ends before the IEND chunk")
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        end = pos + 8 + length
        if end + 4 > len(data):
            raise ValueError(f"PNG is truncated inside the {kind!r} chunk")
        payload = data[pos + 8 : end]
        (crc,) = struct.unpack_from(">I", data, end)
        if zlib.crc32(kind + payload) != crc:
            raise ValueError(f"PNG chunk {kind!r} has a bad CRC (corrupt file)")
        yield kind, payload
        if kind == b"IEND":
            return
        pos = end + 4


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(filtered: np.ndarray, height: int, stride: int, bpp: int) -> np.ndarray:
    """Undo the per-row PNG filters; `filtered` is (height, 1 + stride) with the filter byte first."""
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        ftype = int(filtered[y, 0])
        line = filtered[y, 1:]
        if ftype == 0:  # None
            cur = line.copy()
        elif ftype == 1:  # Sub: a running sum of each channel along the row, modulo 256
            cur = (np.cumsum(line.reshape(-1, bpp).astype(np.int64), axis=0) % 256).astype(np.uint8).ravel()
        elif ftype == 2:  # Up
            cur = line + prev  # uint8 arithmetic wraps modulo 256, as PNG wants
        elif ftype in (3, 4):  # Average, Paeth: each byte depends on the one just decoded
            buf = bytearray(stride)
            up = prev.tolist()
            src = line.tolist()
            for i in range(stride):
                left = buf[i - bpp] if i >= bpp else 0
                if ftype == 3:
                    pred = (left + up[i]) >> 1
                else:
                    pred = _paeth(left, up[i], up[i - bpp] if i >= bpp else 0)
                buf[i] = (src[i] + pred) & 0xFF
            cur = np.frombuffer(bytes(buf), dtype=np.uint8)
        else:
            raise ValueError(f"PNG row {y} uses unknown filter type {ftype} (valid: 0-4)")
        out[y] = cur
        prev = cur
    return out


def decode_png(data: bytes) -> np.ndarray:
    """Decode an 8-bit, non-interlaced greyscale/RGB/RGBA PNG into uint8 (H, W), (H, W, 3) or (H, W, 4)."""
    data = bytes(data)
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file: the 8-byte PNG signature is missing")
    header = None
    idat = []
    for kind, payload in _read_chunks(data):
        if header is None and kind != b"IHDR":
            raise ValueError(f"PNG must start with an IHDR chunk, found {kind!r}")
        if kind == b"IHDR":
            if header is not None:
                raise ValueError("PNG has more than one IHDR chunk")
            if len(payload) != 13:
                raise ValueError(f"PNG IHDR chunk has {len(payload)} bytes, expected 13")
            header = struct.unpack(">IIBBBBB", payload)
        elif kind == b"IDAT":
            idat.append(payload)
        elif kind == b"IEND":
            break
        elif kind[0:1].isupper():  # a critical chunk we do not understand (e.g. PLTE)
            raise ValueError(f"unsupported critical PNG chunk {kind!r}")
        # ancillary chunks (tEXt, gAMA, ...) are safe to skip
    width, height, depth, color_type, compression, filter_method, interlace = header
    if depth != 8:
        raise ValueError(f"unsupported PNG bit depth {depth}: only 8-bit images are supported")
    if color_type not in _CHANNELS_BY_COLOR_TYPE:
        name = _COLOR_TYPE_NAMES.get(color_type, "unknown")
        raise ValueError(f"unsupported PNG colour type {color_type} ({name}): only greyscale, RGB and RGBA")
    if compression != 0 or filter_method != 0:
        raise ValueError(f"unsupported PNG compression/filter method {compression}/{filter_method}")
    if interlace != 0:
        raise ValueError("interlaced (Adam7) PNGs are not supported")
    if width == 0 or height == 0:
        raise ValueError(f"PNG has an empty size {width}x{height}")
    if not idat:
        raise ValueError("PNG has no IDAT (image data) chunk")
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as exc:
        raise ValueError(f"PNG image data is corrupt or truncated: {exc}") from exc
    channels = _CHANNELS_BY_COLOR_TYPE[color_type]
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError(f"PNG image data has {len(raw)} bytes, expected {height * (stride + 1)} for {width}x{height}")
    filtered = np.frombuffer(raw, dtype=np.uint8).reshape(height, stride + 1)
    if not filtered[:, 0].any():  # the common case (and all of ours): no filtering at all
        pixels = filtered[:, 1:].copy()
    else:
        pixels = _unfilter(filtered, height, stride, channels)
    if channels == 1:
        return pixels.reshape(height, width)
    return pixels.reshape(height, width, channels)
