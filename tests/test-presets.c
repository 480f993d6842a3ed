/* test-presets.c: the presets, polled from recorded vendor answers (design 2.7)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-test-book.h"
#include "vigil-test-run.h"
#include "vigil-test-server.h"
#include "vigil-test-util.h"

/* Each preset has, under tests/data/presets/PRESET/, the pages of a
 * vendor's documented list answer (several pages, the last one as the
 * vendor ends a list), an empty answer, and case.json: the path of the
 * source URL on the test's server, the --field options a user would
 * give, the requests the vendor would answer (path, the paging
 * parameter's value, and query parameters and headers the request must
 * carry), and every customer the poll must store. The presets are
 * added and polled with the vigil binary, against a SoupServer on
 * 127.0.0.1 that serves those files ({{base}} in them is its address). */

static const char * const preset_names[] = {
  "chartmogul-customers",
  "hubspot-companies",
  "intercom-companies",
  "pipedrive-organizations",
  "salesforce-accounts",
  "stripe-subscriptions",
  "zendesk-organizations",
};

typedef struct
{
  TestDir      dir;
  SoupServer  *server;
  char        *base;
  JsonNode    *cas;        /* case.json */
  char        *preset;
  gboolean     empty;      /* answer every request with empty.json */
  GPtrArray   *requests;   /* "PATH?QUERY" of each request */
  GPtrArray   *served;     /* the file of each request's route */
  GPtrArray   *refusals;   /* why a request was not answered */
} Fixture;

static char *
fixture_file (const char *preset,
              const char *file)
{
  return g_test_build_filename (G_TEST_DIST, "data", "presets", preset, file, NULL);
}

static JsonObject *
case_object (Fixture *f)
{
  return json_node_get_object (f->cas);
}

static const char *
member_or_null (JsonObject *object,
                const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? json_node_get_string (node) : NULL;
}

/* The route of case.json a request takes: its path, and the paging
 * parameter absent or of the value given. */
static JsonObject *
find_route (Fixture    *f,
            const char *path,
            GHashTable *query)
{
  JsonArray *routes = json_object_get_array_member (case_object (f), "routes");

  for (guint i = 0; i < json_array_get_length (routes); i++)
    {
      JsonObject *route = json_array_get_object_element (routes, i);
      const char *param = json_object_get_string_member (route, "param");
      const char *value = member_or_null (route, "value");
      const char *given = query != NULL ? g_hash_table_lookup (query, param) : NULL;

      if (g_str_equal (path, json_object_get_string_member (route, "path")) && g_strcmp0 (value, given) == 0)
        return route;
    }
  return NULL;
}

