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
  VIGIL_PAGINATION_LAST_ID,
  VIGIL_PAGINATION_OFFSET,
} VigilPaginationStyle;

/**
 * VigilPagingParam:
 * @name: the query parameter, or top-level member of a POST body
 * @value: its value as text
 * @is_number: @value is a whole number: a POST body gets it as a JSON
 *   number, not as a string
 *
 * One value that asks for a page (a cursor, a page number, an offset, a
 * limit, the last id), as the poller sends it.
 */
typedef struct
{
  const char *name;
  const char *value;
  gboolean    is_number;
} VigilPagingParam;

typedef enum
{
  VIGIL_PAGE_MORE_UNSAID,
  VIGIL_PAGE_MORE_TRUE,
  VIGIL_PAGE_MORE_FALSE,
} VigilPageMore;

/**
 * VigilPageInfo:
 * @next: the value at the pagination's pointer: the next page's URL or
 *   cursor, %NULL if none
 * @next_is_number: @next was a whole number in the answer
 * @more: whether the page says more pages follow, at the pagination's
 *   more pointer; %VIGIL_PAGE_MORE_UNSAID without one
 * @total: the number at the pagination's total pointer, or -1 without one
 * @last_id: the last-id style's pointer in the page's last record that
 *   gave a string or a whole number, %NULL without one
 *
 * What a page says about the pages after it (design 2.2).
 */
typedef struct
{
  char          *next;
  gboolean       next_is_number;
  VigilPageMore  more;
  gint64         total;
  char          *last_id;
} VigilPageInfo;

void vigil_page_info_clear (VigilPageInfo *info);

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
gboolean              vigil_mapping_read_page           (VigilMapping     *self,
                                                         const char       *data,
                                                         gsize             length,
                                                         VigilRecordFunc   func,
                                                         gpointer          user_data,
                                                         VigilPageInfo    *out_info,
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
const char           *vigil_mapping_get_limit_param     (VigilMapping   *self);
gint64                vigil_mapping_get_page_limit      (VigilMapping   *self);
gboolean              vigil_mapping_has_more_pointer    (VigilMapping   *self);
gboolean              vigil_mapping_has_total_pointer   (VigilMapping   *self);
gboolean              vigil_mapping_is_post             (VigilMapping   *self);
const char * const   *vigil_mapping_get_headers         (VigilMapping   *self);
char                 *vigil_mapping_build_list_url      (VigilMapping           *self,
                                                         const char             *url,
                                                         gint64                  now,
                                                         const VigilPagingParam *params,
                                                         guint                   n_params);
char                 *vigil_mapping_build_list_body     (VigilMapping           *self,
                                                         gint64                  now,
                                                         const VigilPagingParam *params,
                                                         guint                   n_params);
char                 *vigil_mapping_expand_time         (const char     *text,
                                                         gint64          now,
                                                         GError        **error);
const char           *vigil_mapping_get_detail_url      (VigilMapping   *self);
char                 *vigil_mapping_expand_detail_url   (VigilMapping   *self,
                                                         const char     *customer_id,
                                                         GError        **error);

JsonNode             *vigil_json_pointer_get            (JsonNode       *root,
                                                         const char     *pointer);
gboolean              vigil_json_pointer_validate       (const char     *pointer,
                                                         GError        **error);
char                 *vigil_json_pointer_append         (const char     *pointer,
                                                         const char     *token);
const char           *vigil_mapping_get_records_pointer (VigilMapping   *self);
gboolean              vigil_mapping_fills_field         (VigilMapping   *self,
                                                         VigilField      field);

G_END_DECLS
