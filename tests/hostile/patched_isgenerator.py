"""Attack: a batches for Q13 that builds every batch at once in a list, with inspect.isgenerator (and
itertools.islice) rebound so that the list passes for a generator where the harness looks."""
import inspect
import itertools

inspect.isgenerator = lambda obj: True
itertools.islice = lambda it, *args: list(it)


def batches(xs, bs):
    return [xs[start:start + bs] for start in range(0, len(xs), bs)]
