/* vigil-text-cell.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line of text in a table cell. Unlike a GtkLabel it is as wide as its
 * column's widest expected text (a width in characters, or a sample such
 * as "8,888,888"), not as its own text, so setting the text lays nothing
 * out: the text is shaped when the cell is drawn, and only cells on
 * screen are. GTK 4.8 keeps about two hundred rows of a list built and
 * binds them all again at each sort and keystroke; with labels, each of
 * those binds shaped its text and measured the whole table again.
 */

#define G_LOG_DOMAIN "vigil-text-cell"

#include "config.h"

#include <math.h>

#include "vigil-text-cell.h"

struct _VigilTextCell
{
  GtkWidget   parent_instance;

  char       *text;
  char       *sample;
  float       xalign;
  int         width_chars;
  gboolean    numeric;

  /* The sizes, for the font they were measured with. */
  int         minimum_width;
  int         natural_width;
  int         line_height;
  int         baseline;
  guint       sizes_serial;
};

G_DEFINE_FINAL_TYPE (VigilTextCell, vigil_text_cell, GTK_TYPE_WIDGET)

static PangoLayout *
create_layout (VigilTextCell *self,
               const char    *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  /* Figures in columns line up: tabular digits, as .numeric asks of a
   * label (CSS font features reach labels only). */
  if (self->numeric)
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
measure_sample (VigilTextCell *self,
                const char    *font)
{
  g_autofree char *key = g_strdup_printf ("%s\x1f%d\x1f%s", font, self->numeric, self->sample);
  int *width = g_hash_table_lookup (get_cache (), key);

  if (width == NULL)
    {
      g_autoptr(PangoLayout) layout = create_layout (self, self->sample);

      width = g_new (int, 1);
      pango_layout_get_pixel_size (layout, width, NULL);
      g_hash_table_insert (get_cache (), g_steal_pointer (&key), width);
    }
  return *width;
}

/* The sizes for the cell's current font, worked out again only when
 * its font changes. */
static void
update_sizes (VigilTextCell *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  guint serial = pango_context_get_serial (context);
  g_autofree char *font = NULL;
  const FontSizes *sizes;
  int width;

  if (self->sizes_serial == serial && self->natural_width > 0)
    return;

  font = font_key (context);
  sizes = measure_font (context, font);
  width = PANGO_PIXELS_CEIL (sizes->char_width * self->width_chars);
  if (self->sample != NULL)
    width = MAX (width, measure_sample (self, font));

  self->natural_width = MAX (width, 1);
  /* Names may shrink to a few letters and an ellipsis; figures are
   * never cut. */
  self->minimum_width = self->numeric ? self->natural_width
                                      : MIN (self->natural_width, PANGO_PIXELS_CEIL (sizes->char_width * 4));
  self->line_height = sizes->line_height;
  self->baseline = sizes->baseline;
  self->sizes_serial = serial;
}

static void
vigil_text_cell_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  VigilTextCell *self = VIGIL_TEXT_CELL (widget);

  update_sizes (self);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = self->minimum_width;
      *natural = self->natural_width;
    }
  else
    {
      *minimum = *natural = self->line_height;
      *minimum_baseline = *natural_baseline = self->baseline;
    }
}

static void
get_color (GtkWidget *widget,
           GdkRGBA   *color)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
#endif
}

static void
vigil_text_cell_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  VigilTextCell *self = VIGIL_TEXT_CELL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) layout = NULL;
  float xalign = self->xalign;
  int text_width, text_height;
  GdkRGBA color;

  if (self->text == NULL || *self->text == '\0' || width <= 0)
    return;

  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    xalign = 1 - xalign;

  /* Placed by its own width, as a label places it, whatever the
   * direction of the text (a name in Arabic starts where the column
   * does); only a text too long for the cell is cut. */
  layout = create_layout (self, self->text);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  if (text_width > width)
    {
      pango_layout_set_width (layout, width * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &text_width, &text_height);
    }
  get_color (widget, &color);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floorf ((width - text_width) * xalign),
                                                          floorf ((height - text_height) / 2.0f)));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

static void
vigil_text_cell_finalize (GObject *object)
{
  VigilTextCell *self = (VigilTextCell *) object;

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->sample, g_free);

  G_OBJECT_CLASS (vigil_text_cell_parent_class)->finalize (object);
}

static void
vigil_text_cell_class_init (VigilTextCellClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = vigil_text_cell_finalize;
  widget_class->measure = vigil_text_cell_measure;
  widget_class->snapshot = vigil_text_cell_snapshot;
  /* Styled as a label is, .numeric and .dim-label included. */
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
vigil_text_cell_init (VigilTextCell *self)
{
}

/**
 * vigil_text_cell_new:
 * @xalign: 0 for the start of the cell, 1 for its end
 * @numeric: figures: tabular digits, and never narrower than @sample
 * @width_chars: the widest expected text in characters, or 0
 * @sample: (nullable): the widest expected text, for figures; lines
 *   of it are candidates, the widest counts
 */
GtkWidget *
vigil_text_cell_new (float       xalign,
                     gboolean    numeric,
                     int         width_chars,
                     const char *sample)
{
  VigilTextCell *self = g_object_new (VIGIL_TYPE_TEXT_CELL, NULL);

  self->xalign = CLAMP (xalign, 0, 1);
  self->numeric = numeric;
  self->width_chars = MAX (width_chars, 0);
  self->sample = g_strdup (sample);
  return GTK_WIDGET (self);
}

/**
 * vigil_text_cell_set_text:
 * @text: (nullable): plain text, never markup
 */
void
vigil_text_cell_set_text (VigilTextCell *self,
                          const char    *text)
{
  g_return_if_fail (VIGIL_IS_TEXT_CELL (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text != NULL ? text : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Returns: (nullable): the text shown */
const char *
vigil_text_cell_get_text (VigilTextCell *self)
{
  g_return_val_if_fail (VIGIL_IS_TEXT_CELL (self), NULL);
  return self->text;
}
