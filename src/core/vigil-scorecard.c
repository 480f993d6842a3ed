/* vigil-scorecard.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-scorecard"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "vigil-error.h"
#include "vigil-json-private.h"
#include "vigil-scorecard.h"

struct _VigilScorecard
{
  GObject parent_instance;

  gint64  version;
  double  weights[VIGIL_N_MEASURES];
  double  targets[VIGIL_N_MEASURES];
  double  healthy_cutoff;
  double  at_risk_cutoff;
};

G_DEFINE_FINAL_TYPE (VigilScorecard, vigil_scorecard, G_TYPE_OBJECT)

/* The default scorecard of design 3.1: the one place its numbers live.
 * A weight of 0 leaves a measure out. Targets: hours of silence that
 * take activity to 0, calls a week that make volume 1, features that
 * make breadth 1, the seat utilisation that counts as full, the ticket
 * count that takes tickets to 0, the NPS that counts as full, the days a
 * pulse counts before it is stale. Sentiment is off until a team gives
 * it a weight, so turning it on is a choice and old scores stand. */
static const struct
{
  const char *name;
  double      weight;
  double      target;
} default_measures[VIGIL_N_MEASURES] = {
  [VIGIL_MEASURE_ACTIVITY] = { "activity", 40, 72 },
  [VIGIL_MEASURE_VOLUME] = { "volume", 30, 5000 },
  [VIGIL_MEASURE_BREADTH] = { "breadth", 30, 8 },
  [VIGIL_MEASURE_SEATS] = { "seats", 0, 1 },
  [VIGIL_MEASURE_TICKETS] = { "tickets", 0, 10 },
  [VIGIL_MEASURE_NPS] = { "nps", 0, 10 },
  [VIGIL_MEASURE_SENTIMENT] = { "sentiment", 0, 90 },
};

#define DEFAULT_HEALTHY_CUTOFF 85.0
#define DEFAULT_AT_RISK_CUTOFF 60.0

static const char * const tier_ids[VIGIL_N_TIERS] = { "healthy", "at-risk", "high-risk" };

static double
clamp01 (double value)
{
  return CLAMP (value, 0.0, 1.0);
}

/* The measure's input and value, both NAN when the input is unknown;
 * a stale pulse keeps its age as the input, to say why it was left out. */
static void
compute_measure (VigilScorecard       *self,
                 VigilMeasure          measure,
                 const VigilSnapshot  *snapshot,
                 const VigilPulseMark *pulse,
                 double               *input,
                 double               *value)
{
  double target = self->targets[measure];
  gint64 features_used;

  *input = NAN;
  *value = NAN;

  switch (measure)
    {
    case VIGIL_MEASURE_ACTIVITY:
      if (snapshot->last_active == VIGIL_UNKNOWN || snapshot->observed_at == VIGIL_UNKNOWN)
        return;
      /* Activity after the observation (clock skew) counts as now. */
      *input = (double) (snapshot->observed_at - snapshot->last_active) / 3600.0;
      *value = clamp01 (1.0 - *input / target);
      return;

    case VIGIL_MEASURE_VOLUME:
      if (snapshot->api_calls_7d == VIGIL_UNKNOWN)
        return;
      *input = (double) snapshot->api_calls_7d;
      *value = MIN (*input / target, 1.0);
      return;

    case VIGIL_MEASURE_BREADTH:
      features_used = vigil_snapshot_get_features_used (snapshot);
      if (features_used == VIGIL_UNKNOWN)
        return;
      *input = (double) features_used;
      *value = MIN (*input / target, 1.0);
      return;

    case VIGIL_MEASURE_SEATS:
      if (snapshot->seats == VIGIL_UNKNOWN || snapshot->seats_used == VIGIL_UNKNOWN ||
          snapshot->seats == 0)
        return;
      *input = (double) snapshot->seats_used / (double) snapshot->seats;
      *value = MIN (*input / target, 1.0);
      return;

    case VIGIL_MEASURE_TICKETS:
      if (snapshot->open_tickets == VIGIL_UNKNOWN)
        return;
      *input = (double) snapshot->open_tickets;
      *value = clamp01 (1.0 - *input / target);
      return;

    case VIGIL_MEASURE_NPS:
      if (snapshot->nps == VIGIL_UNKNOWN)
        return;
      *input = (double) snapshot->nps;
      *value = MIN (*input / target, 1.0);
      return;

    case VIGIL_MEASURE_SENTIMENT:
      /* design 3.1: the pulse in force at the snapshot's time, counted
       * for target days; the caller found it at or before that time. */
      if (pulse == NULL || pulse->sentiment == VIGIL_SENTIMENT_NONE || pulse->at == VIGIL_UNKNOWN ||
          snapshot->observed_at == VIGIL_UNKNOWN || pulse->at > snapshot->observed_at)
        return;
      *input = (double) (snapshot->observed_at - pulse->at) / 86400.0;
      if (*input <= target)
        *value = vigil_sentiment_get_value (pulse->sentiment);
      return;

    case VIGIL_N_MEASURES:
    default:
      g_assert_not_reached ();
    }
}

