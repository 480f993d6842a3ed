/* test-csv-reader.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-csv"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "vigil-csv-reader.h"
#include "vigil-error.h"

/* The reader's read size; some inputs are laid out so a boundary falls at a chosen place. */
#define CHUNK_SIZE (256 * 1024)
#define MAX_ROW_SIZE (64 * 1024 * 1024)

/* A stream that hands out its data a few bytes at a time, and can fail at its end. */
#define TEST_TYPE_TRICKLE_STREAM (test_trickle_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestTrickleStream, test_trickle_stream, TEST, TRICKLE_STREAM, GInputStream)

struct _TestTrickleStream
{
  GInputStream  parent_instance;

  GBytes       *bytes;
  gsize         pos;
  gsize         max_read;     /* reads return 1..max_read bytes; 0 for no limit */
  guint         n_reads;
  gboolean      fail_at_end;
};

G_DEFINE_FINAL_TYPE (TestTrickleStream, test_trickle_stream, G_TYPE_INPUT_STREAM)

static gssize
test_trickle_stream_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  TestTrickleStream *self = TEST_TRICKLE_STREAM (stream);
  gsize size;
  const guint8 *data = g_bytes_get_data (self->bytes, &size);
  gsize n = MIN (count, size - self->pos);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;

  if (n == 0 && self->fail_at_end)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "connection lost");
      return -1;
    }

  /* Vary the size of each read, so that boundaries fall everywhere. */
  if (self->max_read > 0)
    n = MIN (n, 1 + (self->n_reads * 7919u) % self->max_read);

  memcpy (buffer, data + self->pos, n);
  self->pos += n;
  self->n_reads++;

  return n;
}

static void
test_trickle_stream_finalize (GObject *object)
{
  TestTrickleStream *self = TEST_TRICKLE_STREAM (object);

  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (test_trickle_stream_parent_class)->finalize (object);
}

static void
test_trickle_stream_class_init (TestTrickleStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = test_trickle_stream_finalize;
  stream_class->read_fn = test_trickle_stream_read;
}

static void
test_trickle_stream_init (TestTrickleStream *self)
{
  self->pos = 0;
}

static GInputStream *
trickle_stream_new (const char *data,
                    gsize       len,
                    gsize       max_read,
                    gboolean    fail_at_end)
{
  TestTrickleStream *self = g_object_new (TEST_TYPE_TRICKLE_STREAM, NULL);

  self->bytes = g_bytes_new (data, len);
  self->max_read = max_read;
  self->fail_at_end = fail_at_end;

  return G_INPUT_STREAM (self);
}

static GInputStream *
memory_stream_new (const char *data,
                   gssize      len)
{
  if (len < 0)
    len = strlen (data);

  return g_memory_input_stream_new_from_data (g_memdup2 (data, len), len, g_free);
}

/* Reads every row of @stream as a GStrv, checking each field's length and NUL on the way.
 * The lines and offsets of the rows go to @lines and @offsets if given. Stops at the end
 * or at the first error, returning the rows read until then. */
static GPtrArray *
read_rows (GInputStream  *stream,
           GArray        *lines,
           GArray        *offsets,
           GError       **error)
{
  g_autoptr(VigilCsvReader) reader = vigil_csv_reader_new (stream);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  guint64 last_offset = 0;

  while (vigil_csv_reader_next_row (reader, NULL, error))
    {
      guint n_fields = vigil_csv_reader_get_n_fields (reader);
      char **row = g_new0 (char *, n_fields + 1);
      guint64 line = vigil_csv_reader_get_line (reader);
      guint64 offset = vigil_csv_reader_get_offset (reader);

      g_assert_cmpuint (n_fields, >, 0);
      g_assert_cmpuint (line, >=, 1);
      g_assert_cmpuint (offset, >, last_offset);
      last_offset = offset;

      for (guint i = 0; i < n_fields; i++)
        {
          gsize len = G_MAXSIZE;
          const char *text = vigil_csv_reader_get_field (reader, i, &len);

          g_assert_nonnull (text);
          g_assert_cmpuint (len, ==, strlen (text));
          g_assert_true (text == vigil_csv_reader_get_field (reader, i, NULL));
          row[i] = g_strdup (text);
        }

      g_ptr_array_add (rows, row);
      if (lines != NULL)
        g_array_append_val (lines, line);
      if (offsets != NULL)
        g_array_append_val (offsets, offset);
    }

  g_assert_cmpuint (vigil_csv_reader_get_n_fields (reader), ==, 0);
  g_assert_cmpuint (vigil_csv_reader_get_offset (reader), >=, last_offset);

  return g_steal_pointer (&rows);
}

