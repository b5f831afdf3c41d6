"""The stdlib PNG codec: round trips, all five row filters, and clear refusals."""

import struct
import zlib

import numpy as np
import pytest

from grader.data.png import PNG_SIGNATURE, decode_png, encode_png


@pytest.fixture
def image():
    """Factory: a random uint8 image of the given shape (seeded, so failures reproduce)."""
    rng = np.random.default_rng(1234)

    def make(*shape):
        return rng.integers(0, 256, size=shape, dtype=np.uint8)

    return make


def _chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png(width, height, raw, *, depth=8, color_type=0, interlace=0, extra=()):
    """Hand-build a PNG from already-filtered scanlines, independently of encode_png."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, interlace)
    return PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + b"".join(extra) + _chunk(b"IDAT", zlib.compress(raw)) + \
        _chunk(b"IEND", b"")


def _filter_row(ftype, row, prev, bpp):
    """Forward PNG filter straight from the spec, one byte at a time."""
    out = []
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if ftype == 0:
            pred = 0
        elif ftype == 1:
            pred = a
        elif ftype == 2:
            pred = b
        elif ftype == 3:
            pred = (a + b) // 2
        else:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out.append((x - pred) % 256)
    return bytes([ftype] + out)


@pytest.mark.parametrize("shape", [(28, 28), (5, 7), (1, 1), (9, 4, 3), (3, 11, 4)])
def test_round_trip(image, shape):
    a = image(*shape)
    data = encode_png(a)
    assert data.startswith(PNG_SIGNATURE)
    back = decode_png(data)
    assert back.dtype == np.uint8 and back.shape == a.shape
    np.testing.assert_array_equal(back, a)


def test_header_describes_image(image):
    data = encode_png(image(6, 10, 3))
    length, kind = struct.unpack(">I4s", data[8:16])
    width, height, depth, color_type, *_ = struct.unpack(">IIBBBBB", data[16:29])
    assert (length, kind, width, height, depth, color_type) == (13, b"IHDR", 10, 6, 8, 2)
    assert data.endswith(_chunk(b"IEND", b""))


def test_non_contiguous_input(image):
    a = image(20, 30)[::2, ::3]
    np.testing.assert_array_equal(decode_png(encode_png(a)), a)


@pytest.mark.parametrize("channels,color_type", [(1, 0), (3, 2), (4, 6)])
def test_decodes_every_filter_type(image, channels, color_type):
    height, width = 10, 6
    a = image(height, width, channels)
    rows = a.reshape(height, width * channels).tolist()
    prev = [0] * (width * channels)
    raw = b""
    for y, row in enumerate(rows):
        raw += _filter_row(y % 5, row, prev, channels)
        prev = row
    got = decode_png(_png(width, height, raw, color_type=color_type))
    np.testing.assert_array_equal(got, a if channels > 1 else a[:, :, 0])


def test_skips_ancillary_chunks(image):
    a = image(3, 4)
    raw = b"".join(b"\x00" + bytes(r) for r in a.tolist())
    data = _png(4, 3, raw, extra=[_chunk(b"tEXt", b"Comment\x00hello")])
    np.testing.assert_array_equal(decode_png(data), a)


@pytest.mark.parametrize("bad,message", [
    (np.zeros((4, 4), dtype=np.uint16), "uint8"),
    (np.zeros((4, 4), dtype=np.float32), "uint8"),
    (np.zeros((4, 4, 2), dtype=np.uint8), "shape"),
    (np.zeros(16, dtype=np.uint8), "shape"),
    (np.zeros((0, 4), dtype=np.uint8), "empty"),
    ([[1, 2], [3, 4]], "numpy array"),
])
def test_encode_refuses(bad, message):
    with pytest.raises(ValueError, match=message):
        encode_png(bad)


def test_decode_refuses_garbage():
    with pytest.raises(ValueError, match="signature"):
        decode_png(b"GIF89a...")


def test_decode_detects_bad_crc(image):
    data = bytearray(encode_png(image(4, 4)))
    data[20] ^= 0xFF  # inside IHDR
    with pytest.raises(ValueError, match="CRC"):
        decode_png(bytes(data))


def test_decode_detects_truncation(image):
    data = encode_png(image(8, 8))
    for cut in (len(data) - 5, len(data) // 2, 12):
        with pytest.raises(ValueError, match="truncated"):
            decode_png(data[:cut])


@pytest.mark.parametrize("kwargs,message", [
    ({"depth": 16}, "bit depth 16"),
    ({"color_type": 3}, "palette"),
    ({"color_type": 4}, "greyscale\\+alpha"),
    ({"interlace": 1}, "interlaced"),
])
def test_decode_refuses_unsupported_formats(kwargs, message):
    data = _png(2, 2, b"\x00\x00\x00" * 2, **kwargs)
    with pytest.raises(ValueError, match=message):
        decode_png(data)


def test_decode_refuses_unknown_filter():
    with pytest.raises(ValueError, match="filter type 7"):
        decode_png(_png(2, 1, b"\x07\x01\x02"))


def test_decode_refuses_wrong_data_length():
    with pytest.raises(ValueError, match="expected 6"):
        decode_png(_png(2, 2, b"\x00\x01\x02\x00"))
