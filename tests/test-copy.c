/* test-copy.c: vigil db copy, a book moved whole between a file and a
 * team's book on PostgreSQL (design 4)
 *
 * A book with history, a CSM's day and a linked account is copied by the
 * vigil binary, as a user copies it; the copy must answer every command
 * as the original does, byte for byte. Run plainly, the copies are
 * files; through tests/with-postgres.sh (suite postgresql) they also go
 * through a database of the test's own on the private cluster.
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <sqlite3.h>
#include <string.h>

#include "vigil-store-private.h"
#include "vigil-test-history.h"
#ifdef HAVE_POSTGRESQL
#include "vigil-test-pg.h"
#endif
#include "vigil-test-run.h"
#include "vigil-test-util.h"

typedef struct
{
  TestDir  dir;
  char    *book;    /* the original, a file */
  char    *csv;
} Fixture;

/* The commands whose output a copy must give unchanged. */
static const char * const compared[][5] = {
  { "scores", "--format", "json" },
  { "scores", "--churned", "--format", "json" },
  { "scores", "--format", "csv" },
  { "history", "acct-03", "--format", "json" },
  { "history", "acct-01", "--format", "json" },
  { "timeline", "acct-03" },
  { "timeline", "acct-01", "--format", "json" },
  { "triggers", "--format", "json" },
  { "triggers", "--by-customer", "--format", "json" },
  { "source", "list" },
  { "scorecard", "show" },
  { "view", "list", "--format", "json" },
  { "view", "default" },
  { "pulse", "acct-03", "--format", "json" },
  { "churn-model" },
};

static void
run_ok (TestRun            *run,
        const char * const *args)
{
  test_run_vigil_argv (run, args);
  if (run->status != 0)
    g_error ("vigil %s %s %s %s: status %d: %s", args[0], args[1], args[2], args[3], run->status, run->err);
}

#define RUN_OK(run, ...) run_ok (run, (const char * const []) { __VA_ARGS__, NULL })

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *history = test_history_csv ();
  g_auto(TestRun) run = { 0 };

  test_dir_init (&f->dir);
  f->book = test_dir_file (&f->dir, "book.db");
  f->csv = test_dir_write (&f->dir, "history.csv", history, -1);
  RUN_OK (&run, "--db", f->book, "import", f->csv);
  /* A CSM's day: everything a book keeps besides its history. */
  RUN_OK (&run, "--db", f->book, "me", "Dana Park");
  RUN_OK (&run, "--db", f->book, "note", "acct-03", "Champion left;\tQBR booked\nnext week \\o/", "--kind", "call",
          "--at", "2026-11-08T09:30:00Z");
  RUN_OK (&run, "--db", f->book, "pulse", "acct-03", "red", "--reason", "champion-left", "--note", "Said so\tin\na call");
  RUN_OK (&run, "--db", f->book, "outcome", "acct-05", "churned", "--date", "2026-11-05");
  RUN_OK (&run, "--db", f->book, "outcome", "acct-07", "renewed", "--date", "2026-11-06");
  RUN_OK (&run, "--db", f->book, "view", "save", "dana-risk", "--owner", "Dana Park", "--sort", "mrr");
  RUN_OK (&run, "--db", f->book, "view", "default", "dana-risk");
  RUN_OK (&run, "--db", f->book, "trigger", "ack", "1");
  RUN_OK (&run, "--db", f->book, "trigger", "plan-limit", "starter", "5000");
  RUN_OK (&run, "--db", f->book, "scorecard", "set", "activity.weight", "10");
  /* an account of two records: raw observations, origins, events */
  RUN_OK (&run, "--db", f->book, "link", "imported:acct-01", "imported:acct-02");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->book);
  g_free (f->csv);
  test_dir_clear (&f->dir);
}

/* Runs @args on @book; gives what it printed, failing on a failure
 * unless @any_status, when the status and standard error are given too. */
