/* vigil-ingest.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-ingest"
/* sync_file_range() */
#define _GNU_SOURCE

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#ifdef G_OS_UNIX
#include <sys/mman.h>
#include <sys/stat.h>
#endif

#include "vigil-error.h"
#include "vigil-ingest.h"
#include "vigil-ingest-private.h"
#include "vigil-json.h"
#include "vigil-snapshot-private.h"
#include "vigil-store-private.h"
#include "vigil-triggers.h"

/* One import or one poll: a single write transaction in which every
 * record is stored and scored, so that it lands wholly or not at all.
 * Customers' names and owners are gathered in memory and written once
 * at the end (or whenever MAX_CUSTOMER_STATES of them are gathered)
 * rather than once per snapshot.
 *
 * Snapshots are keyed by (customer, time), but history files come day
 * by day: written in file order, each row would land on another
 * customer's page, and with thousands of customers the pages no longer
 * fit in SQLite's cache. Rows are therefore gathered in batches, sorted
 * by key and written in order, so each batch touches each page once.
 * Still, each batch comes back to every customer's pages: a bulk import
 * (design 2.5) spools its sorted batches instead and, after the last
 * record, merges them into one sequence in key order and writes that,
 * each page of the history once (design 7).
 *
 * Parsing and writing run side by side, a batch apart: the caller's
 * thread parses records and gathers them into a batch, each with its
 * customer's state (found or made by external id, without the
 * database), its attributes merged there, its features encoded as
 * stored (the feature ids are given there: the ingest holds the write
 * lock, so the table's next ids are known) and its values in a compact
 * row; a writer thread, the only one to touch the database until the
 * commit, takes full batches, finds or adds their new customers'
 * records, then scores and stores the rows while the caller fills the
 * other batch. Two batches bound the memory. An import's readers share
 * feature names through the ingest's table of them, so that the
 * millions of rows that name the same few features allocate none. A
 * poll hands each page over as it is read and has it written at once
 * (vigil_ingest_write_now()), so that storing a page overlaps fetching
 * the next instead of all of it waiting for the last page.
 *
 * Records of one ingest that share an id and a time (a customer with two
 * subscriptions, a CRM export with a row per deal) make one row, field
 * by field as the merge rules say (design 2.5). The sorted batch puts
 * them side by side, to be combined before they are written; one that
 * comes in a later batch finds the row of the first written, which the
 * store gives back to be combined and written again. Memory stays that
 * of two batches, whatever the number of records. */

/* About 22 MB of rows and 13 MB of their features' text (16 MiB at
 * most) a batch, two batches: with SQLite's cache this stays under
 * 100 MB whatever the size of the input (design 7). Each batch comes
 * back to the pages of every customer it has rows of, so the larger,
 * the fewer times. */
#define BATCH_ROWS VIGIL_INGEST_BATCH_ROWS
#define BATCH_FEATURES_BYTES (16 * 1024 * 1024)
#define N_BATCHES 2
/* SQLite's cache while an ingest writes: sorted, a batch comes to each
 * page once, so a small cache does as well as a large one and leaves
 * the memory to the batches. */
#define INGEST_CACHE_KIB 4096
/* Customers whose latest attributes are gathered before they are
 * written: a poll of a million new customers must not hold them all
 * (design 7); most books are far smaller and are written once. */
#define MAX_CUSTOMER_STATES VIGIL_INGEST_MAX_CUSTOMER_STATES

/* A record of this ingest and what it knows of it. The caller's thread
 * makes it and keeps its counts and attributes; the writer's fills in
 * its record and account when the first batch that has it is written
 * (never the same fields: the threads work on one at once). */
typedef struct
{
  gint64  id;
  gint64  record_id;
  gboolean shared;   /* the account has other records: observations stay raw */
  gboolean main;     /* the account's main record (design 2.6) */
  /* Known to the writer once the batch it was first seen in is written:
   * found in the store, or a record new to it, stored then, when its
   * rows in the batch say whether it joins an account at once
   * (resolve_records()). */
  gboolean    pending;
  const char *external_id;  /* the table's key */
  guint64     n_rows;       /* in this ingest */
  gint64      oldest;       /* its oldest observation in this ingest */
  /* The newest snapshot its account has, this ingest's included: a row
   * of a direct record after it cannot be there yet (no other Vigil
   * writes while the ingest holds the lock), so it is written with
   * others at once, not asked for one by one (design 7). */
  gint64      newest_stored;
  GPtrArray *keys;   /* the record's keys seen in this ingest, NULL if none */
  gint64  latest_at;
  /* Its attributes as they are now are in the store already when the
   * two are equal: a new record's are written with it (add_new_record()),
   * during the pages of a poll rather than after the last. The first is
   * the caller's, counting changes; the second the writer's, the count
   * it wrote (the threads never write one field). */
  guint   attributes_version;
  guint   stored_version;
  char   *name;
  char   *plan;
  char   *owner;
  char   *segment;
} CustomerState;

/* Where a pending row's features are, encoded as stored: in the batch's
 * text (@at NO_FEATURES: unknown). */
typedef struct
{
  guint32 at;
  guint32 length;
} FeaturesText;

#define NO_FEATURES G_MAXUINT32

/* A pending row's observed values: a VigilSnapshot's numbers and plan,
 * without its strings, in about half its bytes (design 7). */
typedef struct
{
  gint64      observed_at;
  gint64      last_active;
  double      mrr;
  gint64      seats;
  gint64      seats_used;
  gint64      api_calls_7d;
  gint64      features_used;
  gint64      open_tickets;
  gint64      nps;
  const char *plan;          /* interned by the ingest */
  gint32      renewal_day;
} ObservedValues;

/* A snapshot waiting for its batch to be written: the customer's
 * attributes have gone to its CustomerState, the plan is interned and
 * the features are in the batch's text, so that the row holds no
 * allocation of its own. */
typedef struct
{
  CustomerState *state;      /* its record's, until the batch is written (and
                              * the states are, after it) */
  gint64         customer_id;
  gint64         record_id;  /* > 0: a raw observation of a shared account's record */
  guint64        sequence;   /* file order, so the first of two duplicates wins */
  ObservedValues values;
  FeaturesText   features;
  gboolean       main;       /* of the account's main record */
} PendingRow;

/* A state first seen in a batch, with what its record is resolved by as
 * it was when the batch was handed over (the caller goes on counting). */
typedef struct
{
  CustomerState *state;
  guint64        n_rows;
  gint64         oldest;
  GPtrArray     *keys;   /* a copy, NULL if none */
  VigilSnapshot  attributes;   /* copies of its name, plan, owner and segment */
  gint64         latest_at;
  guint          attributes_version;
} NewState;

/* Rows on their way to the database, filled by the caller and written
 * by the writer, then filled again. */
typedef struct
{
  GArray     *rows;          /* of PendingRow */
  GString    *features;      /* their features' text, each NUL-terminated */
  GPtrArray  *new_features;  /* of VigilFeatureName (the ingest's): names these rows use first */
  GArray     *new_states;    /* of NewState: records these rows are the first of */
  /* Set on the last batch of a generation of customer states (a poll of
   * a million customers does not hold them all, design 7): the writer
   * writes and forgets them after the rows. */
  GHashTable *customers;
  /* A merged batch's (design 7): each row's score, computed by the
   * thread that merged them; NULL in others. */
  GArray     *scores;        /* of RowScore */
} Batch;

/* What is stored of a row's score. */
typedef struct
{
  double    health;
  gint64    version;
  VigilTier tier;
} RowScore;

/* design 7: a bulk import's sorted batches ("runs"), side by side in an
 * unlinked file beside the database, merged into one sequence in key
 * order at the end and written then, each page of the history once. */
typedef struct
{
  int         fd;
  guint64     size;      /* bytes in the file and its buffer */
  GByteArray *buffer;    /* to be written to the file */
  GArray     *runs;      /* of guint64: where each run starts */
  /* the records of the generation being spooled (design 7), whose rows
   * are not stored yet: a spool that ends early finds what is */
  GPtrArray  *states;
  /* the database file's descriptor, SQLite's own, whose pages a thread
   * has the kernel start writing while the merge goes on (-1: none
   * found), and the merge's requests to that thread */
  int          database_fd;
  dev_t        database_dev;
  ino_t        database_ino;
  GThread     *writeback;
  GAsyncQueue *writeback_requests;
} Spool;

/* A row of a run, followed in the file by its features' text. In the
 * file it is encoded (spooled_row_encode ()) in about 40 bytes of its
 * 104: the spool is written and read back once, and on a machine where
 * the kernel's pages are slow to come its bytes cost (design 7). */
typedef struct
{
  gint64         customer_id;
  guint64        sequence;
  ObservedValues values;     /* its plan interned by the ingest */
  guint32        features_length;   /* NO_FEATURES: unknown */
} SpooledRow;

struct _VigilIngest
{
  GObject          parent_instance;

  VigilStore      *store;
  VigilScorecard  *scorecard;
  GHashTable      *pulses;      /* customer id → its pulses, when sentiment counts (design 3.1) */
  gint64           source_id;
  gint64           default_observed_at;
  /* The caller's */
  GHashTable      *customers;   /* external id → CustomerState, this generation's */
  GPtrArray       *new_states;  /* first seen in the batch being filled, in that order */
  GHashTable      *plans;       /* interned plan names */
  guint64          sequence;    /* rows read */
  /* The writer's (and the caller's after it has joined) */
  GHashTable      *direct;      /* accounts a live state writes snapshots of */
  GArray          *keyed;       /* accounts whose records gained keys: to join */
  GHashTable      *to_recompute; /* account → the oldest time its merged state changed at */
  /* records_read, unknown_values, skipped and the example are the
   * caller's; the rest the writer's */
  VigilIngestStats stats;
  gboolean         open;
  VigilMergeRule   merge[VIGIL_N_FIELDS];
  VigilStoreRepeats *repeats;   /* once a row is found already written */
  GHashTable      *already_stored; /* of AlreadyStored: count_already_stored() */
  gboolean         bulk;        /* into an empty history, without the WAL (design 2.5) */
  gboolean         within;      /* in a transaction of its caller's: vigil db copy --merge */
  Spool           *spool;       /* the writer's, while a bulk import's rows wait to be merged */
  PendingRow       merged_last; /* the writer's: the last row a merge of the spool wrote */

  /* The caller's: every feature name known (the features table as this
   * transaction has it, and the names records bring), shared with the
   * records' readers (vigil-snapshot-private.h); the next id to give. */
  VigilFeatureNames *feature_names;
  int              next_feature_id;

  /* The hand-over between the caller and the writer thread. */
  GThread         *writer;
  GAsyncQueue     *filled;      /* batches to write */
  GAsyncQueue     *emptied;     /* batches written, to fill again */
  Batch           *batch;       /* being filled by the caller */
  Batch           *batches[N_BATCHES];
  int              failed;      /* atomic: the writer met an error */
  /* For the debug log: when the ingest began, and the caller's CPU time then */
  gint64           began;
  double           began_cpu;
  GMutex           error_lock;
  GError          *writer_error;
};

/* Pushed after the last batch: the writer ends. */
static Batch end_of_records;

G_DEFINE_FINAL_TYPE (VigilIngest, vigil_ingest, G_TYPE_OBJECT)

static const char * const merge_rule_names[] = {
  [VIGIL_MERGE_LAST] = "last",
  [VIGIL_MERGE_FIRST] = "first",
  [VIGIL_MERGE_SUM] = "sum",
  [VIGIL_MERGE_MAX] = "max",
  [VIGIL_MERGE_MIN] = "min",
};

const char *
vigil_merge_rule_get_name (VigilMergeRule rule)
{
  g_return_val_if_fail (rule >= VIGIL_MERGE_LAST && rule <= VIGIL_MERGE_MIN, NULL);

  return merge_rule_names[rule];
}

/**
 * vigil_merge_rule_parse:
 * @field: the field the rule is for
 * @name: sum, max, min, first or last
 *
 * Amounts and counts may be summed; a score, a time and a date are
 * compared; text, keys and features are the last record's (design 2.5).
 *
 * Returns: %TRUE with the rule in @out_rule, or %FALSE with @error
 *   saying why @name is not one for @field
 */
gboolean
vigil_merge_rule_parse (VigilField       field,
                        const char      *name,
                        VigilMergeRule  *out_rule,
                        GError         **error)
{
  VigilMergeRule rule = VIGIL_MERGE_LAST;
  gboolean found = FALSE;

  g_return_val_if_fail (field > VIGIL_FIELD_NONE && field < VIGIL_N_FIELDS, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (merge_rule_names); i++)
    if (g_str_equal (name, merge_rule_names[i]))
      {
        rule = (VigilMergeRule) i;
        found = TRUE;
      }
  if (!found)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("“%s” is not sum, max, min, first or last"), name);
      return FALSE;
    }

  switch (field)
    {
    case VIGIL_FIELD_MRR:
    case VIGIL_FIELD_SEATS:
    case VIGIL_FIELD_SEATS_USED:
    case VIGIL_FIELD_API_CALLS_7D:
    case VIGIL_FIELD_OPEN_TICKETS:
      break;
    case VIGIL_FIELD_NPS:
    case VIGIL_FIELD_LAST_ACTIVE:
    case VIGIL_FIELD_RENEWAL_DATE:
      if (rule == VIGIL_MERGE_SUM)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("%s cannot be summed: use max, min, first or last"), vigil_field_get_name (field));
          return FALSE;
        }
      break;
    default:
      if (rule != VIGIL_MERGE_LAST)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("merge applies to mrr, seats, seats_used, api_calls_7d, open_tickets, nps, "
                         "last_active and renewal_date; %s is the last record's"),
                       vigil_field_get_name (field));
          return FALSE;
        }
      break;
    }
  *out_rule = rule;
  return TRUE;
}

