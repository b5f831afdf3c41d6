"""Attack: sleep just under the per-request limit inside the graded function on every call, so that no single
call times out but the exercise's 31 calls hold the grading worker for minutes, and the right answer at the end
of each call scores full marks."""
import time


def double_odds(nums):
    time.sleep(3)  # the batch's limit is 5 s a request: each call stays under it
    return [2 * n for n in nums if n % 2 == 1]
