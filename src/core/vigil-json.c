/* vigil-json.c: the one way JSON text enters Vigil
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-json"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-json.h"
#include "vigil-json-private.h"

/* RFC 8259, section 2 to 7, read as one forward scan:
 *
 *   JSON-text = ws value ws
 *   value     = false / null / true / object / array / number / string
 *   ws        = *( %x20 / %x09 / %x0A / %x0D )
 *   number    = [ "-" ] ( "0" / %x31-39 *DIGIT ) [ "." 1*DIGIT ]
 *               [ ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT ]
 *   string    = '"' *( unescaped / "\" ( '"' / "\" / "/" / "b" / "f" /
 *               "n" / "r" / "t" / "u" 4HEXDIG ) ) '"'
 *   unescaped = %x20-21 / %x23-5B / %x5D-10FFFF
 *
 * and section 8.1: the text is UTF-8 (RFC 3629, so no overlong forms,
 * no encoded surrogates, nothing past U+10FFFF). json-glib is lenient
 * where this is not (comments, 0x1, -01, single quotes, \u12G4, text
 * after the value, an empty text) and recurses once per level, so
 * nothing reaches it: the trees are built here. Nothing here recurses
 * either (a sampled tree checks what it leaves out with one plain walk,
 * which does not); nesting is counted against VIGIL_JSON_MAX_DEPTH. */

void
_vigil_json_cursor_init (VigilJsonCursor  *c,
                         const char       *text,
                         gsize             length,
                         VigilJsonUse      use,
                         GError          **error)
{
  c->start = text;
  c->p = text;
  c->end = text + length;
  c->line = 1;
  c->use = use;
  c->error = error;
  c->plain_string = FALSE;
}

/* Sets an error at the cursor, naming its line and column (in
 * characters, as an editor counts them). */
gboolean
_vigil_json_cursor_fail (VigilJsonCursor *c,
                         const char      *message)
{
  uint64_t line = c->line;
  uint64_t column = 1;

  for (const char *q = c->start; q < c->p; q++)
    {
      if (*q == '\n' && c->line > 0)
        {
          line++;
          column = 1;
        }
      else if (((guchar) *q & 0xC0) != 0x80)
        column++;
    }

  /* PRIu64, not G_GUINT64_FORMAT: xgettext knows the former and would cut
   * the msgid short at the latter, which then never finds its translation. */
  if (c->line == 0)
    g_set_error (c->error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                 _("column %" PRIu64 ": %s"), column, message);
  else
    g_set_error (c->error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                 _("line %" PRIu64 ", column %" PRIu64 ": %s"),
                 line, column, message);
  return FALSE;
}

static gboolean
fail_at (VigilJsonCursor *c,
         const char      *where,
         const char      *message)
{
  c->p = where;
  return _vigil_json_cursor_fail (c, message);
}

/* The length of the UTF-8 sequence at @s (RFC 3629, section 4), or 0
 * when it is not one. */
