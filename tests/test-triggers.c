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
  row->last_touch = VIGIL_UNKNOWN;
  row->first_observed = VIGIL_UNKNOWN;
  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    row->score.measures[i].value = NAN;
}

static gboolean
fires (VigilPortfolioRow    *row,
       VigilTriggerSettings *settings,
       VigilTriggerRule      rule)
{
  char *evidence[VIGIL_N_TRIGGER_RULES];
  gboolean fired;

  vigil_triggers_evaluate_row (row, settings, evidence);
  fired = evidence[rule] != NULL;
  for (int i = 0; i < VIGIL_N_TRIGGER_RULES; i++)
    g_free (evidence[i]);
  return fired;
}

static void
test_triggers_boundaries (void)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
  g_autoptr(GHashTable) plan_limits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  VigilTriggerSettings settings = { plan_limits, VIGIL_NO_TOUCH_DEFAULT_DAYS, T0 - 365 * DAY };
  VigilTriggerSettings *limits = &settings;
  VigilPortfolioRow row;
  gint64 limit = 10000;

  g_hash_table_insert (plan_limits, g_strdup ("growth"), g_memdup2 (&limit, sizeof limit));

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

  /* unknown inputs never fire */
  vigil_snapshot_clear (s);
  row_init (&row, s);
  row.peak_14d = NAN;
  s->last_active = VIGIL_UNKNOWN;
  for (int r = 0; r < VIGIL_N_TRIGGER_RULES; r++)
    g_assert_false (fires (&row, limits, (VigilTriggerRule) r));
}

static void
ingest_seats (VigilStore *store,
              gint64      observed_at,
              gint64      seats_used)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (store, "crm", observed_at, &error);
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();

  g_assert_no_error (error);
  s->customer_id = g_strdup ("acme");
  s->observed_at = observed_at;
  s->last_active = observed_at;
  s->seats = 10;
  s->seats_used = seats_used;
  g_assert_true (vigil_ingest_add (ingest, s, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/triggers/boundaries", test_triggers_boundaries);
  g_test_add_func ("/core/triggers/episodes", test_triggers_episodes);

  return g_test_run ();
}
