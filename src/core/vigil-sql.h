/* vigil-sql.h: the statement layer the store's SQL goes through
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Private to src/core, never installed, never included by the UI: the
 * store's files prepare, bind, step and read their statements through
 * these calls only, so that one implementation of each store function
 * can run on more than one engine (design 1). The calls are
 * shaped like the ones the store made of SQLite before.
 *
 * On SQLite the layer costs nothing: a VigilSqlConnection is the sqlite3
 * connection and a VigilSqlStmt the sqlite3_stmt, and the calls on the
 * hot paths (bind, step, column, reset) are inline. Both types are
 * opaque to their users, so that another engine can give them a struct
 * of its own without a change outside vigil-sql*.{c,h}.
 *
 * Code that is SQLite's alone (the file, PRAGMAs, the write-ahead log,
 * bulk imports, the spool, the rescoring functions) reaches the native
 * handle with vigil_sql_sqlite_handle() and says "SQLite only". */

typedef struct _VigilSqlConnection VigilSqlConnection;
typedef struct _VigilSqlStmt VigilSqlStmt;
/* A copy of one column's value, any type, NULL included. */
typedef struct _VigilSqlValue VigilSqlValue;

/* What a step gave. */
typedef enum
{
  VIGIL_SQL_ERROR,    /* see vigil_sql_error_code() */
  VIGIL_SQL_ROW,      /* a row to read with vigil_sql_column_*() */
  VIGIL_SQL_DONE,     /* no more rows */
} VigilSqlStep;

/* The type of a NULL bound: an engine with typed parameters needs it. */
typedef enum
{
  VIGIL_SQL_INT,
  VIGIL_SQL_DOUBLE,
  VIGIL_SQL_TEXT,
} VigilSqlType;

/* vigil_sql_prepare() flags. */
typedef enum
{
  VIGIL_SQL_ONCE = 0,       /* prepared for one use, then finalized */
  VIGIL_SQL_KEEP = 1 << 0,  /* prepared once and kept for the life of the connection */
} VigilSqlPrepareFlags;

/* What went wrong in the last call that failed, as the store tells
 * its users (the messages live in _vigil_store_set_sqlite_error()). */
typedef enum
{
  VIGIL_SQL_FAILED,          /* anything else: the message says what */
  VIGIL_SQL_BUSY,            /* another writer held the lock past the wait */
  VIGIL_SQL_FULL,            /* the disk is full */
  VIGIL_SQL_READ_ONLY,       /* the database may not be written */
  VIGIL_SQL_NOT_A_DATABASE,  /* not a database, or a damaged one */
} VigilSqlErrorCode;

/* vigil-sql-sqlite.c */
VigilSqlConnection *vigil_sql_sqlite_wrap         (sqlite3            *db);
VigilSqlStmt       *vigil_sql_prepare             (VigilSqlConnection *connection,
                                                   const char         *sql,
                                                   VigilSqlPrepareFlags flags);
void                vigil_sql_finalize            (VigilSqlStmt       *stmt);
gboolean            vigil_sql_exec                (VigilSqlConnection *connection,
                                                   const char         *sql);
void                vigil_sql_close               (VigilSqlConnection *connection);
VigilSqlErrorCode   vigil_sql_error_code          (VigilSqlConnection *connection);
const char         *vigil_sql_error_message       (VigilSqlConnection *connection);
VigilSqlValue      *vigil_sql_column_value_dup    (VigilSqlStmt       *stmt,
                                                   int                 column);
void                vigil_sql_value_free          (VigilSqlValue      *value);

/* The native handles, for the code that is SQLite's alone. */
static inline sqlite3 *
vigil_sql_sqlite_handle (VigilSqlConnection *connection)
{
  return (sqlite3 *) connection;
}

static inline sqlite3_stmt *
vigil_sql_sqlite_stmt (VigilSqlStmt *stmt)
{
  return (sqlite3_stmt *) stmt;
}

/* Binds: @index counts from 1, as ?N does. */
static inline void
vigil_sql_bind_int64 (VigilSqlStmt *stmt,
                      int           index,
                      gint64        value)
{
  sqlite3_bind_int64 (vigil_sql_sqlite_stmt (stmt), index, value);
}

static inline void
vigil_sql_bind_double (VigilSqlStmt *stmt,
                       int           index,
                       double        value)
{
  sqlite3_bind_double (vigil_sql_sqlite_stmt (stmt), index, value);
}

/* @text (NULL binds a NULL) must stay as it is until the statement is
 * reset or bound again; @length in bytes, or -1 up to its NUL. */
