def batches(xs, bs):
    """Yield xs[0:bs], xs[bs:2*bs], ... in order; the last batch may be smaller; never an empty batch."""
    for start in range(0, len(xs), bs):
        yield xs[start:start + bs]
