/* vigil-chart-line.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-charts"

#include "config.h"

#include <math.h>

#include "vigil-chart-axis.h"
#include "vigil-chart-line.h"
#include "vigil-chart-private.h"

#define MARKER_RADIUS 4.0

static gboolean
has_finite (const double *values,
            guint         n)
{
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      return TRUE;
  return FALSE;
}

/* Saves @cr and lays the background; with nothing to plot, says so and
 * restores @cr, returning FALSE. */
static gboolean
begin_line_chart (cairo_t               *cr,
                  double                 width,
                  double                 height,
                  const VigilChartStyle *style,
                  const double          *values,
                  guint                  n)
{
  cairo_save (cr);
  _vigil_chart_begin (cr, width, height, style);
  if (n > 0 && has_finite (values, n))
    return TRUE;
  _vigil_chart_draw_no_data (cr, width, height, style);
  cairo_restore (cr);
  return FALSE;
}

static double
value_y (const cairo_rectangle_t *area,
         double                   lo,
         double                   hi,
         double                   v)
{
  return area->y + (1.0 - (CLAMP (v, lo, hi) - lo) / (hi - lo)) * area->height;
}

/* The value of the line at time @t: interpolated between the points
 * around it, NAN in a gap or outside the series. Times are ascending. */
static double
value_at_time (const gint64 *times,
               const double *values,
               guint         n,
               gint64        t)
{
  for (guint i = 0; i < n; i++)
    {
      if (times[i] == t && isfinite (values[i]))
        return values[i];
      if (times[i] > t)
        {
          double a, b;

          if (i == 0)
            return NAN;
          a = values[i - 1];
          b = values[i];
          if (!isfinite (a) || !isfinite (b))
            return NAN;
          return a + (b - a) * (double) (t - times[i - 1]) / (double) (times[i] - times[i - 1]);
        }
    }

  return NAN;
}

static void
draw_y_label (cairo_t                 *cr,
              const VigilChartStyle   *style,
              const cairo_rectangle_t *area,
              double                   y,
              const char              *text)
{
  PangoLayout *layout = _vigil_chart_create_layout (cr, style, text);
  int w, h;
  double top;

  pango_layout_get_pixel_size (layout, &w, &h);
  /* Right-aligned left of the plot area, kept inside the chart. */
  top = MAX (y - h / 2.0, 0);
  _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_DIM);
  _vigil_chart_draw_layout (cr, layout, area->x - style->font_size * 0.5, top, 1.0, 0);
  g_object_unref (layout);
}

static void
draw_hline (cairo_t                 *cr,
            const cairo_rectangle_t *area,
            double                   y)
{
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, area->x, _vigil_chart_snap (y));
  cairo_line_to (cr, area->x + area->width, _vigil_chart_snap (y));
  cairo_stroke (cr);
}

/**
 * vigil_chart_health_history:
 * @cr: where to draw
 * @width: the chart's width, from (0, 0) of the current user space
 * @height: the chart's height
 * @style: colours and font
 * @times: (array length=n) (nullable): Unix times (UTC), ascending
 * @values: (array length=n) (nullable): health scores 0..100, NAN for gaps
 * @n: number of points
 * @healthy_cutoff: the lowest healthy score
 * @at_risk_cutoff: the lowest at-risk score
 * @marker_times: (array length=n_markers) (nullable): times to mark on the
 *   line, e.g. trigger firings
 * @n_markers: number of markers
 *
 * A health line on a 0..100 axis over the three tier bands: a customer's
 * history or the portfolio's average.
 */
