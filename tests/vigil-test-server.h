/* vigil-test-server.h: the loopback HTTP server of the suites that poll
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <string.h>

#include <libsoup/soup.h>

/* A SoupServer on 127.0.0.1 and a free port (0: the system picks one),
 * which hands every request to @callback with @user_data: network tests
 * only ever talk to loopback. @out_base is "http://127.0.0.1:PORT"
 * without the slash, for the paths a test appends. */
static inline SoupServer *
test_server_new (SoupServerCallback   callback,
                 gpointer             user_data,
                 char               **out_base)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *uri = NULL;
  SoupServer *server = soup_server_new (NULL, NULL);

  soup_server_add_handler (server, NULL, callback, user_data, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  uri = g_uri_to_string (uris->data);
  g_assert_true (g_str_has_suffix (uri, "/"));
  *out_base = g_strndup (uri, strlen (uri) - 1);
  g_assert_true (g_str_has_prefix (*out_base, "http://127.0.0.1:"));
  return server;
}

/* Stops the server (when there is one) and drops it. */
static inline void
test_server_clear (SoupServer **server)
{
  if (*server != NULL)
    soup_server_disconnect (*server);
  g_clear_object (server);
}

/* Answers @msg with @status and @body of @type (copied). */
static inline void
test_server_respond (SoupServerMessage *msg,
                     guint              status,
                     const char        *type,
                     const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, body, strlen (body));
}
