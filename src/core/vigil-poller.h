/* vigil-poller.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-ingest.h"
#include "vigil-poll-census.h"
#include "vigil-preview.h"
#include "vigil-secrets.h"
#include "vigil-source.h"
#include "vigil-store.h"

G_BEGIN_DECLS

/* A poll of more pages than this is refused as runaway pagination. */
#define VIGIL_POLLER_MAX_PAGES 10000

/**
 * VigilPollResult:
 * @stats: what was read and stored
 * @pages: pages fetched
 * @details: per-customer detail responses applied
 * @max_in_flight: the most detail requests that were out at once
 * @not_modified: the endpoint said nothing changed since the last poll
 *   (HTTP 304 to a conditional request): nothing new to store
 * @census: what the poll brought, to compare with the previous poll
 *   (design 2.5)
 */
typedef struct
{
  VigilIngestStats stats;
  guint            pages;
  guint            details;
  guint            max_in_flight;
  gboolean         not_modified;
  VigilPollCensus  census;
} VigilPollResult;

char     *vigil_poll_result_describe (const VigilPollResult *result);
gboolean  vigil_poll_record_outcome  (VigilStore            *store,
                                      VigilSource           *source,
                                      gint64                 now,
                                      const VigilPollResult *result,
                                      const char            *error_message,
                                      gboolean              *out_became_suspect,
                                      GError               **error);

#define VIGIL_TYPE_POLLER (vigil_poller_get_type ())

G_DECLARE_FINAL_TYPE (VigilPoller, vigil_poller, VIGIL, POLLER, GObject)

VigilPoller *vigil_poller_new         (void);
void         vigil_poller_set_retries (VigilPoller          *self,
                                       guint                 max_retries,
                                       guint                 base_delay_ms);
void         vigil_poller_set_max_pages (VigilPoller        *self,
                                         guint               max_pages);
void         vigil_poller_set_now     (VigilPoller          *self,
                                       gint64                now);
void         vigil_poller_set_tls_database (VigilPoller     *self,
                                            GTlsDatabase    *database);
void         vigil_poller_poll_async  (VigilPoller          *self,
                                       VigilStore           *store,
                                       VigilSource          *source,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean     vigil_poller_poll_finish (VigilPoller          *self,
                                       GAsyncResult         *result,
                                       VigilPollResult      *out_result,
                                       GError              **error);
void         vigil_poller_preview_async  (VigilPoller       *self,
                                          VigilSource       *source,
                                          const char        *database,
                                          const VigilGivenSecrets *given,
                                          GCancellable      *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer           user_data);
VigilPreview *vigil_poller_preview_finish (VigilPoller      *self,
                                           GAsyncResult     *result,
                                           GError          **error);

G_END_DECLS
