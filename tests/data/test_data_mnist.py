"""The embedded sample, checksum verification, the full-MNIST cache contract and the PNG export."""

import csv
import hashlib
import json

import numpy as np
import pytest

import grader.data.mnist as mnist
from grader.data import (ArrayCheck, DataError, array_sha256, decode_png, default_cache_dir, export_sample,
                         load_full, load_sample, verify_all, verify_arrays)

# Pinned here as well as in checksums.json, so editing both the npz and the json cannot slip through.
SAMPLE_SHA256 = {
    "x_train": "be057090c72068aa9eee9a4ff32e497b81bae96c0f141aea42690d4f711093ac",
    "y_train": "fd28f74cd1cc05ea9f3391dffc88e53474a0682ec2a7c0da57fdce6353676aaf",
    "x_valid": "60d6ad42c5a86319c18dd5b4dbe7f44176938889c3422f756e1bfe132a96283c",
    "y_valid": "e656b41090d7f5e1798f6079b3d35c20e2fd0aef013f4361bf41c10c931130a6",
}


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.fixture(scope="module")
def exported(tmp_path_factory, sample):
    dest = tmp_path_factory.mktemp("export") / "mnist_sample"
    lines = []
    assert export_sample(dest, progress=lines.append) == dest
    return dest, lines


@pytest.fixture
def fake_full():
    """Factory: small made-up 'full MNIST' arrays and a checksums dict describing them."""
    def make(seed=0):
        rng = np.random.default_rng(seed)
        arrays = {"x_train": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
                  "y_train": rng.integers(0, 10, 5, dtype=np.uint8),
                  "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
                  "y_test": rng.integers(0, 10, 3, dtype=np.uint8)}
        sums = {"mnist_full": {k: {"shape": list(a.shape), "dtype": str(a.dtype), "sha256": array_sha256(a)}
                               for k, a in arrays.items()}}
        return arrays, sums
    return make


def test_sample_reproduces_every_checksum(sample):
    spec = json.loads(mnist.CHECKSUMS_PATH.read_text())["mnist_sample"]
    assert set(sample) == set(spec) == set(SAMPLE_SHA256)
    for name, a in sample.items():
        assert list(a.shape) == spec[name]["shape"] and str(a.dtype) == spec[name]["dtype"]
        digest = hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()
        assert digest == spec[name]["sha256"] == SAMPLE_SHA256[name], name
    assert all(c.ok and c.status == "ok" for c in verify_arrays("mnist_sample", sample))


def test_sample_counts_and_order(sample):
    for y, threes, sevens in ((sample["y_train"], 6131, 6265), (sample["y_valid"], 1010, 1028)):
        assert (y == 3).sum() == threes and (y == 7).sum() == sevens and len(y) == threes + sevens
        assert (y[:threes] == 3).all() and (y[threes:] == 7).all()  # threes first, then sevens
    assert sample["x_train"].max() == 255 and sample["x_train"].min() == 0


def test_array_sha256_recipe():
    a = np.arange(24, dtype=np.uint8).reshape(4, 6)
    assert array_sha256(a) == hashlib.sha256(a.tobytes()).hexdigest()
    view = a[:, ::2]  # not contiguous: hashed as its C-order copy
    assert array_sha256(view) == hashlib.sha256(view.copy().tobytes()).hexdigest()
    assert array_sha256(a) != array_sha256(a.astype(np.int16))


def test_verify_arrays_reports_each_problem(fake_full):
    arrays, sums = fake_full()
    assert all(c.ok for c in verify_arrays("mnist_full", arrays, sums))
    bad = dict(arrays)
    bad["x_train"] = arrays["x_train"].copy()
    bad["x_train"][0, 0, 0] ^= 1
    bad["y_train"] = arrays["y_train"].astype(np.int64)
    del bad["y_test"]
    bad["extra"] = np.zeros(2, np.uint8)
    by_name = {c.array: c for c in verify_arrays("mnist_full", bad, sums)}
    assert by_name["x_test"].ok
    assert by_name["x_train"].status == "mismatch" and not by_name["x_train"].ok
    assert sums["mnist_full"]["x_train"]["sha256"] in by_name["x_train"].detail
    assert by_name["x_train"].sha256 in by_name["x_train"].detail
    assert "dtype int64" in by_name["y_train"].detail
    assert by_name["y_test"].status == "missing" and by_name["y_test"].sha256 is None
    assert by_name["extra"].status == "unexpected" and not by_name["extra"].ok


def test_verify_arrays_unknown_dataset():
    with pytest.raises(DataError, match="no checksums for dataset 'cifar'"):
        verify_arrays("cifar", {})


def test_default_cache_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_CACHE", str(tmp_path / "g"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "g"
    monkeypatch.delenv("GRADER_CACHE")
    assert default_cache_dir() == tmp_path / "x" / "mnist-grader"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert default_cache_dir() == tmp_path / "h" / ".cache" / "mnist-grader"


