#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each), starting from
# the committed seeds. Needs a nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz --locked
# A crash leaves its input in fuzz/artifacts/<target>/; once fixed, copy it to
# fuzz/regressions/<target>/ so that `cargo test` replays it for good.
set -euo pipefail
seconds="${1:-60}"
cd "$(dirname "$0")"
for target in sut_message compact_set transcript; do
  seeds="seeds/$target"
  [ -d "$seeds" ] || seeds="seeds/sut_message"
  mkdir -p "corpus/$target"
  echo "== $target: ${seconds}s"
  cargo +nightly fuzz run -O "$target" "corpus/$target" "$seeds" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536
done
