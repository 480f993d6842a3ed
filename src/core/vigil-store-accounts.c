/* vigil-store-accounts.c: accounts made of records, joined by their keys, and their merged state
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

/* design 2.6. An account's snapshots are its merged state at every time
 * any of its records was observed. They hold its main record's
 * observations too, without a copy: at a snapshot where the main record
 * was observed, every field no other record gave is the main record's.
 * The other records' raw observations are kept in observations. So an
 * account of one record stores its history exactly as before accounts
 * existed, and an account of several stores each observation once. When
 * accounts merge, the one with the longer history keeps its main record
 * and its snapshots; the other's main record's observations are copied
 * out of its snapshots into observations. _vigil_store_recompute_account()
 * rebuilds the merged state from the time it changed. */

/* The observed columns, in the order of the observations and snapshots
 * tables (after the key and observed_at). */
#define OBSERVED_COLUMNS \
  "last_active, mrr, seats, seats_used, api_calls_7d, features_used, open_tickets, nps, " \
  "renewal_date, plan, features"
#define OBSERVED_COLUMNS_OF(t) \
  t ".last_active, " t ".mrr, " t ".seats, " t ".seats_used, " t ".api_calls_7d, " \
  t ".features_used, " t ".open_tickets, " t ".nps, " t ".renewal_date, " t ".plan, " t ".features"
#define N_OBSERVED 11

enum
{
  COL_LAST_ACTIVE,
  COL_MRR,
  COL_SEATS,
  COL_SEATS_USED,
  COL_API_CALLS,
  COL_FEATURES_USED,
  COL_OPEN_TICKETS,
  COL_NPS,
  COL_RENEWAL,
  COL_PLAN,
  COL_FEATURES,
};

/* Fields that belong together are taken together from one observation:
 * features with their count, seats with the seats used. The name is
 * the one origins uses. */
typedef struct
{
  const char *name;
  int         columns[2];   /* -1: none */
} FieldGroup;

static const FieldGroup field_groups[] = {
  { "last_active", { COL_LAST_ACTIVE, -1 } },
  { "mrr", { COL_MRR, -1 } },
  { "seats", { COL_SEATS, COL_SEATS_USED } },
  { "api_calls_7d", { COL_API_CALLS, -1 } },
  { "features", { COL_FEATURES, COL_FEATURES_USED } },
  { "open_tickets", { COL_OPEN_TICKETS, -1 } },
  { "nps", { COL_NPS, -1 } },
  { "renewal_date", { COL_RENEWAL, -1 } },
  { "plan", { COL_PLAN, -1 } },
};

G_STATIC_ASSERT (G_N_ELEMENTS (field_groups) == N_FIELD_GROUPS);

/* The field group each measure's input is computed from (design 3.1):
 * the record that gave that group gave the input. */
static const guint measure_field_groups[] = {
  [VIGIL_MEASURE_ACTIVITY] = 0,   /* last_active */
  [VIGIL_MEASURE_VOLUME] = 3,     /* api_calls_7d */
  [VIGIL_MEASURE_BREADTH] = 4,    /* features */
  [VIGIL_MEASURE_SEATS] = 2,      /* seats */
  [VIGIL_MEASURE_TICKETS] = 5,    /* open_tickets */
  [VIGIL_MEASURE_NPS] = 6,        /* nps */
  /* the CSM's pulse: no field, no record gives it */
  [VIGIL_MEASURE_SENTIMENT] = N_FIELD_GROUPS,
};

G_STATIC_ASSERT (G_N_ELEMENTS (measure_field_groups) == VIGIL_N_MEASURES);

const char *
_vigil_store_field_group_name (guint group)
{
  g_return_val_if_fail (group < N_FIELD_GROUPS, NULL);
  return field_groups[group].name;
}

/* Returns: N_FIELD_GROUPS for a measure no record's field gives */
guint
_vigil_store_measure_field_group (VigilMeasure measure)
{
  g_return_val_if_fail ((guint) measure < VIGIL_N_MEASURES, 0);
  return measure_field_groups[measure];
}

/**
 * _vigil_store_parse_origins:
 * @origins: (nullable): a snapshot's origins column, `field=RECORD_ID;…`
 *   and `absent` when the main record was not observed at its time
 * @out_records: (array fixed-size=N_FIELD_GROUPS): for each field
 *   group, the record that gave it, 0 for the account's main record (the
 *   display record for an account merged before main records existed)
 *
 * Reads what write_merged_snapshot() wrote. Written by Vigil but read
 * as any input is (design 2.3): a part that does not parse, or names no
 * field group, says nothing, and that field counts as the main
 * record's.
 */
void
_vigil_store_parse_origins (const char *origins,
                            gint64      out_records[N_FIELD_GROUPS])
{
  g_auto(GStrv) parts = NULL;

  for (guint g = 0; g < N_FIELD_GROUPS; g++)
    out_records[g] = 0;
  if (origins == NULL || *origins == '\0')
    return;

  parts = g_strsplit (origins, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *equals = strchr (parts[i], '=');
      guint64 record_id = 0;

      if (equals == NULL ||
          !g_ascii_string_to_unsigned (equals + 1, 10, 1, G_MAXINT64, &record_id, NULL))
        continue;
      for (guint g = 0; g < N_FIELD_GROUPS; g++)
        if (strlen (field_groups[g].name) == (gsize) (equals - parts[i]) &&
            strncmp (field_groups[g].name, parts[i], (gsize) (equals - parts[i])) == 0)
          out_records[g] = (gint64) record_id;
    }
}

/* Whether a snapshot's @origins say the account's main record was not
 * observed at its time: then none of its fields are the main record's
 * observation of that time. */
gboolean
_vigil_store_origins_main_absent (const char *origins)
{
  g_auto(GStrv) parts = NULL;

  if (origins == NULL)
    return FALSE;
  parts = g_strsplit (origins, ";", -1);
  return g_strv_contains ((const char * const *) parts, "absent");
}

/**
 * _vigil_store_snapshot_knows_group:
 *
 * Whether @snapshot knows field group @group (either of its fields).
 */
gboolean
_vigil_store_snapshot_knows_group (const VigilSnapshot *snapshot,
                                   guint                group)
{
  switch (field_groups[group].columns[0])
    {
    case COL_LAST_ACTIVE: return snapshot->last_active != VIGIL_UNKNOWN;
    case COL_MRR: return !isnan (snapshot->mrr);
    case COL_SEATS: return snapshot->seats != VIGIL_UNKNOWN || snapshot->seats_used != VIGIL_UNKNOWN;
    case COL_API_CALLS: return snapshot->api_calls_7d != VIGIL_UNKNOWN;
    case COL_FEATURES: return snapshot->features != NULL || snapshot->features_used != VIGIL_UNKNOWN;
    case COL_OPEN_TICKETS: return snapshot->open_tickets != VIGIL_UNKNOWN;
    case COL_NPS: return snapshot->nps != VIGIL_UNKNOWN;
    case COL_RENEWAL: return snapshot->renewal_day != VIGIL_UNKNOWN_DAY;
    case COL_PLAN: return snapshot->plan != NULL;
    default: g_return_val_if_reached (FALSE);
    }
}

/**
 * _vigil_store_snapshot_forget_group:
 *
 * Makes field group @group of @snapshot unknown (both of its fields):
 * what another record gave is not the main record's observation.
 */
void
_vigil_store_snapshot_forget_group (VigilSnapshot *snapshot,
                                    guint          group)
{
  switch (field_groups[group].columns[0])
    {
    case COL_LAST_ACTIVE: snapshot->last_active = VIGIL_UNKNOWN; break;
    case COL_MRR: snapshot->mrr = NAN; break;
    case COL_SEATS: snapshot->seats = snapshot->seats_used = VIGIL_UNKNOWN; break;
    case COL_API_CALLS: snapshot->api_calls_7d = VIGIL_UNKNOWN; break;
    case COL_FEATURES:
      g_clear_pointer (&snapshot->features, g_array_unref);
      snapshot->features_used = VIGIL_UNKNOWN;
      break;
    case COL_OPEN_TICKETS: snapshot->open_tickets = VIGIL_UNKNOWN; break;
    case COL_NPS: snapshot->nps = VIGIL_UNKNOWN; break;
    case COL_RENEWAL: snapshot->renewal_day = VIGIL_UNKNOWN_DAY; break;
    case COL_PLAN: g_clear_pointer (&snapshot->plan, g_free); break;
    default: g_return_if_reached ();
    }
}

