/* test-roles.c: the people of a team's book, each in their lane
 *
 * design 1.1: a book on the private cluster of tests/with-postgres.sh,
 * made and filled by its owner (the cluster's superuser, as the poller
 * is the book's owner), its people set up by what `vigil db roles`
 * prints, then the vigil binary run as each person's role: a CSM acts
 * on her customers and is refused on the others', a manager acts on
 * all, only the ops change sources and the scorecard, and everyone
 * reads the whole book. Also `vigil db roles`'s arguments and SQL.
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-cli-db.h"
#include "vigil-test-pg.h"
#include "vigil-test-run.h"
#include "vigil-test-server.h"
#include "vigil-test-util.h"

/* Two customers, one of Carol's and one of Dave's, each using 9 seats of
 * 10 (a seat-expansion trigger each). */
static const char book_csv[] =
  "id,name,owner,mrr,seats,seats_used,last_active,observed_at\n"
  "a1,Alpha,Carol Diaz,100,10,9,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z\n"
  "a2,Beta,Dave Roe,200,10,9,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z\n"
  "a1,Alpha,Carol Diaz,100,10,9,2026-11-20T00:00:00Z,2026-11-20T00:00:00Z\n"
  "a2,Beta,Dave Roe,200,10,9,2026-11-20T00:00:00Z,2026-11-20T00:00:00Z\n";

#define REFUSED_ROW "the team's book refused this: only the customer's owner, a manager or the team's ops"
#define REFUSED_OPS "the team's book refused this: only the team's ops may change sources"

typedef struct
{
  TestDir  dir;
  char    *database;
  char    *owner;      /* the book's owner's connection string */
  PGconn  *conn;       /* the owner's, to look at the rows */
} Fixture;

static void
run_ok (TestRun            *run,
        const char * const *args)
{
  test_run_vigil_argv (run, args);
  if (run->status != 0)
    g_error ("vigil %s %s: status %d: %s", args[2], args[3], run->status, run->err);
}

/* The connection string of @role on the fixture's book */
static char *
as_role (Fixture    *f,
         const char *role)
{
  /* libpq takes the last of a keyword given twice */
  return g_strdup_printf ("%s user=%s", f->owner, role);
}

/* Runs vigil as @role with @args after --db; returns its status. */
static int
run_as (Fixture            *f,
        TestRun            *run,
        const char         *role,
        const char * const *args)
{
  g_autofree char *location = as_role (f, role);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, location);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  test_run_vigil_argv (run, (const char * const *) argv->pdata);
  return run->status;
}

#define RUN_AS(f, run, role, ...) run_as (f, run, role, (const char * const []) { __VA_ARGS__, NULL })

/* @role's run succeeded and said nothing on standard error. */
static void
assert_acts (Fixture            *f,
             const char         *role,
             const char * const *args)
{
  g_auto(TestRun) run = { 0 };

  g_test_message ("%s: vigil %s %s", role, args[0], args[1] != NULL ? args[1] : "");
  g_assert_cmpint (run_as (f, &run, role, args), ==, 0);
  g_assert_cmpstr (run.err, ==, "");
}

/* @role's run failed with @refusal in its message. */
static void
assert_refused (Fixture            *f,
                const char         *role,
                const char         *refusal,
                const char * const *args)
{
  g_auto(TestRun) run = { 0 };

  g_test_message ("%s refused: vigil %s %s", role, args[0], args[1] != NULL ? args[1] : "");
  g_assert_cmpint (run_as (f, &run, role, args), ==, 1);
  g_assert_nonnull (strstr (run.err, refusal));
}

#define ACTS(f, role, ...) assert_acts (f, role, (const char * const []) { __VA_ARGS__, NULL })
#define REFUSED(f, role, refusal, ...) \
  assert_refused (f, role, refusal, (const char * const []) { __VA_ARGS__, NULL })

/* The one value @sql selects on the owner's connection, as text */
static char *
query (Fixture    *f,
       const char *sql)
{
  return vigil_test_pg_query_text (f->conn, sql);
}

