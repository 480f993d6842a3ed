/* vigil-json-private.h: the one way JSON text enters Vigil
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Every JSON text Vigil reads, an endpoint's answer, an imported file,
 * a mapping or a stored setting, is read here (design 2.3): checked
 * against RFC 8259's grammar byte by byte, skipped parts included, as
 * UTF-8, and no deeper than this many nested arrays and objects. The
 * reader itself never recurses; the limit keeps the trees it builds
 * small enough for json-glib, which frees them by recursion. */
#define VIGIL_JSON_MAX_DEPTH 512

/* What the text is, which decides what becomes of a string that holds
 * U+0000 or an unpaired surrogate (valid JSON, but no C string or UTF-8
 * text can carry it).
 * @VIGIL_JSON_DATA: an answer or an import. Such a string is kept as
 *   bytes that are not UTF-8 (U+0000 as C0 80, a lone surrogate as its
 *   three-byte form), so that it stays distinct from every other string;
 *   the snapshot refuses text that is not UTF-8 as an unusable value.
 * @VIGIL_JSON_SETTINGS: a mapping, scorecard, model or stored setting:
 *   such a string is an error. */
typedef enum
{
  VIGIL_JSON_DATA,
  VIGIL_JSON_SETTINGS,
} VigilJsonUse;

/* A position in JSON text, for readers that walk it themselves (the
 * native record reader of vigil-snapshot.c) with the same rules. */
typedef struct
{
  const char    *start;
  const char    *p;
  const char    *end;
  guint64        line;   /* the line @start is on; 0 names only the column */
  VigilJsonUse   use;
  GError       **error;
  /* The last string read had no byte beyond ASCII and no \u escape:
   * it is UTF-8 without U+0000, and needs no other check. */
  gboolean       plain_string;
} VigilJsonCursor;

/* Past JSON's white space. Inline: the readers call it between every
 * two tokens of every record (6 % of a JSON Lines import's parsing, as
 * a call), and most records have none. */
static inline void
_vigil_json_cursor_skip_space (VigilJsonCursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

void       _vigil_json_cursor_init         (VigilJsonCursor  *c,
                                            const char       *text,
                                            gsize             length,
                                            VigilJsonUse      use,
                                            GError          **error);
void       _vigil_json_cursor_init_document (VigilJsonCursor *c,
                                             const char      *data,
                                             gssize           length,
                                             VigilJsonUse     use,
                                             GError         **error);
gboolean   _vigil_json_cursor_fail         (VigilJsonCursor  *c,
                                            const char       *message);
gboolean   _vigil_json_cursor_read_string  (VigilJsonCursor  *c,
                                            GString          *out);
gboolean   _vigil_json_cursor_read_member_name (VigilJsonCursor *c,
                                                GString         *name);
gboolean   _vigil_json_cursor_read_separator (VigilJsonCursor *c,
                                              char             closing,
                                              gboolean        *out_more);
gboolean   _vigil_json_cursor_read_number  (VigilJsonCursor  *c,
                                            double           *out,
                                            gboolean         *out_integer);
gboolean   _vigil_json_cursor_read_exact_number (VigilJsonCursor *c,
                                                 double          *out,
                                                 gint64          *out_integer,
                                                 gboolean        *out_exact);
gboolean   _vigil_json_cursor_read_literal (VigilJsonCursor  *c);
gboolean   _vigil_decimal_fast_value       (const char       *begin,
                                            const char       *end,
                                            double           *out);
gboolean   _vigil_json_cursor_skip_value   (VigilJsonCursor  *c,
                                            guint             depth);
gboolean   _vigil_json_cursor_finish       (VigilJsonCursor  *c);
JsonNode  *_vigil_json_cursor_parse        (VigilJsonCursor  *c);

gboolean   _vigil_json_validate            (const char       *data,
                                            gssize            length,
                                            VigilJsonUse      use,
                                            GError          **error);
JsonNode  *_vigil_json_parse               (const char       *data,
                                            gssize            length,
                                            VigilJsonUse      use,
                                            GError          **error);
JsonNode  *_vigil_json_parse_sample        (const char       *data,
                                            gssize            length,
                                            VigilJsonUse      use,
                                            guint             max_elements,
                                            guint             max_nodes,
                                            gboolean         *out_cut,
                                            GError          **error);

G_END_DECLS
