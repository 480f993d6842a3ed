/* vigil-report-data.c: the figures of one week's report, from the store
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-report"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-iso-week.h"
#include "vigil-report-format.h"

#include "vigil-report-data.h"

#define SECONDS_PER_DAY G_GINT64_CONSTANT (86400)
#define SECONDS_PER_WEEK (7 * SECONDS_PER_DAY)

/* Movers listed each way. */
#define N_MOVERS 8

static void
clear_customer (gpointer data)
{
  VigilReportCustomer *customer = data;

  g_clear_pointer (&customer->reasons, g_strfreev);
}

static void
clear_upsell (gpointer data)
{
  VigilReportUpsell *upsell = data;

  g_clear_pointer (&upsell->evidence, g_free);
}

static double
get_mrr (const VigilPortfolioRow *row)
{
  return isnan (row->latest->mrr) ? 0.0 : row->latest->mrr;
}

/* Ties fall back on the name, then the store's id: the same book gives
 * the same order, hence the same bytes. */
static int
compare_identity (const VigilPortfolioRow *a,
                  const VigilPortfolioRow *b)
{
  int c = g_strcmp0 (a->latest->name, b->latest->name);

  if (c != 0)
    return c;
  return (a->customer_id > b->customer_id) - (a->customer_id < b->customer_id);
}

/* Highest churn risk first, unknown risks last (the core's rule), then
 * lowest health (unknown last). */
static int
compare_by_risk (gconstpointer pa,
                 gconstpointer pb)
{
  const VigilReportCustomer *a = pa;
  const VigilReportCustomer *b = pb;
  double ha = a->row->score.health;
  double hb = b->row->score.health;
  int by_risk = vigil_churn_risk_compare (a->churn_risk, b->churn_risk, TRUE);

  if (by_risk != 0)
    return by_risk;
  if (isnan (ha) != isnan (hb))
    return isnan (ha) ? 1 : -1;
  if (!isnan (ha) && ha != hb)
    return ha < hb ? -1 : 1;
  return compare_identity (a->row, b->row);
}

/* By the week's change, @sign 1 for the biggest rise first, -1 for the
 * biggest fall first; ties by identity. */
static int
compare_trends (gconstpointer pa,
                gconstpointer pb,
                gpointer      sign)
{
  const VigilReportCustomer *a = *(const VigilReportCustomer * const *) pa;
  const VigilReportCustomer *b = *(const VigilReportCustomer * const *) pb;
  double ta = a->row->trends[VIGIL_TREND_7D];
  double tb = b->row->trends[VIGIL_TREND_7D];

  if (ta != tb)
    return (ta > tb ? -1 : 1) * GPOINTER_TO_INT (sign);
  return compare_identity (a->row, b->row);
}

/* Largest MRR first, then the rule's order. */
static int
compare_upsells (gconstpointer pa,
                 gconstpointer pb)
{
  const VigilReportUpsell *a = pa;
  const VigilReportUpsell *b = pb;
  double ma = get_mrr (a->customer->row);
  double mb = get_mrr (b->customer->row);
  int c;

  if (ma != mb)
    return ma > mb ? -1 : 1;
  if ((c = compare_identity (a->customer->row, b->customer->row)) != 0)
    return c;
  return (int) a->rule - (int) b->rule;
}

/* Customers, tiers and MRR of the book at @time (portfolio rows as of
 * it, the active book), counted as the window's overview counts them. */
static void
set_figures (const VigilBookFigures *book,
             double                  health_sum,
             guint                   n_health,
             VigilReportFigures     *figures)
{
  figures->customers = book->customers;
  figures->mrr = book->mrr;
  for (int t = 0; t < VIGIL_N_TIERS; t++)
    {
      figures->tier_customers[t] = book->tier_customers[t];
      figures->tier_mrr[t] = book->tier_mrr[t];
    }
  figures->average_health = n_health > 0 ? health_sum / n_health : NAN;
  figures->mrr_at_risk = book->mrr_at_risk;
}

static void
sum_rows (GPtrArray          *rows,
          VigilReportFigures *figures)
{
  VigilBookFigures book = { 0, };
  double health_sum = 0;
  guint n_health = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (rows, i);

      if (vigil_book_figures_add (&book, row) && !isnan (row->score.health))
        {
          health_sum += row->score.health;
          n_health++;
        }
    }
  set_figures (&book, health_sum, n_health, figures);
}

/* Triggers and outcomes of the week starting at @start. */
static gboolean
count_events (VigilStore          *store,
              gint64               start,
              const char          *owner,
              VigilReportFigures  *figures,
              GError             **error)
{
  g_autoptr(GPtrArray) triggers = NULL;
  gint32 first_day = (gint32) (start / SECONDS_PER_DAY);

  if (!(triggers = vigil_store_list_triggers_first_seen (store, start, start + SECONDS_PER_WEEK,
                                                         owner, error)))
    return FALSE;
  figures->new_triggers = triggers->len;
  for (guint i = 0; i < triggers->len; i++)
    {
      const VigilTriggerRow *trigger = g_ptr_array_index (triggers, i);

      if (g_strcmp0 (trigger->kind, "upsell") == 0)
        figures->new_upsell_triggers++;
      else
        figures->new_risk_triggers++;
    }
  return vigil_store_count_outcomes_between (store, first_day, first_day + 6, owner,
                                             &figures->churned, &figures->renewed, error);
}

