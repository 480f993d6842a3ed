/* vigil-report-format.c: numbers, money, dates and paper for the locale
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-report"

#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <monetary.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-report-format.h"

/* What the report prints for an unknown value. */
#define UNKNOWN_TEXT "—"

/* Territories where US Letter is the norm. */
static const char * const letter_territories[] = {
  "US", "CA", "MX", "CL", "CO", "CR", "GT", "PA", "PH", "PR", "SV", "VE", "NI", "DO", "BZ",
};

/* The territory of a locale name such as en_US.UTF-8@euro. */
static gboolean
is_letter_locale_name (const char *name)
{
  const char *underscore;

  if (name == NULL || (underscore = strchr (name, '_')) == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (letter_territories); i++)
    if (strncmp (underscore + 1, letter_territories[i], 2) == 0 &&
        !g_ascii_isalpha (underscore[3]))
      return TRUE;
  return FALSE;
}

static gboolean
is_c_locale (int category)
{
  const char *name = setlocale (category, NULL);

  return name == NULL || g_str_equal (name, "C") || g_str_equal (name, "POSIX") ||
         g_str_has_prefix (name, "C.");
}

/**
 * vigil_report_paper_from_locale:
 *
 * Returns: %VIGIL_REPORT_PAPER_LETTER or %VIGIL_REPORT_PAPER_A4, from
 *   LC_PAPER as the program's locale has it
 */
VigilReportPaper
vigil_report_paper_from_locale (void)
{
#ifdef _NL_PAPER_WIDTH
  /* glibc gives the width in millimetres, an integer in a pointer. */
  union { unsigned int word; char *string; } width;

  width.string = nl_langinfo (_NL_PAPER_WIDTH);
  if (width.word == 216)
    return VIGIL_REPORT_PAPER_LETTER;
  if (width.word == 210)
    {
      /* The C locale says A4 without meaning it: look at the name. */
      if (is_c_locale (LC_PAPER))
        {
          const char *env = g_getenv ("LC_ALL");

          if (env == NULL || *env == '\0')
            env = g_getenv ("LC_PAPER");
          if (env == NULL || *env == '\0')
            env = g_getenv ("LANG");
          return is_letter_locale_name (env) ? VIGIL_REPORT_PAPER_LETTER : VIGIL_REPORT_PAPER_A4;
        }
    }
  return VIGIL_REPORT_PAPER_A4;
#else
  return is_letter_locale_name (setlocale (LC_ALL, NULL)) ? VIGIL_REPORT_PAPER_LETTER
                                                          : VIGIL_REPORT_PAPER_A4;
#endif
}

/**
 * vigil_report_paper_parse:
 * @text: `a4`, `letter` or `auto` (any case)
 */
gboolean
vigil_report_paper_parse (const char       *text,
                          VigilReportPaper *out_paper)
{
  g_return_val_if_fail (out_paper != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (text, "a4") == 0)
    *out_paper = VIGIL_REPORT_PAPER_A4;
  else if (g_ascii_strcasecmp (text, "letter") == 0)
    *out_paper = VIGIL_REPORT_PAPER_LETTER;
  else if (g_ascii_strcasecmp (text, "auto") == 0)
    *out_paper = VIGIL_REPORT_PAPER_AUTO;
  else
    return FALSE;
  return TRUE;
}

/**
 * vigil_report_paper_get_size:
 * @out_width: (out): in points (1/72 in)
 * @out_height: (out): in points
 */
void
vigil_report_paper_get_size (VigilReportPaper  paper,
                             double           *out_width,
                             double           *out_height)
{
  if (paper == VIGIL_REPORT_PAPER_AUTO)
    paper = vigil_report_paper_from_locale ();

  if (paper == VIGIL_REPORT_PAPER_LETTER)
    {
      *out_width = 612.0;
      *out_height = 792.0;
    }
  else
    {
      *out_width = 595.2756;   /* 210 mm */
      *out_height = 841.8898;  /* 297 mm */
    }
}

