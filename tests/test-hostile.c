/* test-hostile.c: resource bounds against hostile input (issue 9)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nesting 100,000 deep, numbers past double, a 10 MB string, records
 * with 10,000 fields, a million features, an endpoint that dribbles one
 * byte a second: each ends in a clear error or a stored record, in
 * bounded time and memory, never in a crash. (The record reader's own
 * depth, 1e400 in a CSV and in a JSON line, and --max-bytes have their
 * tests in test-snapshot.c, test-import.c and test-poller.c.)
 */

/* Tests check with g_assert*() whatever the build type. */
#undef G_DISABLE_ASSERT
#undef G_DISABLE_CAST_CHECKS

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/resource.h>

#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-test-book.h"
#include "vigil-test-server.h"
#include "vigil-test-util.h"

#define DEEP 100000

typedef struct
{
  TestDir     dir;
  char       *db_path;
  VigilStore *store;
  SoupServer *server;
  char       *base;
  GBytes     *body;         /* what every path but /detail/… answers */
  GBytes     *detail_body;  /* what /detail/… answers */
} Fixture;

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *f = user_data;
  GBytes *body = g_str_has_prefix (path, "/detail/") && f->detail_body != NULL ? f->detail_body : f->body;

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  test_dir_init (&f->dir);
  f->db_path = vigil_test_book_location (&f->dir, "vigil.db");
  f->store = vigil_store_open (f->db_path, &error);
  g_assert_no_error (error);

  f->server = test_server_new (server_cb, f, &f->base);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  test_server_clear (&f->server);
  g_clear_pointer (&f->body, g_bytes_unref);
  g_clear_pointer (&f->detail_body, g_bytes_unref);
  g_free (f->base);
  g_free (f->db_path);
  test_dir_clear (&f->dir);
}

typedef struct
{
  GMainLoop       *loop;
  gboolean         ok;
  gboolean         done;
  GError          *error;
  VigilPollResult  result;
} Wait;

static void
poll_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = vigil_poller_poll_finish (VIGIL_POLLER (object), result, &wait->result, &wait->error);
  wait->done = TRUE;
  g_main_loop_quit (wait->loop);
}

static gboolean
give_up_cb (gpointer user_data)
{
  Wait *wait = user_data;

  g_main_loop_quit (wait->loop);
  return G_SOURCE_REMOVE;
}

/* Polls @url once with @timeout_s, through @mapping_json if given;
 * fails the test if it takes over @limit_s. */
