/* vigil-inbox.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-store.h"

G_BEGIN_DECLS

/**
 * VigilInboxStake:
 * @customer_id: the store's id of the customer
 * @mrr: its MRR, NAN when unknown
 * @churn_risk: its churn risk (vigil_churn_risk_of()), NAN when unknown
 * @renewal_day: its renewal day, %VIGIL_UNKNOWN_DAY when unknown
 *
 * What a customer of the inbox stands to lose, which orders the inbox.
 */
typedef struct
{
  gint64 customer_id;
  double mrr;
  double churn_risk;
  gint32 renewal_day;
} VigilInboxStake;

/**
 * VigilInboxEntry:
 * @stake: what the customer stands to lose
 * @triggers: (element-type VigilTriggerRow): the customer's open
 *   triggers, borrowed from the list they were grouped from, in its order
 *
 * One customer of the inbox with all its open triggers.
 */
typedef struct
{
  VigilInboxStake  stake;
  GPtrArray       *triggers;
} VigilInboxEntry;

void       vigil_inbox_stake_init           (VigilInboxStake         *stake,
                                             gint64                   customer_id);
void       vigil_inbox_stake_set_row        (VigilInboxStake         *stake,
                                             const VigilPortfolioRow *row,
                                             double                   churn_risk);
double     vigil_inbox_stake_get_value      (const VigilInboxStake   *stake);
int        vigil_inbox_rank                 (const VigilInboxStake   *a,
                                             const VigilInboxStake   *b);

void       vigil_inbox_entry_free           (VigilInboxEntry         *entry);
GPtrArray *vigil_inbox_group                (GPtrArray               *triggers);
void       vigil_inbox_sort                 (GPtrArray               *entries);

gboolean   vigil_trigger_row_needs_decision (const VigilTriggerRow   *trigger);
guint      vigil_inbox_count_decisions      (GPtrArray               *triggers);

G_END_DECLS
