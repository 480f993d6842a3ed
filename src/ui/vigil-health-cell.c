/* vigil-health-cell.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The health column of the portfolio: a bar as long as the score in the
 * tier's colour, the score and the tier in words (never colour alone),
 * and a sparkline of the last four weeks, drawn by the row that holds it
 * (vigil-table-row.c): a table builds and binds a row for every
 * customer it holds, again at each sort and keystroke.
 */

#define G_LOG_DOMAIN "vigil-health-cell"

#include "config.h"

#include <math.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "vigil-charts.h"
#include "vigil-health-cell.h"

#define BAR_WIDTH 44
#define BAR_HEIGHT 8
#define SPARK_WIDTH 48
#define SPARK_HEIGHT 22
#define SPACING 6

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

/* The cell's size in @widget's font: the bar, the widest words, the
 * sparkline. */
void
vigil_health_cell_measure (GtkWidget         *widget,
                           VigilTextCellSize *size)
{
  static char *widest = NULL;

  if (widest == NULL)
    widest = describe_widest ();
  vigil_text_cell_measure (widget, TRUE, 0, widest, size);
  size->minimum += BAR_WIDTH + SPACING + SPACING + SPARK_WIDTH;
  size->natural += BAR_WIDTH + SPACING + SPACING + SPARK_WIDTH;
  size->line_height = MAX (size->line_height, SPARK_HEIGHT);
}

/* The words the cell shows: "87 Healthy", or "No score". */
char *
vigil_health_cell_describe (VigilCustomer *customer)
{
  double health = vigil_customer_get_health (customer);

  if (isnan (health))
    return g_strdup (_("No score"));
  return describe (health, vigil_customer_get_tier (customer));
}

/* What a screen reader says of the cell: the score, the tier and the
 * week's trend in words. */
char *
vigil_health_cell_describe_spoken (VigilCustomer *customer)
{
  double health = vigil_customer_get_health (customer);
  double trend = vigil_customer_get_trend (customer);
  const char *tier = vigil_tier_get_label (vigil_customer_get_tier (customer));

  if (isnan (health))
    return g_strdup (_("No score"));
  if (isnan (trend))
    return g_strdup_printf (_("Health %.0f, %s"), health, tier);
  return g_strdup_printf (_("Health %.0f, %s, %+.0f points in 7 days"), health, tier, trend);
}

static void
draw_bar (VigilCustomer         *customer,
          GtkSnapshot           *snapshot,
          VigilChartStyle       *style,
          const graphene_rect_t *area,
          gboolean               rtl)
{
  double health, rgb[3], track[3];
  float y = area->origin.y + area->size.height / 2.0f - BAR_HEIGHT / 2.0f;
  float x = area->origin.x + (rtl ? area->size.width - BAR_WIDTH : 0);
  float filled;

  if (isnan (health = vigil_customer_get_health (customer)))
    return;

  vigil_chart_style_color (style, VIGIL_CHART_COLOR_GRID, track);
  vigil_chart_tier_color (vigil_tier_to_chart (vigil_customer_get_tier (customer)), style->dark, rgb);
  filled = BAR_WIDTH * CLAMP (health, 0, 100) / 100.0f;
  append_rect (snapshot, track, x, y, BAR_WIDTH, BAR_HEIGHT);
  append_rect (snapshot, rgb, rtl ? x + BAR_WIDTH - filled : x, y, filled, BAR_HEIGHT);
}

static void
draw_sparkline (VigilCustomer         *customer,
                GtkSnapshot           *snapshot,
                VigilChartStyle       *style,
                const graphene_rect_t *area,
                gboolean               rtl,
                double                 healthy_cutoff,
                double                 at_risk_cutoff)
{
  float x = area->origin.x + (rtl ? 0 : area->size.width - SPARK_WIDTH);
  float y = area->origin.y + area->size.height / 2.0f - SPARK_HEIGHT / 2.0f;
  const double *values;
  cairo_t *cr;
  guint n;

  values = vigil_customer_get_sparkline (customer, &n);
  if (n < 2)
    return;

  style->fill_background = FALSE;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x, y, SPARK_WIDTH, SPARK_HEIGHT));
  cairo_translate (cr, x, y);
  vigil_chart_sparkline (cr, SPARK_WIDTH, SPARK_HEIGHT, style, values, n, healthy_cutoff, at_risk_cutoff);
  cairo_destroy (cr);
}

/**
 * vigil_health_cell_draw:
 * @words: what vigil_health_cell_describe() says of @customer
 * @area: the cell's room, in @widget's coordinates
 *
 * Bar, words, sparkline from the start edge: mirrored right to left;
 * the colours of the dark style when it is on.
 */
void
vigil_health_cell_draw (GtkWidget             *widget,
                        GtkSnapshot           *snapshot,
                        VigilCustomer         *customer,
                        const char            *words,
                        const graphene_rect_t *area,
                        double                 healthy_cutoff,
                        double                 at_risk_cutoff,
                        const GdkRGBA         *color)
{
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  float words_width = MAX (area->size.width - BAR_WIDTH - SPARK_WIDTH - 2 * SPACING, 0);
  graphene_rect_t words_area;
  VigilChartStyle style;

  vigil_chart_style_init (&style, adw_style_manager_get_dark (adw_style_manager_get_default ()));
  draw_bar (customer, snapshot, &style, area, rtl);
  graphene_rect_init (&words_area, area->origin.x + (rtl ? SPARK_WIDTH : BAR_WIDTH) + SPACING, area->origin.y,
                      words_width, area->size.height);
  vigil_text_cell_draw (widget, snapshot, words, TRUE, 0, &words_area, color);
  draw_sparkline (customer, snapshot, &style, area, rtl, healthy_cutoff, at_risk_cutoff);
}
