"""A student's notebook in a sandbox session, started cold and forked warm: the shared setup of the session
tests.  A test module that imports ``zygote`` and ``start`` runs each of its tests both ways."""
from __future__ import annotations

import pytest

from grader.config import Limits
from grader.intake.submission import Cell, Submission
from grader.sandbox.host.session import Session


_START = {"zygote": None}


@pytest.fixture(scope="module")
def zygote():
    from grader.sandbox.host.warm import Zygote

    with Zygote(Limits()) as z:
        yield z


@pytest.fixture(autouse=True, params=["cold", "warm"])
def start(request):
    """Every boundary holds whether the sandbox starts cold or is forked warm from a zygote."""
    _START["zygote"] = request.getfixturevalue("zygote") if request.param == "warm" else None
    yield request.param
    _START["zygote"] = None


def session_of(*sources, max_restarts: int = 3, **limits) -> Session:
    """A session over one cell per source (cell i answers exercise qi), with small limits."""
    sub = Submission("t", "t.py", "", "py", cells=[Cell(i, s, f"q{i:02d}") for i, s in enumerate(sources)])
    return Session(sub, Limits(**{"timeout": 10, "memory_mb": 1024, **limits}), max_restarts=max_restarts,
                   zygote=_START["zygote"])
