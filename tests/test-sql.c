/* test-sql.c: the statement layer (vigil-sql.h) on SQLite files on disk
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vigil-sql.h"
#include "vigil-test-util.h"

/* A database file in a fresh folder, opened as the store opens one. */
typedef struct
{
  TestDir             dir;
  char               *path;
  VigilSqlConnection *connection;
} Fixture;

static VigilSqlConnection *
open_connection (const char *path,
                 int         flags)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, flags, NULL), ==, SQLITE_OK);
  sqlite3_extended_result_codes (db, 0);
  return vigil_sql_sqlite_wrap (db);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  test_dir_init (&f->dir);
  f->path = test_dir_file (&f->dir, "sql.db");
  f->connection = open_connection (f->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  g_assert_true (vigil_sql_exec (f->connection,
                                 "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d REAL, "
                                 "s TEXT NOT NULL DEFAULT '')"));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  vigil_sql_close (f->connection);
  g_free (f->path);
  test_dir_clear (&f->dir);
}

/* Every type a column holds comes back as it was bound: 64-bit
 * extremes, a double, text cut at a length, and typed NULLs. */
static void
test_sql_types (Fixture       *f,
                gconstpointer  data)
{
  static const gint64 ints[] = { G_MININT64, -1, 0, 1, G_MAXINT64 };
  VigilSqlStmt *insert = vigil_sql_prepare (f->connection,
                                            "INSERT INTO t (i, d, s) VALUES (?1, ?2, ?3)",
                                            VIGIL_SQL_ONCE);
  VigilSqlStmt *select = vigil_sql_prepare (f->connection, "SELECT i, d, s FROM t ORDER BY id",
                                            VIGIL_SQL_ONCE);

  g_assert_nonnull (insert);
  g_assert_nonnull (select);
  for (guint n = 0; n < G_N_ELEMENTS (ints); n++)
    {
      vigil_sql_bind_int64 (insert, 1, ints[n]);
      vigil_sql_bind_double (insert, 2, 0.25 * (double) n);
      /* the first 4 bytes only, and multi-byte UTF-8 whole */
      vigil_sql_bind_text (insert, 3, "Zoë-and-more", 4);
      g_assert_cmpint (vigil_sql_step (insert), ==, VIGIL_SQL_DONE);
      vigil_sql_reset (insert);
    }
  /* NULLs: typed ones for i and d, and a NULL text (s is NOT NULL: the
   * default would hide it, so s gets text) */
  vigil_sql_bind_null (insert, 1, VIGIL_SQL_INT);
  vigil_sql_bind_null (insert, 2, VIGIL_SQL_DOUBLE);
  vigil_sql_bind_text (insert, 3, "x", -1);
  g_assert_cmpint (vigil_sql_step (insert), ==, VIGIL_SQL_DONE);
  vigil_sql_finalize (insert);

  for (guint n = 0; n < G_N_ELEMENTS (ints); n++)
    {
      g_assert_cmpint (vigil_sql_step (select), ==, VIGIL_SQL_ROW);
      g_assert_false (vigil_sql_column_is_null (select, 0));
      g_assert_cmpint (vigil_sql_column_int64 (select, 0), ==, ints[n]);
      g_assert_cmpfloat (vigil_sql_column_double (select, 1), ==, 0.25 * (double) n);
      g_assert_cmpstr (vigil_sql_column_text (select, 2), ==, "Zoë");
      g_assert_cmpuint (vigil_sql_column_bytes (select, 2), ==, 4);
    }
  g_assert_cmpint (vigil_sql_step (select), ==, VIGIL_SQL_ROW);
  g_assert_true (vigil_sql_column_is_null (select, 0));
  g_assert_true (vigil_sql_column_is_null (select, 1));
  g_assert_false (vigil_sql_column_is_null (select, 2));
  g_assert_cmpint (vigil_sql_step (select), ==, VIGIL_SQL_DONE);
  vigil_sql_finalize (select);
}

