/* vigil-store-portfolio.c: the portfolio, a customer's history and health over time
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-churn-model.h"
#include "vigil-error.h"
#include "vigil-json-private.h"
#include "vigil-store-private.h"
#include "vigil-time.h"

static void
decode_features (VigilStore    *self,
                 const char    *json,
                 VigilSnapshot *snapshot)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  /* Written by Vigil, but read as any JSON is (design 2.3): a database
   * edited by hand cannot crash it. */
  if (json == NULL || !(root = _vigil_json_parse (json, -1, VIGIL_JSON_SETTINGS, NULL)) ||
      !JSON_NODE_HOLDS_OBJECT (root))
    return;

  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &key, &value))
    {
      const char *name = g_hash_table_lookup (self->feature_names,
                                              GINT_TO_POINTER (atoi (key)));

      if (name != NULL && JSON_NODE_HOLDS_VALUE (value))
        vigil_snapshot_add_feature (snapshot, name, json_node_get_int (value));
    }
}

/* The observed values of a snapshot (SNAPSHOT_COLUMNS without origins)
 * from column @first on, features with their names when @with_features. */
void
_vigil_store_read_snapshot_columns (VigilStore    *self,
                                    VigilSqlStmt  *stmt,
                                    int            first,
                                    gboolean       with_features,
                                    VigilSnapshot *snapshot)
{
  const char *renewal = vigil_sql_column_text (stmt, first + 9);

  snapshot->observed_at = _vigil_store_column_int_or_unknown (stmt, first);
  snapshot->last_active = _vigil_store_column_int_or_unknown (stmt, first + 1);
  snapshot->mrr = _vigil_store_column_double_or_nan (stmt, first + 2);
  snapshot->seats = _vigil_store_column_int_or_unknown (stmt, first + 3);
  snapshot->seats_used = _vigil_store_column_int_or_unknown (stmt, first + 4);
  snapshot->api_calls_7d = _vigil_store_column_int_or_unknown (stmt, first + 5);
  snapshot->features_used = _vigil_store_column_int_or_unknown (stmt, first + 6);
  snapshot->open_tickets = _vigil_store_column_int_or_unknown (stmt, first + 7);
  snapshot->nps = _vigil_store_column_int_or_unknown (stmt, first + 8);
  if (renewal == NULL || !vigil_date_parse (renewal, &snapshot->renewal_day))
    snapshot->renewal_day = VIGIL_UNKNOWN_DAY;
  /* The plan of that moment, else the customer's latest. */
  if (!vigil_sql_column_is_null (stmt, first + 10))
    {
      g_free (snapshot->plan);
      snapshot->plan = _vigil_store_column_strdup (stmt, first + 10);
    }
  if (with_features)
    decode_features (self, vigil_sql_column_text (stmt, first + 11), snapshot);
}

/* The stored score of @snapshot, explained: each measure's input,
 * value, weight and points are recomputed with the scorecard version the
 * score was stored with and the pulse in force then, which gives back
 * what that version computed. */
static void
read_score_columns (VigilSqlStmt         *stmt,
                    int                   first,
                    GHashTable           *scorecards,
                    const VigilSnapshot  *snapshot,
                    const VigilPulseMark *pulse,
                    VigilScore           *score)
{
  const char *tier = vigil_sql_column_text (stmt, first + 2);
  gint64 version = vigil_sql_column_int64 (stmt, first);
  VigilScorecard *scorecard = g_hash_table_lookup (scorecards, &version);

  if (scorecard != NULL)
    vigil_scorecard_compute_with_pulse (scorecard, snapshot, pulse, score);
  else
    for (int i = 0; i < VIGIL_N_MEASURES; i++)
      score->measures[i] = (VigilMeasureResult) { NAN, NAN, 0, 0 };

  score->version = version;
  score->health = _vigil_store_column_double_or_nan (stmt, first + 1);
  score->tier = tier != NULL ? vigil_tier_from_id (tier) : VIGIL_TIER_NONE;
}

/* @pulses: the customer's pulses, oldest first (NULL: none), searched
 * from @pulse_hint for the one in force at the observation's time, which
 * goes to @out_pulse when given. */
static VigilSnapshot *
read_observation (VigilStore     *self,
                  VigilSqlStmt   *stmt,
                  int             first,
                  gboolean        with_features,
                  GHashTable     *scorecards,
                  GArray         *pulses,
                  guint          *pulse_hint,
                  VigilPulseMark *out_pulse,
                  VigilScore     *score)
{
  VigilSnapshot *snapshot = vigil_snapshot_new ();
  const VigilPulseMark *pulse;

  snapshot->customer_id = _vigil_store_column_strdup (stmt, first);
  snapshot->name = _vigil_store_column_strdup (stmt, first + 1);
  snapshot->plan = _vigil_store_column_strdup (stmt, first + 2);
  snapshot->owner = _vigil_store_column_strdup (stmt, first + 3);
  snapshot->segment = _vigil_store_column_strdup (stmt, first + 4);
  first += N_CUSTOMER_COLUMNS;
  _vigil_store_read_snapshot_columns (self, stmt, first, with_features, snapshot);
  pulse = vigil_pulse_marks_find (pulses, snapshot->observed_at, pulse_hint);
  if (out_pulse != NULL)
    *out_pulse = pulse != NULL ? *pulse : (VigilPulseMark) { VIGIL_UNKNOWN, VIGIL_SENTIMENT_NONE };
  read_score_columns (stmt, first + N_SNAPSHOT_COLUMNS, scorecards, snapshot, pulse, score);
  return snapshot;
}

static void
account_record_free (VigilAccountRecord *record)
{
  g_free (record->id);
  g_free (record);
}

void
vigil_portfolio_row_free (VigilPortfolioRow *row)
{
  if (row == NULL)
    return;
  g_free (row->source);
  vigil_snapshot_free (row->latest);
  vigil_pulse_free (row->pulse);
  g_clear_pointer (&row->records, g_ptr_array_unref);
  g_strfreev (row->keys);
  g_free (row);
}

/* Accounts, their records and where each field came from --------------- */

/* An account's records as read for its rows: what the rows show, and
 * each record's id, which origins name (design 2.6). */
typedef struct
{
  GPtrArray *records;     /* of VigilAccountRecord, in record id order */
  GArray    *record_ids;  /* of gint64, indexed like records */
  guint      main;        /* the index of the main record, which origins
                           * leave unnamed (the display record, 0, in an
                           * account merged before main records existed) */
} AccountRecords;

static void
account_records_init (AccountRecords *account)
{
  account->records = g_ptr_array_new_with_free_func ((GDestroyNotify) account_record_free);
  account->record_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  account->main = 0;
}

static void
account_records_clear (AccountRecords *account)
{
  g_clear_pointer (&account->records, g_ptr_array_unref);
  g_clear_pointer (&account->record_ids, g_array_unref);
}

/* Reads the record the statement is on: customer id, record id,
 * source name, external id, whether it is the account's main record. */
static void
account_records_add (AccountRecords *account,
                     VigilSqlStmt   *stmt)
{
  VigilAccountRecord *record = g_new0 (VigilAccountRecord, 1);
  gint64 record_id = vigil_sql_column_int64 (stmt, 1);

  record->source = g_intern_string (vigil_sql_column_text (stmt, 2));
  record->id = _vigil_store_column_strdup (stmt, 3);
  g_ptr_array_add (account->records, record);
  g_array_append_val (account->record_ids, record_id);
  if (vigil_sql_column_int64 (stmt, 4) != 0)
    account->main = account->records->len - 1;
}

/* The record that origins say gave a field: @record_id, or the main
 * record for 0. */
