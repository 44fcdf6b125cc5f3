#!/usr/bin/env bash
# Behaviour comparison of two setconform binaries against the embedded reference:
# the default run and one run per fault of the reference's catalogue (`BASE faults`),
# each with `run --seed 1 --quiet --format json`. From each run.json it compares every
# scenario's verdict and every requirement's verdict, by id, and the exit code.
#
# A run whose verdicts differ is run again on both binaries (up to --retries times, stopping
# at the first round without a difference): a difference seen in every round persists and
# fails the comparison; one that comes and goes is timing and is listed apart, as flaky.
#
# Usage: bench/compare-behaviour.sh [options] BASE_BINARY [NEW_BINARY]
#   NEW_BINARY         default: target/release/setconform, freshly built (cargo build --release)
#   --base-cache DIR   keep BASE's first-round verdicts in DIR (per binary checksum) and reuse them
#   --jobs N           runs at once (default 2)
#   --retries N        extra rounds for a run that differs (default 2)
#   --only REGEX       only the runs (fault names, or "default") that match
# Exit code: 0 same behaviour, 1 a persistent difference, 2 usage error. Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n "2,17s/^# \{0,1\}//p" "$0" >&2; exit "${1:-2}"; }
base_cache="" jobs=2 retries=2 only="" binaries=()
while [ $# -gt 0 ]; do
    case "$1" in
        --base-cache) base_cache="${2:?--base-cache needs a folder}"; shift 2 ;;
        --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
        --retries) retries="${2:?--retries needs a number}"; shift 2 ;;
        --only) only="${2:?--only needs a pattern}"; shift 2 ;;
        -h|--help) usage 0 ;;
        -*) echo "unknown option $1" >&2; usage ;;
        *) binaries+=("$1"); shift ;;
    esac
done
case "${#binaries[@]}" in
    1) cargo build --release --quiet -p setconform --bin setconform
       binaries+=("target/release/setconform") ;;
    2) ;;
    *) usage ;;
esac
for b in "${binaries[@]}"; do
    [ -x "$b" ] || { echo "$b: not an executable" >&2; exit 2; }
done

exec python3 - "${binaries[0]}" "${binaries[1]}" "$base_cache" "$jobs" "$retries" "$only" <<'PY'
import concurrent.futures, hashlib, json, os, re, shutil, subprocess, sys, tempfile, threading, time

base, new, cache_root, jobs, retries, only = sys.argv[1:7]
jobs, retries = int(jobs), int(retries)
DEFAULT = "default"
started = time.monotonic()


