"""Attack: write marker files into the repository, the grader's home folder, the host's /tmp and /dev/shm and the
solutions folder, hoping to plant files outside the sandbox."""
import os

PLACES = ["/work/main", "/work/main/solutions/q04", "/work/main/tests", "/root", os.path.expanduser("~"),
          "/tmp", "/dev/shm", "/var/tmp", "/etc"]
for place in PLACES:
    try:
        with open(os.path.join(place, "hostile-escape-marker"), "w") as fh:
            fh.write("written from a submission\n")
    except OSError as exc:
        print(place, exc)


def double_odds(nums):
    return nums
