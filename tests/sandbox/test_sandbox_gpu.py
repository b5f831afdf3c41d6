"""CUDA sandboxes, as far as a machine without a GPU can prove them: the bubblewrap argv, the limits, the
environment, the preflight's failure path and the GPU-memory watchdog (fed a simulated reading)."""
from __future__ import annotations

import json
import sys
import time

import pytest
from click.testing import CliRunner

from grader.config import ConfigError, Limits, load_settings
from grader.sandbox.host import gpu, isolation, process
from grader.sandbox.host.cuda_probe import CudaProbe
from grader.sandbox.host.limits import rlimits

FAKE_NODES = ["/dev/nvidia0", "/dev/nvidia1", "/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools",
              "/dev/nvidia-caps"]
ERROR_304 = ("RuntimeError: Unexpected error from cudaGetDeviceCount(). Error 304: OS call failed or operation "
             "not supported on this OS")


@pytest.fixture
def fake_gpu(monkeypatch):
    monkeypatch.setattr(gpu, "device_nodes", lambda: list(FAKE_NODES))
    return FAKE_NODES


def cuda_argv(tmp_path):
    iso = isolation.Isolation(isolation.NAMESPACES, "/usr/bin/bwrap", "", True)
    env = process.sandbox_env(Limits(), "cuda")
    return process.sandbox_command(iso, sys.executable, tmp_path, Limits(), "cuda", env, ["3", "4"])


def test_every_device_bind_comes_before_any_read_only_remount(fake_gpu, tmp_path):
    argv = cuda_argv(tmp_path)
    binds = [i for i, a in enumerate(argv) if a == "--dev-bind"]
    remounts = [i for i, a in enumerate(argv) if a == "--remount-ro"]
    assert sorted(argv[i + 1] for i in binds) == sorted(FAKE_NODES)
    assert remounts and max(binds) < min(remounts)
    assert argv.index("/sys") < min(remounts)


def test_a_cpu_sandbox_binds_no_gpu(fake_gpu, tmp_path):
    iso = isolation.Isolation(isolation.NAMESPACES, "/usr/bin/bwrap", "", True)
    argv = process.sandbox_command(iso, sys.executable, tmp_path, Limits(), "cpu",
                                   process.sandbox_env(Limits(), "cpu"), ["3", "4"])
    assert "--dev-bind" not in argv and "/sys" not in argv
    assert argv[argv.index("CUDA_VISIBLE_DEVICES") + 1] == ""


def test_cuda_sandboxes_keep_every_limit_but_the_address_space_backstop():
    cpu, cuda = rlimits(Limits(), True, "cpu"), rlimits(Limits(), True, "cuda")
    assert "RLIMIT_AS" in cpu and "RLIMIT_AS" not in cuda
    assert {k: v for k, v in cpu.items() if k != "RLIMIT_AS"} == cuda


def test_a_cuda_sandbox_sees_the_workers_gpu_and_the_drivers_library_folder(monkeypatch, tmp_path):
    visible = tmp_path / "nvidia" / "lib64"
    visible.mkdir(parents=True)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    monkeypatch.setenv("LD_LIBRARY_PATH", f"{visible}:/nowhere/at/all:{tmp_path / 'unbound'}")
    env = gpu.cuda_env([str(tmp_path / "nvidia")])
    assert env == {"CUDA_VISIBLE_DEVICES": "1", "CUDA_DEVICE_ORDER": "PCI_BUS_ID", "LD_LIBRARY_PATH": str(visible)}


def test_workers_are_spread_over_several_gpus(monkeypatch):
    monkeypatch.setattr(gpu, "gpu_count", lambda: 3)
    chosen = []
    for number in range(5):  # each worker is a process of its own, starting with the instructor's environment
        monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
        chosen.append(gpu.assign(number))
    assert chosen == ["0", "1", "2", "0", "1"]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2")  # the instructor's choice wins
    assert gpu.assign(0) is None
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    monkeypatch.setattr(gpu, "gpu_count", lambda: 1)
    assert gpu.assign(4) is None


def test_nvidia_smi_readings_are_summed_per_process():
    text = "1234, 500\n1234, 250\n77, 1024\n[N/A], 3\ngarbage\n"
    assert gpu.parse_compute_apps(text) == {1234: 750.0, 77: 1024.0}


def test_auto_falls_back_to_the_cpu_and_says_why(monkeypatch):
    from grader.course import preflight

    monkeypatch.setattr(preflight, "resolve_device", lambda requested: "cuda")
    settings, note = preflight.choose_device(load_settings(device="auto"),
                                             probe=lambda limits, python: CudaProbe(False, ERROR_304))
    assert settings.device == "cpu"
    assert settings.device_note == note and "Error 304" in note and "graded on the CPU" in note


def test_asking_for_cuda_that_cannot_start_in_a_sandbox_stops_with_the_reason(monkeypatch):
    from grader.course import preflight

    monkeypatch.setattr(preflight, "resolve_device", lambda requested: "cuda")
    with pytest.raises(ConfigError, match="(?s)CUDA does not start inside the sandbox: RuntimeError.*--device cpu"):
        preflight.choose_device(load_settings(device="cuda"),
                                probe=lambda limits, python: CudaProbe(False, ERROR_304))


