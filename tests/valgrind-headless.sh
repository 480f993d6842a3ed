#!/bin/sh
# tests/valgrind-headless.sh: the headless commands under valgrind's leak
# checker; any definite leak or memory error fails (issue 9).
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: valgrind-headless.sh VIGIL_BINARY
# Not for sanitizer builds: AddressSanitizer and valgrind exclude each other.

set -eu

vigil=$1
work=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
export VIGIL_NO_WINDOW=1
db=$work/vigil.db
n=0

check ()
{
  n=$((n + 1))
  if valgrind --quiet --suppressions="$(dirname "$0")/valgrind.supp" --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
       --log-file="$work/valgrind.log" "$vigil" --db "$db" "$@" >"$work/out" 2>"$work/err"; then
    echo "ok $n - vigil $*"
  else
    status=$?
    if [ "$status" -eq 99 ]; then
      echo "not ok $n - vigil $*: valgrind found errors"
      cat "$work/valgrind.log"
      exit 1
    fi
    # A command that fails on purpose still must not leak: status 1 or 2 is fine here.
    if [ "$status" -gt 2 ]; then
      echo "not ok $n - vigil $*: exit $status"
      cat "$work/err"
      exit 1
    fi
    echo "ok $n - vigil $* (exit $status, as meant)"
  fi
}

cat >"$work/history.csv" <<'CSV'
id,name,owner,segment,plan,mrr,seats,seats_used,renewal_date,last_active,api_calls_7d,features,open_tickets,nps,observed_at
acme,Acme,Dana Park,EMEA,growth,4200,50,47,2027-03-01,2026-11-20T10:00:00Z,3200,"{""reports"": 40, ""sso"": 3}",2,8,2026-11-20T12:00:00Z
acme,Acme,Dana Park,EMEA,growth,4200,50,46,2027-03-01,2026-11-13T10:00:00Z,3100,"{""reports"": 38}",1,8,2026-11-13T12:00:00Z
globex,Globex,Sam Lee,NA,starter,300,5,2,2026-12-15,2026-11-01T10:00:00Z,100,"[""reports""]",4,5,2026-11-20T12:00:00Z
CSV

echo "1..14"
check import "$work/history.csv"
check scores --format json
check scores --format csv --tier at-risk
check history acme --format json
check scorecard set activity.weight 50
check scorecard show
check outcome globex churned --date 2026-11-21
check churn-model
check triggers --format json
check report --output "$work/week.pdf" --week 2026-W47
check history nobody

# A live endpoint on loopback for a real poll.
"$vigil" demo-server --port 0 --customers 200 >"$work/server.out" 2>/dev/null &
server_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
  url=$(head -n 1 "$work/server.out" | sed -n 's/.* at \(http[^ ]*\).*/\1/p')
  [ -n "$url" ] && break
  sleep 0.5
done
check source add live "$url"
check poll live
check source list
