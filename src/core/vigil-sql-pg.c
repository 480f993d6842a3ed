/* vigil-sql-pg.c: the statement layer on PostgreSQL (libpq)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsecret/secret.h>

#include "vigil-error.h"
#include "vigil-secrets.h"
#include "vigil-sql.h"

/* design 1: the store's statements, written once in the SQL both
 * engines accept (HACKING.md), run here as libpq's prepared statements:
 *
 * - The texts' ?N and ? placeholders become $N (translate()), once per
 *   text and connection.
 * - Every parameter is typed (int8, float8, text, NULLs too: the store
 *   says which) and sent in binary, so that no value goes through a
 *   text form, and the server never has to guess a parameter's type
 *   ("?1 IS NULL OR owner = ?1" has none to guess from).
 * - A statement is prepared on the server at its first step, when its
 *   parameters' types are known, once per text and types.
 * - A step runs the statement and keeps its whole result; the steps
 *   after walk its rows. Statements on one connection may so be stepped
 *   in turn, as the store does on SQLite.
 * - Results come as text: one parser reads int2, int4, int8, numeric
 *   and bool alike, and PostgreSQL 15 prints a double in its shortest
 *   form that reads back exactly.
 */

/* The types of pg_type the layer meets; they are fixed by PostgreSQL. */
#define BOOLOID    16
#define INT8OID    20
#define INT2OID    21
#define INT4OID    23
#define TEXTOID    25
#define FLOAT4OID  700
#define FLOAT8OID  701
#define NUMERICOID 1700

typedef struct
{
  VigilSqlConnection  parent;
  PGconn             *conn;
  GHashTable         *translations;  /* store text → Translation */
  GHashTable         *prepared;      /* types + text → server-side name */
  guint               next_name;
  gint64              changes;
  guint               queued;        /* statements sent in pipeline mode, not yet read */
  char               *copy_line;     /* the row COPY … TO STDOUT gave last */
  char                sqlstate[6];
  gboolean            row_policy;  /* the failure was a row-level security check's */
  char               *message;
} PgConnection;

typedef struct
{
  char *text;      /* with $N */
  int   n_params;
} Translation;

/* A parameter as it is sent: binary, typed. */
typedef struct
{
  Oid    type;       /* 0 until bound: sent as an untyped NULL */
  char  *value;      /* NULL for a NULL */
  int    length;
  guint8 number[8];  /* the big-endian bytes of an int8 or float8 */
} PgParam;

typedef struct
{
  VigilSqlStmt       parent;
  PgConnection      *connection;
  const Translation *translation;
  PgParam           *params;
  const char        *name;        /* the server's, for the types in name_types */
  Oid               *name_types;
  PGresult          *result;  /* of the last run, until reset */
  int                row;     /* the row a step is on */
} PgStmt;

static inline PgConnection *
pg_connection (VigilSqlConnection *connection)
{
  return (PgConnection *) connection;
}

static inline PgStmt *
pg_stmt (VigilSqlStmt *stmt)
{
  return (PgStmt *) stmt;
}

static const VigilSqlCalls pg_calls;

static gboolean pipeline_drain (PgConnection *self);

/* Errors ------------------------------------------------------------------ */

static void
set_failure (PgConnection *self,
             const char   *sqlstate,
             const char   *message)
{
  g_strlcpy (self->sqlstate, sqlstate != NULL ? sqlstate : "", sizeof self->sqlstate);
  self->row_policy = FALSE;
  g_free (self->message);
  self->message = g_strdup (message != NULL && *message != '\0' ? message : PQerrorMessage (self->conn));
  g_strchomp (self->message);
}

/* The failure of @result (or of the connection, when there is no result). */
static void
set_result_failure (PgConnection   *self,
                    const PGresult *result)
{
  if (result == NULL)
    {
      set_failure (self, "08006", NULL);
      return;
    }
  set_failure (self, PQresultErrorField (result, PG_DIAG_SQLSTATE),
               PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY));
  /* design 1.1: a row a policy refused, told from a table the role may
   * not change (both 42501) by the server's function that raised it,
   * which no translation of the server's messages changes. */
  self->row_policy = g_strcmp0 (PQresultErrorField (result, PG_DIAG_SOURCE_FUNCTION),
                                "ExecWithCheckOptions") == 0;
}

static VigilSqlErrorCode
pg_error_code (VigilSqlConnection *connection)
{
  const char *state = pg_connection (connection)->sqlstate;

  /* Lock waits that ran out, deadlocks and serialization failures: the
   * store's "another writer held the lock". */
  if (g_str_equal (state, "55P03") || g_str_equal (state, "40P01") || g_str_equal (state, "40001"))
    return VIGIL_SQL_BUSY;
  if (g_str_equal (state, "53100"))
    return VIGIL_SQL_FULL;
  if (g_str_equal (state, "25006"))
    return VIGIL_SQL_READ_ONLY;
  /* insufficient_privilege: a grant or a row-level policy said no */
  if (g_str_equal (state, "42501"))
    return pg_connection (connection)->row_policy ? VIGIL_SQL_REFUSED_ROW : VIGIL_SQL_REFUSED;
  return VIGIL_SQL_FAILED;
}

static const char *
pg_error_message (VigilSqlConnection *connection)
{
  PgConnection *self = pg_connection (connection);

  return self->message != NULL ? self->message : "";
}

/* Placeholders ------------------------------------------------------------ */

/**
 * _vigil_sql_pg_translate:
 * @sql: one of the store's texts, with ?N or bare ? placeholders
 * @out_n_params: (out): how many parameters it takes
 *
 * @sql with $N for its placeholders: ?N as $N, a bare ? as the next
 * number, as SQLite counts them. What is quoted ('…' strings, "…"
 * names) and comments are left as they are.
 *
 * Returns: (transfer full): the text libpq prepares
 */
