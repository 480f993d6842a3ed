/* vigil-demo-book.c: the demo portfolio's own database
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-demo"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vigil-demo-book.h"
#include "vigil-error.h"
#include "vigil-ingest.h"
#include "vigil-time.h"

#define DEMO_SOURCE "demo"
#define SECONDS_PER_DAY 86400

/* The demo book is regenerated each day, so that its history always
 * ends today; this says which day and which book a database holds. */
static char *
describe_book (VigilDemo *self,
               gint64     now,
               guint      days)
{
  return g_strdup_printf ("seed=%" G_GUINT64_FORMAT " customers=%u days=%u day=%d",
                          vigil_demo_get_seed (self), vigil_demo_get_n_customers (self),
                          days, vigil_time_get_day (now));
}

static gboolean
remove_database_files (const char  *path,
                       GError     **error)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_remove (file) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot replace the old demo database %s: %s"),
                       file, g_strerror (saved_errno));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
populate (VigilDemo     *self,
          VigilStore    *store,
          gint64         now,
          guint          days,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  guint n = vigil_demo_get_n_customers (self);

  if (!(ingest = vigil_ingest_begin (store, DEMO_SOURCE, now, error)))
    return FALSE;

  for (guint day = days; day-- > 0;)
    {
      gint64 observed_at = now - (gint64) day * SECONDS_PER_DAY;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      for (guint i = 0; i < n; i++)
        {
          vigil_demo_fill_snapshot (self, i, observed_at, snapshot);
          if (!vigil_ingest_add (ingest, snapshot, error))
            return FALSE;
        }
    }

  return vigil_ingest_commit (ingest, error);
}

/**
 * vigil_demo_open_store:
 * @path: the demo's own database file
 * @now: when the demo's history ends
 * @days: how many daily snapshots each customer has
 *
 * Opens the demo database at @path, generating the book into it when it
 * is missing or was generated on another day. A database at @path that
 * holds anything but a demo book is refused and left alone.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
VigilStore *
vigil_demo_open_store (VigilDemo     *self,
                       const char    *path,
                       gint64         now,
                       guint          days,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *wanted = NULL;
  g_autofree char *found = NULL;
  gint64 n_customers;

  g_return_val_if_fail (VIGIL_IS_DEMO (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (days > 0, NULL);

  /* Whole hours keep the daily snapshots on one time of day. */
  now -= now % 3600;
  wanted = describe_book (self, now, days);

  if (!(store = vigil_store_open (path, error)) ||
      !vigil_store_get_meta (store, "demo", &found, error) ||
      (n_customers = vigil_store_count_customers (store, error)) < 0)
    return NULL;

  if (g_strcmp0 (found, wanted) == 0)
    return g_steal_pointer (&store);

  if (found == NULL && n_customers > 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("%s holds real data, not a demo portfolio; it was left unchanged"), path);
      return NULL;
    }

  if (found != NULL)
    {
      g_clear_object (&store);
      if (!remove_database_files (path, error) || !(store = vigil_store_open (path, error)))
        return NULL;
    }

  if (!populate (self, store, now, days, cancellable, error) ||
      !vigil_store_set_meta (store, "demo", wanted, error))
    return NULL;

  return g_steal_pointer (&store);
}
