/* vigil-history-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The health history (design 5): the score over time on the scorecard's
 * tier bands, with a mark where each open trigger first fired.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-history-section.h"

struct _VigilHistorySection
{
  AdwBin                parent_instance;

  /* Template children */
  GtkBox               *history_box;
  GtkLabel             *history_message;
  GtkSpinner           *history_spinner;
  GtkStack             *history_stack;

  VigilChartView       *chart;   /* made in code for its accessible label */
  VigilPortfolio       *portfolio;
  VigilCustomerHistory *history;
  GArray               *markers; /* gint64 first_seen of the open triggers */
  double                healthy_cutoff;
  double                at_risk_cutoff;
};

static void vigil_history_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilHistorySection, vigil_history_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_history_section_iface_init))

static void
history_draw (cairo_t               *cr,
              double                 width,
              double                 height,
              const VigilChartStyle *style,
              gpointer               user_data)
{
  VigilHistorySection *self = user_data;

  if (self->history == NULL)
    return;
  vigil_chart_health_history (cr, width, height, style,
                              (const gint64 *) self->history->times->data,
                              (const double *) self->history->health->data,
                              self->history->times->len, self->healthy_cutoff, self->at_risk_cutoff,
                              (const gint64 *) self->markers->data, self->markers->len);
}

static char *
history_tooltip (double                 x,
                 double                 y,
                 double                 width,
                 double                 height,
                 const VigilChartStyle *style,
                 gpointer               user_data)
{
  VigilHistorySection *self = user_data;
  VigilScorecard *scorecard = self->portfolio != NULL ? vigil_portfolio_get_scorecard (self->portfolio) : NULL;
  int i = self->history != NULL ? vigil_section_chart_index_at (self->history, self->history->health,
                                                                x, width, height, style) : -1;
  g_autofree char *date = NULL;
  double health;

  if (i < 0)
    return NULL;
  health = g_array_index (self->history->health, double, i);
  date = vigil_format_date_time (g_array_index (self->history->times, gint64, i));
  /* TRANSLATORS: a date, a health score and its tier */
  return g_strdup_printf (_("%s\nHealth %.1f, %s"), date, health,
                          vigil_tier_get_label (scorecard != NULL ? vigil_scorecard_get_tier (scorecard, health)
                                                                  : VIGIL_TIER_NONE));
}

static void
set_markers (VigilHistorySection *self,
             VigilPortfolio      *portfolio,
             gint64               customer_id)
{
  g_autoptr(GPtrArray) triggers = vigil_section_list_triggers (portfolio, customer_id);

  g_array_set_size (self->markers, 0);
  for (guint i = 0; i < triggers->len; i++)
    g_array_append_val (self->markers, ((VigilTriggerRow *) triggers->pdata[i])->first_seen);
}

static void
vigil_history_section_show (VigilCustomerSection *section,
                            VigilPortfolio       *portfolio,
                            VigilCustomer        *customer,
                            VigilCustomerHistory *history)
{
  VigilHistorySection *self = VIGIL_HISTORY_SECTION (section);
  VigilScorecard *scorecard = vigil_portfolio_get_scorecard (portfolio);
  g_autofree char *series = NULL;
  g_autofree char *description = NULL;

  g_set_object (&self->portfolio, portfolio);
  g_clear_pointer (&self->history, vigil_customer_history_unref);
  self->history = history != NULL ? vigil_customer_history_ref (history) : NULL;
  self->healthy_cutoff = scorecard != NULL ? vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_HEALTHY) : 85;
  self->at_risk_cutoff = scorecard != NULL ? vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_AT_RISK) : 60;
  set_markers (self, portfolio, vigil_customer_get_store_id (customer));

  if (history == NULL)
    {
      gtk_spinner_start (self->history_spinner);
      gtk_stack_set_visible_child_name (self->history_stack, "loading");
      return;
    }
  gtk_spinner_stop (self->history_spinner);

  if (!vigil_section_has_values (history->health))
    {
      gtk_label_set_text (self->history_message, _("No scored snapshots yet"));
      gtk_stack_set_visible_child_name (self->history_stack, "empty");
    }
  else
    {
      series = vigil_section_describe_series (history->health, history->times, _("Health"));
      description = g_strdup_printf (ngettext ("%s. Tier bands at %.0f and %.0f; %u trigger marked.",
                                               "%s. Tier bands at %.0f and %.0f; %u triggers marked.",
                                               self->markers->len),
                                     series, self->healthy_cutoff, self->at_risk_cutoff, self->markers->len);
      vigil_chart_view_set_description (self->chart, description);
      gtk_stack_set_visible_child_name (self->history_stack, "chart");
    }
  vigil_chart_view_redraw (self->chart);
}

static void
vigil_history_section_history_failed (VigilCustomerSection *section,
                                      const char           *message)
{
  VigilHistorySection *self = VIGIL_HISTORY_SECTION (section);

  gtk_spinner_stop (self->history_spinner);
  gtk_label_set_text (self->history_message, message);
  gtk_stack_set_visible_child_name (self->history_stack, "empty");
}

static void
vigil_history_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_history_section_show;
  iface->history_failed = vigil_history_section_history_failed;
}

static void
vigil_history_section_dispose (GObject *object)
{
  VigilHistorySection *self = (VigilHistorySection *) object;

  if (self->chart != NULL)
    {
      vigil_section_clear_chart (self->chart);
      self->chart = NULL;
    }
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_HISTORY_SECTION);
  g_clear_object (&self->portfolio);
  g_clear_pointer (&self->history, vigil_customer_history_unref);

  G_OBJECT_CLASS (vigil_history_section_parent_class)->dispose (object);
}

static void
vigil_history_section_finalize (GObject *object)
{
  VigilHistorySection *self = (VigilHistorySection *) object;

  g_array_unref (self->markers);

  G_OBJECT_CLASS (vigil_history_section_parent_class)->finalize (object);
}

static void
vigil_history_section_class_init (VigilHistorySectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_history_section_dispose;
  object_class->finalize = vigil_history_section_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-history-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilHistorySection, history_box);
  gtk_widget_class_bind_template_child (widget_class, VigilHistorySection, history_message);
  gtk_widget_class_bind_template_child (widget_class, VigilHistorySection, history_spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilHistorySection, history_stack);
}

static void
vigil_history_section_init (VigilHistorySection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->markers = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->healthy_cutoff = 85;
  self->at_risk_cutoff = 60;
  self->chart = VIGIL_CHART_VIEW (vigil_section_new_chart (_("Health history"), 240));
  vigil_chart_view_set_draw_func (self->chart, history_draw, self, NULL);
  vigil_chart_view_set_tooltip_func (self->chart, history_tooltip, self, NULL);
  gtk_box_append (self->history_box, GTK_WIDGET (self->chart));
}