static void
customer_state_free (gpointer data)
{
  CustomerState *state = data;

  g_free (state->name);
  g_free (state->plan);
  g_free (state->owner);
  g_free (state->segment);
  g_clear_pointer (&state->keys, g_ptr_array_unref);
  g_free (state);
}

/* The newest snapshot's attributes win; older ones only fill gaps. Most
 * rows repeat the name they had. */
static gboolean
merge_attribute (char       **slot,
                 const char  *value,
                 gboolean     newer)
{
  if (value == NULL || !(newer || *slot == NULL) || g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

static void
merge_attributes (CustomerState       *state,
                  const VigilSnapshot *snapshot)
{
  gboolean newer = snapshot->observed_at >= state->latest_at;
  gboolean changed = FALSE;

  changed |= merge_attribute (&state->name, snapshot->name, newer);
  changed |= merge_attribute (&state->owner, snapshot->owner, newer);
  changed |= merge_attribute (&state->segment, snapshot->segment, newer);
  changed |= merge_attribute (&state->plan, snapshot->plan, newer);
  if (newer && snapshot->observed_at != state->latest_at)
    {
      state->latest_at = snapshot->observed_at;
      changed = TRUE;
    }
  if (changed)
    state->attributes_version++;
}

/* design 2.6: a record's keys are a union over time. They are copied:
 * the record's own array is freed with the slot that holds it. */
static void
merge_keys (CustomerState       *state,
            const VigilSnapshot *snapshot)
{
  if (snapshot->keys == NULL)
    return;
  if (state->keys == NULL)
    state->keys = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < snapshot->keys->len; i++)
    {
      const char *key = g_ptr_array_index (snapshot->keys, i);

      if (!g_ptr_array_find_with_equal_func (state->keys, key, g_str_equal, NULL))
        g_ptr_array_add (state->keys, g_strdup (key));
    }
}

/* Notes that @account's merged state changed from @since on (G_MAXINT64:
 * only its name and owner may have; G_MININT64: all of it). */
static void
mark_for_recompute (VigilIngest *self,
                    gint64       account,
                    gint64       since)
{
  gint64 *known = g_hash_table_lookup (self->to_recompute, &account);

  if (known == NULL)
    g_hash_table_insert (self->to_recompute, g_memdup2 (&account, sizeof account),
                         g_memdup2 (&since, sizeof since));
  else if (since < *known)
    *known = since;
}

/* The caller's: the state of record @external_id, made if new to this
 * generation, to be found or stored by the writer. */
static CustomerState *
lookup_customer (VigilIngest *self,
                 const char  *external_id)
{
  CustomerState *state = g_hash_table_lookup (self->customers, external_id);
  char *key;

  if (state != NULL)
    return state;

  state = g_new0 (CustomerState, 1);
  state->latest_at = G_MININT64;
  state->attributes_version = 1;   /* none stored */
  state->oldest = G_MAXINT64;
  state->pending = TRUE;
  key = g_strdup (external_id);
  state->external_id = key;
  g_hash_table_insert (self->customers, key, state);
  g_ptr_array_add (self->new_states, state);
  return state;
}

/* design 2.6: the one account that attached records holding any of
 * @keys belong to, 0 when none or several do (those join at the end,
 * by the rule of resolve_accounts()). */
static gboolean
find_key_account (VigilIngest  *self,
                  GPtrArray    *keys,
                  gint64       *out_account,
                  GError      **error)
{
  *out_account = 0;
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    {
      g_autoptr(GArray) accounts = _vigil_store_find_key_accounts (self->store, keys->pdata[i], error);

      if (accounts == NULL)
        return FALSE;
      for (guint a = 0; a < accounts->len; a++)
        {
          gint64 account = g_array_index (accounts, gint64, a);

          if (*out_account != 0 && *out_account != account)
            {
              *out_account = 0;
              return TRUE;
            }
          *out_account = account;
        }
    }
  return TRUE;
}

/* The writer's: stores @new_state's record, new to the store (only this
 * ingest writes), as an account of its own, with its attributes as the
 * rows said when its batch was handed over. Written again over them at
 * the end, should later rows change them, they end as if written once:
 * the newest-wins rule of the store, applied to a row that holds what a
 * part of the rows said, gives what all of them say. */
static gboolean
add_new_record (VigilIngest     *self,
                const NewState  *new_state,
                VigilRecordRef  *record,
                GError         **error)
{
  if (!_vigil_store_add_record (self->store, self->source_id, new_state->state->external_id,
                                &new_state->attributes, new_state->latest_at, record, error))
    return FALSE;
  new_state->state->stored_version = new_state->attributes_version;
  return TRUE;
}

/* The writer's: the records of this batch's new states that the store
 * has already, looked up together (on a server, a round trip for many). */
static gboolean
find_records (VigilIngest  *self,
              Batch        *batch,
              GError      **error)
{
  guint n = batch->new_states->len;
  g_autofree const char **external_ids = g_new (const char *, MAX (n, 1));
  g_autofree VigilRecordRef *records = g_new0 (VigilRecordRef, MAX (n, 1));
  g_autofree gboolean *found = g_new0 (gboolean, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    external_ids[i] = g_array_index (batch->new_states, NewState, i).state->external_id;
  if (!_vigil_store_find_records (self->store, self->source_id, external_ids, n, records, found,
                                  error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      CustomerState *state = g_array_index (batch->new_states, NewState, i).state;
      const VigilRecordRef *record = &records[i];

      if (!found[i])
        continue;
      state->id = record->customer_id;
      state->record_id = record->record_id;
      state->shared = record->shared;
      state->main = record->main;
      state->newest_stored = record->newest;
      state->pending = FALSE;
      if (record->shared)
        mark_for_recompute (self, record->customer_id, G_MAXINT64);
      else
        g_hash_table_add (self->direct, g_memdup2 (&state->id, sizeof state->id));
    }
  return TRUE;
}

/* The writer's: on a server, when every record of this batch that the
 * store has not is to be an account of its own (none has keys that may
 * join it to another), the ids they will take, asked for all at once;
 * they are then added together (add_reserved_records()). Else
 * @out_reserved is NULL and each is added as it comes. Taken in the
 * order the records are added, so ids keep that order. */
static gboolean
reserve_new_records (VigilIngest      *self,
                     Batch            *batch,
                     VigilRecordRef  **out_reserved,
                     GError          **error)
{
  g_autofree VigilRecordRef *reserved = NULL;
  guint n = 0;

  *out_reserved = NULL;
  if (!vigil_store_is_shared (self->store))
    return TRUE;
  for (guint i = 0; i < batch->new_states->len; i++)
    {
      const NewState *new_state = &g_array_index (batch->new_states, NewState, i);

      if (!new_state->state->pending)
        continue;
      if (new_state->keys != NULL && new_state->keys->len > 0)
        return TRUE;
      n++;
    }
  if (n == 0)
    return TRUE;
  reserved = g_new (VigilRecordRef, n);
  if (!_vigil_store_reserve_record_ids (self->store, n, reserved, error))
    return FALSE;
  *out_reserved = g_steal_pointer (&reserved);
  return TRUE;
}

/* The writer's: adds @records (the reserved ones of this batch), then
 * notes their attributes as stored. */
static gboolean
add_reserved_records (VigilIngest  *self,
                      GArray       *records,
                      GPtrArray    *states,
                      GError      **error)
{
  if (records->len == 0)
    return TRUE;
#ifdef HAVE_POSTGRESQL
  if (!_vigil_store_add_reserved_records (self->store, self->source_id,
                                          (const VigilNewRecord *) records->data, records->len, error))
    return FALSE;
#else
  g_assert_not_reached ();
#endif
  for (guint i = 0; i < states->len; i++)
    {
      const NewState *new_state = g_ptr_array_index (states, i);

      new_state->state->stored_version = new_state->attributes_version;
    }
  return TRUE;
}

/* design 2.6: stores the records first seen in this batch that the
 * store has not. One whose keys name one account joins it at once,
 * nothing being merged later: when the account has at least as much
 * history as the record brings in this ingest so far (a CRM or support
 * export's one row joining a product's year), as one more record, its
 * rows going where other records' do; when it brings more (a product's
 * year joining a CRM's one row), as the account's main record, its rows
 * becoming the snapshots, so the longer history is written once. Any
 * other (keys naming several accounts, or none) becomes an account of
 * its own, to be joined at the end. Then each row knows its record. */
static gboolean
resolve_records (VigilIngest  *self,
                 Batch        *batch,
                 GError      **error)
{
  g_autofree VigilRecordRef *reserved = NULL;
  g_autoptr(GArray) reserved_records = g_array_new (FALSE, FALSE, sizeof (VigilNewRecord));
  g_autoptr(GPtrArray) reserved_states = g_ptr_array_new ();

  if (!find_records (self, batch, error) || !reserve_new_records (self, batch, &reserved, error))
    return FALSE;

  /* in the order first seen: record ids keep it (design 2.6) */
  for (guint i = 0; i < batch->new_states->len; i++)
    {
      const NewState *new_state = &g_array_index (batch->new_states, NewState, i);
      CustomerState *state = new_state->state;
      VigilRecordRef record;
      gint64 account = 0;
      gint64 history = 0;

      if (!state->pending)
        continue;
      if (!find_key_account (self, new_state->keys, &account, error) ||
          (account != 0 && !_vigil_store_count_snapshots (self->store, account, &history, error)))
        return FALSE;
      if (account != 0 && (guint64) history >= new_state->n_rows)
        {
          if (!_vigil_store_attach_record (self->store, self->source_id, state->external_id, account,
                                           &record, error))
            return FALSE;
          mark_for_recompute (self, account, new_state->oldest);
        }
      /* an account whose snapshots a record of this ingest writes keeps
       * its main record until the end, where accounts merge */
      else if (account != 0 && !g_hash_table_contains (self->direct, &account))
        {
          gint64 since = G_MAXINT64;

          if (!_vigil_store_adopt_record (self->store, self->source_id, state->external_id, account,
                                          &record, &since, error))
            return FALSE;
          mark_for_recompute (self, account, since);
        }
      else if (reserved != NULL)
        {
          VigilNewRecord added = {
            state->external_id, &new_state->attributes, new_state->latest_at,
            reserved[reserved_records->len],
          };

          g_array_append_val (reserved_records, added);
          g_ptr_array_add (reserved_states, (gpointer) new_state);
          record = added.ids;
        }
      else if (!add_new_record (self, new_state, &record, error))
        return FALSE;
      state->id = record.customer_id;
      state->record_id = record.record_id;
      state->shared = record.shared;
      state->main = record.main;
      state->newest_stored = record.newest;
      state->pending = FALSE;
      if (!state->shared)
        g_hash_table_add (self->direct, g_memdup2 (&state->id, sizeof state->id));
    }
  if (!add_reserved_records (self, reserved_records, reserved_states, error))
    return FALSE;

  for (guint i = 0; i < batch->rows->len; i++)
    {
      PendingRow *row = &g_array_index (batch->rows, PendingRow, i);

      row->customer_id = row->state->id;
      row->record_id = row->state->shared ? row->state->record_id : 0;
      row->main = row->state->main;
      /* a shared account's merged state is rebuilt at the end */
      if (row->state->shared)
        mark_for_recompute (self, row->customer_id, row->values.observed_at);
    }
  return TRUE;
}

/* Adds @length bytes of features text to the batch's (a repeat's read
 * back, by the writer). */
static FeaturesText
keep_features (Batch      *batch,
               const char *text,
               gsize       length)
{
  FeaturesText kept = { NO_FEATURES, 0 };

  if (text == NULL)
    return kept;
  kept.at = (guint32) batch->features->len;
  kept.length = (guint32) length;
  g_string_append_len (batch->features, text, (gssize) length);
  g_string_append_c (batch->features, '\0');
  return kept;
}

static const char *
features_text (Batch              *batch,
               const FeaturesText *features)
{
  return features->at != NO_FEATURES ? batch->features->str + features->at : NULL;
}

static int
compare_pending_rows (gconstpointer a,
                      gconstpointer b)
{
  const PendingRow *ra = a;
  const PendingRow *rb = b;

  if (ra->customer_id != rb->customer_id)
    return ra->customer_id < rb->customer_id ? -1 : 1;
  /* Records of one account, each apart: a repeat is of one record. */
  if (ra->record_id != rb->record_id)
    return ra->record_id < rb->record_id ? -1 : 1;
  if (ra->values.observed_at != rb->values.observed_at)
    return ra->values.observed_at < rb->values.observed_at ? -1 : 1;
  return (ra->sequence > rb->sequence) - (ra->sequence < rb->sequence);
}

static const char *
intern_plan (VigilIngest *self,
             const char  *plan)
{
  char *interned;

  if (plan == NULL)
    return NULL;
  interned = g_hash_table_lookup (self->plans, plan);
  if (interned == NULL)
    {
      interned = g_strdup (plan);
      g_hash_table_add (self->plans, interned);
    }
  return interned;
}

/* Writes the customers' latest attributes gathered so far and forgets
 * them. The store merges them with what it has by the rule of
 * merge_attributes(), as it does across imports: written in several
 * goes they end the same, unless a customer's records go back and forth
 * in time across two goes (then a gap may be filled from an older
 * record than in one go). */
static gboolean
write_customers (VigilIngest  *self,
                 GHashTable   *customers,
                 GError      **error)
{
  guint size = g_hash_table_size (customers);
  g_autofree VigilSnapshot *attributes = g_new0 (VigilSnapshot, size);
  g_autoptr(GArray) records = g_array_sized_new (FALSE, FALSE, sizeof (VigilAttributeUpdate), size);
  g_autoptr(GArray) accounts = g_array_sized_new (FALSE, FALSE, sizeof (VigilAttributeUpdate), size);
  GHashTableIter iter;
  CustomerState *state;

  g_hash_table_iter_init (&iter, customers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    {
      VigilSnapshot *kept = &attributes[records->len];

      if (state->keys != NULL)
        {
          gboolean added = FALSE;

          if (!_vigil_store_add_record_keys (self->store, state->record_id, state->keys,
                                             &added, error))
            return FALSE;
          if (added)
            g_array_append_val (self->keyed, state->id);
        }
      if (state->latest_at == G_MININT64 || state->stored_version == state->attributes_version)
        continue;
      *kept = (VigilSnapshot) {
        .name = state->name, .plan = state->plan,
        .owner = state->owner, .segment = state->segment,
      };
      g_array_append_val (records, ((VigilAttributeUpdate) { state->record_id, kept, state->latest_at }));
      /* A shared account's row is rebuilt from its records' at the end. */
      if (!state->shared)
        g_array_append_val (accounts, ((VigilAttributeUpdate) { state->id, kept, state->latest_at }));
    }
  /* Written together: on PostgreSQL a statement for many (design 1). */
  if (!_vigil_store_update_many (self->store, FALSE, (VigilAttributeUpdate *) records->data,
                                 records->len, error) ||
      !_vigil_store_update_many (self->store, TRUE, (VigilAttributeUpdate *) accounts->data,
                                 accounts->len, error))
    return FALSE;
  g_hash_table_remove_all (customers);
  g_hash_table_remove_all (self->direct);
  return TRUE;
}

/* Combining records that share an id ------------------------------------ */

static void
combine_double (VigilMergeRule  rule,
                double         *into,
                double          later)
{
  /* A record that does not know a field says nothing about it. */
  if (isnan (later))
    return;
  if (isnan (*into))
    *into = later;
  else if (rule == VIGIL_MERGE_LAST)
    *into = later;
  else if (rule == VIGIL_MERGE_SUM)
    *into += later;
  else if (rule == VIGIL_MERGE_MAX)
    *into = MAX (*into, later);
  else if (rule == VIGIL_MERGE_MIN)
    *into = MIN (*into, later);
}

static void
combine_integer (VigilMergeRule  rule,
                 gint64         *into,
                 gint64          later,
                 gint64          unknown)
{
  if (later == unknown)
    return;
  if (*into == unknown)
    *into = later;
  else if (rule == VIGIL_MERGE_LAST)
    *into = later;
  else if (rule == VIGIL_MERGE_SUM)
    *into += later;
  else if (rule == VIGIL_MERGE_MAX)
    *into = MAX (*into, later);
  else if (rule == VIGIL_MERGE_MIN)
    *into = MIN (*into, later);
}

/* @later's values into @into's, field by field as @rules say (design
 * 2.5). The plan and the features (with their count) are the last
 * record's that gives them; features pointers are swapped, not copied,
 * so each is freed once with its row. */
static void
combine_rows (const VigilMergeRule  *rules,
              ObservedValues        *into,
              FeaturesText          *into_features,
              const ObservedValues  *later,
              FeaturesText          *later_features)
{
  gint64 renewal = into->renewal_day;

  combine_double (rules[VIGIL_FIELD_MRR], &into->mrr, later->mrr);
  combine_integer (rules[VIGIL_FIELD_SEATS], &into->seats, later->seats, VIGIL_UNKNOWN);
  combine_integer (rules[VIGIL_FIELD_SEATS_USED], &into->seats_used, later->seats_used, VIGIL_UNKNOWN);
  combine_integer (rules[VIGIL_FIELD_API_CALLS_7D], &into->api_calls_7d, later->api_calls_7d,
                   VIGIL_UNKNOWN);
  combine_integer (rules[VIGIL_FIELD_OPEN_TICKETS], &into->open_tickets, later->open_tickets,
                   VIGIL_UNKNOWN);
  combine_integer (rules[VIGIL_FIELD_NPS], &into->nps, later->nps, VIGIL_UNKNOWN);
  combine_integer (rules[VIGIL_FIELD_LAST_ACTIVE], &into->last_active, later->last_active, VIGIL_UNKNOWN);
  combine_integer (rules[VIGIL_FIELD_RENEWAL_DATE], &renewal, later->renewal_day, VIGIL_UNKNOWN_DAY);
  into->renewal_day = (gint32) renewal;
  if (later->plan != NULL)
    into->plan = later->plan;
  if (later_features->at != NO_FEATURES || later->features_used != VIGIL_UNKNOWN)
    {
      FeaturesText features = *into_features;

      *into_features = *later_features;
      *later_features = features;
      into->features_used = later->features_used;
    }
}

static void
keep_values (ObservedValues      *values,
             const VigilSnapshot *snapshot,
             const char          *plan)
{
  *values = (ObservedValues) {
    .observed_at = snapshot->observed_at,
    .last_active = snapshot->last_active,
    .mrr = snapshot->mrr,
    .seats = snapshot->seats,
    .seats_used = snapshot->seats_used,
    .api_calls_7d = snapshot->api_calls_7d,
    .features_used = snapshot->features_used,
    .open_tickets = snapshot->open_tickets,
    .nps = snapshot->nps,
    .plan = plan,
    .renewal_day = snapshot->renewal_day,
  };
}

/* The snapshot the store writes and the scorecard scores: @values, and
 * nothing else (its strings borrowed, not to be freed). */
static void
values_to_snapshot (const ObservedValues *values,
                    VigilSnapshot        *snapshot)
{
  *snapshot = (VigilSnapshot) {
    .plan = (char *) values->plan,
    .mrr = values->mrr,
    .seats = values->seats,
    .seats_used = values->seats_used,
    .api_calls_7d = values->api_calls_7d,
    .features_used = values->features_used,
    .open_tickets = values->open_tickets,
    .nps = values->nps,
    .last_active = values->last_active,
    .observed_at = values->observed_at,
    .renewal_day = values->renewal_day,
  };
}

/* Writer thread: scores @snapshot of account @customer_id, with the
 * pulse in force at its time when sentiment counts (design 3.1). */
static void
score_snapshot (VigilIngest         *self,
                gint64               customer_id,
                const VigilSnapshot *snapshot,
                VigilScore          *out_score)
{
  const VigilPulseMark *pulse = NULL;

  if (self->pulses != NULL)
    pulse = vigil_pulse_marks_find (g_hash_table_lookup (self->pulses, &customer_id),
                                    snapshot->observed_at, NULL);
  vigil_scorecard_compute_with_pulse (self->scorecard, snapshot, pulse, out_score);
}

static void
row_score (VigilIngest         *self,
           gint64               customer_id,
           const VigilSnapshot *snapshot,
           RowScore            *out_score)
{
  VigilScore score;

  score_snapshot (self, customer_id, snapshot, &score);
  *out_score = (RowScore) { score.health, score.version, score.tier };
}

static gboolean
write_row (VigilIngest  *self,
           Batch        *batch,
           PendingRow   *row,
           gboolean     *out_inserted,
           GError      **error)
{
  const char *features = features_text (batch, &row->features);
  VigilSnapshot snapshot;
  VigilScore score;

  values_to_snapshot (&row->values, &snapshot);
  if (row->record_id > 0)
    return _vigil_store_insert_observation (self->store, row->record_id, &snapshot, features,
                                            row->features.length, out_inserted, error);
  score_snapshot (self, row->customer_id, &snapshot, &score);
  return _vigil_store_write_snapshot (self->store, row->customer_id, &snapshot, features,
                                      row->features.length, &score, out_inserted, error);
}

/* A row found stored before this ingest began, by its key: an account's
 * snapshot (its id) or a record's raw observation (minus its id). */
typedef struct
{
  gint64 key;
  gint64 observed_at;
} AlreadyStored;

/* A row of @key (an account, or a record's observations) at @observed_at
 * is the same data as a row stored before this ingest began: left as it
 * is, counted once as already stored. A later row of the key at that
 * time, in a later batch, is a record that repeated an id, as it would
 * have been in the same batch: a poll writes page by page, and neither
 * pages nor batches change the counts (design 2.5). One time a key is
 * remembered, the latest found: memory follows the records, not the rows. */
static void
count_already_stored (VigilIngest *self,
                      gboolean     observation,
                      gint64       key,
                      gint64       observed_at)
{
  gint64 id = observation ? -key : key;
  AlreadyStored *found = g_hash_table_lookup (self->already_stored, &id);

  if (found != NULL && found->observed_at == observed_at)
    {
      self->stats.repeated++;
      return;
    }
  self->stats.duplicates++;
  if (found == NULL)
    {
      found = g_new (AlreadyStored, 1);
      found->key = id;
      g_hash_table_insert (self->already_stored, &found->key, found);
    }
  found->observed_at = observed_at;
}

/* @row found a row at its key already: one stored before this ingest is
 * the same data again, left alone; one this ingest wrote (an earlier
 * page or batch) is taken back, combined with @row and written again. */
static gboolean
write_over_row (VigilIngest  *self,
                Batch        *batch,
                PendingRow   *row,
                GError      **error)
{
  gboolean observation = row->record_id > 0;
  gint64 key = observation ? row->record_id : row->customer_id;
  gboolean predates = TRUE;
  gboolean inserted = FALSE;
  g_autofree char *stored_plan = NULL;
  g_autofree char *stored_features = NULL;
  PendingRow earlier = { .customer_id = row->customer_id, .record_id = row->record_id, .main = row->main };
  VigilSnapshot stored = { 0, };
  gboolean ok;

  if (self->repeats == NULL && !(self->repeats = _vigil_store_repeats_new (self->store, error)))
    return FALSE;
  /* A bulk import began with no history: nothing predates it (and no
   * second connection could read while it holds the file). */
  if (self->bulk)
    predates = FALSE;
  else if (!_vigil_store_repeats_predates (self->repeats, observation, key, row->values.observed_at,
                                           &predates, error))
    return FALSE;
  if (predates)
    {
      count_already_stored (self, observation, key, row->values.observed_at);
      return TRUE;
    }

  vigil_snapshot_clear (&stored);
  ok = _vigil_store_repeats_take_row (self->repeats, observation, key, row->values.observed_at,
                                      &stored, &stored_features, error);
  /* The plan read back is ours to free, whichever plan the row keeps. */
  stored_plan = g_steal_pointer (&stored.plan);
  if (!ok)
    return FALSE;
  keep_values (&earlier.values, &stored, stored_plan);
  earlier.features = keep_features (batch, stored_features,
                                    stored_features != NULL ? strlen (stored_features) : 0);
  combine_rows (self->merge, &earlier.values, &earlier.features, &row->values, &row->features);
  ok = write_row (self, batch, &earlier, &inserted, error);
  if (ok)
    self->stats.repeated++;
  return ok;
}

static gboolean
same_key (const PendingRow *a,
          const PendingRow *b)
{
  return a->customer_id == b->customer_id && a->record_id == b->record_id &&
         a->values.observed_at == b->values.observed_at;
}

/* Combines the pending rows that share a key (a record's repeats, side
 * by side once sorted) into the first of them, by the fields' @rules,
 * and closes the gaps. Returns how many were combined into another. */
static guint
combine_repeats (const VigilMergeRule *rules,
                 Batch                *batch)
{
  GArray *pending = batch->rows;
  guint combined = 0;
  guint kept = 0;

  for (guint i = 0; i < pending->len; i++)
    {
      PendingRow *row = &g_array_index (pending, PendingRow, i);
      PendingRow *last = &g_array_index (pending, PendingRow, kept > 0 ? kept - 1 : 0);

      if (kept > 0 && same_key (last, row))
        {
          combine_rows (rules, &last->values, &last->features, &row->values, &row->features);
          combined++;
          continue;
        }
      if (kept != i)
        g_array_index (pending, PendingRow, kept) = *row;
      kept++;
    }
  g_array_set_size (pending, kept);
  return combined;
}

/* Whether @row is a snapshot of a direct record after every one its
 * account has: then no row has its key yet. */
static gboolean
is_new_row (const PendingRow *row)
{
  return row->record_id == 0 && row->values.observed_at > row->state->newest_stored;
}

/* Writes @n rows of the batch, from @first, one at a time, as any row
 * may need: found there already, or a main record's observation. */
static gboolean
write_rows_singly (VigilIngest  *self,
                   Batch        *batch,
                   guint         first,
                   guint         n,
                   GError      **error)
{
  for (guint i = first; i < first + n; i++)
    {
      PendingRow *row = &g_array_index (batch->rows, PendingRow, i);
      gboolean inserted = FALSE;

      /* design 2.6: the main record's observation at that time may be in
       * the account's snapshots already (never written by this ingest,
       * which keeps the main record's new ones in observations) */
      if (row->record_id > 0 && row->main)
        {
          gboolean stored = FALSE;

          if (!_vigil_store_find_implicit_observation (self->store, row->customer_id,
                                                       row->values.observed_at, &stored, error))
            return FALSE;
          if (stored)
            {
              count_already_stored (self, FALSE, row->customer_id, row->values.observed_at);
              continue;
            }
        }
      if (!write_row (self, batch, row, &inserted, error))
        return FALSE;
      if (inserted)
        self->stats.stored++;
      else if (!write_over_row (self, batch, row, error))
        return FALSE;
    }
  return TRUE;
}

/* Writes @n new rows of the batch, from @first (or those at the
 * positions @at, when not NULL), scored, with one statement a table:
 * VIGIL_STORE_ROWS_AT_ONCE of them, or on PostgreSQL any number, with a
 * COPY a table. */
static gboolean
write_new_rows (VigilIngest  *self,
                Batch        *batch,
                const guint  *at,
                guint         first,
                guint         n,
                GError      **error)
{
  VigilNewSnapshot rows_at_once[VIGIL_STORE_ROWS_AT_ONCE];
  VigilSnapshot snapshots_at_once[VIGIL_STORE_ROWS_AT_ONCE];
  g_autofree VigilNewSnapshot *many_rows = NULL;
  g_autofree VigilSnapshot *many_snapshots = NULL;
  VigilNewSnapshot *rows = rows_at_once;
  VigilSnapshot *snapshots = snapshots_at_once;
  gboolean ok;

  if (n > VIGIL_STORE_ROWS_AT_ONCE)
    {
      rows = many_rows = g_new (VigilNewSnapshot, n);
      snapshots = many_snapshots = g_new (VigilSnapshot, n);
    }
  for (guint i = 0; i < n; i++)
    {
      guint index = at != NULL ? at[i] : first + i;
      PendingRow *row = &g_array_index (batch->rows, PendingRow, index);
      RowScore score;

      values_to_snapshot (&row->values, &snapshots[i]);
      if (batch->scores != NULL)
        score = g_array_index (batch->scores, RowScore, index);
      else
        row_score (self, row->customer_id, &snapshots[i], &score);
      rows[i] = (VigilNewSnapshot) {
        .customer_id = row->customer_id,
        .snapshot = &snapshots[i],
        .features = features_text (batch, &row->features),
        .features_length = row->features.length,
        .version = score.version,
        .health = score.health,
        .tier = score.tier,
      };
    }
#ifdef HAVE_POSTGRESQL
  if (vigil_store_is_shared (self->store))
    ok = _vigil_store_copy_new_snapshots (self->store, rows, n, error);
  else
#endif
    {
      g_assert (n == VIGIL_STORE_ROWS_AT_ONCE);
      ok = _vigil_store_insert_new_snapshots (self->store, rows, error);
    }
  if (!ok)
    return FALSE;
  self->stats.stored += n;
  return TRUE;
}

/* Writer thread: the feature names the batch's rows use first, into
 * the features table with the ids the caller gave them. */
static gboolean
add_new_features (VigilIngest  *self,
                  Batch        *batch,
                  GError      **error)
{
  for (guint i = 0; i < batch->new_features->len; i++)
    {
      const VigilFeatureName *entry = g_ptr_array_index (batch->new_features, i);

      if (!_vigil_store_insert_feature (self->store, entry->id, entry->name, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean spool_batch       (VigilIngest       *self,
                                   Batch             *batch,
                                   GError           **error);
static gboolean end_spool         (VigilIngest       *self,
                                   gboolean           early,
                                   GError           **error);
static gboolean is_new_merged_row (VigilIngest       *self,
                                   const PendingRow  *row);

/* Writes the @n new rows from @first that write_sorted_rows() found in a
 * run: on PostgreSQL all with a COPY a table, on SQLite one by one (a
 * run ends short of VIGIL_STORE_ROWS_AT_ONCE there). */
static gboolean
write_run (VigilIngest  *self,
           Batch        *batch,
           guint         first,
           guint         n,
           GError      **error)
{
  if (n > 0 && vigil_store_is_shared (self->store))
    return write_new_rows (self, batch, NULL, first, n, error);
  return write_rows_singly (self, batch, first, n, error);
}

#ifdef HAVE_POSTGRESQL
/* On PostgreSQL, where each snapshot of the batch that is_new_row() can
 * not tell is stored (design 2.5), asked for them all at once: a poll
 * or an import of rows stored before asked a row at a time. @out: a
 * place for each row of the batch, or NULL when none was asked. The
 * rows not asked are VIGIL_ROW_STORED_SINCE: written one by one. */
static gboolean
find_stored_rows (VigilIngest     *self,
                  Batch           *batch,
                  VigilRowStored **out,
                  GError         **error)
{
  GArray *rows = batch->rows;
  g_autoptr(GArray) asked = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree gint64 *customer_ids = NULL;
  g_autofree gint64 *times = NULL;
  g_autofree VigilRowStored *found = NULL;
  VigilRowStored *places;

  *out = NULL;
  for (guint i = 0; i < rows->len; i++)
    {
      const PendingRow *row = &g_array_index (rows, PendingRow, i);

      if (row->record_id == 0 && !is_new_row (row))
        g_array_append_val (asked, i);
    }
  if (asked->len == 0)
    return TRUE;
  customer_ids = g_new (gint64, asked->len);
  times = g_new (gint64, asked->len);
  found = g_new (VigilRowStored, asked->len);
  for (guint i = 0; i < asked->len; i++)
    {
      const PendingRow *row = &g_array_index (rows, PendingRow, g_array_index (asked, guint, i));

      customer_ids[i] = row->customer_id;
      times[i] = row->values.observed_at;
    }
  if (self->repeats == NULL && !(self->repeats = _vigil_store_repeats_new (self->store, error)))
    return FALSE;
  /* A bulk import began with no history: nothing predates it. */
  if (!_vigil_store_repeats_find_snapshots (self->repeats, customer_ids, times, asked->len,
                                            !self->bulk, found, error))
    return FALSE;
  places = g_new (VigilRowStored, rows->len);
  for (guint i = 0; i < rows->len; i++)
    places[i] = VIGIL_ROW_STORED_SINCE;
  for (guint i = 0; i < asked->len; i++)
    places[g_array_index (asked, guint, i)] = found[i];
  *out = places;
  return TRUE;
}
#endif

#ifdef HAVE_POSTGRESQL
/* write_sorted_rows() on PostgreSQL: the batch's new rows, with those
 * find_stored_rows() found no row for, with one COPY a table; those
 * stored before the ingest counted as already stored; the others one
 * by one, in key order. Each row has a key of its own (the batch is
 * combined), so none of these writes touches another's. */
static gboolean
write_sorted_rows_shared (VigilIngest  *self,
                          Batch        *batch,
                          GError      **error)
{
  GArray *rows = batch->rows;
  g_autofree VigilRowStored *stored = NULL;
  g_autoptr(GArray) new_rows = g_array_new (FALSE, FALSE, sizeof (guint));

  if (!find_stored_rows (self, batch, &stored, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      const PendingRow *row = &g_array_index (rows, PendingRow, i);
      VigilRowStored place = stored != NULL ? stored[i] : VIGIL_ROW_STORED_SINCE;

      if (is_new_row (row) || place == VIGIL_ROW_NOT_STORED)
        g_array_append_val (new_rows, i);
      else if (place == VIGIL_ROW_STORED_BEFORE)
        count_already_stored (self, FALSE, row->customer_id, row->values.observed_at);
      else if (!write_rows_singly (self, batch, i, 1, error))
        return FALSE;
    }
  return new_rows->len == 0 ||
         write_new_rows (self, batch, (const guint *) new_rows->data, 0, new_rows->len, error);
}
#endif

/* Writes a batch's rows, sorted and combined, in key order: new rows
 * VIGIL_STORE_ROWS_AT_ONCE at a time (on PostgreSQL, all at once), the
 * others (and on SQLite new ones short of that many) one by one.
 * @merged: rows of a spool's merge, new unless they have the key of the
 * last row written before them. */
static gboolean
write_sorted_rows (VigilIngest  *self,
                   Batch        *batch,
                   gboolean      merged,
                   GError      **error)
{
  GArray *rows = batch->rows;
  guint at_once = vigil_store_is_shared (self->store) ? G_MAXUINT : VIGIL_STORE_ROWS_AT_ONCE;
  guint run = 0;   /* new rows in a row, up to the current one */
  guint i;

#ifdef HAVE_POSTGRESQL
  if (!merged && vigil_store_is_shared (self->store))
    return write_sorted_rows_shared (self, batch, error);
#endif
  for (i = 0; i < rows->len; i++)
    {
      const PendingRow *row = &g_array_index (rows, PendingRow, i);

      if (merged ? is_new_merged_row (self, row) : is_new_row (row))
        {
          if (++run == at_once)
            {
              if (!write_new_rows (self, batch, NULL, i + 1 - run, run, error))
                return FALSE;
              run = 0;
            }
          continue;
        }
      if (!write_run (self, batch, i - run, run, error) ||
          !write_rows_singly (self, batch, i, 1, error))
        return FALSE;
      run = 0;
    }
  return write_run (self, batch, i - run, run, error);
}

/* Whether a spooled bulk import must store what it has spooled and go
 * on without the spool, before this batch's records are resolved: a
 * record first seen with keys may join an account by the history it
 * has stored (design 2.6). */
static gboolean
batch_brings_keys (Batch *batch)
{
  for (guint i = 0; i < batch->new_states->len; i++)
    if (g_array_index (batch->new_states, NewState, i).keys != NULL)
      return TRUE;
  return FALSE;
}

/* … or after: a row of an account of several records is an observation,
 * written as the account's stored rows say (design 2.6). */
static gboolean
batch_has_observations (Batch *batch)
{
  for (guint i = 0; i < batch->rows->len; i++)
    if (g_array_index (batch->rows, PendingRow, i).record_id > 0)
      return TRUE;
  return FALSE;
}

/* Writer thread: writes a batch's rows in key order, those that share a
 * key combined into one, or spools them (a bulk import, design 7); then,
 * after the last batch of a generation, its customers. */
static gboolean
write_batch (VigilIngest  *self,
             Batch        *batch,
             GError      **error)
{
  GArray *rows = batch->rows;

  if (self->spool != NULL && batch_brings_keys (batch) && !end_spool (self, TRUE, error))
    return FALSE;
  if (!add_new_features (self, batch, error) || !resolve_records (self, batch, error))
    return FALSE;
  if (self->spool != NULL)
    for (guint i = 0; i < batch->new_states->len; i++)
      g_ptr_array_add (self->spool->states, g_array_index (batch->new_states, NewState, i).state);
  g_array_sort (rows, compare_pending_rows);
  self->stats.repeated += combine_repeats (self->merge, batch);
  if (self->spool != NULL && batch_has_observations (batch) && !end_spool (self, TRUE, error))
    return FALSE;

  if (self->spool != NULL ? !spool_batch (self, batch, error) : !write_sorted_rows (self, batch, FALSE, error))
    return FALSE;

  /* What is written is stored: later rows of the accounts come after.
   * (Spooled, it is by the time anything asks.) */
  for (guint i = 0; i < rows->len; i++)
    {
      PendingRow *row = &g_array_index (rows, PendingRow, i);

      if (row->record_id == 0)
        row->state->newest_stored = MAX (row->state->newest_stored, row->values.observed_at);
    }
  if (batch->customers == NULL)
    return TRUE;
  if (self->spool != NULL)
    g_ptr_array_set_size (self->spool->states, 0);   /* freed with the generation */
  return write_customers (self, batch->customers, error);
}

/* The first error wins; the caller may also stop the writer (abort). */
static void
writer_fail (VigilIngest *self,
             GError      *error)
{
  g_mutex_lock (&self->error_lock);
  if (self->writer_error == NULL)
    self->writer_error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&self->error_lock);
  g_atomic_int_set (&self->failed, TRUE);
}

static void
propagate_writer_error (VigilIngest  *self,
                        GError      **error)
{
  g_mutex_lock (&self->error_lock);
  g_propagate_error (error, g_error_copy (self->writer_error));
  g_mutex_unlock (&self->error_lock);
}

static void
new_state_clear (gpointer data)
{
  NewState *new_state = data;

  g_clear_pointer (&new_state->keys, g_ptr_array_unref);
  vigil_snapshot_clear (&new_state->attributes);
}

/* A batch's arrays are tens of megabytes, each page of which the
 * kernel would fault in and clear one at a time as an import fills the
 * first batches (7 % of the CPU time of importing 365,000 rows): on
 * Linux an import asks for them in huge pages where it allows them. A
 * poll does not: its pages fill a few rows of each batch, and a huge
 * page would be megabytes resident for kilobytes used (design 7). */
static void
advise_huge_pages (gpointer data,
                   gsize    length)
{
#if defined(MADV_HUGEPAGE)
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  guintptr start = ((guintptr) data + page - 1) / page * page;
  guintptr end = ((guintptr) data + length) / page * page;

  /* Only advice: refused, the pages come as they always did. */
  if (end > start)
    madvise ((void *) start, end - start, MADV_HUGEPAGE);
#endif
}

static Batch *
batch_new (guint    n_rows,
           gboolean huge_pages)
{
  Batch *batch = g_new0 (Batch, 1);

  /* Their full size at once: grown by doubling they would be copied. */
  batch->rows = g_array_sized_new (FALSE, FALSE, sizeof (PendingRow), n_rows);
  batch->features = g_string_sized_new (n_rows * 64);
  if (huge_pages)
    {
      advise_huge_pages (batch->rows->data, (gsize) n_rows * sizeof (PendingRow));
      advise_huge_pages (batch->features->str, batch->features->allocated_len);
    }
  batch->new_features = g_ptr_array_new ();
  batch->new_states = g_array_new (FALSE, FALSE, sizeof (NewState));
  g_array_set_clear_func (batch->new_states, new_state_clear);
  return batch;
}

/* Empties a batch, written or not, for the caller to fill again. */
static void
batch_reset (Batch *batch)
{
  g_array_set_size (batch->rows, 0);
  g_string_truncate (batch->features, 0);
  g_ptr_array_set_size (batch->new_features, 0);
  g_array_set_size (batch->new_states, 0);
  g_clear_pointer (&batch->customers, g_hash_table_unref);
  if (batch->scores != NULL)
    g_array_set_size (batch->scores, 0);
}

static void
batch_free (Batch *batch)
{
  batch_reset (batch);
  g_array_unref (batch->rows);
  g_string_free (batch->features, TRUE);
  g_ptr_array_unref (batch->new_features);
  g_array_unref (batch->new_states);
  g_clear_pointer (&batch->scores, g_array_unref);
  g_free (batch);
}

/* The spool of a bulk import (design 7) ----------------------------------- */

#define SPOOL_BUFFER_BYTES (256 * 1024)
/* Read ahead of each run while merging: with a batch of BATCH_ROWS rows
 * a run, a history of millions of rows makes tens of runs. */
#define SPOOL_READ_BYTES (64 * 1024)
/* Merged rows written at a time. */
#define MERGE_ROWS 2048

/* SQLite's descriptor of the database file at @path, found among the
 * process's open files by its device and inode (none is opened: closing
 * a descriptor of the file would drop SQLite's locks on it); -1 when
 * there is none to be found, as off Linux. */
static int
find_database_fd (const char *path,
                  dev_t      *out_dev,
                  ino_t      *out_ino)
{
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  struct stat database;
  const char *name;

  if (dir == NULL || g_stat (path, &database) != 0)
    return -1;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      int fd = atoi (name);
      struct stat file;

      if (fstat (fd, &file) == 0 && S_ISREG (file.st_mode) &&
          file.st_dev == database.st_dev && file.st_ino == database.st_ino)
        {
          *out_dev = database.st_dev;
          *out_ino = database.st_ino;
          return fd;
        }
    }
#endif
  return -1;
}

/* The writeback thread's: has the kernel start writing the pages SQLite
 * has written to the database so far, so that the disk writes them
 * while the merge goes on rather than all at the commit's sync (design
 * 7). Only a hint: what is durable, and when, is SQLite's syncs' to say.
 * A thread of its own: starting the writes takes the caller's CPU time,
 * and the merge's thread has none to spare. */
static void
start_database_writeback (Spool *spool)
{
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
  struct stat file;

  /* Still SQLite's descriptor of the database, not a number reused. */
  if (fstat (spool->database_fd, &file) != 0 ||
      file.st_dev != spool->database_dev || file.st_ino != spool->database_ino)
    return;
  sync_file_range (spool->database_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
}

/* The end of the writeback thread's requests. */
static int end_of_writeback;

static gpointer
writeback_thread (gpointer data)
{
  Spool *spool = data;
  gpointer request;

  while ((request = g_async_queue_pop (spool->writeback_requests)) != &end_of_writeback)
    {
      /* Requests that came meanwhile are served by this one. */
      while ((request = g_async_queue_try_pop (spool->writeback_requests)) != NULL)
        if (request == &end_of_writeback)
          return NULL;
      start_database_writeback (spool);
    }
  return NULL;
}

/* Writer thread, as the merge begins; without a descriptor or a thread,
 * the commit's sync writes everything, as it always may. */
static void
spool_begin_writeback (Spool *spool)
{
  if (spool->database_fd < 0)
    return;
  spool->writeback_requests = g_async_queue_new ();
  spool->writeback = g_thread_try_new ("vigil-writeback", writeback_thread, spool, NULL);
  if (spool->writeback == NULL)
    g_clear_pointer (&spool->writeback_requests, g_async_queue_unref);
}

/* Writer thread, each MERGE_ROWS rows written. */
static void
spool_request_writeback (Spool *spool)
{
  if (spool->writeback != NULL)
    g_async_queue_push (spool->writeback_requests, spool);
}

static void
spool_end_writeback (Spool *spool)
{
  if (spool->writeback == NULL)
    return;
  g_async_queue_push (spool->writeback_requests, &end_of_writeback);
  g_thread_join (g_steal_pointer (&spool->writeback));
  g_clear_pointer (&spool->writeback_requests, g_async_queue_unref);
}

/* Opens a spool beside the database: its directory holds the database
 * and its journal, and has room for them; the temporary directory may be
 * in memory. The file has no name from the start, so nothing is left
 * behind whatever happens. NULL when it cannot be made: the rows are
 * then written as they come. */
static Spool *
spool_open (VigilStore *store)
{
  g_autofree char *template = NULL;
  Spool *spool;
  int fd;

  /* SQLite only: the spool lies beside the database's file; a team's
   * book on PostgreSQL has none, and its rows go to the server as they
   * come (design 2.5). */
  if (store->path == NULL || g_str_equal (store->path, ":memory:") || g_str_has_prefix (store->path, "file:") ||
      vigil_store_is_shared (store))
    return NULL;
  template = g_strconcat (store->path, "-spool-XXXXXX", NULL);
  if ((fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600)) < 0)
    {
      g_debug ("No spool beside %s (%s): rows written as they come", store->path, g_strerror (errno));
      return NULL;
    }
  g_unlink (template);
  spool = g_new0 (Spool, 1);
  spool->fd = fd;
  spool->buffer = g_byte_array_sized_new (SPOOL_BUFFER_BYTES);
  spool->runs = g_array_new (FALSE, FALSE, sizeof (guint64));
  spool->states = g_ptr_array_new ();
  spool->database_fd = find_database_fd (store->path, &spool->database_dev, &spool->database_ino);
  return spool;
}

static gpointer
close_spool_file (gpointer fd)
{
  close (GPOINTER_TO_INT (fd));
  return NULL;
}

static void
spool_free (Spool *spool)
{
  GThread *closer;

  /* The kernel frees the file's pages as it closes: hundreds of MB after
   * a large import, a fraction of a second better spent beside the
   * commit than before it. */
  closer = g_thread_try_new ("vigil-spool", close_spool_file, GINT_TO_POINTER (spool->fd), NULL);
  if (closer != NULL)
    g_thread_unref (closer);
  else
    close (spool->fd);
  g_byte_array_unref (spool->buffer);
  g_array_unref (spool->runs);
  g_ptr_array_unref (spool->states);
  g_free (spool);
}

static gboolean
spool_io_failed (GError **error)
{
  int saved = errno;

  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
               _("Writing the import’s rows in order: %s"), g_strerror (saved));
  return FALSE;
}

static gboolean
spool_flush (Spool   *spool,
             GError **error)
{
  const guint8 *data = spool->buffer->data;
  gsize left = spool->buffer->len;

  while (left > 0)
    {
      gssize written = write (spool->fd, data, left);

      if (written < 0 && errno == EINTR)
        continue;
      if (written == 0)
        errno = ENOSPC;   /* nothing written, nothing said: no room */
      if (written <= 0)
        return spool_io_failed (error);
      data += written;
      left -= (gsize) written;
    }
  g_byte_array_set_size (spool->buffer, 0);
  return TRUE;
}

static gboolean
spool_append (Spool          *spool,
              gconstpointer   data,
              gsize           length,
              GError        **error)
{
  if (spool->buffer->len + length > SPOOL_BUFFER_BYTES && !spool_flush (spool, error))
    return FALSE;
  g_byte_array_append (spool->buffer, data, (guint) length);
  spool->size += length;
  return TRUE;
}

/* A spooled row's encoding: each integer a variable number of bytes
 * (seven bits of it each, the last byte's high bit clear), a signed one
 * as an unsigned (zigzag: 0, -1, 1, -2 …), one that may be unknown one
 * more, 0 being unknown; the account, its time and its last activity as
 * differences, which sorted rows keep small; the MRR and the interned
 * plan's address as they are. Differences wrap around as unsigned
 * numbers do, and so come back whatever the values. */
#define SPOOLED_ROW_MAX_BYTES (12 * 10 + 2 * 8)   /* twelve integers, two values of eight bytes */

static guint8 *
put_varint (guint8  *out,
            guint64  value)
{
  while (value >= 0x80)
    {
      *out++ = (guint8) (value | 0x80);
      value >>= 7;
    }
  *out++ = (guint8) value;
  return out;
}

static guint64
zigzag (gint64 value)
{
  return ((guint64) value << 1) ^ (guint64) (value >> 63);
}

static gint64
unzigzag (guint64 value)
{
  return (gint64) ((value >> 1) ^ (0 - (value & 1)));
}

static guint64
difference (gint64 value,
            gint64 from)
{
  return zigzag ((gint64) ((guint64) value - (guint64) from));
}

static gint64
add_difference (gint64  from,
                guint64 encoded)
{
  return (gint64) ((guint64) from + (guint64) unzigzag (encoded));
}

static guint64
maybe_unknown (gint64 value)
{
  return value == VIGIL_UNKNOWN ? 0 : zigzag (value) + 1;
}

/* @row after @previous, the run's row before it (zeroes for its first),
 * at @out, which has SPOOLED_ROW_MAX_BYTES; returns the bytes used. */
static gsize
spooled_row_encode (const SpooledRow *row,
                    const SpooledRow *previous,
                    guint8           *out)
{
  const ObservedValues *values = &row->values;
  guint8 *at = out;

  at = put_varint (at, difference (row->customer_id, previous->customer_id));
  at = put_varint (at, row->sequence);
  at = put_varint (at, difference (values->observed_at, previous->values.observed_at));
  at = put_varint (at, values->last_active == VIGIL_UNKNOWN
                       ? 0 : difference (values->last_active, values->observed_at) + 1);
  memcpy (at, &values->mrr, sizeof values->mrr);
  at += sizeof values->mrr;
  at = put_varint (at, maybe_unknown (values->seats));
  at = put_varint (at, maybe_unknown (values->seats_used));
  at = put_varint (at, maybe_unknown (values->api_calls_7d));
  at = put_varint (at, maybe_unknown (values->features_used));
  at = put_varint (at, maybe_unknown (values->open_tickets));
  at = put_varint (at, maybe_unknown (values->nps));
  memcpy (at, &values->plan, sizeof values->plan);
  at += sizeof values->plan;
  at = put_varint (at, values->renewal_day == VIGIL_UNKNOWN_DAY ? 0 : zigzag (values->renewal_day) + 1);
  at = put_varint (at, row->features_length == NO_FEATURES ? 0 : (guint64) row->features_length + 1);
  return (gsize) (at - out);
}

/* Reading back what spooled_row_encode () wrote: @length bytes from @at. */
typedef struct
{
  const guint8 *at;
  const guint8 *end;
  gboolean      short_of_bytes;
} SpooledBytes;

static guint64
take_varint (SpooledBytes *bytes)
{
  guint64 value = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      if (bytes->at >= bytes->end)
        break;
      byte = *bytes->at++;
      value |= (guint64) (byte & 0x7f) << shift;
      if (byte < 0x80)
        return value;
    }
  bytes->short_of_bytes = TRUE;
  return 0;
}

static void
take_bytes (SpooledBytes *bytes,
            gpointer      into,
            gsize         n)
{
  if ((gsize) (bytes->end - bytes->at) < n)
    {
      bytes->short_of_bytes = TRUE;
      return;
    }
  memcpy (into, bytes->at, n);
  bytes->at += n;
}

static gint64
take_maybe_unknown (SpooledBytes *bytes)
{
  guint64 encoded = take_varint (bytes);

  return encoded == 0 ? VIGIL_UNKNOWN : unzigzag (encoded - 1);
}

/* The row after @row (the run's row before, or zeroes) from the @length
 * bytes at @data, into @row; returns the bytes it took, 0 when they end
 * before it does. */
static gsize
spooled_row_decode (const guint8 *data,
                    gsize         length,
                    SpooledRow   *row)
{
  SpooledBytes bytes = { data, data + length, FALSE };
  ObservedValues *values = &row->values;
  guint64 encoded;

  row->customer_id = add_difference (row->customer_id, take_varint (&bytes));
  row->sequence = take_varint (&bytes);
  values->observed_at = add_difference (values->observed_at, take_varint (&bytes));
  encoded = take_varint (&bytes);
  values->last_active = encoded == 0 ? VIGIL_UNKNOWN : add_difference (values->observed_at, encoded - 1);
  take_bytes (&bytes, &values->mrr, sizeof values->mrr);
  values->seats = take_maybe_unknown (&bytes);
  values->seats_used = take_maybe_unknown (&bytes);
  values->api_calls_7d = take_maybe_unknown (&bytes);
  values->features_used = take_maybe_unknown (&bytes);
  values->open_tickets = take_maybe_unknown (&bytes);
  values->nps = take_maybe_unknown (&bytes);
  take_bytes (&bytes, &values->plan, sizeof values->plan);
  encoded = take_varint (&bytes);
  values->renewal_day = encoded == 0 ? VIGIL_UNKNOWN_DAY : (gint32) unzigzag (encoded - 1);
  encoded = take_varint (&bytes);
  row->features_length = encoded == 0 ? NO_FEATURES : (guint32) (encoded - 1);
  return bytes.short_of_bytes ? 0 : (gsize) (bytes.at - data);
}

/* Writer thread: the batch's rows, sorted and combined, as a run. */
static gboolean
spool_batch (VigilIngest  *self,
             Batch        *batch,
             GError      **error)
{
  Spool *spool = self->spool;
  SpooledRow previous = { 0, };

  if (batch->rows->len == 0)
    return TRUE;
  g_array_append_val (spool->runs, spool->size);
  for (guint i = 0; i < batch->rows->len; i++)
    {
      const PendingRow *row = &g_array_index (batch->rows, PendingRow, i);
      SpooledRow spooled = {
        .customer_id = row->customer_id,
        .sequence = row->sequence,
        .values = row->values,
        .features_length = row->features.at == NO_FEATURES ? NO_FEATURES : row->features.length,
      };
      guint8 encoded[SPOOLED_ROW_MAX_BYTES];
      gsize length = spooled_row_encode (&spooled, &previous, encoded);

      previous = spooled;
      if (!spool_append (spool, encoded, length, error) ||
          (row->features.at != NO_FEATURES &&
           !spool_append (spool, features_text (batch, &row->features), row->features.length, error)))
        return FALSE;
    }
  return TRUE;
}

/* A run being read back: its next row in @row, its features at @features. */
typedef struct
{
  guint64     at;        /* in the file, of what the buffer does not hold yet */
  guint64     end;
  guint8     *buffer;
  gsize       start;     /* of the unread bytes in the buffer */
  gsize       length;    /* bytes in the buffer */
  SpooledRow  row;
  const char *features;
} RunReader;

/* Makes the buffer hold @n unread bytes; FALSE with @error set when the
 * run ends before them. */
static gboolean
run_reader_fill (int         fd,
                 RunReader  *reader,
                 gsize       n,
                 GError    **error)
{
  gsize unread = reader->length - reader->start;

  if (unread >= n)
    return TRUE;
  memmove (reader->buffer, reader->buffer + reader->start, unread);
  reader->start = 0;
  reader->length = unread;
  while (reader->length < n)
    {
      gsize want = (gsize) MIN ((guint64) (SPOOL_READ_BYTES - reader->length), reader->end - reader->at);
      gssize got;

      if (want == 0)
        {
          errno = EIO;   /* the run is shorter than its rows: cannot be */
          return spool_io_failed (error);
        }
      got = pread (fd, reader->buffer + reader->length, want, (off_t) reader->at);
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        {
          if (got == 0)
            errno = EIO;
          return spool_io_failed (error);
        }
      reader->length += (gsize) got;
      reader->at += (guint64) got;
    }
  return TRUE;
}

/* Reads the run's next row, if any (@out_more). */
static gboolean
run_reader_next (int         fd,
                 RunReader  *reader,
                 gboolean   *out_more,
                 GError    **error)
{
  gsize unread = reader->length - reader->start;
  gsize encoded;
  gsize features;

  *out_more = unread > 0 || reader->at < reader->end;
  if (!*out_more)
    return TRUE;
  /* as many bytes as the longest row could take, or the rest of the run */
  if (!run_reader_fill (fd, reader, (gsize) MIN ((guint64) SPOOLED_ROW_MAX_BYTES, unread + (reader->end - reader->at)),
                        error))
    return FALSE;
  encoded = spooled_row_decode (reader->buffer + reader->start, reader->length - reader->start, &reader->row);
  if (encoded == 0)
    {
      errno = EIO;   /* the run ends within a row: cannot be */
      return spool_io_failed (error);
    }
  reader->start += encoded;
  features = reader->row.features_length == NO_FEATURES ? 0 : reader->row.features_length;
  if (!run_reader_fill (fd, reader, features, error))
    return FALSE;
  reader->features = (const char *) reader->buffer + reader->start;
  reader->start += features;
  return TRUE;
}

static int
compare_spooled_rows (const SpooledRow *a,
                      const SpooledRow *b)
{
  if (a->customer_id != b->customer_id)
    return a->customer_id < b->customer_id ? -1 : 1;
  if (a->values.observed_at != b->values.observed_at)
    return a->values.observed_at < b->values.observed_at ? -1 : 1;
  return (a->sequence > b->sequence) - (a->sequence < b->sequence);
}

/* Restores the heap of @readers (by their rows) below @i. */
static void
sift_down (RunReader **heap,
           guint       n,
           guint       i)
{
  for (;;)
    {
      guint least = i;
      guint left = 2 * i + 1;
      guint right = left + 1;
      RunReader *swap;

      if (left < n && compare_spooled_rows (&heap[left]->row, &heap[least]->row) < 0)
        least = left;
      if (right < n && compare_spooled_rows (&heap[right]->row, &heap[least]->row) < 0)
        least = right;
      if (least == i)
        return;
      swap = heap[i];
      heap[i] = heap[least];
      heap[least] = swap;
      i = least;
    }
}

static gboolean
is_new_merged_row (VigilIngest      *self,
                   const PendingRow *row)
{
  return row->customer_id != self->merged_last.customer_id ||
         row->values.observed_at != self->merged_last.values.observed_at;
}

/* For the debug log (profiling on a machine shared with other work). */
static double
thread_cpu_seconds (void)
{
  struct timespec now = { 0, };

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

/* design 7: the runs are merged, their repeats combined and their rows
 * scored by a thread of their own (the merger's), beside the writer's
 * thread, which writes them: SQLite's work is all the writer's, and the
 * second processor had nothing to do. Two batches of MERGE_ROWS rows go
 * back and forth between the two: the merger, far the quicker, fills
 * one while the other is written. */
#define MERGE_BATCHES 2

typedef struct
{
  VigilIngest *ingest;   /* its merge rules, scorecard and pulses: read only */
  Spool       *spool;
  RunReader   *readers;
  RunReader  **heap;     /* of the runs not read to their end, least row first */
  guint        n;
  GAsyncQueue *merged;   /* batches merged and scored, to write */
  GAsyncQueue *written;  /* batches to fill again */
  int          stop;     /* atomic: the writer failed, merge no more */
  guint64      repeated; /* rows combined into another */
  GError      *error;    /* the merger's failure, read after it ended */
  double       cpu_seconds;   /* its thread's, for the debug log */
} Merger;

/* Pushed after the last merged batch: the merge has ended. */
static Batch end_of_merge;

/* Merger's thread: the batch's repeats (rows of several runs, side by
 * side) combined, and its rows scored. */
static void
finish_merged_batch (Merger *merger,
                     Batch  *batch)
{
  VigilIngest *self = merger->ingest;

  merger->repeated += combine_repeats (self->merge, batch);
  g_array_set_size (batch->scores, batch->rows->len);
  for (guint i = 0; i < batch->rows->len; i++)
    {
      const PendingRow *row = &g_array_index (batch->rows, PendingRow, i);
      VigilSnapshot snapshot;

      values_to_snapshot (&row->values, &snapshot);
      row_score (self, row->customer_id, &snapshot, &g_array_index (batch->scores, RowScore, i));
    }
}

/* Merger's thread: the heap's least row into @batch, the heap on to the
 * next. FALSE with the merger's error set when a run cannot be read. */
static gboolean
take_least_row (Merger *merger,
                Batch  *batch)
{
  RunReader *least = merger->heap[0];
  PendingRow row = {
    .customer_id = least->row.customer_id,
    .sequence = least->row.sequence,
    .values = least->row.values,
  };
  gboolean more = FALSE;

  row.features = least->row.features_length == NO_FEATURES
    ? (FeaturesText) { NO_FEATURES, 0 }
    : keep_features (batch, least->features, least->row.features_length);
  g_array_append_val (batch->rows, row);
  if (!run_reader_next (merger->spool->fd, least, &more, &merger->error))
    return FALSE;
  if (!more)
    merger->heap[0] = merger->heap[--merger->n];
  sift_down (merger->heap, merger->n, 0);
  return TRUE;
}

static gpointer
merger_thread (gpointer data)
{
  Merger *merger = data;
  Batch *batch = g_async_queue_pop (merger->written);
  double cpu_started = thread_cpu_seconds ();

  while (merger->n > 0 && !g_atomic_int_get (&merger->stop))
    {
      if (!take_least_row (merger, batch))
        break;
      if (batch->rows->len == MERGE_ROWS || merger->n == 0)
        {
          finish_merged_batch (merger, batch);
          g_async_queue_push (merger->merged, batch);
          batch = merger->n > 0 ? g_async_queue_pop (merger->written) : NULL;
        }
    }
  if (batch != NULL)
    g_async_queue_push (merger->written, batch);
  merger->cpu_seconds = thread_cpu_seconds () - cpu_started;
  g_async_queue_push (merger->merged, &end_of_merge);
  return NULL;
}

/* Writer thread: opens each run and heaps them, least row first. */
static gboolean
merger_open_runs (Merger  *merger,
                  GError **error)
{
  Spool *spool = merger->spool;
  guint n_runs = spool->runs->len;

  merger->readers = g_new0 (RunReader, n_runs);
  merger->heap = g_new0 (RunReader *, n_runs);
  for (guint r = 0; r < n_runs; r++)
    {
      RunReader *reader = &merger->readers[r];
      gboolean more = FALSE;

      reader->at = g_array_index (spool->runs, guint64, r);
      reader->end = r + 1 < n_runs ? g_array_index (spool->runs, guint64, r + 1) : spool->size;
      reader->buffer = g_malloc (SPOOL_READ_BYTES);
      if (!run_reader_next (spool->fd, reader, &more, error))
        return FALSE;
      if (more)
        merger->heap[merger->n++] = reader;
    }
  for (guint i = merger->n / 2; i-- > 0;)
    sift_down (merger->heap, merger->n, i);
  return TRUE;
}

static void
merger_clear (Merger *merger)
{
  Batch *batch;

  for (guint r = 0; merger->readers != NULL && r < merger->spool->runs->len; r++)
    g_free (merger->readers[r].buffer);
  g_free (merger->readers);
  g_free (merger->heap);
  while ((batch = g_async_queue_try_pop (merger->written)) != NULL)
    batch_free (batch);
  g_async_queue_unref (merger->written);
  g_async_queue_unref (merger->merged);
  g_clear_error (&merger->error);
}

/* Writer thread: writes the merged batches as they come, each in key
 * order; the first to fail stops the merger. */
static gboolean
write_merged_batches (VigilIngest  *self,
                      Merger       *merger,
                      GError      **error)
{
  gboolean ok = TRUE;
  Batch *batch;

  while ((batch = g_async_queue_pop (merger->merged)) != &end_of_merge)
    {
      if (ok && batch->rows->len > 0)
        {
          ok = write_sorted_rows (self, batch, TRUE, error);
          self->merged_last = g_array_index (batch->rows, PendingRow, batch->rows->len - 1);
          spool_request_writeback (merger->spool);
          if (!ok)
            g_atomic_int_set (&merger->stop, TRUE);
        }
      batch_reset (batch);
      g_async_queue_push (merger->written, batch);
    }
  return ok;
}

/* Writer thread: merges the runs into key order and writes the rows. */
static gboolean
merge_spool (VigilIngest  *self,
             GError      **error)
{
  Spool *spool = self->spool;
  Merger merger = {
    .ingest = self,
    .spool = spool,
    .merged = g_async_queue_new (),
    .written = g_async_queue_new (),
  };
  GThread *thread = NULL;
  gint64 started = g_get_monotonic_time ();
  double cpu_started = thread_cpu_seconds ();
  gboolean ok;

  for (guint i = 0; i < MERGE_BATCHES; i++)
    {
      Batch *batch = batch_new (MERGE_ROWS, FALSE);

      batch->scores = g_array_sized_new (FALSE, FALSE, sizeof (RowScore), MERGE_ROWS);
      g_async_queue_push (merger.written, batch);
    }
  self->merged_last.customer_id = G_MININT64;   /* no account's */
  ok = spool_flush (spool, error) && merger_open_runs (&merger, error);

  spool_begin_writeback (spool);
  ok = ok && _vigil_store_set_merging (self->store, TRUE, error);
  if (ok && merger.n > 0)
    {
      thread = g_thread_new ("vigil-merge", merger_thread, &merger);
      ok = write_merged_batches (self, &merger, error);
      g_thread_join (thread);
      self->stats.repeated += merger.repeated;
      if (ok && merger.error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&merger.error));
          ok = FALSE;
        }
    }
  /* Its writes made before the writeback's last request, and whatever
   * happened: a failed write is this merge's failure. */
  if (!_vigil_store_set_merging (self->store, FALSE, ok ? error : NULL))
    ok = FALSE;
  spool_end_writeback (spool);

  merger_clear (&merger);
  g_debug ("%u runs of %" G_GUINT64_FORMAT " bytes merged and written in %.2f s "
           "(%.2f s of the writer's CPU, %.2f s of the merger's)",
           spool->runs->len, spool->size, (g_get_monotonic_time () - started) / 1e6,
           thread_cpu_seconds () - cpu_started, merger.cpu_seconds);
  return ok;
}

/* Writer thread: stores every row spooled and goes on without the
 * spool. @early: before the end of the records; then the accounts of
 * records whose rows were spooled learn their newest stored snapshot,
 * as those written as they come do. */
static gboolean
end_spool (VigilIngest  *self,
           gboolean      early,
           GError      **error)
{
  gboolean ok = merge_spool (self, error);

  for (guint i = 0; ok && early && i < self->spool->states->len; i++)
    {
      CustomerState *state = self->spool->states->pdata[i];
      VigilRecordRef record;
      gboolean found = FALSE;

      ok = _vigil_store_find_record (self->store, self->source_id, state->external_id, &record, &found, error);
      if (ok && found && !record.shared)
        state->newest_stored = record.newest;
    }
  g_clear_pointer (&self->spool, spool_free);
  return ok;
}

static gpointer
writer_thread (gpointer data)
{
  VigilIngest *self = data;
  Batch *batch;

  while ((batch = g_async_queue_pop (self->filled)) != &end_of_records)
    {
      GError *error = NULL;

      if (!g_atomic_int_get (&self->failed) && !write_batch (self, batch, &error))
        writer_fail (self, error);
      batch_reset (batch);
      g_async_queue_push (self->emptied, batch);
    }
  if (self->spool != NULL)
    {
      GError *error = NULL;

      if (!g_atomic_int_get (&self->failed) && !end_spool (self, FALSE, &error))
        writer_fail (self, error);
      g_clear_pointer (&self->spool, spool_free);
    }
  return NULL;
}

static GHashTable *
customers_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, customer_state_free);
}

/* The caller's: hands the batch it filled over to the writer, with what
 * its new states are resolved by as it is now and, at the end of a
 * generation, the states themselves; then waits for the other batch
 * (written) if the writer still has it. */
static void
hand_over (VigilIngest *self,
           gboolean     with_customers)
{
  Batch *batch = self->batch;

  for (guint i = 0; i < self->new_states->len; i++)
    {
      CustomerState *state = self->new_states->pdata[i];
      NewState new_state = {
        .state = state, .n_rows = state->n_rows, .oldest = state->oldest,
        .attributes = {
          .name = g_strdup (state->name), .plan = g_strdup (state->plan),
          .owner = g_strdup (state->owner), .segment = g_strdup (state->segment),
        },
        .latest_at = state->latest_at,
        .attributes_version = state->attributes_version,
      };

      if (state->keys != NULL)
        {
          new_state.keys = g_ptr_array_new_full (state->keys->len, g_free);
          for (guint k = 0; k < state->keys->len; k++)
            g_ptr_array_add (new_state.keys, g_strdup (state->keys->pdata[k]));
        }
      g_array_append_val (batch->new_states, new_state);
    }
  g_ptr_array_set_size (self->new_states, 0);
  if (with_customers)
    {
      batch->customers = g_steal_pointer (&self->customers);
      self->customers = customers_new ();
    }
  g_async_queue_push (self->filled, batch);
  self->batch = g_async_queue_pop (self->emptied);
}

/* @import: for an import, whose records fill whole batches */
static void
start_writer (VigilIngest *self,
              gboolean     import)
{
  self->filled = g_async_queue_new ();
  self->emptied = g_async_queue_new ();
  for (guint i = 0; i < N_BATCHES; i++)
    self->batches[i] = batch_new (BATCH_ROWS, import);
  for (guint i = 1; i < N_BATCHES; i++)
    g_async_queue_push (self->emptied, self->batches[i]);
  self->batch = self->batches[0];
  self->writer = g_thread_new ("vigil-ingest", writer_thread, self);
}

/* Hands over what is left and waits for the writer to finish; after
 * this only the caller's thread touches the database again. */
static gboolean
join_writer (VigilIngest  *self,
             GError      **error)
{
  if (self->writer == NULL)
    return TRUE;

  hand_over (self, FALSE);
  g_async_queue_push (self->filled, &end_of_records);
  g_thread_join (g_steal_pointer (&self->writer));

  for (guint i = 0; i < N_BATCHES; i++)
    g_clear_pointer (&self->batches[i], batch_free);
  self->batch = NULL;
  g_clear_pointer (&self->filled, g_async_queue_unref);
  g_clear_pointer (&self->emptied, g_async_queue_unref);

  if (g_atomic_int_get (&self->failed))
    {
      propagate_writer_error (self, error);
      return FALSE;
    }
  return TRUE;
}

static void
vigil_ingest_dispose (GObject *object)
{
  VigilIngest *self = (VigilIngest *) object;

  if (self->open)
    vigil_ingest_abort (self);
  g_clear_object (&self->scorecard);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (vigil_ingest_parent_class)->dispose (object);
}

static void
vigil_ingest_finalize (GObject *object)
{
  VigilIngest *self = (VigilIngest *) object;

  g_clear_pointer (&self->new_states, g_ptr_array_unref);
  g_clear_pointer (&self->direct, g_hash_table_unref);
  g_clear_pointer (&self->customers, g_hash_table_unref);
  g_clear_pointer (&self->plans, g_hash_table_unref);
  g_clear_pointer (&self->keyed, g_array_unref);
  g_clear_pointer (&self->to_recompute, g_hash_table_unref);
  g_clear_pointer (&self->repeats, _vigil_store_repeats_free);
  g_clear_pointer (&self->feature_names, _vigil_feature_names_free);
  g_clear_pointer (&self->pulses, g_hash_table_unref);
  g_clear_pointer (&self->already_stored, g_hash_table_unref);
  g_clear_error (&self->writer_error);
  g_mutex_clear (&self->error_lock);

  G_OBJECT_CLASS (vigil_ingest_parent_class)->finalize (object);
}

static void
vigil_ingest_class_init (VigilIngestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_ingest_dispose;
  object_class->finalize = vigil_ingest_finalize;
}

static void
vigil_ingest_init (VigilIngest *self)
{
  g_mutex_init (&self->error_lock);
  self->customers = customers_new ();
  self->new_states = g_ptr_array_new ();
  self->direct = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->keyed = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->to_recompute = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->already_stored = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
}

/* The features table as this transaction sees it (another Vigil may
 * have added names since the store was opened), for the caller to give
 * ids without asking the database. */
static gboolean
load_feature_names (VigilIngest  *self,
                    GError      **error)
{
  GHashTableIter iter;
  gpointer name;
  gpointer id;

  if (!_vigil_store_reload_features (self->store, error))
    return FALSE;
  self->feature_names = _vigil_feature_names_new ();
  self->next_feature_id = 1;
  g_hash_table_iter_init (&iter, _vigil_store_get_feature_ids (self->store));
  while (g_hash_table_iter_next (&iter, &name, &id))
    {
      _vigil_feature_names_add (self->feature_names, name, strlen (name), GPOINTER_TO_INT (id));
      self->next_feature_id = MAX (self->next_feature_id, GPOINTER_TO_INT (id) + 1);
    }
  return TRUE;
}

static VigilIngest *
ingest_begin (VigilStore  *store,
              const char  *source_name,
              gint64       default_observed_at,
              gboolean     bulk,
              gboolean     within,
              GError     **error)
{
  g_autoptr(VigilIngest) self = NULL;

  self = g_object_new (VIGIL_TYPE_INGEST, NULL);
  self->store = g_object_ref (store);
  self->default_observed_at = default_observed_at;
  self->within = within;

  if (within)
    g_assert (!bulk && vigil_sql_in_transaction (store->db));
  else if (bulk ? !_vigil_store_begin_bulk (store, &self->bulk, error) : !vigil_store_begin (store, error))
    return NULL;
  self->open = TRUE;
  self->stats.bulk = self->bulk;
  self->began = g_get_monotonic_time ();
  self->began_cpu = thread_cpu_seconds ();
  _vigil_store_set_cache_size (store, INGEST_CACHE_KIB);

  if (!(self->scorecard = vigil_store_load_scorecard (store, error)) ||
      (vigil_scorecard_get_weight (self->scorecard, VIGIL_MEASURE_SENTIMENT) > 0 &&
       !(self->pulses = _vigil_store_read_all_pulse_marks (store, error))) ||
      (self->source_id = vigil_store_ensure_source (store, source_name, error)) < 0 ||
      !load_feature_names (self, error))
    {
      vigil_ingest_abort (self);
      return NULL;
    }

  if (self->bulk)
    self->spool = spool_open (store);
  start_writer (self, bulk);
  return g_steal_pointer (&self);
}

/**
 * vigil_ingest_begin:
 * @store: where to write
 * @source_name: the source the records belong to; added if missing
 * @default_observed_at: the time of records that do not say when they
 *   were observed
 *
 * Starts a write transaction on @store.
 *
 * Returns: (transfer full): the ingest, or %NULL with @error set
 */
VigilIngest *
vigil_ingest_begin (VigilStore  *store,
                    const char  *source_name,
                    gint64       default_observed_at,
                    GError     **error)
{
  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);
  g_return_val_if_fail (source_name != NULL, NULL);

  return ingest_begin (store, source_name, default_observed_at, FALSE, FALSE, error);
}

/**
 * vigil_ingest_begin_bulk:
 *
 * Like vigil_ingest_begin(), for an import: into a database without
 * history, when no other connection has it open, the transaction is
 * written without the write-ahead log and readers wait for it (design
 * 2.5); vigil_ingest_is_bulk() says whether it is.
 *
 * Returns: (transfer full): the ingest, or %NULL with @error set
 */
VigilIngest *
vigil_ingest_begin_bulk (VigilStore  *store,
                         const char  *source_name,
                         gint64       default_observed_at,
                         GError     **error)
{
  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);
  g_return_val_if_fail (source_name != NULL, NULL);

  return ingest_begin (store, source_name, default_observed_at, TRUE, FALSE, error);
}

