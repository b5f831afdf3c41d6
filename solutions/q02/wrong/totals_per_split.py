# expect: failed | one number per split
def count_images(path):
    return {split.name: len(list(split.glob("*/*.png"))) for split in path.iterdir() if split.is_dir()}
