/* vigil-store-copy.c: a whole book copied into an empty one, on any engines (vigil db copy)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-store-private.h"
#include "vigil-triggers.h"

/* Rows read from the source at a time (keyset pages: memory stays flat
 * whatever the book's size, on PostgreSQL too, whose steps walk a whole
 * result), and COPY data sent to a PostgreSQL target at a time. */
#define COPY_PAGE_ROWS 8192
#define COPY_CHUNK_BYTES (1 << 20)

/* One table of the book as `vigil db copy` moves it (design 4): its
 * columns in the schema's order; each one's type ('i' integer, 'd'
 * double, 't' text, 'j' JSON text: events.detail, json on PostgreSQL);
 * how many leading columns are its key, the order its pages are read
 * in; whether its id is an identity column on PostgreSQL; and a
 * condition on its rows (our own text), or NULL. */
typedef struct
{
  const char *name;
  const char *columns;
  const char *types;
  guint       n_key;
  gboolean    identity;
  const char *only;
} CopyTable;

/* design 4: "I am" (meta `me`) is the person's at the machine, not the
 * book's: a copy leaves the target's as it is. */
#define NOT_PERSONAL_META "key <> 'me'"

/* Every table of schema 9, parents before the tables that refer to them
 * (SQLite checks each foreign key as the row is written). A column a
 * migration adds is added here: test-copy checks that these are the
 * schema's columns. */
static const CopyTable copy_tables[] = {
  { "meta", "key, value", "tt", 1, FALSE, NOT_PERSONAL_META },
  { "sources", "id, name, kind, url, mapping, interval_min, timeout_s, concurrency, max_bytes, header_names, "
    "token_env, created_at, last_poll_at, last_ok, last_error, last_summary, next_due, failures, keyring_token, "
    "query_secret_names, query_secret_env, max_records, baseline_records, baseline_fingerprint, stalled_polls, "
    "suspect_since, suspect_records, suspect_previous_records, suspect_fields",
    "ittttiiiittiiittiiittiitiiiit", 1, TRUE, NULL },
  { "source_validators", "source_id, url, etag, last_modified", "ittt", 2, FALSE, NULL },
  { "source_field_counts", "source_id, field, known", "iti", 2, FALSE, NULL },
  { "features", "id, name", "it", 1, FALSE, NULL },
  { "scorecards", "version, definition, created_at", "iti", 1, FALSE, NULL },
  { "customers", "id, source_id, external_id, name, plan, owner, segment, latest_at, main_record",
    "iitttttii", 1, TRUE, NULL },
  { "records", "id, source_id, external_id, customer_id, detached, name, plan, owner, segment, latest_at",
    "iitiitttti", 1, TRUE, NULL },
  { "record_keys", "key, record_id", "ti", 2, FALSE, NULL },
  { "snapshots", "customer_id, observed_at, last_active, mrr, seats, seats_used, api_calls_7d, features_used, "
    "open_tickets, nps, renewal_date, plan, features, origins", "iiidiiiiiitttt", 2, FALSE, NULL },
  { "observations", "record_id, observed_at, last_active, mrr, seats, seats_used, api_calls_7d, features_used, "
    "open_tickets, nps, renewal_date, plan, features", "iiidiiiiiittt", 2, FALSE, NULL },
  { "scores", "customer_id, observed_at, version, health, tier", "iiidt", 2, FALSE, NULL },
  { "outcomes", "customer_id, day, outcome, recorded_at", "itti", 2, FALSE, NULL },
  { "triggers", "id, customer_id, rule, kind, first_seen, last_seen, cleared_at, state, snoozed_until, evidence, "
    "state_at, state_by, state_tier", "iittiiitttitt", 1, TRUE, NULL },
  { "touches", "id, customer_id, kind, at, body, author, created_at, edited_at", "iitittii", 1, TRUE, NULL },
  { "pulses", "id, customer_id, at, sentiment, reason, body, author, created_at", "iiitttti", 1, TRUE, NULL },
  { "events", "id, customer_id, at, kind, detail, author", "iiitjt", 1, TRUE, NULL },
  { "views", "name, definition, created_at, updated_at", "ttii", 1, FALSE, NULL },
};

