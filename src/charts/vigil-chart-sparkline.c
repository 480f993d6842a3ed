/* vigil-chart-sparkline.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-charts"

#include "config.h"

#include <math.h>

#include "vigil-chart-private.h"
#include "vigil-chart-sparkline.h"

#define SPARK_LINE_WIDTH 1.5
#define SPARK_DOT_RADIUS 2.0

/**
 * vigil_chart_sparkline:
 * @cr: where to draw
 * @width: the chart's width, from (0, 0) of the current user space
 * @height: the chart's height
 * @style: colours and font
 * @values: (array length=n) (nullable): scores 0..100, oldest first; NAN
 *   for gaps
 * @n: number of values
 * @healthy_cutoff: the lowest healthy score
 * @at_risk_cutoff: the lowest at-risk score
 *
 * A small trend line without axes on a fixed 0..100 scale, coloured by
 * the tier of the latest value, with a dot on that value.
 */
void
vigil_chart_sparkline (cairo_t               *cr,
                       double                 width,
                       double                 height,
                       const VigilChartStyle *style,
                       const double          *values,
                       guint                  n,
                       double                 healthy_cutoff,
                       double                 at_risk_cutoff)
{
  double inset = SPARK_DOT_RADIUS + 0.5;
  double last = NAN;
  double rgb[3];
  double x0, y0, w, h;
  gboolean in_run = FALSE;
  guint last_index = 0;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (n == 0 || values != NULL);

  cairo_save (cr);
  _vigil_chart_begin (cr, width, height, style);

  for (guint i = n; i > 0; i--)
    if (isfinite (values[i - 1]))
      {
        last = values[i - 1];
        last_index = i - 1;
        break;
      }
  if (isnan (last))
    {
      _vigil_chart_draw_no_data (cr, width, height, style);
      cairo_restore (cr);
      return;
    }

  x0 = inset;
  y0 = inset;
  w = MAX (width - 2 * inset, 1.0);
  h = MAX (height - 2 * inset, 1.0);

#define SPARK_X(i) (n > 1 ? x0 + (double) (i) / (n - 1) * w : x0 + w)
#define SPARK_Y(v) (y0 + (1.0 - CLAMP ((v), 0, 100) / 100.0) * h)

  vigil_chart_tier_color (vigil_chart_tier_for_score (last, healthy_cutoff, at_risk_cutoff),
                          style->dark, rgb);
  _vigil_chart_set_color (cr, rgb, 1.0);
  cairo_set_line_width (cr, SPARK_LINE_WIDTH);

  for (guint i = 0; i < n; i++)
    {
      if (!isfinite (values[i]))
        {
          in_run = FALSE;
          continue;
        }
      if (!in_run)
        cairo_move_to (cr, SPARK_X (i), SPARK_Y (values[i]));
      cairo_line_to (cr, SPARK_X (i), SPARK_Y (values[i]));
      in_run = TRUE;
    }
  cairo_stroke (cr);

  cairo_arc (cr, SPARK_X (last_index), SPARK_Y (last), SPARK_DOT_RADIUS, 0, 2 * G_PI);
  cairo_fill (cr);

#undef SPARK_X
#undef SPARK_Y

  cairo_restore (cr);
}
