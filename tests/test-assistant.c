/* test-assistant.c: adding a source in the window by clicking (run under
 * xvfb-run and run-with-keyring.sh)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The assistant of design 5 driven as a person drives it: rows activated,
 * fields typed, buttons clicked, a value's menu opened and one of its
 * items chosen (the item's own action and target, as a click sends
 * them), against a loopback server answering a CRM-like list. What it
 * saves is read back from the database, the keyring and the polled
 * customers.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-application.h"
#include "vigil-source-assistant.h"
#include "vigil-source-dialog.h"
#include "vigil-test-server.h"
#include "vigil-test-widgets.h"
#include "vigil-test-util.h"
#include "vigil-window-private.h"

#define TOKEN "crm-token-7f3a9c2e51"

/* Two pages of a CRM's companies: its own names, the owner in an
 * object, money in cents, a nested usage count, times written month
 * first, a next link. Only with the token. */
#define CRM_PAGE_1 \
  "{\"results\": {\"items\": [" \
  "  {\"id\": 512, \"company_name\": \"Acme Corp\", \"owner\": {\"name\": \"Dana Park\"}, \"amount\": 420050," \
  "   \"usage\": {\"calls\": 3200}, \"last_login\": \"05/03/2026 14:23\", \"tier\": \"enterprise\"}," \
  "  {\"id\": 513, \"company_name\": \"Initech\", \"owner\": {\"name\": \"Sam Lee\"}, \"amount\": 99900," \
  "   \"usage\": {\"calls\": 12}, \"last_login\": \"11/20/2026 08:00\", \"tier\": \"starter\"}]}," \
  " \"links\": {\"next\": \"/crm?page=2\"}}"
#define CRM_PAGE_2 \
  "{\"results\": {\"items\": [" \
  "  {\"id\": 514, \"company_name\": \"Umbrella\", \"owner\": {\"name\": \"Dana Park\"}, \"amount\": 15000," \
  "   \"usage\": {\"calls\": 0}, \"last_login\": \"11/01/2026 09:30\", \"tier\": \"starter\"}]}," \
  " \"links\": {}}"

/* The mapping those clicks make. */
#define CRM_MAPPING \
  "{\"records\": \"/results/items\"," \
  " \"fields\": {\"id\": \"/id\", \"name\": \"/company_name\", \"plan\": \"/tier\"," \
  "   \"owner\": \"/owner/name\", \"mrr\": {\"pointer\": \"/amount\", \"scale\": 0.01}," \
  "   \"last_active\": {\"pointer\": \"/last_login\", \"time\": \"%m/%d/%Y %H:%M\"}," \
  "   \"api_calls_7d\": \"/usage/calls\"}," \
  " \"pagination\": {\"style\": \"next-url\", \"pointer\": \"/links/next\"}}"

/* The customers under a list that is not the first list of objects. */
#define NESTED_PAGE \
  "{\"facets\": [{\"name\": \"region\", \"count\": 2}]," \
  " \"data\": {\"accounts\": [{\"key\": \"n1\", \"title\": \"Northwind\"}, {\"key\": \"n2\", \"title\": \"Contoso\"}]}}"

typedef struct
{
  char            *db;
  VigilWindow     *window;
  VigilPortfolio  *portfolio;
  SoupServer      *server;
  char            *base;
  guint            unauthorized;
} Fixture;

static gboolean
is_loaded (gpointer data)
{
  return vigil_portfolio_is_loaded (data);
}

static gboolean
is_done_polling (gpointer data)
{
  return vigil_portfolio_is_loaded (data) && !vigil_portfolio_is_polling (data);
}

/* A preset's recorded answer (tests/data/presets), {{base}} in it this
 * server's address. */
static void
serve_fixture (Fixture           *f,
               SoupServerMessage *msg,
               const char        *preset,
               const char        *file)
{
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "presets", preset, file, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *body = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (fixture, &contents, NULL, &error);
  g_assert_no_error (error);
  parts = g_strsplit (contents, "{{base}}", -1);
  body = g_strjoinv (f->base, parts);
  test_server_respond (msg, 200, "application/json", body);
}

/* Zendesk's organizations as the preset's recorded fixture has them
 * (tests/data/presets), with HTTP basic authentication. */
#define ZENDESK_USER "dana@acme.example/token"
#define ZENDESK_KEY "zd-api-token-5be0c1"

