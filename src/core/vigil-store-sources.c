/* vigil-store-sources.c: sources, how each was last polled, and the validators of its pages
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-poll-census.h"
#include "vigil-store-private.h"
#include "vigil-url.h"

/**
 * vigil_store_lookup_source:
 *
 * Returns: the source's id, 0 if there is none of that name, or -1 with
 *   @error set
 */
gint64
vigil_store_lookup_source (VigilStore  *self,
                           const char  *name,
                           GError     **error)
{
  VigilSqlStmt *stmt;

  g_return_val_if_fail (VIGIL_IS_STORE (self), -1);
  g_return_val_if_fail (name != NULL, -1);

  if (!(stmt = _vigil_store_get_stmt (self, STMT_LOOKUP_SOURCE, error)))
    return -1;
  vigil_sql_bind_text (stmt, 1, name, -1);
  return _vigil_store_lookup_id (self, stmt, error);
}

/**
 * vigil_store_ensure_source:
 *
 * Finds the source called @name, adding it as a file source if missing.
 *
 * Returns: its id, or -1 with @error set
 */
gint64
vigil_store_ensure_source (VigilStore  *self,
                           const char  *name,
                           GError     **error)
{
  VigilSqlStmt *stmt;

  g_return_val_if_fail (VIGIL_IS_STORE (self), -1);
  g_return_val_if_fail (name != NULL, -1);

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_SOURCE, error)))
    return -1;
  vigil_sql_bind_text (stmt, 1, name, -1);
  vigil_sql_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  if (!_vigil_store_step_done (self, stmt, _("Adding a source"), error))
    return -1;

  return vigil_store_lookup_source (self, name, error);
}

#define SOURCE_COLUMNS \
  "id, name, url, mapping, interval_min, timeout_s, concurrency, max_bytes, token_env, " \
  "last_poll_at, last_ok, last_error, last_summary, next_due, failures, keyring_token, header_names, " \
  "query_secret_names, query_secret_env, max_records, stalled_polls, suspect_since, suspect_records, " \
  "suspect_previous_records, suspect_fields"

static VigilSource *
read_source (VigilSqlStmt *stmt)
{
  VigilSource *source = vigil_source_new (vigil_sql_column_text (stmt, 1),
                                          vigil_sql_column_text (stmt, 2));

  source->id = vigil_sql_column_int64 (stmt, 0);
  source->mapping = _vigil_store_column_strdup (stmt, 3);
  if (!vigil_sql_column_is_null (stmt, 4))
    source->interval_min = (guint) vigil_sql_column_int64 (stmt, 4);
  if (!vigil_sql_column_is_null (stmt, 5))
    source->timeout_s = (guint) vigil_sql_column_int64 (stmt, 5);
  if (!vigil_sql_column_is_null (stmt, 6))
    source->concurrency = (guint) vigil_sql_column_int64 (stmt, 6);
  if (!vigil_sql_column_is_null (stmt, 7))
    source->max_bytes = vigil_sql_column_int64 (stmt, 7);
  source->token_env = _vigil_store_column_strdup (stmt, 8);
  source->last_poll_at = vigil_sql_column_int64 (stmt, 9);
  source->last_ok = vigil_sql_column_int64 (stmt, 10) != 0;
  source->last_error = _vigil_store_column_strdup (stmt, 11);
  source->last_summary = _vigil_store_column_strdup (stmt, 12);
  source->next_due = vigil_sql_column_int64 (stmt, 13);
  source->failures = (guint) vigil_sql_column_int64 (stmt, 14);
  source->keyring_token = vigil_sql_column_int64 (stmt, 15) != 0;
  if (!vigil_sql_column_is_null (stmt, 16))
    source->header_names = g_strsplit (vigil_sql_column_text (stmt, 16), "\n", -1);
  if (!vigil_sql_column_is_null (stmt, 17))
    source->query_secret_names = g_strsplit (vigil_sql_column_text (stmt, 17), "\n", -1);
  if (!vigil_sql_column_is_null (stmt, 18))
    source->query_secret_env = g_strsplit (vigil_sql_column_text (stmt, 18), "\n", -1);
  if (!vigil_sql_column_is_null (stmt, 19))
    source->max_records = vigil_sql_column_int64 (stmt, 19);
  source->stalled_polls = (guint) vigil_sql_column_int64 (stmt, 20);
  source->suspect_since = vigil_sql_column_int64 (stmt, 21);
  if (!vigil_sql_column_is_null (stmt, 22))
    source->suspect_records = vigil_sql_column_int64 (stmt, 22);
  if (!vigil_sql_column_is_null (stmt, 23))
    source->suspect_previous_records = vigil_sql_column_int64 (stmt, 23);
  if (!vigil_sql_column_is_null (stmt, 24))
    source->suspect_fields = g_strsplit (vigil_sql_column_text (stmt, 24), "\n", -1);
  return source;
}

