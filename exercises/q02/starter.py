from pathlib import Path


def count_images(path):
    """Count the .png files in a split/label folder tree rooted at `path` (a pathlib.Path).

    Return {split: {label: count}}, e.g. {"train": {"3": 6131, "7": 6265}, "valid": {"3": 1010, "7": 1028}}.
    """
    raise NotImplementedError("walk the split folders, then the label folders, and count the .png files")
