/* test-time.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vigil-core.h"

static void
test_time_parse (void)
{
  static const struct { const char *text; gint64 expected; } good[] = {
    { "2026-11-21T12:00:00Z", 1795262400 },
    { "2026-11-21T12:00:00.123456Z", 1795262400 },
    { "2026-11-21T14:00:00+02:00", 1795262400 },
    { "2026-11-21T07:30:00-0430", 1795262400 },
    { "2026-11-21 12:00:00", 1795262400 },
    { "2026-11-21T12:00Z", 1795262400 },
    { "2026-11-21", 1795219200 },
    { "1970-01-01T00:00:00Z", 0 },
    { "2024-02-29T00:00:00Z", 1709164800 },
  };
  static const char *bad[] = {
    "", "yesterday", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-21T25:00:00Z",
    "2026-11-21T12:00:00Zjunk", "2026/11/21", "2026-11-21T12:60:00Z",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 t = -1;

      g_assert_true (vigil_time_parse_iso8601 (good[i].text, &t));
      g_assert_cmpint (t, ==, good[i].expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 t = 0;

      g_assert_false (vigil_time_parse_iso8601 (bad[i], &t));
    }
}

static void
test_date_roundtrip (void)
{
  gint32 day = 0;

  g_assert_true (vigil_date_parse ("2027-03-01", &day));
  g_assert_cmpint (day, ==, vigil_date_from_civil (2027, 3, 1));
  g_assert_false (vigil_date_parse ("2027-03-01T00:00:00Z", &day));
  g_assert_false (vigil_date_parse ("2027-3-1", &day));

  for (gint32 d = -800000; d < 800000; d += 997)
    {
      g_autofree char *text = vigil_date_format (d);
      gint32 back = 0;
      int y, m, dd;

      vigil_date_to_civil (d, &y, &m, &dd);
      if (y < 0 || y > 9999)
        continue;
      g_assert_true (vigil_date_parse (text, &back));
      g_assert_cmpint (back, ==, d);
    }
}

static void
test_time_format (void)
{
  g_autofree char *text = vigil_time_format (1795262400 + 59);
  g_autofree char *before = vigil_time_format (-1);

  g_assert_cmpstr (text, ==, "2026-11-21T12:00:59Z");
  g_assert_cmpstr (before, ==, "1969-12-31T23:59:59Z");
  g_assert_cmpint (vigil_time_get_day (-1), ==, -1);
  g_assert_cmpint (vigil_time_get_day (86400), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/time/parse", test_time_parse);
  g_test_add_func ("/core/time/date-roundtrip", test_date_roundtrip);
  g_test_add_func ("/core/time/format", test_time_format);

  return g_test_run ();
}
