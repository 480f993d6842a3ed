/* vigil-sql-sqlite.c: the statement layer on SQLite
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <string.h>

#include "vigil-sql.h"

/* design 1: the calls that are not on the hot paths; the others are
 * inline in vigil-sql.h. On another engine each goes to its table of
 * calls (vigil-sql-pg.c). */

/* @db, opened by the store's SQLite-only code, as the layer's
 * connection: vigil_sql_close() closes it. */
VigilSqlConnection *
vigil_sql_sqlite_wrap (sqlite3 *db)
{
  VigilSqlConnection *connection = g_new0 (VigilSqlConnection, 1);

  connection->engine = VIGIL_SQL_ENGINE_SQLITE;
  connection->sqlite = db;
  return connection;
}

/* Prepares @sql, one of the store's own texts (never built from data);
 * %NULL when it cannot, with the reason in vigil_sql_error_code(). An
 * engine that prepares at the first step (PostgreSQL, whose parameters'
 * types are known only then) says so there. */
VigilSqlStmt *
vigil_sql_prepare (VigilSqlConnection   *connection,
                   const char           *sql,
                   VigilSqlPrepareFlags  flags)
{
  sqlite3_stmt *native = NULL;
  VigilSqlStmt *stmt;
  int rc;

  if (!VIGIL_SQL_IS_SQLITE (connection))
    return connection->calls->prepare (connection, sql);

  /* A statement kept for the life of the connection is told so: SQLite
   * then allocates it outside its lookaside memory, kept for short ones. */
  if (flags & VIGIL_SQL_KEEP)
    rc = sqlite3_prepare_v3 (connection->sqlite, sql, -1, SQLITE_PREPARE_PERSISTENT, &native, NULL);
  else
    rc = sqlite3_prepare_v2 (connection->sqlite, sql, -1, &native, NULL);
  /* on failure the connection says why */
  if (rc != SQLITE_OK)
    return NULL;
  stmt = g_new0 (VigilSqlStmt, 1);
  stmt->engine = VIGIL_SQL_ENGINE_SQLITE;
  stmt->sqlite = native;
  return stmt;
}

/* Frees @stmt; %NULL is nothing to free. */
void
vigil_sql_finalize (VigilSqlStmt *stmt)
{
  if (stmt == NULL)
    return;
  if (!VIGIL_SQL_IS_SQLITE (stmt))
    {
      stmt->calls->finalize (stmt);
      return;
    }
  sqlite3_finalize (stmt->sqlite);
  g_free (stmt);
}

/* Runs @sql, statements without parameters or rows (the store's own
 * texts); FALSE when one failed, with the reason in
 * vigil_sql_error_code(). */
gboolean
vigil_sql_exec (VigilSqlConnection *connection,
                const char         *sql)
{
  if (!VIGIL_SQL_IS_SQLITE (connection))
    return connection->calls->exec (connection, sql);
  return sqlite3_exec (connection->sqlite, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* Closes the connection, finalizing what is left of its statements'
 * work; %NULL is nothing to close. */
void
vigil_sql_close (VigilSqlConnection *connection)
{
  if (connection == NULL)
    return;
  if (!VIGIL_SQL_IS_SQLITE (connection))
    {
      connection->calls->close (connection);
      return;
    }
  sqlite3_close (connection->sqlite);
  g_free (connection);
}

/* What the last call on @connection that failed failed of. */
VigilSqlErrorCode
vigil_sql_error_code (VigilSqlConnection *connection)
{
  if (!VIGIL_SQL_IS_SQLITE (connection))
    return connection->calls->error_code (connection);

  /* The primary code: extended codes refine it. */
  switch (sqlite3_errcode (connection->sqlite) & 0xff)
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
  if (!VIGIL_SQL_IS_SQLITE (connection))
    return connection->calls->error_message (connection);
  return sqlite3_errmsg (connection->sqlite);
}

/* What kind of value column @column of the row holds. */
static VigilSqlType
column_type (VigilSqlStmt *stmt,
             int           column)
{
  if (!VIGIL_SQL_IS_SQLITE (stmt))
    return stmt->calls->column_type (stmt, column);
  switch (sqlite3_column_type (stmt->sqlite, column))
    {
    case SQLITE_INTEGER: return VIGIL_SQL_INT;
    case SQLITE_FLOAT: return VIGIL_SQL_DOUBLE;
    default: return VIGIL_SQL_TEXT;
    }
}

/**
 * vigil_sql_column_value_dup:
 *
 * A copy of column @column of the row @stmt is on, kept past its next
 * step, of its type on the engine (a NULL too): vigil_sql_bind_value()
 * binds it, vigil_sql_value_free() frees it.
 */
VigilSqlValue *
vigil_sql_column_value_dup (VigilSqlStmt *stmt,
                            int           column)
{
  VigilSqlValue *value = g_new0 (VigilSqlValue, 1);

  value->type = column_type (stmt, column);
  value->is_null = vigil_sql_column_is_null (stmt, column);
  if (value->is_null)
    return value;
  switch (value->type)
    {
    case VIGIL_SQL_INT:
      value->integer = vigil_sql_column_int64 (stmt, column);
      break;
    case VIGIL_SQL_DOUBLE:
      value->real = vigil_sql_column_double (stmt, column);
      break;
    case VIGIL_SQL_TEXT:
    default:
      {
        const char *text = vigil_sql_column_text (stmt, column);

        value->length = vigil_sql_column_bytes (stmt, column);
        value->text = g_malloc (value->length + 1);
        memcpy (value->text, text != NULL ? text : "", value->length);
        value->text[value->length] = '\0';
      }
    }
  return value;
}

void
vigil_sql_value_free (VigilSqlValue *value)
{
  if (value == NULL)
    return;
  g_free (value->text);
  g_free (value);
}
