"""Runs inside the sandbox for FR1: trains models with the student's `Learner` and `BasicOptim`.

Public helper code. The grader sends the images it wants used with `submission.put`:

* ``fr1/train_x``, ``fr1/train_y``: training images (N, 28, 28) uint8 and labels (1 for a 3, 0 for a 7);
* ``fr1/valid_x``, ``fr1/valid_y``: a few training images held aside from training, used as ``dls.valid``;
* ``fr1/holdout_x``: held-out images *without* labels. Their labels never leave the grader, which scores the
  model's raw outputs on them itself.

Everything here (the data loaders, the models, ``mnist_loss`` and ``batch_accuracy``) is the grader's own code,
written as in the chapter; only ``Learner`` and ``BasicOptim`` come from the student. Every function takes
``device`` chosen by the suite (the calibrated accuracy cases run on the CPU so that every machine grades alike;
the GPU case runs on the grader's device).
"""
import math
import time
import types

import torch
from torch import nn

BATCH_SIZE = 128


def mnist_loss(predictions, targets):
    """The chapter's loss for one output and two classes (target 1 for a 3, 0 for a 7)."""
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


def batch_accuracy(xb, yb):
    """The chapter's metric: the fraction of outputs on the right side of 0 (sigmoid above or below 0.5)."""
    preds = xb.sigmoid()
    correct = (preds > 0.5).float() == yb
    return correct.float().mean()


class Batches:
    """A minimal DataLoader: mini-batches of (xb, yb), reshuffled (seeded) on every pass when shuffle is on.

    It counts what it hands out, so the grader can tell which set a Learner trained on.
    """

    def __init__(self, x, y, bs, shuffle, seed, events=None, tag=""):
        self.x, self.y, self.bs, self.shuffle = x, y, bs, shuffle
        self.generator = torch.Generator().manual_seed(seed)
        self.events, self.tag = events, tag
        self.yielded = 0

    def __len__(self):
        return math.ceil(len(self.x) / self.bs)

    def __iter__(self):
        n = len(self.x)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        order = order.to(self.x.device)
        for start in range(0, n, self.bs):
            index = order[start:start + self.bs]
            self.yielded += 1
            if self.events is not None:
                self.events.append(self.tag)
            yield self.x[index], self.y[index]


def _images(array, device):
    t = torch.as_tensor(array)
    return t.reshape(len(t), -1).float().div(255).to(device)


def _labels(array, device):
    return torch.as_tensor(array).float().reshape(-1, 1).to(device)


def _data(store, device):
    return {"train_x": _images(store["fr1/train_x"], device), "train_y": _labels(store["fr1/train_y"], device),
            "valid_x": _images(store["fr1/valid_x"], device), "valid_y": _labels(store["fr1/valid_y"], device),
            "holdout_x": _images(store["fr1/holdout_x"], device)}


def _dls(train_x, train_y, valid_x, valid_y, seed, bs=BATCH_SIZE, events=None):
    return types.SimpleNamespace(train=Batches(train_x, train_y, bs, True, seed, events, "t"),
                                 valid=Batches(valid_x, valid_y, bs, False, seed, events, "v"))


def build_model(kind, seed, device):
    """``linear``: nn.Linear(784, 1); ``net``: Linear(784, 30)-ReLU-Linear(30, 1) with He init and zero biases;
    ``plain``: the chapter's plain function ``linear1`` with its parameters in ``linear1.params``."""
    torch.manual_seed(seed)
    if kind == "linear":
        return nn.Linear(28 * 28, 1).to(device)
    if kind == "net":
        model = nn.Sequential(nn.Linear(28 * 28, 30), nn.ReLU(), nn.Linear(30, 1))
        for layer in (model[0], model[2]):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
        return model.to(device)
    if kind == "plain":
        weights = (torch.randn(28 * 28, 1) * 0.1).to(device).requires_grad_()
        bias = torch.zeros(1).to(device).requires_grad_()

        def linear1(xb):
            return xb @ weights + bias

        linear1.params = [weights, bias]
        return linear1
    raise ValueError(f"unknown model kind {kind!r}")


def parameters_of(model):
    return list(model.parameters()) if isinstance(model, nn.Module) else list(model.params)


def _flat(params):
    return torch.cat([p.detach().reshape(-1) for p in params]).clone()


def _learner(ns, dls, model, opt_func=None):
    return ns["Learner"](dls, model, opt_func or ns["BasicOptim"], mnist_loss, [batch_accuracy])


def _number(value):
    """A history entry as plain data: numbers stay numbers, one-element tensors become floats."""
    try:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return value
        if isinstance(value, torch.Tensor):
            return float(value.detach().cpu().reshape(-1)[0]) if value.numel() == 1 else \
                f"a tensor of shape {tuple(value.shape)}"
        if hasattr(value, "item") and hasattr(value, "dtype"):  # numpy scalar
            return float(value.item())
        if isinstance(value, str):
            return value[:100]
        return f"a {type(value).__name__}"
    except Exception as exc:  # noqa: BLE001 - a report, not a grade
        return f"unreadable ({type(exc).__name__})"


def history_of(learn):
    """``learn.history`` as plain data: a list of rows (dicts of numbers), or a description of what was there."""
    if not hasattr(learn, "history"):
        return {"problem": "missing"}
    history = learn.history
    if not isinstance(history, (list, tuple)):
        return {"problem": f"a {type(history).__name__}"}
    rows = []
    for row in list(history)[:1000]:
        if isinstance(row, dict):
            rows.append({str(k)[:50]: _number(v) for k, v in list(row.items())[:20]})
        else:
            rows.append(f"a {type(row).__name__}")
    return {"rows": rows}


