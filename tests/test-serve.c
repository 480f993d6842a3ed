/* test-serve.c: vigil serve, one poller for a team (design 4), and the
 * poll locks of a team's book (design 2.5)
 *
 * The real vigil binary polls a SoupServer of the test on 127.0.0.1,
 * which counts the requests of each path. With VIGIL_TEST_ENGINE set to
 * postgresql (tests/with-postgres.sh) the suite runs its tests of a
 * team's book: two servers on one book, and a source whose lock another
 * session holds.
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>

#include "vigil-core.h"

#ifdef HAVE_POSTGRESQL
#include "vigil-test-pg.h"
#endif
#include "vigil-test-run.h"
#include "vigil-test-server.h"
#include "vigil-test-util.h"

/* 2026-11-23, a Monday, 09:00 UTC: the records below are of the week
 * before, 2026-W47. */
#define MONDAY_W48 "1795424400"
/* 2026-11-22, the Sunday before, 12:00 UTC. */
#define SUNDAY_W47 "1795348800"
/* 2026-11-23 03:00 UTC: Sunday 22:00 five hours west, Monday 04:00
 * one hour east. */
#define MONDAY_W48_EARLY "1795402800"

typedef struct
{
  TestDir      dir;
  char        *db;          /* --db: a file, or a book on the test cluster */
  char        *pg_database; /* that book's database */
  char        *reports;     /* the reports' folder */
  SoupServer  *server;
  char        *base;        /* http://127.0.0.1:PORT */
  GHashTable  *requests;    /* path → how many times it was asked for */
  guint        delay_ms;    /* each answer waits this long */
  GPtrArray   *held;        /* answers held until the test lets them go (/hold) */
} Fixture;

static gboolean
on_postgresql (void)
{
  return g_strcmp0 (g_getenv ("VIGIL_TEST_ENGINE"), "postgresql") == 0;
}

/* Four customers a path, of the owners the reports are written for. */
static char *
records_json (const char *path)
{
  static const char * const owners[] = { "Dana Park", "../../evil", "a/b", "a_b" };
  GString *body = g_string_new ("{\"customers\": [");

  for (guint i = 0; i < G_N_ELEMENTS (owners); i++)
    g_string_append_printf (body,
                            "%s{\"id\": \"%s-%u\", \"name\": \"Customer %u\", \"owner\": \"%s\", "
                            "\"mrr\": %u, \"api_calls_7d\": %u, \"observed_at\": \"2026-11-18T12:00:00Z\"}",
                            i > 0 ? ", " : "", path + 1, i, i, owners[i], 100 * (i + 1), 1000 + i);
  g_string_append (body, "]}");
  return g_string_free (body, FALSE);
}

static void
respond_records (SoupServerMessage *msg,
                 const char        *path)
{
  g_autofree char *body = records_json (path);

  test_server_respond (msg, 200, "application/json", body);
}

typedef struct
{
  SoupServerMessage *msg;
  char              *path;
} Delayed;

static gboolean
answer_later_cb (gpointer user_data)
{
  Delayed *delayed = user_data;

  respond_records (delayed->msg, delayed->path);
  soup_server_message_unpause (delayed->msg);
  g_object_unref (delayed->msg);
  g_free (delayed->path);
  g_free (delayed);
  return G_SOURCE_REMOVE;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer          user_data)
{
  Fixture *f = user_data;
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (f->requests, path));

  g_hash_table_insert (f->requests, g_strdup (path), GUINT_TO_POINTER (count + 1));
  if (g_str_equal (path, "/hold"))
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (f->held, g_object_ref (msg));
    }
  else if (f->delay_ms > 0)
    {
      Delayed *delayed = g_new0 (Delayed, 1);

      delayed->msg = g_object_ref (msg);
      delayed->path = g_strdup (path);
      soup_server_message_pause (msg);
      g_timeout_add (f->delay_ms, answer_later_cb, delayed);
    }
  else
    respond_records (msg, path);
}

static guint
requests_of (Fixture    *f,
             const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->requests, path));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  test_dir_init (&f->dir);
  f->reports = test_dir_file (&f->dir, "reports");
  f->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->held = g_ptr_array_new_with_free_func (g_object_unref);
  f->server = test_server_new (handler, f, &f->base);
