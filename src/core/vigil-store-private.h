/* vigil-store-private.h: what the vigil-store-*.c files share
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-sql.h"

#include "vigil-store.h"

G_BEGIN_DECLS

/* VigilStore is one class split by concern: vigil-store.c holds the
 * object, opening it, transactions and the statement helpers below;
 * vigil-store-schema.c the file, its identity and its migrations;
 * -ingest.c what imports and polls write; -portfolio.c and -report.c
 * what the views and the weekly report read; -sources.c, -scores.c,
 * -triggers.c and -outcomes.c the rest, one concern each. */

/* Statements every import and poll runs, prepared once and kept for the
 * life of the store: _vigil_store_get_stmt(). */
typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_INSERT_SOURCE,
  STMT_LOOKUP_SOURCE,
  STMT_INSERT_CUSTOMER,
  STMT_INSERT_RECORD,
  STMT_LOOKUP_RECORD,
  STMT_SET_MAIN_RECORD,
  STMT_FIND_IMPLICIT,
  STMT_UPDATE_CUSTOMER,
  STMT_UPDATE_RECORD,
  STMT_INSERT_OBSERVATION,
  STMT_INSERT_RECORD_KEY,
  STMT_INSERT_SNAPSHOT,
  STMT_INSERT_SCORE,
  STMT_INSERT_FEATURE,
  N_STMTS
} StmtId;

struct _VigilStore
{
  GObject             parent_instance;

  char               *path;
  VigilSqlConnection *db;
  VigilSqlStmt       *stmts[N_STMTS];

  /* Feature name → id, so that each snapshot's features cost no query. */
  GHashTable         *feature_ids;
  /* Feature id → name, for reading history back. */
  GHashTable         *feature_names;
  GHashTable         *cached_stmts;   /* SQL → statement: _vigil_store_cached() */
  guint               book_parts;     /* 0, or what _vigil_store_set_book_parts() set */
  gboolean            reads_alone;    /* what vigil_store_set_reads_alone() set */
  /* Source id (gint64 *) → how many polls of this store hold its lock
   * (vigil_store_try_lock_source()); a team's book only. */
  GHashTable         *locked_sources;
};

/* design 1: the advisory locks of a team's book on PostgreSQL, two int4
 * keys of one key space: "VIGL" and 0 for migrations, 1 for the book's
 * write lock (vigil_store_begin()). */
#define VIGIL_STORE_LOCK_MIGRATION "1447643980, 0"
#define VIGIL_STORE_LOCK_BOOK "1447643980, 1"
/* design 2.5: a source's poll lock, "VIGM" and the source's id, held by
 * the session that polls it for the time of the poll. */
#define VIGIL_STORE_LOCK_SOURCE_CLASS "1447643981"
/* The channel on which a team's book tells of each commit (design 1;
 * vigil-book-watch.c listens). */
#define VIGIL_STORE_CHANNEL "vigil_book"

/* design 1: the few things the engines spell differently. A statement
 * that needs one is a macro of the engine E (SQLITE or PG) whose texts
 * ENGINE_SQL makes; ENGINE_TEXT picks the store's. */
#define ENGINE_SQL(statement) { statement (SQLITE), statement (PG) }
#define ENGINE_TEXT(self, texts) ((texts)[vigil_sql_get_engine ((self)->db)])
/* The day (YYYY-MM-DD, UTC) of Unix time @t */
#define SQL_DAY_OF_EPOCH_SQLITE(t) "date (" t ", 'unixepoch')"
#define SQL_DAY_OF_EPOCH_PG(t) \
  "to_char (DATE '1970-01-01' + CAST (floor ((" t ") / 86400.0) AS INTEGER), 'YYYY-MM-DD')"
/* The Unix time of the start of day @d (YYYY-MM-DD, UTC); on SQLite NULL
 * for a text that is no day (PostgreSQL's days are checked as stored) */
#define SQL_EPOCH_OF_DAY_SQLITE(d) "unixepoch (" d ")"
#define SQL_EPOCH_OF_DAY_PG(d) "CAST (extract (epoch FROM CAST (" d " AS date)) AS BIGINT)"
/* Whether JSON column @x holds JSON (PostgreSQL's json type checks it as
 * stored); member @field of its object, as text; its text */
