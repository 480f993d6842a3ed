/* test-team-window.c: a window on a team's book follows the team's
 * commits (design 5), on a private X server beside a private cluster
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "vigil-application.h"
#include "vigil-core.h"
#include "vigil-test-pg.h"
#include "vigil-test-run.h"
#include "vigil-test-util.h"
#include "vigil-test-widgets.h"
#include "vigil-window-private.h"

static const char first_csv[] =
  "id,name,owner,mrr,seats,seats_used,api_calls_7d,observed_at\n"
  "acme,Acme,Dana Park,1200,10,9,5000,2026-11-30T12:00:00Z\n"
  "beta,Beta,Lee Chen,800,10,4,900,2026-11-30T12:00:00Z\n";

static const char second_csv[] =
  "id,name,owner,mrr,seats,seats_used,api_calls_7d,observed_at\n"
  "gamma,Gamma,Lee Chen,400,5,5,700,2026-12-01T12:00:00Z\n";

static gboolean
is_loaded (gpointer data)
{
  return vigil_portfolio_is_loaded (data);
}

typedef struct
{
  VigilPortfolio *portfolio;
  guint           count;
} CountWait;

static gboolean
has_count (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (vigil_portfolio_get_customers (wait->portfolio)) == wait->count;
}

static void
import_csv (TestDir    *dir,
            const char *location,
            const char *name,
            const char *csv)
{
  g_autofree char *path = test_dir_write (dir, name, csv, -1);
  g_auto(TestRun) run = { 0 };

  test_run_vigil (&run, "--db", location, "import", path);
  g_assert_cmpint (run.status, ==, 0);
}

/* A book of its own holding first_csv, and a folder for the files */
static void
make_book (TestDir  *dir,
           char    **out_database,
           char    **out_location)
{
  test_dir_init (dir);
  *out_database = vigil_test_pg_create_database ();
  *out_location = vigil_test_pg_location (*out_database);
  import_csv (dir, *out_location, "first.csv", first_csv);
}

/* A window on @location, shown and loaded; @out_app keeps it. */
static VigilWindow *
open_window (const char        *location,
             VigilApplication **out_app)
{
  g_autoptr(GError) error = NULL;
  VigilWindow *window;

  *out_app = vigil_application_new (location, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (*out_app), NULL, &error);
  g_assert_no_error (error);
  window = vigil_window_new (*out_app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_loaded, vigil_window_get_portfolio (window)));
  return window;
}

static void
close_window (VigilWindow       *window,
              VigilApplication **app)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (app);
}

/* Another process (the team's poller, another CSM's Vigil) adds a
 * customer: the window shows it without a reload by hand, and does
 * not poll the book itself. */
static void
test_team_window_follows_commits (void)
{
  TestDir dir;
  g_autofree char *database = NULL;
  g_autofree char *location = NULL;
  g_autoptr(VigilApplication) app = NULL;
  VigilWindow *window;
  VigilPortfolio *portfolio;
  CountWait wait;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  make_book (&dir, &database, &location);

  window = open_window (location, &app);
  portfolio = vigil_window_get_portfolio (window);
  wait = (CountWait) { portfolio, 2 };
  g_assert_true (has_count (&wait));

  import_csv (&dir, location, "second.csv", second_csv);
  wait.count = 3;
  g_assert_true (wait_for (has_count, &wait));
  g_assert_false (vigil_portfolio_is_polling (portfolio));

  close_window (window, &app);
  vigil_test_pg_drop_database (database);
  test_dir_clear (&dir);
}

static gboolean
has_sources (gpointer data)
{
  return vigil_portfolio_get_sources (data)->len > 0;
}

