"""Hidden suite for Q2: counts on folder trees the student never saw (other labels, splits and counts).

The harness builds each tree inside the sandbox from the counts given here, so the right answer is known here.
"""
import random

from grader.judge.api import fail, points, property_case, type_name
from grader.judge.api import StudentError

HINT = ("Q2: the folders directly under path are the splits, the folders inside a split are the labels, and the "
        "images are the .png files inside a label folder; read all the names from the disk (Path.iterdir(), "
        "is_dir(), glob('*.png')). See the chapter's section 'Pixels: The Foundations of Computer Vision'.")


def random_counts(splits, labels, seed, low=0, high=30):
    rng = random.Random(seed)
    return {s: {label: rng.randint(low, high) for label in labels} for s in splits}


def count(submission, counts, extra=(), seed=0):
    """Build the tree in the sandbox and return count_images' answer, naming the usual crashes."""
    try:
        return submission.harness("count_tree", counts=counts, extra=list(extra), seed=seed)
    except StudentError as exc:
        if exc.type == "NotADirectoryError":
            fail("count_images tried to look inside a file (such as labels.csv, which sits next to the split "
                 "folders) as if it were a folder: skip entries that are not directories", HINT)
        if exc.type in ("FileNotFoundError", "KeyError"):
            fail("count_images looked for a folder that is not in this tree: the split and label names must be "
                 "read from the disk, not assumed to be train/valid and 3/7", HINT)
        raise


def check(counts, got, extra=()):
    """Fail with a message naming the misunderstanding, or return when got matches counts."""
    if not isinstance(got, dict):
        fail(f"count_images returned {type_name(got)}; it should return a dict {{split: {{label: count}}}}", HINT)
    splits = set(counts)
    labels = {label for per in counts.values() for label in per}
    if got and all(isinstance(v, int) for v in got.values()):
        fail("count_images gave one number per split; Q2's layout has one folder per label inside each split, and "
             "each label needs its own count", HINT)
    if set(got) == labels and labels != splits:
        fail("count_images nested the dict the wrong way round (label → split); the outer keys are the splits, "
             "the inner keys the labels", HINT)
    if any(not isinstance(k, str) for k in got) or any(
            isinstance(inner, dict) and any(not isinstance(k, str) for k in inner) for inner in got.values()):
        fail("count_images used keys that are not strings; use the folder names as they are, e.g. '3', not 3", HINT)
    if set(got) != splits:
        if set(got) < splits:
            fail("count_images left out a split folder: every folder directly under path is a split, whatever its "
                 "name", HINT)
        fail("count_images has split keys that are not the folders under path (labels.csv is a file, not a "
             "split)", HINT)
    for split, per in counts.items():
        inner = got[split]
        if not isinstance(inner, dict):
            fail(f"count_images gave {type_name(inner)} for a split; it should be a dict {{label: count}}", HINT)
        if set(inner) != set(per):
            missing_empty = {label for label in set(per) - set(inner) if per[label] == 0}
            if missing_empty and set(inner) == set(per) - missing_empty:
                fail("count_images left out a label folder that holds no images; an empty folder still counts, "
                     "as 0", HINT)
            fail("count_images has the wrong label keys in a split: every folder inside a split is a label", HINT)
        for label, n in per.items():
            value = inner[label]
            if isinstance(value, list):
                fail("count_images gave a list of files where the number of files belongs; count them with len()",
                     HINT)
            if isinstance(value, bool) or not isinstance(value, int):
                fail(f"count_images gave {type_name(value)} as a count; give an int", HINT)
    if got != counts:
        if extra:
            fail("count_images counted files that are not .png images; count only the names ending in .png", HINT)
        fail("count_images gave wrong counts on a tree it had never seen", HINT)


@points(2)
def test_counts_on_unseen_trees(submission):
    """count_images counts threes and sevens right in trees with unseen numbers of images"""
    for seed in (1, 2, 3):
        counts = random_counts(["train", "valid"], ["3", "7"], seed, low=1, high=40)
        check(counts, count(submission, counts, seed=seed))


@points(2)
def test_other_labels_and_splits(submission):
    """count_images reads the split and label names from the disk (other digits, a third split)"""
    trees = [random_counts(["train", "valid"], ["0", "1", "4", "9"], 11, low=1, high=12),
             random_counts(["train", "valid", "test"], ["2", "5", "8"], 12, low=1, high=12),
             random_counts(["training", "validation"], ["3", "7"], 13, low=1, high=12)]
    for i, counts in enumerate(trees):
        check(counts, count(submission, counts, seed=20 + i))


@property_case
@points(1)
def test_empty_label_folder(submission):
    """count_images reports 0 for a label folder with no images"""
    counts = {"train": {"3": 6, "7": 0}, "valid": {"3": 0, "7": 3}}
    check(counts, count(submission, counts, seed=30))


@property_case
@points(1)
def test_counts_only_png_files(submission):
    """count_images counts only the .png files, ignoring other files in the tree"""
    counts = random_counts(["train", "valid"], ["3", "7"], 40, low=2, high=9)
    extra = ["train/3/notes.txt", "valid/7/.DS_Store", "train/7/thumbs.db", "README.md"]
    check(counts, count(submission, counts, extra=extra, seed=40), extra=extra)
