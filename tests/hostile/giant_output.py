"""Attack: print 300 MB of text, hoping to flood the grader's memory or its report."""
import sys

line = "x" * (1 << 20) + "\n"
for _ in range(300):
    sys.stdout.write(line)
sys.stdout.flush()


def double_odds(nums):
    return nums