/**
 * _vigil_ingest_get_feature_names:
 *
 * Returns: (transfer none): the table of feature names that the records
 *   given to vigil_ingest_add() may share (vigil-snapshot-private.h), on
 *   the caller's thread, for as long as the ingest lives
 */
VigilFeatureNames *
_vigil_ingest_get_feature_names (VigilIngest *self)
{
  g_return_val_if_fail (VIGIL_IS_INGEST (self), NULL);

  return self->feature_names;
}

gboolean
vigil_ingest_is_bulk (VigilIngest *self)
{
  g_return_val_if_fail (VIGIL_IS_INGEST (self), FALSE);

  return self->bulk;
}

/* The first unusable value in words, cut at a whole character. */
static void
keep_example (VigilIngestStats *stats,
              const char       *problem)
{
  gsize size = sizeof stats->unusable_example;
  gsize length = strlen (problem);

  if (length >= size)
    {
      const char *end = g_utf8_find_prev_char (problem, problem + size - 3);

      length = end != NULL ? (gsize) (end - problem) : 0;
      memcpy (stats->unusable_example, problem, length);
      /* An ellipsis: three bytes, within the room kept for it. */
      memcpy (stats->unusable_example + length, "…", 4);
      return;
    }
  memcpy (stats->unusable_example, problem, length + 1);
}

