/* vigil-store.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil-error.h"
#include "vigil-churn-model.h"
#include "vigil-json-private.h"
#include "vigil-store.h"
#include "vigil-store-private.h"
#include "vigil-time.h"
#include "vigil-url.h"

/* Another Vigil (the window's poller, a cron job) may hold the write
 * lock for the length of one poll or import. */
#define BUSY_TIMEOUT_MS 30000

/* Bounded so that memory stays flat during a large import. */
#define CACHE_SIZE_KIB 16384

static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_INSERT_SOURCE] =
    "INSERT INTO sources (name, kind, created_at) VALUES (?1, 'file', ?2) "
    "ON CONFLICT (name) DO NOTHING",
  [STMT_LOOKUP_SOURCE] = "SELECT id FROM sources WHERE name = ?1",
  [STMT_INSERT_CUSTOMER] =
    "INSERT INTO customers (source_id, external_id) VALUES (?1, ?2) "
    "ON CONFLICT (source_id, external_id) DO NOTHING",
  [STMT_LOOKUP_CUSTOMER] = "SELECT id FROM customers WHERE source_id = ?1 AND external_id = ?2",
  /* A backfill of older history only fills gaps in what newer
   * snapshots said about the customer. */
  [STMT_UPDATE_CUSTOMER] =
    "UPDATE customers SET "
    "name = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?2, name) ELSE coalesce (name, ?2) END, "
    "plan = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?3, plan) ELSE coalesce (plan, ?3) END, "
    "owner = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?4, owner) ELSE coalesce (owner, ?4) END, "
    "segment = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?5, segment) "
    "ELSE coalesce (segment, ?5) END, "
    "latest_at = max (coalesce (latest_at, ?6), ?6) WHERE id = ?1",
  [STMT_INSERT_SNAPSHOT] =
    "INSERT INTO snapshots (customer_id, observed_at, last_active, mrr, seats, seats_used, "
    "api_calls_7d, features_used, open_tickets, nps, renewal_date, plan, features) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
    "ON CONFLICT (customer_id, observed_at) DO NOTHING",
  [STMT_INSERT_SCORE] =
    "INSERT INTO scores (customer_id, observed_at, version, health, tier) VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_INSERT_FEATURE] = "INSERT INTO features (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
  [STMT_LOOKUP_FEATURE] = "SELECT id FROM features WHERE name = ?1",
};

G_DEFINE_FINAL_TYPE (VigilStore, vigil_store, G_TYPE_OBJECT)

gboolean
_vigil_store_set_sqlite_error (VigilStore  *self,
                               GError     **error,
                               const char  *doing)
{
  int code = sqlite3_errcode (self->db);

  if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                 _("%s: %s is in use by another Vigil that did not finish within %d seconds"),
                 doing, self->path, BUSY_TIMEOUT_MS / 1000);
  else if (code == SQLITE_FULL)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                 _("%s: the disk holding %s is full; nothing was changed"), doing, self->path);
  else if (code == SQLITE_READONLY)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                 _("%s: %s is read-only; nothing was changed"), doing, self->path);
  else if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_A_DATABASE,
                 _("%s: %s is not a Vigil database or is damaged (%s)"),
                 doing, self->path, sqlite3_errmsg (self->db));
  else
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                 _("%s: database error in %s: %s"), doing, self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

sqlite3_stmt *
_vigil_store_get_stmt (VigilStore  *self,
                       StmtId       id,
                       GError     **error)
{
  if (self->stmts[id] == NULL &&
      sqlite3_prepare_v3 (self->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                          &self->stmts[id], NULL) != SQLITE_OK)
    {
      _vigil_store_set_sqlite_error (self, error, _("Preparing a query"));
      return NULL;
    }

  sqlite3_reset (self->stmts[id]);
  sqlite3_clear_bindings (self->stmts[id]);
  return self->stmts[id];
}

/* Prepares @sql, or says what was being done when it could not. */
sqlite3_stmt *
_vigil_store_prepare (VigilStore  *self,
                      const char  *sql,
                      const char  *doing,
                      GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      _vigil_store_set_sqlite_error (self, error, doing);
      return NULL;
    }
  return stmt;
}

/* Finalizes a statement stepped through its rows; @rc is its last step,
 * which says whether it ran to the end. */
