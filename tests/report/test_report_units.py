"""Every number a report shows from ``timings`` carries the right unit."""
import pytest

from grader.report.units import timing


@pytest.mark.parametrize("key, value, shown", [
    ("total", 1.234, "1.23 s"),
    ("sandbox_start", 0.04, "0.04 s"),
    ("peak_rss_mb", 198.4, "198 MB"),
    ("sandbox_restarts", 2, "2"),
    ("grader_threads", 1, "1"),
    ("sandbox_requests", 459, "459"),
    ("sandbox_wait", 0.4567, "0.46 s"),
    ("warm_start", 1, "yes"),
    ("warm_start", 0, "no"),
])
def test_each_timing_key_is_shown_with_its_unit(key, value, shown):
    assert timing(key, value) == shown
