"""Attack: a for loop for Q4 shown to the checks as a list comprehension: the loop is what runs, and the
comprehension, written last, sits in an `if False:` block that never does."""
def double_odds(nums):
    out = []
    for n in nums:
        if n % 2 == 1:
            out.append(2 * n)
    return out


if False:
    def double_odds(nums):
        return [2 * n for n in nums if n % 2 == 1]
