/* test-scorecard.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "vigil-core.h"

/* 2026-11-21T12:00:00Z */
#define T0 G_GINT64_CONSTANT (1795262400)
#define HOUR 3600
#define UNKNOWN_HOURS -999999.0

typedef struct
{
  const char *name;
  double      hours_since_active;  /* UNKNOWN_HOURS: last_active unknown */
  gint64      api_calls_7d;        /* VIGIL_UNKNOWN: unknown */
  gint64      features_used;       /* VIGIL_UNKNOWN: unknown */
  double      health;              /* NAN: no score */
  VigilTier   tier;
  double      activity_points;     /* NAN: left out */
  double      volume_points;
  double      breadth_points;
} ScoreCase;

/* Every expectation below was worked out by hand from design 3.1. */
static const ScoreCase cases[] = {
  { "perfect", 0, 5000, 8, 100, VIGIL_TIER_HEALTHY, 40, 30, 30 },
  { "halves", 36, 2500, 4, 50, VIGIL_TIER_HIGH_RISK, 20, 15, 15 },
  { "exactly-72h-is-zero", 72, 5000, 8, 60, VIGIL_TIER_AT_RISK, 0, 30, 30 },
  { "beyond-72h-clamps", 200, 5000, 8, 60, VIGIL_TIER_AT_RISK, 0, 30, 30 },
  { "active-after-observed", -5, 5000, 8, 100, VIGIL_TIER_HEALTHY, 40, 30, 30 },
  { "volume-and-breadth-cap", 0, 90000, 12, 100, VIGIL_TIER_HEALTHY, 40, 30, 30 },
  { "exactly-85-is-healthy", 0, 5000, 4, 85, VIGIL_TIER_HEALTHY, 40, 30, 15 },
  /* 18 h → 0.75 × 40 = 30; 4165 calls → 24.99; 8 features → 30 */
  { "84.99-is-at-risk", 18, 4165, 8, 84.99, VIGIL_TIER_AT_RISK, 30, 24.99, 30 },
  /* 63 h → 0.125 × 40 = 5; 24.99; 30 */
  { "59.99-is-high-risk", 63, 4165, 8, 59.99, VIGIL_TIER_HIGH_RISK, 5, 24.99, 30 },
  { "zero-everything", 100, 0, 0, 0, VIGIL_TIER_HIGH_RISK, 0, 0, 0 },
  /* Unknown measures: a = 1 (40), v = 0.5 (15), b = 0.25 (7.5), rescaled. */
  { "all-known", 0, 2500, 2, 62.5, VIGIL_TIER_AT_RISK, 40, 15, 7.5 },
  { "no-activity", UNKNOWN_HOURS, 2500, 2, 37.5, VIGIL_TIER_HIGH_RISK, NAN, 25, 12.5 },
  { "no-volume", 0, VIGIL_UNKNOWN, 2, 67.857143, VIGIL_TIER_AT_RISK, 57.142857, NAN, 10.714286 },
  { "no-breadth", 0, 2500, VIGIL_UNKNOWN, 78.571429, VIGIL_TIER_AT_RISK, 57.142857, 21.428571, NAN },
  { "only-activity", 0, VIGIL_UNKNOWN, VIGIL_UNKNOWN, 100, VIGIL_TIER_HEALTHY, 100, NAN, NAN },
  { "only-volume", UNKNOWN_HOURS, 2500, VIGIL_UNKNOWN, 50, VIGIL_TIER_HIGH_RISK, NAN, 50, NAN },
  { "only-breadth", UNKNOWN_HOURS, VIGIL_UNKNOWN, 2, 25, VIGIL_TIER_HIGH_RISK, NAN, NAN, 25 },
  { "nothing-known", UNKNOWN_HOURS, VIGIL_UNKNOWN, VIGIL_UNKNOWN, NAN, VIGIL_TIER_NONE, NAN, NAN, NAN },
};

