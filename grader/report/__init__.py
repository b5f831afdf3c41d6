"""Renderers of a :class:`grader.results.SubmissionResult`: terminal text, HTML, JSON and the CSV gradebook.

Each is a pure function of the result (the writers add only an atomic file write), so every output agrees.
"""
from .gradebook import write_gradebook_csv
from .html import render_html
from .jsonout import to_json, write_result
from .terminal import render_terminal

__all__ = ["render_terminal", "render_html", "to_json", "write_result", "write_gradebook_csv"]
