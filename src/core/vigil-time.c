/* vigil-time.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-time"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
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

/* @value in @width digits, leading zeros first, at @p; returns the end. */
static char *
put_digits (char *p,
            int   value,
            int   width)
{
  for (int i = width - 1; i >= 0; i--, value /= 10)
    p[i] = (char) ('0' + value % 10);
  return p + width;
}

/* "2026-11-21" at @text, without printf (`vigil scores --format json`
 * writes five dates and times a customer); returns the end. A year
 * outside 0…9999 goes through printf, as "%04d" writes it. */
static char *
put_date (char   *text,
          gint32  day)
{
  int y, m, d;
  char *p = text;

  vigil_date_to_civil (day, &y, &m, &d);
  if (y < 0 || y > 9999)
    return text + g_snprintf (text, VIGIL_TIME_TEXT_SIZE, "%04d-%02d-%02d", y, m, d);
  p = put_digits (p, y, 4);
  *p++ = '-';
  p = put_digits (p, m, 2);
  *p++ = '-';
  return put_digits (p, d, 2);
}

/**
 * vigil_date_format_to:
 *
 * vigil_date_format()'s text, written into @text without an allocation.
 *
 * Returns: @text
 */
const char *
vigil_date_format_to (gint32 days,
                      char   text[VIGIL_TIME_TEXT_SIZE])
{
  *put_date (text, days) = '\0';
  return text;
}

/**
 * vigil_time_format_to:
 *
 * vigil_time_format()'s text, written into @text without an allocation.
 *
 * Returns: @text
 */
const char *
vigil_time_format_to (gint64 time,
                      char   text[VIGIL_TIME_TEXT_SIZE])
{
  gint32 day = vigil_time_get_day (time);
  int rest = (int) (time - (gint64) day * SECONDS_PER_DAY);
  char *p = put_date (text, day);

  *p++ = 'T';
  p = put_digits (p, rest / 3600, 2);
  *p++ = ':';
  p = put_digits (p, rest / 60 % 60, 2);
  *p++ = ':';
  p = put_digits (p, rest % 60, 2);
  *p++ = 'Z';
  *p = '\0';
  return text;
}

char *
vigil_date_format (gint32 days)
{
  char text[VIGIL_TIME_TEXT_SIZE];

  return g_strdup (vigil_date_format_to (days, text));
}

char *
vigil_time_format (gint64 time)
{
  char text[VIGIL_TIME_TEXT_SIZE];

  return g_strdup (vigil_time_format_to (time, text));
}

/* Times in a format of the mapping's choosing -----------------------------
 *
 * design 2.2: a CRM export writes `05/03/2024 14:23`, a billing system
 * `Mar 5, 2024 2:23 PM`. The format is written with strftime's
 * conversions, but read here, by hand: strptime() follows the locale
 * (month names, and whether it exists at all), and a mapping must read
 * the same on every machine. English month names, UTC unless %z says. */

/* The conversions a format may use; each at most once. */
static const char format_conversions[] = "YymbBdeHIMSpz";

/* English month names: %b and %B read either form, in any case. */
static const char * const month_names[] = {
  "january", "february", "march", "april", "may", "june",
  "july", "august", "september", "october", "november", "december",
};

/**
 * vigil_time_format_check:
 * @format: a strftime-like format (design 2.2)
 *
 * Returns: %TRUE if @format uses only %Y %y %m %b %B %d %e %H %I %M %S %p
 *   %z and %%, each once, with a year, a month and a day; else %FALSE
 *   with @error naming what is wrong
 */
