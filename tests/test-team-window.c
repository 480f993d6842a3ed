/* test-team-window.c: a window on a team's book follows the team's
 * commits (design 5), on a private X server beside a private cluster
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
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
  return g_test_run ();
}
