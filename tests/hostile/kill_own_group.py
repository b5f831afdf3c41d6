"""Attack: kill its own process group with SIGKILL from inside the graded function, hoping to take the grading
process down with it."""
import os
import signal


def double_odds(nums):
    os.killpg(0, signal.SIGKILL)
    return [2 * n for n in nums if n % 2 == 1]
