"""Fuzzing the submission loader: whatever a student uploads, ``grader.intake.submission.load`` returns, quickly, either
one clear line saying what is wrong or cells of text, and loses none of the code it was given.

The examples are derandomised and few, so CI runs the same 200 per strategy every time, with no example database.
``HYPOTHESIS_PROFILE=long`` runs many more, randomly, and keeps what it finds in ``.hypothesis/`` (git-ignored).
Inputs that once broke the loader (found by this fuzzer, or while building tests/bad_inputs/) stay as ``@example``s
or as files in ``tests/bad_inputs/fuzz_seeds/``, replayed by ``test_fuzz_seeds_replay``.
"""
from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from grader.intake import submission

# nbformat warns about what bad notebooks lack (cell ids); here that is the point, not news.
pytestmark = [pytest.mark.filterwarnings("ignore::nbformat.warnings.MissingIDFieldWarning"),
              pytest.mark.filterwarnings("ignore::nbformat.warnings.DuplicateCellId")]
NAMES = {"q04": ["double_odds"], "q09": ["doubled_corner"]}
SEEDS = Path(__file__).resolve().parents[1] / "bad_inputs" / "fuzz_seeds"

settings.register_profile("bad-input-ci", max_examples=200, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("bad-input-long", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile("bad-input-long" if os.environ.get("HYPOTHESIS_PROFILE") == "long"
                               else "bad-input-ci")

# Every message the loader gives, each naming the problem.  A message outside these is itself a finding.
MESSAGES = [re.compile(p) for p in (
    r"the file is empty",
    r"the file is not UTF-8 text \(bad byte at position \d+\)",
    r"the file is UTF-(16|32) text, not UTF-8 \(save it as UTF-8 and resubmit\)",
    r"the file is \d+ MB; submissions over \d+ MB are refused \(clear the notebook's outputs and resubmit\)",
    r"the notebook is not valid JSON \(.+\)",
    r"the notebook is not a JSON object",
    r"the notebook has no 'cells' list",
    r"cell \d+ of the notebook is not a JSON object \(it is (null|true or false|a number|a string|a list)\)",
    r"the notebook's 'nbformat(_minor)?' version is .+, not a whole number",
    r"the notebook is nbformat \d+, newer than this grader reads \(nbformat 4 and older\): save it as nbformat 4 "
    r"and resubmit",
    r"the notebook could not be read as nbformat 4: \w+: .+",
)]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("badinput-fuzz")


def load_checked(folder: Path, name: str, data: bytes) -> submission.Submission:
    """Write *data* as *name*, load it, and check what holds for any input at all."""
    path = folder / name
    path.write_bytes(data)
    sub = submission.load(path, NAMES)  # raising here is a finding in itself; a hang is caught by the timeout mark
    if sub.load_error is not None:
        assert isinstance(sub.load_error, str) and sub.load_error.strip(), sub.load_error
        assert sub.load_error.splitlines() == [sub.load_error], f"not one line: {sub.load_error!r}"
        assert any(m.fullmatch(sub.load_error) for m in MESSAGES), f"an unexpected message: {sub.load_error!r}"
        assert sub.cells == []
    else:
        assert all(isinstance(c, submission.Cell) for c in sub.cells)
        assert [c.index for c in sub.cells] == list(range(len(sub.cells)))
        assert all(isinstance(c.source, str) for c in sub.cells)
        assert all(c.exercise is None or (isinstance(c.exercise, str) and c.exercise) for c in sub.cells)
    assert all(isinstance(n, str) for n in sub.notes)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in sub.answers.items())
    return sub


def untouched(sub: submission.Submission) -> list[int]:
    """Indexes of cells no note speaks of: their source must be exactly what the student wrote."""
    spoken = {int(m.group(1)) for n in sub.notes for m in [re.match(r"cell (\d+):", n)] if m}
    return [c.index for c in sub.cells if c.index not in spoken]


# ------------------------------------------------------------------------------------------------ (a) bytes

@pytest.mark.timeout(900)  # a hang guard over all examples: the hangs found took minutes each
@settings(PROFILE)
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".ipynb", ".py"]),
       prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"{", b"{\"cells\": ["]))
def test_any_bytes(scratch, data, suffix, prefix):
    load_checked(scratch, "bytes" + suffix, prefix + data)


# ----------------------------------------------------------------------------------------- (b) JSON values

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=25)


@pytest.mark.timeout(900)  # a hang guard over all examples: the hangs found took minutes each
@settings(PROFILE)
@given(value=json_values, indent=st.sampled_from([None, 1]), ascii_only=st.booleans())
def test_any_json_value(scratch, value, indent, ascii_only):
    load_checked(scratch, "value.ipynb", json.dumps(value, indent=indent, ensure_ascii=ascii_only).encode())


