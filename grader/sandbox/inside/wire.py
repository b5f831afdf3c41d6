"""Plain data across the trust boundary: JSON plus raw array bytes, never pickle.

Both sides import this file: the grading process (``grader.sandbox.inside.wire``) and the sandbox, which gets a copy of
it next to ``worker.py`` and imports it as plain ``wire``.  It therefore depends on the standard library only;
numpy and torch are used when present.

A frame is ``[4-byte header length][header JSON][per blob: 8-byte length + bytes]``.  Values are tagged so that
nothing a student returns can masquerade as anything else: dicts, tuples, arrays, tensors and bytes each have
their own tag and every other JSON object is rejected on decoding.  Decoding enforces limits on total size,
nesting depth and element count, so a hostile value cannot exhaust the grader's memory or stack.
"""
from __future__ import annotations

import json
import math
import struct

_HEADER = struct.Struct(">I")
_BLOB = struct.Struct(">Q")

# Arrays travel as dtype name + shape + bytes; only these dtypes are accepted on the way in.
ARRAY_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64")


class WireError(ValueError):
    """A value cannot cross the boundary (not plain data, too big, too deep, malformed)."""


MAX_DEPTH = 64  # nesting both sides accept: the encoder refuses deeper values, so they never reach the decoder


class Limits:
    """Caps applied when decoding a frame from the other side.

    ``max_header_bytes`` bounds the JSON part before it is parsed: parsing builds a Python object per element, so
    64 MB of ``[1,1,1,...`` would cost gigabytes before any other limit could apply.  Bulk data travels as raw
    array bytes outside the header and is bounded by ``max_bytes`` only."""

    def __init__(self, max_bytes: int = 256 << 20, max_depth: int = MAX_DEPTH, max_items: int = 1_000_000,
                 max_header_bytes: int = 8 << 20):
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.max_items = max_items
        self.max_header_bytes = max_header_bytes


# ----------------------------------------------------------------------------------------------- encoding

def encode(value) -> bytes:
    """Encode *value* as one frame; raise WireError for anything that is not plain data."""
    return b"".join(encode_parts(value))


def encode_parts(value) -> list:
    """The frame of *value* as a list of buffers, for a gathering write (:func:`write_parts`).

    Array bytes stay views of the arrays themselves: a 10 MB batch of images is copied once, by the kernel into
    the pipe, instead of three times on its way to one joined string.
    """
    blobs: list = []
    header = json.dumps(_to_tree(value, blobs, 0), separators=(",", ":"), allow_nan=False).encode()
    parts = [_HEADER.pack(len(header)), header]
    for blob in blobs:
        parts.append(_BLOB.pack(len(blob)))
        parts.append(blob)
    return parts


def _to_tree(value, blobs: list[bytes], depth: int):
    if depth > MAX_DEPTH:
        raise WireError(f"value nested more than {MAX_DEPTH} levels deep")
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        if abs(value) > 2 ** 63:
            return {"$bigint": str(value)}
        return value
    if kind is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if kind is list:
        return [_to_tree(v, blobs, depth + 1) for v in value]
    if kind is tuple:
        return {"$tuple": [_to_tree(v, blobs, depth + 1) for v in value]}
    if kind is dict:
        return {"$dict": [[_to_tree(k, blobs, depth + 1), _to_tree(v, blobs, depth + 1)]
                          for k, v in value.items()]}
    if kind is bytes:
        blobs.append(value)
        return {"$bytes": len(blobs) - 1}
    module = getattr(kind, "__module__", "") or ""
    if module == "numpy" and kind.__name__ == "ndarray":
        return {"$nd": _array_meta(value, blobs)}
    if module.startswith("numpy") and hasattr(value, "item") and hasattr(value, "dtype"):
        return _to_tree(value.item(), blobs, depth + 1)  # numpy scalar: use the Python value
    if _is_tensor(value):
        return {"$tensor": _tensor_meta(value, blobs)}
    if module == "torch" and kind.__name__ == "Size":  # a shape is a tuple of ints
        return {"$tuple": [int(n) for n in value]}
    raise WireError(f"a value of type {_type_name(value)} is not plain data "
                    "(use numbers, strings, lists, tuples, dicts, numpy arrays or tensors)")


def _type_name(value) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _is_tensor(value) -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - the sandbox always has torch
        return False
    return isinstance(value, torch.Tensor)