static gint64
account_records_resolve (const AccountRecords *account,
                         gint64                record_id)
{
  if (record_id != 0 || account->records->len == 0)
    return record_id;
  return g_array_index (account->record_ids, gint64, account->main);
}

/* The source of @record_id (0: the main record), or NULL when the
 * account has no such record (a database edited by hand). */
static const char *
account_records_source_of (const AccountRecords *account,
                           gint64                record_id)
{
  if (account->records->len == 0)
    return NULL;
  record_id = account_records_resolve (account, record_id);
  for (guint i = 0; i < account->record_ids->len; i++)
    if (g_array_index (account->record_ids, gint64, i) == record_id)
      return ((VigilAccountRecord *) account->records->pdata[i])->source;
  return NULL;
}

/* From a snapshot's @origins: the source of each measure's input (NULL
 * where the input is unknown) and, when @field_sources is given, each
 * field of @snapshot a record other than the display record gave. */
static void
resolve_sources (const AccountRecords *account,
                 const char           *origins,
                 const VigilScore     *score,
                 const char          **input_sources,
                 const VigilSnapshot  *snapshot,
                 GArray               *field_sources)
{
  gint64 origin_records[N_FIELD_GROUPS];

  _vigil_store_parse_origins (origins, origin_records);
  for (int m = 0; m < VIGIL_N_MEASURES; m++)
    {
      guint group = _vigil_store_measure_field_group ((VigilMeasure) m);

      input_sources[m] = isnan (score->measures[m].input) || group >= N_FIELD_GROUPS ? NULL
                         : account_records_source_of (account, origin_records[group]);
    }
  for (guint g = 0; field_sources != NULL && g < N_FIELD_GROUPS; g++)
    {
      VigilFieldSource field = { _vigil_store_field_group_name (g), NULL };

      gint64 record = account_records_resolve (account, origin_records[g]);

      if (account->records->len > 0 &&
          record != g_array_index (account->record_ids, gint64, 0) &&
          _vigil_store_snapshot_knows_group (snapshot, g) &&
          (field.source = account_records_source_of (account, record)) != NULL)
        g_array_append_val (field_sources, field);
    }
}

/* The records and keys of every account, read beside a portfolio query
 * in the same customer id order and joined to its rows as they come (a
 * merge join): two queries for the whole book whatever its size, none
 * per customer, and nothing held beyond the current account. */
typedef struct
{
  VigilSqlStmt *records;
  VigilSqlStmt *keys;
  int           records_rc;
  int           keys_rc;
  GHashTable   *pulse_marks;     /* customer id → its pulses (design 3.5), */
  GHashTable   *current_pulses;  /* and its current one: read whole, being few */
  gboolean      owns_pulses;     /* FALSE: borrowed, shared by the parts of a book */
} AccountReader;

#define ACCOUNT_RECORDS_SQL(where) \
  "SELECT r.customer_id, r.id, src.name, r.external_id, " \
  "CASE WHEN c.main_record IS NOT DISTINCT FROM r.id THEN 1 ELSE 0 END FROM records r " \
  "JOIN sources src ON src.id = r.source_id JOIN customers c ON c.id = r.customer_id " \
  where " ORDER BY r.customer_id, r.id"

static gboolean
account_reader_open (VigilStore     *self,
                     AccountReader  *reader,
                     GError        **error)
{
  static const char keys_sql[] =
    "SELECT DISTINCT r.customer_id, k.key FROM record_keys k JOIN records r ON r.id = k.record_id "
    "ORDER BY r.customer_id, k.key";

  *reader = (AccountReader) { NULL, };
  reader->owns_pulses = TRUE;
  if (!_vigil_store_read_book_pulses (self, &reader->pulse_marks, &reader->current_pulses, error) ||
      !(reader->records = _vigil_store_prepare (self, ACCOUNT_RECORDS_SQL (""),
                                                _("Reading the portfolio"), error)) ||
      !(reader->keys = _vigil_store_prepare (self, keys_sql, _("Reading the portfolio"), error)))
    {
      g_clear_pointer (&reader->records, vigil_sql_finalize);
      g_clear_pointer (&reader->pulse_marks, g_hash_table_unref);
      g_clear_pointer (&reader->current_pulses, g_hash_table_unref);
      return FALSE;
    }
  reader->records_rc = vigil_sql_step (reader->records);
  reader->keys_rc = vigil_sql_step (reader->keys);
  return TRUE;
}

/* The reader of the accounts of customers @first_id to @last_id (ids),
 * a part of the book, with pulses read once for all the parts. */
static gboolean
account_reader_open_part (VigilStore     *self,
                          AccountReader  *reader,
                          GHashTable     *pulse_marks,
                          GHashTable     *current_pulses,
                          gint64          first_id,
                          gint64          last_id,
                          GError        **error)
{
  static const char keys_sql[] =
    "SELECT DISTINCT r.customer_id, k.key FROM record_keys k JOIN records r ON r.id = k.record_id "
    "WHERE r.customer_id BETWEEN ?1 AND ?2 ORDER BY r.customer_id, k.key";

  *reader = (AccountReader) { NULL, };
  reader->pulse_marks = pulse_marks;
  reader->current_pulses = current_pulses;
  if (!(reader->records = _vigil_store_prepare (self, ACCOUNT_RECORDS_SQL ("WHERE r.customer_id BETWEEN ?1 AND ?2"),
                                                _("Reading the portfolio"), error)) ||
      !(reader->keys = _vigil_store_prepare (self, keys_sql, _("Reading the portfolio"), error)))
    {
      g_clear_pointer (&reader->records, vigil_sql_finalize);
      return FALSE;
    }
  vigil_sql_bind_int64 (reader->records, 1, first_id);
  vigil_sql_bind_int64 (reader->records, 2, last_id);
  vigil_sql_bind_int64 (reader->keys, 1, first_id);
  vigil_sql_bind_int64 (reader->keys, 2, last_id);
  reader->records_rc = vigil_sql_step (reader->records);
  reader->keys_rc = vigil_sql_step (reader->keys);
  return TRUE;
}

/* Steps @stmt past every row of a customer before @customer_id. */
static int
skip_to_customer (VigilSqlStmt *stmt,
                  int           rc,
                  gint64        customer_id)
{
  while (rc == VIGIL_SQL_ROW && vigil_sql_column_int64 (stmt, 0) < customer_id)
    rc = vigil_sql_step (stmt);
  return rc;
}

static void
account_reader_fill (AccountReader     *reader,
                     VigilPortfolioRow *row,
                     const char        *origins)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  AccountRecords account;

  account_records_init (&account);
  reader->records_rc = skip_to_customer (reader->records, reader->records_rc, row->customer_id);
  for (; reader->records_rc == VIGIL_SQL_ROW &&
         vigil_sql_column_int64 (reader->records, 0) == row->customer_id;
       reader->records_rc = vigil_sql_step (reader->records))
    account_records_add (&account, reader->records);

  reader->keys_rc = skip_to_customer (reader->keys, reader->keys_rc, row->customer_id);
  for (; reader->keys_rc == VIGIL_SQL_ROW &&
         vigil_sql_column_int64 (reader->keys, 0) == row->customer_id;
       reader->keys_rc = vigil_sql_step (reader->keys))
    g_ptr_array_add (keys, _vigil_store_column_strdup (reader->keys, 1));
  g_ptr_array_add (keys, NULL);

  resolve_sources (&account, origins, &row->score, row->input_sources, NULL, NULL);
  row->records = g_steal_pointer (&account.records);
  row->keys = (GStrv) g_ptr_array_free (g_steal_pointer (&keys), FALSE);
  account_records_clear (&account);
}

