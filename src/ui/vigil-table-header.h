/* vigil-table-header.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vigil-table-layout.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_TABLE_HEADER (vigil_table_header_get_type ())

G_DECLARE_FINAL_TYPE (VigilTableHeader, vigil_table_header, VIGIL, TABLE_HEADER, GtkWidget)

GtkWidget *vigil_table_header_new            (VigilTableLayout *layout);
GtkWidget *vigil_table_header_add_column     (VigilTableHeader *self,
                                              const char       *title);
void       vigil_table_header_measure_column (VigilTableHeader *self,
                                              guint             column,
                                              int              *minimum,
                                              int              *natural);
void       vigil_table_header_set_sort       (VigilTableHeader *self,
                                              int               column,
                                              GtkSortType       direction);
void       vigil_table_header_set_rows       (VigilTableHeader *self,
                                              GtkWidget        *rows);
void       vigil_table_header_follow_rows    (VigilTableHeader *self);
void       vigil_table_header_update_shown   (VigilTableHeader *self);

G_END_DECLS
