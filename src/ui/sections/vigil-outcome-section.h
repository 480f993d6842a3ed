/* vigil-outcome-section.h: the contract's outcome, to record
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_OUTCOME_SECTION (vigil_outcome_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilOutcomeSection, vigil_outcome_section, VIGIL, OUTCOME_SECTION, AdwBin)

G_END_DECLS
