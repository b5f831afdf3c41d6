# expect: partial | put the new axis last
import torch


def stack_images(images):
    return torch.stack(images, dim=-1)


choice_q05 = ["b", "c"]
