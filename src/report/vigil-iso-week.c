/* vigil-iso-week.c: ISO 8601 weeks (YYYY-Www), Monday to Sunday, UTC
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-report"

#include "config.h"

#include "vigil-time.h"

#include "vigil-iso-week.h"

/* Calendar dates are days since 1970-01-01 (a Thursday). Years outside
 * 1..9999 are refused, so every sum below stays far from overflow. */
#define MIN_YEAR 1
#define MAX_YEAR 9999

/* 0 for Monday .. 6 for Sunday. */
static int
get_weekday (gint32 day)
{
  int w = (int) ((day + 3) % 7);

  return w < 0 ? w + 7 : w;
}

/* The Monday of week 1: the week with the year's first Thursday. */
static gint32
get_week_one_monday (int iso_year)
{
  gint32 jan4 = vigil_date_from_civil (iso_year, 1, 4);

  return jan4 - get_weekday (jan4);
}

/**
 * vigil_iso_weeks_in_year:
 *
 * Returns: 52 or 53: the weeks of ISO year @iso_year
 */
int
vigil_iso_weeks_in_year (int iso_year)
{
  /* 28 December always lies in the year's last week. */
  return (int) ((get_week_one_monday (iso_year + 1) - get_week_one_monday (iso_year)) / 7);
}

/**
 * vigil_iso_week_parse:
 * @text: (nullable): a week such as `2026-W46`
 * @out_year: (out): the ISO year
 * @out_week: (out): the week, 1..52 or 53
 *
 * Strict: exactly four digits, `-W` and two digits, nothing around
 * them; week 00, weeks past 53 and week 53 of a 52-week year are refused.
 *
 * Returns: whether @text is such a week
 */
gboolean
vigil_iso_week_parse (const char *text,
                      int        *out_year,
                      int        *out_week)
{
  int year = 0;
  int week = 0;

  if (text == NULL)
    return FALSE;

  for (int i = 0; i < 4; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      year = year * 10 + (text[i] - '0');
    }
  if (text[4] != '-' || text[5] != 'W' ||
      !g_ascii_isdigit (text[6]) || !g_ascii_isdigit (text[7]) || text[8] != '\0')
    return FALSE;
  week = (text[6] - '0') * 10 + (text[7] - '0');

  if (year < MIN_YEAR || year > MAX_YEAR || week < 1 || week > vigil_iso_weeks_in_year (year))
    return FALSE;

  if (out_year != NULL)
    *out_year = year;
  if (out_week != NULL)
    *out_week = week;
  return TRUE;
}

/**
 * vigil_iso_week_format:
 *
 * Returns: (transfer full): `YYYY-Www`
 */
char *
vigil_iso_week_format (int iso_year,
                       int iso_week)
{
  return g_strdup_printf ("%04d-W%02d", iso_year, iso_week);
}

/**
 * vigil_iso_week_get_first_day:
 * @out_day: (out): the week's Monday, in days since 1970-01-01
 *
 * Returns: whether the week exists
 */
gboolean
vigil_iso_week_get_first_day (int     iso_year,
                              int     iso_week,
                              gint32 *out_day)
{
  g_return_val_if_fail (out_day != NULL, FALSE);

  if (iso_year < MIN_YEAR || iso_year > MAX_YEAR ||
      iso_week < 1 || iso_week > vigil_iso_weeks_in_year (iso_year))
    return FALSE;
  *out_day = get_week_one_monday (iso_year) + (iso_week - 1) * 7;
  return TRUE;
}

/**
 * vigil_iso_week_from_day:
 * @day: days since 1970-01-01
 *
 * The ISO week that holds @day.
 */
void
vigil_iso_week_from_day (gint32  day,
                         int    *out_year,
                         int    *out_week)
{
  gint32 thursday = day - get_weekday (day) + 3;
  int year, month, mday;

  /* A week belongs to the year of its Thursday. */
  vigil_date_to_civil (thursday, &year, &month, &mday);
  *out_year = year;
  *out_week = (int) ((thursday - get_week_one_monday (year)) / 7) + 1;
}

/**
 * vigil_report_last_full_week:
 * @now: a time (Unix seconds, UTC)
 * @out_year: (out): the ISO year of the week before @now's
 * @out_week: (out): its week number
 *
 * The last ISO week that ended before @now: the one before the week
 * that holds @now.
 *
 * Returns: %FALSE if @now is outside the years 1..9999
 */
gboolean
vigil_report_last_full_week (gint64  now,
                             int    *out_year,
                             int    *out_week)
{
  gint32 day;
  int year, month, mday;

  g_return_val_if_fail (out_year != NULL && out_week != NULL, FALSE);

  day = vigil_time_get_day (now);
  vigil_date_to_civil (day, &year, &month, &mday);
  if (year < MIN_YEAR + 1 || year > MAX_YEAR)
    return FALSE;
  vigil_iso_week_from_day (day - get_weekday (day) - 7, out_year, out_week);
  return TRUE;
}
