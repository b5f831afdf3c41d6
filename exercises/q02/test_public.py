"""Public checks for Q2: students can run these themselves with `grader check`."""
from grader.judge.api import expect_equal, fail, points
from grader.judge.api import StudentError

HINT = ("Q2: list the folders under path (the splits), then the folders inside each split (the labels), and count "
        "the .png files in each; Path.iterdir(), Path.is_dir() and Path.glob('*.png') do all of it. See the "
        "chapter's section 'Pixels: The Foundations of Computer Vision'.")


@points(1)
def test_small_tree(submission):
    """count_images on a small train/valid tree of threes and sevens"""
    counts = {"train": {"3": 4, "7": 5}, "valid": {"3": 2, "7": 1}}
    try:
        got = submission.harness("count_tree", counts=counts)
    except StudentError as exc:
        if exc.type == "NotADirectoryError":
            fail("count_images tried to look inside labels.csv as if it were a folder: skip entries that are not "
                 "directories", HINT, expected=counts, actual=f"NotADirectoryError: {exc.info.get('message')}")
        raise
    expect_equal(got, counts,
                 "count_images should give {split: {label: number of .png files}} for the tree the grader built",
                 HINT)
