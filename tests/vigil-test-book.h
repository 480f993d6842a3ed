/* vigil-test-book.h: the book a test works on, on the engine the suite
 * runs on (VIGIL_TEST_ENGINE), and peeks into it
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include <glib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "vigil-core.h"
#include "vigil-test-util.h"
#ifdef HAVE_POSTGRESQL
#include "vigil-test-pg.h"
#include "vigil-sql.h"
#include "vigil-store-private.h"
#endif

/* Whether the suite runs on PostgreSQL: tests/meson.build runs the
 * suites of postgresql_tests again through tests/with-postgres.sh with
 * VIGIL_TEST_ENGINE=postgresql. */
static inline gboolean
vigil_test_on_postgresql (void)
{
  return g_strcmp0 (g_getenv ("VIGIL_TEST_ENGINE"), "postgresql") == 0;
}

#ifdef HAVE_POSTGRESQL
static inline void
vigil_test_book_drop (gpointer database)
{
  vigil_test_pg_drop_database (database);
  g_free (database);
}
#endif

/* Where a test's book lives: file @name in @dir on SQLite; on
 * PostgreSQL a new database of the test's own on the cluster, dropped
 * when the test ends (g_test_queue_destroy()), so call it inside a
 * test. Each call gives a new, empty book. */
static inline char *
vigil_test_book_location (TestDir    *dir,
                          const char *name)
{
  if (!vigil_test_on_postgresql ())
    return test_dir_file (dir, name);
#ifdef HAVE_POSTGRESQL
  {
    char *database;

    g_assert_nonnull (vigil_test_pg_cluster ());
    database = vigil_test_pg_create_database ();
    g_test_queue_destroy (vigil_test_book_drop, database);
    return vigil_test_pg_location (database);
  }
#else
  g_error ("VIGIL_TEST_ENGINE=postgresql, and the tests were built without libpq");
#endif
}

/* A book that outlives a test (a suite's, or one made for several):
 * file @name in folder @folder on SQLite; on PostgreSQL a new database on
 * the cluster, its name in @out_database, for
 * vigil_test_book_drop_lasting() once done. */
static inline char *
vigil_test_book_lasting (const char  *folder,
                         const char  *name,
                         char       **out_database)
{
  *out_database = NULL;
  if (!vigil_test_on_postgresql ())
    return g_build_filename (folder, name, NULL);
#ifdef HAVE_POSTGRESQL
  *out_database = vigil_test_pg_create_database ();
  return vigil_test_pg_location (*out_database);
#else
  g_error ("VIGIL_TEST_ENGINE=postgresql, and the tests were built without libpq");
#endif
}

/* Drops and frees the database vigil_test_book_lasting() made, if any. */
static inline void
vigil_test_book_drop_lasting (char *database)
{
#ifdef HAVE_POSTGRESQL
  if (database != NULL)
    vigil_test_pg_drop_database (database);
#endif
  g_free (database);
}

#ifdef HAVE_POSTGRESQL
/* Runs @sql on the book at @location, on a connection of its own with
 * the store's tables (schema vigil) first on the search path. Returns
 * its result, for the caller to PQclear(). */
static inline PGresult *
test_book_pg_run (const char *location,
                  const char *sql)
{
  PGconn *conn = vigil_test_pg_connect (location);
  g_autofree char *writer = g_strdup_printf ("SET vigil.writer = '%s'", _vigil_sql_pg_writer_id ());
  PGresult *result;

  PQclear (vigil_test_pg_exec (conn, "SET search_path = vigil"));
  /* The test's change is its own process's, as on a file: a window of
   * the process does not hear it (design 1, LISTEN/NOTIFY) and reads it
   * when the test reloads. */
  PQclear (vigil_test_pg_exec (conn, writer));
  result = vigil_test_pg_exec (conn, sql);
  PQfinish (conn);
  return result;
}
#endif

/* A peek beside the store waits for its locks as the store does: even
 * in WAL mode a reader can find the file locked for a moment, as when
 * the store's last connection closes and checkpoints (SQLITE_BUSY,
 * "database is locked"). */
static inline void
test_book_wait_for_locks (sqlite3 *db)
{
  sqlite3_busy_timeout (db, 10000);
}

/* The one value @sql selects from the book at @location, as text, or
 * NULL when it selects no row or a NULL (g_free() it). @sql is SQL both
 * engines accept; a peek beside the store's own reads. */
