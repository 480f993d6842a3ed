/* test-churn-model.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "vigil-churn-model.h"
#include "vigil-error.h"

#define N VIGIL_CHURN_N_FEATURES

/* The direction each feature moves the default risk: +1 raises it as
 * the feature grows, -1 lowers it (design 3.2, vigil-churn-model.c). */
static const int default_direction[N] = { -1, -1, -1, +1, -1, -1, +1 };

/* Ranges the monotonicity test sweeps, inside each feature's range. */
static const double sweep_min[N] = { 0, -60, -60, 0, -60, 0, 0 };
static const double sweep_max[N] = { 100, 60, 60, 90, 60, 365, 20 };

/* A known logistic model on the raw scale for the synthetic data. */
typedef struct
{
  double intercept;
  double coefficients[N];
} Truth;

/* Moderate effects: standardised coefficients between 0.2 and 1. */
static const Truth moderate_truth = {
  0.2, { -0.04, -0.05, -0.02, 0.06, -0.03, -0.004, 0.2 }
};

/* A strong signal, with the default model's signs. */
static const Truth strong_truth = {
  4.0, { -0.1, -0.1, -0.03, 0.1, -0.05, -0.006, 0.3 }
};

static double
logit (double p)
{
  return log (p / (1 - p));
}

static double
sigmoid (double eta)
{
  return 1 / (1 + exp (-eta));
}

