"""Wall time and peak memory of a process tree: how ``bench/bulk.py`` times every line it compares."""
from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path


class TreeMemory(threading.Thread):
    """Samples the summed RSS and PSS of a process tree (root pids and their descendants) until stopped."""

    def __init__(self, roots: list[int], interval: float = 0.25):
        super().__init__(daemon=True)
        self.roots, self.interval = set(roots), interval
        self.peak_rss_mb = self.peak_pss_mb = self.peak_process_rss_mb = 0.0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)

    def sample(self) -> None:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read()
                ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
        tree, todo = set(), list(self.roots)
        while todo:
            pid = todo.pop()
            if pid not in tree:
                tree.add(pid)
                todo.extend(children.get(pid, []))
        rss = pss = 0.0
        for pid in tree:
            r, p = _rss_pss_kb(pid)
            rss, pss = rss + r, pss + p
            self.peak_process_rss_mb = max(self.peak_process_rss_mb, r / 1024)
        self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
        self.peak_pss_mb = max(self.peak_pss_mb, pss / 1024)


def _rss_pss_kb(pid: int) -> tuple[float, float]:
    rss = pss = 0.0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = float(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = float(line.split()[1])
    except OSError:
        pass
    return rss, pss


def run_timed(cmds: list[list[str]], log: Path, timeout: float, env=None, cwd=None) -> dict:
    """Start every command at once, wait for all; wall time, exit statuses and the tree's peak memory."""
    began = time.perf_counter()
    with open(log, "w") as out:
        procs = [subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd) for cmd in cmds]
        memory = TreeMemory([p.pid for p in procs])
        memory.start()
        codes = []
        try:
            for p in procs:
                codes.append(p.wait(timeout=max(1.0, timeout - (time.perf_counter() - began))))
        except subprocess.TimeoutExpired:
            for p in procs:
                p.kill()
            codes = [p.wait() for p in procs]
            codes.append(-9)
        finally:
            memory.stop()
    return {"wall": time.perf_counter() - began, "codes": codes, "peak_rss_mb": round(memory.peak_rss_mb, 1),
            "peak_pss_mb": round(memory.peak_pss_mb, 1),
            "peak_process_rss_mb": round(memory.peak_process_rss_mb, 1)}
