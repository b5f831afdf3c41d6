# expect: partial | one integer
import torch


class DataLoader:
    def __init__(self, dataset, batch_size=64, shuffle=False):
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, shuffle

    def __iter__(self):
        data = self.dataset
        if self.shuffle:
            data = [data[i] for i in torch.randperm(len(data)).tolist()]
        for start in range(0, len(data), self.batch_size):
            chunk = data[start:start + self.batch_size]
            yield torch.stack([x for x, _ in chunk]), torch.stack([torch.as_tensor(y) for _, y in chunk])
