/* vigil-mapping-draft.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "vigil-mapping.h"
#include "vigil-preview.h"
#include "vigil-snapshot.h"

G_BEGIN_DECLS

/**
 * VigilTransform:
 * @VIGIL_TRANSFORM_NONE: the value as it is
 * @VIGIL_TRANSFORM_CENTS: a number in cents: × 0.01 (`"scale": 0.01`)
 * @VIGIL_TRANSFORM_EPOCH_MS: Unix time in milliseconds (`"time": "epoch-ms"`)
 * @VIGIL_TRANSFORM_EPOCH_S: Unix time in seconds (`"time": "epoch-s"`)
 * @VIGIL_TRANSFORM_TIME_FORMAT: a time written in a format of its own
 *   (`"time": "%d/%m/%Y %H:%M"`)
 * @VIGIL_TRANSFORM_LOWER: text lower-cased (a key: `"lower": true`)
 *
 * What is done to a value before it becomes a field (design 2.2).
 */
typedef enum
{
  VIGIL_TRANSFORM_NONE,
  VIGIL_TRANSFORM_CENTS,
  VIGIL_TRANSFORM_EPOCH_MS,
  VIGIL_TRANSFORM_EPOCH_S,
  VIGIL_TRANSFORM_TIME_FORMAT,
  VIGIL_TRANSFORM_LOWER,
} VigilTransform;

/**
 * VigilFieldChoice:
 * @field: the native field a value may fill
 * @transform: what is done to it first
 * @time_format: (nullable): for %VIGIL_TRANSFORM_TIME_FORMAT
 *
 * One way a value of a record can become a field.
 */
typedef struct
{
  VigilField      field;
  VigilTransform  transform;
  char           *time_format;
} VigilFieldChoice;

void vigil_field_choice_free (VigilFieldChoice *choice);

GPtrArray *vigil_field_choices_for_value (JsonNode   *value);
GPtrArray *vigil_field_choices_for_cell  (const char *cell,
                                          char        decimal);

#define VIGIL_TYPE_MAPPING_DRAFT (vigil_mapping_draft_get_type ())

G_DECLARE_FINAL_TYPE (VigilMappingDraft, vigil_mapping_draft, VIGIL, MAPPING_DRAFT, GObject)

VigilMappingDraft    *vigil_mapping_draft_new              (void);
VigilMappingDraft    *vigil_mapping_draft_new_guessed      (VigilPreview          *preview);
VigilMappingDraft    *vigil_mapping_draft_new_csv          (const VigilCsvHead    *head);
gboolean              vigil_mapping_draft_is_csv           (VigilMappingDraft     *self);
void                  vigil_mapping_draft_set_decimal      (VigilMappingDraft     *self,
                                                            char                   decimal);
char                  vigil_mapping_draft_get_decimal      (VigilMappingDraft     *self);
const char           *vigil_mapping_draft_get_records      (VigilMappingDraft     *self);
void                  vigil_mapping_draft_set_records      (VigilMappingDraft     *self,
                                                            const char            *pointer);
void                  vigil_mapping_draft_assign           (VigilMappingDraft     *self,
                                                            const char            *pointer,
                                                            const VigilFieldChoice *choice);
void                  vigil_mapping_draft_unassign         (VigilMappingDraft     *self,
                                                            const char            *pointer);
void                  vigil_mapping_draft_clear_field      (VigilMappingDraft     *self,
                                                            VigilField             field);
const char           *vigil_mapping_draft_get_pointer      (VigilMappingDraft     *self,
                                                            VigilField             field);
const VigilFieldChoice *vigil_mapping_draft_lookup         (VigilMappingDraft     *self,
                                                            const char            *pointer);
void                  vigil_mapping_draft_set_pagination   (VigilMappingDraft     *self,
                                                            VigilPaginationStyle   style,
                                                            const char            *pointer);
VigilPaginationStyle  vigil_mapping_draft_get_pagination   (VigilMappingDraft     *self,
                                                            const char           **out_pointer);
char                 *vigil_mapping_draft_to_json          (VigilMappingDraft     *self);
VigilMapping         *vigil_mapping_draft_build            (VigilMappingDraft     *self,
                                                            GError               **error);

G_END_DECLS