/* What the route says the request must carry, and does not. */
static char *
check_request (JsonObject         *route,
               GHashTable         *query,
               SoupMessageHeaders *headers)
{
  static const char * const members[] = { "query", "headers" };

  for (guint m = 0; m < G_N_ELEMENTS (members); m++)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (!json_object_has_member (route, members[m]))
        continue;
      json_object_iter_init (&iter, json_object_get_object_member (route, members[m]));
      while (json_object_iter_next (&iter, &name, &value))
        {
          const char *given = m == 0 ? (query != NULL ? g_hash_table_lookup (query, name) : NULL)
                                     : soup_message_headers_get_one (headers, name);

          if (g_strcmp0 (given, json_node_get_string (value)) != 0)
            return g_strdup_printf ("%s %s is “%s”, not “%s”", members[m], name, given ? given : "(none)",
                                    json_node_get_string (value));
        }
    }
  return NULL;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  JsonObject *route = find_route (f, path, query);
  g_autofree char *refusal = NULL;
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (f->requests, g_strdup_printf ("%s?%s", path, g_uri_get_query (uri) ? g_uri_get_query (uri) : ""));
  if (route == NULL)
    refusal = g_strdup_printf ("no route for %s?%s", path, g_uri_get_query (uri));
  else
    refusal = check_request (route, query, soup_server_message_get_request_headers (msg));
  if (refusal != NULL)
    {
      g_ptr_array_add (f->refusals, g_strdup (refusal));
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  g_ptr_array_add (f->served, g_strdup (json_object_get_string_member (route, "file")));
  file = fixture_file (f->preset, f->empty ? json_object_get_string_member (case_object (f), "empty")
                                           : json_object_get_string_member (route, "file"));
  g_file_get_contents (file, &contents, NULL, &error);
  g_assert_no_error (error);
  parts = g_strsplit (contents, "{{base}}", -1);
  body = g_strjoinv (f->base, parts);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  test_dir_init (&f->dir);
  f->requests = g_ptr_array_new_with_free_func (g_free);
  f->refusals = g_ptr_array_new_with_free_func (g_free);
  f->served = g_ptr_array_new_with_free_func (g_free);
  f->server = test_server_new (handler, f, &f->base);

  if (data != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *path = fixture_file (data, "case.json");

      f->preset = g_strdup (data);
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      f->cas = json_node_copy (json_parser_get_root (parser));
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_server_clear (&f->server);
  g_clear_pointer (&f->cas, json_node_unref);
  g_clear_pointer (&f->requests, g_ptr_array_unref);
  g_clear_pointer (&f->refusals, g_ptr_array_unref);
  g_clear_pointer (&f->served, g_ptr_array_unref);
  g_free (f->preset);
  g_free (f->base);
  test_dir_clear (&f->dir);
}

/* `vigil source add NAME URL --preset PRESET --field …` and `vigil poll
 * NAME` into @db, as a user would; the poll's exit status. */
static void
add_and_poll (Fixture    *f,
              const char *db,
              TestRun    *poll)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  JsonArray *fields = json_object_get_array_member (case_object (f), "fields");
  g_auto(TestRun) add = { 0 };

  g_ptr_array_add (args, g_strdup ("--db"));
  g_ptr_array_add (args, g_strdup (db));
  g_ptr_array_add (args, g_strdup ("source"));
  g_ptr_array_add (args, g_strdup ("add"));
  g_ptr_array_add (args, g_strdup ("vendor"));
  g_ptr_array_add (args, g_strconcat (f->base, json_object_get_string_member (case_object (f), "url"), NULL));
  g_ptr_array_add (args, g_strdup ("--preset"));
  g_ptr_array_add (args, g_strdup (f->preset));
  for (guint i = 0; i < json_array_get_length (fields); i++)
    g_ptr_array_add (args, g_strdup_printf ("--field=%s", json_array_get_string_element (fields, i)));
  g_ptr_array_add (args, NULL);
  test_run_vigil_argv (&add, (const char * const *) args->pdata);
  g_assert_cmpstr (add.err, ==, "");
  g_assert_cmpint (add.status, ==, 0);

  test_run_vigil (poll, "--db", db, "poll", "vendor");
}

static void
assert_no_refusal (Fixture *f)
{
  for (guint i = 0; i < f->refusals->len; i++)
    g_test_message ("refused: %s", (char *) g_ptr_array_index (f->refusals, i));
  g_assert_cmpuint (f->refusals->len, ==, 0);
}

static const VigilPortfolioRow *
find_row (GPtrArray  *rows,
          const char *id)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (rows, i);

      if (g_str_equal (row->latest->customer_id, id))
        return row;
    }
  return NULL;
}

