/* vigil-store.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-poll-census.h"
#include "vigil-scorecard.h"
#include "vigil-snapshot.h"
#include "vigil-source.h"

G_BEGIN_DECLS

/* The schema version this Vigil writes (PRAGMA user_version). */
#define VIGIL_STORE_SCHEMA_VERSION 9

/**
 * VigilPortfolioRow:
 * @customer_id: the store's own id of the customer
 * @source: the name of the source the customer belongs to
 * @latest: the customer's latest snapshot, with the customer's name,
 *   plan, owner and segment filled in
 * @score: the score of @latest, with each measure's explanation
 * @trends: the change of health over 7, 14 and 28 days (against the
 *   newest snapshot at least that old), NAN where history is too short
 * @peak_14d: the best health of the last 14 days (the latest included)
 * @recent_high: the best health of the latest three scored observations,
 *   or of every one of the last 48 hours when they are more; NAN with
 *   fewer than three (a health drop must hold that long, design 3.3)
 * @nps_14d_ago: the NPS of the latest snapshot 14 days or more before,
 *   or %VIGIL_UNKNOWN (a promoter answer is new when it was not one
 *   then, design 3.3)
 * @seat_use_28d_ago: seats used / seats 28 days before, or NAN
 * @records: (element-type VigilAccountRecord): the account's records,
 *   the display record first, then by record id (design 2.6)
 * @keys: the keys of the account's records, sorted, each once
 * @input_sources: for each measure, the source of the record that gave
 *   its input in @latest (an interned string), NULL when it is unknown
 *   or no record gives it (sentiment)
 * @pulse: (nullable): the customer's current pulse (design 3.5)
 * @latest_pulse: the pulse in force at @latest's time, which its score
 *   counted (none: %VIGIL_SENTIMENT_NONE)
 * @churned: whether the customer left the active book: its latest
 *   outcome is `churned` (design 3.2)
 * @churned_day: the day of that outcome, when @churned
 * @renewed_day: the day of its latest `renewed` outcome, or
 *   %VIGIL_UNKNOWN_DAY
 * @last_touch: when the CSM last touched the customer (a logged touch
 *   other than a note, design 3.4), %VIGIL_UNKNOWN when never
 * @first_observed: the customer's oldest snapshot's time
 *
 * One customer as the portfolio shows it.
 */
typedef enum
{
  VIGIL_TREND_7D,
  VIGIL_TREND_14D,
  VIGIL_TREND_28D,
  VIGIL_N_TRENDS
} VigilTrend;

typedef struct
{
  gint64         customer_id;
  char          *source;
  VigilSnapshot *latest;
  VigilScore     score;
  double         trends[VIGIL_N_TRENDS];
  double         peak_14d;
  double         recent_high;
  gint64         nps_14d_ago;
  double         seat_use_28d_ago;
  GPtrArray     *records;
  GStrv          keys;
  const char    *input_sources[VIGIL_N_MEASURES];
  VigilPulse    *pulse;
  VigilPulseMark latest_pulse;
  gboolean       churned;
  gint32         churned_day;
  gint32         renewed_day;
  gint64         last_touch;
  gint64         first_observed;
} VigilPortfolioRow;

/**
 * VigilBook:
 * @VIGIL_BOOK_ACTIVE: the active book: customers whose latest outcome is
 *   not `churned` (design 3.2)
 * @VIGIL_BOOK_CHURNED: the customers who churned
 * @VIGIL_BOOK_ALL: both
 *
 * Which customers a portfolio query lists.
 */
typedef enum
{
  VIGIL_BOOK_ACTIVE,
  VIGIL_BOOK_CHURNED,
  VIGIL_BOOK_ALL
} VigilBook;

/**
 * VigilAccountRecord:
 * @source: the record's source (an interned string)
 * @id: the record's id in that source
 *
 * One record of an account: what one source says about the customer.
 */
typedef struct
{
  const char *source;
  char       *id;
} VigilAccountRecord;

/**
 * VigilFieldSource:
 * @field: a field group of design 2.6 (`last_active`, `mrr`, `seats`,
 *   `api_calls_7d`, `features`, `open_tickets`, `nps`, `renewal_date`,
 *   `plan`), a static string
 * @source: the source of the record that gave it (an interned string)
 */
typedef struct
{
  const char *field;
  const char *source;
} VigilFieldSource;

