"""The sandbox as a boundary: what student code can see, and how misbehaving code ends."""

import pytest

from grader.config import REPO_ROOT
from grader.sandbox.host import isolation
from sandbox_sessions import session_of, start, zygote  # noqa: F401 - start and zygote are fixtures
from grader.judge.backend import StudentCrash, StudentError, StudentTimeout

namespaced = pytest.mark.skipif(isolation.detect().level != isolation.NAMESPACES,
                                reason="bubblewrap namespaces are not available on this machine")


def test_calls_return_plain_data_and_student_errors_are_data():
    with session_of("import torch\ndef f(x):\n    return x * 2\ndef g():\n    return 1 / 0") as s:
        s.start()
        assert s.call("f", 21) == 42
        with pytest.raises(StudentError) as err:
            s.call("g")
        assert err.value.type == "ZeroDivisionError" and "<cell 0>" in err.value.describe()


def test_a_failing_cell_does_not_stop_the_next_one():
    with session_of("1/0", "x = 5\ndef f():\n    return x") as s:
        s.start()
        assert s.cells[0].status == "error" and s.cells[0].error["type"] == "ZeroDivisionError"
        assert s.call("f") == 5


def test_sys_exit_is_ignored_and_os_exit_is_skipped_on_a_fresh_sandbox():
    with session_of("def a():\n    return 'a'", "import sys\nsys.exit(0)", "import os\nos._exit(0)",
                    "def b():\n    return 'b'") as s:
        s.start()
        assert s.cells[1].status == "error" and "sys.exit" in s.cells[1].error["message"]
        assert s.cells[2].status == "died"
        assert s.restarts == 1
        assert s.call("a") == "a" and s.call("b") == "b"


@pytest.mark.timeout(120)  # a hang guard: the loop never ends unless the grader stops it
def test_endless_loop_that_cancels_alarms_is_stopped_from_outside():
    with session_of("import signal\nsignal.alarm(0)\nwhile True:\n    pass", "def ok():\n    return 1",
                    timeout=3) as s:
        s.start()
        assert s.cells[0].status == "timeout"
        assert s.call("ok") == 1


def test_a_request_that_hangs_times_out_and_the_next_request_gets_a_fresh_sandbox():
    with session_of("import time\ndef slow():\n    time.sleep(60)\ndef fast():\n    return 2", timeout=3) as s:
        s.start()
        with pytest.raises(StudentTimeout):
            s.call("slow")
        assert s.call("fast") == 2


def test_memory_bomb_is_stopped_by_the_watchdog():
    with session_of("import torch\nx = torch.ones(3 * 2**30, dtype=torch.uint8)", "def ok():\n    return 1",
                    memory_mb=1024) as s:
        s.start()
        assert s.cells[0].status in ("memory", "error")
        assert s.call("ok") == 1


@pytest.mark.timeout(120)  # a hang guard: filling 20 GB would take far longer than being refused
def test_twenty_gigabytes_fail_fast():
    with session_of("import torch\nx = torch.ones(20 * 2**30, dtype=torch.uint8)") as s:
        s.start()
        assert s.cells[0].status in ("memory", "error")


def test_output_is_capped():
    with session_of("print('x' * 5_000_000)", max_output_bytes=10_000) as s:
        s.start()
        s.close()
        assert "more bytes of output were dropped" in s.output and len(s.output) < 20_000


@namespaced
def test_no_network_inside_the_sandbox():
    code = ("import socket\ndef probe():\n    try:\n        socket.create_connection(('127.0.0.1', 22), 2)\n"
            "    except OSError as e:\n        return type(e).__name__\n    return 'connected'")
    with session_of(code) as s:
        s.start()
        assert s.call("probe") != "connected"


