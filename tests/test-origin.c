/* test-origin.c: a source's secrets go to its own origin only
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two loopback servers on different ports: "home", where the source
 * is, and "other", where pages, links and redirects try to lead. The
 * other server must never see a request, let alone the token or the
 * query secret; the poll fails naming both origins and stores nothing.
 * The keyring-held header secret is covered the same way in
 * test-secrets.c, which runs with a keyring; the https → http downgrade
 * in test-tls.c, which has a TLS server.
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-test-poll.h"
#include "vigil-test-util.h"

#define TOKEN "tok-origin-5d1f9a3c7e"
#define API_KEY "key-origin-8b2e6f0a4c"
#define TOKEN_VAR "VIGIL_ORIGIN_TEST_TOKEN"
#define API_KEY_VAR "VIGIL_ORIGIN_TEST_API_KEY"

/* What one server saw. */
typedef struct
{
  SoupServer *server;
  char       *base;           /* http://127.0.0.1:PORT */
  guint       requests;
  guint       with_token;     /* requests carrying "Bearer TOKEN" */
  guint       with_api_key;   /* requests carrying api_key=API_KEY */
  guint       any_secret;     /* requests carrying either, or any Authorization */
} Server;

typedef struct
{
  TestDir     dir;
  char       *db_path;
  VigilStore *store;
  Server      home;
  Server      other;
} Fixture;

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
redirect (SoupServerMessage *msg,
          guint              status,
          const char        *location)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location", location);
  respond (msg, status, "{}");
}

/* Counts the request and the secrets it carries. */
static void
record (Server            *server,
        SoupServerMessage *msg,
        GHashTable        *query)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  const char *api_key = query != NULL ? g_hash_table_lookup (query, "api_key") : NULL;
  g_autofree char *uri = g_uri_to_string (soup_server_message_get_uri (msg));

  server->requests++;
  if (g_strcmp0 (authorization, "Bearer " TOKEN) == 0)
    server->with_token++;
  if (g_strcmp0 (api_key, API_KEY) == 0)
    server->with_api_key++;
  if (authorization != NULL || api_key != NULL || strstr (uri, API_KEY) != NULL)
    server->any_secret++;
}

static const char detail_body[] = "{\"usage\": {\"calls\": 4200}}";

