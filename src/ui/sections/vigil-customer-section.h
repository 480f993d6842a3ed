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

/**
 * VigilSectionRowKind:
 * @new_row: makes a row of the kind, a #GtkListBoxRow, given the
 *   user_data of vigil_section_rows_begin()
 *
 * A kind of row a section keeps from one customer to the next
 * (vigil_section_rows_next()); each kind is one static instance.
 */
typedef struct
{
  GtkWidget *(*new_row) (gpointer user_data);
} VigilSectionRowKind;

/* A list's rows as a section lists them anew: begin, a next row for each
 * shown, end. */
typedef struct
{
  GtkListBox *list;
  GtkWidget  *next;
  gpointer    user_data;
} VigilSectionRows;

void          vigil_section_rows_begin             (VigilSectionRows          *rows,
                                                    GtkListBox                *list,
                                                    gpointer                   user_data);
GtkWidget    *vigil_section_rows_next              (VigilSectionRows          *rows,
                                                    const VigilSectionRowKind *kind);
void          vigil_section_rows_end               (VigilSectionRows          *rows);
GtkWidget    *vigil_section_rows_add_text          (VigilSectionRows          *rows,
                                                    const char                *title,
                                                    const char                *subtitle,
                                                    const char                *suffix,
                                                    gboolean                   dim);
void          vigil_section_rows_add_placeholder   (VigilSectionRows          *rows,
                                                    const char                *text);
void          vigil_section_rows_add_spinner       (VigilSectionRows          *rows,
                                                    const char                *tooltip);
void          vigil_section_show_placeholder       (GtkListBox                *list,
                                                    const char                *text);

/* What the sections build their rows with */
GtkWidget    *vigil_section_new_text_row           (void);
void          vigil_section_text_row_set           (GtkWidget           *row,
                                                    const char          *title,
                                                    const char          *subtitle);
void          vigil_section_text_row_set_subtitle  (GtkWidget           *row,
                                                    const char          *subtitle);
void          vigil_section_text_row_add_suffix    (GtkWidget           *row,
                                                    GtkWidget           *suffix);
const char   *vigil_section_text_row_get_title     (GtkWidget           *row);
const char   *vigil_section_text_row_get_subtitle  (GtkWidget           *row);
void          vigil_section_dispose_template       (AdwBin              *section,
                                                    GType                type);
gint64        vigil_section_get_now                (void);
GtkWidget    *vigil_section_new_suffix_label       (const char          *text);
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
