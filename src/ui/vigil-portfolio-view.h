/* vigil-portfolio-view.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_PORTFOLIO_VIEW (vigil_portfolio_view_get_type ())

G_DECLARE_FINAL_TYPE (VigilPortfolioView, vigil_portfolio_view, VIGIL, PORTFOLIO_VIEW, AdwBin)

void          vigil_portfolio_view_set_portfolio  (VigilPortfolioView *self,
                                                   VigilPortfolio     *portfolio);
GtkSearchBar *vigil_portfolio_view_get_search_bar (VigilPortfolioView *self);
void          vigil_portfolio_view_set_compact    (VigilPortfolioView *self,
                                                   gboolean            compact);
GListModel   *vigil_portfolio_view_get_shown      (VigilPortfolioView *self);
gboolean      vigil_portfolio_view_sort_by        (VigilPortfolioView *self,
                                                   const char         *column_id,
                                                   GtkSortType         direction);
void          vigil_portfolio_view_set_search     (VigilPortfolioView *self,
                                                   const char         *text);
void          vigil_portfolio_view_set_filters    (VigilPortfolioView *self,
                                                   VigilTier           tier,
                                                   const char         *owner,
                                                   const char         *segment);
void          vigil_portfolio_view_set_book       (VigilPortfolioView *self,
                                                   VigilBook           book);
VigilBook     vigil_portfolio_view_get_book       (VigilPortfolioView *self);
const char   *vigil_portfolio_view_get_summary    (VigilPortfolioView *self);
VigilView    *vigil_portfolio_view_dup_view       (VigilPortfolioView *self);
void          vigil_portfolio_view_apply_view     (VigilPortfolioView *self,
                                                   const VigilView    *view);
VigilCustomer *vigil_portfolio_view_get_selected  (VigilPortfolioView *self);

/* What the table's @row says at @x when the pointer rests there (for the
 * row's ::query-tooltip, and the tests). */
char               *_vigil_portfolio_view_dup_tooltip_at  (VigilPortfolioView *self,
                                                           GtkWidget          *row,
                                                           int                 x);

G_END_DECLS