/* Finalizes the reader; a failed step of either query is an error. */
static gboolean
account_reader_close (VigilStore     *self,
                      AccountReader  *reader,
                      GError        **error)
{
  gboolean ok = _vigil_store_finish_rows (self, reader->records, reader->records_rc,
                                          _("Reading the portfolio"), error);

  if (reader->owns_pulses)
    {
      g_clear_pointer (&reader->pulse_marks, g_hash_table_unref);
      g_clear_pointer (&reader->current_pulses, g_hash_table_unref);
    }
  if (!ok)
    {
      vigil_sql_finalize (reader->keys);
      return FALSE;
    }
  return _vigil_store_finish_rows (self, reader->keys, reader->keys_rc,
                                   _("Reading the portfolio"), error);
}

/**
 * vigil_portfolio_row_get_churn_features:
 * @out_features: (array fixed-size=7): the churn model's inputs, NAN where
 *   unknown (the model then uses its reference value)
 *
 * The churn features of design 3.2 as of the customer's latest snapshot;
 * the seat-utilisation trend is in percentage points over 28 days.
 */
void
vigil_portfolio_row_get_churn_features (const VigilPortfolioRow *row,
                                        double                  *out_features)
{
  const VigilSnapshot *s = row->latest;

  out_features[VIGIL_CHURN_FEATURE_HEALTH] = row->score.health;
  out_features[VIGIL_CHURN_FEATURE_TREND_14D] = row->trends[VIGIL_TREND_14D];
  out_features[VIGIL_CHURN_FEATURE_TREND_28D] = row->trends[VIGIL_TREND_28D];
  out_features[VIGIL_CHURN_FEATURE_DAYS_SILENT] =
    s->last_active != VIGIL_UNKNOWN ? MAX (0, s->observed_at - s->last_active) / 86400.0 : NAN;
  out_features[VIGIL_CHURN_FEATURE_SEAT_TREND] =
    s->seats != VIGIL_UNKNOWN && s->seats_used != VIGIL_UNKNOWN && s->seats > 0 && !isnan (row->seat_use_28d_ago)
    ? 100.0 * ((double) s->seats_used / (double) s->seats - row->seat_use_28d_ago) : NAN;
  out_features[VIGIL_CHURN_FEATURE_DAYS_TO_RENEWAL] =
    s->renewal_day != VIGIL_UNKNOWN_DAY ? (double) (s->renewal_day - vigil_time_get_day (s->observed_at)) : NAN;
  out_features[VIGIL_CHURN_FEATURE_OPEN_TICKETS] =
    s->open_tickets != VIGIL_UNKNOWN ? (double) s->open_tickets : NAN;
}

void
vigil_history_row_free (VigilHistoryRow *row)
{
  if (row == NULL)
    return;
  vigil_snapshot_free (row->snapshot);
  g_clear_pointer (&row->field_sources, g_array_unref);
  g_free (row);
}

static gint32
column_day_or_unknown (VigilSqlStmt *stmt,
                       int           column)
{
  const char *text = vigil_sql_column_text (stmt, column);
  gint32 day;

  return text != NULL && vigil_date_parse (text, &day) ? day : VIGIL_UNKNOWN_DAY;
}

/* LIFECYCLE_COLUMNS from column @first on (design 3.2). */
static void
read_lifecycle_columns (VigilSqlStmt      *stmt,
                        int                first,
                        VigilPortfolioRow *row)
{
  row->churned = !vigil_sql_column_is_null (stmt, first);
  row->churned_day = column_day_or_unknown (stmt, first);
  row->renewed_day = column_day_or_unknown (stmt, first + 1);
}

/* The row @stmt is on, of portfolio_sql or a query with its columns,
 * with its account's records and keys from @accounts. */
static VigilPortfolioRow *
read_portfolio_row (VigilStore    *self,
                    VigilSqlStmt  *stmt,
                    GHashTable    *scorecards,
                    AccountReader *accounts)
{
  const int trend_column = 2 + N_CUSTOMER_COLUMNS + N_SNAPSHOT_COLUMNS + N_SCORE_COLUMNS;
  VigilPortfolioRow *row = g_new0 (VigilPortfolioRow, 1);
  const VigilPulse *pulse;
  guint pulse_hint = 0;

  row->customer_id = vigil_sql_column_int64 (stmt, 0);
  row->source = _vigil_store_column_strdup (stmt, 1);
  row->latest = read_observation (self, stmt, 2, FALSE, scorecards,
                                  g_hash_table_lookup (accounts->pulse_marks, &row->customer_id),
                                  &pulse_hint, &row->latest_pulse, &row->score);
  if ((pulse = g_hash_table_lookup (accounts->current_pulses, &row->customer_id)) != NULL)
    row->pulse = vigil_pulse_copy (pulse);
  for (int t = 0; t < VIGIL_N_TRENDS; t++)
    {
      double then = _vigil_store_column_double_or_nan (stmt, trend_column + t);

      row->trends[t] = isnan (then) || isnan (row->score.health) ? NAN
                       : round ((row->score.health - then) * 1e6) / 1e6;
    }
  row->peak_14d = _vigil_store_column_double_or_nan (stmt, trend_column + VIGIL_N_TRENDS);
  row->seat_use_28d_ago =
    _vigil_store_column_double_or_nan (stmt, trend_column + VIGIL_N_TRENDS + 1);
  row->recent_high = _vigil_store_column_double_or_nan (stmt, trend_column + VIGIL_N_TRENDS + 2);
  row->nps_14d_ago = _vigil_store_column_int_or_unknown (stmt, trend_column + VIGIL_N_TRENDS + 3);
  read_lifecycle_columns (stmt, trend_column + VIGIL_N_TRENDS + 4, row);
  row->last_touch =
    _vigil_store_column_int_or_unknown (stmt, trend_column + VIGIL_N_TRENDS + 4 + N_LIFECYCLE_COLUMNS);
  row->first_observed =
    _vigil_store_column_int_or_unknown (stmt, trend_column + VIGIL_N_TRENDS + 5 + N_LIFECYCLE_COLUMNS);
  account_reader_fill (accounts, row,
                       vigil_sql_column_text (stmt, 2 + N_CUSTOMER_COLUMNS + ORIGINS_COLUMN));
  return row;
}

/* Steps a portfolio query into rows, with @accounts beside it, and
 * finalizes both. */
static GPtrArray *
collect_rows (VigilStore     *self,
              VigilSqlStmt   *stmt,
              GHashTable     *scorecards,
              AccountReader  *accounts,
              GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_portfolio_row_free);
  int rc;

  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    g_ptr_array_add (rows, read_portfolio_row (self, stmt, scorecards, accounts));
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading the portfolio"), error))
    {
      account_reader_close (self, accounts, NULL);
      return NULL;
    }
  if (!account_reader_close (self, accounts, error))
    return NULL;
  return g_steal_pointer (&rows);
}

/* Steps a portfolio query (customer id, source, customer, snapshot and
 * score columns, then the trend, the lifecycle and the last touch
 * columns) into rows, and finalizes it. */
GPtrArray *
_vigil_store_collect_portfolio_rows (VigilStore    *self,
                                     VigilSqlStmt  *stmt,
                                     GHashTable    *scorecards,
                                     GError       **error)
{
  AccountReader accounts;

  if (!account_reader_open (self, &accounts, error))
    {
      vigil_sql_finalize (stmt);
      return NULL;
    }
  return collect_rows (self, stmt, scorecards, &accounts, error);
}

/* Every customer of a book (parameter 3: NULL for all, 0 the active
 * book, 1 the churned) with its latest snapshot and score, from one
 * query; the lifecycle columns are LIFECYCLE_COLUMNS as of now. */
