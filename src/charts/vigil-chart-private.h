/* vigil-chart-private.h: helpers shared by the chart units
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "vigil-chart-style.h"

G_BEGIN_DECLS

#define VIGIL_CHART_LINE_WIDTH 2.0

/* vigil-chart-axis.c */
void          _vigil_chart_set_color        (cairo_t                 *cr,
                                             const double             rgb[3],
                                             double                   alpha);
void          _vigil_chart_set_style_color  (cairo_t                 *cr,
                                             const VigilChartStyle   *style,
                                             VigilChartColor          color);
void          _vigil_chart_begin            (cairo_t                 *cr,
                                             double                   width,
                                             double                   height,
                                             const VigilChartStyle   *style);
void          _vigil_chart_draw_no_data     (cairo_t                 *cr,
                                             double                   width,
                                             double                   height,
                                             const VigilChartStyle   *style);
PangoLayout  *_vigil_chart_create_layout    (cairo_t                 *cr,
                                             const VigilChartStyle   *style,
                                             const char              *text);
void          _vigil_chart_draw_layout      (cairo_t                 *cr,
                                             PangoLayout             *layout,
                                             double                   x,
                                             double                   y,
                                             double                   xalign,
                                             double                   yalign);
char         *_vigil_chart_format_value     (double                   value,
                                             double                   step);
double        _vigil_chart_snap             (double                   v);
gboolean      _vigil_chart_time_range       (const gint64            *times,
                                             guint                    n,
                                             gint64                  *tmin,
                                             gint64                  *tmax);
double        _vigil_chart_time_x           (const cairo_rectangle_t *area,
                                             gint64                   tmin,
                                             gint64                   tmax,
                                             gint64                   t);
void          _vigil_chart_draw_time_axis   (cairo_t                 *cr,
                                             double                   width,
                                             const VigilChartStyle   *style,
                                             const cairo_rectangle_t *area,
                                             gint64                   tmin,
                                             gint64                   tmax,
                                             gboolean                 grid);
void          _vigil_chart_trace_series     (cairo_t                 *cr,
                                             const cairo_rectangle_t *area,
                                             const gint64            *times,
                                             const double            *values,
                                             guint                    n,
                                             double                   lo,
                                             double                   hi,
                                             gboolean                 close_to_baseline);

G_END_DECLS
