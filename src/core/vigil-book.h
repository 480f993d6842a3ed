/* vigil-book.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-store.h"

G_BEGIN_DECLS

/**
 * VigilBookFigures:
 * @customers: the customers of the active book (design 3.2)
 * @unscored: of them, those without a tier
 * @tier_customers: of them, those of each tier
 * @tier_mrr: their MRR, per tier
 * @mrr: the MRR of the active book (an unknown MRR counts as 0)
 * @mrr_at_risk: the MRR of its at-risk and high-risk customers
 * @churned: the customers left out because they churned
 *
 * The headline figures of a book: what the overview and the weekly
 * report show, counted one way. Start from zeroes.
 */
typedef struct
{
  guint  customers;
  guint  unscored;
  guint  tier_customers[VIGIL_N_TIERS];
  double tier_mrr[VIGIL_N_TIERS];
  double mrr;
  double mrr_at_risk;
  guint  churned;
} VigilBookFigures;

gboolean vigil_book_figures_add (VigilBookFigures        *figures,
                                 const VigilPortfolioRow *row);

/* The figures of the report's book at a past time (vigil-store-report.c). */
gboolean vigil_store_add_book_figures_at (VigilStore        *self,
                                          gint64             time,
                                          const char        *owner,
                                          VigilBookFigures  *figures,
                                          double            *out_health_sum,
                                          guint             *out_n_health,
                                          GError           **error);

G_END_DECLS
