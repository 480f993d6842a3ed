/* test-engines.c: a team's book on PostgreSQL answers every command as a
 * book in a file does
 *
 * The same history is imported into an SQLite file and into a database
 * of the test's own on the private cluster (tests/with-postgres.sh), and
 * the same commands run on both, by the vigil binary, as a user runs
 * them: their output must be the same, byte for byte. Times a command
 * takes from the clock (a trigger's first sighting, a note logged now)
 * are the only thing told apart, as NOW.
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "vigil-store.h"
#include "vigil-test-history.h"
#include "vigil-test-pg.h"
#include "vigil-test-run.h"
#include "vigil-test-util.h"

typedef struct
{
  TestDir  dir;
  char    *file;         /* the SQLite book */
  char    *pg_database;  /* the PostgreSQL book's database */
  char    *pg_location;
  char    *csv;
  gint64   started;      /* Unix time the test began */
} Fixture;

static void
run_ok (TestRun            *run,
        const char * const *args)
{
  test_run_vigil_argv (run, args);
  if (run->status != 0)
    g_error ("vigil %s %s %s: status %d: %s", args[0], args[1], args[2], run->status, run->err);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *history = NULL;
  g_auto(TestRun) run = { 0 };

  test_dir_init (&f->dir);
  f->started = g_get_real_time () / G_USEC_PER_SEC;
  f->file = test_dir_file (&f->dir, "book.db");
  history = test_history_csv ();
  f->csv = test_dir_write (&f->dir, "history.csv", history, -1);
  if (vigil_test_pg_cluster () == NULL)
    return;
  f->pg_database = vigil_test_pg_create_database ();
  f->pg_location = vigil_test_pg_location (f->pg_database);
  run_ok (&run, (const char * const []) { "--db", f->file, "import", f->csv, NULL });
  run_ok (&run, (const char * const []) { "--db", f->pg_location, "import", f->csv, NULL });
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->pg_database != NULL)
    vigil_test_pg_drop_database (f->pg_database);
  g_free (f->pg_database);
  g_free (f->pg_location);
  g_free (f->file);
  g_free (f->csv);
  test_dir_clear (&f->dir);
}

/* @text with every ISO 8601 time at or after @since (the clock's, not the
 * history's) as NOW. */
