"""Grading on a Dask cluster: the same grading loop as a local worker's, on every Dask worker.

Each Dask worker process gets a :class:`GradingLoop` plugin that runs :func:`grader.grading.worker.work` on a
thread of its own for the worker's whole life: one warm zygote, one pytest session holding the batch's suites,
the data loaded once.  A task only hands its submission to that loop and waits for the graded result, so a task
costs what grading costs, not a zygote's boot and a pytest collection.

The coordinator (this process) stays the single writer of ``gradebook.db``: results come back as tasks finish
and each is recorded by the caller, in its own transaction.  Faults are Dask's to handle and ours to name: a
worker killed mid-task has its task run again on another worker; a submission that kills every worker it lands
on (Dask's ``allowed-failures``) is recorded as that submission's grader error; a scheduler that goes away stops
the batch with a clear message, and everything recorded so far stays recorded.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from grader.config import Settings
from grader.grading.worker import GradedJob, GradingJob, work

PLUGIN = "mnist-grader-loop"
GPU = "GPU"  # the resource GPU workers are started with: dask worker ... --resources GPU=1


class ClusterError(RuntimeError):
    """The cluster cannot be reached or went away; what was recorded stays recorded."""


def _plugin_base():
    """Dask's WorkerPlugin, or a plain base where Dask is not installed (then :func:`run` says how to get it)."""
    try:
        from distributed.diagnostics.plugin import WorkerPlugin
    except ImportError:
        return object
    return WorkerPlugin


class GradingLoop(_plugin_base()):
    """The grading loop of one Dask worker, started when the plugin is registered, stopped with the worker."""

    name = PLUGIN

    def __init__(self, settings: Settings, exercise_ids, python, warm: bool, threads: int = 1):
        self.settings, self.exercise_ids, self.python, self.warm = settings, exercise_ids, python, warm
        self.threads = threads

    def setup(self, worker) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._replies: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.cold_reason = ""
        self._thread = threading.Thread(target=self._loop, name="grader-loop", daemon=True)
        self._thread.start()

    def teardown(self, worker) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=30)

    def grade(self, job: GradingJob) -> GradedJob:
        """Grade *job* on this worker's loop (one at a time, in the order asked) and return the result."""
        reply: queue.Queue = queue.Queue(maxsize=1)
        with self._lock:
            self._replies[job.index] = reply
        self._jobs.put(job)
        done = reply.get()
        if isinstance(done, BaseException):
            raise done
        return done

    def _loop(self) -> None:
        def deliver(done: GradedJob) -> None:
            with self._lock:
                reply = self._replies.pop(done.task.index)
            reply.put(done)

        try:
            work(self.settings, self.exercise_ids, self.python, warm=self.warm, threads=self.threads,
                 next_task=self._jobs.get, deliver=deliver,
                 ready=lambda why_cold: setattr(self, "cold_reason", why_cold))
        except BaseException as exc:  # noqa: BLE001 - every waiting task must hear why, not hang
            with self._lock:
                waiting, self._replies = list(self._replies.values()), {}
            for reply in waiting:
                reply.put(RuntimeError(f"the grading loop stopped: {type(exc).__name__}: {exc}"))


def grade_on_worker(job: GradingJob) -> GradedJob:
    """The task Dask runs: hand *job* to this worker's grading loop."""
    from distributed import get_worker

    return get_worker().plugins[PLUGIN].grade(job)


def run(jobs: list[GradingJob], settings: Settings, *, scheduler: str, exercise_ids=None,
        python: str | None = None, warm: bool = True, on_done: Callable[[GradedJob], None],
        on_note: Callable[[str], None] | None = None, task: Callable = grade_on_worker) -> None:
    """Grade *jobs* on the cluster at *scheduler*, calling ``on_done`` (here) as each result comes back.

    Tasks that need CUDA go only to workers with the ``GPU`` resource (:func:`task_resources`)."""
    try:
        from distributed import Client, KilledWorker, as_completed
    except ImportError:
        raise ClusterError("--scheduler needs Dask: pip install -e \".[dask]\" (the distributed package)") from None
    import dask

    note = on_note or (lambda _text: None)
    try:  # how long to keep trying is Dask's own setting, distributed.comm.timeouts.connect
        client = Client(scheduler, timeout=dask.config.get("distributed.comm.timeouts.connect"), set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, CommClosedError: all mean "not reachable"
        raise ClusterError(f"the Dask scheduler at {scheduler} could not be reached: {exc}") from None
    try:
        workers = client.scheduler_info().get("workers", {})
        note(f"grading on {len(workers)} Dask worker(s) at {scheduler}")
        client.register_plugin(GradingLoop(settings, exercise_ids, python, warm), name=PLUGIN)
        resources = task_resources(settings)
        pending = {client.submit(task, job, pure=False, resources=resources, key=f"grade-{job.index}-{job.student}"):
                   job for job in jobs}
        for future in as_completed(list(pending), loop=client.loop):
            job = pending.pop(future)
            try:
                on_done(future.result())
            except KilledWorker as exc:
                on_done(GradedJob(job, None, "", f"the submission killed {_deaths(exc)} grading workers it was "
                                                 "given to, so it was not graded again"))
            except Exception as exc:  # noqa: BLE001 - a lost scheduler, or the loop's own failure
                if client.status != "running":
                    raise ClusterError(f"the Dask scheduler at {scheduler} went away: {exc}") from None
                on_done(GradedJob(job, None, "", f"{type(exc).__name__}: {exc}"))
            finally:
                future.release()
    except ClusterError:
        raise
    except OSError as exc:
        raise ClusterError(f"the Dask scheduler at {scheduler} went away: {exc}") from None
    finally:
        client.close(timeout=10)


def task_resources(settings: Settings) -> dict | None:
    """A CUDA batch's tasks need a worker started with ``--resources GPU=1``; a CPU batch's go anywhere."""
    return {GPU: 1} if settings.device.startswith("cuda") else None


def _deaths(exc) -> int:
    """How many workers died holding the task, as the scheduler counted them."""
    import dask

    return int(getattr(exc, "allowed_failures", 0) or dask.config.get("distributed.scheduler.allowed-failures")) + 1
