/* vigil-preview-private.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void _vigil_preview_explain_fetch_error (GError **error,
                                         guint    status);

G_END_DECLS