static char *
mask_clock_times (const char *text,
                  gint64      since)
{
  g_autoptr(GRegex) iso = g_regex_new ("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GString *out = g_string_new (NULL);
  gint start = 0, end = 0, last = 0;

  g_regex_match (iso, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *found = g_match_info_fetch (match, 0);
      g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (found, NULL);

      g_match_info_fetch_pos (match, 0, &start, &end);
      g_string_append_len (out, text + last, start - last);
      g_string_append (out, when != NULL && g_date_time_to_unix (when) >= since ? "NOW" : found);
      last = end;
      g_match_info_next (match, NULL);
    }
  g_string_append (out, text + last);
  return g_string_free (out, FALSE);
}

/* Runs vigil with @args (after --db BOOK) on both books; both must
 * succeed or fail alike, and print the same. */
static void
assert_same (Fixture            *f,
             const char * const *args)
{
  g_autoptr(GPtrArray) on_file = g_ptr_array_new ();
  g_autoptr(GPtrArray) on_server = g_ptr_array_new ();
  g_auto(TestRun) file_run = { 0 };
  g_auto(TestRun) server_run = { 0 };
  g_autofree char *file_out = NULL;
  g_autofree char *server_out = NULL;
  g_auto(GStrv) file_err_parts = NULL;
  g_autofree char *file_err = NULL;
  g_autofree char *server_err = NULL;

  g_ptr_array_add (on_file, "--db");
  g_ptr_array_add (on_file, f->file);
  g_ptr_array_add (on_server, "--db");
  g_ptr_array_add (on_server, f->pg_location);
  for (guint i = 0; args[i] != NULL; i++)
    {
      g_ptr_array_add (on_file, (gpointer) args[i]);
      g_ptr_array_add (on_server, (gpointer) args[i]);
    }
  g_ptr_array_add (on_file, NULL);
  g_ptr_array_add (on_server, NULL);

  test_run_vigil_argv (&file_run, (const char * const *) on_file->pdata);
  test_run_vigil_argv (&server_run, (const char * const *) on_server->pdata);
  if (server_run.status != file_run.status)
    g_error ("vigil %s %s: %d on PostgreSQL (%s), %d on SQLite (%s)", args[0], args[1] ? args[1] : "",
             server_run.status, server_run.err, file_run.status, file_run.err);
  file_out = mask_clock_times (file_run.out, f->started);
  server_out = mask_clock_times (server_run.out, f->started);
  g_assert_cmpstr (server_out, ==, file_out);
  /* A failure names its book: the rest of what it says is the same. */
  file_err_parts = g_strsplit (file_run.err, f->file, -1);
  file_err = g_strjoinv (f->pg_location, file_err_parts);
  server_err = g_strdup (server_run.err);
  g_assert_cmpstr (server_err, ==, file_err);
}

#define SAME(f, ...) assert_same (f, (const char * const []) { __VA_ARGS__, NULL })


/* What the history says: the portfolio in every format, a customer's
 * history and timeline, the triggers it raised, the churn model. */
static void
test_engines_reads (Fixture       *f,
                    gconstpointer  data)
{
  if (vigil_test_pg_skip_without_cluster ())
    return;
  SAME (f, "scores");
  SAME (f, "scores", "--format", "json");
  SAME (f, "scores", "--format", "csv");
  SAME (f, "scores", "--owner", "Lee Chen");
  SAME (f, "history", "acct-03");
  SAME (f, "history", "acct-03", "--format", "json");
  SAME (f, "timeline", "acct-03");
  SAME (f, "triggers");
  SAME (f, "triggers", "--format", "json");
  SAME (f, "churn-model");
  SAME (f, "history", "no-such-customer");
}

/* Both books' author is Dana Park: "I am" is the file's setting, the
 * team's people on PostgreSQL (design 1.1). */
static void
be_dana (Fixture *f)
{
  g_auto(TestRun) run = { 0 };
  PGconn *conn;

  run_ok (&run, (const char * const []) { "--db", f->file, "me", "Dana Park", NULL });
  conn = vigil_test_pg_connect (f->pg_location);
  PQclear (vigil_test_pg_exec (conn, "INSERT INTO vigil.people (role, owner, kind) "
                                     "VALUES (CAST (current_user AS text), 'Dana Park', 'ops')"));
  PQfinish (conn);
}

/* A CSM's day: a note, a pulse, an outcome, a saved view, "I am", a
 * trigger worked; and what each changes in the reads. */
static void
test_engines_csm_day (Fixture       *f,
                      gconstpointer  data)
{
  if (vigil_test_pg_skip_without_cluster ())
    return;
  be_dana (f);
  SAME (f, "me");
  SAME (f, "note", "acct-03", "Champion left; QBR booked", "--kind", "call", "--at", "2026-11-08T09:30:00Z");
  SAME (f, "pulse", "acct-03", "red", "--reason", "champion left");
  SAME (f, "outcome", "acct-05", "churned", "--day", "2026-11-05");
  SAME (f, "outcome", "acct-07", "renewed", "--day", "2026-11-06");
  SAME (f, "outcome", "acct-07", "renewed", "--day", "2026-13-06");
  SAME (f, "view", "save", "dana-risk", "--owner", "Dana Park");
  SAME (f, "view", "list");
  SAME (f, "scores", "--view", "dana-risk");
  SAME (f, "scores", "--churned");
  SAME (f, "timeline", "acct-03");
  SAME (f, "timeline", "acct-05");
  SAME (f, "pulse", "acct-03");
  SAME (f, "trigger", "ack", "1");
  SAME (f, "trigger", "snooze", "2", "--until", "2026-12-31");
  SAME (f, "triggers", "--format", "json");
  SAME (f, "timeline", "acct-03");
  SAME (f, "churn-model");
}

/* The book changed as a whole: a new scorecard rescores every snapshot,
 * two records join one customer and part again. */
static void
test_engines_book_changes (Fixture       *f,
                           gconstpointer  data)
{
  if (vigil_test_pg_skip_without_cluster ())
    return;
  be_dana (f);
  SAME (f, "scorecard", "set", "activity.weight", "10");
  SAME (f, "scorecard", "show");
  SAME (f, "scores", "--format", "json");
  SAME (f, "history", "acct-04", "--format", "json");
  SAME (f, "link", "imported:acct-01", "imported:acct-02");
  SAME (f, "scores", "--format", "json");
  SAME (f, "history", "acct-01");
  SAME (f, "timeline", "acct-01");
  SAME (f, "unlink", "imported:acct-02");
  SAME (f, "scores", "--format", "json");
  SAME (f, "import", f->csv);
  SAME (f, "scores");
}

/* Records whose ids hold what a PostgreSQL array's text quotes (quotes,
 * backslashes, commas, braces, spaces, NULL): stored, then found again
 * by a second import (the lookup of many records at once), and read
 * alike; the ids new accounts take keep the order the records came in.
 * A name holds what COPY's text escapes (a tab, a backslash, a line
 * break). Then rescored, with inputs unknown and a snapshot with no
 * score. */
static void
test_engines_odd_ids (Fixture       *f,
                      gconstpointer  data)
{
  static const char csv[] =
    "id,name,seats,seats_used,api_calls_7d,observed_at\n"
    "\"say \"\"hi\"\"\",Quotes,10,5,100,2026-11-01T12:00:00Z\n"
    "back\\slash,Backslash,10,6,200,2026-11-01T12:00:00Z\n"
    "\"a,b\",Comma,10,7,300,2026-11-01T12:00:00Z\n"
    "{x},Braces,10,8,400,2026-11-01T12:00:00Z\n"
    "NULL,Null,10,9,500,2026-11-01T12:00:00Z\n"
    "\" sp ace \",Spaces,10,3,600,2026-11-01T12:00:00Z\n"
    "nothing known,Unknown,,,,2026-11-01T12:00:00Z\n"
    "tabbed,\"a\tb\\c\r\nd\",10,4,700,2026-11-01T12:00:00Z\n";
  g_autofree char *path = NULL;
  g_autofree char *later = NULL;
  g_auto(GStrv) parts = NULL;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  path = test_dir_write (&f->dir, "odd.csv", csv, -1);
  SAME (f, "import", path, "--source", "odd");
  SAME (f, "scores", "--format", "json");
  /* the same ids a day later: each found, none added again */
  parts = g_strsplit (csv, "2026-11-01", -1);
  later = g_strjoinv ("2026-11-02", parts);
  g_free (path);
  path = test_dir_write (&f->dir, "odd-later.csv", later, -1);
  SAME (f, "import", path, "--source", "odd");
  SAME (f, "scores", "--format", "json");
  SAME (f, "history", "back\\slash", "--format", "json");
  SAME (f, "history", "say \"hi\"", "--format", "json");
  /* rescored: unknown inputs read back as unknown, no score as none */
  SAME (f, "scorecard", "set", "volume.target", "4000");
  SAME (f, "scores", "--format", "json");
  SAME (f, "history", "nothing known", "--format", "json");
}

/* @sql's SQLSTATE on @conn: NULL when it succeeded. */
static char *
sql_state (PGconn     *conn,
           const char *sql)
{
  PGresult *result = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (result);
  char *state = NULL;

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    state = g_strdup (PQresultErrorField (result, PG_DIAG_SQLSTATE));
  PQclear (result);
  return state;
}

static void
assert_sql_state (PGconn     *conn,
                  const char *sql,
                  const char *expected)
{
  g_autofree char *state = sql_state (conn, sql);

  g_test_message ("%s", sql);
  g_assert_cmpstr (state, ==, expected);
}

static gint64
count_rows (PGconn     *conn,
            const char *sql)
{
  g_autofree char *text = vigil_test_pg_query_text (conn, sql);

  return g_ascii_strtoll (text, NULL, 10);
}

/* design 1: the references a poll writes most are statement triggers on
 * PostgreSQL, not foreign keys, with a foreign key's rules: a row added
 * or moved must refer to a row that is there, which stays there until
 * the writer's transaction ends; an id referred to keeps; removing a
 * source or an account removes what refers to it. */
static void
test_engines_references (Fixture       *f,
                         gconstpointer  data)
{
  static const char * const dangling[] = {
    "INSERT INTO vigil.snapshots (customer_id, observed_at) VALUES (-1, 0)",
    "INSERT INTO vigil.triggers (customer_id, rule, kind, first_seen, last_seen) VALUES (-1, 'r', 'risk', 0, 0)",
    "INSERT INTO vigil.records (source_id, external_id, customer_id) "
    "  SELECT -1, 'x', min (id) FROM vigil.customers",
    "INSERT INTO vigil.records (source_id, external_id, customer_id) "
    "  SELECT min (id), 'x', -1 FROM vigil.sources",
    "INSERT INTO vigil.customers (source_id, external_id) VALUES (-1, 'x')",
    /* among rows that are right, and by COPY's way too (one statement) */
    "INSERT INTO vigil.snapshots (customer_id, observed_at) "
    "  SELECT id, -1 FROM vigil.customers UNION ALL SELECT -1, -1",
    "UPDATE vigil.snapshots SET customer_id = -1 WHERE customer_id = (SELECT min (id) FROM vigil.customers)",
    "UPDATE vigil.records SET customer_id = -1 WHERE customer_id = (SELECT min (id) FROM vigil.customers)",
    "UPDATE vigil.customers SET id = -1 WHERE id = (SELECT min (id) FROM vigil.customers)",
    "UPDATE vigil.sources SET id = -1 WHERE id = (SELECT min (id) FROM vigil.sources)",
  };
  g_autofree char *first = NULL;
  g_autofree char *sql = NULL;
  PGconn *conn;
  PGconn *other;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  conn = vigil_test_pg_connect (f->pg_location);
  for (gsize i = 0; i < G_N_ELEMENTS (dangling); i++)
    assert_sql_state (conn, dangling[i], "23503");
  /* rows that refer rightly are taken, moved rightly too */
  assert_sql_state (conn, "BEGIN", NULL);
  assert_sql_state (conn, "INSERT INTO vigil.snapshots (customer_id, observed_at) "
                    "SELECT id, -1 FROM vigil.customers WHERE id <> (SELECT max (id) FROM vigil.customers)", NULL);
  assert_sql_state (conn, "UPDATE vigil.snapshots SET customer_id = (SELECT max (id) FROM vigil.customers) "
                    "WHERE observed_at = -1 AND customer_id = (SELECT min (id) FROM vigil.customers)", NULL);
  assert_sql_state (conn, "ROLLBACK", NULL);

  /* the account a snapshot is added to stays until the writer commits */
  first = vigil_test_pg_query_text (conn, "SELECT min (id) FROM vigil.customers");
  other = vigil_test_pg_connect (f->pg_location);
  assert_sql_state (conn, "BEGIN", NULL);
  sql = g_strdup_printf ("INSERT INTO vigil.snapshots (customer_id, observed_at) VALUES (%s, -1)", first);
  assert_sql_state (conn, sql, NULL);
  assert_sql_state (other, "SET lock_timeout = '200ms'", NULL);
  g_free (sql);
  sql = g_strdup_printf ("DELETE FROM vigil.customers WHERE id = %s", first);
  assert_sql_state (other, sql, "55P03");
  assert_sql_state (conn, "ROLLBACK", NULL);
  PQfinish (other);

  /* removing an account removes its snapshots, scores, records and
   * triggers; removing a source, its accounts and records */
  g_assert_cmpint (count_rows (conn, "SELECT count (*) FROM vigil.triggers"), >, 0);
  assert_sql_state (conn, sql, NULL);
  g_free (sql);
  sql = g_strdup_printf ("SELECT (SELECT count (*) FROM vigil.snapshots WHERE customer_id = %s)"
                         " + (SELECT count (*) FROM vigil.scores WHERE customer_id = %s)"
                         " + (SELECT count (*) FROM vigil.records WHERE customer_id = %s)"
                         " + (SELECT count (*) FROM vigil.triggers WHERE customer_id = %s)",
                         first, first, first, first);
  g_assert_cmpint (count_rows (conn, sql), ==, 0);
  g_assert_cmpint (count_rows (conn, "SELECT count (*) FROM vigil.customers"), >, 0);
  assert_sql_state (conn, "DELETE FROM vigil.sources", NULL);
  g_assert_cmpint (count_rows (conn, "SELECT (SELECT count (*) FROM vigil.customers)"
                                     " + (SELECT count (*) FROM vigil.records)"
                                     " + (SELECT count (*) FROM vigil.snapshots)"
                                     " + (SELECT count (*) FROM vigil.scores)"
                                     " + (SELECT count (*) FROM vigil.triggers)"), ==, 0);
  PQfinish (conn);
}

/* What names a team's book and what names a file (design 4, --db). */
static void
test_engines_locations (void)
{
  static const struct
  {
    const char *location;
    gboolean    shared;
  } cases[] = {
    { "postgresql://vigil.example.com/cs", TRUE },
    { "postgres://db/cs?sslmode=require", TRUE },
    { "host=/tmp dbname=cs", TRUE },
    { "dbname = cs", TRUE },
    { "service=team", TRUE },
    { "vigil.db", FALSE },
    { "/home/dana/.local/share/vigil/vigil.db", FALSE },
    { "./host=x", FALSE },
    { "Host=x", FALSE },
    { "=x", FALSE },
    { "", FALSE },
    { "postgresql:relative", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].location);
      g_assert_cmpint (vigil_store_location_is_shared (cases[i].location), ==, cases[i].shared);
    }
}

