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
 * until the next frame; each keystroke of a search, then each deleting
 * it back a character at a time; opening a customer
 * page until its next frame (the first, then a dozen more), and until
 * the frame that draws the last of its sections (they follow the first
 * frame a frame each); resident
 * memory; and the longest stall of the main loop while a live endpoint
 * of the whole book (served from a thread of its own, as a remote one
 * would be) is polled and the window reloads (the endpoint is the book's
 * own source, so each run adds one observation to every customer). Issue 18 adds: the frames
 * of scrolling the table (a page a frame, and a smooth fling of a few
 * rows a frame), each frame's work timed by the frame clock from the
 * start of its cycle to the end of its paint; and switching to the
 * overview and to the triggers inbox, until drawn, with the worst frame
 * and the longest stall while they fill; and the inbox again after the
 * poll, when the rows it filled show what the poll changed.
 *
 * --baseline BINARY runs the previous release's bench first, on a copy
 * of the same book, and prints its figures beside ("n/a" where it has
 * no such figure).
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include <adwaita.h>

#include "vigil-application.h"
#include "vigil-core.h"
#include "vigil-demo.h"
#include "vigil-demo-server.h"
#include "vigil-window-private.h"
#include "../vigil-test-widgets.h"

static gint64 program_start;

/* --each: each sort, keystroke and page's figures as it is taken */
static gboolean each;

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The main thread's CPU time in ms: on a busy machine, what a step cost
 * apart from waiting for a core. */
static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
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

/* The main loop's longest gap between two ticks of a 5 ms timer; with
 * --each, every gap over a frame (16.7 ms) is printed as it ends, with
 * its end in the monotonic clock (perf record -k CLOCK_MONOTONIC
 * stamps its samples with the same clock) and the main thread's CPU
 * time then: a stall the thread spent waiting for a core costs none. */
typedef struct
{
  gint64 last;
  gint64 worst;
  double last_cpu;
} Stall;