static gsize
utf8_sequence_length (const guchar *s,
                      gsize         available)
{
  guchar low = 0x80;
  guchar high = 0xBF;
  gsize length;

  if (s[0] >= 0xC2 && s[0] <= 0xDF)
    length = 2;
  else if (s[0] >= 0xE0 && s[0] <= 0xEF)
    {
      length = 3;
      if (s[0] == 0xE0)
        low = 0xA0;       /* overlong */
      else if (s[0] == 0xED)
        high = 0x9F;      /* a surrogate */
    }
  else if (s[0] >= 0xF0 && s[0] <= 0xF4)
    {
      length = 4;
      if (s[0] == 0xF0)
        low = 0x90;       /* overlong */
      else if (s[0] == 0xF4)
        high = 0x8F;      /* past U+10FFFF */
    }
  else
    return 0;

  if (available < length || s[1] < low || s[1] > high)
    return 0;
  for (gsize i = 2; i < length; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  return length;
}

/* Names the character at the cursor in an "unexpected" error. */
static gboolean
fail_unexpected (VigilJsonCursor *c)
{
  g_autofree char *message = NULL;
  gsize length;

  if (c->p >= c->end)
    return _vigil_json_cursor_fail (c, _("unexpected end of data"));
  if (*c->p == '\0')
    return _vigil_json_cursor_fail (c, _("unexpected NUL byte"));
  /* A control character (C0, DEL, C1) is named by its code point, not
   * printed: it would reach a terminal (design 2.3). */
  if ((guchar) *c->p < 0x20 || (guchar) *c->p == 0x7F)
    message = g_strdup_printf (_("unexpected control character U+%04X"), (guint) (guchar) *c->p);
  else if ((guchar) *c->p < 0x80)
    message = g_strdup_printf (_("unexpected character “%c”"), *c->p);
  else if ((length = utf8_sequence_length ((const guchar *) c->p, c->end - c->p)) == 0)
    return _vigil_json_cursor_fail (c, _("text is not valid UTF-8"));
  else if (g_utf8_get_char (c->p) <= 0x9F)
    message = g_strdup_printf (_("unexpected control character U+%04X"), (guint) g_utf8_get_char (c->p));
  else
    message = g_strdup_printf (_("unexpected character “%.*s”"), (int) length, c->p);
  return _vigil_json_cursor_fail (c, message);
}

static int
hex_value (char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* Four hex digits at @s, or -1. */
static gint32
read_hex4 (const char *s,
           const char *end)
{
  gint32 value = 0;

  if (end - s < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (s[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* A code point UTF-8 cannot carry: U+0000 (a C string would end there)
 * or a surrogate without its other half. Data keeps it as bytes that
 * are not UTF-8, distinct from any other text (see VigilJsonUse). */
static gboolean
take_unusable_unit (VigilJsonCursor *c,
                    const char      *escape,
                    guint32          unit,
                    GString         *out)
{
  if (c->use == VIGIL_JSON_SETTINGS)
    {
      g_autofree char *message = NULL;

      if (unit == 0)
        return fail_at (c, escape, _("\\u0000 (U+0000) is not allowed here"));
      message = g_strdup_printf (_("\\u%04X is half of a surrogate pair without its other half"),
                                 unit);
      return fail_at (c, escape, message);
    }

  if (out == NULL)
    return TRUE;
  if (unit == 0)
    g_string_append_len (out, "\xC0\x80", 2);
  else
    {
      g_string_append_c (out, (char) (0xE0 | (unit >> 12)));
      g_string_append_c (out, (char) (0x80 | ((unit >> 6) & 0x3F)));
      g_string_append_c (out, (char) (0x80 | (unit & 0x3F)));
    }
  return TRUE;
}

/* \u escapes, with a surrogate pair taken as one character. */
static gboolean
read_unicode_escape (VigilJsonCursor *c,
                     const char      *escape,
                     GString         *out)
{
  gint32 unit = read_hex4 (c->p, c->end);

  c->plain_string = FALSE;
  if (unit < 0)
    return fail_at (c, escape, _("invalid \\u escape: it needs four hexadecimal digits"));
  c->p += 4;

  if (unit >= 0xD800 && unit <= 0xDBFF && c->end - c->p >= 6 && c->p[0] == '\\' && c->p[1] == 'u')
    {
      gint32 low = read_hex4 (c->p + 2, c->end);

      if (low >= 0xDC00 && low <= 0xDFFF)
        {
          c->p += 6;
          if (out != NULL)
            g_string_append_unichar (out, 0x10000 + (((gunichar) unit - 0xD800) << 10) +
                                          ((gunichar) low - 0xDC00));
          return TRUE;
        }
    }

  if (unit == 0 || (unit >= 0xD800 && unit <= 0xDFFF))
    return take_unusable_unit (c, escape, (guint32) unit, out);
  if (out != NULL)
    g_string_append_unichar (out, (gunichar) unit);
  return TRUE;
}

static gboolean
read_escape (VigilJsonCursor *c,
             GString         *out)
{
  const char *escape = c->p;
  char decoded;

  c->p++;
  if (c->p >= c->end)
    return fail_at (c, escape, _("unterminated string"));

  switch (*c->p++)
    {
    case '"': decoded = '"'; break;
    case '\\': decoded = '\\'; break;
    case '/': decoded = '/'; break;
    case 'b': decoded = '\b'; break;
    case 'f': decoded = '\f'; break;
    case 'n': decoded = '\n'; break;
    case 'r': decoded = '\r'; break;
    case 't': decoded = '\t'; break;
    case 'u':
      return read_unicode_escape (c, escape, out);
    default:
      return fail_at (c, escape, _("invalid escape in string (JSON has \\\" \\\\ \\/ \\b \\f \\n "
                                   "\\r \\t and \\u followed by four hexadecimal digits)"));
    }

  if (out != NULL)
    g_string_append_c (out, decoded);
  return TRUE;
}

/* The bytes that end a plain run of a string: a control character, a
 * quote, a backslash, and the bytes of multibyte characters, which are
 * checked on their own. */
static const guint8 ends_plain_run[256] = {
  [0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

/**
 * _vigil_json_cursor_read_string:
 * @out: (nullable): receives the decoded string; %NULL only checks it
 *
 * Reads the string at the cursor, which is on its opening quote.
 */
gboolean
_vigil_json_cursor_read_string (VigilJsonCursor *c,
                                GString         *out)
{
  const char *opening = c->p;

  g_assert (c->p < c->end && *c->p == '"');

  if (out != NULL)
    {
      out->len = 0;
      out->str[0] = '\0';
    }
  c->plain_string = TRUE;
  c->p++;
  for (;;)
    {
      const char *run = c->p;

      while (c->p < c->end)
        {
          const char *p = c->p;
          guchar ch;

          /* The plain bytes, with one look-up each (design 7). */
          while (p < c->end && !ends_plain_run[(guchar) *p])
            p++;
          c->p = p;
          if (p >= c->end)
            break;
          ch = (guchar) *p;
          if (ch >= 0x80)
            {
              gsize length = utf8_sequence_length ((const guchar *) c->p, c->end - c->p);

              c->plain_string = FALSE;
              if (length == 0)
                return _vigil_json_cursor_fail (c, _("text is not valid UTF-8"));
              c->p += length;
            }
          else
            break;
        }
      if (out != NULL)
        vigil_json_append_len (out, run, (gsize) (c->p - run));

      if (c->p >= c->end)
        return fail_at (c, opening, _("unterminated string"));
      if (*c->p == '"')
        {
          c->p++;
          return TRUE;
        }
      if (*c->p != '\\')
        {
          g_autofree char *message =
            g_strdup_printf (_("control character U+%04X in a string (it must be written "
                               "as an escape)"), (guint) (guchar) *c->p);

          return _vigil_json_cursor_fail (c, message);
        }
      if (!read_escape (c, out))
        return FALSE;
    }
}

static gboolean
skip_digits (VigilJsonCursor *c)
{
  const char *first = c->p;

  while (c->p < c->end && g_ascii_isdigit (*c->p))
    c->p++;
  return c->p > first;
}

/**
 * _vigil_decimal_fast_value:
 *
 * The value of the decimal from @begin to @end (an optional "-", digits
 * and at most one "."), when it has at most 15 digits: then the digits
 * are exact in a double, and so is the power of ten of its fraction, and
 * one division rounds as strtod() would (W. Clinger's fast path), without
 * its cost. %FALSE for any other text (an exponent, more digits), which
 * strtod() reads.
 */
gboolean
_vigil_decimal_fast_value (const char *begin,
                           const char *end,
                           double     *out)
{
  static const double powers_of_ten[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  };
  gboolean negative = begin < end && *begin == '-';
  gboolean point = FALSE;
  double mantissa = 0;
  guint digits = 0;
  guint fraction = 0;

  for (const char *q = begin + negative; q < end; q++)
    {
      if (*q >= '0' && *q <= '9')
        {
          if (++digits > 15)
            return FALSE;
          mantissa = mantissa * 10 + (*q - '0');
          fraction += point;
        }
      else if (*q == '.' && !point)
        point = TRUE;
      else
        return FALSE;
    }
  if (digits == 0)
    return FALSE;
  mantissa /= powers_of_ten[fraction];
  *out = negative ? -mantissa : mantissa;
  return TRUE;
}

static double
number_value (const char *begin,
              const char *end)
{
  char buffer[64];
  g_autofree char *copy = NULL;
  const char *text;
  double value;

  /* The common case, without strtod. */
  if (_vigil_decimal_fast_value (begin, end, &value))
    return value;

  if ((gsize) (end - begin) < sizeof buffer)
    {
      memcpy (buffer, begin, end - begin);
      buffer[end - begin] = '\0';
      text = buffer;
    }
  else
    text = copy = g_strndup (begin, end - begin);

  /* 1e400 is valid JSON; it becomes infinity, which no field accepts. */
  return g_ascii_strtod (text, NULL);
}

/* The integer written from @begin to @end (an optional "-" and digits,
 * checked already), or FALSE when 64 bits cannot hold it. Read digit by
 * digit within the bounds: the text need not end with a NUL, and a
 * number may be its last byte (strtoll() would read past it). */
static gboolean
integer_value (const char *begin,
               const char *end,
               gint64     *out)
{
  gboolean negative = begin < end && *begin == '-';
  /* Accumulated as a negative number: G_MININT64 has no positive twin. */
  gint64 value = 0;

  for (const char *q = begin + negative; q < end; q++)
    {
      int digit = *q - '0';

      if (value < (G_MININT64 + digit) / 10)
        return FALSE;
      value = value * 10 - digit;
    }
  if (!negative && value == G_MININT64)
    return FALSE;
  *out = negative ? value : -value;
  return TRUE;
}

/**
 * _vigil_json_cursor_read_number:
 * @out: (out) (optional): the number's value
 * @out_integer: (out) (optional): whether it has neither fraction nor
 *   exponent
 *
 * Reads the number at the cursor.
 */
gboolean
_vigil_json_cursor_read_number (VigilJsonCursor *c,
                                double          *out,
                                gboolean        *out_integer)
{
  const char *begin = c->p;
  gboolean integer = TRUE;

  if (c->p < c->end && *c->p == '-')
    c->p++;
  if (c->p >= c->end || !g_ascii_isdigit (*c->p))
    {
      if (c->p == begin)
        return fail_unexpected (c);
      return _vigil_json_cursor_fail (c, _("invalid number: “-” must be followed by a digit"));
    }
  if (*c->p == '0')
    {
      c->p++;
      if (c->p < c->end && g_ascii_isdigit (*c->p))
        return _vigil_json_cursor_fail (c, _("invalid number: no digit may follow a leading zero"));
    }
  else
    skip_digits (c);

  if (c->p < c->end && *c->p == '.')
    {
      integer = FALSE;
      c->p++;
      if (!skip_digits (c))
        return _vigil_json_cursor_fail (c, _("invalid number: “.” must be followed by a digit"));
    }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E'))
    {
      integer = FALSE;
      c->p++;
      if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
        c->p++;
      if (!skip_digits (c))
        return _vigil_json_cursor_fail (c, _("invalid number: the exponent needs a digit"));
    }

  /* 0x1, 1.2.3, 1e5e5, 12abc: not a number, whatever comes next. */
  if (c->p < c->end && (g_ascii_isalnum (*c->p) || *c->p == '.' || *c->p == '+' || *c->p == '-'))
    return _vigil_json_cursor_fail (c, _("invalid number"));

  if (out_integer != NULL)
    *out_integer = integer;
  if (out != NULL)
    *out = number_value (begin, c->p);
  return TRUE;
}

/**
 * _vigil_json_cursor_read_exact_number:
 * @out: (out): the number's value
 * @out_integer: (out): its value as a 64-bit integer, when it is exact
 *
 * Reads the number at the cursor as the tree holds it (design 2.3): a
 * whole number that 64 bits hold stays exact, which a double would not
 * keep above 2^53.
 *
 * Returns: whether the number was read; @out_exact tells whether
 *   @out_integer holds it
 */
gboolean
_vigil_json_cursor_read_exact_number (VigilJsonCursor *c,
                                      double          *out,
                                      gint64          *out_integer,
                                      gboolean        *out_exact)
{
  const char *begin = c->p;
  gboolean integer;

  if (!_vigil_json_cursor_read_number (c, out, &integer))
    return FALSE;
  *out_exact = integer && integer_value (begin, c->p, out_integer);
  return TRUE;
}

/**
 * _vigil_json_cursor_read_literal:
 *
 * Reads `true`, `false` or `null` at the cursor; the caller tells
 * which by the first character.
 */
gboolean
_vigil_json_cursor_read_literal (VigilJsonCursor *c)
{
  const char *word = *c->p == 't' ? "true" : *c->p == 'f' ? "false" : "null";
  gsize length = strlen (word);

  if ((gsize) (c->end - c->p) < length || memcmp (c->p, word, length) != 0 ||
      (c->end - c->p > (gssize) length && g_ascii_isalnum (c->p[length])))
    return _vigil_json_cursor_fail (c, _("unknown word (JSON has only true, false and null)"));
  c->p += length;
  return TRUE;
}

/* A scalar read, before it goes into a node. */
typedef struct
{
  JsonNodeType  type;      /* JSON_NODE_VALUE or JSON_NODE_NULL */
  GType         value_type;
  gboolean      boolean;
  gint64        integer;
  double        number;
} Scalar;

/* Reads one scalar at the cursor; a string's text goes into @text when
 * it is given. */
static gboolean
read_scalar (VigilJsonCursor *c,
             GString         *text,
             Scalar          *out)
{
  const char *begin = c->p;
  gboolean integer;

  out->type = JSON_NODE_VALUE;
  switch (*c->p)
    {
    case '"':
      out->value_type = G_TYPE_STRING;
      return _vigil_json_cursor_read_string (c, text);

    case 't':
    case 'f':
    case 'n':
      if (!_vigil_json_cursor_read_literal (c))
        return FALSE;
      out->type = *begin == 'n' ? JSON_NODE_NULL : JSON_NODE_VALUE;
      out->value_type = G_TYPE_BOOLEAN;
      out->boolean = *begin == 't';
      return TRUE;

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      if (!_vigil_json_cursor_read_number (c, text != NULL ? &out->number : NULL, &integer))
        return FALSE;
      out->value_type = G_TYPE_DOUBLE;
      /* Integers stay exact in 64 bits; larger ones are doubles. */
      if (text != NULL && integer && integer_value (begin, c->p, &out->integer))
        out->value_type = G_TYPE_INT64;
      return TRUE;

    case '+':
    case '.':
      return _vigil_json_cursor_fail (c, _("invalid number: a number begins with a digit or “-”"));

    case ']':
    case '}':
    case ',':
      return _vigil_json_cursor_fail (c, _("expected a value"));

    default:
      return fail_unexpected (c);
    }
}

static void
init_scalar (JsonNode     *node,
             const Scalar *scalar,
             GString      *text)
{
  if (scalar->type == JSON_NODE_NULL)
    json_node_init_null (node);
  else if (scalar->value_type == G_TYPE_STRING)
    json_node_init_string (node, text->str);
  else if (scalar->value_type == G_TYPE_BOOLEAN)
    json_node_init_boolean (node, scalar->boolean);
  else if (scalar->value_type == G_TYPE_INT64)
    json_node_init_int (node, scalar->integer);
  else
    json_node_init_double (node, scalar->number);
}

/* Reads a member name, its colon and the space after it, the cursor on
 * the name. */
gboolean
_vigil_json_cursor_read_member_name (VigilJsonCursor *c,
                                     GString         *name)
{
  _vigil_json_cursor_skip_space (c);
  if (c->p >= c->end || *c->p != '"')
    return _vigil_json_cursor_fail (c, _("expected a member name (a string in double quotes)"));
  if (!_vigil_json_cursor_read_string (c, name))
    return FALSE;
  _vigil_json_cursor_skip_space (c);
  if (c->p >= c->end || *c->p != ':')
    return _vigil_json_cursor_fail (c, _("expected “:”"));
  c->p++;
  _vigil_json_cursor_skip_space (c);
  return TRUE;
}

/**
 * _vigil_json_cursor_read_separator:
 * @closing: “}” or “]”, the end of the container the cursor is in
 * @out_more: (out): whether a member or element follows
 *
 * Reads what comes after a member or element: a comma, or the end of
 * the container.
 */
gboolean
_vigil_json_cursor_read_separator (VigilJsonCursor *c,
                                   char             closing,
                                   gboolean        *out_more)
{
  _vigil_json_cursor_skip_space (c);
  if (c->p < c->end && *c->p == ',')
    {
      c->p++;
      *out_more = TRUE;
      return TRUE;
    }
  if (c->p < c->end && *c->p == closing)
    {
      c->p++;
      *out_more = FALSE;
      return TRUE;
    }
  return _vigil_json_cursor_fail (c, closing == '}' ? _("expected “,” or “}”")
                                                    : _("expected “,” or “]”"));
}

/* One open array or object of a walk. */
typedef struct
{
  gboolean    is_object;
  JsonNode   *node;      /* when building */
  GHashTable *latest;    /* names given again: name → their last value */
  guint       n_values;  /* placed in it so far */
} Level;

/* A tree built to be looked at, not read whole (see
 * _vigil_json_parse_sample()): how much of the text it keeps. */
typedef struct
{
  guint     max_elements;  /* of each array */
  guint     max_nodes;     /* of the whole tree */
  guint     n_nodes;
  gboolean  cut;           /* something was left out */
} Sample;

/* Puts @node where the walk is: the root, or a new element or member of
 * the open container. A name an object already has keeps its place and
 * takes the last value, as in json-glib; but json_object_set_member()
 * finds the place by a search of the member list, quadratic time for a
 * hostile object, so the last values wait in a table until the object
 * closes (finish_object()). */
static void
place_value (JsonNode  **root,
             Level      *open,
             GString    *name,
             JsonNode   *node)
{
  JsonObject *object;

  if (open != NULL)
    open->n_values++;
  if (open == NULL)
    *root = node;
  else if (!open->is_object)
    json_array_add_element (json_node_get_array (open->node), node);
  else if (!json_object_has_member ((object = json_node_get_object (open->node)), name->str))
    json_object_set_member (object, name->str, node);
  else
    {
      if (open->latest == NULL)
        open->latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) json_node_unref);
      g_hash_table_replace (open->latest, g_strdup (name->str), node);
    }
}

/* Gives the names given more than once their last values: the members
 * again, in their order, into a new object (each added once). */
static void
finish_object (Level *level)
{
  JsonObject *first;
  JsonObject *merged;
  GList *names;

  if (level->latest == NULL)
    return;

  first = json_node_get_object (level->node);
  merged = json_object_new ();
  names = json_object_get_members (first);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *value = g_hash_table_lookup (level->latest, l->data);

      if (value == NULL)
        value = json_object_get_member (first, l->data);
      json_object_set_member (merged, l->data, json_node_ref (value));
    }
  g_list_free (names);
  json_node_take_object (level->node, merged);
  g_clear_pointer (&level->latest, g_hash_table_unref);
}

static JsonNode *
new_container (gboolean is_object)
{
  JsonNode *node = json_node_alloc ();

  if (is_object)
    {
      json_node_init (node, JSON_NODE_OBJECT);
      json_node_take_object (node, json_object_new ());
    }
  else
    {
      json_node_init (node, JSON_NODE_ARRAY);
      json_node_take_array (node, json_array_new ());
    }
  return node;
}

/* Whether a sampled tree has no room for the next value in @open. */
static gboolean
sample_is_full (Sample      *sample,
                const Level *open)
{
  return sample->n_nodes >= sample->max_nodes ||
         (!open->is_object && open->n_values >= sample->max_elements);
}

/* Reads one value, whatever its nesting, with an explicit stack: @depth
 * levels are open around it already. With @text, builds its tree into
 * @out_root; without, only checks it. With @sample, the tree keeps what
 * fits it, and the rest is only checked. */
static gboolean
walk_value (VigilJsonCursor  *c,
            guint             depth,
            GString          *text,
            GString          *name,
            Sample           *sample,
            JsonNode        **out_root)
{
  Level levels[VIGIL_JSON_MAX_DEPTH];
  JsonNode *root = NULL;
  guint n_open = 0;

  for (;;)
    {
      /* A value. */
      _vigil_json_cursor_skip_space (c);
      if (c->p >= c->end)
        goto failed_unexpected;
      if (sample != NULL && n_open > 0 && sample_is_full (sample, &levels[n_open - 1]))
        {
          /* Checked as any other, kept by none: one walk below this one,
           * whose depth goes on from here. */
          if (!walk_value (c, depth + n_open, NULL, NULL, NULL, NULL))
            goto failed;
          sample->cut = TRUE;
        }
      else if (*c->p == '[' || *c->p == '{')
        {
          Level *level = &levels[n_open];

          if (depth + n_open >= VIGIL_JSON_MAX_DEPTH)
            {
              g_autofree char *message =
                g_strdup_printf (_("nested too deeply (more than %d levels)"), VIGIL_JSON_MAX_DEPTH);

              _vigil_json_cursor_fail (c, message);
              goto failed;
            }
          level->is_object = *c->p == '{';
          level->node = NULL;
          level->latest = NULL;
          level->n_values = 0;
          c->p++;
          if (text != NULL)
            {
              level->node = new_container (level->is_object);
              place_value (&root, n_open > 0 ? &levels[n_open - 1] : NULL, name, level->node);
              if (sample != NULL)
                sample->n_nodes++;
            }
          n_open++;

          _vigil_json_cursor_skip_space (c);
          if (c->p < c->end && *c->p == (level->is_object ? '}' : ']'))
            {
              c->p++;
              n_open--;
            }
          else
            {
              if (level->is_object && !_vigil_json_cursor_read_member_name (c, name))
                goto failed;
              continue;
            }
        }
      else
        {
          Scalar scalar;

          if (!read_scalar (c, text, &scalar))
            goto failed;
          if (text != NULL)
            {
              JsonNode *node = json_node_alloc ();

              init_scalar (node, &scalar, text);
              place_value (&root, n_open > 0 ? &levels[n_open - 1] : NULL, name, node);
              if (sample != NULL)
                sample->n_nodes++;
            }
        }

      /* After a value: the next member or element, or the end of the
       * container, as many as close here. */
      for (;;)
        {
          Level *level;

          if (n_open == 0)
            {
              if (out_root != NULL)
                *out_root = root;
              return TRUE;
            }
          level = &levels[n_open - 1];
          _vigil_json_cursor_skip_space (c);
          if (c->p < c->end && *c->p == ',')
            {
              c->p++;
              if (level->is_object && !_vigil_json_cursor_read_member_name (c, name))
                goto failed;
              break;
            }
          if (c->p < c->end && *c->p == (level->is_object ? '}' : ']'))
            {
              c->p++;
              if (level->is_object)
                finish_object (level);
              n_open--;
              continue;
            }
          _vigil_json_cursor_fail (c, level->is_object ? _("expected “,” or “}”")
                                                       : _("expected “,” or “]”"));
          goto failed;
        }
    }

failed_unexpected:
  fail_unexpected (c);
failed:
  /* Every node built hangs from the root, or waits in a level's table. */
  for (guint i = 0; i < n_open; i++)
    g_clear_pointer (&levels[i].latest, g_hash_table_unref);
  if (root != NULL)
    json_node_unref (root);
  return FALSE;
}

/**
 * _vigil_json_cursor_skip_value:
 * @depth: how many arrays and objects are open around the value
 *
 * Checks the value at the cursor and moves past it.
 */
gboolean
_vigil_json_cursor_skip_value (VigilJsonCursor *c,
                               guint            depth)
{
  return walk_value (c, depth, NULL, NULL, NULL, NULL);
}

/**
 * _vigil_json_cursor_finish:
 *
 * Checks that nothing but white space is left.
 */
gboolean
_vigil_json_cursor_finish (VigilJsonCursor *c)
{
  _vigil_json_cursor_skip_space (c);
  if (c->p < c->end)
    return _vigil_json_cursor_fail (c, _("unexpected data after the JSON value"));
  return TRUE;
}

static gboolean
walk_text (VigilJsonCursor  *c,
           Sample           *sample,
           JsonNode        **out_root)
{
  g_autoptr(GString) text = out_root != NULL ? g_string_new (NULL) : NULL;
  g_autoptr(GString) name = out_root != NULL ? g_string_new (NULL) : NULL;
  JsonNode *root = NULL;

  _vigil_json_cursor_skip_space (c);
  if (c->p >= c->end)
    return _vigil_json_cursor_fail (c, _("no JSON value"));
  if (!walk_value (c, 0, text, name, sample, out_root != NULL ? &root : NULL))
    return FALSE;
  if (!_vigil_json_cursor_finish (c))
    {
      g_clear_pointer (&root, json_node_unref);
      return FALSE;
    }
  if (out_root != NULL)
    *out_root = root;
  return TRUE;
}

/**
 * _vigil_json_cursor_parse:
 *
 * Reads the whole text left at the cursor: one value and white space.
 *
 * Returns: (transfer full): its tree, or %NULL with the cursor's error
 */
JsonNode *
_vigil_json_cursor_parse (VigilJsonCursor *c)
{
  JsonNode *root = NULL;

  return walk_text (c, NULL, &root) ? root : NULL;
}

/**
 * _vigil_json_cursor_init_document:
 * @length: the length of @data, or -1 when it ends with a NUL
 *
 * Puts @c at the start of a whole JSON text, past a byte order mark
 * (RFC 8259 section 8.1 lets a reader ignore one).
 */
void
_vigil_json_cursor_init_document (VigilJsonCursor  *c,
                                  const char       *data,
                                  gssize            length,
                                  VigilJsonUse      use,
                                  GError          **error)
{
  gsize size = length < 0 ? strlen (data) : (gsize) length;

  if (size >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      size -= 3;
    }
  _vigil_json_cursor_init (c, data, size, use, error);
}

/**
 * _vigil_json_validate:
 * @length: the length of @data, or -1 when it ends with a NUL
 *
 * Checks that @data is one JSON text (RFC 8259), UTF-8, nested no
 * deeper than %VIGIL_JSON_MAX_DEPTH.
 *
 * Returns: %FALSE with @error naming the line and column at fault
 */
gboolean
_vigil_json_validate (const char    *data,
                      gssize         length,
                      VigilJsonUse   use,
                      GError       **error)
{
  VigilJsonCursor c;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  _vigil_json_cursor_init_document (&c, data != NULL ? data : "", length, use, error);
  return walk_text (&c, NULL, NULL);
}

/**
 * _vigil_json_parse:
 * @length: the length of @data, or -1 when it ends with a NUL
 *
 * Reads @data, checked as _vigil_json_validate() does, into a tree.
 * Every JSON text Vigil reads comes through here.
 *
 * Returns: (transfer full): the tree's root, or %NULL with @error naming
 *   the line and column at fault
 */
JsonNode *
_vigil_json_parse (const char    *data,
                   gssize         length,
                   VigilJsonUse   use,
                   GError       **error)
{
  VigilJsonCursor c;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  _vigil_json_cursor_init_document (&c, data != NULL ? data : "", length, use, error);
  return _vigil_json_cursor_parse (&c);
}

/**
 * _vigil_json_parse_sample:
 * @length: the length of @data, or -1 when it ends with a NUL
 * @max_elements: the most elements kept of each array
 * @max_nodes: the most values kept in the whole tree
 * @out_cut: (out) (optional): whether anything was left out
 *
 * Reads @data, checked whole as _vigil_json_validate() does, into a
 * tree that keeps the first @max_elements of each array and no more
 * than @max_nodes values in all: a page of a million records is looked
 * at in the memory of a few (a preview, design 5), and every byte of it
 * is checked all the same. Objects keep their members in order until
 * the tree is full.
 *
 * Returns: (transfer full): the tree's root, or %NULL with @error naming
 *   the line and column at fault
 */
JsonNode *
_vigil_json_parse_sample (const char    *data,
                          gssize         length,
                          VigilJsonUse   use,
                          guint          max_elements,
                          guint          max_nodes,
                          gboolean      *out_cut,
                          GError       **error)
{
  VigilJsonCursor c;
  Sample sample = { max_elements, MAX (max_nodes, 1), 0, FALSE };
  JsonNode *root = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  _vigil_json_cursor_init_document (&c, data != NULL ? data : "", length, use, error);
  if (!walk_text (&c, &sample, &root))
    return NULL;
  if (out_cut != NULL)
    *out_cut = sample.cut;
  return root;
}

/* Writes @value at @to in decimal digits, the text printf's "%"
 * G_GINT64_FORMAT gives, at most VIGIL_JSON_INTEGER_MAX_LENGTH bytes and
 * no NUL, and returns where it ends: the import encodes every feature of
 * every snapshot with it and `vigil scores` every integer, where
 * printf's parsing shows in profiles. */
char *
vigil_json_write_integer (char   *to,
                          gint64  value)
{
  /* Two digits a division: half the divisions, and most counts are two
   * to four digits long. */
  static const char pairs[] =
    "0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849"
    "5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
  /* In unsigned arithmetic: the most negative value has no positive twin. */
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;
  guint length = 1;
  char *end;

  /* Its length first, so the digits go straight to where they belong. */
  for (guint64 power = 10; length < 20 && magnitude >= power; power *= 10)
    length++;
  if (value < 0)
    *to++ = '-';
  end = to + length;
  to = end;
  while (magnitude >= 100)
    {
      guint pair = (guint) (magnitude % 100);

      magnitude /= 100;
      to -= 2;
      to[0] = pairs[2 * pair];
      to[1] = pairs[2 * pair + 1];
    }
  if (magnitude >= 10)
    {
      to -= 2;
      to[0] = pairs[2 * magnitude];
      to[1] = pairs[2 * magnitude + 1];
    }
  else
    *--to = (char) ('0' + magnitude);
  return end;
}

/* Appends @value as vigil_json_write_integer() writes it. */
void
vigil_json_append_integer (GString *out,
                           gint64   value)
{
  char text[VIGIL_JSON_INTEGER_MAX_LENGTH];
  char *end = vigil_json_write_integer (text, value);

  vigil_json_append_len (out, text, end - text);
}

#ifdef __SIZEOF_INT128__
/* 10^0 … 10^22: m × 10^k fits 128 bits for a mantissa m below 2^53. */
#define MAX_POWER_OF_TEN 22

/* The 17 significant digits of |@value| as printf rounds them (to the
 * nearest, ties to even, from the exact binary value), as an integer of
 * 10^16 … 10^17 − 1 and the decimal exponent of its first digit; FALSE
 * when the arithmetic would not fit 128 bits (|value| under about 1e-6
 * or from 1e17 on, or not normal), for printf to do. */
static gboolean
get_g17_digits (double   value,
                guint64 *out_digits,
                int     *out_exponent)
{
  static const guint64 tens[] = {
    G_GUINT64_CONSTANT (1), G_GUINT64_CONSTANT (10), G_GUINT64_CONSTANT (100),
    G_GUINT64_CONSTANT (1000), G_GUINT64_CONSTANT (10000), G_GUINT64_CONSTANT (100000),
    G_GUINT64_CONSTANT (1000000), G_GUINT64_CONSTANT (10000000), G_GUINT64_CONSTANT (100000000),
    G_GUINT64_CONSTANT (1000000000), G_GUINT64_CONSTANT (10000000000),
    G_GUINT64_CONSTANT (100000000000), G_GUINT64_CONSTANT (1000000000000),
    G_GUINT64_CONSTANT (10000000000000), G_GUINT64_CONSTANT (100000000000000),
    G_GUINT64_CONSTANT (1000000000000000), G_GUINT64_CONSTANT (10000000000000000),
    G_GUINT64_CONSTANT (100000000000000000), G_GUINT64_CONSTANT (1000000000000000000),
  };
  const guint64 low = tens[16];
  const guint64 high = tens[17];
  int binary_exponent;
  guint64 mantissa;
  int shift;
  int exponent;

  if (!isnormal (value))
    return FALSE;
  /* |value| = mantissa × 2^-shift, the mantissa of 53 bits */
  mantissa = (guint64) ldexp (frexp (fabs (value), &binary_exponent), 53);
  shift = 53 - binary_exponent;
  exponent = (int) floor (log10 (fabs (value)));
  /* The estimate of the exponent may be one off either way. */
  for (int attempt = 0; attempt < 3; attempt++)
    {
      int k = 16 - exponent;
      unsigned __int128 scaled, remainder, half;
      guint64 digits;

      if (k < 0 || k > MAX_POWER_OF_TEN || shift <= 0 || shift >= 127)
        return FALSE;
      scaled = (unsigned __int128) mantissa * (k <= 18 ? tens[k] : tens[18]);
      if (k > 18)
        scaled *= tens[k - 18];
      if ((scaled >> shift) >> 64 != 0)
        {
          exponent++;
          continue;
        }
      digits = (guint64) (scaled >> shift);
      if (digits >= high)
        {
          exponent++;
          continue;
        }
      if (digits < low)
        {
          exponent--;
          continue;
        }
      remainder = scaled & ((((unsigned __int128) 1) << shift) - 1);
      half = ((unsigned __int128) 1) << (shift - 1);
      if (remainder > half || (remainder == half && (digits & 1) != 0))
        digits++;
      if (digits == high)
        {
          digits = low;
          exponent++;
        }
      *out_digits = digits;
      *out_exponent = exponent;
      return TRUE;
    }
  return FALSE;
}
#endif

/* Appends @value as printf's "%.17g" writes it in the C locale (the
 * text g_ascii_formatd() gives): 17 significant digits, which read back
 * as the same double, trailing zeros dropped, an exponent below 1e-4 and
 * from 1e17 on. `vigil scores --format json` writes millions of them,
 * where printf's cost leads the profile (design 7); the exact digits are
 * worked out in integers, and printf does the values outside their range. */
void
vigil_json_append_g17 (GString *out,
                       double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
#ifdef __SIZEOF_INT128__
  char digits[18];
  guint64 n;
  int exponent;
  int last;

  if (get_g17_digits (value, &n, &exponent) && exponent >= -4 && exponent < 17)
    {
      for (int i = 16; i >= 0; i--, n /= 10)
        digits[i] = (char) ('0' + n % 10);
      /* %g drops trailing zeros, and the point with them. */
      for (last = 16; last > 0 && digits[last] == '0'; last--)
        ;
      if (signbit (value))
        g_string_append_c (out, '-');
      if (exponent < 0)
        {
          vigil_json_append_len (out, "0.", 2);
          for (int i = exponent; i < -1; i++)
            g_string_append_c (out, '0');
          vigil_json_append_len (out, digits, last + 1);
        }
      else
        {
          vigil_json_append_len (out, digits, MIN (exponent, 16) + 1);
          if (last > exponent)
            {
              g_string_append_c (out, '.');
              vigil_json_append_len (out, digits + exponent + 1, last - exponent);
            }
        }
      return;
    }
#endif
  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.17g", value));
}