/* With the locale's digit grouping (LC_NUMERIC). */
char *
vigil_report_format_count (gint64 value)
{
  if (value == G_MININT64)
    return g_strdup (UNKNOWN_TEXT);
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

char *
vigil_report_format_decimal (double value,
                             int    decimals)
{
  if (!isfinite (value))
    return g_strdup (UNKNOWN_TEXT);
  /* No "-0.0". */
  if (fabs (value) < 0.5 * pow (10, -decimals))
    value = 0;
  return g_strdup_printf ("%'.*f", decimals, value);
}

/* design 6: a minus is the hyphen-minus of ASCII, "-", which any
 * program reading the text back takes for one, and which keeps the PDF
 * at one font subset a face (cairo 1.16 puts U+2212 in a second). */
#define MINUS "-"

/* A signed change: "+1.5", "-2.0", "±0". */
char *
vigil_report_format_change (double value,
                            int    decimals)
{
  g_autofree char *magnitude = NULL;

  if (!isfinite (value))
    return g_strdup (UNKNOWN_TEXT);
  if (fabs (value) < 0.5 * pow (10, -decimals))
    return g_strdup ("±0");
  magnitude = g_strdup_printf ("%'.*f", decimals, fabs (value));
  return g_strconcat (value > 0 ? "+" : MINUS, magnitude, NULL);
}

/* Money in whole units with the locale's monetary grouping (LC_MONETARY).
 * The data carries no currency, so none is shown. */
char *
vigil_report_format_money (double value)
{
  char buffer[64];

  if (!isfinite (value))
    return g_strdup (UNKNOWN_TEXT);
  if (strfmon (buffer, sizeof buffer, "%!.0n", value) < 0)
    return g_strdup_printf ("%.0f", value);
  return g_strdup (g_strstrip (buffer));
}

char *
vigil_report_format_money_change (double value)
{
  g_autofree char *magnitude = NULL;

  if (!isfinite (value))
    return g_strdup (UNKNOWN_TEXT);
  if (fabs (value) < 0.5)
    return g_strdup ("±0");
  magnitude = vigil_report_format_money (fabs (value));
  return g_strconcat (value > 0 ? "+" : MINUS, magnitude, NULL);
}

char *
vigil_report_format_percent (double fraction)
{
  g_autofree char *number = NULL;

  if (!isfinite (fraction))
    return g_strdup (UNKNOWN_TEXT);
  number = vigil_report_format_decimal (100.0 * fraction, 0);
  /* Translators: a percentage; %s is the number */
  return g_strdup_printf (_("%s %%"), number);
}

/**
 * vigil_report_format_day:
 * @day: days since 1970-01-01, or G_MININT32 when unknown
 * @long_form: "9 November 2026" rather than the locale's short form
 */
char *
vigil_report_format_day (gint32   day,
                         gboolean long_form)
{
  g_autoptr(GDateTime) time = NULL;

  if (day == G_MININT32)
    return g_strdup (UNKNOWN_TEXT);
  time = g_date_time_new_from_unix_utc ((gint64) day * 86400);
  if (time == NULL)
    return g_strdup (UNKNOWN_TEXT);
  /* Translators: a long date, see g_date_time_format() */
  if (long_form)
    return g_date_time_format (time, _("%-d %B %Y"));
  /* The C locale's short date has a two-digit year: ISO 8601 instead. */
  if (is_c_locale (LC_TIME))
    return g_date_time_format (time, "%Y-%m-%d");
  return g_date_time_format (time, "%x");
}

/* A time in UTC, the zone the report's weeks are in. */
char *
vigil_report_format_time (gint64 time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (time);

  if (when == NULL)
    return g_strdup (UNKNOWN_TEXT);
  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (when, _("%-d %B %Y, %H:%M UTC"));
}
