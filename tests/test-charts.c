/* test-charts.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "vigil-charts.h"

#define W 600
#define H 300
#define DAY 86400
#define T0 G_GINT64_CONSTANT (1793491200)  /* 2026-11-01T00:00:00Z */

/* Colour distance in 0..255 steps, the largest channel difference. */
#define CLOSE 3
#define FAR 40

typedef void (*DrawFunc) (cairo_t               *cr,
                          double                 width,
                          double                 height,
                          const VigilChartStyle *style,
                          gpointer               data);

static cairo_surface_t *
render (DrawFunc               func,
        int                    width,
        int                    height,
        const VigilChartStyle *style,
        gpointer               data)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  func (cr, width, height, style, data);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static guint32
raw_pixel (cairo_surface_t *surface,
           int              x,
           int              y)
{
  const unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));

  return *(const guint32 *) (data + y * stride + x * 4);
}

/* The pixel as 0..255 RGB; the charts paint an opaque background. */
static void
get_pixel (cairo_surface_t *surface,
           int              x,
           int              y,
           int              rgb[3])
{
  guint32 p = raw_pixel (surface, x, y);

  g_assert_cmpuint (p >> 24, ==, 0xff);
  rgb[0] = (p >> 16) & 0xff;
  rgb[1] = (p >> 8) & 0xff;
  rgb[2] = p & 0xff;
}

static void
to_255 (const double rgb[3],
        int          out[3])
{
  for (guint i = 0; i < 3; i++)
    out[i] = (int) lround (rgb[i] * 255);
}

static int
distance (const int a[3],
          const int b[3])
{
  int d = 0;

  for (guint i = 0; i < 3; i++)
    d = MAX (d, ABS (a[i] - b[i]));
  return d;
}

static int
pixel_distance (cairo_surface_t *surface,
                int              x,
                int              y,
                const int        rgb[3])
{
  int p[3];

  get_pixel (surface, x, y, p);
  return distance (p, rgb);
}

static void
style_rgb (const VigilChartStyle *style,
           VigilChartColor        color,
           int                    out[3])
{
  double rgb[3];

  vigil_chart_style_color (style, color, rgb);
  to_255 (rgb, out);
}

static void
tier_rgb (VigilChartTier tier,
          gboolean       dark,
          int            out[3])
{
  double rgb[3];

  vigil_chart_tier_color (tier, dark, rgb);
  to_255 (rgb, out);
}

/* What a band looks like over the style's background. */
static void
band_rgb (const VigilChartStyle *style,
          VigilChartTier         tier,
          int                    out[3])
{
  double bg[3], rgba[4], mix[3];

  vigil_chart_style_color (style, VIGIL_CHART_COLOR_BACKGROUND, bg);
  vigil_chart_band_color (tier, style->dark, rgba);
  for (guint i = 0; i < 3; i++)
    mix[i] = bg[i] * (1 - rgba[3]) + rgba[i] * rgba[3];
  to_255 (mix, out);
}

static guint
count_near (cairo_surface_t *surface,
            const int        rgb[3],
            int              tolerance)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  guint count = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (pixel_distance (surface, x, y, rgb) <= tolerance)
        count++;
  return count;
}

static double
value_y (const cairo_rectangle_t *area,
         double                   v,
         double                   lo,
         double                   hi)
{
  return area->y + (1 - (v - lo) / (hi - lo)) * area->height;
}

/* Data sets and drawing callbacks. */

typedef struct
{
  const gint64 *times;
  const double *values;
  guint         n;
  const gint64 *markers;
  guint         n_markers;
  const char   *unit;
} Series;

static void
draw_health (cairo_t               *cr,
             double                 width,
             double                 height,
             const VigilChartStyle *style,
             gpointer               data)
{
  const Series *s = data;

  vigil_chart_health_history (cr, width, height, style, s->times, s->values, s->n, 85, 60,
                              s->markers, s->n_markers);
}

static void
draw_series (cairo_t               *cr,
             double                 width,
             double                 height,
             const VigilChartStyle *style,
             gpointer               data)
{
  const Series *s = data;

  vigil_chart_series (cr, width, height, style, s->times, s->values, s->n, s->unit);
}

static void
draw_sparkline (cairo_t               *cr,
                double                 width,
                double                 height,
                const VigilChartStyle *style,
                gpointer               data)
{
  const Series *s = data;

  vigil_chart_sparkline (cr, width, height, style, s->values, s->n, 85, 60);
}

typedef struct
{
  const double *scores;
  guint         n;
  guint         n_bins;
} Scores;

static void
draw_histogram (cairo_t               *cr,
                double                 width,
                double                 height,
                const VigilChartStyle *style,
                gpointer               data)
{
  const Scores *s = data;

  vigil_chart_histogram (cr, width, height, style, s->scores, s->n, s->n_bins, 85, 60);
}

