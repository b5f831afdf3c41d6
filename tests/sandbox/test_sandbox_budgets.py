"""What a session will not let a submission do to its grader: a reply of the wrong shape is the student's, never
the grader's error, and time is bounded per exercise, per submission and per notebook as well as per request.

Speed is never asserted here; the sleeps are long enough apart that scheduling noise cannot move a verdict, and
a hang guard stops a test that would otherwise wait forever.
"""
import pytest

from grader.judge.backend import StudentCrash, StudentError, StudentTimeout
from sandbox_sessions import session_of, start, zygote  # noqa: F401 - start and zygote are fixtures

# A cell that forges a reply of the sandbox's: arm(reply) makes the reply to that very request *reply*,
# arm(reply, 1) the reply to the request after it.
FORGER = """import sys
_wire = sys.modules["wire"]
_write = _wire.write_frame
FORGED = {}
def _forge(fd, value):
    if FORGED and isinstance(value, dict) and "event" not in value:
        if FORGED["skip"]:
            FORGED["skip"] -= 1
        else:
            value = {"seq": value["seq"], **FORGED.pop("reply")}
            FORGED.clear()
    return _write(fd, value)
_wire.write_frame = _forge
def arm(reply, skip=0):
    FORGED.update(reply=reply, skip=skip)
def fine():
    return 3
def boom():
    raise ValueError("boom")
"""


@pytest.mark.parametrize("reply, words", [
    ({"error": "text"}, "its 'error' is text, not an object"),
    ({"error": {"type": "X", "message": "m", "frames": {"a": 1}, "lineno": 1}},
     "the 'frames' of its 'error' are an object, not a list of text"),
    ({"error": {"type": "X", "message": "m", "frames": [1], "lineno": 1}},
     "the 'frames' of its 'error' are a list, not a list of text"),
    ({"error": {"type": "X", "message": "m", "frames": [], "lineno": "7"}},
     "the 'lineno' of its 'error' is text, not a line number"),
    ({"error": {"type": ["X"], "message": "m"}}, "the type or message of its 'error' is not text"),
    ({"neither": 1}, "neither a value nor an error"),
])
def test_a_reply_of_the_wrong_shape_is_the_students_crash_and_the_sandbox_stays_in_step(reply, words):
    with session_of(FORGER) as s:
        s.start()
        with pytest.raises(StudentCrash) as crash:
            s.call("arm", reply)
        assert str(crash.value) == (f"sent the grader a reply of the wrong shape ({words}); did something in it "
                                    "change the sandbox's worker?")
        assert s.call("fine") == 3
        with pytest.raises(StudentError) as err:  # an honest error reply still reads as one
            s.call("boom")
        assert err.value.describe().startswith("ValueError: boom (at <cell 0>")


def test_a_has_reply_of_the_wrong_shape_is_the_students_crash():
    with session_of(FORGER) as s:
        s.start()
        s.call("arm", {"ok": ["fine", "function"]}, 1)  # a list where a map of names was
        with pytest.raises(StudentCrash, match=r"wrong shape \(the kinds of the names asked for"):
            s.has(["fine"])
        assert s.has(["fine", "nothing"]) == {"fine": "function", "nothing": None}


def test_a_cell_whose_events_are_the_wrong_shape_is_blamed_and_the_others_run():
    forger = ("import sys\n_wire = sys.modules['wire']\n_write = _wire.write_frame\n"
              "def _forge(fd, value):\n"
              "    if isinstance(value, dict) and value.get('event') == 'cell_end' and value.get('index') == 1:\n"
              "        value = {**value, 'index': 999, 'error': 'not an object'}\n"
              "    return _write(fd, value)\n"
              "_wire.write_frame = _forge\n")
    with session_of(forger, "x = 1", "def f():\n    return 2") as s:
        s.start()
        assert [s.cells[i].status for i in range(3)] == ["ok", "protocol", "ok"]
        assert s.cells[1].message == ("sent something the grader cannot accept: a reply of the wrong shape (a "
                                      "cell_end for cell 999, which was not running)")
        assert s.call("f") == 2


SLOW = "import time\ndef slow(seconds):\n    time.sleep(seconds)\n    return seconds\n"


@pytest.mark.timeout(120)  # a hang guard
def test_an_exercise_budget_stops_calls_that_each_stay_under_the_limit():
    with session_of(SLOW, timeout=2, exercise_budget=1.5) as s:  # 3 s for each exercise's calls together
        s.start()
        s.charge_to("q04")
        assert s.call("slow", 1.2) == 1.2 and s.call("slow", 1.2) == 1.2  # 2.4 s of 3
        with pytest.raises(StudentTimeout) as stopped:
            s.call("slow", 1.2)
        assert str(stopped.value) == "ran past this exercise's time budget (3 s in all, over every check of it)"
        with pytest.raises(StudentTimeout) as refused:
            s.call("slow", 0)
        assert str(refused.value) == ("was not called: this exercise's time budget (3 s in all, over every check "
                                      "of it) was used up")
        assert s.budget_stops == {"q04": "this exercise's time budget (3 s in all, over every check of it)"}
        s.charge_to("q05")
        assert s.call("slow", 1.2) == 1.2  # each exercise has a budget of its own


def test_a_request_that_asks_for_a_longer_limit_gets_a_budget_to_match():
    with session_of(SLOW, timeout=2, exercise_budget=1.5) as s:
        s.start()
        s.charge_to("fr1")
        assert s.exercise_budget("fr1") == 3
        assert s.call("slow", 0, timeout=300) == 0  # a training run's own limit
        assert s.exercise_budget("fr1") == 450


@pytest.mark.timeout(120)  # a hang guard
def test_a_submission_budget_stops_every_exercise_once_it_is_spent():
    with session_of(SLOW, timeout=3, submission_seconds=4) as s:
        s.start()
        s.charge_to("q04")
        assert s.call("slow", 1.5) == 1.5
        s.charge_to("q05")
        assert s.call("slow", 1.5) == 1.5  # 3 s of 4
        s.charge_to("q06")
        with pytest.raises(StudentTimeout, match=r"^ran past this submission's time budget \(4 s in all, over "
                                                 r"every exercise\)$"):
            s.call("slow", 1.5)
        s.charge_to("q07")
        with pytest.raises(StudentTimeout, match="^was not called: this submission's time budget"):
            s.call("slow", 0)
        assert set(s.budget_stops) == {"q06", "q07"}


@pytest.mark.timeout(120)  # a hang guard
def test_a_notebook_out_of_time_blames_only_the_cell_that_was_running():
    cells = ["def f():\n    return 1\n"] + ["import time\ntime.sleep(0.4)\n"] * 12
    with session_of(*cells, timeout=1, max_restarts=0) as s:  # 1 s a cell, 3 s for the notebook
        s.start()
        statuses = [s.cells[i].status.value for i in range(len(cells))]
        stopped = statuses.index("timeout")
        assert 5 <= stopped <= 9, statuses  # the cell running when the 3 s ran out (at about 3.0 / 0.4)
        assert statuses == ["ok"] * stopped + ["timeout"] + ["not_run"] * (len(cells) - stopped - 1)
        assert s.cells[stopped].message == ("was still running when the notebook had used up its 3 s in all (each "
                                            "cell may take 1 s): it was stopped there, and the cells after it were "
                                            "not run")
        assert s.cells[stopped + 1].message == ("not run: the notebook had used up its 3 s in all (each cell may "
                                                "take 1 s) before this cell")
        assert s.call("f") == 1  # the cells before it ran again, without it
