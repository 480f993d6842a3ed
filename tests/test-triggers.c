/* test-triggers.c: each rule's boundary, and one firing per episode
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "vigil-core.h"
#include "vigil-test-util.h"

#define T0 G_GINT64_CONSTANT (1795262400)
#define DAY 86400

/* A customer whose only trouble is what a case sets. */
static void
row_init (VigilPortfolioRow *row,
          VigilSnapshot     *snapshot)
{
  memset (row, 0, sizeof *row);
  row->latest = snapshot;
  snapshot->observed_at = T0;
  snapshot->last_active = T0;
  row->score.health = 70;
  row->score.tier = VIGIL_TIER_AT_RISK;
  row->peak_14d = 70;
  row->renewed_day = VIGIL_UNKNOWN_DAY;
  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    row->score.measures[i].value = NAN;
}

static gboolean
fires (VigilPortfolioRow *row,
       GHashTable        *limits,
       VigilTriggerRule   rule)
{
  char *evidence[VIGIL_N_TRIGGER_RULES];
  gboolean fired;

  vigil_triggers_evaluate_row (row, limits, evidence);
  fired = evidence[rule] != NULL;
  for (int i = 0; i < VIGIL_N_TRIGGER_RULES; i++)
    g_free (evidence[i]);
  return fired;
}

static void
test_triggers_boundaries (void)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
  g_autoptr(GHashTable) limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  VigilPortfolioRow row;
  gint64 limit = 10000;

  g_hash_table_insert (limits, g_strdup ("growth"), g_memdup2 (&limit, sizeof limit));

  /* seat-expansion at 90 % of seats */
  row_init (&row, s);
  s->seats = 100;
  s->seats_used = 89;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_SEAT_EXPANSION));
  s->seats_used = 90;
  g_assert_true (fires (&row, limits, VIGIL_TRIGGER_SEAT_EXPANSION));

  /* plan-limit at 80 % of the plan's limit; plans without one never fire */
  row_init (&row, s);
  g_free (s->plan);
  s->plan = g_strdup ("growth");
  s->api_calls_7d = 7999;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_PLAN_LIMIT));
  s->api_calls_7d = 8000;
  g_assert_true (fires (&row, limits, VIGIL_TRIGGER_PLAN_LIMIT));
  g_free (s->plan);
  s->plan = g_strdup ("starter");
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_PLAN_LIMIT));

  /* advocate: healthy and breadth at 0.75 */
  row_init (&row, s);
  row.score.tier = VIGIL_TIER_HEALTHY;
  row.score.measures[VIGIL_MEASURE_BREADTH].value = 0.74;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_ADVOCATE));
  row.score.measures[VIGIL_MEASURE_BREADTH].value = 0.75;
  g_assert_true (fires (&row, limits, VIGIL_TRIGGER_ADVOCATE));
  row.score.tier = VIGIL_TIER_AT_RISK;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_ADVOCATE));

  /* health-drop: 15 points below the best of 14 days */
  row_init (&row, s);
  row.peak_14d = 84.99;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_HEALTH_DROP));
  row.peak_14d = 85;
  g_assert_true (fires (&row, limits, VIGIL_TRIGGER_HEALTH_DROP));

  /* gone-silent: exactly 72 hours */
  row_init (&row, s);
  s->last_active = T0 - 72 * 3600 + 1;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_GONE_SILENT));
  s->last_active = T0 - 72 * 3600;
  g_assert_true (fires (&row, limits, VIGIL_TRIGGER_GONE_SILENT));

  /* Its evidence says hours for the first days, then days. */
  {
    char *evidence[VIGIL_N_TRIGGER_RULES];

    vigil_triggers_evaluate_row (&row, limits, evidence);
    g_assert_cmpstr (evidence[VIGIL_TRIGGER_GONE_SILENT], ==, "No activity for 72 hours");
    for (int i = 0; i < VIGIL_N_TRIGGER_RULES; i++)
      g_free (evidence[i]);
    s->last_active = T0 - 30 * 86400 - 3600;
    vigil_triggers_evaluate_row (&row, limits, evidence);
    g_assert_cmpstr (evidence[VIGIL_TRIGGER_GONE_SILENT], ==, "No activity for 30 days");
    for (int i = 0; i < VIGIL_N_TRIGGER_RULES; i++)
      g_free (evidence[i]);
  }

  /* renewal-risk: within 60 days and not healthy */
  row_init (&row, s);
  s->renewal_day = vigil_time_get_day (T0) + 61;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_RENEWAL_RISK));
  s->renewal_day = vigil_time_get_day (T0) + 60;
  g_assert_true (fires (&row, limits, VIGIL_TRIGGER_RENEWAL_RISK));
  row.score.tier = VIGIL_TIER_HEALTHY;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_RENEWAL_RISK));
  row.score.tier = VIGIL_TIER_HIGH_RISK;
  s->renewal_day = vigil_time_get_day (T0) - 1;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_RENEWAL_RISK));

  /* A renewal recorded within its 60 days, or after, settles it while
   * the source still gives its date; one recorded before was another
   * year's. */
  s->renewal_day = vigil_time_get_day (T0) + 30;
  row.renewed_day = s->renewal_day - 61;
  g_assert_true (fires (&row, limits, VIGIL_TRIGGER_RENEWAL_RISK));
  row.renewed_day = s->renewal_day - 60;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_RENEWAL_RISK));
  row.renewed_day = s->renewal_day + 3;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_RENEWAL_RISK));
  row.renewed_day = VIGIL_UNKNOWN_DAY;

  /* unknown inputs never fire */
  vigil_snapshot_clear (s);
  row_init (&row, s);
  row.peak_14d = NAN;
  s->last_active = VIGIL_UNKNOWN;
  for (int r = 0; r < VIGIL_N_TRIGGER_RULES; r++)
    g_assert_false (fires (&row, limits, (VigilTriggerRule) r));
}

