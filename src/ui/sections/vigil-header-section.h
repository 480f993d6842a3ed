/* vigil-header-section.h: the headline: the health score, its tier and its trends
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_HEADER_SECTION (vigil_header_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilHeaderSection, vigil_header_section, VIGIL, HEADER_SECTION, AdwBin)

G_END_DECLS