# ------------------------------------------------------------------------------------------------- probes

def optim_step(ns, store, device, params, grads, lr, as_generator=False, steps=1):
    """Give BasicOptim tensors with known gradients; return them after each step and their grads after zero_grad.

    With ``as_generator`` the parameters are passed as a generator, as ``model.parameters()`` does.
    """
    ps = [p.clone().to(device).requires_grad_() for p in params]
    for p, g in zip(ps, grads):
        p.grad = g.clone().to(device)
    opt = ns["BasicOptim"]((p for p in ps) if as_generator else ps, lr)
    after = []
    for _ in range(steps):
        opt.step()
        after.append([p.detach().cpu().clone() for p in ps])
        for p, g in zip(ps, grads):
            p.grad = g.clone().to(device)
    opt.zero_grad()
    cleared = [None if p.grad is None else p.grad.detach().cpu().clone() for p in ps]
    return {"after_steps": after, "grads_after_zero_grad": cleared}


def tiny_fit(ns, store, device, epochs=2, lr=0.5):
    """A Learner on a tiny made-up problem (no MNIST): return its history and whether the parameters moved."""
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(64, 784, generator=gen).to(device)
    y = (x[:, :392].mean(1, keepdim=True) > x[:, 392:].mean(1, keepdim=True)).float()
    dls = _dls(x[:48], y[:48], x[48:], y[48:], seed=0, bs=16)
    model = build_model("linear", 0, device)
    before = _flat(model.parameters())
    learn = _learner(ns, dls, model)
    learn.fit(epochs, lr)
    return {"history": history_of(learn), "moved": bool((_flat(model.parameters()) != before).any())}


def lr_probe(ns, store, device, lrs=(0.0, 0.5, 1.0), seed=0):
    """fit(1, lr) on one fixed training batch from the same start, for each lr; plus the gradient at the start.

    With plain SGD the parameters move by exactly -lr × that gradient.
    """
    dev = device
    d = _data(store, dev)
    x, y = d["train_x"][:BATCH_SIZE], d["train_y"][:BATCH_SIZE]
    vx, vy = d["valid_x"][:BATCH_SIZE], d["valid_y"][:BATCH_SIZE]
    model = build_model("linear", seed, dev)
    grads = torch.autograd.grad(mnist_loss(model(x), y), list(model.parameters()))
    deltas = []
    for lr in lrs:
        model = build_model("linear", seed, dev)
        before = _flat(model.parameters())
        _learner(ns, _dls(x, y, vx, vy, seed), model).fit(1, lr)
        deltas.append((_flat(model.parameters()) - before).cpu())
    return {"lrs": list(lrs), "deltas": deltas, "gradient": _flat(grads).cpu()}


def loop_probe(ns, store, device, epochs=3, lr=0.5, n_train=1024, n_valid=384, seed=0):
    """fit(epochs, lr) with an instrumented optimiser and loaders.

    ``events`` is the order in which things happened: ``t`` a training batch was taken, ``v`` a validation batch,
    ``s`` opt.step() was called, ``z`` opt.zero_grad() was called.
    """
    dev = device
    d = _data(store, dev)
    events = []
    dls = _dls(d["train_x"][:n_train], d["train_y"][:n_train], d["valid_x"][:n_valid], d["valid_y"][:n_valid],
               seed, events=events)
    built = []

    def opt_func(params, lr):
        opt = ns["BasicOptim"](params, lr)
        step, zero_grad = opt.step, opt.zero_grad

        def counted_step(*args, **kwargs):
            events.append("s")
            return step(*args, **kwargs)

        def counted_zero_grad(*args, **kwargs):
            events.append("z")
            return zero_grad(*args, **kwargs)

        opt.step, opt.zero_grad = counted_step, counted_zero_grad
        built.append(1)
        return opt

    model = build_model("linear", seed, dev)
    before = _flat(model.parameters())
    learn = _learner(ns, dls, model, opt_func)
    learn.fit(epochs, lr)
    return {"events": "".join(events)[:20000], "epochs": epochs, "train_len": len(dls.train),
            "valid_len": len(dls.valid), "optimisers": len(built), "history": history_of(learn),
            "moved": bool((_flat(model.parameters()) != before).any())}


def train_and_predict(ns, store, device, model="linear", epochs=20, lr=1.0, seed=0):
    """Train a model with the student's Learner; return its history and raw outputs on the held-out images."""
    dev = device
    d = _data(store, dev)
    net = build_model(model, seed, dev)
    params = parameters_of(net)
    before = _flat(params)
    began = time.perf_counter()
    try:
        learn = _learner(ns, _dls(d["train_x"], d["train_y"], d["valid_x"], d["valid_y"], seed), net)
        learn.fit(epochs, lr)
    except AttributeError as exc:
        if model == "plain" and "parameters" in str(exc):  # asked a plain function for .parameters()
            return {"attribute_error": str(exc)[:200]}
        raise
    seconds = time.perf_counter() - began
    with torch.no_grad():
        holdout = net(d["holdout_x"]).detach().float().cpu()
        valid = net(d["valid_x"]).detach().float().cpu()
    return {"history": history_of(learn), "holdout_outputs": holdout, "valid_outputs": valid,
            "seconds": seconds, "device": str(params[0].device), "moved": bool((_flat(params) != before).any())}
