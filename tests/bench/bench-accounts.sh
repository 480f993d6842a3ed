#!/usr/bin/env bash
# bench-accounts.sh: the accounts benchmark of design 7, three sources against one
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench-accounts.sh [--customers N] [--days D] [--keep]
#
# Generates the same N customers (default 10,000) twice, as CSV:
# once as a single-source book (every field, D daily rows each, default
# 365) and once as three sources that join by their keys (design 2.6):
# a CRM export (one row a customer: name, owner, MRR, seats, renewal),
# product analytics (D daily rows a customer: activity, calls,
# features) and a support export (one row a customer: tickets, NPS),
# 3 × N records. Imports the single book, then the three sources in that
# order (CRM, product, support) into another database, times each
# import and `vigil scores --format json` on both books (best of 3),
# and prints the three-source figures against the single-source ones.
#
# Environment:
#   VIGIL_BINARY     the vigil binary (default: the build tree's)
#   VIGIL_BENCH_GEN  the generator (default: the build tree's tests/vigil-bench-gen)
#   PYTHON           checks the books (default: python3)
#   TMPDIR           where the files go (about 3 GB at full size)
#
# Exit status: 0 when the run completed and the three-source book holds
# one customer per company with all its records (goals met or not: they
# are reported, not enforced), 1 otherwise.

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
    *) echo "bench-accounts.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done

case "$customers$days" in
  *[!0-9]*) echo "bench-accounts.sh: --customers and --days take positive integers" >&2; exit 2 ;;
esac
if [ "$customers" -lt 1 ] || [ "$days" -lt 1 ]; then
  echo "bench-accounts.sh: --customers and --days take positive integers" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vigil="${VIGIL_BINARY:-$here/../../build/src/vigil}"
gen="${VIGIL_BENCH_GEN:-$(dirname "$vigil")/../tests/vigil-bench-gen}"
python="${PYTHON:-python3}"

for program in "$vigil" "$gen"; do
  if [ ! -x "$program" ]; then
    echo "bench-accounts.sh: no program at $program (build with meson, or set VIGIL_BINARY and VIGIL_BENCH_GEN)" >&2
    exit 1
  fi
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-accounts.XXXXXX")"
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

now ()
{
  date +%s.%N
}

calc ()
{
  awk "BEGIN { printf \"$1\", $2 }"
}

# timed LOG COMMAND...: runs COMMAND with its output in LOG and sets
# $elapsed (seconds) and $cpu (user + system seconds: on a machine
# shared with other work, the steadier of the two).
timed ()
{
  local log="$1" times
  shift
  sync
  if ! times="$( { TIMEFORMAT='%R %U %S'; time "$@" >"$log" 2>&1; } 2>&1 )"; then
    echo "bench-accounts.sh: failed: $*" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  elapsed="$(calc "%.2f" "$(echo "$times" | awk '{ print $1 }')")"
  cpu="$(calc "%.2f" "$(echo "$times" | awk '{ print $2 + $3 }')")"
}

# scores_time DB: the best of three runs of `vigil scores --format json`.
scores_time ()
{
  local best="" best_cpu=""
  for _ in 1 2 3; do
    timed "$tmp/scores.json" "$vigil" --db "$1" scores --format json
    if [ -z "$best" ] || awk "BEGIN { exit !($elapsed < $best) }"; then
      best="$elapsed"
    fi
    if [ -z "$best_cpu" ] || awk "BEGIN { exit !($cpu < $best_cpu) }"; then
      best_cpu="$cpu"
    fi
  done
  elapsed="$best"
  cpu="$best_cpu"
}

generate ()
{
  "$gen" --customers "$customers" --format csv "$@" 2>>"$tmp/gen.log" || {
    cat "$tmp/gen.log" >&2
    exit 1
  }
}

echo "Vigil accounts benchmark: $customers customers x $days days, one source against three"
echo "  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "  vigil:   $vigil"
echo "  files:   $tmp"
echo

generate --days "$days" --output "$tmp/single.csv"
generate --days 1 --role crm --output "$tmp/crm.csv"
generate --days "$days" --role product --output "$tmp/product.csv"
generate --days 1 --role support --output "$tmp/support.csv"

single_db="$tmp/single.db"
three_db="$tmp/three.db"
declare -A import_s

timed "$tmp/import.log" "$vigil" --db "$single_db" import "$tmp/single.csv" --source single
single_s="$elapsed"
single_cpu="$cpu"
declare -A import_cpu
for source in crm product support; do
  timed "$tmp/import.log" "$vigil" --db "$three_db" import "$tmp/$source.csv" --source "$source"
  import_s[$source]="$elapsed"
  import_cpu[$source]="$cpu"
done
scores_time "$single_db"
single_scores_s="$elapsed"
single_scores_cpu="$cpu"
scores_time "$three_db"
three_scores_s="$elapsed"
three_scores_cpu="$cpu"

# The three-source book must be one customer per company, each with its
# three records and a score.
read -r n_customers n_records n_unscored <<<"$("$python" - "$three_db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = lambda sql: db.execute(sql).fetchone()[0]
print(q("SELECT count(*) FROM customers"), q("SELECT count(*) FROM records"),
      q("SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM scores k "
        "WHERE k.customer_id = c.id AND k.observed_at = c.latest_at AND k.health IS NOT NULL)"))
PY
)"

three_total="$(calc "%.2f" "${import_s[crm]} + ${import_s[product]} + ${import_s[support]}")"
three_cpu="$(calc "%.2f" "${import_cpu[crm]} + ${import_cpu[product]} + ${import_cpu[support]}")"
# row LABEL SECONDS CPU [SINGLE_SECONDS SINGLE_CPU]: one line of figures,
# with the ratios to the single-source book when given.
row ()
{
  local ratios=""
  if [ $# -ge 5 ]; then
    ratios="$(calc "%.2fx single" "$2 / $4") ($(calc "%.2fx" "$3 / $5") in cpu)"
  fi
  printf '%-44s %9s %11s   %s\n' "$1" "$2 s" "cpu $3 s" "$ratios"
}
row "single source: import ($((customers * days)) rows)" "$single_s" "$single_cpu"
row "three sources: import crm ($customers rows)" "${import_s[crm]}" "${import_cpu[crm]}"
row "three sources: import product ($((customers * days)) rows)" "${import_s[product]}" "${import_cpu[product]}" \
  "$single_s" "$single_cpu"
row "three sources: import support ($customers rows)" "${import_s[support]}" "${import_cpu[support]}"
row "three sources: the three imports" "$three_total" "$three_cpu" "$single_s" "$single_cpu"
row "single source: scores --format json" "$single_scores_s" "$single_scores_cpu"
row "three sources: scores --format json" "$three_scores_s" "$three_scores_cpu" \
  "$single_scores_s" "$single_scores_cpu"
echo "goal (design 7): each within 1.2x of the single-source book"
echo "three-source book: $n_customers customers, $n_records records, $n_unscored without a score"

if [ "$n_customers" -ne "$customers" ] || [ "$n_records" -ne $((3 * customers)) ] || [ "$n_unscored" -ne 0 ]; then
  echo "bench-accounts.sh: the three sources did not join into $customers scored customers of 3 records" >&2
  exit 1
fi
