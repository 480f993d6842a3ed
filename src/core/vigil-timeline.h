/* vigil-timeline.h: a customer's timeline, and the touches a CSM logs on it
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-store.h"

G_BEGIN_DECLS

/* The longest text of a touch, in bytes: a page of minutes, not a file. */
#define VIGIL_TOUCH_MAX_BYTES 65536

/**
 * VigilTouchKind:
 *
 * What a CSM logs (design 3.4). A note is written about the customer;
 * the others are contacts with it, and only they count as a touch (the
 * last touch, the no-touch trigger).
 */
typedef enum
{
  VIGIL_TOUCH_NOTE,
  VIGIL_TOUCH_CALL,
  VIGIL_TOUCH_EMAIL,
  VIGIL_TOUCH_MEETING,
  VIGIL_TOUCH_QBR,
  VIGIL_N_TOUCH_KINDS
} VigilTouchKind;

const char *vigil_touch_kind_get_id     (VigilTouchKind  kind);
const char *vigil_touch_kind_get_label  (VigilTouchKind  kind);
gboolean    vigil_touch_kind_from_id    (const char     *id,
                                         VigilTouchKind *out_kind);
gboolean    vigil_touch_kind_is_contact (VigilTouchKind  kind);

/**
 * VigilTimelineKind:
 * @VIGIL_TIMELINE_EVENT: an event of a kind this Vigil does not know
 *
 * What a timeline entry is (design 3.4).
 */
typedef enum
{
  VIGIL_TIMELINE_TOUCH,
  VIGIL_TIMELINE_PULSE,
  VIGIL_TIMELINE_OUTCOME,
  VIGIL_TIMELINE_TRIGGER_OPENED,
  VIGIL_TIMELINE_TRIGGER_STATE,
  VIGIL_TIMELINE_TIER_CHANGE,
  VIGIL_TIMELINE_RECORD_LINKED,
  VIGIL_TIMELINE_RECORD_UNLINKED,
  VIGIL_TIMELINE_SOURCE_ADDED,
  VIGIL_TIMELINE_EVENT,
  VIGIL_N_TIMELINE_KINDS
} VigilTimelineKind;

/**
 * VigilTimelineEntry:
 * @kind: what it is
 * @at: when (Unix seconds); an outcome at the start of its day (UTC)
 * @id: its touch's, pulse's, trigger's or event's id; 0 for tier
 *   changes and outcomes
 * @author: (nullable): who, %NULL for what Vigil itself saw
 * @subject: (nullable): the touch's kind (`call`), the pulse's sentiment,
 *   the outcome (`churned`), the trigger's rule, the new tier, the
 *   record linked or unlinked (`SOURCE:ID`), the source added, an
 *   unknown event's kind
 * @detail: (nullable): the pulse's reason, the trigger's kind (`risk`)
 *   when opened and its new state when worked, the tier before, the
 *   record linked with, the record the source added, an unknown
 *   event's detail (JSON)
 * @text: (nullable): what a person wrote: a touch's or a pulse's text
 * @until: (nullable): a snoozed trigger's day back (`YYYY-MM-DD`)
 * @edited_at: when a touch was last edited, %VIGIL_UNKNOWN if never
 *
 * One entry of a customer's timeline.
 */
typedef struct
{
  VigilTimelineKind  kind;
  gint64             at;
  gint64             id;
  char              *author;
  char              *subject;
  char              *detail;
  char              *text;
  char              *until;
  gint64             edited_at;
} VigilTimelineEntry;

void        vigil_timeline_entry_free      (VigilTimelineEntry       *entry);
const char *vigil_timeline_kind_get_id     (VigilTimelineKind         kind);
char       *vigil_timeline_entry_describe  (const VigilTimelineEntry *entry);

gint64      vigil_store_add_touch          (VigilStore               *self,
                                            gint64                    customer_id,
                                            VigilTouchKind            kind,
                                            gint64                    at,
                                            const char               *text,
                                            GError                  **error);
gint64      vigil_store_add_touch_as       (VigilStore               *self,
                                           gint64                    customer_id,
                                           VigilTouchKind            kind,
                                           gint64                    at,
                                           const char               *text,
                                           const char               *author,
                                           GError                  **error);
gboolean    vigil_store_edit_touch         (VigilStore               *self,
                                            gint64                    touch_id,
                                            VigilTouchKind            kind,
                                            gint64                    at,
                                            const char               *text,
                                            GError                  **error);
gboolean    vigil_store_delete_touch       (VigilStore               *self,
                                            gint64                    touch_id,
                                            GError                  **error);
GPtrArray  *vigil_store_list_timeline      (VigilStore               *self,
                                            gint64                    customer_id,
                                            GError                  **error);
GHashTable *vigil_store_list_touch_texts   (VigilStore               *self,
                                            GError                  **error);
gboolean    vigil_store_get_first_touch    (VigilStore               *self,
                                            gint64                   *out_at,
                                            GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilTimelineEntry, vigil_timeline_entry_free)

G_END_DECLS
