/* test-mapping.c: JSON Pointers and mappings, on documents shaped like real APIs
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-json-private.h"
#include "vigil-test-util.h"

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
  /* Without records a mapping names a CSV file's columns (design 2.5):
   * what belongs to JSON alone is said so. */
  { "csv-pagination", "{\"fields\": {\"id\": \"/id\"}, \"pagination\": {\"style\": \"none\"}}",
    "pagination: a mapping without “records” reads the columns of a CSV file" },
  { "csv-query", "{\"fields\": {\"id\": \"Id\"}, \"query\": {\"limit\": \"100\"}}",
    "query: a mapping without “records” reads the columns of a CSV file" },
  { "csv-pointer", "{\"fields\": {\"id\": \"Id\", \"mrr\": {\"pointer\": \"/m\"}}}",
    "fields.mrr.pointer: a CSV mapping names columns: use “column”" },
  { "csv-sum", "{\"fields\": {\"id\": \"Id\", \"mrr\": {\"column\": \"M\", \"sum\": \"/m\"}}}",
    "fields.mrr.sum: a sum adds up an array of a JSON record" },
  { "csv-no-id", "{\"fields\": {\"name\": \"Name\"}}", "fields: needs a column for “id”" },
  { "csv-empty-column", "{\"fields\": {\"id\": \"  \"}}", "fields.id: must name a column" },
  { "csv-delimiter", "{\"fields\": {\"id\": \"Id\"}, \"delimiter\": \"|\"}", "delimiter: must be “,”, “;” or a tab" },
  { "csv-decimal", "{\"fields\": {\"id\": \"Id\"}, \"decimal\": \"'\"}", "decimal: must be “.” or “,”" },
  { "json-decimal", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"decimal\": \",\"}",
    "decimal: applies to a CSV file's mapping" },
  { "csv-keys-pointer", "{\"fields\": {\"id\": \"Id\"}, \"keys\": [{\"pointer\": \"/d\"}]}",
    "keys[0].pointer: unknown member" },
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
  /* The error lists every field, keys among them. */
  { "fields-listed", "{\"records\": \"\", \"fields\": {\"id\": \"/id\", \"key\": \"/k\"}}",
    "fields.key: “key” is not a field Vigil knows (it knows id, keys, name, plan," },
  { "keys-not-list", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"keys\": \"/domain\"}",
    "keys: must be a list of JSON Pointers" },
  { "keys-bad-pointer", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"keys\": [\"/a\", \"domain\"]}",
    "keys[1]: “domain” is not a JSON Pointer" },
  { "keys-number", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"keys\": [3]}",
    "keys[0]: must be a JSON Pointer or an object with a “pointer”" },
  { "keys-no-pointer", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"keys\": [{\"lower\": true}]}",
    "keys[0].pointer: missing" },
  { "keys-pointer-bad", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"keys\": [{\"pointer\": \"/a~2\"}]}",
    "keys[0].pointer: “/a~2” is not a JSON Pointer" },
  { "keys-bad-lower", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"keys\": [\"/a\", {\"pointer\": \"/b\", \"lower\": \"yes\"}]}",
    "keys[1].lower: must be true or false" },
  { "keys-typo", "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"keys\": [{\"pointer\": \"/b\", \"lowercase\": true}]}",
    "keys[0].lowercase: unknown member" },
  { "keys-field-not-string", "{\"records\": \"\", \"fields\": {\"id\": \"/id\", \"keys\": [\"/a\"]}}",
    "fields.keys: must be a JSON Pointer string" },
};

