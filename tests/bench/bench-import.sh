#!/usr/bin/env bash
# bench-import.sh: the history import benchmark of design 7, Vigil against its Python peer
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench-import.sh [--customers N] [--days D] [--peer-customers N] [--peer-days D]
#                        [--baseline VIGIL] [--keep]
#
# Generates a history of N customers × D daily snapshots (default
# 10,000 × 365 = 3.65 M rows) as CSV and as JSON Lines and imports each
# with `vigil import` into a new database: wall time, CPU time (user +
# system: on a machine shared with other work, the steadier figure) and
# peak resident memory. Then a smaller history (default 1,000 × 365 =
# 365,000 rows) is imported by `vigil import` and by
# tests/bench/peer_import.py side by side, in both formats. Last, times
# `vigil scores --format json` on the large CSV-imported database. With
# --baseline, a previous vigil binary imports the same files next to this
# one, and both must store exactly the same thing.
#
# Every import is checked: each row stored and scored (snapshot and score
# counts), and the databases compared by a fingerprint: counts per tier,
# the sum of health, and checksums of every score and every snapshot
# (features by name), so that nothing is dropped or deferred unnoticed.
#
# Environment:
#   VIGIL_BINARY     the vigil binary (default: the build tree's)
#   VIGIL_BENCH_GEN  the generator (default: vigil-bench-gen in the build
#                    tree's tests/ or tests/bench/, else compiled here)
#   PYTHON           the Python that runs the peer (default: python3)
#   TMPDIR           where the files go (several GB at full size)
#
# Exit status: 0 when the run completed and every check held (goals met or
# not: they are reported, not enforced), 1 otherwise.

set -euo pipefail

customers=10000
days=365
peer_customers=1000
peer_days=365
baseline=""
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
    --peer-customers) peer_customers="${2:?--peer-customers needs N}"; shift 2 ;;
    --peer-customers=*) peer_customers="${1#*=}"; shift ;;
    --peer-days) peer_days="${2:?--peer-days needs D}"; shift 2 ;;
    --peer-days=*) peer_days="${1#*=}"; shift ;;
    --baseline) baseline="${2:?--baseline needs a vigil binary}"; shift 2 ;;
    --baseline=*) baseline="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "bench-import.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done

for n in "$customers" "$days" "$peer_customers" "$peer_days"; do
  case "$n" in
    ''|*[!0-9]*|0) echo "bench-import.sh: counts of customers and days are positive integers" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vigil="${VIGIL_BINARY:-$here/../../build/src/vigil}"
python="${PYTHON:-python3}"
peer="$here/peer_import.py"
rows=$((customers * days))
peer_rows=$((peer_customers * peer_days))
full_size=0
[ "$customers" -eq 10000 ] && [ "$days" -eq 365 ] && [ "$peer_rows" -eq 365000 ] && full_size=1

if [ ! -x "$vigil" ]; then
  echo "bench-import.sh: no vigil binary at $vigil (build it, or set VIGIL_BINARY)" >&2
  exit 1
fi
vigil="$(cd "$(dirname "$vigil")" && pwd)/$(basename "$vigil")"
build_dir="$(cd "$(dirname "$vigil")/.." && pwd)"
if [ -n "$baseline" ]; then
  if [ ! -x "$baseline" ]; then
    echo "bench-import.sh: no baseline vigil binary at $baseline" >&2
    exit 1
  fi
  baseline="$(cd "$(dirname "$baseline")" && pwd)/$(basename "$baseline")"
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench-import.sh: /usr/bin/time (GNU time) is needed for CPU time and peak RSS" >&2
  exit 1
fi

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

calc ()
{
  awk "BEGIN { printf \"$1\", $2 }"
}

loadavg ()
{
  cut -d' ' -f1-3 /proc/loadavg
}

# measure LOG COMMAND...: runs COMMAND with its output in LOG and sets
# $wall and $cpu (seconds), $rss_mb (peak resident set) and $load (the
# load average just before).
measure ()
{
  local log="$1" elapsed user sys kb
  shift
  sync
  load="$(loadavg)"
  if ! /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >"$log" 2>&1; then
    echo "bench-import.sh: failed: $*" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  read -r elapsed user sys kb <"$tmp/time"
  wall="$(calc "%.2f" "$elapsed")"
  cpu="$(calc "%.2f" "$user + $sys")"
  rss_mb="$(calc "%.1f" "$kb / 1024")"
}

