#!/usr/bin/env bash
# Checks what the Dockerfile does, without a Docker engine: the build stage's
# locked release build, and the runtime stage's unprivileged user running the
# binary from an empty folder (the catalogue is compiled in).
set -euo pipefail
cd "$(dirname "$0")/../.."

cargo build --release --locked -p setconform
user=setconform-check
id "$user" >/dev/null 2>&1 || useradd --system --uid 10001 --no-create-home "$user"
work=$(mktemp -d)
chown "$user" "$work"
install -m 0755 target/release/setconform "$work/setconform"
cd "$work"
status=0
su "$user" -s /bin/sh -c "./setconform run --quiet --out $work/report" >"$work/out.txt" 2>&1 || status=$?
tail -3 "$work/out.txt"
for f in run.json report.html junit.xml summary.md; do
  test -s "$work/report/$f" || { echo "missing $f"; exit 1; }
done
echo "ran as $(id -un "$user") (uid $(id -u "$user")), exit $status, reports written"
exit "$status"
