/* test-demo-server.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-demo-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-demo.h"
#include "vigil-demo-server.h"
#include "vigil-demo-server.h"

#define DAY G_GINT64_CONSTANT (86400)

/* 2026-11-20T12:00:00Z: "now" for the tests. */
#define FIXED_TIME G_GINT64_CONSTANT (1795176000)

#define TEST_SEED G_GUINT64_CONSTANT (20261120)

typedef struct
{
  VigilDemo       *demo;
  VigilDemoServer *server;
  SoupSession     *session;
  char            *url;
} Fixture;

typedef struct
{
  GBytes  *bytes;
  GError  *error;
  gboolean done;
} Fetch;

static void
fixture_init (Fixture *fixture,
              guint    n_customers,
              guint    page_size)
{
  g_autoptr(GError) error = NULL;

  fixture->demo = vigil_demo_new (TEST_SEED, n_customers);
  fixture->server = vigil_demo_server_new (fixture->demo, page_size);
  vigil_demo_server_listen (fixture->server, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_demo_server_get_port (fixture->server), >, 0);

  fixture->url = vigil_demo_server_get_url (fixture->server);
  fixture->session = soup_session_new ();
}

static void
fixture_clear (Fixture *fixture)
{
  g_clear_object (&fixture->session);
  g_assert_finalize_object (fixture->server);
  g_clear_object (&fixture->demo);
  g_clear_pointer (&fixture->url, g_free);
}

static void
send_and_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Fetch *fetch = user_data;

  fetch->bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                    &fetch->error);
  fetch->done = TRUE;
}

/* The server answers in this thread's main context, so the request is
 * sent asynchronously and the context iterated until it is done. */
static GBytes *
fetch_full (Fixture    *fixture,
            const char *method,
            const char *url,
            guint      *out_status,
            char      **out_content_type)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Fetch fetch = { 0 };
  const char *content_type;

  g_assert_nonnull (msg);
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    send_and_read_cb, &fetch);
  while (!fetch.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (fetch.error);

  *out_status = soup_message_get_status (msg);
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                        NULL);
  if (out_content_type != NULL)
    *out_content_type = g_strdup (content_type);
  return fetch.bytes;
}

/* A page of JSON: its status must be 200 and its type application/json. */
static GBytes *
fetch_page (Fixture    *fixture,
            const char *url)
{
  g_autofree char *content_type = NULL;
  GBytes *bytes;
  guint status;

  bytes = fetch_full (fixture, "GET", url, &status, &content_type);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (content_type, ==, "application/json");
  return bytes;
}

