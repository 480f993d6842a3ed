/* vigil-importer.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-importer"

#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "vigil-csv-reader.h"
#include "vigil-error.h"
#include "vigil-json-private.h"
#include "vigil-importer.h"
#include "vigil-ingest-private.h"
#include "vigil-mapping-private.h"
#include "vigil-preview-private.h"
#include "vigil-snapshot-private.h"

/* How much of a file is looked at to tell its format. */
#define HEAD_SIZE 65536
/* Header names an error lists before it says how many there are. */
#define MAX_LISTED_COLUMNS 40
#define CHUNK_SIZE (256 * 1024)
/* One JSON line may hold a record with a long feature list, not more. */
#define MAX_LINE_LENGTH (64 * 1024 * 1024)
#define CANCEL_CHECK_EVERY 4096

struct _VigilImporter
{
  GObject            parent_instance;

  VigilStore        *store;
  char              *source_name;
  VigilImportFormat  format;
  VigilMapping      *mapping;   /* NULL: the native format */
};

G_DEFINE_FINAL_TYPE (VigilImporter, vigil_importer, G_TYPE_OBJECT)

typedef struct
{
  GInputStream *stream;
  char         *buffer;
  gsize         length;
  gsize         position;
  gsize         capacity;
  guint64       line;
  gboolean      eof;
} LineReader;

static void
line_reader_init (LineReader   *reader,
                  GInputStream *stream)
{
  memset (reader, 0, sizeof *reader);
  reader->stream = stream;
  reader->capacity = CHUNK_SIZE;
  reader->buffer = g_malloc (reader->capacity + 1);
}

static void
line_reader_clear (LineReader *reader)
{
  g_clear_pointer (&reader->buffer, g_free);
}

/* Returns the next line (NUL-terminated, without its end of line), or
 * NULL at the end of input or on error. */
static char *
line_reader_next (LineReader    *reader,
                  gsize         *out_length,
                  GCancellable  *cancellable,
                  GError       **error)
{
  for (;;)
    {
      char *start = reader->buffer + reader->position;
      gsize available = reader->length - reader->position;
      char *newline = memchr (start, '\n', available);
      gssize n_read;

      if (newline != NULL || (reader->eof && available > 0))
        {
          gsize length = newline != NULL ? (gsize) (newline - start) : available;

          reader->position += newline != NULL ? length + 1 : length;
          reader->line++;
          if (length > 0 && start[length - 1] == '\r')
            length--;
          start[length] = '\0';
          *out_length = length;
          return start;
        }

      if (reader->eof)
        return NULL;

      /* Keep the partial line, then read more behind it. */
      memmove (reader->buffer, start, available);
      reader->length = available;
      reader->position = 0;
      if (reader->capacity - reader->length < CHUNK_SIZE / 2)
        {
          if (reader->capacity >= MAX_LINE_LENGTH)
            {
              g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                           _("line %" PRIu64 ": longer than %d MiB"),
                           reader->line + 1, MAX_LINE_LENGTH / (1024 * 1024));
              return NULL;
            }
          reader->capacity *= 2;
          reader->buffer = g_realloc (reader->buffer, reader->capacity + 1);
        }

      n_read = g_input_stream_read (reader->stream, reader->buffer + reader->length,
                                    reader->capacity - reader->length, cancellable, error);
      if (n_read < 0)
        return NULL;
      if (n_read == 0)
        reader->eof = TRUE;
      reader->length += (gsize) n_read;
    }
}