static gboolean
is_named (GtkWidget  *widget,
          const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

typedef struct
{
  VigilWindow *window;
  const char  *name;
} ButtonWait;

static gboolean
has_button (gpointer data)
{
  ButtonWait *wait = data;

  return find_widget (GTK_WIDGET (_vigil_window_get_triggers_page (wait->window)), is_named, wait->name) != NULL;
}

static gboolean
toasted_refusal (gpointer data)
{
  const char *toast = _vigil_window_get_last_toast (data);

  return toast != NULL && strstr (toast, "the team's book refused this") != NULL;
}

/* design 1.1: a CSM's window on a team's book, her press of a button on
 * another owner's trigger: the window says the book refused it, and the
 * trigger is as it was. */
static void
test_team_window_refusal (void)
{
  TestDir dir;
  g_autofree char *database = NULL;
  g_autofree char *location = NULL;
  g_autofree char *as_lee = NULL;
  g_autofree char *trigger = NULL;
  g_autofree char *button_name = NULL;
  g_autofree char *state = NULL;
  g_autoptr(VigilApplication) app = NULL;
  g_auto(TestRun) run = { 0 };
  VigilWindow *window;
  ButtonWait wait;
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  make_book (&dir, &database, &location);
  test_run_vigil (&run, "db", "roles", "csm:lee=Lee Chen");
  g_assert_cmpint (run.status, ==, 0);
  conn = vigil_test_pg_connect (location);
  PQclear (vigil_test_pg_exec (conn, run.out));
  /* Acme is Dana's: 9 seats of 10 opened its seat-expansion trigger */
  trigger = vigil_test_pg_query_text (conn, "SELECT CAST (t.id AS text) FROM vigil.triggers t "
                                            "JOIN vigil.customers c ON c.id = t.customer_id "
                                            "WHERE c.external_id = 'acme'");

  as_lee = g_strdup_printf ("%s user=lee", location);
  window = open_window (as_lee, &app);
  vigil_window_show_page (window, "triggers");
  button_name = g_strdup_printf ("ack-%s", trigger);
  wait = (ButtonWait) { window, button_name };
  g_assert_true (wait_for (has_button, &wait));
  g_signal_emit_by_name (find_widget (GTK_WIDGET (_vigil_window_get_triggers_page (window)), is_named, button_name),
                         "clicked");
  g_assert_true (wait_for (toasted_refusal, window));
  g_assert_nonnull (strstr (_vigil_window_get_last_toast (window), "only the customer's owner, a manager"));
  state = vigil_test_pg_query_text (conn, "SELECT state FROM vigil.triggers");
  g_assert_cmpstr (state, ==, "new");

  close_window (window, &app);
  PQfinish (conn);
  vigil_test_pg_drop_database (database);
  test_dir_clear (&dir);
}

/* Runs @sql on the book as another program would (no Vigil writer). */
static void
exec_as_someone_else (const char *location,
                      const char *sql)
{
  PGconn *conn = vigil_test_pg_connect (location);

  PQclear (vigil_test_pg_exec (conn, sql));
  PQfinish (conn);
}

static void
run_vigil_ok (const char *location,
              const char *command,
              const char *first,
              const char *second,
              const char *third)
{
  g_auto(TestRun) run = { 0 };

  test_run_vigil (&run, "--db", location, command, first, second, third, NULL);
  if (run.status != 0)
    g_error ("vigil %s %s failed: %s", command, first, run.err);
}

typedef struct
{
  VigilPortfolio *portfolio;
  const char     *external_id;
  guint           open_triggers;
} TriggersWait;

/* The first customer of @portfolio whose @get is @value, or NULL (unref
 * it). */
static VigilCustomer *
find_customer (VigilPortfolio *portfolio,
               const char     *(*get) (VigilCustomer *customer),
               const char     *value)
{
  GListModel *customers = vigil_portfolio_get_customers (portfolio);

  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);

      if (g_strcmp0 (get (customer), value) == 0)
        return g_steal_pointer (&customer);
    }
  return NULL;
}

static gboolean
has_open_triggers (gpointer data)
{
  TriggersWait *wait = data;
  g_autoptr(VigilCustomer) customer = find_customer (wait->portfolio, vigil_customer_get_id, wait->external_id);

  return customer != NULL && vigil_customer_get_open_triggers (customer) == wait->open_triggers &&
         !vigil_portfolio_is_reading (wait->portfolio);
}

static gboolean
has_no_triggers (gpointer data)
{
  return vigil_portfolio_get_triggers (data)->len == 0;
}

static gboolean
is_settled (gpointer data)
{
  return vigil_portfolio_is_loaded (data) && !vigil_portfolio_is_reading (data);
}

