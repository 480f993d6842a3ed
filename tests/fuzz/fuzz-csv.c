/* fuzz-csv.c: the CSV reader and the import format detection
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
#include "vigil-csv-reader.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(VigilCsvReader) reader = vigil_csv_reader_new (stream);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GError) error = NULL;
  VigilField columns[64];
  guint n_columns = 0;
  guint rows = 0;

  vigil_importer_detect_format ((const char *) data, size, NULL);
  vigil_importer_detect_format ((const char *) data, size, "history.jsonl");

  /* Rows as the importer reads them: a header of native field names, then records. */
  while (vigil_csv_reader_next_row (reader, NULL, &error))
    {
      guint n = vigil_csv_reader_get_n_fields (reader);

      vigil_csv_reader_get_line (reader);
      vigil_csv_reader_get_offset (reader);
      if (rows++ == 0)
        {
          n_columns = MIN (n, G_N_ELEMENTS (columns));
          for (guint i = 0; i < n_columns; i++)
            columns[i] = vigil_field_from_name (vigil_csv_reader_get_field (reader, i, NULL));
          continue;
        }
      vigil_snapshot_clear (snapshot);
      for (guint i = 0; i < n; i++)
        {
          gsize length;
          const char *field = vigil_csv_reader_get_field (reader, i, &length);

          g_assert_nonnull (field);
          g_assert_cmpuint (strlen (field), <=, length);
          if (i < n_columns && columns[i] != VIGIL_FIELD_NONE)
            vigil_snapshot_set_text (snapshot, columns[i], field);
        }
    }
  return 0;
}
