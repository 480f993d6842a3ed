/* vigil-csv-reader.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-csv"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-csv-reader.h"
#include "vigil-error.h"
#include "vigil-words-private.h"

/* Bytes asked of the stream per read; the input buffer's usual size. */
#define CHUNK_SIZE (256 * 1024)
/* The longest record accepted, in bytes of input not counting its line ending. */
#define MAX_ROW_SIZE (64 * 1024 * 1024)
#define ROW_INITIAL_SIZE 4096
#define N_FIELDS_INITIAL 64
/* Buffers grown past these for one unusual row are given back afterwards. */
#define ROW_SHRINK_SIZE (1024 * 1024)
#define N_FIELDS_SHRINK (64 * 1024)

struct _VigilCsvReader
{
  GObject       parent_instance;

  GInputStream *stream;

  /* Raw input: buf[pos, len) has been read but not consumed. A record is always parsed from
   * its first byte, so an incomplete one is moved to the front of buf before reading more,
   * and a long one makes buf grow until the whole record fits. */
  char         *buf;
  gsize         buf_size;
  gsize         pos;
  gsize         len;
  guint64       buf_offset;  /* stream offset of buf[0] */
  guint64       line;        /* line number at buf[pos] */
  gssize        open_quote;  /* index in buf of an incomplete record's open quote, or -1 */

  /* The current row: the text of each field, decoded and followed by a NUL, one after
   * another in row; starts[i] is where field i begins. Reused from row to row. */
  char         *row;
  gsize         row_len;
  gsize         row_size;
  guint32      *starts;
  guint         n_fields;
  guint         starts_size;
  guint64       row_line;
  guint64       offset;

  char          delimiter;   /* ',' unless told otherwise */

  guint         bom_checked : 1;
  guint         eof : 1;
};

typedef enum
{
  PARSE_ROW,
  PARSE_END,
  PARSE_NEED_MORE,
  PARSE_ERROR,
} ParseResult;

enum {
  PROP_0,
  PROP_STREAM,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VigilCsvReader, vigil_csv_reader, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* Finds the line and the 1-based column, in characters, of @where in a record that begins
 * at @record on line @record_line. Only used to describe errors. */
static void
locate (const char *record,
        guint64     record_line,
        const char *where,
        guint64    *line,
        guint64    *column)
{
  const char *line_start = record;
  guint64 n_chars = 0;

  g_assert (record <= where);

  *line = record_line;
  for (const char *s = record; s < where; s++)
    {
      if (*s == '\n')
        {
          *line += 1;
          line_start = s + 1;
        }
    }

  /* Each byte that does not continue a UTF-8 sequence starts a character. */
  for (const char *s = line_start; s < where; s++)
    {
      if (((guchar) *s & 0xC0) != 0x80)
        n_chars++;
    }

  *column = n_chars + 1;
}

static void
set_parse_error (GError     **error,
                 const char  *record,
                 guint64      record_line,
                 const char  *where,
                 const char  *message)
{
  guint64 line;
  guint64 column;

  locate (record, record_line, where, &line, &column);
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
               _("line %" PRIu64 ", column %" PRIu64 ": %s"),
               line, column, message);
}

static void
set_row_too_long_error (VigilCsvReader  *self,
                        GError         **error)
{
  guint64 line;
  guint64 column;

  if (self->open_quote < 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("line %" PRIu64 ": row longer than 64 MiB"), self->line);
      return;
    }

  /* Most likely a quote that is never closed has swallowed the rest of the file. */
  locate (self->buf + self->pos, self->line, self->buf + self->open_quote, &line, &column);
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
               _("line %" PRIu64 ": row longer than 64 MiB "
                 "(the quoted field opened at line %" PRIu64
                 ", column %" PRIu64 " may be unterminated)"),
               self->line, line, column);
}