static GPtrArray *
read_string (const char  *data,
             gssize       len,
             GArray      *lines,
             GError     **error)
{
  g_autoptr(GInputStream) stream = memory_stream_new (data, len);

  return read_rows (stream, lines, NULL, error);
}

/* Checks @rows against expected rows given as strings with fields separated by '|',
 * followed by NULL. "" is a row of one empty field. */
static void
assert_rows (GPtrArray *rows,
             ...)
{
  va_list args;
  const char *expected;
  guint i = 0;

  va_start (args, rows);
  while ((expected = va_arg (args, const char *)) != NULL)
    {
      g_auto(GStrv) fields = NULL;

      if (*expected == '\0')
        fields = g_strdupv ((char *[]) { (char *) "", NULL });
      else
        fields = g_strsplit (expected, "|", -1);

      g_assert_cmpuint (i, <, rows->len);
      g_assert_cmpstrv (g_ptr_array_index (rows, i), fields);
      i++;
    }
  va_end (args);

  g_assert_cmpuint (i, ==, rows->len);
}

static void
assert_lines (GArray *lines,
              ...)
{
  va_list args;
  int expected;
  guint i = 0;

  va_start (args, lines);
  while ((expected = va_arg (args, int)) > 0)
    {
      g_assert_cmpuint (i, <, lines->len);
      g_assert_cmpuint (g_array_index (lines, guint64, i), ==, expected);
      i++;
    }
  va_end (args);

  g_assert_cmpuint (i, ==, lines->len);
}

static void
assert_parse_error (const char *data,
                    gssize      len,
                    guint       n_good_rows,
                    const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = read_string (data, len, NULL, &error);

  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpuint (rows->len, ==, n_good_rows);
}

static void
test_csv_reader_simple (void)
{
  const char *data = "id,name,plan\n1,Acme,pro\n2,Globex,free\n";
  g_autoptr(GInputStream) stream = memory_stream_new (data, -1);
  g_autoptr(VigilCsvReader) reader = vigil_csv_reader_new (stream);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) property = NULL;
  gsize len;

  g_object_get (reader, "stream", &property, NULL);
  g_assert_true (property == stream);

  g_assert_cmpuint (vigil_csv_reader_get_n_fields (reader), ==, 0);
  g_assert_cmpuint (vigil_csv_reader_get_line (reader), ==, 0);
  g_assert_cmpuint (vigil_csv_reader_get_offset (reader), ==, 0);

  g_assert_true (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_csv_reader_get_n_fields (reader), ==, 3);
  g_assert_cmpstr (vigil_csv_reader_get_field (reader, 0, NULL), ==, "id");
  g_assert_cmpstr (vigil_csv_reader_get_field (reader, 1, &len), ==, "name");
  g_assert_cmpuint (len, ==, 4);
  g_assert_cmpstr (vigil_csv_reader_get_field (reader, 2, &len), ==, "plan");
  g_assert_cmpuint (len, ==, 4);
  g_assert_cmpuint (vigil_csv_reader_get_line (reader), ==, 1);
  g_assert_cmpuint (vigil_csv_reader_get_offset (reader), ==, 13);

  g_assert_true (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_csv_reader_get_n_fields (reader), ==, 3);
  g_assert_cmpstr (vigil_csv_reader_get_field (reader, 0, NULL), ==, "1");
  g_assert_cmpstr (vigil_csv_reader_get_field (reader, 1, NULL), ==, "Acme");
  g_assert_cmpstr (vigil_csv_reader_get_field (reader, 2, NULL), ==, "pro");
  g_assert_cmpuint (vigil_csv_reader_get_line (reader), ==, 2);
  g_assert_cmpuint (vigil_csv_reader_get_offset (reader), ==, 24);

  g_assert_true (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vigil_csv_reader_get_field (reader, 1, NULL), ==, "Globex");
  g_assert_cmpuint (vigil_csv_reader_get_line (reader), ==, 3);
  g_assert_cmpuint (vigil_csv_reader_get_offset (reader), ==, strlen (data));

  g_assert_false (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_csv_reader_get_n_fields (reader), ==, 0);
  g_assert_cmpuint (vigil_csv_reader_get_offset (reader), ==, strlen (data));

  /* The end stays the end. */
  g_assert_false (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_no_error (error);
}

