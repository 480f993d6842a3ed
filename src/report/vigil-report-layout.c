/* vigil-report-layout.c: pages, flowing text and paged tables on cairo
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-report"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "vigil-charts.h"

#include "vigil-report-layout.h"

/* Every text is laid out by Pango from plain text (pango_layout_set_text):
 * names are data and never markup. Sizes are in points. */
#define FONT_FAMILY "Cantarell, Noto Sans, sans-serif"
#define MARGIN_SIDE 48.0
#define MARGIN_TOP 58.0
#define MARGIN_BOTTOM 58.0
#define RUNNING_SIZE 8.0
#define HEADING_SIZE 14.0
#define CELL_PADDING 4.0

struct _VigilReportLayout
{
  cairo_t              *cr;
  PangoContext         *context;
  PangoLayout          *scratch;
  PangoFontDescription *font;
  double                page_width;
  double                page_height;
  double                left;
  double                right;
  double                top;
  double                bottom;
  double                y;
  guint                 page;      /* the page being laid out, from 1; 0 before the first */
  guint                 n_pages;   /* known on the second pass; 0 on the first */
  gboolean              dry_run;   /* measure and count pages, draw nothing */
  char                 *running_title;
};

static void
set_ink (VigilReportLayout *self,
         VigilReportInk     ink)
{
  double rgb[3] = { 0.2, 0.2, 0.2 };

  switch (ink)
    {
    case VIGIL_REPORT_INK_TEXT:
      break;
    case VIGIL_REPORT_INK_DIM:
      rgb[0] = rgb[1] = rgb[2] = 0.42;
      break;
    case VIGIL_REPORT_INK_RULE:
      rgb[0] = rgb[1] = rgb[2] = 0.75;
      break;
    case VIGIL_REPORT_INK_SHADE:
      rgb[0] = rgb[1] = rgb[2] = 0.955;
      break;
    case VIGIL_REPORT_INK_ACCENT:
      rgb[0] = 0x1c / 255.;
      rgb[1] = 0x71 / 255.;
      rgb[2] = 0xd8 / 255.;
      break;
    case VIGIL_REPORT_INK_HEALTHY:
      vigil_chart_tier_color (VIGIL_CHART_TIER_HEALTHY, FALSE, rgb);
      break;
    case VIGIL_REPORT_INK_AT_RISK:
      vigil_chart_tier_color (VIGIL_CHART_TIER_AT_RISK, FALSE, rgb);
      break;
    case VIGIL_REPORT_INK_HIGH_RISK:
      vigil_chart_tier_color (VIGIL_CHART_TIER_HIGH_RISK, FALSE, rgb);
      break;
    default:
      g_assert_not_reached ();
    }
  cairo_set_source_rgb (self->cr, rgb[0], rgb[1], rgb[2]);
}

static void
add_font_features (PangoAttrList *attributes,
                   const char    *text,
                   const char    *start,
                   const char    *end)
{
  PangoAttribute *features = pango_attr_font_features_new (VIGIL_REPORT_FONT_FEATURES);

  features->start_index = (guint) (start - text);
  features->end_index = (guint) (end - text);
  pango_attr_list_insert (attributes, features);
}

/* design 6: @text without ligatures, but for its runs in scripts other
 * than Latin (a name in Arabic needs its lam-alef), with the marks on
 * them. Characters common to scripts (spaces, digits, punctuation) go
 * without: they never join a letter of those scripts into a ligature,
 * and their shaping keeps its context across the runs' edges. */
void
_vigil_report_set_font_features (PangoLayout *layout,
                                 const char  *text)
{
  PangoAttrList *attributes = pango_attr_list_new ();
  const char *run = NULL;  /* where the run without ligatures began */
  const char *p;

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      GUnicodeScript script = g_unichar_get_script (g_utf8_get_char (p));
      gboolean plain = script == G_UNICODE_SCRIPT_INHERITED ? run != NULL
                       : script == G_UNICODE_SCRIPT_LATIN || script == G_UNICODE_SCRIPT_COMMON;

      if (plain && run == NULL)
        run = p;
      else if (!plain && run != NULL)
        {
          add_font_features (attributes, text, run, p);
          run = NULL;
        }
    }
  if (run != NULL)
    add_font_features (attributes, text, run, p);
  pango_layout_set_attributes (layout, attributes);
  pango_attr_list_unref (attributes);
}

