/* vigil-sql-sqlite.c: the statement layer on SQLite
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include "vigil-sql.h"

/* design 1: the calls that are not on the hot paths; the others are
 * inline in vigil-sql.h. A VigilSqlConnection is the sqlite3 connection,
 * a VigilSqlStmt the sqlite3_stmt, a VigilSqlValue a sqlite3_value. */

/* @db, opened by the store's SQLite-only code, as the layer's
 * connection: vigil_sql_close() closes it. */
VigilSqlConnection *
vigil_sql_sqlite_wrap (sqlite3 *db)
{
  return (VigilSqlConnection *) db;
}

/* Prepares @sql, one of the store's own texts (never built from data);
 * %NULL when it cannot, with the reason in vigil_sql_error_code(). */
VigilSqlStmt *
vigil_sql_prepare (VigilSqlConnection   *connection,
                   const char           *sql,
                   VigilSqlPrepareFlags  flags)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* A statement kept for the life of the connection is told so: SQLite
   * then allocates it outside its lookaside memory, kept for short ones. */
  if (flags & VIGIL_SQL_KEEP)
    rc = sqlite3_prepare_v3 (vigil_sql_sqlite_handle (connection), sql, -1,
                             SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  else
    rc = sqlite3_prepare_v2 (vigil_sql_sqlite_handle (connection), sql, -1, &stmt, NULL);
  /* on failure @stmt is NULL, and the connection says why */
  return rc == SQLITE_OK ? (VigilSqlStmt *) stmt : NULL;
}

/* Frees @stmt; %NULL is nothing to free. */
void
vigil_sql_finalize (VigilSqlStmt *stmt)
{
  sqlite3_finalize (vigil_sql_sqlite_stmt (stmt));
}

/* Runs @sql, statements without parameters or rows (the store's own
 * texts); FALSE when one failed, with the reason in
 * vigil_sql_error_code(). */
gboolean
vigil_sql_exec (VigilSqlConnection *connection,
                const char         *sql)
{
  return sqlite3_exec (vigil_sql_sqlite_handle (connection), sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* Closes the connection, finalizing what is left of its statements'
 * work; %NULL is nothing to close. */
void
vigil_sql_close (VigilSqlConnection *connection)
{
  sqlite3_close (vigil_sql_sqlite_handle (connection));
}

/* What the last call on @connection that failed failed of. */
VigilSqlErrorCode
vigil_sql_error_code (VigilSqlConnection *connection)
{
  /* The primary code: extended codes refine it. */
  switch (sqlite3_errcode (vigil_sql_sqlite_handle (connection)) & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return VIGIL_SQL_BUSY;
    case SQLITE_FULL:
      return VIGIL_SQL_FULL;
    case SQLITE_READONLY:
      return VIGIL_SQL_READ_ONLY;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return VIGIL_SQL_NOT_A_DATABASE;
    default:
      return VIGIL_SQL_FAILED;
    }
}

/* The engine's words for the last failure on @connection. */
const char *
vigil_sql_error_message (VigilSqlConnection *connection)
{
  return sqlite3_errmsg (vigil_sql_sqlite_handle (connection));
}

/* A copy of column @column of the row @stmt is on, kept past its next
 * step: vigil_sql_bind_value() binds it, vigil_sql_value_free() frees
 * it. %NULL when out of memory, which binds as a NULL. */
VigilSqlValue *
vigil_sql_column_value_dup (VigilSqlStmt *stmt,
                            int           column)
{
  return (VigilSqlValue *) sqlite3_value_dup (sqlite3_column_value (vigil_sql_sqlite_stmt (stmt), column));
}

void
vigil_sql_value_free (VigilSqlValue *value)
{
  sqlite3_value_free ((sqlite3_value *) value);
}
