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

#include <stdint.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-json-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const char document[] =
  "{\"data\": [{\"id\": \"a/b~c\", \"attributes\": {\"company_name\": \"Acme\", \"billing\": {\"mrr\": 4200},"
  " \"features_used\": {\"reports\": 3}, \"last_seen\": \"2026-11-21T10:00:00Z\"}, \"\": {\"\": 1}},"
  " {\"id\": 7, \"attributes\": [1, 2, {\"x\": null}]}, 3, null],"
  " \"links\": {\"next\": \"/page/2\"}, \"meta\": {\"cursor\": \"abc\"}}";

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static JsonNode *root;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);
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
  g_free (vigil_mapping_to_json (mapping));
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
        vigil_mapping_apply_detail (mapping, root, snapshot);
      }
  return 0;
}