/* design 4: what makes a book not empty, and the rows of it a new book
 * has (its first scorecard). */
static const struct
{
  const char *table;
  gint64      new_book_rows;
} content_tables[] = {
  { "sources", 0 }, { "customers", 0 }, { "snapshots", 0 }, { "observations", 0 }, { "touches", 0 },
  { "pulses", 0 }, { "triggers", 0 }, { "outcomes", 0 }, { "events", 0 }, { "views", 0 }, { "scorecards", 1 },
};

/* A copy under way. */
typedef struct
{
  VigilStore             *from;
  VigilStore             *to;
  VigilStoreCopyProgress  progress;
  gpointer                user_data;
  GString                *data;      /* COPY data not yet sent to a PostgreSQL target */
} Copy;

/* The column names of @table, split. */
static GStrv
split_columns (const CopyTable *table)
{
  GStrv names = g_strsplit (table->columns, ", ", -1);

  g_assert (g_strv_length (names) == strlen (table->types));
  return names;
}

/* "?F, ?F+1, …", @n of them. */
static void
append_params (GString *sql,
               guint    first,
               guint    n)
{
  for (guint i = 0; i < n; i++)
    g_string_append_printf (sql, "%s?%u", i > 0 ? ", " : "", first + i);
}

/* The SELECT of a page of @table read from a @shared book: the first,
 * or (@after) the one after the key bound as ?1…, in key order. Names
 * and conditions are our own, never data. */
static char *
page_sql (const CopyTable *table,
          gboolean         shared,
          gboolean         after)
{
  g_auto(GStrv) names = split_columns (table);
  g_autoptr(GString) key = g_string_new (NULL);
  GString *sql = g_string_new ("SELECT ");

  for (guint i = 0; names[i] != NULL; i++)
    {
      /* PostgreSQL's json column read as its text, unchanged */
      if (table->types[i] == 'j' && shared)
        g_string_append_printf (sql, "%sCAST (%s AS text)", i > 0 ? ", " : "", names[i]);
      else
        g_string_append_printf (sql, "%s%s", i > 0 ? ", " : "", names[i]);
      if (i < table->n_key)
        g_string_append_printf (key, "%s%s", i > 0 ? ", " : "", names[i]);
    }
  g_string_append_printf (sql, " FROM %s WHERE %s", table->name, table->only != NULL ? table->only : "1 = 1");
  if (after)
    {
      g_string_append_printf (sql, " AND (%s) > (", key->str);
      append_params (sql, 1, table->n_key);
      g_string_append (sql, ")");
    }
  g_string_append_printf (sql, " ORDER BY %s LIMIT %d", key->str, COPY_PAGE_ROWS);
  return g_string_free (sql, FALSE);
}

/* The INSERT of a row of @table into a @shared book or a file. A setting the
 * target has already (meta) takes the source's value. */
static char *
insert_sql (const CopyTable *table,
            gboolean         shared)
{
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "INSERT INTO %s (%s) VALUES (", table->name, table->columns);
  for (guint i = 0; table->types[i] != '\0'; i++)
    {
      if (table->types[i] == 'j' && shared)
        g_string_append_printf (sql, "%sCAST (?%u AS json)", i > 0 ? ", " : "", i + 1);
      else
        g_string_append_printf (sql, "%s?%u", i > 0 ? ", " : "", i + 1);
    }
  g_string_append (sql, ")");
  if (g_str_equal (table->name, "meta"))
    g_string_append (sql, " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  return g_string_free (sql, FALSE);
}

static VigilSqlType
sql_type (char type)
{
  switch (type)
    {
    case 'i': return VIGIL_SQL_INT;
    case 'd': return VIGIL_SQL_DOUBLE;
    default: return VIGIL_SQL_TEXT;
    }
}