static void
draw_distribution (cairo_t               *cr,
                   double                 width,
                   double                 height,
                   const VigilChartStyle *style,
                   gpointer               data)
{
  static const char *const labels[3] = { "Healthy", "At risk", "High risk" };

  vigil_chart_tier_distribution (cr, width, height, style, data, labels);
}

static void
make_days (gint64 *times,
           guint   n)
{
  for (guint i = 0; i < n; i++)
    times[i] = T0 + (gint64) i * DAY;
}

/* Tests */

static void
test_style_colors (void)
{
  VigilChartStyle light, dark;

  vigil_chart_style_init (&light, FALSE);
  vigil_chart_style_init (&dark, TRUE);
  g_assert_false (light.dark);
  g_assert_true (dark.dark);
  g_assert_nonnull (light.font_family);
  g_assert_cmpfloat (light.font_size, >, 0);

  for (int d = 0; d < 2; d++)
    for (int a = 0; a <= VIGIL_CHART_TIER_NONE; a++)
      {
        int ca[3], other[3];

        tier_rgb (a, d, ca);
        tier_rgb (a, !d, other);
        g_assert_cmpint (distance (ca, other), >, 10);
        for (int b = a + 1; b <= VIGIL_CHART_TIER_NONE; b++)
          {
            int cb[3];

            tier_rgb (b, d, cb);
            g_assert_cmpint (distance (ca, cb), >, 60);
          }
      }

  g_assert_cmpint (vigil_chart_tier_for_score (85, 85, 60), ==, VIGIL_CHART_TIER_HEALTHY);
  g_assert_cmpint (vigil_chart_tier_for_score (84.99, 85, 60), ==, VIGIL_CHART_TIER_AT_RISK);
  g_assert_cmpint (vigil_chart_tier_for_score (60, 85, 60), ==, VIGIL_CHART_TIER_AT_RISK);
  g_assert_cmpint (vigil_chart_tier_for_score (59.9, 85, 60), ==, VIGIL_CHART_TIER_HIGH_RISK);
  g_assert_cmpint (vigil_chart_tier_for_score (NAN, 85, 60), ==, VIGIL_CHART_TIER_NONE);
}

static void
test_style_background (void)
{
  VigilChartStyle light, dark;
  Series empty = { 0 };
  cairo_surface_t *a, *b, *c;
  int bg_light[3], bg_dark[3], fg_dark[3];
  int pa[3], pb[3];

  vigil_chart_style_init (&light, FALSE);
  vigil_chart_style_init (&dark, TRUE);
  style_rgb (&light, VIGIL_CHART_COLOR_BACKGROUND, bg_light);
  style_rgb (&dark, VIGIL_CHART_COLOR_BACKGROUND, bg_dark);
  style_rgb (&dark, VIGIL_CHART_COLOR_FOREGROUND, fg_dark);
  g_assert_cmpint (distance (bg_dark, fg_dark), >, 150);

  a = render (draw_health, W, H, &light, &empty);
  b = render (draw_health, W, H, &dark, &empty);
  get_pixel (a, 2, 2, pa);
  get_pixel (b, 2, 2, pb);
  g_assert_cmpint (distance (pa, bg_light), <=, 1);
  g_assert_cmpint (distance (pb, bg_dark), <=, 1);
  g_assert_cmpint (distance (pa, pb), >, 150);

  /* Without a background the corners stay transparent. */
  light.fill_background = FALSE;
  c = render (draw_health, W, H, &light, &empty);
  g_assert_cmpuint (raw_pixel (c, 2, 2), ==, 0);

  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  cairo_surface_destroy (c);
}

