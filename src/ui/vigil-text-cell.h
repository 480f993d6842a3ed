/* vigil-text-cell.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How wide a column of text is, and how tall its line. */
typedef struct
{
  int minimum;      /* pixels: names may shrink to a few letters, figures never */
  int natural;      /* pixels: the widest expected text */
  int line_height;  /* pixels */
} VigilTextCellSize;

void vigil_text_cell_measure (GtkWidget         *widget,
                              gboolean           numeric,
                              int                width_chars,
                              const char        *sample,
                              VigilTextCellSize *size);
void vigil_text_cell_draw    (GtkWidget             *widget,
                              GtkSnapshot           *snapshot,
                              const char            *text,
                              gboolean               numeric,
                              float                  xalign,
                              const graphene_rect_t *area,
                              const GdkRGBA         *color);
void vigil_text_cell_get_color (GtkWidget *widget,
                                GdkRGBA   *color);

G_END_DECLS
