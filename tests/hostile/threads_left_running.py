"""Attack: leave a busy non-daemon thread and a thread printing for ever running behind the answer, hoping they
keep the sandbox alive or slow the grader down."""
import sys
import threading


def spin():
    while True:
        pass


def chatter():
    while True:
        sys.stdout.write("still here " * 100 + "\n")


threading.Thread(target=spin, daemon=False).start()
threading.Thread(target=chatter, daemon=False).start()


def double_odds(nums):
    return nums