static void
test_axis_nice_ticks (void)
{
  static const struct { double lo, hi; guint max; double elo, ehi, estep; } cases[] = {
    { 0, 97, 6, 0, 100, 20 },
    { 0, 3200, 6, 0, 4000, 1000 },
    { 0, 1, 6, 0, 1, 0.2 },
    { 0, 45, 8, 0, 50, 10 },
    { 5, 5, 6, 0, 5, 1 },
    { 0, 0, 6, 0, 1, 0.2 },
    { -30, 70, 7, -40, 80, 20 },
    { -30, 70, 6, -50, 100, 50 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double lo, hi, step;
      guint n = vigil_chart_nice_ticks (cases[i].lo, cases[i].hi, cases[i].max, &lo, &hi, &step);

      g_assert_cmpfloat_with_epsilon (lo, cases[i].elo, 1e-9);
      g_assert_cmpfloat_with_epsilon (hi, cases[i].ehi, 1e-9);
      g_assert_cmpfloat_with_epsilon (step, cases[i].estep, 1e-9);
      g_assert_cmpuint (n, <=, cases[i].max);
      g_assert_cmpuint (n, ==, (guint) llround ((hi - lo) / step) + 1);
    }
}

static void
test_axis_index_at (void)
{
  VigilChartStyle style;
  cairo_rectangle_t area;
  gint64 times[10];
  double values[10];
  double dx;

  vigil_chart_style_init (&style, FALSE);
  vigil_chart_plot_area (W, H, &style, &area);
  g_assert_cmpfloat (area.x, >, 0);
  g_assert_cmpfloat (area.y, >=, 0);
  g_assert_cmpfloat (area.x + area.width, <, W);
  g_assert_cmpfloat (area.y + area.height, <, H);

  make_days (times, 10);
  for (guint i = 0; i < 10; i++)
    values[i] = 50;
  dx = area.width / 9;

  g_assert_cmpint (vigil_chart_index_at (W, H, &style, times, values, 10, area.x), ==, 0);
  g_assert_cmpint (vigil_chart_index_at (W, H, &style, times, values, 10, area.x + 3 * dx), ==, 3);
  g_assert_cmpint (vigil_chart_index_at (W, H, &style, times, NULL, 10, area.x + 3.4 * dx), ==, 3);
  g_assert_cmpint (vigil_chart_index_at (W, H, &style, times, values, 10, area.x + 3.6 * dx), ==, 4);
  g_assert_cmpint (vigil_chart_index_at (W, H, &style, times, values, 10,
                                         area.x + area.width), ==, 9);
  g_assert_cmpint (vigil_chart_index_at (W, H, &style, times, values, 10, area.x - 1), ==, -1);
  g_assert_cmpint (vigil_chart_index_at (W, H, &style, times, values, 10,
                                         area.x + area.width + 1), ==, -1);
  g_assert_cmpint (vigil_chart_index_at (W, H, &style, NULL, NULL, 0, area.x + dx), ==, -1);

  /* Gaps are skipped. */
  values[3] = NAN;
  g_assert_cmpint (vigil_chart_index_at (W, H, &style, times, values, 10, area.x + 3.1 * dx), ==, 4);
  g_assert_cmpint (vigil_chart_index_at (W, H, &style, times, values, 10, area.x + 2.9 * dx), ==, 2);

  /* A lone point sits in the middle. */
  g_assert_cmpint (vigil_chart_index_at (W, H, &style, times, values, 1, area.x + 1), ==, 0);
}

static void
test_health_bands (void)
{
  VigilChartStyle style;
  cairo_rectangle_t area;
  gint64 times[10];
  double values[10];
  Series s = { times, values, 10, NULL, 0, NULL };

  make_days (times, 10);
  for (guint i = 0; i < 10; i++)
    values[i] = 20;

  for (int dark = 0; dark < 2; dark++)
    {
      cairo_surface_t *surface;
      int healthy[3], at_risk[3], high_risk[3];
      int x;

      vigil_chart_style_init (&style, dark);
      vigil_chart_plot_area (W, H, &style, &area);
      surface = render (draw_health, W, H, &style, &s);
      band_rgb (&style, VIGIL_CHART_TIER_HEALTHY, healthy);
      band_rgb (&style, VIGIL_CHART_TIER_AT_RISK, at_risk);
      band_rgb (&style, VIGIL_CHART_TIER_HIGH_RISK, high_risk);
      g_assert_cmpint (distance (healthy, at_risk), >, 8);
      g_assert_cmpint (distance (healthy, high_risk), >, 8);
      g_assert_cmpint (distance (at_risk, high_risk), >, 8);

      x = (int) (area.x + area.width / 2);
      g_assert_cmpint (pixel_distance (surface, x, (int) value_y (&area, 95, 0, 100), healthy),
                       <=, CLOSE);
      g_assert_cmpint (pixel_distance (surface, x, (int) value_y (&area, 70, 0, 100), at_risk),
                       <=, CLOSE);
      g_assert_cmpint (pixel_distance (surface, x, (int) value_y (&area, 30, 0, 100), high_risk),
                       <=, CLOSE);
      /* The bands stay inside the plot area. */
      g_assert_cmpint (pixel_distance (surface, (int) area.x - 3,
                                       (int) value_y (&area, 95, 0, 100), healthy), >, CLOSE);
      cairo_surface_destroy (surface);
    }
}

/* The line crosses column x at y_expected: solid there, absent further
 * than 3 pixels away. */
static void
assert_line_only_near (cairo_surface_t *surface,
                       int              x,
                       double           y_expected,
                       const int        rgb[3])
{
  gboolean solid = FALSE;

  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    {
      int d = pixel_distance (surface, x, y, rgb);

      if (fabs (y + 0.5 - y_expected) <= 1.0 && d <= CLOSE)
        solid = TRUE;
      if (fabs (y + 0.5 - y_expected) > 3.0)
        g_assert_cmpint (d, >, FAR);
    }
  g_assert_true (solid);
}

static gboolean
column_has (cairo_surface_t *surface,
            int              x,
            const int        rgb[3],
            int              tolerance)
{
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    if (pixel_distance (surface, x, y, rgb) <= tolerance)
      return TRUE;
  return FALSE;
}

static void
test_health_line (void)
{
  VigilChartStyle style;
  cairo_rectangle_t area;
  gint64 times[10];
  double values[10];
  Series s = { times, values, 10, NULL, 0, NULL };

  make_days (times, 10);
  for (guint i = 0; i < 10; i++)
    values[i] = 90;

  for (int dark = 0; dark < 2; dark++)
    {
      cairo_surface_t *surface;
      int line[3];

      vigil_chart_style_init (&style, dark);
      vigil_chart_plot_area (W, H, &style, &area);
      style_rgb (&style, VIGIL_CHART_COLOR_LINE, line);
      surface = render (draw_health, W, H, &style, &s);

      for (double f = 0.1; f < 1.0; f += 0.2)
        assert_line_only_near (surface, (int) (area.x + f * area.width),
                               value_y (&area, 90, 0, 100), line);
      cairo_surface_destroy (surface);
    }
}

static void
test_health_gaps (void)
{
  VigilChartStyle style;
  cairo_rectangle_t area;
  cairo_surface_t *surface;
  gint64 times[10];
  double values[10];
  Series s = { times, values, 10, NULL, 0, NULL };
  double dx;
  int line[3];

  make_days (times, 10);
  for (guint i = 0; i < 10; i++)
    values[i] = 90;
  values[4] = values[5] = NAN;
  values[8] = NAN;  /* point 9 stands alone: drawn as a dot */

  vigil_chart_style_init (&style, FALSE);
  vigil_chart_plot_area (W, H, &style, &area);
  style_rgb (&style, VIGIL_CHART_COLOR_LINE, line);
  dx = area.width / 9;
  surface = render (draw_health, W, H, &style, &s);

  g_assert_true (column_has (surface, (int) (area.x + 1.5 * dx), line, CLOSE));
  g_assert_false (column_has (surface, (int) (area.x + 4.5 * dx), line, FAR));
  g_assert_false (column_has (surface, (int) (area.x + 3.6 * dx), line, FAR));
  g_assert_true (column_has (surface, (int) (area.x + 6.5 * dx), line, CLOSE));
  g_assert_false (column_has (surface, (int) (area.x + 8.5 * dx), line, FAR));
  g_assert_true (column_has (surface, (int) (area.x + 9 * dx) - 1, line, CLOSE));
  cairo_surface_destroy (surface);
}

static void
test_health_markers (void)
{
  VigilChartStyle style;
  cairo_rectangle_t area;
  cairo_surface_t *surface;
  gint64 times[10];
  double values[10];
  gint64 markers[3];
  Series s = { times, values, 10, markers, G_N_ELEMENTS (markers), NULL };
  double dx;
  int fg[3];

  make_days (times, 10);
  for (guint i = 0; i < 10; i++)
    values[i] = 70 + i;
  markers[0] = times[5];
  markers[1] = times[2] + DAY / 2;   /* between two points: on the line */
  markers[2] = T0 - 30 * DAY;        /* outside the series: not drawn */

  vigil_chart_style_init (&style, FALSE);
  vigil_chart_plot_area (W, H, &style, &area);
  style_rgb (&style, VIGIL_CHART_COLOR_FOREGROUND, fg);
  dx = area.width / 9;
  surface = render (draw_health, W, H, &style, &s);

  g_assert_cmpint (pixel_distance (surface, (int) (area.x + 5 * dx),
                                   (int) value_y (&area, 75, 0, 100), fg), <=, CLOSE);
  g_assert_cmpint (pixel_distance (surface, (int) (area.x + 2.5 * dx),
                                   (int) value_y (&area, 72.5, 0, 100), fg), <=, CLOSE);
  /* No marker where none was asked for. */
  g_assert_cmpint (pixel_distance (surface, (int) (area.x + 7 * dx),
                                   (int) value_y (&area, 77, 0, 100), fg), >, FAR);
  cairo_surface_destroy (surface);
}

static void
test_series_area (void)
{
  VigilChartStyle style;
  cairo_rectangle_t area;
  cairo_surface_t *surface;
  gint64 times[10];
  double values[10];
  Series s = { times, values, 10, NULL, 0, "API calls" };
  double line_d[3], bg_d[3], tint_d[3];
  int line[3], tint[3];
  double dx, y45;
  int x, tinted = 0, total = 0;

  make_days (times, 10);
  for (guint i = 0; i < 10; i++)
    values[i] = 45;
  values[5] = NAN;

  vigil_chart_style_init (&style, FALSE);
  vigil_chart_plot_area (W, H, &style, &area);
  vigil_chart_style_color (&style, VIGIL_CHART_COLOR_LINE, line_d);
  vigil_chart_style_color (&style, VIGIL_CHART_COLOR_BACKGROUND, bg_d);
  for (guint i = 0; i < 3; i++)
    tint_d[i] = bg_d[i] * 0.85 + line_d[i] * 0.15;
  to_255 (line_d, line);
  to_255 (tint_d, tint);
  dx = area.width / 9;
  surface = render (draw_series, W, H, &style, &s);

  /* 45 on a nice 0..50 axis: the line at 90 % of the height, the area
   * under it filled with a tint of the line colour, nothing above. */
  y45 = value_y (&area, 45, 0, 50);
  x = (int) (area.x + 2.5 * dx);
  assert_line_only_near (surface, x, y45, line);
  for (int y = (int) y45 + 4; y < area.y + area.height - 2; y++, total++)
    if (pixel_distance (surface, x, y, tint) <= CLOSE)
      tinted++;
  g_assert_cmpint (tinted, >, total * 8 / 10);
  for (int y = (int) area.y + 1; y < y45 - 4; y++)
    g_assert_cmpint (pixel_distance (surface, x, y, tint), >, CLOSE);

  /* The gap around the missing point has neither line nor area. */
  x = (int) (area.x + 5 * dx);
  g_assert_false (column_has (surface, x, line, FAR));
  g_assert_false (column_has (surface, x, tint, 1));
  cairo_surface_destroy (surface);
}

static void
test_histogram_bins (void)
{
  static const double scores[10] = { 90, 91, 92, 93, 94.5, 95, 97, 98, 99.9, 100 };
  Scores s = { scores, G_N_ELEMENTS (scores), 10 };
  VigilChartStyle style;
  cairo_rectangle_t area;
  cairo_surface_t *surface;
  int healthy[3], at_risk[3], high_risk[3];
  double bw;

  g_assert_cmpuint (vigil_chart_histogram_bin (0, 10), ==, 0);
  g_assert_cmpuint (vigil_chart_histogram_bin (9.99, 10), ==, 0);
  g_assert_cmpuint (vigil_chart_histogram_bin (10, 10), ==, 1);
  g_assert_cmpuint (vigil_chart_histogram_bin (89.99, 10), ==, 8);
  g_assert_cmpuint (vigil_chart_histogram_bin (90, 10), ==, 9);
  g_assert_cmpuint (vigil_chart_histogram_bin (100, 10), ==, 9);
  g_assert_cmpuint (vigil_chart_histogram_bin (150, 10), ==, 9);
  g_assert_cmpuint (vigil_chart_histogram_bin (-5, 10), ==, 0);
  g_assert_cmpuint (vigil_chart_histogram_bin (50, 0), ==, 5);

  vigil_chart_style_init (&style, FALSE);
  vigil_chart_plot_area (W, H, &style, &area);
  tier_rgb (VIGIL_CHART_TIER_HEALTHY, FALSE, healthy);
  tier_rgb (VIGIL_CHART_TIER_AT_RISK, FALSE, at_risk);
  tier_rgb (VIGIL_CHART_TIER_HIGH_RISK, FALSE, high_risk);
  bw = area.width / 10;
  surface = render (draw_histogram, W, H, &style, &s);

  /* One full-height healthy bar in the last bin, nothing elsewhere. */
  for (guint b = 0; b < 10; b++)
    {
      int x = (int) (area.x + (b + 0.5) * bw);
      int bottom = (int) (area.y + area.height) - 3;

      if (b == 9)
        {
          g_assert_cmpint (pixel_distance (surface, x, bottom, healthy), <=, CLOSE);
          g_assert_cmpint (pixel_distance (surface, x, (int) area.y + 3, healthy), <=, CLOSE);
        }
      else
        {
          g_assert_false (column_has (surface, x, healthy, FAR));
          g_assert_false (column_has (surface, x, at_risk, FAR));
          g_assert_false (column_has (surface, x, high_risk, FAR));
        }
    }
  cairo_surface_destroy (surface);

  /* Each bin takes the colour of its midpoint's tier; height follows the
   * count. */
  {
    static const double mixed[] = { 25, 25, 65, 65, 65, 65, NAN, 95 };
    Scores m = { mixed, G_N_ELEMENTS (mixed), 10 };
    int x2 = (int) (area.x + 2.5 * bw), x6 = (int) (area.x + 6.5 * bw);
    int x9 = (int) (area.x + 9.5 * bw);
    double y1 = value_y (&area, 1, 0, 4), y2 = value_y (&area, 2, 0, 4);

    surface = render (draw_histogram, W, H, &style, &m);
    g_assert_cmpint (pixel_distance (surface, x2, (int) y2 + 3, high_risk), <=, CLOSE);
    g_assert_cmpint (pixel_distance (surface, x2, (int) y2 - 3, high_risk), >, FAR);
    g_assert_cmpint (pixel_distance (surface, x6, (int) area.y + 3, at_risk), <=, CLOSE);
    g_assert_cmpint (pixel_distance (surface, x9, (int) y1 + 3, healthy), <=, CLOSE);
    g_assert_cmpint (pixel_distance (surface, x9, (int) y1 - 3, healthy), >, FAR);
    cairo_surface_destroy (surface);
  }
}

static void
test_histogram_bin_at (void)
{
  VigilChartStyle style;
  cairo_rectangle_t area;
  double bw;

  vigil_chart_style_init (&style, FALSE);
  vigil_chart_plot_area (W, H, &style, &area);
  bw = area.width / 20;

  for (int b = 0; b < 20; b++)
    g_assert_cmpint (vigil_chart_bin_at (W, H, &style, 20, area.x + (b + 0.5) * bw), ==, b);
  g_assert_cmpint (vigil_chart_bin_at (W, H, &style, 20, area.x), ==, 0);
  g_assert_cmpint (vigil_chart_bin_at (W, H, &style, 20, area.x - 0.5), ==, -1);
  g_assert_cmpint (vigil_chart_bin_at (W, H, &style, 20, area.x + area.width), ==, -1);
  g_assert_cmpint (vigil_chart_bin_at (W, H, &style, 20, -100), ==, -1);
}

/* The longest run of a colour in any row, and where it ends. */
static int
longest_run (cairo_surface_t *surface,
             const int        rgb[3],
             int             *end_x,
             int             *row)
{
  int best = 0;

  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    {
      int run = 0;

      for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
        {
          run = pixel_distance (surface, x, y, rgb) <= CLOSE ? run + 1 : 0;
          if (run > best)
            {
              best = run;
              *end_x = x;
              *row = y;
            }
        }
    }
  return best;
}

static void
test_distribution_lengths (void)
{
  static const double counts[3] = { 10, 5, 2 };

  for (int dark = 0; dark < 2; dark++)
    {
      VigilChartStyle style;
      cairo_surface_t *surface;
      int runs[3], ends[3], rows[3];
      int bg[3];

      vigil_chart_style_init (&style, dark);
      style_rgb (&style, VIGIL_CHART_COLOR_BACKGROUND, bg);
      surface = render (draw_distribution, W, H, &style, (gpointer) counts);

      for (int t = 0; t < 3; t++)
        {
          int rgb[3];
          gboolean text = FALSE;

          tier_rgb (t, dark, rgb);
          runs[t] = longest_run (surface, rgb, &ends[t], &rows[t]);
          /* The value is written after the bar. */
          for (int y = rows[t] - 8; y <= rows[t] + 8; y++)
            for (int x = ends[t] + 2; x < MIN (ends[t] + 60, W); x++)
              if (pixel_distance (surface, x, y, bg) > FAR)
                text = TRUE;
          g_assert_true (text);
        }
      g_assert_cmpint (runs[0], >, W / 3);
      g_assert_cmpint (ABS (runs[1] - runs[0] / 2), <=, 2);
      g_assert_cmpint (ABS (runs[2] - runs[0] / 5), <=, 2);
      /* Bars start at the same x, in tier order top to bottom. */
      g_assert_cmpint (ABS ((ends[0] - runs[0]) - (ends[1] - runs[1])), <=, 1);
      g_assert_cmpint (rows[0], <, rows[1]);
      g_assert_cmpint (rows[1], <, rows[2]);
      /* Labels are written before the bars. */
      {
        gboolean text = FALSE;

        for (int y = rows[0] - 8; y <= rows[0] + 8; y++)
          for (int x = 0; x < ends[0] - runs[0] - 2; x++)
            if (pixel_distance (surface, x, y, bg) > FAR)
              text = TRUE;
        g_assert_true (text);
      }
      cairo_surface_destroy (surface);
    }
}

static void
test_sparkline_color (void)
{
  static const double healthy_end[] = { 40, 50, 70, 80, 92 };
  static const double at_risk_end[] = { 95, 90, 88, 80, 70 };
  static const double high_risk_end[] = { 95, 70, 30, NAN };
  static const struct { const double *v; guint n; VigilChartTier tier; } cases[] = {
    { healthy_end, G_N_ELEMENTS (healthy_end), VIGIL_CHART_TIER_HEALTHY },
    { at_risk_end, G_N_ELEMENTS (at_risk_end), VIGIL_CHART_TIER_AT_RISK },
    { high_risk_end, G_N_ELEMENTS (high_risk_end), VIGIL_CHART_TIER_HIGH_RISK },
  };

  for (int dark = 0; dark < 2; dark++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        VigilChartStyle style;
        Series s = { NULL, cases[i].v, cases[i].n, NULL, 0, NULL };
        cairo_surface_t *surface;

        vigil_chart_style_init (&style, dark);
        surface = render (draw_sparkline, 120, 28, &style, &s);
        for (int t = 0; t < 3; t++)
          {
            int rgb[3];
            guint count;

            tier_rgb (t, dark, rgb);
            count = count_near (surface, rgb, CLOSE);
            if ((VigilChartTier) t == cases[i].tier)
              g_assert_cmpuint (count, >=, 4);
            else
              g_assert_cmpuint (count, ==, 0);
          }
        cairo_surface_destroy (surface);
      }
}

static guint
count_not_background (cairo_surface_t       *surface,
                      const VigilChartStyle *style,
                      int                   *min_x,
                      int                   *max_x)
{
  int bg[3];
  guint count = 0;

  style_rgb (style, VIGIL_CHART_COLOR_BACKGROUND, bg);
  *min_x = G_MAXINT;
  *max_x = -1;
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      if (pixel_distance (surface, x, y, bg) > FAR)
        {
          count++;
          *min_x = MIN (*min_x, x);
          *max_x = MAX (*max_x, x);
        }
  return count;
}

static void
test_empty (void)
{
  static const double zero[3] = { 0, 0, 0 };
  static const double all_nan[2] = { NAN, NAN };
  static const gint64 two_times[2] = { T0, T0 + DAY };
  Series none = { NULL, NULL, 0, NULL, 0, "seats" };
  Series nans = { two_times, all_nan, 2, NULL, 0, NULL };
  Scores no_scores = { NULL, 0, 10 };
  Scores nan_scores = { all_nan, 2, 10 };
  const struct { DrawFunc func; gpointer data; int w, h; } cases[] = {
    { draw_health, &none, W, H },
    { draw_health, &nans, W, H },
    { draw_series, &none, W, H },
    { draw_series, &nans, W, H },
    { draw_histogram, &no_scores, W, H },
    { draw_histogram, &nan_scores, W, H },
    { draw_distribution, (gpointer) zero, W, H },
    { draw_sparkline, &none, W, H },
    { draw_sparkline, &none, 60, 12 },
    { draw_sparkline, &nans, 60, 12 },
  };

  for (int dark = 0; dark < 2; dark++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        VigilChartStyle style;
        cairo_surface_t *surface;
        int min_x, max_x;

        vigil_chart_style_init (&style, dark);
        surface = render (cases[i].func, cases[i].w, cases[i].h, &style, cases[i].data);
        /* Something is drawn, and it is centred. */
        g_assert_cmpuint (count_not_background (surface, &style, &min_x, &max_x), >, 5);
        g_assert_cmpint (ABS ((min_x + max_x) - cases[i].w), <=, 4);
        cairo_surface_destroy (surface);
      }

  /* Degenerate sizes do not crash. */
  {
    VigilChartStyle style;
    gint64 times[3] = { T0, T0 + DAY, T0 + 2 * DAY };
    double values[3] = { 50, 60, 70 };
    Series s = { times, values, 3, times, 3, "x" };
    Scores sc = { values, 3, 10 };

    vigil_chart_style_init (&style, FALSE);
    for (int size = 1; size < 40; size += 13)
      {
        cairo_surface_destroy (render (draw_health, size, size, &style, &s));
        cairo_surface_destroy (render (draw_series, size, size, &style, &s));
        cairo_surface_destroy (render (draw_histogram, size, size, &style, &sc));
        cairo_surface_destroy (render (draw_distribution, size, size, &style, values));
        cairo_surface_destroy (render (draw_sparkline, size, size, &style, &s));
      }
  }
}

/* A realistic portfolio, shared by the determinism test and the PNGs. */
typedef struct
{
  gint64 times[90];
  double health[90];
  double usage[90];
  gint64 markers[3];
  double scores[240];
  double counts[3];
} Sample;

static void
make_sample (Sample *s)
{
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < 90; i++)
    {
      s->times[i] = T0 + (gint64) i * DAY;
      s->health[i] = 92 - (i > 40 ? (i - 40) * 0.9 : 0) + 4 * sin (i / 5.0);
      s->usage[i] = 2600 + 900 * sin (i / 9.0) + g_rand_double_range (rand, -300, 300);
    }
  for (guint i = 60; i < 64; i++)
    s->health[i] = NAN;
  s->usage[30] = NAN;
  s->markers[0] = s->times[55];
  s->markers[1] = s->times[70];
  s->markers[2] = s->times[80] + DAY / 2;
  s->counts[0] = s->counts[1] = s->counts[2] = 0;
  for (guint i = 0; i < G_N_ELEMENTS (s->scores); i++)
    {
      s->scores[i] = CLAMP (g_rand_double_range (rand, 20, 100) + g_rand_double_range (rand, 0, 25),
                            0, 100);
      s->counts[vigil_chart_tier_for_score (s->scores[i], 85, 60)]++;
    }
  g_rand_free (rand);
}

