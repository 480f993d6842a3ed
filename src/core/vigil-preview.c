/* vigil-preview.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-preview"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-csv-reader.h"
#include "vigil-error.h"
#include "vigil-json-private.h"
#include "vigil-preview.h"
#include "vigil-preview-private.h"

/* A source's first page, looked at before the source is saved (design
 * 5, adding a source): fetched by the poller with a poll's rules
 * (vigil_poller_preview_async()), checked whole as every answer is, and
 * kept twice: as the text, which any mapping reads the way a poll would,
 * and as a sample tree for a person to look at and click in. The sample
 * keeps the first few elements of each array and a bounded number of
 * values in all, so a page of a million records costs the memory of a
 * few. Nothing here stores anything. */

/* Enough to see a record and its lists, and to find where the records
 * are; few enough that any page's sample is small. */
#define SAMPLE_MAX_ELEMENTS 3
#define SAMPLE_MAX_NODES 20000

struct _VigilPreview
{
  GObject   parent_instance;

  char     *url;
  GBytes   *body;
  JsonNode *sample;      /* sealed: read from any thread */
  gboolean  cut;
  char     *link_next;
  gint64    fetched_at;
};

G_DEFINE_FINAL_TYPE (VigilPreview, vigil_preview, G_TYPE_OBJECT)

G_DEFINE_QUARK (vigil-preview-error-quark, vigil_preview_error)

/* Errors in words ----------------------------------------------------------- */

/* Replaces *@error by one of VIGIL_PREVIEW_ERROR: what to check first,
 * then the original words (the address, the status), which support
 * needs. */
static void
explain (GError            **error,
         VigilPreviewError   code,
         const char         *advice)
{
  GError *original = *error;

  *error = g_error_new (VIGIL_PREVIEW_ERROR, code, "%s\n%s", advice, original->message);
  g_error_free (original);
}

static void
explain_status (GError **error,
                guint    status)
{
  g_autofree char *advice = NULL;
  VigilPreviewError code;

  switch (status)
    {
    case 401:
      code = VIGIL_PREVIEW_ERROR_TOKEN;
      advice = g_strdup (_("The server did not accept the token (HTTP 401): check that it is the right one "
                           "and has not expired."));
      break;
    case 403:
      code = VIGIL_PREVIEW_ERROR_TOKEN;
      advice = g_strdup (_("The server knows the token but does not let it read this (HTTP 403): check the "
                           "token’s permissions or scopes."));
      break;
    case 404:
    case 410:
      code = VIGIL_PREVIEW_ERROR_ADDRESS;
      advice = g_strdup_printf (_("There is nothing at this address (HTTP %u): check the URL, its path in "
                                  "particular."), status);
      break;
    case 429:
      code = VIGIL_PREVIEW_ERROR_REFUSED;
      advice = g_strdup (_("The server asks for fewer requests (HTTP 429): try again in a minute."));
      break;
    default:
      if (status >= 500)
        {
          code = VIGIL_PREVIEW_ERROR_SERVER;
          advice = g_strdup_printf (_("The server failed to answer (HTTP %u): try again later; if it goes on, "
                                      "the service’s status page or support will know why."), status);
        }
      else
        {
          code = VIGIL_PREVIEW_ERROR_REFUSED;
          advice = g_strdup_printf (_("The server refused the request (HTTP %u): check the URL and the "
                                      "token."), status);
        }
      break;
    }
  explain (error, code, advice);
}

/**
 * _vigil_preview_explain_fetch_error:
 * @error: (inout): a first page's fetch error
 * @status: the HTTP status of the answer, or 0 without one
 *
 * Says why the first page could not be fetched in words a person who
 * does not read HTTP acts on. A cancellation stays as it is.
 */
