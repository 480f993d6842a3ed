/* vigil-store.c: the store object, opening it, transactions and the statement helpers
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-secrets.h"
#include "vigil-store-private.h"
#include "vigil-write-behind.h"

/* Another Vigil (the window's poller, a cron job) may hold the write
 * lock for the length of one poll or import. */
#define BUSY_TIMEOUT_MS 30000

/* Bounded so that memory stays flat during a large import. */
#define CACHE_SIZE_KIB 16384

/* A snapshot of an account at a time whose main record's own
 * observation it took in (design 2.6: origins do not say "absent"). */
#define FIND_IMPLICIT_SQL(E) \
  "SELECT 1 FROM snapshots WHERE customer_id = ?1 AND observed_at = ?2 " \
  "AND (origins IS NULL OR " SQL_POSITION_##E ("';' || origins || ';'", "';absent;'") " = 0)"

#define INSERT_CUSTOMER_SQL(E) \
  "INSERT INTO customers (source_id, external_id) VALUES (?1, ?2)" SQL_RETURNING_ID_##E
#define INSERT_RECORD_SQL(E) \
  "INSERT INTO records (source_id, external_id, customer_id) VALUES (?1, ?2, ?3)" SQL_RETURNING_ID_##E

/* The statements whose text PostgreSQL's differs from stmt_sql's. */
static const char * const shared_stmt_sql[N_STMTS] = {
  [STMT_FIND_IMPLICIT] = FIND_IMPLICIT_SQL (PG),
  [STMT_INSERT_CUSTOMER] = INSERT_CUSTOMER_SQL (PG),
  [STMT_INSERT_RECORD] = INSERT_RECORD_SQL (PG),
};

static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_INSERT_SOURCE] =
    "INSERT INTO sources (name, kind, created_at) VALUES (?1, 'file', ?2) "
    "ON CONFLICT (name) DO NOTHING",
  [STMT_LOOKUP_SOURCE] = "SELECT id FROM sources WHERE name = ?1",
  [STMT_INSERT_CUSTOMER] = INSERT_CUSTOMER_SQL (SQLITE),
  [STMT_INSERT_RECORD] = INSERT_RECORD_SQL (SQLITE),
  /* A record, its account, and whether the account has other records
   * (design 2.6: then its observations are kept raw and merged). */
  [STMT_LOOKUP_RECORD] = "SELECT " LOOKUP_RECORD_COLUMNS " WHERE r.source_id = ?1 AND r.external_id = ?2",
  /* A new account's only record is its main record (design 2.6). */
  [STMT_SET_MAIN_RECORD] = "UPDATE customers SET main_record = ?2 WHERE id = ?1",
  /* Whether the account's snapshot at a time holds an observation of
   * its main record: then that observation is stored already. */
  [STMT_FIND_IMPLICIT] = FIND_IMPLICIT_SQL (SQLITE),
  /* A backfill of older history only fills gaps in what newer
   * snapshots said about the customer. */
  [STMT_UPDATE_CUSTOMER] =
    "UPDATE customers SET "
    "name = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?2, name) ELSE coalesce (name, ?2) END, "
    "plan = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?3, plan) ELSE coalesce (plan, ?3) END, "
    "owner = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?4, owner) ELSE coalesce (owner, ?4) END, "
    "segment = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?5, segment) "
    "ELSE coalesce (segment, ?5) END, "
    "latest_at = CASE WHEN latest_at > ?6 THEN latest_at ELSE ?6 END WHERE id = ?1",
  [STMT_UPDATE_RECORD] =
    "UPDATE records SET "
    "name = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?2, name) ELSE coalesce (name, ?2) END, "
    "plan = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?3, plan) ELSE coalesce (plan, ?3) END, "
    "owner = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?4, owner) ELSE coalesce (owner, ?4) END, "
    "segment = CASE WHEN ?6 >= coalesce (latest_at, ?6) THEN coalesce (?5, segment) "
    "ELSE coalesce (segment, ?5) END, "
    "latest_at = CASE WHEN latest_at > ?6 THEN latest_at ELSE ?6 END WHERE id = ?1",
  [STMT_INSERT_OBSERVATION] =
    "INSERT INTO observations (record_id, observed_at, last_active, mrr, seats, seats_used, "
    "api_calls_7d, features_used, open_tickets, nps, renewal_date, plan, features) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
    "ON CONFLICT (record_id, observed_at) DO NOTHING",
  [STMT_INSERT_RECORD_KEY] =
    "INSERT INTO record_keys (key, record_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
  [STMT_INSERT_SNAPSHOT] =
    "INSERT INTO snapshots (" INSERTED_SNAPSHOT_COLUMNS ") "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
    "ON CONFLICT (customer_id, observed_at) DO NOTHING",
  [STMT_INSERT_SCORE] =
    "INSERT INTO scores (customer_id, observed_at, version, health, tier) VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_INSERT_FEATURE] = "INSERT INTO features (id, name) VALUES (?1, ?2)",
};

