"""Attack: write well-formed frames of the sandbox protocol to every open descriptor, claiming the notebook is
done and answering the grader's next questions in advance with the public example's answer."""
import json
import os
import struct


def frame(value):
    header = json.dumps(value).encode()
    payload = struct.pack(">I", len(header)) + header
    return struct.pack(">Q", len(payload)) + payload


FORGED = [{"$dict": [["event", "exec_done"]]},
          {"$dict": [["ok", {"$dict": [["double_odds", "function"]]}]]},
          {"$dict": [["ok", [2, 6, 10]]]},
          {"$dict": [["ok", []]]},
          {"$dict": [["ok", []]]}]
for fd in range(3, 1024):
    try:
        os.write(fd, b"".join(frame(v) for v in FORGED))
    except OSError:
        pass


def double_odds(nums):
    return nums
