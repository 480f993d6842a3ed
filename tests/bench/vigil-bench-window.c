/* vigil-bench-window.c: the window figures of issue 6 (a program that
 * prints figures; not a timed test). Run it under xvfb-run.
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On a generated book (default 10,000 customers × 365 days, kept in
 * --db so later runs reuse it) it measures: the first frame showing the
 * populated table, from the start of the program; sorting each column
 * until the next frame; each keystroke of a search; opening a customer
 * page until its next frame (the first, then a dozen more); resident
 * memory; and the longest stall of the main loop while a live endpoint
 * of the whole book (served from a thread of its own, as a remote one
 * would be) is polled and the window reloads. The endpoint is the book's
 * own source, so each run adds one observation to every customer.
 */

#include "config.h"

#include <stdio.h>

#include <adwaita.h>

#include "vigil-application.h"
#include "vigil-core.h"
#include "vigil-demo.h"
#include "vigil-demo-server.h"
#include "vigil-window-private.h"

static gint64 program_start;


static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* design 3.4: @per_customer touches on every customer of a book without
 * any, each a sentence or two, so that a search keystroke reads their
 * text as a CSM's book would make it. One transaction. */
static gboolean
log_touches (VigilStore  *store,
             int          per_customer,
             GError     **error)
{
  static const char * const texts[] = {
    "Called about the renewal; budget approved, paperwork by the end of the month.",
    "Sent the QBR deck and the usage summary to the ops lead and their CFO.",
    "Champion moves to another team next quarter: find a second sponsor before then.",
    "Onboarding review with the support team: two regions still on spreadsheets.",
  };
  g_autoptr(GPtrArray) rows = NULL;
  gint64 first = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 start = g_get_monotonic_time ();

  if (!vigil_store_get_first_touch (store, &first, error))
    return FALSE;
  if (first != VIGIL_UNKNOWN)
    return TRUE;
  if (!(rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, error)) || !vigil_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    for (int t = 0; t < per_customer; t++)
      if (vigil_store_add_touch (store, ((VigilPortfolioRow *) rows->pdata[i])->customer_id,
                                 (VigilTouchKind) (t % VIGIL_N_TOUCH_KINDS), now - (gint64) (i % 90 + t) * 86400,
                                 texts[(i + (guint) t) % G_N_ELEMENTS (texts)], error) < 0)
        {
          vigil_store_rollback (store);
          return FALSE;
        }
  if (!vigil_store_commit (store, error))
    return FALSE;
  printf ("touches: %d on each of %u customers in %.1f s\n", per_customer, rows->len, ms_since (start) / 1000);
  return TRUE;
}

static double
rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || !(line = strstr (status, "VmRSS:")))
    return -1;
  return g_ascii_strtod (line + 6, NULL) / 1024.0;
}

/* Runs the main loop until the window has painted a frame. */
static void
painted_cb (GdkFrameClock *clock,
            gboolean      *painted)
{
  *painted = TRUE;
}

static void
wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong id;

  if (clock == NULL)
    return;
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
}

static int
compare_ms (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_ms);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* Each figure starts from a settled window: drawn, and with what the
 * previous step left for idle time done. */
