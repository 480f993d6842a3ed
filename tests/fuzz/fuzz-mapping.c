/* fuzz-mapping.c: mapping files (design 2.2) and JSON Pointers, applied to a document
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A libFuzzer target (clang -fsanitize=fuzzer); with other compilers
 * fuzz-main.c replays its corpus in tests/fuzz/corpus/. Never crashes,
 * never leaks, whatever the bytes.
 */

/* Tests check with g_assert*() whatever the build type. */
#undef G_DISABLE_ASSERT
#undef G_DISABLE_CAST_CHECKS

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-json-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const char document[] =
  "{\"data\": [{\"id\": \"a/b~c\", \"attributes\": {\"company_name\": \"Acme\", \"billing\": {\"mrr\": 4200},"
  " \"features_used\": {\"reports\": 3}, \"last_seen\": \"2026-11-21T10:00:00Z\"}, \"\": {\"\": 1},"
  " \"items\": {\"data\": [{\"price\": {\"unit_amount\": 1000, \"recurring\": {\"interval\": \"year\","
  " \"interval_count\": 1}}, \"quantity\": 2}, {\"price\": {\"unit_amount\": \"x\"}, \"quantity\": [1]}]},"
  " \"seen\": 1709648580000, \"renews\": \"01/03/2027\", \"seats\": \"7\", \"domain\": \"ACME.com\"},"
  " {\"id\": 7, \"attributes\": [1, 2, {\"x\": null}]}, 3, null],"
  " \"links\": {\"next\": \"/page/2\"}, \"meta\": {\"cursor\": \"abc\"}}";

/* A record's keys keep their promises (design 2.1). */
static void
check_keys (const VigilSnapshot *snapshot)
{
  if (snapshot->keys == NULL)
    return;
  g_assert_cmpuint (snapshot->keys->len, >, 0);
  g_assert_cmpuint (snapshot->keys->len, <=, VIGIL_SNAPSHOT_MAX_KEYS);
  for (guint i = 0; i < snapshot->keys->len; i++)
    {
      const char *key = snapshot->keys->pdata[i];

      g_assert_true (g_utf8_validate (key, -1, NULL));
      g_assert_cmpuint (strlen (key), >, 0);
      g_assert_cmpuint (strlen (key), <=, VIGIL_SNAPSHOT_MAX_KEY_BYTES);
      if (i > 0)
        g_assert_cmpint (strcmp (snapshot->keys->pdata[i - 1], key), <, 0);
    }
}

static void
assert_same_keys (const VigilSnapshot *a,
                  const VigilSnapshot *b)
{
  g_assert_cmpuint (a->keys != NULL ? a->keys->len : 0, ==, b->keys != NULL ? b->keys->len : 0);
  for (guint i = 0; a->keys != NULL && i < a->keys->len; i++)
    g_assert_cmpstr (a->keys->pdata[i], ==, b->keys->pdata[i]);
}

/* The records read as text get the keys they get read as a tree. */
static gboolean
compare_record (VigilSnapshot  *snapshot,
                gpointer        user_data,
                GError        **error)
{
  GPtrArray *tree_records = user_data;
  VigilSnapshot *tree;

  g_assert_cmpuint (tree_records->len, >, 0);
  tree = g_ptr_array_steal_index (tree_records, 0);
  check_keys (snapshot);
  g_assert_cmpstr (snapshot->customer_id, ==, tree->customer_id);
  assert_same_keys (snapshot, tree);
  /* A field's rule reads the same values the same way (design 2.2). */
  g_assert_true ((isnan (snapshot->mrr) && isnan (tree->mrr)) || snapshot->mrr == tree->mrr);
  g_assert_cmpint (snapshot->seats, ==, tree->seats);
  g_assert_cmpint (snapshot->last_active, ==, tree->last_active);
  g_assert_cmpint (snapshot->renewal_day, ==, tree->renewal_day);
  g_assert_cmpuint (snapshot->n_unknown, ==, tree->n_unknown);
  g_assert_cmpint (snapshot->problem != NULL, ==, tree->problem != NULL);
  vigil_snapshot_free (tree);
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static JsonNode *root;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GPtrArray) tree_records = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_snapshot_free);
  g_autoptr(VigilMapping) reread = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;
  JsonArray *records;

  if (root == NULL)
    root = _vigil_json_parse (document, -1, VIGIL_JSON_DATA, NULL);

  /* The input as a JSON Pointer. */
  if (vigil_json_pointer_validate (text, NULL))
    vigil_json_pointer_get (root, text);

  /* The input as a mapping file. */
  mapping = vigil_mapping_new_from_data ((const char *) data, (gssize) size, &error);
  if (mapping == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  /* What is stored in the database reads back to the same mapping. */
  json = vigil_mapping_to_json (mapping);
  reread = vigil_mapping_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  json_again = vigil_mapping_to_json (reread);
  g_assert_cmpstr (json, ==, json_again);
  g_free (vigil_mapping_expand_detail_url (mapping, "a b/c?d=é", NULL));
  g_free (vigil_mapping_expand_detail_url (mapping, "..", NULL));
  vigil_mapping_get_pagination (mapping);
  vigil_mapping_get_page_pointer (mapping);
  vigil_mapping_get_page_param (mapping);

  records = vigil_mapping_get_records (mapping, root, NULL);
  if (records != NULL)
    for (guint i = 0; i < json_array_get_length (records); i++)
      {
        g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();

        vigil_mapping_apply (mapping, json_array_get_element (records, i), snapshot);
        check_keys (snapshot);
        g_ptr_array_add (tree_records, vigil_snapshot_copy (snapshot));
        vigil_mapping_apply_detail (mapping, root, snapshot);
        check_keys (snapshot);
      }
  if (records != NULL)
    {
      g_assert_true (vigil_mapping_read_records (mapping, document, strlen (document), compare_record,
                                                 tree_records, NULL, NULL));
      g_assert_cmpuint (tree_records->len, ==, 0);
    }
  return 0;
}
