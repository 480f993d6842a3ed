/* vigil-health-cell.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The health column of the portfolio: a bar as long as the score in the
 * tier's colour, the score and the tier in words (never colour alone),
 * and a sparkline of the last four weeks.
 */

#define G_LOG_DOMAIN "vigil-health-cell"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vigil-charts.h"
#include "vigil-health-cell.h"

#define BAR_WIDTH 44
#define SPARK_WIDTH 48

struct _VigilHealthCell
{
  GtkWidget      parent_instance;

  GtkWidget     *bar;
  GtkWidget     *label;
  GtkWidget     *sparkline;
  VigilCustomer *customer;
  double         healthy_cutoff;
  double         at_risk_cutoff;
};

G_DEFINE_FINAL_TYPE (VigilHealthCell, vigil_health_cell, GTK_TYPE_WIDGET)

/* The charts' own tier enumeration, which has no negative "none". */
VigilChartTier
vigil_tier_to_chart (VigilTier tier)
{
  switch (tier)
    {
    case VIGIL_TIER_HEALTHY: return VIGIL_CHART_TIER_HEALTHY;
    case VIGIL_TIER_AT_RISK: return VIGIL_CHART_TIER_AT_RISK;
    case VIGIL_TIER_HIGH_RISK: return VIGIL_CHART_TIER_HIGH_RISK;
    case VIGIL_TIER_NONE:
    default: return VIGIL_CHART_TIER_NONE;
    }
}

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static void
draw_bar (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  VigilHealthCell *self = user_data;
  double health, rgb[3], track[3];
  VigilChartStyle style;
  double y = height / 2.0 - 4;

  if (self->customer == NULL || isnan (health = vigil_customer_get_health (self->customer)))
    return;

  vigil_chart_style_init (&style, is_dark ());
  vigil_chart_style_color (&style, VIGIL_CHART_COLOR_GRID, track);
  vigil_chart_tier_color (vigil_tier_to_chart (vigil_customer_get_tier (self->customer)), style.dark, rgb);

  cairo_set_source_rgb (cr, track[0], track[1], track[2]);
  cairo_rectangle (cr, 0, y, width, 8);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_rectangle (cr, 0, y, width * CLAMP (health, 0, 100) / 100.0, 8);
  cairo_fill (cr);
}

static void
draw_sparkline (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  VigilHealthCell *self = user_data;
  VigilChartStyle style;
  const double *values;
  guint n;

  if (self->customer == NULL)
    return;
  values = vigil_customer_get_sparkline (self->customer, &n);
  if (n < 2)
    return;

  vigil_chart_style_init (&style, is_dark ());
  style.fill_background = FALSE;
  vigil_chart_sparkline (cr, width, height, &style, values, n, self->healthy_cutoff, self->at_risk_cutoff);
}

static void
dark_changed_cb (VigilHealthCell *self)
{
  gtk_widget_queue_draw (self->bar);
  gtk_widget_queue_draw (self->sparkline);
}

static void
vigil_health_cell_dispose (GObject *object)
{
  VigilHealthCell *self = (VigilHealthCell *) object;

  g_clear_pointer (&self->bar, gtk_widget_unparent);
  g_clear_pointer (&self->label, gtk_widget_unparent);
  g_clear_pointer (&self->sparkline, gtk_widget_unparent);
  g_clear_object (&self->customer);

  G_OBJECT_CLASS (vigil_health_cell_parent_class)->dispose (object);
}

static void
vigil_health_cell_class_init (VigilHealthCellClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = vigil_health_cell_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "healthcell");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vigil_health_cell_init (VigilHealthCell *self)
{
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  gtk_box_layout_set_spacing (layout, 6);

  self->bar = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->bar), BAR_WIDTH);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->bar), draw_bar, self, NULL);
  gtk_widget_set_parent (self->bar, GTK_WIDGET (self));

  self->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_label_set_width_chars (GTK_LABEL (self->label), 10);
  gtk_widget_add_css_class (self->label, "numeric");
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));

  self->sparkline = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->sparkline), SPARK_WIDTH);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->sparkline), 22);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->sparkline), draw_sparkline, self, NULL);
  gtk_widget_set_parent (self->sparkline, GTK_WIDGET (self));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (dark_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

GtkWidget *
vigil_health_cell_new (void)
{
  return g_object_new (VIGIL_TYPE_HEALTH_CELL, NULL);
}

void
vigil_health_cell_set_customer (VigilHealthCell *self,
                                VigilCustomer   *customer,
                                double           healthy_cutoff,
                                double           at_risk_cutoff)
{
  g_autofree char *text = NULL;
  g_autofree char *accessible = NULL;
  double health;

  g_return_if_fail (VIGIL_IS_HEALTH_CELL (self));
  g_return_if_fail (customer == NULL || VIGIL_IS_CUSTOMER (customer));

  g_set_object (&self->customer, customer);
  self->healthy_cutoff = healthy_cutoff;
  self->at_risk_cutoff = at_risk_cutoff;

  if (customer == NULL || isnan (health = vigil_customer_get_health (customer)))
    {
      gtk_label_set_text (GTK_LABEL (self->label), _("No score"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("No score"), -1);
    }
  else
    {
      double trend = vigil_customer_get_trend (customer);

      /* TRANSLATORS: a health score and its tier, e.g. "87 Healthy" */
      text = g_strdup_printf (_("%.0f %s"), health, vigil_tier_get_label (vigil_customer_get_tier (customer)));
      gtk_label_set_text (GTK_LABEL (self->label), text);
      if (isnan (trend))
        accessible = g_strdup_printf (_("Health %.0f, %s"), health,
                                      vigil_tier_get_label (vigil_customer_get_tier (customer)));
      else
        accessible = g_strdup_printf (_("Health %.0f, %s, %+.0f points in 7 days"), health,
                                      vigil_tier_get_label (vigil_customer_get_tier (customer)), trend);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
    }
  gtk_widget_queue_draw (self->bar);
  gtk_widget_queue_draw (self->sparkline);
}
