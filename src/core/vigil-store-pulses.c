/* vigil-store-pulses.c: the CSM's pulse of each customer and its history
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-store-private.h"
#include "vigil-time.h"

#define PULSE_COLUMNS "id, customer_id, at, sentiment, reason, body, author, created_at"

static VigilPulse *
read_pulse (VigilSqlStmt *stmt)
{
  VigilPulse *pulse = g_new0 (VigilPulse, 1);
  const char *reason = vigil_sql_column_text (stmt, 4);

  pulse->id = vigil_sql_column_int64 (stmt, 0);
  pulse->customer_id = vigil_sql_column_int64 (stmt, 1);
  pulse->at = vigil_sql_column_int64 (stmt, 2);
  /* Written by Vigil, read as any input (design 2.3): the table's CHECK
   * keeps the sentiment; a reason it does not know is none. */
  if (!vigil_sentiment_parse (vigil_sql_column_text (stmt, 3), &pulse->sentiment, NULL))
    pulse->sentiment = VIGIL_SENTIMENT_NONE;
  if (reason == NULL || !vigil_pulse_reason_parse (reason, &pulse->reason, NULL))
    pulse->reason = VIGIL_PULSE_REASON_NONE;
  pulse->note = _vigil_store_column_strdup (stmt, 5);
  pulse->author = _vigil_store_column_strdup (stmt, 6);
  pulse->created_at = vigil_sql_column_int64 (stmt, 7);
  return pulse;
}

static void
append_mark (GArray       *marks,
             VigilSqlStmt *stmt,
             int           first)
{
  VigilPulseMark mark = { vigil_sql_column_int64 (stmt, first), VIGIL_SENTIMENT_NONE };

  if (vigil_sentiment_parse (vigil_sql_column_text (stmt, first + 1), &mark.sentiment, NULL))
    g_array_append_val (marks, mark);
}

/**
 * _vigil_store_read_pulse_marks:
 *
 * One customer's pulses as the sentiment measure reads them, oldest
 * first (one time in the order they were written).
 *
 * Returns: (transfer full) (element-type VigilPulseMark): the pulses
 */
GArray *
_vigil_store_read_pulse_marks (VigilStore  *self,
                               gint64       customer_id,
                               GError     **error)
{
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (VigilPulseMark));
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_cached (self,
                                    "SELECT at, sentiment FROM pulses WHERE customer_id = ?1 "
                                    "ORDER BY at, id", _("Reading pulses"), error)))
    return NULL;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    append_mark (marks, stmt, 0);
  if (!_vigil_store_finish_cached_rows (self, stmt, rc, _("Reading pulses"), error))
    return NULL;
  return g_steal_pointer (&marks);
}

/* Every pulse of the book from one ordered query: each customer's
 * marks, oldest first, into @marks (customer id → GArray of
 * VigilPulseMark) and, when @current is given, its latest pulse
 * (customer id → VigilPulse). */
static gboolean
read_book_pulses (VigilStore  *self,
                  GHashTable  *marks,
                  GHashTable  *current,
                  GError     **error)
{
  VigilSqlStmt *stmt;
  GArray *customer_marks = NULL;
  gint64 customer = 0;
  int rc;

  if (!(stmt = _vigil_store_cached (self,
                                    "SELECT " PULSE_COLUMNS " FROM pulses ORDER BY customer_id, at, id",
                                    _("Reading pulses"), error)))
    return FALSE;
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 customer_id = vigil_sql_column_int64 (stmt, 1);

      if (customer_marks == NULL || customer_id != customer)
        {
          customer = customer_id;
          customer_marks = g_array_new (FALSE, FALSE, sizeof (VigilPulseMark));
          g_hash_table_insert (marks, g_memdup2 (&customer_id, sizeof customer_id), customer_marks);
        }
      append_mark (customer_marks, stmt, 2);
      if (current != NULL)
        g_hash_table_replace (current, g_memdup2 (&customer_id, sizeof customer_id), read_pulse (stmt));
    }
  return _vigil_store_finish_cached_rows (self, stmt, rc, _("Reading pulses"), error);
}

static GHashTable *
new_marks_table (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
}