static void
test_mapping_invalid (void)
{
  g_autoptr(GString) many = g_string_new ("{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"keys\": [");
  g_autoptr(VigilMapping) too_many = NULL;
  g_autoptr(GError) many_error = NULL;

  /* More pointers than a record may carry keys. */
  for (guint i = 0; i < 65; i++)
    g_string_append_printf (many, "%s\"/k%u\"", i > 0 ? ", " : "", i);
  g_string_append (many, "]}");
  too_many = vigil_mapping_new_from_data (many->str, -1, &many_error);
  g_assert_null (too_many);
  g_assert_nonnull (strstr (many_error->message, "keys: at most 64 pointers"));

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
  url = vigil_mapping_expand_detail_url (hal, snapshot->customer_id, NULL);
  g_assert_cmpstr (url, ==, "https://api.example.com/customers/a%20b%2Fc/usage");

  /* "." and ".." are path segments however written: not in the path. */
  {
    g_autoptr(VigilMapping) in_query = vigil_mapping_new_from_data (
      "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
      " \"detail_url\": \"https://api.example.com/usage?customer={id}\"}", -1, &error);
    static const char * const dots[] = { ".", ".." };

    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (dots); i++)
      {
        g_autofree char *refused = vigil_mapping_expand_detail_url (hal, dots[i], &error);
        g_autofree char *in_query_url = vigil_mapping_expand_detail_url (in_query, dots[i], NULL);
        g_autofree char *expected = g_strconcat ("https://api.example.com/usage?customer=", dots[i], NULL);

        g_assert_null (refused);
        g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
        g_assert_nonnull (strstr (error->message, "cannot go into the detail_url's path"));
        g_clear_error (&error);
        g_assert_cmpstr (in_query_url, ==, expected);
      }
    g_free (url);
    url = vigil_mapping_expand_detail_url (hal, "...", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (url, ==, "https://api.example.com/customers/.../usage");
  }

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

/* Reading answers as text ------------------------------------------------ */

/* Every field of @snapshot, to compare two readings. */
static char *
describe_snapshot (const VigilSnapshot *snapshot)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "id=%s name=%s plan=%s owner=%s segment=%s mrr=%.17g",
                          snapshot->customer_id, snapshot->name, snapshot->plan, snapshot->owner,
                          snapshot->segment, snapshot->mrr);
  g_string_append_printf (out, " seats=%" G_GINT64_FORMAT " used=%" G_GINT64_FORMAT " calls=%" G_GINT64_FORMAT
                          " features_used=%" G_GINT64_FORMAT " tickets=%" G_GINT64_FORMAT " nps=%" G_GINT64_FORMAT
                          " active=%" G_GINT64_FORMAT " observed=%" G_GINT64_FORMAT " renewal=%d unknown=%u",
                          snapshot->seats, snapshot->seats_used, snapshot->api_calls_7d, snapshot->features_used,
                          snapshot->open_tickets, snapshot->nps, snapshot->last_active, snapshot->observed_at,
                          snapshot->renewal_day, snapshot->n_unknown);
  if (snapshot->keys != NULL)
    for (guint i = 0; i < snapshot->keys->len; i++)
      g_string_append_printf (out, "%s%s", i == 0 ? " keys=" : "|", (const char *) snapshot->keys->pdata[i]);
  if (snapshot->features != NULL)
    for (guint i = 0; i < snapshot->features->len; i++)
      {
        VigilFeatureUsage *usage = &g_array_index (snapshot->features, VigilFeatureUsage, i);

        g_string_append_printf (out, " %s:%" G_GINT64_FORMAT, usage->name, usage->calls);
      }
  return g_string_free (out, FALSE);
}

static gboolean
describe_record (VigilSnapshot  *snapshot,
                 gpointer        user_data,
                 GError        **error)
{
  g_ptr_array_add (user_data, describe_snapshot (snapshot));
  /* What the poller does: it may take what the snapshot holds. */
  vigil_snapshot_clear (snapshot);
  return TRUE;
}

/* The records of @text as vigil_mapping_read_records() reads them. */
static GPtrArray *
read_as_text (VigilMapping  *mapping,
              const char    *text,
              char         **out_next,
              GError       **error)
{
  g_autoptr(GPtrArray) described = g_ptr_array_new_with_free_func (g_free);

  if (!vigil_mapping_read_records (mapping, text, strlen (text), describe_record, described, out_next, error))
    return NULL;
  return g_steal_pointer (&described);
}

/* The same, read through a json-glib tree as the mapping's pointers say. */
static GPtrArray *
read_as_tree (VigilMapping  *mapping,
              const char    *text,
              char         **out_next)
{
  g_autoptr(JsonNode) doc = parse (text);
  GPtrArray *described = g_ptr_array_new_with_free_func (g_free);
  JsonArray *records = vigil_mapping_get_records (mapping, doc, NULL);
  const char *pointer = vigil_mapping_get_page_pointer (mapping);
  JsonNode *next = pointer != NULL ? vigil_json_pointer_get (doc, pointer) : NULL;

  g_assert_nonnull (records);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();

      vigil_mapping_apply (mapping, json_array_get_element (records, i), snapshot);
      g_ptr_array_add (described, describe_snapshot (snapshot));
    }

  *out_next = NULL;
  if (next != NULL && JSON_NODE_HOLDS_VALUE (next) && json_node_get_value_type (next) == G_TYPE_STRING &&
      *json_node_get_string (next) != '\0')
    *out_next = g_strdup (json_node_get_string (next));
  else if (next != NULL && JSON_NODE_HOLDS_VALUE (next) && json_node_get_value_type (next) == G_TYPE_INT64)
    *out_next = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (next));
  return described;
}

/* Reading an answer as text gives the records, and the next page, that
 * reading it as a tree gives, whatever the shape of the records. */
