# expect: partial | put a plain function (F.relu or torch.relu)
import torch.nn.functional as F
from torch import nn


def make_net(n_in, n_hidden, n_out):
    return nn.Sequential(nn.Linear(n_in, n_hidden), F.relu, nn.Linear(n_hidden, n_out))


choice_q36 = ["a", "b", "d"]
