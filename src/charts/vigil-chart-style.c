/* vigil-chart-style.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-charts"

#include "config.h"

#include <math.h>

#include "vigil-chart-style.h"

/* The one table of tier colours, from the GNOME palette: the window and
 * the report both draw with it. Light colours are read on white, dark
 * ones on the libadwaita dark view background. */
static const double tier_colors[2][4][3] = {
  { /* light */
    { 0x26 / 255., 0xa2 / 255., 0x69 / 255. },  /* green 5 */
    { 0xe5 / 255., 0xa5 / 255., 0x0a / 255. },  /* yellow 5 */
    { 0xc0 / 255., 0x1c / 255., 0x28 / 255. },  /* red 4 */
    { 0x9a / 255., 0x99 / 255., 0x96 / 255. },  /* light 5 */
  },
  { /* dark */
    { 0x33 / 255., 0xd1 / 255., 0x7a / 255. },  /* green 3 */
    { 0xf6 / 255., 0xd3 / 255., 0x2d / 255. },  /* yellow 3 */
    { 0xff / 255., 0x7b / 255., 0x63 / 255. },  /* libadwaita dark error */
    { 0x77 / 255., 0x76 / 255., 0x7b / 255. },  /* dark 1 */
  },
};

/* Opacity of the tier bands drawn behind a line. */
static const double band_alpha[2] = { 0.13, 0.12 };

static const double style_colors[2][5][3] = {
  { /* light */
    { 1.0, 1.0, 1.0 },                           /* background: view bg */
    { 0.2, 0.2, 0.2 },                           /* foreground: 80 % black */
    { 0.42, 0.42, 0.42 },                        /* dim text */
    { 0.89, 0.89, 0.89 },                        /* grid */
    { 0x1c / 255., 0x71 / 255., 0xd8 / 255. },   /* line: blue 4 */
  },
  { /* dark */
    { 0x1e / 255., 0x1e / 255., 0x1e / 255. },   /* background: view bg */
    { 1.0, 1.0, 1.0 },                           /* foreground */
    { 0.66, 0.66, 0.66 },                        /* dim text */
    { 0.22, 0.22, 0.22 },                        /* grid */
    { 0x78 / 255., 0xae / 255., 0xed / 255. },   /* line: dark accent */
  },
};

/**
 * vigil_chart_style_init:
 * @style: the style to fill
 * @dark: whether the chart is drawn on a dark background
 *
 * Fills @style with the defaults: the GNOME UI font at caption size and a
 * painted background.
 */
void
vigil_chart_style_init (VigilChartStyle *style,
                        gboolean         dark)
{
  g_return_if_fail (style != NULL);

  style->dark = !!dark;
  style->font_family = "Cantarell, Noto Sans, DejaVu Sans, sans-serif";
  style->font_size = 12.0;
  style->font_features = NULL;
  style->fill_background = TRUE;
}

/**
 * vigil_chart_style_color:
 * @style: a style
 * @color: which colour
 * @rgb: (out caller-allocates): the colour, each channel 0..1
 */
void
vigil_chart_style_color (const VigilChartStyle *style,
                         VigilChartColor        color,
                         double                 rgb[3])
{
  g_return_if_fail (style != NULL);
  g_return_if_fail (rgb != NULL);
  g_return_if_fail ((guint) color <= VIGIL_CHART_COLOR_LINE);

  for (guint i = 0; i < 3; i++)
    rgb[i] = style_colors[style->dark ? 1 : 0][color][i];
}

/**
 * vigil_chart_tier_color:
 * @tier: a tier
 * @dark: whether the colour is for a dark background
 * @rgb: (out caller-allocates): the colour, each channel 0..1
 *
 * The colour of a tier; anything out of range is drawn as
 * %VIGIL_CHART_TIER_NONE.
 */
void
vigil_chart_tier_color (VigilChartTier tier,
                        gboolean       dark,
                        double         rgb[3])
{
  g_return_if_fail (rgb != NULL);

  if ((guint) tier > VIGIL_CHART_TIER_NONE)
    tier = VIGIL_CHART_TIER_NONE;
  for (guint i = 0; i < 3; i++)
    rgb[i] = tier_colors[dark ? 1 : 0][tier][i];
}

/**
 * vigil_chart_band_color:
 * @tier: a tier
 * @dark: whether the colour is for a dark background
 * @rgba: (out caller-allocates): the tint drawn over the background
 *
 * The translucent tint of a tier's band behind a line chart.
 */
void
vigil_chart_band_color (VigilChartTier tier,
                        gboolean       dark,
                        double         rgba[4])
{
  g_return_if_fail (rgba != NULL);

  vigil_chart_tier_color (tier, dark, rgba);
  rgba[3] = band_alpha[dark ? 1 : 0];
}

/**
 * vigil_chart_tier_for_score:
 * @score: a health score 0..100, or NAN
 * @healthy_cutoff: the lowest healthy score
 * @at_risk_cutoff: the lowest at-risk score
 *
 * Returns: the tier of @score, %VIGIL_CHART_TIER_NONE for NAN
 */
VigilChartTier
vigil_chart_tier_for_score (double score,
                            double healthy_cutoff,
                            double at_risk_cutoff)
{
  if (isnan (score))
    return VIGIL_CHART_TIER_NONE;
  if (score >= healthy_cutoff)
    return VIGIL_CHART_TIER_HEALTHY;
  if (score >= at_risk_cutoff)
    return VIGIL_CHART_TIER_AT_RISK;
  return VIGIL_CHART_TIER_HIGH_RISK;
}
