/* vigil-store-pool.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-store.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_STORE_POOL (vigil_store_pool_get_type ())

G_DECLARE_FINAL_TYPE (VigilStorePool, vigil_store_pool, VIGIL, STORE_POOL, GObject)

/* How the pool opens a store: vigil_store_open() or
 * vigil_store_open_for_book_read(). */
typedef VigilStore *(*VigilStoreOpenFunc) (const char  *location,
                                           GError     **error);

VigilStorePool *vigil_store_pool_new       (const char          *location,
                                            VigilStoreOpenFunc   open);
VigilStore     *vigil_store_pool_take      (VigilStorePool      *self,
                                            GError             **error);
void            vigil_store_pool_give_back (VigilStorePool      *self,
                                            VigilStore          *store,
                                            gboolean             reusable);
guint           vigil_store_pool_get_idle  (VigilStorePool      *self);

G_END_DECLS
