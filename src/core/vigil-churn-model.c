/* vigil-churn-model.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-churn"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "vigil-churn-model.h"
#include "vigil-error.h"
#include "vigil-json-private.h"

#define N_FEATURES VIGIL_CHURN_N_FEATURES
/* The intercept plus one coefficient per feature. */
#define N_PARAMS (N_FEATURES + 1)

/* Fewer outcomes than this say nothing a default model does not. */
#define MIN_SAMPLES 10
#define MAX_ITERATIONS 100
#define MAX_HALVINGS 40
/* Newton stops when half the Newton decrement, its own estimate of how
 * far the mean loss still is above the minimum, is below this. */
#define DECREMENT_TOLERANCE 1e-14
#define JSON_FORMAT 1

struct _VigilChurnModel
{
  GObject parent_instance;

  /* On the raw scale: log-odds = intercept + Σ coefficients[j] × x[j]. */
  double  intercept;
  double  coefficients[N_FEATURES];
  /* The values an unknown feature is replaced by, and what explain()
   * measures contributions from: the training means of a fitted model. */
  double  reference[N_FEATURES];
  /* 0 for the default model. */
  guint   n_samples;
  double  lambda;
};

G_DEFINE_FINAL_TYPE (VigilChurnModel, vigil_churn_model, G_TYPE_OBJECT)

/* The default churn model of design 3.2: the one place its numbers live.
 *
 * Raw scale, log-odds per unit of the feature. "Reference" is the typical
 * customer a missing value is replaced by and contributions are measured
 * from; a reference customer scores 2.25 - 3.5 + 0.15 - 0.9 + 0.3 = -1.70,
 * i.e. 15 % risk, about a typical yearly churn rate.
 *
 *   feature           coefficient  reference  range     why the sign
 *   (intercept)          +2.25
 *   health               -0.05        70      0..100    a low score means little use, little
 *                                                       value; 10 points ≈ ×1.65 the odds
 *   trend_14d            -0.04         0    -100..100   a recent fall predicts churn beyond
 *                                                       the level: users are already leaving
 *   trend_28d            -0.015        0    -100..100   the slower decline; smaller because
 *                                                       it overlaps the 14-day change
 *   days_silent          +0.05         3      0..90     silence is the earliest sign of
 *                                                       disengagement; 2 weeks ≈ ×2 the odds
 *   seat_trend_28d       -0.02         0    -100..100   seats falling idle come before a
 *                                                       downgrade or a cancellation
 *   days_to_renewal      -0.005      180      0..365    churn happens at renewal, so risk
 *                                                       over the horizon grows as it nears:
 *                                                       180 → 20 days is +0.8
 *   open_tickets         +0.15         2      0..20     unresolved problems; each ≈ ×1.16
 *
 * Values outside a feature's range count as its nearest end (a renewal
 * two years away is as far as one a year away; 200 tickets weigh as 20).
 *
 * Worked examples (tests/test-churn-model.c checks them):
 *   health 90, steady, silent 1 day, renewal in 180 days, 1 ticket:
 *     2.25 - 4.5 + 0.05 - 0.9 + 0.15 = -2.95 → 5 %
 *   health 40, -20 over 2 weeks, -25 over 4, silent 10 days, renewal in
 *   180 days, 2 tickets:
 *     2.25 - 2.0 + 0.8 + 0.375 + 0.5 - 0.9 + 0.3 = 1.325 → 79 %
 *   health 55, -5 over 2 and 4 weeks, silent 5 days, 3 tickets: renewal in
 *   200 days 37 %, renewal in 20 days 59 %; the same move takes the first
 *   customer only from 5 % to 10 %. */
#define DEFAULT_INTERCEPT 2.25

static const struct
{
  const char *name;
  double      coefficient;
  double      reference;
  double      min;
  double      max;
} feature_table[N_FEATURES] = {
  [VIGIL_CHURN_FEATURE_HEALTH] = { "health", -0.05, 70, 0, 100 },
  [VIGIL_CHURN_FEATURE_TREND_14D] = { "trend_14d", -0.04, 0, -100, 100 },
  [VIGIL_CHURN_FEATURE_TREND_28D] = { "trend_28d", -0.015, 0, -100, 100 },
  [VIGIL_CHURN_FEATURE_DAYS_SILENT] = { "days_silent", 0.05, 3, 0, 90 },
  [VIGIL_CHURN_FEATURE_SEAT_TREND] = { "seat_trend_28d", -0.02, 0, -100, 100 },
  [VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL] = { "days_to_renewal", -0.005, 180, 0, 365 },
  [VIGIL_CHURN_FEATURE_OPEN_TICKETS] = { "open_tickets", 0.15, 2, 0, 20 },
};

typedef struct
{
  double score;
  int    label;
} ScoredLabel;

