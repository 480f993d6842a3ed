/* vigil-customer-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The customer page is a column of sections (design 5), each a widget of
 * its own that implements this interface: the page hands every section
 * the customer, and its history once loaded, and each fills itself. The
 * model is GNOME Calendar's event editor and its sections.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vigil-customer-section.h"
#include "vigil-tooltip.h"
#include "vigil-format.h"

G_DEFINE_INTERFACE (VigilCustomerSection, vigil_customer_section, GTK_TYPE_WIDGET)

static void
vigil_customer_section_default_init (VigilCustomerSectionInterface *iface)
{
  /**
   * VigilCustomerSection::show-toast:
   * @message: plain text, never markup
   *
   * The section has something to tell the user; the page passes it on.
   */
  g_signal_new ("show-toast", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, G_TYPE_STRING);
}

/**
 * vigil_customer_section_show:
 * @portfolio: the portfolio @customer is part of
 * @customer: the customer to show
 * @history: (nullable): @customer's history, %NULL while it loads
 */
void
vigil_customer_section_show (VigilCustomerSection *self,
                             VigilPortfolio       *portfolio,
                             VigilCustomer        *customer,
                             VigilCustomerHistory *history)
{
  g_return_if_fail (VIGIL_IS_CUSTOMER_SECTION (self));
  g_return_if_fail (VIGIL_IS_PORTFOLIO (portfolio));
  g_return_if_fail (VIGIL_IS_CUSTOMER (customer));
  g_return_if_fail (history == NULL || history->customer_id == vigil_customer_get_store_id (customer));

  VIGIL_CUSTOMER_SECTION_GET_IFACE (self)->show (self, portfolio, customer, history);
}

void
vigil_customer_section_forget (VigilCustomerSection *self)
{
  VigilCustomerSectionInterface *iface;

  g_return_if_fail (VIGIL_IS_CUSTOMER_SECTION (self));

  iface = VIGIL_CUSTOMER_SECTION_GET_IFACE (self);
  if (iface->forget != NULL)
    iface->forget (self);
}

void
vigil_customer_section_history_failed (VigilCustomerSection *self,
                                       const char           *message)
{
  VigilCustomerSectionInterface *iface;

  g_return_if_fail (VIGIL_IS_CUSTOMER_SECTION (self));

  iface = VIGIL_CUSTOMER_SECTION_GET_IFACE (self);
  if (iface->history_failed != NULL)
    iface->history_failed (self, message);
}

/* @message: plain text, never markup */
void
vigil_customer_section_toast (VigilCustomerSection *self,
                              const char           *message)
{
  g_signal_emit_by_name (self, "show-toast", message);
}

/* Helpers ------------------------------------------------------------------ */

/* For a section's dispose: a section is an AdwBin whose template gives
 * its child. */
void
vigil_section_dispose_template (AdwBin *section,
                                GType   type)
{
  /* AdwBin drops its child itself; the template must not do it twice. */
  adw_bin_set_child (section, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (section), type);
}

gint64
vigil_section_get_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Rows of text ------------------------------------------------------------- */

/* design 7: what AdwActionRow shows (a title over a subtitle, widgets at
 * the end), laid out by grids. libadwaita 1.2's row lays its texts out
 * in boxes, and GTK 4.8 measures a box of wrapped labels by trying width
 * after width: a customer page's rows cost it some twenty text layouts
 * a label, most of the page's time, where a grid takes a few. */

static GQuark
row_title_quark (void)
{
  return g_quark_from_static_string ("vigil-section-row-title");
}

static GQuark
row_subtitle_quark (void)
{
  return g_quark_from_static_string ("vigil-section-row-subtitle");
}

static GtkWidget *
new_row_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

/**
 * vigil_section_new_text_row:
 *
 * Returns: (transfer floating): a row of a title and a subtitle, both
 * plain text, empty (vigil_section_text_row_set()), looking as an
 * AdwActionRow does
 */
