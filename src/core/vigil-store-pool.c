/* vigil-store-pool.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * design 7: a window reads a team's book on connections of its own, off
 * the main thread, after every commit the team makes. On PostgreSQL a
 * connection is a server process made for it, whose first queries fill
 * its caches of the catalog: ten windows opening two each for every
 * poll took a good part of the server's two cores (issue 19's ten
 * windows). A pool keeps the store a read gave back, one at most, for
 * the next read, on any thread. A file's store opens in a moment and is
 * not kept: the pool opens one for each taking, as before.
 */

#include "config.h"

#include "vigil-store-pool.h"
#include "vigil-store-private.h"

struct _VigilStorePool
{
  GObject             parent_instance;

  char               *location;
  VigilStoreOpenFunc  open;
  gboolean            keeps;   /* a team's book: its stores are kept */
  GMutex              lock;
  VigilStore         *idle;    /* under the lock */
};

G_DEFINE_FINAL_TYPE (VigilStorePool, vigil_store_pool, G_TYPE_OBJECT)

static void
vigil_store_pool_finalize (GObject *object)
{
  VigilStorePool *self = (VigilStorePool *) object;

  g_clear_object (&self->idle);
  g_mutex_clear (&self->lock);
  g_free (self->location);

  G_OBJECT_CLASS (vigil_store_pool_parent_class)->finalize (object);
}

static void
vigil_store_pool_class_init (VigilStorePoolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vigil_store_pool_finalize;
}

static void
vigil_store_pool_init (VigilStorePool *self)
{
  g_mutex_init (&self->lock);
}

/**
 * vigil_store_pool_new:
 * @location: a file's path or a team's book (vigil_store_open())
 * @open: how the pool opens a store of @location
 */
VigilStorePool *
vigil_store_pool_new (const char         *location,
                      VigilStoreOpenFunc  open)
{
  VigilStorePool *self;

  g_return_val_if_fail (location != NULL, NULL);
  g_return_val_if_fail (open != NULL, NULL);

  self = g_object_new (VIGIL_TYPE_STORE_POOL, NULL);
  self->location = g_strdup (location);
  self->open = open;
  self->keeps = vigil_store_location_is_shared (location);
  return self;
}

/**
 * vigil_store_pool_take:
 *
 * Any thread may take a store; it is the taker's alone until given
 * back (vigil_store_pool_give_back()).
 *
 * Returns: (transfer full): the store kept, or a new one
 */
VigilStore *
vigil_store_pool_take (VigilStorePool  *self,
                       GError         **error)
{
  VigilStore *store;

  g_return_val_if_fail (VIGIL_IS_STORE_POOL (self), NULL);

  g_mutex_lock (&self->lock);
  store = g_steal_pointer (&self->idle);
  g_mutex_unlock (&self->lock);
  /* What the store keeps of the book, the features' names, is read
   * again: the team may have added some since (a kept store would leave
   * their counts out of a history). One that cannot (its connection
   * lost) makes way for a new one. */
  if (store != NULL && !_vigil_store_reload_features (store, NULL))
    g_clear_object (&store);
  return store != NULL ? store : self->open (self->location, error);
}

/**
 * vigil_store_pool_give_back:
 * @store: (transfer full): a store taken from the pool
 * @reusable: %FALSE when the work on it failed: its connection may be
 *   lost (a server restarted), and a failed read is tried again on a
 *   new one
 *
 * Keeps @store for the next taking, or closes it: a file's, one that
 * failed, one left inside a transaction or holding a source's poll
 * lock, or one more than the pool keeps.
 */
void
vigil_store_pool_give_back (VigilStorePool *self,
                            VigilStore     *store,
                            gboolean        reusable)
{
  g_return_if_fail (VIGIL_IS_STORE_POOL (self));
  g_return_if_fail (VIGIL_IS_STORE (store));

  if (self->keeps && reusable && !vigil_sql_in_transaction (store->db) &&
      g_hash_table_size (store->locked_sources) == 0)
    {
      g_mutex_lock (&self->lock);
      if (self->idle == NULL)
        self->idle = g_steal_pointer (&store);
      g_mutex_unlock (&self->lock);
    }
  g_clear_object (&store);
}

/* Returns: how many stores the pool keeps now (0 or 1) */
guint
vigil_store_pool_get_idle (VigilStorePool *self)
{
  guint idle;

  g_return_val_if_fail (VIGIL_IS_STORE_POOL (self), 0);

  g_mutex_lock (&self->lock);
  idle = self->idle != NULL ? 1 : 0;
  g_mutex_unlock (&self->lock);
  return idle;
}