/* The value the model sees: clamped to the feature's range, or NAN
 * when unknown (NAN or infinite). */
static double
clamp_feature (guint  feature,
               double value)
{
  g_assert (feature < N_FEATURES);

  if (!isfinite (value))
    return NAN;

  return CLAMP (value, feature_table[feature].min, feature_table[feature].max);
}

static double
prepare_feature (VigilChurnModel *self,
                 guint            feature,
                 double           value)
{
  double clamped = clamp_feature (feature, value);

  return isnan (clamped) ? self->reference[feature] : clamped;
}

static double
log_odds (VigilChurnModel *self,
          const double    *features)
{
  double eta = self->intercept;

  for (guint j = 0; j < N_FEATURES; j++)
    eta += self->coefficients[j] * prepare_feature (self, j, features[j]);

  return eta;
}

static double
sigmoid (double eta)
{
  double e;

  if (eta >= 0)
    return 1.0 / (1.0 + exp (-eta));

  e = exp (eta);
  return e / (1.0 + e);
}

/* log (1 + e^eta) without overflow. */
static double
softplus (double eta)
{
  if (eta > 0)
    return eta + log1p (exp (-eta));

  return log1p (exp (eta));
}

/* Mean log-loss of the standardised data @z (n × N_FEATURES) under
 * @theta (intercept first), plus the L2 penalty on the slopes. */
static double
penalised_loss (const double *z,
                const int    *labels,
                guint         n,
                const double *theta,
                double        lambda)
{
  double loss = 0;
  double penalty = 0;

  for (guint i = 0; i < n; i++)
    {
      double eta = theta[0];

      for (guint j = 0; j < N_FEATURES; j++)
        eta += theta[j + 1] * z[(gsize) i * N_FEATURES + j];
      loss += softplus (eta) - (labels[i] ? eta : 0);
    }

  for (guint j = 1; j < N_PARAMS; j++)
    penalty += theta[j] * theta[j];

  return loss / n + 0.5 * lambda * penalty;
}

/* Solves a x = b for a symmetric positive definite @a (m × m, destroyed),
 * leaving x in @b. FALSE if @a is not positive definite. */
static gboolean
cholesky_solve (double *a,
                double *b,
                guint   m)
{
  for (guint j = 0; j < m; j++)
    {
      double d = a[j * m + j];

      for (guint k = 0; k < j; k++)
        d -= a[j * m + k] * a[j * m + k];
      if (!(d > 0))
        return FALSE;
      a[j * m + j] = sqrt (d);

      for (guint i = j + 1; i < m; i++)
        {
          double s = a[i * m + j];

          for (guint k = 0; k < j; k++)
            s -= a[i * m + k] * a[j * m + k];
          a[i * m + j] = s / a[j * m + j];
        }
    }

  /* L y = b, then Lᵀ x = y. */
  for (guint i = 0; i < m; i++)
    {
      for (guint k = 0; k < i; k++)
        b[i] -= a[i * m + k] * b[k];
      b[i] /= a[i * m + i];
    }
  for (guint i = m; i-- > 0;)
    {
      for (guint k = i + 1; k < m; k++)
        b[i] -= a[k * m + i] * b[k];
      b[i] /= a[i * m + i];
    }

  return TRUE;
}

/* Newton's method (IRLS) with step halving on the penalised mean loss.
 * On return @theta holds the minimum; FALSE if it did not converge.
 *
 * It stops on the Newton decrement (gradient · Newton step), not on the
 * size of the gradient: near a direction that almost separates the
 * outcomes the gradient's rounding floor (about 1e-9 on realistic
 * histories) can sit above any fixed gradient tolerance while the loss
 * no longer moves, and the method would spin to its iteration limit on
 * a problem it has solved. */
