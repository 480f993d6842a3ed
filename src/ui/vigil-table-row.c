/* vigil-table-row.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row of the portfolio table (design 5, 7): one widget drawing every
 * column shown, where the table's layout puts it (vigil-table-layout.c),
 * text as vigil-text-cell.c draws it and health as vigil-health-cell.c.
 * GTK 4.8's GtkColumnView made 29 widgets and 15 list items a row of 14
 * columns; a search that widened to hundreds of rows built each at about
 * 0.7 ms. A screen reader reads the row by its name: what its cells show,
 * in column order (the view says it, vigil_table_row_set_spoken()).
 */

#define G_LOG_DOMAIN "vigil-table-row"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "vigil-health-cell.h"
#include "vigil-table-row.h"
#include "vigil-text-cell.h"

struct _VigilTableRow
{
  GtkWidget         parent_instance;

  VigilTableLayout *layout;   /* the view's, which outlives its rows */
  guint             serial;   /* the layout's, when last measured */
  VigilCustomer    *customer;
  char            **texts;    /* a column each */
  guint8           *tones;    /* a column each: VigilRowTone */
  double            healthy_cutoff;
  double            at_risk_cutoff;
  gboolean          named;    /* the list's row is named by this one */
};

G_DEFINE_FINAL_TYPE (VigilTableRow, vigil_table_row, GTK_TYPE_WIDGET)

static void
vigil_table_row_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  VigilTableRow *self = VIGIL_TABLE_ROW (widget);

  self->serial = self->layout->serial;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    vigil_table_layout_measure (self->layout, minimum, natural);
  else
    *minimum = *natural = self->layout->row_height;
}

static void
vigil_table_row_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  VigilTableRow *self = VIGIL_TABLE_ROW (widget);

  vigil_table_layout_allocate (self->layout, width, gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL);
}

/* A column's room for its content: the cell less its padding. */
static void
content_area (VigilTableRow   *self,
              guint            column,
              graphene_rect_t *area)
{
  const VigilTableColumn *place = &self->layout->columns[column];

  graphene_rect_init (area, place->x + VIGIL_TABLE_PADDING_X, VIGIL_TABLE_PADDING_Y,
                      MAX (place->width - 2 * VIGIL_TABLE_PADDING_X, 0),
                      MAX (gtk_widget_get_height (GTK_WIDGET (self)) - 2 * VIGIL_TABLE_PADDING_Y, 0));
}

static void
lookup_color (GtkWidget     *widget,
              const char    *name,
              const GdkRGBA *fallback,
              GdkRGBA       *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, color))
    *color = *fallback;
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
vigil_table_row_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  VigilTableRow *self = VIGIL_TABLE_ROW (widget);
  GdkRGBA colors[3];

  if (self->customer == NULL)
    return;
  vigil_table_layout_allocate (self->layout, gtk_widget_get_width (widget),
                               gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL);
  /* The text's colour, and the theme's for a rise and a fall, as .trend-up
   * and .trend-down give a label (style.css). */
  vigil_text_cell_get_color (widget, &colors[VIGIL_ROW_TONE_PLAIN]);
  lookup_color (widget, "success_color", &colors[VIGIL_ROW_TONE_PLAIN], &colors[VIGIL_ROW_TONE_UP]);
  lookup_color (widget, "error_color", &colors[VIGIL_ROW_TONE_PLAIN], &colors[VIGIL_ROW_TONE_DOWN]);

  for (guint i = 0; i < self->layout->n_columns; i++)
    {
      const VigilTableColumn *column = &self->layout->columns[i];
      graphene_rect_t area;

      if (!column->shown)
        continue;
      content_area (self, i, &area);
      if (column->kind == VIGIL_TABLE_HEALTH)
        vigil_health_cell_draw (widget, snapshot, self->customer, self->texts[i], &area, self->healthy_cutoff,
                                self->at_risk_cutoff, &colors[VIGIL_ROW_TONE_PLAIN]);
      else
        vigil_text_cell_draw (widget, snapshot, self->texts[i], column->kind == VIGIL_TABLE_FIGURE,
                              column->kind == VIGIL_TABLE_FIGURE ? 1 : 0, &area, &colors[self->tones[i]]);
    }
}

