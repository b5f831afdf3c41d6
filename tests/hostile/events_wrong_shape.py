"""Attack: patch the sandbox's frame writer so that every event about a cell is the wrong shape (a cell_end for
a cell that does not exist, its error a string), hoping the grader crashes on the notebook itself and blames
itself instead of this cell."""
import sys

_wire = sys.modules["wire"]
_write = _wire.write_frame


def _forged(fd, value):
    if isinstance(value, dict) and value.get("event") == "cell_end":
        value = {**value, "index": 999, "error": "not an object"}
    return _write(fd, value)


_wire.write_frame = _forged

# %%
def double_odds(nums):
    return nums
