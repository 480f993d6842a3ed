/* vigil-cli-output.c: tables and CSV for a terminal
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vigil-cli-output.h"
#include "vigil-error.h"
#include "vigil-json.h"

/* Names are data and may be very long: a table cell shows this many
 * columns at most, then an ellipsis. */
#define MAX_CELL_WIDTH 32

gboolean
vigil_output_format_parse (const char         *text,
                           VigilOutputFormat  *out_format,
                           GError            **error)
{
  if (g_strcmp0 (text, "table") == 0)
    *out_format = VIGIL_OUTPUT_TABLE;
  else if (g_strcmp0 (text, "csv") == 0)
    *out_format = VIGIL_OUTPUT_CSV;
  else if (g_strcmp0 (text, "json") == 0)
    *out_format = VIGIL_OUTPUT_JSON;
  else
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("Unknown format “%s”: use table, csv or json"), text);
      return FALSE;
    }
  return TRUE;
}

/* What a spreadsheet reads as the start of a formula (OWASP, "CSV
 * injection"): = + - @, and tab or carriage return, which some strip
 * before looking again. */
static gboolean
starts_like_formula (const char *text)
{
  return text[0] != '\0' && strchr ("=+-@\t\r", text[0]) != NULL;
}

/**
 * vigil_output_csv_field:
 * @text: (nullable): the cell; %NULL (unknown) is written empty
 * @numeric: whether @text is a number Vigil formatted itself
 *
 * One CSV cell, the one way every CSV Vigil writes makes them. A text
 * cell that a spreadsheet would run as a formula gets a leading
 * apostrophe, which spreadsheets take as "this is text" and do not show;
 * a number Vigil wrote stays a number, so -3.5 stays -3.5. Then RFC 4180:
 * quoted when it holds a comma, a quote, CR or LF, with quotes doubled.
 *
 * Returns: (transfer full): the cell as it goes between the commas
 */
char *
vigil_output_csv_field (const char *text,
                        gboolean    numeric)
{
  GString *out;
  gboolean neutralise;

  if (text == NULL)
    return g_strdup ("");
  neutralise = !numeric && starts_like_formula (text);
  if (strpbrk (text, ",\"\r\n") == NULL)
    return neutralise ? g_strconcat ("'", text, NULL) : g_strdup (text);

  out = g_string_new ("\"");
  if (neutralise)
    g_string_append_c (out, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static gsize
char_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  if (g_unichar_iswide (c))
    return 2;
  return 1;
}

/* Terminal columns @text takes: CJK and emoji take two. */
gsize
vigil_output_text_width (const char *text)
{
  gsize width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    width += char_width (g_utf8_get_char (p));
  return width;
}

/* Control characters in data would move the cursor: show them as spaces. */
static char *
fit_cell (const char *text)
{
  GString *out = g_string_new (NULL);
  gsize width = 0;
  gsize total = vigil_output_text_width (text);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize w = char_width (c);

      if (total > MAX_CELL_WIDTH && width + w > MAX_CELL_WIDTH - 1)
        {
          g_string_append (out, "…");
          break;
        }
      if (g_unichar_iscntrl (c))
        c = ' ';
      g_string_append_unichar (out, c);
      width += w;
    }
  return g_string_free (out, FALSE);
}

static void
append_padded (GString    *out,
               const char *text,
               gsize       width,
               gboolean    right)
{
  gsize used = vigil_output_text_width (text);
  gsize pad = width > used ? width - used : 0;

  if (right)
    for (gsize i = 0; i < pad; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!right)
    for (gsize i = 0; i < pad; i++)
      g_string_append_c (out, ' ');
}

/**
 * vigil_output_table:
 * @headers: NULL-terminated column titles
 * @right_aligned: per column, whether it holds numbers
 * @rows: (element-type GStrv): the cells
 *
 * Returns: (transfer full): the table, columns aligned by display width
 */
