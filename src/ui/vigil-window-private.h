/* vigil-window-private.h: the window's parts, for its tests and benchmark
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-page.h"
#include "vigil-overview-page.h"
#include "vigil-portfolio-view.h"
#include "vigil-triggers-page.h"
#include "vigil-views-menu.h"
#include "vigil-window.h"

G_BEGIN_DECLS

VigilPortfolioView *_vigil_window_get_portfolio_view (VigilWindow *self);
VigilCustomerPage  *_vigil_window_get_customer_page  (VigilWindow *self);
VigilTriggersPage  *_vigil_window_get_triggers_page  (VigilWindow *self);
VigilViewsMenu     *_vigil_window_get_views_menu     (VigilWindow *self);
GMenuModel         *_vigil_window_get_primary_menu   (VigilWindow *self);
const char         *_vigil_window_get_visible_page   (VigilWindow *self);
const char         *_vigil_window_get_last_toast     (VigilWindow *self);
void                _vigil_window_import_file        (VigilWindow *self,
                                                      GFile       *file);

G_END_DECLS
