/* vigil-store-ingest.c: customers, snapshots and features as imports and polls write them
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "vigil-error.h"
#include "vigil-store-private.h"
#include "vigil-time.h"

/* The columns of LOOKUP_RECORD_COLUMNS, from column @first on. */
static void
read_record_ref (VigilSqlStmt    *stmt,
                 int              first,
                 VigilRecordRef  *out)
{
  out->record_id = vigil_sql_column_int64 (stmt, first);
  out->customer_id = vigil_sql_column_int64 (stmt, first + 1);
  out->shared = vigil_sql_column_int64 (stmt, first + 2) != 0;
  out->main = vigil_sql_column_int64 (stmt, first + 3) != 0;
  out->newest = vigil_sql_column_is_null (stmt, first + 4)
                ? G_MININT64 : vigil_sql_column_int64 (stmt, first + 4);
}

/* Looks up the record @external_id of @source_id: its id, its account
 * and whether the account has other records. */
gboolean
_vigil_store_find_record (VigilStore      *self,
               gint64           source_id,
               const char      *external_id,
               VigilRecordRef  *out,
               gboolean        *out_found,
               GError         **error)
{
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_LOOKUP_RECORD, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  vigil_sql_bind_text (stmt, 2, external_id, -1);
  rc = vigil_sql_step (stmt);
  *out_found = rc == VIGIL_SQL_ROW;
  if (rc == VIGIL_SQL_ROW)
    read_record_ref (stmt, 0, out);
  vigil_sql_reset_unbound (stmt);
  if (rc != VIGIL_SQL_ROW && rc != VIGIL_SQL_DONE)
    return _vigil_store_set_sqlite_error (self, error, _("Adding a customer"));
  return TRUE;
}

#ifdef HAVE_POSTGRESQL
/* Records looked up with one statement on PostgreSQL. */
#define RECORDS_AT_ONCE 1000

/* _vigil_store_find_records() on PostgreSQL: RECORDS_AT_ONCE records a
 * statement, where a statement each would be a round trip each. */
static gboolean
find_records_shared (VigilStore          *self,
                     gint64               source_id,
                     const char * const  *external_ids,
                     guint                n,
                     VigilRecordRef      *out,
                     gboolean            *out_found,
                     GError             **error)
{
  /* the ids as rows joined to the records, so that the server looks
   * each up by the key, whatever it thinks the table holds */
  static const char sql[] =
    "SELECT r.external_id, " LOOKUP_RECORD_COLUMNS
    " JOIN unnest (CAST (?2 AS text[])) AS wanted (external_id)"
    " ON wanted.external_id = r.external_id"
    " WHERE r.source_id = ?1";
  const char *doing = _("Adding a customer");
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      g_hash_table_insert (index, (gpointer) external_ids[i], GUINT_TO_POINTER (i));
      out_found[i] = FALSE;
    }
  for (guint start = 0; start < n; start += RECORDS_AT_ONCE)
    {
      guint count = MIN (RECORDS_AT_ONCE, n - start);
      g_autofree char *array = _vigil_store_pg_text_array (external_ids + start, count);
      VigilSqlStmt *stmt;
      gpointer at;
      int rc;

      if (!(stmt = _vigil_store_cached (self, sql, doing, error)))
        return FALSE;
      vigil_sql_bind_int64 (stmt, 1, source_id);
      vigil_sql_bind_text (stmt, 2, array, -1);
      while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
        if (g_hash_table_lookup_extended (index, vigil_sql_column_text (stmt, 0), NULL, &at))
          {
            read_record_ref (stmt, 1, &out[GPOINTER_TO_UINT (at)]);
            out_found[GPOINTER_TO_UINT (at)] = TRUE;
          }
      if (!_vigil_store_finish_cached_rows (self, stmt, rc, doing, error))
        return FALSE;
    }
  return TRUE;
}
#endif

/* _vigil_store_find_record() for each of @n different @external_ids of
 * @source_id, into @out and @out_found. */
gboolean
_vigil_store_find_records (VigilStore          *self,
                           gint64               source_id,
                           const char * const  *external_ids,
                           guint                n,
                           VigilRecordRef      *out,
                           gboolean            *out_found,
                           GError             **error)
{
#ifdef HAVE_POSTGRESQL
  if (vigil_store_is_shared (self))
    return find_records_shared (self, source_id, external_ids, n, out, out_found, error);
#endif
  for (guint i = 0; i < n; i++)
    if (!_vigil_store_find_record (self, source_id, external_ids[i], &out[i], &out_found[i], error))
      return FALSE;
  return TRUE;
}

/* Rows an ingest stores from which, on PostgreSQL, the server's
 * statistics of the tables it wrote are brought up to date. */
#define ANALYZE_AFTER_ROWS 1000

#ifdef HAVE_POSTGRESQL
/* The tables an ingest writes, and the columns of each the reads after
 * it join and filter on: the plans need the tables' sizes and their
 * keys' figures, and the wide text columns (features, names) were four
 * fifths of the ANALYZE's time (a 10,000-customer poll: 170 ms against
 * 35). Autovacuum analyzes every column later. */
static const struct
{
  const char *table;
  const char *columns;
} analyzed_tables[] = {
  { "customers", "id, source_id, owner, latest_at, main_record" },
  { "records", "id, source_id, external_id, customer_id" },
  { "snapshots", "customer_id, observed_at, seats" },
  { "scores", "customer_id, observed_at, health, tier" },
};

/* How many times its size when its statistics were taken a table
 * grows before an ingest takes them again. */
#define ANALYZE_AFTER_GROWTH 4