/* A NULL text pointer binds a NULL, not an empty text. */
static void
test_sql_null_text (Fixture       *f,
                    gconstpointer  data)
{
  VigilSqlStmt *stmt = vigil_sql_prepare (f->connection, "SELECT ?1 IS NULL, ?2", VIGIL_SQL_ONCE);

  vigil_sql_bind_text (stmt, 1, NULL, -1);
  vigil_sql_bind_text_copy (stmt, 2, NULL, -1);
  g_assert_cmpint (vigil_sql_step (stmt), ==, VIGIL_SQL_ROW);
  g_assert_cmpint (vigil_sql_column_int64 (stmt, 0), ==, 1);
  g_assert_true (vigil_sql_column_is_null (stmt, 1));
  g_assert_null (vigil_sql_column_text (stmt, 1));
  vigil_sql_finalize (stmt);
}

/* A copied text survives its buffer; a reset keeps the bindings and a
 * reset_unbound clears them (the store's kept statements rely on both). */
static void
test_sql_reset (Fixture       *f,
                gconstpointer  data)
{
  VigilSqlStmt *stmt = vigil_sql_prepare (f->connection, "SELECT ?1, ?2", VIGIL_SQL_KEEP);
  char *text = g_strdup ("copied");

  g_assert_cmpint (vigil_sql_bind_parameter_count (stmt), ==, 2);
  vigil_sql_bind_int64 (stmt, 1, 7);
  vigil_sql_bind_text_copy (stmt, 2, text, -1);
  memset (text, 'X', strlen (text));
  g_free (text);
  g_assert_cmpint (vigil_sql_step (stmt), ==, VIGIL_SQL_ROW);
  g_assert_cmpint (vigil_sql_column_int64 (stmt, 0), ==, 7);
  g_assert_cmpstr (vigil_sql_column_text (stmt, 1), ==, "copied");

  vigil_sql_reset (stmt);
  g_assert_cmpint (vigil_sql_step (stmt), ==, VIGIL_SQL_ROW);
  g_assert_cmpint (vigil_sql_column_int64 (stmt, 0), ==, 7);
  g_assert_cmpstr (vigil_sql_column_text (stmt, 1), ==, "copied");

  vigil_sql_reset_unbound (stmt);
  g_assert_cmpint (vigil_sql_step (stmt), ==, VIGIL_SQL_ROW);
  g_assert_true (vigil_sql_column_is_null (stmt, 0));
  g_assert_true (vigil_sql_column_is_null (stmt, 1));
  vigil_sql_finalize (stmt);
}

/* Rows changed, the id of the last insert, and whether a transaction is
 * open, as the store asks them. */
static void
test_sql_changes_and_transactions (Fixture       *f,
                                   gconstpointer  data)
{
  g_assert_false (vigil_sql_in_transaction (f->connection));
  g_assert_true (vigil_sql_exec (f->connection, "BEGIN"));
  g_assert_true (vigil_sql_in_transaction (f->connection));
  g_assert_true (vigil_sql_exec (f->connection, "INSERT INTO t (i) VALUES (1), (2), (3)"));
  g_assert_cmpint (vigil_sql_changes (f->connection), ==, 3);
  g_assert_cmpint (vigil_sql_last_insert_rowid (f->connection), ==, 3);
  g_assert_true (vigil_sql_exec (f->connection, "UPDATE t SET d = 1 WHERE i >= 2"));
  g_assert_cmpint (vigil_sql_changes (f->connection), ==, 2);
  g_assert_true (vigil_sql_exec (f->connection, "ROLLBACK"));
  g_assert_false (vigil_sql_in_transaction (f->connection));
}

/* A copied value keeps its type and its NULL past the statement it came
 * from, and binds into another. */
