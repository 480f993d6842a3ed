/* vigil-snapshot-text.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-core.h"

G_BEGIN_DECLS

const char *vigil_field_get_label       (VigilField           field);
char       *vigil_snapshot_format_field (const VigilSnapshot *snapshot,
                                         VigilField           field);

G_END_DECLS
