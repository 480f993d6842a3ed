/* vigil-window.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-application.h"
#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_WINDOW (vigil_window_get_type ())

G_DECLARE_FINAL_TYPE (VigilWindow, vigil_window, VIGIL, WINDOW, AdwApplicationWindow)

VigilWindow    *vigil_window_new              (VigilApplication *application);
VigilPortfolio *vigil_window_get_portfolio    (VigilWindow      *self);
void            vigil_window_show_customer    (VigilWindow      *self,
                                               gint64            store_id);
void            vigil_window_show_page        (VigilWindow      *self,
                                               const char       *name);
void            vigil_window_show_preferences (VigilWindow      *self);
void            vigil_window_show_toast       (VigilWindow      *self,
                                               const char       *message);

G_END_DECLS