static const char *
skip_bom_and_space (const char *text,
                    const char *end)
{
  if (end - text >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    text += 3;
  while (text < end && g_ascii_isspace (*text))
    text++;
  return text;
}

static gboolean
holds_array_member (JsonObject *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    if (JSON_NODE_HOLDS_ARRAY (node))
      return TRUE;
  return FALSE;
}

/**
 * vigil_importer_detect_format:
 * @head: the first bytes of a file
 * @filename: (nullable): its name, used only when the content is silent
 *
 * Tells the format by content: a JSON array or an object with
 * `customers` is a JSON document, lines of JSON objects are JSON Lines,
 * anything else is CSV.
 */
VigilImportFormat
vigil_importer_detect_format (const char *head,
                              gsize       length,
                              const char *filename)
{
  const char *end = head + length;
  const char *p = skip_bom_and_space (head, end);
  const char *line_end;
  g_autoptr(JsonNode) root = NULL;

  if (p == end)
    {
      if (filename != NULL && (g_str_has_suffix (filename, ".jsonl") ||
                               g_str_has_suffix (filename, ".ndjson")))
        return VIGIL_IMPORT_FORMAT_JSON_LINES;
      if (filename != NULL && g_str_has_suffix (filename, ".json"))
        return VIGIL_IMPORT_FORMAT_JSON;
      return VIGIL_IMPORT_FORMAT_CSV;
    }

  if (*p == '[')
    return VIGIL_IMPORT_FORMAT_JSON;
  if (*p != '{')
    return VIGIL_IMPORT_FORMAT_CSV;

  /* A first line that is a whole object is a JSON line, unless it is
   * a one-line native document. */
  line_end = memchr (p, '\n', (gsize) (end - p));
  if (line_end == NULL)
    line_end = end;

  root = _vigil_json_parse (p, line_end - p, VIGIL_JSON_DATA, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *customers = json_object_get_member (object, "customers");

      if (customers != NULL && JSON_NODE_HOLDS_ARRAY (customers))
        return VIGIL_IMPORT_FORMAT_JSON;
      /* A record has an id; an envelope like {"data": [...]} is a
       * document in another shape. */
      if (!json_object_has_member (object, "id") && holds_array_member (object))
        return VIGIL_IMPORT_FORMAT_JSON;
      return VIGIL_IMPORT_FORMAT_JSON_LINES;
    }

  /* A first line longer than the head cannot be read whole: the name
   * decides, and a document is the guess without one. */
  if (memchr (p, '\n', (gsize) (end - p)) == NULL && filename != NULL &&
      (g_str_has_suffix (filename, ".jsonl") || g_str_has_suffix (filename, ".ndjson")))
    return VIGIL_IMPORT_FORMAT_JSON_LINES;
  return VIGIL_IMPORT_FORMAT_JSON;
}

const char *
vigil_import_format_get_name (VigilImportFormat format)
{
  switch (format)
    {
    case VIGIL_IMPORT_FORMAT_JSON: return "JSON";
    case VIGIL_IMPORT_FORMAT_JSON_LINES: return "JSON Lines";
    case VIGIL_IMPORT_FORMAT_CSV: return "CSV";
    case VIGIL_IMPORT_FORMAT_AUTO:
    default: return "auto";
    }
}

static gboolean
check_cancelled (const VigilIngestStats  *stats,
                 GCancellable            *cancellable,
                 GError                 **error)
{
  if (stats->records_read % CANCEL_CHECK_EVERY != 0)
    return FALSE;
  return g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Fills @snapshot from one JSON record, native or through the mapping. */
static void
fill_from_record (VigilImporter *self,
                  JsonNode      *record,
                  VigilSnapshot *snapshot)
{
  vigil_snapshot_clear (snapshot);
  if (self->mapping != NULL)
    vigil_mapping_apply (self->mapping, record, snapshot);
  else if (JSON_NODE_HOLDS_OBJECT (record))
    vigil_snapshot_set_json_object (snapshot, json_node_get_object (record));
}

typedef struct
{
  VigilIngest  *ingest;
  GCancellable *cancellable;
} DocumentImport;

static gboolean
add_document_record (VigilSnapshot  *snapshot,
                     gpointer        user_data,
                     GError        **error)
{
  DocumentImport *import = user_data;

  return vigil_ingest_add (import->ingest, snapshot, error) &&
         !check_cancelled (vigil_ingest_get_stats (import->ingest), import->cancellable, error);
}

/* A JSON document is read as polls read answers (design 2.3): once,
 * front to back, every byte checked, each record stored as it is read,
 * never built in memory whole. One reader, so one rule for a member
 * given twice on the records' path: refused. */
static gboolean
import_json_document (VigilImporter  *self,
                      GFile          *file,
                      VigilIngest    *ingest,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(VigilMapping) native = NULL;
  DocumentImport import = { ingest, cancellable };
  const char *data;
  gsize length;
  const char *first;

  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Only local files can be imported"));
      return FALSE;
    }
  if (!(mapped = g_mapped_file_new (path, FALSE, error)))
    return FALSE;
  /* Mapped, not read: no NUL follows the last byte (the reader never
   * looks past @length). */
  data = g_mapped_file_get_contents (mapped);
  length = g_mapped_file_get_length (mapped);
  first = skip_bom_and_space (data != NULL ? data : "", (data != NULL ? data : "") + length);

  if (self->mapping == NULL && (length == 0 || (*first != '[' && *first != '{')))
    {
      /* Not JSON at all is said first, with its line and column. */
      if (!_vigil_json_validate (data, (gssize) length, VIGIL_JSON_DATA, error))
        return FALSE;
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                           _("a JSON document must be an array of records or an object "
                             "with a “customers” array (other shapes need a mapping)"));
      return FALSE;
    }
  if (self->mapping == NULL)
    native = *first == '[' ? vigil_mapping_new_native_array () : vigil_mapping_new_native ();

  return vigil_mapping_read_records (self->mapping != NULL ? self->mapping : native, data, length,
                                     add_document_record, &import, NULL, error);
}

/* One line of JSON Lines as a tree, for a mapping: the error names the
 * file's line and the column. */
static JsonNode *
parse_json_line (const char  *line,
                 gsize        length,
                 guint64      line_number,
                 GError     **error)
{
  VigilJsonCursor cursor;

  _vigil_json_cursor_init (&cursor, line, length, VIGIL_JSON_DATA, error);
  cursor.line = line_number;
  return _vigil_json_cursor_parse (&cursor);
}

/* A native import of JSON Lines or CSV parses in two threads (design
 * 7): the caller's reads the records' text in chunks (a line of JSON
 * Lines, a row of CSV each), hands every other chunk, the larger, to a
 * helper thread and parses the chunks between them itself, then gives the records to
 * the ingest in file order, the helper's first. The helper reads feature
 * names into a table of its own; the caller moves its records' names
 * over to the ingest's before they are added, so that ids are given in
 * the order names are first used, as with one thread. Errors wait in
 * their chunk until its turn comes: the first line at fault in the file
 * is the one named. */

/* Records (lines, rows) the caller's chunk holds at most, and the
 * helper's: the caller also reads every record's text and adds every
 * record, so the helper parses more, enough for the two to take about
 * the same time. A JSON line costs much more to parse than to find,
 * and the helper parses three of every five; splitting a CSV row into
 * its cells costs the caller more, and the helper parses four of every
 * five (design 7 has the figures). A chunk takes no more records once
 * its text passes this many bytes a record it may hold. Three chunks
 * are in hand at once, a few MB with their records. */
#define CHUNK_BYTES_PER_LINE 512

typedef struct
{
  gsize   at;       /* in the chunk's text */
  gsize   length;
  guint64 number;   /* in the file */
} ChunkLine;

typedef struct _LineChunk LineChunk;
typedef struct _ChunkInput ChunkInput;

/* Where a two-thread import's records come from, and how one is read. */
struct _ChunkInput
{
  guint caller_lines;   /* records a chunk of the caller's holds at most */
  guint helper_lines;   /* and of the helper's */
  /* The caller's: reads the next records' text into @chunk (its lines
   * emptied first). FALSE at the end of the input, or at an error,
   * kept in the chunk to be told after its lines. */
  gboolean (*fill)  (ChunkInput   *input,
                     LineChunk    *chunk,
                     GCancellable *cancellable);
  /* Either thread's: one record's text into @snapshot (cleared). */
  gboolean (*parse) (const ChunkInput  *input,
                     VigilSnapshot     *snapshot,
                     const char        *text,
                     gsize              length,
                     VigilFeatureNames *feature_names,
                     GError           **error);
};

