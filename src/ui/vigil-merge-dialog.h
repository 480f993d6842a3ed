/* vigil-merge-dialog.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_MERGE_DIALOG (vigil_merge_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VigilMergeDialog, vigil_merge_dialog, VIGIL, MERGE_DIALOG, AdwWindow)

VigilMergeDialog *vigil_merge_dialog_new       (GtkWindow        *parent,
                                                VigilPortfolio   *portfolio,
                                                VigilCustomer    *customer);
GListModel       *vigil_merge_dialog_get_shown (VigilMergeDialog *self);

G_END_DECLS