static void
test_read_records_as_tree (void)
{
  static const struct { const char *mapping; const char *text; guint n; } cases[] = {
    /* The native format: every field, wrong types, nulls, numbers as text,
     * members that are not fields (deep ones too), escapes in names. */
    { NULL,
      "{\"customers\": ["
      "  {\"id\": \"acme\", \"name\": \" Acme Corp \", \"plan\": \"enterprise\", \"owner\": \"Dana\","
      "   \"segment\": \"EMEA\", \"mrr\": 4200.5, \"seats\": 50, \"seats_used\": 47,"
      "   \"renewal_date\": \"2027-03-01\", \"last_active\": \"2026-11-21T10:00:00Z\","
      "   \"api_calls_7d\": 3200, \"features\": {\"workflow\": 120, \"reports\": 40, \"off\": null,"
      "   \"bad\": \"x\"}, \"features_used\": 2, \"open_tickets\": 2, \"nps\": 8,"
      "   \"observed_at\": \"2026-11-21T12:00:00Z\", \"extra\": {\"deep\": [[[{\"id\": \"no\"}]]]}},"
      "  {\"id\": 17, \"mrr\": \"99.5\", \"seats\": \"12\", \"nps\": 11, \"api_calls_7d\": -1,"
      "   \"features\": [\"a\", \"b\", 3, \"\"], \"name\": [\"not\", \"text\"], \"plan\": true},"
      "  {\"i\\u0064\": \"escaped-name\", \"na\\u006De\": \"caf\\u00e9 \\ud83d\\ude00\", \"owner\": null},"
      "  {\"id\": \"\", \"seats\": 1e2, \"seats_used\": 2.5, \"last_active\": 1795255200},"
      "  {}, [], \"text\", 42, null, true"
      "], \"next\": \"https://example.com/usage?page=2\"}", 10 },
    /* A bare array, an index into an array, features as names. */
    { "{\"records\": \"\", \"fields\": {\"id\": \"/account_id\", \"api_calls_7d\": \"/usage/1/calls\","
      " \"features\": \"/enabled\"}, \"features_format\": \"array\"}",
      "[{\"account_id\": 17, \"usage\": [{\"calls\": 1}, {\"calls\": 900}], \"enabled\": [\"a\", \"b\"]},"
      " {\"account_id\": \"x\", \"usage\": {\"1\": {\"calls\": 5}}, \"enabled\": {\"a\": 1}}]", 2 },
    /* Nested records, pointers that share a path or end inside one
     * another, two fields on one pointer, "~0" and "~1", a cursor that is
     * a number. */
    { "{\"records\": \"/a/b~1c/0/list\", \"fields\": {\"id\": \"/key\", \"name\": \"/f/label\","
      " \"features\": \"/f\", \"owner\": \"/key\", \"segment\": \"/m~0n\"},"
      " \"pagination\": {\"style\": \"cursor\", \"pointer\": \"/a/cursor\", \"param\": \"after\"}}",
      "{\"a\": {\"cursor\": 4200, \"b/c\": [{\"list\": ["
      "  {\"key\": \"k1\", \"f\": {\"label\": \"First\", \"reports\": 3}, \"m~n\": \"tilde\"},"
      "  {\"key\": \"k2\", \"f\": \"neither\"}]}, {\"list\": [{\"key\": \"not-this\"}]}]}}", 2 },
    /* Keys from fields.keys and from the keys member, gathered: strings,
     * integers, arrays, lower-cased or not; a value that is no keys,
     * members given twice, pointers that share a path. */
    { "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"keys\": \"/crm_id\"},"
      " \"keys\": [\"/properties/domain\", {\"pointer\": \"/properties/emails\", \"lower\": true},"
      "   \"/aliases\", {\"pointer\": \"/id\", \"lower\": false}, \"/properties/domain\"]}",
      "{\"data\": ["
      "  {\"id\": 1, \"crm_id\": 512, \"properties\": {\"domain\": \" Acme.com \","
      "   \"emails\": [\"Ops@ACME.com\", \"\u00c4RGER@x.de\", \"ops@acme.com\"]}, \"aliases\": [\"Acme.com\", \"\"]},"
      "  {\"id\": \"2\", \"crm_id\": true, \"properties\": {\"emails\": [\"a\", [\"b\"]]}, \"aliases\": \"b\"},"
      "  {\"id\": \"3\", \"aliases\": [\"x\"], \"aliases\": [\"y\", \"z\"], \"crm_id\": null},"
      "  {\"id\": \"4\", \"properties\": {\"domain\": {\"deep\": [[1]]}, \"emails\": \"\"}},"
      "  {\"id\": \"5\", \"crm_id\": 12.5, \"aliases\": [\" \", \"null\"]},"
      "  {}, \"text\""
      "]}", 7 },
    /* The whole record is the id. */
    { "{\"records\": \"/ids\", \"fields\": {\"id\": \"\"}, "
      " \"pagination\": {\"style\": \"next-url\", \"pointer\": \"/next\"}}",
      "{\"next\": \"\", \"ids\": [\"a\", 12, {\"id\": \"b\"}, null]}", 4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilMapping) mapping = cases[i].mapping != NULL
        ? vigil_mapping_new_from_data (cases[i].mapping, -1, &error) : vigil_mapping_new_native ();
      g_autoptr(GPtrArray) as_text = NULL;
      g_autoptr(GPtrArray) as_tree = NULL;
      g_autofree char *next_text = NULL;
      g_autofree char *next_tree = NULL;

      g_assert_no_error (error);
      g_test_message ("case %u", i);
      as_text = read_as_text (mapping, cases[i].text, &next_text, &error);
      g_assert_no_error (error);
      as_tree = read_as_tree (mapping, cases[i].text, &next_tree);
      g_assert_cmpuint (as_text->len, ==, cases[i].n);
      g_assert_cmpuint (as_text->len, ==, as_tree->len);
      for (guint r = 0; r < as_text->len; r++)
        g_assert_cmpstr (as_text->pdata[r], ==, as_tree->pdata[r]);
      g_assert_cmpstr (next_text, ==, next_tree);
    }
}

/* What the reader finds, said plainly (the comparison above could agree
 * on a wrong reading). */