/* A layout ready for @text at @size, wrapping at @width (0: no wrap). */
static PangoLayout *
prepare (VigilReportLayout *self,
         PangoLayout       *layout,
         const char        *text,
         double             size,
         gboolean           bold,
         double             width,
         gboolean           ellipsize)
{
  pango_font_description_set_absolute_size (self->font, size * PANGO_SCALE);
  pango_font_description_set_weight (self->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, self->font);
  _vigil_report_set_font_features (layout, text != NULL ? text : "");
  pango_layout_set_width (layout, width > 0 ? pango_units_from_double (width) : -1);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, ellipsize ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  return layout;
}

static double
get_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return pango_units_to_double (logical.height);
}

static void
show_layout (VigilReportLayout *self,
             PangoLayout       *layout,
             double             x,
             double             y,
             VigilReportInk     ink)
{
  if (self->dry_run)
    return;
  set_ink (self, ink);
  cairo_move_to (self->cr, x, y);
  pango_cairo_show_layout (self->cr, layout);
}

static void
draw_running_header (VigilReportLayout *self)
{
  if (self->running_title == NULL || self->page <= 1)
    return;
  prepare (self, self->scratch, self->running_title, RUNNING_SIZE, FALSE, self->right - self->left, TRUE);
  pango_layout_set_alignment (self->scratch, PANGO_ALIGN_LEFT);
  show_layout (self, self->scratch, self->left, self->top - 30, VIGIL_REPORT_INK_DIM);
  vigil_report_layout_rule (self, self->top - 16);
}

static void
draw_footer (VigilReportLayout *self)
{
  g_autofree char *number = NULL;

  /* "n of N" needs N: the first pass counted the pages. */
  if (self->dry_run || self->n_pages == 0)
    return;
  number = g_strdup_printf (_("Page %u of %u"), self->page, self->n_pages);
  prepare (self, self->scratch, number, RUNNING_SIZE, FALSE, self->right - self->left, FALSE);
  pango_layout_set_alignment (self->scratch, PANGO_ALIGN_RIGHT);
  show_layout (self, self->scratch, self->left, self->page_height - MARGIN_BOTTOM + 22,
               VIGIL_REPORT_INK_DIM);
  pango_layout_set_alignment (self->scratch, PANGO_ALIGN_LEFT);
  prepare (self, self->scratch, "Vigil " PACKAGE_VERSION, RUNNING_SIZE, FALSE, 0, FALSE);
  show_layout (self, self->scratch, self->left, self->page_height - MARGIN_BOTTOM + 22,
               VIGIL_REPORT_INK_DIM);
}

static void
end_page (VigilReportLayout *self)
{
  if (self->page == 0)
    return;
  draw_footer (self);
  if (!self->dry_run)
    cairo_show_page (self->cr);
}

/**
 * vigil_report_layout_new:
 * @cr: where to draw (its target's font options are used to measure)
 * @dry_run: measure and count pages only: the first of two passes
 * @n_pages: the page count from the first pass, for "n of N"; 0 on it
 */
VigilReportLayout *
vigil_report_layout_new (cairo_t  *cr,
                         double    page_width,
                         double    page_height,
                         gboolean  dry_run,
                         guint     n_pages)
{
  VigilReportLayout *self = g_new0 (VigilReportLayout, 1);
  cairo_font_options_t *options = cairo_font_options_create ();

  self->cr = cairo_reference (cr);
  self->context = pango_cairo_create_context (cr);
  /* Unhinted metrics: the same widths on every pass and every target. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self->context, options);
  cairo_font_options_destroy (options);
  pango_context_set_base_dir (self->context, PANGO_DIRECTION_LTR);
  /* Whole-point glyph positions would leave gaps that text extraction
   * (pdftotext) reads as spaces inside right-to-left words. */
  pango_context_set_round_glyph_positions (self->context, FALSE);

  self->scratch = pango_layout_new (self->context);
  /* Right-to-left names stay in their column's alignment. */
  pango_layout_set_auto_dir (self->scratch, FALSE);
  self->font = pango_font_description_from_string (FONT_FAMILY);
  self->page_width = page_width;
  self->page_height = page_height;
  self->left = MARGIN_SIDE;
  self->right = page_width - MARGIN_SIDE;
  self->top = MARGIN_TOP;
  self->bottom = page_height - MARGIN_BOTTOM;
  self->y = self->top;
  self->dry_run = dry_run;
  self->n_pages = n_pages;
  return self;
}