/* Names joined by "\n" for a TEXT column, NULL for none. */
static char *
join_names (GStrv names)
{
  return names != NULL && names[0] != NULL ? g_strjoinv ("\n", names) : NULL;
}

/* The joined name lists a source statement binds, kept alive until it
 * has run. */
typedef struct
{
  char *header_names;
  char *query_secret_names;
  char *query_secret_env;
} JoinedNames;

static void
joined_names_clear (JoinedNames *joined)
{
  g_free (joined->header_names);
  g_free (joined->query_secret_names);
  g_free (joined->query_secret_env);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JoinedNames, joined_names_clear)

/* Binds the settings a user chooses, shared by add and update: ?2 url,
 * ?3 mapping, ?4 interval, ?5 timeout, ?6 concurrency, ?7 max bytes,
 * ?8 token variable, ?10 keyring token, ?11 header names, ?12 query
 * secret names, ?13 query secrets from the environment, ?14 max records. */
static void
bind_source_settings (VigilSqlStmt       *stmt,
                      const VigilSource  *source,
                      JoinedNames        *joined)
{
  vigil_sql_bind_text (stmt, 1, source->name, -1);
  vigil_sql_bind_text (stmt, 2, source->url, -1);
  _vigil_store_bind_text_or_null (stmt, 3, source->mapping);
  vigil_sql_bind_int64 (stmt, 4, (int) source->interval_min);
  vigil_sql_bind_int64 (stmt, 5, (int) source->timeout_s);
  vigil_sql_bind_int64 (stmt, 6, (int) source->concurrency);
  vigil_sql_bind_int64 (stmt, 7, source->max_bytes);
  _vigil_store_bind_text_or_null (stmt, 8, source->token_env);
  vigil_sql_bind_int64 (stmt, 10, source->keyring_token);
  vigil_sql_bind_int64 (stmt, 14, source->max_records);
  /* Names only: the values are in the keyring or the environment. */
  joined->header_names = join_names (source->header_names);
  joined->query_secret_names = join_names (source->query_secret_names);
  joined->query_secret_env = join_names (source->query_secret_env);
  _vigil_store_bind_text_or_null (stmt, 11, joined->header_names);
  _vigil_store_bind_text_or_null (stmt, 12, joined->query_secret_names);
  _vigil_store_bind_text_or_null (stmt, 13, joined->query_secret_env);
}

/* The HTTP validators of a source's last answers, dropped when its
 * settings change so that a 304 cannot hide what they would change. */
