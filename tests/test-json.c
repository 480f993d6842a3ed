/* test-json.c: the one JSON reader against RFC 8259, rule by rule
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case is written from the RFC's grammar (sections 2 to 8.1), not
 * from what another parser does: json-glib takes 0x1, -01, single
 * quotes, comments and text after the value, and it is not the judge.
 * Every text is read twice, checked only and into a tree, and both must
 * agree.
 */

/* Tests check with g_assert*() whatever the build type. */
#undef G_DISABLE_ASSERT
#undef G_DISABLE_CAST_CHECKS

#include "config.h"

#include <math.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-json-private.h"
#include "vigil-test-util.h"

typedef struct
{
  const char *text;
  gssize      length;   /* -1: up to the NUL */
} Valid;

typedef struct
{
  const char *text;
  gssize      length;     /* -1: up to the NUL; else it holds a NUL byte */
  const char *position;   /* "line L, column C: " */
  const char *message;    /* what the error must say besides */
} Invalid;

static void
assert_valid (const char   *text,
              gssize        length,
              VigilJsonUse  use)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!_vigil_json_validate (text, length, use, &error))
    g_error ("“%s” is valid JSON, but: %s", g_strescape (text, NULL), error->message);
  root = _vigil_json_parse (text, length, use, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
}

static void
assert_invalid (const Invalid *bad,
                VigilJsonUse   use)
{
  g_autoptr(GError) check_error = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *shown = g_strescape (bad->text, NULL);
  JsonNode *root;

  if (_vigil_json_validate (bad->text, bad->length, use, &check_error))
    g_error ("“%s” is not JSON, yet it was taken", shown);
  g_assert_error (check_error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  /* The position first, then what is wrong there. */
  if (!g_str_has_prefix (check_error->message, bad->position) ||
      strstr (check_error->message + strlen (bad->position), bad->message) == NULL)
    g_error ("“%s”: “%s” does not say “%s…%s”", shown, check_error->message, bad->position,
             bad->message);

  root = _vigil_json_parse (bad->text, bad->length, use, &parse_error);
  g_assert_null (root);
  g_assert_error (parse_error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_assert_cmpstr (parse_error->message, ==, check_error->message);
}

static void
assert_all_valid (const Valid *cases,
                  gsize        n)
{
  for (gsize i = 0; i < n; i++)
    {
      assert_valid (cases[i].text, cases[i].length, VIGIL_JSON_DATA);
      assert_valid (cases[i].text, cases[i].length, VIGIL_JSON_SETTINGS);
    }
}

static void
assert_all_invalid (const Invalid *cases,
                    gsize          n)
{
  for (gsize i = 0; i < n; i++)
    {
      assert_invalid (&cases[i], VIGIL_JSON_DATA);
      assert_invalid (&cases[i], VIGIL_JSON_SETTINGS);
    }
}

/* number = [ minus ] int [ frac ] [ exp ] */
static void
test_json_numbers (void)
{
  static const Valid valid[] = {
    { "0", -1 }, { "-0", -1 }, { "7", -1 }, { "-7", -1 }, { "10", -1 }, { "1234567890", -1 },
    { "0.5", -1 }, { "-0.5", -1 }, { "10.25", -1 }, { "0.0", -1 },
    { "1e5", -1 }, { "1E5", -1 }, { "1e+5", -1 }, { "1e-5", -1 }, { "1E-05", -1 }, { "0e0", -1 },
    { "-1.5e10", -1 }, { "2.5E+3", -1 },
    /* Past what a double or an int64 holds: valid JSON all the same. */
    { "123456789012345678901234567890", -1 }, { "1e400", -1 }, { "-1e-400", -1 },
    { "[0,-0,1.0,1e1]", -1 },
  };
  static const Invalid invalid[] = {
    { "-01", -1, "line 1, column 3: ", "no digit may follow a leading zero" },
    { "[-01]", -1, "line 1, column 4: ", "no digit may follow a leading zero" },
    { "01", -1, "line 1, column 2: ", "leading zero" },
    { "00", -1, "line 1, column 2: ", "leading zero" },
    { "[0x1]", -1, "line 1, column 3: ", "invalid number" },
    { "[.2e-3]", -1, "line 1, column 2: ", "a number begins with a digit or “-”" },
    { "[2.e3]", -1, "line 1, column 4: ", "“.” must be followed by a digit" },
    { "1.", -1, "line 1, column 3: ", "“.” must be followed by a digit" },
    { "[+1]", -1, "line 1, column 2: ", "a number begins with a digit or “-”" },
    { "-", -1, "line 1, column 2: ", "“-” must be followed by a digit" },
    { "--1", -1, "line 1, column 2: ", "“-” must be followed by a digit" },
    { "- 1", -1, "line 1, column 2: ", "“-” must be followed by a digit" },
    { "-.5", -1, "line 1, column 2: ", "“-” must be followed by a digit" },
    { "1e", -1, "line 1, column 3: ", "the exponent needs a digit" },
    { "1e+", -1, "line 1, column 4: ", "the exponent needs a digit" },
    { "1E-x", -1, "line 1, column 4: ", "the exponent needs a digit" },
    { "1.2.3", -1, "line 1, column 4: ", "invalid number" },
    { "1e5e5", -1, "line 1, column 4: ", "invalid number" },
    { "12abc", -1, "line 1, column 3: ", "invalid number" },
    { "[NaN]", -1, "line 1, column 2: ", "unexpected character “N”" },
    { "[Infinity]", -1, "line 1, column 2: ", "unexpected character “I”" },
    { "[-Infinity]", -1, "line 1, column 3: ", "“-” must be followed by a digit" },
    { "[1,000]", -1, "line 1, column 5: ", "leading zero" },
  };

  assert_all_valid (valid, G_N_ELEMENTS (valid));
  assert_all_invalid (invalid, G_N_ELEMENTS (invalid));
}

/* string = quotation-mark *char quotation-mark, UTF-8 (section 8.1) */
static void
test_json_strings (void)
{
  static const Valid valid[] = {
    { "\"\"", -1 }, { "\"a\"", -1 }, { "\"with space and 'single' quotes\"", -1 },
    { "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", -1 },
    { "\"\\u0041\\u00e9\\u00E9\\u4e2d\\uFFFF\"", -1 },
    { "\"\\ud83d\\ude80\"", -1 },                    /* a surrogate pair: one character */
    { "\"\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x9a\x80\"", -1 },  /* two-, three- and four-byte UTF-8 */
    { "\"\xef\xbf\xbf \xf4\x8f\xbf\xbf \x7f\"", -1 },       /* U+FFFF, U+10FFFF, DEL */
    { "\"/ not escaped\"", -1 },
  };
  static const Invalid invalid[] = {
    { "['single quote']", -1, "line 1, column 2: ", "unexpected character “'”" },
    { "[\"\\x00\"]", -1, "line 1, column 3: ", "invalid escape" },
    { "[\"\\a\"]", -1, "line 1, column 3: ", "invalid escape" },
    { "[\"\\U0041\"]", -1, "line 1, column 3: ", "invalid escape" },
    { "[\"\\'\"]", -1, "line 1, column 3: ", "invalid escape" },
    { "[\"\\u12G4\"]", -1, "line 1, column 3: ", "four hexadecimal digits" },
    { "[\"\\u12\"]", -1, "line 1, column 3: ", "four hexadecimal digits" },
    { "[\"\\u\"]", -1, "line 1, column 3: ", "four hexadecimal digits" },
    { "[\"a\tb\"]", -1, "line 1, column 4: ", "control character U+0009" },
    { "[\"a\nb\"]", -1, "line 1, column 4: ", "control character U+000A" },
    { "[\"a\rb\"]", -1, "line 1, column 4: ", "control character U+000D" },
    { "[\"\x1f\"]", -1, "line 1, column 3: ", "control character U+001F" },
    { "[\"a\0b\"]", 7, "line 1, column 4: ", "control character U+0000" },
    { "[\"abc", -1, "line 1, column 2: ", "unterminated string" },
    { "[\"abc\\", -1, "line 1, column 6: ", "unterminated string" },
    { "\"", -1, "line 1, column 1: ", "unterminated string" },
    /* Not UTF-8: a byte that begins nothing, overlong forms, an encoded
     * surrogate, past U+10FFFF, cut short, a lone continuation byte. */
    { "[\"\xff\"]", -1, "line 1, column 3: ", "not valid UTF-8" },
    { "[\"a\xc0\x80\"]", -1, "line 1, column 4: ", "not valid UTF-8" },
    { "[\"\xc1\xbf\"]", -1, "line 1, column 3: ", "not valid UTF-8" },
    { "[\"\xe0\x80\x80\"]", -1, "line 1, column 3: ", "not valid UTF-8" },
    { "[\"\xf0\x80\x80\x80\"]", -1, "line 1, column 3: ", "not valid UTF-8" },
    { "[\"\xed\xa0\x80\"]", -1, "line 1, column 3: ", "not valid UTF-8" },
    { "[\"\xf4\x90\x80\x80\"]", -1, "line 1, column 3: ", "not valid UTF-8" },
    { "[\"\xf8\x88\x80\x80\x80\"]", -1, "line 1, column 3: ", "not valid UTF-8" },
    { "[\"\xc3\"]", -1, "line 1, column 3: ", "not valid UTF-8" },
    { "[\"\xe4\xb8\"]", -1, "line 1, column 3: ", "not valid UTF-8" },
    { "[\"\x80\"]", -1, "line 1, column 3: ", "not valid UTF-8" },
    /* Columns count characters, not bytes. */
    { "[\"\xc3\xa9\xc3\xa9\", \"\\q\"]", -1, "line 1, column 9: ", "invalid escape" },
  };

  assert_all_valid (valid, G_N_ELEMENTS (valid));
  assert_all_invalid (invalid, G_N_ELEMENTS (invalid));
}

/* A byte that ends a plain run of a string (a control character, a
 * quote, a backslash, a byte of a multibyte character, valid or not) is
 * seen wherever it falls in a long string, at each of sixteen places,
 * and the text read is the text written (RFC 8259 section 7), each run
 * appended to what came before it. */
static void
test_json_strings_every_offset (void)
{
  static const struct
  {
    const char *inner;       /* put after the offset's plain bytes */
    const char *decoded;     /* what the string reads as; NULL: not JSON */
    const char *message;
  } cases[] = {
    { "\x01", NULL, "control character U+0001" },
    { "\x1f", NULL, "control character U+001F" },
    { "\n", NULL, "control character U+000A" },
    { "\xff", NULL, "not valid UTF-8" },
    { "\x80", NULL, "not valid UTF-8" },
    { "\xc3", NULL, "not valid UTF-8" },
    { "\\q", NULL, "invalid escape" },
    { "\\n", "\n", NULL },
    { "\\\"", "\"", NULL },
    { "\xc3\xa9", "\xc3\xa9", NULL },
    { "\xf0\x9f\x9a\x80", "\xf0\x9f\x9a\x80", NULL },
    { "\x7f ~", "\x7f ~", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint offset = 0; offset < 16; offset++)
      {
        g_autofree char *before = g_strnfill (offset, 'a');
        g_autofree char *after = g_strnfill (23 - offset, 'b');
        g_autofree char *text = g_strdup_printf ("[\"%s%s%s\"]", before, cases[i].inner, after);
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) root = _vigil_json_parse (text, -1, VIGIL_JSON_DATA, &error);

        if (cases[i].decoded == NULL)
          {
            g_assert_null (root);
            g_assert_nonnull (error);
            g_assert_nonnull (strstr (error->message, cases[i].message));
          }
        else
          {
            g_autofree char *expected = g_strconcat (before, cases[i].decoded, after, NULL);

            g_assert_no_error (error);
            g_assert_cmpstr (json_array_get_string_element (json_node_get_array (root), 0), ==, expected);
          }
      }
}

/* JSON-text = ws value ws; objects, arrays, the three literals */
static void
test_json_structure (void)
{
  static const Valid valid[] = {
    { "[]", -1 }, { "{}", -1 }, { "[[]]", -1 }, { "{\"a\":{}}", -1 },
    { "[1,2]", -1 }, { "{\"a\":1,\"b\":[true,false,null]}", -1 },
    { "{\"\":0}", -1 }, { "{\"a\":1,\"a\":2}", -1 },
    { " \t\r\n[ 1 ,\t2\n,\r3 ] \r\n\t ", -1 },
    { "{ \"a\" : 1 , \"b\" : 2 }", -1 },
    /* Any value is a JSON text, not only arrays and objects. */
    { "1", -1 }, { "\"x\"", -1 }, { "true", -1 }, { "false", -1 }, { "null", -1 }, { " null ", -1 },
    /* Section 8.1: a reader may ignore a byte order mark. */
    { "\xef\xbb\xbf[1]", -1 },
  };
  static const Invalid invalid[] = {
    { "", -1, "line 1, column 1: ", "no JSON value" },
    { " \t\r\n ", -1, "line 2, column 2: ", "no JSON value" },
    { "[][]", -1, "line 1, column 3: ", "unexpected data after the JSON value" },
    { "{} {}", -1, "line 1, column 4: ", "unexpected data after the JSON value" },
    { "1 2", -1, "line 1, column 3: ", "unexpected data after the JSON value" },
    { "[1]]", -1, "line 1, column 4: ", "unexpected data after the JSON value" },
    { "{\"a\":1}}", -1, "line 1, column 8: ", "unexpected data after the JSON value" },
    { "[1]\0", 4, "line 1, column 4: ", "unexpected data after the JSON value" },
    { "[1]//", -1, "line 1, column 4: ", "unexpected data after the JSON value" },
    { "/*c*/[1]", -1, "line 1, column 1: ", "unexpected character “/”" },
    { "#[1]", -1, "line 1, column 1: ", "unexpected character “#”" },
    { "[1,]", -1, "line 1, column 4: ", "expected a value" },
    { "[,1]", -1, "line 1, column 2: ", "expected a value" },
    { "[1,,2]", -1, "line 1, column 4: ", "expected a value" },
    { "{\"a\":1,}", -1, "line 1, column 8: ", "expected a member name" },
    { "{,}", -1, "line 1, column 2: ", "expected a member name" },
    { "{\"a\":}", -1, "line 1, column 6: ", "expected a value" },
    { "{\"a\"}", -1, "line 1, column 5: ", "expected “:”" },
    { "{\"a\" 1}", -1, "line 1, column 6: ", "expected “:”" },
    { "{\"a\"=1}", -1, "line 1, column 5: ", "expected “:”" },
    { "{\"a\":1 \"b\":2}", -1, "line 1, column 8: ", "expected “,” or “}”" },
    { "[1 2]", -1, "line 1, column 4: ", "expected “,” or “]”" },
    { "[1}", -1, "line 1, column 3: ", "expected “,” or “]”" },
    { "{\"a\":1]", -1, "line 1, column 7: ", "expected “,” or “}”" },
    { "{a:1}", -1, "line 1, column 2: ", "expected a member name" },
    { "{1:1}", -1, "line 1, column 2: ", "expected a member name" },
    { "{'a':1}", -1, "line 1, column 2: ", "expected a member name" },
    { "[", -1, "line 1, column 2: ", "unexpected end of data" },
    { "[1", -1, "line 1, column 3: ", "expected “,” or “]”" },
    { "[1,", -1, "line 1, column 4: ", "unexpected end of data" },
    { "{", -1, "line 1, column 2: ", "expected a member name" },
    { "{\"a\":", -1, "line 1, column 6: ", "unexpected end of data" },
    { "{\"a\":1", -1, "line 1, column 7: ", "expected “,” or “}”" },
    { "]", -1, "line 1, column 1: ", "expected a value" },
    { "}", -1, "line 1, column 1: ", "expected a value" },
    /* White space is space, tab, line feed and carriage return only. */
    { "\f[1]", -1, "line 1, column 1: ", "unexpected control character U+000C" },
    { "[1,\v2]", -1, "line 1, column 4: ", "unexpected control character U+000B" },
    { "[\xc2\xa0" "1]", -1, "line 1, column 2: ", "unexpected character “\xc2\xa0”" },
    { "\xe2\x80\x83[1]", -1, "line 1, column 1: ", "unexpected character" },
    { "\0[1]", 4, "line 1, column 1: ", "unexpected NUL byte" },
    { "[\xff]", -1, "line 1, column 2: ", "not valid UTF-8" },
    /* The literals, spelt exactly, in lower case. */
    { "tru", -1, "line 1, column 1: ", "unknown word" },
    { "[True]", -1, "line 1, column 2: ", "unexpected character “T”" },
    { "[FALSE]", -1, "line 1, column 2: ", "unexpected character “F”" },
    { "[Null]", -1, "line 1, column 2: ", "unexpected character “N”" },
    { "nul", -1, "line 1, column 1: ", "unknown word" },
    { "nulll", -1, "line 1, column 1: ", "unknown word" },
    { "[falsey]", -1, "line 1, column 2: ", "unknown word" },
    { "[truefalse]", -1, "line 1, column 2: ", "unknown word" },
    { "[true false]", -1, "line 1, column 7: ", "expected “,” or “]”" },
    { "[none]", -1, "line 1, column 2: ", "unknown word" },
    { "[undefined]", -1, "line 1, column 2: ", "unexpected character “u”" },
    /* Lines count line feeds; columns restart after each. */
    { "[1,\n 2,\n 01]", -1, "line 3, column 3: ", "leading zero" },
    { "{\r\n  \"a\": 1,\r\n  \"b\" 2\r\n}", -1, "line 3, column 7: ", "expected “:”" },
  };

  assert_all_valid (valid, G_N_ELEMENTS (valid));
  assert_all_invalid (invalid, G_N_ELEMENTS (invalid));
}

static char *
nested_text (guint       levels,
             const char *open,
             const char *inner,
             const char *close)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < levels; i++)
    g_string_append (text, open);
  g_string_append (text, inner);
  for (guint i = 0; i < levels; i++)
    g_string_append (text, close);
  return g_string_free (text, FALSE);
}