static void
assert_query (Fixture    *f,
              const char *sql,
              const char *expected)
{
  g_autofree char *value = query (f, sql);

  g_assert_cmpstr (value, ==, expected);
}

/* The id of customer @external_id's trigger, as text */
static char *
trigger_of (Fixture    *f,
            const char *external_id)
{
  /* our own constants, no data */
  g_autofree char *sql = g_strdup_printf ("SELECT CAST (t.id AS text) FROM vigil.triggers t "
                                          "JOIN vigil.customers c ON c.id = t.customer_id "
                                          "WHERE c.external_id = '%s'", external_id);

  return query (f, sql);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_auto(TestRun) run = { 0 };
  g_autofree char *csv = NULL;

  test_dir_init (&f->dir);
  if (vigil_test_pg_cluster () == NULL)
    return;
  f->database = vigil_test_pg_create_database ();
  f->owner = vigil_test_pg_location (f->database);
  csv = test_dir_write (&f->dir, "book.csv", book_csv, -1);
  /* the owner makes the book and fills it, as the poller does */
  run_ok (&run, (const char * const []) { "--db", f->owner, "import", csv, NULL });
  f->conn = vigil_test_pg_connect (f->owner);
  /* what an admin pipes into psql, twice: running it again is safe */
  for (int i = 0; i < 2; i++)
    {
      run_ok (&run, (const char * const []) { "db", "roles", "ops:ana", "manager:bob=Bob Stone",
                                              "csm:carol=Carol Diaz", "csm:dave=Dave Roe", NULL });
      PQclear (vigil_test_pg_exec (f->conn, run.out));
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->conn, PQfinish);
  if (f->database != NULL)
    vigil_test_pg_drop_database (f->database);
  g_free (f->database);
  g_free (f->owner);
  test_dir_clear (&f->dir);
}

/* A CSM reads the whole book, opens it without an error, acts on her
 * customer and is refused on another's, which stays as it was. */
