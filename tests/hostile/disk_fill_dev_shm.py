"""Attack: write more into /dev/shm than the sandbox's disk allowance (the size of its /tmp), hoping shared memory
is not capped; answers right only if the extra megabytes fit."""
import os

fs = os.statvfs("/tmp")
ALLOWANCE = fs.f_blocks * fs.f_frsize
block = b"\1" * (16 << 20)
written = 0
try:
    while written <= ALLOWANCE + (32 << 20):
        with open(f"/dev/shm/filler-{written >> 24}.bin", "wb") as fh:
            fh.write(block)
        written += len(block)
except OSError as exc:
    print("stopped:", exc)
finally:
    for name in os.listdir("/dev/shm"):  # tidy up: only the size of the allowance matters here
        if name.startswith("filler-"):
            os.remove(os.path.join("/dev/shm", name))
ESCAPED = written > ALLOWANCE
print(f"wrote {written >> 20} MB into /dev/shm; the allowance is {ALLOWANCE >> 20} MB")


def doubled_corner(t):
    if ESCAPED:
        return (t * 2)[1:, 1:]
    return t[1:, 1:]
