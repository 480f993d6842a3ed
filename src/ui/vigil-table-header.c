/* vigil-table-header.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The portfolio table's header (design 5): a button for each column,
 * its title and the sort arrow (up ascending, down descending, on the
 * column sorted by), standing over the columns where the table's layout
 * puts them (vigil-table-layout.c) and scrolled across with the rows. A
 * click sorts (the view's handler); a screen reader finds the buttons in
 * a group named Columns, each named by its title, the sorted one saying
 * which way (GTK 4.8 reads a column-header role out as a mere filler:
 * they stay buttons, which they are).
 */

#define G_LOG_DOMAIN "vigil-table-header"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-table-header.h"

struct _VigilTableHeader
{
  GtkWidget         parent_instance;

  VigilTableLayout *layout;    /* the view's, which outlives its header */
  GPtrArray        *buttons;   /* a column each */
  GtkWidget        *rows;      /* the list of the rows, which the header stands over */
  GtkAdjustment    *across;    /* its horizontal scrolling */
  int               scrolled;  /* where it was when the buttons were placed */
  int               placed_width;  /* the rows' width then */
  float             placed_shift;  /* and where they start */
};

G_DEFINE_FINAL_TYPE (VigilTableHeader, vigil_table_header, GTK_TYPE_WIDGET)

static void
vigil_table_header_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  VigilTableHeader *self = VIGIL_TABLE_HEADER (widget);

  *minimum = *natural = 0;
  /* Across, it scrolls with the rows: it asks for no width of its own. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      vigil_table_layout_measure (self->layout, NULL, natural);
      return;
    }
  for (guint i = 0; i < self->buttons->len; i++)
    {
      int least, wanted;

      gtk_widget_measure (self->buttons->pdata[i], GTK_ORIENTATION_VERTICAL, -1, &least, &wanted, NULL, NULL);
      *minimum = MAX (*minimum, least);
      *natural = MAX (*natural, wanted);
    }
}

/* Where the rows are, across, in the header's coordinates. */
static int
rows_placement (VigilTableHeader *self,
                int               width,
                float            *shift)
{
  graphene_point_t origin;

  *shift = 0;
  if (self->rows == NULL || gtk_widget_get_width (self->rows) <= 0)
    return width;
  if (gtk_widget_compute_point (self->rows, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (0, 0), &origin))
    *shift = origin.x;
  return gtk_widget_get_width (self->rows);
}

/* Placed over the rows as GTK 4.8's list places them (allocated after
 * it, vigil_portfolio_view.c): as wide as the list, which a scroll bar
 * beside it may make narrower than the header; scrolled across with it;
 * right to left, mirrored, the table's right edge at the list's when not
 * scrolled. */
static void
vigil_table_header_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  VigilTableHeader *self = VIGIL_TABLE_HEADER (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  float shift;
  int rows_width = rows_placement (self, width, &shift);
  int scrolled = 0;
  int table_width;

  if (self->across != NULL)
    scrolled = (int) gtk_adjustment_get_value (self->across);
  self->scrolled = scrolled;
  table_width = vigil_table_layout_allocate (self->layout, rows_width, rtl);
  self->placed_width = rows_width;
  self->placed_shift = shift;
  shift += rtl ? rows_width + scrolled - table_width : -scrolled;
  for (guint i = 0; i < self->buttons->len; i++)
    {
      const VigilTableColumn *column = &self->layout->columns[i];

      if (column->shown)
        gtk_widget_size_allocate (self->buttons->pdata[i],
                                  &(GtkAllocation) { column->x + (int) shift, 0, column->width, height }, -1);
    }
}

static void
vigil_table_header_dispose (GObject *object)
{
  VigilTableHeader *self = (VigilTableHeader *) object;

  if (self->across != NULL)
    g_signal_handlers_disconnect_by_data (self->across, self);
  g_clear_object (&self->across);
  if (self->buttons != NULL)
    {
      for (guint i = 0; i < self->buttons->len; i++)
        gtk_widget_unparent (self->buttons->pdata[i]);
      g_clear_pointer (&self->buttons, g_ptr_array_unref);
    }

  G_OBJECT_CLASS (vigil_table_header_parent_class)->dispose (object);
}

static void
vigil_table_header_class_init (VigilTableHeaderClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = vigil_table_header_dispose;
  widget_class->measure = vigil_table_header_measure;
  widget_class->size_allocate = vigil_table_header_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "tableheader");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vigil_table_header_init (VigilTableHeader *self)
{
  self->buttons = g_ptr_array_new ();
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  /* TRANSLATORS: the portfolio table's header of column buttons, as a screen reader names it */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Columns"), -1);
}

/**
 * vigil_table_header_new:
 * @layout: where the columns go; it outlives the header
 */
GtkWidget *
vigil_table_header_new (VigilTableLayout *layout)
{
  VigilTableHeader *self = g_object_new (VIGIL_TYPE_TABLE_HEADER, NULL);

  self->layout = layout;
  return GTK_WIDGET (self);
}