#ifdef HAVE_POSTGRESQL
  if (on_postgresql () && vigil_test_pg_cluster () != NULL)
    {
      f->pg_database = vigil_test_pg_create_database ();
      f->db = vigil_test_pg_location (f->pg_database);
      return;
    }
#endif
  f->db = test_dir_file (&f->dir, "book.db");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_server_clear (&f->server);
#ifdef HAVE_POSTGRESQL
  if (f->pg_database != NULL)
    vigil_test_pg_drop_database (f->pg_database);
#endif
  g_free (f->pg_database);
  g_free (f->db);
  {
    /* The reports' folder holds files only, as a TestDir does. */
    TestDir reports = { g_steal_pointer (&f->reports) };

    test_dir_clear (&reports);
  }
  g_free (f->base);
  g_clear_pointer (&f->requests, g_hash_table_unref);
  g_clear_pointer (&f->held, g_ptr_array_unref);
  test_dir_clear (&f->dir);
}

/* Runs vigil on the fixture's book with @envp set; fails the test when
 * it exits otherwise than with @status. */
static void
run_vigil_env (Fixture            *f,
               TestRun            *run,
               int                 status,
               const char * const *envp,
               const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;

  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, f->db);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = test_run_spawn (envp, (const char * const *) argv->pdata);
  test_run_wait (run, process);
  if (run->status != status)
    g_error ("vigil %s: status %d, not %d:\n%s%s", args[0], run->status, status, run->out, run->err);
}

#define RUN(f, run, status, ...) \
  run_vigil_env (f, run, status, NULL, (const char * const []) { __VA_ARGS__, NULL })
#define RUN_ENV(f, run, status, envp, ...) \
  run_vigil_env (f, run, status, envp, (const char * const []) { __VA_ARGS__, NULL })

static void
add_source (Fixture    *f,
            const char *name)
{
  g_auto(TestRun) run = { 0 };
  g_autofree char *url = g_strdup_printf ("%s/%s", f->base, name);

  RUN (f, &run, 0, "source", "add", name, url);
}

static guint
count_lines_with (const char *text,
                  const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      n++;
  return n;
}

/* --once polls what is due and only that, and exits 1 when a source
 * failed, the others polled all the same. */
static void
test_serve_once_polls_due (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(TestRun) poll = { 0 };
  g_auto(TestRun) serve = { 0 };
  g_auto(TestRun) again = { 0 };
  g_auto(TestRun) dead = { 0 };
  g_auto(TestRun) failing = { 0 };

  add_source (f, "early");
  add_source (f, "due");
  RUN (f, &poll, 0, "poll", "early");
  g_assert_cmpuint (requests_of (f, "/early"), ==, 1);

  RUN (f, &serve, 0, "serve", "--once");
  g_assert_cmpuint (requests_of (f, "/early"), ==, 1);
  g_assert_cmpuint (requests_of (f, "/due"), ==, 1);
  g_assert_nonnull (strstr (serve.out, "early: not due until "));
  g_assert_nonnull (strstr (serve.out, "due: 4 read, 4 stored"));

  /* Both polled: nothing is due. */
  RUN (f, &again, 0, "serve", "--once");
  g_assert_cmpuint (requests_of (f, "/due"), ==, 1);
  g_assert_null (strstr (again.out, " read, "));

  /* Port 1 on loopback: nothing listens there. */
  RUN (f, &dead, 0, "source", "add", "dead", "http://127.0.0.1:1/usage");
  RUN (f, &failing, 1, "serve", "--once");
  g_assert_nonnull (strstr (failing.err, "dead: FAILED, nothing stored"));
}

static char *
report_file (Fixture    *f,
             const char *name)
{
  return g_build_filename (f->reports, name, NULL);
}