static void
vigil_scorecard_class_init (VigilScorecardClass *klass)
{
}

static void
vigil_scorecard_init (VigilScorecard *self)
{
  self->version = 1;
  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    {
      self->weights[i] = default_measures[i].weight;
      self->targets[i] = default_measures[i].target;
    }
  self->healthy_cutoff = DEFAULT_HEALTHY_CUTOFF;
  self->at_risk_cutoff = DEFAULT_AT_RISK_CUTOFF;
}

/**
 * vigil_scorecard_new_default:
 *
 * Returns: (transfer full): the default scorecard of design 3.1, version 1
 */
VigilScorecard *
vigil_scorecard_new_default (void)
{
  return g_object_new (VIGIL_TYPE_SCORECARD, NULL);
}

static gboolean
read_number (JsonObject  *object,
             const char  *member,
             const char  *where,
             double      *inout,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64) ||
      !isfinite (json_node_get_double (node)))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("Scorecard: %s.%s must be a number"), where, member);
      return FALSE;
    }

  *inout = json_node_get_double (node);
  return TRUE;
}

static gboolean
validate (VigilScorecard  *self,
          GError         **error)
{
  double total = 0;

  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    {
      if (self->weights[i] < 0)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("Scorecard: the weight of %s must not be negative"),
                       default_measures[i].name);
          return FALSE;
        }
      if (self->targets[i] <= 0)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("Scorecard: the target of %s must be greater than 0"),
                       default_measures[i].name);
          return FALSE;
        }
      total += self->weights[i];
    }

  if (total <= 0)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Scorecard: at least one measure needs a weight above 0"));
      return FALSE;
    }

  if (!(self->at_risk_cutoff > 0 && self->at_risk_cutoff < self->healthy_cutoff &&
        self->healthy_cutoff <= 100))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("Scorecard: tier cut-offs must satisfy 0 < at-risk (%g) < healthy (%g) ≤ 100"),
                   self->at_risk_cutoff, self->healthy_cutoff);
      return FALSE;
    }

  return TRUE;
}

/**
 * vigil_scorecard_new_from_json:
 * @json: a scorecard as written by vigil_scorecard_to_json()
 * @version: the version to give it
 *
 * Members left out keep their default values.
 *
 * Returns: (transfer full): the scorecard, or %NULL with @error set
 */