void
_vigil_preview_explain_fetch_error (GError **error,
                                    guint    status)
{
  const GError *cause;

  g_return_if_fail (error != NULL && *error != NULL);

  cause = *error;
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (status >= 400)
    explain_status (error, status);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    explain (error, VIGIL_PREVIEW_ERROR_TIMEOUT,
             _("The server did not answer in time: check the address, or try again later."));
  else if (cause->domain == G_TLS_ERROR)
    explain (error, VIGIL_PREVIEW_ERROR_TLS,
             _("The server’s certificate cannot be trusted, so nothing was sent to it: check the address "
               "(its host name, and https). Vigil never ignores a certificate problem."));
  else if (cause->domain == G_RESOLVER_ERROR)
    explain (error, VIGIL_PREVIEW_ERROR_ADDRESS,
             _("There is no server by this name: check the host name in the URL."));
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    explain (error, VIGIL_PREVIEW_ERROR_CONNECT,
             _("The server refused the connection: check the address and its port."));
  else if (cause->domain == G_IO_ERROR &&
           (cause->code == G_IO_ERROR_HOST_UNREACHABLE || cause->code == G_IO_ERROR_NETWORK_UNREACHABLE ||
            cause->code == G_IO_ERROR_NOT_CONNECTED || cause->code == G_IO_ERROR_CONNECTION_CLOSED ||
            cause->code == G_IO_ERROR_BROKEN_PIPE))
    explain (error, VIGIL_PREVIEW_ERROR_CONNECT,
             _("The server could not be reached: check the address and the network connection."));
  else
    explain (error, VIGIL_PREVIEW_ERROR_FAILED, _("The first page could not be fetched."));
}

/* Whether @body looks like a web page: said so, or opening with a tag. */
static gboolean
looks_like_html (const char *content_type,
                 const char *data,
                 gsize       length)
{
  gsize i = 0;

  if (content_type != NULL &&
      (g_ascii_strncasecmp (content_type, "text/html", 9) == 0 ||
       g_ascii_strncasecmp (content_type, "application/xhtml", 17) == 0))
    return TRUE;
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  while (i < length && g_ascii_isspace (data[i]))
    i++;
  return i < length && data[i] == '<';
}

/* Object ------------------------------------------------------------------- */

static void
vigil_preview_finalize (GObject *object)
{
  VigilPreview *self = (VigilPreview *) object;

  g_free (self->url);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->sample, json_node_unref);
  g_free (self->link_next);

  G_OBJECT_CLASS (vigil_preview_parent_class)->finalize (object);
}

static void
vigil_preview_class_init (VigilPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vigil_preview_finalize;
}

static void
vigil_preview_init (VigilPreview *self)
{
}

/**
 * vigil_preview_records_free:
 */
void
vigil_preview_records_free (VigilPreviewRecords *records)
{
  if (records == NULL)
    return;
  g_clear_pointer (&records->snapshots, g_ptr_array_unref);
  g_clear_pointer (&records->first_record, json_node_unref);
  g_free (records);
}

/**
 * vigil_preview_new_from_bytes:
 * @url: the URL that answered, after any redirects
 * @body: the answer
 * @content_type: (nullable): its Content-Type
 * @link_next: (nullable): the next page its Link header names, resolved
 * @fetched_at: when it arrived (Unix seconds): the observation time of
 *   records that give none, as a poll would store them
 *
 * Checks @body as every answer is checked (design 2.3) and keeps it, and
 * a sample of it to look at.
 *
 * Returns: (transfer full): the preview, or %NULL with @error of
 *   %VIGIL_PREVIEW_ERROR saying, in words, why the answer is no JSON
 */
VigilPreview *
vigil_preview_new_from_bytes (const char  *url,
                              GBytes      *body,
                              const char  *content_type,
                              const char  *link_next,
                              gint64       fetched_at,
                              GError     **error)
{
  g_autoptr(VigilPreview) self = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;
  const char *data;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);

  data = g_bytes_get_data (body, &length);
  if (length == 0)
    {
      g_set_error (error, VIGIL_PREVIEW_ERROR, VIGIL_PREVIEW_ERROR_NOT_JSON,
                   _("The answer is empty: is the URL the address of the API’s list?\n%s"), url);
      return NULL;
    }
  if (looks_like_html (content_type, data, length))
    {
      g_set_error (error, VIGIL_PREVIEW_ERROR, VIGIL_PREVIEW_ERROR_HTML,
                   _("The answer is HTML, not JSON: is the URL an API address, not a web page?\n%s"), url);
      return NULL;
    }

  self = g_object_new (VIGIL_TYPE_PREVIEW, NULL);
  self->sample = _vigil_json_parse_sample (data, (gssize) length, VIGIL_JSON_DATA, SAMPLE_MAX_ELEMENTS,
                                           SAMPLE_MAX_NODES, &self->cut, &local_error);
  if (self->sample == NULL)
    {
      g_set_error (error, VIGIL_PREVIEW_ERROR, VIGIL_PREVIEW_ERROR_NOT_JSON,
                   _("The answer is not JSON: is the URL the address of the API’s list?\n%s: not JSON: %s"),
                   url, local_error->message);
      return NULL;
    }
  json_node_seal (self->sample);
  self->url = g_strdup (url);
  self->body = g_bytes_ref (body);
  self->link_next = g_strdup (link_next);
  self->fetched_at = fetched_at;
  return g_steal_pointer (&self);
}