/* Binds the row @from is on to @insert, column for column. */
static void
bind_row (const CopyTable *table,
          VigilSqlStmt    *from,
          VigilSqlStmt    *insert)
{
  for (int i = 0; table->types[i] != '\0'; i++)
    {
      if (vigil_sql_column_is_null (from, i))
        vigil_sql_bind_null (insert, i + 1, sql_type (table->types[i]));
      else if (table->types[i] == 'i')
        vigil_sql_bind_int64 (insert, i + 1, vigil_sql_column_int64 (from, i));
      else if (table->types[i] == 'd')
        vigil_sql_bind_double (insert, i + 1, vigil_sql_column_double (from, i));
      else
        {
          const char *text = vigil_sql_column_text (from, i);

          vigil_sql_bind_text (insert, i + 1, text, (gssize) vigil_sql_column_bytes (from, i));
        }
    }
}

/* Where the rows of a table go: prepared inserts on SQLite (and for
 * meta, whose settings may be there already), COPY on PostgreSQL. */
static gboolean
uses_copy (Copy            *copy,
           const CopyTable *table)
{
  return vigil_store_is_shared (copy->to) && !g_str_equal (table->name, "meta");
}

#ifdef HAVE_POSTGRESQL
/* @text as a column of COPY's text format: a backslash, and the tab,
 * newline and carriage return that would end the column or the row,
 * escaped. */
static void
append_copy_text (GString    *data,
                  const char *text,
                  gsize       length)
{
  for (gsize i = 0; i < length; i++)
    switch (text[i])
      {
      case '\\': g_string_append (data, "\\\\"); break;
      case '\t': g_string_append (data, "\\t"); break;
      case '\n': g_string_append (data, "\\n"); break;
      case '\r': g_string_append (data, "\\r"); break;
      default: g_string_append_c (data, text[i]);
      }
}

/* The row @from is on, as a line of COPY's text format. A double is
 * written as the shortest text that reads back as the same double. */
static void
append_copy_row (const CopyTable *table,
                 VigilSqlStmt    *from,
                 GString         *data)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  for (int i = 0; table->types[i] != '\0'; i++)
    {
      if (i > 0)
        g_string_append_c (data, '\t');
      if (vigil_sql_column_is_null (from, i))
        g_string_append (data, "\\N");
      else if (table->types[i] == 'i')
        g_string_append_printf (data, "%" G_GINT64_FORMAT, vigil_sql_column_int64 (from, i));
      else if (table->types[i] == 'd')
        g_string_append (data, g_ascii_dtostr (number, sizeof number, vigil_sql_column_double (from, i)));
      else
        {
          const char *text = vigil_sql_column_text (from, i);

          append_copy_text (data, text, vigil_sql_column_bytes (from, i));
        }
    }
  g_string_append_c (data, '\n');
}

static gboolean
send_copy_data (Copy    *copy,
                GError **error)
{
  gboolean ok = vigil_sql_pg_copy_put (copy->to->db, copy->data->str, copy->data->len);

  g_string_truncate (copy->data, 0);
  if (!ok)
    return _vigil_store_set_sqlite_error (copy->to, error, _("Copying the book"));
  return TRUE;
}
#endif

/* Writes the row @from is on into the target. */
static gboolean
write_row (Copy             *copy,
           const CopyTable  *table,
           VigilSqlStmt     *from,
           VigilSqlStmt     *insert,
           GError          **error)
{
  if (insert == NULL)
    {
#ifdef HAVE_POSTGRESQL
      append_copy_row (table, from, copy->data);
      if (copy->data->len >= COPY_CHUNK_BYTES)
        return send_copy_data (copy, error);
#endif
      return TRUE;
    }
  bind_row (table, from, insert);
  return _vigil_store_step_done (copy->to, insert, _("Copying the book"), error);
}

/* Reads the page of @table after @last_key (NULL: the first) and writes
 * its rows; @last_key becomes the page's last row's key, *@out_rows the
 * rows it held. */
