/* vigil-store-timeline.c: the touches a CSM logs, and a customer's timeline read back
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
#include "vigil-timeline.h"

/* design 3.4: a touch logs what happened; a day ahead is allowed for a
 * time written in another zone than the clock's. */
#define TOUCH_FUTURE_SLACK_S 86400

static gint64
get_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The text of a touch, checked and trimmed (design 3.4): plain UTF-8
 * text, not empty, without control characters but tabs and line
 * breaks (which a terminal or a log would act on), at most
 * VIGIL_TOUCH_MAX_BYTES. */
static char *
check_touch_text (const char  *text,
                  GError     **error)
{
  g_autofree char *trimmed = NULL;
  glong position = 0;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("The text of a touch must be UTF-8 text"));
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("The text of a touch is empty: say what happened"));
      return NULL;
    }
  if (strlen (trimmed) > VIGIL_TOUCH_MAX_BYTES)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("The text of a touch is %zu bytes long; at most %d are kept"),
                   strlen (trimmed), VIGIL_TOUCH_MAX_BYTES);
      return NULL;
    }
  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p), position++)
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F))
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("The text of a touch holds a control character (U+%04X at character %ld)"),
                       (guint) c, position + 1);
          return NULL;
        }
    }
  return g_steal_pointer (&trimmed);
}

static gboolean
check_touch_time (gint64   at,
                  GError **error)
{
  if (at < 0 || at > get_now () + TOUCH_FUTURE_SLACK_S)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           at < 0 ? _("A touch cannot be dated before 1970")
                                  : _("A touch logs what happened: its time cannot be in the future"));
      return FALSE;
    }
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
  if (!exists)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND,
                   _("No customer with the store id %" PRId64), customer_id);
      return FALSE;
    }
  return TRUE;
}

/**
 * vigil_store_add_touch:
 * @kind: what it was
 * @at: when it happened (Unix seconds), not in the future
 * @text: what happened, plain text
 *
 * Logs a touch on @customer_id's timeline in the CSM's name
 * (vigil_store_dup_author()).
 *
 * Returns: the touch's id, or -1 with @error set
 */
gint64
vigil_store_add_touch (VigilStore      *self,
                       gint64           customer_id,
                       VigilTouchKind   kind,
                       gint64           at,
                       const char      *text,
                       GError         **error)
{
  g_autofree char *author = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), -1);

  if (!(author = vigil_store_dup_author (self, error)))
    return -1;
  return vigil_store_add_touch_as (self, customer_id, kind, at, text, author, error);
}

/**
 * vigil_store_add_touch_as:
 * @author: who logged it: the touch is theirs to edit or delete
 *
 * As vigil_store_add_touch(), for a touch logged by someone else than
 * the CSM using Vigil: the demo book's owners, a touch brought from
 * another system.
 *
 * Returns: the touch's id, or -1 with @error set
 */