/* One raw observation of one record, read back. */
typedef struct
{
  gint64         record_id;
  gint64         observed_at;
  gboolean       implicit;             /* the main record's, read from snapshots */
  VigilSqlValue *values[N_OBSERVED];   /* copies; NULL or SQL NULL: unknown */
} Observation;

static void
observation_clear (gpointer data)
{
  Observation *observation = data;

  for (int i = 0; i < N_OBSERVED; i++)
    g_clear_pointer (&observation->values[i], vigil_sql_value_free);
}

static gboolean
value_known (VigilSqlValue *value)
{
  return !vigil_sql_value_is_null (value);
}

/* The type of each observed column (OBSERVED_COLUMNS), which a NULL
 * bound into it has: PostgreSQL refuses a text NULL in a bigint column. */
static const VigilSqlType observed_types[N_OBSERVED] = {
  [COL_LAST_ACTIVE] = VIGIL_SQL_INT,
  [COL_MRR] = VIGIL_SQL_DOUBLE,
  [COL_SEATS] = VIGIL_SQL_INT,
  [COL_SEATS_USED] = VIGIL_SQL_INT,
  [COL_API_CALLS] = VIGIL_SQL_INT,
  [COL_FEATURES_USED] = VIGIL_SQL_INT,
  [COL_OPEN_TICKETS] = VIGIL_SQL_INT,
  [COL_NPS] = VIGIL_SQL_INT,
  [COL_RENEWAL] = VIGIL_SQL_TEXT,
  [COL_PLAN] = VIGIL_SQL_TEXT,
  [COL_FEATURES] = VIGIL_SQL_TEXT,
};

/* An unknown value (no copy, or a copy of a NULL) binds a NULL of
 * @type, the type of the column it goes into. */
static void
bind_value_or_null (VigilSqlStmt  *stmt,
                    int            parameter,
                    VigilSqlValue *value,
                    VigilSqlType   type)
{
  if (vigil_sql_value_is_null (value))
    vigil_sql_bind_null (stmt, parameter, type);
  else
    vigil_sql_bind_value (stmt, parameter, value);
}

static gboolean
observation_knows (const Observation *observation,
                   const FieldGroup  *group)
{
  for (int i = 0; i < 2; i++)
    if (group->columns[i] >= 0 && value_known (observation->values[group->columns[i]]))
      return TRUE;
  return FALSE;
}

/* Observations sort by time; at one time by record, and the copy of a
 * main record's observation in snapshots before one waiting in
 * observations: an observation stored already stays. */
static int
compare_observations (gconstpointer a,
                      gconstpointer b)
{
  const Observation *oa = a;
  const Observation *ob = b;

  if (oa->observed_at != ob->observed_at)
    return oa->observed_at < ob->observed_at ? -1 : 1;
  if (oa->record_id != ob->record_id)
    return oa->record_id < ob->record_id ? -1 : 1;
  return (ob->implicit != 0) - (oa->implicit != 0);
}

static GArray *
observation_array_new (void)
{
  GArray *observations = g_array_new (FALSE, TRUE, sizeof (Observation));

  g_array_set_clear_func (observations, observation_clear);
  return observations;
}

static gboolean
run_with_id (VigilStore  *self,
             const char  *sql,
             gint64       first,
             gint64       second,
             GError     **error)
{
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_cached (self, sql, _("Joining accounts"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, first);
  if (vigil_sql_bind_parameter_count (stmt) >= 2)
    vigil_sql_bind_int64 (stmt, 2, second);
  return _vigil_store_step_done (self, stmt, _("Joining accounts"), error);
}

static gboolean
query_int_with_id (VigilStore  *self,
                   const char  *sql,
                   gint64       id,
                   gint64      *out,
                   GError     **error)
{
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_cached (self, sql, _("Joining accounts"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, id);
  rc = vigil_sql_step (stmt);
  *out = rc == VIGIL_SQL_ROW ? vigil_sql_column_int64 (stmt, 0) : 0;
  if (rc == VIGIL_SQL_ROW)
    rc = VIGIL_SQL_DONE;
  return _vigil_store_finish_cached_rows (self, stmt, rc, _("Joining accounts"), error);
}

/* Timeline events of accounts (design 3.4) ----------------------------------- */

/* The detail of a `source-added` event (design 3.4): the source's name
 * and the record it brought as SOURCE:ID. */
static char *
source_added_detail (const char *source,
                     const char *external_id)
{
  g_autofree char *record = source != NULL && external_id != NULL
                              ? g_strconcat (source, ":", external_id, NULL) : NULL;

  return _vigil_store_event_detail ("source", source, "record", record, NULL);
}

/* Adds a `source-added` event for each row of @stmt, stepped from its
 * first: the account, a source's name and the external id of the record
 * it brought. Read first, then written, in the order of the rows. */
static gboolean
add_source_added_events (VigilStore    *self,
                         VigilSqlStmt  *stmt,
                         GError       **error)
{
  g_autoptr(GArray) accounts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) details = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int rc;

  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 account = vigil_sql_column_int64 (stmt, 0);

      g_array_append_val (accounts, account);
      g_ptr_array_add (details, source_added_detail (vigil_sql_column_text (stmt, 1),
                                                     vigil_sql_column_text (stmt, 2)));
    }
  if (!_vigil_store_finish_cached_rows (self, stmt, rc, _("Joining accounts"), error))
    return FALSE;
  for (guint i = 0; i < details->len; i++)
    if (!_vigil_store_add_event (self, g_array_index (accounts, gint64, i), now, "source-added",
                                 details->pdata[i], NULL, error))
      return FALSE;
  return TRUE;
}

/**
 * _vigil_store_note_source_added:
 * @record_id: a record just attached to an account Vigil knew
 *
 * design 3.4: a record of a source its account had no record of yet
 * puts `source-added` on the account's timeline; a record of a source
 * the account already has adds nothing. One event per record first
 * attached, never one per row.
 */
gboolean
_vigil_store_note_source_added (VigilStore  *self,
                                gint64       record_id,
                                GError     **error)
{
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_cached (self,
                                    "SELECT r.customer_id, s.name, r.external_id "
                                    "FROM records r JOIN sources s ON s.id = r.source_id WHERE r.id = ?1 "
                                    "AND NOT EXISTS (SELECT 1 FROM records o WHERE o.customer_id = r.customer_id "
                                    " AND o.source_id = r.source_id AND o.id <> r.id)",
                                    _("Joining accounts"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, record_id);
  return add_source_added_events (self, stmt, error);
}

/* design 3.4: before accounts join by key, the sources that the newer
 * of the two (the one Vigil made last) brings and the older one lacks
 * go on the survivor's timeline as `source-added`, each with its first
 * record: the customer Vigil knew first gained them. */
static gboolean
note_sources_joining (VigilStore  *self,
                      gint64       survivor,
                      gint64       absorbed,
                      GError     **error)
{
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_cached (self,
                                    "SELECT CAST (?3 AS BIGINT), s.name, (SELECT x.external_id FROM records x "
                                    "  WHERE x.customer_id = ?1 AND x.source_id = s.id ORDER BY x.id LIMIT 1) "
                                    "FROM sources s WHERE s.id IN (SELECT source_id FROM records WHERE customer_id = ?1) "
                                    "AND s.id NOT IN (SELECT source_id FROM records WHERE customer_id = ?2) "
                                    "ORDER BY s.id",
                                    _("Joining accounts"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, MAX (survivor, absorbed));
  vigil_sql_bind_int64 (stmt, 2, MIN (survivor, absorbed));
  vigil_sql_bind_int64 (stmt, 3, survivor);
  return add_source_added_events (self, stmt, error);
}

/* design 3.4: a person linked or unlinked a record; @with_source and
 * @with_id name the record it was linked with (NULL for an unlink). */
static gboolean
note_record_event (VigilStore  *self,
                   gint64       account,
                   const char  *kind,
                   const char  *source,
                   const char  *external_id,
                   const char  *with_source,
                   const char  *with_id,
                   GError     **error)
{
  g_autofree char *author = NULL;
  g_autofree char *record = g_strdup_printf ("%s:%s", source, external_id);
  g_autofree char *with = with_source != NULL ? g_strdup_printf ("%s:%s", with_source, with_id) : NULL;
  g_autofree char *detail = with != NULL ? _vigil_store_event_detail ("record", record, "with", with, NULL)
                                         : _vigil_store_event_detail ("record", record, NULL);

  if (!(author = vigil_store_dup_author (self, error)))
    return FALSE;
  return _vigil_store_add_event (self, account, g_get_real_time () / G_USEC_PER_SEC, kind, detail,
                                 author, error);
}

gboolean
_vigil_store_count_records (VigilStore  *self,
                            gint64       customer_id,
                            gint64      *out_count,
                            GError     **error)
{
  return query_int_with_id (self, "SELECT count(*) FROM records WHERE customer_id = ?1",
                            customer_id, out_count, error);
}

/**
 * _vigil_store_find_key_accounts:
 *
 * Returns: (transfer full) (element-type gint64): the accounts of the
 *   attached records that hold @key, or %NULL with @error set
 */
GArray *
_vigil_store_find_key_accounts (VigilStore  *self,
                                const char  *key,
                                GError     **error)
{
  static const char sql[] =
    "SELECT DISTINCT r.customer_id FROM record_keys k JOIN records r ON r.id = k.record_id "
    "WHERE k.key = ?1 AND r.detached = 0";
  g_autoptr(GArray) accounts = g_array_new (FALSE, FALSE, sizeof (gint64));
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_cached (self, sql, _("Joining accounts"), error)))
    return NULL;
  vigil_sql_bind_text (stmt, 1, key, -1);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 account = vigil_sql_column_int64 (stmt, 0);

      g_array_append_val (accounts, account);
    }
  if (!_vigil_store_finish_cached_rows (self, stmt, rc, _("Joining accounts"), error))
    return NULL;
  return g_steal_pointer (&accounts);
}

