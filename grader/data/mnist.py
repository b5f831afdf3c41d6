"""Load, verify and export the MNIST arrays the grader uses.

Why one module: every consumer (the judge, the CLI's `data verify` and `data export`) must agree on where the data
lives and on what "the right data" means. "Right" is defined by checksums.json: the SHA-256 of each array's raw
bytes, so a loader is proven correct whatever file format it read. The chapter's sample ships inside the package;
full MNIST lives in a per-user cache filled by `grader.data.fetch`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import numpy as np

from .png import encode_png

__all__ = [
    "DataError", "ArrayCheck", "SAMPLE_PATH", "CHECKSUMS_PATH", "FULL_FILENAME", "FETCH_HINT",
    "default_cache_dir", "full_cache_path", "load_sample", "load_full", "array_sha256",
    "expected_checksums", "verify_arrays", "verify_all", "export_sample",
]

_HERE = Path(__file__).resolve().parent
SAMPLE_PATH = _HERE / "mnist_sample.npz"
CHECKSUMS_PATH = _HERE / "checksums.json"
FULL_FILENAME = "mnist_full.npz"
FETCH_HINT = "run `grader data fetch mnist` to download it"

Progress = Callable[[str], None] | None


class DataError(Exception):
    """A data problem a user can act on (missing cache, corrupt file, checksum mismatch, failed download)."""


@dataclass(frozen=True)
class ArrayCheck:
    """The verdict on one array: what it is, its hash, the hash checksums.json expects.

    status is "ok", "mismatch" (shape, dtype or hash differ), "missing" (array absent), "unexpected" (array not in
    checksums.json), "not fetched" (full MNIST is not cached: not an error, just absent) or "error" (unreadable).
    """

    dataset: str
    array: str
    shape: tuple[int, ...] | None
    dtype: str | None
    sha256: str | None
    expected_sha256: str | None
    ok: bool
    status: str = "ok"
    detail: str = ""


def default_cache_dir() -> Path:
    """$GRADER_CACHE, else $XDG_CACHE_HOME/mnist-grader, else ~/.cache/mnist-grader (read at call time)."""
    if os.environ.get("GRADER_CACHE"):
        return Path(os.environ["GRADER_CACHE"]).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "mnist-grader"
    return Path.home() / ".cache" / "mnist-grader"


def full_cache_path(cache_dir: str | os.PathLike | None = None) -> Path:
    """Where full MNIST is (or would be) cached."""
    return (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / FULL_FILENAME


def _load_npz(path: Path, what: str) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except FileNotFoundError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise DataError(f"{what} at {path} is unreadable or corrupt ({exc})") from exc


def load_sample() -> dict[str, np.ndarray]:
    """The chapter's MNIST_SAMPLE: x_train/y_train (threes then sevens of MNIST train), x_valid/y_valid (of test)."""
    try:
        return _load_npz(SAMPLE_PATH, "the embedded MNIST sample")
    except FileNotFoundError as exc:
        raise DataError(f"the embedded MNIST sample is missing from the package ({SAMPLE_PATH}); reinstall") from exc


def load_full(cache_dir: str | os.PathLike | None = None, *, verify: bool = False) -> dict[str, np.ndarray]:
    """Full MNIST (x_train 60000x28x28, y_train, x_test 10000x28x28, y_test) from the cache.

    The cache only ever holds a verified file (fetch writes it atomically after checking every hash), so hashing
    again is opt-in (`verify=True`, about a tenth of a second); shapes and dtypes are always checked.
    """
    path = full_cache_path(cache_dir)
    try:
        arrays = _load_npz(path, "the cached full MNIST")
    except FileNotFoundError:
        raise DataError(f"full MNIST is not downloaded (no {path}); {FETCH_HINT}") from None
    checks = verify_arrays("mnist_full", arrays) if verify else _shape_checks("mnist_full", arrays)
    bad = [c for c in checks if not c.ok]
    if bad:
        lines = "; ".join(f"{c.array}: {c.detail or c.status}" for c in bad)
        raise DataError(f"the cached full MNIST at {path} does not match checksums.json ({lines}); {FETCH_HINT}")
    return arrays


