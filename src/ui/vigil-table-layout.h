/* vigil-table-layout.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A cell's padding, around its text (design 5). */
#define VIGIL_TABLE_PADDING_X 8
#define VIGIL_TABLE_PADDING_Y 6

/* What a column's cells show. */
typedef enum
{
  VIGIL_TABLE_TEXT,    /* a name: from the start edge, may be cut with an ellipsis */
  VIGIL_TABLE_FIGURE,  /* tabular digits at the end edge, never cut */
  VIGIL_TABLE_HEALTH,  /* the health bar, its words and the sparkline */
} VigilTableKind;

typedef struct
{
  VigilTableKind kind;
  gboolean shown;
  gboolean expand;   /* takes the room the others leave */
  int      minimum;  /* the whole cell's, padding included, or its header's if wider */
  int      natural;
  /* Laid out: from the table's left edge (mirrored right to left). */
  int      x;
  int      width;
} VigilTableColumn;

typedef struct
{
  guint             n_columns;
  VigilTableColumn *columns;
  int               row_height;  /* padding included */
  guint             serial;   /* a new one each time shown columns or their sizes change */
  int               width;    /* laid out for, or -1 */
  gboolean          rtl;
} VigilTableLayout;

VigilTableLayout *vigil_table_layout_new       (guint                   n_columns);
void              vigil_table_layout_free      (VigilTableLayout       *layout);
void              vigil_table_layout_changed   (VigilTableLayout       *layout);
void              vigil_table_layout_measure   (const VigilTableLayout *layout,
                                                int                    *minimum,
                                                int                    *natural);
int               vigil_table_layout_allocate  (VigilTableLayout       *layout,
                                                int                     width,
                                                gboolean                rtl);
int               vigil_table_layout_column_at (const VigilTableLayout *layout,
                                                int                     x);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilTableLayout, vigil_table_layout_free)

G_END_DECLS
