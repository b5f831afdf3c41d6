# expect: failed | doubled every number
def double_odds(nums):
    return [n * 2 for n in nums]
