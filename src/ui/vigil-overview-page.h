/* vigil-overview-page.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_OVERVIEW_PAGE (vigil_overview_page_get_type ())

G_DECLARE_FINAL_TYPE (VigilOverviewPage, vigil_overview_page, VIGIL, OVERVIEW_PAGE, AdwBin)

void vigil_overview_page_set_portfolio (VigilOverviewPage *self,
                                        VigilPortfolio    *portfolio);

G_END_DECLS
