/* vigil-churn-trainer.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-churn-model.h"
#include "vigil-store.h"

G_BEGIN_DECLS

/* A refit needs this many outcomes, and this many of each kind: one
 * churned and one renewed in each of its cross-validation folds. */
#define VIGIL_CHURN_MIN_OUTCOMES 30
#define VIGIL_CHURN_MIN_PER_KIND 5

/**
 * VigilChurnStatus:
 * @n_outcomes: outcomes the last refit looked at
 * @refit_in_use: whether the refit model replaced the default
 * @auc: the refit's cross-validated held-out AUC (NAN if none)
 * @default_auc: the default model's AUC on the same outcomes (NAN if none)
 */
typedef struct
{
  guint    n_outcomes;
  gboolean refit_in_use;
  double   auc;
  double   default_auc;
} VigilChurnStatus;

VigilChurnModel *vigil_churn_trainer_load_model (VigilStore        *store,
                                                 VigilChurnStatus  *out_status,
                                                 GError           **error);
gboolean         vigil_churn_trainer_refit      (VigilStore        *store,
                                                 VigilChurnStatus  *out_status,
                                                 GError           **error);
gboolean         vigil_churn_trainer_record_outcome (VigilStore        *store,
                                                     gint64             customer_id,
                                                     const char        *outcome,
                                                     gint32             day,
                                                     VigilChurnStatus  *out_status,
                                                     GError           **out_refit_error,
                                                     GError           **error);

G_END_DECLS
