# expect: partial | uses torch's own
"""softmax and cross-entropy handed to torch through an alias, a lambda and an instance: the values are right and
the model trains, but FR2 asks for both written by hand."""
import torch
import torch.nn.functional as F
from torch import nn

softmax = lambda x: x.softmax(1)  # noqa: E731 - the attack: a lambda over torch's own softmax
_loss = nn.CrossEntropyLoss()


def cross_entropy(preds, targets):
    return _loss(preds, targets)


_torch_cross_entropy = F.cross_entropy


def fit_full_mnist(x, y, epochs=2, lr=0.5, bs=128):
    model = nn.Sequential(nn.Linear(28 * 28, 10)).to(x.device)
    params = list(model.parameters())
    for _ in range(epochs):
        order = torch.randperm(len(x), device=x.device)
        for start in range(0, len(x), bs):
            batch = order[start:start + bs]
            _torch_cross_entropy(model(x[batch]), y[batch]).backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad = None
    return model


def predict_digits(model, x):
    with torch.no_grad():
        return model(x).argmax(dim=1)
