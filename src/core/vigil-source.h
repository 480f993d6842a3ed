/* vigil-source.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VIGIL_SOURCE_DEFAULT_INTERVAL_MIN 60
#define VIGIL_SOURCE_DEFAULT_TIMEOUT_S 30
#define VIGIL_SOURCE_DEFAULT_CONCURRENCY 6
#define VIGIL_SOURCE_DEFAULT_MAX_BYTES (G_GINT64_CONSTANT (64) * 1024 * 1024)
#define VIGIL_SOURCE_DEFAULT_MAX_RECORDS G_GINT64_CONSTANT (1000000)

/**
 * VigilSource:
 * @id: the store's id (0 before it is added)
 * @name: unique name
 * @url: the usage endpoint (http or https), %NULL for a file source
 * @mapping: (nullable): the mapping as JSON (design 2.2), %NULL for native
 * @max_bytes: the largest answer accepted
 * @max_records: the most records one poll may read, all pages together
 * @token_env: (nullable): the environment variable holding a bearer token
 *   (the token itself is never stored)
 * @last_poll_at: when it was last polled, or 0
 * @last_ok: whether that poll succeeded
 * @last_error: (nullable): why it failed
 * @last_summary: (nullable): what it read and stored
 * @next_due: when it is next due, or 0
 * @failures: polls failed in a row (for backing off)
 * @keyring_token: a bearer token for it is in the keyring
 * @header_names: (nullable): extra request headers, whose values are in
 *   the keyring
 * @query_secret_names: (nullable): query parameters added to each
 *   request on the source's origin, whose values are in the keyring
 * @query_secret_env: (nullable): query parameters added likewise, as
 *   "NAME=VAR": the value is in environment variable VAR
 * @suspect_since: when the source became suspect (design 2.5), 0 when
 *   its last successful poll was normal
 * @suspect_records: the records of the last successful poll when they
 *   were fewer than half the previous poll's, else -1
 * @suspect_previous_records: the previous poll's records then, else -1
 * @suspect_fields: (nullable): the fields the last successful poll knew
 *   on no record where the previous one knew them on some
 * @stalled_polls: successful polls in a row that brought nothing new
 *
 * A source of usage data and how it was last polled.
 */
typedef struct
{
  gint64    id;
  char     *name;
  char     *url;
  char     *mapping;
  guint     interval_min;
  guint     timeout_s;
  guint     concurrency;
  gint64    max_bytes;
  gint64    max_records;
  char     *token_env;
  gint64    last_poll_at;
  gboolean  last_ok;
  char     *last_error;
  char     *last_summary;
  gint64    next_due;
  guint     failures;
  gboolean  keyring_token;
  GStrv     header_names;
  GStrv     query_secret_names;
  GStrv     query_secret_env;
  gint64    suspect_since;
  gint64    suspect_records;
  gint64    suspect_previous_records;
  GStrv     suspect_fields;
  guint     stalled_polls;
} VigilSource;

VigilSource *vigil_source_new      (const char   *name,
                                    const char   *url);
void         vigil_source_free     (VigilSource  *self);
VigilSource *vigil_source_copy     (const VigilSource *self);
gboolean     vigil_source_validate (VigilSource  *self,
                                    GError      **error);
gboolean     vigil_source_split_query_secret_env (const char  *entry,
                                                  char       **out_name,
                                                  char       **out_variable);
void         vigil_source_set_outcome (VigilSource *self,
                                       gint64       now,
                                       const char  *summary,
                                       const char  *error_message);
gboolean     vigil_source_is_suspect  (const VigilSource *self);
gboolean     vigil_source_is_due      (const VigilSource *self,
                                       gint64             now);
char        *vigil_source_describe_suspect (const VigilSource *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilSource, vigil_source_free)

G_END_DECLS