static void
serve_zendesk (Fixture           *f,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  g_autofree char *expected = NULL;
  g_autofree char *encoded = g_base64_encode ((const guchar *) ZENDESK_USER ":" ZENDESK_KEY,
                                              strlen (ZENDESK_USER ":" ZENDESK_KEY));
  const char *after = query != NULL ? g_hash_table_lookup (query, "page[after]") : NULL;
  const char *file = "page-1.json";

  expected = g_strconcat ("Basic ", encoded, NULL);
  if (g_strcmp0 (authorization, expected) != 0)
    {
      f->unauthorized++;
      test_server_respond (msg, 401, "application/json", "{\"error\": \"Couldn't authenticate you\"}");
      return;
    }
  if (g_strcmp0 (after, "eyJvIjoibmljZV9pZCIsInYiOiJhUUlBQUFBQUFBQUEifQ==") == 0)
    file = "page-2.json";
  else if (g_strcmp0 (after, "eyJvIjoibmljZV9pZCIsInYiOiJhUVFBQUFBQUFBQUEifQ==") == 0)
    file = "page-3.json";
  else if (after != NULL || !g_str_equal (path, "/api/v2/organizations"))
    {
      test_server_respond (msg, 404, "application/json", "{}");
      return;
    }
  serve_fixture (f, msg, "zendesk-organizations", file);
}

/* Pipedrive's organizations, which want the API token as a query
 * parameter, three pages by offset. */
#define PIPEDRIVE_KEY "pd-api-token-93c1e7"

static void
serve_pipedrive (Fixture           *f,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  const char *key = query != NULL ? g_hash_table_lookup (query, "api_token") : NULL;
  const char *start = query != NULL ? g_hash_table_lookup (query, "start") : NULL;
  const char *file = NULL;

  if (g_strcmp0 (key, PIPEDRIVE_KEY) != 0)
    {
      f->unauthorized++;
      test_server_respond (msg, 401, "application/json", "{\"success\": false, \"error\": \"unauthorized access\"}");
      return;
    }
  if (start == NULL || g_str_equal (start, "0"))
    file = "page-1.json";
  else if (g_str_equal (start, "100"))
    file = "page-2.json";
  else if (g_str_equal (start, "200"))
    file = "page-3.json";
  if (file == NULL)
    test_server_respond (msg, 404, "application/json", "{}");
  else
    serve_fixture (f, msg, "pipedrive-organizations", file);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  const char *page = query != NULL ? g_hash_table_lookup (query, "page") : NULL;

  if (g_str_has_prefix (path, "/api/v2/organizations"))
    {
      serve_zendesk (f, msg, path, query);
      return;
    }
  if (g_str_equal (path, "/v1/organizations"))
    {
      serve_pipedrive (f, msg, query);
      return;
    }
  if (g_str_equal (path, "/nested"))
    test_server_respond (msg, 200, "application/json", NESTED_PAGE);
  else if (g_str_equal (path, "/login"))
    test_server_respond (msg, 200, "text/html", "<!doctype html><title>Sign in</title>");
  else if (g_strcmp0 (authorization, "Bearer " TOKEN) != 0)
    {
      f->unauthorized++;
      test_server_respond (msg, 401, "application/json", "{\"message\": \"authentication required\"}");
    }
  else if (g_str_equal (path, "/crm"))
    test_server_respond (msg, 200, "application/json", g_strcmp0 (page, "2") == 0 ? CRM_PAGE_2 : CRM_PAGE_1);
  else
    test_server_respond (msg, 404, "application/json", "{}");
}

/* One database and one application for the suite (an application is
 * registered on the bus once); each test has a window of its own. */
static TestDir suite_dir;
static char *suite_db;
static VigilApplication *suite_app;

static void
suite_setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;

  test_dir_init (&suite_dir);
  suite_db = test_dir_file (&suite_dir, "vigil.db");
  store = vigil_store_open (suite_db, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  suite_app = vigil_application_new (suite_db, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (suite_app), NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->db = g_strdup (suite_db);
  f->server = test_server_new (handler, f, &f->base);
  f->window = vigil_window_new (suite_app);
  f->portfolio = vigil_window_get_portfolio (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (wait_for (is_loaded, f->portfolio));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  test_server_clear (&f->server);
  g_free (f->base);
  g_free (f->db);
}

/* Widgets ------------------------------------------------------------------- */

static gboolean
is_named (GtkWidget  *widget,
          const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0 && gtk_widget_get_mapped (widget);
}

static gboolean
is_named_anywhere (GtkWidget  *widget,
                   const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static GtkWidget *
find_named (gpointer    root,
            const char *name)
{
  return find_widget (GTK_WIDGET (root), is_named, name);
}

typedef struct
{
  GtkWidget  *root;
  const char *name;
} Lookup;

static gboolean
named_is_shown (gpointer data)
{
  Lookup *lookup = data;

  return find_widget (lookup->root, is_named, lookup->name) != NULL;
}

static GtkWidget *
wait_for_named (gpointer    root,
                const char *name)
{
  Lookup lookup = { GTK_WIDGET (root), name };

  g_assert_true (wait_for (named_is_shown, &lookup));
  return find_named (root, name);
}

static gboolean
is_idle (gpointer data)
{
  return !vigil_source_assistant_is_busy (data);
}

static gboolean
is_stack (GtkWidget  *widget,
          const char *unused)
{
  return GTK_IS_STACK (widget);
}

static const char *
page_of (VigilSourceAssistant *assistant)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (find_widget (GTK_WIDGET (assistant), is_stack, NULL)));
}

static void
type_into (VigilSourceAssistant *assistant,
           const char           *row,
           const char           *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (assistant), is_named_anywhere, row)), text);
}

