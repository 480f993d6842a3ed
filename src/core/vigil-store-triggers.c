/* vigil-store-triggers.c: trigger episodes, opened, kept and closed, and their inbox
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

void
vigil_trigger_firing_clear (VigilTriggerFiring *firing)
{
  g_clear_pointer (&firing->evidence, g_free);
}

void
vigil_trigger_row_free (VigilTriggerRow *row)
{
  if (row == NULL)
    return;
  g_free (row->customer);
  g_free (row->name);
  g_free (row->rule);
  g_free (row->kind);
  g_free (row->state);
  g_free (row->snoozed_until);
  g_free (row->evidence);
  g_free (row->state_by);
  g_free (row);
}

/* The trigger episode @stmt is on, from its columns 0 to 11: id, the
 * customer's external id and name, rule, kind, first seen, state,
 * snoozed until, evidence, the customer's store id, and who set the
 * state when. */
VigilTriggerRow *
_vigil_store_read_trigger_row (VigilSqlStmt *stmt)
{
  VigilTriggerRow *row = g_new0 (VigilTriggerRow, 1);

  row->id = vigil_sql_column_int64 (stmt, 0);
  row->customer = _vigil_store_column_strdup (stmt, 1);
  row->name = _vigil_store_column_strdup (stmt, 2);
  row->rule = _vigil_store_column_strdup (stmt, 3);
  row->kind = _vigil_store_column_strdup (stmt, 4);
  row->first_seen = vigil_sql_column_int64 (stmt, 5);
  row->state = _vigil_store_column_strdup (stmt, 6);
  row->snoozed_until = _vigil_store_column_strdup (stmt, 7);
  row->evidence = _vigil_store_column_strdup (stmt, 8);
  row->customer_id = vigil_sql_column_int64 (stmt, 9);
  row->state_by = _vigil_store_column_strdup (stmt, 10);
  row->state_at = _vigil_store_column_int_or_unknown (stmt, 11);
  row->tier = VIGIL_TIER_NONE;
  return row;
}

static char *
trigger_key (gint64      customer_id,
             const char *rule)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT " %s", customer_id, rule);
}

/* Runs one of sync's statements with a trigger id, a time and evidence. */
static gboolean
step_trigger (VigilStore   *self,
              VigilSqlStmt *stmt,
              gint64        id,
              gint64        now,
              const char   *evidence,
              GError      **error)
{
  vigil_sql_reset (stmt);
  vigil_sql_bind_int64 (stmt, 1, id);
  vigil_sql_bind_int64 (stmt, 2, now);
  _vigil_store_bind_text_or_null (stmt, 3, evidence);
  return _vigil_store_step_queued (self, stmt, _("Updating triggers"), error);
}

/* Opens an episode of @fire; on PostgreSQL, where @copy is not NULL,
 * as a line of the COPY that opens them all at the end of the sync (a
 * first poll of a book opens thousands: a round trip for them all). */
