/* vigil-snapshot-private.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-feature-names.h"
#include "vigil-json-private.h"
#include "vigil-snapshot.h"

G_BEGIN_DECLS

/* The keys one value gives (design 2.1), before they join a record's:
 * a mapping gathers the values of several pointers into one record. */
typedef struct
{
  GPtrArray *keys;      /* of char *: trimmed, not empty; NULL if none */
  gboolean   unusable;  /* given, but not keys: none are kept */
} VigilKeysValue;

void     _vigil_snapshot_reset           (VigilSnapshot     *self);
void     _vigil_snapshot_set_cell        (VigilSnapshot     *self,
                                          VigilField         field,
                                          const char        *text,
                                          VigilFeatureNames *feature_names);
gboolean _vigil_snapshot_parse_json_line (VigilSnapshot      *self,
                                          const char         *text,
                                          gsize               length,
                                          VigilFeatureNames  *feature_names,
                                          GError            **error);
gboolean _vigil_snapshot_read_json_field (VigilSnapshot    *self,
                                          VigilField        field,
                                          VigilJsonCursor  *c,
                                          guint             depth,
                                          GString          *scratch);

void     _vigil_keys_value_clear         (VigilKeysValue   *value);
void     _vigil_keys_value_set_node      (VigilKeysValue   *value,
                                          JsonNode         *node,
                                          gboolean          lower);
gboolean _vigil_keys_value_read          (VigilKeysValue   *value,
                                          VigilJsonCursor  *c,
                                          guint             depth,
                                          gboolean          lower,
                                          GString          *scratch);
void     _vigil_snapshot_add_keys        (VigilSnapshot    *self,
                                          VigilKeysValue   *values,
                                          guint             n_values);
void     _vigil_keys_value_set_text      (VigilKeysValue   *value,
                                          const char       *text,
                                          gboolean          lower);

gboolean _vigil_snapshot_store_number    (VigilSnapshot    *self,
                                          VigilField        field,
                                          double            value);
void     _vigil_snapshot_reject          (VigilSnapshot    *self,
                                          VigilField        field,
                                          char             *problem);
gboolean _vigil_text_is_null             (const char       *text);

G_END_DECLS
