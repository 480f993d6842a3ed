/* vigil-pulse.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* design 3.5: the CSM's own judgement of a customer. */
typedef enum
{
  VIGIL_SENTIMENT_NONE = -1,
  VIGIL_SENTIMENT_GREEN,
  VIGIL_SENTIMENT_YELLOW,
  VIGIL_SENTIMENT_RED,
  VIGIL_N_SENTIMENTS
} VigilSentiment;

/* Why the CSM feels so, from a short fixed list (design 3.5). */
typedef enum
{
  VIGIL_PULSE_REASON_NONE = -1,
  VIGIL_PULSE_REASON_RELATIONSHIP,
  VIGIL_PULSE_REASON_PRODUCT_FIT,
  VIGIL_PULSE_REASON_SUPPORT,
  VIGIL_PULSE_REASON_BUDGET,
  VIGIL_PULSE_REASON_CHAMPION_LEFT,
  VIGIL_PULSE_REASON_OTHER,
  VIGIL_N_PULSE_REASONS
} VigilPulseReason;

/* A note longer than this many characters is refused. */
#define VIGIL_PULSE_NOTE_MAX_CHARS 4000

/**
 * VigilPulseMark:
 * @at: when the pulse was taken (Unix seconds)
 * @sentiment: what it said, %VIGIL_SENTIMENT_NONE for no pulse
 *
 * What the sentiment measure needs of a pulse (design 3.1).
 */
typedef struct
{
  gint64         at;
  VigilSentiment sentiment;
} VigilPulseMark;

/**
 * VigilPulse:
 * @id: the store's id of the pulse
 * @customer_id: the store's id of its customer
 * @at: when it holds from (Unix seconds)
 * @sentiment: green, yellow or red
 * @reason: why, or %VIGIL_PULSE_REASON_NONE
 * @note: (nullable): the CSM's words
 * @author: who took it (design 3.4)
 * @created_at: when it was written (Unix seconds)
 *
 * One pulse the CSM took of a customer.
 */
typedef struct
{
  gint64            id;
  gint64            customer_id;
  gint64            at;
  VigilSentiment    sentiment;
  VigilPulseReason  reason;
  char             *note;
  char             *author;
  gint64            created_at;
} VigilPulse;

const char       *vigil_sentiment_get_id      (VigilSentiment    sentiment);
const char       *vigil_sentiment_get_label   (VigilSentiment    sentiment);
double            vigil_sentiment_get_value   (VigilSentiment    sentiment);
VigilSentiment    vigil_sentiment_from_value  (double            value);
gboolean          vigil_sentiment_parse       (const char       *text,
                                               VigilSentiment   *out_sentiment,
                                               GError          **error);
const char       *vigil_pulse_reason_get_id    (VigilPulseReason  reason);
const char       *vigil_pulse_reason_get_label (VigilPulseReason  reason);
gboolean          vigil_pulse_reason_parse     (const char       *text,
                                                VigilPulseReason *out_reason,
                                                GError          **error);

char             *vigil_pulse_clean_note      (const char       *note,
                                               GError          **error);
VigilPulse       *vigil_pulse_copy            (const VigilPulse *pulse);
void              vigil_pulse_free            (VigilPulse       *pulse);

const VigilPulseMark *vigil_pulse_marks_find  (GArray           *marks,
                                               gint64            time,
                                               guint            *inout_hint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilPulse, vigil_pulse_free)

G_END_DECLS