static double
normal (GRand  *rand,
        double  mean,
        double  stddev)
{
  /* Box-Muller; 1 - u keeps the logarithm finite. */
  double u = 1.0 - g_rand_double (rand);
  double v = g_rand_double (rand);

  return mean + stddev * sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

/* @n customers spread over each feature's range (never clamped), with
 * outcomes drawn from @truth. */
static void
generate (GRand       *rand,
          const Truth *truth,
          guint        n,
          double      *features,
          int         *labels)
{
  for (guint i = 0; i < n; i++)
    {
      double *x = &features[(gsize) i * N];
      double eta = truth->intercept;

      x[VIGIL_CHURN_FEATURE_HEALTH] = g_rand_double_range (rand, 20, 100);
      x[VIGIL_CHURN_FEATURE_TREND_14D] = CLAMP (normal (rand, 0, 8), -100, 100);
      x[VIGIL_CHURN_FEATURE_TREND_28D] = CLAMP (normal (rand, 0, 12), -100, 100);
      x[VIGIL_CHURN_FEATURE_DAYS_SILENT] = g_rand_double_range (rand, 0, 30);
      x[VIGIL_CHURN_FEATURE_SEAT_TREND] = CLAMP (normal (rand, 0, 10), -100, 100);
      x[VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL] = g_rand_double_range (rand, 0, 365);
      x[VIGIL_CHURN_FEATURE_OPEN_TICKETS] = g_rand_int_range (rand, 0, 8);

      for (guint j = 0; j < N; j++)
        eta += truth->coefficients[j] * x[j];
      labels[i] = g_rand_double (rand) < sigmoid (eta);
    }
}

/* Population standard deviation of each column. */
static void
column_stddevs (const double *features,
                guint         n,
                double        out[N])
{
  for (guint j = 0; j < N; j++)
    {
      double sum = 0;
      double squares = 0;

      for (guint i = 0; i < n; i++)
        sum += features[(gsize) i * N + j];
      for (guint i = 0; i < n; i++)
        {
          double d = features[(gsize) i * N + j] - sum / n;

          squares += d * d;
        }
      out[j] = sqrt (squares / n);
    }
}

static void
test_churn_default_examples (void)
{
  g_autoptr(VigilChurnModel) model = vigil_churn_model_new_default ();
  const double healthy[N] = { 90, 0, 0, 1, 0, 180, 1 };
  const double falling[N] = { 40, -20, -25, 10, 0, 180, 2 };
  double healthy_risk = vigil_churn_model_predict (model, healthy);
  double falling_risk = vigil_churn_model_predict (model, falling);

  g_test_message ("healthy %.3f, falling %.3f", healthy_risk, falling_risk);

  g_assert_true (vigil_churn_model_is_default (model));
  g_assert_cmpuint (vigil_churn_model_get_n_samples (model), ==, 0);

  /* Health 90 and steady: about 5 %. */
  g_assert_cmpfloat (healthy_risk, >=, 0.03);
  g_assert_cmpfloat (healthy_risk, <=, 0.07);
  /* Health 40, 20 points down in 2 weeks, silent 10 days: 70-85 %. */
  g_assert_cmpfloat (falling_risk, >=, 0.70);
  g_assert_cmpfloat (falling_risk, <=, 0.85);
  /* The documented arithmetic. */
  g_assert_cmpfloat_with_epsilon (logit (healthy_risk), -2.95, 1e-9);
  g_assert_cmpfloat_with_epsilon (logit (falling_risk), 1.325, 1e-9);
}

static void
test_churn_default_monotonic (void)
{
  g_autoptr(VigilChurnModel) model = vigil_churn_model_new_default ();
  const double bases[][N] = {
    { 60, -5, -5, 5, 0, 120, 2 },
    { 95, 3, 5, 0, 5, 300, 0 },
    { 20, -30, -40, 40, -30, 10, 12 },
  };

  for (guint b = 0; b < G_N_ELEMENTS (bases); b++)
    for (guint j = 0; j < N; j++)
      {
        double x[N];
        double previous = NAN;

        memcpy (x, bases[b], sizeof x);
        for (guint step = 0; step <= 20; step++)
          {
            double risk;

            x[j] = sweep_min[j] + (sweep_max[j] - sweep_min[j]) * step / 20.0;
            risk = vigil_churn_model_predict (model, x);
            if (step > 0)
              {
                if (default_direction[j] > 0)
                  g_assert_cmpfloat (risk, >, previous);
                else
                  g_assert_cmpfloat (risk, <, previous);
              }
            previous = risk;
          }
      }
}

static void
test_churn_default_range (void)
{
  g_autoptr(VigilChurnModel) model = vigil_churn_model_new_default ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const double worst[N] = { 0, -100, -100, 1e9, -100, -50, 1e9 };
  const double best[N] = { 100, 100, 100, 0, 100, 1e9, 0 };
  const double wild[N] = { -1e300, INFINITY, -INFINITY, NAN, 1e300, -1e300, -5 };
  double risk;

  for (guint i = 0; i < 10000; i++)
    {
      double x[N];

      for (guint j = 0; j < N; j++)
        x[j] = g_rand_double_range (rand, -500, 500);
      risk = vigil_churn_model_predict (model, x);
      g_assert_true (isfinite (risk));
      g_assert_cmpfloat (risk, >=, 0);
      g_assert_cmpfloat (risk, <=, 1);
    }

  /* Out-of-range values count as the nearest end of the range. */
  risk = vigil_churn_model_predict (model, worst);
  g_assert_cmpfloat (risk, >, 0.99);
  g_assert_cmpfloat (risk, <=, 1);
  risk = vigil_churn_model_predict (model, best);
  g_assert_cmpfloat (risk, <, 0.01);
  g_assert_cmpfloat (risk, >=, 0);
  risk = vigil_churn_model_predict (model, wild);
  g_assert_true (isfinite (risk));
}

static void
test_churn_default_renewal (void)
{
  g_autoptr(VigilChurnModel) model = vigil_churn_model_new_default ();
  double middling[N] = { 55, -5, -5, 5, 0, 200, 3 };
  double healthy[N] = { 90, 0, 0, 1, 0, 200, 1 };
  double middling_far, middling_near, healthy_far, healthy_near;

  middling_far = vigil_churn_model_predict (model, middling);
  healthy_far = vigil_churn_model_predict (model, healthy);
  middling[VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL] = 20;
  healthy[VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL] = 20;
  middling_near = vigil_churn_model_predict (model, middling);
  healthy_near = vigil_churn_model_predict (model, healthy);

  g_test_message ("middling %.3f → %.3f, healthy %.3f → %.3f",
                  middling_far, middling_near, healthy_far, healthy_near);

  /* A customer who is not healthy becomes a likely churn near renewal... */
  g_assert_cmpfloat (middling_near - middling_far, >, 0.15);
  g_assert_cmpfloat (middling_near, >, 0.5);
  /* ...a healthy one stays unlikely. */
  g_assert_cmpfloat (healthy_near, <, 0.15);
  g_assert_cmpfloat (healthy_near - healthy_far, <, middling_near - middling_far);

  /* Beyond a year counts as a year; overdue counts as due. */
  middling[VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL] = 365;
  middling_far = vigil_churn_model_predict (model, middling);
  middling[VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL] = 900;
  g_assert_cmpfloat (vigil_churn_model_predict (model, middling), ==, middling_far);
  middling[VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL] = 0;
  middling_near = vigil_churn_model_predict (model, middling);
  middling[VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL] = -30;
  g_assert_cmpfloat (vigil_churn_model_predict (model, middling), ==, middling_near);
}

static void
test_churn_default_missing (void)
{
  g_autoptr(VigilChurnModel) model = vigil_churn_model_new_default ();
  double reference[N];
  double unknown[N];
  double x[N] = { 50, -10, -10, 7, -5, 60, 4 };
  double intercept;
  double coefficients[N];
  double eta;

  vigil_churn_model_get_reference (model, reference);
  vigil_churn_model_get_coefficients (model, &intercept, coefficients);

  /* All unknown is the reference customer. */
  for (guint j = 0; j < N; j++)
    unknown[j] = NAN;
  g_assert_cmpfloat (vigil_churn_model_predict (model, unknown), ==,
                     vigil_churn_model_predict (model, reference));
  eta = intercept;
  for (guint j = 0; j < N; j++)
    eta += coefficients[j] * reference[j];
  g_assert_cmpfloat_with_epsilon (logit (vigil_churn_model_predict (model, reference)),
                                  eta, 1e-9);
  g_assert_cmpfloat_with_epsilon (eta, -1.70, 1e-9);

  /* One unknown feature at a time is its reference value. */
  for (guint j = 0; j < N; j++)
    {
      double with_nan[N];
      double with_reference[N];

      memcpy (with_nan, x, sizeof x);
      memcpy (with_reference, x, sizeof x);
      with_nan[j] = NAN;
      with_reference[j] = reference[j];
      g_assert_cmpfloat (vigil_churn_model_predict (model, with_nan), ==,
                         vigil_churn_model_predict (model, with_reference));
    }
}

static void
test_churn_names (void)
{
  static const char * const names[N] = {
    "health", "trend_14d", "trend_28d", "days_silent", "seat_trend_28d",
    "days_to_renewal", "open_tickets",
  };

  for (guint j = 0; j < N; j++)
    g_assert_cmpstr (vigil_churn_feature_get_name (j), ==, names[j]);
}

static void
test_churn_describe (void)
{
  static const struct
  {
    VigilChurnFeature feature;
    double            value;
    double            contribution;
    const char       *expected;
  } cases[] = {
    { VIGIL_CHURN_FEATURE_HEALTH, 42, 1.4, "Health is low (42)" },
    { VIGIL_CHURN_FEATURE_HEALTH, 91.6, -1.1, "Health is good (92)" },
    { VIGIL_CHURN_FEATURE_HEALTH, 70, 0, "Health is 70" },
    { VIGIL_CHURN_FEATURE_HEALTH, NAN, 0, "Health unknown" },
    { VIGIL_CHURN_FEATURE_TREND_14D, -18, 0.72, "Health fell 18 points in 2 weeks" },
    { VIGIL_CHURN_FEATURE_TREND_14D, -1, 0.04, "Health fell 1 point in 2 weeks" },
    { VIGIL_CHURN_FEATURE_TREND_14D, 6.2, -0.2, "Health rose 6 points in 2 weeks" },
    { VIGIL_CHURN_FEATURE_TREND_14D, 0.3, 0, "Health steady over 2 weeks" },
    { VIGIL_CHURN_FEATURE_TREND_28D, -25, 0.4, "Health fell 25 points in 4 weeks" },
    { VIGIL_CHURN_FEATURE_DAYS_SILENT, 6, 0.15, "Silent for 6 days" },
    { VIGIL_CHURN_FEATURE_DAYS_SILENT, 1, -0.1, "Silent for 1 day" },
    { VIGIL_CHURN_FEATURE_DAYS_SILENT, 0.2, -0.14, "Active today" },
    { VIGIL_CHURN_FEATURE_DAYS_SILENT, NAN, 0, "Last activity unknown" },
    { VIGIL_CHURN_FEATURE_SEAT_TREND, -12, 0.24, "Seat use fell 12 points in 4 weeks" },
    { VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL, 21, 0.8, "Renewal in 21 days" },
    { VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL, 1, 0.9, "Renewal in 1 day" },
    { VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL, 0, 0.9, "Renewal due today" },
    { VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL, -3, 0.9, "Renewal overdue by 3 days" },
    { VIGIL_CHURN_FEATURE_OPEN_TICKETS, 5, 0.45, "5 open tickets" },
    { VIGIL_CHURN_FEATURE_OPEN_TICKETS, 1, -0.15, "1 open ticket" },
    { VIGIL_CHURN_FEATURE_OPEN_TICKETS, 0, -0.3, "No open tickets" },
    { VIGIL_CHURN_FEATURE_OPEN_TICKETS, 1e300, 2.7, "1000000 open tickets" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = vigil_churn_feature_describe (cases[i].feature, cases[i].value,
                                                            cases[i].contribution);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_churn_auc_simple (void)
{
  const double scores[] = { 0.1, 0.4, 0.35, 0.8 };
  const int labels[] = { 0, 0, 1, 1 };
  const int inverted[] = { 1, 1, 0, 0 };
  const double perfect[] = { 0.9, 0.1, 0.8, 0.2, 0.7 };
  const int perfect_labels[] = { 1, 0, 1, 0, 1 };
  const double with_nan[] = { 0.1, NAN, 0.4, 0.35, 0.8 };
  const int with_nan_labels[] = { 0, 1, 0, 1, 1 };

  g_assert_cmpfloat_with_epsilon (vigil_churn_auc (scores, labels, 4), 0.75, 1e-12);
  g_assert_cmpfloat_with_epsilon (vigil_churn_auc (scores, inverted, 4), 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (vigil_churn_auc (perfect, perfect_labels, 5), 1.0, 1e-12);
  /* A NAN score is left out. */
  g_assert_cmpfloat_with_epsilon (vigil_churn_auc (with_nan, with_nan_labels, 5), 0.75, 1e-12);
}

static void
test_churn_auc_ties (void)
{
  const double tied[] = { 0.5, 0.5, 0.5, 0.5, 0.5 };
  const int tied_labels[] = { 0, 1, 0, 1, 1 };
  /* Pairs (positive, negative): 0.6 vs 0.2 wins, 0.6 vs 0.6 ties,
   * 0.2 vs 0.2 ties, 0.2 vs 0.6 loses: (1 + 0.5 + 0.5 + 0) / 4. */
  const double some_tied[] = { 0.2, 0.6, 0.2, 0.6 };
  const int some_tied_labels[] = { 0, 0, 1, 1 };
  /* Labels other than 0 count as positive. */
  const int other_labels[] = { 0, 0, 7, -1 };

  g_assert_cmpfloat_with_epsilon (vigil_churn_auc (tied, tied_labels, 5), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (vigil_churn_auc (some_tied, some_tied_labels, 4), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (vigil_churn_auc (some_tied, other_labels, 4), 0.5, 1e-12);
}

static void
test_churn_auc_brute_force (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  double scores[300];
  int labels[300];
  double wins = 0;
  double pairs = 0;

  /* Coarse scores so that many tie. */
  for (guint i = 0; i < G_N_ELEMENTS (scores); i++)
    {
      scores[i] = g_rand_int_range (rand, 0, 20) / 20.0;
      labels[i] = g_rand_double (rand) < 0.2 + scores[i] * 0.5;
    }
  for (guint i = 0; i < G_N_ELEMENTS (scores); i++)
    for (guint k = 0; k < G_N_ELEMENTS (scores); k++)
      if (labels[i] && !labels[k])
        {
          pairs++;
          wins += scores[i] > scores[k] ? 1 : scores[i] == scores[k] ? 0.5 : 0;
        }

  g_assert_cmpfloat_with_epsilon (vigil_churn_auc (scores, labels, G_N_ELEMENTS (scores)),
                                  wins / pairs, 1e-12);
}

static void
test_churn_auc_one_class (void)
{
  const double scores[] = { 0.1, 0.2, 0.3 };
  const int zeros[] = { 0, 0, 0 };
  const int ones[] = { 1, 1, 1 };

  g_assert_true (isnan (vigil_churn_auc (scores, zeros, 3)));
  g_assert_true (isnan (vigil_churn_auc (scores, ones, 3)));
  g_assert_true (isnan (vigil_churn_auc (NULL, NULL, 0)));
}

static void
test_churn_fit_recovers (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260501);
  g_autoptr(VigilChurnModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *features = g_new (double, 5000 * N);
  g_autofree int *labels = g_new (int, 5000);
  double stddevs[N];
  double intercept;
  double coefficients[N];
  guint positives = 0;

  generate (rand, &moderate_truth, 5000, features, labels);
  column_stddevs (features, 5000, stddevs);
  for (guint i = 0; i < 5000; i++)
    positives += labels[i];
  g_test_message ("%u of 5000 churned", positives);

  g_test_timer_start ();
  model = vigil_churn_model_fit (features, labels, 5000, 1e-4, &error);
  g_test_message ("fit of 5000 samples: %.1f ms", g_test_timer_elapsed () * 1000);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_false (vigil_churn_model_is_default (model));
  g_assert_cmpuint (vigil_churn_model_get_n_samples (model), ==, 5000);

  vigil_churn_model_get_coefficients (model, &intercept, coefficients);
  for (guint j = 0; j < N; j++)
    {
      double truth = moderate_truth.coefficients[j] * stddevs[j];
      double fitted = coefficients[j] * stddevs[j];

      g_test_message ("%-16s standardised truth %+.3f, fitted %+.3f; raw truth %+.4f, fitted %+.4f",
                      vigil_churn_feature_get_name (j), truth, fitted,
                      moderate_truth.coefficients[j], coefficients[j]);
      g_assert_cmpfloat (fabs (fitted - truth), <, 0.15);
      /* And the sign, which a user reads from the factors. */
      g_assert_cmpint (fitted > 0, ==, truth > 0);
    }
  g_test_message ("intercept truth %+.3f, fitted %+.3f", moderate_truth.intercept, intercept);
  g_assert_cmpfloat (fabs (intercept - moderate_truth.intercept), <, 0.5);
}

static double
standardised_norm (VigilChurnModel *model,
                   const double     stddevs[N])
{
  double coefficients[N];
  double sum = 0;

  vigil_churn_model_get_coefficients (model, NULL, coefficients);
  for (guint j = 0; j < N; j++)
    sum += coefficients[j] * stddevs[j] * coefficients[j] * stddevs[j];

  return sqrt (sum);
}

static void
test_churn_fit_regularisation (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  g_autofree double *features = g_new (double, 600 * N);
  g_autofree int *labels = g_new (int, 600);
  /* The penalty weighs against the summed loss of the 600 samples: 6 is
   * a light touch, 6000 a heavy one. */
  const double lambdas[] = { 0, 6, 60, 600, 6000 };
  double stddevs[N];
  double previous_norm = INFINITY;
  double previous_coefficients[N];

  generate (rand, &moderate_truth, 600, features, labels);
  column_stddevs (features, 600, stddevs);

  for (guint l = 0; l < G_N_ELEMENTS (lambdas); l++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilChurnModel) model = vigil_churn_model_fit (features, labels, 600,
                                                                lambdas[l], &error);
      double coefficients[N];
      double norm;

      g_assert_no_error (error);
      norm = standardised_norm (model, stddevs);
      vigil_churn_model_get_coefficients (model, NULL, coefficients);
      g_test_message ("lambda %g: |β| = %.4f", lambdas[l], norm);

      g_assert_cmpfloat (norm, <, previous_norm);
      if (l > 0)
        for (guint j = 0; j < N; j++)
          if (fabs (previous_coefficients[j] * stddevs[j]) > 0.1)
            g_assert_cmpfloat (fabs (coefficients[j]), <, fabs (previous_coefficients[j]));

      previous_norm = norm;
      memcpy (previous_coefficients, coefficients, sizeof coefficients);
    }

  /* Heavy regularisation leaves little but the base rate. */
  g_assert_cmpfloat (previous_norm, <, 0.1);
}

static void
test_churn_fit_refusals (void)
{
  double features[20 * N];
  int labels[20];
  g_autoptr(VigilChurnModel) model = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 20; i++)
    {
      for (guint j = 0; j < N; j++)
        features[i * N + j] = (i * 7 + j * 3) % 11;
      labels[i] = 0;
    }

  /* One class. */
  model = vigil_churn_model_fit (features, labels, 20, 0.01, &error);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_null (model);
  g_clear_error (&error);

  for (guint i = 0; i < 20; i++)
    labels[i] = 1;
  model = vigil_churn_model_fit (features, labels, 20, 0.01, &error);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_null (model);
  g_clear_error (&error);

  /* Fewer than 10 samples. */
  for (guint i = 0; i < 20; i++)
    labels[i] = i % 2;
  model = vigil_churn_model_fit (features, labels, 9, 0.01, &error);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_null (model);
  g_clear_error (&error);

  /* A label other than 0 or 1. */
  labels[3] = 2;
  model = vigil_churn_model_fit (features, labels, 20, 0.01, &error);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_null (model);
  g_clear_error (&error);
  labels[3] = 1;

  /* A negative or NAN regularisation. */
  model = vigil_churn_model_fit (features, labels, 20, -1, &error);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_null (model);
  g_clear_error (&error);
  model = vigil_churn_model_fit (features, labels, 20, NAN, &error);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_null (model);
  g_clear_error (&error);

  /* Exactly 10, both classes: accepted. */
  model = vigil_churn_model_fit (features, labels, 10, 0.01, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
}

static void
test_churn_fit_missing_and_constant (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autofree double *features = g_new (double, 400 * N);
  g_autofree int *labels = g_new (int, 400);
  g_autoptr(VigilChurnModel) model = NULL;
  g_autoptr(GError) error = NULL;
  double coefficients[N];
  double reference[N];
  double known_sum = 0;
  guint known = 0;

  generate (rand, &moderate_truth, 400, features, labels);
  for (guint i = 0; i < 400; i++)
    {
      /* Every third health unknown; tickets never vary. */
      if (i % 3 == 0)
        features[i * N + VIGIL_CHURN_FEATURE_HEALTH] = NAN;
      else
        {
          known_sum += features[i * N + VIGIL_CHURN_FEATURE_HEALTH];
          known++;
        }
      features[i * N + VIGIL_CHURN_FEATURE_OPEN_TICKETS] = 4;
    }

  model = vigil_churn_model_fit (features, labels, 400, 0.01, &error);
  g_assert_no_error (error);
  vigil_churn_model_get_coefficients (model, NULL, coefficients);
  vigil_churn_model_get_reference (model, reference);

  /* Unknown health is replaced by the mean of the known values. */
  g_assert_cmpfloat_with_epsilon (reference[VIGIL_CHURN_FEATURE_HEALTH], known_sum / known, 1e-9);
  g_assert_cmpfloat (coefficients[VIGIL_CHURN_FEATURE_HEALTH], <, 0);
  /* A constant feature says nothing. */
  g_assert_cmpfloat (coefficients[VIGIL_CHURN_FEATURE_OPEN_TICKETS], ==, 0);
  g_assert_cmpfloat (reference[VIGIL_CHURN_FEATURE_OPEN_TICKETS], ==, 4);
  for (guint j = 0; j < N; j++)
    g_assert_true (isfinite (coefficients[j]));
}

/* Churned customers all below 50 health, renewed ones all above: a
 * direction separates the outcomes, so without a penalty the loss has
 * no minimum. The default penalty gives one: finite coefficients that
 * still rank every churner above every renewal. */
static void
test_churn_fit_separated (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  double features[60 * N];
  int labels[60];
  double scores[60];
  double intercept;
  double coefficients[N];
  g_autoptr(VigilChurnModel) model = NULL;
  g_autoptr(GError) error = NULL;

  generate (rand, &moderate_truth, 60, features, labels);
  for (guint i = 0; i < 60; i++)
    {
      labels[i] = i < 30;
      features[i * N + VIGIL_CHURN_FEATURE_HEALTH] = labels[i] ? g_rand_double_range (rand, 10, 45)
                                                               : g_rand_double_range (rand, 55, 95);
    }

  model = vigil_churn_model_fit (features, labels, 60, VIGIL_CHURN_DEFAULT_LAMBDA, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  vigil_churn_model_get_coefficients (model, &intercept, coefficients);
  g_assert_true (isfinite (intercept));
  for (guint j = 0; j < N; j++)
    g_assert_true (isfinite (coefficients[j]));
  g_assert_cmpfloat (coefficients[VIGIL_CHURN_FEATURE_HEALTH], <, 0);

  for (guint i = 0; i < 60; i++)
    {
      scores[i] = vigil_churn_model_predict (model, &features[i * N]);
      g_assert_cmpfloat (scores[i], >, 0);
      g_assert_cmpfloat (scores[i], <, 1);
    }
  g_assert_cmpfloat (vigil_churn_auc (scores, labels, 60), ==, 1);
}

/* Small books as CSMs record them: 30 churned and 30 renewed, one
 * feature that nearly or wholly separates them, noise in the others,
 * sometimes a feature never known or never varying. Every fold of every
 * book converges under the default penalty. (Before the Newton decrement
 * stopped the minimiser, about one book in twenty failed here: its
 * gradient could not get below rounding, 1.3e-9, while the tolerance was
 * 1e-9.) */
static void
test_churn_fit_converges (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);

  for (guint book = 0; book < 200; book++)
    {
      double features[60 * N];
      int labels[60];
      double gap = g_rand_double_range (rand, 0, 30);
      double default_auc = NAN;
      double auc;
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < 60; i++)
        {
          labels[i] = i < 30;
          for (guint j = 0; j < N; j++)
            features[i * N + j] = g_rand_double_range (rand, 0, 50);
          if (book % 3 == 0)
            {
              features[i * N + VIGIL_CHURN_FEATURE_TREND_14D] = 0;
              features[i * N + VIGIL_CHURN_FEATURE_DAYS_SILENT] = 1;
              features[i * N + VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL] = 180;
            }
          features[i * N + VIGIL_CHURN_FEATURE_HEALTH] = (labels[i] ? 50 : 50 + gap)
                                                         + g_rand_double_range (rand, 0, 40);
          if (book % 2 == 1)
            features[i * N + VIGIL_CHURN_FEATURE_TREND_28D] = NAN;
        }

      auc = vigil_churn_cross_validate (features, labels, 60, 5, VIGIL_CHURN_DEFAULT_LAMBDA,
                                        20261123, &default_auc, &error);
      if (error != NULL)
        g_test_message ("book %u, gap %.1f: %s", book, gap, error->message);
      g_assert_no_error (error);
      g_assert_true (isfinite (auc));
      g_assert_true (isfinite (default_auc));
    }
}

static void
check_explain (VigilChurnModel *model,
               const double     x[N])
{
  double contributions[N];
  double reference[N];
  double sum = 0;

  vigil_churn_model_get_reference (model, reference);
  vigil_churn_model_explain (model, x, contributions);
  for (guint j = 0; j < N; j++)
    sum += contributions[j];

  g_assert_cmpfloat_with_epsilon (sum,
                                  logit (vigil_churn_model_predict (model, x)) -
                                  logit (vigil_churn_model_predict (model, reference)),
                                  1e-9);
}

static void
test_churn_explain (void)
{
  g_autoptr(VigilChurnModel) model = vigil_churn_model_new_default ();
  g_autoptr(VigilChurnModel) fitted = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GError) error = NULL;
  g_autofree double *features = g_new (double, 500 * N);
  g_autofree int *labels = g_new (int, 500);
  const double falling[N] = { 40, -20, -25, 10, 0, 180, 2 };
  const double partial[N] = { NAN, -8, NAN, 4, NAN, 30, 6 };
  const double clamped[N] = { 120, -300, 5, 400, 0, 1000, 50 };
  double contributions[N];
  double reference[N];
  double unknown[N];

  check_explain (model, falling);
  check_explain (model, partial);
  check_explain (model, clamped);

  /* The falling customer: health, its fall and silence raise the risk;
   * an average renewal date adds nothing. */
  vigil_churn_model_explain (model, falling, contributions);
  g_assert_cmpfloat_with_epsilon (contributions[VIGIL_CHURN_FEATURE_HEALTH], 1.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (contributions[VIGIL_CHURN_FEATURE_TREND_14D], 0.8, 1e-9);
  g_assert_cmpfloat_with_epsilon (contributions[VIGIL_CHURN_FEATURE_DAYS_SILENT], 0.35, 1e-9);
  g_assert_cmpfloat (contributions[VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL], ==, 0);

  /* Unknown features and the reference itself contribute nothing. */
  vigil_churn_model_get_reference (model, reference);
  for (guint j = 0; j < N; j++)
    unknown[j] = NAN;
  vigil_churn_model_explain (model, unknown, contributions);
  for (guint j = 0; j < N; j++)
    g_assert_cmpfloat (contributions[j], ==, 0);
  vigil_churn_model_explain (model, reference, contributions);
  for (guint j = 0; j < N; j++)
    g_assert_cmpfloat (contributions[j], ==, 0);

  generate (rand, &moderate_truth, 500, features, labels);
  fitted = vigil_churn_model_fit (features, labels, 500, 0.01, &error);
  g_assert_no_error (error);
  check_explain (fitted, falling);
  check_explain (fitted, partial);
  check_explain (fitted, clamped);
  for (guint i = 0; i < 50; i++)
    check_explain (fitted, &features[i * N]);
}

static void
test_churn_json_roundtrip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  g_autofree double *features = g_new (double, 300 * N);
  g_autofree int *labels = g_new (int, 300);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilChurnModel) fitted = NULL;
  g_autoptr(VigilChurnModel) loaded = NULL;
  g_autoptr(VigilChurnModel) default_model = vigil_churn_model_new_default ();
  g_autoptr(VigilChurnModel) default_loaded = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;
  g_autofree char *default_json = NULL;
  double a_intercept, b_intercept;
  double a[N], b[N], a_reference[N], b_reference[N];

  generate (rand, &moderate_truth, 300, features, labels);
  fitted = vigil_churn_model_fit (features, labels, 300, 0.05, &error);
  g_assert_no_error (error);

  json = vigil_churn_model_to_json (fitted);
  loaded = vigil_churn_model_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);

  vigil_churn_model_get_coefficients (fitted, &a_intercept, a);
  vigil_churn_model_get_coefficients (loaded, &b_intercept, b);
  vigil_churn_model_get_reference (fitted, a_reference);
  vigil_churn_model_get_reference (loaded, b_reference);
  g_assert_cmpfloat (a_intercept, ==, b_intercept);
  for (guint j = 0; j < N; j++)
    {
      g_assert_cmpfloat (a[j], ==, b[j]);
      g_assert_cmpfloat (a_reference[j], ==, b_reference[j]);
    }
  for (guint i = 0; i < 300; i++)
    g_assert_cmpfloat (vigil_churn_model_predict (fitted, &features[i * N]), ==,
                       vigil_churn_model_predict (loaded, &features[i * N]));
  g_assert_cmpuint (vigil_churn_model_get_n_samples (loaded), ==, 300);
  g_assert_false (vigil_churn_model_is_default (loaded));

  json_again = vigil_churn_model_to_json (loaded);
  g_assert_cmpstr (json, ==, json_again);

  /* The default model stays the default through JSON. */
  default_json = vigil_churn_model_to_json (default_model);
  default_loaded = vigil_churn_model_new_from_json (default_json, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_churn_model_is_default (default_loaded));
}

enum
{
  EDIT_UNKNOWN_FEATURE,
  EDIT_MISSING_FEATURE,
  EDIT_REFERENCE_OUT_OF_RANGE,
  EDIT_NULL_COEFFICIENT,
  EDIT_NEGATIVE_LAMBDA,
  N_EDITS
};

/* The default model's JSON with one thing wrong. */
static char *
edited_default_json (guint edit)
{
  g_autoptr(VigilChurnModel) model = vigil_churn_model_new_default ();
  g_autofree char *json = vigil_churn_model_to_json (model);
  g_autoptr(JsonNode) root = json_from_string (json, NULL);
  JsonObject *object = json_node_get_object (root);
  JsonObject *features = json_object_get_object_member (object, "features");
  JsonObject *feature;

  switch (edit)
    {
    case EDIT_UNKNOWN_FEATURE:
      feature = json_object_new ();
      json_object_set_double_member (feature, "coefficient", 1);
      json_object_set_double_member (feature, "reference", 1);
      json_object_set_object_member (features, "nps", feature);
      break;
    case EDIT_MISSING_FEATURE:
      json_object_remove_member (features, "trend_28d");
      break;
    case EDIT_REFERENCE_OUT_OF_RANGE:
      feature = json_object_get_object_member (features, "days_to_renewal");
      json_object_set_double_member (feature, "reference", 4000);
      break;
    case EDIT_NULL_COEFFICIENT:
      feature = json_object_get_object_member (features, "open_tickets");
      json_object_set_null_member (feature, "coefficient");
      break;
    case EDIT_NEGATIVE_LAMBDA:
      json_object_set_double_member (object, "lambda", -1);
      break;
    default:
      g_assert_not_reached ();
    }

  return json_to_string (root, FALSE);
}

static void
test_churn_json_errors (void)
{
  static const struct
  {
    const char *json;
    int         code;
  } cases[] = {
    { "", VIGIL_ERROR_PARSE },
    { "{ \"intercept\": ", VIGIL_ERROR_PARSE },
    { "[1, 2]", VIGIL_ERROR_PARSE },
    { "{}", VIGIL_ERROR_INVALID },
    { "{ \"intercept\": 1 }", VIGIL_ERROR_INVALID },
    { "{ \"intercept\": \"1\", \"features\": {} }", VIGIL_ERROR_INVALID },
    { "{ \"intercept\": 1, \"features\": { \"health\": { \"coefficient\": 1 } } }",
      VIGIL_ERROR_INVALID },
    { "{ \"format\": 2, \"intercept\": 1, \"features\": {} }", VIGIL_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilChurnModel) loaded = vigil_churn_model_new_from_json (cases[i].json, &error);

      g_assert_error (error, VIGIL_ERROR, cases[i].code);
      g_assert_null (loaded);
    }

  /* A valid model with one thing wrong. */
  for (guint i = 0; i < N_EDITS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilChurnModel) loaded = NULL;
      g_autofree char *json = edited_default_json (i);

      loaded = vigil_churn_model_new_from_json (json, &error);
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
      g_assert_null (loaded);
    }
}

static void
test_churn_cross_validate (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (424242);
  g_autofree double *features = g_new (double, 1000 * N);
  g_autofree int *labels = g_new (int, 1000);
  g_autoptr(GError) error = NULL;
  double default_auc = NAN;
  double again_default_auc = NAN;
  double auc, again, other_seed;

  generate (rand, &strong_truth, 1000, features, labels);

  auc = vigil_churn_cross_validate (features, labels, 1000, 5, 0.01, 1, &default_auc, &error);
  g_assert_no_error (error);
  g_test_message ("held-out AUC %.4f, default model AUC %.4f", auc, default_auc);
  g_assert_cmpfloat (auc, >=, 0.85);
  g_assert_cmpfloat (auc, <=, 1);
  /* The default model has the right signs, so it ranks well too. */
  g_assert_true (isfinite (default_auc));
  g_assert_cmpfloat (default_auc, >, 0.7);
  g_assert_cmpfloat (default_auc, <=, 1);

  /* Deterministic for a seed; close for another. */
  again = vigil_churn_cross_validate (features, labels, 1000, 5, 0.01, 1, &again_default_auc,
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (again, ==, auc);
  g_assert_cmpfloat (again_default_auc, ==, default_auc);
  other_seed = vigil_churn_cross_validate (features, labels, 1000, 10, 0.01,
                                           G_GUINT64_CONSTANT (0xdeadbeef12345678), NULL,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (other_seed - auc), <, 0.02);
}

static void
test_churn_cross_validate_errors (void)
{
  double features[30 * N];
  int labels[30];
  g_autoptr(GError) error = NULL;
  double default_auc = 0;
  double auc;

  for (guint i = 0; i < 30; i++)
    {
      for (guint j = 0; j < N; j++)
        features[i * N + j] = (i * 5 + j) % 13;
      labels[i] = i < 2;
    }

  /* k out of range. */
  auc = vigil_churn_cross_validate (features, labels, 30, 1, 0.01, 1, &default_auc, &error);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_true (isnan (auc));
  g_assert_true (isnan (default_auc));
  g_clear_error (&error);
  auc = vigil_churn_cross_validate (features, labels, 30, 31, 0.01, 1, NULL, &error);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_true (isnan (auc));
  g_clear_error (&error);

  /* Two churned customers in three folds: every training set has one.
   * One churned customer: a training set has none. Two folds of 12: a
   * training set of 6, below the 10 a fit needs. */
  auc = vigil_churn_cross_validate (features, labels, 30, 3, 0.01, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (isfinite (auc));
  for (guint i = 0; i < 30; i++)
    labels[i] = i < 1;
  auc = vigil_churn_cross_validate (features, labels, 30, 3, 0.01, 1, NULL, &error);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_true (isnan (auc));
  g_clear_error (&error);
  for (guint i = 0; i < 30; i++)
    labels[i] = i % 2;
  auc = vigil_churn_cross_validate (features, labels, 12, 2, 0.01, 1, NULL, &error);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_true (isnan (auc));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/churn/default/examples", test_churn_default_examples);
  g_test_add_func ("/core/churn/default/monotonic", test_churn_default_monotonic);
  g_test_add_func ("/core/churn/default/range", test_churn_default_range);
  g_test_add_func ("/core/churn/default/renewal", test_churn_default_renewal);
  g_test_add_func ("/core/churn/default/missing", test_churn_default_missing);
  g_test_add_func ("/core/churn/names", test_churn_names);
  g_test_add_func ("/core/churn/describe", test_churn_describe);
  g_test_add_func ("/core/churn/auc/simple", test_churn_auc_simple);
  g_test_add_func ("/core/churn/auc/ties", test_churn_auc_ties);
  g_test_add_func ("/core/churn/auc/brute-force", test_churn_auc_brute_force);
  g_test_add_func ("/core/churn/auc/one-class", test_churn_auc_one_class);
  g_test_add_func ("/core/churn/fit/recovers", test_churn_fit_recovers);
  g_test_add_func ("/core/churn/fit/regularisation", test_churn_fit_regularisation);
  g_test_add_func ("/core/churn/fit/refusals", test_churn_fit_refusals);
  g_test_add_func ("/core/churn/fit/missing-and-constant", test_churn_fit_missing_and_constant);
  g_test_add_func ("/core/churn/fit/separated", test_churn_fit_separated);
  g_test_add_func ("/core/churn/fit/converges", test_churn_fit_converges);
  g_test_add_func ("/core/churn/explain", test_churn_explain);
  g_test_add_func ("/core/churn/json/roundtrip", test_churn_json_roundtrip);
  g_test_add_func ("/core/churn/json/errors", test_churn_json_errors);
  g_test_add_func ("/core/churn/cross-validate", test_churn_cross_validate);
  g_test_add_func ("/core/churn/cross-validate/errors", test_churn_cross_validate_errors);

  return g_test_run ();
}