gboolean
_vigil_store_finish_rows (VigilStore    *self,
                          sqlite3_stmt  *stmt,
                          int            rc,
                          const char    *doing,
                          GError       **error)
{
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _vigil_store_set_sqlite_error (self, error, doing);
  return TRUE;
}

/* Runs a statement that returns no rows. */
gboolean
_vigil_store_step_done (VigilStore    *self,
                        sqlite3_stmt  *stmt,
                        const char    *doing,
                        GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return _vigil_store_set_sqlite_error (self, error, doing);
  return TRUE;
}

/* Runs @stmt, a statement prepared for this one use that returns no
 * rows, and finalizes it. */
gboolean
_vigil_store_exec_prepared (VigilStore    *self,
                            sqlite3_stmt  *stmt,
                            const char    *doing,
                            GError       **error)
{
  gboolean ok = _vigil_store_step_done (self, stmt, doing, error);

  sqlite3_finalize (stmt);
  return ok;
}

gboolean
_vigil_store_exec_sql (VigilStore  *self,
                       const char  *sql,
                       const char  *doing,
                       GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _vigil_store_set_sqlite_error (self, error, doing);
  return TRUE;
}

/* Reads one integer from a query without parameters (PRAGMAs). */
gboolean
_vigil_store_query_int (VigilStore  *self,
                        const char  *sql,
                        gint64      *out,
                        GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Opening the database"), error)))
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *out = 0;
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _vigil_store_set_sqlite_error (self, error, _("Opening the database"));
  return TRUE;
}

static gboolean
load_features (VigilStore  *self,
               GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!(stmt = _vigil_store_prepare (self, "SELECT id, name FROM features",
                                     _("Opening the database"), error)))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);

      g_hash_table_insert (self->feature_ids, g_strdup (name), GINT_TO_POINTER ((int) id));
      g_hash_table_insert (self->feature_names, GINT_TO_POINTER ((int) id), g_strdup (name));
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Opening the database"), error))
    return FALSE;
  return TRUE;
}

static gboolean
open_database (VigilStore  *self,
               gint64       target_version,
               GError     **error)
{
  const char *opening = _("Opening the database");
  gint64 version = 0;
  int rc;

  if (!_vigil_store_prepare_file (self, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      if (self->db == NULL)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                       _("Cannot open %s: out of memory"), self->path);
          return FALSE;
        }
      return _vigil_store_set_sqlite_error (self, error, opening);
    }

  sqlite3_extended_result_codes (self->db, 0);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* Look before writing anything: a foreign or newer file stays as it is. */
  if (!_vigil_store_check_identity (self, &version, error))
    return FALSE;

  /* Rows of about 200 bytes fill 8 KiB pages better; a page size can
   * only be chosen before the first table exists. */
  if (version == 0 && !_vigil_store_exec_sql (self, "PRAGMA page_size = 8192", opening, error))
    return FALSE;

  if (!_vigil_store_exec_sql (self, "PRAGMA journal_mode = WAL", opening, error) ||
      !_vigil_store_exec_sql (self, "PRAGMA synchronous = NORMAL", opening, error) ||
      !_vigil_store_exec_sql (self, "PRAGMA foreign_keys = ON", opening, error) ||
      !_vigil_store_exec_sql (self, "PRAGMA cache_size = -" G_STRINGIFY (CACHE_SIZE_KIB),
                              opening, error))
    return FALSE;

  if (!_vigil_store_migrate (self, version, target_version, error))
    return FALSE;

  return load_features (self, error);
}

static void
vigil_store_finalize (GObject *object)
{
  VigilStore *self = (VigilStore *) object;

  for (int i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->feature_ids, g_hash_table_unref);
  g_clear_pointer (&self->feature_names, g_hash_table_unref);
  if (self->features_buffer != NULL)
    g_string_free (g_steal_pointer (&self->features_buffer), TRUE);

  G_OBJECT_CLASS (vigil_store_parent_class)->finalize (object);
}

static void
vigil_store_class_init (VigilStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vigil_store_finalize;
}

static void
vigil_store_init (VigilStore *self)
{
  self->feature_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->feature_names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->features_buffer = g_string_sized_new (256);
}

/**
 * vigil_store_get_default_path:
 *
 * Returns: (transfer full): `VIGIL_DB` if set, else vigil.db in the user
 *   data folder
 */
