#!/usr/bin/env bash
# Compares the command line of two setconform binaries: the help of the binary and of
# every subcommand, byte for byte (the binary's own name in "Usage:" lines aside), and
# the output and exit code of each command on the same inputs (timings aside, and the
# order in which parallel scenarios finish). Exits 1 on any difference.
# Usage: bench/compare-cli.sh BASE_BINARY [NEW_BINARY]   (default: target/debug/setconform)
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 BASE_BINARY [NEW_BINARY]" >&2; exit 2; }
base="$(realpath "$1")"
new="$(realpath "${2:-$repo/target/debug/setconform}")"
for b in "$base" "$new"; do [ -x "$b" ] || { echo "$0: not an executable: $b" >&2; exit 2; }; done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Inputs both binaries read, made once by the base binary: a passing run and a failing one.
mkdir -p "$work/inputs/copy"
"$base" run --quiet --seed 1 --out "$work/inputs/pass" max-response-events >/dev/null
"$base" run --quiet --seed 1 --out "$work/inputs/fail" --fault ignore-max-response-events max-response-events >/dev/null
cp "$work/inputs/pass/run.json" "$work/inputs/pass.json"
cp "$work/inputs/fail/run.json" "$work/inputs/fail.json"
cp "$work/inputs/pass/run.json" "$work/inputs/copy/run.json"
rm -rf "$work/inputs/pass" "$work/inputs/fail"

# One case per line: a name, then the arguments (word-split; REPO is the repository).
cases=$(cat <<'EOF'
help --help
help-short -h
help-cmd help
version --version
no-args
unknown-cmd frobnicate
faults faults
coverage coverage
requirements requirements
coverage-bad-suite coverage --suite /nonexistent
check check --suite REPO
check-sut check --suite REPO --sut REPO/examples/sut.yaml
check-bad-sut check --sut /nonexistent.yaml
keys keys
list run --list
list-filtered run --list --skip ws max-response
run run --seed 1 --out out/run max-response-events
run-quiet run --quiet --seed 1 --out out/quiet max-response-events
run-fail run --seed 1 --out out/fail --fault ignore-max-response-events max-response-events
run-fail-on-warn run --seed 1 --out out/warn --fail-on warn --format json,md max-response-events.fraction
rerun-none run --rerun-failed inputs/pass.json --out out/rerun0
rerun run --seed 1 --rerun-failed inputs/fail.json --out out/rerun1
rerun-missing run --rerun-failed inputs/missing.json
run-bad-fault run --fault nope --out out/badfault
run-bad-fail-on run --fail-on nope
run-bad-set-profile run --set-profile nope
diff-worse diff inputs/pass.json inputs/fail.json
diff-better diff inputs/fail.json inputs/pass.json
diff-missing diff inputs/missing-a.json inputs/missing-b.json
merge merge inputs/pass.json inputs/fail.json --html out/matrix.html
merge-missing merge inputs/missing.json
merge-none merge
report report inputs/pass.json --out out/report
report-beside report inputs/copy/run.json
report-formats report inputs/pass.json --out out/report-md --format md,junit
report-missing report inputs/missing.json
pair pair --out out/pair
pair-fault pair --out out/pair-fault --fault-responder ignore-max-response-events
pair-half pair --initiator examples/sut.yaml
reference-not-loopback reference --listen 10.0.0.1:8080
reference-bad-fault reference --fault nope
EOF
)
for sub in run faults coverage requirements report merge diff check pair keys reference help; do
    cases+=$'\n'"help-$sub $sub --help"$'\n'"help-short-$sub $sub -h"$'\n'"help-of-$sub help $sub"
done

# Timings, and the order of the per-scenario lines (scenarios finish in any order).
normalise() {
    python3 -c '
import re, sys
name = sys.argv[1]
out, block = [], []
for line in sys.stdin.read().split("\n"):
    if "Usage:" in line:
        line = re.sub(r"\b" + re.escape(name) + r"\b", "setconform", line)
    line = re.sub(r"\(\d+ ms\)", "(N ms)", line)
    m = re.match(r"\[ *\d+/(\d+)\] (.*)", line)
    if m:
        block.append("[#/%s] %s" % m.groups())
        continue
    out += sorted(block) + [line]
    block = []
sys.stdout.write("\n".join(out + sorted(block)))
' "$1"
}

# What the run left behind: which files, and the record's verdicts and exit code.
outputs() {
    (cd "$1" && find out inputs -type f 2>/dev/null | sort)
    for record in $(cd "$1" && find out -name run.json 2>/dev/null | sort); do
        python3 -c '
import json, sys
run = json.load(open(sys.argv[1]))
print(sys.argv[2], json.dumps(run["summary"], sort_keys=True))
for s in run["scenarios"]:
    print(" ", s["id"], s["profile"], s["verdict"])
for r in run["requirements"]:
    print(" ", r["id"], r["verdict"])
' "$1/$record" "$record"
    done
}

differences=0
while read -r name args; do
    [ -n "$name" ] || continue
    args="${args//REPO/$repo}"
    for side in base new; do
        bin="$base"; [ "$side" = new ] && bin="$new"
        dir="$work/$name/$side"
        mkdir -p "$dir"
        cp -r "$work/inputs" "$dir/inputs"
        # shellcheck disable=SC2086 # the arguments are meant to be split
        (cd "$dir" && timeout 120 "$bin" $args >stdout 2>stderr </dev/null; echo $? >rc)
        for f in stdout stderr; do normalise "$(basename "$bin")" <"$dir/$f" >"$dir/$f.n"; done
        outputs "$dir" >"$dir/files.n"
    done
    for f in rc stdout.n stderr.n files.n; do
        if ! cmp -s "$work/$name/base/$f" "$work/$name/new/$f"; then
            echo "DIFFERENT $name ($f): setconform ${args}"
            diff -u "$work/$name/base/$f" "$work/$name/new/$f" | head -40 | sed 's/^/    /'
            differences=$((differences + 1))
        fi
    done
done <<<"$cases"

count=$(grep -c . <<<"$cases")
if [ "$differences" -eq 0 ]; then
    echo "same: $count cases (help, output, exit code, files written) of $(basename "$base") and $(basename "$new")"
else
    echo "$differences difference(s) in $count cases"
    exit 1
fi
