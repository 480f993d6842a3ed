/* vigil-store-repeats.c: records of one import or poll that share an id
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-store-private.h"
#include "vigil-time.h"

/* design 2.5: records of one import or poll that carry the same id (at
 * the same time) combine into one row. The ingest combines those it
 * holds; when one comes after the row of the first was written (another
 * page, a later batch), the row is taken back here, combined and written
 * again. A row that was in the database before the import or poll began
 * is another matter: the same data imported again, left as it is and
 * counted as already stored, so that nothing is ever counted twice.
 *
 * Which is which is asked of a second connection: the ingest's
 * transaction holds the only write lock until it ends, so a reader on
 * the same file (WAL) sees the database exactly as it was before it. It
 * is opened when first asked, at the first row found already written,
 * never otherwise; a bulk import (design 2.5) never asks. */

struct _VigilStoreRepeats
{
  VigilStore         *store;
  VigilSqlConnection *baseline;         /* read only: the database before the ingest */
  VigilSqlStmt       *had_snapshot;     /* on baseline */
  VigilSqlStmt       *had_observation;  /* on baseline */
};

/* The columns read back, in order, after customer_id (or record_id) and
 * observed_at, which the row is found by. */
#define ROW_COLUMNS \
  "last_active, mrr, seats, seats_used, api_calls_7d, features_used, open_tickets, nps, " \
  "renewal_date, plan, features"

static gboolean
set_baseline_error (VigilStoreRepeats  *self,
                    GError            **error)
{
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
               _("Reading the database as it was before this import or poll: %s: %s"),
               vigil_store_get_path (self->store),
               self->baseline != NULL ? vigil_sql_error_message (self->baseline)
                                       : _("out of memory"));
  return FALSE;
}

void
_vigil_store_repeats_free (VigilStoreRepeats *self)
{
  if (self == NULL)
    return;

  vigil_sql_finalize (self->had_snapshot);
  vigil_sql_finalize (self->had_observation);
  vigil_sql_close (self->baseline);
  g_clear_object (&self->store);
  g_free (self);
}

/**
 * _vigil_store_repeats_new:
 * @self: a store in the middle of an ingest's transaction
 *
 * Returns: (transfer full): what tells this ingest's rows from those
 *   before it (its second connection opened when first asked), or %NULL
 *   with @error set
 */
VigilStoreRepeats *
_vigil_store_repeats_new (VigilStore  *self,
                          GError     **error)
{
  VigilStoreRepeats *repeats = g_new0 (VigilStoreRepeats, 1);

  repeats->store = g_object_ref (self);
  return repeats;
}

/* SQLite only: a second connection to the file (plan C.2). Read and
 * write, though it only reads: a read-only connection to a WAL database
 * may be refused its shared memory. No CREATE: the file is there. */
