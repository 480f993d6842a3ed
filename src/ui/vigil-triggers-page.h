/* vigil-triggers-page.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_TRIGGERS_PAGE (vigil_triggers_page_get_type ())

G_DECLARE_FINAL_TYPE (VigilTriggersPage, vigil_triggers_page, VIGIL, TRIGGERS_PAGE, AdwBin)

void        vigil_triggers_page_set_portfolio (VigilTriggersPage *self,
                                               VigilPortfolio    *portfolio);
void        vigil_triggers_page_set_compact   (VigilTriggersPage *self,
                                               gboolean           compact);
GListModel *vigil_triggers_page_get_model     (VigilTriggersPage *self);

G_END_DECLS
