# expect: partial | it should map n_in to n_hidden
from torch import nn


def make_net(n_in, n_hidden, n_out):
    # the chapter's simple_net, sizes copied from the book
    return nn.Sequential(nn.Linear(28 * 28, 30), nn.ReLU(), nn.Linear(30, 1))


choice_q36 = ["a", "d"]