/* How long an account's history is: its snapshots. */
gboolean
_vigil_store_count_snapshots (VigilStore  *self,
                              gint64       customer_id,
                              gint64      *out_count,
                              GError     **error)
{
  return query_int_with_id (self, "SELECT count(*) FROM snapshots WHERE customer_id = ?1",
                            customer_id, out_count, error);
}

gboolean
_vigil_store_account_exists (VigilStore  *self,
                             gint64       customer_id,
                             gint64      *out_exists,
                             GError     **error)
{
  return query_int_with_id (self, "SELECT count(*) FROM customers WHERE id = ?1",
                            customer_id, out_exists, error);
}

/* The account's main record, 0 when it has none among its records. */
static gboolean
lookup_main_record (VigilStore  *self,
                    gint64       customer_id,
                    gint64      *out_record,
                    GError     **error)
{
  return query_int_with_id (self,
                            "SELECT r.id FROM customers c JOIN records r ON r.id = c.main_record "
                            "AND r.customer_id = c.id WHERE c.id = ?1",
                            customer_id, out_record, error);
}

/* design 2.6: the observations of @main_record that the snapshots of
 * @customer_id hold, from @since on, and the latest before it as a seed:
 * at each snapshot where the main record was observed, the fields no
 * other record gave. Appended to @observations. */
