/* vigil-risk-section.h: the churn risk and what rides on it
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-customer-section.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_RISK_SECTION (vigil_risk_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilRiskSection, vigil_risk_section, VIGIL, RISK_SECTION, AdwBin)

G_END_DECLS
