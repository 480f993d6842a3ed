/* vigil-triggers-section.h: the customer's open triggers, to work
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_TRIGGERS_SECTION (vigil_triggers_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilTriggersSection, vigil_triggers_section, VIGIL, TRIGGERS_SECTION, AdwBin)

G_END_DECLS
