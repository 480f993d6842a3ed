/* vigil-breakdown-section.h: what each measure scores and why
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_BREAKDOWN_SECTION (vigil_breakdown_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilBreakdownSection, vigil_breakdown_section, VIGIL, BREAKDOWN_SECTION, AdwBin)

GtkWidget *vigil_breakdown_section_get_list (VigilBreakdownSection *self);

G_END_DECLS
