/* vigil-triggers.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-triggers"

#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "vigil-error.h"
#include "vigil-json-private.h"
#include "vigil-time.h"
#include "vigil-triggers.h"

/* Upsell and risk triggers (design 3.3), evaluated on every customer's
 * latest snapshot after each import and poll. A trigger fires once per
 * episode: it opens when its condition starts to hold, stays open while
 * it holds, and closes when it clears; the next time it holds is a new
 * episode. The thresholds are the design's, in one table. */

#define SEAT_EXPANSION_SHARE 0.9
#define PLAN_LIMIT_SHARE 0.8
#define ADVOCATE_BREADTH 0.75
#define HEALTH_DROP_POINTS 15.0
#define GONE_SILENT_HOURS 72
#define RENEWAL_RISK_DAYS 60

static const struct
{
  const char *id;
  const char *kind;
  const char *title;
} rules[VIGIL_N_TRIGGER_RULES] = {
  [VIGIL_TRIGGER_SEAT_EXPANSION] = { "seat-expansion", "upsell", N_("Seat expansion") },
  [VIGIL_TRIGGER_PLAN_LIMIT] = { "plan-limit", "upsell", N_("Near the plan limit") },
  [VIGIL_TRIGGER_ADVOCATE] = { "advocate", "upsell", N_("Possible advocate") },
  [VIGIL_TRIGGER_HEALTH_DROP] = { "health-drop", "risk", N_("Health drop") },
  [VIGIL_TRIGGER_GONE_SILENT] = { "gone-silent", "risk", N_("Gone silent") },
  [VIGIL_TRIGGER_RENEWAL_RISK] = { "renewal-risk", "risk", N_("Renewal at risk") },
};

const char *
vigil_trigger_rule_get_id (VigilTriggerRule rule)
{
  g_return_val_if_fail (rule < VIGIL_N_TRIGGER_RULES, NULL);
  return rules[rule].id;
}

const char *
vigil_trigger_rule_get_kind (VigilTriggerRule rule)
{
  g_return_val_if_fail (rule < VIGIL_N_TRIGGER_RULES, NULL);
  return rules[rule].kind;
}

/**
 * vigil_trigger_rule_get_title:
 * @id: a rule's stable id
 *
 * Returns: the rule's name for people, translated; @id itself for an
 *   id no rule has
 */
const char *
vigil_trigger_rule_get_title (const char *id)
{
  VigilTriggerRule rule = vigil_trigger_rule_from_id (id);

  return rule < VIGIL_N_TRIGGER_RULES ? _(rules[rule].title) : id;
}

/**
 * vigil_trigger_rule_from_id:
 *
 * Returns: the rule, or %VIGIL_N_TRIGGER_RULES for an unknown id
 */
VigilTriggerRule
vigil_trigger_rule_from_id (const char *id)
{
  for (int i = 0; i < VIGIL_N_TRIGGER_RULES; i++)
    if (g_strcmp0 (rules[i].id, id) == 0)
      return (VigilTriggerRule) i;
  return VIGIL_N_TRIGGER_RULES;
}

/**
 * vigil_trigger_play_for_tier:
 *
 * Returns: the suggested play for a customer of @tier
 */
const char *
vigil_trigger_play_for_tier (VigilTier tier)
{
  switch (tier)
    {
    case VIGIL_TIER_HEALTHY: return _("Advanced-feature enablement");
    case VIGIL_TIER_AT_RISK: return _("CSM outreach and training");
    case VIGIL_TIER_HIGH_RISK: return _("Retention plan and usage review");
    case VIGIL_TIER_NONE:
    case VIGIL_N_TIERS:
    default: return _("Check in: no health score yet");
    }
}

/* design 3.3: a `renewed` outcome recorded within the renewal's window
 * (60 days before its date) or later settles it, while the source may
 * still give the old date: the risk is not raised again on that date. A
 * renewal recorded earlier was another year's. */
static gboolean
renewal_settled (const VigilPortfolioRow *row)
{
  return row->renewed_day != VIGIL_UNKNOWN_DAY &&
         (gint64) row->renewed_day >= (gint64) row->latest->renewal_day - RENEWAL_RISK_DAYS;
}

