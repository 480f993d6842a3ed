/* vigil-table-layout.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where the portfolio table's columns go (design 5), worked out once for
 * its header and its rows: each row is one widget drawing every column
 * shown (vigil-table-row.c), and the header's buttons stand over the
 * same places. Columns get their natural widths and the expanding one
 * what is left; in less room than that, each gives up to its minimum
 * what it must, as GtkColumnView shares room out; in less than their
 * minimums, the table is wider than its window and scrolls across.
 */

#define G_LOG_DOMAIN "vigil-table-layout"

#include "config.h"

#include <gtk/gtk.h>

#include "vigil-table-layout.h"

VigilTableLayout *
vigil_table_layout_new (guint n_columns)
{
  VigilTableLayout *layout = g_new0 (VigilTableLayout, 1);

  layout->n_columns = n_columns;
  layout->columns = g_new0 (VigilTableColumn, n_columns);
  layout->width = -1;
  layout->serial = 1;
  return layout;
}

void
vigil_table_layout_free (VigilTableLayout *layout)
{
  if (layout == NULL)
    return;
  g_free (layout->columns);
  g_free (layout);
}

/* The columns shown or their sizes changed: laid out again when next
 * asked, and the rows measured again (vigil-table-row.c). */
void
vigil_table_layout_changed (VigilTableLayout *layout)
{
  layout->serial++;
  layout->width = -1;
}

/* The width of the columns shown, at their least and at their natural. */
void
vigil_table_layout_measure (const VigilTableLayout *layout,
                            int                    *minimum,
                            int                    *natural)
{
  int least = 0, wanted = 0;

  for (guint i = 0; i < layout->n_columns; i++)
    if (layout->columns[i].shown)
      {
        least += layout->columns[i].minimum;
        wanted += layout->columns[i].natural;
      }
  if (minimum != NULL)
    *minimum = least;
  if (natural != NULL)
    *natural = wanted;
}

/* Lays the columns out across @width (at least their minimums); each
 * is placed from the left edge, right to left from the right one.
 * Returns the table's width. */
int
vigil_table_layout_allocate (VigilTableLayout *layout,
                             int               width,
                             gboolean          rtl)
{
  g_autofree GtkRequestedSize *sizes = g_new0 (GtkRequestedSize, layout->n_columns);
  int minimum, natural, extra, x = 0;
  guint n_shown = 0, n_expand = 0;

  vigil_table_layout_measure (layout, &minimum, &natural);
  width = MAX (width, minimum);
  if (layout->width == width && layout->rtl == rtl)
    return width;
  layout->width = width;
  layout->rtl = rtl;

  for (guint i = 0; i < layout->n_columns; i++)
    if (layout->columns[i].shown)
      {
        sizes[n_shown].data = GUINT_TO_POINTER (i);
        sizes[n_shown].minimum_size = layout->columns[i].minimum;
        sizes[n_shown].natural_size = layout->columns[i].natural;
        n_shown++;
        n_expand += layout->columns[i].expand;
      }
  /* Up to each natural width, the rest to the expanding columns. */
  extra = gtk_distribute_natural_allocation (width - minimum, n_shown, sizes);
  for (guint s = 0; s < n_shown; s++)
    {
      VigilTableColumn *column = &layout->columns[GPOINTER_TO_UINT (sizes[s].data)];
      int share = 0;

      if (column->expand && n_expand > 0)
        {
          share = extra / (int) n_expand;
          extra -= share;
          n_expand--;
        }
      column->width = sizes[s].minimum_size + share;
      column->x = rtl ? width - x - column->width : x;
      x += column->width;
    }
  return width;
}

/* The column shown at @x, or -1. */
int
vigil_table_layout_column_at (const VigilTableLayout *layout,
                              int                     x)
{
  for (guint i = 0; i < layout->n_columns; i++)
    {
      const VigilTableColumn *column = &layout->columns[i];

      if (column->shown && x >= column->x && x < column->x + column->width)
        return (int) i;
    }
  return -1;
}