static JsonObject *
parse_page (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *root;

  json_parser_load_from_data (parser, data, (gssize) length, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_assert_true (json_object_has_member (json_node_get_object (root), "customers"));
  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
parse_object (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *root;

  json_parser_load_from_data (parser, data, (gssize) length, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

/* A URL on the fixture's server for @path_and_query. */
static char *
make_url (Fixture    *fixture,
          const char *path_and_query)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s",
                          vigil_demo_server_get_port (fixture->server), path_and_query);
}

static void
assert_snapshots_equal (const VigilSnapshot *a,
                        const VigilSnapshot *b)
{
  g_assert_cmpstr (a->customer_id, ==, b->customer_id);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->plan, ==, b->plan);
  g_assert_cmpstr (a->owner, ==, b->owner);
  g_assert_cmpstr (a->segment, ==, b->segment);
  g_assert_true ((isnan (a->mrr) && isnan (b->mrr)) || a->mrr == b->mrr);
  g_assert_cmpint (a->seats, ==, b->seats);
  g_assert_cmpint (a->seats_used, ==, b->seats_used);
  g_assert_cmpint (a->api_calls_7d, ==, b->api_calls_7d);
  g_assert_cmpint (a->features_used, ==, b->features_used);
  g_assert_cmpint (a->open_tickets, ==, b->open_tickets);
  g_assert_cmpint (a->nps, ==, b->nps);
  g_assert_cmpint (a->last_active, ==, b->last_active);
  g_assert_cmpint (a->observed_at, ==, b->observed_at);
  g_assert_cmpint (a->renewal_day, ==, b->renewal_day);
  g_assert_cmpint (a->features == NULL, ==, b->features == NULL);
  if (a->features != NULL)
    {
      g_autoptr(GHashTable) calls = g_hash_table_new (g_str_hash, g_str_equal);

      /* A JSON object's members have no order: compare by name. */
      g_assert_cmpuint (a->features->len, ==, b->features->len);
      for (guint i = 0; i < a->features->len; i++)
        {
          const VigilFeatureUsage *fa = &g_array_index (a->features, VigilFeatureUsage, i);

          g_assert_true (g_hash_table_insert (calls, fa->name, (gpointer) &fa->calls));
        }
      for (guint i = 0; i < b->features->len; i++)
        {
          const VigilFeatureUsage *fb = &g_array_index (b->features, VigilFeatureUsage, i);
          const gint64 *fa_calls = g_hash_table_lookup (calls, fb->name);

          g_assert_nonnull (fa_calls);
          g_assert_cmpint (*fa_calls, ==, fb->calls);
        }
    }
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

static void
test_demo_server_first_page (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autofree char *expected_next = NULL;
  JsonArray *customers;

  fixture_init (&fixture, 1234, 0);
  g_assert_true (g_str_has_prefix (fixture.url, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (fixture.url, "/usage"));

  bytes = fetch_page (&fixture, fixture.url);
  page = parse_page (bytes);
  customers = json_object_get_array_member (page, "customers");
  g_assert_cmpuint (json_array_get_length (customers), ==, 500);

  expected_next = g_strconcat (fixture.url, "?page=2", NULL);
  g_assert_cmpstr (json_object_get_string_member (page, "next"), ==, expected_next);

  for (guint i = 0; i < 500; i++)
    {
      JsonObject *customer = json_array_get_object_element (customers, i);
      g_autofree char *id = g_strdup_printf ("acct-%05u", i);

      g_assert_cmpstr (json_object_get_string_member (customer, "id"), ==, id);
    }

  fixture_clear (&fixture);
}

/* Following "next" gives every customer once, each as fill_snapshot()
 * has it at the server's time, names in every script included. */
static void
test_demo_server_pages (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(VigilSnapshot) expected = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) parsed = vigil_snapshot_new ();
  g_autofree char *url = NULL;
  guint n_pages = 0;
  guint n_customers = 0;
  guint n_non_ascii = 0;

  fixture_init (&fixture, 1234, 500);
  vigil_demo_server_set_now (fixture.server, FIXED_TIME);

  url = g_strdup (fixture.url);
  while (url != NULL)
    {
      g_autoptr(GBytes) bytes = fetch_page (&fixture, url);
      g_autoptr(JsonObject) page = parse_page (bytes);
      JsonArray *customers = json_object_get_array_member (page, "customers");
      guint length = json_array_get_length (customers);

      n_pages++;
      g_assert_cmpuint (n_pages, <=, 3);
      g_assert_cmpuint (length, ==, n_pages < 3 ? 500 : 234);

      for (guint i = 0; i < length; i++)
        {
          JsonObject *customer = json_array_get_object_element (customers, i);
          const char *id = json_object_get_string_member (customer, "id");

          g_assert_true (g_hash_table_add (seen, g_strdup (id)));

          vigil_snapshot_clear (parsed);
          vigil_snapshot_set_json_object (parsed, customer);
          g_assert_cmpuint (parsed->n_unknown, ==, 0);

          vigil_demo_fill_snapshot (fixture.demo, n_customers, FIXED_TIME, expected);
          assert_snapshots_equal (parsed, expected);
          if (!is_ascii (expected->name))
            n_non_ascii++;
          n_customers++;
        }

      g_free (url);
      url = json_object_has_member (page, "next")
        ? g_strdup (json_object_get_string_member (page, "next"))
        : NULL;
    }

  g_assert_cmpuint (n_pages, ==, 3);
  g_assert_cmpuint (n_customers, ==, 1234);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1234);
  g_assert_cmpuint (n_non_ascii, >, 0);

  /* A page past the end is empty, without "next". */
  {
    g_autofree char *past = g_strconcat (fixture.url, "?page=4", NULL);
    g_autoptr(GBytes) bytes = fetch_page (&fixture, past);
    g_autoptr(JsonObject) page = parse_page (bytes);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "customers")),
                      ==, 0);
    g_assert_false (json_object_has_member (page, "next"));
  }

  fixture_clear (&fixture);
}

