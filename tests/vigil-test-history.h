/* vigil-test-history.h: a history whose trends, triggers and churn model
 * have something to say, as CSV
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

/* 12 customers of two owners, 70 days from 2026-09-01, one drifting
 * down (acct-03). */
static inline char *
test_history_csv (void)
{
  GString *csv = g_string_new ("id,name,owner,segment,plan,mrr,seats,seats_used,last_active,api_calls_7d,"
                               "features,open_tickets,nps,renewal_date,observed_at\n");
  static const char * const owners[] = { "Dana Park", "Lee Chen" };
  static const char * const plans[] = { "starter", "growth", "enterprise" };

  for (int c = 0; c < 12; c++)
    for (int day = 0; day < 70; day++)
      {
        /* 2026-09-01 and on, at noon */
        gint64 at = 1788264000 + (gint64) day * 86400;
        g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (at);
        g_autofree char *iso = g_date_time_format_iso8601 (when);
        int seats = 10 + c * 5;
        int used = c == 3 ? MAX (1, seats - day / 3) : seats * (60 + (c * 7 + day) % 40) / 100;
        int calls = c == 3 ? MAX (0, 4000 - day * 60) : 1000 + (c * 131 + day * 17) % 3000;

        g_string_append_printf (csv, "acct-%02d,Customer %02d \xe2\x80\x94 %s,%s,%s,%s,%d.5,%d,%d,%s,%d,"
                                "\"{\"\"reports\"\":%d,\"\"api\"\":%d}\",%d,%d,2027-0%d-15,%s\n",
                                c, c, c % 2 ? "Zürich" : "Austin", owners[c % 2], c % 3 ? "EMEA" : "NA",
                                plans[c % 3], 500 + c * 250, seats, used, iso, calls, calls / 10, calls / 20,
                                (c + day) % 5, c == 3 ? 2 : 8, 1 + c % 9, iso);
      }
  return g_string_free (csv, FALSE);
}
