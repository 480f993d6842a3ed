/* vigil-time.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Times are Unix seconds (UTC); calendar dates are days since 1970-01-01. */

gboolean  vigil_time_parse_iso8601 (const char *text,
                                    gint64     *out_time);
gboolean  vigil_date_parse         (const char *text,
                                    gint32     *out_day);
gint32    vigil_date_from_civil    (int         year,
                                    int         month,
                                    int         day);
void      vigil_date_to_civil      (gint32      days,
                                    int        *year,
                                    int        *month,
                                    int        *day);
/* Room for any text vigil_time_format() writes, its nul included. */
#define VIGIL_TIME_TEXT_SIZE 32

char     *vigil_date_format        (gint32      days);
char     *vigil_time_format        (gint64      time);
const char *vigil_date_format_to   (gint32      days,
                                    char        text[VIGIL_TIME_TEXT_SIZE]);
const char *vigil_time_format_to   (gint64      time,
                                    char        text[VIGIL_TIME_TEXT_SIZE]);
gint32    vigil_time_get_day       (gint64      time);

gboolean  vigil_time_format_check  (const char *format,
                                    GError    **error);
gboolean  vigil_time_parse_format  (const char *text,
                                    const char *format,
                                    gint64     *out_time);

G_END_DECLS
