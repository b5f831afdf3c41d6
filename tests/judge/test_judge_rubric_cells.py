"""One paragraph pasted into every answer cell is seen when a submission is graded, not only in the bench."""
from grader.config import load_settings
from grader.grading.grade import grade
from grader.judge.written.probes import VOCABULARY

IDS = ["q04", "q12", "q22"]


def _script(answers: dict[str, str]) -> str:
    cells = ["# %%\nx = 1\n"]
    for ex_id, text in answers.items():
        cells.append(f"# %% [markdown]\n# **Your answer (Q{int(ex_id[1:])}):** {text}\n")
    return "\n".join(cells)


def _written(result, ex_id):
    return next(c for c in result.exercise(ex_id).cases if c.name == "written answer")


def test_the_same_paragraph_in_every_cell_is_flagged_in_each(tmp_path):
    path = tmp_path / "pasted.py"
    path.write_text(_script({i: VOCABULARY for i in IDS}), encoding="utf-8")
    result = grade(path, load_settings(), exercise_ids=IDS)
    assert result.grader_errors == []
    for ex_id in IDS:
        case = _written(result, ex_id)
        assert case.needs_review, case.message
        others = sorted(set(IDS) - {ex_id})
        assert f"the same text is also the answer to {', '.join(others)}" in case.details["review_reasons"]


def test_different_answers_are_not_flagged_as_pasted(tmp_path):
    answers = {"q04": "A list comprehension builds a new list from an iterable in one expression, and its if "
                      "part is a condition that keeps only the items that pass it.",
               "q12": "SGD moves every weight a small step against the gradient of the loss, computed on a "
                      "randomly chosen mini-batch each time, so the loss goes down."}
    path = tmp_path / "own.py"
    path.write_text(_script(answers), encoding="utf-8")
    result = grade(path, load_settings(), exercise_ids=list(answers))
    for ex_id in answers:
        case = _written(result, ex_id)
        assert not any(r.startswith("the same text") for r in case.details.get("review_reasons", [])), case.message