/* Which of analyzed_tables are worth analyzing before the commit, into
 * @outgrew: those that have no statistics (pg_class.reltuples -1), and
 * those now over ANALYZE_AFTER_GROWTH times the size on disk they had
 * when their statistics were taken (pg_class.relpages). The planner
 * scales the row counts of older statistics by the table's size on
 * disk, so a table that grew by a day of a daily poll is planned for as
 * it is; one that had no statistics is not (a first poll's 10,000
 * customers were read with a plan made for none, in 20 s rather than
 * 1), and one that grew many times over may hold rows unlike those its
 * statistics describe (a year of history imported into a book of one
 * day). */
static gboolean
tables_outgrew_statistics (VigilStore  *self,
                           gboolean     outgrew[G_N_ELEMENTS (analyzed_tables)],
                           GError     **error)
{
  static const char sql[] =
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'vigil' AND c.relkind = 'r' "
    "AND (c.reltuples < 0 OR pg_relation_size (c.oid) > " G_STRINGIFY (ANALYZE_AFTER_GROWTH)
    " * c.relpages * CAST (current_setting ('block_size') AS bigint))";
  const char *doing = _("Saving");
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_cached (self, sql, doing, error)))
    return FALSE;
  /* The book's tables that outgrew theirs: those of analyzed_tables count. */
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    for (gsize i = 0; i < G_N_ELEMENTS (analyzed_tables); i++)
      if (g_strcmp0 (vigil_sql_column_text (stmt, 0), analyzed_tables[i].table) == 0)
        outgrew[i] = TRUE;
  return _vigil_store_finish_cached_rows (self, stmt, rc, doing, error);
}
#endif

/* On PostgreSQL, before the commit of an ingest that stored @rows rows:
 * the tables it wrote that outgrew their statistics
 * (tables_outgrew_statistics()) analyzed in its transaction (ANALYZE
 * counts the transaction's own rows), so that the reads right after
 * it, the triggers', are planned for the tables as they are now
 * (autovacuum analyzes them too, but later). A daily poll into a book
 * with history analyzes none: the ANALYZE was a tenth of the server's
 * work in it (design 7). */
gboolean
_vigil_store_update_statistics (VigilStore  *self,
                                guint64      rows,
                                GError     **error)
{
#ifdef HAVE_POSTGRESQL
  gboolean outgrew[G_N_ELEMENTS (analyzed_tables)] = { FALSE, };
  g_autoptr(GString) analyze = NULL;

  if (!vigil_store_is_shared (self) || rows < ANALYZE_AFTER_ROWS)
    return TRUE;
  if (!tables_outgrew_statistics (self, outgrew, error))
    return FALSE;
  analyze = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (analyzed_tables); i++)
    /* our own names, no data */
    if (outgrew[i])
      g_string_append_printf (analyze, "%s%s (%s)", analyze->len == 0 ? "ANALYZE " : ", ",
                              analyzed_tables[i].table, analyzed_tables[i].columns);
  if (analyze->len == 0)
    return TRUE;
  return _vigil_store_exec_sql (self, analyze->str, _("Saving"), error);
#else
  (void) self;
  (void) rows;
  (void) error;
  return TRUE;
#endif
}

/* The record @external_id of @source_id, added if missing as an account
 * of its own (design 2.6: its keys may join it to others later). */
gboolean
_vigil_store_ensure_record (VigilStore      *self,
                            gint64           source_id,
                            const char      *external_id,
                            VigilRecordRef  *out,
                            GError         **error)
{
  VigilSqlStmt *stmt;
  gboolean found = FALSE;

  if (!_vigil_store_find_record (self, source_id, external_id, out, &found, error))
    return FALSE;
  if (found)
    return TRUE;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_CUSTOMER, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  vigil_sql_bind_text (stmt, 2, external_id, -1);
  if (!_vigil_store_step_insert (self, stmt, _("Adding a customer"), &out->customer_id, error))
    return FALSE;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_RECORD, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  vigil_sql_bind_text (stmt, 2, external_id, -1);
  vigil_sql_bind_int64 (stmt, 3, out->customer_id);
  if (!_vigil_store_step_insert (self, stmt, _("Adding a customer"), &out->record_id, error))
    return FALSE;
  out->shared = FALSE;
  out->main = TRUE;
  out->newest = G_MININT64;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_SET_MAIN_RECORD, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, out->customer_id);
  vigil_sql_bind_int64 (stmt, 2, out->record_id);
  return _vigil_store_step_queued (self, stmt, _("Adding a customer"), error);
}

/* Binds what a new customer and its record are given: the source (1),
 * the external id (2), name, plan, owner and segment (3 to 6) and the
 * time they were last seen (7). */
static void
bind_new_record (VigilSqlStmt         *stmt,
                 gint64                source_id,
                 const char           *external_id,
                 const VigilSnapshot  *attributes,
                 gint64                latest_at)
{
  vigil_sql_bind_int64 (stmt, 1, source_id);
  vigil_sql_bind_text (stmt, 2, external_id, -1);
  _vigil_store_bind_text_or_null (stmt, 3, attributes->name);
  _vigil_store_bind_text_or_null (stmt, 4, attributes->plan);
  _vigil_store_bind_text_or_null (stmt, 5, attributes->owner);
  _vigil_store_bind_text_or_null (stmt, 6, attributes->segment);
  vigil_sql_bind_int64 (stmt, 7, latest_at);
}

#ifdef HAVE_POSTGRESQL
/* A line of the COPY of customers (@first: the account's id, then the
 * source's) or of records (the record's, then the source's), with what
 * both tables keep of a new record, then @last (the main record, the
 * account). */
