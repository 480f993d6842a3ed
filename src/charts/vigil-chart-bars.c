/* vigil-chart-bars.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-charts"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "vigil-chart-axis.h"
#include "vigil-chart-bars.h"
#include "vigil-chart-private.h"

#define DEFAULT_BINS 10
#define MAX_BINS     100

/* A rectangle with the corners on one side rounded: the right end of a
 * horizontal bar, or the top of a vertical one. */
static void
bar_path (cairo_t  *cr,
          double    x,
          double    y,
          double    w,
          double    h,
          double    radius,
          gboolean  horizontal)
{
  radius = MIN (radius, MIN (w, h) / 2);
  if (radius <= 0.5)
    {
      cairo_rectangle (cr, x, y, w, h);
      return;
    }

  if (horizontal)
    {
      cairo_move_to (cr, x, y);
      cairo_arc (cr, x + w - radius, y + radius, radius, -G_PI / 2, 0);
      cairo_arc (cr, x + w - radius, y + h - radius, radius, 0, G_PI / 2);
      cairo_line_to (cr, x, y + h);
    }
  else
    {
      cairo_move_to (cr, x, y + h);
      cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
      cairo_arc (cr, x + w - radius, y + radius, radius, -G_PI / 2, 0);
      cairo_line_to (cr, x + w, y + h);
    }
  cairo_close_path (cr);
}

static char *
format_count (double count,
              double total)
{
  g_autofree char *value = NULL;

  if (count == floor (count) && count < 1e4)
    value = g_strdup_printf ("%.0f", count);
  else
    value = _vigil_chart_format_value (count, count >= 10 ? 1 : 0.1);

  if (total > 0)
    /* Translators: a count and its share, e.g. "412 (41%)" */
    return g_strdup_printf (_("%s (%.0f%%)"), value, 100.0 * count / total);

  return g_steal_pointer (&value);
}

/**
 * vigil_chart_tier_distribution:
 * @cr: where to draw
 * @width: the chart's width, from (0, 0) of the current user space
 * @height: the chart's height
 * @style: colours and font
 * @counts: customers (or MRR) per tier: healthy, at risk, high risk
 * @labels: (nullable) (array fixed-size=3): the tiers' names as plain
 *   text; NULL (or a NULL entry) for the defaults
 *
 * One horizontal bar per tier, each with its name and its value written
 * beside it, so that the tier is never told by colour alone.
 */
void
vigil_chart_tier_distribution (cairo_t               *cr,
                               double                 width,
                               double                 height,
                               const VigilChartStyle *style,
                               const double           counts[3],
                               const char *const      labels[3])
{
  const char *default_labels[3] = { _("Healthy"), _("At risk"), _("High risk") };
  PangoLayout *label_layouts[3];
  PangoLayout *value_layouts[3];
  double values[3];
  double total = 0, max = 0;
  int label_w = 0, value_w = 0;
  double f, pad, bar_x, bar_max, row_h, bar_h, top_y;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (counts != NULL);

  cairo_save (cr);
  _vigil_chart_begin (cr, width, height, style);

  for (guint i = 0; i < 3; i++)
    {
      values[i] = isfinite (counts[i]) ? MAX (counts[i], 0) : 0;
      total += values[i];
      max = MAX (max, values[i]);
    }
  if (total <= 0)
    {
      _vigil_chart_draw_no_data (cr, width, height, style);
      cairo_restore (cr);
      return;
    }

  f = MAX (style->font_size, 1.0);
  pad = round (f * 0.5);

  for (guint i = 0; i < 3; i++)
    {
      const char *label = labels != NULL && labels[i] != NULL ? labels[i] : default_labels[i];
      g_autofree char *value = format_count (values[i], total);
      int w, h;

      label_layouts[i] = _vigil_chart_create_layout (cr, style, label);
      value_layouts[i] = _vigil_chart_create_layout (cr, style, value);
      pango_layout_get_pixel_size (label_layouts[i], &w, &h);
      label_w = MAX (label_w, w);
      pango_layout_get_pixel_size (value_layouts[i], &w, &h);
      value_w = MAX (value_w, w);
    }

  /* Labels never take more than a third of the width: long ones are cut
   * with an ellipsis. */
  if (label_w > width / 3)
    {
      label_w = (int) (width / 3);
      for (guint i = 0; i < 3; i++)
        {
          pango_layout_set_width (label_layouts[i], label_w * PANGO_SCALE);
          pango_layout_set_ellipsize (label_layouts[i], PANGO_ELLIPSIZE_END);
        }
    }

  bar_x = pad + label_w + f * 0.75;
  bar_max = MAX (width - bar_x - f * 0.5 - value_w - pad, 1.0);
  /* Rows keep together in the middle of a tall chart. */
  row_h = MIN ((height - 2 * pad) / 3, f * 3.5);
  bar_h = round (MIN (row_h * 0.6, f * 1.6));
  top_y = round ((height - 3 * row_h) / 2);

  for (guint i = 0; i < 3; i++)
    {
      double rgb[3];
      double cy = top_y + row_h * (i + 0.5);
      double len = round (values[i] / max * bar_max);
      double top = round (cy - bar_h / 2);

      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_FOREGROUND);
      _vigil_chart_draw_layout (cr, label_layouts[i], pad + label_w, cy, 1.0, 0.5);

      if (len > 0)
        {
          vigil_chart_tier_color ((VigilChartTier) i, style->dark, rgb);
          _vigil_chart_set_color (cr, rgb, 1.0);
          bar_path (cr, bar_x, top, len, bar_h, 4, TRUE);
          cairo_fill (cr);
        }

      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_DIM);
      _vigil_chart_draw_layout (cr, value_layouts[i], bar_x + len + f * 0.5, cy, 0, 0.5);

      g_object_unref (label_layouts[i]);
      g_object_unref (value_layouts[i]);
    }

  cairo_restore (cr);
}