#define SQL_JSON_VALID_SQLITE(x) "json_valid (" x ")"
#define SQL_JSON_VALID_PG(x) "(" x " IS NOT NULL)"
#define SQL_JSON_FIELD_SQLITE(x, field) "json_extract (" x ", '$." field "')"
#define SQL_JSON_FIELD_PG(x, field) "(" x " ->> '" field "')"
#define SQL_JSON_TEXT_SQLITE(x) x
#define SQL_JSON_TEXT_PG(x) "CAST (" x " AS text)"
/* Parameter @p, a JSON text, as the JSON column stores it */
#define SQL_JSON_PARAM_SQLITE(p) "json (" p ")"
#define SQL_JSON_PARAM_PG(p) "CAST (" p " AS json)"
/* The end of an INSERT of one row whose id _vigil_store_step_insert()
 * gives: on SQLite, whose RETURNING costs a temporary table each run
 * (a third more work for each new customer of an import), the id is the
 * connection's last rowid instead */
/* What a lookup of records selects of each (VigilRecordRef: its id,
 * its account, whether the account has other records, whether it is
 * the account's main record, the account's newest snapshot), and from
 * where; the lookups say which records. */
#define LOOKUP_RECORD_COLUMNS \
  "r.id, r.customer_id, CASE WHEN EXISTS (SELECT 1 FROM records o " \
  " WHERE o.customer_id = r.customer_id AND o.id <> r.id) THEN 1 ELSE 0 END, " \
  " CASE WHEN c.main_record IS NOT DISTINCT FROM r.id THEN 1 ELSE 0 END, " \
  " (SELECT max (s.observed_at) FROM snapshots s WHERE s.customer_id = r.customer_id) " \
  "FROM records r JOIN customers c ON c.id = r.customer_id"
#define SQL_RETURNING_ID_SQLITE ""
#define SQL_RETURNING_ID_PG " RETURNING id"
/* Where text @needle first is in @haystack, from 1; 0 when nowhere */
#define SQL_POSITION_SQLITE(haystack, needle) "instr (" haystack ", " needle ")"
#define SQL_POSITION_PG(haystack, needle) "strpos (" haystack ", " needle ")"

/* The snapshot columns every reading query selects, from column @first on. */
#define SNAPSHOT_COLUMNS \
  "s.observed_at, s.last_active, s.mrr, s.seats, s.seats_used, s.api_calls_7d, " \
  "s.features_used, s.open_tickets, s.nps, s.renewal_date, s.plan, s.features, s.origins"
#define N_SNAPSHOT_COLUMNS 13
/* Where s.origins is, counted from the first snapshot column. */
#define ORIGINS_COLUMN 12
/* The score columns, from the scores table joined as k. */
#define N_SCORE_COLUMNS 3
#define SCORE_COLUMNS "k.version, k.health, k.tier"
#define JOIN_SCORES "JOIN scores k ON k.customer_id = s.customer_id AND k.observed_at = s.observed_at "

/* The customer's attributes, one snapshot and its score, as the reading
 * queries select them from column @first on. */
#define CUSTOMER_COLUMNS "c.external_id, c.name, c.plan, c.owner, c.segment"
#define N_CUSTOMER_COLUMNS 5

/* The columns a portfolio row takes from the history before the
 * snapshot observed at SQL expression @now: health 7, 14 and 28 days
 * before (one index lookup each, for the trends), the best health of
 * the last 14 days (the health-drop trigger), seat utilisation 28
 * days before (the churn model), the best health of the time a drop
 * must hold (health-drop) and the NPS 14 days before (advocate). */
#define TREND_COLUMNS(now) \
  HEALTH_TREND_COLUMNS (now) ", " \
  PEAK_14D_COLUMN (now) ", " \
  SEAT_USE_28D_BEFORE ("c.id", now) ", " \
  RECENT_HIGH ("c.id", now) ", " \
  NPS_14D_BEFORE_COLUMN (now)
/* TREND_COLUMNS with NULL for the columns only the triggers read (the
 * 14-day peak, the recent high, the NPS 14 days before): for a reader of
 * the scores alone, three lookups a customer fewer. */
