/* vigil-bench-scores.c: times `vigil scores --format json` on a big book (design 7)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vigil-bench-scores [--customers N] [--days D] [--db FILE] [--runs R]
 *                    [--baseline VIGIL]
 *
 * Builds a demo book (default 100,000 customers × 90 days: churned
 * customers, renewals, touches and pulses as the demo makes them; kept in
 * --db so that later runs reuse it, else in a temporary folder) and runs
 * `vigil --db BOOK scores --format json` R times (default 3) into
 * /dev/null, printing the best wall time, the CPU time (user + sys) and
 * the peak resident memory of the best run. With --baseline (or
 * VIGIL_BASELINE) the previous release's binary is timed the same
 * way, side by side, and both outputs are compared byte for byte. The
 * binary timed is VIGIL_BINARY (meson sets it). Goal: 100,000 customers
 * under 2 s. Prints figures; never fails on them.
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "vigil-core.h"
#include "vigil-demo.h"

#include "vigil-bench-child.h"

#define SEED 20261123
/* A fixed "now" (Wednesday 18 November 2026, noon UTC): the book is the
 * same from run to run, and a kept one is reused. */
#define NOW G_GINT64_CONSTANT (1795003200)
#define GOAL_S 2.0
#define GOAL_CUSTOMERS 100000

/* The best of @runs runs of `VIGIL --db DB scores --format json`, and
 * one more into @output to compare. */
static gboolean
time_binary (const char    *vigil,
             const char    *db,
             guint          runs,
             const char    *output,
             VigilBenchRun *best)
{
  const char * const argv[] = { vigil, "--db", db, "scores", "--format", "json", NULL };
  VigilBenchRun run;

  return vigil_bench_run_best (argv, runs, best) && vigil_bench_run_child (argv, output, &run);
}

/* Where two outputs first differ, or NULL when they are the same bytes. */
static char *
compare_outputs (const char *a,
                 const char *b)
{
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;
  gsize len_a, len_b, i, line = 1;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (a, &text_a, &len_a, &error) ||
      !g_file_get_contents (b, &text_b, &len_b, &error))
    return g_strdup (error->message);
  for (i = 0; i < len_a && i < len_b && text_a[i] == text_b[i]; i++)
    if (text_a[i] == '\n')
      line++;
  if (i == len_a && i == len_b)
    return NULL;
  return g_strdup_printf ("they differ from byte %" G_GSIZE_FORMAT " on (line %" G_GSIZE_FORMAT ")",
                          i, line);
}

static guint
count_lines (const char *path)
{
  g_autofree char *text = NULL;
  gsize length;
  guint lines = 0;

  if (!g_file_get_contents (path, &text, &length, NULL))
    return 0;
  for (gsize i = 0; i < length; i++)
    lines += text[i] == '\n';
  return lines;
}

static void
print_run (const char          *label,
           const VigilBenchRun *run)
{
  g_print ("  %-22s %8.3f s %9.3f s %9.1f MB\n", label, run->wall_s, run->cpu_s, run->peak_mb);
}

int
main (int    argc,
      char **argv)
{
  int customers = 100000;
  int days = 90;
  int runs = 3;
  g_autofree char *db = NULL;
  g_autofree char *baseline = NULL;
  GOptionEntry entries[] = {
    { "customers", 0, 0, G_OPTION_ARG_INT, &customers, "Customers (100000)", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "Days of history (90)", "D" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Keep the book in FILE and reuse it", "FILE" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each binary (3)", "R" },
    { "baseline", 0, 0, G_OPTION_ARG_FILENAME, &baseline, "The previous release's vigil, side by side",
      "VIGIL" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time vigil scores --format json");
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDemo) demo = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *out_new = NULL;
  g_autofree char *out_old = NULL;
  const char *vigil = g_getenv ("VIGIL_BINARY");
  VigilBenchRun current, previous;
  gint64 start;
  gboolean have_baseline;

  setlocale (LC_ALL, "");
  /* Each figure as soon as it is known, also into a file. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (customers < 1 || days < 1 || runs < 1)
    {
      g_printerr ("--customers, --days and --runs take positive integers\n");
      return 2;
    }
  if (vigil == NULL || !g_file_test (vigil, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("set VIGIL_BINARY to the vigil binary to time (meson sets it)\n");
      return 2;
    }
  if (baseline == NULL)
    baseline = g_strdup (g_getenv ("VIGIL_BASELINE"));
  have_baseline = baseline != NULL && *baseline != '\0';
  if (have_baseline && !g_file_test (baseline, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("no executable baseline at %s\n", baseline);
      return 2;
    }

  if (!(dir = g_dir_make_tmp ("vigil-bench-scores-XXXXXX", &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (db == NULL)
    db = g_build_filename (dir, "book.db", NULL);
  out_new = g_build_filename (dir, "scores.json", NULL);
  out_old = g_build_filename (dir, "scores-baseline.json", NULL);

  demo = vigil_demo_new (SEED, (guint) customers);
  start = g_get_monotonic_time ();
  {
    g_autoptr(VigilStore) store = vigil_demo_open_store (demo, db, NOW, (guint) days, NULL, &error);

    if (store == NULL)
      {
        g_printerr ("demo: %s\n", error->message);
        vigil_bench_remove_dir (dir);
        return 1;
      }
  }
  g_print ("book: %d customers × %d days in %s (ready in %.1f s)\n", customers, days, db,
           (g_get_monotonic_time () - start) / 1e6);

  if (!time_binary (vigil, db, (guint) runs, out_new, &current) ||
      (have_baseline && !time_binary (baseline, db, (guint) runs, out_old, &previous)))
    {
      vigil_bench_remove_dir (dir);
      return 1;
    }

  g_print ("vigil scores --format json, %d customers (best of %d; %u lines of output):\n",
           customers, runs, count_lines (out_new));
  g_print ("  %-22s %10s %11s %12s\n", "", "wall", "user+sys", "peak RSS");
  print_run ("this build", &current);
  if (have_baseline)
    {
      g_autofree char *difference = compare_outputs (out_new, out_old);

      print_run ("previous release", &previous);
      g_print ("  speed-up: %.2fx wall, %.2fx CPU\n", previous.wall_s / current.wall_s,
               previous.cpu_s / current.cpu_s);
      g_print ("  outputs: %s\n", difference == NULL ? "the same bytes" : difference);
    }
  if (customers == GOAL_CUSTOMERS)
    g_print ("goal: %d customers under %.1f s: %s\n", customers, GOAL_S,
             current.wall_s < GOAL_S ? "met" : "MISSED");
  else
    g_print ("(the goal, under %.1f s, is set for %d customers)\n", GOAL_S, GOAL_CUSTOMERS);

  vigil_bench_remove_dir (dir);
  return 0;
}
