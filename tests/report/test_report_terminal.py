"""The terminal report: golden output, redaction, colour handling and the check-mode footer."""
from __future__ import annotations

import pytest

from grader.report import render_terminal
from grader.report.terminal import CHECK_PASSED_LINE, use_colour
from report_factories import HIDDEN_ACTUAL, HIDDEN_EXPECTED, all_passed_exercises, assert_golden, make_result


def test_short_report_matches_golden():
    assert_golden("terminal_basic.txt", render_terminal(make_result(), color=False, width=100) + "\n")


def test_verbose_report_matches_golden():
    assert_golden("terminal_basic_verbose.txt",
                  render_terminal(make_result(), verbose=True, color=False, width=100) + "\n")


def test_header_and_one_line_per_exercise():
    lines = render_terminal(make_result(), color=False).splitlines()
    assert lines[0].startswith("alice_ch4") and "9/19" in lines[0] and "47.4%" in lines[0]
    for ex_id, word, pts in [("q04", "passed", "2/2"), ("q09", "failed", "0/3"), ("q26", "missing", "0/2"),
                             ("fr1", "partial", "4/6"), ("fr2", "partial", "3/6")]:
        [line] = [ln for ln in lines if ln.startswith(f"  {ex_id} ")]
        assert word in line and line.endswith(pts)


def test_short_report_shows_why_but_not_passed_cases():
    out = render_terminal(make_result(), color=False)
    assert "hint: The corner must come from t*2, not t" in out
    assert "No cell marked `# q26`" in out
    assert "odd_numbers_doubled" not in out  # passed exercise: no case detail
    assert "[[10, 12], [16, 18]]" not in out  # values only with --verbose


@pytest.mark.parametrize("verbose", [False, True])
def test_hidden_values_never_printed(verbose):
    out = render_terminal(make_result(), verbose=verbose, color=True)
    assert HIDDEN_EXPECTED not in out and HIDDEN_ACTUAL not in out
    assert "corner_is_a_tensor" in out


def test_verbose_shows_public_values_feedback_notes_timings():
    out = render_terminal(make_result(), verbose=True, color=False)
    assert "expected: [[10, 12], [16, 18]]" in out and "actual:   [[5, 6], [8, 9]]" in out
    assert "Your Learner trained for 5 epochs" in out
    assert "Neutralised 2 IPython magics" in out
    assert "timings: notebook 31.42 s, tests 9.87 s, total 41.29 s" in out
    assert "odd_numbers_doubled" in out


def test_colour_is_optional_and_never_alone():
    plain = render_terminal(make_result(), color=False)
    coloured = render_terminal(make_result(), color=True)
    assert "\x1b[" not in plain and "\x1b[" in coloured
    import re
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_colour_auto_detection(monkeypatch):
    class Tty:
        def isatty(self):
            return True
    monkeypatch.setattr("sys.stdout", Tty())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(None) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(None) is False
    assert use_colour(True) is True
    monkeypatch.setattr("sys.stdout", type("Pipe", (), {"isatty": lambda self: False})())
    monkeypatch.delenv("NO_COLOR")
    assert use_colour(None) is False


def test_control_characters_from_students_are_neutralised():
    result = make_result()
    result.exercises[1].cases[0].message = "boom\x1b[2J\x07 cleared your screen"
    out = render_terminal(result, color=False)
    assert "\x1b" not in out and "\x07" not in out and "boom?[2J? cleared your screen" in out


def test_check_mode_footer_only_when_everything_passed():
    passed = make_result(exercises=all_passed_exercises(), mode="check", score=3, max_score=3)
    assert render_terminal(passed, color=False).endswith(CHECK_PASSED_LINE)
    assert CHECK_PASSED_LINE not in render_terminal(make_result(mode="check"), color=False)
    graded = make_result(exercises=all_passed_exercises(), score=3, max_score=3)
    assert CHECK_PASSED_LINE not in render_terminal(graded, color=False)


def test_grader_errors_are_prominent_and_not_blamed_on_the_student():
    result = make_result(grader_errors=["hidden suite for q09 could not be loaded: SyntaxError"])
    lines = render_terminal(result, color=False).splitlines()
    banner = next(i for i, ln in enumerate(lines) if ln.startswith("GRADER ERROR"))
    first_exercise = next(i for i, ln in enumerate(lines) if ln.startswith("  q04"))
    assert banner < first_exercise and "not in your work" in lines[banner]
    assert any("SyntaxError" in ln for ln in lines[banner:first_exercise])


