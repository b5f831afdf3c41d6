# expect: partial | counts the length of that axis, not the number of axes
import torch


def stack_images(images):
    return torch.stack(images)


choice_q05 = ["b", "d"]