#define SCORE_TREND_COLUMNS(now) \
  HEALTH_TREND_COLUMNS (now) ", NULL, " SEAT_USE_28D_BEFORE ("c.id", now) ", NULL, NULL"
#define HEALTH_TREND_COLUMNS(now) \
  "(SELECT health FROM scores t WHERE t.customer_id = c.id AND t.observed_at <= " now " - 604800 " \
  " ORDER BY t.observed_at DESC LIMIT 1), " \
  "(SELECT health FROM scores t WHERE t.customer_id = c.id AND t.observed_at <= " now " - 1209600 " \
  " ORDER BY t.observed_at DESC LIMIT 1), " \
  "(SELECT health FROM scores t WHERE t.customer_id = c.id AND t.observed_at <= " now " - 2419200 " \
  " ORDER BY t.observed_at DESC LIMIT 1)"
#define PEAK_14D_COLUMN(now) \
  "(SELECT max (health) FROM scores t WHERE t.customer_id = c.id " \
  " AND t.observed_at >= " now " - 1209600 AND t.observed_at <= " now ")"
#define NPS_14D_BEFORE_COLUMN(now) \
  "(SELECT t.nps FROM snapshots t WHERE t.customer_id = c.id AND t.observed_at <= " now " - 1209600 " \
  " ORDER BY t.observed_at DESC LIMIT 1)"

/* design 3.3: the best health over the time a health drop must hold to
 * count, the latest three scored observations before SQL expression
 * @now, or the last 48 hours when they hold more (hourly polls); NULL
 * with fewer than three: no third-latest row, no bound, which selects
 * none (the earlier of the two as a CASE on that row, not min () or
 * least (): PostgreSQL's least () ignores a NULL; HACKING). */
#define RECENT_HIGH(customer, now) \
  "(SELECT max (t.health) FROM scores t WHERE t.customer_id = " customer " AND t.health IS NOT NULL " \
  " AND t.observed_at <= " now " AND t.observed_at >= " \
  "  (SELECT CASE WHEN u.observed_at <= " now " - 172800 THEN u.observed_at " \
  "   ELSE " now " - 172800 END " \
  "   FROM scores u WHERE u.customer_id = " customer " AND u.health IS NOT NULL " \
  "   AND u.observed_at <= " now " ORDER BY u.observed_at DESC LIMIT 1 OFFSET 2))"

/* design 3.4: the columns a portfolio row takes from the timeline: the
 * last touch (a touch other than a note; @bound narrows it, e.g. to a
 * past time, or is "") walking the customer's touches back from the
 * newest, and the oldest snapshot's time; one index seek each. */
#define LAST_TOUCH_COLUMNS(bound) \
  LAST_TOUCH_COLUMN (bound) ", " \
  "(SELECT min (f.observed_at) FROM snapshots f WHERE f.customer_id = c.id)"
#define LAST_TOUCH_COLUMN(bound) \
  "(SELECT u.at FROM touches u WHERE u.customer_id = c.id AND u.kind <> 'note' " bound \
  " ORDER BY u.at DESC LIMIT 1)"
#define N_LAST_TOUCH_COLUMNS 2

/* design 3.2: seat utilisation 28 days before SQL expression @now, for
 * the churn model's seat trend: the latest known in the 28 days before
 * that. An older one says nothing of a month ago, and looking further
 * back would read an account's whole history when its seats come from
 * a record observed rarely (design 2.6). */
#define SEAT_USE_28D_BEFORE(customer, now) \
  "(SELECT CAST (t.seats_used AS DOUBLE PRECISION) / t.seats FROM snapshots t " \
  " WHERE t.customer_id = " customer \
  " AND t.observed_at <= " now " - 2419200 AND t.observed_at > " now " - 4838400 AND t.seats > 0 " \
  " ORDER BY t.observed_at DESC LIMIT 1)"

/* design 3.2, the active book: the day customer @customer (an SQL
 * expression) churned as it stood on day @until (SQL text YYYY-MM-DD):
 * the day of its latest outcome on or before @until when that outcome
 * is `churned`, else NULL (the customer is in the active book). The one
 * rule every query of the book, its triggers and its report uses. */
#define CHURNED_ON_AS_OF(customer, until) \
  "(SELECT CASE lo.outcome WHEN 'churned' THEN lo.day END FROM outcomes lo " \
  " WHERE lo.customer_id = " customer " AND lo.day <= " until " ORDER BY lo.day DESC LIMIT 1)"
