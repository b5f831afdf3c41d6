"""The notebook self-check: ``from grader import check; check("q04")`` in the student's own kernel.

Fast tests drive the in-process backend, the runner and the two renderers directly; the last test executes a real
notebook on a real IPython kernel (this virtual environment's python, set up in a temporary Jupyter path) and
reads what the notebook displayed.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import torch

from grader import selfcheck
from grader.config import REPO_ROOT
from grader.report.notebook import FOOTER, render_html, render_text
from grader.results import CaseResult, ExerciseResult, Outcome, SubmissionResult, Visibility
from grader.judge.backend import StudentError, StudentTimeout

EXERCISES = REPO_ROOT / "exercises"
RIGHT_Q04 = "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"
LOOP_Q04 = ("def double_odds(nums):\n    out = []\n    for n in nums:\n        if n % 2:\n"
            "            out.append(2 * n)\n    return out\n")
WRONG_Q09 = "def doubled_corner(t):\n    return t[1:, 1:]\n"  # forgot to double


def namespace_of(*sources: str, history: bool = True) -> dict:
    """A student's globals after running *sources* as cells, with IPython's ``In`` history when asked."""
    ns: dict = {"__name__": "__main__"}
    for source in sources:
        exec(compile(source, "<student cell>", "exec"), ns)
    if history:
        ns["In"] = ["", *sources]
    return ns


def check(ids, ns, **kwargs) -> SubmissionResult:
    return selfcheck.run_check(ids, namespace=ns, exercises_dir=EXERCISES, **kwargs)


# --------------------------------------------------------------------------------------------- the backend

def test_backend_has_and_get_read_the_namespace_as_plain_data():
    ns = namespace_of("import torch\nchoice = ['a', 'c']\nt = torch.arange(3)\ndef f(x):\n    return x\n"
                      "class C:\n    pass\ngen = (i for i in range(3))\n")
    backend = selfcheck.LiveBackend(ns)
    assert backend.has(["f", "C", "choice", "nope"]) == {"f": "function", "C": "class", "choice": "list",
                                                         "nope": None}
    assert backend.get("choice") == ["a", "c"]
    got = backend.get("t")
    assert torch.equal(got, torch.arange(3)) and got is not ns["t"]  # a decoded copy, not the student's tensor
    with pytest.raises(StudentError) as missing:
        backend.get("nope")
    assert missing.value.type == "NameError"
    with pytest.raises(StudentError) as lazy:
        backend.get("gen")
    assert lazy.value.type == "NotPlainData"


def test_backend_call_passes_copies_and_returns_plain_values():
    ns = namespace_of("def grab(t, scale=1):\n    t.mul_(100)\n    return t * scale\n"
                      "def lazy(xs):\n    return map(str, xs)\n"
                      "class Sneaky(int):\n    def __eq__(self, other):\n        return True\n"
                      "def sneaky():\n    return Sneaky(3)\n")
    backend = selfcheck.LiveBackend(ns)
    given = torch.tensor([1, 2])
    out = backend.call("grab", given, scale=2)
    assert torch.equal(given, torch.tensor([1, 2])), "the student's in-place change reached the test's tensor"
    assert torch.equal(out, torch.tensor([200, 400]))
    with pytest.raises(StudentError) as lazy:
        backend.call("lazy", [1, 2])
    assert lazy.value.type == "NotPlainData" and "map" in lazy.value.info["message"]
    # An int subclass that claims equality with everything is refused, as by the sandbox's encoding.
    with pytest.raises(StudentError) as sneaky:
        backend.call("sneaky")
    assert sneaky.value.type == "NotPlainData"


def test_backend_reports_student_exceptions_with_their_frames():
    ns = namespace_of("def boom(x):\n    return helper(x)\n\ndef helper(x):\n    return 1 / x\n"
                      "def leave():\n    raise SystemExit(3)\n")
    backend = selfcheck.LiveBackend(ns)
    with pytest.raises(StudentError) as raised:
        backend.call("boom", 0)
    info = raised.value.info
    assert info["type"] == "ZeroDivisionError" and "division by zero" in info["message"]
    assert [f.split(", in ")[1].split(":")[0] for f in info["frames"]] == ["boom", "helper"]
    assert info["lineno"] == 5
    assert "selfcheck" not in " ".join(info["frames"])  # the backend's own frames are not the student's
    with pytest.raises(StudentError) as left:
        backend.call("leave")
    assert left.value.type == "SystemExit"


def test_backend_stops_code_that_runs_past_its_time_limit():
    ns = namespace_of("def spin():\n    while True:\n        try:\n            pass\n"
                      "        except Exception:\n            pass\n")
    backend = selfcheck.LiveBackend(ns, timeout=5)
    with pytest.raises(StudentTimeout, match="0.3 s"):  # the per-call limit, not the backend's 5 s, stopped it
        backend.call("spin", timeout=0.3)


def test_backend_harness_sees_the_namespace_and_what_was_put():
    ns = namespace_of("def scale(t):\n    t *= 2\n    return t.sum().item()\n")
    backend = selfcheck.LiveBackend(ns)
    backend.put("data", torch.ones(3))
    source = "def run(ns, store, device, extra):\n    total = ns['scale'](store['data'])\n" \
             "    return {'total': total, 'after': store['data'], 'extra': extra, 'device': device}\n"
    out = backend.harness(source, "run", device="cpu", extra=(1, 2))
    assert out["total"] == 6.0 and out["extra"] == (1, 2) and out["device"] == "cpu"
    assert torch.equal(out["after"], torch.full((3,), 2.0))  # the harness saw the in-place change, as in a sandbox


def test_backend_interrupt_propagates_and_is_remembered():
    ns = namespace_of("def stop():\n    raise KeyboardInterrupt\n")
    backend = selfcheck.LiveBackend(ns)
    with pytest.raises(KeyboardInterrupt):
        backend.call("stop")
    assert backend.interrupted


def test_definition_comes_from_the_live_object_or_the_cell_history(tmp_path):
    module = tmp_path / "selfcheck_student_mod.py"
    module.write_text("def double_odds(nums):\n    return [n * 2 for n in nums if n % 2]\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        import selfcheck_student_mod
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("selfcheck_student_mod", None)
    import ast

    live = selfcheck.LiveSource({"double_odds": selfcheck_student_mod.double_odds})
    node = live.definition("double_odds")
    assert isinstance(node, ast.FunctionDef) and any(isinstance(n, ast.ListComp) for n in ast.walk(node))
    # From IPython's history: the last executed cell that binds the name wins.
    history = selfcheck.LiveSource(namespace_of("choice_q11 = 'a'", "x = 1", "choice_q11 = 'b'"))
    node = history.definition("choice_q11")
    assert isinstance(node, ast.Assign) and node.value.value == "b"
    assert history.definition("absent") is None


# --------------------------------------------------------------------------------------------- running checks

def test_right_q04_passes_every_public_case_and_only_public_cases_run():
    result = check(["q04"], namespace_of(RIGHT_Q04))
    ex = result.exercise("q04")
    assert ex.outcome is Outcome.PASSED and (ex.score, ex.max_score) == (2.0, 2.0)
    assert [c.name for c in ex.cases] == ["double_odds([1, 2, 3, 4, 5]) gives [2, 6, 10]",
                                          "double_odds is written as a list comprehension"]
    assert {c.visibility for c in ex.cases} == {Visibility.PUBLIC}
    assert result.mode == "check" and not result.grader_errors
    assert any("written answers (1 point) are not in this score" in n for n in result.notes)


def test_wrong_answers_show_expected_actual_and_hint():
    result = check(["q04", "q09"], namespace_of(LOOP_Q04, "import torch\n" + WRONG_Q09))
    q04, q09 = result.exercise("q04"), result.exercise("q09")
    assert q04.outcome is Outcome.PARTIAL  # right values, but no list comprehension (a static check of the source)
    assert [c.outcome for c in q04.cases] == [Outcome.PASSED, Outcome.FAILED]
    first = q09.cases[0]
    assert q09.outcome is Outcome.FAILED and first.outcome is Outcome.FAILED
    assert first.expected == "tensor([[10, 12], [16, 18]], dtype=int64)"
    assert first.actual == "tensor([[5, 6], [8, 9]], dtype=int64)"
    assert first.hint.startswith("Q9:")
    assert result.score == 1.0 and result.max_score == 4.0


def test_missing_and_starter_answers_are_missing_with_a_hint():
    starter = (EXERCISES / "q09" / "starter.py").read_text(encoding="utf-8")
    result = check(["q04", "q09"], namespace_of(starter))
    q04, q09 = result.exercise("q04"), result.exercise("q09")
    assert q04.outcome is Outcome.MISSING
    assert all(c.message.startswith("double_odds is not defined") and "Run the cell" in c.hint for c in q04.cases)
    assert q09.outcome is Outcome.MISSING
    assert all("NotImplementedError" in c.message for c in q09.cases)


def test_choice_exercise_is_checked_for_form_only():
    valid = check(["q11"], namespace_of("choice_q11 = 'b'"))
    assert valid.exercise("q11").outcome is Outcome.PASSED
    wrong_form = check(["q11"], namespace_of("choice_q11 = 'zz'"))
    case = wrong_form.exercise("q11").cases[0]
    assert case.outcome is Outcome.FAILED and "'zz' is not one of the options" in case.message
    unset = check(["q11"], namespace_of("x = 1"))
    assert unset.exercise("q11").outcome is Outcome.MISSING


def test_written_answers_are_read_from_the_saved_notebook(tmp_path):
    saved = tmp_path / "mine.ipynb"
    import nbformat

    answer = ("**Your answer (Q4):** A list comprehension builds a new list from an iterable in one expression, "
              "and its if part filters the items.")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(RIGHT_Q04), nbformat.v4.new_markdown_cell(answer)])
    saved.write_text(nbformat.writes(nb), encoding="utf-8")
    result = check(["q04"], namespace_of(RIGHT_Q04), notebook=saved)
    ex = result.exercise("q04")
    assert ex.outcome is Outcome.PASSED and (ex.score, ex.max_score) == (3.0, 3.0)
    assert ex.cases[-1].name == "written answer"
    assert not any("not in this score" in n for n in result.notes)
    assert any("mine.ipynb" in n for n in result.notes)
    # The file VS Code names in the namespace is found without being passed.
    found = check(["q04"], {**namespace_of(RIGHT_Q04), "__vsc_ipynb_file__": str(saved)})
    assert found.exercise("q04").max_score == 3.0
    with pytest.raises(FileNotFoundError):
        check(["q04"], namespace_of(RIGHT_Q04), notebook=tmp_path / "absent.ipynb")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    unread = check(["q04"], namespace_of(RIGHT_Q04), notebook=broken)
    assert unread.exercise("q04").max_score == 2.0  # the written point is left out, not scored as missing
    assert any(n.startswith("the saved notebook broken.ipynb could not be read") for n in unread.notes)
    assert any("written answers (1 point) are not in this score" in n for n in unread.notes)


def test_no_note_about_written_answers_when_none_are_asked_for(tmp_path):
    result = check(["q09"], namespace_of("import torch\n" + WRONG_Q09), notebook=None)
    assert result.notes == []


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown exercise 'q99'"):
        check(["q99"], namespace_of(RIGHT_Q04))


def test_own_exercise_folder_timeouts_and_random_state(tmp_path):
    """A made-up exercise: its test seeds torch and the student's function hangs; the kernel's random state
    survives and the hang becomes a timeout case."""
    folder = tmp_path / "exercises" / "q50"
    folder.mkdir(parents=True)
    (folder / "exercise.toml").write_text('id = "q50"\ntitle = "Spin"\nkind = "code"\npoints = 2\n'
                                          'names = ["spin"]\n', encoding="utf-8")
    (folder / "test_public.py").write_text(textwrap.dedent('''
        import torch

        def test_seeds_then_calls(submission):
            torch.manual_seed(0)
            submission.call("spin", timeout=0.3)
    '''), encoding="utf-8")
    ns = namespace_of("def spin():\n    while True:\n        pass\n")
    torch.manual_seed(1234)
    expected_draw = torch.rand(3)
    torch.manual_seed(1234)
    result = selfcheck.run_check(["q50"], namespace=ns, exercises_dir=folder.parent)
    assert torch.equal(torch.rand(3), expected_draw), "the test's seeding changed the student's random stream"
    case = result.exercise("q50").cases[0]
    assert case.outcome is Outcome.TIMEOUT
    assert case.message == "your code took longer than 0.3 s; it was interrupted"


def test_no_process_is_started(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the self-check started a process")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    result = check(["q04", "q09"], namespace_of(RIGHT_Q04, "import torch\n" + WRONG_Q09))
    assert not result.grader_errors and result.exercise("q04").outcome is Outcome.PASSED


def test_a_later_check_reuses_the_catalogue_instead_of_reading_it_again(monkeypatch):
    import grader.catalog

    ns = namespace_of(RIGHT_Q04)
    check(["q04"], ns)  # the first call reads the catalogue (and imports pytest and the suite)
    reads = []
    real = grader.catalog.load_catalog
    monkeypatch.setattr(grader.catalog, "load_catalog", lambda folder: reads.append(folder) or real(folder))
    result = check(["q04"], ns)
    assert reads == [] and result.exercise("q04").outcome is Outcome.PASSED


def test_check_prints_the_text_outside_ipython_and_returns_the_result(monkeypatch, capsys):
    import __main__

    student = namespace_of(RIGHT_Q04)
    monkeypatch.setattr(__main__, "double_odds", student["double_odds"], raising=False)
    monkeypatch.setattr(__main__, "In", student["In"], raising=False)
    monkeypatch.setenv("GRADER_EXERCISES", str(EXERCISES))
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    r = selfcheck.check("q4", device="cpu")
    printed = capsys.readouterr().out
    assert r.score == 2.0 and r.max_score == 2.0 and r.passed and r.percent == 100.0
    assert printed.strip() == r.text().strip() == repr(r).strip()
    assert "✓ passed" in printed and FOOTER in printed
    assert r._repr_html_() == r.html() and FOOTER in r.html()


def test_importing_grader_is_cheap_and_check_is_exported_lazily():
    code = ("import sys, grader\n"
            "heavy = [m for m in ('torch', 'pytest', 'IPython', 'grader.selfcheck') if m in sys.modules]\n"
            "assert not heavy, heavy\n"
            "from grader import check\n"
            "assert check.__module__ == 'grader.selfcheck.entry', check.__module__\n"
            "assert 'check' in grader.__all__\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    import grader

    with pytest.raises(AttributeError):
        grader.no_such_name  # noqa: B018


# --------------------------------------------------------------------------------------------- rendering

def _result(*cases: CaseResult, notes=(), errors=()) -> SubmissionResult:
    outcome, score, max_score = ExerciseResult.summarise(list(cases))
    ex = ExerciseResult(id="q04", title="Double <the> odds", kind="code", outcome=outcome, score=score,
                        max_score=max_score, cases=list(cases))
    return SubmissionResult(submission="this notebook", path="", sha256="", score=score, max_score=max_score,
                            exercises=[ex], notes=list(notes), grader_errors=list(errors), mode="check")


def _case(outcome: Outcome, score: float = 0.0, **kw) -> CaseResult:
    return CaseResult(name=kw.pop("name", f"a {outcome.value} case"), outcome=outcome, score=score, max_score=1.0,
                      visibility=kw.pop("visibility", Visibility.PUBLIC), **kw)


def test_every_outcome_is_a_symbol_and_a_word_in_both_forms():
    from grader.report.terminal import SYMBOLS

    cases = [_case(o, 1.0 if o is Outcome.PASSED else 0.0, name=f"case {o.value}") for o in Outcome]
    result = _result(*cases)
    html, text = render_html(result), render_text(result)
    for outcome in Outcome:
        assert f"{SYMBOLS[outcome]} {outcome.value:<7}  case {outcome.value}" in text
        assert f'{SYMBOLS[outcome]}</span> {outcome.value}</span>' in html


def test_failure_shows_expected_actual_and_hint_escaped():
    result = _result(_case(Outcome.PASSED, 1.0, name="fine"),
                     _case(Outcome.FAILED, message="got <script>alert(1)</script>", hint="look at <b>this</b>",
                           expected="[2, 6, 10]", actual="[1, 3, 5]"))
    html, text = render_html(result), render_text(result)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;this&lt;/b&gt;" in html and "Double &lt;the&gt; odds" in html
    assert "[2, 6, 10]" in html and "[1, 3, 5]" in html
    assert "        expected: [2, 6, 10]\n        actual:   [1, 3, 5]\n        hint: look at <b>this</b>" in text
    assert "1/2 points (50.0%)" in text and "[" + "#" * 15 + "-" * 15 + "]" in text
    assert 'aria-valuenow="50.0"' in html and "width:50.0%" in html
    assert f"{FOOTER}." in html and text.endswith(f"— {FOOTER}.")
    assert "<style" not in html and "<script" not in html
    assert html.count("<details open") == 1  # what needs work is open...
    assert "<details open" not in render_html(_result(_case(Outcome.PASSED, 1.0)))  # ...what passed is folded


def test_hidden_values_never_show_and_control_characters_are_cleaned():
    hidden = _case(Outcome.FAILED, visibility=Visibility.HIDDEN, message="wrong\x1b[31m", expected="SECRET-E",
                   actual="SECRET-A")
    result = _result(hidden, notes=["a note"], errors=["the grader broke"])
    html, text = render_html(result), render_text(result)
    assert "SECRET" not in html and "SECRET" not in text
    assert "\x1b" not in text and "wrong?[31m" in text
    assert "GRADER ERROR" in text and "the grader broke" in html and "note: a note" in text


def test_an_exercise_with_nothing_answered_says_it_once():
    same = "double_odds is not defined: no answer was found for this exercise"
    result = _result(_case(Outcome.MISSING, message=same, name="one", hint="Run the cell"),
                     _case(Outcome.MISSING, message=same, name="two", hint="Run the cell"))
    text, html = render_text(result), render_html(result)
    assert text.count(same) == 1 and html.count(same) == 1
    assert "hint: Run the cell" in text


# --------------------------------------------------------------------------------------------- a real kernel

def _kernel_environment(tmp_path, monkeypatch) -> str:
    """A kernelspec for this virtual environment's python, visible only through a temporary JUPYTER_PATH."""
    name = "mnist-grader-selfcheck"
    spec = tmp_path / "jupyter" / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "mnist-grader test kernel", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.delenv("GRADER_EXERCISES", raising=False)
    return name


