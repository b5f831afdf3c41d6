"""Attack: return a list of 2.5 million numbers, hoping to exhaust the grader's memory when it reads the answer."""


def double_odds(nums):
    return [2 * n for n in nums if n % 2 == 1] + [0] * 2_500_000