/**
 * VigilHistoryRow:
 * @snapshot: one observation, features with their names
 * @score: its score
 * @field_sources: (element-type VigilFieldSource): the fields a record
 *   other than the display record gave, in field order; empty for an
 *   account of one record
 * @input_sources: for each measure, the source of the record that gave
 *   its input (an interned string), NULL when it is unknown
 */
typedef struct
{
  VigilSnapshot *snapshot;
  VigilScore     score;
  GArray        *field_sources;
  const char    *input_sources[VIGIL_N_MEASURES];
} VigilHistoryRow;

/**
 * VigilTriggerFiring:
 * @rule: (not nullable): a trigger rule's stable id
 * @kind: `upsell` or `risk`
 * @evidence: (transfer full): why it fires, in words
 * @tier: the customer's tier now, which a trigger marked done is
 *   compared with (design 3.3)
 * @keep_only: the condition holds but does not open an episode; it keeps
 *   one that is open (an `advocate` whose promoter answer is not new)
 *
 * A trigger condition that holds for a customer now.
 */
typedef struct
{
  gint64      customer_id;
  const char *rule;
  const char *kind;
  char       *evidence;
  VigilTier   tier;
  gboolean    keep_only;
} VigilTriggerFiring;

/**
 * VigilTriggerRow:
 *
 * One trigger episode as the inbox shows it.
 */
typedef struct
{
  gint64     id;
  gint64     customer_id;
  char      *customer;
  char      *name;
  char      *rule;
  char      *kind;
  gint64     first_seen;
  char      *state;
  char      *snoozed_until;
  char      *evidence;
  char      *state_by;  /* who set the state (design 5), or NULL */
  gint64     state_at;  /* when, in Unix seconds, or VIGIL_UNKNOWN */
  VigilTier  tier;
} VigilTriggerRow;

/**
 * VigilHealthPoint:
 * @time: when (Unix seconds): an observation, or the start of a bucket
 * @health: the health score, or the average of the bucket
 * @count: how many scores it stands for
 */
typedef struct
{
  gint64 time;
  double health;
  guint  count;
} VigilHealthPoint;

/**
 * VigilCustomerHealthPoint:
 * @customer_id: whose score it is (the store id)
 * @point: when, and the health score (@count 1)
 */
typedef struct
{
  gint64           customer_id;
  VigilHealthPoint point;
} VigilCustomerHealthPoint;

/* Points in a sparkline: a customer's recent health, evenly thinned to
 * at most this many (design 5). */
#define VIGIL_SPARKLINE_POINTS 28

/**
 * VigilSparkline:
 * @customer_id: whose health it is (the store id)
 * @n_points: how many of @health there are
 * @health: the recent health scores, oldest first, ending on the newest
 */
typedef struct
{
  gint64 customer_id;
  guint  n_points;
  double health[VIGIL_SPARKLINE_POINTS];
} VigilSparkline;

/**
 * VigilRecordRow:
 * @id: the store's id of the record
 * @source: the name of its source
 * @external_id: its id in that source
 * @keys: (array zero-terminated=1): its keys, sorted
 * @latest_at: when it was last observed (Unix seconds), or
 *   %VIGIL_UNKNOWN when it never was
 * @detached: whether it was unlinked and stays out of joins by key
 *
 * One record of an account (design 2.6), as the customer page lists it.
 */
typedef struct
{
  gint64    id;
  char     *source;
  char     *external_id;
  char    **keys;
  gint64    latest_at;
  gboolean  detached;
} VigilRecordRow;

void vigil_record_row_free (VigilRecordRow *row);

void vigil_trigger_firing_clear (VigilTriggerFiring *firing);
void vigil_trigger_row_free     (VigilTriggerRow    *row);
void vigil_portfolio_row_free (VigilPortfolioRow *row);

/* Returns: %FALSE to stop, with @error set */
typedef gboolean (*VigilPortfolioRowFunc) (const VigilPortfolioRow  *row,
                                           gpointer                  user_data,
                                           GError                  **error);

void vigil_portfolio_row_get_churn_features (const VigilPortfolioRow *row,
                                             double                  *out_features);
gboolean vigil_portfolio_row_in_book (const VigilPortfolioRow *row,
                                      VigilBook                book);
void vigil_history_row_free   (VigilHistoryRow   *row);