static gboolean
drop_validators (VigilStore  *self,
                 gint64       source_id,
                 GError     **error)
{
  VigilSqlStmt *stmt = NULL;

  if (!(stmt = _vigil_store_prepare (self, "DELETE FROM source_validators WHERE source_id = ?1",
                                     _("Changing a source"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  return _vigil_store_exec_prepared (self, stmt, _("Changing a source"), error);
}

/* design 2.5: what a source's polls are compared with starts afresh
 * when it is added again or its address or mapping change: another
 * endpoint, or the same one read otherwise, is not the one the last
 * poll saw. The mark goes with it. */
#define RESET_CHECK \
  "baseline_records = NULL, baseline_fingerprint = NULL, stalled_polls = 0, suspect_since = NULL, " \
  "suspect_records = NULL, suspect_previous_records = NULL, suspect_fields = NULL "

static gboolean
forget_field_counts (VigilStore  *self,
                     gint64       source_id,
                     GError     **error)
{
  static const char sql[] =
    "DELETE FROM source_field_counts WHERE source_id = ?1 "
    "AND (SELECT baseline_records FROM sources WHERE id = ?1) IS NULL";
  VigilSqlStmt *stmt = NULL;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Changing a source"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  return _vigil_store_exec_prepared (self, stmt, _("Changing a source"), error);
}

/**
 * vigil_store_add_source:
 * @source: a validated source; its id is set
 *
 * Adds an endpoint source. A source of that name that only holds
 * imported history (no URL yet) becomes this endpoint, keeping its
 * customers, so history can be backfilled before polling starts.
 */
gboolean
vigil_store_add_source (VigilStore   *self,
                        VigilSource  *source,
                        GError      **error)
{
  static const char sql[] =
    "INSERT INTO sources (name, kind, url, mapping, interval_min, timeout_s, "
    "concurrency, max_bytes, token_env, created_at, keyring_token, header_names, "
    "query_secret_names, query_secret_env, max_records) "
    "VALUES (?1, 'endpoint', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "ON CONFLICT (name) DO UPDATE SET kind = 'endpoint', url = ?2, mapping = ?3, "
    "interval_min = ?4, timeout_s = ?5, concurrency = ?6, max_bytes = ?7, "
    "token_env = ?8, keyring_token = ?10, header_names = ?11, "
    "query_secret_names = ?12, query_secret_env = ?13, max_records = ?14, " RESET_CHECK
    "WHERE sources.url IS NULL";
  g_auto(JoinedNames) joined = { NULL, };
  VigilSqlStmt *stmt = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (source != NULL && source->url != NULL, FALSE);

  /* Whoever calls, a secret in the URL is never stored. */
  if (!vigil_url_check_no_secret (source->url, error))
    return FALSE;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Adding a source"), error)))
    return FALSE;

  bind_source_settings (stmt, source, &joined);
  vigil_sql_bind_int64 (stmt, 9, g_get_real_time () / G_USEC_PER_SEC);
  if (!_vigil_store_exec_prepared (self, stmt, _("Adding a source"), error))
    return FALSE;

  if (vigil_sql_changes (self->db) == 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("A source named “%s” already exists"), source->name);
      return FALSE;
    }

  source->id = vigil_store_lookup_source (self, source->name, error);
  return source->id > 0 && forget_field_counts (self, source->id, error);
}

/**
 * vigil_store_list_sources:
 *
 * Returns: (transfer full) (element-type VigilSource): the endpoint
 *   sources, by name
 */
GPtrArray *
vigil_store_list_sources (VigilStore  *self,
                          GError     **error)
{
  static const char sql[] =
    "SELECT " SOURCE_COLUMNS " FROM sources WHERE url IS NOT NULL ORDER BY name";
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_source_free);
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading the sources"), error)))
    return NULL;
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    g_ptr_array_add (sources, read_source (stmt));
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading the sources"), error))
    return NULL;
  return g_steal_pointer (&sources);
}

/**
 * vigil_store_get_source:
 *
 * Returns: (transfer full): the endpoint source @name, or %NULL with
 *   @error set
 */
VigilSource *
vigil_store_get_source (VigilStore  *self,
                        const char  *name,
                        GError     **error)
{
  static const char sql[] =
    "SELECT " SOURCE_COLUMNS " FROM sources WHERE name = ?1 AND url IS NOT NULL";
  VigilSqlStmt *stmt = NULL;
  VigilSource *source = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading the sources"), error)))
    return NULL;
  vigil_sql_bind_text (stmt, 1, name, -1);
  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    source = read_source (stmt);
  if (_vigil_store_finish_rows (self, stmt, rc, _("Reading the sources"), error) && source == NULL)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND, _("No source named “%s”"), name);
  return source;
}

/**
 * vigil_store_update_source:
 * @source: a validated source, named as one that exists
 *
 * Changes the settings of the endpoint source of that name: address,
 * mapping, schedule, limits and how it authenticates. Its customers,
 * their history and the last poll's outcome stay. A new address or
 * mapping makes it due at once with its failures forgotten, and the
 * HTTP validators of its last answers are dropped, so the next poll
 * reads everything again through the new settings.
 */
gboolean
vigil_store_update_source (VigilStore   *self,
                           VigilSource  *source,
                           GError      **error)
{
  /* Right-hand sides see the row as it was before the update. The
   * endpoint is the same when url and mapping equal the new ones, NULL
   * equal to NULL (IS NOT DISTINCT FROM: both engines, HACKING). */
#define SAME_ENDPOINT "url IS NOT DISTINCT FROM ?2 AND mapping IS NOT DISTINCT FROM ?3"
  static const char sql[] =
    "UPDATE sources SET url = ?2, mapping = ?3, interval_min = ?4, timeout_s = ?5, "
    "concurrency = ?6, max_bytes = ?7, token_env = ?8, keyring_token = ?10, "
    "header_names = ?11, query_secret_names = ?12, query_secret_env = ?13, "
    "max_records = ?14, "
    "baseline_records = CASE WHEN " SAME_ENDPOINT " THEN baseline_records END, "
    "baseline_fingerprint = CASE WHEN " SAME_ENDPOINT " THEN baseline_fingerprint END, "
    "stalled_polls = CASE WHEN " SAME_ENDPOINT " THEN stalled_polls ELSE 0 END, "
    "suspect_since = CASE WHEN " SAME_ENDPOINT " THEN suspect_since END, "
    "suspect_records = CASE WHEN " SAME_ENDPOINT " THEN suspect_records END, "
    "suspect_previous_records = CASE WHEN " SAME_ENDPOINT " THEN suspect_previous_records END, "
    "suspect_fields = CASE WHEN " SAME_ENDPOINT " THEN suspect_fields END, "
    "next_due = CASE WHEN " SAME_ENDPOINT " AND failures = 0 "
    "  AND last_poll_at IS NOT NULL THEN last_poll_at + ?4 * 60 "
    "  WHEN " SAME_ENDPOINT " THEN next_due END, "
    "failures = CASE WHEN " SAME_ENDPOINT " THEN failures ELSE 0 END "
    "WHERE name = ?1 AND url IS NOT NULL";
#undef SAME_ENDPOINT
  g_auto(JoinedNames) joined = { NULL, };
  VigilSqlStmt *stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (source != NULL && source->name != NULL && source->url != NULL, FALSE);

  if (!vigil_url_check_no_secret (source->url, error))
    return FALSE;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Changing a source"), error)))
    return FALSE;
  bind_source_settings (stmt, source, &joined);
  /* ?9 is the insert's created_at, which an update leaves alone: the
   * text skips it, and PostgreSQL refuses a parameter it has no type
   * for, so it is bound all the same (SQLite ignores it). */
  vigil_sql_bind_null (stmt, 9, VIGIL_SQL_INT);

  if (!vigil_store_begin (self, error))
    {
      vigil_sql_finalize (stmt);
      return FALSE;
    }
  ok = _vigil_store_exec_prepared (self, stmt, _("Changing a source"), error);
  if (ok && vigil_sql_changes (self->db) == 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND, _("No source named “%s”"), source->name);
      ok = FALSE;
    }
  if (ok)
    {
      source->id = vigil_store_lookup_source (self, source->name, error);
      ok = source->id > 0;
    }
  if (ok)
    ok = drop_validators (self, source->id, error) && forget_field_counts (self, source->id, error);
  return _vigil_store_end_transaction (self, ok, error);
}

