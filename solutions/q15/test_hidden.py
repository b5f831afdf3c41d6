"""Hidden suite for Q15: shape and dtype, gradients that land in .grad (a leaf), and the random distribution.

The statistics come from fifty thousand draws per call, computed here.  Their standard errors are then about 0.32%
of the std for the sample std, 0.45% of it for the mean and 0.2 points for the share within one std, so the
tolerances below (3%, 3%, 2 points) are 6.7 to 9.6 standard errors wide: a right answer fails with a chance of about
one in ten billion, while the wrong distributions miss by far more (uniform numbers: 58% within one std).
"""
import torch

from grader.judge.api import fail, points, property_case

HINT = ("Draw with torch.randn(size) (normal, mean 0, std 1), multiply by std, and call .requires_grad_() last, on "
        "the tensor you return. See Q15 and the chapter's sections 'Step 1: Initialize the parameters' and "
        "'The MNIST Loss Function'.")
BIG = (200, 250)
NORMAL_WITHIN_ONE_STD = 0.6827  # a normal distribution has 68.3% of its values within one std of its mean


def describe(submission, size, std=None):
    got = submission.harness("describe", size=size, std=std)
    if not got["tensor"]:
        fail(f"init_params returned a {got['type']}; it should return a tensor", HINT)
    return got


@property_case
@points(1)
def test_shape_and_dtype(submission):
    """init_params gives a float tensor of the requested shape, for int and tuple sizes"""
    for size, shape in [(1, (1,)), (7, (7,)), ((3, 5), (3, 5)), ((784, 1), (784, 1)), ((2, 3, 4), (2, 3, 4))]:
        got = describe(submission, size, 0.5)
        values = got["values"]
        if tuple(values.shape) != shape:
            fail(f"init_params({size!r}, 0.5) returned shape {tuple(values.shape)}; pass size straight to the "
                 "random function so that the tensor gets exactly that shape", HINT)
        if not values.is_floating_point():
            fail("init_params returned a tensor of integers; weights must be floats", HINT)


@property_case
@points(1)
def test_gradients_land_in_grad(submission):
    """init_params returns a leaf tensor that requires gradients, so backward() fills its .grad"""
    got = describe(submission, (4, 3), 1.0)
    if not got["requires_grad"]:
        fail("init_params returned a tensor that does not require gradients, so PyTorch will not compute any for "
             "it: call .requires_grad_() on it", HINT)
    if not got["is_leaf"]:
        fail("init_params returned a tensor that is the result of an operation (for example randn(...)"
             ".requires_grad_() * std), not a leaf: backward() will not fill its .grad. Scale first, then call "
             ".requires_grad_() on the final tensor", HINT)
    after = submission.harness("gradient_lands", size=(4, 3))
    if not after["ran"] or after["grad"] is None or not torch.allclose(after["grad"], torch.full((4, 3), 3.0)):
        fail("after backward() the gradient of the tensor from init_params was not in its .grad", HINT)


@points(2)
def test_normal_random_numbers_with_the_requested_std(submission):
    """init_params draws fresh normal random numbers with mean 0 and the requested std (default 1)"""
    for std in (None, 0.01, 0.5, 3.0):
        expected = 1.0 if std is None else std
        values = describe(submission, BIG, std)["values"].double().flatten()
        if not torch.isfinite(values).all():
            fail("init_params returned NaN or infinite values", HINT)
        if values.abs().max() == 0:
            fail("init_params returned all zeros: if every weight starts equal they all get the same gradient and "
                 "stay alike; start from random numbers", HINT)
        if values.min() == values.max():
            fail("init_params filled the tensor with one value: every weight would start the same; draw random "
                 "numbers instead", HINT)
        mean, spread = values.mean().item(), values.std().item()
        if values.min() >= 0:
            fail("init_params returned only non-negative numbers: torch.rand draws uniformly from [0, 1); weights "
                 "should be centred on 0 (torch.randn draws from a normal distribution)", HINT)
        if abs(mean) > 0.03 * spread:
            fail("init_params's numbers are not centred on 0 (their mean is far from 0)", HINT)
        if std is None and abs(spread - 1.0) > 0.03:
            fail("init_params(size) should use std=1.0 by default; the numbers have a different standard "
                 "deviation", HINT)
        if abs(spread - expected) > 0.03 * expected:
            if abs(spread - 1.0) < 0.03:
                fail("init_params ignores std: the numbers always have a standard deviation of 1. Multiply the "
                     "random numbers by std", HINT)
            fail("the standard deviation of init_params's numbers is not the requested std", HINT)
        within = ((values - mean).abs() <= spread).double().mean().item()
        if abs(within - NORMAL_WITHIN_ONE_STD) > 0.02:
            fail("init_params's numbers are not normally distributed (for instance uniform numbers, from "
                 "torch.rand, pile up differently); use torch.randn", HINT)
    first = describe(submission, (10, 10), 1.0)["values"]
    second = describe(submission, (10, 10), 1.0)["values"]
    if torch.equal(first, second):
        fail("two calls of init_params gave exactly the same numbers: a seed set inside the function makes every "
             "parameter tensor start from the same values; set seeds outside, if at all", HINT)
