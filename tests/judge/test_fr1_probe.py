"""FR1's learning-rate case follows the gradient it computes itself: a sandbox that reports steps matching a
gradient it also reports (a Learner that does nothing, with a forged reply) fails; the true steps pass."""
from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import pytest
import torch

from grader.config import REPO_ROOT
from grader.data import load_sample
from grader.judge.api import Failure

_spec = importlib.util.spec_from_file_location("fr1_hidden", REPO_ROOT / "solutions" / "fr1" / "test_hidden.py")
fr1 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fr1)


class ProbeLab:
    """The lab a case sees, with lr_probe's reply chosen by the test."""

    def __init__(self, reply):
        self.put, self.secret = fr1.sample_split(load_sample())
        self.submission = SimpleNamespace(exercise=SimpleNamespace(harness=REPO_ROOT / "exercises" / "fr1" /
                                                                   "harness.py"))
        self.reply = reply

    def run(self, function, **params):
        assert function == "lr_probe"
        return self.reply


def test_steps_that_follow_the_true_gradient_pass():
    g = fr1.own_gradient(ProbeLab(None))
    fr1.test_fit_uses_its_learning_rate(ProbeLab({"gradient": g, "deltas": [0 * g, -0.5 * g, -1.0 * g]}))


def test_steps_that_follow_a_reported_gradient_of_their_own_fail():
    forged = torch.full_like(fr1.own_gradient(ProbeLab(None)), 0.01)
    lab = ProbeLab({"gradient": forged, "deltas": [0 * forged, -0.5 * forged, -1.0 * forged]})
    with pytest.raises(Failure) as failed:
        fr1.test_fit_uses_its_learning_rate(lab)
    assert "proportional to lr but is not -lr × the gradient" in failed.value.message
