"""Public checks for Q5: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_equal, points

HINT = ("Q5: torch.stack joins same-shaped tensors along a NEW axis (axis 0 by default), so N images of shape "
        "(height, width) become one (N, height, width) tensor; see 'First Try: Pixel Similarity'.")


@points(1)
def test_three_tiny_images(submission):
    """stack_images of three 2×2 images gives shape (3, 2, 2)"""
    images = [torch.tensor([[1, 2], [3, 4]]), torch.tensor([[5, 6], [7, 8]]), torch.tensor([[9, 10], [11, 12]])]
    expect_equal(submission.call("stack_images", images), torch.arange(1, 13).view(3, 2, 2),
                 "stack_images of three 2×2 images should be one tensor of shape (3, 2, 2), the images in order",
                 HINT)