# fingerprint DB: what a database ends with, on one line: snapshots,
# scores, customers, scores per tier, the sum of health, and checksums of
# every score and every snapshot, by external id and time, the features
# by name.
fingerprint ()
{
  "$python" - "$1" <<'EOF'
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = lambda sql: db.execute(sql).fetchone()[0]
names = dict(db.execute("SELECT id, name FROM features"))
scores = hashlib.sha256()
for row in db.execute("SELECT c.external_id, k.observed_at, k.version, k.health, k.tier "
                      "FROM scores k JOIN customers c ON c.id = k.customer_id "
                      "ORDER BY c.external_id, k.observed_at"):
    scores.update(repr(row[:3] + (None if row[3] is None else round(row[3], 6), row[4])).encode())
snapshots = hashlib.sha256()
for row in db.execute("SELECT c.external_id, s.observed_at, s.last_active, s.mrr, s.seats, "
                      "s.seats_used, s.api_calls_7d, s.features_used, s.open_tickets, s.nps, "
                      "s.renewal_date, s.plan, s.features FROM snapshots s "
                      "JOIN customers c ON c.id = s.customer_id ORDER BY c.external_id, s.observed_at"):
    features = None if row[12] is None else sorted(
        (names[int(k)], v) for k, v in json.loads(row[12]).items())
    snapshots.update(repr(row[:12] + (features,)).encode())
print(q("SELECT count(*) FROM snapshots"),
      q("SELECT count(*) FROM scores"),
      q("SELECT count(*) FROM customers"),
      q("SELECT count(*) FROM scores WHERE tier = 'healthy'"),
      q("SELECT count(*) FROM scores WHERE tier = 'at-risk'"),
      q("SELECT count(*) FROM scores WHERE tier = 'high-risk'"),
      "%.3f" % (q("SELECT total(health) FROM scores")),
      scores.hexdigest()[:12], snapshots.hexdigest()[:12])
EOF
}

status=0

# check NAME FINGERPRINT EXPECTED_ROWS: every row stored and scored.
check_rows ()
{
  local n_snapshots n_scores
  read -r n_snapshots n_scores _ <<<"$2"
  if [ "$n_snapshots" -ne "$3" ] || [ "$n_scores" -ne "$3" ]; then
    echo "  $1: stored $n_snapshots snapshots and $n_scores scores, expected $3 of each"
    status=1
  fi
}

# same LABEL A B: two fingerprints agree.
same ()
{
  if [ "$2" = "$3" ]; then
    echo "  $1: the same"
  else
    echo "  $1: MISMATCH"
    echo "    $2"
    echo "    $3"
    status=1
  fi
}

generate ()
{
  local n="$1" d="$2" format="$3" out="$4" start
  start="$(date +%s.%N)"
  "$gen" --customers "$n" --days "$d" --format "$format" --output "$out" 2>"$tmp/gen.log" || {
    cat "$tmp/gen.log" >&2
    exit 1
  }
  echo "Generated ${out##*/}: $n x $d rows, $(du -m "$out" | cut -f1) MB in $(calc "%.1f" "$(date +%s.%N) - $start") s"
}

echo "Vigil import benchmark: $customers customers x $days days = $rows rows;"
echo "  against the Python peer on $peer_customers x $peer_days = $peer_rows rows"
echo "  machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "  load:     $(loadavg) (1, 5, 15 min) at the start: other work shares the cores; CPU"
echo "            seconds are the steadier figure when it does"
echo "  vigil:    $vigil"
[ -n "$baseline" ] && echo "  baseline: $baseline"
echo "  peer:     $peer ($("$python" -c 'import sys, sqlite3; print("Python", sys.version.split()[0], "SQLite", sqlite3.sqlite_version)'))"
echo "  files:    $tmp"
avail_kb="$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')"
need_kb=$((rows * 2))   # ~2 KB a row at the peak: the inputs and two databases
if [ "$avail_kb" -lt "$need_kb" ]; then
  echo "WARNING: $((avail_kb / 1024)) MB free in $tmp, about $((need_kb / 1024)) MB needed"
