# expect: partial | torch.stack is the function that joins tensors
import torch


def stack_images(images):
    return torch.tensor(images)


choice_q05 = ["b", "c"]