struct _LineChunk
{
  const ChunkInput *input;
  GString       *text;         /* the records' text, each NUL-terminated */
  GArray        *lines;        /* of ChunkLine: a record each */
  guint          max_lines;
  gsize          max_bytes;
  VigilSnapshot *snapshots;    /* one a line */
  guint          n_parsed;     /* lines parsed into snapshots, from the first */
  GError        *parse_error;  /* why line n_parsed could not be */
  GError        *read_error;   /* why reading stopped after the last line */
};

static LineChunk *
line_chunk_new (const ChunkInput *input,
                guint             max_lines)
{
  LineChunk *chunk = g_new0 (LineChunk, 1);

  chunk->input = input;
  chunk->max_lines = max_lines;
  chunk->max_bytes = (gsize) max_lines * CHUNK_BYTES_PER_LINE;
  chunk->text = g_string_sized_new (chunk->max_bytes + 4096);
  chunk->lines = g_array_sized_new (FALSE, FALSE, sizeof (ChunkLine), chunk->max_lines);
  chunk->snapshots = g_new0 (VigilSnapshot, chunk->max_lines);
  return chunk;
}

static void
line_chunk_free (LineChunk *chunk)
{
  for (guint i = 0; i < chunk->max_lines; i++)
    vigil_snapshot_clear (&chunk->snapshots[i]);
  g_free (chunk->snapshots);
  g_array_unref (chunk->lines);
  g_string_free (chunk->text, TRUE);
  g_clear_error (&chunk->parse_error);
  g_clear_error (&chunk->read_error);
  g_free (chunk);
}

static void
line_chunk_empty (LineChunk *chunk)
{
  g_string_truncate (chunk->text, 0);
  g_array_set_size (chunk->lines, 0);
  chunk->n_parsed = 0;
}

/* Whether @chunk has room for another record. */
static gboolean
line_chunk_has_room (LineChunk *chunk)
{
  return chunk->lines->len < chunk->max_lines && chunk->text->len < chunk->max_bytes;
}

/* Keeps a record's text, @length bytes and the NUL after them, which
 * began at line @number of the file. */
static void
line_chunk_keep (LineChunk  *chunk,
                 const char *text,
                 gsize       length,
                 guint64     number)
{
  ChunkLine kept = { chunk->text->len, length, number };

  g_string_append_len (chunk->text, text, (gssize) length);
  g_string_append_c (chunk->text, '\0');
  g_array_append_val (chunk->lines, kept);
}

typedef struct
{
  ChunkInput input;
  LineReader reader;
} JsonLinesInput;

/* Reads the next lines that are not blank into @chunk. */
static gboolean
json_lines_fill (ChunkInput   *input,
                 LineChunk    *chunk,
                 GCancellable *cancellable)
{
  LineReader *reader = &((JsonLinesInput *) input)->reader;
  char *line;
  gsize length;

  line_chunk_empty (chunk);
  while (line_chunk_has_room (chunk))
    {
      if (!(line = line_reader_next (reader, &length, cancellable, &chunk->read_error)))
        return FALSE;
      if (reader->line == 1 && length >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0)
        {
          line += 3;
          length -= 3;
        }
      if (skip_bom_and_space (line, line + length) == line + length)
        continue;
      line_chunk_keep (chunk, line, length, reader->line);
    }
  return TRUE;
}

static gboolean
json_lines_parse (const ChunkInput   *input,
                  VigilSnapshot      *snapshot,
                  const char         *text,
                  gsize               length,
                  VigilFeatureNames  *feature_names,
                  GError            **error)
{
  return _vigil_snapshot_parse_json_line (snapshot, text, length, feature_names, error);
}

static gboolean
line_chunk_has_work (LineChunk *chunk)
{
  return chunk->lines->len > 0 || chunk->read_error != NULL;
}

/* Either thread's: parses the chunk's lines, up to the first at fault. */
static void
line_chunk_parse (LineChunk         *chunk,
                  VigilFeatureNames *feature_names)
{
  for (; chunk->n_parsed < chunk->lines->len; chunk->n_parsed++)
    {
      const ChunkLine *line = &g_array_index (chunk->lines, ChunkLine, chunk->n_parsed);
      VigilSnapshot *snapshot = &chunk->snapshots[chunk->n_parsed];
      g_autoptr(GError) local_error = NULL;

      _vigil_snapshot_reset (snapshot);
      if (!chunk->input->parse (chunk->input, snapshot, chunk->text->str + line->at, line->length,
                                feature_names, &local_error))
        {
          g_set_error (&chunk->parse_error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                       _("line %" PRIu64 ", %s"), line->number, local_error->message);
          return;
        }
    }
}

typedef struct
{
  GThread     *thread;
  GAsyncQueue *to_parse;
  GAsyncQueue *parsed;
  VigilFeatureNames *feature_names;  /* the helper's, as the records it parsed name them */
} ParseHelper;

/* Pushed for the helper to end. */
static LineChunk stop_parsing;

static gpointer
parse_helper_thread (gpointer data)
{
  ParseHelper *helper = data;
  LineChunk *chunk;

  while ((chunk = g_async_queue_pop (helper->to_parse)) != &stop_parsing)
    {
      line_chunk_parse (chunk, helper->feature_names);
      g_async_queue_push (helper->parsed, chunk);
    }
  {
    struct timespec cpu = { 0, };

    /* For the debug log (profiling on a machine shared with other work). */
    clock_gettime (CLOCK_THREAD_CPUTIME_ID, &cpu);
    g_debug ("The helper parsed its chunks in %.2f s of CPU", cpu.tv_sec + cpu.tv_nsec / 1e9);
  }
  return NULL;
}

static void
parse_helper_start (ParseHelper *helper)
{
  helper->to_parse = g_async_queue_new ();
  helper->parsed = g_async_queue_new ();
  helper->feature_names = _vigil_feature_names_new ();
  helper->thread = g_thread_new ("vigil-parse", parse_helper_thread, helper);
}