#define PORTFOLIO_SQL(trend_columns, first_observed, range) \
  "SELECT c.id, src.name, " CUSTOMER_COLUMNS ", " SNAPSHOT_COLUMNS ", " SCORE_COLUMNS ", " \
  trend_columns ", " \
  LIFECYCLE_COLUMNS_IF_ANY ("'9999-12-31'") ", " \
  LAST_TOUCH_COLUMN ("") ", " first_observed " " \
  "FROM customers c JOIN sources src ON src.id = c.source_id " \
  "JOIN snapshots s ON s.customer_id = c.id AND s.observed_at = c.latest_at " \
  JOIN_SCORES \
  "WHERE (?1 IS NULL OR c.owner = ?1) AND (?2 IS NULL OR k.tier = ?2) " range \
  "AND (?3 IS NULL " \
  "     OR (CASE WHEN " IF_ANY_OUTCOME (CHURNED_ON ("c.id")) " IS NOT NULL THEN 1 ELSE 0 END) = ?3) " \
  "ORDER BY c.id"

static const char portfolio_sql[] =
  PORTFOLIO_SQL (TREND_COLUMNS ("c.latest_at"),
                 "(SELECT min (f.observed_at) FROM snapshots f WHERE f.customer_id = c.id)", "");
/* The same rows without what only the triggers and the window read, of
 * the customers ?4 to ?5 (ids): a part of the book (BookPart). */
static const char portfolio_scores_sql[] =
  PORTFOLIO_SQL (SCORE_TREND_COLUMNS ("c.latest_at"), "NULL", "AND c.id BETWEEN ?4 AND ?5 ");
/* portfolio_sql's rows, of the customers ?4 to ?5: a part of the book
 * the triggers read. */
static const char portfolio_part_sql[] =
  PORTFOLIO_SQL (TREND_COLUMNS ("c.latest_at"),
                 "(SELECT min (f.observed_at) FROM snapshots f WHERE f.customer_id = c.id)",
                 "AND c.id BETWEEN ?4 AND ?5 ");

static void
bind_book (VigilSqlStmt *stmt,
           int           index,
           VigilBook     book)
{
  if (book == VIGIL_BOOK_ALL)
    vigil_sql_bind_null (stmt, index, VIGIL_SQL_INT);
  else
    vigil_sql_bind_int64 (stmt, index, book == VIGIL_BOOK_CHURNED);
}

/**
 * vigil_portfolio_row_in_book:
 *
 * Returns: whether @row belongs to @book: the active book holds the
 *   customers whose latest outcome is not `churned` (design 3.2)
 */
gboolean
vigil_portfolio_row_in_book (const VigilPortfolioRow *row,
                             VigilBook                book)
{
  g_return_val_if_fail (row != NULL, FALSE);

  switch (book)
    {
    case VIGIL_BOOK_ACTIVE: return !row->churned;
    case VIGIL_BOOK_CHURNED: return row->churned;
    case VIGIL_BOOK_ALL:
    default: return TRUE;
    }
}

static GPtrArray *
list_book (VigilStore  *self,
           const char  *sql,
           VigilBook    book,
           const char  *owner,
           VigilTier    tier,
           GError     **error)
{
  g_autoptr(GHashTable) scorecards = NULL;
  VigilSqlStmt *stmt = NULL;

  if (!(scorecards = _vigil_store_load_all_scorecards (self, error)))
    return NULL;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading the portfolio"), error)))
    return NULL;
  _vigil_store_bind_text_or_null (stmt, 1, owner);
  _vigil_store_bind_text_or_null (stmt, 2, vigil_tier_get_id (tier));
  bind_book (stmt, 3, book);

  return _vigil_store_collect_portfolio_rows (self, stmt, scorecards, error);
}

/**
 * vigil_store_list_book:
 * @book: the active book, the churned customers or both (design 3.2)
 * @owner: (nullable): keep only this owner's customers
 * @tier: keep only this tier, or %VIGIL_TIER_NONE for all
 *
 * Every customer of @book with its latest snapshot and score, and when
 * it churned or last renewed, from one query.
 *
 * Returns: (transfer full) (element-type VigilPortfolioRow): the rows,
 *   in customer id order
 */
GPtrArray *
vigil_store_list_book (VigilStore  *self,
                       VigilBook    book,
                       const char  *owner,
                       VigilTier    tier,
                       GError     **error)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  return list_book (self, portfolio_sql, book, owner, tier, error);
}

/* design 7: a read of the whole book visits each page once, in
 * customer order: SQLite's cache need hold only the trees' upper pages,
 * and a larger one only takes fresh memory to fill (100,000 × 90, the
 * rows: 4,356 → 1,221 page faults, 15 % less CPU). */
#define BOOK_READ_CACHE_KIB 4096

/* Gives @self's cache BOOK_READ_CACHE_KIB for a read of the whole book;
 * returns the size to put back with end_book_read_cache(). */
static gint64
begin_book_read_cache (VigilStore *self)
{
  gint64 previous = 0;

  /* SQLite only: a PostgreSQL server keeps its own cache. */
  if (vigil_store_is_shared (self))
    return 0;
  if (!_vigil_store_query_int (self, "PRAGMA cache_size", &previous, NULL))
    previous = 0;
  _vigil_store_set_cache_size (self, BOOK_READ_CACHE_KIB);
  return previous;
}

/* The connection's cache as it was before begin_book_read_cache(): a
 * size in KiB (negative), else the usual one. */
static void
end_book_read_cache (VigilStore *self,
                     gint64      previous)
{
  _vigil_store_set_cache_size (self, previous < 0 && previous >= -G_MAXINT ? (int) -previous : 0);
}

/**
 * vigil_store_open_for_book_read:
 * @path: the database file
 *
 * vigil_store_open() for a connection of its own that reads the book
 * once, visiting each page once (a part of the book's rows, the window's
 * reads beside them): its cache is the small one of design 7.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
VigilStore *
vigil_store_open_for_book_read (const char  *path,
                                GError     **error)
{
  VigilStore *store = vigil_store_open (path, error);

  if (store != NULL)
    _vigil_store_set_cache_size (store, BOOK_READ_CACHE_KIB);
  return store;
}

/* A book of this many customers or more is read in parts, one a
 * processor (at most MAX_BOOK_PARTS), each on a connection of its own in
 * a thread of its own (design 7), when the parts have the processors to
 * themselves: in a file, for a program that does nothing else meanwhile
 * (`vigil scores` of 10,000 customers, vigil_store_set_reads_alone());
 * on PostgreSQL always, each part being read by a server process of its
 * own, the first one's snapshot shared. */
#define MIN_CUSTOMERS_IN_PARTS 5000
/* In a file read beside other work (the window builds and draws while
 * it reads), from more: at 10,000 customers the window's first frame
 * came later in two parts (design 7). */
#define MIN_CUSTOMERS_IN_PARTS_BESIDE 20000
#define MAX_BOOK_PARTS 4

/* What is asked of every part of the book, and read once for all. */
typedef struct
{
  const char  *sql;   /* a part's query: portfolio_scores_sql or portfolio_part_sql */
  VigilBook    book;
  const char  *owner;
  VigilTier    tier;
  GHashTable  *scorecards;
  GHashTable  *pulse_marks;
  GHashTable  *current_pulses;
} BookQuery;

/* The customers @first_id to @last_id (ids), read on @store. */
typedef struct
{
  const BookQuery *query;
  VigilStore      *store;
  gint64           first_id;
  gint64           last_id;
  GPtrArray       *rows;
  GError          *error;
} BookPart;

