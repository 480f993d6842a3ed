/* test-triggers.c: each rule's boundary, and one firing per episode
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "vigil-core.h"
#include "vigil-test-book.h"

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
  row->recent_high = 70;
  row->nps_14d_ago = VIGIL_UNKNOWN;
  row->renewed_day = VIGIL_UNKNOWN_DAY;
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

  /* advocate: healthy, breadth at 0.75 and a promoter's NPS */
  row_init (&row, s);
  s->nps = 9;
  row.score.tier = VIGIL_TIER_HEALTHY;
  row.score.measures[VIGIL_MEASURE_BREADTH].value = 0.74;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_ADVOCATE));
  row.score.measures[VIGIL_MEASURE_BREADTH].value = 0.75;
  g_assert_true (fires (&row, limits, VIGIL_TRIGGER_ADVOCATE));
  row.score.tier = VIGIL_TIER_AT_RISK;
  g_assert_false (fires (&row, limits, VIGIL_TRIGGER_ADVOCATE));

  /* health-drop: the best of the time it must hold 15 points below the
   * best of 14 days */
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
  row.recent_high = NAN;
  s->last_active = VIGIL_UNKNOWN;
  for (int r = 0; r < VIGIL_N_TRIGGER_RULES; r++)
    g_assert_false (fires (&row, limits, (VigilTriggerRule) r));
}

/* design 3.4: no-touch fires at risk or high risk after the days set
 * without a touch, counted for a customer never touched from its first
 * snapshot but not from before the book's first touch; never in a book
 * without touches, never for a healthy customer, never when set off. */
