/* vigil-bench-report.c: times the weekly PDF report (design 7)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vigil-bench-report [--dir DIR] [--baseline VIGIL] [--runs R]
 *
 * Builds demo books of 300 and 10,000 customers with a year of daily
 * history (in DIR, reused by later runs, else in a temporary folder) and
 * times vigil_report_write_pdf() on each, in this process: time, peak
 * resident memory, the PDF's size and the fonts it embeds (by pdffonts,
 * when installed). Then, on the 10,000-customer book, `vigil report` of
 * this build (VIGIL_BINARY, which meson sets) and of the previous
 * release (--baseline or VIGIL_BASELINE) are run side by side,
 * best of R (default 3). Goals: 10,000 customers under 2 s, 150 MB peak
 * RSS and 1 MB of PDF, with one font subset per face; 300 customers
 * under 0.5 s. Prints figures; never fails on them.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "vigil-core.h"
#include "vigil-demo.h"
#include "vigil-report.h"

#include "vigil-bench-child.h"

#define SEED 20261123
#define DAYS 365
/* A fixed "now" (Wednesday 18 November 2026, noon UTC): the report is
 * for 2026-W46 and the figures are comparable from run to run. */
#define NOW G_GINT64_CONSTANT (1795003200)
#define WEEK "2026-W46"
#define GOAL_BIG_S 2.0
#define GOAL_SMALL_S 0.5
#define GOAL_RSS_MB 150.0
/* 1 MB */
#define GOAL_PDF_BYTES 1000000.0

static double
get_peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

static const char *
met (gboolean held)
{
  return held ? "met" : "MISSED";
}

static double
get_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (double) st.st_size : NAN;
}

/* The fonts @pdf embeds as pdffonts lists them: how many, and of how
 * many faces (names without their subset tag "ABCDEF+"); FALSE when
 * pdffonts is not installed or fails. */
static gboolean
count_fonts (const char *pdf,
             guint      *out_fonts,
             guint      *out_faces)
{
  g_autofree char *pdffonts = g_find_program_in_path ("pdffonts");
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) faces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *argv[] = { pdffonts, pdf, NULL };
  int status;

  *out_fonts = 0;
  if (pdffonts == NULL ||
      !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &output, NULL,
                     &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return FALSE;
  lines = g_strsplit (output, "\n", -1);
  /* Two header lines, then a font a line. */
  for (guint i = 2; lines[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (lines[i], strcspn (lines[i], " "));
      const char *plus = strchr (name, '+');

      if (*name == '\0')
        continue;
      (*out_fonts)++;
      g_hash_table_add (faces, g_strdup (plus != NULL ? plus + 1 : name));
    }
  *out_faces = g_hash_table_size (faces);
  return TRUE;
}

static void
print_fonts (const char *pdf)
{
  guint fonts, faces;

  if (!count_fonts (pdf, &fonts, &faces))
    {
      g_print ("  fonts: not counted (pdffonts is not installed)\n");
      return;
    }
  g_print ("  fonts: %u embedded, of %u faces (goal: one subset per face: %s)\n", fonts, faces,
           met (fonts == faces));
}

static VigilStore *
open_book (const char *dir,
           guint       n_customers,
           char      **out_db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDemo) demo = vigil_demo_new (SEED, n_customers);
  g_autofree char *db = g_strdup_printf ("%s/demo-%u.db", dir, n_customers);
  VigilStore *store;
  gint64 start = g_get_monotonic_time ();

  if (!(store = vigil_demo_open_store (demo, db, NOW, DAYS, NULL, &error)))
    {
      g_printerr ("demo: %s\n", error->message);
      return NULL;
    }
  g_print ("%u customers × %d days: database ready in %.1f s (%s)\n", n_customers, DAYS,
           (g_get_monotonic_time () - start) / 1e6, db);
  if (out_db != NULL)
    *out_db = g_steal_pointer (&db);
  return store;
}