static gboolean
gather_figures (VigilStore          *store,
                gint64               start,
                const char          *owner,
                GPtrArray          **out_rows,
                VigilReportFigures  *figures,
                GError             **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  /* A week only compared with needs its figures, not its rows. */
  if (out_rows == NULL)
    {
      VigilBookFigures book = { 0, };
      double health_sum;
      guint n_health;

      if (!vigil_store_add_book_figures_at (store, start + SECONDS_PER_WEEK - 1, owner, &book, &health_sum,
                                            &n_health, error) ||
          !count_events (store, start, owner, figures, error))
        return FALSE;
      set_figures (&book, health_sum, n_health, figures);
      return TRUE;
    }
  if (!(rows = vigil_store_list_portfolio_at (store, start + SECONDS_PER_WEEK - 1, owner, error)) ||
      !count_events (store, start, owner, figures, error))
    return FALSE;
  sum_rows (rows, figures);
  *out_rows = g_steal_pointer (&rows);
  return TRUE;
}

static void
set_no_data_error (VigilStore      *store,
                   VigilReportData *self,
                   gint64           first,
                   gint64           last,
                   GError         **error)
{
  g_autofree char *week = vigil_iso_week_format (self->iso_year, self->iso_week);
  g_autofree char *from = vigil_report_format_day (self->first_day, TRUE);
  g_autofree char *to = vigil_report_format_day (self->first_day + 6, TRUE);

  if (last == 0)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND,
                 _("No data for week %s (%s – %s): the database holds no history yet"),
                 week, from, to);
  else
    {
      g_autofree char *history_from = vigil_report_format_day ((gint32) (first / SECONDS_PER_DAY), TRUE);
      g_autofree char *history_to = vigil_report_format_day ((gint32) (last / SECONDS_PER_DAY), TRUE);

      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND,
                   _("No data for week %s (%s – %s): the history%s%s runs from %s to %s"),
                   week, from, to, self->owner != NULL ? _(" of ") : "",
                   self->owner != NULL ? self->owner : "", history_from, history_to);
    }
}

static void
find_movers (VigilReportData *self)
{
  self->movers_up = g_ptr_array_new ();
  self->movers_down = g_ptr_array_new ();

  for (guint i = 0; i < self->customers->len; i++)
    {
      VigilReportCustomer *customer = &g_array_index (self->customers, VigilReportCustomer, i);
      double trend = customer->row->trends[VIGIL_TREND_7D];

      if (isnan (trend) || trend == 0)
        continue;
      g_ptr_array_add (trend > 0 ? self->movers_up : self->movers_down, customer);
    }
  g_ptr_array_sort_with_data (self->movers_up, compare_trends, GINT_TO_POINTER (1));
  g_ptr_array_sort_with_data (self->movers_down, compare_trends, GINT_TO_POINTER (-1));
  if (self->movers_up->len > N_MOVERS)
    g_ptr_array_set_size (self->movers_up, N_MOVERS);
  if (self->movers_down->len > N_MOVERS)
    g_ptr_array_set_size (self->movers_down, N_MOVERS);
}

static gboolean
find_upsells (VigilReportData  *self,
              VigilStore       *store,
              GError          **error)
{
  g_autoptr(VigilTriggerSettings) settings = NULL;

  if (!(settings = vigil_triggers_load_settings (store, error)))
    return FALSE;

  self->upsells = g_array_new (FALSE, TRUE, sizeof (VigilReportUpsell));
  g_array_set_clear_func (self->upsells, clear_upsell);

  /* The same rules as the triggers, on the book as it stood then. */
  for (guint i = 0; i < self->customers->len; i++)
    {
      const VigilReportCustomer *customer = &g_array_index (self->customers, VigilReportCustomer, i);
      char *evidence[VIGIL_N_TRIGGER_RULES];

      vigil_triggers_evaluate_row (customer->row, settings, evidence);
      for (int r = 0; r < VIGIL_N_TRIGGER_RULES; r++)
        {
          if (evidence[r] != NULL && g_str_equal (vigil_trigger_rule_get_kind ((VigilTriggerRule) r), "upsell"))
            {
              VigilReportUpsell upsell = { customer, (VigilTriggerRule) r, evidence[r] };

              g_array_append_val (self->upsells, upsell);
            }
          else
            g_free (evidence[r]);
        }
    }
  g_array_sort (self->upsells, compare_upsells);
  return TRUE;
}

