"""mnist-grader: grade chapter 4 of fast.ai's book (MNIST basics) safely, from a notebook or in bulk.

``from grader import check`` gives the notebook self-check (:func:`grader.selfcheck.check`); it is imported on
first use, so importing ``grader`` stays cheap (no torch, no pytest).
"""
__version__ = "0.1.0"
__all__ = ["check", "__version__"]


def __getattr__(name: str):
    if name == "check":
        from grader.selfcheck import check

        return check
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
