from pathlib import Path


def count_images(path):
    """Count the .png files in a split/label folder tree rooted at `path`: {split: {label: count}}."""
    path = Path(path)
    return {split.name: {label.name: len(list(label.glob("*.png")))
                         for label in sorted(split.iterdir()) if label.is_dir()}
            for split in sorted(path.iterdir()) if split.is_dir()}