static void
test_read_records_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) native = vigil_mapping_new_native ();
  g_autoptr(VigilMapping) cursor = vigil_mapping_new_from_data (
    "{\"records\": \"/r\", \"fields\": {\"id\": \"/id\"},"
    " \"pagination\": {\"style\": \"cursor\", \"pointer\": \"/c\", \"param\": \"after\"}}", -1, &error);
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *next = NULL;

  g_assert_no_error (error);
  records = read_as_text (native, "{\"next\": \"?page=2\", \"customers\": [{\"id\": \"a\\u00e9\", \"nps\": 9},"
                          " {\"nps\": 3}]}", &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_true (g_str_has_prefix (records->pdata[0], "id=a\xc3\xa9 name=(null)"));
  g_assert_nonnull (strstr (records->pdata[0], " nps=9 "));
  g_assert_true (g_str_has_prefix (records->pdata[1], "id=(null)"));
  g_assert_cmpstr (next, ==, "?page=2");
  g_clear_pointer (&records, g_ptr_array_unref);
  g_clear_pointer (&next, g_free);

  /* A cursor that is a whole number is sent back as one; null, empty
   * text, other values and no cursor at all end the pages. */
  records = read_as_text (cursor, "{\"r\": [], \"c\": -42}", &next, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (next, ==, "-42");
  g_clear_pointer (&records, g_ptr_array_unref);
  g_clear_pointer (&next, g_free);
  for (guint i = 0; i < 5; i++)
    {
      static const char * const ends[] = {
        "{\"r\": [], \"c\": null}", "{\"r\": [], \"c\": \"\"}", "{\"r\": [], \"c\": 4.5}",
        "{\"r\": [], \"c\": {\"x\": 1}}", "{\"r\": []}",
      };

      records = read_as_text (cursor, ends[i], &next, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (records->len, ==, 0);
      g_assert_null (next);
      g_clear_pointer (&records, g_ptr_array_unref);
    }
}

/* Every byte is checked, the parts no pointer looks at too; the error
 * says what is wrong and where, and no bracket depth crashes it. */
static void
test_read_records_invalid (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "", "not JSON: line 1, column 1: no JSON value" },
    { "<html>Login required</html>", "not JSON: line 1, column 1" },
    { "{\"customers\": [{\"id\": \"a\"}], \"other\": [01]}", "not JSON: line 1, column 41: invalid number" },
    { "{\"customers\": [{\"id\": \"a\", \"x\": [1,]}]}", "not JSON" },
    { "{\"customers\": [{\"id\": \"a\"}]} {}", "unexpected data after the JSON value" },
    { "{\"customers\": [{\"id\": \"a\"}", "not JSON" },
    { "{\"customers\": [], \"x\": \"tab\there\"}", "control character U+0009 in a string" },
    { "{\"customers\": [], \"x\": \"\\x41\"}", "invalid escape" },
    { "{\"customers\": [], \"x\": 'single'}", "not JSON" },
    { "{\"customers\": [], \"x\": [.5]}", "not JSON" },
    { "{\"customers\": {\"id\": \"a\"}}", "no array of records at “/customers”" },
    { "{\"data\": [{\"id\": \"a\"}]}", "no array of records at “/customers”" },
    { "[{\"id\": \"a\"}]", "no array of records at “/customers”" },
    { "{\"customers\": [{\"id\": \"a\"}], \"customers\": []}",
      "more than one array of records at “/customers” (a member name given twice): refused" },
  };
  g_autoptr(VigilMapping) native = vigil_mapping_new_native ();
  g_autoptr(GString) deep = g_string_new ("{\"customers\": [], \"x\": ");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) records = read_as_text (native, cases[i].text, NULL, &error);

      g_test_message ("%s", cases[i].text);
      g_assert_null (records);
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("%s: “%s” does not say “%s”", cases[i].text, error->message, cases[i].message);
    }

  /* A million brackets deep: an error, not a crash. */
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) records = read_as_text (native, deep->str, NULL, &error);

    g_assert_null (records);
    g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
    g_assert_nonnull (strstr (error->message, "nested too deeply"));
  }
}

/* @prefix, @n brackets opened and closed, @suffix. */
static char *
nested_answer (const char *prefix,
               guint       n,
               const char *suffix)
{
  GString *text = g_string_new (prefix);

  for (guint i = 0; i < n; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < n; i++)
    g_string_append_c (text, ']');
  g_string_append (text, suffix);
  return g_string_free (text, FALSE);
}

/* The limit on nesting is the whole answer's, wherever the deep part
 * is: a field's value, a feature, inside a record at any depth. The
 * reader of records takes what the reader of every JSON text takes,
 * and refuses what it refuses. */
