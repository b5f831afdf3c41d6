"""Settings come from one place, and a bad value says where it came from."""
import sys

import pytest

from grader.config import ConfigError, load_settings


def test_defaults_come_from_the_projects_pyproject():
    settings = load_settings()
    assert settings.limits.timeout == 120 and settings.limits.memory_mb == 4096


def test_pyproject_table_then_arguments(tmp_path):
    py = tmp_path / "pyproject.toml"
    py.write_text("[tool.grader]\ntimeout = 7\nmemory_mb = 512\n")
    assert load_settings(pyproject=py).limits.timeout == 7
    assert load_settings(pyproject=py, timeout=3).limits.timeout == 3
    assert load_settings(pyproject=py).limits.memory_mb == 512


@pytest.mark.parametrize("table, words", [
    ("timeout = 'soon'", ["timeout", "not a number", "pyproject.toml"]),
    ("memory_mb = -1", ["memory_mb", "positive"]),
    ("timout = 3", ["unknown setting 'timout'"]),
    ("device = 'tpu'", ["device 'tpu'"]),
])
def test_bad_values_name_the_setting_and_the_file(tmp_path, table, words):
    py = tmp_path / "pyproject.toml"
    py.write_text(f"[tool.grader]\n{table}\n")
    with pytest.raises(ConfigError) as err:
        load_settings(pyproject=py)
    for word in words:
        assert word in str(err.value)


def test_solutions_folder_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_SOLUTIONS", str(tmp_path))
    assert load_settings().solutions_dir == tmp_path.resolve()


def test_cuda_without_a_gpu_is_a_clear_error():
    import torch

    from grader.config import resolve_device

    if torch.cuda.is_available():
        assert resolve_device("auto") == "cuda"
    else:
        assert resolve_device("auto") == "cpu"
        with pytest.raises(ConfigError, match="no CUDA GPU"):
            resolve_device("cuda")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the driver nodes are Linux paths")
def test_auto_device_reads_the_driver_nodes_before_asking_torch(monkeypatch, tmp_path):
    import torch

    import grader.config as config

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(config, "GPU_DRIVER_NODES", (str(tmp_path / "nvidiactl"),))
    assert config.resolve_device("auto") == "cpu"  # no driver: torch is not asked
    (tmp_path / "nvidiactl").touch()
    assert config.resolve_device("auto") == "cuda"  # a driver: torch decides
