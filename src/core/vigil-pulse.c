/* vigil-pulse.c: the CSM's pulse: sentiments, reasons, notes
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-pulse"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-pulse.h"

/* design 3.5: the one place the sentiments and reasons are listed. The
 * value is what the sentiment measure scores (design 3.1). */
static const struct
{
  const char *id;
  const char *label;
  double      value;
} sentiments[VIGIL_N_SENTIMENTS] = {
  [VIGIL_SENTIMENT_GREEN] = { "green", N_("Green"), 1.0 },
  [VIGIL_SENTIMENT_YELLOW] = { "yellow", N_("Yellow"), 0.5 },
  [VIGIL_SENTIMENT_RED] = { "red", N_("Red"), 0.0 },
};

static const struct
{
  const char *id;
  const char *label;
} reasons[VIGIL_N_PULSE_REASONS] = {
  [VIGIL_PULSE_REASON_RELATIONSHIP] = { "relationship", N_("Relationship") },
  [VIGIL_PULSE_REASON_PRODUCT_FIT] = { "product-fit", N_("Product fit") },
  [VIGIL_PULSE_REASON_SUPPORT] = { "support", N_("Support") },
  [VIGIL_PULSE_REASON_BUDGET] = { "budget", N_("Budget") },
  [VIGIL_PULSE_REASON_CHAMPION_LEFT] = { "champion-left", N_("Champion left") },
  [VIGIL_PULSE_REASON_OTHER] = { "other", N_("Other") },
};

/**
 * vigil_sentiment_get_id:
 *
 * Returns: `green`, `yellow` or `red`; %NULL for %VIGIL_SENTIMENT_NONE
 */
const char *
vigil_sentiment_get_id (VigilSentiment sentiment)
{
  if (sentiment < 0 || sentiment >= VIGIL_N_SENTIMENTS)
    return NULL;
  return sentiments[sentiment].id;
}

/**
 * vigil_sentiment_get_label:
 *
 * Returns: the sentiment's name for people; "No pulse" for none
 */
const char *
vigil_sentiment_get_label (VigilSentiment sentiment)
{
  if (sentiment < 0 || sentiment >= VIGIL_N_SENTIMENTS)
    return _("No pulse");
  return _(sentiments[sentiment].label);
}

/**
 * vigil_sentiment_get_value:
 *
 * Returns: what the sentiment measure makes of it (green 1, yellow 0.5,
 *   red 0), NAN for none
 */
double
vigil_sentiment_get_value (VigilSentiment sentiment)
{
  if (sentiment < 0 || sentiment >= VIGIL_N_SENTIMENTS)
    return NAN;
  return sentiments[sentiment].value;
}

/**
 * vigil_sentiment_from_value:
 * @value: what the sentiment measure made of a pulse
 *
 * Returns: the sentiment that scores @value, %VIGIL_SENTIMENT_NONE for
 *   NAN or a value no sentiment scores
 */
VigilSentiment
vigil_sentiment_from_value (double value)
{
  for (int i = 0; i < VIGIL_N_SENTIMENTS; i++)
    if (sentiments[i].value == value)
      return (VigilSentiment) i;
  return VIGIL_SENTIMENT_NONE;
}

/**
 * vigil_sentiment_parse:
 * @text: `green`, `yellow` or `red`
 *
 * Returns: whether @text names a sentiment; otherwise @error says which
 *   ones do
 */
gboolean
vigil_sentiment_parse (const char      *text,
                       VigilSentiment  *out_sentiment,
                       GError         **error)
{
  g_return_val_if_fail (out_sentiment != NULL, FALSE);

  for (int i = 0; text != NULL && i < VIGIL_N_SENTIMENTS; i++)
    if (strcmp (text, sentiments[i].id) == 0)
      {
        *out_sentiment = (VigilSentiment) i;
        return TRUE;
      }

  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
               _("“%s” is not a sentiment: use green, yellow or red"), text != NULL ? text : "");
  return FALSE;
}

/**
 * vigil_pulse_reason_get_id:
 *
 * Returns: the reason's stable id (`champion-left`…); %NULL for none
 */
const char *
vigil_pulse_reason_get_id (VigilPulseReason reason)
{
  if (reason < 0 || reason >= VIGIL_N_PULSE_REASONS)
    return NULL;
  return reasons[reason].id;
}

/**
 * vigil_pulse_reason_get_label:
 *
 * Returns: the reason's name for people; "No reason" for none
 */