static void
test_demo_server_fixed_now (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GBytes) later = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(JsonObject) later_page = NULL;
  JsonArray *customers;
  JsonArray *later_customers;
  guint n_changed = 0;

  fixture_init (&fixture, 300, 100);
  vigil_demo_server_set_now (fixture.server, FIXED_TIME);

  first = fetch_page (&fixture, fixture.url);
  second = fetch_page (&fixture, fixture.url);
  g_assert_true (g_bytes_equal (first, second));

  vigil_demo_server_set_now (fixture.server, FIXED_TIME + 3 * DAY + 3600);
  later = fetch_page (&fixture, fixture.url);
  g_assert_false (g_bytes_equal (first, later));

  page = parse_page (first);
  later_page = parse_page (later);
  customers = json_object_get_array_member (page, "customers");
  later_customers = json_object_get_array_member (later_page, "customers");
  g_assert_cmpuint (json_array_get_length (customers), ==, 100);
  g_assert_cmpuint (json_array_get_length (later_customers), ==, 100);

  for (guint i = 0; i < 100; i++)
    {
      JsonObject *a = json_array_get_object_element (customers, i);
      JsonObject *b = json_array_get_object_element (later_customers, i);

      g_assert_cmpstr (json_object_get_string_member (a, "id"), ==,
                       json_object_get_string_member (b, "id"));
      g_assert_cmpstr (json_object_get_string_member (a, "observed_at"), ==,
                       "2026-11-20T12:00:00Z");
      g_assert_cmpstr (json_object_get_string_member (b, "observed_at"), ==,
                       "2026-11-23T13:00:00Z");
      if (json_object_has_member (a, "api_calls_7d") &&
          json_object_has_member (b, "api_calls_7d") &&
          json_object_get_int_member (a, "api_calls_7d") !=
          json_object_get_int_member (b, "api_calls_7d"))
        n_changed++;
    }
  g_assert_cmpuint (n_changed, >, 10);

  fixture_clear (&fixture);
}

/* Without a fixed clock, customers are observed at the real time. */
static void
test_demo_server_real_time (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) page = NULL;
  JsonObject *customer;
  gint64 before;
  gint64 after;
  gint64 observed_at;

  fixture_init (&fixture, 10, 0);

  before = g_get_real_time () / G_USEC_PER_SEC;
  bytes = fetch_page (&fixture, fixture.url);
  after = g_get_real_time () / G_USEC_PER_SEC;

  page = parse_page (bytes);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "customers")),
                    ==, 10);
  g_assert_false (json_object_has_member (page, "next"));

  customer = json_array_get_object_element (json_object_get_array_member (page, "customers"), 0);
  g_assert_true (vigil_time_parse_iso8601 (json_object_get_string_member (customer, "observed_at"),
                                           &observed_at));
  g_assert_cmpint (observed_at, >=, before);
  g_assert_cmpint (observed_at, <=, after);

  fixture_clear (&fixture);
}

static void
assert_status (Fixture    *fixture,
               const char *method,
               const char *path,
               guint       expected)
{
  g_autofree char *url = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GUri) base = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  guint status;

  url = g_strdup_printf ("http://127.0.0.1:%d%s", g_uri_get_port (base), path);
  bytes = fetch_full (fixture, method, url, &status, NULL);
  if (status != expected)
    g_error ("%s %s: status %u, expected %u", method, path, status, expected);
}