GtkWidget *
vigil_section_new_text_row (void)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *header = gtk_grid_new ();
  GtkWidget *texts = gtk_grid_new ();
  GtkWidget *title = new_row_label ("title");
  GtkWidget *subtitle = new_row_label ("subtitle");

  /* libadwaita's measures for its rows' header and texts */
  gtk_grid_set_column_spacing (GTK_GRID (header), 6);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_set_size_request (header, -1, 50);
  gtk_grid_set_row_spacing (GTK_GRID (texts), 3);
  gtk_widget_set_margin_top (texts, 6);
  gtk_widget_set_margin_bottom (texts, 6);
  /* The texts' line of the grid takes the height the header has over
   * them, and they stand in its middle; the header stops the expanding
   * there, so the list and the page do not take it for theirs. */
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_widget_set_vexpand (texts, TRUE);
  gtk_widget_set_vexpand (header, FALSE);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_visible (subtitle, FALSE);
  gtk_grid_attach (GTK_GRID (texts), title, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (texts), subtitle, 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (header), texts, 0, 0, 1, 1);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), header);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* What a screen reader says of the row: its title, then its subtitle. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL,
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, subtitle, NULL, -1);
  g_object_set_qdata (G_OBJECT (row), row_title_quark (), title);
  g_object_set_qdata (G_OBJECT (row), row_subtitle_quark (), subtitle);
  return row;
}

/* Sets @row's texts (vigil_section_new_text_row()); a text unchanged is
 * not laid out again. @subtitle: (nullable): none shown when %NULL */
void
vigil_section_text_row_set (GtkWidget  *row,
                            const char *title,
                            const char *subtitle)
{
  gtk_label_set_text (g_object_get_qdata (G_OBJECT (row), row_title_quark ()), title);
  vigil_section_text_row_set_subtitle (row, subtitle);
}

/* @subtitle: (nullable): plain text; none shown when %NULL or empty */
void
vigil_section_text_row_set_subtitle (GtkWidget  *row,
                                     const char *subtitle)
{
  GtkWidget *label = g_object_get_qdata (G_OBJECT (row), row_subtitle_quark ());

  gtk_label_set_text (GTK_LABEL (label), subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (label, subtitle != NULL && subtitle[0] != '\0');
}

/* Adds @suffix at the end of @row, after those added before. */
void
vigil_section_text_row_add_suffix (GtkWidget *row,
                                   GtkWidget *suffix)
{
  GtkWidget *header = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
  GtkWidget *last = gtk_widget_get_last_child (header);

  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  gtk_grid_attach_next_to (GTK_GRID (header), suffix, last, GTK_POS_RIGHT, 1, 1);
}

const char *
vigil_section_text_row_get_title (GtkWidget *row)
{
  return gtk_label_get_text (g_object_get_qdata (G_OBJECT (row), row_title_quark ()));
}

/* Returns: (nullable): the subtitle, %NULL when none is shown */
const char *
vigil_section_text_row_get_subtitle (GtkWidget *row)
{
  GtkWidget *subtitle = g_object_get_qdata (G_OBJECT (row), row_subtitle_quark ());

  return gtk_widget_get_visible (subtitle) ? gtk_label_get_text (GTK_LABEL (subtitle)) : NULL;
}

GtkWidget *
vigil_section_new_suffix_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  return label;
}

/* Rows kept from one customer to the next ------------------------------------ */

/* design 7: a section shows customer after customer, and shows each
 * twice (before its history and with it). Building its rows anew each
 * time made and measured every label again; most of a customer page's
 * time went there. A row kept keeps its measured size until one of its
 * texts changes, and a row hidden is not measured at all. */

/* How many hidden rows a list keeps for the customers to come, at most. */
#define MAX_ROWS_KEPT 64

static GQuark
row_kind_quark (void)
{
  return g_quark_from_static_string ("vigil-section-row-kind");
}

static GQuark
row_suffix_quark (void)
{
  return g_quark_from_static_string ("vigil-section-row-suffix");
}

static GtkWidget *
next_row_of (GtkWidget *row)
{
  GtkWidget *next = row != NULL ? gtk_widget_get_next_sibling (row) : NULL;

  while (next != NULL && !GTK_IS_LIST_BOX_ROW (next))
    next = gtk_widget_get_next_sibling (next);
  return next;
}

static GtkWidget *
first_row_of (GtkListBox *list)
{
  GtkWidget *first = gtk_widget_get_first_child (GTK_WIDGET (list));

  return first == NULL || GTK_IS_LIST_BOX_ROW (first) ? first : next_row_of (first);
}

/**
 * vigil_section_rows_begin:
 * @user_data: given to each kind's new_row
 *
 * Starts listing @list's rows anew, from the first.
 */
void
vigil_section_rows_begin (VigilSectionRows *rows,
                          GtkListBox       *list,
                          gpointer          user_data)
{
  rows->list = list;
  rows->next = first_row_of (list);
  rows->user_data = user_data;
}