static gboolean
read_implicit_observations (VigilStore  *self,
                            gint64       customer_id,
                            gint64       main_record,
                            gint64       since,
                            GArray      *observations,
                            GError     **error)
{
#define SQL(E) \
    "SELECT observed_at, " OBSERVED_COLUMNS ", origins FROM snapshots " \
    "WHERE customer_id = ?1 AND observed_at >= ?2 " \
    "UNION ALL SELECT * FROM (SELECT observed_at, " OBSERVED_COLUMNS ", origins FROM snapshots " \
    " WHERE customer_id = ?1 AND observed_at < ?2 " \
    " AND (origins IS NULL OR " SQL_POSITION_##E ("';' || origins || ';'", "';absent;'") " = 0) " \
    " ORDER BY observed_at DESC LIMIT 1) AS latest_before"
  static const char * const sql[] = ENGINE_SQL (SQL);
#undef SQL
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_cached (self, ENGINE_TEXT (self, sql), _("Joining accounts"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  vigil_sql_bind_int64 (stmt, 2, since);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      const char *origins = vigil_sql_column_text (stmt, 1 + N_OBSERVED);
      gint64 origin_records[N_FIELD_GROUPS];
      Observation observation = { main_record, vigil_sql_column_int64 (stmt, 0), TRUE, { NULL, } };

      if (_vigil_store_origins_main_absent (origins))
        continue;
      _vigil_store_parse_origins (origins, origin_records);
      for (guint g = 0; g < N_FIELD_GROUPS; g++)
        for (int i = 0; i < 2; i++)
          {
            int column = field_groups[g].columns[i];

            if (column >= 0 && origin_records[g] == 0)
              observation.values[column] = vigil_sql_column_value_dup (stmt, 1 + column);
          }
      g_array_append_val (observations, observation);
    }
  return _vigil_store_finish_cached_rows (self, stmt, rc, _("Joining accounts"), error);
}

/* design 2.6: before an account's main record leaves it, or the account
 * joins another, the main record's observations are copied from the
 * snapshots into observations, where its other records' are, and the
 * account has no main record until it is rebuilt. An observation of the
 * main record waiting in observations gives way to the stored one. */
static gboolean
demote_main_record (VigilStore  *self,
                    gint64       customer_id,
                    GError     **error)
{
  static const char sql[] =
    "INSERT INTO observations (record_id, observed_at, " OBSERVED_COLUMNS ") "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
    "ON CONFLICT (record_id, observed_at) DO UPDATE SET last_active = excluded.last_active, "
    "mrr = excluded.mrr, seats = excluded.seats, seats_used = excluded.seats_used, "
    "api_calls_7d = excluded.api_calls_7d, features_used = excluded.features_used, "
    "open_tickets = excluded.open_tickets, nps = excluded.nps, renewal_date = excluded.renewal_date, "
    "plan = excluded.plan, features = excluded.features";
  g_autoptr(GArray) observations = observation_array_new ();
  VigilSqlStmt *insert = NULL;
  gint64 main_record = 0;
  gboolean ok = TRUE;

  if (!lookup_main_record (self, customer_id, &main_record, error))
    return FALSE;
  if (main_record != 0)
    {
      if (!read_implicit_observations (self, customer_id, main_record, G_MININT64,
                                       observations, error) ||
          !(insert = _vigil_store_cached (self, sql, _("Joining accounts"), error)))
        return FALSE;
      for (guint i = 0; ok && i < observations->len; i++)
        {
          const Observation *observation = &g_array_index (observations, Observation, i);

          vigil_sql_bind_int64 (insert, 1, observation->record_id);
          vigil_sql_bind_int64 (insert, 2, observation->observed_at);
          for (int c = 0; c < N_OBSERVED; c++)
            bind_value_or_null (insert, 3 + c, observation->values[c], observed_types[c]);
          ok = _vigil_store_step_done (self, insert, _("Joining accounts"), error);
        }
      vigil_sql_reset (insert);
    }
  return ok && run_with_id (self, "UPDATE customers SET main_record = NULL WHERE id = ?1",
                            customer_id, 0, error);
}

/* Open triggers of a rule both accounts have fold into the surviving
 * account's (the earliest first_seen, the latest last_seen; its state
 * stays); every other trigger moves with its history and state. */
static gboolean
move_triggers (VigilStore  *self,
               gint64       survivor,
               gint64       absorbed,
               GError     **error)
{
  return run_with_id (self,
                      "UPDATE triggers AS s SET first_seen = CASE WHEN a.first_seen < s.first_seen "
                      " THEN a.first_seen ELSE s.first_seen END, "
                      " last_seen = CASE WHEN a.last_seen > s.last_seen "
                      " THEN a.last_seen ELSE s.last_seen END FROM triggers a "
                      "WHERE s.customer_id = ?1 AND s.cleared_at IS NULL AND a.customer_id = ?2 "
                      " AND a.cleared_at IS NULL AND a.rule = s.rule",
                      survivor, absorbed, error) &&
         run_with_id (self,
                      "DELETE FROM triggers WHERE customer_id = ?2 AND cleared_at IS NULL AND rule IN "
                      "(SELECT rule FROM triggers WHERE customer_id = ?1 AND cleared_at IS NULL)",
                      survivor, absorbed, error) &&
         run_with_id (self, "UPDATE triggers SET customer_id = ?1 WHERE customer_id = ?2",
                      survivor, absorbed, error);
}

/* The time of the oldest observation of any record of @customer_id,
 * G_MAXINT64 when it has none: its records change another account's
 * merged state from then on. */
static gboolean
oldest_observation (VigilStore  *self,
                    gint64       customer_id,
                    gint64      *out_time,
                    GError     **error)
{
  return query_int_with_id (self,
                            "SELECT coalesce (min (t), 9223372036854775807) FROM ("
                            " SELECT min (observed_at) AS t FROM snapshots WHERE customer_id = ?1 "
                            " UNION ALL SELECT min (o.observed_at) FROM observations o "
                            " JOIN records r ON r.id = o.record_id WHERE r.customer_id = ?1) "
                            "AS oldest",
                            customer_id, out_time, error);
}

/**
 * _vigil_store_adopt_record:
 * @out_since: (out): the time from which the account's merged state
 *   is to be rebuilt once the record's rows are in
 *
 * design 2.6: adds the record @external_id of @source_id to account
 * @customer_id as its main record, for a record that brings a longer
 * history than the account has (a product's year joining a CRM's one
 * row). The account's main record's observations move to observations
 * and its snapshots and scores go: the record's rows are written as
 * the account's snapshots, and the merged state is rebuilt from
 * @out_since on, where the other records' observations begin.
 */
gboolean
_vigil_store_adopt_record (VigilStore      *self,
                           gint64           source_id,
                           const char      *external_id,
                           gint64           customer_id,
                           VigilRecordRef  *out,
                           gint64          *out_since,
                           GError         **error)
{
  VigilSqlStmt *stmt;

  if (!oldest_observation (self, customer_id, out_since, error) ||
      !demote_main_record (self, customer_id, error) ||
      !run_with_id (self, "DELETE FROM snapshots WHERE customer_id = ?1", customer_id, 0, error) ||
      !run_with_id (self, "DELETE FROM scores WHERE customer_id = ?1", customer_id, 0, error) ||
      !(stmt = _vigil_store_get_stmt (self, STMT_INSERT_RECORD, error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, source_id);
  vigil_sql_bind_text (stmt, 2, external_id, -1);
  vigil_sql_bind_int64 (stmt, 3, customer_id);
  if (!_vigil_store_step_insert (self, stmt, _("Adding a customer"), &out->record_id, error))
    return FALSE;
  out->customer_id = customer_id;
  /* its rows go straight to the snapshots, as an only record's do,
   * into an account that has none now */
  out->shared = FALSE;
  out->main = TRUE;
  out->newest = G_MININT64;
  return run_with_id (self, "UPDATE customers SET main_record = ?2 WHERE id = ?1",
                      customer_id, out->record_id, error) &&
         _vigil_store_note_source_added (self, out->record_id, error);
}

/* What the CSM wrote and what happened to the absorbed account (touches,
 * pulses, events) is the merged customer's story too (design 3.4). */
static gboolean
move_timeline (VigilStore  *self,
               gint64       survivor,
               gint64       absorbed,
               GError     **error)
{
  return run_with_id (self, "UPDATE touches SET customer_id = ?1 WHERE customer_id = ?2",
                      survivor, absorbed, error) &&
         run_with_id (self, "UPDATE pulses SET customer_id = ?1 WHERE customer_id = ?2",
                      survivor, absorbed, error) &&
         run_with_id (self, "UPDATE events SET customer_id = ?1 WHERE customer_id = ?2",
                      survivor, absorbed, error);
}

/**
 * _vigil_store_merge_accounts:
 * @out_since: (out): the time from which the merged state of @survivor
 *   changes
 *
 * Moves the records, outcomes, triggers, touches, pulses and events of
 * account @absorbed into
 * @survivor and deletes @absorbed. The merged state of @survivor is not
 * rebuilt here: call _vigil_store_recompute_account() once every merge
 * of the moment is done. The survivor keeps its main record, so its
 * history stays where it is (design 2.6).
 */
gboolean
_vigil_store_merge_accounts (VigilStore  *self,
                             gint64       survivor,
                             gint64       absorbed,
                             gint64      *out_since,
                             GError     **error)
{
  g_return_val_if_fail (survivor != absorbed, FALSE);

  gint64 oldest_pulse = G_MAXINT64;

  /* design 3.1: the absorbed account's pulses score the survivor's
   * snapshots from their time on, which may be older than its records. */
  if (!oldest_observation (self, absorbed, out_since, error) ||
      !query_int_with_id (self, "SELECT coalesce (min (at), 9223372036854775807) FROM pulses "
                          "WHERE customer_id = ?1", absorbed, &oldest_pulse, error))
    return FALSE;
  *out_since = MIN (*out_since, oldest_pulse);

  return demote_main_record (self, absorbed, error) &&
         run_with_id (self, "UPDATE records SET customer_id = ?1 WHERE customer_id = ?2",
                      survivor, absorbed, error) &&
         /* on a clash of day, the surviving account's outcome stays */
         run_with_id (self,
                      "INSERT INTO outcomes (customer_id, day, outcome, recorded_at) "
                      "SELECT ?1, day, outcome, recorded_at FROM outcomes WHERE customer_id = ?2 "
                      "ORDER BY day ON CONFLICT (customer_id, day) DO NOTHING",
                      survivor, absorbed, error) &&
         move_triggers (self, survivor, absorbed, error) &&
         move_timeline (self, survivor, absorbed, error) &&
         run_with_id (self, "DELETE FROM customers WHERE id = ?1", absorbed, 0, error);
}

/* The account's name, plan, owner and segment by the merged-state rule
 * applied to its records' latest attributes (each from the record whose
 * attributes are newest among those that know it; ties: the smaller
 * id), its latest time and its display record. Worked out here from
 * one read of its records rather than by a subquery per column: this
 * runs once per account an import joins. */
static gboolean
update_account_row (VigilStore  *self,
                    gint64       customer_id,
                    GError     **error)
{
  static const char read_sql[] =
    "SELECT source_id, external_id, latest_at, name, plan, owner, segment FROM records "
    "WHERE customer_id = ?1 ORDER BY id";
  static const char write_sql[] =
    "UPDATE customers SET source_id = ?2, external_id = ?3, latest_at = ?4, name = ?5, plan = ?6, "
    "owner = ?7, segment = ?8 WHERE id = ?1";
  enum { N_ATTRIBUTES = 4 };
  VigilSqlStmt *read, *write;
  VigilSqlValue *attributes[N_ATTRIBUTES] = { NULL, };
  VigilSqlValue *display[2] = { NULL, };
  gint64 attribute_times[N_ATTRIBUTES];
  gint64 latest_at = G_MININT64;
  gboolean any_latest = FALSE;
  gboolean ok;
  int rc;

  if (!(read = _vigil_store_cached (self, read_sql, _("Joining accounts"), error)))
    return FALSE;
  vigil_sql_bind_int64 (read, 1, customer_id);
  while ((rc = vigil_sql_step (read)) == VIGIL_SQL_ROW)
    {
      gboolean timed = !vigil_sql_column_is_null (read, 2);
      gint64 time = timed ? vigil_sql_column_int64 (read, 2) : G_MININT64;

      if (display[0] == NULL)
        for (int c = 0; c < 2; c++)
          display[c] = vigil_sql_column_value_dup (read, c);
      if (timed && (!any_latest || time > latest_at))
        latest_at = time;
      any_latest = any_latest || timed;
      /* records come in id order: a tie keeps the smaller id */
      for (int a = 0; a < N_ATTRIBUTES; a++)
        if (!vigil_sql_column_is_null (read, 3 + a) &&
            (attributes[a] == NULL || time > attribute_times[a]))
          {
            g_clear_pointer (&attributes[a], vigil_sql_value_free);
            attributes[a] = vigil_sql_column_value_dup (read, 3 + a);
            attribute_times[a] = time;
          }
    }
  /* an account without records has no row to update: it is deleted */
  ok = _vigil_store_finish_cached_rows (self, read, rc, _("Joining accounts"), error);
  if (ok && display[0] != NULL)
    {
      if (!(write = _vigil_store_cached (self, write_sql, _("Joining accounts"), error)))
        ok = FALSE;
    }
  if (ok && display[0] != NULL)
    {
      vigil_sql_bind_int64 (write, 1, customer_id);
      vigil_sql_bind_value (write, 2, display[0]);
      vigil_sql_bind_value (write, 3, display[1]);
      if (any_latest)
        vigil_sql_bind_int64 (write, 4, latest_at);
      else
        vigil_sql_bind_null (write, 4, VIGIL_SQL_INT);
      for (int a = 0; a < N_ATTRIBUTES; a++)
        bind_value_or_null (write, 5 + a, attributes[a], VIGIL_SQL_TEXT);   /* name, plan, owner, segment */
      ok = _vigil_store_step_done (self, write, _("Joining accounts"), error);
    }
  for (int a = 0; a < N_ATTRIBUTES; a++)
    g_clear_pointer (&attributes[a], vigil_sql_value_free);
  for (int c = 0; c < 2; c++)
    g_clear_pointer (&display[c], vigil_sql_value_free);
  return ok;
}

/**
 * _vigil_store_score_snapshots:
 * @since: the oldest observation time to score again
 * @out_rescored: (out) (optional): how many snapshots were scored
 *
 * Scores the snapshots of @customer_id observed at or after @since with
 * @scorecard, each with the customer's pulse in force at its time when
 * the scorecard weighs sentiment (design 3.1): the pulses are read once
 * and walked in time order beside the snapshots.
 */
gboolean
_vigil_store_score_snapshots (VigilStore      *self,
                              gint64           customer_id,
                              gint64           since,
                              VigilScorecard  *scorecard,
                              guint64         *out_rescored,
                              GError         **error)
{
  g_autoptr(GArray) pulses = NULL;
  VigilSqlStmt *read = NULL;
  VigilSqlStmt *write = NULL;
  guint pulse_hint = 0;
  guint64 scored = 0;
  gboolean ok = TRUE;
  int rc;

  if (vigil_scorecard_get_weight (scorecard, VIGIL_MEASURE_SENTIMENT) > 0 &&
      !(pulses = _vigil_store_read_pulse_marks (self, customer_id, error)))
    return FALSE;
  if (!run_with_id (self, "DELETE FROM scores WHERE customer_id = ?1 AND observed_at >= ?2",
                    customer_id, since, error))
    return FALSE;
  if (!(read = _vigil_store_cached (self,
                                     "SELECT observed_at, last_active, api_calls_7d, features_used, seats, "
                                     "seats_used, open_tickets, nps FROM snapshots WHERE customer_id = ?1 "
                                     "AND observed_at >= ?2 ORDER BY observed_at", _("Scoring"), error)))
    return FALSE;
  if (!(write = _vigil_store_get_stmt (self, STMT_INSERT_SCORE, error)))
    {
      vigil_sql_reset (read);
      return FALSE;
    }
  vigil_sql_bind_int64 (read, 1, customer_id);
  vigil_sql_bind_int64 (read, 2, since);
  while (ok && (rc = vigil_sql_step (read)) == VIGIL_SQL_ROW)
    {
      VigilSnapshot snapshot = { 0, };
      gint64 *fields[] = {
        &snapshot.observed_at, &snapshot.last_active, &snapshot.api_calls_7d,
        &snapshot.features_used, &snapshot.seats, &snapshot.seats_used,
        &snapshot.open_tickets, &snapshot.nps,
      };
      VigilScore score;

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        *fields[i] = _vigil_store_column_int_or_unknown (read, (int) i);
      snapshot.mrr = NAN;
      snapshot.renewal_day = VIGIL_UNKNOWN_DAY;
      vigil_scorecard_compute_with_pulse (scorecard, &snapshot,
                                          vigil_pulse_marks_find (pulses, snapshot.observed_at, &pulse_hint),
                                          &score);

      vigil_sql_bind_int64 (write, 1, customer_id);
      vigil_sql_bind_int64 (write, 2, snapshot.observed_at);
      vigil_sql_bind_int64 (write, 3, score.version);
      _vigil_store_bind_double_or_null (write, 4, score.health);
      _vigil_store_bind_text_or_null (write, 5, vigil_tier_get_id (score.tier));
      ok = _vigil_store_step_done (self, write, _("Scoring"), error);
      scored++;
    }
  if (!ok)
    {
      vigil_sql_reset (read);
      return FALSE;
    }
  if (out_rescored != NULL)
    *out_rescored = scored;
  return _vigil_store_finish_cached_rows (self, read, rc, _("Scoring"), error);
}

/* The raw observations of @customer_id's records kept in observations
 * from @since on, and before them, as seeds, each record's latest
 * observation before @since: the merged state at @since depends on
 * them. Appended to @observations. */
static gboolean
read_observations (VigilStore  *self,
                   gint64       customer_id,
                   gint64       since,
                   GArray      *observations,
                   GError     **error)
{
  static const char sql[] =
    "SELECT o.record_id, o.observed_at, " OBSERVED_COLUMNS_OF ("o") " "
    "FROM observations o JOIN records r ON r.id = o.record_id "
    "WHERE r.customer_id = ?1 AND (o.observed_at >= ?2 OR o.observed_at = "
    "  (SELECT max (p.observed_at) FROM observations p "
    "   WHERE p.record_id = o.record_id AND p.observed_at < ?2))";
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_cached (self, sql, _("Joining accounts"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  vigil_sql_bind_int64 (stmt, 2, since);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      Observation observation = { vigil_sql_column_int64 (stmt, 0),
                                  vigil_sql_column_int64 (stmt, 1), FALSE, { NULL, } };

      for (int i = 0; i < N_OBSERVED; i++)
        observation.values[i] = vigil_sql_column_value_dup (stmt, 2 + i);
      g_array_append_val (observations, observation);
    }
  return _vigil_store_finish_cached_rows (self, stmt, rc, _("Joining accounts"), error);
}

/* Index of @record_id in @records (few: a linear search). */
static guint
record_index (GArray *records,
              gint64  record_id)
{
  for (guint i = 0; i < records->len; i++)
    if (g_array_index (records, gint64, i) == record_id)
      return i;
  g_array_append_val (records, record_id);
  return records->len - 1;
}

/* Whether @candidate gives a field before @chosen: observed later; at
 * the same time, the main record's first (its observation must stay
 * whole in the snapshot), then the smaller record id. */
static gboolean
observation_wins (const Observation *candidate,
                  const Observation *chosen,
                  gint64             main_record)
{
  if (chosen == NULL || candidate->observed_at != chosen->observed_at)
    return chosen == NULL || candidate->observed_at > chosen->observed_at;
  if ((candidate->record_id == main_record) != (chosen->record_id == main_record))
    return candidate->record_id == main_record;
  return candidate->record_id < chosen->record_id;
}

/* Writes one merged snapshot at @time from each record's latest
 * observation at or before it (@latest, indexed like @records). Its
 * origins name each field another record than the main one gave, and
 * say `absent` when the main record was not observed at @time. */
static gboolean
write_merged_snapshot (VigilStore          *self,
                       VigilSqlStmt        *insert,
                       gint64               customer_id,
                       gint64               time,
                       GArray              *records,
                       const Observation  **latest,
                       gint64               main_record,
                       GString             *origins,
                       GError             **error)
{
  const Observation *chosen[G_N_ELEMENTS (field_groups)];
  gboolean main_observed = FALSE;

  g_string_truncate (origins, 0);
  for (guint r = 0; r < records->len; r++)
    if (latest[r] != NULL && latest[r]->record_id == main_record && latest[r]->observed_at == time)
      main_observed = TRUE;
  if (!main_observed)
    g_string_append (origins, "absent");

  for (guint g = 0; g < G_N_ELEMENTS (field_groups); g++)
    {
      chosen[g] = NULL;
      for (guint r = 0; r < records->len; r++)
        if (latest[r] != NULL && observation_knows (latest[r], &field_groups[g]) &&
            observation_wins (latest[r], chosen[g], main_record))
          chosen[g] = latest[r];
      if (chosen[g] != NULL && chosen[g]->record_id != main_record)
        g_string_append_printf (origins, "%s%s=%" G_GINT64_FORMAT, origins->len > 0 ? ";" : "",
                                field_groups[g].name, chosen[g]->record_id);
    }

  vigil_sql_bind_int64 (insert, 1, customer_id);
  vigil_sql_bind_int64 (insert, 2, time);
  for (guint g = 0; g < G_N_ELEMENTS (field_groups); g++)
    for (int i = 0; i < 2; i++)
      {
        int column = field_groups[g].columns[i];

        if (column >= 0)
          bind_value_or_null (insert, 3 + column, chosen[g] != NULL ? chosen[g]->values[column] : NULL,
                              observed_types[column]);
      }
  if (origins->len > 0)
    vigil_sql_bind_text_copy (insert, 3 + N_OBSERVED, origins->str, (int) origins->len);
  else
    vigil_sql_bind_null (insert, 3 + N_OBSERVED, VIGIL_SQL_TEXT);
  return _vigil_store_step_done (self, insert, _("Joining accounts"), error);
}

/* An account without a main record takes the record with the most
 * observations (ties: the smaller id), or its display record when none
 * has any. @observations holds all of them. */
static gboolean
choose_main_record (VigilStore  *self,
                    gint64       customer_id,
                    GArray      *observations,
                    gint64      *out_record,
                    GError     **error)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint best = 0;

  *out_record = 0;
  for (guint i = 0; i < observations->len; i++)
    {
      Observation *observation = &g_array_index (observations, Observation, i);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, &observation->record_id)) + 1;

      g_hash_table_insert (counts, &observation->record_id, GUINT_TO_POINTER (count));
      if (count > best || (count == best && observation->record_id < *out_record))
        {
          best = count;
          *out_record = observation->record_id;
        }
    }
  if (*out_record != 0)
    return TRUE;
  return query_int_with_id (self, "SELECT min (id) FROM records WHERE customer_id = ?1",
                            customer_id, out_record, error);
}

/* design 2.6, the merged state at time t: for each field, each record's
 * latest observation at or before t, and among those that know the
 * field, the one observed last (ties: the main record, then the smaller
 * record id). One merged snapshot at every time any record was
 * observed, rebuilt from @since on: a poll that adds today's
 * observations rewrites today's snapshot, not the account's year
 * (G_MININT64 rebuilds it all). The main record's observations are
 * the snapshots' own: read from them, and those that waited in
 * observations move into them. */
static gboolean
rebuild_merged_snapshots (VigilStore      *self,
                          gint64           customer_id,
                          gint64           since,
                          VigilScorecard  *scorecard,
                          GError         **error)
{
  g_autoptr(GArray) observations = observation_array_new ();
  g_autoptr(GArray) records = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GString) origins = g_string_new (NULL);
  g_autofree const Observation **latest = NULL;
  gint64 main_record = 0;
  VigilSqlStmt *insert;
  gboolean ok = TRUE;

  if (!lookup_main_record (self, customer_id, &main_record, error))
    return FALSE;
  /* origins name records against the main one: a new one rewrites all */
  if (main_record == 0)
    since = G_MININT64;
  if (!read_observations (self, customer_id, since, observations, error) ||
      (main_record != 0 &&
       !read_implicit_observations (self, customer_id, main_record, since, observations, error)) ||
      (main_record == 0 && !choose_main_record (self, customer_id, observations, &main_record, error)) ||
      !run_with_id (self, "DELETE FROM snapshots WHERE customer_id = ?1 AND observed_at >= ?2",
                    customer_id, since, error))
    return FALSE;
  g_array_sort (observations, compare_observations);

  for (guint i = 0; i < observations->len; i++)
    record_index (records, g_array_index (observations, Observation, i).record_id);
  latest = g_new0 (const Observation *, MAX (records->len, 1));

  if (!(insert = _vigil_store_cached (self,
                                       "INSERT INTO snapshots (customer_id, observed_at, " OBSERVED_COLUMNS
                                       ", origins) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                       "?12, ?13, ?14)", _("Joining accounts"), error)))
    return FALSE;

  for (guint i = 0; ok && i < observations->len;)
    {
      gint64 time = g_array_index (observations, Observation, i).observed_at;

      for (; i < observations->len && g_array_index (observations, Observation, i).observed_at == time; i++)
        {
          const Observation *observation = &g_array_index (observations, Observation, i);
          guint r = record_index (records, observation->record_id);

          /* of two observations of a record at one time, the first stays */
          if (latest[r] == NULL || latest[r]->observed_at != time)
            latest[r] = observation;
        }
      /* a seed only says what its record knew when @since came */
      if (time >= since)
        ok = write_merged_snapshot (self, insert, customer_id, time, records, latest,
                                    main_record, origins, error);
    }
  vigil_sql_reset (insert);

  return ok &&
         run_with_id (self, "DELETE FROM observations WHERE record_id = ?1", main_record, 0, error) &&
         run_with_id (self, "UPDATE customers SET main_record = ?2 WHERE id = ?1",
                      customer_id, main_record, error) &&
         _vigil_store_score_snapshots (self, customer_id, since, scorecard, NULL, error);
}

/**
 * _vigil_store_recompute_account:
 * @since: the time from which the account's merged state changed
 *   (G_MININT64: all of it; G_MAXINT64: only its name and owner)
 * @scorecard: scores the merged snapshots
 *
 * Brings account @customer_id's merged snapshots (design 2.6) and its
 * name, owner and display record up to date. An account left without
 * records is deleted.
 */
gboolean
_vigil_store_recompute_account (VigilStore      *self,
                                gint64           customer_id,
                                gint64           since,
                                VigilScorecard  *scorecard,
                                GError         **error)
{
  gint64 n_records = 0;

  if (!_vigil_store_count_records (self, customer_id, &n_records, error))
    return FALSE;
  if (n_records == 0)
    return run_with_id (self, "DELETE FROM customers WHERE id = ?1", customer_id, 0, error);

  if (!update_account_row (self, customer_id, error))
    return FALSE;
  if (since == G_MAXINT64)
    return TRUE;
  return rebuild_merged_snapshots (self, customer_id, since, scorecard, error);
}
/* The accounts, other than @customer_id, of attached records that share
 * a key with an attached record of @customer_id. */
static GArray *
find_joining_accounts (VigilStore  *self,
                       gint64       customer_id,
                       GError     **error)
{
  g_autoptr(GArray) accounts = g_array_new (FALSE, FALSE, sizeof (gint64));
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_cached (self,
                                     "SELECT DISTINCT other.customer_id FROM records mine "
                                     "JOIN record_keys mk ON mk.record_id = mine.id "
                                     "JOIN record_keys ok ON ok.key = mk.key AND ok.record_id <> mk.record_id "
                                     "JOIN records other ON other.id = ok.record_id "
                                     "WHERE mine.customer_id = ?1 AND mine.detached = 0 "
                                     "AND other.detached = 0 AND other.customer_id <> ?1 "
                                     "ORDER BY other.customer_id",
                                     _("Joining accounts"), error)))
    return NULL;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 id = vigil_sql_column_int64 (stmt, 0);

      g_array_append_val (accounts, id);
    }
  if (!_vigil_store_finish_cached_rows (self, stmt, rc, _("Joining accounts"), error))
    return NULL;
  return g_steal_pointer (&accounts);
}