/* The depth limit holds exactly, and a million levels (2 MB) are an
 * error, never a stack overflow. */
static void
test_json_depth (void)
{
  g_autofree char *deepest = nested_text (VIGIL_JSON_MAX_DEPTH, "[", "1", "]");
  g_autofree char *too_deep = nested_text (VIGIL_JSON_MAX_DEPTH + 1, "[", "1", "]");
  g_autofree char *deepest_objects = nested_text (VIGIL_JSON_MAX_DEPTH, "{\"a\":", "1", "}");
  g_autofree char *million = nested_text (1000000, "[", "", "]");
  g_autofree char *million_objects = nested_text (1000000, "{\"a\":", "null", "}");
  g_autofree char *unclosed = nested_text (1000000, "[", "", "");
  g_autofree char *position = g_strdup_printf ("line 1, column %d: nested too deeply",
                                               VIGIL_JSON_MAX_DEPTH + 1);
  const char *texts[] = { too_deep, million, unclosed };

  assert_valid (deepest, -1, VIGIL_JSON_DATA);
  assert_valid (deepest_objects, -1, VIGIL_JSON_SETTINGS);

  g_assert_cmpuint (strlen (million), ==, 2000000);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      Invalid bad = { texts[i], -1, position, "" };

      assert_invalid (&bad, VIGIL_JSON_DATA);
      assert_invalid (&bad, VIGIL_JSON_SETTINGS);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (_vigil_json_parse (million_objects, -1, VIGIL_JSON_DATA, &error));
    g_assert_nonnull (strstr (error->message, "nested too deeply (more than 512 levels)"));
  }
}

