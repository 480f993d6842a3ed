/* vigil-store-scores.c: the scorecards' versions, and rescoring the history with a new one
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-store-private.h"

/**
 * vigil_store_load_scorecard:
 *
 * Returns: (transfer full): the scorecard in use (the newest version)
 */
VigilScorecard *
vigil_store_load_scorecard (VigilStore  *self,
                            GError     **error)
{
  static const char sql[] =
    "SELECT version, definition FROM scorecards ORDER BY version DESC LIMIT 1";
  VigilSqlStmt *stmt = NULL;
  VigilScorecard *scorecard = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading the scorecard"), error)))
    return NULL;

  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    scorecard = vigil_scorecard_new_from_json (vigil_sql_column_text (stmt, 1),
                                               vigil_sql_column_int64 (stmt, 0), error);
  else if (rc == VIGIL_SQL_DONE)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                 _("%s has no scorecard; the database is damaged"), self->path);
  else
    _vigil_store_set_sqlite_error (self, error, _("Reading the scorecard"));
  vigil_sql_finalize (stmt);

  return scorecard;
}

GHashTable *
_vigil_store_load_all_scorecards (VigilStore  *self,
                                  GError     **error)
{
  g_autoptr(GHashTable) scorecards = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                            g_free, g_object_unref);
  VigilSqlStmt *stmt = NULL;
  int rc;

  if (!(stmt = _vigil_store_prepare (self, "SELECT version, definition FROM scorecards",
                                     _("Reading the scorecard"), error)))
    return NULL;

  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 version = vigil_sql_column_int64 (stmt, 0);
      VigilScorecard *scorecard;

      scorecard = vigil_scorecard_new_from_json (vigil_sql_column_text (stmt, 1),
                                                 version, error);
      if (scorecard == NULL)
        {
          vigil_sql_finalize (stmt);
          return NULL;
        }
      g_hash_table_insert (scorecards, g_memdup2 (&version, sizeof version), scorecard);
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading the scorecard"), error))
    return NULL;
  return g_steal_pointer (&scorecards);
}