static gboolean
poll_url_mapped (Fixture          *f,
                 const char       *name,
                 const char       *url,
                 const char       *mapping_json,
                 guint             timeout_s,
                 guint             limit_s,
                 VigilIngestStats *stats,
                 gboolean         *out_hung,
                 GError          **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(VigilSource) source = vigil_source_new (name, url);
  Wait wait = { loop, FALSE, FALSE, NULL, { { 0, }, 0, FALSE } };
  guint guard;

  source->mapping = g_strdup (mapping_json);
  source->timeout_s = timeout_s;
  source->concurrency = 2;
  source->max_bytes = 64 * 1024 * 1024;
  g_assert_true (vigil_store_add_source (f->store, source, NULL));

  vigil_poller_set_retries (poller, 0, 10);
  vigil_poller_poll_async (poller, f->store, source, cancellable, poll_cb, &wait);
  guard = g_timeout_add_seconds (limit_s, give_up_cb, &wait);
  g_main_loop_run (loop);
  if (!wait.done)
    {
      /* Stop it, and say so: the caller decides what that means. */
      g_cancellable_cancel (cancellable);
      while (!wait.done)
        g_main_context_iteration (NULL, TRUE);
      if (out_hung != NULL)
        *out_hung = TRUE;
      else
        g_error ("the poll of %s still ran after %u s (its timeout is %u s)", url, limit_s,
                 timeout_s);
    }
  else
    g_source_remove (guard);

  if (stats != NULL)
    *stats = wait.result.stats;
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

static gboolean
poll_url (Fixture          *f,
          const char       *name,
          const char       *url,
          guint             timeout_s,
          guint             limit_s,
          VigilIngestStats *stats,
          gboolean         *out_hung,
          GError          **error)
{
  return poll_url_mapped (f, name, url, NULL, timeout_s, limit_s, stats, out_hung, error);
}

static gboolean
import_text (Fixture          *f,
             const char       *name,
             const char       *text,
             gsize             length,
             const char       *mapping_json,
             VigilIngestStats *stats,
             GError          **error)
{
  g_autofree char *path = test_dir_file (&f->dir, name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (f->store);

  g_assert_true (g_file_set_contents (path, text, (gssize) length, NULL));
  vigil_importer_set_source (importer, name);
  /* As `--format jsonl`: a first line longer than the detection's head
   * is otherwise taken for a JSON document. */
  if (g_str_has_suffix (name, ".jsonl"))
    vigil_importer_set_format (importer, VIGIL_IMPORT_FORMAT_JSON_LINES);
  if (mapping_json != NULL)
    {
      g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (mapping_json, -1, NULL);

      g_assert_nonnull (mapping);
      vigil_importer_set_mapping (importer, mapping);
    }
  return vigil_importer_import_file (importer, file, NULL, stats, error);
}

static gint64
count_snapshots (Fixture *f)
{
  g_autoptr(GPtrArray) rows = vigil_store_list_portfolio (f->store, NULL, VIGIL_TIER_NONE, NULL);
  return rows != NULL ? (gint64) rows->len : -1;
}

static char *
deep_text (const char *before,
           const char *after)
{
  GString *text = g_string_new (before);

  for (int i = 0; i < DEEP; i++)
    g_string_append (text, "{\"a\":[");
  g_string_append_c (text, '1');
  for (int i = 0; i < DEEP; i++)
    g_string_append (text, "]}");
  g_string_append (text, after);
  return g_string_free (text, FALSE);
}

static glong
max_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/* 100,000 levels, wherever JSON comes in: a clear error, no stack overflow. */
static void
test_hostile_deep (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *document = deep_text ("{\"customers\": [{\"id\": \"deep\", \"x\": ", "}]}");
  g_autofree char *line = deep_text ("{\"id\": \"deep\", \"x\": ", "}\n");
  g_autofree char *mapping = deep_text ("{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"}, \"x\": ", "}");
  g_autofree char *url = g_strconcat (f->base, "/body", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilScorecard) scorecard = NULL;
  VigilIngestStats stats;

  g_assert_false (import_text (f, "deep.json", document, strlen (document), NULL, &stats, &error));
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
  g_clear_error (&error);

  /* JSON Lines through a mapping go to json-glib too. */
  g_assert_false (import_text (f, "deep.jsonl", line, strlen (line),
                               "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}}", &stats, &error));
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
  g_clear_error (&error);

  g_assert_null (vigil_mapping_new_from_data (mapping, -1, &error));
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
  g_clear_error (&error);

  scorecard = vigil_scorecard_new_from_json (mapping, 2, &error);
  g_assert_null (scorecard);
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
  g_clear_error (&error);

  g_assert_null (vigil_churn_model_new_from_json (mapping, &error));
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
  g_clear_error (&error);

  f->body = g_bytes_new (document, strlen (document));
  g_assert_false (poll_url (f, "deep", url, 5, 30, &stats, NULL, &error));
  g_assert_nonnull (strstr (error->message, "nested too deeply"));

  g_assert_cmpint (count_snapshots (f), ==, 0);
}

/* [[[…]]] a million levels deep: 2 MB, the detail answer that killed
 * `vigil poll` (issue 14). */
static char *
million_deep (const char *before,
              const char *after)
{
  GString *text = g_string_new (before);

  for (int i = 0; i < 1000000; i++)
    g_string_append_c (text, '[');
  for (int i = 0; i < 1000000; i++)
    g_string_append_c (text, ']');
  g_string_append (text, after);
  return g_string_free (text, FALSE);
}

static void
assert_too_deep (const GError *error,
                 const char   *where)
{
  g_assert_nonnull (error);
  g_test_message ("%s: %s", where, error->message);
  if (strstr (error->message, "column") == NULL || strstr (error->message, "nested too deeply") == NULL)
    g_error ("%s: “%s” does not name the column nested too deeply", where, error->message);
}

/* The same 2 MB through every way JSON comes in: each is a clear error
 * (or, in a CSV cell, an unusable value), never a stack overflow, and
 * nothing of a refused poll or import is stored. */
static void
test_hostile_deep_everywhere (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *bare = million_deep ("", "");
  g_autofree char *document = million_deep ("{\"customers\": [{\"id\": \"a\"}, ", "]}");
  g_autofree char *line = million_deep ("{\"id\": \"a\"}\n{\"id\": \"deep\", \"x\": ", "}\n");
  g_autofree char *mapped = million_deep ("{\"data\": [{\"id\": \"a\"}, {\"id\": \"deep\", \"x\": ", "}]}");
  g_autofree char *csv = million_deep ("id,features\ndeep,\"", "\"\n");
  g_autofree char *url = g_strconcat (f->base, "/list", NULL);
  g_autofree char *detail_mapping = g_strdup_printf (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"}, \"detail_url\": \"%s/detail/{id}\","
    " \"detail_fields\": {\"name\": \"/name\"}}", f->base);
  static const char list_mapping[] = "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"}}";
  static const char record_mapping[] = "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}}";
  static const char features_line[] = "{\"id\": \"feat\", \"features\": {\"a\": 1}}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) limits = NULL;
  g_autoptr(GPtrArray) history = NULL;
  VigilIngestStats stats;
  gint64 customer;

  g_assert_cmpuint (strlen (bare), ==, 2000000);

  /* Imports: a native document (whose first line is also read to tell
   * the format), one through a mapping, JSON Lines native and mapped. */
  g_assert_false (import_text (f, "deep.json", document, strlen (document), NULL, &stats, &error));
  assert_too_deep (error, "document");
  g_clear_error (&error);
  g_assert_false (import_text (f, "mapped.json", mapped, strlen (mapped), list_mapping, &stats, &error));
  assert_too_deep (error, "document through a mapping");
  g_clear_error (&error);
  g_assert_false (import_text (f, "deep.jsonl", line, strlen (line), NULL, &stats, &error));
  assert_too_deep (error, "JSON Lines");
  g_assert_nonnull (strstr (error->message, "line 2, column"));
  g_clear_error (&error);
  g_assert_false (import_text (f, "mapped.jsonl", line, strlen (line), record_mapping, &stats, &error));
  assert_too_deep (error, "JSON Lines through a mapping");
  g_assert_nonnull (strstr (error->message, "line 2, column"));
  g_clear_error (&error);
  g_assert_cmpint (count_snapshots (f), ==, 0);

  /* A CSV cell of features is JSON too: an unusable value there. */
  g_assert_true (import_text (f, "deep.csv", csv, strlen (csv), NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);
  g_assert_cmpuint (stats.unknown_values, ==, 1);

  /* Settings: a mapping, a scorecard, a churn model, stored limits. */
  g_assert_null (vigil_mapping_new_from_data (bare, -1, &error));
  assert_too_deep (error, "mapping");
  g_clear_error (&error);
  g_assert_null (vigil_scorecard_new_from_json (bare, 2, &error));
  assert_too_deep (error, "scorecard");
  g_clear_error (&error);
  g_assert_null (vigil_churn_model_new_from_json (bare, &error));
  assert_too_deep (error, "churn model");
  g_clear_error (&error);

  g_assert_true (vigil_store_set_meta (f->store, "plan_limits", bare, &error));
  g_assert_null (vigil_triggers_load_plan_limits (f->store, &error));
  assert_too_deep (error, "stored plan limits");
  g_clear_error (&error);
  /* Setting a limit replaces what could not be read. */
  g_assert_true (vigil_triggers_set_plan_limit (f->store, "pro", 100, &error));
  g_assert_no_error (error);
  limits = vigil_triggers_load_plan_limits (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (limits), ==, 1);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (limits, "pro"), ==, 100);

  /* A snapshot's stored features, edited into the database by hand:
   * read as unknown, not a crash. */
  g_assert_true (import_text (f, "features.jsonl", features_line, strlen (features_line), NULL,
                              &stats, &error));
  {
    g_autofree char *quoted = test_book_quote (bare);
    g_autofree char *sql = g_strdup_printf ("UPDATE snapshots SET features = %s WHERE features IS NOT NULL",
                                            quoted);

    g_assert_cmpint (test_book_int (f->db_path, "SELECT count(*) FROM snapshots WHERE features IS NOT NULL"),
                     ==, 1);
    test_book_exec (f->db_path, sql);
  }
  customer = vigil_store_find_customer (f->store, "feat", "features.jsonl", &error);
  g_assert_cmpint (customer, >, 0);
  history = vigil_store_list_history (f->store, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_null (((VigilHistoryRow *) g_ptr_array_index (history, 0))->snapshot->features);

  /* Polls: a page, and a detail answer. */
  f->body = g_bytes_new (document, strlen (document));
  g_assert_false (poll_url (f, "deep-page", url, 5, 60, &stats, NULL, &error));
  assert_too_deep (error, "page");
  g_clear_error (&error);

  g_clear_pointer (&f->body, g_bytes_unref);
  {
    static const char list[] = "{\"data\": [{\"id\": \"a\"}, {\"id\": \"b\"}]}";

    f->body = g_bytes_new_static (list, strlen (list));
  }
  f->detail_body = g_bytes_new (bare, strlen (bare));
  g_assert_false (poll_url_mapped (f, "deep-detail", url, detail_mapping, 5, 60, &stats, NULL, &error));
  assert_too_deep (error, "detail");
  g_assert_nonnull (strstr (error->message, "detail"));
  g_clear_error (&error);

  /* The CSV's and the JSON line's records, nothing of any refused one. */
  g_assert_cmpint (count_snapshots (f), ==, 2);
}