static guint
clamp_bins (guint n_bins)
{
  if (n_bins == 0)
    return DEFAULT_BINS;
  return MIN (n_bins, MAX_BINS);
}

/**
 * vigil_chart_histogram_bin:
 * @score: a score 0..100 (clamped)
 * @n_bins: number of bins (0 for the default of 10)
 *
 * Returns: the bin @score is counted in: bins are [lo, hi), the last one
 *   includes 100
 */
guint
vigil_chart_histogram_bin (double score,
                           guint  n_bins)
{
  guint bin;

  n_bins = clamp_bins (n_bins);
  if (isnan (score))
    return 0;
  score = CLAMP (score, 0, 100);
  bin = (guint) floor (score / 100.0 * n_bins);

  return MIN (bin, n_bins - 1);
}

/**
 * vigil_chart_bin_at:
 * @width: the chart's width
 * @height: the chart's height
 * @style: the style the histogram is drawn with
 * @n_bins: number of bins, as drawn
 * @x: a horizontal position in the chart
 *
 * Returns: the histogram bin under @x, or -1 outside the plot area
 */
int
vigil_chart_bin_at (double                 width,
                    double                 height,
                    const VigilChartStyle *style,
                    guint                  n_bins,
                    double                 x)
{
  cairo_rectangle_t area;
  int bin;

  g_return_val_if_fail (style != NULL, -1);

  n_bins = clamp_bins (n_bins);
  vigil_chart_plot_area (width, height, style, &area);
  if (!(x >= area.x && x < area.x + area.width))
    return -1;
  bin = (int) floor ((x - area.x) / area.width * n_bins);

  return CLAMP (bin, 0, (int) n_bins - 1);
}

/**
 * vigil_chart_histogram:
 * @cr: where to draw
 * @width: the chart's width, from (0, 0) of the current user space
 * @height: the chart's height
 * @style: colours and font
 * @scores: (array length=n) (nullable): scores 0..100; NAN ones are left out
 * @n: number of scores
 * @n_bins: number of bins over 0..100 (0 for the default of 10)
 * @healthy_cutoff: the lowest healthy score
 * @at_risk_cutoff: the lowest at-risk score
 *
 * How many customers score in each band of 0..100, each bin coloured by
 * the tier of its midpoint.
 */
