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

/* Cross-validation folds: the refit asks one outcome of each kind per fold. */
#define FOLDS VIGIL_CHURN_MIN_PER_KIND
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

static gboolean
read_status (VigilStore        *store,
             VigilChurnStatus  *out_status,
             GError           **error)
{
  g_autofree char *status_text = NULL;

  if (!vigil_store_get_meta (store, "churn_status", &status_text, error))
    return FALSE;
  parse_status (status_text, out_status);
  return TRUE;
}

/* The status and the model change together or not at all: a refit that
 * fails half-way leaves the previous model in use, as it was. */
static gboolean
save_status (VigilStore              *store,
             const VigilChurnStatus  *status,
             const char              *model_json,
             GError                 **error)
{
  g_autofree char *status_text = format_status (status);

  if (!vigil_store_begin (store, error))
    return FALSE;
  if (!vigil_store_set_meta (store, "churn_status", status_text, error) ||
      !vigil_store_set_meta (store, "churn_model", model_json, error) ||
      !vigil_store_commit (store, error))
    {
      vigil_store_rollback (store);
      return FALSE;
    }
  return TRUE;
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
  VigilChurnStatus status;

  if (!vigil_store_get_meta (store, "churn_model", &json, error) ||
      !read_status (store, &status, error))
    return NULL;
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
 * With at least %VIGIL_CHURN_MIN_OUTCOMES outcomes, %VIGIL_CHURN_MIN_PER_KIND
 * of each kind or more, fits a logistic model with the default L2 penalty
 * (%VIGIL_CHURN_DEFAULT_LAMBDA) on features as they stood before each
 * outcome, measures it by k-fold cross-validation against the default
 * model, and puts it in use only if its held-out AUC is higher.
 *
 * Returns: %FALSE with @error set when the outcomes cannot be read, a fit
 *   fails or the result cannot be stored; the model in use is then the
 *   one before the call
 */
gboolean
vigil_churn_trainer_refit (VigilStore        *store,
                           VigilChurnStatus  *out_status,
                           GError           **error)
{
  g_autoptr(GArray) features = NULL;
  g_autoptr(GArray) labels = NULL;
  g_autoptr(VigilChurnModel) model = NULL;
  g_autofree char *json = NULL;
  VigilChurnStatus status = { 0, FALSE, NAN, NAN };
  guint positives = 0;

  if (!vigil_store_get_outcome_samples (store, &features, &labels, error))
    return FALSE;

  status.n_outcomes = labels->len;
  for (guint i = 0; i < labels->len; i++)
    positives += g_array_index (labels, int, i) != 0;

  /* One of each kind in every fold: every training set has both kinds,
   * and every held-out fold ranks a churner against a renewal. */
  if (labels->len >= VIGIL_CHURN_MIN_OUTCOMES &&
      positives >= VIGIL_CHURN_MIN_PER_KIND && labels->len - positives >= VIGIL_CHURN_MIN_PER_KIND)
    {
      status.auc = vigil_churn_cross_validate ((const double *) features->data, (const int *) labels->data,
                                               labels->len, FOLDS, VIGIL_CHURN_DEFAULT_LAMBDA, SEED,
                                               &status.default_auc, error);
      if (isnan (status.auc))
        return FALSE;
      if (status.auc > status.default_auc)
        {
          model = vigil_churn_model_fit ((const double *) features->data, (const int *) labels->data,
                                         labels->len, VIGIL_CHURN_DEFAULT_LAMBDA, error);
          if (model == NULL)
            return FALSE;
          status.refit_in_use = TRUE;
          json = vigil_churn_model_to_json (model);
        }
    }

  if (!save_status (store, &status, json, error))
    return FALSE;

  if (out_status != NULL)
    *out_status = status;
  return TRUE;
}

/**
 * vigil_churn_trainer_record_outcome:
 * @customer_id: the customer's store id
 * @outcome: `churned` or `renewed`
 * @day: the day it happened (days since 1970-01-01)
 * @out_status: (out) (optional): the model in use afterwards
 * @out_refit_error: (out) (optional) (transfer full): why the refit
 *   failed, or %NULL when it did not
 *
 * Records an outcome, then gives the churn model the chance to learn from
 * it (vigil_churn_trainer_refit()). The outcome is a fact the user saw:
 * it is stored whatever the model does. When the refit fails, the
 * previous model stays in use, @out_status describes that model and
 * @out_refit_error says why; the call still succeeds. On a team's book a
 * role that does not keep the book (vigil_store_may_keep_book()) leaves
 * the refit to the team's ops (vigil_churn_trainer_refit()), and
 * @out_status is the model in use.
 *
 * Returns: %FALSE with @error set only when the outcome was not stored
 */
gboolean
vigil_churn_trainer_record_outcome (VigilStore        *store,
                                    gint64             customer_id,
                                    const char        *outcome,
                                    gint32             day,
                                    VigilChurnStatus  *out_status,
                                    GError           **out_refit_error,
                                    GError           **error)
{
  g_autoptr(GError) refit_error = NULL;
  VigilChurnStatus status = { 0, FALSE, NAN, NAN };
  gboolean may_keep = TRUE;

  g_return_val_if_fail (VIGIL_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_refit_error == NULL || *out_refit_error == NULL, FALSE);

  if (!vigil_store_record_outcome (store, customer_id, outcome, day, error))
    return FALSE;

  /* design 1.1: the model is the whole book's; a CSM's outcome waits
   * for the ops' refit (vigil churn-model --refit) */
  if (!vigil_store_may_keep_book (store, &may_keep, &refit_error) || !may_keep)
    {
      if (refit_error == NULL && read_status (store, &status, &refit_error) && out_status != NULL)
        *out_status = status;
      if (refit_error != NULL && out_refit_error != NULL)
        *out_refit_error = g_steal_pointer (&refit_error);
      return TRUE;
    }

  if (!vigil_churn_trainer_refit (store, &status, &refit_error))
    {
      g_debug ("Refit failed, the previous churn model stays: %s", refit_error->message);
      /* What is in use now is what was before: say so if it can be read. */
      if (!read_status (store, &status, NULL))
        status = (VigilChurnStatus) { 0, FALSE, NAN, NAN };
      if (out_refit_error != NULL)
        *out_refit_error = g_steal_pointer (&refit_error);
    }

  if (out_status != NULL)
    *out_status = status;
  return TRUE;
}