G_DEFINE_FINAL_TYPE (VigilStore, vigil_store, G_TYPE_OBJECT)

/* design 1.1: what a team's book says when a customer's row is not the
 * role's to change; @reason is the database's words, or %NULL. */
gboolean
_vigil_store_set_refused (GError     **error,
                          const char  *doing,
                          const char  *reason)
{
  if (reason != NULL)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION,
                 _("%s: the team's book refused this: only the customer's owner, a manager or the "
                   "team's ops may change it (%s)"), doing, reason);
  else
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION,
                 _("%s: the team's book refused this: only the customer's owner, a manager or the "
                   "team's ops may change it"), doing);
  return FALSE;
}

gboolean
_vigil_store_set_connection_error (VigilStore          *self,
                                   VigilSqlConnection  *connection,
                                   GError             **error,
                                   const char          *doing)
{
  VigilSqlErrorCode code = vigil_sql_error_code (connection);

  if (code == VIGIL_SQL_BUSY)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                 _("%s: %s is in use by another Vigil that did not finish within %d seconds"),
                 doing, self->path, BUSY_TIMEOUT_MS / 1000);
  else if (code == VIGIL_SQL_FULL)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                 _("%s: the disk holding %s is full; nothing was changed"), doing, self->path);
  else if (code == VIGIL_SQL_READ_ONLY)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                 _("%s: %s is read-only; nothing was changed"), doing, self->path);
  else if (code == VIGIL_SQL_REFUSED_ROW)
    _vigil_store_set_refused (error, doing, vigil_sql_error_message (self->db));
  else if (code == VIGIL_SQL_REFUSED)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION,
                 _("%s: the team's book refused this: only the team's ops may change sources, "
                   "the scorecard and the book's settings (%s)"),
                 doing, vigil_sql_error_message (self->db));
  else if (code == VIGIL_SQL_NOT_A_DATABASE)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_A_DATABASE,
                 _("%s: %s is not a Vigil database or is damaged (%s)"),
                 doing, self->path, vigil_sql_error_message (connection));
  else
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                 _("%s: database error in %s: %s"),
                 doing, self->path, vigil_sql_error_message (connection));
  return FALSE;
}

/* The same for the store's own connection. */
gboolean
_vigil_store_set_sqlite_error (VigilStore  *self,
                               GError     **error,
                               const char  *doing)
{
  return _vigil_store_set_connection_error (self, self->db, error, doing);
}

VigilSqlStmt *
_vigil_store_get_stmt (VigilStore  *self,
                       StmtId       id,
                       GError     **error)
{
  if (self->stmts[id] == NULL)
    {
      const char *sql = vigil_store_is_shared (self) && shared_stmt_sql[id] != NULL ? shared_stmt_sql[id]
                                                                                     : stmt_sql[id];

      if (!(self->stmts[id] = vigil_sql_prepare (self->db, sql, VIGIL_SQL_KEEP)))
        {
          _vigil_store_set_sqlite_error (self, error, _("Preparing a query"));
          return NULL;
        }
    }

  vigil_sql_reset_unbound (self->stmts[id]);
  return self->stmts[id];
}

/* The statement cached for @sql, prepared on first use. */
static VigilSqlStmt *
find_cached (VigilStore  *self,
             const char  *sql,
             const char  *doing,
             GError     **error)
{
  VigilSqlStmt *stmt = g_hash_table_lookup (self->cached_stmts, sql);

  if (stmt == NULL)
    {
      if (!(stmt = vigil_sql_prepare (self->db, sql, VIGIL_SQL_KEEP)))
        {
          _vigil_store_set_sqlite_error (self, error, doing);
          return NULL;
        }
      g_hash_table_insert (self->cached_stmts, (gpointer) sql, stmt);
    }
  return stmt;
}

/* @sql prepared once for the life of the store and kept, reset and
 * without bindings: for the statements an account's join or rebuild
 * runs thousands of times in one import (preparing costs more than
 * running them). @sql must be a static string: statements are kept by
 * its address. Step it, then reset it, never finalize it:
 * _vigil_store_step_done() or _vigil_store_finish_cached_rows(). */
VigilSqlStmt *
_vigil_store_cached (VigilStore  *self,
                     const char  *sql,
                     const char  *doing,
                     GError     **error)
{
  VigilSqlStmt *stmt = find_cached (self, sql, doing, error);

  if (stmt != NULL)
    vigil_sql_reset_unbound (stmt);
  return stmt;
}

/* _vigil_store_cached() for a statement whose every parameter the
 * caller binds anew: its bindings are left to be replaced, not cleared
 * first. The bulk writes' statements have hundreds of parameters (a
 * row's for each of VIGIL_STORE_ROWS_AT_ONCE rows), and clearing them
 * took 3 % of the instructions of a bulk import's merge. */