static void
test_demo_server_errors (void)
{
  Fixture fixture = { 0 };
  static const char * const bad_pages[] = {
    "0", "-1", "+1", "abc", "1x", " 1", "1.5", "", "99999999999999999999999",
  };

  fixture_init (&fixture, 20, 0);

  assert_status (&fixture, "GET", "/", SOUP_STATUS_NOT_FOUND);
  assert_status (&fixture, "GET", "/nope", SOUP_STATUS_NOT_FOUND);
  assert_status (&fixture, "GET", "/usage/1", SOUP_STATUS_NOT_FOUND);
  assert_status (&fixture, "GET", "/usage/", SOUP_STATUS_NOT_FOUND);
  assert_status (&fixture, "GET", "/usagex", SOUP_STATUS_NOT_FOUND);
  assert_status (&fixture, "GET", "/accounts/", SOUP_STATUS_NOT_FOUND);
  assert_status (&fixture, "GET", "/accounts/acct-00001", SOUP_STATUS_NOT_FOUND);
  assert_status (&fixture, "GET", "/usage/acct-00001/x", SOUP_STATUS_NOT_FOUND);
  assert_status (&fixture, "POST", "/usage", SOUP_STATUS_METHOD_NOT_ALLOWED);
  assert_status (&fixture, "POST", "/accounts", SOUP_STATUS_METHOD_NOT_ALLOWED);
  assert_status (&fixture, "PUT", "/usage/acct-00001", SOUP_STATUS_METHOD_NOT_ALLOWED);
  assert_status (&fixture, "HEAD", "/accounts", SOUP_STATUS_OK);
  assert_status (&fixture, "HEAD", "/usage/acct-00001", SOUP_STATUS_OK);
  assert_status (&fixture, "PUT", "/usage", SOUP_STATUS_METHOD_NOT_ALLOWED);
  assert_status (&fixture, "DELETE", "/usage?page=1", SOUP_STATUS_METHOD_NOT_ALLOWED);
  assert_status (&fixture, "POST", "/health", SOUP_STATUS_METHOD_NOT_ALLOWED);
  assert_status (&fixture, "HEAD", "/usage", SOUP_STATUS_OK);
  assert_status (&fixture, "GET", "/usage?page=1", SOUP_STATUS_OK);
  assert_status (&fixture, "GET", "/usage?page=1&other=x", SOUP_STATUS_OK);

  for (guint i = 0; i < G_N_ELEMENTS (bad_pages); i++)
    {
      g_autofree char *escaped = g_uri_escape_string (bad_pages[i], NULL, FALSE);
      g_autofree char *path = g_strconcat ("/usage?page=", escaped, NULL);

      assert_status (&fixture, "GET", path, SOUP_STATUS_BAD_REQUEST);
      g_free (path);
      path = g_strconcat ("/accounts?page=", escaped, NULL);
      assert_status (&fixture, "GET", path, SOUP_STATUS_BAD_REQUEST);
    }

  /* The health check. */
  {
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/health",
                                            vigil_demo_server_get_port (fixture.server));
    g_autoptr(GBytes) bytes = NULL;
    guint status;

    bytes = fetch_full (&fixture, "GET", url, &status, NULL);
    g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "ok", 2);
  }

  fixture_clear (&fixture);
}

static void
test_demo_server_requests (void)
{
  Fixture fixture = { 0 };

  fixture_init (&fixture, 5, 0);
  g_assert_cmpuint (vigil_demo_server_get_n_requests (fixture.server), ==, 0);

  for (guint i = 1; i <= 3; i++)
    {
      g_autoptr(GBytes) bytes = fetch_page (&fixture, fixture.url);

      g_assert_cmpuint (vigil_demo_server_get_n_requests (fixture.server), ==, i);
    }

  /* Every request counts, whatever its answer. */
  assert_status (&fixture, "GET", "/nope", SOUP_STATUS_NOT_FOUND);
  assert_status (&fixture, "GET", "/usage?page=x", SOUP_STATUS_BAD_REQUEST);
  assert_status (&fixture, "GET", "/health", SOUP_STATUS_OK);
  g_assert_cmpuint (vigil_demo_server_get_n_requests (fixture.server), ==, 6);

  fixture_clear (&fixture);
}

/* /accounts lists ids and names only, paged as /usage, with
 * "links": {"next": ...} an absolute URL, null on the last page. */