char *
_vigil_sql_pg_translate (const char *sql,
                         int        *out_n_params)
{
  GString *out = g_string_sized_new (strlen (sql) + 16);
  int highest = 0;

  for (const char *p = sql; *p != '\0';)
    {
      if (*p == '\'' || *p == '"')
        {
          /* to the closing quote; a doubled one is a quote inside */
          char quote = *p;
          const char *end = p + 1;

          for (;;)
            {
              while (*end != '\0' && *end != quote)
                end++;
              if (*end == quote && end[1] == quote)
                end += 2;
              else
                break;
            }
          if (*end == quote)
            end++;
          g_string_append_len (out, p, end - p);
          p = end;
        }
      else if (p[0] == '-' && p[1] == '-')
        {
          const char *end = strchr (p, '\n');

          end = end != NULL ? end : p + strlen (p);
          g_string_append_len (out, p, end - p);
          p = end;
        }
      else if (*p == '?')
        {
          int number;

          p++;
          if (g_ascii_isdigit (*p))
            {
              number = 0;
              while (g_ascii_isdigit (*p) && number < 100000)
                number = number * 10 + (*p++ - '0');
            }
          else
            number = highest + 1;
          highest = MAX (highest, number);
          g_string_append_printf (out, "$%d", number);
        }
      else
        g_string_append_c (out, *p++);
    }
  *out_n_params = highest;
  return g_string_free (out, FALSE);
}

static void
translation_free (Translation *translation)
{
  g_free (translation->text);
  g_free (translation);
}

/* Connections --------------------------------------------------------------- */

/**
 * _vigil_sql_pg_writer_id:
 *
 * What names this process to the book's other readers: its host and
 * process id, in the characters a server option may hold unescaped.
 * Every connection of the process sets it as vigil.writer, which the
 * book's triggers send with each commit's notification (design 1), so
 * that a process can tell its own commits from others'.
 *
 * Returns: (transfer none): the id, the same for the life of the process
 */
const char *
_vigil_sql_pg_writer_id (void)
{
  static char *id;

  if (g_once_init_enter (&id))
    {
      GString *text = g_string_new (NULL);

      for (const char *c = g_get_host_name (); *c != '\0'; c++)
        g_string_append_c (text, g_ascii_isalnum (*c) || *c == '.' || *c == '-' ? *c : '_');
      g_string_append_printf (text, ":%d", (int) getpid ());
      g_once_init_leave (&id, g_string_free (text, FALSE));
    }
  return id;
}

/* A location's keywords with Vigil's own added: its name in the server's
 * views, and times in UTC (the store keeps Unix seconds and days; a
 * session's time zone must not move them). */
static gboolean
connection_options (const char   *location,
                    const char   *schema,
                    GPtrArray    *keywords,
                    GPtrArray    *values,
                    GError      **error)
{
  g_autofree char *parse_error = NULL;
  PQconninfoOption *options = PQconninfoParse (location, &parse_error);
  gboolean named = FALSE;

  if (options == NULL)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("“%s” is not a PostgreSQL location: %s"), location,
                   parse_error != NULL ? g_strchomp (parse_error) : _("it could not be read"));
      if (parse_error != NULL)
        PQfreemem (g_steal_pointer (&parse_error));
      return FALSE;
    }
  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    {
      if (option->val == NULL)
        continue;
      /* A password kept in a location ends up in shell histories and
       * settings: ~/.pgpass or the keyring hold it (design 2.4). */
      if (g_str_equal (option->keyword, "password") && *option->val != '\0')
        {
          g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                               _("A PostgreSQL location must not hold a password: keep it in ~/.pgpass "
                                 "or the keyring instead"));
          PQconninfoFree (options);
          return FALSE;
        }
      named |= g_str_equal (option->keyword, "application_name");
      g_ptr_array_add (keywords, g_strdup (option->keyword));
      g_ptr_array_add (values, g_strdup (option->val));
    }
  PQconninfoFree (options);
  if (!named)
    {
      g_ptr_array_add (keywords, g_strdup ("application_name"));
      g_ptr_array_add (values, g_strdup ("vigil"));
    }
  g_ptr_array_add (keywords, g_strdup ("options"));
  /* pg_temp last: no one's temporary table or function is taken for
   * one of Vigil's. */
  /* A lock another session holds is waited for 30 s, as SQLite's busy
   * timeout waits: then "busy". */
  /* vigil.writer names this process in the notifications its commits
   * send (vigil_sql_pg_take_notifications()). */
  /* No JIT: Vigil's big reads are a few index lookups a customer, whose
   * expressions the server compiled each time at more cost than running
   * them (design 1: the triggers' read after a poll, 0.3 s, took 4 s on
   * a book polled three times, 3.7 s of it compiling). */
  g_ptr_array_add (values, schema != NULL
                   ? g_strdup_printf ("-c TimeZone=UTC -c lock_timeout=30s -c jit=off -c vigil.writer=%s "
                                      "-c search_path=%s,pg_temp", _vigil_sql_pg_writer_id (), schema)
                   : g_strdup_printf ("-c TimeZone=UTC -c lock_timeout=30s -c jit=off -c vigil.writer=%s",
                                      _vigil_sql_pg_writer_id ()));
  g_ptr_array_add (keywords, g_strdup ("client_encoding"));
  g_ptr_array_add (values, g_strdup ("UTF8"));
  g_ptr_array_add (keywords, NULL);
  g_ptr_array_add (values, NULL);
  return TRUE;
}