static gboolean
open_trigger (VigilStore               *self,
              const VigilTriggerFiring *fire,
              gint64                    now,
              GString                  *copy,
              GError                  **error)
{
  static const char sql[] =
    "INSERT INTO triggers (customer_id, rule, kind, first_seen, last_seen, evidence) "
    "VALUES (?1, ?2, ?3, ?4, ?4, ?5)";
  VigilSqlStmt *stmt = NULL;

#ifdef HAVE_POSTGRESQL
  if (copy != NULL)
    {
      g_string_append_printf (copy, "%" G_GINT64_FORMAT "\t", fire->customer_id);
      vigil_sql_pg_copy_append_text (copy, fire->rule);
      g_string_append_c (copy, '\t');
      vigil_sql_pg_copy_append_text (copy, fire->kind);
      g_string_append_printf (copy, "\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t", now, now);
      vigil_sql_pg_copy_append_text (copy, fire->evidence);
      g_string_append_c (copy, '\n');
      return TRUE;
    }
#endif
  /* Kept: a first poll of a book opens thousands of episodes at once. */
  if (!(stmt = _vigil_store_cached (self, sql, _("Updating triggers"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, fire->customer_id);
  vigil_sql_bind_text (stmt, 2, fire->rule, -1);
  vigil_sql_bind_text (stmt, 3, fire->kind, -1);
  vigil_sql_bind_int64 (stmt, 4, now);
  _vigil_store_bind_text_or_null (stmt, 5, fire->evidence);
  return _vigil_store_step_queued (self, stmt, _("Updating triggers"), error);
}

/* design 3.3: a trigger a CSM marked done stays quiet this long */
#define DONE_QUIET_S (30 * 86400)

/* Whether @now is worse than @then; an unknown tier is neither. */
static gboolean
tier_is_worse (VigilTier now,
               VigilTier then)
{
  return now != VIGIL_TIER_NONE && then != VIGIL_TIER_NONE && now > then;
}

/* Whether a new episode of @fire stays quiet: the CSM marked an episode
 * of the same rule on the same customer done less than 30 days before
 * @now, and the customer's tier is no worse than it was then (design
 * 3.3). @stmt is quiet_sql. */
static const char quiet_sql[] =
  "SELECT state_tier FROM triggers WHERE customer_id = ?1 AND rule = ?2 AND state = 'done' "
  "AND state_at > ?3 ORDER BY state_at DESC, id DESC LIMIT 1";

static gboolean
is_quiet (VigilStore               *self,
          VigilSqlStmt             *stmt,
          const VigilTriggerFiring *fire,
          gint64                    now,
          gboolean                 *out_quiet,
          GError                  **error)
{
  VigilTier then = VIGIL_TIER_NONE;
  gboolean done = FALSE;
  int rc;

  vigil_sql_reset (stmt);
  vigil_sql_bind_int64 (stmt, 1, fire->customer_id);
  vigil_sql_bind_text (stmt, 2, fire->rule, -1);
  vigil_sql_bind_int64 (stmt, 3, now - DONE_QUIET_S);
  if ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      const char *tier = vigil_sql_column_text (stmt, 0);

      done = TRUE;
      then = tier != NULL ? vigil_tier_from_id (tier) : VIGIL_TIER_NONE;
      rc = vigil_sql_step (stmt);
    }
  if (rc != VIGIL_SQL_DONE)
    {
      _vigil_store_set_sqlite_error (self, error, _("Updating triggers"));
      return FALSE;
    }
  *out_quiet = done && !tier_is_worse (fire->tier, then);
  return TRUE;
}

/* Whether a CSM marked any episode done in the 30 days before @now: if
 * none, no new episode can be quiet, and is_quiet() need not be asked
 * for each of the thousands a first poll of a book opens. */
static gboolean
any_done_lately (VigilStore  *self,
                 gint64       now,
                 gboolean    *out_any,
                 GError     **error)
{
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_prepare (self,
                                     "SELECT CASE WHEN EXISTS (SELECT 1 FROM triggers "
                                     "WHERE state = 'done' AND state_at > ?1) THEN 1 ELSE 0 END",
                                     _("Updating triggers"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, now - DONE_QUIET_S);
  rc = vigil_sql_step (stmt);
  *out_any = rc == VIGIL_SQL_ROW && vigil_sql_column_int64 (stmt, 0) != 0;
  return _vigil_store_finish_rows (self, stmt, rc, _("Updating triggers"), error);
}

#ifdef HAVE_POSTGRESQL
/* On PostgreSQL, the episodes a sync keeps (@kept, with their
 * @evidence) and those it clears (@cleared), a statement for each kind
 * for them all: a daily poll of 10,000 customers keeps some 10,000. */
static gboolean
keep_and_clear_shared (VigilStore  *self,
                       GArray      *kept,
                       GPtrArray   *evidence,
                       GArray      *cleared,
                       gint64       now,
                       GError     **error)
{
  const char *doing = _("Updating triggers");
  VigilSqlStmt *stmt;

  if (kept->len > 0)
    {
      g_autofree char *ids = _vigil_store_pg_int_array ((gint64 *) kept->data, kept->len);
      g_autofree char *texts = _vigil_store_pg_text_array ((const char * const *) evidence->pdata,
                                                           evidence->len);

      if (!(stmt = _vigil_store_cached (self,
                                        "UPDATE triggers AS t SET last_seen = ?2, evidence = u.evidence "
                                        "FROM unnest (CAST (?1 AS bigint[]), CAST (?3 AS text[])) "
                                        "AS u (id, evidence) WHERE t.id = u.id",
                                        doing, error)))
        return FALSE;
      vigil_sql_bind_text (stmt, 1, ids, -1);
      vigil_sql_bind_int64 (stmt, 2, now);
      vigil_sql_bind_text (stmt, 3, texts, -1);
      if (!_vigil_store_step_queued (self, stmt, doing, error))
        return FALSE;
    }
  if (cleared->len > 0)
    {
      g_autofree char *ids = _vigil_store_pg_int_array ((gint64 *) cleared->data, cleared->len);

      if (!(stmt = _vigil_store_cached (self,
                                        "UPDATE triggers SET cleared_at = ?2 "
                                        "WHERE id = ANY (CAST (?1 AS bigint[]))",
                                        doing, error)))
        return FALSE;
      vigil_sql_bind_text (stmt, 1, ids, -1);
      vigil_sql_bind_int64 (stmt, 2, now);
      if (!_vigil_store_step_queued (self, stmt, doing, error))
        return FALSE;
    }
  return TRUE;
}
#endif

static gboolean
sync_triggers (VigilStore  *self,
               GArray      *firing,
               gint64       now,
               guint       *opened,
               GError     **error)
{
  g_autoptr(GHashTable) open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gboolean shared = vigil_store_is_shared (self);
  g_autoptr(GString) opening = shared ? g_string_new (NULL) : NULL;
  /* on PostgreSQL: the episodes kept, their evidence, those cleared */
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) evidence = g_ptr_array_new ();
  g_autoptr(GArray) cleared = g_array_new (FALSE, FALSE, sizeof (gint64));
  VigilSqlStmt *stmt = NULL;
  VigilSqlStmt *keep = NULL;
  VigilSqlStmt *clear = NULL;
  VigilSqlStmt *quiet = NULL;
  GHashTableIter iter;
  gpointer value;
  gboolean ok = TRUE;
  gboolean any_done = TRUE;
  int rc;

  if (!any_done_lately (self, now, &any_done, error))
    return FALSE;
  if (!(stmt = _vigil_store_prepare (self,
                                     "SELECT id, customer_id, rule FROM triggers "
                                     "WHERE cleared_at IS NULL",
                                     _("Updating triggers"), error)))
    return FALSE;
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    g_hash_table_insert (open,
                         trigger_key (vigil_sql_column_int64 (stmt, 1),
                                      vigil_sql_column_text (stmt, 2)),
                         g_memdup2 (&(gint64) { vigil_sql_column_int64 (stmt, 0) },
                                    sizeof (gint64)));
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Updating triggers"), error))
    return FALSE;

  if (!(keep = vigil_sql_prepare (self->db,
                                  "UPDATE triggers SET last_seen = ?2, evidence = ?3 WHERE id = ?1",
                                  VIGIL_SQL_ONCE)) ||
      !(clear = vigil_sql_prepare (self->db, "UPDATE triggers SET cleared_at = ?2 WHERE id = ?1",
                                   VIGIL_SQL_ONCE)) ||
      !(quiet = vigil_sql_prepare (self->db, quiet_sql, VIGIL_SQL_ONCE)))
    {
      _vigil_store_set_sqlite_error (self, error, _("Updating triggers"));
      ok = FALSE;
    }

  for (guint i = 0; ok && i < firing->len; i++)
    {
      const VigilTriggerFiring *fire = &g_array_index (firing, VigilTriggerFiring, i);
      g_autofree char *key = trigger_key (fire->customer_id, fire->rule);
      gint64 *id = g_hash_table_lookup (open, key);
      gboolean silent = FALSE;

      /* Still holding: the same episode, its evidence brought up to date. */
      if (id != NULL && shared)
        {
          g_array_append_val (kept, *id);
          g_ptr_array_add (evidence, fire->evidence);
          g_hash_table_remove (open, key);
        }
      else if (id != NULL)
        {
          ok = step_trigger (self, keep, *id, now, fire->evidence, error);
          g_hash_table_remove (open, key);
        }
      /* A new episode, unless the rule only keeps one or the CSM closed
       * the last one lately: not opened, not announced, not counted. */
      else if (!fire->keep_only &&
               (!any_done || ((ok = is_quiet (self, quiet, fire, now, &silent, error)) && !silent)) &&
               (ok = open_trigger (self, fire, now, opening, error)))
        (*opened)++;
    }

  /* No longer holding: the episode ends. */
  g_hash_table_iter_init (&iter, open);
  while (ok && g_hash_table_iter_next (&iter, NULL, &value))
    if (shared)
      g_array_append_val (cleared, *(gint64 *) value);
    else
      ok = step_trigger (self, clear, *(gint64 *) value, now, NULL, error);

#ifdef HAVE_POSTGRESQL
  if (ok && shared)
    ok = keep_and_clear_shared (self, kept, evidence, cleared, now, error);
  if (ok && opening != NULL && opening->len > 0 &&
      !(vigil_sql_pg_copy_begin (self->db, "COPY triggers (customer_id, rule, kind, first_seen, last_seen, "
                                 "evidence) FROM STDIN") &&
        vigil_sql_pg_copy_put (self->db, opening->str, opening->len) &&
        vigil_sql_pg_copy_end (self->db)))
    ok = _vigil_store_set_sqlite_error (self, error, _("Updating triggers"));
#endif

  vigil_sql_finalize (keep);
  vigil_sql_finalize (clear);
  vigil_sql_finalize (quiet);
  return ok;
}

/**
 * vigil_store_sync_triggers:
 * @firing: (element-type VigilTriggerFiring): every condition that holds now
 * @out_opened: (out) (optional): episodes that opened
 *
 * Opens an episode for each condition that starts to hold, keeps the
 * open ones that still hold, and closes those that cleared, in one
 * transaction. A firing that only keeps (@keep_only) opens nothing, and
 * neither does one whose rule a CSM marked done on the same customer
 * less than 30 days before @now, unless the customer's tier is worse
 * than it was then (design 3.3).
 */
gboolean
vigil_store_sync_triggers (VigilStore  *self,
                           GArray      *firing,
                           gint64       now,
                           guint       *out_opened,
                           GError     **error)
{
  guint opened = 0;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (firing != NULL, FALSE);

  if (!vigil_store_begin (self, error))
    return FALSE;
  ok = sync_triggers (self, firing, now, &opened, error);
  if (ok && out_opened != NULL)
    *out_opened = opened;
  return _vigil_store_end_transaction (self, ok, error);
}

/* The open episodes that need attention (design 3.2, 3.3): not cleared,
 * not done, not snoozed past day ?1, of customers in the active book;
 * risk first, then upsell, oldest first. Every list of them reads it. */
#define OPEN_TRIGGERS_WHERE \
  "WHERE t.cleared_at IS NULL AND t.state != 'done' " \
  "AND NOT (t.state = 'snoozed' AND t.snoozed_until > ?1) " \
  "AND " CHURNED_ON ("t.customer_id") " IS NULL "
#define OPEN_TRIGGERS_ORDER "ORDER BY t.kind = 'upsell', t.first_seen, t.id"

/* @sql, a read of the open triggers (OPEN_TRIGGERS_WHERE), prepared
 * with ?1 bound to the day of @now. */
static VigilSqlStmt *
prepare_open_triggers (VigilStore  *self,
                       const char  *sql,
                       gint64       now,
                       GError     **error)
{
  char today[16];
  VigilSqlStmt *stmt;

  _vigil_store_format_day (vigil_time_get_day (now), today);
  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading triggers"), error)))
    return NULL;
  /* Copied: @today is gone when the statement runs. */
  vigil_sql_bind_text_copy (stmt, 1, today, -1);
  return stmt;
}

/**
 * vigil_store_list_triggers:
 * @now: to tell snoozes that have ended
 *
 * The open episodes that need attention: not done, not snoozed past
 * @now, of customers in the active book (design 3.2); a snooze that has
 * ended shows as new again.
 *
 * Returns: (transfer full) (element-type VigilTriggerRow): risk first,
 *   then upsell, oldest first
 */
GPtrArray *
vigil_store_list_triggers (VigilStore  *self,
                           gint64       now,
                           GError     **error)
{
  static const char sql[] =
    "SELECT t.id, c.external_id, c.name, t.rule, t.kind, t.first_seen, "
    "CASE WHEN t.state = 'snoozed' AND t.snoozed_until <= ?1 THEN 'new' ELSE t.state END, "
    "t.snoozed_until, t.evidence, c.id, "
    "CASE WHEN t.state = 'snoozed' AND t.snoozed_until <= ?1 THEN NULL ELSE t.state_by END, "
    "CASE WHEN t.state = 'snoozed' AND t.snoozed_until <= ?1 THEN NULL ELSE t.state_at END, k.tier "
    "FROM triggers t JOIN customers c ON c.id = t.customer_id "
    "LEFT JOIN scores k ON k.customer_id = c.id AND k.observed_at = c.latest_at "
    OPEN_TRIGGERS_WHERE OPEN_TRIGGERS_ORDER;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_trigger_row_free);
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = prepare_open_triggers (self, sql, now, error)))
    return NULL;
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      VigilTriggerRow *row = _vigil_store_read_trigger_row (stmt);
      const char *tier = vigil_sql_column_text (stmt, 12);

      row->tier = tier != NULL ? vigil_tier_from_id (tier) : VIGIL_TIER_NONE;
      g_ptr_array_add (rows, row);
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading triggers"), error))
    return NULL;
  return g_steal_pointer (&rows);
}