static void
assert_customer (const VigilPortfolioRow *row,
                 JsonObject              *expected)
{
  JsonNode *mrr = json_object_get_member (expected, "mrr");
  const char *last_active = member_or_null (expected, "last_active");
  gint64 time = VIGIL_UNKNOWN;

  g_assert_nonnull (row);
  g_assert_cmpstr (row->source, ==, "vendor");
  g_assert_cmpstr (row->latest->name, ==, json_object_get_string_member (expected, "name"));
  /* Unknown is never zero (design 2.1). */
  if (JSON_NODE_HOLDS_NULL (mrr))
    g_assert_true (isnan (row->latest->mrr));
  else
    g_assert_cmpfloat_with_epsilon (row->latest->mrr, json_node_get_double (mrr), 1e-9);
  if (last_active != NULL)
    g_assert_true (vigil_time_parse_iso8601 (last_active, &time));
  g_assert_cmpint (row->latest->last_active, ==, time);
  if (json_object_has_member (expected, "owner"))
    g_assert_cmpstr (row->latest->owner, ==, member_or_null (expected, "owner"));
  if (json_object_has_member (expected, "plan"))
    g_assert_cmpstr (row->latest->plan, ==, member_or_null (expected, "plan"));
  if (json_object_has_member (expected, "keys"))
    {
      JsonArray *keys = json_object_get_array_member (expected, "keys");

      g_assert_cmpuint (row->keys != NULL ? g_strv_length (row->keys) : 0, ==, json_array_get_length (keys));
      for (guint i = 0; i < json_array_get_length (keys); i++)
        g_assert_cmpstr (row->keys[i], ==, json_array_get_string_element (keys, i));
    }
}

/* Every page asked for once, in as many requests as pages; every
 * customer stored with its name, MRR per month in currency units and
 * last-active time as the vendor's answer gives them. */
static void
test_preset_poll (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *db = vigil_test_book_location (&f->dir, "vigil.db");
  JsonArray *expected = json_object_get_array_member (case_object (f), "expected");
  JsonArray *routes = json_object_get_array_member (case_object (f), "routes");
  g_auto(TestRun) poll = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  add_and_poll (f, db, &poll);
  assert_no_refusal (f);
  g_test_message ("%s%s", poll.out, poll.err);
  g_assert_cmpint (poll.status, ==, 0);
  /* One request a page, the pages in order. */
  g_assert_cmpuint (f->served->len, ==, json_array_get_length (routes));
  for (guint i = 0; i < f->served->len; i++)
    g_assert_cmpstr (g_ptr_array_index (f->served, i), ==,
                     json_object_get_string_member (json_array_get_object_element (routes, i), "file"));

  store = vigil_store_open (db, &error);
  g_assert_no_error (error);
  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, json_array_get_length (expected));
  for (guint i = 0; i < json_array_get_length (expected); i++)
    {
      JsonObject *customer = json_array_get_object_element (expected, i);

      assert_customer (find_row (rows, json_object_get_string_member (customer, "id")), customer);
    }
}

/* The vendor's empty answer is a successful poll of no records, in one
 * request. */
static void
test_preset_empty (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *db = vigil_test_book_location (&f->dir, "vigil.db");
  g_auto(TestRun) poll = { 0 };

  f->empty = TRUE;
  add_and_poll (f, db, &poll);
  assert_no_refusal (f);
  g_assert_cmpint (poll.status, ==, 0);
  g_assert_nonnull (strstr (poll.out, "vendor: 0 read, 0 stored"));
  g_assert_cmpuint (f->requests->len, ==, 1);
}

/* The module ---------------------------------------------------------------- */

/* Every shipped preset reads, documents each native field as filled or
 * not (and why), and says how to authenticate. */
static void
test_presets_all_load (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) presets = vigil_preset_list_all (&error);

  g_assert_no_error (error);
  g_assert_cmpuint (presets->len, ==, G_N_ELEMENTS (preset_names));
  for (guint i = 0; i < presets->len; i++)
    {
      VigilPreset *preset = g_ptr_array_index (presets, i);
      g_auto(GStrv) fills = vigil_preset_get_fills (preset);
      g_autofree char *auth = vigil_preset_describe_auth (preset);

      g_assert_cmpstr (vigil_preset_get_name (preset), ==, preset_names[i]);
      g_assert_true (g_str_has_prefix (vigil_preset_get_url (preset), "https://"));
      g_assert_true (g_strv_contains ((const char * const *) fills, "id"));
      g_assert_true (g_strv_contains ((const char * const *) fills, "name"));
      for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
        if (field != VIGIL_FIELD_OBSERVED_AT)
          g_assert_cmpint (g_strv_contains ((const char * const *) fills, vigil_field_get_name (field)), !=,
                           vigil_preset_get_cannot_fill (preset, field) != NULL);
      g_assert_nonnull (auth);
    }
}

