/* vigil-book.c: the figures of the active book
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-book"

#include "config.h"

#include <math.h>

#include "vigil-book.h"

/* The window's overview and the weekly report count the book here, so a
 * customer that churned is out of both the same way (design 3.2), and
 * "MRR at risk" means one thing. */

/**
 * vigil_book_figures_add:
 * @figures: the figures so far
 * @row: one customer
 *
 * Counts @row into @figures when it is in the active book; a churned
 * customer only adds to @figures->churned.
 *
 * Returns: whether @row is in the active book, and was counted
 */
gboolean
vigil_book_figures_add (VigilBookFigures        *figures,
                        const VigilPortfolioRow *row)
{
  VigilTier tier;
  double mrr;

  g_return_val_if_fail (figures != NULL, FALSE);
  g_return_val_if_fail (row != NULL && row->latest != NULL, FALSE);

  if (!vigil_portfolio_row_in_book (row, VIGIL_BOOK_ACTIVE))
    {
      figures->churned++;
      return FALSE;
    }

  tier = row->score.tier;
  mrr = isnan (row->latest->mrr) ? 0.0 : row->latest->mrr;
  figures->customers++;
  figures->mrr += mrr;
  if (tier <= VIGIL_TIER_NONE || tier >= VIGIL_N_TIERS)
    {
      figures->unscored++;
      return TRUE;
    }
  figures->tier_customers[tier]++;
  figures->tier_mrr[tier] += mrr;
  if (tier == VIGIL_TIER_AT_RISK || tier == VIGIL_TIER_HIGH_RISK)
    figures->mrr_at_risk += mrr;
  return TRUE;
}
