#!/bin/sh
# build-fuzzers.sh: builds the libFuzzer targets by hand with clang, ASan and UBSan
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/fuzz/build-fuzzers.sh BUILD_DIR OUT_DIR
#
# BUILD_DIR is any configured build of Vigil (for config.h). Each target is
# compiled with the core sources it needs, so a gcc build tree serves.
# Then: tests/fuzz/run-fuzzer.sh OUT_DIR/fuzz-csv tests/fuzz/corpus/csv 1000000
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../../src"
build="$1"
out="$2"
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I$build -I$src/core -I$src/report \
  $(pkg-config --cflags glib-2.0 gio-2.0 json-glib-1.0 libsoup-3.0 libsecret-1 sqlite3)"
libs="$(pkg-config --libs glib-2.0 gio-2.0 json-glib-1.0 libsoup-3.0 libsecret-1 sqlite3) -lm"
core="$src/core/vigil-*.c"
for target in json snapshot-json csv mapping link-header dates; do
  extra=""
  [ "$target" = dates ] && extra="$src/report/vigil-iso-week.c"
  # shellcheck disable=SC2086
  clang $flags -o "$out/fuzz-$target" "$here/fuzz-$target.c" $core $extra $libs
  echo "built $out/fuzz-$target"
done
