#!/usr/bin/env bash
# bench-poll.sh: the paged-endpoint poll benchmark of design 7, Vigil against its Python peer
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench-poll.sh [--customers N] [--keep]
#
# Starts `vigil demo-server` with N customers (default 10,000; 500 a page,
# each page carrying the absolute URL of the next), then, side by side and
# each on a fresh database every run, times one `vigil poll` of it (after
# an untimed `vigil source add`) and one run of tests/bench/peer_poll.py
# (after an untimed `vigil scores` creates the same schema): best of 3
# runs each, interleaved. Prints the figures against the goal of design 7
# and checks that both did the same work.
#
# Environment:
#   VIGIL_BINARY     the vigil binary (default: the script's ../../build/src/vigil)
#   PYTHON           the Python that runs the peer (default: python3)
#   TMPDIR           where the databases go
#
# Exit status: 0 when the run completed and both databases agree (the goal
# met or not: it is reported, not enforced), 1 otherwise.

set -euo pipefail

customers=10000
runs=3
keep=0
page_size=500   # the demo server's

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
    *) echo "bench-poll.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done

case "$customers" in
  ''|*[!0-9]*) echo "bench-poll.sh: --customers takes a positive integer" >&2; exit 2 ;;
esac
if [ "$customers" -lt 1 ] || [ "$customers" -gt 1000000 ]; then
  echo "bench-poll.sh: --customers must be between 1 and 1000000" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vigil="${VIGIL_BINARY:-$here/../../build/src/vigil}"
python="${PYTHON:-python3}"
peer="$here/peer_poll.py"
pages=$(((customers + page_size - 1) / page_size))
full_size=0
[ "$customers" -eq 10000 ] && full_size=1

if [ ! -x "$vigil" ]; then
  echo "bench-poll.sh: no vigil binary at $vigil (build it, or set VIGIL_BINARY)" >&2
  exit 1