static void
append_new_record_line (GString              *lines,
                        gint64                first,
                        gint64                source_id,
                        const VigilNewRecord *record,
                        gint64                last)
{
  const char *attributes[] = {
    record->external_id, record->attributes->name, record->attributes->plan,
    record->attributes->owner, record->attributes->segment,
  };

  g_string_append_printf (lines, "%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT, first, source_id);
  for (guint i = 0; i < G_N_ELEMENTS (attributes); i++)
    {
      g_string_append_c (lines, '\t');
      vigil_sql_pg_copy_append_text (lines, attributes[i]);
    }
  g_string_append_printf (lines, "\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\n",
                          record->latest_at, last);
}

/**
 * _vigil_store_add_reserved_records:
 * @records: (array length=n): new records, each with the ids
 *   _vigil_store_reserve_record_ids() gave it
 *
 * PostgreSQL only: what _vigil_store_add_record() does for each of
 * @records, each an account of its own, its main record set as it is
 * added: the accounts with one COPY, then the records with another, a
 * round trip each for them all.
 */
gboolean
_vigil_store_add_reserved_records (VigilStore            *self,
                                   gint64                 source_id,
                                   const VigilNewRecord  *records,
                                   guint                  n,
                                   GError               **error)
{
  g_autoptr(GString) customers = g_string_sized_new (128 * n);
  g_autoptr(GString) lines = g_string_sized_new (128 * n);

  g_assert (vigil_store_is_shared (self));

  for (guint i = 0; i < n; i++)
    {
      append_new_record_line (customers, records[i].ids.customer_id, source_id, &records[i],
                              records[i].ids.record_id);
      append_new_record_line (lines, records[i].ids.record_id, source_id, &records[i],
                              records[i].ids.customer_id);
    }
  if (!vigil_sql_pg_copy_begin (self->db, "COPY customers (id, source_id, external_id, name, plan, owner, "
                                "segment, latest_at, main_record) FROM STDIN") ||
      !vigil_sql_pg_copy_put (self->db, customers->str, customers->len) ||
      !vigil_sql_pg_copy_end (self->db) ||
      !vigil_sql_pg_copy_begin (self->db, "COPY records (id, source_id, external_id, name, plan, owner, "
                                "segment, latest_at, customer_id) FROM STDIN") ||
      !vigil_sql_pg_copy_put (self->db, lines->str, lines->len) ||
      !vigil_sql_pg_copy_end (self->db))
    return _vigil_store_set_sqlite_error (self, error, _("Adding a customer"));
  return TRUE;
}
#endif

/**
 * _vigil_store_reserve_record_ids:
 * @out: (array length=n): filled with the ids of @n new accounts and
 *   their records, in ascending order
 *
 * PostgreSQL only: takes ids from the tables' sequences, as the inserts
 * without an id would, @n of each with one statement, for the new
 * records that _vigil_store_add_reserved_records() then adds.
 */
gboolean
_vigil_store_reserve_record_ids (VigilStore      *self,
                                 guint            n,
                                 VigilRecordRef  *out,
                                 GError         **error)
{
  /* Each sequence moved on by @n at once: the ids between are ours.
   * Only the writer holding the book's write lock adds accounts, so no
   * other session takes one in between (one that did would collide
   * with ours on the key, and the transaction would fail, not mix). */
  static const char sql[] =
    "SELECT setval (c.seq, nextval (c.seq) + ?1 - 1), setval (r.seq, nextval (r.seq) + ?1 - 1) "
    "FROM (SELECT CAST (pg_get_serial_sequence ('customers', 'id') AS regclass) AS seq) AS c, "
    "(SELECT CAST (pg_get_serial_sequence ('records', 'id') AS regclass) AS seq) AS r";
  const char *doing = _("Adding a customer");
  gint64 last_customer = 0, last_record = 0;
  VigilSqlStmt *stmt;
  int rc;

  g_assert (vigil_store_is_shared (self));
  g_assert (n > 0);

  if (!(stmt = _vigil_store_cached (self, sql, doing, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, n);
  if ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      last_customer = vigil_sql_column_int64 (stmt, 0);
      last_record = vigil_sql_column_int64 (stmt, 1);
    }
  if (!_vigil_store_finish_cached_rows (self, stmt, rc, doing, error))
    return FALSE;
  if (rc != VIGIL_SQL_ROW)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE, _("%s: the database gave no new ids"), doing);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    out[i] = (VigilRecordRef) {
      .record_id = last_record - n + 1 + i,
      .customer_id = last_customer - n + 1 + i,
      .shared = FALSE,
      .main = TRUE,
      .newest = G_MININT64,   /* a new account: no snapshot yet */
    };
  return TRUE;
}

/* The record @external_id of @source_id, which the caller knows is not
 * in the store, added as an account of its own (design 2.6) with its
 * name, plan, owner and segment as last seen at @latest_at: what
 * _vigil_store_ensure_record() and then setting them with
 * vigil_store_update_customer() and _vigil_store_update_record() give
 * (on a row that holds nothing yet, the newest-wins rule takes every
 * value given), in half the statements: an ingest or a first poll adds
 * thousands at once (on PostgreSQL, _vigil_store_add_reserved_records()
 * adds many with fewer round trips). */
gboolean
_vigil_store_add_record (VigilStore           *self,
                         gint64                source_id,
                         const char           *external_id,
                         const VigilSnapshot  *attributes,
                         gint64                latest_at,
                         VigilRecordRef       *out,
                         GError              **error)
{
#define CUSTOMER_SQL(E) \
    "INSERT INTO customers (source_id, external_id, name, plan, owner, segment, latest_at) " \
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" SQL_RETURNING_ID_##E
#define RECORD_SQL(E) \
    "INSERT INTO records (source_id, external_id, name, plan, owner, segment, latest_at, customer_id) " \
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" SQL_RETURNING_ID_##E
  static const char * const customer_sql[] = ENGINE_SQL (CUSTOMER_SQL);
  static const char * const record_sql[] = ENGINE_SQL (RECORD_SQL);
#undef CUSTOMER_SQL
#undef RECORD_SQL
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_cached (self, ENGINE_TEXT (self, customer_sql), _("Adding a customer"), error)))
    return FALSE;
  bind_new_record (stmt, source_id, external_id, attributes, latest_at);
  if (!_vigil_store_step_insert (self, stmt, _("Adding a customer"), &out->customer_id, error))
    return FALSE;

  if (!(stmt = _vigil_store_cached (self, ENGINE_TEXT (self, record_sql), _("Adding a customer"), error)))
    return FALSE;
  bind_new_record (stmt, source_id, external_id, attributes, latest_at);
  vigil_sql_bind_int64 (stmt, 8, out->customer_id);
  if (!_vigil_store_step_insert (self, stmt, _("Adding a customer"), &out->record_id, error))
    return FALSE;
  out->shared = FALSE;
  out->main = TRUE;
  out->newest = G_MININT64;   /* a new account: no snapshot yet */

  if (!(stmt = _vigil_store_get_stmt (self, STMT_SET_MAIN_RECORD, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, out->customer_id);
  vigil_sql_bind_int64 (stmt, 2, out->record_id);
  return _vigil_store_step_queued (self, stmt, _("Adding a customer"), error);
}

/* design 2.6: adds the record @external_id of @source_id to account
 * @customer_id, as one more of its records (not its main record). */
gboolean
_vigil_store_attach_record (VigilStore      *self,
                            gint64           source_id,
                            const char      *external_id,
                            gint64           customer_id,
                            VigilRecordRef  *out,
                            GError         **error)
{
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_RECORD, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  vigil_sql_bind_text (stmt, 2, external_id, -1);
  vigil_sql_bind_int64 (stmt, 3, customer_id);
  if (!_vigil_store_step_insert (self, stmt, _("Adding a customer"), &out->record_id, error))
    return FALSE;
  out->customer_id = customer_id;
  out->shared = TRUE;
  out->main = FALSE;
  out->newest = G_MININT64;   /* its rows are observations */
  return _vigil_store_note_source_added (self, out->record_id, error);
}

/**
 * vigil_store_ensure_customer:
 *
 * Returns: the id of the account of the record @external_id of
 *   @source_id, added as an account of its own if missing, or -1 with
 *   @error set
 */
gint64
vigil_store_ensure_customer (VigilStore  *self,
                             gint64       source_id,
                             const char  *external_id,
                             GError     **error)
{
  VigilRecordRef record;

  g_return_val_if_fail (VIGIL_IS_STORE (self), -1);
  g_return_val_if_fail (external_id != NULL, -1);

  if (!_vigil_store_ensure_record (self, source_id, external_id, &record, error))
    return -1;
  return record.customer_id;
}

/* Sets a customer's or a record's name, plan, owner and segment where
 * known, by the newest-wins rule both statements hold. */
static gboolean
update_attributes (VigilStore           *self,
                   StmtId                statement,
                   gint64                id,
                   const VigilSnapshot  *attributes,
                   gint64                latest_at,
                   GError              **error)
{
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_get_stmt (self, statement, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, id);
  _vigil_store_bind_text_or_null (stmt, 2, attributes->name);
  _vigil_store_bind_text_or_null (stmt, 3, attributes->plan);
  _vigil_store_bind_text_or_null (stmt, 4, attributes->owner);
  _vigil_store_bind_text_or_null (stmt, 5, attributes->segment);
  vigil_sql_bind_int64 (stmt, 6, latest_at);
  return _vigil_store_step_queued (self, stmt, _("Updating a customer"), error);
}

#ifdef HAVE_POSTGRESQL
/* Attributes updated with one statement on PostgreSQL. */
#define ATTRIBUTES_AT_ONCE 5000

/* The rows given as arrays (u), one a row of @table (t). */
#define UPDATE_FROM_ROWS \
  "FROM unnest (CAST (?1 AS bigint[]), CAST (?2 AS text[]), CAST (?3 AS text[]), " \
  "CAST (?4 AS text[]), CAST (?5 AS text[]), CAST (?6 AS bigint[])) " \
  "AS u (id, name, plan, owner, segment, latest_at) WHERE t.id = u.id"
/* u's @column by the newest-wins rule of STMT_UPDATE_CUSTOMER and
 * STMT_UPDATE_RECORD. */
#define NEWEST_WINS(column) \
  "CASE WHEN u.latest_at >= coalesce (t.latest_at, u.latest_at) " \
  "THEN coalesce (u." column ", t." column ") ELSE coalesce (t." column ", u." column ") END"
#define NEWEST_LATEST_AT "CASE WHEN t.latest_at > u.latest_at THEN t.latest_at ELSE u.latest_at END"
/* That rule for rows given as arrays rather than parameters. A row it
 * would leave as it is is not written (no new row version, no index
 * entries): a poll that brings nothing new writes none of them. */
#define UPDATE_MANY_SQL(table) \
  "UPDATE " table " AS t SET name = " NEWEST_WINS ("name") ", plan = " NEWEST_WINS ("plan") ", " \
  "owner = " NEWEST_WINS ("owner") ", segment = " NEWEST_WINS ("segment") ", " \
  "latest_at = " NEWEST_LATEST_AT " " UPDATE_FROM_ROWS " " \
  "AND (t.name, t.plan, t.owner, t.segment, t.latest_at) IS DISTINCT FROM " \
  "(" NEWEST_WINS ("name") ", " NEWEST_WINS ("plan") ", " NEWEST_WINS ("owner") ", " \
  NEWEST_WINS ("segment") ", " NEWEST_LATEST_AT ")"
/* _vigil_store_update_many() on PostgreSQL: ATTRIBUTES_AT_ONCE rows a
 * statement, where a daily poll of 10,000 customers made 20,000
 * statements, a round trip and a statement trigger each. */
static gboolean
update_many_shared (VigilStore                  *self,
                    gboolean                     customers,
                    const VigilAttributeUpdate  *rows,
                    guint                        n,
                    GError                     **error)
{
  static const char customers_sql[] = UPDATE_MANY_SQL ("customers");
  static const char records_sql[] = UPDATE_MANY_SQL ("records");
  const char *doing = _("Updating a customer");

  for (guint start = 0; start < n; start += ATTRIBUTES_AT_ONCE)
    {
      guint count = MIN (ATTRIBUTES_AT_ONCE, n - start);
      g_autofree gint64 *ids = g_new (gint64, count);
      g_autofree gint64 *latest = g_new (gint64, count);
      g_autofree const char **texts = g_new (const char *, 4 * count);
      g_autofree char *id_array = NULL;
      g_autofree char *latest_array = NULL;
      char *text_arrays[4];
      VigilSqlStmt *stmt;
      gboolean ok;

      for (guint i = 0; i < count; i++)
        {
          const VigilAttributeUpdate *row = &rows[start + i];

          ids[i] = row->id;
          latest[i] = row->latest_at;
          texts[i] = row->attributes->name;
          texts[count + i] = row->attributes->plan;
          texts[2 * count + i] = row->attributes->owner;
          texts[3 * count + i] = row->attributes->segment;
        }
      if (!(stmt = _vigil_store_cached (self, customers ? customers_sql : records_sql, doing, error)))
        return FALSE;
      id_array = _vigil_store_pg_int_array (ids, count);
      latest_array = _vigil_store_pg_int_array (latest, count);
      for (guint column = 0; column < 4; column++)
        text_arrays[column] = _vigil_store_pg_text_array (texts + column * count, count);
      vigil_sql_bind_text (stmt, 1, id_array, -1);
      for (guint column = 0; column < 4; column++)
        vigil_sql_bind_text (stmt, 2 + column, text_arrays[column], -1);
      vigil_sql_bind_text (stmt, 6, latest_array, -1);
      ok = _vigil_store_step_queued (self, stmt, doing, error);
      for (guint column = 0; column < 4; column++)
        g_free (text_arrays[column]);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}
#endif

/**
 * _vigil_store_update_many:
 * @customers: whether @rows are accounts (customers rows) or records
 * @rows: (array length=n): each a different account or record
 *
 * vigil_store_update_customer() or _vigil_store_update_record() for
 * each of @rows: one by one on SQLite, which answers in process, with a
 * statement for many on PostgreSQL (design 1).
 */
gboolean
_vigil_store_update_many (VigilStore                  *self,
                          gboolean                     customers,
                          const VigilAttributeUpdate  *rows,
                          guint                        n,
                          GError                     **error)
{
#ifdef HAVE_POSTGRESQL
  if (vigil_store_is_shared (self))
    return update_many_shared (self, customers, rows, n, error);
#endif
  for (guint i = 0; i < n; i++)
    if (!update_attributes (self, customers ? STMT_UPDATE_CUSTOMER : STMT_UPDATE_RECORD, rows[i].id,
                            rows[i].attributes, rows[i].latest_at, error))
      return FALSE;
  return TRUE;
}

/**
 * vigil_store_update_customer:
 * @attributes: name, plan, owner and segment to set where known
 * @latest_at: the time of the customer's newest snapshot so far
 */
gboolean
vigil_store_update_customer (VigilStore           *self,
                             gint64                customer_id,
                             const VigilSnapshot  *attributes,
                             gint64                latest_at,
                             GError              **error)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (attributes != NULL, FALSE);

  return update_attributes (self, STMT_UPDATE_CUSTOMER, customer_id, attributes, latest_at, error);
}

/* Adds feature @name to the features table with the @id the ingest gave
 * it (the next rowid: the ingest holds the write lock, so no other
 * Vigil adds one meanwhile), and to the store's own maps. */
gboolean
_vigil_store_insert_feature (VigilStore  *self,
                             int          id,
                             const char  *name,
                             GError     **error)
{
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_FEATURE, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, id);
  vigil_sql_bind_text (stmt, 2, name, -1);
  if (!_vigil_store_step_done (self, stmt, _("Adding a feature"), error))
    return FALSE;

  g_hash_table_insert (self->feature_ids, g_strdup (name), GINT_TO_POINTER (id));
  g_hash_table_insert (self->feature_names, GINT_TO_POINTER (id), g_strdup (name));
  return TRUE;
}