/* The trees built are json-glib's, typed as json-glib types them. */
static void
test_json_tree (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root =
    _vigil_json_parse ("{\"int\": 9007199254740993, \"neg\": -0, \"big\": 123456789012345678901234567890,"
                       " \"real\": 1.0, \"exp\": 1e2, \"t\": true, \"f\": false, \"n\": null,"
                       " \"s\": \"A\\u00e9\\ud83d\\ude80\\n\", \"a\": [1, [2], {}], \"dup\": 1, \"dup\": 2}",
                       -1, VIGIL_JSON_DATA, &error);
  JsonObject *object;
  JsonArray *array;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  object = json_node_get_object (root);

  /* Integers are exact in 64 bits; larger ones are doubles. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "int")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (object, "int"), ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_cmpint (json_object_get_int_member (object, "neg"), ==, 0);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "big")), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "big"), 1.2345678901234568e29, 1e15);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "real")), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_object_get_double_member (object, "exp"), ==, 100.0);
  g_assert_true (json_object_get_boolean_member (object, "t"));
  g_assert_false (json_object_get_boolean_member (object, "f"));
  g_assert_true (json_object_get_null_member (object, "n"));
  g_assert_cmpstr (json_object_get_string_member (object, "s"), ==, "Aé🚀\n");
  /* A name given twice keeps its last value. */
  g_assert_cmpint (json_object_get_int_member (object, "dup"), ==, 2);
  g_assert_cmpuint (json_object_get_size (object), ==, 11);

  array = json_object_get_array_member (object, "a");
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  g_assert_cmpint (json_array_get_int_element (array, 0), ==, 1);
  g_assert_cmpint (json_array_get_int_element (json_array_get_array_element (array, 1), 0), ==, 2);
  g_assert_cmpuint (json_object_get_size (json_array_get_object_element (array, 2)), ==, 0);
}