static void
test_read_records_depth (void)
{
  static const struct { const char *prefix; guint open; const char *suffix; } shapes[] = {
    /* A feature's count, four levels in: answer, data, record, features. */
    { "{\"data\": [{\"id\": \"a\", \"features\": {\"x\": ", 4, "}}]}" },
    /* A feature's name in the array form. */
    { "{\"data\": [{\"id\": \"a\", \"features\": [", 4, "]}]}" },
    /* A text field holding an array, three levels in. */
    { "{\"data\": [{\"id\": \"a\", \"name\": ", 3, "}]}" },
    /* The features themselves, deeper in the answer. */
    { "{\"data\": [{\"id\": \"a\", \"features\": ", 3, "}]}" },
    /* A member no pointer looks at. */
    { "{\"data\": [{\"id\": \"a\", \"other\": ", 3, "}]}" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"name\": \"/name\","
    " \"features\": \"/features\"}}", -1, &error);
  g_autoptr(VigilMapping) native = vigil_mapping_new_native ();

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    for (guint total = VIGIL_JSON_MAX_DEPTH - 1; total <= VIGIL_JSON_MAX_DEPTH + 2; total++)
      {
        guint n = total - shapes[i].open;
        g_autofree char *text = nested_answer (shapes[i].prefix, n, shapes[i].suffix);
        g_autoptr(GString) native_text = g_string_new (text);
        g_autoptr(GError) read_error = NULL;
        g_autoptr(GError) native_error = NULL;
        g_autoptr(GPtrArray) records = NULL;
        g_autoptr(GPtrArray) native_records = NULL;
        gboolean valid = _vigil_json_validate (text, -1, VIGIL_JSON_DATA, NULL);

        g_test_message ("shape %u, depth %u", i, total);
        g_assert_cmpint (valid, ==, total <= VIGIL_JSON_MAX_DEPTH);
        records = read_as_text (mapping, text, NULL, &read_error);
        /* The same in the native format, records at /customers. */
        g_string_replace (native_text, "\"data\"", "\"customers\"", 1);
        native_records = read_as_text (native, native_text->str, NULL, &native_error);
        if (valid)
          {
            g_assert_no_error (read_error);
            g_assert_no_error (native_error);
            g_assert_cmpuint (records->len, ==, 1);
            g_assert_cmpuint (native_records->len, ==, 1);
          }
        else
          {
            g_assert_null (records);
            g_assert_null (native_records);
            g_assert_error (read_error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
            g_assert_error (native_error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
            g_assert_nonnull (strstr (read_error->message, "nested too deeply (more than 512 levels)"));
            g_assert_nonnull (strstr (native_error->message, "nested too deeply (more than 512 levels)"));
          }
      }

  /* A detail answer: its features two levels in. */
  {
    g_autoptr(VigilMapping) detail = vigil_mapping_new_from_data (
      "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
      " \"detail_url\": \"https://api.example.com/c/{id}\", \"detail_fields\": {\"features\": \"/f\"}}",
      -1, &error);

    g_assert_no_error (error);
    for (guint total = VIGIL_JSON_MAX_DEPTH; total <= VIGIL_JSON_MAX_DEPTH + 1; total++)
      {
        g_autofree char *text = nested_answer ("{\"f\": {\"x\": ", total - 2, "}}");
        g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
        g_autoptr(GError) detail_error = NULL;
        gboolean read = vigil_mapping_read_detail (detail, text, strlen (text), snapshot, &detail_error);

        g_assert_cmpint (read, ==, total <= VIGIL_JSON_MAX_DEPTH);
        if (!read)
          g_assert_nonnull (strstr (detail_error->message, "nested too deeply"));
      }
  }
}

/* Records of @length bytes of @text, read as vigil_mapping_read_records()
 * does, described, or the error's message. */
static char *
read_prefix (VigilMapping *mapping,
             const char   *text,
             gsize         length)
{
  g_autoptr(GPtrArray) described = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  g_autofree char *joined = NULL;

  if (!vigil_mapping_read_records (mapping, text, length, describe_record, described, &next, &error))
    return g_strdup (error->message);
  g_ptr_array_add (described, NULL);
  joined = g_strjoinv ("\n", (char **) described->pdata);
  return g_strdup_printf ("%s\nnext=%s", joined, next);
}

/* An answer is bytes without a NUL at the end: cut short at each byte
 * and read against a page nothing may read (vigil-test-util.h), it
 * gives what its NUL-terminated copy gives, records, next page and
 * errors alike. */
static void
test_read_records_unterminated (void)
{
  static const struct { const char *mapping; const char *text; } cases[] = {
    { NULL, "{\"customers\": [{\"id\": 17, \"mrr\": 4200.5, \"seats\": 12,"
            " \"features\": {\"a\": 3, \"b\": [1]}, \"nps\": 9}], \"next\": \"?p=2\"}" },
    { "{\"records\": \"\", \"fields\": {\"id\": \"\"}}", "[1, -22, 123456789012345678901, 3]" },
    { "{\"records\": \"/r\", \"fields\": {\"id\": \"/id\"},"
      " \"pagination\": {\"style\": \"cursor\", \"pointer\": \"/c\", \"param\": \"after\"}}",
      "{\"r\": [{\"id\": 5}], \"c\": 4200}" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) detail = vigil_mapping_new_from_data (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
    " \"detail_url\": \"https://api.example.com/c/{id}\", \"detail_fields\": {\"seats\": \"/s\"}}",
    -1, &error);
  const char *detail_text = "{\"s\": 20, \"t\": 31}";

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VigilMapping) mapping = cases[i].mapping != NULL
        ? vigil_mapping_new_from_data (cases[i].mapping, -1, &error) : vigil_mapping_new_native ();

      g_assert_no_error (error);
      for (gsize length = 1; length <= strlen (cases[i].text); length++)
        {
          g_autofree char *copy = g_strndup (cases[i].text, length);
          g_autofree char *from_copy = read_prefix (mapping, copy, length);
          g_autofree char *from_guarded = NULL;
          GuardedText guarded;

          from_guarded = read_prefix (mapping, test_guarded_text_init (&guarded, cases[i].text, length), length);
          g_assert_cmpstr (from_guarded, ==, from_copy);
          test_guarded_text_clear (&guarded);
        }
    }

  for (gsize length = 1; length <= strlen (detail_text); length++)
    {
      g_autofree char *copy = g_strndup (detail_text, length);
      g_autoptr(VigilSnapshot) from_copy = vigil_snapshot_new ();
      g_autoptr(VigilSnapshot) from_guarded = vigil_snapshot_new ();
      g_autoptr(GError) copy_error = NULL;
      g_autoptr(GError) guarded_error = NULL;
      g_autofree char *copy_description = NULL;
      g_autofree char *guarded_description = NULL;
      GuardedText guarded;
      const char *text = test_guarded_text_init (&guarded, detail_text, length);
      gboolean read = vigil_mapping_read_detail (detail, text, length, from_guarded, &guarded_error);

      g_assert_cmpint (read, ==, vigil_mapping_read_detail (detail, copy, length, from_copy, &copy_error));
      if (!read)
        g_assert_cmpstr (guarded_error->message, ==, copy_error->message);
      copy_description = describe_snapshot (from_copy);
      guarded_description = describe_snapshot (from_guarded);
      g_assert_cmpstr (guarded_description, ==, copy_description);
      test_guarded_text_clear (&guarded);
    }
}

static gboolean
stop_at_second (VigilSnapshot  *snapshot,
                gpointer        user_data,
                GError        **error)
{
  guint *seen = user_data;

  if (++*seen < 2)
    return TRUE;
  g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, "enough");
  return FALSE;
}

/* The function given the records can stop the reading with its error. */
static void
test_read_records_stopped (void)
{
  g_autoptr(VigilMapping) native = vigil_mapping_new_native ();
  g_autoptr(GError) error = NULL;
  const char *text = "{\"customers\": [{}, {}, {}, \"not JSON after this: ]";
  guint seen = 0;

  g_assert_false (vigil_mapping_read_records (native, text, strlen (text), stop_at_second, &seen, NULL, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "enough");
  g_assert_cmpuint (seen, ==, 2);
}

/* Detail answers are read as text the way vigil_mapping_apply_detail()
 * reads them as a tree. */
static void
test_read_detail (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
    " \"detail_url\": \"https://api.example.com/customers/{id}/usage\","
    " \"detail_fields\": {\"api_calls_7d\": \"/usage/calls_7d\", \"seats\": \"/usage/seats/total\","
    "   \"seats_used\": \"/usage/seats/active\", \"features\": \"/usage/features\"}}", -1, &error);
  const char *text = "{\"usage\": {\"calls_7d\": 4100, \"seats\": {\"total\": 20, \"active\": \"19\"},"
                     " \"features\": [\"a\", 2], \"ignored\": [[{}]]}}";
  g_autoptr(JsonNode) doc = parse (text);
  g_autoptr(VigilSnapshot) as_text = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) as_tree = vigil_snapshot_new ();
  g_autofree char *text_description = NULL;
  g_autofree char *tree_description = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_true (vigil_mapping_read_detail (mapping, text, strlen (text), as_text, &error));
  g_assert_no_error (error);
  vigil_mapping_apply_detail (mapping, doc, as_tree);
  text_description = describe_snapshot (as_text);
  tree_description = describe_snapshot (as_tree);
  g_assert_cmpstr (text_description, ==, tree_description);
  g_assert_cmpint (as_text->api_calls_7d, ==, 4100);
  g_assert_cmpint (as_text->seats_used, ==, 19);
  g_assert_cmpuint (as_text->n_unknown, ==, 1);

  g_assert_false (vigil_mapping_read_detail (mapping, "{\"usage\": ", 10, as_text, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_clear_error (&error);

  /* A detail nested a million deep, well within --max-bytes. */
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (deep, ']');
  g_assert_false (vigil_mapping_read_detail (mapping, deep->str, deep->len, as_text, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
}

/* The records of @text read as text and as a tree, which must agree. */
static GPtrArray *
read_both_ways (VigilMapping *mapping,
                const char   *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) as_text = NULL;
  g_autoptr(GPtrArray) as_tree = NULL;
  g_autofree char *next_text = NULL;
  g_autofree char *next_tree = NULL;

  as_text = read_as_text (mapping, text, &next_text, &error);
  g_assert_no_error (error);
  as_tree = read_as_tree (mapping, text, &next_tree);
  g_assert_cmpuint (as_text->len, ==, as_tree->len);
  for (guint r = 0; r < as_text->len; r++)
    g_assert_cmpstr (as_text->pdata[r], ==, as_tree->pdata[r]);
  return g_steal_pointer (&as_text);
}

/* What follows " keys=" in a description, up to the next space. */
static char *
described_keys (const char *description)
{
  const char *keys = strstr (description, " keys=");
  const char *end;

  if (keys == NULL)
    return NULL;
  keys += strlen (" keys=");
  end = strchr (keys, ' ');
  return end != NULL ? g_strndup (keys, end - keys) : g_strdup (keys);
}

static const char keys_mapping[] =
  "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"keys\": \"/crm_id\"},"
  " \"keys\": [\"/properties/domain\", {\"pointer\": \"/properties/emails\", \"lower\": true}]}";

/* The keys a mapping finds, said plainly: each pointer's, gathered,
 * sorted, each once; lower-cased where the mapping says so. */
static void
test_mapping_keys (void)
{
  static const struct { const char *record; const char *keys; guint unknown; } cases[] = {
    { "{\"id\": \"1\", \"crm_id\": 512, \"properties\": {\"domain\": \" Acme.com \","
      " \"emails\": [\"Ops@ACME.COM\", \"\\u00c4RGER@X.DE\", \"ops@acme.com\", \"\\u0130\"]}}",
      "512|Acme.com|i\xcc\x87|ops@acme.com|\xc3\xa4rger@x.de", 0 },
    /* One pointer's value is no keys: the others' stand, counted once. */
    { "{\"id\": \"2\", \"crm_id\": true, \"properties\": {\"domain\": \"b.com\", \"emails\": \"C@D.com\"}}",
      "b.com|c@d.com", 1 },
    { "{\"id\": \"3\", \"properties\": {\"emails\": [\"x\", 1.5]}, \"crm_id\": \"x\"}", "x", 1 },
    { "{\"id\": \"4\"}", NULL, 0 },
    { "{\"id\": \"5\", \"crm_id\": null, \"properties\": {\"domain\": \"\", \"emails\": []}}", NULL, 0 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (keys_mapping, -1, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"data\": [%s]}", cases[i].record);
      g_autoptr(GPtrArray) records = read_both_ways (mapping, text);
      g_autofree char *keys = described_keys (records->pdata[0]);
      g_autofree char *unknown = g_strdup_printf (" unknown=%u", cases[i].unknown);

      g_test_message ("%s", (const char *) records->pdata[0]);
      g_assert_cmpstr (keys, ==, cases[i].keys);
      g_assert_nonnull (strstr (records->pdata[0], unknown));
    }
}

/* A record carries at most 64 keys, however many pointers give them:
 * more, and it carries none, counted once, whichever came first. */
static void
test_mapping_keys_limit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"keys\": [\"/a\", \"/b\"]}", -1, &error);
  static const struct { guint a; guint b; guint overlap; } cases[] = {
    /* 40 + 24 different: 64, kept. */
    { 40, 24, 0 },
    /* 40 + 25: 65, none. */
    { 40, 25, 0 },
    /* 40 + 40 of which 16 are the same: 64, kept. */
    { 40, 40, 16 },
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GString) a = g_string_new (NULL);
      g_autoptr(GString) b = g_string_new (NULL);
      g_autoptr(GPtrArray) records = NULL;
      g_autofree char *keys = NULL;
      guint n = cases[i].a + cases[i].b - cases[i].overlap;

      for (guint k = 0; k < cases[i].a; k++)
        g_string_append_printf (a, "%s\"k%02u\"", k > 0 ? ", " : "", k);
      for (guint k = 0; k < cases[i].b; k++)
        g_string_append_printf (b, "%s\"k%02u\"", k > 0 ? ", " : "", cases[i].a - cases[i].overlap + k);
      /* Both orders of the members, so that which is read first cannot matter. */
      g_string_printf (text, "[{\"id\": \"x\", \"a\": [%s], \"b\": [%s]}, {\"b\": [%s], \"id\": \"y\", \"a\": [%s]}]",
                       a->str, b->str, b->str, a->str);
      records = read_both_ways (mapping, text->str);
      for (guint r = 0; r < 2; r++)
        {
          g_clear_pointer (&keys, g_free);
          keys = described_keys (records->pdata[r]);
          if (n <= 64)
            {
              g_assert_nonnull (keys);
              g_assert_true (g_str_has_prefix (keys, "k00|k01|"));
              g_assert_true (g_str_has_suffix (keys, "|k63"));
              g_assert_nonnull (strstr (records->pdata[r], " unknown=0"));
            }
          else
            {
              g_assert_null (keys);
              g_assert_nonnull (strstr (records->pdata[r], " unknown=1"));
            }
        }
    }
}

/* Keys read as part of a detail answer are a field like the others:
 * given, they replace what the list gave. */
static void
test_mapping_keys_detail (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"keys\": \"/domain\"},"
    " \"detail_url\": \"https://api.example.com/customers/{id}\","
    " \"detail_fields\": {\"keys\": \"/account/domains\"}}", -1, &error);
  const char *detail = "{\"account\": {\"domains\": [\"b.com\", \" a.com\"]}}";
  const char *no_keys = "{\"account\": {\"domains\": null}}";
  g_autoptr(JsonNode) detail_doc = parse (detail);
  g_autoptr(JsonNode) no_keys_doc = parse (no_keys);
  g_autoptr(VigilSnapshot) as_text = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) as_tree = vigil_snapshot_new ();
  g_autofree char *text_description = NULL;
  g_autofree char *tree_description = NULL;

  g_assert_no_error (error);
  vigil_snapshot_set_text (as_text, VIGIL_FIELD_KEYS, "list.com");
  vigil_snapshot_set_text (as_tree, VIGIL_FIELD_KEYS, "list.com");
  g_assert_true (vigil_mapping_read_detail (mapping, no_keys, strlen (no_keys), as_text, &error));
  vigil_mapping_apply_detail (mapping, no_keys_doc, as_tree);
  g_assert_cmpstr (as_text->keys->pdata[0], ==, "list.com");
  g_assert_cmpstr (as_tree->keys->pdata[0], ==, "list.com");

  g_assert_true (vigil_mapping_read_detail (mapping, detail, strlen (detail), as_text, &error));
  g_assert_no_error (error);
  vigil_mapping_apply_detail (mapping, detail_doc, as_tree);
  text_description = describe_snapshot (as_text);
  tree_description = describe_snapshot (as_tree);
  g_assert_cmpstr (text_description, ==, tree_description);
  g_assert_nonnull (strstr (text_description, " keys=a.com|b.com"));
}

