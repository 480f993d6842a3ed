/* test-poller.c: polling real HTTP endpoints on 127.0.0.1
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <string.h>

#include <libsoup/soup.h>
#ifdef G_OS_UNIX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

#include "vigil-core.h"
#include "vigil-test-book.h"
#include "vigil-test-poll.h"
#include "vigil-test-server.h"
#include "vigil-test-util.h"

#define TOKEN "sk-test-0123456789abcdef-secret"

typedef struct
{
  TestDir     dir;
  char       *db_path;
  VigilStore *store;
  SoupServer *server;
  char       *base;        /* http://127.0.0.1:PORT */
  guint       requests;
  char       *last_authorization;
  char       *last_user_agent;
  guint       slow_source;   /* the answer /slow gives too late */
  gboolean    not_modified;  /* of the last poll */
  guint       detail_in_flight;
  guint       detail_max_in_flight;
  GPtrArray  *detail_paths;
  VigilPollResult last_result;
  char       *last_if_none_match;
  gint64      max_records;   /* of the next poll's source; 0: the default */
  gboolean    locked_at_page_3;  /* whether a writer held the book while /late-broken page 3 was asked for */
  GArray     *client_ports;  /* of guint16: where each /keep-alive page was asked from */
  GArray     *quick_acks;    /* of int: the asking socket's TCP_QUICKACK then (-1: not found) */
} Fixture;

static char *
record_json (const char *id,
             gint64      calls)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"name\": \"Customer %s\", \"api_calls_7d\": %" G_GINT64_FORMAT
                          ", \"observed_at\": \"2026-11-21T12:00:00Z\"}", id, id, calls);
}

