/* vigil-json.h: JSON text written by Vigil's own writers
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest text of a gint64: a sign and 19 digits. */
#define VIGIL_JSON_INTEGER_MAX_LENGTH 20

char *vigil_json_write_integer  (char    *to,
                                gint64   value);
void vigil_json_append_integer (GString *out,
                                gint64   value);
void vigil_json_append_g17     (GString *out,
                                double   value);

G_END_DECLS