# --------------------------------------------------------------------------------- (c) plausible notebooks

# Text as students (and their editors) write it: code, magics, markers, and the odd characters that break lines
# for str.splitlines but not for Python.
code_alphabet = st.sampled_from(list("abcxyz_019 ()[]{}:=+-*/%!?#'\".,\\\t\n") +
                                ["\r", "\r\n", "\u2028", "\u2029", "\x0c", "\x0b", "\x85", "\x1c", "\x00", "é",
                                 "def ", "return ", "double_odds", "# exercise: q04", "%%time\n", "%%bash\n",
                                 "%matplotlib inline", "!pip install x", "files = !ls", "len?", "    "])
code_text = st.lists(code_alphabet, max_size=40).map("".join)
source = st.one_of(code_text, st.lists(code_text, max_size=4), json_values)
marks = st.one_of(st.sampled_from(["q04", "q09", "q99", "Q04", "fr1", "", "exercise"]), json_values)
cell_metadata = st.one_of(
    st.fixed_dictionaries({}, optional={
        "grader": st.one_of(st.fixed_dictionaries({}, optional={"exercise": marks, "answer": marks}), json_values),
        "tags": st.one_of(st.lists(st.one_of(st.sampled_from(["exercise:q04", "exercise: q09", "exercise:"]),
                                             json_values), max_size=3), json_values)}),
    json_values)
outputs = st.one_of(st.lists(st.fixed_dictionaries({"output_type": st.sampled_from(["stream", "error", "x"])},
                                                   optional={"text": source, "name": json_values}), max_size=2),
                    json_values)
cells = st.fixed_dictionaries(
    {"cell_type": st.one_of(st.sampled_from(["code", "code", "markdown", "raw", "heading"]), json_values)},
    optional={"source": source, "metadata": cell_metadata, "outputs": outputs, "id": st.text(max_size=8),
              "execution_count": st.one_of(st.none(), st.integers(), json_values)})
kernelspec = st.one_of(st.fixed_dictionaries({}, optional={
    "language": st.one_of(st.sampled_from(["python", "Python", "R", "julia"]), json_values),
    "name": st.text(max_size=10)}), json_values)
notebooks = st.fixed_dictionaries(
    {"cells": st.one_of(st.lists(cells, max_size=5), st.lists(cells, max_size=5), json_values),
     "nbformat": st.one_of(st.just(4), st.just(4), st.sampled_from([1, 2, 3, 5, 0, -1, 99]), json_values),
     "metadata": st.one_of(*[st.fixed_dictionaries({}, optional={"kernelspec": kernelspec,
                                                                 "language_info": kernelspec})] * 3, json_values)},
    optional={"nbformat_minor": st.one_of(st.integers(0, 10), json_values),
              "worksheets": st.one_of(st.lists(st.fixed_dictionaries({"cells": st.lists(cells, max_size=3)}),
                                               max_size=2), json_values)})


def expected_code_cells(nb: dict) -> list[str] | None:
    """The code cells' sources a faithful loader returns for an nbformat-4 notebook, or None when not obvious."""
    if nb.get("nbformat") != 4 or type(nb.get("nbformat")) is not int or "worksheets" in nb:
        return None
    if not isinstance(nb.get("cells"), list) or not all(isinstance(cell, dict) for cell in nb["cells"]):
        return None
    found = []
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        text = cell.get("source", "")
        if isinstance(text, list):
            if not all(isinstance(part, str) for part in text):
                return None
            text = "".join(text)
        found.append(text if isinstance(text, str) else "")
    return found


@pytest.mark.timeout(900)  # a hang guard over all examples: the hangs found took minutes each
@settings(PROFILE)
@given(nb=notebooks, indent=st.sampled_from([None, 1]), bom=st.booleans(), crlf=st.booleans())
# Each of these once raised out of the loader or changed a cell: a kernelspec that is not an object, tags that are
# not a list, an answer mark that is not text, a line separator in a comment (str.splitlines broke the cell there).
@example(nb={"cells": [], "metadata": {"kernelspec": "python3"}, "nbformat": 4, "nbformat_minor": 5},
         indent=None, bom=False, crlf=False)
