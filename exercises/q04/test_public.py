"""Public checks for Q4: students can run these themselves with `grader check`."""
import ast

from grader.judge.api import code_of, expect_equal, fail, points, property_case, walk_code

HINT = ("Q4: a list comprehension has the shape [expression for item in iterable if condition]; see the "
        "chapter's section 'First Try: Pixel Similarity'.")


@points(1)
def test_example_from_the_prompt(submission):
    """double_odds([1, 2, 3, 4, 5]) gives [2, 6, 10]"""
    expect_equal(submission.call("double_odds", [1, 2, 3, 4, 5]), [2, 6, 10],
                 "double_odds([1, 2, 3, 4, 5]) should keep 1, 3 and 5 and double them", HINT)


@property_case
@points(1)
def test_uses_a_list_comprehension(submission):
    """double_odds is written as a list comprehension"""
    code = code_of(submission, "double_odds", alternatives=False)  # the comprehension must be in what runs
    if not isinstance(code[0], ast.FunctionDef):
        fail("double_odds should be a function defined with def", HINT)
    if not any(isinstance(n, ast.ListComp) for n in walk_code(code)):
        fail("double_odds does not contain a list comprehension", HINT,
             expected="[... for n in nums if ...]", actual="no list comprehension in the function")
