/* vigil-chart-axis.h
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

void   vigil_chart_plot_area  (double                 width,
                               double                 height,
                               const VigilChartStyle *style,
                               cairo_rectangle_t     *out);
guint  vigil_chart_nice_ticks (double                 lo,
                               double                 hi,
                               guint                  max_ticks,
                               double                *out_lo,
                               double                *out_hi,
                               double                *out_step);
int    vigil_chart_index_at   (double                 width,
                               double                 height,
                               const VigilChartStyle *style,
                               const gint64          *times,
                               const double          *values,
                               guint                  n,
                               double                 x);

G_END_DECLS