static gboolean
newton_minimise (const double *z,
                 const int    *labels,
                 guint         n,
                 double        lambda,
                 double       *theta)
{
  double loss = penalised_loss (z, labels, n, theta, lambda);

  for (guint iteration = 0; iteration < MAX_ITERATIONS; iteration++)
    {
      double gradient[N_PARAMS] = { 0 };
      double hessian[N_PARAMS * N_PARAMS] = { 0 };
      double step[N_PARAMS];
      double max_gradient = 0;
      double decrement = 0;
      double t = 1;
      gboolean improved = FALSE;

      for (guint i = 0; i < n; i++)
        {
          const double *row = &z[(gsize) i * N_FEATURES];
          double x[N_PARAMS];
          double eta = theta[0];
          double p, w;

          x[0] = 1;
          for (guint j = 0; j < N_FEATURES; j++)
            {
              x[j + 1] = row[j];
              eta += theta[j + 1] * row[j];
            }
          p = sigmoid (eta);
          w = p * (1 - p);

          for (guint a = 0; a < N_PARAMS; a++)
            {
              gradient[a] += (p - (labels[i] ? 1 : 0)) * x[a];
              for (guint b = 0; b <= a; b++)
                hessian[a * N_PARAMS + b] += w * x[a] * x[b];
            }
        }

      for (guint a = 0; a < N_PARAMS; a++)
        {
          gradient[a] /= n;
          for (guint b = 0; b <= a; b++)
            {
              hessian[a * N_PARAMS + b] /= n;
              hessian[b * N_PARAMS + a] = hessian[a * N_PARAMS + b];
            }
          if (a > 0)
            {
              gradient[a] += lambda * theta[a];
              hessian[a * N_PARAMS + a] += lambda;
            }
          /* Keeps the system solvable when lambda is 0 and features
           * are collinear. */
          hessian[a * N_PARAMS + a] += 1e-12;
          max_gradient = MAX (max_gradient, fabs (gradient[a]));
        }

      memcpy (step, gradient, sizeof step);
      if (!cholesky_solve (hessian, step, N_PARAMS))
        return FALSE;
      for (guint a = 0; a < N_PARAMS; a++)
        decrement += gradient[a] * step[a];
      if (decrement / 2 < DECREMENT_TOLERANCE)
        return TRUE;

      for (guint halving = 0; halving < MAX_HALVINGS; halving++, t /= 2)
        {
          double candidate[N_PARAMS];
          double candidate_loss;

          for (guint a = 0; a < N_PARAMS; a++)
            candidate[a] = theta[a] - t * step[a];
          candidate_loss = penalised_loss (z, labels, n, candidate, lambda);
          if (candidate_loss <= loss)
            {
              memcpy (theta, candidate, sizeof candidate);
              loss = candidate_loss;
              improved = TRUE;
              break;
            }
        }

      /* No step lowers the loss any more: the minimum up to rounding. */
      if (!improved)
        return max_gradient < 1e-6;
    }

  return FALSE;
}

static void
vigil_churn_model_class_init (G_GNUC_UNUSED VigilChurnModelClass *klass)
{
}

static void
vigil_churn_model_init (VigilChurnModel *self)
{
  self->intercept = DEFAULT_INTERCEPT;
  for (guint j = 0; j < N_FEATURES; j++)
    {
      self->coefficients[j] = feature_table[j].coefficient;
      self->reference[j] = feature_table[j].reference;
    }
}

/**
 * vigil_churn_model_new_default:
 *
 * The model Vigil uses until enough outcomes are known to fit one; its
 * coefficients are documented in vigil-churn-model.c.
 *
 * Returns: (transfer full): the default churn model of design 3.2
 */
VigilChurnModel *
vigil_churn_model_new_default (void)
{
  return g_object_new (VIGIL_TYPE_CHURN_MODEL, NULL);
}

/**
 * vigil_churn_model_is_default:
 *
 * Returns: whether @self has the default coefficients and reference values
 *   (also after a round trip through JSON)
 */
gboolean
vigil_churn_model_is_default (VigilChurnModel *self)
{
  g_return_val_if_fail (VIGIL_IS_CHURN_MODEL (self), FALSE);

  if (self->intercept != DEFAULT_INTERCEPT)
    return FALSE;

  for (guint j = 0; j < N_FEATURES; j++)
    if (self->coefficients[j] != feature_table[j].coefficient ||
        self->reference[j] != feature_table[j].reference)
      return FALSE;

  return TRUE;
}

/**
 * vigil_churn_model_predict:
 * @features: the features, in #VigilChurnFeature order
 *
 * A NAN (or infinite) feature is unknown and replaced by the model's
 * reference value for it: the training mean of a fitted model, the
 * documented typical customer of the default one. Values outside a
 * feature's range count as its nearest end.
 *
 * Returns: the probability that the customer churns, 0..1
 */
double
vigil_churn_model_predict (VigilChurnModel *self,
                           const double     features[VIGIL_CHURN_N_FEATURES])
{
  g_return_val_if_fail (VIGIL_IS_CHURN_MODEL (self), NAN);
  g_return_val_if_fail (features != NULL, NAN);

  return sigmoid (log_odds (self, features));
}

/**
 * vigil_churn_model_explain:
 * @features: the features, in #VigilChurnFeature order
 * @out_contributions: (out caller-allocates): each feature's contribution
 *
 * Splits the log-odds of vigil_churn_model_predict() into one part per
 * feature, measured from the model's reference customer: the parts add up
 * to the log-odds of @features minus the log-odds of the reference. A
 * positive part raises the risk. An unknown feature contributes 0.
 */