typedef struct
{
  const char *name;
  DrawFunc    func;
  gpointer    data;
  int         width, height;
} SampleChart;

static guint
sample_charts (Sample      *s,
               Series      *health,
               Series      *usage,
               Scores      *scores,
               SampleChart  charts[5])
{
  *health = (Series) { s->times, s->health, 90, s->markers, 3, NULL };
  *usage = (Series) { s->times, s->usage, 90, NULL, 0, "API calls per day" };
  *scores = (Scores) { s->scores, G_N_ELEMENTS (s->scores), 20 };
  charts[0] = (SampleChart) { "health", draw_health, health, W, H };
  charts[1] = (SampleChart) { "series", draw_series, usage, W, H };
  charts[2] = (SampleChart) { "histogram", draw_histogram, scores, W, H };
  charts[3] = (SampleChart) { "distribution", draw_distribution, s->counts, W, H };
  charts[4] = (SampleChart) { "sparkline", draw_sparkline, health, 120, 28 };
  return 5;
}

static void
test_deterministic (void)
{
  Sample sample;
  Series health, usage;
  Scores scores;
  SampleChart charts[5];
  guint n;

  make_sample (&sample);
  n = sample_charts (&sample, &health, &usage, &scores, charts);
  for (int dark = 0; dark < 2; dark++)
    for (guint i = 0; i < n; i++)
      {
        VigilChartStyle style;
        cairo_surface_t *a, *b;
        int stride;

        vigil_chart_style_init (&style, dark);
        a = render (charts[i].func, charts[i].width, charts[i].height, &style, charts[i].data);
        b = render (charts[i].func, charts[i].width, charts[i].height, &style, charts[i].data);
        stride = cairo_image_surface_get_stride (a);
        g_assert_cmpint (stride, ==, cairo_image_surface_get_stride (b));
        g_assert_cmpmem (cairo_image_surface_get_data (a), stride * charts[i].height,
                         cairo_image_surface_get_data (b), stride * charts[i].height);
        cairo_surface_destroy (a);
        cairo_surface_destroy (b);
      }
}