/* Of accounts about to merge (@current and @others), the one that
 * survives: the one with the longest history, so that the fewest
 * snapshots are rewritten (ties: the older account). Each is counted
 * once. */
static gboolean
choose_survivor (VigilStore  *self,
                 gint64       current,
                 GArray      *others,
                 gint64      *out_survivor,
                 GError     **error)
{
  gint64 best_length = 0;

  if (!_vigil_store_count_snapshots (self, current, &best_length, error))
    return FALSE;
  *out_survivor = current;
  for (guint i = 0; i < others->len; i++)
    {
      gint64 other = g_array_index (others, gint64, i);
      gint64 length = 0;

      if (!_vigil_store_count_snapshots (self, other, &length, error))
        return FALSE;
      if (length > best_length || (length == best_length && other < *out_survivor))
        {
          best_length = length;
          *out_survivor = other;
        }
    }
  return TRUE;
}

/**
 * _vigil_store_join_account:
 * @out_survivor: (out): the account @customer_id is part of afterwards
 * @out_since: (out): the time from which the survivor's merged state
 *   changed, G_MAXINT64 when nothing merged
 *
 * Merges into one account every account whose attached records share a
 * key with the attached records of @customer_id, transitively (design
 * 2.6); the one with the longest history survives. Recompute the
 * survivor afterwards when @out_since says merges happened.
 */
