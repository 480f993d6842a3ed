/* test-scorecard.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "vigil-core.h"
#include "vigil-test-util.h"

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

/* design 3.1: sentiment --------------------------------------------------- */

#define DAY 86400

static VigilSnapshot *
halves_snapshot (gint64 observed_at)
{
  VigilSnapshot *snapshot = vigil_snapshot_new ();

  /* activity 0.5 (36 h), volume 0.5, breadth 0.5: health 50 */
  snapshot->customer_id = g_strdup ("acme");
  snapshot->observed_at = observed_at;
  snapshot->last_active = observed_at - 36 * HOUR;
  snapshot->api_calls_7d = 2500;
  snapshot->features_used = 4;
  return snapshot;
}

static VigilScorecard *
with_sentiment (double weight)
{
  g_autoptr(VigilScorecard) base = vigil_scorecard_new_default ();
  g_autoptr(GError) error = NULL;
  VigilScorecard *scorecard = vigil_scorecard_new_with (base, "sentiment.weight", weight, &error);

  g_assert_no_error (error);
  return scorecard;
}

/* Off by default (weight 0): a pulse changes nothing but is explained;
 * with a weight green counts 1, yellow 0.5, red 0, for 90 days (the
 * target) at most; no pulse, or a stale one, is left out and the other
 * weights rescaled. Worked out by hand. */
static void
test_scorecard_sentiment (void)
{
  g_autoptr(VigilScorecard) off = vigil_scorecard_new_default ();
  g_autoptr(VigilScorecard) on = with_sentiment (10);
  g_autoptr(VigilSnapshot) snapshot = halves_snapshot (T0);
  const struct
  {
    VigilSentiment sentiment;
    gint64         age;
    double         health;     /* with weight 10 */
    double         points;     /* NAN: left out */
  } pulses[] = {
    { VIGIL_SENTIMENT_GREEN, 0, 600.0 / 11, 100.0 / 11 },             /* (50 + 10) / 110 */
    { VIGIL_SENTIMENT_YELLOW, 5 * DAY, 50, 500.0 / 110 },              /* (50 + 5) / 110 */
    { VIGIL_SENTIMENT_RED, 89 * DAY, 500.0 / 11, 0 },                  /* 50 / 110 */
    { VIGIL_SENTIMENT_RED, 90 * DAY, 500.0 / 11, 0 },                  /* 90 days: still counts */
    { VIGIL_SENTIMENT_RED, 90 * DAY + 1, 50, NAN },                    /* stale: left out */
    { VIGIL_SENTIMENT_GREEN, -1, 50, NAN },                            /* after the snapshot */
    { VIGIL_SENTIMENT_NONE, 0, 50, NAN },
  };
  VigilScore score;

  /* The default scorecard has the measure, off. */
  g_assert_cmpfloat (vigil_scorecard_get_weight (off, VIGIL_MEASURE_SENTIMENT), ==, 0);
  g_assert_cmpfloat (vigil_scorecard_get_target (off, VIGIL_MEASURE_SENTIMENT), ==, 90);
  g_assert_cmpstr (vigil_measure_get_name (VIGIL_MEASURE_SENTIMENT), ==, "sentiment");
  g_assert_cmpint (vigil_measure_from_name ("sentiment"), ==, VIGIL_MEASURE_SENTIMENT);

  for (guint i = 0; i < G_N_ELEMENTS (pulses); i++)
    {
      VigilPulseMark pulse = { T0 - pulses[i].age, pulses[i].sentiment };
      VigilScore without;

      vigil_scorecard_compute_with_pulse (off, snapshot, &pulse, &score);
      vigil_scorecard_compute (off, snapshot, &without);
      g_assert_cmpfloat (score.health, ==, 50);
      g_assert_cmpfloat (without.health, ==, 50);
      g_assert_true (isnan (score.measures[VIGIL_MEASURE_SENTIMENT].value));
      g_assert_cmpfloat (score.measures[VIGIL_MEASURE_SENTIMENT].weight, ==, 0);

      vigil_scorecard_compute_with_pulse (on, snapshot, &pulse, &score);
      g_test_message ("case %u", i);
      g_assert_cmpfloat_with_epsilon (score.health, pulses[i].health, 1e-5);
      assert_points (pulses[i].points, &score.measures[VIGIL_MEASURE_SENTIMENT]);
      /* The explanation: the pulse's age in days, stale or not. */
      if (pulses[i].sentiment != VIGIL_SENTIMENT_NONE && pulses[i].age >= 0)
        g_assert_cmpfloat_with_epsilon (score.measures[VIGIL_MEASURE_SENTIMENT].input,
                                        (double) pulses[i].age / DAY, 1e-9);
      else
        g_assert_true (isnan (score.measures[VIGIL_MEASURE_SENTIMENT].input));
      if (!isnan (pulses[i].points))
        g_assert_cmpint (vigil_sentiment_from_value (score.measures[VIGIL_MEASURE_SENTIMENT].value), ==,
                         pulses[i].sentiment);
    }

  /* Without a pulse at all, the same as without the measure. */
  vigil_scorecard_compute (on, snapshot, &score);
  g_assert_cmpfloat (score.health, ==, 50);

  /* The target says how many days a pulse counts. */
  {
    g_autoptr(VigilScorecard) month = NULL;
    g_autoptr(GError) error = NULL;
    VigilPulseMark pulse = { T0 - 31 * DAY, VIGIL_SENTIMENT_RED };

    month = vigil_scorecard_new_with (on, "sentiment.target", 30, &error);
    g_assert_no_error (error);
    vigil_scorecard_compute_with_pulse (month, snapshot, &pulse, &score);
    g_assert_cmpfloat (score.health, ==, 50);
  }
}