static void
parse_helper_stop (ParseHelper *helper)
{
  g_async_queue_push (helper->to_parse, &stop_parsing);
  g_thread_join (helper->thread);
  g_async_queue_unref (helper->to_parse);
  g_async_queue_unref (helper->parsed);
  _vigil_feature_names_free (helper->feature_names);
}

/* The caller's: @snapshot's feature names, read by the helper, become
 * the ingest's entries for the same names (vigil-snapshot-private.h),
 * each found once and kept in the helper's entry. */
static void
share_feature_names (VigilSnapshot     *snapshot,
                     VigilFeatureNames *ingest_names)
{
  if (snapshot->features == NULL || !snapshot->features_shared)
    return;

  for (guint i = 0; i < snapshot->features->len; i++)
    {
      VigilFeatureUsage *usage = &g_array_index (snapshot->features, VigilFeatureUsage, i);
      VigilFeatureName *own = VIGIL_FEATURE_NAME_OF (usage->name);

      if (own->shared == NULL)
        {
          own->shared = _vigil_feature_names_lookup (ingest_names, own->name, own->length, own->hash);
          if (own->shared == NULL)
            own->shared = _vigil_feature_names_add (ingest_names, own->name, own->length, 0);
        }
      usage->name = own->shared->name;
    }
}

/* The caller's: the chunk's records to the ingest, in order, then the
 * error that ended it, if one did. @helper: the one that parsed it, or
 * %NULL for the caller. */
static gboolean
add_chunk (LineChunk     *chunk,
           ParseHelper   *helper,
           VigilIngest   *ingest,
           GCancellable  *cancellable,
           GError       **error)
{
  VigilFeatureNames *ingest_names = _vigil_ingest_get_feature_names (ingest);

  for (guint i = 0; i < chunk->n_parsed; i++)
    {
      if (helper != NULL)
        share_feature_names (&chunk->snapshots[i], ingest_names);
      /* Cleared when the chunk is parsed again, by the thread whose
       * memory the record holds. */
      if (!_vigil_ingest_add_kept (ingest, &chunk->snapshots[i], error) ||
          check_cancelled (vigil_ingest_get_stats (ingest), cancellable, error))
        return FALSE;
    }
  if (chunk->parse_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&chunk->parse_error));
      return FALSE;
    }
  if (chunk->read_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&chunk->read_error));
      return FALSE;
    }
  return TRUE;
}

/* Reads every record @input gives, in two threads, into @ingest. */
static gboolean
import_in_two_threads (ChunkInput    *input,
                       VigilIngest   *ingest,
                       GCancellable  *cancellable,
                       GError       **error)
{
  LineChunk *own = line_chunk_new (input, input->caller_lines);
  LineChunk *spare = line_chunk_new (input, input->helper_lines);
  LineChunk *pending = line_chunk_new (input, input->helper_lines);   /* the helper's */
  LineChunk *all[] = { own, spare, pending };
  ParseHelper helper;
  gboolean more;
  gboolean ok = TRUE;

  parse_helper_start (&helper);

  more = input->fill (input, pending, cancellable);
  if (line_chunk_has_work (pending))
    g_async_queue_push (helper.to_parse, pending);
  else
    pending = NULL;

  while (ok && pending != NULL)
    {
      LineChunk *done;

      /* The caller parses a chunk while the helper parses the one before. */
      line_chunk_empty (own);
      if (more)
        {
          more = input->fill (input, own, cancellable);
          line_chunk_parse (own, _vigil_ingest_get_feature_names (ingest));
        }
      done = g_async_queue_pop (helper.parsed);
      pending = NULL;
      /* The helper goes on with the next while the records are added. */
      if (more)
        {
          more = input->fill (input, spare, cancellable);
          if (line_chunk_has_work (spare))
            {
              g_async_queue_push (helper.to_parse, spare);
              pending = spare;
            }
        }
      ok = add_chunk (done, &helper, ingest, cancellable, error) &&
           add_chunk (own, NULL, ingest, cancellable, error);
      spare = done;
    }
  if (pending != NULL)
    g_async_queue_pop (helper.parsed);

  parse_helper_stop (&helper);
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    line_chunk_free (all[i]);
  return ok;
}

static gboolean
import_native_json_lines (GInputStream  *stream,
                          VigilIngest   *ingest,
                          GCancellable  *cancellable,
                          GError       **error)
{
  JsonLinesInput input = {
    { VIGIL_IMPORT_JSON_LINES_CALLER_LINES, VIGIL_IMPORT_JSON_LINES_HELPER_LINES, json_lines_fill, json_lines_parse },
    { NULL, }
  };
  gboolean ok;

  line_reader_init (&input.reader, stream);
  ok = import_in_two_threads (&input.input, ingest, cancellable, error);
  line_reader_clear (&input.reader);
  return ok;
}

static gboolean
import_json_lines (VigilImporter  *self,
                   GInputStream   *stream,
                   VigilIngest    *ingest,
                   GCancellable   *cancellable,
                   GError        **error)
{
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GError) local_error = NULL;
  LineReader reader;
  gboolean ok = TRUE;
  char *line;
  gsize length;

  if (self->mapping == NULL)
    return import_native_json_lines (stream, ingest, cancellable, error);

  /* Through a mapping: each line a tree, one at a time. */
  line_reader_init (&reader, stream);
  while ((line = line_reader_next (&reader, &length, cancellable, &local_error)) != NULL)
    {
      if (reader.line == 1 && length >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0)
        {
          line += 3;
          length -= 3;
        }
      if (skip_bom_and_space (line, line + length) == line + length)
        continue;

      {
        g_autoptr(JsonNode) record = parse_json_line (line, length, reader.line, error);

        if (record == NULL)
          {
            ok = FALSE;
            break;
          }
        fill_from_record (self, record, snapshot);
      }

      if (!vigil_ingest_add (ingest, snapshot, error) ||
          check_cancelled (vigil_ingest_get_stats (ingest), cancellable, error))
        {
          ok = FALSE;
          break;
        }
    }
  line_reader_clear (&reader);

  if (ok && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return ok;
}

