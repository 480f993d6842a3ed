/* test-preview.c: a source's first page looked at before it is saved
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-test-poll.h"
#include "vigil-test-server.h"
#include "vigil-test-util.h"

#define TOKEN "sk-preview-0123456789-secret"

/* A CRM-like list: its own names, money in cents, times in epoch
 * milliseconds, a next link (design 5's "Any JSON endpoint"). */
#define CRM_PAGE \
  "{\"meta\": {\"total\": 3}," \
  " \"results\": {\"items\": [" \
  "  {\"id\": 512, \"company_name\": \"Acme Corp\", \"owner\": {\"name\": \"Dana Park\"}," \
  "   \"mrr_cents\": 420000, \"lastSeen\": 1795176000000, \"domain\": \"ACME.com\", \"tags\": [\"a\", \"b\"]}," \
  "  {\"id\": 513, \"company_name\": \"Initech\", \"mrr_cents\": 99900, \"lastSeen\": 1795000000000}," \
  "  {\"company_name\": \"No id\"}," \
  "  {\"id\": 514, \"company_name\": \"Umbrella\", \"mrr_cents\": \"lots\"}]}," \
  " \"links\": {\"next\": \"/crm?page=2\"}}"

typedef struct
{
  TestDir      dir;
  char        *db_path;
  SoupServer  *server;
  SoupServer  *elsewhere;
  char        *base;
  char        *elsewhere_base;
  guint        elsewhere_requests;
  char        *last_authorization;
  char        *last_method;
  char        *last_query;
  char        *last_version;
  char        *last_body;
  GPtrArray   *paused;      /* messages never answered */
  VigilPoller *poller;
} Fixture;

static char *
many_records (guint n)
{
  GString *out = g_string_new ("{\"customers\": [");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s{\"id\": \"c%u\", \"name\": \"Customer %u\", \"seats\": %u}",
                            i > 0 ? ", " : "", i, i, i % 50);
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);

  g_free (f->last_authorization);
  f->last_authorization = g_strdup (soup_message_headers_get_one (request, "Authorization"));
  g_free (f->last_method);
  f->last_method = g_strdup (soup_server_message_get_method (msg));
  g_free (f->last_query);
  f->last_query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  g_free (f->last_version);
  f->last_version = g_strdup (soup_message_headers_get_one (request, "X-Api-Version"));
  g_free (f->last_body);
  {
    SoupMessageBody *body = soup_server_message_get_request_body (msg);
    g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

    f->last_body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  }

  if (g_str_equal (path, "/crm"))
    test_server_respond (msg, 200, "application/json", CRM_PAGE);
  else if (g_str_equal (path, "/native"))
    test_server_respond (msg, 200, "application/json",
             "{\"customers\": [{\"id\": \"acme\", \"name\": \"Acme\", \"mrr\": 4200.5, \"seats\": 50,"
             " \"last_active\": \"2026-11-21T10:00:00Z\"}, {\"name\": \"nameless\"}]}");
  else if (g_str_equal (path, "/linked"))
    {
      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Link",
                                   "</linked?page=2>; rel=\"next\"");
      test_server_respond (msg, 200, "application/json", "[{\"uuid\": \"u1\", \"plan\": \"pro\"}]");
    }
  else if (g_str_equal (path, "/many"))
    {
      g_autofree char *body = many_records (20000);

      test_server_respond (msg, 200, "application/json", body);
    }
  else if (g_str_equal (path, "/search"))
    test_server_respond (msg, 200, "application/json", "{\"results\": [{\"id\": \"s1\"}], \"paging\": {\"next\": {\"after\": \"7\"}}}");
  else if (g_str_equal (path, "/web-page"))
    test_server_respond (msg, 200, "text/html; charset=utf-8", "<!doctype html><html><body>Sign in</body></html>");
  else if (g_str_equal (path, "/html-as-json"))
    test_server_respond (msg, 200, "application/json", "\n  <html><body>Oops</body></html>");
  else if (g_str_equal (path, "/not-json"))
    test_server_respond (msg, 200, "application/json", "{'customers': []}");
  else if (g_str_equal (path, "/empty"))
    test_server_respond (msg, 200, "application/json", "");
  else if (g_str_equal (path, "/unauthorized"))
    test_server_respond (msg, 401, "application/json", "{\"error\": \"bad token\"}");
  else if (g_str_equal (path, "/forbidden"))
    test_server_respond (msg, 403, "application/json", "{}");
  else if (g_str_equal (path, "/gone"))
    test_server_respond (msg, 404, "text/html", "<h1>Not found</h1>");
  else if (g_str_equal (path, "/broken"))
    test_server_respond (msg, 500, "application/json", "{}");
  else if (g_str_equal (path, "/bad-request"))
    test_server_respond (msg, 400, "application/json", "{}");
  else if (g_str_equal (path, "/away"))
    {
      g_autofree char *target = g_strdup_printf ("%s/steal", f->elsewhere_base);

      soup_server_message_set_redirect (msg, 302, target);
    }
  else if (g_str_equal (path, "/silent"))
    {
      /* Never answered while the test runs. */
      soup_server_message_pause (msg);
      g_ptr_array_add (f->paused, g_object_ref (msg));
    }
  else
    test_server_respond (msg, 404, "application/json", "{}");
}