@namespaced
def test_the_sandbox_cannot_see_solutions_tests_labels_or_the_grader():
    code = f"""
import os
def search():
    hits = []
    for root, dirs, files in os.walk('/', onerror=lambda e: None):
        dirs[:] = [d for d in dirs if root != '/' or d not in ('proc', 'sys', 'dev')]
        for f in files:
            if f in ('test_hidden.py', 'solution.py', 'reference.ipynb', 'checksums.json') or (
                    'mnist' in f.lower() and f.endswith(('.npz', '.npy', '.pkl', '.gz', '-ubyte', '.csv'))):
                hits.append(os.path.join(root, f))
    return hits
def repo():
    root = {str(REPO_ROOT)!r}
    return sorted(os.listdir(root)) if os.path.isdir(root) else []
def grader_importable():
    try:
        import grader.grading.grade  # the real engine; only a data stand-in named grader is there
        return True
    except ImportError:
        return False
"""
    with session_of(code, timeout=60) as s:
        s.start()
        assert s.call("search", timeout=60) == []
        # Only a virtualenv inside the repository (bound read-only for the interpreter) may show through.
        assert set(s.call("repo")) <= {".venv"}
        assert s.call("grader_importable") is False


@namespaced
def test_writes_outside_the_private_folders_fail():
    code = ("def write(path):\n    try:\n        open(path, 'w').write('x')\n        return 'wrote'\n"
            "    except OSError as e:\n        return type(e).__name__")
    with session_of(code) as s:
        s.start()
        assert s.call("write", "/usr/evil") != "wrote"
        assert s.call("write", "/sandbox/work/ok.txt") == "wrote"


def test_a_value_too_big_for_the_grader_is_refused():
    with session_of("def big():\n    return b'x' * (100 << 20)") as s:
        s.start()
        with pytest.raises(StudentCrash, match="cannot accept|limit"):
            s.call("big")


def _process_cap_available() -> bool:
    import os

    from grader.sandbox.host.limits import PidsCgroup

    group = PidsCgroup.create(8)
    if group is not None:
        group.remove()
        return True
    return os.getuid() != 0


@pytest.mark.skipif(not _process_cap_available(), reason="no pids cgroup and running as root: no process cap")
def test_fork_bomb_ends_quietly_and_the_next_cell_still_runs():
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    with session_of(bomb, "def ok():\n    return 1", timeout=4, max_processes=64) as s:
        s.start()
        assert s.cells[0].status == "timeout"
        assert s.call("ok") == 1


def test_files_larger_than_the_limit_cannot_be_written():
    code = ("def fill():\n    try:\n        with open('big.bin', 'wb') as fh:\n"
            "            fh.write(b'x' * (8 << 20))\n        return 'wrote'\n"
            "    except OSError as e:\n        return e.strerror")
    with session_of(code, max_file_mb=2) as s:
        s.start()
        assert s.call("fill") in ("File too large", "No space left on device")


@pytest.mark.timeout(120)  # a hang guard: without the CPU limit the loop runs until the 30 s wall clock
def test_cpu_time_is_limited_from_outside():
    with session_of("while True:\n    pass", "def ok():\n    return 1", cpu_seconds=2, timeout=30) as s:
        s.start()
        assert s.cells[0].status == "died" and "CPU time" in s.cells[0].message
        assert s.call("ok") == 1


def test_notebooks_can_load_the_sample_but_not_the_held_out_labels():
    code = ("from grader.data import load_sample\n"
            "def shapes():\n    d = load_sample()\n    return {k: list(v.shape) for k, v in d.items()}\n"
            "def digits():\n    d = load_sample()\n    return sorted(set(d['y_valid'].tolist()))\n")
    with session_of(code) as s:
        s.start()
        assert s.cells[0].status == "ok"
        assert s.call("shapes") == {"x_train": [10396, 28, 28], "y_train": [10396], "x_valid": [2000, 28, 28],
                                    "y_valid": [2000]}
        assert s.call("digits") == [3, 7]


def test_the_sandbox_says_where_a_names_code_was_written_and_nothing_for_what_it_did_not_write():
    with session_of("import torch\n",
                    "x = 1\n\n@staticmethod\ndef f(a):\n    return a\n",
                    "class Net:\n    k = 2\n\n    def __call__(self, x):\n        return x\nnet = Net()\ng = lambda v: v\n",
                    "exp = torch.exp\n") as s:
        s.start()
        assert s.where(["f", "Net", "net", "g", "exp", "x", "nope"]) == {
            "f": None,  # a staticmethod object, not a function: no hint, the source is read as written
            "Net": (2, 4), "net": (2, 4), "g": (2, 7), "exp": None, "x": None, "nope": None}
