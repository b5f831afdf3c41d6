"""Public checks for Q8: students can run these themselves with `grader check`."""
import ast

import torch

from grader.judge.api import code_of, expect_close, fail, find_in_code, points, property_case

HINT = ("Q8: let one tensor expression do all the work: subtract, square, .mean over the last two axes, .sqrt(); "
        "see the chapter's sections 'NumPy Arrays and PyTorch Tensors' and 'Computing Metrics Using Broadcasting'.")


@points(1)
def test_example_from_the_prompt(submission):
    """paired_rmse of two constant images 0.5 and 0.2 is 0.3"""
    a = torch.full((1, 28, 28), 0.5)
    b = torch.full((1, 28, 28), 0.2)
    expect_close(submission.call("paired_rmse", a, b), torch.tensor([0.3]),
                 "paired_rmse of an image of 0.5s and an image of 0.2s should be tensor([0.3])", HINT)


@property_case
@points(1)
def test_no_python_loop(submission):
    """paired_rmse has no for/while loop and no comprehension"""
    submission.call("paired_rmse", torch.zeros(1, 28, 28), torch.ones(1, 28, 28))  # it must run first
    code = code_of(submission, "paired_rmse")
    if code[0] is None:
        fail("paired_rmse should be a function defined with def", HINT)
    loops = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    found = find_in_code(code, lambda n: isinstance(n, loops))
    if found:
        where = "paired_rmse" if found[0] == "paired_rmse" else f"{found[0]} (which paired_rmse uses)"
        fail(f"{where} contains a loop or a comprehension", HINT,
             expected="tensor operations only", actual="a Python loop")
