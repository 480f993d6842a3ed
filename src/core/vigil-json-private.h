/* vigil-json-private.h: guards shared by the readers of JSON text
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* json-glib parses by recursion, one stack frame per level: a document
 * nested 100,000 deep overflows the stack. Documents are checked for
 * depth before json-glib sees them; no real endpoint nests this deep. */
#define VIGIL_JSON_MAX_DOCUMENT_DEPTH 512

gboolean _vigil_json_check_depth (const char  *data,
                                  gsize        length,
                                  GError     **error);

G_END_DECLS
