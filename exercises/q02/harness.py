"""Runs inside the sandbox for Q2: build a small MNIST_SAMPLE-like folder tree, then count it with count_images.

Public helper code. The tree is built in a fresh temporary folder from the counts the grader asks for:
``<root>/<split>/<label>/<n>.png`` (placeholder bytes, not real pictures), plus ``<root>/labels.csv`` and any
extra files named in ``extra`` (paths relative to the root). The student's ``count_images`` gets the root as a
``pathlib.Path``; its answer comes back as plain data.
"""
import random
import shutil
import tempfile
from pathlib import Path

PNG_BYTES = b"\x89PNG\r\n\x1a\n placeholder, not a real image"


def _plain(value):
    """dict subclasses (defaultdict, Counter) as plain dicts, so they can cross to the grader."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def count_tree(ns, store, device, counts, extra=(), seed=0):
    """Build the tree described by ``counts`` ({split: {label: n}}) and return count_images(root)."""
    rng = random.Random(seed)
    base = Path(tempfile.mkdtemp(prefix="q02-"))
    root = base / "mnist_sample"
    try:
        root.mkdir()
        (root / "labels.csv").write_text("name,label\n", encoding="utf-8")
        for split, labels in counts.items():
            for label, n in labels.items():
                folder = root / split / label
                folder.mkdir(parents=True)
                for number in rng.sample(range(10000, 99999), n):
                    (folder / f"{number}.png").write_bytes(PNG_BYTES)
        for name in extra:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text("not an image", encoding="utf-8")
        return _plain(ns["count_images"](root))
    finally:
        shutil.rmtree(base, ignore_errors=True)
