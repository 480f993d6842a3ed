/* vigil-timeline-section.h: the customer's timeline, and a touch to log
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_TIMELINE_SECTION (vigil_timeline_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilTimelineSection, vigil_timeline_section, VIGIL, TIMELINE_SECTION, AdwBin)

GtkTextView *vigil_timeline_section_get_text_view (VigilTimelineSection *self);
GtkListBox  *vigil_timeline_section_get_list      (VigilTimelineSection *self);
GtkDropDown *vigil_timeline_section_get_kind_dropdown (VigilTimelineSection *self);

G_END_DECLS
