# expect: partial | converting to float and dividing by 255 is a separate step
import torch


def stack_images(images):
    return torch.stack(images).float() / 255


choice_q05 = ["b", "c"]