def _array_meta(array, blobs: list[bytes]) -> dict:
    import numpy as np

    dtype = str(array.dtype)
    if dtype not in ARRAY_DTYPES:
        raise WireError(f"numpy arrays of dtype {dtype} cannot be sent")
    flat = np.ascontiguousarray(array).reshape(-1)
    blobs.append(memoryview(flat.view(np.uint8)) if flat.size else b"")
    return {"dtype": dtype, "shape": list(array.shape), "blob": len(blobs) - 1}


def _tensor_meta(tensor, blobs: list[bytes]) -> dict:
    import torch

    # Go through the base class so a subclass's overrides cannot change how its data is read.
    plain = torch.Tensor.as_subclass(tensor, torch.Tensor).detach()
    if plain.is_complex() or plain.dtype == torch.bfloat16:
        plain = plain.to(torch.float32)
    meta = _array_meta(plain.cpu().contiguous().numpy(), blobs)
    meta["requires_grad"] = bool(tensor.requires_grad)
    meta["device"] = str(tensor.device)
    if type(tensor) is not torch.Tensor and not isinstance(tensor, torch.nn.Parameter):
        meta["subclass"] = _type_name(tensor)
    return meta


def to_device(value, device: str | None):
    """Tensors in a decoded value (and in lists and tuples of it) moved to *device*; the rest as it is."""
    if device is None or device == "cpu":
        return value
    import torch

    if isinstance(value, torch.Tensor):
        return value.to(device)
    if isinstance(value, list):
        return [to_device(v, device) for v in value]
    if isinstance(value, tuple):
        return tuple(to_device(v, device) for v in value)
    return value


# ----------------------------------------------------------------------------------------------- decoding

def decode(frame, limits: Limits | None = None, tensors: bool = True):
    """Decode one frame (bytes or a buffer).  Tensors become ``torch.Tensor`` when *tensors* is true, else numpy
    arrays.  Every array is copied out of the frame, so the frame's buffer can be reused or freed at once."""
    limits = limits or Limits()
    frame = memoryview(frame).cast("B") if not isinstance(frame, bytes) else frame
    if len(frame) > limits.max_bytes:
        raise WireError(f"value of {len(frame)} bytes exceeds the limit of {limits.max_bytes} bytes")
    if len(frame) < _HEADER.size:
        raise WireError("truncated frame")
    (header_len,) = _HEADER.unpack_from(frame, 0)
    start = _HEADER.size
    if start + header_len > len(frame):
        raise WireError("truncated frame header")
    if header_len > limits.max_header_bytes:
        raise WireError(f"a value whose structure takes {header_len >> 20} MB (the limit is "
                        f"{limits.max_header_bytes >> 20} MB): return bulk data as an array or tensor")
    try:
        tree = json.loads(bytes(frame[start:start + header_len]))
    except (ValueError, RecursionError) as exc:
        raise WireError(f"malformed frame header: {exc.__class__.__name__}") from None
    blobs = []
    view = memoryview(frame)  # blobs are slices of the frame, not copies; arrays are copied once, in _array
    pos = start + header_len
    while pos < len(frame):
        if pos + _BLOB.size > len(frame):
            raise WireError("truncated blob length")
        (size,) = _BLOB.unpack_from(frame, pos)
        pos += _BLOB.size
        if pos + size > len(frame):
            raise WireError("truncated blob")
        blobs.append(view[pos:pos + size])
        pos += size
    counter = [0]
    return _from_tree(tree, blobs, 0, limits, counter, tensors)


def _from_tree(tree, blobs, depth, limits: Limits, counter, tensors):
    if depth > limits.max_depth:
        raise WireError(f"value nested more than {limits.max_depth} levels deep")
    counter[0] += 1
    if counter[0] > limits.max_items:
        raise WireError(f"value has more than {limits.max_items} elements")
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if isinstance(tree, list):
        return [_from_tree(v, blobs, depth + 1, limits, counter, tensors) for v in tree]
    if not isinstance(tree, dict) or len(tree) != 1:
        raise WireError("a malformed value (not one the sandbox's own encoder writes)")
    (tag, body), = tree.items()
    if tag == "$tuple":
        return tuple(_from_tree(v, blobs, depth + 1, limits, counter, tensors) for v in _list(body))
    if tag == "$dict":
        out = {}
        for pair in _list(body):
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("malformed dict entry")
            key = _from_tree(pair[0], blobs, depth + 1, limits, counter, tensors)
            try:
                out[key] = _from_tree(pair[1], blobs, depth + 1, limits, counter, tensors)
            except TypeError:
                raise WireError("unhashable dict key") from None
        return out
    if tag == "$float":
        if body not in ("nan", "inf", "-inf"):
            raise WireError("malformed float")
        return float(body)
    if tag == "$bigint":
        if not isinstance(body, str) or len(body) > 400:
            raise WireError("malformed integer")
        return int(body)
    if tag == "$bytes":
        return bytes(_blob(blobs, body))
    if tag in ("$nd", "$tensor"):
        return _array(body, blobs, tag == "$tensor" and tensors)
    raise WireError(f"unknown tag {tag[:20]!r}")


