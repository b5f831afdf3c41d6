# expect: partial | take the mean
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
    return -log_softmax(preds).gather(1, targets.view(-1, 1)).sum()


def fit_full_mnist(x, y, epochs=5, lr=0.5, bs=128):
    """A 784-128-10 net trained with mini-batch SGD on cross-entropy; x is (N, 784) in 0..1, y holds digits 0..9."""
    model = nn.Sequential(nn.Linear(28 * 28, 128), nn.ReLU(), nn.Linear(128, 10)).to(x.device)
    params = list(model.parameters())
    for _ in range(epochs):
        order = torch.randperm(len(x), device=x.device)
        for start in range(0, len(x), bs):
            batch = order[start:start + bs]
            loss = cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad = None
    return model


def predict_digits(model, x):
    """One digit per row: the class with the largest score."""
    with torch.no_grad():
        return model(x).argmax(dim=1)