static void
test_demo_server_accounts (void)
{
  Fixture fixture = { 0 };
  g_autoptr(VigilSnapshot) expected = vigil_snapshot_new ();
  g_autofree char *url = NULL;
  g_autofree char *first_url = NULL;
  guint n_pages = 0;
  guint n_customers = 0;

  fixture_init (&fixture, 250, 100);
  vigil_demo_server_set_now (fixture.server, FIXED_TIME);

  first_url = make_url (&fixture, "/accounts");
  url = g_strdup (first_url);
  while (url != NULL)
    {
      g_autoptr(GBytes) bytes = fetch_page (&fixture, url);
      g_autoptr(JsonObject) page = parse_object (bytes);
      JsonArray *data = json_object_get_array_member (page, "data");
      JsonObject *links = json_object_get_object_member (page, "links");
      JsonNode *next;
      guint length = json_array_get_length (data);

      g_assert_nonnull (data);
      g_assert_nonnull (links);
      g_assert_cmpuint (json_object_get_size (page), ==, 2);

      n_pages++;
      g_assert_cmpuint (n_pages, <=, 3);
      g_assert_cmpuint (length, ==, n_pages < 3 ? 100 : 50);

      for (guint i = 0; i < length; i++)
        {
          JsonObject *account = json_array_get_object_element (data, i);

          vigil_demo_fill_snapshot (fixture.demo, n_customers, FIXED_TIME, expected);
          g_assert_cmpuint (json_object_get_size (account), ==, 2);
          g_assert_cmpstr (json_object_get_string_member (account, "id"), ==,
                           expected->customer_id);
          g_assert_cmpstr (json_object_get_string_member (account, "name"), ==, expected->name);
          n_customers++;
        }

      next = json_object_get_member (links, "next");
      g_assert_nonnull (next);
      g_free (url);
      if (JSON_NODE_HOLDS_NULL (next))
        url = NULL;
      else
        {
          g_autofree char *expected_next = g_strdup_printf ("%s?page=%u", first_url, n_pages + 1);

          url = g_strdup (json_node_get_string (next));
          g_assert_cmpstr (url, ==, expected_next);
        }
    }
  g_assert_cmpuint (n_pages, ==, 3);
  g_assert_cmpuint (n_customers, ==, 250);

  /* A page past the end is empty, its next null. */
  {
    g_autofree char *past = make_url (&fixture, "/accounts?page=9");
    g_autoptr(GBytes) bytes = fetch_page (&fixture, past);
    g_autoptr(JsonObject) page = parse_object (bytes);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "data")), ==, 0);
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (
      json_object_get_object_member (page, "links"), "next")));
  }

  fixture_clear (&fixture);
}

/* The detail of @id: its status must be 200. */
static JsonObject *
fetch_detail (Fixture    *fixture,
              const char *escaped_id)
{
  g_autofree char *path = g_strconcat ("/usage/", escaped_id, NULL);
  g_autofree char *url = make_url (fixture, path);
  g_autoptr(GBytes) bytes = fetch_page (fixture, url);

  return parse_object (bytes);
}

/* /usage/ID answers the usage of that customer, as fill_snapshot() has
 * it at the server's time, in the shape a detail mapping reads. */
