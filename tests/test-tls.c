/* test-tls.c: a certificate nobody vouches for is refused, never accepted
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On its own because LeakSanitizer's exit-time scan trips over GnuTLS's
 * threads; meson runs this suite with ASan and UBSan but without leak
 * detection (tests/meson.build).
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-test-poll.h"
#include "vigil-test-util.h"

static guint requests;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  const char *body = "{\"customers\": [{\"id\": \"t1\"}]}";

  requests++;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
test_tls_self_signed_refused (void)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "fixtures", "self-signed.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (pem, &error);
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  g_autofree char *db = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(GError) poll_error = NULL;
  TestDir dir;

  g_assert_no_error (error);
  test_dir_init (&dir);
  db = test_dir_file (&dir, "vigil.db");
  store = vigil_store_open (db, &error);
  g_assert_no_error (error);

  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("https://127.0.0.1:%d/usage", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  source = vigil_source_new ("tls", url);
  g_assert_false (test_poll_run (poller, store, source, &poll_error));
  g_assert_error (poll_error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_nonnull (strstr (poll_error->message, url));
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 0);
  g_assert_cmpuint (requests, ==, 0);

  /* A source's first page looked at before it is saved (design 5): the
   * same refusal, said in words, the token never sent. */
  {
    VigilGivenSecrets given = { "tok-preview-tls", NULL, NULL };
    g_autoptr(GError) preview_error = NULL;
    g_autoptr(VigilPreview) preview = test_preview_run (poller, source, db, &given, &preview_error);

    g_assert_null (preview);
    g_assert_error (preview_error, VIGIL_PREVIEW_ERROR, VIGIL_PREVIEW_ERROR_TLS);
    g_assert_nonnull (strstr (preview_error->message, "certificate cannot be trusted"));
    g_assert_nonnull (strstr (preview_error->message, url));
    g_assert_cmpuint (requests, ==, 0);
  }

  soup_server_disconnect (server);
  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* An https source whose pages or redirects lead to http: the same host
 * and port downgraded, or another server. Refused before anything is
 * sent; the plain server never sees a request, let alone a secret. */

#define TOKEN "tok-tls-3e9b7d1f5a"
#define API_KEY "key-tls-6c0a2e8f4b"

typedef struct
{
  char  *secure_base;   /* https://127.0.0.1:PORT */
  char  *plain_base;    /* http://127.0.0.1:OTHER */
  guint  secure_requests;
  guint  secure_with_secrets;
  guint  plain_requests;
} Downgrade;

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
secure_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Downgrade *d = user_data;
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  const char *api_key = query != NULL ? g_hash_table_lookup (query, "api_key") : NULL;
  /* The same host and port, over http. */
  g_autofree char *downgraded = g_strconcat ("http", d->secure_base + strlen ("https"), NULL);
  g_autofree char *body = NULL;

  d->secure_requests++;
  if (g_strcmp0 (authorization, "Bearer " TOKEN) == 0 && g_strcmp0 (api_key, API_KEY) == 0)
    d->secure_with_secrets++;

  if (g_str_equal (path, "/home"))
    body = g_strdup ("{\"customers\": [{\"id\": \"s1\"}]}");
  else if (g_str_equal (path, "/next-downgraded"))
    body = g_strdup_printf ("{\"customers\": [{\"id\": \"s1\"}], \"next\": \"%s/home?page=2\"}", downgraded);
  else if (g_str_equal (path, "/next-plain"))
    body = g_strdup_printf ("{\"customers\": [{\"id\": \"s1\"}], \"next\": \"%s/home?page=2\"}", d->plain_base);
  else if (g_str_equal (path, "/redirect-downgraded") || g_str_equal (path, "/redirect-plain"))
    {
      g_autofree char *location = g_strconcat (g_str_equal (path, "/redirect-plain") ? d->plain_base : downgraded,
                                               "/home", NULL);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location", location);
      respond (msg, 301, "{}");
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
plain_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Downgrade *d = user_data;

  d->plain_requests++;
  respond (msg, 200, "{\"customers\": [{\"id\": \"stolen\"}]}");
}

static gboolean
poll_source (VigilPoller *poller,
             VigilStore  *store,
             const char  *url,
             GError     **error)
{
  g_autoptr(VigilSource) source = vigil_source_new ("crm", url);

  source->token_env = g_strdup ("VIGIL_TLS_TEST_TOKEN");
  source->query_secret_env = g_strsplit ("api_key=VIGIL_TLS_TEST_API_KEY", "\n", -1);
  g_assert_true (vigil_source_validate (source, NULL));
  return test_poll_run (poller, store, source, error);
}

static void
test_tls_downgrade_refused (void)
{
  static const char * const paths[] = {
    "/next-downgraded", "/next-plain", "/redirect-downgraded", "/redirect-plain",
  };
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "fixtures", "self-signed.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (pem, &error);
  g_autoptr(GTlsDatabase) trusted = g_tls_file_database_new (pem, &error);
  g_autoptr(SoupServer) secure = NULL;
  g_autoptr(SoupServer) plain = soup_server_new (NULL, NULL);
  g_autoptr(GSList) uris = NULL;
  g_autofree char *db = NULL;
  g_autofree char *home = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  Downgrade d = { NULL, };
  TestDir dir;

  g_assert_no_error (error);
  test_dir_init (&dir);
  db = test_dir_file (&dir, "vigil.db");
  store = vigil_store_open (db, &error);
  g_assert_no_error (error);

  secure = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (secure, NULL, secure_handler, &d, NULL);
  soup_server_listen_local (secure, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (secure);
  d.secure_base = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  soup_server_add_handler (plain, NULL, plain_handler, &d, NULL);
  soup_server_listen_local (plain, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (plain);
  d.plain_base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  vigil_poller_set_tls_database (poller, trusted);
  vigil_poller_set_retries (poller, 0, 1);

  /* Trusted, the https source itself is polled, secrets and all. */
  home = g_strconcat (d.secure_base, "/home", NULL);
  g_assert_true (poll_source (poller, store, home, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (d.secure_with_secrets, ==, 1);
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = g_strconcat (d.secure_base, paths[i], NULL);
      g_autofree char *away = g_str_has_suffix (paths[i], "-plain")
                              ? g_strdup (d.plain_base)
                              : g_strconcat ("http", d.secure_base + strlen ("https"), NULL);
      guint secure_before = d.secure_requests;

      g_test_message ("%s", paths[i]);
      g_assert_false (poll_source (poller, store, url, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, away));
      g_assert_nonnull (strstr (error->message, d.secure_base));
      g_assert_nonnull (strstr (error->message, "refused"));
      g_assert_null (strstr (error->message, TOKEN));
      g_assert_null (strstr (error->message, API_KEY));
      /* One request, over TLS; none in the clear. */
      g_assert_cmpuint (d.secure_requests, ==, secure_before + 1);
      g_assert_cmpuint (d.plain_requests, ==, 0);
      g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 1);
      g_clear_error (&error);
    }

  soup_server_disconnect (secure);
  soup_server_disconnect (plain);
  g_clear_object (&store);
  g_free (d.secure_base);
  g_free (d.plain_base);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Before any thread: the downgrade test's source reads them. */
  g_setenv ("VIGIL_TLS_TEST_TOKEN", TOKEN, TRUE);
  g_setenv ("VIGIL_TLS_TEST_API_KEY", API_KEY, TRUE);

  g_test_add_func ("/core/tls/self-signed-refused", test_tls_self_signed_refused);
  g_test_add_func ("/core/tls/downgrade-refused", test_tls_downgrade_refused);

  return g_test_run ();
}
