"""JUnit XML: read back by a real JUnit parser (junitparser) and by expat; counts, classes, messages, secrets."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import junitparser  # a test dependency (pip install -e ".[test]"): the JUnit XML reader CI systems rely on
import pytest

from export_factories import (NASTY, all_results, caseless_result, hostile_result, load_error_result,
                              overridden_result)
from grader.report import junit_xml, write_junit
from grader.report.junit import xml_text
from report_factories import HIDDEN_ACTUAL, HIDDEN_EXPECTED, assert_golden, make_result


def parse(text: str):
    return junitparser.JUnitXml.fromstring(text.encode("utf-8"))


def cases_of(suite) -> list:
    return list(suite)


def results_of(case) -> list:
    return list(case.result)


def test_standard_results_match_golden(tmp_path):
    path = write_junit([make_result(), caseless_result()], tmp_path / "ci" / "junit.xml")
    assert_golden("junit_basic.xml", path.read_text(encoding="utf-8"))


def test_counts_classnames_and_times():
    result = make_result()
    suites = list(parse(junit_xml([result])))
    assert len(suites) == 1
    suite = suites[0]
    assert suite.name == "alice_ch4"
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (11, 5, 0, 0)
    assert suite.time == pytest.approx(41.29)
    cases = cases_of(suite)
    assert [c.classname for c in cases[:3]] == ["alice_ch4.q04", "alice_ch4.q04", "alice_ch4.q09"]
    assert [c.name for c in cases if c.classname == "alice_ch4.fr1"] == [
        "learner_fits", "resets_gradients", "accuracy_above_threshold"]
    assert cases[6].time == pytest.approx(1.25)
    passed = [c.name for c in cases if c.is_passed]
    assert passed == ["odd_numbers_doubled", "uses_a_comprehension", "learner_fits", "accuracy_above_threshold",
                      "predict_shape", "runs_in_time"]


def test_failure_messages_and_types():
    cases = {c.name: c for c in cases_of(next(iter(parse(junit_xml([make_result()])))))}
    (corner,) = results_of(cases["corner_of_doubled"])
    assert type(corner).__name__ == "Failure" and corner.type == "failed"
    assert corner.message == "The bottom-right 2×2 corner has the wrong values. [0/2 points]"
    assert corner.text == ("The bottom-right 2×2 corner has the wrong values.\n"
                           "Hint: The corner must come from t*2, not t\n"
                           "Expected: [[10, 12], [16, 18]]\nActual: [[5, 6], [8, 9]]")
    (missing,) = results_of(cases["answer_present"])
    assert type(missing).__name__ == "Failure" and missing.type == "missing"  # a failure, never a skip
    (hidden,) = results_of(cases["corner_is_a_tensor"])
    assert hidden.text == "The answer should stay a tensor of the doubled values."


def test_errors_timeouts_and_partial_credit():
    hostile = next(iter(parse(junit_xml([hostile_result()]))))
    kinds = {c.name: [(type(r).__name__, r.type) for r in results_of(c)] for c in cases_of(hostile)}
    assert kinds["hidden"] == [("Error", "error")] and kinds["slow"] == [("Error", "timeout")]
    assert kinds["gone"] == [("Failure", "missing")]
    assert kinds["grader errors"] == [("Error", "grader_error")]
    assert (hostile.tests, hostile.failures, hostile.errors, hostile.skipped) == (5, 2, 3, 0)
    partial = next(iter(parse(junit_xml([overridden_result()]))))
    written = [c for c in cases_of(partial) if c.classname == "carol_ch4.q12"][0]
    (result,) = results_of(written)
    assert result.type == "partial" and result.message == "Found 1 of 2 concepts. [0.5/1 points]"
    assert "Provisional" in result.text


def test_hidden_expected_values_never_appear():
    for result in all_results():
        text = junit_xml([result])
        assert HIDDEN_EXPECTED not in text and HIDDEN_ACTUAL not in text
    hostile = junit_xml([hostile_result()])
    assert "hidden says" in hostile  # the redacted message is there


def test_control_characters_and_surrogates_do_not_break_parsing(tmp_path):
    text = junit_xml([hostile_result()])
    ET.fromstring(text.encode("utf-8"))  # expat rejects any character XML 1.0 forbids
    for bad in ("\x00", "\x1b", "\x0c", "\ud800", "\ufffe"):
        assert bad not in text
    suite = next(iter(parse(text)))
    assert suite.name.startswith("mallory")
    (public,) = results_of(cases_of(suite)[0])
    assert "<b>&amp;</b> ]]>" in public.text  # markup survives as text
    path = write_junit([hostile_result()], tmp_path / "junit.xml")
    ET.parse(path)
    assert NASTY not in path.read_text(encoding="utf-8")


def test_xml_text_keeps_legal_text_and_replaces_the_rest():
    assert xml_text("tab\tnew\nline é 😀") == "tab    new\nline é 😀"
    assert xml_text("a\x00b\x1fc\ud83dd\ufffee") == "a?b?c\ufffdd\ufffde"


def test_grader_errors_and_caseless_exercises_are_errors_without_tracebacks():
    suite = next(iter(parse(junit_xml([caseless_result()]))))
    cases = {(c.classname, c.name): c for c in cases_of(suite)}
    (grader,) = results_of(cases[("erin_ch4.grader", "grader errors")])
    assert grader.message == "q10: ValueError: key file is malformed"
    assert "Traceback" not in grader.text and "/srv/solutions" not in grader.text
    (q10,) = results_of(cases[("erin_ch4.q10", "(no test results)")])
    assert type(q10).__name__ == "Error" and "[0/2 points]" in q10.message
    assert (suite.tests, suite.failures, suite.errors) == (3, 0, 2)


def test_several_submissions_and_totals():
    results = all_results()
    xml = parse(junit_xml(results))
    suites = list(xml)
    assert [s.name for s in suites][:4] == ["alice_ch4", "carol_ch4", "dave_ch4", "erin_ch4"]
    assert xml.tests == sum(s.tests for s in suites) and xml.failures == sum(s.failures for s in suites)
    assert xml.errors == sum(s.errors for s in suites) == 2 + 2 + 3
    root = ET.fromstring(junit_xml(results).encode("utf-8"))
    assert root.tag == "testsuites" and root.get("skipped") == "0"
    load = root.find("testsuite[@name='dave_ch4']")
    assert [p.get("value") for p in load.find("properties")][:2] == ["0", "5"]
    assert load.get("errors") == "2" and load.find("system-out") is None


def test_notes_go_to_system_out():
    root = ET.fromstring(junit_xml([overridden_result()]).encode("utf-8"))
    out = root.find("testsuite/system-out").text
    assert "fr1: Your Learner trained for 5 epochs in 8.2 s." in out
    assert "q09: score set by your instructor: 2.5 (computed 0) (Right idea, off by one)" in out


def test_empty_list_is_a_valid_document():
    root = ET.fromstring(junit_xml([]).encode("utf-8"))
    assert root.tag == "testsuites" and root.get("tests") == "0" and len(root) == 0


def test_write_is_atomic_and_replaces(tmp_path):
    target = tmp_path / "junit.xml"
    write_junit([make_result()], target)
    assert write_junit([load_error_result()], target) == target
    assert [p.name for p in tmp_path.iterdir()] == ["junit.xml"]
    assert ET.parse(target).getroot().find("testsuite").get("name") == "dave_ch4"