/**
 * vigil_triggers_evaluate_row:
 * @plan_limits: (element-type utf8 gint64): weekly API call limit per plan
 * @out_evidence: (out caller-allocates): for each rule, why it fires
 *   (transfer full), or %NULL when it does not
 *
 * Evaluates every rule on one customer's latest snapshot and score.
 */
void
vigil_triggers_evaluate_row (const VigilPortfolioRow *row,
                             GHashTable              *plan_limits,
                             char                    *out_evidence[VIGIL_N_TRIGGER_RULES])
{
  const VigilSnapshot *s = row->latest;
  const VigilScore *score = &row->score;
  gint64 *limit;

  for (int i = 0; i < VIGIL_N_TRIGGER_RULES; i++)
    out_evidence[i] = NULL;

  if (s->seats != VIGIL_UNKNOWN && s->seats_used != VIGIL_UNKNOWN && s->seats > 0 &&
      (double) s->seats_used >= SEAT_EXPANSION_SHARE * (double) s->seats)
    out_evidence[VIGIL_TRIGGER_SEAT_EXPANSION] =
      g_strdup_printf (_("%" PRId64 " of %" PRId64 " seats used (%.0f%%)"),
                       s->seats_used, s->seats, 100.0 * (double) s->seats_used / (double) s->seats);

  if (s->plan != NULL && s->api_calls_7d != VIGIL_UNKNOWN && plan_limits != NULL &&
      (limit = g_hash_table_lookup (plan_limits, s->plan)) != NULL && *limit > 0 &&
      (double) s->api_calls_7d >= PLAN_LIMIT_SHARE * (double) *limit)
    out_evidence[VIGIL_TRIGGER_PLAN_LIMIT] =
      g_strdup_printf (_("%" PRId64 " API calls this week, %.0f%% of the %s plan's %" PRId64),
                       s->api_calls_7d, 100.0 * (double) s->api_calls_7d / (double) *limit, s->plan, *limit);

  if (score->tier == VIGIL_TIER_HEALTHY && !isnan (score->measures[VIGIL_MEASURE_BREADTH].value) &&
      score->measures[VIGIL_MEASURE_BREADTH].value >= ADVOCATE_BREADTH)
    out_evidence[VIGIL_TRIGGER_ADVOCATE] =
      g_strdup_printf (_("Healthy (%.1f) and using %.0f features"), score->health,
                       score->measures[VIGIL_MEASURE_BREADTH].input);

  if (!isnan (score->health) && !isnan (row->peak_14d) && row->peak_14d - score->health >= HEALTH_DROP_POINTS)
    out_evidence[VIGIL_TRIGGER_HEALTH_DROP] =
      g_strdup_printf (_("Health fell %.1f points in 14 days (%.1f → %.1f)"),
                       row->peak_14d - score->health, row->peak_14d, score->health);

  if (s->last_active != VIGIL_UNKNOWN && s->observed_at - s->last_active >= GONE_SILENT_HOURS * 3600)
    {
      gint64 hours = (s->observed_at - s->last_active) / 3600;

      /* Hours say more than days only within the first few days. */
      out_evidence[VIGIL_TRIGGER_GONE_SILENT] =
        hours < 7 * 24
        ? g_strdup_printf (ngettext ("No activity for %" PRId64 " hour", "No activity for %" PRId64 " hours", hours),
                           hours)
        : g_strdup_printf (ngettext ("No activity for %" PRId64 " day", "No activity for %" PRId64 " days",
                                     hours / 24), hours / 24);
    }

  if (s->renewal_day != VIGIL_UNKNOWN_DAY && score->tier != VIGIL_TIER_HEALTHY &&
      !renewal_settled (row))
    {
      gint64 days = (gint64) s->renewal_day - vigil_time_get_day (s->observed_at);

      if (days >= 0 && days <= RENEWAL_RISK_DAYS)
        out_evidence[VIGIL_TRIGGER_RENEWAL_RISK] =
          g_strdup_printf (_("Renewal in %" PRId64 " days and %s"), days,
                           vigil_tier_get_label (score->tier));
    }
}

/* The stored limits, or an error when the stored text is not a JSON
 * object (a database edited by hand): read through the guarded reader
 * like any JSON (design 2.3), so it cannot crash Vigil. */
