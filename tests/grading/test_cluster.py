"""Grading on a real Dask cluster on 127.0.0.1: a scheduler and two worker processes, each with its own grading
loop.  The same class graded locally at -j 2 must get the same results; a killed worker costs only time; a
submission that kills every worker it lands on is that submission's grader error; no scheduler is a clear error."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

distributed = pytest.importorskip("distributed", reason="the Dask extra is not installed (pip install -e '.[dask]')")

from grader.config import load_settings  # noqa: E402
from grader.grading import cluster  # noqa: E402
from grader.grading.batch import grade_many  # noqa: E402
from grader.grading.store import Gradebook  # noqa: E402

RIGHT = "def double_odds(nums):\n    return [2 * n for n in nums if n % 2 == 1]\n"
WRONG = "def double_odds(nums):\n    return [2 * n for n in nums]\n"
CLASS = {
    "good": RIGHT,
    "bad": WRONG,
    "missing": "x = 1\n",
    "hostile": "import os\nos._exit(3)\n" + RIGHT,  # ends its own sandbox: the grader must not care
    "endless": "while True:\n    pass\n",
}


@pytest.fixture(scope="module")
def dask_cluster():
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 1, "distributed.worker.daemon": False}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=None, silence_logs=50) as running:
            yield running


def make_class(folder, students=CLASS):
    folder.mkdir(parents=True, exist_ok=True)
    for name, code in students.items():
        (folder / f"{name}.py").write_text(code)
    return folder


def summary(batch) -> dict:
    return {g.result.submission: (g.result.score, [(e.id, e.outcome.value, e.score) for e in g.result.exercises],
                                  bool(g.result.grader_errors)) for g in batch.graded}


@pytest.mark.timeout(600)
def test_a_class_on_the_cluster_gets_what_the_local_pool_gives(dask_cluster, tmp_path):
    folder = make_class(tmp_path / "class")
    settings = load_settings(timeout=10)
    local = grade_many([folder], tmp_path / "local", settings, exercise_ids=["q04"], jobs=2)
    notes = []
    remote = grade_many([folder], tmp_path / "remote", settings, exercise_ids=["q04"],
                        scheduler=dask_cluster.scheduler_address, on_note=notes.append)
    assert summary(remote) == summary(local)
    assert summary(remote)["good"][0] == 2.0 and summary(remote)["endless"][0] == 0.0
    assert any("2 Dask worker(s)" in n for n in notes)
    with Gradebook(tmp_path / "remote" / "gradebook.db") as book:  # recorded here, one row per student
        assert sorted(g.student.student for g in book.current()) == sorted(CLASS)
    again = grade_many([folder], tmp_path / "remote", settings, exercise_ids=["q04"],
                       scheduler=dask_cluster.scheduler_address)
    assert again.graded == [] and sorted(again.skipped) == sorted(CLASS)  # resume: nothing changed, nothing redone


@pytest.mark.timeout(600)
def test_a_worker_killed_mid_task_costs_only_time(dask_cluster, tmp_path):
    folder = make_class(tmp_path / "class", {"slow": "import time\ntime.sleep(6)\n" + RIGHT, "good": RIGHT})
    client = distributed.Client(dask_cluster.scheduler_address, set_as_default=False)
    killed = []

    def kill_the_busy_worker():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            for address, tasks in client.processing().items():
                if any("slow" in str(t) for t in tasks):
                    pid = client.run(os.getpid, workers=[address])[address]
                    time.sleep(1.0)  # well inside the sandbox's sleep
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
            time.sleep(0.2)

    killer = threading.Thread(target=kill_the_busy_worker)
    killer.start()
    try:
        batch = grade_many([folder], tmp_path / "out", load_settings(timeout=30), exercise_ids=["q04"],
                           scheduler=dask_cluster.scheduler_address)
    finally:
        killer.join()
        client.close()
    assert killed, "the test never saw the slow submission on a worker"
    scores = {g.result.submission: (g.result.score, g.result.grader_errors) for g in batch.graded}
    assert scores == {"slow": (2.0, []), "good": (2.0, [])}


def poison_task(job):
    """A task that kills the worker process it runs on for one student (what a grader-crashing file would do)."""
    if job.student == "poison":
        os._exit(1)
    return cluster.grade_on_worker(job)


@pytest.mark.timeout(600)
def test_a_submission_that_kills_every_worker_is_its_own_grader_error(dask_cluster, tmp_path):
    import cloudpickle

    cloudpickle.register_pickle_by_value(__import__(__name__))  # the workers cannot import this test module
    folder = make_class(tmp_path / "class", {"poison": RIGHT, "good": RIGHT})
    settings = load_settings(timeout=10)
    recorded = []
    cluster.run([job for job in _jobs(folder)], settings, scheduler=dask_cluster.scheduler_address,
                exercise_ids=["q04"], on_done=recorded.append, task=poison_task)
    by_student = {done.task.student: done for done in recorded}
    assert by_student["good"].result["score"] == 2.0
    assert by_student["poison"].result is None
    assert "killed 2 grading workers" in by_student["poison"].error


def _jobs(folder):
    from grader.grading.worker import GradingJob

    return [GradingJob(n, str(path), path.stem) for n, path in enumerate(sorted(folder.glob("*.py")))]


@pytest.mark.timeout(120)
def test_no_scheduler_at_the_address_is_a_clear_error_and_records_nothing(tmp_path):
    import dask

    folder = make_class(tmp_path / "class", {"good": RIGHT})
    with dask.config.set({"distributed.comm.timeouts.connect": "3s"}):
        with pytest.raises(cluster.ClusterError, match="could not be reached"):
            grade_many([folder], tmp_path / "out", load_settings(), exercise_ids=["q04"],
                       scheduler="tcp://127.0.0.1:9")
    with Gradebook(tmp_path / "out" / "gradebook.db") as book:
        assert list(book.current()) == []


def test_cuda_tasks_ask_for_a_gpu_worker_and_cpu_tasks_go_anywhere():
    assert cluster.task_resources(load_settings(device="cuda")) == {"GPU": 1}
    assert cluster.task_resources(load_settings(device="cpu")) is None


@pytest.mark.timeout(300)
def test_a_scheduler_that_goes_away_stops_the_batch_and_keeps_what_was_recorded(tmp_path):
    import dask

    students = {"a_quick": RIGHT, **{f"slow{n}": "import time\ntime.sleep(20)\n" + RIGHT for n in range(3)}}
    folder = make_class(tmp_path / "class", students)
    with dask.config.set({"distributed.comm.timeouts.connect": "3s"}):
        short_lived = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                               dashboard_address=None, silence_logs=50)

        def close_after_the_first(graded, n, total):
            threading.Thread(target=short_lived.close).start()

        try:
            with pytest.raises(cluster.ClusterError, match="went away"):
                grade_many([folder], tmp_path / "out", load_settings(timeout=60), exercise_ids=["q04"],
                           scheduler=short_lived.scheduler_address, on_done=close_after_the_first)
        finally:
            short_lived.close()
    with Gradebook(tmp_path / "out" / "gradebook.db") as book:  # the first result stays recorded, whole
        recorded = list(book.current())
    assert len(recorded) == 1 and recorded[0].result.score == 2.0
