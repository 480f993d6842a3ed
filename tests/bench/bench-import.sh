#!/usr/bin/env bash
# bench-import.sh: the history import benchmark of design 7, Vigil against its Python peer
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench-import.sh [--customers N] [--days D] [--keep]
#
# Generates a history of N customers × D daily snapshots (default
# 10,000 × 365 = 3.65 M rows) as CSV and as JSON Lines, imports each with
# `vigil import` and with tests/bench/peer_import.py into fresh databases,
# side by side, then times `vigil scores --format json` on the CSV-imported
# database, and prints the figures against the goals of design 7.
#
# Environment:
#   VIGIL_BINARY     the vigil binary (default: /work/main/build/src/vigil)
#   VIGIL_BENCH_GEN  the generator (default: vigil-bench-gen in the build
#                    tree's tests/ or tests/bench/, else compiled here)
#   PYTHON           the Python that runs the peer (default: python3)
#   TMPDIR           where the files go (several GB at full size)
#
# Exit status: 0 when the run completed and both databases agree (goals
# met or not: they are reported, not enforced), 1 otherwise.

set -euo pipefail

customers=10000
days=365
keep=0

usage ()
{
  sed -n '8,/^$/p' "$0" | sed -e 's/^#//' -e 's/^ //'
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers="${2:?--customers needs N}"; shift 2 ;;
    --customers=*) customers="${1#*=}"; shift ;;
    --days) days="${2:?--days needs D}"; shift 2 ;;
    --days=*) days="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "bench-import.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done

case "$customers$days" in
  *[!0-9]*) echo "bench-import.sh: --customers and --days take positive integers" >&2; exit 2 ;;
esac
if [ "$customers" -lt 1 ] || [ "$days" -lt 1 ]; then
  echo "bench-import.sh: --customers and --days take positive integers" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vigil="${VIGIL_BINARY:-$here/../../build/src/vigil}"
python="${PYTHON:-python3}"
peer="$here/peer_import.py"
rows=$((customers * days))
full_size=0
[ "$customers" -eq 10000 ] && [ "$days" -eq 365 ] && full_size=1

if [ ! -x "$vigil" ]; then
  echo "bench-import.sh: no vigil binary at $vigil (build it, or set VIGIL_BINARY)" >&2
  exit 1
