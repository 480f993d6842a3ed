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
#include "vigil-timeline.h"
#include "vigil-triggers.h"

/* Upsell and risk triggers (design 3.3), evaluated on every customer's
 * latest snapshot after each import and poll. A trigger fires once per
 * episode: it opens when its condition starts to hold, stays open while
 * it holds, and closes when it clears; the next time it holds is a new
 * episode. The thresholds are the design's, in one table. */

#define SEAT_EXPANSION_SHARE 0.9
#define PLAN_LIMIT_SHARE 0.8
#define ADVOCATE_BREADTH 0.75
#define ADVOCATE_NPS 9
#define HEALTH_DROP_POINTS 15.0
#define GONE_SILENT_HOURS 72
#define RENEWAL_RISK_DAYS 60
#define SECONDS_PER_DAY 86400

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
  [VIGIL_TRIGGER_NO_TOUCH] = { "no-touch", "risk", N_("No touch") },
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

/* design 3.4: at risk or high risk, and no touch for the days set, as
 * of the customer's latest snapshot like every rule. A customer never
 * touched counts from its first snapshot, but not from before the
 * book's first touch: a team that does not log touches in Vigil gets
 * no such trigger, and when it starts to, a customer never touched
 * raises it once the days have passed since that first touch. */
static char *
evaluate_no_touch (const VigilPortfolioRow    *row,
                   const VigilTriggerSettings *settings)
{
  const VigilSnapshot *s = row->latest;
  gint64 quiet_since;
  gint64 days;

  if (settings == NULL || settings->no_touch_days <= 0 || settings->touches_since == VIGIL_UNKNOWN ||
      (row->score.tier != VIGIL_TIER_AT_RISK && row->score.tier != VIGIL_TIER_HIGH_RISK) ||
      s->observed_at == VIGIL_UNKNOWN)
    return NULL;
  if (row->last_touch != VIGIL_UNKNOWN)
    quiet_since = row->last_touch;
  else if (row->first_observed != VIGIL_UNKNOWN)
    quiet_since = MAX (row->first_observed, settings->touches_since);
  else
    return NULL;
  if (s->observed_at - quiet_since < settings->no_touch_days * SECONDS_PER_DAY)
    return NULL;

  days = (s->observed_at - quiet_since) / SECONDS_PER_DAY;
  if (row->last_touch != VIGIL_UNKNOWN)
    return g_strdup_printf (ngettext ("Last touch %" PRId64 " day ago", "Last touch %" PRId64 " days ago", days),
                            days);
  return g_strdup_printf (ngettext ("No touch logged in %" PRId64 " day", "No touch logged in %" PRId64 " days",
                                    days), days);
}

/* An NPS of 9 or 10, the promoters of the NPS scale. */
static gboolean
is_promoter (gint64 nps)
{
  return nps != VIGIL_UNKNOWN && nps >= ADVOCATE_NPS;
}

/**
 * vigil_triggers_may_open:
 * @row: a customer for which @rule holds
 *
 * Whether @rule holding for @row opens an episode, or only keeps one
 * that is open (design 3.3). An `advocate` opens on a new promoter
 * answer, when the NPS 14 days before was not 9 or 10 (or unknown): a
 * customer who has long been a promoter was an advocate episode then,
 * and a book of contented customers would otherwise fill the inbox.
 * Every other rule opens whenever it holds.
 */
gboolean
vigil_triggers_may_open (const VigilPortfolioRow *row,
                         VigilTriggerRule         rule)
{
  g_return_val_if_fail (row != NULL, FALSE);
  g_return_val_if_fail (rule < VIGIL_N_TRIGGER_RULES, FALSE);

  if (rule == VIGIL_TRIGGER_ADVOCATE)
    return !is_promoter (row->nps_14d_ago);
  return TRUE;
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
 * @settings: (nullable): plan limits and the no-touch days; %NULL: no
 *   plan has a limit, and no-touch never fires
 * @out_evidence: (out caller-allocates): for each rule, why it fires
 *   (transfer full), or %NULL when it does not
 *
 * Evaluates every rule on one customer's latest snapshot and score.
 */
void
vigil_triggers_evaluate_row (const VigilPortfolioRow    *row,
                             const VigilTriggerSettings *settings,
                             char                       *out_evidence[VIGIL_N_TRIGGER_RULES])
{
  const VigilSnapshot *s = row->latest;
  const VigilScore *score = &row->score;
  GHashTable *plan_limits = settings != NULL ? settings->plan_limits : NULL;
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

  /* A promoter who uses the product broadly: healthy alone is not
   * enough, and without an NPS answer nobody knows they would speak
   * for it. */
  if (score->tier == VIGIL_TIER_HEALTHY && !isnan (score->measures[VIGIL_MEASURE_BREADTH].value) &&
      score->measures[VIGIL_MEASURE_BREADTH].value >= ADVOCATE_BREADTH && is_promoter (s->nps))
    out_evidence[VIGIL_TRIGGER_ADVOCATE] =
      g_strdup_printf (_("Healthy (%.1f), using %.0f features, NPS %" PRId64), score->health,
                       score->measures[VIGIL_MEASURE_BREADTH].input, s->nps);

  /* The drop must hold: the best health of the last three observations
   * (48 hours at least) is still 15 points under the 14-day peak, so a
   * day without activity on a middling customer is not a drop. */
  if (!isnan (score->health) && !isnan (row->peak_14d) && !isnan (row->recent_high) &&
      row->peak_14d - row->recent_high >= HEALTH_DROP_POINTS)
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

  out_evidence[VIGIL_TRIGGER_NO_TOUCH] = evaluate_no_touch (row, settings);
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

/* design 3.4: the no-touch days as stored (the database's
 * `no_touch_days`), the default when unset or unreadable by hand. */
static gboolean
load_no_touch_days (VigilStore  *store,
                    gint64      *out_days,
                    GError     **error)
{
  g_autofree char *text = NULL;
  guint64 days;

  if (!vigil_store_get_meta (store, "no_touch_days", &text, error))
    return FALSE;
  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 0, VIGIL_NO_TOUCH_MAX_DAYS, &days, NULL))
    *out_days = (gint64) days;
  else
    *out_days = VIGIL_NO_TOUCH_DEFAULT_DAYS;
  return TRUE;
}