/**
 * vigil_section_rows_next:
 * @kind: (not nullable): the kind of row wanted
 *
 * Returns: (transfer none): the list's next row, a row of @kind: one
 * kept from before (shown, with its texts and names as they were, for
 * the caller to set) or, when the list holds none further on, a new one.
 * Rows of other kinds before the one kept are removed.
 */
GtkWidget *
vigil_section_rows_next (VigilSectionRows          *rows,
                         const VigilSectionRowKind *kind)
{
  GtkWidget *row;

  for (row = rows->next; row != NULL; row = next_row_of (row))
    if (g_object_get_qdata (G_OBJECT (row), row_kind_quark ()) == kind)
      break;

  if (row != NULL)
    {
      while (rows->next != row)
        {
          GtkWidget *gone = rows->next;

          rows->next = next_row_of (gone);
          gtk_list_box_remove (rows->list, gone);
        }
      rows->next = next_row_of (row);
      gtk_widget_set_visible (row, TRUE);
      return row;
    }

  row = kind->new_row (rows->user_data);
  g_object_set_qdata (G_OBJECT (row), row_kind_quark (), (gpointer) kind);
  if (rows->next == NULL)
    gtk_list_box_append (rows->list, row);
  else
    gtk_list_box_insert (rows->list, row, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (rows->next)));
  return row;
}

/**
 * vigil_section_rows_end:
 *
 * The rows not listed since vigil_section_rows_begin() are hidden, kept
 * for the next customer, or removed: those of no kind and those over
 * what a list keeps. A hidden row loses its name, which names a record
 * or a touch of the customer before.
 */
void
vigil_section_rows_end (VigilSectionRows *rows)
{
  guint kept = 0;
  GtkWidget *row = rows->next;

  while (row != NULL)
    {
      GtkWidget *next = next_row_of (row);

      if (kept < MAX_ROWS_KEPT && g_object_get_qdata (G_OBJECT (row), row_kind_quark ()) != NULL)
        {
          gtk_widget_set_visible (row, FALSE);
          gtk_widget_set_name (row, NULL);
          kept++;
        }
      else
        gtk_list_box_remove (rows->list, row);
      row = next;
    }
  rows->next = NULL;
}

static GtkWidget *
new_text_row (gpointer user_data)
{
  GtkWidget *row = vigil_section_new_text_row ();
  GtkWidget *suffix = vigil_section_new_suffix_label (NULL);

  vigil_section_text_row_add_suffix (row, suffix);
  g_object_set_qdata (G_OBJECT (row), row_suffix_quark (), suffix);
  return row;
}

static GtkWidget *
new_dim_text_row (gpointer user_data)
{
  GtkWidget *row = new_text_row (user_data);

  gtk_widget_add_css_class (row, "dim-label");
  return row;
}

static GtkWidget *
new_spinner_row (gpointer user_data)
{
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_margin_top (spinner, 12);
  gtk_widget_set_margin_bottom (spinner, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), spinner);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static const VigilSectionRowKind text_row_kind = { new_text_row };
static const VigilSectionRowKind dim_text_row_kind = { new_dim_text_row };
static const VigilSectionRowKind spinner_row_kind = { new_spinner_row };

/**
 * vigil_section_rows_add_text:
 * @subtitle: (nullable): plain text
 * @suffix: (nullable): plain text at the row's end
 * @dim: whether the row is dimmed (what is no longer, or left out)
 *
 * Returns: (transfer none): the list's next row, a text row
 */
GtkWidget *
vigil_section_rows_add_text (VigilSectionRows *rows,
                             const char       *title,
                             const char       *subtitle,
                             const char       *suffix,
                             gboolean          dim)
{
  GtkWidget *row = vigil_section_rows_next (rows, dim ? &dim_text_row_kind : &text_row_kind);
  GtkWidget *label = g_object_get_qdata (G_OBJECT (row), row_suffix_quark ());

  vigil_section_text_row_set (row, title, subtitle);
  gtk_label_set_text (GTK_LABEL (label), suffix != NULL ? suffix : "");
  gtk_widget_set_visible (label, suffix != NULL);
  return row;
}

void
vigil_section_rows_add_placeholder (VigilSectionRows *rows,
                                    const char       *text)
{
  vigil_section_rows_add_text (rows, text, NULL, NULL, TRUE);
}

