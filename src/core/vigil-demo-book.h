/* vigil-demo-book.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-demo.h"
#include "vigil-store.h"

G_BEGIN_DECLS

VigilStore *vigil_demo_open_store (VigilDemo     *self,
                                   const char    *path,
                                   gint64         now,
                                   guint          days,
                                   GCancellable  *cancellable,
                                   GError       **error);

G_END_DECLS