static void
test_demo_server_detail (void)
{
  static const char mapping_json[] =
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"name\": \"/name\"},"
    " \"pagination\": {\"style\": \"next-url\", \"pointer\": \"/links/next\"},"
    " \"detail_url\": \"http://127.0.0.1/usage/{id}\","
    " \"detail_fields\": {\"api_calls_7d\": \"/usage/api_calls_7d\","
    " \"features\": \"/usage/features\", \"seats\": \"/usage/seats\","
    " \"seats_used\": \"/usage/seats_used\", \"last_active\": \"/usage/last_active\"}}";
  static const char * const unknown_ids[] = {
    "acct-00120",     /* one past the last */
    "acct-99999",
    "acct-42",        /* not the demo's spelling */
    "acct-000042",
    "acct-00042x",
    "acct-+0042",
    "acct--0042",
    "ACCT-00042",
    "acct-",
    "acct",
    "x",
    "acct%2F00042",   /* an encoded slash */
    "acct-00042%20",
  };
  Fixture fixture = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autoptr(VigilSnapshot) expected = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) parsed = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) mapped = vigil_snapshot_new ();
  guint n_with_features = 0;

  mapping = vigil_mapping_new_from_data (mapping_json, -1, &error);
  g_assert_no_error (error);

  fixture_init (&fixture, 120, 0);
  vigil_demo_server_set_now (fixture.server, FIXED_TIME);

  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *id = g_strdup_printf ("acct-%05u", i);
      g_autoptr(JsonObject) detail = fetch_detail (&fixture, id);
      g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), detail);
      JsonObject *usage;

      g_assert_cmpuint (json_object_get_size (detail), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (detail, "id"), ==, id);
      usage = json_object_get_object_member (detail, "usage");
      g_assert_nonnull (usage);

      /* Only the usage fields, in the native format. */
      {
        GList *names = json_object_get_members (usage);

        for (GList *l = names; l != NULL; l = l->next)
          g_assert_true (g_strv_contains ((const char * const[]) {
                           "api_calls_7d", "features", "features_used", "seats",
                           "seats_used", "last_active", NULL }, l->data));
        g_list_free (names);
      }

      vigil_demo_fill_snapshot (fixture.demo, i, FIXED_TIME, expected);

      vigil_snapshot_clear (parsed);
      vigil_snapshot_set_json_object (parsed, usage);
      g_assert_cmpuint (parsed->n_unknown, ==, 0);
      g_assert_cmpint (parsed->api_calls_7d, ==, expected->api_calls_7d);
      g_assert_cmpint (parsed->seats, ==, expected->seats);
      g_assert_cmpint (parsed->seats_used, ==, expected->seats_used);
      g_assert_cmpint (parsed->last_active, ==, expected->last_active);
      if (expected->features != NULL)
        {
          g_assert_nonnull (parsed->features);
          g_assert_cmpuint (parsed->features->len, <=, expected->features->len);
          n_with_features++;
        }

      /* Through a detail mapping, as the poller reads it. */
      vigil_snapshot_clear (mapped);
      vigil_mapping_apply_detail (mapping, root, mapped);
      g_assert_cmpuint (mapped->n_unknown, ==, 0);
      g_assert_cmpint (mapped->api_calls_7d, ==, expected->api_calls_7d);
      g_assert_cmpint (mapped->seats, ==, expected->seats);
      g_assert_cmpint (mapped->seats_used, ==, expected->seats_used);
      g_assert_cmpint (mapped->last_active, ==, expected->last_active);
      g_assert_cmpint (mapped->features == NULL, ==, parsed->features == NULL);
    }
  g_assert_cmpuint (n_with_features, >, 0);

  /* The id is percent-decoded. */
  {
    g_autoptr(JsonObject) detail = fetch_detail (&fixture, "acct%2D00042");
    g_autoptr(JsonObject) plain = fetch_detail (&fixture, "acct-00042");
    g_autoptr(JsonNode) a = json_node_init_object (json_node_alloc (), detail);
    g_autoptr(JsonNode) b = json_node_init_object (json_node_alloc (), plain);

    g_assert_cmpstr (json_object_get_string_member (detail, "id"), ==, "acct-00042");
    g_assert_true (json_node_equal (a, b));
  }

  for (guint i = 0; i < G_N_ELEMENTS (unknown_ids); i++)
    {
      g_autofree char *path = g_strconcat ("/usage/", unknown_ids[i], NULL);

      assert_status (&fixture, "GET", path, SOUP_STATUS_NOT_FOUND);
    }

  fixture_clear (&fixture);
}

/* The usage changes with the server's clock. */
static void
test_demo_server_detail_now (void)
{
  Fixture fixture = { 0 };
  guint n_changed = 0;

  fixture_init (&fixture, 60, 0);
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *id = g_strdup_printf ("acct-%05u", i);
      g_autoptr(JsonObject) before = NULL;
      g_autoptr(JsonObject) after = NULL;
      JsonObject *a;
      JsonObject *b;

      vigil_demo_server_set_now (fixture.server, FIXED_TIME);
      before = fetch_detail (&fixture, id);
      vigil_demo_server_set_now (fixture.server, FIXED_TIME + 3 * DAY + 3600);
      after = fetch_detail (&fixture, id);

      a = json_object_get_object_member (before, "usage");
      b = json_object_get_object_member (after, "usage");
      if (json_object_has_member (a, "api_calls_7d") &&
          json_object_has_member (b, "api_calls_7d") &&
          json_object_get_int_member (a, "api_calls_7d") !=
          json_object_get_int_member (b, "api_calls_7d"))
        n_changed++;
    }
  g_assert_cmpuint (n_changed, >, 5);

  fixture_clear (&fixture);
}

typedef struct
{
  SoupMessage *msg;
  GBytes      *bytes;
  GError      *error;
  gint64       started;
  gint64       finished;
} TimedFetch;

static void
timed_fetch_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TimedFetch *fetch = user_data;

  fetch->bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                    &fetch->error);
  fetch->finished = g_get_monotonic_time ();
}