/* The pulse in force at a time: the latest at or before it, of one time
 * the last written; found forward from a hint, and back from it too. */
static void
test_scorecard_pulse_marks (void)
{
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (VigilPulseMark));
  const VigilPulseMark all[] = {
    { 100, VIGIL_SENTIMENT_GREEN }, { 200, VIGIL_SENTIMENT_YELLOW }, { 200, VIGIL_SENTIMENT_RED },
    { 300, VIGIL_SENTIMENT_GREEN },
  };
  const struct
  {
    gint64         time;
    VigilSentiment expected;   /* NONE: no pulse */
  } asks[] = {
    { 50, VIGIL_SENTIMENT_NONE }, { 100, VIGIL_SENTIMENT_GREEN }, { 199, VIGIL_SENTIMENT_GREEN },
    { 200, VIGIL_SENTIMENT_RED }, { 250, VIGIL_SENTIMENT_RED }, { 300, VIGIL_SENTIMENT_GREEN },
    { 1000, VIGIL_SENTIMENT_GREEN },
    /* and back again */
    { 150, VIGIL_SENTIMENT_GREEN }, { 99, VIGIL_SENTIMENT_NONE }, { 200, VIGIL_SENTIMENT_RED },
  };
  guint hint = 0;

  g_assert_null (vigil_pulse_marks_find (NULL, 100, &hint));
  g_assert_null (vigil_pulse_marks_find (marks, 100, &hint));
  g_array_append_vals (marks, all, G_N_ELEMENTS (all));
  for (guint i = 0; i < G_N_ELEMENTS (asks); i++)
    {
      const VigilPulseMark *found = vigil_pulse_marks_find (marks, asks[i].time, &hint);
      const VigilPulseMark *fresh = vigil_pulse_marks_find (marks, asks[i].time, NULL);

      g_assert_true (found == fresh);
      if (asks[i].expected == VIGIL_SENTIMENT_NONE)
        g_assert_null (found);
      else
        {
          g_assert_nonnull (found);
          g_assert_cmpint (found->sentiment, ==, asks[i].expected);
          g_assert_cmpint (found->at, <=, asks[i].time);
        }
    }
}

typedef struct
{
  TestDir     dir;
  char       *db;
  VigilStore *store;
} Book;

static void
ingest_days (VigilStore *store,
             const char *source,
             const char *id,
             const char *key,
             gint64      first,
             guint       days)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (store, source, first, &error);

  g_assert_no_error (error);
  for (guint d = 0; d < days; d++)
    {
      g_autoptr(VigilSnapshot) snapshot = halves_snapshot (first + (gint64) d * DAY);

      /* volume 1: health 65 with the default weights */
      snapshot->api_calls_7d = 5000;
      g_free (snapshot->customer_id);
      snapshot->customer_id = g_strdup (id);
      if (key != NULL)
        {
          snapshot->keys = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (snapshot->keys, g_strdup (key));
        }
      g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
    }
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
}