static gboolean
is_past (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* Waits until @portfolio has heard the commits made (within a fraction
 * of the watch's 100 ms gathering) and read what they changed. */
static void
wait_until_followed (VigilPortfolio *portfolio)
{
  gint64 heard = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  g_assert_true (wait_for (is_past, &heard));
  g_assert_true (wait_for (is_settled, portfolio));
}

static void
assert_same_figure (double a,
                    double b)
{
  if (isnan (a) || isnan (b))
    g_assert_cmpint (isnan (a), ==, isnan (b));
  else
    g_assert_cmpfloat_with_epsilon (a, b, 1e-9);
}

/* @window's portfolio holds what a fresh one read of the book now. */
static void
assert_same_as_fresh (VigilPortfolio *window,
                      const char     *location)
{
  g_autoptr(VigilPortfolio) fresh = vigil_portfolio_new (location);
  GListModel *mine = vigil_portfolio_get_customers (window);
  GListModel *theirs = vigil_portfolio_get_customers (fresh);
  GPtrArray *my_triggers;
  GPtrArray *their_triggers;

  vigil_portfolio_reload (fresh);
  g_assert_true (wait_for (is_settled, fresh));
  my_triggers = vigil_portfolio_get_triggers (window);
  g_assert_cmpuint (g_list_model_get_n_items (mine), ==, g_list_model_get_n_items (theirs));
  for (guint i = 0; i < g_list_model_get_n_items (theirs); i++)
    {
      g_autoptr(VigilCustomer) a = g_list_model_get_item (mine, i);
      g_autoptr(VigilCustomer) b = g_list_model_get_item (theirs, i);
      const double *a_spark, *b_spark;
      guint a_n, b_n;

      g_assert_cmpint (vigil_customer_get_store_id (a), ==, vigil_customer_get_store_id (b));
      g_assert_cmpstr (vigil_customer_get_id (a), ==, vigil_customer_get_id (b));
      g_assert_cmpstr (vigil_customer_get_display_name (a), ==, vigil_customer_get_display_name (b));
      g_assert_cmpstr (vigil_customer_get_owner (a), ==, vigil_customer_get_owner (b));
      g_assert_cmpint (vigil_customer_get_tier (a), ==, vigil_customer_get_tier (b));
      assert_same_figure (vigil_customer_get_health (a), vigil_customer_get_health (b));
      assert_same_figure (vigil_customer_get_churn_risk (a), vigil_customer_get_churn_risk (b));
      assert_same_figure (vigil_customer_get_mrr (a), vigil_customer_get_mrr (b));
      assert_same_figure (vigil_customer_get_at_stake (a), vigil_customer_get_at_stake (b));
      g_assert_cmpint (vigil_customer_get_last_touch (a), ==, vigil_customer_get_last_touch (b));
      g_assert_cmpint (vigil_customer_get_last_active (a), ==, vigil_customer_get_last_active (b));
      g_assert_cmpuint (vigil_customer_get_open_triggers (a), ==, vigil_customer_get_open_triggers (b));
      a_spark = vigil_customer_get_sparkline (a, &a_n);
      b_spark = vigil_customer_get_sparkline (b, &b_n);
      g_assert_cmpmem (a_spark, a_n * sizeof (double), b_spark, b_n * sizeof (double));
    }
  their_triggers = vigil_portfolio_get_triggers (fresh);
  g_assert_cmpuint (my_triggers->len, ==, their_triggers->len);
  for (guint i = 0; i < their_triggers->len; i++)
    {
      VigilTriggerRow *a = my_triggers->pdata[i], *b = their_triggers->pdata[i];

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpstr (a->state, ==, b->state);
      g_assert_cmpstr (a->state_by, ==, b->state_by);
    }
  g_assert_cmpuint (vigil_portfolio_get_sources (window)->len, ==, vigil_portfolio_get_sources (fresh)->len);
  for (guint i = 0; i < vigil_portfolio_get_sources (fresh)->len; i++)
    {
      VigilSource *a = vigil_portfolio_get_sources (window)->pdata[i];
      VigilSource *b = vigil_portfolio_get_sources (fresh)->pdata[i];

      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpstr (a->last_error, ==, b->last_error);
    }
}

static const char changes_csv[] =
  "id,name,owner,mrr,seats,seats_used,api_calls_7d,observed_at\n"
  "acme,Acme,Dana Park,1300,10,2,100,2026-12-01T12:00:00Z\n"
  "delta,Delta,Dana Park,300,5,1,50,2026-12-01T12:00:00Z\n";

/* design 5: whatever another process commits, the window that read
 * again only what each commit changed shows what a fresh window reads:
 * a new customer, a changed score, a touch, a worked trigger, a
 * customer removed, two accounts merged, the triggers alone, a source
 * alone. */
static void
test_team_window_reads_what_changed (void)
{
  TestDir dir;
  g_autofree char *database = NULL;
  g_autofree char *location = NULL;
  g_autofree char *trigger = NULL;
  g_autoptr(VigilApplication) app = NULL;
  VigilWindow *window;
  VigilPortfolio *portfolio;
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  make_book (&dir, &database, &location);
  window = open_window (location, &app);
  portfolio = vigil_window_get_portfolio (window);

  import_csv (&dir, location, "second.csv", second_csv);
  import_csv (&dir, location, "changes.csv", changes_csv);
  run_vigil_ok (location, "note", "beta", "Called about the renewal", NULL);
  conn = vigil_test_pg_connect (location);
  trigger = vigil_test_pg_query_text (conn, "SELECT CAST (min (t.id) AS text) FROM vigil.triggers t "
                                            "JOIN vigil.customers c ON c.id = t.customer_id "
                                            "WHERE c.external_id = 'acme'");
  PQfinish (conn);
  g_assert_nonnull (trigger);
  run_vigil_ok (location, "trigger", "ack", trigger, NULL);
  run_vigil_ok (location, "link", "imported:beta", "imported:gamma", NULL);
  exec_as_someone_else (location, "DELETE FROM vigil.customers WHERE external_id = 'delta'");
  wait_until_followed (portfolio);
  g_assert_cmpuint (g_list_model_get_n_items (vigil_portfolio_get_customers (portfolio)), ==, 2);
  assert_same_as_fresh (portfolio, location);

  /* The triggers alone, then a source alone: each read on its own. */
  g_assert_cmpuint (vigil_portfolio_get_triggers (portfolio)->len, >, 0);
  exec_as_someone_else (location, "UPDATE vigil.triggers SET state = 'done', state_by = 'Someone'");
  g_assert_true (wait_for (has_no_triggers, portfolio));
  wait_until_followed (portfolio);
  assert_same_as_fresh (portfolio, location);
  exec_as_someone_else (location, "INSERT INTO vigil.sources (name, kind, url, created_at, last_error) "
                                  "VALUES ('crm', 'endpoint', 'https://crm.example/api', 0, 'down')");
  g_assert_true (wait_for (has_sources, portfolio));
  wait_until_followed (portfolio);
  assert_same_as_fresh (portfolio, location);

  close_window (window, &app);
  vigil_test_pg_drop_database (database);
  test_dir_clear (&dir);
}

static gboolean
rows_kept (GListModel *customers,
           GPtrArray  *rows)
{
  if (g_list_model_get_n_items (customers) != rows->len)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);

      if (vigil_customer_get_row (customer) != rows->pdata[i])
        return FALSE;
    }
  return TRUE;
}

