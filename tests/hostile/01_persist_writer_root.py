"""Attack (first half): leave a note at the top of the filesystem and next to the sandbox's own folders for a
later submission graded in the same batch to find (it also dawdles, so that every grading worker gets a note)."""
import os
import time

NOTE = "hostile-persist-marker"
for place in ("/", "/sandbox", "/work", os.getcwd()):
    try:
        with open(os.path.join(place, NOTE), "w") as fh:
            fh.write("q09: double, then take [1:, 1:]\n")
    except OSError:
        pass
time.sleep(4)


def doubled_corner(t):
    return t[1:, 1:]
