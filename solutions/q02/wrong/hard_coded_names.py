# expect: partial | not assumed to be train/valid and 3/7
import os


def count_images(path):
    return {split: {digit: len(os.listdir(path / split / digit)) for digit in ("3", "7")}
            for split in ("train", "valid")}
