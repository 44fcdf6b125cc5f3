#!/usr/bin/env bash
# Renders a run with failures as an HTML report and takes the screenshot in
# docs/report-screenshot.png with headless Chromium.
#
# The run: the whole catalogue against the embedded reference with the
# `hostile-markup` fault, whose push receiver puts markup and script into its
# error objects: the page shows FAIL findings, and that text stays text.
#
# Needs chromium (or chromium-browser) on PATH, or CHROMIUM=/path/to/it.
set -euo pipefail
cd "$(dirname "$0")/.."

browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$browser" ]; then
    echo "chromium not found: install it (Debian: apt-get install chromium) or set CHROMIUM" >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
cargo run --release -q -- run --fault hostile-markup --seed 7 --out "$work/run" >"$work/console.txt" 2>&1 || status=$?
if [ "$status" -ne 1 ]; then
    cat "$work/console.txt" >&2
    echo "expected the run to end with exit code 1 (failures), got $status" >&2
    exit 1
fi

shot="$PWD/docs/report-screenshot.png"
timeout 60 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$work/profile" --window-size=1280,1600 --screenshot="$shot" \
    "file://$work/run/report.html" >/dev/null 2>&1
size=$(wc -c <"$shot")
echo "wrote $shot ($size bytes)"
if [ "$size" -ge 512000 ]; then
    echo "the screenshot is over 500 KB" >&2
    exit 1
fi
