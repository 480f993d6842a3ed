#!/usr/bin/env bash
# bench-poll.sh: the paged-endpoint poll benchmark of design 7, Vigil against its Python peer
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench-poll.sh [--customers N] [--runs R] [--baseline VIGIL] [--keep]
#
# Two endpoints serve the same N customers (default 10,000), 500 a page in
# the native format (design 2.1), each page carrying the absolute URL of
# the next in "next":
#   demo    `vigil demo-server`, which writes each page from memory when
#           asked (the customers as they are at the request);
#   static  a plain static file server (Python's http.server, HTTP/1.1,
#           on 127.0.0.1) serving the demo server's pages saved once as
#           files, each file's "next" the URL of the next file.
# On each, side by side and interleaved, each on a fresh database every
# run, it times one `vigil poll` (after an untimed `vigil source add`),
# the same poll by the previous release's vigil, and one run of
# tests/bench/peer_poll.py (after an untimed `vigil scores` creates the
# same schema): best of R runs (default 5), wall-clock and CPU
# (user+sys) apart. Prints the figures against the goal of design 7
# (at most half the peer's time, and under 0.5 s) and checks that all
# of them did the same work.
#
# Environment:
#   VIGIL_BINARY     the vigil binary (default: the script's ../../build/src/vigil)
#   VIGIL_BASELINE   the previous release's vigil, also --baseline
#                    (default: /tmp/baseline-build/src/vigil when it exists;
#                    empty for none)
#   PYTHON           the Python that runs the peer and the static server
#                    (default: python3)
#   TMPDIR           where the databases and the page files go
#
# Exit status: 0 when the run completed and the databases agree (the goal
# met or not: it is reported, not enforced), 1 otherwise.

set -euo pipefail

customers=10000
runs=5
keep=0
page_size=500   # the demo server's
baseline="${VIGIL_BASELINE-/tmp/baseline-build/src/vigil}"

usage ()
{
  sed -n '8,/^$/p' "$0" | sed -e 's/^#//' -e 's/^ //'
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers="${2:?--customers needs N}"; shift 2 ;;
    --customers=*) customers="${1#*=}"; shift ;;
    --runs) runs="${2:?--runs needs R}"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --baseline) baseline="${2?--baseline needs VIGIL}"; shift 2 ;;
    --baseline=*) baseline="${1#*=}"; shift ;;
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
case "$runs" in
  ''|*[!0-9]*|0) echo "bench-poll.sh: --runs takes a positive integer" >&2; exit 2 ;;
