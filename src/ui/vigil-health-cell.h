/* vigil-health-cell.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vigil-charts.h"
#include "vigil-customer.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_HEALTH_CELL (vigil_health_cell_get_type ())

G_DECLARE_FINAL_TYPE (VigilHealthCell, vigil_health_cell, VIGIL, HEALTH_CELL, GtkWidget)

GtkWidget *vigil_health_cell_new          (void);
void       vigil_health_cell_set_customer (VigilHealthCell *self,
                                           VigilCustomer   *customer,
                                           double           healthy_cutoff,
                                           double           at_risk_cutoff);
VigilChartTier vigil_tier_to_chart       (VigilTier        tier);

G_END_DECLS
