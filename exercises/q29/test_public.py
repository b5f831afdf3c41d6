"""Public checks for Q29: students can run these themselves with `grader check`."""
import torch

from grader.judge.api import expect_close, expect_equal, points

HINT = ("Q29: a @ b is matrix multiplication: entry [i, j] is row i of a times column j of b, added up, and the "
        "inner sizes must match; see the chapter's section 'The MNIST Loss Function'.")


@points(1)
def test_small_product(submission):
    """batch_matmul of a 2×3 batch and 3×2 weights"""
    xb = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    w = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
    expect_close(submission.call("batch_matmul", xb, w), torch.tensor([[4.0, -1.0], [10.0, -1.0]]),
                 "row 0 times column 0 is 1*1 + 2*0 + 3*1 = 4, row 0 times column 1 is 0 + 2 - 3 = -1, ...", HINT)


@points(1)
def test_shapes_from_the_prompt(submission):
    """matmul_shape gives (64, 1) for (64, 784) @ (784, 1) and None for (64, 784) @ (1, 784)"""
    expect_equal(submission.call("matmul_shape", (64, 784), (784, 1)), (64, 1),
                 "(64, 784) @ (784, 1) has the rows of the first and the columns of the second", HINT)
    expect_equal(submission.call("matmul_shape", (64, 784), (1, 784)), None,
                 "the inner sizes 784 and 1 differ, so (64, 784) @ (1, 784) cannot be computed", HINT)
