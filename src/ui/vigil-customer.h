/* vigil-customer.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-core.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_CUSTOMER (vigil_customer_get_type ())

/* The texts a customer sorts by. */
typedef enum
{
  VIGIL_CUSTOMER_NAME,
  VIGIL_CUSTOMER_OWNER,
  VIGIL_CUSTOMER_SEGMENT,
  VIGIL_CUSTOMER_PLAN,
  VIGIL_CUSTOMER_N_TEXTS
} VigilCustomerText;

G_DECLARE_FINAL_TYPE (VigilCustomer, vigil_customer, VIGIL, CUSTOMER, GObject)

/* All a customer knows, read with the book (vigil_customer_data_new()). */
typedef struct _VigilCustomerData VigilCustomerData;

/* One of a customer's texts, such as vigil_customer_get_owner(). */
typedef const char *(*VigilCustomerGetText) (VigilCustomer *self);

GHashTable              *vigil_customer_new_shared_keys    (void);
VigilCustomerData       *vigil_customer_data_new           (VigilPortfolioRow   *row,
                                                            double               churn_risk,
                                                            VigilChurnModel     *churn_model,
                                                            guint                open_triggers,
                                                            const VigilSparkline *sparkline,
                                                            const char          *touch_texts,
                                                            GHashTable          *shared_keys);
gint64                   vigil_customer_data_get_store_id  (const VigilCustomerData *data);
void                     vigil_customer_data_free          (VigilCustomerData   *data);
VigilCustomer           *vigil_customer_new                (VigilCustomerData   *data);
VigilCustomerData       *vigil_customer_take_data          (VigilCustomer       *self,
                                                            VigilCustomerData   *data);
const VigilPortfolioRow *vigil_customer_get_row            (VigilCustomer       *self);
gint64                   vigil_customer_get_store_id       (VigilCustomer       *self);
const char              *vigil_customer_get_id             (VigilCustomer       *self);
const char              *vigil_customer_get_name           (VigilCustomer       *self);
const char              *vigil_customer_get_display_name   (VigilCustomer       *self);
const char              *vigil_customer_get_owner          (VigilCustomer       *self);
const char              *vigil_customer_get_segment        (VigilCustomer       *self);
const char              *vigil_customer_get_plan           (VigilCustomer       *self);
double                   vigil_customer_get_health         (VigilCustomer       *self);
VigilTier                vigil_customer_get_tier           (VigilCustomer       *self);
double                   vigil_customer_get_trend          (VigilCustomer       *self);
double                   vigil_customer_get_churn_risk     (VigilCustomer       *self);
const char * const      *vigil_customer_get_churn_factors  (VigilCustomer       *self);
double                   vigil_customer_get_mrr            (VigilCustomer       *self);
double                   vigil_customer_get_at_stake       (VigilCustomer       *self);
gboolean                 vigil_customer_in_book            (VigilCustomer       *self,
                                                            VigilBook            book);
gint32                   vigil_customer_get_renewal_day    (VigilCustomer       *self);
double                   vigil_customer_get_seat_use       (VigilCustomer       *self);
gint64                   vigil_customer_get_last_active    (VigilCustomer       *self);
gint64                   vigil_customer_get_last_touch     (VigilCustomer       *self);
guint                    vigil_customer_get_open_triggers  (VigilCustomer       *self);
gboolean                 vigil_customer_set_open_triggers  (VigilCustomer       *self,
                                                            guint                open_triggers);
const double            *vigil_customer_get_sparkline      (VigilCustomer       *self,
                                                            guint               *out_n);
void                     vigil_customer_set_sparkline      (VigilCustomer       *self,
                                                            const VigilSparkline *sparkline);
const char              *vigil_customer_get_sort_key       (VigilCustomer       *self,
                                                            VigilCustomerText    text);
gboolean                 vigil_customer_matches            (VigilCustomer       *self,
                                                            const char          *folded_query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilCustomerData, vigil_customer_data_free)

G_END_DECLS