static inline void
vigil_sql_bind_text (VigilSqlStmt *stmt,
                     int           index,
                     const char   *text,
                     gssize        length)
{
  sqlite3_bind_text (vigil_sql_sqlite_stmt (stmt), index, text, (int) length, SQLITE_STATIC);
}

/* The same, for a @text freed before the statement runs: a copy is bound. */
static inline void
vigil_sql_bind_text_copy (VigilSqlStmt *stmt,
                          int           index,
                          const char   *text,
                          gssize        length)
{
  sqlite3_bind_text (vigil_sql_sqlite_stmt (stmt), index, text, (int) length, SQLITE_TRANSIENT);
}

/* A NULL of @type (SQLite needs no type; an engine with typed
 * parameters does). */
static inline void
vigil_sql_bind_null (VigilSqlStmt *stmt,
                     int           index,
                     VigilSqlType  type)
{
  (void) type;
  sqlite3_bind_null (vigil_sql_sqlite_stmt (stmt), index);
}

/* @value as vigil_sql_column_value_dup() copied it; NULL binds a NULL. */
static inline void
vigil_sql_bind_value (VigilSqlStmt        *stmt,
                      int                  index,
                      const VigilSqlValue *value)
{
  if (value != NULL)
    sqlite3_bind_value (vigil_sql_sqlite_stmt (stmt), index, (const sqlite3_value *) value);
  else
    sqlite3_bind_null (vigil_sql_sqlite_stmt (stmt), index);
}

static inline int
vigil_sql_bind_parameter_count (VigilSqlStmt *stmt)
{
  return sqlite3_bind_parameter_count (vigil_sql_sqlite_stmt (stmt));
}

static inline VigilSqlStep
vigil_sql_step (VigilSqlStmt *stmt)
{
  int rc = sqlite3_step (vigil_sql_sqlite_stmt (stmt));

  if (rc == SQLITE_ROW)
    return VIGIL_SQL_ROW;
  if (rc == SQLITE_DONE)
    return VIGIL_SQL_DONE;
  return VIGIL_SQL_ERROR;
}

/* Columns of the row a step gave, counted from 0. */
static inline gboolean
vigil_sql_column_is_null (VigilSqlStmt *stmt,
                          int           column)
{
  return sqlite3_column_type (vigil_sql_sqlite_stmt (stmt), column) == SQLITE_NULL;
}

static inline gint64
vigil_sql_column_int64 (VigilSqlStmt *stmt,
                        int           column)
{
  return sqlite3_column_int64 (vigil_sql_sqlite_stmt (stmt), column);
}

static inline double
vigil_sql_column_double (VigilSqlStmt *stmt,
                         int           column)
{
  return sqlite3_column_double (vigil_sql_sqlite_stmt (stmt), column);
}

/* NULL for a NULL; valid until the next step, reset or finalize. */
static inline const char *
vigil_sql_column_text (VigilSqlStmt *stmt,
                       int           column)
{
  return (const char *) sqlite3_column_text (vigil_sql_sqlite_stmt (stmt), column);
}

/* The length in bytes of vigil_sql_column_text(), asked after it. */
static inline gsize
vigil_sql_column_bytes (VigilSqlStmt *stmt,
                        int           column)
{
  return (gsize) sqlite3_column_bytes (vigil_sql_sqlite_stmt (stmt), column);
}

static inline gboolean
vigil_sql_value_is_null (const VigilSqlValue *value)
{
  return value == NULL || sqlite3_value_type ((sqlite3_value *) value) == SQLITE_NULL;
}

/* Back to before the first step; the bindings stay. */
static inline void
vigil_sql_reset (VigilSqlStmt *stmt)
{
  sqlite3_reset (vigil_sql_sqlite_stmt (stmt));
}

/* Back to before the first step, every parameter NULL again: a kept
 * statement as it is handed out for another use. */
static inline void
vigil_sql_reset_unbound (VigilSqlStmt *stmt)
{
  sqlite3_reset (vigil_sql_sqlite_stmt (stmt));
  sqlite3_clear_bindings (vigil_sql_sqlite_stmt (stmt));
}

/* Rows the last INSERT, UPDATE or DELETE changed. */
static inline gint64
vigil_sql_changes (VigilSqlConnection *connection)
{
  return sqlite3_changes64 (vigil_sql_sqlite_handle (connection));
}

/* The id the last INSERT gave its row. */
static inline gint64
vigil_sql_last_insert_rowid (VigilSqlConnection *connection)
{
  return sqlite3_last_insert_rowid (vigil_sql_sqlite_handle (connection));
}

static inline gboolean
vigil_sql_in_transaction (VigilSqlConnection *connection)
{
  return !sqlite3_get_autocommit (vigil_sql_sqlite_handle (connection));
}

G_END_DECLS