/* YYYY-MM-DD into @buffer, without printf: this runs for every
 * snapshot of an import, where printf's parsing shows in profiles. */
const char *
_vigil_store_format_day (gint32 day,
                         char   buffer[16])
{
  int y, m, d;

  vigil_date_to_civil (day, &y, &m, &d);
  if (y < 0 || y > 9999)
    return NULL;
  buffer[0] = (char) ('0' + y / 1000);
  buffer[1] = (char) ('0' + y / 100 % 10);
  buffer[2] = (char) ('0' + y / 10 % 10);
  buffer[3] = (char) ('0' + y % 10);
  buffer[4] = '-';
  buffer[5] = (char) ('0' + m / 10);
  buffer[6] = (char) ('0' + m % 10);
  buffer[7] = '-';
  buffer[8] = (char) ('0' + d / 10);
  buffer[9] = (char) ('0' + d % 10);
  buffer[10] = '\0';
  return buffer;
}

/* Binds a score from parameter @first on: its explanation is not
 * stored, it follows from the snapshot and the scorecard version. */
static void
bind_score (VigilSqlStmt     *stmt,
            int               first,
            const VigilScore *score)
{
  vigil_sql_bind_int64 (stmt, first, score->version);
  _vigil_store_bind_double_or_null (stmt, first + 1, score->health);
  _vigil_store_bind_text_or_null (stmt, first + 2, vigil_tier_get_id (score->tier));
}

