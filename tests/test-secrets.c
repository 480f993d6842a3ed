/* test-secrets.c: tokens and header values live in the keyring, never in
 * the database or the output (run by run-with-keyring.sh)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-test-util.h"

#define TOKEN "tok-7f3a9c1e5b2d8f4a"
#define API_KEY "key-2b8e4d6f0a1c3e5g"

static char *seen_authorization;
static char *seen_api_key;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *body = "{\"customers\": [{\"id\": \"k1\", \"api_calls_7d\": 5000}]}";

  g_free (seen_authorization);
  g_free (seen_api_key);
  seen_authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  seen_api_key = g_strdup (soup_message_headers_get_one (headers, "X-Api-Key"));
  if (g_strcmp0 (seen_authorization, "Bearer " TOKEN) != 0 || g_strcmp0 (seen_api_key, API_KEY) != 0)
    {
      soup_server_message_set_status (msg, 401, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

typedef struct
{
  GMainLoop *loop;
  int        status;
  char      *out;
  char      *err;
} Run;

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
  g_main_loop_quit (run->loop);
}

/* Runs vigil while the main loop serves the test endpoint. */
static void
run_vigil (Run         *run,
           const char  *input,
           const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("VIGIL_BINARY"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  memset (run, 0, sizeof *run);
  run->loop = g_main_loop_new (NULL, FALSE);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, input, NULL, communicate_cb, run);
  g_main_loop_run (run->loop);
  g_main_loop_unref (run->loop);
}

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize length, n = strlen (needle);
  const char *data;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;
  bytes = test_read_bytes (path);
  data = g_bytes_get_data (bytes, &length);
  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_nowhere (const char *db,
                const Run  *run,
                const char *secret)
{
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);

  g_assert_false (file_contains (db, secret));
  g_assert_false (file_contains (wal, secret));
  g_assert_null (strstr (run->out, secret));
  g_assert_null (strstr (run->err, secret));
}

static void
test_secrets_in_keyring (void)
{
  TestDir dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  g_autofree char *db = NULL;
  g_autofree char *stored = NULL;
  Run add, poll, list, removed;

  test_dir_init (&dir);
  db = test_dir_file (&dir, "vigil.db");
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d/usage", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  run_vigil (&add, TOKEN "\n", (const char *[]) { "--db", db, "source", "add", "crm", url, "--ask-token",
                                                  "--header", "X-Api-Key: " API_KEY, NULL });
  g_assert_cmpint (add.status, ==, 0);

  stored = vigil_secrets_lookup (db, "crm", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, TOKEN);

  run_vigil (&poll, NULL, (const char *[]) { "--db", db, "poll", "crm", NULL });
  g_assert_cmpint (poll.status, ==, 0);
  g_assert_cmpstr (seen_authorization, ==, "Bearer " TOKEN);
  g_assert_cmpstr (seen_api_key, ==, API_KEY);

  run_vigil (&list, NULL, (const char *[]) { "--db", db, "source", "list", NULL });
  g_assert_nonnull (strstr (list.out, "ok at"));

  /* Adding the same name again is refused before any secret is touched:
   * the first source keeps its token. */
  {
    Run again;

    run_vigil (&again, "another-token\n", (const char *[]) { "--db", db, "source", "add", "crm", url,
                                                               "--ask-token", NULL });
    g_assert_cmpint (again.status, ==, 1);
    g_assert_nonnull (strstr (again.err, "already exists"));
    g_clear_pointer (&stored, g_free);
    stored = vigil_secrets_lookup (db, "crm", NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (stored, ==, TOKEN);
    run_clear (&again);
  }

  /* Forgetting one secret leaves the other, as editing a source does. */
  g_assert_true (vigil_secrets_forget (db, "crm", "X-Api-Key", NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&stored, g_free);
  stored = vigil_secrets_lookup (db, "crm", "X-Api-Key", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  stored = vigil_secrets_lookup (db, "crm", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, TOKEN);
  g_assert_true (vigil_secrets_store (db, "crm", "X-Api-Key", API_KEY, NULL, &error));

  /* Neither secret is in the database, the output or the errors. */
  assert_nowhere (db, &add, TOKEN);
  assert_nowhere (db, &add, API_KEY);
  assert_nowhere (db, &poll, TOKEN);
  assert_nowhere (db, &list, API_KEY);

  /* Removing the source forgets its secrets. */
  run_vigil (&removed, NULL, (const char *[]) { "--db", db, "source", "remove", "crm", NULL });
  g_assert_cmpint (removed.status, ==, 0);
  g_clear_pointer (&stored, g_free);
  stored = vigil_secrets_lookup (db, "crm", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  stored = vigil_secrets_lookup (db, "crm", "X-Api-Key", NULL, &error);
  g_assert_null (stored);

  run_clear (&add);
  run_clear (&poll);
  run_clear (&list);
  run_clear (&removed);
  soup_server_disconnect (server);
  g_clear_pointer (&seen_authorization, g_free);
  g_clear_pointer (&seen_api_key, g_free);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/secrets/in-keyring", test_secrets_in_keyring);

  return g_test_run ();
}