/* Every table has the same columns, in the same order, on both engines:
 * the statements name them alike. A team's book alone has its people
 * (design 1.1). */
static void
test_engines_same_tables (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GString) file_tables = g_string_new (NULL);
  g_autofree char *server_tables = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  g_assert_cmpint (sqlite3_open_v2 (f->file, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT m.name, group_concat (p.name, ',') FROM sqlite_schema m, "
                                       "pragma_table_info (m.name) p WHERE m.type = 'table' "
                                       "GROUP BY m.name ORDER BY m.name", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (file_tables, "%s(%s)\n", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  conn = vigil_test_pg_connect (f->pg_location);
  server_tables = vigil_test_pg_query_text (conn,
    "SELECT string_agg (t, E'\\n' ORDER BY n) || E'\\n' FROM ("
    " SELECT table_name COLLATE \"C\" AS n, table_name || '(' || string_agg (column_name, ',' "
    "  ORDER BY ordinal_position) || ')' AS t FROM information_schema.columns "
    " WHERE table_schema = 'vigil' AND table_name NOT IN ('schema_info', 'people') GROUP BY table_name) AS c");
  PQfinish (conn);
  g_assert_cmpstr (server_tables, ==, file_tables->str);
}

/* A database whose schema vigil is another application's, or a newer
 * Vigil's, is refused and left as it was; two Vigils that open a new
 * book at once make it once. */
static void
test_engines_identity (void)
{
  g_autofree char *name = NULL;
  g_autofree char *location = NULL;
  g_autofree char *tables = NULL;
  g_auto(TestRun) run = { 0 };
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  name = vigil_test_pg_create_database ();
  location = vigil_test_pg_location (name);
  conn = vigil_test_pg_connect (location);
  PQclear (vigil_test_pg_exec (conn, "CREATE SCHEMA vigil; CREATE TABLE vigil.orders (id bigint)"));
  test_run_vigil (&run, "--db", location, "scores");
  g_assert_cmpint (run.status, !=, 0);
  g_assert_nonnull (strstr (run.err, "not a Vigil book"));
  g_assert_nonnull (strstr (run.err, "left unchanged"));
  tables = vigil_test_pg_query_text (conn, "SELECT string_agg (table_name, ',') FROM information_schema.tables "
                                           "WHERE table_schema = 'vigil'");
  g_assert_cmpstr (tables, ==, "orders");

  /* a newer Vigil's book */
  PQclear (vigil_test_pg_exec (conn, "DROP SCHEMA vigil CASCADE"));
  test_run_vigil (&run, "--db", location, "scores");
  g_assert_cmpint (run.status, ==, 0);
  PQclear (vigil_test_pg_exec (conn, "UPDATE vigil.schema_info SET version = 99"));
  test_run_vigil (&run, "--db", location, "scores");
  g_assert_cmpint (run.status, !=, 0);
  g_assert_nonnull (strstr (run.err, "newer Vigil (schema 99"));
  PQfinish (conn);
  vigil_test_pg_drop_database (name);
}

/* Two Vigils opening one new book at once: one makes it, under the
 * migration lock, and the other finds it made. */
/* @n Vigils started at once on the book at @location, each listing its
 * sources; each must succeed. */
static void
run_at_once (const char *location,
             guint       n)
{
  const char *argv[] = { g_getenv ("VIGIL_BINARY"), "--db", location, "source", "list", NULL };
  g_autoptr(GPtrArray) processes = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      g_ptr_array_add (processes, g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (g_subprocess_wait (processes->pdata[i], NULL, NULL));
      g_assert_true (g_subprocess_get_successful (processes->pdata[i]));
    }
}

static void
test_engines_created_once (void)
{
  g_autofree char *name = NULL;
  g_autofree char *location = NULL;
  g_autofree char *versions = NULL;
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  name = vigil_test_pg_create_database ();
  location = vigil_test_pg_location (name);
  run_at_once (location, 4);
  conn = vigil_test_pg_connect (location);
  versions = vigil_test_pg_query_text (conn, "SELECT string_agg (CAST (version AS text), ',') "
                                             "FROM vigil.schema_info");
  g_assert_cmpint (atoi (versions), ==, VIGIL_STORE_SCHEMA_VERSION);
  g_clear_pointer (&versions, g_free);
  versions = vigil_test_pg_query_text (conn, "SELECT CAST (count(*) AS text) FROM vigil.scorecards");
  g_assert_cmpstr (versions, ==, "1");
  PQfinish (conn);
  vigil_test_pg_drop_database (name);
}

/* What a team's book's schema is made of, from the server's catalog: its
 * tables' columns, constraints, indexes, triggers, functions, row-level
 * security, storage options (fillfactor) and policies, one line each,
 * sorted. Two books of one schema
 * version describe alike whatever their rows. */
static char *
describe_schema (PGconn *conn)
{
  return vigil_test_pg_query_text (conn,
    "SELECT string_agg (d, E'\\n' ORDER BY d COLLATE \"C\") FROM ("
    " SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' '"
    "  || is_nullable || ' ' || is_identity || ' ' || coalesce (column_default, '') || ' '"
    "  || coalesce (collation_name, '') AS d"
    "  FROM information_schema.columns WHERE table_schema = 'vigil'"
    " UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef (oid)"
    "  FROM pg_constraint WHERE connamespace = 'vigil'::regnamespace"
    " UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'vigil'"
    " UNION ALL SELECT 'trigger ' || pg_get_triggerdef (t.oid) FROM pg_trigger t"
    "  JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'vigil'::regnamespace AND NOT t.tgisinternal"
    " UNION ALL SELECT 'function ' || pg_get_functiondef (oid) FROM pg_proc"
    "  WHERE pronamespace = 'vigil'::regnamespace"
    " UNION ALL SELECT 'table ' || relname || ' rls ' || relrowsecurity || ' '"
    "  || coalesce (array_to_string (reloptions, ','), '') FROM pg_class"
    "  WHERE relnamespace = 'vigil'::regnamespace AND relkind = 'r'"
    " UNION ALL SELECT 'policy ' || tablename || ' ' || policyname || ' ' || cmd || ' '"
    "  || coalesce (qual, '') || ' ' || coalesce (with_check, '') FROM pg_policies WHERE schemaname = 'vigil'"
    ") AS described");
}

/* The rows of a team's book a migration must keep, as text. */
static char *
describe_rows (PGconn *conn)
{
  return vigil_test_pg_query_text (conn,
    "SELECT concat_ws (E'\\n',"
    " (SELECT string_agg (concat_ws ('|', id, source_id, external_id, name, plan, owner, segment, latest_at,"
    "   main_record), ';' ORDER BY id) FROM vigil.customers),"
    " (SELECT string_agg (concat_ws ('|', id, source_id, external_id, customer_id, name), ';' ORDER BY id)"
    "   FROM vigil.records),"
    " (SELECT concat_ws ('|', count(*), sum (observed_at), sum (mrr), sum (seats_used), sum (api_calls_7d))"
    "   FROM vigil.snapshots),"
    " (SELECT concat_ws ('|', count(*), sum (observed_at), round (CAST (sum (health) AS numeric), 6),"
    "   string_agg (DISTINCT tier, ',')) FROM vigil.scores),"
    " (SELECT string_agg (concat_ws ('|', id, customer_id, rule, kind, first_seen, state, state_by), ';'"
    "   ORDER BY id) FROM vigil.triggers),"
    " (SELECT string_agg (concat_ws ('|', id, customer_id, kind, body, author), ';' ORDER BY id) FROM vigil.touches),"
    " (SELECT string_agg (concat_ws ('|', customer_id, sentiment, reason), ';') FROM vigil.pulses),"
    " (SELECT string_agg (concat_ws ('|', customer_id, day, outcome), ';') FROM vigil.outcomes),"
    " (SELECT string_agg (concat_ws ('|', customer_id, kind, author), ';' ORDER BY id) FROM vigil.events),"
    " (SELECT string_agg (name || '=' || definition, ';') FROM vigil.views),"
    " (SELECT string_agg (name || '=' || url, ';' ORDER BY id) FROM vigil.sources))");
}

/* A new database holding the team's book tests/data/team-book-schema8.sql:
 * schema 8 with history, as the release before schema 9 made it. */
static char *
create_schema8_book (PGconn **out_conn)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "team-book-schema8.sql", NULL);
  g_autofree char *dump = NULL;
  g_autoptr(GError) error = NULL;
  char *name = vigil_test_pg_create_database ();
  g_autofree char *location = vigil_test_pg_location (name);
  g_autofree char *version = NULL;

  g_assert_true (g_file_get_contents (path, &dump, NULL, &error));
  g_assert_no_error (error);
  *out_conn = vigil_test_pg_connect (location);
  PQclear (vigil_test_pg_exec (*out_conn, dump));
  /* the dump's search_path is empty: the queries name schema vigil */
  version = vigil_test_pg_query_text (*out_conn, "SELECT CAST (version AS text) FROM vigil.schema_info");
  g_assert_cmpstr (version, ==, "8");
  return name;
}

