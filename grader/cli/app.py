"""The ``grader`` command group; each command lives in the module of the people it serves."""
from __future__ import annotations

import click

from grader import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
def main():
    """Grade chapter 4 of fast.ai's book (MNIST basics): self-checks for students, bulk grading for instructors."""
