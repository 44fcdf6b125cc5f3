#!/usr/bin/env bash
# Throughput targets of `setconform bench` against the embedded reference,
# release build, on this machine. Each line: the command's load, the rate the
# reference sustained, p50/p99 latency, SETs lost, and the CPU share of the
# harness and of the reference (of all cores, over the step's wall time), and
# the process's peak RSS (harness, embedded reference and the pool of SETs
# minted ahead, together). Usage: bench/throughput.sh [SECONDS]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
cargo build --release --quiet
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
python3 - "$seconds" "$out" <<'PY'
import json, subprocess, sys
seconds, out = sys.argv[1], sys.argv[2]
targets = [
    # (name, arguments, p99 bound in ms or None, least SETs/s or None)
    ("pushpull HTTP, batch 100", ["--binding", "pushpull-http", "--rate", "11000/s", "--batch", "100", "--connections", "8"], 50, 11000),
    ("multi-SET push, batch 100", ["--binding", "msp", "--rate", "11000/s", "--batch", "100", "--connections", "8"], 50, 11000),
    ("pushpull WebSocket, batch 100", ["--binding", "pushpull-ws", "--rate", "11000/s", "--batch", "100", "--connections", "8"], 50, 11000),
    ("RFC 8935 push, 32 connections", ["--binding", "push", "--rate", "3000/s", "--connections", "32"], None, 3000),
]
failed = False
def bench(name, args, duration):
    folder = f"{out}/{len(name)}-{abs(hash(name))}"
    cmd = ["/usr/bin/time", "-f", "%M", "target/release/setconform", "bench", *args,
           "--duration", f"{duration}s", "--out", folder]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"{name}: exit {done.returncode}: {done.stderr}")
    peak_mib = int(done.stderr.strip().splitlines()[-1]) / 1024
    return json.load(open(f"{folder}/bench.json")), done.returncode, peak_mib
for name, args, p99_bound, least in targets:
    r, code, peak_mib = bench(name, args, seconds)
    step, lat = r["steps"][0], r["result"]["latency"]
    cpu = step["cpu"]
    capacity = cpu["wall_ms"] * cpu["cores"]
    ok = (code == 0 and r["ledger"]["lost"] == 0 and step["achieved_rate"] >= 0.95 * least
          and (p99_bound is None or lat["p99_us"] <= p99_bound * 1000))
    failed |= not ok
    print(f"{name:32} offered {step['offered_rate']:>7.0f}/s  achieved {step['achieved_rate']:>7.0f}/s  "
          f"p50 {lat['p50_us']/1000:6.1f} ms  p99 {lat['p99_us']/1000:6.1f} ms  lost {r['ledger']['lost']}  "
          f"CPU harness {cpu['harness_ms']*100/capacity:4.1f}%  reference {cpu.get('sut_ms', 0)*100/capacity:4.1f}%  "
          f"peak RSS {peak_mib:.0f} MiB  {'ok' if ok else 'MISSED'}")
# 1,000 WebSocket streams held for 60 s, one SET a second each, under 300 MB.
r, code, peak_mib = bench("1,000 WebSocket streams, 60 s", ["--binding", "pushpull-ws", "--connections", "1000", "--rate", "1000/s", "--batch", "1"], 60)
ok = code == 0 and r["ledger"]["lost"] == 0 and peak_mib < 300
failed |= not ok
print(f"{'1,000 WebSocket streams, 60 s':32} achieved {r['steps'][0]['achieved_rate']:.0f}/s  lost {r['ledger']['lost']}  "
      f"peak RSS {peak_mib:.0f} MiB  {'ok' if ok else 'MISSED'}")
sys.exit(1 if failed else 0)
PY