char *
vigil_output_table (const char * const *headers,
                    const gboolean     *right_aligned,
                    GPtrArray          *rows)
{
  guint n_columns = g_strv_length ((char **) headers);
  g_autofree gsize *widths = g_new0 (gsize, n_columns);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GString *out = g_string_new (NULL);

  for (guint c = 0; c < n_columns; c++)
    widths[c] = vigil_output_text_width (headers[c]);

  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);
      char **fitted = g_new0 (char *, n_columns + 1);

      /* The last column may run on: nothing to its right to push away. */
      for (guint c = 0; c < n_columns; c++)
        {
          fitted[c] = c + 1 < n_columns ? fit_cell (row[c] != NULL ? row[c] : "")
                                        : g_strdup (row[c] != NULL ? row[c] : "");
          widths[c] = MAX (widths[c], vigil_output_text_width (fitted[c]));
        }
      g_ptr_array_add (cells, fitted);
    }

  for (guint c = 0; c < n_columns; c++)
    {
      append_padded (out, headers[c], c + 1 < n_columns || right_aligned[c] ? widths[c] : 0,
                     right_aligned[c]);
      g_string_append (out, c + 1 < n_columns ? "  " : "\n");
    }

  for (guint r = 0; r < cells->len; r++)
    {
      char **row = g_ptr_array_index (cells, r);

      for (guint c = 0; c < n_columns; c++)
        {
          append_padded (out, row[c], c + 1 < n_columns || right_aligned[c] ? widths[c] : 0,
                         right_aligned[c]);
          g_string_append (out, c + 1 < n_columns ? "  " : "\n");
        }
    }

  return g_string_free (out, FALSE);
}

/* JSON, written as it goes ------------------------------------------------- */

/**
 * vigil_json_writer_init:
 * @out: where the text goes; the caller may empty it between values of
 *   the outermost container (after vigil_json_writer_end_object(), say)
 *
 * A writer for one JSON text. It writes what json-glib's generator
 * writes for the same values, without its tree, and never what RFC 8259
 * forbids: every control character is escaped, invalid UTF-8 becomes
 * U+FFFD, and a number that is not finite is written null.
 */
void
vigil_json_writer_init (VigilJsonWriter *writer,
                        GString         *out)
{
  *writer = (VigilJsonWriter) { out, 0, 0, FALSE, FALSE };
}

/* With @lines, each item of the outermost array goes on a line of its
 * own (a text that greps well); JSON all the same. */
void
vigil_json_writer_set_lines (VigilJsonWriter *writer,
                             gboolean         lines)
{
  writer->lines = lines;
}

static gboolean
is_line_item (VigilJsonWriter *writer)
{
  return writer->lines && writer->depth == 1;
}

/* What goes before a value: a comma after the container's last item. */
static void
begin_value (VigilJsonWriter *writer)
{
  guint64 bit = G_GUINT64_CONSTANT (1) << writer->depth;

  if (writer->after_name)
    {
      writer->after_name = FALSE;
      return;
    }
  if (writer->depth > 0 && (writer->has_items & bit) != 0)
    g_string_append_c (writer->out, ',');
  if (is_line_item (writer))
    g_string_append_c (writer->out, '\n');
  writer->has_items |= bit;
}

static void
open_container (VigilJsonWriter *writer,
                char             bracket)
{
  begin_value (writer);
  g_return_if_fail (writer->depth + 1 < VIGIL_JSON_WRITER_MAX_DEPTH);
  g_string_append_c (writer->out, bracket);
  writer->depth++;
  writer->has_items &= ~(G_GUINT64_CONSTANT (1) << writer->depth);
}

static void
close_container (VigilJsonWriter *writer,
                 char             bracket)
{
  g_return_if_fail (writer->depth > 0 && !writer->after_name);
  if (is_line_item (writer))
    g_string_append_c (writer->out, '\n');
  writer->depth--;
  g_string_append_c (writer->out, bracket);
}

void
vigil_json_writer_begin_object (VigilJsonWriter *writer)
{
  open_container (writer, '{');
}

void
vigil_json_writer_end_object (VigilJsonWriter *writer)
{
  close_container (writer, '}');
}

void
vigil_json_writer_begin_array (VigilJsonWriter *writer)
{
  open_container (writer, '[');
}

void
vigil_json_writer_end_array (VigilJsonWriter *writer)
{
  close_container (writer, ']');
}

/* The bytes a JSON string holds as they are, with nothing to check:
 * printable ASCII but the quotation mark and the reverse solidus. */