void
vigil_chart_health_history (cairo_t               *cr,
                            double                 width,
                            double                 height,
                            const VigilChartStyle *style,
                            const gint64          *times,
                            const double          *values,
                            guint                  n,
                            double                 healthy_cutoff,
                            double                 at_risk_cutoff,
                            const gint64          *marker_times,
                            guint                  n_markers)
{
  cairo_rectangle_t area;
  double bounds[4];
  double label_values[5];
  double placed[5];
  guint n_placed = 0;
  double line_rgb[3];
  gint64 tmin, tmax;
  double f;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (n == 0 || (times != NULL && values != NULL));
  g_return_if_fail (n_markers == 0 || marker_times != NULL);

  if (!begin_line_chart (cr, width, height, style, values, n))
    return;

  f = MAX (style->font_size, 1.0);
  vigil_chart_plot_area (width, height, style, &area);

  if (isnan (healthy_cutoff))
    healthy_cutoff = 85;
  if (isnan (at_risk_cutoff))
    at_risk_cutoff = 60;
  healthy_cutoff = CLAMP (healthy_cutoff, 0, 100);
  at_risk_cutoff = CLAMP (at_risk_cutoff, 0, healthy_cutoff);

  /* Bands, top to bottom: healthy, at risk, high risk. */
  bounds[0] = 100;
  bounds[1] = healthy_cutoff;
  bounds[2] = at_risk_cutoff;
  bounds[3] = 0;
  for (guint i = 0; i < 3; i++)
    {
      double rgba[4];
      double y0 = value_y (&area, 0, 100, bounds[i]);
      double y1 = value_y (&area, 0, 100, bounds[i + 1]);

      if (y1 <= y0)
        continue;
      vigil_chart_band_color ((VigilChartTier) i, style->dark, rgba);
      _vigil_chart_set_color (cr, rgba, rgba[3]);
      cairo_rectangle (cr, area.x, y0, area.width, y1 - y0);
      cairo_fill (cr);
    }

  /* Grid and labels: cut-offs first, then the ends and the middle, each
   * only where it does not crowd one already placed. */
  label_values[0] = at_risk_cutoff;
  label_values[1] = healthy_cutoff;
  label_values[2] = 0;
  label_values[3] = 100;
  label_values[4] = 50;
  for (guint i = 0; i < G_N_ELEMENTS (label_values); i++)
    {
      double y = value_y (&area, 0, 100, label_values[i]);
      g_autofree char *text = NULL;
      gboolean crowded = FALSE;

      for (guint j = 0; j < n_placed; j++)
        if (fabs (placed[j] - y) < f * 1.1)
          crowded = TRUE;
      if (crowded)
        continue;
      placed[n_placed++] = y;

      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_GRID);
      draw_hline (cr, &area, y);
      text = _vigil_chart_format_value (label_values[i], 1);
      draw_y_label (cr, style, &area, y, text);
    }

  _vigil_chart_time_range (times, n, &tmin, &tmax);
  _vigil_chart_draw_time_axis (cr, width, style, &area, tmin, tmax, FALSE);

  /* The line. */
  vigil_chart_style_color (style, VIGIL_CHART_COLOR_LINE, line_rgb);
  _vigil_chart_set_color (cr, line_rgb, 1.0);
  cairo_set_line_width (cr, VIGIL_CHART_LINE_WIDTH);
  _vigil_chart_trace_series (cr, &area, times, values, n, 0, 100, FALSE);
  cairo_stroke (cr);

  /* Markers: dots on the line, ringed with the background so that they
   * stand out where the line is. */
  for (guint i = 0; i < n_markers; i++)
    {
      double v = value_at_time (times, values, n, marker_times[i]);
      double x, y;

      if (!isfinite (v) || marker_times[i] < tmin || marker_times[i] > tmax)
        continue;
      x = _vigil_chart_time_x (&area, tmin, tmax, marker_times[i]);
      y = value_y (&area, 0, 100, v);

      cairo_arc (cr, x, y, MARKER_RADIUS + 1.5, 0, 2 * G_PI);
      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_BACKGROUND);
      cairo_fill (cr);
      cairo_arc (cr, x, y, MARKER_RADIUS, 0, 2 * G_PI);
      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_FOREGROUND);
      cairo_fill (cr);
    }

  cairo_restore (cr);
}

/**
 * vigil_chart_series:
 * @cr: where to draw
 * @width: the chart's width, from (0, 0) of the current user space
 * @height: the chart's height
 * @style: colours and font
 * @times: (array length=n) (nullable): Unix times (UTC), ascending
 * @values: (array length=n) (nullable): the values, NAN for gaps
 * @n: number of points
 * @unit_label: (nullable): what the values count, e.g. "API calls", as
 *   plain text
 *
 * A line over a shaded area with a "nice" value axis from zero: usage
 * over time.
 */
void
vigil_chart_series (cairo_t               *cr,
                    double                 width,
                    double                 height,
                    const VigilChartStyle *style,
                    const gint64          *times,
                    const double          *values,
                    guint                  n,
                    const char            *unit_label)
{
  cairo_rectangle_t area;
  double vmin = 0, vmax = 0;
  double lo, hi, step;
  double line_rgb[3];
  guint n_ticks;
  gint64 tmin, tmax;
  double f;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (n == 0 || (times != NULL && values != NULL));

  if (!begin_line_chart (cr, width, height, style, values, n))
    return;

  f = MAX (style->font_size, 1.0);
  vigil_chart_plot_area (width, height, style, &area);

  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        vmin = MIN (vmin, values[i]);
        vmax = MAX (vmax, values[i]);
      }
  n_ticks = vigil_chart_nice_ticks (vmin, vmax, (guint) MAX (area.height / (f * 2.5), 2),
                                    &lo, &hi, &step);

  for (guint i = 0; i < n_ticks; i++)
    {
      double v = lo + i * step;
      double y = value_y (&area, lo, hi, v);
      g_autofree char *text = _vigil_chart_format_value (v, step);

      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_GRID);
      draw_hline (cr, &area, y);
      draw_y_label (cr, style, &area, y, text);
    }

  _vigil_chart_time_range (times, n, &tmin, &tmax);
  _vigil_chart_draw_time_axis (cr, width, style, &area, tmin, tmax, TRUE);

  vigil_chart_style_color (style, VIGIL_CHART_COLOR_LINE, line_rgb);
  _vigil_chart_set_color (cr, line_rgb, style->dark ? 0.22 : 0.15);
  _vigil_chart_trace_series (cr, &area, times, values, n, lo, hi, TRUE);
  cairo_fill (cr);

  _vigil_chart_set_color (cr, line_rgb, 1.0);
  cairo_set_line_width (cr, VIGIL_CHART_LINE_WIDTH);
  _vigil_chart_trace_series (cr, &area, times, values, n, lo, hi, FALSE);
  cairo_stroke (cr);

  /* The unit, top left inside the plot area, on a backdrop so that the
   * line never hides it. */
  if (unit_label != NULL && *unit_label != '\0')
    {
      PangoLayout *layout = _vigil_chart_create_layout (cr, style, unit_label);
      double pad = f * 0.25;
      double x = area.x + f * 0.5;
      double y = area.y + f * 0.25;
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      if (w + f < area.width && h + f < area.height)
        {
          double bg[3];

          vigil_chart_style_color (style, VIGIL_CHART_COLOR_BACKGROUND, bg);
          _vigil_chart_set_color (cr, bg, 0.85);
          cairo_rectangle (cr, round (x - pad), round (y), w + 2 * pad, h);
          cairo_fill (cr);
          _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_DIM);
          _vigil_chart_draw_layout (cr, layout, x, y, 0, 0);
        }
      g_object_unref (layout);
    }

  cairo_restore (cr);
}