/* n records from first, as a JSON array body */
static char *
records_json (guint first,
              guint n)
{
  g_autoptr(GString) out = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", first + i);
      g_autofree char *record = record_json (id, 100 * (first + i));

      g_string_append_printf (out, "%s%s", i > 0 ? "," : "", record);
    }
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
query_int (GHashTable *query,
           const char *name,
           int         fallback)
{
  const char *value = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  return value != NULL ? atoi (value) : fallback;
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

typedef struct
{
  Fixture           *f;
  SoupServerMessage *msg;
  char              *id;
} DelayedDetail;

static gboolean
answer_detail_cb (gpointer data)
{
  DelayedDetail *detail = data;
  g_autofree char *body = NULL;

  if (g_str_equal (detail->id, "broken"))
    respond (detail->msg, 500, "{}");
  else
    {
      body = g_strdup_printf ("{\"usage\": {\"calls\": %zu, \"seats\": {\"total\": 10, \"active\": 9}}}",
                              strlen (detail->id) * 100);
      respond (detail->msg, 200, body);
    }
  detail->f->detail_in_flight--;
  soup_server_message_unpause (detail->msg);
  g_object_unref (detail->msg);
  g_free (detail->id);
  g_free (detail);
  return G_SOURCE_REMOVE;
}

static gboolean
answer_page_cb (gpointer data)
{
  SoupServerMessage *msg = data;
  g_autofree char *records = records_json (100, 2);
  g_autofree char *body = g_strdup_printf ("{\"customers\": %s}", records);

  respond (msg, 200, body);
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static gboolean
unpause_cb (gpointer data)
{
  SoupServerMessage *msg = data;

  respond (msg, 200, "{\"customers\": []}");
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

/* The TCP_QUICKACK state of this process's socket connected from
 * @local_port to @remote_port on 127.0.0.1 (the poller's side of a
 * connection the test server answers): 1 when it ACKs what it receives
 * at once, 0 when it delays the ACKs; -1 if there is no such socket. */
static int
client_quick_ack (guint16 local_port,
                  guint16 remote_port)
{
  int found = -1;
#ifdef TCP_QUICKACK
  g_autoptr(GDir) fds = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;

  while (found < 0 && fds != NULL && (name = g_dir_read_name (fds)) != NULL)
    {
      int fd = atoi (name);
      struct sockaddr_in local, remote;
      socklen_t local_length = sizeof local, remote_length = sizeof remote;
      int value = 0;
      socklen_t value_length = sizeof value;

      if (getsockname (fd, (struct sockaddr *) &local, &local_length) != 0 || local.sin_family != AF_INET ||
          getpeername (fd, (struct sockaddr *) &remote, &remote_length) != 0 ||
          ntohs (local.sin_port) != local_port || ntohs (remote.sin_port) != remote_port)
        continue;
      if (getsockopt (fd, IPPROTO_TCP, TCP_QUICKACK, &value, &value_length) == 0)
        found = value != 0;
    }
#endif
  return found;
}

/* Endpoints shaped like the pagination styles and failures of design 2. */
static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  int page = query_int (query, "page", 1);
  g_autofree char *body = NULL;

  f->requests++;
  g_free (f->last_user_agent);
  f->last_user_agent = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                               "User-Agent"));
  g_free (f->last_authorization);
  f->last_authorization = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                                  "Authorization"));

  if (g_str_equal (path, "/native"))
    {
      /* 3 pages of 4 customers; next is absolute */
      g_autofree char *records = records_json ((page - 1) * 4, 4);
      g_autofree char *next = page < 3 ? g_strdup_printf ("\"%s/native?page=%d\"", f->base, page + 1)
                                       : g_strdup ("null");

      body = g_strdup_printf ("{\"customers\": %s, \"next\": %s}", records, next);
    }
  else if (g_str_equal (path, "/keep-alive"))
    {
      /* 8 pages of 2 customers; each asks where the asking socket ACKs. */
      g_autofree char *records = records_json ((page - 1) * 2, 2);
      GSocketAddress *client = soup_server_message_get_remote_address (msg);
      GUri *uri = soup_server_message_get_uri (msg);
      guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (client));
      int quick_ack = client_quick_ack (port, (guint16) g_uri_get_port (uri));

      g_array_append_val (f->client_ports, port);
      g_array_append_val (f->quick_acks, quick_ack);
      if (page < 8)
        body = g_strdup_printf ("{\"customers\": %s, \"next\": \"?page=%d\"}", records, page + 1);
      else
        body = g_strdup_printf ("{\"customers\": %s}", records);
    }
  else if (g_str_equal (path, "/relative"))
    {
      g_autofree char *records = records_json ((page - 1) * 2, 2);

      body = g_strdup_printf ("{\"customers\": %s%s}", records, page < 2 ? ", \"next\": \"?page=2\"" : "");
    }
  else if (g_str_equal (path, "/cursor"))
    {
      const char *after = query != NULL ? g_hash_table_lookup (query, "after") : NULL;
      int start = after != NULL ? atoi (after) : 0;
      g_autofree char *records = records_json (start, 3);

      body = g_strdup_printf ("{\"results\": %s, \"meta\": {\"next_cursor\": %s}}", records,
                              start < 6 ? (start == 0 ? "\"3\"" : "\"6\"") : "\"\"");
    }
  else if (g_str_equal (path, "/paged"))
    body = page <= 2 ? records_json ((page - 1) * 5, 5) : g_strdup ("[]");
  else if (g_str_equal (path, "/link"))
    {
      body = records_json ((page - 1) * 2, 2);
      if (page < 3)
        {
          g_autofree char *link = g_strdup_printf ("</link?page=%d>; rel=\"next\", </link?page=1>; rel=first",
                                                   page + 1);

          soup_message_headers_append (soup_server_message_get_response_headers (msg), "Link", link);
        }
    }
  else if (g_str_equal (path, "/half-broken"))
    {
      /* page 1 fine, page 2 a server error: the whole poll fails */
      if (page == 1)
        body = g_strdup_printf ("{\"customers\": [{\"id\": \"x1\"}], \"next\": \"%s/half-broken?page=2\"}", f->base);
      else
        {
          respond (msg, 503, "{\"error\": \"maintenance\"}");
          return;
        }
    }
  else if (g_str_equal (path, "/late-broken"))
    {
      /* Three good pages of 3, then a fourth whose records are fine but
       * whose text is not JSON after them. */
      g_autofree char *records = records_json ((page - 1) * 3, 3);

      if (page == 3)
        f->locked_at_page_3 = test_book_write_locked (f->db_path);
      if (page <= 3)
        body = g_strdup_printf ("{\"customers\": %s, \"next\": \"?page=%d\"}", records, page + 1);
      else
        body = g_strdup_printf ("{\"customers\": %s, \"next\": null} ]", records);
    }
  else if (g_str_equal (path, "/slow-second"))
    {
      /* Two records, then two more 300 ms later. */
      g_autofree char *records = records_json (0, 2);

      if (page == 1)
        body = g_strdup_printf ("{\"customers\": %s, \"next\": \"?page=2\"}", records);
      else
        {
          soup_server_message_pause (msg);
          g_timeout_add_full (G_PRIORITY_DEFAULT, 300, answer_page_cb, g_object_ref (msg), g_object_unref);
          return;
        }
    }
  else if (g_str_equal (path, "/accounts-paged"))
    {
      /* 15 customers a page, two pages; the second may hold one whose
       * details fail. */
      GString *list = g_string_new ("{\"data\": [");
      const char *with_broken = query != NULL ? g_hash_table_lookup (query, "broken") : NULL;

      for (guint i = 0; i < 15; i++)
        g_string_append_printf (list, "%s{\"id\": \"p%d-%u\"}", i > 0 ? ", " : "", page, i);
      if (with_broken != NULL && page == 2)
        g_string_append (list, ", {\"id\": \"broken\"}");
      g_string_append (list, "]");
      if (page == 1)
        g_string_append_printf (list, ", \"next\": \"?page=2%s\"", with_broken != NULL ? "&broken=1" : "");
      g_string_append (list, "}");
      body = g_string_free (list, FALSE);
    }
  else if (g_str_equal (path, "/flaky"))
    {
      /* two server errors, then an answer */
      if (f->requests <= 2)
        {
          respond (msg, f->requests == 1 ? 502 : 503, "{}");
          return;
        }
      body = g_strdup ("{\"customers\": [{\"id\": \"f1\"}]}");
    }
  else if (g_str_equal (path, "/ratelimited"))
    {
      if (f->requests == 1)
        {
          soup_message_headers_append (soup_server_message_get_response_headers (msg), "Retry-After", "1");
          respond (msg, 429, "{}");
          return;
        }
      body = g_strdup ("{\"customers\": [{\"id\": \"r1\"}]}");
    }
  else if (g_str_equal (path, "/forbidden"))
    {
      respond (msg, 403, "{}");
      return;
    }
  else if (g_str_equal (path, "/escapes"))
    {
      /* A reason phrase that would turn a terminal red, then more
       * control characters (DEL, C1 CSI) and a byte that is not UTF-8. */
      soup_server_message_set_status (msg, 404, "\x1b[31mRED\x7f\xc2\x9b" "2J\xff \xe2\x80\x94 gone");
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
      return;
    }
  else if (g_str_equal (path, "/c1-in-json"))
    {
      /* U+009B (CSI) where a value should be: not JSON, and named. */
      respond (msg, 200, "{\"customers\": [], \"x\": \xc2\x9b}");
      return;
    }
  else if (g_str_equal (path, "/down"))
    {
      respond (msg, 500, "{}");
      return;
    }
  else if (g_str_equal (path, "/accounts"))
    {
      /* 30 customers; one id needs percent-encoding in the detail URL */
      GString *list = g_string_new ("{\"data\": [{\"id\": \"a b/c\"}");
      const char *with_broken = query != NULL ? g_hash_table_lookup (query, "broken") : NULL;

      for (guint i = 1; i < 30; i++)
        g_string_append_printf (list, ", {\"id\": \"d%u\"}", i);
      const char *with_id = query != NULL ? g_hash_table_lookup (query, "with") : NULL;

      if (with_broken != NULL)
        g_string_append (list, ", {\"id\": \"broken\"}");
      if (with_id != NULL)
        g_string_append_printf (list, ", {\"id\": \"%s\"}", with_id);
      g_string_append (list, "]}");
      body = g_string_free (list, FALSE);
    }
  else if (g_str_has_prefix (path, "/detail/"))
    {
      DelayedDetail *detail = g_new0 (DelayedDetail, 1);
      GUri *uri = soup_server_message_get_uri (msg);

      g_ptr_array_add (f->detail_paths, g_strdup (g_uri_get_path (uri)));
      detail->f = f;
      detail->msg = g_object_ref (msg);
      detail->id = g_uri_unescape_string (path + strlen ("/detail/"), NULL);
      f->detail_in_flight++;
      f->detail_max_in_flight = MAX (f->detail_max_in_flight, f->detail_in_flight);
      soup_server_message_pause (msg);
      /* 20 ms of latency per request */
      g_timeout_add (20, answer_detail_cb, detail);
      return;
    }
  else if (g_str_equal (path, "/etag"))
    {
      const char *match = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                        "If-None-Match");

      g_free (f->last_if_none_match);
      f->last_if_none_match = g_strdup (match);
      soup_message_headers_append (soup_server_message_get_response_headers (msg), "ETag", "\"v1\"");
      if (g_strcmp0 (match, "\"v1\"") == 0)
        {
          soup_server_message_set_status (msg, 304, NULL);
          return;
        }
      body = g_strdup ("{\"customers\": [{\"id\": \"e1\"}]}");
    }
  else if (g_str_equal (path, "/endless"))
    body = g_strdup_printf ("{\"customers\": [{\"id\": \"p%d\"}], \"next\": \"%s/endless?page=%d\"}",
                            page, f->base, page + 1);
  else if (g_str_equal (path, "/gzip"))
    {
      const char *plain = "{\"customers\": [{\"id\": \"z1\", \"api_calls_7d\": 5000}]}";
      g_autoptr(GConverter) compressor = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
      char compressed[512];
      gsize read = 0, written = 0;

      g_converter_convert (compressor, plain, strlen (plain), compressed, sizeof compressed,
                           G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Content-Encoding", "gzip");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, compressed, written);
      return;
    }
  else if (g_str_equal (path, "/notjson"))
    body = g_strdup ("<html>Login required</html>");
  else if (g_str_equal (path, "/big"))
    {
      GString *big = g_string_new ("{\"customers\": [");

      for (guint i = 0; i < 20000; i++)
        g_string_append_printf (big, "%s{\"id\": \"big%u\"}", i > 0 ? "," : "", i);
      g_string_append (big, "]}");
      /* Chunked, without a length: the limit must hold while it streams. */
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_TAKE,
                                big->str, big->len);
      soup_message_body_complete (soup_server_message_get_response_body (msg));
      g_string_free (big, FALSE);
      return;
    }
  else if (g_str_equal (path, "/loop"))
    body = g_strdup_printf ("{\"customers\": [{\"id\": \"l1\"}], \"next\": \"%s/loop\"}", f->base);
  else if (g_str_equal (path, "/auth"))
    {
      if (g_strcmp0 (f->last_authorization, "Bearer " TOKEN) != 0)
        {
          respond (msg, 401, "{\"error\": \"unauthorized\"}");
          return;
        }
      body = g_strdup ("{\"customers\": [{\"id\": \"a1\", \"api_calls_7d\": 5000}]}");
    }
  else if (g_str_equal (path, "/slow"))
    {
      soup_server_message_pause (msg);
      f->slow_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 4, unpause_cb, g_object_ref (msg),
                                                   g_object_unref);
      return;
    }
  else
    {
      respond (msg, 404, "{}");
      return;
    }

  respond (msg, 200, body);
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

  f->detail_paths = g_ptr_array_new_with_free_func (g_free);
  f->client_ports = g_array_new (FALSE, FALSE, sizeof (guint16));
  f->quick_acks = g_array_new (FALSE, FALSE, sizeof (int));
  f->server = test_server_new (handler, f, &f->base);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_handle_id (&f->slow_source, g_source_remove);
  test_server_clear (&f->server);
  g_clear_object (&f->store);
  g_free (f->db_path);
  g_free (f->base);
  g_free (f->last_authorization);
  g_free (f->last_user_agent);
  g_free (f->last_if_none_match);
  g_clear_pointer (&f->detail_paths, g_ptr_array_unref);
  g_clear_pointer (&f->client_ports, g_array_unref);
  g_clear_pointer (&f->quick_acks, g_array_unref);
  test_dir_clear (&f->dir);
}