/* A name given again keeps its first place and takes its last value,
 * whatever the values' kinds, at any depth. */
static void
test_json_duplicate_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root =
    _vigil_json_parse ("{\"a\": 1, \"b\": {\"x\": 1, \"x\": [1, {\"y\": 1, \"y\": \"last\"}]},"
                       " \"a\": [true], \"c\": null, \"a\": \"three\", \"b\": {\"x\": 2, \"z\": 0, \"x\": 3},"
                       " \"c\": {}, \"a\": 4}", -1, VIGIL_JSON_DATA, &error);
  JsonObject *object;
  JsonObject *b;
  GList *names;

  g_assert_no_error (error);
  object = json_node_get_object (root);
  names = json_object_get_members (object);
  g_assert_cmpuint (g_list_length (names), ==, 3);
  g_assert_cmpstr (names->data, ==, "a");
  g_assert_cmpstr (names->next->data, ==, "b");
  g_assert_cmpstr (names->next->next->data, ==, "c");
  g_list_free (names);

  g_assert_cmpint (json_object_get_int_member (object, "a"), ==, 4);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "c")));
  b = json_object_get_object_member (object, "b");
  g_assert_cmpuint (json_object_get_size (b), ==, 2);
  g_assert_cmpint (json_object_get_int_member (b, "x"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (b, "z"), ==, 0);

  /* Inside a value that is itself replaced later, and one that stays. */
  g_clear_pointer (&root, json_node_unref);
  root = _vigil_json_parse ("[{\"k\": {\"y\": 1, \"y\": 2}, \"k\": {\"y\": 3, \"y\": 4}}]", -1,
                            VIGIL_JSON_DATA, &error);
  g_assert_no_error (error);
  object = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "k"), "y"), ==, 4);

  /* An error after duplicates frees what was built (checked under
   * valgrind and ASan). */
  g_assert_null (_vigil_json_parse ("{\"a\": 1, \"a\": {\"b\": 2, \"b\": [", -1, VIGIL_JSON_DATA, &error));
  g_assert_nonnull (error);
}

