/* fuzz-main.c: replays fuzz inputs without libFuzzer
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked into each fuzz target when the compiler has no libFuzzer (gcc),
 * so that every seed and every kept crasher still runs as a regression
 * test: `fuzz-csv-replay FILE|DIR…` feeds each file (a folder: each file
 * in it) to LLVMFuzzerTestOneInput() once, and prints how many ran.
 */

/* Tests check with g_assert*() whatever the build type. */
#undef G_DISABLE_ASSERT
#undef G_DISABLE_CAST_CHECKS

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static guint n_inputs;

static void
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  uint8_t *copy;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_printerr ("%s\n", error->message);
      exit (1);
    }
  /* An exact-size copy, so that a read past the end is caught under ASan. */
  copy = g_malloc (length > 0 ? length : 1);
  memcpy (copy, contents, length);
  LLVMFuzzerTestOneInput (copy, length);
  g_free (copy);
  n_inputs++;
}

static void
replay_path (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          exit (1);
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      /* The same order on every machine. */
      g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
      for (guint i = 0; i < names->len; i++)
        replay_path (g_ptr_array_index (names, i));
    }
  else
    replay_file (path);
}

int
main (int    argc,
      char **argv)
{
  /* Also the empty input, which every target must take. */
  LLVMFuzzerTestOneInput ((const uint8_t *) "", 0);
  for (int i = 1; i < argc; i++)
    replay_path (argv[i]);
  g_print ("%u inputs replayed without a crash\n", n_inputs);
  return 0;
}
