/* vigil-churn-risk.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-churn-model.h"
#include "vigil-store.h"

G_BEGIN_DECLS

/* How many factors a risk is explained by, everywhere it is shown. */
#define VIGIL_CHURN_RISK_N_FACTORS 3

double vigil_churn_risk_of      (VigilChurnModel          *model,
                                 const VigilPortfolioRow  *row,
                                 char                   ***out_factors);
char **vigil_churn_risk_describe (VigilChurnModel       *model,
                                  const VigilPortfolioRow *row);
int    vigil_churn_risk_compare (double                    a,
                                 double                    b,
                                 gboolean                  highest_first);
double vigil_churn_at_stake     (double                    churn_risk,
                                 double                    mrr);
int    vigil_churn_at_stake_compare (double                a,
                                     gint32                renewal_a,
                                     double                b,
                                     gint32                renewal_b,
                                     gboolean              most_first);

G_END_DECLS
