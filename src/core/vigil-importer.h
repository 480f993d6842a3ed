/* vigil-importer.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-ingest.h"
#include "vigil-mapping.h"
#include "vigil-preview.h"
#include "vigil-store.h"

G_BEGIN_DECLS

typedef enum
{
  VIGIL_IMPORT_FORMAT_AUTO,
  VIGIL_IMPORT_FORMAT_JSON,
  VIGIL_IMPORT_FORMAT_JSON_LINES,
  VIGIL_IMPORT_FORMAT_CSV,
} VigilImportFormat;

#define VIGIL_IMPORTER_DEFAULT_SOURCE "imported"

#define VIGIL_TYPE_IMPORTER (vigil_importer_get_type ())

G_DECLARE_FINAL_TYPE (VigilImporter, vigil_importer, VIGIL, IMPORTER, GObject)

VigilImporter     *vigil_importer_new           (VigilStore         *store);
void               vigil_importer_set_source    (VigilImporter      *self,
                                                 const char         *source_name);
void               vigil_importer_set_format    (VigilImporter      *self,
                                                 VigilImportFormat   format);
void               vigil_importer_set_mapping   (VigilImporter      *self,
                                                 VigilMapping       *mapping);
gboolean           vigil_importer_import_file   (VigilImporter      *self,
                                                 GFile              *file,
                                                 GCancellable       *cancellable,
                                                 VigilIngestStats   *out_stats,
                                                 GError            **error);
VigilImportFormat  vigil_importer_detect_format (const char         *head,
                                                 gsize               length,
                                                 const char         *filename);
const char        *vigil_import_format_get_name (VigilImportFormat   format);

VigilPreviewRecords *vigil_import_preview_csv        (GFile               *file,
                                                      VigilMapping        *mapping,
                                                      guint                max_rows,
                                                      guint                max_kept,
                                                      GCancellable        *cancellable,
                                                      GError             **error);
void                 vigil_import_preview_csv_async  (GFile               *file,
                                                      VigilMapping        *mapping,
                                                      guint                max_rows,
                                                      guint                max_kept,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
VigilPreviewRecords *vigil_import_preview_csv_finish (GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