static inline char *
test_book_text (const char *location,
                const char *sql)
{
  char *value = NULL;

  if (vigil_store_location_is_shared (location))
    {
#ifdef HAVE_POSTGRESQL
      PGresult *result = test_book_pg_run (location, sql);

      if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
        value = g_strdup (PQgetvalue (result, 0, 0));
      PQclear (result);
#else
      g_assert_not_reached ();
#endif
    }
  else
    {
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open_v2 (location, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
      test_book_wait_for_locks (db);
      if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
        g_error ("%s: %s", sql, sqlite3_errmsg (db));
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
  return value;
}

/* @text as an SQL string literal (its quotes doubled), for a test's own
 * peeks: both engines read it so (PostgreSQL's standard strings). */
static inline char *
test_book_quote (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "'", -1);
  g_autofree char *doubled = g_strjoinv ("''", parts);

  return g_strdup_printf ("'%s'", doubled);
}

/* The texts of @expr over the rows @from gives (a table, maybe with a
 * WHERE clause), in the @order given, joined by @separator; NULL when
 * there are none. */
static inline char *
test_book_joined (const char *location,
                  const char *expr,
                  const char *from,
                  const char *order,
                  const char *separator)
{
  g_autofree char *quoted = test_book_quote (separator);
  g_autofree char *sql = NULL;

  if (vigil_store_location_is_shared (location))
    sql = g_strdup_printf ("SELECT string_agg (CAST (%s AS text), %s ORDER BY %s) FROM %s",
                           expr, quoted, order, from);
  else
    sql = g_strdup_printf ("SELECT group_concat (v, %s) FROM (SELECT %s AS v FROM %s ORDER BY %s)",
                           quoted, expr, from, order);
  return test_book_text (location, sql);
}

/* The one number @sql selects from the book at @location; -1 when it
 * selects no row or a NULL. A truth selected is 1 or 0 on both engines
 * when written as CASE WHEN … THEN 1 ELSE 0 END. */
static inline gint64
test_book_int (const char *location,
               const char *sql)
{
  g_autofree char *text = test_book_text (location, sql);

  if (text == NULL)
    return -1;
  /* PostgreSQL's text of a boolean */
  if (g_str_equal (text, "t") || g_str_equal (text, "f"))
    return g_str_equal (text, "t");
  return g_ascii_strtoll (text, NULL, 10);
}

/* Runs @sql, which takes no parameters, on the book at @location,
 * beside the store: a change the store's API cannot make (damage, an
 * older time). */
static inline void
test_book_exec (const char *location,
                const char *sql)
{
  if (vigil_store_location_is_shared (location))
    {
#ifdef HAVE_POSTGRESQL
      PQclear (test_book_pg_run (location, sql));
#else
      g_assert_not_reached ();
#endif
    }
  else
    {
      sqlite3 *db = NULL;
      char *message = NULL;

      g_assert_cmpint (sqlite3_open (location, &db), ==, SQLITE_OK);
      test_book_wait_for_locks (db);
      if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
        g_error ("%s: %s", sql, message);
      sqlite3_close (db);
    }
}

/* Whether a writer holds the book at @location now: another connection
 * could not start writing without waiting. On a file, SQLite's write
 * lock (BEGIN IMMEDIATE); on a team's book, the book's write lock that
 * every writer takes (vigil_store_begin()). */
static inline gboolean
test_book_write_locked (const char *location)
{
  if (vigil_store_location_is_shared (location))
    {
#ifdef HAVE_POSTGRESQL
      PGconn *conn = vigil_test_pg_connect (location);
      PGresult *result;
      gboolean locked;

      PQclear (vigil_test_pg_exec (conn, "BEGIN"));
      result = vigil_test_pg_exec (conn, "SELECT pg_try_advisory_xact_lock (" VIGIL_STORE_LOCK_BOOK ")");
      locked = g_str_equal (PQgetvalue (result, 0, 0), "f");
      PQclear (result);
      PQclear (vigil_test_pg_exec (conn, "ROLLBACK"));
      PQfinish (conn);
      return locked;
#else
      g_assert_not_reached ();
#endif
    }
  else
    {
      sqlite3 *db = NULL;
      int rc;

      g_assert_cmpint (sqlite3_open_v2 (location, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
      sqlite3_busy_timeout (db, 0);
      rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close (db);
      g_assert_true (rc == SQLITE_OK || rc == SQLITE_BUSY);
      return rc == SQLITE_BUSY;
    }
}

/* @rows, lines of JSON arrays, as json-glib writes them: one form
 * whichever engine's JSON functions wrote them. */
static inline char *
test_book_compact_rows (const char *rows)
{
  g_auto(GStrv) lines = g_strsplit (rows, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_steal_pointer (&lines[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (line, &error);

      g_assert_no_error (error);
      lines[i] = json_to_string (node, FALSE);
    }
  return g_strjoinv ("\n", lines);
}

/* The rows @from gives (a table, maybe with a WHERE clause), their
 * @columns as a JSON array a line, in the @order given; NULL when there
 * are none. The same text on both engines, to compare a book's contents
 * before and after a change. */
static inline char *
test_book_rows (const char *location,
                const char *columns,
                const char *from,
                const char *order)
{
  g_autofree char *sql = NULL;
  g_autofree char *rows = NULL;

  if (vigil_store_location_is_shared (location))
    sql = g_strdup_printf ("SELECT string_agg (CAST (json_build_array (%s) AS text), chr (10) "
                           "ORDER BY %s) FROM %s", columns, order, from);
  else
    sql = g_strdup_printf ("SELECT group_concat (row, char (10)) FROM "
                           "(SELECT json_array (%s) AS row FROM %s ORDER BY %s)",
                           columns, from, order);
  rows = test_book_text (location, sql);
  return rows != NULL ? test_book_compact_rows (rows) : NULL;
}

/* "I am" @name on the book at @location (design 5), or no one for NULL:
 * a file's `me` setting; on a team's book, where who one is comes from
 * the team's people (design 1.1), the people row of the role the tests
 * connect as. */
static inline void
test_book_be (const char *location,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *quoted = NULL;

  if (!vigil_store_location_is_shared (location))
    {
      store = vigil_store_open (location, &error);
      g_assert_no_error (error);
      g_assert_true (vigil_store_set_me (store, name, &error));
      g_assert_no_error (error);
      return;
    }
  if (name == NULL)
    {
      test_book_exec (location, "DELETE FROM vigil.people WHERE role = CAST (current_user AS text)");
      return;
    }
  quoted = test_book_quote (name);
  sql = g_strdup_printf ("INSERT INTO vigil.people (role, owner, kind) VALUES (CAST (current_user AS text), %s, 'ops') "
                         "ON CONFLICT (role) DO UPDATE SET owner = EXCLUDED.owner", quoted);
  test_book_exec (location, sql);
}
