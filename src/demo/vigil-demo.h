/* vigil-demo.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-snapshot.h"
#include "vigil-store.h"

G_BEGIN_DECLS

/* The demo book of `vigil --demo`: a few hundred customers with a year
 * of daily history, the same each time (design 4). */
#define VIGIL_DEMO_SEED G_GUINT64_CONSTANT (20261123)
#define VIGIL_DEMO_CUSTOMERS 300
#define VIGIL_DEMO_DAYS 365
/* The source the demo book's history is stored under. */
#define VIGIL_DEMO_SOURCE "demo"

#define VIGIL_TYPE_DEMO (vigil_demo_get_type ())

G_DECLARE_FINAL_TYPE (VigilDemo, vigil_demo, VIGIL, DEMO, GObject)

VigilDemo *vigil_demo_new             (guint64        seed,
                                       guint          n_customers);
guint64    vigil_demo_get_seed        (VigilDemo     *self);
guint      vigil_demo_get_n_customers (VigilDemo     *self);
void       vigil_demo_fill_snapshot   (VigilDemo     *self,
                                       guint          index,
                                       gint64         observed_at,
                                       VigilSnapshot *out);
gint64     vigil_demo_get_churn_time  (VigilDemo     *self,
                                       guint          index);
VigilStore *vigil_demo_open_store     (VigilDemo     *self,
                                       const char    *path,
                                       gint64         now,
                                       guint          days,
                                       GCancellable  *cancellable,
                                       GError       **error);

G_END_DECLS