static void
settle (GtkWidget *widget)
{
  wait_for_frame (widget);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
wait_loaded (VigilPortfolio *portfolio)
{
  while (!vigil_portfolio_is_loaded (portfolio))
    g_main_context_iteration (NULL, TRUE);
}

/* The main loop's longest gap between two ticks of a 5 ms timer. */
typedef struct
{
  gint64 last;
  gint64 worst;
} Stall;

static gboolean
tick_cb (gpointer data)
{
  Stall *stall = data;
  gint64 now = g_get_monotonic_time ();

  if (stall->last != 0)
    stall->worst = MAX (stall->worst, now - stall->last);
  stall->last = now;
  return G_SOURCE_CONTINUE;
}

static void
count_cb (GObject *object,
          guint   *count)
{
  (*count)++;
}

static void
poll_finished_cb (VigilPortfolio *portfolio,
                  const char     *name,
                  gboolean        ok,
                  const char     *message,
                  gboolean       *finished)
{
  if (!ok)
    g_printerr ("poll failed: %s\n", message);
  *finished = TRUE;
}

/* The live endpoint answers from a thread and main context of its own,
 * as a real one answers from another machine: its work (making 10,000
 * customers' JSON) must not count as the window's stalls. */
typedef struct
{
  VigilDemo       *demo;
  VigilDemoServer *server;
  GMainContext    *context;
  GMainLoop       *loop;
  GMutex           lock;
  GCond            ready;
  char            *url;
  char            *error;
} Endpoint;

static gpointer
endpoint_thread (gpointer data)
{
  Endpoint *endpoint = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (endpoint->context);
  endpoint->server = vigil_demo_server_new (endpoint->demo, 500);
  g_mutex_lock (&endpoint->lock);
  if (vigil_demo_server_listen (endpoint->server, 0, &error))
    endpoint->url = vigil_demo_server_get_url (endpoint->server);
  else
    endpoint->error = g_strdup (error->message);
  g_cond_signal (&endpoint->ready);
  g_mutex_unlock (&endpoint->lock);
  if (endpoint->url != NULL)
    g_main_loop_run (endpoint->loop);
  g_clear_object (&endpoint->server);
  g_main_context_pop_thread_default (endpoint->context);
  return NULL;
}

static char *
start_endpoint (Endpoint  *endpoint,
                VigilDemo *demo)
{
  endpoint->demo = demo;
  endpoint->context = g_main_context_new ();
  endpoint->loop = g_main_loop_new (endpoint->context, FALSE);
  g_mutex_init (&endpoint->lock);
  g_cond_init (&endpoint->ready);
  g_mutex_lock (&endpoint->lock);
  g_thread_unref (g_thread_new ("bench-endpoint", endpoint_thread, endpoint));
  while (endpoint->url == NULL && endpoint->error == NULL)
    g_cond_wait (&endpoint->ready, &endpoint->lock);
  g_mutex_unlock (&endpoint->lock);
  if (endpoint->error != NULL)
    g_printerr ("%s\n", endpoint->error);
  return endpoint->url;
}

int
main (int    argc,
      char **argv)
{
  int customers = 10000;
  int days = 365;
  int touches = 0;
  g_autofree char *db = NULL;
  GOptionEntry entries[] = {
    { "customers", 0, 0, G_OPTION_ARG_INT, &customers, "Customers", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "Days of history", "D" },
    { "touches", 0, 0, G_OPTION_ARG_INT, &touches,
      "Touches logged on each customer of a book that has none (the search reads their text)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The database (kept; generated when missing)", "FILE" },
    { NULL }
  };
  static const char * const columns[] = {
    "name", "owner", "segment", "plan", "health", "trend", "risk", "mrr", "renewal", "seats",
    "last-active", "last-touch", "triggers",
  };
  static const char * const keystrokes[] = { "a", "ac", "acc", "acct", "acct-", "acct-0", "acct-00", "acct-001" };
  g_autoptr(GOptionContext) context = g_option_context_new ("- issue 6's window figures");
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilApplication) app = NULL;
  Endpoint endpoint = { NULL };
  g_autoptr(VigilDemo) demo = NULL;
  g_autoptr(VigilSource) source = NULL;
  g_autofree char *url = NULL;
  VigilPortfolioView *view;
  VigilPortfolio *portfolio;
  VigilWindow *window;
  double first_frame, worst_sort = 0, worst_key = 0, rss_loaded;
  double worst_sort_call = 0, worst_key_call = 0;
  double sorts[2 * G_N_ELEMENTS (columns)], keys[G_N_ELEMENTS (keystrokes)];
  double page_call = 0, pages[13];
  double poll_s;
  guint n_sorts = 0;
  gboolean finished = FALSE;
  guint loads = 0, loads_before;
  Stall stall = { 0, 0 };
  gint64 start;

  program_start = g_get_monotonic_time ();
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (db == NULL)
    db = g_build_filename (g_get_tmp_dir (), "vigil-bench-window.db", NULL);

  /* The book, generated once (it takes a while) and reused after. */
  demo = vigil_demo_new (20261123, (guint) customers);
  {
    gint64 now = g_get_real_time () / G_USEC_PER_SEC / 86400 * 86400;
    g_autoptr(VigilStore) store = NULL;

    start = g_get_monotonic_time ();
    store = vigil_demo_open_store (demo, db, now, (guint) days, NULL, &error);
    if (store == NULL)
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
    printf ("book: %d customers x %d days in %s (ready in %.1f s)\n", customers, days, db,
            ms_since (start) / 1000);
    if (touches > 0 && !log_touches (store, touches, &error))
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
  }

  /* From here on is what a launch does. */
  program_start = g_get_monotonic_time ();
  gtk_init ();
  adw_init ();
  app = vigil_application_new (db, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = vigil_window_new (app);
  portfolio = vigil_window_get_portfolio (window);
  view = _vigil_window_get_portfolio_view (window);
  gtk_window_present (GTK_WINDOW (window));
  printf ("window made: %.0f ms from launch, %.0f MB\n", ms_since (program_start), rss_mb ());
  wait_loaded (portfolio);
  printf ("customers in place: %.0f ms from launch\n", ms_since (program_start));
  wait_for_frame (GTK_WIDGET (window));
  first_frame = ms_since (program_start);
  /* Resident memory once the window has settled on its book, not at its
   * first frame: later frames, caches and the other pages add to it. */
  {
    gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;

    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  rss_loaded = rss_mb ();

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    for (int direction = 0; direction < 2; direction++)
      {
        settle (GTK_WIDGET (window));
        start = g_get_monotonic_time ();
        vigil_portfolio_view_sort_by (view, columns[c], direction ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
        worst_sort_call = MAX (worst_sort_call, ms_since (start));
        wait_for_frame (GTK_WIDGET (window));
        sorts[n_sorts++] = ms_since (start);
        worst_sort = MAX (worst_sort, ms_since (start));
      }

  for (guint k = 0; k < G_N_ELEMENTS (keystrokes); k++)
    {
      settle (GTK_WIDGET (window));
      start = g_get_monotonic_time ();
      vigil_portfolio_view_set_search (view, keystrokes[k]);
      worst_key_call = MAX (worst_key_call, ms_since (start));
      wait_for_frame (GTK_WIDGET (window));
      keys[k] = ms_since (start);
      worst_key = MAX (worst_key, ms_since (start));
    }
  vigil_portfolio_view_set_search (view, "");

  /* The first page opened builds what every later one reuses: both
   * are measured, the later ones over a dozen customers. */
  for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (vigil_portfolio_get_customers (portfolio),
                                                                 42 + p * 97);

      settle (GTK_WIDGET (window));
      start = g_get_monotonic_time ();
      vigil_window_show_customer (window, vigil_customer_get_store_id (customer));
      if (p == 0)
        page_call = ms_since (start);
      wait_for_frame (GTK_WIDGET (window));
      pages[p] = ms_since (start);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
      wait_for_frame (GTK_WIDGET (window));
    }

  /* A poll of the whole book from a live endpoint, stored, scored and
   * shown, while a 5 ms timer measures how long the main loop stalls. */
  if (!(url = g_strdup (start_endpoint (&endpoint, demo))))
    return 1;
  {
    g_autoptr(VigilStore) store = vigil_store_open (db, &error);

    /* The book's own source becomes the live endpoint (keeping its
     * customers), so that the poll brings a new observation of each of
     * them, as a poll of a CSM's book does. A source of another name
     * would hold customers of its own: the book would double (what an
     * earlier version of this benchmark measured), and its stale copy
     * would stay. A run cut short may have left it polling. */
    if (store != NULL)
      {
        vigil_store_remove_source (store, "bench-live", TRUE, NULL);
        vigil_store_remove_source (store, VIGIL_DEMO_SOURCE, FALSE, NULL);
      }
    source = vigil_source_new (VIGIL_DEMO_SOURCE, url);
    if (store == NULL || !vigil_store_add_source (store, source, &error))
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
  }
  g_signal_connect (portfolio, "poll-finished", G_CALLBACK (poll_finished_cb), &finished);
  g_signal_connect (portfolio, "loaded", G_CALLBACK (count_cb), &loads);
  g_timeout_add (5, tick_cb, &stall);
  start = g_get_monotonic_time ();
  vigil_portfolio_poll_now (portfolio, VIGIL_DEMO_SOURCE);
  while (!finished)
    g_main_context_iteration (NULL, TRUE);
  loads_before = loads;
  while (loads == loads_before)
    g_main_context_iteration (NULL, TRUE);
  wait_for_frame (GTK_WIDGET (window));
  poll_s = ms_since (start) / 1000;
  /* A second more, still timed: the trend read after a reload and the
   * freeing of the replaced book are part of it, and the memory is
   * measured once they are done. */
  {
    gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;

    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }

  printf ("\n%-52s %10s %10s\n", "figure", "measured", "goal");
  printf ("%-52s %8.0fms %8.0fms\n", "first frame with the populated table, from launch", first_frame, 1000.0);
  {
    g_autofree char *label = g_strdup_printf ("sorting a column (worst of %u), until drawn", n_sorts);

    printf ("%-52s %8.1fms %8.0fms\n", label, worst_sort, 100.0);
  }
  printf ("%-52s %8.1fms\n", "  median of them all", median (sorts, n_sorts));
  printf ("%-52s %8.1fms\n", "  of which sorting the list model (worst)", worst_sort_call);
  printf ("%-52s %8.1fms %8.0fms\n", "a search keystroke (worst of 8), until drawn", worst_key, 50.0);
  printf ("%-52s %8.1fms\n", "  median of the 8", median (keys, G_N_ELEMENTS (keys)));
  printf ("%-52s %8.1fms\n", "  of which filtering the list model (worst)", worst_key_call);
  printf ("%-52s %8.1fms %8.0fms\n", "opening the first customer page, until drawn", pages[0], 100.0);
  printf ("%-52s %8.1fms\n", "  of which filling the page", page_call);
  printf ("%-52s %8.1fms %8.0fms\n", "opening another customer page (median of 12)", median (pages + 1, 12),
          100.0);
  printf ("%-52s %8.0fMB %8.0fMB\n", "resident memory, loaded (a second after)", rss_loaded, 200.0);
  printf ("%-52s %8.0fMB %8.0fMB\n", "resident memory, after a poll of the whole book", rss_mb (), 200.0);
  printf ("%-52s %8.1fms %8.0fms  (poll + reload %.1f s, %u customers shown)\n",
          "longest main-loop stall during a poll and reload", stall.worst / 1000.0, 50.0,
          poll_s, g_list_model_get_n_items (vigil_portfolio_get_customers (portfolio)));

  {
    g_autoptr(VigilStore) store = vigil_store_open (db, NULL);

    /* The book stays as generated, its source with no URL, plus the
     * observation the poll stored. */
    if (store != NULL)
      vigil_store_remove_source (store, VIGIL_DEMO_SOURCE, FALSE, NULL);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_main_loop_quit (endpoint.loop);
  return 0;
}