/* Mappings are stored as JSON and read back: the keys member too. */
static void
test_mapping_keys_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (keys_mapping, -1, &error);
  g_autoptr(VigilMapping) reread = NULL;
  g_autoptr(VigilMapping) plain = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;
  g_autofree char *plain_json = NULL;
  g_autofree char *round_keys = NULL;
  g_autoptr(JsonNode) stored = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  JsonArray *keys;
  const char *text = "{\"data\": [{\"id\": \"1\", \"crm_id\": 7, \"properties\": {\"domain\": \"A.com\","
                     " \"emails\": [\"X@Y.com\"]}}]}";

  g_assert_no_error (error);
  json = vigil_mapping_to_json (mapping);
  stored = parse (json);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (stored),
                                                                                   "fields"), "keys"), ==, "/crm_id");
  keys = json_object_get_array_member (json_node_get_object (stored), "keys");
  g_assert_cmpuint (json_array_get_length (keys), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (keys, 0), ==, "/properties/domain");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (keys, 1), "pointer"), ==,
                   "/properties/emails");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (keys, 1), "lower"));

  reread = vigil_mapping_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  json_again = vigil_mapping_to_json (reread);
  g_assert_cmpstr (json_again, ==, json);
  first = read_both_ways (mapping, text);
  second = read_both_ways (reread, text);
  g_assert_cmpstr (first->pdata[0], ==, second->pdata[0]);
  round_keys = described_keys (first->pdata[0]);
  g_assert_cmpstr (round_keys, ==, "7|A.com|x@y.com");

  /* A mapping without keys says nothing of them. */
  plain = vigil_mapping_new_from_data ("{\"records\": \"\", \"fields\": {\"id\": \"/id\"}}", -1, &error);
  g_assert_no_error (error);
  plain_json = vigil_mapping_to_json (plain);
  g_assert_null (strstr (plain_json, "keys"));
}