/* The schema a new book gets, described. */
static char *
describe_new_book (void)
{
  g_autofree char *name = vigil_test_pg_create_database ();
  g_autofree char *location = vigil_test_pg_location (name);
  g_auto(TestRun) run = { 0 };
  char *described;
  PGconn *conn;

  run_ok (&run, (const char * const []) { "--db", location, "source", "list", NULL });
  conn = vigil_test_pg_connect (location);
  described = describe_schema (conn);
  PQfinish (conn);
  vigil_test_pg_drop_database (name);
  return described;
}

/* The payload of the next notification on @conn, waiting for it. */
static char *
next_notification (PGconn *conn)
{
  for (;;)
    {
      PGnotify *notify;

      g_assert_cmpint (PQconsumeInput (conn), ==, 1);
      if ((notify = PQnotifies (conn)) != NULL)
        {
          char *payload = g_strdup (notify->extra);

          PQfreemem (notify);
          return payload;
        }
      g_usleep (G_USEC_PER_SEC / 100);
    }
}

/* Schema 8 -> 9 (design 1): a team's book with history, made by the
 * release before, is taken forward when a Vigil first opens it: its rows
 * as they were, its schema the one a new book gets, and what 9 changed
 * at work: references checked and followed as a foreign key's, and
 * each notification naming the table written. */
