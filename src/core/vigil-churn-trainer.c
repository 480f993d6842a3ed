/* vigil-churn-trainer.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-churn"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "vigil-churn-trainer.h"

/* Refits the churn model on the outcomes the user recorded, and keeps it
 * only if it beats the default model on held-out outcomes: a model is
 * used because it is measurably better, never because it is newer. */

#define FOLDS 5
#define LAMBDA 0.01
#define SEED 20261123

static void
parse_status (const char       *text,
              VigilChurnStatus *status)
{
  status->n_outcomes = 0;
  status->refit_in_use = FALSE;
  status->auc = NAN;
  status->default_auc = NAN;
  if (text != NULL)
    {
      guint refit = 0;
      char auc[64] = "", default_auc[64] = "";

      if (sscanf (text, "%u %u %63s %63s", &status->n_outcomes, &refit, auc, default_auc) == 4)
        {
          status->refit_in_use = refit != 0;
          status->auc = g_ascii_strtod (auc, NULL);
          status->default_auc = g_ascii_strtod (default_auc, NULL);
        }
    }
}

static char *
format_status (const VigilChurnStatus *status)
{
  char auc[G_ASCII_DTOSTR_BUF_SIZE], default_auc[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("%u %u %s %s", status->n_outcomes, status->refit_in_use ? 1 : 0,
                          g_ascii_dtostr (auc, sizeof auc, status->auc),
                          g_ascii_dtostr (default_auc, sizeof default_auc, status->default_auc));
}

/**
 * vigil_churn_trainer_load_model:
 * @out_status: (out) (optional): how the model in use came to be
 *
 * Returns: (transfer full): the refit model if one is in use, else the
 *   default model
 */
VigilChurnModel *
vigil_churn_trainer_load_model (VigilStore        *store,
                                VigilChurnStatus  *out_status,
                                GError           **error)
{
  g_autofree char *json = NULL;
  g_autofree char *status_text = NULL;
  VigilChurnStatus status;

  if (!vigil_store_get_meta (store, "churn_model", &json, error) ||
      !vigil_store_get_meta (store, "churn_status", &status_text, error))
    return NULL;
  parse_status (status_text, &status);
  if (out_status != NULL)
    *out_status = status;

  if (json != NULL && status.refit_in_use)
    return vigil_churn_model_new_from_json (json, error);
  return vigil_churn_model_new_default ();
}

/**
 * vigil_churn_trainer_refit:
 * @out_status: (out) (optional): the outcome of the attempt
 *
 * With at least %VIGIL_CHURN_MIN_OUTCOMES outcomes of both kinds, fits
 * a regularised logistic model on features as they stood before each
 * outcome, measures it by k-fold cross-validation against the default
 * model, and puts it in use only if its held-out AUC is higher.
 */
gboolean
vigil_churn_trainer_refit (VigilStore        *store,
                           VigilChurnStatus  *out_status,
                           GError           **error)
{
  g_autoptr(GArray) features = NULL;
  g_autoptr(GArray) labels = NULL;
  g_autoptr(VigilChurnModel) model = NULL;
  g_autofree char *status_text = NULL;
  g_autofree char *json = NULL;
  VigilChurnStatus status = { 0, FALSE, NAN, NAN };
  guint positives = 0;

  if (!vigil_store_get_outcome_samples (store, &features, &labels, error))
    return FALSE;

  status.n_outcomes = labels->len;
  for (guint i = 0; i < labels->len; i++)
    positives += g_array_index (labels, int, i) != 0;

  if (labels->len >= VIGIL_CHURN_MIN_OUTCOMES && positives > 0 && positives < labels->len)
    {
      status.auc = vigil_churn_cross_validate ((const double *) features->data, (const int *) labels->data,
                                               labels->len, FOLDS, LAMBDA, SEED, &status.default_auc, error);
      if (isnan (status.auc))
        return FALSE;
      if (status.auc > status.default_auc)
        {
          model = vigil_churn_model_fit ((const double *) features->data, (const int *) labels->data,
                                         labels->len, LAMBDA, error);
          if (model == NULL)
            return FALSE;
          status.refit_in_use = TRUE;
          json = vigil_churn_model_to_json (model);
        }
    }

  status_text = format_status (&status);
  if (!vigil_store_set_meta (store, "churn_status", status_text, error) ||
      !vigil_store_set_meta (store, "churn_model", json, error))
    return FALSE;

  if (out_status != NULL)
    *out_status = status;
  return TRUE;
}