#define N_CONCURRENT 10
#define LATENCY_MS   100

/* With a latency, every answer waits that long, but the waits overlap:
 * ten requests sent together take about one latency, not ten. */
static void
test_demo_server_latency (void)
{
  static const char * const paths[] = {
    "/usage", "/accounts", "/health", "/usage/acct-00003", "/usage/acct-99999",
  };
  Fixture fixture = { 0 };
  g_autoptr(SoupSession) session = NULL;
  TimedFetch fetches[N_CONCURRENT] = { { 0 } };
  gint64 started;
  gint64 finished = 0;
  guint n_done;

  fixture_init (&fixture, 30, 0);
  g_assert_cmpuint (vigil_demo_server_get_latency (fixture.server), ==, 0);
  vigil_demo_server_set_latency (fixture.server, LATENCY_MS);
  g_assert_cmpuint (vigil_demo_server_get_latency (fixture.server), ==, LATENCY_MS);

  /* Enough connections for every request at once. */
  session = soup_session_new_with_options ("max-conns-per-host", N_CONCURRENT,
                                           "max-conns", N_CONCURRENT,
                                           NULL);

  started = g_get_monotonic_time ();
  for (guint i = 0; i < N_CONCURRENT; i++)
    {
      g_autofree char *url = make_url (&fixture, paths[i % G_N_ELEMENTS (paths)]);

      fetches[i].msg = soup_message_new ("GET", url);
      fetches[i].started = g_get_monotonic_time ();
      soup_session_send_and_read_async (session, fetches[i].msg, G_PRIORITY_DEFAULT, NULL,
                                        timed_fetch_cb, &fetches[i]);
    }

  do
    {
      g_main_context_iteration (NULL, TRUE);
      n_done = 0;
      for (guint i = 0; i < N_CONCURRENT; i++)
        n_done += fetches[i].finished != 0;
    }
  while (n_done < N_CONCURRENT);

  for (guint i = 0; i < N_CONCURRENT; i++)
    {
      const char *path = paths[i % G_N_ELEMENTS (paths)];
      guint expected = strcmp (path, "/usage/acct-99999") == 0
        ? SOUP_STATUS_NOT_FOUND : SOUP_STATUS_OK;

      g_assert_no_error (fetches[i].error);
      g_assert_cmpuint (soup_message_get_status (fetches[i].msg), ==, expected);
      g_assert_cmpuint (g_bytes_get_size (fetches[i].bytes), >, 0);

      /* Never early, whatever the route or status. */
      g_assert_cmpint (fetches[i].finished - fetches[i].started, >=, (LATENCY_MS - 10) * 1000);
      finished = MAX (finished, fetches[i].finished);

      g_clear_object (&fetches[i].msg);
      g_clear_pointer (&fetches[i].bytes, g_bytes_unref);
    }

  /* Ten in a row would take at least a second. */
  g_assert_cmpint (finished - started, <, 6 * LATENCY_MS * 1000);
  g_assert_cmpuint (vigil_demo_server_get_n_requests (fixture.server), ==, N_CONCURRENT);

  /* Back to answering at once. */
  vigil_demo_server_set_latency (fixture.server, 0);
  {
    gint64 before = g_get_monotonic_time ();
    g_autoptr(GBytes) bytes = fetch_page (&fixture, fixture.url);

    g_assert_cmpint (g_get_monotonic_time () - before, <, LATENCY_MS * 1000);
  }

  g_clear_object (&session);
  fixture_clear (&fixture);
}

static void
latency_notify_cb (GObject    *object,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  guint *n_notifies = user_data;

  g_assert_true (VIGIL_IS_DEMO_SERVER (object));
  g_assert_cmpstr (g_param_spec_get_name (pspec), ==, "latency");
  (*n_notifies)++;
}

static void
test_demo_server_latency_property (void)
{
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, 3);
  g_autoptr(VigilDemoServer) server = vigil_demo_server_new (demo, 0);
  guint n_notifies = 0;
  guint latency;

  g_signal_connect (server, "notify::latency", G_CALLBACK (latency_notify_cb), &n_notifies);
  vigil_demo_server_set_latency (server, 20);
  vigil_demo_server_set_latency (server, 20);
  g_assert_cmpuint (n_notifies, ==, 1);
  g_object_get (server, "latency", &latency, NULL);
  g_assert_cmpuint (latency, ==, 20);
  g_object_set (server, "latency", 0, NULL);
  g_assert_cmpuint (vigil_demo_server_get_latency (server), ==, 0);
  g_assert_cmpuint (n_notifies, ==, 2);
}