def faults(binary):
    out = subprocess.run([binary, "faults"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{binary} faults: exit {out.returncode}: {out.stderr.strip()}")
    return [line.split()[0] for line in out.stdout.splitlines() if line.strip()]


def run(binary, label):
    """Verdicts of one run: {(kind, id): value}, kinds "exit", "scenario", "requirement"."""
    out = tempfile.mkdtemp(prefix="compare-behaviour-")
    try:
        args = [binary, "run", "--seed", "1", "--out", out, "--quiet", "--format", "json"]
        if label != DEFAULT:
            args += ["--fault", label]
        done = subprocess.run(args, capture_output=True, text=True)
        verdicts = {("exit", "code"): str(done.returncode)}
        try:
            with open(os.path.join(out, "run.json")) as f:
                record = json.load(f)
        except (OSError, ValueError):
            lines = done.stderr.strip().splitlines()
            verdicts[("exit", "run.json")] = "none: " + (lines[0] if lines else "no message")
            return verdicts
        for kind, key in (("scenario", "scenarios"), ("requirement", "requirements")):
            for item in record.get(key, []):
                name = item["id"]
                if (kind, name) in verdicts:
                    name = f"{name} [{item.get('profile', '?')}]"
                verdicts[(kind, name)] = item["verdict"]
        return verdicts
    finally:
        shutil.rmtree(out, ignore_errors=True)


def differences(old, new):
    return {k: (old.get(k, "-"), new.get(k, "-")) for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


def persists(seen, rounds):
    """A difference persists when every round shows it and no value BASE gave in
    one round is one NEW gave in another (PASS -> WARN, then WARN -> PASS, is timing)."""
    olds, news = {o for o, _ in seen}, {n for _, n in seen}
    return len(seen) == len(rounds) and not olds & news


def split(rounds):
    """The keys of one run's rounds, as (persistent, flaky), each [(key, values seen)]."""
    rows = ([], [])
    for key in sorted(set().union(*rounds)):
        seen = [r[key] for r in rounds if key in r]
        rows[0 if persists(seen, rounds) else 1].append((key, seen))
    return rows


# BASE's first-round verdicts, kept per binary checksum so that another baseline
# never reads them.
cache_dir = None
if cache_root:
    with open(base, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    cache_dir = os.path.join(cache_root, digest)
    os.makedirs(cache_dir, exist_ok=True)


def base_run(label):
    path = cache_dir and os.path.join(cache_dir, f"{label}.json")
    if path and os.path.exists(path):
        with open(path) as f:
            return {tuple(k.split("\t", 1)): v for k, v in json.load(f).items()}, True
    verdicts = run(base, label)
    if path:
        with open(path + ".part", "w") as f:
            json.dump({"\t".join(k): v for k, v in verdicts.items()}, f)
        os.replace(path + ".part", path)
    return verdicts, False


base_faults = faults(base)
new_faults = faults(new)
labels = [DEFAULT] + base_faults
if only:
    labels = [l for l in labels if re.search(only, l)]
print(f"base {base}\nnew  {new}")
print(f"{len(labels)} runs per binary (default run + {len(base_faults)} faults"
      f"{', filtered by ' + repr(only) if only else ''}), {jobs} at a time, seed 1"
      f"{', base cache ' + cache_dir if cache_dir else ''}", flush=True)

lock = threading.Lock()
progress = {"done": 0, "cached": 0, "reruns": 0}


def compare(label):
    """Every round's differences for one run (the first, then re-runs while they differ)."""
    old, cached = base_run(label)
    rounds = [differences(old, run(new, label))]
    while rounds[-1] and len(rounds) <= retries:
        with lock:
            progress["reruns"] += 1
        rounds.append(differences(run(base, label), run(new, label)))
    with lock:
        progress["done"] += 1
        progress["cached"] += cached
        state = "same" if not rounds[0] else ("differs" if split(rounds)[0] else "flaky")
        print(f"[{progress['done']:3}/{len(labels)}] {label}: {state}"
              f"{f' ({len(rounds)} rounds)' if len(rounds) > 1 else ''}", file=sys.stderr, flush=True)
    return label, rounds


with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
    results = dict(pool.map(compare, labels))

persistent, flaky = [], []
for label in labels:
    kept, timing = split(results[label])
    persistent += [(label, *key, seen) for key, seen in kept]
    flaky += [(label, *key, seen) for key, seen in timing]

missing = sorted(set(base_faults) - set(new_faults))
added = sorted(set(new_faults) - set(base_faults))


def table(rows):
    def shown(label, seen):
        values = sorted({f"{o} -> {n}" for o, n in seen})
        return " | ".join(values) + f"  ({len(seen)} of {len(results[label])} rounds)"

    cells = [("fault", "kind", "id", "old -> new")]
    cells += [(label, kind, name, shown(label, seen)) for label, kind, name, seen in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(3)]
    for c in cells:
        print("  " + "  ".join(c[i].ljust(widths[i]) for i in range(3)) + "  " + c[3])


print()
if persistent:
    print(f"DIFFERENCES that persist ({len(persistent)}):")
    table(persistent)
else:
    print("no persistent difference in scenario or requirement verdicts")
if flaky:
    print(f"\nflaky, not counted ({len(flaky)}):")
    table(flaky)
if missing or added:
    # A fault the new binary lacks shows above too: its runs end in a usage error.
    print(f"\nfaults only in base: {', '.join(missing) or '-'}; only in new (not run): {', '.join(added) or '-'}")
elapsed = time.monotonic() - started
print(f"\ntotal {int(elapsed // 60)}m{elapsed % 60:04.1f}s: {len(labels)} runs per binary, "
      f"{progress['cached']} base runs from the cache, {progress['reruns']} re-run rounds")
sys.exit(1 if persistent else 0)
PY
