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
#include "vigil-text-cell.h"

#define BAR_WIDTH 44
#define BAR_HEIGHT 8
#define SPARK_WIDTH 48
#define SPARK_HEIGHT 22
#define SPACING 6

/* One widget with one child (the words): the bar and the sparkline are
 * drawn in its own snapshot, as a table builds and binds this cell for
 * every row it holds, again at each sort and keystroke. */
struct _VigilHealthCell
{
  GtkWidget      parent_instance;

  GtkWidget     *label;
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
append_rect (GtkSnapshot  *snapshot,
             const double  rgb[3],
             float         x,
             float         y,
             float         width,
             float         height)
{
  GdkRGBA color = { rgb[0], rgb[1], rgb[2], 1 };

  gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (x, y, width, height));
}

/* Bar, words, sparkline from the start edge: mirrored right to left. */
static gboolean
is_rtl (VigilHealthCell *self)
{
  return gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
}

static void
snapshot_bar (VigilHealthCell   *self,
              GtkSnapshot       *snapshot,
              VigilChartStyle   *style,
              int                width,
              int                height)
{
  double health, rgb[3], track[3];
  float y = height / 2.0f - BAR_HEIGHT / 2.0f;
  float x = is_rtl (self) ? width - BAR_WIDTH : 0;
  float filled;

  if (self->customer == NULL || isnan (health = vigil_customer_get_health (self->customer)))
    return;

  vigil_chart_style_color (style, VIGIL_CHART_COLOR_GRID, track);
  vigil_chart_tier_color (vigil_tier_to_chart (vigil_customer_get_tier (self->customer)), style->dark, rgb);
  filled = BAR_WIDTH * CLAMP (health, 0, 100) / 100.0f;
  append_rect (snapshot, track, x, y, BAR_WIDTH, BAR_HEIGHT);
  append_rect (snapshot, rgb, is_rtl (self) ? x + BAR_WIDTH - filled : x, y, filled, BAR_HEIGHT);
}

static void
snapshot_sparkline (VigilHealthCell *self,
                    GtkSnapshot     *snapshot,
                    VigilChartStyle *style,
                    int              width,
                    int              height)
{
  const double *values;
  float x = is_rtl (self) ? 0 : width - SPARK_WIDTH;
  float y = height / 2.0f - SPARK_HEIGHT / 2.0f;
  cairo_t *cr;
  guint n;

  if (self->customer == NULL)
    return;
  values = vigil_customer_get_sparkline (self->customer, &n);
  if (n < 2)
    return;

  style->fill_background = FALSE;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x, y, SPARK_WIDTH, SPARK_HEIGHT));
  cairo_translate (cr, x, y);
  vigil_chart_sparkline (cr, SPARK_WIDTH, SPARK_HEIGHT, style, values, n, self->healthy_cutoff,
                         self->at_risk_cutoff);
  cairo_destroy (cr);
}

static void
vigil_health_cell_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  VigilHealthCell *self = VIGIL_HEALTH_CELL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  VigilChartStyle style;

  vigil_chart_style_init (&style, is_dark ());
  snapshot_bar (self, snapshot, &style, width, height);
  gtk_widget_snapshot_child (widget, self->label, snapshot);
  snapshot_sparkline (self, snapshot, &style, width, height);
}

static void
vigil_health_cell_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  VigilHealthCell *self = VIGIL_HEALTH_CELL (widget);
  int label_min, label_nat;

  gtk_widget_measure (self->label, orientation, -1, &label_min, &label_nat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = BAR_WIDTH + SPACING + label_min + SPACING + SPARK_WIDTH;
      *natural = BAR_WIDTH + SPACING + label_nat + SPACING + SPARK_WIDTH;
    }
  else
    {
      *minimum = MAX (label_min, SPARK_HEIGHT);
      *natural = MAX (label_nat, SPARK_HEIGHT);
    }
}

static void
vigil_health_cell_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  VigilHealthCell *self = VIGIL_HEALTH_CELL (widget);
  int label_width = MAX (width - BAR_WIDTH - SPARK_WIDTH - 2 * SPACING, 0);

  int x = (is_rtl (self) ? SPARK_WIDTH : BAR_WIDTH) + SPACING;

  gtk_widget_size_allocate (self->label, &(GtkAllocation) { x, 0, label_width, height }, -1);
}

static void
dark_changed_cb (VigilHealthCell *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
vigil_health_cell_dispose (GObject *object)
{
  VigilHealthCell *self = (VigilHealthCell *) object;

  g_clear_pointer (&self->label, gtk_widget_unparent);
  g_clear_object (&self->customer);

  G_OBJECT_CLASS (vigil_health_cell_parent_class)->dispose (object);
}

static void
vigil_health_cell_class_init (VigilHealthCellClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = vigil_health_cell_dispose;
  widget_class->measure = vigil_health_cell_measure;
  widget_class->size_allocate = vigil_health_cell_size_allocate;
  widget_class->snapshot = vigil_health_cell_snapshot;
  gtk_widget_class_set_css_name (widget_class, "healthcell");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static char *
describe (double    health,
          VigilTier tier)
{
  /* TRANSLATORS: a health score and its tier, e.g. "87 Healthy" */
  return g_strdup_printf (_("%.0f %s"), health, vigil_tier_get_label (tier));
}

/* What the words may say at their widest, a candidate a line. */
static char *
describe_widest (void)
{
  g_autofree char *healthy = describe (100, VIGIL_TIER_HEALTHY);
  g_autofree char *at_risk = describe (100, VIGIL_TIER_AT_RISK);
  g_autofree char *high_risk = describe (100, VIGIL_TIER_HIGH_RISK);

  return g_strjoin ("\n", healthy, at_risk, high_risk, _("No score"), NULL);
}

static void
vigil_health_cell_init (VigilHealthCell *self)
{
  g_autofree char *sample = describe_widest ();

  self->label = vigil_text_cell_new (0, TRUE, 0, sample);
  gtk_widget_add_css_class (self->label, "numeric");
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));

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
      vigil_text_cell_set_text (VIGIL_TEXT_CELL (self->label), _("No score"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("No score"), -1);
    }
  else
    {
      double trend = vigil_customer_get_trend (customer);

      text = describe (health, vigil_customer_get_tier (customer));
      vigil_text_cell_set_text (VIGIL_TEXT_CELL (self->label), text);
      if (isnan (trend))
        accessible = g_strdup_printf (_("Health %.0f, %s"), health,
                                      vigil_tier_get_label (vigil_customer_get_tier (customer)));
      else
        accessible = g_strdup_printf (_("Health %.0f, %s, %+.0f points in 7 days"), health,
                                      vigil_tier_get_label (vigil_customer_get_tier (customer)), trend);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