const char *
vigil_pulse_reason_get_label (VigilPulseReason reason)
{
  if (reason < 0 || reason >= VIGIL_N_PULSE_REASONS)
    return _("No reason");
  return _(reasons[reason].label);
}

/**
 * vigil_pulse_reason_parse:
 * @text: a reason's id
 *
 * Returns: whether @text names a reason; otherwise @error lists them
 */
gboolean
vigil_pulse_reason_parse (const char        *text,
                          VigilPulseReason  *out_reason,
                          GError           **error)
{
  g_autoptr(GString) known = g_string_new (NULL);

  g_return_val_if_fail (out_reason != NULL, FALSE);

  for (int i = 0; text != NULL && i < VIGIL_N_PULSE_REASONS; i++)
    if (strcmp (text, reasons[i].id) == 0)
      {
        *out_reason = (VigilPulseReason) i;
        return TRUE;
      }

  for (int i = 0; i < VIGIL_N_PULSE_REASONS; i++)
    g_string_append_printf (known, "%s%s", i > 0 ? ", " : "", reasons[i].id);
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
               _("“%s” is not a pulse reason: use one of %s"), text != NULL ? text : "", known->str);
  return FALSE;
}

/**
 * vigil_pulse_clean_note:
 * @note: (nullable): what the CSM wrote
 *
 * A note is plain text: trimmed, valid UTF-8 without NUL, at most
 * %VIGIL_PULSE_NOTE_MAX_CHARS characters. Empty is no note.
 *
 * Returns: (transfer full) (nullable): the note to store, %NULL for none
 *   (check @error to tell a refusal)
 */
char *
vigil_pulse_clean_note (const char  *note,
                        GError     **error)
{
  g_autofree char *copy = NULL;
  glong length;

  if (note == NULL)
    return NULL;
  if (!g_utf8_validate (note, -1, NULL))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("The pulse's note is not valid UTF-8 text"));
      return NULL;
    }
  copy = g_strstrip (g_strdup (note));
  if (*copy == '\0')
    return NULL;
  length = g_utf8_strlen (copy, -1);
  if (length > VIGIL_PULSE_NOTE_MAX_CHARS)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("The pulse's note has %ld characters; at most %d are kept"),
                   length, VIGIL_PULSE_NOTE_MAX_CHARS);
      return NULL;
    }
  return g_steal_pointer (&copy);
}

VigilPulse *
vigil_pulse_copy (const VigilPulse *pulse)
{
  VigilPulse *copy;

  g_return_val_if_fail (pulse != NULL, NULL);

  copy = g_memdup2 (pulse, sizeof *pulse);
  copy->note = g_strdup (pulse->note);
  copy->author = g_strdup (pulse->author);
  return copy;
}

void
vigil_pulse_free (VigilPulse *pulse)
{
  if (pulse == NULL)
    return;
  g_free (pulse->note);
  g_free (pulse->author);
  g_free (pulse);
}

/**
 * vigil_pulse_marks_find:
 * @marks: (nullable) (element-type VigilPulseMark): one customer's
 *   pulses, oldest first (a tie of times in the order they were written)
 * @time: a snapshot's time
 * @inout_hint: (nullable): where the last search ended; 0 to start
 *
 * The pulse in force at @time: the latest taken at or before it, of
 * those taken at one time the last written. Snapshots asked for in time
 * order with the same hint walk the pulses once (design 3.1: a rescore
 * reads each customer's pulses in one ordered pass).
 *
 * Returns: (nullable): the pulse, %NULL when none was taken by @time
 */
const VigilPulseMark *
vigil_pulse_marks_find (GArray *marks,
                        gint64  time,
                        guint  *inout_hint)
{
  guint n;

  if (marks == NULL || marks->len == 0)
    return NULL;

  /* n: how many pulses were taken at or before @time */
  n = inout_hint != NULL ? MIN (*inout_hint, marks->len) : 0;
  if (n > 0 && g_array_index (marks, VigilPulseMark, n - 1).at > time)
    {
      guint low = 0, high = n - 1;

      /* Earlier than the last search: bisect what lies before it. */
      while (low < high)
        {
          guint middle = low + (high - low) / 2;

          if (g_array_index (marks, VigilPulseMark, middle).at <= time)
            low = middle + 1;
          else
            high = middle;
        }
      n = low;
    }
  else
    while (n < marks->len && g_array_index (marks, VigilPulseMark, n).at <= time)
      n++;

  if (inout_hint != NULL)
    *inout_hint = n;
  return n > 0 ? &g_array_index (marks, VigilPulseMark, n - 1) : NULL;
}