static void
test_csv_reader_quoted (void)
{
  const char *data =
    "name,note\n"
    "\"Smith, John\",\"He said \"\"hi\"\"\"\n"
    "\"multi\nline\nfield\",x\n"
    "after,\"a,\n\"\"b\"\",\nc\"\n"
    "last,row\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GPtrArray) rows = read_string (data, -1, lines, &error);

  g_assert_no_error (error);
  assert_rows (rows,
               "name|note",
               "Smith, John|He said \"hi\"",
               "multi\nline\nfield|x",
               "after|a,\n\"b\",\nc",
               "last|row",
               NULL);
  assert_lines (lines, 1, 2, 3, 6, 9, 0);
}

static void
test_csv_reader_bare_quote (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = read_string ("a\"b,5\" screen\n", -1, NULL, &error);

  /* A quote inside an unquoted field is taken as it is. */
  g_assert_no_error (error);
  assert_rows (rows, "a\"b|5\" screen", NULL);
}

static void
test_csv_reader_crlf (void)
{
  const char *data =
    "a,b\r\n"
    "c,\"d\"\r\n"
    "\"e\r\nf\",g\r\n"
    "x\ry,z\r\n"
    "\r,\r\r\n"
    "h,i\r";
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GPtrArray) rows = read_string (data, -1, lines, &error);

  /* Only LF and CRLF end records: a CR anywhere else in an unquoted field is text. */
  g_assert_no_error (error);
  assert_rows (rows,
               "a|b",
               "c|d",
               "e\r\nf|g",
               "x\ry|z",
               "\r|\r",
               "h|i\r",
               NULL);
  assert_lines (lines, 1, 2, 3, 5, 6, 7, 0);
}

static void
test_csv_reader_bom (void)
{
  const char *data = "\xEF\xBB\xBFid,name\n1,\xEF\xBB\xBFx\n";
  g_autoptr(GInputStream) stream = memory_stream_new (data, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GPtrArray) rows = read_rows (stream, NULL, offsets, &error);
  g_autoptr(GPtrArray) rows2 = NULL;

  /* Only a mark at the very start is dropped; its bytes count as consumed. */
  g_assert_no_error (error);
  assert_rows (rows, "id|name", "1|\xEF\xBB\xBFx", NULL);
  g_assert_cmpuint (g_array_index (offsets, guint64, 0), ==, 11);
  g_assert_cmpuint (g_array_index (offsets, guint64, 1), ==, strlen (data));

  /* A quoted field right after the mark; and a mark read one byte at a time. */
  g_clear_object (&stream);
  stream = trickle_stream_new ("\xEF\xBB\xBF\"q\",r", 8, 1, FALSE);
  rows2 = read_rows (stream, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_rows (rows2, "q|r", NULL);
}

static void
test_csv_reader_no_trailing_newline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows1 = read_string ("a,b\nc,d", -1, NULL, &error);
  g_autoptr(GPtrArray) rows2 = NULL;
  g_autoptr(GPtrArray) rows3 = NULL;
  g_autoptr(GPtrArray) rows4 = NULL;

  g_assert_no_error (error);
  assert_rows (rows1, "a|b", "c|d", NULL);

  rows2 = read_string ("a,\"b\nc\"", -1, NULL, &error);
  g_assert_no_error (error);
  assert_rows (rows2, "a|b\nc", NULL);

  rows3 = read_string ("a,", -1, NULL, &error);
  g_assert_no_error (error);
  assert_rows (rows3, "a|", NULL);

  rows4 = read_string ("x", -1, NULL, &error);
  g_assert_no_error (error);
  assert_rows (rows4, "x", NULL);
}

static void
test_csv_reader_empty_lines (void)
{
  const char *data = "\n\na,b\n\n\r\nc,d\n\n\n";
  g_autoptr(GInputStream) stream = memory_stream_new (data, -1);
  g_autoptr(VigilCsvReader) reader = vigil_csv_reader_new (stream);
  g_autoptr(GError) error = NULL;

  g_assert_true (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_csv_reader_get_n_fields (reader), ==, 2);
  g_assert_cmpstr (vigil_csv_reader_get_field (reader, 0, NULL), ==, "a");
  g_assert_cmpuint (vigil_csv_reader_get_line (reader), ==, 3);

  g_assert_true (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_csv_reader_get_n_fields (reader), ==, 2);
  g_assert_cmpstr (vigil_csv_reader_get_field (reader, 1, NULL), ==, "d");
  g_assert_cmpuint (vigil_csv_reader_get_line (reader), ==, 6);

  g_assert_false (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_csv_reader_get_offset (reader), ==, strlen (data));
}

