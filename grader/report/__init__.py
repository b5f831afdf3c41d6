"""Renderers of a :class:`grader.results.SubmissionResult`: terminal text, HTML, JSON, the CSV gradebook, and the
exports other systems import (a Canvas gradebook CSV, Gradescope's results.json, JUnit XML for CI).

Each is a pure function of the result (the writers add only an atomic file write), so every output agrees.
"""
from .canvas import canvas_csv, write_canvas_csv
from .dashboard import render_dashboard
from .gradebook import write_gradebook_csv
from .gradescope import gradescope_results, write_gradescope
from .html import render_html
from .jsonout import to_json, write_result
from .junit import junit_xml, write_junit
from .terminal import render_terminal

__all__ = ["render_terminal", "render_html", "to_json", "write_result", "write_gradebook_csv", "canvas_csv",
           "write_canvas_csv", "gradescope_results", "write_gradescope", "junit_xml", "write_junit",
           "render_dashboard"]
