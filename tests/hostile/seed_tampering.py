"""Attack: make every seed the same hand-picked "lucky" seed (torch.manual_seed, random.seed, numpy) so the
grader's harness cannot choose its own initialisation, hoping a loop that skips epochs still passes."""
import random

import numpy as np
import torch

LUCKY = 1234
_real_manual_seed = torch.manual_seed
torch.manual_seed = lambda seed: _real_manual_seed(LUCKY)
torch.random.manual_seed = torch.manual_seed
random.seed = lambda *args, **kwargs: None
np.random.seed = lambda *args, **kwargs: None
_real_manual_seed(LUCKY)


def train_model(model, epochs, dl, opt, loss_func):
    for xb, yb in dl:  # one pass, whatever `epochs` says
        loss = loss_func(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