/**
 * VigilStoreCopyFlags:
 * @VIGIL_STORE_COPY_NONE: a whole book into an empty one
 * @VIGIL_STORE_COPY_MERGE: into a book that has its own, joining them
 *
 * How vigil_store_copy() copies (design 4).
 */
typedef enum
{
  VIGIL_STORE_COPY_NONE = 0,
  VIGIL_STORE_COPY_MERGE = 1 << 0,
} VigilStoreCopyFlags;

/**
 * VigilStoreCopyStats:
 * @sources: sources copied
 * @customers: customers (accounts) copied
 * @snapshots: snapshots copied
 * @rows: rows copied, every table's (not counted by a merge)
 * @merged: the target had a book of its own, which @from was joined into
 *   (%VIGIL_STORE_COPY_MERGE); the counts below are a merge's
 * @sources_joined: of @sources, those that joined one of the target's by name
 * @customers_joined: of @customers, those that joined an account the
 *   target had (by record or by key)
 * @already_stored: observations the target had at the same time: kept
 * @touches: touches carried (those the target did not have)
 * @pulses: pulses carried
 * @outcomes: outcomes carried (a day the account has one stays the target's)
 * @triggers: trigger episodes carried (an open one folded into the
 *   target's open one of its rule is not counted)
 * @events: timeline events carried
 * @views: saved views added (one of a name the target has stays the target's)
 *
 * What vigil_store_copy() copied. A merge counts in @sources the source
 * book's sources, in @customers its accounts that came across, and in
 * @snapshots the observations newly stored.
 */
typedef struct
{
  guint64  sources;
  guint64  customers;
  guint64  snapshots;
  guint64  rows;
  gboolean merged;
  guint64  sources_joined;
  guint64  customers_joined;
  guint64  already_stored;
  guint64  touches;
  guint64  pulses;
  guint64  outcomes;
  guint64  triggers;
  guint64  events;
  guint64  views;
} VigilStoreCopyStats;

/* Told of @rows copied of @table so far, and once more when it is @done. */
typedef void (*VigilStoreCopyProgress) (const char *table,
                                        guint64     rows,
                                        gboolean    done,
                                        gpointer    user_data);

#define VIGIL_TYPE_STORE (vigil_store_get_type ())

G_DECLARE_FINAL_TYPE (VigilStore, vigil_store, VIGIL, STORE, GObject)

char           *vigil_store_get_default_path     (void);
gboolean        vigil_store_location_is_shared   (const char           *location);
gboolean        vigil_store_keep_server_password (const char           *location,
                                                  const char           *password,
                                                  GError              **error);
gboolean        vigil_store_forget_server_password (const char         *location,
                                                    GError            **error);
gboolean        vigil_store_is_shared            (VigilStore           *self);
gboolean        vigil_store_may_keep_book        (VigilStore           *self,
                                                  gboolean             *out_may,
                                                  GError              **error);
VigilStore     *vigil_store_open                 (const char           *path,
                                                  GError              **error);
const char     *vigil_store_get_path             (VigilStore           *self);
gboolean        vigil_store_copy                 (VigilStore           *from,
                                                  VigilStore           *to,
                                                  VigilStoreCopyFlags   flags,
                                                  VigilStoreCopyProgress progress,
                                                  gpointer              user_data,
                                                  VigilStoreCopyStats  *out_stats,
                                                  GError              **error);

gboolean        vigil_store_begin                (VigilStore           *self,
                                                  GError              **error);
gboolean        vigil_store_commit               (VigilStore           *self,
                                                  GError              **error);
void            vigil_store_rollback             (VigilStore           *self);

gint64          vigil_store_ensure_source        (VigilStore           *self,
                                                  const char           *name,
                                                  GError              **error);
gint64          vigil_store_lookup_source        (VigilStore           *self,
                                                  const char           *name,
                                                  GError              **error);
VigilScorecard *vigil_store_load_scorecard       (VigilStore           *self,
                                                  GError              **error);
gboolean        vigil_store_save_scorecard       (VigilStore           *self,
                                                  VigilScorecard       *scorecard,
                                                  guint64              *out_rescored,
                                                  GError              **error);
gboolean        vigil_store_sync_triggers        (VigilStore           *self,
                                                  GArray               *firing,
                                                  gint64                now,
                                                  guint                *out_opened,
                                                  GError              **error);
GPtrArray      *vigil_store_list_triggers        (VigilStore           *self,
                                                  gint64                now,
                                                  GError              **error);
