/* vigil-usage-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage over time (design 5): API calls in 7 days and, where the source
 * gives them, seats used, a chart each.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-usage-section.h"

/* One usage chart: which of the history's series it draws and how it
 * names them. */
typedef struct
{
  VigilUsageSection *section;
  gboolean           seats;       /* seats used, else API calls */
  const char        *unit_label;  /* plain, for the chart */
} UsageSeries;

struct _VigilUsageSection
{
  AdwBin                parent_instance;

  /* Template children */
  GtkBox               *usage_box;
  GtkLabel             *usage_message;
  GtkSpinner           *usage_spinner;
  GtkStack             *usage_stack;

  /* Charts, made in code for their accessible labels */
  VigilChartView       *calls_chart;
  GtkWidget            *seats_heading;
  VigilChartView       *seats_chart;
  UsageSeries           calls_series;
  UsageSeries           seats_series;

  VigilCustomerHistory *history;
};

static void vigil_usage_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilUsageSection, vigil_usage_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_usage_section_iface_init))

static GArray *
series_get_values (const UsageSeries *series)
{
  VigilCustomerHistory *history = series->section->history;

  return series->seats ? history->seats_used : history->calls;
}

static void
usage_draw (cairo_t               *cr,
            double                 width,
            double                 height,
            const VigilChartStyle *style,
            gpointer               user_data)
{
  UsageSeries *series = user_data;
  VigilCustomerHistory *history = series->section->history;

  if (history == NULL)
    return;
  vigil_chart_series (cr, width, height, style, (const gint64 *) history->times->data,
                      (const double *) series_get_values (series)->data, history->times->len,
                      series->unit_label);
}

static char *
usage_tooltip (double                 x,
               double                 y,
               double                 width,
               double                 height,
               const VigilChartStyle *style,
               gpointer               user_data)
{
  UsageSeries *series = user_data;
  VigilCustomerHistory *history = series->section->history;
  g_autofree char *date = NULL;
  GArray *values;
  double value;
  int i;

  if (history == NULL)
    return NULL;
  values = series_get_values (series);
  i = vigil_section_chart_index_at (history, values, x, width, height, style);
  if (i < 0)
    return NULL;
  value = g_array_index (values, double, i);
  date = vigil_format_date (g_array_index (history->times, gint64, i));
  if (series->seats)
    return g_strdup_printf (ngettext ("%s\n%'.0f seat used", "%s\n%'.0f seats used", (gulong) value), date, value);
  return g_strdup_printf (ngettext ("%s\n%'.0f call in 7 days", "%s\n%'.0f calls in 7 days", (gulong) value),
                          date, value);
}

static void
show_charts (VigilUsageSection    *self,
             VigilCustomerHistory *history)
{
  gboolean have_seats = vigil_section_has_values (history->seats_used);
  g_autofree char *calls = NULL;

  if (!vigil_section_has_values (history->calls) && !have_seats)
    {
      gtk_label_set_text (self->usage_message, _("No usage known"));
      gtk_stack_set_visible_child_name (self->usage_stack, "empty");
      return;
    }
  calls = vigil_section_describe_series (history->calls, history->times, _("API calls in 7 days"));
  vigil_chart_view_set_description (self->calls_chart, calls);
  gtk_widget_set_visible (self->seats_heading, have_seats);
  gtk_widget_set_visible (GTK_WIDGET (self->seats_chart), have_seats);
  if (have_seats)
    {
      g_autofree char *seats = vigil_section_describe_series (history->seats_used, history->times,
                                                              _("Seats used"));

      vigil_chart_view_set_description (self->seats_chart, seats);
    }
  gtk_stack_set_visible_child_name (self->usage_stack, "chart");
}

static void
vigil_usage_section_show (VigilCustomerSection *section,
                          VigilPortfolio       *portfolio,
                          VigilCustomer        *customer,
                          VigilCustomerHistory *history)
{
  VigilUsageSection *self = VIGIL_USAGE_SECTION (section);

  g_clear_pointer (&self->history, vigil_customer_history_unref);
  if (history == NULL)
    {
      gtk_spinner_start (self->usage_spinner);
      gtk_stack_set_visible_child_name (self->usage_stack, "loading");
      return;
    }
  self->history = vigil_customer_history_ref (history);
  gtk_spinner_stop (self->usage_spinner);
  show_charts (self, history);
  vigil_chart_view_redraw (self->calls_chart);
  vigil_chart_view_redraw (self->seats_chart);
}

static void
vigil_usage_section_history_failed (VigilCustomerSection *section,
                                    const char           *message)
{
  VigilUsageSection *self = VIGIL_USAGE_SECTION (section);

  gtk_spinner_stop (self->usage_spinner);
  gtk_label_set_text (self->usage_message, message);
  gtk_stack_set_visible_child_name (self->usage_stack, "empty");
}

static void
vigil_usage_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_usage_section_show;
  iface->history_failed = vigil_usage_section_history_failed;
}

static void
vigil_usage_section_dispose (GObject *object)
{
  VigilUsageSection *self = (VigilUsageSection *) object;

  if (self->calls_chart != NULL)
    {
      vigil_section_clear_chart (self->calls_chart);
      vigil_section_clear_chart (self->seats_chart);
      self->calls_chart = NULL;
      self->seats_chart = NULL;
    }
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_USAGE_SECTION);
  g_clear_pointer (&self->history, vigil_customer_history_unref);

  G_OBJECT_CLASS (vigil_usage_section_parent_class)->dispose (object);
}

static void
vigil_usage_section_class_init (VigilUsageSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_usage_section_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-usage-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilUsageSection, usage_box);
  gtk_widget_class_bind_template_child (widget_class, VigilUsageSection, usage_message);
  gtk_widget_class_bind_template_child (widget_class, VigilUsageSection, usage_spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilUsageSection, usage_stack);
}

static VigilChartView *
add_chart (VigilUsageSection *self,
           UsageSeries       *series,
           const char        *accessible_label,
           int                height)
{
  VigilChartView *chart = VIGIL_CHART_VIEW (vigil_section_new_chart (accessible_label, height));

  vigil_chart_view_set_draw_func (chart, usage_draw, series, NULL);
  vigil_chart_view_set_tooltip_func (chart, usage_tooltip, series, NULL);
  gtk_box_append (self->usage_box, GTK_WIDGET (chart));
  return chart;
}

static void
vigil_usage_section_init (VigilUsageSection *self)
{
  GtkWidget *heading;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->calls_series = (UsageSeries) { self, FALSE, _("API calls in 7 days") };
  self->calls_chart = add_chart (self, &self->calls_series, _("API calls in 7 days over time"), 180);

  heading = gtk_label_new (_("Seats Used"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_set_margin_top (heading, 12);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (self->usage_box, heading);
  self->seats_heading = heading;
  self->seats_series = (UsageSeries) { self, TRUE, _("Seats used") };
  self->seats_chart = add_chart (self, &self->seats_series, _("Seats used over time"), 160);
}