static gboolean
map_csv_header (VigilCsvReader  *reader,
                GArray          *columns,
                GError         **error)
{
  guint n = vigil_csv_reader_get_n_fields (reader);
  gboolean seen[VIGIL_N_FIELDS] = { FALSE, };
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_ascii_strdown (vigil_csv_reader_get_field (reader, i, NULL), -1);
      VigilField field = vigil_field_from_name (g_strstrip (name));

      if (field != VIGIL_FIELD_NONE && seen[field])
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                       _("line %" PRIu64 ": the column “%s” appears twice in the header"),
                       vigil_csv_reader_get_line (reader), name);
          return FALSE;
        }
      if (field != VIGIL_FIELD_NONE)
        seen[field] = TRUE;
      g_array_append_val (columns, field);
      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", name);
    }

  if (!seen[VIGIL_FIELD_ID])
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("line %" PRIu64 ": the CSV header has no “id” column "
                     "(it has: %s)"), vigil_csv_reader_get_line (reader), names->str);
      return FALSE;
    }

  return TRUE;
}

/* A CSV file read through a mapping (design 2.5) ---------------------------
 *
 * The mapping names columns; they are found in the header, trimmed, by
 * their exact names, before any row is read. Each row's cells then go
 * through the same rules as JSON values do. */

typedef struct
{
  int      column;
  gboolean lower;
} KeyColumn;

typedef struct
{
  int     value[VIGIL_N_FIELDS];      /* -1: the field is not mapped */
  int     interval[VIGIL_N_FIELDS];   /* per, if the rule has one */
  int     count[VIGIL_N_FIELDS];
  GArray *keys;                       /* of KeyColumn: fields.keys, then the keys member */
} MappedColumns;

/* The header's names, as a message lists them. */
static char *
list_header (GPtrArray *header)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < header->len && i < MAX_LISTED_COLUMNS; i++)
    {
      g_autofree char *name = vigil_text_printable (g_ptr_array_index (header, i), -1);

      g_string_append_printf (names, "%s“%s”", i > 0 ? ", " : "", name);
    }
  if (header->len > MAX_LISTED_COLUMNS)
    g_string_append_printf (names, _(" and %u more"), header->len - MAX_LISTED_COLUMNS);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
find_column (GPtrArray   *header,
             const char  *name,
             VigilField   field,
             const char  *file_name,
             int         *out_column,
             GError     **error)
{
  int found = -1;

  for (guint i = 0; i < header->len; i++)
    {
      if (strcmp (g_ptr_array_index (header, i), name) != 0)
        continue;
      if (found >= 0)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                       _("the mapping's column “%s” appears twice in the header of %s"), name, file_name);
          return FALSE;
        }
      found = (int) i;
    }
  if (found < 0)
    {
      g_autofree char *listed = list_header (header);

      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   /* TRANSLATORS: the mapping's column “Company name” (field name) is not in … */
                   _("the mapping's column “%s” (field %s) is not in the header of %s: the header has %s"),
                   name, vigil_field_get_name (field), file_name, listed);
      return FALSE;
    }
  *out_column = found;
  return TRUE;
}

/* Where each column the mapping names is, or an error naming the first
 * one the header does not have. */
static gboolean
map_mapping_header (VigilMapping    *mapping,
                    VigilCsvReader  *reader,
                    const char      *file_name,
                    MappedColumns   *columns,
                    GError         **error)
{
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  guint n_keys = _vigil_mapping_get_n_key_pointers (mapping);

  for (guint i = 0; i < vigil_csv_reader_get_n_fields (reader); i++)
    g_ptr_array_add (header, g_strstrip (g_strdup (vigil_csv_reader_get_field (reader, i, NULL))));

  for (int f = 0; f < VIGIL_N_FIELDS; f++)
    {
      const VigilFieldRule *rule = _vigil_mapping_get_field_rule (mapping, (VigilField) f);

      columns->value[f] = columns->interval[f] = columns->count[f] = -1;
      if (rule == NULL)
        continue;
      if (!find_column (header, rule->source, (VigilField) f, file_name, &columns->value[f], error) ||
          (rule->per_interval != NULL &&
           !find_column (header, rule->per_interval, (VigilField) f, file_name, &columns->interval[f], error)) ||
          (rule->per_count != NULL &&
           !find_column (header, rule->per_count, (VigilField) f, file_name, &columns->count[f], error)))
        return FALSE;
      if (f == VIGIL_FIELD_KEYS)
        {
          KeyColumn key = { columns->value[f], rule->lower };

          g_array_append_val (columns->keys, key);
        }
    }
  for (guint i = 0; i < n_keys; i++)
    {
      KeyColumn key = { -1, FALSE };
      const char *name = _vigil_mapping_get_key_pointer (mapping, i, &key.lower);

      if (!find_column (header, name, VIGIL_FIELD_KEYS, file_name, &key.column, error))
        return FALSE;
      g_array_append_val (columns->keys, key);
    }
  return TRUE;
}

static void
cell_value (VigilCsvReader *reader,
            int             column,
            VigilRawValue  *raw)
{
  if (column < 0)
    _vigil_raw_value_clear (raw);
  else
    _vigil_raw_value_set_cell (raw, vigil_csv_reader_get_field (reader, (guint) column, NULL));
}

/* One row through the mapping's rules, its keys gathered from every
 * column that gives them. */
static void
apply_mapped_row (VigilMapping        *mapping,
                  const MappedColumns *columns,
                  VigilCsvReader      *reader,
                  VigilRawValue        raw[3],
                  VigilKeysValue      *keys,
                  VigilSnapshot       *snapshot)
{
  for (int f = 0; f < VIGIL_N_FIELDS; f++)
    {
      const VigilFieldRule *rule = _vigil_mapping_get_field_rule (mapping, (VigilField) f);

      if (rule == NULL || f == VIGIL_FIELD_KEYS)
        continue;
      cell_value (reader, columns->value[f], &raw[0]);
      cell_value (reader, columns->interval[f], &raw[1]);
      cell_value (reader, columns->count[f], &raw[2]);
      _vigil_field_rule_apply (rule, &raw[0], &raw[1], &raw[2], snapshot);
    }
  if (columns->keys->len == 0)
    return;
  for (guint i = 0; i < columns->keys->len; i++)
    {
      const KeyColumn *key = &g_array_index (columns->keys, KeyColumn, i);

      _vigil_keys_value_set_text (&keys[i], vigil_csv_reader_get_field (reader, (guint) key->column, NULL),
                                  key->lower);
    }
  _vigil_snapshot_add_keys (snapshot, keys, columns->keys->len);
}