static gboolean
tick_cb (gpointer data)
{
  Stall *stall = data;
  gint64 now = g_get_monotonic_time ();
  double cpu = each ? cpu_ms () : 0;

  if (stall->last != 0)
    {
      stall->worst = MAX (stall->worst, now - stall->last);
      if (each && now - stall->last > 16700)
        printf ("  stall %6.1f ms (CPU %5.1f ms), ended at %.6f s\n", (now - stall->last) / 1000.0,
                cpu - stall->last_cpu, now / 1e6);
    }
  stall->last = now;
  stall->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

/* Frame times ---------------------------------------------------------------- */

/* Each frame's work as the frame clock runs it: from the start of its
 * cycle (before-paint: the events before it are input, not drawing) to
 * the end of its paint (after-paint), in ms; and the time from one
 * frame's start to the next one's. A frame whose work stays under
 * 16.7 ms keeps up with a 60 Hz display. */
typedef struct
{
  GdkFrameClock *clock;
  gulong         start_id;
  gulong         end_id;
  gint64         frame_start;
  gint64         last_start;
  GArray        *work;       /* of double, ms */
  GArray        *intervals;  /* of double, ms */
} FrameLog;

static void
frame_start_cb (GdkFrameClock *clock,
                FrameLog      *log)
{
  gint64 now = g_get_monotonic_time ();

  if (log->last_start != 0)
    {
      double interval = (now - log->last_start) / 1000.0;

      g_array_append_val (log->intervals, interval);
    }
  log->frame_start = log->last_start = now;
}

static void
frame_end_cb (GdkFrameClock *clock,
              FrameLog      *log)
{
  double work;

  if (log->frame_start == 0)
    return;
  work = ms_since (log->frame_start);
  g_array_append_val (log->work, work);
  log->frame_start = 0;
}

static void
frame_log_start (FrameLog  *log,
                 GtkWidget *widget)
{
  log->clock = gtk_widget_get_frame_clock (widget);
  log->frame_start = log->last_start = 0;
  log->work = g_array_new (FALSE, FALSE, sizeof (double));
  log->intervals = g_array_new (FALSE, FALSE, sizeof (double));
  log->start_id = g_signal_connect (log->clock, "before-paint", G_CALLBACK (frame_start_cb), log);
  log->end_id = g_signal_connect_after (log->clock, "after-paint", G_CALLBACK (frame_end_cb), log);
}

static void
frame_log_stop (FrameLog *log)
{
  g_signal_handler_disconnect (log->clock, log->start_id);
  g_signal_handler_disconnect (log->clock, log->end_id);
}

static void
frame_log_clear (FrameLog *log)
{
  g_clear_pointer (&log->work, g_array_unref);
  g_clear_pointer (&log->intervals, g_array_unref);
}

/* The @fraction-th value of @values (sorted in place), nearest rank. */
static double
percentile (GArray *values,
            double  fraction)
{
  guint rank;

  if (values->len == 0)
    return NAN;
  qsort (values->data, values->len, sizeof (double), compare_ms);
  rank = (guint) ceil (fraction * values->len);
  return g_array_index (values, double, CLAMP (rank, 1, values->len) - 1);
}

static double
share_under (GArray *values,
             double  limit)
{
  guint under = 0;

  for (guint i = 0; i < values->len; i++)
    under += g_array_index (values, double, i) < limit;
  return values->len > 0 ? 100.0 * under / values->len : NAN;
}

static double
worst_of (GArray *values)
{
  double worst = 0;

  for (guint i = 0; values != NULL && i < values->len; i++)
    worst = MAX (worst, g_array_index (values, double, i));
  return worst;
}

/* Scrolls by @step pixels a frame, from a tick callback (the frame's
 * update phase: the rows it brings are bound and drawn in that frame),
 * until @distance is covered or the end is reached. */
typedef struct
{
  GtkAdjustment *adjustment;
  double         step;
  double         target;
  gboolean       done;
} Scroll;

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  Scroll *scroll = data;
  double value = gtk_adjustment_get_value (scroll->adjustment);
  double end = MIN (scroll->target,
                    gtk_adjustment_get_upper (scroll->adjustment) - gtk_adjustment_get_page_size (scroll->adjustment));

  if (value >= end)
    {
      scroll->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  gtk_adjustment_set_value (scroll->adjustment, MIN (value + scroll->step, end));
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  double p95;
  double under;     /* % of frames under 16.7 ms */
  double worst;
  double interval;  /* p95 of the time between frames */
  guint  frames;
} ScrollFigures;

/* Scrolls the table from its top through @rows rows, @rows_a_frame rows a
 * frame (0: a page a frame), and times the frames. */
static ScrollFigures
measure_scroll (GtkWidget *window,
                GtkWidget *table,
                guint      rows,
                double     rows_a_frame)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (table));
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (table)));
  guint n = g_list_model_get_n_items (model);
  double row_height;
  Scroll scroll;
  FrameLog log;
  ScrollFigures figures = { NAN, NAN, NAN, NAN, 0 };

  gtk_adjustment_set_value (adjustment, 0);
  settle (window);
  if (n == 0)
    return figures;
  row_height = gtk_adjustment_get_upper (adjustment) / n;
  scroll.adjustment = adjustment;
  scroll.step = rows_a_frame > 0 ? rows_a_frame * row_height : gtk_adjustment_get_page_size (adjustment);
  scroll.target = MIN (rows, n) * row_height;
  scroll.done = FALSE;
  frame_log_start (&log, window);
  gtk_widget_add_tick_callback (table, scroll_tick_cb, &scroll, NULL);
  while (!scroll.done)
    g_main_context_iteration (NULL, TRUE);
  wait_for_frame (window);
  frame_log_stop (&log);
  figures.frames = log.work->len;
  figures.worst = worst_of (log.work);
  figures.under = share_under (log.work, 1000.0 / 60);
  figures.p95 = percentile (log.work, 0.95);
  figures.interval = percentile (log.intervals, 0.95);
  frame_log_clear (&log);
  gtk_adjustment_set_value (adjustment, 0);
  settle (window);
  return figures;
}

