/* vigil-store-merge.c: a book joined into one that has its own (vigil db copy --merge)
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
#include "vigil-ingest-private.h"
#include "vigil-store-private.h"

/* design 4, --merge. The source book's history is replayed into the
 * target through the ingest an import uses, a source at a time, in the
 * target's one open transaction: each record's raw observations at each
 * time, with its keys and attributes. So records join by (source,
 * external id), then by keys with the store's own join (design 2.6), and
 * an observation the target holds already is "already stored": the
 * target's stays. What the CSM wrote then follows each account to the
 * account its display record landed in, with new ids. */

/* Rows read from the source at a time (keyset pages: memory stays flat
 * on PostgreSQL too, whose steps walk a whole result). */
#define MERGE_PAGE_ROWS 8192

typedef struct
{
  VigilStore          *from;
  VigilStore          *to;
  VigilStoreCopyStats *stats;
  VigilStoreCopyProgress progress;       /* told of rows merged, when not NULL */
  gpointer             user_data;
  gint64               now;
  gint64               last_old_record;  /* the target's records: ids up to this */
  GHashTable          *accounts;         /* source account → target account (gint64) */
  GHashTable          *pulsed;           /* target account → its oldest pulse carried */
} Merge;

/* Told of each row of a page. */
typedef gboolean (*MergeRowFunc) (Merge         *merge,
                                  VigilSqlStmt  *row,
                                  gpointer       data,
                                  GError       **error);

/* Every row of @sql on the source, a page at a time, to @func. @sql's
 * first columns are its key (@key_types: 'i' integer, 't' text), bound
 * as ?1… for the page after the last row read (at first the least
 * values); @fixed, when not 0, is bound after them. */
