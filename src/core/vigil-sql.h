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
 * runs on both engines, SQLite and PostgreSQL (design 1). The calls are
 * shaped like the ones the store made of SQLite before.
 *
 * On SQLite the layer costs next to nothing: a connection and a
 * statement hold the sqlite3 handles, and the calls on the hot paths
 * (bind, step, column, reset) are inline, one well-predicted test of the
 * engine before SQLite's own call. PostgreSQL's are in vigil-sql-pg.c.
 *
 * Code that is SQLite's alone (the file, PRAGMAs, the write-ahead log,
 * bulk imports, the spool, the rescoring functions) reaches the native
 * handle with vigil_sql_sqlite_handle() and says "SQLite only". */

typedef enum
{
  VIGIL_SQL_ENGINE_SQLITE,
  VIGIL_SQL_ENGINE_POSTGRESQL,
} VigilSqlEngine;

/* The first member of each engine's connection and statement. */
typedef struct _VigilSqlCalls VigilSqlCalls;

typedef struct _VigilSqlConnection
{
  VigilSqlEngine       engine;
  sqlite3             *sqlite;  /* SQLite's; NULL on another engine */
  const VigilSqlCalls *calls;   /* another engine's; NULL on SQLite */
} VigilSqlConnection;

typedef struct _VigilSqlStmt
{
  VigilSqlEngine       engine;
  sqlite3_stmt        *sqlite;
  const VigilSqlCalls *calls;
} VigilSqlStmt;

/* The type of a value, and of a NULL bound: an engine with typed
 * parameters needs it. */
typedef enum
{
  VIGIL_SQL_INT,
  VIGIL_SQL_DOUBLE,
  VIGIL_SQL_TEXT,
} VigilSqlType;

/* A copy of one column's value, any type, NULL included. */
typedef struct _VigilSqlValue
{
  gboolean      is_null;
  VigilSqlType  type;
  gint64        integer;
  double        real;
  char         *text;    /* NUL-terminated, @length bytes before it */
  gsize         length;
} VigilSqlValue;

/* What a step gave. */
typedef enum
{
  VIGIL_SQL_ERROR,    /* see vigil_sql_error_code() */
  VIGIL_SQL_ROW,      /* a row to read with vigil_sql_column_*() */
  VIGIL_SQL_DONE,     /* no more rows */
} VigilSqlStep;

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
  VIGIL_SQL_REFUSED,         /* the role may not change that table (design 1.1) */
  VIGIL_SQL_REFUSED_ROW,     /* the role may not change that customer's row (design 1.1) */
} VigilSqlErrorCode;

/* vigil-sql-sqlite.c */
VigilSqlConnection *vigil_sql_sqlite_wrap         (sqlite3            *db);

/* The calls of an engine other than SQLite, which the ones below make
 * through its connection's and statements' table (vigil-sql-pg.c). */
struct _VigilSqlCalls
{
  VigilSqlStmt     *(*prepare)               (VigilSqlConnection *connection,
                                              const char         *sql);
  void              (*finalize)              (VigilSqlStmt       *stmt);
  gboolean          (*exec)                  (VigilSqlConnection *connection,
                                              const char         *sql);
  void              (*close)                 (VigilSqlConnection *connection);
  VigilSqlErrorCode (*error_code)            (VigilSqlConnection *connection);
  const char       *(*error_message)         (VigilSqlConnection *connection);
  gint64            (*changes)               (VigilSqlConnection *connection);
  gboolean          (*in_transaction)        (VigilSqlConnection *connection);
  void              (*bind_int64)            (VigilSqlStmt       *stmt,
                                              int                 index,
                                              gint64              value);
  void              (*bind_double)           (VigilSqlStmt       *stmt,
                                              int                 index,
                                              double              value);
  void              (*bind_text)             (VigilSqlStmt       *stmt,
                                              int                 index,
                                              const char         *text,
                                              gssize              length);
  void              (*bind_null)             (VigilSqlStmt       *stmt,
                                              int                 index,
                                              VigilSqlType        type);
  int               (*bind_parameter_count)  (VigilSqlStmt       *stmt);
  VigilSqlStep      (*step)                  (VigilSqlStmt       *stmt);
  VigilSqlStep      (*step_queued)           (VigilSqlStmt       *stmt);
  gboolean          (*column_is_null)        (VigilSqlStmt       *stmt,
                                              int                 column);
  gint64            (*column_int64)          (VigilSqlStmt       *stmt,
                                              int                 column);
  double            (*column_double)         (VigilSqlStmt       *stmt,
                                              int                 column);
  const char       *(*column_text)           (VigilSqlStmt       *stmt,
                                              int                 column);
  gsize             (*column_bytes)          (VigilSqlStmt       *stmt,
                                              int                 column);
  VigilSqlType      (*column_type)           (VigilSqlStmt       *stmt,
                                              int                 column);
  void              (*reset)                 (VigilSqlStmt       *stmt);
  void              (*reset_unbound)         (VigilSqlStmt       *stmt);
};