char *
vigil_store_get_default_path (void)
{
  const char *env = g_getenv ("VIGIL_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "vigil", "vigil.db", NULL);
}

/**
 * vigil_store_open:
 * @path: the database file; created with its folder if missing
 *
 * Opens a Vigil database, creating or migrating its schema. A file that
 * is not a Vigil database, or one written by a newer Vigil, is refused
 * and left unchanged.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
VigilStore *
vigil_store_open (const char  *path,
                  GError     **error)
{
  g_autoptr(VigilStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (VIGIL_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!open_database (self, VIGIL_STORE_SCHEMA_VERSION, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* For tests of the migrations: a database left at an older schema. */
gboolean
_vigil_store_create_at_version (const char  *path,
                                gint64       version,
                                GError     **error)
{
  g_autoptr(VigilStore) self = NULL;

  g_return_val_if_fail (version >= 1 && version <= VIGIL_STORE_SCHEMA_VERSION, FALSE);

  self = g_object_new (VIGIL_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  return open_database (self, version, error);
}

const char *
vigil_store_get_path (VigilStore *self)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  return self->path;
}

/**
 * vigil_store_begin:
 *
 * Starts a write transaction: everything until vigil_store_commit() is
 * stored wholly or not at all.
 */
gboolean
vigil_store_begin (VigilStore  *self,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  if (!(stmt = _vigil_store_get_stmt (self, STMT_BEGIN, error)))
    return FALSE;
  return _vigil_store_step_done (self, stmt, _("Starting to write"), error);
}

gboolean
vigil_store_commit (VigilStore  *self,
                    GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  if (!(stmt = _vigil_store_get_stmt (self, STMT_COMMIT, error)))
    return FALSE;
  if (!_vigil_store_step_done (self, stmt, _("Saving"), error))
    {
      vigil_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
vigil_store_rollback (VigilStore *self)
{
  g_return_if_fail (VIGIL_IS_STORE (self));

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);

  /* Feature ids handed out in the transaction are gone with it. */
  g_hash_table_remove_all (self->feature_ids);
  g_hash_table_remove_all (self->feature_names);
  load_features (self, NULL);
}

/* Ends the transaction vigil_store_begin() started: commits it when @ok,
 * else rolls it back (whatever failed has set @error). */
gboolean
_vigil_store_end_transaction (VigilStore  *self,
                              gboolean     ok,
                              GError     **error)
{
  if (!ok)
    {
      vigil_store_rollback (self);
      return FALSE;
    }
  return vigil_store_commit (self, error);
}

gint64
_vigil_store_lookup_id (VigilStore    *self,
                        sqlite3_stmt  *stmt,
                        GError       **error)
{
  int rc = sqlite3_step (stmt);
  gint64 id = 0;

  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _vigil_store_set_sqlite_error (self, error, _("Reading the database"));
      return -1;
    }
  return id;
}

void
_vigil_store_bind_text_or_null (sqlite3_stmt *stmt,
                                int           index,
                                const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

void
_vigil_store_bind_int_or_null (sqlite3_stmt *stmt,
                               int           index,
                               gint64        value)
{
  if (value != VIGIL_UNKNOWN)
    sqlite3_bind_int64 (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

void
_vigil_store_bind_double_or_null (sqlite3_stmt *stmt,
                                  int           index,
                                  double        value)
{
  if (!isnan (value))
    sqlite3_bind_double (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

/* Reading back ------------------------------------------------------------ */

char *
_vigil_store_column_strdup (sqlite3_stmt *stmt,
                            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

gint64
_vigil_store_column_int_or_unknown (sqlite3_stmt *stmt,
                                    int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return VIGIL_UNKNOWN;
  return sqlite3_column_int64 (stmt, column);
}

double
_vigil_store_column_double_or_nan (sqlite3_stmt *stmt,
                                   int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NAN;
  return sqlite3_column_double (stmt, column);
}

/**
 * vigil_store_get_meta:
 * @out_value: (out) (transfer full) (nullable): the value, %NULL if unset
 *
 * Reads a setting that belongs to the database itself.
 */
gboolean
vigil_store_get_meta (VigilStore  *self,
                      const char  *key,
                      char       **out_value,
                      GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (out_value != NULL, FALSE);

  if (!(stmt = _vigil_store_prepare (self, "SELECT value FROM meta WHERE key = ?1", _("Reading the database"), error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *out_value = rc == SQLITE_ROW ? _vigil_store_column_strdup (stmt, 0) : NULL;
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _vigil_store_set_sqlite_error (self, error, _("Reading the database"));
  return TRUE;
}

gboolean
vigil_store_set_meta (VigilStore  *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!(stmt = _vigil_store_prepare (self,
                                     "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                                     _("Writing the database"), error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  _vigil_store_bind_text_or_null (stmt, 2, value);
  return _vigil_store_exec_prepared (self, stmt, _("Writing the database"), error);
}

/* Report queries ----------------------------------------------------------- */

/* The book as it stood at a past time, for the weekly report (src/report):
 * each customer's latest snapshot at or before that time, trigger
 * episodes and outcomes within a period, and the history's span. */

/**
 * vigil_store_list_portfolio_at:
 * @time: the moment (Unix seconds): snapshots observed after it are ignored
 * @owner: (nullable): keep only this owner's customers
 *
 * Every customer observed at or before @time, with the latest snapshot
 * at or before @time, its score, and the trends, 14-day peak and seat
 * use of 28 days before counted back from that snapshot, as
 * vigil_store_list_portfolio() gives them for the newest one.
 *
 * Returns: (transfer full) (element-type VigilPortfolioRow): the rows,
 *   in customer id order
 */
GPtrArray *
vigil_store_list_portfolio_at (VigilStore  *self,
                               gint64       time,
                               const char  *owner,
                               GError     **error)
{
  static const char sql[] =
    "WITH at (customer_id, t) AS ("
    "  SELECT c.id, (SELECT max (u.observed_at) FROM snapshots u "
    "                WHERE u.customer_id = c.id AND u.observed_at <= ?2) "
    "  FROM customers c WHERE (?1 IS NULL OR c.owner = ?1)) "
    "SELECT c.id, src.name, " CUSTOMER_COLUMNS ", " SNAPSHOT_COLUMNS ", " SCORE_COLUMNS ", "
    TREND_COLUMNS ("at.t") " "
    "FROM at JOIN customers c ON c.id = at.customer_id "
    "JOIN sources src ON src.id = c.source_id "
    "JOIN snapshots s ON s.customer_id = c.id AND s.observed_at = at.t "
    JOIN_SCORES
    "ORDER BY c.id";
  g_autoptr(GHashTable) scorecards = NULL;
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(scorecards = _vigil_store_load_all_scorecards (self, error)))
    return NULL;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading the portfolio"), error)))
    return NULL;
  _vigil_store_bind_text_or_null (stmt, 1, owner);
  sqlite3_bind_int64 (stmt, 2, time);

  return _vigil_store_collect_portfolio_rows (self, stmt, scorecards, error);
}

/**
 * vigil_store_get_average_health_at:
 * @time: the moment (Unix seconds)
 * @owner: (nullable): only this owner's customers
 * @out_average: (out): the average of each customer's latest score at or
 *   before @time, NAN when there is none
 * @out_count: (out) (optional): how many scores it averages
 *
 * The portfolio's average health as it stood at @time: one point of the
 * report's weekly trend, from one index lookup per customer.
 */
gboolean
vigil_store_get_average_health_at (VigilStore  *self,
                                   gint64       time,
                                   const char  *owner,
                                   double      *out_average,
                                   guint       *out_count,
                                   GError     **error)
{
  static const char sql[] =
    "SELECT avg (k.health), count (k.health) FROM customers c "
    "JOIN scores k ON k.customer_id = c.id AND k.observed_at = "
    "  (SELECT max (t.observed_at) FROM scores t "
    "   WHERE t.customer_id = c.id AND t.observed_at <= ?1) "
    "WHERE (?2 IS NULL OR c.owner = ?2)";
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_average != NULL, FALSE);

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading history"), error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, time);
  _vigil_store_bind_text_or_null (stmt, 2, owner);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_average = _vigil_store_column_double_or_nan (stmt, 0);
      if (out_count != NULL)
        *out_count = (guint) sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW)
    return _vigil_store_set_sqlite_error (self, error, _("Reading history"));
  return TRUE;
}

/**
 * vigil_store_get_history_span:
 * @owner: (nullable): only this owner's customers
 * @out_customers: (out) (optional): how many customers there are
 * @out_first: (out) (optional): the oldest observation, or 0 when none
 * @out_last: (out) (optional): the newest observation, or 0 when none
 *
 * What history the store holds, to tell "no such owner" from "no data
 * that week" and to pick a default week.
 */
gboolean
vigil_store_get_history_span (VigilStore  *self,
                              const char  *owner,
                              gint64      *out_customers,
                              gint64      *out_first,
                              gint64      *out_last,
                              GError     **error)
{
  static const char sql[] =
    "SELECT count (*), "
    "  min ((SELECT min (s.observed_at) FROM snapshots s WHERE s.customer_id = c.id)), "
    "  max (c.latest_at) "
    "FROM customers c WHERE (?1 IS NULL OR c.owner = ?1)";
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading history"), error)))
    return FALSE;
  _vigil_store_bind_text_or_null (stmt, 1, owner);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (out_customers != NULL)
        *out_customers = sqlite3_column_int64 (stmt, 0);
      if (out_first != NULL)
        *out_first = sqlite3_column_int64 (stmt, 1);
      if (out_last != NULL)
        *out_last = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW)
    return _vigil_store_set_sqlite_error (self, error, _("Reading history"));
  return TRUE;
}

/**
 * vigil_store_list_triggers_first_seen:
 * @since: the start of the period (Unix seconds, included)
 * @until: its end (excluded)
 * @owner: (nullable): only this owner's customers
 *
 * The trigger episodes that opened within a period, whatever their
 * state now.
 *
 * Returns: (transfer full) (element-type VigilTriggerRow): oldest first
 */
GPtrArray *
vigil_store_list_triggers_first_seen (VigilStore  *self,
                                      gint64       since,
                                      gint64       until,
                                      const char  *owner,
                                      GError     **error)
{
  static const char sql[] =
    "SELECT t.id, c.external_id, c.name, t.rule, t.kind, t.first_seen, t.state, "
    "t.snoozed_until, t.evidence, c.id "
    "FROM triggers t JOIN customers c ON c.id = t.customer_id "
    "WHERE t.first_seen >= ?1 AND t.first_seen < ?2 "
    "AND (?3 IS NULL OR c.owner = ?3) "
    "ORDER BY t.first_seen, t.id";
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_trigger_row_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading triggers"), error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, until);
  _vigil_store_bind_text_or_null (stmt, 3, owner);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, _vigil_store_read_trigger_row (stmt));
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading triggers"), error))
    return NULL;
  return g_steal_pointer (&rows);
}

/**
 * vigil_store_count_outcomes_between:
 * @first_day: the first day (days since 1970-01-01, included)
 * @last_day: the last day (included)
 * @owner: (nullable): only this owner's customers
 * @out_churned: (out): outcomes `churned` on those days
 * @out_renewed: (out): outcomes `renewed` on those days
 */
gboolean
vigil_store_count_outcomes_between (VigilStore  *self,
                                    gint32       first_day,
                                    gint32       last_day,
                                    const char  *owner,
                                    guint       *out_churned,
                                    guint       *out_renewed,
                                    GError     **error)
{
  static const char sql[] =
    "SELECT count (*) FILTER (WHERE o.outcome = 'churned'), "
    "  count (*) FILTER (WHERE o.outcome = 'renewed') "
    "FROM outcomes o JOIN customers c ON c.id = o.customer_id "
    "WHERE o.day >= ?1 AND o.day <= ?2 AND (?3 IS NULL OR c.owner = ?3)";
  char first[16];
  char last[16];
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_churned != NULL && out_renewed != NULL, FALSE);

  if (_vigil_store_format_day (first_day, first) == NULL ||
      _vigil_store_format_day (last_day, last) == NULL)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("The date is out of range"));
      return FALSE;
    }
  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading outcomes"), error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, first, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, last, -1, SQLITE_STATIC);
  _vigil_store_bind_text_or_null (stmt, 3, owner);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_churned = (guint) sqlite3_column_int64 (stmt, 0);
      *out_renewed = (guint) sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW)
    return _vigil_store_set_sqlite_error (self, error, _("Reading outcomes"));
  return TRUE;
}

/* End of the report queries. */
