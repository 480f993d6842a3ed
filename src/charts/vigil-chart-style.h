/* vigil-chart-style.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tiers as the charts see them: plain values, so that charts never
 * depend on src/core. The order matches the core's tiers. */
typedef enum
{
  VIGIL_CHART_TIER_HEALTHY = 0,
  VIGIL_CHART_TIER_AT_RISK = 1,
  VIGIL_CHART_TIER_HIGH_RISK = 2,
  VIGIL_CHART_TIER_NONE = 3,
} VigilChartTier;

typedef enum
{
  VIGIL_CHART_COLOR_BACKGROUND,
  VIGIL_CHART_COLOR_FOREGROUND,
  VIGIL_CHART_COLOR_DIM,
  VIGIL_CHART_COLOR_GRID,
  VIGIL_CHART_COLOR_LINE,
} VigilChartColor;

/**
 * VigilChartStyle:
 * @dark: draw for a dark background
 * @font_family: a Pango family list, e.g. "Cantarell, sans-serif"
 * @font_size: text size in user-space units (pixels on screen, points in a PDF)
 * @font_features: (nullable): OpenType features for every label, as
 *   pango_attr_font_features_new() takes them (e.g. "liga=0"), or %NULL
 * @fill_background: paint the background colour first; turn off to draw
 *   over a widget's own background (e.g. a sparkline in a selected row)
 */
typedef struct
{
  gboolean    dark;
  const char *font_family;
  double      font_size;
  const char *font_features;
  gboolean    fill_background;
} VigilChartStyle;

void            vigil_chart_style_init     (VigilChartStyle       *style,
                                            gboolean               dark);
void            vigil_chart_style_color    (const VigilChartStyle *style,
                                            VigilChartColor        color,
                                            double                 rgb[3]);
void            vigil_chart_tier_color     (VigilChartTier         tier,
                                            gboolean               dark,
                                            double                 rgb[3]);
void            vigil_chart_band_color     (VigilChartTier         tier,
                                            gboolean               dark,
                                            double                 rgba[4]);
VigilChartTier  vigil_chart_tier_for_score (double                 score,
                                            double                 healthy_cutoff,
                                            double                 at_risk_cutoff);

G_END_DECLS