static void
test_engines_migrate_from_8 (void)
{
  g_autofree char *name = NULL;
  g_autofree char *location = NULL;
  g_autofree char *rows_before = NULL;
  g_autofree char *rows_after = NULL;
  g_autofree char *schema_after = NULL;
  g_autofree char *schema_new = NULL;
  g_autofree char *version = NULL;
  g_autofree char *count = NULL;
  g_autofree char *payload = NULL;
  g_auto(TestRun) run = { 0 };
  PGconn *conn = NULL;
  PGresult *result;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  name = create_schema8_book (&conn);
  location = vigil_test_pg_location (name);
  rows_before = describe_rows (conn);
  count = vigil_test_pg_query_text (conn, "SELECT CAST (count(*) AS text) FROM pg_constraint "
                                          "WHERE connamespace = 'vigil'::regnamespace AND contype = 'f'");
  g_assert_cmpstr (count, ==, "13");
  g_clear_pointer (&count, g_free);

  /* a user's first command on it */
  run_ok (&run, (const char * const []) { "--db", location, "history", "acct-03", NULL });
  g_assert_nonnull (strstr (run.out, "2026-10-30"));
  version = vigil_test_pg_query_text (conn, "SELECT CAST (version AS text) FROM vigil.schema_info");
  g_assert_cmpint (atoi (version), ==, VIGIL_STORE_SCHEMA_VERSION);
  rows_after = describe_rows (conn);
  g_assert_cmpstr (rows_after, ==, rows_before);
  schema_after = describe_schema (conn);
  schema_new = describe_new_book ();
  g_assert_cmpstr (schema_after, ==, schema_new);

  /* a reference to no customer is refused, as by the foreign key … */
  result = PQexec (conn, "INSERT INTO vigil.snapshots (customer_id, observed_at) VALUES (999, 1)");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
  g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, "23503");
  PQclear (result);
  /* … and removing a customer removes what refers to it */
