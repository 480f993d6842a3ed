/* vigil-text-cell.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line of text in a table cell, drawn by the row that holds it
 * (vigil-table-row.c). A column is as wide as its widest expected
 * text (a width in characters, or a sample such as "8,888,888"), not as
 * the text a row shows, so showing a text lays nothing out: it is shaped
 * when the row is drawn, and only rows on screen are. GTK 4.8 keeps about
 * two hundred rows of a list built and binds them all again at each sort
 * and keystroke; with labels, each of those binds shaped its text and
 * measured the whole table again.
 */

#define G_LOG_DOMAIN "vigil-text-cell"

#include "config.h"

#include <math.h>

#include "vigil-text-cell.h"

static PangoLayout *
create_layout (GtkWidget  *widget,
               const char *text,
               gboolean    numeric)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  /* Figures in columns line up: tabular digits, as .numeric asks of a
   * label (CSS font features reach labels only). */
  if (numeric)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

/* What a font gives every cell: its character width and line. */
typedef struct
{
  int char_width;   /* Pango units */
  int line_height;  /* pixels */
  int baseline;     /* pixels */
} FontSizes;

/* Every cell of a table measures in the same few fonts, and every cell of
 * a column measures the same sample: a row is built at each new item
 * shown, so fonts and samples are measured once each, not once per cell.
 * Widgets live on the main thread only. */
static GHashTable *
get_cache (void)
{
  static GHashTable *cache = NULL;  /* font key (+ sample) → FontSizes or width */

  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return cache;
}

static char *
font_key (PangoContext *context)
{
  g_autofree char *font = pango_font_description_to_string (pango_context_get_font_description (context));

  return g_strdup_printf ("%s\x1f%g", font, pango_cairo_context_get_resolution (context));
}

static const FontSizes *
measure_font (PangoContext *context,
              const char   *key)
{
  FontSizes *sizes = g_hash_table_lookup (get_cache (), key);
  PangoFontMetrics *metrics;
  int ascent, descent;

  if (sizes != NULL)
    return sizes;

  metrics = pango_context_get_metrics (context, NULL, NULL);
  ascent = pango_font_metrics_get_ascent (metrics);
  descent = pango_font_metrics_get_descent (metrics);
  sizes = g_new0 (FontSizes, 1);
  sizes->char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                           pango_font_metrics_get_approximate_digit_width (metrics));
  sizes->line_height = PANGO_PIXELS_CEIL (MAX (pango_font_metrics_get_height (metrics), ascent + descent));
  sizes->baseline = PANGO_PIXELS_CEIL (ascent);
  pango_font_metrics_unref (metrics);
  g_hash_table_insert (get_cache (), g_strdup (key), sizes);
  return sizes;
}

static int
measure_sample (GtkWidget  *widget,
                const char *font,
                gboolean    numeric,
                const char *sample)
{
  g_autofree char *key = g_strdup_printf ("%s\x1f%d\x1f%s", font, numeric, sample);
  int *width = g_hash_table_lookup (get_cache (), key);

  if (width == NULL)
    {
      g_autoptr(PangoLayout) layout = create_layout (widget, sample, numeric);

      width = g_new (int, 1);
      pango_layout_get_pixel_size (layout, width, NULL);
      g_hash_table_insert (get_cache (), g_steal_pointer (&key), width);
    }
  return *width;
}

/**
 * vigil_text_cell_measure:
 * @widget: the widget that draws the text, for its font
 * @numeric: figures: tabular digits, and never narrower than @sample
 * @width_chars: the widest expected text in characters, or 0
 * @sample: (nullable): the widest expected text; lines of it are
 *   candidates, the widest counts
 *
 * The size of a cell of text in @widget's current font: fonts and
 * samples are measured once each, not once per row.
 */
void
vigil_text_cell_measure (GtkWidget         *widget,
                         gboolean           numeric,
                         int                width_chars,
                         const char        *sample,
                         VigilTextCellSize *size)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  g_autofree char *font = font_key (context);
  const FontSizes *sizes = measure_font (context, font);
  int width = PANGO_PIXELS_CEIL (sizes->char_width * MAX (width_chars, 0));

  if (sample != NULL)
    width = MAX (width, measure_sample (widget, font, numeric, sample));
  size->natural = MAX (width, 1);
  /* Names may shrink to a few letters and an ellipsis; figures are
   * never cut. */
  size->minimum = numeric ? size->natural : MIN (size->natural, PANGO_PIXELS_CEIL (sizes->char_width * 4));
  size->line_height = sizes->line_height;
}

/* The widget's text colour, as CSS gives it (a selected row's too). */
void
vigil_text_cell_get_color (GtkWidget *widget,
                           GdkRGBA   *color)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
#endif
}

/**
 * vigil_text_cell_draw:
 * @text: (nullable): plain text, never markup
 * @xalign: 0 for the start of @area, 1 for its end (mirrored right to left)
 * @area: the cell's room for text, in @widget's coordinates
 *
 * Draws @text on one line in @area, centred across it.
 */
void
vigil_text_cell_draw (GtkWidget             *widget,
                      GtkSnapshot           *snapshot,
                      const char            *text,
                      gboolean               numeric,
                      float                  xalign,
                      const graphene_rect_t *area,
                      const GdkRGBA         *color)
{
  int width = (int) area->size.width;
  g_autoptr(PangoLayout) layout = NULL;
  int text_width, text_height;

  if (text == NULL || *text == '\0' || width <= 0)
    return;

  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    xalign = 1 - xalign;

  /* Placed by its own width, as a label places it, whatever the
   * direction of the text (a name in Arabic starts where the column
   * does); only a text too long for the cell is cut. */
  layout = create_layout (widget, text, numeric);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  if (text_width > width)
    {
      pango_layout_set_width (layout, width * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &text_width, &text_height);
    }

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (area->origin.x + floorf ((width - text_width) * xalign),
                                                area->origin.y + floorf ((area->size.height - text_height) / 2.0f)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}
