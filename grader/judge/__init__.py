"""The judge, in the trusted process: the suite author's API, the backend protocol, the pytest plugin and runner, choice keys, written-answer rubrics, and the one place a verdict is made."""