static void
test_csv_reader_empty_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = read_string (",,\n,a,\n,\n", -1, NULL, &error);

  g_assert_no_error (error);
  assert_rows (rows, "||", "|a|", "|", NULL);
}

static void
test_csv_reader_empty_quoted (void)
{
  const char *data = "\"\"\n\"\",\"\"\nx,\"\"\n\"\"\"\"\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = read_string (data, -1, NULL, &error);

  /* A line that is just "" is a row of one empty field, not an empty line. */
  g_assert_no_error (error);
  assert_rows (rows, "", "|", "x|", "\"", NULL);
}

static void
test_csv_reader_unterminated (void)
{
  assert_parse_error ("a,b\nc,\"open\nmore\n", -1, 1,
                      "line 2, column 3: unterminated quoted field");
  assert_parse_error ("\"", -1, 0,
                      "line 1, column 1: unterminated quoted field");
  assert_parse_error ("x\n\n\"a\"\"", -1, 1,
                      "line 3, column 1: unterminated quoted field");
}

static void
test_csv_reader_after_quote (void)
{
  assert_parse_error ("a,b\n\"x\"y,z\n", -1, 1,
                      "line 2, column 4: unexpected character after closing quote");
  assert_parse_error ("\"a\nbc\" ,d\n", -1, 0,
                      "line 2, column 4: unexpected character after closing quote");
  assert_parse_error ("\"a\"\rb\n", -1, 0,
                      "line 1, column 4: unexpected character after closing quote");
  assert_parse_error ("\"a\"\r", -1, 0,
                      "line 1, column 4: unexpected character after closing quote");
}

static void
test_csv_reader_invalid_utf8 (void)
{
  assert_parse_error ("ok,fine\nab,c\xFF\xFE" "d\n", -1, 1,
                      "line 2, column 5: text is not valid UTF-8");
  /* Doubled quotes before the bad byte count as written. */
  assert_parse_error ("x,\"a\"\"\xC3(\"\n", -1, 0,
                      "line 1, column 7: text is not valid UTF-8");
  /* Columns count characters, not bytes. */
  assert_parse_error ("\xC3\xA9,\xFF\n", -1, 0,
                      "line 1, column 3: text is not valid UTF-8");
  assert_parse_error ("\"a\nb\xFF\"\n", -1, 0,
                      "line 2, column 2: text is not valid UTF-8");
  /* A sequence cut short by the end of its field. */
  assert_parse_error ("a\xE2\x82,b\n", -1, 0,
                      "line 1, column 2: text is not valid UTF-8");
  assert_parse_error ("a,b\0c\n", 6, 0,
                      "line 1, column 4: text contains a NUL byte");

  /* A bad byte at every place in fields of every length up to a few words, quoted or
   * not, and past a valid character. */
  for (guint len = 1; len <= 20; len++)
    {
      for (guint at = 0; at < len; at++)
        {
          for (guint quoted = 0; quoted < 2; quoted++)
            {
              g_autoptr(GString) data = g_string_new ("x,");
              g_autofree char *message = NULL;
              gsize start;

              if (quoted)
                g_string_append_c (data, '"');
              start = data->len;
              for (guint i = 0; i < len; i++)
                g_string_append (data, "y");
              if (quoted)
                g_string_append_c (data, '"');
              g_string_append (data, ",z\n");

              data->str[start + at] = '\xFF';
              message = g_strdup_printf ("line 1, column %u: text is not valid UTF-8",
                                         (guint) start + at + 1);
              assert_parse_error (data->str, data->len, 0, message);

              data->str[start + at] = '\0';
              g_free (message);
              message = g_strdup_printf ("line 1, column %u: text contains a NUL byte",
                                         (guint) start + at + 1);
              assert_parse_error (data->str, data->len, 0, message);

              /* An é, two bytes, one character. */
              if (at + 1 < len)
                {
                  data->str[start + at] = '\xC3';
                  data->str[start + at + 1] = '\xA9';
                  {
                    g_autoptr(GError) error = NULL;
                    g_autoptr(GPtrArray) rows = read_string (data->str, data->len, NULL, &error);

                    g_assert_no_error (error);
                    g_assert_cmpuint (rows->len, ==, 1);
                    g_assert_nonnull (strstr (((char **) g_ptr_array_index (rows, 0))[1], "é"));
                  }
                }
            }
        }
    }
}