static void
test_roles_csm (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_auto(TestRun) run = { 0 };

  if (vigil_test_pg_skip_without_cluster ())
    return;
  mine = trigger_of (f, "a1");
  theirs = trigger_of (f, "a2");

  /* the whole book, and nothing a reader's Vigil writes is refused */
  g_assert_cmpint (RUN_AS (f, &run, "carol", "scores"), ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_nonnull (strstr (run.out, "Carol Diaz"));
  g_assert_nonnull (strstr (run.out, "Dave Roe"));
  g_assert_cmpint (RUN_AS (f, &run, "carol", "triggers"), ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_nonnull (strstr (run.out, "Alpha"));
  g_assert_nonnull (strstr (run.out, "Beta"));
  ACTS (f, "carol", "timeline", "a2");
  ACTS (f, "carol", "history", "a2");

  /* who she is comes from the team's people, not from `me` */
  g_assert_cmpint (RUN_AS (f, &run, "carol", "me"), ==, 0);
  g_assert_cmpstr (run.out, ==, "I am: Carol Diaz\n");
  REFUSED (f, "carol", "who you are comes from the team's people", "me", "Dave Roe");

  /* her customer */
  ACTS (f, "carol", "trigger", "ack", mine);
  g_assert_cmpint (RUN_AS (f, &run, "carol", "note", "a1", "Champion is keen"), ==, 0);
  ACTS (f, "carol", "pulse", "a1", "green");
  g_assert_cmpint (RUN_AS (f, &run, "carol", "outcome", "a1", "renewed", "--date", "2026-11-21"), ==, 0);
  assert_query (f, "SELECT state || ' ' || state_by FROM vigil.triggers t JOIN vigil.customers c "
                   "ON c.id = t.customer_id WHERE c.external_id = 'a1'", "acknowledged Carol Diaz");
  assert_query (f, "SELECT string_agg (author || ': ' || body, ',') FROM vigil.touches", "Carol Diaz: Champion is keen");
  assert_query (f, "SELECT string_agg (author || ' ' || sentiment, ',') FROM vigil.pulses", "Carol Diaz green");
  assert_query (f, "SELECT string_agg (day || ' ' || outcome, ',') FROM vigil.outcomes", "2026-11-21 renewed");

  /* Dave's, refused, and left as it was */
  REFUSED (f, "carol", REFUSED_ROW, "trigger", "ack", theirs);
  REFUSED (f, "carol", REFUSED_ROW, "trigger", "snooze", theirs, "--until", "2027-01-01");
  REFUSED (f, "carol", REFUSED_ROW, "note", "a2", "Not mine to write");
  REFUSED (f, "carol", REFUSED_ROW, "pulse", "a2", "red");
  REFUSED (f, "carol", REFUSED_ROW, "outcome", "a2", "churned", "--date", "2026-11-21");
  assert_query (f, "SELECT state || ' ' || coalesce (state_by, '-') FROM vigil.triggers t JOIN vigil.customers c "
                   "ON c.id = t.customer_id WHERE c.external_id = 'a2'", "new -");
  assert_query (f, "SELECT CAST (count(*) AS text) FROM vigil.touches", "1");
  assert_query (f, "SELECT CAST (count(*) AS text) FROM vigil.pulses", "1");
  assert_query (f, "SELECT CAST (count(*) AS text) FROM vigil.outcomes", "1");
  assert_query (f, "SELECT CAST (count(*) AS text) FROM vigil.events WHERE author IS NOT NULL", "1");
}

/* A touch of a customer that is no longer hers: her own, but not hers
 * to delete or edit any more; refused, not "deleted" in silence. */
static void
test_roles_lost_customer (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(TestRun) run = { 0 };
  g_autofree char *touch = NULL;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  g_assert_cmpint (RUN_AS (f, &run, "carol", "note", "a1", "Before the hand-over"), ==, 0);
  touch = query (f, "SELECT CAST (id AS text) FROM vigil.touches");
  PQclear (vigil_test_pg_exec (f->conn, "UPDATE vigil.customers SET owner = 'Dave Roe'"));
  REFUSED (f, "carol", REFUSED_ROW, "note", "--delete", touch);
  REFUSED (f, "carol", REFUSED_ROW, "note", "--edit", touch, "Rewritten");
  assert_query (f, "SELECT body FROM vigil.touches", "Before the hand-over");
}

/* A manager acts on every customer, but is no ops. */
static void
test_roles_manager (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *theirs = NULL;
  g_auto(TestRun) run = { 0 };

  if (vigil_test_pg_skip_without_cluster ())
    return;
  theirs = trigger_of (f, "a2");
  g_assert_cmpint (RUN_AS (f, &run, "bob", "note", "a1", "Checked in"), ==, 0);
  g_assert_cmpint (RUN_AS (f, &run, "bob", "note", "a2", "Checked in too"), ==, 0);
  ACTS (f, "bob", "trigger", "done", theirs);
  ACTS (f, "bob", "pulse", "a2", "yellow");
  assert_query (f, "SELECT string_agg (author, ',') FROM vigil.touches", "Bob Stone,Bob Stone");
  assert_query (f, "SELECT state FROM vigil.triggers t JOIN vigil.customers c ON c.id = t.customer_id "
                   "WHERE c.external_id = 'a2'", "done");
  REFUSED (f, "bob", REFUSED_OPS, "scorecard", "set", "activity.weight", "10");
  REFUSED (f, "bob", REFUSED_OPS, "source", "add", "crm", "http://127.0.0.1:9/x", "--preset",
           "hubspot-companies", "--token-env", "HUB_TOKEN");
}

/* Only the ops change sources and the scorecard. */
static void
test_roles_ops (Fixture       *f,
                gconstpointer  data)
{
  g_auto(TestRun) run = { 0 };

  if (vigil_test_pg_skip_without_cluster ())
    return;
  REFUSED (f, "carol", REFUSED_OPS, "scorecard", "set", "activity.weight", "10");
  REFUSED (f, "carol", REFUSED_OPS, "source", "add", "crm", "http://127.0.0.1:9/x", "--preset",
           "hubspot-companies", "--token-env", "HUB_TOKEN");
  REFUSED (f, "carol", REFUSED_OPS, "trigger", "no-touch", "5");
  assert_query (f, "SELECT CAST (count(*) AS text) FROM vigil.sources", "1");
  assert_query (f, "SELECT CAST (max (version) AS text) FROM vigil.scorecards", "1");

  g_assert_cmpint (RUN_AS (f, &run, "ana", "scorecard", "set", "activity.weight", "10"), ==, 0);
  g_assert_cmpint (RUN_AS (f, &run, "ana", "source", "add", "crm", "http://127.0.0.1:9/x", "--preset",
                           "hubspot-companies", "--token-env", "HUB_TOKEN"), ==, 0);
  assert_query (f, "SELECT string_agg (name || ' ' || coalesce (token_env, '-'), ',' ORDER BY id) "
                   "FROM vigil.sources", "imported -,crm HUB_TOKEN");
  assert_query (f, "SELECT CAST (max (version) AS text) FROM vigil.scorecards", "2");
  g_assert_cmpint (RUN_AS (f, &run, "ana", "me"), ==, 0);
  g_assert_cmpstr (run.out, ==, "I am: ana\n");
  /* the book's settings; its trigger episodes are the poller's to bring up to date */
  g_assert_cmpint (RUN_AS (f, &run, "ana", "trigger", "no-touch", "5"), ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (RUN_AS (f, &run, "ana", "note", "a2", "Ops checked the data"), ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  assert_query (f, "SELECT value FROM vigil.meta WHERE key = 'no_touch_days'", "5");
  assert_query (f, "SELECT author FROM vigil.touches", "ana");
}

/* The endpoint the book's poller polls: a third customer, Carol's. */
static void
serve_usage_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  test_server_respond (msg, 200, "application/json",
                       "{\"customers\": [{\"id\": \"a3\", \"name\": \"Gamma\", \"owner\": \"Carol Diaz\","
                       " \"mrr\": 300, \"seats\": 10, \"seats_used\": 5,"
                       " \"observed_at\": \"2026-11-21T00:00:00Z\"}]}");
}

typedef struct
{
  guint  running;
  char  *out[4];
  int    status[4];
} Processes;

typedef struct
{
  Processes *processes;
  guint      index;
} ProcessSlot;

static void
process_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ProcessSlot *slot = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &slot->processes->out[slot->index], &err,
                                        &error);
  g_assert_no_error (error);
  slot->processes->status[slot->index] = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  if (slot->processes->status[slot->index] != 0)
    g_test_message ("process %u: %s", slot->index, err);
  slot->processes->running--;
  g_object_unref (object);
}

/* Starts vigil with @argv (NULL-terminated, after the binary) as process
 * @index of @processes; the main context must turn while it runs (the
 * poller asks this process's server). */
static void
start_process (Processes          *processes,
               ProcessSlot        *slot,
               guint               index,
               const char * const *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (args, (gpointer) g_getenv ("VIGIL_BINARY"));
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  process = g_subprocess_newv ((const char * const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  slot->processes = processes;
  slot->index = index;
  processes->running++;
  g_subprocess_communicate_utf8_async (process, NULL, NULL, process_done_cb, slot);
}

/* Done when (issue 19): three people's Vigils at once on one book while
 * its poller, the book's owner, fills it: each sees all of it, each acts
 * in their lane only, on the customers the poll brought too. */
static void
test_roles_three_at_once (Fixture       *f,
                          gconstpointer  data)
{
  static const char * const roles[] = { "carol", "dave", "bob" };
  g_autofree char *carols = NULL;
  g_autofree char *daves = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupServer) server = NULL;
  char *locations[G_N_ELEMENTS (roles)] = { NULL };
  g_auto(TestRun) run = { 0 };
  Processes processes = { 0 };
  ProcessSlot slots[4];

  if (vigil_test_pg_skip_without_cluster ())
    return;
  server = test_server_new (serve_usage_cb, NULL, &base);
  url = g_strconcat (base, "/usage", NULL);
  run_ok (&run, (const char * const []) { "--db", f->owner, "source", "add", "team", url, NULL });

  start_process (&processes, &slots[0], 0, (const char * const []) { "--db", f->owner, "poll", NULL });
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      locations[i] = as_role (f, roles[i]);
      start_process (&processes, &slots[1 + i], 1 + i,
                     (const char * const []) { "--db", locations[i], "scores", "--format", "csv", NULL });
    }
  while (processes.running > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    g_free (locations[i]);
  for (guint i = 0; i < G_N_ELEMENTS (processes.out); i++)
    {
      g_assert_cmpint (processes.status[i], ==, 0);
      if (i > 0)
        {
          g_assert_nonnull (strstr (processes.out[i], "a1,"));
          g_assert_nonnull (strstr (processes.out[i], "a2,"));
        }
      g_free (processes.out[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_assert_cmpint (RUN_AS (f, &run, roles[i], "scores", "--format", "csv"), ==, 0);
      g_assert_nonnull (strstr (run.out, "a3,"));
    }

  carols = trigger_of (f, "a1");
  daves = trigger_of (f, "a2");
  ACTS (f, "carol", "trigger", "ack", carols);
  ACTS (f, "dave", "trigger", "snooze", daves, "--until", "2027-01-01");
  REFUSED (f, "dave", REFUSED_ROW, "trigger", "done", carols);
  REFUSED (f, "carol", REFUSED_ROW, "trigger", "done", daves);
  g_assert_cmpint (RUN_AS (f, &run, "carol", "note", "a3", "Welcome call booked", "--source", "team"), ==, 0);
  REFUSED (f, "dave", REFUSED_ROW, "note", "a3", "Not mine", "--source", "team");
  g_assert_cmpint (RUN_AS (f, &run, "bob", "note", "a3", "Looks good", "--source", "team"), ==, 0);
  assert_query (f, "SELECT string_agg (t.state || ' ' || t.state_by, ',' ORDER BY c.external_id) "
                   "FROM vigil.triggers t JOIN vigil.customers c ON c.id = t.customer_id",
                "acknowledged Carol Diaz,snoozed Dave Roe");
  assert_query (f, "SELECT string_agg (author, ',' ORDER BY id) FROM vigil.touches", "Carol Diaz,Bob Stone");
}

/* `vigil db roles`'s arguments: KIND:ROLE[=OWNER], checked. */
static void
test_roles_arguments (void)
{
  static const struct
  {
    const char         *argument;
    gboolean            valid;
    VigilCliPersonKind  kind;
    const char         *role;
    const char         *owner;
  } cases[] = {
    { "csm:carol", TRUE, VIGIL_CLI_PERSON_CSM, "carol", "carol" },
    { "manager:bob=Bob Stone", TRUE, VIGIL_CLI_PERSON_MANAGER, "bob", "Bob Stone" },
    { "ops:ana=", FALSE },
    { "ops:Ana.Lopez@EXAMPLE.COM=Ana López", TRUE, VIGIL_CLI_PERSON_OPS, "Ana.Lopez@EXAMPLE.COM", "Ana López" },
    { "csm:o\"neil=Ann O'Neil", TRUE, VIGIL_CLI_PERSON_CSM, "o\"neil", "Ann O'Neil" },
    { "boss:bob", FALSE },
    { "CSM:bob", FALSE },
    { "carol", FALSE },
    { "csm:", FALSE },
    { "csm:=Carol", FALSE },
    { "csm:pg_carol", FALSE },
    { "csm:vigil_ops", FALSE },
    { "csm:PUBLIC", FALSE },
    { "csm:car$ol", FALSE },
    { "csm:car\tol", FALSE },
    { "csm:carol=Carol\nDiaz", FALSE },
    { "csm:a234567890123456789012345678901234567890123456789012345678901234", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(VigilCliPerson) person = { 0 };
      g_autoptr(GError) error = NULL;
      gboolean valid = vigil_cli_person_parse (cases[i].argument, &person, &error);

      g_test_message ("%s", cases[i].argument);
      g_assert_cmpint (valid, ==, cases[i].valid);
      if (!valid)
        {
          g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
          /* the message names the argument */
          g_assert_nonnull (strstr (error->message, cases[i].argument));
          continue;
        }
      g_assert_cmpint (person.kind, ==, cases[i].kind);
      g_assert_cmpstr (person.role, ==, cases[i].role);
      g_assert_cmpstr (person.owner, ==, cases[i].owner);
    }
}

/* The SQL quotes what a person gave: a role as an identifier, an owner
 * as a string, each quote doubled; a bad argument gives none. */
static void
test_roles_sql (void)
{
  const char *people[] = { "csm:o\"neil=Ann O'Neil", "ops:ana", NULL };
  const char *twice[] = { "csm:ana", "ops:ana", NULL };
  const char *bad[] = { "ops:ana", "boss:bob", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = vigil_cli_db_roles_sql (people, &error);

  g_assert_no_error (error);
  g_assert_nonnull (strstr (sql, "SET standard_conforming_strings = on;\n"));
  g_assert_nonnull (strstr (sql, "CREATE ROLE \"o\"\"neil\" LOGIN;"));
  g_assert_nonnull (strstr (sql, "WHERE rolname = 'o\"neil'"));
  g_assert_nonnull (strstr (sql, "GRANT vigil_csm TO \"o\"\"neil\";"));
  g_assert_nonnull (strstr (sql, "REVOKE vigil_ops FROM \"o\"\"neil\";"));
  g_assert_nonnull (strstr (sql, "VALUES ('o\"neil', 'Ann O''Neil', 'csm')"));
  g_assert_nonnull (strstr (sql, "GRANT vigil_ops TO \"ana\";"));
  g_assert_nonnull (strstr (sql, "VALUES ('ana', 'ana', 'ops')"));
  g_assert_true (g_str_has_suffix (sql, "COMMIT;\n"));

  g_assert_null (vigil_cli_db_roles_sql (twice, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "ops:ana"));
  g_clear_error (&error);
  g_assert_null (vigil_cli_db_roles_sql (bad, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "boss:bob"));
}

/* The command: the SQL on standard output; a bad argument, a usage
 * error naming it, and nothing printed. */
static void
test_roles_command (void)
{
  g_auto(TestRun) run = { 0 };

  test_run_vigil (&run, "db", "roles", "csm:carol=Carol Diaz");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "VALUES ('carol', 'Carol Diaz', 'csm')"));
  test_run_vigil (&run, "db", "roles", "csm:carol", "chief:dan");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "“chief:dan” is not KIND:ROLE[=OWNER]"));
  test_run_vigil (&run, "db", "roles");
  g_assert_cmpint (run.status, ==, 2);
  test_run_vigil (&run, "db", "frobnicate");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "unknown db command “frobnicate”"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/roles/arguments", test_roles_arguments);
  g_test_add_func ("/roles/sql", test_roles_sql);
  g_test_add_func ("/roles/command", test_roles_command);
  g_test_add ("/roles/csm", Fixture, NULL, fixture_set_up, test_roles_csm, fixture_tear_down);
  g_test_add ("/roles/lost-customer", Fixture, NULL, fixture_set_up, test_roles_lost_customer, fixture_tear_down);
  g_test_add ("/roles/manager", Fixture, NULL, fixture_set_up, test_roles_manager, fixture_tear_down);
  g_test_add ("/roles/ops", Fixture, NULL, fixture_set_up, test_roles_ops, fixture_tear_down);
  g_test_add ("/roles/three-at-once", Fixture, NULL, fixture_set_up, test_roles_three_at_once,
              fixture_tear_down);
  return g_test_run ();
}
