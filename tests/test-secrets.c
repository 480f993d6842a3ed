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
#define QUERY_KEY "qk-9d3f1b7e5a2c0e8f"

static char *seen_authorization;
static char *seen_api_key;
static char *seen_query_key;
static char *other_base;         /* the server that must see nothing */
static guint other_requests;
static guint other_secrets;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *body = NULL;

  g_free (seen_authorization);
  g_free (seen_api_key);
  g_free (seen_query_key);
  seen_authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  seen_api_key = g_strdup (soup_message_headers_get_one (headers, "X-Api-Key"));
  seen_query_key = g_strdup (query != NULL ? g_hash_table_lookup (query, "api_key") : NULL);
  if (g_strcmp0 (seen_authorization, "Bearer " TOKEN) != 0 || g_strcmp0 (seen_api_key, API_KEY) != 0 ||
      (g_str_equal (path, "/query") && g_strcmp0 (seen_query_key, QUERY_KEY) != 0))
    {
      soup_server_message_set_status (msg, 401, NULL);
      return;
    }
  if (g_str_equal (path, "/away"))
    /* The next page is on the other server. */
    body = g_strdup_printf ("{\"customers\": [{\"id\": \"k1\"}], \"next\": \"%s/usage?page=2\"}", other_base);
  else if (g_str_equal (path, "/redirect"))
    {
      g_autofree char *location = g_strconcat (other_base, "/usage", NULL);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location", location);
      soup_server_message_set_status (msg, 308, NULL);
      return;
    }
  else
    body = g_strdup ("{\"customers\": [{\"id\": \"k1\", \"api_calls_7d\": 5000}]}");
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* Another origin: whatever reaches it is counted, secrets apart. */
static void
other_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *body = "{\"customers\": [{\"id\": \"stolen\"}]}";

  other_requests++;
  if (soup_message_headers_get_one (headers, "Authorization") != NULL ||
      soup_message_headers_get_one (headers, "X-Api-Key") != NULL ||
      (query != NULL && g_hash_table_lookup (query, "api_key") != NULL))
    other_secrets++;
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
  g_clear_pointer (&seen_query_key, g_free);
  test_dir_clear (&dir);
}

static char *
listen_on_loopback (SoupServer          *server,
                    SoupServerCallback   callback)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  char *base;

  soup_server_add_handler (server, NULL, callback, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return base;
}

/* Token, header and query secret from the keyring go with every request
 * to the source's origin and to no other: a next page or a redirect to
 * another server fails the poll with nothing sent there or stored. */
static void
test_secrets_stay_home (void)
{
  TestDir dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) home = soup_server_new (NULL, NULL);
  g_autoptr(SoupServer) other = soup_server_new (NULL, NULL);
  g_autofree char *home_base = listen_on_loopback (home, handler);
  g_autofree char *db = NULL;
  g_autofree char *query_key = vigil_secrets_query_key ("api_key");
  g_autofree char *stored = NULL;
  g_autoptr(VigilStore) store = NULL;
  static const char * const names[] = { "crm", "away", "bounce" };
  static const char * const paths[] = { "/query", "/away", "/redirect" };
  Run add[3], poll[3], list, removed, env_add, env_poll;

  other_base = listen_on_loopback (other, other_handler);
  test_dir_init (&dir);
  db = test_dir_file (&dir, "vigil.db");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *url = g_strconcat (home_base, paths[i], NULL);

      run_vigil (&add[i], TOKEN "\n" QUERY_KEY "\n",
                 (const char *[]) { "--db", db, "source", "add", names[i], url, "--ask-token",
                                    "--header", "X-Api-Key: " API_KEY, "--query-secret", "api_key", NULL });
      g_assert_cmpint (add[i].status, ==, 0);
      run_vigil (&poll[i], NULL, (const char *[]) { "--db", db, "poll", names[i], NULL });
    }

  /* At home, all three arrive, the query secret from the keyring. */
  g_assert_cmpint (poll[0].status, ==, 0);
  g_assert_cmpstr (seen_query_key, ==, QUERY_KEY);
  stored = vigil_secrets_lookup (db, "crm", query_key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, QUERY_KEY);

  /* Elsewhere, nothing: refused, both origins named, nothing stored. */
  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    {
      g_test_message ("%s", poll[i].err);
      g_assert_cmpint (poll[i].status, ==, 1);
      g_assert_nonnull (strstr (poll[i].err, other_base));
      g_assert_nonnull (strstr (poll[i].err, home_base));
      g_assert_nonnull (strstr (poll[i].err, "refused"));
    }
  g_assert_nonnull (strstr (poll[1].err, "next page is on"));
  g_assert_nonnull (strstr (poll[2].err, "redirected to"));
  g_assert_cmpuint (other_requests, ==, 0);
  g_assert_cmpuint (other_secrets, ==, 0);
  store = vigil_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 1);
  g_clear_object (&store);

  /* No secret in the database, the output or the errors. */
  run_vigil (&list, NULL, (const char *[]) { "--db", db, "source", "list", NULL });
  g_assert_nonnull (strstr (list.out, "refused"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      assert_nowhere (db, &add[i], QUERY_KEY);
      assert_nowhere (db, &poll[i], QUERY_KEY);
      assert_nowhere (db, &poll[i], TOKEN);
      assert_nowhere (db, &poll[i], API_KEY);
    }
  assert_nowhere (db, &list, QUERY_KEY);

  /* A token from the environment goes along with keyring headers. */
  {
    g_autofree char *url = g_strconcat (home_base, "/usage", NULL);

    run_vigil (&env_add, NULL, (const char *[]) { "--db", db, "source", "add", "env", url,
                                                  "--token-env", "VIGIL_SECRETS_TEST_TOKEN",
                                                  "--header", "X-Api-Key: " API_KEY, NULL });
    g_assert_cmpint (env_add.status, ==, 0);
    run_vigil (&env_poll, NULL, (const char *[]) { "--db", db, "poll", "env", NULL });
    g_assert_cmpint (env_poll.status, ==, 0);
    g_assert_cmpstr (seen_authorization, ==, "Bearer " TOKEN);
  }

  /* Removing a source forgets its query secret too. */
  run_vigil (&removed, NULL, (const char *[]) { "--db", db, "source", "remove", "crm", NULL });
  g_assert_cmpint (removed.status, ==, 0);
  g_clear_pointer (&stored, g_free);
  stored = vigil_secrets_lookup (db, "crm", query_key, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      run_clear (&add[i]);
      run_clear (&poll[i]);
    }
  run_clear (&list);
  run_clear (&removed);
  run_clear (&env_add);
  run_clear (&env_poll);
  soup_server_disconnect (home);
  soup_server_disconnect (other);
  g_clear_pointer (&other_base, g_free);
  g_clear_pointer (&seen_authorization, g_free);
  g_clear_pointer (&seen_api_key, g_free);
  g_clear_pointer (&seen_query_key, g_free);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Before any thread: a source of the tests reads it. */
  g_setenv ("VIGIL_SECRETS_TEST_TOKEN", TOKEN, TRUE);

  g_test_add_func ("/core/secrets/in-keyring", test_secrets_in_keyring);
  g_test_add_func ("/core/secrets/stay-home", test_secrets_stay_home);

  return g_test_run ();
}