static void
elsewhere_handler (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Fixture *f = user_data;

  f->elsewhere_requests++;
  test_server_respond (msg, 200, "application/json", "{\"customers\": []}");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  test_dir_init (&f->dir);
  f->db_path = test_dir_file (&f->dir, "vigil.db");
  f->paused = g_ptr_array_new_with_free_func (g_object_unref);
  f->server = test_server_new (handler, f, &f->base);
  f->elsewhere = test_server_new (elsewhere_handler, f, &f->elsewhere_base);
  f->poller = vigil_poller_new ();
  /* The errors are the point here, not trying again. */
  vigil_poller_set_retries (f->poller, 0, 1);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->poller);
  test_server_clear (&f->server);
  test_server_clear (&f->elsewhere);
  g_clear_pointer (&f->paused, g_ptr_array_unref);
  g_free (f->base);
  g_free (f->elsewhere_base);
  g_free (f->last_authorization);
  g_free (f->last_method);
  g_free (f->last_query);
  g_free (f->last_version);
  g_free (f->last_body);
  g_free (f->db_path);
  test_dir_clear (&f->dir);
}

/* The first page of @source, or NULL with @error. */
static VigilPreview *
run_preview (Fixture      *f,
             VigilSource  *source,
             const char   *token,
             GError      **error)
{
  VigilGivenSecrets given = { token, NULL, NULL };

  return test_preview_run (f->poller, source, f->db_path, &given, error);
}

static VigilPreview *
preview_path (Fixture     *f,
              const char  *path,
              const char  *mapping,
              GError     **error)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  g_autoptr(VigilSource) source = vigil_source_new ("preview", url);

  source->mapping = g_strdup (mapping);
  return run_preview (f, source, NULL, error);
}

static VigilSnapshot *
snapshot_at (VigilPreviewRecords *records,
             guint                index)
{
  g_assert_cmpuint (index, <, records->snapshots->len);
  return records->snapshots->pdata[index];
}

/* A page in the native format, read as a poll would store it: records
 * without an id skipped and counted, observation time the fetch's. */
static void
test_preview_native (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreview) preview = preview_path (f, "/native", NULL, &error);
  g_autoptr(VigilMapping) native = vigil_mapping_new_native ();
  g_autoptr(VigilPreviewRecords) records = NULL;
  VigilSnapshot *acme;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  g_assert_nonnull (preview);
  g_assert_false (vigil_preview_is_cut (preview));
  g_assert_null (vigil_preview_get_link_next (preview));
  g_assert_true (g_str_has_suffix (vigil_preview_get_url (preview), "/native"));

  records = vigil_preview_read (preview, native, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->records, ==, 2);
  g_assert_cmpuint (records->skipped, ==, 1);
  g_assert_cmpuint (records->snapshots->len, ==, 1);
  acme = snapshot_at (records, 0);
  g_assert_cmpstr (acme->customer_id, ==, "acme");
  g_assert_cmpstr (acme->name, ==, "Acme");
  g_assert_cmpfloat (acme->mrr, ==, 4200.5);
  g_assert_cmpint (acme->seats, ==, 50);
  g_assert_cmpint (acme->last_active, ==, 1795255200);
  g_assert_cmpint (acme->api_calls_7d, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (acme->observed_at, ==, vigil_preview_get_fetched_at (preview));
  g_assert_cmpint (ABS (acme->observed_at - now), <=, 60);
  /* The first record as the answer gave it. */
  g_assert_true (JSON_NODE_HOLDS_OBJECT (records->first_record));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (records->first_record), "name"), ==,
                   "Acme");

  /* Nothing was stored: no database was even made. */
  g_assert_false (g_file_test (f->db_path, G_FILE_TEST_EXISTS));
}

/* The token typed (not yet in any keyring) goes with the request; a
 * redirect to another origin is refused before anything is sent there. */
static void
test_preview_token (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (f->base, "/native", NULL);
  g_autofree char *away = g_strconcat (f->base, "/away", NULL);
  g_autoptr(VigilSource) source = vigil_source_new ("preview", url);
  g_autoptr(VigilPreview) preview = NULL;
  g_autoptr(VigilPreview) refused = NULL;

  preview = run_preview (f, source, TOKEN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (f->last_authorization, ==, "Bearer " TOKEN);

  g_free (source->url);
  source->url = g_strdup (away);
  refused = run_preview (f, source, TOKEN, &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_PREVIEW_ERROR, VIGIL_PREVIEW_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "refused"));
  g_assert_null (strstr (error->message, TOKEN));
  g_assert_cmpuint (f->elsewhere_requests, ==, 0);
}

/* The first page is asked for as the poll would ask: the mapping's
 * method, body with its paging value, static query and headers. */