static void
test_presets_lookup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreset) missing = vigil_preset_lookup ("hubspot", &error);
  g_autoptr(VigilPreset) found = NULL;
  g_autofree char *auth = NULL;

  g_assert_null (missing);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“hubspot”"));
  g_assert_nonnull (strstr (error->message, "hubspot-companies, intercom-companies"));
  g_clear_error (&error);

  found = vigil_preset_lookup ("hubspot-companies", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vigil_preset_get_cannot_fill (found, VIGIL_FIELD_MRR), ==, "custom");
  g_assert_null (vigil_preset_get_cannot_fill (found, VIGIL_FIELD_NAME));
  g_assert_cmpstr (vigil_preset_get_usual_pointer (found, VIGIL_FIELD_MRR), ==, "/properties/mrr");
  g_assert_cmpstr (vigil_preset_get_auth_scheme (found), ==, "bearer");
  auth = vigil_preset_describe_auth (found);
  g_assert_cmpstr (auth, ==, "a bearer token, given with --ask-token (kept in the keyring) or --token-env VAR: "
                             "the access token of a HubSpot private app; it needs crm.objects.companies.read");
}

/* --field adds a field, replaces one, keeps the rest; bad ones are
 * named. */
static void
test_presets_override_fields (void)
{
  static const char mapping[] = "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"mrr\": \"/mrr\"}}";
  const char * const fields[] = { "mrr=/billing/mrr", "name={\"pointer\": \"/title\"}", "plan=/plan", NULL };
  const char * const bad_name[] = { "monthly=/x", NULL };
  const char * const bad_pointer[] = { "mrr=properties/mrr", NULL };
  const char * const bad_json[] = { "mrr={\"pointer\": ", NULL };
  const char * const no_equals[] = { "mrr", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *changed = vigil_mapping_override_fields (mapping, -1, fields, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *mapped;

  g_assert_no_error (error);
  json_parser_load_from_data (parser, changed, -1, &error);
  g_assert_no_error (error);
  mapped = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "fields");
  g_assert_cmpstr (json_object_get_string_member (mapped, "id"), ==, "/id");
  g_assert_cmpstr (json_object_get_string_member (mapped, "mrr"), ==, "/billing/mrr");
  g_assert_cmpstr (json_object_get_string_member (mapped, "plan"), ==, "/plan");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (mapped, "name"), "pointer"), ==,
                   "/title");

  g_assert_null (vigil_mapping_override_fields (mapping, -1, bad_name, &error));
  g_assert_nonnull (strstr (error->message, "“monthly” is not a field Vigil knows"));
  g_clear_error (&error);
  g_assert_null (vigil_mapping_override_fields (mapping, -1, bad_pointer, &error));
  g_assert_nonnull (strstr (error->message, "--field mrr: “properties/mrr” is not a JSON Pointer"));
  g_clear_error (&error);
  g_assert_null (vigil_mapping_override_fields (mapping, -1, bad_json, &error));
  g_assert_nonnull (strstr (error->message, "--field mrr: not JSON"));
  g_clear_error (&error);
  g_assert_null (vigil_mapping_override_fields (mapping, -1, no_equals, &error));
  g_assert_nonnull (strstr (error->message, "NAME=/pointer"));
  g_clear_error (&error);
  g_assert_null (vigil_mapping_override_fields ("[1]", -1, fields, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
}

/* A field added under the properties a vendor answers only when asked
 * is asked for: HubSpot's properties list, Salesforce's SELECT. */
static void
test_presets_select (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreset) hubspot = vigil_preset_lookup ("hubspot-companies", &error);
  g_autoptr(VigilPreset) salesforce = vigil_preset_lookup ("salesforce-accounts", &error);
  const char * const mrr[] = { "mrr=/properties/mrr", "name=/properties/name", "plan=/plan", NULL };
  const char * const soql[] = { "mrr=/MRR__c", "owner=/owner/name", "plan=/Plan__c", NULL };
  const char * const bad_soql[] = { "mrr=/MRR__c) FROM User --", NULL };
  g_autofree char *url = NULL;
  g_autofree char *mapping = NULL;
  g_autofree char *properties = NULL;
  g_autofree char *q = NULL;

  g_assert_no_error (error);
  g_assert_true (vigil_preset_configure (hubspot, NULL, mrr, &url, &mapping, &error));
  g_assert_no_error (error);
  properties = vigil_url_get_query_param (url, "properties");
  /* name was listed already; /plan is not a property */
  g_assert_cmpstr (properties, ==, "name,domain,industry,notes_last_updated,mrr");
  g_assert_true (g_str_has_prefix (url, "https://api.hubapi.com/crm/v3/objects/companies?limit=100&"));
  g_clear_pointer (&url, g_free);
  g_clear_pointer (&mapping, g_free);

  g_assert_true (vigil_preset_configure (salesforce, "https://acme.my.salesforce.com", soql, &url, &mapping,
                                         &error));
  g_assert_no_error (error);
  q = vigil_url_get_query_param (url, "q");
  /* Owner.Name is there already, in SOQL's any case */
  g_assert_cmpstr (q, ==, "SELECT Id,Name,Industry,Owner.Name,LastActivityDate,MRR__c,Plan__c FROM Account");
  g_assert_true (g_str_has_prefix (url, "https://acme.my.salesforce.com/services/data/v61.0/query?q="));
  g_clear_pointer (&url, g_free);
  g_clear_pointer (&mapping, g_free);

  g_assert_false (vigil_preset_configure (salesforce, "https://acme.my.salesforce.com", bad_soql, &url, &mapping,
                                          &error));
  g_assert_nonnull (strstr (error->message, "is not a Salesforce field name"));
  g_assert_null (url);
}