static void
home_handler (SoupServer        *soup_server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fixture *f = user_data;
  const char *page = query != NULL ? g_hash_table_lookup (query, "page") : NULL;
  g_autofree char *body = NULL;

  record (&f->home, msg, query);

  if (g_str_equal (path, "/native-home"))
    /* Two pages, both here: the secrets go with both. */
    body = page == NULL ? g_strdup_printf ("{\"customers\": [{\"id\": \"h1\"}], \"next\": \"%s/native-home?page=2\"}",
                                           f->home.base)
                        : g_strdup ("{\"customers\": [{\"id\": \"h2\"}]}");
  else if (g_str_equal (path, "/native-away"))
    body = g_strdup_printf ("{\"customers\": [{\"id\": \"n1\"}], \"next\": \"%s/native?page=2\"}", f->other.base);
  else if (g_str_equal (path, "/native-userinfo"))
    /* Looks like home to a careless reader; the host is the other's. */
    body = g_strdup_printf ("{\"customers\": [{\"id\": \"n1\"}], \"next\": \"http://%s@%s/x\"}",
                            f->home.base + strlen ("http://"), f->other.base + strlen ("http://"));
  else if (g_str_equal (path, "/native-scheme-relative"))
    body = g_strdup_printf ("{\"customers\": [{\"id\": \"n1\"}], \"next\": \"//%s/x\"}",
                            f->other.base + strlen ("http://"));
  else if (g_str_equal (path, "/native-hostname"))
    /* Same port, another host name: another origin. */
    body = g_strdup_printf ("{\"customers\": [{\"id\": \"n1\"}], \"next\": \"http://localhost:%s/native-home\"}",
                            strrchr (f->home.base, ':') + 1);
  else if (g_str_equal (path, "/next-url-away"))
    body = g_strdup_printf ("{\"data\": [{\"id\": \"u1\"}], \"links\": {\"next\": \"%s/next\"}}", f->other.base);
  else if (g_str_equal (path, "/link-away"))
    {
      g_autofree char *link = g_strdup_printf ("<%s/link?page=2>; rel=\"next\"", f->other.base);

      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Link", link);
      body = g_strdup ("[{\"id\": \"l1\"}]");
    }
  else if (g_str_has_prefix (path, "/redirect-away/"))
    {
      g_autofree char *location = g_strdup_printf ("%s/landing", f->other.base);

      redirect (msg, (guint) atoi (path + strlen ("/redirect-away/")), location);
      return;
    }
  else if (g_str_has_prefix (path, "/hops/"))
    {
      /* /hops/N redirects N times, by relative Locations, then answers. */
      int left = atoi (path + strlen ("/hops/"));

      if (left > 0)
        {
          g_autofree char *location = g_strdup_printf ("/hops/%d", left - 1);

          redirect (msg, left % 2 == 0 ? 301 : 307, location);
          return;
        }
      body = g_strdup ("{\"customers\": [{\"id\": \"r1\"}]}");
    }
  else if (g_str_equal (path, "/redirected-next"))
    /* Redirected to a folder whose relative next link stays home. */
    {
      redirect (msg, 302, "/folder/list");
      return;
    }
  else if (g_str_equal (path, "/folder/list"))
    body = g_strdup ("{\"customers\": [{\"id\": \"f1\"}], \"next\": \"second\"}");
  else if (g_str_equal (path, "/folder/second"))
    body = g_strdup ("{\"customers\": [{\"id\": \"f2\"}]}");
  else if (g_str_has_prefix (path, "/echo"))
    {
      /* A next link that repeats the secret, then a failing page: the
       * error names the page, never the secret. The name in another
       * case, escaped, or after a ";" is the same parameter. */
      const char *pair = g_str_equal (path, "/echo-upper") ? "&API_KEY="
                         : g_str_equal (path, "/echo-semicolon") ? ";api_key="
                         : g_str_equal (path, "/echo-escaped") ? "&Api%5fKey="
                         : "&api_key=";
      g_autofree char *query_text = g_strconcat ("page=2", pair, API_KEY, NULL);

      if (page == NULL)
        body = g_strdup_printf ("{\"customers\": [{\"id\": \"e1\"}], \"next\": \"%s?%s\"}",
                                path, query_text);
      else
        {
          respond (msg, 500, "{}");
          return;
        }
    }
  else if (g_str_equal (path, "/accounts"))
    body = g_strdup ("{\"data\": [{\"id\": \"d1\"}, {\"id\": \"d2\"}]}");
  else if (g_str_has_prefix (path, "/detail/"))
    body = g_strdup (detail_body);
  else if (g_str_has_prefix (path, "/detail-away/"))
    {
      g_autofree char *location = g_strdup_printf ("%s/detail/%s", f->other.base,
                                                   path + strlen ("/detail-away/"));

      redirect (msg, 302, location);
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
other_handler (SoupServer        *soup_server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fixture *f = user_data;

  record (&f->other, msg, query);
  if (g_str_has_prefix (path, "/detail/"))
    respond (msg, 200, detail_body);
  else if (g_str_has_prefix (path, "/bounce/"))
    {
      /* From the detail_url's origin back to the source's: still not
       * the detail request's own origin. */
      g_autofree char *location = g_strdup_printf ("%s/detail/%s", f->home.base, path + strlen ("/bounce/"));

      redirect (msg, 307, location);
    }
  else
    /* Were anything sent here, it would be stored as data. */
    respond (msg, 200, "{\"customers\": [{\"id\": \"stolen\"}], \"data\": [{\"id\": \"stolen\"}]}");
}

static void
server_start (Server             *server,
              SoupServerCallback  handler,
              gpointer            user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  server->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->server, NULL, handler, user_data, NULL);
  soup_server_listen_local (server->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server->server);
  server->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

static void
server_stop (Server *server)
{
  soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  g_clear_pointer (&server->base, g_free);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  test_dir_init (&f->dir);
  f->db_path = test_dir_file (&f->dir, "vigil.db");
  f->store = vigil_store_open (f->db_path, &error);
  g_assert_no_error (error);
  server_start (&f->home, home_handler, f);
  server_start (&f->other, other_handler, f);
  g_assert_cmpstr (f->home.base, !=, f->other.base);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  server_stop (&f->home);
  server_stop (&f->other);
  g_clear_object (&f->store);
  g_free (f->db_path);
  test_dir_clear (&f->dir);
}

/* Polls home's @path with a token and a query secret, both from the
 * environment. */
static gboolean
poll (Fixture     *f,
      const char  *path,
      const char  *mapping,
      GError     **error)
{
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  g_autoptr(VigilSource) source = NULL;
  g_autofree char *url = g_strconcat (f->home.base, path, NULL);
  g_autoptr(GError) invalid = NULL;

  source = vigil_source_new ("crm", url);
  source->mapping = g_strdup (mapping);
  source->timeout_s = 5;
  source->token_env = g_strdup (TOKEN_VAR);
  source->query_secret_env = g_strsplit ("api_key=" API_KEY_VAR, "\n", -1);
  g_assert_true (vigil_source_validate (source, &invalid));
  g_assert_no_error (invalid);

  vigil_poller_set_retries (poller, 0, 1);
  return test_poll_run (poller, f->store, source, error);
}

/* The poll failed, naming @away and home's origin, sent nothing to
 * the other server, holds no secret in its message, stored nothing. */
static void
assert_refused (Fixture      *f,
                const GError *error,
                const char   *away,
                const char   *home)
{
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, away));
  g_assert_nonnull (strstr (error->message, home));
  g_assert_nonnull (strstr (error->message, "refused"));
  g_assert_null (strstr (error->message, TOKEN));
  g_assert_null (strstr (error->message, API_KEY));
  g_assert_cmpuint (f->other.requests, ==, 0);
  g_assert_cmpuint (f->other.any_secret, ==, 0);
  g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 0);
  g_assert_cmpint (vigil_store_count_customers (f->store, NULL), ==, 0);
}

