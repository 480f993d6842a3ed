/* vigil-churn-risk.c: a customer's churn risk, the one rule for it
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-churn"

#include "config.h"

#include <math.h>

#include "vigil-churn-risk.h"

/* The window, the command line and the weekly report all ask here, so a
 * customer has the same risk, or the same lack of one, wherever it is
 * shown (design 3.2). */

/**
 * vigil_churn_risk_of:
 * @model: the churn model in use
 * @row: the customer as of its latest snapshot
 * @out_factors: (out) (optional) (transfer full) (nullable): the
 *   %VIGIL_CHURN_RISK_N_FACTORS factors that raise the risk most, in
 *   words; %NULL when the risk is unknown
 *
 * A customer without a health score has no churn risk: the model's
 * strongest input is the health level, and a risk made of reference
 * values only would rank a customer nobody has data about among real
 * ones.
 *
 * Returns: the probability that the customer churns, 0..1, or NAN when
 *   it is unknown
 */
double
vigil_churn_risk_of (VigilChurnModel          *model,
                     const VigilPortfolioRow  *row,
                     char                   ***out_factors)
{
  double features[VIGIL_CHURN_N_FEATURES];

  g_return_val_if_fail (VIGIL_IS_CHURN_MODEL (model), NAN);
  g_return_val_if_fail (row != NULL, NAN);

  if (out_factors != NULL)
    *out_factors = NULL;
  if (isnan (row->score.health))
    return NAN;

  vigil_portfolio_row_get_churn_features (row, features);
  if (out_factors != NULL)
    *out_factors = vigil_churn_risk_describe (model, row);
  return vigil_churn_model_predict (model, features);
}

/**
 * vigil_churn_risk_describe:
 * @model: the churn model in use
 * @row: the customer as of its latest snapshot
 *
 * The factors of vigil_churn_risk_of() alone, for a view that shows them
 * after the risk was worked out (the window asks when it shows them).
 *
 * Returns: (transfer full) (nullable): the %VIGIL_CHURN_RISK_N_FACTORS
 *   factors that raise the risk most, in words; %NULL when the risk is
 *   unknown
 */
char **
vigil_churn_risk_describe (VigilChurnModel         *model,
                           const VigilPortfolioRow *row)
{
  double features[VIGIL_CHURN_N_FEATURES];

  g_return_val_if_fail (VIGIL_IS_CHURN_MODEL (model), NULL);
  g_return_val_if_fail (row != NULL, NULL);

  if (isnan (row->score.health))
    return NULL;
  vigil_portfolio_row_get_churn_features (row, features);
  return vigil_churn_model_describe_top_factors (model, features, VIGIL_CHURN_RISK_N_FACTORS);
}

/**
 * vigil_churn_risk_compare:
 * @a: a churn risk, NAN when unknown
 * @b: another
 * @highest_first: the order of known risks
 *
 * Orders customers by risk: known risks in the order asked, an unknown
 * risk after every known one whichever the order (an unknown is not a
 * low risk, nor a high one).
 *
 * Returns: negative when @a comes first, positive when @b does, 0 for
 *   equal risks and for two unknown ones
 */
int
vigil_churn_risk_compare (double   a,
                          double   b,
                          gboolean highest_first)
{
  if (isnan (a) || isnan (b))
    return isnan (a) - isnan (b);
  if (highest_first)
    return (a < b) - (a > b);
  return (a > b) - (a < b);
}

/**
 * vigil_churn_at_stake:
 * @churn_risk: a churn risk, NAN when unknown
 * @mrr: the customer's MRR, NAN when unknown
 *
 * What a customer puts at stake (design 3.2): the MRR its churn risk
 * may take away, risk × MRR.
 *
 * Returns: the MRR at stake, NAN when the risk or the MRR is unknown
 */
double
vigil_churn_at_stake (double churn_risk,
                      double mrr)
{
  if (isnan (churn_risk) || isnan (mrr))
    return NAN;
  return churn_risk * mrr;
}

static int
compare_renewals (gint32 a,
                  gint32 b)
{
  if (a == VIGIL_UNKNOWN_DAY || b == VIGIL_UNKNOWN_DAY)
    return (a == VIGIL_UNKNOWN_DAY) - (b == VIGIL_UNKNOWN_DAY);
  return (a > b) - (a < b);
}

/**
 * vigil_churn_at_stake_compare:
 * @a: what one customer has at stake (vigil_churn_at_stake()), NAN when
 *   unknown
 * @renewal_a: its renewal day, or %VIGIL_UNKNOWN_DAY
 * @b: another customer's
 * @renewal_b: its renewal day
 * @most_first: the order of known stakes
 *
 * The order that puts what needs attention first (design 3.2): the most
 * at stake first (the least with @most_first %FALSE), an unknown stake
 * after every known one whichever the order; between equal stakes, and
 * between unknown ones, the sooner renewal first, an unknown renewal
 * last.
 *
 * Returns: negative when @a comes first, positive when @b does, 0 when
 *   neither does
 */
int
vigil_churn_at_stake_compare (double   a,
                              gint32   renewal_a,
                              double   b,
                              gint32   renewal_b,
                              gboolean most_first)
{
  int by_stake = vigil_churn_risk_compare (a, b, most_first);

  if (by_stake != 0)
    return by_stake;
  return compare_renewals (renewal_a, renewal_b);
}
