"""Public checks for Q20: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, fail, points, property_case

HINT = ("Q20: p = preds.sigmoid().round() is 1 for a predicted 3; compare it with targets, average, call backward and "
        "read preds.grad. See the chapter's section 'The MNIST Loss Function'.")


def call(submission):
    preds = torch.tensor([2.0, -1.0, 0.5, -3.0], requires_grad=True)
    got = submission.call("accuracy_and_grad", preds, torch.tensor([1, 1, 0, 0]))
    if not isinstance(got, tuple) or len(got) != 2:
        fail("accuracy_and_grad should return a tuple (accuracy, gradient)", HINT,
             expected="(0.5, tensor([0., 0., 0., 0.]))", actual=got)
    return got


@points(1)
def test_accuracy(submission):
    """outputs [2, -1, 0.5, -3] for targets [1, 1, 0, 0] are right half of the time"""
    acc, _ = call(submission)
    if not isinstance(acc, float) or abs(acc - 0.5) > 1e-6:
        fail("the first and last outputs are on the right side of 0, the middle two are not", HINT,
             expected=0.5, actual=acc)


@property_case
@points(1)
def test_gradient(submission):
    """the gradient of that accuracy has one entry per output"""
    _, grad = call(submission)
    expect_close(grad, torch.zeros(4), "autograd's gradient of the accuracy with respect to preds", HINT)
