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
#include "vigil-text-cell.h"

G_BEGIN_DECLS

void           vigil_health_cell_measure         (GtkWidget             *widget,
                                                  VigilTextCellSize     *size);
char          *vigil_health_cell_describe        (VigilCustomer         *customer);
char          *vigil_health_cell_describe_spoken (VigilCustomer         *customer);
void           vigil_health_cell_draw            (GtkWidget             *widget,
                                                  GtkSnapshot           *snapshot,
                                                  VigilCustomer         *customer,
                                                  const char            *words,
                                                  const graphene_rect_t *area,
                                                  double                 healthy_cutoff,
                                                  double                 at_risk_cutoff,
                                                  const GdkRGBA         *color);
VigilChartTier vigil_tier_to_chart               (VigilTier              tier);

G_END_DECLS
