/* vigil-text-cell.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_TEXT_CELL (vigil_text_cell_get_type ())

G_DECLARE_FINAL_TYPE (VigilTextCell, vigil_text_cell, VIGIL, TEXT_CELL, GtkWidget)

GtkWidget  *vigil_text_cell_new      (float          xalign,
                                      gboolean       numeric,
                                      int            width_chars,
                                      const char    *sample);
void        vigil_text_cell_set_text (VigilTextCell *self,
                                      const char    *text);
const char *vigil_text_cell_get_text (VigilTextCell *self);

G_END_DECLS
