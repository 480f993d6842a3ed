/* vigil-preview-private.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "vigil-preview.h"

G_BEGIN_DECLS

void                 _vigil_preview_explain_fetch_error (GError              **error,
                                                         guint                 status);
VigilPreviewRecords *_vigil_preview_records_new         (void);
void                 _vigil_preview_records_take        (VigilPreviewRecords  *records,
                                                         VigilSnapshot        *snapshot,
                                                         guint                 max_kept,
                                                         gint64                observed_at);

G_END_DECLS
