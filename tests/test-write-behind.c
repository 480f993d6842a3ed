/* test-write-behind.c: the VFS whose writes a bulk import's merge hands
 * to a thread of their own (vigil-write-behind.c, design 7), on SQLite
 * files on disk
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vigil-write-behind.h"
#include "vigil-test-failing-writes.h"
#include "vigil-test-util.h"

#define N_ROWS 20000

static sqlite3 *
open_database (const char *path,
               const char *vfs)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs),
                   ==, SQLITE_OK);
  return db;
}

static sqlite3 *
open_behind (const char *path)
{
  const char *vfs = vigil_write_behind_get_vfs_name ();

  g_assert_cmpstr (vfs, ==, "vigil-write-behind");
  return open_database (path, vfs);
}

static void
exec_ok (sqlite3    *db,
         const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* Rows of 200 bytes, keyed in a scrambled order so that a small cache
 * writes pages out and reads them back while they are filled. */
static int
insert_rows (sqlite3 *db,
             int      first,
             int      n)
{
  sqlite3_stmt *stmt = NULL;
  int rc = SQLITE_DONE;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO t (k, v) VALUES (?1, printf('%0200d', ?1))",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (int i = 0; i < n && rc == SQLITE_DONE; i++)
    {
      sqlite3_bind_int64 (stmt, 1, first + (gint64) i * 7919 % n);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* The threads of this process named @name. */
static guint
count_threads (const char *name)
{
  g_autoptr(GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
  const char *task;
  guint n = 0;

  g_assert_nonnull (tasks);
  while ((task = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", task, "comm", NULL);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL) && g_strcmp0 (g_strstrip (comm), name) == 0)
        n++;
    }
  return n;
}

/* A new thread names itself once it runs: until then, up to 10 s. */
static guint
wait_for_threads (const char *name,
                  guint       n)
{
  for (int i = 0; i < 1000 && count_threads (name) != n; i++)
    g_usleep (10 * 1000);
  return count_threads (name);
}

/* Turned on, the writes go to a thread of their own; the connection
 * reads back what it wrote, whether made yet or not; the file holds it
 * all for another connection, through the default VFS, once committed. */
static void
test_write_behind_reads_see_writes (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *check = NULL;
  sqlite3 *db;
  sqlite3 *other;
  gint64 key_sum = (gint64) N_ROWS * (N_ROWS - 1) / 2;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "book.db");
  db = open_behind (path);
  exec_ok (db, "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 16;"
               "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL);"
               "CREATE TABLE w (v TEXT PRIMARY KEY, k INTEGER) WITHOUT ROWID");

  g_assert_cmpuint (count_threads ("vigil-write"), ==, 0);
  exec_ok (db, "BEGIN");
  g_assert_cmpint (vigil_write_behind_set (db, TRUE), ==, SQLITE_OK);
  g_assert_cmpuint (wait_for_threads ("vigil-write", 1), ==, 1);

  g_assert_cmpint (insert_rows (db, 0, N_ROWS), ==, SQLITE_DONE);
  exec_ok (db, "INSERT INTO w SELECT v, k FROM t ORDER BY k DESC");
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM t"), ==, N_ROWS);
  g_assert_cmpint (query_int (db, "SELECT sum(k) FROM t"), ==, key_sum);
  g_assert_cmpint (query_int (db, "SELECT sum(k) FROM w"), ==, key_sum);
  check = query_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  exec_ok (db, "COMMIT");

  /* Committed and unlocked with the thread still on: all made. */
  other = open_database (path, NULL);
  g_assert_cmpint (query_int (other, "SELECT count(*) FROM w"), ==, N_ROWS);
  g_assert_cmpint (query_int (other, "SELECT sum(length(v)) FROM t"), ==, (gint64) N_ROWS * 200);
  g_clear_pointer (&check, g_free);
  check = query_text (other, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  sqlite3_close (other);

  g_assert_cmpint (vigil_write_behind_set (db, FALSE), ==, SQLITE_OK);
  g_assert_cmpuint (count_threads ("vigil-write"), ==, 0);
  sqlite3_close (db);
  test_dir_clear (&dir);
}

/* A connection on another VFS is told so, and nothing changes. */
static void
test_write_behind_other_vfs (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  sqlite3 *db;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "book.db");
  db = open_database (path, NULL);
  exec_ok (db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  g_assert_cmpint (vigil_write_behind_set (db, TRUE), ==, SQLITE_NOTFOUND);
  g_assert_cmpuint (count_threads ("vigil-write"), ==, 0);
  sqlite3_close (db);
  test_dir_clear (&dir);
}

/* One write the thread makes fails, and only that one: SQLite is told
 * at its next call, the statement fails, and the rollback leaves the
 * database as it was, whole. Were it not told, the transaction would
 * commit without that page. */
static void
test_write_behind_failed_write (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *check = NULL;
  sqlite3 *db;
  int rc;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "book.db");
  db = open_behind (path);
  exec_ok (db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL; PRAGMA cache_size = 16;"
               "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  g_assert_cmpint (insert_rows (db, 0, N_ROWS), ==, SQLITE_DONE);

  exec_ok (db, "BEGIN");
  g_assert_cmpint (vigil_write_behind_set (db, TRUE), ==, SQLITE_OK);
  test_fail_writes_begin ("vigil-write", 10);
  rc = insert_rows (db, N_ROWS, 4 * N_ROWS);
  if (rc == SQLITE_DONE)
    rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  g_assert_true (test_fail_writes_end ());
  g_assert_cmpint (rc, ==, SQLITE_IOERR);
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  g_assert_cmpint (vigil_write_behind_set (db, FALSE), ==, SQLITE_OK);

  check = query_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM t"), ==, N_ROWS);
  g_assert_cmpint (query_int (db, "SELECT max(k) FROM t"), ==, N_ROWS - 1);
  sqlite3_close (db);
  test_dir_clear (&dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/write-behind/reads-see-writes", test_write_behind_reads_see_writes);
  g_test_add_func ("/core/write-behind/other-vfs", test_write_behind_other_vfs);
  g_test_add_func ("/core/write-behind/failed-write", test_write_behind_failed_write);

  return g_test_run ();
}
