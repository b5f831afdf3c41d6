# expect: partial | (torch.cat?)
import torch


def stack_images(images):
    return torch.cat(images)


choice_q05 = ["b", "c"]
