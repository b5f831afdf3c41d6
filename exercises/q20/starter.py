import torch


def accuracy_and_grad(preds, targets):
    """Return (accuracy, gradient of the accuracy with respect to preds), the gradient found by autograd."""
    raise NotImplementedError("compute accuracy with round, then call backward")