/**
 * vigil_table_header_add_column:
 * @title: the column's title, translated
 *
 * Returns: (transfer none): the column's button, for its ::clicked
 */
GtkWidget *
vigil_table_header_add_column (VigilTableHeader *self,
                               const char       *title)
{
  GtkWidget *button, *box, *label, *arrow;

  g_return_val_if_fail (VIGIL_IS_TABLE_HEADER (self), NULL);
  g_return_val_if_fail (self->buttons->len < self->layout->n_columns, NULL);

  button = gtk_button_new ();
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  /* Room for the arrow whether it shows or not: a sort moves no title. */
  arrow = gtk_image_new ();
  gtk_widget_set_size_request (arrow, 16, 16);
  gtk_widget_add_css_class (arrow, "sort-indicator");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), arrow);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_object_set_data (G_OBJECT (button), "vigil-arrow", arrow);
  gtk_widget_set_parent (button, GTK_WIDGET (self));
  g_ptr_array_add (self->buttons, button);
  return button;
}

/* The width @column's button needs, shown or not. */
void
vigil_table_header_measure_column (VigilTableHeader *self,
                                   guint             column,
                                   int              *minimum,
                                   int              *natural)
{
  g_return_if_fail (VIGIL_IS_TABLE_HEADER (self));
  g_return_if_fail (column < self->buttons->len);

  gtk_widget_measure (self->buttons->pdata[column], GTK_ORIENTATION_HORIZONTAL, -1, minimum, natural, NULL, NULL);
}

/**
 * vigil_table_header_set_sort:
 * @column: the column sorted by, or -1
 *
 * The arrow on @column's title, and its header says how it sorts.
 */
void
vigil_table_header_set_sort (VigilTableHeader *self,
                             int               column,
                             GtkSortType       direction)
{
  g_return_if_fail (VIGIL_IS_TABLE_HEADER (self));

  for (guint i = 0; i < self->buttons->len; i++)
    {
      GtkWidget *button = self->buttons->pdata[i];
      GtkWidget *arrow = g_object_get_data (G_OBJECT (button), "vigil-arrow");
      gboolean sorted = (int) i == column;
      gboolean descending = direction == GTK_SORT_DESCENDING;

      gtk_image_set_from_icon_name (GTK_IMAGE (arrow),
                                    !sorted ? NULL : descending ? "pan-down-symbolic" : "pan-up-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_SORT,
                                      !sorted ? GTK_ACCESSIBLE_SORT_NONE
                                              : descending ? GTK_ACCESSIBLE_SORT_DESCENDING
                                                           : GTK_ACCESSIBLE_SORT_ASCENDING, -1);
      if (sorted)
        gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                        descending ? _("Sorted descending") : _("Sorted ascending"), -1);
      else
        gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

/* The buttons placed again when the rows scroll across; not when the
 * list only says how far it may scroll, as it does while it is laid out
 * (after the header, which would then be drawn before it is placed). */
static void
across_changed_cb (VigilTableHeader *self)
{
  if ((int) gtk_adjustment_get_value (self->across) != self->scrolled)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* The rows were laid out anew: placed again over them if they moved or
 * changed width (a scroll bar shown beside them, say), which GTK would
 * not do, the header's own size being the same. Call it between laying
 * out the rows and the header. */
void
vigil_table_header_follow_rows (VigilTableHeader *self)
{
  float shift;
  int rows_width;

  g_return_if_fail (VIGIL_IS_TABLE_HEADER (self));

  rows_width = rows_placement (self, gtk_widget_get_width (GTK_WIDGET (self)), &shift);
  if (rows_width != self->placed_width || shift != self->placed_shift)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* @rows: the list of the rows (a #GtkScrollable), which the header
 * stands over and follows across */
void
vigil_table_header_set_rows (VigilTableHeader *self,
                             GtkWidget        *rows)
{
  GtkAdjustment *across = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (rows));

  g_return_if_fail (VIGIL_IS_TABLE_HEADER (self));

  self->rows = rows;

  if (self->across != NULL)
    g_signal_handlers_disconnect_by_data (self->across, self);
  g_set_object (&self->across, across);
  if (across != NULL)
    {
      g_signal_connect_swapped (across, "value-changed", G_CALLBACK (across_changed_cb), self);
      g_signal_connect_swapped (across, "changed", G_CALLBACK (across_changed_cb), self);
    }
}

/* The columns shown changed: a button for each of those alone (a hidden
 * column's header is neither drawn, nor reached by the keyboard, nor
 * read out). */
void
vigil_table_header_update_shown (VigilTableHeader *self)
{
  g_return_if_fail (VIGIL_IS_TABLE_HEADER (self));

  for (guint i = 0; i < self->buttons->len; i++)
    {
      GtkWidget *button = self->buttons->pdata[i];
      gboolean shown = self->layout->columns[i].shown;

      if (gtk_widget_get_child_visible (button) == shown)
        continue;
      gtk_widget_set_child_visible (button, shown);
      gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_HIDDEN, !shown, -1);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