/* The key (customer or record), the time and the observed columns of
 * the snapshots and observations tables, in their order; @features is
 * @features_length bytes (-1: up to its NUL). */
static void
bind_observed (VigilSqlStmt         *stmt,
               int                   first,
               gint64                key,
               const VigilSnapshot  *snapshot,
               const char           *renewal,
               const char           *features,
               gssize                features_length)
{
  int i = first - 1;

  vigil_sql_bind_int64 (stmt, i + 1, key);
  vigil_sql_bind_int64 (stmt, i + 2, snapshot->observed_at);
  _vigil_store_bind_int_or_null (stmt, i + 3, snapshot->last_active);
  _vigil_store_bind_double_or_null (stmt, i + 4, snapshot->mrr);
  _vigil_store_bind_int_or_null (stmt, i + 5, snapshot->seats);
  _vigil_store_bind_int_or_null (stmt, i + 6, snapshot->seats_used);
  _vigil_store_bind_int_or_null (stmt, i + 7, snapshot->api_calls_7d);
  _vigil_store_bind_int_or_null (stmt, i + 8, snapshot->features_used);
  _vigil_store_bind_int_or_null (stmt, i + 9, snapshot->open_tickets);
  _vigil_store_bind_int_or_null (stmt, i + 10, snapshot->nps);
  if (renewal != NULL)
    vigil_sql_bind_text (stmt, i + 11, renewal, 10);
  else
    vigil_sql_bind_null (stmt, i + 11, VIGIL_SQL_TEXT);
  _vigil_store_bind_text_or_null (stmt, i + 12, snapshot->plan);
  if (features != NULL)
    vigil_sql_bind_text (stmt, i + 13, features, (int) features_length);
  else
    vigil_sql_bind_null (stmt, i + 13, VIGIL_SQL_TEXT);
}