static gboolean
copy_page (Copy             *copy,
           const CopyTable  *table,
           VigilSqlStmt     *read,
           VigilSqlStmt     *insert,
           GPtrArray        *last_key,
           guint            *out_rows,
           GError          **error)
{
  /* The key bound stays as it is until the page is read. */
  g_autoptr(GPtrArray) key = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_sql_value_free);
  int rc;

  *out_rows = 0;
  for (guint i = 0; i < last_key->len; i++)
    vigil_sql_bind_value (read, (int) i + 1, last_key->pdata[i]);
  while ((rc = vigil_sql_step (read)) == VIGIL_SQL_ROW)
    {
      if (!write_row (copy, table, read, insert, error))
        {
          vigil_sql_reset (read);
          return FALSE;
        }
      (*out_rows)++;
      g_ptr_array_set_size (key, 0);
      for (guint i = 0; i < table->n_key; i++)
        g_ptr_array_add (key, vigil_sql_column_value_dup (read, (int) i));
    }
  if (!_vigil_store_finish_cached_rows (copy->from, read, rc, _("Reading the book to copy"), error))
    return FALSE;
  g_ptr_array_set_size (last_key, 0);
  for (guint i = 0; i < key->len; i++)
    g_ptr_array_add (last_key, g_steal_pointer (&key->pdata[i]));
  return TRUE;
}

static void
report_progress (Copy            *copy,
                 const CopyTable *table,
                 guint64          rows,
                 gboolean         done)
{
  if (copy->progress != NULL)
    copy->progress (table->name, rows, done, copy->user_data);
}

/* Every row of @table, from the source into the target, a page at a
 * time (@first, then @next), through @insert or, when it is NULL, the
 * COPY begun. */
static gboolean
copy_rows (Copy             *copy,
           const CopyTable  *table,
           VigilSqlStmt     *first,
           VigilSqlStmt     *next,
           VigilSqlStmt     *insert,
           guint64          *out_rows,
           GError          **error)
{
  g_autoptr(GPtrArray) last_key = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_sql_value_free);
  guint rows = COPY_PAGE_ROWS;

  *out_rows = 0;
  /* A page short of full was the last. */
  while (rows == COPY_PAGE_ROWS)
    {
      if (!copy_page (copy, table, *out_rows == 0 ? first : next, insert, last_key, &rows, error))
        return FALSE;
      *out_rows += rows;
      if (rows == COPY_PAGE_ROWS)
        report_progress (copy, table, *out_rows, FALSE);
    }
#ifdef HAVE_POSTGRESQL
  if (insert == NULL && copy->data->len > 0)
    return send_copy_data (copy, error);
#endif
  return TRUE;
}

/* Every row of @table, from the source into the target. */
static gboolean
copy_table (Copy             *copy,
            const CopyTable  *table,
            guint64          *out_rows,
            GError          **error)
{
  g_autofree char *first_sql = page_sql (table, vigil_store_is_shared (copy->from), FALSE);
  g_autofree char *next_sql = page_sql (table, vigil_store_is_shared (copy->from), TRUE);
  const char *reading = _("Reading the book to copy");
  VigilSqlStmt *first = NULL, *next = NULL, *insert = NULL;
  gboolean ok = FALSE;

  if (!(first = _vigil_store_prepare (copy->from, first_sql, reading, error)) ||
      !(next = _vigil_store_prepare (copy->from, next_sql, reading, error)))
    goto out;
  if (!uses_copy (copy, table))
    {
      g_autofree char *write_sql = insert_sql (table, vigil_store_is_shared (copy->to));

      if ((insert = _vigil_store_prepare (copy->to, write_sql, _("Copying the book"), error)))
        ok = copy_rows (copy, table, first, next, insert, out_rows, error);
    }
#ifdef HAVE_POSTGRESQL
  else
    {
      /* Our own names, never data. */
      g_autofree char *begin = g_strdup_printf ("COPY %s (%s) FROM STDIN", table->name, table->columns);

      if (!vigil_sql_pg_copy_begin (copy->to->db, begin))
        {
          _vigil_store_set_sqlite_error (copy->to, error, _("Copying the book"));
          goto out;
        }
      ok = copy_rows (copy, table, first, next, NULL, out_rows, error);
      g_string_truncate (copy->data, 0);
      /* ended whatever happened, for the rollback to run after it */
      if (!vigil_sql_pg_copy_end (copy->to->db) && ok)
        ok = _vigil_store_set_sqlite_error (copy->to, error, _("Copying the book"));
    }
#endif
  if (ok)
    report_progress (copy, table, *out_rows, TRUE);

out:
  g_clear_pointer (&first, vigil_sql_finalize);
  g_clear_pointer (&next, vigil_sql_finalize);
  g_clear_pointer (&insert, vigil_sql_finalize);
  return ok;
}

