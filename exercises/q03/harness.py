"""Runs inside the sandbox for Q3: the chapter's pixel-similarity classifier, built from the student's functions.

Public helper code. The grader puts the MNIST sample's training threes and sevens (``q03/train_threes``,
``q03/train_sevens``) and the validation images *without their labels* (``q03/valid_x``), all uint8
(N, 28, 28). This helper scales them to floats in 0..1 as the chapter does, builds the two ideal digits with the
student's ``mean_image`` and asks the student's ``is_3`` about every validation image. The grader, which holds the
labels, computes the accuracy from the predictions returned here.
"""
import torch


def _floats(array, device):
    return torch.as_tensor(array).float().div(255).to(device)


def predict_valid(ns, store, device):
    """Build mean3 and mean7 with mean_image, then return them and is_3's answer for every validation image."""
    threes, sevens = _floats(store["q03/train_threes"], device), _floats(store["q03/train_sevens"], device)
    valid = _floats(store["q03/valid_x"], device)
    mean3, mean7 = ns["mean_image"](threes), ns["mean_image"](sevens)
    shape = tuple(valid.shape[1:])
    if any(not isinstance(m, torch.Tensor) or tuple(m.shape) != shape for m in (mean3, mean7)):
        return {"mean3": mean3, "mean7": mean7, "preds": None}  # not images: the grader says so
    preds = ns["is_3"](valid, mean3, mean7)
    return {"mean3": mean3, "mean7": mean7, "preds": preds}
