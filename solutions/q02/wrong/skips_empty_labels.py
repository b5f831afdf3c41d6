# expect: partial | still counts, as 0
from collections import defaultdict


def count_images(path):
    counts = defaultdict(dict)
    for image in path.glob("*/*/*.png"):
        split, label = image.parent.parent.name, image.parent.name
        counts[split][label] = counts[split].get(label, 0) + 1
    return counts