static gboolean
poll (Fixture          *f,
      const char       *path,
      const char       *mapping,
      VigilIngestStats *stats,
      GError          **error)
{
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  g_autoptr(VigilSource) source = NULL;
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  VigilPollResult result = { { 0, }, };
  gboolean ok;

  source = vigil_source_new (path + 1, url);
  source->mapping = g_strdup (mapping);
  source->timeout_s = 1;
  source->concurrency = 6;
  source->max_bytes = 64 * 1024;
  if (f->max_records > 0)
    source->max_records = f->max_records;
  source->token_env = g_strdup (g_str_equal (path, "/auth") ? "VIGIL_TEST_TOKEN" : NULL);
  g_assert_true (vigil_source_validate (source, NULL));
  /* Sources live in the store, so validators can be kept. */
  {
    g_autoptr(VigilSource) stored = vigil_store_get_source (f->store, source->name, NULL);

    if (stored == NULL)
      g_assert_true (vigil_store_add_source (f->store, source, NULL));
    else
      source->id = stored->id;
  }

  /* Retries after 10 ms, 20 ms, 40 ms: quick, yet the real code path. */
  vigil_poller_set_retries (poller, 3, 10);
  vigil_poller_set_max_pages (poller, 50);
  ok = test_poll_run_result (poller, f->store, source, &result, error);

  if (stats != NULL)
    *stats = result.stats;
  f->not_modified = result.not_modified;
  f->last_result = result;
  return ok;
}