static void
assert_points (double expected,
               const VigilMeasureResult *result)
{
  if (isnan (expected))
    {
      g_assert_true (isnan (result->value));
      g_assert_cmpfloat (result->weight, ==, 0);
      g_assert_cmpfloat (result->points, ==, 0);
    }
  else
    {
      g_assert_false (isnan (result->value));
      g_assert_cmpfloat_with_epsilon (result->points, expected, 1e-6);
      g_assert_cmpfloat_with_epsilon (result->value * result->weight, result->points, 1e-5);
    }
}

static void
test_scorecard_table (gconstpointer data)
{
  const ScoreCase *c = data;
  g_autoptr(VigilScorecard) scorecard = vigil_scorecard_new_default ();
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  VigilScore score;
  double total_weight = 0;

  snapshot->customer_id = g_strdup ("acme");
  snapshot->observed_at = T0;
  if (c->hours_since_active != UNKNOWN_HOURS)
    snapshot->last_active = T0 - (gint64) (c->hours_since_active * HOUR);
  snapshot->api_calls_7d = c->api_calls_7d;
  snapshot->features_used = c->features_used;

  vigil_scorecard_compute (scorecard, snapshot, &score);

  if (isnan (c->health))
    g_assert_true (isnan (score.health));
  else
    g_assert_cmpfloat_with_epsilon (score.health, c->health, 1e-6);
  g_assert_cmpint (score.tier, ==, c->tier);
  g_assert_cmpint (score.version, ==, 1);
  assert_points (c->activity_points, &score.measures[VIGIL_MEASURE_ACTIVITY]);
  assert_points (c->volume_points, &score.measures[VIGIL_MEASURE_VOLUME]);
  assert_points (c->breadth_points, &score.measures[VIGIL_MEASURE_BREADTH]);

  /* Optional measures are off in the default scorecard. */
  for (int i = VIGIL_MEASURE_SEATS; i < VIGIL_N_MEASURES; i++)
    g_assert_true (isnan (score.measures[i].value));

  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    total_weight += score.measures[i].weight;
  if (!isnan (c->health))
    g_assert_cmpfloat_with_epsilon (total_weight, 100, 1e-5);
}

static void
test_scorecard_tier_boundaries (void)
{
  g_autoptr(VigilScorecard) scorecard = vigil_scorecard_new_default ();

  g_assert_cmpint (vigil_scorecard_get_tier (scorecard, 100), ==, VIGIL_TIER_HEALTHY);
  g_assert_cmpint (vigil_scorecard_get_tier (scorecard, 85), ==, VIGIL_TIER_HEALTHY);
  g_assert_cmpint (vigil_scorecard_get_tier (scorecard, 84.99), ==, VIGIL_TIER_AT_RISK);
  g_assert_cmpint (vigil_scorecard_get_tier (scorecard, 60), ==, VIGIL_TIER_AT_RISK);
  g_assert_cmpint (vigil_scorecard_get_tier (scorecard, 59.99), ==, VIGIL_TIER_HIGH_RISK);
  g_assert_cmpint (vigil_scorecard_get_tier (scorecard, 0), ==, VIGIL_TIER_HIGH_RISK);
  g_assert_cmpint (vigil_scorecard_get_tier (scorecard, NAN), ==, VIGIL_TIER_NONE);
}