/* Reads the header, the first row: an empty file is an error. */
static gboolean
read_csv_header (VigilCsvReader  *reader,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  if (vigil_csv_reader_next_row (reader, cancellable, &local_error))
    return TRUE;
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_PARSE, _("the file is empty"));
  return FALSE;
}

/* Whether the row read last has as many fields as the header. */
static gboolean
check_row_width (VigilCsvReader  *reader,
                 guint            n_header,
                 GError         **error)
{
  guint n = vigil_csv_reader_get_n_fields (reader);

  if (n == n_header)
    return TRUE;
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
               _("line %" PRIu64 ": %u fields, but the header has %u"),
               vigil_csv_reader_get_line (reader), n, n_header);
  return FALSE;
}

static gboolean
read_csv (VigilMapping       *mapping,
          GInputStream       *stream,
          char                delimiter,
          const char         *file_name,
          VigilFeatureNames  *feature_names,
          guint64             max_rows,
          VigilRecordFunc     func,
          gpointer            user_data,
          GCancellable       *cancellable,
          GError            **error)
{
  g_autoptr(VigilCsvReader) reader = vigil_csv_reader_new (stream);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (VigilField));
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) key_columns = g_array_new (FALSE, FALSE, sizeof (KeyColumn));
  g_autofree VigilKeysValue *keys = NULL;
  MappedColumns mapped = { .keys = key_columns };
  VigilRawValue raw[3] = { { 0, }, };
  guint64 n_rows = 0;
  guint n_header;
  gboolean ok = TRUE;

  vigil_csv_reader_set_delimiter (reader, delimiter);
  if (!read_csv_header (reader, cancellable, error))
    return FALSE;

  n_header = vigil_csv_reader_get_n_fields (reader);
  if (mapping != NULL ? !map_mapping_header (mapping, reader, file_name, &mapped, error)
                      : !map_csv_header (reader, columns, error))
    return FALSE;
  keys = g_new0 (VigilKeysValue, MAX (key_columns->len, 1));

  while (ok && (max_rows == 0 || n_rows++ < max_rows) &&
         vigil_csv_reader_next_row (reader, cancellable, &local_error))
    {
      if (!check_row_width (reader, n_header, error))
        {
          ok = FALSE;
          break;
        }

      vigil_snapshot_clear (snapshot);
      if (mapping != NULL)
        apply_mapped_row (mapping, &mapped, reader, raw, keys, snapshot);
      for (guint i = 0; mapping == NULL && i < n_header; i++)
        {
          VigilField field = g_array_index (columns, VigilField, i);

          if (field != VIGIL_FIELD_NONE)
            _vigil_snapshot_set_cell (snapshot, field, vigil_csv_reader_get_field (reader, i, NULL),
                                      feature_names);
        }

      if (!func (snapshot, user_data, error))
        ok = FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (raw); i++)
    _vigil_raw_value_free_text (&raw[i]);

  if (ok && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return ok;
}

typedef struct
{
  VigilIngest  *ingest;
  GCancellable *cancellable;
} IngestRows;

/* One row of an import, stored. */
static gboolean
ingest_row (VigilSnapshot  *snapshot,
            gpointer        user_data,
            GError        **error)
{
  IngestRows *rows = user_data;

  return vigil_ingest_add (rows->ingest, snapshot, error) &&
         !check_cancelled (vigil_ingest_get_stats (rows->ingest), rows->cancellable, error);
}

/* The rows of a CSV file in the native format, for an import in two
 * threads: each chunk holds whole rows as the reader gives them (each
 * field NUL-terminated), a row's fields set on its record by whichever
 * thread parses the chunk. */
typedef struct
{
  ChunkInput      input;
  VigilCsvReader *reader;
  GArray         *columns;    /* of VigilField: what each column of the header is */
} CsvRowsInput;

static gboolean
csv_rows_fill (ChunkInput   *input,
               LineChunk    *chunk,
               GCancellable *cancellable)
{
  CsvRowsInput *rows = (CsvRowsInput *) input;

  line_chunk_empty (chunk);
  while (line_chunk_has_room (chunk))
    {
      const char *fields;
      gsize length;

      if (!vigil_csv_reader_next_row (rows->reader, cancellable, &chunk->read_error) ||
          !check_row_width (rows->reader, rows->columns->len, &chunk->read_error))
        return FALSE;
      fields = vigil_csv_reader_get_row (rows->reader, &length);
      line_chunk_keep (chunk, fields, length, vigil_csv_reader_get_line (rows->reader));
    }
  return TRUE;
}

static gboolean
csv_rows_parse (const ChunkInput   *input,
                VigilSnapshot      *snapshot,
                const char         *text,
                gsize               length,
                VigilFeatureNames  *feature_names,
                GError            **error)
{
  const CsvRowsInput *rows = (const CsvRowsInput *) input;
  const char *field = text;

  for (guint i = 0; i < rows->columns->len; i++)
    {
      VigilField is = g_array_index (rows->columns, VigilField, i);

      if (is != VIGIL_FIELD_NONE)
        _vigil_snapshot_set_cell (snapshot, is, field, feature_names);
      field += strlen (field) + 1;
    }
  return TRUE;
}