fi
echo

formats=(csv jsonl)
programs=(vigil)
[ -n "$baseline" ] && programs+=(baseline)
declare -A binary=([vigil]="$vigil" [baseline]="$baseline")
declare -A wall_of cpu_of rss_of load_of fp_of

# The large history, format by format (the files are big: one at a time).
for f in "${formats[@]}"; do
  file="$tmp/history.$f"
  generate "$customers" "$days" "$f" "$file"
  for p in "${programs[@]}"; do
    echo "  importing with $p ..."
    measure "$tmp/$p-$f.log" "${binary[$p]}" --db "$tmp/$p-$f.db" import "$file"
    wall_of[$p-$f]="$wall"; cpu_of[$p-$f]="$cpu"; rss_of[$p-$f]="$rss_mb"; load_of[$p-$f]="$load"
    fp_of[$p-$f]="$(fingerprint "$tmp/$p-$f.db")"
    # Keep only what is still needed: this version's CSV database, for `scores`.
    if [ "$p" != vigil ] || [ "$f" != csv ]; then
      rm -f "$tmp/$p-$f.db"*
    fi
  done
  rm -f "$file"
done
echo

# The peer's size, both formats, side by side.
peer_programs=(vigil peer)
[ -n "$baseline" ] && peer_programs=(vigil baseline peer)
for f in "${formats[@]}"; do
  file="$tmp/small.$f"
  generate "$peer_customers" "$peer_days" "$f" "$file"
  for p in "${peer_programs[@]}"; do
    echo "  importing with $p ..."
    if [ "$p" = peer ]; then
      measure "$tmp/peer-small-$f.log" env VIGIL_BINARY="$vigil" "$python" "$peer" \
        "$tmp/peer-small-$f.db" "$file"
    else
      measure "$tmp/$p-small-$f.log" "${binary[$p]}" --db "$tmp/$p-small-$f.db" import "$file"
    fi
    wall_of[$p-small-$f]="$wall"; cpu_of[$p-small-$f]="$cpu"; rss_of[$p-small-$f]="$rss_mb"
    load_of[$p-small-$f]="$load"
    fp_of[$p-small-$f]="$(fingerprint "$tmp/$p-small-$f.db")"
    rm -f "$tmp/$p-small-$f.db"*
  done
  rm -f "$file"
done
echo

echo "Timing vigil scores --format json on the CSV-imported database (best of 3) ..."
scores_s=""
scores_cpu=""
for _ in 1 2 3; do
  measure "$tmp/scores.json" "$vigil" --db "$tmp/vigil-csv.db" scores --format json
  if [ -z "$scores_s" ] || awk "BEGIN { exit !($wall < $scores_s) }"; then
    scores_s="$wall"
  fi
  if [ -z "$scores_cpu" ] || awk "BEGIN { exit !($cpu < $scores_cpu) }"; then
    scores_cpu="$cpu"
  fi
done
rm -f "$tmp/vigil-csv.db"*
echo

row ()
{
  printf '%-10s %-9s %10s %8s %8s %12s %8s   %s\n' "$@"
}

echo "$rows rows, each imported into a new database:"
row format program rows "wall s" "CPU s" "rows/s (wall)" "peak MB" "load before"
for f in "${formats[@]}"; do
  for p in "${programs[@]}"; do
    row "${f^^}" "$p" "$rows" "${wall_of[$p-$f]}" "${cpu_of[$p-$f]}" \
      "$(calc "%.0f" "$rows / ${wall_of[$p-$f]}")" "${rss_of[$p-$f]}" "${load_of[$p-$f]}"
  done
