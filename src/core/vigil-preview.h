/* vigil-preview.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vigil-mapping.h"
#include "vigil-snapshot.h"

G_BEGIN_DECLS

#define VIGIL_PREVIEW_ERROR (vigil_preview_error_quark ())

/**
 * VigilPreviewError:
 * @VIGIL_PREVIEW_ERROR_TOKEN: the server refused the credentials (401, 403)
 * @VIGIL_PREVIEW_ERROR_ADDRESS: nothing at that address (404, 410, no such host)
 * @VIGIL_PREVIEW_ERROR_CONNECT: no connection (refused, unreachable)
 * @VIGIL_PREVIEW_ERROR_TIMEOUT: no complete answer in time
 * @VIGIL_PREVIEW_ERROR_TLS: the server's certificate is not trusted
 * @VIGIL_PREVIEW_ERROR_SERVER: the server failed (5xx)
 * @VIGIL_PREVIEW_ERROR_REFUSED: another refusal (400, 405, 429…)
 * @VIGIL_PREVIEW_ERROR_HTML: the answer is a web page, not JSON
 * @VIGIL_PREVIEW_ERROR_NOT_JSON: the answer is not JSON
 * @VIGIL_PREVIEW_ERROR_FAILED: anything else, in the poll's own words
 *
 * Why a first page could not be looked at, for a person who does not
 * read HTTP: each message says what to check, then the poll's own words.
 */
typedef enum
{
  VIGIL_PREVIEW_ERROR_TOKEN,
  VIGIL_PREVIEW_ERROR_ADDRESS,
  VIGIL_PREVIEW_ERROR_CONNECT,
  VIGIL_PREVIEW_ERROR_TIMEOUT,
  VIGIL_PREVIEW_ERROR_TLS,
  VIGIL_PREVIEW_ERROR_SERVER,
  VIGIL_PREVIEW_ERROR_REFUSED,
  VIGIL_PREVIEW_ERROR_HTML,
  VIGIL_PREVIEW_ERROR_NOT_JSON,
  VIGIL_PREVIEW_ERROR_FAILED,
} VigilPreviewError;

GQuark vigil_preview_error_quark (void);

/**
 * VigilPreviewRecords:
 * @snapshots: of #VigilSnapshot: the page's first records with a usable
 *   id, as a poll would store them
 * @records: records on the page
 * @skipped: of them, without a usable id (a poll skips them)
 * @unknown_values: values given but unusable, all records together
 * @first_record: (nullable): the page's first record as the answer
 *   gave it (arrays cut short as in the preview's sample)
 *
 * The records of a first page, read with one mapping.
 */
typedef struct
{
  GPtrArray *snapshots;
  guint64    records;
  guint64    skipped;
  guint64    unknown_values;
  JsonNode  *first_record;
} VigilPreviewRecords;

void vigil_preview_records_free (VigilPreviewRecords *records);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilPreviewRecords, vigil_preview_records_free)

/**
 * VigilCsvHead:
 * @columns: of char *: the header's column names, trimmed
 * @rows: of #GStrv: the first rows, a cell for each column
 * @delimiter: the delimiter the header uses (',', ';' or tab)
 * @decimal: the decimal mark the numbers in those rows are written
 *   with, '.' or ','
 *
 * The start of a CSV file, for a person to say which column is what.
 */
typedef struct
{
  GPtrArray *columns;
  GPtrArray *rows;
  char       delimiter;
  char       decimal;
} VigilCsvHead;

gboolean      vigil_json_holds_records (JsonNode *node);
gboolean      vigil_json_holds_link    (JsonNode *node);

VigilCsvHead *vigil_csv_head_read (GFile         *file,
                                   guint          max_rows,
                                   GCancellable  *cancellable,
                                   GError       **error);
void          vigil_csv_head_free (VigilCsvHead  *head);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilCsvHead, vigil_csv_head_free)

#define VIGIL_TYPE_PREVIEW (vigil_preview_get_type ())

G_DECLARE_FINAL_TYPE (VigilPreview, vigil_preview, VIGIL, PREVIEW, GObject)

VigilPreview        *vigil_preview_new_from_bytes (const char           *url,
                                                   GBytes               *body,
                                                   const char           *content_type,
                                                   const char           *link_next,
                                                   gint64                fetched_at,
                                                   GError              **error);
const char          *vigil_preview_get_url        (VigilPreview         *self);
JsonNode            *vigil_preview_get_sample     (VigilPreview         *self);
gboolean             vigil_preview_is_cut         (VigilPreview         *self);
const char          *vigil_preview_get_link_next  (VigilPreview         *self);
gint64               vigil_preview_get_fetched_at (VigilPreview         *self);
char                *vigil_preview_find_records   (VigilPreview         *self);
VigilPreviewRecords *vigil_preview_read           (VigilPreview         *self,
                                                   VigilMapping         *mapping,
                                                   guint                 max_kept,
                                                   GError              **error);
void                 vigil_preview_read_async     (VigilPreview         *self,
                                                   VigilMapping         *mapping,
                                                   guint                 max_kept,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
VigilPreviewRecords *vigil_preview_read_finish    (VigilPreview         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