/* A click on the header bar's main button (Test, Save), once it may be
 * clicked, and the wait for what it started. */
static void
click_primary (VigilSourceAssistant *assistant)
{
  GtkWidget *button = find_named (assistant, "primary");

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (wait_for (is_idle, assistant));
}

/* The item labelled @label in @menu or its sections: its action and
 * target. */
static gboolean
find_menu_item (GMenuModel  *menu,
                const char  *label,
                char       **out_action,
                GVariant   **out_target)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *item_label = NULL;

      if (section != NULL)
        {
          if (find_menu_item (section, label, out_action, out_target))
            return TRUE;
          continue;
        }
      g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &item_label);
      if (g_strcmp0 (item_label, label) != 0)
        continue;
      g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", out_action);
      *out_target = g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET, NULL);
      return TRUE;
    }
  return FALSE;
}

/* Opens the menu of the value at @pointer and chooses the item labelled
 * @label: its action with its target, as a click on it sends them. */
static void
choose_in_menu (VigilSourceAssistant *assistant,
                const char           *pointer,
                const char           *label)
{
  GtkWidget *button = wait_for_named (assistant, pointer);
  g_autofree char *action = NULL;
  g_autoptr(GVariant) target = NULL;
  GMenuModel *menu;

  g_assert_true (GTK_IS_MENU_BUTTON (button));
  g_assert_true (gtk_widget_get_sensitive (button));
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_nonnull (menu);
  if (!find_menu_item (menu, label, &action, &target))
    g_error ("no “%s” in the menu of %s", label, pointer);
  /* The menu opens, closes on the click, and the item acts. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  g_assert_true (gtk_widget_activate_action_variant (button, action, target));
  g_assert_true (wait_for (is_idle, assistant));
}

static char *
badge_of (VigilSourceAssistant *assistant,
          const char           *pointer)
{
  GtkWidget *button = wait_for_named (assistant, pointer);
  GtkWidget *content = gtk_menu_button_get_child (GTK_MENU_BUTTON (button));
  GtkWidget *badge = gtk_widget_get_last_child (content);

  return gtk_widget_get_visible (badge) ? g_strdup (gtk_label_get_text (GTK_LABEL (badge))) : NULL;
}

static void
assert_same_json (const char *actual,
                  const char *expected)
{
  g_autoptr(JsonNode) a = json_from_string (actual, NULL);
  g_autoptr(JsonNode) b = json_from_string (expected, NULL);

  g_test_message ("mapping: %s", actual);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (json_node_equal (a, b));
}

static void
poll_finished_cb (VigilPortfolio *portfolio,
                  const char     *name,
                  gboolean        ok,
                  const char     *message,
                  int            *outcome)
{
  if (g_strcmp0 (name, "crm") == 0)
    *outcome = ok ? 1 : -1;
}

static gboolean
is_nonzero (gpointer data)
{
  return *(int *) data != 0;
}

static VigilCustomer *
customer_named (VigilPortfolio *portfolio,
                const char     *name)
{
  GListModel *customers = vigil_portfolio_get_customers (portfolio);

  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);

      if (g_strcmp0 (vigil_customer_get_name (customer), name) == 0)
        return customer;
    }
  return NULL;
}

static gboolean
has_northwind (gpointer data)
{
  return customer_named (data, "Northwind Traders") != NULL;
}

/* The header bar's main button, which says @label, clicked; nothing to
 * wait for but the click. */
static void
click_primary_named (VigilSourceAssistant *assistant,
                     const char           *label)
{
  GtkWidget *button = find_named (assistant, "primary");
  g_autofree char *plain = NULL;

  g_assert_true (gtk_widget_get_sensitive (button));
  plain = g_strdup (gtk_button_get_label (GTK_BUTTON (button)));
  g_assert_cmpstr (g_strdelimit (plain, "_", ' ') + (plain[0] == ' '), ==, label);
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
has_three_customers (gpointer data)
{
  return g_list_model_get_n_items (vigil_portfolio_get_customers (data)) == 3;
}

/* Tests --------------------------------------------------------------------- */

/* A CRM's list added by a person who never saw a JSON Pointer: Any JSON
 * Endpoint, its address, Test (refused without the token, said in
 * words), the token, Test; the guessed fields shown on the first record;
 * three more clicks; Save. The source is stored with the mapping built,
 * the token in the keyring and not in the database, and its poll brings
 * every customer of both pages with the fields clicked. */
static void
test_assistant_any_json (Fixture       *f,
                         gconstpointer  data)
{
  VigilSourceAssistant *assistant = vigil_source_assistant_new (GTK_WINDOW (f->window), f->portfolio);
  g_autofree char *url = g_strconcat (f->base, "/crm", NULL);
  g_autofree char *badge = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  GtkWidget *error_label;
  VigilCustomer *acme;
  int outcome = 0;

  gtk_window_present (GTK_WINDOW (assistant));
  g_assert_cmpstr (page_of (assistant), ==, "kind");

  g_signal_emit_by_name (wait_for_named (assistant, "any-json"), "activate");
  g_assert_cmpstr (page_of (assistant), ==, "connect");
  g_assert_false (gtk_widget_get_sensitive (find_named (assistant, "primary")));
  type_into (assistant, "url", url);

  /* Without the token: refused, and the window says what to check. */
  click_primary (assistant);
  g_assert_cmpstr (page_of (assistant), ==, "connect");
  g_assert_cmpuint (f->unauthorized, ==, 1);
  error_label = find_named (assistant, "error");
  g_assert_nonnull (error_label);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "did not accept the token (HTTP 401)"));
  /* The name was taken from the address. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_named (assistant, "name"))), ==, "127.0.0.1");
  type_into (assistant, "name", "crm");
  type_into (assistant, "token", TOKEN);
  click_primary (assistant);
  g_assert_cmpstr (page_of (assistant), ==, "map");
  g_assert_false (gtk_widget_get_visible (find_widget (GTK_WIDGET (assistant), is_named_anywhere, "error")));

  /* What was guessed is on the first record, in words: the login time
   * read day first, which the second record's 11/20 cannot be. */
  badge = badge_of (assistant, "/company_name");
  g_assert_cmpstr (badge, ==, "Name");
  g_clear_pointer (&badge, g_free);
  badge = badge_of (assistant, "/owner/name");
  g_assert_cmpstr (badge, ==, "Owner");
  g_clear_pointer (&badge, g_free);
  badge = badge_of (assistant, "/last_login");
  g_assert_cmpstr (badge, ==, "Last active (DD/MM/YYYY hh:mm)");
  g_clear_pointer (&badge, g_free);
  badge = badge_of (assistant, "/amount");
  g_assert_null (badge);
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "2026-03-05T14:23:00Z"));

  /* Four clicks: the amount is MRR in cents, the login month first, the
   * calls and the tier what they are. */
  choose_in_menu (assistant, "/amount", "MRR, from cents (× 0.01)");
  choose_in_menu (assistant, "/last_login", "Last active, read as 2026-05-03T14:23:00Z");
  choose_in_menu (assistant, "/usage/calls", "API calls in 7 days");
  choose_in_menu (assistant, "/tier", "Plan");
  badge = badge_of (assistant, "/amount");
  g_assert_cmpstr (badge, ==, "MRR, from cents (× 0.01)");
  /* The preview follows: the first record as Vigil will store it. */
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "4200.50"));
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "2026-05-03T14:23:00Z"));
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "enterprise"));
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "not filled from this source"));
  assert_same_json (vigil_source_assistant_get_mapping (assistant), CRM_MAPPING);

  /* Back and tested again: what was clicked stays. */
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.back", NULL);
  g_assert_cmpstr (page_of (assistant), ==, "connect");
  click_primary (assistant);
  g_assert_cmpstr (page_of (assistant), ==, "map");
  g_clear_pointer (&badge, g_free);
  badge = badge_of (assistant, "/amount");
  g_assert_cmpstr (badge, ==, "MRR, from cents (× 0.01)");
  assert_same_json (vigil_source_assistant_get_mapping (assistant), CRM_MAPPING);

  /* Save: stored, the token to the keyring, polled. */
  g_signal_connect (f->portfolio, "poll-finished", G_CALLBACK (poll_finished_cb), &outcome);
  g_object_add_weak_pointer (G_OBJECT (assistant), (gpointer *) &assistant);
  g_signal_emit_by_name (find_named (assistant, "primary"), "clicked");
  g_assert_true (wait_for (is_nonzero, &outcome));
  g_signal_handlers_disconnect_by_func (f->portfolio, poll_finished_cb, &outcome);
  g_assert_cmpint (outcome, ==, 1);
  g_assert_null (assistant);

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  saved = vigil_store_get_source (store, "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved->url, ==, url);
  g_assert_true (saved->keyring_token);
  g_assert_true (saved->last_ok);
  assert_same_json (saved->mapping, CRM_MAPPING);
  secret = vigil_secrets_lookup (f->db, "crm", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, TOKEN);
  {
    g_autoptr(GBytes) database = test_read_bytes (f->db);

    g_assert_null (g_strstr_len (g_bytes_get_data (database, NULL), g_bytes_get_size (database), TOKEN));
  }

  g_assert_true (wait_for (has_three_customers, f->portfolio));
  acme = customer_named (f->portfolio, "Acme Corp");
  g_assert_nonnull (acme);
  g_assert_cmpfloat (vigil_customer_get_mrr (acme), ==, 4200.5);
  g_assert_cmpstr (vigil_customer_get_plan (acme), ==, "enterprise");
  g_assert_cmpint (vigil_customer_get_last_active (acme), ==, 1777818180);
  g_assert_cmpint (vigil_customer_get_last_active (customer_named (f->portfolio, "Initech")), ==, 1795161600);
  g_assert_cmpfloat (vigil_customer_get_mrr (customer_named (f->portfolio, "Umbrella")), ==, 150);
  vigil_secrets_clear (f->db, "crm", NULL, NULL);
}