void
vigil_report_layout_free (VigilReportLayout *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->scratch);
  g_clear_object (&self->context);
  g_clear_pointer (&self->font, pango_font_description_free);
  g_clear_pointer (&self->cr, cairo_destroy);
  g_free (self->running_title);
  g_free (self);
}

void
vigil_report_layout_set_running_title (VigilReportLayout *self,
                                       const char        *title)
{
  g_free (self->running_title);
  self->running_title = g_strdup (title);
}

gboolean
vigil_report_layout_is_dry_run (VigilReportLayout *self)
{
  return self->dry_run;
}

/* The number of the page being laid out, from 1. */
guint
vigil_report_layout_get_page (VigilReportLayout *self)
{
  return self->page;
}

cairo_t *
vigil_report_layout_get_cairo (VigilReportLayout *self)
{
  return self->cr;
}

double
vigil_report_layout_get_left (VigilReportLayout *self)
{
  return self->left;
}

double
vigil_report_layout_get_width (VigilReportLayout *self)
{
  return self->right - self->left;
}

double
vigil_report_layout_get_y (VigilReportLayout *self)
{
  return self->y;
}

void
vigil_report_layout_set_y (VigilReportLayout *self,
                           double             y)
{
  self->y = y;
}

void
vigil_report_layout_skip (VigilReportLayout *self,
                          double             dy)
{
  self->y += dy;
}

void
vigil_report_layout_new_page (VigilReportLayout *self)
{
  end_page (self);
  self->page++;
  self->y = self->top;
  draw_running_header (self);
}

/* Ends the last page. */
void
vigil_report_layout_finish (VigilReportLayout *self)
{
  end_page (self);
}

/**
 * vigil_report_layout_ensure_space:
 *
 * Starts a new page unless @height fits below the cursor.
 *
 * Returns: whether a new page was started
 */
gboolean
vigil_report_layout_ensure_space (VigilReportLayout *self,
                                  double             height)
{
  if (self->page > 0 && self->y + height <= self->bottom)
    return FALSE;
  vigil_report_layout_new_page (self);
  return TRUE;
}

/* The height of @text wrapped at @width. */
double
vigil_report_layout_measure (VigilReportLayout *self,
                             const char        *text,
                             double             size,
                             gboolean           bold,
                             double             width)
{
  return get_height (prepare (self, self->scratch, text, size, bold, width, FALSE));
}

/**
 * vigil_report_layout_text_at:
 *
 * Draws @text (plain text) in a box at (@x, @y), wrapped at @width.
 *
 * Returns: its height
 */
double
vigil_report_layout_text_at (VigilReportLayout *self,
                             const char        *text,
                             double             x,
                             double             y,
                             double             width,
                             double             size,
                             gboolean           bold,
                             VigilReportInk     ink,
                             PangoAlignment     alignment)
{
  double height;

  prepare (self, self->scratch, text, size, bold, width, FALSE);
  pango_layout_set_alignment (self->scratch, alignment);
  height = get_height (self->scratch);
  show_layout (self, self->scratch, x, y, ink);
  pango_layout_set_alignment (self->scratch, PANGO_ALIGN_LEFT);
  return height;
}

/* Flows a wrapped paragraph at the cursor, on a new page if it does not fit. */
void
vigil_report_layout_paragraph (VigilReportLayout *self,
                               const char        *text,
                               double             indent,
                               double             size,
                               gboolean           bold,
                               VigilReportInk     ink)
{
  double width = self->right - self->left - indent;
  double height = vigil_report_layout_measure (self, text, size, bold, width);

  vigil_report_layout_ensure_space (self, height);
  self->y += vigil_report_layout_text_at (self, text, self->left + indent, self->y, width,
                                          size, bold, ink, PANGO_ALIGN_LEFT);
}

/* A section heading, kept with at least @space_after_needed of what follows. */
void
vigil_report_layout_heading (VigilReportLayout *self,
                             const char        *text,
                             double             space_after_needed)
{
  double height = vigil_report_layout_measure (self, text, HEADING_SIZE, TRUE, 0);

  if (!vigil_report_layout_ensure_space (self, 14 + height + 8 + space_after_needed) &&
      self->y > self->top)
    self->y += 14;
  self->y += vigil_report_layout_text_at (self, text, self->left, self->y, 0, HEADING_SIZE, TRUE,
                                          VIGIL_REPORT_INK_TEXT, PANGO_ALIGN_LEFT);
  vigil_report_layout_rule (self, self->y + 3);
  self->y += 8;
}

