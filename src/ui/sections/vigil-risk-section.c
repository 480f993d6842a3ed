/* vigil-risk-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The churn risk and its factors (design 3.2), and what rides on it (design 5): the
 * monthly revenue, the renewal, seat use and the last activity.
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-risk-section.h"

struct _VigilRiskSection
{
  AdwBin        parent_instance;

  /* Template children */
  GtkListBox          *facts_list;

  /* A fact a row: its value at its end */
  GtkWidget           *churn_row;
  GtkLabel            *churn_label;
  GtkWidget           *mrr_row;
  GtkLabel            *mrr_label;
  GtkWidget           *renewal_row;
  GtkLabel            *renewal_label;
  GtkWidget           *seats_row;
  GtkLabel            *seats_label;
  GtkWidget           *active_row;
  GtkLabel            *active_label;
};

static void vigil_risk_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilRiskSection, vigil_risk_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_risk_section_iface_init))

/* A fact's row: @value, or "Unknown" when there is none; @subtitle under it. */
static void
set_fact (GtkLabel   *label,
          GtkWidget  *row,
          const char *value,
          const char *subtitle)
{
  gtk_label_set_text (label, value != NULL ? value : _("Unknown"));
  vigil_section_text_row_set_subtitle (row, subtitle);
}

static void
show_churn_risk (VigilRiskSection *self,
                 VigilCustomer    *customer)
{
  double risk = vigil_customer_get_churn_risk (customer);
  const char * const *factors = vigil_customer_get_churn_factors (customer);
  g_autofree char *reasons = NULL;
  g_autofree char *share = NULL;

  if (isnan (risk))
    {
      set_fact (self->churn_label, self->churn_row, NULL, _("No health score to predict from"));
      return;
    }
  reasons = factors != NULL ? g_strjoinv ("\n", (char **) factors) : NULL;
  share = vigil_format_percent (risk);
  set_fact (self->churn_label, self->churn_row, share, reasons);
}

static void
show_renewal (VigilRiskSection *self,
              VigilCustomer    *customer)
{
  gint32 renewal = vigil_customer_get_renewal_day (customer);
  g_autofree char *date = NULL;
  g_autofree char *until = NULL;

  if (renewal != VIGIL_UNKNOWN_DAY)
    {
      date = vigil_format_day (renewal);
      until = vigil_format_days_to (renewal - vigil_time_get_day (vigil_section_get_now ()));
    }
  set_fact (self->renewal_label, self->renewal_row, date, until);
}

static void
show_seats (VigilRiskSection *self,
            VigilCustomer    *customer)
{
  const VigilPortfolioRow *row = vigil_customer_get_row (customer);
  const VigilSnapshot *latest = row->latest;
  g_autofree char *seats = NULL;
  g_autofree char *before = NULL;

  if (latest->seats != VIGIL_UNKNOWN && latest->seats_used != VIGIL_UNKNOWN)
    {
      seats = vigil_format_seats (latest->seats_used, latest->seats, vigil_customer_get_seat_use (customer));
      if (!isnan (row->seat_use_28d_ago))
        {
          g_autofree char *share = vigil_format_percent (row->seat_use_28d_ago);

          /* TRANSLATORS: a share of seats in use, e.g. "94 % four weeks before" */
          before = g_strdup_printf (_("%s four weeks before"), share);
        }
    }
  set_fact (self->seats_label, self->seats_row, seats, before);
}

static void
show_last_active (VigilRiskSection *self,
                  VigilCustomer    *customer)
{
  gint64 last_active = vigil_customer_get_last_active (customer);
  g_autofree char *when = NULL;
  g_autofree char *ago = NULL;

  if (last_active != VIGIL_UNKNOWN)
    {
      when = vigil_format_date_time (last_active);
      ago = vigil_format_ago (vigil_section_get_now () - last_active);
    }
  set_fact (self->active_label, self->active_row, when, ago);
}

static void
vigil_risk_section_show (VigilCustomerSection *section,
                         VigilPortfolio       *portfolio,
                         VigilCustomer        *customer,
                         VigilCustomerHistory *history)
{
  VigilRiskSection *self = VIGIL_RISK_SECTION (section);
  double mrr = vigil_customer_get_mrr (customer);
  g_autofree char *money = isnan (mrr) ? NULL : vigil_format_money (mrr);

  show_churn_risk (self, customer);
  set_fact (self->mrr_label, self->mrr_row, money, NULL);
  show_renewal (self, customer);
  show_seats (self, customer);
  show_last_active (self, customer);
}

static void
vigil_risk_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_risk_section_show;
}

static void
vigil_risk_section_dispose (GObject *object)
{
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_RISK_SECTION);

  G_OBJECT_CLASS (vigil_risk_section_parent_class)->dispose (object);
}

static void
vigil_risk_section_class_init (VigilRiskSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_risk_section_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-risk-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilRiskSection, facts_list);
}

static GtkWidget *
add_fact_row (VigilRiskSection  *self,
              const char        *title,
              GtkLabel         **value)
{
  GtkWidget *row = vigil_section_new_text_row ();

  *value = GTK_LABEL (vigil_section_new_suffix_label (NULL));
  vigil_section_text_row_set (row, title, NULL);
  vigil_section_text_row_add_suffix (row, GTK_WIDGET (*value));
  gtk_list_box_append (self->facts_list, row);
  return row;
}

static void
vigil_risk_section_init (VigilRiskSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->churn_row = add_fact_row (self, _("Churn Risk"), &self->churn_label);
  self->mrr_row = add_fact_row (self, _("Monthly Recurring Revenue"), &self->mrr_label);
  self->renewal_row = add_fact_row (self, _("Renewal"), &self->renewal_label);
  self->seats_row = add_fact_row (self, _("Seat Use"), &self->seats_label);
  self->active_row = add_fact_row (self, _("Last Active"), &self->active_label);
}