void
vigil_churn_model_explain (VigilChurnModel *self,
                           const double     features[],
                           double           out_contributions[VIGIL_CHURN_N_FEATURES])
{
  g_return_if_fail (VIGIL_IS_CHURN_MODEL (self));
  g_return_if_fail (features != NULL);
  g_return_if_fail (out_contributions != NULL);

  for (guint j = 0; j < N_FEATURES; j++)
    out_contributions[j] = self->coefficients[j] *
                           (prepare_feature (self, j, features[j]) - self->reference[j]);
}

/**
 * vigil_churn_model_get_coefficients:
 * @out_intercept: (out) (optional): the intercept
 * @out_coefficients: (out caller-allocates) (optional): log-odds per unit
 *   of each feature
 *
 * The coefficients on the raw (unstandardised) scale of the features.
 */
void
vigil_churn_model_get_coefficients (VigilChurnModel *self,
                                    double          *out_intercept,
                                    double           out_coefficients[VIGIL_CHURN_N_FEATURES])
{
  g_return_if_fail (VIGIL_IS_CHURN_MODEL (self));

  if (out_intercept != NULL)
    *out_intercept = self->intercept;
  if (out_coefficients != NULL)
    memcpy (out_coefficients, self->coefficients, sizeof self->coefficients);
}

/**
 * vigil_churn_model_get_reference:
 * @out_reference: (out caller-allocates): the reference value of each feature
 *
 * The values that replace unknown features and that
 * vigil_churn_model_explain() measures from: the training means of a
 * fitted model. Predicting them gives the reference risk.
 */
void
vigil_churn_model_get_reference (VigilChurnModel *self,
                                 double           out_reference[VIGIL_CHURN_N_FEATURES])
{
  g_return_if_fail (VIGIL_IS_CHURN_MODEL (self));
  g_return_if_fail (out_reference != NULL);

  memcpy (out_reference, self->reference, sizeof self->reference);
}

/**
 * vigil_churn_model_get_n_samples:
 *
 * Returns: the number of outcomes the model was fitted on; 0 for the
 *   default model
 */
guint
vigil_churn_model_get_n_samples (VigilChurnModel *self)
{
  g_return_val_if_fail (VIGIL_IS_CHURN_MODEL (self), 0);

  return self->n_samples;
}

/**
 * vigil_churn_model_fit:
 * @features: @n rows of #VIGIL_CHURN_N_FEATURES features, row-major
 * @labels: @n outcomes: 1 churned, 0 renewed
 * @n: the number of samples
 * @lambda: the L2 penalty on the standardised coefficients, ≥ 0;
 *   %VIGIL_CHURN_DEFAULT_LAMBDA is what the refit uses
 *
 * Fits a logistic regression by Newton's method (IRLS), minimising the
 * log-loss summed over the samples plus @lambda/2 × the sum of the
 * squared coefficients of the standardised features (the intercept is
 * not penalised): the most likely coefficients under a normal prior of
 * variance 1/@lambda on each standardised coefficient. With @lambda 1
 * the penalty weighs about as much as one sample's loss whatever @n:
 * many outcomes outweigh it, a few cannot run away from it. Any @lambda
 * above 0 makes the minimum unique and finite, even when the features
 * separate the outcomes perfectly. Features are clamped to their ranges;
 * unknown ones are replaced by the training mean of the feature, which
 * becomes the model's reference. A feature that never varies gets
 * coefficient 0.
 *
 * Returns: (transfer full): the model, or %NULL with @error set when
 *   there are fewer than 10 samples, only one class of outcome, a label
 *   other than 0 or 1, or the fit does not converge (outcomes perfectly
 *   separated with @lambda 0)
 */