static void
book_init (Book *book)
{
  g_autoptr(GError) error = NULL;

  test_dir_init (&book->dir);
  book->db = test_dir_file (&book->dir, "vigil.db");
  book->store = vigil_store_open (book->db, &error);
  g_assert_no_error (error);
}

static void
book_clear (Book *book)
{
  g_clear_object (&book->store);
  g_free (book->db);
  test_dir_clear (&book->dir);
}

static GPtrArray *
history_of (Book       *book,
            const char *id)
{
  g_autoptr(GError) error = NULL;
  gint64 customer = vigil_store_find_customer (book->store, id, NULL, &error);
  GPtrArray *rows;

  g_assert_no_error (error);
  rows = vigil_store_list_history (book->store, customer, &error);
  g_assert_no_error (error);
  return rows;
}

static double
health_on (GPtrArray *rows,
           guint      day)
{
  return ((VigilHistoryRow *) g_ptr_array_index (rows, day))->score.health;
}

static void
save_scorecard (Book       *book,
                const char *key,
                double      value,
                guint64     expected_rescored)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilScorecard) current = vigil_store_load_scorecard (book->store, &error);
  g_autoptr(VigilScorecard) next = vigil_scorecard_new_with (current, key, value, &error);
  guint64 rescored = 0;

  g_assert_no_error (error);
  g_assert_true (vigil_store_save_scorecard (book->store, next, &rescored, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rescored, ==, expected_rescored);
}

static gint64
pulse (Book           *book,
       const char     *id,
       VigilSentiment  sentiment,
       gint64          at,
       guint64         expected_rescored)
{
  g_autoptr(GError) error = NULL;
  guint64 rescored = 99;
  gint64 pulse_id;

  pulse_id = vigil_store_set_pulse (book->store, vigil_store_find_customer (book->store, id, NULL, NULL),
                                    sentiment, VIGIL_PULSE_REASON_NONE, NULL, at, &rescored, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pulse_id, >, 0);
  g_assert_cmpuint (rescored, ==, expected_rescored);
  return pulse_id;
}

#define HEALTH_BASE 65.0
#define HEALTH_RED (65.0 * 100 / 110)
#define HEALTH_YELLOW (70.0 * 100 / 110)
#define HEALTH_GREEN (75.0 * 100 / 110)

/* design 3.1 in the store: with weight 0 pulses change no score; a
 * weight rescores the history, each snapshot with the pulse in force at
 * its time (for 90 days); a pulse taken then rescores its customer from
 * its time on, and the whole-book rescore agrees with it. */
