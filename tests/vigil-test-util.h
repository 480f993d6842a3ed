/* vigil-test-util.h: helpers shared by the test suites
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* A copy of some text that ends exactly where a page nothing may read
 * begins: a reader that looks one byte past the end of what it was
 * given crashes there (SIGSEGV), with or without a sanitizer, instead of
 * reading whatever happens to follow (a NUL, often). */
typedef struct
{
  char  *base;
  gsize  size;
  char  *text;
} GuardedText;

static inline const char *
test_guarded_text_init (GuardedText *guarded,
                        const char  *text,
                        gsize        length)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gsize pages = MAX ((length + page - 1) / page, 1);

  guarded->size = (pages + 1) * page;
  guarded->base = mmap (NULL, guarded->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (guarded->base != MAP_FAILED);
  g_assert_cmpint (mprotect (guarded->base + pages * page, page, PROT_NONE), ==, 0);
  guarded->text = guarded->base + pages * page - length;
  memcpy (guarded->text, text, length);
  return guarded->text;
}

static inline void
test_guarded_text_clear (GuardedText *guarded)
{
  if (guarded->base != NULL)
    munmap (guarded->base, guarded->size);
  guarded->base = NULL;
  guarded->text = NULL;
}