VigilSqlStmt *
_vigil_store_cached_rebound (VigilStore  *self,
                             const char  *sql,
                             const char  *doing,
                             GError     **error)
{
  VigilSqlStmt *stmt = find_cached (self, sql, doing, error);

  if (stmt != NULL)
    vigil_sql_reset (stmt);
  return stmt;
}

/* Resets a cached statement stepped through its rows, or to the one row
 * it was run for; @rc is its last step, which says whether it failed. */
gboolean
_vigil_store_finish_cached_rows (VigilStore    *self,
                                 VigilSqlStmt  *stmt,
                                 int            rc,
                                 const char    *doing,
                                 GError       **error)
{
  if (rc != VIGIL_SQL_DONE && rc != VIGIL_SQL_ROW)
    {
      _vigil_store_set_sqlite_error (self, error, doing);
      vigil_sql_reset (stmt);
      return FALSE;
    }
  vigil_sql_reset (stmt);
  return TRUE;
}

/* Prepares @sql, or says what was being done when it could not. */
VigilSqlStmt *
_vigil_store_prepare (VigilStore  *self,
                      const char  *sql,
                      const char  *doing,
                      GError     **error)
{
  VigilSqlStmt *stmt = vigil_sql_prepare (self->db, sql, VIGIL_SQL_ONCE);

  if (stmt == NULL)
    _vigil_store_set_sqlite_error (self, error, doing);
  return stmt;
}

/* Finalizes a statement stepped through its rows, or to the one row it
 * was run for; @rc is its last step, which says whether it failed. */
gboolean
_vigil_store_finish_rows (VigilStore    *self,
                          VigilSqlStmt  *stmt,
                          int            rc,
                          const char    *doing,
                          GError       **error)
{
  vigil_sql_finalize (stmt);
  if (rc != VIGIL_SQL_DONE && rc != VIGIL_SQL_ROW)
    return _vigil_store_set_sqlite_error (self, error, doing);
  return TRUE;
}

/* Resets @stmt after a step that gave @rc, and says whether it failed. */
static gboolean
finish_step (VigilStore    *self,
             VigilSqlStmt  *stmt,
             int            rc,
             const char    *doing,
             GError       **error)
{
  vigil_sql_reset (stmt);
  if (rc != VIGIL_SQL_DONE && rc != VIGIL_SQL_ROW)
    return _vigil_store_set_sqlite_error (self, error, doing);
  return TRUE;
}

/* Runs a statement that returns no rows. */
gboolean
_vigil_store_step_done (VigilStore    *self,
                        VigilSqlStmt  *stmt,
                        const char    *doing,
                        GError       **error)
{
  return finish_step (self, stmt, vigil_sql_step (stmt), doing, error);
}

/* Runs a write whose result is not read, in a transaction: on
 * PostgreSQL it may be queued (vigil_sql_step_queued()) and its failure
 * told by a later statement of the transaction, or its COMMIT. */
gboolean
_vigil_store_step_queued (VigilStore    *self,
                          VigilSqlStmt  *stmt,
                          const char    *doing,
                          GError       **error)
{
  return finish_step (self, stmt, vigil_sql_step_queued (stmt), doing, error);
}

/* Runs @stmt, an INSERT of one row that ends in RETURNING id (or, on
 * SQLite, in SQL_RETURNING_ID: nothing), and gives that id in @out_id:
 * how both engines tell the id of a new row (design 1). An insert that
 * added no row is an error, never an id read from an earlier insert. */
gboolean
_vigil_store_step_insert (VigilStore    *self,
                          VigilSqlStmt  *stmt,
                          const char    *doing,
                          gint64        *out_id,
                          GError       **error)
{
  int rc = vigil_sql_step (stmt);

  if (rc == VIGIL_SQL_ROW)
    *out_id = vigil_sql_column_int64 (stmt, 0);
  vigil_sql_reset (stmt);
  if (rc == VIGIL_SQL_ROW)
    return TRUE;
  if (rc != VIGIL_SQL_DONE)
    return _vigil_store_set_sqlite_error (self, error, doing);
  /* SQLite only: the row this statement added, when it added one (its
   * count of changed rows is this statement's) */
  if (!vigil_store_is_shared (self) && vigil_sql_changes (self->db) == 1)
    {
      *out_id = sqlite3_last_insert_rowid (vigil_sql_sqlite_handle (self->db));
      return TRUE;
    }
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
               _("%s: the database added no row"), doing);
  return FALSE;
}

/* Runs @stmt, a statement prepared for this one use that returns no
 * rows, and finalizes it. */
gboolean
_vigil_store_exec_prepared (VigilStore    *self,
                            VigilSqlStmt  *stmt,
                            const char    *doing,
                            GError       **error)
{
  gboolean ok = _vigil_store_step_done (self, stmt, doing, error);

  vigil_sql_finalize (stmt);
  return ok;
}