static gboolean
connect_file_baseline (VigilStoreRepeats  *self,
                       GError            **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (vigil_store_get_path (self->store), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  self->baseline = db != NULL ? vigil_sql_sqlite_wrap (db) : NULL;
  if (rc != SQLITE_OK)
    return set_baseline_error (self, error);
  sqlite3_busy_timeout (db, 30000);
  return TRUE;
}

/* On PostgreSQL a second connection sees what was committed: the book as
 * it was before this ingest, whose transaction holds the book's write
 * lock, so no other writer has changed it since. */
static gboolean
connect_shared_baseline (VigilStoreRepeats  *self,
                         GError            **error)
{
#ifdef HAVE_POSTGRESQL
  self->baseline = vigil_sql_pg_connect (vigil_store_get_path (self->store), "vigil", error);
  return self->baseline != NULL;
#else
  g_assert_not_reached ();
#endif
}

static gboolean
open_baseline (VigilStoreRepeats  *self,
               GError            **error)
{
  if (!(vigil_store_is_shared (self->store) ? connect_shared_baseline (self, error)
                                             : connect_file_baseline (self, error)))
    return FALSE;
  if (!(self->had_snapshot =
        vigil_sql_prepare (self->baseline,
                           "SELECT 1 FROM snapshots WHERE customer_id = ?1 AND observed_at = ?2",
                           VIGIL_SQL_ONCE)) ||
      !(self->had_observation =
        vigil_sql_prepare (self->baseline,
                           "SELECT 1 FROM observations WHERE record_id = ?1 AND observed_at = ?2",
                           VIGIL_SQL_ONCE)))
    return set_baseline_error (self, error);
  return TRUE;
}

/**
 * _vigil_store_repeats_predates:
 * @observation: whether the row is a raw observation of a record
 *   (@key a record id) or a snapshot (@key an account id)
 * @out_predates: (out): whether the row was stored before this ingest
 */
gboolean
_vigil_store_repeats_predates (VigilStoreRepeats  *self,
                               gboolean            observation,
                               gint64              key,
                               gint64              observed_at,
                               gboolean           *out_predates,
                               GError            **error)
{
  VigilSqlStmt *stmt;
  int rc;

  if (self->had_snapshot == NULL && !open_baseline (self, error))
    return FALSE;
  stmt = observation ? self->had_observation : self->had_snapshot;
  vigil_sql_reset (stmt);
  vigil_sql_bind_int64 (stmt, 1, key);
  vigil_sql_bind_int64 (stmt, 2, observed_at);
  rc = vigil_sql_step (stmt);
  vigil_sql_reset (stmt);
  if (rc != VIGIL_SQL_ROW && rc != VIGIL_SQL_DONE)
    return set_baseline_error (self, error);
  *out_predates = rc == VIGIL_SQL_ROW;
  return TRUE;
}

/**
 * _vigil_store_repeats_take_row:
 * @out: (out caller-allocates): a cleared snapshot, given the row's
 *   observed values (its plan among them)
 * @out_features: (out): the row's features as stored, %NULL if unknown
 *
 * Reads the row this ingest wrote at (@key, @observed_at) and deletes it
 * (with its score), for the row that combines it with a later record to
 * be written in its place, in the same transaction.
 */
gboolean
_vigil_store_repeats_take_row (VigilStoreRepeats  *self,
                               gboolean            observation,
                               gint64              key,
                               gint64              observed_at,
                               VigilSnapshot      *out,
                               char              **out_features,
                               GError            **error)
{
  const char *doing = _("Combining records that share an id");
  VigilStore *store = self->store;
  VigilSqlStmt *stmt;
  int rc;

  stmt = _vigil_store_prepare (store, observation
                               ? "SELECT " ROW_COLUMNS " FROM observations "
                                 "WHERE record_id = ?1 AND observed_at = ?2"
                               : "SELECT " ROW_COLUMNS " FROM snapshots "
                                 "WHERE customer_id = ?1 AND observed_at = ?2",
                               doing, error);
  if (stmt == NULL)
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, key);
  vigil_sql_bind_int64 (stmt, 2, observed_at);
  rc = vigil_sql_step (stmt);
  out->observed_at = observed_at;
  *out_features = NULL;
  if (rc == VIGIL_SQL_ROW)
    {
      const char *renewal = vigil_sql_column_text (stmt, 8);

      out->last_active = _vigil_store_column_int_or_unknown (stmt, 0);
      out->mrr = _vigil_store_column_double_or_nan (stmt, 1);
      out->seats = _vigil_store_column_int_or_unknown (stmt, 2);
      out->seats_used = _vigil_store_column_int_or_unknown (stmt, 3);
      out->api_calls_7d = _vigil_store_column_int_or_unknown (stmt, 4);
      out->features_used = _vigil_store_column_int_or_unknown (stmt, 5);
      out->open_tickets = _vigil_store_column_int_or_unknown (stmt, 6);
      out->nps = _vigil_store_column_int_or_unknown (stmt, 7);
      if (renewal == NULL || !vigil_date_parse (renewal, &out->renewal_day))
        out->renewal_day = VIGIL_UNKNOWN_DAY;
      out->plan = _vigil_store_column_strdup (stmt, 9);
      *out_features = _vigil_store_column_strdup (stmt, 10);
    }
  if (!_vigil_store_finish_rows (store, stmt, rc, doing, error))
    return FALSE;

  if (observation)
    {
      if (!(stmt = _vigil_store_prepare (store, "DELETE FROM observations WHERE record_id = ?1 "
                                                "AND observed_at = ?2", doing, error)))
        return FALSE;
      vigil_sql_bind_int64 (stmt, 1, key);
      vigil_sql_bind_int64 (stmt, 2, observed_at);
      return _vigil_store_exec_prepared (store, stmt, doing, error);
    }

  if (!(stmt = _vigil_store_prepare (store, "DELETE FROM snapshots WHERE customer_id = ?1 "
                                            "AND observed_at = ?2", doing, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, key);
  vigil_sql_bind_int64 (stmt, 2, observed_at);
  if (!_vigil_store_exec_prepared (store, stmt, doing, error))
    return FALSE;
  if (!(stmt = _vigil_store_prepare (store, "DELETE FROM scores WHERE customer_id = ?1 "
                                            "AND observed_at = ?2", doing, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, key);
  vigil_sql_bind_int64 (stmt, 2, observed_at);
  return _vigil_store_exec_prepared (store, stmt, doing, error);
}