/* The first list of objects is not the customers: Change… shows the
 * whole page, a click on the right list makes it the records, and the
 * first customer and its preview follow. */
static void
test_assistant_choose_records (Fixture       *f,
                               gconstpointer  data)
{
  VigilSourceAssistant *assistant = vigil_source_assistant_new (GTK_WINDOW (f->window), f->portfolio);
  g_autofree char *url = g_strconcat (f->base, "/nested", NULL);
  g_autofree char *badge = NULL;
  GtkWidget *change;

  gtk_window_present (GTK_WINDOW (assistant));
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.choose", "s", "json");
  type_into (assistant, "url", url);
  type_into (assistant, "name", "nested");
  click_primary (assistant);
  g_assert_cmpstr (page_of (assistant), ==, "map");

  /* The facets were taken for the customers, and have no id. */
  wait_for_named (assistant, "/count");
  g_assert_null (vigil_source_assistant_get_mapping (assistant));
  g_assert_false (gtk_widget_get_sensitive (find_named (assistant, "primary")));

  change = find_named (assistant, "choose-records");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (change), TRUE);
  badge = badge_of (assistant, "/facets");
  g_assert_cmpstr (badge, ==, "the customers");
  choose_in_menu (assistant, "/data/accounts", "These Are the Customers");
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (change)));

  /* Now one of the accounts: "key" names it, "title" is its name. */
  choose_in_menu (assistant, "/key", "Id");
  choose_in_menu (assistant, "/title", "Name");
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "Northwind"));
  assert_same_json (vigil_source_assistant_get_mapping (assistant),
                    "{\"records\": \"/data/accounts\", \"fields\": {\"id\": \"/key\", \"name\": \"/title\"}}");
  g_assert_true (gtk_widget_get_sensitive (find_named (assistant, "primary")));
  gtk_window_destroy (GTK_WINDOW (assistant));
}