#ifdef HAVE_POSTGRESQL
/* vigil-sql-pg.c */
gboolean            vigil_sql_pg_resolve_account (const char  *location,
                                                  char       **out_host,
                                                  char       **out_port,
                                                  char       **out_dbname,
                                                  char       **out_user,
                                                  GError     **error);
VigilSqlConnection *vigil_sql_pg_connect     (const char  *location,
                                              const char  *schema,
                                              GError     **error);
char               *_vigil_sql_pg_translate  (const char  *sql,
                                              int         *out_n_params);
/* Rows sent to the server by COPY … FROM STDIN in its text format, for
 * the writes of many rows: begin with the COPY statement, put lines,
 * end (FALSE, with the reason in vigil_sql_error_code(), on failure). */
gboolean            vigil_sql_pg_copy_begin  (VigilSqlConnection *connection,
                                              const char         *sql);
gboolean            vigil_sql_pg_copy_put    (VigilSqlConnection *connection,
                                              const char         *data,
                                              gsize               length);
gboolean            vigil_sql_pg_copy_end    (VigilSqlConnection *connection);
void                vigil_sql_pg_copy_append_text (GString    *line,
                                                   const char *text);
/* The same rows in COPY's binary format (… FROM STDIN (FORMAT binary)):
 * a header, each row its count of columns then its columns, a trailer. */
void                vigil_sql_pg_copy_binary_header  (GString    *data);
void                vigil_sql_pg_copy_binary_row     (GString    *data,
                                                      int         n_columns);
void                vigil_sql_pg_copy_binary_int64   (GString    *data,
                                                      gint64      value);
void                vigil_sql_pg_copy_binary_double  (GString    *data,
                                                      double      value);
void                vigil_sql_pg_copy_binary_text    (GString    *data,
                                                      const char *text);
void                vigil_sql_pg_copy_binary_text_len (GString    *data,
                                                       const char *text,
                                                       gssize      length);
void                vigil_sql_pg_copy_binary_null    (GString    *data);
void                vigil_sql_pg_copy_binary_trailer (GString    *data);
/* Rows received by COPY … TO STDOUT, a line at a time, for the reads
 * of many rows: begin with the COPY statement, take lines until NULL,
 * end (FALSE on failure, as above). */
gboolean            vigil_sql_pg_copy_out_begin (VigilSqlConnection *connection,
                                                 const char         *sql);
const char         *vigil_sql_pg_copy_out_line  (VigilSqlConnection *connection,
                                                 gsize              *out_length);
gboolean            vigil_sql_pg_copy_out_end   (VigilSqlConnection *connection);
guint               _vigil_sql_pg_statements_sent (void);
/* What the server sends unasked: the notifications of a LISTEN. */
const char         *_vigil_sql_pg_writer_id  (void);
int                 vigil_sql_pg_get_socket  (VigilSqlConnection *connection);
gboolean            vigil_sql_pg_take_notifications (VigilSqlConnection *connection,
                                                     guint              *out_others,
                                                     GPtrArray          *out_tables);
