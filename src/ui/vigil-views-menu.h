/* vigil-views-menu.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vigil-portfolio.h"
#include "vigil-portfolio-view.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_VIEWS_MENU (vigil_views_menu_get_type ())

G_DECLARE_FINAL_TYPE (VigilViewsMenu, vigil_views_menu, VIGIL, VIEWS_MENU, GObject)

VigilViewsMenu *vigil_views_menu_new          (VigilPortfolio     *portfolio,
                                               VigilPortfolioView *view);
GMenuModel     *vigil_views_menu_get_model    (VigilViewsMenu     *self);
GActionGroup   *vigil_views_menu_get_actions  (VigilViewsMenu     *self);
const char     *vigil_views_menu_get_shown    (VigilViewsMenu     *self);
gboolean        vigil_views_menu_is_ready     (VigilViewsMenu     *self);

G_END_DECLS
