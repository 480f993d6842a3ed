/* vigil-table-row.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vigil-customer.h"
#include "vigil-table-layout.h"

G_BEGIN_DECLS

/* A cell's colour beside the text's own. */
typedef enum
{
  VIGIL_ROW_TONE_PLAIN,
  VIGIL_ROW_TONE_UP,    /* the success colour */
  VIGIL_ROW_TONE_DOWN,  /* the error colour */
} VigilRowTone;

#define VIGIL_TYPE_TABLE_ROW (vigil_table_row_get_type ())

G_DECLARE_FINAL_TYPE (VigilTableRow, vigil_table_row, VIGIL, TABLE_ROW, GtkWidget)

GtkWidget     *vigil_table_row_new          (VigilTableLayout  *layout);
void           vigil_table_row_show          (VigilTableRow    *self,
                                              VigilCustomer    *customer,
                                              char            **texts,
                                              const guint8     *tones,
                                              double            healthy_cutoff,
                                              double            at_risk_cutoff);
void           vigil_table_row_set_spoken    (VigilTableRow    *self,
                                              const char       *spoken);
void           vigil_table_row_clear         (VigilTableRow    *self);
void           vigil_table_row_check_layout  (VigilTableRow    *self);
guint          vigil_table_row_get_n_columns (VigilTableRow    *self);
VigilCustomer *vigil_table_row_get_customer  (VigilTableRow    *self);
const char    *vigil_table_row_get_text      (VigilTableRow    *self,
                                              guint             column);
gboolean       vigil_table_row_get_text_area (VigilTableRow    *self,
                                              guint             column,
                                              graphene_rect_t  *area);

G_END_DECLS
