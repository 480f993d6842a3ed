/* vigil-chart-bars.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "vigil-chart-style.h"

G_BEGIN_DECLS

void  vigil_chart_tier_distribution (cairo_t               *cr,
                                     double                 width,
                                     double                 height,
                                     const VigilChartStyle *style,
                                     const double           counts[3],
                                     const char *const      labels[3]);
void  vigil_chart_histogram         (cairo_t               *cr,
                                     double                 width,
                                     double                 height,
                                     const VigilChartStyle *style,
                                     const double          *scores,
                                     guint                  n,
                                     guint                  n_bins,
                                     double                 healthy_cutoff,
                                     double                 at_risk_cutoff);
guint vigil_chart_histogram_bin     (double                 score,
                                     guint                  n_bins);
int   vigil_chart_bin_at            (double                 width,
                                     double                 height,
                                     const VigilChartStyle *style,
                                     guint                  n_bins,
                                     double                 x);

G_END_DECLS