static void
free_rule_list (gpointer data)
{
  g_list_free_full (data, g_free);
}

/**
 * vigil_store_index_open_trigger_rules:
 * @now: to tell snoozes that have ended
 *
 * The rule ids of the triggers vigil_store_list_triggers() lists, by
 * customer, each customer's in that list's order: what `vigil scores`
 * shows of them, read from the triggers alone, without a look-up of
 * each one's customer and score.
 *
 * Returns: (transfer full) (element-type gint64 GList): a customer's id
 *   → the rule ids (strings) of its open triggers
 */
GHashTable *
vigil_store_index_open_trigger_rules (VigilStore  *self,
                                      gint64       now,
                                      GError     **error)
{
  static const char sql[] = "SELECT t.customer_id, t.rule FROM triggers t " OPEN_TRIGGERS_WHERE OPEN_TRIGGERS_ORDER;
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, free_rule_list);
  VigilSqlStmt *stmt;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = prepare_open_triggers (self, sql, now, error)))
    return NULL;
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 customer_id = vigil_sql_column_int64 (stmt, 0);
      GList *rules = g_hash_table_lookup (index, &customer_id);
      char *rule = _vigil_store_column_strdup (stmt, 1);

      /* Appending to a list that has a head keeps it. */
      if (rules != NULL)
        {
          GList *head = g_list_append (rules, rule);

          g_assert (head == rules);
          (void) head;
        }
      else
        g_hash_table_insert (index, g_memdup2 (&customer_id, sizeof customer_id), g_list_append (NULL, rule));
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading triggers"), error))
    return NULL;
  return g_steal_pointer (&index);
}

