/* vigil-customer-page.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_CUSTOMER_PAGE (vigil_customer_page_get_type ())

G_DECLARE_FINAL_TYPE (VigilCustomerPage, vigil_customer_page, VIGIL, CUSTOMER_PAGE, AdwBin)

void        vigil_customer_page_set_portfolio (VigilCustomerPage *self,
                                               VigilPortfolio    *portfolio);
void        vigil_customer_page_show          (VigilCustomerPage *self,
                                               VigilCustomer     *customer);
gboolean    vigil_customer_page_is_filled     (VigilCustomerPage *self);
const char *vigil_customer_page_get_title     (VigilCustomerPage *self);
VigilCustomer *vigil_customer_page_get_customer  (VigilCustomerPage *self);
void        vigil_customer_page_follow_merge  (VigilCustomerPage *self,
                                               gint64             absorbed,
                                               gint64             survivor);
GtkWidget  *vigil_customer_page_get_breakdown (VigilCustomerPage *self);

G_END_DECLS
