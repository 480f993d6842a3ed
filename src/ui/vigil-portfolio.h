/* vigil-portfolio.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-core.h"
#include "vigil-customer.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_PORTFOLIO (vigil_portfolio_get_type ())

G_DECLARE_FINAL_TYPE (VigilPortfolio, vigil_portfolio, VIGIL, PORTFOLIO, GObject)

/* Work done on a worker thread with the thread's own store connection. */
typedef gpointer (*VigilPortfolioWork) (VigilStore  *store,
                                        gpointer     data,
                                        GError     **error);

VigilPortfolio  *vigil_portfolio_new                 (const char          *db_path);
const char      *vigil_portfolio_get_db_path         (VigilPortfolio      *self);
GListModel      *vigil_portfolio_get_customers       (VigilPortfolio      *self);
GPtrArray       *vigil_portfolio_get_triggers        (VigilPortfolio      *self);
GPtrArray       *vigil_portfolio_get_sources         (VigilPortfolio      *self);
VigilScorecard  *vigil_portfolio_get_scorecard       (VigilPortfolio      *self);
GArray          *vigil_portfolio_get_average_health  (VigilPortfolio      *self);
void             vigil_portfolio_hold_trend          (VigilPortfolio      *self);
void             vigil_portfolio_release_trend       (VigilPortfolio      *self);
gint64           vigil_portfolio_get_latest_time     (VigilPortfolio      *self);
gboolean         vigil_portfolio_is_loaded           (VigilPortfolio      *self);
gboolean         vigil_portfolio_is_polling          (VigilPortfolio      *self);
gboolean         vigil_portfolio_is_reading          (VigilPortfolio      *self);
gboolean         vigil_portfolio_has_sparklines      (VigilPortfolio      *self);
void             _vigil_portfolio_set_sparklines_after (VigilPortfolio    *self,
                                                        guint              min_customers);
GPtrArray       *vigil_portfolio_list_texts      (VigilPortfolio      *self,
                                                      VigilCustomerGetText get);
VigilCustomer   *vigil_portfolio_find_customer       (VigilPortfolio      *self,
                                                      gint64               store_id);
void             vigil_portfolio_reload              (VigilPortfolio      *self);
void             vigil_portfolio_start_polling       (VigilPortfolio      *self);
void             vigil_portfolio_poll_now            (VigilPortfolio      *self,
                                                      const char          *source_name);
void             vigil_portfolio_run_async           (VigilPortfolio      *self,
                                                      VigilPortfolioWork   work,
                                                      gpointer             data,
                                                      GDestroyNotify       data_free,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
void             vigil_portfolio_run_async_full      (VigilPortfolio      *self,
                                                      VigilPortfolioWork   work,
                                                      gpointer             data,
                                                      GDestroyNotify       data_free,
                                                      GDestroyNotify       result_free,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gpointer         vigil_portfolio_run_finish          (VigilPortfolio      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void             vigil_portfolio_add_source_async    (VigilPortfolio      *self,
                                                      const VigilSource   *source,
                                                      const VigilGivenSecrets *secrets,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
char            *vigil_portfolio_add_source_finish   (VigilPortfolio      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void             vigil_portfolio_set_trigger_state_async (VigilPortfolio      *self,
                                                          gint64               id,
                                                          const char          *state,
                                                          const char          *until,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);

G_END_DECLS
