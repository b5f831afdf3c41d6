"""Public checks for Q1: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_equal, points

HINT = ("Q1: a greyscale image is a (height, width) grid with one number per pixel; a colour image adds a last axis "
        "of 3 (red, green, blue). Read the layout from img.shape and img.dtype, and turn the tensor min and max "
        "into plain numbers with .item(). See 'Pixels: The Foundations of Computer Vision'.")


@points(1)
def test_greyscale_example(submission):
    """describe_image of a 2×3 greyscale uint8 image"""
    img = torch.tensor([[0, 128, 255], [64, 64, 64]], dtype=torch.uint8)
    expect_equal(submission.call("describe_image", img),
                 {"channels": 1, "height": 2, "width": 3, "dtype": "uint8", "min": 0, "max": 255},
                 "describe_image of the prompt's 2×3 greyscale image", HINT)


@points(1)
def test_colour_example(submission):
    """describe_image of a 2×4 colour (RGB) uint8 image"""
    img = torch.arange(10, 34, dtype=torch.uint8).view(2, 4, 3)
    expect_equal(submission.call("describe_image", img),
                 {"channels": 3, "height": 2, "width": 4, "dtype": "uint8", "min": 10, "max": 33},
                 "describe_image of a colour image of shape (2, 4, 3): 2 rows, 4 columns, 3 channels", HINT)