void
vigil_chart_histogram (cairo_t               *cr,
                       double                 width,
                       double                 height,
                       const VigilChartStyle *style,
                       const double          *scores,
                       guint                  n,
                       guint                  n_bins,
                       double                 healthy_cutoff,
                       double                 at_risk_cutoff)
{
  g_autofree guint *bins = NULL;
  cairo_rectangle_t area;
  guint max = 0, counted = 0;
  double lo, hi, step, bin_w, gap, f;
  guint n_ticks, label_every;
  int label_w, label_h;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (n == 0 || scores != NULL);

  cairo_save (cr);
  _vigil_chart_begin (cr, width, height, style);

  n_bins = clamp_bins (n_bins);
  bins = g_new0 (guint, n_bins);
  for (guint i = 0; i < n; i++)
    if (!isnan (scores[i]))
      {
        guint b = vigil_chart_histogram_bin (scores[i], n_bins);

        bins[b]++;
        max = MAX (max, bins[b]);
        counted++;
      }

  if (counted == 0)
    {
      _vigil_chart_draw_no_data (cr, width, height, style);
      cairo_restore (cr);
      return;
    }

  f = MAX (style->font_size, 1.0);
  vigil_chart_plot_area (width, height, style, &area);

  /* Count axis: whole numbers only. */
  n_ticks = vigil_chart_nice_ticks (0, max, (guint) MAX (area.height / (f * 2.5), 2),
                                    &lo, &hi, &step);
  if (step < 1)
    {
      step = 1;
      hi = max;
      n_ticks = max + 1;
    }
  for (guint i = 0; i < n_ticks; i++)
    {
      double v = lo + i * step;
      double y = area.y + (1 - v / hi) * area.height;
      g_autofree char *text = _vigil_chart_format_value (v, step);
      PangoLayout *layout = _vigil_chart_create_layout (cr, style, text);
      int w, h;

      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_GRID);
      cairo_set_line_width (cr, 1.0);
      cairo_move_to (cr, area.x, _vigil_chart_snap (y));
      cairo_line_to (cr, area.x + area.width, _vigil_chart_snap (y));
      cairo_stroke (cr);

      pango_layout_get_pixel_size (layout, &w, &h);
      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_DIM);
      _vigil_chart_draw_layout (cr, layout, area.x - f * 0.5, MAX (y - h / 2.0, 0), 1.0, 0);
      g_object_unref (layout);
    }

  /* Bars. */
  bin_w = area.width / n_bins;
  gap = MIN (bin_w * 0.2, 6.0);
  for (guint i = 0; i < n_bins; i++)
    {
      double mid = (i + 0.5) * 100.0 / n_bins;
      double rgb[3];
      double h = bins[i] / hi * area.height;
      double x0 = round (area.x + i * bin_w + gap / 2);
      double x1 = round (area.x + (i + 1) * bin_w - gap / 2);

      if (bins[i] == 0 || x1 <= x0)
        continue;
      vigil_chart_tier_color (vigil_chart_tier_for_score (mid, healthy_cutoff, at_risk_cutoff),
                              style->dark, rgb);
      _vigil_chart_set_color (cr, rgb, 1.0);
      bar_path (cr, x0, area.y + area.height - h, x1 - x0, h, 3, FALSE);
      cairo_fill (cr);
    }

  /* Score labels at the bin edges, as many as fit. */
  {
    PangoLayout *probe = _vigil_chart_create_layout (cr, style, "100");

    pango_layout_get_pixel_size (probe, &label_w, &label_h);
    g_object_unref (probe);
  }
  label_every = (guint) ceil ((label_w + f) / bin_w);
  label_every = MAX (label_every, 1);
  /* Prefer steps that divide the bins, so that 100 gets a label. */
  while (label_every < n_bins && n_bins % label_every != 0)
    label_every++;
  for (guint i = 0; i <= n_bins; i += label_every)
    {
      double edge = i * 100.0 / n_bins;
      g_autofree char *text = _vigil_chart_format_value (edge, 100.0 / n_bins);
      PangoLayout *layout = _vigil_chart_create_layout (cr, style, text);
      double x = area.x + i * bin_w;
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_DIM);
      _vigil_chart_draw_layout (cr, layout, CLAMP (x - w / 2.0, 0, MAX (width - w, 0)),
                                area.y + area.height + f * 0.45, 0, 0);
      g_object_unref (layout);
    }

  cairo_restore (cr);
}
