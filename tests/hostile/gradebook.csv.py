"""Attack: a file named like the class's own outputs (gradebook.csv.py, whose student key would be "gradebook.csv"),
hoping its report folder takes the place of the gradebook export so that every export of the class fails."""


def double_odds(nums):
    return nums
