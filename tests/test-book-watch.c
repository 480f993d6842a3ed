/* test-book-watch.c: a window on a team's book hears of others' commits
 *
 * A watch on a database of the test's own on the private cluster
 * (tests/with-postgres.sh) is told of a commit made on another
 * connection, once per transaction, and not of its own process's, with
 * the parts of the book the commit wrote; it connects again after the
 * server drops it.
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-test-pg.h"

typedef struct
{
  char           *database;
  char           *location;
  VigilStore     *store;    /* made the book's tables */
  VigilBookWatch *watch;
  guint           changed;  /* ::changed emissions */
  guint           changes;  /* the last one's VigilBookChanges */
} Fixture;

static void
changed_cb (VigilBookWatch *watch,
            guint           changes,
            gpointer        user_data)
{
  Fixture *fixture = user_data;

  fixture->changed++;
  fixture->changes = changes;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (vigil_test_pg_cluster () == NULL)
    return;
  fixture->database = vigil_test_pg_create_database ();
  fixture->location = vigil_test_pg_location (fixture->database);
  fixture->store = vigil_store_open (fixture->location, &error);
  g_assert_no_error (error);
  fixture->watch = vigil_book_watch_new (fixture->location, &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->watch, "changed", G_CALLBACK (changed_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->watch);
  g_clear_object (&fixture->store);
  if (fixture->database != NULL)
    vigil_test_pg_drop_database (fixture->database);
  g_free (fixture->database);
  g_free (fixture->location);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until ::changed has come @count times in all, or
 * 20 s have passed (a failure: notifications come within milliseconds). */
static void
wait_for_changed (Fixture *fixture,
                  guint    count)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (20, timed_out_cb, &timed_out);

  while (fixture->changed < count && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
}

/* A write of someone else's: a connection of the test's own, which
 * names no writer, as psql or another program would. */
static void
write_as_someone_else (Fixture    *fixture,
                       const char *sql)
{
  PGconn *conn = vigil_test_pg_connect (fixture->location);

  PQclear (vigil_test_pg_exec (conn, sql));
  PQfinish (conn);
}

static void
test_book_watch_refuses_a_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilBookWatch) watch = vigil_book_watch_new ("/tmp/no-such-vigil-book.db", &error);

  g_assert_null (watch);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "/tmp/no-such-vigil-book.db"));
}

/* A commit of another's is heard, one per transaction however many
 * statements it held; the process's own commit before it is not. */
static void
test_book_watch_hears_others (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  g_assert_true (vigil_store_set_meta (fixture->store, "test.own", "1", &error));
  g_assert_no_error (error);
  write_as_someone_else (fixture, "BEGIN;"
                         "INSERT INTO vigil.meta (key, value) VALUES ('test.other', '1');"
                         "UPDATE vigil.meta SET value = '2' WHERE key = 'test.other';"
                         "COMMIT");
  wait_for_changed (fixture, 1);
  /* Delivered in commit order: the own one, had it counted, came first. */
  g_assert_cmpuint (vigil_book_watch_get_changes_seen (fixture->watch), ==, 1);

  /* A transaction that wrote nothing in the end tells nothing. */
  write_as_someone_else (fixture, "BEGIN; INSERT INTO vigil.meta (key, value) VALUES ('test.gone', '1'); ROLLBACK");
  write_as_someone_else (fixture, "DELETE FROM vigil.meta WHERE key = 'test.other'");
  wait_for_changed (fixture, 2);
  g_assert_cmpuint (vigil_book_watch_get_changes_seen (fixture->watch), ==, 2);
}

/* A poll's last commits come within milliseconds of each other: heard
 * one by one, they still make one ::changed, a little after the first,
 * so that a window reads the book once for them. */
static void
test_book_watch_gathers_commits (Fixture       *fixture,
                                 gconstpointer  data)
{
  PGconn *other;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  other = vigil_test_pg_connect (fixture->location);
  PQclear (vigil_test_pg_exec (other, "INSERT INTO vigil.meta (key, value) VALUES ('test.first', '1')"));
  while (vigil_book_watch_get_changes_seen (fixture->watch) < 1)
    g_main_context_iteration (NULL, TRUE);
  /* Heard, and not told yet: the watch waits for the commits after. */
  g_assert_cmpuint (fixture->changed, ==, 0);
  PQclear (vigil_test_pg_exec (other, "INSERT INTO vigil.meta (key, value) VALUES ('test.second', '1')"));
  wait_for_changed (fixture, 1);
  g_assert_cmpuint (vigil_book_watch_get_changes_seen (fixture->watch), ==, 2);

  /* A commit after that is told of on its own. */
  PQclear (vigil_test_pg_exec (other, "INSERT INTO vigil.meta (key, value) VALUES ('test.later', '1')"));
  wait_for_changed (fixture, 2);
  g_assert_cmpuint (vigil_book_watch_get_changes_seen (fixture->watch), ==, 3);
  g_assert_cmpuint (fixture->changed, ==, 2);
  PQfinish (other);
}

/* The server ends the watch's session: it connects again, says so (what
 * came meanwhile may be missed), and hears the commits after. */
