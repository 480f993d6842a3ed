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

/* A JSON text (RFC 8259) written as it goes into a GString, for output
 * too big to build as a tree first. Containers nest up to
 * VIGIL_JSON_WRITER_MAX_DEPTH deep. */
#define VIGIL_JSON_WRITER_MAX_DEPTH 64

typedef struct
{
  GString  *out;
  guint     depth;
  guint64   has_items;   /* bit d: the container at depth d holds an item */
  gboolean  after_name;  /* a member name was written, its value is next */
  gboolean  lines;       /* each item of the outermost array on a line */
} VigilJsonWriter;

void      vigil_json_writer_init         (VigilJsonWriter    *writer,
                                          GString            *out);
void      vigil_json_writer_set_lines    (VigilJsonWriter    *writer,
                                          gboolean            lines);
void      vigil_json_writer_begin_object (VigilJsonWriter    *writer);
void      vigil_json_writer_end_object   (VigilJsonWriter    *writer);
void      vigil_json_writer_begin_array  (VigilJsonWriter    *writer);
void      vigil_json_writer_end_array    (VigilJsonWriter    *writer);
void      vigil_json_writer_name         (VigilJsonWriter    *writer,
                                          const char         *name);
void      vigil_json_writer_string       (VigilJsonWriter    *writer,
                                          const char         *text);
void      vigil_json_writer_double       (VigilJsonWriter    *writer,
                                          double              value);
void      vigil_json_writer_int          (VigilJsonWriter    *writer,
                                          gint64              value);
void      vigil_json_writer_boolean      (VigilJsonWriter    *writer,
                                          gboolean            value);
void      vigil_json_writer_null         (VigilJsonWriter    *writer);

G_END_DECLS
