#!/bin/sh
# tests/test-install.sh: `meson install` into a temporary folder, then run what was installed
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-install.sh BUILD_DIR SOURCE_DIR PREFIX BINDIR DATADIR LOCALEDIR APP_ID VERSION
# (meson passes them: the directories are meson's options, BINDIR, DATADIR and
# LOCALEDIR relative to PREFIX or absolute).
#
# Installs the build with --destdir, so nothing outside the temporary folder
# is touched. Under a destdir meson skips the post-install step (schema
# compilation, icon and desktop caches), so the schema is compiled here.

set -eu

if [ $# -ne 9 ]; then
  echo "usage: $0 BUILD_DIR SOURCE_DIR PREFIX BINDIR DATADIR LOCALEDIR APP_ID VERSION LIBDIR" >&2
  exit 2
fi
build_dir=$1
source_dir=$2
prefix=$3
bindir=$4
datadir=$5
localedir=$6
app_id=$7
version=$8
libdir=$9

under_prefix ()
{
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$prefix" "$1" ;;
  esac
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-install-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

failures=0
n=0
ok ()
{
  n=$((n + 1))
  echo "ok $n - $1"
}
not_ok ()
{
  n=$((n + 1))
  failures=$((failures + 1))
  echo "not ok $n - $1"
}
check_file ()
{
  if [ -s "$1" ]; then ok "installed: ${1#$root}"; else not_ok "installed: ${1#$root}"; fi
}

root=$tmp/root
meson=${MESON:-meson}
if ! "$meson" install -C "$build_dir" --destdir "$root" --no-rebuild --quiet >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log" >&2
  echo "Bail out! meson install failed"
  exit 1
fi
ok "meson install --destdir"

bin=$root$(under_prefix "$bindir")/vigil
share=$root$(under_prefix "$datadir")
locale=$root$(under_prefix "$localedir")

# The files a desktop needs to list, start and describe Vigil.
if [ -x "$bin" ]; then ok "installed: ${bin#$root} is executable"; else not_ok "installed: ${bin#$root}"; fi
check_file "$share/applications/$app_id.desktop"
check_file "$share/metainfo/$app_id.metainfo.xml"
check_file "$share/glib-2.0/schemas/$app_id.gschema.xml"
check_file "$share/dbus-1/services/$app_id.service"
check_file "$share/icons/hicolor/scalable/apps/$app_id.svg"
check_file "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"

# The window is a module of its own, which the installed binary names
# (design 5); the command line starts without GTK.
module=$(under_prefix "$libdir")/vigil/vigil-window.so
check_file "$root$module"
if grep -qF "$module" "$bin" 2>/dev/null; then
  ok "the installed binary loads the installed window module"
else
  not_ok "the installed binary loads the installed window module"
fi
if ! ldd "$bin" | grep -q -e libgtk-4 -e libadwaita-1; then
  ok "the installed binary starts without GTK and libadwaita"
else
  not_ok "the installed binary starts without GTK and libadwaita: $(ldd "$bin" | grep -e libgtk-4 -e libadwaita-1)"
fi
if ldd "$root$module" | grep -q libgtk-4; then
  ok "the window module brings GTK"
else
  not_ok "the window module brings GTK"
fi

# The installed files point at the installed binary, not the build tree.
if grep -q "^Exec=$(under_prefix "$bindir")/vigil" "$share/dbus-1/services/$app_id.service" 2>/dev/null; then
  ok "the D-Bus service starts the installed binary"
else
  not_ok "the D-Bus service starts the installed binary"
fi
# `vigil serve`'s systemd user unit starts the installed binary.
unit=$root$(under_prefix lib)/systemd/user/vigil-serve.service
check_file "$unit"
if grep -q "^ExecStart=$(under_prefix "$bindir")/vigil serve " "$unit" 2>/dev/null; then
  ok "the systemd unit starts the installed binary"
else
  not_ok "the systemd unit starts the installed binary"
fi
if grep -q "^Icon=$app_id\$" "$share/applications/$app_id.desktop" 2>/dev/null; then
  ok "the desktop file names the installed icon"
else
  not_ok "the desktop file names the installed icon"
fi
if command -v desktop-file-validate >/dev/null 2>&1; then
  if desktop-file-validate "$share/applications/$app_id.desktop"; then
    ok "the installed desktop file is valid"
  else
    not_ok "the installed desktop file is valid"
  fi
fi

# The schema compiles and GSettings finds every key in it.
mkdir -p "$tmp/schemas"
if glib-compile-schemas --strict --targetdir "$tmp/schemas" "$share/glib-2.0/schemas"; then
  ok "the installed schema compiles"
else
  not_ok "the installed schema compiles"
fi
keys=$(GSETTINGS_SCHEMA_DIR=$tmp/schemas GSETTINGS_BACKEND=memory gsettings list-keys "$app_id" 2>&1 || true)
if [ -n "$keys" ] && ! printf '%s\n' "$keys" | grep -q "No such schema"; then
  ok "gsettings lists the keys of $app_id: $(printf '%s' "$keys" | tr '\n' ' ')"
else
  not_ok "gsettings lists the keys of $app_id: $keys"
fi

# The installed binary runs headless.
export VIGIL_NO_WINDOW=1
out=$("$bin" --version 2>&1 || true)
case $out in
  *"$version"*) ok "vigil --version: $out" ;;
  *) not_ok "vigil --version: $out" ;;
esac
if "$bin" --db "$tmp/x.db" scores >"$tmp/scores.out" 2>&1; then
  ok "vigil --db x.db scores on a new database"
else
  cat "$tmp/scores.out" >&2
  not_ok "vigil --db x.db scores on a new database"
fi
cat >"$tmp/usage.json" <<'JSON'
{"customers": [{"id": "acme", "name": "Acme Corp", "api_calls_7d": 3200,
                "last_active": "2026-11-21T10:00:00Z", "observed_at": "2026-11-21T12:00:00Z"}]}
JSON
if "$bin" --db "$tmp/x.db" import "$tmp/usage.json" >"$tmp/import.out" 2>&1 &&
   "$bin" --db "$tmp/x.db" scores --format json >"$tmp/scores.json" 2>&1 &&
   grep -q '"acme"' "$tmp/scores.json"; then
  ok "the installed vigil imports and scores a customer"
else
  cat "$tmp/import.out" "$tmp/scores.json" >&2 2>/dev/null || true
  not_ok "the installed vigil imports and scores a customer"
fi

# Under DESTDIR the binary looks for its window module at the prefix,
# where it is not (unless installed there for real): `vigil` then says
# why it cannot open the window and fails (design 5).
if [ ! -e "$module" ]; then
  status=0
  out=$(env -u VIGIL_NO_WINDOW "$bin" --db "$tmp/x.db" 2>&1) || status=$?
  case $status:$out in
    1:*"the window could not be loaded: "*"vigil-window.so"*) ok "without its module, vigil says so and fails" ;;
    *) not_ok "without its module, vigil says so and fails (status $status): $out" ;;
  esac
fi

# Translations, once the source tree has them.
if [ -d "$source_dir/po" ]; then
  for lang in de zh_CN; do
    if [ -f "$source_dir/po/$lang.po" ] || [ "$lang" = de ]; then
      check_file "$locale/$lang/LC_MESSAGES/vigil.mo"
    fi
  done
else
  echo "# no po/ in the source tree: translations not checked"
fi

echo "1..$n"
[ "$failures" -eq 0 ]