/* Binds a row read from one book into the statement that writes it into
 * the other. */
typedef void (*BindCopied) (VigilSqlStmt  *read,
                            VigilSqlStmt  *insert,
                            gconstpointer  data);

/* design 4, --merge: the rows @read_sql reads from @from for the source
 * @name (bound as ?1), each written into @to by @insert_sql, bound by
 * @bind. */
static gboolean
copy_rows_of_source (VigilStore    *from,
                     const char    *read_sql,
                     VigilStore    *to,
                     const char    *insert_sql,
                     const char    *name,
                     BindCopied     bind,
                     gconstpointer  data,
                     GError       **error)
{
  VigilSqlStmt *read = NULL, *insert = NULL;
  gboolean ok = FALSE;
  int rc;

  if (!(read = _vigil_store_prepare (from, read_sql, _("Reading the book to copy"), error)) ||
      !(insert = _vigil_store_prepare (to, insert_sql, _("Copying the book"), error)))
    goto out;
  vigil_sql_bind_text (read, 1, name, -1);
  ok = TRUE;
  while (ok && (rc = vigil_sql_step (read)) == VIGIL_SQL_ROW)
    {
      bind (read, insert, data);
      ok = _vigil_store_step_done (to, insert, _("Copying the book"), error);
    }
  if (ok)
    ok = _vigil_store_finish_cached_rows (from, read, rc, _("Reading the book to copy"), error);

out:
  g_clear_pointer (&read, vigil_sql_finalize);
  g_clear_pointer (&insert, vigil_sql_finalize);
  return ok;
}

static void
bind_definition (VigilSqlStmt  *read,
                 VigilSqlStmt  *insert,
                 gconstpointer  data)
{
  bind_row (data, read, insert);
}

/* @data: the source's id in the target (gint64) */
static void
bind_validator (VigilSqlStmt  *read,
                VigilSqlStmt  *insert,
                gconstpointer  data)
{
  vigil_sql_bind_int64 (insert, 1, *(const gint64 *) data);
  for (int i = 0; i < 3; i++)
    _vigil_store_bind_text_or_null (insert, i + 2, vigil_sql_column_text (read, i));
}

/**
 * _vigil_store_copy_source_definition:
 *
 * design 4, --merge: adds to @to the source @name of @from as it is
 * defined there (every column but its id, which @to gives), with the
 * validators (ETag, Last-Modified) of its pages: the history it comes
 * with is theirs, so its next poll asks whether they changed rather
 * than fetching them all.
 */
gboolean
_vigil_store_copy_source_definition (VigilStore  *from,
                                     VigilStore  *to,
                                     const char  *name,
                                     GError     **error)
{
  const CopyTable *sources = &copy_tables[1];
  const CopyTable definition = { "sources", sources->columns + strlen ("id, "), sources->types + 1, 0, FALSE, NULL };
  /* Our own names, never data. */
  g_autofree char *read_sql = g_strdup_printf ("SELECT %s FROM sources WHERE name = ?1", definition.columns);
  g_autofree char *write_sql = insert_sql (&definition, vigil_store_is_shared (to));
  gint64 to_id;

  g_assert (g_str_equal (sources->name, "sources") && g_str_has_prefix (sources->columns, "id, "));
  if (!copy_rows_of_source (from, read_sql, to, write_sql, name, bind_definition, &definition, error) ||
      (to_id = vigil_store_lookup_source (to, name, error)) < 0)
    return FALSE;
  return to_id == 0 ||
         copy_rows_of_source (from,
                              "SELECT v.url, v.etag, v.last_modified FROM source_validators v "
                              "JOIN sources s ON s.id = v.source_id WHERE s.name = ?1 ORDER BY v.url",
                              to, "INSERT INTO source_validators (source_id, url, etag, last_modified) "
                              "VALUES (?1, ?2, ?3, ?4)", name, bind_validator, &to_id, error);
}

