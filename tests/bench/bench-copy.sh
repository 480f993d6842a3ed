#!/usr/bin/env bash
# bench-copy.sh: vigil db copy of a book into PostgreSQL and back (design 4)
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench-copy.sh [--customers N] [--days D] [--runs R]
#
# Generates N customers (default 1,000) × D days (default 365: the
# 365,000-snapshot book), imports them into a file, then, on a private
# PostgreSQL cluster (tests/with-postgres.sh), times R times (default 3)
# `vigil db copy` from the file into a new database and from that
# database back into a new file, and once from the file into a file.
# Prints each time (wall, user, system seconds and peak RSS) and whether
# `scores --format json` is the same on the original, on the server and
# on the copy back.
#
# Environment:
#   VIGIL_BINARY     the vigil binary (default: the build tree's)
#   VIGIL_BENCH_GEN  the generator (default: the build tree's tests/vigil-bench-gen)
#   TMPDIR           where the files go (about 300 MB at the default size)

set -euo pipefail

customers=1000
days=365
runs=3

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
    -h|--help) usage 0 ;;
    *) echo "bench-copy.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vigil="${VIGIL_BINARY:-$here/../../build/src/vigil}"
gen="${VIGIL_BENCH_GEN:-$(dirname "$vigil")/../tests/vigil-bench-gen}"

# Inside the private cluster: the timings themselves.
if [ -n "${VIGIL_BENCH_COPY_DIR:-}" ]; then
  cd "$VIGIL_BENCH_COPY_DIR"
  export VIGIL_NO_WINDOW=1
  timed ()
  {
    local what="$1"
    shift
    /usr/bin/time -f "$what: %e s wall, %U s user, %S s system, %M KiB peak RSS" "$@" 2>&1 >/dev/null |
      grep -E "^$what:"
  }
  for run in $(seq 1 "$runs"); do
    psql "$VIGIL_TEST_PG" -qc "CREATE DATABASE copy_bench_$run TEMPLATE template0"
    server="$VIGIL_TEST_PG dbname=copy_bench_$run"
    timed "file -> PostgreSQL" "$vigil" db copy --from book.db --to "$server"
    timed "PostgreSQL -> file" "$vigil" db copy --from "$server" --to "back-$run.db"
  done
  timed "file -> file" "$vigil" db copy --from book.db --to file-copy.db
  for book in "$VIGIL_TEST_PG dbname=copy_bench_1" back-1.db file-copy.db; do
    if cmp -s <("$vigil" --db book.db scores --format json) <("$vigil" --db "$book" scores --format json); then
      echo "scores --format json: the same on $book"
    else
      echo "scores --format json: DIFFERENT on $book"
      exit 1
    fi
  done
  exit 0
fi

for program in "$vigil" "$gen"; do
  if [ ! -x "$program" ]; then
    echo "bench-copy.sh: no program at $program (build with meson, or set VIGIL_BINARY and VIGIL_BENCH_GEN)" >&2
    exit 1
  fi
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench-copy.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$gen" --customers "$customers" --days "$days" --format csv --output "$tmp/book.csv" >/dev/null
VIGIL_NO_WINDOW=1 "$vigil" --db "$tmp/book.db" import "$tmp/book.csv" >/dev/null
echo "A book of $customers customers × $days days, imported; copies:"
VIGIL_BENCH_COPY_DIR="$tmp" VIGIL_BINARY="$vigil" "$here/../with-postgres.sh" "$0" --runs "$runs"