static gboolean
foreach_source_row (Merge         *merge,
                    const char    *sql,
                    const char    *key_types,
                    gint64         fixed,
                    MergeRowFunc   func,
                    gpointer       data,
                    GError       **error)
{
  const char *reading = _("Reading the book to merge");
  guint n_key = (guint) strlen (key_types);
  g_autoptr(GPtrArray) last = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_sql_value_free);
  g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_sql_value_free);
  VigilSqlStmt *stmt;
  guint rows = MERGE_PAGE_ROWS;
  gboolean first = TRUE;
  gboolean ok = TRUE;

  if (!(stmt = _vigil_store_prepare (merge->from, sql, reading, error)))
    return FALSE;
  while (ok && rows == MERGE_PAGE_ROWS)
    {
      int rc;

      rows = 0;
      for (guint i = 0; i < n_key; i++)
        if (first && key_types[i] == 'i')
          vigil_sql_bind_int64 (stmt, (int) i + 1, G_MININT64);
        else if (first)
          vigil_sql_bind_text (stmt, (int) i + 1, "", 0);
        else
          vigil_sql_bind_value (stmt, (int) i + 1, last->pdata[i]);
      if (fixed != 0)
        vigil_sql_bind_int64 (stmt, (int) n_key + 1, fixed);
      first = FALSE;
      while (ok && (rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
        {
          ok = func (merge, stmt, data, error);
          rows++;
          /* the key bound stays as it is until the page is read */
          if (rows == MERGE_PAGE_ROWS)
            for (guint i = 0; i < n_key; i++)
              g_ptr_array_add (next, vigil_sql_column_value_dup (stmt, (int) i));
        }
      if (!ok)
        vigil_sql_reset (stmt);
      else
        ok = _vigil_store_finish_cached_rows (merge->from, stmt, rc, reading, error);
      g_ptr_array_set_size (last, 0);
      for (guint i = 0; i < next->len; i++)
        g_ptr_array_add (last, g_steal_pointer (&next->pdata[i]));
      g_ptr_array_set_size (next, 0);
    }
  vigil_sql_finalize (stmt);
  return ok;
}

/* A source of the source book, to replay. */
typedef struct
{
  gint64  id;
  char   *name;
} MergedSource;

static void
merged_source_clear (gpointer data)
{
  g_free (((MergedSource *) data)->name);
}

/* Sources join by name: the target's definition stays; one the target
 * lacks is added with the source book's. */
static gboolean
merge_source (Merge         *merge,
              VigilSqlStmt  *row,
              gpointer       data,
              GError       **error)
{
  GArray *sources = data;
  const char *name = vigil_sql_column_text (row, 1);
  MergedSource source = { vigil_sql_column_int64 (row, 0), NULL };
  gint64 id;

  if ((id = vigil_store_lookup_source (merge->to, name, error)) < 0)
    return FALSE;
  if (id > 0)
    merge->stats->sources_joined++;
  else if (!_vigil_store_copy_source_definition (merge->from, merge->to, name, error))
    return FALSE;
  merge->stats->sources++;
  source.name = g_strdup (name);
  g_array_append_val (sources, source);
  return TRUE;
}

/* One source's replay into the target: the ingest, and the record whose
 * keys were read last (rows come record by record). */
typedef struct
{
  VigilIngest *ingest;
  gint64       record;
  GPtrArray   *keys;
  VigilSqlStmt *read_keys;
  char        *label;   /* "snapshots (SOURCE)", for the progress */
  guint64      rows;
} Replay;

static gboolean
read_record_keys (Merge       *merge,
                  Replay      *replay,
                  gint64       record,
                  GError     **error)
{
  const char *reading = _("Reading the book to merge");
  int rc;

  g_clear_pointer (&replay->keys, g_ptr_array_unref);
  replay->record = record;
  if (replay->read_keys == NULL &&
      !(replay->read_keys = _vigil_store_prepare (merge->from,
                                                  "SELECT key FROM record_keys WHERE record_id = ?1 ORDER BY key",
                                                  reading, error)))
    return FALSE;
  vigil_sql_bind_int64 (replay->read_keys, 1, record);
  while ((rc = vigil_sql_step (replay->read_keys)) == VIGIL_SQL_ROW)
    {
      if (replay->keys == NULL)
        replay->keys = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (replay->keys, _vigil_store_column_strdup (replay->read_keys, 0));
    }
  return _vigil_store_finish_cached_rows (merge->from, replay->read_keys, rc, reading, error);
}

/* The columns of a replayed row, after its key (two columns): the
 * observed values (SNAPSHOT_COLUMNS' order: observed_at first, origins
 * last), then the record's id, external id, name, owner and segment. */
#define REPLAY_VALUES 2
#define REPLAY_ORIGINS (REPLAY_VALUES + ORIGINS_COLUMN)
#define REPLAY_RECORD (REPLAY_ORIGINS + 1)

/* One raw observation of a record, with its keys and attributes, into
 * the ingest: as an import of that record would give it. Of a main
 * record's snapshot only the fields no other record gave (design 2.6,
 * Storage), and nothing when it was not observed then. */
/* Tells the caller of @rows merged of @label so far, or in all (@done). */
static void
report_rows (Merge      *merge,
             const char *label,
             guint64     rows,
             gboolean    done)
{
  if (merge->progress != NULL)
    merge->progress (label, rows, done, merge->user_data);
}

static gboolean
replay_row (Merge         *merge,
            VigilSqlStmt  *row,
            gpointer       data,
            GError       **error)
{
  Replay *replay = data;
  const char *origins = vigil_sql_column_text (row, REPLAY_ORIGINS);
  gint64 record = vigil_sql_column_int64 (row, REPLAY_RECORD);
  VigilSnapshot snapshot = { 0, };
  gboolean ok;

  if (_vigil_store_origins_main_absent (origins))
    return TRUE;
  if (record != replay->record && !read_record_keys (merge, replay, record, error))
    return FALSE;

  vigil_snapshot_clear (&snapshot);
  _vigil_store_read_snapshot_columns (merge->from, row, REPLAY_VALUES, TRUE, &snapshot);
  if (origins != NULL)
    {
      gint64 given_by[N_FIELD_GROUPS];

      _vigil_store_parse_origins (origins, given_by);
      for (guint g = 0; g < N_FIELD_GROUPS; g++)
        if (given_by[g] != 0)
          _vigil_store_snapshot_forget_group (&snapshot, g);
    }
  snapshot.customer_id = _vigil_store_column_strdup (row, REPLAY_RECORD + 1);
  snapshot.name = _vigil_store_column_strdup (row, REPLAY_RECORD + 2);
  snapshot.owner = _vigil_store_column_strdup (row, REPLAY_RECORD + 3);
  snapshot.segment = _vigil_store_column_strdup (row, REPLAY_RECORD + 4);
  if (replay->keys != NULL)
    snapshot.keys = g_ptr_array_ref (replay->keys);
  ok = vigil_ingest_add (replay->ingest, &snapshot, error);
  vigil_snapshot_clear (&snapshot);
  report_rows (merge, replay->label, ++replay->rows, FALSE);
  return ok;
}

#define REPLAY_RECORD_COLUMNS "r.id, r.external_id, r.name, r.owner, r.segment"

/* The snapshots of the accounts whose main record (or, merged before
 * main records, display record) is of source ?3: that record's
 * observations. */
static const char replay_main_sql[] =
  "SELECT s.customer_id, s.observed_at, " SNAPSHOT_COLUMNS ", " REPLAY_RECORD_COLUMNS " "
  "FROM snapshots s JOIN customers c ON c.id = s.customer_id "
  "JOIN records r ON r.id = coalesce (c.main_record, "
  " (SELECT min (m.id) FROM records m WHERE m.customer_id = c.id)) "
  "WHERE r.source_id = ?3 AND (s.customer_id, s.observed_at) > (?1, ?2) "
  "ORDER BY s.customer_id, s.observed_at LIMIT 8192";

/* The other records' raw observations, of source ?3. */
static const char replay_raw_sql[] =
  "SELECT o.record_id, o.observed_at, o.observed_at, o.last_active, o.mrr, o.seats, o.seats_used, "
  "o.api_calls_7d, o.features_used, o.open_tickets, o.nps, o.renewal_date, o.plan, o.features, "
  "CAST (NULL AS TEXT), " REPLAY_RECORD_COLUMNS " "
  "FROM observations o JOIN records r ON r.id = o.record_id "
  "WHERE r.source_id = ?3 AND (o.record_id, o.observed_at) > (?1, ?2) "
  "ORDER BY o.record_id, o.observed_at LIMIT 8192";

G_STATIC_ASSERT (MERGE_PAGE_ROWS == 8192);

/* Every observation of the records of source @source_id (@name) of the
 * source book, into the target through one ingest. */
static gboolean
replay_source (Merge       *merge,
               const char  *name,
               gint64       source_id,
               GError     **error)
{
  /* Our own table's name beside the source's. */
  Replay replay = { NULL, 0, NULL, NULL, g_strdup_printf ("snapshots (%s)", name), 0 };
  const VigilIngestStats *stats;
  gboolean ok;

  if (!(replay.ingest = _vigil_ingest_begin_within (merge->to, name, merge->now, error)))
    {
      g_free (replay.label);
      return FALSE;
    }
  ok = foreach_source_row (merge, replay_main_sql, "ii", source_id, replay_row, &replay, error) &&
       foreach_source_row (merge, replay_raw_sql, "ii", source_id, replay_row, &replay, error);
  if (ok)
    ok = _vigil_ingest_finish_within (replay.ingest, error);
  else
    vigil_ingest_abort (replay.ingest);
  stats = vigil_ingest_get_stats (replay.ingest);
  merge->stats->snapshots += stats->stored;
  merge->stats->already_stored += stats->duplicates;
  if (ok)
    report_rows (merge, replay.label, replay.rows, TRUE);
  g_clear_pointer (&replay.keys, g_ptr_array_unref);
  g_clear_pointer (&replay.read_keys, vigil_sql_finalize);
  g_free (replay.label);
  g_object_unref (replay.ingest);
  return ok;
}

/* design 2.6: records the source book linked by hand (`vigil link`)
 * may share no key; they are linked in the target too, as `vigil link`
 * does, when the replay left them in two accounts. Rows come account by
 * account; the first record's target account is where the others go. */
typedef struct
{
  VigilScorecard *scorecard;
  gint64          from_account;
  gint64          to_account;
  gint64          to_record;
} Linking;

static gboolean
find_target_record (Merge       *merge,
                    const char  *source,
                    const char  *external_id,
                    gint64      *out_record,
                    gint64      *out_account,
                    GError     **error)
{
  const char *doing = _("Merging the books");
  VigilSqlStmt *find;
  int rc;

  *out_record = *out_account = 0;
  if (!(find = _vigil_store_cached (merge->to,
                                    "SELECT r.id, r.customer_id FROM records r JOIN sources s ON s.id = r.source_id "
                                    "WHERE s.name = ?1 AND r.external_id = ?2",
                                    doing, error)))
    return FALSE;
  vigil_sql_bind_text (find, 1, source, -1);
  vigil_sql_bind_text (find, 2, external_id, -1);
  if ((rc = vigil_sql_step (find)) == VIGIL_SQL_ROW)
    {
      *out_record = vigil_sql_column_int64 (find, 0);
      *out_account = vigil_sql_column_int64 (find, 1);
    }
  return _vigil_store_finish_cached_rows (merge->to, find, rc, doing, error);
}

static gboolean
keep_linked (Merge         *merge,
             VigilSqlStmt  *row,
             gpointer       data,
             GError       **error)
{
  Linking *linking = data;
  gint64 from_account = vigil_sql_column_int64 (row, 0);
  gint64 record = 0, account = 0;

  if (!find_target_record (merge, vigil_sql_column_text (row, 2), vigil_sql_column_text (row, 3),
                           &record, &account, error))
    return FALSE;
  /* a record without observations did not come across */
  if (record == 0)
    return TRUE;
  if (from_account != linking->from_account || linking->to_account == 0)
    {
      linking->from_account = from_account;
      linking->to_account = account;
      linking->to_record = record;
      return TRUE;
    }
  if (account == linking->to_account)
    return TRUE;
  return _vigil_store_link_accounts (merge->to, linking->scorecard, linking->to_record, linking->to_account,
                                     record, account, &linking->to_account, error);
}

static gboolean
keep_links (Merge   *merge,
            GError **error)
{
  g_autoptr(VigilScorecard) scorecard = NULL;
  Linking linking = { NULL, 0, 0, 0 };

  if (!(scorecard = vigil_store_load_scorecard (merge->to, error)))
    return FALSE;
  linking.scorecard = scorecard;
  return foreach_source_row (merge,
                             "SELECT r.customer_id, r.id, s.name, r.external_id FROM records r "
                             "JOIN sources s ON s.id = r.source_id "
                             "WHERE r.detached = 0 AND (r.customer_id, r.id) > (?1, ?2) "
                             "AND EXISTS (SELECT 1 FROM records o WHERE o.customer_id = r.customer_id "
                             "AND o.id <> r.id) ORDER BY r.customer_id, r.id LIMIT 8192",
                             "ii", 0, keep_linked, &linking, error);
}

/* Where a source account went: the target account its display record
 * is in now, and whether that holds a record the target had. */
static gboolean
map_account (Merge         *merge,
             VigilSqlStmt  *row,
             gpointer       data,
             GError       **error)
{
  const char *doing = _("Merging the books");
  gint64 from_id = vigil_sql_column_int64 (row, 0);
  VigilSqlStmt *find;
  int rc;

  if (!(find = _vigil_store_cached (merge->to,
                                    "SELECT r.customer_id, CASE WHEN EXISTS (SELECT 1 FROM records o "
                                    " WHERE o.customer_id = r.customer_id AND o.id <= ?3) THEN 1 ELSE 0 END "
                                    "FROM records r JOIN sources s ON s.id = r.source_id "
                                    "WHERE s.name = ?1 AND r.external_id = ?2",
                                    doing, error)))
    return FALSE;
  vigil_sql_bind_text (find, 1, vigil_sql_column_text (row, 1), -1);
  vigil_sql_bind_text (find, 2, vigil_sql_column_text (row, 2), -1);
  vigil_sql_bind_int64 (find, 3, merge->last_old_record);
  if ((rc = vigil_sql_step (find)) == VIGIL_SQL_ROW)
    {
      gint64 to_id = vigil_sql_column_int64 (find, 0);

      g_hash_table_insert (merge->accounts, g_memdup2 (&from_id, sizeof from_id),
                           g_memdup2 (&to_id, sizeof to_id));
      merge->stats->customers++;
      if (vigil_sql_column_int64 (find, 1) != 0)
        merge->stats->customers_joined++;
    }
  return _vigil_store_finish_cached_rows (merge->to, find, rc, doing, error);
}

/* A table of what the CSM wrote (or a saved view), carried row by row
 * to the target with a new id. @columns follow the customer (when
 * @per_customer), typed as @types ('i', 'd', 't', 'j': JSON text); the
 * first @n_same of them say that the target has the row already (a
 * second merge adds nothing). */
typedef struct
{
  const char *table;
  gboolean    per_customer;
  const char *columns;
  const char *types;
  guint       n_same;
  guint64    *counted;
} CarriedTable;

static const char *
param_cast (char type,
            gboolean shared)
{
  switch (type)
    {
    case 'i': return "BIGINT";
    case 'd': return "DOUBLE PRECISION";
    case 'j': return shared ? "json" : "TEXT";
    default: return "TEXT";
    }
}

/* INSERT … SELECT ?1, … WHERE NOT EXISTS (the same row): our own names. */
static char *
carry_insert_sql (const CarriedTable *table,
                  gboolean            shared,
                  const char         *also)
{
  g_auto(GStrv) names = g_strsplit (table->columns, ", ", -1);
  GString *sql = g_string_new (NULL);
  guint first = table->per_customer ? 2 : 1;

  g_string_append_printf (sql, "INSERT INTO %s (%s%s) SELECT ", table->table,
                          table->per_customer ? "customer_id, " : "", table->columns);
  if (table->per_customer)
    g_string_append (sql, "CAST (?1 AS BIGINT), ");
  for (guint i = 0; names[i] != NULL; i++)
    g_string_append_printf (sql, "%sCAST (?%u AS %s)", i > 0 ? ", " : "", first + i,
                            param_cast (table->types[i], shared));
  g_string_append_printf (sql, " WHERE NOT EXISTS (SELECT 1 FROM %s WHERE %s", table->table,
                          table->per_customer ? "customer_id = ?1" : "1 = 1");
  for (guint i = 0; i < table->n_same; i++)
    {
      if (table->types[i] == 'j' && shared)
        g_string_append_printf (sql, " AND CAST (%s AS TEXT) IS NOT DISTINCT FROM CAST (?%u AS TEXT)",
                                names[i], first + i);
      else
        g_string_append_printf (sql, " AND %s IS NOT DISTINCT FROM CAST (?%u AS %s)", names[i], first + i,
                                param_cast (table->types[i], FALSE));
    }
  g_string_append_printf (sql, ")%s", also != NULL ? also : "");
  return g_string_free (sql, FALSE);
}

/* SELECT key, customer_id, columns FROM table, a page after ?1: our own
 * names. The key: the id, or for a table without one its columns that
 * identify a row. */
static char *
carry_read_sql (const CarriedTable *table,
                gboolean            shared,
                const char         *key,
                guint               n_key)
{
  g_auto(GStrv) names = g_strsplit (table->columns, ", ", -1);
  GString *sql = g_string_new ("SELECT ");

  g_string_append_printf (sql, "%s, %s", key, table->per_customer ? "customer_id" : "0");
  for (guint i = 0; names[i] != NULL; i++)
    if (table->types[i] == 'j' && shared)
      g_string_append_printf (sql, ", CAST (%s AS TEXT)", names[i]);
    else
      g_string_append_printf (sql, ", %s", names[i]);
  g_string_append_printf (sql, " FROM %s WHERE (%s) > (", table->table, key);
  for (guint i = 0; i < n_key; i++)
    g_string_append_printf (sql, "%s?%u", i > 0 ? ", " : "", i + 1);
  g_string_append_printf (sql, ") ORDER BY %s LIMIT %d", key, MERGE_PAGE_ROWS);
  return g_string_free (sql, FALSE);
}

/* The target account of source account @from_id, 0 when its records did
 * not come across (none had an observation). */
static gint64
target_account (Merge  *merge,
                gint64  from_id)
{
  gint64 *to_id = g_hash_table_lookup (merge->accounts, &from_id);

  return to_id != NULL ? *to_id : 0;
}

typedef struct
{
  const CarriedTable *table;
  guint               n_key;
  VigilSqlStmt       *insert;
  guint64             rows;
} Carry;

/* Binds the row's columns from @first on, after the key and customer. */
static void
bind_carried (const CarriedTable *table,
              VigilSqlStmt       *row,
              guint               n_key,
              VigilSqlStmt       *insert,
              int                 first)
{
  for (guint i = 0; table->types[i] != '\0'; i++)
    {
      int column = (int) (n_key + 1 + i);
      int parameter = first + (int) i;
      char type = table->types[i];

      /* the row's text stays until the source's next step, after the insert */
      if (vigil_sql_column_is_null (row, column))
        vigil_sql_bind_null (insert, parameter,
                             type == 'i' ? VIGIL_SQL_INT : type == 'd' ? VIGIL_SQL_DOUBLE : VIGIL_SQL_TEXT);
      else if (type == 'i')
        vigil_sql_bind_int64 (insert, parameter, vigil_sql_column_int64 (row, column));
      else if (type == 'd')
        vigil_sql_bind_double (insert, parameter, vigil_sql_column_double (row, column));
      else
        vigil_sql_bind_text (insert, parameter, vigil_sql_column_text (row, column),
                             (gssize) vigil_sql_column_bytes (row, column));
    }
}

static gboolean
carry_row (Merge         *merge,
           VigilSqlStmt  *row,
           gpointer       data,
           GError       **error)
{
  Carry *carry = data;
  const CarriedTable *table = carry->table;
  gint64 account = 0;
  gint64 changed = 0;

  if (table->per_customer &&
      (account = target_account (merge, vigil_sql_column_int64 (row, (int) carry->n_key))) == 0)
    return TRUE;
  if (table->per_customer)
    vigil_sql_bind_int64 (carry->insert, 1, account);
  bind_carried (table, row, carry->n_key, carry->insert, table->per_customer ? 2 : 1);
  if (!_vigil_store_step_done (merge->to, carry->insert, _("Merging the books"), error))
    return FALSE;
  report_rows (merge, table->table, ++carry->rows, FALSE);
  changed = vigil_sql_changes (merge->to->db);
  *table->counted += (guint64) changed;
  /* design 3.1: a pulse carried scores the account's snapshots from its
   * time on, when the target's scorecard weighs sentiment */
  if (changed > 0 && g_str_equal (table->table, "pulses"))
    {
      gint64 at = vigil_sql_column_int64 (row, (int) carry->n_key + 1);
      gint64 *oldest = g_hash_table_lookup (merge->pulsed, &account);

      if (oldest == NULL)
        g_hash_table_insert (merge->pulsed, g_memdup2 (&account, sizeof account), g_memdup2 (&at, sizeof at));
      else if (at < *oldest)
        *oldest = at;
    }
  return TRUE;
}

static gboolean
carry_table (Merge               *merge,
             const CarriedTable  *table,
             const char          *key,
             const char          *key_types,
             GError             **error)
{
  g_autofree char *read_sql = carry_read_sql (table, vigil_store_is_shared (merge->from), key,
                                              (guint) strlen (key_types));
  g_autofree char *insert_sql = carry_insert_sql (table, vigil_store_is_shared (merge->to), NULL);
  Carry carry = { table, (guint) strlen (key_types), NULL, 0 };
  gboolean ok;

  if (!(carry.insert = _vigil_store_prepare (merge->to, insert_sql, _("Merging the books"), error)))
    return FALSE;
  ok = foreach_source_row (merge, read_sql, key_types, 0, carry_row, &carry, error);
  vigil_sql_finalize (carry.insert);
  if (ok)
    report_rows (merge, table->table, carry.rows, TRUE);
  return ok;
}

/* design 2.6, as a merge of accounts does: an open trigger of a rule the
 * target account has open too folds into it (the earliest first seen,
 * the latest last seen; its state stays). The rest are carried. */
static gboolean
fold_open_trigger (Merge         *merge,
                   VigilSqlStmt  *row,
                   gpointer       data,
                   GError       **error)
{
  gint64 account = target_account (merge, vigil_sql_column_int64 (row, 1));
  VigilSqlStmt *fold;

  if (account == 0)
    return TRUE;
  if (!(fold = _vigil_store_cached (merge->to,
                                    "UPDATE triggers SET first_seen = CASE WHEN ?3 < first_seen "
                                    " THEN ?3 ELSE first_seen END, "
                                    " last_seen = CASE WHEN ?4 > last_seen THEN ?4 ELSE last_seen END "
                                    "WHERE customer_id = ?1 AND rule = ?2 AND cleared_at IS NULL",
                                    _("Merging the books"), error)))
    return FALSE;
  vigil_sql_bind_int64 (fold, 1, account);
  vigil_sql_bind_text (fold, 2, vigil_sql_column_text (row, 2), -1);
  vigil_sql_bind_int64 (fold, 3, vigil_sql_column_int64 (row, 3));
  vigil_sql_bind_int64 (fold, 4, vigil_sql_column_int64 (row, 4));
  return _vigil_store_step_done (merge->to, fold, _("Merging the books"), error);
}

/* Triggers: open ones fold first (an open one of a rule the target
 * account lacks adds nothing there yet), then every one the target does
 * not have (its account, rule and first seen) is carried, except an open
 * one whose rule the target account has open, folded already. */
static gboolean
carry_triggers (Merge   *merge,
                GError **error)
{
  static const CarriedTable triggers = {
    "triggers", TRUE, "rule, first_seen, kind, last_seen, cleared_at, state, snoozed_until, evidence, "
    "state_at, state_by, state_tier", "titiitttitt", 2, NULL,
  };
  CarriedTable table = triggers;
  g_autofree char *insert_sql = NULL;
  g_autofree char *read_sql = NULL;
  Carry carry = { &table, 1, NULL };
  gboolean ok;

  table.counted = &merge->stats->triggers;
  if (!foreach_source_row (merge,
                           "SELECT id, customer_id, rule, first_seen, last_seen FROM triggers "
                           "WHERE cleared_at IS NULL AND id > ?1 ORDER BY id LIMIT 8192",
                           "i", 0, fold_open_trigger, NULL, error))
    return FALSE;
  /* our own text: nor an open one of its rule, when it is open */
  insert_sql = carry_insert_sql (&table, vigil_store_is_shared (merge->to),
                                 " AND NOT (CAST (?6 AS BIGINT) IS NULL AND EXISTS (SELECT 1 FROM triggers "
                                 "WHERE customer_id = ?1 AND rule = ?2 AND cleared_at IS NULL))");
  read_sql = carry_read_sql (&table, vigil_store_is_shared (merge->from), "id", 1);
  if (!(carry.insert = _vigil_store_prepare (merge->to, insert_sql, _("Merging the books"), error)))
    return FALSE;
  ok = foreach_source_row (merge, read_sql, "i", 0, carry_row, &carry, error);
  vigil_sql_finalize (carry.insert);
  return ok;
}

/* design 3.1: the accounts that were given pulses score their snapshots
 * again from the oldest on, when the target's scorecard weighs them. */
static gboolean
rescore_pulsed (Merge   *merge,
                GError **error)
{
  g_autoptr(VigilScorecard) scorecard = NULL;
  GHashTableIter iter;
  gpointer account;
  gpointer since;

  if (g_hash_table_size (merge->pulsed) == 0)
    return TRUE;
  if (!(scorecard = vigil_store_load_scorecard (merge->to, error)))
    return FALSE;
  if (vigil_scorecard_get_weight (scorecard, VIGIL_MEASURE_SENTIMENT) <= 0)
    return TRUE;
  g_hash_table_iter_init (&iter, merge->pulsed);
  while (g_hash_table_iter_next (&iter, &account, &since))
    if (!_vigil_store_score_snapshots (merge->to, *(gint64 *) account, *(gint64 *) since, scorecard,
                                       NULL, error))
      return FALSE;
  return TRUE;
}

static gboolean
carry_what_the_csm_wrote (Merge   *merge,
                          GError **error)
{
  VigilStoreCopyStats *stats = merge->stats;
  const CarriedTable touches = {
    "touches", TRUE, "kind, at, body, author, created_at, edited_at", "tittii", 6, &stats->touches,
  };
  const CarriedTable pulses = {
    "pulses", TRUE, "at, sentiment, reason, body, author, created_at", "itttti", 6, &stats->pulses,
  };
  /* on a clash of day the target's stays, as a merge of accounts does */
  const CarriedTable outcomes = {
    "outcomes", TRUE, "day, outcome, recorded_at", "tti", 1, &stats->outcomes,
  };
  const CarriedTable events = {
    "events", TRUE, "at, kind, detail, author", "itjt", 4, &stats->events,
  };
  /* a view of the same name in the target stays the target's */
  const CarriedTable views = {
    "views", FALSE, "name, definition, created_at, updated_at", "ttii", 1, &stats->views,
  };

  return carry_table (merge, &touches, "id", "i", error) &&
         carry_table (merge, &pulses, "id", "i", error) &&
         rescore_pulsed (merge, error) &&
         carry_table (merge, &outcomes, "customer_id, day", "it", error) &&
         carry_triggers (merge, error) &&
         carry_table (merge, &events, "id", "i", error) &&
         carry_table (merge, &views, "name", "t", error);
}

/**
 * _vigil_store_merge_into:
 * @from: the book joined, in a read transaction
 * @to: a book that has its own, in a write transaction, which the
 *   caller commits or rolls back
 * @progress: (nullable): told of the rows merged: each source's history
 *   (as "snapshots (SOURCE)") and each table of what the CSMs wrote
 * @user_data: for @progress
 * @stats: what was joined, filled in
 *
 * `vigil db copy --merge` (design 4): @from's sources, records, history,
 * and what its CSMs wrote, joined into @to. @to's scorecard, settings,
 * views of the same name and "I am" stay.
 */
gboolean
_vigil_store_merge_into (VigilStore             *from,
                         VigilStore             *to,
                         VigilStoreCopyProgress  progress,
                         gpointer                user_data,
                         VigilStoreCopyStats    *stats,
                         GError                **error)
{
  g_autoptr(GHashTable) accounts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GHashTable) pulsed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) sources = g_array_new (FALSE, FALSE, sizeof (MergedSource));
  Merge merge = { from, to, stats, progress, user_data, g_get_real_time () / G_USEC_PER_SEC, 0, accounts, pulsed };
  gboolean ok = TRUE;

  g_array_set_clear_func (sources, merged_source_clear);

  stats->merged = TRUE;
  if (!_vigil_store_query_int (to, "SELECT coalesce (max (id), 0) FROM records", &merge.last_old_record, error) ||
      !foreach_source_row (&merge, "SELECT id, name FROM sources WHERE id > ?1 ORDER BY id LIMIT 8192", "i", 0,
                           merge_source, sources, error))
    ok = FALSE;
  for (guint i = 0; ok && i < sources->len; i++)
    {
      const MergedSource *source = &g_array_index (sources, MergedSource, i);

      ok = replay_source (&merge, source->name, source->id, error);
    }
  return ok &&
         keep_links (&merge, error) &&
         foreach_source_row (&merge,
                             "SELECT c.id, s.name, c.external_id FROM customers c "
                             "JOIN sources s ON s.id = c.source_id WHERE c.id > ?1 ORDER BY c.id LIMIT 8192",
                             "i", 0, map_account, NULL, error) &&
         carry_what_the_csm_wrote (&merge, error);
}