GHashTable     *vigil_store_index_open_trigger_rules (VigilStore       *self,
                                                      gint64            now,
                                                      GError          **error);
gboolean        vigil_store_set_trigger_state    (VigilStore           *self,
                                                  gint64                id,
                                                  const char           *state,
                                                  const char           *snoozed_until,
                                                  GError              **error);
gboolean        vigil_store_record_outcome       (VigilStore           *self,
                                                  gint64                customer_id,
                                                  const char           *outcome,
                                                  gint32                day,
                                                  GError              **error);
GPtrArray      *vigil_store_list_outcomes        (VigilStore           *self,
                                                  gint64                customer_id,
                                                  GError              **error);
gboolean        vigil_store_get_outcome_samples  (VigilStore           *self,
                                                  GArray              **out_features,
                                                  GArray              **out_labels,
                                                  GError              **error);

gint64          vigil_store_ensure_customer      (VigilStore           *self,
                                                  gint64                source_id,
                                                  const char           *external_id,
                                                  GError              **error);
gboolean        vigil_store_update_customer      (VigilStore           *self,
                                                  gint64                customer_id,
                                                  const VigilSnapshot  *attributes,
                                                  gint64                latest_at,
                                                  GError              **error);
gboolean        vigil_store_insert_snapshot      (VigilStore           *self,
                                                  gint64                customer_id,
                                                  const VigilSnapshot  *snapshot,
                                                  const char           *features,
                                                  const VigilScore     *score,
                                                  gboolean             *out_inserted,
                                                  GError              **error);

GPtrArray      *vigil_store_list_portfolio       (VigilStore           *self,
                                                  const char           *owner,
                                                  VigilTier             tier,
                                                  GError              **error);
GPtrArray      *vigil_store_list_book            (VigilStore           *self,
                                                  VigilBook             book,
                                                  const char           *owner,
                                                  VigilTier             tier,
                                                  GError              **error);
void            vigil_store_set_reads_alone      (VigilStore           *self,
                                                  gboolean              alone);
GPtrArray      *vigil_store_list_book_scores     (VigilStore           *self,
                                                  VigilBook             book,
                                                  const char           *owner,
                                                  VigilTier             tier,
                                                  GError              **error);
gboolean        vigil_store_foreach_portfolio_row (VigilStore            *self,
                                                   VigilPortfolioRowFunc  func,
                                                   gpointer               user_data,
                                                   GError               **error);
gint64          vigil_store_find_customer        (VigilStore           *self,
                                                  const char           *external_id,
                                                  const char           *source,
                                                  GError              **error);
gboolean        vigil_store_link_records         (VigilStore           *self,
                                                  const char           *source_a,
                                                  const char           *id_a,
                                                  const char           *source_b,
                                                  const char           *id_b,
                                                  gint64               *out_account,
                                                  GError              **error);
gboolean        vigil_store_unlink_record        (VigilStore           *self,
                                                  const char           *source,
                                                  const char           *external_id,
                                                  gint64               *out_account,
                                                  GError              **error);
GPtrArray      *vigil_store_list_records         (VigilStore           *self,
                                                  gint64                customer_id,
                                                  GError              **error);
GPtrArray      *vigil_store_list_history         (VigilStore           *self,
                                                  gint64                customer_id,
                                                  GError              **error);
gint64          vigil_store_count_snapshots      (VigilStore           *self,
                                                  GError              **error);
gint64          vigil_store_count_customers      (VigilStore           *self,
                                                  GError              **error);

gboolean        vigil_store_add_source           (VigilStore           *self,
                                                  VigilSource          *source,
                                                  GError              **error);
gboolean        vigil_store_update_source        (VigilStore           *self,
                                                  VigilSource          *source,
                                                  GError              **error);
GPtrArray      *vigil_store_list_sources         (VigilStore           *self,
                                                  GError              **error);
VigilSource    *vigil_store_get_source           (VigilStore           *self,
                                                  const char           *name,
                                                  GError              **error);
gboolean        vigil_store_remove_source        (VigilStore           *self,
                                                  const char           *name,
                                                  gboolean              delete_history,
                                                  GError              **error);
gboolean        vigil_store_record_poll          (VigilStore           *self,
                                                  VigilSource          *source,
                                                  const VigilPollCensus *census,
                                                  gboolean             *out_became_suspect,
                                                  GError              **error);