/* A poll that observed customer acme as @s says, at its time. */
static void
ingest_acme (VigilStore    *store,
             VigilSnapshot *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (store, "crm", s->observed_at, &error);

  g_assert_no_error (error);
  s->customer_id = g_strdup ("acme");
  g_assert_true (vigil_ingest_add (ingest, s, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
}

static void
ingest_seats (VigilStore *store,
              gint64      observed_at,
              gint64      seats_used)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();

  s->observed_at = observed_at;
  s->last_active = observed_at;
  s->seats = 10;
  s->seats_used = seats_used;
  ingest_acme (store, s);
}

static guint
count_triggers (VigilStore *store,
                gint64      now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vigil_store_list_triggers (store, now, &error);

  g_assert_no_error (error);
  return rows->len;
}

static void
test_triggers_episodes (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 id;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  /* Ten polls in a row with 9 of 10 seats used: one episode. */
  for (int i = 0; i < 10; i++)
    ingest_seats (store, T0 + i * 3600, 9);
  rows = vigil_store_list_triggers (store, T0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (((VigilTriggerRow *) rows->pdata[0])->rule, ==, "seat-expansion");
  g_assert_cmpstr (((VigilTriggerRow *) rows->pdata[0])->state, ==, "new");
  id = ((VigilTriggerRow *) rows->pdata[0])->id;

  /* Acknowledged, it stays open while the condition holds. */
  g_assert_true (vigil_store_set_trigger_state (store, id, "acknowledged", NULL, &error));
  ingest_seats (store, T0 + 11 * 3600, 10);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = vigil_store_list_triggers (store, T0, &error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (((VigilTriggerRow *) rows->pdata[0])->id, ==, id);
  g_assert_cmpstr (((VigilTriggerRow *) rows->pdata[0])->state, ==, "acknowledged");

  /* It clears, then holds again: a new episode. */
  ingest_seats (store, T0 + 12 * 3600, 5);
  g_assert_cmpuint (count_triggers (store, T0), ==, 0);
  ingest_seats (store, T0 + 13 * 3600, 9);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = vigil_store_list_triggers (store, T0, &error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (((VigilTriggerRow *) rows->pdata[0])->id, !=, id);
  id = ((VigilTriggerRow *) rows->pdata[0])->id;

  /* Snoozed until a day: hidden before it, new again from it. */
  g_assert_true (vigil_store_set_trigger_state (store, id, "snoozed", "2026-12-01", &error));
  g_assert_cmpuint (count_triggers (store, T0), ==, 0);
  g_assert_cmpuint (count_triggers (store, vigil_date_from_civil (2026, 12, 1) * (gint64) DAY), ==, 1);

  /* Done: gone for this episode. */
  g_assert_true (vigil_store_set_trigger_state (store, id, "done", NULL, &error));
  g_assert_cmpuint (count_triggers (store, vigil_date_from_civil (2026, 12, 1) * (gint64) DAY), ==, 0);
  ingest_seats (store, T0 + 14 * 3600, 9);
  g_assert_cmpuint (count_triggers (store, vigil_date_from_civil (2026, 12, 1) * (gint64) DAY), ==, 0);

  g_assert_false (vigil_store_set_trigger_state (store, 999999, "done", NULL, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
ingest_renewal (VigilStore *store,
                gint64      observed_at,
                gint32      renewal_day)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();

  s->observed_at = observed_at;
  /* Only the weekly calls known: health 70, at risk. */
  s->api_calls_7d = 3500;
  s->renewal_day = renewal_day;
  ingest_acme (store, s);
}

static const char *
first_rule (VigilStore *store)
{
  static char rule[32];
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vigil_store_list_triggers (store, T0, &error);

  g_assert_no_error (error);
  if (rows->len == 0)
    return NULL;
  g_strlcpy (rule, ((VigilTriggerRow *) rows->pdata[0])->rule, sizeof rule);
  return rule;
}

/* design 3.3: a renewal recorded before the source moves the date on
 * closes renewal-risk and keeps it closed on the old date; the renewal
 * shown is the newest the source gives; next year's renewal is a risk
 * again. */
static void
test_triggers_renewal_recorded (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint32 today = vigil_time_get_day (T0);
  gint64 acme;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  ingest_renewal (store, T0, today + 30);
  g_assert_cmpstr (first_rule (store), ==, "renewal-risk");

  acme = vigil_store_find_customer (store, "acme", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_store_record_outcome (store, acme, "renewed", today + 1, &error));
  ingest_renewal (store, T0 + 2 * DAY, today + 30);
  g_assert_null (first_rule (store));

  /* The source moves the date on a year: that is the date shown. */
  ingest_renewal (store, T0 + 3 * DAY, today + 395);
  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((VigilPortfolioRow *) rows->pdata[0])->latest->renewal_day, ==, today + 395);
  g_assert_cmpint (((VigilPortfolioRow *) rows->pdata[0])->renewed_day, ==, today + 1);

  /* A year on, the next renewal is within 60 days and not settled. */
  ingest_renewal (store, T0 + 365 * DAY, today + 395);
  g_assert_cmpstr (first_rule (store), ==, "renewal-risk");

  g_clear_object (&store);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/triggers/boundaries", test_triggers_boundaries);
  g_test_add_func ("/core/triggers/episodes", test_triggers_episodes);
  g_test_add_func ("/core/triggers/renewal-recorded", test_triggers_renewal_recorded);

  return g_test_run ();
}