/* The same, as the book stands now: every outcome recorded counts. */
#define CHURNED_ON(customer) CHURNED_ON_AS_OF (customer, "'9999-12-31'")
/* design 3.3: the day of customer @customer's latest `renewed` outcome on
 * or before day @until, or NULL: a renewal it settles raises no
 * renewal-risk trigger. */
#define RENEWED_ON_AS_OF(customer, until) \
  "(SELECT max (lr.day) FROM outcomes lr WHERE lr.customer_id = " customer \
  " AND lr.outcome = 'renewed' AND lr.day <= " until ")"
/* The columns a portfolio query selects after the trend columns: when
 * the customer churned (NULL in the active book) and when it last
 * renewed, as they stood on day @until. */
#define LIFECYCLE_COLUMNS(customer, until) \
  CHURNED_ON_AS_OF (customer, until) ", " RENEWED_ON_AS_OF (customer, until)
#define N_LIFECYCLE_COLUMNS 2
/* @expr, an outcome of customer c (LIFECYCLE_COLUMNS' lookups), looked
 * up only for a customer with any outcome (a look-up in the few, read
 * once a query), else NULL as it would give: most customers have none,
 * and a big book is spared a seek a customer and a column. */
#define IF_ANY_OUTCOME(expr) \
  "CASE WHEN c.id IN (SELECT customer_id FROM outcomes) THEN " expr " END"
#define LIFECYCLE_COLUMNS_IF_ANY(until) \
  IF_ANY_OUTCOME (CHURNED_ON_AS_OF ("c.id", until)) ", " IF_ANY_OUTCOME (RENEWED_ON_AS_OF ("c.id", until))

/* vigil-store.c: statements, their errors and values, transactions */
gboolean          _vigil_store_set_sqlite_error       (VigilStore     *self,
                                                       GError        **error,
                                                       const char     *doing);
gboolean          _vigil_store_set_connection_error   (VigilStore          *self,
                                                       VigilSqlConnection  *connection,
                                                       GError             **error,
                                                       const char          *doing);
gboolean          _vigil_store_set_refused            (GError        **error,
                                                       const char     *doing,
                                                       const char     *reason);
VigilSqlStmt     *_vigil_store_get_stmt               (VigilStore     *self,
                                                       StmtId          id,
                                                       GError        **error);
VigilSqlStmt     *_vigil_store_prepare                (VigilStore     *self,
                                                       const char     *sql,
                                                       const char     *doing,
                                                       GError        **error);
gboolean          _vigil_store_add_event              (VigilStore     *self,
                                                       gint64          customer_id,
                                                       gint64          at,
                                                       const char     *kind,
                                                       const char     *detail_json,
                                                       const char     *author,
                                                       GError        **error);
gboolean          _vigil_store_get_person             (VigilStore     *self,
                                                       char          **out_owner,
                                                       char          **out_role,
                                                       GError        **error);
char             *_vigil_store_event_detail           (const char     *first_member,
                                                       ...) G_GNUC_NULL_TERMINATED;
VigilSqlStmt     *_vigil_store_cached                 (VigilStore     *self,
                                                       const char     *sql,
                                                       const char     *doing,
                                                       GError        **error);
VigilSqlStmt     *_vigil_store_cached_rebound         (VigilStore     *self,
                                                       const char     *sql,
                                                       const char     *doing,
                                                       GError        **error);
gboolean          _vigil_store_finish_cached_rows     (VigilStore     *self,
                                                       VigilSqlStmt   *stmt,
                                                       int             rc,
                                                       const char     *doing,
                                                       GError        **error);
gboolean          _vigil_store_finish_rows            (VigilStore     *self,
                                                       VigilSqlStmt   *stmt,
                                                       int             rc,
                                                       const char     *doing,
                                                       GError        **error);
gboolean          _vigil_store_step_done              (VigilStore     *self,
                                                       VigilSqlStmt   *stmt,
                                                       const char     *doing,
                                                       GError        **error);
gboolean          _vigil_store_step_queued            (VigilStore     *self,
                                                       VigilSqlStmt   *stmt,
                                                       const char     *doing,
                                                       GError        **error);