/* design 2.6: whether the snapshots of @customer_id already hold its
 * main record's observation at @observed_at. */
gboolean
_vigil_store_find_implicit_observation (VigilStore  *self,
                           gint64       customer_id,
                           gint64       observed_at,
                           gboolean    *out_found,
                           GError     **error)
{
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_FIND_IMPLICIT, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  vigil_sql_bind_int64 (stmt, 2, observed_at);
  rc = vigil_sql_step (stmt);
  *out_found = rc == VIGIL_SQL_ROW;
  vigil_sql_reset_unbound (stmt);
  if (rc != VIGIL_SQL_ROW && rc != VIGIL_SQL_DONE)
    return _vigil_store_set_sqlite_error (self, error, _("Storing a snapshot"));
  return TRUE;
}

/* design 2.6: a raw observation of a record of a multi-record account.
 * Another record's stays in observations; the main record's waits there
 * until the account's merged snapshots are rebuilt, which take it in
 * (check _vigil_store_find_implicit_observation() first for those). */
gboolean
_vigil_store_insert_observation (VigilStore           *self,
                                 gint64                record_id,
                                 const VigilSnapshot  *snapshot,
                                 const char           *features,
                                 gssize                features_length,
                                 gboolean             *out_inserted,
                                 GError              **error)
{
  const char *renewal = NULL;
  char renewal_buffer[16];
  VigilSqlStmt *stmt;

  if (snapshot->renewal_day != VIGIL_UNKNOWN_DAY)
    renewal = _vigil_store_format_day (snapshot->renewal_day, renewal_buffer);
  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_OBSERVATION, error)))
    return FALSE;
  bind_observed (stmt, 1, record_id, snapshot, renewal, features, features_length);
  if (!_vigil_store_step_done (self, stmt, _("Storing a snapshot"), error))
    return FALSE;
  *out_inserted = vigil_sql_changes (self->db) > 0;
  return TRUE;
}

/* A record's own latest attributes, by the rule customers rows follow. */
gboolean
_vigil_store_update_record (VigilStore           *self,
                            gint64                record_id,
                            const VigilSnapshot  *attributes,
                            gint64                latest_at,
                            GError              **error)
{
  return update_attributes (self, STMT_UPDATE_RECORD, record_id, attributes, latest_at, error);
}

/* Stores @keys of a record (a key once seen stays); @out_added says
 * whether any was new, and so whether the record may join others. */