/* VIGIL_DEMO_LATENCY_MS gives the initial latency; the environment is
 * changed only in a child process. */
static void
test_demo_server_latency_env (void)
{
  static const struct {
    const char *value;
    guint       latency;
  } cases[] = {
    { "20", 20 },
    { "0", 0 },
    { "600000", 600000 },
    { "600001", 0 },
    { "-5", 0 },
    { "+5", 0 },
    { " 5", 0 },
    { "5ms", 0 },
    { "", 0 },
    { NULL, 0 },
  };

  if (g_test_subprocess ())
    {
      g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, 3);

      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_autoptr(VigilDemoServer) server = NULL;

          if (cases[i].value != NULL)
            g_setenv ("VIGIL_DEMO_LATENCY_MS", cases[i].value, TRUE);
          else
            g_unsetenv ("VIGIL_DEMO_LATENCY_MS");
          server = vigil_demo_server_new (demo, 0);
          if (vigil_demo_server_get_latency (server) != cases[i].latency)
            g_error ("VIGIL_DEMO_LATENCY_MS=%s: latency %u, expected %u", cases[i].value,
                     vigil_demo_server_get_latency (server), cases[i].latency);
        }
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Answers still held back when the server goes are dropped: the client
 * sees its connection close, and nothing fires afterwards. */
static void
test_demo_server_latency_dispose (void)
{
  Fixture fixture = { 0 };
  g_autoptr(SoupMessage) msg = NULL;
  TimedFetch fetch = { 0 };

  fixture_init (&fixture, 5, 0);
  vigil_demo_server_set_latency (fixture.server, 60000);

  msg = soup_message_new ("GET", fixture.url);
  soup_session_send_and_read_async (fixture.session, msg, G_PRIORITY_DEFAULT, NULL,
                                    timed_fetch_cb, &fetch);
  while (vigil_demo_server_get_n_requests (fixture.server) == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_finalize_object (g_steal_pointer (&fixture.server));
  while (fetch.finished == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (fetch.error);
  g_assert_null (fetch.bytes);
  g_clear_error (&fetch.error);

  g_clear_object (&fixture.session);
  g_clear_object (&fixture.demo);
  g_clear_pointer (&fixture.url, g_free);
}

/* Before listening there is no port and no URL. */
static void
test_demo_server_not_listening (void)
{
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, 3);
  g_autoptr(VigilDemoServer) server = vigil_demo_server_new (demo, 0);
  g_autofree char *url = vigil_demo_server_get_url (server);
  guint page_size;

  g_assert_cmpuint (vigil_demo_server_get_port (server), ==, 0);
  g_assert_null (url);
  g_object_get (server, "page-size", &page_size, NULL);
  g_assert_cmpuint (page_size, ==, 500);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/demo-server/first-page", test_demo_server_first_page);
  g_test_add_func ("/core/demo-server/pages", test_demo_server_pages);
  g_test_add_func ("/core/demo-server/fixed-now", test_demo_server_fixed_now);
  g_test_add_func ("/core/demo-server/real-time", test_demo_server_real_time);
  g_test_add_func ("/core/demo-server/errors", test_demo_server_errors);
  g_test_add_func ("/core/demo-server/requests", test_demo_server_requests);
  g_test_add_func ("/core/demo-server/not-listening", test_demo_server_not_listening);
  g_test_add_func ("/core/demo-server/accounts", test_demo_server_accounts);
  g_test_add_func ("/core/demo-server/detail", test_demo_server_detail);
  g_test_add_func ("/core/demo-server/detail-now", test_demo_server_detail_now);
  g_test_add_func ("/core/demo-server/latency", test_demo_server_latency);
  g_test_add_func ("/core/demo-server/latency-property", test_demo_server_latency_property);
  g_test_add_func ("/core/demo-server/latency-env", test_demo_server_latency_env);
  g_test_add_func ("/core/demo-server/latency-dispose", test_demo_server_latency_dispose);

  return g_test_run ();
}