const char *
vigil_preview_get_url (VigilPreview *self)
{
  g_return_val_if_fail (VIGIL_IS_PREVIEW (self), NULL);

  return self->url;
}

/**
 * vigil_preview_get_sample:
 *
 * Returns: (transfer none): the page as a tree that keeps the first few
 *   elements of each array (sealed: it does not change)
 */
JsonNode *
vigil_preview_get_sample (VigilPreview *self)
{
  g_return_val_if_fail (VIGIL_IS_PREVIEW (self), NULL);

  return self->sample;
}

/**
 * vigil_preview_is_cut:
 *
 * Returns: whether the sample left any of the page out
 */
gboolean
vigil_preview_is_cut (VigilPreview *self)
{
  g_return_val_if_fail (VIGIL_IS_PREVIEW (self), FALSE);

  return self->cut;
}

/**
 * vigil_preview_get_link_next:
 *
 * Returns: (nullable): the next page the answer's Link header named
 */
const char *
vigil_preview_get_link_next (VigilPreview *self)
{
  g_return_val_if_fail (VIGIL_IS_PREVIEW (self), NULL);

  return self->link_next;
}

gint64
vigil_preview_get_fetched_at (VigilPreview *self)
{
  g_return_val_if_fail (VIGIL_IS_PREVIEW (self), 0);

  return self->fetched_at;
}

/* Where the records are ---------------------------------------------------- */

/**
 * vigil_json_holds_records:
 *
 * Returns: whether @node may be an array of records: an array whose
 *   first element is an object
 */
gboolean
vigil_json_holds_records (JsonNode *node)
{
  JsonArray *array;

  g_return_val_if_fail (node != NULL, FALSE);

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  return json_array_get_length (array) > 0 && JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, 0));
}

/**
 * vigil_json_holds_link:
 *
 * Returns: whether @node may be a next page's link: a string that is an
 *   http(s) URL, a path or a query
 */
gboolean
vigil_json_holds_link (JsonNode *node)
{
  const char *text;

  g_return_val_if_fail (node != NULL, FALSE);

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  text = json_node_get_string (node);
  return g_str_has_prefix (text, "http://") || g_str_has_prefix (text, "https://") || text[0] == '/' ||
         text[0] == '?';
}

typedef struct
{
  JsonNode *node;
  char     *pointer;
} Place;

static void
place_free (Place *place)
{
  g_free (place->pointer);
  g_free (place);
}

/**
 * vigil_preview_find_records:
 *
 * The records of a list answer are its first array of objects: the
 * document itself, else the shallowest such array found by going down
 * through objects, members in their order (`{"data": […]}`,
 * `{"results": {"items": […]}}`). Arrays are not gone into: an array of
 * arrays holds no records.
 *
 * Returns: (transfer full) (nullable): the JSON Pointer to that array,
 *   or %NULL if the answer has none
 */
char *
vigil_preview_find_records (VigilPreview *self)
{
  g_autoptr(GQueue) queue = g_queue_new ();
  Place *first;
  char *found = NULL;

  g_return_val_if_fail (VIGIL_IS_PREVIEW (self), NULL);

  first = g_new0 (Place, 1);
  first->node = self->sample;
  first->pointer = g_strdup ("");
  g_queue_push_tail (queue, first);

  while (found == NULL && !g_queue_is_empty (queue))
    {
      Place *place = g_queue_pop_head (queue);

      if (vigil_json_holds_records (place->node))
        found = g_steal_pointer (&place->pointer);
      else if (JSON_NODE_HOLDS_OBJECT (place->node))
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *member;

          json_object_iter_init_ordered (&iter, json_node_get_object (place->node));
          while (json_object_iter_next_ordered (&iter, &name, &member))
            {
              Place *next = g_new0 (Place, 1);

              next->node = member;
              next->pointer = vigil_json_pointer_append (place->pointer, name);
              g_queue_push_tail (queue, next);
            }
        }
      place_free (place);
    }
  g_queue_free_full (g_steal_pointer (&queue), (GDestroyNotify) place_free);
  return found;
}

/* Reading the records ------------------------------------------------------ */

typedef struct
{
  VigilPreviewRecords *records;
  guint                max_kept;
  gint64               fetched_at;
} ReadState;

/**
 * _vigil_preview_records_new:
 *
 * Returns: (transfer full): no records yet
 */
