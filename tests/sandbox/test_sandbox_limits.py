"""What the sandbox's limits count, measured on real processes."""
import os
import signal
import subprocess
import sys

import pytest

from grader.sandbox.host.limits import task_count, tree_pids

SPAWNER = """
import subprocess, threading, time
children = [subprocess.Popen(["sleep", "30"]) for _ in range(2)]
for _ in range(3):
    threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
print("ready", flush=True)
time.sleep(30)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_task_count_counts_every_process_and_thread_of_the_tree():
    proc = subprocess.Popen([sys.executable, "-c", SPAWNER], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        assert len(tree_pids(proc.pid)) == 3  # the spawner and its two children
        assert task_count(proc.pid) == 6  # those three, plus the spawner's three threads
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