/* One keystroke of a search: the search set to @text until drawn, in
 * ms; @call: the setting alone. */
static double
measure_keystroke (VigilWindow        *window,
                   VigilPortfolioView *view,
                   const char         *text,
                   double             *call)
{
  gint64 start;
  double cpu, shown;

  settle (GTK_WIDGET (window));
  start = g_get_monotonic_time ();
  cpu = cpu_ms ();
  vigil_portfolio_view_set_search (view, text);
  *call = ms_since (start);
  wait_for_frame (GTK_WIDGET (window));
  shown = ms_since (start);
  if (each)
    printf ("keystroke \"%s\": %.1f ms (filtering %.1f ms), main thread CPU %.1f ms, %u shown\n", text, shown, *call,
            cpu_ms () - cpu, g_list_model_get_n_items (vigil_portfolio_view_get_shown (view)));
  return shown;
}

/* Switching to a main page until drawn, then the worst frame and the
 * longest main-loop stall (a 5 ms timer) in the @fill_ms after, while
 * it fills (the overview reads its year's trend meanwhile). */
typedef struct
{
  double shown;
  double worst_frame;
  double stall;
} PageFigures;

static PageFigures
measure_page (VigilWindow *window,
              const char  *page,
              double       fill_ms)
{
  PageFigures figures;
  FrameLog log;
  Stall stall = { 0, 0 };
  guint timer;
  gint64 start;
  double cpu, shown_cpu;

  settle (GTK_WIDGET (window));
  frame_log_start (&log, GTK_WIDGET (window));
  timer = g_timeout_add (5, tick_cb, &stall);
  /* The switch itself is the first stall the timer may see. */
  start = stall.last = g_get_monotonic_time ();
  cpu = cpu_ms ();
  vigil_window_show_page (window, page);
  wait_for_frame (GTK_WIDGET (window));
  figures.shown = ms_since (start);
  shown_cpu = cpu_ms () - cpu;
  while (ms_since (start) < fill_ms)
    g_main_context_iteration (NULL, FALSE);
  if (each)
    printf ("%s: shown in %.1f ms, main thread CPU %.1f ms until drawn, %.1f ms in the %.0f ms\n", page,
            figures.shown, shown_cpu, cpu_ms () - cpu, fill_ms);
  g_source_remove (timer);
  frame_log_stop (&log);
  figures.worst_frame = worst_of (log.work);
  figures.stall = stall.worst / 1000.0;
  frame_log_clear (&log);
  return figures;
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
  GThread         *thread;
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
  endpoint->thread = g_thread_new ("bench-endpoint", endpoint_thread, endpoint);
  while (endpoint->url == NULL && endpoint->error == NULL)
    g_cond_wait (&endpoint->ready, &endpoint->lock);
  g_mutex_unlock (&endpoint->lock);
  if (endpoint->error != NULL)
    g_printerr ("%s\n", endpoint->error);
  return endpoint->url;
}

/* The previous release's figures ---------------------------------------------- */

#define LABEL_WIDTH 52

/* label → the previous release's figure as it printed it ("133.7ms") */
static GHashTable *baseline;

/* --only: the figures to take, or NULL for all of them */
static char **only;

static gboolean
wanted (const char *figure)
{
  return only == NULL || g_strv_contains ((const char * const *) only, figure);
}

/* Runs the previous release's bench @binary on a copy of @db (a bench
 * polls into its book: each gets the same one) and keeps the figures
 * of its table. */
