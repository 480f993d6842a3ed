/* vigil-records-section.h: the records the account is made of
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_RECORDS_SECTION (vigil_records_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilRecordsSection, vigil_records_section, VIGIL, RECORDS_SECTION, AdwBin)

G_END_DECLS