#define ACCT_05_ROWS "SELECT CAST ((SELECT count(*) FROM vigil.snapshots WHERE customer_id = 6) + " \
  "(SELECT count(*) FROM vigil.scores WHERE customer_id = 6) + " \
  "(SELECT count(*) FROM vigil.records WHERE customer_id = 6) AS text)"
  count = vigil_test_pg_query_text (conn, ACCT_05_ROWS);
  g_assert_cmpstr (count, ==, "121"); /* 60 days, their scores, one record */
  g_clear_pointer (&count, g_free);
  PQclear (vigil_test_pg_exec (conn, "DELETE FROM vigil.customers WHERE id = 6 AND external_id = 'acct-05'"));
  count = vigil_test_pg_query_text (conn, ACCT_05_ROWS);
  g_assert_cmpstr (count, ==, "0");
#undef ACCT_05_ROWS

  /* a note's commit is heard naming its table */
  PQclear (vigil_test_pg_exec (conn, "LISTEN vigil_book"));
  run_ok (&run, (const char * const []) { "--db", location, "note", "acct-03", "Renewal call booked", NULL });
  do
    {
      g_free (payload);
      payload = next_notification (conn);
    }
  while (!g_str_has_suffix (payload, " touches"));
  g_assert_true (g_str_has_prefix (payload, g_get_host_name ()));

  PQfinish (conn);
  vigil_test_pg_drop_database (name);
}

