#!/bin/sh
# test-po.sh TOPDIR: checks that po/ is kept current (HACKING.md): every
# source or .ui file with translatable strings is listed in
# po/POTFILES.in, no msgid is cut short by a format macro xgettext cannot
# read (G_GINT64_FORMAT, where PRId64 belongs), and every catalogue of
# po/LINGUAS translates every message of the sources, none fuzzy.
#
# The strings are extracted afresh from the sources, so a string added
# without `meson compile vigil-pot vigil-update-po` and a translation fails
# here. The keywords are those of meson's glib preset.
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

top=${1:?usage: test-po.sh TOPDIR}
cd "$top" || exit 1

for tool in xgettext msgcmp; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool (gettext) is not installed"
    exit 0
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  echo "not ok $n - $1"
  sed 's/^/# /' "$2"
  failed=1
}

grep -v '^#' po/POTFILES.in | grep . | sort > "$tmp/listed"
{ find src -name '*.[ch]'; find resources -name '*.ui'; cat "$tmp/listed"; } | sort -u > "$tmp/candidates"

if ! xgettext --from-code=UTF-8 --no-wrap --add-location=file --force-po \
       --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
       --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
       --files-from="$tmp/candidates" --output="$tmp/sources.pot" 2> "$tmp/xgettext.err"; then
  echo "Bail out! xgettext failed:"
  sed 's/^/# /' "$tmp/xgettext.err"
  exit 1
fi

# The files xgettext found strings in, against the list.
sed -n 's/^#: //p' "$tmp/sources.pot" | tr ' ' '\n' | grep . | sort -u > "$tmp/with-strings"
comm -23 "$tmp/with-strings" "$tmp/listed" > "$tmp/unlisted"
if [ -s "$tmp/unlisted" ]; then
  not_ok "po/POTFILES.in lists every file with translatable strings; missing:" "$tmp/unlisted"
else
  ok "po/POTFILES.in lists every file with translatable strings"
fi

# xgettext joins adjacent literals but stops at a macro it does not know,
# so "%" G_GINT64_FORMAT leaves a msgid ending in a bare directive, which
# the program never looks up.
grep -E '^msgid(_plural)? ".*%[-+ #0-9.'"'"'*]*"$' "$tmp/sources.pot" | grep -v '%%"$' > "$tmp/cut"
if [ -s "$tmp/cut" ]; then
  not_ok "no msgid is cut short by a format macro (use PRId64/PRIu64); cut:" "$tmp/cut"
else
  ok "no msgid is cut short by a format macro"
fi

for lang in $(grep -v '^#' po/LINGUAS); do
  if msgcmp "po/$lang.po" "$tmp/sources.pot" > "$tmp/msgcmp" 2>&1; then
    ok "po/$lang.po translates every message, none fuzzy"
  else
    not_ok "po/$lang.po translates every message, none fuzzy (meson compile vigil-pot vigil-update-po, then translate):" "$tmp/msgcmp"
  fi
done

echo "1..$n"
exit $failed
