import torch


class DataLoader:
    """Mini-batches (xb, yb) of `dataset`, `batch_size` items at a time, reshuffled every epoch if `shuffle`."""

    def __init__(self, dataset, batch_size=64, shuffle=False):
        raise NotImplementedError("keep the dataset, the batch size and the shuffle flag")

    def __iter__(self):
        raise NotImplementedError("yield one collated batch (xb, yb) at a time")
