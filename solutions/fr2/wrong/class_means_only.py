# expect: partial | below this tier's 0.90
import torch
from torch import nn


def softmax(x):
    """Softmax over each row; subtracting the row's maximum first keeps exp from overflowing."""
    e = (x - x.max(dim=-1, keepdim=True).values).exp()
    return e / e.sum(dim=-1, keepdim=True)


def log_softmax(x):
    """log(softmax(x)) without ever taking exp of a large number (the log-sum-exp trick)."""
    shifted = x - x.max(dim=-1, keepdim=True).values
    return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()


def cross_entropy(preds, targets):
    """Mean over the batch of -log(softmax(preds))[target]; preds are raw scores (logits), one column per class."""
    return -log_softmax(preds).gather(1, targets.view(-1, 1)).mean()


def fit_full_mnist(x, y):
    """Pixel similarity with ten digits: the 'model' is the mean image of each digit."""
    return torch.stack([x[y == digit].mean(0) for digit in range(10)])


def predict_digits(model, x):
    """The digit whose mean image is closest (mean absolute difference, as in the chapter)."""
    distances = torch.stack([(x - mean).abs().mean(-1) for mean in model], dim=1)
    return distances.argmin(dim=1)
