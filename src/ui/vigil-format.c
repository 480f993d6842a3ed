/* vigil-format.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one place the window turns figures into words (design 5): every
 * page, column and chart tooltip calls these, so a date or a trend reads
 * the same wherever it stands. Money, signed changes and shares are the
 * weekly report's own formatters (src/report/vigil-report-format.c), so
 * the window and the report never disagree. Only GLib: the unit test
 * runs without a display.
 */

#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-report-format.h"

#define SECONDS_PER_DAY 86400
#define UNKNOWN_TEXT "—"

/* @time (Unix seconds) in @format, in local time or in UTC. */
static char *
format_time_with (gint64      time,
                  gboolean    local,
                  const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time);
  g_autoptr(GDateTime) dt = NULL;

  if (utc == NULL)
    return g_strdup (UNKNOWN_TEXT);
  dt = local ? g_date_time_to_local (utc) : g_date_time_ref (utc);
  return g_date_time_format (dt, format);
}

/**
 * vigil_format_date:
 * @time: Unix seconds
 *
 * Returns: the local date of @time, e.g. "3 Mar 2026"; "—" out of range
 */
char *
vigil_format_date (gint64 time)
{
  return format_time_with (time, TRUE, "%-d %b %Y");
}

/* Returns: the local date and time of day of @time, e.g. "3 Mar 2026, 14:00" */
char *
vigil_format_date_time (gint64 time)
{
  /* TRANSLATORS: a date and a time of day, see g_date_time_format() */
  return format_time_with (time, TRUE, _("%-d %b %Y, %H:%M"));
}

/**
 * vigil_format_day:
 * @day: a calendar day, days since 1970-01-01
 *
 * A calendar day is no instant: it is written as it is, never moved into
 * the local time zone.
 *
 * Returns: e.g. "3 Mar 2026"
 */
char *
vigil_format_day (gint32 day)
{
  return format_time_with ((gint64) day * SECONDS_PER_DAY, FALSE, "%-d %b %Y");
}

/* Returns: @day without its year, for days close by, e.g. "3 Mar" */
char *
vigil_format_day_short (gint32 day)
{
  return format_time_with ((gint64) day * SECONDS_PER_DAY, FALSE, "%-d %b");
}

/**
 * vigil_format_ago:
 * @seconds: how long ago, in seconds
 *
 * Minutes within the hour, hours within two days, days beyond.
 *
 * Returns: e.g. "just now", "5 minutes ago", "3 hours ago", "5 days ago";
 *   "in the future" when @seconds is negative
 */
char *
vigil_format_ago (gint64 seconds)
{
  gint64 n;

  if (seconds < 0)
    return g_strdup (_("in the future"));
  if (seconds < 60)
    return g_strdup (_("just now"));
  if (seconds < 3600)
    {
      n = seconds / 60;
      return g_strdup_printf (ngettext ("%" PRId64 " minute ago", "%" PRId64 " minutes ago", n), n);
    }
  if (seconds < 2 * SECONDS_PER_DAY)
    {
      n = seconds / 3600;
      return g_strdup_printf (ngettext ("%" PRId64 " hour ago", "%" PRId64 " hours ago", n), n);
    }
  n = seconds / SECONDS_PER_DAY;
  return g_strdup_printf (ngettext ("%" PRId64 " day ago", "%" PRId64 " days ago", n), n);
}

/* Returns: how far a day is from today: "Today", "In 3 days", "2 days overdue" */
char *
vigil_format_days_to (gint32 days)
{
  if (days == 0)
    return g_strdup (_("Today"));
  if (days > 0)
    return g_strdup_printf (ngettext ("In %d day", "In %d days", days), days);
  return g_strdup_printf (ngettext ("%d day overdue", "%d days overdue", -days), -days);
}

/* Returns: a signed change of points to one decimal, the report's minus
 * (design 6: the hyphen-minus, as the report writes it):
 * "+3.2", "-3.2", "±0"; "—" when unknown */
char *
vigil_format_change (double change)
{
  return vigil_report_format_change (change, 1);
}

/* Returns: an arrow and the signed change, so the direction never rests
 * on colour alone: "▲ +3.2", "▼ -3.2", "▶ ±0"; "—" when unknown */
char *
vigil_format_trend (double change)
{
  g_autofree char *signed_change = NULL;
  const char *arrow;

  if (!isfinite (change))
    return g_strdup (UNKNOWN_TEXT);
  signed_change = vigil_format_change (change);
  /* The report's rounding decides "no change": one rule for both. */
  if (g_str_equal (signed_change, "±0"))
    arrow = "▶";
  else
    arrow = change > 0 ? "▲" : "▼";
  return g_strconcat (arrow, " ", signed_change, NULL);
}

/* Returns: money in whole units, grouped for the locale, no currency (the
 * data carries none); "—" when unknown */
char *
vigil_format_money (double amount)
{
  return vigil_report_format_money (amount);
}

/* Returns: a share 0…1 as a whole percentage, e.g. "32 %"; "—" when unknown */
char *
vigil_format_percent (double fraction)
{
  return vigil_report_format_percent (fraction);
}

/* Returns: seats used of seats and the share in use, e.g. "47 / 50 (94 %)" */
char *
vigil_format_seats (gint64 used,
                    gint64 seats,
                    double use)
{
  g_autofree char *share = NULL;

  if (!isfinite (use))
    return g_strdup_printf ("%'" PRId64 " / %'" PRId64, used, seats);
  share = vigil_format_percent (use);
  /* TRANSLATORS: seats used / seats (share), e.g. "47 / 50 (94 %)" */
  return g_strdup_printf (_("%'" PRId64 " / %'" PRId64 " (%s)"), used, seats, share);
}

/**
 * vigil_format_trigger_state:
 * @state: new, acknowledged, snoozed or done (design 3.3)
 * @snoozed_until: (nullable): the day a snooze ends, YYYY-MM-DD
 * @by: (nullable): who set the state: on a team's book the inbox and the
 *   customer page say who acknowledged, snoozed or closed it (design 5)
 *
 * Returns: the state in words, e.g. "Acknowledged by Dana Park"
 */
char *
vigil_format_trigger_state (const char *state,
                            const char *snoozed_until,
                            const char *by)
{
  if (g_strcmp0 (state, "new") == 0)
    return g_strdup (_("New"));
  if (g_strcmp0 (state, "acknowledged") == 0)
    /* Translators: %s is who acknowledged a trigger */
    return by != NULL ? g_strdup_printf (_("Acknowledged by %s"), by) : g_strdup (_("Acknowledged"));
  if (g_strcmp0 (state, "snoozed") == 0 && snoozed_until != NULL)
    /* Translators: until a day (YYYY-MM-DD), by whom */
    return by != NULL ? g_strdup_printf (_("Snoozed until %s by %s"), snoozed_until, by)
                      : g_strdup_printf (_("Snoozed until %s"), snoozed_until);
  if (g_strcmp0 (state, "snoozed") == 0)
    return by != NULL ? g_strdup_printf (_("Snoozed by %s"), by) : g_strdup (_("Snoozed"));
  if (g_strcmp0 (state, "done") == 0)
    /* Translators: %s is who closed a trigger */
    return by != NULL ? g_strdup_printf (_("Done by %s"), by) : g_strdup (_("Done"));
  return g_strdup (state);
}
