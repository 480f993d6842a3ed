/* vigil-chart-sparkline.h
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

void  vigil_chart_sparkline (cairo_t               *cr,
                             double                 width,
                             double                 height,
                             const VigilChartStyle *style,
                             const double          *values,
                             guint                  n,
                             double                 healthy_cutoff,
                             double                 at_risk_cutoff);

G_END_DECLS