gboolean
_vigil_store_exec_sql (VigilStore  *self,
                       const char  *sql,
                       const char  *doing,
                       GError     **error)
{
  if (!vigil_sql_exec (self->db, sql))
    return _vigil_store_set_sqlite_error (self, error, doing);
  return TRUE;
}

/* SQLite only: design 2.5. The write-ahead log, which a bulk import in another
 * process may have left for the rollback journal while it writes. To
 * leave it for the log this connection must wait for that writer, and
 * SQLite answers busy at once there rather than after its busy timeout
 * (a reader that waited for a writer could deadlock it): wait here as
 * long as the timeout would. */
static gboolean
enter_wal (VigilStore  *self,
           const char  *doing,
           GError     **error)
{
  gint64 give_up = g_get_monotonic_time () + (gint64) BUSY_TIMEOUT_MS * 1000;

  for (;;)
    {
      int rc = sqlite3_exec (vigil_sql_sqlite_handle (self->db), "PRAGMA journal_mode = WAL",
                             NULL, NULL, NULL);

      if (rc == SQLITE_OK)
        return TRUE;
      if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || g_get_monotonic_time () >= give_up)
        return _vigil_store_set_sqlite_error (self, error, doing);
      g_usleep (20 * 1000);
    }
}

/* Reads one integer from a query without parameters (PRAGMAs). */
gboolean
_vigil_store_query_int (VigilStore  *self,
                        const char  *sql,
                        gint64      *out,
                        GError     **error)
{
  VigilSqlStmt *stmt = NULL;
  int rc;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Opening the database"), error)))
    return FALSE;

  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    *out = vigil_sql_column_int64 (stmt, 0);
  else if (rc == VIGIL_SQL_DONE)
    *out = 0;
  return _vigil_store_finish_rows (self, stmt, rc, _("Opening the database"), error);
}

gint64
_vigil_store_lookup_id (VigilStore    *self,
                        VigilSqlStmt  *stmt,
                        GError       **error)
{
  int rc = vigil_sql_step (stmt);
  gint64 id = 0;

  if (rc == VIGIL_SQL_ROW)
    id = vigil_sql_column_int64 (stmt, 0);
  vigil_sql_reset (stmt);

  if (rc != VIGIL_SQL_ROW && rc != VIGIL_SQL_DONE)
    {
      _vigil_store_set_sqlite_error (self, error, _("Reading the database"));
      return -1;
    }
  return id;
}

/* @texts (a NULL among them: a NULL element) as PostgreSQL's text of an
 * array of text ({"a",NULL,"b\"c"}): a value bound as a parameter,
 * never SQL, for a statement that takes many rows at once (design 1). */
