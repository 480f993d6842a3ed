/* vigil-chart-axis.c
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
#include "vigil-chart-private.h"

/* Margins around the plot area, in font sizes. They depend on the style
 * only, never on the data or a measured text, so that a hit test without
 * a cairo_t agrees with the drawing. */
#define MARGIN_LEFT   3.5
#define MARGIN_RIGHT  1.0
#define MARGIN_TOP    0.75
#define MARGIN_BOTTOM 2.0

#define DAY (G_GINT64_CONSTANT (86400))

void
_vigil_chart_set_color (cairo_t      *cr,
                        const double  rgb[3],
                        double        alpha)
{
  if (alpha >= 1.0)
    cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  else
    cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], alpha);
}

void
_vigil_chart_set_style_color (cairo_t               *cr,
                              const VigilChartStyle *style,
                              VigilChartColor        color)
{
  double rgb[3];

  vigil_chart_style_color (style, color, rgb);
  _vigil_chart_set_color (cr, rgb, 1.0);
}

/* Every chart starts here: clips to its rectangle and paints the
 * background. The caller has saved the cairo state. */
void
_vigil_chart_begin (cairo_t               *cr,
                    double                 width,
                    double                 height,
                    const VigilChartStyle *style)
{
  g_assert (cr != NULL);
  g_assert (style != NULL);

  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  if (style->fill_background)
    {
      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_BACKGROUND);
      cairo_paint (cr);
    }
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
}

PangoLayout *
_vigil_chart_create_layout (cairo_t               *cr,
                            const VigilChartStyle *style,
                            const char            *text)
{
  PangoLayout *layout;
  PangoFontDescription *desc;

  g_assert (cr != NULL);
  g_assert (style != NULL);

  layout = pango_cairo_create_layout (cr);
  desc = pango_font_description_from_string (style->font_family ? style->font_family
                                                                : "sans-serif");
  /* Absolute size: user-space units, the same on screen and in a PDF. */
  pango_font_description_set_absolute_size (desc, MAX (style->font_size, 1.0) * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  if (style->font_features != NULL)
    {
      PangoAttrList *attributes = pango_attr_list_new ();

      pango_attr_list_insert (attributes, pango_attr_font_features_new (style->font_features));
      pango_layout_set_attributes (layout, attributes);
      pango_attr_list_unref (attributes);
    }
  /* Plain text, never markup: labels may be customer data. */
  pango_layout_set_text (layout, text ? text : "", -1);

  return layout;
}

/* Draws @layout with its logical box anchored at (x, y): xalign 0 puts
 * the left edge at x, 0.5 the centre, 1 the right edge; same for y. */
void
_vigil_chart_draw_layout (cairo_t     *cr,
                          PangoLayout *layout,
                          double       x,
                          double       y,
                          double       xalign,
                          double       yalign)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - xalign * w), round (y - yalign * h));
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);
}

void
_vigil_chart_draw_no_data (cairo_t               *cr,
                           double                 width,
                           double                 height,
                           const VigilChartStyle *style)
{
  PangoLayout *layout = _vigil_chart_create_layout (cr, style, _("No data"));
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (w <= width && h <= height)
    {
      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_DIM);
      _vigil_chart_draw_layout (cr, layout, width / 2, height / 2, 0.5, 0.5);
    }
  else
    {
      /* Too small for words (a sparkline): a short dim dash. */
      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_DIM);
      cairo_set_line_width (cr, MIN (VIGIL_CHART_LINE_WIDTH, MAX (height / 4, 1.0)));
      cairo_move_to (cr, width * 0.3, height / 2);
      cairo_line_to (cr, width * 0.7, height / 2);
      cairo_stroke (cr);
    }
  g_object_unref (layout);
}

double
_vigil_chart_snap (double v)
{
  return floor (v) + 0.5;
}

/* A tick label: as many decimals as the step needs, and k / M for big
 * numbers. */
char *
_vigil_chart_format_value (double value,
                           double step)
{
  const char *suffix = "";
  double scale = 1.0;
  int decimals = 0;

  if (!isfinite (step) || step <= 0)
    step = fabs (value) > 0 ? fabs (value) : 1.0;

  if (fabs (value) >= 1e6 || step >= 1e6)
    scale = 1e6, suffix = "M";
  else if (fabs (value) >= 1e4 || step >= 1e4)
    scale = 1e3, suffix = "k";

  value /= scale;
  step /= scale;
  if (step < 1.0)
    decimals = (int) CLAMP (ceil (-log10 (step) - 1e-9), 0, 3);
  if (fabs (value) < 0.5 * pow (10, -decimals))
    value = 0.0;  /* never "-0" */

  return g_strdup_printf ("%.*f%s", decimals, value, suffix);
}