static char *
run_on_book (const char         *book,
             const char * const *args,
             gboolean            any_status)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(TestRun) run = { 0 };

  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, (gpointer) book);
  for (guint i = 0; i < 5 && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (any_status)
    {
      test_run_vigil_argv (&run, (const char * const *) argv->pdata);
      return g_strdup_printf ("%d\n%s%s", run.status, run.out, run.err);
    }
  run_ok (&run, (const char * const *) argv->pdata);
  return g_steal_pointer (&run.out);
}

static char *
output_of (const char         *book,
           const char * const *args)
{
  return run_on_book (book, args, FALSE);
}

/* Every compared command prints the same on @copy as on @original. */
static void
assert_same_book (const char *original,
                  const char *copy)
{
  for (guint i = 0; i < G_N_ELEMENTS (compared); i++)
    {
      g_autofree char *expected = output_of (original, compared[i]);
      g_autofree char *got = output_of (copy, compared[i]);

      g_test_message ("vigil %s %s", compared[i][0], compared[i][1] ? compared[i][1] : "");
      g_assert_cmpstr (got, ==, expected);
    }
}

/* Every compared command's output on @book, joined: what "unchanged"
 * is checked against. */
static char *
book_outputs (const char *book)
{
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (compared); i++)
    {
      g_autofree char *out = run_on_book (book, compared[i], TRUE);

      g_string_append (all, out);
    }
  return g_string_free (all, FALSE);
}

static void
copy_book (TestRun    *run,
           const char *from,
           const char *to)
{
  test_run_vigil (run, "db", "copy", "--from", from, "--to", to);
}

/* A file into a new file: every table, ids kept; "I am" stays the
 * person's; a copy's progress is told on standard error. */
static void
test_copy_file_to_file (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *copy = test_dir_file (&f->dir, "copy.db");
  g_autofree char *me = NULL;
  g_auto(TestRun) run = { 0 };

  copy_book (&run, f->book, copy);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "(sources: 1, customers: 11, snapshots: 770)"));
  g_assert_nonnull (strstr (run.err, "snapshots: 770 rows copied"));
  g_assert_nonnull (strstr (run.err, "touches: 1 row copied"));
  assert_same_book (f->book, copy);
  me = output_of (copy, (const char * const []) { "me", NULL });
  g_assert_nonnull (strstr (me, "not set"));
}

/* A book that holds anything is refused, named, with --merge, and left
 * as it was; one with only "I am" set is empty. */
static void
test_copy_refuses_non_empty (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *other = test_dir_file (&f->dir, "other.db");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(TestRun) run = { 0 };

  RUN_OK (&run, "--db", other, "me", "Lee Chen");
  RUN_OK (&run, "--db", other, "view", "save", "mine", "--owner", "Lee Chen");
  before = book_outputs (other);
  copy_book (&run, f->book, other);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, other));
  g_assert_nonnull (strstr (run.err, "is not empty (views 1)"));
  g_assert_nonnull (strstr (run.err, "(--merge)"));
  g_assert_nonnull (strstr (run.err, "left unchanged"));
  after = book_outputs (other);
  g_assert_cmpstr (after, ==, before);
  /* --merge: not there yet, and says so */
  test_run_vigil (&run, "db", "copy", "--merge", "--from", f->book, "--to", other);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "is not empty (views 1)"));
  g_assert_nonnull (strstr (run.err, "joining it into one that has its own (--merge) is not possible yet"));
  g_clear_pointer (&after, g_free);
  after = book_outputs (other);
  g_assert_cmpstr (after, ==, before);

  RUN_OK (&run, "--db", other, "view", "remove", "mine");
  copy_book (&run, f->book, other);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_book (f->book, other);
  g_clear_pointer (&after, g_free);
  after = output_of (other, (const char * const []) { "me", NULL });
  g_assert_nonnull (strstr (after, "Lee Chen"));

  /* the copy is not empty either */
  copy_book (&run, f->book, other);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "is not empty (sources 1, customers 11, snapshots 770"));
}

/* A copy that fails half way (the target refuses a touch, copied after
 * the history) leaves the target as it was. */
