"""Public checks for Q26: students can run these themselves with `grader check`."""
from grader.judge.api import expect_equal, points, property_case

HINT = ("Q26: zip walks two sequences side by side and list(...) collects its (x, y) tuples; see the chapter's "
        "section 'The MNIST Loss Function', where the Dataset is built.")


@points(1)
def test_example_from_the_prompt(submission):
    """pair_up([1, 2, 3, 4], 'abcd') gives [(1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')]"""
    expect_equal(submission.call("pair_up", [1, 2, 3, 4], "abcd"), [(1, "a"), (2, "b"), (3, "c"), (4, "d")],
                 "pair_up([1, 2, 3, 4], 'abcd') should be a list of four (number, letter) tuples", HINT)


@property_case
@points(1)
def test_stops_at_the_shorter_input(submission):
    """pair_up([1, 2, 3], 'ab') stops at the shorter input"""
    expect_equal(submission.call("pair_up", [1, 2, 3], "ab"), [(1, "a"), (2, "b")],
                 "pair_up([1, 2, 3], 'ab') should stop after two pairs, like zip", HINT)
