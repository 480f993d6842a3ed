#!/bin/sh
# tests/test-unit.sh UNIT: systemd-analyze verify finds nothing to say of
# the unit (an unknown key is only a warning to it, a failure here);
# skipped (77) where systemd-analyze is missing.
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "test-unit.sh: no systemd-analyze: skipped" >&2
  exit 77
fi
out=$(systemd-analyze verify "$1" 2>&1)
status=$?
if [ "$status" -ne 0 ] || [ -n "$out" ]; then
  printf '%s\n' "$out" >&2
  echo "test-unit.sh: systemd-analyze verify $1: status $status" >&2
  exit 1
fi
exit 0
