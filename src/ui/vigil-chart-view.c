/* vigil-chart-view.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chart of src/charts/ as a widget: it draws through a function given
 * by its owner, follows the dark style, shows a tooltip with the value
 * under the pointer, and is an image with a label and a description for
 * screen readers (what the chart says in words).
 */

#define G_LOG_DOMAIN "vigil-chart-view"

#include "config.h"

#include <adwaita.h>

#include "vigil-chart-view.h"

struct _VigilChartView
{
  GtkWidget              parent_instance;

  VigilChartDrawFunc     draw;
  gpointer               draw_data;
  GDestroyNotify         draw_destroy;
  VigilChartTooltipFunc  tooltip;
  gpointer               tooltip_data;
  GDestroyNotify         tooltip_destroy;
};

G_DEFINE_FINAL_TYPE (VigilChartView, vigil_chart_view, GTK_TYPE_WIDGET)

static void
get_style (VigilChartView  *self,
           VigilChartStyle *style)
{
  vigil_chart_style_init (style, adw_style_manager_get_dark (adw_style_manager_get_default ()));
  /* The window's own background shows through. */
  style->fill_background = FALSE;
}

static void
vigil_chart_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  VigilChartView *self = VIGIL_CHART_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  VigilChartStyle style;
  cairo_t *cr;

  if (self->draw == NULL || width <= 0 || height <= 0)
    return;

  get_style (self, &style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  self->draw (cr, width, height, &style, self->draw_data);
  cairo_destroy (cr);
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  VigilChartView *self = VIGIL_CHART_VIEW (widget);
  g_autofree char *text = NULL;
  VigilChartStyle style;

  if (self->tooltip == NULL || keyboard_mode)
    return FALSE;

  get_style (self, &style);
  text = self->tooltip (x, y, gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                        &style, self->tooltip_data);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
dark_changed_cb (VigilChartView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
clear_funcs (VigilChartView *self)
{
  if (self->draw_destroy != NULL && self->draw_data != NULL)
    self->draw_destroy (self->draw_data);
  if (self->tooltip_destroy != NULL && self->tooltip_data != NULL)
    self->tooltip_destroy (self->tooltip_data);
  self->draw = NULL;
  self->draw_data = NULL;
  self->draw_destroy = NULL;
  self->tooltip = NULL;
  self->tooltip_data = NULL;
  self->tooltip_destroy = NULL;
}

static void
vigil_chart_view_dispose (GObject *object)
{
  clear_funcs (VIGIL_CHART_VIEW (object));

  G_OBJECT_CLASS (vigil_chart_view_parent_class)->dispose (object);
}

static void
vigil_chart_view_class_init (VigilChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_chart_view_dispose;
  widget_class->snapshot = vigil_chart_view_snapshot;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "chart");
}

static void
vigil_chart_view_init (VigilChartView *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (dark_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

/**
 * vigil_chart_view_new:
 * @accessible_label: what the chart shows, for screen readers
 */
GtkWidget *
vigil_chart_view_new (const char *accessible_label)
{
  GtkWidget *self = g_object_new (VIGIL_TYPE_CHART_VIEW, NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  return self;
}

/**
 * vigil_chart_view_set_draw_func:
 * @user_data: (transfer full): freed with @destroy when replaced
 */
void
vigil_chart_view_set_draw_func (VigilChartView     *self,
                                VigilChartDrawFunc  draw,
                                gpointer            user_data,
                                GDestroyNotify      destroy)
{
  g_return_if_fail (VIGIL_IS_CHART_VIEW (self));

  if (self->draw_destroy != NULL && self->draw_data != NULL)
    self->draw_destroy (self->draw_data);
  self->draw = draw;
  self->draw_data = user_data;
  self->draw_destroy = destroy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
vigil_chart_view_set_tooltip_func (VigilChartView        *self,
                                   VigilChartTooltipFunc  tooltip,
                                   gpointer               user_data,
                                   GDestroyNotify         destroy)
{
  g_return_if_fail (VIGIL_IS_CHART_VIEW (self));

  if (self->tooltip_destroy != NULL && self->tooltip_data != NULL)
    self->tooltip_destroy (self->tooltip_data);
  self->tooltip = tooltip;
  self->tooltip_data = user_data;
  self->tooltip_destroy = destroy;
}

/* What the chart says, in words, for screen readers. */
void
vigil_chart_view_set_description (VigilChartView *self,
                                  const char     *description)
{
  g_return_if_fail (VIGIL_IS_CHART_VIEW (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : "", -1);
}

void
vigil_chart_view_redraw (VigilChartView *self)
{
  g_return_if_fail (VIGIL_IS_CHART_VIEW (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