def array_sha256(a: np.ndarray) -> str:
    """SHA-256 of the array's raw C-order bytes: the recipe behind checksums.json."""
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def expected_checksums() -> dict:
    """checksums.json as a dict: {dataset: {array: {"shape": [...], "dtype": str, "sha256": str}}}."""
    try:
        return json.loads(CHECKSUMS_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the package's checksums ({CHECKSUMS_PATH}): {exc}; reinstall") from exc


def _shape_checks(dataset: str, arrays: Mapping[str, np.ndarray]) -> list[ArrayCheck]:
    """Like verify_arrays but without hashing: a cheap sanity check on load."""
    spec = expected_checksums()[dataset]
    out = []
    for name, want in spec.items():
        a = arrays.get(name)
        ok = a is not None and list(a.shape) == want["shape"] and str(a.dtype) == want["dtype"]
        detail = "" if ok else ("missing" if a is None else f"shape {a.shape} {a.dtype}, expected {want['shape']}")
        out.append(ArrayCheck(dataset, name, None if a is None else tuple(a.shape), None if a is None else
                              str(a.dtype), None, want["sha256"], ok, "ok" if ok else "mismatch", detail))
    return out


def verify_arrays(dataset_name: str, arrays: Mapping[str, np.ndarray],
                  checksums: Mapping | None = None) -> list[ArrayCheck]:
    """Check every array checksums.json lists for `dataset_name` (shape, dtype and SHA-256), in its order."""
    checksums = expected_checksums() if checksums is None else checksums
    if dataset_name not in checksums:
        raise DataError(f"no checksums for dataset {dataset_name!r} (known: {', '.join(sorted(checksums))})")
    spec = checksums[dataset_name]
    results = []
    for name, want in spec.items():
        if name not in arrays:
            results.append(ArrayCheck(dataset_name, name, None, None, None, want["sha256"], False, "missing",
                                      f"array {name!r} is absent"))
            continue
        a = np.asarray(arrays[name])
        shape, dtype, digest = tuple(a.shape), str(a.dtype), array_sha256(a)
        problems = []
        if list(shape) != list(want["shape"]):
            problems.append(f"shape {shape} != expected {tuple(want['shape'])}")
        if dtype != want["dtype"]:
            problems.append(f"dtype {dtype} != expected {want['dtype']}")
        if digest != want["sha256"]:
            problems.append(f"sha256 {digest} != expected {want['sha256']}")
        results.append(ArrayCheck(dataset_name, name, shape, dtype, digest, want["sha256"], not problems,
                                  "mismatch" if problems else "ok", "; ".join(problems)))
    for name in arrays:
        if name not in spec:
            a = np.asarray(arrays[name])
            results.append(ArrayCheck(dataset_name, name, tuple(a.shape), str(a.dtype), array_sha256(a), None,
                                      False, "unexpected", f"array {name!r} is not listed in checksums.json"))
    return results


def verify_all(cache_dir: str | os.PathLike | None = None) -> list[ArrayCheck]:
    """Verify the embedded sample, and full MNIST if cached (else one "not fetched" entry, ok=False)."""
    results = verify_arrays("mnist_sample", load_sample())
    path = full_cache_path(cache_dir)
    if not path.exists():
        results.append(ArrayCheck("mnist_full", "*", None, None, None, None, False, "not fetched",
                                  f"not fetched: no {path}; {FETCH_HINT}"))
        return results
    try:
        arrays = _load_npz(path, "the cached full MNIST")
    except (DataError, FileNotFoundError) as exc:
        results.append(ArrayCheck("mnist_full", "*", None, None, None, None, False, "error", str(exc)))
        return results
    return results + verify_arrays("mnist_full", arrays)


# ---------------------------------------------------------------------------------------------------------------
# Export: the chapter's folder layout (train/3, train/7, valid/3, valid/7 and labels.csv)

_SPLITS = (("train", "x_train", "y_train", False), ("valid", "x_valid", "y_valid", True))


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless the file already holds exactly it; returns True when it wrote."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.write_bytes(data)
    return True


def export_sample(dest: str | os.PathLike, progress: Progress = None) -> Path:
    """Write the sample as dest/{train,valid}/{3,7}/NNNNN.png plus dest/labels.csv; returns dest.

    NNNNN is the row of x_train (or x_valid) in the sample, so a file name leads back to its array row. The export
    is idempotent: files that already hold the right bytes are left alone, so a second run only reads. Unknown
    .png files in the digit folders would silently join the data set in a notebook, so they are refused.
    """
    dest = Path(dest)
    sample = load_sample()
    plan: list[tuple[str, np.ndarray, int, bool]] = []  # (relative name, image, label, is_valid)
    for split, xk, yk, is_valid in _SPLITS:
        for i, (img, label) in enumerate(zip(sample[xk], sample[yk])):
            plan.append((f"{split}/{int(label)}/{i:05d}.png", img, int(label), is_valid))
    folders = sorted({name.rsplit("/", 1)[0] for name, *_ in plan})
    wanted = {name for name, *_ in plan}
    for folder in folders:
        fdir = dest / folder
        if fdir.exists():
            strays = sorted(p.name for p in fdir.glob("*.png") if f"{folder}/{p.name}" not in wanted)
            if strays:
                raise DataError(f"{fdir} already holds {len(strays)} PNG file(s) that are not part of the sample "
                                f"(e.g. {strays[0]}); export into an empty folder or remove them")
    if dest.exists() and not dest.is_dir():
        raise DataError(f"cannot export to {dest}: it exists and is not a folder")
    try:
        for folder in folders:
            (dest / folder).mkdir(parents=True, exist_ok=True)
        if progress:
            progress(f"exporting {len(plan)} PNGs to {dest}")
        written = 0
        for name, img, _label, _valid in plan:
            written += _write_if_changed(dest / name, encode_png(img))
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["name", "label", "is_valid"])
        writer.writerows((name, label, is_valid) for name, _img, label, is_valid in plan)
        csv_written = _write_atomic_if_changed(dest / "labels.csv", buf.getvalue().encode("utf-8"))
    except OSError as exc:
        raise DataError(f"cannot write the sample export under {dest}: {exc}") from exc
    if progress:
        progress(f"{written} PNG(s) written, {len(plan) - written} already up to date; "
                 f"labels.csv {'written' if csv_written else 'up to date'}")
    return dest


def _write_atomic_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
