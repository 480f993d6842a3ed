/* fuzz-json.c: the one JSON reader every JSON text goes through (design 2.3)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A libFuzzer target (clang -fsanitize=fuzzer); with other compilers
 * fuzz-main.c replays its corpus in tests/fuzz/corpus/. Never crashes,
 * never leaks, whatever the bytes; checking a text and building its tree
 * always agree, with the same error.
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

static void
check_agreement (const char   *text,
                 gsize         size,
                 VigilJsonUse  use)
{
  g_autoptr(GError) check_error = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean valid = _vigil_json_validate (text, (gssize) size, use, &check_error);

  root = _vigil_json_parse (text, (gssize) size, use, &parse_error);
  g_assert_true (valid == (root != NULL));
  if (!valid)
    g_assert_cmpstr (check_error->message, ==, parse_error->message);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;

  check_agreement (text, size, VIGIL_JSON_DATA);
  check_agreement (text, size, VIGIL_JSON_SETTINGS);
  /* A setting is data too, with fewer strings allowed. */
  if (_vigil_json_validate (text, (gssize) size, VIGIL_JSON_SETTINGS, NULL))
    g_assert_true (_vigil_json_validate (text, (gssize) size, VIGIL_JSON_DATA, NULL));
  return 0;
}