/* The report in this process, timed. */
static gboolean
bench (const char *dir,
       guint       n_customers,
       double      goal_s,
       char      **out_db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *pdf = g_strdup_printf ("%s/report-%u.pdf", dir, n_customers);
  VigilReportOptions options = { 0, 0, NULL, VIGIL_REPORT_PAPER_A4 };
  gint64 start;
  double seconds, rss_before, rss, bytes;

  if (!(store = open_book (dir, n_customers, out_db)))
    return FALSE;
  if (!vigil_report_last_full_week (NOW, &options.iso_year, &options.iso_week))
    return FALSE;
  rss_before = get_peak_rss_mb ();
  start = g_get_monotonic_time ();
  if (!vigil_report_write_pdf (store, &options, pdf, &error))
    {
      g_printerr ("report: %s\n", error->message);
      return FALSE;
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  rss = get_peak_rss_mb ();
  bytes = get_size (pdf);

  g_print ("report %d-W%02d, %u customers: %.3f s (goal < %.1f s: %s), peak RSS %.1f MB "
           "(before the report %.1f MB; goal < %.0f MB: %s), PDF %.0f bytes",
           options.iso_year, options.iso_week, n_customers, seconds, goal_s, met (seconds < goal_s),
           rss, rss_before, GOAL_RSS_MB, met (rss < GOAL_RSS_MB), bytes);
  if (n_customers >= 10000)
    g_print (" (goal < %.0f: %s)", GOAL_PDF_BYTES, met (bytes < GOAL_PDF_BYTES));
  g_print ("\n");
  print_fonts (pdf);
  return TRUE;
}

/* `VIGIL --db DB report` for @n_customers, best of @runs. */
static gboolean
bench_binary (const char    *label,
              const char    *vigil,
              const char    *db,
              const char    *dir,
              guint          runs,
              VigilBenchRun *best,
              double        *out_bytes)
{
  g_autofree char *pdf = g_strdup_printf ("%s/report-%s.pdf", dir, label);
  const char * const argv[] = {
    vigil, "--db", db, "report", "--week", WEEK, "--paper", "a4", "--output", pdf, NULL
  };

  if (!vigil_bench_run_best (argv, runs, best))
    return FALSE;
  *out_bytes = get_size (pdf);
  g_print ("  %-18s %8.3f s %9.3f s %9.1f MB %11.0f\n", label, best->wall_s, best->cpu_s,
           best->peak_mb, *out_bytes);
  print_fonts (pdf);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *baseline = NULL;
  int runs = 3;
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Keep the books in DIR and reuse them", "DIR" },
    { "baseline", 0, 0, G_OPTION_ARG_FILENAME, &baseline, "The previous release's vigil, side by side",
      "VIGIL" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each binary (3)", "R" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the weekly PDF report");
  g_autoptr(GError) error = NULL;
  g_autofree char *big_db = NULL;
  const char *vigil = g_getenv ("VIGIL_BINARY");
  gboolean keep = g_getenv ("VIGIL_BENCH_KEEP") != NULL;
  gboolean temporary = FALSE;
  gboolean ok;

  setlocale (LC_ALL, "");
  /* Each figure as soon as it is known, also into a file. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (runs < 1)
    {
      g_printerr ("--runs takes a positive integer\n");
      return 2;
    }
  if (baseline == NULL)
    baseline = g_strdup (g_getenv ("VIGIL_BASELINE"));
  if (dir == NULL)
    {
      if (!(dir = g_dir_make_tmp ("vigil-bench-report-XXXXXX", &error)))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      temporary = TRUE;
    }
  else if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_printerr ("cannot make %s\n", dir);
      return 1;
    }

  /* The small book first: the peak RSS of the large one includes it. */
  ok = bench (dir, 300, GOAL_SMALL_S, NULL) && bench (dir, 10000, GOAL_BIG_S, &big_db);

  if (ok && vigil != NULL && *vigil != '\0')
    {
      VigilBenchRun current, previous;
      double current_bytes, previous_bytes;

      g_print ("vigil report --week %s, 10000 customers, the whole program (best of %d):\n", WEEK, runs);
      g_print ("  %-18s %10s %11s %12s %12s\n", "", "wall", "user+sys", "peak RSS", "PDF bytes");
      ok = bench_binary ("this build", vigil, big_db, dir, (guint) runs, &current, &current_bytes);
      if (ok && baseline != NULL && *baseline != '\0')
        {
          ok = bench_binary ("previous release", baseline, big_db, dir, (guint) runs, &previous, &previous_bytes);
          if (ok)
            g_print ("  speed-up: %.2fx wall, %.2fx CPU; PDF %.2fx smaller\n", previous.wall_s / current.wall_s,
                     previous.cpu_s / current.cpu_s, previous_bytes / current_bytes);
        }
      if (ok)
        g_print ("goal: 10000 customers under %.1f s: %s; under %.0f bytes: %s\n", GOAL_BIG_S,
                 met (current.wall_s < GOAL_BIG_S), GOAL_PDF_BYTES, met (current_bytes < GOAL_PDF_BYTES));
    }

  if (temporary && !keep)
    vigil_bench_remove_dir (dir);
  else
    g_print ("kept in %s\n", dir);
  return ok ? 0 : 1;
}
