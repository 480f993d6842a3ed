#!/usr/bin/env bash
# bench-postgres.sh: a team's book on PostgreSQL against a book in a file (issue 19)
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench-postgres.sh [--customers N] [--days D] [--runs R] [--only WHAT]… [--keep]
#
# Runs itself beside a private PostgreSQL cluster (tests/with-postgres.sh)
# and times, on a book in an SQLite file and on the same book in a
# database of that cluster, alternating the two engines run by run
# (the machine's speed varies minute to minute), each figure the median
# of R runs (default 3):
#   poll     one `vigil poll` of `vigil demo-server` (N customers,
#            default 10,000), each run on a fresh book (a new file, a
#            new database); then a second poll of the same book, the
#            daily poll into a book with history (the server's
#            observations move with the clock: a new one for each
#            customer whose data moves, the others already stored);
#   rescore  a scorecard change (`vigil scorecard set volume.target`,
#            to 5000 and 6000 in turn) on a book of N customers x D days
#            (default 52: 520,000 snapshots) imported from CSV;
#   scores   `vigil scores --format json` on that book.
# Checks that both engines' `scores --format json` after each rescore
# are the same bytes. Prints the figures against issue 19's goals: the
# polls within 2x of the file's, the rescore under 2 s and the scores
# under 0.5 s on PostgreSQL. `--only poll` (or rescore, scores) takes
# some figures only; the book is imported unless only the poll is asked.
#
# Environment:
#   VIGIL_BINARY     the vigil binary (default: the script's ../../build/src/vigil;
#                    measure a debugoptimized build, build-opt)
#   VIGIL_BENCH_GEN  the generator (default: beside the binary, ../tests/vigil-bench-gen)
#   TMPDIR           where the files go (a few hundred MB)
#
# Exit status: 0 when every run completed and the engines agree (goals
# met or not: they are reported, not enforced), 1 otherwise.

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -z "${VIGIL_TEST_PG:-}" ]; then
  exec sh "$here/../with-postgres.sh" bash "${BASH_SOURCE[0]}" "$@"
fi

customers=10000
days=52
runs=3
keep=0
only=""

usage ()
{
  sed -n '8,/^$/p' "$0" | sed -e 's/^#//' -e 's/^ //'
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers="${2:?--customers needs N}"; shift 2 ;;
    --days) days="${2:?--days needs D}"; shift 2 ;;
    --runs) runs="${2:?--runs needs R}"; shift 2 ;;
    --only) only="$only ${2:?--only needs poll, rescore or scores}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "bench-postgres.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done
for number in "$customers" "$days" "$runs"; do
  case "$number" in
    ''|*[!0-9]*|0) echo "bench-postgres.sh: --customers, --days and --runs take positive integers" >&2; exit 2 ;;
  esac
done
[ -n "$only" ] || only="poll rescore scores"
wants ()
{
  case " $only " in *" $1 "*) return 0 ;; *) return 1 ;; esac
}

vigil="${VIGIL_BINARY:-$here/../../build/src/vigil}"
gen="${VIGIL_BENCH_GEN:-$(dirname "$vigil")/../tests/vigil-bench-gen}"
for program in "$vigil" "$gen"; do
  if [ ! -x "$program" ]; then
    echo "bench-postgres.sh: no program at $program (build with meson, or set VIGIL_BINARY and VIGIL_BENCH_GEN)" >&2
    exit 1
  fi
done
psql="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)"
if [ ! -x "$psql" ]; then
  echo "bench-postgres.sh: psql is missing (postgresql-client)" >&2
  exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-pg.XXXXXX")"