static void
assert_pdf (Fixture    *f,
            const char *name)
{
  g_autofree char *path = report_file (f, name);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in the reports' folder, sorted. */
static GStrv
list_reports (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->reports, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* On the Monday after the records' week, the first run writes that
 * week's report of the whole book and one per owner, each owner's name
 * made a safe file name inside the folder; the next runs do not write
 * it again. The Sunday before, the week had not ended. */
static void
test_serve_reports_monday (Fixture       *f,
                           gconstpointer  data)
{
  static const char * const sunday[] = { "VIGIL_TEST_NOW", SUNDAY_W47, "TZ", "UTC", NULL };
  static const char * const monday[] = { "VIGIL_TEST_NOW", MONDAY_W48, "TZ", "UTC", NULL };
  static const char * const expected[] = {
    "2026-W47-Dana_Park.pdf",
    "2026-W47-______evil.pdf",
    "2026-W47-a_b-2.pdf",
    "2026-W47-a_b.pdf",
    "2026-W47.pdf",
    NULL
  };
  g_auto(TestRun) early = { 0 };
  g_auto(TestRun) serve = { 0 };
  g_auto(TestRun) again = { 0 };
  g_auto(GStrv) names = NULL;
  g_autofree char *evil = NULL;

  add_source (f, "crm");
  RUN_ENV (f, &early, 0, sunday, "serve", "--once", "--reports", f->reports);
  g_assert_cmpuint (requests_of (f, "/crm"), ==, 1);
  g_assert_null (strstr (early.out, "Wrote"));
  g_assert_false (g_file_test (f->reports, G_FILE_TEST_EXISTS));

  RUN_ENV (f, &serve, 0, monday, "serve", "--once", "--reports", f->reports);
  names = list_reports (f);
  g_assert_cmpstrv (names, expected);
  for (guint i = 0; expected[i] != NULL; i++)
    assert_pdf (f, expected[i]);
  g_assert_nonnull (strstr (serve.out, "week 2026-W47, all owners"));
  g_assert_nonnull (strstr (serve.out, "week 2026-W47, ../../evil"));
  /* "a/b" sorts before "a_b" and takes the name first. */
  g_assert_nonnull (strstr (serve.out, "2026-W47-a_b.pdf: week 2026-W47, a/b"));
  g_assert_nonnull (strstr (serve.out, "2026-W47-a_b-2.pdf: week 2026-W47, a_b"));
  evil = g_build_filename (f->dir.path, "evil.pdf", NULL);
  g_assert_false (g_file_test (evil, G_FILE_TEST_EXISTS));

  /* Written once: a restart, or cron's next run, leaves the week be. */
  for (guint i = 0; expected[i] != NULL; i++)
    {
      g_autofree char *path = report_file (f, expected[i]);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  RUN_ENV (f, &again, 0, monday, "serve", "--once", "--reports", f->reports);
  g_assert_null (strstr (again.out, "Wrote"));
  g_clear_pointer (&names, g_strfreev);
  names = list_reports (f);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
}

/* Reports that cannot be written leave the week unwritten: the next run
 * writes them. */
static void
test_serve_reports_retry (Fixture       *f,
                          gconstpointer  data)
{
  static const char * const monday[] = { "VIGIL_TEST_NOW", MONDAY_W48, "TZ", "UTC", NULL };
  g_auto(TestRun) blocked = { 0 };
  g_auto(TestRun) written = { 0 };

  add_source (f, "crm");
  /* A file where the folder should be. */
  g_assert_true (g_file_set_contents (f->reports, "", 0, NULL));
  RUN_ENV (f, &blocked, 1, monday, "serve", "--once", "--reports", f->reports);
  g_assert_nonnull (strstr (blocked.err, "cannot make the reports' folder"));
  g_assert_cmpint (g_remove (f->reports), ==, 0);

  RUN_ENV (f, &written, 0, monday, "serve", "--once", "--reports", f->reports);
  g_assert_nonnull (strstr (written.out, "week 2026-W47, all owners"));
  assert_pdf (f, "2026-W47.pdf");
}

/* A week ends at the server's midnight: at 03:00 UTC on Monday it has
 * not ended five hours west, and has one hour east. */
static void
test_serve_reports_local_time (Fixture       *f,
                               gconstpointer  data)
{
  static const char * const west[] = { "VIGIL_TEST_NOW", MONDAY_W48_EARLY, "TZ", "XST5", NULL };
  static const char * const east[] = { "VIGIL_TEST_NOW", MONDAY_W48_EARLY, "TZ", "XST-1", NULL };
  g_auto(TestRun) sunday = { 0 };
  g_auto(TestRun) monday = { 0 };

  add_source (f, "crm");
  RUN_ENV (f, &sunday, 0, west, "serve", "--once", "--reports", f->reports);
  g_assert_null (strstr (sunday.out, "Wrote"));
  RUN_ENV (f, &monday, 0, east, "serve", "--once", "--reports", f->reports);
  g_assert_nonnull (strstr (monday.out, "week 2026-W47, all owners"));
}

/* A file is one person's: its sources' locks are always free. */
static void
test_serve_file_locks (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(VigilStore) one = NULL;
  g_autoptr(VigilStore) other = NULL;
  g_autoptr(GError) error = NULL;
  gboolean locked = FALSE;
  gint64 id;

  add_source (f, "crm");
  one = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  other = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  id = vigil_store_lookup_source (one, "crm", &error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (vigil_store_try_lock_source (one, id, &locked, &error));
  g_assert_true (locked);
  locked = FALSE;
  g_assert_true (vigil_store_try_lock_source (other, id, &locked, &error));
  g_assert_true (locked);
  vigil_store_unlock_source (one, id);
  vigil_store_unlock_source (other, id);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Turns the main context until @condition holds, or fails after 60 s. */
#define ITERATE_UNTIL(condition) \
  G_STMT_START { \
    gboolean timed_out = FALSE; \
    guint timer = g_timeout_add_seconds (60, timeout_cb, &timed_out); \
    while (!(condition) && !timed_out) \
      g_main_context_iteration (NULL, TRUE); \
    g_assert_false (timed_out); \
    g_source_remove (timer); \
  } G_STMT_END

/* SIGTERM while a poll is under way: the poll ends and is recorded,
 * then vigil serve exits 0; SIGTERM while it sleeps: it exits 0. */
static void
test_serve_sigterm (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSubprocess) sleeping = NULL;
  g_auto(TestRun) run = { 0 };
  g_auto(TestRun) slept = { 0 };
  g_auto(TestRun) list = { 0 };
  gboolean waited = FALSE;

  add_source (f, "hold");
  process = test_run_spawn (NULL, (const char * const []) { "--db", f->db, "serve", NULL });
  ITERATE_UNTIL (f->held->len == 1);
  g_subprocess_send_signal (process, SIGTERM);
  /* Time for the signal to arrive before the answer does. */
  g_timeout_add (300, timeout_cb, &waited);
  ITERATE_UNTIL (waited);
  respond_records (g_ptr_array_index (f->held, 0), "/hold");
  soup_server_message_unpause (g_ptr_array_index (f->held, 0));
  test_run_wait (&run, process);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "hold: 4 read, 4 stored"));
  RUN (f, &list, 0, "source", "list");
  g_assert_nonnull (strstr (list.out, "ok at"));

  /* Nothing is due now: it sleeps, and stops at once. */
  sleeping = test_run_spawn (NULL, (const char * const []) { "--db", f->db, "serve", NULL });
  {
    g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sleeping));
    g_autofree char *first = NULL;

    /* The pipe stays open for test_run_wait(). */
    g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (lines), FALSE);
    first = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL);

    g_assert_nonnull (strstr (first, "Serving"));
  }
  g_subprocess_send_signal (sleeping, SIGINT);
  test_run_wait (&slept, sleeping);
  g_assert_cmpint (slept.status, ==, 0);
  g_assert_cmpuint (f->held->len, ==, 1);
}

