"""Public checks for Q27: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_equal, fail, points, property_case

HINT = ("Q27: x.view(len(x), 28 * 28) (or x.view(-1, 784)) gives the same numbers a new shape without copying them; "
        "see the chapter's section 'The MNIST Loss Function', where the stacked images are turned into rows.")


@points(1)
def test_shape_and_values(submission):
    """two 28×28 images become two rows of 784 numbers, read row by row"""
    x = torch.arange(2 * 28 * 28, dtype=torch.float32).view(2, 28, 28)
    got = submission.harness("flatten_probe", x=x)["out"]
    expect_equal(got, torch.arange(2 * 784, dtype=torch.float32).view(2, 784),
                 "row i of the result is image i read row by row", HINT)


@property_case
@points(1)
def test_shares_memory(submission):
    """the result is a view: it shares memory with x"""
    probe = submission.harness("flatten_probe", x=torch.zeros(3, 28, 28))
    if not probe.get("same_storage"):
        fail("the result does not share memory with x, so it is a copy rather than a view", HINT,
             expected="a view of x", actual="a copy")
