/* fuzz-snapshot-json.c: the JSON record reader (JSON Lines, feature cells, native records)
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

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);

  /* A line of a JSON Lines file: the reader takes bytes with a length. */
  if (vigil_snapshot_parse_json (snapshot, (const char *) data, size, &error))
    g_assert_no_error (error);
  else
    g_assert_nonnull (error);
  copy = vigil_snapshot_copy (snapshot);
  vigil_snapshot_get_features_used (copy);

  /* The same text as a CSV cell of every column. */
  for (int field = 0; field < VIGIL_N_FIELDS; field++)
    vigil_snapshot_set_text (snapshot, (VigilField) field, text);
  vigil_snapshot_get_features_used (snapshot);
  return 0;
}
