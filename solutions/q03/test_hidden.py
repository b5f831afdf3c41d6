"""Hidden suite for Q3: the three functions on unseen shapes, then the whole classifier on the validation images.

Integrity: the sandbox gets the sample's training threes and sevens and the validation images, never the
validation labels; the predictions come back and the accuracy is computed here. Pixel similarity has no
randomness, so every correct solution scores the same up to float rounding (see solutions/q03/CALIBRATION.md).
"""
import numpy as np
import pytest
import torch

from grader.judge.api import fail, points, type_name
from grader.judge.api import StudentError

THRESHOLD = 0.95
HINT_MEAN = ("Q3: the ideal digit averages each pixel over all the images, i.e. over axis 0 of the (N, height, "
             "width) stack: images.mean(0). See 'First Try: Pixel Similarity'.")
HINT_DIST = ("Q3/Q7: the distance is the mean absolute difference, (a - b).abs().mean((-1, -2)): absolute so that "
             "differences cannot cancel, and over the last two axes only so that a batch keeps one distance per "
             "image. See 'First Try: Pixel Similarity' and 'Computing Metrics Using Broadcasting'.")
HINT_IS3 = ("Q3: is_3(x, mean3, mean7) is mnist_distance(x, mean3) < mnist_distance(x, mean7), using the means it "
            "is given; see 'Computing Metrics Using Broadcasting'.")


def rand(*shape, seed):
    return torch.rand(*shape, generator=torch.Generator().manual_seed(seed))


def reference_distance(a, b):
    return (a - b).abs().mean((-1, -2))


_IDEALS: dict = {}


def ideal_digit(train_x, train_y, digit):
    """The pixel-by-pixel mean of the training images of *digit*, computed once per grading process."""
    if digit not in _IDEALS:
        _IDEALS[digit] = (torch.from_numpy(train_x[train_y == digit]).float() / 255).mean(0)
    return _IDEALS[digit]


def call(submission, name, *args, hint):
    """Call a student function, naming the usual crashes of this exercise."""
    try:
        return submission.call(name, *args)
    except StudentError as exc:
        text = str(exc.info.get("message"))
        if exc.type == "NameError" and name == "is_3":
            fail(f"is_3 used a name that does not exist when the grader calls it ({text}); use the mean3 and "
                 "mean7 arguments it is given", hint)
        if exc.type in ("IndexError", "RuntimeError") and "out of range" in text:
            fail(f"{name} asked for an axis that a smaller input does not have ({text}); count axes from the end, "
                 "(-1, -2), so one function serves a single image and a batch", hint)
        raise


# ------------------------------------------------------------------------------------------------ mean_image

def check_mean(images, got):
    want = images.mean(0)
    if not isinstance(got, torch.Tensor):
        fail(f"mean_image returned {type_name(got)}; it should return a tensor", HINT_MEAN)
    if got.ndim == 0:
        fail("mean_image returned a single number: it averaged every pixel of every image together; average over "
             "the image axis only (axis 0) to keep one value per pixel", HINT_MEAN)
    if tuple(got.shape) != tuple(want.shape):
        fail(f"mean_image turned a stack of shape {tuple(images.shape)} into shape {tuple(got.shape)}: it "
             f"averaged over the wrong axis; axis 0 indexes the images", HINT_MEAN)
    got64 = got.double()
    if torch.allclose(got64, want.double(), atol=1e-5):
        return
    if torch.allclose(got64, images.double().sum(0), atol=1e-4):
        fail("mean_image added the images up instead of averaging them (divide by their number, or use mean)",
             HINT_MEAN)
    fail("mean_image gave wrong pixel values on an unseen stack of images", HINT_MEAN)


@points(1)
def test_mean_image_on_unseen_stacks(submission):
    """mean_image averages pixel by pixel over stacks of unseen sizes"""
    for i, shape in enumerate([(7, 28, 28), (3, 5, 9), (1, 4, 6), (50, 10, 3)]):
        images = rand(*shape, seed=i)
        check_mean(images, call(submission, "mean_image", images, hint=HINT_MEAN))


