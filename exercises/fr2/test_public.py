"""Public checks for FR2: students can run these themselves with `grader check`."""
import torch
import torch.nn.functional as F

from grader.judge.api import expect_close, fail, library_names, points

HINT = ("FR2: softmax(x) = exp(x - row max) / its row sum; cross-entropy is the batch mean of -log of the "
        "softmax probability of each row's target. See the chapter's sections 'The MNIST Loss Function' and "
        "'Sigmoid'.")
LIBRARY = {"softmax", "log_softmax", "cross_entropy", "nll_loss", "CrossEntropyLoss", "NLLLoss", "Softmax",
           "LogSoftmax"}


def written_yourself(submission, name):
    used = library_names(submission, name, LIBRARY)
    if used:
        fail(f"{name} uses torch's own {', '.join(sorted(used))}: FR2 asks you to write it yourself from exp, log, "
             "sum and indexing", HINT)


@points(1)
def test_softmax_example(submission):
    """softmax([[1, 2, 3], [0, 0, 0]]) matches torch.softmax row by row"""
    written_yourself(submission, "softmax")
    x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    expect_close(submission.call("softmax", x), torch.softmax(x, dim=1),
                 "softmax([[1, 2, 3], [0, 0, 0]]) should give each row's probabilities", HINT)


@points(1)
def test_cross_entropy_example(submission):
    """cross_entropy of a small batch matches F.cross_entropy"""
    written_yourself(submission, "cross_entropy")
    preds = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
    targets = torch.tensor([0, 1])
    got = submission.call("cross_entropy", preds, targets)
    if isinstance(got, torch.Tensor) and got.numel() == 1:
        got = got.reshape(())  # a tensor holding one number, whatever its shape
    expect_close(got, F.cross_entropy(preds, targets),
                 "cross_entropy(preds, targets) should equal F.cross_entropy(preds, targets)", HINT, atol=1e-5)