static void
test_sql_values (Fixture       *f,
                 gconstpointer  data)
{
  VigilSqlStmt *read = vigil_sql_prepare (f->connection, "SELECT 42, 'text', NULL, 2.5",
                                          VIGIL_SQL_ONCE);
  VigilSqlStmt *echo = vigil_sql_prepare (f->connection,
                                          "SELECT typeof (?1), typeof (?2), typeof (?3), "
                                          "typeof (?4), typeof (?5), ?1, ?2, ?4",
                                          VIGIL_SQL_ONCE);
  VigilSqlValue *values[4];

  g_assert_cmpint (vigil_sql_step (read), ==, VIGIL_SQL_ROW);
  for (int c = 0; c < 4; c++)
    values[c] = vigil_sql_column_value_dup (read, c);
  vigil_sql_finalize (read);

  g_assert_false (vigil_sql_value_is_null (values[0]));
  g_assert_false (vigil_sql_value_is_null (values[1]));
  g_assert_true (vigil_sql_value_is_null (values[2]));
  g_assert_true (vigil_sql_value_is_null (NULL));

  for (int c = 0; c < 4; c++)
    vigil_sql_bind_value (echo, 1 + c, values[c]);
  vigil_sql_bind_value (echo, 5, NULL);
  g_assert_cmpint (vigil_sql_step (echo), ==, VIGIL_SQL_ROW);
  g_assert_cmpstr (vigil_sql_column_text (echo, 0), ==, "integer");
  g_assert_cmpstr (vigil_sql_column_text (echo, 1), ==, "text");
  g_assert_cmpstr (vigil_sql_column_text (echo, 2), ==, "null");
  g_assert_cmpstr (vigil_sql_column_text (echo, 3), ==, "real");
  g_assert_cmpstr (vigil_sql_column_text (echo, 4), ==, "null");
  g_assert_cmpint (vigil_sql_column_int64 (echo, 5), ==, 42);
  g_assert_cmpstr (vigil_sql_column_text (echo, 6), ==, "text");
  g_assert_cmpfloat (vigil_sql_column_double (echo, 7), ==, 2.5);
  vigil_sql_finalize (echo);
  for (int c = 0; c < 4; c++)
    vigil_sql_value_free (values[c]);
}

/* What failed, in the layer's words the store maps to its messages:
 * bad SQL, a constraint, a held lock, a read-only file, not a database. */
static void
test_sql_errors (Fixture       *f,
                 gconstpointer  data)
{
  VigilSqlStmt *stmt;
  VigilSqlConnection *other, *read_only, *foreign;
  g_autofree char *junk = NULL;

  g_assert_null (vigil_sql_prepare (f->connection, "SELEKT 1", VIGIL_SQL_ONCE));
  g_assert_cmpint (vigil_sql_error_code (f->connection), ==, VIGIL_SQL_FAILED);
  g_assert_nonnull (strstr (vigil_sql_error_message (f->connection), "syntax error"));

  stmt = vigil_sql_prepare (f->connection, "INSERT INTO t (s) VALUES (NULL)", VIGIL_SQL_ONCE);
  g_assert_cmpint (vigil_sql_step (stmt), ==, VIGIL_SQL_ERROR);
  vigil_sql_reset (stmt);
  g_assert_cmpint (vigil_sql_error_code (f->connection), ==, VIGIL_SQL_FAILED);
  g_assert_nonnull (strstr (vigil_sql_error_message (f->connection), "NOT NULL"));
  vigil_sql_finalize (stmt);

  /* another connection holds the write lock; no wait on this one */
  other = open_connection (f->path, SQLITE_OPEN_READWRITE);
  g_assert_true (vigil_sql_exec (other, "BEGIN IMMEDIATE"));
  g_assert_false (vigil_sql_exec (f->connection, "BEGIN IMMEDIATE"));
  g_assert_cmpint (vigil_sql_error_code (f->connection), ==, VIGIL_SQL_BUSY);
  g_assert_true (vigil_sql_exec (other, "ROLLBACK"));
  vigil_sql_close (other);

  read_only = open_connection (f->path, SQLITE_OPEN_READONLY);
  g_assert_false (vigil_sql_exec (read_only, "INSERT INTO t (i) VALUES (1)"));
  g_assert_cmpint (vigil_sql_error_code (read_only), ==, VIGIL_SQL_READ_ONLY);
  vigil_sql_close (read_only);

  junk = test_dir_write (&f->dir, "junk.db", "This is not an SQLite file, only words in a row. "
                         "It is long enough to be more than a header's worth of bytes.", -1);
  foreign = open_connection (junk, SQLITE_OPEN_READWRITE);
  g_assert_null (vigil_sql_prepare (foreign, "SELECT count(*) FROM sqlite_master", VIGIL_SQL_ONCE));
  g_assert_cmpint (vigil_sql_error_code (foreign), ==, VIGIL_SQL_NOT_A_DATABASE);
  vigil_sql_close (foreign);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/sql/types", test_sql_types);
  ADD ("/sql/null-text", test_sql_null_text);
  ADD ("/sql/reset", test_sql_reset);
  ADD ("/sql/changes-and-transactions", test_sql_changes_and_transactions);
  ADD ("/sql/values", test_sql_values);
  ADD ("/sql/errors", test_sql_errors);
#undef ADD

  return g_test_run ();
}
