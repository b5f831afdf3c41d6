"""Attack: sleep far past the deadline inside the graded function (SIGALRM ignored), hoping a slow answer is
waited for or counted as passed."""
import signal
import time

signal.signal(signal.SIGALRM, signal.SIG_IGN)


def double_odds(nums):
    time.sleep(3600)
    return [2 * n for n in nums if n % 2 == 1]
