/* vigil-usage-section.h: usage over time
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_USAGE_SECTION (vigil_usage_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilUsageSection, vigil_usage_section, VIGIL, USAGE_SECTION, AdwBin)

G_END_DECLS
