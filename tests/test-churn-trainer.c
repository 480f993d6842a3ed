/* test-churn-trainer.c: refitting on recorded outcomes, without leakage
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

static void
add (VigilIngest *ingest,
     const char  *id,
     gint64       observed_at,
     gint64       calls)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
  g_autoptr(GError) error = NULL;

  /* Only volume is known: health = calls / 50. */
  s->customer_id = g_strdup (id);
  s->observed_at = observed_at;
  s->api_calls_7d = calls;
  g_assert_true (vigil_ingest_add (ingest, s, &error));
  g_assert_no_error (error);
}

/* Churned customers look healthy before their outcome and collapse
 * after it; renewed ones the other way round. A model that peeked past
 * the outcome date would learn the opposite of what the data before it
 * says. */
static void
test_churn_trainer_refit (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(GArray) features = NULL;
  g_autoptr(GArray) labels = NULL;
  g_autoptr(VigilChurnModel) model = NULL;
  gint32 outcome_day = vigil_time_get_day (T0);
  VigilChurnStatus status;
  double intercept, coefficients[VIGIL_CHURN_N_FEATURES];

  test_dir_init (&dir);
  path = test_dir_file (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  ingest = vigil_ingest_begin (store, "crm", T0, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 40; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%02d", i);
      gboolean churned = i % 2 == 0;
      gint64 before = churned ? 4000 + 25 * i : 1000 + 25 * i;
      gint64 after = churned ? 100 : 5000;

      for (int d = 35; d >= 1; d -= 2)
        add (ingest, id, T0 - d * DAY, before);
      add (ingest, id, T0 + DAY, after);
    }
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

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
   * default on held-out outcomes, and is put in use. */
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

  g_clear_object (&store);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/churn/trainer/refit", test_churn_trainer_refit);

  return g_test_run ();
}
