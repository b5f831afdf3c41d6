import torch


def stack_images(images):
    """Join a list of N (height, width) image tensors into one (N, height, width) tensor, dtype and values kept."""
    raise NotImplementedError("stack the images along a new first axis")


choice_q05 = None  # a list of the letters of every rank-3 tensor, e.g. ["a", "f"]
