/* vigil-history-section.h: the health history chart
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_HISTORY_SECTION (vigil_history_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilHistorySection, vigil_history_section, VIGIL, HISTORY_SECTION, AdwBin)

G_END_DECLS
