#!/bin/sh
# run-with-keyring.sh TEST [ARGS…]: runs TEST on a private D-Bus session
# with an unlocked GNOME Keyring, so Secret Service tests never touch the
# user's own keyring. Skips (77) where the tools are missing.
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "dbus-run-session or gnome-keyring-daemon is missing: skipped" >&2
  exit 77
fi

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT

HOME="$home" XDG_DATA_HOME="$home" XDG_RUNTIME_DIR="$home" dbus-run-session -- sh -c '
  printf test | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null 2>&1
  exec "$@"' sh "$@"
