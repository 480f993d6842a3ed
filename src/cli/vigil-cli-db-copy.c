/* vigil-cli-db-copy.c: vigil db copy, a book moved between a file and a team's server
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vigil-core.h"

#include "vigil-cli.h"
#include "vigil-cli-db-copy.h"

/* A table's rows are told on standard error every this many (and when
 * it is done): a big book's copy says how far it is. */
#define PROGRESS_EVERY_ROWS 131072

static void
print_progress_cb (const char *table,
                   guint64     rows,
                   gboolean    done,
                   gpointer    user_data)
{
  if (done && rows > 0)
    g_printerr (ngettext ("%s: %" PRIu64 " row copied\n", "%s: %" PRIu64 " rows copied\n", rows), table, rows);
  else if (!done && rows % PROGRESS_EVERY_ROWS == 0)
    g_printerr (_("%s: %" PRIu64 " rows so far…\n"), table, rows);
}

/* The files SQLite may have made for a book at @path. */
static void
remove_new_book (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

static int
copy_failed (GError *error)
{
  g_printerr ("vigil: %s\n", error->message);
  return VIGIL_EXIT_FAILURE;
}

/* design 4: what a merge joined, in one line. */
static void
print_merged (const char                *from_path,
              const char                *to_path,
              const VigilStoreCopyStats *stats)
{
  /* "name: count", as the copy's line says it: no plural to choose */
  g_print (_("Merged %s into %s (sources: %" PRIu64 ", %" PRIu64 " joined by name; customers: %" PRIu64
             ", %" PRIu64 " joined a customer of the target; observations stored: %" PRIu64
             ", already stored: %" PRIu64 "; touches: %" PRIu64 ", pulses: %" PRIu64 ", outcomes: %" PRIu64
             ", triggers: %" PRIu64 ", events: %" PRIu64 ", views: %" PRIu64
             "); the target's scorecard and settings kept\n"),
           from_path, to_path, stats->sources, stats->sources_joined, stats->customers,
           stats->customers_joined, stats->snapshots, stats->already_stored, stats->touches,
           stats->pulses, stats->outcomes, stats->triggers, stats->events, stats->views);
}

/* design 4: the book at @from into the one at @to; a file @to that did
 * not exist is made, and removed again when the copy fails. */
static int
copy_book (const char *from_path,
           const char *to_path,
           gboolean    merge)
{
  gboolean to_is_new = !vigil_store_location_is_shared (to_path) && !g_file_test (to_path, G_FILE_TEST_EXISTS);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) from = NULL;
  g_autoptr(VigilStore) to = NULL;
  VigilStoreCopyStats stats = { 0 };
  gboolean ok;

  /* Opening a missing file would make an empty book of it. */
  if (!vigil_store_location_is_shared (from_path) && !g_file_test (from_path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr (_("vigil: %s does not exist: --from names the book to copy\n"), from_path);
      return VIGIL_EXIT_FAILURE;
    }
  if (!(from = vigil_store_open (from_path, &error)))
    return copy_failed (error);
  ok = (to = vigil_store_open (to_path, &error)) != NULL &&
       vigil_store_copy (from, to, merge ? VIGIL_STORE_COPY_MERGE : VIGIL_STORE_COPY_NONE,
                         print_progress_cb, NULL, &stats, &error);
  if (!ok)
    {
      g_clear_object (&to);
      if (to_is_new)
        remove_new_book (to_path);
      return copy_failed (error);
    }
  if (stats.merged)
    print_merged (from_path, to_path, &stats);
  else
    g_print (_("Copied %s into %s (sources: %" PRIu64 ", customers: %" PRIu64 ", snapshots: %" PRIu64 ")\n"),
             from_path, to_path, stats.sources, stats.customers, stats.snapshots);
  return VIGIL_EXIT_OK;
}

int
vigil_cli_db_copy (int    argc,
                   char **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  gboolean merge = FALSE;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, N_("The book to copy: a file or postgresql://…"), N_("BOOK") },
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to,
      N_("The book to write: an empty one, a file made when missing, or postgresql://…"), N_("BOOK") },
    { "merge", 0, 0, G_OPTION_ARG_NONE, &merge,
      N_("Join the book into a target that has its own (sources by name, customers by records and keys)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("--from BOOK --to BOOK"));
  g_autoptr(GError) error = NULL;

  g_set_prgname ("vigil db copy");
  g_option_context_set_summary (context, _("Copy a whole book, in one transaction, between a file and a team's "
                                           "book on PostgreSQL (either way, or file to file). The target must "
                                           "be empty, unless --merge joins the book into it."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_printerr ("vigil: %s\n", error->message);
  else if (argc != 1 || from == NULL || to == NULL)
    g_printerr (_("vigil: db copy needs --from BOOK and --to BOOK, and nothing else\n"));
  else
    return copy_book (from, to, merge);
  g_printerr (_("Run “vigil db copy --help” to see its options.\n"));
  return VIGIL_EXIT_USAGE;
}
