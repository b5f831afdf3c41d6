def rank(shape):
    """The rank of a tensor of shape `shape` (a tuple, list or torch.Size of ints), as an int."""
    raise NotImplementedError("work the rank out from the shape alone")
