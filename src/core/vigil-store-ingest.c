/* vigil-store-ingest.c: customers, snapshots and features as imports and polls write them
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vigil-store-private.h"
#include "vigil-time.h"

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
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_LOOKUP_RECORD, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_text (stmt, 2, external_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *out_found = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW)
    {
      out->record_id = sqlite3_column_int64 (stmt, 0);
      out->customer_id = sqlite3_column_int64 (stmt, 1);
      out->shared = sqlite3_column_int (stmt, 2) != 0;
      out->main = sqlite3_column_int (stmt, 3) != 0;
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _vigil_store_set_sqlite_error (self, error, _("Adding a customer"));
  return TRUE;
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
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  if (!_vigil_store_find_record (self, source_id, external_id, out, &found, error))
    return FALSE;
  if (found)
    return TRUE;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_CUSTOMER, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_text (stmt, 2, external_id, -1, SQLITE_STATIC);
  if (!_vigil_store_step_done (self, stmt, _("Adding a customer"), error))
    return FALSE;
  out->customer_id = sqlite3_last_insert_rowid (self->db);

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_RECORD, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_text (stmt, 2, external_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, out->customer_id);
  if (!_vigil_store_step_done (self, stmt, _("Adding a customer"), error))
    return FALSE;
  out->record_id = sqlite3_last_insert_rowid (self->db);
  out->shared = FALSE;
  out->main = TRUE;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_SET_MAIN_RECORD, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, out->customer_id);
  sqlite3_bind_int64 (stmt, 2, out->record_id);
  return _vigil_store_step_done (self, stmt, _("Adding a customer"), error);
}

/* Binds what a new customer and its record are given: the source (1),
 * the external id (2), name, plan, owner and segment (3 to 6) and the
 * time they were last seen (7). */
static void
bind_new_record (sqlite3_stmt         *stmt,
                 gint64                source_id,
                 const char           *external_id,
                 const VigilSnapshot  *attributes,
                 gint64                latest_at)
{
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_text (stmt, 2, external_id, -1, SQLITE_STATIC);
  _vigil_store_bind_text_or_null (stmt, 3, attributes->name);
  _vigil_store_bind_text_or_null (stmt, 4, attributes->plan);
  _vigil_store_bind_text_or_null (stmt, 5, attributes->owner);
  _vigil_store_bind_text_or_null (stmt, 6, attributes->segment);
  sqlite3_bind_int64 (stmt, 7, latest_at);
}

/* The record @external_id of @source_id, which the caller knows is not
 * in the store, added as an account of its own (design 2.6) with its
 * name, plan, owner and segment as last seen at @latest_at: what
 * _vigil_store_ensure_record() and then setting them with
 * vigil_store_update_customer() and _vigil_store_update_record() give
 * (on a row that holds nothing yet, the newest-wins rule takes every
 * value given), in half the statements: an ingest or a first poll adds
 * thousands at once. */