static void
test_poll_native_pages (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_true (poll (f, "/native", NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 3);
  g_assert_cmpuint (stats.stored, ==, 12);
  g_assert_cmpint (vigil_store_count_customers (f->store, NULL), ==, 12);
  g_assert_true (g_str_has_prefix (f->last_user_agent, "Vigil/" PACKAGE_VERSION));
}

/* design 2.5: pages come one after another on one kept-alive
 * connection, and the poller's socket ACKs each answer as it comes:
 * Linux would otherwise delay the ACK (it sees this side answer soon
 * after receiving), and a server that sends an answer in pieces with
 * Nagle's algorithm on waits for that ACK before its last piece. */
static void
test_poll_keep_alive_acks (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

#ifndef TCP_QUICKACK
  g_test_skip ("no TCP_QUICKACK here");
  return;
#endif
  g_assert_true (poll (f, "/keep-alive", NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 16);
  g_assert_cmpuint (f->quick_acks->len, ==, 8);
  for (guint i = 0; i < f->quick_acks->len; i++)
    {
      g_assert_cmpuint (g_array_index (f->client_ports, guint16, i), ==, g_array_index (f->client_ports, guint16, 0));
      g_assert_cmpint (g_array_index (f->quick_acks, int, i), ==, 1);
    }
}

static void
test_poll_relative_next (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_true (poll (f, "/relative", NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 2);
  g_assert_cmpuint (stats.stored, ==, 4);
}

static void
test_poll_cursor (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_true (poll (f, "/cursor",
                       "{\"records\": \"/results\", \"fields\": {\"id\": \"/id\", \"api_calls_7d\": \"/api_calls_7d\"},"
                       " \"pagination\": {\"style\": \"cursor\", \"pointer\": \"/meta/next_cursor\", \"param\": \"after\"}}",
                       &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 3);
  g_assert_cmpuint (stats.stored, ==, 9);
}

static void
test_poll_page_numbers (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_true (poll (f, "/paged",
                       "{\"records\": \"\", \"fields\": {\"id\": \"/id\"},"
                       " \"pagination\": {\"style\": \"page\", \"param\": \"page\", \"start\": 1}}",
                       &stats, &error));
  g_assert_no_error (error);
  /* pages 1 and 2, then the empty page 3 ends it */
  g_assert_cmpuint (f->requests, ==, 3);
  g_assert_cmpuint (stats.stored, ==, 10);
}

static void
test_poll_link_header (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_true (poll (f, "/link",
                       "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"pagination\": {\"style\": \"link-header\"}}",
                       &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 3);
  g_assert_cmpuint (stats.stored, ==, 6);
}

/* Everything a poll could change, as text, to compare before and after
 * (the sources themselves are added by this test's poll ()). */
static char *
dump_content (const char *db_path)
{
  static const char * const tables[][3] = {
    { "s.customer_id, s.observed_at, s.features, k.health",
      "snapshots s LEFT JOIN scores k USING (customer_id, observed_at)", "s.customer_id, s.observed_at" },
    { "id, external_id, name, latest_at", "customers", "id" },
    { "id, name", "features", "id" },
    { "source_id, url, etag", "source_validators", "source_id" },
  };
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *rows = test_book_rows (db_path, tables[t][0], tables[t][1], tables[t][2]);

      g_string_append_printf (out, "%s\n", rows != NULL ? rows : "");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Each bad response fails the poll as a whole and changes nothing. */
static void
test_poll_failures (Fixture       *f,
                    gconstpointer  data)
{
  static const struct { const char *path; const char *message; } cases[] = {
    { "/half-broken", "HTTP 503" },
    { "/notjson", "not JSON" },
    { "/big", "larger than 65536 bytes" },
    { "/loop", "page loop" },
    { "/endless", "more than 50 pages" },
    { "/missing", "HTTP 404" },
    { "/slow", "" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;

  g_assert_true (poll (f, "/native", NULL, NULL, &error));
  g_assert_no_error (error);
  before = dump_content (f->db_path);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) poll_error = NULL;

      g_test_message ("%s", cases[i].path);
      g_assert_false (poll (f, cases[i].path, NULL, NULL, &poll_error));
      g_assert_nonnull (poll_error);
      if (strstr (poll_error->message, cases[i].message) == NULL)
        g_error ("%s: “%s” does not say “%s”", cases[i].path, poll_error->message, cases[i].message);
      g_assert_nonnull (strstr (poll_error->message, cases[i].path));
      {
        g_autofree char *after = dump_content (f->db_path);

        g_assert_cmpstr (after, ==, before);
      }
    }
}

/* Text a server chose reaches a message (standard error, the source's
 * last error in the database) without control characters: each C0, DEL
 * and C1 character and each byte that is not UTF-8 becomes U+FFFD. */
static void
test_poll_server_text (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) reason_error = NULL;
  g_autoptr(GError) json_error = NULL;

  g_assert_false (poll (f, "/escapes", NULL, NULL, &reason_error));
  g_test_message ("%s", reason_error->message);
  g_assert_true (g_utf8_validate (reason_error->message, -1, NULL));
  g_assert_true (g_str_has_suffix (reason_error->message,
                                   "/escapes: HTTP 404 \xef\xbf\xbd[31mRED\xef\xbf\xbd\xef\xbf\xbd"
                                   "2J\xef\xbf\xbd \xe2\x80\x94 gone"));

  g_assert_false (poll (f, "/c1-in-json", NULL, NULL, &json_error));
  g_test_message ("%s", json_error->message);
  g_assert_nonnull (strstr (json_error->message, "unexpected control character U+009B"));
  g_assert_null (strstr (json_error->message, "\xc2\x9b"));

  /* The rule itself. */
  {
    static const struct { const char *text; gssize length; const char *printable; } cases[] = {
      { "plain text, déjà vu, 北京", -1, "plain text, déjà vu, 北京" },
      { "\x1b]8;;http://x\x07link", -1, "\xef\xbf\xbd]8;;http://x\xef\xbf\xbdlink" },
      { "tab\there\r\n", -1, "tab\xef\xbf\xbdhere\xef\xbf\xbd\xef\xbf\xbd" },
      { "a\0b", 3, "a\xef\xbf\xbd" "b" },
      { "\x7f\xc2\x80\xc2\x9f\xc2\xa0", -1, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc2\xa0" },
      { "\xc0\xaf\xed\xa0\x80x", -1,
        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx" },
      { "cut \xe2\x80", -1, "cut \xef\xbf\xbd\xef\xbf\xbd" },
      { "", -1, "" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *printable = vigil_text_printable (cases[i].text, cases[i].length);

        g_assert_cmpstr (printable, ==, cases[i].printable);
      }
  }
}

static void
test_poll_retries (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;
  gint64 started;

  g_assert_true (poll (f, "/flaky", NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 3);
  g_assert_cmpuint (stats.stored, ==, 1);

  /* Retry-After is honoured: the second try comes a second later. */
  f->requests = 0;
  started = g_get_monotonic_time ();
  g_assert_true (poll (f, "/ratelimited", NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 2);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 900000);

  /* Other 4xx are never retried; a server that stays down is tried 4 times. */
  f->requests = 0;
  g_assert_false (poll (f, "/forbidden", NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "HTTP 403"));
  g_assert_cmpuint (f->requests, ==, 1);
  g_clear_error (&error);

  f->requests = 0;
  g_assert_false (poll (f, "/down", NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "HTTP 500"));
  g_assert_cmpuint (f->requests, ==, 4);
}

static void
test_poll_etag (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_true (poll (f, "/etag", NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_null (f->last_if_none_match);
  g_assert_false (f->not_modified);
  g_assert_cmpuint (stats.stored, ==, 1);

  /* The next poll asks conditionally; 304 is a success with nothing new. */
  g_assert_true (poll (f, "/etag", NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->last_if_none_match, ==, "\"v1\"");
  g_assert_true (f->not_modified);
  g_assert_cmpuint (stats.stored, ==, 0);
  g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 1);
}

static const char detail_mapping[] =
  "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
  " \"detail_url\": \"%s/detail/{id}\","
  " \"detail_fields\": {\"api_calls_7d\": \"/usage/calls\", \"seats\": \"/usage/seats/total\","
  "   \"seats_used\": \"/usage/seats/active\"}}";

static void
test_poll_details (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mapping = g_strdup_printf (detail_mapping, f->base);
  g_autoptr(GPtrArray) rows = NULL;
  VigilIngestStats stats;
  gint64 customer;
  g_autoptr(GPtrArray) history = NULL;
  VigilSnapshot *snapshot;

  g_assert_true (poll (f, "/accounts", mapping, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 30);
  g_assert_cmpuint (f->last_result.details, ==, 30);
  /* The concurrency limit is honoured and reached. */
  g_assert_cmpuint (f->detail_max_in_flight, ==, 6);
  g_assert_cmpuint (f->last_result.max_in_flight, ==, 6);
  /* The id, percent-encoded into the template (see test-mapping), reaches
   * the server whole: its slash did not become a path separator. */
  g_assert_cmpuint (f->detail_paths->len, ==, 30);
  g_assert_true (g_ptr_array_find_with_equal_func (f->detail_paths, "/detail/a b/c", g_str_equal, NULL));

  customer = vigil_store_find_customer (f->store, "a b/c", NULL, &error);
  g_assert_no_error (error);
  history = vigil_store_list_history (f->store, customer, &error);
  g_assert_no_error (error);
  snapshot = ((VigilHistoryRow *) history->pdata[0])->snapshot;
  g_assert_cmpint (snapshot->api_calls_7d, ==, 500);
  g_assert_cmpint (snapshot->seats_used, ==, 9);
}

static void
test_poll_detail_failure (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mapping = g_strdup_printf (detail_mapping, f->base);

  g_assert_false (poll (f, "/accounts?broken=1", mapping, NULL, &error));
  g_assert_nonnull (strstr (error->message, "/detail/broken: HTTP 500"));
  g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 0);
}

/* An id of "." or ".." would take the detail request to another path
 * of the detail_url's origin (/detail/x/.. is /detail/): the poll fails
 * naming the id, as for a detail that fails, and nothing is stored. An
 * id that merely holds dots is an id like any other. */
static void
test_poll_detail_dot_ids (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *mapping = g_strdup_printf (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"}, \"detail_url\": \"%s/detail/x/{id}\","
    " \"detail_fields\": {\"api_calls_7d\": \"/usage/calls\"}}", f->base);
  static const char * const refused[] = { "..", "." };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("/accounts?with=%s", refused[i]);
      g_autofree char *quoted = g_strdup_printf ("the customer id “%s” cannot go into the detail_url's path",
                                                 refused[i]);

      g_ptr_array_set_size (f->detail_paths, 0);
      g_assert_false (poll (f, path, mapping, NULL, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, quoted));
      g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 0);
      for (guint p = 0; p < f->detail_paths->len; p++)
        g_assert_true (g_str_has_prefix (f->detail_paths->pdata[p], "/detail/x/"));
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_true (poll (f, "/accounts?with=...", mapping, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_ptr_array_find_with_equal_func (f->detail_paths, "/detail/x/...", g_str_equal, NULL));
  }
}

static const char paged_detail_mapping[] =
  "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
  " \"pagination\": {\"style\": \"next-url\", \"pointer\": \"/next\"},"
  " \"detail_url\": \"%s/detail/{id}\","
  " \"detail_fields\": {\"api_calls_7d\": \"/usage/calls\"}}";

/* Details are asked for page by page; a detail that fails on the second
 * page leaves nothing of the first stored. */
static void
test_poll_details_paged (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mapping = g_strdup_printf (paged_detail_mapping, f->base);
  gint64 customer;
  g_autoptr(GPtrArray) history = NULL;
  VigilIngestStats stats;

  g_assert_false (poll (f, "/accounts-paged?broken=1", mapping, NULL, &error));
  g_assert_nonnull (strstr (error->message, "/detail/broken: HTTP 500"));
  g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 0);
  g_assert_cmpint (vigil_store_count_customers (f->store, NULL), ==, 0);
  g_clear_error (&error);

  g_ptr_array_set_size (f->detail_paths, 0);
  g_assert_true (poll (f, "/accounts-paged", mapping, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->last_result.pages, ==, 2);
  g_assert_cmpuint (stats.stored, ==, 30);
  g_assert_cmpuint (f->last_result.details, ==, 30);
  g_assert_cmpuint (f->detail_paths->len, ==, 30);
  /* Each record of each page has its own details: "p2-14" (5 letters)
   * was given 500 calls by its detail answer. */
  customer = vigil_store_find_customer (f->store, "p2-14", NULL, &error);
  g_assert_no_error (error);
  history = vigil_store_list_history (f->store, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((VigilHistoryRow *) history->pdata[0])->snapshot->api_calls_7d, ==, 500);
}

/* Pages are stored as they come, into the poll's one transaction: it
 * holds the database while later pages are fetched, and a failure on a
 * later page rolls back the pages stored before it. */
static void
test_poll_pages_all_or_nothing (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (poll (f, "/relative", NULL, NULL, &error));
  g_assert_no_error (error);
  before = dump_content (f->db_path);

  f->locked_at_page_3 = FALSE;
  g_assert_false (poll (f, "/late-broken", NULL, NULL, &error));
  /* While page 3 was fetched, the first two were in the open transaction. */
  g_assert_true (f->locked_at_page_3);
  g_assert_nonnull (strstr (error->message, "/late-broken?page=4: not JSON"));
  after = dump_content (f->db_path);
  g_assert_cmpstr (after, ==, before);
  /* And the database is free again for the caller. */
  g_assert_false (test_book_write_locked (f->db_path));
}

/* More records than the source's limit, over all pages: refused, nothing
 * stored, what was there kept; exactly the limit is fine. */
static void
test_poll_record_limit (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  VigilIngestStats stats;

  g_assert_true (poll (f, "/relative", NULL, NULL, &error));
  g_assert_no_error (error);
  before = dump_content (f->db_path);

  /* /native has 12 records over 3 pages: the 12th, on page 3, is one too many. */
  f->max_records = 11;
  g_assert_false (poll (f, "/native", NULL, NULL, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“native” answered more than 11 records (--max-records): refused"));
  g_assert_nonnull (strstr (error->message, "/native?page=3"));
  g_clear_error (&error);
  after = dump_content (f->db_path);
  g_assert_cmpstr (after, ==, before);

  /* On the first page too. */
  f->max_records = 3;
  g_assert_false (poll (f, "/native", NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "more than 3 records"));
  g_clear_error (&error);
  g_clear_pointer (&after, g_free);
  after = dump_content (f->db_path);
  g_assert_cmpstr (after, ==, before);

  f->max_records = 12;
  g_assert_true (poll (f, "/native", NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.records_read, ==, 12);
  g_assert_cmpuint (stats.stored, ==, 12);
}

typedef struct
{
  TestPollWait  wait;
  guint        *pending;
} SharedWait;

static void
shared_poll_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SharedWait *wait = user_data;

  wait->wait.ok = vigil_poller_poll_finish (VIGIL_POLLER (object), result, &wait->wait.result,
                                            &wait->wait.error);
  if (--*wait->pending == 0)
    g_main_loop_quit (wait->wait.loop);
}

/* Two polls of one poller at once: the second waits for the first's
 * transaction instead of failing on the database's lock; both store. */
static void
test_poll_side_by_side (Fixture       *f,
                        gconstpointer  data)
{
  static const char * const paths[] = { "/slow-second", "/native" };
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  SharedWait waits[G_N_ELEMENTS (paths)];
  guint pending = G_N_ELEMENTS (paths);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = g_strconcat (f->base, paths[i], NULL);
      g_autoptr(VigilSource) source = vigil_source_new (paths[i] + 1, url);

      g_assert_true (vigil_store_add_source (f->store, source, NULL));
      waits[i] = (SharedWait) { { loop, FALSE, NULL, { { 0, }, } }, &pending };
      vigil_poller_poll_async (poller, f->store, source, NULL, shared_poll_cb, &waits[i]);
    }
  g_main_loop_run (loop);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_assert_no_error (waits[i].wait.error);
      g_assert_true (waits[i].wait.ok);
    }
  g_assert_cmpuint (waits[0].wait.result.stats.stored, ==, 4);
  g_assert_cmpuint (waits[1].wait.result.stats.stored, ==, 12);
  g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 16);
}

static void
test_poll_gzip (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_true (poll (f, "/gzip", NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autoptr(GBytes) bytes = test_read_bytes (path);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  gsize n = strlen (needle);

  /* The file holds NUL bytes: a plain byte search, not strstr. */
  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_poll_token (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = NULL;
  VigilIngestStats stats;

  g_unsetenv ("VIGIL_TEST_TOKEN");
  g_assert_false (poll (f, "/auth", NULL, &stats, &error));
  g_assert_nonnull (strstr (error->message, "VIGIL_TEST_TOKEN"));
  g_clear_error (&error);

  g_setenv ("VIGIL_TEST_TOKEN", TOKEN, TRUE);
  g_assert_true (poll (f, "/auth", NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->last_authorization, ==, "Bearer " TOKEN);
  g_assert_cmpuint (stats.stored, ==, 1);

  /* The token never reaches the database: on a team's book, no table
   * of the schema holds it, read whole. */
  g_clear_object (&f->store);
  if (vigil_store_location_is_shared (f->db_path))
    {
      g_assert_cmpint (test_book_int (f->db_path,
                                      "SELECT count(*) FROM information_schema.tables t, "
                                      "LATERAL (SELECT CAST (query_to_xml (format ('SELECT * FROM vigil.%I', "
                                      "t.table_name), true, false, '') AS text) AS x) q "
                                      "WHERE t.table_schema = 'vigil' AND strpos (q.x, '" TOKEN "') > 0"),
                       ==, 0);
      g_assert_cmpint (test_book_int (f->db_path,
                                      "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'vigil'"),
                       >, 10);
      g_unsetenv ("VIGIL_TEST_TOKEN");
      return;
    }
  wal = g_strconcat (f->db_path, "-wal", NULL);
  g_assert_false (file_contains (f->db_path, TOKEN));
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    g_assert_false (file_contains (wal, TOKEN));
  g_unsetenv ("VIGIL_TEST_TOKEN");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/poller/native-pages", test_poll_native_pages);
  ADD ("/core/poller/relative-next", test_poll_relative_next);
  ADD ("/core/poller/keep-alive-acks", test_poll_keep_alive_acks);
  ADD ("/core/poller/cursor", test_poll_cursor);
  ADD ("/core/poller/page-numbers", test_poll_page_numbers);
  ADD ("/core/poller/link-header", test_poll_link_header);
  ADD ("/core/poller/failures", test_poll_failures);
  ADD ("/core/poller/server-text", test_poll_server_text);
  ADD ("/core/poller/token", test_poll_token);
  ADD ("/core/poller/retries", test_poll_retries);
  ADD ("/core/poller/etag", test_poll_etag);
  ADD ("/core/poller/details", test_poll_details);
  ADD ("/core/poller/gzip", test_poll_gzip);
  ADD ("/core/poller/detail-failure", test_poll_detail_failure);
  ADD ("/core/poller/detail-dot-ids", test_poll_detail_dot_ids);
  ADD ("/core/poller/details-paged", test_poll_details_paged);
  ADD ("/core/poller/pages-all-or-nothing", test_poll_pages_all_or_nothing);
  ADD ("/core/poller/record-limit", test_poll_record_limit);
  ADD ("/core/poller/side-by-side", test_poll_side_by_side);
#undef ADD

  return g_test_run ();
}