fi
vigil="$(cd "$(dirname "$vigil")" && pwd)/$(basename "$vigil")"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-poll.XXXXXX")"
server_pid=""
# shellcheck disable=SC2317  # invoked by the trap
cleanup ()
{
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
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
  echo "NOTE: /usr/bin/time is missing: timing with bash's time, peak RSS not measured"
fi

# measure LOG COMMAND...: runs COMMAND with its output in LOG and sets
# $elapsed (seconds) and $rss_kb (peak resident set, KiB, or "n/a").
measure ()
{
  local log="$1"
  shift
  if [ "$have_time" -eq 1 ]; then
    if ! /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$log" 2>&1; then
      echo "bench-poll.sh: failed: $*" >&2
      cat "$log" >&2
      exit 1
    fi
    read -r elapsed rss_kb <"$tmp/time"
  else
    local TIMEFORMAT=%R
    if ! { time "$@" >"$log" 2>&1; } 2>"$tmp/time"; then
      echo "bench-poll.sh: failed: $*" >&2
      cat "$log" >&2
      exit 1
    fi
    elapsed="$(tail -n 1 "$tmp/time")"
    rss_kb="n/a"
  fi
}

calc ()
{
  awk "BEGIN { printf \"$1\", $2 }"
}

mb ()
{
  if [ "$1" = "n/a" ]; then echo "n/a"; else calc "%.1f" "$1 / 1024"; fi
}

# less A B: whether A < B (numbers)
less ()
{
  awk "BEGIN { exit !($1 < $2) }"
}

# The larger of two RSS figures (either may be "n/a").
max_kb ()
{
  if [ "$1" = "n/a" ] || [ "$2" = "n/a" ]; then echo "n/a"
  elif [ "$1" -ge "$2" ]; then echo "$1"; else echo "$2"; fi
}

# What a database ends with: snapshots, scores, customers, features,
# healthy, at-risk and high-risk snapshots, the sum of all health scores,
# and how many stored scores differ (by more than 1e-6) from the default
# score of design 3.1 recomputed by peer_import.py from the stored inputs.
fingerprint ()
{
  PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" "$python" - "$1" <<'EOF'
import sqlite3, sys
from peer_import import Record, Scorecard
db = sqlite3.connect(sys.argv[1])
q = lambda sql: db.execute(sql).fetchone()[0]
card = Scorecard(*db.execute(
    "SELECT version, definition FROM scorecards ORDER BY version DESC LIMIT 1").fetchone())
wrong = 0
for (observed_at, last_active, api_calls_7d, features_used, seats, seats_used,
     open_tickets, nps, health, tier) in db.execute(
        "SELECT s.observed_at, s.last_active, s.api_calls_7d, s.features_used, s.seats, s.seats_used, "
        "s.open_tickets, s.nps, k.health, k.tier FROM snapshots s "
        "LEFT JOIN scores k USING (customer_id, observed_at)"):
    r = Record()
    r.observed_at, r.last_active, r.api_calls_7d, r.features_used = \
        observed_at, last_active, api_calls_7d, features_used
    r.seats, r.seats_used, r.open_tickets, r.nps = seats, seats_used, open_tickets, nps
    want, want_tier, _ = card.compute(r)
    if (want is None) != (health is None) or want_tier != tier or \
            (want is not None and abs(want - health) > 1e-6):
        wrong += 1
print(q("SELECT count(*) FROM snapshots"),
      q("SELECT count(*) FROM scores"),
      q("SELECT count(*) FROM customers"),
      q("SELECT count(*) FROM features"),
      q("SELECT count(*) FROM scores WHERE tier = 'healthy'"),
      q("SELECT count(*) FROM scores WHERE tier = 'at-risk'"),
      q("SELECT count(*) FROM scores WHERE tier = 'high-risk'"),
      "%.3f" % (q("SELECT total(health) FROM scores")),
      wrong)
EOF
}

# The demo server, on a free port; its first line of output names the URL.
"$vigil" demo-server --port 0 --customers "$customers" >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
url=""
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
  echo "bench-poll.sh: the demo server did not start" >&2
  cat "$tmp/server.out" "$tmp/server.err" >&2
  exit 1
fi

echo "Vigil poll benchmark: $customers customers, $pages pages of $page_size"
echo "  machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "  vigil:   $vigil"
echo "  peer:    $peer ($("$python" -c 'import sys, sqlite3; print("Python", sys.version.split()[0], "SQLite", sqlite3.sqlite_version)'))"
echo "  server:  $url (pid $server_pid)"
echo "  files:   $tmp"
echo

vigil_s="" vigil_kb="" peer_s="" peer_kb=""
for run in $(seq "$runs"); do
  # Vigil: the source added untimed, the poll timed.
  rm -f "$tmp/vigil.db" "$tmp/vigil.db-wal" "$tmp/vigil.db-shm"
  "$vigil" --db "$tmp/vigil.db" source add demo "$url" >"$tmp/source-add.log" 2>&1 || {
    cat "$tmp/source-add.log" >&2
    exit 1
  }
  measure "$tmp/vigil-poll.log" "$vigil" --db "$tmp/vigil.db" poll demo
  if ! grep -q "^demo: $customers read, $customers stored" "$tmp/vigil-poll.log"; then
    echo "bench-poll.sh: vigil poll did not store the $customers customers:" >&2
    cat "$tmp/vigil-poll.log" >&2
    exit 1
  fi
  if [ -z "$vigil_s" ] || less "$elapsed" "$vigil_s"; then vigil_s="$elapsed"; fi
  vigil_kb="$(max_kb "${vigil_kb:-0}" "$rss_kb")"
  echo "  run $run: vigil $elapsed s, $(mb "$rss_kb") MB: $(head -n 1 "$tmp/vigil-poll.log")"

  # The peer: the schema created untimed, the poll timed.
  rm -f "$tmp/peer.db" "$tmp/peer.db-wal" "$tmp/peer.db-shm"
  "$vigil" --db "$tmp/peer.db" scores >/dev/null
  measure "$tmp/peer-poll.log" env VIGIL_BINARY="$vigil" "$python" "$peer" "$tmp/peer.db" "$url"
  if ! grep -q "^demo: $customers read, $customers stored.*, $pages pages)" "$tmp/peer-poll.log"; then
    echo "bench-poll.sh: the peer did not store the $customers customers from $pages pages:" >&2
    cat "$tmp/peer-poll.log" >&2
    exit 1
  fi
  if [ -z "$peer_s" ] || less "$elapsed" "$peer_s"; then peer_s="$elapsed"; fi
  peer_kb="$(max_kb "${peer_kb:-0}" "$rss_kb")"
  echo "  run $run: peer  $elapsed s, $(mb "$rss_kb") MB: $(head -n 1 "$tmp/peer-poll.log")"
done
echo

# The last run of each, a second or so apart, is what is compared.
vigil_fp="$(fingerprint "$tmp/vigil.db")"
peer_fp="$(fingerprint "$tmp/peer.db")"
speedup="$(calc "%.2f" "$peer_s / ($vigil_s > 0 ? $vigil_s : 0.005)")"

echo "Best of $runs, each on a fresh database (peak RSS: the largest of the runs):"
printf '  %9s %6s %9s %9s %9s %9s %9s\n' customers pages "vigil s" "peer s" speed-up "vigil MB" "peer MB"
printf '  %9d %6d %9.2f %9.2f %8sx %9s %9s\n' "$customers" "$pages" "$vigil_s" "$peer_s" "$speedup" \
  "$(mb "$vigil_kb")" "$(mb "$peer_kb")"
echo

status=0
echo "Honesty check: what each database ends with (the last run of each)"
printf '  %-6s %10s %10s %10s %9s %9s %9s %10s %16s %10s\n' \
  "" snapshots scores customers features healthy at-risk high-risk "sum of health" "rescored≠"
# shellcheck disable=SC2086
printf '  %-6s %10s %10s %10s %9s %9s %9s %10s %16s %10s\n' vigil $vigil_fp
# shellcheck disable=SC2086
printf '  %-6s %10s %10s %10s %9s %9s %9s %10s %16s %10s\n' peer $peer_fp
read -r v_snap v_scores v_cust v_feat _ _ _ v_sum v_wrong <<<"$vigil_fp"
read -r p_snap p_scores p_cust p_feat _ _ _ p_sum p_wrong <<<"$peer_fp"
if [ "$v_snap" -eq "$customers" ] && [ "$v_snap" -eq "$p_snap" ] && [ "$v_scores" -eq "$p_scores" ] \
   && [ "$v_cust" -eq "$p_cust" ] && [ "$v_feat" -eq "$p_feat" ]; then
  echo "  snapshots, scores, customers, features: the same ($v_snap snapshots)"
else
  echo "  snapshots, scores, customers or features: MISMATCH: the two polls did not do the same work"
  status=1
fi
# The demo server serves live usage as of the moment of each request (last
# activity, 7-day calls), so two polls a second apart cannot score to the
# identical sum: they must agree to within 0.01 point a snapshot on
# average, and every stored score must be the one design 3.1 gives for
# the stored inputs (recomputed independently by peer_import.py).
diff="$(calc "%.3f" "$v_sum - $p_sum")"
if awk "BEGIN { d = $v_sum - $p_sum; if (d < 0) d = -d; exit !(d <= 0.01 * $v_snap) }"; then
  echo "  sum of health: vigil $v_sum, peer $p_sum, difference $diff: the same to within 0.01 a snapshot (live data)"
else
  echo "  sum of health: vigil $v_sum, peer $p_sum, difference $diff: MISMATCH"
  status=1
fi
if [ "$v_wrong" -eq 0 ] && [ "$p_wrong" -eq 0 ]; then
  echo "  every stored score of both is the default score of its stored inputs"
else
  echo "  scores that are not the default score of their stored inputs: vigil $v_wrong, peer $p_wrong: MISMATCH"
  status=1
fi
echo

echo "Goal (design 7):"
if [ "$full_size" -eq 0 ]; then
  echo "  (the goal is set for 10,000 customers; this run has $customers)"
fi
if less "$vigil_s" 0.5 && less "$vigil_s" "$peer_s"; then verdict=PASS; else verdict=MISS; fi
printf '  %-82s %8s %-2s %s\n' "one poll of 10,000 customers stored and scored < 0.5 s and faster than the peer" \
  "$vigil_s" s "$verdict"
echo "    (the peer: $peer_s s; vigil is ${speedup}x the peer)"

exit "$status"