/**
 * vigil_store_remove_source:
 * @delete_history: also delete its customers and their history
 *
 * Stops polling @name. Its customers' history stays, as imported
 * history does, unless @delete_history says otherwise: months of
 * observations are not lost to one command.
 */
gboolean
vigil_store_remove_source (VigilStore  *self,
                           const char  *name,
                           gboolean     delete_history,
                           GError     **error)
{
  static const char delete_sql[] = "DELETE FROM sources WHERE name = ?1";
  static const char stop_sql[] =
    "UPDATE sources SET kind = 'file', url = NULL, mapping = NULL, "
    "token_env = NULL, keyring_token = 0, header_names = NULL, query_secret_names = NULL, "
    "query_secret_env = NULL, next_due = NULL "
    "WHERE name = ?1 AND url IS NOT NULL";
  VigilSqlStmt *stmt = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!vigil_store_begin (self, error))
    return FALSE;
  /* design 2.6: a source takes only its own records */
  if (delete_history && !_vigil_store_detach_source_records (self, name, error))
    return _vigil_store_end_transaction (self, FALSE, error);

  if (!(stmt = _vigil_store_prepare (self, delete_history ? delete_sql : stop_sql,
                                     _("Removing a source"), error)))
    return _vigil_store_end_transaction (self, FALSE, error);
  vigil_sql_bind_text (stmt, 1, name, -1);
  if (!_vigil_store_exec_prepared (self, stmt, _("Removing a source"), error))
    return _vigil_store_end_transaction (self, FALSE, error);

  if (vigil_sql_changes (self->db) == 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND, _("No source named “%s”"), name);
      return _vigil_store_end_transaction (self, FALSE, error);
    }
  return _vigil_store_end_transaction (self, TRUE, error);
}

