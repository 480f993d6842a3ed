/* test-format.c: the window's one way of writing dates, times ago,
 * trends, money and shares (src/ui/vigil-format.c), without a display
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>

#include <glib.h>

#include "vigil-core.h"
#include "vigil-format.h"

/* Asserts that @text (freed) is @expected. */
static void
assert_text (char       *text,
             const char *expected)
{
  g_autofree char *owned = text;

  g_assert_cmpstr (owned, ==, expected);
}

static void
test_format_dates (void)
{
  gint32 day = vigil_date_from_civil (2026, 3, 3);
  gint64 afternoon = (gint64) day * 86400 + 14 * 3600 + 5 * 60;

  /* Calendar days stay as they are; times are local (TZ=UTC here). */
  assert_text (vigil_format_day (day), "3 Mar 2026");
  assert_text (vigil_format_day_short (day), "3 Mar");
  assert_text (vigil_format_date (afternoon), "3 Mar 2026");
  assert_text (vigil_format_date_time (afternoon), "3 Mar 2026, 14:05");
  assert_text (vigil_format_day (0), "1 Jan 1970");
  /* Out of GDateTime's range: a dash, never a crash or an empty string. */
  assert_text (vigil_format_date (G_MAXINT64), "—");
  assert_text (vigil_format_day (G_MAXINT32), "—");
}

static void
test_format_ago (void)
{
  assert_text (vigil_format_ago (-1), "in the future");
  assert_text (vigil_format_ago (0), "just now");
  assert_text (vigil_format_ago (59), "just now");
  assert_text (vigil_format_ago (60), "1 minute ago");
  assert_text (vigil_format_ago (3599), "59 minutes ago");
  assert_text (vigil_format_ago (3600), "1 hour ago");
  assert_text (vigil_format_ago (48 * 3600 - 1), "47 hours ago");
  assert_text (vigil_format_ago (48 * 3600), "2 days ago");
  assert_text (vigil_format_ago (888 * 86400 + 5), "888 days ago");

  assert_text (vigil_format_days_to (0), "Today");
  assert_text (vigil_format_days_to (1), "In 1 day");
  assert_text (vigil_format_days_to (30), "In 30 days");
  assert_text (vigil_format_days_to (-1), "1 day overdue");
  assert_text (vigil_format_days_to (-132), "132 days overdue");
}

static void
test_format_trends (void)
{
  /* A sign always, a real minus, and no "-0.0". */
  assert_text (vigil_format_change (3.24), "+3.2");
  assert_text (vigil_format_change (-15.0), "-15.0");
  assert_text (vigil_format_change (-0.04), "±0");
  assert_text (vigil_format_change (NAN), "—");

  /* The arrow says the direction without colour; "no change" is the
   * rounding's, so an arrow never points at "±0". */
  assert_text (vigil_format_trend (4.2), "▲ +4.2");
  assert_text (vigil_format_trend (-4.2), "▼ -4.2");
  assert_text (vigil_format_trend (0.04), "▶ ±0");
  assert_text (vigil_format_trend (-0.049), "▶ ±0");
  assert_text (vigil_format_trend (0.05), "▲ +0.1");
  assert_text (vigil_format_trend (NAN), "—");
  assert_text (vigil_format_trend (INFINITY), "—");
}

static void
test_format_money_and_shares (void)
{
  /* The C locale groups nothing; the data carries no currency. */
  assert_text (vigil_format_money (255), "255");
  assert_text (vigil_format_money (1234567.4), "1234567");
  assert_text (vigil_format_money (NAN), "—");

  assert_text (vigil_format_percent (0.32), "32 %");
  assert_text (vigil_format_percent (1), "100 %");
  assert_text (vigil_format_percent (0), "0 %");
  assert_text (vigil_format_percent (NAN), "—");

  assert_text (vigil_format_seats (47, 50, 0.94), "47 / 50 (94 %)");
  assert_text (vigil_format_seats (6, 12, 0.5), "6 / 12 (50 %)");
  assert_text (vigil_format_seats (6, 0, NAN), "6 / 0");
}

/* design 5: a trigger's state says who set it, where the book knows */
static void
test_format_trigger_states (void)
{
  assert_text (vigil_format_trigger_state ("new", NULL, NULL), "New");
  assert_text (vigil_format_trigger_state ("acknowledged", NULL, NULL), "Acknowledged");
  assert_text (vigil_format_trigger_state ("acknowledged", NULL, "Dana Park"), "Acknowledged by Dana Park");
  assert_text (vigil_format_trigger_state ("snoozed", "2026-12-14", "Lee Chen"),
               "Snoozed until 2026-12-14 by Lee Chen");
  assert_text (vigil_format_trigger_state ("snoozed", "2026-12-14", NULL), "Snoozed until 2026-12-14");
  assert_text (vigil_format_trigger_state ("snoozed", NULL, "Lee Chen"), "Snoozed by Lee Chen");
  assert_text (vigil_format_trigger_state ("done", NULL, "Lee Chen"), "Done by Lee Chen");
  assert_text (vigil_format_trigger_state ("done", NULL, NULL), "Done");
}

int
main (int   argc,
      char *argv[])
{
  /* The untranslated words, the C locale's numbers, UTC for "local". */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/dates", test_format_dates);
  g_test_add_func ("/format/ago", test_format_ago);
  g_test_add_func ("/format/trends", test_format_trends);
  g_test_add_func ("/format/money-and-shares", test_format_money_and_shares);
  g_test_add_func ("/format/trigger-states", test_format_trigger_states);

  return g_test_run ();
}