gboolean
_vigil_store_join_account (VigilStore  *self,
                           gint64       customer_id,
                           gint64      *out_survivor,
                           gint64      *out_since,
                           GError     **error)
{
  gint64 current = customer_id;

  *out_since = G_MAXINT64;
  for (;;)
    {
      g_autoptr(GArray) others = find_joining_accounts (self, current, error);
      gint64 survivor = current;
      gint64 since;

      if (others == NULL)
        return FALSE;
      if (others->len == 0)
        break;

      if (!choose_survivor (self, current, others, &survivor, error))
        return FALSE;
      if (survivor != current)
        {
          if (!note_sources_joining (self, survivor, current, error) ||
              !_vigil_store_merge_accounts (self, survivor, current, &since, error))
            return FALSE;
          *out_since = MIN (*out_since, since);
        }
      for (guint i = 0; i < others->len; i++)
        {
          gint64 other = g_array_index (others, gint64, i);

          if (other == survivor)
            continue;
          if (!note_sources_joining (self, survivor, other, error) ||
              !_vigil_store_merge_accounts (self, survivor, other, &since, error))
            return FALSE;
          *out_since = MIN (*out_since, since);
        }
      current = survivor;
    }
  *out_survivor = current;
  return TRUE;
}

/* The records that @text names, with their accounts' display records:
 * SOURCE:ID exactly when it names one; otherwise any record's id and
 * any key, within @source when given. */