gboolean
vigil_time_format_check (const char  *format,
                         GError     **error)
{
  gboolean seen[G_N_ELEMENTS (format_conversions)] = { FALSE, };

  g_return_val_if_fail (format != NULL, FALSE);

  for (const char *p = format; *p != '\0'; p++)
    {
      const char *known;

      if (*p != '%')
        continue;
      p++;
      if (*p == '%')
        continue;
      known = *p != '\0' ? strchr (format_conversions, *p) : NULL;
      if (known == NULL)
        {
          /* The whole character after the %, whatever its length. */
          int length = *p == '\0' ? 0 : (int) (g_utf8_next_char (p) - p);

          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("the time format “%s” has “%%%.*s”, which Vigil does not read "
                         "(it reads %%Y %%y %%m %%b %%B %%d %%e %%H %%I %%M %%S %%p %%z and %%%%)"),
                       format, length, p);
          return FALSE;
        }
      if (seen[known - format_conversions])
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("the time format “%s” has “%%%c” twice"), format, *p);
          return FALSE;
        }
      seen[known - format_conversions] = TRUE;
    }

#define SEEN(c) seen[strchr (format_conversions, c) - format_conversions]
  if (!(SEEN ('Y') || SEEN ('y')) || !(SEEN ('m') || SEEN ('b') || SEEN ('B')) ||
      !(SEEN ('d') || SEEN ('e')))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("the time format “%s” needs a year (%%Y or %%y), a month (%%m or %%b) "
                     "and a day (%%d or %%e)"), format);
      return FALSE;
    }
  if ((SEEN ('Y') && SEEN ('y')) || (SEEN ('m') && (SEEN ('b') || SEEN ('B'))) ||
      (SEEN ('b') && SEEN ('B')) || (SEEN ('d') && SEEN ('e')) || (SEEN ('H') && SEEN ('I')))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("the time format “%s” gives the same part of the time twice"), format);
      return FALSE;
    }
  if (SEEN ('I') && !SEEN ('p'))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("the time format “%s” has %%I (a 12-hour clock) but no %%p (AM or PM)"),
                   format);
      return FALSE;
    }
  if (SEEN ('M') && !(SEEN ('H') || SEEN ('I')))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("the time format “%s” has minutes (%%M) but no hour (%%H or %%I)"), format);
      return FALSE;
    }
  if (SEEN ('S') && !SEEN ('M'))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("the time format “%s” has seconds (%%S) but no minutes (%%M)"), format);
      return FALSE;
    }
#undef SEEN
  return TRUE;
}

/* Between @min and @max digits, as many as there are. */
static gboolean
read_number (const char **p,
             int          min,
             int          max,
             int         *out)
{
  int value = 0;
  int n = 0;

  while (n < max && g_ascii_isdigit ((*p)[n]))
    {
      value = value * 10 + ((*p)[n] - '0');
      n++;
    }
  if (n < min)
    return FALSE;
  *p += n;
  *out = value;
  return TRUE;
}

