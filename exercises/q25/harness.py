"""Runs inside the sandbox for Q25: train a tiny model with the student's train_epoch and note what happens.

Everything here except train_epoch is the grader's own public code: a linear model with weights the grader chose,
a loader that hands out the grader's batches in order, the chapter's mnist_loss, and an SGD optimiser that records
the parameters and their gradients each time step() is called. The grader recomputes every gradient on its side.

Events, in the order they happened: b a batch was handed out, f the model was called, l the loss was computed,
g a backward pass reached the weights, s opt.step(), z opt.zero_grad().
"""
import torch
from torch import nn

MAX_STEPS = 200


def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


class Batches:
    """The batches of (x, y), in order, every time it is looped over."""

    def __init__(self, x, y, bs, events):
        self.x, self.y, self.bs, self.events = x, y, bs, events

    def __len__(self):
        return (len(self.x) + self.bs - 1) // self.bs

    def __iter__(self):
        for start in range(0, len(self.x), self.bs):
            self.events.append("b")
            yield self.x[start:start + self.bs], self.y[start:start + self.bs]


class RecordingSGD:
    """Plain SGD that notes the parameters and their gradients at every step (before moving them)."""

    def __init__(self, params, lr, events):
        self.params, self.lr, self.events, self.steps = list(params), lr, events, []

    def step(self, *args, **kwargs):
        self.events.append("s")
        if len(self.steps) < MAX_STEPS:
            self.steps.append({"params": [p.detach().cpu().clone() for p in self.params],
                               "grads": [None if p.grad is None else p.grad.detach().cpu().clone()
                                         for p in self.params]})
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p -= self.lr * p.grad

    def zero_grad(self, *args, **kwargs):
        self.events.append("z")
        for p in self.params:
            if p.grad is not None:
                p.grad.zero_()


def epoch_probe(ns, store, device, x, y, weight, bias, lr, bs, epochs=1):
    """Call train_epoch(model, dl, loss_func, opt) `epochs` times; return the events, the steps and the final weights."""
    events = []
    model = nn.Linear(weight.shape[1], 1).to(device)
    with torch.no_grad():
        model.weight.copy_(weight.to(device))
        model.bias.copy_(bias.to(device))
    model.register_forward_hook(lambda *_: events.append("f"))
    model.weight.register_hook(lambda grad: events.append("g"))
    dl = Batches(x.to(device), y.to(device), bs, events)
    opt = RecordingSGD(model.parameters(), lr, events)

    def loss_func(preds, targets):
        events.append("l")
        return mnist_loss(preds, targets)

    for _ in range(epochs):
        ns["train_epoch"](model, dl, loss_func, opt)
    return {"events": "".join(events)[:5000], "steps": opt.steps,
            "final": [model.weight.detach().cpu().clone(), model.bias.detach().cpu().clone()]}