/* What the previous successful poll brought (design 2.5). */
typedef struct
{
  gint64   records;       /* -1 before the first successful poll */
  char    *fingerprint;
  guint64  known[VIGIL_N_FIELDS];
} Baseline;

/* Reads the baseline, and the source's stall count and mark as they
 * are now: the source given may have been read before a long poll. */
static gboolean
read_baseline (VigilStore   *self,
               VigilSource  *source,
               Baseline     *baseline,
               GError      **error)
{
  static const char sources_sql[] =
    "SELECT baseline_records, baseline_fingerprint, stalled_polls, suspect_since "
    "FROM sources WHERE id = ?1";
  gint64 source_id = source->id;
  static const char counts_sql[] =
    "SELECT field, known FROM source_field_counts WHERE source_id = ?1";
  VigilSqlStmt *stmt = NULL;
  int rc;

  baseline->records = -1;
  if (!(stmt = _vigil_store_prepare (self, sources_sql, _("Saving a poll's result"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    {
      if (!vigil_sql_column_is_null (stmt, 0))
        {
          baseline->records = vigil_sql_column_int64 (stmt, 0);
          baseline->fingerprint = _vigil_store_column_strdup (stmt, 1);
        }
      source->stalled_polls = (guint) vigil_sql_column_int64 (stmt, 2);
      source->suspect_since = vigil_sql_column_int64 (stmt, 3);
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Saving a poll's result"), error))
    return FALSE;

  if (!(stmt = _vigil_store_prepare (self, counts_sql, _("Saving a poll's result"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      VigilField field = vigil_field_from_name (vigil_sql_column_text (stmt, 0));

      if (field != VIGIL_FIELD_NONE)
        baseline->known[field] = (guint64) vigil_sql_column_int64 (stmt, 1);
    }
  return _vigil_store_finish_rows (self, stmt, rc, _("Saving a poll's result"), error);
}

/* The fields no record of the poll knew where the previous poll knew
 * them on at least one; NULL for none. A poll without records knows
 * nothing: that is the fewer-records reason, not one per field. */
static GStrv
lost_fields (const Baseline        *baseline,
             const VigilPollCensus *census)
{
  g_autoptr(GStrvBuilder) lost = g_strv_builder_new ();
  g_auto(GStrv) fields = NULL;

  if (census->records == 0)
    return NULL;
  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    if (baseline->known[field] > 0 && census->known[field] == 0)
      g_strv_builder_add (lost, vigil_field_get_name (field));
  fields = g_strv_builder_end (lost);
  return fields[0] != NULL ? g_steal_pointer (&fields) : NULL;
}

/* design 2.5: the poll is compared with the previous successful one.
 * Sets the source's mark and its figures; the mark's time is kept while
 * it lasts, so that one episode is one notice. */
static void
judge_poll (VigilSource           *source,
            const Baseline        *baseline,
            const VigilPollCensus *census,
            const char            *fingerprint)
{
  gboolean nothing_new;
  gboolean suspect;

  g_clear_pointer (&source->suspect_fields, g_strfreev);
  source->suspect_records = -1;
  source->suspect_previous_records = -1;

  /* 304: the records are the previous poll's, so nothing fell. */
  if (census->not_modified)
    nothing_new = TRUE;
  else
    {
      if (baseline->records >= 0 && 2 * (gint64) census->records < baseline->records)
        {
          source->suspect_records = (gint64) census->records;
          source->suspect_previous_records = baseline->records;
        }
      source->suspect_fields = lost_fields (baseline, census);
      nothing_new = census->stored == 0 ||
                    (baseline->records == (gint64) census->records &&
                     g_strcmp0 (baseline->fingerprint, fingerprint) == 0);
    }

  source->stalled_polls = nothing_new ? source->stalled_polls + 1 : 0;
  suspect = source->suspect_previous_records >= 0 || source->suspect_fields != NULL ||
            source->stalled_polls >= VIGIL_SUSPECT_STALLED_POLLS;
  if (!suspect)
    source->suspect_since = 0;
  else if (source->suspect_since == 0)
    source->suspect_since = source->last_poll_at;
}

static gboolean
write_field_counts (VigilStore             *self,
                    gint64                  source_id,
                    const VigilPollCensus  *census,
                    GError                **error)
{
  static const char delete_sql[] = "DELETE FROM source_field_counts WHERE source_id = ?1";
  static const char insert_sql[] =
    "INSERT INTO source_field_counts (source_id, field, known) VALUES (?1, ?2, ?3)";
  VigilSqlStmt *stmt = NULL;

  if (!(stmt = _vigil_store_prepare (self, delete_sql, _("Saving a poll's result"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  if (!_vigil_store_exec_prepared (self, stmt, _("Saving a poll's result"), error))
    return FALSE;

  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    {
      if (census->known[field] == 0)
        continue;
      if (!(stmt = _vigil_store_prepare (self, insert_sql, _("Saving a poll's result"), error)))
        return FALSE;
      vigil_sql_bind_int64 (stmt, 1, source_id);
      vigil_sql_bind_text (stmt, 2, vigil_field_get_name (field), -1);
      vigil_sql_bind_int64 (stmt, 3, (gint64) census->known[field]);
      if (!_vigil_store_exec_prepared (self, stmt, _("Saving a poll's result"), error))
        return FALSE;
    }
  return TRUE;
}

/* Keeps the mark and, unless the answer was 304 (the previous poll's
 * records again), the poll as the next one's baseline. */
static gboolean
write_check (VigilStore             *self,
             const VigilSource      *source,
             const VigilPollCensus  *census,
             const char             *fingerprint,
             GError                **error)
{
  static const char sql[] =
    "UPDATE sources SET stalled_polls = ?2, suspect_since = ?3, suspect_records = ?4, "
    "suspect_previous_records = ?5, suspect_fields = ?6, "
    "baseline_records = CASE WHEN ?7 <> 0 THEN baseline_records ELSE ?8 END, "
    "baseline_fingerprint = CASE WHEN ?7 <> 0 THEN baseline_fingerprint ELSE ?9 END "
    "WHERE id = ?1";
  g_autofree char *fields = join_names (source->suspect_fields);
  VigilSqlStmt *stmt = NULL;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Saving a poll's result"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source->id);
  vigil_sql_bind_int64 (stmt, 2, (int) source->stalled_polls);
  if (source->suspect_since != 0)
    vigil_sql_bind_int64 (stmt, 3, source->suspect_since);
  else
    vigil_sql_bind_null (stmt, 3, VIGIL_SQL_INT);
  if (source->suspect_records >= 0)
    {
      vigil_sql_bind_int64 (stmt, 4, source->suspect_records);
      vigil_sql_bind_int64 (stmt, 5, source->suspect_previous_records);
    }
  else
    {
      vigil_sql_bind_null (stmt, 4, VIGIL_SQL_INT);
      vigil_sql_bind_null (stmt, 5, VIGIL_SQL_INT);
    }
  _vigil_store_bind_text_or_null (stmt, 6, fields);
  vigil_sql_bind_int64 (stmt, 7, census->not_modified);
  vigil_sql_bind_int64 (stmt, 8, (gint64) census->records);
  vigil_sql_bind_text (stmt, 9, fingerprint, -1);
  if (!_vigil_store_exec_prepared (self, stmt, _("Saving a poll's result"), error))
    return FALSE;
  return census->not_modified || write_field_counts (self, source->id, census, error);
}

static gboolean
check_poll (VigilStore             *self,
            VigilSource            *source,
            const VigilPollCensus  *census,
            gboolean               *out_became_suspect,
            GError                **error)
{
  g_autofree char *fingerprint = vigil_poll_census_get_fingerprint (census);
  Baseline baseline = { -1, NULL, { 0, } };
  gboolean was_suspect = FALSE;
  gboolean ok;

  ok = read_baseline (self, source, &baseline, error);
  if (ok)
    {
      was_suspect = vigil_source_is_suspect (source);
      judge_poll (source, &baseline, census, fingerprint);
      ok = write_check (self, source, census, fingerprint, error);
    }
  g_free (baseline.fingerprint);
  if (ok && out_became_suspect != NULL)
    *out_became_suspect = !was_suspect && vigil_source_is_suspect (source);
  return ok;
}

/**
 * vigil_store_record_poll:
 * @source: the source with its last poll's outcome filled in, and its
 *   mark as last read from the store; the mark is brought up to date
 * @census: (nullable): what the poll brought when it succeeded; %NULL
 *   leaves the comparison of polls alone (a failed poll does not count)
 * @out_became_suspect: (out) (optional): whether this poll made the
 *   source suspect when it was not
 *
 * Keeps how a poll went (time, result, error, summary, next due time and
 * failures in a row) for `source list` and the window, and, after a
 * successful poll, compares it with the previous one to tell a
 * connector that breaks quietly (design 2.5).
 */
gboolean
vigil_store_record_poll (VigilStore             *self,
                         VigilSource            *source,
                         const VigilPollCensus  *census,
                         gboolean               *out_became_suspect,
                         GError                **error)
{
  static const char sql[] =
    "UPDATE sources SET last_poll_at = ?2, last_ok = ?3, last_error = ?4, "
    "last_summary = ?5, next_due = ?6, failures = ?7 WHERE id = ?1";
  VigilSqlStmt *stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (source != NULL, FALSE);

  if (out_became_suspect != NULL)
    *out_became_suspect = FALSE;
  if (!(stmt = _vigil_store_prepare (self, sql, _("Saving a poll's result"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source->id);
  vigil_sql_bind_int64 (stmt, 2, source->last_poll_at);
  vigil_sql_bind_int64 (stmt, 3, source->last_ok);
  _vigil_store_bind_text_or_null (stmt, 4, source->last_error);
  _vigil_store_bind_text_or_null (stmt, 5, source->last_summary);
  vigil_sql_bind_int64 (stmt, 6, source->next_due);
  vigil_sql_bind_int64 (stmt, 7, (int) source->failures);

  if (!vigil_store_begin (self, error))
    {
      vigil_sql_finalize (stmt);
      return FALSE;
    }
  ok = _vigil_store_exec_prepared (self, stmt, _("Saving a poll's result"), error);
  if (ok && census != NULL && source->last_ok)
    ok = check_poll (self, source, census, out_became_suspect, error);
  return _vigil_store_end_transaction (self, ok, error);
}

/**
 * vigil_store_get_validators:
 * @out_etag: (out) (transfer full) (nullable): the page's ETag
 * @out_last_modified: (out) (transfer full) (nullable): its Last-Modified
 *
 * What the last successful poll learnt about a page, for a conditional
 * request.
 */
gboolean
vigil_store_get_validators (VigilStore  *self,
                            gint64       source_id,
                            const char  *url,
                            char       **out_etag,
                            char       **out_last_modified,
                            GError     **error)
{
  static const char sql[] =
    "SELECT etag, last_modified FROM source_validators WHERE source_id = ?1 AND url = ?2";
  VigilSqlStmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);

  *out_etag = NULL;
  *out_last_modified = NULL;
  if (!(stmt = _vigil_store_prepare (self, sql, _("Reading the sources"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  vigil_sql_bind_text (stmt, 2, url, -1);
  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    {
      *out_etag = _vigil_store_column_strdup (stmt, 0);
      *out_last_modified = _vigil_store_column_strdup (stmt, 1);
    }
  return _vigil_store_finish_rows (self, stmt, rc, _("Reading the sources"), error);
}

gboolean
vigil_store_set_validators (VigilStore  *self,
                            gint64       source_id,
                            const char  *url,
                            const char  *etag,
                            const char  *last_modified,
                            GError     **error)
{
  static const char delete_sql[] =
    "DELETE FROM source_validators WHERE source_id = ?1 AND url = ?2";
  static const char set_sql[] =
    "INSERT INTO source_validators (source_id, url, etag, last_modified) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (source_id, url) "
    "DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified";
  VigilSqlStmt *stmt = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);

  if (!(stmt = _vigil_store_prepare (self,
                                     etag == NULL && last_modified == NULL ? delete_sql : set_sql,
                                     _("Saving a poll's result"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  vigil_sql_bind_text (stmt, 2, url, -1);
  if (etag != NULL || last_modified != NULL)
    {
      _vigil_store_bind_text_or_null (stmt, 3, etag);
      _vigil_store_bind_text_or_null (stmt, 4, last_modified);
    }
  return _vigil_store_exec_prepared (self, stmt, _("Saving a poll's result"), error);
}

/* Poll locks (design 2.5) ----------------------------------------------------- */

/* Takes source @source_id's advisory lock on the server, without waiting.
 * PostgreSQL only. */
static gboolean
try_server_lock (VigilStore  *self,
                 gint64       source_id,
                 gboolean    *out_locked,
                 GError     **error)
{
  static const char sql[] =
    "SELECT CASE WHEN pg_try_advisory_lock (" VIGIL_STORE_LOCK_SOURCE_CLASS ", CAST (?1 AS INTEGER)) "
    "THEN 1 ELSE 0 END";
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_cached (self, sql, _("Locking the source"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  rc = vigil_sql_step (stmt);
  *out_locked = rc == VIGIL_SQL_ROW && vigil_sql_column_int64 (stmt, 0) != 0;
  return _vigil_store_finish_cached_rows (self, stmt, rc, _("Locking the source"), error);
}

/**
 * vigil_store_try_lock_source:
 * @source_id: the source's id
 * @out_locked: (out): whether this store now holds the source's lock
 *
 * Takes the lock a poll of the source holds (design 2.5), without
 * waiting: on a team's book, FALSE in @out_locked means another Vigil
 * polls it now. The lock is the session's, held until
 * vigil_store_unlock_source() or until the store is closed; this store
 * may take it again while it holds it, and releases it once each time.
 * A file is one person's: there @out_locked is always TRUE.
 *
 * Returns: %FALSE with @error set when the server could not be asked
 */
gboolean
vigil_store_try_lock_source (VigilStore  *self,
                             gint64       source_id,
                             gboolean    *out_locked,
                             GError     **error)
{
  guint held;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (source_id > 0, FALSE);
  g_return_val_if_fail (out_locked != NULL, FALSE);

  *out_locked = TRUE;
  if (!vigil_store_is_shared (self))
    return TRUE;

  held = GPOINTER_TO_UINT (g_hash_table_lookup (self->locked_sources, &source_id));
  if (held == 0 && !try_server_lock (self, source_id, out_locked, error))
    return FALSE;
  if (*out_locked)
    g_hash_table_insert (self->locked_sources, g_memdup2 (&source_id, sizeof source_id),
                         GUINT_TO_POINTER (held + 1));
  return TRUE;
}

/**
 * vigil_store_unlock_source:
 * @source_id: the source's id
 *
 * Releases the lock vigil_store_try_lock_source() took; nothing when
 * this store does not hold it. A lock the server could not release is
 * released when the store is closed.
 */
void
vigil_store_unlock_source (VigilStore *self,
                           gint64      source_id)
{
  static const char sql[] =
    "SELECT CASE WHEN pg_advisory_unlock (" VIGIL_STORE_LOCK_SOURCE_CLASS ", CAST (?1 AS INTEGER)) "
    "THEN 1 ELSE 0 END";
  g_autoptr(GError) error = NULL;
  VigilSqlStmt *stmt;
  guint held;
  int rc;

  g_return_if_fail (VIGIL_IS_STORE (self));

  held = GPOINTER_TO_UINT (g_hash_table_lookup (self->locked_sources, &source_id));
  if (held > 1)
    {
      g_hash_table_insert (self->locked_sources, g_memdup2 (&source_id, sizeof source_id),
                           GUINT_TO_POINTER (held - 1));
      return;
    }
  if (held == 0 || !g_hash_table_remove (self->locked_sources, &source_id))
    return;
  if (!(stmt = _vigil_store_cached (self, sql, _("Unlocking the source"), &error)))
    {
      g_debug ("%s", error->message);
      return;
    }
  vigil_sql_bind_int64 (stmt, 1, source_id);
  rc = vigil_sql_step (stmt);
  if (!_vigil_store_finish_cached_rows (self, stmt, rc, _("Unlocking the source"), &error))
    g_debug ("%s", error->message);
}