/**
 * vigil_ingest_set_merge:
 * @merge: (array fixed-size=VIGIL_N_FIELDS): how records that share an
 *   id combine, field by field (a mapping's, vigil_mapping_get_merge())
 *
 * Sets the rules before any record is added; without them every field
 * is the last record's that gives it.
 */
void
vigil_ingest_set_merge (VigilIngest          *self,
                        const VigilMergeRule *merge)
{
  g_return_if_fail (VIGIL_IS_INGEST (self));
  g_return_if_fail (merge != NULL);
  g_return_if_fail (self->stats.records_read == 0);

  memcpy (self->merge, merge, sizeof self->merge);
  memcpy (self->stats.merge, merge, sizeof self->stats.merge);
}

/* The id of a feature of @row, given now if it has none: ids are handed
 * out in the order names are first used, as the table would (its next
 * rowid), and the chunk carries the new name to the writer. A shared
 * name is its entry's; another is looked up. */
static int
feature_id (VigilIngest         *self,
            Batch               *batch,
            const VigilSnapshot *row,
            const char          *name)
{
  VigilFeatureName *entry = row->features_shared ? VIGIL_FEATURE_NAME_OF (name) : NULL;

  if (entry == NULL)
    {
      gsize length = strlen (name);

      entry = _vigil_feature_names_lookup (self->feature_names, name, length,
                                           _vigil_feature_name_hash (name, length));
      if (entry == NULL)
        entry = _vigil_feature_names_add (self->feature_names, name, length, 0);
    }
  if (entry->id == 0)
    {
      entry->id = self->next_feature_id++;
      g_ptr_array_add (batch->new_features, entry);
    }
  return entry->id;
}