static gpointer
read_book_part (gpointer data)
{
  BookPart *part = data;
  const BookQuery *query = part->query;
  VigilSqlStmt *stmt;
  AccountReader accounts;

  if (!(stmt = _vigil_store_prepare (part->store, query->sql, _("Reading the portfolio"),
                                     &part->error)))
    return NULL;
  _vigil_store_bind_text_or_null (stmt, 1, query->owner);
  _vigil_store_bind_text_or_null (stmt, 2, vigil_tier_get_id (query->tier));
  bind_book (stmt, 3, query->book);
  vigil_sql_bind_int64 (stmt, 4, part->first_id);
  vigil_sql_bind_int64 (stmt, 5, part->last_id);
  if (!account_reader_open_part (part->store, &accounts, query->pulse_marks, query->current_pulses,
                                 part->first_id, part->last_id, &part->error))
    {
      vigil_sql_finalize (stmt);
      return NULL;
    }
  part->rows = collect_rows (part->store, stmt, query->scorecards, &accounts, &part->error);
  return NULL;
}

/* A read of the book at one state of the database, however many
 * statements it takes (design 7); @doing says what for, when it fails.
 * End it with COMMIT. */
gboolean
_vigil_store_begin_read (VigilStore  *store,
                         const char  *doing,
                         GError     **error)
{
  gint64 ignored;

  /* On PostgreSQL a repeatable-read transaction sees one snapshot from
   * its first statement on. */
  if (vigil_store_is_shared (store))
    return _vigil_store_exec_sql (store, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", doing, error);
  /* SQLite's read transaction takes its view at its first read. */
  return _vigil_store_exec_sql (store, "BEGIN", doing, error) &&
         _vigil_store_query_int (store, "SELECT count(*) FROM sqlite_master", &ignored, error);
}

/**
 * _vigil_store_export_snapshot:
 *
 * PostgreSQL only, in a repeatable-read transaction: the statement that
 * makes another connection's transaction, begun repeatable read, see the
 * database as this one sees it (its exported snapshot).
 *
 * Returns: (transfer full): "SET TRANSACTION SNAPSHOT '…'", or %NULL
 *   with @error set
 */
char *
_vigil_store_export_snapshot (VigilStore  *self,
                              const char  *doing,
                              GError     **error)
{
  g_autofree char *snapshot = NULL;
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_prepare (self, "SELECT pg_export_snapshot ()", doing, error)))
    return NULL;
  if ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    snapshot = _vigil_store_column_strdup (stmt, 0);
  if (!_vigil_store_finish_rows (self, stmt, rc, doing, error))
    return NULL;
  /* The server's own name for it, formatted into a statement that takes
   * no parameter: checked to be one (hexadecimal digits and dashes). */
  if (snapshot == NULL || *snapshot == '\0' || strspn (snapshot, "0123456789ABCDEF-") != strlen (snapshot))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE, _("%s: database error in %s: %s"),
                   doing, self->path, snapshot != NULL ? snapshot : "");
      return NULL;
    }
  return g_strdup_printf ("SET TRANSACTION SNAPSHOT '%s'", snapshot);
}

static void
end_reads (VigilStore **stores,
           guint        n)
{
  for (guint i = 0; i < n; i++)
    if (vigil_sql_in_transaction (stores[i]->db))
      vigil_sql_exec (stores[i]->db, "COMMIT");
}

/* begin_reads_at_one_state() on PostgreSQL: the first store's
 * repeatable-read transaction's snapshot, exported, is every other's. */
static gboolean
begin_shared_reads_at_one_state (VigilStore **stores,
                                 guint        n)
{
  const char *doing = _("Reading the portfolio");
  g_autofree char *set_snapshot = NULL;
  gboolean begun = _vigil_store_begin_read (stores[0], doing, NULL) &&
                   (set_snapshot = _vigil_store_export_snapshot (stores[0], doing, NULL)) != NULL;

  for (guint i = 1; begun && i < n; i++)
    begun = _vigil_store_begin_read (stores[i], doing, NULL) &&
            _vigil_store_exec_sql (stores[i], set_snapshot, doing, NULL);
  if (!begun)
    end_reads (stores, n);
  return begun;
}

/* Starts a read transaction on each of @stores, all at one state of the
 * database: PRAGMA data_version of the last connection, the same before
 * the first began and after the last did, says that nothing was
 * committed in between. FALSE (and none left open) when writes kept
 * coming between or a transaction could not start. On SQLite (PRAGMA
 * data_version): design 7, plan C.2; on PostgreSQL, the transactions
 * share one snapshot. */
static gboolean
begin_reads_at_one_state (VigilStore **stores,
                          guint        n)
{
  if (vigil_store_is_shared (stores[0]))
    return begin_shared_reads_at_one_state (stores, n);
  for (int attempt = 0; attempt < 3; attempt++)
    {
      gint64 before = 0, after = -1;
      gboolean begun = _vigil_store_query_int (stores[n - 1], "PRAGMA data_version", &before, NULL);

      for (guint i = 0; begun && i < n; i++)
        begun = _vigil_store_begin_read (stores[i], _("Reading the portfolio"), NULL);
      if (begun && _vigil_store_query_int (stores[n - 1], "PRAGMA data_version", &after, NULL) &&
          before == after)
        return TRUE;
      end_reads (stores, n);
      if (!begun)
        return FALSE;
    }
  return FALSE;
}

/**
 * _vigil_store_count_book_parts:
 *
 * How many parts a read of @self's whole book is made in now.
 */
guint
_vigil_store_count_book_parts (VigilStore *self)
{
  gint64 customers = 0;
  guint n = MIN ((guint) g_get_num_processors (), MAX_BOOK_PARTS);
  gint64 fewest = vigil_store_is_shared (self) || self->reads_alone ? MIN_CUSTOMERS_IN_PARTS
                                                                    : MIN_CUSTOMERS_IN_PARTS_BESIDE;

  /* A transaction of the caller's own is read inside, on its connection. */
  if (vigil_sql_in_transaction (self->db))
    return 1;
  if (self->book_parts > 0)
    return MIN (self->book_parts, MAX_BOOK_PARTS);
  if (n < 2 || !_vigil_store_query_int (self, "SELECT count(*) FROM customers", &customers, NULL) ||
      customers < fewest)
    return 1;
  return n;
}

/**
 * vigil_store_set_reads_alone:
 * @alone: whether a read of the whole book has the processors to itself
 *
 * Says that the program does nothing else while it reads the whole book
 * (`vigil scores`): a file's book of 5,000 customers or more is then
 * read in parts, one a processor, as a team's book is; otherwise from
 * 20,000, for the work beside the read, a window's drawing (design 7).
 */
void
vigil_store_set_reads_alone (VigilStore *self,
                             gboolean    alone)
{
  g_return_if_fail (VIGIL_IS_STORE (self));

  self->reads_alone = alone;
}

/* How many parts to read @self's book in, and a connection for each
 * part but the first (which @self reads). */
static guint
open_part_stores (VigilStore  *self,
                  VigilStore **stores)
{
  guint n = _vigil_store_count_book_parts (self);

  stores[0] = self;
  for (guint i = 1; i < n; i++)
    if (!(stores[i] = vigil_store_open_for_book_read (self->path, NULL)))
      {
        n = i;
        break;
      }
  return n;
}

