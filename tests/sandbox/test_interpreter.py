"""`--python PATH`: student code runs on another interpreter, walled off the same way, or a clear error says why
that interpreter cannot serve."""
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.sandbox.host.interpreter import InterpreterError, inspect
from grader.sandbox.host import isolation

RIGHT = "import sys\nprint('running on', sys.prefix)\ndef double_odds(nums):\n    return [2 * n for n in nums if n % 2]\n"


def _venv(where: Path, with_torch: bool) -> Path:
    """A fresh virtualenv (no pip: seconds); with torch it borrows this environment's site-packages by a .pth."""
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    if with_torch:
        site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        Path(site, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


@pytest.fixture(scope="module")
def other_python(tmp_path_factory):
    return _venv(tmp_path_factory.mktemp("venv") / "env", with_torch=True)


def test_another_interpreter_is_described(other_python):
    found = inspect(str(other_python))
    assert found.torch.startswith("2.")
    assert any(str(root).startswith(str(other_python.parent.parent.resolve())) for root in found.roots())


@pytest.mark.parametrize("level", [lvl for lvl in (isolation.NAMESPACES, isolation.LANDLOCK)
                                   if isolation.detect(lvl).level == lvl])
def test_check_runs_student_code_on_that_interpreter(other_python, make_script, monkeypatch, level):
    monkeypatch.setenv("GRADER_ISOLATION", level)
    path = make_script(RIGHT)
    done = CliRunner().invoke(main, ["check", str(path), "-e", "q04", "--python", str(other_python), "--json",
                                     "--min-score", "0.66"])  # all but the written answer
    assert done.exit_code == 0, done.output
    assert f"running on {other_python.parent.parent}" in done.output


def test_an_interpreter_without_torch_is_one_clear_error(tmp_path, make_script):
    bare = _venv(tmp_path / "bare", with_torch=False)
    with pytest.raises(InterpreterError, match=r"cannot import torch \(ModuleNotFoundError: No module named "
                                               r"'torch'\); every exercise needs it"):
        inspect(str(bare))
    done = CliRunner().invoke(main, ["check", str(make_script(RIGHT)), "--python", str(bare)])
    assert done.exit_code == 2
    assert "cannot import torch" in done.output and "-m pip install torch" in done.output


@pytest.mark.parametrize("content, mode, message", [
    (None, None, "no such file"),
    ("just text", 0o644, "not an executable file"),
    ("just text", 0o755, "could not be run: .*Exec format error"),
    ("#!/bin/sh\nexit 3\n", 0o755, "is not a Python the grader can use"),
    ("#!/bin/sh\necho 'Python 2.7' >&2; exit 1\n", 0o755, r"\(Python 2.7\)"),
])
def test_what_is_not_a_usable_python_says_so(tmp_path, content, mode, message):
    target = tmp_path / "python"
    if content is not None:
        target.write_text(content)
        target.chmod(mode)
    with pytest.raises(InterpreterError, match=message):
        inspect(str(target))


def test_a_warm_sandbox_keeps_an_interpreter_that_lives_under_tmp(other_python):
    """Each fork covers /tmp with a fresh tmpfs; a virtualenv under /tmp (as in a CI checkout) stays visible."""
    from grader.config import Limits
    from grader.sandbox.host.session import Session
    from grader.sandbox.host.warm import Zygote
    from grader.intake.submission import Cell, Submission

    assert str(other_python).startswith("/tmp/")
    site = subprocess.run([str(other_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "only_under_tmp.py").write_text("WHERE = __file__\n")  # importable only while the venv is seen
    code = "import sys\ndef probe():\n    import only_under_tmp\n    return only_under_tmp.WHERE\n"
    sub = Submission("t", "t.py", "", "py", cells=[Cell(0, code, "q00")])
    with Zygote(Limits(), python=str(other_python)) as zygote:
        with Session(sub, Limits(timeout=30), python=str(other_python), zygote=zygote) as session:
            session.start()
            assert session.warm  # forked, not a cold fallback
            assert session.call("probe") == str(Path(site, "only_under_tmp.py"))
            assert session.cells[0].status == "ok"