static void
test_copy_failure_leaves_target (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *target = test_dir_file (&f->dir, "target.db");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(TestRun) run = { 0 };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  RUN_OK (&run, "--db", target, "me", "Lee Chen");
  before = book_outputs (target);
  g_assert_cmpint (sqlite3_open (target, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER refuse BEFORE INSERT ON touches "
                                 "BEGIN SELECT RAISE (ABORT, 'no touches here'); END", NULL, NULL, NULL), ==, SQLITE_OK);
  copy_book (&run, f->book, target);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "no touches here"));
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT count(*) FROM sources) + (SELECT count(*) FROM snapshots) "
                                       "+ (SELECT count(*) FROM scorecards)", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER refuse", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  after = book_outputs (target);
  g_assert_cmpstr (after, ==, before);
}

/* Usage mistakes, a missing source, a book copied into itself: a new
 * file the copy could not fill is not left behind; --merge into an
 * empty book. */
static void
test_copy_mistakes (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *missing = test_dir_file (&f->dir, "missing.db");
  g_autofree char *target = test_dir_file (&f->dir, "target.db");
  g_auto(TestRun) run = { 0 };

  test_run_vigil (&run, "db", "copy", "--from", f->book);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--from BOOK and --to BOOK"));
  test_run_vigil (&run, "db", "move");
  g_assert_cmpint (run.status, ==, 2);
  copy_book (&run, missing, target);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "does not exist"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  copy_book (&run, f->book, f->book);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "cannot be copied into itself"));

  /* --merge into an empty book is the plain copy */
  test_run_vigil (&run, "db", "copy", "--merge", "--from", f->book, "--to", target);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_book (f->book, target);
}

/* What a copy of @from writes meanwhile into it (a touch, once the
 * sources are copied). */
typedef struct
{
  const char *from;
  gboolean    written;
} LateWrite;

static void
write_during_copy_cb (const char *table,
                      guint64     rows,
                      gboolean    done,
                      gpointer    user_data)
{
  LateWrite *late = user_data;
  g_auto(TestRun) run = { 0 };

  if (!done || late->written || !g_str_equal (table, "sources"))
    return;
  RUN_OK (&run, "--db", late->from, "note", "imported:acct-03", "Written while the copy ran");
  late->written = TRUE;
}

/* A copy of @from into the new file @to, while another Vigil writes a
 * touch into @from half way: the copy is of the book as it stood when
 * it began (one read transaction), the touch is in @from only. */
static void
assert_copy_reads_one_state (const char *from,
                             const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) source = vigil_store_open (from, &error);
  g_autoptr(VigilStore) target = NULL;
  const char * const timeline[] = { "timeline", "imported:acct-03", NULL };
  g_autofree char *copied = NULL;
  g_autofree char *now = NULL;
  LateWrite late = { from, FALSE };

  g_assert_no_error (error);
  copied = output_of (from, timeline);
  target = vigil_store_open (to, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_store_copy (source, target, VIGIL_STORE_COPY_NONE, write_during_copy_cb, &late, NULL,
                                   &error));
  g_assert_no_error (error);
  g_assert_true (late.written);
  g_clear_object (&target);
  g_clear_object (&source);
  g_clear_pointer (&now, g_free);
  now = output_of (to, timeline);
  g_assert_cmpstr (now, ==, copied);
  g_clear_pointer (&now, g_free);
  now = output_of (from, timeline);
  g_assert_nonnull (strstr (now, "Written while the copy ran"));
}

/* A file written while it is copied: the copy is of one state. */
static void
test_copy_one_state (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *copy = test_dir_file (&f->dir, "copy.db");

  assert_copy_reads_one_state (f->book, copy);
}

/* Every column of every table of the schema is copied: a migration that
 * adds one adds it to the copy. */
static void
test_copy_every_column (Fixture       *f,
                        gconstpointer  data)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint tables = 0;

  g_assert_cmpint (sqlite3_open_v2 (f->book, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT m.name, group_concat (p.name, ', ') FROM sqlite_schema m, "
                                       "pragma_table_info (m.name) p WHERE m.type = 'table' "
                                       "GROUP BY m.name ORDER BY m.name", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);

      g_test_message ("%s", table);
      g_assert_cmpstr (_vigil_store_copy_table_columns (table), ==, (const char *) sqlite3_column_text (stmt, 1));
      tables++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (tables, ==, 18);
}