# ------------------------------------------------------------------------------------------- mnist_distance

def check_distance(a, b, got):
    want = reference_distance(a, b)
    if not isinstance(got, torch.Tensor):
        if isinstance(got, float) and want.ndim == 0:
            fail("mnist_distance returned a Python float (.item()?); return the tensor, so that it also works "
                 "for batches", HINT_DIST)
        fail(f"mnist_distance returned {type_name(got)}; it should return a tensor", HINT_DIST)
    if tuple(got.shape) != tuple(want.shape):
        if got.ndim == 0:
            fail(f"mnist_distance gave one number for inputs of shapes {tuple(a.shape)} and {tuple(b.shape)}: it "
                 "averaged over the batch axis too; average over the last two axes only, (-1, -2), to get one "
                 "distance per image", HINT_DIST)
        fail(f"mnist_distance gave shape {tuple(got.shape)} for inputs of shapes {tuple(a.shape)} and "
             f"{tuple(b.shape)}; averaging over the last two axes should leave the broadcast batch axes",
             HINT_DIST)
    g, d = got.double(), (a - b).double()
    if torch.allclose(g, want.double(), atol=1e-5):
        return
    if torch.allclose(g, d.mean((-1, -2)), atol=1e-5):
        fail("mnist_distance averages the differences without taking their absolute value, so darker and "
             "lighter pixels cancel out; take .abs() before the mean", HINT_DIST)
    if torch.allclose(g, (d ** 2).mean((-1, -2)).sqrt(), atol=1e-5):
        fail("mnist_distance computes the root mean squared error (the L2 distance); Q3 uses the mean absolute "
             "difference (the L1 distance)", HINT_DIST)
    if torch.allclose(g, (d ** 2).mean((-1, -2)), atol=1e-5):
        fail("mnist_distance computes the mean squared difference; Q3 uses the mean absolute difference",
             HINT_DIST)
    if torch.allclose(g, d.abs().sum((-1, -2)), atol=1e-3):
        fail("mnist_distance adds up the absolute differences instead of averaging them", HINT_DIST)
    fail(f"mnist_distance gave wrong values for inputs of shapes {tuple(a.shape)} and {tuple(b.shape)}", HINT_DIST)


@points(1)
def test_distance_of_two_images(submission):
    """mnist_distance of two single images is one number (a rank-0 tensor)"""
    for i, shape in enumerate([(28, 28), (5, 8), (3, 11)]):
        a, b = rand(*shape, seed=10 + i), rand(*shape, seed=20 + i)
        check_distance(a, b, call(submission, "mnist_distance", a, b, hint=HINT_DIST))


@points(2)
def test_distance_broadcasts_over_a_batch(submission):
    """mnist_distance of a batch and one image gives one distance per image, whichever argument is the batch"""
    pairs = [(rand(9, 28, 28, seed=30), rand(28, 28, seed=31)), (rand(6, 4, 7, seed=32), rand(4, 7, seed=33)),
             (rand(5, 6, seed=34), rand(4, 5, 6, seed=35)), (rand(4, 3, 5, seed=36), rand(4, 3, 5, seed=37)),
             (rand(2, 3, 4, 5, seed=38), rand(4, 5, seed=39))]
    for a, b in pairs:
        check_distance(a, b, call(submission, "mnist_distance", a, b, hint=HINT_DIST))


# ------------------------------------------------------------------------------------------------------ is_3

def check_is_3(x, mean3, mean7, got):
    want = reference_distance(x, mean3) < reference_distance(x, mean7)
    if not isinstance(got, torch.Tensor):
        fail(f"is_3 returned {type_name(got)}; it should return a bool tensor", HINT_IS3)
    if tuple(got.shape) != tuple(want.shape):
        fail(f"is_3 gave shape {tuple(got.shape)} for {tuple(x.shape)} images; it should give one answer per "
             "image", HINT_IS3)
    values = got.to(torch.float64)
    if not bool(((values == 0) | (values == 1)).all()):
        fail("is_3 returned numbers other than True/False (a distance?); return the comparison of the two "
             "distances", HINT_IS3)
    answer = values == 1
    if torch.equal(answer, ~want):
        fail("is_3 says True where x is nearer to mean7: the comparison is the wrong way round (a 3 is closer to "
             "mean3, so its distance to mean3 is the smaller one)", HINT_IS3)
    if not torch.equal(answer, want):
        fail("is_3 gave wrong answers for made-up images and means it had never seen; check that it uses the "
             "mean3 and mean7 it is given", HINT_IS3)