static void
test_preview_request (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreview) preview = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *object;

  preview = preview_path (f, "/search?region=eu",
                          "{\"records\": \"/results\", \"fields\": {\"id\": \"/id\"},"
                          " \"method\": \"POST\", \"body\": {\"limit\": 100, \"sorts\": [\"id\"]},"
                          " \"query\": {\"archived\": \"false\"}, \"headers\": {\"X-Api-Version\": \"2\"},"
                          " \"pagination\": {\"style\": \"cursor\", \"pointer\": \"/paging/next/after\","
                          "   \"param\": \"after\"}}", &error);
  g_assert_no_error (error);
  g_assert_nonnull (preview);
  g_assert_cmpstr (f->last_method, ==, "POST");
  g_assert_cmpstr (f->last_query, ==, "region=eu&archived=false");
  g_assert_cmpstr (f->last_version, ==, "2");
  body = json_from_string (f->last_body, &error);
  g_assert_no_error (error);
  object = json_node_get_object (body);
  g_assert_cmpint (json_object_get_int_member (object, "limit"), ==, 100);
  g_assert_false (json_object_has_member (object, "after"));
}

/* Each failure is said in words that say what to check. */
static void
test_preview_errors (Fixture       *f,
                     gconstpointer  data)
{
  static const struct
  {
    const char *path;
    int         code;
    const char *words;
  } cases[] = {
    { "/web-page", VIGIL_PREVIEW_ERROR_HTML, "The answer is HTML, not JSON: is the URL an API address" },
    { "/html-as-json", VIGIL_PREVIEW_ERROR_HTML, "The answer is HTML, not JSON" },
    { "/not-json", VIGIL_PREVIEW_ERROR_NOT_JSON, "line 1, column 2" },
    { "/empty", VIGIL_PREVIEW_ERROR_NOT_JSON, "The answer is empty" },
    { "/unauthorized", VIGIL_PREVIEW_ERROR_TOKEN, "did not accept the token (HTTP 401)" },
    { "/forbidden", VIGIL_PREVIEW_ERROR_TOKEN, "permissions or scopes" },
    { "/gone", VIGIL_PREVIEW_ERROR_ADDRESS, "There is nothing at this address (HTTP 404)" },
    { "/broken", VIGIL_PREVIEW_ERROR_SERVER, "The server failed to answer (HTTP 500)" },
    { "/bad-request", VIGIL_PREVIEW_ERROR_REFUSED, "The server refused the request (HTTP 400)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilPreview) preview = preview_path (f, cases[i].path, NULL, &error);

      g_test_message ("%s: %s", cases[i].path, error != NULL ? error->message : "(none)");
      g_assert_null (preview);
      g_assert_error (error, VIGIL_PREVIEW_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].words));
      /* And the poll's own words on their own line, for support. */
      g_assert_nonnull (strstr (error->message, cases[i].path));
    }
}

/* No server listening: the connection is refused. */
static void
test_preview_no_server (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(VigilPreview) preview = NULL;

  /* A port nothing listens on: bound, then let go. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/x",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  source = vigil_source_new ("preview", url);
  preview = run_preview (f, source, NULL, &error);
  g_assert_null (preview);
  g_assert_error (error, VIGIL_PREVIEW_ERROR, VIGIL_PREVIEW_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "refused the connection"));
}

/* A server that never answers: the source's timeout, said as such. */
static void
test_preview_timeout (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (f->base, "/silent", NULL);
  g_autoptr(VigilSource) source = vigil_source_new ("preview", url);
  g_autoptr(VigilPreview) preview = NULL;

  source->timeout_s = 1;
  preview = run_preview (f, source, NULL, &error);
  g_assert_null (preview);
  g_assert_error (error, VIGIL_PREVIEW_ERROR, VIGIL_PREVIEW_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not answer in time"));
}

/* A big first page is checked whole, read whole (every record counted),
 * but only a sample of it is built and a few records kept; a page over
 * the source's size limit is refused as a poll refuses it. */
static void
test_preview_large (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreview) preview = preview_path (f, "/many", NULL, &error);
  g_autoptr(VigilMapping) native = vigil_mapping_new_native ();
  g_autoptr(VigilPreviewRecords) records = NULL;
  g_autofree char *url = g_strconcat (f->base, "/many", NULL);
  g_autoptr(VigilSource) small = vigil_source_new ("preview", url);
  g_autoptr(VigilPreview) refused = NULL;
  JsonNode *customers;

  g_assert_no_error (error);
  g_assert_true (vigil_preview_is_cut (preview));
  customers = vigil_json_pointer_get (vigil_preview_get_sample (preview), "/customers");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (customers)), ==, 3);

  records = vigil_preview_read (preview, native, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->records, ==, 20000);
  g_assert_cmpuint (records->snapshots->len, ==, 5);
  g_assert_cmpstr (snapshot_at (records, 4)->customer_id, ==, "c4");

  small->max_bytes = 1000;
  refused = run_preview (f, small, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, VIGIL_PREVIEW_ERROR, VIGIL_PREVIEW_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "larger than 1000 bytes"));
}

