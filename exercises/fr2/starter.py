import torch
from torch import nn


def softmax(x):
    """Each row of x (N, C) turned into positive numbers that add up to 1; no NaN for large values."""
    raise NotImplementedError("exponentiate (after subtracting each row's max) and divide by the row sums")


def cross_entropy(preds, targets):
    """Mean over the batch of -log(softmax(preds))[i, targets[i]]; preds (N, C) raw scores, targets int64 (N,)."""
    raise NotImplementedError("pick each row's log-probability of its target and average the negatives")


def fit_full_mnist(x, y):
    """Train a ten-class model on x (N, 784) floats in 0..1 and y (N,) digits 0..9; return the model."""
    raise NotImplementedError("build a model with ten outputs and train it with SGD on cross_entropy")


def predict_digits(model, x):
    """One predicted digit per row of x, as an integer tensor of shape (N,)."""
    raise NotImplementedError("take the class with the largest score in each row")
