#!/usr/bin/env bash
# bench-details.sh: the per-customer endpoint benchmark of design 7
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench-details.sh [--customers N] [--keep]
#
# For concurrency 1, 6 and 16, starts a fresh `vigil demo-server` that
# holds every answer back 20 ms (VIGIL_DEMO_LATENCY_MS=20, without
# blocking it), adds a source on its list-only route /accounts with a
# mapping whose detail_url is /usage/{id} (one detail request a customer),
# and times one `vigil poll` of it on a fresh database. Concurrency 6
# and 16 poll N customers (default 10,000); concurrency 1 polls 1,000,
# since 10,000 one at a time would take over 200 s.
#
# The floor is the time the latency alone takes: the list pages come one
# after another, then the details C at a time:
#   floor = pages × 20 ms + details × 20 ms / C
# The goal (design 7) is a poll at concurrency 6 within 1.25× of it.
#
# Environment:
#   VIGIL_BINARY     the vigil binary (default: the script's ../../build/src/vigil)
#   TMPDIR           where the databases go
#
# Exit status: 0 when every poll completed and stored every customer with
# its details (the goal met or not: it is reported, not enforced), 1
# otherwise, 2 for bad arguments.

set -euo pipefail

customers=10000
serial_customers=1000
keep=0
latency_ms=20
page_size=500   # the demo server's
goal_ratio=1.25
goal_concurrency=6

usage ()
{
  sed -n '8,/^$/p' "$0" | sed -e 's/^#//' -e 's/^ //'
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers="${2:?--customers needs N}"; shift 2 ;;
    --customers=*) customers="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "bench-details.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done

case "$customers" in
  ''|*[!0-9]*) echo "bench-details.sh: --customers takes a positive integer" >&2; exit 2 ;;
esac
if [ "$customers" -lt 1 ] || [ "$customers" -gt 1000000 ]; then
  echo "bench-details.sh: --customers must be between 1 and 1000000" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vigil="${VIGIL_BINARY:-$here/../../build/src/vigil}"

if [ ! -x "$vigil" ]; then
  echo "bench-details.sh: no vigil binary at $vigil (build it, or set VIGIL_BINARY)" >&2
  exit 1
fi
vigil="$(cd "$(dirname "$vigil")" && pwd)/$(basename "$vigil")"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-details.XXXXXX")"
server_pid=""