/**
 * vigil_chart_plot_area:
 * @width: the chart's width
 * @height: the chart's height
 * @style: the style the chart is drawn with
 * @out: (out caller-allocates): the rectangle the axis charts (health
 *   history, series, histogram) plot their data in
 *
 * The plot area depends only on the size and the style, so that hit tests
 * agree with what was drawn.
 */
void
vigil_chart_plot_area (double                 width,
                       double                 height,
                       const VigilChartStyle *style,
                       cairo_rectangle_t     *out)
{
  double f;
  double left, right, top, bottom;

  g_return_if_fail (style != NULL);
  g_return_if_fail (out != NULL);

  f = MAX (style->font_size, 1.0);
  left = round (f * MARGIN_LEFT);
  right = round (f * MARGIN_RIGHT);
  top = round (f * MARGIN_TOP);
  bottom = round (f * MARGIN_BOTTOM);

  out->x = left;
  out->y = top;
  out->width = MAX (width - left - right, 1.0);
  out->height = MAX (height - top - bottom, 1.0);
}

/**
 * vigil_chart_nice_ticks:
 * @lo: the lowest value to show
 * @hi: the highest value to show
 * @max_ticks: the most ticks wanted (at least 2)
 * @out_lo: (out): the first tick, at or below @lo
 * @out_hi: (out): the last tick, at or above @hi
 * @out_step: (out): the distance between ticks: 1, 2 or 5 × 10ⁿ
 *
 * Returns: the number of ticks from @out_lo to @out_hi
 */
guint
vigil_chart_nice_ticks (double  lo,
                        double  hi,
                        guint   max_ticks,
                        double *out_lo,
                        double *out_hi,
                        double *out_step)
{
  static const double nice[] = { 1.0, 2.0, 5.0, 10.0 };
  double step, mag, raw, first = 0, last = 1;
  guint count = 2;

  g_return_val_if_fail (out_lo != NULL, 0);
  g_return_val_if_fail (out_hi != NULL, 0);
  g_return_val_if_fail (out_step != NULL, 0);

  if (!isfinite (lo) || !isfinite (hi))
    lo = 0, hi = 1;
  if (hi < lo)
    {
      double t = lo;

      lo = hi;
      hi = t;
    }
  if (hi == lo)
    {
      if (lo == 0)
        hi = 1;
      else if (lo > 0)
        lo = 0;
      else
        hi = 0;
    }
  max_ticks = MAX (max_ticks, 2);

  raw = (hi - lo) / (max_ticks - 1);
  mag = pow (10, floor (log10 (raw)));
  step = mag * 10;
  for (guint round_ = 0; round_ < 3; round_++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (nice); i++)
        {
          step = nice[i] * mag;
          if (step < raw * (1 - 1e-9))
            continue;
          first = floor (lo / step + 1e-9) * step;
          last = ceil (hi / step - 1e-9) * step;
          count = (guint) llround ((last - first) / step) + 1;
          if (count <= max_ticks)
            {
              found = TRUE;
              break;
            }
        }
      if (found)
        break;
      mag *= 10;
    }

  *out_lo = first;
  *out_hi = last;
  *out_step = step;

  return count;
}

gboolean
_vigil_chart_time_range (const gint64 *times,
                         guint         n,
                         gint64       *tmin,
                         gint64       *tmax)
{
  if (n == 0 || times == NULL)
    return FALSE;

  *tmin = *tmax = times[0];
  for (guint i = 1; i < n; i++)
    {
      *tmin = MIN (*tmin, times[i]);
      *tmax = MAX (*tmax, times[i]);
    }

  return TRUE;
}

double
_vigil_chart_time_x (const cairo_rectangle_t *area,
                     gint64                   tmin,
                     gint64                   tmax,
                     gint64                   t)
{
  if (tmax <= tmin)
    return area->x + area->width / 2;
  return area->x + (double) (t - tmin) / (double) (tmax - tmin) * area->width;
}

/**
 * vigil_chart_index_at:
 * @width: the chart's width
 * @height: the chart's height
 * @style: the style the chart is drawn with
 * @times: (array length=n) (nullable): the series' times, as drawn
 * @values: (array length=n) (nullable): the values, to skip gaps (NAN)
 * @n: number of points
 * @x: a horizontal position in the chart, e.g. the pointer's
 *
 * Hit test for the line charts (health history, series).
 *
 * Returns: the index of the point nearest to @x, or -1 if @x is outside
 *   the plot area or there is no point
 */
