/* test-mapping.c: JSON Pointers and mappings, on documents shaped like real APIs
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "vigil-core.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* The examples of RFC 6901, section 5. */
static void
test_pointer_rfc6901 (void)
{
  g_autoptr(JsonNode) doc = parse ("{\"foo\": [\"bar\", \"baz\"], \"\": 0, \"a/b\": 1, \"c%d\": 2,"
                                   " \"e^f\": 3, \"g|h\": 4, \"i\\\\j\": 5, \"k\\\"l\": 6, \" \": 7, \"m~n\": 8}");
  static const struct { const char *pointer; gint64 value; } ints[] = {
    { "/", 0 }, { "/a~1b", 1 }, { "/c%d", 2 }, { "/e^f", 3 }, { "/g|h", 4 },
    { "/i\\j", 5 }, { "/k\"l", 6 }, { "/ ", 7 }, { "/m~0n", 8 },
  };

  g_assert_true (vigil_json_pointer_get (doc, "") == doc);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (vigil_json_pointer_get (doc, "/foo")));
  g_assert_cmpstr (json_node_get_string (vigil_json_pointer_get (doc, "/foo/0")), ==, "bar");
  g_assert_cmpstr (json_node_get_string (vigil_json_pointer_get (doc, "/foo/1")), ==, "baz");
  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    g_assert_cmpint (json_node_get_int (vigil_json_pointer_get (doc, ints[i].pointer)), ==, ints[i].value);

  g_assert_null (vigil_json_pointer_get (doc, "/foo/2"));
  g_assert_null (vigil_json_pointer_get (doc, "/foo/01"));
  g_assert_null (vigil_json_pointer_get (doc, "/foo/-"));
  g_assert_null (vigil_json_pointer_get (doc, "/foo/0/deeper"));
  g_assert_null (vigil_json_pointer_get (doc, "/missing"));

  g_assert_true (vigil_json_pointer_validate ("", NULL));
  g_assert_true (vigil_json_pointer_validate ("/a~0~1", NULL));
  g_assert_false (vigil_json_pointer_validate ("a/b", NULL));
  g_assert_false (vigil_json_pointer_validate ("/a~2", NULL));
  g_assert_false (vigil_json_pointer_validate ("/a~", NULL));
}

typedef struct
{
  const char *name;
  const char *mapping;
  const char *message;
} BadMapping;

static const BadMapping bad_mappings[] = {
  { "not-json", "{\"records\": ", "not valid JSON" },
  { "not-object", "[]", "must be a JSON object" },
  { "no-records", "{\"fields\": {\"id\": \"/id\"}}", "records: missing" },
  { "bad-records", "{\"records\": \"data\", \"fields\": {\"id\": \"/id\"}}", "records: “data” is not a JSON Pointer" },
  { "no-fields", "{\"records\": \"\"}", "fields: must be an object" },
  { "no-id", "{\"records\": \"\", \"fields\": {\"name\": \"/n\"}}", "fields: needs a pointer for “id”" },
  { "unknown-field", "{\"records\": \"\", \"fields\": {\"id\": \"/id\", \"revenue\": \"/r\"}}",
    "fields.revenue: “revenue” is not a field" },
  { "bad-pointer", "{\"records\": \"\", \"fields\": {\"id\": \"/id\", \"mrr\": \"/a~2\"}}", "fields.mrr:" },
  { "pointer-not-string", "{\"records\": \"\", \"fields\": {\"id\": 3}}", "fields.id: must be a JSON Pointer" },
  { "bad-style", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"pagination\": {\"style\": \"scroll\"}}",
    "pagination.style: unknown style “scroll”" },
  { "cursor-no-param", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"pagination\": {\"style\": \"cursor\", \"pointer\": \"/c\"}}",
    "pagination.param: missing" },
  { "page-bad-start", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"pagination\": {\"style\": \"page\", \"param\": \"p\", \"start\": -1}}",
    "pagination.start" },
  { "features-format", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"features_format\": \"map\"}",
    "features_format: “map” is neither" },
  { "detail-no-id", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"detail_url\": \"https://x/c/usage\"}",
    "detail_url: must contain {id}" },
  { "detail-not-http", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"detail_url\": \"ftp://x/{id}\"}",
    "detail_url: must be an http" },
  /* The ids come from the answer: in the host, they would choose where
   * the secrets go. */
  { "detail-id-in-host", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"detail_url\": \"https://{id}.example.com/u\"}",
    "detail_url: must have {id} in its path or query, not in its host" },
  { "detail-id-in-port", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"detail_url\": \"https://x:{id}/u\"}",
    "detail_url: must have {id} in its path or query, not in its host" },
  { "detail-id-as-host", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"detail_url\": \"http://{id}\"}",
    "detail_url: must have {id} in its path or query, not in its host" },
  { "detail-fields-alone", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"detail_fields\": {}}",
    "detail_fields: needs a detail_url" },
  { "typo", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"pagnation\": {}}", "pagnation: unknown member" },
};