/* U+0000 in an id: the record has no usable id and is skipped, counted;
 * "dup\u0000A" is not "dup" (two customers merged before). Nor does a
 * feature named "a\u0000x" become "a". */
static void
test_hostile_nul_in_ids (Fixture       *f,
                         gconstpointer  data)
{
  static const char records[] =
    "{\"id\": \"dup\\u0000A\", \"mrr\": 1}, {\"id\": \"dup\\u0000B\", \"mrr\": 2},"
    " {\"id\": \"dup\", \"mrr\": 3, \"features\": {\"a\": 0, \"a\\u0000x\": 5}},"
    " {\"id\\u0000\": \"shadow\", \"id\": \"other\"}";
  static const char lines[] =
    "{\"id\": \"dup\\u0000A\", \"mrr\": 1}\n{\"id\": \"dup\\u0000B\", \"mrr\": 2}\n"
    "{\"id\": \"dup\", \"mrr\": 3, \"features\": {\"a\": 0, \"a\\u0000x\": 5}}\n"
    "{\"id\\u0000\": \"shadow\", \"id\": \"other\"}\n";
  static const char record_mapping[] =
    "{\"records\": \"\", \"fields\": {\"id\": \"/id\", \"mrr\": \"/mrr\", \"features\": \"/features\"}}";
  static const char list_mapping[] =
    "{\"records\": \"/customers\", \"fields\": {\"id\": \"/id\", \"mrr\": \"/mrr\", \"features\": \"/features\"}}";
  g_autofree char *document = g_strdup_printf ("{\"customers\": [%s]}", records);
  g_autofree char *url = g_strconcat (f->base, "/usage", NULL);
  static const char *sources[] = { "poll", "native.json", "mapped.json", "native.jsonl", "mapped.jsonl" };
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats[G_N_ELEMENTS (sources)];
  g_autoptr(GPtrArray) rows = NULL;

  f->body = g_bytes_new (document, strlen (document));
  g_assert_true (poll_url (f, "poll", url, 5, 30, &stats[0], NULL, &error));
  g_assert_no_error (error);
  g_assert_true (import_text (f, "native.json", document, strlen (document), NULL, &stats[1], &error));
  g_assert_no_error (error);
  g_assert_true (import_text (f, "mapped.json", document, strlen (document), list_mapping, &stats[2], &error));
  g_assert_no_error (error);
  g_assert_true (import_text (f, "native.jsonl", lines, strlen (lines), NULL, &stats[3], &error));
  g_assert_no_error (error);
  g_assert_true (import_text (f, "mapped.jsonl", lines, strlen (lines), record_mapping, &stats[4], &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_test_message ("%s: %" G_GUINT64_FORMAT " read, %" G_GUINT64_FORMAT " stored, %"
                      G_GUINT64_FORMAT " skipped", sources[i], stats[i].records_read,
                      stats[i].stored, stats[i].skipped);
      g_assert_cmpuint (stats[i].records_read, ==, 4);
      g_assert_cmpuint (stats[i].stored, ==, 2);
      g_assert_cmpuint (stats[i].skipped, ==, 2);
    }

  rows = vigil_store_list_portfolio (f->store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2 * G_N_ELEMENTS (sources));
  for (guint i = 0; i < rows->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (rows, i);
      const VigilSnapshot *latest = row->latest;

      if (g_str_equal (latest->customer_id, "other"))
        continue;
      /* "dup" is dup's own record, not one of the others merged in. */
      g_assert_cmpstr (latest->customer_id, ==, "dup");
      g_assert_cmpfloat (latest->mrr, ==, 3);
      g_assert_cmpint (vigil_snapshot_get_features_used (latest), ==, 0);
    }
}

/* A number past double's range is valid JSON, stored as unknown, counted. */
static void
test_hostile_huge_numbers (Fixture       *f,
                           gconstpointer  data)
{
  static const char body[] =
    "{\"customers\": [{\"id\": \"big\", \"mrr\": 1e400, \"seats\": -1e400, \"seats_used\": 1e19,"
    " \"api_calls_7d\": 123456789012345678901234567890, \"nps\": 1e-400,"
    " \"features\": {\"a\": 1e400, \"b\": 2}}]}";
  g_autofree char *url = g_strconcat (f->base, "/body", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  VigilPortfolioRow *row;
  VigilIngestStats stats;

  f->body = g_bytes_new_static (body, strlen (body));
  g_assert_true (poll_url (f, "numbers", url, 5, 30, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);
  g_assert_cmpuint (stats.unknown_values, >=, 5);

  rows = vigil_store_list_portfolio (f->store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = g_ptr_array_index (rows, 0);
  g_assert_true (isnan (row->latest->mrr));
  g_assert_cmpint (row->latest->seats, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (row->latest->seats_used, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (row->latest->api_calls_7d, ==, VIGIL_UNKNOWN);
}

/* A 10 MB name, in a JSON line and in a poll: stored in bounded time. */
static void
test_hostile_huge_string (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GString) line = g_string_new ("{\"id\": \"long\", \"name\": \"");
  g_autofree char *url = g_strconcat (f->base, "/body", NULL);
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GString) body = NULL;

  for (int i = 0; i < 10 * 1024 * 1024 / 16; i++)
    g_string_append (line, "0123456789abcdef");
  g_string_append (line, "\", \"mrr\": 10}\n");

  g_assert_true (import_text (f, "long.jsonl", line->str, line->len, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);

  body = g_string_new ("{\"customers\": [");
  g_string_append_len (body, line->str, line->len - 1);
  g_string_append (body, "]}");
  f->body = g_bytes_new (body->str, body->len);
  g_assert_true (poll_url (f, "long", url, 5, 30, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);

  g_test_message ("10 MB string: imported and polled in %.2f s, peak RSS %ld MiB",
                  (g_get_monotonic_time () - start) / 1e6, max_rss_kib () / 1024);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
}

/* A record with 10,000 members and a CSV with 10,000 columns. */
static void
test_hostile_many_fields (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GString) line = g_string_new ("{");
  g_autoptr(GString) csv = g_string_new ("");
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;
  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < 10000; i++)
    g_string_append_printf (line, "\"field_%d\": %d, ", i, i);
  /* The known ones last, and some twice: the last one wins or the first, never a crash. */
  g_string_append (line, "\"mrr\": 5, \"mrr\": 6, \"id\": \"wide\"}\n");
  g_assert_true (import_text (f, "wide.jsonl", line->str, line->len, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);

  for (int i = 0; i < 10000; i++)
    g_string_append_printf (csv, "extra_%d,", i);
  g_string_append (csv, "id,mrr\n");
  for (int row = 0; row < 3; row++)
    {
      for (int i = 0; i < 10000; i++)
        g_string_append_printf (csv, "%d,", i);
      g_string_append_printf (csv, "wide-%d,%d\n", row, row);
    }
  g_assert_true (import_text (f, "wide.csv", csv->str, csv->len, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 3);

  g_test_message ("10,000 fields: %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
}

/* One record using a million features: bounded time and memory. */
static void
test_hostile_million_features (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GString) line = g_string_new ("{\"id\": \"many\", \"features\": {");
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;
  gint64 start;
  glong rss_before;
  guint n = 1000000;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (line, "%s\"feature-%u\": %u", i > 0 ? ", " : "", i, i % 7);
  g_string_append (line, "}}\n");

  rss_before = max_rss_kib ();
  start = g_get_monotonic_time ();
  g_assert_true (import_text (f, "features.jsonl", line->str, line->len, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);
  /* Kept up to the cap; the rest counted as unusable. */
  g_assert_cmpuint (stats.unknown_values, ==, n - VIGIL_SNAPSHOT_MAX_FEATURES);
  g_test_message ("a million features (%zu bytes): %.2f s, peak RSS %ld MiB (%ld MiB before)",
                  line->len, (g_get_monotonic_time () - start) / 1e6, max_rss_kib () / 1024,
                  rss_before / 1024);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
  g_assert_cmpint (max_rss_kib (), <, 1024 * 1024);
}

/* Slow loris: headers at once, then one byte a second. */
typedef struct
{
  GSocket  *listener;
  gboolean  stop;
  guint     bytes_sent;
} Loris;

static gpointer
loris_thread (gpointer data)
{
  Loris *loris = data;
  g_autoptr(GSocket) client = g_socket_accept (loris->listener, NULL, NULL);
  static const char headers[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
  char request[4096];

  if (client == NULL)
    return NULL;
  g_socket_receive (client, request, sizeof request, NULL, NULL);
  g_socket_send (client, headers, strlen (headers), NULL, NULL);
  for (int i = 0; i < 60 && !g_atomic_int_get (&loris->stop); i++)
    {
      if (g_socket_send (client, i == 0 ? "{" : " ", 1, NULL, NULL) != 1)
        break;
      g_atomic_int_inc (&loris->bytes_sent);
      g_usleep (G_USEC_PER_SEC);
    }
  return NULL;
}

static void
test_hostile_slow_loris (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  Loris loris = { NULL, FALSE, 0 };
  gboolean hung = FALSE;
  GThread *thread;
  gint64 start;
  double elapsed;

  loris.listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (loris.listener, address, TRUE, &error));
  g_assert_true (g_socket_listen (loris.listener, &error));
  bound = g_socket_get_local_address (loris.listener, &error);
  url = g_strdup_printf ("http://127.0.0.1:%u/usage",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  thread = g_thread_new ("loris", loris_thread, &loris);

  start = g_get_monotonic_time ();
  g_assert_false (poll_url (f, "loris", url, 2, 8, NULL, &hung, &error));
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  /* The source's 2 s timeout bounds the whole answer, which a byte a
   * second never completes: the poll must have failed, not hung. */
  g_assert_false (hung);
  g_test_message ("slow loris: failed after %.1f s (%u bytes dribbled): %s", elapsed,
                  g_atomic_int_get (&loris.bytes_sent), error->message);
  g_assert_nonnull (error);
  /* The source's 2 s timeout bounds the whole request, not each byte. */
  g_assert_cmpfloat (elapsed, <, 6.0);
  g_assert_cmpint (count_snapshots (f), ==, 0);

  g_atomic_int_set (&loris.stop, TRUE);
  g_socket_close (loris.listener, NULL);
  g_thread_join (thread);
  g_clear_object (&loris.listener);
}

/* A member given twice on the records' path: a poll and an import of the
 * same text agree, and refuse it, naming the records' place; nothing of
 * either array is stored (design 2.3). */
static void
test_hostile_repeated_records (Fixture       *f,
                               gconstpointer  data)
{
  static const struct { const char *mapping; const char *text; const char *where; } cases[] = {
    { NULL, "{\"customers\": [{\"id\": \"A\"}], \"customers\": [{\"id\": \"B\"}]}", "“/customers”" },
    { NULL, "{\"customers\": [], \"customers\": [{\"id\": \"B\"}]}", "“/customers”" },
    { "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"}}",
      "{\"data\": [{\"id\": \"A\"}], \"data\": [{\"id\": \"B\"}]}", "“/data”" },
    /* Given twice further up the path. */
    { "{\"records\": \"/page/items\", \"fields\": {\"id\": \"/id\"}}",
      "{\"page\": {\"items\": [{\"id\": \"A\"}]},\n \"page\": {\"items\": [{\"id\": \"B\"}]}}",
      "“/page/items”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("twice-%u", i);
      g_autofree char *file_name = g_strdup_printf ("twice-%u.json", i);
      g_autofree char *url = g_strdup_printf ("%s/twice-%u", f->base, i);
      g_autoptr(GError) poll_error = NULL;
      g_autoptr(GError) import_error = NULL;

      g_clear_pointer (&f->body, g_bytes_unref);
      f->body = g_bytes_new_static (cases[i].text, strlen (cases[i].text));
      g_assert_false (poll_url_mapped (f, name, url, cases[i].mapping, 10, 60, NULL, NULL, &poll_error));
      g_assert_false (import_text (f, file_name, cases[i].text, strlen (cases[i].text), cases[i].mapping,
                                   NULL, &import_error));
      g_test_message ("%s / %s", poll_error->message, import_error->message);
      g_assert_error (poll_error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
      g_assert_error (import_error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
      g_assert_nonnull (strstr (poll_error->message, "more than one array of records at"));
      g_assert_nonnull (strstr (poll_error->message, cases[i].where));
      g_assert_nonnull (strstr (import_error->message, "more than one array of records at"));
      g_assert_nonnull (strstr (import_error->message, cases[i].where));
      g_assert_cmpint (count_snapshots (f), ==, 0);
    }

  /* Once is fine, as ever. */
  {
    const char *once = "{\"customers\": [{\"id\": \"B\"}], \"next\": null}";
    g_autoptr(GError) error = NULL;
    VigilIngestStats stats;

    g_assert_true (import_text (f, "once.json", once, strlen (once), NULL, &stats, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (stats.stored, ==, 1);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/hostile/deep-nesting", test_hostile_deep);
  ADD ("/hostile/deep-everywhere", test_hostile_deep_everywhere);
  ADD ("/hostile/nul-in-ids", test_hostile_nul_in_ids);
  ADD ("/hostile/huge-numbers", test_hostile_huge_numbers);
  ADD ("/hostile/huge-string", test_hostile_huge_string);
  ADD ("/hostile/many-fields", test_hostile_many_fields);
  ADD ("/hostile/million-features", test_hostile_million_features);
  ADD ("/hostile/slow-loris", test_hostile_slow_loris);
  ADD ("/hostile/repeated-records", test_hostile_repeated_records);
  return g_test_run ();
}
