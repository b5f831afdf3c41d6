# expect: partial | without calling it
from torch import nn


def make_net(n_in, n_hidden, n_out):
    return nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU, nn.Linear(n_hidden, n_out))


choice_q36 = ["a", "c", "d"]
