"""Attack: return an object whose == says True to anything, hoping the judge compares with it."""


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def double_odds(nums):
    return AlwaysEqual()