def test_check_in_a_real_notebook_kernel(tmp_path, monkeypatch):
    nbclient = pytest.importorskip("nbclient", reason="needs the test extra: pip install -e '.[test]'")
    pytest.importorskip("ipykernel", reason="needs the test extra: pip install -e '.[test]'")
    import nbformat

    kernel = _kernel_environment(tmp_path, monkeypatch)
    sources = [
        "import sys\nimport torch\nfrom grader import check\nprint(sys.prefix)",
        "# exercise: q04\n" + RIGHT_Q04,
        "# exercise: q09\n" + WRONG_Q09,
        'check("q04")',
        'check("q09")',
        "r = check()",
        "r",
        "print(r.score, r.max_score)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    client = nbclient.NotebookClient(nb, kernel_name=kernel, timeout=120,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [cell.outputs for cell in nb.cells]

    errors = [o for cell in outputs for o in cell if o.output_type == "error"]
    assert not errors, errors
    assert not [o for cell in outputs for o in cell if o.output_type == "stream" and o.name == "stderr"
                and "Traceback" in o.text]
    assert outputs[0][0].text.strip() == sys.prefix  # the kernel is this environment's python

    def shown(index: int) -> tuple[str, str]:
        """The one display of a check cell: (text/plain, text/html); a second copy would be an echo."""
        displays = [o for o in outputs[index] if o.output_type in ("display_data", "execute_result")]
        assert len(displays) == 1, [o.output_type for o in outputs[index]]
        data = displays[0].data
        assert "text/html" in data and "text/plain" in data, sorted(data)
        return data["text/plain"], data["text/html"]

    q04_text, q04_html = shown(3)
    assert q04_text.startswith("Self-check: q04 — 2/2 points (100.0%)")
    assert "✓ passed   q04" in q04_text and q04_text.count("✓ passed   double_odds") == 2
    assert "failed" not in q04_text and "missing" not in q04_text
    assert "<strong>2/2</strong> points (100.0%)" in q04_html and 'aria-valuenow="100.0"' in q04_html

    q09_text, q09_html = shown(4)
    assert "✗ failed   q09" in q09_text
    assert "expected: tensor([[10, 12], [16, 18]], dtype=int64)" in q09_text
    assert "actual:   tensor([[5, 6], [8, 9]], dtype=int64)" in q09_text
    assert "tensor([[10, 12], [16, 18]], dtype=int64)" in q09_html
    assert "tensor([[5, 6], [8, 9]], dtype=int64)" in q09_html and "hint:" in q09_html

    all_text, all_html = shown(5)
    assert all_text.startswith("Self-check: 39 exercises — 2/")
    assert "✓ passed   q04" in all_text and "✗ failed   q09" in all_text and "○ missing  q01" in all_text

    again_text, _ = shown(6)  # the returned object shows itself again in a later cell
    assert again_text == all_text

    for text, html in (shown(3), shown(4), shown(5)):
        assert text.rstrip().endswith(f"{FOOTER}.") and f"{FOOTER}." in html
    assert outputs[7][0].text.split()[0] == "2.0"