/* Where the records are: the first array of objects, shallowest first. */
static void
test_preview_find_records (void)
{
  static const struct
  {
    const char *page;
    const char *records;
  } cases[] = {
    { "[{\"id\": 1}]", "" },
    { "{\"meta\": {\"tags\": [1, 2]}, \"data\": [{\"id\": 1}]}", "/data" },
    { "{\"results\": {\"items\": [{\"id\": 1}]}, \"more\": {\"deeper\": {\"x\": [{}]}}}", "/results/items" },
    { "{\"a/b\": {\"c~d\": [{}]}}", "/a~1b/c~0d" },
    /* Members in their order, whatever a hash table would say. */
    { "{\"zeta\": [{}], \"alpha\": [{}], \"mid\": [{}]}", "/zeta" },
    { "{\"m\": 1, \"b\": [{}], \"a\": [{}]}", "/b" },
    { "{\"rows\": [[1, 2], [3, 4]]}", NULL },
    { "{\"customers\": []}", NULL },
    { "42", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = g_bytes_new_static (cases[i].page, strlen (cases[i].page));
      g_autoptr(VigilPreview) preview = vigil_preview_new_from_bytes ("http://x/", body, "application/json", NULL,
                                                                      0, &error);
      g_autofree char *found = NULL;

      g_assert_no_error (error);
      found = vigil_preview_find_records (preview);
      g_assert_cmpstr (found, ==, cases[i].records);
    }
}

/* The draft guessed from a CRM's page: records, id, name, the owner in
 * an object, money in cents, a time in epoch milliseconds, the domain as
 * a lower-cased key, and the next link. The JSON is what a person would
 * write, and the mapping loader reads it. */
static void
test_preview_guess (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreview) preview = preview_path (f, "/crm", NULL, &error);
  g_autoptr(VigilMappingDraft) draft = NULL;
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) expected = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autoptr(VigilPreviewRecords) records = NULL;
  g_autofree char *json = NULL;
  const char *next = NULL;

  g_assert_no_error (error);
  draft = vigil_mapping_draft_new_guessed (preview);
  g_assert_cmpstr (vigil_mapping_draft_get_records (draft), ==, "/results/items");
  g_assert_cmpstr (vigil_mapping_draft_get_pointer (draft, VIGIL_FIELD_ID), ==, "/id");
  g_assert_cmpstr (vigil_mapping_draft_get_pointer (draft, VIGIL_FIELD_NAME), ==, "/company_name");
  g_assert_cmpstr (vigil_mapping_draft_get_pointer (draft, VIGIL_FIELD_OWNER), ==, "/owner/name");
  g_assert_cmpint (vigil_mapping_draft_lookup (draft, "/mrr_cents")->transform, ==, VIGIL_TRANSFORM_CENTS);
  g_assert_cmpint (vigil_mapping_draft_lookup (draft, "/lastSeen")->field, ==, VIGIL_FIELD_LAST_ACTIVE);
  g_assert_cmpint (vigil_mapping_draft_lookup (draft, "/lastSeen")->transform, ==, VIGIL_TRANSFORM_EPOCH_MS);
  g_assert_cmpint (vigil_mapping_draft_lookup (draft, "/domain")->transform, ==, VIGIL_TRANSFORM_LOWER);
  g_assert_null (vigil_mapping_draft_lookup (draft, "/tags"));
  g_assert_cmpint (vigil_mapping_draft_get_pagination (draft, &next), ==, VIGIL_PAGINATION_NEXT_URL);
  g_assert_cmpstr (next, ==, "/links/next");

  json = vigil_mapping_draft_to_json (draft);
  written = json_from_string (json, &error);
  g_assert_no_error (error);
  expected = json_from_string ("{\"records\": \"/results/items\","
                               " \"fields\": {\"id\": \"/id\", \"name\": \"/company_name\","
                               "   \"owner\": \"/owner/name\", \"mrr\": {\"pointer\": \"/mrr_cents\", \"scale\": 0.01},"
                               "   \"last_active\": {\"pointer\": \"/lastSeen\", \"time\": \"epoch-ms\"}},"
                               " \"keys\": [{\"pointer\": \"/domain\", \"lower\": true}],"
                               " \"pagination\": {\"style\": \"next-url\", \"pointer\": \"/links/next\"}}", &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (written, expected));

  /* The mapping loader takes it, and the page read with it is in
   * currency units and seconds. */
  mapping = vigil_mapping_draft_build (draft, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_mapping_fills_field (mapping, VIGIL_FIELD_MRR));
  g_assert_true (vigil_mapping_fills_field (mapping, VIGIL_FIELD_KEYS));
  g_assert_false (vigil_mapping_fills_field (mapping, VIGIL_FIELD_SEATS));
  records = vigil_preview_read (preview, mapping, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->records, ==, 4);
  g_assert_cmpuint (records->skipped, ==, 1);
  /* "lots" is no number of cents. */
  g_assert_cmpuint (records->unknown_values, ==, 1);
  g_assert_cmpfloat (snapshot_at (records, 0)->mrr, ==, 4200.0);
  g_assert_cmpint (snapshot_at (records, 0)->last_active, ==, 1795176000);
  g_assert_cmpstr (snapshot_at (records, 0)->owner, ==, "Dana Park");
  g_assert_cmpstr (snapshot_at (records, 0)->keys->pdata[0], ==, "acme.com");
  g_assert_cmpfloat (snapshot_at (records, 1)->mrr, ==, 999.0);
}

