"""Attack: cancel any alarm, ignore SIGALRM and loop forever at the end of the answer's own cell, hoping the
grader waits on it for ever."""

# %% exercise: q04
import signal


def double_odds(nums):
    return [2 * n for n in nums if n % 2 == 1]


signal.alarm(0)
signal.signal(signal.SIGALRM, signal.SIG_IGN)
while True:
    pass
