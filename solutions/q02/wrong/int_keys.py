# expect: failed | keys that are not strings
def count_images(path):
    return {split.name: {int(label.name): len(list(label.glob("*.png")))
                         for label in split.iterdir() if label.is_dir()}
            for split in path.iterdir() if split.is_dir()}