static void
test_scorecard_sentiment_rescore (void)
{
  Book book;
  const gint64 first = T0 - 199 * DAY;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) other = NULL;
  g_autoptr(GPtrArray) portfolio = NULL;
  g_autoptr(GArray) before_full = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  const VigilMeasureResult *m;

  book_init (&book);
  ingest_days (book.store, "product", "a", NULL, first, 200);
  ingest_days (book.store, "product", "b", NULL, first, 200);

  /* Weight 0: pulses are stored and nothing is rescored or moved. */
  pulse (&book, "a", VIGIL_SENTIMENT_RED, first + 10 * DAY, 0);
  pulse (&book, "a", VIGIL_SENTIMENT_GREEN, first + 150 * DAY, 0);
  save_scorecard (&book, "nps.target", 9, 400);
  rows = history_of (&book, "a");
  for (guint d = 0; d < 200; d++)
    g_assert_cmpfloat (health_on (rows, d), ==, HEALTH_BASE);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Weight 10: the whole history, each day with its pulse. */
  save_scorecard (&book, "sentiment.weight", 10, 400);
  rows = history_of (&book, "a");
  for (guint d = 0; d < 200; d++)
    {
      double expected = d < 10 ? HEALTH_BASE            /* no pulse yet */
                        : d <= 100 ? HEALTH_RED         /* red, 90 days at most */
                        : d < 150 ? HEALTH_BASE         /* stale */
                        : HEALTH_GREEN;

      g_assert_cmpfloat_with_epsilon (health_on (rows, d), expected, 1e-5);
    }
  /* explained: the pulse and its age in days */
  m = &((VigilHistoryRow *) g_ptr_array_index (rows, 100))->score.measures[VIGIL_MEASURE_SENTIMENT];
  g_assert_cmpfloat (m->input, ==, 90);
  g_assert_cmpfloat (m->value, ==, 0);
  m = &((VigilHistoryRow *) g_ptr_array_index (rows, 101))->score.measures[VIGIL_MEASURE_SENTIMENT];
  g_assert_cmpfloat (m->input, ==, 91);
  g_assert_true (isnan (m->value));
  g_assert_null (((VigilHistoryRow *) g_ptr_array_index (rows, 100))->input_sources[VIGIL_MEASURE_SENTIMENT]);
  other = history_of (&book, "b");
  for (guint d = 0; d < 200; d++)
    g_assert_cmpfloat (health_on (other, d), ==, HEALTH_BASE);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* A pulse rescores its customer from its time: 80 snapshots. */
  pulse (&book, "a", VIGIL_SENTIMENT_YELLOW, first + 120 * DAY, 80);
  rows = history_of (&book, "a");
  for (guint d = 0; d < 200; d++)
    {
      double expected = d < 10 ? HEALTH_BASE : d <= 100 ? HEALTH_RED : d < 120 ? HEALTH_BASE
                        : d < 150 ? HEALTH_YELLOW : HEALTH_GREEN;

      g_assert_cmpfloat_with_epsilon (health_on (rows, d), expected, 1e-5);
      g_array_append_val (before_full, ((VigilHistoryRow *) g_ptr_array_index (rows, d))->score.health);
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The whole-book rescore agrees with the customer's, to the bit. */
  save_scorecard (&book, "nps.target", 10, 400);
  rows = history_of (&book, "a");
  for (guint d = 0; d < 200; d++)
    g_assert_cmpfloat (health_on (rows, d), ==, g_array_index (before_full, double, d));

  /* The portfolio: the current pulse, and the one its score counted. */
  portfolio = vigil_store_list_portfolio (book.store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < portfolio->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (portfolio, i);

      if (g_str_equal (row->latest->customer_id, "a"))
        {
          g_assert_nonnull (row->pulse);
          g_assert_cmpint (row->pulse->sentiment, ==, VIGIL_SENTIMENT_GREEN);
          g_assert_cmpint (row->latest_pulse.sentiment, ==, VIGIL_SENTIMENT_GREEN);
          g_assert_cmpint (row->latest_pulse.at, ==, first + 150 * DAY);
          g_assert_cmpfloat_with_epsilon (row->score.health, HEALTH_GREEN, 1e-5);
          g_assert_cmpfloat (row->score.measures[VIGIL_MEASURE_SENTIMENT].input, ==, 49);
        }
      else
        {
          g_assert_null (row->pulse);
          g_assert_cmpint (row->latest_pulse.sentiment, ==, VIGIL_SENTIMENT_NONE);
        }
    }

  /* A poll after the pulse scores the new snapshot with it. */
  ingest_days (book.store, "product", "a", NULL, T0 + DAY, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = history_of (&book, "a");
  g_assert_cmpuint (rows->len, ==, 201);
  g_assert_cmpfloat_with_epsilon (health_on (rows, 200), HEALTH_GREEN, 1e-5);

  book_clear (&book);
}

/* design 2.6 and 3.1: an account absorbed in a merge brings its pulses,
 * and the survivor is rescored from the oldest of them, before its own
 * oldest record. */
static void
test_scorecard_sentiment_merge (void)
{
  Book book;
  const gint64 first = T0 - 9 * DAY;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 survivor = 0;

  book_init (&book);
  ingest_days (book.store, "product", "p1", NULL, first, 10);
  ingest_days (book.store, "crm", "c1", NULL, T0, 1);
  save_scorecard (&book, "sentiment.weight", 10, 11);
  pulse (&book, "c1", VIGIL_SENTIMENT_RED, first, 1);

  g_assert_true (vigil_store_link_records (book.store, "product", "p1", "crm", "c1", &survivor, &error));
  g_assert_no_error (error);
  rows = history_of (&book, "product:p1");
  g_assert_cmpuint (rows->len, ==, 10);
  for (guint d = 0; d < 10; d++)
    g_assert_cmpfloat_with_epsilon (health_on (rows, d), HEALTH_RED, 1e-5);

  book_clear (&book);
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
  g_test_add_func ("/core/scorecard/sentiment", test_scorecard_sentiment);
  g_test_add_func ("/core/scorecard/pulse-marks", test_scorecard_pulse_marks);
  g_test_add_func ("/core/scorecard/sentiment-rescore", test_scorecard_sentiment_rescore);
  g_test_add_func ("/core/scorecard/sentiment-merge", test_scorecard_sentiment_merge);

  return g_test_run ();
}