static G_GNUC_NO_INLINE void
grow_row (VigilCsvReader *self,
          gsize           extra)
{
  gsize size = MAX (self->row_size * 2, self->row_len + extra);

  self->row = g_realloc (self->row, size);
  self->row_size = size;
}

static inline void
begin_field (VigilCsvReader *self)
{
  if (G_UNLIKELY (self->n_fields == self->starts_size))
    {
      self->starts_size *= 2;
      self->starts = g_renew (guint32, self->starts, self->starts_size);
    }

  self->starts[self->n_fields++] = (guint32) self->row_len;
}

/* Bytes above 0x7F have their high bit set in the result; so do zero bytes of a word with
 * no bytes above 0x7F. */
static inline guint64
flag_bytes64 (guint64 word)
{
  return word | ((word - G_GUINT64_CONSTANT (0x0101010101010101)) & ~word);
}

static inline guint32
flag_bytes32 (guint32 word)
{
  return word | ((word - 0x01010101) & ~word);
}

/* Whether @n bytes at @s are all ASCII other than NUL, which needs no closer look. Reads
 * whole words at a time: most fields are short and plain. */
static inline gboolean
is_plain_ascii (const char *s,
                gsize       n)
{
  if (n >= 8)
    {
      guint64 seen = 0;
      guint64 word;

      for (; n > 8; s += 8, n -= 8)
        {
          memcpy (&word, s, 8);
          seen |= flag_bytes64 (word);
        }

      /* The last eight bytes, which may overlap those already seen. */
      memcpy (&word, s + n - 8, 8);
      seen |= flag_bytes64 (word);

      return (seen & G_GUINT64_CONSTANT (0x8080808080808080)) == 0;
    }
  else if (n >= 4)
    {
      guint32 first;
      guint32 last;

      memcpy (&first, s, 4);
      memcpy (&last, s + n - 4, 4);

      return ((flag_bytes32 (first) | flag_bytes32 (last)) & 0x80808080) == 0;
    }
  else
    {
      guint seen = 0;

      /* For c - 1, zero wraps around to all ones. */
      for (; n > 0; s++, n--)
        seen |= (guchar) *s | ((guchar) *s - 1u);

      return (seen & 0x80) == 0;
    }
}

/* Copies a quoted field's text from *@from to *@to up to its next quote or @end, counting
 * its newlines into *@line; a doubled quote found in a word is copied as one quote and the
 * copy goes on (the caller takes any other). Eight bytes at a time while none is a quote:
 * most quoted text has no quote for a while (a JSON text's runs between its doubled quotes,
 * a sentence). */
static inline void
copy_quoted_text (const char **from,
                  const char  *end,
                  char       **to,
                  guint64     *line)
{
  const char *q = *from;
  char *out = *to;

  for (;;)
    {
      guint64 word;
      guint64 quotes;

      if (end - q < 8)
        {
          for (; q < end && *q != '"'; q++)
            {
              *line += *q == '\n';
              *out++ = *q;
            }
          break;
        }
      memcpy (&word, q, 8);
      quotes = vigil_word_bytes_equal (word, VIGIL_EVERY_BYTE ('"'));
      if (quotes != 0)
        {
          int at = vigil_word_first_flagged (quotes);

          /* The quote is among these eight: all of them copied (the caller made room for
           * the rest of the input), the text kept up to it. A quote doubled is one of the
           * text's, kept, and the copy goes on: short runs between doubled quotes are what
           * a JSON text in a cell is made of. */
          if (at >= 0 && !vigil_word_has_byte (word, VIGIL_EVERY_BYTE ('\n')))
            {
              memcpy (out, &word, 8);
              if (end - q > at + 1 && q[at + 1] == '"')
                {
                  out += at + 1;
                  q += at + 2;
                  continue;
                }
              out += at;
              q += at;
              break;
            }
          for (; *q != '"'; q++)
            {
              *line += *q == '\n';
              *out++ = *q;
            }
          break;
        }
      if (G_UNLIKELY (vigil_word_has_byte (word, VIGIL_EVERY_BYTE ('\n'))))
        for (int i = 0; i < 8; i++)
          *line += q[i] == '\n';
      memcpy (out, &word, 8);
      out += 8;
      q += 8;
    }
  *from = q;
  *to = out;
}

