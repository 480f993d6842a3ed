/* vigil-ingest-private.h: what the importer asks of an ingest
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-feature-names.h"
#include "vigil-ingest.h"

G_BEGIN_DECLS

/* Rows written together, sorted (vigil-ingest.c): tests cross batches.
 * Two batches are most of an import's memory; 9 × 16 Ki rows leaves the
 * import's parsing room under the 100 MB of design 7. */
#define VIGIL_INGEST_BATCH_ROWS 147456
/* Records whose states an ingest gathers before it writes them (and a
 * bulk import's have stored keys): tests cross generations. */
#define VIGIL_INGEST_MAX_CUSTOMER_STATES 65536
/* Records of a native import that the caller parses in one chunk, and
 * that a chunk of the helper's holds (vigil-importer.c, design 7), by
 * format: tests cross chunks. */
#define VIGIL_IMPORT_JSON_LINES_CALLER_LINES 512
#define VIGIL_IMPORT_JSON_LINES_HELPER_LINES 768
#define VIGIL_IMPORT_CSV_CALLER_LINES 256
#define VIGIL_IMPORT_CSV_HELPER_LINES 1024

VigilFeatureNames *_vigil_ingest_get_feature_names (VigilIngest    *self);
gboolean           _vigil_ingest_add_kept          (VigilIngest    *self,
                                                    VigilSnapshot  *snapshot,
                                                    GError        **error);

VigilIngest *_vigil_ingest_begin_within  (VigilStore     *store,
                                          const char     *source_name,
                                          gint64          default_observed_at,
                                          GError        **error);
gboolean     _vigil_ingest_finish_within (VigilIngest    *self,
                                          GError        **error);

G_END_DECLS