char *
_vigil_store_pg_text_array (const char * const *texts,
                            guint               n)
{
  GString *out = g_string_new ("{");

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (texts[i] == NULL)
        {
          g_string_append (out, "NULL");
          continue;
        }
      g_string_append_c (out, '"');
      for (const char *c = texts[i]; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* @values as PostgreSQL's text of an array of bigint ({1,2,3}). */
char *
_vigil_store_pg_int_array (const gint64 *values,
                           guint         n)
{
  GString *out = g_string_sized_new (2 + 12 * (gsize) n);

  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, i > 0 ? ",%" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, values[i]);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

void
_vigil_store_bind_text_or_null (VigilSqlStmt *stmt,
                                int           index,
                                const char   *text)
{
  vigil_sql_bind_text (stmt, index, text, -1);
}

void
_vigil_store_bind_int_or_null (VigilSqlStmt *stmt,
                               int           index,
                               gint64        value)
{
  if (value != VIGIL_UNKNOWN)
    vigil_sql_bind_int64 (stmt, index, value);
  else
    vigil_sql_bind_null (stmt, index, VIGIL_SQL_INT);
}

void
_vigil_store_bind_double_or_null (VigilSqlStmt *stmt,
                                  int           index,
                                  double        value)
{
  if (!isnan (value))
    vigil_sql_bind_double (stmt, index, value);
  else
    vigil_sql_bind_null (stmt, index, VIGIL_SQL_DOUBLE);
}

char *
_vigil_store_column_strdup (VigilSqlStmt *stmt,
                            int           column)
{
  return g_strdup (vigil_sql_column_text (stmt, column));
}

gint64
_vigil_store_column_int_or_unknown (VigilSqlStmt *stmt,
                                    int           column)
{
  if (vigil_sql_column_is_null (stmt, column))
    return VIGIL_UNKNOWN;
  return vigil_sql_column_int64 (stmt, column);
}

double
_vigil_store_column_double_or_nan (VigilSqlStmt *stmt,
                                   int           column)
{
  if (vigil_sql_column_is_null (stmt, column))
    return NAN;
  return vigil_sql_column_double (stmt, column);
}

static gboolean
load_features (VigilStore  *self,
               GError     **error)
{
  VigilSqlStmt *stmt = NULL;
  int rc;

  if (!(stmt = _vigil_store_prepare (self, "SELECT id, name FROM features",
                                     _("Opening the database"), error)))
    return FALSE;

  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 id = vigil_sql_column_int64 (stmt, 0);
      const char *name = vigil_sql_column_text (stmt, 1);

      g_hash_table_insert (self->feature_ids, g_strdup (name), GINT_TO_POINTER ((int) id));
      g_hash_table_insert (self->feature_names, GINT_TO_POINTER ((int) id), g_strdup (name));
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Opening the database"), error))
    return FALSE;
  return TRUE;
}

/* design 1: a team's book on PostgreSQL: a connection to @self->path,
 * its tables in schema vigil, created or brought up to date. */
static gboolean
open_shared_database (VigilStore  *self,
                      gint64       target_version,
                      GError     **error)
{
#ifdef HAVE_POSTGRESQL
  if (!(self->db = vigil_sql_pg_connect (self->path, "vigil", error)) ||
      !_vigil_store_open_shared_schema (self, target_version, error))
    return FALSE;
  return load_features (self, error);
#else
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
               _("%s is a PostgreSQL database, and this Vigil was built without PostgreSQL"),
               self->path);
  return FALSE;
#endif
}

static gboolean
open_database (VigilStore  *self,
               gint64       target_version,
               GError     **error)
{
  const char *opening = _("Opening the database");
  gint64 version = 0;
  sqlite3 *db = NULL;
  int rc;

  if (vigil_store_location_is_shared (self->path))
    return open_shared_database (self, target_version, error);
  if (!_vigil_store_prepare_file (self, error))
    return FALSE;

  /* SQLite only: the file, its PRAGMAs and its log (plan C.2, design 2.5),
   * through the VFS whose writes a bulk import's merge hands to a thread
   * of their own (design 7); until then it is the default VFS. */
  rc = sqlite3_open_v2 (self->path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        vigil_write_behind_get_vfs_name ());
  if (db == NULL)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                   _("Cannot open %s: out of memory"), self->path);
      return FALSE;
    }
  self->db = vigil_sql_sqlite_wrap (db);
  if (rc != SQLITE_OK)
    return _vigil_store_set_sqlite_error (self, error, opening);

  sqlite3_extended_result_codes (db, 0);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  /* Look before writing anything: a foreign or newer file stays as it is. */
  if (!_vigil_store_check_identity (self, &version, error))
    return FALSE;

  /* Rows of about 200 bytes fill 8 KiB pages better; a page size can
   * only be chosen before the first table exists. */
  if (version == 0 && !_vigil_store_exec_sql (self, "PRAGMA page_size = 8192", opening, error))
    return FALSE;

  if (!enter_wal (self, opening, error) ||
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
    g_clear_pointer (&self->stmts[i], vigil_sql_finalize);
  g_clear_pointer (&self->cached_stmts, g_hash_table_unref);
  g_clear_pointer (&self->db, vigil_sql_close);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->feature_ids, g_hash_table_unref);
  g_clear_pointer (&self->feature_names, g_hash_table_unref);
  /* Closing the connection released the locks it held. */
  g_clear_pointer (&self->locked_sources, g_hash_table_unref);

  G_OBJECT_CLASS (vigil_store_parent_class)->finalize (object);
}

static void
vigil_store_class_init (VigilStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  /* SQLite only (design 7): SQLite can be configured only before its first use in the process;
   * after, these change nothing. It counts every allocation under a
   * global mutex unless told not to, and an import makes tens of
   * millions of them (design 7). A statement that writes many rows and
   * may fail halfway keeps the pages it changes in a statement journal,
   * a temporary file past 64 KiB: the ingest's inserts of 32 rows each
   * (snapshots checked against customers) journal a few pages, kept in
   * memory up to 128 KiB instead of written to a file and read back.
   * Not more: SQLite 3.40 then fails to spill a larger journal (a
   * rescoring says the disk is full; test-store's large-ingest). */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3_config (SQLITE_CONFIG_STMTJRNL_SPILL, 128 << 10);

  object_class->finalize = vigil_store_finalize;
}

static void
finalize_stmt (gpointer stmt)
{
  vigil_sql_finalize (stmt);
}

