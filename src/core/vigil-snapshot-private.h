/* vigil-snapshot-private.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-json-private.h"
#include "vigil-snapshot.h"

G_BEGIN_DECLS

gboolean _vigil_snapshot_read_json_field (VigilSnapshot    *self,
                                          VigilField        field,
                                          VigilJsonCursor  *c,
                                          guint             depth,
                                          GString          *scratch);

G_END_DECLS
