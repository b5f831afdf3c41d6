"""Hidden suite for Q4: values on lists the student never saw, and the *how* (a comprehension, not a loop)."""
import ast
import random

from grader.judge.api import code_of, expect_equal, fail, points, property_case, type_name, walk_code

HINT = ("A list comprehension has the shape [expression for item in iterable if condition]; "
        "see Q4 and the chapter's section 'First Try: Pixel Similarity'.")


def reference(nums):
    return [2 * n for n in nums if n % 2 == 1]


@points(2)
def test_values_on_unseen_lists(submission):
    """double_odds is right on lists it has never seen (negatives, repeats, long lists)"""
    rng = random.Random(2024)
    lists = [[rng.randint(-99, 99) for _ in range(rng.randint(1, 30))] for _ in range(25)]
    lists += [[-3, -2, -1, 0], [7, 7, 8, 8, 9], list(range(50))]
    for nums in lists:
        got = submission.call("double_odds", list(nums))
        if not isinstance(got, list):
            fail(f"double_odds returned {type_name(got)}; it should return a list", HINT)
        if sorted(got) == sorted(reference(nums)) and got != reference(nums):
            fail("double_odds has the right numbers in the wrong order; keep the order of nums", HINT)
        if got == [2 * n for n in nums]:
            fail("double_odds doubled every number; the even ones should be left out", HINT)
        if got == [2 * n for n in nums if n % 2 == 0]:
            fail("double_odds kept the even numbers instead of the odd ones", HINT)
        if got == [n for n in nums if n % 2 == 1]:
            fail("double_odds picked the odd numbers but did not double them", HINT)
        expect_equal(got, reference(nums), "double_odds gave a wrong list on an unseen input", HINT)


@property_case
@points(1)
def test_edge_cases(submission):
    """double_odds handles an empty list and a list with no odd numbers"""
    expect_equal(submission.call("double_odds", []), [], "double_odds([]) should be an empty list", HINT)
    expect_equal(submission.call("double_odds", [2, 4, 6]), [], "a list with no odd numbers gives []", HINT)


@property_case
@points(2)
def test_is_a_comprehension_not_a_loop(submission):
    """double_odds uses a list comprehension rather than a for loop with append"""
    code = code_of(submission, "double_odds")
    if not isinstance(code[0], ast.FunctionDef):
        fail("double_odds should be a function defined with def", HINT)
    nodes = walk_code(code)  # a loop moved into a helper, or into another definition of it, is still the loop
    if any(isinstance(n, (ast.For, ast.While)) for n in nodes):
        fail("double_odds uses a for/while loop; Q4 asks for a list comprehension instead", HINT)
    nodes = walk_code(code_of(submission, "double_odds", alternatives=False))  # the comprehension must be in what runs
    if not any(isinstance(n, ast.ListComp) for n in nodes):
        if any(isinstance(n, ast.GeneratorExp) for n in nodes):
            fail("double_odds uses a generator expression; a list comprehension uses square brackets", HINT)
        fail("double_odds does not contain a list comprehension", HINT)
