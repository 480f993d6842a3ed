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
  VigilSqlStmt       *had_snapshots;    /* on baseline, PostgreSQL: many keys at once */
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
  vigil_sql_finalize (self->had_snapshots);
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

#ifdef HAVE_POSTGRESQL
/* Keys asked with one statement. */
#define KEYS_AT_ONCE 10000

/* The snapshots among many keys, the keys bound as two arrays: one
 * statement, where a key each was a round trip each (design 2.5). */
static const char find_snapshots_sql[] =
  "SELECT s.customer_id, s.observed_at FROM snapshots AS s "
  "JOIN unnest (CAST (?1 AS bigint[]), CAST (?2 AS bigint[])) AS k (customer_id, observed_at) "
  "ON s.customer_id = k.customer_id AND s.observed_at = k.observed_at";

typedef struct
{
  gint64 customer_id;
  gint64 observed_at;
} SnapshotKey;

static guint
snapshot_key_hash (gconstpointer key)
{
  const SnapshotKey *k = key;

  return g_int64_hash (&k->customer_id) * 31u + g_int64_hash (&k->observed_at);
}

static gboolean
snapshot_key_equal (gconstpointer a,
                    gconstpointer b)
{
  const SnapshotKey *x = a, *y = b;

  return x->customer_id == y->customer_id && x->observed_at == y->observed_at;
}

/* Runs @stmt (find_snapshots_sql) for the keys @keys[@at[0 … n-1]] and
 * marks each found @mark in @out (by @index, key to position + 1).
 * Returns the last step's result, VIGIL_SQL_DONE unless it failed. */
static int
mark_snapshots (VigilSqlStmt      *stmt,
                GHashTable        *index,
                const SnapshotKey *keys,
                const guint       *at,
                guint              n,
                VigilRowStored     mark,
                VigilRowStored    *out)
{
  int rc = VIGIL_SQL_DONE;

  for (guint start = 0; start < n && rc == VIGIL_SQL_DONE; start += KEYS_AT_ONCE)
    {
      guint count = MIN (KEYS_AT_ONCE, n - start);
      g_autofree gint64 *ids = g_new (gint64, count);
      g_autofree gint64 *times = g_new (gint64, count);
      g_autofree char *id_array = NULL;
      g_autofree char *time_array = NULL;

      for (guint i = 0; i < count; i++)
        {
          ids[i] = keys[at[start + i]].customer_id;
          times[i] = keys[at[start + i]].observed_at;
        }
      id_array = _vigil_store_pg_int_array (ids, count);
      time_array = _vigil_store_pg_int_array (times, count);
      vigil_sql_reset_unbound (stmt);
      vigil_sql_bind_text (stmt, 1, id_array, -1);
      vigil_sql_bind_text (stmt, 2, time_array, -1);
      while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
        {
          SnapshotKey found = { vigil_sql_column_int64 (stmt, 0), vigil_sql_column_int64 (stmt, 1) };
          guint position = GPOINTER_TO_UINT (g_hash_table_lookup (index, &found));

          if (position > 0)
            out[position - 1] = mark;
        }
      if (rc != VIGIL_SQL_DONE)
        return rc;   /* the error read before the statement is reset */
      vigil_sql_reset (stmt);
    }
  return rc;
}

/**
 * _vigil_store_repeats_find_snapshots:
 * @customer_ids: (array length=n): with @observed_at, @n different keys
 * @ask_before: whether to tell the rows stored before this ingest from
 *   its own (a bulk import need not: nothing predates it)
 * @out: (array length=n): where each key is
 *
 * PostgreSQL only: _vigil_store_repeats_predates() for the snapshots of
 * many keys, and whether each is stored at all, with a statement for
 * many keys on each connection: a merge or an import of rows already
 * stored asked a key at a time (design 2.5).
 */
gboolean
_vigil_store_repeats_find_snapshots (VigilStoreRepeats  *self,
                                     const gint64       *customer_ids,
                                     const gint64       *observed_at,
                                     guint               n,
                                     gboolean            ask_before,
                                     VigilRowStored     *out,
                                     GError            **error)
{
  const char *doing = _("Storing a snapshot");
  g_autofree SnapshotKey *keys = g_new (SnapshotKey, n);
  g_autofree guint *at = g_new (guint, n);
  g_autoptr(GHashTable) index = g_hash_table_new (snapshot_key_hash, snapshot_key_equal);
  guint n_stored = 0;
  VigilSqlStmt *stmt;

  g_assert (vigil_store_is_shared (self->store));

  for (guint i = 0; i < n; i++)
    {
      keys[i] = (SnapshotKey) { customer_ids[i], observed_at[i] };
      at[i] = i;
      out[i] = VIGIL_ROW_NOT_STORED;
      g_hash_table_insert (index, &keys[i], GUINT_TO_POINTER (i + 1));
    }
  /* in this ingest's transaction: stored at all */
  if (!(stmt = _vigil_store_cached (self->store, find_snapshots_sql, doing, error)))
    return FALSE;
  if (mark_snapshots (stmt, index, keys, at, n, VIGIL_ROW_STORED_SINCE, out) != VIGIL_SQL_DONE)
    return _vigil_store_set_sqlite_error (self->store, error, doing);
  if (!ask_before)
    return TRUE;

  /* on the baseline: those of them stored before it began */
  for (guint i = 0; i < n; i++)
    if (out[i] == VIGIL_ROW_STORED_SINCE)
      at[n_stored++] = i;
  if (n_stored == 0)
    return TRUE;
  if (self->had_snapshot == NULL && !open_baseline (self, error))
    return FALSE;
  if (self->had_snapshots == NULL &&
      !(self->had_snapshots = vigil_sql_prepare (self->baseline, find_snapshots_sql, VIGIL_SQL_ONCE)))
    return set_baseline_error (self, error);
  if (mark_snapshots (self->had_snapshots, index, keys, at, n_stored, VIGIL_ROW_STORED_BEFORE, out)
      != VIGIL_SQL_DONE)
    return set_baseline_error (self, error);
  return TRUE;
}
#endif

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
