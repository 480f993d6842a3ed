#!/bin/sh
# run-fuzzer.sh: runs one libFuzzer target for a fixed number of inputs
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: run-fuzzer.sh FUZZER CORPUS_DIR [RUNS]
#
# The seed corpus is copied to a scratch folder first, so the inputs
# libFuzzer adds never land in the source tree. A crash leaves its input
# in the scratch folder's crash-* file, named on stderr: copy it into
# tests/fuzz/corpus/TARGET/ as a regression once fixed.
set -eu
fuzzer="$1"
corpus="$2"
runs="${3:-${VIGIL_FUZZ_RUNS:-20000}}"
work="$(mktemp -d "${TMPDIR:-/tmp}/vigil-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp "$corpus"/* "$work/corpus/"
cd "$work"
status=0
"$fuzzer" -runs="$runs" -seed="${VIGIL_FUZZ_SEED:-1}" -max_len=8192 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 "$work/corpus" >"$work/log" 2>&1 || status=$?
grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss)' "$work/log" || true
if [ "$status" -ne 0 ]; then
  tail -n 60 "$work/log"
  for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -e "$crash" ] && cp "$crash" "${TMPDIR:-/tmp}/" && echo "kept ${TMPDIR:-/tmp}/$(basename "$crash")"
  done
fi
exit "$status"