gboolean        vigil_store_get_validators       (VigilStore           *self,
                                                  gint64                source_id,
                                                  const char           *url,
                                                  char                **out_etag,
                                                  char                **out_last_modified,
                                                  GError              **error);
gboolean        vigil_store_set_validators       (VigilStore           *self,
                                                  gint64                source_id,
                                                  const char           *url,
                                                  const char           *etag,
                                                  const char           *last_modified,
                                                  GError              **error);
GHashTable     *vigil_store_list_recent_health   (VigilStore           *self,
                                                  gint64                since,
                                                  GError              **error);
gboolean        vigil_store_get_latest_time      (VigilStore           *self,
                                                  gint64               *out_time,
                                                  GError              **error);
GArray         *vigil_store_list_recent_health_points (VigilStore      *self,
                                                       gint64           since,
                                                       GError         **error);
VigilStore     *vigil_store_open_for_book_read   (const char           *path,
                                                  GError              **error);
GArray         *vigil_store_list_sparklines      (VigilStore           *self,
                                                  gint64                since,
                                                  GError              **error);
GArray         *vigil_store_list_average_health  (VigilStore           *self,
                                                  gint64                since,
                                                  gint64                bucket_s,
                                                  const char           *owner,
                                                  GError              **error);
gboolean        vigil_store_get_meta             (VigilStore           *self,
                                                  const char           *key,
                                                  char                **out_value,
                                                  GError              **error);
gboolean        vigil_store_set_meta             (VigilStore           *self,
                                                  const char           *key,
                                                  const char           *value,
                                                  GError              **error);
gboolean        vigil_store_claim_meta           (VigilStore           *self,
                                                  const char           *key,
                                                  const char           *value,
                                                  gboolean             *out_claimed,
                                                  GError              **error);
gboolean        vigil_store_try_lock_source      (VigilStore           *self,
                                                  gint64                source_id,
                                                  gboolean             *out_locked,
                                                  GError              **error);
void            vigil_store_unlock_source        (VigilStore           *self,
                                                  gint64                source_id);
char           *vigil_store_dup_author           (VigilStore           *self,
                                                  GError              **error);

gint64          vigil_store_set_pulse            (VigilStore           *self,
                                                  gint64                customer_id,
                                                  VigilSentiment        sentiment,
                                                  VigilPulseReason      reason,
                                                  const char           *note,
                                                  gint64                at,
                                                  guint64              *out_rescored,
                                                  GError              **error);
gboolean        vigil_store_get_pulse            (VigilStore           *self,
                                                  gint64                customer_id,
                                                  VigilPulse          **out_pulse,
                                                  GError              **error);
GPtrArray      *vigil_store_list_pulses          (VigilStore           *self,
                                                  gint64                customer_id,
                                                  GError              **error);

/* Report queries: the book as it stood at a past time (src/report). */
GPtrArray      *vigil_store_list_portfolio_at    (VigilStore           *self,
                                                  gint64                time,
                                                  const char           *owner,
                                                  GError              **error);
gboolean        vigil_store_get_average_health_every (VigilStore       *self,
                                                  gint64                first,
                                                  gint64                step,
                                                  guint                 n_times,
                                                  const char           *owner,
                                                  double               *out_averages,
                                                  guint                *out_counts,
                                                  GError              **error);
gboolean        vigil_store_get_average_health_at (VigilStore          *self,
                                                  gint64                time,
                                                  const char           *owner,
                                                  double               *out_average,
                                                  guint                *out_count,
                                                  GError              **error);
gboolean        vigil_store_get_history_span     (VigilStore           *self,
                                                  const char           *owner,
                                                  gint64               *out_customers,
                                                  gint64               *out_first,
                                                  gint64               *out_last,
                                                  GError              **error);
GStrv           vigil_store_list_owners          (VigilStore           *self,
                                                  GError              **error);
GPtrArray      *vigil_store_list_triggers_first_seen (VigilStore       *self,
                                                  gint64                since,
                                                  gint64                until,
                                                  const char           *owner,
                                                  GError              **error);
gboolean        vigil_store_count_outcomes_between (VigilStore         *self,
                                                  gint32                first_day,
                                                  gint32                last_day,
                                                  const char           *owner,
                                                  guint                *out_churned,
                                                  guint                *out_renewed,
                                                  GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilPortfolioRow, vigil_portfolio_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilHistoryRow, vigil_history_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilRecordRow, vigil_record_row_free)

G_END_DECLS
