/* vigil-pointer-tree.h: finding JSON Pointers while reading JSON text
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "vigil-json-private.h"

G_BEGIN_DECLS

/* A set of JSON Pointers (RFC 6901), each with a role (a small number
 * the user of the tree chooses), merged by their common prefixes. */
typedef struct _VigilPointerTree VigilPointerTree;

/* Called with @c at the value a pointer of @role refers to, @depth
 * arrays and objects open around it; must read exactly that value (or
 * fail with @c's error set, or stop). */
typedef gboolean (*VigilPointerVisitFunc) (int               role,
                                           VigilJsonCursor  *c,
                                           guint             depth,
                                           gpointer          user_data);

/* RFC 6901's reading of one reference token (up to the next "/"),
 * decoded into @token; returns where it ends. */
const char       *_vigil_json_pointer_next_token  (const char  *p,
                                                   GString     *token);
/* Whether @token is an array index ("0", or digits without a leading
 * zero), and which. */
gboolean          _vigil_json_pointer_token_index (const char  *token,
                                                   guint64     *out_index);

VigilPointerTree *_vigil_pointer_tree_new   (void);
void              _vigil_pointer_tree_free  (VigilPointerTree       *tree);
void              _vigil_pointer_tree_add   (VigilPointerTree       *tree,
                                             const char             *pointer,
                                             int                     role);
gboolean          _vigil_pointer_tree_read  (VigilPointerTree       *tree,
                                             VigilJsonCursor        *c,
                                             guint                   depth,
                                             GString                *name,
                                             VigilPointerVisitFunc   visit,
                                             gpointer                user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilPointerTree, _vigil_pointer_tree_free)

G_END_DECLS
