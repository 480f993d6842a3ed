/* test-paging.c: the mapping's pagination styles and request members
 * (design 2.2) against endpoints on 127.0.0.1 shaped like the vendors'
 * documented list responses
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-test-book.h"
#include "vigil-test-poll.h"
#include "vigil-test-server.h"
#include "vigil-test-util.h"

#define TOKEN "sk-test-paging-0123456789-secret"

/* 2026-11-29T07:00:00Z, the polls' "now" where a test fixes it. */
#define NOW G_GINT64_CONSTANT (1795935600)

#define SEARCH_PATH "/crm/v3/objects/companies/search"

/* One request as the server received it. */
typedef struct
{
  char *method;
  char *path;
  char *query;          /* as sent, still percent-encoded */
  GHashTable *params;   /* decoded */
  char *body;
  char *authorization;
  char *stripe_version;
  char *if_none_match;
  char *content_type;
  char *host;
} Request;

typedef struct
{
  TestDir      dir;
  char        *db_path;
  VigilStore  *store;
  SoupServer  *server;
  char        *base;          /* http://127.0.0.1:PORT */
  char        *port;
  GPtrArray   *requests;      /* of Request */

  /* What the endpoints hold and how they behave. */
  guint        n_records;
  guint        cap;           /* the most records a page holds, whatever is asked; 0: no cap */
  gboolean     idless;        /* every tenth record of /items has no id */
  const char  *has_more;      /* Stripe's has_more as written; NULL: true or false; "": left out */
  const char  *data;          /* Pipedrive's data as written; NULL: the organizations or null */
  gboolean     stuck;         /* the search's next cursor never moves */
  guint        fail_first;    /* answers 503 to this many requests first */

  /* The next poll's source and poller. */
  gint64       max_records;
  gint64       max_bytes;
  guint        max_pages;
  gint64       now;           /* -1: the clock's */
  VigilPollResult result;
} Fixture;

static void
request_free (Request *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_clear_pointer (&request->params, g_hash_table_unref);
  g_free (request->body);
  g_free (request->authorization);
  g_free (request->stripe_version);
  g_free (request->if_none_match);
  g_free (request->content_type);
  g_free (request->host);
  g_free (request);
}

static Request *
nth_request (Fixture *f,
             guint    i)
{
  g_assert_cmpuint (i, <, f->requests->len);
  return g_ptr_array_index (f->requests, i);
}

static const char *
param (Request    *request,
       const char *name)
{
  return g_hash_table_lookup (request->params, name);
}

static int
param_int (GHashTable *params,
           const char *name,
           int         fallback)
{
  const char *value = g_hash_table_lookup (params, name);

  return value != NULL ? atoi (value) : fallback;
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         GString           *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body->str, body->len);
}

/* HubSpot's legacy companies API, GET /companies/v2/companies/paged: a
 * page of companies after the `offset` (a company id), `has-more`, and
 * the `offset` to ask next, which the last page keeps. */
static gint64
company_id (guint i)
{
  return G_GINT64_CONSTANT (115200636) + 1000 * (gint64) i;
}

static void
answer_hubspot_v2 (Fixture           *f,
                   SoupServerMessage *msg,
                   GHashTable        *params)
{
  const char *offset_text = g_hash_table_lookup (params, "offset");
  gint64 offset = offset_text != NULL ? g_ascii_strtoll (offset_text, NULL, 10) : 0;
  int limit = param_int (params, "limit", 20);
  g_autoptr(GString) body = g_string_new ("{\"companies\": [");
  guint i = 0;
  int n = 0;

  while (i < f->n_records && company_id (i) <= offset)
    i++;
  for (; i < f->n_records && n < limit; i++, n++)
    g_string_append_printf (body,
                            "%s{\"portalId\": 62515, \"additionalDomains\": [], \"properties\": {"
                            "\"website\": {\"sourceId\": null, \"timestamp\": 1457513066540, \"versions\": [],"
                            " \"value\": \"Company%u.example.com\", \"source\": \"COMPANIES\"},"
                            "\"name\": {\"sourceId\": \"name\", \"timestamp\": 1464484587592, \"versions\": [],"
                            " \"value\": \"Company %u\", \"source\": \"BIDEN\"}},"
                            " \"isDeleted\": false, \"companyId\": %" G_GINT64_FORMAT "}",
                            n > 0 ? ", " : "", i, i, company_id (i));
  g_string_append_printf (body, "], \"has-more\": %s, \"offset\": %" G_GINT64_FORMAT "}",
                          i < f->n_records ? "true" : "false", n > 0 ? company_id (i - 1) : offset);
  respond (msg, 200, body);
}

/* Stripe's list objects, GET /v1/customers: {"object": "list", "url",
 * "has_more", "data"}, paged by `starting_after`, the id of the last
 * object received. Ids a server may choose: with "&", "#", spaces, "+",
 * "%" and characters outside ASCII. */
static const char * const stripe_ids[] = {
  "cus_NffrFeUfNV2Hib", "cus_A&b=c", "cus_#frag", "cus_sp ace+plus", "cus_\xc3\xa9\xe5\x8c\x97", "cus_%41",
  "cus_last",
};

static void
answer_stripe (Fixture           *f,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  const char *after = g_hash_table_lookup (params, "starting_after");
  guint n = MIN (f->n_records, G_N_ELEMENTS (stripe_ids));
  int limit = param_int (params, "limit", 10);
  g_autoptr(GString) body = g_string_new ("{\"object\": \"list\", \"url\": \"/v1/customers\", ");
  guint i = 0;
  int taken = 0;

  if (after != NULL)
    {
      /* An id that did not arrive as it was sent names no customer. */
      while (i < n && !g_str_equal (stripe_ids[i], after))
        i++;
      if (i == n)
        {
          g_string_assign (body, "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"No such customer\"}}");
          respond (msg, 400, body);
          return;
        }
      i++;
    }
  g_string_append (body, "\"data\": [");
  for (; i < n && taken < limit; i++, taken++)
    g_string_append_printf (body,
                            "%s{\"id\": \"%s\", \"object\": \"customer\", \"address\": null, \"balance\": 0,"
                            " \"created\": %d, \"currency\": \"usd\", \"email\": \"billing%u@example.com\","
                            " \"livemode\": false, \"metadata\": {}, \"name\": \"Customer %u\"}",
                            taken > 0 ? ", " : "", stripe_ids[i], 1700000000 + (int) i, i, i);
  g_string_append (body, "]");
  if (f->has_more == NULL)
    g_string_append_printf (body, ", \"has_more\": %s", i < n ? "true" : "false");
  else if (*f->has_more != '\0')
    g_string_append_printf (body, ", \"has_more\": %s", f->has_more);
  g_string_append (body, "}");
  respond (msg, 200, body);
}

/* Pipedrive's GET /v1/organizations: `start` and `limit`, the paging in
 * additional_data.pagination, and "data": null for an empty collection. */
static void
answer_pipedrive (Fixture           *f,
                  SoupServerMessage *msg,
                  GHashTable        *params)
{
  guint start = (guint) param_int (params, "start", 0);
  guint limit = (guint) param_int (params, "limit", 100);
  g_autoptr(GString) body = g_string_new ("{\"success\": true, \"data\": ");
  guint i;

  if (f->cap > 0)
    limit = MIN (limit, f->cap);

  if (f->data != NULL)
    g_string_append (body, f->data);
  else if (start >= f->n_records)
    g_string_append (body, "null");
  else
    {
      g_string_append_c (body, '[');
      for (i = start; i < f->n_records && i < start + limit; i++)
        g_string_append_printf (body,
                                "%s{\"id\": %u, \"company_id\": 5004, \"owner_id\": {\"id\": 7, \"name\": "
                                "\"Dana Park\", \"email\": \"dana@example.com\", \"has_pic\": 0, \"active_flag\": "
                                "true, \"value\": 7}, \"name\": \"Org %u\", \"open_deals_count\": 1, "
                                "\"people_count\": 3, \"add_time\": \"2026-01-05 10:00:00\", \"active_flag\": true}",
                                i > start ? ", " : "", i + 1, i + 1);
      g_string_append_c (body, ']');
    }
  g_string_append_printf (body, ", \"additional_data\": {\"pagination\": {\"start\": %u, \"limit\": %u, "
                          "\"more_items_in_collection\": %s", start, limit,
                          start + limit < f->n_records ? "true" : "false");
  if (start + limit < f->n_records)
    g_string_append_printf (body, ", \"next_start\": %u", start + limit);
  g_string_append (body, "}}}");
  respond (msg, 200, body);
}

