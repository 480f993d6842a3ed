/* vigil-churn-model.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Features, in this order (design 3.2 / issue 5): health level (0-100),
 * health change over 14 days, over 28 days, days since last activity,
 * seat-utilisation change over 28 days (in percentage points), days to
 * renewal, open tickets. */
#define VIGIL_CHURN_N_FEATURES 7

/* The L2 penalty a refit uses (design 3.2): 1/2 Σ β² over the coefficients
 * of the standardised features, added to the summed log-loss; the
 * intercept is not penalised. This is a standard normal prior on each
 * standardised coefficient, and the default of common logistic
 * regression libraries (scikit-learn's C = 1). */
#define VIGIL_CHURN_DEFAULT_LAMBDA 1.0

/**
 * VigilChurnFeature:
 * @VIGIL_CHURN_FEATURE_HEALTH: the health score, 0..100
 * @VIGIL_CHURN_FEATURE_TREND_14D: health now minus health 14 days ago, in points
 * @VIGIL_CHURN_FEATURE_TREND_28D: health now minus health 28 days ago, in points
 * @VIGIL_CHURN_FEATURE_DAYS_SILENT: days since the last activity
 * @VIGIL_CHURN_FEATURE_SEAT_TREND: seat utilisation now minus 28 days ago, in
 *   percentage points (utilisation 0.80 → 0.60 is -20)
 * @VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL: days until the contract renews
 *   (negative when overdue)
 * @VIGIL_CHURN_FEATURE_OPEN_TICKETS: open support tickets
 *
 * The inputs of the churn model. An unknown value is passed as NAN.
 */
typedef enum
{
  VIGIL_CHURN_FEATURE_HEALTH,
  VIGIL_CHURN_FEATURE_TREND_14D,
  VIGIL_CHURN_FEATURE_TREND_28D,
  VIGIL_CHURN_FEATURE_DAYS_SILENT,
  VIGIL_CHURN_FEATURE_SEAT_TREND,
  VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL,
  VIGIL_CHURN_FEATURE_OPEN_TICKETS,
} VigilChurnFeature;

#define VIGIL_TYPE_CHURN_MODEL (vigil_churn_model_get_type ())

G_DECLARE_FINAL_TYPE (VigilChurnModel, vigil_churn_model, VIGIL, CHURN_MODEL, GObject)

VigilChurnModel *vigil_churn_model_new_default   (void);
VigilChurnModel *vigil_churn_model_new_from_json (const char  *json,
                                                  GError     **error);
char            *vigil_churn_model_to_json       (VigilChurnModel *self);
gboolean         vigil_churn_model_is_default    (VigilChurnModel *self);
guint            vigil_churn_model_get_n_samples (VigilChurnModel *self);

VigilChurnModel *vigil_churn_model_fit (const double  *features,
                                        const int     *labels,
                                        guint          n,
                                        double         lambda,
                                        GError       **error);

double vigil_churn_model_predict (VigilChurnModel *self,
                                  const double     features[VIGIL_CHURN_N_FEATURES]);
void   vigil_churn_model_explain (VigilChurnModel *self,
                                  const double     features[],
                                  double           out_contributions[VIGIL_CHURN_N_FEATURES]);

char **vigil_churn_model_describe_top_factors (VigilChurnModel *self,
                                               const double     features[],
                                               guint            max_factors);

void vigil_churn_model_get_coefficients (VigilChurnModel *self,
                                         double          *out_intercept,
                                         double           out_coefficients[VIGIL_CHURN_N_FEATURES]);
void vigil_churn_model_get_reference    (VigilChurnModel *self,
                                         double           out_reference[VIGIL_CHURN_N_FEATURES]);

const char *vigil_churn_feature_get_name (VigilChurnFeature feature);
char       *vigil_churn_feature_describe (VigilChurnFeature feature,
                                          double            value,
                                          double            contribution);

double vigil_churn_auc            (const double  *scores,
                                   const int     *labels,
                                   guint          n);
double vigil_churn_cross_validate (const double  *features,
                                   const int     *labels,
                                   guint          n,
                                   guint          k,
                                   double         lambda,
                                   guint64        seed,
                                   double        *out_default_auc,
                                   GError       **error);

G_END_DECLS
