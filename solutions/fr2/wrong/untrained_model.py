# expect: partial | does not tell the ten digits apart
"""Right softmax and cross-entropy, but fit_full_mnist returns the net as it was made: its random weights label
about one test image in ten correctly, spread over several digits."""
import torch
from torch import nn


def softmax(x):
    e = (x - x.max(dim=-1, keepdim=True).values).exp()
    return e / e.sum(dim=-1, keepdim=True)


def cross_entropy(preds, targets):
    shifted = preds - preds.max(dim=-1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=-1, keepdim=True).log()
    return -log_probs.gather(1, targets.view(-1, 1)).mean()


def fit_full_mnist(x, y):
    torch.manual_seed(3)
    return nn.Sequential(nn.Linear(28 * 28, 30), nn.ReLU(), nn.Linear(30, 10)).to(x.device)


def predict_digits(model, x):
    with torch.no_grad():
        return model(x).argmax(dim=1)