/* A plain offset/limit API: GET /items?offset=0&limit=100 gives
 * {"items": […], "total": N}, at most `cap` a page when capped. */
static void
answer_items (Fixture           *f,
              SoupServerMessage *msg,
              GHashTable        *params)
{
  guint offset = (guint) param_int (params, "offset", 0);
  guint limit = (guint) param_int (params, "limit", 10);
  g_autoptr(GString) body = g_string_new ("{\"items\": [");

  if (f->cap > 0)
    limit = MIN (limit, f->cap);
  for (guint i = offset; i < f->n_records && i < offset + limit; i++)
    {
      g_string_append (body, i > offset ? ", {" : "{");
      if (!(f->idless && i % 10 == 9))
        g_string_append_printf (body, "\"id\": \"item-%u\", ", i);
      g_string_append_printf (body, "\"calls\": %u}", i);
    }
  g_string_append_printf (body, "], \"total\": %u}", f->n_records);
  respond (msg, 200, body);
}

/* HubSpot's CRM search, POST /crm/v3/objects/companies/search with a
 * JSON body (filterGroups, properties, limit, after): {"total",
 * "results", "paging": {"next": {"after", "link"}}}, no paging on the
 * last page. */
static void
answer_search (Fixture           *f,
               SoupServerMessage *msg,
               Request           *request)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) body = g_string_new (NULL);
  JsonObject *object;
  guint start = 0;
  guint limit = 10;
  guint i;

  if (!g_str_equal (request->method, "POST") || request->body == NULL ||
      !json_parser_load_from_data (parser, request->body, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_string_assign (body, "{\"status\": \"error\", \"message\": \"Invalid input JSON\"}");
      respond (msg, 400, body);
      return;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (object, "limit"))
    limit = (guint) json_object_get_int_member (object, "limit");
  /* HubSpot's cursor is a string; a number is taken as an offset too. */
  if (json_object_has_member (object, "after"))
    start = json_node_get_value_type (json_object_get_member (object, "after")) == G_TYPE_STRING
            ? (guint) atoi (json_object_get_string_member (object, "after"))
            : (guint) json_object_get_int_member (object, "after");

  g_string_append_printf (body, "{\"total\": %u, \"results\": [", f->n_records);
  for (i = start; i < f->n_records && i < start + limit; i++)
    g_string_append_printf (body,
                            "%s{\"id\": \"%u\", \"properties\": {\"createdate\": \"2026-01-05T10:00:00.000Z\","
                            " \"domain\": \"company%u.example.com\", \"hs_lastmodifieddate\":"
                            " \"2026-11-20T10:00:00.000Z\", \"hs_object_id\": \"%u\", \"name\": \"Company %u\"},"
                            " \"createdAt\": \"2026-01-05T10:00:00Z\", \"updatedAt\": \"2026-11-20T10:00:00Z\","
                            " \"archived\": false}",
                            i > start ? ", " : "", 5000 + i, i, 5000 + i, i);
  g_string_append (body, "]");
  if (i < f->n_records || f->stuck)
    {
      guint next = f->stuck ? 100 : i;

      g_string_append_printf (body, ", \"paging\": {\"next\": {\"after\": \"%u\", \"link\": "
                              "\"https://api.hubapi.com/crm/v3/objects/companies/search?after=%u\"}}", next, next);
    }
  g_string_append (body, "}");
  /* A validator Vigil must not use: a POST is never conditional. */
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "ETag", "\"search-1\"");
  respond (msg, 200, body);
}

static void
redirect (SoupServerMessage *msg,
          guint              status,
          const char        *location)
{
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Location", location);
  soup_server_message_set_status (msg, status, NULL);
}

static char *
request_header (SoupServerMessage *msg,
                const char        *name)
{
  return g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg), name));
}

/* Logs each request, then answers as the endpoint its path names. */
static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  Request *request = g_new0 (Request, 1);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr(GString) body = g_string_new ("{}");

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strdup (path);
  request->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  request->params = query != NULL ? g_hash_table_ref (query)
                                  : g_hash_table_new (g_str_hash, g_str_equal);
  if (request_body->length > 0)
    request->body = g_strndup (request_body->data, request_body->length);
  request->authorization = request_header (msg, "Authorization");
  request->stripe_version = request_header (msg, "Stripe-Version");
  request->if_none_match = request_header (msg, "If-None-Match");
  request->content_type = request_header (msg, "Content-Type");
  request->host = request_header (msg, "Host");
  g_ptr_array_add (f->requests, request);

  if (f->fail_first > 0)
    {
      f->fail_first--;
      respond (msg, 503, body);
      return;
    }
  if (g_str_equal (path, "/companies/v2/companies/paged"))
    answer_hubspot_v2 (f, msg, request->params);
  else if (g_str_equal (path, "/v1/customers"))
    answer_stripe (f, msg, request->params);
  else if (g_str_equal (path, "/v1/organizations"))
    answer_pipedrive (f, msg, request->params);
  else if (g_str_equal (path, "/items"))
    answer_items (f, msg, request->params);
  else if (g_str_equal (path, SEARCH_PATH))
    answer_search (f, msg, request);
  else if (g_str_equal (path, "/search-307"))
    redirect (msg, 307, SEARCH_PATH);
  else if (g_str_equal (path, "/search-303"))
    redirect (msg, 303, SEARCH_PATH);
  else if (g_str_equal (path, "/search-elsewhere"))
    {
      g_autofree char *location = g_strdup_printf ("http://localhost:%s%s", f->port, SEARCH_PATH);

      redirect (msg, 307, location);
    }
  else if (g_str_equal (path, "/links"))
    {
      /* Two pages whose next link keeps none of the query. */
      int page = param_int (request->params, "page", 1);

      g_string_printf (body, "{\"data\": [{\"id\": \"l%d\"}], \"links\": {\"next\": %s}}", page,
                       page == 1 ? "\"/links?page=2\"" : "null");
      respond (msg, 200, body);
    }
  else if (g_str_has_prefix (path, "/detail/"))
    {
      g_string_assign (body, "{\"usage\": {\"calls\": 5}}");
      respond (msg, 200, body);
    }
  else
    respond (msg, 404, body);
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

  f->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  f->server = test_server_new (handler, f, &f->base);
  f->port = g_strdup (strrchr (f->base, ':') + 1);
  f->now = -1;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_server_clear (&f->server);
  g_clear_object (&f->store);
  g_clear_pointer (&f->requests, g_ptr_array_unref);
  g_free (f->db_path);
  g_free (f->base);
  g_free (f->port);
  test_dir_clear (&f->dir);
}

/* Polls @path (and query) of the fixture's server through @mapping, as
 * `source add` stores it (vigil_mapping_to_json()), with the token;
 * the requests it makes are logged afresh. */
static gboolean
poll_path (Fixture     *f,
           const char  *path,
           const char  *mapping_json,
           GError     **error)
{
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(VigilSource) stored = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *url = g_strconcat (f->base, path, NULL);

  mapping = vigil_mapping_new_from_data (mapping_json, -1, &local_error);
  g_assert_no_error (local_error);
  source = vigil_source_new ("paging", url);
  source->mapping = vigil_mapping_to_json (mapping);
  source->timeout_s = 10;
  source->concurrency = 4;
  if (f->max_bytes > 0)
    source->max_bytes = f->max_bytes;
  if (f->max_records > 0)
    source->max_records = f->max_records;
  source->token_env = g_strdup ("VIGIL_TEST_TOKEN");
  g_assert_true (vigil_source_validate (source, &local_error));
  /* Sources live in the store, so validators can be kept. */
  if ((stored = vigil_store_get_source (f->store, source->name, NULL)) == NULL)
    g_assert_true (vigil_store_add_source (f->store, source, NULL));
  else
    source->id = stored->id;

  g_ptr_array_set_size (f->requests, 0);
  vigil_poller_set_retries (poller, 3, 10);
  if (f->max_pages > 0)
    vigil_poller_set_max_pages (poller, f->max_pages);
  vigil_poller_set_now (poller, f->now);
  return test_poll_run_result (poller, f->store, source, &f->result, error);
}