/* The id each of @n parts of the customers starts at, by count. */
static gboolean
split_customers (VigilStore  *self,
                 guint        n,
                 BookPart    *parts,
                 GError     **error)
{
  VigilSqlStmt *stmt;
  gint64 customers = 0;

  /* One part, the whole book: no count to ask (a round trip, and on
   * PostgreSQL a scan of the table, for nothing). */
  parts[0].first_id = G_MININT64;
  parts[n - 1].last_id = G_MAXINT64;
  if (n == 1)
    return TRUE;
  if (!_vigil_store_query_int (self, "SELECT count(*) FROM customers", &customers, error) ||
      !(stmt = _vigil_store_prepare (self, "SELECT id FROM customers ORDER BY id LIMIT 1 OFFSET ?1",
                                     _("Reading the portfolio"), error)))
    return FALSE;
  for (guint i = 1; i < n; i++)
    {
      int rc;

      vigil_sql_bind_int64 (stmt, 1, customers * i / n);
      rc = vigil_sql_step (stmt);
      /* Customers deleted meanwhile by another connection are not in this
       * transaction's view: the count and the ids agree. */
      parts[i].first_id = rc == VIGIL_SQL_ROW ? vigil_sql_column_int64 (stmt, 0) : G_MAXINT64;
      parts[i - 1].last_id = parts[i].first_id - 1;
      vigil_sql_reset (stmt);
    }
  parts[n - 1].last_id = G_MAXINT64;
  vigil_sql_finalize (stmt);
  return TRUE;
}

/* Reads @parts, all but the first in threads of their own, and gathers
 * their rows in order. */
static GPtrArray *
read_parts (BookPart  *parts,
            guint      n,
            GError   **error)
{
  GThread *threads[MAX_BOOK_PARTS] = { NULL, };
  GPtrArray *rows;

  for (guint i = 1; i < n; i++)
    threads[i] = g_thread_new ("vigil-book-part", read_book_part, &parts[i]);
  read_book_part (&parts[0]);
  for (guint i = 1; i < n; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < n; i++)
    if (parts[i].error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&parts[i].error));
        for (guint j = 0; j < n; j++)
          {
            g_clear_error (&parts[j].error);
            g_clear_pointer (&parts[j].rows, g_ptr_array_unref);
          }
        return NULL;
      }
  rows = g_steal_pointer (&parts[0].rows);
  for (guint i = 1; i < n; i++)
    g_ptr_array_extend_and_steal (rows, g_steal_pointer (&parts[i].rows));
  return rows;
}

void
_vigil_store_set_book_parts (VigilStore *self,
                             guint       parts)
{
  g_return_if_fail (VIGIL_IS_STORE (self));

  self->book_parts = parts;
}

static GPtrArray *read_book (VigilStore  *self,
                             BookQuery   *query,
                             GError     **error);

/**
 * vigil_store_list_book_scores:
 *
 * The rows of vigil_store_list_book() with what the scores, the churn
 * risk and the sorting of `vigil scores` and the window read, for a big
 * book: without
 * what only the triggers' rules read (@peak_14d, @recent_high: NAN,
 * @nps_14d_ago, @first_observed: %VIGIL_UNKNOWN), four index lookups a
 * customer fewer. A big book is read in parts by customer id, one a
 * processor, each on a connection of its own, all in read transactions
 * that see the database at one state.
 *
 * Returns: (transfer full) (element-type VigilPortfolioRow): the rows,
 *   in customer id order
 */
GPtrArray *
vigil_store_list_book_scores (VigilStore  *self,
                              VigilBook    book,
                              const char  *owner,
                              VigilTier    tier,
                              GError     **error)
{
  BookQuery query = { portfolio_scores_sql, book, owner, tier, NULL, NULL, NULL };

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  return read_book (self, &query, error);
}

/* @query's rows of the whole book, in customer id order, read in parts
 * when the book is big (open_part_stores()). */
static GPtrArray *
read_book (VigilStore  *self,
           BookQuery   *query_in,
           GError     **error)
{
  VigilStore *stores[MAX_BOOK_PARTS] = { NULL, };
  gint64 previous_cache;
  BookPart parts[MAX_BOOK_PARTS] = { { NULL, }, };
  BookQuery query = *query_in;
  GPtrArray *rows = NULL;
  gboolean began;
  guint n;

  previous_cache = begin_book_read_cache (self);
  n = open_part_stores (self, stores);
  if (n > 1 && !begin_reads_at_one_state (stores, n))
    {
      for (guint i = 1; i < n; i++)
        g_clear_object (&stores[i]);
      n = 1;
    }
  /* One connection: in one read transaction too, unless in the caller's. */
  began = n > 1 || !vigil_sql_in_transaction (self->db);
  if (n == 1 && began && !_vigil_store_begin_read (self, _("Reading the portfolio"), error))
    {
      end_book_read_cache (self, previous_cache);
      return NULL;
    }

  if ((query.scorecards = _vigil_store_load_all_scorecards (self, error)) &&
      _vigil_store_read_book_pulses (self, &query.pulse_marks, &query.current_pulses, error) &&
      split_customers (self, n, parts, error))
    {
      for (guint i = 0; i < n; i++)
        {
          parts[i].query = &query;
          parts[i].store = stores[i];
        }
      rows = read_parts (parts, n, error);
    }

  if (began)
    end_reads (stores, n);
  end_book_read_cache (self, previous_cache);
  for (guint i = 1; i < n; i++)
    g_clear_object (&stores[i]);
  g_clear_pointer (&query.scorecards, g_hash_table_unref);
  g_clear_pointer (&query.pulse_marks, g_hash_table_unref);
  g_clear_pointer (&query.current_pulses, g_hash_table_unref);
  return rows;
}

/**
 * vigil_store_list_portfolio:
 * @owner: (nullable): keep only this owner's customers
 * @tier: keep only this tier, or %VIGIL_TIER_NONE for all
 *
 * The active book (design 3.2): vigil_store_list_book() with
 * %VIGIL_BOOK_ACTIVE.
 *
 * Returns: (transfer full) (element-type VigilPortfolioRow): the rows
 */
GPtrArray *
vigil_store_list_portfolio (VigilStore  *self,
                            const char  *owner,
                            VigilTier    tier,
                            GError     **error)
{
  return vigil_store_list_book (self, VIGIL_BOOK_ACTIVE, owner, tier, error);
}

/* A team's book of fewer customers than this, read whole by the
 * triggers, is read in parts and held (its rows, some hundred bytes
 * each), not streamed. */
#define MAX_SHARED_CUSTOMERS_HELD 100000

/* Whether vigil_store_foreach_portfolio_row() reads @self's book in
 * parts, held: a team's book of MIN_CUSTOMERS_IN_PARTS to
 * MAX_SHARED_CUSTOMERS_HELD customers (or as the tests say), read
 * outside a transaction of the caller's. The server's processes read
 * the parts side by side (design 7: the triggers' read after a poll of
 * 10,000 customers was a third of the server's work). */
static gboolean
read_held_in_parts (VigilStore *self)
{
  gint64 customers = 0;

  if (!vigil_store_is_shared (self) || vigil_sql_in_transaction (self->db) || g_get_num_processors () < 2)
    return FALSE;
  if (self->book_parts > 0)
    return self->book_parts > 1;
  return _vigil_store_query_int (self, "SELECT count(*) FROM customers", &customers, NULL) &&
         customers >= MIN_CUSTOMERS_IN_PARTS && customers < MAX_SHARED_CUSTOMERS_HELD;
}

static gboolean
foreach_row_read_in_parts (VigilStore             *self,
                           VigilPortfolioRowFunc   func,
                           gpointer                user_data,
                           GError                **error)
{
  BookQuery query = { portfolio_part_sql, VIGIL_BOOK_ACTIVE, NULL, VIGIL_TIER_NONE, NULL, NULL, NULL };
  g_autoptr(GPtrArray) rows = read_book (self, &query, error);

  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    if (!func (g_ptr_array_index (rows, i), user_data, error))
      return FALSE;
  return TRUE;
}

/**
 * vigil_store_foreach_portfolio_row:
 * @func: called with each row, in customer id order; returning %FALSE
 *   with its error set stops
 *
 * The rows of vigil_store_list_portfolio(), the active book, one at a
 * time: a book of a million customers is not held in memory at once.
 */
