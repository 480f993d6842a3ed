/* vigil-json-private.h: guards shared by the readers of JSON text
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "vigil-snapshot.h"

G_BEGIN_DECLS

/* json-glib parses by recursion, one stack frame per level: a document
 * nested 100,000 deep overflows the stack. Documents are checked for
 * depth before json-glib sees them; no real endpoint nests this deep. */
#define VIGIL_JSON_MAX_DOCUMENT_DEPTH 512

gboolean _vigil_json_check_depth (const char  *data,
                                  gsize        length,
                                  GError     **error);

/* The strict reader of JSON text (RFC 8259) in vigil-snapshot.c, which
 * reads records without building a json-glib tree. Containers nested
 * deeper than this are refused rather than recursed into. */
#define VIGIL_JSON_MAX_READ_DEPTH 256

typedef struct
{
  const char *start;    /* of the text, for the column in errors */
  const char *p;        /* the next byte to read */
  const char *end;
  GString    *scratch;  /* for strings read only to be checked */
  GError    **error;
} VigilJsonCursor;

void     _vigil_json_cursor_skip_space    (VigilJsonCursor  *c);
gboolean _vigil_json_cursor_fail          (VigilJsonCursor  *c,
                                           const char       *message);
/* Checks and passes one value; @depth is how deep it sits. */
gboolean _vigil_json_cursor_skip_value    (VigilJsonCursor  *c,
                                           int               depth);
gboolean _vigil_json_cursor_read_string   (VigilJsonCursor  *c,
                                           GString          *out);
gboolean _vigil_json_cursor_read_number   (VigilJsonCursor  *c,
                                           double           *out,
                                           gboolean         *out_integer);
/* Reads one value into @field, with the rules of vigil_snapshot_set_json(). */
gboolean _vigil_snapshot_read_json_field  (VigilSnapshot    *self,
                                           VigilField        field,
                                           VigilJsonCursor  *c);

G_END_DECLS
