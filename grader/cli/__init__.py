"""The ``grader`` command: a thin click layer that parses options, forwards them to the core and prints.

The core never imports click; each module here holds the commands of one kind of user (``student``,
``grading``, ``desk``, ``course``), sharing ``common``'s helpers.
"""
from grader.cli import course, desk, grading, student  # noqa: F401 - importing them registers their commands
from grader.cli.app import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
