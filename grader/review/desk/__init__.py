"""The instructor's desk (``grader review DIR``): a small local web app for the work after a batch.

One question at a time across the class, flagged answers first, with the evidence and the rubric; keys to accept
or set a score and to comment; code cases overridden from a student's view; regrade requests answered; the late
penalty shown.  It runs in the trusted grading side only, on 127.0.0.1 behind a secret token
(:mod:`grader.review.desk.server`), renders plain views of the one result model (:mod:`grader.review.desk.views`)
and writes every decision through :mod:`grader.review.decisions`.
"""
from grader.review.desk.server import Desk, DeskError

__all__ = ["Desk", "DeskError"]