/* The secrets do go home, page after page: the refusals below are not
 * a poll that sends nothing anywhere. */
static void
test_origin_home_gets_secrets (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (poll (f, "/native-home", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->home.requests, ==, 2);
  g_assert_cmpuint (f->home.with_token, ==, 2);
  g_assert_cmpuint (f->home.with_api_key, ==, 2);
  g_assert_cmpint (vigil_store_count_customers (f->store, NULL), ==, 2);
}

static void
test_origin_native_next (Fixture       *f,
                         gconstpointer  data)
{
  static const char * const paths[] = { "/native-away", "/native-userinfo", "/native-scheme-relative" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", paths[i]);
      g_assert_false (poll (f, paths[i], NULL, &error));
      assert_refused (f, error, f->other.base, f->home.base);
      g_assert_nonnull (strstr (error->message, "next page is on"));
    }
}

/* Same port, other host name: another origin, refused before sending. */
static void
test_origin_host_name (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *away = g_strdup_printf ("http://localhost:%s", strrchr (f->home.base, ':') + 1);

  g_assert_false (poll (f, "/native-hostname", NULL, &error));
  assert_refused (f, error, away, f->home.base);
  g_assert_cmpuint (f->home.requests, ==, 1);
}

static void
test_origin_next_url (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (poll (f, "/next-url-away",
                        "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
                        " \"pagination\": {\"style\": \"next-url\", \"pointer\": \"/links/next\"}}",
                        &error));
  assert_refused (f, error, f->other.base, f->home.base);
}

static void
test_origin_link_header (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (poll (f, "/link-away",
                        "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"pagination\": {\"style\": \"link-header\"}}",
                        &error));
  assert_refused (f, error, f->other.base, f->home.base);
}

static void
test_origin_redirects_away (Fixture       *f,
                            gconstpointer  data)
{
  static const char * const statuses[] = { "301", "302", "303", "307", "308" };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strconcat ("/redirect-away/", statuses[i], NULL);

      g_test_message ("%s", path);
      g_assert_false (poll (f, path, NULL, &error));
      assert_refused (f, error, f->other.base, f->home.base);
      g_assert_nonnull (strstr (error->message, "redirected to"));
    }
}

/* Redirects at home are followed, Vigil's own way: at most 5, each
 * request with the secrets (the query secret added again), the sixth
 * refused with nothing stored. */
static void
test_origin_redirects_home (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (poll (f, "/hops/5", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->home.requests, ==, 6);
  g_assert_cmpuint (f->home.with_token, ==, 6);
  g_assert_cmpuint (f->home.with_api_key, ==, 6);
  g_assert_cmpint (vigil_store_count_customers (f->store, NULL), ==, 1);

  g_assert_false (poll (f, "/hops/6", NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "more than 5 redirects"));
  g_assert_cmpuint (f->home.requests, ==, 6 + 6);
  g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 1);
  g_assert_cmpuint (f->other.requests, ==, 0);
}

