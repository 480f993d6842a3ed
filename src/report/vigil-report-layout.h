/* vigil-report-layout.h: pages, flowing text and paged tables on cairo
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

/* design 6: the report's text without ligatures. cairo 1.16 embeds a
 * glyph that stands for more than one character ("fi") in a second
 * subset of its face, as it does a character outside Windows-1252; the
 * letters drawn one by one say the same, keep one subset a face, and
 * read back from the PDF as letters. Its charts' labels too; not the
 * runs of a name in a script whose ligatures are required (Arabic). */
#define VIGIL_REPORT_FONT_FEATURES "liga=0, clig=0"

/* Sets @text's font features on @layout (the report's layouts and tests). */
void _vigil_report_set_font_features (PangoLayout *layout,
                                      const char  *text);

typedef enum
{
  VIGIL_REPORT_INK_TEXT,
  VIGIL_REPORT_INK_DIM,
  VIGIL_REPORT_INK_RULE,
  VIGIL_REPORT_INK_SHADE,
  VIGIL_REPORT_INK_ACCENT,
  VIGIL_REPORT_INK_HEALTHY,
  VIGIL_REPORT_INK_AT_RISK,
  VIGIL_REPORT_INK_HIGH_RISK,
  VIGIL_REPORT_N_INKS
} VigilReportInk;

/**
 * VigilReportColumn:
 * @title: the header text
 * @share: the column's share of the text width (the shares add up to 1)
 * @numeric: right-aligned
 */
typedef struct
{
  const char *title;
  double      share;
  gboolean    numeric;
} VigilReportColumn;

/**
 * VigilReportCellFunc:
 * @row: the row index
 * @column: the column index
 * @out_ink: (out): the cell's colour, %VIGIL_REPORT_INK_TEXT unless set
 *
 * Returns: (transfer full) (nullable): the cell's text (plain text, never markup)
 */
typedef char *(*VigilReportCellFunc) (guint           row,
                                      guint           column,
                                      VigilReportInk *out_ink,
                                      gpointer        user_data);

typedef struct _VigilReportLayout VigilReportLayout;

VigilReportLayout *vigil_report_layout_new         (cairo_t            *cr,
                                                    double              page_width,
                                                    double              page_height,
                                                    gboolean            dry_run,
                                                    guint               n_pages);
void               vigil_report_layout_free        (VigilReportLayout  *self);
void               vigil_report_layout_set_running_title (VigilReportLayout *self,
                                                    const char         *title);
gboolean           vigil_report_layout_is_dry_run  (VigilReportLayout  *self);
guint              vigil_report_layout_get_page    (VigilReportLayout  *self);
cairo_t           *vigil_report_layout_get_cairo   (VigilReportLayout  *self);
double             vigil_report_layout_get_left    (VigilReportLayout  *self);
double             vigil_report_layout_get_width   (VigilReportLayout  *self);
double             vigil_report_layout_get_y       (VigilReportLayout  *self);
void               vigil_report_layout_set_y       (VigilReportLayout  *self,
                                                    double              y);
void               vigil_report_layout_skip        (VigilReportLayout  *self,
                                                    double              dy);
void               vigil_report_layout_new_page    (VigilReportLayout  *self);
void               vigil_report_layout_finish      (VigilReportLayout  *self);
gboolean           vigil_report_layout_ensure_space (VigilReportLayout *self,
                                                    double              height);
double             vigil_report_layout_measure     (VigilReportLayout  *self,
                                                    const char         *text,
                                                    double              size,
                                                    gboolean            bold,
                                                    double              width);
double             vigil_report_layout_text_at     (VigilReportLayout  *self,
                                                    const char         *text,
                                                    double              x,
                                                    double              y,
                                                    double              width,
                                                    double              size,
                                                    gboolean            bold,
                                                    VigilReportInk      ink,
                                                    PangoAlignment      alignment);
void               vigil_report_layout_paragraph   (VigilReportLayout  *self,
                                                    const char         *text,
                                                    double              indent,
                                                    double              size,
                                                    gboolean            bold,
                                                    VigilReportInk      ink);
void               vigil_report_layout_heading     (VigilReportLayout  *self,
                                                    const char         *text,
                                                    double              space_after_needed);
void               vigil_report_layout_rule        (VigilReportLayout  *self,
                                                    double              y);
void               vigil_report_layout_fill_rect   (VigilReportLayout  *self,
                                                    double              x,
                                                    double              y,
                                                    double              width,
                                                    double              height,
                                                    VigilReportInk      ink);
void               vigil_report_layout_table       (VigilReportLayout       *self,
                                                    const VigilReportColumn *columns,
                                                    guint                    n_columns,
                                                    guint                    n_rows,
                                                    double                   font_size,
                                                    VigilReportCellFunc      cell_func,
                                                    gpointer                 user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilReportLayout, vigil_report_layout_free)

G_END_DECLS
