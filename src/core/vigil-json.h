/* vigil-json.h: JSON text written by Vigil's own writers
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <string.h>

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

/* g_string_append_len() without its call when @out has room, as it
 * mostly has: a writer's texts come one after another into the same
 * GString (design 7). */
static inline void
vigil_json_append_len (GString    *out,
                       const char *text,
                       gsize       length)
{
  if (G_LIKELY (out->len + length < out->allocated_len))
    {
      memcpy (out->str + out->len, text, length);
      out->len += length;
      out->str[out->len] = '\0';
    }
  else
    g_string_append_len (out, text, (gssize) length);
}

G_END_DECLS
