/* vigil-store-report.c: the weekly report's queries
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "vigil-book.h"
#include "vigil-error.h"
#include "vigil-store-private.h"

/* The book as it stood at a past time, for the weekly report (src/report):
 * each customer's latest snapshot at or before that time, trigger
 * episodes and outcomes within a period, and the history's span. */

/**
 * vigil_store_list_portfolio_at:
 * @time: the moment (Unix seconds): snapshots observed after it are ignored
 * @owner: (nullable): keep only this owner's customers
 *
 * Every customer observed at or before @time and in the active book on
 * its day (design 3.2: its latest outcome by then is not `churned`),
 * with the latest snapshot at or before @time, its score, and the
 * trends, 14-day peak and seat use of 28 days before counted back from
 * that snapshot, as vigil_store_list_portfolio() gives them for the
 * newest one; the last touch at or before @time (design 3.4).
 *
 * Returns: (transfer full) (element-type VigilPortfolioRow): the rows,
 *   in customer id order
 */
GPtrArray *
vigil_store_list_portfolio_at (VigilStore  *self,
                               gint64       time,
                               const char  *owner,
                               GError     **error)
{
#define SQL(E) \
    "WITH at (customer_id, t) AS (" \
    "  SELECT c.id, (SELECT max (u.observed_at) FROM snapshots u " \
    "                WHERE u.customer_id = c.id AND u.observed_at <= ?2) " \
    "  FROM customers c WHERE (?1 IS NULL OR c.owner = ?1) " \
    "  AND " IF_ANY_OUTCOME (CHURNED_ON_AS_OF ("c.id", SQL_DAY_OF_EPOCH_##E ("?2"))) " IS NULL) " \
    "SELECT c.id, src.name, " CUSTOMER_COLUMNS ", " SNAPSHOT_COLUMNS ", " SCORE_COLUMNS ", " \
    TREND_COLUMNS ("at.t") ", " LIFECYCLE_COLUMNS_IF_ANY (SQL_DAY_OF_EPOCH_##E ("?2")) ", " \
    LAST_TOUCH_COLUMNS ("AND u.at <= ?2") " " \
    "FROM at JOIN customers c ON c.id = at.customer_id " \
    "JOIN sources src ON src.id = c.source_id " \
    "JOIN snapshots s ON s.customer_id = c.id AND s.observed_at = at.t " \
    JOIN_SCORES \
    "ORDER BY c.id"
  static const char * const sql[] = ENGINE_SQL (SQL);
#undef SQL
  g_autoptr(GHashTable) scorecards = NULL;
  VigilSqlStmt *stmt = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(scorecards = _vigil_store_load_all_scorecards (self, error)))
    return NULL;

  if (!(stmt = _vigil_store_prepare (self, ENGINE_TEXT (self, sql), _("Reading the portfolio"), error)))
    return NULL;
  _vigil_store_bind_text_or_null (stmt, 1, owner);
  vigil_sql_bind_int64 (stmt, 2, time);

  return _vigil_store_collect_portfolio_rows (self, stmt, scorecards, error);
}

/**
 * vigil_store_add_book_figures_at:
 * @time: the moment (Unix seconds)
 * @owner: (nullable): only this owner's customers
 * @figures: the figures to add the book to (vigil_book_figures_add())
 * @out_health_sum: (out): the sum of the known health scores
 * @out_n_health: (out): how many there are
 *
 * The figures of the book vigil_store_list_portfolio_at() gives, from
 * only what they need (each customer's latest snapshot by @time and its
 * score): the figures of a week the report only compares with.
 */
gboolean
vigil_store_add_book_figures_at (VigilStore        *self,
                                 gint64             time,
                                 const char        *owner,
                                 VigilBookFigures  *figures,
                                 double            *out_health_sum,
                                 guint             *out_n_health,
                                 GError           **error)
{
#define SQL(E) \
    "WITH at (customer_id, t) AS (" \
    "  SELECT c.id, (SELECT max (u.observed_at) FROM snapshots u " \
    "                WHERE u.customer_id = c.id AND u.observed_at <= ?2) " \
    "  FROM customers c WHERE (?1 IS NULL OR c.owner = ?1) " \
    "  AND " IF_ANY_OUTCOME (CHURNED_ON_AS_OF ("c.id", SQL_DAY_OF_EPOCH_##E ("?2"))) " IS NULL) " \
    "SELECT s.mrr, k.health, k.tier FROM at " \
    "JOIN snapshots s ON s.customer_id = at.customer_id AND s.observed_at = at.t " \
    JOIN_SCORES \
    "ORDER BY at.customer_id"
  static const char * const sql[] = ENGINE_SQL (SQL);
#undef SQL
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (figures != NULL && out_health_sum != NULL && out_n_health != NULL, FALSE);

  if (!(stmt = _vigil_store_prepare (self, ENGINE_TEXT (self, sql), _("Reading the portfolio"), error)))
    return FALSE;
  _vigil_store_bind_text_or_null (stmt, 1, owner);
  vigil_sql_bind_int64 (stmt, 2, time);
  *out_health_sum = 0;
  *out_n_health = 0;
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      /* A row of the book with what the figures read of it, counted by
       * the rule that counts the book's rows everywhere. */
      const char *tier = vigil_sql_column_text (stmt, 2);
      VigilSnapshot latest = { .mrr = _vigil_store_column_double_or_nan (stmt, 0) };
      VigilPortfolioRow row = { .latest = &latest };

      row.score.health = _vigil_store_column_double_or_nan (stmt, 1);
      row.score.tier = tier != NULL ? vigil_tier_from_id (tier) : VIGIL_TIER_NONE;
      if (vigil_book_figures_add (figures, &row) && !isnan (row.score.health))
        {
          *out_health_sum += row.score.health;
          (*out_n_health)++;
        }
    }
  return _vigil_store_finish_rows (self, stmt, rc, _("Reading the portfolio"), error);
}

/**
 * vigil_store_get_average_health_every:
 * @first: the first moment (Unix seconds)
 * @step: seconds from one moment to the next
 * @n_times: how many moments: @first, @first + @step, ...
 * @owner: (nullable): only this owner's customers
 * @out_averages: (out) (array length=n_times): at each moment, the
 *   average of each customer's latest score at or before it, of the
 *   customers in the active book on its day (design 3.2), NAN when there
 *   is none
 * @out_counts: (out) (optional) (array length=n_times): how many scores
 *   each average takes
 *
 * The portfolio's average health as it stood at each of @n_times moments
 * (the report's weekly trend), from one pass over the customers: each
 * customer's scores are looked up at every moment in turn, while the
 * pages that hold them are at hand, one index lookup a moment.
 */
gboolean
vigil_store_get_average_health_every (VigilStore  *self,
                                      gint64       first,
                                      gint64       step,
                                      guint        n_times,
                                      const char  *owner,
                                      double      *out_averages,
                                      guint       *out_counts,
                                      GError     **error)
{
  /* The churned rule's lookup only for the few customers that ever
   * churned; an unknown health, or no score by then, counts nowhere. */
#define SQL(E) \
    "WITH RECURSIVE at (k, t) AS (SELECT 0, CAST (?1 AS BIGINT) " \
    "  UNION ALL SELECT k + 1, t + ?2 FROM at WHERE k + 1 < ?3) " \
    "SELECT at.k, (SELECT t.health FROM scores t WHERE t.customer_id = c.id AND t.observed_at <= at.t " \
    "              ORDER BY t.observed_at DESC LIMIT 1) " \
    "FROM customers c CROSS JOIN at " \
    "WHERE (?4 IS NULL OR c.owner = ?4) " \
    "AND (c.id NOT IN (SELECT customer_id FROM outcomes WHERE outcome = 'churned') " \
    "     OR " CHURNED_ON_AS_OF ("c.id", SQL_DAY_OF_EPOCH_##E ("at.t")) " IS NULL)"
  static const char * const sql[] = ENGINE_SQL (SQL);
#undef SQL
  g_autofree double *sums = NULL;
  g_autofree guint *counts = NULL;
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (n_times > 0, FALSE);
  g_return_val_if_fail (out_averages != NULL, FALSE);

  if (!(stmt = _vigil_store_prepare (self, ENGINE_TEXT (self, sql), _("Reading history"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, first);
  vigil_sql_bind_int64 (stmt, 2, step);
  vigil_sql_bind_int64 (stmt, 3, n_times);
  _vigil_store_bind_text_or_null (stmt, 4, owner);

  /* Summed in customer order at each moment, as avg () would. */
  sums = g_new0 (double, n_times);
  counts = g_new0 (guint, n_times);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 k = vigil_sql_column_int64 (stmt, 0);

      if (k >= 0 && k < n_times && !vigil_sql_column_is_null (stmt, 1))
        {
          sums[k] += vigil_sql_column_double (stmt, 1);
          counts[k]++;
        }
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading history"), error))
    return FALSE;

  for (guint k = 0; k < n_times; k++)
    {
      out_averages[k] = counts[k] > 0 ? sums[k] / counts[k] : NAN;
      if (out_counts != NULL)
        out_counts[k] = counts[k];
    }
  return TRUE;
}

/**
 * vigil_store_get_average_health_at:
 * @time: the moment (Unix seconds)
 * @owner: (nullable): only this owner's customers
 * @out_average: (out): the average of each customer's latest score at or
 *   before @time, of the customers in the active book on its day
 *   (design 3.2), NAN when there is none
 * @out_count: (out) (optional): how many scores it averages
 *
 * The portfolio's average health as it stood at @time: one point of
 * vigil_store_get_average_health_every().
 */
gboolean
vigil_store_get_average_health_at (VigilStore  *self,
                                   gint64       time,
                                   const char  *owner,
                                   double      *out_average,
                                   guint       *out_count,
                                   GError     **error)
{
  return vigil_store_get_average_health_every (self, time, 0, 1, owner, out_average, out_count, error);
}

/**
 * vigil_store_get_history_span:
 * @owner: (nullable): only this owner's customers
 * @out_customers: (out) (optional): how many customers there are
 * @out_first: (out) (optional): the oldest observation, or 0 when none
 * @out_last: (out) (optional): the newest observation, or 0 when none
 *
 * What history the store holds, to tell "no such owner" from "no data
 * that week" and to pick a default week.
 */
gboolean
vigil_store_get_history_span (VigilStore  *self,
                              const char  *owner,
                              gint64      *out_customers,
                              gint64      *out_first,
                              gint64      *out_last,
                              GError     **error)
{
  static const char sql[] =
    "SELECT count (*), "
    "  min ((SELECT min (s.observed_at) FROM snapshots s WHERE s.customer_id = c.id)), "
    "  max (c.latest_at) "
    "FROM customers c WHERE (?1 IS NULL OR c.owner = ?1)";
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading history"), error)))
    return FALSE;
  _vigil_store_bind_text_or_null (stmt, 1, owner);
  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    {
      if (out_customers != NULL)
        *out_customers = vigil_sql_column_int64 (stmt, 0);
      if (out_first != NULL)
        *out_first = vigil_sql_column_int64 (stmt, 1);
      if (out_last != NULL)
        *out_last = vigil_sql_column_int64 (stmt, 2);
    }
  vigil_sql_finalize (stmt);

  if (rc != VIGIL_SQL_ROW)
    return _vigil_store_set_sqlite_error (self, error, _("Reading history"));
  return TRUE;
}

/**
 * vigil_store_list_owners:
 *
 * The owners of the book's customers, each once, sorted by their bytes
 * (both engines alike); customers without an owner are in none.
 *
 * Returns: (transfer full) (nullable): the owners, %NULL-terminated, or
 *   %NULL with @error set
 */
GStrv
vigil_store_list_owners (VigilStore  *self,
                         GError     **error)
{
  static const char sql[] =
    "SELECT DISTINCT owner FROM customers WHERE owner IS NOT NULL AND owner <> '' ORDER BY owner";
  g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func (g_free);
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading the owners"), error)))
    return NULL;
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    g_ptr_array_add (owners, _vigil_store_column_strdup (stmt, 0));
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading the owners"), error))
    return NULL;
  g_ptr_array_add (owners, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&owners), FALSE);
}

/**
 * vigil_store_list_triggers_first_seen:
 * @since: the start of the period (Unix seconds, included)
 * @until: its end (excluded)
 * @owner: (nullable): only this owner's customers
 *
 * The trigger episodes that opened within a period, whatever their
 * state now, of the customers in the active book on the period's last
 * day (design 3.2).
 *
 * Returns: (transfer full) (element-type VigilTriggerRow): oldest first
 */
GPtrArray *
vigil_store_list_triggers_first_seen (VigilStore  *self,
                                      gint64       since,
                                      gint64       until,
                                      const char  *owner,
                                      GError     **error)
{
#define SQL(E) \
    "SELECT t.id, c.external_id, c.name, t.rule, t.kind, t.first_seen, t.state, " \
    "t.snoozed_until, t.evidence, c.id, t.state_by, t.state_at " \
    "FROM triggers t JOIN customers c ON c.id = t.customer_id " \
    "WHERE t.first_seen >= ?1 AND t.first_seen < ?2 " \
    "AND (?3 IS NULL OR c.owner = ?3) " \
    "AND " CHURNED_ON_AS_OF ("c.id", SQL_DAY_OF_EPOCH_##E ("?2 - 1")) " IS NULL " \
    "ORDER BY t.first_seen, t.id"
  static const char * const sql[] = ENGINE_SQL (SQL);
#undef SQL
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_trigger_row_free);
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_prepare (self, ENGINE_TEXT (self, sql), _("Reading triggers"), error)))
    return NULL;
  vigil_sql_bind_int64 (stmt, 1, since);
  vigil_sql_bind_int64 (stmt, 2, until);
  _vigil_store_bind_text_or_null (stmt, 3, owner);

  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    g_ptr_array_add (rows, _vigil_store_read_trigger_row (stmt));
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading triggers"), error))
    return NULL;
  return g_steal_pointer (&rows);
}

/**
 * vigil_store_count_outcomes_between:
 * @first_day: the first day (days since 1970-01-01, included)
 * @last_day: the last day (included)
 * @owner: (nullable): only this owner's customers
 * @out_churned: (out): outcomes `churned` on those days
 * @out_renewed: (out): outcomes `renewed` on those days
 */
gboolean
vigil_store_count_outcomes_between (VigilStore  *self,
                                    gint32       first_day,
                                    gint32       last_day,
                                    const char  *owner,
                                    guint       *out_churned,
                                    guint       *out_renewed,
                                    GError     **error)
{
  static const char sql[] =
    "SELECT count (*) FILTER (WHERE o.outcome = 'churned'), "
    "  count (*) FILTER (WHERE o.outcome = 'renewed') "
    "FROM outcomes o JOIN customers c ON c.id = o.customer_id "
    "WHERE o.day >= ?1 AND o.day <= ?2 AND (?3 IS NULL OR c.owner = ?3)";
  char first[16];
  char last[16];
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_churned != NULL && out_renewed != NULL, FALSE);

  if (_vigil_store_format_day (first_day, first) == NULL ||
      _vigil_store_format_day (last_day, last) == NULL)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("The date is out of range"));
      return FALSE;
    }
  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading outcomes"), error)))
    return FALSE;
  vigil_sql_bind_text (stmt, 1, first, -1);
  vigil_sql_bind_text (stmt, 2, last, -1);
  _vigil_store_bind_text_or_null (stmt, 3, owner);
  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    {
      *out_churned = (guint) vigil_sql_column_int64 (stmt, 0);
      *out_renewed = (guint) vigil_sql_column_int64 (stmt, 1);
    }
  vigil_sql_finalize (stmt);

  if (rc != VIGIL_SQL_ROW)
    return _vigil_store_set_sqlite_error (self, error, _("Reading outcomes"));
  return TRUE;
}
