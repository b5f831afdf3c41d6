"""FR2's static and behavioural views of a student's code: torch's own losses are found through aliases,
lambdas and instances, a student's method that shares a torch name is not torch's, and "the chapter's mnist_loss"
is judged by what a function computes, not by its name."""
from __future__ import annotations

import importlib.util

import torch

from grader.config import REPO_ROOT
from grader.intake.submission import Cell, Submission

_spec = importlib.util.spec_from_file_location("fr2_hidden", REPO_ROOT / "solutions" / "fr2" / "test_hidden.py")
fr2 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fr2)

CE = ("def cross_entropy(preds, targets):\n"
      "    shifted = preds - preds.max(dim=-1, keepdim=True).values\n"
      "    logp = shifted - shifted.exp().sum(dim=-1, keepdim=True).log()\n"
      "    return -logp.gather(1, targets.view(-1, 1)).mean()\n")
CHAPTER_MNIST_LOSS = ("def mnist_loss(predictions, targets):\n"
                      "    predictions = predictions.sigmoid()\n"
                      "    return torch.where(targets == 1, 1 - predictions, predictions).mean()\n")
FIT = "def fit_full_mnist(x, y):\n    return train_with(mnist_loss, x, y)\n"


class InProcess:
    """A submission whose source the views read and whose functions run here (test code, trusted)."""

    def __init__(self, *sources):
        self.source = Submission("t", "t.py", "", "py", cells=[Cell(i, s, "fr2") for i, s in enumerate(sources)])
        self.ns = {"torch": torch}
        for s in sources:
            exec(s, self.ns)

    def definition(self, name):
        return self.source.definition(name)

    def call(self, name, *args):
        return self.ns[name](*args)


def test_a_cross_entropy_wrapper_named_mnist_loss_is_not_the_chapters_two_class_loss():
    named = InProcess(CE, "def mnist_loss(preds, targets):\n    return cross_entropy(preds, targets)\n", FIT)
    assert fr2.looks_binary(named, "fit_full_mnist") is False


def test_the_chapters_mnist_loss_reused_for_ten_digits_is_found_through_the_training_function():
    reused = InProcess(CHAPTER_MNIST_LOSS, FIT)
    assert fr2.looks_binary(reused, "fit_full_mnist") is True


def test_torch_losses_behind_an_alias_a_lambda_or_an_instance_are_torchs():
    assert fr2.library_calls(InProcess("import torch.nn.functional as F\ncross_entropy = F.cross_entropy\n"),
                             "cross_entropy") == {"cross_entropy"}
    assert fr2.library_calls(InProcess("softmax = lambda x: x.softmax(1)\n"), "softmax") == {"softmax"}
    assert fr2.library_calls(InProcess("from torch import nn\n_loss = nn.CrossEntropyLoss()\n",
                                       "def cross_entropy(p, t):\n    return _loss(p, t)\n"),
                             "cross_entropy") == {"CrossEntropyLoss"}


def test_a_students_own_method_called_softmax_is_not_torchs():
    own = InProcess("class Net:\n    def softmax(self, x):\n        e = x.exp()\n        return e / e.sum(1, True)\n"
                    "    def __call__(self, x):\n        return self.softmax(x)\n",
                    "_net = Net()\n", "def softmax(x):\n    return _net(x)\n")
    assert fr2.library_calls(own, "softmax") == set()