gboolean          _vigil_store_step_insert            (VigilStore     *self,
                                                       VigilSqlStmt   *stmt,
                                                       const char     *doing,
                                                       gint64         *out_id,
                                                       GError        **error);
gboolean          _vigil_store_exec_prepared          (VigilStore     *self,
                                                       VigilSqlStmt   *stmt,
                                                       const char     *doing,
                                                       GError        **error);
gboolean          _vigil_store_exec_sql               (VigilStore     *self,
                                                       const char     *sql,
                                                       const char     *doing,
                                                       GError        **error);
gboolean          _vigil_store_query_int              (VigilStore     *self,
                                                       const char     *sql,
                                                       gint64         *out,
                                                       GError        **error);
gint64            _vigil_store_lookup_id              (VigilStore     *self,
                                                       VigilSqlStmt   *stmt,
                                                       GError        **error);
char             *_vigil_store_pg_text_array          (const char * const *texts,
                                                       guint               n);
char             *_vigil_store_pg_int_array           (const gint64       *values,
                                                       guint               n);
void              _vigil_store_bind_text_or_null      (VigilSqlStmt   *stmt,
                                                       int             index,
                                                       const char     *text);
void              _vigil_store_bind_int_or_null       (VigilSqlStmt   *stmt,
                                                       int             index,
                                                       gint64          value);
void              _vigil_store_bind_double_or_null    (VigilSqlStmt   *stmt,
                                                       int             index,
                                                       double          value);
char             *_vigil_store_column_strdup          (VigilSqlStmt   *stmt,
                                                       int             column);
gint64            _vigil_store_column_int_or_unknown  (VigilSqlStmt   *stmt,
                                                       int             column);
double            _vigil_store_column_double_or_nan   (VigilSqlStmt   *stmt,
                                                       int             column);
gboolean          _vigil_store_end_transaction        (VigilStore     *self,
                                                       gboolean        ok,
                                                       GError        **error);
gboolean          _vigil_store_begin_bulk             (VigilStore     *self,
                                                       gboolean       *out_bulk,
                                                       GError        **error);
void              _vigil_store_end_bulk               (VigilStore     *self);
gboolean          _vigil_store_set_merging            (VigilStore     *self,
                                                       gboolean        on,
                                                       GError        **error);
void              _vigil_store_set_cache_size         (VigilStore     *self,
                                                       int             kib);
gboolean          _vigil_store_reload_features        (VigilStore     *self,
                                                       GError        **error);
GHashTable       *_vigil_store_get_feature_ids        (VigilStore     *self);
gboolean          _vigil_store_insert_feature         (VigilStore     *self,
                                                       int             id,
                                                       const char     *name,
                                                       GError        **error);

/* vigil-store-schema.c: the file, its identity, its migrations */
gboolean          _vigil_store_prepare_file           (VigilStore     *self,
                                                       GError        **error);
gboolean          _vigil_store_check_identity         (VigilStore     *self,
                                                       gint64         *out_version,
                                                       GError        **error);
gboolean          _vigil_store_open_shared_schema     (VigilStore     *self,
                                                       gint64          target_version,
                                                       GError        **error);
gboolean          _vigil_store_migrate                (VigilStore     *self,
                                                       gint64          from_version,
                                                       gint64          to_version,
                                                       GError        **error);

/* vigil-store-ingest.c: customers, snapshots, features */
typedef struct
{
  gint64   record_id;
  gint64   customer_id;   /* its account */
  gboolean shared;        /* the account has other records */
  gboolean main;          /* the account's main record (design 2.6) */
  gint64   newest;        /* the time of the account's newest snapshot,
                           * G_MININT64 without one */
} VigilRecordRef;

/* A record new to the store, to be an account of its own with the ids
 * it was given (_vigil_store_reserve_record_ids()). */
typedef struct
{
  const char          *external_id;
  const VigilSnapshot *attributes;   /* its name, plan, owner and segment */
  gint64               latest_at;
  VigilRecordRef       ids;
} VigilNewRecord;

/* A snapshot no row of the database has the key (customer, time) of,
 * with its score: _vigil_store_insert_new_snapshots() writes
 * VIGIL_STORE_ROWS_AT_ONCE of them with one statement a table, on
 * PostgreSQL _vigil_store_copy_new_snapshots() any number with one COPY
 * a table. */