/**
 * _vigil_store_read_all_pulse_marks:
 *
 * Every customer's pulses, from one query in customer order: what a
 * rescore of the whole book reads (design 3.1), never a query per
 * snapshot or per customer.
 *
 * Returns: (transfer full): customer id (a #gint64 key) → #GArray of
 *   #VigilPulseMark, oldest first; customers without a pulse are absent
 */
GHashTable *
_vigil_store_read_all_pulse_marks (VigilStore  *self,
                                   GError     **error)
{
  g_autoptr(GHashTable) marks = new_marks_table ();

  if (!read_book_pulses (self, marks, NULL, error))
    return NULL;
  return g_steal_pointer (&marks);
}

/**
 * _vigil_store_read_book_pulses:
 * @out_marks: (out) (transfer full): as _vigil_store_read_all_pulse_marks()
 * @out_current: (out) (transfer full): customer id (a #gint64 key) →
 *   its current #VigilPulse (the latest taken; of one time the last
 *   written)
 *
 * Both from one ordered pass over the pulses: what the portfolio reads.
 */
gboolean
_vigil_store_read_book_pulses (VigilStore   *self,
                               GHashTable  **out_marks,
                               GHashTable  **out_current,
                               GError      **error)
{
  g_autoptr(GHashTable) marks = new_marks_table ();
  g_autoptr(GHashTable) current = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         (GDestroyNotify) vigil_pulse_free);

  if (!read_book_pulses (self, marks, current, error))
    return FALSE;
  *out_marks = g_steal_pointer (&marks);
  *out_current = g_steal_pointer (&current);
  return TRUE;
}

static gboolean
check_customer (VigilStore  *self,
                gint64       customer_id,
                GError     **error)
{
  gint64 exists = 0;

  if (!_vigil_store_account_exists (self, customer_id, &exists, error))
    return FALSE;
  if (exists == 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND,
                   _("There is no customer %" PRId64 " in the database"), customer_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_pulse (VigilStore        *self,
              gint64             customer_id,
              gint64             at,
              VigilSentiment     sentiment,
              VigilPulseReason   reason,
              const char        *note,
              const char        *author,
              gint64            *out_id,
              GError           **error)
{
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_cached (self,
                                    "INSERT INTO pulses (customer_id, at, sentiment, reason, body, author, "
                                    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                                    _("Saving the pulse"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  vigil_sql_bind_int64 (stmt, 2, at);
  vigil_sql_bind_text (stmt, 3, vigil_sentiment_get_id (sentiment), -1);
  _vigil_store_bind_text_or_null (stmt, 4, vigil_pulse_reason_get_id (reason));
  _vigil_store_bind_text_or_null (stmt, 5, note);
  vigil_sql_bind_text (stmt, 6, author, -1);
  vigil_sql_bind_int64 (stmt, 7, g_get_real_time () / G_USEC_PER_SEC);
  return _vigil_store_step_insert (self, stmt, _("Saving the pulse"), out_id, error);
}

/* design 3.1: a pulse changes the scores of its customer's snapshots
 * from its time on, when the sentiment measure counts. */
static gboolean
rescore_from_pulse (VigilStore  *self,
                    gint64       customer_id,
                    gint64       at,
                    guint64     *out_rescored,
                    GError     **error)
{
  g_autoptr(VigilScorecard) scorecard = vigil_store_load_scorecard (self, error);
  gboolean may_keep = TRUE;

  if (scorecard == NULL)
    return FALSE;
  if (vigil_scorecard_get_weight (scorecard, VIGIL_MEASURE_SENTIMENT) <= 0)
    return TRUE;
  /* design 1.1: scores are the book's, which a CSM's Vigil leaves to the
   * poller and the ops: the next poll scores new snapshots with the
   * pulse, a rescore by the ops the ones before */
  if (!vigil_store_may_keep_book (self, &may_keep, error))
    return FALSE;
  if (!may_keep)
    return TRUE;
  return _vigil_store_score_snapshots (self, customer_id, at, scorecard, out_rescored, error);
}

/**
 * vigil_store_set_pulse:
 * @customer_id: the store's id of the customer
 * @sentiment: green, yellow or red
 * @reason: why, or %VIGIL_PULSE_REASON_NONE
 * @note: (nullable): the CSM's words, plain text (vigil_pulse_clean_note())
 * @at: when it holds from (Unix seconds), not in the future
 * @out_rescored: (out) (optional): how many snapshots it rescored
 *
 * Takes the CSM's pulse of a customer (design 3.5), written in the
 * CSM's name (vigil_store_dup_author()). When the scorecard weighs
 * sentiment, the customer's snapshots from @at on are rescored in the
 * same transaction (on a team's book, by a role that keeps the book:
 * vigil_store_may_keep_book()).
 *
 * Returns: the new pulse's id, or 0 with @error set (nothing written)
 */
gint64
vigil_store_set_pulse (VigilStore        *self,
                       gint64             customer_id,
                       VigilSentiment     sentiment,
                       VigilPulseReason   reason,
                       const char        *note,
                       gint64             at,
                       guint64           *out_rescored,
                       GError           **error)
{
  g_autofree char *author = NULL;
  g_autofree char *clean_note = NULL;
  g_autoptr(GError) note_error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id = 0;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), 0);

  if (out_rescored != NULL)
    *out_rescored = 0;
  if (vigil_sentiment_get_id (sentiment) == NULL)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("A pulse needs a sentiment: green, yellow or red"));
      return 0;
    }
  if (reason != VIGIL_PULSE_REASON_NONE && vigil_pulse_reason_get_id (reason) == NULL)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("Unknown pulse reason"));
      return 0;
    }
  if (at > now)
    {
      g_autofree char *when = vigil_time_format (at);

      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("A pulse cannot be taken in the future (%s)"), when);
      return 0;
    }
  clean_note = vigil_pulse_clean_note (note, &note_error);
  if (note_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&note_error));
      return 0;
    }
  if (!(author = vigil_store_dup_author (self, error)))
    return 0;

  if (!vigil_store_begin (self, error))
    return 0;
  ok = check_customer (self, customer_id, error) &&
       insert_pulse (self, customer_id, at, sentiment, reason, clean_note, author, &id, error) &&
       rescore_from_pulse (self, customer_id, at, out_rescored, error);
  if (!_vigil_store_end_transaction (self, ok, error))
    return 0;
  return id;
}