static GHashTable *
read_plan_limits (const char  *json,
                  GError     **error)
{
  g_autoptr(GHashTable) limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObjectIter iter;
  const char *plan;
  JsonNode *node;

  if (json == NULL)
    return g_steal_pointer (&limits);
  if (!(root = _vigil_json_parse (json, -1, VIGIL_JSON_SETTINGS, &local_error)) ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("The stored plan limits are not a JSON object (%s); set a plan's limit "
                     "again to replace them"),
                   /* Translators: fills the %s when the text is JSON but not an object. */
                   local_error != NULL ? local_error->message : _("another JSON value"));
      return NULL;
    }

  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &plan, &node))
    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
      g_hash_table_insert (limits, g_strdup (plan), g_memdup2 (&(gint64) { json_node_get_int (node) }, sizeof (gint64)));
  return g_steal_pointer (&limits);
}

/**
 * vigil_triggers_load_plan_limits:
 *
 * Returns: (transfer full) (element-type utf8 gint64): the weekly API call
 *   limit of each plan that has one, or %NULL with @error set
 */
GHashTable *
vigil_triggers_load_plan_limits (VigilStore  *store,
                                 GError     **error)
{
  g_autofree char *json = NULL;

  if (!vigil_store_get_meta (store, "plan_limits", &json, error))
    return NULL;
  return read_plan_limits (json, error);
}

/**
 * vigil_triggers_set_plan_limit:
 * @calls: the plan's weekly API call limit; 0 removes it
 */
gboolean
vigil_triggers_set_plan_limit (VigilStore  *store,
                               const char  *plan,
                               gint64       calls,
                               GError     **error)
{
  g_autoptr(GHashTable) limits = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (plan != NULL, FALSE);

  if (calls < 0)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("A plan limit cannot be negative"));
      return FALSE;
    }
  if (!vigil_store_get_meta (store, "plan_limits", &json, error))
    return FALSE;
  /* Limits that cannot be read are replaced: setting one is the repair
   * the error of vigil_triggers_load_plan_limits() suggests. */
  if (!(limits = read_plan_limits (json, NULL)))
    limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_clear_pointer (&json, g_free);
  if (calls == 0)
    g_hash_table_remove (limits, plan);
  else
    g_hash_table_insert (limits, g_strdup (plan), g_memdup2 (&calls, sizeof calls));

  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, limits);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_int_value (builder, *(gint64 *) value);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  return vigil_store_set_meta (store, "plan_limits", json, error);
}

/**
 * vigil_triggers_update:
 * @now: when the evaluation happens
 * @out_opened: (out) (optional): triggers that opened now
 *
 * Evaluates every customer of the active book (design 3.2: a churned
 * customer raises none, and what it had open closes) and brings the
 * trigger episodes up to date, in one transaction.
 */
typedef struct
{
  GHashTable *limits;
  GArray     *firing;
} TriggerScan;

static gboolean
scan_row (const VigilPortfolioRow  *row,
          gpointer                  user_data,
          GError                  **error)
{
  TriggerScan *scan = user_data;
  char *evidence[VIGIL_N_TRIGGER_RULES];

  vigil_triggers_evaluate_row (row, scan->limits, evidence);
  for (int r = 0; r < VIGIL_N_TRIGGER_RULES; r++)
    if (evidence[r] != NULL)
      {
        VigilTriggerFiring fire = { row->customer_id, rules[r].id, rules[r].kind, evidence[r] };

        g_array_append_val (scan->firing, fire);
      }
  return TRUE;
}

gboolean
vigil_triggers_update (VigilStore  *store,
                       gint64       now,
                       guint       *out_opened,
                       GError     **error)
{
  g_autoptr(GHashTable) limits = NULL;
  g_autoptr(GArray) firing = g_array_new (FALSE, FALSE, sizeof (VigilTriggerFiring));
  TriggerScan scan;

  g_array_set_clear_func (firing, (GDestroyNotify) vigil_trigger_firing_clear);

  /* Row by row: after a poll of a million customers, the whole book
   * would not fit in the memory a poll may take (design 7). */
  if (!(limits = vigil_triggers_load_plan_limits (store, error)))
    return FALSE;
  scan.limits = limits;
  scan.firing = firing;
  if (!vigil_store_foreach_portfolio_row (store, scan_row, &scan, error))
    return FALSE;

  return vigil_store_sync_triggers (store, firing, now, out_opened, error);
}