@points(2)
def test_is_3_with_unseen_means(submission):
    """is_3 compares each image's distances to the mean3 and mean7 it is given"""
    for i, (h, w, n) in enumerate([(28, 28, 40), (6, 9, 25), (4, 4, 30)]):
        mean3, mean7 = rand(h, w, seed=40 + i), rand(h, w, seed=50 + i)
        mix = rand(n, 1, 1, seed=60 + i)
        x = (mix * mean3 + (1 - mix) * mean7 + 0.05 * rand(n, h, w, seed=70 + i)).clamp(0, 1)
        check_is_3(x, mean3, mean7, call(submission, "is_3", x, mean3, mean7, hint=HINT_IS3))
        check_is_3(x[0], mean3, mean7, call(submission, "is_3", x[0], mean3, mean7, hint=HINT_IS3))


# ------------------------------------------------------------------------------------------ the classifier

@pytest.fixture
def shuffled_valid(mnist_sample):
    """The validation images in a fixed shuffled order, with their labels (True for a 3), which stay here."""
    order = np.random.RandomState(3).permutation(len(mnist_sample["x_valid"]))
    return mnist_sample["x_valid"][order], torch.from_numpy(mnist_sample["y_valid"][order] == 3)


@points(4)
def test_valid_accuracy(submission, mnist_sample, shuffled_valid, record):
    """pixel similarity built from your functions reaches 0.95 accuracy on the 2,038 validation images"""
    x_valid, is_three = shuffled_valid
    train_x, train_y = mnist_sample["x_train"], mnist_sample["y_train"]
    submission.put("q03/train_threes", train_x[train_y == 3])
    submission.put("q03/train_sevens", train_x[train_y == 7])
    submission.put("q03/valid_x", x_valid)
    try:
        out = submission.harness("predict_valid", timeout=120)
    except StudentError as exc:
        if exc.type == "NameError":
            fail(f"is_3 or mnist_distance used a name that does not exist when the grader calls it "
                 f"({exc.info.get('message')}); use the arguments they are given", HINT_IS3)
        raise
    for key, digit in (("mean3", 3), ("mean7", 7)):
        got = out[key]
        want = ideal_digit(train_x, train_y, digit)
        if not isinstance(got, torch.Tensor) or tuple(got.shape) != (28, 28) \
                or not torch.allclose(got.double(), want.double(), atol=1e-4):
            fail(f"the ideal {digit} built with your mean_image is not the pixel-by-pixel average of the "
                 f"training {digit}s", HINT_MEAN)
    preds = out["preds"]
    if not isinstance(preds, torch.Tensor) or tuple(preds.shape) != (len(x_valid),):
        fail(f"is_3 on the {len(x_valid):,} validation images returned {type_name(preds)}; it should return one "
             "True/False per image", HINT_IS3)
    answer = preds.to(torch.float64) == 1
    accuracy = (answer == is_three).double().mean().item()
    record.metric("valid accuracy (pixel similarity)", round(accuracy, 4))
    if accuracy < 1 - THRESHOLD:
        fail(f"pixel similarity reached an accuracy of only {accuracy:.4f}: nearly every answer is the opposite "
             "of the truth, so is_3 must be comparing the distances the wrong way round", HINT_IS3)
    if accuracy < THRESHOLD:
        fail(f"pixel similarity built from your functions reached an accuracy of {accuracy:.4f} on the "
             f"validation images, below the required {THRESHOLD}", HINT_DIST)