static gboolean
read_month_name (const char **p,
                 int         *out)
{
  for (int i = 0; i < 12; i++)
    {
      gsize full = strlen (month_names[i]);

      /* The full name first: "march" must not stop at "mar". */
      if (g_ascii_strncasecmp (*p, month_names[i], full) == 0)
        {
          *p += full;
          *out = i + 1;
          return TRUE;
        }
      if (g_ascii_strncasecmp (*p, month_names[i], 3) == 0)
        {
          *p += 3;
          *out = i + 1;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
read_meridiem (const char **p,
               gboolean    *out_pm)
{
  if ((**p == 'a' || **p == 'A' || **p == 'p' || **p == 'P') && ((*p)[1] == 'm' || (*p)[1] == 'M'))
    {
      *out_pm = **p == 'p' || **p == 'P';
      *p += 2;
      return TRUE;
    }
  return FALSE;
}

/* Z, or ±hh, ±hhmm, ±hh:mm; seconds east of UTC. */
static gboolean
read_zone (const char **p,
           int         *out_offset)
{
  int sign;
  int hours;
  int minutes = 0;

  if (**p == 'Z' || **p == 'z')
    {
      (*p)++;
      *out_offset = 0;
      return TRUE;
    }
  if (**p != '+' && **p != '-')
    return FALSE;
  sign = **p == '-' ? -1 : 1;
  (*p)++;
  if (!read_digits (p, 2, &hours))
    return FALSE;
  if (**p == ':')
    {
      (*p)++;
      if (!read_digits (p, 2, &minutes))
        return FALSE;
    }
  else if (g_ascii_isdigit (**p) && !read_digits (p, 2, &minutes))
    return FALSE;
  if (hours > 23 || minutes > 59)
    return FALSE;
  *out_offset = sign * (hours * 3600 + minutes * 60);
  return TRUE;
}

/**
 * vigil_time_parse_format:
 * @text: a time as @format writes it
 * @format: a format vigil_time_format_check() accepts
 * @out_time: (out): Unix seconds
 *
 * Reads @text by @format: %Y four digits, %y two (69–99 the 1900s, 00–68
 * the 2000s, as POSIX has it), %m %d %H %I %M %S one or two, %e one or two
 * after an optional space, %b and %B an English month name, full or its
 * first three letters, in any case, %p AM or PM (then the hour is 1–12),
 * %z `Z` or an offset `+hh`, `+hhmm`, `+hh:mm`. A space in @format
 * matches one or more spaces or tabs; any other character itself.
 *
 * Returns: %TRUE if @text is a time that exists in @format (not
 *   31/02, not 24:00); UTC unless %z gives the offset
 */
gboolean
vigil_time_parse_format (const char *text,
                         const char *format,
                         gint64     *out_time)
{
  int year = -1, month = -1, day = -1, hour = 0, minute = 0, second = 0, offset = 0;
  gboolean has_meridiem = FALSE;
  gboolean pm = FALSE;
  const char *p = text;
  int value;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (format != NULL, FALSE);
  g_return_val_if_fail (out_time != NULL, FALSE);

  for (const char *f = format; *f != '\0'; f++)
    {
      if (*f == ' ')
        {
          if (*p != ' ' && *p != '\t')
            return FALSE;
          while (*p == ' ' || *p == '\t')
            p++;
          continue;
        }
      if (*f != '%' || f[1] == '%')
        {
          if (*f == '%')
            f++;
          if (*p != *f)
            return FALSE;
          p++;
          continue;
        }

      f++;
      switch (*f)
        {
        case 'Y':
          if (!read_digits (&p, 4, &year))
            return FALSE;
          break;
        case 'y':
          if (!read_digits (&p, 2, &value))
            return FALSE;
          year = value < 69 ? 2000 + value : 1900 + value;
          break;
        case 'm':
          if (!read_number (&p, 1, 2, &month))
            return FALSE;
          break;
        case 'b':
        case 'B':
          if (!read_month_name (&p, &month))
            return FALSE;
          break;
        case 'e':
          if (*p == ' ')
            p++;
          G_GNUC_FALLTHROUGH;
        case 'd':
          if (!read_number (&p, 1, 2, &day))
            return FALSE;
          break;
        case 'H':
        case 'I':
          if (!read_number (&p, 1, 2, &hour))
            return FALSE;
          break;
        case 'M':
          if (!read_number (&p, 1, 2, &minute))
            return FALSE;
          break;
        case 'S':
          if (!read_number (&p, 1, 2, &second))
            return FALSE;
          break;
        case 'p':
          if (!read_meridiem (&p, &pm))
            return FALSE;
          has_meridiem = TRUE;
          break;
        case 'z':
          if (!read_zone (&p, &offset))
            return FALSE;
          break;
        default:
          /* Not a format vigil_time_format_check() accepts. */
          return FALSE;
        }
    }
  if (*p != '\0')
    return FALSE;

  if (has_meridiem)
    {
      if (hour < 1 || hour > 12)
        return FALSE;
      hour = hour % 12 + (pm ? 12 : 0);
    }
  /* Like the ISO 8601 reader, a leap second is a second that exists. */
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > days_in_month (year, month) ||
      hour > 23 || minute > 59 || second > 60)
    return FALSE;

  *out_time = vigil_date_from_civil (year, month, day) * SECONDS_PER_DAY + hour * 3600 +
              minute * 60 + second - offset;
  return TRUE;
}
