/* vigil-ingest.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "vigil-snapshot.h"
#include "vigil-store.h"

G_BEGIN_DECLS

/**
 * VigilIngestStats:
 * @records_read: records found in the input
 * @stored: snapshots newly stored (and scored)
 * @duplicates: snapshots already stored before (same customer and time)
 * @skipped: records without a usable id, not stored
 * @unknown_values: values given but unusable, stored as unknown
 * @triggers_opened: trigger episodes that opened after it was stored
 *
 * What one import or poll did, for the summary the user sees.
 */
typedef struct
{
  guint64 records_read;
  guint64 stored;
  guint64 duplicates;
  guint64 skipped;
  guint64 unknown_values;
  guint64 triggers_opened;
} VigilIngestStats;

#define VIGIL_TYPE_INGEST (vigil_ingest_get_type ())

G_DECLARE_FINAL_TYPE (VigilIngest, vigil_ingest, VIGIL, INGEST, GObject)

VigilIngest            *vigil_ingest_begin       (VigilStore           *store,
                                                  const char           *source_name,
                                                  gint64                default_observed_at,
                                                  GError              **error);
gboolean                vigil_ingest_add         (VigilIngest          *self,
                                                  VigilSnapshot        *snapshot,
                                                  GError              **error);
gboolean                vigil_ingest_commit      (VigilIngest          *self,
                                                  GError              **error);
void                    vigil_ingest_abort       (VigilIngest          *self);
const VigilIngestStats *vigil_ingest_get_stats   (VigilIngest          *self);

G_END_DECLS