int
vigil_chart_index_at (double                 width,
                      double                 height,
                      const VigilChartStyle *style,
                      const gint64          *times,
                      const double          *values,
                      guint                  n,
                      double                 x)
{
  cairo_rectangle_t area;
  gint64 tmin, tmax;
  double best = G_MAXDOUBLE;
  int best_index = -1;

  g_return_val_if_fail (style != NULL, -1);
  g_return_val_if_fail (n == 0 || times != NULL, -1);

  if (n == 0 || n > G_MAXINT)
    return -1;

  vigil_chart_plot_area (width, height, style, &area);
  if (!(x >= area.x && x <= area.x + area.width))
    return -1;

  _vigil_chart_time_range (times, n, &tmin, &tmax);
  for (guint i = 0; i < n; i++)
    {
      double d;

      if (values != NULL && !isfinite (values[i]))
        continue;
      d = fabs (_vigil_chart_time_x (&area, tmin, tmax, times[i]) - x);
      if (d < best)
        {
          best = d;
          best_index = (int) i;
        }
    }

  return best_index;
}

/* Traces the series as sub-paths broken at NAN values, in a y range
 * lo..hi. With @close_to_baseline each run is closed down to lo, for an
 * area fill; otherwise a lone point becomes a dot. */
void
_vigil_chart_trace_series (cairo_t                 *cr,
                           const cairo_rectangle_t *area,
                           const gint64            *times,
                           const double            *values,
                           guint                    n,
                           double                   lo,
                           double                   hi,
                           gboolean                 close_to_baseline)
{
  gint64 tmin, tmax;
  double base_y = area->y + area->height;
  double run_x0 = 0, last_x = 0;
  gboolean in_run = FALSE;

  if (!_vigil_chart_time_range (times, n, &tmin, &tmax))
    return;
  if (hi <= lo)
    hi = lo + 1;

  for (guint i = 0; i <= n; i++)
    {
      gboolean ok = i < n && isfinite (values[i]);
      double x = 0, y = 0;

      if (ok)
        {
          double v = CLAMP (values[i], lo, hi);

          x = _vigil_chart_time_x (area, tmin, tmax, times[i]);
          y = area->y + (1.0 - (v - lo) / (hi - lo)) * area->height;
        }

      if (ok && !in_run)
        {
          cairo_move_to (cr, x, y);
          run_x0 = x;
          in_run = TRUE;
          if (!close_to_baseline && (i + 1 >= n || !isfinite (values[i + 1])))
            {
              /* A lone point: a small ring that the stroke fills in,
               * a little wider than the line. */
              cairo_new_sub_path (cr);
              cairo_arc (cr, x, y, VIGIL_CHART_LINE_WIDTH * 0.4, 0, 2 * G_PI);
            }
        }
      else if (ok)
        {
          cairo_line_to (cr, x, y);
        }
      else if (in_run)
        {
          if (close_to_baseline)
            {
              cairo_line_to (cr, last_x, base_y);
              cairo_line_to (cr, run_x0, base_y);
              cairo_close_path (cr);
            }
          in_run = FALSE;
        }
      last_x = x;
    }
}

typedef struct
{
  gint64      seconds;  /* 0 when counting months */
  guint       months;
  const char *format;
} TimeStep;

/* Translators may change the date formats later: they are strftime-like
 * formats for g_date_time_format(). The day is "%-e", unpadded: "%e"
 * pads it with a figure space (U+2007), which g_strstrip() keeps and
 * which would push a centred label off its tick. */
static const TimeStep time_steps[] = {
  { 3600, 0, "%H:%M" },
  { 2 * 3600, 0, "%H:%M" },
  { 3 * 3600, 0, "%H:%M" },
  { 6 * 3600, 0, "%H:%M" },
  { 12 * 3600, 0, "%H:%M" },
  { DAY, 0, "%-e %b" },
  { 2 * DAY, 0, "%-e %b" },
  { 3 * DAY, 0, "%-e %b" },
  { 7 * DAY, 0, "%-e %b" },
  { 14 * DAY, 0, "%-e %b" },
  { 0, 1, "%b" },
  { 0, 2, "%b" },
  { 0, 3, "%b" },
  { 0, 6, "%b %Y" },
  { 0, 12, "%Y" },
  { 0, 24, "%Y" },
  { 0, 60, "%Y" },
  { 0, 120, "%Y" },
};