done
echo
echo "$peer_rows rows, side by side with the Python peer:"
row format program rows "wall s" "CPU s" "rows/s (wall)" "peak MB" "load before"
for f in "${formats[@]}"; do
  for p in "${peer_programs[@]}"; do
    row "${f^^}" "$p" "$peer_rows" "${wall_of[$p-small-$f]}" "${cpu_of[$p-small-$f]}" \
      "$(calc "%.0f" "$peer_rows / ${wall_of[$p-small-$f]}")" "${rss_of[$p-small-$f]}" "${load_of[$p-small-$f]}"
  done
  echo "  ${f^^}: vigil is $(calc "%.1f" "${wall_of[peer-small-$f]} / ${wall_of[vigil-small-$f]}")x the peer's" \
    "speed in wall time, $(calc "%.1f" "${cpu_of[peer-small-$f]} / ${cpu_of[vigil-small-$f]}")x in CPU time"
done
echo
echo "vigil scores --format json, $customers customers: $scores_s s (CPU $scores_cpu s, best of 3)"
echo "load at the end: $(loadavg)"
echo

echo "Checks: every row stored and scored; the same data as the peer (and the baseline)"
echo "  (snapshots, scores, customers, healthy, at-risk, high-risk, sum of health, scores and snapshots checksums)"
for f in "${formats[@]}"; do
  for p in "${programs[@]}"; do
    check_rows "${f^^} $p" "${fp_of[$p-$f]}" "$rows"
  done
  for p in "${peer_programs[@]}"; do
    check_rows "${f^^} $peer_rows $p" "${fp_of[$p-small-$f]}" "$peer_rows"
  done
  same "${f^^} $peer_rows rows, vigil and the peer" "${fp_of[vigil-small-$f]}" "${fp_of[peer-small-$f]}"
  if [ -n "$baseline" ]; then
    same "${f^^} $rows rows, vigil and the baseline" "${fp_of[vigil-$f]}" "${fp_of[baseline-$f]}"
    same "${f^^} $peer_rows rows, vigil and the baseline" "${fp_of[vigil-small-$f]}" "${fp_of[baseline-small-$f]}"
  fi
done
same "CSV and JSON Lines, $rows rows" "${fp_of[vigil-csv]}" "${fp_of[vigil-jsonl]}"
echo

# goal LABEL FIGURE UNIT OP LIMIT
goal ()
{
  local label="$1" figure="$2" unit="$3" op="$4" limit="$5" verdict
  if awk "BEGIN { exit !($figure $op $limit) }"; then
    verdict="PASS"
  else
    verdict="MISS"
  fi
  printf '  %-52s %10s %-2s %s\n' "$label" "$figure" "$unit" "$verdict"
}

echo "Goals (design 7), wall time as the goals are set; CPU time beside, for a loaded machine:"
if [ "$full_size" -eq 0 ]; then
  echo "  (the goals are set for 10,000 customers x 365 days, and the peer on 365,000 rows; this run differs)"
fi
goal "CSV import < 12 s" "${wall_of[vigil-csv]}" s "<" 12
goal "  (its CPU time)" "${cpu_of[vigil-csv]}" s "<" 12
goal "JSON Lines import < 15 s" "${wall_of[vigil-jsonl]}" s "<" 15
goal "  (its CPU time)" "${cpu_of[vigil-jsonl]}" s "<" 15
goal "peak RSS < 100 MB, CSV" "${rss_of[vigil-csv]}" MB "<" 100
goal "peak RSS < 100 MB, JSON Lines" "${rss_of[vigil-jsonl]}" MB "<" 100
goal "at least 10x the Python peer, CSV" \
  "$(calc "%.2f" "${wall_of[peer-small-csv]} / ${wall_of[vigil-small-csv]}")" x ">=" 10
goal "  (in CPU time)" "$(calc "%.2f" "${cpu_of[peer-small-csv]} / ${cpu_of[vigil-small-csv]}")" x ">=" 10
goal "at least 10x the Python peer, JSON Lines" \
  "$(calc "%.2f" "${wall_of[peer-small-jsonl]} / ${wall_of[vigil-small-jsonl]}")" x ">=" 10
goal "  (in CPU time)" "$(calc "%.2f" "${cpu_of[peer-small-jsonl]} / ${cpu_of[vigil-small-jsonl]}")" x ">=" 10
goal "vigil scores < 0.3 s" "$scores_s" s "<" 0.3

exit "$status"
