/* vigil-cli-output.c: tables and CSV for a terminal
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vigil-cli-output.h"
#include "vigil-error.h"

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