gboolean
_vigil_store_add_record_keys (VigilStore  *self,
                              gint64       record_id,
                              GPtrArray   *keys,
                              gboolean    *out_added,
                              GError     **error)
{
  VigilSqlStmt *stmt;

  *out_added = FALSE;
  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_RECORD_KEY, error)))
    return FALSE;
  for (guint i = 0; i < keys->len; i++)
    {
      vigil_sql_bind_text (stmt, 1, g_ptr_array_index (keys, i), -1);
      vigil_sql_bind_int64 (stmt, 2, record_id);
      if (!_vigil_store_step_done (self, stmt, _("Storing a record's keys"), error))
        return FALSE;
      if (vigil_sql_changes (self->db) > 0)
        *out_added = TRUE;
    }
  return TRUE;
}

/* "INSERT INTO @table (@columns) VALUES (?, …), …": the parameters of
 * VIGIL_STORE_ROWS_AT_ONCE rows of @n_columns each. SQL of our own
 * making, not of data. */
static char *
rows_at_once_sql (const char *table,
                  const char *columns,
                  int         n_columns)
{
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "INSERT INTO %s (%s) VALUES ", table, columns);
  for (int row = 0; row < VIGIL_STORE_ROWS_AT_ONCE; row++)
    {
      g_string_append (sql, row > 0 ? ", (?" : "(?");
      for (int column = 1; column < n_columns; column++)
        g_string_append (sql, ", ?");
      g_string_append_c (sql, ')');
    }
  return g_string_free (sql, FALSE);
}

static const char *
new_snapshots_sql (void)
{
  static char *sql;

  if (g_once_init_enter (&sql))
    g_once_init_leave (&sql, rows_at_once_sql ("snapshots", INSERTED_SNAPSHOT_COLUMNS,
                                               N_INSERTED_SNAPSHOT_COLUMNS));
  return sql;
}

static const char *
new_scores_sql (void)
{
  static char *sql;

  if (g_once_init_enter (&sql))
    g_once_init_leave (&sql, rows_at_once_sql ("scores", "customer_id, observed_at, version, health, tier", 5));
  return sql;
}

/**
 * _vigil_store_insert_new_snapshots:
 * @rows: (array fixed-size=VIGIL_STORE_ROWS_AT_ONCE): snapshots whose keys
 *   (customer, time) no row has, with their scores
 *
 * Stores @rows and their scores with one statement a table: most of what
 * SQLite does for a single row is starting and ending its statement,
 * done here once for VIGIL_STORE_ROWS_AT_ONCE rows (design 7). A key
 * already stored is an error (the caller knew better), not a row left
 * out: nothing then is written.
 */
gboolean
_vigil_store_insert_new_snapshots (VigilStore              *self,
                                   const VigilNewSnapshot  *rows,
                                   GError                 **error)
{
  const char *doing = _("Storing a snapshot");
  char renewals[VIGIL_STORE_ROWS_AT_ONCE][16];
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_cached_rebound (self, new_snapshots_sql (), doing, error)))
    return FALSE;
  for (int i = 0; i < VIGIL_STORE_ROWS_AT_ONCE; i++)
    {
      const VigilSnapshot *snapshot = rows[i].snapshot;
      const char *renewal = snapshot->renewal_day != VIGIL_UNKNOWN_DAY
        ? _vigil_store_format_day (snapshot->renewal_day, renewals[i]) : NULL;

      bind_observed (stmt, 1 + i * N_INSERTED_SNAPSHOT_COLUMNS, rows[i].customer_id, snapshot, renewal,
                     rows[i].features, rows[i].features_length);
    }
  if (!_vigil_store_step_queued (self, stmt, doing, error))
    return FALSE;

  if (!(stmt = _vigil_store_cached_rebound (self, new_scores_sql (), doing, error)))
    return FALSE;
  for (int i = 0; i < VIGIL_STORE_ROWS_AT_ONCE; i++)
    {
      int first = 1 + i * 5;

      vigil_sql_bind_int64 (stmt, first, rows[i].customer_id);
      vigil_sql_bind_int64 (stmt, first + 1, rows[i].snapshot->observed_at);
      vigil_sql_bind_int64 (stmt, first + 2, rows[i].version);
      _vigil_store_bind_double_or_null (stmt, first + 3, rows[i].health);
      _vigil_store_bind_text_or_null (stmt, first + 4, vigil_tier_get_id (rows[i].tier));
    }
  return _vigil_store_step_queued (self, stmt, doing, error);
}

#ifdef HAVE_POSTGRESQL
static void
append_int_or_null (GString *data,
                    gint64   value)
{
  if (value != VIGIL_UNKNOWN)
    vigil_sql_pg_copy_binary_int64 (data, value);
  else
    vigil_sql_pg_copy_binary_null (data);
}

static void
append_double_or_null (GString *data,
                       double   value)
{
  if (!isnan (value))
    vigil_sql_pg_copy_binary_double (data, value);
  else
    vigil_sql_pg_copy_binary_null (data);
}

/* @row as a row of the binary COPY of INSERTED_SNAPSHOT_COLUMNS: the
 * values bind_observed() binds. */
static void
append_new_snapshot (GString                *data,
                     const VigilNewSnapshot *row)
{
  const VigilSnapshot *snapshot = row->snapshot;
  const gint64 counts[] = {
    snapshot->seats, snapshot->seats_used, snapshot->api_calls_7d, snapshot->features_used,
    snapshot->open_tickets, snapshot->nps,
  };
  char renewal[16];

  vigil_sql_pg_copy_binary_row (data, N_INSERTED_SNAPSHOT_COLUMNS);
  vigil_sql_pg_copy_binary_int64 (data, row->customer_id);
  vigil_sql_pg_copy_binary_int64 (data, snapshot->observed_at);
  append_int_or_null (data, snapshot->last_active);
  append_double_or_null (data, snapshot->mrr);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    append_int_or_null (data, counts[i]);
  vigil_sql_pg_copy_binary_text (data, snapshot->renewal_day != VIGIL_UNKNOWN_DAY
                                       ? _vigil_store_format_day (snapshot->renewal_day, renewal) : NULL);
  vigil_sql_pg_copy_binary_text (data, snapshot->plan);
  vigil_sql_pg_copy_binary_text_len (data, row->features, row->features_length);
}

