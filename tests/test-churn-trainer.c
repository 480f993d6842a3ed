/* test-churn-trainer.c: refitting on recorded outcomes, without leakage;
 * recording an outcome whatever the model does; a customer's risk
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-test-book.h"
#include "vigil-test-util.h"
#include "vigil-test-churn.h"

#define T0 TEST_CHURN_T0
#define DAY TEST_CHURN_DAY
#define NOISY_DAYS 56

/* The history of vigil-test-churn.h: perfectly separated by health,
 * against the default model's signs. */
static void
test_churn_trainer_refit (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GArray) features = NULL;
  g_autoptr(GArray) labels = NULL;
  g_autoptr(VigilChurnModel) model = NULL;
  gint32 outcome_day = vigil_time_get_day (T0);
  VigilChurnStatus status;
  double intercept, coefficients[VIGIL_CHURN_N_FEATURES];

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  test_churn_separated_history (store, 40);

  /* Too few outcomes: the default stays. */
  for (int i = 0; i < 10; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%02d", i);
      gint64 customer = vigil_store_find_customer (store, id, NULL, &error);

      g_assert_true (vigil_store_record_outcome (store, customer, i % 2 == 0 ? "churned" : "renewed",
                                                 outcome_day, &error));
    }
  g_assert_true (vigil_churn_trainer_refit (store, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status.n_outcomes, ==, 10);
  g_assert_false (status.refit_in_use);
  g_assert_true (isnan (status.auc));

  for (int i = 10; i < 40; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%02d", i);
      gint64 customer = vigil_store_find_customer (store, id, NULL, &error);

      g_assert_true (vigil_store_record_outcome (store, customer, i % 2 == 0 ? "churned" : "renewed",
                                                 outcome_day, &error));
    }

  /* The samples are the features before the outcome day. */
  g_assert_true (vigil_store_get_outcome_samples (store, &features, &labels, &error));
  g_assert_cmpuint (labels->len, ==, 40);
  g_assert_cmpint (g_array_index (labels, int, 0), ==, 1);
  g_assert_cmpfloat_with_epsilon (g_array_index (features, double, VIGIL_CHURN_FEATURE_HEALTH), 80, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_array_index (features, double, VIGIL_CHURN_FEATURE_TREND_14D), 0, 1e-9);

  /* The refit learns what the data before the outcomes says, beats the
   * default on held-out outcomes, and is put in use: the outcomes are
   * perfectly separated, and the default penalty keeps the fit finite. */
  g_assert_true (vigil_churn_trainer_refit (store, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status.n_outcomes, ==, 40);
  g_assert_true (status.refit_in_use);
  g_assert_cmpfloat (status.auc, >, 0.9);
  g_assert_cmpfloat (status.default_auc, <, 0.5);

  model = vigil_churn_trainer_load_model (store, &status, &error);
  g_assert_no_error (error);
  g_assert_false (vigil_churn_model_is_default (model));
  vigil_churn_model_get_coefficients (model, &intercept, coefficients);
  g_assert_cmpfloat (coefficients[VIGIL_CHURN_FEATURE_HEALTH], >, 0);
  g_assert_true (isfinite (intercept));
  for (guint j = 0; j < VIGIL_CHURN_N_FEATURES; j++)
    g_assert_true (isfinite (coefficients[j]));

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
record (VigilStore *store,
        const char *id,
        const char *outcome)
{
  g_autoptr(GError) error = NULL;
  gint64 customer = vigil_store_find_customer (store, id, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (vigil_store_record_outcome (store, customer, outcome, vigil_time_get_day (T0), &error));
  g_assert_no_error (error);
}

/* A book as CSMs keep one: 30 customers who renewed although their use
 * dipped for a week or two now and then, and 30 who churned after a
 * faint decline, all with day-to-day noise. Every outcome is recorded as
 * `vigil outcome` and the window record it, and none of them meets a
 * refit that fails. (With the old stopping rule, the fit spun on
 * rounding near a separating direction and the 60th outcome's refit
 * failed: "the fit did not converge".) */
static void
test_churn_trainer_noisy_history (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  VigilChurnStatus status = { 0 };

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  ingest = vigil_ingest_begin (store, "crm", T0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *id = g_strdup_printf ("n%02u", i);
      gboolean churner = i % 2 == 1;
      double base = g_rand_double_range (rand, 2000, 4500);
      double decline = churner ? g_rand_double_range (rand, 0.05, 0.25) : 0;
      int dip_start = g_rand_int_range (rand, 0, NOISY_DAYS - 14);
      int dip_length = churner ? 0 : g_rand_int_range (rand, 5, 14);

      for (int d = NOISY_DAYS; d >= 1; d--)
        {
          double progress = (double) (NOISY_DAYS - d) / NOISY_DAYS;
          double calls = base * (1 - decline * progress) + g_rand_double_range (rand, -400, 400);
          int day = NOISY_DAYS - d;

          if (day >= dip_start && day < dip_start + dip_length)
            calls *= 0.5;
          test_churn_add (ingest, id, T0 - d * DAY, (gint64) MAX (calls, 0));
        }
    }
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *id = g_strdup_printf ("n%02u", i);
      g_autoptr(GError) refit_error = NULL;
      gint64 customer = vigil_store_find_customer (store, id, NULL, &error);

      g_assert_true (vigil_churn_trainer_record_outcome (store, customer, i % 2 == 1 ? "churned" : "renewed",
                                                         vigil_time_get_day (T0), &status, &refit_error,
                                                         &error));
      g_assert_no_error (error);
      if (refit_error != NULL)
        g_test_message ("outcome %u: %s", i + 1, refit_error->message);
      g_assert_no_error (refit_error);
    }

  g_assert_cmpuint (status.n_outcomes, ==, 60);
  g_test_message ("held-out AUC %.3f, default %.3f, refit in use: %d", status.auc, status.default_auc,
                  status.refit_in_use);
  g_assert_true (isfinite (status.auc));
  g_assert_true (isfinite (status.default_auc));

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Thirty outcomes, one of them a churn: no fold of the cross-validation
 * could hold a churner in both its training set and its held-out part.
 * That is not a failure but too little to learn from: the default model
 * stays, and the refit says so without an error. */
static void
test_churn_trainer_one_of_a_kind (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  VigilChurnStatus status;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  test_churn_separated_history (store, 40);

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%02u", i);

      record (store, id, i == 0 ? "churned" : "renewed");
    }
  g_assert_true (vigil_churn_trainer_refit (store, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status.n_outcomes, ==, 30);
  g_assert_false (status.refit_in_use);
  g_assert_true (isnan (status.auc));

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* A refit that fails half-way (its model cannot be written) leaves the
 * previous model in use, its status too, and the outcome stored. */
static void
test_churn_trainer_refit_fails (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refit_error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilChurnModel) before = NULL;
  g_autoptr(VigilChurnModel) after = NULL;
  g_autoptr(GPtrArray) outcomes = NULL;
  g_autofree char *before_json = NULL;
  g_autofree char *after_json = NULL;
  VigilChurnStatus status;
  gint64 customer;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  test_churn_separated_history (store, 42);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%02u", i);

      record (store, id, i % 2 == 0 ? "churned" : "renewed");
    }
  g_assert_true (vigil_churn_trainer_refit (store, &status, &error));
  g_assert_no_error (error);
  g_assert_true (status.refit_in_use);
  before = vigil_churn_trainer_load_model (store, NULL, &error);
  g_assert_no_error (error);
  before_json = vigil_churn_model_to_json (before);

  /* The status is written first, the model second: the second fails. */
  test_churn_refuse_meta (path, "churn_model");
  customer = vigil_store_find_customer (store, "c40", NULL, &error);
  g_assert_true (vigil_churn_trainer_record_outcome (store, customer, "churned", vigil_time_get_day (T0),
                                                     &status, &refit_error, &error));
  g_assert_no_error (error);
  g_assert_error (refit_error, VIGIL_ERROR, VIGIL_ERROR_DATABASE);
  g_assert_nonnull (strstr (refit_error->message, "writing churn_model failed"));
  /* What the call reports is the model in use: the previous one. */
  g_assert_true (status.refit_in_use);
  g_assert_cmpuint (status.n_outcomes, ==, 40);

  /* The outcome is stored; the model and its status are as they were. */
  outcomes = vigil_store_list_outcomes (store, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outcomes->len, ==, 1);
  after = vigil_churn_trainer_load_model (store, &status, &error);
  g_assert_no_error (error);
  after_json = vigil_churn_model_to_json (after);
  g_assert_cmpstr (after_json, ==, before_json);
  g_assert_true (status.refit_in_use);
  g_assert_cmpuint (status.n_outcomes, ==, 40);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static VigilPortfolioRow *
make_row (double health)
{
  VigilPortfolioRow *row = g_new0 (VigilPortfolioRow, 1);

  row->latest = vigil_snapshot_new ();
  row->latest->customer_id = g_strdup ("x");
  row->latest->observed_at = T0;
  row->latest->last_active = T0 - 10 * DAY;
  row->latest->open_tickets = 4;
  row->score.health = health;
  row->trends[VIGIL_TREND_7D] = row->trends[VIGIL_TREND_14D] = row->trends[VIGIL_TREND_28D] = NAN;
  row->peak_14d = health;
  row->seat_use_28d_ago = NAN;
  return row;
}

/* No health score, no churn risk: not a risk made of reference values. */
static void
test_churn_risk_of (void)
{
  g_autoptr(VigilChurnModel) model = vigil_churn_model_new_default ();
  g_autoptr(VigilPortfolioRow) scored = make_row (40);
  g_autoptr(VigilPortfolioRow) unscored = make_row (NAN);
  double features[VIGIL_CHURN_N_FEATURES];
  g_auto(GStrv) factors = NULL;
  char **none = (char **) 1;
  double risk;

  risk = vigil_churn_risk_of (model, scored, &factors);
  vigil_portfolio_row_get_churn_features (scored, features);
  g_assert_cmpfloat (risk, ==, vigil_churn_model_predict (model, features));
  g_assert_nonnull (factors);
  g_assert_cmpuint (g_strv_length (factors), ==, VIGIL_CHURN_RISK_N_FACTORS);
  g_assert_cmpstr (factors[0], ==, "Health is low (40)");

  g_assert_true (isnan (vigil_churn_risk_of (model, unscored, &none)));
  g_assert_null (none);
  g_assert_true (isnan (vigil_churn_risk_of (model, unscored, NULL)));
}

static int
compare_highest_first (gconstpointer a,
                       gconstpointer b)
{
  return vigil_churn_risk_compare (*(const double *) a, *(const double *) b, TRUE);
}

static int
compare_lowest_first (gconstpointer a,
                      gconstpointer b)
{
  return vigil_churn_risk_compare (*(const double *) a, *(const double *) b, FALSE);
}

/* Unknown risks come last whichever way the known ones go. */
static void
test_churn_risk_compare (void)
{
  double risks[] = { 0.2, NAN, 0.9, 0.5, NAN, 0.5 };
  const double highest[] = { 0.9, 0.5, 0.5, 0.2 };
  const double lowest[] = { 0.2, 0.5, 0.5, 0.9 };

  qsort (risks, G_N_ELEMENTS (risks), sizeof (double), compare_highest_first);
  for (guint i = 0; i < G_N_ELEMENTS (highest); i++)
    g_assert_cmpfloat (risks[i], ==, highest[i]);
  g_assert_true (isnan (risks[4]) && isnan (risks[5]));

  qsort (risks, G_N_ELEMENTS (risks), sizeof (double), compare_lowest_first);
  for (guint i = 0; i < G_N_ELEMENTS (lowest); i++)
    g_assert_cmpfloat (risks[i], ==, lowest[i]);
  g_assert_true (isnan (risks[4]) && isnan (risks[5]));

  g_assert_cmpint (vigil_churn_risk_compare (NAN, NAN, TRUE), ==, 0);
  g_assert_cmpint (vigil_churn_risk_compare (0.3, 0.3, FALSE), ==, 0);
  g_assert_cmpint (vigil_churn_risk_compare (NAN, 0.0, TRUE), >, 0);
  g_assert_cmpint (vigil_churn_risk_compare (NAN, 0.0, FALSE), >, 0);
  g_assert_cmpint (vigil_churn_risk_compare (1.0, NAN, TRUE), <, 0);
  g_assert_cmpint (vigil_churn_risk_compare (1.0, NAN, FALSE), <, 0);
}

typedef struct
{
  const char *name;
  double      stake;
  gint32      renewal;
} Stake;

static int
compare_most_first (gconstpointer a,
                    gconstpointer b)
{
  const Stake *x = a, *y = b;

  return vigil_churn_at_stake_compare (x->stake, x->renewal, y->stake, y->renewal, TRUE);
}

static int
compare_least_first (gconstpointer a,
                     gconstpointer b)
{
  const Stake *x = a, *y = b;

  return vigil_churn_at_stake_compare (x->stake, x->renewal, y->stake, y->renewal, FALSE);
}

static char *
stake_order (Stake *stakes,
             guint  n)
{
  GString *order = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (order, stakes[i].name);
  return g_string_free (order, FALSE);
}

/* design 3.2: risk × MRR at stake, the most first; unknown (an unknown
 * risk or MRR) last whichever the order; equal stakes by the sooner
 * renewal, an unknown renewal last. */
static void
test_churn_at_stake (void)
{
  Stake stakes[] = {
    { "A", vigil_churn_at_stake (0.5, 1000), 100 },
    { "B", vigil_churn_at_stake (0.25, 2000), 50 },
    { "C", vigil_churn_at_stake (0.9, 100), 10 },
    { "D", vigil_churn_at_stake (0.1, 10000), 400 },
    { "E", vigil_churn_at_stake (NAN, 5000), VIGIL_UNKNOWN_DAY },
    { "F", vigil_churn_at_stake (0.8, NAN), 10 },
    { "G", vigil_churn_at_stake (0.5, 1000), VIGIL_UNKNOWN_DAY },
  };
  g_autofree char *most = NULL;
  g_autofree char *least = NULL;

  g_assert_cmpfloat (stakes[0].stake, ==, 500);
  g_assert_cmpfloat (stakes[1].stake, ==, 500);
  g_assert_true (isnan (stakes[4].stake));
  g_assert_true (isnan (stakes[5].stake));

  qsort (stakes, G_N_ELEMENTS (stakes), sizeof (Stake), compare_most_first);
  most = stake_order (stakes, G_N_ELEMENTS (stakes));
  g_assert_cmpstr (most, ==, "DBAGCFE");

  qsort (stakes, G_N_ELEMENTS (stakes), sizeof (Stake), compare_least_first);
  least = stake_order (stakes, G_N_ELEMENTS (stakes));
  g_assert_cmpstr (least, ==, "CBAGDFE");

  g_assert_cmpint (vigil_churn_at_stake_compare (NAN, VIGIL_UNKNOWN_DAY, NAN, VIGIL_UNKNOWN_DAY, TRUE), ==, 0);
  g_assert_cmpint (vigil_churn_at_stake_compare (1, 5, 1, 5, TRUE), ==, 0);
  g_assert_cmpint (vigil_churn_at_stake_compare (0, VIGIL_UNKNOWN_DAY, NAN, 1, TRUE), <, 0);
  g_assert_cmpint (vigil_churn_at_stake_compare (0, VIGIL_UNKNOWN_DAY, NAN, 1, FALSE), <, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/churn/trainer/refit", test_churn_trainer_refit);
  g_test_add_func ("/core/churn/trainer/noisy-history", test_churn_trainer_noisy_history);
  g_test_add_func ("/core/churn/trainer/one-of-a-kind", test_churn_trainer_one_of_a_kind);
  g_test_add_func ("/core/churn/trainer/refit-fails", test_churn_trainer_refit_fails);
  g_test_add_func ("/core/churn/risk/of", test_churn_risk_of);
  g_test_add_func ("/core/churn/risk/compare", test_churn_risk_compare);
  g_test_add_func ("/core/churn/at-stake", test_churn_at_stake);

  return g_test_run ();
}