/* Stores @scorecard as the version it carries. */
gboolean
_vigil_store_insert_scorecard (VigilStore      *self,
                               VigilScorecard  *scorecard,
                               const char      *doing,
                               GError         **error)
{
  static const char sql[] =
    "INSERT INTO scorecards (version, definition, created_at) VALUES (?1, ?2, ?3)";
  g_autofree char *definition = vigil_scorecard_to_json (scorecard);
  VigilSqlStmt *stmt = NULL;

  if (!(stmt = _vigil_store_prepare (self, sql, doing, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, vigil_scorecard_get_version (scorecard));
  vigil_sql_bind_text (stmt, 2, definition, -1);
  vigil_sql_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  return _vigil_store_exec_prepared (self, stmt, doing, error);
}

/* What a rescore scores with: the scorecard and, when it weighs
 * sentiment, every customer's pulses, read once (design 3.1). The
 * snapshots come in customer and time order, so the current customer's
 * pulses are kept at hand and walked forward with a hint: one ordered
 * pass per customer, not a query per snapshot. */
typedef struct
{
  VigilScorecard *scorecard;
  GHashTable     *pulses;       /* customer id → GArray of VigilPulseMark, or NULL */
  gint64          customer_id;  /* whose pulses are at hand */
  GArray         *customer_pulses;
  guint           hint;
} Rescore;

static const VigilPulseMark *
rescore_find_pulse (Rescore *rescore,
                    gint64   customer_id,
                    gint64   observed_at)
{
  if (rescore->pulses == NULL)
    return NULL;
  if (customer_id != rescore->customer_id || rescore->customer_id == 0)
    {
      rescore->customer_id = customer_id;
      rescore->customer_pulses = g_hash_table_lookup (rescore->pulses, &customer_id);
      rescore->hint = 0;
    }
  return vigil_pulse_marks_find (rescore->customer_pulses, observed_at, &rescore->hint);
}

/* The stored columns a snapshot's health is computed from, in the
 * order RESCORED_COLUMNS selects them. */
#define RESCORED_COLUMNS \
  "observed_at, last_active, api_calls_7d, features_used, seats, seats_used, open_tickets, nps"
#define N_RESCORED_COLUMNS 8

/* The health of customer @customer_id's stored snapshot whose
 * RESCORED_COLUMNS are @values (VIGIL_UNKNOWN: NULL) under the scorecard
 * being applied, or NAN when no measure is known: both engines' rescore. */
static double
rescore_health (Rescore      *rescore,
                gint64        customer_id,
                const gint64  values[N_RESCORED_COLUMNS])
{
  VigilSnapshot snapshot = { 0, };
  VigilScore score;

  snapshot.observed_at = values[0];
  snapshot.last_active = values[1];
  snapshot.api_calls_7d = values[2];
  snapshot.features_used = values[3];
  snapshot.seats = values[4];
  snapshot.seats_used = values[5];
  snapshot.open_tickets = values[6];
  snapshot.nps = values[7];
  snapshot.mrr = NAN;
  snapshot.renewal_day = VIGIL_UNKNOWN_DAY;

  vigil_scorecard_compute_with_pulse (rescore->scorecard, &snapshot,
                                      rescore_find_pulse (rescore, customer_id, snapshot.observed_at),
                                      &score);
  return score.health;
}

/* SQL function vigil_health (RESCORED_COLUMNS, customer_id): the health
 * of a stored snapshot under the scorecard being applied (in the
 * function's user data, a Rescore), or NULL when no measure is known. */
static void
sql_health (sqlite3_context  *context,
            int               argc,
            sqlite3_value   **argv)
{
  Rescore *rescore = sqlite3_user_data (context);
  gint64 values[N_RESCORED_COLUMNS];
  double health;

  g_assert (argc == N_RESCORED_COLUMNS + 1);

  for (guint i = 0; i < N_RESCORED_COLUMNS; i++)
    values[i] = sqlite3_value_type (argv[i]) == SQLITE_NULL ? VIGIL_UNKNOWN : sqlite3_value_int64 (argv[i]);
  health = rescore_health (rescore, sqlite3_value_int64 (argv[N_RESCORED_COLUMNS]), values);
  if (isnan (health))
    sqlite3_result_null (context);
  else
    sqlite3_result_double (context, health);
}

/* SQL function vigil_tier (health): its tier under the scorecard being
 * applied, or NULL. */
static void
sql_tier (sqlite3_context  *context,
          int               argc,
          sqlite3_value   **argv)
{
  VigilScorecard *scorecard = ((Rescore *) sqlite3_user_data (context))->scorecard;

  g_assert (argc == 1);

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    sqlite3_result_null (context);
  else
    sqlite3_result_text (context,
                         vigil_tier_get_id (vigil_scorecard_get_tier (scorecard,
                                                                      sqlite3_value_double (argv[0]))),
                         -1, SQLITE_STATIC);
}

/* Snapshots read and scored at a time by a rescore on PostgreSQL. */
#define RESCORE_BATCH 8192

/* A snapshot's key and score, as a rescore on PostgreSQL writes it. */
typedef struct
{
  gint64 customer_id;
  gint64 observed_at;
  double health;
} RescoredRow;

#ifdef HAVE_POSTGRESQL
/* Sends @data, rows (or the header, or the trailer) of the COPY under way. */
static gboolean
put_copy (VigilStore  *self,
          GString     *data,
          GError     **error)
{
  if (!vigil_sql_pg_copy_put (self->db, data->str, data->len))
    return _vigil_store_set_sqlite_error (self, error, _("Rescoring"));
  return TRUE;
}

/* Sends @rows's scores under @scorecard as rows of the binary COPY into
 * scores under way: each value as it is stored (the double's own bits). */
static gboolean
put_rescored (VigilStore      *self,
              VigilScorecard  *scorecard,
              GArray          *rows,
              GError         **error)
{
  const RescoredRow *row = (const RescoredRow *) rows->data;
  gint64 version = vigil_scorecard_get_version (scorecard);
  g_autoptr(GString) data = g_string_sized_new (64 * rows->len);

  for (guint i = 0; i < rows->len; i++)
    {
      vigil_sql_pg_copy_binary_row (data, 5);
      vigil_sql_pg_copy_binary_int64 (data, row[i].customer_id);
      vigil_sql_pg_copy_binary_int64 (data, row[i].observed_at);
      vigil_sql_pg_copy_binary_int64 (data, version);
      if (isnan (row[i].health))
        {
          vigil_sql_pg_copy_binary_null (data);
          vigil_sql_pg_copy_binary_null (data);
          continue;
        }
      vigil_sql_pg_copy_binary_double (data, row[i].health);
      vigil_sql_pg_copy_binary_text (data, vigil_tier_get_id (vigil_scorecard_get_tier (scorecard,
                                                                                         row[i].health)));
    }
  return put_copy (self, data, error);
}

/* One line of the snapshots' COPY: the customer, then RESCORED_COLUMNS,
 * separated by tabs, \N for a NULL (VIGIL_UNKNOWN). */
static gboolean
parse_rescored_line (const char *line,
                     gsize       length,
                     gint64     *out_customer_id,
                     gint64      values[N_RESCORED_COLUMNS])
{
  const char *p = line;
  const char *end = line + length;

  for (int i = 0; i <= N_RESCORED_COLUMNS; i++)
    {
      gint64 value;

      if (end - p >= 2 && p[0] == '\\' && p[1] == 'N')
        {
          value = VIGIL_UNKNOWN;
          p += 2;
        }
      else
        {
          char *after = NULL;

          value = g_ascii_strtoll (p, &after, 10);
          if (after == p || after > end)
            return FALSE;
          p = after;
        }
      if (i == 0)
        *out_customer_id = value;
      else
        values[i - 1] = value;
      if (p >= end || *p != (i < N_RESCORED_COLUMNS ? '\t' : '\n'))
        return FALSE;
      p++;
    }
  return p == end;
}

/* A connection of its own that sees the database as the store's sees it
 * now (its exported snapshot), in a read-only transaction: the
 * snapshots are read there while the store's connection writes the
 * scores, the two servers' processes working side by side. */
static VigilSqlConnection *
open_snapshot_reader (VigilStore  *self,
                      GError     **error)
{
  const char *doing = _("Rescoring");
  g_autofree char *set_snapshot = NULL;
  VigilSqlConnection *reader;

  if (!(set_snapshot = _vigil_store_export_snapshot (self, doing, error)))
    return NULL;
  if (!(reader = vigil_sql_pg_connect (self->path, "vigil", error)))
    return NULL;
  if (!vigil_sql_exec (reader, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") ||
      !vigil_sql_exec (reader, set_snapshot))
    {
      _vigil_store_set_connection_error (self, reader, error, doing);
      vigil_sql_close (reader);
      return NULL;
    }
  return reader;
}

/* The next RESCORE_BATCH snapshots (or the last ones) from @reader's
 * COPY, scored into @rows; @out_more says whether any may follow. */
static gboolean
read_rescored (VigilStore          *self,
               VigilSqlConnection  *reader,
               Rescore             *rescore,
               GArray              *rows,
               gboolean            *out_more,
               GError             **error)
{
  const char *line = NULL;
  gsize length = 0;

  g_array_set_size (rows, 0);
  while (rows->len < RESCORE_BATCH && (line = vigil_sql_pg_copy_out_line (reader, &length)) != NULL)
    {
      gint64 values[N_RESCORED_COLUMNS];
      RescoredRow row;

      if (!parse_rescored_line (line, length, &row.customer_id, values))
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE, _("%s: database error in %s: %s"),
                       _("Rescoring"), self->path, line);
          return FALSE;
        }
      row.observed_at = values[0];
      row.health = rescore_health (rescore, row.customer_id, values);
      g_array_append_val (rows, row);
    }
  *out_more = line != NULL;
  if (!*out_more && !vigil_sql_pg_copy_out_end (reader))
    return _vigil_store_set_connection_error (self, reader, error, _("Rescoring"));
  return TRUE;
}

/* rescore_all() on PostgreSQL, which runs no code of Vigil's: the
 * snapshots are read in key order by a second connection (one COPY out,
 * streamed: memory stays flat), scored here by the same
 * rescore_health(), RESCORE_BATCH at a time, and their scores written
 * anew by one COPY in on the store's connection, while the next are
 * read: the server reads and writes at once. */
static gboolean
rescore_all_shared (VigilStore      *self,
                    VigilScorecard  *scorecard,
                    Rescore         *rescore,
                    guint64         *out_rescored,
                    GError         **error)
{
  static const char read_sql[] =
    "COPY (SELECT customer_id, " RESCORED_COLUMNS " FROM snapshots "
    "ORDER BY customer_id, observed_at) TO STDOUT";
  static const char write_sql[] =
    "COPY scores (customer_id, observed_at, version, health, tier) FROM STDIN (FORMAT binary)";
  g_autoptr(GString) header = g_string_new (NULL);
  g_autoptr(GString) trailer = g_string_new (NULL);
  g_autoptr(GArray) rows = g_array_sized_new (FALSE, FALSE, sizeof (RescoredRow), RESCORE_BATCH);
  VigilSqlConnection *reader;
  gboolean ok = TRUE;
  gboolean writing = FALSE;
  gboolean more = TRUE;
  guint64 rescored = 0;

  gint64 owns_scores = 0;

  /* The key's index is built anew after the rows are in: kept, it took
   * each new row's key beside the deleted row's, most of the time the
   * rescore took (the lock this takes holds readers of the scores off
   * until the commit). Only the table's owner may: another ops role
   * (design 1.1) rescores with the key kept, slower. */
  if (!_vigil_store_query_int (self, "SELECT CASE WHEN pg_has_role (current_user, "
                               "(SELECT relowner FROM pg_class WHERE oid = 'vigil.scores'::regclass), 'USAGE') "
                               "THEN 1 ELSE 0 END", &owns_scores, error) ||
      (owns_scores && !_vigil_store_exec_sql (self, "ALTER TABLE scores DROP CONSTRAINT scores_pkey",
                                              _("Rescoring"), error)) ||
      !_vigil_store_exec_sql (self, "DELETE FROM scores", _("Rescoring"), error) ||
      !(reader = open_snapshot_reader (self, error)))
    return FALSE;
  if (!vigil_sql_pg_copy_out_begin (reader, read_sql))
    ok = _vigil_store_set_connection_error (self, reader, error, _("Rescoring"));
  else if (!(writing = vigil_sql_pg_copy_begin (self->db, write_sql)))
    ok = _vigil_store_set_sqlite_error (self, error, _("Rescoring"));
  vigil_sql_pg_copy_binary_header (header);
  ok = ok && put_copy (self, header, error);
  while (ok && more)
    {
      ok = read_rescored (self, reader, rescore, rows, &more, error) &&
           put_rescored (self, scorecard, rows, error);
      rescored += rows->len;
    }
  vigil_sql_pg_copy_binary_trailer (trailer);
  ok = ok && put_copy (self, trailer, error);
  /* Ended on a failure too (what it wrote goes with the transaction);
   * closing the reader ends its read. */
  if (writing && !vigil_sql_pg_copy_end (self->db) && ok)
    ok = _vigil_store_set_sqlite_error (self, error, _("Rescoring"));
  vigil_sql_close (reader);
  if (ok && owns_scores)
    ok = _vigil_store_exec_sql (self, "ALTER TABLE scores ADD CONSTRAINT scores_pkey "
                                "PRIMARY KEY (customer_id, observed_at)", _("Rescoring"), error);
  if (ok && out_rescored != NULL)
    *out_rescored = rescored;
  return ok;
}

#endif

/* Rewrites every stored score with @scorecard in one statement: the
 * scores table is emptied and refilled in key order from the
 * observations, inside SQLite, with the scoring done by the scorecard
 * itself through two SQL functions that exist only meanwhile. SQLite
 * only: its application-defined functions (plan C.2). */
static gboolean
rescore_all (VigilStore      *self,
             VigilScorecard  *scorecard,
             guint64         *out_rescored,
             GError         **error)
{
  static const char sql[] =
    "INSERT INTO scores (customer_id, observed_at, version, health, tier) "
    "SELECT customer_id, observed_at, ?1, health, vigil_tier (health) FROM "
    "(SELECT customer_id, observed_at, vigil_health (" RESCORED_COLUMNS ", customer_id) AS health "
    " FROM snapshots "
    " ORDER BY customer_id, observed_at) AS scored";
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
  g_autoptr(GHashTable) pulses = NULL;
  Rescore rescore = { scorecard, NULL, 0, NULL, 0 };
  VigilSqlStmt *stmt = NULL;
  sqlite3 *db;
  gboolean ok;

  /* Without a weight the pulses change nothing: not even read. */
  if (vigil_scorecard_get_weight (scorecard, VIGIL_MEASURE_SENTIMENT) > 0 &&
      !(rescore.pulses = pulses = _vigil_store_read_all_pulse_marks (self, error)))
    return FALSE;
#ifdef HAVE_POSTGRESQL
  if (vigil_store_is_shared (self))
    return rescore_all_shared (self, scorecard, &rescore, out_rescored, error);
#endif
  db = vigil_sql_sqlite_handle (self->db);
  /* SQLite only: the scoring functions (plan C.2). */
  if (sqlite3_create_function (db, "vigil_health", 9, flags, &rescore,
                               sql_health, NULL, NULL) != SQLITE_OK ||
      sqlite3_create_function (db, "vigil_tier", 1, flags, &rescore,
                               sql_tier, NULL, NULL) != SQLITE_OK)
    return _vigil_store_set_sqlite_error (self, error, _("Rescoring"));

  ok = _vigil_store_exec_sql (self, "DELETE FROM scores", _("Rescoring"), error);
  if (ok && !(stmt = vigil_sql_prepare (self->db, sql, VIGIL_SQL_ONCE)))
    ok = _vigil_store_set_sqlite_error (self, error, _("Rescoring"));
  if (ok)
    {
      vigil_sql_bind_int64 (stmt, 1, vigil_scorecard_get_version (scorecard));
      ok = _vigil_store_step_done (self, stmt, _("Rescoring"), error);
    }
  if (ok && out_rescored != NULL)
    *out_rescored = (guint64) vigil_sql_changes (self->db);

  vigil_sql_finalize (stmt);
  sqlite3_create_function (db, "vigil_health", 9, SQLITE_UTF8, NULL, NULL, NULL, NULL);
  sqlite3_create_function (db, "vigil_tier", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
  return ok;
}

/**
 * vigil_store_save_scorecard:
 * @scorecard: a validated scorecard; its version must be the next one
 * @out_rescored: (out) (optional): how many snapshots were rescored
 *
 * Makes @scorecard the one in use and rescores the whole history with
 * it, in one transaction, so charts never mix versions.
 */
gboolean
vigil_store_save_scorecard (VigilStore      *self,
                            VigilScorecard  *scorecard,
                            guint64         *out_rescored,
                            GError         **error)
{
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (VIGIL_IS_SCORECARD (scorecard), FALSE);

  if (!vigil_store_begin (self, error))
    return FALSE;
  ok = _vigil_store_insert_scorecard (self, scorecard, _("Saving the scorecard"), error) &&
       rescore_all (self, scorecard, out_rescored, error);
  return _vigil_store_end_transaction (self, ok, error);
}
