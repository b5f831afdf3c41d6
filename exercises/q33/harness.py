"""Runs inside the sandbox for Q33: drives the student's `train_model` with instrumented parts.

Public helper code. The grader sends the data with `submission.put`: ``q33/x`` (N, k) floats and ``q33/y`` (N, 1).
Everything here (the loader, the optimiser, the loss, the models) is the grader's own; only `train_model` is the
student's. The loader, optimiser and loss write one letter to an event log for each thing that happens:

* ``e``: a pass over the data loader began (an epoch), ``t``: a training batch was handed out,
* ``l``: the loss was computed, ``g``: backward reached that loss, ``s``: opt.step(), ``z``: opt.zero_grad().

The model's parameters are copied at the start of every pass and after `train_model` returns, so that the grader
can compute the loss along the way itself.
"""
import torch
from torch import nn


class Loader:
    """Mini-batches of (xb, yb) in a fixed order; the last batch may be smaller."""

    def __init__(self, x, y, bs, events, on_epoch):
        self.x, self.y, self.bs, self.events, self.on_epoch = x, y, bs, events, on_epoch

    def __len__(self):
        return (len(self.x) + self.bs - 1) // self.bs

    def __iter__(self):
        self.events.append("e")
        self.on_epoch()
        for start in range(0, len(self.x), self.bs):
            self.events.append("t")
            yield self.x[start:start + self.bs], self.y[start:start + self.bs]


class Optimiser:
    """Plain SGD, like the chapter's BasicOptim, that logs its calls."""

    def __init__(self, params, lr, events):
        self.params, self.lr, self.events = list(params), lr, events

    def step(self, *args, **kwargs):
        self.events.append("s")
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p -= p.grad * self.lr

    def zero_grad(self, *args, **kwargs):
        self.events.append("z")
        for p in self.params:
            p.grad = None


def build_model(kind, k, seed):
    """``module``: nn.Linear(k, 1); ``function``: a plain function xb @ w + b with zero-initialised parameters.
    Returns the model, its parameters, and a function giving (w of shape (k, 1), b of shape (1,)) as copies."""
    torch.manual_seed(seed)
    if kind == "module":
        model = nn.Linear(k, 1)
        return model, list(model.parameters()), \
            lambda: (model.weight.detach().T.clone(), model.bias.detach().clone())
    w = torch.zeros(k, 1).requires_grad_()
    b = torch.zeros(1).requires_grad_()

    def linear1(xb):
        return xb @ w + b

    return linear1, [w, b], lambda: (w.detach().clone(), b.detach().clone())


def run_loop(ns, store, device, epochs=3, model_kind="module", bs=16, lr=0.1, seed=0):
    """Call train_model once on the grader's problem; return the event log and the parameters along the way."""
    x, y = torch.as_tensor(store["q33/x"]).float(), torch.as_tensor(store["q33/y"]).float()
    events, snapshots = [], []
    model, params, snapshot = build_model(model_kind, x.shape[1], seed)
    dl = Loader(x, y, bs, events, lambda: snapshots.append(snapshot()))
    opt = Optimiser(params, lr, events)

    def loss_func(preds, yb):
        events.append("l")
        loss = ((preds - yb) ** 2).mean()
        if loss.requires_grad:
            loss.register_hook(lambda grad: events.append("g"))
        return loss

    start = snapshot()
    ns["train_model"](model, epochs, dl, opt, loss_func)
    return {"events": "".join(events)[:100000], "batches_per_epoch": len(dl), "start": start,
            "epoch_starts": snapshots[:1000], "end": snapshot()}
