"""Loading submissions as students write them, and refusing bad files with a clear reason."""
import ast
import json

import pytest

from grader.intake import submission

NAMES = {"q04": ["double_odds"], "q09": ["doubled_corner"]}


def test_cells_are_attributed_by_marker_metadata_or_defined_name(make_notebook):
    path = make_notebook([
        "import torch",
        "# exercise: q09\nx = 1",
        ("y = 2", {"grader": {"exercise": "q26"}}),
        ("z = 3", {"tags": ["exercise:fr1"]}),
        "def double_odds(nums):\n    return nums",
    ])
    sub = submission.load(path, NAMES)
    assert sub.load_error is None
    assert [c.exercise for c in sub.cells] == [None, "q09", "q26", "fr1", "q04"]
    assert sub.definition("double_odds").name == "double_odds"


def test_definition_is_the_last_one_and_finds_names_python_folds(make_notebook):
    """Cells that never spell a name are skipped unparsed; the last definition wins, whatever form it takes,
    and a name written in other Unicode letters that Python folds to the same identifier (NFKC) still counts."""
    path = make_notebook([
        "def double_odds(nums):\n    return nums",
        "x = 1",
        "double_odds = lambda nums: nums",
        "def \uff44ouble_odds(nums):\n    return [n * 2 for n in nums if n % 2]",  # fullwidth d
        "def doubled_corner(t):\n    return t",
    ])
    sub = submission.load(path, NAMES)
    found = sub.definition("double_odds")  # the fullwidth def, after the lambda that replaced the first def
    assert isinstance(found, ast.FunctionDef) and "n * 2" in ast.unparse(found)
    assert sub.definition("doubled_corner").name == "doubled_corner"
    assert sub.definition("absent") is None


def test_magics_and_shell_escapes_are_neutralised_and_reported(make_notebook):
    path = make_notebook(["%matplotlib inline\n!pip install fastai\nfiles = !ls\nx = 1\nlen?",
                          "%%bash\nrm -rf /", "%%time\ny = 2"])
    sub = submission.load(path, NAMES)
    first, second, third = (c.source for c in sub.cells)
    assert "pip" not in first and "files = None" in first and "x = 1" in first
    assert second.strip() == "pass"
    assert "y = 2" in third and "%%" not in third
    compile(first, "c", "exec"), compile(third, "c", "exec")
    joined = " ".join(sub.notes)
    assert "!pip install fastai" in joined and "%%bash" in joined and "%matplotlib" in joined


def test_py_file_splits_at_percent_markers(make_script):
    path = make_script("# %% exercise: q04\ndef double_odds(n):\n    return n\n# %%\nraise ValueError\n"
                       "# %%\ndef doubled_corner(t):\n    return t\n")
    sub = submission.load(path, NAMES)
    assert [c.exercise for c in sub.cells] == ["q04", None, "q09"]


def test_py_file_without_markers_splits_at_top_level_statements(make_script):
    path = make_script("import torch\n\nraise RuntimeError('boom')\n\n@staticmethod\ndef double_odds(n):\n"
                       "    return n\n")
    sub = submission.load(path, NAMES)
    assert len(sub.cells) == 3 and sub.cells[2].exercise == "q04"
    assert sub.cells[2].source.startswith("@staticmethod")


def test_nbformat_v3_notebooks_are_upgraded(tmp_path):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {},
          "worksheets": [{"cells": [{"cell_type": "code", "input": "def double_odds(n):\n    return n",
                                     "language": "python", "outputs": []}]}]}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(v3))
    sub = submission.load(path, NAMES)
    assert sub.load_error is None and sub.cells[0].exercise == "q04"


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"nbformat": 4, "metadata": {}}', "no 'cells' list"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b'{"cells": "nope", "nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "no 'cells' list"),
])
def test_unreadable_notebooks_give_a_specific_reason(tmp_path, content, reason):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    sub = submission.load(path, NAMES)
    assert sub.load_error and reason in sub.load_error and sub.cells == []


def test_folders_and_unknown_types_are_refused(tmp_path):
    (tmp_path / "dir.ipynb").mkdir()
    assert "folder" in submission.load(tmp_path / "dir.ipynb", NAMES).load_error
    (tmp_path / "answer.docx").write_text("hello")
    assert "unsupported file type" in submission.load(tmp_path / "answer.docx", NAMES).load_error
    assert "could not be read" in submission.load(tmp_path / "absent.py", NAMES).load_error


def test_a_notebook_that_is_not_ours_loads_with_no_attribution(make_notebook):
    sub = submission.load(make_notebook(["print('hello')", "a = [1, 2]"]), NAMES)
    assert sub.load_error is None and all(c.exercise is None for c in sub.cells)


def test_marks_in_metadata_and_tags_are_read_whatever_their_case(make_notebook):
    from grader.intake.submission import load

    path = make_notebook([("x = 1", {"grader": {"exercise": "Q04"}}), ("y = 2", {"tags": ["exercise: q09 "]})])
    assert [c.exercise for c in load(path).cells] == ["q04", "q09"]