/**
 * vigil_triggers_load_settings:
 *
 * What the rules read besides a customer's row: the plan limits, the
 * no-touch days and when the book's first touch was logged.
 *
 * Returns: (transfer full): the settings, or %NULL with @error set
 */
VigilTriggerSettings *
vigil_triggers_load_settings (VigilStore  *store,
                              GError     **error)
{
  g_autoptr(VigilTriggerSettings) settings = g_new0 (VigilTriggerSettings, 1);

  if (!(settings->plan_limits = vigil_triggers_load_plan_limits (store, error)) ||
      !load_no_touch_days (store, &settings->no_touch_days, error) ||
      !vigil_store_get_first_touch (store, &settings->touches_since, error))
    return NULL;
  return g_steal_pointer (&settings);
}

void
vigil_trigger_settings_free (VigilTriggerSettings *settings)
{
  if (settings == NULL)
    return;
  g_clear_pointer (&settings->plan_limits, g_hash_table_unref);
  g_free (settings);
}

/**
 * vigil_triggers_set_no_touch_days:
 * @days: days without a touch that raise no-touch (design 3.4), 1 to
 *   %VIGIL_NO_TOUCH_MAX_DAYS; 0 turns the rule off
 */
gboolean
vigil_triggers_set_no_touch_days (VigilStore  *store,
                                  gint64       days,
                                  GError     **error)
{
  g_autofree char *text = NULL;

  if (days < 0 || days > VIGIL_NO_TOUCH_MAX_DAYS)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("The no-touch days must be 0 (off) to %d, not %" PRId64),
                   VIGIL_NO_TOUCH_MAX_DAYS, days);
      return FALSE;
    }
  text = g_strdup_printf ("%" PRId64, days);
  return vigil_store_set_meta (store, "no_touch_days", text, error);
}

/**
 * vigil_triggers_update:
 * @now: when the evaluation happens
 * @out_opened: (out) (optional): triggers that opened now
 *
 * Evaluates every customer of the active book (design 3.2: a churned
 * customer raises none, and what it had open closes) and brings the
 * trigger episodes up to date, in one transaction. On a team's book a
 * role that does not keep the book (vigil_store_may_keep_book(): a CSM,
 * a manager) changes nothing and succeeds: the next poll updates them.
 */
typedef struct
{
  VigilTriggerSettings *settings;
  GArray               *firing;
} TriggerScan;

static gboolean
scan_row (const VigilPortfolioRow  *row,
          gpointer                  user_data,
          GError                  **error)
{
  TriggerScan *scan = user_data;
  char *evidence[VIGIL_N_TRIGGER_RULES];

  vigil_triggers_evaluate_row (row, scan->settings, evidence);
  for (int r = 0; r < VIGIL_N_TRIGGER_RULES; r++)
    if (evidence[r] != NULL)
      {
        VigilTriggerFiring fire = { row->customer_id, rules[r].id, rules[r].kind, evidence[r],
                                    row->score.tier, !vigil_triggers_may_open (row, (VigilTriggerRule) r) };

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
  g_autoptr(VigilTriggerSettings) settings = NULL;
  g_autoptr(GArray) firing = g_array_new (FALSE, FALSE, sizeof (VigilTriggerFiring));
  TriggerScan scan;
  gboolean may_keep = TRUE;

  g_array_set_clear_func (firing, (GDestroyNotify) vigil_trigger_firing_clear);

  /* design 1.1: a CSM's Vigil leaves the episodes to the book's poller */
  if (out_opened != NULL)
    *out_opened = 0;
  if (!vigil_store_may_keep_book (store, &may_keep, error))
    return FALSE;
  if (!may_keep)
    return TRUE;

  /* Row by row: after a poll of a million customers, the whole book
   * would not fit in the memory a poll may take (design 7). */
  if (!(settings = vigil_triggers_load_settings (store, error)))
    return FALSE;
  scan.settings = settings;
  scan.firing = firing;
  if (!vigil_store_foreach_portfolio_row (store, scan_row, &scan, error))
    return FALSE;

  return vigil_store_sync_triggers (store, firing, now, out_opened, error);
}
