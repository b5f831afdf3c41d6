# expect: failed | labels.csv
def count_images(path):
    counts = {}
    for split in path.iterdir():
        counts[split.name] = {label.name: len(list(label.glob("*.png"))) for label in split.iterdir()}
    return counts
