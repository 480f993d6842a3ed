/* vigil-store-outcomes.c: how customers' stories ended, and the churn model's training set
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "vigil-churn-model.h"
#include "vigil-error.h"
#include "vigil-store-private.h"
#include "vigil-time.h"

static gboolean
insert_outcome (VigilStore  *self,
                gint64       customer_id,
                const char  *outcome,
                const char  *day,
                gint64       now,
                GError     **error)
{
  static const char sql[] =
    "INSERT INTO outcomes (customer_id, day, outcome, recorded_at) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (customer_id, day) "
    "DO UPDATE SET outcome = excluded.outcome, recorded_at = excluded.recorded_at";
  VigilSqlStmt *stmt = NULL;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Recording an outcome"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  vigil_sql_bind_text (stmt, 2, day, -1);
  vigil_sql_bind_text (stmt, 3, outcome, -1);
  vigil_sql_bind_int64 (stmt, 4, now);
  return _vigil_store_exec_prepared (self, stmt, _("Recording an outcome"), error);
}

/* design 3.2: a customer that left the active book has nothing open for
 * a CSM to act on, from the moment it is known. */
static gboolean
close_triggers_if_churned (VigilStore  *self,
                           gint64       customer_id,
                           gint64       now,
                           GError     **error)
{
  static const char sql[] =
    "UPDATE triggers SET cleared_at = ?2 WHERE customer_id = ?1 AND cleared_at IS NULL "
    "AND " CHURNED_ON ("?1") " IS NOT NULL";
  VigilSqlStmt *stmt = NULL;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Recording an outcome"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  vigil_sql_bind_int64 (stmt, 2, now);
  return _vigil_store_exec_prepared (self, stmt, _("Recording an outcome"), error);
}

/* The outcome's row, and its triggers closed when it is a churn. */
static gboolean
write_outcome (VigilStore  *self,
               gint64       customer_id,
               const char  *outcome,
               const char  *day,
               gint64       now,
               GError     **error)
{
  return insert_outcome (self, customer_id, outcome, day, now, error) &&
         close_triggers_if_churned (self, customer_id, now, error);
}

/**
 * vigil_store_record_outcome:
 * @outcome: `churned` or `renewed`
 * @day: the day it happened (days since 1970-01-01)
 *
 * Records how a customer's story ended (or renewed), for history and the
 * churn model. A second outcome on the same day replaces the first. When
 * the customer's latest outcome is then `churned`, it leaves the active
 * book (design 3.2) and its open triggers close, in the same
 * transaction (its own, or a savepoint in the caller's).
 */
gboolean
vigil_store_record_outcome (VigilStore  *self,
                            gint64       customer_id,
                            const char  *outcome,
                            gint32       day,
                            GError     **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  char buffer[16];
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_strcmp0 (outcome, "churned") == 0 || g_strcmp0 (outcome, "renewed") == 0, FALSE);

  if (_vigil_store_format_day (day, buffer) == NULL)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("The date is out of range"));
      return FALSE;
    }
  /* Alone, it is a transaction of its own: SQLite's SAVEPOINT would
   * start one, PostgreSQL's needs one open (HACKING, SQL both engines
   * accept), and a write takes the book's write lock. */
  if (!vigil_sql_in_transaction (self->db))
    {
      if (!vigil_store_begin (self, error))
        return FALSE;
      ok = write_outcome (self, customer_id, outcome, buffer, now, error);
      return _vigil_store_end_transaction (self, ok, error);
    }
  if (!_vigil_store_exec_sql (self, "SAVEPOINT record_outcome", _("Recording an outcome"), error))
    return FALSE;
  ok = write_outcome (self, customer_id, outcome, buffer, now, error);
  if (!ok)
    _vigil_store_exec_sql (self, "ROLLBACK TO record_outcome", _("Recording an outcome"), NULL);
  /* Released either way: after a rollback to it, it holds nothing. */
  if (!_vigil_store_exec_sql (self, "RELEASE record_outcome", _("Recording an outcome"), ok ? error : NULL))
    return FALSE;
  return ok;
}

/**
 * vigil_store_list_outcomes:
 *
 * Returns: (transfer full) (element-type utf8): "YYYY-MM-DD outcome"
 *   strings, oldest first
 */
