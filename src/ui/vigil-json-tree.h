/* vigil-json-tree.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * VigilJsonTreeMenuFunc:
 * @pointer: the value's JSON Pointer from the tree's root
 * @node: the value
 *
 * Returns: (transfer full) (nullable): what a click on the value offers
 */
typedef GMenuModel *(*VigilJsonTreeMenuFunc) (const char *pointer,
                                              JsonNode   *node,
                                              gpointer    user_data);

/**
 * VigilJsonTreeBadgeFunc:
 *
 * Returns: (transfer full) (nullable): what the value is used for, shown
 *   beside it
 */
typedef char *(*VigilJsonTreeBadgeFunc) (const char *pointer,
                                         JsonNode   *node,
                                         gpointer    user_data);

#define VIGIL_TYPE_JSON_TREE (vigil_json_tree_get_type ())

G_DECLARE_FINAL_TYPE (VigilJsonTree, vigil_json_tree, VIGIL, JSON_TREE, AdwBin)

GtkWidget *vigil_json_tree_new       (void);
void       vigil_json_tree_set_root  (VigilJsonTree          *self,
                                      JsonNode               *root);
void       vigil_json_tree_set_funcs (VigilJsonTree          *self,
                                      VigilJsonTreeMenuFunc   menu_func,
                                      VigilJsonTreeBadgeFunc  badge_func,
                                      gpointer                user_data);
void       vigil_json_tree_refresh   (VigilJsonTree          *self);

G_END_DECLS