/* A Link header's next page gives the link-header style; an array
 * document has its records at "". */
static void
test_preview_link_header (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreview) preview = preview_path (f, "/linked", NULL, &error);
  g_autoptr(VigilMappingDraft) draft = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autoptr(VigilPreviewRecords) records = NULL;
  g_autofree char *expected_next = g_strconcat (f->base, "/linked?page=2", NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (vigil_preview_get_link_next (preview), ==, expected_next);
  draft = vigil_mapping_draft_new_guessed (preview);
  g_assert_cmpstr (vigil_mapping_draft_get_records (draft), ==, "");
  g_assert_cmpint (vigil_mapping_draft_get_pagination (draft, NULL), ==, VIGIL_PAGINATION_LINK_HEADER);
  g_assert_cmpstr (vigil_mapping_draft_get_pointer (draft, VIGIL_FIELD_ID), ==, "/uuid");
  g_assert_cmpstr (vigil_mapping_draft_get_pointer (draft, VIGIL_FIELD_PLAN), ==, "/plan");

  mapping = vigil_mapping_draft_build (draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vigil_mapping_get_pagination (mapping), ==, VIGIL_PAGINATION_LINK_HEADER);
  records = vigil_preview_read (preview, mapping, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->snapshots->len, ==, 1);
  g_assert_cmpstr (snapshot_at (records, 0)->customer_id, ==, "u1");
  g_assert_cmpstr (snapshot_at (records, 0)->plan, ==, "pro");
}

/* Editing a draft by clicks: a field is filled by one value, a value
 * fills one field, keys may come from several; without an id the
 * mapping loader says what is missing; the page read with the draft's
 * mapping follows each change. */
static void
test_preview_draft_edits (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreview) preview = preview_path (f, "/crm", NULL, &error);
  g_autoptr(VigilMappingDraft) draft = vigil_mapping_draft_new ();
  g_autoptr(VigilMapping) mapping = NULL;
  g_autoptr(VigilPreviewRecords) records = NULL;
  VigilFieldChoice name = { VIGIL_FIELD_NAME, VIGIL_TRANSFORM_NONE, NULL };
  VigilFieldChoice plan = { VIGIL_FIELD_PLAN, VIGIL_TRANSFORM_NONE, NULL };
  VigilFieldChoice id = { VIGIL_FIELD_ID, VIGIL_TRANSFORM_NONE, NULL };
  VigilFieldChoice key = { VIGIL_FIELD_KEYS, VIGIL_TRANSFORM_NONE, NULL };

  g_assert_no_error (error);
  vigil_mapping_draft_set_records (draft, "/results/items");
  vigil_mapping_draft_assign (draft, "/company_name", &name);
  g_assert_null (vigil_mapping_draft_build (draft, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "needs a pointer for “id”"));
  g_clear_error (&error);

  vigil_mapping_draft_assign (draft, "/id", &id);
  /* Name from another value: the first no longer fills it. */
  vigil_mapping_draft_assign (draft, "/owner/name", &name);
  g_assert_null (vigil_mapping_draft_lookup (draft, "/company_name"));
  /* The same value to another field: it fills that one only. */
  vigil_mapping_draft_assign (draft, "/owner/name", &plan);
  g_assert_null (vigil_mapping_draft_get_pointer (draft, VIGIL_FIELD_NAME));
  vigil_mapping_draft_assign (draft, "/company_name", &name);
  vigil_mapping_draft_assign (draft, "/domain", &key);
  vigil_mapping_draft_assign (draft, "/id", &key);
  g_assert_null (vigil_mapping_draft_get_pointer (draft, VIGIL_FIELD_ID));
  vigil_mapping_draft_assign (draft, "/company_name", &id);
  vigil_mapping_draft_assign (draft, "/company_name", &name);
  vigil_mapping_draft_assign (draft, "/id", &id);
  vigil_mapping_draft_assign (draft, "/domain", &key);

  mapping = vigil_mapping_draft_build (draft, &error);
  g_assert_no_error (error);
  records = vigil_preview_read (preview, mapping, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->records, ==, 4);
  g_assert_cmpuint (records->skipped, ==, 1);
  g_assert_cmpstr (snapshot_at (records, 0)->customer_id, ==, "512");
  g_assert_cmpstr (snapshot_at (records, 0)->name, ==, "Acme Corp");
  g_assert_cmpstr (snapshot_at (records, 0)->plan, ==, "Dana Park");
  g_assert_cmpstr (snapshot_at (records, 0)->owner, ==, NULL);
  g_assert_cmpuint (snapshot_at (records, 0)->keys->len, ==, 1);
  g_assert_cmpstr (snapshot_at (records, 0)->keys->pdata[0], ==, "ACME.com");

  /* Elsewhere records: what was assigned in the old ones is gone. */
  vigil_mapping_draft_set_records (draft, "/meta");
  g_assert_null (vigil_mapping_draft_get_pointer (draft, VIGIL_FIELD_ID));
}

