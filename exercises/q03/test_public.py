"""Public checks for Q3: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, expect_equal, points

HINT = ("Q3: mean_image averages over axis 0 (the images); mnist_distance is (a - b).abs().mean((-1, -2)); is_3 "
        "compares the distances to mean3 and mean7. See 'First Try: Pixel Similarity' and 'Computing Metrics "
        "Using Broadcasting'.")


@points(1)
def test_mean_image_example(submission):
    """mean_image of two 2×2 images is their pixel-by-pixel average"""
    images = torch.tensor([[[0.0, 1.0], [0.5, 0.25]], [[1.0, 1.0], [0.0, 0.75]]])
    expect_close(submission.call("mean_image", images), torch.tensor([[0.5, 1.0], [0.25, 0.5]]),
                 "mean_image should average the two images pixel by pixel", HINT)


@points(1)
def test_distance_example(submission):
    """mnist_distance of a batch of two 2×2 images to one image gives two distances"""
    batch = torch.tensor([[[0.0, 1.0], [0.5, 0.5]], [[1.0, 1.0], [1.0, 1.0]]])
    single = torch.tensor([[0.0, 0.0], [0.5, 1.0]])
    expect_close(submission.call("mnist_distance", batch, single), torch.tensor([0.375, 0.625]),
                 "mnist_distance(batch, image) should give the mean absolute difference of each image", HINT)


@points(1)
def test_is_3_example(submission):
    """is_3 calls an image a 3 when it is nearer to mean3"""
    mean3, mean7 = torch.zeros(2, 2), torch.ones(2, 2)
    x = torch.tensor([[[0.1, 0.2], [0.0, 0.3]], [[0.9, 0.8], [1.0, 0.7]]])
    expect_equal(submission.call("is_3", x, mean3, mean7), torch.tensor([True, False]),
                 "is_3 should say True for the dark image (near mean3 = zeros) and False for the light one", HINT)