gint64
vigil_store_add_touch_as (VigilStore      *self,
                          gint64           customer_id,
                          VigilTouchKind   kind,
                          gint64           at,
                          const char      *text,
                          const char      *author,
                          GError         **error)
{
  g_autofree char *body = NULL;
  VigilSqlStmt *stmt;
  gint64 id = 0;

  g_return_val_if_fail (VIGIL_IS_STORE (self), -1);
  g_return_val_if_fail (kind < VIGIL_N_TOUCH_KINDS, -1);
  g_return_val_if_fail (author != NULL, -1);

  if (!(body = check_touch_text (text, error)) || !check_touch_time (at, error) ||
      !check_customer (self, customer_id, error))
    return -1;
  if (!(stmt = _vigil_store_cached (self,
                                    "INSERT INTO touches (customer_id, kind, at, body, author, created_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                                    _("Logging a touch"), error)))
    return -1;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  vigil_sql_bind_text (stmt, 2, vigil_touch_kind_get_id (kind), -1);
  vigil_sql_bind_int64 (stmt, 3, at);
  vigil_sql_bind_text (stmt, 4, body, -1);
  vigil_sql_bind_text (stmt, 5, author, -1);
  vigil_sql_bind_int64 (stmt, 6, get_now ());
  if (!_vigil_store_step_insert (self, stmt, _("Logging a touch"), &id, error))
    return -1;
  return id;
}

/* After an edit or delete changed no row: the touch does not exist, or
 * it is someone else's, which the error says by name (design 3.4), or,
 * on a team's book, the author's own touch of a customer no longer
 * theirs, which row-level security kept from the delete (design 1.1). */
static gboolean
explain_untouched (VigilStore  *self,
                   gint64       touch_id,
                   const char  *me,
                   gboolean     deleting,
                   GError     **error)
{
  g_autofree char *author = NULL;
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_prepare (self, "SELECT author FROM touches WHERE id = ?1",
                                     _("Reading the timeline"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, touch_id);
  if ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    author = _vigil_store_column_strdup (stmt, 0);
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading the timeline"), error))
    return FALSE;

  if (author == NULL)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND, _("No touch %" PRId64), touch_id);
  else if (g_str_equal (author, me))
    _vigil_store_set_refused (error, deleting ? _("Deleting a touch") : _("Editing a touch"), NULL);
  else
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION,
                 deleting ? _("Touch %" PRId64 " was written by %s: only they can delete it (you are %s)")
                          : _("Touch %" PRId64 " was written by %s: only they can edit it (you are %s)"),
                 touch_id, author, me);
  return FALSE;
}

/**
 * vigil_store_edit_touch:
 * @kind: the new kind, or %VIGIL_N_TOUCH_KINDS to keep it
 * @at: the new time, or %VIGIL_UNKNOWN to keep it
 * @text: (nullable): the new text, or %NULL to keep it
 *
 * Changes a touch; only its author may (design 3.4): anyone else's
 * edit is refused with %VIGIL_ERROR_PERMISSION, naming the author.
 */
gboolean
vigil_store_edit_touch (VigilStore      *self,
                        gint64           touch_id,
                        VigilTouchKind   kind,
                        gint64           at,
                        const char      *text,
                        GError         **error)
{
  g_autofree char *body = NULL;
  g_autofree char *me = NULL;
  VigilSqlStmt *stmt;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (kind <= VIGIL_N_TOUCH_KINDS, FALSE);

  if ((text != NULL && !(body = check_touch_text (text, error))) ||
      (at != VIGIL_UNKNOWN && !check_touch_time (at, error)) ||
      !(me = vigil_store_dup_author (self, error)))
    return FALSE;
  if (!(stmt = _vigil_store_cached (self,
                                    "UPDATE touches SET kind = coalesce (?3, kind), at = coalesce (?4, at), "
                                    "body = coalesce (?5, body), edited_at = ?6 "
                                    "WHERE id = ?1 AND author = ?2",
                                    _("Editing a touch"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, touch_id);
  vigil_sql_bind_text (stmt, 2, me, -1);
  _vigil_store_bind_text_or_null (stmt, 3, kind < VIGIL_N_TOUCH_KINDS ? vigil_touch_kind_get_id (kind) : NULL);
  _vigil_store_bind_int_or_null (stmt, 4, at);
  _vigil_store_bind_text_or_null (stmt, 5, body);
  vigil_sql_bind_int64 (stmt, 6, get_now ());
  if (!_vigil_store_step_done (self, stmt, _("Editing a touch"), error))
    return FALSE;
  if (vigil_sql_changes (self->db) == 0)
    return explain_untouched (self, touch_id, me, FALSE, error);
  return TRUE;
}

/**
 * vigil_store_delete_touch:
 *
 * Deletes a touch; only its author may (design 3.4).
 */
gboolean
vigil_store_delete_touch (VigilStore  *self,
                          gint64       touch_id,
                          GError     **error)
{
  g_autofree char *me = NULL;
  VigilSqlStmt *stmt;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  if (!(me = vigil_store_dup_author (self, error)) ||
      !(stmt = _vigil_store_cached (self, "DELETE FROM touches WHERE id = ?1 AND author = ?2",
                                    _("Deleting a touch"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, touch_id);
  vigil_sql_bind_text (stmt, 2, me, -1);
  if (!_vigil_store_step_done (self, stmt, _("Deleting a touch"), error))
    return FALSE;
  if (vigil_sql_changes (self->db) == 0)
    return explain_untouched (self, touch_id, me, TRUE, error);
  return TRUE;
}

/* Reading the timeline ------------------------------------------------------ */

/* The parts of the timeline, in the order they sort within one second. */
enum
{
  PART_TOUCH,
  PART_PULSE,
  PART_OUTCOME,
  PART_TRIGGER,
  PART_EVENT,
  PART_TIER,
};

/* design 3.4: every part of the timeline from one query, each part
 * bounded to the customer by its index; columns: part, at, id, author,
 * subject, detail, text, edited_at, until, event kind. A tier change is
 * a scored snapshot whose tier differs from the previous scored one's
 * (a window function over the customer's own scores). An event's
 * detail is read only when it is JSON: a database edited by hand gives
 * NULLs, not an error. */
#define TIMELINE_SQL(E) \
  "SELECT 0, at, id, author, kind, NULL, body, edited_at, NULL, NULL FROM touches WHERE customer_id = ?1 " \
  "UNION ALL " \
  "SELECT 1, at, id, author, sentiment, reason, body, NULL, NULL, NULL FROM pulses WHERE customer_id = ?1 " \
  "UNION ALL " \
  "SELECT 2, " SQL_EPOCH_OF_DAY_##E ("day") ", 0, NULL, outcome, NULL, NULL, NULL, NULL, NULL FROM outcomes " \
  " WHERE customer_id = ?1 AND " SQL_EPOCH_OF_DAY_##E ("day") " IS NOT NULL " \
  "UNION ALL " \
  "SELECT 3, first_seen, id, NULL, rule, kind, NULL, NULL, NULL, NULL FROM triggers WHERE customer_id = ?1 " \
  "UNION ALL " \
  "SELECT 4, at, id, author, " \
  " CASE WHEN NOT " SQL_JSON_VALID_##E ("detail") " THEN NULL " \
  "  WHEN kind LIKE 'trigger-%' THEN " SQL_JSON_FIELD_##E ("detail", "rule") " " \
  "  WHEN kind = 'source-added' THEN " SQL_JSON_FIELD_##E ("detail", "source") " " \
  "  ELSE " SQL_JSON_FIELD_##E ("detail", "record") " END, " \
  " CASE WHEN NOT " SQL_JSON_VALID_##E ("detail") " THEN NULL " \
  "  WHEN kind LIKE 'trigger-%' THEN " SQL_JSON_FIELD_##E ("detail", "state") " " \
  "  WHEN kind = 'source-added' THEN " SQL_JSON_FIELD_##E ("detail", "record") " " \
  "  WHEN kind = 'record-linked' THEN " SQL_JSON_FIELD_##E ("detail", "with") " " \
  "  WHEN kind = 'record-unlinked' THEN NULL " \
  "  ELSE " SQL_JSON_TEXT_##E ("detail") " END, " \
  " NULL, NULL, " \
  " CASE WHEN " SQL_JSON_VALID_##E ("detail") " AND kind LIKE 'trigger-%' THEN " SQL_JSON_FIELD_##E ("detail", "until") " END, " \
  " kind FROM events WHERE customer_id = ?1 " \
  "UNION ALL " \
  "SELECT 5, observed_at, 0, NULL, tier, previous, NULL, NULL, NULL, NULL FROM " \
  " (SELECT observed_at, tier, lag (tier) OVER (ORDER BY observed_at) AS previous FROM scores " \
  "  WHERE customer_id = ?1 AND tier IS NOT NULL) AS tiers " \
  " WHERE previous IS NOT NULL AND previous <> tier " \
  "ORDER BY 2 DESC, 1 DESC, 3 DESC"
static const char * const timeline_sql[] = ENGINE_SQL (TIMELINE_SQL);

/* What an event's kind says it is; an unknown kind stays an event. */
static VigilTimelineKind
event_kind (const char *kind)
{
  if (g_str_has_prefix (kind, "trigger-"))
    return VIGIL_TIMELINE_TRIGGER_STATE;
  if (g_str_equal (kind, "record-linked"))
    return VIGIL_TIMELINE_RECORD_LINKED;
  if (g_str_equal (kind, "record-unlinked"))
    return VIGIL_TIMELINE_RECORD_UNLINKED;
  if (g_str_equal (kind, "source-added"))
    return VIGIL_TIMELINE_SOURCE_ADDED;
  return VIGIL_TIMELINE_EVENT;
}

static VigilTimelineEntry *
read_timeline_entry (VigilSqlStmt *stmt)
{
  static const VigilTimelineKind parts[] = {
    [PART_TOUCH] = VIGIL_TIMELINE_TOUCH,
    [PART_PULSE] = VIGIL_TIMELINE_PULSE,
    [PART_OUTCOME] = VIGIL_TIMELINE_OUTCOME,
    [PART_TRIGGER] = VIGIL_TIMELINE_TRIGGER_OPENED,
    [PART_EVENT] = VIGIL_TIMELINE_EVENT,
    [PART_TIER] = VIGIL_TIMELINE_TIER_CHANGE,
  };
  VigilTimelineEntry *entry = g_new0 (VigilTimelineEntry, 1);
  int part = vigil_sql_column_int64 (stmt, 0);

  entry->kind = part >= 0 && part < (int) G_N_ELEMENTS (parts) ? parts[part] : VIGIL_TIMELINE_EVENT;
  entry->at = vigil_sql_column_int64 (stmt, 1);
  entry->id = vigil_sql_column_int64 (stmt, 2);
  entry->author = _vigil_store_column_strdup (stmt, 3);
  entry->subject = _vigil_store_column_strdup (stmt, 4);
  entry->detail = _vigil_store_column_strdup (stmt, 5);
  entry->text = _vigil_store_column_strdup (stmt, 6);
  entry->edited_at = _vigil_store_column_int_or_unknown (stmt, 7);
  entry->until = _vigil_store_column_strdup (stmt, 8);
  if (part == PART_EVENT)
    {
      const char *kind = vigil_sql_column_text (stmt, 9);

      entry->kind = event_kind (kind != NULL ? kind : "");
      /* An unknown event says what it was by its kind. */
      if (entry->kind == VIGIL_TIMELINE_EVENT)
        {
          g_free (entry->subject);
          entry->subject = g_strdup (kind);
        }
    }
  return entry;
}

/**
 * vigil_store_list_timeline:
 *
 * Everything on @customer_id's timeline (design 3.4), newest first:
 * touches, pulses, outcomes, triggers opened and worked, tier changes,
 * records linked or unlinked and sources added. At one time, what
 * Vigil saw (tier changes, events, triggers opened, outcomes) comes
 * before what a person wrote; then the newest id first.
 *
 * Returns: (transfer full) (element-type VigilTimelineEntry): the entries
 */
GPtrArray *
vigil_store_list_timeline (VigilStore  *self,
                           gint64       customer_id,
                           GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_timeline_entry_free);
  VigilSqlStmt *stmt;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_prepare (self, ENGINE_TEXT (self, timeline_sql), _("Reading the timeline"), error)))
    return NULL;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    g_ptr_array_add (entries, read_timeline_entry (stmt));
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading the timeline"), error))
    return NULL;
  return g_steal_pointer (&entries);
}

/**
 * vigil_store_list_touch_texts:
 *
 * The text of every customer's touches, for the portfolio's search
 * (design 5): one read of the whole book.
 *
 * Returns: (transfer full): customer id (a #gint64 key) → its touches'
 *   texts, one a line
 */
GHashTable *
vigil_store_list_touch_texts (VigilStore  *self,
                              GError     **error)
{
  g_autoptr(GHashTable) texts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GHashTable) gathering = NULL;
  GHashTableIter iter;
  gpointer key, value;
  VigilSqlStmt *stmt;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  /* In id order, each customer's touches oldest logged first, gathered
   * here: one pass over the table, where grouping in SQL sorted a big
   * book's megabytes of text twice. */
  if (!(stmt = _vigil_store_prepare (self, "SELECT customer_id, body FROM touches ORDER BY id",
                                     _("Reading the timeline"), error)))
    return NULL;
  gathering = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 customer_id = vigil_sql_column_int64 (stmt, 0);
      const char *body = vigil_sql_column_text (stmt, 1);
      GString *text = g_hash_table_lookup (gathering, &customer_id);

      if (text == NULL)
        g_hash_table_insert (gathering, g_memdup2 (&customer_id, sizeof customer_id),
                             text = g_string_new (NULL));
      else
        g_string_append_c (text, '\n');
      g_string_append_len (text, body, vigil_sql_column_bytes (stmt, 1));
    }
  g_hash_table_iter_init (&iter, gathering);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_insert (texts, key, g_string_free (value, FALSE));
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading the timeline"), error))
    return NULL;
  return g_steal_pointer (&texts);
}

/**
 * vigil_store_get_first_touch:
 * @out_at: (out): when the book's first contact (a touch other than a
 *   note) happened, %VIGIL_UNKNOWN when none was ever logged
 *
 * When the team started logging touches in Vigil: the no-touch trigger
 * counts from there for a customer never touched (design 3.4).
 */
gboolean
vigil_store_get_first_touch (VigilStore  *self,
                             gint64      *out_at,
                             GError     **error)
{
  VigilSqlStmt *stmt;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_at != NULL, FALSE);

  if (!(stmt = _vigil_store_prepare (self, "SELECT min (at) FROM touches WHERE kind <> 'note'",
                                     _("Reading the timeline"), error)))
    return FALSE;
  rc = vigil_sql_step (stmt);
  *out_at = rc == VIGIL_SQL_ROW ? _vigil_store_column_int_or_unknown (stmt, 0) : VIGIL_UNKNOWN;
  return _vigil_store_finish_rows (self, stmt, rc, _("Reading the timeline"), error);
}