/* U+0000 and lone surrogates are valid JSON that no C string or UTF-8
 * text can hold. In data they stay distinct, as bytes that are not
 * UTF-8 (and so unusable); in settings they are an error. */
static void
test_json_unrepresentable (void)
{
  static const struct { const char *text; const char *decoded; } cases[] = {
    { "\"dup\\u0000A\"", "dup\xc0\x80" "A" },
    { "\"\\u0000\"", "\xc0\x80" },
    { "\"a\\ud800\"", "a\xed\xa0\x80" },
    { "\"\\udfff\"", "\xed\xbf\xbf" },
    { "\"\\ud800\\u0041\"", "\xed\xa0\x80" "A" },        /* a high half, then no low half */
    { "\"\\ud800\\ud800\\udc00\"", "\xed\xa0\x80\xf0\x90\x80\x80" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) keys = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = _vigil_json_parse (cases[i].text, -1, VIGIL_JSON_DATA, &error);
      Invalid bad = { cases[i].text, -1, "line 1, column ", "" };

      g_assert_no_error (error);
      g_assert_cmpstr (json_node_get_string (node), ==, cases[i].decoded);
      g_assert_false (g_utf8_validate (json_node_get_string (node), -1, NULL));
      assert_invalid (&bad, VIGIL_JSON_SETTINGS);
    }

  /* As names: "a\u0000b" is neither "a" nor "a\u0000c". */
  keys = _vigil_json_parse ("{\"a\\u0000b\": 1, \"a\": 2, \"a\\u0000c\": 3}", -1, VIGIL_JSON_DATA, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (keys)), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (keys), "a"), ==, 2);

  {
    g_autoptr(GError) settings_error = NULL;

    g_assert_false (_vigil_json_validate ("{\"plan\\u0000\": 1}", -1, VIGIL_JSON_SETTINGS,
                                          &settings_error));
    g_assert_cmpstr (settings_error->message, ==,
                     "line 1, column 7: \\u0000 (U+0000) is not allowed here");
  }
}

/* A reader of one line names the column only, and may start at any line. */
static void
test_json_cursor_lines (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) line_error = NULL;
  VigilJsonCursor c;

  _vigil_json_cursor_init (&c, "[1, 01]", 7, VIGIL_JSON_DATA, &error);
  c.line = 0;
  g_assert_null (_vigil_json_cursor_parse (&c));
  g_assert_cmpstr (error->message, ==, "column 6: invalid number: no digit may follow a leading zero");

  _vigil_json_cursor_init (&c, "{\"a\": 1,}", 9, VIGIL_JSON_DATA, &line_error);
  c.line = 42;
  g_assert_false (_vigil_json_cursor_skip_value (&c, 0));
  g_assert_cmpstr (line_error->message, ==,
                   "line 42, column 9: expected a member name (a string in double quotes)");
}

/* Text that ends where the memory does (a mapped file, a buffer without
 * a NUL): nothing is read past its length, whatever it ends with. Each
 * text is read against a page nothing may read (vigil-test-util.h) and
 * must give what its NUL-terminated copy gives. */