/**
 * vigil_store_get_pulse:
 * @out_pulse: (out) (transfer full) (nullable): the customer's current
 *   pulse (the latest taken), %NULL when it has none
 *
 * Returns: %FALSE with @error set when the pulses cannot be read
 */
gboolean
vigil_store_get_pulse (VigilStore   *self,
                       gint64        customer_id,
                       VigilPulse  **out_pulse,
                       GError      **error)
{
  VigilSqlStmt *stmt;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_pulse != NULL, FALSE);

  *out_pulse = NULL;
  if (!(stmt = _vigil_store_cached (self,
                                    "SELECT " PULSE_COLUMNS " FROM pulses WHERE customer_id = ?1 "
                                    "ORDER BY at DESC, id DESC LIMIT 1", _("Reading pulses"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    {
      *out_pulse = read_pulse (stmt);
      rc = vigil_sql_step (stmt);
    }
  if (!_vigil_store_finish_cached_rows (self, stmt, rc, _("Reading pulses"), error))
    {
      g_clear_pointer (out_pulse, vigil_pulse_free);
      return FALSE;
    }
  return TRUE;
}

/**
 * vigil_store_list_pulses:
 *
 * A customer's pulses, the current one first (newest to oldest).
 *
 * Returns: (transfer full) (element-type VigilPulse): the pulses, or
 *   %NULL with @error set
 */
GPtrArray *
vigil_store_list_pulses (VigilStore  *self,
                         gint64       customer_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) pulses = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_pulse_free);
  VigilSqlStmt *stmt;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_cached (self,
                                    "SELECT " PULSE_COLUMNS " FROM pulses WHERE customer_id = ?1 "
                                    "ORDER BY at DESC, id DESC", _("Reading pulses"), error)))
    return NULL;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    g_ptr_array_add (pulses, read_pulse (stmt));
  if (!_vigil_store_finish_cached_rows (self, stmt, rc, _("Reading pulses"), error))
    return NULL;
  return g_steal_pointer (&pulses);
}