static const guint8 plain_byte[256] = {
  [0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,  /* not '"' (0x22) nor '\\' (0x5c) */
};

/* Past the plain bytes from @p on: where the first other one is. */
static inline const char *
skip_plain (const char *p,
            const char *end)
{
  while (p < end && plain_byte[(guchar) *p])
    p++;
  return p;
}

/* The rest of append_string()'s text, from @p (a byte that is not
 * plain) to @end: the escapes, and the UTF-8 checked. */
static void
append_string_rest (GString    *out,
                    const char *p,
                    const char *end)
{
  while (p < end)
    {
      const char *run = p;
      const char *invalid;

      /* Plain bytes go in one append. */
      p = skip_plain (p, end);
      vigil_json_append_len (out, run, p - run);
      if (p == end)
        break;

      if ((guchar) *p >= 0x80)
        {
          run = p;
          /* The valid multi-byte characters up to the next ASCII byte. */
          while (p < end && (guchar) *p >= 0x80)
            p++;
          if (g_utf8_validate (run, p - run, &invalid))
            vigil_json_append_len (out, run, p - run);
          else
            {
              vigil_json_append_len (out, run, invalid - run);
              g_string_append (out, "\xef\xbf\xbd");
              /* Past the bad byte; the rest of the run is looked at again. */
              p = invalid + 1;
            }
          continue;
        }

      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default: g_string_append_printf (out, "\\u%04x", (guchar) *p); break;
        }
      p++;
    }
}

/* @text as a JSON string, then @after (a colon after a name, else
 * nothing): quotation mark, reverse solidus and the control characters
 * escaped (RFC 8259 section 7; the short forms where there are some, and
 * DEL as json-glib does), other characters as they are, each invalid
 * UTF-8 sequence as U+FFFD. Most texts are plain bytes alone, and go in
 * with one copy (design 7). */
static void
append_string (GString    *out,
               const char *text,
               const char *after)
{
  gsize length = strlen (text);
  const char *end = text + length;
  const char *p = skip_plain (text, end);
  gsize after_length = strlen (after);

  if (p == end && G_LIKELY (out->len + length + 2 + after_length < out->allocated_len))
    {
      char *to = out->str + out->len;

      *to++ = '"';
      memcpy (to, text, length);
      to += length;
      *to++ = '"';
      memcpy (to, after, after_length);
      out->len += length + 2 + after_length;
      out->str[out->len] = '\0';
      return;
    }
  g_string_append_c (out, '"');
  vigil_json_append_len (out, text, p - text);
  append_string_rest (out, p, end);
  g_string_append_c (out, '"');
  vigil_json_append_len (out, after, after_length);
}

/* A member's name; its value comes next. */
void
vigil_json_writer_name (VigilJsonWriter *writer,
                        const char      *name)
{
  g_return_if_fail (writer->depth > 0 && !writer->after_name);
  begin_value (writer);
  append_string (writer->out, name, ":");
  writer->after_name = TRUE;
}

/* @text as a string, or null for %NULL. */
void
vigil_json_writer_string (VigilJsonWriter *writer,
                          const char      *text)
{
  if (text == NULL)
    {
      vigil_json_writer_null (writer);
      return;
    }
  begin_value (writer);
  append_string (writer->out, text, "");
}

/* @value with 17 significant digits (it reads back the same double),
 * with ".0" after a whole number as json-glib writes it; null for NaN
 * and the infinities, which JSON has no number for. */
void
vigil_json_writer_double (VigilJsonWriter *writer,
                          double           value)
{
  gsize start;

  if (!isfinite (value))
    {
      vigil_json_writer_null (writer);
      return;
    }
  begin_value (writer);
  /* A whole number of up to 15 digits is what %.17g writes of it, then
   * ".0": written without printf, for the many weights, points and sums
   * of money that are whole. */
  if (value == floor (value) && fabs (value) < 1e15 && !(value == 0 && signbit (value)))
    {
      vigil_json_append_integer (writer->out, (gint64) value);
      vigil_json_append_len (writer->out, ".0", 2);
      return;
    }
  start = writer->out->len;
  vigil_json_append_g17 (writer->out, value);
  if (strpbrk (writer->out->str + start, ".e") == NULL)
    vigil_json_append_len (writer->out, ".0", 2);
}

void
vigil_json_writer_int (VigilJsonWriter *writer,
                       gint64           value)
{
  begin_value (writer);
  vigil_json_append_integer (writer->out, value);
}

void
vigil_json_writer_boolean (VigilJsonWriter *writer,
                           gboolean         value)
{
  begin_value (writer);
  g_string_append (writer->out, value ? "true" : "false");
}

void
vigil_json_writer_null (VigilJsonWriter *writer)
{
  begin_value (writer);
  vigil_json_append_len (writer->out, "null", 4);
}
