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

#include <libsoup/soup.h>

#include "vigil-core.h"
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

typedef struct
{
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
} Wait;

static void
poll_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = vigil_poller_poll_finish (VIGIL_POLLER (object), result, NULL, &wait->error);
  g_main_loop_quit (wait->loop);
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
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(VigilSource) source = NULL;
  Wait wait = { loop, FALSE, NULL };
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
  vigil_poller_poll_async (poller, store, source, NULL, poll_cb, &wait);
  g_main_loop_run (loop);

  g_assert_false (wait.ok);
  g_assert_error (wait.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_nonnull (strstr (wait.error->message, url));
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 0);
  g_assert_cmpuint (requests, ==, 0);
  g_clear_error (&wait.error);

  soup_server_disconnect (server);
  g_clear_object (&store);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/tls/self-signed-refused", test_tls_self_signed_refused);

  return g_test_run ();
}