typedef struct
{
  gint64               customer_id;
  const VigilSnapshot *snapshot;
  const char          *features;        /* as stored, NULL when unknown */
  gssize               features_length;
  gint64               version;
  double               health;
  VigilTier            tier;
} VigilNewSnapshot;

#define VIGIL_STORE_ROWS_AT_ONCE 32

/* The columns an insert into snapshots gives, in bind_observed() order. */
#define INSERTED_SNAPSHOT_COLUMNS \
  "customer_id, observed_at, last_active, mrr, seats, seats_used, api_calls_7d, features_used, " \
  "open_tickets, nps, renewal_date, plan, features"
#define N_INSERTED_SNAPSHOT_COLUMNS 13

gboolean          _vigil_store_find_record            (VigilStore      *self,
                                                       gint64           source_id,
                                                       const char      *external_id,
                                                       VigilRecordRef  *out,
                                                       gboolean        *out_found,
                                                       GError         **error);
gboolean          _vigil_store_attach_record          (VigilStore      *self,
                                                       gint64           source_id,
                                                       const char      *external_id,
                                                       gint64           customer_id,
                                                       VigilRecordRef  *out,
                                                       GError         **error);
gboolean          _vigil_store_ensure_record          (VigilStore      *self,
                                                       gint64           source_id,
                                                       const char      *external_id,
                                                       VigilRecordRef  *out,
                                                       GError         **error);
gboolean          _vigil_store_find_records           (VigilStore          *self,
                                                       gint64               source_id,
                                                       const char * const  *external_ids,
                                                       guint                n,
                                                       VigilRecordRef      *out,
                                                       gboolean            *out_found,
                                                       GError             **error);
/* An account's or a record's attributes, as _vigil_store_update_many()
 * sets them by the newest-wins rule. */
typedef struct
{
  gint64               id;
  const VigilSnapshot *attributes;   /* its name, plan, owner and segment */
  gint64               latest_at;
} VigilAttributeUpdate;

gboolean          _vigil_store_update_many            (VigilStore                  *self,
                                                       gboolean                     customers,
                                                       const VigilAttributeUpdate  *rows,
                                                       guint                        n,
                                                       GError                     **error);
gboolean          _vigil_store_update_statistics      (VigilStore      *self,
                                                       guint64          rows,
                                                       GError         **error);
#ifdef HAVE_POSTGRESQL
gboolean          _vigil_store_add_reserved_records   (VigilStore            *self,
                                                       gint64                 source_id,
                                                       const VigilNewRecord  *records,
                                                       guint                  n,
                                                       GError               **error);
#endif
gboolean          _vigil_store_reserve_record_ids     (VigilStore      *self,
                                                       guint            n,
                                                       VigilRecordRef  *out,
                                                       GError         **error);
gboolean          _vigil_store_add_record             (VigilStore           *self,
                                                       gint64                source_id,
                                                       const char           *external_id,
                                                       const VigilSnapshot  *attributes,
                                                       gint64                latest_at,
                                                       VigilRecordRef       *out,
                                                       GError              **error);
gboolean          _vigil_store_find_implicit_observation (VigilStore      *self,
                                                          gint64           customer_id,
                                                          gint64           observed_at,
                                                          gboolean        *out_found,
                                                          GError         **error);
gboolean          _vigil_store_insert_observation     (VigilStore           *self,
                                                       gint64                record_id,
                                                       const VigilSnapshot  *snapshot,
                                                       const char           *features,
                                                       gssize                features_length,
                                                       gboolean             *out_inserted,
                                                       GError              **error);
gboolean          _vigil_store_insert_new_snapshots   (VigilStore             *self,
                                                       const VigilNewSnapshot *rows,
                                                       GError                **error);
#ifdef HAVE_POSTGRESQL
gboolean          _vigil_store_copy_new_snapshots     (VigilStore             *self,
                                                       const VigilNewSnapshot *rows,
                                                       guint                   n,
                                                       GError                **error);
