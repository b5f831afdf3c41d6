def double_odds(nums):
    """Return the odd numbers of `nums`, doubled, as a list built by a list comprehension."""
    return [2 * n for n in nums if n % 2 == 1]