static void
vigil_store_init (VigilStore *self)
{
  self->feature_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->feature_names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->cached_stmts = g_hash_table_new_full (NULL, NULL, NULL, finalize_stmt);
  self->locked_sources = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
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
 * vigil_store_location_is_shared:
 * @location: what `--db` or `VIGIL_DB` names
 *
 * Whether @location names a team's book on PostgreSQL (design 1): a
 * connection URI (postgresql://… or postgres://…), or a libpq keyword
 * string, whose first word is a keyword and an equals sign
 * ("host=db dbname=cs"). Anything else names a file (./host=x names a
 * file of that name).
 */
gboolean
vigil_store_location_is_shared (const char *location)
{
  const char *p = location;

  g_return_val_if_fail (location != NULL, FALSE);

  if (g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://"))
    return TRUE;
  while (g_ascii_islower (*p) || *p == '_')
    p++;
  if (p == location)
    return FALSE;
  while (*p == ' ')
    p++;
  return *p == '=';
}

/**
 * vigil_store_is_shared:
 *
 * Returns: whether @self is a team's book on PostgreSQL, not a file
 */
gboolean
vigil_store_is_shared (VigilStore *self)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  return self->db != NULL && vigil_sql_get_engine (self->db) == VIGIL_SQL_ENGINE_POSTGRESQL;
}

/**
 * vigil_store_may_keep_book:
 * @out_may: (out): whether this connection keeps the book's derived
 *   state up to date
 *
 * design 1.1: trigger episodes, scores and the churn model are the
 * whole book's, kept by whoever polls it. A file is its one person's,
 * who keeps it; on a team's book the book's owner (the poller's role),
 * whom row-level security does not hold (the triggers are written with
 * COPY, which PostgreSQL refuses under it), and a CSM's, a manager's
 * or an ops' Vigil leaves them to the next poll rather than be refused.
 */
gboolean
vigil_store_may_keep_book (VigilStore  *self,
                           gboolean    *out_may,
                           GError     **error)
{
  gint64 may = 1;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_may != NULL, FALSE);

  if (vigil_store_is_shared (self) &&
      !_vigil_store_query_int (self,
                               "SELECT CASE WHEN has_table_privilege ('vigil.triggers', 'INSERT') "
                               "AND has_table_privilege ('vigil.meta', 'UPDATE') "
                               "AND NOT row_security_active ('vigil.triggers') THEN 1 ELSE 0 END",
                               &may, error))
    return FALSE;
  *out_may = may != 0;
  return TRUE;
}

/**
 * vigil_store_open:
 * @path: the database: a file, created with its folder if missing, or a
 *   team's book on PostgreSQL (vigil_store_location_is_shared())
 *
 * Opens a Vigil database, creating or migrating its schema. A file that
 * is not a Vigil database, or one written by a newer Vigil, is refused
 * and left unchanged; so is a PostgreSQL database whose schema vigil is
 * not Vigil's.
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
  VigilSqlStmt *stmt;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  /* On PostgreSQL the writers take the book's write lock, which SQLite's
   * BEGIN IMMEDIATE is: one writer at a time, the others wait for it
   * (lock_timeout, as long as SQLite's busy timeout). */
  if (vigil_store_is_shared (self))
    {
      if (!_vigil_store_exec_sql (self, "BEGIN", _("Starting to write"), error))
        return FALSE;
      if (!_vigil_store_exec_sql (self, "SELECT pg_advisory_xact_lock (" VIGIL_STORE_LOCK_BOOK ")",
                                  _("Starting to write"), error))
        {
          vigil_sql_exec (self->db, "ROLLBACK");
          return FALSE;
        }
      return TRUE;
    }
  if (!(stmt = _vigil_store_get_stmt (self, STMT_BEGIN, error)))
    return FALSE;
  return _vigil_store_step_done (self, stmt, _("Starting to write"), error);
}

gboolean
vigil_store_commit (VigilStore  *self,
                    GError     **error)
{
  VigilSqlStmt *stmt;

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

  if (vigil_sql_in_transaction (self->db))
    vigil_sql_exec (self->db, "ROLLBACK");

  /* Feature ids handed out in the transaction are gone with it. */
  _vigil_store_reload_features (self, NULL);
}

/* The store's maps of feature names and ids, as the features table has
 * them now. */
gboolean
_vigil_store_reload_features (VigilStore  *self,
                              GError     **error)
{
  g_hash_table_remove_all (self->feature_ids);
  g_hash_table_remove_all (self->feature_names);
  return load_features (self, error);
}

/* Feature name → id (GINT_TO_POINTER), as the store knows them. */
GHashTable *
_vigil_store_get_feature_ids (VigilStore *self)
{
  return self->feature_ids;
}

/* Whether any snapshot or raw observation is stored: the history a
 * bulk import must never put at risk. */
static gboolean
has_history (VigilStore  *self,
             gboolean    *out_history,
             GError     **error)
{
  gint64 history = 1;

  if (!_vigil_store_query_int (self,
                               "SELECT CASE WHEN EXISTS (SELECT 1 FROM snapshots) OR "
                               "EXISTS (SELECT 1 FROM observations) THEN 1 ELSE 0 END",
                               &history, error))
    return FALSE;
  *out_history = history != 0;
  return TRUE;
}

/* Sets the journal mode (outside any transaction) and says whether it
 * took: SQLite refuses to leave the WAL while another connection has the
 * file open, which is as it should be. SQLite only: design 2.5. */
