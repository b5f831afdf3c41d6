"""`grader doctor`: every layer probed, the level grading will use, and start-up measured per level."""
import json

from click.testing import CliRunner

from grader.cli import main
from grader.course.doctor import MISSING, OK, WARN, diagnose, render, time_startup
from grader.sandbox.host import isolation


def test_diagnosis_names_every_layer_and_the_level_grading_uses():
    diagnosis = diagnose(measure=False)
    names = [c.name for c in diagnosis.checks]
    assert names[:5] == ["platform", "namespaces", "landlock", "seccomp", "pids cgroup"]
    assert all(c.status in (OK, WARN, MISSING) and c.detail for c in diagnosis.checks)
    assert diagnosis.level == isolation.detect().level
    text = "\n".join(line for _, line in render(diagnosis))
    assert f"Grading here uses: {isolation.detect().describe()}" in text
    by_name = {c.name: c for c in diagnosis.checks}
    assert (by_name["namespaces"].status == OK) == (diagnosis.level == isolation.NAMESPACES)


def test_a_capped_level_is_reported_with_how_to_do_better(monkeypatch):
    monkeypatch.setenv("GRADER_ISOLATION", "process")
    diagnosis = diagnose(measure=False)
    assert diagnosis.level == isolation.PROCESS
    assert diagnosis.describe.startswith("process only (GRADER_ISOLATION=process was set")
    assert any("To get namespaces" in line for _, line in render(diagnosis))


def test_startup_is_timed_cold_and_warm():
    startup = time_startup(isolation.detect(isolation.PROCESS), repeats=1)
    assert startup.level == isolation.PROCESS
    assert startup.warm is not None, startup.why_not_warm
    assert 0 < startup.warm < startup.cold  # a fork skips `import torch`
    lines = [line for _, line in render(diagnose(measure=False))]
    assert not any("Sandbox start-up" in line for line in lines)


def test_cli_json_and_require(monkeypatch):
    runner = CliRunner()
    done = runner.invoke(main, ["doctor", "--quick", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["level"] == isolation.detect().level and data["startup"] == []
    monkeypatch.setenv("GRADER_ISOLATION", "process")
    done = runner.invoke(main, ["doctor", "--quick", "--require", "landlock"])
    assert done.exit_code == 1
    assert "isolation here is process, weaker than the required landlock" in done.output
    assert runner.invoke(main, ["doctor", "--quick", "--require", "process"]).exit_code == 0


def test_a_layer_measured_faster_than_no_layer_shows_no_negative_cost():
    from grader.course.doctor import Check, Diagnosis, Startup

    diagnosis = Diagnosis([Check("platform", OK, "Linux")], isolation.NAMESPACES, "namespaces",
                          startup=[Startup(isolation.NAMESPACES, 0.980, 0.051), Startup(isolation.PROCESS, 1.000, 0.050)])
    text = "\n".join(line for _, line in render(diagnosis))
    assert "-0." not in text
    assert "none measurable / +0.001 s" in text
