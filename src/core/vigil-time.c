/* vigil-time.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-time"

#include "config.h"

#include "vigil-time.h"

/* Timestamps arrive by the million during an import, so the common
 * ISO 8601 shapes are parsed here by hand; GDateTime handles the rest
 * (week dates, ordinal dates, other separators). */

#define SECONDS_PER_DAY G_GINT64_CONSTANT (86400)

/* Howard Hinnant's days_from_civil: proleptic Gregorian, any year. */
gint32
vigil_date_from_civil (int year,
                       int month,
                       int day)
{
  int y = year - (month <= 2);
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned) (y - era * 400);
  unsigned doy = (153 * (unsigned) (month + (month > 2 ? -3 : 9)) + 2) / 5 + (unsigned) day - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + (int) doe - 719468;
}

void
vigil_date_to_civil (gint32  days,
                     int    *year,
                     int    *month,
                     int    *day)
{
  gint64 z = (gint64) days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned) (z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;

  *year = (int) (yoe + era * 400 + (m <= 2));
  *month = (int) m;
  *day = (int) d;
}

static int
days_in_month (int year,
               int month)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    return 29;
  return days[month - 1];
}

static gboolean
read_digits (const char **p,
             int          count,
             int         *out)
{
  int value = 0;

  for (int i = 0; i < count; i++)
    {
      char c = (*p)[i];

      if (c < '0' || c > '9')
        return FALSE;
      value = value * 10 + (c - '0');
    }

  *p += count;
  *out = value;
  return TRUE;
}

static gboolean
parse_civil_date (const char **p,
                  gint32      *out_day)
{
  int year, month, day;

  if (!read_digits (p, 4, &year) || **p != '-')
    return FALSE;
  (*p)++;
  if (!read_digits (p, 2, &month) || **p != '-')
    return FALSE;
  (*p)++;
  if (!read_digits (p, 2, &day))
    return FALSE;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month (year, month))
    return FALSE;

  *out_day = vigil_date_from_civil (year, month, day);
  return TRUE;
}

/**
 * vigil_date_parse:
 * @text: a date as `YYYY-MM-DD`
 * @out_day: (out): days since 1970-01-01
 *
 * Returns: %TRUE if @text is exactly a valid calendar date
 */
gboolean
vigil_date_parse (const char *text,
                  gint32     *out_day)
{
  const char *p = text;
  gint32 day;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_day != NULL, FALSE);

  if (!parse_civil_date (&p, &day) || *p != '\0')
    return FALSE;

  *out_day = day;
  return TRUE;
}

static gboolean
parse_fast_iso8601 (const char *text,
                    gint64     *out_time)
{
  const char *p = text;
  gint32 day;
  int hour = 0, minute = 0, second = 0;
  gint64 offset = 0;

  if (!parse_civil_date (&p, &day))
    return FALSE;

  /* A bare date means midnight UTC. */
  if (*p == '\0')
    {
      *out_time = day * SECONDS_PER_DAY;
      return TRUE;
    }

  if (*p != 'T' && *p != 't' && *p != ' ')
    return FALSE;
  p++;

  if (!read_digits (&p, 2, &hour) || *p++ != ':' || !read_digits (&p, 2, &minute))
    return FALSE;
  if (*p == ':')
    {
      p++;
      if (!read_digits (&p, 2, &second))
        return FALSE;
      /* Fractions of a second are dropped: scores work in seconds. */
      if (*p == '.' || *p == ',')
        {
          p++;
          if (*p < '0' || *p > '9')
            return FALSE;
          while (*p >= '0' && *p <= '9')
            p++;
        }
    }
  if (hour > 23 || minute > 59 || second > 60)
    return FALSE;

  if (*p == 'Z' || *p == 'z')
    p++;
  else if (*p == '+' || *p == '-')
    {
      int sign = *p == '-' ? -1 : 1;
      int oh, om = 0;

      p++;
      if (!read_digits (&p, 2, &oh))
        return FALSE;
      if (*p == ':')
        p++;
      if (*p != '\0' && !read_digits (&p, 2, &om))
        return FALSE;
      if (oh > 23 || om > 59)
        return FALSE;
      offset = sign * (oh * 3600 + om * 60);
    }
  /* No zone: design 2.1 timestamps are UTC unless they say otherwise. */

  if (*p != '\0')
    return FALSE;

  *out_time = day * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offset;
  return TRUE;
}

/**
 * vigil_time_parse_iso8601:
 * @text: an ISO 8601 timestamp or date
 * @out_time: (out): Unix seconds
 *
 * Times without a zone are taken as UTC.
 *
 * Returns: %TRUE if @text is a valid timestamp
 */
gboolean
vigil_time_parse_iso8601 (const char *text,
                          gint64     *out_time)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_time != NULL, FALSE);

  if (parse_fast_iso8601 (text, out_time))
    return TRUE;

  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    return FALSE;

  *out_time = g_date_time_to_unix (dt);
  return TRUE;
}

gint32
vigil_time_get_day (gint64 time)
{
  gint64 day = time / SECONDS_PER_DAY;

  if (time < 0 && time % SECONDS_PER_DAY != 0)
    day--;
  return (gint32) day;
}

char *
vigil_date_format (gint32 days)
{
  int y, m, d;

  vigil_date_to_civil (days, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

char *
vigil_time_format (gint64 time)
{
  gint32 day = vigil_time_get_day (time);
  gint64 rest = time - day * SECONDS_PER_DAY;
  int y, m, d;

  vigil_date_to_civil (day, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
                          (int) (rest / 3600), (int) (rest / 60 % 60), (int) (rest % 60));
}