VigilChurnModel *
vigil_churn_model_fit (const double  *features,
                       const int     *labels,
                       guint          n,
                       double         lambda,
                       GError       **error)
{
  g_autoptr(VigilChurnModel) self = NULL;
  g_autofree double *z = NULL;
  double mean[N_FEATURES];
  double scale[N_FEATURES];
  double theta[N_PARAMS] = { 0 };
  guint n_positive = 0;

  g_return_val_if_fail (features != NULL || n == 0, NULL);
  g_return_val_if_fail (labels != NULL || n == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(lambda >= 0) || !isfinite (lambda))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("Churn model: the regularisation must be a number ≥ 0, not %g"), lambda);
      return NULL;
    }
  if (n < MIN_SAMPLES)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Churn model: fitting needs at least %d outcomes, there is %u",
                                "Churn model: fitting needs at least %d outcomes, there are %u",
                                n),
                   MIN_SAMPLES, n);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      if (labels[i] != 0 && labels[i] != 1)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("Churn model: outcome %u is %d, not 0 (renewed) or 1 (churned)"),
                       i, labels[i]);
          return NULL;
        }
      n_positive += labels[i];
    }
  if (n_positive == 0 || n_positive == n)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Churn model: fitting needs both churned and renewed outcomes"));
      return NULL;
    }

  /* Means over the known values, then the spread after imputation. */
  for (guint j = 0; j < N_FEATURES; j++)
    {
      double sum = 0;
      double squares = 0;
      guint known = 0;

      for (guint i = 0; i < n; i++)
        {
          double value = clamp_feature (j, features[(gsize) i * N_FEATURES + j]);

          if (!isnan (value))
            {
              sum += value;
              known++;
            }
        }
      mean[j] = known > 0 ? sum / known : feature_table[j].reference;

      for (guint i = 0; i < n; i++)
        {
          double value = clamp_feature (j, features[(gsize) i * N_FEATURES + j]);

          if (!isnan (value))
            squares += (value - mean[j]) * (value - mean[j]);
        }
      scale[j] = sqrt (squares / n);
      if (!(scale[j] > 1e-9 * MAX (1.0, fabs (mean[j]))))
        scale[j] = 0;
    }

  z = g_new (double, (gsize) n * N_FEATURES);
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < N_FEATURES; j++)
      {
        double value = clamp_feature (j, features[(gsize) i * N_FEATURES + j]);

        /* A constant feature is all zeros: its slope stays 0. */
        z[(gsize) i * N_FEATURES + j] = isnan (value) || scale[j] == 0
          ? 0 : (value - mean[j]) / scale[j];
      }

  theta[0] = log ((double) n_positive / (n - n_positive));
  /* The minimiser works on the mean loss, whose gradients stay of the
   * order of 1 whatever @n: the penalty is divided by @n with it. */
  if (!newton_minimise (z, labels, n, lambda / n, theta))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Churn model: the fit did not converge; the outcomes may be "
                             "perfectly separated by the features, try a regularisation above 0"));
      return NULL;
    }

  self = g_object_new (VIGIL_TYPE_CHURN_MODEL, NULL);
  self->intercept = theta[0];
  for (guint j = 0; j < N_FEATURES; j++)
    {
      self->coefficients[j] = scale[j] > 0 ? theta[j + 1] / scale[j] : 0;
      self->intercept -= self->coefficients[j] * mean[j];
      self->reference[j] = mean[j];
    }
  self->n_samples = n;
  self->lambda = lambda;

  return g_steal_pointer (&self);
}

static int
compare_scored_labels (const void *a,
                       const void *b)
{
  const ScoredLabel *sa = a;
  const ScoredLabel *sb = b;

  return (sa->score > sb->score) - (sa->score < sb->score);
}

/**
 * vigil_churn_auc:
 * @scores: @n scores, higher meaning more likely positive
 * @labels: @n labels, non-zero for positive
 * @n: the number of samples
 *
 * The area under the ROC curve: the probability that a random positive
 * scores above a random negative, ties counting one half (the
 * Mann-Whitney statistic), in O(n log n). Samples with a NAN score are
 * left out.
 *
 * Returns: the AUC, 0..1, or NAN when there is no positive or no negative
 */
double
vigil_churn_auc (const double *scores,
                 const int    *labels,
                 guint         n)
{
  g_autofree ScoredLabel *items = NULL;
  guint n_items = 0;
  double n_positive = 0;
  double rank_sum = 0;
  double n_negative;

  g_return_val_if_fail (scores != NULL || n == 0, NAN);
  g_return_val_if_fail (labels != NULL || n == 0, NAN);

  items = g_new (ScoredLabel, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      if (isnan (scores[i]))
        continue;
      items[n_items].score = scores[i];
      items[n_items].label = labels[i] != 0;
      n_positive += items[n_items].label;
      n_items++;
    }
  n_negative = n_items - n_positive;
  if (n_positive == 0 || n_negative == 0)
    return NAN;

  qsort (items, n_items, sizeof *items, compare_scored_labels);

  /* Ranks 1..n_items; a run of ties shares its mean rank. */
  for (guint start = 0; start < n_items;)
    {
      guint end = start + 1;
      guint positives = 0;

      while (end < n_items && items[end].score == items[start].score)
        end++;
      for (guint i = start; i < end; i++)
        positives += items[i].label;
      rank_sum += positives * ((double) start + 1 + end) / 2.0;
      start = end;
    }

  return (rank_sum - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative);
}

static void
shuffle (GRand *rand,
         guint *items,
         guint  n)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, (gint32) i);
      guint swap = items[i - 1];

      items[i - 1] = items[j];
      items[j] = swap;
    }
}

