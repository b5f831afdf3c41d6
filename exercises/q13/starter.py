def batches(xs, bs):
    """Yield xs[0:bs], xs[bs:2*bs], ... in order; the last batch may be smaller; never an empty batch."""
    raise NotImplementedError("loop over the start positions 0, bs, 2*bs, ... and yield a slice each time")
