/* vigil-feature-names.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The table of an import's feature names (design 7). Found by the
 * bytes of a name and their length, not by a C string: the record
 * readers look a name up where it lies in the text, without copying it
 * out first, and hash it as they scan it. Open addressing with linear
 * probing, at most half full; entries are never removed, and each is
 * allocated once, so that a name's address holds for the table's life. */

#include "config.h"

#include <string.h>

#include "vigil-feature-names.h"

#define FIRST_SLOTS 64

struct _VigilFeatureNames
{
  VigilFeatureName **slots;   /* NULL: empty */
  gsize              mask;    /* the number of slots, a power of two, less one */
  gsize              count;
};

/**
 * _vigil_feature_names_new:
 *
 * Returns: (transfer full): an empty table of feature names
 */
VigilFeatureNames *
_vigil_feature_names_new (void)
{
  VigilFeatureNames *names = g_new0 (VigilFeatureNames, 1);

  names->slots = g_new0 (VigilFeatureName *, FIRST_SLOTS);
  names->mask = FIRST_SLOTS - 1;
  return names;
}

void
_vigil_feature_names_free (VigilFeatureNames *names)
{
  if (names == NULL)
    return;

  for (gsize i = 0; i <= names->mask; i++)
    g_free (names->slots[i]);
  g_free (names->slots);
  g_free (names);
}

gsize
_vigil_feature_names_count (const VigilFeatureNames *names)
{
  return names->count;
}

guint32
_vigil_feature_name_hash (const char *name,
                          gsize       length)
{
  guint64 hash = VIGIL_FEATURE_NAME_HASH_INIT;
  guint64 tail = 0;
  gsize i;

  for (i = 0; i + 8 <= length; i += 8)
    {
      guint64 word;

      memcpy (&word, name + i, 8);
      hash = _vigil_feature_name_hash_word (hash, word);
    }
  for (guint shift = 0; i < length; i++, shift += 8)
    tail |= (guint64) (guchar) name[i] << shift;
  return _vigil_feature_name_hash_finish (hash, tail, length);
}

/**
 * _vigil_feature_names_lookup:
 * @name: the name's bytes, not NUL-terminated
 * @hash: _vigil_feature_name_hash() of them
 *
 * Returns: (transfer none) (nullable): the table's entry for the name
 */
VigilFeatureName *
_vigil_feature_names_lookup (const VigilFeatureNames *names,
                             const char              *name,
                             gsize                    length,
                             guint32                  hash)
{
  for (gsize i = hash & names->mask;; i = (i + 1) & names->mask)
    {
      VigilFeatureName *entry = names->slots[i];

      if (entry == NULL)
        return NULL;
      if (entry->hash == hash && entry->length == length && memcmp (entry->name, name, length) == 0)
        return entry;
    }
}

static void
place (VigilFeatureName **slots,
       gsize              mask,
       VigilFeatureName  *entry)
{
  gsize i = entry->hash & mask;

  while (slots[i] != NULL)
    i = (i + 1) & mask;
  slots[i] = entry;
}

static void
grow (VigilFeatureNames *names)
{
  gsize mask = names->mask * 2 + 1;
  VigilFeatureName **slots = g_new0 (VigilFeatureName *, mask + 1);

  for (gsize i = 0; i <= names->mask; i++)
    if (names->slots[i] != NULL)
      place (slots, mask, names->slots[i]);
  g_free (names->slots);
  names->slots = slots;
  names->mask = mask;
}

/**
 * _vigil_feature_names_add:
 * @name: (array length=length): a name the table does not hold, UTF-8
 *   without NUL
 * @id: its id in the features table, 0 if it has none yet
 *
 * Returns: (transfer none): the table's entry for @name, its name
 *   NUL-terminated
 */
VigilFeatureName *
_vigil_feature_names_add (VigilFeatureNames *names,
                          const char        *name,
                          gsize              length,
                          int                id)
{
  VigilFeatureName *entry = g_malloc (sizeof *entry + length + 1);

  entry->id = id;
  entry->hash = _vigil_feature_name_hash (name, length);
  entry->length = length;
  entry->shared = NULL;
  memcpy (entry->name, name, length);
  entry->name[length] = '\0';

  if ((names->count + 1) * 2 > names->mask + 1)
    grow (names);
  place (names->slots, names->mask, entry);
  names->count++;
  return entry;
}
