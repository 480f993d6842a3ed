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

/* A row of plain text: data never becomes markup. */
AdwActionRow *
vigil_section_new_row (const char *title,
                       const char *subtitle)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (row, subtitle);
  return row;
}

GtkWidget *
vigil_section_new_suffix_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  return label;
}

void
vigil_section_clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

void
vigil_section_add_placeholder_row (GtkListBox *list,
                                   const char *text)
{
  AdwActionRow *row = vigil_section_new_row (text, NULL);

  gtk_widget_add_css_class (GTK_WIDGET (row), "dim-label");
  gtk_list_box_append (list, GTK_WIDGET (row));
}

/* A row that says, to the eye and to a screen reader, that it loads. */
void
vigil_section_add_spinner_row (GtkListBox *list,
                               const char *tooltip)
{
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_margin_top (spinner, 12);
  gtk_widget_set_margin_bottom (spinner, 12);
  vigil_tooltip_set_static (spinner, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), spinner);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_append (list, row);
}

/* @text: (nullable): plain text */
void
vigil_section_set_group_description (AdwPreferencesGroup *group,
                                     const char          *text)
{
  /* Group descriptions are markup. */
  g_autofree char *escaped = text != NULL ? g_markup_escape_text (text, -1) : NULL;

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
