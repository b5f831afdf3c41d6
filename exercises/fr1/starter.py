import torch
from torch import nn


class BasicOptim:
    """Plain SGD over `params` (any iterable of tensors, e.g. model.parameters()) with learning rate `lr`."""

    def __init__(self, params, lr):
        raise NotImplementedError("keep the parameters (as a list) and the learning rate")

    def step(self, *args, **kwargs):
        """Move every parameter by -lr × its gradient, in place."""
        raise NotImplementedError("update every parameter with its gradient")

    def zero_grad(self, *args, **kwargs):
        """Clear the gradient of every parameter."""
        raise NotImplementedError("clear the gradients")


class Learner:
    """Trains `model` on `dls.train`, measures on `dls.valid`, and records one dict per epoch in `self.history`."""

    def __init__(self, dls, model, opt_func, loss_func, metrics):
        raise NotImplementedError("keep what fit needs, and start self.history as an empty list")

    def fit(self, n_epochs, lr):
        """Train for n_epochs with learning rate lr; append {"epoch", "train_loss", "valid_loss", <metric names>}."""
        raise NotImplementedError("write the training loop of Q25 / Q33")
