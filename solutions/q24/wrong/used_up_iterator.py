# expect: partial | used up after one pass
import torch


class DataLoader:
    def __init__(self, dataset, batch_size=64, shuffle=False):
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle
        n = len(dataset)
        self.order = torch.randperm(n).tolist() if shuffle else list(range(n))
        self.position = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.position >= len(self.order):
            raise StopIteration
        items = [self.dataset[i] for i in self.order[self.position:self.position + self.batch_size]]
        self.position += self.batch_size
        return torch.stack([x for x, _ in items]), torch.stack([torch.as_tensor(y) for _, y in items])