/**
 * vigil_churn_cross_validate:
 * @features: @n rows of #VIGIL_CHURN_N_FEATURES features, row-major
 * @labels: @n outcomes: 1 churned, 0 renewed
 * @n: the number of samples
 * @k: the number of folds, 2..@n
 * @lambda: the regularisation, as for vigil_churn_model_fit()
 * @seed: the seed of the fold assignment; the same seed gives the same folds
 * @out_default_auc: (out) (optional): the default model's AUC on all @n samples
 *
 * Stratified k-fold cross-validation: churned and renewed outcomes are
 * shuffled separately and dealt round the folds, each fold is predicted by
 * a model fitted on the others, and the held-out predictions of all folds
 * are pooled into one AUC.
 *
 * Returns: the pooled held-out AUC, or NAN with @error set when a fold's
 *   fit fails (see vigil_churn_model_fit()) or @k is out of range
 */
double
vigil_churn_cross_validate (const double  *features,
                            const int     *labels,
                            guint          n,
                            guint          k,
                            double         lambda,
                            guint64        seed,
                            double        *out_default_auc,
                            GError       **error)
{
  g_autoptr(GRand) rand = NULL;
  g_autoptr(VigilChurnModel) default_model = NULL;
  g_autofree guint *positives = NULL;
  g_autofree guint *negatives = NULL;
  g_autofree guint *fold_of = NULL;
  g_autofree double *scores = NULL;
  g_autofree double *train_features = NULL;
  g_autofree int *train_labels = NULL;
  guint32 seed_words[2] = { (guint32) seed, (guint32) (seed >> 32) };
  guint n_positive = 0;
  guint n_negative = 0;
  guint dealt = 0;

  g_return_val_if_fail (features != NULL || n == 0, NAN);
  g_return_val_if_fail (labels != NULL || n == 0, NAN);
  g_return_val_if_fail (error == NULL || *error == NULL, NAN);

  if (out_default_auc != NULL)
    *out_default_auc = NAN;

  if (k < 2 || k > n)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("Churn model: cross-validation needs between 2 and %u folds, not %u"),
                   MAX (n, 2), k);
      return NAN;
    }

  positives = g_new (guint, n);
  negatives = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      if (labels[i] != 0)
        positives[n_positive++] = i;
      else
        negatives[n_negative++] = i;
    }

  rand = g_rand_new_with_seed_array (seed_words, G_N_ELEMENTS (seed_words));
  shuffle (rand, positives, n_positive);
  shuffle (rand, negatives, n_negative);

  fold_of = g_new (guint, n);
  for (guint i = 0; i < n_positive; i++)
    fold_of[positives[i]] = dealt++ % k;
  for (guint i = 0; i < n_negative; i++)
    fold_of[negatives[i]] = dealt++ % k;

  scores = g_new (double, n);
  train_features = g_new (double, (gsize) n * N_FEATURES);
  train_labels = g_new (int, n);

  for (guint fold = 0; fold < k; fold++)
    {
      g_autoptr(VigilChurnModel) model = NULL;
      guint n_train = 0;

      for (guint i = 0; i < n; i++)
        {
          if (fold_of[i] == fold)
            continue;
          memcpy (&train_features[(gsize) n_train * N_FEATURES],
                  &features[(gsize) i * N_FEATURES],
                  N_FEATURES * sizeof (double));
          train_labels[n_train++] = labels[i];
        }

      model = vigil_churn_model_fit (train_features, train_labels, n_train, lambda, error);
      if (model == NULL)
        {
          g_prefix_error (error, _("Fold %u of %u: "), fold + 1, k);
          return NAN;
        }

      for (guint i = 0; i < n; i++)
        if (fold_of[i] == fold)
          scores[i] = vigil_churn_model_predict (model, &features[(gsize) i * N_FEATURES]);
    }

  if (out_default_auc != NULL)
    {
      g_autofree double *default_scores = g_new (double, n);

      default_model = vigil_churn_model_new_default ();
      for (guint i = 0; i < n; i++)
        default_scores[i] = vigil_churn_model_predict (default_model,
                                                       &features[(gsize) i * N_FEATURES]);
      *out_default_auc = vigil_churn_auc (default_scores, labels, n);
    }

  return vigil_churn_auc (scores, labels, n);
}

/**
 * vigil_churn_feature_get_name:
 *
 * Returns: the stable id of @feature ("health", "trend_14d", "trend_28d",
 *   "days_silent", "seat_trend_28d", "days_to_renewal", "open_tickets"),
 *   as used in JSON
 */
const char *
vigil_churn_feature_get_name (VigilChurnFeature feature)
{
  g_return_val_if_fail ((guint) feature < N_FEATURES, NULL);

  return feature_table[feature].name;
}

static int
round_for_display (double value)
{
  return (int) lround (CLAMP (value, -1e6, 1e6));
}

/**
 * vigil_churn_feature_describe:
 * @value: the feature's raw value, or NAN when unknown
 * @contribution: its contribution from vigil_churn_model_explain()
 *
 * A short sentence for a top factor: "Health is low (42)", "Health fell
 * 18 points in 2 weeks", "Silent for 6 days", "Renewal in 21 days",
 * "5 open tickets". Only the health level reads @contribution: it is
 * "low" when it raises the risk above the reference, "good" when it
 * lowers it.
 *
 * Returns: (transfer full): the description, translated
 */
