"""Public checks for Q15: students can run these themselves with `grader check`."""
from grader.judge.api import expect_equal, fail, points, property_case

HINT = ("Q15: torch.randn(size) gives normal random numbers with mean 0 and std 1; multiply by std, then call "
        ".requires_grad_() on the result; see the chapter's section 'The MNIST Loss Function'.")


@property_case
@points(1)
def test_shape_and_requires_grad(submission):
    """init_params((784, 1)) is a 784×1 tensor that requires gradients"""
    got = submission.harness("describe", size=(784, 1))
    expect_equal(got["tensor"], True, "init_params((784, 1)) should return a tensor", HINT)
    expect_equal(tuple(got["values"].shape), (784, 1), "init_params((784, 1)) should have shape (784, 1)", HINT)
    expect_equal(got["requires_grad"], True, "init_params((784, 1)) should require gradients", HINT)


@property_case
@points(1)
def test_int_size(submission):
    """init_params(1) is a tensor of shape (1,)"""
    got = submission.harness("describe", size=1)
    expect_equal(got["tensor"], True, "init_params(1) should return a tensor", HINT)
    expect_equal(tuple(got["values"].shape), (1,), "init_params(1) should have shape (1,)", HINT)


@points(1)
def test_random_numbers_around_zero(submission):
    """init_params(10_000) holds random numbers spread around 0 with a standard deviation near 1"""
    got = submission.harness("describe", size=10_000)
    expect_equal(got["tensor"], True, "init_params(10_000) should return a tensor", HINT)
    values = got["values"].double()
    if values.numel() != 10_000 or values.min() == values.max():
        fail("init_params(10_000) should hold 10,000 different random numbers, not one value repeated", HINT,
             expected="10,000 random numbers", actual=got["values"])
    mean, std = values.mean().item(), values.std().item()
    if abs(mean) > 0.1 or abs(std - 1) > 0.1:
        fail("init_params(10_000) should draw numbers with mean about 0 and standard deviation about 1", HINT,
             expected="mean near 0, std near 1", actual=f"mean {mean:.3f}, std {std:.3f}")
