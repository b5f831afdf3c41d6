"""On a GPU: CUDA inside real sandboxes, cold and warm, and the same verdicts on CUDA as on the CPU.

Marked ``gpu`` and skipped without CUDA (``resolve_device`` answers from the file system where no driver is
installed, so a CPU machine does not even import torch for this).  ``bench/gpu_check.sh`` runs them on a GPU
machine together with the parity check of the whole exercise set.
"""
from __future__ import annotations

import re

import pytest

from grader.catalog import load_catalog
from grader.config import REPO_ROOT, load_settings, resolve_device
from grader.grading.grade import grade
from grader.course.preflight import unavailable
from grader.results import Outcome

CUDA = resolve_device("auto") == "cuda"
pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU")]

SOLUTIONS = REPO_ROOT / "solutions"
CATALOG = load_catalog(REPO_ROOT / "exercises")
IDS = [ex.id for ex in CATALOG if ex.id not in unavailable(CATALOG)] if CUDA else []
EXPECT = re.compile(r"^# expect:\s*(\w+)\s*\|")
MODEL_WRONG = sorted(p for ex_id in ("fr1", "fr2") for p in (SOLUTIONS / ex_id / "wrong").glob("*.py"))


def verdicts(result) -> dict:
    return {ex.id: (ex.outcome, round(ex.score, 4), [(c.name, c.outcome) for c in ex.cases])
            for ex in result.exercises}


@pytest.fixture(scope="module")
def on():
    def settings(device: str, **limits):
        return load_settings(device=device, **limits)
    return settings


def test_cuda_starts_inside_a_cold_and_a_warm_sandbox():
    from grader.config import Limits
    from grader.sandbox.host.cuda_probe import probe
    from grader.sandbox.host.warm import Zygote

    cold = probe()
    assert cold.works, cold.why
    with Zygote(Limits(), "cuda") as zygote:
        warm = probe(zygote=zygote)
    assert warm.works and warm.why.endswith("(forked warm)"), warm.why


def test_the_reference_scores_full_marks_on_cuda(on):
    result = grade(SOLUTIONS / "reference.ipynb", on("cuda"), exercise_ids=IDS)
    assert result.device == "cuda" and result.grader_errors == []
    not_full = {e.id: [(c.name, c.message) for c in e.cases if c.outcome is not Outcome.PASSED]
                for e in result.exercises if e.score < e.max_score}
    assert not_full == {}


def test_the_starter_scores_zero_on_cuda(on):
    result = grade(REPO_ROOT / "exercises" / "workbook.ipynb", on("cuda"), exercise_ids=IDS)
    assert result.grader_errors == [] and result.score == 0


def test_the_half_right_example_scores_the_same_on_cuda_as_on_the_cpu(on):
    path = SOLUTIONS / "examples" / "half_right.ipynb"
    cpu, cuda = grade(path, on("cpu"), exercise_ids=IDS), grade(path, on("cuda"), exercise_ids=IDS)
    assert cuda.grader_errors == [] and cpu.grader_errors == []
    assert verdicts(cuda) == verdicts(cpu)
    assert cuda.score == pytest.approx(cpu.score, abs=1e-9)


@pytest.mark.parametrize("path", MODEL_WRONG, ids=[f"{p.parent.parent.name}/{p.stem}" for p in MODEL_WRONG])
def test_a_wrong_model_gets_the_same_verdict_on_cuda(on, path):
    ex_id = path.parent.parent.name
    if ex_id not in IDS:
        pytest.skip(f"{ex_id}'s data is not on this machine")
    promised = Outcome(EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0]).group(1))
    cpu, cuda = (grade(path, on(device), exercise_ids=[ex_id]) for device in ("cpu", "cuda"))
    assert cuda.grader_errors == []
    assert cuda.exercise(ex_id).outcome is promised
    assert verdicts(cuda) == verdicts(cpu)


def test_a_students_huge_gpu_allocation_is_their_error_and_the_next_student_is_unaffected(on, make_script):
    from grader.sandbox.host.warm import Zygote

    settings = on("cuda", timeout=60, gpu_memory_mb=2048)
    greedy = make_script("import time, torch\n"
                         "hoard = torch.empty(20 * 2**30, dtype=torch.uint8, device='cuda')\n"
                         "time.sleep(20)\n"
                         "def double_odds(nums):\n    return [2 * n for n in nums if n % 2]\n", "greedy.py")
    with Zygote(settings.limits, "cuda") as zygote:
        hoarder = grade(greedy, settings, exercise_ids=["q04"], zygote=zygote)
        after = grade(SOLUTIONS / "reference.ipynb", settings, exercise_ids=["q04"], zygote=zygote)
    assert hoarder.grader_errors == []
    assert any(i["kind"] == "memory" and "2048 MB of GPU memory" in i["message"] for i in hoarder.incidents), \
        hoarder.incidents
    assert after.grader_errors == [] and after.score == after.max_score