#ifdef HAVE_POSTGRESQL
/* A file into a team's book, back into a new file and into another
 * team's book: the same book all the way; the server's ids go on after
 * the highest copied; a second copy into it is refused. */
static void
test_copy_postgresql (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *name = NULL;
  g_autofree char *server = NULL;
  g_autofree char *other_name = NULL;
  g_autofree char *other = NULL;
  g_autofree char *back = test_dir_file (&f->dir, "back.db");
  g_autofree char *late = test_dir_file (&f->dir, "late.db");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *ids = NULL;
  g_auto(TestRun) run = { 0 };
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  name = vigil_test_pg_create_database ();
  server = vigil_test_pg_location (name);
  copy_book (&run, f->book, server);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "snapshots: 770 rows copied"));
  assert_same_book (f->book, server);
  copy_book (&run, server, back);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_book (f->book, back);
  /* and from one team's server to another's */
  other_name = vigil_test_pg_create_database ();
  other = vigil_test_pg_location (other_name);
  copy_book (&run, server, other);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_book (f->book, other);
  vigil_test_pg_drop_database (other_name);

  /* refused, and left as it was */
  before = book_outputs (server);
  copy_book (&run, back, server);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "is not empty (sources 1, customers 11"));
  after = book_outputs (server);
  g_assert_cmpstr (after, ==, before);

  /* a team's book written while it is copied out */
  assert_copy_reads_one_state (server, late);

  /* new rows get fresh ids: a source, a customer, a touch */
  RUN_OK (&run, "--db", server, "import", f->csv, "--source", "crm");
  RUN_OK (&run, "--db", server, "note", "imported:acct-04", "Renewal call booked");
  g_assert_nonnull (strstr (run.out, "touch 3"));
  conn = vigil_test_pg_connect (server);
  ids = vigil_test_pg_query_text (conn, "SELECT (SELECT max (id) FROM vigil.sources) || ' ' || "
                                        "(SELECT min (id) FROM vigil.customers WHERE source_id = 2)");
  g_assert_cmpstr (ids, ==, "2 13");
  PQfinish (conn);
  vigil_test_pg_drop_database (name);
}

/* A copy the server refuses half way (a day that is no day, which
 * PostgreSQL checks and SQLite does not) leaves the team's book empty. */
static void
test_copy_postgresql_failure (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *name = NULL;
  g_autofree char *server = NULL;
  g_autofree char *count = NULL;
  g_auto(TestRun) run = { 0 };
  sqlite3 *db = NULL;
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  name = vigil_test_pg_create_database ();
  server = vigil_test_pg_location (name);
  g_assert_cmpint (sqlite3_open (f->book, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE outcomes SET day = 'soon' WHERE outcome = 'renewed'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  copy_book (&run, f->book, server);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "outcomes"));
  conn = vigil_test_pg_connect (server);
  count = vigil_test_pg_query_text (conn, "SELECT (SELECT count(*) FROM vigil.sources) + "
                                          "(SELECT count(*) FROM vigil.snapshots) + "
                                          "(SELECT count(*) FROM vigil.scorecards)");
  g_assert_cmpstr (count, ==, "1");

  /* still empty: the copy goes in once the day is one */
  g_assert_cmpint (sqlite3_exec (db, "UPDATE outcomes SET day = '2026-11-06' WHERE day = 'soon'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  copy_book (&run, f->book, server);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_book (f->book, server);
  PQfinish (conn);
  vigil_test_pg_drop_database (name);
}
#endif

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/copy/file-to-file", test_copy_file_to_file);
  ADD ("/copy/refuses-non-empty", test_copy_refuses_non_empty);
  ADD ("/copy/failure-leaves-target", test_copy_failure_leaves_target);
  ADD ("/copy/mistakes", test_copy_mistakes);
  ADD ("/copy/one-state", test_copy_one_state);
  ADD ("/copy/every-column", test_copy_every_column);
#ifdef HAVE_POSTGRESQL
  ADD ("/copy/postgresql", test_copy_postgresql);
  ADD ("/copy/postgresql-failure", test_copy_postgresql_failure);
#endif
#undef ADD

  return g_test_run ();
}