#ifdef HAVE_POSTGRESQL

/* Two servers started at once on one book: each source is fetched once
 * in the round, by one of them; the other skips it or finds it polled. */
static void
test_serve_two_servers (Fixture       *f,
                        gconstpointer  data)
{
  static const char * const names[] = { "s1", "s2", "s3", "s4" };
  GSubprocess *processes[2];
  TestRun runs[2] = { { 0 }, { 0 } };

  if (vigil_test_pg_skip_without_cluster ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    add_source (f, names[i]);
  /* Long enough for the second to reach a source the first is polling. */
  f->delay_ms = 400;

  for (guint i = 0; i < 2; i++)
    processes[i] = test_run_spawn (NULL, (const char * const []) { "--db", f->db, "serve", "--once", NULL });
  for (guint i = 0; i < 2; i++)
    {
      test_run_wait (&runs[i], processes[i]);
      g_object_unref (processes[i]);
      if (runs[i].status != 0)
        g_error ("vigil serve --once: status %d:\n%s%s", runs[i].status, runs[i].out, runs[i].err);
    }

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_strconcat ("/", names[i], NULL);
      g_autofree char *polled = g_strconcat (names[i], ": 4 read", NULL);

      g_assert_cmpuint (requests_of (f, path), ==, 1);
      g_assert_cmpuint (count_lines_with (runs[0].out, polled) + count_lines_with (runs[1].out, polled), ==, 1);
    }
  for (guint i = 0; i < 2; i++)
    test_run_clear (&runs[i]);
}

