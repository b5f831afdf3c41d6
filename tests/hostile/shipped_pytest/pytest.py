"""Attack: a fake pytest module shipped next to the notebook; if it shadowed the real one, no check could fail."""
HOSTILE_PYTEST = True


def fail(*args, **kwargs):
    return None


def main(*args, **kwargs):
    print("5 passed in 0.01s")
    return 0


class mark:
    def __getattr__(self, name):
        return lambda *args, **kwargs: (lambda fn: fn)
