"""The catalogue reads exercise folders and refuses malformed ones clearly."""
import pytest

from grader.catalog import load_catalog, load_exercise, select
from grader.config import REPO_ROOT, ConfigError


def make(tmp_path, name, body):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "exercise.toml").write_text(body)
    return folder


GOOD = 'id = "{id}"\ntitle = "T"\nkind = "code"\npoints = 2\nnames = ["f"]\n'


def test_catalogue_is_in_questionnaire_order(tmp_path):
    for name in ("fr2", "q10", "fr1", "q02"):
        make(tmp_path, name, GOOD.format(id=name))
    assert [ex.id for ex in load_catalog(tmp_path)] == ["q02", "q10", "fr1", "fr2"]


@pytest.mark.parametrize("body, words", [
    ('id = "q01"\n', "lacks"),
    (GOOD.format(id="q02"), "must match its folder"),
    (GOOD.format(id="q01").replace('"code"', '"essay"'), "kind 'essay'"),
    ("id = ", "q01"),
    (GOOD.format(id="q01") + "core_share = 0\n", "core_share"),
    (GOOD.format(id="q01") + "core_share = 1.5\n", "core_share"),
    (GOOD.format(id="q01") + 'core_share = "half"\n', "core_share"),
])
def test_malformed_exercise_files_are_reported(tmp_path, body, words):
    with pytest.raises(ConfigError, match=words):
        load_exercise(make(tmp_path, "q01", body))


def test_select_accepts_short_ids_and_rejects_unknown_ones():
    catalog = load_catalog(REPO_ROOT / "exercises")
    assert [ex.id for ex in select(catalog, ["Q4"])] == ["q04"]
    with pytest.raises(ConfigError, match="unknown exercise"):
        select(catalog, ["q404"])


def test_core_share_defaults_to_every_core_point_and_projects_declare_half(tmp_path):
    assert load_exercise(make(tmp_path, "q01", GOOD.format(id="q01"))).core_share == 1.0
    shares = {ex.id: ex.core_share for ex in load_catalog(REPO_ROOT / "exercises")}
    assert shares["fr1"] == shares["fr2"] == 0.5 and shares["q04"] == 1.0