#endif
gboolean          _vigil_store_write_snapshot         (VigilStore           *self,
                                                       gint64                customer_id,
                                                       const VigilSnapshot  *snapshot,
                                                       const char           *features,
                                                       gssize                features_length,
                                                       const VigilScore     *score,
                                                       gboolean             *out_inserted,
                                                       GError              **error);
gboolean          _vigil_store_update_record          (VigilStore           *self,
                                                       gint64                record_id,
                                                       const VigilSnapshot  *attributes,
                                                       gint64                latest_at,
                                                       GError              **error);
gboolean          _vigil_store_add_record_keys        (VigilStore      *self,
                                                       gint64           record_id,
                                                       GPtrArray       *keys,
                                                       gboolean        *out_added,
                                                       GError         **error);
const char       *_vigil_store_format_day             (gint32          day,
                                                       char            buffer[16]);

/* vigil-store-accounts.c: accounts, their records and merged state */
#define N_FIELD_GROUPS 9
const char       *_vigil_store_field_group_name       (guint            group);
guint             _vigil_store_measure_field_group    (VigilMeasure     measure);
gboolean          _vigil_store_snapshot_knows_group   (const VigilSnapshot *snapshot,
                                                       guint                group);
gboolean          _vigil_store_link_accounts          (VigilStore      *self,
                                                       VigilScorecard  *scorecard,
                                                       gint64           record_a,
                                                       gint64           account_a,
                                                       gint64           record_b,
                                                       gint64           account_b,
                                                       gint64          *out_survivor,
                                                       GError         **error);
gboolean          _vigil_store_origins_main_absent    (const char      *origins);
void              _vigil_store_snapshot_forget_group  (VigilSnapshot   *snapshot,
                                                       guint            group);
void              _vigil_store_parse_origins          (const char      *origins,
                                                       gint64           out_records[N_FIELD_GROUPS]);
gboolean          _vigil_store_count_records          (VigilStore      *self,
                                                       gint64           customer_id,
                                                       gint64          *out_count,
                                                       GError         **error);
gboolean          _vigil_store_adopt_record           (VigilStore      *self,
                                                       gint64           source_id,
                                                       const char      *external_id,
                                                       gint64           customer_id,
                                                       VigilRecordRef  *out,
                                                       gint64          *out_since,
                                                       GError         **error);
GArray           *_vigil_store_find_key_accounts      (VigilStore      *self,
                                                       const char      *key,
                                                       GError         **error);
gboolean          _vigil_store_count_snapshots        (VigilStore      *self,
                                                       gint64           customer_id,
                                                       gint64          *out_count,
                                                       GError         **error);
gboolean          _vigil_store_account_exists         (VigilStore      *self,
                                                       gint64           customer_id,
                                                       gint64          *out_exists,
                                                       GError         **error);
gboolean          _vigil_store_merge_accounts         (VigilStore      *self,
                                                       gint64           survivor,
                                                       gint64           absorbed,
                                                       gint64          *out_since,
                                                       GError         **error);
gboolean          _vigil_store_score_snapshots        (VigilStore      *self,
                                                       gint64           customer_id,
                                                       gint64           since,
                                                       VigilScorecard  *scorecard,
                                                       guint64         *out_rescored,
                                                       GError         **error);
gboolean          _vigil_store_recompute_account      (VigilStore      *self,
                                                       gint64           customer_id,
                                                       gint64           since,
                                                       VigilScorecard  *scorecard,
                                                       GError         **error);
gboolean          _vigil_store_detach_source_records  (VigilStore      *self,
                                                       const char      *name,
                                                       GError         **error);
gboolean          _vigil_store_note_source_added      (VigilStore      *self,
                                                       gint64           record_id,
                                                       GError         **error);
gboolean          _vigil_store_join_account           (VigilStore      *self,
                                                       gint64           customer_id,
                                                       gint64          *out_survivor,
                                                       gint64          *out_since,
                                                       GError         **error);

/* vigil-store-portfolio.c: the portfolio and history read back */
void              _vigil_store_read_snapshot_columns  (VigilStore     *self,
                                                       VigilSqlStmt   *stmt,
                                                       int             first,
                                                       gboolean        with_features,
                                                       VigilSnapshot  *snapshot);
GPtrArray        *_vigil_store_collect_portfolio_rows (VigilStore     *self,
                                                       VigilSqlStmt   *stmt,
                                                       GHashTable     *scorecards,
                                                       GError        **error);

