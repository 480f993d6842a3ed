/* vigil-inbox.c: the triggers inbox, one customer a row, what is at stake first
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-inbox"

#include "config.h"

#include <math.h>

#include "vigil-churn-risk.h"
#include "vigil-inbox.h"
#include "vigil-time.h"

/* The window's inbox, its badge and `vigil triggers --by-customer` all
 * ask here, so the customers come in one order and the badge counts
 * what the inbox asks a decision on (design 5). */

/**
 * vigil_inbox_stake_init:
 *
 * A stake of @customer_id of which nothing is known yet.
 */
void
vigil_inbox_stake_init (VigilInboxStake *stake,
                        gint64           customer_id)
{
  g_return_if_fail (stake != NULL);

  stake->customer_id = customer_id;
  stake->mrr = NAN;
  stake->churn_risk = NAN;
  stake->renewal_day = VIGIL_UNKNOWN_DAY;
}

/**
 * vigil_inbox_stake_set_row:
 * @row: the customer as of its latest snapshot
 * @churn_risk: its churn risk, NAN when unknown
 *
 * Fills @stake from the customer's latest snapshot.
 */
void
vigil_inbox_stake_set_row (VigilInboxStake         *stake,
                           const VigilPortfolioRow *row,
                           double                   churn_risk)
{
  g_return_if_fail (stake != NULL);
  g_return_if_fail (row != NULL);

  stake->customer_id = row->customer_id;
  stake->mrr = row->latest->mrr;
  stake->churn_risk = churn_risk;
  stake->renewal_day = row->latest->renewal_day;
}

/**
 * vigil_inbox_stake_get_value:
 *
 * Returns: the MRR at stake, MRR × churn risk (vigil_churn_at_stake()),
 *   NAN when either is unknown
 */
double
vigil_inbox_stake_get_value (const VigilInboxStake *stake)
{
  g_return_val_if_fail (stake != NULL, NAN);

  return vigil_churn_at_stake (stake->churn_risk, stake->mrr);
}

/**
 * vigil_inbox_rank:
 * @a: a customer's stake
 * @b: another's
 *
 * The order of the inbox (design 5): the at-stake order of the active
 * book (vigil_churn_at_stake_compare(), design 3.2: the most MRR at
 * stake first, the sooner renewal first on a tie, unknowns last), then
 * the store's id, so that the order is the same each time.
 *
 * Returns: negative when @a comes first, positive when @b does
 */
int
vigil_inbox_rank (const VigilInboxStake *a,
                  const VigilInboxStake *b)
{
  int order;

  g_return_val_if_fail (a != NULL, 0);
  g_return_val_if_fail (b != NULL, 0);

  order = vigil_churn_at_stake_compare (vigil_inbox_stake_get_value (a), a->renewal_day,
                                        vigil_inbox_stake_get_value (b), b->renewal_day, TRUE);
  if (order != 0)
    return order;
  return (a->customer_id > b->customer_id) - (a->customer_id < b->customer_id);
}

void
vigil_inbox_entry_free (VigilInboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_pointer (&entry->triggers, g_ptr_array_unref);
  g_free (entry);
}

/**
 * vigil_inbox_group:
 * @triggers: (element-type VigilTriggerRow): open triggers, as
 *   vigil_store_list_triggers() lists them
 *
 * Gathers the triggers of each customer into one entry, each stake
 * unknown but for the customer: the caller fills in what it knows, then
 * sorts with vigil_inbox_sort().
 *
 * Returns: (transfer full) (element-type VigilInboxEntry): one entry per
 *   customer, in the order each first appears in @triggers
 */
GPtrArray *
vigil_inbox_group (GPtrArray *triggers)
{
  g_autoptr(GHashTable) by_customer = g_hash_table_new (g_int64_hash, g_int64_equal);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_inbox_entry_free);

  g_return_val_if_fail (triggers != NULL, entries);

  for (guint i = 0; i < triggers->len; i++)
    {
      VigilTriggerRow *trigger = g_ptr_array_index (triggers, i);
      VigilInboxEntry *entry = g_hash_table_lookup (by_customer, &trigger->customer_id);

      if (entry == NULL)
        {
          entry = g_new0 (VigilInboxEntry, 1);
          vigil_inbox_stake_init (&entry->stake, trigger->customer_id);
          entry->triggers = g_ptr_array_new ();
          g_ptr_array_add (entries, entry);
          g_hash_table_insert (by_customer, &entry->stake.customer_id, entry);
        }
      g_ptr_array_add (entry->triggers, trigger);
    }
  return entries;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const VigilInboxEntry *entry_a = *(const VigilInboxEntry * const *) a;
  const VigilInboxEntry *entry_b = *(const VigilInboxEntry * const *) b;

  return vigil_inbox_rank (&entry_a->stake, &entry_b->stake);
}

/**
 * vigil_inbox_sort:
 * @entries: (element-type VigilInboxEntry): the inbox
 *
 * Puts @entries in the order of vigil_inbox_rank().
 */
void
vigil_inbox_sort (GPtrArray *entries)
{
  g_return_if_fail (entries != NULL);

  g_ptr_array_sort (entries, compare_entries);
}

/**
 * vigil_trigger_row_needs_decision:
 *
 * Returns: whether @trigger is a risk nobody has acknowledged, snoozed
 *   or closed yet
 */
gboolean
vigil_trigger_row_needs_decision (const VigilTriggerRow *trigger)
{
  g_return_val_if_fail (trigger != NULL, FALSE);

  return g_strcmp0 (trigger->kind, "risk") == 0 && g_strcmp0 (trigger->state, "new") == 0;
}

/**
 * vigil_inbox_count_decisions:
 * @triggers: (element-type VigilTriggerRow): open triggers
 *
 * What the window's badge counts (design 5): customers, not triggers,
 * and of those only the ones with a risk waiting for a first decision.
 * An upsell can wait; two risks on one customer are one call to make.
 *
 * Returns: how many customers have at least one new risk trigger
 */
guint
vigil_inbox_count_decisions (GPtrArray *triggers)
{
  g_autoptr(GHashTable) customers = g_hash_table_new (g_int64_hash, g_int64_equal);

  g_return_val_if_fail (triggers != NULL, 0);

  for (guint i = 0; i < triggers->len; i++)
    {
      VigilTriggerRow *trigger = g_ptr_array_index (triggers, i);

      if (vigil_trigger_row_needs_decision (trigger))
        g_hash_table_add (customers, &trigger->customer_id);
    }
  return g_hash_table_size (customers);
}