def test_long_messages_are_wrapped_to_the_width_and_cut_short_in_short_mode():
    result = make_result()
    result.exercises[1].cases[0].message = "\n".join(f"line {i} " + "word " * 60 for i in range(10))
    for width in (60, 80, 120):
        short = render_terminal(result, color=False, width=width)
        assert max(len(ln) for ln in short.splitlines()) <= width
        assert "line 0" in short and "line 2" not in short and "…" in short
    assert "line 9" in render_terminal(result, verbose=True, color=False, width=80)


def test_titles_are_cut_at_a_word_and_the_report_ends_with_the_score_and_a_next_step():
    result = make_result(mode="check")
    result.exercises[1].title = "A very long exercise title that goes on and on about tensors and broadcasting"
    lines = render_terminal(result, color=False, width=80).splitlines()
    [q09] = [ln for ln in lines if ln.startswith("  q09 ")]
    assert "A very long exercise title that goes on and on…" in q09  # cut after a whole word
    footer = " ".join(lines[len(lines) - 1 - lines[::-1].index(""):])  # after the last blank line
    assert "9/19 points (47.4%) · 5 exercises: 1 passed, 3 to fix, 1 not started" in footer
    assert "next: q09 (A very long exercise title" in footer
    assert lines[-1].endswith("so the graded score can differ") and "these are the public tests" in footer


def test_an_untouched_starter_is_one_line_per_exercise():
    from grader.results import CaseResult, ExerciseResult, Outcome
    untouched = [ExerciseResult(id=f"q0{i}", title="An exercise", kind="code", outcome=Outcome.MISSING, score=0,
                                max_score=2, cases=[
        CaseResult(name="a case", outcome=Outcome.MISSING, score=0, max_score=1,
                   message="not attempted yet: the starter code still raises NotImplementedError"),
        CaseResult(name="written answer", outcome=Outcome.MISSING, score=0, max_score=1,
                   message="no written answer yet: write it in the answer cell under the exercise")])
        for i in range(1, 6)]
    lines = render_terminal(make_result(exercises=untouched, mode="check", score=0, max_score=10), color=False,
                            width=80).splitlines()
    assert [ln[:5] for ln in lines[2:7]] == ["  q01", "  q02", "  q03", "  q04", "  q05"]
    assert lines[7] == "" and lines[8].startswith("0/10 points (0.0%) · 5 exercises: 0 passed, 5 not started")


def test_the_class_table_says_on_the_row_when_a_total_is_not_a_grade_of_the_work():
    from grader.report.terminal import summary_table
    from grader.results import LOAD_ERROR_CASE, CaseResult, ExerciseResult, Outcome, Visibility
    unreadable = make_result(submission="carol", score=0, max_score=2, exercises=[
        ExerciseResult(id="q04", title="t", kind="code", outcome=Outcome.ERROR, score=0, max_score=2, cases=[
            CaseResult(LOAD_ERROR_CASE, Outcome.ERROR, 0, 2, Visibility.PUBLIC, message="the file is empty")])])
    broken = make_result(submission="dan", grader_errors=["RuntimeError"])
    fine = make_result(submission="erin")
    rows = summary_table([unreadable, broken, fine], ["c.html", "d.html", "e.html"]).splitlines()
    assert rows[1].endswith("c.html  (unreadable: nothing was graded)")
    assert rows[2].endswith("d.html  (grader error: regrade)")
    assert rows[3].endswith("e.html")


def test_the_class_table_keeps_its_columns_apart_for_long_names_and_ids():
    from grader.report.terminal import summary_table
    from grader.results import CaseResult, ExerciseResult, Outcome, Visibility
    ex = ExerciseResult(id="extra_exercise", title="t", kind="code", outcome=Outcome.PASSED, score=12.5,
                        max_score=12.5, cases=[CaseResult("c", Outcome.PASSED, 1, 1, Visibility.PUBLIC)])
    long = make_result(submission="maria-del-carmen_rodriguez-garcia_2024", exercises=[ex], score=12.5,
                       max_score=1000)
    short = make_result(submission="al", exercises=[ex], score=12.5, max_score=1000)
    header, first, second = summary_table([long, short], ["a.html", "b.html"]).splitlines()
    assert header.split() == ["submission", "extra_exercise", "total", "report"]
    assert first.split() == ["maria-del-carmen_rodriguez-garcia_2024", "12.5", "12.5/1000", "a.html"]
    assert first.index("a.html") == second.index("b.html") == header.index("report")  # one column, aligned
