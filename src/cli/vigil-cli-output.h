/* vigil-cli-output.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VIGIL_OUTPUT_TABLE,
  VIGIL_OUTPUT_CSV,
  VIGIL_OUTPUT_JSON,
} VigilOutputFormat;

gboolean  vigil_output_format_parse (const char         *text,
                                     VigilOutputFormat  *out_format,
                                     GError            **error);
char     *vigil_output_csv_field    (const char         *text,
                                     gboolean            numeric);
gsize     vigil_output_text_width   (const char         *text);
char     *vigil_output_table        (const char * const *headers,
                                     const gboolean     *right_aligned,
                                     GPtrArray          *rows);

G_END_DECLS