static gboolean
import_native_csv (GInputStream  *stream,
                   char           delimiter,
                   VigilIngest   *ingest,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(VigilCsvReader) reader = vigil_csv_reader_new (stream);
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (VigilField));
  CsvRowsInput input = {
    { VIGIL_IMPORT_CSV_CALLER_LINES, VIGIL_IMPORT_CSV_HELPER_LINES, csv_rows_fill, csv_rows_parse },
    reader, columns
  };

  vigil_csv_reader_set_delimiter (reader, delimiter);
  if (!read_csv_header (reader, cancellable, error) || !map_csv_header (reader, columns, error))
    return FALSE;
  return import_in_two_threads (&input.input, ingest, cancellable, error);
}

static gboolean
import_csv (VigilImporter  *self,
            GInputStream   *stream,
            char            delimiter,
            const char     *file_name,
            VigilIngest    *ingest,
            GCancellable   *cancellable,
            GError        **error)
{
  IngestRows rows = { ingest, cancellable };

  if (self->mapping == NULL)
    return import_native_csv (stream, delimiter, ingest, cancellable, error);
  return read_csv (self->mapping, stream, delimiter, file_name, _vigil_ingest_get_feature_names (ingest), 0,
                   ingest_row, &rows, cancellable, error);
}

static gboolean
read_head (GInputStream  *stream,
           char          *head,
           gsize         *length,
           GCancellable  *cancellable,
           GError       **error)
{
  if (!g_input_stream_read_all (stream, head, HEAD_SIZE, length, cancellable, error))
    return FALSE;
  return g_seekable_seek (G_SEEKABLE (stream), 0, G_SEEK_SET, cancellable, error);
}

static void
vigil_importer_dispose (GObject *object)
{
  VigilImporter *self = (VigilImporter *) object;

  g_clear_object (&self->store);
  g_clear_object (&self->mapping);

  G_OBJECT_CLASS (vigil_importer_parent_class)->dispose (object);
}

static void
vigil_importer_finalize (GObject *object)
{
  VigilImporter *self = (VigilImporter *) object;

  g_free (self->source_name);

  G_OBJECT_CLASS (vigil_importer_parent_class)->finalize (object);
}

static void
vigil_importer_class_init (VigilImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_importer_dispose;
  object_class->finalize = vigil_importer_finalize;
}

static void
vigil_importer_init (VigilImporter *self)
{
  self->source_name = g_strdup (VIGIL_IMPORTER_DEFAULT_SOURCE);
}

/**
 * vigil_importer_new:
 * @store: where imported history goes
 *
 * Returns: (transfer full): a new importer
 */
VigilImporter *
vigil_importer_new (VigilStore *store)
{
  VigilImporter *self;

  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);

  self = g_object_new (VIGIL_TYPE_IMPORTER, NULL);
  self->store = g_object_ref (store);
  return self;
}

/**
 * vigil_importer_set_source:
 * @source_name: the source imported customers belong to (by default
 *   %VIGIL_IMPORTER_DEFAULT_SOURCE); use a polled source's name to
 *   backfill its history
 */
void
vigil_importer_set_source (VigilImporter *self,
                           const char    *source_name)
{
  g_return_if_fail (VIGIL_IS_IMPORTER (self));
  g_return_if_fail (source_name != NULL && *source_name != '\0');

  g_free (self->source_name);
  self->source_name = g_strdup (source_name);
}

void
vigil_importer_set_format (VigilImporter     *self,
                           VigilImportFormat  format)
{
  g_return_if_fail (VIGIL_IS_IMPORTER (self));

  self->format = format;
}

/**
 * vigil_importer_set_mapping:
 * @mapping: (nullable): where the native fields are in JSON of another
 *   shape (design 2.2), or %NULL for the native format
 */
void
vigil_importer_set_mapping (VigilImporter *self,
                            VigilMapping  *mapping)
{
  g_return_if_fail (VIGIL_IS_IMPORTER (self));
  g_return_if_fail (mapping == NULL || VIGIL_IS_MAPPING (mapping));

  g_set_object (&self->mapping, mapping);
}

static gboolean
prefix_error (GError     **error,
              GFile       *file)
{
  g_autofree char *name = g_file_get_parse_name (file);

  /* A message that names the file already needs no prefix. */
  if (error != NULL && *error != NULL && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      strstr ((*error)->message, name) == NULL)
    g_prefix_error (error, "%s: ", name);
  return FALSE;
}

/**
 * vigil_importer_import_file:
 * @file: a native JSON document, JSON Lines or CSV (design 2.1)
 * @out_stats: (out caller-allocates) (optional): what was read and stored
 *
 * Imports @file in one transaction: on any error nothing of it is
 * stored, and the error names the line (and column) at fault. JSON Lines
 * and CSV are streamed, so memory stays flat whatever the file size.
 */