static gboolean
gather_trend (VigilReportData  *self,
              VigilStore       *store,
              GError          **error)
{
  double averages[VIGIL_REPORT_TREND_WEEKS];
  guint counts[VIGIL_REPORT_TREND_WEEKS];
  gint64 oldest_end = self->end - (gint64) (VIGIL_REPORT_TREND_WEEKS - 1) * SECONDS_PER_WEEK;

  /* Each point stands at the end of its week, the oldest first. */
  if (!vigil_store_get_average_health_every (store, oldest_end - 1, SECONDS_PER_WEEK, VIGIL_REPORT_TREND_WEEKS,
                                             self->owner, averages, counts, error))
    return FALSE;
  for (guint w = 0; w < VIGIL_REPORT_TREND_WEEKS; w++)
    {
      if (counts[w] == 0 || isnan (averages[w]))
        continue;
      self->trend_times[self->n_trend] = oldest_end - 1 + (gint64) w * SECONDS_PER_WEEK;
      self->trend_values[self->n_trend] = averages[w];
      self->n_trend++;
    }
  return TRUE;
}

/**
 * vigil_report_data_gather:
 * @owner: (nullable): only this owner's customers
 * @n_top_risks: how many of the riskiest customers get their reasons
 *
 * Everything the report shows of the week, from the store.
 *
 * Returns: (transfer full): the figures, or %NULL with @error set: an
 *   unknown owner or a week without data is a %VIGIL_ERROR_NOT_FOUND
 */
VigilReportData *
vigil_report_data_gather (VigilStore   *store,
                          int           iso_year,
                          int           iso_week,
                          const char   *owner,
                          guint         n_top_risks,
                          GError      **error)
{
  g_autoptr(VigilReportData) self = g_new0 (VigilReportData, 1);
  g_autoptr(VigilScorecard) scorecard = NULL;
  g_autoptr(VigilChurnModel) model = NULL;
  VigilChurnStatus status;
  gint64 n_customers = 0, first = 0, last = 0;
  guint observed = 0;

  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);

  self->iso_year = iso_year;
  self->iso_week = iso_week;
  self->owner = g_strdup (owner);
  if (!vigil_iso_week_get_first_day (iso_year, iso_week, &self->first_day))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("%d-W%02d is not a week"), iso_year, iso_week);
      return NULL;
    }
  self->start = (gint64) self->first_day * SECONDS_PER_DAY;
  self->end = self->start + SECONDS_PER_WEEK;

  if (!vigil_store_get_history_span (store, owner, &n_customers, &first, &last, error))
    return NULL;
  if (owner != NULL && n_customers == 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND,
                   _("No customers owned by “%s”"), owner);
      return NULL;
    }

  if (!gather_figures (store, self->start, owner, &self->rows, &self->now, error))
    return NULL;
  for (guint i = 0; i < self->rows->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (self->rows, i);

      if (row->latest->observed_at >= self->start)
        observed++;
    }
  if (observed == 0)
    {
      set_no_data_error (store, self, first, last, error);
      return NULL;
    }
  if (!gather_figures (store, self->start - SECONDS_PER_WEEK, owner, NULL, &self->before, error))
    return NULL;

  if (!(scorecard = vigil_store_load_scorecard (store, error)) ||
      !(model = vigil_churn_trainer_load_model (store, &status, error)))
    return NULL;
  self->scorecard_version = vigil_scorecard_get_version (scorecard);
  self->healthy_cutoff = vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_HEALTHY);
  self->at_risk_cutoff = vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_AT_RISK);
  self->model_is_default = vigil_churn_model_is_default (model);
  self->model_auc = status.refit_in_use ? status.auc : NAN;

  /* Every customer's churn risk, then the book by risk. */
  self->customers = g_array_sized_new (FALSE, TRUE, sizeof (VigilReportCustomer), self->rows->len);
  g_array_set_clear_func (self->customers, clear_customer);
  self->scores = g_new (double, MAX (1, self->rows->len));
  for (guint i = 0; i < self->rows->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (self->rows, i);
      VigilReportCustomer customer = { row, vigil_churn_risk_of (model, row, NULL), NULL };

      g_array_append_val (self->customers, customer);
      if (!isnan (row->score.health))
        self->scores[self->n_scores++] = row->score.health;
    }
  g_array_sort (self->customers, compare_by_risk);

  /* The top risks are known risks: a customer without one is not ranked
   * among them, however little is known of it. */
  for (guint i = 0; i < MIN (n_top_risks, self->customers->len); i++)
    {
      VigilReportCustomer *customer = &g_array_index (self->customers, VigilReportCustomer, i);

      if (isnan (customer->churn_risk))
        break;
      vigil_churn_risk_of (model, customer->row, &customer->reasons);
      self->n_top_risks++;
    }

  find_movers (self);
  if (!find_upsells (self, store, error) ||
      !gather_trend (self, store, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
vigil_report_data_free (VigilReportData *self)
{
  if (self == NULL)
    return;
  g_free (self->owner);
  g_clear_pointer (&self->upsells, g_array_unref);
  g_clear_pointer (&self->movers_up, g_ptr_array_unref);
  g_clear_pointer (&self->movers_down, g_ptr_array_unref);
  /* Customers point into the rows: they go first. */
  g_clear_pointer (&self->customers, g_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self->scores);
  g_free (self);
}
