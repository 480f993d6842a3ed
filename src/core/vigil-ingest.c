/* vigil-ingest.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-ingest"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-ingest.h"
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
 *
 * Parsing and writing run side by side: the caller's thread parses
 * records and hands them over in chunks; a writer thread, the only one
 * to touch the database until the commit, scores and stores them. A
 * small pool of chunks bounds the memory in flight. A poll hands each
 * page over as it is read and has it written at once
 * (vigil_ingest_write_now()), so that storing a page overlaps fetching
 * the next instead of all of it waiting for the last page.
 *
 * Records of one ingest that share an id and a time (a customer with two
 * subscriptions, a CRM export with a row per deal) make one row, field
 * by field as the merge rules say (design 2.5). The sorted batch puts
 * them side by side, to be combined before they are written; one that
 * comes in a later batch finds the row of the first written, which the
 * store gives back to be combined and written again. Memory stays that
 * of a batch, whatever the number of records. */

/* About 32 MB of pending rows at most: with SQLite's cache this stays
 * well under 100 MB whatever the size of the input. */
#define BATCH_ROWS 131072
/* Customers whose latest attributes are gathered before they are
 * written: a poll of a million new customers must not hold them all
 * (design 7); most books are far smaller and are written once. */
#define MAX_CUSTOMER_STATES 65536
/* Records handed over at a time, and how many such chunks may exist. */
#define CHUNK_ROWS 4096
#define N_CHUNKS 3

typedef struct
{
  gint64  id;
  gint64  record_id;
  gboolean shared;   /* the account has other records: observations stay raw */
  gboolean main;     /* the account's main record (design 2.6) */
  /* A record new to the store waits for its batch to be written before
   * it is stored: by then its rows in the batch say whether it joins an
   * account at once (resolve_new_records()). */
  gboolean    pending;
  const char *external_id;  /* the table's key, while pending */
  guint64     n_rows;       /* in this ingest */
  gint64      oldest;       /* its oldest observation in this ingest */
  GPtrArray *keys;   /* the record's keys seen in this ingest, NULL if none */
  gint64  latest_at;
  /* Its attributes, as they are now, are in the store already: a new
   * record's are written with it (resolve_new_records()), during the
   * pages of a poll rather than after the last. */
  gboolean stored;
  char   *name;
  char   *plan;
  char   *owner;
  char   *segment;
} CustomerState;

/* A snapshot waiting for its batch to be written: the customer's
 * attributes have gone to its CustomerState, the plan is interned and
 * the features are encoded, so that the row holds one allocation. */
typedef struct
{
  CustomerState *state;      /* its record's, until the batch is written */
  gint64         customer_id;
  gint64         record_id;  /* > 0: a raw observation of a shared account's record */
  gboolean       main;       /* of the account's main record */
  guint64        sequence;   /* file order, so the first of two duplicates wins */
  VigilSnapshot  snapshot;
  char          *features;
} PendingRow;

/* Records on their way to the writer. The slots are reused: the caller
 * clears a slot's old record before filling it again, so memory is
 * freed by the thread that allocated it. */
typedef struct
{
  VigilSnapshot rows[CHUNK_ROWS];
  guint         len;
  gboolean      write_now;  /* vigil_ingest_write_now(): the batch goes out after it */
} Chunk;

struct _VigilIngest
{
  GObject          parent_instance;

  VigilStore      *store;
  VigilScorecard  *scorecard;
  GHashTable      *pulses;      /* customer id → its pulses, when sentiment counts (design 3.1) */
  gint64           source_id;
  gint64           default_observed_at;
  GHashTable      *customers;   /* external id → CustomerState */
  GPtrArray       *new_states;  /* the pending ones, in the order first seen */
  GHashTable      *direct;      /* accounts a live state writes snapshots of */
  GHashTable      *plans;       /* interned plan names */
  GArray          *keyed;       /* accounts whose records gained keys: to join */
  GHashTable      *to_recompute; /* account → the oldest time its merged state changed at */
  GArray          *pending;     /* of PendingRow */
  VigilIngestStats stats;
  gboolean         open;
  VigilMergeRule   merge[VIGIL_N_FIELDS];
  VigilStoreRepeats *repeats;   /* once a row is found already written */
  GHashTable      *already_stored; /* of AlreadyStored: count_already_stored() */

