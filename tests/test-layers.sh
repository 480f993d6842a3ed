#!/bin/sh
# test-layers.sh SRCDIR: checks the layer rules of HACKING.md, "who may
# include whom": each folder under src/ includes only the headers of the
# layers below it, so the core stays free of GTK and the report of the UI.
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

src=${1:?usage: test-layers.sh SRCDIR}
n=0
failed=0

# check FOLDER PATTERN WHY: no file of FOLDER has an #include matching PATTERN.
check () {
  n=$((n + 1))
  found=$(grep -n -E "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)" "$src/$1"/*.c "$src/$1"/*.h 2>/dev/null)
  if [ -n "$found" ]; then
    echo "not ok $n - src/$1 $3"
    echo "$found" | sed 's/^/# /'
    failed=1
  else
    echo "ok $n - src/$1 $3"
  fi
}

ui_headers='gtk/|adwaita\.h|gdk/'
ui_files='vigil-(application|window|customer|portfolio|overview-page|triggers-page|preferences-window|source-dialog|export-dialog|health-cell|text-cell|chart-view|format|[a-z]+-section)'
report_files='vigil-report|vigil-iso-week'
chart_files='vigil-chart|vigil-charts\.h'

demo_files='vigil-demo'

check core "$ui_headers|cairo|pango|$chart_files|$report_files|$ui_files|$demo_files|cli/" "includes neither GTK, cairo, charts, report, UI, demo nor CLI"
check demo "$ui_headers|cairo|pango|$chart_files|$report_files|$ui_files|cli/" "includes neither GTK, cairo, charts, report, UI nor CLI"
check charts "$ui_headers|sqlite3|vigil-sql|libsoup|json-glib|vigil-core\.h|vigil-store|$report_files|$ui_files" "includes neither GTK, the database, the core, report nor UI"
check report "$ui_headers|sqlite3|vigil-sql|$ui_files|cli/" "includes neither GTK, SQL, UI nor CLI"
check cli "$ui_headers|sqlite3|vigil-sql|$ui_files" "includes neither GTK, SQL nor UI"
check ui "sqlite3|vigil-sql|cli/|$demo_files" "includes neither SQL, the demo nor the CLI"
check ui/sections "sqlite3|vigil-sql|cli/|$demo_files" "includes neither SQL, the demo nor the CLI"

echo "1..$n"
exit $failed
