/* vigil-pulse-section.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-customer.h"
#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_PULSE_SECTION (vigil_pulse_section_get_type ())

G_DECLARE_FINAL_TYPE (VigilPulseSection, vigil_pulse_section, VIGIL, PULSE_SECTION, AdwBin)

GtkWidget *vigil_pulse_section_new           (void);
void       vigil_pulse_section_set_portfolio (VigilPulseSection *self,
                                              VigilPortfolio    *portfolio);
void       vigil_pulse_section_show_customer (VigilPulseSection *self,
                                              VigilCustomer     *customer);
guint      vigil_pulse_section_get_n_earlier (VigilPulseSection *self);

G_END_DECLS
