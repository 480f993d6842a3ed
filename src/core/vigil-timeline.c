/* vigil-timeline.c: the kinds of touch and of timeline entry, and an entry in words
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-timeline"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vigil-scorecard.h"
#include "vigil-timeline.h"
#include "vigil-triggers.h"

/* design 3.4: the kinds of touch, their stored ids and their names. */
static const struct
{
  const char *id;
  const char *label;
} touch_kinds[VIGIL_N_TOUCH_KINDS] = {
  [VIGIL_TOUCH_NOTE] = { "note", N_("Note") },
  [VIGIL_TOUCH_CALL] = { "call", N_("Call") },
  [VIGIL_TOUCH_EMAIL] = { "email", N_("Email") },
  [VIGIL_TOUCH_MEETING] = { "meeting", N_("Meeting") },
  /* TRANSLATORS: a quarterly business review with the customer */
  [VIGIL_TOUCH_QBR] = { "qbr", N_("QBR") },
};

static const char * const timeline_kinds[VIGIL_N_TIMELINE_KINDS] = {
  [VIGIL_TIMELINE_TOUCH] = "touch",
  [VIGIL_TIMELINE_PULSE] = "pulse",
  [VIGIL_TIMELINE_OUTCOME] = "outcome",
  [VIGIL_TIMELINE_TRIGGER_OPENED] = "trigger-opened",
  [VIGIL_TIMELINE_TRIGGER_STATE] = "trigger-state",
  [VIGIL_TIMELINE_TIER_CHANGE] = "tier-change",
  [VIGIL_TIMELINE_RECORD_LINKED] = "record-linked",
  [VIGIL_TIMELINE_RECORD_UNLINKED] = "record-unlinked",
  [VIGIL_TIMELINE_SOURCE_ADDED] = "source-added",
  [VIGIL_TIMELINE_EVENT] = "event",
};

const char *
vigil_touch_kind_get_id (VigilTouchKind kind)
{
  g_return_val_if_fail (kind < VIGIL_N_TOUCH_KINDS, NULL);
  return touch_kinds[kind].id;
}

/* Returns: the kind's name for people, translated */
const char *
vigil_touch_kind_get_label (VigilTouchKind kind)
{
  g_return_val_if_fail (kind < VIGIL_N_TOUCH_KINDS, NULL);
  return _(touch_kinds[kind].label);
}

/**
 * vigil_touch_kind_from_id:
 * @id: `note`, `call`, `email`, `meeting` or `qbr`
 *
 * Returns: %TRUE if @id names a kind of touch
 */
gboolean
vigil_touch_kind_from_id (const char     *id,
                          VigilTouchKind *out_kind)
{
  for (int i = 0; i < VIGIL_N_TOUCH_KINDS; i++)
    if (g_strcmp0 (touch_kinds[i].id, id) == 0)
      {
        *out_kind = (VigilTouchKind) i;
        return TRUE;
      }
  return FALSE;
}

/* design 3.4: a note is written about the customer, not to it; every
 * other kind is a contact, and counts as a touch. */
gboolean
vigil_touch_kind_is_contact (VigilTouchKind kind)
{
  return kind != VIGIL_TOUCH_NOTE && kind < VIGIL_N_TOUCH_KINDS;
}

const char *
vigil_timeline_kind_get_id (VigilTimelineKind kind)
{
  g_return_val_if_fail (kind < VIGIL_N_TIMELINE_KINDS, NULL);
  return timeline_kinds[kind];
}

void
vigil_timeline_entry_free (VigilTimelineEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->author);
  g_free (entry->subject);
  g_free (entry->detail);
  g_free (entry->text);
  g_free (entry->until);
  g_free (entry);
}

static const char *
or_unknown (const char *text)
{
  return text != NULL ? text : "?";
}

static const char *
tier_label (const char *id)
{
  VigilTier tier = id != NULL ? vigil_tier_from_id (id) : VIGIL_TIER_NONE;

  return tier != VIGIL_TIER_NONE ? vigil_tier_get_label (tier) : or_unknown (id);
}

static char *
describe_touch (const VigilTimelineEntry *entry)
{
  VigilTouchKind kind;

  if (vigil_touch_kind_from_id (entry->subject, &kind))
    return g_strdup (vigil_touch_kind_get_label (kind));
  return g_strdup (or_unknown (entry->subject));
}