gboolean
vigil_store_foreach_portfolio_row (VigilStore             *self,
                                   VigilPortfolioRowFunc   func,
                                   gpointer                user_data,
                                   GError                **error)
{
  g_autoptr(GHashTable) scorecards = NULL;
  VigilSqlStmt *stmt = NULL;
  AccountReader accounts;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (read_held_in_parts (self))
    return foreach_row_read_in_parts (self, func, user_data, error);
  if (!(scorecards = _vigil_store_load_all_scorecards (self, error)) ||
      !(stmt = _vigil_store_prepare (self, portfolio_sql, _("Reading the portfolio"), error)))
    return FALSE;
  /* every owner, every tier (typed: PostgreSQL cannot tell a NULL's type
   * from "?1 IS NULL") */
  vigil_sql_bind_null (stmt, 1, VIGIL_SQL_TEXT);
  vigil_sql_bind_null (stmt, 2, VIGIL_SQL_TEXT);
  bind_book (stmt, 3, VIGIL_BOOK_ACTIVE);
  if (!account_reader_open (self, &accounts, error))
    {
      vigil_sql_finalize (stmt);
      return FALSE;
    }

  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      g_autoptr(VigilPortfolioRow) row = read_portfolio_row (self, stmt, scorecards, &accounts);

      if (!func (row, user_data, error))
        {
          vigil_sql_finalize (stmt);
          account_reader_close (self, &accounts, NULL);
          return FALSE;
        }
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading the portfolio"), error))
    {
      account_reader_close (self, &accounts, NULL);
      return FALSE;
    }
  return account_reader_close (self, &accounts, error);
}

/* The records of one account, for its history. */
static gboolean
read_account_records (VigilStore      *self,
                      gint64           customer_id,
                      AccountRecords  *account,
                      GError         **error)
{
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_prepare (self, ACCOUNT_RECORDS_SQL ("WHERE r.customer_id = ?1"),
                                     _("Reading history"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    account_records_add (account, stmt);
  return _vigil_store_finish_rows (self, stmt, rc, _("Reading history"), error);
}

/**
 * vigil_store_list_history:
 *
 * Every snapshot of one customer with its score, oldest first.
 *
 * Returns: (transfer full) (element-type VigilHistoryRow): the rows
 */
GPtrArray *
vigil_store_list_history (VigilStore  *self,
                          gint64       customer_id,
                          GError     **error)
{
  static const char sql[] =
    "SELECT " CUSTOMER_COLUMNS ", " SNAPSHOT_COLUMNS ", " SCORE_COLUMNS " "
    "FROM snapshots s JOIN customers c ON c.id = s.customer_id "
    JOIN_SCORES
    "WHERE s.customer_id = ?1 ORDER BY s.observed_at";
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_history_row_free);
  g_autoptr(GHashTable) scorecards = NULL;
  g_autoptr(GArray) pulses = NULL;
  AccountRecords account;
  VigilSqlStmt *stmt = NULL;
  guint pulse_hint = 0;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(scorecards = _vigil_store_load_all_scorecards (self, error)) ||
      !(pulses = _vigil_store_read_pulse_marks (self, customer_id, error)))
    return NULL;

  account_records_init (&account);
  if (!read_account_records (self, customer_id, &account, error) ||
      !(stmt = _vigil_store_prepare (self, sql, _("Reading history"), error)))
    {
      account_records_clear (&account);
      return NULL;
    }
  vigil_sql_bind_int64 (stmt, 1, customer_id);

  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      VigilHistoryRow *row = g_new0 (VigilHistoryRow, 1);

      row->snapshot = read_observation (self, stmt, 0, TRUE, scorecards, pulses, &pulse_hint, NULL,
                                        &row->score);
      row->field_sources = g_array_new (FALSE, FALSE, sizeof (VigilFieldSource));
      resolve_sources (&account,
                       vigil_sql_column_text (stmt, N_CUSTOMER_COLUMNS + ORIGINS_COLUMN),
                       &row->score, row->input_sources, row->snapshot, row->field_sources);
      g_ptr_array_add (rows, row);
    }
  account_records_clear (&account);
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading history"), error))
    return NULL;
  return g_steal_pointer (&rows);
}

/**
 * vigil_store_count_snapshots:
 *
 * Returns: the number of snapshots stored, or -1 with @error set
 */
gint64
vigil_store_count_snapshots (VigilStore  *self,
                             GError     **error)
{
  gint64 count = 0;

  g_return_val_if_fail (VIGIL_IS_STORE (self), -1);

  if (!_vigil_store_query_int (self, "SELECT count(*) FROM snapshots", &count, error))
    return -1;
  return count;
}

gint64
vigil_store_count_customers (VigilStore  *self,
                             GError     **error)
{
  gint64 count = 0;

  g_return_val_if_fail (VIGIL_IS_STORE (self), -1);

  if (!_vigil_store_query_int (self, "SELECT count(*) FROM customers", &count, error))
    return -1;
  return count;
}

/**
 * vigil_store_get_latest_time:
 * @out_time: (out): the newest customer's latest observation (Unix
 *   seconds), %G_MININT64 when no customer has any
 *
 * The book's "now", from one look at the customers alone: what the
 * sparklines' span is counted back from, known without reading the
 * book's rows (design 7: the window reads them beside each other).
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
vigil_store_get_latest_time (VigilStore  *self,
                             gint64      *out_time,
                             GError     **error)
{
  VigilSqlStmt *stmt;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_time != NULL, FALSE);

  if (!(stmt = _vigil_store_prepare (self, "SELECT max (latest_at) FROM customers",
                                     _("Reading the portfolio"), error)))
    return FALSE;
  rc = vigil_sql_step (stmt);
  *out_time = rc == VIGIL_SQL_ROW && !vigil_sql_column_is_null (stmt, 0)
              ? vigil_sql_column_int64 (stmt, 0) : G_MININT64;
  return _vigil_store_finish_rows (self, stmt, rc, _("Reading the portfolio"), error);
}

/* Health over time --------------------------------------------------------- */

/* Every customer's known health since ?1, in customer id order, each
 * customer's oldest first. A seek per customer into the scores' key
 * reads the recent weeks only, not all years. */
static const char recent_health_sql[] =
  "SELECT s.customer_id, s.observed_at, s.health FROM customers c "
  "JOIN scores s ON s.customer_id = c.id AND s.observed_at >= ?1 "
  "WHERE s.health IS NOT NULL ORDER BY c.id, s.observed_at";

/**
 * vigil_store_list_recent_health_points:
 * @since: the oldest observation time to include (Unix seconds)
 *
 * Every customer's health since @since, from one query, in one array
 * (the portfolio's sparklines are these, thinned as they are read:
 * vigil_store_list_sparklines()). Unknown scores are left out. A big
 * book's weeks are millions of points: one block, not an array each.
 *
 * Returns: (transfer full) (element-type VigilCustomerHealthPoint): the
 *   points in customer id order, each customer's oldest first
 */
GArray *
vigil_store_list_recent_health_points (VigilStore  *self,
                                       gint64       since,
                                       GError     **error)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VigilCustomerHealthPoint));
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_prepare (self, recent_health_sql, _("Reading history"), error)))
    return NULL;
  vigil_sql_bind_int64 (stmt, 1, since);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      VigilCustomerHealthPoint point = {
        vigil_sql_column_int64 (stmt, 0),
        { vigil_sql_column_int64 (stmt, 1), vigil_sql_column_double (stmt, 2), 1 }
      };

      g_array_append_val (points, point);
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading history"), error))
    return NULL;
  return g_steal_pointer (&points);
}

/* design 5: a sparkline is the recent health evenly thinned to at most
 * VIGIL_SPARKLINE_POINTS, always keeping the newest of the @n scores. */
