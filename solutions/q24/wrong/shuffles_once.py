# expect: partial | shuffling happened once
import random

import torch


class DataLoader:
    def __init__(self, dataset, batch_size=64, shuffle=False):
        self.dataset, self.batch_size = dataset, batch_size
        self.order = list(range(len(dataset)))
        if shuffle:
            random.shuffle(self.order)

    def __iter__(self):
        for start in range(0, len(self.order), self.batch_size):
            items = [self.dataset[i] for i in self.order[start:start + self.batch_size]]
            yield torch.stack([x for x, _ in items]), torch.stack([torch.as_tensor(y) for _, y in items])
