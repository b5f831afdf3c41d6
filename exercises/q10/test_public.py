"""Public checks for Q10: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, points

HINT = ("Q10: batch - mean broadcasts the single image over the batch; then take .abs() and the mean over the last "
        "two axes; see the chapter's section 'Computing Metrics Using Broadcasting'.")


@points(1)
def test_example_from_the_prompt(submission):
    """distances_to_mean of the two 2×2 example images gives tensor([1.5, 1.0])"""
    batch = torch.tensor([[[1., 1.], [1., 1.]], [[0., 2.], [4., 6.]]])
    mean = torch.tensor([[1., 2.], [3., 4.]])
    expect_close(submission.call("distances_to_mean", batch, mean), torch.tensor([1.5, 1.0]),
                 "distances_to_mean on the example from the prompt", HINT)


@points(1)
def test_one_image_batch(submission):
    """a batch of one 28×28 image gives a tensor of shape (1,)"""
    batch = torch.full((1, 28, 28), 0.75)
    mean = torch.full((28, 28), 0.25)
    expect_close(submission.call("distances_to_mean", batch, mean), torch.tensor([0.5]),
                 "distances_to_mean of one image of 0.75s and a mean of 0.25s", HINT)