def test_no_driver_means_nothing_cuda_specific_runs():
    from grader.course import preflight
    from grader.course.doctor import cuda_check

    def never(*_args):
        raise AssertionError("the CUDA probe ran on a machine without a GPU driver")
    if gpu.device_nodes():
        pytest.skip("this machine has NVIDIA device nodes")
    settings, note = preflight.choose_device(load_settings(device="auto"), probe=never)
    assert (settings.device, note) == ("cpu", "")
    assert cuda_check(probe=never).detail == "no NVIDIA device here: grading runs on the CPU"


def test_a_batch_whose_gpu_fails_in_the_sandbox_is_graded_on_the_cpu_and_blames_no_one(
        monkeypatch, make_script, tmp_path):
    from grader.course import preflight
    from grader.cli import main
    from grader.sandbox.host import cuda_probe

    monkeypatch.setattr(preflight, "resolve_device", lambda requested: "cuda")
    monkeypatch.setattr(cuda_probe, "probe", lambda limits, python: CudaProbe(False, ERROR_304))
    script = make_script("def double_odds(nums):\n    return [2 * n for n in nums if n % 2]\n", "alice.py")
    out = tmp_path / "graded"
    outcome = CliRunner().invoke(main, ["grade", str(script), "--out", str(out), "-e", "q04"])
    assert outcome.exit_code == 0, outcome.output + outcome.stderr
    assert "warning: CUDA does not start inside the sandbox" in outcome.stderr
    result = json.loads(next(out.rglob("result.json")).read_text())
    assert result["device"].startswith("cpu (CUDA does not start inside the sandbox")
    assert result["grader_errors"] == []
    assert all("RuntimeError" not in case["message"] for ex in result["exercises"] for case in ex["cases"])
    assert result["score"] > 0


def test_cuda_asked_for_and_unusable_stops_before_grading(monkeypatch, make_script, tmp_path):
    from grader.course import preflight
    from grader.cli import main
    from grader.sandbox.host import cuda_probe

    monkeypatch.setattr(preflight, "resolve_device", lambda requested: "cuda")
    monkeypatch.setattr(cuda_probe, "probe", lambda limits, python: CudaProbe(False, ERROR_304))
    script = make_script("def double_odds(nums):\n    return []\n", "bob.py")
    out = tmp_path / "graded"
    outcome = CliRunner().invoke(main, ["grade", str(script), "--out", str(out), "-e", "q04",
                                                        "--device", "cuda"])
    assert outcome.exit_code == 1
    assert "CUDA does not start inside the sandbox: RuntimeError" in outcome.stderr
    assert not (out / "gradebook.db").exists()


class _Reading:
    """A GPU-memory reading in which every process holds *mb* MB (what nvidia-smi would say of a sandbox that
    allocated that much)."""

    available = True

    def __init__(self, mb: float):
        self.mb = mb

    def used_mb(self):
        mb = self.mb

        class Everyone(dict):
            def get(self, _pid, _default=None):
                return mb
        return Everyone({0: mb})


def test_a_sandbox_over_its_gpu_memory_is_stopped_and_says_so(monkeypatch):
    reading = _Reading(20_000)
    monkeypatch.setattr(gpu.MemoryReader, "shared", classmethod(lambda cls: reading))
    proc = process.SandboxProcess(Limits(timeout=30, gpu_memory_mb=4096), device="cuda")
    try:
        with pytest.raises(process.SandboxError, match="used more than 4096 MB of GPU memory") as raised:
            proc.start()  # the watchdog may stop it before or after it says it is ready
            proc.send({"op": "has", "names": ["x"]})
            proc.receive(time.monotonic() + 30)
        assert raised.value.kind == "memory" and proc.killed_for == "gpu memory"
        assert proc.peak_gpu_mb >= 20_000
    finally:
        proc.close()


SOCKETS = """
import errno, json, socket, sys
sys.path.insert(0, {lib!r})
import walls
walls.apply({{"seccomp": True, "unix_sockets": {unix}}})
found = {{}}
for name, family in (("unix", socket.AF_UNIX), ("inet", socket.AF_INET), ("inet6", socket.AF_INET6),
                     ("netlink", socket.AF_NETLINK)):
    try:
        socket.socket(family, socket.SOCK_DGRAM if name == "netlink" else socket.SOCK_STREAM).close()
        found[name] = "opened"
    except OSError as exc:
        found[name] = errno.errorcode.get(exc.errno, str(exc.errno))
print(json.dumps(found))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or gpu.os.uname().machine != "x86_64",
                    reason="the seccomp filter is tested on x86-64 Linux")
@pytest.mark.parametrize("unix", [False, True])
def test_a_cuda_sandbox_may_open_local_sockets_and_nothing_else(unix):
    import subprocess

    lib = str(process.INSIDE)
    done = subprocess.run([sys.executable, "-I", "-c", SOCKETS.format(lib=lib, unix=unix)], capture_output=True,
                          text=True, timeout=60)
    assert json.loads(done.stdout) == {"unix": "opened" if unix else "EPERM", "inet": "EPERM", "inet6": "EPERM",
                                       "netlink": "EPERM"}, done.stderr


def test_only_a_namespaced_cuda_sandbox_gets_local_sockets(tmp_path):
    namespaced = isolation.Isolation(isolation.NAMESPACES, "/usr/bin/bwrap", "", True)
    landlock = isolation.Isolation(isolation.LANDLOCK, None, "no namespaces", True)
    assert isolation.walls_spec(namespaced, None, None, "cuda")["unix_sockets"] is True
    assert isolation.walls_spec(namespaced, None, None, "cpu")["unix_sockets"] is False
    assert isolation.walls_spec(landlock, None, tmp_path, "cuda", sys.executable)["unix_sockets"] is False