GPtrArray *
vigil_store_list_outcomes (VigilStore  *self,
                           gint64       customer_id,
                           GError     **error)
{
  static const char sql[] =
    "SELECT day, outcome FROM outcomes WHERE customer_id = ?1 ORDER BY day";
  g_autoptr(GPtrArray) outcomes = g_ptr_array_new_with_free_func (g_free);
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading outcomes"), error)))
    return NULL;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    g_ptr_array_add (outcomes, g_strdup_printf ("%s %s", vigil_sql_column_text (stmt, 0),
                                                vigil_sql_column_text (stmt, 1)));
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading outcomes"), error))
    return NULL;
  return g_steal_pointer (&outcomes);
}

/**
 * vigil_store_get_outcome_samples:
 * @out_features: (out) (transfer full) (element-type double): 7 churn
 *   features per outcome, row after row
 * @out_labels: (out) (transfer full) (element-type int): 1 churned, 0 renewed
 *
 * The training set of the churn model: for each recorded outcome, the
 * features as they stood before the outcome's day. Snapshots from the
 * day on are never read, so nothing leaks back from after the fact.
 */
gboolean
vigil_store_get_outcome_samples (VigilStore  *self,
                                 GArray     **out_features,
                                 GArray     **out_labels,
                                 GError     **error)
{
#define SQL(E) \
    "SELECT o.outcome, k.health, s.observed_at, s.last_active, s.renewal_date, s.open_tickets, " \
    "(SELECT t.health FROM scores t WHERE t.customer_id = s.customer_id " \
    "  AND t.observed_at <= s.observed_at - 1209600 ORDER BY t.observed_at DESC LIMIT 1), " \
    "(SELECT t.health FROM scores t WHERE t.customer_id = s.customer_id " \
    "  AND t.observed_at <= s.observed_at - 2419200 ORDER BY t.observed_at DESC LIMIT 1), " \
    "s.seats, s.seats_used, " \
    SEAT_USE_28D_BEFORE ("s.customer_id", "s.observed_at") " " \
    "FROM outcomes o JOIN snapshots s ON s.customer_id = o.customer_id AND s.observed_at = " \
    "  (SELECT max (u.observed_at) FROM snapshots u WHERE u.customer_id = o.customer_id " \
    "   AND u.observed_at < " SQL_EPOCH_OF_DAY_##E ("o.day") ") " \
    JOIN_SCORES \
    "WHERE k.health IS NOT NULL ORDER BY o.customer_id, o.day"
  static const char * const sql[] = ENGINE_SQL (SQL);
#undef SQL
  g_autoptr(GArray) features = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (int));
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  if (!(stmt = _vigil_store_prepare (self, ENGINE_TEXT (self, sql), _("Reading outcomes"), error)))
    return FALSE;

  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      VigilPortfolioRow row = { 0, };
      VigilSnapshot snapshot = { 0, };
      const char *renewal = vigil_sql_column_text (stmt, 4);
      double then14 = _vigil_store_column_double_or_nan (stmt, 6);
      double then28 = _vigil_store_column_double_or_nan (stmt, 7);
      double sample[VIGIL_CHURN_N_FEATURES];
      int label = g_str_equal (vigil_sql_column_text (stmt, 0), "churned");

      row.latest = &snapshot;
      row.score.health = vigil_sql_column_double (stmt, 1);
      snapshot.observed_at = vigil_sql_column_int64 (stmt, 2);
      snapshot.last_active = _vigil_store_column_int_or_unknown (stmt, 3);
      if (renewal == NULL || !vigil_date_parse (renewal, &snapshot.renewal_day))
        snapshot.renewal_day = VIGIL_UNKNOWN_DAY;
      snapshot.open_tickets = _vigil_store_column_int_or_unknown (stmt, 5);
      row.trends[VIGIL_TREND_7D] = NAN;
      row.trends[VIGIL_TREND_14D] = isnan (then14) ? NAN : row.score.health - then14;
      row.trends[VIGIL_TREND_28D] = isnan (then28) ? NAN : row.score.health - then28;
      snapshot.seats = _vigil_store_column_int_or_unknown (stmt, 8);
      snapshot.seats_used = _vigil_store_column_int_or_unknown (stmt, 9);
      row.seat_use_28d_ago = _vigil_store_column_double_or_nan (stmt, 10);

      vigil_portfolio_row_get_churn_features (&row, sample);
      g_array_append_vals (features, sample, VIGIL_CHURN_N_FEATURES);
      g_array_append_val (labels, label);
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading outcomes"), error))
    return FALSE;

  *out_features = g_steal_pointer (&features);
  *out_labels = g_steal_pointer (&labels);
  return TRUE;
}