  /* The hand-over between the caller and the writer thread. */
  GThread         *writer;
  GAsyncQueue     *filled;      /* chunks to write */
  GAsyncQueue     *emptied;     /* chunks written, to fill again */
  Chunk           *chunk;       /* being filled by the caller */
  Chunk           *chunks[N_CHUNKS];
  int              failed;      /* atomic: the writer met an error */
  GMutex           error_lock;
  GError          *writer_error;
};

/* Pushed after the last chunk: the writer finishes its batch and ends. */
static Chunk end_of_records;

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

/* The newest snapshot's attributes win; older ones only fill gaps. */
/* The newest snapshot's attributes win; older ones only fill gaps. The
 * record's strings are copied, not taken: they belong to the thread
 * that parsed them, and most rows repeat the name they had. */
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
    state->stored = FALSE;
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

static CustomerState *
lookup_customer (VigilIngest  *self,
                 const char   *external_id,
                 GError      **error)
{
  CustomerState *state = g_hash_table_lookup (self->customers, external_id);
  VigilRecordRef record;

  gboolean found = FALSE;
  char *key;

  if (state != NULL)
    return state;

  if (!_vigil_store_find_record (self->store, self->source_id, external_id, &record, &found, error))
    return NULL;

  state = g_new0 (CustomerState, 1);
  state->latest_at = G_MININT64;
  state->oldest = G_MAXINT64;
  if (found)
    {
      state->id = record.customer_id;
      state->record_id = record.record_id;
      state->shared = record.shared;
      state->main = record.main;
      if (record.shared)
        mark_for_recompute (self, record.customer_id, G_MAXINT64);
      else
        g_hash_table_add (self->direct, g_memdup2 (&state->id, sizeof state->id));
    }
  else
    {
      state->pending = TRUE;
      g_ptr_array_add (self->new_states, state);
    }
  key = g_strdup (external_id);
  state->external_id = key;
  g_hash_table_insert (self->customers, key, state);
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

/* Stores @state, a record new to the store (lookup_customer() did not
 * find it, and only this ingest writes), as an account of its own, with
 * its attributes as the rows so far say. Written again over them at the
 * end, should later rows change them, they end as if written once: the
 * newest-wins rule of the store, applied to a row that holds what a part
 * of the rows said, gives what all of them say. */
static gboolean
add_new_record (VigilIngest     *self,
                CustomerState   *state,
                VigilRecordRef  *record,
                GError         **error)
{
  VigilSnapshot attributes = {
    .name = state->name, .plan = state->plan,
    .owner = state->owner, .segment = state->segment,
  };

  if (!_vigil_store_add_record (self->store, self->source_id, state->external_id, &attributes,
                                state->latest_at, record, error))
    return FALSE;
  state->stored = TRUE;
  return TRUE;
}

/* design 2.6: stores the records first seen in this batch. One whose
 * keys name one account joins it at once, nothing being merged later:
 * when the account has at least as much history as the record brings
 * in this ingest so far (a CRM or support export's one row joining a
 * product's year), as one more record, its rows going where other
 * records' do; when it brings more (a product's year joining a CRM's
 * one row), as the account's main record, its rows becoming the
 * snapshots, so the longer history is written once. Any other (keys
 * naming several accounts, or none) becomes an account of its own, to
 * be joined at the end. */
static gboolean
resolve_new_records (VigilIngest  *self,
                     GError      **error)
{
  /* in the order first seen: record ids keep it (design 2.6) */
  for (guint i = 0; i < self->new_states->len; i++)
    {
      CustomerState *state = self->new_states->pdata[i];
      VigilRecordRef record;
      gint64 account = 0;
      gint64 history = 0;

      if (!find_key_account (self, state->keys, &account, error) ||
          (account != 0 && !_vigil_store_count_snapshots (self->store, account, &history, error)))
        return FALSE;
      if (account != 0 && (guint64) history >= state->n_rows)
        {
          if (!_vigil_store_attach_record (self->store, self->source_id, state->external_id, account,
                                           &record, error))
            return FALSE;
          mark_for_recompute (self, account, state->oldest);
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
      else if (!add_new_record (self, state, &record, error))
        return FALSE;
      state->id = record.customer_id;
      state->record_id = record.record_id;
      state->shared = record.shared;
      state->main = record.main;
      state->pending = FALSE;
      if (!state->shared)
        g_hash_table_add (self->direct, g_memdup2 (&state->id, sizeof state->id));
    }
  g_ptr_array_set_size (self->new_states, 0);

  for (guint i = 0; i < self->pending->len; i++)
    {
      PendingRow *row = &g_array_index (self->pending, PendingRow, i);

      row->customer_id = row->state->id;
      row->record_id = row->state->shared ? row->state->record_id : 0;
      row->main = row->state->main;
      row->state = NULL;
    }
  return TRUE;
}

static void
clear_pending_row (gpointer data)
{
  PendingRow *row = data;

  g_clear_pointer (&row->features, g_free);
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
  if (ra->snapshot.observed_at != rb->snapshot.observed_at)
    return ra->snapshot.observed_at < rb->snapshot.observed_at ? -1 : 1;
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
                 GError      **error)
{
  GHashTableIter iter;
  CustomerState *state;

  g_hash_table_iter_init (&iter, self->customers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    {
      VigilSnapshot attributes = {
        .name = state->name, .plan = state->plan,
        .owner = state->owner, .segment = state->segment,
      };

      if (state->keys != NULL)
        {
          gboolean added = FALSE;

          if (!_vigil_store_add_record_keys (self->store, state->record_id, state->keys,
                                             &added, error))
            return FALSE;
          if (added)
            g_array_append_val (self->keyed, state->id);
        }
      if (state->latest_at == G_MININT64 || state->stored)
        continue;
      /* A shared account's row is rebuilt from its records' at the end. */
      if (!_vigil_store_update_record (self->store, state->record_id, &attributes,
                                       state->latest_at, error) ||
          (!state->shared &&
           !vigil_store_update_customer (self->store, state->id, &attributes,
                                         state->latest_at, error)))
        return FALSE;
    }
  g_hash_table_remove_all (self->customers);
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
              VigilSnapshot         *into,
              char                 **into_features,
              const VigilSnapshot   *later,
              char                 **later_features)
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
  if (*later_features != NULL || later->features_used != VIGIL_UNKNOWN)
    {
      char *features = *into_features;

      *into_features = *later_features;
      *later_features = features;
      into->features_used = later->features_used;
    }
}

static gboolean
write_row (VigilIngest  *self,
           PendingRow   *row,
           gboolean     *out_inserted,
           GError      **error)
{
  VigilScore score;

  if (row->record_id > 0)
    return _vigil_store_insert_observation (self->store, row->record_id, &row->snapshot, row->features,
                                            out_inserted, error);
  vigil_scorecard_compute_with_pulse (self->scorecard, &row->snapshot,
                                      self->pulses == NULL ? NULL
                                      : vigil_pulse_marks_find (g_hash_table_lookup (self->pulses, &row->customer_id),
                                                                row->snapshot.observed_at, NULL),
                                      &score);
  return vigil_store_insert_snapshot (self->store, row->customer_id, &row->snapshot, row->features,
                                      &score, out_inserted, error);
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
                PendingRow   *row,
                GError      **error)
{
  gboolean observation = row->record_id > 0;
  gint64 key = observation ? row->record_id : row->customer_id;
  gboolean predates = TRUE;
  gboolean inserted = FALSE;
  g_autofree char *stored_plan = NULL;
  PendingRow earlier = { .customer_id = row->customer_id, .record_id = row->record_id, .main = row->main };
  gboolean ok;

  if (self->repeats == NULL && !(self->repeats = _vigil_store_repeats_new (self->store, error)))
    return FALSE;
  if (!_vigil_store_repeats_predates (self->repeats, observation, key, row->snapshot.observed_at,
                                      &predates, error))
    return FALSE;
  if (predates)
    {
      count_already_stored (self, observation, key, row->snapshot.observed_at);
      return TRUE;
    }

  vigil_snapshot_clear (&earlier.snapshot);
  if (!_vigil_store_repeats_take_row (self->repeats, observation, key, row->snapshot.observed_at,
                                      &earlier.snapshot, &earlier.features, error))
    {
      g_free (earlier.snapshot.plan);
      g_free (earlier.features);
      return FALSE;
    }
  /* The plan read back is ours to free, whichever plan the row keeps. */
  stored_plan = earlier.snapshot.plan;
  combine_rows (self->merge, &earlier.snapshot, &earlier.features, &row->snapshot, &row->features);
  ok = write_row (self, &earlier, &inserted, error);
  earlier.snapshot.plan = NULL;
  g_free (earlier.features);
  if (ok)
    self->stats.repeated++;
  return ok;
}

static gboolean
same_key (const PendingRow *a,
          const PendingRow *b)
{
  return a->customer_id == b->customer_id && a->record_id == b->record_id &&
         a->snapshot.observed_at == b->snapshot.observed_at;
}

/* Writes the pending rows in key order, those that share a key (a
 * record's repeats, side by side) combined into one. */
static gboolean
flush_pending (VigilIngest  *self,
               GError      **error)
{
  if (!resolve_new_records (self, error))
    return FALSE;
  g_array_sort (self->pending, compare_pending_rows);

  for (guint i = 0; i < self->pending->len; i++)
    {
      PendingRow *row = &g_array_index (self->pending, PendingRow, i);
      gboolean inserted = FALSE;

      while (i + 1 < self->pending->len && same_key (row, &g_array_index (self->pending, PendingRow, i + 1)))
        {
          PendingRow *later = &g_array_index (self->pending, PendingRow, ++i);

          combine_rows (self->merge, &row->snapshot, &row->features, &later->snapshot, &later->features);
          self->stats.repeated++;
        }

      /* design 2.6: the main record's observation at that time may be in
       * the account's snapshots already (never written by this ingest,
       * which keeps the main record's new ones in observations) */
      if (row->record_id > 0 && row->main)
        {
          gboolean stored = FALSE;

          if (!_vigil_store_find_implicit_observation (self->store, row->customer_id,
                                                       row->snapshot.observed_at, &stored, error))
            return FALSE;
          if (stored)
            {
              count_already_stored (self, FALSE, row->customer_id, row->snapshot.observed_at);
              continue;
            }
        }
      if (!write_row (self, row, &inserted, error))
        return FALSE;
      if (inserted)
        self->stats.stored++;
      else if (!write_over_row (self, row, error))
        return FALSE;
    }

  g_array_set_size (self->pending, 0);
  return TRUE;
}

/* Writer thread: one record into the batch. */
static gboolean
add_pending (VigilIngest    *self,
             VigilSnapshot  *snapshot,
             guint64         sequence,
             GError        **error)
{
  CustomerState *customer;
  PendingRow row;

  if (!(customer = lookup_customer (self, snapshot->customer_id, error)))
    return FALSE;

  /* the ids are the record's, set when the batch is written */
  row.state = customer;
  row.customer_id = 0;
  row.record_id = 0;
  row.main = FALSE;
  customer->n_rows++;
  customer->oldest = MIN (customer->oldest, snapshot->observed_at);
  if (customer->shared)
    mark_for_recompute (self, customer->id, snapshot->observed_at);
  row.sequence = sequence;
  row.features = NULL;
  if (snapshot->features != NULL &&
      !(row.features = vigil_store_encode_features (self->store, snapshot, error)))
    return FALSE;

  /* The row keeps the numbers; the strings go to the customer. */
  merge_attributes (customer, snapshot);
  merge_keys (customer, snapshot);
  row.snapshot = *snapshot;
  row.snapshot.customer_id = NULL;
  row.snapshot.problem = NULL;
  row.snapshot.keys = NULL;   /* still the slot's: freed with it */
  row.snapshot.name = NULL;
  row.snapshot.owner = NULL;
  row.snapshot.segment = NULL;
  row.snapshot.plan = (char *) intern_plan (self, snapshot->plan);
  row.snapshot.features = NULL;
  row.snapshot.features_used = vigil_snapshot_get_features_used (snapshot);
  g_array_append_val (self->pending, row);

  /* the batch's rows point at the states: written first */
  if (g_hash_table_size (self->customers) >= MAX_CUSTOMER_STATES &&
      !(flush_pending (self, error) && write_customers (self, error)))
    return FALSE;
  if (self->pending->len >= BATCH_ROWS)
    return flush_pending (self, error);
  return TRUE;
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

static gpointer
writer_thread (gpointer data)
{
  VigilIngest *self = data;
  guint64 sequence = 0;
  Chunk *chunk;

  while ((chunk = g_async_queue_pop (self->filled)) != &end_of_records)
    {
      gboolean write_now = chunk->write_now;

      for (guint i = 0; i < chunk->len; i++)
        {
          GError *error = NULL;

          if (!g_atomic_int_get (&self->failed) &&
              !add_pending (self, &chunk->rows[i], sequence++, &error))
            writer_fail (self, error);
        }
      g_async_queue_push (self->emptied, chunk);

      /* Behind the caller, the batch waits for what is queued: fewer,
       * larger batches, each sorted (see the top of this file). */
      if (write_now && g_async_queue_length (self->filled) == 0 && !g_atomic_int_get (&self->failed))
        {
          GError *error = NULL;

          if (!flush_pending (self, &error))
            writer_fail (self, error);
        }
    }

  if (!g_atomic_int_get (&self->failed))
    {
      GError *error = NULL;

      if (!flush_pending (self, &error))
        writer_fail (self, error);
    }
  return NULL;
}

static Chunk *
chunk_new (void)
{
  Chunk *chunk = g_new0 (Chunk, 1);

  for (guint i = 0; i < CHUNK_ROWS; i++)
    vigil_snapshot_clear (&chunk->rows[i]);
  return chunk;
}

static void
chunk_free (Chunk *chunk)
{
  for (guint i = 0; i < CHUNK_ROWS; i++)
    vigil_snapshot_clear (&chunk->rows[i]);
  g_free (chunk);
}

static void
start_writer (VigilIngest *self)
{
  self->filled = g_async_queue_new ();
  self->emptied = g_async_queue_new ();
  for (guint i = 0; i < N_CHUNKS; i++)
    self->chunks[i] = chunk_new ();
  for (guint i = 1; i < N_CHUNKS; i++)
    g_async_queue_push (self->emptied, self->chunks[i]);
  self->chunk = self->chunks[0];
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

  /* the end of records writes what is left */
  self->chunk->write_now = FALSE;
  g_async_queue_push (self->filled, g_steal_pointer (&self->chunk));
  g_async_queue_push (self->filled, &end_of_records);
  g_thread_join (g_steal_pointer (&self->writer));

  for (guint i = 0; i < N_CHUNKS; i++)
    g_clear_pointer (&self->chunks[i], chunk_free);
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
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->plans, g_hash_table_unref);
  g_clear_pointer (&self->keyed, g_array_unref);
  g_clear_pointer (&self->to_recompute, g_hash_table_unref);
  g_clear_pointer (&self->repeats, _vigil_store_repeats_free);
  g_clear_pointer (&self->already_stored, g_hash_table_unref);
  g_clear_pointer (&self->pulses, g_hash_table_unref);
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
  self->customers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, customer_state_free);
  self->new_states = g_ptr_array_new ();
  self->direct = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->keyed = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->to_recompute = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->already_stored = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  /* Its full size at once: grown by doubling it would take half again. */
  self->pending = g_array_sized_new (FALSE, FALSE, sizeof (PendingRow), BATCH_ROWS);
  g_array_set_clear_func (self->pending, clear_pending_row);
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
  g_autoptr(VigilIngest) self = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);
  g_return_val_if_fail (source_name != NULL, NULL);

  self = g_object_new (VIGIL_TYPE_INGEST, NULL);
  self->store = g_object_ref (store);
  self->default_observed_at = default_observed_at;

  if (!vigil_store_begin (store, error))
    return NULL;
  self->open = TRUE;

  if (!(self->scorecard = vigil_store_load_scorecard (store, error)) ||
      (vigil_scorecard_get_weight (self->scorecard, VIGIL_MEASURE_SENTIMENT) > 0 &&
       !(self->pulses = _vigil_store_read_all_pulse_marks (store, error))) ||
      (self->source_id = vigil_store_ensure_source (store, source_name, error)) < 0)
    {
      vigil_ingest_abort (self);
      return NULL;
    }

  start_writer (self);
  return g_steal_pointer (&self);
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

/* Gives the chunk being filled to the writer and takes an empty one,
 * waiting for one while the writer is behind. */
static void
hand_over (VigilIngest *self,
           gboolean     write_now)
{
  self->chunk->write_now = write_now;
  g_async_queue_push (self->filled, self->chunk);
  self->chunk = g_async_queue_pop (self->emptied);
  self->chunk->len = 0;
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
  VigilSnapshot *slot;

  g_return_val_if_fail (VIGIL_IS_INGEST (self), FALSE);
  g_return_val_if_fail (self->open, FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);

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

  slot = &self->chunk->rows[self->chunk->len++];
  vigil_snapshot_clear (slot);
  *slot = *snapshot;
  memset (snapshot, 0, sizeof *snapshot);
  vigil_snapshot_clear (snapshot);
  if (self->chunk->len >= CHUNK_ROWS)
    hand_over (self, FALSE);
  return TRUE;
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

  if (self->chunk->len > 0)
    hand_over (self, TRUE);
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

  if (!join_writer (self, error) || !write_customers (self, error) ||
      !resolve_accounts (self, error))
    {
      vigil_ingest_abort (self);
      return FALSE;
    }

  self->open = FALSE;
  if (!vigil_store_commit (self->store, error))
    return FALSE;

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
  return TRUE;
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
  g_array_set_size (self->pending, 0);
  vigil_store_rollback (self->store);
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
