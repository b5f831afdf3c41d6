# expect: partial | copies the data
import torch


def flatten_images(x):
    rows = [img.reshape(784).tolist() for img in x]
    return torch.tensor(rows)