static void
test_triggers_no_touch_rule (void)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
  VigilTriggerSettings settings = { NULL, 30, T0 - 365 * DAY };
  VigilPortfolioRow row;

  row_init (&row, s);
  row.last_touch = T0 - 30 * DAY + 1;
  g_assert_false (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  row.last_touch = T0 - 30 * DAY;
  g_assert_true (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  {
    char *evidence[VIGIL_N_TRIGGER_RULES];

    row.last_touch = T0 - 45 * DAY - 3600;
    vigil_triggers_evaluate_row (&row, &settings, evidence);
    g_assert_cmpstr (evidence[VIGIL_TRIGGER_NO_TOUCH], ==, "Last touch 45 days ago");
    for (int i = 0; i < VIGIL_N_TRIGGER_RULES; i++)
      g_free (evidence[i]);
  }
  row.score.tier = VIGIL_TIER_HIGH_RISK;
  g_assert_true (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  row.score.tier = VIGIL_TIER_HEALTHY;
  g_assert_false (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  row.score.tier = VIGIL_TIER_NONE;
  g_assert_false (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  row.score.tier = VIGIL_TIER_AT_RISK;

  /* The days are the setting's; 0 turns the rule off. */
  row.last_touch = T0 - 7 * DAY;
  g_assert_false (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  settings.no_touch_days = 7;
  g_assert_true (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  settings.no_touch_days = 0;
  row.last_touch = T0 - 400 * DAY;
  g_assert_false (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  settings.no_touch_days = 30;

  /* Never touched: from the first snapshot... */
  row.last_touch = VIGIL_UNKNOWN;
  row.first_observed = T0 - 29 * DAY;
  g_assert_false (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  row.first_observed = T0 - 30 * DAY;
  g_assert_true (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  {
    char *evidence[VIGIL_N_TRIGGER_RULES];

    vigil_triggers_evaluate_row (&row, &settings, evidence);
    g_assert_cmpstr (evidence[VIGIL_TRIGGER_NO_TOUCH], ==, "No touch logged in 30 days");
    for (int i = 0; i < VIGIL_N_TRIGGER_RULES; i++)
      g_free (evidence[i]);
  }
  /* ...but not from before the book's first touch... */
  row.first_observed = T0 - 300 * DAY;
  settings.touches_since = T0 - 29 * DAY;
  g_assert_false (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  settings.touches_since = T0 - 30 * DAY;
  g_assert_true (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  /* ...and never in a book where nobody logs touches. */
  settings.touches_since = VIGIL_UNKNOWN;
  g_assert_false (fires (&row, &settings, VIGIL_TRIGGER_NO_TOUCH));
  g_assert_false (fires (&row, NULL, VIGIL_TRIGGER_NO_TOUCH));
}

static void
ingest_at_risk (VigilStore *store,
                const char *id,
                gint64      observed_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (store, "crm", observed_at, &error);
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();

  g_assert_no_error (error);
  /* activity 40 + volume 30 + breadth 0: 70, at risk */
  s->customer_id = g_strdup (id);
  s->observed_at = observed_at;
  s->last_active = observed_at;
  s->api_calls_7d = 5000;
  s->features_used = 0;
  g_assert_true (vigil_ingest_add (ingest, s, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The open no-touch triggers' customers, by their ids, sorted. */
static char *
no_touch_customers (VigilStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vigil_store_list_triggers (store, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (((VigilTriggerRow *) rows->pdata[i])->rule, "no-touch"))
      g_ptr_array_add (ids, ((VigilTriggerRow *) rows->pdata[i])->customer);
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (" ", (char **) ids->pdata);
}

static void
update_triggers (VigilStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vigil_triggers_update (store, g_get_real_time () / G_USEC_PER_SEC, NULL, &error));
  g_assert_no_error (error);
}

/* design 3.4: the rule evaluated with the others on the stored book: the
 * days stored as a setting, a touch logged closing the trigger at the
 * next evaluation. */
static void
test_triggers_no_touch_store (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *open = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilTriggerSettings) settings = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 acme, beta;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  /* 40 days of history, both at risk, the latest an hour ago. */
  for (int d = 40; d >= 0; d--)
    {
      ingest_at_risk (store, "acme", now - d * DAY - 3600);
      ingest_at_risk (store, "beta", now - d * DAY - 3600);
    }
  acme = vigil_store_find_customer (store, "acme", NULL, &error);
  beta = vigil_store_find_customer (store, "beta", NULL, &error);
  g_assert_no_error (error);

  /* A book without touches: none. */
  settings = vigil_triggers_load_settings (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (settings->no_touch_days, ==, VIGIL_NO_TOUCH_DEFAULT_DAYS);
  g_assert_cmpint (settings->touches_since, ==, VIGIL_UNKNOWN);
  g_clear_pointer (&settings, vigil_trigger_settings_free);
  update_triggers (store);
  open = no_touch_customers (store);
  g_assert_cmpstr (open, ==, "");
  g_clear_pointer (&open, g_free);

  /* A call with beta 35 days ago: beta's last touch is old, and acme,
   * never touched, has gone 35 days since the book's first touch. A
   * note on acme yesterday is no touch. */
  g_assert_cmpint (vigil_store_add_touch (store, beta, VIGIL_TOUCH_CALL, now - 35 * DAY, "Kick-off", &error), >, 0);
  g_assert_cmpint (vigil_store_add_touch (store, acme, VIGIL_TOUCH_NOTE, now - DAY, "Thinking of calling", &error),
                   >, 0);
  g_assert_no_error (error);
  update_triggers (store);
  open = no_touch_customers (store);
  g_assert_cmpstr (open, ==, "acme beta");
  g_clear_pointer (&open, g_free);

  /* An email to acme today: its trigger closes. */
  g_assert_cmpint (vigil_store_add_touch (store, acme, VIGIL_TOUCH_EMAIL, now - 60, "Checking in", &error), >, 0);
  g_assert_no_error (error);
  update_triggers (store);
  open = no_touch_customers (store);
  g_assert_cmpstr (open, ==, "beta");
  g_clear_pointer (&open, g_free);

  /* 40 days: beta's 35 are not enough; off, none; bad values refused. */
  g_assert_true (vigil_triggers_set_no_touch_days (store, 40, &error));
  g_assert_no_error (error);
  update_triggers (store);
  open = no_touch_customers (store);
  g_assert_cmpstr (open, ==, "");
  g_clear_pointer (&open, g_free);
  g_assert_true (vigil_triggers_set_no_touch_days (store, 7, &error));
  update_triggers (store);
  open = no_touch_customers (store);
  g_assert_cmpstr (open, ==, "beta");
  g_clear_pointer (&open, g_free);
  g_assert_true (vigil_triggers_set_no_touch_days (store, 0, &error));
  update_triggers (store);
  open = no_touch_customers (store);
  g_assert_cmpstr (open, ==, "");
  g_clear_pointer (&open, g_free);
  g_assert_false (vigil_triggers_set_no_touch_days (store, -1, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vigil_triggers_set_no_touch_days (store, VIGIL_NO_TOUCH_MAX_DAYS + 1, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_clear_error (&error);
  settings = vigil_triggers_load_settings (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (settings->no_touch_days, ==, 0);
  g_clear_pointer (&settings, vigil_trigger_settings_free);

  /* A setting a hand made unreadable reads as the default. */
  for (guint i = 0; i < 3; i++)
    {
      static const char * const unreadable[] = { "soon", "-3", "99999" };

      g_assert_true (vigil_store_set_meta (store, "no_touch_days", unreadable[i], &error));
      settings = vigil_triggers_load_settings (store, &error);
      g_assert_no_error (error);
      g_assert_cmpint (settings->no_touch_days, ==, VIGIL_NO_TOUCH_DEFAULT_DAYS);
      g_clear_pointer (&settings, vigil_trigger_settings_free);
    }

  g_clear_object (&store);
  test_dir_clear (&dir);
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

/* vigil_store_index_open_trigger_rules() holds each trigger @rows
 * lists, by customer, in the list's order, and nothing else. */
static void
assert_index_matches (VigilStore *store,
                      gint64      now,
                      GPtrArray  *rows)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) index = vigil_store_index_open_trigger_rules (store, now, &error);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint indexed = 0;
  GHashTableIter iter;
  gpointer rules;

  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, index);
  while (g_hash_table_iter_next (&iter, NULL, &rules))
    indexed += g_list_length (rules);
  g_assert_cmpuint (indexed, ==, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      const VigilTriggerRow *row = rows->pdata[i];
      GList *list = g_hash_table_lookup (index, &row->customer_id);
      guint nth = GPOINTER_TO_UINT (g_hash_table_lookup (seen, &row->customer_id));

      g_assert_cmpstr (g_list_nth_data (list, nth), ==, row->rule);
      g_hash_table_insert (seen, (gpointer) &row->customer_id, GUINT_TO_POINTER (nth + 1));
    }
}

static guint
count_triggers (VigilStore *store,
                gint64      now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vigil_store_list_triggers (store, now, &error);

  g_assert_no_error (error);
  assert_index_matches (store, now, rows);
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
  path = vigil_test_book_location (&dir, "vigil.db");
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

#define MANY_CUSTOMERS 120

/* @n firings of plan-limit, on customers @ids[0 … n-1], their evidence
 * "@word i" (the first's NULL when @word is "second"). */
static GArray *
plan_limit_firings (const gint64 *ids,
                    guint         n,
                    const char   *word)
{
  GArray *firing = g_array_new (FALSE, TRUE, sizeof (VigilTriggerFiring));

  g_array_set_clear_func (firing, (GDestroyNotify) vigil_trigger_firing_clear);
  for (guint i = 0; i < n; i++)
    {
      VigilTriggerFiring fire = {
        .customer_id = ids[i],
        .rule = "plan-limit",
        .kind = "upsell",
        .evidence = i == 0 && g_str_equal (word, "second") ? NULL : g_strdup_printf ("%s %u", word, i),
        .tier = VIGIL_TIER_NONE,
      };

      g_array_append_val (firing, fire);
    }
  return firing;
}

/* A sync that keeps many episodes and clears many: each kept with its
 * own evidence, each cleared at the sync's time; on PostgreSQL with a
 * statement for each kind, not one an episode (design 1). */
static void
test_triggers_sync_many (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GArray) firing = NULL;
  gint64 ids[MANY_CUSTOMERS];
  guint opened = 0;
  guint sent = 0;
  char sql[200];

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(VigilIngest) ingest = vigil_ingest_begin (store, "crm", T0, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < MANY_CUSTOMERS; i++)
      {
        g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();

        s->customer_id = g_strdup_printf ("many-%u", i);
        s->observed_at = T0;
        s->last_active = T0;
        g_assert_true (vigil_ingest_add (ingest, s, &error));
      }
    g_assert_true (vigil_ingest_commit (ingest, &error));
    g_assert_no_error (error);
  }
  for (guint i = 0; i < MANY_CUSTOMERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("many-%u", i);

      ids[i] = vigil_store_find_customer (store, name, NULL, &error);
      g_assert_no_error (error);
    }

  firing = plan_limit_firings (ids, MANY_CUSTOMERS, "first");
  g_assert_true (vigil_store_sync_triggers (store, firing, T0 + 1, &opened, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (opened, ==, MANY_CUSTOMERS);
  g_clear_pointer (&firing, g_array_unref);

  /* two thirds still hold, with new evidence; a third cleared */
  firing = plan_limit_firings (ids, 2 * MANY_CUSTOMERS / 3, "second");
#ifdef HAVE_POSTGRESQL
  sent = _vigil_sql_pg_statements_sent ();
#endif
  g_assert_true (vigil_store_sync_triggers (store, firing, T0 + 2, &opened, &error));
#ifdef HAVE_POSTGRESQL
  sent = _vigil_sql_pg_statements_sent () - sent;
#endif
  g_assert_no_error (error);
  g_assert_cmpuint (opened, ==, 0);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM triggers WHERE rule = 'plan-limit' "
                                        "AND cleared_at IS NULL AND last_seen = 1795262402"), ==,
                   2 * MANY_CUSTOMERS / 3);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM triggers WHERE rule = 'plan-limit' "
                                        "AND cleared_at = 1795262402 AND last_seen = 1795262401"), ==,
                   MANY_CUSTOMERS / 3);
  g_snprintf (sql, sizeof sql, "SELECT evidence FROM triggers WHERE rule = 'plan-limit' "
              "AND cleared_at IS NULL AND customer_id = %" G_GINT64_FORMAT, ids[1]);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM triggers WHERE rule = 'plan-limit' "
                                        "AND cleared_at IS NULL AND evidence IS NULL"), ==, 1);
  {
    g_autofree char *evidence = test_book_text (path, sql);

    g_assert_cmpstr (evidence, ==, "second 1");
  }
  g_snprintf (sql, sizeof sql, "SELECT evidence FROM triggers WHERE rule = 'plan-limit' "
              "AND customer_id = %" G_GINT64_FORMAT, ids[MANY_CUSTOMERS - 1]);
  {
    g_autofree char *evidence = test_book_text (path, sql);

    g_assert_cmpstr (evidence, ==, "first 119");
  }
  /* a statement an episode was some 120 */
  if (vigil_test_on_postgresql ())
    {
      g_test_message ("statements sent by the sync: %u", sent);
      g_assert_cmpuint (sent, <, 15);
    }

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 3.3: no NPS, no advocate; a passive (8) is not one; a promoter
 * (9, 10) is. */
static void
test_triggers_advocate_nps (void)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
  VigilPortfolioRow row;

  row_init (&row, s);
  row.score.health = 95;
  row.score.tier = VIGIL_TIER_HEALTHY;
  row.peak_14d = row.recent_high = 95;
  row.score.measures[VIGIL_MEASURE_BREADTH].value = 1;
  row.score.measures[VIGIL_MEASURE_BREADTH].input = 8;

  s->nps = VIGIL_UNKNOWN;
  g_assert_false (fires (&row, NULL, VIGIL_TRIGGER_ADVOCATE));
  s->nps = 8;
  g_assert_false (fires (&row, NULL, VIGIL_TRIGGER_ADVOCATE));
  s->nps = 9;
  g_assert_true (fires (&row, NULL, VIGIL_TRIGGER_ADVOCATE));
  s->nps = 10;
  g_assert_true (fires (&row, NULL, VIGIL_TRIGGER_ADVOCATE));

  /* Its evidence names the answer. */
  {
    char *evidence[VIGIL_N_TRIGGER_RULES];

    vigil_triggers_evaluate_row (&row, NULL, evidence);
    g_assert_cmpstr (evidence[VIGIL_TRIGGER_ADVOCATE], ==, "Healthy (95.0), using 8 features, NPS 10");
    for (int i = 0; i < VIGIL_N_TRIGGER_RULES; i++)
      g_free (evidence[i]);
  }

  /* It opens on a new promoter answer only: not when the customer was a
   * promoter 14 days before; every other rule opens whenever it holds. */
  row.nps_14d_ago = VIGIL_UNKNOWN;
  g_assert_true (vigil_triggers_may_open (&row, VIGIL_TRIGGER_ADVOCATE));
  row.nps_14d_ago = 8;
  g_assert_true (vigil_triggers_may_open (&row, VIGIL_TRIGGER_ADVOCATE));
  row.nps_14d_ago = 9;
  g_assert_false (vigil_triggers_may_open (&row, VIGIL_TRIGGER_ADVOCATE));
  for (int r = 0; r < VIGIL_N_TRIGGER_RULES; r++)
    if (r != VIGIL_TRIGGER_ADVOCATE)
      g_assert_true (vigil_triggers_may_open (&row, (VigilTriggerRule) r));
}

/* One observation of customer @id for the stories below: its health
 * comes from its API calls and features (5000 calls and 8 features
 * make 100; 3500 calls alone 70); seats 10, @used of them; @nps. */
static VigilSnapshot *
make_observation (const char *id,
                  gint64      observed_at,
                  gint64      calls,
                  gint64      used,
                  gint64      nps)
{
  VigilSnapshot *s = vigil_snapshot_new ();

  s->customer_id = g_strdup (id);
  s->observed_at = observed_at;
  s->api_calls_7d = calls;
  s->seats = 10;
  s->seats_used = used;
  s->nps = nps;
  if (nps != VIGIL_UNKNOWN)
    s->features_used = 8;
  return s;
}

/* Stores observations in one import, evaluated once at its end as
 * every import is; returns the episodes it opened. */
static guint64
ingest_observations (VigilStore     *store,
                     gint64          now,
                     VigilSnapshot **snapshots,
                     guint           n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (store, "crm", now, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (vigil_ingest_add (ingest, snapshots[i], &error));
      g_assert_no_error (error);
      vigil_snapshot_free (snapshots[i]);
    }
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
  return vigil_ingest_get_stats (ingest)->triggers_opened;
}

static guint64
ingest_one (VigilStore    *store,
            VigilSnapshot *snapshot)
{
  return ingest_observations (store, snapshot->observed_at, &snapshot, 1);
}

/* The open triggers of one rule on customer @id. */
static guint
count_open (VigilStore *store,
            const char *id,
            const char *rule,
            gint64      now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vigil_store_list_triggers (store, now, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      VigilTriggerRow *row = rows->pdata[i];

      if (g_str_equal (row->customer, id) && g_str_equal (row->rule, rule))
        n++;
    }
  return n;
}

static VigilStore *
open_test_store (TestDir *dir)
{
  g_autofree char *path = vigil_test_book_location (dir, "vigil.db");
  g_autoptr(GError) error = NULL;
  VigilStore *store = vigil_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

/* design 3.3 through the store: a long-standing promoter is not news; a
 * customer who has just become one is, and its episode stays open while
 * it remains a healthy promoter. */
static void
test_triggers_advocate_new_answer (void)
{
  TestDir dir;
  g_autoptr(VigilStore) store = NULL;
  VigilSnapshot *history[42];
  gint64 end = T0 + 20 * DAY;

  test_dir_init (&dir);
  store = open_test_store (&dir);

  /* Three weeks of daily history in one import: "steady" a promoter
   * (10) throughout, "convert" a passive (8) until four days ago. */
  for (int d = 0; d <= 20; d++)
    {
      history[2 * d] = make_observation ("steady", T0 + d * DAY, 5000, 5, 10);
      history[2 * d + 1] = make_observation ("convert", T0 + d * DAY, 5000, 5, d < 17 ? 8 : 10);
    }
  ingest_observations (store, end, history, G_N_ELEMENTS (history));
  g_assert_cmpuint (count_open (store, "steady", "advocate", end), ==, 0);
  g_assert_cmpuint (count_open (store, "convert", "advocate", end), ==, 1);

  /* Two weeks on, both still promoters: the open one is kept (it is no
   * longer new, but it still holds), the other still does not open. */
  ingest_one (store, make_observation ("convert", end + 15 * DAY, 5000, 5, 9));
  ingest_one (store, make_observation ("steady", end + 15 * DAY, 5000, 5, 10));
  g_assert_cmpuint (count_open (store, "convert", "advocate", end + 15 * DAY), ==, 1);
  g_assert_cmpuint (count_open (store, "steady", "advocate", end + 15 * DAY), ==, 0);

  /* Without an answer it clears. */
  ingest_one (store, make_observation ("convert", end + 16 * DAY, 5000, 5, VIGIL_UNKNOWN));
  g_assert_cmpuint (count_open (store, "convert", "advocate", end + 16 * DAY), ==, 0);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 3.3: a health drop counts once it has held over the latest
 * three observations and 48 hours: a day without activity on a
 * middling customer is not one. */
static void
test_triggers_health_drop_holds (void)
{
  TestDir dir;
  g_autoptr(VigilStore) store = NULL;
  VigilSnapshot *history[72];
  guint n = 0;
  gint64 t = T0;

  test_dir_init (&dir);
  store = open_test_store (&dir);

  /* Daily: ten days at 100, then one day at 70 and back. */
  for (int d = 0; d < 10; d++, t += DAY)
    history[n++] = make_observation ("daily", t, 5000, 5, 10);
  history[n++] = make_observation ("daily", t, 3500, 5, VIGIL_UNKNOWN);
  g_assert_cmpuint (ingest_observations (store, t, history, n), ==, 0);
  g_assert_cmpuint (count_open (store, "daily", "health-drop", t), ==, 0);
  t += DAY;
  ingest_one (store, make_observation ("daily", t, 5000, 5, 10));
  g_assert_cmpuint (count_open (store, "daily", "health-drop", t), ==, 0);

  /* Then three days at 70: a drop on the third, not before. */
  n = 0;
  for (int d = 0; d < 2; d++)
    {
      t += DAY;
      history[n++] = make_observation ("daily", t, 3500, 5, VIGIL_UNKNOWN);
    }
  ingest_observations (store, t, history, n);
  g_assert_cmpuint (count_open (store, "daily", "health-drop", t), ==, 0);
  t += DAY;
  g_assert_cmpuint (ingest_one (store, make_observation ("daily", t, 3500, 5, VIGIL_UNKNOWN)), ==, 1);
  g_assert_cmpuint (count_open (store, "daily", "health-drop", t), ==, 1);

  /* Hourly polls: a day at 100, then 47 hours at 70 is more than three
   * observations but not 48 hours; the 48th hour makes it a drop. */
  t = T0;
  n = 0;
  for (int h = 0; h < 24; h++, t += 3600)
    history[n++] = make_observation ("hourly", t, 5000, 5, 10);
  for (int h = 0; h < 48; h++, t += 3600)
    history[n++] = make_observation ("hourly", t, 3500, 5, VIGIL_UNKNOWN);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (history));
  ingest_observations (store, t - 3600, history, n);
  g_assert_cmpuint (count_open (store, "hourly", "health-drop", t), ==, 0);
  g_assert_cmpuint (ingest_one (store, make_observation ("hourly", t, 3500, 5, VIGIL_UNKNOWN)), ==, 1);
  g_assert_cmpuint (count_open (store, "hourly", "health-drop", t), ==, 1);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 3.3: a drop must hold over the latest three scored
 * observations; with only two there is no such time (the recent high
 * is NULL), however far apart they are and however deep the drop:
 * nothing fires. The 48 hours alone would hold only the 70. */
static void
test_triggers_health_drop_two_observations (void)
{
  TestDir dir;
  g_autoptr(VigilStore) store = NULL;
  gint64 t = T0;

  test_dir_init (&dir);
  store = open_test_store (&dir);

  ingest_one (store, make_observation ("two", t, 5000, 5, 10));
  t += 3 * DAY;
  g_assert_cmpuint (ingest_one (store, make_observation ("two", t, 3500, 5, VIGIL_UNKNOWN)), ==, 0);
  g_assert_cmpuint (count_open (store, "two", "health-drop", t), ==, 0);

  /* The third: the best of the latest three is the 100, still none; the
   * fourth holds the drop over three observations and 48 hours. */
  t += DAY;
  g_assert_cmpuint (ingest_one (store, make_observation ("two", t, 3500, 5, VIGIL_UNKNOWN)), ==, 0);
  g_assert_cmpuint (count_open (store, "two", "health-drop", t), ==, 0);
  t += DAY;
  g_assert_cmpuint (ingest_one (store, make_observation ("two", t, 3500, 5, VIGIL_UNKNOWN)), ==, 1);
  g_assert_cmpuint (count_open (store, "two", "health-drop", t), ==, 1);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* `vigil scores` reads the rule ids of the open triggers by customer,
 * from the triggers alone: the same triggers as the inbox lists, in its
 * order, and none of a churned customer's (design 3.2). */
static void
test_triggers_index_open_rules (void)
{
  TestDir dir;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 globex;

  test_dir_init (&dir);
  store = open_test_store (&dir);
  /* 9 of 10 seats used: seat-expansion on each. */
  ingest_one (store, make_observation ("acme", now - DAY, 5000, 9, VIGIL_UNKNOWN));
  ingest_one (store, make_observation ("initech", now - DAY, 5000, 9, VIGIL_UNKNOWN));
  ingest_one (store, make_observation ("globex", now - DAY, 5000, 9, VIGIL_UNKNOWN));
  rows = vigil_store_list_triggers (store, now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  assert_index_matches (store, now, rows);

  globex = vigil_store_find_customer (store, "globex", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_store_record_outcome (store, globex, "churned", vigil_time_get_day (now), &error));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = vigil_store_list_triggers (store, now, &error);
  g_assert_cmpuint (rows->len, ==, 2);
  assert_index_matches (store, now, rows);
  index = vigil_store_index_open_trigger_rules (store, now, &error);
  g_assert_no_error (error);
  g_assert_null (g_hash_table_lookup (index, &globex));

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 3.3: marked done, a rule stays quiet on its customer for 30
 * days (a new episode is not opened, announced or counted), unless the
 * customer's tier gets worse; after 30 days it opens again. */
static void
test_triggers_done_quiet (void)
{
  TestDir dir;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  /* Decisions are stamped with the clock: the story is told around it. */
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 first_id, second_id;

  test_dir_init (&dir);
  store = open_test_store (&dir);

  /* Healthy (100) with 9 of 10 seats used: seat-expansion, done. */
  g_assert_cmpuint (ingest_one (store, make_observation ("acme", now - DAY, 5000, 9, VIGIL_UNKNOWN)), ==, 1);
  rows = vigil_store_list_triggers (store, now, &error);
  g_assert_no_error (error);
  first_id = ((VigilTriggerRow *) rows->pdata[0])->id;
  g_assert_true (vigil_store_set_trigger_state (store, first_id, "done", NULL, &error));
  g_assert_no_error (error);

  /* It clears and holds again a day later, as healthy: quiet. */
  ingest_one (store, make_observation ("acme", now + 3600, 5000, 5, VIGIL_UNKNOWN));
  g_assert_cmpuint (ingest_one (store, make_observation ("acme", now + DAY, 5000, 9, VIGIL_UNKNOWN)), ==, 0);
  g_assert_cmpuint (count_open (store, "acme", "seat-expansion", now + DAY), ==, 0);
  /* Still quiet on the 29th day. */
  g_assert_cmpuint (ingest_one (store, make_observation ("acme", now + 29 * DAY, 5000, 9, VIGIL_UNKNOWN)), ==, 0);
  g_assert_cmpuint (count_open (store, "acme", "seat-expansion", now + 29 * DAY), ==, 0);

  /* At risk (70), worse than when it was marked done: it opens. */
  g_assert_cmpuint (ingest_one (store, make_observation ("acme", now + 29 * DAY + 3600, 3500, 9,
                                                         VIGIL_UNKNOWN)), ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = vigil_store_list_triggers (store, now + 29 * DAY, &error);
  g_assert_cmpuint (rows->len, ==, 1);
  second_id = ((VigilTriggerRow *) rows->pdata[0])->id;
  g_assert_cmpint (second_id, !=, first_id);

  /* That one done (at risk then), cleared, and holding again at risk
   * within the month: quiet; after 30 days it opens. */
  g_assert_true (vigil_store_set_trigger_state (store, second_id, "done", NULL, &error));
  ingest_one (store, make_observation ("acme", now + 29 * DAY + 7200, 3500, 5, VIGIL_UNKNOWN));
  g_assert_cmpuint (ingest_one (store, make_observation ("acme", now + 30 * DAY - 3600, 3500, 9,
                                                         VIGIL_UNKNOWN)), ==, 0);
  g_assert_cmpuint (count_open (store, "acme", "seat-expansion", now + 30 * DAY), ==, 0);
  g_assert_cmpuint (ingest_one (store, make_observation ("acme", now + 31 * DAY, 3500, 9, VIGIL_UNKNOWN)), ==, 1);
  g_assert_cmpuint (count_open (store, "acme", "seat-expansion", now + 31 * DAY), ==, 1);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static VigilInboxStake
stake (gint64 id,
       double mrr,
       double risk,
       gint32 renewal_day)
{
  return (VigilInboxStake) { id, mrr, risk, renewal_day };
}

/* design 5: the inbox puts the most MRR at stake (MRR × churn risk)
 * first, a sooner renewal first on a tie, unknowns last. */
static void
test_inbox_rank (void)
{
  /* The ids run against the expected order, so that no tie is broken
   * by the fallback. */
  VigilInboxStake stakes[] = {
    stake (10, 1000, 0.1, 300),              /* 100, renews after 40 */
    stake (20, 200, 0.9, 100),               /* 180 */
    stake (30, NAN, 0.9, 10),                /* unknown MRR */
    stake (40, 500, 0.2, 100),               /* 100 */
    stake (50, 500, NAN, 5),                 /* unknown risk, renews before 30 */
    stake (5, 400, 0.25, VIGIL_UNKNOWN_DAY), /* 100, renewal unknown */
    stake (70, 100000, 0, 1),                /* 0: known, and small */
  };
  const gint64 expected[] = { 20, 40, 10, 5, 70, 50, 30 };
  g_autoptr(GPtrArray) triggers = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_trigger_row_free);
  g_autoptr(GPtrArray) entries = NULL;

  g_assert_cmpfloat (vigil_inbox_stake_get_value (&stakes[0]), ==, 100);
  g_assert_true (isnan (vigil_inbox_stake_get_value (&stakes[2])));
  g_assert_true (isnan (vigil_inbox_stake_get_value (&stakes[4])));

  /* Two triggers of each customer, listed as the store lists them. */
  for (int round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (stakes); i++)
      {
        VigilTriggerRow *row = g_new0 (VigilTriggerRow, 1);

        row->id = 100 * round + (gint64) i;
        row->customer_id = stakes[i].customer_id;
        row->rule = g_strdup (round == 0 ? "gone-silent" : "seat-expansion");
        row->kind = g_strdup (round == 0 ? "risk" : "upsell");
        row->state = g_strdup ("new");
        g_ptr_array_add (triggers, row);
      }

  entries = vigil_inbox_group (triggers);
  g_assert_cmpuint (entries->len, ==, G_N_ELEMENTS (stakes));
  for (guint i = 0; i < entries->len; i++)
    {
      VigilInboxEntry *entry = entries->pdata[i];

      g_assert_cmpint (entry->stake.customer_id, ==, stakes[i].customer_id);
      g_assert_true (isnan (entry->stake.mrr) && isnan (entry->stake.churn_risk));
      g_assert_cmpuint (entry->triggers->len, ==, 2);
      g_assert_cmpstr (((VigilTriggerRow *) entry->triggers->pdata[0])->rule, ==, "gone-silent");
      g_assert_cmpstr (((VigilTriggerRow *) entry->triggers->pdata[1])->rule, ==, "seat-expansion");
      entry->stake = stakes[i];
    }
  vigil_inbox_sort (entries);
  for (guint i = 0; i < entries->len; i++)
    g_assert_cmpint (((VigilInboxEntry *) entries->pdata[i])->stake.customer_id, ==, expected[i]);

  /* The comparator is antisymmetric and each stake ties with itself. */
  for (guint i = 0; i < G_N_ELEMENTS (stakes); i++)
    {
      g_assert_cmpint (vigil_inbox_rank (&stakes[i], &stakes[i]), ==, 0);
      for (guint j = 0; j < G_N_ELEMENTS (stakes); j++)
        if (i != j)
          g_assert_cmpint (vigil_inbox_rank (&stakes[i], &stakes[j]), ==, -vigil_inbox_rank (&stakes[j], &stakes[i]));
    }
}

static void
add_trigger (GPtrArray  *triggers,
             gint64      customer_id,
             const char *kind,
             const char *state)
{
  VigilTriggerRow *row = g_new0 (VigilTriggerRow, 1);

  row->id = triggers->len + 1;
  row->customer_id = customer_id;
  row->kind = g_strdup (kind);
  row->state = g_strdup (state);
  row->rule = g_strdup (g_str_equal (kind, "risk") ? "health-drop" : "advocate");
  g_ptr_array_add (triggers, row);
}

/* design 5: the badge counts customers with a new risk trigger: two
 * risks on one customer count once, acknowledged risks and upsells do
 * not count. */
static void
test_inbox_decisions (void)
{
  g_autoptr(GPtrArray) triggers = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_trigger_row_free);

  g_assert_cmpuint (vigil_inbox_count_decisions (triggers), ==, 0);
  add_trigger (triggers, 1, "risk", "new");
  add_trigger (triggers, 1, "risk", "new");
  add_trigger (triggers, 1, "upsell", "new");
  add_trigger (triggers, 2, "risk", "acknowledged");
  add_trigger (triggers, 3, "upsell", "new");
  add_trigger (triggers, 4, "risk", "acknowledged");
  add_trigger (triggers, 4, "risk", "new");
  g_assert_cmpuint (triggers->len, ==, 7);
  g_assert_cmpuint (vigil_inbox_count_decisions (triggers), ==, 2);
  g_assert_true (vigil_trigger_row_needs_decision (triggers->pdata[0]));
  g_assert_false (vigil_trigger_row_needs_decision (triggers->pdata[2]));
  g_assert_false (vigil_trigger_row_needs_decision (triggers->pdata[3]));
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
  path = vigil_test_book_location (&dir, "vigil.db");
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
  g_test_add_func ("/core/triggers/sync-many", test_triggers_sync_many);
  g_test_add_func ("/core/triggers/advocate-nps", test_triggers_advocate_nps);
  g_test_add_func ("/core/triggers/advocate-new-answer", test_triggers_advocate_new_answer);
  g_test_add_func ("/core/triggers/health-drop-holds", test_triggers_health_drop_holds);
  g_test_add_func ("/core/triggers/health-drop-two-observations", test_triggers_health_drop_two_observations);
  g_test_add_func ("/core/triggers/done-quiet", test_triggers_done_quiet);
  g_test_add_func ("/core/triggers/index-open-rules", test_triggers_index_open_rules);
  g_test_add_func ("/core/inbox/rank", test_inbox_rank);
  g_test_add_func ("/core/inbox/decisions", test_inbox_decisions);
  g_test_add_func ("/core/triggers/renewal-recorded", test_triggers_renewal_recorded);
  g_test_add_func ("/core/triggers/no-touch-rule", test_triggers_no_touch_rule);
  g_test_add_func ("/core/triggers/no-touch-store", test_triggers_no_touch_store);

  return g_test_run ();
}