static gboolean
run_baseline (const char  *binary,
              const char  *db,
              int          customers,
              int          days,
              int          touches,
              GError     **error)
{
  g_autofree char *copy = g_strconcat (db, ".baseline", NULL);
  g_autoptr(GFile) from = g_file_new_for_path (db);
  g_autoptr(GFile) to = g_file_new_for_path (copy);
  g_autofree char *customers_arg = g_strdup_printf ("--customers=%d", customers);
  g_autofree char *days_arg = g_strdup_printf ("--days=%d", days);
  g_autofree char *touches_arg = g_strdup_printf ("--touches=%d", touches);
  g_autofree char *db_arg = g_strconcat ("--db=", copy, NULL);
  const char *argv[] = { binary, customers_arg, days_arg, db_arg, touches > 0 ? touches_arg : NULL, NULL };
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean in_table = FALSE;
  int status = 0;
  gboolean ok;

  printf ("the previous release's bench (%s) on a copy of the book...\n", binary);
  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    return FALSE;
  ok = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &output, NULL, &status, error) &&
       g_spawn_check_wait_status (status, error);
  g_file_delete (to, NULL, NULL);
  if (!ok)
    return FALSE;

  baseline = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *label = NULL;
      g_auto(GStrv) rest = NULL;

      if (g_str_has_prefix (lines[i], "figure "))
        in_table = TRUE;
      if (!in_table || strlen (lines[i]) <= LABEL_WIDTH)
        continue;
      label = g_strchomp (g_strndup (lines[i], LABEL_WIDTH));
      rest = g_strsplit_set (g_strstrip (lines[i] + LABEL_WIDTH), " ", 2);
      if (*label != '\0' && rest[0] != NULL && g_ascii_isdigit (rest[0][0]))
        g_hash_table_replace (baseline, g_steal_pointer (&label), g_strdup (rest[0]));
    }
  return TRUE;
}

/* A line of the table: the figure, the previous release's beside it
 * when it was run, and the goal (none when @goal is 0). */
static void
print_figure (const char *label,
              int         precision,
              double      value,
              const char *unit,
              double      goal,
              const char *note)
{
  g_autofree char *measured = g_strdup_printf ("%.*f%s", precision, value, unit);
  g_autofree char *goal_text = goal > 0 ? g_strdup_printf ("%.*f%s", goal == floor (goal) ? 0 : 1, goal, unit)
                                        : g_strdup ("");
  const char *previous = NULL;

  /* Not taken (--only). */
  if (isnan (value))
    return;
  if (baseline != NULL)
    previous = g_hash_table_lookup (baseline, label);
  printf ("%-*s %10s", LABEL_WIDTH, label, measured);
  if (baseline != NULL)
    printf (" %10s", previous != NULL ? previous : "n/a");
  printf (" %10s%s%s\n", goal_text, note != NULL ? "  " : "", note != NULL ? note : "");
}

