/* vigil-filter-list.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_FILTER_LIST (vigil_filter_list_get_type ())

G_DECLARE_FINAL_TYPE (VigilFilterList, vigil_filter_list, VIGIL, FILTER_LIST, GObject)

/* Whether @item is shown. */
typedef gboolean (*VigilFilterListFunc) (gpointer item,
                                         gpointer user_data);

/* Fills @order with the positions of @items (0 to @n_items - 1, as it
 * holds them on the call) in the order shown. */
typedef void (*VigilFilterListSortFunc) (gpointer *items,
                                         guint     n_items,
                                         guint    *order,
                                         gpointer  user_data);

VigilFilterList *vigil_filter_list_new      (GListModel          *source,
                                             VigilFilterListFunc  func,
                                             gpointer             user_data);
void             vigil_filter_list_set_sort (VigilFilterList         *self,
                                             VigilFilterListSortFunc  sort_func,
                                             gpointer                 user_data);
void             vigil_filter_list_resort   (VigilFilterList     *self);
void             vigil_filter_list_refilter (VigilFilterList     *self,
                                             GtkFilterChange      change);
gboolean         vigil_filter_list_find     (VigilFilterList     *self,
                                             gpointer             item,
                                             guint               *out_position);
void             vigil_filter_list_keep        (VigilFilterList *self,
                                                const char      *key);
gboolean         vigil_filter_list_show_kept   (VigilFilterList *self,
                                                const char      *key);
void             vigil_filter_list_forget_kept (VigilFilterList *self);

G_END_DECLS