static char *
describe_pulse (const VigilTimelineEntry *entry)
{
  const char *sentiment = entry->subject;

  if (g_strcmp0 (sentiment, "green") == 0)
    sentiment = _("green");
  else if (g_strcmp0 (sentiment, "yellow") == 0)
    sentiment = _("yellow");
  else if (g_strcmp0 (sentiment, "red") == 0)
    sentiment = _("red");
  if (entry->detail != NULL)
    /* TRANSLATORS: the CSM's sentiment and its reason, e.g. "Pulse: red (budget cuts)" */
    return g_strdup_printf (_("Pulse: %s (%s)"), or_unknown (sentiment), entry->detail);
  /* TRANSLATORS: the CSM's sentiment, e.g. "Pulse: red" */
  return g_strdup_printf (_("Pulse: %s"), or_unknown (sentiment));
}

static char *
describe_trigger_state (const VigilTimelineEntry *entry)
{
  const char *title = vigil_trigger_rule_get_title (or_unknown (entry->subject));
  const char *state = entry->detail;

  if (g_strcmp0 (state, "acknowledged") == 0)
    return g_strdup_printf (_("Trigger acknowledged: %s"), title);
  if (g_strcmp0 (state, "snoozed") == 0)
    return entry->until != NULL
           /* TRANSLATORS: a trigger's name and the day it comes back */
           ? g_strdup_printf (_("Trigger snoozed: %s, until %s"), title, entry->until)
           : g_strdup_printf (_("Trigger snoozed: %s"), title);
  if (g_strcmp0 (state, "done") == 0)
    return g_strdup_printf (_("Trigger done: %s"), title);
  if (g_strcmp0 (state, "new") == 0)
    return g_strdup_printf (_("Trigger back to new: %s"), title);
  /* TRANSLATORS: a trigger's name and the state a CSM put it in */
  return g_strdup_printf (_("Trigger %s: %s"), or_unknown (state), title);
}

/**
 * vigil_timeline_entry_describe:
 *
 * What the entry is, in one line of plain text, translated: "Call",
 * "Trigger opened: Gone silent", "Tier: At risk → High risk". What a
 * person wrote (@text) is not part of it.
 *
 * Returns: (transfer full): the line
 */
char *
vigil_timeline_entry_describe (const VigilTimelineEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);

  switch (entry->kind)
    {
    case VIGIL_TIMELINE_TOUCH:
      return describe_touch (entry);
    case VIGIL_TIMELINE_PULSE:
      return describe_pulse (entry);
    case VIGIL_TIMELINE_OUTCOME:
      if (g_strcmp0 (entry->subject, "churned") == 0)
        return g_strdup (_("Outcome: churned"));
      if (g_strcmp0 (entry->subject, "renewed") == 0)
        return g_strdup (_("Outcome: renewed"));
      return g_strdup_printf (_("Outcome: %s"), or_unknown (entry->subject));
    case VIGIL_TIMELINE_TRIGGER_OPENED:
      return g_strdup_printf (g_strcmp0 (entry->detail, "upsell") == 0 ? _("Upsell trigger opened: %s")
                                                                        : _("Risk trigger opened: %s"),
                              vigil_trigger_rule_get_title (or_unknown (entry->subject)));
    case VIGIL_TIMELINE_TRIGGER_STATE:
      return describe_trigger_state (entry);
    case VIGIL_TIMELINE_TIER_CHANGE:
      /* TRANSLATORS: the tier before and after, e.g. "Tier: At risk → High risk" */
      return g_strdup_printf (_("Tier: %s → %s"), tier_label (entry->detail), tier_label (entry->subject));
    case VIGIL_TIMELINE_RECORD_LINKED:
      /* TRANSLATORS: two records as SOURCE:ID, e.g. "Record linked: crm:512 with app:acme" */
      return g_strdup_printf (_("Record linked: %s with %s"), or_unknown (entry->subject),
                              or_unknown (entry->detail));
    case VIGIL_TIMELINE_RECORD_UNLINKED:
      /* TRANSLATORS: a record as SOURCE:ID, e.g. "Record unlinked: crm:512" */
      return g_strdup_printf (_("Record unlinked: %s"), or_unknown (entry->subject));
    case VIGIL_TIMELINE_SOURCE_ADDED:
      /* TRANSLATORS: a source's name and the record it brought, e.g. "Source added: crm (crm:512)" */
      return g_strdup_printf (_("Source added: %s (%s)"), or_unknown (entry->subject),
                              or_unknown (entry->detail));
    case VIGIL_TIMELINE_EVENT:
    case VIGIL_N_TIMELINE_KINDS:
    default:
      return g_strdup (or_unknown (entry->subject));
    }
}