/* Copies an unquoted field's text from *@from to *@to up to the @delimiter, a newline or
 * @end, as copy_quoted_text() does. */
static inline void
copy_unquoted_text (const char **from,
                    const char  *end,
                    char       **to,
                    char         delimiter)
{
  const char *p = *from;
  char *out = *to;

  for (;;)
    {
      guint64 word;
      guint64 ends;

      if (end - p < 8)
        {
          for (; p < end && *p != delimiter && *p != '\n'; p++)
            *out++ = *p;
          break;
        }
      memcpy (&word, p, 8);
      ends = vigil_word_bytes_equal (word, VIGIL_EVERY_BYTE (delimiter)) |
             vigil_word_bytes_equal (word, VIGIL_EVERY_BYTE ('\n'));
      if (ends != 0)
        {
          int at = vigil_word_first_flagged (ends);

          /* As copy_quoted_text() does: the first of either ends the text. */
          if (at >= 0)
            {
              memcpy (out, &word, 8);
              out += at;
              p += at;
              break;
            }
          for (; *p != delimiter && *p != '\n'; p++)
            *out++ = *p;
          break;
        }
      memcpy (out, &word, 8);
      out += 8;
      p += 8;
    }
  *from = p;
  *to = out;
}

/* Ends the field being appended: checks that it is UTF-8 and adds its NUL. @raw is its
 * text as written in the input (between the quotes if @quoted), @raw_len bytes long.
 * Inlined where it is called, which the compiler would not do by itself: it ends every
 * cell of every row, and the call took a third of its instructions. */
G_ALWAYS_INLINE static inline gboolean
end_field (VigilCsvReader  *self,
           const char      *raw,
           gsize            raw_len,
           gboolean         quoted,
           const char      *record,
           GError         **error)
{
  const char *text = self->row + self->starts[self->n_fields - 1];
  gsize n = self->row_len - self->starts[self->n_fields - 1];
  const char *bad;

  /* Look at the input rather than at the copy just written, which the processor may not
   * yet be able to read back at full speed; doubled quotes do not change the answer. */
  if (G_UNLIKELY (!is_plain_ascii (raw, raw_len) && !g_utf8_validate (text, n, &bad)))
    {
      const char *where = raw;
      gsize n_before = bad - text;

      /* Map the offset in the decoded text back to the input, where each quote inside a
       * quoted field is written twice. */
      if (quoted)
        {
          for (gsize i = 0; i < n_before; i++)
            where += *where == '"' ? 2 : 1;
        }
      else
        {
          where += n_before;
        }

      set_parse_error (error, record, self->line, where,
                       *bad == '\0' ? _("text contains a NUL byte") : _("text is not valid UTF-8"));
      return FALSE;
    }

  if (G_UNLIKELY (self->row_len == self->row_size))
    grow_row (self, 1);

  self->row[self->row_len++] = '\0';

  return TRUE;
}

/* Parses the record at buf[pos] into the row. Returns PARSE_NEED_MORE, having consumed at
 * most the empty lines before it, when the buffer ends before the record does. */