gboolean
_vigil_store_add_record (VigilStore           *self,
                         gint64                source_id,
                         const char           *external_id,
                         const VigilSnapshot  *attributes,
                         gint64                latest_at,
                         VigilRecordRef       *out,
                         GError              **error)
{
  static const char customer_sql[] =
    "INSERT INTO customers (source_id, external_id, name, plan, owner, segment, latest_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
  static const char record_sql[] =
    "INSERT INTO records (source_id, external_id, name, plan, owner, segment, latest_at, customer_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
  sqlite3_stmt *stmt;

  if (!(stmt = _vigil_store_cached (self, customer_sql, _("Adding a customer"), error)))
    return FALSE;
  bind_new_record (stmt, source_id, external_id, attributes, latest_at);
  if (!_vigil_store_step_done (self, stmt, _("Adding a customer"), error))
    return FALSE;
  out->customer_id = sqlite3_last_insert_rowid (self->db);

  if (!(stmt = _vigil_store_cached (self, record_sql, _("Adding a customer"), error)))
    return FALSE;
  bind_new_record (stmt, source_id, external_id, attributes, latest_at);
  sqlite3_bind_int64 (stmt, 8, out->customer_id);
  if (!_vigil_store_step_done (self, stmt, _("Adding a customer"), error))
    return FALSE;
  out->record_id = sqlite3_last_insert_rowid (self->db);
  out->shared = FALSE;
  out->main = TRUE;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_SET_MAIN_RECORD, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, out->customer_id);
  sqlite3_bind_int64 (stmt, 2, out->record_id);
  return _vigil_store_step_done (self, stmt, _("Adding a customer"), error);
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
  sqlite3_stmt *stmt;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_RECORD, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_text (stmt, 2, external_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, customer_id);
  if (!_vigil_store_step_done (self, stmt, _("Adding a customer"), error))
    return FALSE;
  out->record_id = sqlite3_last_insert_rowid (self->db);
  out->customer_id = customer_id;
  out->shared = TRUE;
  out->main = FALSE;
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
  sqlite3_stmt *stmt;

  if (!(stmt = _vigil_store_get_stmt (self, statement, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  _vigil_store_bind_text_or_null (stmt, 2, attributes->name);
  _vigil_store_bind_text_or_null (stmt, 3, attributes->plan);
  _vigil_store_bind_text_or_null (stmt, 4, attributes->owner);
  _vigil_store_bind_text_or_null (stmt, 5, attributes->segment);
  sqlite3_bind_int64 (stmt, 6, latest_at);
  return _vigil_store_step_done (self, stmt, _("Updating a customer"), error);
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

static int
intern_feature (VigilStore  *self,
                const char  *name,
                GError     **error)
{
  gpointer id;
  sqlite3_stmt *stmt;
  gint64 new_id;

  if (g_hash_table_lookup_extended (self->feature_ids, name, NULL, &id))
    return GPOINTER_TO_INT (id);

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_FEATURE, error)))
    return -1;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (!_vigil_store_step_done (self, stmt, _("Adding a feature"), error))
    return -1;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_LOOKUP_FEATURE, error)))
    return -1;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  new_id = _vigil_store_lookup_id (self, stmt, error);
  if (new_id <= 0)
    return -1;

  g_hash_table_insert (self->feature_ids, g_strdup (name), GINT_TO_POINTER ((int) new_id));
  g_hash_table_insert (self->feature_names, GINT_TO_POINTER ((int) new_id), g_strdup (name));
  return (int) new_id;
}

/* Appends a decimal integer: this runs for every feature of every
 * snapshot of an import, where printf's parsing shows in profiles. */
static void
append_int (GString *out,
            gint64   value)
{
  char digits[24];
  int n = 0;
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;

  do
    {
      digits[n++] = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    g_string_append_c (out, '-');
  while (n > 0)
    g_string_append_c (out, digits[--n]);
}

/**
 * vigil_store_encode_features:
 * @snapshot: a snapshot whose features are known
 *
 * Encodes the features of @snapshot as stored: a JSON object from
 * feature id to calls, adding features not seen before.
 *
 * Returns: (transfer full): the encoding, or %NULL with @error set
 */
char *
vigil_store_encode_features (VigilStore           *self,
                             const VigilSnapshot  *snapshot,
                             GError              **error)
{
  GString *out = self->features_buffer;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (snapshot != NULL && snapshot->features != NULL, NULL);

  g_string_truncate (out, 0);
  g_string_append_c (out, '{');
  for (guint i = 0; i < snapshot->features->len; i++)
    {
      const VigilFeatureUsage *usage = &g_array_index (snapshot->features, VigilFeatureUsage, i);
      int id = intern_feature (self, usage->name, error);

      if (id < 0)
        return NULL;
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '"');
      append_int (out, id);
      g_string_append (out, "\":");
      append_int (out, usage->calls);
    }
  g_string_append_c (out, '}');
  return g_strndup (out->str, out->len);
}

/* YYYY-MM-DD into @buffer, without printf for the same reason. */
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
bind_score (sqlite3_stmt     *stmt,
            int               first,
            const VigilScore *score)
{
  sqlite3_bind_int64 (stmt, first, score->version);
  _vigil_store_bind_double_or_null (stmt, first + 1, score->health);
  _vigil_store_bind_text_or_null (stmt, first + 2, vigil_tier_get_id (score->tier));
}