/* What each kind of value is offered for. */
static void
test_preview_choices (void)
{
  static const struct
  {
    const char     *value;
    VigilField      field;
    VigilTransform  transform;
    gboolean        offered;
  } cases[] = {
    { "1795176000000", VIGIL_FIELD_LAST_ACTIVE, VIGIL_TRANSFORM_EPOCH_MS, TRUE },
    { "1795176000000", VIGIL_FIELD_LAST_ACTIVE, VIGIL_TRANSFORM_EPOCH_S, FALSE },
    { "1795176000", VIGIL_FIELD_LAST_ACTIVE, VIGIL_TRANSFORM_EPOCH_S, TRUE },
    { "1795176000", VIGIL_FIELD_RENEWAL_DATE, VIGIL_TRANSFORM_EPOCH_S, TRUE },
    { "42", VIGIL_FIELD_LAST_ACTIVE, VIGIL_TRANSFORM_EPOCH_S, FALSE },
    { "420000", VIGIL_FIELD_MRR, VIGIL_TRANSFORM_CENTS, TRUE },
    { "420000", VIGIL_FIELD_MRR, VIGIL_TRANSFORM_NONE, TRUE },
    { "8", VIGIL_FIELD_NPS, VIGIL_TRANSFORM_NONE, TRUE },
    { "11", VIGIL_FIELD_NPS, VIGIL_TRANSFORM_NONE, FALSE },
    { "4200.5", VIGIL_FIELD_MRR, VIGIL_TRANSFORM_NONE, TRUE },
    { "4200.5", VIGIL_FIELD_ID, VIGIL_TRANSFORM_NONE, FALSE },
    { "\"2026-11-21T10:00:00Z\"", VIGIL_FIELD_LAST_ACTIVE, VIGIL_TRANSFORM_NONE, TRUE },
    { "\"2027-03-01\"", VIGIL_FIELD_RENEWAL_DATE, VIGIL_TRANSFORM_NONE, TRUE },
    { "\"Acme\"", VIGIL_FIELD_LAST_ACTIVE, VIGIL_TRANSFORM_NONE, FALSE },
    { "\"Acme\"", VIGIL_FIELD_NAME, VIGIL_TRANSFORM_NONE, TRUE },
    { "\"ACME.com\"", VIGIL_FIELD_KEYS, VIGIL_TRANSFORM_LOWER, TRUE },
    { "[\"sso\", \"api\"]", VIGIL_FIELD_FEATURES, VIGIL_TRANSFORM_NONE, TRUE },
    { "[{\"x\": 1}]", VIGIL_FIELD_FEATURES, VIGIL_TRANSFORM_NONE, FALSE },
    { "{\"sso\": 3}", VIGIL_FIELD_FEATURES, VIGIL_TRANSFORM_NONE, TRUE },
    { "true", VIGIL_FIELD_NAME, VIGIL_TRANSFORM_NONE, FALSE },
    { "null", VIGIL_FIELD_NAME, VIGIL_TRANSFORM_NONE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) value = json_from_string (cases[i].value, NULL);
      g_autoptr(GPtrArray) choices = vigil_field_choices_for_value (value);
      gboolean offered = FALSE;

      for (guint c = 0; c < choices->len; c++)
        {
          VigilFieldChoice *choice = choices->pdata[c];

          offered |= choice->field == cases[i].field && choice->transform == cases[i].transform;
        }
      g_test_message ("%s as %s", cases[i].value, vigil_field_get_name (cases[i].field));
      g_assert_cmpint (offered, ==, cases[i].offered);
    }
}

