"""Runs inside the sandbox for FR2: trains the student's model on full MNIST and predicts the test digits.

Public helper code. The grader sends, with `submission.put`, the 60,000 training images and their labels
(``fr2/train_x``, ``fr2/train_y``) and the 10,000 test images (``fr2/test_x``) *without* their labels: those stay in
the grader, which scores the returned predictions itself.
"""
import time

import torch


def _images(array, device):
    t = torch.as_tensor(array)
    return t.reshape(len(t), -1).float().div(255).to(device)


def train_and_predict(ns, store, device, seed=0):
    """fit_full_mnist(x, y) on the training set, then predict_digits(model, x_test); return the predictions."""
    dev = device
    x = _images(store["fr2/train_x"], dev)
    y = torch.as_tensor(store["fr2/train_y"]).long().to(dev)
    x_test = _images(store["fr2/test_x"], dev)
    torch.manual_seed(seed)
    began = time.perf_counter()
    model = ns["fit_full_mnist"](x, y)
    trained = time.perf_counter()
    with torch.no_grad():
        predictions = ns["predict_digits"](model, x_test)
    return {"predictions": predictions, "train_seconds": trained - began,
            "predict_seconds": time.perf_counter() - trained}
