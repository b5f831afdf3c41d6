"""A batch's spare sandbox: started ahead on a helper thread, yet as fresh and as walled off as one started on
demand, used by one session only, and leaving no process or cgroup behind."""
import os
import time
from pathlib import Path

import pytest

from grader.config import Limits
from grader.sandbox import isolation
from grader.sandbox.limits import PidsCgroup
from grader.sandbox.session import Session
from grader.sandbox.spare import Spare
from grader.sandbox.warm import Zygote
from grader.submission import Cell, Submission

pytestmark = pytest.mark.skipif(isolation.detect().level != isolation.NAMESPACES,
                                reason="bubblewrap namespaces are not available on this machine")

LIMITS = Limits(timeout=20)
LEAVES_STATE = """
import os
secret = "from the first submission"
open("/tmp/left-behind", "w").write(secret)
def look():
    return {"pid": os.getpid(), "tmp": sorted(os.listdir("/tmp")), "uid": os.getuid()}
"""
LOOKS = """
import os
def look():
    return {"pid": os.getpid(), "tmp": sorted(os.listdir("/tmp")), "uid": os.getuid(),
            "secret": globals().get("secret")}
"""


def submission(name, *sources):
    """A submission of plain code cells, as the loader would give it."""
    return Submission(name, f"{name}.py", "", "py", cells=[Cell(i, source) for i, source in enumerate(sources)])


@pytest.fixture(scope="module")
def zygote():
    with Zygote(LIMITS) as z:
        yield z


@pytest.fixture
def spare(zygote):
    made = Spare(LIMITS, "cpu", None, zygote)
    yield made
    made.close()


def graded(sub, zygote, spare):
    session = Session(sub, LIMITS, "cpu", 1, None, zygote=zygote, spare=spare)
    session.start()
    return session


def our_cgroups() -> list[Path]:
    """pids cgroups this test process created and has not removed."""
    found = []
    for root in PidsCgroup.ROOTS:
        found += root.glob(f"mnist-grader-{os.getpid()}-*") if root.is_dir() else []
    return found


def test_each_session_takes_a_fresh_warm_sandbox_that_was_started_ahead(zygote, spare):
    first = graded(submission("first", LEAVES_STATE), zygote, spare)
    try:
        seen_first = first.call("look")
    finally:
        first.close()
    second = graded(submission("second", LOOKS), zygote, spare)
    try:
        seen_second = second.call("look")
        assert second.timings["sandbox_ahead"] == 1 and second.warm
    finally:
        second.close()
    assert first.timings["sandbox_ahead"] == 1 and spare.taken == 2
    assert "left-behind" in seen_first["tmp"] and "left-behind" not in seen_second["tmp"]
    assert seen_second["secret"] is None and seen_second["uid"] == 65534


def test_a_session_with_other_settings_starts_its_own(zygote, spare):
    other = Limits(timeout=21)
    session = Session(submission("other", LOOKS), other, "cpu", 1, None, zygote=zygote, spare=spare)
    session.start()
    try:
        assert "sandbox_ahead" not in session.timings and session.warm
        assert session.call("look")["uid"] == 65534
    finally:
        session.close()
    assert spare.taken == 0


def test_a_restart_after_a_crash_starts_a_sandbox_of_its_own(zygote, spare):
    crashes = submission("crashes", "import os\nos._exit(3)", LOOKS)
    session = graded(crashes, zygote, spare)
    try:
        assert session.restarts == 1 and session.cells[0].status == "died"
        assert session.call("look")["secret"] is None
    finally:
        session.close()
    assert spare.taken == 1  # the first start only: the next submission's spare was not used up


def test_closing_leaves_no_sandbox_and_no_cgroup(zygote):
    spare = Spare(LIMITS, "cpu", None, zygote)
    session = graded(submission("one", LOOKS), zygote, spare)
    pids = [session._proc.proc.pid]
    session.close()
    spare._thread.join()  # the next spare is started; close must stop it too
    pids.append(spare._ready.proc.pid)
    spare.close()
    time.sleep(0.05)
    assert all(not Path(f"/proc/{pid}").exists() or "Z" in _state(pid) for pid in pids)
    assert our_cgroups() == []
    assert spare.take(LIMITS, "cpu", None) is None  # closed: sessions start their own


def _state(pid) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0]
    except OSError:
        return "Z"
