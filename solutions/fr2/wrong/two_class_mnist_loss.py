# expect: partial | mnist_loss
import torch
from torch import nn


def softmax(x):
    e = (x - x.max(dim=1, keepdim=True).values).exp()
    return e / e.sum(dim=1, keepdim=True)


def cross_entropy(preds, targets):
    shifted = preds - preds.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -log_probs[torch.arange(len(targets)), targets].mean()


def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


def fit_full_mnist(x, y):
    model = nn.Linear(28 * 28, 1)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    y = y.unsqueeze(1)
    for epoch in range(5):
        for i in range(0, len(x), 256):
            loss = mnist_loss(model(x[i:i + 256]), y[i:i + 256])
            loss.backward()
            opt.step()
            opt.zero_grad()
    return model


def predict_digits(model, x):
    return (model(x) > 0).long().squeeze(1)
