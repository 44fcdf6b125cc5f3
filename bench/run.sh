#!/usr/bin/env bash
# Benchmark of the main job: the whole catalogue against the embedded reference,
# release build. Reports wall time (min / median / max over RUNS runs) and peak
# resident memory. Usage: bench/run.sh [RUNS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
cargo build --release --quiet
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
python3 - "$runs" "$out" <<'PY'
import resource, statistics, subprocess, sys, time
runs, out = int(sys.argv[1]), sys.argv[2]
cmd = ["target/release/setconform", "run", "--seed", "1", "--out", out, "--quiet"]
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)  # warm-up
walls = []
for _ in range(runs):
    t = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL)
    walls.append(time.perf_counter() - t)
    if done.returncode != 0:
        sys.exit(f"run exited {done.returncode}")
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"default run, {runs} runs: wall min {min(walls)*1000:.0f} ms, "
      f"median {statistics.median(walls)*1000:.0f} ms, max {max(walls)*1000:.0f} ms; "
      f"peak RSS {peak_kib/1024:.1f} MiB")
PY