static void
count_changed_cb (VigilCustomer *customer,
                  gpointer       user_data)
{
  (*(guint *) user_data)++;
}

/* design 5: a commit that wrote only the triggers, or only the sources,
 * is read without the book: the customers keep the rows they had, and
 * only what changed follows. */
static void
test_team_window_reads_parts_only (void)
{
  TestDir dir;
  g_autofree char *database = NULL;
  g_autofree char *location = NULL;
  g_autoptr(VigilApplication) app = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  VigilWindow *window;
  VigilPortfolio *portfolio;
  GListModel *customers;
  TriggersWait wait;
  g_autoptr(VigilCustomer) acme = NULL;
  guint acme_changed = 0;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  make_book (&dir, &database, &location);
  window = open_window (location, &app);
  portfolio = vigil_window_get_portfolio (window);
  customers = vigil_portfolio_get_customers (portfolio);
  acme = g_list_model_get_item (customers, 0);
  g_assert_cmpstr (vigil_customer_get_id (acme), ==, "acme");
  g_signal_connect (acme, "changed", G_CALLBACK (count_changed_cb), &acme_changed);
  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);

      g_ptr_array_add (rows, (gpointer) vigil_customer_get_row (customer));
    }
  /* Acme's seats opened a trigger */
  wait = (TriggersWait) { portfolio, "acme", 1 };
  g_assert_true (has_open_triggers (&wait));

  exec_as_someone_else (location, "UPDATE vigil.triggers SET state = 'done'");
  wait.open_triggers = 0;
  g_assert_true (wait_for (has_open_triggers, &wait));
  g_assert_true (rows_kept (customers, rows));
  /* Its row in the table is drawn again. */
  g_assert_cmpuint (acme_changed, ==, 1);
  /* done: no longer open */
  g_assert_cmpuint (vigil_portfolio_get_triggers (portfolio)->len, ==, 0);

  exec_as_someone_else (location, "INSERT INTO vigil.sources (name, kind, url, created_at) "
                                  "VALUES ('crm', 'endpoint', 'https://crm.example/api', 0)");
  g_assert_true (wait_for (has_sources, portfolio));
  wait_until_followed (portfolio);
  g_assert_true (rows_kept (customers, rows));
  g_signal_handlers_disconnect_by_data (acme, &acme_changed);

  close_window (window, &app);
  vigil_test_pg_drop_database (database);
  test_dir_clear (&dir);
}

