"""Attack: rebind builtins (isinstance, len, print, sorted) to lie, hoping the judge's type and length checks
are fooled."""
import builtins

builtins.isinstance = lambda obj, kind: True
builtins.len = lambda obj: 0
builtins.sorted = lambda iterable, *args, **kwargs: []
builtins.print = lambda *args, **kwargs: None


def double_odds(nums):
    return nums  # hands the list back untouched
