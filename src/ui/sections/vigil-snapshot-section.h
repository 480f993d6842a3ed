/* vigil-snapshot-section.h: the raw latest snapshot
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_SNAPSHOT_SECTION (vigil_snapshot_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilSnapshotSection, vigil_snapshot_section, VIGIL, SNAPSHOT_SECTION, AdwBin)

G_END_DECLS
