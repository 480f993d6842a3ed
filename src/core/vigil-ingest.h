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
 * VigilMergeRule:
 * @VIGIL_MERGE_LAST: the last record that gives the field (the default)
 * @VIGIL_MERGE_FIRST: the first record that gives it
 * @VIGIL_MERGE_SUM: the sum of those that give it
 * @VIGIL_MERGE_MAX: the largest (or latest) given
 * @VIGIL_MERGE_MIN: the smallest (or earliest) given
 *
 * How records of one poll or import that share an id (and time) make
 * one row, field by field (design 2.5): a mapping's `merge` member.
 */
typedef enum
{
  VIGIL_MERGE_LAST,
  VIGIL_MERGE_FIRST,
  VIGIL_MERGE_SUM,
  VIGIL_MERGE_MAX,
  VIGIL_MERGE_MIN,
} VigilMergeRule;

/* Room for the first unusable value in words, cut at a character. */
#define VIGIL_INGEST_EXAMPLE_SIZE 320

/**
 * VigilIngestStats:
 * @records_read: records found in the input
 * @stored: snapshots newly stored (and scored)
 * @duplicates: snapshots already stored before (same customer and time)
 * @skipped: records without a usable id, not stored
 * @unknown_values: values given but unusable, stored as unknown
 * @triggers_opened: trigger episodes that opened after it was stored
 * @repeated: records that repeated the id (and time) of a record read
 *   before in the same ingest, combined with it rather than stored
 * @merge: how they were combined, field by field
 * @unusable_example: the first unusable value that a mapping's rule
 *   described (field, where, value, why), "" if none
 * @bulk: written without the write-ahead log, into a database that held
 *   no history (design 2.5)
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
  guint64 repeated;
  VigilMergeRule merge[VIGIL_N_FIELDS];
  char    unusable_example[VIGIL_INGEST_EXAMPLE_SIZE];
  gboolean bulk;
} VigilIngestStats;

#define VIGIL_TYPE_INGEST (vigil_ingest_get_type ())

G_DECLARE_FINAL_TYPE (VigilIngest, vigil_ingest, VIGIL, INGEST, GObject)

gboolean                vigil_merge_rule_parse   (VigilField            field,
                                                  const char           *name,
                                                  VigilMergeRule       *out_rule,
                                                  GError              **error);
const char             *vigil_merge_rule_get_name (VigilMergeRule       rule);

VigilIngest            *vigil_ingest_begin       (VigilStore           *store,
                                                  const char           *source_name,
                                                  gint64                default_observed_at,
                                                  GError              **error);
VigilIngest            *vigil_ingest_begin_bulk  (VigilStore           *store,
                                                  const char           *source_name,
                                                  gint64                default_observed_at,
                                                  GError              **error);
gboolean                vigil_ingest_is_bulk     (VigilIngest          *self);
void                    vigil_ingest_set_merge   (VigilIngest          *self,
                                                  const VigilMergeRule *merge);
gboolean                vigil_ingest_add         (VigilIngest          *self,
                                                  VigilSnapshot        *snapshot,
                                                  GError              **error);
void                    vigil_ingest_write_now   (VigilIngest          *self);
gboolean                vigil_ingest_commit      (VigilIngest          *self,
                                                  GError              **error);
void                    vigil_ingest_abort       (VigilIngest          *self);
const VigilIngestStats *vigil_ingest_get_stats   (VigilIngest          *self);
char                   *vigil_ingest_stats_describe_repeats (const VigilIngestStats *stats);
char                   *vigil_ingest_stats_describe_notes   (const VigilIngestStats *stats);

G_END_DECLS
