/* vigil-source-dialog.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_SOURCE_DIALOG (vigil_source_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VigilSourceDialog, vigil_source_dialog, VIGIL, SOURCE_DIALOG, AdwWindow)

VigilSourceDialog *vigil_source_dialog_new (GtkWindow      *parent,
                                            VigilPortfolio *portfolio);
VigilSourceDialog *vigil_source_dialog_new_for_source (GtkWindow         *parent,
                                                       VigilPortfolio    *portfolio,
                                                       const VigilSource *source);

G_END_DECLS