static const char find_by_source_and_id_sql[] =
  "SELECT r.customer_id, ds.name, c.external_id FROM records r "
  "JOIN sources s ON s.id = r.source_id JOIN customers c ON c.id = r.customer_id "
  "JOIN sources ds ON ds.id = c.source_id WHERE s.name = ?1 AND r.external_id = ?2";
static const char find_by_id_or_key_sql[] =
  "SELECT DISTINCT r.customer_id, ds.name, c.external_id FROM records r "
  "JOIN sources s ON s.id = r.source_id JOIN customers c ON c.id = r.customer_id "
  "JOIN sources ds ON ds.id = c.source_id "
  "WHERE (r.external_id = ?1 OR r.id IN (SELECT record_id FROM record_keys WHERE key = ?1)) "
  "AND (?2 IS NULL OR s.name = ?2) ORDER BY r.customer_id";

/* Runs a finding query; @out_names gathers "SOURCE:ID" of each account. */
static gboolean
collect_accounts (VigilStore  *self,
                  const char  *sql,
                  const char  *first,
                  const char  *second,
                  GArray      *out_ids,
                  GPtrArray   *out_names,
                  GError     **error)
{
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_prepare (self, sql, _("Finding a customer"), error)))
    return FALSE;
  vigil_sql_bind_text (stmt, 1, first, -1);
  _vigil_store_bind_text_or_null (stmt, 2, second);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 id = vigil_sql_column_int64 (stmt, 0);

      if (out_ids->len > 0 && g_array_index (out_ids, gint64, out_ids->len - 1) == id)
        continue;
      g_array_append_val (out_ids, id);
      g_ptr_array_add (out_names, g_strdup_printf ("%s:%s", vigil_sql_column_text (stmt, 1),
                                                   vigil_sql_column_text (stmt, 2)));
    }
  return _vigil_store_finish_rows (self, stmt, rc, _("Finding a customer"), error);
}

/**
 * vigil_store_find_customer:
 * @text: what names the account (design 2.6): `SOURCE:ID`, the id of
 *   any of its records, or any of its keys
 * @source: (nullable): only records of this source are considered
 *
 * Returns: the account's id, or -1 with @error set (not found, or
 *   ambiguous: the message names the candidates)
 */
gint64
vigil_store_find_customer (VigilStore  *self,
                           const char  *text,
                           const char  *source,
                           GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *colon;

  g_return_val_if_fail (VIGIL_IS_STORE (self), -1);
  g_return_val_if_fail (text != NULL, -1);

  colon = source == NULL ? strchr (text, ':') : NULL;
  if (colon != NULL)
    {
      g_autofree char *prefix = g_strndup (text, (gsize) (colon - text));

      if (!collect_accounts (self, find_by_source_and_id_sql, prefix, colon + 1, ids, names, error))
        return -1;
    }
  if (ids->len == 0 &&
      !collect_accounts (self, find_by_id_or_key_sql, text, source, ids, names, error))
    return -1;

  if (ids->len == 1)
    return g_array_index (ids, gint64, 0);
  if (ids->len == 0)
    {
      if (source != NULL)
        g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND,
                     _("No customer “%s” in source “%s”"), text, source);
      else
        g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND, _("No customer “%s”"), text);
      return -1;
    }

  g_ptr_array_add (names, NULL);
  {
    g_autofree char *list = g_strjoinv (", ", (char **) names->pdata);

    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_AMBIGUOUS,
                 ngettext ("“%s” names %u accounts: %s; say which with SOURCE:ID",
                           "“%s” names %u accounts: %s; say which with SOURCE:ID", ids->len),
                 text, ids->len, list);
  }
  return -1;
}

/* The record SOURCE:ID: its id and account, or an error naming it. */
static gboolean
find_record (VigilStore  *self,
             const char  *source,
             const char  *external_id,
             gint64      *out_record,
             gint64      *out_account,
             GError     **error)
{
  VigilSqlStmt *stmt;
  int rc;

  if (!(stmt = _vigil_store_prepare (self,
                                     "SELECT r.id, r.customer_id FROM records r JOIN sources s "
                                     "ON s.id = r.source_id WHERE s.name = ?1 AND r.external_id = ?2",
                                     _("Finding a customer"), error)))
    return FALSE;
  vigil_sql_bind_text (stmt, 1, source, -1);
  vigil_sql_bind_text (stmt, 2, external_id, -1);
  rc = vigil_sql_step (stmt);
  *out_record = 0;
  if (rc == VIGIL_SQL_ROW)
    {
      *out_record = vigil_sql_column_int64 (stmt, 0);
      *out_account = vigil_sql_column_int64 (stmt, 1);
      rc = VIGIL_SQL_DONE;
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Finding a customer"), error))
    return FALSE;
  if (*out_record == 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND,
                   _("No record “%s:%s”: name a record as SOURCE:ID, its source and its id there"),
                   source, external_id);
      return FALSE;
    }
  return TRUE;
}

/**
 * _vigil_store_link_accounts:
 * @out_survivor: (out): the account both records are in now
 *
 * design 2.6, in the open write transaction: joins account @account_a
 * (of record @record_a) and @account_b (of @record_b) into the one with
 * the longer history, lets both records be joined by their keys again
 * and rebuilds the survivor's merged state, as `vigil link` does.
 */
gboolean
_vigil_store_link_accounts (VigilStore      *self,
                            VigilScorecard  *scorecard,
                            gint64           record_a,
                            gint64           account_a,
                            gint64           record_b,
                            gint64           account_b,
                            gint64          *out_survivor,
                            GError         **error)
{
  g_autoptr(GArray) other = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 since = G_MININT64, joined_since = G_MAXINT64;
  gint64 survivor = 0;

  g_return_val_if_fail (account_a != account_b, FALSE);

  if (!choose_survivor (self, account_a, g_array_append_val (other, account_b), &survivor, error) ||
      !run_with_id (self, "UPDATE records SET detached = 0 WHERE id IN (?1, ?2)", record_a, record_b, error) ||
      !_vigil_store_merge_accounts (self, survivor, survivor == account_a ? account_b : account_a,
                                    &since, error) ||
      !_vigil_store_join_account (self, survivor, &survivor, &joined_since, error) ||
      !_vigil_store_recompute_account (self, survivor, MIN (since, joined_since), scorecard, error))
    return FALSE;
  *out_survivor = survivor;
  return TRUE;
}

/**
 * vigil_store_link_records:
 * @out_account: (out) (optional): the account both records are part of
 *
 * Joins the accounts of the records @source_a:@id_a and @source_b:@id_b
 * into the one with the longer history and lets both be joined by their keys again
 * (design 2.6). Linking two records of one account is an error.
 */
gboolean
vigil_store_link_records (VigilStore  *self,
                          const char  *source_a,
                          const char  *id_a,
                          const char  *source_b,
                          const char  *id_b,
                          gint64      *out_account,
                          GError     **error)
{
  g_autoptr(VigilScorecard) scorecard = NULL;
  gint64 record_a, record_b, account_a = 0, account_b = 0, survivor = 0;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  if (!(scorecard = vigil_store_load_scorecard (self, error)) || !vigil_store_begin (self, error))
    return FALSE;

  ok = find_record (self, source_a, id_a, &record_a, &account_a, error) &&
       find_record (self, source_b, id_b, &record_b, &account_b, error);
  if (ok && account_a == account_b)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("%s:%s and %s:%s are already one account"), source_a, id_a, source_b, id_b);
      ok = FALSE;
    }
  ok = ok &&
       _vigil_store_link_accounts (self, scorecard, record_a, account_a, record_b, account_b, &survivor, error) &&
       note_record_event (self, survivor, "record-linked", source_a, id_a, source_b, id_b, error);
  if (ok && out_account != NULL)
    *out_account = survivor;
  return _vigil_store_end_transaction (self, ok, error);
}

