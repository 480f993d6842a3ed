/* vigil-pulse-section.h: the CSM's pulse of the customer
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_PULSE_SECTION (vigil_pulse_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilPulseSection, vigil_pulse_section, VIGIL, PULSE_SECTION, AdwBin)

guint vigil_pulse_section_get_n_earlier (VigilPulseSection *self);

G_END_DECLS