int
main (int    argc,
      char **argv)
{
  int customers = 10000;
  int days = 365;
  int touches = 0;
  g_autofree char *db = NULL;
  g_autofree char *baseline_binary = NULL;
  GOptionEntry entries[] = {
    { "customers", 0, 0, G_OPTION_ARG_INT, &customers, "Customers", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "Days of history", "D" },
    { "touches", 0, 0, G_OPTION_ARG_INT, &touches,
      "Touches logged on each customer of a book that has none (the search reads their text)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The database (kept; generated when missing)", "FILE" },
    { "only", 0, 0, G_OPTION_ARG_STRING_ARRAY, &only,
      "Take only these figures (repeat it): sort, search, page, scroll, pages (the overview and the inbox), poll",
      "FIGURE" },
    { "each", 0, 0, G_OPTION_ARG_NONE, &each,
      "Print each sort, keystroke and page as it is taken, with the main thread's CPU time (on a busy machine, "
      "what it cost apart from waiting for a core); and during the poll, each main-loop stall over a frame, "
      "with its CPU time and when it ended (CLOCK_MONOTONIC, as perf record -k CLOCK_MONOTONIC stamps), "
      "and the resident memory as the poll starts", NULL },
    { "baseline", 0, 0, G_OPTION_ARG_FILENAME, &baseline_binary,
      "The previous release's vigil-bench-window, run first on a copy of the book, its figures printed beside",
      "BINARY" },
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
  double worst_sort_call = 0, worst_key_call = 0, call, cpu;
  const char *worst_key_text = NULL, *worst_back_text = NULL;
  double worst_back = 0;
  double sorts[2 * G_N_ELEMENTS (columns)], keys[G_N_ELEMENTS (keystrokes)];
  double page_call = 0, pages[13], pages_full[G_N_ELEMENTS (pages)];
  double poll_s = NAN, rss_polled = NAN, worst_stall = NAN;
  ScrollFigures paging = { NAN, NAN, NAN, NAN, 0 }, fling = paging;
  PageFigures overview = { NAN, NAN, NAN }, inbox = overview, inbox_polled = overview;
  gboolean big;
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

  if (baseline_binary != NULL && !run_baseline (baseline_binary, db, customers, days, touches, &error))
    {
      g_printerr ("the previous release's bench: %s\n", error->message);
      return 1;
    }

  /* From here on is what a launch does (vigil_application_run_window()):
   * the book's read starts before GTK does (design 5). */
  program_start = g_get_monotonic_time ();
  if (!(app = vigil_application_launch (db, G_APPLICATION_NON_UNIQUE)))
    {
      g_printerr ("no display to open the window on\n");
      return 1;
    }
  adw_init ();
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
  /* design 7: a big book's first frame lists its customers before their
   * sparklines, which follow. */
  while (!vigil_portfolio_has_sparklines (portfolio))
    g_main_context_iteration (NULL, TRUE);
  printf ("sparklines in place: %.0f ms from launch\n", ms_since (program_start));
  /* Resident memory once the window has settled on its book, not at its
   * first frame: later frames, caches and the other pages add to it. */
  {
    gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;

    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }
  rss_loaded = rss_mb ();

  if (!wanted ("sort"))
    worst_sort = worst_sort_call = NAN;
  for (guint c = 0; wanted ("sort") && c < G_N_ELEMENTS (columns); c++)
    for (int direction = 0; direction < 2; direction++)
      {
        settle (GTK_WIDGET (window));
        start = g_get_monotonic_time ();
        cpu = cpu_ms ();
        vigil_portfolio_view_sort_by (view, columns[c], direction ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
        call = ms_since (start);
        worst_sort_call = MAX (worst_sort_call, call);
        wait_for_frame (GTK_WIDGET (window));
        sorts[n_sorts++] = ms_since (start);
        worst_sort = MAX (worst_sort, ms_since (start));
        if (each)
          printf ("sort %s %s: %.1f ms (sorting %.1f ms), main thread CPU %.1f ms\n", columns[c],
                  direction ? "down" : "up", sorts[n_sorts - 1], call, cpu_ms () - cpu);
      }

  if (!wanted ("search"))
    worst_key = worst_key_call = NAN;
  for (guint k = 0; k < G_N_ELEMENTS (keystrokes) && wanted ("search"); k++)
    {
      keys[k] = measure_keystroke (window, view, keystrokes[k], &call);
      worst_key_call = MAX (worst_key_call, call);
      if (keys[k] > worst_key)
        worst_key_text = keystrokes[k];
      worst_key = MAX (worst_key, keys[k]);
    }
  /* Then deleting back, a character a keystroke: each shows more
   * customers than the one before. */
  if (!wanted ("search"))
    worst_back = NAN;
  for (guint k = G_N_ELEMENTS (keystrokes) - 1; k > 0 && wanted ("search"); k--)
    {
      double back = measure_keystroke (window, view, keystrokes[k - 1], &call);

      if (back > worst_back)
        worst_back_text = keystrokes[k - 1];
      worst_back = MAX (worst_back, back);
    }
  vigil_portfolio_view_set_search (view, "");

  /* The first page opened builds what every later one reuses: both
   * are measured, the later ones over a dozen customers. */
  if (!wanted ("page"))
    page_call = pages[0] = pages_full[0] = NAN;
  for (guint p = 0; p < G_N_ELEMENTS (pages) && wanted ("page"); p++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (vigil_portfolio_get_customers (portfolio),
                                                                 42 + p * 97);

      settle (GTK_WIDGET (window));
      start = g_get_monotonic_time ();
      cpu = cpu_ms ();
      vigil_window_show_customer (window, vigil_customer_get_store_id (customer));
      call = ms_since (start);
      if (p == 0)
        page_call = call;
      wait_for_frame (GTK_WIDGET (window));
      pages[p] = ms_since (start);
      /* The sections out of the first frame follow, a frame each. */
      while (!vigil_customer_page_is_filled (_vigil_window_get_customer_page (window)))
        wait_for_frame (GTK_WIDGET (window));
      pages_full[p] = ms_since (start);
      if (each)
        printf ("customer page %u: %.1f ms (filling %.1f ms), main thread CPU %.1f ms; every section drawn %.1f ms\n",
                p, pages[p], call, cpu_ms () - cpu, pages_full[p]);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
      wait_for_frame (GTK_WIDGET (window));
    }

  /* Scrolling the table from its top: a page a frame, then a fling of
   * four rows a frame (about 14,000 pixels a second at 60 frames). */
  if (wanted ("scroll"))
    {
      GtkWidget *table = find_portfolio_table (GTK_WIDGET (view));

      paging = measure_scroll (GTK_WIDGET (window), table, 3000, 0);
      fling = measure_scroll (GTK_WIDGET (window), table, 2000, 4);
    }

  /* The other main pages, each shown from the table; two seconds to fill. */
  if (wanted ("pages"))
    {
      overview = measure_page (window, "overview", 2000);
      vigil_window_show_page (window, "portfolio");
      inbox = measure_page (window, "triggers", 2000);
      vigil_window_show_page (window, "portfolio");
      settle (GTK_WIDGET (window));
    }

  /* A poll of the whole book from a live endpoint, stored, scored and
   * shown, while a 5 ms timer measures how long the main loop stalls. */
  if (wanted ("poll"))
    {
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
      if (each)
        printf ("poll started at %.6f s, resident memory %.0f MB\n", start / 1e6, rss_mb ());
      vigil_portfolio_poll_now (portfolio, VIGIL_DEMO_SOURCE);
      while (!finished)
        g_main_context_iteration (NULL, TRUE);
      if (each)
        printf ("poll finished at %.6f s\n", g_get_monotonic_time () / 1e6);
      loads_before = loads;
      while (loads == loads_before)
        g_main_context_iteration (NULL, TRUE);
      if (each)
        printf ("reloaded (::loaded) at %.6f s\n", g_get_monotonic_time () / 1e6);
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
      rss_polled = rss_mb ();
      worst_stall = stall.worst / 1000.0;

      /* The inbox shown again after the poll changed what its rows show
       * (design 7: the rows it filled before, updated as it is shown). */
      if (wanted ("pages"))
        {
          inbox_polled = measure_page (window, "triggers", 2000);
          vigil_window_show_page (window, "portfolio");
        }
    }

  /* design 7: the goals at 10,000 customers, and at ten times that. */
  big = customers >= 100000;
  printf ("\nrenderer: %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  printf ("%-*s %10s", LABEL_WIDTH, "figure", "measured");
  if (baseline != NULL)
    printf (" %10s", "previous");
  printf (" %10s\n", "goal");
  print_figure ("first frame with the populated table, from launch", 0, first_frame, "ms", big ? 2000 : 1000, NULL);
  {
    g_autofree char *label = g_strdup_printf ("sorting a column (worst of %u), until drawn", n_sorts);

    print_figure (label, 1, worst_sort, "ms", big ? 150 : 100, NULL);
  }
  print_figure ("  median of them all", 1, n_sorts > 0 ? median (sorts, n_sorts) : NAN, "ms", 0, NULL);
  print_figure ("  of which sorting the list model (worst)", 1, worst_sort_call, "ms", 0, NULL);
  {
    g_autofree char *note = worst_key_text != NULL ? g_strdup_printf ("(\"%s\")", worst_key_text) : NULL;

    print_figure ("a search keystroke (worst of 8), until drawn", 1, worst_key, "ms", big ? 100 : 50, note);
  }
  {
    g_autofree char *note = worst_back_text != NULL ? g_strdup_printf ("(\"%s\")", worst_back_text) : NULL;

    print_figure ("deleting back a character (worst of 7), until drawn", 1, worst_back, "ms", big ? 100 : 50, note);
  }
  print_figure ("  median of the 8", 1, wanted ("search") ? median (keys, G_N_ELEMENTS (keys)) : NAN, "ms", 0, NULL);
  print_figure ("  of which filtering the list model (worst)", 1, worst_key_call, "ms", 0, NULL);
  print_figure ("opening the first customer page, until drawn", 1, pages[0], "ms", 100, NULL);
  print_figure ("  of which filling the page", 1, page_call, "ms", 0, NULL);
  print_figure ("opening another customer page (median of 12)", 1, wanted ("page") ? median (pages + 1, 12) : NAN, "ms", 100, NULL);
  print_figure ("  every section drawn, the first page", 1, pages_full[0], "ms", 0, NULL);
  print_figure ("  every section drawn, another (median of 12)", 1,
                wanted ("page") ? median (pages_full + 1, 12) : NAN, "ms", 0, NULL);
  {
    g_autofree char *note = g_strdup_printf ("(%u frames; 95th percentile between frames %.1f ms, worst %.1f ms)",
                                             paging.frames, paging.interval, paging.worst);

    print_figure ("scrolling a page a frame: frames under 16.7 ms", 1, paging.under, "%", 95, note);
  }
  print_figure ("  95th percentile of its frames", 1, paging.p95, "ms", 16.7, NULL);
  {
    g_autofree char *note = g_strdup_printf ("(%u frames; 95th percentile between frames %.1f ms, worst %.1f ms)",
                                             fling.frames, fling.interval, fling.worst);

    print_figure ("scrolling 4 rows a frame: frames under 16.7 ms", 1, fling.under, "%", 95, note);
  }
  print_figure ("  95th percentile of its frames", 1, fling.p95, "ms", 16.7, NULL);
  print_figure ("showing the overview, until drawn", 1, overview.shown, "ms", 0, NULL);
  print_figure ("  worst frame in the 2 s it fills", 1, overview.worst_frame, "ms", 0, NULL);
  print_figure ("  longest main-loop stall then", 1, overview.stall, "ms", 0, NULL);
  print_figure ("showing the triggers inbox, until drawn", 1, inbox.shown, "ms", 0, NULL);
  print_figure ("  worst frame in the 2 s it fills", 1, inbox.worst_frame, "ms", 0, NULL);
  print_figure ("  longest main-loop stall then", 1, inbox.stall, "ms", 0, NULL);
  print_figure ("showing the inbox again after the poll, until drawn", 1, inbox_polled.shown, "ms", 0, NULL);
  print_figure ("  worst frame in the 2 s after it is shown again", 1, inbox_polled.worst_frame, "ms", 0, NULL);
  print_figure ("  longest main-loop stall as it is shown again", 1, inbox_polled.stall, "ms", 0, NULL);
  print_figure ("resident memory, loaded (a second after)", 0, rss_loaded, "MB", big ? 600 : 200, NULL);
  print_figure ("resident memory, after a poll of the whole book", 0, rss_polled, "MB", big ? 600 : 200, NULL);
  {
    g_autofree char *note = g_strdup_printf ("(poll + reload %.1f s, %u customers shown)", poll_s,
                                             g_list_model_get_n_items (vigil_portfolio_get_customers (portfolio)));

    print_figure ("longest main-loop stall during a poll and reload", 1, worst_stall, "ms", big ? 100 : 50, note);
  }

  {
    g_autoptr(VigilStore) store = vigil_store_open (db, NULL);

    /* The book stays as generated, its source with no URL, plus the
     * observation the poll stored. */
    if (store != NULL)
      vigil_store_remove_source (store, VIGIL_DEMO_SOURCE, FALSE, NULL);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  /* The endpoint's thread ends before the book it serves is freed. */
  if (endpoint.loop != NULL)
    g_main_loop_quit (endpoint.loop);
  if (endpoint.thread != NULL)
    g_thread_join (endpoint.thread);
  return 0;
}
