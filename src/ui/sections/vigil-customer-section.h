/* vigil-customer-section.h: a part of the customer page
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-chart-view.h"
#include "vigil-customer-history.h"
#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_CUSTOMER_SECTION (vigil_customer_section_get_type ())

G_DECLARE_INTERFACE (VigilCustomerSection, vigil_customer_section, VIGIL, CUSTOMER_SECTION, GtkWidget)

/**
 * VigilCustomerSectionInterface:
 * @show: shows @customer (required). @history is %NULL while the
 *   customer's history loads; the page calls it again once it is in, and
 *   again with a new customer object after every reload of the portfolio.
 * @forget: a different customer comes next: put back what the user
 *   opened or scrolled (optional).
 * @history_failed: the history could not be read; @message says why in
 *   plain text (optional; the page shows it as a toast too).
 *
 * A section keeps what it needs of @portfolio and @customer; to say
 * something to the user it emits ::show-toast
 * (vigil_customer_section_toast()).
 */
struct _VigilCustomerSectionInterface
{
  GTypeInterface parent_iface;

  void (*show)           (VigilCustomerSection *self,
                          VigilPortfolio       *portfolio,
                          VigilCustomer        *customer,
                          VigilCustomerHistory *history);
  void (*forget)         (VigilCustomerSection *self);
  void (*history_failed) (VigilCustomerSection *self,
                          const char           *message);
};

void vigil_customer_section_show           (VigilCustomerSection *self,
                                            VigilPortfolio       *portfolio,
                                            VigilCustomer        *customer,
                                            VigilCustomerHistory *history);
void vigil_customer_section_forget         (VigilCustomerSection *self);
void vigil_customer_section_history_failed (VigilCustomerSection *self,
                                            const char           *message);
void vigil_customer_section_toast          (VigilCustomerSection *self,
                                            const char           *message);

/* What the sections build their rows with */
void          vigil_section_dispose_template       (AdwBin              *section,
                                                    GType                type);
gint64        vigil_section_get_now                (void);
AdwActionRow *vigil_section_new_row                (const char          *title,
                                                    const char          *subtitle);
GtkWidget    *vigil_section_new_suffix_label       (const char          *text);
void          vigil_section_clear_list             (GtkListBox          *list);
void          vigil_section_add_placeholder_row    (GtkListBox          *list,
                                                    const char          *text);
void          vigil_section_add_spinner_row        (GtkListBox          *list,
                                                    const char          *tooltip);
void          vigil_section_set_group_description  (AdwPreferencesGroup *group,
                                                    const char          *text);
GPtrArray    *vigil_section_list_triggers          (VigilPortfolio      *portfolio,
                                                    gint64               customer_id);

/* What the chart sections share */
GtkWidget    *vigil_section_new_chart              (const char            *accessible_label,
                                                    int                    height);
void          vigil_section_clear_chart            (VigilChartView        *chart);
int           vigil_section_chart_index_at         (VigilCustomerHistory  *history,
                                                    GArray                *values,
                                                    double                 x,
                                                    double                 width,
                                                    double                 height,
                                                    const VigilChartStyle *style);
gboolean      vigil_section_has_values             (GArray                *values);
char         *vigil_section_describe_series        (GArray                *values,
                                                    GArray                *times,
                                                    const char            *what);

G_END_DECLS
