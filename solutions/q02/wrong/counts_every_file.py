# expect: partial | only the names ending in .png
import os


def count_images(path):
    counts = {}
    for split in sorted(os.listdir(path)):
        if not os.path.isdir(path / split):
            continue
        counts[split] = {}
        for label in sorted(os.listdir(path / split)):
            if os.path.isdir(path / split / label):
                counts[split][label] = len(os.listdir(path / split / label))
    return counts