static void
test_mapping_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_mappings); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (bad_mappings[i].mapping, -1, &error);

      g_assert_null (mapping);
      g_assert_nonnull (error);
      if (strstr (error->message, bad_mappings[i].message) == NULL)
        g_error ("%s: “%s” does not say “%s”", bad_mappings[i].name, error->message, bad_mappings[i].message);
    }
}

/* JSON:API: records under /data, attributes nested, next page in links. */
static void
test_mapping_json_api (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"/data\","
    " \"fields\": {\"id\": \"/id\", \"name\": \"/attributes/company_name\","
    "   \"mrr\": \"/attributes/billing/mrr\", \"features\": \"/attributes/features_used\","
    "   \"last_active\": \"/attributes/last_seen\"},"
    " \"features_format\": \"object\","
    " \"pagination\": {\"style\": \"next-url\", \"pointer\": \"/links/next\"}}", -1, &error);
  g_autoptr(JsonNode) doc = parse (
    "{\"data\": ["
    "  {\"type\": \"account\", \"id\": \"acme\", \"attributes\": {\"company_name\": \"Acme\","
    "   \"billing\": {\"mrr\": 4200.5}, \"features_used\": {\"reports\": 3, \"sso\": 0},"
    "   \"last_seen\": \"2026-11-21T10:00:00Z\"}},"
    "  {\"type\": \"account\", \"id\": \"globex\", \"attributes\": {\"features_used\": [\"reports\"]}}"
    "], \"links\": {\"next\": \"/v2/accounts?page=2\"}}");
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  JsonArray *records;

  g_assert_no_error (error);
  g_assert_cmpint (vigil_mapping_get_pagination (mapping), ==, VIGIL_PAGINATION_NEXT_URL);
  g_assert_cmpstr (vigil_mapping_get_page_pointer (mapping), ==, "/links/next");

  records = vigil_mapping_get_records (mapping, doc, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (records), ==, 2);

  vigil_mapping_apply (mapping, json_array_get_element (records, 0), snapshot);
  g_assert_cmpstr (snapshot->customer_id, ==, "acme");
  g_assert_cmpstr (snapshot->name, ==, "Acme");
  g_assert_cmpfloat (snapshot->mrr, ==, 4200.5);
  g_assert_cmpint (vigil_snapshot_get_features_used (snapshot), ==, 1);
  g_assert_cmpint (snapshot->last_active, ==, 1795255200);
  g_assert_cmpuint (snapshot->n_unknown, ==, 0);

  /* An array where the mapping promised an object is unusable. */
  vigil_snapshot_clear (snapshot);
  vigil_mapping_apply (mapping, json_array_get_element (records, 1), snapshot);
  g_assert_cmpstr (snapshot->customer_id, ==, "globex");
  g_assert_null (snapshot->features);
  g_assert_cmpuint (snapshot->n_unknown, ==, 1);
}

/* A bare array, with feature names in an array. */
static void
test_mapping_bare_array (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"\", \"fields\": {\"id\": \"/account_id\", \"api_calls_7d\": \"/usage/0/calls\","
    " \"features\": \"/enabled\"}, \"features_format\": \"array\"}", -1, &error);
  g_autoptr(JsonNode) doc = parse ("[{\"account_id\": 17, \"usage\": [{\"calls\": 900}], \"enabled\": [\"a\", \"b\"]}]");
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  JsonArray *records;

  g_assert_no_error (error);
  g_assert_cmpint (vigil_mapping_get_pagination (mapping), ==, VIGIL_PAGINATION_NONE);
  records = vigil_mapping_get_records (mapping, doc, &error);
  g_assert_no_error (error);
  vigil_mapping_apply (mapping, json_array_get_element (records, 0), snapshot);
  g_assert_cmpstr (snapshot->customer_id, ==, "17");
  g_assert_cmpint (snapshot->api_calls_7d, ==, 900);
  g_assert_cmpint (vigil_snapshot_get_features_used (snapshot), ==, 2);
}