/* A source whose lock another session holds is skipped, and said so, by
 * vigil poll and vigil serve alike: no failure. Released, it is polled. */
static void
test_serve_locked_source (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(TestRun) poll = { 0 };
  g_auto(TestRun) serve = { 0 };
  g_auto(TestRun) released = { 0 };
  g_autofree char *location = NULL;
  g_autofree char *id = NULL;
  g_autofree char *lock = NULL;
  g_autofree char *unlock = NULL;
  PGconn *other;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  add_source (f, "locked");
  add_source (f, "free");
  other = vigil_test_pg_connect (f->db);
  id = vigil_test_pg_query_text (other, "SELECT id FROM vigil.sources WHERE name = 'locked'");
  /* A number the database gave: safe in SQL. */
  lock = g_strdup_printf ("SELECT pg_advisory_lock (1447643981, %s)", id);
  unlock = g_strdup_printf ("SELECT pg_advisory_unlock (1447643981, %s)", id);
  PQclear (vigil_test_pg_exec (other, lock));

  RUN (f, &poll, 0, "poll");
  g_assert_nonnull (strstr (poll.out, "locked: skipped: “locked” is polled by another Vigil"));
  g_assert_nonnull (strstr (poll.out, "free: 4 read"));
  g_assert_cmpuint (requests_of (f, "/locked"), ==, 0);

  RUN (f, &serve, 0, "serve", "--once");
  g_assert_nonnull (strstr (serve.out, "locked: skipped: “locked” is polled by another Vigil"));
  g_assert_nonnull (strstr (serve.out, "free: not due until"));
  g_assert_cmpuint (requests_of (f, "/locked"), ==, 0);

  PQclear (vigil_test_pg_exec (other, unlock));
  RUN (f, &released, 0, "serve", "--once");
  g_assert_nonnull (strstr (released.out, "locked: 4 read"));
  g_assert_cmpuint (requests_of (f, "/locked"), ==, 1);
  g_assert_cmpuint (requests_of (f, "/free"), ==, 1);
  PQfinish (other);
}

/* Whether a session of its own could take source @id's lock now (and
 * gives it back at once). */
static gboolean
lock_is_free (PGconn     *other,
              const char *id)
{
  g_autofree char *try = g_strdup_printf ("SELECT pg_try_advisory_lock (1447643981, %s)", id);
  g_autofree char *give_back = g_strdup_printf ("SELECT pg_advisory_unlock (1447643981, %s)", id);
  g_autofree char *taken = vigil_test_pg_query_text (other, try);

  if (g_strcmp0 (taken, "t") != 0)
    return FALSE;
  PQclear (vigil_test_pg_exec (other, give_back));
  return TRUE;
}

/* The store's source locks: the server's, per session; a store may take
 * a lock it holds again, and releases it once each time. */
static void
test_serve_store_locks (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(VigilStore) one = NULL;
  g_autoptr(VigilStore) two = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id_text = NULL;
  gboolean locked = FALSE;
  PGconn *other;
  gint64 id;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  add_source (f, "crm");
  one = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  two = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  other = vigil_test_pg_connect (f->db);
  id = vigil_store_lookup_source (one, "crm", &error);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  g_assert_true (vigil_store_try_lock_source (one, id, &locked, &error));
  g_assert_true (locked);
  g_assert_true (vigil_store_try_lock_source (one, id, &locked, &error));
  g_assert_true (locked);
  g_assert_true (vigil_store_try_lock_source (two, id, &locked, &error));
  g_assert_false (locked);
  g_assert_false (lock_is_free (other, id_text));

  vigil_store_unlock_source (one, id);
  g_assert_false (lock_is_free (other, id_text));
  vigil_store_unlock_source (one, id);
  g_assert_true (lock_is_free (other, id_text));
  /* Released more often than taken: nothing to release. */
  vigil_store_unlock_source (one, id);

  g_assert_true (vigil_store_try_lock_source (two, id, &locked, &error));
  g_assert_true (locked);
  /* Closing the store's connection releases its locks, once the server
   * has seen it go (within 5 s). */
  g_clear_object (&two);
  for (guint i = 0; i < 100 && !lock_is_free (other, id_text); i++)
    g_usleep (50000);
  g_assert_true (lock_is_free (other, id_text));
  PQfinish (other);
}

