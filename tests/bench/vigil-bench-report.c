/* vigil-bench-report.c: times the weekly PDF report (design 7)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds demo books of 300 and 10,000 customers with a year of daily
 * history (kept in a temporary folder) and times vigil_report_write_pdf()
 * on each. Goals: 10,000 customers under 5 s and 150 MB peak RSS;
 * 300 customers under 0.5 s. Prints figures; never fails on them.
 */

#include "config.h"

#include <locale.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "vigil-core.h"
#include "vigil-demo.h"
#include "vigil-report.h"

#define SEED 20261123
#define DAYS 365
/* A fixed "now" (Wednesday 18 November 2026, noon UTC): the report is
 * for 2026-W46 and the figures are comparable from run to run. */
#define NOW G_GINT64_CONSTANT (1795003200)

static double
get_peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

static gboolean
bench (const char *dir,
       guint       n_customers,
       double      goal_s,
       double      goal_mb)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDemo) demo = vigil_demo_new (SEED, n_customers);
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *db = g_strdup_printf ("%s/demo-%u.db", dir, n_customers);
  g_autofree char *pdf = g_strdup_printf ("%s/report-%u.pdf", dir, n_customers);
  VigilReportOptions options = { 0, 0, NULL, VIGIL_REPORT_PAPER_A4 };
  gint64 start;
  double seconds, rss_before, rss;
  GStatBuf st;

  start = g_get_monotonic_time ();
  if (!(store = vigil_demo_open_store (demo, db, NOW, DAYS, NULL, &error)))
    {
      g_printerr ("demo: %s\n", error->message);
      return FALSE;
    }
  g_print ("%u customers × %d days: database built in %.1f s\n", n_customers, DAYS,
           (g_get_monotonic_time () - start) / 1e6);

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
  g_stat (pdf, &st);

  g_print ("report %d-W%02d, %u customers: %.3f s (goal < %.1f s: %s), peak RSS %.1f MB "
           "(before the report %.1f MB; goal < %.0f MB: %s), PDF %.0f kB\n",
           options.iso_year, options.iso_week, n_customers, seconds, goal_s,
           seconds < goal_s ? "met" : "MISSED", rss, rss_before, goal_mb,
           rss < goal_mb ? "met" : "MISSED", st.st_size / 1024.0);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vigil-bench-report-XXXXXX", &error);
  const char *keep = g_getenv ("VIGIL_BENCH_KEEP");
  gboolean ok;

  setlocale (LC_ALL, "");
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* The small book first: the peak RSS of the large one includes it. */
  ok = bench (dir, 300, 0.5, 150) && bench (dir, 10000, 5.0, 150);

  if (keep == NULL)
    {
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);

          g_unlink (path);
        }
      g_rmdir (dir);
    }
  else
    g_print ("kept in %s\n", dir);
  return ok ? 0 : 1;
}