/* A relative next link resolves against where the redirect led. */
static void
test_origin_redirect_base (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (poll (f, "/redirected-next", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vigil_store_count_customers (f->store, NULL), ==, 2);
  g_assert_cmpuint (f->home.requests, ==, 3);
}

/* A secret echoed into a next link is not carried into messages. */
static void
test_origin_echoed_secret (Fixture       *f,
                           gconstpointer  data)
{
  static const char * const paths[] = { "/echo", "/echo-upper", "/echo-semicolon", "/echo-escaped" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *shown = g_strconcat (paths[i], "?page=2:", NULL);

      f->home.with_api_key = 0;
      g_assert_false (poll (f, paths[i], NULL, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, shown));
      g_assert_nonnull (strstr (error->message, "HTTP 500"));
      g_assert_null (strstr (error->message, API_KEY));
      /* Sent again from the environment, once, to its own origin. */
      g_assert_cmpuint (f->home.with_api_key, ==, 2);
    }
}

static const char detail_mapping[] =
  "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
  " \"detail_url\": \"%s/detail-away/{id}\", \"detail_fields\": {\"api_calls_7d\": \"/usage/calls\"}}";

/* A detail request redirected off the detail_url's origin. */
static void
test_origin_detail_redirect (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mapping = g_strdup_printf (detail_mapping, f->home.base);

  g_assert_false (poll (f, "/accounts", mapping, &error));
  assert_refused (f, error, f->other.base, f->home.base);
  g_assert_nonnull (strstr (error->message, "detail_url's"));
}

static const char other_detail_mapping[] =
  "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
  " \"detail_url\": \"%s/%s/{id}\", \"detail_fields\": {\"api_calls_7d\": \"/usage/calls\"}}";

/* A detail_url the user chose on another origin gets the secrets; a
 * redirect from there back to the source's origin is still refused. */
static void
test_origin_detail_elsewhere (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilSnapshot *latest;
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *there = g_strdup_printf (other_detail_mapping, f->other.base, "detail");
  g_autofree char *bounce = g_strdup_printf (other_detail_mapping, f->other.base, "bounce");
  gint64 customer;

  g_assert_true (poll (f, "/accounts", there, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->other.requests, ==, 2);
  g_assert_cmpuint (f->other.with_token, ==, 2);
  g_assert_cmpuint (f->other.with_api_key, ==, 2);
  customer = vigil_store_find_customer (f->store, "d1", NULL, &error);
  g_assert_no_error (error);
  history = vigil_store_list_history (f->store, customer, &error);
  g_assert_no_error (error);
  latest = ((VigilHistoryRow *) history->pdata[0])->snapshot;
  g_assert_cmpint (latest->api_calls_7d, ==, 4200);

  f->other.requests = 0;
  f->home.requests = 0;
  g_assert_false (poll (f, "/accounts", bounce, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "redirected to " ));
  g_assert_nonnull (strstr (error->message, f->home.base));
  g_assert_nonnull (strstr (error->message, f->other.base));
  /* The list only: no detail request reached home. */
  g_assert_cmpuint (f->home.requests, ==, 1);
}

/* Origins compare scheme, host and port, default ports normalised. */
static void
test_origin_normalised (void)
{
  static const struct { const char *url; const char *origin; } cases[] = {
    { "https://api.example.com/v2/accounts?x=1", "https://api.example.com" },
    { "https://API.Example.COM:443/v2", "https://api.example.com" },
    { "HTTPS://api.example.com", "https://api.example.com" },
    { "http://api.example.com:80/", "http://api.example.com" },
    { "http://api.example.com:443/", "http://api.example.com:443" },
    { "https://api.example.com:80/", "https://api.example.com:80" },
    { "http://127.0.0.1:8080/usage", "http://127.0.0.1:8080" },
    { "http://[::1]:8080/usage", "http://[::1]:8080" },
    /* Whatever precedes '@' is user information: the host follows it. */
    { "http://api.example.com:80@evil.example/", "http://evil.example" },
    { "https://api.example.com#frag", "https://api.example.com" },
  };
  static const char * const refused[] = {
    "ftp://api.example.com/", "file:///etc/passwd", "javascript:alert(1)", "/relative/path", "http://", "",
    "http://user:pw@evil.example:8080@api.example.com/",
    /* Hosts that decode to what no host name holds: one text, two hosts
     * (checked as "exa/mple.com", sent to "exa"), or a control
     * character for a terminal. */
    "http://exa%2fmple.com/", "http://exa%2Fmple.com:8080/p", "http://a%40b.example/", "http://a%20b/",
    "http://a%1b%5b31mb/", "http://a%7fb/", "http://a%5cb/", "http://a%3fb/", "http://a%23b/",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *origin = vigil_url_get_origin (cases[i].url, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (origin, ==, cases[i].origin);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *origin = vigil_url_get_origin (refused[i], &error);

      g_assert_null (origin);
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
    }
}

/* A URL whose query carries a credential is refused, wherever it is
 * given; the error points at --query-secret and never shows the value. */
static void
test_origin_query_secret_refused (void)
{
  static const char * const refused[] = {
    "https://api.example.com/u?api_key=SEKRIT1",
    "https://api.example.com/u?x=1&APIKEY=SEKRIT1",
    "https://api.example.com/u?Token=SEKRIT1&x=1",
    "https://api.example.com/u?access_token=SEKRIT1",
    "https://api.example.com/u?key=SEKRIT1",
    "https://api.example.com/u?secret=SEKRIT1#top",
    "https://api.example.com/u?api%5Fkey=SEKRIT1",
    "https://api.example.com/u?a=1;token=SEKRIT1",
    "https://api.example.com/u?token",
    "not a url ?api_key=SEKRIT1",
  };
  static const char * const accepted[] = {
    "https://api.example.com/u",
    "https://api.example.com/u?page=2&monkey=1&tokens=3&keys=4",
    "https://api.example.com/token/key?secretary=1",
    "https://api.example.com/u#api_key=not-sent",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilSource) source = vigil_source_new ("crm", refused[i]);

      g_test_message ("%s", refused[i]);
      g_assert_false (vigil_url_check_no_secret (refused[i], &error));
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "--query-secret "));
      g_assert_nonnull (strstr (error->message, "--query-secret-env "));
      g_assert_null (strstr (error->message, "SEKRIT1"));
      g_clear_error (&error);

      g_assert_false (vigil_source_validate (source, &error));
      g_assert_nonnull (strstr (error->message, "--query-secret"));
      g_assert_null (strstr (error->message, "SEKRIT1"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (vigil_url_check_no_secret (accepted[i], &error));
      g_assert_no_error (error);
    }

  /* A mapping's detail_url is a URL the user gives too. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VigilSource) source = vigil_source_new ("crm", "https://api.example.com/u");

    source->mapping = g_strdup ("{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
                                " \"detail_url\": \"https://api.example.com/d/{id}?api_key=SEKRIT1\"}");
    g_assert_false (vigil_source_validate (source, &error));
    g_assert_nonnull (strstr (error->message, "detail_url"));
    g_assert_nonnull (strstr (error->message, "--query-secret"));
    g_assert_null (strstr (error->message, "SEKRIT1"));
  }
}

/* The detail_url gets the source's secrets: it is held to the rules of
 * the source's URL, a user name and password in it above all (they
 * would be stored, and sent to whatever the mapping names). */
static void
test_origin_detail_url_rules (void)
{
  static const struct { const char *detail_url; const char *message; } refused[] = {
    { "https://user:SEKRIT1@api.example.com/d/{id}", "must not hold a user name or password" },
    { "https://:SEKRIT1@api.example.com/d/{id}", "must not hold a user name or password" },
    { "https://api.example.com/d/{id}?Token=SEKRIT1", "--query-secret" },
    { "https://exa%2fmple.com/d/{id}", "is not an http:// or https:// URL with a host" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilSource) source = vigil_source_new ("crm", "https://api.example.com/u");

      source->mapping = g_strdup_printf ("{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
                                         " \"detail_url\": \"%s\"}", refused[i].detail_url);
      g_assert_false (vigil_source_validate (source, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "the mapping's detail_url: "));
      g_assert_nonnull (strstr (error->message, refused[i].message));
      g_assert_null (strstr (error->message, "SEKRIT1"));
    }

  /* The source's URL alike, the error pointing at where credentials go. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VigilSource) source = vigil_source_new ("crm", "https://user:SEKRIT1@api.example.com/u");

    g_assert_false (vigil_source_validate (source, &error));
    g_assert_nonnull (strstr (error->message, "--token-env"));
    g_assert_nonnull (strstr (error->message, "--header"));
    g_assert_null (strstr (error->message, "SEKRIT1"));
  }
}

/* A response is held in one GByteArray: --max-bytes goes up to the most
 * its length (a guint) holds, and no further. */
static void
test_origin_max_bytes_bounds (void)
{
  static const struct { gint64 max_bytes; gboolean valid; } cases[] = {
    { 1023, FALSE }, { 1024, TRUE }, { 64 * 1024 * 1024, TRUE }, { G_MAXUINT, TRUE },
    { (gint64) G_MAXUINT + 1, FALSE }, { G_GINT64_CONSTANT (5) << 30, FALSE }, { G_MAXINT64, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilSource) source = vigil_source_new ("crm", "https://api.example.com/u");

      source->max_bytes = cases[i].max_bytes;
      g_assert_cmpint (vigil_source_validate (source, &error), ==, cases[i].valid);
      if (!cases[i].valid)
        g_assert_cmpstr (error->message, ==, "--max-bytes must be between 1024 and 4294967295 (4 GiB less one byte)");
    }
}

/* The store never keeps such a URL, whoever calls it: adding and
 * changing a source alike. */
static void
test_origin_store_refuses_secret_url (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) source = vigil_source_new ("crm", "https://api.example.com/u?api_key=SEKRIT1");
  g_autoptr(VigilSource) clean = vigil_source_new ("crm", "https://api.example.com/u");
  g_autoptr(VigilSource) stored = NULL;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  g_assert_false (vigil_store_add_source (store, source, &error));
  g_assert_nonnull (strstr (error->message, "--query-secret"));
  g_clear_error (&error);
  g_assert_true (vigil_store_add_source (store, clean, &error));
  g_assert_no_error (error);
  g_assert_false (vigil_store_update_source (store, source, &error));
  g_assert_nonnull (strstr (error->message, "--query-secret"));
  g_clear_error (&error);

  stored = vigil_store_get_source (store, "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->url, ==, "https://api.example.com/u");

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* What --query-secret and --query-secret-env take. */
static void
test_origin_query_secret_names (void)
{
  static const struct { const char *names; const char *env; const char *message; } refused[] = {
    { "api_key=SEKRIT1", NULL, "takes the name of a query parameter" },
    { "a b", NULL, "takes the name of a query parameter" },
    { "x\n", NULL, "takes the name of a query parameter" },
    { "api_key\napi_key", NULL, "api_key is given more than once" },
    { NULL, "api_key", "--query-secret-env takes NAME=VAR" },
    { NULL, "api_key=", "--query-secret-env takes NAME=VAR" },
    { NULL, "api_key=SEKRIT-1", "--query-secret-env takes NAME=VAR" },
    { NULL, "=VAR", "--query-secret-env takes NAME=VAR" },
    { "sig", "sig=SIG_VAR", "sig is given more than once" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilSource) source = vigil_source_new ("crm", "https://api.example.com/u");

      source->query_secret_names = refused[i].names != NULL ? g_strsplit (refused[i].names, "\n", -1) : NULL;
      source->query_secret_env = refused[i].env != NULL ? g_strsplit (refused[i].env, "\n", -1) : NULL;
      g_assert_false (vigil_source_validate (source, &error));
      g_assert_nonnull (strstr (error->message, refused[i].message));
      g_assert_null (strstr (error->message, "SEKRIT"));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VigilSource) source = vigil_source_new ("crm", "https://api.example.com/u");

    source->query_secret_names = g_strsplit ("api_key\nsig.v2", "\n", -1);
    source->query_secret_env = g_strsplit ("access_token=CRM_TOKEN", "\n", -1);
    g_assert_true (vigil_source_validate (source, &error));
    g_assert_no_error (error);
  }
}

/* Adding a query secret replaces a parameter of that name; removing
 * takes out every pair of the names given. */
static void
test_origin_query_params (void)
{
  static const char * const names[] = { "api_key", "sig", NULL };
  g_autofree char *set = vigil_url_set_query_param ("https://h/u?a=1&api_key=old&b=2#f", "api_key", "v&=/ 1");
  g_autofree char *added = vigil_url_set_query_param ("https://h/u", "api_key", "v");
  g_autofree char *removed = vigil_url_remove_query_params ("https://h/u?api_key=x&page=2&sig=y&api%5Fkey=z",
                                                           names);
  g_autofree char *emptied = vigil_url_remove_query_params ("https://h/u?api_key=x", names);

  g_assert_cmpstr (set, ==, "https://h/u?a=1&b=2&api_key=v%26%3D%2F%201#f");
  g_assert_cmpstr (added, ==, "https://h/u?api_key=v");
  g_assert_cmpstr (removed, ==, "https://h/u?page=2");
  g_assert_cmpstr (emptied, ==, "https://h/u");

  /* Removing: any case, escaped or not, pairs split at "&" or ";", the
   * other pairs kept with their separators; a fragment is not a query. */
  {
    static const struct { const char *url; const char *expected; } cases[] = {
      { "https://h/u?API_KEY=x&page=2", "https://h/u?page=2" },
      { "https://h/u?x=1;api_key=s&y=2", "https://h/u?x=1&y=2" },
      { "https://h/u?x=1;Api%5FKey=s;y=2&z=3", "https://h/u?x=1;y=2&z=3" },
      { "https://h/u?sIg=1;page=2#f?api_key=z", "https://h/u?page=2#f?api_key=z" },
      { "https://h/u?;;&page=2&&", "https://h/u?page=2" },
      { "https://h/u#api_key=z", "https://h/u#api_key=z" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *result = vigil_url_remove_query_params (cases[i].url, names);

        g_assert_cmpstr (result, ==, cases[i].expected);
      }
  }

  /* Adding: all but the query stays as written, the host above all: a
   * host decoded and written back raw would be another one
   * (exa%2Fmple.com is not exa). */
  {
    static const struct { const char *url; const char *expected; } cases[] = {
      { "http://exa%2fmple.com/p", "http://exa%2fmple.com/p?api_key=v" },
      { "http://exa%2fmple.com:8080/p?q=1", "http://exa%2fmple.com:8080/p?q=1&api_key=v" },
      { "http://[::1]:8080/a%2Fb/c?x=1;y=2#frag", "http://[::1]:8080/a%2Fb/c?x=1;y=2&api_key=v#frag" },
      { "https://h/u?API_KEY=old", "https://h/u?API_KEY=old&api_key=v" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *result = vigil_url_set_query_param (cases[i].url, "api_key", "v");

        g_assert_cmpstr (result, ==, cases[i].expected);
      }
    g_assert_null (vigil_url_set_query_param ("not a url", "api_key", "v"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Before any thread: the sources of the poll tests read them. */
  g_setenv (TOKEN_VAR, TOKEN, TRUE);
  g_setenv (API_KEY_VAR, API_KEY, TRUE);

  g_test_add_func ("/core/origin/normalised", test_origin_normalised);
  g_test_add_func ("/core/origin/query-secret-refused", test_origin_query_secret_refused);
  g_test_add_func ("/core/origin/store-refuses-secret-url", test_origin_store_refuses_secret_url);
  g_test_add_func ("/core/origin/query-secret-names", test_origin_query_secret_names);
  g_test_add_func ("/core/origin/query-params", test_origin_query_params);
  g_test_add_func ("/core/origin/detail-url-rules", test_origin_detail_url_rules);
  g_test_add_func ("/core/origin/max-bytes-bounds", test_origin_max_bytes_bounds);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/origin/home-gets-secrets", test_origin_home_gets_secrets);
  ADD ("/core/origin/native-next", test_origin_native_next);
  ADD ("/core/origin/host-name", test_origin_host_name);
  ADD ("/core/origin/next-url", test_origin_next_url);
  ADD ("/core/origin/link-header", test_origin_link_header);
  ADD ("/core/origin/redirects-away", test_origin_redirects_away);
  ADD ("/core/origin/redirects-home", test_origin_redirects_home);
  ADD ("/core/origin/redirect-base", test_origin_redirect_base);
  ADD ("/core/origin/echoed-secret", test_origin_echoed_secret);
  ADD ("/core/origin/detail-redirect", test_origin_detail_redirect);
  ADD ("/core/origin/detail-elsewhere", test_origin_detail_elsewhere);
#undef ADD

  return g_test_run ();
}