VigilScorecard *
vigil_scorecard_new_from_json (const char  *json,
                               gint64       version,
                               GError     **error)
{
  g_autoptr(VigilScorecard) self = vigil_scorecard_new_default ();
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonObject *measures;
  JsonObject *tiers;

  g_return_val_if_fail (json != NULL, NULL);

  if (!(document = _vigil_json_parse (json, -1, VIGIL_JSON_SETTINGS, &local_error)))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("Scorecard is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (document))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                           _("Scorecard must be a JSON object"));
      return NULL;
    }

  root = json_node_get_object (document);
  self->version = version;

  measures = json_object_has_member (root, "measures")
    ? json_object_get_object_member (root, "measures") : NULL;
  if (measures != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init (&iter, measures);
      while (json_object_iter_next (&iter, &name, &node))
        {
          VigilMeasure measure = vigil_measure_from_name (name);

          if (measure == VIGIL_N_MEASURES)
            {
              g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Scorecard: unknown measure “%s”"), name);
              return NULL;
            }
          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Scorecard: measure “%s” must be an object"), name);
              return NULL;
            }
          if (!read_number (json_node_get_object (node), "weight", name,
                            &self->weights[measure], error) ||
              !read_number (json_node_get_object (node), "target", name,
                            &self->targets[measure], error))
            return NULL;
        }
    }

  tiers = json_object_has_member (root, "tiers")
    ? json_object_get_object_member (root, "tiers") : NULL;
  if (tiers != NULL &&
      (!read_number (tiers, "healthy", "tiers", &self->healthy_cutoff, error) ||
       !read_number (tiers, "at-risk", "tiers", &self->at_risk_cutoff, error)))
    return NULL;

  if (!validate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * vigil_scorecard_new_with:
 * @key: `MEASURE.weight`, `MEASURE.target`, `tiers.healthy` or `tiers.at-risk`
 * @value: the new value
 *
 * A scorecard is never changed in place: scores keep the version they
 * were computed with. This makes the next version.
 *
 * Returns: (transfer full): a copy of @self with @key set, its version one
 *   more, or %NULL with @error naming what is wrong
 */
VigilScorecard *
vigil_scorecard_new_with (VigilScorecard  *self,
                          const char      *key,
                          double           value,
                          GError         **error)
{
  g_autoptr(VigilScorecard) copy = NULL;
  g_auto(GStrv) parts = NULL;
  VigilMeasure measure;

  g_return_val_if_fail (VIGIL_IS_SCORECARD (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  copy = g_object_new (VIGIL_TYPE_SCORECARD, NULL);
  copy->version = self->version + 1;
  memcpy (copy->weights, self->weights, sizeof copy->weights);
  memcpy (copy->targets, self->targets, sizeof copy->targets);
  copy->healthy_cutoff = self->healthy_cutoff;
  copy->at_risk_cutoff = self->at_risk_cutoff;

  parts = g_strsplit (key, ".", 2);
  if (g_strv_length (parts) != 2 || !isfinite (value))
    goto unknown;

  if (g_str_equal (parts[0], "tiers"))
    {
      if (g_str_equal (parts[1], "healthy"))
        copy->healthy_cutoff = value;
      else if (g_str_equal (parts[1], "at-risk"))
        copy->at_risk_cutoff = value;
      else
        goto unknown;
    }
  else if ((measure = vigil_measure_from_name (parts[0])) != VIGIL_N_MEASURES)
    {
      if (g_str_equal (parts[1], "weight"))
        copy->weights[measure] = value;
      else if (g_str_equal (parts[1], "target"))
        copy->targets[measure] = value;
      else
        goto unknown;
    }
  else
    goto unknown;

  if (!validate (copy, error))
    return NULL;
  return g_steal_pointer (&copy);

unknown:
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
               _("Scorecard: “%s” is not a setting (try activity.weight, volume.target, "
                 "sentiment.weight, tiers.healthy or tiers.at-risk)"), key);
  return NULL;
}

/**
 * vigil_scorecard_to_json:
 *
 * Returns: (transfer full): the scorecard as a JSON document
 */
char *
vigil_scorecard_to_json (VigilScorecard *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (VIGIL_IS_SCORECARD (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "measures");
  json_builder_begin_object (builder);
  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    {
      json_builder_set_member_name (builder, default_measures[i].name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "weight");
      json_builder_add_double_value (builder, self->weights[i]);
      json_builder_set_member_name (builder, "target");
      json_builder_add_double_value (builder, self->targets[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "tiers");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "healthy");
  json_builder_add_double_value (builder, self->healthy_cutoff);
  json_builder_set_member_name (builder, "at-risk");
  json_builder_add_double_value (builder, self->at_risk_cutoff);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}

gint64
vigil_scorecard_get_version (VigilScorecard *self)
{
  g_return_val_if_fail (VIGIL_IS_SCORECARD (self), 0);

  return self->version;
}

double
vigil_scorecard_get_weight (VigilScorecard *self,
                            VigilMeasure    measure)
{
  g_return_val_if_fail (VIGIL_IS_SCORECARD (self), 0);
  g_return_val_if_fail (measure < VIGIL_N_MEASURES, 0);

  return self->weights[measure];
}

double
vigil_scorecard_get_target (VigilScorecard *self,
                            VigilMeasure    measure)
{
  g_return_val_if_fail (VIGIL_IS_SCORECARD (self), 0);
  g_return_val_if_fail (measure < VIGIL_N_MEASURES, 0);

  return self->targets[measure];
}

/**
 * vigil_scorecard_get_cutoff:
 * @tier: %VIGIL_TIER_HEALTHY or %VIGIL_TIER_AT_RISK
 *
 * Returns: the lowest score of @tier
 */
double
vigil_scorecard_get_cutoff (VigilScorecard *self,
                            VigilTier       tier)
{
  g_return_val_if_fail (VIGIL_IS_SCORECARD (self), 0);

  switch (tier)
    {
    case VIGIL_TIER_HEALTHY: return self->healthy_cutoff;
    case VIGIL_TIER_AT_RISK: return self->at_risk_cutoff;
    case VIGIL_TIER_HIGH_RISK: return 0;
    case VIGIL_TIER_NONE:
    case VIGIL_N_TIERS:
    default: g_return_val_if_reached (0);
    }
}

VigilTier
vigil_scorecard_get_tier (VigilScorecard *self,
                          double          health)
{
  g_return_val_if_fail (VIGIL_IS_SCORECARD (self), VIGIL_TIER_NONE);

  if (isnan (health))
    return VIGIL_TIER_NONE;
  if (health >= self->healthy_cutoff)
    return VIGIL_TIER_HEALTHY;
  if (health >= self->at_risk_cutoff)
    return VIGIL_TIER_AT_RISK;
  return VIGIL_TIER_HIGH_RISK;
}

/* Sums of products of decimal fractions land a hair off the decimal
 * result (0.1 × 30 + …); rounding to a millionth of a point keeps a
 * score of exactly 85 in the healthy tier. */
static double
round_points (double value)
{
  return round (value * 1e6) / 1e6;
}

/**
 * vigil_scorecard_compute:
 * @snapshot: the observation to score, as of its observed_at time
 * @out_score: (out caller-allocates): the score and its explanation
 *
 * vigil_scorecard_compute_with_pulse() without a pulse: the sentiment
 * measure is unknown.
 */
void
vigil_scorecard_compute (VigilScorecard      *self,
                         const VigilSnapshot *snapshot,
                         VigilScore          *out_score)
{
  vigil_scorecard_compute_with_pulse (self, snapshot, NULL, out_score);
}

/**
 * vigil_scorecard_compute_with_pulse:
 * @snapshot: the observation to score, as of its observed_at time
 * @pulse: (nullable): the customer's pulse in force at that time (the
 *   latest taken at or before it), %NULL when there is none
 * @out_score: (out caller-allocates): the score and its explanation
 *
 * Computes each measure with a weight above 0; measures whose input is
 * unknown are left out and the remaining weights rescaled to 100.
 */
void
vigil_scorecard_compute_with_pulse (VigilScorecard       *self,
                                    const VigilSnapshot  *snapshot,
                                    const VigilPulseMark *pulse,
                                    VigilScore           *out_score)
{
  double known_weight = 0;
  double health = 0;

  g_return_if_fail (VIGIL_IS_SCORECARD (self));
  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (out_score != NULL);

  out_score->version = self->version;
  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    {
      VigilMeasureResult *result = &out_score->measures[i];

      compute_measure (self, (VigilMeasure) i, snapshot, pulse, &result->input, &result->value);
      result->weight = 0;
      result->points = 0;
      if (self->weights[i] <= 0)
        result->value = NAN;
      else if (!isnan (result->value))
        known_weight += self->weights[i];
    }

  if (known_weight <= 0)
    {
      out_score->health = NAN;
      out_score->tier = VIGIL_TIER_NONE;
      return;
    }

  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    {
      VigilMeasureResult *result = &out_score->measures[i];

      if (isnan (result->value))
        continue;
      result->weight = round_points (self->weights[i] * 100.0 / known_weight);
      result->points = round_points (result->value * self->weights[i] * 100.0 / known_weight);
      health += result->value * self->weights[i];
    }

  out_score->health = round_points (health * 100.0 / known_weight);
  out_score->tier = vigil_scorecard_get_tier (self, out_score->health);
}

const char *
vigil_measure_get_name (VigilMeasure measure)
{
  g_return_val_if_fail (measure < VIGIL_N_MEASURES, NULL);

  return default_measures[measure].name;
}

/**
 * vigil_measure_from_name:
 *
 * Returns: the measure, or %VIGIL_N_MEASURES if @name names none
 */
VigilMeasure
vigil_measure_from_name (const char *name)
{
  g_return_val_if_fail (name != NULL, VIGIL_N_MEASURES);

  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    if (strcmp (default_measures[i].name, name) == 0)
      return (VigilMeasure) i;

  return VIGIL_N_MEASURES;
}

/**
 * vigil_tier_get_id:
 *
 * Returns: the stable id of @tier (`healthy`, `at-risk`, `high-risk`), or
 *   %NULL for %VIGIL_TIER_NONE
 */
const char *
vigil_tier_get_id (VigilTier tier)
{
  if (tier < 0 || tier >= VIGIL_N_TIERS)
    return NULL;
  return tier_ids[tier];
}

/**
 * vigil_tier_get_label:
 *
 * Returns: the tier's name for people
 */
const char *
vigil_tier_get_label (VigilTier tier)
{
  switch (tier)
    {
    case VIGIL_TIER_HEALTHY: return _("Healthy");
    case VIGIL_TIER_AT_RISK: return _("At risk");
    case VIGIL_TIER_HIGH_RISK: return _("High risk");
    case VIGIL_TIER_NONE:
    case VIGIL_N_TIERS:
    default: return _("No score");
    }
}

/**
 * vigil_tier_from_id:
 *
 * Returns: the tier whose id is @id, or %VIGIL_TIER_NONE
 */
VigilTier
vigil_tier_from_id (const char *id)
{
  g_return_val_if_fail (id != NULL, VIGIL_TIER_NONE);

  for (int i = 0; i < VIGIL_N_TIERS; i++)
    if (strcmp (tier_ids[i], id) == 0)
      return (VigilTier) i;

  return VIGIL_TIER_NONE;
}