VigilPreviewRecords *
_vigil_preview_records_new (void)
{
  VigilPreviewRecords *records = g_new0 (VigilPreviewRecords, 1);

  records->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_snapshot_free);
  return records;
}

/**
 * _vigil_preview_records_take:
 * @snapshot: a record read
 * @observed_at: when it was observed if it does not say
 *
 * Counts @snapshot as a poll or an import counts it (vigil_ingest_add()),
 * and keeps a copy of it as it would be stored while fewer than
 * @max_kept are.
 */
void
_vigil_preview_records_take (VigilPreviewRecords *records,
                             VigilSnapshot       *snapshot,
                             guint                max_kept,
                             gint64               observed_at)
{
  records->records++;
  records->unknown_values += snapshot->n_unknown;
  if (snapshot->customer_id == NULL)
    {
      records->skipped++;
      return;
    }
  if (snapshot->observed_at == VIGIL_UNKNOWN)
    snapshot->observed_at = observed_at;
  if (records->snapshots->len < max_kept)
    g_ptr_array_add (records->snapshots, vigil_snapshot_copy (snapshot));
}

/* One record of the page. */
static gboolean
keep_record (VigilSnapshot  *snapshot,
             gpointer        user_data,
             GError        **error)
{
  ReadState *state = user_data;

  _vigil_preview_records_take (state->records, snapshot, state->max_kept, state->fetched_at);
  return TRUE;
}

/**
 * vigil_preview_read:
 * @mapping: how the page is read (vigil_mapping_new_native() for the
 *   native format)
 * @max_kept: the most records kept
 *
 * Reads the whole page with @mapping as a poll would, keeping the first
 * @max_kept records with a usable id as they would be stored, without
 * storing anything. Safe on any thread.
 *
 * Returns: (transfer full): the records, or %NULL with @error set when
 *   the page is not what @mapping expects (no array of records where it
 *   points)
 */
VigilPreviewRecords *
vigil_preview_read (VigilPreview  *self,
                    VigilMapping  *mapping,
                    guint          max_kept,
                    GError       **error)
{
  g_autoptr(VigilPreviewRecords) records = _vigil_preview_records_new ();
  ReadState state = { records, max_kept, self->fetched_at };
  JsonArray *array;
  gsize length;
  const char *data;

  g_return_val_if_fail (VIGIL_IS_PREVIEW (self), NULL);
  g_return_val_if_fail (VIGIL_IS_MAPPING (mapping), NULL);

  data = g_bytes_get_data (self->body, &length);
  if (!vigil_mapping_read_records (mapping, data, length, keep_record, &state, NULL, error))
    return NULL;

  array = vigil_mapping_get_records (mapping, self->sample, NULL);
  if (array != NULL && json_array_get_length (array) > 0)
    records->first_record = json_node_ref (json_array_get_element (array, 0));
  return g_steal_pointer (&records);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VigilMapping *mapping = task_data;
  GError *error = NULL;
  VigilPreviewRecords *records;

  records = vigil_preview_read (source_object, mapping,
                                GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "max-kept")), &error);
  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) vigil_preview_records_free);
}

/**
 * vigil_preview_read_async:
 *
 * vigil_preview_read() on a worker thread: a page may be large, and the
 * window must not wait for it.
 */
void
vigil_preview_read_async (VigilPreview        *self,
                          VigilMapping        *mapping,
                          guint                max_kept,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VIGIL_IS_PREVIEW (self));
  g_return_if_fail (VIGIL_IS_MAPPING (mapping));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_preview_read_async);
  g_task_set_task_data (task, g_object_ref (mapping), g_object_unref);
  g_object_set_data (G_OBJECT (task), "max-kept", GUINT_TO_POINTER (max_kept));
  g_task_run_in_thread (task, read_thread);
}

/**
 * vigil_preview_read_finish:
 *
 * Returns: (transfer full): the records, or %NULL with @error set
 */
