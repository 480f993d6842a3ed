/* vigil-iso-week.h: ISO 8601 weeks (YYYY-Www), Monday to Sunday, UTC
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int       vigil_iso_weeks_in_year      (int         iso_year);
gboolean  vigil_iso_week_parse         (const char *text,
                                        int        *out_year,
                                        int        *out_week);
char     *vigil_iso_week_format        (int         iso_year,
                                        int         iso_week);
gboolean  vigil_iso_week_get_first_day (int         iso_year,
                                        int         iso_week,
                                        gint32     *out_day);
void      vigil_iso_week_from_day      (gint32      day,
                                        int        *out_year,
                                        int        *out_week);
gboolean  vigil_report_last_full_week  (gint64      now,
                                        int        *out_year,
                                        int        *out_week);

G_END_DECLS
