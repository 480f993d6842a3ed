/* vigil-mapping.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "vigil-ingest.h"
#include "vigil-snapshot.h"

G_BEGIN_DECLS

typedef enum
{
  VIGIL_PAGINATION_NONE,
  VIGIL_PAGINATION_NEXT_URL,
  VIGIL_PAGINATION_CURSOR,
  VIGIL_PAGINATION_PAGE,
  VIGIL_PAGINATION_LINK_HEADER,
} VigilPaginationStyle;

typedef enum
{
  VIGIL_FEATURES_FORMAT_ANY,
  VIGIL_FEATURES_FORMAT_OBJECT,
  VIGIL_FEATURES_FORMAT_ARRAY,
} VigilFeaturesFormat;

/**
 * VigilRecordFunc:
 * @snapshot: one record, read; the function may take over what it holds
 * @error: set when returning %FALSE
 *
 * Returns: %FALSE to stop reading, with @error set
 */
typedef gboolean (*VigilRecordFunc) (VigilSnapshot  *snapshot,
                                     gpointer        user_data,
                                     GError        **error);

#define VIGIL_TYPE_MAPPING (vigil_mapping_get_type ())

G_DECLARE_FINAL_TYPE (VigilMapping, vigil_mapping, VIGIL, MAPPING, GObject)

VigilMapping         *vigil_mapping_new_native          (void);
VigilMapping         *vigil_mapping_new_native_array    (void);
VigilMapping         *vigil_mapping_new_from_data       (const char     *data,
                                                         gssize          length,
                                                         GError        **error);
VigilMapping         *vigil_mapping_new_from_file       (const char     *path,
                                                         GError        **error);
char                 *vigil_mapping_to_json             (VigilMapping   *self);
JsonArray            *vigil_mapping_get_records         (VigilMapping   *self,
                                                         JsonNode       *document,
                                                         GError        **error);
void                  vigil_mapping_apply               (VigilMapping   *self,
                                                         JsonNode       *record,
                                                         VigilSnapshot  *snapshot);
void                  vigil_mapping_apply_detail        (VigilMapping   *self,
                                                         JsonNode       *detail,
                                                         VigilSnapshot  *snapshot);
gboolean              vigil_mapping_read_records        (VigilMapping     *self,
                                                         const char       *data,
                                                         gsize             length,
                                                         VigilRecordFunc   func,
                                                         gpointer          user_data,
                                                         char            **out_next,
                                                         GError          **error);
gboolean              vigil_mapping_read_detail         (VigilMapping   *self,
                                                         const char     *data,
                                                         gsize           length,
                                                         VigilSnapshot  *snapshot,
                                                         GError        **error);
gboolean              vigil_mapping_is_csv              (VigilMapping   *self);
const VigilMergeRule *vigil_mapping_get_merge           (VigilMapping   *self);
VigilPaginationStyle  vigil_mapping_get_pagination      (VigilMapping   *self);
const char           *vigil_mapping_get_page_pointer    (VigilMapping   *self);
const char           *vigil_mapping_get_page_param      (VigilMapping   *self);
gint64                vigil_mapping_get_page_start      (VigilMapping   *self);
const char           *vigil_mapping_get_detail_url      (VigilMapping   *self);
char                 *vigil_mapping_expand_detail_url   (VigilMapping   *self,
                                                         const char     *customer_id,
                                                         GError        **error);

JsonNode             *vigil_json_pointer_get            (JsonNode       *root,
                                                         const char     *pointer);
gboolean              vigil_json_pointer_validate       (const char     *pointer,
                                                         GError        **error);

G_END_DECLS
