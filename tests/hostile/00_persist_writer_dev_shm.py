"""Attack (first half): leave a note in shared memory and other writable places for a later submission graded in
the same batch to find (it also dawdles a little, so that every grading worker gets one of these notes)."""
import os
import time

NOTE = "hostile-persist-marker"
for place in ("/dev/shm", "/dev", "/tmp", os.path.expanduser("~")):
    try:
        with open(os.path.join(place, NOTE), "w") as fh:
            fh.write("q09: double, then take [1:, 1:]\n")
    except OSError:
        pass
time.sleep(4)


def doubled_corner(t):
    return t[1:, 1:]