/* The caller's thread, which has the record's names in its cache and
 * time to spare (the writer has the database): encodes the features of
 * @snapshot as stored into the batch's text, a JSON object from feature
 * id to calls, and counts those used. The names are not needed past
 * this point. The text is written in place, in room made once for the
 * longest it could be (one growth check a record, not one a byte). */
static FeaturesText
encode_features (VigilIngest   *self,
                 Batch         *batch,
                 VigilSnapshot *snapshot)
{
  GString *out = batch->features;
  FeaturesText encoded = { NO_FEATURES, 0 };
  gsize at = out->len;
  char *p;

  if (snapshot->features == NULL)
    return encoded;

  snapshot->features_used = vigil_snapshot_get_features_used (snapshot);
  encoded.at = (guint32) at;
  /* {"id":calls,…}, its NUL */
  g_string_set_size (out, at + 3 + (gsize) snapshot->features->len * (2 * VIGIL_JSON_INTEGER_MAX_LENGTH + 4));
  p = out->str + at;
  *p++ = '{';
  for (guint f = 0; f < snapshot->features->len; f++)
    {
      const VigilFeatureUsage *usage = &g_array_index (snapshot->features, VigilFeatureUsage, f);

      if (f > 0)
        *p++ = ',';
      *p++ = '"';
      p = vigil_json_write_integer (p, feature_id (self, batch, snapshot, usage->name));
      *p++ = '"';
      *p++ = ':';
      p = vigil_json_write_integer (p, usage->calls);
    }
  *p++ = '}';
  encoded.length = (guint32) (p - (out->str + at));
  *p++ = '\0';
  g_string_truncate (out, (gsize) (p - out->str));
  return encoded;
}

