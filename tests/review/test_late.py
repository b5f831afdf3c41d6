"""The late policy: on time, in grace, late by hours and by days, capped, extended; the penalty as its own line."""
import datetime as dt

import pytest

from grader.results import ExerciseResult, Outcome, SubmissionResult
from grader.review import late

UTC = dt.timezone.utc
DUE = dt.datetime(2025, 3, 7, 23, 59, tzinfo=UTC)


def policy(**table):
    return late.load_policy({"due": DUE, "penalty": 10, "per": "day", "cap": 50, "grace": "15m", **table}, "test")


def result(score=8.0, max_score=10.0):
    ex = ExerciseResult("q04", "t", "code", Outcome.PARTIAL, score, max_score)
    return SubmissionResult("ann", "ann.py", "", score, max_score, [ex])


def at(**delta):
    return DUE + dt.timedelta(**delta)


def test_on_time_costs_nothing():
    found = late.penalty_for(policy(), at(hours=-3))
    assert found.status == "on_time" and found.percent == 0
    assert late.penalty_for(policy(), DUE).status == "on_time"  # at the due minute itself
    r = result()
    late.apply(r, found, policy())
    assert r.score == 8 and r.late["penalty"] == 0 and r.late["raw_score"] == 8
    assert r.late["line"] == "handed in on time"


def test_within_the_grace_period_costs_nothing_and_says_so():
    found = late.penalty_for(policy(), at(minutes=14, seconds=59))
    assert found.status == "grace" and found.percent == 0
    assert "within the 15 minutes grace period" in found.note
    assert late.penalty_for(policy(), at(minutes=15)).status == "grace"  # the grace period's end is in it
    assert late.penalty_for(policy(), at(minutes=15, seconds=1)).status == "late"


def test_late_by_days_counts_every_started_day_from_the_due_time():
    one = late.penalty_for(policy(), at(minutes=16))  # just past grace: a started day
    assert (one.status, one.units, one.percent) == ("late", 1, 10)
    assert late.penalty_for(policy(), at(days=1)).units == 1
    two = late.penalty_for(policy(), at(days=1, hours=2))
    assert (two.units, two.percent, two.capped) == (2, 20, False)
    r = result()
    late.apply(r, two, policy())
    assert r.late["penalty"] == 1.6 and r.score == 6.4 and r.late["raw_score"] == 8  # 20% of the score earned
    assert r.late["line"] == ("handed in 1 day 2 hours late (2 days at 10% of the score each): 20% off, 1.6 "
                              "points")


def test_late_by_hours():
    hourly = policy(per="hour", penalty=5, grace=0)
    found = late.penalty_for(hourly, at(hours=3, minutes=10))
    assert (found.units, found.percent) == (4, 20)
    r = result()
    late.apply(r, found, hourly)
    assert r.score == 6.4 and "4 hours at 5%" in r.late["line"]


def test_the_cap_is_the_most_ever_taken():
    found = late.penalty_for(policy(), at(days=9))
    assert (found.units, found.percent, found.capped) == (9, 50, True)
    r = result()
    late.apply(r, found, policy())
    assert r.score == 4 and "capped at 50%" in r.late["line"]


def test_a_share_of_the_points_is_never_more_than_the_score():
    of_points = policy(of="points", cap=100)
    found = late.penalty_for(of_points, at(days=3))
    r = result(score=2.0)
    late.apply(r, found, of_points)  # 30% of 10 points is 3, but only 2 were earned
    assert r.late["penalty"] == 2 and r.score == 0


def test_an_extension_moves_the_due_time():
    extended = DUE + dt.timedelta(days=3)
    on_time = late.penalty_for(policy(), at(days=2), extended)
    assert on_time.status == "on_time" and on_time.extended
    after = late.penalty_for(policy(), extended + dt.timedelta(hours=5), extended)
    assert (after.status, after.units, after.late_by) == ("late", 1, dt.timedelta(hours=5))


def test_no_submission_time_is_no_penalty_and_a_line_that_says_so():
    found = late.penalty_for(policy(), None)
    r = result()
    late.apply(r, found, policy())
    assert r.score == 8 and r.late["status"] == "unknown" and "no late penalty was applied" in r.late["line"]
    marked = late.penalty_for(policy(), None, lms_late=True)
    assert "the LMS marked this submission late" in marked.note


def test_the_policy_reads_toml_times_zones_and_durations():
    p = late.load_policy({"due": "2025-03-07 23:59", "timezone": "Europe/Berlin", "penalty": "10%",
                          "grace": "2h", "per": "hours"}, "pyproject.toml")
    assert p.due == dt.datetime(2025, 3, 7, 22, 59, tzinfo=UTC) and p.per == "hour" and p.penalty == 10
    assert p.grace == dt.timedelta(hours=2)
    assert late.duration(30, "x") == dt.timedelta(minutes=30) and late.duration("90s", "x").total_seconds() == 90
    assert late.Policy.from_dict(p.to_dict()) == late.Policy(p.due, 10, "hour", "score", 100, p.grace, "Europe/Berlin")


@pytest.mark.parametrize("table, words", [
    ({"penalty": 10}, "needs a due time"),
    ({"due": "2025-03-07 23:59"}, "has no time zone"),
    ({"due": "tomorrow"}, "is not a date and time"),
    ({"due": DUE, "penalty": 150}, "from 0 to 100"),
    ({"due": DUE, "per": "week"}, "must be \"day\" or \"hour\""),
    ({"due": DUE, "grace": "soon"}, "is not a duration"),
    ({"due": DUE, "timezone": "Mars/Olympus"}, "not a known time zone"),
    ({"due": DUE, "penality": 5}, "unknown setting penality"),
])
def test_a_bad_policy_names_the_setting(table, words):
    with pytest.raises(late.LateError, match=words):
        late.load_policy(table, "pyproject.toml")


def test_submission_times_from_a_csv_and_from_moodles_worksheet(tmp_path):
    ours = tmp_path / "submitted.csv"
    ours.write_text("student,submitted_at\nann,2025-03-08T10:00:00Z\nben,2025-03-08 11:00\n,2025-03-08\n")
    rows, problems = late.read_times(ours, None, ("student", "submitted_at"))
    assert [(who, when.isoformat()) for who, when, _ in rows] == [("ann", "2025-03-08T10:00:00+00:00")]
    assert any("line 3" in p and "no time zone" in p for p in problems) and any("line 4" in p for p in problems)
    moodle = tmp_path / "worksheet.csv"
    moodle.write_text('Identifier,Full name,Email address,Status,"Last modified (submission)"\n'
                      '"Participant 12345","Ann Lee",ann@example.org,Submitted,"Saturday, 8 March 2025, 11:05 AM"\n'
                      '"Participant 12346","Ben Ode",ben@example.org,"No submission",-\n')
    zone = late.zone_of(late.load_policy({"due": DUE, "timezone": "Europe/Berlin"}, "t"))
    rows, problems = late.read_times(moodle, zone, ("student", "submitted_at"))
    assert problems == [] and [(who, when.astimezone(UTC).isoformat()) for who, when, _ in rows] == [
        ("12345", "2025-03-08T10:05:00+00:00")]