static gboolean
set_journal_mode (VigilStore *self,
                  const char *mode)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA journal_mode = %s", mode);
  sqlite3_stmt *stmt = NULL;
  gboolean took = FALSE;

  /* A PRAGMA takes no parameters; @mode is one of our own constants. */
  if (sqlite3_prepare_v2 (vigil_sql_sqlite_handle (self->db), sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    took = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), mode) == 0;
  sqlite3_finalize (stmt);
  return took;
}

/* SQLite's cache for this connection, @kib KiB, or its usual size when
 * 0 (a PRAGMA: our own number, not data). SQLite only: design 7. */
void
_vigil_store_set_cache_size (VigilStore *self,
                             int         kib)
{
  g_autofree char *sql = NULL;

  /* SQLite only: a PostgreSQL server keeps its own cache. */
  if (vigil_store_is_shared (self))
    return;
  sql = g_strdup_printf ("PRAGMA cache_size = -%d", kib > 0 ? kib : CACHE_SIZE_KIB);
  sqlite3_exec (vigil_sql_sqlite_handle (self->db), sql, NULL, NULL, NULL);
}

/* design 2.5: back to the write-ahead log after a bulk import, whether
 * it was committed or rolled back. Should another connection be waiting
 * for the file just now, the switch waits for it (the busy timeout); if
 * it still fails, the next Vigil to open the file makes it. SQLite
 * only: design 2.5. */
void
_vigil_store_end_bulk (VigilStore *self)
{
  sqlite3 *db;

  if (vigil_store_is_shared (self))
    return;
  db = vigil_sql_sqlite_handle (self->db);

  if (!set_journal_mode (self, "wal"))
    g_debug ("%s stays in rollback-journal mode until it is next opened: %s",
             self->path, sqlite3_errmsg (db));
  sqlite3_exec (db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
}

/* design 2.5: starts the write transaction of an import. Into a
 * database without history (no snapshot, no raw observation) it is a
 * bulk import: written through SQLite's rollback journal rather than the
 * write-ahead log, so that its pages are written once, not once to the
 * log and again when the log is checkpointed into the database. Only
 * pages the database held before are copied to the journal, few when
 * there is no history, and the journal is synced before any of them is
 * overwritten (synchronous FULL): a crash or a kill anywhere leaves a hot
 * journal that the next connection to open the file rolls back, so the
 * database is as it was before the import, like after any failed write.
 *
 * The journal mode can change only when no other connection has the
 * file open (the window, another import); then the import goes through
 * the log as usual. While a bulk import runs, readers wait for it (the
 * busy timeout) instead of reading the database as it was: the empty
 * history they would have seen. *out_bulk says which way it went.
 * SQLite only: design 2.5 (its journal modes and PRAGMAs). */
gboolean
_vigil_store_begin_bulk (VigilStore  *self,
                         gboolean    *out_bulk,
                         GError     **error)
{
  gboolean history = TRUE;

  *out_bulk = FALSE;
  /* The journal is SQLite's: on PostgreSQL every import is written as
   * any other transaction (design 2.5). */
  if (vigil_store_is_shared (self))
    return vigil_store_begin (self, error);
  if (!has_history (self, &history, error))
    return FALSE;
  if (history || !set_journal_mode (self, "delete"))
    return vigil_store_begin (self, error);

  if (!_vigil_store_exec_sql (self, "PRAGMA synchronous = FULL", _("Starting to write"), error) ||
      !vigil_store_begin (self, error))
    {
      _vigil_store_end_bulk (self);
      return FALSE;
    }
  /* Another Vigil may have written history between the look and the
   * lock: then the log after all, which lets readers read meanwhile. */
  if (!has_history (self, &history, error))
    {
      vigil_store_rollback (self);
      _vigil_store_end_bulk (self);
      return FALSE;
    }
  if (history)
    {
      vigil_store_rollback (self);
      _vigil_store_end_bulk (self);
      return vigil_store_begin (self, error);
    }
  *out_bulk = TRUE;
  return TRUE;
}

/* design 2.5, 7: while a bulk import's merge writes the history, the
 * database's writes are made by a thread of their own (vigil-write-
 * behind.c), and SQLite does not check each row's customer: the merge
 * writes only rows of accounts the import resolved in this transaction
 * and deletes none, and the check opened a cursor on customers for
 * every row (9 % of the merge's instructions). Turned off, whatever
 * happened, references are checked again and every write is made; one
 * that failed fails this. SQLite only: a team's book is written by its
 * server. */
gboolean
_vigil_store_set_merging (VigilStore  *self,
                          gboolean     on,
                          GError     **error)
{
  sqlite3 *db;
  int rc;

  if (vigil_store_is_shared (self))
    return TRUE;
  db = vigil_sql_sqlite_handle (self->db);
  /* Unlike PRAGMA foreign_keys, honoured within a transaction; the
   * statements prepared before are prepared again, with or without
   * the check. */
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_FKEY, on ? 0 : 1, NULL);
  rc = vigil_write_behind_set (db, on);
  if (rc == SQLITE_OK || rc == SQLITE_NOTFOUND)
    return TRUE;
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
               _("Storing the history: cannot write %s: %s"), self->path, sqlite3_errstr (rc));
  return FALSE;
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
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (out_value != NULL, FALSE);

  if (!(stmt = _vigil_store_prepare (self, "SELECT value FROM meta WHERE key = ?1",
                                     _("Reading the database"), error)))
    return FALSE;
  vigil_sql_bind_text (stmt, 1, key, -1);
  rc = vigil_sql_step (stmt);
  *out_value = rc == VIGIL_SQL_ROW ? _vigil_store_column_strdup (stmt, 0) : NULL;
  return _vigil_store_finish_rows (self, stmt, rc, _("Reading the database"), error);
}

