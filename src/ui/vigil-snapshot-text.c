/* vigil-snapshot-text.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-snapshot-text"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vigil-snapshot-text.h"

/* The native fields of design 2.1 as the window names and shows them:
 * the customer page's latest snapshot and the assistant's first records
 * say a value the same way. */

static const char * const field_labels[VIGIL_N_FIELDS] = {
  [VIGIL_FIELD_ID] = N_("Id"),
  [VIGIL_FIELD_KEYS] = N_("Keys"),
  [VIGIL_FIELD_NAME] = N_("Name"),
  [VIGIL_FIELD_PLAN] = N_("Plan"),
  [VIGIL_FIELD_OWNER] = N_("Owner"),
  [VIGIL_FIELD_SEGMENT] = N_("Segment"),
  [VIGIL_FIELD_MRR] = N_("MRR"),
  [VIGIL_FIELD_SEATS] = N_("Seats"),
  [VIGIL_FIELD_SEATS_USED] = N_("Seats used"),
  [VIGIL_FIELD_RENEWAL_DATE] = N_("Renewal date"),
  [VIGIL_FIELD_LAST_ACTIVE] = N_("Last active"),
  [VIGIL_FIELD_API_CALLS_7D] = N_("API calls in 7 days"),
  [VIGIL_FIELD_FEATURES] = N_("Features"),
  [VIGIL_FIELD_FEATURES_USED] = N_("Features used"),
  [VIGIL_FIELD_OPEN_TICKETS] = N_("Open tickets"),
  [VIGIL_FIELD_NPS] = N_("NPS"),
  [VIGIL_FIELD_OBSERVED_AT] = N_("Observed at"),
};

/**
 * vigil_field_get_label:
 *
 * Returns: @field's name for people, translated
 */
const char *
vigil_field_get_label (VigilField field)
{
  g_return_val_if_fail (field > VIGIL_FIELD_NONE && field < VIGIL_N_FIELDS, NULL);

  return _(field_labels[field]);
}

static char *
format_count (gint64 value)
{
  return value == VIGIL_UNKNOWN ? NULL : g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static char *
format_keys (const VigilSnapshot *snapshot)
{
  g_autoptr(GString) text = NULL;

  if (snapshot->keys == NULL)
    return NULL;
  text = g_string_new (NULL);
  for (guint i = 0; i < snapshot->keys->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", (const char *) snapshot->keys->pdata[i]);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
format_features (const VigilSnapshot *snapshot)
{
  g_autoptr(GString) text = NULL;

  if (snapshot->features == NULL)
    return NULL;
  if (snapshot->features->len == 0)
    return g_strdup (_("none"));
  text = g_string_new (NULL);
  for (guint i = 0; i < snapshot->features->len; i++)
    {
      const VigilFeatureUsage *usage = &g_array_index (snapshot->features, VigilFeatureUsage, i);

      if (i > 0)
        g_string_append (text, ", ");
      if (usage->calls == VIGIL_FEATURE_USED_NO_COUNT)
        g_string_append (text, usage->name);
      else
        g_string_append_printf (text, "%s: %" G_GINT64_FORMAT, usage->name, usage->calls);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * vigil_snapshot_format_field:
 *
 * Returns: (transfer full) (nullable): @field of @snapshot as the
 *   window shows it, %NULL when it is unknown
 */
char *
vigil_snapshot_format_field (const VigilSnapshot *s,
                             VigilField           field)
{
  g_return_val_if_fail (s != NULL, NULL);

  switch (field)
    {
    case VIGIL_FIELD_ID: return g_strdup (s->customer_id);
    case VIGIL_FIELD_KEYS: return format_keys (s);
    case VIGIL_FIELD_NAME: return g_strdup (s->name);
    case VIGIL_FIELD_PLAN: return g_strdup (s->plan);
    case VIGIL_FIELD_OWNER: return g_strdup (s->owner);
    case VIGIL_FIELD_SEGMENT: return g_strdup (s->segment);
    case VIGIL_FIELD_MRR: return isnan (s->mrr) ? NULL : g_strdup_printf ("%.2f", s->mrr);
    case VIGIL_FIELD_SEATS: return format_count (s->seats);
    case VIGIL_FIELD_SEATS_USED: return format_count (s->seats_used);
    case VIGIL_FIELD_RENEWAL_DATE:
      return s->renewal_day == VIGIL_UNKNOWN_DAY ? NULL : vigil_date_format (s->renewal_day);
    case VIGIL_FIELD_LAST_ACTIVE: return s->last_active == VIGIL_UNKNOWN ? NULL : vigil_time_format (s->last_active);
    case VIGIL_FIELD_API_CALLS_7D: return format_count (s->api_calls_7d);
    case VIGIL_FIELD_FEATURES: return format_features (s);
    case VIGIL_FIELD_FEATURES_USED: return format_count (s->features_used);
    case VIGIL_FIELD_OPEN_TICKETS: return format_count (s->open_tickets);
    case VIGIL_FIELD_NPS: return format_count (s->nps);
    case VIGIL_FIELD_OBSERVED_AT:
      return s->observed_at == VIGIL_UNKNOWN ? NULL : vigil_time_format (s->observed_at);
    case VIGIL_FIELD_NONE:
    case VIGIL_N_FIELDS:
    default:
      return NULL;
    }
}