char *
vigil_churn_feature_describe (VigilChurnFeature feature,
                              double            value,
                              double            contribution)
{
  int v;

  g_return_val_if_fail ((guint) feature < N_FEATURES, NULL);

  if (!isfinite (value))
    {
      switch (feature)
        {
        case VIGIL_CHURN_FEATURE_HEALTH: return g_strdup (_("Health unknown"));
        case VIGIL_CHURN_FEATURE_TREND_14D:
          return g_strdup (_("Health trend over 2 weeks unknown"));
        case VIGIL_CHURN_FEATURE_TREND_28D:
          return g_strdup (_("Health trend over 4 weeks unknown"));
        case VIGIL_CHURN_FEATURE_DAYS_SILENT: return g_strdup (_("Last activity unknown"));
        case VIGIL_CHURN_FEATURE_SEAT_TREND: return g_strdup (_("Seat use trend unknown"));
        case VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL: return g_strdup (_("Renewal date unknown"));
        case VIGIL_CHURN_FEATURE_OPEN_TICKETS: return g_strdup (_("Open tickets unknown"));
        default: g_assert_not_reached ();
        }
    }

  v = round_for_display (value);

  switch (feature)
    {
    case VIGIL_CHURN_FEATURE_HEALTH:
      if (contribution > 0)
        return g_strdup_printf (_("Health is low (%d)"), v);
      if (contribution < 0)
        return g_strdup_printf (_("Health is good (%d)"), v);
      return g_strdup_printf (_("Health is %d"), v);

    case VIGIL_CHURN_FEATURE_TREND_14D:
      if (v < 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Health fell %d point in 2 weeks",
                                             "Health fell %d points in 2 weeks", -v), -v);
      if (v > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Health rose %d point in 2 weeks",
                                             "Health rose %d points in 2 weeks", v), v);
      return g_strdup (_("Health steady over 2 weeks"));

    case VIGIL_CHURN_FEATURE_TREND_28D:
      if (v < 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Health fell %d point in 4 weeks",
                                             "Health fell %d points in 4 weeks", -v), -v);
      if (v > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Health rose %d point in 4 weeks",
                                             "Health rose %d points in 4 weeks", v), v);
      return g_strdup (_("Health steady over 4 weeks"));

    case VIGIL_CHURN_FEATURE_DAYS_SILENT:
      if (v <= 0)
        return g_strdup (_("Active today"));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Silent for %d day", "Silent for %d days", v), v);

    case VIGIL_CHURN_FEATURE_SEAT_TREND:
      if (v < 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Seat use fell %d point in 4 weeks",
                                             "Seat use fell %d points in 4 weeks", -v), -v);
      if (v > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Seat use rose %d point in 4 weeks",
                                             "Seat use rose %d points in 4 weeks", v), v);
      return g_strdup (_("Seat use steady over 4 weeks"));

    case VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL:
      if (v < 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Renewal overdue by %d day",
                                             "Renewal overdue by %d days", -v), -v);
      if (v == 0)
        return g_strdup (_("Renewal due today"));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Renewal in %d day", "Renewal in %d days", v), v);

    case VIGIL_CHURN_FEATURE_OPEN_TICKETS:
      if (v <= 0)
        return g_strdup (_("No open tickets"));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%d open ticket", "%d open tickets", v), v);

    default:
      g_assert_not_reached ();
    }
}

/**
 * vigil_churn_model_to_json:
 *
 * Returns: (transfer full): the model as a JSON document, for
 *   vigil_churn_model_new_from_json()
 */
char *
vigil_churn_model_to_json (VigilChurnModel *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (VIGIL_IS_CHURN_MODEL (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, JSON_FORMAT);
  json_builder_set_member_name (builder, "intercept");
  json_builder_add_double_value (builder, self->intercept);
  json_builder_set_member_name (builder, "features");
  json_builder_begin_object (builder);
  for (guint j = 0; j < N_FEATURES; j++)
    {
      json_builder_set_member_name (builder, feature_table[j].name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "coefficient");
      json_builder_add_double_value (builder, self->coefficients[j]);
      json_builder_set_member_name (builder, "reference");
      json_builder_add_double_value (builder, self->reference[j]);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "n_samples");
  json_builder_add_int_value (builder, self->n_samples);
  json_builder_set_member_name (builder, "lambda");
  json_builder_add_double_value (builder, self->lambda);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}

static gboolean
read_number (JsonObject  *object,
             const char  *member,
             const char  *where,
             gboolean     required,
             double      *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL && !required)
    return TRUE;

  if (node == NULL ||
      !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64) ||
      !isfinite (json_node_get_double (node)))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("Churn model: %s%s must be a number"), where, member);
      return FALSE;
    }

  *out = json_node_get_double (node);
  return TRUE;
}