@example(nb={"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {"tags": 5}}],
             "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=None, bom=False, crlf=False)
@example(nb={"cells": [{"cell_type": "markdown", "source": "**Your answer (Q4):** hi",
                        "metadata": {"grader": {"answer": 4}}}],
             "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=None, bom=False, crlf=False)
@example(nb={"cells": [{"cell_type": "code", "source": "# see\u2028the book\nx = 1\n", "metadata": {}}],
             "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=None, bom=False, crlf=False)
@example(nb={"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1, bom=True, crlf=True)  # BOM
def test_plausible_notebooks(scratch, nb, indent, bom, crlf):
    text = json.dumps(nb, indent=indent)
    if crlf:
        text = text.replace("\n", "\r\n")  # only between tokens: newlines inside strings are escaped
    sub = load_checked(scratch, "nb.ipynb", (b"\xef\xbb\xbf" if bom else b"") + text.encode())
    expected = expected_code_cells(nb)
    if sub.load_error is None and expected is not None:  # nothing lost: every code cell, unchanged unless noted
        assert len(sub.cells) == len(expected)
        for index in untouched(sub):
            assert sub.cells[index].source == expected[index]


# ------------------------------------------------------------------------------------ (d) .py with # %% markers

py_lines = st.one_of(
    st.sampled_from(["import torch", "x = 1", "def double_odds(nums):", "    return nums", "", "# a comment",
                     "print('%d' % 3)", "s = 'a\u2028b'", "# page\x0cbreak", "t = '\x85'", "%matplotlib inline",
                     "!pip install fastai", "files = !ls", "double_odds?", "if x:\\", "    pass",
                     "raise ValueError('boom')", "y = [2 * n for n in nums if n % 2]"]),
    code_text.map(lambda t: re.sub(r"[\r\n]", " ", t)),  # one line as Python counts lines
    st.tuples(st.sampled_from([" ", "\t", "x ", "# ", "a = "]), st.integers(0, 6000)).map(lambda p: p[0] * p[1]),
).filter(lambda line: not re.match(r"#\s*%%", line))  # a line like "# %%" is a marker, written only as one
headers = st.sampled_from(["", " exercise: q04", " exercise: FR1", " [markdown]", " [markdown] answer: q04",
                           "  anything at all", "%", " [markdown"])
chunks = st.lists(st.tuples(headers, st.lists(py_lines, max_size=6)), max_size=5)


@pytest.mark.timeout(900)  # a hang guard over all examples: the hangs found took minutes each
@settings(PROFILE)
@given(first=st.lists(py_lines, max_size=4), rest=chunks, ending=st.sampled_from(["\n", "\r\n", "\r"]),
       final=st.booleans())
def test_py_cells_follow_the_markers(scratch, first, rest, ending, final):
    def block(lines):
        return "".join(line + ending for line in lines)

    text = block(first) + "".join(f"#{'' if n % 2 else ' '}%%{header}{ending}" + block(body)
                                  for n, (header, body) in enumerate(rest))
    if not final and text.endswith(ending):
        text = text[:-len(ending)]
    sub = load_checked(scratch, "script.py", text.encode())
    assert sub.load_error is None or sub.load_error == "the file is empty"
    if sub.load_error:
        assert not text.strip()
        return
    if rest:  # split at the markers: the code chunks, in order, markdown ones left out
        pieces = _code_chunks(ending, first, rest, final)
        assert len(sub.cells) == len(pieces)
        for index in untouched(sub):
            assert sub.cells[index].source == pieces[index][1]
        for cell, (header, _) in zip(sub.cells, pieces):
            if header in (" exercise: q04", " exercise: FR1"):
                assert cell.exercise == header.split(":")[1].strip().lower()
    else:  # split at top-level statements: nothing lost when Python can parse it
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            assert len(sub.cells) == 1
            return
        if not sub.notes:
            joined = "".join(c.source for c in sub.cells)
            assert ast.dump(ast.parse(joined)) == ast.dump(tree)


def _code_chunks(ending, first, rest, final):
    """(header, text) of each chunk that is a code cell, its text exactly as written (each line with its ending)."""
    pieces = []
    every = [("", first)] + list(rest)
    for n, (header, body) in enumerate(every):
        piece = "".join(line + ending for line in body)
        if n == len(every) - 1 and not final and piece.endswith(ending):
            piece = piece[:-len(ending)]
        if (n == 0 or "[markdown]" not in header) and piece.strip():
            pieces.append((header, piece))
    return pieces


# ------------------------------------------------------------------------------------------- replayed seeds

def test_fuzz_seeds_replay(tmp_path):
    """Every input the fuzzer once found loads now, within the bound, as expected.json says: the message, or cells
    with their exercises that together are the whole file (nothing dropped, nothing changed)."""
    expected = json.loads((SEEDS / "expected.json").read_text())
    assert sorted(p.name for p in SEEDS.iterdir() if p.name != "expected.json") == sorted(expected)
    for name, want in expected.items():
        raw = (SEEDS / name).read_bytes()
        sub = load_checked(tmp_path, name, raw)
        got = {"load_error": sub.load_error, "exercises": [c.exercise for c in sub.cells], "notes": sub.notes}
        if sub.load_error is None:
            got["cells_are_the_file"] = "".join(c.source for c in sub.cells) == raw.decode()
        assert got == want, name