def test_load_full_absent_says_how_to_fetch(tmp_path, monkeypatch):
    with pytest.raises(DataError, match="grader data fetch mnist") as info:
        load_full(tmp_path)
    assert str(tmp_path / "mnist_full.npz") in str(info.value)
    monkeypatch.setenv("GRADER_CACHE", str(tmp_path / "env"))
    with pytest.raises(DataError, match="env"):
        load_full()


def test_load_full_corrupt_file(tmp_path):
    (tmp_path / "mnist_full.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="unreadable or corrupt"):
        load_full(tmp_path)


def test_load_full_checks_shapes_and_optionally_hashes(tmp_path, monkeypatch, fake_full):
    arrays, sums = fake_full()
    np.savez_compressed(tmp_path / "mnist_full.npz", **arrays)
    with pytest.raises(DataError, match="does not match checksums.json"):
        load_full(tmp_path)  # real checksums: 60000 images expected
    monkeypatch.setattr(mnist, "expected_checksums", lambda: sums)
    got = load_full(tmp_path, verify=True)
    assert set(got) == set(arrays) and all(np.array_equal(got[k], arrays[k]) for k in arrays)
    other, _ = fake_full(seed=1)  # right shapes, wrong bytes: only hashing notices
    np.savez_compressed(tmp_path / "mnist_full.npz", **other)
    load_full(tmp_path)
    with pytest.raises(DataError, match="sha256"):
        load_full(tmp_path, verify=True)


def test_verify_all_without_full(tmp_path):
    checks = verify_all(tmp_path)
    assert [c.array for c in checks[:4]] == list(SAMPLE_SHA256) and all(c.ok for c in checks[:4])
    last = checks[-1]
    assert isinstance(last, ArrayCheck) and len(checks) == 5
    assert (last.dataset, last.status, last.ok) == ("mnist_full", "not fetched", False)
    assert "grader data fetch mnist" in last.detail


def test_verify_all_with_full(tmp_path, monkeypatch, fake_full):
    arrays, sums = fake_full()
    np.savez_compressed(tmp_path / "mnist_full.npz", **arrays)
    real = mnist.expected_checksums()
    monkeypatch.setattr(mnist, "expected_checksums", lambda: {**real, **sums})
    checks = verify_all(tmp_path)
    assert [(c.dataset, c.ok) for c in checks[4:]] == [("mnist_full", True)] * 4
    (tmp_path / "mnist_full.npz").write_bytes(b"garbage")
    last = verify_all(tmp_path)[-1]
    assert (last.status, last.ok) == ("error", False) and "corrupt" in last.detail


def test_export_layout_pixels_and_labels(exported, sample):
    dest, lines = exported
    counts = {f"{s}/{d}": len(list((dest / s / str(d)).glob("*.png"))) for s in ("train", "valid") for d in (3, 7)}
    assert counts == {"train/3": 6131, "train/7": 6265, "valid/3": 1010, "valid/7": 1028}
    with open(dest / "labels.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["name", "label", "is_valid"]
    assert len(rows) == len(sample["y_train"]) + len(sample["y_valid"])
    seen = set()
    for row in rows:
        split, digit, fname = row["name"].split("/")
        xk, yk = ("x_valid", "y_valid") if split == "valid" else ("x_train", "y_train")
        i = int(fname.removesuffix(".png"))
        assert row["is_valid"] == str(split == "valid")
        assert int(row["label"]) == int(digit) == sample[yk][i]
        np.testing.assert_array_equal(decode_png((dest / row["name"]).read_bytes()), sample[xk][i])
        seen.add(row["name"])
    assert len(seen) == len(rows)
    assert any("14434" in line for line in lines)


def test_export_is_idempotent_and_repairs(exported):
    dest, _ = exported
    victim = dest / "train" / "7" / "06200.png"
    good = victim.read_bytes()
    before = {p: p.stat().st_mtime_ns for p in (dest / "valid" / "3").glob("*.png")}
    victim.write_bytes(b"damaged")
    lines = []
    export_sample(dest, progress=lines.append)
    assert victim.read_bytes() == good
    assert {p: p.stat().st_mtime_ns for p in (dest / "valid" / "3").glob("*.png")} == before
    assert any(line.startswith("1 PNG(s) written, 14433 already up to date") for line in lines)
    assert not list(dest.glob(".*.tmp"))


def test_export_refuses_stray_pngs(tmp_path):
    (tmp_path / "train" / "3").mkdir(parents=True)
    (tmp_path / "train" / "3" / "mine.png").write_bytes(b"x")
    with pytest.raises(DataError, match="not part of the sample.*mine.png"):
        export_sample(tmp_path)
    assert not (tmp_path / "labels.csv").exists()


def test_export_refuses_a_file_as_dest(tmp_path):
    target = tmp_path / "file"
    target.write_text("hi")
    with pytest.raises(DataError, match="not a folder"):
        export_sample(target)
