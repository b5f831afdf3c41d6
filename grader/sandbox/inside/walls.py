"""Walls a sandbox raises around itself, with the kernel's help, before any student code runs.

This file runs *inside* the sandbox (next to ``worker.py``) and imports only the standard library.  Two layers,
each applied by the sandbox process to itself and inherited by everything it starts; neither can be undone:

* **seccomp**: a small syscall filter.  It refuses (``EPERM``) creating sockets of any kind, tracing or reading
  other processes (``ptrace``, ``process_vm_readv``), mounting, kernel keyrings, BPF, perf events,
  ``userfaultfd``, ``io_uring`` (which could open sockets behind the filter's back), loading kernel modules and
  joining namespaces, and kills the process on a syscall from a foreign ABI (32-bit ``int 0x80`` calls on
  x86-64), the classic way around a filter.  Used at every isolation level where the kernel offers it.
* **Landlock**: an allow-list of paths.  Where namespaces are unavailable, the sandbox can still only read the
  interpreter, its libraries and its own files, and only write in its own work folder; TCP is refused (from
  Landlock ABI 4), and signals and abstract unix sockets cannot reach processes outside the sandbox (ABI 6).

``apply(spec)`` takes the plan the grader computed (``grader.sandbox.host.isolation.walls_spec``)::

    {"seccomp": true, "landlock": {"read": [paths], "write": [paths], "devices": [paths]} or null}

``python walls.py --probe SPEC`` applies *spec* and then tries what it should forbid, printing a JSON verdict:
the grader uses it to learn whether this machine's kernel really enforces the walls.
"""
from __future__ import annotations

import ctypes
import json
import os
import platform
import struct
import sys

PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION, LANDLOCK_RULE_PATH_BENEATH = 1, 1

# Landlock filesystem rights, by the ABI version that introduced them.
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_ABI1 = (1 << 13) - 1
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2

# seccomp: the refused syscalls, by machine; syscalls not in a machine's table are simply not listed.
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
REFUSED = {
    "x86_64": {"socket": 41, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "mount": 165,
               "umount2": 166, "pivot_root": 155, "keyctl": 250, "add_key": 248, "request_key": 249, "bpf": 321,
               "perf_event_open": 298, "userfaultfd": 323, "kexec_load": 246, "kexec_file_load": 320,
               "init_module": 175, "finit_module": 313, "delete_module": 176, "io_uring_setup": 425,
               "io_uring_enter": 426, "io_uring_register": 427, "open_by_handle_at": 304, "setns": 308,
               "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsmount": 432},
    "aarch64": {"socket": 198, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "mount": 40,
                "umount2": 39, "pivot_root": 41, "keyctl": 219, "add_key": 217, "request_key": 218, "bpf": 280,
                "perf_event_open": 241, "userfaultfd": 282, "kexec_load": 104, "kexec_file_load": 294,
                "init_module": 105, "finit_module": 273, "delete_module": 106, "io_uring_setup": 425,
                "io_uring_enter": 426, "io_uring_register": 427, "open_by_handle_at": 265, "setns": 268,
                "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsmount": 432},
}
X32_SYSCALL_BIT = 0x40000000
EPERM = 1
RET_ALLOW, RET_ERRNO, RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
LD_W_ABS, JEQ_K, JGE_K, RET_K = 0x20, 0x15, 0x35, 0x06
SECCOMP_ARG0, AF_UNIX = 16, 1  # offset of seccomp_data.args[0]; the socket family of local sockets

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class WallError(OSError):
    """A wall could not be raised; the sandbox must not run student code without it."""


def _fail(what: str) -> WallError:
    err = ctypes.get_errno()
    return WallError(err, f"{what}: {os.strerror(err)}")


def no_new_privs() -> None:
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise _fail("no_new_privs")


# ---------------------------------------------------------------------------------------------- seccomp
def seccomp_supported() -> str | None:
    """None when a filter can be built for this machine, else why not."""
    if not sys.platform.startswith("linux"):
        return f"seccomp is Linux only; this is {sys.platform}"
    if platform.machine() not in AUDIT_ARCH:
        return f"no syscall table for {platform.machine()}"
    return None