/* design 4: what @store holds beyond what a new book has, into @held
 * ("sources 1, customers 11"; empty when nothing). */
static gboolean
read_contents (VigilStore  *store,
               GString     *held,
               GError     **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT ");
  VigilSqlStmt *stmt;
  const char *doing = _("Reading the book to copy into");
  int rc;

  /* Our own names: a count of each table. */
  for (guint i = 0; i < G_N_ELEMENTS (content_tables); i++)
    g_string_append_printf (sql, "%s(SELECT count(*) FROM %s)", i > 0 ? ", " : "", content_tables[i].table);
  if (!(stmt = _vigil_store_prepare (store, sql->str, doing, error)))
    return FALSE;
  if ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    for (guint i = 0; i < G_N_ELEMENTS (content_tables); i++)
      {
        gint64 rows = vigil_sql_column_int64 (stmt, (int) i);

        if (rows > content_tables[i].new_book_rows)
          g_string_append_printf (held, "%s%s %" G_GINT64_FORMAT, held->len > 0 ? ", " : "",
                                  content_tables[i].table, rows);
      }
  return _vigil_store_finish_rows (store, stmt, rc, doing, error);
}

/* design 4: whether @store holds nothing but what a new book has; if it
 * does, an error naming it, what it holds, and --merge. */
static gboolean
check_empty (VigilStore  *store,
             GString     *held,
             GError     **error)
{
  if (held->len == 0)
    return TRUE;
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
               _("%s is not empty (%s): a book is copied whole only into an empty one, without "
                 "sources, customers, history, touches, pulses, triggers, outcomes, events, views "
                 "or scorecard changes; --merge joins it into one that has its own. %s was left "
                 "unchanged"),
               store->path, held->str, store->path);
  return FALSE;
}

/* design 1: PostgreSQL's identity columns hand out ids after the highest
 * copied, so that a source or customer added later gets a fresh one. */
static gboolean
set_identities (VigilStore  *store,
                GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (copy_tables); i++)
    {
      g_autofree char *sql = NULL;
      gint64 ignored;

      if (!copy_tables[i].identity)
        continue;
      /* Our own names, never data. */
      sql = g_strdup_printf ("SELECT setval (pg_get_serial_sequence ('%s', 'id'), "
                             "coalesce (max (id), 0) + 1, false) FROM %s",
                             copy_tables[i].name, copy_tables[i].name);
      if (!_vigil_store_query_int (store, sql, &ignored, error))
        return FALSE;
    }
  return TRUE;
}