/**
 * vigil_churn_model_new_from_json:
 * @json: a model as written by vigil_churn_model_to_json()
 *
 * Every feature must be present, with its coefficient and reference.
 *
 * Returns: (transfer full): the model, or %NULL with @error set
 */
VigilChurnModel *
vigil_churn_model_new_from_json (const char  *json,
                                 GError     **error)
{
  g_autoptr(VigilChurnModel) self = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonObject *features;
  JsonNode *node;
  double format = JSON_FORMAT;
  double n_samples = 0;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(document = _vigil_json_parse (json, -1, VIGIL_JSON_SETTINGS, &local_error)))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("Churn model is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (document))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                           _("Churn model must be a JSON object"));
      return NULL;
    }

  root = json_node_get_object (document);
  self = g_object_new (VIGIL_TYPE_CHURN_MODEL, NULL);

  if (!read_number (root, "format", "", FALSE, &format, error))
    return NULL;
  if (format != JSON_FORMAT)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("Churn model: format %g is not supported"), format);
      return NULL;
    }

  if (!read_number (root, "intercept", "", TRUE, &self->intercept, error) ||
      !read_number (root, "n_samples", "", FALSE, &n_samples, error) ||
      !read_number (root, "lambda", "", FALSE, &self->lambda, error))
    return NULL;
  if (!(n_samples >= 0 && n_samples <= G_MAXUINT && n_samples == floor (n_samples)) ||
      !(self->lambda >= 0))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Churn model: n_samples and lambda must not be negative"));
      return NULL;
    }
  self->n_samples = (guint) n_samples;

  node = json_object_get_member (root, "features");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Churn model: features must be an object"));
      return NULL;
    }
  features = json_node_get_object (node);

  for (guint j = 0; j < N_FEATURES; j++)
    {
      g_autofree char *where = g_strdup_printf ("features.%s.", feature_table[j].name);
      JsonNode *feature = json_object_get_member (features, feature_table[j].name);

      if (feature == NULL || !JSON_NODE_HOLDS_OBJECT (feature))
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("Churn model: feature “%s” is missing"), feature_table[j].name);
          return NULL;
        }
      if (!read_number (json_node_get_object (feature), "coefficient", where, TRUE,
                        &self->coefficients[j], error) ||
          !read_number (json_node_get_object (feature), "reference", where, TRUE,
                        &self->reference[j], error))
        return NULL;
      if (self->reference[j] < feature_table[j].min || self->reference[j] > feature_table[j].max)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("Churn model: the reference of “%s” must be between %g and %g"),
                       feature_table[j].name, feature_table[j].min, feature_table[j].max);
          return NULL;
        }
    }

  /* Unknown features are an error: they would be silently ignored. */
  if (json_object_get_size (features) != N_FEATURES)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Churn model: features has unknown members"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

typedef struct
{
  VigilChurnFeature feature;
  double            contribution;
} Factor;

static int
compare_factors (gconstpointer a,
                 gconstpointer b)
{
  const Factor *fa = a;
  const Factor *fb = b;

  return (fa->contribution < fb->contribution) - (fa->contribution > fb->contribution);
}

/**
 * vigil_churn_model_describe_top_factors:
 * @features: a customer's churn features
 * @max_factors: at most this many
 *
 * The factors that raise the customer's risk most, strongest first, in
 * words (vigil_churn_feature_describe()); factors that lower the risk
 * are left out.
 *
 * Returns: (transfer full): a %NULL-terminated array, maybe empty
 */
char **
vigil_churn_model_describe_top_factors (VigilChurnModel *self,
                                        const double     features[],
                                        guint            max_factors)
{
  double contributions[VIGIL_CHURN_N_FEATURES];
  Factor factors[VIGIL_CHURN_N_FEATURES];
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (VIGIL_IS_CHURN_MODEL (self), NULL);
  g_return_val_if_fail (features != NULL, NULL);

  vigil_churn_model_explain (self, features, contributions);
  for (int i = 0; i < VIGIL_CHURN_N_FEATURES; i++)
    factors[i] = (Factor) { (VigilChurnFeature) i, contributions[i] };
  qsort (factors, VIGIL_CHURN_N_FEATURES, sizeof (Factor), compare_factors);

  for (guint i = 0; i < MIN (max_factors, VIGIL_CHURN_N_FEATURES) && factors[i].contribution > 0; i++)
    g_ptr_array_add (words, vigil_churn_feature_describe (factors[i].feature, features[factors[i].feature],
                                                          factors[i].contribution));
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_steal (words, NULL);
}
