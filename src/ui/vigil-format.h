/* vigil-format.h: how the window writes dates, times ago, trends, money
 * and shares
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *vigil_format_date       (gint64  time);
char *vigil_format_date_time  (gint64  time);
char *vigil_format_day        (gint32  day);
char *vigil_format_day_short  (gint32  day);
char *vigil_format_ago        (gint64  seconds);
char *vigil_format_days_to    (gint32  days);
char *vigil_format_change     (double  change);
char *vigil_format_trend      (double  change);
char *vigil_format_money      (double  amount);
char *vigil_format_percent    (double  fraction);
char *vigil_format_seats      (gint64  used,
                               gint64  seats,
                               double  use);
char *vigil_format_trigger_state (const char *state,
                                  const char *snoozed_until,
                                  const char *by);

G_END_DECLS