gboolean
vigil_store_set_meta (VigilStore  *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  VigilSqlStmt *stmt = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!(stmt = _vigil_store_prepare (self,
                                     "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                     _("Writing the database"), error)))
    return FALSE;
  vigil_sql_bind_text (stmt, 1, key, -1);
  _vigil_store_bind_text_or_null (stmt, 2, value);
  return _vigil_store_exec_prepared (self, stmt, _("Writing the database"), error);
}

/**
 * vigil_store_claim_meta:
 * @value: the value to set
 * @out_claimed: (out): whether this call set it
 *
 * Sets a setting of the database unless it holds @value already, in one
 * write transaction: of several Vigils that claim the same value at once
 * (a week's report, design 4), one sets it and the others find it set.
 */
gboolean
vigil_store_claim_meta (VigilStore  *self,
                        const char  *key,
                        const char  *value,
                        gboolean    *out_claimed,
                        GError     **error)
{
  g_autofree char *current = NULL;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);
  g_return_val_if_fail (out_claimed != NULL, FALSE);

  *out_claimed = FALSE;
  if (!vigil_store_begin (self, error))
    return FALSE;
  ok = vigil_store_get_meta (self, key, &current, error);
  if (ok && g_strcmp0 (current, value) != 0)
    ok = *out_claimed = vigil_store_set_meta (self, key, value, error);
  if (!_vigil_store_end_transaction (self, ok, error))
    {
      *out_claimed = FALSE;
      return FALSE;
    }
  return TRUE;
}

/* A team's book's password (design 2.4) ------------------------------------------- */

/* Whose password @location needs: the server, port, database and role
 * libpq resolves it to. */
static gboolean
resolve_server_account (const char          *location,
                        VigilServerAccount  *account,
                        char               **strings,
                        GError             **error)
{
  if (!vigil_store_location_is_shared (location))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("%s is a book in a file: it has no password, only a team's book on PostgreSQL has"),
                   location);
      return FALSE;
    }
#ifdef HAVE_POSTGRESQL
  if (!vigil_sql_pg_resolve_account (location, &strings[0], &strings[1], &strings[2], &strings[3], error))
    return FALSE;
  *account = (VigilServerAccount) { strings[0], strings[1], strings[2], strings[3] };
  return TRUE;
#else
  g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE, _("This Vigil was built without PostgreSQL"));
  return FALSE;
#endif
}

/**
 * vigil_store_keep_server_password:
 * @location: a team's book
 * @password: the password of the role @location connects as
 *
 * Keeps @password in the keyring for exactly the server, port, database
 * and role @location names (design 2.4), once the server has taken it:
 * one it refuses is not kept (the one kept before, if any, is gone).
 *
 * Returns: whether it was kept
 */
gboolean
vigil_store_keep_server_password (const char  *location,
                                  const char  *password,
                                  GError     **error)
{
  char *strings[4] = { NULL };
  VigilServerAccount account;
  gboolean ok = FALSE;

  g_return_val_if_fail (location != NULL && password != NULL, FALSE);

  if (resolve_server_account (location, &account, strings, error) &&
      vigil_secrets_store_server_password (&account, password, NULL, error))
    {
#ifdef HAVE_POSTGRESQL
      VigilSqlConnection *connection = vigil_sql_pg_connect (location, NULL, error);

      if (connection != NULL)
        {
          vigil_sql_close (connection);
          ok = TRUE;
        }
      else
        vigil_secrets_forget_server_password (&account, NULL, NULL);
#endif
    }
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    g_free (strings[i]);
  return ok;
}

/**
 * vigil_store_forget_server_password:
 *
 * Forgets the password the keyring keeps for @location's role; none
 * kept is not an error.
 */
gboolean
vigil_store_forget_server_password (const char  *location,
                                    GError     **error)
{
  char *strings[4] = { NULL };
  VigilServerAccount account;
  gboolean ok;

  g_return_val_if_fail (location != NULL, FALSE);

  ok = resolve_server_account (location, &account, strings, error) &&
       vigil_secrets_forget_server_password (&account, NULL, error);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    g_free (strings[i]);
  return ok;
}
