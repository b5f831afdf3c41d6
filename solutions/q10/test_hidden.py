"""Hidden suite for Q10: unseen batches (N = 1 included, other image sizes), the shape (N,), and no loop."""
import ast

import torch

from grader.judge.api import code_of, expect_tensor, fail, points, property_case, walk_code
from grader.judge.api import StudentError

HINT = ("Subtracting a (H, W) image from a (N, H, W) batch broadcasts it over the batch: batch - mean, then .abs(), "
        "then .mean over the last two axes (-1, -2). See Q10 and the chapter's section 'Computing Metrics Using "
        "Broadcasting'.")
LOOPS = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def unseen(n, h, w, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(n, h, w, generator=gen), torch.rand(h, w, generator=gen)


def close(a, b) -> bool:
    return a.shape == b.shape and torch.allclose(a, b, rtol=1e-4, atol=1e-6)


def check(batch, mean, got):
    n, h, w = batch.shape
    diff = batch.double() - mean.double()
    want = diff.abs().mean((-1, -2))
    if isinstance(got, torch.Tensor) and got.dim() == 0 and n > 1:
        fail("distances_to_mean returned a single number for the whole batch: average over the pixel axes only "
             "(the last two), so that each image keeps its own distance", HINT)
    if isinstance(got, torch.Tensor) and got.dim() == 0 and n == 1:
        fail("distances_to_mean returned a 0-d tensor for a batch of one image: a batch of 1 must still give shape "
             "(1,) (did .squeeze() remove the batch axis?)", HINT)
    got = expect_tensor(got, "distances_to_mean should return a tensor", HINT)
    got = got.detach().double()
    if tuple(got.shape) == (h, w) and close(got, diff.abs().mean(0)):
        fail("distances_to_mean averaged over the batch axis (axis 0), which gives one image, instead of over the "
             "pixels of each image (the last two axes)", HINT)
    if tuple(got.shape) != (n,):
        fail(f"distances_to_mean returned a tensor of shape {tuple(got.shape)} for a batch of {n} images of "
             f"{h}×{w} pixels; it should have shape ({n},)", HINT)
    if close(got, diff.mean((-1, -2))) and not close(got, want):
        fail("distances_to_mean averaged the signed differences, so pixels that are brighter and darker than the "
             "mean cancel out: take .abs() before the mean", HINT)
    if close(got, (diff ** 2).mean((-1, -2))) or close(got, (diff ** 2).mean((-1, -2)).sqrt()):
        fail("distances_to_mean used squared differences; this exercise asks for the mean absolute difference "
             "(the chapter's mnist_distance)", HINT)
    if not close(got, want):
        fail("distances_to_mean gave wrong distances on an unseen batch", HINT)


@points(2)
def test_values_on_unseen_mnist_sized_batches(submission):
    """distances_to_mean is right on unseen batches of 28×28 images, N = 1 included"""
    for n, seed in [(3, 11), (50, 12), (1, 10), (257, 13)]:
        batch, mean = unseen(n, 28, 28, seed)
        check(batch, mean, submission.call("distances_to_mean", batch, mean))


@points(1)
def test_other_image_sizes(submission):
    """distances_to_mean works for images that are not 28×28 (nothing hard-coded)"""
    for n, h, w, seed in [(4, 5, 7, 20), (1, 3, 3, 21), (6, 32, 16, 22)]:
        batch, mean = unseen(n, h, w, seed)
        try:
            got = submission.call("distances_to_mean", batch, mean)
        except StudentError as exc:
            if exc.type == "NotImplementedError":
                raise
            fail(f"distances_to_mean raised {exc.type} on a batch of {h}×{w} images: is the size 28 (or 784) "
                 "hard-coded, e.g. in a .view? Average over the last two axes, whatever their size", HINT)
        check(batch, mean, got)


@property_case
@points(1)
def test_broadcasts_without_a_loop(submission):
    """distances_to_mean lets broadcasting pair the images with the mean, with no Python loop"""
    batch, mean = unseen(2, 28, 28, 30)
    submission.call("distances_to_mean", batch, mean)  # an unfinished function earns nothing here
    code = code_of(submission, "distances_to_mean")
    if code[0] is None:
        fail("distances_to_mean should be a function defined with def", HINT)
    found = [n for n in walk_code(code) if isinstance(n, LOOPS)]  # a helper's loop included
    if found:
        kind = "a for/while loop" if isinstance(found[0], (ast.For, ast.While)) else "a comprehension"
        fail(f"distances_to_mean uses {kind} over the images: broadcasting already pairs every image with the "
             "mean, so batch - mean does it in one operation", HINT)
    for n in walk_code(code):
        if isinstance(n, ast.Call) and getattr(n.func, "id", getattr(n.func, "attr", "")) == "map":
            fail("distances_to_mean calls map(...) over the images: batch - mean does it in one operation", HINT)