/* VIGIL_CHARTS_PNG_DIR=/tmp/charts writes every chart, light and dark, to
 * look at. */
static void
test_png (void)
{
  const char *dir = g_getenv ("VIGIL_CHARTS_PNG_DIR");
  Sample sample;
  Series health, usage;
  Scores scores;
  SampleChart charts[5];
  guint n;

  if (dir == NULL)
    {
      g_test_skip ("set VIGIL_CHARTS_PNG_DIR to write PNGs");
      return;
    }

  g_mkdir_with_parents (dir, 0755);
  make_sample (&sample);
  n = sample_charts (&sample, &health, &usage, &scores, charts);
  for (int dark = 0; dark < 2; dark++)
    for (guint i = 0; i < n; i++)
      {
        VigilChartStyle style;
        cairo_surface_t *surface;
        g_autofree char *name = g_strdup_printf ("%s-%s.png", charts[i].name,
                                                 dark ? "dark" : "light");
        g_autofree char *path = g_build_filename (dir, name, NULL);

        vigil_chart_style_init (&style, dark);
        surface = render (charts[i].func, charts[i].width, charts[i].height, &style,
                          charts[i].data);
        g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
        cairo_surface_destroy (surface);
      }
}

/* fontconfig leaks a little while parsing its configuration, once, on
 * the thread Pango loads fonts on; nothing of ours. LeakSanitizer calls
 * this when the test is built with it, adding to tests/lsan.supp. */
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:libfontconfig.so\n";
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/charts/style/colors", test_style_colors);
  g_test_add_func ("/charts/style/background", test_style_background);
  g_test_add_func ("/charts/axis/nice-ticks", test_axis_nice_ticks);
  g_test_add_func ("/charts/axis/index-at", test_axis_index_at);
  g_test_add_func ("/charts/health-history/bands", test_health_bands);
  g_test_add_func ("/charts/health-history/line", test_health_line);
  g_test_add_func ("/charts/health-history/gaps", test_health_gaps);
  g_test_add_func ("/charts/health-history/markers", test_health_markers);
  g_test_add_func ("/charts/series/area", test_series_area);
  g_test_add_func ("/charts/histogram/bins", test_histogram_bins);
  g_test_add_func ("/charts/histogram/bin-at", test_histogram_bin_at);
  g_test_add_func ("/charts/tier-distribution/lengths", test_distribution_lengths);
  g_test_add_func ("/charts/sparkline/color", test_sparkline_color);
  g_test_add_func ("/charts/empty", test_empty);
  g_test_add_func ("/charts/deterministic", test_deterministic);
  g_test_add_func ("/charts/png", test_png);

  ret = g_test_run ();

  /* Let the leak checker see only our own memory: drop the font map and
   * cairo's caches, which otherwise live until exit. */
  pango_cairo_font_map_set_default (NULL);
  cairo_debug_reset_static_data ();

  return ret;
}