/* The records stored, their ids in order, joined by "|". */
static char *
stored_ids (Fixture *f)
{
  char *ids = test_book_joined (f->db_path, "external_id", "records", "external_id", "|");

  return ids != NULL ? ids : g_strdup ("");
}

static gint64
count_stored (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 count = vigil_store_count_customers (f->store, &error);

  g_assert_no_error (error);
  return count;
}

static void
assert_error_says (const GError *error,
                   const char   *expected)
{
  g_assert_nonnull (error);
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” does not say “%s”", error->message, expected);
}

/* Each page's request as sent: printable ASCII, with every byte a URL
 * may not hold percent-encoded. */
static void
assert_queries_encoded (Fixture *f)
{
  for (guint i = 0; i < f->requests->len; i++)
    {
      const char *query = nth_request (f, i)->query;

      for (const char *p = query != NULL ? query : ""; *p != '\0'; p++)
        if (*p <= 0x20 || *p >= 0x7F || *p == '#')
          g_error ("request %u's query “%s” holds a byte that should be percent-encoded", i, query);
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
count_record (VigilSnapshot  *snapshot,
              gpointer        user_data,
              GError        **error)
{
  (*(guint *) user_data)++;
  return TRUE;
}

/* HubSpot v2 ---------------------------------------------------------------- */

#define HUBSPOT_V2_MAPPING(more) \
  "{\"records\": \"/companies\"," \
  " \"fields\": {\"id\": \"/companyId\", \"name\": \"/properties/name/value\"}," \
  " \"keys\": [{\"pointer\": \"/properties/website/value\", \"lower\": true}]," \
  " \"query\": {\"limit\": \"2\", \"properties\": \"name\"}," \
  " \"pagination\": {\"style\": \"cursor\", \"pointer\": \"/offset\", \"param\": \"offset\"" more "}}"

/* HubSpot v2 keeps `offset` on its last page and says "has-more": false:
 * with `more` the poll stops there; without it, it asks on until the
 * URL repeats, a page loop, and stores nothing (issue 16). */
static void
test_hubspot_v2_has_more (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;

  f->n_records = 5;
  g_assert_true (poll_path (f, "/companies/v2/companies/paged",
                            HUBSPOT_V2_MAPPING (", \"more\": \"/has-more\""), &error));
  g_assert_no_error (error);
  /* Pages of 2, 2 and 1: three requests, the last saying has-more false. */
  g_assert_cmpuint (f->requests->len, ==, 3);
  g_assert_null (param (nth_request (f, 0), "offset"));
  g_assert_cmpstr (param (nth_request (f, 1), "offset"), ==, "115201636");
  g_assert_cmpstr (param (nth_request (f, 2), "offset"), ==, "115203636");
  g_assert_cmpstr (param (nth_request (f, 2), "limit"), ==, "2");
  g_assert_cmpstr (param (nth_request (f, 2), "properties"), ==, "name");
  g_assert_cmpuint (f->result.stats.stored, ==, 5);
  g_assert_cmpuint (f->result.pages, ==, 3);
  ids = stored_ids (f);
  g_assert_cmpstr (ids, ==, "115200636|115201636|115202636|115203636|115204636");

  /* Without "more", the last page's offset is asked again, then again. */
  g_clear_pointer (&ids, g_free);
  g_assert_false (poll_path (f, "/companies/v2/companies/paged", HUBSPOT_V2_MAPPING (""), &error));
  assert_error_says (error, "page loop");
  g_assert_cmpuint (f->requests->len, ==, 4);

  /* An empty portal: one request, nothing stored, no error. */
  g_clear_error (&error);
  f->n_records = 0;
  g_assert_true (poll_path (f, "/companies/v2/companies/paged",
                            HUBSPOT_V2_MAPPING (", \"more\": \"/has-more\""), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_assert_cmpuint (f->result.stats.records_read, ==, 0);
}

/* Stripe ------------------------------------------------------------------ */

#define STRIPE_MAPPING_LIMIT(limit, more) \
  "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"name\": \"/name\"}," \
  " \"query\": {\"limit\": \"" limit "\", \"expand[]\": \"data.default_source\"}," \
  " \"headers\": {\"Stripe-Version\": \"2024-06-20\"}," \
  " \"pagination\": {\"style\": \"last-id\", \"param\": \"starting_after\"" more "}}"
#define STRIPE_MAPPING(more) STRIPE_MAPPING_LIMIT ("3", more)

/* A record's id need not be what the API pages by: here each customer
 * is keyed by its e-mail, while Stripe pages by the object's own id,
 * which the style's pointer names (Stripe's subscriptions, keyed by
 * their customer, page so). Without it the server is asked for a page
 * after an id it never gave. */
static void
test_stripe_last_id_pointer (Fixture       *f,
                             gconstpointer  data)
{
  static const char mapping[] =
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/email\", \"name\": \"/name\"},"
    " \"query\": {\"limit\": \"3\"},"
    " \"pagination\": {\"style\": \"last-id\", \"param\": \"starting_after\", \"pointer\": \"/id\","
    " \"more\": \"/has_more\"}}";
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;

  f->n_records = G_N_ELEMENTS (stripe_ids);
  g_assert_true (poll_path (f, "/v1/customers", mapping, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 3);
  g_assert_cmpstr (param (nth_request (f, 1), "starting_after"), ==, "cus_#frag");
  g_assert_cmpstr (param (nth_request (f, 2), "starting_after"), ==, "cus_%41");
  g_assert_cmpuint (f->result.stats.stored, ==, G_N_ELEMENTS (stripe_ids));
  ids = stored_ids (f);
  g_assert_nonnull (strstr (ids, "billing0@example.com"));
  g_assert_null (strstr (ids, "cus_"));

  /* (poll_path() stores the mapping as vigil_mapping_to_json() writes
   * it: the pointer survived that too) */

  /* without it, the e-mail goes back, and Stripe knows no such object */
  g_assert_false (poll_path (f, "/v1/customers",
                             "{\"records\": \"/data\", \"fields\": {\"id\": \"/email\"},"
                             " \"query\": {\"limit\": \"3\"}, \"pagination\": {\"style\": \"last-id\","
                             " \"param\": \"starting_after\", \"more\": \"/has_more\"}}", &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (param (nth_request (f, 1), "starting_after"), ==, "billing2@example.com");
}

/* Stripe pages by the id of the last object received; ids come from the
 * server and reach the query percent-encoded, whatever they hold. */
static void
test_stripe_last_id (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *ids = NULL;

  f->n_records = G_N_ELEMENTS (stripe_ids);
  g_assert_true (poll_path (f, "/v1/customers", STRIPE_MAPPING (", \"more\": \"/has_more\""), &error));
  g_assert_no_error (error);
  /* 3, 3 and 1 customers; has_more false on the third. */
  g_assert_cmpuint (f->requests->len, ==, 3);
  g_assert_null (param (nth_request (f, 0), "starting_after"));
  g_assert_cmpstr (param (nth_request (f, 1), "starting_after"), ==, "cus_#frag");
  g_assert_cmpstr (param (nth_request (f, 2), "starting_after"), ==, "cus_%41");
  g_assert_nonnull (strstr (nth_request (f, 1)->query, "starting_after=cus_%23frag"));
  g_assert_nonnull (strstr (nth_request (f, 2)->query, "starting_after=cus_%2541"));
  assert_queries_encoded (f);
  for (guint i = 0; i < f->requests->len; i++)
    {
      Request *request = nth_request (f, i);

      /* The mapping's query and headers, and the token, on every request. */
      g_assert_cmpstr (param (request, "limit"), ==, "3");
      g_assert_cmpstr (param (request, "expand[]"), ==, "data.default_source");
      g_assert_cmpstr (request->stripe_version, ==, "2024-06-20");
      g_assert_cmpstr (request->authorization, ==, "Bearer " TOKEN);
      g_assert_cmpstr (request->method, ==, "GET");
    }
  g_assert_cmpuint (f->result.stats.stored, ==, G_N_ELEMENTS (stripe_ids));
  for (guint i = 0; i < G_N_ELEMENTS (stripe_ids); i++)
    g_ptr_array_add (sorted, (gpointer) stripe_ids[i]);
  g_ptr_array_sort (sorted, compare_strings);
  for (guint i = 0; i < sorted->len; i++)
    g_string_append_printf (expected, "%s%s", i > 0 ? "|" : "", (const char *) sorted->pdata[i]);
  ids = stored_ids (f);
  g_assert_cmpstr (ids, ==, expected->str);

  /* One a page: each id goes back as it came, "&", "#", space, "+", "%"
   * and all, through the query's percent-encoding. */
  g_assert_true (poll_path (f, "/v1/customers", STRIPE_MAPPING_LIMIT ("1", ", \"more\": \"/has_more\""), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, G_N_ELEMENTS (stripe_ids));
  for (guint i = 1; i < f->requests->len; i++)
    g_assert_cmpstr (param (nth_request (f, i), "starting_after"), ==, stripe_ids[i - 1]);
  g_assert_nonnull (strstr (nth_request (f, 2)->query, "starting_after=cus_A%26b%3Dc"));
  g_assert_nonnull (strstr (nth_request (f, 4)->query, "starting_after=cus_sp%20ace%2Bplus"));
  g_assert_nonnull (strstr (nth_request (f, 5)->query, "starting_after=cus_%C3%A9%E5%8C%97"));
  assert_queries_encoded (f);
}

/* Without "more", last-id pages end on an empty page: one request more.
 * An account without customers is one empty page. */
static void
test_stripe_empty_page (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->n_records = G_N_ELEMENTS (stripe_ids);
  g_assert_true (poll_path (f, "/v1/customers", STRIPE_MAPPING (""), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 4);
  g_assert_cmpstr (param (nth_request (f, 3), "starting_after"), ==, "cus_last");
  g_assert_cmpuint (f->result.stats.stored, ==, G_N_ELEMENTS (stripe_ids));

  f->n_records = 0;
  g_assert_true (poll_path (f, "/v1/customers", STRIPE_MAPPING (", \"more\": \"/has_more\""), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_assert_cmpuint (f->result.stats.records_read, ==, 0);
}

/* "more" is true or false, or the same as a string; anything else, or
 * nothing, fails the poll naming the pointer and what was there, and
 * nothing of it is stored. */
static void
test_stripe_more_values (Fixture       *f,
                         gconstpointer  data)
{
  static const struct { const char *has_more; const char *message; } bad[] = {
    { "\"yes\"", "the page's “/has_more” (pagination.more) is \"yes\", not true or false" },
    { "1", "the page's “/has_more” (pagination.more) is 1, not true or false" },
    { "null", "the page's “/has_more” (pagination.more) is null, not true or false" },
    { "{\"value\": true}", "the page's “/has_more” (pagination.more) is an object, not true or false" },
    { "\"True\"", "is \"True\", not true or false" },
    { "", "the page has nothing at “/has_more” (pagination.more)" },
  };
  g_autoptr(GError) error = NULL;

  f->n_records = G_N_ELEMENTS (stripe_ids);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("has_more: %s", bad[i].has_more);
      f->has_more = bad[i].has_more;
      g_assert_false (poll_path (f, "/v1/customers", STRIPE_MAPPING (", \"more\": \"/has_more\""), &error));
      assert_error_says (error, bad[i].message);
      g_assert_nonnull (strstr (error->message, "/v1/customers"));
      g_assert_cmpuint (f->requests->len, ==, 1);
      g_assert_cmpint (count_stored (f), ==, 0);
      g_clear_error (&error);
    }

  /* What the server put there reaches the message short and printable. */
  {
    g_autoptr(GString) long_text = g_string_new ("\"");

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (long_text, 'x');
    g_string_append_c (long_text, '"');
    f->has_more = long_text->str;
    g_assert_false (poll_path (f, "/v1/customers", STRIPE_MAPPING (", \"more\": \"/has_more\""), &error));
    assert_error_says (error, "is \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\", not true or false");
    g_assert_cmpuint (strlen (error->message), <, 300);
    g_clear_error (&error);

    f->has_more = "\"\\u001b[31mred\\u0000\"";
    g_assert_false (poll_path (f, "/v1/customers", STRIPE_MAPPING (", \"more\": \"/has_more\""), &error));
    /* U+0000 is kept as C0 80, two bytes that are not UTF-8 (design 2.3). */
    assert_error_says (error, "is \"\xef\xbf\xbd[31mred\xef\xbf\xbd\xef\xbf\xbd\", not true or false");
    g_assert_null (strchr (error->message, '\x1b'));
    g_clear_error (&error);
  }

  /* A string "false" ends the pages, a full one notwithstanding. */
  f->has_more = "\"false\"";
  g_assert_true (poll_path (f, "/v1/customers", STRIPE_MAPPING (", \"more\": \"/has_more\""), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_assert_cmpuint (f->result.stats.stored, ==, 3);

  /* "true" as a string goes on: the last page's empty answer ends it. */
  f->has_more = "\"true\"";
  g_assert_true (poll_path (f, "/v1/customers", STRIPE_MAPPING (", \"more\": \"/has_more\""), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 4);
  g_assert_cmpint (count_stored (f), ==, G_N_ELEMENTS (stripe_ids));
}

/* A page of records none of which has a usable id cannot say where the
 * next page begins. */
static void
test_last_id_without_ids (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->n_records = G_N_ELEMENTS (stripe_ids);
  g_assert_false (poll_path (f, "/v1/customers",
                             "{\"records\": \"/data\", \"fields\": {\"id\": \"/customer_id\"},"
                             " \"query\": {\"limit\": \"3\"},"
                             " \"pagination\": {\"style\": \"last-id\", \"param\": \"starting_after\"}}", &error));
  assert_error_says (error, "none of the page's 3 records has a usable id, so the next page cannot be asked "
                            "for (pagination last-id)");
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_assert_cmpint (count_stored (f), ==, 0);
}

/* Pipedrive --------------------------------------------------------------- */

#define PIPEDRIVE_MAPPING \
  "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"name\": \"/name\", \"owner\": \"/owner_id/name\"}," \
  " \"pagination\": {\"style\": \"offset\", \"param\": \"start\", \"limit_param\": \"limit\", \"limit\": 100," \
  "  \"more\": \"/additional_data/pagination/more_items_in_collection\"}}"

static void
test_pipedrive (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* 250 organizations: 100, 100 and 50. */
  f->n_records = 250;
  g_assert_true (poll_path (f, "/v1/organizations", PIPEDRIVE_MAPPING, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *start = g_strdup_printf ("%u", 100 * i);

      g_assert_cmpstr (param (nth_request (f, i), "start"), ==, start);
      g_assert_cmpstr (param (nth_request (f, i), "limit"), ==, "100");
    }
  g_assert_cmpuint (f->result.stats.stored, ==, 250);
  g_assert_cmpint (count_stored (f), ==, 250);

  /* 200: the second page is full, but says no more items: it is the last. */
  f->n_records = 200;
  g_assert_true (poll_path (f, "/v1/organizations", PIPEDRIVE_MAPPING, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 2);

  /* A server giving 40 where 100 were asked: each short page says more
   * items follow, and the pages go on. */
  f->n_records = 250;
  f->cap = 40;
  g_assert_true (poll_path (f, "/v1/organizations", PIPEDRIVE_MAPPING, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 7);
  g_assert_cmpstr (param (nth_request (f, 6), "start"), ==, "240");
  g_assert_cmpuint (f->result.stats.records_read, ==, 250);
  f->cap = 0;

  /* An empty collection is "data": null: a page without records. */
  f->n_records = 0;
  g_assert_true (poll_path (f, "/v1/organizations", PIPEDRIVE_MAPPING, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_assert_cmpuint (f->result.stats.records_read, ==, 0);

  /* Records that are neither an array nor null fail the poll. */
  f->n_records = 10;
  f->data = "\"none\"";
  g_assert_false (poll_path (f, "/v1/organizations", PIPEDRIVE_MAPPING, &error));
  assert_error_says (error, "no array of records at “/data” (the mapping's records pointer): it holds a string");
  g_clear_error (&error);
  f->data = "{\"id\": 1}";
  g_assert_false (poll_path (f, "/v1/organizations", PIPEDRIVE_MAPPING, &error));
  assert_error_says (error, "it holds an object");
  g_assert_cmpint (count_stored (f), ==, 250);
}

/* Records at the records pointer, read as text and as a tree alike:
 * null, or nothing with a mapping, is no records; anything but an
 * array is an error; null does not make a second array welcome. */
static void
test_records_null_or_missing (Fixture       *f,
                              gconstpointer  data)
{
  static const struct { const char *text; int n; const char *message; } cases[] = {
    { "{\"success\": true, \"data\": null}", 0, NULL },
    { "{\"success\": true}", 0, NULL },
    { "{\"data\": null, \"data\": [{\"id\": 1}, {\"id\": 2}]}", 2, NULL },
    { "{\"data\": [{\"id\": 1}], \"data\": null}", -1, "more than one array of records at “/data”" },
    { "{\"data\": \"none\"}", -1, "no array of records at “/data” (the mapping's records pointer): it holds a string" },
    { "{\"data\": 0}", -1, "it holds a number" },
    { "{\"data\": false}", -1, "it holds true or false" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"}}", -1, &error);
  g_autoptr(VigilMapping) native = vigil_mapping_new_native ();

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) read_error = NULL;
      g_autoptr(GError) tree_error = NULL;
      guint n = 0;
      gboolean ok;
      JsonArray *records;

      g_test_message ("%s", cases[i].text);
      ok = vigil_mapping_read_records (mapping, cases[i].text, strlen (cases[i].text),
                                       count_record, &n, NULL, &read_error);
      if (cases[i].message != NULL)
        {
          g_assert_false (ok);
          assert_error_says (read_error, cases[i].message);
          continue;
        }
      g_assert_no_error (read_error);
      g_assert_true (ok);
      g_assert_cmpuint (n, ==, (guint) cases[i].n);
      g_assert_true (json_parser_load_from_data (parser, cases[i].text, -1, NULL));
      records = vigil_mapping_get_records (mapping, json_parser_get_root (parser), &tree_error);
      g_assert_no_error (tree_error);
      g_assert_cmpuint (json_array_get_length (records), ==, (guint) cases[i].n);
    }

  /* Without a mapping, null is no customers; no "customers" at all is
   * not the native format, and said so. */
  {
    g_autoptr(GError) native_error = NULL;
    guint n = 0;

    g_assert_true (vigil_mapping_read_records (native, "{\"customers\": null}", 19,
                                               count_record, &n, NULL, &native_error));
    g_assert_no_error (native_error);
    g_assert_false (vigil_mapping_read_records (native, "{\"data\": []}", 12,
                                                count_record, &n, NULL, &native_error));
    assert_error_says (native_error, "in the native format the records are the “customers” array");
  }
}

/* A plain offset/limit API ------------------------------------------------ */

#define ITEMS_MAPPING(extra) \
  "{\"records\": \"/items\", \"fields\": {\"id\": \"/id\", \"api_calls_7d\": \"/calls\"}," \
  " \"pagination\": {\"style\": \"offset\", \"param\": \"offset\", \"limit_param\": \"limit\", \"limit\": 100" \
  extra "}}"

/* Each request's offset, as the server received it, joined by ",". */
static char *
offsets_asked (Fixture *f)
{
  g_autoptr(GString) offsets = g_string_new (NULL);

  for (guint i = 0; i < f->requests->len; i++)
    g_string_append_printf (offsets, "%s%s", i > 0 ? "," : "", param (nth_request (f, i), "offset"));
  return g_string_free (g_steal_pointer (&offsets), FALSE);
}

/* The offset advances by the records received, 100 a page: 1,000
 * records take 10 full pages and, without a total, an 11th empty one to
 * know the 10th was the last; with a total, 10. 10,050 take 101 (the
 * page style needed 10,001 and stopped at 10,000 pages). */
static void
test_offset_counts (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *offsets = NULL;

  f->n_records = 1000;
  g_assert_true (poll_path (f, "/items", ITEMS_MAPPING (""), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 11);
  offsets = offsets_asked (f);
  g_assert_cmpstr (offsets, ==, "0,100,200,300,400,500,600,700,800,900,1000");
  g_assert_cmpstr (param (nth_request (f, 10), "limit"), ==, "100");
  g_assert_cmpuint (f->result.stats.stored, ==, 1000);

  g_assert_true (poll_path (f, "/items", ITEMS_MAPPING (", \"total\": \"/total\""), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 10);
  g_assert_cmpuint (f->result.stats.records_read, ==, 1000);

  f->n_records = 10050;
  g_assert_true (poll_path (f, "/items", ITEMS_MAPPING (""), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 101);
  g_assert_cmpstr (param (nth_request (f, 100), "offset"), ==, "10000");
  g_assert_cmpuint (f->result.stats.records_read, ==, 10050);
  g_assert_cmpint (count_stored (f), ==, 10050);

  /* Without limit_param the server's own page size is the limit. */
  f->n_records = 25;
  g_assert_true (poll_path (f, "/items",
                            "{\"records\": \"/items\", \"fields\": {\"id\": \"/id\"},"
                            " \"pagination\": {\"style\": \"offset\", \"param\": \"offset\", \"limit\": 10}}",
                            &error));
  g_assert_no_error (error);
  g_clear_pointer (&offsets, g_free);
  offsets = offsets_asked (f);
  g_assert_cmpstr (offsets, ==, "0,10,20");
  g_assert_null (param (nth_request (f, 0), "limit"));
}

/* Records skipped for want of an id are counted in the offset: the
 * server counted them. */
static void
test_offset_idless (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *offsets = NULL;

  f->n_records = 250;
  f->idless = TRUE;
  g_assert_true (poll_path (f, "/items", ITEMS_MAPPING (""), &error));
  g_assert_no_error (error);
  offsets = offsets_asked (f);
  g_assert_cmpstr (offsets, ==, "0,100,200");
  g_assert_cmpuint (f->result.stats.records_read, ==, 250);
  g_assert_cmpuint (f->result.stats.skipped, ==, 25);
  g_assert_cmpuint (f->result.stats.stored, ==, 225);
}

/* A server that gives fewer than asked: with a total, the pages go on
 * until it is reached; without one (or "more"), a short page is the
 * last, as the design says. */
static void
test_offset_capped (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *offsets = NULL;

  f->n_records = 100;
  f->cap = 40;
  g_assert_true (poll_path (f, "/items", ITEMS_MAPPING (", \"total\": \"/total\""), &error));
  g_assert_no_error (error);
  offsets = offsets_asked (f);
  g_assert_cmpstr (offsets, ==, "0,40,80");
  g_assert_cmpuint (f->result.stats.stored, ==, 100);

  g_assert_true (poll_path (f, "/items", ITEMS_MAPPING (""), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_assert_cmpuint (f->result.stats.records_read, ==, 40);

  /* A total that is no number fails the poll, naming it. */
  g_assert_false (poll_path (f, "/items", ITEMS_MAPPING (", \"total\": \"/items\""), &error));
  assert_error_says (error, "the page's “/items” (pagination.total) is an array, not a whole number of records");
  g_clear_error (&error);
  g_assert_false (poll_path (f, "/items", ITEMS_MAPPING (", \"total\": \"/count\""), &error));
  assert_error_says (error, "the page has nothing at “/count” (pagination.total)");
}

/* The mapping's query joins the source URL's own, each of its
 * parameters replacing those of its name, and the paging parameters
 * replace both; time placeholders are expanded. */
static void
test_query_parameters (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Request *first;

  f->n_records = 150;
  f->now = NOW;
  g_assert_true (poll_path (f, "/items?region=eu&limit=7&offset=5",
                            "{\"records\": \"/items\", \"fields\": {\"id\": \"/id\"},"
                            " \"query\": {\"limit\": \"8\", \"sort\": \"id asc\", \"since\": \"{now-24h}\","
                            "  \"day\": \"{now-7d:date}\", \"ms\": \"{now-30m:epoch-ms}\", \"s\": \"{now:epoch-s}\","
                            "  \"braces\": \"{{\\\"a\\\": 1}}\"},"
                            " \"pagination\": {\"style\": \"offset\", \"param\": \"offset\","
                            "  \"limit_param\": \"limit\", \"limit\": 100}}", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 2);
  first = nth_request (f, 0);
  g_assert_cmpstr (first->query, ==,
                   "region=eu&sort=id%20asc&since=2026-11-28T07%3A00%3A00Z&day=2026-11-22"
                   "&ms=1795933800000&s=1795935600&braces=%7B%22a%22%3A%201%7D&offset=0&limit=100");
  g_assert_cmpstr (param (nth_request (f, 1), "offset"), ==, "100");
  g_assert_cmpstr (param (nth_request (f, 1), "since"), ==, "2026-11-28T07:00:00Z");
  g_assert_cmpstr (param (nth_request (f, 1), "region"), ==, "eu");

  /* On a next page a server links to, too. */
  g_assert_true (poll_path (f, "/links",
                            "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
                            " \"query\": {\"per_page\": \"1\"},"
                            " \"pagination\": {\"style\": \"next-url\", \"pointer\": \"/links/next\"}}", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_cmpstr (nth_request (f, 0)->query, ==, "per_page=1");
  g_assert_cmpstr (nth_request (f, 1)->query, ==, "page=2&per_page=1");
}

/* HubSpot v3 search: POST with a JSON body ------------------------------ */

#define SEARCH_MAPPING(pagination) \
  "{\"records\": \"/results\", \"fields\": {\"id\": \"/id\", \"name\": \"/properties/name\"}," \
  " \"keys\": [\"/properties/domain\"]," \
  " \"method\": \"POST\"," \
  " \"headers\": {\"Accept\": \"application/json\"}," \
  " \"body\": {\"filterGroups\": [{\"filters\": [{\"propertyName\": \"hs_lastmodifieddate\"," \
  "   \"operator\": \"GTE\", \"value\": \"{now-7d:epoch-ms}\"}]}]," \
  "  \"properties\": [\"name\", \"domain\"], \"limit\": 100, \"after\": \"ignored\"}," \
  " \"pagination\": " pagination "}"

#define SEARCH_CURSOR "{\"style\": \"cursor\", \"pointer\": \"/paging/next/after\", \"param\": \"after\"}"

/* The filter's value in a search request's body. */
static char *
search_filter_value (Request *request)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *body;
  JsonArray *groups;
  JsonObject *filter;

  g_assert_true (json_parser_load_from_data (parser, request->body, -1, NULL));
  body = json_node_get_object (json_parser_get_root (parser));
  groups = json_object_get_array_member (body, "filterGroups");
  filter = json_array_get_object_element (json_object_get_array_member (
    json_array_get_object_element (groups, 0), "filters"), 0);
  return g_strdup (json_object_get_string_member (filter, "value"));
}

static void
test_search_post (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->n_records = 250;
  f->now = NOW;
  g_assert_true (poll_path (f, SEARCH_PATH, SEARCH_MAPPING (SEARCH_CURSOR), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 3);
  /* The cursor goes into the body, top level, replacing the mapping's;
   * a placeholder in a string stays a string (HubSpot wants epoch
   * milliseconds as text). */
  g_assert_cmpstr (nth_request (f, 0)->body, ==,
                   "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"hs_lastmodifieddate\",\"operator\":\"GTE\","
                   "\"value\":\"1795330800000\"}]}],\"properties\":[\"name\",\"domain\"],\"limit\":100,"
                   "\"after\":\"ignored\"}");
  g_assert_cmpstr (nth_request (f, 1)->body, ==,
                   "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"hs_lastmodifieddate\",\"operator\":\"GTE\","
                   "\"value\":\"1795330800000\"}]}],\"properties\":[\"name\",\"domain\"],\"limit\":100,"
                   "\"after\":\"100\"}");
  g_assert_nonnull (strstr (nth_request (f, 2)->body, "\"after\":\"200\""));
  for (guint i = 0; i < f->requests->len; i++)
    {
      Request *request = nth_request (f, i);

      g_assert_cmpstr (request->method, ==, "POST");
      g_assert_cmpstr (request->path, ==, SEARCH_PATH);
      g_assert_null (request->query);
      g_assert_cmpstr (request->content_type, ==, "application/json");
      g_assert_cmpstr (request->authorization, ==, "Bearer " TOKEN);
      g_assert_null (request->if_none_match);
    }
  g_assert_cmpuint (f->result.stats.stored, ==, 250);

  /* The answer had an ETag, which is not kept; validators kept from
   * before (the source was a GET) are not sent, and go. */
  {
    g_autoptr(VigilSource) source = vigil_store_get_source (f->store, "paging", &error);
    g_autofree char *url = g_strconcat (f->base, SEARCH_PATH, NULL);
    g_autofree char *etag = NULL;
    g_autofree char *last_modified = NULL;

    g_assert_no_error (error);
    g_assert_true (vigil_store_get_validators (f->store, source->id, url, &etag, &last_modified, &error));
    g_assert_null (etag);
    g_assert_true (vigil_store_set_validators (f->store, source->id, url, "\"search-1\"", NULL, &error));
    g_assert_true (poll_path (f, SEARCH_PATH, SEARCH_MAPPING (SEARCH_CURSOR), &error));
    g_assert_no_error (error);
    g_assert_cmpuint (f->requests->len, ==, 3);
    g_assert_null (nth_request (f, 0)->if_none_match);
    g_assert_false (f->result.not_modified);
    g_assert_true (vigil_store_get_validators (f->store, source->id, url, &etag, &last_modified, &error));
    g_assert_null (etag);
  }

  /* Paged by offset in the body, numbers as numbers, with the total. */
  g_assert_true (poll_path (f, SEARCH_PATH,
                            SEARCH_MAPPING ("{\"style\": \"offset\", \"param\": \"after\", \"limit_param\": \"limit\","
                                            " \"limit\": 100, \"total\": \"/total\"}"), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 3);
  g_assert_true (g_str_has_suffix (nth_request (f, 2)->body, "\"limit\":100,\"after\":200}"));
}

/* A search answering the same cursor again: the same URL with the same
 * body is a page loop. */
static void
test_search_loop (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->n_records = 250;
  f->stuck = TRUE;
  g_assert_false (poll_path (f, SEARCH_PATH, SEARCH_MAPPING (SEARCH_CURSOR), &error));
  assert_error_says (error, "page loop: ");
  assert_error_says (error, SEARCH_PATH " was already asked with the same body in this poll");
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_cmpint (count_stored (f), ==, 0);
}

/* A POST search is asked again after a 5xx, with the same body. */
static void
test_search_retry (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->n_records = 50;
  f->fail_first = 1;
  g_assert_true (poll_path (f, SEARCH_PATH, SEARCH_MAPPING (SEARCH_CURSOR), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_cmpstr (nth_request (f, 0)->method, ==, "POST");
  g_assert_nonnull (nth_request (f, 1)->body);
  g_assert_cmpstr (nth_request (f, 0)->body, ==, nth_request (f, 1)->body);
  g_assert_cmpuint (f->result.stats.stored, ==, 50);
}

/* 307 keeps the method and body; 301, 302 and 303 would turn the POST
 * into a GET and are refused; a redirect off the origin is refused
 * before anything is sent there. */
static void
test_search_redirects (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->n_records = 50;
  g_assert_true (poll_path (f, "/search-307", SEARCH_MAPPING (SEARCH_CURSOR), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 2);
  g_assert_cmpstr (nth_request (f, 1)->method, ==, "POST");
  g_assert_cmpstr (nth_request (f, 1)->body, ==, nth_request (f, 0)->body);
  g_assert_cmpuint (f->result.stats.stored, ==, 50);

  g_assert_false (poll_path (f, "/search-303", SEARCH_MAPPING (SEARCH_CURSOR), &error));
  assert_error_says (error, "/search-303: HTTP 303 would turn the POST into a GET without its body: refused");
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_clear_error (&error);

  g_assert_false (poll_path (f, "/search-elsewhere", SEARCH_MAPPING (SEARCH_CURSOR), &error));
  assert_error_says (error, "redirected to http://localhost:");
  assert_error_says (error, "not to the source's http://127.0.0.1:");
  g_assert_cmpuint (f->requests->len, ==, 1);
  g_assert_true (g_str_has_prefix (nth_request (f, 0)->host, "127.0.0.1"));
}

/* Placeholders are evaluated once per poll: every page's body has the
 * same time, the poll's, from the clock. */
static void
test_placeholders_once (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 after;
  gint64 value;

  f->n_records = 250;
  g_assert_true (poll_path (f, SEARCH_PATH, SEARCH_MAPPING (SEARCH_CURSOR), &error));
  g_assert_no_error (error);
  after = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpuint (f->requests->len, ==, 3);
  first = search_filter_value (nth_request (f, 0));
  for (guint i = 1; i < f->requests->len; i++)
    {
      g_autofree char *value_i = search_filter_value (nth_request (f, i));

      g_assert_cmpstr (value_i, ==, first);
    }
  value = g_ascii_strtoll (first, NULL, 10);
  g_assert_cmpint (value, >=, (before - 7 * 86400) * 1000);
  g_assert_cmpint (value, <=, (after - 7 * 86400) * 1000);
}

/* The placeholders' grammar, and its errors when the mapping is read. */
static void
test_placeholders (Fixture       *f,
                   gconstpointer  data)
{
  static const struct { const char *text; const char *expanded; } good[] = {
    { "{now}", "2026-11-29T07:00:00Z" },
    { "{now-7d}", "2026-11-22T07:00:00Z" },
    { "{now-24h}", "2026-11-28T07:00:00Z" },
    { "{now-30m}", "2026-11-29T06:30:00Z" },
    { "{now:epoch-s}", "1795935600" },
    { "{now-7d:epoch-ms}", "1795330800000" },
    { "{now-1d:date}", "2026-11-28" },
    { "{now-36525d:date}", "1926-11-29" },
    { "from {now-1d:date} to {now:date}", "from 2026-11-28 to 2026-11-29" },
    { "{{now}} and }}", "{now} and }" },
    { "", "" },
  };
  static const char * const bad[] = {
    "{now-7w}", "{then}", "{now-7d:iso}", "{now+1d}", "{now-07d}", "{now-0d}", "{now-d}", "{NOW}",
    "{ now}", "{now-36526d}", "{now-7d:epoch-ms:date}", "{}", "{now-99999999999999999999d}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expanded = vigil_mapping_expand_time (good[i].text, NOW, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (expanded, ==, good[i].expanded);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *message = g_strdup_printf ("“%s” is not a time placeholder", bad[i]);

      g_test_message ("%s", bad[i]);
      g_assert_null (vigil_mapping_expand_time (bad[i], NOW, &error));
      assert_error_says (error, message);
    }
  {
    g_autoptr(GError) open_error = NULL;
    g_autoptr(GError) close_error = NULL;

    g_assert_null (vigil_mapping_expand_time ("since {now-1d", NOW, &open_error));
    assert_error_says (open_error, "a “{” without its “}”: write {{ for a brace");
    g_assert_null (vigil_mapping_expand_time ("a}b", NOW, &close_error));
    assert_error_says (close_error, "a “}” without its “{”: write }} for a brace");
  }
}

/* Everything a mapping's request members may hold, checked when it is
 * read (at `source add`, edit and import), each error naming the member;
 * and what is stored reads back the same. */
static void
test_mapping_members (Fixture       *f,
                      gconstpointer  data)
{
#define MAPPING(members) "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"}, " members "}"
  static const struct { const char *mapping; const char *message; } bad[] = {
    { MAPPING ("\"headers\": {\"Authorization\": \"Bearer x\"}"),
      "Mapping: headers.Authorization: a header that carries a credential would be stored and shown with the "
      "mapping: give it with --header 'Authorization: …'" },
    { MAPPING ("\"headers\": {\"X-Api-Key\": \"k\"}"), "headers.X-Api-Key: a header that carries a credential" },
    { MAPPING ("\"headers\": {\"Cookie\": \"s=1\"}"), "headers.Cookie: a header that carries a credential" },
    { MAPPING ("\"headers\": {\"X-Auth-Token\": \"t\"}"), "headers.X-Auth-Token: a header that carries" },
    { MAPPING ("\"headers\": {\"Host\": \"evil.example\"}"),
      "headers.Host: the Host header is the HTTP connection's or Vigil's own to set, not a mapping's" },
    { MAPPING ("\"headers\": {\"content-length\": \"5\"}"), "headers.content-length: the content-length header" },
    { MAPPING ("\"headers\": {\"If-None-Match\": \"x\"}"), "headers.If-None-Match: the If-None-Match header" },
    { MAPPING ("\"headers\": {\"Transfer-Encoding\": \"chunked\"}"), "headers.Transfer-Encoding: the" },
    { MAPPING ("\"headers\": {\"Bad Name\": \"x\"}"), "headers.Bad Name: “Bad Name” is not an HTTP header name" },
    { MAPPING ("\"headers\": {\"X-Trace\": \"a\\r\\nX-Evil: 1\"}"),
      "headers.X-Trace: a header's value must be printable ASCII" },
    { MAPPING ("\"headers\": {\"X-Trace\": \"caf\\u00e9\"}"), "headers.X-Trace: a header's value must be" },
    { MAPPING ("\"headers\": {\"X-Trace\": \" padded\"}"), "headers.X-Trace: a header's value must be" },
    { MAPPING ("\"headers\": {\"X-Trace\": 1}"), "headers.X-Trace: must be text" },
    { MAPPING ("\"headers\": [\"X-Trace: 1\"]"), "headers: must be an object of names and text values" },
    { MAPPING ("\"query\": {\"api_key\": \"k\"}"),
      "query.api_key: a query parameter named like a secret would be stored and shown with the mapping: give "
      "it with --query-secret api_key" },
    { MAPPING ("\"query\": {\"Access_Token\": \"k\"}"), "query.Access_Token: a query parameter named like a secret" },
    { MAPPING ("\"query\": {\"\": \"k\"}"), "query.: must be a name of 1 to 200 bytes without control characters" },
    { MAPPING ("\"query\": {\"limit\": 100}"), "query.limit: must be text" },
    { MAPPING ("\"query\": {\"since\": \"{now-7w}\"}"), "query.since: “{now-7w}” is not a time placeholder" },
    { MAPPING ("\"method\": \"PUT\""), "Mapping: method: “PUT” is neither GET nor POST" },
    { MAPPING ("\"method\": \"post\""), "method: “post” is neither GET nor POST" },
    { MAPPING ("\"body\": {\"a\": 1}"), "Mapping: body: a body is sent with \"method\": \"POST\" only" },
    { MAPPING ("\"method\": \"POST\", \"body\": [1]"), "Mapping: body: must be a JSON object" },
    { MAPPING ("\"method\": \"POST\", \"body\": {\"filterGroups\": [{\"filters\": [{\"value\": \"{yesterday}\"}]}]}"),
      "Mapping: body.filterGroups[0].filters[0].value: “{yesterday}” is not a time placeholder" },
    { MAPPING ("\"pagination\": {\"style\": \"offset\", \"param\": \"offset\"}"), "pagination.limit: missing" },
    { MAPPING ("\"pagination\": {\"style\": \"offset\", \"param\": \"offset\", \"limit\": 0}"),
      "pagination.limit: must be a whole number from 1 to 1000000" },
    { MAPPING ("\"pagination\": {\"style\": \"offset\", \"param\": \"o\", \"limit\": \"100\"}"),
      "pagination.limit: must be a whole number" },
    { MAPPING ("\"pagination\": {\"style\": \"offset\", \"param\": \"o\", \"limit_param\": \"o\", \"limit\": 10}"),
      "pagination.limit_param: must differ from param" },
    { MAPPING ("\"pagination\": {\"style\": \"offset\", \"param\": \"\", \"limit\": 10}"),
      "pagination.param: must be a name of 1 to 200 bytes without control characters" },
    { MAPPING ("\"pagination\": {\"style\": \"cursor\", \"pointer\": \"/c\", \"param\": \"a\\nb\"}"),
      "pagination.param: must be a name of 1 to 200 bytes without control characters" },
    { MAPPING ("\"pagination\": {\"style\": \"last-id\"}"), "pagination.param: missing" },
    { MAPPING ("\"pagination\": {\"style\": \"cursor\", \"pointer\": \"/c\", \"param\": \"c\", \"total\": \"/t\"}"),
      "pagination.total: the cursor style takes no such member" },
    { MAPPING ("\"pagination\": {\"style\": \"none\", \"more\": \"/m\"}"),
      "pagination.more: the none style takes no such member" },
    { MAPPING ("\"pagination\": {\"style\": \"last-id\", \"param\": \"p\", \"has_more\": \"/m\"}"),
      "pagination.has_more: the last-id style takes no such member" },
    { MAPPING ("\"pagination\": {\"style\": \"last-id\", \"param\": \"p\", \"more\": \"has_more\"}"),
      "pagination.more: “has_more” is not a JSON Pointer" },
    { MAPPING ("\"pagination\": {\"style\": \"scroll\"}"),
      "unknown style “scroll”: use none, next-url, cursor, page, link-header, last-id or offset" },
  };
  static const char *full =
    "{\"records\": \"/results\", \"fields\": {\"id\": \"/id\"},"
    " \"pagination\": {\"style\": \"offset\", \"param\": \"offset\", \"limit_param\": \"limit\", \"limit\": 50,"
    "  \"total\": \"/total\", \"more\": \"/paging/more\"},"
    " \"method\": \"POST\", \"query\": {\"archived\": \"false\", \"since\": \"{now-7d}\"},"
    " \"headers\": {\"Stripe-Version\": \"2024-06-20\", \"Accept\": \"application/json\"},"
    " \"body\": {\"filters\": [{\"value\": \"{now-24h:epoch-ms}\", \"n\": 1.5, \"b\": true, \"z\": null}], \"q\": \"{{x}}\"}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autoptr(VigilMapping) reread = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;
  g_autofree char *body = NULL;
  const char * const *headers;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;

      g_test_message ("%s", bad[i].mapping);
      g_assert_null (vigil_mapping_new_from_data (bad[i].mapping, -1, &bad_error));
      g_assert_error (bad_error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
      assert_error_says (bad_error, bad[i].message);
    }

  mapping = vigil_mapping_new_from_data (full, -1, &error);
  g_assert_no_error (error);
  json = vigil_mapping_to_json (mapping);
  reread = vigil_mapping_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  json_again = vigil_mapping_to_json (reread);
  g_assert_cmpstr (json, ==, json_again);
  g_assert_true (vigil_mapping_is_post (reread));
  g_assert_cmpint (vigil_mapping_get_pagination (reread), ==, VIGIL_PAGINATION_OFFSET);
  g_assert_cmpstr (vigil_mapping_get_limit_param (reread), ==, "limit");
  g_assert_cmpint (vigil_mapping_get_page_limit (reread), ==, 50);
  g_assert_true (vigil_mapping_has_total_pointer (reread));
  g_assert_true (vigil_mapping_has_more_pointer (reread));
  headers = vigil_mapping_get_headers (reread);
  g_assert_cmpstr (headers[0], ==, "Stripe-Version");
  g_assert_cmpstr (headers[1], ==, "2024-06-20");
  g_assert_cmpstr (headers[2], ==, "Accept");
  g_assert_null (headers[4]);
  body = vigil_mapping_build_list_body (reread, NOW, (VigilPagingParam[]) { { "offset", "50", TRUE },
                                                                          { "limit", "50", TRUE } }, 2);
  g_assert_cmpstr (body, ==, "{\"filters\":[{\"value\":\"1795849200000\",\"n\":1.5,\"b\":true,\"z\":null}],"
                             "\"q\":\"{x}\",\"offset\":50,\"limit\":50}");
  /* Expanding a body leaves the mapping's own as it was. */
  g_clear_pointer (&json_again, g_free);
  json_again = vigil_mapping_to_json (reread);
  g_assert_cmpstr (json, ==, json_again);
  {
    g_autofree char *url = vigil_mapping_build_list_url (reread, "https://api.example.com/s?archived=true#f", NOW,
                                                         (VigilPagingParam[]) { { "offset", "50", TRUE } }, 1);

    /* A POST's paging goes into the body, not the query. */
    g_assert_cmpstr (url, ==, "https://api.example.com/s?archived=false&since=2026-11-22T07%3A00%3A00Z#f");
  }
  {
    g_autoptr(VigilMapping) get = vigil_mapping_new_from_data (
      "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"}, \"query\": {\"q\": \"a b\"},"
      " \"pagination\": {\"style\": \"last-id\", \"param\": \"starting_after\"}}", -1, &error);
    g_autofree char *url = NULL;

    g_assert_no_error (error);
    /* A server's id, percent-encoded byte for byte, UTF-8 too: the URL
     * Vigil keeps (and shows, and compares for page loops) is ASCII. */
    url = vigil_mapping_build_list_url (get, "https://api.example.com/v1/customers?q=x&starting_after=old", NOW,
                                        (VigilPagingParam[]) { { "starting_after", "cus_\xc3\xa9&#=+ %", FALSE } }, 1);
    g_assert_cmpstr (url, ==, "https://api.example.com/v1/customers?q=a%20b&starting_after=cus_%C3%A9%26%23%3D%2B%20%25");
  }
#undef MAPPING
}

/* The limits of every poll hold for the new styles: 10,000 pages (here
 * lowered), --max-records over all pages, --max-bytes on a POST's answer;
 * nothing of a refused poll is stored. */
static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->n_records = 1000;
  f->max_pages = 5;
  g_assert_false (poll_path (f, "/items", ITEMS_MAPPING (""), &error));
  assert_error_says (error, "/items: more than 5 pages: stopped");
  g_assert_cmpuint (f->requests->len, ==, 5);
  g_assert_cmpint (count_stored (f), ==, 0);
  g_clear_error (&error);
  f->max_pages = 0;

  f->max_records = 250;
  g_assert_false (poll_path (f, "/items", ITEMS_MAPPING (", \"total\": \"/total\""), &error));
  assert_error_says (error, "source “paging” answered more than 250 records (--max-records): refused");
  g_assert_cmpuint (f->requests->len, ==, 3);
  g_assert_cmpint (count_stored (f), ==, 0);
  g_clear_error (&error);

  f->max_records = 0;
  f->max_bytes = 1024;
  f->n_records = 250;
  g_assert_false (poll_path (f, SEARCH_PATH, SEARCH_MAPPING (SEARCH_CURSOR), &error));
  assert_error_says (error, "the response is larger than 1024 bytes (--max-bytes)");
  g_assert_cmpint (count_stored (f), ==, 0);
}

/* The mapping's headers go with detail requests too. */
static void
test_detail_headers (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mapping = NULL;
  guint details = 0;

  f->n_records = 3;
  mapping = g_strdup_printf ("{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
                             " \"headers\": {\"Stripe-Version\": \"2024-06-20\"},"
                             " \"detail_url\": \"%s/detail/{id}\", \"detail_fields\": {\"api_calls_7d\": \"/usage/calls\"}}",
                             f->base);
  g_assert_true (poll_path (f, "/v1/customers", mapping, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests->len, ==, 4);
  for (guint i = 0; i < f->requests->len; i++)
    {
      Request *request = nth_request (f, i);

      details += g_str_has_prefix (request->path, "/detail/");
      g_assert_cmpstr (request->stripe_version, ==, "2024-06-20");
    }
  g_assert_cmpuint (details, ==, 3);
  g_assert_cmpuint (f->result.details, ==, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("VIGIL_TEST_TOKEN", TOKEN, TRUE);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/paging/hubspot-v2-has-more", test_hubspot_v2_has_more);
  ADD ("/core/paging/stripe-last-id", test_stripe_last_id);
  ADD ("/core/paging/stripe-last-id-pointer", test_stripe_last_id_pointer);
  ADD ("/core/paging/stripe-empty-page", test_stripe_empty_page);
  ADD ("/core/paging/stripe-more-values", test_stripe_more_values);
  ADD ("/core/paging/last-id-without-ids", test_last_id_without_ids);
  ADD ("/core/paging/pipedrive", test_pipedrive);
  ADD ("/core/paging/records-null-or-missing", test_records_null_or_missing);
  ADD ("/core/paging/offset-counts", test_offset_counts);
  ADD ("/core/paging/offset-idless", test_offset_idless);
  ADD ("/core/paging/offset-capped", test_offset_capped);
  ADD ("/core/paging/query-parameters", test_query_parameters);
  ADD ("/core/paging/search-post", test_search_post);
  ADD ("/core/paging/search-loop", test_search_loop);
  ADD ("/core/paging/search-retry", test_search_retry);
  ADD ("/core/paging/search-redirects", test_search_redirects);
  ADD ("/core/paging/placeholders", test_placeholders);
  ADD ("/core/paging/placeholders-once", test_placeholders_once);
  ADD ("/core/paging/mapping-members", test_mapping_members);
  ADD ("/core/paging/limits", test_limits);
  ADD ("/core/paging/detail-headers", test_detail_headers);
#undef ADD

  return g_test_run ();
}
