"""``from grader.data import load_sample`` inside the sandbox, without the held-out labels.

Students load the chapter's threes and sevens in their notebooks with ``grader.data.load_sample()``.  The real
``grader`` package is invisible in the sandbox (it holds the labels the grader scores with), so a cell doing that
import would fail and take the definitions after it down.  Each sandbox instead gets a small stand-in package
``grader`` whose ``load_sample`` returns the training images only: 2,000 of them, chosen with a fixed seed, play
the validation set.  The official validation images' labels never enter the sandbox, so they stay a fair
held-out set for the exercises that score predictions on them.
"""
from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

import numpy as np

STAND_IN_VALID = 2000

STUB_INIT = '''"""Stand-in for the grader package inside the grading sandbox: only grader.data.load_sample()."""
'''

STUB_DATA = '''"""The chapter's MNIST sample as seen while grading: the training images, 2,000 of them set aside as the
validation split (the real validation labels are kept by the grader)."""
import os

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))


def load_sample():
    with np.load(os.path.join(_HERE, "sample_grading_split.npz"), allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}
'''


@functools.lru_cache(maxsize=1)
def stub_package() -> Path:
    """Build the stand-in package once per grading process; sandboxes copy it next to the worker."""
    from grader.data import load_sample

    sample = load_sample()
    order = np.random.default_rng(4).permutation(len(sample["x_train"]))
    valid, train = np.sort(order[:STAND_IN_VALID]), np.sort(order[STAND_IN_VALID:])
    root = Path(tempfile.mkdtemp(prefix="grader-student-data-")) / "grader"
    root.mkdir()
    (root / "__init__.py").write_text(STUB_INIT, encoding="utf-8")
    (root / "data.py").write_text(STUB_DATA, encoding="utf-8")
    np.savez(root / "sample_grading_split.npz", x_train=sample["x_train"][train], y_train=sample["y_train"][train],
             x_valid=sample["x_train"][valid], y_valid=sample["y_train"][valid])
    return root


def install(lib_dir: Path) -> None:
    shutil.copytree(stub_package(), lib_dir / "grader")
