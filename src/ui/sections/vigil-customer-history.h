/* vigil-customer-history.h: one customer's stored history, as the
 * customer page's sections read it
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-core.h"

G_BEGIN_DECLS

/**
 * VigilCustomerHistory:
 * @customer_id: whose history it is
 * @rows: (element-type VigilHistoryRow): the snapshots and their scores,
 *   oldest first
 * @outcomes: (element-type utf8): "YYYY-MM-DD outcome", oldest first
 * @records: (element-type VigilRecordRow): the account's records
 * @times: (element-type gint64): each row's observed_at
 * @health: (element-type double): each row's health, NAN when unscored
 * @calls: (element-type double): each row's API calls in 7 days, NAN when
 *   unknown
 * @seats_used: (element-type double): each row's seats used, NAN when
 *   unknown
 *
 * Read once off the main thread and shared, read only, by every section
 * (reference counted).
 */
typedef struct
{
  gint64     customer_id;
  GPtrArray *rows;
  GPtrArray *outcomes;
  GPtrArray *records;
  GArray    *times;
  GArray    *health;
  GArray    *calls;
  GArray    *seats_used;
} VigilCustomerHistory;

VigilCustomerHistory *vigil_customer_history_load   (VigilStore                 *store,
                                                     gint64                      customer_id,
                                                     GError                    **error);
VigilCustomerHistory *vigil_customer_history_ref    (VigilCustomerHistory       *history);
void                  vigil_customer_history_unref  (VigilCustomerHistory       *history);
GArray               *vigil_customer_history_get_latest_features (VigilCustomerHistory *history,
                                                                  const VigilSnapshot  *latest);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilCustomerHistory, vigil_customer_history_unref)

G_END_DECLS