/* The caller's thread: one record into the batch. The row keeps the
 * numbers; the strings go to the customer's state. */
static void
add_row (VigilIngest   *self,
         VigilSnapshot *snapshot)
{
  Batch *batch = self->batch;
  CustomerState *customer = lookup_customer (self, snapshot->customer_id);
  PendingRow row = { .state = customer, .sequence = self->sequence++ };

  customer->n_rows++;
  customer->oldest = MIN (customer->oldest, snapshot->observed_at);
  merge_attributes (customer, snapshot);
  merge_keys (customer, snapshot);
  row.features = encode_features (self, batch, snapshot);
  keep_values (&row.values, snapshot, intern_plan (self, snapshot->plan));
  g_array_append_val (batch->rows, row);

  if (g_hash_table_size (self->customers) >= MAX_CUSTOMER_STATES)
    hand_over (self, TRUE);
  else if (batch->rows->len >= BATCH_ROWS || batch->features->len >= BATCH_FEATURES_BYTES)
    hand_over (self, FALSE);
}

static gboolean
ingest_add (VigilIngest    *self,
            VigilSnapshot  *snapshot,
            GError        **error)
{
  self->stats.records_read++;
  self->stats.unknown_values += snapshot->n_unknown;
  if (snapshot->problem != NULL && self->stats.unusable_example[0] == '\0')
    keep_example (&self->stats, snapshot->problem);

  if (snapshot->customer_id == NULL)
    {
      self->stats.skipped++;
      return TRUE;
    }
  if (snapshot->observed_at == VIGIL_UNKNOWN)
    snapshot->observed_at = self->default_observed_at;

  if (g_atomic_int_get (&self->failed))
    {
      propagate_writer_error (self, error);
      return FALSE;
    }

  add_row (self, snapshot);
  return TRUE;
}