/* Every table, copied into the target's open transaction. */
static gboolean
copy_tables_into (Copy             *copy,
                  VigilStoreCopyStats *stats,
                  GError          **error)
{
  /* A new book's first scorecard gives way to the source's scorecards. */
  if (!_vigil_store_exec_sql (copy->to, "DELETE FROM scorecards", _("Copying the book"), error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (copy_tables); i++)
    {
      guint64 rows = 0;

      if (!copy_table (copy, &copy_tables[i], &rows, error))
        return FALSE;
      if (g_str_equal (copy_tables[i].name, "sources"))
        stats->sources = rows;
      else if (g_str_equal (copy_tables[i].name, "customers"))
        stats->customers = rows;
      else if (g_str_equal (copy_tables[i].name, "snapshots"))
        stats->snapshots = rows;
      stats->rows += rows;
    }
  if (vigil_store_is_shared (copy->to) && !set_identities (copy->to, error))
    return FALSE;
  return TRUE;
}

/**
 * _vigil_store_copy_table_columns:
 * @table: a table of the book
 *
 * For tests: the columns vigil_store_copy() copies of @table, as
 * "a, b, c", or %NULL when it copies none of it.
 */
const char *
_vigil_store_copy_table_columns (const char *table)
{
  for (guint i = 0; i < G_N_ELEMENTS (copy_tables); i++)
    if (g_str_equal (copy_tables[i].name, table))
      return copy_tables[i].columns;
  return NULL;
}

/**
 * vigil_store_copy:
 * @from: the book copied, only read (in one read transaction: a poll
 *   writing meanwhile is either wholly in the copy or not at all)
 * @to: the book written: an empty one (design 4)
 * @flags: how
 * @progress: (nullable) (scope call): told of the rows of each table as
 *   they are copied
 * @out_stats: (out) (optional): what was copied
 *
 * `vigil db copy` (design 4): every table of @from into @to, with its
 * ids, in one transaction of @to (a failure anywhere leaves @to as it
 * was), on any engines: a file, or a team's book on PostgreSQL.
 * Refuses a @to that is not empty, naming what it holds, unless
 * %VIGIL_STORE_COPY_MERGE: then @from is joined into @to (sources by
 * name, records by source and id, then by keys as within one book, what
 * the CSMs wrote following the accounts), with new ids; into an empty
 * @to it is the plain copy. A merge brings the triggers up to date
 * after its commit, as an import does.
 *
 * Returns: whether @to now holds the copy, else @error is set
 */
gboolean
vigil_store_copy (VigilStore             *from,
                  VigilStore             *to,
                  VigilStoreCopyFlags     flags,
                  VigilStoreCopyProgress  progress,
                  gpointer                user_data,
                  VigilStoreCopyStats    *out_stats,
                  GError                **error)
{
  g_autoptr(GString) data = g_string_sized_new (COPY_CHUNK_BYTES + 4096);
  g_autoptr(GString) held = g_string_new (NULL);
  gboolean merge = (flags & VIGIL_STORE_COPY_MERGE) != 0;
  VigilStoreCopyStats stats = { 0 };
  Copy copy = { from, to, progress, user_data, data };
  gboolean bulk = FALSE;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (from), FALSE);
  g_return_val_if_fail (VIGIL_IS_STORE (to), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_strcmp0 (from->path, to->path) == 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("%s cannot be copied into itself"), from->path);
      return FALSE;
    }

  /* The target's write lock first, then its look: nothing can be
   * written into it between the look and the copy. A merge reads the
   * target as it was through a second connection (the ingest's), which
   * the write-ahead log lets it do: no bulk journal then. */
  if (merge ? !vigil_store_begin (to, error) : !_vigil_store_begin_bulk (to, &bulk, error))
    return FALSE;
  ok = read_contents (to, held, error) &&
       (merge || check_empty (to, held, error)) &&
       _vigil_store_begin_read (from, _("Reading the book to copy"), error);
  /* --merge into an empty book is the plain copy, ids kept */
  if (ok && held->len > 0)
    ok = _vigil_store_merge_into (from, to, progress, user_data, &stats, error);
  else if (ok)
    ok = copy_tables_into (&copy, &stats, error);
  if (vigil_sql_in_transaction (from->db))
    vigil_sql_exec (from->db, "COMMIT");
  ok = _vigil_store_end_transaction (to, ok, error);
  if (bulk)
    _vigil_store_end_bulk (to);
  if (!ok)
    return FALSE;
  if (!_vigil_store_reload_features (to, error))
    return FALSE;
  if (stats.merged)
    {
      g_autoptr(GError) trigger_error = NULL;
      guint opened = 0;

      /* What was joined stays joined if the triggers cannot be brought
       * up to date; the next poll or import will (as after an import). */
      if (!vigil_triggers_update (to, g_get_real_time () / G_USEC_PER_SEC, &opened, &trigger_error))
        g_debug ("Triggers not updated: %s", trigger_error->message);
    }
  if (out_stats != NULL)
    *out_stats = stats;
  return TRUE;
}

