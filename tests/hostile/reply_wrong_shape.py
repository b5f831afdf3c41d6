"""Attack: reach the sandbox worker's own globals from a cell and make every error reply the wrong shape (its
`frames` a dict instead of a list), hoping the grader trips over it ("KeyError: -1"), blames itself, and leaves
its kept pytest session half torn down for the next student on the same worker."""
import sys

_worker = sys._getframe(1).f_globals  # the frame that runs this cell belongs to the worker's request loop
_describe = _worker["describe_error"]


def _wrong_shape(exc, limit=6):
    info = _describe(exc, limit)
    info["frames"] = {"not": "a list"}
    return info


_worker["describe_error"] = _wrong_shape


def double_odds(nums):
    raise ValueError("every call fails, and its error reply is the wrong shape")