static char *
format_time (gint64      t,
             const char *format)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  char *text;

  if (dt == NULL)
    return g_strdup ("");
  text = g_date_time_format (dt, format);
  if (text == NULL)
    return g_strdup ("");

  return g_strstrip (text);
}

static gint64
month_start (int year,
             int month)
{
  g_autoptr(GDateTime) dt = NULL;

  year += (month - 1) / 12;
  month = (month - 1) % 12 + 1;
  dt = g_date_time_new_utc (year, month, 1, 0, 0, 0);

  return dt != NULL ? g_date_time_to_unix (dt) : G_MAXINT64;
}

/* The first tick at or after @tmin for @step. */
static gint64
first_tick (const TimeStep *step,
            gint64          tmin,
            int            *year,
            int            *month)
{
  if (step->seconds > 0)
    {
      /* Week steps start on Mondays; 1970-01-05 was one. */
      gint64 origin = step->seconds >= 7 * DAY ? 4 * DAY : 0;
      gint64 k = (tmin - origin) / step->seconds;
      gint64 t = origin + k * step->seconds;

      while (t < tmin)
        t += step->seconds;
      return t;
    }
  else
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (tmin);
      gint64 t;

      if (dt == NULL)
        return G_MAXINT64;
      *year = g_date_time_get_year (dt);
      *month = g_date_time_get_month (dt);
      /* Align to a multiple of the step: January, April, July… */
      while ((*month - 1) % step->months != 0)
        (*month)++;
      while ((t = month_start (*year, *month)) < tmin)
        *month += step->months;
      return t;
    }
}

static gint64
next_tick (const TimeStep *step,
           gint64          t,
           int             year,
           int            *month)
{
  if (step->seconds > 0)
    return t + step->seconds;

  *month += step->months;
  return month_start (year, *month);
}

/* Date labels under the plot area, at round times, as many as fit. */
void
_vigil_chart_draw_time_axis (cairo_t                 *cr,
                             double                   width,
                             const VigilChartStyle   *style,
                             const cairo_rectangle_t *area,
                             gint64                   tmin,
                             gint64                   tmax,
                             gboolean                 grid)
{
  double f = MAX (style->font_size, 1.0);
  double label_y = area->y + area->height + f * 0.45;
  double max_labels = MAX (floor (area->width / (f * 5.5)), 2);
  const TimeStep *step = NULL;
  double prev_right = -G_MAXDOUBLE;
  guint drawn = 0;
  gint64 t;
  int year = 0, month = 0;

  if (tmax <= tmin)
    {
      g_autofree char *text = format_time (tmin, "%-e %b");
      PangoLayout *layout = _vigil_chart_create_layout (cr, style, text);

      _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_DIM);
      _vigil_chart_draw_layout (cr, layout, area->x + area->width / 2, label_y, 0.5, 0);
      g_object_unref (layout);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (time_steps); i++)
    {
      double span = (double) (tmax - tmin);
      double len = time_steps[i].seconds > 0 ? (double) time_steps[i].seconds
                                             : time_steps[i].months * 30.44 * DAY;

      step = &time_steps[i];
      if (span / len <= max_labels)
        break;
    }

  for (t = first_tick (step, tmin, &year, &month);
       t <= tmax && drawn < 64;
       t = next_tick (step, t, year, &month))
    {
      g_autofree char *text = format_time (t, step->format);
      PangoLayout *layout = _vigil_chart_create_layout (cr, style, text);
      double x = _vigil_chart_time_x (area, tmin, tmax, t);
      int w, h;
      double left;

      pango_layout_get_pixel_size (layout, &w, &h);
      /* Centred under its time, kept inside the chart. */
      left = CLAMP (x - w / 2.0, 0, MAX (width - w, 0));
      if (left >= prev_right + f * 0.75)
        {
          if (grid)
            {
              _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_GRID);
              cairo_set_line_width (cr, 1.0);
              cairo_move_to (cr, _vigil_chart_snap (x), area->y);
              cairo_line_to (cr, _vigil_chart_snap (x), area->y + area->height);
              cairo_stroke (cr);
            }
          _vigil_chart_set_style_color (cr, style, VIGIL_CHART_COLOR_DIM);
          _vigil_chart_draw_layout (cr, layout, left, label_y, 0, 0);
          prev_right = left + w;
          drawn++;
        }
      g_object_unref (layout);
    }
}
