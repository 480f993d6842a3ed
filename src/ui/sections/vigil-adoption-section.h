/* vigil-adoption-section.h: feature adoption
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_ADOPTION_SECTION (vigil_adoption_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilAdoptionSection, vigil_adoption_section, VIGIL, ADOPTION_SECTION, AdwBin)

G_END_DECLS
