def double_odds(nums):
    """Return the odd numbers of `nums`, doubled, as a list built by a list comprehension."""
    raise NotImplementedError("replace this line with a list comprehension")
