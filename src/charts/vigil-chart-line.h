/* vigil-chart-line.h
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

void  vigil_chart_health_history (cairo_t               *cr,
                                  double                 width,
                                  double                 height,
                                  const VigilChartStyle *style,
                                  const gint64          *times,
                                  const double          *values,
                                  guint                  n,
                                  double                 healthy_cutoff,
                                  double                 at_risk_cutoff,
                                  const gint64          *marker_times,
                                  guint                  n_markers);
void  vigil_chart_series         (cairo_t               *cr,
                                  double                 width,
                                  double                 height,
                                  const VigilChartStyle *style,
                                  const gint64          *times,
                                  const double          *values,
                                  guint                  n,
                                  const char            *unit_label);

G_END_DECLS
