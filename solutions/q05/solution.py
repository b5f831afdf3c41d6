import torch


def stack_images(images):
    """Join a list of N (height, width) image tensors into one (N, height, width) tensor, dtype and values kept."""
    return torch.stack(images)


choice_q05 = ["b", "c"]
