/* vigil-ingest.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-ingest"

#include "config.h"

#include "vigil-ingest.h"

/* One import or one poll: a single write transaction in which every
 * record is stored and scored, so that it lands wholly or not at all.
 * Customers' names and owners are gathered in memory and written once
 * at the end rather than once per snapshot.
 *
 * Snapshots are keyed by (customer, time), but history files come day
 * by day: written in file order, each row would land on another
 * customer's page, and with thousands of customers the pages no longer
 * fit in SQLite's cache. Rows are therefore gathered in batches, sorted
 * by key and written in order, so each batch touches each page once. */

/* About 16 MB of pending rows at most. */
#define BATCH_ROWS 65536

typedef struct
{
  gint64  id;
  gint64  latest_at;
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
  gint64         customer_id;
  guint64        sequence;   /* file order, so the first of two duplicates wins */
  VigilSnapshot  snapshot;
  char          *features;
} PendingRow;

struct _VigilIngest
{
  GObject          parent_instance;

  VigilStore      *store;
  VigilScorecard  *scorecard;
  gint64           source_id;
  gint64           default_observed_at;
  GHashTable      *customers;   /* external id → CustomerState */
  GHashTable      *plans;       /* interned plan names */
  GArray          *pending;     /* of PendingRow */
  VigilIngestStats stats;
  gboolean         open;
};

G_DEFINE_FINAL_TYPE (VigilIngest, vigil_ingest, G_TYPE_OBJECT)

static void
customer_state_free (gpointer data)
{
  CustomerState *state = data;

  g_free (state->name);
  g_free (state->plan);
  g_free (state->owner);
  g_free (state->segment);
  g_free (state);
}

/* The newest snapshot's attributes win; older ones only fill gaps. */
static void
merge_attribute (char       **slot,
                 char       **value,
                 gboolean     newer)
{
  if (*value == NULL)
    return;
  if (newer || *slot == NULL)
    {
      g_free (*slot);
      *slot = g_steal_pointer (value);
    }
}

static void
merge_attributes (CustomerState *state,
                  VigilSnapshot *snapshot)
{
  gboolean newer = snapshot->observed_at >= state->latest_at;

  merge_attribute (&state->name, &snapshot->name, newer);
  merge_attribute (&state->owner, &snapshot->owner, newer);
  merge_attribute (&state->segment, &snapshot->segment, newer);
  /* The plan stays on the snapshot too (plan limits are per snapshot). */
  if (snapshot->plan != NULL && (newer || state->plan == NULL))
    {
      g_free (state->plan);
      state->plan = g_strdup (snapshot->plan);
    }
  if (newer)
    state->latest_at = snapshot->observed_at;
}

static CustomerState *
lookup_customer (VigilIngest  *self,
                 const char   *external_id,
                 GError      **error)
{
  CustomerState *state = g_hash_table_lookup (self->customers, external_id);
  gint64 id;

  if (state != NULL)
    return state;

  id = vigil_store_ensure_customer (self->store, self->source_id, external_id, error);
  if (id < 0)
    return NULL;

  state = g_new0 (CustomerState, 1);
  state->id = id;
  state->latest_at = G_MININT64;
  g_hash_table_insert (self->customers, g_strdup (external_id), state);
  return state;
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

/* Writes the pending rows in key order. */
static gboolean
flush_pending (VigilIngest  *self,
               GError      **error)
{
  g_array_sort (self->pending, compare_pending_rows);

  for (guint i = 0; i < self->pending->len; i++)
    {
      PendingRow *row = &g_array_index (self->pending, PendingRow, i);
      VigilScore score;
      gboolean inserted = FALSE;

      vigil_scorecard_compute (self->scorecard, &row->snapshot, &score);
      if (!vigil_store_insert_snapshot (self->store, row->customer_id, &row->snapshot,
                                        row->features, &score, &inserted, error))
        return FALSE;

      if (inserted)
        self->stats.stored++;
      else
        self->stats.duplicates++;
    }

  g_array_set_size (self->pending, 0);
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

  g_clear_pointer (&self->customers, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->plans, g_hash_table_unref);

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
  self->customers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, customer_state_free);
  self->plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_array_sized_new (FALSE, FALSE, sizeof (PendingRow), 1024);
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
      (self->source_id = vigil_store_ensure_source (store, source_name, error)) < 0)
    {
      vigil_ingest_abort (self);
      return NULL;
    }

  return g_steal_pointer (&self);
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
  CustomerState *customer;
  PendingRow row;

  g_return_val_if_fail (VIGIL_IS_INGEST (self), FALSE);
  g_return_val_if_fail (self->open, FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);

  self->stats.records_read++;
  self->stats.unknown_values += snapshot->n_unknown;

  if (snapshot->customer_id == NULL)
    {
      self->stats.skipped++;
      return TRUE;
    }
  if (snapshot->observed_at == VIGIL_UNKNOWN)
    snapshot->observed_at = self->default_observed_at;

  if (!(customer = lookup_customer (self, snapshot->customer_id, error)))
    return FALSE;

  row.customer_id = customer->id;
  row.sequence = self->stats.records_read;
  row.features = NULL;
  if (snapshot->features != NULL &&
      !(row.features = vigil_store_encode_features (self->store, snapshot, error)))
    return FALSE;

  /* The row keeps the numbers; the strings go to the customer. */
  merge_attributes (customer, snapshot);
  row.snapshot = *snapshot;
  row.snapshot.customer_id = NULL;
  row.snapshot.name = NULL;
  row.snapshot.owner = NULL;
  row.snapshot.segment = NULL;
  row.snapshot.plan = (char *) intern_plan (self, snapshot->plan);
  row.snapshot.features = NULL;
  row.snapshot.features_used = vigil_snapshot_get_features_used (snapshot);
  g_array_append_val (self->pending, row);

  if (self->pending->len >= BATCH_ROWS)
    return flush_pending (self, error);
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
  GHashTableIter iter;
  CustomerState *state;

  g_return_val_if_fail (VIGIL_IS_INGEST (self), FALSE);
  g_return_val_if_fail (self->open, FALSE);

  if (!flush_pending (self, error))
    {
      vigil_ingest_abort (self);
      return FALSE;
    }

  g_hash_table_iter_init (&iter, self->customers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    {
      VigilSnapshot attributes = {
        .name = state->name, .plan = state->plan,
        .owner = state->owner, .segment = state->segment,
      };

      if (state->latest_at == G_MININT64)
        continue;
      if (!vigil_store_update_customer (self->store, state->id, &attributes,
                                        state->latest_at, error))
        {
          vigil_ingest_abort (self);
          return FALSE;
        }
    }

  self->open = FALSE;
  return vigil_store_commit (self->store, error);
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
  g_array_set_size (self->pending, 0);
  vigil_store_rollback (self->store);
}

const VigilIngestStats *
vigil_ingest_get_stats (VigilIngest *self)
{
  g_return_val_if_fail (VIGIL_IS_INGEST (self), NULL);

  return &self->stats;
}