/* The customer's tier now: the tier of its latest scored snapshot. */
#define CURRENT_TIER_SQL \
  "(SELECT tier FROM scores s WHERE s.customer_id = triggers.customer_id " \
  " ORDER BY s.observed_at DESC LIMIT 1)"

/* The detail of a trigger decision on the timeline (design 3.4): the
 * rule, the state it was put in and the day it is snoozed until (null
 * when it is not). */
static char *
trigger_event_detail (const char *rule,
                      const char *state,
                      const char *snoozed_until)
{
  return _vigil_store_event_detail ("rule", rule, "state", state, "until", snoozed_until, NULL);
}

/**
 * vigil_store_set_trigger_state:
 * @state: `new`, `acknowledged`, `snoozed` or `done`
 * @snoozed_until: (nullable): YYYY-MM-DD, for `snoozed`
 *
 * Puts a trigger in @state in the CSM's name (vigil_store_dup_author()),
 * keeping when, by whom and the customer's tier then, and adds the
 * decision to the customer's timeline (design 3.3, 3.4).
 */
gboolean
vigil_store_set_trigger_state (VigilStore  *self,
                               gint64       id,
                               const char  *state,
                               const char  *snoozed_until,
                               GError     **error)
{
  g_autofree char *author = NULL;
  g_autofree char *kind = NULL;
  VigilSqlStmt *stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 customer_id = 0;
  g_autofree char *detail = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  if (!(author = vigil_store_dup_author (self, error)) || !vigil_store_begin (self, error))
    return FALSE;
  if (!(stmt = _vigil_store_prepare (self,
                                     "UPDATE triggers SET state = ?2, snoozed_until = ?3, state_at = ?4, "
                                     "state_by = ?5, state_tier = " CURRENT_TIER_SQL " "
                                     "WHERE id = ?1 RETURNING customer_id, rule, state, snoozed_until",
                                     _("Updating a trigger"), error)))
    return _vigil_store_end_transaction (self, FALSE, error);
  vigil_sql_bind_int64 (stmt, 1, id);
  vigil_sql_bind_text (stmt, 2, state, -1);
  _vigil_store_bind_text_or_null (stmt, 3, snoozed_until);
  vigil_sql_bind_int64 (stmt, 4, now);
  vigil_sql_bind_text (stmt, 5, author, -1);
  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    {
      customer_id = vigil_sql_column_int64 (stmt, 0);
      detail = trigger_event_detail (vigil_sql_column_text (stmt, 1), vigil_sql_column_text (stmt, 2),
                                     vigil_sql_column_text (stmt, 3));
      rc = vigil_sql_step (stmt);
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Updating a trigger"), error))
    return _vigil_store_end_transaction (self, FALSE, error);
  if (detail == NULL)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND, _("No trigger %" PRId64), id);
      return _vigil_store_end_transaction (self, FALSE, error);
    }
  kind = g_strconcat ("trigger-", state, NULL);
  return _vigil_store_end_transaction (self,
                                       _vigil_store_add_event (self, customer_id, now, kind, detail,
                                                               author, error),
                                       error);
}
