# expect: partial | one row per epoch
import torch
from torch import nn


class BasicOptim:
    """Plain SGD: `step` moves every parameter by -lr × its gradient, `zero_grad` clears the gradients."""

    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr  # a list: model.parameters() is a generator, used up once

    def step(self, *args, **kwargs):
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p -= p.grad * self.lr

    def zero_grad(self, *args, **kwargs):
        for p in self.params:
            p.grad = None


class Learner:
    """Trains `model` in place with mini-batch SGD and records one row per epoch in `self.history`."""

    def __init__(self, dls, model, opt_func, loss_func, metrics=()):
        self.dls, self.model, self.opt_func, self.loss_func = dls, model, opt_func, loss_func
        self.metrics = [metrics] if callable(metrics) else list(metrics or [])
        self.history = []

    def parameters(self):
        if isinstance(self.model, nn.Module):
            return list(self.model.parameters())
        return list(self.model.params)  # a plain function carries its tensors in a `params` attribute

    def fit(self, n_epochs, lr):
        opt = self.opt_func(self.parameters(), lr)
        for _ in range(n_epochs):
            train_loss = self._train_epoch(opt)
        valid_loss, scores = self._validate()
        row = {"epoch": n_epochs - 1, "train_loss": train_loss, "valid_loss": valid_loss}
        row.update(scores)
        self.history.append(row)
        return self.history

    def _train_epoch(self, opt):
        total, count = 0.0, 0
        for xb, yb in self.dls.train:
            loss = self.loss_func(self.model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
            total += loss.item() * len(xb)
            count += len(xb)
        return total / max(count, 1)

    def _validate(self):
        total, count = 0.0, 0
        sums = [0.0] * len(self.metrics)
        with torch.no_grad():
            for xb, yb in self.dls.valid:
                preds = self.model(xb)
                total += self.loss_func(preds, yb).item() * len(xb)
                for i, metric in enumerate(self.metrics):
                    sums[i] += float(metric(preds, yb)) * len(xb)
                count += len(xb)
        count = max(count, 1)
        return total / count, {m.__name__: s / count for m, s in zip(self.metrics, sums)}
