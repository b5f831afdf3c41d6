# Auf Wiedersehen und schöne Grüße
def double_odds(nums): return [2 * n for n in nums if n % 2 == 1]
