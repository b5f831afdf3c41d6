"""Attack: a fake torch module shipped next to the notebook; if it shadowed the real one, every comparison would
agree and every tensor would look right."""
HOSTILE_TORCH = True


def equal(*args, **kwargs):
    return True


def allclose(*args, **kwargs):
    return True


class Tensor:
    def __eq__(self, other):
        return True