/* The URL: the vendor's when none is given, the one given otherwise; a
 * host alone takes the vendor's path and query; a vendor address that
 * is the user's own (a subdomain) must be given. */
static void
test_presets_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPreset) hubspot = vigil_preset_lookup ("hubspot-companies", &error);
  g_autoptr(VigilPreset) salesforce = vigil_preset_lookup ("salesforce-accounts", &error);
  static const struct
  {
    const char *given;
    const char *url;
  } cases[] = {
    { NULL, "https://api.hubapi.com/crm/v3/objects/companies?limit=100&properties=name,domain,industry,"
            "notes_last_updated" },
    { "http://127.0.0.1:8080/", "http://127.0.0.1:8080/crm/v3/objects/companies?limit=100&properties=name,"
                                "domain,industry,notes_last_updated" },
    { "https://eu1.hubapi.example", "https://eu1.hubapi.example/crm/v3/objects/companies?limit=100&properties=name,"
                                    "domain,industry,notes_last_updated" },
    { "http://127.0.0.1:8080/companies?x=1", "http://127.0.0.1:8080/companies?x=1" },
    { "http://127.0.0.1:8080/?x=1", "http://127.0.0.1:8080/?x=1" },
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = NULL;
      g_autofree char *mapping = NULL;

      g_assert_true (vigil_preset_configure (hubspot, cases[i].given, NULL, &url, &mapping, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, cases[i].url);
    }

  {
    g_autofree char *url = NULL;
    g_autofree char *mapping = NULL;

    g_assert_false (vigil_preset_configure (salesforce, NULL, NULL, &url, &mapping, &error));
    g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "the preset salesforce-accounts needs your own address, such as "
                                              "https://{instance}.my.salesforce.com/"));
  }
}

/* The command line ---------------------------------------------------------- */