/* A cursor-paged list and a HAL document with per-customer detail links. */
static void
test_mapping_cursor_and_hal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) cursor = vigil_mapping_new_from_data (
    "{\"records\": \"/results\", \"fields\": {\"id\": \"/uuid\"},"
    " \"pagination\": {\"style\": \"cursor\", \"pointer\": \"/meta/next_cursor\", \"param\": \"after\"}}",
    -1, &error);
  g_autoptr(VigilMapping) hal = NULL;
  g_autoptr(JsonNode) hal_doc = parse (
    "{\"_embedded\": {\"customers\": [{\"id\": \"a b/c\", \"name\": \"Spaces & Slashes\"}]},"
    " \"_links\": {\"next\": {\"href\": \"https://api.example.com/customers?page=2\"}}}");
  g_autoptr(JsonNode) detail = parse ("{\"usage\": {\"calls_7d\": 4100, \"seats\": {\"total\": 20, \"active\": 19}}}");
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autofree char *url = NULL;
  g_autofree char *json = NULL;
  g_autoptr(VigilMapping) reread = NULL;
  JsonArray *records;

  g_assert_no_error (error);
  g_assert_cmpint (vigil_mapping_get_pagination (cursor), ==, VIGIL_PAGINATION_CURSOR);
  g_assert_cmpstr (vigil_mapping_get_page_param (cursor), ==, "after");

  hal = vigil_mapping_new_from_data (
    "{\"records\": \"/_embedded/customers\", \"fields\": {\"id\": \"/id\", \"name\": \"/name\"},"
    " \"pagination\": {\"style\": \"next-url\", \"pointer\": \"/_links/next/href\"},"
    " \"detail_url\": \"https://api.example.com/customers/{id}/usage\","
    " \"detail_fields\": {\"api_calls_7d\": \"/usage/calls_7d\", \"seats\": \"/usage/seats/total\","
    "   \"seats_used\": \"/usage/seats/active\"}}", -1, &error);
  g_assert_no_error (error);

  records = vigil_mapping_get_records (hal, hal_doc, &error);
  g_assert_no_error (error);
  vigil_mapping_apply (hal, json_array_get_element (records, 0), snapshot);
  vigil_mapping_apply_detail (hal, detail, snapshot);
  g_assert_cmpstr (snapshot->name, ==, "Spaces & Slashes");
  g_assert_cmpint (snapshot->api_calls_7d, ==, 4100);
  g_assert_cmpint (snapshot->seats_used, ==, 19);

  /* The id is percent-encoded into the template. */
  url = vigil_mapping_expand_detail_url (hal, snapshot->customer_id);
  g_assert_cmpstr (url, ==, "https://api.example.com/customers/a%20b%2Fc/usage");

  /* What is stored in the database reads back to the same mapping. */
  json = vigil_mapping_to_json (hal);
  reread = vigil_mapping_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vigil_mapping_get_detail_url (reread), ==, "https://api.example.com/customers/{id}/usage");
  g_assert_cmpstr (vigil_mapping_get_page_pointer (reread), ==, "/_links/next/href");
}

static void
test_mapping_records_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"}}", -1, &error);
  g_autoptr(JsonNode) doc = parse ("{\"data\": {\"not\": \"an array\"}}");

  g_assert_no_error (error);
  g_assert_null (vigil_mapping_get_records (mapping, doc, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "/data"));
}

static void
test_mapping_native (void)
{
  g_autoptr(VigilMapping) native = vigil_mapping_new_native ();
  g_autoptr(JsonNode) doc = parse ("{\"customers\": [{\"id\": \"acme\", \"nps\": 9, \"features_used\": 3}],"
                                   " \"next\": \"https://x/usage?page=2\"}");
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  JsonArray *records = vigil_mapping_get_records (native, doc, NULL);

  g_assert_nonnull (records);
  vigil_mapping_apply (native, json_array_get_element (records, 0), snapshot);
  g_assert_cmpstr (snapshot->customer_id, ==, "acme");
  g_assert_cmpint (snapshot->nps, ==, 9);
  g_assert_cmpint (snapshot->features_used, ==, 3);
  g_assert_cmpstr (vigil_mapping_get_page_pointer (native), ==, "/next");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/mapping/pointer-rfc6901", test_pointer_rfc6901);
  g_test_add_func ("/core/mapping/invalid", test_mapping_invalid);
  g_test_add_func ("/core/mapping/json-api", test_mapping_json_api);
  g_test_add_func ("/core/mapping/bare-array", test_mapping_bare_array);
  g_test_add_func ("/core/mapping/cursor-and-hal", test_mapping_cursor_and_hal);
  g_test_add_func ("/core/mapping/records-missing", test_mapping_records_missing);
  g_test_add_func ("/core/mapping/native", test_mapping_native);

  return g_test_run ();
}