char             *_vigil_store_export_snapshot        (VigilStore     *self,
                                                       const char     *doing,
                                                       GError        **error);
gboolean          _vigil_store_begin_read             (VigilStore     *store,
                                                       const char     *doing,
                                                       GError        **error);

/* vigil-store-portfolio.c: for tests, a book read in @parts parts
 * whatever its size and the processors (0: as they say) */
void              _vigil_store_set_book_parts         (VigilStore     *self,
                                                       guint           parts);
guint             _vigil_store_count_book_parts       (VigilStore     *self);

/* vigil-store-scores.c: scorecards and rescoring */
GHashTable       *_vigil_store_load_all_scorecards    (VigilStore     *self,
                                                       GError        **error);
gboolean          _vigil_store_insert_scorecard       (VigilStore     *self,
                                                       VigilScorecard *scorecard,
                                                       const char     *doing,
                                                       GError        **error);

/* vigil-store-pulses.c: the CSM's pulses (design 3.5) */
GArray           *_vigil_store_read_pulse_marks       (VigilStore     *self,
                                                       gint64          customer_id,
                                                       GError        **error);
GHashTable       *_vigil_store_read_all_pulse_marks   (VigilStore     *self,
                                                       GError        **error);
gboolean          _vigil_store_read_book_pulses       (VigilStore     *self,
                                                       GHashTable    **out_marks,
                                                       GHashTable    **out_current,
                                                       GError        **error);

/* vigil-store-triggers.c: trigger episodes */
VigilTriggerRow  *_vigil_store_read_trigger_row       (VigilSqlStmt   *stmt);

/* vigil-store-repeats.c: records of one ingest that share an id (2.5) */
typedef struct _VigilStoreRepeats VigilStoreRepeats;

VigilStoreRepeats *_vigil_store_repeats_new           (VigilStore         *self,
                                                       GError            **error);
void              _vigil_store_repeats_free           (VigilStoreRepeats  *repeats);
gboolean          _vigil_store_repeats_predates       (VigilStoreRepeats  *repeats,
                                                       gboolean            observation,
                                                       gint64              key,
                                                       gint64              observed_at,
                                                       gboolean           *out_predates,
                                                       GError            **error);
gboolean          _vigil_store_repeats_take_row       (VigilStoreRepeats  *repeats,
                                                       gboolean            observation,
                                                       gint64              key,
                                                       gint64              observed_at,
                                                       VigilSnapshot      *out,
                                                       char              **out_features,
                                                       GError            **error);
#ifdef HAVE_POSTGRESQL
/* Where a snapshot's key (account, time) is, as the ingest asks it. */
typedef enum
{
  VIGIL_ROW_NOT_STORED,     /* no row has it: the row is new */
  VIGIL_ROW_STORED_BEFORE,  /* stored before this ingest: the same data again */
  VIGIL_ROW_STORED_SINCE,   /* stored by this ingest (or not asked which) */
} VigilRowStored;

gboolean          _vigil_store_repeats_find_snapshots (VigilStoreRepeats  *repeats,
                                                       const gint64       *customer_ids,
                                                       const gint64       *observed_at,
                                                       guint               n,
                                                       gboolean            ask_before,
                                                       VigilRowStored     *out,
                                                       GError            **error);
#endif

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilStoreRepeats, _vigil_store_repeats_free)

/* vigil-store-copy.c: a book copied into another (design 4) */
const char       *_vigil_store_copy_table_columns     (const char     *table);
gboolean          _vigil_store_copy_source_definition (VigilStore     *from,
                                                       VigilStore     *to,
                                                       const char     *name,
                                                       GError        **error);

/* vigil-store-merge.c: a book joined into one that has its own (design 4) */
gboolean          _vigil_store_merge_into             (VigilStore     *from,
                                                       VigilStore     *to,
                                                       VigilStoreCopyProgress progress,
                                                       gpointer        user_data,
                                                       VigilStoreCopyStats *stats,
                                                       GError        **error);

/* For tests of the migrations: a database left at an older schema. */
gboolean          _vigil_store_create_at_version      (const char     *path,
                                                       gint64          version,
                                                       GError        **error);

G_END_DECLS
