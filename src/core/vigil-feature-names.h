/* vigil-feature-names.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Feature names the records of one import share (design 7): millions of
 * rows name the same few features, so each name is kept once, in a
 * table of VigilFeatureName, with the id the features table has for it
 * (0 until the ingest gives it one). A snapshot whose features were
 * read with such a table has features_shared set: their names point
 * into the table, which outlives it. */
typedef struct _VigilFeatureName VigilFeatureName;
struct _VigilFeatureName
{
  int               id;
  guint32           hash;    /* of the name's bytes */
  gsize             length;  /* of the name, in bytes */
  /* In a table another thread reads with (the import's helper): the
   * entry for the same name in the table of the thread the records go
   * to, NULL until it has looked; that thread's alone to set and read. */
  VigilFeatureName *shared;
  char              name[];
};

#define VIGIL_FEATURE_NAME_OF(text) \
  ((VigilFeatureName *) (void *) ((text) - G_STRUCT_OFFSET (VigilFeatureName, name)))

/* The hash of a name: its whole eight-byte words (loaded as memcpy()
 * loads them) one at a time, then the bytes after them with the length,
 * so that a reader can hash a name as it scans it, a word at a time. */
#define VIGIL_FEATURE_NAME_HASH_INIT G_GUINT64_CONSTANT (0xcbf29ce484222325)
#define VIGIL_FEATURE_NAME_HASH_FACTOR G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)

static inline guint64
_vigil_feature_name_hash_word (guint64 hash,
                               guint64 word)
{
  hash = (hash ^ word) * VIGIL_FEATURE_NAME_HASH_FACTOR;
  return hash ^ (hash >> 29);
}

/* @tail: the bytes after the last whole word, the first in the lowest
 * byte; @length: the name's. */
static inline guint32
_vigil_feature_name_hash_finish (guint64 hash,
                                 guint64 tail,
                                 gsize   length)
{
  hash = _vigil_feature_name_hash_word (hash, tail);
  hash = _vigil_feature_name_hash_word (hash, (guint64) length);
  return (guint32) (hash >> 32);
}

typedef struct _VigilFeatureNames VigilFeatureNames;

VigilFeatureNames *_vigil_feature_names_new    (void);
void               _vigil_feature_names_free   (VigilFeatureNames       *names);
gsize              _vigil_feature_names_count  (const VigilFeatureNames *names);
guint32            _vigil_feature_name_hash    (const char              *name,
                                                gsize                    length);
VigilFeatureName  *_vigil_feature_names_lookup (const VigilFeatureNames *names,
                                                const char              *name,
                                                gsize                    length,
                                                guint32                  hash);
VigilFeatureName  *_vigil_feature_names_add    (VigilFeatureNames       *names,
                                                const char              *name,
                                                gsize                    length,
                                                int                      id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilFeatureNames, _vigil_feature_names_free)

G_END_DECLS
