# expect: partial | write it yourself
import torch.nn.functional as F


def relu(x):
    return F.relu(x)