/* A book made at 8 by a Vigil that already checked its references a
 * statement at a time (the release that shipped them before schema 9)
 * is taken to 9 as well, to the same schema, once however many Vigils
 * open it at once. */
static void
test_engines_migrate_made_new_at_8 (void)
{
  g_autofree char *name = NULL;
  g_autofree char *location = NULL;
  g_autofree char *schema_new = NULL;
  g_autofree char *schema_after = NULL;
  g_autofree char *version = NULL;
  g_auto(TestRun) run = { 0 };
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  name = vigil_test_pg_create_database ();
  location = vigil_test_pg_location (name);
  run_ok (&run, (const char * const []) { "--db", location, "source", "list", NULL });
  conn = vigil_test_pg_connect (location);
  schema_new = describe_schema (conn);
  PQclear (vigil_test_pg_exec (conn, "UPDATE vigil.schema_info SET version = 8"));
  /* four Vigils at once: one migrates, under the lock, the others find it done */
  run_at_once (location, 4);
  version = vigil_test_pg_query_text (conn, "SELECT CAST (version AS text) FROM vigil.schema_info");
  g_assert_cmpint (atoi (version), ==, VIGIL_STORE_SCHEMA_VERSION);
  schema_after = describe_schema (conn);
  g_assert_cmpstr (schema_after, ==, schema_new);
  PQfinish (conn);
  vigil_test_pg_drop_database (name);
}

