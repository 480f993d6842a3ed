/* vigil-chart-view.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vigil-charts.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_CHART_VIEW (vigil_chart_view_get_type ())

G_DECLARE_FINAL_TYPE (VigilChartView, vigil_chart_view, VIGIL, CHART_VIEW, GtkWidget)

/* Draws the chart into (0, 0, width, height) with one of src/charts/. */
typedef void   (*VigilChartDrawFunc)    (cairo_t               *cr,
                                         double                 width,
                                         double                 height,
                                         const VigilChartStyle *style,
                                         gpointer               user_data);
/* The tooltip text (plain) for a pointer at (x, y), or NULL for none. */
typedef char * (*VigilChartTooltipFunc) (double                 x,
                                         double                 y,
                                         double                 width,
                                         double                 height,
                                         const VigilChartStyle *style,
                                         gpointer               user_data);

GtkWidget *vigil_chart_view_new              (const char            *accessible_label);
void       vigil_chart_view_set_draw_func    (VigilChartView        *self,
                                              VigilChartDrawFunc     draw,
                                              gpointer               user_data,
                                              GDestroyNotify         destroy);
void       vigil_chart_view_set_tooltip_func (VigilChartView        *self,
                                              VigilChartTooltipFunc  tooltip,
                                              gpointer               user_data,
                                              GDestroyNotify         destroy);
void       vigil_chart_view_set_description  (VigilChartView        *self,
                                              const char            *description);
void       vigil_chart_view_redraw           (VigilChartView        *self);

G_END_DECLS
