# expect: partial | sampling with replacement
import torch


class DataLoader:
    def __init__(self, dataset, batch_size=64, shuffle=False):
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle

    def __iter__(self):
        n = len(self.dataset)
        order = torch.randint(0, n, (n,)).tolist() if self.shuffle else list(range(n))
        for start in range(0, n, self.batch_size):
            items = [self.dataset[i] for i in order[start:start + self.batch_size]]
            yield torch.stack([x for x, _ in items]), torch.stack([torch.as_tensor(y) for _, y in items])
