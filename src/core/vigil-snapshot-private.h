/* vigil-snapshot-private.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

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

/* Feature names the records of one import share (design 7): millions of
 * rows name the same few features, so each name is kept once, in a
 * table of VigilFeatureName by name, with the id the features table has
 * for it (0 until the ingest gives it one). A snapshot whose features
 * were read with such a table has features_shared set: their names
 * point into the table, which outlives it. */
typedef struct _VigilFeatureName VigilFeatureName;
struct _VigilFeatureName
{
  int               id;
  /* In a table another thread reads with (the import's helper): the
   * entry for the same name in the table of the thread the records go
   * to, NULL until it has looked; that thread's alone to set and read. */
  VigilFeatureName *shared;
  char              name[];
};

#define VIGIL_FEATURE_NAME_OF(text) \
  ((VigilFeatureName *) (void *) ((text) - G_STRUCT_OFFSET (VigilFeatureName, name)))

GHashTable       *_vigil_feature_names_new       (void);
VigilFeatureName *_vigil_feature_names_add       (GHashTable       *names,
                                                  const char       *name,
                                                  int               id);

void     _vigil_snapshot_set_cell        (VigilSnapshot    *self,
                                          VigilField        field,
                                          const char       *text,
                                          GHashTable       *feature_names);
gboolean _vigil_snapshot_parse_json_line (VigilSnapshot    *self,
                                          const char       *text,
                                          gsize             length,
                                          GHashTable       *feature_names,
                                          GError          **error);
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
