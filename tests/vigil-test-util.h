/* vigil-test-util.h: helpers shared by the test suites
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* A fresh temporary folder, removed with its files at the end. */
typedef struct
{
  char *path;
} TestDir;

static inline void
test_dir_init (TestDir *dir)
{
  g_autoptr(GError) error = NULL;

  dir->path = g_dir_make_tmp ("vigil-test-XXXXXX", &error);
  g_assert_no_error (error);
}

static inline char *
test_dir_file (TestDir    *dir,
               const char *name)
{
  return g_build_filename (dir->path, name, NULL);
}

static inline char *
test_dir_write (TestDir    *dir,
                const char *name,
                const char *contents,
                gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = test_dir_file (dir, name);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

static inline void
test_dir_clear (TestDir *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir->path, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir->path, name, NULL);

      g_remove (file);
    }
  g_rmdir (dir->path);
  g_clear_pointer (&dir->path, g_free);
}

/* The whole file, to prove that a refused file was left unchanged. */
static inline GBytes *
test_read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}
