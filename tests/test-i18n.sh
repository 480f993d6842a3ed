#!/bin/sh
# test-i18n.sh VIGIL LOCALEDIR: runs the command line in German and in
# Simplified Chinese and checks that it speaks them: the help, GOption's
# help of a command, messages of the command line and of the core (plural
# forms included), and English again without LANGUAGE.
#
# LOCALEDIR is <builddir>/po, where meson's i18n module builds
# <lang>/LC_MESSAGES/vigil.mo; vigil reads it from VIGIL_LOCALEDIR.
# glibc honours LANGUAGE only when LC_MESSAGES is not C or POSIX, so the
# test runs under C.UTF-8 (built into glibc 2.35 and later) and needs no
# generated de_DE or zh_CN locale.
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

vigil=${1:?usage: test-i18n.sh VIGIL LOCALEDIR}
localedir=${2:?usage: test-i18n.sh VIGIL LOCALEDIR}

for lang in de zh_CN; do
  if [ ! -f "$localedir/$lang/LC_MESSAGES/vigil.mo" ]; then
    echo "Bail out! $localedir/$lang/LC_MESSAGES/vigil.mo was not built"
    exit 1
  fi
done

# A UTF-8 locale whose LC_MESSAGES is not C, so that LANGUAGE applies.
base=
for candidate in C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8; do
  if locale -a 2>/dev/null | grep -qx "$candidate"; then
    base=$candidate
    break
  fi
done
if [ -z "$base" ]; then
  echo "1..0 # SKIP no C.UTF-8 or en_US.UTF-8 locale"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG="$base" VIGIL_LOCALEDIR="$localedir" VIGIL_NO_WINDOW=1 HOME="$tmp" XDG_DATA_HOME="$tmp"

cat > "$tmp/book.json" <<'EOF'
{"customers": [
  {"id": "acme", "name": "Acme Corp", "mrr": 4200, "seats": 50, "seats_used": 47,
   "last_active": "2026-11-21T10:00:00Z", "api_calls_7d": 9000, "open_tickets": 0, "nps": 9,
   "features": {"reports": 40, "workflow-automation": 120, "alerts": 30, "exports": 12, "api": 900},
   "observed_at": "2026-11-21T12:00:00Z"},
  {"id": "globex", "name": "Globex", "mrr": 900, "seats": 10, "seats_used": 2,
   "last_active": "2026-10-01T10:00:00Z", "api_calls_7d": 0, "open_tickets": 6, "nps": 2,
   "observed_at": "2026-11-21T12:00:00Z"}
]}
EOF

n=0
failed=0

# check DESCRIPTION LANGUAGE EXPECTED COMMAND…: runs vigil with LANGUAGE
# (empty: unset) and expects EXPECTED in its standard output or error.
check () {
  description=$1 language=$2 expected=$3
  shift 3
  n=$((n + 1))
  if [ -n "$language" ]; then
    output=$(LANGUAGE="$language" "$vigil" "$@" 2>&1)
  else
    output=$("$vigil" "$@" 2>&1)
  fi
  case $output in
    *"$expected"*)
      echo "ok $n - $description" ;;
    *)
      echo "not ok $n - $description: no “$expected” in:"
      printf '%s\n' "$output" | sed 's/^/# /'
      failed=1 ;;
  esac
}

# refute DESCRIPTION LANGUAGE UNEXPECTED COMMAND…
refute () {
  description=$1 language=$2 unexpected=$3
  shift 3
  n=$((n + 1))
  output=$(LANGUAGE="$language" "$vigil" "$@" 2>&1)
  case $output in
    *"$unexpected"*)
      echo "not ok $n - $description: “$unexpected” in:"
      printf '%s\n' "$output" | sed 's/^/# /'
      failed=1 ;;
    *)
      echo "ok $n - $description" ;;
  esac
}

db="$tmp/empty.db"
check "German help" de "Befehle:" --help
check "German command summary" de "Verlauf aus JSON, JSON Lines oder CSV nachtragen" --help
refute "German help without the catalogue header" de "Project-Id-Version" --help
check "German GOption help" de "Ausgabeformat: table, csv oder json" --db "$db" scores --help
check "German empty portfolio" de "Noch keine Kunden." --db "$db" scores
check "German core error" de "Kein Kunde „nobody“" --db "$db" history nobody
check "German usage error" de "Unbekannte Stufe „bogus“" --db "$db" scores --tier bogus

check "Chinese help" zh_CN "命令：" --help
check "Chinese command summary" zh_CN "从 JSON、JSON Lines 或 CSV 回填历史记录" --help
refute "Chinese help without the catalogue header" zh_CN "Project-Id-Version" --help
check "Chinese GOption help" zh_CN "输出格式：table、csv 或 json" --db "$db" scores --help
check "Chinese empty portfolio" zh_CN "尚无客户。" --db "$db" scores
check "Chinese core error" zh_CN "没有客户“nobody”" --db "$db" history nobody

# Plural forms: two records read, in a German and a Chinese database.
check "German plural" de "2 Datensätze gelesen" --db "$tmp/de.db" import "$tmp/book.json"
check "German table header" de "GESUNDHEIT" --db "$tmp/de.db" scores
check "German tier word" de "Hohes Risiko" --db "$tmp/de.db" scores
check "Chinese plural" zh_CN "已读取 2 条记录" --db "$tmp/zh.db" import "$tmp/book.json"
check "Chinese table header" zh_CN "健康分" --db "$tmp/zh.db" scores
check "Chinese tier word" zh_CN "高风险" --db "$tmp/zh.db" scores

# A JSON syntax error names its line and column in the language; the
# msgid carries PRIu64, which xgettext keeps (G_GUINT64_FORMAT would cut
# it short and leave the message in English).
printf '[{"id": "a",\n  "mrr": 01}]\n' > "$tmp/bad.json"
check "German JSON error with line and column" de \
  "Zeile 2, Spalte 11: ungültige Zahl: Auf eine führende Null darf keine Ziffer folgen" \
  --db "$tmp/de.db" import "$tmp/bad.json"
check "Chinese JSON error with line and column" zh_CN \
  "第 2 行，第 11 列：无效的数字：前导零后不能再有数字" \
  --db "$tmp/zh.db" import "$tmp/bad.json"

# Newer messages of a source: a secret in the URL, --max-records.
check "German secret in a URL" de "der Query-Teil der URL enthält ein Geheimnis (api_key=…)" \
  --db "$db" source add leaky "https://example.com/usage?api_key=x"
check "Chinese --max-records bound" zh_CN "--max-records 必须至少为 1" \
  --db "$db" source add few "https://example.com/usage" --max-records 0

# Without LANGUAGE, English.
check "English without LANGUAGE" "" "Commands:" --help

echo "1..$n"
exit $failed