static ParseResult
parse_record (VigilCsvReader  *self,
              GError         **error)
{
  const char *buf = self->buf;
  const char *end = buf + self->len;
  const char *p = buf + self->pos;
  const char *record;
  const char *content_end = NULL;
  gboolean eof = self->eof;
  guint64 line;

  self->open_quote = -1;

  /* Empty lines between records are skipped. */
  while (p < end)
    {
      if (*p == '\n')
        p += 1;
      else if (*p == '\r' && end - p >= 2 && p[1] == '\n')
        p += 2;
      else
        break;

      self->line++;
    }

  self->pos = p - buf;

  if (p == end)
    return eof ? PARSE_END : PARSE_NEED_MORE;

  /* A CR alone at the end of the buffer may yet turn out to be an empty line. */
  if (*p == '\r' && p + 1 == end && !eof)
    return PARSE_NEED_MORE;

  record = p;
  line = self->line;
  self->row_len = 0;
  self->n_fields = 0;

  for (;;)
    {
      begin_field (self);

      if (p < end && *p == '"')
        {
          const char *open = p;
          const char *q = p + 1;
          char *out;

          /* The field's text is at most the rest of the buffer: room for it once, and the
           * text copied in place (copy_quoted_text()). A quoted field is often short runs
           * between doubled quotes (JSON, say), for which a call to find each quote and
           * another to copy each run cost more than the bytes. */
          if (G_UNLIKELY (self->row_size - self->row_len < (gsize) (end - q)))
            grow_row (self, end - q);
          out = self->row + self->row_len;

          for (;;)
            {
              copy_quoted_text (&q, end, &out, &line);

              if (q == end && eof)
                {
                  set_parse_error (error, record, self->line, open, _("unterminated quoted field"));
                  return PARSE_ERROR;
                }

              /* Without the next byte, a quote could be closing or the first of two. */
              if ((q == end || q + 1 == end) && !eof)
                {
                  self->open_quote = open - buf;
                  return PARSE_NEED_MORE;
                }

              if (q + 1 < end && q[1] == '"')
                {
                  *out++ = '"';
                  q += 2;
                  continue;
                }

              p = q + 1;
              break;
            }
          self->row_len = out - self->row;

          if (!end_field (self, open + 1, p - open - 2, TRUE, record, error))
            return PARSE_ERROR;

          /* The record ended at end of input. */
          if (p == end)
            {
              content_end = p;
              break;
            }

          if (*p == self->delimiter)
            {
              p++;
              continue;
            }

          if (*p == '\n')
            {
              content_end = p;
              p += 1;
              line++;
              break;
            }

          if (*p == '\r')
            {
              if (p + 1 == end && !eof)
                return PARSE_NEED_MORE;

              if (p + 1 < end && p[1] == '\n')
                {
                  content_end = p;
                  p += 2;
                  line++;
                  break;
                }
            }

          set_parse_error (error, record, self->line, p,
                           _("unexpected character after closing quote"));
          return PARSE_ERROR;
        }
      else
        {
          const char *start = p;
          const char *stop;
          char *out;

          /* Copied in place up to the delimiter or the line's end, as a quoted field is:
           * most fields are a few bytes, which a call to find their end and another to
           * copy them cost more than. */
          if (G_UNLIKELY (self->row_size - self->row_len < (gsize) (end - p)))
            grow_row (self, end - p);
          out = self->row + self->row_len;
          copy_unquoted_text (&p, end, &out, self->delimiter);

          if (p < end && *p == self->delimiter)
            {
              self->row_len = out - self->row;
              if (!end_field (self, start, p - start, FALSE, record, error))
                return PARSE_ERROR;
              p++;
              continue;
            }

          if (p == end && !eof)
            return PARSE_NEED_MORE;

          /* A CR right before the LF is part of the line ending, not of the field. */
          stop = p;
          if (p < end && stop > start && stop[-1] == '\r')
            {
              stop--;
              out--;
            }
          self->row_len = out - self->row;
          if (!end_field (self, start, stop - start, FALSE, record, error))
            return PARSE_ERROR;

          content_end = stop;
          if (p < end)
            {
              p++;
              line++;
            }
          break;
        }
    }

  if (G_UNLIKELY ((gsize) (content_end - record) > MAX_ROW_SIZE))
    {
      set_row_too_long_error (self, error);
      return PARSE_ERROR;
    }

  self->row_line = self->line;
  self->line = line;
  self->pos = p - buf;
  self->offset = self->buf_offset + self->pos;

  return PARSE_ROW;
}

