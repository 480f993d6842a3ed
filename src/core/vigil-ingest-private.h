/* vigil-ingest-private.h: what the importer asks of an ingest
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-ingest.h"

G_BEGIN_DECLS

GHashTable *_vigil_ingest_get_feature_names (VigilIngest *self);

G_END_DECLS
