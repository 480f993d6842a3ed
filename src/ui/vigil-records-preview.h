/* vigil-records-preview.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-core.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_RECORDS_PREVIEW (vigil_records_preview_get_type ())

G_DECLARE_FINAL_TYPE (VigilRecordsPreview, vigil_records_preview, VIGIL, RECORDS_PREVIEW, AdwBin)

GtkWidget *vigil_records_preview_new         (void);
void       vigil_records_preview_show        (VigilRecordsPreview       *self,
                                              const VigilPreviewRecords *records,
                                              const gboolean            *mapped,
                                              const char * const        *reasons);
void       vigil_records_preview_show_error  (VigilRecordsPreview       *self,
                                              const char                *message);
void       vigil_records_preview_set_of_file (VigilRecordsPreview       *self,
                                              gboolean                   of_file);

G_END_DECLS
