"""JUnit XML: grades in the form CI systems (GitLab, Jenkins, GitHub test reporters) already know how to show.

One ``<testsuite>`` per submission, one ``<testcase classname="<submission>.<exercise>" name="<case>">`` per case.
Outcomes map as follows:

* passed → no child element;
* failed and partial → ``<failure type="failed|partial">``;
* error and timeout → ``<error type="error|timeout">`` (the student's code raised, died or ran out of time);
* missing → ``<failure type="missing">``, *not* ``<skipped>``: a missing answer costs points, and many CI systems
  count a skipped test as fine, which would show an empty notebook as a green build.  ``skipped`` is always 0.

A failure's ``message`` is the first line of the student-facing message with the points; its text is the whole
message and hint, plus expected/actual for public cases only (:meth:`CaseResult.redacted`).  Grader errors become
one ``<error type="grader_error">`` case named ``grader errors`` in class ``<submission>.grader``, so a broken
grader turns a build red instead of hiding in a log; it carries each error's first line, not tracebacks (CI
pages are often shown to students, and a traceback is for the grader's own log).  Notes, exercise feedback and
overrides go to the suite's ``<system-out>``; the score, maximum and grader version are suite ``<properties>``.

Student text may hold characters XML 1.0 cannot carry at all (NUL and other C0 controls, lone surrogates,
U+FFFE/U+FFFF): they are replaced (controls by '?', the rest by U+FFFD) so the file always parses.
"""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from grader.results import CaseResult, Outcome, SubmissionResult

from grader.fileio import atomic_write_text
from .plots import fmt_number
from .student_text import (GRADER_ERROR_HEAD, case_text, clean, clip, exercise_cases, grader_error_lines, headline,
                           notes, one_line)
from .terminal import points

SUITES_NAME = "mnist-grader"
# Everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-].
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FAILURES = {Outcome.FAILED, Outcome.PARTIAL, Outcome.MISSING}
_ERRORS = {Outcome.ERROR, Outcome.TIMEOUT}


def xml_text(text: object) -> str:
    """Text XML 1.0 can hold: :func:`clean` (controls to '?', surrogates to U+FFFD), then any other illegal char."""
    return _NOT_XML.sub("\ufffd", clean(text))


def _seconds(value: float) -> str:
    return f"{max(float(value), 0.0):.3f}"


def _testcase(parent: ET.Element, classname: str, case: CaseResult) -> str | None:
    """Append the case; return "failure", "error" or None (passed)."""
    element = ET.SubElement(parent, "testcase", {"classname": classname, "name": xml_text(one_line(case.name)),
                                                 "time": _seconds(case.duration)})
    if case.outcome is Outcome.PASSED:
        return None
    tag = "failure" if case.outcome in _FAILURES else "error"
    message = f"{headline(case)} [{points(case.score, case.max_score)} points]"
    child = ET.SubElement(element, tag, {"message": xml_text(message), "type": case.outcome.value})
    child.text = xml_text(case_text(case))
    return tag


def _suite(parent: ET.Element, result: SubmissionResult) -> tuple[int, int, int, float]:
    name = xml_text(one_line(result.submission))
    suite = ET.SubElement(parent, "testsuite", {"name": name})
    props = ET.SubElement(suite, "properties")
    for key, value in (("score", fmt_number(round(result.score, 4))), ("max_score", fmt_number(result.max_score)),
                       ("mode", result.mode), ("sha256", result.sha256), ("grader_version", result.grader_version)):
        ET.SubElement(props, "property", {"name": key, "value": xml_text(value)})
    if result.late:  # the score above is after the penalty; the raw score and the penalty are their own lines
        for key, value in (("raw_score", fmt_number(result.late["raw_score"])),
                           ("late_penalty", fmt_number(result.late["penalty"])), ("late", result.late["line"])):
            ET.SubElement(props, "property", {"name": key, "value": xml_text(value)})
    tests = failures = errors = 0
    duration = 0.0
    for ex in result.exercises:
        classname = f"{name}.{xml_text(one_line(ex.id))}"
        for case in exercise_cases(ex):
            kind = _testcase(suite, classname, case)
            tests += 1
            failures += kind == "failure"
            errors += kind == "error"
            duration += max(case.duration, 0.0)
    if result.grader_errors:
        element = ET.SubElement(suite, "testcase", {"classname": f"{name}.grader", "name": "grader errors",
                                                    "time": _seconds(0)})
        reasons = grader_error_lines(result.grader_errors) or ["(details are in the grader's log)"]
        error = ET.SubElement(element, "error", {"message": xml_text(clip(reasons[0], 200)), "type": "grader_error"})
        error.text = xml_text("\n".join([GRADER_ERROR_HEAD] + reasons))
        tests += 1
        errors += 1
    lines = notes(result)
    if lines:
        ET.SubElement(suite, "system-out").text = xml_text("\n".join(lines))
    total = float(result.timings.get("total", duration))
    suite.attrib.update({"tests": str(tests), "failures": str(failures), "errors": str(errors), "skipped": "0",
                         "time": _seconds(total)})
    return tests, failures, errors, total


def junit_xml(results: list[SubmissionResult]) -> str:
    """The JUnit XML document (UTF-8 declaration, two-space indent, trailing newline) for ``results``."""
    root = ET.Element("testsuites", {"name": SUITES_NAME})
    totals = [_suite(root, r) for r in results]
    root.attrib.update({"tests": str(sum(t[0] for t in totals)), "failures": str(sum(t[1] for t in totals)),
                        "errors": str(sum(t[2] for t in totals)), "skipped": "0",
                        "time": _seconds(sum(t[3] for t in totals))})
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(results: list[SubmissionResult], path: str | os.PathLike[str]) -> Path:
    """Write :func:`junit_xml` to ``path`` atomically (UTF-8) and return the path."""
    target = Path(path)
    atomic_write_text(target, junit_xml(results))
    return target
