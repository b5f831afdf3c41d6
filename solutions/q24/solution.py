import torch


class DataLoader:
    """Mini-batches (xb, yb) of `dataset`, `batch_size` items at a time, reshuffled every epoch if `shuffle`."""

    def __init__(self, dataset, batch_size=64, shuffle=False):
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle

    def __len__(self):
        return (len(self.dataset) + self.batch_size - 1) // self.batch_size

    def __iter__(self):
        n = len(self.dataset)
        order = torch.randperm(n).tolist() if self.shuffle else list(range(n))  # a new order every epoch
        for start in range(0, n, self.batch_size):
            xs, ys = zip(*[self.dataset[i] for i in order[start:start + self.batch_size]])
            yield self.collate(xs), self.collate(ys)

    @staticmethod
    def collate(values):
        """Stack tensors (or plain numbers) along a new first dimension."""
        return torch.stack([torch.as_tensor(v) for v in values])