server_pid=""
# shellcheck disable=SC2317  # invoked by the trap
cleanup ()
{
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$keep" -eq 1 ]; then
    echo "Kept the files in $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

calc ()
{
  awk "BEGIN { printf \"$1\", $2 }"
}

# timed LOG COMMAND...: runs COMMAND with its output in LOG and sets
# $elapsed and $cpu (user + system of vigil alone: the server's work is
# in the wall-clock time only).
timed ()
{
  local log="$1" times
  shift
  if ! times="$( { TIMEFORMAT='%R %U %S'; time "$@" >"$log" 2>&1; } 2>&1 )"; then
    echo "bench-postgres.sh: failed: $*" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  elapsed="$(calc "%.2f" "$(echo "$times" | awk '{ print $1 }')")"
  cpu="$(calc "%.2f" "$(echo "$times" | awk '{ print $2 + $3 }')")"
}

# median FIGURE…: the middle one (the mean of the two middle ones)
median ()
{
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

sql ()
{
  PGOPTIONS="-c client_min_messages=warning" "$psql" -X -q -v ON_ERROR_STOP=1 "$VIGIL_TEST_PG" -c "$1" >/dev/null
}

# pg_book NAME: a new, empty database NAME on the cluster; echoes its location.
pg_book ()
{
  sql "DROP DATABASE IF EXISTS $1"
  sql "CREATE DATABASE $1 TEMPLATE template0"
  echo "${VIGIL_TEST_PG/dbname=postgres/dbname=$1}"
}

echo "Vigil on PostgreSQL against a file: $customers customers; the book $customers x $days days"
echo "  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), load $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "  vigil:   $vigil"
echo "  server:  $("$psql" -X -At "$VIGIL_TEST_PG" -c 'SHOW server_version'), private cluster ($VIGIL_TEST_PG)"
echo "  files:   $tmp"
echo

declare -A figure figure_cpu
status=0

# keep_figure KEY FIGURES…: the median of the runs' figures under KEY
keep_figure ()
{
  local key="$1"
  shift
  figure[$key]="$(median "$@")"
}

if wants poll; then
  "$vigil" demo-server --port 0 --customers "$customers" >"$tmp/server.out" 2>"$tmp/server.err" &
  server_pid=$!
  url=""
  for _ in $(seq 100); do
    url="$(grep -m 1 -o -E 'http://[^ ]*' "$tmp/server.out" || true)"
    [ -n "$url" ] && break
    sleep 0.1
  done
  if [ -z "$url" ]; then
    echo "bench-postgres.sh: the demo server did not start" >&2
    cat "$tmp/server.err" >&2
    exit 1
  fi
  declare -a poll_file poll_pg poll_file_cpu poll_pg_cpu poll2_file poll2_pg
  echo "Poll of $customers customers from $url, each on a fresh book, then again (the daily poll):"
  for run in $(seq "$runs"); do
    for engine in file pg; do
      if [ "$engine" = file ]; then
        book="$tmp/poll.db"
        rm -f "$book" "$book-wal" "$book-shm"
      else
        book="$(pg_book vigil_bench_poll)"
      fi
      "$vigil" --db "$book" source add demo "$url" >"$tmp/source-add.log" 2>&1 || {
        cat "$tmp/source-add.log" >&2
        exit 1
      }
      timed "$tmp/poll.log" "$vigil" --db "$book" poll demo
      if ! grep -q "^demo: $customers read, $customers stored" "$tmp/poll.log"; then
        echo "bench-postgres.sh: the poll into $engine did not store the $customers customers:" >&2
        cat "$tmp/poll.log" >&2
        exit 1
      fi
      printf '  run %d: %-4s %6s s, vigil CPU %5s s\n' "$run" "$engine" "$elapsed" "$cpu"
      if [ "$engine" = file ]; then
        poll_file+=("$elapsed"); poll_file_cpu+=("$cpu")
      else
        poll_pg+=("$elapsed"); poll_pg_cpu+=("$cpu")
      fi
      # the daily poll: a second later, the server's book has moved on
      sleep 1.1
      timed "$tmp/poll2.log" "$vigil" --db "$book" poll demo
      if ! grep -q "^demo: $customers read" "$tmp/poll2.log"; then
        echo "bench-postgres.sh: the second poll into $engine did not read the $customers customers:" >&2
        cat "$tmp/poll2.log" >&2
        exit 1
      fi
      printf '  run %d: %-4s %6s s, vigil CPU %5s s (into its history: %s)\n' "$run" "$engine" "$elapsed" "$cpu" \
        "$(grep -m 1 "^demo:" "$tmp/poll2.log" | sed 's/^demo: //')"
      if [ "$engine" = file ]; then poll2_file+=("$elapsed"); else poll2_pg+=("$elapsed"); fi
    done
  done
  keep_figure poll.file "${poll_file[@]}"
  keep_figure poll.pg "${poll_pg[@]}"
  keep_figure poll2.file "${poll2_file[@]}"
  keep_figure poll2.pg "${poll2_pg[@]}"
  figure_cpu[poll.file]="$(median "${poll_file_cpu[@]}")"
  figure_cpu[poll.pg]="$(median "${poll_pg_cpu[@]}")"
  echo
fi

if wants rescore || wants scores; then
  file_book="$tmp/book.db"
  pg_location="$(pg_book vigil_bench_book)"
  "$gen" --customers "$customers" --days "$days" --format csv --output "$tmp/book.csv" 2>"$tmp/gen.log" || {
    cat "$tmp/gen.log" >&2
    exit 1
  }
  timed "$tmp/import.log" "$vigil" --db "$file_book" import "$tmp/book.csv" --source book
  echo "Import of $((customers * days)) snapshots: file $elapsed s"
  timed "$tmp/import.log" "$vigil" --db "$pg_location" import "$tmp/book.csv" --source book
  echo "Import of $((customers * days)) snapshots: pg   $elapsed s"
  echo
fi

# same_scores: whether both books' `scores --format json` are the same bytes
same_scores ()
{
  "$vigil" --db "$file_book" scores --format json >"$tmp/file-scores.json"
  "$vigil" --db "$pg_location" scores --format json >"$tmp/pg-scores.json"
  if cmp -s "$tmp/file-scores.json" "$tmp/pg-scores.json"; then
    echo "  both books: the same scores ($(wc -c <"$tmp/pg-scores.json") bytes of JSON)"
  else
    echo "  MISMATCH: the books' scores differ (kept: $tmp/file-scores.json, $tmp/pg-scores.json)"
    keep=1
    status=1
  fi
}

if wants rescore; then
  declare -a rescore_file rescore_pg
  echo "Rescore of $((customers * days)) snapshots (a scorecard change):"
  for run in $(seq "$runs"); do
    target=$((run % 2 ? 6000 : 5000))
    for engine in file pg; do
      if [ "$engine" = file ]; then book="$file_book"; else book="$pg_location"; fi
      timed "$tmp/rescore.log" "$vigil" --db "$book" scorecard set volume.target "$target"
      printf '  run %d: %-4s %6s s, vigil CPU %5s s (volume.target %s)\n' "$run" "$engine" "$elapsed" "$cpu" "$target"
      if [ "$engine" = file ]; then rescore_file+=("$elapsed"); else rescore_pg+=("$elapsed"); fi
    done
    same_scores
  done
  keep_figure rescore.file "${rescore_file[@]}"
  keep_figure rescore.pg "${rescore_pg[@]}"
  echo
fi

if wants scores; then
  declare -a scores_file scores_pg
  echo "vigil scores --format json, $customers customers:"
  for run in $(seq "$runs"); do
    for engine in file pg; do
      if [ "$engine" = file ]; then book="$file_book"; else book="$pg_location"; fi
      timed "$tmp/scores.json" "$vigil" --db "$book" scores --format json
      printf '  run %d: %-4s %6s s, vigil CPU %5s s\n' "$run" "$engine" "$elapsed" "$cpu"
      if [ "$engine" = file ]; then scores_file+=("$elapsed"); else scores_pg+=("$elapsed"); fi
    done
  done
  keep_figure scores.file "${scores_file[@]}"
  keep_figure scores.pg "${scores_pg[@]}"
  wants rescore || same_scores
  echo
fi

echo "Medians of $runs (seconds; issue 19's goals for PostgreSQL):"
printf '  %-34s %8s %8s %8s  %-22s %s\n' "" file pg "pg/file" goal verdict
# verdict_row LABEL KEY GOAL_TEXT AWK_TEST: AWK_TEST sees f (file) and p (pg)
verdict_row ()
{
  local f="${figure[$2.file]:-}" p="${figure[$2.pg]:-}"
  [ -n "$f" ] && [ -n "$p" ] || return 0
  local verdict=MISS
  if awk -v f="$f" -v p="$p" "BEGIN { exit !($4) }"; then verdict=PASS; fi
  printf '  %-34s %8s %8s %8s  %-22s %s\n' "$1" "$f" "$p" "$(calc "%.2fx" "$p / ($f > 0 ? $f : 0.005)")" \
    "$3" "$verdict"
}
verdict_row "poll, $customers customers" poll "pg within 2x of file" "p <= 2 * f"
verdict_row "poll into a book with history" poll2 "pg within 2x of file" "p <= 2 * f"
verdict_row "rescore, $((customers * days)) snapshots" rescore "pg under 2 s" "p < 2"
verdict_row "scores --format json, $customers" scores "pg under 0.5 s" "p < 0.5"
if wants poll; then
  echo "  (poll, vigil's own CPU: file ${figure_cpu[poll.file]} s, pg ${figure_cpu[poll.pg]} s)"
fi
[ "$customers" -eq 10000 ] && [ "$days" -eq 52 ] || echo "  (the goals are set for 10,000 customers x 52 days)"

exit "$status"
