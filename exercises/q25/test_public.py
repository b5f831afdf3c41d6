"""Public checks for Q25: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_equal, fail, points

HINT = ("Q25: for every mini-batch, predict, compute the loss, get the gradients, let the optimiser step, then clear "
        "the gradients. See the chapter's sections 'Putting It All Together' and 'Creating an Optimizer'.")


def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


@points(1)
def test_one_step_per_batch_and_the_loss_falls(submission):
    """on 40 points in batches of 10: four steps, and the loss on the 40 points goes down"""
    x = torch.linspace(-2, 2, 40).view(40, 1)
    y = (x > 0).float()
    weight, bias = torch.tensor([[-0.5]]), torch.tensor([0.0])
    probe = submission.harness("epoch_probe", x=x, y=y, weight=weight, bias=bias, lr=1.0, bs=10)
    expect_equal(probe["events"].count("s"), 4, "opt.step() should be called once for each of the 4 batches", HINT)
    w, b = probe["final"]
    before, after = mnist_loss(x @ weight.T + bias, y).item(), mnist_loss(x @ w.T + b, y).item()
    if not after < before:
        fail("the loss on the training points did not go down after one epoch", HINT,
             expected=f"below {before:.4f}", actual=round(after, 4))