stop_server ()
{
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

# shellcheck disable=SC2317  # invoked by the trap
cleanup ()
{
  stop_server
  if [ "$keep" -eq 1 ]; then
    echo "Kept the files in $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

have_time=1
if [ ! -x /usr/bin/time ]; then
  have_time=0
  echo "NOTE: /usr/bin/time is missing: timing with bash's time"
fi

# measure LOG COMMAND...: runs COMMAND with its output in LOG and sets
# $elapsed (seconds).
measure ()
{
  local log="$1"
  shift
  if [ "$have_time" -eq 1 ]; then
    if ! /usr/bin/time -f '%e' -o "$tmp/time" "$@" >"$log" 2>&1; then
      echo "bench-details.sh: failed: $*" >&2
      cat "$log" >&2
      exit 1
    fi
    elapsed="$(tail -n 1 "$tmp/time")"
  else
    local TIMEFORMAT=%R
    if ! { time "$@" >"$log" 2>&1; } 2>"$tmp/time"; then
      echo "bench-details.sh: failed: $*" >&2
      cat "$log" >&2
      exit 1
    fi
    elapsed="$(tail -n 1 "$tmp/time")"
  fi
}

calc ()
{
  awk "BEGIN { printf \"$1\", $2 }"
}

# start_server N: a demo server of N customers with the latency, on a free
# port; sets $base, "http://127.0.0.1:PORT", from its first line of output.
start_server ()
{
  local url=""

  VIGIL_DEMO_LATENCY_MS="$latency_ms" "$vigil" demo-server --port 0 --customers "$1" \
    >"$tmp/server.out" 2>"$tmp/server.err" &
  server_pid=$!
  for _ in $(seq 100); do
    if [ -s "$tmp/server.out" ]; then
      url="$(head -n 1 "$tmp/server.out" | grep -o 'http://[^ ]*' || true)"
      [ -n "$url" ] && break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  if [ -z "$url" ]; then
    echo "bench-details.sh: the demo server did not start" >&2
    cat "$tmp/server.out" "$tmp/server.err" >&2
    exit 1
  fi
  base="${url%/usage}"
}

# write_mapping FILE: the list from /accounts, the usage from /usage/{id}.
write_mapping ()
{
  cat >"$1" <<EOF
{
  "records": "/data",
  "fields": {"id": "/id", "name": "/name"},
  "pagination": {"style": "next-url", "pointer": "/links/next"},
  "detail_url": "$base/usage/{id}",
  "detail_fields": {
    "api_calls_7d": "/usage/api_calls_7d",
    "features": "/usage/features",
    "seats": "/usage/seats",
    "seats_used": "/usage/seats_used",
    "last_active": "/usage/last_active"
  }
}
EOF
}

# check_details DB: whether every customer was stored with the details
# only /usage/{id} gives. Seats are fixed per demo customer (known for
# some, unknown for others), so the stored seats must match, id for id,
# those of the server's native list /usage, read here (untimed) from the
# same server. Prints "ok" or what differs, or "n/a" without Python.
check_details ()
{
  if ! command -v python3 >/dev/null 2>&1; then
    echo "n/a"
    return
  fi
  python3 - "$1" "$base/usage" <<'EOF'
import json, sqlite3, sys, urllib.request
db_path, url = sys.argv[1], sys.argv[2]
native = {}
while url:
    with urllib.request.urlopen(url) as response:
        page = json.load(response)
    for customer in page["customers"]:
        native[customer["id"]] = customer.get("seats")
    url = page.get("next")
db = sqlite3.connect(db_path)
stored = dict(db.execute(
    "SELECT c.external_id, s.seats FROM snapshots s JOIN customers c ON c.id = s.customer_id"))
if stored == native:
    print("ok")
else:
    differ = sum(1 for k in native.keys() | stored.keys() if native.get(k, -1) != stored.get(k, -1))
    print("%d stored, %d served, %d differ" % (len(stored), len(native), differ))
EOF
}

echo "Vigil per-customer endpoint benchmark: ${latency_ms} ms a request, list pages of $page_size"
echo "  machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "  vigil:     $vigil"
echo "  customers: $customers at concurrency 6 and 16, $serial_customers at concurrency 1" \
  "(one at a time, $customers would take $(calc "%.0f" "$customers * $latency_ms / 1000") s)"
echo "  files:     $tmp"
echo

rows=()
status=0
goal_verdict=""
goal_ratio_seen=""
for concurrency in 1 6 16; do
  if [ "$concurrency" -eq 1 ]; then n="$serial_customers"; else n="$customers"; fi
  pages=$(((n + page_size - 1) / page_size))
  requests=$((pages + n))

  start_server "$n"
  write_mapping "$tmp/mapping.json"

  db="$tmp/bench-$concurrency.db"
  rm -f "$db" "$db-wal" "$db-shm"
  "$vigil" --db "$db" source add bench "$base/accounts" --mapping "$tmp/mapping.json" \
    --concurrency "$concurrency" >"$tmp/source-add.log" 2>&1 || {
    cat "$tmp/source-add.log" >&2
    exit 1
  }
  measure "$tmp/poll-$concurrency.log" "$vigil" --db "$db" poll bench
  details="$(check_details "$db")"
  stop_server

  if ! grep -q "^bench: $n read, $n stored" "$tmp/poll-$concurrency.log"; then
    echo "bench-details.sh: vigil poll did not store the $n customers:" >&2
    cat "$tmp/poll-$concurrency.log" >&2
    status=1
  fi
  if [ "$details" != "ok" ] && [ "$details" != "n/a" ]; then
    echo "bench-details.sh: the stored details do not match the server's: $details" >&2
    status=1
  fi

  floor="$(calc "%.3f" "($pages * $latency_ms + $n * $latency_ms / $concurrency) / 1000")"
  ratio="$(calc "%.3f" "$elapsed / $floor")"
  if awk "BEGIN { exit !($ratio <= $goal_ratio) }"; then verdict=PASS; else verdict=MISS; fi
  if [ "$concurrency" -eq "$goal_concurrency" ]; then
    goal_verdict="$verdict"
    goal_ratio_seen="$ratio"
  fi
  rows+=("$(printf '  %11d %9d %6d %8d %8.2f %8.2f %6.3f  %s' "$concurrency" "$n" "$pages" \
    "$requests" "$elapsed" "$floor" "$ratio" "$verdict")")
  echo "  concurrency $concurrency: $elapsed s: $(head -n 1 "$tmp/poll-$concurrency.log")" \
    "(details checked: $details)"
done
echo

echo "One poll each, on a fresh database and a fresh server" \
  "(floor = pages × ${latency_ms} ms + customers × ${latency_ms} ms / concurrency):"
printf '  %11s %9s %6s %8s %8s %8s %6s  %s\n' concurrency customers pages requests seconds floor ratio \
  "≤ ${goal_ratio}×"
printf '%s\n' "${rows[@]}"
echo

echo "Goal (design 7):"
if [ "$customers" -ne 10000 ]; then
  echo "  (the goal is set for 10,000 customers; this run has $customers)"
fi
printf '  %-72s %6s× %s\n' \
  "a ${latency_ms} ms per-customer endpoint at concurrency $goal_concurrency within ${goal_ratio}× of the floor" \
  "$goal_ratio_seen" "$goal_verdict"

exit "$status"