static void
test_scorecard_features (void)
{
  g_autoptr(VigilScorecard) scorecard = vigil_scorecard_new_default ();
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  VigilScore score;

  snapshot->observed_at = T0;

  /* Features with no calls are present but not used. */
  vigil_snapshot_add_feature (snapshot, "reports", 40);
  vigil_snapshot_add_feature (snapshot, "sso", 0);
  vigil_snapshot_add_feature (snapshot, "api", 3);
  vigil_scorecard_compute (scorecard, snapshot, &score);
  g_assert_cmpfloat (score.measures[VIGIL_MEASURE_BREADTH].input, ==, 2);
  g_assert_cmpfloat_with_epsilon (score.health, 25, 1e-9);

  /* `features` wins over `features_used`. */
  snapshot->features_used = 8;
  vigil_scorecard_compute (scorecard, snapshot, &score);
  g_assert_cmpfloat (score.measures[VIGIL_MEASURE_BREADTH].input, ==, 2);

  /* Names from an array count as used. */
  vigil_snapshot_clear (snapshot);
  snapshot->observed_at = T0;
  vigil_snapshot_add_feature (snapshot, "reports", VIGIL_FEATURE_USED_NO_COUNT);
  vigil_snapshot_add_feature (snapshot, "api", VIGIL_FEATURE_USED_NO_COUNT);
  vigil_scorecard_compute (scorecard, snapshot, &score);
  g_assert_cmpfloat (score.measures[VIGIL_MEASURE_BREADTH].input, ==, 2);

  /* Only a count given. */
  vigil_snapshot_clear (snapshot);
  snapshot->observed_at = T0;
  snapshot->features_used = 6;
  vigil_scorecard_compute (scorecard, snapshot, &score);
  g_assert_cmpfloat_with_epsilon (score.health, 75, 1e-9);
}

static void
test_scorecard_json_roundtrip (void)
{
  g_autoptr(VigilScorecard) scorecard = vigil_scorecard_new_default ();
  g_autofree char *json = vigil_scorecard_to_json (scorecard);
  g_autoptr(VigilScorecard) copy = NULL;
  g_autoptr(GError) error = NULL;

  copy = vigil_scorecard_new_from_json (json, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vigil_scorecard_get_version (copy), ==, 3);
  g_assert_cmpfloat (vigil_scorecard_get_weight (copy, VIGIL_MEASURE_ACTIVITY), ==, 40);
  g_assert_cmpfloat (vigil_scorecard_get_target (copy, VIGIL_MEASURE_VOLUME), ==, 5000);
  g_assert_cmpfloat (vigil_scorecard_get_cutoff (copy, VIGIL_TIER_HEALTHY), ==, 85);
  g_assert_cmpfloat (vigil_scorecard_get_cutoff (copy, VIGIL_TIER_AT_RISK), ==, 60);
}

static void
test_scorecard_invalid (void)
{
  const char *bad[] = {
    "{\"measures\": {\"activity\": {\"weight\": -1}}}",
    "{\"measures\": {\"activity\": {\"weight\": 0}, \"volume\": {\"weight\": 0}, \"breadth\": {\"weight\": 0}}}",
    "{\"tiers\": {\"healthy\": 50, \"at-risk\": 60}}",
    "{\"measures\": {\"happiness\": {\"weight\": 10}}}",
    "{\"measures\": {\"volume\": {\"target\": 0}}}",
    "[1, 2]",
    "{not json",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilScorecard) scorecard = vigil_scorecard_new_from_json (bad[i], 2, &error);

      g_assert_null (scorecard);
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "Scorecard"));
    }
}

static void
test_tier_ids (void)
{
  g_assert_cmpstr (vigil_tier_get_id (VIGIL_TIER_HEALTHY), ==, "healthy");
  g_assert_cmpstr (vigil_tier_get_id (VIGIL_TIER_AT_RISK), ==, "at-risk");
  g_assert_cmpstr (vigil_tier_get_id (VIGIL_TIER_HIGH_RISK), ==, "high-risk");
  g_assert_null (vigil_tier_get_id (VIGIL_TIER_NONE));
  g_assert_cmpint (vigil_tier_from_id ("at-risk"), ==, VIGIL_TIER_AT_RISK);
  g_assert_cmpint (vigil_tier_from_id ("sick"), ==, VIGIL_TIER_NONE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/scorecard/default/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_scorecard_table);
    }
  g_test_add_func ("/core/scorecard/tier-boundaries", test_scorecard_tier_boundaries);
  g_test_add_func ("/core/scorecard/features", test_scorecard_features);
  g_test_add_func ("/core/scorecard/json-roundtrip", test_scorecard_json_roundtrip);
  g_test_add_func ("/core/scorecard/invalid", test_scorecard_invalid);
  g_test_add_func ("/core/scorecard/tier-ids", test_tier_ids);

  return g_test_run ();
}
