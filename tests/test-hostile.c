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
#include "vigil-test-util.h"

#define DEEP 100000

typedef struct
{
  TestDir     dir;
  char       *db_path;
  VigilStore *store;
  SoupServer *server;
  char       *base;
  GBytes     *body;      /* what /body answers */
} Fixture;

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *f = user_data;

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (f->body, NULL), g_bytes_get_size (f->body));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *uri = NULL;

  test_dir_init (&f->dir);
  f->db_path = test_dir_file (&f->dir, "vigil.db");
  f->store = vigil_store_open (f->db_path, &error);
  g_assert_no_error (error);

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, server_cb, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  uri = g_uri_to_string (uris->data);
  f->base = g_strdup (uri);
  if (g_str_has_suffix (f->base, "/"))
    f->base[strlen (f->base) - 1] = '\0';
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  if (f->server != NULL)
    soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_clear_pointer (&f->body, g_bytes_unref);
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

/* Polls @url once with @timeout_s; fails the test if it takes over @limit_s. */
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
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(VigilSource) source = vigil_source_new (name, url);
  Wait wait = { loop, FALSE, FALSE, NULL, { { 0, }, 0, FALSE } };
  guint guard;

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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/hostile/deep-nesting", test_hostile_deep);
  ADD ("/hostile/huge-numbers", test_hostile_huge_numbers);
  ADD ("/hostile/huge-string", test_hostile_huge_string);
  ADD ("/hostile/many-fields", test_hostile_many_fields);
  ADD ("/hostile/million-features", test_hostile_million_features);
  ADD ("/hostile/slow-loris", test_hostile_slow_loris);
  return g_test_run ();
}
