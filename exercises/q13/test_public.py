"""Public checks for Q13: students can run these themselves with `grader check`."""
from grader.judge.api import expect_equal, points, property_case

HINT = ("Q13: walk through xs in steps of bs and hand out one slice of bs items at a time, lazily (a generator "
        "yields instead of returning a list); see the chapter's section 'SGD and Mini-Batches'.")


@points(1)
def test_example_from_the_prompt(submission):
    """batches([1, 2, 3, 4, 5, 6, 7], 3) gives [1, 2, 3], [4, 5, 6] and then [7]"""
    got = submission.harness("collect", xs=[1, 2, 3, 4, 5, 6, 7], bs=3)
    expect_equal(got["batches"], [[1, 2, 3], [4, 5, 6], [7]],
                 "list(batches([1, 2, 3, 4, 5, 6, 7], 3)) should be three consecutive slices, the last one "
                 "smaller", HINT)


@property_case
@points(1)
def test_is_a_generator(submission):
    """batches returns a generator (it uses yield)"""
    got = submission.harness("collect", xs=[1, 2, 3, 4], bs=2)
    expect_equal(got["generator"], True, "batches should be a generator function that uses yield", HINT)
