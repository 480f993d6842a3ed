#!/bin/sh
# with-postgres.sh COMMAND [ARGS…]: runs COMMAND beside a private
# PostgreSQL cluster and exits with its status; skips (77) where the
# server's programs are missing.
#
# The cluster lives in a temporary folder and listens on a Unix socket
# there only (no TCP port, so it can neither clash with nor be reached
# from anything else on the machine); COMMAND finds it in VIGIL_TEST_PG,
# a libpq connection string to the cluster's first database, as the
# superuser vigil_test. Each test makes databases of its own there
# (tests/vigil-test-pg.h). The server trades durability for speed: a
# test's cluster never outlives it.
#
# initdb refuses to run as root: as root, the cluster is the postgres
# user's (Debian's postgresql-common makes it), and root reaches it
# through the socket.
#
# The default collation is ICU's (en), as a team's server has it, so
# that the tests see where Vigil's SQL must say COLLATE "C".
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ] && command -v pg_config >/dev/null 2>&1; then
  bindir=$(pg_config --bindir 2>/dev/null)
fi
if [ ! -x "$bindir/initdb" ]; then
  # Debian's server packages keep their programs out of PATH.
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
if [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "with-postgres.sh: no PostgreSQL server programs (build-aux/install-deps installs them): skipped" >&2
  exit 77
fi

run=""
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres.sh: as root, the cluster needs the postgres user: skipped" >&2
    exit 77
  fi
  # util-linux's, in sbin, which a user's PATH may leave out
  runuser=$(command -v runuser || ls /usr/sbin/runuser /sbin/runuser 2>/dev/null | head -n 1)
  if [ -z "$runuser" ]; then
    echo "with-postgres.sh: as root, the cluster needs runuser (util-linux): skipped" >&2
    exit 77
  fi
  run="$runuser -u postgres --"
fi

# A short path: a Unix socket's path must fit in 107 bytes.
dir=$(mktemp -d /tmp/vigil-pg.XXXXXX) || exit 1
started=0
cleanup ()
{
  if [ "$started" = 1 ]; then
    $run "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "$run" ]; then
  chown postgres "$dir" || exit 1
fi

if ! $run "$bindir/initdb" -D "$dir/data" -A trust -U vigil_test -E UTF8 --no-sync \
       --locale=C.UTF-8 --locale-provider=icu --icu-locale=en >"$dir/initdb.log" 2>&1; then
  echo "with-postgres.sh: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi

started=1
if ! $run "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
       -o "-k $dir -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
       start >/dev/null; then
  echo "with-postgres.sh: the server did not start:" >&2
  cat "$dir/server.log" >&2
  exit 1
fi

VIGIL_TEST_PG="host=$dir user=vigil_test dbname=postgres"
export VIGIL_TEST_PG
"$@"