fi
vigil="$(cd "$(dirname "$vigil")" && pwd)/$(basename "$vigil")"
build_dir="$(cd "$(dirname "$vigil")/.." && pwd)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-import.XXXXXX")"
# shellcheck disable=SC2317  # invoked by the trap
cleanup ()
{
  if [ "$keep" -eq 1 ]; then
    echo "Kept the files in $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The generator: given, built by meson, or compiled here against the core library.
gen="${VIGIL_BENCH_GEN:-}"
if [ -z "$gen" ]; then
  for candidate in "$build_dir/tests/vigil-bench-gen" "$build_dir/tests/bench/vigil-bench-gen"; do
    if [ -x "$candidate" ]; then
      gen="$candidate"
      break
    fi
  done
fi
if [ -z "$gen" ]; then
  gen="$tmp/vigil-bench-gen"
  echo "Compiling the generator against $build_dir/src/core/libvigil-core.a ..."
  # shellcheck disable=SC2046
  if ! gcc -std=gnu11 -O2 -I"$build_dir" -I"$here/../../src/core" "$here/vigil-bench-gen.c" \
       "$build_dir/src/core/libvigil-core.a" \
       $(pkg-config --cflags --libs gio-2.0 json-glib-1.0 sqlite3) -lm -o "$gen"; then
    echo "bench-import.sh: cannot build the generator; build it with meson or set VIGIL_BENCH_GEN" >&2
    exit 1
  fi
fi
if [ ! -x "$gen" ]; then
  echo "bench-import.sh: no generator at $gen" >&2
  exit 1
fi

have_time=1
if [ ! -x /usr/bin/time ]; then
  have_time=0
  echo "NOTE: /usr/bin/time is missing: timing with bash's time, peak RSS not measured"
fi

# measure LOG COMMAND...: runs COMMAND with its output in LOG and sets
# $elapsed (seconds) and $rss_kb (peak resident set, KiB, or "n/a").
measure ()
{
  local log="$1"
  shift
  sync
  if [ "$have_time" -eq 1 ]; then
    if ! /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$log" 2>&1; then
      echo "bench-import.sh: failed: $*" >&2
      cat "$log" >&2
      exit 1
    fi
    read -r elapsed rss_kb <"$tmp/time"
  else
    local TIMEFORMAT=%R
    if ! { time "$@" >"$log" 2>&1; } 2>"$tmp/time"; then
      echo "bench-import.sh: failed: $*" >&2
      cat "$log" >&2
      exit 1
    fi
    elapsed="$(tail -n 1 "$tmp/time")"
    rss_kb="n/a"
  fi
}

# Prints seconds since the epoch with nanoseconds.
now ()
{
  date +%s.%N
}

calc ()
{
  awk "BEGIN { printf \"$1\", $2 }"
}

mb ()
{
  if [ "$1" = "n/a" ]; then echo "n/a"; else calc "%.1f" "$1 / 1024"; fi
}

# What both databases must agree on: snapshots, scores, customers, scores
# per tier and the sum of all health scores.
fingerprint ()
{
  "$python" - "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = lambda sql: db.execute(sql).fetchone()[0]
print(q("SELECT count(*) FROM snapshots"),
      q("SELECT count(*) FROM scores"),
      q("SELECT count(*) FROM customers"),
      q("SELECT count(*) FROM scores WHERE tier = 'healthy'"),
      q("SELECT count(*) FROM scores WHERE tier = 'at-risk'"),
      q("SELECT count(*) FROM scores WHERE tier = 'high-risk'"),
      "%.3f" % (q("SELECT total(health) FROM scores")))
EOF
}

echo "Vigil import benchmark: $customers customers x $days days = $rows rows"
echo "  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "  vigil:   $vigil"
echo "  peer:    $peer ($("$python" -c 'import sys, sqlite3; print("Python", sys.version.split()[0], "SQLite", sqlite3.sqlite_version)'))"
echo "  files:   $tmp"
avail_kb="$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')"
need_kb=$((rows * 2))   # ~2 KB a row at the peak: two inputs, two databases and their WAL
if [ "$avail_kb" -lt "$need_kb" ]; then
  echo "WARNING: $((avail_kb / 1024)) MB free in $tmp, about $((need_kb / 1024)) MB needed"
fi
echo

formats=(csv jsonl)
declare -A file gen_s vigil_s vigil_kb peer_s peer_kb vigil_fp peer_fp

for f in "${formats[@]}"; do
  file[$f]="$tmp/history.$f"
  start="$(now)"
  "$gen" --customers "$customers" --days "$days" --format "$f" --output "${file[$f]}" 2>"$tmp/gen.log" || {
    cat "$tmp/gen.log" >&2
    exit 1
  }
  gen_s[$f]="$(calc "%.1f" "$(now) - $start")"
  echo "Generated ${file[$f]##*/}: $(du -m "${file[$f]}" | cut -f1) MB in ${gen_s[$f]} s"
done
echo

for f in "${formats[@]}"; do
  echo "Importing ${f^^} with vigil ..."
  measure "$tmp/vigil-$f.log" "$vigil" --db "$tmp/vigil-$f.db" import "${file[$f]}"
  vigil_s[$f]="$elapsed"
  vigil_kb[$f]="$rss_kb"
  vigil_fp[$f]="$(fingerprint "$tmp/vigil-$f.db")"

  echo "Importing ${f^^} with the Python peer ..."
  measure "$tmp/peer-$f.log" env VIGIL_BINARY="$vigil" "$python" "$peer" "$tmp/peer-$f.db" "${file[$f]}"
  peer_s[$f]="$elapsed"
  peer_kb[$f]="$rss_kb"
  peer_fp[$f]="$(fingerprint "$tmp/peer-$f.db")"

  # Keep only what is still needed: the CSV-imported database for `scores`.
  rm -f "$tmp/peer-$f.db"* "${file[$f]}"
  [ "$f" = csv ] || rm -f "$tmp/vigil-$f.db"*
done

echo "Timing vigil scores --format json on the CSV-imported database (best of 3) ..."
scores_s=""
for _ in 1 2 3; do
  start="$(now)"
  "$vigil" --db "$tmp/vigil-csv.db" scores --format json >/dev/null
  t="$(calc "%.3f" "$(now) - $start")"
  if [ -z "$scores_s" ] || awk "BEGIN { exit !($t < $scores_s) }"; then
    scores_s="$t"
  fi
done
echo

printf '%-6s %9s %9s %12s %9s %9s %12s %9s %9s\n' \
  format rows "vigil s" "vigil rows/s" "vigil MB" "peer s" "peer rows/s" "peer MB" speed-up
for f in "${formats[@]}"; do
  printf '%-6s %9d %9.2f %12.0f %9s %9.2f %12.0f %9s %8.2fx\n' \
    "${f^^}" "$rows" "${vigil_s[$f]}" "$(calc "%f" "$rows / ${vigil_s[$f]}")" "$(mb "${vigil_kb[$f]}")" \
    "${peer_s[$f]}" "$(calc "%f" "$rows / ${peer_s[$f]}")" "$(mb "${peer_kb[$f]}")" \
    "$(calc "%f" "${peer_s[$f]} / ${vigil_s[$f]}")"
done
echo
echo "vigil scores --format json, $customers customers: $scores_s s (best of 3)"
echo

status=0
echo "Honesty check: what each database ends with"
printf '  %-12s %10s %10s %10s %10s %10s %10s %16s\n' \
  "" snapshots scores customers healthy at-risk high-risk "sum of health"
for f in "${formats[@]}"; do
  # shellcheck disable=SC2086
  printf '  %-12s %10s %10s %10s %10s %10s %10s %16s\n' "${f^^} vigil" ${vigil_fp[$f]}
  # shellcheck disable=SC2086
  printf '  %-12s %10s %10s %10s %10s %10s %10s %16s\n' "${f^^} peer" ${peer_fp[$f]}
  if [ "${vigil_fp[$f]}" = "${peer_fp[$f]}" ]; then
    echo "  ${f^^}: the same"
  else
    echo "  ${f^^}: MISMATCH: the two imports did not do the same work"
    status=1
  fi
  read -r n_snapshots n_scores _ <<<"${vigil_fp[$f]}"
  if [ "$n_snapshots" -ne "$rows" ] || [ "$n_scores" -ne "$rows" ]; then
    echo "  ${f^^}: vigil stored $n_snapshots snapshots and $n_scores scores, expected $rows"
    status=1
  fi
done
echo

# goal LABEL FIGURE UNIT OP LIMIT
goal ()
{
  local label="$1" figure="$2" unit="$3" op="$4" limit="$5" verdict
  if [ "$figure" = "n/a" ]; then
    verdict="n/a"
  elif awk "BEGIN { exit !($figure $op $limit) }"; then
    verdict="PASS"
  else
    verdict="MISS"
  fi
  printf '  %-40s %10s %-2s %s\n' "$label" "$figure" "$unit" "$verdict"
}

echo "Goals (design 7):"
if [ "$full_size" -eq 0 ]; then
  echo "  (the goals are set for 10,000 customers x 365 days; this run is smaller)"
fi
goal "CSV import < 25 s" "${vigil_s[csv]}" s "<" 25
goal "JSON Lines import < 60 s" "${vigil_s[jsonl]}" s "<" 60
goal "peak RSS < 100 MB, CSV" "$(mb "${vigil_kb[csv]}")" MB "<" 100
goal "peak RSS < 100 MB, JSON Lines" "$(mb "${vigil_kb[jsonl]}")" MB "<" 100
goal "at least 3x the Python peer, CSV" "$(calc "%.2f" "${peer_s[csv]} / ${vigil_s[csv]}")" x ">=" 3
goal "at least 3x the Python peer, JSON Lines" "$(calc "%.2f" "${peer_s[jsonl]} / ${vigil_s[jsonl]}")" x ">=" 3
goal "vigil scores < 0.3 s" "$scores_s" s "<" 0.3

exit "$status"