static void
test_csv_reader_unicode (void)
{
  const char *data =
    "名前,שלום,🎉👍🏽\n"
    "\"王, 小明\",\"עברית \"\"ציטוט\"\"\",👨‍👩‍👧\r\n"
    "Ünïcödé,\"日本\n語\",\"\"\n";
  const char *expected[][3] = {
    { "名前", "שלום", "🎉👍🏽" },
    { "王, 小明", "עברית \"ציטוט\"", "👨‍👩‍👧" },
    { "Ünïcödé", "日本\n語", "" },
  };
  g_autoptr(GInputStream) stream = memory_stream_new (data, -1);
  g_autoptr(VigilCsvReader) reader = vigil_csv_reader_new (stream);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_true (vigil_csv_reader_next_row (reader, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (vigil_csv_reader_get_n_fields (reader), ==, 3);

      for (guint j = 0; j < 3; j++)
        {
          gsize len;
          const char *text = vigil_csv_reader_get_field (reader, j, &len);

          g_assert_cmpmem (text, len, expected[i][j], strlen (expected[i][j]));
          g_assert_cmpint (text[len], ==, '\0');
        }
    }

  g_assert_false (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_no_error (error);

  /* 日 本 , " 語 " x: the x is the seventh character. */
  assert_parse_error ("日本,\"語\"x\n", -1, 0,
                      "line 1, column 7: unexpected character after closing quote");
}

static void
test_csv_reader_empty_input (void)
{
  const char *inputs[] = { "", "\n", "\n\r\n\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\r\n" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GInputStream) stream = memory_stream_new (inputs[i], -1);
      g_autoptr(VigilCsvReader) reader = vigil_csv_reader_new (stream);
      g_autoptr(GError) error = NULL;

      g_assert_false (vigil_csv_reader_next_row (reader, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (vigil_csv_reader_get_n_fields (reader), ==, 0);
      g_assert_cmpuint (vigil_csv_reader_get_offset (reader), ==, strlen (inputs[i]));
    }
}

/* Appends a generated row to @raw, and what reading it must give to @expected (fields
 * joined with '|'), @lines and @offsets; @line is the line the next row begins on. */
static void
append_generated_row (GString   *raw,
                      GPtrArray *expected,
                      GArray    *lines,
                      GArray    *offsets,
                      guint64   *line,
                      guint      i)
{
  static const char *words[] = { "plain", "with, comma", "say \"\"hi\"\"", "two\nlines",
                                 "crlf\r\ninside", "", "日本語", "עברית", "🎉" };
  static const char *decoded[] = { "plain", "with, comma", "say \"hi\"", "two\nlines",
                                   "crlf\r\ninside", "", "日本語", "עברית", "🎉" };
  GString *fields = g_string_new (NULL);
  guint64 offset;

  /* Now and then an empty line first. */
  if (i % 11 == 0)
    {
      g_string_append (raw, i % 2 == 0 ? "\r\n" : "\n");
      *line += 1;
    }

  g_array_append_val (lines, *line);

  /* An unquoted number, a quoted field of varying length and an unquoted word. */
  g_string_append_printf (raw, "%u,\"", i);
  g_string_append_printf (fields, "%u|", i);
  for (guint k = 0; k < i % 7; k++)
    {
      guint word = (i + k) % G_N_ELEMENTS (words);

      g_string_append (raw, words[word]);
      g_string_append (fields, decoded[word]);
      if (strchr (words[word], '\n') != NULL)
        *line += 1;
    }
  g_string_append (raw, "\",");
  g_string_append_c (fields, '|');
  g_string_append (raw, i % 3 == 0 ? "Ünïcödé" : "x");
  g_string_append (fields, i % 3 == 0 ? "Ünïcödé" : "x");
  g_string_append (raw, i % 2 == 0 ? "\r\n" : "\n");
  *line += 1;

  offset = raw->len;
  g_array_append_val (offsets, offset);
  g_ptr_array_add (expected, g_string_free (fields, FALSE));
}

static void
check_generated (GInputStream *stream,
                 GPtrArray    *expected,
                 GArray       *expected_lines,
                 GArray       *expected_offsets)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GPtrArray) rows = read_rows (stream, lines, offsets, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, expected->len);

  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *joined = g_strjoinv ("|", g_ptr_array_index (rows, i));

      g_assert_cmpstr (joined, ==, g_ptr_array_index (expected, i));
      g_assert_cmpuint (g_array_index (lines, guint64, i), ==,
                        g_array_index (expected_lines, guint64, i));
      g_assert_cmpuint (g_array_index (offsets, guint64, i), ==,
                        g_array_index (expected_offsets, guint64, i));
    }
}

