# expect: partial | for/while loop
def double_odds(nums):
    out = []
    for n in nums:
        if n % 2 == 1:
            out.append(n * 2)
    return out
