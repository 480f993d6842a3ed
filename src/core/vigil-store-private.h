/* vigil-store-private.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-store.h"

G_BEGIN_DECLS

gboolean _vigil_store_create_at_version (const char  *path,
                                         gint64       version,
                                         GError     **error);

G_END_DECLS