typedef struct
{
  gboolean  finished;
  gboolean  ok;
  char     *message;
} Finished;

static void
poll_finished_cb (VigilScheduler *scheduler,
                  const char     *name,
                  gboolean        ok,
                  const char     *message,
                  gpointer        user_data)
{
  Finished *finished = user_data;

  finished->finished = TRUE;
  finished->ok = ok;
  finished->message = g_strdup (message);
}

/* The window's scheduler skips a source another Vigil polls: the poll
 * ends at once, nothing fetched or recorded, and says why. */
static void
test_serve_scheduler_skips_locked (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  g_autoptr(VigilScheduler) scheduler = NULL;
  g_autoptr(VigilSource) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *lock = NULL;
  Finished finished = { FALSE, FALSE, NULL };
  PGconn *other;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  add_source (f, "crm");
  other = vigil_test_pg_connect (f->db);
  id = vigil_test_pg_query_text (other, "SELECT id FROM vigil.sources WHERE name = 'crm'");
  lock = g_strdup_printf ("SELECT pg_advisory_lock (1447643981, %s)", id);
  PQclear (vigil_test_pg_exec (other, lock));

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  scheduler = vigil_scheduler_new (store, poller, NULL);
  g_signal_connect (scheduler, "poll-finished", G_CALLBACK (poll_finished_cb), &finished);
  g_assert_cmpuint (vigil_scheduler_poll_now (scheduler, "crm", &error), ==, 1);
  ITERATE_UNTIL (finished.finished);
  g_assert_true (finished.ok);
  g_assert_nonnull (strstr (finished.message, "polled by another Vigil"));
  g_assert_cmpuint (requests_of (f, "/crm"), ==, 0);
  after = vigil_store_get_source (store, "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->last_poll_at, ==, 0);
  g_free (finished.message);
  PQfinish (other);
}

/* Two servers on one book write a week's reports once between them. */
static void
test_serve_two_servers_report_once (Fixture       *f,
                                    gconstpointer  data)
{
  static const char * const monday[] = { "VIGIL_TEST_NOW", MONDAY_W48, "TZ", "UTC", NULL };
  g_auto(TestRun) poll = { 0 };
  GSubprocess *processes[2];
  TestRun runs[2] = { { 0 }, { 0 } };

  if (vigil_test_pg_skip_without_cluster ())
    return;
  add_source (f, "crm");
  RUN (f, &poll, 0, "poll");
  for (guint i = 0; i < 2; i++)
    processes[i] = test_run_spawn (monday, (const char * const []) { "--db", f->db, "serve", "--once",
                                                                     "--reports", f->reports, NULL });
  for (guint i = 0; i < 2; i++)
    {
      test_run_wait (&runs[i], processes[i]);
      g_object_unref (processes[i]);
      g_assert_cmpint (runs[i].status, ==, 0);
    }
  g_assert_cmpuint (count_lines_with (runs[0].out, "all owners") + count_lines_with (runs[1].out, "all owners"),
                    ==, 1);
  assert_pdf (f, "2026-W47.pdf");
  for (guint i = 0; i < 2; i++)
    test_run_clear (&runs[i]);
}

#endif

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  if (!on_postgresql ())
    {
      ADD ("/serve/once/polls-due", test_serve_once_polls_due);
      ADD ("/serve/reports/monday", test_serve_reports_monday);
      ADD ("/serve/reports/local-time", test_serve_reports_local_time);
      ADD ("/serve/reports/retry", test_serve_reports_retry);
      ADD ("/serve/sigterm", test_serve_sigterm);
      ADD ("/serve/file-locks", test_serve_file_locks);
    }
#ifdef HAVE_POSTGRESQL
  else
    {
      ADD ("/serve/postgresql/two-servers", test_serve_two_servers);
      ADD ("/serve/postgresql/locked-source", test_serve_locked_source);
      ADD ("/serve/postgresql/two-servers-report-once", test_serve_two_servers_report_once);
      ADD ("/serve/postgresql/store-locks", test_serve_store_locks);
      ADD ("/serve/postgresql/scheduler-skips-locked", test_serve_scheduler_skips_locked);
    }
#endif
#undef ADD

  return g_test_run ();
}
