#!/bin/sh
# build-aux/screenshots.sh: regenerates data/screenshots/ from the window
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: build-aux/screenshots.sh [BUILD_DIR [OUTPUT_DIR]] [-- --now UNIX_SECONDS]
#
# Builds tests/vigil-screenshots in BUILD_DIR (default: build), runs it on a
# private X server (xvfb-run) over the demo portfolio of `vigil --demo`, and
# writes {portfolio,overview,customer,triggers}-{light,dark}.png (a 1280×800
# window), {portfolio,customer}-narrow.png (420×800, or the window's minimum
# width if that is more), the portfolio.png, overview.png and customer.png
# that the metainfo shows, customer-timeline.png (the customer page scrolled
# to its timeline, a few touches logged), and add-source-*.png, each step
# of the Add Source assistant against a CRM-like list the program serves on
# 127.0.0.1 (an open menu drawn where it opens). The files hold the window without its
# resize border. Look at every one before committing them.

set -eu

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=build
output=$source_dir/data/screenshots
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  build_dir=$1
  shift
  if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    output=$1
    shift
  fi
fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then
  shift
fi

case $build_dir in
  /*) ;;
  *) build_dir=$source_dir/$build_dir ;;
esac

if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "screenshots.sh: xvfb-run is missing (apt install xvfb xauth)" >&2
  exit 1
fi
if [ ! -d "$build_dir" ]; then
  meson setup "$build_dir" "$source_dir"
fi
ninja -C "$build_dir" tests/vigil-screenshots

# English with thousands separators (en_US.UTF-8, or SCREENSHOT_LOCALE, in
# whose language the window then speaks, from the build's catalogues),
# compiled into a private folder when the system lacks it.
locale=${SCREENSHOT_LOCALE:-en_US.UTF-8}
if ! locale -a 2>/dev/null | grep -qi "^$(echo "$locale" | sed 's/UTF-8/utf-\{0,1\}8/I')\$"; then
  locpath=$(mktemp -d "${TMPDIR:-/tmp}/vigil-locale-XXXXXX")
  trap 'rm -rf "$locpath"' EXIT INT TERM
  if localedef -i "${locale%%.*}" -f UTF-8 "$locpath/$locale" >/dev/null 2>&1; then
    export LOCPATH="$locpath"
  else
    echo "screenshots.sh: no $locale locale; using C.UTF-8" >&2
    locale=C.UTF-8
  fi
fi

# The same look on every machine: Adwaita, no portal for the colour scheme,
# no settings of the user's, no accessibility bus.
GSETTINGS_BACKEND=memory \
ADW_DISABLE_PORTAL=1 \
GTK_A11Y=none \
NO_AT_BRIDGE=1 \
GDK_BACKEND=x11 \
LC_ALL=$locale \
LANGUAGE= \
VIGIL_LOCALEDIR="$build_dir/po" \
  xvfb-run -a -s '-screen 0 1600x1000x24' \
    "$build_dir/tests/vigil-screenshots" "$output" "$@"
