"""The wire format: plain data round-trips exactly; anything else, or anything too big or deep, is refused."""
import numpy as np
import pytest
import torch

from grader.sandbox.inside import wire


@pytest.mark.parametrize("value", [
    None, True, 0, -7, 2 ** 80, 1.5, float("inf"), "héllo", [1, [2, 3]], (1, "a"), {"k": (1, 2), 3: None},
    [(1, "a"), (2, "b")], b"\x00\xff",
])
def test_plain_values_round_trip_with_their_types(value):
    back = wire.decode(wire.encode(value))
    assert back == value and type(back) is type(value)
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        assert all(type(v) is tuple for v in back)


def test_nan_round_trips():
    assert np.isnan(wire.decode(wire.encode(float("nan"))))


def test_tensors_and_arrays_keep_dtype_shape_and_values():
    t = torch.arange(12, dtype=torch.float32).reshape(3, 4).requires_grad_()
    back = wire.decode(wire.encode(t))
    assert type(back) is torch.Tensor and back.dtype == torch.float32 and back.shape == (3, 4)
    assert torch.equal(back.detach(), t.detach()) and back.requires_grad
    a = np.arange(6, dtype=np.uint8).reshape(2, 3)
    back = wire.decode(wire.encode(a))
    assert isinstance(back, np.ndarray) and back.dtype == np.uint8 and (back == a).all()


def test_tensor_subclass_is_read_through_the_base_class():
    class Liar(torch.Tensor):
        def tolist(self):  # pragma: no cover - must never be used
            return [[10, 12], [16, 18]]

    t = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).as_subclass(Liar)
    back = wire.decode(wire.encode(t))
    assert type(back) is torch.Tensor and back.tolist() == [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize("value", [object(), {1, 2}, (x for x in []), lambda: 1, np.array([object()])])
def test_non_plain_values_are_refused(value):
    with pytest.raises(wire.WireError):
        wire.encode(value)


def test_always_equal_object_cannot_cross():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

    with pytest.raises(wire.WireError, match="not plain data"):
        wire.encode(AlwaysEqual())


def test_a_dict_cannot_pose_as_a_tagged_value():
    back = wire.decode(wire.encode({"$tensor": {"dtype": "float32", "shape": [1], "blob": 0}}))
    assert back == {"$tensor": {"dtype": "float32", "shape": [1], "blob": 0}}


def _frame(header: bytes) -> bytes:
    """A frame written by hand, as hostile code could write one without the encoder."""
    return len(header).to_bytes(4, "big") + header


def test_decoding_limits_depth_size_and_count():
    with pytest.raises(wire.WireError, match="nested more than 64 levels deep"):
        wire.decode(_frame(b"[" * 80 + b"]" * 80))
    with pytest.raises(wire.WireError, match="a value whose structure takes 9 MB .the limit is 8 MB."):
        wire.decode(_frame(b"[" + b"1," * (9 << 19) + b"1]"))
    with pytest.raises(wire.WireError, match="exceeds the limit"):
        wire.decode(wire.encode(b"x" * 2000), wire.Limits(max_bytes=1000))
    with pytest.raises(wire.WireError, match="more than"):
        wire.decode(wire.encode(list(range(5000))), wire.Limits(max_items=1000))


def test_both_sides_agree_on_depth():
    """What the sandbox's encoder lets through, the grader's decoder accepts; deeper is refused at the source."""
    deep = []
    for _ in range(wire.MAX_DEPTH - 1):
        deep = [deep]
    assert wire.decode(wire.encode({"ok": deep})) == {"ok": deep}
    with pytest.raises(wire.WireError, match="nested more than 64 levels deep"):
        wire.encode({"ok": [deep]})


def test_malformed_frames_are_errors_not_crashes():
    good = wire.encode(torch.zeros(4))
    for bad in (b"", good[:3], good[:-3], b"\x00\x00\x00\x05{zzzz", b"\x00\x00\x00\x02{}"):
        with pytest.raises(wire.WireError):
            wire.decode(bad)


def test_a_torch_shape_crosses_as_a_tuple_of_ints():
    back = wire.decode(wire.encode(torch.zeros(2, 3, 0).shape))
    assert back == (2, 3, 0) and type(back) is tuple


@pytest.mark.parametrize("value", [
    np.zeros((2, 0, 3), dtype=np.float32), np.array(True), np.array([True, False, True]),
    np.arange(24, dtype=np.int16).reshape(2, 3, 4)[:, ::2],  # not contiguous: sent as a contiguous copy
    torch.tensor(3.5, dtype=torch.float16), torch.arange(10.0)[::3],
])
def test_odd_shaped_arrays_round_trip(value):
    back = wire.decode(wire.encode(value))
    plain = value.numpy() if isinstance(value, torch.Tensor) else value
    back = back.numpy() if isinstance(back, torch.Tensor) else back
    assert back.dtype == plain.dtype and back.shape == plain.shape and (back == plain).all()


def test_decoded_values_never_share_memory_with_the_frame():
    """Frames are read into reusable buffers and decoded from views: what comes out must be a copy."""
    frame = bytearray(wire.encode({"t": torch.ones(3), "b": b"abc"}))
    back = wire.decode(frame)
    frame[:] = bytes(len(frame))  # wipe the buffer after decoding
    assert torch.equal(back["t"], torch.ones(3)) and back["b"] == b"abc" and type(back["b"]) is bytes
    assert back["t"].add_(1).sum() == 6  # writable, not a read-only view


def test_a_large_frame_crosses_a_pipe_in_pieces_and_arrives_whole():
    """Larger than the pipe: the writer blocks part-way, the reader reads it in several pieces."""
    import os
    import threading

    value = {"images": np.random.default_rng(0).integers(0, 255, (3000, 28, 28), dtype=np.uint8),
             "small": [1, 2.5, "x"], "many": [torch.full((2,), float(i)) for i in range(600)]}
    read_fd, write_fd = os.pipe()
    writer = threading.Thread(target=wire.write_frame, args=(write_fd, value))
    writer.start()
    try:
        back = wire.read_frame(read_fd)
    finally:
        writer.join()
        os.close(read_fd)
        os.close(write_fd)
    assert (back["images"] == torch.from_numpy(value["images"])).all() and back["small"] == [1, 2.5, "x"]
    assert len(back["many"]) == 600 and all(float(t[0]) == i for i, t in enumerate(back["many"]))


def test_a_closed_channel_ends_a_read_part_way():
    import os

    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"\x00\x00\x00\x00\x00\x00\x01\x00" + b"x" * 10)  # promises 256 bytes, sends 10
    os.close(write_fd)
    with pytest.raises(EOFError):
        wire.read_frame(read_fd)
    os.close(read_fd)