static void
test_json_unterminated (void)
{
  static const char * const texts[] = {
    "1", "-7", "0", "-0", "123456789012345", "1234567890123456", "9223372036854775807",
    "-9223372036854775808", "9223372036854775808", "123456789012345678901234567890",
    "1.5", "1e5", "-2.5E+3", "1e400", "1.", "1e", "1e+", "-", "01",
    "[1", "[1,", "[1,22", "{\"a\":7", "{\"a\"", "{\"a\":", "[[[", "[1]", "{\"a\":1}",
    "t", "tru", "true", "fals", "false", "nul", "null", "nulls",
    "\"", "\"ab", "\"a\\", "\"\\u12", "\"\\ud800", "\"\\ud800\\u", "\"\\ud800\\udc0", "\"\\u0041\"",
    "\"\xC3", "\"\xE2\x82", "\"\xF0\x9F\x98", "\xEF\xBB", "\xEF\xBB\xBF", "\xEF\xBB\xBF" "7",
    " ", "[1] ", "[1]\n", "\x7F", "\xC2\x85",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    for (int use = VIGIL_JSON_DATA; use <= VIGIL_JSON_SETTINGS; use++)
      {
        gsize length = strlen (texts[i]);
        GuardedText guarded;
        const char *text = test_guarded_text_init (&guarded, texts[i], length);
        g_autoptr(GError) check_error = NULL;
        g_autoptr(GError) parse_error = NULL;
        g_autoptr(GError) expected_error = NULL;
        g_autoptr(JsonNode) root = NULL;
        g_autoptr(JsonNode) expected = _vigil_json_parse (texts[i], -1, use, &expected_error);
        gboolean valid = _vigil_json_validate (text, length, use, &check_error);

        root = _vigil_json_parse (text, length, use, &parse_error);
        g_assert_cmpint (valid, ==, expected != NULL);
        g_assert_cmpint (root != NULL, ==, expected != NULL);
        if (expected != NULL)
          g_assert_true (json_node_equal (root, expected));
        else
          {
            g_assert_cmpstr (check_error->message, ==, expected_error->message);
            g_assert_cmpstr (parse_error->message, ==, expected_error->message);
          }
        test_guarded_text_clear (&guarded);
      }

  /* Integers at the end of the text keep their exact 64-bit values. */
  {
    static const struct { const char *text; gint64 value; } integers[] = {
      { "1", 1 }, { "-0", 0 }, { "9223372036854775807", G_MAXINT64 },
      { "-9223372036854775808", G_MININT64 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (integers); i++)
      {
        GuardedText guarded;
        const char *text = test_guarded_text_init (&guarded, integers[i].text, strlen (integers[i].text));
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) root = _vigil_json_parse (text, strlen (integers[i].text), VIGIL_JSON_DATA, &error);

        g_assert_no_error (error);
        g_assert_cmpint (json_node_get_value_type (root), ==, G_TYPE_INT64);
        g_assert_cmpint (json_node_get_int (root), ==, integers[i].value);
        test_guarded_text_clear (&guarded);
      }
  }

  /* One past: a double, not a wrapped integer. */
  {
    GuardedText guarded;
    const char *text = test_guarded_text_init (&guarded, "9223372036854775808", 19);
    g_autoptr(JsonNode) root = _vigil_json_parse (text, 19, VIGIL_JSON_DATA, NULL);

    g_assert_cmpint (json_node_get_value_type (root), ==, G_TYPE_DOUBLE);
    g_assert_cmpfloat (json_node_get_double (root), ==, 9223372036854775808.0);
    test_guarded_text_clear (&guarded);
  }
}

/* A sampled tree (a preview's, design 5) keeps the first elements of each
 * array and a bounded number of values, and still checks every byte:
 * what it leaves out is valid JSON no deeper than the limit, or the
 * text is refused as a whole text is. */
static void
test_json_sample (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) big = g_string_new ("{\"data\": [");
  g_autoptr(GString) deep = g_string_new ("[1, 2, ");
  gboolean cut = FALSE;
  JsonArray *data;

  root = _vigil_json_parse_sample ("{\"a\": [1, [2, 3, 4, 5], 6, 7], \"b\": {\"c\": true}}", -1,
                                   VIGIL_JSON_DATA, 3, 100, &cut, &error);
  g_assert_no_error (error);
  g_assert_true (cut);
  data = json_object_get_array_member (json_node_get_object (root), "a");
  g_assert_cmpuint (json_array_get_length (data), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_array_get_array_element (data, 1)), ==, 3);
  g_assert_cmpint (json_array_get_int_element (data, 2), ==, 6);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (json_node_get_object (root), "b"),
                                                 "c"));
  g_clear_pointer (&root, json_node_unref);

  /* Nothing left out: the whole tree, as the plain reader builds it. */
  root = _vigil_json_parse_sample ("[1, {\"x\": [true]}]", -1, VIGIL_JSON_DATA, 3, 100, &cut, &error);
  g_assert_no_error (error);
  g_assert_false (cut);
  {
    g_autoptr(JsonNode) whole = _vigil_json_parse ("[1, {\"x\": [true]}]", -1, VIGIL_JSON_DATA, NULL);

    g_assert_true (json_node_equal (root, whole));
  }
  g_clear_pointer (&root, json_node_unref);

  /* A hundred thousand records: three kept, and no more than the budget
   * of values in all. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (big, "%s{\"id\": %u, \"tags\": [\"a\", \"b\"]}", i > 0 ? ", " : "", i);
  g_string_append (big, "]}");
  root = _vigil_json_parse_sample (big->str, (gssize) big->len, VIGIL_JSON_DATA, 3, 8, &cut, &error);
  g_assert_no_error (error);
  g_assert_true (cut);
  data = json_object_get_array_member (json_node_get_object (root), "data");
  /* root, data, {id, tags, a, b} = 7, and the second record's object: 8 */
  g_assert_cmpuint (json_array_get_length (data), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (data, 0), "id"), ==, 0);
  g_assert_cmpuint (json_object_get_size (json_array_get_object_element (data, 1)), ==, 0);
  g_clear_pointer (&root, json_node_unref);

  /* What is left out is checked all the same: a fault in the last
   * element, or a nesting too deep where nothing is kept. */
  g_string_truncate (big, big->len - 2);
  g_string_append (big, ", 01]}");
  g_assert_null (_vigil_json_parse_sample (big->str, (gssize) big->len, VIGIL_JSON_DATA, 3, 8, NULL, &error));
  g_assert_nonnull (strstr (error->message, "no digit may follow a leading zero"));
  g_clear_error (&error);

  for (guint i = 0; i < VIGIL_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < VIGIL_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, ']');
  g_assert_null (_vigil_json_parse_sample (deep->str, (gssize) deep->len, VIGIL_JSON_DATA, 2, 100, NULL, &error));
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
  g_clear_error (&error);
  /* One level less is within the limit, kept or not. */
  g_string_erase (deep, 7, 1);
  g_string_truncate (deep, deep->len - 1);
  root = _vigil_json_parse_sample (deep->str, (gssize) deep->len, VIGIL_JSON_DATA, 2, 100, &cut, &error);
  g_assert_no_error (error);
  g_assert_true (cut);
  g_clear_pointer (&root, json_node_unref);
  g_assert_true (_vigil_json_validate (deep->str, (gssize) deep->len, VIGIL_JSON_DATA, NULL));
}