gboolean
vigil_importer_import_file (VigilImporter     *self,
                            GFile             *file,
                            GCancellable      *cancellable,
                            VigilIngestStats  *out_stats,
                            GError           **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autofree char *head = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *file_name = NULL;
  VigilImportFormat format = self->format;
  gsize head_length = 0;
  char delimiter;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if (!(stream = g_file_read (file, cancellable, error)))
    return FALSE;

  head = g_malloc (HEAD_SIZE);
  if (!read_head (G_INPUT_STREAM (stream), head, &head_length, cancellable, error))
    return prefix_error (error, file);

  if (skip_bom_and_space (head, head + head_length) == head + head_length && head_length < HEAD_SIZE)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                           _("the file is empty: nothing to import"));
      return prefix_error (error, file);
    }

  basename = g_file_get_basename (file);
  file_name = g_file_get_parse_name (file);
  /* A CSV mapping says what the file is (design 2.5). */
  if (format == VIGIL_IMPORT_FORMAT_AUTO && self->mapping != NULL && vigil_mapping_is_csv (self->mapping))
    format = VIGIL_IMPORT_FORMAT_CSV;
  if (format == VIGIL_IMPORT_FORMAT_AUTO)
    format = vigil_importer_detect_format (head, head_length, basename);
  delimiter = self->mapping != NULL && _vigil_mapping_get_delimiter (self->mapping) != 0
    ? _vigil_mapping_get_delimiter (self->mapping) : vigil_csv_detect_delimiter (head, head_length);
  g_clear_pointer (&head, g_free);

  if (format == VIGIL_IMPORT_FORMAT_CSV && self->mapping != NULL && !vigil_mapping_is_csv (self->mapping))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("the mapping has “records”, so it points into JSON: a CSV file needs a "
                             "mapping without “records”, whose fields name columns"));
      return prefix_error (error, file);
    }
  if (format != VIGIL_IMPORT_FORMAT_CSV && self->mapping != NULL && vigil_mapping_is_csv (self->mapping))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("the mapping has no “records”, so it names the columns of a CSV file, "
                     "and this file is %s"), vigil_import_format_get_name (format));
      return prefix_error (error, file);
    }

  /* Records without a time were observed when the import ran. Into an
   * empty history, without the write-ahead log (design 2.5). */
  ingest = vigil_ingest_begin_bulk (self->store, self->source_name,
                                    g_get_real_time () / G_USEC_PER_SEC, error);
  if (ingest == NULL)
    return FALSE;
  if (self->mapping != NULL)
    vigil_ingest_set_merge (ingest, vigil_mapping_get_merge (self->mapping));

  switch (format)
    {
    case VIGIL_IMPORT_FORMAT_JSON:
      ok = import_json_document (self, file, ingest, cancellable, error);
      break;
    case VIGIL_IMPORT_FORMAT_JSON_LINES:
      ok = import_json_lines (self, G_INPUT_STREAM (stream), ingest, cancellable, error);
      break;
    case VIGIL_IMPORT_FORMAT_CSV:
    case VIGIL_IMPORT_FORMAT_AUTO:
    default:
      ok = import_csv (self, G_INPUT_STREAM (stream), delimiter, file_name, ingest, cancellable, error);
      break;
    }

  if (!ok)
    {
      vigil_ingest_abort (ingest);
      return prefix_error (error, file);
    }

  if (!vigil_ingest_commit (ingest, error))
    return FALSE;

  if (out_stats != NULL)
    *out_stats = *vigil_ingest_get_stats (ingest);
  return TRUE;
}

/* Previewing a CSV file ------------------------------------------------------ */

typedef struct
{
  VigilPreviewRecords *records;
  guint                max_kept;
  gint64               now;
} PreviewRows;

static gboolean
preview_row (VigilSnapshot  *snapshot,
             gpointer        user_data,
             GError        **error)
{
  PreviewRows *rows = user_data;

  _vigil_preview_records_take (rows->records, snapshot, rows->max_kept, rows->now);
  return TRUE;
}

/**
 * vigil_import_preview_csv:
 * @file: a CSV file
 * @mapping: (nullable): a CSV mapping (design 2.5), or %NULL for the
 *   native field names
 * @max_rows: the most rows read
 * @max_kept: the most records kept
 *
 * Reads the first @max_rows rows of @file as an import would (the same
 * header, delimiter, rules and errors), keeping the first @max_kept
 * records as they would be stored, without storing anything (design 5).
 *
 * Returns: (transfer full): the records, or %NULL with @error set
 */
VigilPreviewRecords *
vigil_import_preview_csv (GFile         *file,
                          VigilMapping  *mapping,
                          guint          max_rows,
                          guint          max_kept,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(VigilPreviewRecords) records = NULL;
  g_autofree char *head = NULL;
  g_autofree char *file_name = NULL;
  gsize head_length = 0;
  PreviewRows rows;
  char delimiter;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (mapping == NULL || vigil_mapping_is_csv (mapping), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (!(stream = g_file_read (file, cancellable, error)))
    return NULL;
  head = g_malloc (HEAD_SIZE);
  if (!read_head (G_INPUT_STREAM (stream), head, &head_length, cancellable, error))
    {
      prefix_error (error, file);
      return NULL;
    }
  delimiter = mapping != NULL && _vigil_mapping_get_delimiter (mapping) != 0
    ? _vigil_mapping_get_delimiter (mapping) : vigil_csv_detect_delimiter (head, head_length);
  file_name = g_file_get_parse_name (file);
  records = _vigil_preview_records_new ();
  rows = (PreviewRows) { records, max_kept, g_get_real_time () / G_USEC_PER_SEC };
  if (!read_csv (mapping, G_INPUT_STREAM (stream), delimiter, file_name, NULL, MAX (max_rows, 1), preview_row, &rows,
                 cancellable, error))
    {
      prefix_error (error, file);
      return NULL;
    }
  return g_steal_pointer (&records);
}

typedef struct
{
  GFile        *file;
  VigilMapping *mapping;
  guint         max_rows;
  guint         max_kept;
} PreviewCsv;

static void
preview_csv_free (PreviewCsv *preview)
{
  g_object_unref (preview->file);
  g_clear_object (&preview->mapping);
  g_free (preview);
}

static void
preview_csv_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  PreviewCsv *preview = task_data;
  GError *error = NULL;
  VigilPreviewRecords *records = vigil_import_preview_csv (preview->file, preview->mapping, preview->max_rows,
                                                           preview->max_kept, cancellable, &error);

  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) vigil_preview_records_free);
}

/**
 * vigil_import_preview_csv_async:
 *
 * vigil_import_preview_csv() on a worker thread.
 */
void
vigil_import_preview_csv_async (GFile               *file,
                                VigilMapping        *mapping,
                                guint                max_rows,
                                guint                max_kept,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PreviewCsv *preview;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (mapping == NULL || vigil_mapping_is_csv (mapping));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_import_preview_csv_async);
  preview = g_new0 (PreviewCsv, 1);
  preview->file = g_object_ref (file);
  preview->mapping = mapping != NULL ? g_object_ref (mapping) : NULL;
  preview->max_rows = max_rows;
  preview->max_kept = max_kept;
  g_task_set_task_data (task, preview, (GDestroyNotify) preview_csv_free);
  g_task_run_in_thread (task, preview_csv_thread);
}

/**
 * vigil_import_preview_csv_finish:
 *
 * Returns: (transfer full): the records, or %NULL with @error set
 */
VigilPreviewRecords *
vigil_import_preview_csv_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vigil_import_preview_csv_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
