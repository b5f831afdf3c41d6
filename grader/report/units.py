"""Units for the numbers in ``SubmissionResult.timings``: seconds, plus counts and sizes named by suffix."""


def timing(key: str, value: float) -> str:
    if key.endswith("_mb"):
        return f"{value:.0f} MB"
    if key.endswith("restarts"):
        return f"{int(value)}"
    return f"{value:.2f} s"