#endif

/* Both engines: vigil-sql-sqlite.c. */
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

static inline VigilSqlEngine
vigil_sql_get_engine (VigilSqlConnection *connection)
{
  return connection->engine;
}

/* The native handles, for the code that is SQLite's alone. */
static inline sqlite3 *
vigil_sql_sqlite_handle (VigilSqlConnection *connection)
{
  g_assert (connection->engine == VIGIL_SQL_ENGINE_SQLITE);
  return connection->sqlite;
}

static inline sqlite3_stmt *
vigil_sql_sqlite_stmt (VigilSqlStmt *stmt)
{
  g_assert (stmt->engine == VIGIL_SQL_ENGINE_SQLITE);
  return stmt->sqlite;
}

#define VIGIL_SQL_IS_SQLITE(object) G_LIKELY ((object)->engine == VIGIL_SQL_ENGINE_SQLITE)

/* Binds: @index counts from 1, as ?N does. */
static inline void
vigil_sql_bind_int64 (VigilSqlStmt *stmt,
                      int           index,
                      gint64        value)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    sqlite3_bind_int64 (stmt->sqlite, index, value);
  else
    stmt->calls->bind_int64 (stmt, index, value);
}

static inline void
vigil_sql_bind_double (VigilSqlStmt *stmt,
                       int           index,
                       double        value)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    sqlite3_bind_double (stmt->sqlite, index, value);
  else
    stmt->calls->bind_double (stmt, index, value);
}

/* @text (NULL binds a NULL) must stay as it is until the statement is
 * reset or bound again; @length in bytes, or -1 up to its NUL. */
static inline void
vigil_sql_bind_text (VigilSqlStmt *stmt,
                     int           index,
                     const char   *text,
                     gssize        length)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    sqlite3_bind_text (stmt->sqlite, index, text, (int) length, SQLITE_STATIC);
  else
    stmt->calls->bind_text (stmt, index, text, length);
}

/* The same, for a @text freed before the statement runs: a copy is bound. */
static inline void
vigil_sql_bind_text_copy (VigilSqlStmt *stmt,
                          int           index,
                          const char   *text,
                          gssize        length)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    sqlite3_bind_text (stmt->sqlite, index, text, (int) length, SQLITE_TRANSIENT);
  else
    stmt->calls->bind_text (stmt, index, text, length);
}

/* A NULL of @type (SQLite needs no type; PostgreSQL does). */
static inline void
vigil_sql_bind_null (VigilSqlStmt *stmt,
                     int           index,
                     VigilSqlType  type)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    sqlite3_bind_null (stmt->sqlite, index);
  else
    stmt->calls->bind_null (stmt, index, type);
}

/* @value as vigil_sql_column_value_dup() copied it; NULL binds a NULL
 * (of text: an engine with typed parameters needs a type). */
static inline void
vigil_sql_bind_value (VigilSqlStmt        *stmt,
                      int                  index,
                      const VigilSqlValue *value)
{
  if (value == NULL)
    vigil_sql_bind_null (stmt, index, VIGIL_SQL_TEXT);
  else if (value->is_null)
    vigil_sql_bind_null (stmt, index, value->type);
  else if (value->type == VIGIL_SQL_INT)
    vigil_sql_bind_int64 (stmt, index, value->integer);
  else if (value->type == VIGIL_SQL_DOUBLE)
    vigil_sql_bind_double (stmt, index, value->real);
  else
    vigil_sql_bind_text (stmt, index, value->text, (gssize) value->length);
}

static inline int
vigil_sql_bind_parameter_count (VigilSqlStmt *stmt)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    return sqlite3_bind_parameter_count (stmt->sqlite);
  return stmt->calls->bind_parameter_count (stmt);
}

