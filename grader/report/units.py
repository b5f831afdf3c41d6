"""Units for the numbers in ``SubmissionResult.timings``: seconds, plus counts, sizes and flags named by key."""

COUNTS = ("restarts", "threads", "requests")  # key suffixes of whole numbers
FLAGS = ("warm_start",)  # keys of yes/no values stored as 1/0


def timing(key: str, value: float) -> str:
    if key.endswith("_mb"):
        return f"{value:.0f} MB"
    if key.endswith(COUNTS):
        return f"{int(value)}"
    if key in FLAGS:
        return "yes" if value else "no"
    return f"{value:.2f} s"
