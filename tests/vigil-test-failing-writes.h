/* vigil-test-failing-writes.h: a write of SQLite's that fails as a
 * failing disk's would, for the tests of what a failed write leaves.
 * The default VFS's pwrite and pwrite64 are replaced (xSetSystemCall,
 * SQLite's own way to test its failures) by calls that fail the nth
 * write a thread of a given name makes, and only that one.
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

typedef ssize_t (*TestPwriteFunc) (int, const void *, size_t, off_t);

static sqlite3_syscall_ptr test_real_pwrite;
static sqlite3_syscall_ptr test_real_pwrite64;
static char test_failing_thread[16];
static gint test_writes_before_failure;

static inline gboolean
test_write_fails (void)
{
  char name[16] = "";

  if (g_atomic_int_get (&test_writes_before_failure) <= 0)
    return FALSE;
  prctl (PR_GET_NAME, name, 0, 0, 0);
  return strcmp (name, test_failing_thread) == 0 &&
         g_atomic_int_dec_and_test (&test_writes_before_failure);
}

static inline ssize_t
test_fail_or_write (sqlite3_syscall_ptr real,
                    int                 fd,
                    const void         *data,
                    size_t              n,
                    off_t               offset)
{
  if (test_write_fails ())
    {
      errno = EIO;
      return -1;
    }
  return ((TestPwriteFunc) real) (fd, data, n, offset);
}

static inline ssize_t
test_failing_pwrite (int         fd,
                     const void *data,
                     size_t      n,
                     off_t       offset)
{
  return test_fail_or_write (test_real_pwrite, fd, data, n, offset);
}

static inline ssize_t
test_failing_pwrite64 (int         fd,
                       const void *data,
                       size_t      n,
                       off_t       offset)
{
  return test_fail_or_write (test_real_pwrite64, fd, data, n, offset);
}

/* From now on the @nth write of SQLite's that a thread named
 * @thread_name makes fails (EIO), and only that one. */
static inline void
test_fail_writes_begin (const char *thread_name,
                        int         nth)
{
  sqlite3_vfs *vfs = sqlite3_vfs_find ("unix");
  int replaced = 0;

  g_assert_nonnull (vfs);
  g_strlcpy (test_failing_thread, thread_name, sizeof test_failing_thread);
  g_atomic_int_set (&test_writes_before_failure, nth);
  test_real_pwrite = vfs->xGetSystemCall (vfs, "pwrite");
  test_real_pwrite64 = vfs->xGetSystemCall (vfs, "pwrite64");
  if (test_real_pwrite != NULL)
    replaced += vfs->xSetSystemCall (vfs, "pwrite", (sqlite3_syscall_ptr) test_failing_pwrite) == SQLITE_OK;
  if (test_real_pwrite64 != NULL)
    replaced += vfs->xSetSystemCall (vfs, "pwrite64", (sqlite3_syscall_ptr) test_failing_pwrite64) == SQLITE_OK;
  g_assert_cmpint (replaced, >, 0);
}

/* The writes as they were; whether the one meant to fail did. */
static inline gboolean
test_fail_writes_end (void)
{
  sqlite3_vfs *vfs = sqlite3_vfs_find ("unix");
  gboolean failed = g_atomic_int_get (&test_writes_before_failure) == 0;

  vfs->xSetSystemCall (vfs, NULL, NULL);
  g_atomic_int_set (&test_writes_before_failure, 0);
  return failed;
}