/* A value a pointer finds is checked no deeper than any JSON text
 * (design 2.3), however deep the pointer goes: the limit counts the
 * levels around the value too. */
static void
test_read_records_deep_values (void)
{
  static const char * const fields[] = { "name", "features", "keys" };

  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    {
      g_autoptr(GString) mapping_text = g_string_new ("{\"records\": \"");
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(VigilMapping) mapping = NULL;
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *next = NULL;

      /* Records 500 objects down; the value 20 arrays deep in them. */
      for (guint i = 0; i < 500; i++)
        {
          g_string_append (mapping_text, "/a");
          g_string_append (text, "{\"a\": ");
        }
      g_string_append_printf (mapping_text, "\", \"fields\": {\"id\": \"/id\", \"%s\": \"/v\"}}", fields[f]);
      g_string_append (text, "[{\"id\": \"x\", \"v\": ");
      for (guint i = 0; i < 20; i++)
        g_string_append_c (text, '[');
      for (guint i = 0; i < 20; i++)
        g_string_append_c (text, ']');
      g_string_append (text, "}]");
      for (guint i = 0; i < 500; i++)
        g_string_append_c (text, '}');

      mapping = vigil_mapping_new_from_data (mapping_text->str, -1, &error);
      g_assert_no_error (error);
      g_assert_false (_vigil_json_validate (text->str, text->len, VIGIL_JSON_DATA, NULL));
      records = read_as_text (mapping, text->str, &next, &error);
      g_assert_null (records);
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, "nested too deeply"));
    }
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
  g_test_add_func ("/core/mapping/read-records-as-tree", test_read_records_as_tree);
  g_test_add_func ("/core/mapping/read-records-values", test_read_records_values);
  g_test_add_func ("/core/mapping/read-records-invalid", test_read_records_invalid);
  g_test_add_func ("/core/mapping/read-records-stopped", test_read_records_stopped);
  g_test_add_func ("/core/mapping/read-records-depth", test_read_records_depth);
  g_test_add_func ("/core/mapping/read-records-unterminated", test_read_records_unterminated);
  g_test_add_func ("/core/mapping/read-detail", test_read_detail);
  g_test_add_func ("/core/mapping/read-records-deep-values", test_read_records_deep_values);
  g_test_add_func ("/core/mapping/keys", test_mapping_keys);
  g_test_add_func ("/core/mapping/keys-limit", test_mapping_keys_limit);
  g_test_add_func ("/core/mapping/keys-detail", test_mapping_keys_detail);
  g_test_add_func ("/core/mapping/keys-round-trip", test_mapping_keys_round_trip);

  return g_test_run ();
}