static void
test_book_watch_reconnects (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *terminated = NULL;
  g_autofree char *sql = NULL;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  {
    PGconn *admin = vigil_test_pg_connect (vigil_test_pg_cluster ());

    /* The database's name is of the test's own making. */
    sql = g_strdup_printf ("SELECT count (pg_terminate_backend (pid)) FROM pg_stat_activity "
                           "WHERE datname = '%s' AND query = 'LISTEN vigil_book'", fixture->database);
    terminated = vigil_test_pg_query_text (admin, sql);
    PQfinish (admin);
  }
  g_assert_cmpstr (terminated, ==, "1");

  wait_for_changed (fixture, 1);
  g_assert_true (vigil_book_watch_is_connected (fixture->watch));
  g_assert_cmpuint (vigil_book_watch_get_changes_seen (fixture->watch), ==, 0);
  /* Anything may have been missed. */
  g_assert_cmpuint (fixture->changes, ==, VIGIL_BOOK_CHANGED_ALL);

  write_as_someone_else (fixture, "INSERT INTO vigil.meta (key, value) VALUES ('test.after', '1')");
  wait_for_changed (fixture, 2);
  g_assert_cmpuint (vigil_book_watch_get_changes_seen (fixture->watch), ==, 1);
}

/* Which part of the book a table is: what a window reads again. */
static void
test_book_watch_tables (void)
{
  g_assert_cmpuint (vigil_book_changes_of_table ("sources"), ==, VIGIL_BOOK_CHANGED_SOURCES);
  g_assert_cmpuint (vigil_book_changes_of_table ("source_validators"), ==, VIGIL_BOOK_CHANGED_SOURCES);
  g_assert_cmpuint (vigil_book_changes_of_table ("source_field_counts"), ==, VIGIL_BOOK_CHANGED_SOURCES);
  g_assert_cmpuint (vigil_book_changes_of_table ("triggers"), ==, VIGIL_BOOK_CHANGED_TRIGGERS);
  g_assert_cmpuint (vigil_book_changes_of_table ("customers"), ==, VIGIL_BOOK_CHANGED_OTHER);
  g_assert_cmpuint (vigil_book_changes_of_table ("events"), ==, VIGIL_BOOK_CHANGED_OTHER);
  /* Not known (another program's pg_notify, a later schema's): all. */
  g_assert_cmpuint (vigil_book_changes_of_table (""), ==, VIGIL_BOOK_CHANGED_OTHER);
  g_assert_cmpuint (vigil_book_changes_of_table ("triggers_of_2030"), ==, VIGIL_BOOK_CHANGED_OTHER);
}

/* Commits one at a time, each waited for: ::changed says what each
 * wrote; commits gathered into one ::changed say all they wrote. */
static void
test_book_watch_says_what_changed (Fixture       *fixture,
                                   gconstpointer  data)
{
  PGconn *other;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  write_as_someone_else (fixture, "INSERT INTO vigil.sources (name, kind, url, created_at) "
                         "VALUES ('crm', 'endpoint', 'https://crm.example/api', 0)");
  wait_for_changed (fixture, 1);
  g_assert_cmpuint (fixture->changes, ==, VIGIL_BOOK_CHANGED_SOURCES);

  write_as_someone_else (fixture, "INSERT INTO vigil.meta (key, value) VALUES ('test.other', '1')");
  wait_for_changed (fixture, 2);
  g_assert_cmpuint (fixture->changes, ==, VIGIL_BOOK_CHANGED_OTHER);

  write_as_someone_else (fixture, "UPDATE vigil.triggers SET state = 'done'");
  wait_for_changed (fixture, 3);
  g_assert_cmpuint (fixture->changes, ==, VIGIL_BOOK_CHANGED_TRIGGERS);

  /* Two tables in one transaction, then another's commit within the
   * gathering: one ::changed for all three. */
  other = vigil_test_pg_connect (fixture->location);
  PQclear (vigil_test_pg_exec (other, "BEGIN; UPDATE vigil.triggers SET state = 'done';"
                                      "UPDATE vigil.sources SET last_error = 'down'; COMMIT"));
  while (vigil_book_watch_get_changes_seen (fixture->watch) < 5)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->changed, ==, 3);
  PQclear (vigil_test_pg_exec (other, "UPDATE vigil.sources SET last_error = NULL"));
  wait_for_changed (fixture, 4);
  g_assert_cmpuint (fixture->changes, ==, VIGIL_BOOK_CHANGED_SOURCES | VIGIL_BOOK_CHANGED_TRIGGERS);
  g_assert_cmpuint (vigil_book_watch_get_changes_seen (fixture->watch), ==, 6);

  /* A notification naming no table, as another program may send: all. */
  PQclear (vigil_test_pg_exec (other, "SELECT pg_notify ('vigil_book', 'someone')"));
  wait_for_changed (fixture, 5);
  g_assert_cmpuint (fixture->changes, ==, VIGIL_BOOK_CHANGED_OTHER);
  PQfinish (other);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  g_test_add_func ("/book-watch/refuses-a-file", test_book_watch_refuses_a_file);
  g_test_add_func ("/book-watch/tables", test_book_watch_tables);
  ADD ("/book-watch/hears-others", test_book_watch_hears_others);
  ADD ("/book-watch/gathers-commits", test_book_watch_gathers_commits);
  ADD ("/book-watch/says-what-changed", test_book_watch_says_what_changed);
  ADD ("/book-watch/reconnects", test_book_watch_reconnects);
#undef ADD

  return g_test_run ();
}