static void
thin_into_sparkline (const double   *health,
                     guint           n,
                     VigilSparkline *sparkline)
{
  sparkline->n_points = MIN (n, VIGIL_SPARKLINE_POINTS);
  for (guint i = 0; i < sparkline->n_points; i++)
    {
      guint back = (guint) ((guint64) (sparkline->n_points - 1 - i) * (n - 1) /
                            MAX (sparkline->n_points - 1, 1));

      sparkline->health[i] = health[n - 1 - back];
    }
}

/* Thins the scores gathered in @health into a sparkline of
 * @customer_id appended to @sparklines, and empties @health. */
static void
add_sparkline (GArray *sparklines,
               gint64  customer_id,
               GArray *health)
{
  VigilSparkline *sparkline;

  if (health->len == 0)
    return;
  g_array_set_size (sparklines, sparklines->len + 1);
  sparkline = &g_array_index (sparklines, VigilSparkline, sparklines->len - 1);
  sparkline->customer_id = customer_id;
  thin_into_sparkline ((const double *) health->data, health->len, sparkline);
  g_array_set_size (health, 0);
}

/**
 * vigil_store_list_sparklines:
 * @since: the oldest observation time to include (Unix seconds)
 *
 * The health of vigil_store_list_recent_health_points(), thinned as it
 * is read into each customer's sparkline: on a big book, a quarter of
 * the memory of the points when scored daily (less when more often),
 * made without moving millions of points as the array grows (design 7).
 *
 * Returns: (transfer full) (element-type VigilSparkline): a sparkline of
 *   each customer with a known score since @since, in customer id order
 */
GArray *
vigil_store_list_sparklines (VigilStore  *self,
                             gint64       since,
                             GError     **error)
{
  g_autoptr(GArray) sparklines = g_array_new (FALSE, FALSE, sizeof (VigilSparkline));
  g_autoptr(GArray) health = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 customer_id = 0, previous_cache;
  VigilSqlStmt *stmt = NULL;
  gboolean read;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_prepare (self, recent_health_sql, _("Reading history"), error)))
    return NULL;
  vigil_sql_bind_int64 (stmt, 1, since);
  previous_cache = begin_book_read_cache (self);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 id = vigil_sql_column_int64 (stmt, 0);
      double score = vigil_sql_column_double (stmt, 2);

      if (id != customer_id)
        add_sparkline (sparklines, customer_id, health);
      customer_id = id;
      g_array_append_val (health, score);
    }
  read = _vigil_store_finish_rows (self, stmt, rc, _("Reading history"), error);
  end_book_read_cache (self, previous_cache);
  if (!read)
    return NULL;
  add_sparkline (sparklines, customer_id, health);
  return g_steal_pointer (&sparklines);
}

/**
 * vigil_store_list_recent_health:
 * @since: the oldest observation time to include (Unix seconds)
 *
 * vigil_store_list_recent_health_points() by customer.
 *
 * Returns: (transfer full): customer id (a #gint64 key) → #GArray of
 *   #VigilHealthPoint, oldest first
 */
GHashTable *
vigil_store_list_recent_health (VigilStore  *self,
                                gint64       since,
                                GError     **error)
{
  g_autoptr(GHashTable) health = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        (GDestroyNotify) g_array_unref);
  g_autoptr(GArray) all = NULL;
  GArray *points = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(all = vigil_store_list_recent_health_points (self, since, error)))
    return NULL;
  for (guint i = 0; i < all->len; i++)
    {
      const VigilCustomerHealthPoint *point = &g_array_index (all, VigilCustomerHealthPoint, i);

      if (i == 0 || point->customer_id != point[-1].customer_id)
        {
          points = g_array_new (FALSE, FALSE, sizeof (VigilHealthPoint));
          g_hash_table_insert (health, g_memdup2 (&point->customer_id, sizeof (gint64)), points);
        }
      g_array_append_val (points, point->point);
    }
  return g_steal_pointer (&health);
}

/* design 3.2: the score k was of a customer in the active book on the
 * day it was observed. Most customers never churned: a look-up in the
 * few that did spares them the rule's index seek, which on a year of a
 * big book is millions of them. */
#define ACTIVE_WHEN_SCORED(E) \
  "(k.customer_id NOT IN (SELECT customer_id FROM outcomes WHERE outcome = 'churned') " \
  " OR " CHURNED_ON_AS_OF ("k.customer_id", SQL_DAY_OF_EPOCH_##E ("k.observed_at")) " IS NULL)"

/**
 * vigil_store_list_average_health:
 * @since: the oldest observation time to include (Unix seconds)
 * @bucket_s: the width of a bucket in seconds (86400: days)
 * @owner: (nullable): only this owner's customers
 *
 * The portfolio's average health per bucket of time since @since, from
 * every stored score in it of a customer then in the active book
 * (design 3.2): the portfolio trend.
 *
 * Returns: (transfer full) (element-type VigilHealthPoint): the buckets
 *   in time order, each with its start time, average and count
 */
GArray *
vigil_store_list_average_health (VigilStore  *self,
                                 gint64       since,
                                 gint64       bucket_s,
                                 const char  *owner,
                                 GError     **error)
{
#define ALL_SQL(E) \
    "SELECT k.observed_at, k.health FROM scores k " \
    "WHERE k.observed_at >= ?1 AND k.health IS NOT NULL AND " ACTIVE_WHEN_SCORED (E)
#define OWNER_SQL(E) \
    "SELECT k.observed_at, k.health FROM scores k JOIN customers c ON c.id = k.customer_id " \
    "WHERE k.observed_at >= ?1 AND k.health IS NOT NULL AND c.owner = ?2 AND " ACTIVE_WHEN_SCORED (E)
  static const char * const all_sql[] = ENGINE_SQL (ALL_SQL);
  static const char * const owner_sql[] = ENGINE_SQL (OWNER_SQL);
#undef ALL_SQL
#undef OWNER_SQL
  g_autoptr(GArray) points = g_array_new (FALSE, TRUE, sizeof (VigilHealthPoint));
  g_autoptr(GArray) sums = g_array_new (FALSE, TRUE, sizeof (double));
  VigilSqlStmt *stmt = NULL;
  gint64 first = since >= 0 ? since / bucket_s * bucket_s : -((-since + bucket_s - 1) / bucket_s) * bucket_s;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (bucket_s > 0, NULL);

  /* Summed here rather than by GROUP BY: a year of a big book is
   * millions of scores, and sorting them into buckets costs SQLite more
   * than one pass adding them up in order. */
  if (!(stmt = _vigil_store_prepare (self, owner == NULL ? ENGINE_TEXT (self, all_sql) : ENGINE_TEXT (self, owner_sql),
                                     _("Reading history"), error)))
    return NULL;
  vigil_sql_bind_int64 (stmt, 1, since);
  if (owner != NULL)
    vigil_sql_bind_text (stmt, 2, owner, -1);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      guint index = (guint) ((vigil_sql_column_int64 (stmt, 0) - first) / bucket_s);

      if (index >= points->len)
        {
          g_array_set_size (points, index + 1);
          g_array_set_size (sums, index + 1);
        }
      g_array_index (sums, double, index) += vigil_sql_column_double (stmt, 1);
      g_array_index (points, VigilHealthPoint, index).count++;
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading history"), error))
    return NULL;

  /* Buckets without a score are left out. */
  for (guint i = points->len; i-- > 0;)
    {
      VigilHealthPoint *point = &g_array_index (points, VigilHealthPoint, i);

      if (point->count == 0)
        g_array_remove_index (points, i);
      else
        {
          point->time = first + (gint64) i * bucket_s;
          point->health = g_array_index (sums, double, i) / point->count;
        }
    }
  return g_steal_pointer (&points);
}
