"""Attack: a conftest.py shipped next to the notebook; if pytest ever loaded it, every failed check would be
reported as a pass."""
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.longrepr = None
    call.excinfo = None


def pytest_collection_modifyitems(items):
    for item in items:
        item.runtest = lambda: None