static void
log_notice (void       *data,
            const char *message)
{
  g_debug ("PostgreSQL: %s", message);
}

static VigilSqlConnection *wrap_connection (PGconn  *conn,
                                            GError **error);

/**
 * vigil_sql_pg_resolve_account:
 * @location: a team's book, as vigil_sql_pg_connect() takes it
 * @out_host: (out): the server's host or socket folder
 * @out_port: (out): its port
 * @out_dbname: (out): the database
 * @out_user: (out): the role
 *
 * Whose password @location needs, as libpq resolves the location and
 * its defaults (the keyring keeps it under these, design 2.4), without
 * connecting: the connection is only begun.
 *
 * Returns: %FALSE with @error set when @location cannot be read
 */
gboolean
vigil_sql_pg_resolve_account (const char  *location,
                              char       **out_host,
                              char       **out_port,
                              char       **out_dbname,
                              char       **out_user,
                              GError     **error)
{
  g_autoptr(GPtrArray) keywords = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  PGconn *conn;

  if (!connection_options (location, NULL, keywords, values, error))
    return FALSE;
  conn = PQconnectStartParams ((const char * const *) keywords->pdata, (const char * const *) values->pdata, 0);
  if (conn == NULL || PQhost (conn) == NULL || PQuser (conn) == NULL || PQdb (conn) == NULL)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("“%s” names no PostgreSQL server, database and role"),
                   location);
      PQfinish (conn);
      return FALSE;
    }
  *out_host = g_strdup (PQhost (conn));
  *out_port = g_strdup (PQport (conn));
  *out_dbname = g_strdup (PQdb (conn));
  *out_user = g_strdup (PQuser (conn));
  PQfinish (conn);
  return TRUE;
}

/* design 2.4: the server asked for a password that ~/.pgpass does not
 * hold. The keyring may hold it, kept for exactly this server, port,
 * database and role (vigil db password): then the connection is made
 * again with it. A password goes nowhere else. */
static VigilSqlConnection *
connect_with_kept_password (PGconn     *refused,
                            GPtrArray  *keywords,
                            GPtrArray  *values,
                            GError    **error)
{
  g_autofree char *host = g_strdup (PQhost (refused));
  g_autofree char *port = g_strdup (PQport (refused));
  g_autofree char *dbname = g_strdup (PQdb (refused));
  g_autofree char *user = g_strdup (PQuser (refused));
  VigilServerAccount account = { host, port, dbname, user };
  g_autoptr(GError) keyring_error = NULL;
  char *password;
  PGconn *conn;

  PQfinish (refused);
  password = vigil_secrets_lookup_server_password (&account, NULL, &keyring_error);
  if (password == NULL)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION,
                   _("Could not connect to PostgreSQL: the server asks %s for a password, and neither "
                     "~/.pgpass nor the keyring holds one for database %s on %s (“vigil db password” "
                     "keeps one in the keyring)%s%s"),
                   user, dbname, host, keyring_error != NULL ? ": " : "",
                   keyring_error != NULL ? keyring_error->message : "");
      return NULL;
    }
  /* In place of the terminating NULLs; wiped once sent. */
  g_ptr_array_set_size (keywords, keywords->len - 1);
  g_ptr_array_set_size (values, values->len - 1);
  g_ptr_array_add (keywords, g_strdup ("password"));
  g_ptr_array_add (values, password);
  g_ptr_array_add (keywords, NULL);
  g_ptr_array_add (values, NULL);
  conn = PQconnectdbParams ((const char * const *) keywords->pdata, (const char * const *) values->pdata, 0);
  values->pdata[values->len - 2] = NULL;
  secret_password_free (password);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strdup (conn != NULL ? PQerrorMessage (conn) : "out of memory");

      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION,
                   _("Could not connect to PostgreSQL with the password the keyring keeps for %s: %s"),
                   user, g_strchomp (message));
      PQfinish (conn);
      return NULL;
    }
  return wrap_connection (conn, error);
}

/**
 * vigil_sql_pg_connect:
 * @location: a libpq connection URI (postgresql://…) or keyword string
 * @schema: (nullable): the schema whose tables the statements name
 *   unqualified, or %NULL for the server's search path; one of Vigil's
 *   own names, never data
 *
 * Connects to a PostgreSQL 15 or newer server. A password is never
 * taken from @location: libpq reads ~/.pgpass, and where that holds
 * none, the keyring may (connect_with_kept_password()).
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
VigilSqlConnection *
vigil_sql_pg_connect (const char  *location,
                      const char  *schema,
                      GError     **error)
{
  g_autoptr(GPtrArray) keywords = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  PGconn *conn;

  g_return_val_if_fail (location != NULL, NULL);

  if (!connection_options (location, schema, keywords, values, error))
    return NULL;
  conn = PQconnectdbParams ((const char * const *) keywords->pdata, (const char * const *) values->pdata, 0);
  if (conn != NULL && PQstatus (conn) != CONNECTION_OK && PQconnectionNeedsPassword (conn))
    return connect_with_kept_password (conn, keywords, values, error);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strdup (conn != NULL ? PQerrorMessage (conn) : "out of memory");

      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE, _("Could not connect to PostgreSQL: %s"),
                   g_strchomp (message));
      PQfinish (conn);
      return NULL;
    }
  return wrap_connection (conn, error);
}

/* The connection made: a server Vigil can use, its notices kept out of
 * the terminal. */
