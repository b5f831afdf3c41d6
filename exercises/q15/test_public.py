"""Public checks for Q15: students can run these themselves with `grader check`."""
from grader.judge.api import expect_equal, points

HINT = ("Q15: torch.randn(size) gives normal random numbers with mean 0 and std 1; multiply by std, then call "
        ".requires_grad_() on the result; see the chapter's section 'The MNIST Loss Function'.")


@points(1)
def test_shape_and_requires_grad(submission):
    """init_params((784, 1)) is a 784×1 tensor that requires gradients"""
    got = submission.harness("describe", size=(784, 1))
    expect_equal(got["tensor"], True, "init_params((784, 1)) should return a tensor", HINT)
    expect_equal(tuple(got["values"].shape), (784, 1), "init_params((784, 1)) should have shape (784, 1)", HINT)
    expect_equal(got["requires_grad"], True, "init_params((784, 1)) should require gradients", HINT)


@points(1)
def test_int_size(submission):
    """init_params(1) is a tensor of shape (1,)"""
    got = submission.harness("describe", size=1)
    expect_equal(tuple(got["values"].shape), (1,), "init_params(1) should have shape (1,)", HINT)