/* A web page where the API should be: said in words, and nothing
 * further until the address is right. */
static void
test_assistant_html (Fixture       *f,
                     gconstpointer  data)
{
  VigilSourceAssistant *assistant = vigil_source_assistant_new (GTK_WINDOW (f->window), f->portfolio);
  g_autofree char *url = g_strconcat (f->base, "/login", NULL);
  GtkWidget *error_label;

  gtk_window_present (GTK_WINDOW (assistant));
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.choose", "s", "json");
  type_into (assistant, "url", url);
  click_primary (assistant);
  g_assert_cmpstr (page_of (assistant), ==, "connect");
  error_label = find_named (assistant, "error");
  g_assert_nonnull (error_label);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (error_label)),
                                   "The answer is HTML, not JSON: is the URL an API address, not a web page?"));
  g_assert_null (vigil_source_assistant_get_preview (assistant));
  gtk_window_destroy (GTK_WINDOW (assistant));
}

static gboolean
has_eight_customers (gpointer data)
{
  return g_list_model_get_n_items (vigil_portfolio_get_customers (data)) == 8;
}

static void
zendesk_polled_cb (VigilPortfolio *portfolio,
                   const char     *name,
                   gboolean        ok,
                   const char     *message,
                   int            *outcome)
{
  if (g_strcmp0 (name, "zendesk") == 0)
    *outcome = ok ? 1 : -1;
}

