# expect: failed | a batch is a list of (x, y) pairs
import random


class DataLoader:
    def __init__(self, dataset, batch_size=64, shuffle=False):
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle

    def __iter__(self):
        items = [self.dataset[i] for i in range(len(self.dataset))]
        if self.shuffle:
            random.shuffle(items)
        for start in range(0, len(items), self.batch_size):
            yield items[start:start + self.batch_size]