def seccomp_program(machine: str, unix_sockets: bool = False) -> bytes:
    """The classic-BPF program: foreign ABIs killed, refused syscalls answered EPERM, the rest allowed.

    With *unix_sockets*, ``socket(AF_UNIX, ...)`` is allowed (every other family still refused): NVIDIA's CUDA
    driver will not start without one.  Only for sandboxes in their own network namespace and filesystem view,
    where such a socket can reach nothing outside."""
    ops: list[tuple[int, int, int, int]] = [
        (LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (JEQ_K, 1, 0, AUDIT_ARCH[machine]),
        (RET_K, 0, 0, RET_KILL_PROCESS),
        (LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
    ]
    if machine == "x86_64":  # x32 syscalls carry this bit and would slip past the numbers below
        ops += [(JGE_K, 0, 1, X32_SYSCALL_BIT), (RET_K, 0, 0, RET_ERRNO | EPERM)]
    socket = REFUSED[machine]["socket"]
    if unix_sockets:  # arguments are 64-bit; the family fits the low word, first on these little-endian machines
        ops += [(JEQ_K, 0, 4, socket), (LD_W_ABS, 0, 0, SECCOMP_ARG0), (JEQ_K, 0, 1, AF_UNIX),
                (RET_K, 0, 0, RET_ALLOW), (RET_K, 0, 0, RET_ERRNO | EPERM)]
    for number in sorted(set(REFUSED[machine].values()) - ({socket} if unix_sockets else set())):
        ops += [(JEQ_K, 0, 1, number), (RET_K, 0, 0, RET_ERRNO | EPERM)]
    ops.append((RET_K, 0, 0, RET_ALLOW))
    return b"".join(struct.pack("=HBBI", *op) for op in ops)


def apply_seccomp(unix_sockets: bool = False) -> None:
    why_not = seccomp_supported()
    if why_not:
        raise WallError(0, why_not)
    program = seccomp_program(platform.machine(), unix_sockets)
    buffer = ctypes.create_string_buffer(program, len(program))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    no_new_privs()
    if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise _fail("seccomp filter")


# ---------------------------------------------------------------------------------------------- landlock
def landlock_abi() -> int:
    """The Landlock ABI version this kernel offers; 0 when it offers none (or it is disabled at boot)."""
    if not sys.platform.startswith("linux"):
        return 0
    version = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                            ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return max(0, int(version))


def _fs_rights(abi: int) -> int:
    rights = FS_ABI1
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def apply_landlock(read: list[str], write: list[str], devices: list[str]) -> int:
    """Allow reading (and executing) under *read*, everything under *write*, read-write-ioctl on *devices*;
    refuse every other path, TCP, and signals or abstract sockets aimed outside.  Returns the ABI used."""
    abi = landlock_abi()
    if abi < 1:
        raise WallError(0, "this kernel offers no Landlock")
    handled = _fs_rights(abi)
    net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    attr = struct.pack("=QQQ", handled, net, scoped)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, attr, ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise _fail("landlock ruleset")
    read_only = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
    device = FS_READ_FILE | FS_WRITE_FILE | (FS_IOCTL_DEV if abi >= 5 else 0)
    try:
        for paths, rights in ((read, read_only), (write, handled), (devices, device)):
            for path in paths:
                _add_rule(ruleset, path, rights & handled)
        no_new_privs()
        if _libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise _fail("landlock restrict_self")
    finally:
        os.close(ruleset)
    return abi


def _add_rule(ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path this machine lacks (a missing /lib64, a device without a GPU) needs no rule
    try:
        if not os.path.isdir(path):
            rights &= FILE_RIGHTS
        rule = struct.pack("=Qi", rights, fd)
        if _libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                         rule, ctypes.c_uint32(0)) != 0:
            raise _fail(f"landlock rule for {path}")
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------- privileges
PR_CAPBSET_DROP, CAP_VERSION_3 = 24, 0x20080522


def drop_bounding_set() -> None:
    """Empty the capability bounding set (possible only while privileged): nothing can gain one back later."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # EINVAL: past the last capability this kernel knows


def drop_capabilities() -> None:
    """Empty the bounding, permitted, effective and inheritable sets: root without capabilities can no longer
    override file permissions, trace other users' processes or change limits back."""
    drop_bounding_set()
    header = (ctypes.c_uint32 * 2)(CAP_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    if _libc.capset(header, data) != 0:
        raise _fail("capset")


def become(uid: int, gid: int) -> None:
    """Switch to an unprivileged user for good (no supplementary groups, no way back)."""
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


# ---------------------------------------------------------------------------------------------- all
def apply(spec: dict | None) -> list[str]:
    """Raise the walls *spec* asks for, in the calling process (and all it starts later); what was raised.

    Order matters: the capability bounding set can only be emptied while privileged, the user switch must
    come before the filters (which refuse nothing it needs, but make no exceptions), and Landlock before
    seccomp so that a refused syscall cannot stop the rules from being installed."""
    raised = []
    spec = spec or {}
    if spec.get("drop_caps") or spec.get("user"):
        if os.getuid() == 0:
            drop_bounding_set()
        if spec.get("user"):
            become(*spec["user"])
            raised.append(f"uid{spec['user'][0]}")
        if os.getuid() == 0:
            drop_capabilities()
            raised.append("no-capabilities")
    rules = spec.get("landlock")
    if rules is not None:
        abi = apply_landlock(rules.get("read", []), rules.get("write", []), rules.get("devices", []))
        raised.append(f"landlock-abi{abi}")
    if spec.get("seccomp"):
        apply_seccomp(bool(spec.get("unix_sockets")))
        raised.append("seccomp" + ("+unix" if spec.get("unix_sockets") else ""))
    return raised


def probe(spec: dict, forbidden: str) -> dict:
    """Apply *spec*, then try what it must forbid: reading *forbidden*, opening a socket, signalling the parent."""
    verdict = {"raised": apply(spec)}
    try:
        with open(forbidden, "rb"):
            verdict["read_forbidden"] = True
    except OSError:
        verdict["read_forbidden"] = False
    import socket

    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
        verdict["socket"] = True
    except OSError:
        verdict["socket"] = False
    return verdict


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--probe":
    try:
        print(json.dumps(probe(json.loads(sys.argv[2]), sys.argv[3])))
    except OSError as exc:
        print(json.dumps({"error": str(exc)}))
