#!/usr/bin/env bash
# Checks what the Dockerfile does, without a Docker engine: the build stage's
# locked release build, and the runtime stage's user (the Dockerfile's USER, a
# UID without a passwd entry or home folder, as any `docker run --user` UID)
# running the binary in a folder like the image's /work (root's, mode 1777;
# the catalogue is compiled in). Run as root (setpriv, from util-linux).
set -euo pipefail
cd "$(dirname "$0")/../.."

cargo build --release --locked -p setconform
ids=$(sed -n 's/^USER //p' Dockerfile | tail -1)
uid=${ids%%:*}
gid=${ids#*:}
work=$(mktemp -d)
chmod 1777 "$work"
install -m 0755 target/release/setconform "$work/setconform"
cd "$work"
status=0
env -i PATH=/usr/bin:/bin HOME=/ setpriv --reuid "$uid" --regid "$gid" --clear-groups -- \
  ./setconform run --quiet --out "$work/report" >"$work/out.txt" 2>&1 || status=$?
tail -3 "$work/out.txt"
for f in run.json report.html junit.xml summary.md; do
  test -s "$work/report/$f" || { echo "missing $f"; exit 1; }
done
echo "ran as uid $uid gid $gid (no passwd entry needed), exit $status, reports written"
exit "$status"