/* Moves the unconsumed input to the front of the buffer and reads more after it. */
static gboolean
refill (VigilCsvReader  *self,
        GCancellable    *cancellable,
        GError         **error)
{
  gsize keep = self->len - self->pos;
  gsize target;
  gsize want;
  gsize got = 0;

  g_assert (!self->eof);
  g_assert (keep <= MAX_ROW_SIZE + 1);

  if (self->pos > 0)
    {
      memmove (self->buf, self->buf + self->pos, keep);
      self->buf_offset += self->pos;
      self->pos = 0;
      self->len = keep;
    }

  /* Read at least as much again as is kept (short of the row limit), so that parsing a
   * long record from its start after every read costs time in proportion to its length. */
  target = MIN (keep, MAX_ROW_SIZE + 2 - keep);
  want = MAX (CHUNK_SIZE / 2, target);

  if (self->buf_size - keep < want)
    {
      self->buf_size = keep + want;
      self->buf = g_realloc (self->buf, self->buf_size);
    }
  else if (self->buf_size > CHUNK_SIZE && keep <= CHUNK_SIZE / 2)
    {
      self->buf_size = CHUNK_SIZE;
      self->buf = g_realloc (self->buf, self->buf_size);
    }

  do
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      n = g_input_stream_read (self->stream,
                               self->buf + self->len,
                               self->buf_size - self->len,
                               cancellable,
                               error);
      if (n < 0)
        return FALSE;

      if (n == 0)
        {
          self->eof = TRUE;
          break;
        }

      self->len += n;
      got += n;
    }
  while (got < target && self->len < self->buf_size);

  return TRUE;
}

static void
shrink_row (VigilCsvReader *self)
{
  if (G_UNLIKELY (self->row_size > ROW_SHRINK_SIZE && self->row_len < self->row_size / 8))
    {
      self->row_size = MAX (ROW_INITIAL_SIZE, self->row_len * 2);
      g_free (self->row);
      self->row = g_malloc (self->row_size);
    }

  if (G_UNLIKELY (self->starts_size > N_FIELDS_SHRINK && self->n_fields < self->starts_size / 8))
    {
      self->starts_size = MAX (N_FIELDS_INITIAL, self->n_fields * 2);
      g_free (self->starts);
      self->starts = g_new (guint32, self->starts_size);
    }

  self->row_len = 0;
  self->n_fields = 0;
}

static void
vigil_csv_reader_dispose (GObject *object)
{
  VigilCsvReader *self = (VigilCsvReader *)object;

  g_clear_object (&self->stream);

  G_OBJECT_CLASS (vigil_csv_reader_parent_class)->dispose (object);
}

static void
vigil_csv_reader_finalize (GObject *object)
{
  VigilCsvReader *self = (VigilCsvReader *)object;

  g_clear_pointer (&self->buf, g_free);
  g_clear_pointer (&self->row, g_free);
  g_clear_pointer (&self->starts, g_free);

  G_OBJECT_CLASS (vigil_csv_reader_parent_class)->finalize (object);
}