/* A preset: Zendesk, which wants HTTP basic authentication of the
 * account's email and API token, on the account's own host. The rows
 * say so; a host alone takes the vendor's path; the MRR its users keep
 * in an organization field is one switch; the first records show what
 * the preset cannot fill and why. Saved, the header goes to the
 * keyring, and the poll brings every page. */
static void
test_assistant_preset (Fixture       *f,
                       gconstpointer  data)
{
  VigilSourceAssistant *assistant = vigil_source_assistant_new (GTK_WINDOW (f->window), f->portfolio);
  g_autofree char *expected_url = g_strconcat (f->base, "/api/v2/organizations?page%5Bsize%5D=100", NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) ZENDESK_USER ":" ZENDESK_KEY,
                                              strlen (ZENDESK_USER ":" ZENDESK_KEY));
  g_autofree char *header = g_strconcat ("Basic ", encoded, NULL);
  g_autofree char *secret = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) saved = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autoptr(GError) error = NULL;
  VigilCustomer *acme;
  int outcome = 0;

  gtk_window_present (GTK_WINDOW (assistant));
  g_signal_emit_by_name (wait_for_named (assistant, "preset-zendesk-organizations"), "activate");
  g_assert_cmpstr (page_of (assistant), ==, "connect");
  g_assert_true (g_str_has_prefix (gtk_editable_get_text (GTK_EDITABLE (find_named (assistant, "url"))),
                                   "https://{subdomain}.zendesk.com/"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_named (assistant, "name"))), ==, "zendesk");
  g_assert_true (gtk_widget_get_visible (find_named (assistant, "user")));

  type_into (assistant, "url", f->base);
  type_into (assistant, "user", ZENDESK_USER);
  type_into (assistant, "token", ZENDESK_KEY);
  gtk_switch_set_active (GTK_SWITCH (find_named (assistant, "usual-mrr")), TRUE);
  click_primary (assistant);
  g_assert_cmpstr (page_of (assistant), ==, "records");
  g_assert_cmpuint (f->unauthorized, ==, 0);
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "4200.00"));
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text,
                                 "the CRM knows owners, segments and renewals"));

  g_signal_connect (f->portfolio, "poll-finished", G_CALLBACK (zendesk_polled_cb), &outcome);
  g_object_add_weak_pointer (G_OBJECT (assistant), (gpointer *) &assistant);
  g_signal_emit_by_name (find_named (assistant, "primary"), "clicked");
  g_assert_true (wait_for (is_nonzero, &outcome));
  g_signal_handlers_disconnect_by_func (f->portfolio, zendesk_polled_cb, &outcome);
  g_assert_cmpint (outcome, ==, 1);
  g_assert_null (assistant);

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  saved = vigil_store_get_source (store, "zendesk", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved->url, ==, expected_url);
  g_assert_false (saved->keyring_token);
  g_assert_cmpstrv (saved->header_names, ((const char * const[]) { "Authorization", NULL }));
  mapping = vigil_mapping_new_from_data (saved->mapping, -1, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_mapping_fills_field (mapping, VIGIL_FIELD_MRR));
  secret = vigil_secrets_lookup (f->db, "zendesk", "Authorization", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, header);
  {
    g_autoptr(GBytes) database = test_read_bytes (f->db);

    g_assert_null (g_strstr_len (g_bytes_get_data (database, NULL), g_bytes_get_size (database), encoded));
    g_assert_null (g_strstr_len (g_bytes_get_data (database, NULL), g_bytes_get_size (database), ZENDESK_KEY));
  }

  /* Five organizations on three pages, beside the three of the CRM. */
  g_assert_true (wait_for (has_eight_customers, f->portfolio));
  acme = customer_named (f->portfolio, "Acme Corp");
  g_assert_nonnull (acme);
  g_assert_nonnull (customer_named (f->portfolio, "Globex"));
  g_assert_true (vigil_store_remove_source (store, "zendesk", TRUE, &error));
  vigil_secrets_clear (f->db, "zendesk", NULL, NULL);
}

/* A CRM export as a spreadsheet writes it (design 2.5): its own column
 * names, semicolons, decimal commas with thousands grouped, times day
 * first, and a column no field is for. */
#define CRM_EXPORT \
  "Account ID;Company name;Annual Revenue;Monthly Revenue;Last Activity Date;Account Owner\r\n" \
  "c-1;Northwind Traders;\"50.406,00\";4.200,50;05/03/2026 14:23;Dana Park\r\n" \
  "c-2;Contoso;11.988,00;999,00;25/03/2026 08:00;Sam Lee\r\n" \
  "c-3;Fabrikam;;;;\r\n"

