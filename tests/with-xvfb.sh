#!/bin/sh
# with-xvfb.sh [-s SERVER-ARGS] COMMAND [ARGS…]: runs COMMAND on a private
# X server (Xvfb) and exits with its status.
#
# Xvfb chooses the display itself (-displayfd): it takes the first number
# whose sockets it can bind, abstract ones included. xvfb-run -a only looks
# for lock files in /tmp, so two runs at once, or a run in a chroot beside
# the host's own X servers (one network namespace, one set of abstract
# sockets, but two /tmp), could pick a display another server holds and
# connect the test to it.
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

server_args="-screen 0 1280x1024x24"
if [ "${1:-}" = "-s" ]; then
  server_args="$2"
  shift 2
fi
if ! command -v Xvfb >/dev/null 2>&1; then
  echo "with-xvfb.sh: Xvfb is missing (apt install xvfb)" >&2
  exit 77
fi

dir=$(mktemp -d)
server=""
cleanup ()
{
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck disable=SC2086 # the server's arguments are words
Xvfb -displayfd 3 -nolisten tcp $server_args 3>"$dir/display" >"$dir/log" 2>&1 &
server=$!

# It writes the number once it listens: give it 30 s on a loaded machine.
tries=0
while [ ! -s "$dir/display" ]; do
  if ! kill -0 "$server" 2>/dev/null || [ "$tries" -ge 300 ]; then
    echo "with-xvfb.sh: Xvfb did not start:" >&2
    cat "$dir/log" >&2
    exit 1
  fi
  tries=$((tries + 1))
  sleep 0.1
done

DISPLAY=":$(head -n 1 "$dir/display")"
export DISPLAY
unset WAYLAND_DISPLAY
"$@"
status=$?
exit "$status"