static void
test_csv_reader_chunks (void)
{
  g_autoptr(GString) raw = g_string_new (NULL);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GString) big_expected = g_string_new (NULL);
  guint64 line = 1;
  guint big_newlines = 0;
  guint64 offset;
  guint n_small;

  /* Many rows, over several chunks, so that the boundaries fall inside quoted fields,
   * between doubled quotes and between CR and LF. */
  for (guint i = 0; raw->len < 5 * CHUNK_SIZE / 2; i++)
    append_generated_row (raw, expected, lines, offsets, &line, i);

  /* A row bigger than a chunk, quoted, with quotes and newlines inside. */
  g_string_append (big, "big,\"");
  g_string_append (big_expected, "big|");
  while (big->len < 3 * CHUNK_SIZE)
    {
      g_string_append (big, "0123456789 \"\"quoted\"\", comma\n");
      g_string_append (big_expected, "0123456789 \"quoted\", comma\n");
      big_newlines++;
    }
  g_string_append (big, "\",end\r\n");
  g_string_append (big_expected, "|end");

  g_array_append_val (lines, line);
  line += big_newlines + 1;
  g_string_append_len (raw, big->str, big->len);
  offset = raw->len;
  g_array_append_val (offsets, offset);
  g_ptr_array_add (expected, g_strdup (big_expected->str));

  /* And a few more after it, the first of which must know its line. */
  for (guint i = 0; i < 50; i++)
    append_generated_row (raw, expected, lines, offsets, &line, i);

  /* In memory, as it comes from a file. */
  {
    g_autoptr(GInputStream) stream = memory_stream_new (raw->str, raw->len);
    check_generated (stream, expected, lines, offsets);
  }

  /* In pieces of every size, as it might come from a pipe. */
  {
    static const gsize max_reads[] = { 3, 17, 1000, 100000 };

    for (guint i = 0; i < G_N_ELEMENTS (max_reads); i++)
      {
        g_autoptr(GInputStream) stream = trickle_stream_new (raw->str, raw->len,
                                                             max_reads[i], FALSE);
        check_generated (stream, expected, lines, offsets);
      }
  }

  /* A byte at a time, for the first few thousand rows. */
  {
    guint n = 2000;
    g_autoptr(GInputStream) stream = NULL;

    n_small = MIN (n, expected->len);
    g_ptr_array_set_size (expected, n_small);
    g_array_set_size (lines, n_small);
    g_array_set_size (offsets, n_small);
    stream = trickle_stream_new (raw->str, g_array_index (offsets, guint64, n_small - 1),
                                 1, FALSE);
    check_generated (stream, expected, lines, offsets);
  }
}

/* Inputs laid out so that the first chunk ends exactly at a chosen byte. */
static void
test_csv_reader_chunk_edges (void)
{
  struct {
    const char *before;    /* text just before the boundary */
    const char *after;     /* text just after it */
    const char *expected;  /* expected fields after the filler */
  } cases[] = {
    { "a\r", "\nb,c\n", "a|b|c" },                  /* CR | LF after an unquoted field */
    { "\"a\"\r", "\nb\n", "a|b" },                  /* CR | LF after a quoted field */
    { "\"a\"", "\"b\"\n", "a\"b" },                 /* between doubled quotes */
    { "\"a\"", ",b\n", "a|b" },                     /* after a closing quote */
    { "\"a", "\nb\"\n", "a\nb" },                   /* before a newline in quotes */
    { "\n\r", "\nx\n", "x" },                       /* in an empty CRLF line */
    { "\"", "\"\n", "" },                           /* in an empty quoted field */
    { "\"\xE6\x97", "\xA5\"\n", "\xE6\x97\xA5" },   /* inside a UTF-8 sequence */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) raw = g_string_new (NULL);
      g_autoptr(GString) filler = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      gsize n = CHUNK_SIZE - strlen (cases[i].before) - 1;

      /* One filler row, then the case straddling byte CHUNK_SIZE. */
      g_string_set_size (filler, n);
      memset (filler->str, 'f', n);
      g_string_append_len (raw, filler->str, n);
      g_string_append_c (raw, '\n');
      g_string_append (raw, cases[i].before);
      g_assert_cmpuint (raw->len, ==, CHUNK_SIZE);
      g_string_append (raw, cases[i].after);

      rows = read_string (raw->str, raw->len, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, >=, 2);
      g_assert_cmpstr (((char **) g_ptr_array_index (rows, 0))[0], ==, filler->str);

      {
        g_autoptr(GString) joined = g_string_new (NULL);

        for (guint r = 1; r < rows->len; r++)
          {
            g_autofree char *row = g_strjoinv ("|", g_ptr_array_index (rows, r));

            if (r > 1)
              g_string_append_c (joined, '|');
            g_string_append (joined, row);
          }
        g_assert_cmpstr (joined->str, ==, cases[i].expected);
      }
    }
}