static VigilSourceAssistant *
find_assistant (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (VIGIL_IS_SOURCE_ASSISTANT (window) && gtk_widget_get_visible (window))
        return VIGIL_SOURCE_ASSISTANT (window);
    }
  return NULL;
}

static gboolean
assistant_shows_columns (gpointer data)
{
  VigilSourceAssistant *assistant = find_assistant ();

  return assistant != NULL && !vigil_source_assistant_is_busy (assistant) &&
         g_strcmp0 (page_of (assistant), "columns") == 0;
}

static gboolean
toast_is (gpointer data)
{
  Fixture *f = data;

  return g_strcmp0 (_vigil_window_get_last_toast (f->window), "Imported 3 snapshots") == 0;
}

/* Importing a CSV file from the window: the assistant opens on its
 * columns, those whose names say what they are already chosen; the MRR
 * column is chosen by a click, its decimal commas read as such; the
 * import stores what the preview showed. */
static void
test_assistant_csv (Fixture       *f,
                    gconstpointer  data)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  VigilSourceAssistant *assistant;
  GtkWidget *button;
  VigilCustomer *northwind;

  test_dir_init (&dir);
  path = test_dir_write (&dir, "crm-export.csv", CRM_EXPORT, -1);
  file = g_file_new_for_path (path);
  _vigil_window_import_file (f->window, file);
  g_assert_true (wait_for (assistant_shows_columns, NULL));
  assistant = find_assistant ();
  g_object_add_weak_pointer (G_OBJECT (assistant), (gpointer *) &assistant);

  /* Guessed: the id, the name, the owner and the time, read day first;
   * the file's decimal comma seen. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_named (assistant, "csv-name"))), ==, "crm-export");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (find_named (assistant, "decimal"))), ==, 1);
  button = find_named (assistant, "column:Company name");
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), ==, "Name");
  button = find_named (assistant, "column:Last Activity Date");
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), ==, "Last active (DD/MM/YYYY hh:mm)");
  button = find_named (assistant, "column:Annual Revenue");
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), ==, "Not used");
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "2026-03-05T14:23:00Z"));

  choose_in_menu (assistant, "column:Monthly Revenue", "MRR");
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "4200.50"));
  assert_same_json (vigil_source_assistant_get_mapping (assistant),
                    "{\"fields\": {\"id\": \"Account ID\", \"name\": \"Company name\", \"owner\": \"Account Owner\","
                    "   \"mrr\": \"Monthly Revenue\","
                    "   \"last_active\": {\"column\": \"Last Activity Date\", \"time\": \"%d/%m/%Y %H:%M\"}},"
                    " \"delimiter\": \";\", \"decimal\": \",\"}");

  click_primary_named (assistant, "Import");
  g_assert_true (wait_for (toast_is, f));
  g_assert_null (assistant);
  g_assert_true (wait_for (has_northwind, f->portfolio));
  northwind = customer_named (f->portfolio, "Northwind Traders");
  g_assert_cmpfloat (vigil_customer_get_mrr (northwind), ==, 4200.5);
  g_assert_cmpstr (vigil_customer_get_owner (northwind), ==, "Dana Park");
  g_assert_cmpint (vigil_customer_get_last_active (northwind), ==, 1772720580);
  g_assert_true (isnan (vigil_customer_get_mrr (customer_named (f->portfolio, "Fabrikam"))));
  test_dir_clear (&dir);
}

static gboolean
has_organisation_203 (gpointer data)
{
  return customer_named (data, "Organisation 203") != NULL;
}

static void
pipedrive_polled_cb (VigilPortfolio *portfolio,
                     const char     *name,
                     gboolean        ok,
                     const char     *message,
                     int            *outcome)
{
  if (g_strcmp0 (name, "pipedrive") == 0)
    *outcome = ok ? 1 : -1;
}

/* A preset whose vendor wants the key in the query (Pipedrive): the row
 * says which parameter; the key goes with the test and every page, and
 * to the keyring, never into the stored URL or the database. */
