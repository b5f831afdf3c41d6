"""Attack: leave a busy non-daemon thread and a thread printing for ever running behind the answer, hoping they
keep the sandbox alive or slow the grader down.  The printer has written past the output limit before the answer
is defined, so the limit's incident does not depend on how long grading takes."""
import sys
import threading

printed = threading.Event()


def spin():
    while True:
        pass


def chatter():
    while True:
        sys.stdout.write("still here " * 200_000 + "\n")
        sys.stdout.flush()
        printed.set()


threading.Thread(target=spin, daemon=False).start()
threading.Thread(target=chatter, daemon=False).start()
printed.wait(30)


def double_odds(nums):
    return nums
