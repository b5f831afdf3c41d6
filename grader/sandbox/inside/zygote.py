"""The sandbox side of a warm start: a process that has imported torch once and forks a fresh sandbox per request.

This file runs *inside* the sandbox (next to ``worker.py`` and ``wire.py``) and imports only the standard
library.  It never runs student code itself and never holds a secret; it only forks.

Why forking stays safe.  ``import torch`` costs about a second; a fork costs milliseconds.  But a forked child
shares its parent's namespaces, so each fork walls itself off again before any student code runs:

* the intermediate child ``A`` makes a new user, mount, network, IPC, UTS and PID namespace (nested inside the
  bubblewrap sandbox the zygote already lives in), mounts fresh size-capped tmpfs on ``/tmp``,
  ``/sandbox/work`` and ``/dev/shm``, the only writable places (the rest of the view is read only), so nothing
  one submission writes is visible to the next; then it forks ``B``;
* ``B`` is PID 1 of its own PID namespace: it drops every capability, forbids new privileges and forks ``C``,
  the sandbox proper, then only reaps and reports; when ``B`` dies the kernel ends everything in the namespace;
* ``C`` can neither see nor signal other submissions; it takes the pipes the grader sent, closes every other
  descriptor, sets its resource limits, raises the walls of ``walls.py`` (a seccomp filter; outside
  namespaces also Landlock and the privilege drop), re-seeds the random generators a fork would otherwise share, and then
  serves requests exactly like a cold-started worker (as an ordinary process, so signals such as ``SIGXCPU``
  act on it as they would on a cold one);
* the zygote is non-dumpable, and so are its children, so no sandbox can read or trace another's memory (or the
  zygote's, to poison later forks) through ``/proc``.

``A`` reports ``B``'s PID on a status pipe (so the grader can find it, bound its memory and kill it) and leaves;
``B`` later writes ``C``'s wait status on the same pipe (so the grader can say *how* the sandbox ended).

Protocol on the control socket (``AF_UNIX``, ``SOCK_SEQPACKET``): the grader sends one JSON message with four
descriptors attached (request read end, reply write end, output write end, status write end)::

    {"op": "fork", "isolate": true, "tmp_mb": 512, "rlimits": {"RLIMIT_CPU": [900, 905], ...},
     "workdir": null, "walls": {"seccomp": true, "landlock": null, ...}}

and the zygote answers ``{"ok": <pid of A>}`` or ``{"error": "..."}``.  ``{"op": "ping"}`` answers
``{"ok": "pong", "pid": <pid>}``.
"""
from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import socket
import sys
import time

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 0x1000, 0x4000, 1 << 18
PR_SET_DUMPABLE = 4

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


FRESH = (b"/tmp", b"/sandbox/work", b"/dev/shm")  # the only writable places; all else is read only


def isolate(tmp_mb: int, keep: list[str] = ()) -> None:
    """In the calling process: new namespaces, then private tmpfs where the sandbox may write.

    *keep* are read-only folders the interpreter needs that lie under one of those places (a virtualenv under
    /tmp, say): they are held open before the fresh tmpfs covers them, then bound back at the same path."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID),
           "unshare")
    with open("/proc/self/setgroups", "w") as fh:
        fh.write("deny")
    with open("/proc/self/uid_map", "w") as fh:
        fh.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as fh:
        fh.write(f"{gid} {gid} 1")
    _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make mounts private")
    held = [(path, os.open(path, os.O_PATH | os.O_CLOEXEC)) for path in keep]
    options = f"size={int(tmp_mb)}m,mode=1777".encode()
    for target in FRESH:
        _check(_libc.mount(b"tmpfs", target, b"tmpfs", MS_NOSUID | MS_NODEV, options), f"mount {target.decode()}")
    for path, fd in held:  # a bind keeps the read-only flag of the mount it copies
        os.makedirs(path, exist_ok=True)
        _check(_libc.mount(f"/proc/self/fd/{fd}".encode(), path.encode(), None, MS_BIND | MS_REC, None),
               f"bind {path}")
        os.close(fd)
    os.chdir("/sandbox/work")  # the new tmpfs, not the directory it now covers
    _libc.sethostname(b"sandbox", 7)


def drop_privileges(namespaced: bool) -> None:
    """No capability survives into student code, and nothing can grant one back (setuid files, file caps)."""
    import walls

    walls.no_new_privs()
    if namespaced:
        walls.drop_capabilities()


def _limit(rlimits: dict) -> None:
    for name, (soft, hard) in rlimits.items():
        resource.setrlimit(getattr(resource, name), (int(soft), int(hard)))


def _reseed() -> None:
    """A fork shares its parent's generator states; a fresh process would not."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
    torch = sys.modules.get("torch")
    if torch is not None:  # a fresh process's torch seeds itself from the OS too
        torch.seed()