/* vigil_json_append_g17(): the text of C's "%.17g" (C11 7.21.6.1: 17
 * significant digits of the exact value rounded to the nearest, style e
 * when the exponent is below -4 or not below 17, trailing zeros and a
 * bare point removed), in the C locale. */
static char *
format_g17 (double value)
{
  GString *out = g_string_new (NULL);

  vigil_json_append_g17 (out, value);
  return g_string_free (out, FALSE);
}

static void
assert_g17 (double      value,
            const char *expected)
{
  g_autofree char *text = format_g17 (value);

  g_assert_cmpstr (text, ==, expected);
}

/* Compares with this C library's printf, which rounds exactly. */
static void
assert_g17_like_printf (double value)
{
  g_autofree char *text = format_g17 (value);
  char expected[64];

  g_snprintf (expected, sizeof expected, "%.17g", value);
  if (g_strcmp0 (text, expected) != 0)
    g_error ("%a: %s, printf %s", value, text, expected);
}

static void
test_json_g17 (void)
{
  static const double scales[] = { 1e-7, 1e-5, 1e-4, 1e-3, 1, 100, 1e4, 1e9, 1e15, 1e16, 1e17, 1e20 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261206);

  /* Worked out by hand from the exact binary values. */
  assert_g17 (0.1, "0.10000000000000001");
  assert_g17 (0.30000000000000004, "0.30000000000000004");
  assert_g17 (72.535, "72.534999999999997");
  assert_g17 (-3.75, "-3.75");
  assert_g17 (2.5, "2.5");
  assert_g17 (123456.789, "123456.789");
  assert_g17 (0.0001, "0.0001");
  assert_g17 (0.00015, "0.00014999999999999999");
  assert_g17 (0.00012345678901234567, "0.00012345678901234567");
  assert_g17 (10000000000000002.0, "10000000000000002");
  assert_g17 (99999999999999984.0, "99999999999999984");
  assert_g17 (1e17, "1e+17");
  assert_g17 (1e-5, "1.0000000000000001e-05");
  assert_g17 (9.9999999999999991e-05, "9.9999999999999991e-05");
  assert_g17 (-0.0, "-0");
  assert_g17 (0.0, "0");
  assert_g17 (5e-324, "4.9406564584124654e-324");
  assert_g17 (G_MAXDOUBLE, "1.7976931348623157e+308");
  /* 0.5 + 2^-18 is 0.500003814697265625 exactly: a tie at the 17th
   * digit, to the even 2; 0.5 + 3 × 2^-18 rounds to the even 8. */
  assert_g17 (0.500003814697265625, "0.50000381469726562");
  assert_g17 (0.500011444091796875, "0.50001144409179688");
  /* Just below a power of ten: the rounding carries into a new digit. */
  assert_g17 (nextafter (1.0, 0.0), "0.99999999999999989");
  assert_g17 (nextafter (1000.0, 0.0), "999.99999999999989");
  assert_g17 (nextafter (0.001, 0.0), "0.0009999999999999998");

  /* And the values `vigil scores` writes: scores to a millionth, risks
   * to 1e-4, money to the cent; then any bits at all. */
  for (guint i = 0; i < 200000; i++)
    {
      double scale = scales[g_rand_int_range (rand, 0, G_N_ELEMENTS (scales))];
      double value = g_rand_double (rand) * scale;
      union { guint64 bits; double value; } any;

      assert_g17_like_printf (value);
      assert_g17_like_printf (-value);
      assert_g17_like_printf (round (value * 1e6) / 1e6);
      assert_g17_like_printf (round (value * 1e4) / 1e4);
      assert_g17_like_printf (round (value * 100) / 100);
      assert_g17_like_printf (nextafter (value, 0));
      any.bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      if (isfinite (any.value))
        assert_g17_like_printf (any.value);
    }
  for (int e = -330; e <= 310; e++)
    {
      double power = pow (10, e);

      assert_g17_like_printf (power);
      assert_g17_like_printf (nextafter (power, 0));
      assert_g17_like_printf (nextafter (power, G_MAXDOUBLE));
    }
}

