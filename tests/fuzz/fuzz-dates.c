/* fuzz-dates.c: ISO 8601 times, calendar dates and ISO weeks
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A libFuzzer target (clang -fsanitize=fuzzer); with other compilers
 * fuzz-main.c replays its corpus in tests/fuzz/corpus/. Never crashes,
 * never leaks, whatever the bytes.
 */

/* Tests check with g_assert*() whatever the build type. */
#undef G_DISABLE_ASSERT
#undef G_DISABLE_CAST_CHECKS

#include <stdint.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-iso-week.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  gint64 time;
  gint32 day;
  int year, week;

  if (vigil_time_parse_iso8601 (text, &time))
    {
      g_autofree char *formatted = vigil_time_format (time);
      gint64 again;

      /* What was read is written back and reads the same, within the
       * years 0001..9999 UTC (an offset can carry 9999-12-31 past them). */
      g_assert_nonnull (formatted);
      if (time >= G_GINT64_CONSTANT (-62135596800) && time <= G_GINT64_CONSTANT (253402300799))
        {
          g_assert_true (vigil_time_parse_iso8601 (formatted, &again));
          g_assert_cmpint (again, ==, time);
        }
      vigil_time_get_day (time);
    }

  if (vigil_date_parse (text, &day))
    {
      g_autofree char *formatted = vigil_date_format (day);
      gint32 again;
      int y, m, d;

      g_assert_true (vigil_date_parse (formatted, &again));
      g_assert_cmpint (again, ==, day);
      vigil_date_to_civil (day, &y, &m, &d);
      g_assert_cmpint (vigil_date_from_civil (y, m, d), ==, day);
      vigil_iso_week_from_day (day, &year, &week);
    }

  if (vigil_iso_week_parse (text, &year, &week))
    {
      g_autofree char *formatted = vigil_iso_week_format (year, week);
      int y2, w2;

      g_assert_true (vigil_iso_week_parse (formatted, &y2, &w2));
      g_assert_cmpint (y2, ==, year);
      g_assert_cmpint (w2, ==, week);
      if (vigil_iso_week_get_first_day (year, week, &day))
        {
          vigil_iso_week_from_day (day, &y2, &w2);
          g_assert_cmpint (y2, ==, year);
          g_assert_cmpint (w2, ==, week);
        }
      vigil_iso_weeks_in_year (year);
    }
  return 0;
}