/* Fields of every length up to 24 bytes, with a doubled quote, a newline or a delimiter
 * (quoted) at every place in them, after prefixes that move them across every alignment:
 * the reader looks at eight bytes at a time where it can, and at one at a time near what
 * ends a run. Read whole, and a few bytes at a time (the reader then stops at every place
 * in a row for more). */
static void
test_csv_reader_every_offset (void)
{
  const char specials[] = { '"', '\n', ',' };
  g_autoptr(GString) raw = g_string_new (NULL);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GArray) expected_lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 line = 1;

  for (guint length = 0; length <= 24; length++)
    for (guint at = 0; at <= length; at++)
      {
        char special = specials[(length + at) % G_N_ELEMENTS (specials)];
        g_autoptr(GString) quoted = g_string_new (NULL);
        g_autoptr(GString) plain = g_string_new (NULL);
        char *prefix = g_strnfill (at % 9, 'p');
        char **row;

        for (guint i = 0; i < length; i++)
          g_string_append_c (quoted, i == at ? special : (char) ('a' + i % 26));
        for (guint i = 0; i < length; i++)
          g_string_append_c (plain, 'A' + (i + at) % 26);

        g_array_append_val (expected_lines, line);
        g_string_append (raw, prefix);
        g_string_append (raw, ",\"");
        for (guint i = 0; i < quoted->len; i++)
          {
            if (quoted->str[i] == '"')
              g_string_append_c (raw, '"');
            g_string_append_c (raw, quoted->str[i]);
            line += quoted->str[i] == '\n';
          }
        g_string_append (raw, "\",");
        g_string_append (raw, plain->str);
        g_string_append_c (raw, '\n');
        line++;

        row = g_new0 (char *, 4);
        row[0] = prefix;
        row[1] = g_strdup (quoted->str);
        row[2] = g_strdup (plain->str);
        g_ptr_array_add (expected, row);
      }

  for (guint k = 0; k < 4; k++)
    {
      gsize max_reads[] = { 3, 7, 64, raw->len };
      g_autoptr(GInputStream) stream = trickle_stream_new (raw->str, raw->len, max_reads[k], FALSE);
      g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) rows = read_rows (stream, lines, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, ==, expected->len);
      for (guint r = 0; r < rows->len; r++)
        {
          g_assert_cmpstrv (g_ptr_array_index (rows, r), g_ptr_array_index (expected, r));
          g_assert_cmpuint (g_array_index (lines, guint64, r), ==, g_array_index (expected_lines, guint64, r));
        }
    }
}

static void
test_csv_reader_row_too_long (void)
{
  gsize n = MAX_ROW_SIZE + 1;
  gsize size = MAX_ROW_SIZE + 2 * 1024 * 1024;
  g_autofree char *data = g_malloc (size);

  /* One byte over the limit. */
  memset (data, 'a', n);
  data[n] = '\n';
  assert_parse_error (data, n + 1, 0, "line 1: row longer than 64 MiB");

  /* Exactly at the limit, with a CRLF ending, is fine. */
  data[n - 1] = '\r';
  data[n] = '\n';
  data[n + 1] = 'b';
  data[n + 2] = '\n';
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = read_string (data, n + 3, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_cmpuint (strlen (((char **) g_ptr_array_index (rows, 0))[0]), ==, MAX_ROW_SIZE);
    g_assert_cmpstr (((char **) g_ptr_array_index (rows, 1))[0], ==, "b");
  }

  /* A quote never closed: at the end of a short enough input it is reported as such, and
   * in a longer one it is named as the likely cause. */
  memset (data, 'a', size);
  memcpy (data, "x\n\n\"", 4);
  assert_parse_error (data, n, 1, "line 3, column 1: unterminated quoted field");
  assert_parse_error (data, size, 1,
                      "line 3: row longer than 64 MiB "
                      "(the quoted field opened at line 3, column 1 may be unterminated)");
}