static void
test_assistant_query_preset (Fixture       *f,
                             gconstpointer  data)
{
  VigilSourceAssistant *assistant = vigil_source_assistant_new (GTK_WINDOW (f->window), f->portfolio);
  g_autofree char *expected_url = g_strconcat (f->base, "/v1/organizations", NULL);
  g_autofree char *secret = NULL;
  g_autofree char *key = vigil_secrets_query_key ("api_token");
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) saved = NULL;
  g_autoptr(GError) error = NULL;
  int outcome = 0;

  gtk_window_present (GTK_WINDOW (assistant));
  g_signal_emit_by_name (wait_for_named (assistant, "preset-pipedrive-organizations"), "activate");
  g_assert_false (gtk_widget_get_visible (find_widget (GTK_WIDGET (assistant), is_named_anywhere, "user")));
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "Key (sent as the query parameter api_token)"));
  type_into (assistant, "url", f->base);
  type_into (assistant, "token", PIPEDRIVE_KEY);
  click_primary (assistant);
  g_assert_cmpstr (page_of (assistant), ==, "records");
  g_assert_cmpuint (f->unauthorized, ==, 0);
  g_assert_nonnull (find_widget (GTK_WIDGET (assistant), shows_text, "Organisation 1"));

  g_signal_connect (f->portfolio, "poll-finished", G_CALLBACK (pipedrive_polled_cb), &outcome);
  g_signal_emit_by_name (find_named (assistant, "primary"), "clicked");
  g_assert_true (wait_for (is_nonzero, &outcome));
  g_signal_handlers_disconnect_by_func (f->portfolio, pipedrive_polled_cb, &outcome);
  g_assert_cmpint (outcome, ==, 1);

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  saved = vigil_store_get_source (store, "pipedrive", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved->url, ==, expected_url);
  g_assert_cmpstrv (saved->query_secret_names, ((const char * const[]) { "api_token", NULL }));
  g_assert_false (saved->keyring_token);
  secret = vigil_secrets_lookup (f->db, "pipedrive", key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, PIPEDRIVE_KEY);
  {
    g_autoptr(GBytes) database = test_read_bytes (f->db);

    g_assert_null (g_strstr_len (g_bytes_get_data (database, NULL), g_bytes_get_size (database), PIPEDRIVE_KEY));
  }
  /* Three pages: the last organization is in. */
  g_assert_true (wait_for (has_organisation_203, f->portfolio));
  g_assert_true (vigil_store_remove_source (store, "pipedrive", TRUE, &error));
  vigil_secrets_clear (f->db, "pipedrive", NULL, NULL);
}

static void
added_cb (VigilSourceAssistant *assistant,
          const char           *name,
          char                **added)
{
  g_free (*added);
  *added = g_strdup (name);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static GtkWidget *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (VIGIL_IS_SOURCE_DIALOG (window) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

/* Every setting by hand: the full form takes over, what it adds is the
 * assistant's to tell, and closing it closes both. */
static void
test_assistant_by_hand (Fixture       *f,
                        gconstpointer  data)
{
  VigilSourceAssistant *assistant = vigil_source_assistant_new (GTK_WINDOW (f->window), f->portfolio);
  g_autofree char *url = g_strconcat (f->base, "/nested", NULL);
  g_autofree char *added = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) saved = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  g_signal_connect (assistant, "source-added", G_CALLBACK (added_cb), &added);
  g_object_add_weak_pointer (G_OBJECT (assistant), (gpointer *) &assistant);
  gtk_window_present (GTK_WINDOW (assistant));
  g_signal_emit_by_name (wait_for_named (assistant, "manual"), "activate");
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (assistant)));

  gtk_editable_set_text (GTK_EDITABLE (find_widget (dialog, is_named_anywhere, "name")), "by-hand");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (dialog, is_named_anywhere, "url")), url);
  g_signal_emit_by_name (find_widget (dialog, is_named_anywhere, "save"), "clicked");
  g_assert_true (wait_for (is_set, &added));
  g_assert_cmpstr (added, ==, "by-hand");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (find_dialog ());
  g_assert_null (assistant);
  /* The window polls the new source at once, in one transaction (design
   * 2.3); the server answering it runs on this thread, so this thread's
   * own write below waits for the poll to end rather than for the lock. */
  g_assert_true (wait_for (is_done_polling, f->portfolio));

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  saved = vigil_store_get_source (store, "by-hand", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved->url, ==, url);
  g_assert_null (saved->mapping);
  g_assert_false (saved->keyring_token);
  vigil_store_remove_source (store, "by-hand", TRUE, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("test-assistant needs a display: run it under xvfb-run\n");
      return 77;
    }
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/window/assistant/any-json", test_assistant_any_json);
  ADD ("/window/assistant/preset", test_assistant_preset);
  ADD ("/window/assistant/query-preset", test_assistant_query_preset);
  ADD ("/window/assistant/csv", test_assistant_csv);
  ADD ("/window/assistant/choose-records", test_assistant_choose_records);
  ADD ("/window/assistant/html", test_assistant_html);
  ADD ("/window/assistant/by-hand", test_assistant_by_hand);
#undef ADD

  suite_setup ();
  status = g_test_run ();
  vigil_secrets_clear (suite_db, "crm", NULL, NULL);
  g_clear_object (&suite_app);
  test_dir_clear (&suite_dir);
  g_free (suite_db);
  return status;
}