static inline VigilSqlStep
vigil_sql_step (VigilSqlStmt *stmt)
{
  int rc;

  if (!VIGIL_SQL_IS_SQLITE (stmt))
    return stmt->calls->step (stmt);
  rc = sqlite3_step (stmt->sqlite);
  if (rc == SQLITE_ROW)
    return VIGIL_SQL_ROW;
  if (rc == SQLITE_DONE)
    return VIGIL_SQL_DONE;
  return VIGIL_SQL_ERROR;
}

/* A step of a write whose result is not read (no rows, no changes
 * asked), in a transaction: on SQLite the step itself; on PostgreSQL it
 * may be queued (libpq's pipeline mode) and sent with the writes after
 * it, a round trip for a few hundred. Its failure may so be told by a
 * later call on the connection (a step, an exec, the COMMIT), which
 * then fails with its message: the transaction fails either way. Never
 * for a write that may fail without failing the transaction (in a
 * savepoint). DONE or ERROR; ROW where it ran at once and gave one. */
static inline VigilSqlStep
vigil_sql_step_queued (VigilSqlStmt *stmt)
{
  if (!VIGIL_SQL_IS_SQLITE (stmt))
    return stmt->calls->step_queued (stmt);
  return vigil_sql_step (stmt);
}

/* Columns of the row a step gave, counted from 0. */
static inline gboolean
vigil_sql_column_is_null (VigilSqlStmt *stmt,
                          int           column)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    return sqlite3_column_type (stmt->sqlite, column) == SQLITE_NULL;
  return stmt->calls->column_is_null (stmt, column);
}

static inline gint64
vigil_sql_column_int64 (VigilSqlStmt *stmt,
                        int           column)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    return sqlite3_column_int64 (stmt->sqlite, column);
  return stmt->calls->column_int64 (stmt, column);
}

static inline double
vigil_sql_column_double (VigilSqlStmt *stmt,
                         int           column)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    return sqlite3_column_double (stmt->sqlite, column);
  return stmt->calls->column_double (stmt, column);
}

/* NULL for a NULL; valid until the next step, reset or finalize. */
static inline const char *
vigil_sql_column_text (VigilSqlStmt *stmt,
                       int           column)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    return (const char *) sqlite3_column_text (stmt->sqlite, column);
  return stmt->calls->column_text (stmt, column);
}

/* The length in bytes of vigil_sql_column_text(), asked after it. */
static inline gsize
vigil_sql_column_bytes (VigilSqlStmt *stmt,
                        int           column)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    return (gsize) sqlite3_column_bytes (stmt->sqlite, column);
  return stmt->calls->column_bytes (stmt, column);
}

static inline gboolean
vigil_sql_value_is_null (const VigilSqlValue *value)
{
  return value == NULL || value->is_null;
}

/* Back to before the first step; the bindings stay. */
static inline void
vigil_sql_reset (VigilSqlStmt *stmt)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    sqlite3_reset (stmt->sqlite);
  else
    stmt->calls->reset (stmt);
}

/* Back to before the first step, every parameter NULL again: a kept
 * statement as it is handed out for another use. */
static inline void
vigil_sql_reset_unbound (VigilSqlStmt *stmt)
{
  if (VIGIL_SQL_IS_SQLITE (stmt))
    {
      sqlite3_reset (stmt->sqlite);
      sqlite3_clear_bindings (stmt->sqlite);
    }
  else
    stmt->calls->reset_unbound (stmt);
}

/* Rows the last INSERT, UPDATE or DELETE changed. */
static inline gint64
vigil_sql_changes (VigilSqlConnection *connection)
{
  if (VIGIL_SQL_IS_SQLITE (connection))
    return sqlite3_changes64 (connection->sqlite);
  return connection->calls->changes (connection);
}

static inline gboolean
vigil_sql_in_transaction (VigilSqlConnection *connection)
{
  if (VIGIL_SQL_IS_SQLITE (connection))
    return !sqlite3_get_autocommit (connection->sqlite);
  return connection->calls->in_transaction (connection);
}

G_END_DECLS