static void
test_csv_reader_file (void)
{
  const char *data = "\xEF\xBB\xBF" "customer,mrr\r\n\"Acme, Inc.\",1200\r\n\"Ωmega\",\r\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vigil-csv-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "customers.csv", NULL);
  g_file_set_contents (path, data, -1, &error);
  g_assert_no_error (error);

  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, &error);
  g_assert_no_error (error);

  rows = read_rows (G_INPUT_STREAM (stream), NULL, NULL, &error);
  g_assert_no_error (error);
  assert_rows (rows, "customer|mrr", "Acme, Inc.|1200", "Ωmega|", NULL);

  g_clear_object (&stream);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_csv_reader_cancel (void)
{
  g_autoptr(GString) raw = g_string_new (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(VigilCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  guint n_rows = 0;

  while (raw->len < 4 * CHUNK_SIZE)
    g_string_append (raw, "some,row,of,text\n");

  stream = memory_stream_new (raw->str, raw->len);
  reader = vigil_csv_reader_new (stream);

  g_assert_true (vigil_csv_reader_next_row (reader, cancellable, &error));
  g_assert_no_error (error);

  /* Rows already read go on; the next read does not happen. */
  g_cancellable_cancel (cancellable);
  while (vigil_csv_reader_next_row (reader, cancellable, &error))
    n_rows++;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (n_rows, <, CHUNK_SIZE / 17);
  g_assert_cmpuint (vigil_csv_reader_get_n_fields (reader), ==, 0);
}

static void
test_csv_reader_read_error (void)
{
  g_autoptr(GInputStream) stream = trickle_stream_new ("a,b\nc", 5, 0, TRUE);
  g_autoptr(VigilCsvReader) reader = vigil_csv_reader_new (stream);
  g_autoptr(GError) error = NULL;

  g_assert_true (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vigil_csv_reader_get_field (reader, 1, NULL), ==, "b");

  g_assert_false (vigil_csv_reader_next_row (reader, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpstr (error->message, ==, "connection lost");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/csv-reader/simple", test_csv_reader_simple);
  g_test_add_func ("/core/csv-reader/quoted", test_csv_reader_quoted);
  g_test_add_func ("/core/csv-reader/bare-quote", test_csv_reader_bare_quote);
  g_test_add_func ("/core/csv-reader/crlf", test_csv_reader_crlf);
  g_test_add_func ("/core/csv-reader/bom", test_csv_reader_bom);
  g_test_add_func ("/core/csv-reader/no-trailing-newline", test_csv_reader_no_trailing_newline);
  g_test_add_func ("/core/csv-reader/empty-lines", test_csv_reader_empty_lines);
  g_test_add_func ("/core/csv-reader/empty-fields", test_csv_reader_empty_fields);
  g_test_add_func ("/core/csv-reader/empty-quoted", test_csv_reader_empty_quoted);
  g_test_add_func ("/core/csv-reader/unterminated", test_csv_reader_unterminated);
  g_test_add_func ("/core/csv-reader/after-quote", test_csv_reader_after_quote);
  g_test_add_func ("/core/csv-reader/invalid-utf8", test_csv_reader_invalid_utf8);
  g_test_add_func ("/core/csv-reader/unicode", test_csv_reader_unicode);
  g_test_add_func ("/core/csv-reader/empty-input", test_csv_reader_empty_input);
  g_test_add_func ("/core/csv-reader/chunks", test_csv_reader_chunks);
  g_test_add_func ("/core/csv-reader/chunk-edges", test_csv_reader_chunk_edges);
  g_test_add_func ("/core/csv-reader/every-offset", test_csv_reader_every_offset);
  g_test_add_func ("/core/csv-reader/row-too-long", test_csv_reader_row_too_long);
  g_test_add_func ("/core/csv-reader/file", test_csv_reader_file);
  g_test_add_func ("/core/csv-reader/cancel", test_csv_reader_cancel);
  g_test_add_func ("/core/csv-reader/read-error", test_csv_reader_read_error);

  return g_test_run ();
}