typedef struct
{
  VigilPortfolio *portfolio;
  const char     *name;
} NameWait;

/* Whether a customer of the portfolio is named @wait->name. */
static gboolean
has_name (gpointer data)
{
  NameWait *wait = data;
  g_autoptr(VigilCustomer) customer = find_customer (wait->portfolio, vigil_customer_get_name, wait->name);

  return customer != NULL;
}

static void
count_failures_cb (VigilPortfolio *portfolio,
                   const GError   *error,
                   guint          *failures)
{
  (*failures)++;
}

/* Runs @sql, which returns nothing the test reads, as the cluster's admin. */
static void
run_as_admin (const char *sql)
{
  PGconn *admin = vigil_test_pg_connect (vigil_test_pg_cluster ());

  PQclear (vigil_test_pg_exec (admin, sql));
  PQfinish (admin);
}

static void
allow_connections (const char *database,
                   gboolean    allow)
{
  /* a name of the test's own making */
  g_autofree char *sql = g_strdup_printf ("ALTER DATABASE %s ALLOW_CONNECTIONS %s", database,
                                          allow ? "true" : "false");

  run_as_admin (sql);
}

/* Ends, as a server restart would, the connections to @database but
 * @keep's and the one a window listens on: those a window keeps for its
 * reads (design 7). */
static void
end_kept_connections (const char *database,
                      PGconn     *keep)
{
  /* a name of the test's own making */
  g_autofree char *sql = g_strdup_printf ("SELECT pg_terminate_backend (pid) FROM pg_stat_activity "
                                          "WHERE datname = '%s' AND pid NOT IN (pg_backend_pid (), %d) "
                                          "AND query NOT LIKE 'LISTEN%%'", database, PQbackendPID (keep));

  run_as_admin (sql);
}

/* Runs the main loop for @seconds. */
static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* design 5: a read that fails after a commit (here the server ends the
 * connections the window keeps and takes no new ones a while) is tried
 * again on its own: once the server
 * answers, the window shows the commit without another one coming, and
 * it said so once, not at every try. */
static void
test_team_window_read_retried (void)
{
  TestDir dir;
  g_autofree char *database = NULL;
  g_autofree char *location = NULL;
  g_autoptr(VigilApplication) app = NULL;
  VigilWindow *window;
  VigilPortfolio *portfolio;
  NameWait wait;
  guint failures = 0;
  PGconn *writer;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  make_book (&dir, &database, &location);
  window = open_window (location, &app);
  portfolio = vigil_window_get_portfolio (window);
  g_signal_connect (portfolio, "load-failed", G_CALLBACK (count_failures_cb), &failures);

  /* another process's connection, made while the server takes them */
  writer = vigil_test_pg_connect (location);
  allow_connections (database, FALSE);
  end_kept_connections (database, writer);
  PQclear (vigil_test_pg_exec (writer, "UPDATE vigil.customers SET name = 'Acme Renamed' WHERE external_id = 'acme';"
                                       "UPDATE vigil.records SET name = 'Acme Renamed' WHERE external_id = 'acme'"));
  PQfinish (writer);
  /* the read the commit asked for, and the tries after it (2 s, 4 s) */
  spin (7);
  g_assert_cmpuint (failures, ==, 1);
  wait = (NameWait) { portfolio, "Acme Renamed" };
  g_assert_false (has_name (&wait));

  allow_connections (database, TRUE);
  g_assert_true (wait_for (has_name, &wait));
  g_assert_cmpuint (failures, ==, 1);

  close_window (window, &app);
  vigil_test_pg_drop_database (database);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("test-team-window needs a display: run it under with-xvfb.sh\n");
      return 77;
    }
  adw_init ();

  g_test_add_func ("/team-window/follows-commits", test_team_window_follows_commits);
  g_test_add_func ("/team-window/refusal", test_team_window_refusal);
  g_test_add_func ("/team-window/reads-what-changed", test_team_window_reads_what_changed);
  g_test_add_func ("/team-window/reads-parts-only", test_team_window_reads_parts_only);
  g_test_add_func ("/team-window/read-retried", test_team_window_read_retried);
  return g_test_run ();
}