/**
 * vigil_ingest_add:
 * @snapshot: a parsed record; its strings may be taken over
 *
 * Stores and scores one record; rows are written in batches, all of
 * them by the time vigil_ingest_commit() returns, and the counts of
 * stored and duplicate rows are final then. A record without an id is
 * counted as skipped. An error means the database failed: abort the
 * ingest.
 */
gboolean
vigil_ingest_add (VigilIngest    *self,
                  VigilSnapshot  *snapshot,
                  GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_INGEST (self), FALSE);
  g_return_val_if_fail (self->open, FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);

  ok = ingest_add (self, snapshot, error);
  if (ok && snapshot->customer_id != NULL)
    vigil_snapshot_clear (snapshot);
  return ok;
}

/**
 * _vigil_ingest_add_kept:
 *
 * vigil_ingest_add(), leaving @snapshot for its owner to clear: a
 * record parsed on another thread is freed there, where its memory was
 * taken (design 7: glibc gives a thread's freed blocks to its own cache,
 * and the parsing thread would take fresh memory for every record).
 */
gboolean
_vigil_ingest_add_kept (VigilIngest    *self,
                        VigilSnapshot  *snapshot,
                        GError        **error)
{
  g_return_val_if_fail (VIGIL_IS_INGEST (self), FALSE);
  g_return_val_if_fail (self->open, FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);

  return ingest_add (self, snapshot, error);
}

