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
  g_autoptr(GError) error = NULL;
  VigilWindow *window;
  VigilPortfolio *portfolio;
  CountWait wait;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  test_dir_init (&dir);
  database = vigil_test_pg_create_database ();
  location = vigil_test_pg_location (database);
  import_csv (&dir, location, "first.csv", first_csv);

  app = vigil_application_new (location, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  window = vigil_window_new (app);
  portfolio = vigil_window_get_portfolio (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (is_loaded, portfolio));
  wait = (CountWait) { portfolio, 2 };
  g_assert_true (has_count (&wait));

  import_csv (&dir, location, "second.csv", second_csv);
  wait.count = 3;
  g_assert_true (wait_for (has_count, &wait));
  g_assert_false (vigil_portfolio_is_polling (portfolio));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&app);
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
  return g_test_run ();
}
