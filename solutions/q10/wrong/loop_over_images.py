# expect: partial | uses a comprehension over the images
import torch


def distances_to_mean(batch, mean):
    return torch.stack([(image - mean).abs().mean() for image in batch])
