def rank(shape):
    """The rank of a tensor of shape `shape` (a tuple, list or torch.Size of ints), as an int."""
    return len(shape)  # one entry per axis: the rank is the length of the shape