static VigilSqlConnection *
wrap_connection (PGconn  *conn,
                 GError **error)
{
  PgConnection *self;

  if (PQserverVersion (conn) < 150000)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                   _("The PostgreSQL server is version %d.%d; Vigil needs 15 or newer"),
                   PQserverVersion (conn) / 10000, PQserverVersion (conn) % 10000);
      PQfinish (conn);
      return NULL;
    }

  /* The server's notices (a NOTICE of a DDL statement) are for whoever
   * debugs, not the user's terminal. */
  PQsetNoticeProcessor (conn, log_notice, NULL);

  self = g_new0 (PgConnection, 1);
  self->parent.engine = VIGIL_SQL_ENGINE_POSTGRESQL;
  self->parent.calls = &pg_calls;
  self->conn = conn;
  self->translations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) translation_free);
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return &self->parent;
}

static void
pg_close (VigilSqlConnection *connection)
{
  PgConnection *self = pg_connection (connection);

  pipeline_drain (self);
  g_clear_pointer (&self->copy_line, PQfreemem);
  PQfinish (self->conn);
  g_hash_table_unref (self->translations);
  g_hash_table_unref (self->prepared);
  g_free (self->message);
  g_free (self);
}

static gboolean
command_changed_rows (const PGresult *result)
{
  const char *tag = PQcmdStatus ((PGresult *) result);

  return g_str_has_prefix (tag, "INSERT") || g_str_has_prefix (tag, "UPDATE") ||
         g_str_has_prefix (tag, "DELETE") || g_str_has_prefix (tag, "MERGE");
}

/* Notes what @result did: rows changed, or why it failed. */
static gboolean
take_result (PgConnection   *self,
             const PGresult *result)
{
  ExecStatusType status = result != NULL ? PQresultStatus (result) : PGRES_FATAL_ERROR;

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      set_result_failure (self, result);
      return FALSE;
    }
  /* As SQLite counts: the rows the last INSERT, UPDATE or DELETE
   * changed, which a query leaves as it was. */
  if (command_changed_rows (result))
    self->changes = g_ascii_strtoll (PQcmdTuples ((PGresult *) result), NULL, 10);
  return TRUE;
}

/* Statements this process sent, for the tests (_vigil_sql_pg_statements_sent()). */
static gint statements_sent;

/**
 * _vigil_sql_pg_statements_sent:
 *
 * For the tests: how many statements this process has sent to servers
 * (prepared statements run, statements executed, COPYs), on every
 * connection, a count that wraps. A test reads it before and after
 * something to tell whether it asks the server per row or per batch.
 */
guint
_vigil_sql_pg_statements_sent (void)
{
  return (guint) g_atomic_int_get (&statements_sent);
}

static gboolean
pg_exec (VigilSqlConnection *connection,
                    const char         *sql)
{
  PgConnection *self = pg_connection (connection);
  /* Run even after a queued write failed: a ROLLBACK must still end
   * the transaction (and a COMMIT then ends it as one). */
  gboolean drained = pipeline_drain (self);
  PGresult *result;
  gboolean ok;

  g_atomic_int_inc (&statements_sent);
  result = PQexec (self->conn, sql);
  ok = drained ? take_result (self, result) : FALSE;

  PQclear (result);
  return ok;
}

static gint64
pg_changes (VigilSqlConnection *connection)
{
  return pg_connection (connection)->changes;
}