/* Sends @data, a binary COPY's rows, by @sql. */
static gboolean
copy_binary (VigilStore  *self,
             const char  *sql,
             GString     *data,
             GError     **error)
{
  vigil_sql_pg_copy_binary_trailer (data);
  if (!vigil_sql_pg_copy_begin (self->db, sql) ||
      !vigil_sql_pg_copy_put (self->db, data->str, data->len) ||
      !vigil_sql_pg_copy_end (self->db))
    return _vigil_store_set_sqlite_error (self, error, _("Storing a snapshot"));
  return TRUE;
}

/**
 * _vigil_store_copy_new_snapshots:
 * @rows: (array length=n): snapshots whose keys (customer, time) no row
 *   has, with their scores
 *
 * PostgreSQL only: what _vigil_store_insert_new_snapshots() does, for
 * any number of rows, with one binary COPY a table: a round trip or
 * three for them all, and a statement each for the server, where a
 * 10,000-customer poll's 32 rows a statement were some 700 statements,
 * each with its triggers to run (design 1).
 */
gboolean
_vigil_store_copy_new_snapshots (VigilStore             *self,
                                 const VigilNewSnapshot *rows,
                                 guint                   n,
                                 GError                **error)
{
  g_autoptr(GString) snapshots = g_string_sized_new (128 + 160 * (gsize) n);
  g_autoptr(GString) scores = g_string_sized_new (128 + 64 * (gsize) n);

  g_assert (vigil_store_is_shared (self));

  vigil_sql_pg_copy_binary_header (snapshots);
  vigil_sql_pg_copy_binary_header (scores);
  for (guint i = 0; i < n; i++)
    {
      append_new_snapshot (snapshots, &rows[i]);
      vigil_sql_pg_copy_binary_row (scores, 5);
      vigil_sql_pg_copy_binary_int64 (scores, rows[i].customer_id);
      vigil_sql_pg_copy_binary_int64 (scores, rows[i].snapshot->observed_at);
      vigil_sql_pg_copy_binary_int64 (scores, rows[i].version);
      append_double_or_null (scores, rows[i].health);
      vigil_sql_pg_copy_binary_text (scores, vigil_tier_get_id (rows[i].tier));
    }
  return copy_binary (self, "COPY snapshots (" INSERTED_SNAPSHOT_COLUMNS ") FROM STDIN (FORMAT binary)",
                      snapshots, error) &&
         copy_binary (self, "COPY scores (customer_id, observed_at, version, health, tier) "
                      "FROM STDIN (FORMAT binary)", scores, error);
}
#endif

/* vigil_store_insert_snapshot() with @features_length bytes of features
 * (-1: up to its NUL), for the ingest, which knows it. */
gboolean
_vigil_store_write_snapshot (VigilStore           *self,
                             gint64                customer_id,
                             const VigilSnapshot  *snapshot,
                             const char           *features,
                             gssize                features_length,
                             const VigilScore     *score,
                             gboolean             *out_inserted,
                             GError              **error)
{
  const char *renewal = NULL;
  char renewal_buffer[16];
  VigilSqlStmt *stmt;
  gboolean inserted;

  if (snapshot->renewal_day != VIGIL_UNKNOWN_DAY)
    renewal = _vigil_store_format_day (snapshot->renewal_day, renewal_buffer);

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_SNAPSHOT, error)))
    return FALSE;
  bind_observed (stmt, 1, customer_id, snapshot, renewal, features, features_length);
  if (!_vigil_store_step_done (self, stmt, _("Storing a snapshot"), error))
    return FALSE;

  inserted = vigil_sql_changes (self->db) > 0;
  if (out_inserted != NULL)
    *out_inserted = inserted;
  if (!inserted)
    return TRUE;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_SCORE, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  vigil_sql_bind_int64 (stmt, 2, snapshot->observed_at);
  bind_score (stmt, 3, score);
  return _vigil_store_step_done (self, stmt, _("Storing a snapshot"), error);
}

/**
 * vigil_store_insert_snapshot:
 * @features: (nullable): the features as stored, a JSON object from
 *   feature id to calls (the ingest encodes them), %NULL when unknown
 * @score: the score of @snapshot, with its explanation
 * @out_inserted: (out) (optional): %FALSE when the customer already has a
 *   snapshot at that time (the same data imported twice is stored once)
 *
 * Stores @snapshot, which must have its observed_at time set. Its
 * features_used is stored as given: set it to the count of features used.
 */
gboolean
vigil_store_insert_snapshot (VigilStore           *self,
                             gint64                customer_id,
                             const VigilSnapshot  *snapshot,
                             const char           *features,
                             const VigilScore     *score,
                             gboolean             *out_inserted,
                             GError              **error)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);
  g_return_val_if_fail (snapshot->observed_at != VIGIL_UNKNOWN, FALSE);
  g_return_val_if_fail (score != NULL, FALSE);

  return _vigil_store_write_snapshot (self, customer_id, snapshot, features, -1, score, out_inserted, error);
}