static gboolean
offers (GPtrArray      *choices,
        VigilField      field,
        VigilTransform  transform,
        const char     *format)
{
  for (guint c = 0; c < choices->len; c++)
    {
      VigilFieldChoice *choice = choices->pdata[c];

      if (choice->field == field && choice->transform == transform && g_strcmp0 (choice->time_format, format) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Text: times in the formats people write them (both readings where a
 * date reads either way), numbers written as text (with the file's
 * decimal mark, in a CSV cell). */
static void
test_preview_text_choices (void)
{
  g_autoptr(JsonNode) either = json_from_string ("\"05/03/2024 14:23\"", NULL);
  g_autoptr(JsonNode) day_first = json_from_string ("\"25/03/2024\"", NULL);
  g_autoptr(JsonNode) named = json_from_string ("\"Mar 5, 2024 2:23 PM\"", NULL);
  g_autoptr(JsonNode) money = json_from_string ("\"4200.50\"", NULL);
  g_autoptr(JsonNode) millis = json_from_string ("\"1795176000000\"", NULL);
  g_autoptr(GPtrArray) a = vigil_field_choices_for_value (either);
  g_autoptr(GPtrArray) b = vigil_field_choices_for_value (day_first);
  g_autoptr(GPtrArray) c = vigil_field_choices_for_value (named);
  g_autoptr(GPtrArray) d = vigil_field_choices_for_value (money);
  g_autoptr(GPtrArray) e = vigil_field_choices_for_value (millis);
  g_autoptr(GPtrArray) comma = vigil_field_choices_for_cell ("4.200,50", ',');
  g_autoptr(GPtrArray) point = vigil_field_choices_for_cell ("4.200,50", '.');
  g_autoptr(GPtrArray) empty = vigil_field_choices_for_cell ("  ", ',');

  g_assert_true (offers (a, VIGIL_FIELD_LAST_ACTIVE, VIGIL_TRANSFORM_TIME_FORMAT, "%d/%m/%Y %H:%M"));
  g_assert_true (offers (a, VIGIL_FIELD_LAST_ACTIVE, VIGIL_TRANSFORM_TIME_FORMAT, "%m/%d/%Y %H:%M"));
  g_assert_true (offers (b, VIGIL_FIELD_RENEWAL_DATE, VIGIL_TRANSFORM_TIME_FORMAT, "%d/%m/%Y"));
  g_assert_false (offers (b, VIGIL_FIELD_RENEWAL_DATE, VIGIL_TRANSFORM_TIME_FORMAT, "%m/%d/%Y"));
  g_assert_true (offers (c, VIGIL_FIELD_LAST_ACTIVE, VIGIL_TRANSFORM_TIME_FORMAT, "%b %d, %Y %I:%M %p"));
  g_assert_true (offers (c, VIGIL_FIELD_NAME, VIGIL_TRANSFORM_NONE, NULL));
  g_assert_true (offers (d, VIGIL_FIELD_MRR, VIGIL_TRANSFORM_NONE, NULL));
  g_assert_false (offers (d, VIGIL_FIELD_NAME, VIGIL_TRANSFORM_NONE, NULL));
  g_assert_true (offers (e, VIGIL_FIELD_LAST_ACTIVE, VIGIL_TRANSFORM_EPOCH_MS, NULL));
  g_assert_true (offers (comma, VIGIL_FIELD_MRR, VIGIL_TRANSFORM_NONE, NULL));
  g_assert_false (offers (point, VIGIL_FIELD_MRR, VIGIL_TRANSFORM_NONE, NULL));
  g_assert_true (offers (point, VIGIL_FIELD_NAME, VIGIL_TRANSFORM_NONE, NULL));
  g_assert_cmpuint (empty->len, ==, 0);
}

/* A CRM export as a spreadsheet writes it: its own column names,
 * semicolons, decimal commas, day-first times, a quoted name holding the
 * delimiter and a line break. */
#define CRM_CSV \
  "Account ID;Company name;Monthly Revenue;Last Activity Date;Owner;Domain\r\n" \
  "512;\"Acme; Corp\";4.200,50;05/03/2024 14:23;Dana Park;ACME.com\r\n" \
  "513;\"Initech\nLabs\";999,00;25/03/2024 08:00;Sam Lee;initech.example\r\n" \
  "514;Umbrella;;;Dana Park;\r\n" \
  "515;too;few\r\n"

/* The start of a CSV file: columns, first rows, delimiter and decimal
 * mark as the cells show them; a row of another width is left out. */
static void
test_preview_csv_head (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(VigilCsvHead) head = NULL;
  g_autoptr(VigilCsvHead) plain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = NULL;
  g_autoptr(GFile) empty_file = NULL;

  test_dir_init (&dir);
  path = test_dir_write (&dir, "crm.csv", CRM_CSV, -1);
  file = g_file_new_for_path (path);
  head = vigil_csv_head_read (file, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (head->delimiter, ==, ';');
  g_assert_cmpint (head->decimal, ==, ',');
  g_assert_cmpuint (head->columns->len, ==, 6);
  g_assert_cmpstr (head->columns->pdata[1], ==, "Company name");
  g_assert_cmpuint (head->rows->len, ==, 3);
  g_assert_cmpstr (((GStrv) head->rows->pdata[0])[1], ==, "Acme; Corp");
  g_assert_cmpstr (((GStrv) head->rows->pdata[1])[1], ==, "Initech\nLabs");
  g_clear_pointer (&head, vigil_csv_head_free);
  head = vigil_csv_head_read (file, 1, NULL, &error);
  g_assert_cmpuint (head->rows->len, ==, 1);

  /* Commas and decimal points; "1,234" alone says nothing either way. */
  g_clear_pointer (&path, g_free);
  path = test_dir_write (&dir, "plain.csv", "id,mrr,seats\n1,\"1,234\",3\n2,12.50,4\n", -1);
  g_clear_object (&file);
  file = g_file_new_for_path (path);
  plain = vigil_csv_head_read (file, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plain->delimiter, ==, ',');
  g_assert_cmpint (plain->decimal, ==, '.');

  empty = test_dir_write (&dir, "empty.csv", "", 0);
  empty_file = g_file_new_for_path (empty);
  g_assert_null (vigil_csv_head_read (empty_file, 10, NULL, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "the file is empty"));
  test_dir_clear (&dir);
}

/* A CSV mapping drafted from the header and first cells, a column
 * clicked, and the first rows read through it as an import would read
 * them, nothing stored. */
static void
test_preview_csv_draft (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(VigilCsvHead) head = NULL;
  g_autoptr(VigilMappingDraft) draft = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autoptr(VigilPreviewRecords) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) expected = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GPtrArray) choices = NULL;
  VigilFieldChoice *mrr = NULL;
  GString *many = g_string_new ("Account ID;Company name\n");

  test_dir_init (&dir);
  path = test_dir_write (&dir, "crm.csv", CRM_CSV, -1);
  file = g_file_new_for_path (path);
  head = vigil_csv_head_read (file, 10, NULL, &error);
  g_assert_no_error (error);
  draft = vigil_mapping_draft_new_csv (head);
  g_assert_true (vigil_mapping_draft_is_csv (draft));
  g_assert_cmpstr (vigil_mapping_draft_get_pointer (draft, VIGIL_FIELD_ID), ==, "Account ID");
  g_assert_cmpstr (vigil_mapping_draft_get_pointer (draft, VIGIL_FIELD_NAME), ==, "Company name");
  g_assert_cmpint (vigil_mapping_draft_lookup (draft, "Last Activity Date")->transform, ==,
                   VIGIL_TRANSFORM_TIME_FORMAT);
  /* The revenue, a number with a decimal comma, can be MRR, and is. */
  choices = vigil_field_choices_for_cell ("4.200,50", vigil_mapping_draft_get_decimal (draft));
  for (guint i = 0; i < choices->len; i++)
    if (((VigilFieldChoice *) choices->pdata[i])->field == VIGIL_FIELD_MRR &&
        ((VigilFieldChoice *) choices->pdata[i])->transform == VIGIL_TRANSFORM_NONE)
      mrr = choices->pdata[i];
  g_assert_nonnull (mrr);
  g_assert_cmpint (vigil_mapping_draft_lookup (draft, "Monthly Revenue")->field, ==, VIGIL_FIELD_MRR);
  /* A click: the owner column is not used. */
  vigil_mapping_draft_unassign (draft, "Owner");

  json = vigil_mapping_draft_to_json (draft);
  written = json_from_string (json, &error);
  g_assert_no_error (error);
  expected = json_from_string ("{\"fields\": {\"id\": \"Account ID\", \"name\": \"Company name\","
                               "   \"mrr\": \"Monthly Revenue\","
                               "   \"last_active\": {\"column\": \"Last Activity Date\", \"time\": \"%d/%m/%Y %H:%M\"}},"
                               " \"keys\": [{\"column\": \"Domain\", \"lower\": true}],"
                               " \"delimiter\": \";\", \"decimal\": \",\"}", &error);
  g_assert_no_error (error);
  g_test_message ("%s", json);
  g_assert_true (json_node_equal (written, expected));

  mapping = vigil_mapping_draft_build (draft, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_mapping_is_csv (mapping));
  records = vigil_import_preview_csv (file, mapping, 100, 10, NULL, &error);
  /* The row of three cells is an error, as in an import. */
  g_assert_null (records);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "but the header has 6"));
  g_clear_error (&error);
  records = vigil_import_preview_csv (file, mapping, 3, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->records, ==, 3);
  g_assert_cmpstr (snapshot_at (records, 0)->name, ==, "Acme; Corp");
  g_assert_cmpfloat (snapshot_at (records, 0)->mrr, ==, 4200.5);
  g_assert_cmpint (snapshot_at (records, 0)->last_active, ==, 1709648580);
  g_assert_cmpstr (snapshot_at (records, 0)->keys->pdata[0], ==, "acme.com");
  g_assert_null (snapshot_at (records, 0)->owner);
  g_assert_cmpfloat (snapshot_at (records, 1)->mrr, ==, 999.0);
  g_clear_pointer (&records, vigil_preview_records_free);

  /* Only the rows asked for are read. */
  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (many, "%u;Customer %u\n", i, i);
  g_clear_pointer (&path, g_free);
  path = test_dir_write (&dir, "many.csv", many->str, (gssize) many->len);
  g_string_free (many, TRUE);
  g_clear_object (&file);
  file = g_file_new_for_path (path);
  g_clear_pointer (&head, vigil_csv_head_free);
  head = vigil_csv_head_read (file, 10, NULL, &error);
  g_clear_object (&draft);
  draft = vigil_mapping_draft_new_csv (head);
  g_clear_object (&mapping);
  mapping = vigil_mapping_draft_build (draft, &error);
  g_assert_no_error (error);
  records = vigil_import_preview_csv (file, mapping, 200, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->records, ==, 200);
  g_assert_cmpuint (records->snapshots->len, ==, 5);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/preview/native", test_preview_native);
  ADD ("/core/preview/token", test_preview_token);
  ADD ("/core/preview/request", test_preview_request);
  ADD ("/core/preview/errors", test_preview_errors);
  ADD ("/core/preview/no-server", test_preview_no_server);
  ADD ("/core/preview/timeout", test_preview_timeout);
  ADD ("/core/preview/large", test_preview_large);
  ADD ("/core/preview/guess", test_preview_guess);
  ADD ("/core/preview/link-header", test_preview_link_header);
  ADD ("/core/preview/draft-edits", test_preview_draft_edits);
#undef ADD
  g_test_add_func ("/core/preview/find-records", test_preview_find_records);
  g_test_add_func ("/core/preview/choices", test_preview_choices);
  g_test_add_func ("/core/preview/text-choices", test_preview_text_choices);
  g_test_add_func ("/core/preview/csv-head", test_preview_csv_head);
  g_test_add_func ("/core/preview/csv-draft", test_preview_csv_draft);

  return g_test_run ();
}