static void
vigil_csv_reader_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VigilCsvReader *self = VIGIL_CSV_READER (object);

  switch (prop_id)
    {
    case PROP_STREAM:
      g_value_set_object (value, self->stream);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_csv_reader_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VigilCsvReader *self = VIGIL_CSV_READER (object);

  switch (prop_id)
    {
    case PROP_STREAM:
      g_set_object (&self->stream, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_csv_reader_class_init (VigilCsvReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_csv_reader_dispose;
  object_class->finalize = vigil_csv_reader_finalize;
  object_class->get_property = vigil_csv_reader_get_property;
  object_class->set_property = vigil_csv_reader_set_property;

  /**
   * VigilCsvReader:stream:
   *
   * The stream the CSV text is read from.
   */
  properties[PROP_STREAM] =
    g_param_spec_object ("stream", NULL, NULL,
                         G_TYPE_INPUT_STREAM,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS |
                          G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vigil_csv_reader_init (VigilCsvReader *self)
{
  self->buf_size = CHUNK_SIZE;
  self->buf = g_malloc (self->buf_size);
  self->row_size = ROW_INITIAL_SIZE;
  self->row = g_malloc (self->row_size);
  self->starts_size = N_FIELDS_INITIAL;
  self->starts = g_new (guint32, self->starts_size);
  self->line = 1;
  self->open_quote = -1;
  self->delimiter = ',';
}

/**
 * vigil_csv_reader_new:
 * @stream: the stream to read CSV text from
 *
 * Creates a reader for RFC 4180 CSV text in UTF-8: fields separated by commas (or the
 * delimiter vigil_csv_reader_set_delimiter() sets), optionally
 * quoted with '"' (a quote inside written twice), records ending with LF or CRLF. A UTF-8
 * byte order mark at the start and empty lines are skipped.
 *
 * The stream is read in chunks as rows are asked for; only the current row is kept.
 *
 * Returns: (transfer full): a new #VigilCsvReader
 */
VigilCsvReader *
vigil_csv_reader_new (GInputStream *stream)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  return g_object_new (VIGIL_TYPE_CSV_READER,
                       "stream", stream,
                       NULL);
}

/**
 * vigil_csv_reader_set_delimiter:
 * @delimiter: what separates fields: ',' (RFC 4180's), ';' or a tab
 *
 * Sets the delimiter, before the first row is read. Spreadsheets where
 * the decimal mark is a comma write ';' (design 2.5).
 */
void
vigil_csv_reader_set_delimiter (VigilCsvReader *self,
                                char            delimiter)
{
  g_return_if_fail (VIGIL_IS_CSV_READER (self));
  g_return_if_fail (delimiter == ',' || delimiter == ';' || delimiter == '\t');

  self->delimiter = delimiter;
}

/**
 * vigil_csv_detect_delimiter:
 * @head: (array length=length): the first bytes of a CSV file
 *
 * Tells the delimiter from the header line: the one of ',', ';' and
 * tab found most often outside quotes in it (a quoted name may hold any
 * of them, or a newline), ',' when none is found or on a tie with it.
 *
 * Returns: ',', ';' or '\t'
 */
char
vigil_csv_detect_delimiter (const char *head,
                            gsize       length)
{
  static const char candidates[] = { ',', ';', '\t' };
  guint counts[G_N_ELEMENTS (candidates)] = { 0, };
  gboolean quoted = FALSE;
  char best = ',';
  guint best_count = 0;

  g_return_val_if_fail (head != NULL || length == 0, ',');

  for (gsize i = 0; i < length; i++)
    {
      char c = head[i];

      if (c == '"')
        quoted = !quoted;
      else if (!quoted && (c == '\n' || c == '\r'))
        break;
      else if (!quoted)
        for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
          if (c == candidates[k])
            counts[k]++;
    }
  for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
    if (counts[k] > best_count)
      {
        best = candidates[k];
        best_count = counts[k];
      }
  return best;
}

/**
 * vigil_csv_reader_next_row:
 * @self: a #VigilCsvReader
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the next record, whose fields are then available through
 * vigil_csv_reader_get_field().
 *
 * Text that is not CSV or not UTF-8, or a record longer than 64 MiB, is a
 * %VIGIL_ERROR_PARSE error naming the line and column; an error reading the stream is
 * passed on as it is.
 *
 * Returns: %TRUE with a row; %FALSE at the end of the input (@error unset) or on error
 *   (@error set)
 */
gboolean
vigil_csv_reader_next_row (VigilCsvReader  *self,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_return_val_if_fail (VIGIL_IS_CSV_READER (self), FALSE);
  g_return_val_if_fail (self->stream != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  shrink_row (self);

  if (!self->bom_checked)
    {
      while (self->len - self->pos < 3 && !self->eof)
        {
          if (!refill (self, cancellable, error))
            return FALSE;
        }

      if (self->len - self->pos >= 3 && memcmp (self->buf + self->pos, "\xEF\xBB\xBF", 3) == 0)
        self->pos += 3;

      self->bom_checked = TRUE;
    }

  for (;;)
    {
      switch (parse_record (self, error))
        {
        case PARSE_ROW:
          return TRUE;

        case PARSE_END:
          self->offset = self->buf_offset + self->len;
          return FALSE;

        case PARSE_ERROR:
          self->n_fields = 0;
          return FALSE;

        case PARSE_NEED_MORE:
          if (self->len - self->pos > MAX_ROW_SIZE + 1)
            {
              set_row_too_long_error (self, error);
              self->n_fields = 0;
              return FALSE;
            }

          if (!refill (self, cancellable, error))
            {
              self->n_fields = 0;
              return FALSE;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

/**
 * vigil_csv_reader_get_n_fields:
 * @self: a #VigilCsvReader
 *
 * Returns: the number of fields in the current row, 0 if there is none
 */
guint
vigil_csv_reader_get_n_fields (VigilCsvReader *self)
{
  g_return_val_if_fail (VIGIL_IS_CSV_READER (self), 0);

  return self->n_fields;
}

/**
 * vigil_csv_reader_get_field:
 * @self: a #VigilCsvReader
 * @index: the index of a field of the current row
 * @len: (out) (optional): where to store the length of the text in bytes
 *
 * Returns: (transfer none): the field's text, NUL-terminated and valid UTF-8, valid until
 *   the next call to vigil_csv_reader_next_row()
 */
const char *
vigil_csv_reader_get_field (VigilCsvReader *self,
                            guint           index,
                            gsize          *len)
{
  gsize start;
  gsize next;

  g_return_val_if_fail (VIGIL_IS_CSV_READER (self), NULL);
  g_return_val_if_fail (index < self->n_fields, NULL);

  start = self->starts[index];
  next = index + 1 < self->n_fields ? self->starts[index + 1] : self->row_len;

  if (len != NULL)
    *len = next - start - 1;

  return self->row + start;
}

/**
 * vigil_csv_reader_get_row:
 * @self: a #VigilCsvReader
 * @len: (out): where to store the length of the row in bytes, its fields' NULs included
 *
 * The current row as one block, for a caller that keeps it whole (the import hands rows to
 * another thread in chunks): its fields in order, each followed by a NUL, as
 * vigil_csv_reader_get_field() gives them one by one.
 *
 * Returns: (transfer none): the row's fields, valid until the next call to
 *   vigil_csv_reader_next_row()
 */
const char *
vigil_csv_reader_get_row (VigilCsvReader *self,
                          gsize          *len)
{
  g_return_val_if_fail (VIGIL_IS_CSV_READER (self), NULL);
  g_return_val_if_fail (len != NULL, NULL);

  *len = self->row_len;
  return self->row;
}

/**
 * vigil_csv_reader_get_line:
 * @self: a #VigilCsvReader
 *
 * Returns: the 1-based line number where the current row begins, which may be more than
 *   one past the previous row's when quoted fields contain newlines; 0 before the first row
 */
guint64
vigil_csv_reader_get_line (VigilCsvReader *self)
{
  g_return_val_if_fail (VIGIL_IS_CSV_READER (self), 0);

  return self->row_line;
}

/**
 * vigil_csv_reader_get_offset:
 * @self: a #VigilCsvReader
 *
 * Returns: the number of bytes of the stream consumed so far: up to the end of the current
 *   row's line ending, or of the whole input once vigil_csv_reader_next_row() has returned
 *   %FALSE at its end
 */
guint64
vigil_csv_reader_get_offset (VigilCsvReader *self)
{
  g_return_val_if_fail (VIGIL_IS_CSV_READER (self), 0);

  return self->offset;
}