static void
test_cli_presets (void)
{
  g_auto(TestRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  test_run_vigil (&run, "presets");
  g_assert_cmpint (run.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (preset_names); i++)
    g_assert_nonnull (strstr (run.out, preset_names[i]));
  g_assert_nonnull (strstr (run.out, "PRESET"));

  test_run_vigil (&run, "presets", "--format", "json");
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (preset_names));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *preset = json_array_get_object_element (array, i);

      g_assert_cmpstr (json_object_get_string_member (preset, "name"), ==, preset_names[i]);
      g_assert_true (json_object_has_member (preset, "fills"));
      g_assert_true (json_object_has_member (preset, "cannot_fill"));
      g_assert_true (json_object_has_member (preset, "usually_adds"));
      g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (preset, "auth"), "how"));
      g_assert_true (json_object_has_member (json_object_get_object_member (preset, "mapping"), "records"));
    }

  test_run_vigil (&run, "presets", "stripe-subscriptions");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "stripe-subscriptions: Stripe"));
  g_assert_nonnull (strstr (run.out, "Fills: id, keys, name, mrr\n"));
  g_assert_nonnull (strstr (run.out, "    last_active    only the product knows its own usage"));
  g_assert_nonnull (strstr (run.out, "Usually added: --field segment=/customer/metadata/segment"));

  test_run_vigil (&run, "presets", "pipedrive-organizations", "--format", "json");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "\"scheme\" : \"query\""));
  g_assert_nonnull (strstr (run.out, "--query-secret api_token"));

  test_run_vigil (&run, "presets", "nope");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "No preset named “nope”"));
  test_run_vigil (&run, "presets", "--format", "csv");
  g_assert_cmpint (run.status, ==, 2);
}

/* source add with a preset: usage mistakes, and a preset that needs
 * the user's address. */
static void
test_cli_source_add_preset (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_autofree char *mapping = NULL;
  g_auto(TestRun) run = { 0 };

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  mapping = test_dir_write (&dir, "m.json", "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"}}", -1);

  test_run_vigil (&run, "--db", db, "source", "add", "crm", "--preset", "salesforce-accounts");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "needs your own address"));
  test_run_vigil (&run, "--db", db, "source", "add", "crm", "https://x.example", "--preset", "hubspot-companies",
                  "--mapping", mapping);
  g_assert_cmpint (run.status, ==, 2);
  test_run_vigil (&run, "--db", db, "source", "add", "crm", "https://x.example/usage", "--field", "mrr=/m");
  g_assert_cmpint (run.status, ==, 2);
  test_run_vigil (&run, "--db", db, "source", "add", "crm", "--preset", "hubspot-companies", "--field", "mrr");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "--field takes NAME=/pointer"));
  test_run_vigil (&run, "--db", db, "source", "list");
  g_assert_nonnull (strstr (run.out, "No sources yet"));

  /* --field with a mapping file: added to the stored mapping. */
  test_run_vigil (&run, "--db", db, "source", "add", "usage", "https://x.example/usage", "--mapping", mapping,
                  "--field", "mrr=/billing/mrr");
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(VigilStore) store = vigil_store_open (db, &error);
    g_autoptr(VigilSource) source = vigil_store_get_source (store, "usage", &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (source->mapping, "\"mrr\" : \"/billing/mrr\""));
  }

  /* The vendor's URL when none is given. */
  test_run_vigil (&run, "--db", db, "source", "add", "hubspot", "--preset", "hubspot-companies");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Added source “hubspot”: https://api.hubapi.com/crm/v3/objects/companies?"));
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/presets/all-load", test_presets_all_load);
  g_test_add_func ("/core/presets/lookup", test_presets_lookup);
  g_test_add_func ("/core/presets/override-fields", test_presets_override_fields);
  g_test_add_func ("/core/presets/select", test_presets_select);
  g_test_add_func ("/core/presets/url", test_presets_url);
  g_test_add_func ("/cli/presets/list", test_cli_presets);
  g_test_add_func ("/cli/presets/source-add", test_cli_source_add_preset);
  for (guint i = 0; i < G_N_ELEMENTS (preset_names); i++)
    {
      g_autofree char *poll = g_strdup_printf ("/cli/presets/%s/pages", preset_names[i]);
      g_autofree char *empty = g_strdup_printf ("/cli/presets/%s/empty", preset_names[i]);

      g_test_add (poll, Fixture, preset_names[i], fixture_setup, test_preset_poll, fixture_teardown);
      g_test_add (empty, Fixture, preset_names[i], fixture_setup, test_preset_empty, fixture_teardown);
    }

  return g_test_run ();
}