esac

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
if [ -n "$baseline" ] && [ ! -x "$baseline" ]; then
  echo "NOTE: no previous release at $baseline: its column is left out (--baseline VIGIL sets it)"
  baseline=""
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-poll.XXXXXX")"
server_pid=""
static_pid=""
# shellcheck disable=SC2317  # invoked by the trap
cleanup ()
{
  local pid
  for pid in "$server_pid" "$static_pid"; do
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  server_pid=""
  static_pid=""
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
  echo "NOTE: /usr/bin/time is missing: timing with bash's time, CPU time and peak RSS not measured"
fi

# measure LOG COMMAND...: runs COMMAND with its output in LOG and sets
# $elapsed (seconds), $cpu (user+sys seconds, or "n/a") and $rss_kb
# (peak resident set, KiB, or "n/a").
measure ()
{
  local log="$1"
  local user sys
  shift
  if [ "$have_time" -eq 1 ]; then
    if ! /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >"$log" 2>&1; then
      echo "bench-poll.sh: failed: $*" >&2
      cat "$log" >&2
      exit 1
    fi
    read -r elapsed user sys rss_kb <"$tmp/time"
    cpu="$(calc "%.2f" "$user + $sys")"
  else
    local TIMEFORMAT=%R
    if ! { time "$@" >"$log" 2>&1; } 2>"$tmp/time"; then
      echo "bench-poll.sh: failed: $*" >&2
      cat "$log" >&2
      exit 1
    fi
    elapsed="$(tail -n 1 "$tmp/time")"
    cpu="n/a"
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

# min A B: the smaller of two figures, either of which may be empty
# (none yet) or "n/a".
min ()
{
  if [ -z "$1" ] || [ "$1" = "n/a" ]; then echo "$2"
  elif [ -z "$2" ] || [ "$2" = "n/a" ] || less "$1" "$2"; then echo "$1"
  else echo "$2"; fi
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

# wait_for_line FILE PID PATTERN: the first match of the extended regular
# expression PATTERN in FILE, once the process PID has written it.
wait_for_line ()
{
  local found=""
  for _ in $(seq 100); do
    if [ -s "$1" ]; then
      found="$(grep -m 1 -o -E "$3" "$1" || true)"
      [ -n "$found" ] && break
    fi
    if ! kill -0 "$2" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  echo "$found"
}

# The demo server, on a free port; its first line of output names the URL.
"$vigil" demo-server --port 0 --customers "$customers" >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
demo_url="$(wait_for_line "$tmp/server.out" "$server_pid" 'http://[^ ]*')"
if [ -z "$demo_url" ]; then
  echo "bench-poll.sh: the demo server did not start" >&2
  cat "$tmp/server.out" "$tmp/server.err" >&2
  exit 1
fi

# The static file server, on a free port of 127.0.0.1, serving a folder
# that holds nothing but the pages.
mkdir "$tmp/static"
"$python" -u -m http.server --bind 127.0.0.1 --directory "$tmp/static" --protocol HTTP/1.1 0 \
  >"$tmp/static.out" 2>"$tmp/static.err" &
static_pid=$!
static_port="$(wait_for_line "$tmp/static.out" "$static_pid" 'port [0-9]+' | sed 's/port //')"
if [ -z "$static_port" ]; then
  echo "bench-poll.sh: the static file server did not start" >&2
  cat "$tmp/static.out" "$tmp/static.err" >&2
  exit 1
fi
static_url="http://127.0.0.1:$static_port/usage-1.json"

# The demo server's pages, each saved once as the file usage-N.json with
# its "next" made the URL of the next file (the last page has none).
if ! "$python" - "$demo_url" "http://127.0.0.1:$static_port" "$tmp/static" >"$tmp/static-pages.log" 2>&1 <<'EOF'
import json, sys, urllib.request
url, base, folder = sys.argv[1:]
page = 0
while url:
    page += 1
    with urllib.request.urlopen(url, timeout=30) as response:
        document = json.load(response)
    url = document.get("next")
    if url:
        document["next"] = f"{base}/usage-{page + 1}.json"
    with open(f"{folder}/usage-{page}.json", "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, separators=(",", ":"))
print(page)
EOF
then
  echo "bench-poll.sh: could not save the demo server's pages as files:" >&2
  cat "$tmp/static-pages.log" >&2
  exit 1
fi
static_pages="$(tail -n 1 "$tmp/static-pages.log")"
if [ "$static_pages" != "$pages" ]; then
  echo "bench-poll.sh: the demo server gave $static_pages pages, not $pages" >&2
  exit 1
fi

echo "Vigil poll benchmark: $customers customers, $pages pages of $page_size"
echo "  machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), load $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "  vigil:    $vigil"
echo "  baseline: ${baseline:-(none)}"
echo "  peer:     $peer ($("$python" -c 'import sys, sqlite3; print("Python", sys.version.split()[0], "SQLite", sqlite3.sqlite_version)'))"
echo "  demo:     $demo_url (vigil demo-server, pid $server_pid)"
echo "  static:   $static_url (Python http.server, pid $static_pid; $(du -sk "$tmp/static" | cut -f 1) KiB of pages)"
echo "  files:    $tmp"
echo

# poll_vigil BINARY LABEL URL: one timed poll by BINARY on a fresh database.
poll_vigil ()
{
  local db="$tmp/$2.db"
  rm -f "$db" "$db-wal" "$db-shm"
  "$1" --db "$db" source add demo "$3" >"$tmp/source-add.log" 2>&1 || {
    cat "$tmp/source-add.log" >&2
    exit 1
  }
  measure "$tmp/$2-poll.log" "$1" --db "$db" poll demo
  if ! grep -q "^demo: $customers read, $customers stored" "$tmp/$2-poll.log"; then
    echo "bench-poll.sh: $2 did not store the $customers customers:" >&2
    cat "$tmp/$2-poll.log" >&2
    exit 1
  fi
}

# poll_peer URL: one timed run of the peer on a fresh database.
poll_peer ()
{
  local db="$tmp/peer.db"
  rm -f "$db" "$db-wal" "$db-shm"
  "$vigil" --db "$db" scores >/dev/null
  measure "$tmp/peer-poll.log" env VIGIL_BINARY="$vigil" "$python" "$peer" "$db" "$1"
  if ! grep -q "^demo: $customers read, $customers stored.*, $pages pages)" "$tmp/peer-poll.log"; then
    echo "bench-poll.sh: the peer did not store the $customers customers from $pages pages:" >&2
    cat "$tmp/peer-poll.log" >&2
    exit 1
  fi
}

status=0
# Per endpoint: best wall and CPU seconds, peak RSS of vigil, the
# baseline and the peer; set by bench_endpoint.
declare -A best_s best_cpu peak_kb

# bench_endpoint NAME URL: the interleaved runs against one endpoint and
# the check that their databases did the same work.
bench_endpoint ()
{
  local name="$1" url="$2" who
  local -a whom=(vigil)
  [ -n "$baseline" ] && whom+=(baseline)
  whom+=(peer)

  echo "Endpoint $name: $url"
  for run in $(seq "$runs"); do
    for who in "${whom[@]}"; do
      case "$who" in
        vigil) poll_vigil "$vigil" vigil "$url" ;;
        baseline) poll_vigil "$baseline" baseline "$url" ;;
        peer) poll_peer "$url" ;;
      esac
      best_s[$name.$who]="$(min "${best_s[$name.$who]:-}" "$elapsed")"
      best_cpu[$name.$who]="$(min "${best_cpu[$name.$who]:-}" "$cpu")"
      peak_kb[$name.$who]="$(max_kb "${peak_kb[$name.$who]:-0}" "$rss_kb")"
      printf '  run %d: %-8s %5s s, CPU %5s s, %5s MB: %s\n' "$run" "$who" "$elapsed" "$cpu" \
        "$(mb "$rss_kb")" "$(head -n 1 "$tmp/$who-poll.log")"
    done
  done

  # The last run of each, a second or so apart, is what is compared.
  local fp_peer fp other
  fp_peer="$(fingerprint "$tmp/peer.db")"
  echo "  Honesty check: what each database ends with (the last run of each)"
  printf '    %-8s %10s %10s %10s %9s %9s %9s %10s %16s %10s\n' \
    "" snapshots scores customers features healthy at-risk high-risk "sum of health" "rescored≠"
  for who in "${whom[@]}"; do
    fp="$(fingerprint "$tmp/$who.db")"
    # shellcheck disable=SC2086
    printf '    %-8s %10s %10s %10s %9s %9s %9s %10s %16s %10s\n' "$who" $fp
  done
  read -r p_snap p_scores p_cust p_feat _ _ _ p_sum p_wrong <<<"$fp_peer"
  for other in "${whom[@]}"; do
    [ "$other" = peer ] && continue
    fp="$(fingerprint "$tmp/$other.db")"
    read -r v_snap v_scores v_cust v_feat _ _ _ v_sum v_wrong <<<"$fp"
    if [ "$v_snap" -eq "$customers" ] && [ "$v_snap" -eq "$p_snap" ] && [ "$v_scores" -eq "$p_scores" ] \
       && [ "$v_cust" -eq "$p_cust" ] && [ "$v_feat" -eq "$p_feat" ]; then
      echo "    $other and peer: the same snapshots, scores, customers, features ($v_snap snapshots)"
    else
      echo "    $other and peer: snapshots, scores, customers or features: MISMATCH: the polls did not do the same work"
      status=1
    fi
    # The demo server serves live usage as of the moment of each request
    # (last activity, 7-day calls), and every poll scores as of its own
    # start, so two polls a second apart cannot score to the identical
    # sum: they must agree to within 0.01 point a snapshot on average,
    # and every stored score must be the one design 3.1 gives for the
    # stored inputs (recomputed independently by peer_import.py).
    diff="$(calc "%.3f" "$v_sum - $p_sum")"
    if awk "BEGIN { d = $v_sum - $p_sum; if (d < 0) d = -d; exit !(d <= 0.01 * $v_snap) }"; then
      echo "    $other and peer: sum of health $v_sum and $p_sum, difference $diff: the same to within 0.01 a snapshot"
    else
      echo "    $other and peer: sum of health $v_sum and $p_sum, difference $diff: MISMATCH"
      status=1
    fi
    if [ "$v_wrong" -ne 0 ]; then
      echo "    $other: $v_wrong scores that are not the default score of their stored inputs: MISMATCH"
      status=1
    fi
  done
  if [ "$p_wrong" -ne 0 ]; then
    echo "    peer: $p_wrong scores that are not the default score of their stored inputs: MISMATCH"
    status=1
  fi
  echo
}

bench_endpoint demo "$demo_url"
bench_endpoint static "$static_url"

echo "Best of $runs, each on a fresh database (wall-clock and CPU user+sys best apart; peak RSS the largest):"
printf '  %-7s %9s %9s %9s %11s %11s %11s %9s %9s\n' endpoint "vigil s" "base s" "peer s" "vigil CPU" "base CPU" "peer CPU" "vigil MB" "peer MB"
for name in demo static; do
  printf '  %-7s %9s %9s %9s %11s %11s %11s %9s %9s\n' "$name" \
    "${best_s[$name.vigil]}" "${best_s[$name.baseline]:--}" "${best_s[$name.peer]}" \
    "${best_cpu[$name.vigil]}" "${best_cpu[$name.baseline]:--}" "${best_cpu[$name.peer]}" \
    "$(mb "${peak_kb[$name.vigil]}")" "$(mb "${peak_kb[$name.peer]}")"
done
echo

echo "Goal (design 7): one poll of 10,000 customers stored and scored in at most half the peer's time, and under 0.5 s"
if [ "$full_size" -eq 0 ]; then
  echo "  (the goal is set for 10,000 customers; this run has $customers)"
fi
printf '  %-7s %9s %9s %12s %9s %13s %s\n' endpoint "vigil s" "peer s" "vigil/peer" goal "vs baseline" verdict
for name in demo static; do
  v="${best_s[$name.vigil]}"
  p="${best_s[$name.peer]}"
  ratio="$(calc "%.2f" "$v / ($p > 0 ? $p : 0.005)")"
  if [ -n "$baseline" ]; then
    versus="$(calc "%.2fx" "${best_s[$name.baseline]} / ($v > 0 ? $v : 0.005)")"
  else
    versus="-"
  fi
  if awk "BEGIN { exit !($v <= 0.5 * $p && $v < 0.5) }"; then verdict=PASS; else verdict=MISS; fi
  printf '  %-7s %9s %9s %12s %9s %13s %s\n' "$name" "$v" "$p" "$ratio" "≤ 0.50" "$versus faster" "$verdict"
done
echo "  (vigil/peer is the ratio to the goal: 0.50 or less meets it; \"vs baseline\": the previous release's time over vigil's)"

exit "$status"