/* vigil_json_write_integer() writes what printf's "%" G_GINT64_FORMAT
 * writes, within VIGIL_JSON_INTEGER_MAX_LENGTH bytes and without a NUL
 * (the import writes features in place, in room made for that length);
 * vigil_json_append_integer() appends the same text. */
static void
assert_integer (gint64 value)
{
  g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  g_autoptr(GString) appended = g_string_new ("x");
  char room[VIGIL_JSON_INTEGER_MAX_LENGTH + 2];
  char *end;

  memset (room, '#', sizeof room);
  end = vigil_json_write_integer (room + 1, value);
  g_assert_cmpint (end - (room + 1), ==, strlen (expected));
  g_assert_cmpint (end - (room + 1), <=, VIGIL_JSON_INTEGER_MAX_LENGTH);
  g_assert_cmpmem (room + 1, end - (room + 1), expected, strlen (expected));
  g_assert_cmpint (room[0], ==, '#');
  g_assert_cmpint (*end, ==, '#');

  vigil_json_append_integer (appended, value);
  g_assert_cmpstr (appended->str + 1, ==, expected);
}

static void
test_json_integers (void)
{
  const gint64 values[] = { 0, 1, -1, 9, 10, -10, 99, 100, 4982, 1000000, G_MAXINT32,
                            (gint64) G_MININT32 - 1, 999999999999999999, 1000000000000000000,
                            G_MAXINT64, G_MININT64 + 1, G_MININT64 };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    assert_integer (values[i]);
  /* every pair of digits, in every place of a short number */
  for (gint64 value = -1000; value <= 100000; value++)
    assert_integer (value);
  /* each length's first and last, of either sign */
  for (gint64 power = 1; power <= G_MAXINT64 / 10; power *= 10)
    {
      assert_integer (power - 1);
      assert_integer (power);
      assert_integer (1 - power);
      assert_integer (-power);
    }
}

/* A decimal's value without strtod () is strtod ()'s to the bit: every
 * count of digits up to 15 with the point anywhere, signs, zeroes, the
 * largest mantissas; and what it leaves to strtod (). */
static void
test_json_decimal_fast_path (void)
{
  static const char * const fixed[] = {
    "0", "-0", "0.0", "-0.0", "1.", ".5", "-.5", "31140.4", "0.1", "0.3", "2.675", "1.005",
    "999999999999999", "99999999999999.9", "0.00000000000001", "-9007199254740.99", "123456789012345",
  };
  static const char * const left_to_strtod[] = {
    "1e5", "1234567890123456", "1.2.3", "", "-", ".", "+1", "1,5", "0x10", " 1",
  };
  GRand *rand = g_rand_new_with_seed (20261207);

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    {
      double fast = NAN;
      double slow = g_ascii_strtod (fixed[i], NULL);

      g_assert_true (_vigil_decimal_fast_value (fixed[i], fixed[i] + strlen (fixed[i]), &fast));
      g_assert_cmpmem (&fast, sizeof fast, &slow, sizeof slow);
    }
  for (guint i = 0; i < 200000; i++)
    {
      char text[40];
      guint digits = 1 + i % 15;
      guint point = g_rand_int_range (rand, 0, digits + 1);
      gsize n = 0;
      double fast = NAN;
      double slow;

      if (g_rand_boolean (rand))
        text[n++] = '-';
      for (guint d = 0; d < digits; d++)
        {
          if (d == point && d > 0)
            text[n++] = '.';
          /* many nines and zeroes: the mantissas at their ends */
          text[n++] = (char) ('0' + (i % 3 == 0 ? 9 : i % 3 == 1 ? g_rand_int_range (rand, 0, 10)
                                                 : (d == 0 ? 1 : 0)));
        }
      text[n] = '\0';
      slow = g_ascii_strtod (text, NULL);
      g_assert_true (_vigil_decimal_fast_value (text, text + n, &fast));
      if (memcmp (&fast, &slow, sizeof fast) != 0)
        g_error ("%s: %.17g, strtod %.17g", text, fast, slow);
    }
  for (guint i = 0; i < G_N_ELEMENTS (left_to_strtod); i++)
    {
      double value = 42;
      const char *text = left_to_strtod[i];

      g_assert_false (_vigil_decimal_fast_value (text, text + strlen (text), &value));
      g_assert_cmpfloat (value, ==, 42);
    }
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/json/numbers", test_json_numbers);
  g_test_add_func ("/core/json/g17", test_json_g17);
  g_test_add_func ("/core/json/integers", test_json_integers);
  g_test_add_func ("/core/json/strings", test_json_strings);
  g_test_add_func ("/core/json/strings-every-offset", test_json_strings_every_offset);
  g_test_add_func ("/core/json/structure", test_json_structure);
  g_test_add_func ("/core/json/depth", test_json_depth);
  g_test_add_func ("/core/json/tree", test_json_tree);
  g_test_add_func ("/core/json/duplicate-names", test_json_duplicate_names);
  g_test_add_func ("/core/json/unrepresentable", test_json_unrepresentable);
  g_test_add_func ("/core/json/cursor-lines", test_json_cursor_lines);
  g_test_add_func ("/core/json/unterminated", test_json_unterminated);
  g_test_add_func ("/core/json/sample", test_json_sample);
  g_test_add_func ("/core/json/decimal-fast-path", test_json_decimal_fast_path);

  return g_test_run ();
}
