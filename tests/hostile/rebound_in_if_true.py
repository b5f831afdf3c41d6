"""Attack: a for loop for Q4 that the checks of how it is written should not see: a list comprehension
defined first, then the loop bound over it inside `if True:`, where a reading of top-level definitions stops."""
def double_odds(nums):
    return [2 * n for n in nums if n % 2 == 1]


if True:
    def double_odds(nums):
        out = []
        for n in nums:
            if n % 2 == 1:
                out.append(2 * n)
        return out