static gboolean
pg_in_transaction (VigilSqlConnection *connection)
{
  PGTransactionStatusType status = PQtransactionStatus (pg_connection (connection)->conn);

  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

/* Queued writes ------------------------------------------------------------- */

/* Statements queued before their results are read at the latest: the
 * server's answers to them must fit its socket's buffer while Vigil is
 * still sending (else both would wait on each other), and a few hundred
 * round trips saved is most of what queuing gives. */
#define MAX_QUEUED 256

/* Reads the results of the statements queued since the last time, and
 * leaves pipeline mode: FALSE, with the reason of the first that
 * failed, when any did (the ones after it were not run: the
 * transaction failed with it). Every call that waits for the server
 * makes this first, so that a queued failure is told by the next. */
static gboolean
pipeline_drain (PgConnection *self)
{
  gboolean ok;
  guint ends = 0;

  if (PQpipelineStatus (self->conn) == PQ_PIPELINE_OFF)
    return TRUE;
  ok = PQpipelineSync (self->conn) == 1;
  if (!ok)
    set_failure (self, "08006", NULL);
  /* each queued statement's results end with a NULL, and the sync's
   * result comes last; more NULLs than that: the connection is gone */
  for (;;)
    {
      PGresult *result = PQgetResult (self->conn);
      ExecStatusType status;

      if (result == NULL)
        {
          if (++ends > self->queued + 1 || PQstatus (self->conn) == CONNECTION_BAD)
            {
              if (ok)
                set_failure (self, "08006", NULL);
              ok = FALSE;
              break;
            }
          continue;
        }
      status = PQresultStatus (result);
      if (status == PGRES_PIPELINE_SYNC)
        {
          PQclear (result);
          break;
        }
      if (ok && status != PGRES_PIPELINE_ABORTED && !take_result (self, result))
        ok = FALSE;
      PQclear (result);
    }
  self->queued = 0;
  if (PQexitPipelineMode (self->conn) != 1 && ok)
    {
      set_failure (self, "08006", NULL);
      ok = FALSE;
    }
  return ok;
}

/* Many rows at once --------------------------------------------------------- */

/* Runs @sql, a COPY, which must leave the connection in @state. */
static gboolean
start_copy (PgConnection   *self,
            const char     *sql,
            ExecStatusType  state)
{
  PGresult *result;
  gboolean ok;

  if (!pipeline_drain (self))
    return FALSE;
  g_atomic_int_inc (&statements_sent);
  result = PQexec (self->conn, sql);
  ok = result != NULL && PQresultStatus (result) == state;
  if (!ok)
    set_result_failure (self, result);
  PQclear (result);
  return ok;
}

/* Reads a COPY's own result, then none: whether it succeeded (FALSE
 * already when @ok is). */
static gboolean
end_copy (PgConnection *self,
          gboolean      ok)
{
  PGresult *result;

  while ((result = PQgetResult (self->conn)) != NULL)
    {
      if (ok && !take_result (self, result))
        ok = FALSE;
      PQclear (result);
    }
  return ok;
}

/**
 * vigil_sql_pg_copy_begin:
 * @sql: a COPY … FROM STDIN statement of the store's own
 *
 * Starts sending rows in COPY's text format (a line a row, columns
 * separated by tabs, \N for NULL): one round trip for them all, where
 * an INSERT is one for every few dozen.
 */
gboolean
vigil_sql_pg_copy_begin (VigilSqlConnection *connection,
                         const char         *sql)
{
  return start_copy (pg_connection (connection), sql, PGRES_COPY_IN);
}

gboolean
vigil_sql_pg_copy_put (VigilSqlConnection *connection,
                       const char         *data,
                       gsize               length)
{
  PgConnection *self = pg_connection (connection);

  g_return_val_if_fail (length <= G_MAXINT, FALSE);

  if (PQputCopyData (self->conn, data, (int) length) == 1)
    return TRUE;
  set_failure (self, "08006", NULL);
  return FALSE;
}

/* Ends the rows and tells whether the server took them all. */
gboolean
vigil_sql_pg_copy_end (VigilSqlConnection *connection)
{
  PgConnection *self = pg_connection (connection);
  gboolean ok = PQputCopyEnd (self->conn, NULL) == 1;

  if (!ok)
    set_failure (self, "08006", NULL);
  return end_copy (self, ok);
}

/* Appends @text as a column of COPY's text format: \N for NULL; a
 * backslash, tab, line feed and carriage return escaped. */
void
vigil_sql_pg_copy_append_text (GString    *line,
                               const char *text)
{
  if (text == NULL)
    {
      g_string_append (line, "\\N");
      return;
    }
  for (const char *c = text; *c != '\0'; c++)
    switch (*c)
      {
      case '\\': g_string_append (line, "\\\\"); break;
      case '\t': g_string_append (line, "\\t"); break;
      case '\n': g_string_append (line, "\\n"); break;
      case '\r': g_string_append (line, "\\r"); break;
      default: g_string_append_c (line, *c);
      }
}

/* COPY's binary format (COPY … FROM STDIN (FORMAT binary)): the server
 * reads each value as it is stored, no text to parse (a rescore's
 * COPY took 40 % less of the server's time than in text). Big-endian
 * throughout. */
static void
append_be32 (GString *data,
             guint32  value)
{
  guint32 big = GUINT32_TO_BE (value);

  g_string_append_len (data, (const char *) &big, sizeof big);
}

static void
append_be64 (GString *data,
             guint64  value)
{
  guint64 big = GUINT64_TO_BE (value);

  g_string_append_len (data, (const char *) &big, sizeof big);
}

/* The signature, no flags, no header extension. */
void
vigil_sql_pg_copy_binary_header (GString *data)
{
  g_string_append_len (data, "PGCOPY\n\377\r\n", 11);
  append_be32 (data, 0);
  append_be32 (data, 0);
}

/* A row of @n_columns, whose columns follow. */
void
vigil_sql_pg_copy_binary_row (GString *data,
                              int      n_columns)
{
  guint16 big = GUINT16_TO_BE ((guint16) n_columns);

  g_string_append_len (data, (const char *) &big, sizeof big);
}

void
vigil_sql_pg_copy_binary_int64 (GString *data,
                                gint64   value)
{
  append_be32 (data, 8);
  append_be64 (data, (guint64) value);
}

void
vigil_sql_pg_copy_binary_double (GString *data,
                                 double   value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  append_be32 (data, 8);
  append_be64 (data, bits);
}

/* @text, or a NULL when @text is NULL. */
void
vigil_sql_pg_copy_binary_text (GString    *data,
                               const char *text)
{
  vigil_sql_pg_copy_binary_text_len (data, text, -1);
}

/* The first @length bytes of @text (-1: up to its NUL), or a NULL when
 * @text is NULL. */
void
vigil_sql_pg_copy_binary_text_len (GString    *data,
                                   const char *text,
                                   gssize      length)
{
  if (text == NULL)
    {
      vigil_sql_pg_copy_binary_null (data);
      return;
    }
  if (length < 0)
    length = (gssize) strlen (text);
  g_return_if_fail (length <= G_MAXINT32);
  append_be32 (data, (guint32) length);
  g_string_append_len (data, text, length);
}

void
vigil_sql_pg_copy_binary_null (GString *data)
{
  append_be32 (data, G_MAXUINT32);   /* -1 */
}

/* After the last row. */
void
vigil_sql_pg_copy_binary_trailer (GString *data)
{
  vigil_sql_pg_copy_binary_row (data, -1);
}

/**
 * vigil_sql_pg_copy_out_begin:
 * @sql: a COPY … TO STDOUT statement of the store's own
 *
 * Starts receiving rows in COPY's text format, streamed: a row a
 * vigil_sql_pg_copy_out_line(), where a query's rows would all be held
 * in its result at once. Nothing else runs on the connection until
 * vigil_sql_pg_copy_out_end().
 */
gboolean
vigil_sql_pg_copy_out_begin (VigilSqlConnection *connection,
                             const char         *sql)
{
  return start_copy (pg_connection (connection), sql, PGRES_COPY_OUT);
}

/* The next row's line (ending in its newline, @out_length bytes, valid
 * until the next call), or NULL after the last or on a failure, which
 * vigil_sql_pg_copy_out_end() then tells. */
const char *
vigil_sql_pg_copy_out_line (VigilSqlConnection *connection,
                            gsize              *out_length)
{
  PgConnection *self = pg_connection (connection);
  int length;

  g_clear_pointer (&self->copy_line, PQfreemem);
  length = PQgetCopyData (self->conn, &self->copy_line, 0);
  if (length < 0)
    {
      self->copy_line = NULL;
      return NULL;
    }
  *out_length = (gsize) length;
  return self->copy_line;
}

/* After the last line: whether the server sent every row. */
gboolean
vigil_sql_pg_copy_out_end (VigilSqlConnection *connection)
{
  PgConnection *self = pg_connection (connection);

  g_clear_pointer (&self->copy_line, PQfreemem);
  return end_copy (self, TRUE);
}

/* Statements ---------------------------------------------------------------- */

static VigilSqlStmt *
pg_prepare (VigilSqlConnection *connection,
                       const char         *sql)
{
  PgConnection *self = pg_connection (connection);
  Translation *translation = g_hash_table_lookup (self->translations, sql);
  PgStmt *stmt;

  if (translation == NULL)
    {
      translation = g_new0 (Translation, 1);
      translation->text = _vigil_sql_pg_translate (sql, &translation->n_params);
      g_hash_table_insert (self->translations, g_strdup (sql), translation);
    }
  stmt = g_new0 (PgStmt, 1);
  stmt->parent.engine = VIGIL_SQL_ENGINE_POSTGRESQL;
  stmt->parent.calls = &pg_calls;
  stmt->connection = self;
  stmt->translation = translation;
  stmt->params = g_new0 (PgParam, MAX (translation->n_params, 1));
  stmt->row = -1;
  return &stmt->parent;
}

static void
clear_result (PgStmt *self)
{
  g_clear_pointer (&self->result, PQclear);
  self->row = -1;
}

static void
clear_param (PgParam *param)
{
  if (param->value != (char *) param->number)
    g_free (param->value);
  *param = (PgParam) { 0, };
}

static void
pg_reset (VigilSqlStmt *stmt)
{
  clear_result (pg_stmt (stmt));
}

static void
pg_reset_unbound (VigilSqlStmt *stmt)
{
  PgStmt *self = pg_stmt (stmt);

  clear_result (self);
  for (int i = 0; i < self->translation->n_params; i++)
    clear_param (&self->params[i]);
}

static void
pg_finalize (VigilSqlStmt *stmt)
{
  PgStmt *self = pg_stmt (stmt);

  pg_reset_unbound (stmt);
  g_free (self->params);
  g_free (self->name_types);
  g_free (self);
}

static int
pg_bind_parameter_count (VigilSqlStmt *stmt)
{
  return pg_stmt (stmt)->translation->n_params;
}

/* The parameter @index (from 1), emptied for a new value; NULL for an
 * index the statement has no parameter of (SQLite ignores those too). */
static PgParam *
param_at (PgStmt *self,
          int     index)
{
  PgParam *param;

  if (index < 1 || index > self->translation->n_params)
    return NULL;
  /* A value bound to a statement that ran is for its next run. */
  clear_result (self);
  param = &self->params[index - 1];
  clear_param (param);
  return param;
}

static void
bind_big_endian (PgParam *param,
                 Oid      type,
                 guint64  bits)
{
  guint64 big = GUINT64_TO_BE (bits);

  param->type = type;
  memcpy (param->number, &big, sizeof big);
  param->value = (char *) param->number;
  param->length = sizeof big;
}

static void
pg_bind_int64 (VigilSqlStmt *stmt,
                          int           index,
                          gint64        value)
{
  PgParam *param = param_at (pg_stmt (stmt), index);

  if (param != NULL)
    bind_big_endian (param, INT8OID, (guint64) value);
}

static void
pg_bind_double (VigilSqlStmt *stmt,
                           int           index,
                           double        value)
{
  PgParam *param = param_at (pg_stmt (stmt), index);
  guint64 bits;

  if (param == NULL)
    return;
  memcpy (&bits, &value, sizeof bits);
  bind_big_endian (param, FLOAT8OID, bits);
}

static void
pg_bind_text (VigilSqlStmt *stmt,
                         int           index,
                         const char   *text,
                         gssize        length)
{
  PgParam *param = param_at (pg_stmt (stmt), index);

  if (param == NULL)
    return;
  param->type = TEXTOID;
  if (text == NULL)
    return;
  /* Copied: a run may come after the caller's text is gone (a
   * statement's parameters outlive the call on SQLite only while bound
   * SQLITE_STATIC, which the layer does not ask of PostgreSQL). */
  param->length = length < 0 ? (int) strlen (text) : (int) length;
  /* @length bytes only: a bounded text need not end in a NUL */
  param->value = g_malloc (param->length + 1);
  memcpy (param->value, text, param->length);
  param->value[param->length] = '\0';
}

static Oid
oid_of_type (VigilSqlType type)
{
  switch (type)
    {
    case VIGIL_SQL_INT: return INT8OID;
    case VIGIL_SQL_DOUBLE: return FLOAT8OID;
    case VIGIL_SQL_TEXT:
    default: return TEXTOID;
    }
}

static void
pg_bind_null (VigilSqlStmt *stmt,
                         int           index,
                         VigilSqlType  type)
{
  PgParam *param = param_at (pg_stmt (stmt), index);

  if (param != NULL)
    param->type = oid_of_type (type);
}

/* Keeps @name (the connection's, as long as it) and the parameter types
 * it was prepared for, for the statement's next run. */
static const char *
remember_name (PgStmt       *self,
               const char   *name,
               const Oid    *types)
{
  int n = self->translation->n_params;

  g_free (self->name_types);
  self->name_types = g_memdup2 (types, sizeof (Oid) * MAX (n, 1));
  self->name = name;
  return name;
}

/* The name the server knows @self's text by, with its parameters' types
 * as bound now; prepared there first when new. NULL when the server
 * refused it (the connection says why). */
static const char *
prepared_name (PgStmt *self)
{
  PgConnection *connection = self->connection;
  int n = self->translation->n_params;
  g_autofree Oid *types = g_new0 (Oid, MAX (n, 1));
  GString *key;
  const char *name;
  PGresult *result;
  char *new_name;
  gboolean same = self->name != NULL;

  for (int i = 0; i < n; i++)
    {
      types[i] = self->params[i].type;
      same = same && types[i] == self->name_types[i];
    }
  /* The statement run again with the same types: the name it had. */
  if (same)
    return self->name;

  key = g_string_new (NULL);
  for (int i = 0; i < n; i++)
    g_string_append_printf (key, "%u,", types[i]);
  g_string_append_c (key, ':');
  g_string_append (key, self->translation->text);
  if ((name = g_hash_table_lookup (connection->prepared, key->str)) != NULL)
    {
      g_string_free (key, TRUE);
      return remember_name (self, name, types);
    }

  /* libpq prepares outside pipeline mode only */
  if (!pipeline_drain (connection))
    {
      g_string_free (key, TRUE);
      return NULL;
    }
  new_name = g_strdup_printf ("vigil_%u", ++connection->next_name);
  result = PQprepare (connection->conn, new_name, self->translation->text, n, types);
  if (!take_result (connection, result))
    {
      PQclear (result);
      g_free (new_name);
      g_string_free (key, TRUE);
      return NULL;
    }
  PQclear (result);
  g_hash_table_insert (connection->prepared, g_string_free (key, FALSE), new_name);
  return remember_name (self, new_name, types);
}

/* Sends @self's run under its server-side @name with its parameters:
 * PQsendQueryPrepared() in pipeline mode, else PQexecPrepared(), whose
 * result it gives. */
static PGresult *
send_prepared (PgStmt     *self,
               const char *name,
               gboolean   *out_sent)
{
  int n = self->translation->n_params;
  g_autofree const char **values = g_new0 (const char *, MAX (n, 1));
  g_autofree int *lengths = g_new0 (int, MAX (n, 1));
  g_autofree int *formats = g_new0 (int, MAX (n, 1));
  PGconn *conn = self->connection->conn;

  g_atomic_int_inc (&statements_sent);
  for (int i = 0; i < n; i++)
    {
      values[i] = self->params[i].value;
      lengths[i] = self->params[i].length;
      formats[i] = 1;
    }
  if (PQpipelineStatus (conn) != PQ_PIPELINE_OFF)
    {
      *out_sent = PQsendQueryPrepared (conn, name, n, values, lengths, formats, 0) == 1;
      return NULL;
    }
  *out_sent = TRUE;
  return PQexecPrepared (conn, name, n, values, lengths, formats, 0);
}

/* Runs @self with its parameters; its result is kept for the steps. */
static gboolean
run (PgStmt *self)
{
  const char *name;
  gboolean sent;

  if (!pipeline_drain (self->connection) || (name = prepared_name (self)) == NULL)
    return FALSE;
  self->result = send_prepared (self, name, &sent);
  if (!take_result (self->connection, self->result))
    {
      clear_result (self);
      return FALSE;
    }
  return TRUE;
}

static VigilSqlStep
pg_step (VigilSqlStmt *stmt)
{
  PgStmt *self = pg_stmt (stmt);

  if (self->result == NULL && !run (self))
    return VIGIL_SQL_ERROR;
  if (self->row < PQntuples (self->result))
    self->row++;
  return self->row < PQntuples (self->result) ? VIGIL_SQL_ROW : VIGIL_SQL_DONE;
}

/* A write whose result is not read, in a transaction: sent in pipeline
 * mode without waiting for the server, its result read with the ones
 * queued after it by the next call that waits (pipeline_drain()), at
 * the latest after MAX_QUEUED. Outside a transaction, where no later
 * call of the same work would tell its failure, it runs at once. */
static VigilSqlStep
pg_step_queued (VigilSqlStmt *stmt)
{
  PgStmt *self = pg_stmt (stmt);
  PgConnection *connection = self->connection;
  PGTransactionStatusType status = PQtransactionStatus (connection->conn);
  const char *name;
  gboolean sent;

  if (status != PQTRANS_INTRANS && status != PQTRANS_ACTIVE)
    return pg_step (stmt);
  clear_result (self);
  if ((name = prepared_name (self)) == NULL)
    return VIGIL_SQL_ERROR;
  if (PQpipelineStatus (connection->conn) == PQ_PIPELINE_OFF &&
      PQenterPipelineMode (connection->conn) != 1)
    {
      set_failure (connection, "08006", NULL);
      return VIGIL_SQL_ERROR;
    }
  send_prepared (self, name, &sent);
  if (!sent)
    {
      set_failure (connection, "08006", NULL);
      return VIGIL_SQL_ERROR;
    }
  if (++connection->queued >= MAX_QUEUED && !pipeline_drain (connection))
    return VIGIL_SQL_ERROR;
  return VIGIL_SQL_DONE;
}

/* Columns ------------------------------------------------------------------- */

/* The text of column @column of the row the statement is on, NULL for a
 * NULL or when it is on no row. */
static const char *
column_text (PgStmt *self,
             int     column)
{
  if (self->result == NULL || self->row < 0 || self->row >= PQntuples (self->result) ||
      column < 0 || column >= PQnfields (self->result) ||
      PQgetisnull (self->result, self->row, column))
    return NULL;
  return PQgetvalue (self->result, self->row, column);
}

static gboolean
pg_column_is_null (VigilSqlStmt *stmt,
                              int           column)
{
  return column_text (pg_stmt (stmt), column) == NULL;
}

static gint64
pg_column_int64 (VigilSqlStmt *stmt,
                            int           column)
{
  PgStmt *self = pg_stmt (stmt);
  const char *text = column_text (self, column);
  Oid type;

  if (text == NULL)
    return 0;
  type = PQftype (self->result, column);
  if (type == BOOLOID)
    return text[0] == 't';
  /* A real read as an integer is cut toward zero, as SQLite does. */
  if (type == FLOAT4OID || type == FLOAT8OID || type == NUMERICOID)
    return (gint64) g_ascii_strtod (text, NULL);
  return g_ascii_strtoll (text, NULL, 10);
}

static double
pg_column_double (VigilSqlStmt *stmt,
                             int           column)
{
  PgStmt *self = pg_stmt (stmt);
  const char *text = column_text (self, column);

  if (text == NULL)
    return 0.0;
  if (PQftype (self->result, column) == BOOLOID)
    return text[0] == 't' ? 1.0 : 0.0;
  return g_ascii_strtod (text, NULL);
}

static const char *
pg_column_text (VigilSqlStmt *stmt,
                           int           column)
{
  return column_text (pg_stmt (stmt), column);
}

static gsize
pg_column_bytes (VigilSqlStmt *stmt,
                            int           column)
{
  PgStmt *self = pg_stmt (stmt);

  if (column_text (self, column) == NULL)
    return 0;
  return (gsize) PQgetlength (self->result, self->row, column);
}

/* What kind of value column @column holds, by its type on the server. */
static VigilSqlType
pg_column_type (VigilSqlStmt *stmt,
                           int           column)
{
  switch (PQftype (pg_stmt (stmt)->result, column))
    {
    case BOOLOID:
    case INT2OID:
    case INT4OID:
    case INT8OID:
      return VIGIL_SQL_INT;
    case FLOAT4OID:
    case FLOAT8OID:
    case NUMERICOID:
      return VIGIL_SQL_DOUBLE;
    default:
      return VIGIL_SQL_TEXT;
    }
}

/* Notifications (PostgreSQL only) ---------------------------------------------- */

/**
 * vigil_sql_pg_get_socket:
 *
 * Returns: the connection's socket, for a main loop to watch for what
 *   the server sends unasked (notifications), or -1 when it has none
 */
int
vigil_sql_pg_get_socket (VigilSqlConnection *connection)
{
  g_return_val_if_fail (connection->engine == VIGIL_SQL_ENGINE_POSTGRESQL, -1);
  return PQsocket (pg_connection (connection)->conn);
}

/**
 * vigil_sql_pg_take_notifications:
 * @out_others: (out): how many came from other processes' commits
 * @out_tables: (nullable) (element-type utf8): where the table each of
 *   those names is added, "" for one that names none
 *
 * Reads what the server sent on a connection that LISTENs, without
 * waiting, and counts the notifications whose writer is not this
 * process (_vigil_sql_pg_writer_id()): the commits of other Vigils, or
 * of anyone else writing the book. A notification's payload is the
 * writer's id, a space and the table written (vigil-store-schema.c):
 * one for each table a transaction wrote.
 *
 * Returns: %FALSE when the connection is lost (the reason in
 *   vigil_sql_error_message())
 */
gboolean
vigil_sql_pg_take_notifications (VigilSqlConnection *connection,
                                 guint              *out_others,
                                 GPtrArray          *out_tables)
{
  PgConnection *self = pg_connection (connection);
  const char *own = _vigil_sql_pg_writer_id ();
  PGnotify *notify;

  g_return_val_if_fail (connection->engine == VIGIL_SQL_ENGINE_POSTGRESQL, FALSE);

  *out_others = 0;
  if (!PQconsumeInput (self->conn) || PQstatus (self->conn) != CONNECTION_OK)
    {
      set_failure (self, "08006", NULL);
      return FALSE;
    }
  while ((notify = PQnotifies (self->conn)) != NULL)
    {
      /* Table names hold no space. */
      const char *space = strrchr (notify->extra, ' ');
      gsize writer_length = space != NULL ? (gsize) (space - notify->extra) : strlen (notify->extra);

      if (writer_length != strlen (own) || strncmp (notify->extra, own, writer_length) != 0)
        {
          (*out_others)++;
          if (out_tables != NULL)
            g_ptr_array_add (out_tables, g_strdup (space != NULL ? space + 1 : ""));
        }
      PQfreemem (notify);
    }
  return TRUE;
}

static const VigilSqlCalls pg_calls = {
  .prepare = pg_prepare,
  .finalize = pg_finalize,
  .exec = pg_exec,
  .close = pg_close,
  .error_code = pg_error_code,
  .error_message = pg_error_message,
  .changes = pg_changes,
  .in_transaction = pg_in_transaction,
  .bind_int64 = pg_bind_int64,
  .bind_double = pg_bind_double,
  .bind_text = pg_bind_text,
  .bind_null = pg_bind_null,
  .bind_parameter_count = pg_bind_parameter_count,
  .step = pg_step,
  .step_queued = pg_step_queued,
  .column_is_null = pg_column_is_null,
  .column_int64 = pg_column_int64,
  .column_double = pg_column_double,
  .column_text = pg_column_text,
  .column_bytes = pg_column_bytes,
  .column_type = pg_column_type,
  .reset = pg_reset,
  .reset_unbound = pg_reset_unbound,
};