def _list(body) -> list:
    if not isinstance(body, list):
        raise WireError("malformed value")
    return body


def _blob(blobs, index) -> bytes:
    if type(index) is not int or not 0 <= index < len(blobs):
        raise WireError("bad blob reference")
    return blobs[index]


def _array(meta, blobs, as_tensor: bool):
    import numpy as np

    if not isinstance(meta, dict):
        raise WireError("malformed array")
    dtype, shape = meta.get("dtype"), meta.get("shape")
    if dtype not in ARRAY_DTYPES:
        raise WireError(f"array dtype {dtype!r} not accepted")
    if not isinstance(shape, list) or len(shape) > 32 or not all(type(n) is int and n >= 0 for n in shape):
        raise WireError("malformed array shape")
    data = _blob(blobs, meta.get("blob"))
    count = math.prod(shape)
    if count * np.dtype(dtype).itemsize != len(data):
        raise WireError("array bytes do not match its shape")
    array = np.frombuffer(data, dtype=dtype).reshape(shape).copy()
    if not as_tensor:
        return array
    import torch

    tensor = torch.from_numpy(array)
    if meta.get("requires_grad") and tensor.is_floating_point():
        tensor.requires_grad_(True)
    return tensor


# ----------------------------------------------------------------------------------------------- streams

def write_frame(fd: int, value) -> None:
    """Write one length-prefixed frame to a blocking file descriptor."""
    parts = encode_parts(value)
    write_parts(fd, [_BLOB.pack(sum(len(p) for p in parts))] + parts)


SMALL = 1 << 16  # frames below this are joined and written in one call: fewer Python steps for the usual request


def write_parts(fd: int, parts: list) -> None:
    """Write every buffer of *parts* in order, with as few system calls as the kernel allows (partial writes and
    the limit on buffers per call handled)."""
    import os

    views = [memoryview(p).cast("B") for p in parts]
    if sum(v.nbytes for v in views) < SMALL:
        views = [memoryview(b"".join(views))]
    # nbytes and truth tests, not len(): student code may have rebound builtins.len, and its sandbox must then
    # still send what it encoded (a frame the grader refuses), not hang.
    views = [v for v in views if v.nbytes]
    while views:
        written = os.writev(fd, views[:512])
        while written:
            if written >= views[0].nbytes:
                written -= views[0].nbytes
                del views[0]
            else:
                views[0] = views[0][written:]
                written = 0


def read_exact(fd: int, size: int, wait=None):
    """Exactly *size* bytes from *fd*; EOFError if the other side closes first.  A frame that arrives in pieces
    is read straight into one buffer, so a large one is not copied again to join them.  *wait*, when given, is
    called before each read and may raise to stop (the grader's deadline and watchdog; the sandbox just blocks)."""
    import os

    buffer, view, got = b"", None, 0
    while got < size:
        if wait is not None:
            wait()
        if view is None:
            chunk = os.read(fd, size)
            if len(chunk) == size:
                return chunk
            if not chunk:
                raise EOFError("channel closed")
            buffer = bytearray(size)
            view = memoryview(buffer)
            view[:len(chunk)] = chunk
            got = len(chunk)
            continue
        count = os.readv(fd, [view[got:]])
        if not count:
            raise EOFError("channel closed")
        got += count
    return buffer


def read_frame(fd: int, limits: Limits | None = None, tensors: bool = True):
    """Read one frame from a blocking descriptor (the sandbox side uses this for requests)."""
    (size,) = _BLOB.unpack(read_exact(fd, _BLOB.size))
    limits = limits or Limits()
    if size > limits.max_bytes:
        raise WireError(f"frame of {size} bytes exceeds the limit")
    return decode(read_exact(fd, size), limits, tensors)
