/* vigil-error.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "vigil-error.h"

G_DEFINE_QUARK (vigil-error-quark, vigil_error)

/**
 * vigil_text_printable:
 * @text: text a server (or a file) chose, such as an HTTP reason phrase
 * @length: its length in bytes, or -1 when it ends with a NUL
 *
 * @text as it may go into a message shown on a terminal, in the window
 * or kept in the database (design 2.3): control characters (C0, DEL,
 * C1: U+0000–U+001F, U+007F–U+009F), which a terminal takes for
 * commands ("\e[31m", "\e]8;;…"), and bytes that are not UTF-8 each
 * become U+FFFD; everything else stays as it was.
 *
 * Returns: (transfer full): valid UTF-8 without control characters
 */
char *
vigil_text_printable (const char *text,
                      gssize      length)
{
  gsize size;
  const char *end;
  GString *out;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  size = length < 0 ? strlen (text) : (gsize) length;
  end = text + size;
  out = g_string_sized_new (size);
  for (const char *p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* One byte at a time: the next may begin a valid character. */
          g_string_append_unichar (out, 0xFFFD);
          p++;
          continue;
        }
      if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
        g_string_append_unichar (out, 0xFFFD);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

/**
 * vigil_text_is_printable:
 * @text: text a person typed, to be kept and shown (a view's name, an
 *   owner's)
 *
 * Returns: whether @text is UTF-8 holding no control character (as
 *   vigil_text_printable() would leave it unchanged)
 */
gboolean
vigil_text_is_printable (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
        return FALSE;
    }
  return TRUE;
}