/* A migration that fails half way leaves the book as it was, at 8; one
 * that a role other than the book's owner would run is not begun, and
 * the message names the owner. */
static void
test_engines_migrate_whole_or_not (void)
{
  g_autofree char *name = NULL;
  g_autofree char *location = NULL;
  g_autofree char *as_csm = NULL;
  g_autofree char *schema_before = NULL;
  g_autofree char *schema_after = NULL;
  g_autofree char *rows_before = NULL;
  g_autofree char *rows_after = NULL;
  g_autofree char *version = NULL;
  g_auto(TestRun) run = { 0 };
  PGconn *conn = NULL;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  name = create_schema8_book (&conn);
  location = vigil_test_pg_location (name);

  /* someone's own trigger, by a name schema 9 makes */
  PQclear (vigil_test_pg_exec (conn, "CREATE TRIGGER customers_source_id_added AFTER INSERT ON vigil.customers"
                                     " FOR EACH STATEMENT EXECUTE FUNCTION vigil.notify_change ()"));
  schema_before = describe_schema (conn);
  rows_before = describe_rows (conn);
  test_run_vigil (&run, "--db", location, "scores");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "customers_source_id_added"));
  version = vigil_test_pg_query_text (conn, "SELECT CAST (version AS text) FROM vigil.schema_info");
  g_assert_cmpstr (version, ==, "8");
  schema_after = describe_schema (conn);
  rows_after = describe_rows (conn);
  g_assert_cmpstr (schema_after, ==, schema_before);
  g_assert_cmpstr (rows_after, ==, rows_before);
  PQclear (vigil_test_pg_exec (conn, "DROP TRIGGER customers_source_id_added ON vigil.customers"));

  /* a CSM who may read the book but does not own it */
  PQclear (vigil_test_pg_exec (conn, "CREATE ROLE csm_carol LOGIN; GRANT USAGE ON SCHEMA vigil TO csm_carol;"
                                     " GRANT SELECT ON ALL TABLES IN SCHEMA vigil TO csm_carol"));
  as_csm = g_strdup_printf ("%s user=csm_carol", location); /* libpq takes the last */
  test_run_vigil (&run, "--db", as_csm, "scores");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "Only its owner, the role vigil_test, may update it"));
  g_assert_nonnull (strstr (run.err, "left unchanged"));
  g_clear_pointer (&version, g_free);
  version = vigil_test_pg_query_text (conn, "SELECT CAST (version AS text) FROM vigil.schema_info");
  g_assert_cmpstr (version, ==, "8");

  /* the owner takes it forward */
  run_ok (&run, (const char * const []) { "--db", location, "scores", NULL });
  g_assert_nonnull (strstr (run.out, "acct-03"));
  PQfinish (conn);
  vigil_test_pg_drop_database (name);
  conn = vigil_test_pg_connect (vigil_test_pg_cluster ());
  PQclear (vigil_test_pg_exec (conn, "DROP ROLE csm_carol"));
  PQfinish (conn);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/engines/reads", test_engines_reads);
  ADD ("/engines/csm-day", test_engines_csm_day);
  ADD ("/engines/book-changes", test_engines_book_changes);
  ADD ("/engines/same-tables", test_engines_same_tables);
  ADD ("/engines/odd-ids", test_engines_odd_ids);
  ADD ("/engines/references", test_engines_references);
#undef ADD
  g_test_add_func ("/engines/locations", test_engines_locations);
  g_test_add_func ("/engines/identity", test_engines_identity);
  g_test_add_func ("/engines/created-once", test_engines_created_once);
  g_test_add_func ("/engines/migrate-from-8", test_engines_migrate_from_8);
  g_test_add_func ("/engines/migrate-made-new-at-8", test_engines_migrate_made_new_at_8);
  g_test_add_func ("/engines/migrate-whole-or-not", test_engines_migrate_whole_or_not);

  return g_test_run ();
}
