/* vigil-mapping-request.h: what a mapping adds to each list request
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "vigil-mapping.h"

G_BEGIN_DECLS

/* A mapping's method, static query and headers, and JSON body (design
 * 2.2), as read from the mapping and checked there: a mistake is an
 * error when the mapping is loaded, never when a poll runs. */
typedef struct
{
  gboolean   post;
  GPtrArray *query;    /* name, value, … in the mapping's order; values may hold time placeholders */
  GStrv      headers;  /* name, value, …; NULL without */
  JsonNode  *body;     /* an object, for POST; NULL without */
} VigilMappingRequest;

gboolean  _vigil_mapping_request_parse   (VigilMappingRequest       *request,
                                          JsonObject                *root,
                                          GError                   **error);
void      _vigil_mapping_request_clear   (VigilMappingRequest       *request);
void      _vigil_mapping_request_to_json (const VigilMappingRequest *request,
                                          JsonBuilder               *builder);
char     *_vigil_mapping_request_url     (const VigilMappingRequest *request,
                                          const char                *url,
                                          gint64                     now,
                                          const VigilPagingParam    *params,
                                          guint                      n_params);
char     *_vigil_mapping_request_body    (const VigilMappingRequest *request,
                                          gint64                     now,
                                          const VigilPagingParam    *params,
                                          guint                      n_params);

gboolean  _vigil_mapping_check_name      (const char                *name,
                                          const char                *where,
                                          GError                   **error);

/* "Mapping: WHERE: MESSAGE", the form of every mapping error. */
gboolean  _vigil_mapping_error           (GError                   **error,
                                          const char                *where,
                                          const char                *format,
                                          ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