/* A row that says, to the eye and to a screen reader, that it loads.
 * @tooltip: a literal or a translation */
void
vigil_section_rows_add_spinner (VigilSectionRows *rows,
                                const char       *tooltip)
{
  GtkWidget *spinner = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (vigil_section_rows_next (rows,
                                                                                           &spinner_row_kind)));

  vigil_tooltip_set_static (spinner, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

/* Shows @text in @list alone, its other rows hidden (those kept) or
 * removed: for a failure told after the rows were listed. */
void
vigil_section_show_placeholder (GtkListBox *list,
                                const char *text)
{
  VigilSectionRows rows;

  vigil_section_rows_begin (&rows, list, NULL);
  vigil_section_rows_add_placeholder (&rows, text);
  vigil_section_rows_end (&rows);
}

/* @text: (nullable): plain text */
void
vigil_section_set_group_description (AdwPreferencesGroup *group,
                                     const char          *text)
{
  /* Group descriptions are markup. */
  g_autofree char *escaped = text != NULL ? g_markup_escape_text (text, -1) : NULL;

  /* Set again, libadwaita's label would be laid out again (design 7). */
  if (g_strcmp0 (adw_preferences_group_get_description (group), escaped) != 0)
    adw_preferences_group_set_description (group, escaped);
}

/* Returns: (transfer container) (element-type VigilTriggerRow): the open
 * triggers of @customer_id, as the portfolio lists them */
GPtrArray *
vigil_section_list_triggers (VigilPortfolio *portfolio,
                             gint64          customer_id)
{
  GPtrArray *triggers = vigil_portfolio_get_triggers (portfolio);
  GPtrArray *mine = g_ptr_array_new ();

  for (guint i = 0; triggers != NULL && i < triggers->len; i++)
    if (((VigilTriggerRow *) triggers->pdata[i])->customer_id == customer_id)
      g_ptr_array_add (mine, triggers->pdata[i]);
  return mine;
}

/* Charts ------------------------------------------------------------------- */

GtkWidget *
vigil_section_new_chart (const char *accessible_label,
                         int         height)
{
  GtkWidget *chart = vigil_chart_view_new (accessible_label);

  gtk_widget_set_size_request (chart, -1, height);
  gtk_widget_set_hexpand (chart, TRUE);
  return chart;
}

/* For a section's dispose: the chart's functions point into the section. */
void
vigil_section_clear_chart (VigilChartView *chart)
{
  vigil_chart_view_set_draw_func (chart, NULL, NULL, NULL);
  vigil_chart_view_set_tooltip_func (chart, NULL, NULL, NULL);
}

/* Returns: the row of @history under @x with a value in @values, or -1 */
int
vigil_section_chart_index_at (VigilCustomerHistory  *history,
                              GArray                *values,
                              double                 x,
                              double                 width,
                              double                 height,
                              const VigilChartStyle *style)
{
  int i;

  if (history == NULL || history->times->len == 0)
    return -1;
  i = vigil_chart_index_at (width, height, style, (const gint64 *) history->times->data,
                            (const double *) values->data, history->times->len, x);
  if (i < 0 || (guint) i >= values->len || isnan (g_array_index (values, double, i)))
    return -1;
  return i;
}

gboolean
vigil_section_has_values (GArray *values)
{
  for (guint i = 0; i < values->len; i++)
    if (!isnan (g_array_index (values, double, i)))
      return TRUE;
  return FALSE;
}

/* What a series did, in words, for screen readers. */
char *
vigil_section_describe_series (GArray     *values,
                               GArray     *times,
                               const char *what)
{
  int first = -1, last = -1;
  double lo = INFINITY, hi = -INFINITY;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);

      if (isnan (v))
        continue;
      if (first < 0)
        first = i;
      last = i;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  if (first < 0)
    return g_strdup_printf (_("No %s known"), what);
  from = vigil_format_date (g_array_index (times, gint64, first));
  to = vigil_format_date (g_array_index (times, gint64, last));
  /* TRANSLATORS: e.g. "Health from 3 Mar 2026 to 1 Jun 2026: 72 at first, 55 now, between 40 and 80" */
  return g_strdup_printf (_("%s from %s to %s: %.0f at first, %.0f now, between %.0f and %.0f"),
                          what, from, to, g_array_index (values, double, first),
                          g_array_index (values, double, last), lo, hi);
}