def _child(request: dict, fds: list[int], serve) -> None:
    """Process A: wall off, fork B, report B's PID, leave.  Never returns."""
    req_r, rep_w, out_w, status_w = fds
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        namespaced = bool(request.get("isolate"))
        if namespaced:
            isolate(int(request.get("tmp_mb", 512)), request.get("keep", []))
        elif request.get("workdir"):
            os.chdir(request["workdir"])
            os.environ["HOME"] = os.environ["TMPDIR"] = request["workdir"]
        pid = os.fork()
        if pid == 0:
            _init(request, fds, namespaced, serve)
        os.write(status_w, f"pid {pid}\n".encode())
    except BaseException as exc:  # noqa: BLE001 - the grader must hear why, then fall back to a cold start
        try:
            os.write(status_w, f"error {type(exc).__name__}: {exc}\n".encode()[:1000])
        except OSError:
            pass
        code = 1
    os._exit(code)


def _init(request: dict, fds: list[int], namespaced: bool, serve) -> None:
    """Process B: PID 1 of the new namespace.  It runs no student code: it forks the sandbox (C), reaps what
    the sandbox leaves behind, and writes the sandbox's wait status on the status pipe.  When B dies (or is
    killed by the grader) the kernel ends every process of the namespace.  Never returns."""
    req_r, rep_w, out_w, status_w = fds
    try:
        drop_privileges(namespaced)
        pid = os.fork()
    except BaseException as exc:  # noqa: BLE001
        os.write(status_w, f"exit {70 << 8}\n".encode())
        os.write(2, f"sandbox setup failed: {type(exc).__name__}: {exc}\n".encode())
        os._exit(70)
    if pid == 0:
        os.close(status_w)
        _sandbox(request, req_r, rep_w, out_w, serve)
    for fd in (req_r, rep_w, out_w):
        os.close(fd)
    # Outside namespaces nothing ends the sandbox when the grader dies (inside, bubblewrap's PID namespace
    # does): the zygote dies with the grader, so B watches the zygote and takes the sandbox down with it.
    zygote = None if namespaced else request.get("zygote_pid")
    if zygote:
        os.setpgid(0, 0)  # out of the zygote's process group, so killing that group leaves B to clean up
    while True:
        try:
            done, status = os.waitpid(-1, os.WNOHANG if zygote else 0)
        except ChildProcessError:
            os._exit(0)
        except InterruptedError:
            continue
        if done == pid:
            os.write(status_w, f"exit {status}\n".encode())
            os._exit(0)
        if zygote and done == 0:
            try:
                os.kill(zygote, 0)
            except ProcessLookupError:
                os.killpg(pid, signal.SIGKILL)  # C leads its own session and process group
                os._exit(0)
            time.sleep(0.1)


def _sandbox(request: dict, req_r: int, rep_w: int, out_w: int, serve) -> None:
    """Process C: the sandbox proper, where student code runs.  Never returns."""
    try:
        os.setsid()
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        keep = {0, 1, 2, req_r, rep_w}
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass
        _limit(request.get("rlimits", {}))
        import walls

        walls.apply(request.get("walls"))
        _reseed()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    except BaseException as exc:  # noqa: BLE001 - never run student code half walled-off
        os.write(2, f"sandbox setup failed: {type(exc).__name__}: {exc}\n".encode())
        os._exit(70)
    serve(req_r, rep_w)
    os._exit(0)


def serve_forks(control_fd: int, serve) -> None:
    """The zygote's loop: one fork per request until the grader closes the socket."""
    _check(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "make the zygote non-dumpable")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # intermediates are reaped by the kernel
    sock = socket.socket(fileno=control_fd)
    sock.sendall(json.dumps({"event": "ready", "pid": os.getpid(), "python": sys.version.split()[0]}).encode())
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(sock, 65536, 8)
        except OSError:
            break
        if not message:
            break
        try:
            request = json.loads(message)
        except ValueError:
            request = {}
        if request.get("op") == "ping":
            sock.sendall(json.dumps({"ok": "pong", "pid": os.getpid()}).encode())
            continue
        if request.get("op") != "fork" or len(fds) != 4:
            for fd in fds:
                os.close(fd)
            sock.sendall(json.dumps({"error": "expected a fork request with four descriptors"}).encode())
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as exc:
            for fd in fds:
                os.close(fd)
            sock.sendall(json.dumps({"error": f"fork failed: {exc}"}).encode())
            continue
        if pid == 0:
            sock.close()
            request["zygote_pid"] = os.getppid()
            _child(request, fds, serve)
        for fd in fds:
            os.close(fd)
        sock.sendall(json.dumps({"ok": pid}).encode())
    os._exit(0)