/* The key (customer or record), the time and the observed columns of
 * the snapshots and observations tables, in their order. */
static void
bind_observed (sqlite3_stmt         *stmt,
               gint64                key,
               const VigilSnapshot  *snapshot,
               const char           *renewal,
               const char           *features)
{
  sqlite3_bind_int64 (stmt, 1, key);
  sqlite3_bind_int64 (stmt, 2, snapshot->observed_at);
  _vigil_store_bind_int_or_null (stmt, 3, snapshot->last_active);
  _vigil_store_bind_double_or_null (stmt, 4, snapshot->mrr);
  _vigil_store_bind_int_or_null (stmt, 5, snapshot->seats);
  _vigil_store_bind_int_or_null (stmt, 6, snapshot->seats_used);
  _vigil_store_bind_int_or_null (stmt, 7, snapshot->api_calls_7d);
  _vigil_store_bind_int_or_null (stmt, 8, snapshot->features_used);
  _vigil_store_bind_int_or_null (stmt, 9, snapshot->open_tickets);
  _vigil_store_bind_int_or_null (stmt, 10, snapshot->nps);
  _vigil_store_bind_text_or_null (stmt, 11, renewal);
  _vigil_store_bind_text_or_null (stmt, 12, snapshot->plan);
  _vigil_store_bind_text_or_null (stmt, 13, features);
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
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_FIND_IMPLICIT, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int64 (stmt, 2, observed_at);
  rc = sqlite3_step (stmt);
  *out_found = rc == SQLITE_ROW;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
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
                                 gboolean             *out_inserted,
                                 GError              **error)
{
  const char *renewal = NULL;
  char renewal_buffer[16];
  sqlite3_stmt *stmt;

  if (snapshot->renewal_day != VIGIL_UNKNOWN_DAY)
    renewal = _vigil_store_format_day (snapshot->renewal_day, renewal_buffer);
  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_OBSERVATION, error)))
    return FALSE;
  bind_observed (stmt, record_id, snapshot, renewal, features);
  if (!_vigil_store_step_done (self, stmt, _("Storing a snapshot"), error))
    return FALSE;
  *out_inserted = sqlite3_changes (self->db) > 0;
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
  sqlite3_stmt *stmt;

  *out_added = FALSE;
  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_RECORD_KEY, error)))
    return FALSE;
  for (guint i = 0; i < keys->len; i++)
    {
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (keys, i), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, record_id);
      if (!_vigil_store_step_done (self, stmt, _("Storing a record's keys"), error))
        return FALSE;
      if (sqlite3_changes (self->db) > 0)
        *out_added = TRUE;
    }
  return TRUE;
}

/**
 * vigil_store_insert_snapshot:
 * @features: (nullable): the features as vigil_store_encode_features()
 *   gave them, %NULL when unknown
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
  const char *renewal = NULL;
  char renewal_buffer[16];
  sqlite3_stmt *stmt;
  gboolean inserted;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);
  g_return_val_if_fail (snapshot->observed_at != VIGIL_UNKNOWN, FALSE);
  g_return_val_if_fail (score != NULL, FALSE);

  if (snapshot->renewal_day != VIGIL_UNKNOWN_DAY)
    renewal = _vigil_store_format_day (snapshot->renewal_day, renewal_buffer);

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_SNAPSHOT, error)))
    return FALSE;
  bind_observed (stmt, customer_id, snapshot, renewal, features);
  if (!_vigil_store_step_done (self, stmt, _("Storing a snapshot"), error))
    return FALSE;

  inserted = sqlite3_changes (self->db) > 0;
  if (out_inserted != NULL)
    *out_inserted = inserted;
  if (!inserted)
    return TRUE;

  if (!(stmt = _vigil_store_get_stmt (self, STMT_INSERT_SCORE, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int64 (stmt, 2, snapshot->observed_at);
  bind_score (stmt, 3, score);
  return _vigil_store_step_done (self, stmt, _("Storing a snapshot"), error);
}
