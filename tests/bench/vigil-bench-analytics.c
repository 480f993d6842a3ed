/* vigil-bench-analytics.c: the analytics figures of issue 5 (a program
 * that prints figures; not a timed test)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On a generated book of N customers × W weekly snapshots it times a full
 * rescore after a scorecard change, churn features and risk for the
 * portfolio, a trigger evaluation, and a refit on the customers' outcomes
 * (those of the book who churn, and as many who renew), and reports
 * the default and the refit model's held-out AUC. By default a third of
 * the book's customers decay before they churn (--decaying-share).
 *
 * Issue 17 (design 3.1): P pulses a customer (--pulses), taken at
 * times spread over the history, then the full rescore again with the
 * sentiment measure off (weight 0: the pulses are not read) and on
 * (weight 10: each customer's pulses walked beside its snapshots), and a
 * pulse taken with the measure on (its customer rescored from its time).
 */

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "vigil-core.h"
#include "vigil-demo.h"

#define WEEK (7 * 86400)

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
check (gboolean  ok,
       GError   *error)
{
  if (!ok)
    {
      g_printerr ("vigil-bench-analytics: %s\n", error ? error->message : "failed");
      exit (1);
    }
}

int
main (int    argc,
      char **argv)
{
  int customers = 10000;
  int weeks = 52;
  int outcomes = 2000;
  int pulses_per_customer = 2;
  double decaying_share = 1.0 / 3;
  GOptionEntry entries[] = {
    { "customers", 0, 0, G_OPTION_ARG_INT, &customers, "Customers", "N" },
    { "weeks", 0, 0, G_OPTION_ARG_INT, &weeks, "Weekly snapshots per customer", "W" },
    { "outcomes", 0, 0, G_OPTION_ARG_INT, &outcomes, "Outcomes to refit on", "N" },
    { "pulses", 0, 0, G_OPTION_ARG_INT, &pulses_per_customer, "Pulses a customer (default 2)", "P" },
    { "decaying-share", 0, 0, G_OPTION_ARG_DOUBLE, &decaying_share,
      "Share of customers whose health decays before they churn (default 1/3)", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- issue 5's analytics figures");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vigil-bench-analytics-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilDemo) demo = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(VigilScorecard) current = NULL;
  g_autoptr(VigilScorecard) next = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(VigilChurnModel) model = vigil_churn_model_new_default ();
  gint64 end = (g_get_real_time () / G_USEC_PER_SEC) / 86400 * 86400;
  gint64 start;
  guint64 rescored = 0;
  guint opened = 0, churned = 0, renewed = 0;
  VigilChurnStatus status;
  double rescore_s, churn_s, trigger_s, refit_s, risk_sum = 0;
  double pulses_s = 0, rescore_off_s = 0, rescore_on_s = 0, one_pulse_s = 0;
  guint64 rescored_off = 0, rescored_on = 0, rescored_one = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    check (FALSE, error);

  store = vigil_store_open (path, &error);
  check (store != NULL, error);
  demo = g_object_new (VIGIL_TYPE_DEMO,
                       "seed", (guint64) 20261123,
                       "n-customers", (guint) customers,
                       "decaying-share", decaying_share,
                       NULL);

  start = g_get_monotonic_time ();
  ingest = vigil_ingest_begin (store, "bench", end, &error);
  check (ingest != NULL, error);
  for (int w = weeks - 1; w >= 0; w--)
    for (int c = 0; c < customers; c++)
      {
        vigil_demo_fill_snapshot (demo, (guint) c, end - (gint64) w * WEEK, snapshot);
        check (vigil_ingest_add (ingest, snapshot, &error), error);
      }
  check (vigil_ingest_commit (ingest, &error), error);
  printf ("book: %d customers x %d weekly snapshots = %d, stored in %.2f s; "
          "%.0f %% of the customers decay before churning\n",
          customers, weeks, customers * weeks, seconds_since (start), decaying_share * 100);

  /* A full rescore after a scorecard change */
  current = vigil_store_load_scorecard (store, &error);
  next = vigil_scorecard_new_with (current, "activity.weight", 50, &error);
  check (next != NULL, error);
  start = g_get_monotonic_time ();
  check (vigil_store_save_scorecard (store, next, &rescored, &error), error);
  rescore_s = seconds_since (start);

  /* Pulses over the history, taken with the measure off */
  if (pulses_per_customer > 0)
    {
      g_autoptr(VigilScorecard) off = NULL;
      g_autoptr(VigilScorecard) on = NULL;
      g_autoptr(VigilScorecard) loaded = NULL;
      gint64 span = (gint64) weeks * WEEK;
      g_autofree gint64 *ids = g_new (gint64, customers);

      for (int c = 0; c < customers; c++)
        {
          g_autofree char *external = g_strdup_printf ("acct-%05d", c);

          ids[c] = vigil_store_find_customer (store, external, NULL, &error);
          check (ids[c] > 0, error);
        }
      start = g_get_monotonic_time ();
      for (int c = 0; c < customers; c++)
        for (int p = 0; p < pulses_per_customer; p++)
          {
            gint64 at = end - span + (span * (p + 1)) / (pulses_per_customer + 1) - (c % 7) * 86400;

            check (vigil_store_set_pulse (store, ids[c], (VigilSentiment) ((c + p) % VIGIL_N_SENTIMENTS),
                                          VIGIL_PULSE_REASON_NONE, NULL, at, NULL, &error) > 0, error);
          }
      pulses_s = seconds_since (start);

      loaded = vigil_store_load_scorecard (store, &error);
      off = vigil_scorecard_new_with (loaded, "volume.target", 6000, &error);
      check (off != NULL, error);
      start = g_get_monotonic_time ();
      check (vigil_store_save_scorecard (store, off, &rescored_off, &error), error);
      rescore_off_s = seconds_since (start);

      on = vigil_scorecard_new_with (off, "sentiment.weight", 10, &error);
      check (on != NULL, error);
      start = g_get_monotonic_time ();
      check (vigil_store_save_scorecard (store, on, &rescored_on, &error), error);
      rescore_on_s = seconds_since (start);

      /* A pulse a year back, with the measure on */
      start = g_get_monotonic_time ();
      check (vigil_store_set_pulse (store, ids[customers / 2], VIGIL_SENTIMENT_RED,
                                    VIGIL_PULSE_REASON_BUDGET, "bench", end - 52 * WEEK, &rescored_one,
                                    &error) > 0, error);
      one_pulse_s = seconds_since (start);
    }

  /* Churn features and risk for the whole portfolio */
  start = g_get_monotonic_time ();
  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  check (rows != NULL, error);
  for (guint i = 0; i < rows->len; i++)
    {
      double features[VIGIL_CHURN_N_FEATURES];

      vigil_portfolio_row_get_churn_features (g_ptr_array_index (rows, i), features);
      risk_sum += vigil_churn_model_predict (model, features);
    }
  churn_s = seconds_since (start);

  /* Triggers, as after a poll */
  start = g_get_monotonic_time ();
  check (vigil_triggers_update (store, end, &opened, &error), error);
  trigger_s = seconds_since (start);

  /* Outcomes: customers the book churns, dated the day they stop (the
   * model sees only their decay before it, not the silence after), and
   * as many who renew at the end of the history. */
  for (int c = 0; c < customers && (int) (churned + renewed) < outcomes; c++)
    {
      gint64 churn_time = vigil_demo_get_churn_time (demo, (guint) c);
      gint64 id;
      g_autofree char *external = g_strdup_printf ("acct-%05d", c);

      id = vigil_store_find_customer (store, external, NULL, &error);
      check (id > 0, error);
      if (churn_time != VIGIL_UNKNOWN && churn_time < end && churned < (guint) outcomes / 2)
        {
          check (vigil_store_record_outcome (store, id, "churned", vigil_time_get_day (churn_time), &error),
                 error);
          churned++;
        }
      else if (churn_time == VIGIL_UNKNOWN && renewed < (guint) outcomes / 2)
        {
          check (vigil_store_record_outcome (store, id, "renewed", vigil_time_get_day (end), &error), error);
          renewed++;
        }
    }

  start = g_get_monotonic_time ();
  check (vigil_churn_trainer_refit (store, &status, &error), error);
  refit_s = seconds_since (start);

  printf ("\n%-52s %10s %10s\n", "figure", "measured", "goal");
  printf ("%-52s %9.3fs %9.1fs  (%" G_GUINT64_FORMAT " snapshots)\n", "full rescore after a scorecard change",
          rescore_s, 0.5, rescored);
  if (pulses_per_customer > 0)
    {
      printf ("%-52s %9.3fs %10s  (%d pulses, %.2f ms each)\n", "pulses taken, sentiment off", pulses_s, "",
              customers * pulses_per_customer, pulses_s * 1000 / MAX (customers * pulses_per_customer, 1));
      printf ("%-52s %9.3fs %10s  (%" G_GUINT64_FORMAT " snapshots)\n", "full rescore, pulses stored, sentiment off",
              rescore_off_s, "", rescored_off);
      printf ("%-52s %9.3fs %10s  (%" G_GUINT64_FORMAT " snapshots)\n", "full rescore, sentiment weight 10",
              rescore_on_s, "", rescored_on);
      printf ("%-52s %9.3fs %10s  (%" G_GUINT64_FORMAT " snapshots of its customer)\n",
              "a pulse a year back, sentiment on", one_pulse_s, "", rescored_one);
    }
  printf ("%-52s %9.3fs %9.1fs  (mean risk %.3f)\n", "churn features + risk for the portfolio",
          churn_s, 0.3, risk_sum / MAX (rows->len, 1));
  printf ("%-52s %9.3fs %9.1fs  (%u opened)\n", "trigger evaluation", trigger_s, 0.1, opened);
  printf ("%-52s %9.3fs %9.1fs  (%u churned, %u renewed)\n", "refit with 5-fold cross-validation",
          refit_s, 1.0, churned, renewed);
  printf ("%-52s %10.3f\n", "held-out AUC, default model", status.default_auc);
  printf ("%-52s %10.3f %10s  (%s)\n", "held-out AUC, refit model", status.auc, ">= 0.85",
          status.refit_in_use ? "refit in use" : "default kept");

  g_clear_object (&store);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

        g_remove (file);
      }
    g_rmdir (dir);
  }
  return 0;
}
