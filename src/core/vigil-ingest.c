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
 * at the end rather than once per snapshot. */

typedef struct
{
  gint64  id;
  gint64  latest_at;
  char   *name;
  char   *plan;
  char   *owner;
  char   *segment;
} CustomerState;

struct _VigilIngest
{
  GObject          parent_instance;

  VigilStore      *store;
  VigilScorecard  *scorecard;
  gint64           source_id;
  gint64           default_observed_at;
  GHashTable      *customers;   /* external id → CustomerState */
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
 * Stores and scores one record. A record without an id is counted as
 * skipped; one already stored is counted as a duplicate. An error means
 * the database failed: abort the ingest.
 */
gboolean
vigil_ingest_add (VigilIngest    *self,
                  VigilSnapshot  *snapshot,
                  GError        **error)
{
  CustomerState *customer;
  VigilScore score;
  gboolean inserted = FALSE;

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

  vigil_scorecard_compute (self->scorecard, snapshot, &score);
  if (!vigil_store_insert_snapshot (self->store, customer->id, snapshot, &score, &inserted, error))
    return FALSE;

  if (!inserted)
    {
      self->stats.duplicates++;
      return TRUE;
    }

  merge_attributes (customer, snapshot);
  self->stats.stored++;
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
  vigil_store_rollback (self->store);
}

const VigilIngestStats *
vigil_ingest_get_stats (VigilIngest *self)
{
  g_return_val_if_fail (VIGIL_IS_INGEST (self), NULL);

  return &self->stats;
}