/* A hairline across the text width. */
void
vigil_report_layout_rule (VigilReportLayout *self,
                          double             y)
{
  if (self->dry_run)
    return;
  set_ink (self, VIGIL_REPORT_INK_RULE);
  cairo_set_line_width (self->cr, 0.5);
  cairo_move_to (self->cr, self->left, y);
  cairo_line_to (self->cr, self->right, y);
  cairo_stroke (self->cr);
}

void
vigil_report_layout_fill_rect (VigilReportLayout *self,
                               double             x,
                               double             y,
                               double             width,
                               double             height,
                               VigilReportInk     ink)
{
  if (self->dry_run)
    return;
  set_ink (self, ink);
  cairo_rectangle (self->cr, x, y, width, height);
  cairo_fill (self->cr);
}

static double
draw_table_header (VigilReportLayout       *self,
                   const VigilReportColumn *columns,
                   guint                    n_columns,
                   PangoLayout            **cells,
                   double                   font_size,
                   double                   row_height)
{
  double x = self->left;
  double width = self->right - self->left;

  for (guint c = 0; c < n_columns; c++)
    {
      double cell_width = columns[c].share * width;

      if (!self->dry_run)
        {
          prepare (self, cells[c], columns[c].title, font_size, TRUE, cell_width - 2 * CELL_PADDING, TRUE);
          pango_layout_set_alignment (cells[c], columns[c].numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
          show_layout (self, cells[c], x + CELL_PADDING,
                       self->y + (row_height - get_height (cells[c])) / 2, VIGIL_REPORT_INK_DIM);
        }
      x += cell_width;
    }
  self->y += row_height;
  if (!self->dry_run)
    {
      set_ink (self, VIGIL_REPORT_INK_TEXT);
      cairo_set_line_width (self->cr, 0.8);
      cairo_move_to (self->cr, self->left, self->y);
      cairo_line_to (self->cr, self->right, self->y);
      cairo_stroke (self->cr);
    }
  return row_height;
}

/* A column's cells laid out once per text: a long table repeats the
 * same owners, tiers, figures and dates thousands of times, and laying
 * out text (shaping it) costs more than drawing it. */
#define MAX_CACHED_CELLS 1024

typedef struct
{
  GHashTable *layouts;  /* cell text → its PangoLayout, ready to draw */
  double      width;
  gboolean    numeric;
} CellCache;

/* The layout of @text in @cache's column, laid out on first use; @scratch
 * (laid out anew) once the cache is full. */
static PangoLayout *
get_cell_layout (VigilReportLayout *self,
                 CellCache         *cache,
                 PangoLayout       *scratch,
                 const char        *text,
                 double             font_size)
{
  PangoLayout *layout = g_hash_table_lookup (cache->layouts, text);

  if (layout != NULL)
    return layout;
  if (g_hash_table_size (cache->layouts) < MAX_CACHED_CELLS)
    {
      layout = pango_layout_new (self->context);
      pango_layout_set_auto_dir (layout, FALSE);
      pango_layout_set_single_paragraph_mode (layout, TRUE);
      g_hash_table_insert (cache->layouts, g_strdup (text), layout);
    }
  else
    layout = scratch;
  prepare (self, layout, text, font_size, FALSE, cache->width, TRUE);
  pango_layout_set_alignment (layout, cache->numeric ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
  return layout;
}

/* What drawing a table's rows needs. */
typedef struct
{
  const VigilReportColumn *columns;
  guint                    n_columns;
  PangoLayout            **cells;    /* a scratch layout a column */
  CellCache               *caches;   /* a cache a column */
  double                   font_size;
  double                   row_height;
  double                   cell_height;
  double                   baseline;
} TableRows;

/* Rows @first to @end (not included) from @top down, on one page: the
 * shading of every other row, then the cells one ink after another. The
 * cells do not overlap, so the order changes nothing on the page, but
 * text of one colour is then drawn in long runs, not switched back and
 * forth cell by cell, which makes the page's drawing shorter to write. */
static void
draw_table_rows (VigilReportLayout   *self,
                 const TableRows     *t,
                 guint                first,
                 guint                end,
                 double               top,
                 VigilReportCellFunc  cell_func,
                 gpointer             user_data)
{
  guint n_cells = (end - first) * t->n_columns;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_full (n_cells, g_free);
  g_autofree VigilReportInk *inks = g_new (VigilReportInk, n_cells);
  double width = self->right - self->left;
  guint used_inks = 0;

  for (guint r = first; r < end; r++)
    {
      if (r % 2 == 1)
        vigil_report_layout_fill_rect (self, self->left, top + (r - first) * t->row_height, width,
                                       t->row_height, VIGIL_REPORT_INK_SHADE);
      for (guint c = 0; c < t->n_columns; c++)
        {
          VigilReportInk ink = VIGIL_REPORT_INK_TEXT;

          g_ptr_array_add (texts, cell_func (r, c, &ink, user_data));
          inks[texts->len - 1] = ink;
          used_inks |= 1u << ink;
        }
    }

  for (guint ink = 0; ink < VIGIL_REPORT_N_INKS; ink++)
    {
      if ((used_inks & (1u << ink)) == 0)
        continue;
      for (guint i = 0; i < n_cells; i++)
        {
          const char *text = texts->pdata[i];
          guint c = i % t->n_columns;
          double x = self->left;
          double y = top + (i / t->n_columns) * t->row_height;
          PangoLayout *layout;

          if (inks[i] != ink || text == NULL || *text == '\0')
            continue;
          for (guint k = 0; k < c; k++)
            x += t->columns[k].share * width;
          layout = get_cell_layout (self, &t->caches[c], t->cells[c], text, t->font_size);
          /* On one baseline, whatever the fallback font's ascent (CJK). */
          show_layout (self, layout, x + CELL_PADDING,
                       y + (t->row_height - t->cell_height) / 2 + t->baseline
                       - pango_units_to_double (pango_layout_get_baseline (layout)), ink);
        }
    }
}

/**
 * vigil_report_layout_table:
 * @cell_func: gives each cell's text
 *
 * A table from the cursor on, over as many pages as it takes, the header
 * repeated at the top of each. Rows have one line each; text too wide for
 * its column is ellipsized. On the first pass no cell is asked for.
 */
void
vigil_report_layout_table (VigilReportLayout       *self,
                           const VigilReportColumn *columns,
                           guint                    n_columns,
                           guint                    n_rows,
                           double                   font_size,
                           VigilReportCellFunc      cell_func,
                           gpointer                 user_data)
{
  g_autofree PangoLayout **cells = g_new0 (PangoLayout *, n_columns);
  g_autofree CellCache *caches = g_new0 (CellCache, n_columns);
  double row_height = round (font_size * 1.9);
  double width = self->right - self->left;
  double cell_height;
  double baseline;

  for (guint c = 0; c < n_columns; c++)
    {
      cells[c] = pango_layout_new (self->context);
      pango_layout_set_auto_dir (cells[c], FALSE);
      pango_layout_set_single_paragraph_mode (cells[c], TRUE);
      caches[c].layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      caches[c].width = columns[c].share * width - 2 * CELL_PADDING;
      caches[c].numeric = columns[c].numeric;
    }
  /* Every cell has one line of the same font: one height for all. */
  cell_height = get_height (prepare (self, cells[0], "Ag", font_size, FALSE, 0, FALSE));
  baseline = pango_units_to_double (pango_layout_get_baseline (cells[0]));

  vigil_report_layout_ensure_space (self, row_height * 4);
  draw_table_header (self, columns, n_columns, cells, font_size, row_height);

  for (guint r = 0; r < n_rows;)
    {
      guint first = r;
      double top = self->y;

      if (self->y + row_height > self->bottom)
        {
          vigil_report_layout_new_page (self);
          draw_table_header (self, columns, n_columns, cells, font_size, row_height);
          continue;
        }
      /* The rows that fit on this page. */
      while (r < n_rows && self->y + row_height <= self->bottom)
        {
          self->y += row_height;
          r++;
        }
      if (!self->dry_run)
        {
          TableRows rows = { columns, n_columns, cells, caches, font_size, row_height, cell_height, baseline };

          draw_table_rows (self, &rows, first, r, top, cell_func, user_data);
        }
    }

  for (guint c = 0; c < n_columns; c++)
    {
      g_object_unref (cells[c]);
      g_hash_table_unref (caches[c].layouts);
    }
}