VigilPreviewRecords *
vigil_preview_read_finish (VigilPreview  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (VIGIL_IS_PREVIEW (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The start of a CSV file -------------------------------------------------- */

/* As much of a file as the header's delimiter is told from. */
#define CSV_HEAD_BYTES 65536

/**
 * vigil_csv_head_free:
 */
void
vigil_csv_head_free (VigilCsvHead *head)
{
  if (head == NULL)
    return;
  g_clear_pointer (&head->columns, g_ptr_array_unref);
  g_clear_pointer (&head->rows, g_ptr_array_unref);
  g_free (head);
}

/* The digits at *@p, moved past them. */
static guint
skip_digits (const char **p)
{
  guint n = 0;

  while (g_ascii_isdigit (**p))
    {
      (*p)++;
      n++;
    }
  return n;
}

/* Whether @cell is a number with @mark as its decimal mark and digits
 * after it, thousands grouped by @group or a space, or not grouped:
 * "1.234,5" and "1234,5" with ','. */
static gboolean
written_with (const char *cell,
              char        mark,
              char        group)
{
  const char *p = cell;
  guint first;

  while (*p == ' ')
    p++;
  if (*p == '-' || *p == '+')
    p++;
  first = skip_digits (&p);
  if (first == 0)
    return FALSE;
  while (*p == group || *p == ' ')
    {
      p++;
      if (first > 3 || skip_digits (&p) != 3)
        return FALSE;
    }
  if (*p != mark)
    return FALSE;
  p++;
  if (skip_digits (&p) == 0)
    return FALSE;
  while (*p == ' ')
    p++;
  return *p == '\0';
}

/* A vote of @cell for the decimal mark it is written with: 1 for ',',
 * -1 for '.', 0 when it is no number or reads both ways ("1,234" is a
 * thousand and more with a point, one and a bit with a comma). */
static int
decimal_vote (const char *cell)
{
  const char *comma = strrchr (cell, ',');
  const char *point = strrchr (cell, '.');

  if (written_with (cell, ',', '.'))
    return point == NULL && strspn (comma + 1, "0123456789") == 3 ? 0 : 1;
  if (written_with (cell, '.', ','))
    return comma == NULL && strspn (point + 1, "0123456789") == 3 ? 0 : -1;
  return 0;
}

/**
 * vigil_csv_head_read:
 * @file: a CSV file
 * @max_rows: the most rows read after the header
 *
 * Reads the header of @file, with the delimiter an import would find
 * (vigil_csv_detect_delimiter()), and its first rows (a row of another
 * width than the header is left out: the import says so). The decimal
 * mark is ',' when more numbers are written with a decimal comma than
 * with a point, which a comma-delimited file cannot do unquoted.
 *
 * Returns: (transfer full): the head, or %NULL with @error set (the
 *   file cannot be read, is not CSV, or is empty)
 */
VigilCsvHead *
vigil_csv_head_read (GFile         *file,
                     guint          max_rows,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(VigilCsvReader) reader = NULL;
  g_autoptr(VigilCsvHead) head = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *bytes = g_malloc (CSV_HEAD_BYTES);
  g_autofree char *name = g_file_get_parse_name (file);
  gsize length = 0;
  int votes = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (!(stream = g_file_read (file, cancellable, error)) ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), bytes, CSV_HEAD_BYTES, &length, cancellable, error) ||
      !g_seekable_seek (G_SEEKABLE (stream), 0, G_SEEK_SET, cancellable, error))
    return NULL;

  head = g_new0 (VigilCsvHead, 1);
  head->columns = g_ptr_array_new_with_free_func (g_free);
  head->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  head->delimiter = vigil_csv_detect_delimiter (bytes, length);
  reader = vigil_csv_reader_new (G_INPUT_STREAM (stream));
  vigil_csv_reader_set_delimiter (reader, head->delimiter);
  if (!vigil_csv_reader_next_row (reader, cancellable, &local_error))
    {
      if (local_error == NULL)
        local_error = g_error_new_literal (VIGIL_ERROR, VIGIL_ERROR_PARSE, _("the file is empty"));
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", name);
      return NULL;
    }
  for (guint i = 0; i < vigil_csv_reader_get_n_fields (reader); i++)
    g_ptr_array_add (head->columns, g_strstrip (g_strdup (vigil_csv_reader_get_field (reader, i, NULL))));

  while (head->rows->len < max_rows && vigil_csv_reader_next_row (reader, cancellable, &local_error))
    {
      GStrv cells;

      if (vigil_csv_reader_get_n_fields (reader) != head->columns->len)
        continue;
      cells = g_new0 (char *, head->columns->len + 1);
      for (guint i = 0; i < head->columns->len; i++)
        {
          cells[i] = g_strdup (vigil_csv_reader_get_field (reader, i, NULL));
          votes += decimal_vote (cells[i]);
        }
      g_ptr_array_add (head->rows, cells);
    }
  if (local_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", name);
      return NULL;
    }
  head->decimal = votes > 0 && head->delimiter != ',' ? ',' : '.';
  return g_steal_pointer (&head);
}