/**
 * vigil_ingest_write_now:
 *
 * Hands the records added so far to the writer, to be stored now rather
 * than when a batch is full: a poll calls it after each page, so that
 * the page is written while the next one is fetched (design 2.3). What
 * is stored is the same either way (design 2.5: pages and batches do
 * not matter); only when the writing happens changes.
 */
void
vigil_ingest_write_now (VigilIngest *self)
{
  g_return_if_fail (VIGIL_IS_INGEST (self));
  g_return_if_fail (self->open);

  if (self->batch != NULL && self->batch->rows->len > 0)
    hand_over (self, FALSE);
}

/* design 2.6: accounts whose records gained keys join the accounts they
 * share a key with; then every account whose merged state changed is
 * rebuilt, once, in the same transaction. */
static gboolean
resolve_accounts (VigilIngest  *self,
                  GError      **error)
{
  GHashTableIter iter;
  gint64 *id;
  gint64 *since;

  for (guint i = 0; i < self->keyed->len; i++)
    {
      gint64 account = g_array_index (self->keyed, gint64, i);
      gint64 survivor = account;
      gint64 joined_since = G_MAXINT64;
      gint64 exists = 0;

      /* an earlier join of this commit may have merged it away; its
       * records are then in the survivor, which has been joined */
      if (!_vigil_store_account_exists (self->store, account, &exists, error))
        return FALSE;
      if (!exists)
        continue;
      if (!_vigil_store_join_account (self->store, account, &survivor, &joined_since, error))
        return FALSE;
      if (joined_since != G_MAXINT64)
        mark_for_recompute (self, survivor, joined_since);
    }

  g_hash_table_iter_init (&iter, self->to_recompute);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &since))
    {
      gint64 exists = 0;

      if (!_vigil_store_account_exists (self->store, *id, &exists, error))
        return FALSE;
      if (exists && !_vigil_store_recompute_account (self->store, *id, *since, self->scorecard, error))
        return FALSE;
    }
  return TRUE;
}

/* Everything vigil_ingest_commit() does before its commit. */
static gboolean
finish_writing (VigilIngest  *self,
                GError      **error)
{
  g_debug ("Records read in %.2f s (%.2f s of the caller's CPU since the ingest began)",
           (g_get_monotonic_time () - self->began) / 1e6, thread_cpu_seconds () - self->began_cpu);
  if (!join_writer (self, error) || !write_customers (self, self->customers, error) ||
      !resolve_accounts (self, error) ||
      !_vigil_store_update_statistics (self->store, self->stats.stored, error))
    {
      vigil_ingest_abort (self);
      return FALSE;
    }
  self->open = FALSE;
  return TRUE;
}

/**
 * vigil_ingest_commit:
 *
 * Writes the customers' latest attributes and commits everything.
 */
gboolean
vigil_ingest_commit (VigilIngest  *self,
                     GError      **error)
{
  g_return_val_if_fail (VIGIL_IS_INGEST (self), FALSE);
  g_return_val_if_fail (self->open, FALSE);
  g_return_val_if_fail (!self->within, FALSE);

  if (!finish_writing (self, error))
    return FALSE;
  if (!vigil_store_commit (self->store, error))
    {
      _vigil_store_set_cache_size (self->store, 0);
      if (self->bulk)
        _vigil_store_end_bulk (self->store);
      return FALSE;
    }
  if (self->bulk)
    _vigil_store_end_bulk (self->store);

  /* Triggers follow every import and poll. What was stored stays
   * stored if they cannot be brought up to date; the next one will. */
  {
    g_autoptr(GError) trigger_error = NULL;
    guint opened = 0;

    if (vigil_triggers_update (self->store, self->default_observed_at, &opened, &trigger_error))
      self->stats.triggers_opened = opened;
    else
      g_debug ("Triggers not updated: %s", trigger_error->message);
  }
  /* The triggers read with the ingest's cache (design 7): a page each
   * once, in customer order, so a larger cache would only take fresh
   * memory to fill (3,500 page faults after 365,000 rows). */
  _vigil_store_set_cache_size (self->store, 0);
  return TRUE;
}

/**
 * _vigil_ingest_begin_within:
 *
 * vigil_ingest_begin() in the write transaction @store has open (its
 * caller's, which commits or rolls it back): `vigil db copy --merge`
 * joins a book's history in through the import's own ingest, one source
 * after another, in one transaction (design 4).
 *
 * Returns: (transfer full): the ingest, or %NULL with @error set
 */
VigilIngest *
_vigil_ingest_begin_within (VigilStore  *store,
                            const char  *source_name,
                            gint64       default_observed_at,
                            GError     **error)
{
  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);
  g_return_val_if_fail (source_name != NULL, NULL);

  return ingest_begin (store, source_name, default_observed_at, FALSE, TRUE, error);
}

/**
 * _vigil_ingest_finish_within:
 *
 * Stores what was added, writes the records' attributes and joins and
 * rebuilds the accounts (design 2.6), as vigil_ingest_commit() does, but
 * leaves the transaction open and the triggers to the caller. On an
 * error nothing is rolled back: the caller's transaction is.
 */
gboolean
_vigil_ingest_finish_within (VigilIngest  *self,
                             GError      **error)
{
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_INGEST (self), FALSE);
  g_return_val_if_fail (self->open && self->within, FALSE);

  ok = finish_writing (self, error);
  _vigil_store_set_cache_size (self->store, 0);
  return ok;
}

/**
 * vigil_ingest_abort:
 *
 * Rolls everything back: the database is as it was before.
 */
void
vigil_ingest_abort (VigilIngest *self)
{
  g_return_if_fail (VIGIL_IS_INGEST (self));

  if (!self->open)
    return;
  self->open = FALSE;

  /* The writer skips what is still queued and stops. */
  if (self->writer != NULL)
    {
      writer_fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "aborted"));
      join_writer (self, NULL);
    }
  _vigil_store_set_cache_size (self->store, 0);
  /* the caller's transaction is the caller's to roll back */
  if (self->within)
    return;
  vigil_store_rollback (self->store);
  if (self->bulk)
    _vigil_store_end_bulk (self->store);
}

const VigilIngestStats *
vigil_ingest_get_stats (VigilIngest *self)
{
  g_return_val_if_fail (VIGIL_IS_INGEST (self), NULL);

  return &self->stats;
}

/**
 * vigil_ingest_stats_describe_repeats:
 *
 * Returns: (transfer full) (nullable): what was done with records that
 *   repeated an id, in words ("12 records repeated an id: mrr summed,
 *   other fields from the last"), %NULL if none did
 */
char *
vigil_ingest_stats_describe_repeats (const VigilIngestStats *stats)
{
  g_autoptr(GString) rules = g_string_new (NULL);
  g_autofree char *head = NULL;

  g_return_val_if_fail (stats != NULL, NULL);

  if (stats->repeated == 0)
    return NULL;
  head = g_strdup_printf (ngettext ("%" PRIu64 " record repeated an id",
                                    "%" PRIu64 " records repeated an id",
                                    (gulong) stats->repeated), (uint64_t) stats->repeated);
  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      const char *name = vigil_field_get_name ((VigilField) i);
      g_autofree char *part = NULL;

      switch (stats->merge[i])
        {
        case VIGIL_MERGE_SUM: part = g_strdup_printf (_("%s summed"), name); break;
        case VIGIL_MERGE_MAX: part = g_strdup_printf (_("%s the largest"), name); break;
        case VIGIL_MERGE_MIN: part = g_strdup_printf (_("%s the smallest"), name); break;
        case VIGIL_MERGE_FIRST: part = g_strdup_printf (_("%s from the first"), name); break;
        case VIGIL_MERGE_LAST:
        default: continue;
        }
      g_string_append_printf (rules, "%s%s", rules->len > 0 ? ", " : "", part);
    }
  if (rules->len == 0)
    /* TRANSLATORS: "12 records repeated an id: each field from the last" */
    return g_strdup_printf (_("%s: each field from the last"), head);
  /* TRANSLATORS: "12 records repeated an id: mrr summed, other fields from the last" */
  return g_strdup_printf (_("%s: %s, other fields from the last"), head, rules->str);
}

/**
 * vigil_ingest_stats_describe_notes:
 *
 * Returns: (transfer full) (nullable): what a summary adds to the counts:
 *   the records that repeated an id and the first unusable value a rule
 *   described, in words; %NULL if neither
 */
char *
vigil_ingest_stats_describe_notes (const VigilIngestStats *stats)
{
  g_autofree char *repeats = NULL;

  g_return_val_if_fail (stats != NULL, NULL);

  repeats = vigil_ingest_stats_describe_repeats (stats);
  if (stats->unusable_example[0] == '\0')
    return g_steal_pointer (&repeats);
  if (repeats == NULL)
    return g_strdup_printf (_("first unusable value: %s"), stats->unusable_example);
  return g_strdup_printf (_("%s; first unusable value: %s"), repeats, stats->unusable_example);
}