static void
dark_changed_cb (VigilTableRow *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
vigil_table_row_dispose (GObject *object)
{
  VigilTableRow *self = (VigilTableRow *) object;

  g_clear_object (&self->customer);

  G_OBJECT_CLASS (vigil_table_row_parent_class)->dispose (object);
}

static void
vigil_table_row_finalize (GObject *object)
{
  VigilTableRow *self = (VigilTableRow *) object;

  g_strfreev (self->texts);
  g_free (self->tones);

  G_OBJECT_CLASS (vigil_table_row_parent_class)->finalize (object);
}

static void
vigil_table_row_class_init (VigilTableRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = vigil_table_row_dispose;
  G_OBJECT_CLASS (klass)->finalize = vigil_table_row_finalize;
  widget_class->measure = vigil_table_row_measure;
  widget_class->size_allocate = vigil_table_row_size_allocate;
  widget_class->snapshot = vigil_table_row_snapshot;
  gtk_widget_class_set_css_name (widget_class, "tablerow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
vigil_table_row_init (VigilTableRow *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (dark_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

/**
 * vigil_table_row_new:
 * @layout: where the columns go; it outlives the row
 */
GtkWidget *
vigil_table_row_new (VigilTableLayout *layout)
{
  VigilTableRow *self = g_object_new (VIGIL_TYPE_TABLE_ROW, NULL);

  self->layout = layout;
  self->texts = g_new0 (char *, layout->n_columns + 1);
  self->tones = g_new0 (guint8, layout->n_columns);
  return GTK_WIDGET (self);
}

/**
 * vigil_table_row_show:
 * @texts: (transfer full): a text for each column (the health column's
 *   words), %NULL-terminated
 * @tones: a #VigilRowTone for each column
 *
 * Shows @customer; nothing is laid out until the row is drawn.
 */
void
vigil_table_row_show (VigilTableRow  *self,
                      VigilCustomer  *customer,
                      char          **texts,
                      const guint8   *tones,
                      double          healthy_cutoff,
                      double          at_risk_cutoff)
{
  g_return_if_fail (VIGIL_IS_TABLE_ROW (self));
  g_return_if_fail (VIGIL_IS_CUSTOMER (customer));

  g_set_object (&self->customer, customer);
  g_strfreev (self->texts);
  self->texts = texts;
  memcpy (self->tones, tones, self->layout->n_columns);
  self->healthy_cutoff = healthy_cutoff;
  self->at_risk_cutoff = at_risk_cutoff;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* design 5: what a screen reader says of the row, and of the list's row
 * that holds it and takes the focus (GTK 4.8 names it after its type). */
void
vigil_table_row_set_spoken (VigilTableRow *self,
                            const char    *spoken)
{
  GtkWidget *holder = gtk_widget_get_parent (GTK_WIDGET (self));

  g_return_if_fail (VIGIL_IS_TABLE_ROW (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken, -1);
  if (!self->named && holder != NULL)
    {
      gtk_accessible_update_relation (GTK_ACCESSIBLE (holder), GTK_ACCESSIBLE_RELATION_LABELLED_BY, self, NULL,
                                      -1);
      self->named = TRUE;
    }
}

/* No customer shown: the row was taken off its item. */
void
vigil_table_row_clear (VigilTableRow *self)
{
  g_return_if_fail (VIGIL_IS_TABLE_ROW (self));
  g_clear_object (&self->customer);
}

/* The columns shown changed since the row was last measured: measured
 * again (a row kept while they changed, or built before). */
void
vigil_table_row_check_layout (VigilTableRow *self)
{
  g_return_if_fail (VIGIL_IS_TABLE_ROW (self));

  if (self->serial != self->layout->serial)
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
vigil_table_row_get_n_columns (VigilTableRow *self)
{
  g_return_val_if_fail (VIGIL_IS_TABLE_ROW (self), 0);
  return self->layout->n_columns;
}

/* Returns: (transfer none) (nullable): the customer shown */
VigilCustomer *
vigil_table_row_get_customer (VigilTableRow *self)
{
  g_return_val_if_fail (VIGIL_IS_TABLE_ROW (self), NULL);
  return self->customer;
}

/* Returns: (nullable): what @column shows (the health column's words) */
const char *
vigil_table_row_get_text (VigilTableRow *self,
                          guint          column)
{
  g_return_val_if_fail (VIGIL_IS_TABLE_ROW (self), NULL);
  g_return_val_if_fail (column < self->layout->n_columns, NULL);
  return self->customer != NULL ? self->texts[column] : NULL;
}

/**
 * vigil_table_row_get_text_area:
 * @area: (out): the room @column's text has, in the row's coordinates
 *
 * Returns: whether @column is shown
 */
gboolean
vigil_table_row_get_text_area (VigilTableRow   *self,
                               guint            column,
                               graphene_rect_t *area)
{
  g_return_val_if_fail (VIGIL_IS_TABLE_ROW (self), FALSE);
  g_return_val_if_fail (column < self->layout->n_columns, FALSE);

  if (!self->layout->columns[column].shown)
    return FALSE;
  vigil_table_layout_allocate (self->layout, gtk_widget_get_width (GTK_WIDGET (self)),
                               gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL);
  content_area (self, column, area);
  return TRUE;
}