/* A new account for @record, under its (source, id), its id in @out_id. */
static gboolean
insert_own_account (VigilStore  *self,
                    gint64       record,
                    gint64      *out_id,
                    GError     **error)
{
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_cached (self,
                                    "INSERT INTO customers (source_id, external_id) "
                                    "SELECT source_id, external_id FROM records WHERE id = ?1 "
                                    "RETURNING id",
                                    _("Joining accounts"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, record);
  return _vigil_store_step_insert (self, stmt, _("Joining accounts"), out_id, error);
}

/**
 * vigil_store_unlink_record:
 * @out_account: (out) (optional): the record's own new account
 *
 * Takes the record @source:@id out of its account into an account of
 * its own, and keeps it out of joins by key until it is linked again
 * (design 2.6). The outcomes and triggers stay with the account.
 * Unlinking an account's only record is an error.
 */
gboolean
vigil_store_unlink_record (VigilStore  *self,
                           const char  *source,
                           const char  *external_id,
                           gint64      *out_account,
                           GError     **error)
{
  g_autoptr(VigilScorecard) scorecard = NULL;
  gint64 record = 0, account = 0, n_records = 0, own = 0, main_record = 0;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  if (!(scorecard = vigil_store_load_scorecard (self, error)) || !vigil_store_begin (self, error))
    return FALSE;

  ok = find_record (self, source, external_id, &record, &account, error) &&
       _vigil_store_count_records (self, account, &n_records, error);
  if (ok && n_records < 2)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("%s:%s is its account's only record: there is nothing to unlink it from"),
                   source, external_id);
      ok = FALSE;
    }
  /* The main record's observations leave with it: they go where the
   * other records' are first. */
  ok = ok && lookup_main_record (self, account, &main_record, error) &&
       (main_record != record || demote_main_record (self, account, error));
  /* The account shows another record first: the record's (source, id)
   * must be free for its own account's row. */
  ok = ok &&
       run_with_id (self,
                    "UPDATE customers SET (source_id, external_id) = (SELECT source_id, external_id "
                    " FROM records WHERE customer_id = ?1 AND id <> ?2 ORDER BY id LIMIT 1) WHERE id = ?1",
                    account, record, error) &&
       insert_own_account (self, record, &own, error);
  ok = ok &&
       run_with_id (self, "UPDATE records SET customer_id = ?1, detached = 1 WHERE id = ?2",
                    own, record, error) &&
       _vigil_store_recompute_account (self, account, G_MININT64, scorecard, error) &&
       _vigil_store_recompute_account (self, own, G_MININT64, scorecard, error) &&
       note_record_event (self, account, "record-unlinked", source, external_id, NULL, NULL, error);
  if (ok && out_account != NULL)
    *out_account = own;
  return _vigil_store_end_transaction (self, ok, error);
}

/* Demotes the main record of @customer_id (demote_main_record()) when
 * it is a record of @source_id, about to go. */
static gboolean
demote_main_record_of_source (VigilStore  *self,
                              gint64       customer_id,
                              gint64       source_id,
                              GError     **error)
{
  gint64 main_record = 0, main_source = 0;

  if (!lookup_main_record (self, customer_id, &main_record, error) ||
      !query_int_with_id (self, "SELECT source_id FROM records WHERE id = ?1", main_record,
                          &main_source, error))
    return FALSE;
  return main_record == 0 || main_source != source_id ||
         demote_main_record (self, customer_id, error);
}

/**
 * _vigil_store_detach_source_records:
 *
 * Before source @name and its history go (design 2.6): accounts that
 * also have other sources' records lose only this source's records and
 * their observations, are shown by their next record and keep what the
 * others know, recomputed. Accounts of this source alone are left for
 * the source's deletion to take.
 */
gboolean
_vigil_store_detach_source_records (VigilStore  *self,
                                    const char  *name,
                                    GError     **error)
{
  g_autoptr(GArray) accounts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(VigilScorecard) scorecard = NULL;
  VigilSqlStmt *stmt;
  gint64 source_id = 0;
  int rc;

  if (!(stmt = _vigil_store_prepare (self,
                                     "SELECT DISTINCT r.customer_id, r.source_id FROM records r "
                                     "JOIN sources s ON s.id = r.source_id WHERE s.name = ?1 AND EXISTS "
                                     "(SELECT 1 FROM records o WHERE o.customer_id = r.customer_id "
                                     " AND o.source_id <> r.source_id)",
                                     _("Removing a source"), error)))
    return FALSE;
  vigil_sql_bind_text (stmt, 1, name, -1);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      gint64 id = vigil_sql_column_int64 (stmt, 0);

      source_id = vigil_sql_column_int64 (stmt, 1);
      g_array_append_val (accounts, id);
    }
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Removing a source"), error))
    return FALSE;
  if (accounts->len == 0)
    return TRUE;

  if (!(scorecard = vigil_store_load_scorecard (self, error)))
    return FALSE;
  for (guint i = 0; i < accounts->len; i++)
    {
      gint64 account = g_array_index (accounts, gint64, i);

      if (!demote_main_record_of_source (self, account, source_id, error) ||
          !run_with_id (self, "DELETE FROM records WHERE customer_id = ?1 AND source_id = ?2",
                        account, source_id, error) ||
          !_vigil_store_recompute_account (self, account, G_MININT64, scorecard, error))
        return FALSE;
    }
  return TRUE;
}

void
vigil_record_row_free (VigilRecordRow *row)
{
  if (row == NULL)
    return;
  g_free (row->source);
  g_free (row->external_id);
  g_strfreev (row->keys);
  g_free (row);
}

/* The record a row of the listing query belongs to: @last when the row
 * is one more key of it, else a new record (its keys still to come). */
static VigilRecordRow *
record_of_row (VigilSqlStmt   *stmt,
               VigilRecordRow *last,
               GPtrArray      *rows)
{
  VigilRecordRow *row;

  if (last != NULL && last->id == vigil_sql_column_int64 (stmt, 0))
    return last;
  row = g_new0 (VigilRecordRow, 1);
  row->id = vigil_sql_column_int64 (stmt, 0);
  row->source = _vigil_store_column_strdup (stmt, 1);
  row->external_id = _vigil_store_column_strdup (stmt, 2);
  row->latest_at = _vigil_store_column_int_or_unknown (stmt, 3);
  row->detached = vigil_sql_column_int64 (stmt, 4) != 0;
  g_ptr_array_add (rows, row);
  return row;
}

static void
set_keys (VigilRecordRow *row,
          GPtrArray      *keys)
{
  g_ptr_array_add (keys, NULL);
  row->keys = (char **) g_ptr_array_steal (keys, NULL);
}

/**
 * vigil_store_list_records:
 * @customer_id: an account
 *
 * Returns: (transfer full) (element-type VigilRecordRow): the account's
 *   records, the display record first (design 2.6), each with its
 *   keys and when it was last observed; %NULL with @error set
 */
GPtrArray *
vigil_store_list_records (VigilStore  *self,
                          gint64       customer_id,
                          GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_record_row_free);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  VigilRecordRow *last = NULL;
  VigilSqlStmt *stmt;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  /* One statement, so records and keys are read from one state of the book. */
  if (!(stmt = _vigil_store_prepare (self,
                                     "SELECT r.id, s.name, r.external_id, r.latest_at, r.detached, k.key "
                                     "FROM records r JOIN sources s ON s.id = r.source_id "
                                     "LEFT JOIN record_keys k ON k.record_id = r.id "
                                     "WHERE r.customer_id = ?1 ORDER BY r.id, k.key",
                                     _("Reading the records"), error)))
    return NULL;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      VigilRecordRow *row = record_of_row (stmt, last, rows);

      if (row != last && last != NULL)
        set_keys (last, keys);
      last = row;
      if (!vigil_sql_column_is_null (stmt, 5))
        g_ptr_array_add (keys, _vigil_store_column_strdup (stmt, 5));
    }
  if (last != NULL)
    set_keys (last, keys);
  if (!_vigil_store_finish_rows (self, stmt, rc, _("Reading the records"), error))
    return NULL;
  return g_steal_pointer (&rows);
}
