"""The README's two commands are the ones that exist: CI runs the test command word for word."""
import re

from grader.config import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def block(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\n```\n(.+?)\n```\n<!-- end -->", README, re.S)
    assert match, f"README lacks the {marker} block"
    return match.group(1).strip()


def test_ci_runs_the_readme_test_command():
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert block("test-command") in ci.splitlines()


def test_both_commands_set_up_from_scratch_with_the_cpu_torch_first():
    for marker in ("demo-command", "test-command"):
        command = block(marker)
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install -q torch==2.13.0 && ")
    assert block("demo-command").endswith("grader demo")


def test_every_cli_command_in_the_readme_exists():
    from grader.cli import main

    mentioned = set(re.findall(r"`grader (\w+)", README))
    assert mentioned <= set(main.commands), mentioned - set(main.commands)
