/* vigil-export-dialog.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_EXPORT_DIALOG (vigil_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VigilExportDialog, vigil_export_dialog, VIGIL, EXPORT_DIALOG, AdwMessageDialog)

VigilExportDialog *vigil_export_dialog_new (GtkWindow      *parent,
                                            VigilPortfolio *portfolio);

G_END_DECLS
