/* vigil-bench-merge.c: the time of merging two accounts with a year of
 * history each (design 2.6 and 7; a program that prints figures, not a
 * timed test)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Imports N pairs of records that share no key (default 20), each pair
 * a CRM record and a product record of the same company with D daily
 * observations each (default 365), into a fresh database in a temporary
 * folder, then links each pair with vigil_store_link_records() (what
 * `vigil link` runs: the merge, the raw observations kept, the merged
 * history rebuilt and scored, in one transaction) and prints the time
 * per merge against the goal of 50 ms. Each merged account is checked:
 * one customer of two records, one merged snapshot a day, scored.
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "vigil-core.h"

#define DAY 86400
#define FIRST_DAY 1767268800   /* 2026-01-01T12:00:00Z */

static void
check (gboolean  ok,
       GError   *error)
{
  if (!ok)
    {
      g_printerr ("vigil-bench-merge: %s\n", error ? error->message : "failed");
      exit (1);
    }
}

/* D days of one kind of record for each of @pairs companies, as CSV. */
static char *
history_csv (int      pairs,
             int      days,
             gboolean crm)
{
  GString *out = g_string_new (crm ? "id,name,owner,mrr,seats,seats_used,observed_at\r\n"
                                   : "id,last_active,api_calls_7d,features_used,observed_at\r\n");

  for (int day = 0; day < days; day++)
    for (int i = 0; i < pairs; i++)
      {
        gint64 t = FIRST_DAY + (gint64) day * DAY;

        if (crm)
          g_string_append_printf (out, "crm-%d,Company %d,Dana Park,%d,50,%d,%" G_GINT64_FORMAT "\r\n",
                                  i, i, 1000 + i, 20 + (day + i) % 30, t);
        else
          g_string_append_printf (out, "app-%d,%" G_GINT64_FORMAT ",%d,%d,%" G_GINT64_FORMAT "\r\n",
                                  i, t - 3600 * ((day + i) % 48), 3000 + (day * 7 + i) % 2500,
                                  1 + (day + i) % 8, t);
      }
  return g_string_free (out, FALSE);
}

static void
import (VigilStore *store,
        const char *folder,
        const char *source,
        const char *text)
{
  g_autofree char *path = g_build_filename (folder, source, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (store);
  g_autoptr(GError) error = NULL;

  check (g_file_set_contents (path, text, -1, &error), error);
  vigil_importer_set_source (importer, source);
  vigil_importer_set_format (importer, VIGIL_IMPORT_FORMAT_CSV);
  check (vigil_importer_import_file (importer, file, NULL, NULL, &error), error);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int    argc,
      char **argv)
{
  int pairs = 20;
  int days = 365;
  GOptionEntry entries[] = {
    { "pairs", 0, 0, G_OPTION_ARG_INT, &pairs, "Accounts to merge, in pairs (default 20)", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "Daily observations of each record (default 365)", "D" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time merging accounts with a year of history");
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *crm = NULL;
  g_autofree char *product = NULL;
  g_autofree double *ms = NULL;
  double total = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vigil-bench-merge: %s\n", error->message);
      return 2;
    }
  if (pairs < 1 || days < 1 || days > 100000)
    {
      g_printerr ("vigil-bench-merge: --pairs and --days take positive numbers\n");
      return 2;
    }

  check ((folder = g_dir_make_tmp ("vigil-bench-merge-XXXXXX", &error)) != NULL, error);
  path = g_build_filename (folder, "vigil.db", NULL);
  check ((store = vigil_store_open (path, &error)) != NULL, error);
  crm = history_csv (pairs, days, TRUE);
  product = history_csv (pairs, days, FALSE);
  import (store, folder, "crm", crm);
  import (store, folder, "product", product);
  check (vigil_store_count_customers (store, NULL) == 2 * pairs, NULL);

  ms = g_new (double, pairs);
  for (int i = 0; i < pairs; i++)
    {
      g_autofree char *a = g_strdup_printf ("crm-%d", i);
      g_autofree char *b = g_strdup_printf ("app-%d", i);
      g_autoptr(GPtrArray) history = NULL;
      gint64 account = 0;
      gint64 start = g_get_monotonic_time ();

      check (vigil_store_link_records (store, "crm", a, "product", b, &account, &error), error);
      ms[i] = (g_get_monotonic_time () - start) / 1e3;
      total += ms[i];

      check ((history = vigil_store_list_history (store, account, &error)) != NULL, error);
      if ((int) history->len != days ||
          isnan (((VigilHistoryRow *) history->pdata[days - 1])->score.health) ||
          ((VigilHistoryRow *) history->pdata[days - 1])->snapshot->api_calls_7d == VIGIL_UNKNOWN ||
          isnan (((VigilHistoryRow *) history->pdata[days - 1])->snapshot->mrr))
        {
          g_printerr ("vigil-bench-merge: account %s:%s is not the merged year\n", "crm", a);
          return 1;
        }
    }
  check (vigil_store_count_customers (store, NULL) == pairs, NULL);

  qsort (ms, (size_t) pairs, sizeof *ms, compare_doubles);
  printf ("Merging two accounts with %d daily observations each (%d merges, vigil_store_link_records):\n",
          days, pairs);
  printf ("  per merge: median %.1f ms, mean %.1f ms, slowest %.1f ms   (goal: under 50 ms)\n",
          ms[pairs / 2], total / pairs, ms[pairs - 1]);

  g_clear_object (&store);
  {
    const char *files[] = { "vigil.db", "vigil.db-wal", "vigil.db-shm", "vigil.db-journal", "crm", "product" };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *file = g_build_filename (folder, files[i], NULL);

        g_remove (file);
      }
    g_rmdir (folder);
  }
  return 0;
}
