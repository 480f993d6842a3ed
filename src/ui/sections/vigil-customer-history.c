/* vigil-customer-history.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "vigil-customer-history.h"

static void
customer_history_clear (gpointer data)
{
  VigilCustomerHistory *history = data;

  g_clear_pointer (&history->rows, g_ptr_array_unref);
  g_clear_pointer (&history->outcomes, g_ptr_array_unref);
  g_clear_pointer (&history->records, g_ptr_array_unref);
  g_clear_pointer (&history->times, g_array_unref);
  g_clear_pointer (&history->health, g_array_unref);
  g_clear_pointer (&history->calls, g_array_unref);
  g_clear_pointer (&history->seats_used, g_array_unref);
}

/* The charts' series, a value per row. */
static void
customer_history_fill_series (VigilCustomerHistory *history)
{
  history->times = g_array_sized_new (FALSE, FALSE, sizeof (gint64), history->rows->len);
  history->health = g_array_sized_new (FALSE, FALSE, sizeof (double), history->rows->len);
  history->calls = g_array_sized_new (FALSE, FALSE, sizeof (double), history->rows->len);
  history->seats_used = g_array_sized_new (FALSE, FALSE, sizeof (double), history->rows->len);
  for (guint i = 0; i < history->rows->len; i++)
    {
      const VigilHistoryRow *row = history->rows->pdata[i];
      const VigilSnapshot *s = row->snapshot;
      double calls = s->api_calls_7d == VIGIL_UNKNOWN ? NAN : (double) s->api_calls_7d;
      double seats = s->seats_used == VIGIL_UNKNOWN ? NAN : (double) s->seats_used;

      g_array_append_val (history->times, s->observed_at);
      g_array_append_val (history->health, row->score.health);
      g_array_append_val (history->calls, calls);
      g_array_append_val (history->seats_used, seats);
    }
}

/**
 * vigil_customer_history_load:
 *
 * Reads @customer_id's history, outcomes and records; for a worker thread.
 *
 * Returns: (transfer full) (nullable): the history, or %NULL with @error set
 */
VigilCustomerHistory *
vigil_customer_history_load (VigilStore  *store,
                             gint64       customer_id,
                             GError     **error)
{
  g_autoptr(VigilCustomerHistory) history = g_atomic_rc_box_new0 (VigilCustomerHistory);

  history->customer_id = customer_id;
  if (!(history->rows = vigil_store_list_history (store, customer_id, error)) ||
      !(history->outcomes = vigil_store_list_outcomes (store, customer_id, error)) ||
      !(history->records = vigil_store_list_records (store, customer_id, error)))
    return NULL;
  customer_history_fill_series (history);
  return g_steal_pointer (&history);
}

VigilCustomerHistory *
vigil_customer_history_ref (VigilCustomerHistory *history)
{
  return g_atomic_rc_box_acquire (history);
}

void
vigil_customer_history_unref (VigilCustomerHistory *history)
{
  g_atomic_rc_box_release_full (history, customer_history_clear);
}

/**
 * vigil_customer_history_get_latest_features:
 * @history: (nullable): the customer's history, %NULL while it loads
 * @latest: the customer's latest snapshot, from its portfolio row
 *
 * The portfolio row comes without the features; the newest history row
 * has them.
 *
 * Returns: (transfer none) (nullable): the latest snapshot's features,
 *   %NULL until the history is in
 */
GArray *
vigil_customer_history_get_latest_features (VigilCustomerHistory *history,
                                            const VigilSnapshot  *latest)
{
  const VigilHistoryRow *newest;

  if (latest->features != NULL)
    return latest->features;
  if (history == NULL || history->rows->len == 0)
    return NULL;
  newest = history->rows->pdata[history->rows->len - 1];
  return newest->snapshot->observed_at == latest->observed_at ? newest->snapshot->features : NULL;
}
