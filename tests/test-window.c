/* test-window.c: the window on a real display (run under xvfb-run)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "vigil-core.h"
#include "vigil-demo.h"
#include "vigil-application.h"
#include "vigil-customer-page.h"
#include "vigil-filter-list.h"
#include "vigil-inbox-item.h"
#include "vigil-inbox-list.h"
#include "vigil-customer-section.h"
#include "vigil-format.h"
#include "vigil-merge-dialog.h"
#include "vigil-overview-page.h"
#include "vigil-preferences-window.h"
#include "vigil-source-dialog.h"
#include "vigil-timeline-section.h"
#include "vigil-table-header.h"
#include "vigil-table-row.h"
#include "vigil-text-cell.h"
#include "vigil-triggers-page.h"
#include "vigil-test-book.h"
#include "vigil-test-util.h"
#include "vigil-test-widgets.h"
#include "vigil-test-churn.h"
#include "vigil-window-private.h"

#define N_CUSTOMERS 150
/* 2026-11-20 12:00 UTC: the demo history ends here. */
#define NOW G_GINT64_CONSTANT (1795176000)

typedef struct
{
  char             *db;
  VigilWindow      *window;
  VigilPortfolio   *portfolio;
} Fixture;

static gboolean
is_loaded (gpointer data)
{
  return vigil_portfolio_is_loaded (data);
}

/* Loaded, with no read under way. */
static gboolean
is_settled_portfolio (gpointer data)
{
  return vigil_portfolio_is_loaded (data) && !vigil_portfolio_is_reading (data);
}

static gboolean
views_ready (gpointer data)
{
  return vigil_views_menu_is_ready (data);
}

/* The desktop's notification server (org.freedesktop.Notifications)
 * on the suite's private session bus: what the window sends arrives
 * here, as "summary\nbody". */
static GPtrArray *notifications;

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "<signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "<signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "</interface></node>";

static void
notifications_call_cb (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  if (g_str_equal (method_name, "Notify"))
    {
      const char *summary = NULL;
      const char *body = NULL;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (notifications, g_strdup_printf ("%s\n%s", summary, body));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", notifications->len));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new_parsed ("(@as ['body'],)"));
  else if (g_str_equal (method_name, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "test", "vigil", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
start_notification_server (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_call_cb, NULL, NULL, { 0 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusNodeInfo) info = NULL;
  gboolean acquired = FALSE;

  g_assert_no_error (error);
  notifications = g_ptr_array_new_with_free_func (g_free);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0], &vtable,
                                     NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                name_acquired_cb, NULL, &acquired, NULL);
  while (!acquired)
    g_main_context_iteration (NULL, TRUE);
}

/* One database and one application for the suite (an application can
 * be registered on the bus once); each test has a window of its own. */
static TestDir suite_dir;
static char *suite_db;
static char *suite_database;  /* on PostgreSQL: the suite's database */
static VigilApplication *suite_app;

static void
suite_setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDemo) demo = vigil_demo_new (20261120, N_CUSTOMERS);
  g_autoptr(VigilStore) store = NULL;

  test_dir_init (&suite_dir);
  /* On PostgreSQL, a database of the suite's own (the suite runs on
   * both engines: tests/meson.build). */
  suite_db = vigil_test_book_lasting (suite_dir.path, "vigil.db", &suite_database);
  store = vigil_demo_open_store (demo, suite_db, NOW, 60, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  start_notification_server ();
  suite_app = vigil_application_new (suite_db, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (suite_app), NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->db = g_strdup (suite_db);
  f->window = vigil_window_new (suite_app);
  f->portfolio = vigil_window_get_portfolio (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (wait_for (is_loaded, f->portfolio));
  /* The views are read after the book: a test that sets "I am" before
   * would see the window open on My Book (design 5). */
  g_assert_true (wait_for (views_ready, _vigil_window_get_views_menu (f->window)));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (f->db);
}

static gboolean
is_named (GtkWidget  *widget,
          const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static gboolean
has_tooltip (GtkWidget  *widget,
             const char *tooltip)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

/* A label, or a table row with a cell, showing @text. */
static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget))
    return g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
  if (VIGIL_IS_TABLE_ROW (widget))
    for (guint i = 0; i < vigil_table_row_get_n_columns (VIGIL_TABLE_ROW (widget)); i++)
      if (g_strcmp0 (vigil_table_row_get_text (VIGIL_TABLE_ROW (widget), i), text) == 0)
        return TRUE;
  return FALSE;
}

/* A label whose text begins with @prefix. */
static gboolean
shows_text_starting (GtkWidget  *widget,
                     const char *prefix)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

static gboolean
is_timeline_section (GtkWidget  *widget,
                     const char *unused)
{
  return VIGIL_IS_TIMELINE_SECTION (widget);
}

static gboolean
is_spinner (GtkWidget  *widget,
            const char *unused)
{
  /* A list keeps the rows it hid for the next customer (design 7). */
  return GTK_IS_SPINNER (widget) && gtk_widget_is_visible (widget);
}

static gboolean
is_button (GtkWidget  *widget,
           const char *unused)
{
  return GTK_IS_BUTTON (widget);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  return find_widget (root, is_named, name);
}

static VigilCustomer *
shown (VigilPortfolioView *view,
       guint               i)
{
  VigilCustomer *customer = g_list_model_get_item (vigil_portfolio_view_get_shown (view), i);

  g_object_unref (customer);  /* the model keeps it */
  return customer;
}

/* design 3.2: how many customers the book holds in @book. */
static guint
count_in_book (VigilPortfolio *portfolio,
               VigilBook       book)
{
  GListModel *all = vigil_portfolio_get_customers (portfolio);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(VigilCustomer) c = g_list_model_get_item (all, i);

      n += vigil_customer_in_book (c, book);
    }
  return n;
}

/* The first customer of the active book, in the store's order. */
static VigilCustomer *
first_active (VigilPortfolio *portfolio)
{
  GListModel *all = vigil_portfolio_get_customers (portfolio);

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(VigilCustomer) c = g_list_model_get_item (all, i);

      if (vigil_customer_in_book (c, VIGIL_BOOK_ACTIVE))
        return c;  /* the model keeps it */
    }
  g_assert_not_reached ();
}

static int
compare_at_stake (VigilCustomer *a,
                  VigilCustomer *b)
{
  return vigil_churn_at_stake_compare (vigil_customer_get_at_stake (a), vigil_customer_get_renewal_day (a),
                                       vigil_customer_get_at_stake (b), vigil_customer_get_renewal_day (b), TRUE);
}

static void
test_window_rows (Fixture       *f,
                  gconstpointer  data)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  guint n_active = count_in_book (f->portfolio, VIGIL_BOOK_ACTIVE);
  g_autofree char *expected = g_strdup_printf ("%u customers", n_active);

  g_assert_cmpstr (_vigil_window_get_visible_page (f->window), !=, "loading");
  g_assert_cmpstr (_vigil_window_get_visible_page (f->window), !=, "empty");
  g_assert_cmpuint (n_active, <, N_CUSTOMERS);
  g_assert_cmpuint (g_list_model_get_n_items (vigil_portfolio_view_get_shown (view)), ==, n_active);
  g_assert_nonnull (strstr (vigil_portfolio_view_get_summary (view), expected));

  /* The default order (design 3.2): the most at stake first, unknown
   * last, ties by the sooner renewal, the core's order. */
  for (guint i = 1; i < n_active; i++)
    g_assert_cmpint (compare_at_stake (shown (view, i - 1), shown (view, i)), <=, 0);
}

/* Each column's key as the test sees it, NAN for unknown. */
static double
numeric_key (const char    *column,
             VigilCustomer *c)
{
  if (g_str_equal (column, "health"))
    return vigil_customer_get_health (c);
  if (g_str_equal (column, "trend"))
    return vigil_customer_get_trend (c);
  if (g_str_equal (column, "risk"))
    return vigil_customer_get_churn_risk (c);
  if (g_str_equal (column, "mrr"))
    return vigil_customer_get_mrr (c);
  if (g_str_equal (column, "at-stake"))
    return vigil_customer_get_at_stake (c);
  if (g_str_equal (column, "renewal"))
    return vigil_customer_get_renewal_day (c) == VIGIL_UNKNOWN_DAY ? NAN : vigil_customer_get_renewal_day (c);
  if (g_str_equal (column, "seats"))
    return vigil_customer_get_seat_use (c);
  if (g_str_equal (column, "last-active"))
    return vigil_customer_get_last_active (c) == VIGIL_UNKNOWN ? NAN : (double) vigil_customer_get_last_active (c);
  if (g_str_equal (column, "triggers"))
    return vigil_customer_get_open_triggers (c);
  g_assert_not_reached ();
}

static const char *
text_key (const char    *column,
          VigilCustomer *c)
{
  if (g_str_equal (column, "name"))
    return vigil_customer_get_display_name (c);
  if (g_str_equal (column, "owner"))
    return vigil_customer_get_owner (c);
  if (g_str_equal (column, "segment"))
    return vigil_customer_get_segment (c);
  if (g_str_equal (column, "plan"))
    return vigil_customer_get_plan (c);
  return NULL;
}

/* -1, 0, 1 as a < b, unknown first. */
static int
compare_keys (const char    *column,
              VigilCustomer *a,
              VigilCustomer *b)
{
  if (g_str_equal (column, "name") || g_str_equal (column, "owner") || g_str_equal (column, "segment") ||
      g_str_equal (column, "plan"))
    {
      const char *x = text_key (column, a), *y = text_key (column, b);

      if (x == NULL || y == NULL)
        return (x != NULL) - (y != NULL);
      return CLAMP (g_utf8_collate (x, y), -1, 1);
    }
  else
    {
      double x = numeric_key (column, a), y = numeric_key (column, b);

      if (isnan (x) || isnan (y))
        return (!isnan (x)) - (!isnan (y));
      return (x > y) - (x < y);
    }
}

static void
test_window_sort (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const ids[] = {
    "name", "owner", "segment", "plan", "health", "trend", "risk", "mrr", "at-stake", "renewal", "seats",
    "last-active", "triggers",
  };
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  guint n_active = count_in_book (f->portfolio, VIGIL_BOOK_ACTIVE);

  for (guint c = 0; c < G_N_ELEMENTS (ids); c++)
    for (int direction = 0; direction < 2; direction++)
      {
        guint distinct = 0;

        g_assert_true (vigil_portfolio_view_sort_by (view, ids[c], direction ? GTK_SORT_DESCENDING
                                                                           : GTK_SORT_ASCENDING));
        g_assert_cmpuint (g_list_model_get_n_items (vigil_portfolio_view_get_shown (view)), ==, n_active);
        for (guint i = 1; i < n_active; i++)
          {
            int order = compare_keys (ids[c], shown (view, i - 1), shown (view, i));

            if (direction == 0)
              g_assert_cmpint (order, <=, 0);
            else
              g_assert_cmpint (order, >=, 0);
            distinct += order != 0;
          }
        /* Every column really orders something in this book. */
        g_assert_cmpuint (distinct, >, 0);
      }

  /* Stable: customers of the same owner keep the store's order. */
  vigil_portfolio_view_sort_by (view, "owner", GTK_SORT_ASCENDING);
  for (guint i = 1; i < n_active; i++)
    if (compare_keys ("owner", shown (view, i - 1), shown (view, i)) == 0)
      g_assert_cmpint (vigil_customer_get_store_id (shown (view, i - 1)), <,
                       vigil_customer_get_store_id (shown (view, i)));
}

static void
test_window_search_and_filters (Fixture       *f,
                                gconstpointer  data)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  GListModel *all = vigil_portfolio_get_customers (f->portfolio);
  VigilCustomer *first = first_active (f->portfolio);
  guint n_active = count_in_book (f->portfolio, VIGIL_BOOK_ACTIVE);
  g_autofree char *name_part = NULL;
  g_autofree char *folded = NULL;
  const char *owner = vigil_customer_get_owner (first);
  guint healthy = 0, of_owner = 0, matching = 0;
  GListModel *list;

  /* By id: one customer. */
  vigil_portfolio_view_set_search (view, vigil_customer_get_id (first));
  list = vigil_portfolio_view_get_shown (view);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_assert_true (shown (view, 0) == first);

  /* By part of a name, in other case: everyone whose name has it. */
  name_part = g_utf8_substring (vigil_customer_get_display_name (first), 0, 3);
  folded = g_utf8_casefold (name_part, -1);
  for (guint i = 0; i < N_CUSTOMERS; i++)
    {
      g_autoptr(VigilCustomer) c = g_list_model_get_item (all, i);

      matching += vigil_customer_matches (c, folded) && vigil_customer_in_book (c, VIGIL_BOOK_ACTIVE);
    }
  {
    g_autofree char *upper = g_utf8_strup (name_part, -1);

    vigil_portfolio_view_set_search (view, upper);
  }
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, matching);
  g_assert_cmpuint (matching, >=, 1);

  /* Filters, with the search cleared. */
  vigil_portfolio_view_set_search (view, "");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n_active);
  for (guint i = 0; i < N_CUSTOMERS; i++)
    {
      g_autoptr(VigilCustomer) c = g_list_model_get_item (all, i);

      if (!vigil_customer_in_book (c, VIGIL_BOOK_ACTIVE))
        continue;
      healthy += vigil_customer_get_tier (c) == VIGIL_TIER_HEALTHY;
      of_owner += g_strcmp0 (vigil_customer_get_owner (c), owner) == 0 &&
                  vigil_customer_get_tier (c) == VIGIL_TIER_HEALTHY;
    }
  vigil_portfolio_view_set_filters (view, VIGIL_TIER_HEALTHY, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, healthy);
  g_assert_cmpuint (healthy, >, 0);
  g_assert_cmpuint (healthy, <, n_active);
  for (guint i = 0; i < healthy; i++)
    g_assert_cmpint (vigil_customer_get_tier (shown (view, i)), ==, VIGIL_TIER_HEALTHY);

  vigil_portfolio_view_set_filters (view, VIGIL_TIER_HEALTHY, owner, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, of_owner);
  for (guint i = 0; i < of_owner; i++)
    g_assert_cmpstr (vigil_customer_get_owner (shown (view, i)), ==, owner);

  vigil_portfolio_view_set_filters (view, VIGIL_TIER_NONE, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n_active);
}


static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

/* design 7: a search or a sort that still shows the customer selected
 * keeps it selected, wherever it moves, and says nothing; a search that
 * hides it leaves none selected, and says so once. */
static void
test_window_search_keeps_selection (Fixture       *f,
                                    gconstpointer  data)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  GtkWidget *table = find_portfolio_table (GTK_WIDGET (view));
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (table)));
  GListModel *list = vigil_portfolio_view_get_shown (view);
  guint n = g_list_model_get_n_items (list);
  VigilCustomer *chosen = shown (view, n - 1);
  const char *id = vigil_customer_get_id (chosen);
  g_autofree char *part = g_strndup (id, strlen (id) - 1);
  guint changes = 0;
  guint position;

  /* The last customer shown, selected; a search by most of its id
   * brings it near the top. */
  gtk_single_selection_set_selected (selection, n - 1);
  g_assert_true (vigil_portfolio_view_get_selected (view) == chosen);
  g_signal_connect (view, "selection-changed", G_CALLBACK (count_cb), &changes);
  vigil_portfolio_view_set_search (view, part);
  g_assert_cmpuint (g_list_model_get_n_items (list), <, n);
  g_assert_true (vigil_portfolio_view_get_selected (view) == chosen);
  g_assert_true (vigil_filter_list_find (VIGIL_FILTER_LIST (list), chosen, &position));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, position);
  g_assert_cmpuint (changes, ==, 0);

  /* Sorted another way: still selected, wherever it goes. */
  vigil_portfolio_view_sort_by (view, "name", GTK_SORT_ASCENDING);
  g_assert_true (vigil_portfolio_view_get_selected (view) == chosen);
  g_assert_cmpuint (changes, ==, 0);
  vigil_portfolio_view_sort_by (view, "name", GTK_SORT_DESCENDING);
  g_assert_true (vigil_portfolio_view_get_selected (view) == chosen);
  g_assert_cmpuint (changes, ==, 0);

  /* Its own id: it alone, on top. */
  vigil_portfolio_view_set_search (view, vigil_customer_get_id (chosen));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_assert_true (vigil_portfolio_view_get_selected (view) == chosen);
  g_assert_cmpuint (changes, ==, 0);

  /* A search that does not find it: none selected. */
  vigil_portfolio_view_set_search (view, "no customer is called this");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_assert_null (vigil_portfolio_view_get_selected (view));
  g_assert_cmpuint (changes, ==, 1);
  vigil_portfolio_view_set_search (view, "");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n);
  g_signal_handlers_disconnect_by_func (view, count_cb, &changes);
}

static void
record_most_cb (GListModel *list,
                guint       position,
                guint       removed,
                guint       added,
                guint      *most)
{
  *most = MAX (*most, g_list_model_get_n_items (list));
}

/* design 7: a search set in one go (a saved view, a longer text) goes
 * straight to what it finds: the entry empties itself before taking the
 * new text, and the table never shows the whole book between the two
 * (which built rows for all of it, and dropped them). */
static void
test_window_search_replaces_text (Fixture       *f,
                                  gconstpointer  data)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  GListModel *list = vigil_portfolio_view_get_shown (view);
  VigilCustomer *chosen = first_active (f->portfolio);
  const char *id = vigil_customer_get_id (chosen);
  g_autofree char *part = g_strndup (id, strlen (id) - 1);
  guint most = 0, n_part;

  vigil_portfolio_view_set_search (view, part);
  n_part = g_list_model_get_n_items (list);
  g_assert_cmpuint (n_part, <, count_in_book (f->portfolio, VIGIL_BOOK_ACTIVE));
  g_signal_connect (list, "items-changed", G_CALLBACK (record_most_cb), &most);
  vigil_portfolio_view_set_search (view, id);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_assert_true (shown (view, 0) == chosen);
  /* The list's steps hold the old result beside the new one at most. */
  g_assert_cmpuint (most, <=, n_part + 1);
  g_signal_handlers_disconnect_by_func (list, record_most_cb, &most);
  vigil_portfolio_view_set_search (view, "");
}

/* The customers the view shows, in order. */
static GPtrArray *
shown_now (VigilPortfolioView *view)
{
  GListModel *list = vigil_portfolio_view_get_shown (view);
  GPtrArray *customers = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    g_ptr_array_add (customers, shown (view, i));
  return customers;
}

static void
assert_same_customers (GPtrArray *a,
                       GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_true (a->pdata[i] == b->pdata[i]);
}

/* design 7: deleting back a character shows what the shorter search
 * found when typed, the same customers in the same order, and a filter
 * changed meanwhile counts: the table then shows what the search finds
 * with the filter, not what it found before. */
static void
test_window_search_deleting_back (Fixture       *f,
                                  gconstpointer  data)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  GListModel *all = vigil_portfolio_get_customers (f->portfolio);
  VigilCustomer *chosen = first_active (f->portfolio);
  const char *id = vigil_customer_get_id (chosen);
  g_autofree char *part = g_strndup (id, strlen (id) - 1);
  g_autofree char *folded = g_utf8_casefold (part, -1);
  g_autoptr(GPtrArray) typed = NULL;
  g_autoptr(GPtrArray) back = NULL;
  VigilTier tier = vigil_customer_get_tier (chosen) == VIGIL_TIER_HEALTHY ? VIGIL_TIER_AT_RISK : VIGIL_TIER_HEALTHY;
  guint of_tier = 0;

  vigil_portfolio_view_set_search (view, part);
  typed = shown_now (view);
  g_assert_cmpuint (typed->len, >, 1);
  vigil_portfolio_view_set_search (view, id);
  g_assert_cmpuint (g_list_model_get_n_items (vigil_portfolio_view_get_shown (view)), ==, 1);
  vigil_portfolio_view_set_search (view, part);
  back = shown_now (view);
  assert_same_customers (typed, back);

  /* A tier chosen while the longer search shows: deleting back finds
   * the customers of that tier alone. */
  vigil_portfolio_view_set_search (view, id);
  vigil_portfolio_view_set_filters (view, tier, NULL, NULL);
  vigil_portfolio_view_set_search (view, part);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(VigilCustomer) c = g_list_model_get_item (all, i);

      of_tier += vigil_customer_matches (c, folded) && vigil_customer_in_book (c, VIGIL_BOOK_ACTIVE) &&
                 vigil_customer_get_tier (c) == tier;
    }
  g_assert_cmpuint (g_list_model_get_n_items (vigil_portfolio_view_get_shown (view)), ==, of_tier);
  g_assert_cmpuint (of_tier, <, typed->len);
  for (guint i = 0; i < of_tier; i++)
    g_assert_cmpint (vigil_customer_get_tier (shown (view, i)), ==, tier);
  vigil_portfolio_view_set_filters (view, VIGIL_TIER_NONE, NULL, NULL);
  vigil_portfolio_view_set_search (view, "");
}

/* An observer of a VigilFilterList: a copy of it kept by its
 * items-changed alone, reading the items the list holds at each. */
static void
mirror_changed_cb (GListModel *list,
                   guint       position,
                   guint       removed,
                   guint       added,
                   GPtrArray  *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->len);
  g_assert_cmpuint (mirror->len - removed + added, ==, g_list_model_get_n_items (list));
  g_ptr_array_remove_range (mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror, (int) (position + i), g_list_model_get_item (list, position + i));
}

/* The numbers 0 to @n - 1, as texts, in order. */
static GListStore *
numbers_store (int n)
{
  GListStore *store = g_list_store_new (GTK_TYPE_STRING_OBJECT);

  for (int i = 0; i < n; i++)
    {
      char number[12];
      g_autoptr(GtkStringObject) item = NULL;

      g_snprintf (number, sizeof number, "%d", i);
      item = gtk_string_object_new (number);
      g_list_store_append (store, item);
    }
  return store;
}

/* A mirror of @list as it is now, kept by mirror_changed_cb(). */
static GPtrArray *
follow_list (GListModel *list)
{
  GPtrArray *mirror = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    g_ptr_array_add (mirror, g_list_model_get_item (list, i));
  g_signal_connect (list, "items-changed", G_CALLBACK (mirror_changed_cb), mirror);
  return mirror;
}

static void
assert_mirror (GListModel *list,
               GPtrArray  *mirror)
{
  g_assert_cmpuint (mirror->len, ==, g_list_model_get_n_items (list));
  for (guint i = 0; i < mirror->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);

      g_assert_true (item == mirror->pdata[i]);
    }
}

/* Keeps the numbers in [low, high). */
typedef struct
{
  int low;
  int high;
} Range;

static gboolean
in_range (gpointer item,
          gpointer user_data)
{
  Range *range = user_data;
  int value = atoi (gtk_string_object_get_string (item));

  return value >= range->low && value < range->high;
}

/* in_range(), counting its calls. */
typedef struct
{
  Range range;
  guint calls;
} CountedRange;

static gboolean
in_counted_range (gpointer item,
                  gpointer user_data)
{
  CountedRange *counted = user_data;

  counted->calls++;
  return in_range (item, &counted->range);
}

/* The numbers the list shows are [low, high), in order. */
static void
assert_shows_range (GListModel *list,
                    int         low,
                    int         high)
{
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, (guint) (high - low));
  for (int i = low; i < high; i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (list, (guint) (i - low));

      g_assert_cmpint (atoi (gtk_string_object_get_string (item)), ==, i);
    }
}

/* design 7: a result kept under a key is shown again as it was, without
 * asking the function, told as any new result is; the later results go
 * with it; none is kept across a change of the source or once forgotten. */
static void
test_window_filter_list_kept (void)
{
  g_autoptr(GListStore) source = numbers_store (1000);
  g_autoptr(GPtrArray) mirror = NULL;
  g_autoptr(VigilFilterList) list = NULL;
  CountedRange counted = { { 100, 600 }, 0 };
  guint calls;

  list = vigil_filter_list_new (G_LIST_MODEL (source), in_counted_range, &counted);
  mirror = follow_list (G_LIST_MODEL (list));

  /* Narrowed twice, each result before kept. */
  vigil_filter_list_keep (list, "wide");
  counted.range = (Range) { 200, 500 };
  vigil_filter_list_refilter (list, GTK_FILTER_CHANGE_MORE_STRICT);
  vigil_filter_list_keep (list, "middle");
  counted.range = (Range) { 300, 310 };
  vigil_filter_list_refilter (list, GTK_FILTER_CHANGE_MORE_STRICT);
  assert_shows_range (G_LIST_MODEL (list), 300, 310);

  /* Back to the middle one, then the wide one, the function not asked. */
  calls = counted.calls;
  g_assert_false (vigil_filter_list_show_kept (list, "never kept"));
  assert_shows_range (G_LIST_MODEL (list), 300, 310);
  g_assert_true (vigil_filter_list_show_kept (list, "middle"));
  assert_shows_range (G_LIST_MODEL (list), 200, 500);
  assert_mirror (G_LIST_MODEL (list), mirror);
  g_assert_true (vigil_filter_list_show_kept (list, "wide"));
  assert_shows_range (G_LIST_MODEL (list), 100, 600);
  assert_mirror (G_LIST_MODEL (list), mirror);
  g_assert_cmpuint (counted.calls, ==, calls);
  /* The function answers for the wide result again, as a view's search
   * deleted back does. */
  counted.range = (Range) { 100, 600 };

  /* Shown again, a result is no longer kept, nor are those after it. */
  g_assert_false (vigil_filter_list_show_kept (list, "wide"));
  vigil_filter_list_keep (list, "a");
  vigil_filter_list_keep (list, "b");
  g_assert_true (vigil_filter_list_show_kept (list, "a"));
  g_assert_false (vigil_filter_list_show_kept (list, "b"));

  /* Forgotten, or the source changed: nothing to show again. */
  vigil_filter_list_keep (list, "a");
  vigil_filter_list_forget_kept (list);
  g_assert_false (vigil_filter_list_show_kept (list, "a"));
  vigil_filter_list_keep (list, "a");
  g_list_store_remove (source, 0);
  g_assert_false (vigil_filter_list_show_kept (list, "a"));
  assert_shows_range (G_LIST_MODEL (list), 100, 600);
  assert_mirror (G_LIST_MODEL (list), mirror);
}

/* The items a filter keeps, in the source's order, and what an observer
 * sees by following its changes, through new results (those that part
 * at the top, further down, grow and shrink) and changes of the source. */
static void
test_window_filter_list (void)
{
  g_autoptr(GListStore) source = numbers_store (1000);
  g_autoptr(GPtrArray) mirror = NULL;
  g_autoptr(VigilFilterList) list = NULL;
  Range range = { 0, 1000 };
  const Range steps[] = { { 10, 20 }, { 10, 15 }, { 0, 50 }, { 40, 45 }, { 12, 13 }, { 0, 0 }, { 0, 1000 },
                          { 990, 1000 }, { 0, 1000 } };

  list = vigil_filter_list_new (G_LIST_MODEL (source), in_range, &range);
  mirror = follow_list (G_LIST_MODEL (list));

  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      range = steps[s];
      vigil_filter_list_refilter (list, GTK_FILTER_CHANGE_DIFFERENT);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, (guint) (range.high - range.low));
      for (int i = range.low; i < range.high; i++)
        {
          g_autoptr(GtkStringObject) item = g_list_model_get_item (G_LIST_MODEL (list), (guint) (i - range.low));

          g_assert_cmpint (atoi (gtk_string_object_get_string (item)), ==, i);
        }
      assert_mirror (G_LIST_MODEL (list), mirror);
    }

  /* Told that a filter is stricter, or looser, than the last. */
  range = (Range) { 100, 200 };
  vigil_filter_list_refilter (list, GTK_FILTER_CHANGE_DIFFERENT);
  range = (Range) { 0, 150 };
  vigil_filter_list_refilter (list, GTK_FILTER_CHANGE_MORE_STRICT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 50);
  range = (Range) { 50, 300 };
  vigil_filter_list_refilter (list, GTK_FILTER_CHANGE_LESS_STRICT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 250);
  assert_mirror (G_LIST_MODEL (list), mirror);

  /* The source changes: removed items go, added ones are filtered. */
  range = (Range) { 100, 200 };
  vigil_filter_list_refilter (list, GTK_FILTER_CHANGE_DIFFERENT);
  g_list_store_remove (source, 150);
  {
    g_autoptr(GtkStringObject) kept = gtk_string_object_new ("199");
    g_autoptr(GtkStringObject) dropped = gtk_string_object_new ("500");
    gpointer added[] = { kept, dropped };

    g_list_store_splice (source, 0, 0, added, 2);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 100);
  assert_mirror (G_LIST_MODEL (list), mirror);
  {
    g_autoptr(GtkStringObject) first = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_cmpstr (gtk_string_object_get_string (first), ==, "199");
  }
  {
    g_autoptr(GtkStringObject) dropped = g_list_model_get_item (G_LIST_MODEL (source), 1);

    g_assert_false (vigil_filter_list_find (list, dropped, NULL));
  }
}

static gboolean
is_titled_expander_row (GtkWidget  *widget,
                        const char *title)
{
  return ADW_IS_EXPANDER_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static void
test_window_customer_page (Fixture       *f,
                           gconstpointer  data)
{
  VigilCustomerPage *page = _vigil_window_get_customer_page (f->window);
  GListModel *all = vigil_portfolio_get_customers (f->portfolio);
  g_autoptr(VigilCustomer) customer = g_list_model_get_item (all, 3);
  const VigilScore *score = &vigil_customer_get_row (customer)->score;
  GtkWidget *breakdown;
  GtkWidget *snapshot_row;
  GtkWidget *raw;
  const char *raw_text;

  g_assert_true (show_customer (f->window, vigil_customer_get_store_id (customer)));
  g_assert_cmpstr (_vigil_window_get_visible_page (f->window), ==, "customer");
  g_assert_cmpstr (vigil_customer_page_get_title (page), ==, vigil_customer_get_display_name (customer));

  /* A row for each measure the score knows, none for the others. */
  breakdown = vigil_customer_page_get_breakdown (page);
  for (int m = 0; m < VIGIL_N_MEASURES; m++)
    {
      g_autofree char *name = g_strdup_printf ("measure-%s", vigil_measure_get_name ((VigilMeasure) m));

      if (isnan (score->measures[m].value))
        g_assert_null (find_named (breakdown, name));
      else
        g_assert_nonnull (find_named (breakdown, name));
    }

  /* The raw snapshot lists what a stored snapshot holds: keys are not
   * kept with one, so no line calls them unknown. Folded away, its text
   * is not laid out (design 7): the label gets it as the row unfolds. */
  g_assert_null (find_widget (GTK_WIDGET (page), shows_text_starting, "id "));
  snapshot_row = find_widget (GTK_WIDGET (page), is_titled_expander_row, "Latest Snapshot");
  g_assert_nonnull (snapshot_row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (snapshot_row), TRUE);
  raw = find_widget (GTK_WIDGET (page), shows_text_starting, "id ");
  g_assert_nonnull (raw);
  raw_text = gtk_label_get_text (GTK_LABEL (raw));
  g_assert_nonnull (strstr (raw_text, "\nname "));
  g_assert_null (strstr (raw_text, "\nkeys "));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  g_assert_cmpstr (_vigil_window_get_visible_page (f->window), !=, "customer");
}

static void
collect_section_widgets (GtkWidget *widget,
                         GPtrArray *sections)
{
  if (VIGIL_IS_CUSTOMER_SECTION (widget))
    {
      g_ptr_array_add (sections, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_section_widgets (child, sections);
}

/* design 7: a new customer's first frame fills the sections in view, at
 * least the headline, the risk and the health history; the others are
 * hidden, never showing the customer before, and follow a few a frame.
 * A list's rows are kept from one customer to the next. */
static void
test_window_page_fills_in_view_first (Fixture       *f,
                                      gconstpointer  data)
{
  VigilCustomerPage *page = _vigil_window_get_customer_page (f->window);
  GListModel *all = vigil_portfolio_get_customers (f->portfolio);
  g_autoptr(VigilCustomer) first = g_list_model_get_item (all, 3);
  g_autoptr(VigilCustomer) second = g_list_model_get_item (all, 4);
  g_autoptr(GPtrArray) sections = g_ptr_array_new ();
  g_autoptr(GHashTable) first_rows = g_hash_table_new (NULL, NULL);
  GtkWidget *breakdown;
  guint kept = 0;

  g_assert_true (show_customer (f->window, vigil_customer_get_store_id (first)));
  collect_section_widgets (GTK_WIDGET (page), sections);
  g_assert_cmpuint (sections->len, >, 3);
  breakdown = vigil_customer_page_get_breakdown (page);
  for (GtkWidget *row = gtk_widget_get_first_child (breakdown); row != NULL; row = gtk_widget_get_next_sibling (row))
    g_hash_table_add (first_rows, row);

  vigil_window_show_customer (f->window, vigil_customer_get_store_id (second));
  g_assert_false (vigil_customer_page_is_filled (page));
  for (guint i = 0; i < 3; i++)
    g_assert_true (gtk_widget_get_visible (sections->pdata[i]));
  g_assert_false (gtk_widget_get_visible (sections->pdata[sections->len - 1]));

  g_assert_true (wait_for (page_is_filled, page));
  for (guint i = 0; i < sections->len; i++)
    g_assert_true (gtk_widget_get_visible (sections->pdata[i]));
  for (GtkWidget *row = gtk_widget_get_first_child (breakdown); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (gtk_widget_get_visible (row) && g_hash_table_contains (first_rows, row))
      kept++;
  g_assert_cmpuint (kept, >, 0);

  /* A page left while it fills is whole when shown again. */
  vigil_window_show_customer (f->window, vigil_customer_get_store_id (first));
  g_assert_false (vigil_customer_page_is_filled (page));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  g_assert_true (wait_for (page_is_filled, page));
  g_assert_true (show_customer (f->window, vigil_customer_get_store_id (first)));
  for (guint i = 0; i < sections->len; i++)
    g_assert_true (gtk_widget_get_visible (sections->pdata[i]));
}

/* A label of the portfolio's header inside a button: the button. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  GtkWidget *text = find_widget (root, shows_text, label);

  g_assert_nonnull (text);
  return gtk_widget_get_ancestor (text, GTK_TYPE_BUTTON);
}

/* design 3.2 and 5: the table opens on the active book, the most at
 * stake on top; the Churned view lists the customers whose latest
 * outcome is churned, and their pages still open; the overview counts
 * the active book. */
static void
test_window_active_book (Fixture       *f,
                         gconstpointer  data)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  GListModel *all = vigil_portfolio_get_customers (f->portfolio);
  GListModel *list = vigil_portfolio_view_get_shown (view);
  guint n_active = count_in_book (f->portfolio, VIGIL_BOOK_ACTIVE);
  guint n_churned = count_in_book (f->portfolio, VIGIL_BOOK_CHURNED);
  VigilCustomer *gone = NULL;
  VigilCustomer *most = NULL;
  g_autofree char *overview_total = NULL;
  GtkWidget *churned_button;

  g_assert_cmpuint (n_churned, >, 0);
  g_assert_cmpuint (n_active + n_churned, ==, g_list_model_get_n_items (all));
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(VigilCustomer) c = g_list_model_get_item (all, i);

      if (vigil_customer_in_book (c, VIGIL_BOOK_CHURNED))
        gone = gone != NULL ? gone : c;
      else if (most == NULL || compare_at_stake (c, most) < 0)
        most = c;
    }

  /* The default view: the active book, the most at stake first. */
  g_assert_cmpint (vigil_portfolio_view_get_book (view), ==, VIGIL_BOOK_ACTIVE);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n_active);
  g_assert_true (shown (view, 0) == most);
  g_assert_false (isnan (vigil_customer_get_at_stake (most)));
  for (guint i = 0; i < n_active; i++)
    g_assert_true (shown (view, i) != gone);
  vigil_portfolio_view_set_search (view, vigil_customer_get_id (gone));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);

  /* The Churned button, pressed for real: the churned customers only. */
  churned_button = find_button (GTK_WIDGET (view), "Churned");
  g_signal_emit_by_name (churned_button, "clicked");
  g_assert_cmpint (vigil_portfolio_view_get_book (view), ==, VIGIL_BOOK_CHURNED);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_assert_true (shown (view, 0) == gone);
  vigil_portfolio_view_set_search (view, "");
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n_churned);
  for (guint i = 0; i < n_churned; i++)
    g_assert_true (vigil_customer_in_book (shown (view, i), VIGIL_BOOK_CHURNED));

  /* Its history is still reachable. */
  g_assert_true (show_customer (f->window, vigil_customer_get_store_id (gone)));
  g_assert_cmpstr (_vigil_window_get_visible_page (f->window), ==, "customer");
  g_assert_cmpstr (vigil_customer_page_get_title (_vigil_window_get_customer_page (f->window)), ==,
                   vigil_customer_get_display_name (gone));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);

  /* Back to the active book. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (view), "Active"), "clicked");
  g_assert_cmpint (vigil_portfolio_view_get_book (view), ==, VIGIL_BOOK_ACTIVE);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n_active);

  /* The overview's figures count the active book alone. */
  vigil_window_show_page (f->window, "overview");
  overview_total = g_strdup_printf ("%u customers in all", n_active);
  g_assert_nonnull (find_widget (GTK_WIDGET (f->window), shows_text_starting, overview_total));
  vigil_window_show_page (f->window, "portfolio");
}

static gboolean
loads_reached (gpointer data)
{
  guint *counts = data;

  return counts[0] >= counts[1];
}

static void
test_window_trigger_ack (Fixture       *f,
                         gconstpointer  data)
{
  GPtrArray *triggers = vigil_portfolio_get_triggers (f->portfolio);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *button_name = NULL;
  guint counts[2] = { 0, 1 };
  GtkWidget *button;
  gint64 id;

  GListModel *inbox = vigil_triggers_page_get_model (_vigil_window_get_triggers_page (f->window));
  g_autoptr(VigilInboxItem) first = NULL;
  GPtrArray *first_triggers;

  /* The inbox follows the book when it is shown (design 5). */
  vigil_window_show_page (f->window, "triggers");
  g_assert_cmpuint (triggers->len, >, 0);
  /* The inbox's first customer is on screen: its first new trigger. */
  g_assert_cmpuint (g_list_model_get_n_items (inbox), >, 0);
  first = g_list_model_get_item (inbox, 0);
  first_triggers = vigil_inbox_item_get_triggers (first);
  id = 0;
  for (guint i = 0; i < first_triggers->len && id == 0; i++)
    if (g_str_equal (((VigilTriggerRow *) first_triggers->pdata[i])->state, "new"))
      id = ((VigilTriggerRow *) first_triggers->pdata[i])->id;
  g_assert_cmpint (id, !=, 0);
  button_name = g_strdup_printf ("ack-%" G_GINT64_FORMAT, id);
  button = find_named (GTK_WIDGET (_vigil_window_get_triggers_page (f->window)), button_name);
  g_assert_nonnull (button);

  g_signal_connect (f->portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  /* Press the button for real. */
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (wait_for (loads_reached, counts));

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  after = vigil_store_list_triggers (store, NOW, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < after->len; i++)
    if (((VigilTriggerRow *) after->pdata[i])->id == id)
      g_assert_cmpstr (((VigilTriggerRow *) after->pdata[i])->state, ==, "acknowledged");
  g_signal_handlers_disconnect_by_func (f->portfolio, count_loads_cb, &counts[0]);
  vigil_window_show_page (f->window, "portfolio");
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* The outcome buttons go through the core's one way of recording an
 * outcome: when the refit fails (here its status cannot be written), the
 * outcome is stored and the toast says the model stays as it was. */
/* A cell of the table says "less than an hour ago". */
typedef struct
{
  GtkWidget     *view;
  VigilCustomer *customer;
} LastTouchCell;

/* The table's row of the customer says how long ago it was touched, as
 * the clock says now. */
static gboolean
row_shows_last_touch (gpointer data)
{
  LastTouchCell *look = data;
  GtkWidget *name = find_widget (look->view, shows_text, vigil_customer_get_display_name (look->customer));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *expected = vigil_format_ago (now - vigil_customer_get_last_touch (look->customer));
  GtkWidget *row;

  if (name == NULL || !VIGIL_IS_TABLE_ROW (name))
    return FALSE;
  row = name;
  return find_widget (row, shows_text, expected) != NULL;
}

/* The timeline section of the page on screen, and what its list shows. */
static VigilTimelineSection *
timeline_section (Fixture *f)
{
  GtkWidget *page = GTK_WIDGET (_vigil_window_get_customer_page (f->window));

  return VIGIL_TIMELINE_SECTION (find_widget (page, is_timeline_section, NULL));
}

typedef struct
{
  VigilTimelineSection *section;
  const char           *name;
  gboolean              present;
} ListWait;

/* The list has (or has not) a widget of that name, and no spinner. */
static gboolean
list_shows (gpointer data)
{
  ListWait *wait = data;
  GtkWidget *list = GTK_WIDGET (vigil_timeline_section_get_list (wait->section));

  if (find_widget (list, is_spinner, NULL) != NULL)
    return FALSE;
  return wait->name == NULL || (find_named (list, wait->name) != NULL) == wait->present;
}

/* The composer's Ctrl+Enter, as GTK dispatches it: the shortcut whose
 * trigger is Ctrl+Enter, found on the text view or around it, run on
 * the widget that holds it. */
static gboolean
press_control_enter (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

          if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
            continue;
          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
            {
              g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
              g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

              if (g_str_equal (trigger, "<Control>Return|<Control>KP_Enter"))
                {
                  /* before the text view, which would break the line */
                  g_assert_cmpint (gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (controller)),
                                   ==, GTK_PHASE_CAPTURE);
                  return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget, NULL);
                }
            }
        }
    }
  return FALSE;
}

static gint64
touch_id_of (Fixture    *f,
             const char *body)
{
  g_autofree char *literal = test_book_quote (body);
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM touches WHERE body = %s", literal);
  gint64 id = test_book_int (f->db, sql);

  return MAX (id, 0);
}

static void
forget_touches (const char *db_path,
                gint64      customer_id)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM touches WHERE customer_id = %" G_GINT64_FORMAT,
                                          customer_id);

  test_book_exec (db_path, sql);
}

/* The customer of the reloaded portfolio with store id @id (a reload
 * makes new customer objects). */
static VigilCustomer *
find_customer_by_id (GListModel *customers,
                     gint64      id)
{
  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);

      if (vigil_customer_get_store_id (customer) == id)
        return g_steal_pointer (&customer);
    }
  g_assert_not_reached ();
}


static gboolean
is_laid_out (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

/* A widget found by its name under a root, laid out (looked up at each
 * try: the root may have made it again meanwhile). */
typedef struct
{
  GtkWidget  *root;
  const char *name;
} NamedWait;

static gboolean
named_is_laid_out (gpointer data)
{
  NamedWait *wait = data;
  GtkWidget *widget = find_named (wait->root, wait->name);

  return widget != NULL && is_laid_out (widget);
}

/* The rows of the timeline's list, in order: each entry's row, then the
 * button for older ones, if any. */
static GPtrArray *
timeline_rows (VigilTimelineSection *section)
{
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (vigil_timeline_section_get_list (section)));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && gtk_widget_get_visible (row))  /* not those kept hidden (design 7) */
      g_ptr_array_add (rows, row);
  return rows;
}

typedef struct
{
  VigilTimelineSection *section;
  guint                 rows;  /* entries listed, the button not counted */
  gboolean              older; /* whether the button follows them */
} TimelineWait;

static gboolean
timeline_has (gpointer data)
{
  TimelineWait *wait = data;
  g_autoptr(GPtrArray) rows = timeline_rows (wait->section);
  gboolean older = find_named (GTK_WIDGET (vigil_timeline_section_get_list (wait->section)), "show-older") != NULL;

  return rows->len == wait->rows + (older ? 1 : 0) && older == wait->older;
}

/* The entries @rows list are those of @entries, in order: a touch's row
 * is named after it, and every other row is not a touch's. */
static void
assert_timeline_order (GPtrArray *rows,
                       GPtrArray *entries,
                       guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      const VigilTimelineEntry *entry = entries->pdata[i];
      const char *name = gtk_widget_get_name (rows->pdata[i]);

      if (entry->kind == VIGIL_TIMELINE_TOUCH)
        {
          g_autofree char *expected = g_strdup_printf ("touch-%" G_GINT64_FORMAT, entry->id);

          g_assert_cmpstr (name, ==, expected);
        }
      else
        g_assert_false (g_str_has_prefix (name, "touch-"));
    }
}

/* design 5 and 7: a long timeline lists its newest fifty entries, newest
 * first, then a button for the older ones, which lists fifty more; the
 * rows come a few a frame (the page's first frame lays out a few), and
 * once they are all in, they are every entry the store lists, in its
 * order. */
static void
test_window_timeline_pages (Fixture       *f,
                            gconstpointer  data)
{
  GListModel *all = vigil_portfolio_get_customers (f->portfolio);
  g_autoptr(VigilCustomer) customer = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  TimelineWait wait = { NULL, 0, FALSE };
  GtkWidget *older;
  gint64 id;

  for (guint i = 3; customer == NULL || vigil_customer_get_row (customer)->churned; i++)
    {
      g_clear_object (&customer);
      customer = g_list_model_get_item (all, i);
      g_assert_nonnull (customer);
    }
  id = vigil_customer_get_store_id (customer);
  forget_touches (f->db, id);
  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  for (int t = 0; t < 64; t++)
    {
      g_autofree char *text = g_strdup_printf ("Touch %d: a call about the renewal, the budget and the next steps, "
                                               "long enough to wrap in a narrow window", t);

      g_assert_cmpint (vigil_store_add_touch (store, id, VIGIL_TOUCH_CALL, now - (64 - t) * 3600, text, &error), >, 0);
      g_assert_no_error (error);
    }
  entries = vigil_store_list_timeline (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, 64);

  g_assert_true (show_customer (f->window, id));
  wait.section = timeline_section (f);
  g_assert_nonnull (wait.section);
  wait.rows = 50;
  wait.older = TRUE;
  g_assert_true (wait_for (timeline_has, &wait));
  rows = timeline_rows (wait.section);
  assert_timeline_order (rows, entries, 50);
  older = find_named (GTK_WIDGET (vigil_timeline_section_get_list (wait.section)), "show-older");
  {
    g_autofree char *label = g_strdup_printf ("Show %u Older Entries", entries->len - 50);

    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (older)), ==, label);
  }

  g_signal_emit_by_name (older, "clicked");
  wait.rows = MIN (entries->len, 100);
  wait.older = entries->len > 100;
  g_assert_true (wait_for (timeline_has, &wait));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = timeline_rows (wait.section);
  assert_timeline_order (rows, entries, wait.rows);
}

/* design 3.4 and 5: a call logged from the customer page with Ctrl+Enter
 * is on the timeline at once, in the CSM's name, with Edit and Delete;
 * the Last Touch column and the search (by what the note says) follow
 * the reload. Another CSM's touch has neither button. Edit and Delete
 * change the stored touch. */
static void
test_window_timeline (Fixture       *f,
                      gconstpointer  data)
{
  GListModel *all = vigil_portfolio_get_customers (f->portfolio);
  g_autoptr(VigilCustomer) customer = NULL;
  gint64 id;
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *row_name = NULL;
  g_autofree char *edit_name = NULL;
  g_autofree char *delete_name = NULL;
  g_autofree char *other_name = NULL;
  guint counts[2] = { 0, 1 };
  VigilTimelineSection *section;
  GtkTextBuffer *buffer;
  GtkWidget *row;
  AdwMessageDialog *dialog;
  ListWait wait = { NULL, NULL, TRUE };
  gint64 touch, other;

  /* A customer of the active book, which the table lists. */
  for (guint i = 7; customer == NULL || vigil_customer_get_row (customer)->churned; i++)
    {
      g_clear_object (&customer);
      customer = g_list_model_get_item (all, i);
      g_assert_nonnull (customer);
    }
  id = vigil_customer_get_store_id (customer);
  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  test_book_be (f->db, "Dana Park");
  g_assert_no_error (error);
  /* The demo's CSMs have touched every customer (design 3.4): this one
   * and the next active one lose their touches, for a first touch and
   * a customer never touched. */
  {
    g_autoptr(VigilCustomer) untouched = NULL;
    guint loads[2] = { 0, 1 };
    gulong handler;

    for (guint i = 0; untouched == NULL || untouched == customer ||
                      vigil_customer_get_row (untouched)->churned; i++)
      {
        g_clear_object (&untouched);
        untouched = g_list_model_get_item (all, i);
        g_assert_nonnull (untouched);
      }
    forget_touches (f->db, id);
    forget_touches (f->db, vigil_customer_get_store_id (untouched));
    handler = g_signal_connect (f->portfolio, "loaded", G_CALLBACK (count_loads_cb), &loads[0]);
    vigil_portfolio_reload (f->portfolio);
    g_assert_true (wait_for (loads_reached, loads));
    g_signal_handler_disconnect (f->portfolio, handler);
    g_clear_object (&customer);
    customer = find_customer_by_id (all, id);
  }
  g_assert_cmpint (vigil_customer_get_last_touch (customer), ==, VIGIL_UNKNOWN);

  g_assert_true (show_customer (f->window, id));
  section = timeline_section (f);
  g_assert_nonnull (section);
  wait.section = section;
  g_assert_true (wait_for (list_shows, &wait));

  /* A call, typed and logged with Ctrl+Enter. */
  buffer = gtk_text_view_get_buffer (vigil_timeline_section_get_text_view (section));
  gtk_text_buffer_set_text (buffer, "Called Jo about the renewal: <b>keen</b>", -1);
  gtk_drop_down_set_selected (vigil_timeline_section_get_kind_dropdown (section), VIGIL_TOUCH_CALL);
  g_signal_connect (f->portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  g_assert_true (press_control_enter (GTK_WIDGET (vigil_timeline_section_get_text_view (section))));
  g_assert_true (wait_for (loads_reached, counts));
  touch = touch_id_of (f, "Called Jo about the renewal: <b>keen</b>");
  g_assert_cmpint (touch, >, 0);
  row_name = g_strdup_printf ("touch-%" G_GINT64_FORMAT, touch);
  wait.name = row_name;
  g_assert_true (wait_for (list_shows, &wait));
  row = find_named (GTK_WIDGET (vigil_timeline_section_get_list (section)), row_name);
  /* plain text, newest first (what Vigil did in the same second may
   * come before it), in Dana's name, with her buttons */
  for (GtkWidget *before = gtk_widget_get_prev_sibling (row); before != NULL;
       before = gtk_widget_get_prev_sibling (before))
    g_assert_false (g_str_has_prefix (gtk_widget_get_name (before), "touch-"));
  g_assert_nonnull (find_widget (row, shows_text, "Called Jo about the renewal: <b>keen</b>"));
  g_assert_nonnull (find_widget (row, shows_text, "Call"));
  g_assert_nonnull (find_widget (row, shows_text_starting, "Dana Park · "));
  edit_name = g_strdup_printf ("edit-%" G_GINT64_FORMAT, touch);
  delete_name = g_strdup_printf ("delete-%" G_GINT64_FORMAT, touch);
  g_assert_nonnull (find_named (row, edit_name));
  g_assert_nonnull (find_named (row, delete_name));
  /* side by side, once laid out: the texts, then Edit, then Delete,
   * their tops in line (design 5; the row is a grid, design 7). The
   * list may make its rows again while the test waits: the row and its
   * buttons are looked up afresh once laid out. */
  {
    NamedWait laid_out = { GTK_WIDGET (vigil_timeline_section_get_list (section)), delete_name };
    GtkWidget *text, *edit, *delete;
    graphene_rect_t text_at, edit_at, delete_at;

    g_assert_true (wait_for (named_is_laid_out, &laid_out));
    row = find_named (laid_out.root, row_name);
    text = find_widget (row, shows_text, "Called Jo about the renewal: <b>keen</b>");
    edit = find_named (row, edit_name);
    delete = find_named (row, delete_name);
    g_assert_true (gtk_widget_compute_bounds (text, row, &text_at));
    g_assert_true (gtk_widget_compute_bounds (edit, row, &edit_at));
    g_assert_true (gtk_widget_compute_bounds (delete, row, &delete_at));
    g_assert_cmpfloat (text_at.origin.x + text_at.size.width, <=, edit_at.origin.x);
    g_assert_cmpfloat (edit_at.origin.x + edit_at.size.width, <=, delete_at.origin.x);
    g_assert_cmpfloat (edit_at.origin.y, ==, delete_at.origin.y);
    g_assert_cmpfloat (edit_at.origin.y, <=, text_at.origin.y);
    g_assert_cmpfloat (delete_at.origin.x + delete_at.size.width, <=, gtk_widget_get_width (row));
  }
  /* the composer is empty again */
  {
    GtkTextIter start, end;
    g_autofree char *left = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    left = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (left, ==, "");
  }

  /* The Last Touch column: sorted, the longest untouched first, the
   * customer touched just now the last of the touched, the never
   * touched after it; saying how long ago. */
  g_assert_cmpint (vigil_customer_get_last_touch (customer), !=, VIGIL_UNKNOWN);
  g_assert_true (vigil_portfolio_view_sort_by (view, "last-touch", GTK_SORT_ASCENDING));
  {
    guint n_shown = g_list_model_get_n_items (vigil_portfolio_view_get_shown (view));
    guint last_known = n_shown;

    g_assert_cmpint (vigil_customer_get_last_touch (shown (view, n_shown - 1)), ==, VIGIL_UNKNOWN);
    while (last_known > 0 && vigil_customer_get_last_touch (shown (view, last_known - 1)) == VIGIL_UNKNOWN)
      last_known--;
    g_assert_cmpuint (last_known, >, 1);
    /* The last of the touched, or among the last in that second: a test
     * before may have logged a touch in the same one. */
    {
      guint i = last_known;

      while (i > 0 && vigil_customer_get_store_id (shown (view, i - 1)) != id &&
             vigil_customer_get_last_touch (shown (view, i - 1)) == vigil_customer_get_last_touch (customer))
        i--;
      g_assert_cmpuint (i, >, 0);
      g_assert_cmpint (vigil_customer_get_store_id (shown (view, i - 1)), ==, id);
    }
    g_assert_cmpint (vigil_customer_get_last_touch (shown (view, 0)), <,
                     vigil_customer_get_last_touch (customer));
  }
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  {
    LastTouchCell look = { GTK_WIDGET (view), customer };
    g_autofree char *active = vigil_format_ago (vigil_customer_get_row (customer)->latest->observed_at -
                                                vigil_customer_get_last_active (customer));

    /* Last Active counts against the book's time: it cannot say the same */
    g_assert_null (strstr (active, "just now"));
    g_assert_true (wait_for (row_shows_last_touch, &look));
  }
  g_assert_true (show_customer (f->window, id));

  /* The search finds the customer by what the note says, in any case. */
  vigil_portfolio_view_set_search (view, "JO ABOUT THE RENEWAL");
  g_assert_cmpuint (g_list_model_get_n_items (vigil_portfolio_view_get_shown (view)), ==, 1);
  g_assert_true (shown (view, 0) == customer);
  vigil_portfolio_view_set_search (view, "");
  vigil_portfolio_view_sort_by (view, "at-stake", GTK_SORT_DESCENDING);

  /* Sam's note on the same customer: no buttons for Dana. */
  test_book_be (f->db, "Sam Lee");
  other = vigil_store_add_touch (store, id, VIGIL_TOUCH_NOTE, g_get_real_time () / G_USEC_PER_SEC - 60,
                                 "Sam's note", &error);
  g_assert_no_error (error);
  test_book_be (f->db, "Dana Park");
  other_name = g_strdup_printf ("touch-%" G_GINT64_FORMAT, other);
  counts[1] = counts[0] + 1;
  vigil_portfolio_reload (f->portfolio);
  g_assert_true (wait_for (loads_reached, counts));
  wait.name = other_name;
  g_assert_true (wait_for (list_shows, &wait));
  row = find_named (GTK_WIDGET (vigil_timeline_section_get_list (section)), other_name);
  g_assert_nonnull (find_widget (row, shows_text_starting, "Sam Lee · "));
  g_assert_null (find_widget (row, is_button, NULL));

  /* Edit: the touch comes into the composer, Ctrl+Enter saves it. */
  row = find_named (GTK_WIDGET (vigil_timeline_section_get_list (section)), row_name);
  g_signal_emit_by_name (find_named (row, edit_name), "clicked");
  gtk_text_buffer_set_text (buffer, "Called Jo: renewal signed", -1);
  counts[1] = counts[0] + 1;
  g_assert_true (press_control_enter (GTK_WIDGET (vigil_timeline_section_get_text_view (section))));
  g_assert_true (wait_for (loads_reached, counts));
  g_assert_cmpint (touch_id_of (f, "Called Jo: renewal signed"), ==, touch);
  g_assert_cmpint (touch_id_of (f, "Called Jo about the renewal: <b>keen</b>"), ==, 0);

  /* Delete, once confirmed. */
  wait.name = row_name;
  g_assert_true (wait_for (list_shows, &wait));
  row = find_named (GTK_WIDGET (vigil_timeline_section_get_list (section)), row_name);
  g_assert_nonnull (find_widget (row, shows_text, "Called Jo: renewal signed"));
  g_signal_emit_by_name (find_named (row, delete_name), "clicked");
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  counts[1] = counts[0] + 1;
  adw_message_dialog_response (dialog, "delete");
  g_assert_true (wait_for (loads_reached, counts));
  g_assert_cmpint (touch_id_of (f, "Called Jo: renewal signed"), ==, 0);
  wait.present = FALSE;
  g_assert_true (wait_for (list_shows, &wait));
  g_signal_handlers_disconnect_by_func (f->portfolio, count_loads_cb, &counts[0]);

  /* Leave the book as the other tests know it: Sam Lee's touch gone,
   * and without "I am", which would open their windows on My Book
   * (design 5). */
  test_book_be (f->db, "Sam Lee");
  g_assert_true (vigil_store_delete_touch (store, other, &error));
  test_book_be (f->db, NULL);
  g_assert_no_error (error);
}

static gboolean
is_unmapped (gpointer widget)
{
  return !gtk_widget_get_mapped (widget);
}

/* Renames a customer in the store, behind the window's back. */
static void
rename_customer (const char *db_path,
                 gint64      id,
                 const char *name)
{
  g_autofree char *literal = test_book_quote (name);
  g_autofree char *sql = g_strdup_printf ("UPDATE customers SET name = %s WHERE id = %" G_GINT64_FORMAT,
                                          literal, id);
  g_autofree char *count = g_strdup_printf ("SELECT count(*) FROM customers WHERE id = %" G_GINT64_FORMAT, id);

  g_assert_cmpint (test_book_int (db_path, count), ==, 1);
  test_book_exec (db_path, sql);
}

typedef struct
{
  VigilCustomerPage *page;
  const char        *title;
} TitleWait;

static gboolean
page_titled (gpointer data)
{
  TitleWait *wait = data;

  return g_strcmp0 (vigil_customer_page_get_title (wait->page), wait->title) == 0;
}

/* design 7: a customer page the window went back from does not follow a
 * reload while hidden (laying out its sections cost each poll's reload
 * 50-100 ms for nobody); shown again, it shows what the reload brought. */
static void
test_window_page_follows_when_shown (Fixture       *f,
                                     gconstpointer  data)
{
  GListModel *all = vigil_portfolio_get_customers (f->portfolio);
  g_autoptr(VigilCustomer) customer = g_list_model_get_item (all, 4);
  VigilCustomerPage *page = _vigil_window_get_customer_page (f->window);
  gint64 id = vigil_customer_get_store_id (customer);
  g_autofree char *old_name = g_strdup (vigil_customer_get_display_name (customer));
  TitleWait wait = { page, NULL };

  g_assert_true (show_customer (f->window, id));
  g_assert_cmpstr (vigil_customer_page_get_title (page), ==, old_name);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  g_assert_true (wait_for (is_unmapped, page));

  rename_customer (f->db, id, "Renamed While Hidden");
  g_assert_true (reload_and_wait (f->portfolio));
  g_assert_cmpstr (vigil_customer_get_display_name (vigil_portfolio_find_customer (f->portfolio, id)), ==,
                   "Renamed While Hidden");
  g_assert_cmpstr (vigil_customer_page_get_title (page), ==, old_name);

  /* Shown again as a swipe would show it, not through show_customer. */
  adw_leaflet_set_visible_child (ADW_LEAFLET (gtk_widget_get_parent (GTK_WIDGET (page))), GTK_WIDGET (page));
  wait.title = "Renamed While Hidden";
  g_assert_true (wait_for (page_titled, &wait));

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
  rename_customer (f->db, id, old_name);
  g_assert_true (reload_and_wait (f->portfolio));
}

static void
test_window_outcome_refit_fails (Fixture       *f,
                                 gconstpointer  data)
{
  GListModel *all = vigil_portfolio_get_customers (f->portfolio);
  g_autoptr(VigilCustomer) customer = g_list_model_get_item (all, 5);
  gint64 id = vigil_customer_get_store_id (customer);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  guint counts[2] = { 0, 1 };
  AdwMessageDialog *dialog;
  GtkWidget *label;

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  before = vigil_store_list_outcomes (store, id, &error);
  g_assert_no_error (error);
  test_churn_refuse_meta (f->db, "churn_status");

  g_assert_true (show_customer (f->window, id));
  label = find_widget (GTK_WIDGET (_vigil_window_get_customer_page (f->window)), shows_text, "Mark Churned…");
  g_assert_nonnull (label);
  g_signal_emit_by_name (gtk_widget_get_parent (label), "clicked");
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);

  g_signal_connect (f->portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  adw_message_dialog_response (dialog, "record");
  g_assert_true (wait_for (loads_reached, counts));
  g_signal_handlers_disconnect_by_func (f->portfolio, count_loads_cb, &counts[0]);
  test_churn_allow_meta (f->db);

  g_assert_nonnull (strstr (_vigil_window_get_last_toast (f->window), "marked as churned"));
  g_assert_nonnull (strstr (_vigil_window_get_last_toast (f->window), "stays as it was"));
  g_assert_nonnull (strstr (_vigil_window_get_last_toast (f->window), "writing churn_status failed"));
  after = vigil_store_list_outcomes (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len + 1);
}

static void
poll_finished_cb (VigilPortfolio *portfolio,
                  const char     *name,
                  gboolean        ok,
                  const char     *message,
                  gboolean       *finished)
{
  *finished = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_window_failing_source (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilSource) failing = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autofree char *url = NULL;
  gboolean finished = FALSE;

  /* A loopback port that refuses: bound, then closed. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  url = g_strdup_printf ("http://127.0.0.1:%u/usage",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  failing = vigil_source_new ("broken", url);
  g_assert_true (vigil_store_add_source (store, failing, &error));
  g_assert_no_error (error);

  g_signal_connect (f->portfolio, "poll-finished", G_CALLBACK (poll_finished_cb), &finished);
  vigil_portfolio_poll_now (f->portfolio, "broken");
  g_assert_true (wait_for (is_true, &finished));
  g_signal_handlers_disconnect_by_func (f->portfolio, poll_finished_cb, &finished);

  /* The window says which source failed and why. */
  g_assert_nonnull (strstr (_vigil_window_get_last_toast (f->window), "broken"));
  g_assert_nonnull (strstr (_vigil_window_get_last_toast (f->window), "failed"));
  g_clear_pointer (&failing, vigil_source_free);
  failing = vigil_store_get_source (store, "broken", &error);
  g_assert_no_error (error);
  g_assert_nonnull (failing->last_error);
}

/* Answers "shrinking" with the customers of the next count of *counts. */
/* The shrinking source: how many customers it lists now, and how many
 * answers it gave. */
typedef struct
{
  guint customers;
  guint answers;
} Shrinking;

/* Each answer observes its customers a minute after the one before: four
 * polls in one second would otherwise store nothing new after the
 * first (the same customers at the same time), and three polls that
 * store nothing make a source suspect on their own (design 2.5). */
static void
shrinking_handler (SoupServer        *server,
                   SoupServerMessage *message,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Shrinking *shrinking = user_data;
  g_autoptr(GString) body = g_string_new ("{\"customers\": [");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) observed = g_date_time_add_minutes (now, (int) shrinking->answers++ - 60);
  g_autofree char *at = g_date_time_format (observed, "%Y-%m-%dT%H:%M:%SZ");

  for (guint i = 0; i < shrinking->customers; i++)
    g_string_append_printf (body, "%s{\"id\": \"s%u\", \"mrr\": %u, \"observed_at\": \"%s\"}", i > 0 ? ", " : "",
                            i, 10 + shrinking->customers, at);
  g_string_append (body, "]}");
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body->str, body->len);
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
}

static void
poll_named (Fixture    *f,
            const char *name)
{
  gboolean finished = FALSE;

  g_signal_connect (f->portfolio, "poll-finished", G_CALLBACK (poll_finished_cb), &finished);
  vigil_portfolio_poll_now (f->portfolio, name);
  g_assert_true (wait_for (is_true, &finished));
  g_signal_handlers_disconnect_by_func (f->portfolio, poll_finished_cb, &finished);
}

static gboolean
has_subtitle (GtkWidget  *widget,
              const char *prefix)
{
  return ADW_IS_EXPANDER_ROW (widget) && adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (widget)) != NULL &&
         g_str_has_prefix (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (widget)), prefix);
}

static gboolean
has_more_notifications (gpointer data)
{
  return notifications->len > GPOINTER_TO_UINT (data);
}

static gboolean
has_suspect_row (gpointer data)
{
  GtkWidget *row = find_widget (GTK_WIDGET (data), has_subtitle, "Suspect, polled ");

  return row != NULL && strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), "0 records") != NULL;
}

/* design 2.5: a source whose poll brings fewer than half the records of
 * the previous one sends one desktop notification saying why, and its
 * row in the sources says so until a normal poll. */
static void
test_window_suspect_source (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  GtkWindow *preferences;
  GtkWidget *row;
  Shrinking shrinking = { 4, 0 };
  guint sent_before;

  soup_server_add_handler (server, NULL, shrinking_handler, &shrinking, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d/usage", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  source = vigil_source_new ("shrinking", url);
  g_assert_true (vigil_store_add_source (store, source, &error));
  g_assert_no_error (error);

  sent_before = notifications->len;
  poll_named (f, "shrinking");
  shrinking.customers = 1;
  poll_named (f, "shrinking");
  g_assert_true (wait_for (has_more_notifications, GUINT_TO_POINTER (sent_before)));
  g_assert_cmpuint (notifications->len, ==, sent_before + 1);
  g_assert_cmpstr (g_ptr_array_index (notifications, sent_before), ==,
                   "Source “shrinking” may be broken\n1 record, the previous poll had 4");

  /* Still suspect (none of one): no second notification. */
  shrinking.customers = 0;
  poll_named (f, "shrinking");

  /* The row shows the mark once the reload after the poll is in. */
  preferences = GTK_WINDOW (vigil_preferences_window_new (GTK_WINDOW (f->window), f->portfolio));
  gtk_window_present (preferences);
  g_assert_true (wait_for (has_suspect_row, preferences));
  row = find_widget (GTK_WIDGET (preferences), has_subtitle, "Suspect, polled ");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)),
                            ": 0 records, the previous poll had 1"));
  g_assert_true (gtk_widget_has_css_class (row, "vigil-row-suspect"));
  gtk_window_destroy (preferences);

  /* A normal poll clears the mark; the poll that made it suspect was
   * the one that notified. */
  shrinking.customers = 1;
  poll_named (f, "shrinking");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (notifications->len, ==, sent_before + 1);
  g_clear_pointer (&source, vigil_source_free);
  source = vigil_store_get_source (store, "shrinking", &error);
  g_assert_no_error (error);
  g_assert_false (vigil_source_is_suspect (source));
  g_assert_true (vigil_store_remove_source (store, "shrinking", TRUE, &error));
  g_assert_no_error (error);
}

/* /old fails as a broken endpoint does; /usage answers an empty book
 * to a request with the source's query secret. */
static void
edit_handler (SoupServer        *server,
              SoupServerMessage *message,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  static const char body[] = "{\"customers\": []}";
  const char *sig = query != NULL ? g_hash_table_lookup (query, "sig") : NULL;

  if (g_str_equal (path, "/usage") && g_strcmp0 (sig, "sig-window-test") == 0)
    {
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
    }
  else
    soup_server_message_set_status (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
}

static void
poll_ok_cb (VigilPortfolio *portfolio,
            const char     *name,
            gboolean        ok,
            const char     *message,
            int            *outcome)
{
  if (g_strcmp0 (name, "edited") == 0)
    *outcome = ok ? 1 : -1;
}

static gboolean
is_nonzero (gpointer data)
{
  return *(int *) data != 0;
}

static gboolean
has_source (gpointer data)
{
  GPtrArray *sources = vigil_portfolio_get_sources (data);

  for (guint i = 0; sources != NULL && i < sources->len; i++)
    if (g_str_equal (((VigilSource *) sources->pdata[i])->name, "edited"))
      return TRUE;
  return FALSE;
}

/* Editing a source in its dialog saves the new settings, keeps the
 * name and the query secrets given on the command line, and polls it at
 * once through the new address. */
static void
test_window_edit_source (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(VigilSource) saved = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSList) uris = NULL;
  g_autofree char *old_url = NULL;
  g_autofree char *new_url = NULL;
  GPtrArray *sources;
  VigilSourceDialog *dialog = NULL;
  GtkWidget *url_row;
  int outcome = 0;

  soup_server_add_handler (server, NULL, edit_handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  old_url = g_strdup_printf ("http://127.0.0.1:%d/old", g_uri_get_port (uris->data));
  new_url = g_strdup_printf ("http://127.0.0.1:%d/usage", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  source = vigil_source_new ("edited", old_url);
  source->interval_min = 60;
  /* Set in bytes, as `vigil source add --max-bytes` can: the form shows
   * whole MiB and must not round it away when it was left alone. */
  source->max_bytes = 1500000;
  /* More records than an int holds. */
  source->max_records = G_GINT64_CONSTANT (3000000000);
  source->query_secret_env = g_strsplit ("sig=VIGIL_WINDOW_TEST_SIG", "\n", -1);
  g_assert_true (vigil_store_add_source (store, source, &error));
  vigil_portfolio_reload (f->portfolio);
  g_assert_true (wait_for (has_source, f->portfolio));

  /* Preferences offer Edit except while the source polls: a running poll
   * records its outcome with the settings it started with. */
  {
    GtkWindow *preferences = GTK_WINDOW (vigil_preferences_window_new (GTK_WINDOW (f->window), f->portfolio));
    GtkWidget *edit;

    gtk_window_present (preferences);
    edit = find_widget (GTK_WIDGET (preferences), has_tooltip, "Edit “edited”…");
    g_assert_nonnull (edit);
    g_assert_true (gtk_widget_get_sensitive (edit));
    g_signal_emit_by_name (f->portfolio, "poll-started", "edited");
    g_assert_false (gtk_widget_get_sensitive (edit));
    g_signal_emit_by_name (f->portfolio, "poll-finished", "edited", TRUE, NULL);
    g_assert_true (gtk_widget_get_sensitive (edit));
    gtk_window_destroy (preferences);
  }

  sources = vigil_portfolio_get_sources (f->portfolio);
  for (guint i = 0; i < sources->len; i++)
    if (g_str_equal (((VigilSource *) sources->pdata[i])->name, "edited"))
      dialog = vigil_source_dialog_new_for_source (GTK_WINDOW (f->window), f->portfolio, sources->pdata[i]);
  g_assert_nonnull (dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  /* The form starts from the source's settings. */
  url_row = find_named (GTK_WIDGET (dialog), "url");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url_row)), ==, old_url);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (find_named (GTK_WIDGET (dialog), "interval"))),
                   ==, 60);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (find_named (GTK_WIDGET (dialog), "max-records"))),
                     ==, 3e9);

  gtk_editable_set_text (GTK_EDITABLE (url_row), new_url);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_named (GTK_WIDGET (dialog), "interval")), 15);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_named (GTK_WIDGET (dialog), "max-records")), 250000);
  g_signal_connect (f->portfolio, "poll-finished", G_CALLBACK (poll_ok_cb), &outcome);
  g_signal_emit_by_name (find_named (GTK_WIDGET (dialog), "save"), "clicked");
  g_assert_true (wait_for (is_nonzero, &outcome));
  g_signal_handlers_disconnect_by_func (f->portfolio, poll_ok_cb, &outcome);
  g_assert_cmpint (outcome, ==, 1);

  saved = vigil_store_get_source (store, "edited", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved->url, ==, new_url);
  g_assert_cmpuint (saved->interval_min, ==, 15);
  g_assert_cmpint (saved->max_bytes, ==, 1500000);
  g_assert_cmpint (saved->max_records, ==, 250000);
  g_assert_cmpstrv (saved->query_secret_env, ((const char * const[]) { "sig=VIGIL_WINDOW_TEST_SIG", NULL }));
  g_assert_true (saved->last_ok);

  g_assert_true (vigil_store_remove_source (store, "edited", TRUE, &error));
  soup_server_disconnect (server);
}

static void
count_changes_cb (VigilCustomer *customer,
                  guint         *changes)
{
  (*changes)++;
}

/* A reload updates the customers already listed in place: the same
 * objects, the new figures, and the rows on screen show them. */
static void
test_window_reload_in_place (Fixture       *f,
                             gconstpointer  data)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  guint counts[2] = { 0, 1 };
  guint changes = 0;
  VigilCustomer *top;
  const VigilPortfolioRow *row;

  g_assert_true (vigil_portfolio_view_sort_by (view, "name", GTK_SORT_ASCENDING));
  /* Let the list build its rows. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  top = shown (view, 0);
  row = vigil_customer_get_row (top);
  g_assert_false (find_widget (GTK_WIDGET (f->window), shows_text, "987654") != NULL);

  /* A newer snapshot of the same customer, the same name, a new MRR. */
  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  snapshot = vigil_snapshot_copy (row->latest);
  snapshot->mrr = 987654;
  snapshot->observed_at += 3600;
  ingest = vigil_ingest_begin (store, row->source, snapshot->observed_at, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

  g_signal_connect (top, "changed", G_CALLBACK (count_changes_cb), &changes);
  g_signal_connect (f->portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  vigil_portfolio_reload (f->portfolio);
  g_assert_true (wait_for (loads_reached, counts));
  g_signal_handlers_disconnect_by_func (f->portfolio, count_loads_cb, &counts[0]);
  g_signal_handlers_disconnect_by_func (top, count_changes_cb, &changes);

  g_assert_true (shown (view, 0) == top);
  g_assert_true (vigil_portfolio_find_customer (f->portfolio, vigil_customer_get_store_id (top)) == top);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpfloat (vigil_customer_get_mrr (top), ==, 987654);
  g_assert_cmpuint (g_list_model_get_n_items (vigil_portfolio_get_customers (f->portfolio)), ==, N_CUSTOMERS);
  /* The row kept on screen was bound again to what the customer says now. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (find_widget (GTK_WIDGET (f->window), shows_text, "987654") != NULL);
}

/* Each of @portfolio's customers' sparkline is its own recent health
 * (the last four weeks of the book), evenly thinned to at most 28
 * points, in time order, ending on its newest score. */
static void
assert_sparklines_of_store (VigilPortfolio *portfolio,
                            const char     *db)
{
  GListModel *customers = vigil_portfolio_get_customers (portfolio);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GHashTable) recent = NULL;
  g_autoptr(GError) error = NULL;
  guint with_points = 0;

  store = vigil_store_open (db, &error);
  g_assert_no_error (error);
  recent = vigil_store_list_recent_health (store, vigil_portfolio_get_latest_time (portfolio) - 28 * 86400,
                                           &error);
  g_assert_no_error (error);

  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);
      gint64 id = vigil_customer_get_store_id (customer);
      GArray *points = g_hash_table_lookup (recent, &id);
      guint n_points = points != NULL ? points->len : 0;
      guint n = 0, from = 0;
      const double *sparkline = vigil_customer_get_sparkline (customer, &n);

      g_assert_cmpuint (n, ==, MIN (n_points, 28));
      if (n == 0)
        continue;
      with_points++;
      g_assert_cmpfloat (sparkline[n - 1], ==, g_array_index (points, VigilHealthPoint, n_points - 1).health);
      /* Every point is one of the customer's, in order. */
      for (guint k = 0; k < n; k++)
        {
          while (from < n_points && g_array_index (points, VigilHealthPoint, from).health != sparkline[k])
            from++;
          g_assert_cmpuint (from, <, n_points);
          from++;
        }
    }
  /* The book has history: most customers have a sparkline. */
  g_assert_cmpuint (with_points, >, g_list_model_get_n_items (customers) / 2);
}

static void
test_window_sparklines (Fixture       *f,
                        gconstpointer  data)
{
  assert_sparklines_of_store (f->portfolio, f->db);
}

/* A reload that brings a customer not listed before lists it and finds
 * it by its store id; one that no longer brings it drops it, and the
 * customers listed all along stay the same objects. */
static void
test_window_reload_new_and_gone (Fixture       *f,
                                 gconstpointer  data)
{
  GListModel *customers = vigil_portfolio_get_customers (f->portfolio);
  g_autoptr(VigilCustomer) first = g_list_model_get_item (customers, 0);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first_id = vigil_customer_get_store_id (first);
  gint64 newcomer_id = 0;
  VigilCustomer *newcomer = NULL;

  /* The first load's index finds every customer it listed. */
  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);

      g_assert_true (vigil_portfolio_find_customer (f->portfolio, vigil_customer_get_store_id (customer)) ==
                     customer);
    }

  store = vigil_store_open (f->db, &error);
  g_assert_no_error (error);
  source = vigil_source_new ("newcomers", "http://127.0.0.1:9/");
  g_assert_true (vigil_store_add_source (store, source, &error));
  snapshot = vigil_snapshot_copy (vigil_customer_get_row (first)->latest);
  g_free (snapshot->customer_id);
  snapshot->customer_id = g_strdup ("newcomer-1");
  g_free (snapshot->name);
  snapshot->name = g_strdup ("Newcomer Ltd");
  ingest = vigil_ingest_begin (store, "newcomers", snapshot->observed_at, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

  g_assert_true (reload_and_wait (f->portfolio));
  g_assert_cmpuint (g_list_model_get_n_items (customers), ==, N_CUSTOMERS + 1);
  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);

      if (g_strcmp0 (vigil_customer_get_id (customer), "newcomer-1") == 0)
        newcomer = customer;
      g_assert_true (vigil_portfolio_find_customer (f->portfolio, vigil_customer_get_store_id (customer)) ==
                     customer);
    }
  g_assert_nonnull (newcomer);
  g_assert_cmpstr (vigil_customer_get_name (newcomer), ==, "Newcomer Ltd");
  newcomer_id = vigil_customer_get_store_id (newcomer);
  g_assert_true (vigil_portfolio_find_customer (f->portfolio, first_id) == first);

  g_assert_true (vigil_store_remove_source (store, "newcomers", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (reload_and_wait (f->portfolio));
  g_assert_cmpuint (g_list_model_get_n_items (customers), ==, N_CUSTOMERS);
  g_assert_null (vigil_portfolio_find_customer (f->portfolio, newcomer_id));
  g_assert_true (vigil_portfolio_find_customer (f->portfolio, first_id) == first);
}

static void
count_trends_cb (VigilPortfolio *portfolio,
                 guint          *trends)
{
  (*trends)++;
}

static gboolean
trend_read (gpointer data)
{
  return *(guint *) data > 0;
}

/* The year's trend is read for the overview on screen, not after every
 * reload behind another page. */
static void
test_window_trend_on_demand (Fixture       *f,
                             gconstpointer  data)
{
  guint counts[2] = { 0, 1 };
  guint trends = 0;
  GArray *average;

  vigil_window_show_page (f->window, "portfolio");
  g_signal_connect (f->portfolio, "trend-loaded", G_CALLBACK (count_trends_cb), &trends);
  g_signal_connect (f->portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  vigil_portfolio_reload (f->portfolio);
  g_assert_true (wait_for (loads_reached, counts));
  for (int i = 0; i < 200; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (trends, ==, 0);

  vigil_window_show_page (f->window, "overview");
  g_assert_true (wait_for (trend_read, &trends));
  average = vigil_portfolio_get_average_health (f->portfolio);
  g_assert_nonnull (average);
  g_assert_cmpuint (average->len, >, 30);

  /* On screen, a reload reads it again. */
  trends = 0;
  counts[0] = 0;
  vigil_portfolio_reload (f->portfolio);
  g_assert_true (wait_for (loads_reached, counts));
  g_assert_true (wait_for (trend_read, &trends));

  g_signal_handlers_disconnect_by_func (f->portfolio, count_trends_cb, &trends);
  g_signal_handlers_disconnect_by_func (f->portfolio, count_loads_cb, &counts[0]);
  vigil_window_show_page (f->window, "portfolio");
}

/* Accessibility and layout (design 5) ------------------------------------------------ */

/* Runs the main loop until the window has drawn @n more frames. */
static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
frames_reached (gpointer data)
{
  guint *counts = data;

  return counts[0] >= counts[1];
}

static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  guint counts[2] = { 0, n };
  guint id = gtk_widget_add_tick_callback (widget, count_frame_cb, &counts[0], NULL);

  gtk_widget_queue_draw (widget);
  g_assert_true (wait_for (frames_reached, counts));
  gtk_widget_remove_tick_callback (widget, id);
}


static gboolean
is_list_view (GtkWidget  *widget,
              const char *unused)
{
  return GTK_IS_LIST_VIEW (widget);
}

static GtkListView *
table_of (Fixture *f)
{
  GtkWidget *table = find_portfolio_table (GTK_WIDGET (_vigil_window_get_portfolio_view (f->window)));

  g_assert_nonnull (table);
  return GTK_LIST_VIEW (table);
}

/* The customer of the row at the top edge of the table's list, as the
 * screen shows it: of the mapped rows that reach below that edge, the
 * highest. */
static void
find_top_cell (GtkWidget  *widget,
               GtkWidget  *list,
               GtkWidget **top,
               float      *top_y)
{
  graphene_rect_t bounds;

  if (VIGIL_IS_TABLE_ROW (widget) && gtk_widget_get_mapped (widget) &&
      vigil_table_row_get_customer (VIGIL_TABLE_ROW (widget)) != NULL &&
      gtk_widget_compute_bounds (widget, list, &bounds) &&
      bounds.origin.y + bounds.size.height > 0 && bounds.origin.y < gtk_widget_get_height (list) &&
      (*top == NULL || bounds.origin.y < *top_y))
    {
      *top = widget;
      *top_y = bounds.origin.y;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_top_cell (child, list, top, top_y);
}

static VigilCustomer *
top_row_customer (Fixture *f)
{
  GtkWidget *list = GTK_WIDGET (table_of (f));
  GtkWidget *top = NULL;
  float top_y = 0;

  find_top_cell (list, list, &top, &top_y);
  return top != NULL ? vigil_table_row_get_customer (VIGIL_TABLE_ROW (top)) : NULL;
}

static double
table_scrolled_to (Fixture *f)
{
  return gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (table_of (f))));
}

/* The first row of what the table shows is on top, the table not scrolled. */
static gboolean
shows_first_row (gpointer data)
{
  Fixture *f = data;
  GListModel *shown_list = vigil_portfolio_view_get_shown (_vigil_window_get_portfolio_view (f->window));
  g_autoptr(VigilCustomer) first = g_list_model_get_item (shown_list, 0);

  return first != NULL && top_row_customer (f) == first && table_scrolled_to (f) == 0;
}

static gboolean
scrolled_down (gpointer data)
{
  Fixture *f = data;

  return table_scrolled_to (f) > 0 && !shows_first_row (f);
}

static void
scroll_table_down (Fixture *f)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (table_of (f)));

  /* Rows laid out first: GTK 4.8 cannot scroll to rows it has not. */
  wait_frames (GTK_WIDGET (f->window), 2);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  g_assert_true (wait_for (scrolled_down, f));
}

/* GTK 4.8 keeps the row that was on top in view after a new order
 * (row 275 of 300): the table shows the top of the new order, of a new
 * search and of a new filter. */
static void
test_window_sort_shows_top (Fixture       *f,
                            gconstpointer  data)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);

  vigil_window_show_page (f->window, "portfolio");
  g_assert_true (wait_for (shows_first_row, f));

  /* At the top already, as a new user is. */
  g_assert_true (vigil_portfolio_view_sort_by (view, "name", GTK_SORT_ASCENDING));
  g_assert_true (wait_for (shows_first_row, f));
  wait_frames (GTK_WIDGET (f->window), 3);
  g_assert_true (shows_first_row (f));
  g_assert_cmpfloat (table_scrolled_to (f), ==, 0);

  /* Scrolled to the end, as after reading the book. */
  scroll_table_down (f);
  g_assert_true (vigil_portfolio_view_sort_by (view, "mrr", GTK_SORT_DESCENDING));
  g_assert_true (wait_for (shows_first_row, f));
  wait_frames (GTK_WIDGET (f->window), 3);
  g_assert_true (shows_first_row (f));

  scroll_table_down (f);
  vigil_portfolio_view_set_filters (view, VIGIL_TIER_HEALTHY, NULL, NULL);
  g_assert_true (wait_for (shows_first_row, f));
  vigil_portfolio_view_set_filters (view, VIGIL_TIER_NONE, NULL, NULL);

  scroll_table_down (f);
  vigil_portfolio_view_set_search (view, "e");
  g_assert_true (wait_for (shows_first_row, f));
  vigil_portfolio_view_set_search (view, "");
}

static gboolean
is_poll_button (GtkWidget  *widget,
                const char *unused)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.poll") == 0;
}

static void
assert_label (GtkWidget  *widget,
              const char *label)
{
  g_autofree char *error = NULL;

  g_assert_nonnull (widget);
  error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  if (error != NULL)
    g_error ("%s labelled “%s”, not “%s”", G_OBJECT_TYPE_NAME (widget), error, label);
}

static void
assert_description (GtkWidget  *widget,
                    const char *description)
{
  g_autofree char *error = NULL;

  error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                              description);
  if (error != NULL)
    g_error ("%s: %s", G_OBJECT_TYPE_NAME (widget), error);
}

/* Every button with a mnemonic below @root, on screen or on a page out
 * of sight (a screen reader's tree holds both), is named once, by its
 * mnemonic label's words: no accessible label with the underscore
 * beside them. Returns how many it saw. */
static guint
assert_mnemonics_named_once (GtkWidget *root)
{
  guint seen = 0;

  if (GTK_IS_BUTTON (root) && gtk_button_get_use_underline (GTK_BUTTON (root)) &&
      gtk_button_get_label (GTK_BUTTON (root)) != NULL)
    {
      if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("“%s” is named twice: by its label and by its mnemonic", gtk_button_get_label (GTK_BUTTON (root)));
      g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_RELATION_LABELLED_BY));
      seen++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    seen += assert_mnemonics_named_once (child);
  return seen;
}

static gboolean
is_drop_down (GtkWidget  *widget,
              const char *unused)
{
  return GTK_IS_DROP_DOWN (widget);
}

static void
assert_drop_down_named (GtkWidget  *root,
                        const char *name)
{
  GtkWidget *dropdown = NULL;
  GtkWidget *button;
  GtkStringObject *choice;
  g_autofree char *error = NULL;

  /* The drop-down labelled @name. */
  for (GtkWidget *child = find_widget (root, is_drop_down, NULL); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_DROP_DOWN (child) &&
        gtk_test_accessible_check_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name) == NULL)
      dropdown = child;
  g_assert_nonnull (dropdown);

  /* Its button, which takes the focus, is named by it and described by
   * the choice shown. */
  button = gtk_widget_get_first_child (dropdown);
  g_assert_true (GTK_IS_TOGGLE_BUTTON (button));
  error = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                              dropdown, NULL);
  g_assert_null (error);
  choice = gtk_drop_down_get_selected_item (GTK_DROP_DOWN (dropdown));
  g_assert_true (GTK_IS_STRING_OBJECT (choice));
  assert_description (button, gtk_string_object_get_string (choice));
}

static gboolean
is_done_button (GtkWidget  *widget,
                const char *unused)
{
  return GTK_IS_BUTTON (widget) && g_str_has_prefix (gtk_widget_get_name (widget), "done-");
}

static gboolean
shows_done_button (gpointer window)
{
  return find_widget (window, is_done_button, NULL) != NULL;
}

static gboolean
is_triggers_tab (GtkWidget  *widget,
                 const char *title)
{
  g_autofree char *label = NULL;

  if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) != GTK_ACCESSIBLE_ROLE_TAB)
    return FALSE;
  g_object_get (widget, "label", &label, NULL);
  return g_strcmp0 (label, title) == 0;
}

static void
collect_tabs (GtkWidget *root,
              GPtrArray *tabs)
{
  if (is_triggers_tab (root, "Triggers"))
    g_ptr_array_add (tabs, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_tabs (child, tabs);
}

static gboolean
is_view_stack (GtkWidget  *widget,
               const char *unused)
{
  return ADW_IS_VIEW_STACK (widget);
}

/* Every control has one accessible name: the header's icon buttons, the
 * filters, every button with a mnemonic, here and on a customer page
 * with triggers; the Triggers badge is read out as it changes. */
static void
test_window_accessible_names (Fixture       *f,
                              gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWidget *view = GTK_WIDGET (_vigil_window_get_portfolio_view (f->window));
  GPtrArray *triggers = vigil_portfolio_get_triggers (f->portfolio);
  AdwViewStack *stack = ADW_VIEW_STACK (find_widget (window, is_view_stack, NULL));
  AdwViewStackPage *page = adw_view_stack_get_page (stack, adw_view_stack_get_child_by_name (stack, "triggers"));
  g_autoptr(GPtrArray) tabs = g_ptr_array_new ();
  g_autofree char *read = NULL;
  GtkWidget *churned;
  GtkWidget *merge;
  GtkWidget *done;
  guint badge;

  assert_label (find_widget (window, is_poll_button, NULL), "Poll All Sources Now");
  assert_label (find_widget (window, has_tooltip, "Search Customers (Ctrl+F)"), "Search Customers");
  assert_label (find_widget (window, has_tooltip, "Main Menu"), "Main Menu");
  assert_drop_down_named (view, "Tier");
  assert_drop_down_named (view, "Owner");
  assert_drop_down_named (view, "Segment");
  /* A new choice is described as it is made. */
  vigil_portfolio_view_set_filters (VIGIL_PORTFOLIO_VIEW (view), VIGIL_TIER_AT_RISK, NULL, NULL);
  assert_drop_down_named (view, "Tier");
  vigil_portfolio_view_set_filters (VIGIL_PORTFOLIO_VIEW (view), VIGIL_TIER_NONE, NULL, NULL);

  /* _Merge…, _All, _New Only, Mark _Churned…, Mark _Renewed…, and the
   * customer page's trigger buttons once it shows a customer with some. */
  g_assert_cmpuint (assert_mnemonics_named_once (window), >=, 5);
  g_assert_cmpuint (triggers->len, >, 0);
  g_assert_true (show_customer (f->window, ((VigilTriggerRow *) triggers->pdata[0])->customer_id));
  g_assert_nonnull (find_widget (window, shows_text, "Acknowledge"));
  g_assert_cmpuint (assert_mnemonics_named_once (window), >=, 7);
  /* A label set again is still said once. */
  churned = find_widget (window, shows_text, "Mark Churned…");
  g_assert_nonnull (churned);
  churned = gtk_widget_get_ancestor (churned, GTK_TYPE_BUTTON);
  gtk_button_set_label (GTK_BUTTON (churned), "Mark _Churned…");
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (churned), GTK_ACCESSIBLE_PROPERTY_LABEL));
  /* The timeline's day, a menu button showing "Now" or a date. */
  assert_label (find_widget (window, has_tooltip, "When it happened"), "When it happened");
  gtk_widget_activate_action (window, "win.back", NULL);

  /* The inbox's Done, a check and its word, is named by the word once. */
  vigil_window_show_page (f->window, "triggers");
  g_assert_true (wait_for (shows_done_button, window));
  done = find_widget (window, is_done_button, NULL);
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (done), GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (done), GTK_ACCESSIBLE_RELATION_LABELLED_BY));
  vigil_window_show_page (f->window, "portfolio");

  /* A dialog too, from the moment it is shown: _Cancel and _Merge. */
  merge = GTK_WIDGET (vigil_merge_dialog_new (GTK_WINDOW (f->window), f->portfolio,
                                              vigil_portfolio_find_customer (f->portfolio,
                                                                             ((VigilTriggerRow *) triggers->pdata[0])->customer_id)));
  gtk_window_present (GTK_WINDOW (merge));
  g_assert_cmpuint (assert_mnemonics_named_once (merge), >=, 2);
  gtk_window_destroy (GTK_WINDOW (merge));

  /* The badge, on each switcher's Triggers tab. */
  collect_tabs (window, tabs);
  g_assert_cmpuint (tabs->len, >=, 1);
  badge = adw_view_stack_page_get_badge_number (page);
  g_assert_cmpuint (badge, >, 1);
  read = g_strdup_printf ("%u need a decision", badge);
  for (guint i = 0; i < tabs->len; i++)
    assert_description (tabs->pdata[i], read);
  /* Whatever the badge comes to count, what it shows is read. */
  adw_view_stack_page_set_badge_number (page, 1);
  for (guint i = 0; i < tabs->len; i++)
    assert_description (tabs->pdata[i], "1 needs a decision");
  adw_view_stack_page_set_badge_number (page, 0);
  for (guint i = 0; i < tabs->len; i++)
    g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (tabs->pdata[i]),
                                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
  adw_view_stack_page_set_badge_number (page, badge);
}

static VigilTableHeader *
header_of (Fixture *f)
{
  GtkWidget *header = find_widget_of_type (GTK_WIDGET (_vigil_window_get_portfolio_view (f->window)),
                                           VIGIL_TYPE_TABLE_HEADER);

  g_assert_nonnull (header);
  return VIGIL_TABLE_HEADER (header);
}

/* The title a header button shows. */
static const char *
button_title (GtkWidget *button)
{
  GtkWidget *title = find_widget_of_type (button, GTK_TYPE_LABEL);

  g_assert_nonnull (title);
  return gtk_label_get_text (GTK_LABEL (title));
}

/* The titles of the table's columns shown: the header's buttons laid out
 * and drawn (a hidden column's button is not). */
static char *
shown_columns (Fixture *f)
{
  GString *titles = g_string_new (NULL);

  for (GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (header_of (f))); button != NULL;
       button = gtk_widget_get_next_sibling (button))
    if (gtk_widget_get_child_visible (button) && gtk_widget_get_mapped (button))
      g_string_append_printf (titles, "%s%s", titles->len > 0 ? ", " : "", button_title (button));
  return g_string_free (titles, FALSE);
}

typedef struct
{
  guint checked;
  guint cut;
} CellCount;

/* Each owner, segment and plan cell on screen is as wide as its text. */
static void
check_cells (GtkWidget *widget,
             CellCount *count)
{
  VigilCustomer *customer = VIGIL_IS_TABLE_ROW (widget) ? vigil_table_row_get_customer (VIGIL_TABLE_ROW (widget))
                                                         : NULL;

  for (guint i = 0; customer != NULL && gtk_widget_get_mapped (widget) &&
                    i < vigil_table_row_get_n_columns (VIGIL_TABLE_ROW (widget)); i++)
    {
      const char *text = vigil_table_row_get_text (VIGIL_TABLE_ROW (widget), i);
      graphene_rect_t area;

      if (!vigil_table_row_get_text_area (VIGIL_TABLE_ROW (widget), i, &area))
        continue;
      if (g_strcmp0 (text, vigil_customer_get_owner (customer)) == 0 ||
          g_strcmp0 (text, vigil_customer_get_segment (customer)) == 0 ||
          g_strcmp0 (text, vigil_customer_get_plan (customer)) == 0)
        {
          g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
          int width;

          pango_layout_get_pixel_size (layout, &width, NULL);
          count->checked++;
          if (width > area.size.width)
            {
              g_printerr ("# “%s” is cut: %d pixels in a cell of %g\n", text, width, area.size.width);
              count->cut++;
            }
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_cells (child, count);
}

typedef struct
{
  Fixture *f;
  int      width;
} Resize;

/* The window's default size holds its frame too (a few pixels). */
static gboolean
window_is_wide (gpointer data)
{
  Resize *resize = data;

  return ABS (gtk_widget_get_width (GTK_WIDGET (resize->f->window)) - resize->width) <= 20;
}

static void
resize_window (Fixture *f,
               int      width)
{
  Resize resize = { f, width };

  gtk_window_set_default_size (GTK_WINDOW (f->window), width, 720);
  if (!wait_for (window_is_wide, &resize))
    g_error ("window %d wide, not %d", gtk_widget_get_width (GTK_WIDGET (f->window)), width);
  wait_frames (GTK_WIDGET (f->window), 3);
}

/* The table's columns at @width: none scrolled out of sight, none
 * squeezed so that an owner or a plan is cut, and those given up are
 * the first of the order design 5 gives. Returns the titles shown. */
static char *
check_columns (Fixture *f,
               int      width)
{
  static const char * const drop_order[] = {
    "7-Day Trend", "Segment", "Seat Use", "Plan", "Last Active", "Triggers", "MRR", "Owner", "Renewal",
    "Last Touch", "At Stake",
  };
  GtkAdjustment *across = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (table_of (f)));
  char *titles;
  CellCount count = { 0, 0 };
  gboolean dropped = TRUE;

  resize_window (f, width);
  titles = shown_columns (f);
  g_test_message ("%d pixels: %s", width, titles);
  g_assert_cmpfloat (gtk_adjustment_get_upper (across), <=, gtk_adjustment_get_page_size (across));
  check_cells (GTK_WIDGET (table_of (f)), &count);
  g_assert_cmpuint (count.cut, ==, 0);
  if (strstr (titles, "Owner") != NULL || strstr (titles, "Plan") != NULL)
    g_assert_cmpuint (count.checked, >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (drop_order); i++)
    {
      g_autofree char *needle = g_strdup_printf (", %s,", drop_order[i]);
      g_autofree char *haystack = g_strdup_printf (", %s,", titles);
      gboolean shown_now = strstr (haystack, needle) != NULL;

      /* Once one is shown, every later one is. */
      g_assert_true (dropped || shown_now);
      dropped = !shown_now;
    }
  g_assert_nonnull (strstr (titles, "Customer"));
  g_assert_nonnull (strstr (titles, "Health"));
  g_assert_nonnull (strstr (titles, "Churn Risk"));
  return titles;
}

/* Whether every column of the table is shown. */
static gboolean
shows_every_column (Fixture *f)
{
  for (GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (header_of (f))); button != NULL;
       button = gtk_widget_get_next_sibling (button))
    if (!gtk_widget_get_child_visible (button))
      return FALSE;
  return TRUE;
}

/* The default window (1,100 pixels) shows owners whole and every column
 * it has room for; a window as wide as the screen shows every column. */
static void
test_window_columns_fit (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *wide = NULL;
  g_autofree char *usual = NULL;
  g_autofree char *narrower = NULL;

  vigil_window_show_page (f->window, "portfolio");
  g_assert_true (wait_for (shows_first_row, f));

  wide = check_columns (f, 1900);
  g_assert_true (shows_every_column (f));
  usual = check_columns (f, 1100);
  g_assert_false (shows_every_column (f));
  g_assert_nonnull (strstr (usual, "Owner"));
  narrower = check_columns (f, 800);
  g_assert_cmpuint (strlen (narrower), <, strlen (usual));
  /* And back: a column given up comes back with the room. */
  g_clear_pointer (&wide, g_free);
  wide = check_columns (f, 1900);
  g_assert_true (shows_every_column (f));
  resize_window (f, 1100);
}

/* The header's button titled @title. */
static GtkWidget *
header_button (Fixture    *f,
               const char *title)
{
  for (GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (header_of (f))); button != NULL;
       button = gtk_widget_get_next_sibling (button))
    if (g_strcmp0 (button_title (button), title) == 0)
      return button;
  g_error ("no column titled “%s”", title);
}

/* The arrow a header button shows: "pan-up-symbolic", "pan-down-symbolic"
 * or none. */
static const char *
header_arrow (GtkWidget *button)
{
  GtkWidget *arrow = find_widget_of_type (button, GTK_TYPE_IMAGE);

  g_assert_nonnull (arrow);
  return gtk_image_get_storage_type (GTK_IMAGE (arrow)) == GTK_IMAGE_ICON_NAME
         ? gtk_image_get_icon_name (GTK_IMAGE (arrow)) : NULL;
}

/* How a column header says it sorts, to a screen reader and on its arrow. */
static void
assert_header_sort (GtkWidget        *button,
                    GtkAccessibleSort sort)
{
  g_autofree char *error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (button),
                                                               GTK_ACCESSIBLE_PROPERTY_SORT, sort);

  if (error != NULL)
    g_error ("“%s” sorts %s", button_title (button), error);
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (button)), ==, GTK_ACCESSIBLE_ROLE_BUTTON);
  assert_label (button, button_title (button));
  if (sort == GTK_ACCESSIBLE_SORT_NONE)
    {
      g_assert_null (header_arrow (button));
      g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button),
                                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
    }
  else
    {
      gboolean descending = sort == GTK_ACCESSIBLE_SORT_DESCENDING;

      g_assert_cmpstr (header_arrow (button), ==, descending ? "pan-down-symbolic" : "pan-up-symbolic");
      assert_description (button, descending ? "Sorted descending" : "Sorted ascending");
    }
}

/* Whether the customers shown are in the order of @text's collation keys,
 * each pair either way (@descending), ties kept in the order of
 * @then's keys (ascending). */
static void
assert_shown_by (VigilPortfolioView *view,
                 VigilCustomerText   text,
                 gboolean            descending,
                 VigilCustomerText   then)
{
  GListModel *list = vigil_portfolio_view_get_shown (view);
  guint n = g_list_model_get_n_items (list);
  guint ties = 0;

  g_assert_cmpuint (n, >, 10);
  for (guint i = 1; i < n; i++)
    {
      int order = g_strcmp0 (vigil_customer_get_sort_key (shown (view, i - 1), text),
                             vigil_customer_get_sort_key (shown (view, i), text));

      g_assert_cmpint (descending ? -order : order, <=, 0);
      if (order == 0 && then != text)
        {
          ties++;
          g_assert_cmpint (g_strcmp0 (vigil_customer_get_sort_key (shown (view, i - 1), then),
                                      vigil_customer_get_sort_key (shown (view, i), then)), <=, 0);
        }
    }
  if (then != text)
    g_assert_cmpuint (ties, >, 0);
}

/* design 5: the table opens sorted by At Stake, highest first, which its
 * header says; a click on a column's header sorts by it ascending, a
 * second click descending, each said by the arrow and to a screen
 * reader, the others saying nothing; a click on another column sorts by
 * it, ties in the order of the column clicked before. A view saves the
 * sort clicked. */
static void
test_window_table_header (Fixture       *f,
                          gconstpointer  data)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  GtkWidget *name = header_button (f, "Customer");
  GtkWidget *owner = header_button (f, "Owner");
  GtkWidget *at_stake = header_button (f, "At Stake");
  g_autoptr(VigilView) saved = NULL;

  vigil_window_show_page (f->window, "portfolio");
  g_assert_true (wait_for (shows_first_row, f));
  assert_header_sort (at_stake, GTK_ACCESSIBLE_SORT_DESCENDING);
  assert_header_sort (name, GTK_ACCESSIBLE_SORT_NONE);

  g_signal_emit_by_name (name, "clicked");
  assert_header_sort (name, GTK_ACCESSIBLE_SORT_ASCENDING);
  assert_header_sort (at_stake, GTK_ACCESSIBLE_SORT_NONE);
  assert_shown_by (view, VIGIL_CUSTOMER_NAME, FALSE, VIGIL_CUSTOMER_NAME);
  g_assert_true (wait_for (shows_first_row, f));

  g_signal_emit_by_name (name, "clicked");
  assert_header_sort (name, GTK_ACCESSIBLE_SORT_DESCENDING);
  assert_shown_by (view, VIGIL_CUSTOMER_NAME, TRUE, VIGIL_CUSTOMER_NAME);
  saved = vigil_portfolio_view_dup_view (view);
  g_assert_cmpstr (saved->sort, ==, "name");
  g_assert_true (vigil_view_get_descending (saved));

  /* By owner, each owner's customers by name, as clicked before, but
   * lowest first again: a tie-breaker keeps the direction it had, so a
   * first click on the name makes it ascending. */
  g_signal_emit_by_name (name, "clicked");
  g_signal_emit_by_name (owner, "clicked");
  assert_header_sort (owner, GTK_ACCESSIBLE_SORT_ASCENDING);
  assert_header_sort (name, GTK_ACCESSIBLE_SORT_NONE);
  assert_shown_by (view, VIGIL_CUSTOMER_OWNER, FALSE, VIGIL_CUSTOMER_NAME);
  g_assert_true (wait_for (shows_first_row, f));

  /* A program's sort (a view) starts afresh. */
  g_assert_true (vigil_portfolio_view_sort_by (view, "at-stake", GTK_SORT_DESCENDING));
  assert_header_sort (at_stake, GTK_ACCESSIBLE_SORT_DESCENDING);
  assert_header_sort (owner, GTK_ACCESSIBLE_SORT_NONE);
}

/* The table's row on screen that shows @customer. */
static GtkWidget *
find_row_of (GtkWidget     *root,
             VigilCustomer *customer)
{
  if (VIGIL_IS_TABLE_ROW (root) && vigil_table_row_get_customer (VIGIL_TABLE_ROW (root)) == customer &&
      gtk_widget_get_mapped (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row_of (child, customer);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The header's button titled @title stands over its column's cells in
 * @row, edge to edge, in the window. */
static void
assert_header_over (Fixture    *f,
                    GtkWidget  *row,
                    const char *title,
                    const char *text)
{
  GtkWidget *button = header_button (f, title);
  graphene_rect_t area, over;
  graphene_point_t cell, header;
  gboolean found = FALSE;

  for (guint i = 0; i < vigil_table_row_get_n_columns (VIGIL_TABLE_ROW (row)); i++)
    if (g_strcmp0 (vigil_table_row_get_text (VIGIL_TABLE_ROW (row), i), text) == 0)
      found = vigil_table_row_get_text_area (VIGIL_TABLE_ROW (row), i, &area);
  g_assert_true (found);
  g_assert_true (gtk_widget_compute_point (row, GTK_WIDGET (f->window),
                                           &GRAPHENE_POINT_INIT (area.origin.x - VIGIL_TABLE_PADDING_X, 0), &cell));
  g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (f->window), &over));
  header = over.origin;
  g_assert_cmpfloat (ABS (cell.x - header.x), <=, 1);
  g_assert_cmpfloat (ABS (area.size.width + 2 * VIGIL_TABLE_PADDING_X - over.size.width), <=, 1);
}

/* design 5: each row of the table is one widget drawing its cells; a
 * screen reader reads it by its name, what each column shown says in
 * column order, and the list's row that takes the focus is named by it;
 * the name's cell gives the customer's id as a tooltip, the risk's its
 * reasons, the others none; right to left, the columns start at the
 * right edge. */
static void
test_window_table_rows (Fixture       *f,
                        gconstpointer  data)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (f->window);
  VigilCustomer *top;
  GtkWidget *row;
  graphene_rect_t name_area, owner_area, risk_area;
  g_autofree char *spoken = NULL;
  g_autofree char *health = NULL;
  g_autofree char *risk = NULL;
  g_autofree char *error = NULL;

  vigil_window_show_page (f->window, "portfolio");
  g_assert_true (wait_for (shows_first_row, f));
  resize_window (f, 1900);
  top = shown (view, 0);
  row = find_row_of (GTK_WIDGET (table_of (f)), top);
  g_assert_nonnull (row);

  /* Its name: the customer, then each column after its title. */
  health = vigil_format_percent (vigil_customer_get_churn_risk (top));
  risk = g_strdup_printf ("Churn Risk: %s", health);
  g_clear_pointer (&health, g_free);
  health = g_strdup_printf ("Health %.0f, %s", vigil_customer_get_health (top),
                            vigil_tier_get_label (vigil_customer_get_tier (top)));
  {
    const char *text = vigil_customer_get_display_name (top);
    g_autofree char *owner = g_strdup_printf ("Owner: %s", vigil_customer_get_owner (top));

    error = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (gtk_widget_get_parent (row)),
                                                GTK_ACCESSIBLE_RELATION_LABELLED_BY, row, NULL);
    g_assert_null (error);
    for (guint i = 0; i < vigil_table_row_get_n_columns (VIGIL_TABLE_ROW (row)); i++)
      if (g_strcmp0 (vigil_table_row_get_text (VIGIL_TABLE_ROW (row), i), text) == 0)
        g_assert_true (vigil_table_row_get_text_area (VIGIL_TABLE_ROW (row), i, &name_area));
    spoken = g_strdup_printf ("%s, %s", text, owner);
    error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, "");
    g_assert_nonnull (error);
    g_assert_true (g_str_has_prefix (error, spoken));
    g_assert_nonnull (strstr (error, health));
    g_assert_nonnull (strstr (error, risk));
    g_assert_true (strstr (error, health) < strstr (error, risk));
  }

  /* Tooltips by where the pointer is: the id over the name, the reasons
   * over the risk, none over the owner. */
  for (guint i = 0; i < vigil_table_row_get_n_columns (VIGIL_TABLE_ROW (row)); i++)
    {
      const char *text = vigil_table_row_get_text (VIGIL_TABLE_ROW (row), i);

      if (g_strcmp0 (text, vigil_customer_get_owner (top)) == 0)
        g_assert_true (vigil_table_row_get_text_area (VIGIL_TABLE_ROW (row), i, &owner_area));
      else if (g_str_has_prefix (risk, "Churn Risk: ") && g_strcmp0 (text, risk + strlen ("Churn Risk: ")) == 0)
        g_assert_true (vigil_table_row_get_text_area (VIGIL_TABLE_ROW (row), i, &risk_area));
    }
  {
    g_autofree char *id = _vigil_portfolio_view_dup_tooltip_at (view, row, name_area.origin.x + 2);
    g_autofree char *reasons = _vigil_portfolio_view_dup_tooltip_at (view, row, risk_area.origin.x + 2);
    g_autofree char *none = _vigil_portfolio_view_dup_tooltip_at (view, row, owner_area.origin.x + 2);
    g_autofree char *expected = g_strjoinv ("\n", (char **) vigil_customer_get_churn_factors (top));

    g_assert_cmpstr (id, ==, vigil_customer_get_id (top));
    g_assert_cmpstr (reasons, ==, expected);
    g_assert_null (none);
    g_assert_true (gtk_widget_get_has_tooltip (row));
  }
  /* Left to right, the name first; each header over its cells, with a
   * scroll bar beside the rows too (overlay scroll bars turned off). */
  g_assert_cmpfloat (name_area.origin.x, <, owner_area.origin.x);
  assert_header_over (f, row, "Owner", vigil_customer_get_owner (top));
  gtk_scrolled_window_set_overlay_scrolling (GTK_SCROLLED_WINDOW (gtk_widget_get_parent (GTK_WIDGET (table_of (f)))),
                                             FALSE);
  wait_frames (GTK_WIDGET (f->window), 3);
  assert_header_over (f, row, "Owner", vigil_customer_get_owner (top));
  assert_header_over (f, row, "Triggers", vigil_table_row_get_text (VIGIL_TABLE_ROW (row),
                                                                    vigil_table_row_get_n_columns (VIGIL_TABLE_ROW (row)) - 1));

  /* Right to left, mirrored: the name at the right edge. */
  gtk_widget_set_default_direction (GTK_TEXT_DIR_RTL);
  wait_frames (GTK_WIDGET (f->window), 3);
  row = find_row_of (GTK_WIDGET (table_of (f)), top);
  g_assert_nonnull (row);
  for (guint i = 0; i < vigil_table_row_get_n_columns (VIGIL_TABLE_ROW (row)); i++)
    {
      const char *text = vigil_table_row_get_text (VIGIL_TABLE_ROW (row), i);

      if (g_strcmp0 (text, vigil_customer_get_display_name (top)) == 0)
        g_assert_true (vigil_table_row_get_text_area (VIGIL_TABLE_ROW (row), i, &name_area));
      else if (g_strcmp0 (text, vigil_customer_get_owner (top)) == 0)
        g_assert_true (vigil_table_row_get_text_area (VIGIL_TABLE_ROW (row), i, &owner_area));
    }
  g_assert_cmpfloat (name_area.origin.x, >, owner_area.origin.x);
  g_assert_cmpfloat (name_area.origin.x + name_area.size.width + VIGIL_TABLE_PADDING_X, ==,
                     gtk_widget_get_width (row));
  assert_header_over (f, row, "Owner", vigil_customer_get_owner (top));
  gtk_widget_set_default_direction (GTK_TEXT_DIR_LTR);
  gtk_scrolled_window_set_overlay_scrolling (GTK_SCROLLED_WINDOW (gtk_widget_get_parent (GTK_WIDGET (table_of (f)))),
                                             TRUE);
  resize_window (f, 1100);

  /* The keyboard reaches the headers and the rows; a row activated (Enter,
   * a double click) opens its customer's page. */
  g_assert_true (gtk_widget_get_focusable (header_button (f, "Customer")));
  row = find_row_of (GTK_WIDGET (table_of (f)), top);
  g_assert_true (gtk_widget_get_focusable (gtk_widget_get_parent (row)));
  gtk_widget_activate_action (GTK_WIDGET (table_of (f)), "list.activate-item", "u", 0);
  g_assert_cmpstr (_vigil_window_get_visible_page (f->window), ==, "customer");
  g_assert_true (vigil_customer_page_get_customer (_vigil_window_get_customer_page (f->window)) == top);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL);
}

/* A table cell is as wide as the widest text its column expects, not as
 * its own text: showing a text measures nothing. */
static void
test_window_text_cell (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *label = gtk_label_new ("8,888,888");
  VigilTextCellSize figure, name;
  int label_natural;

  gtk_widget_add_css_class (label, "numeric");
  gtk_window_set_child (GTK_WINDOW (window), label);

  /* The widest line of the sample, and never less: figures are not cut. */
  vigil_text_cell_measure (label, TRUE, 0, "88\n8,888,888", &figure);
  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &label_natural, NULL, NULL);
  g_assert_cmpint (figure.natural, >=, label_natural - 1);
  g_assert_cmpint (figure.natural, <=, label_natural + 1);
  g_assert_cmpint (figure.minimum, ==, figure.natural);

  /* A name's cell may shrink to a few letters. */
  vigil_text_cell_measure (label, FALSE, 12, NULL, &name);
  g_assert_cmpint (name.minimum, <, name.natural);
  g_assert_cmpint (name.natural, <, figure.natural * 3);

  /* As tall as a line of text. */
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, -1, NULL, &label_natural, NULL, NULL);
  g_assert_cmpint (ABS (name.line_height - label_natural), <=, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A new user's empty book loads to no customers: no latest time, so no
 * sparkline span (the span was once computed from the smallest time and
 * overflowed). */
/* design 7: Xvfb's OpenGL is Mesa's software rasterizer (or none at all),
 * so the window draws with cairo unless GSK_RENDERER says otherwise;
 * GTK 4.8 alone picks its GL renderer over llvmpipe. */
static void
test_window_renderer_software_gl (Fixture       *f,
                                  gconstpointer  data)
{
  GskRenderer *renderer;

  if (g_getenv ("GSK_RENDERER") != NULL)
    {
      g_test_skip ("GSK_RENDERER is set: it decides the renderer");
      return;
    }
  renderer = gtk_native_get_renderer (GTK_NATIVE (f->window));
  g_assert_nonnull (renderer);
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (renderer), ==, "GskCairoRenderer");
}

/* design 7: the reasons of a customer's churn risk are put in words when
 * first asked, and say what the risk's own rule says of the row it was
 * worked out from (vigil_churn_risk_of(), as the command line and the
 * report do); a customer without a risk has none. */
static void
test_window_churn_factors (Fixture       *f,
                           gconstpointer  data)
{
  GListModel *customers = vigil_portfolio_get_customers (f->portfolio);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = vigil_store_open (f->db, &error);
  g_autoptr(VigilChurnModel) model = NULL;
  guint with_reasons = 0;

  g_assert_no_error (error);
  model = vigil_churn_trainer_load_model (store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);
      g_auto(GStrv) expected = NULL;
      const char * const *factors = vigil_customer_get_churn_factors (customer);

      vigil_churn_risk_of (model, vigil_customer_get_row (customer), &expected);
      g_assert_nonnull (factors);
      if (expected == NULL)
        g_assert_null (factors[0]);
      else
        g_assert_true (g_strv_equal ((const char * const *) expected, factors));
      /* asked again: the same words, kept */
      g_assert_true (vigil_customer_get_churn_factors (customer) == factors);
      with_reasons += factors[0] != NULL;
    }
  g_assert_cmpuint (with_reasons, >, 0);
}

/* design 5: a launch starts reading the book before GTK and the window:
 * the application holds that read, reading already, for its first
 * window, once; the read gives the whole book. */
static void
test_window_launch_read (void)
{
  g_autoptr(VigilApplication) app = vigil_application_launch (suite_db, G_APPLICATION_NON_UNIQUE);
  g_autoptr(VigilPortfolio) portfolio = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (app);
  portfolio = vigil_application_take_portfolio (app);
  g_assert_nonnull (portfolio);
  g_assert_true (vigil_portfolio_is_reading (portfolio));
  g_assert_cmpstr (vigil_portfolio_get_db_path (portfolio), ==, suite_db);
  g_assert_null (vigil_application_take_portfolio (app));

  g_assert_true (wait_for (is_loaded, portfolio));
  g_assert_false (vigil_portfolio_is_reading (portfolio));
  store = vigil_store_open (suite_db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (vigil_portfolio_get_customers (portfolio)), ==,
                    vigil_store_count_customers (store, NULL));
  g_assert_cmpuint (vigil_store_count_customers (store, NULL), >, 0);
}

/* How many customers listed have a sparkline, counted as the list
 * changes. */
static void
count_sparklines_listed_cb (GListModel *customers,
                            guint       position,
                            guint       removed,
                            guint       added,
                            guint      *with_sparkline)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);
      guint n = 0;

      vigil_customer_get_sparkline (customer, &n);
      *with_sparkline += n > 0;
    }
}

static gboolean
has_sparklines (gpointer data)
{
  return vigil_portfolio_is_loaded (data) && vigil_portfolio_has_sparklines (data);
}

/* design 7: a big book's first read lists the customers before their
 * sparklines, which a read of their own puts in place after: then each
 * is the store's, as when read with the rows. A later read brings them
 * with the rows again. */
static void
test_window_sparklines_after (void)
{
  g_autoptr(VigilPortfolio) portfolio = vigil_portfolio_new (suite_db);
  GListModel *customers = vigil_portfolio_get_customers (portfolio);
  guint with_sparkline = 0;
  gulong handler;

  _vigil_portfolio_set_sparklines_after (portfolio, 1);
  handler = g_signal_connect (customers, "items-changed", G_CALLBACK (count_sparklines_listed_cb), &with_sparkline);
  vigil_portfolio_reload (portfolio);
  g_assert_true (wait_for (is_loaded, portfolio));
  g_assert_cmpuint (g_list_model_get_n_items (customers), >, 0);
  g_assert_cmpuint (with_sparkline, ==, 0);
  g_assert_true (wait_for (has_sparklines, portfolio));
  assert_sparklines_of_store (portfolio, suite_db);

  /* The second read is no first read. */
  vigil_portfolio_reload (portfolio);
  g_assert_true (wait_for (is_settled_portfolio, portfolio));
  g_assert_true (vigil_portfolio_has_sparklines (portfolio));
  assert_sparklines_of_store (portfolio, suite_db);
  g_signal_handler_disconnect (customers, handler);
}

static void
test_window_empty_book (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilPortfolio) portfolio = NULL;

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "empty.db");
  store = vigil_store_open (db, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  portfolio = vigil_portfolio_new (db);
  vigil_portfolio_reload (portfolio);
  g_assert_true (wait_for (is_loaded, portfolio));
  g_assert_cmpuint (g_list_model_get_n_items (vigil_portfolio_get_customers (portfolio)), ==, 0);

  g_clear_object (&portfolio);
  test_dir_clear (&dir);
}

/* Accounts in the window --------------------------------------------------- */

/* A book of records with keys, imported for real from a CRM export and a
 * product-usage file: Acme is one customer of two records (crm:512 and
 * product:acme-io share acme.com), Globex, Initech and Umbrella one
 * record each. The suite's demo book has no keys. */
typedef struct
{
  TestDir         dir;
  char           *db;
  VigilPortfolio *portfolio;
  GtkWindow      *window;
  VigilCustomerPage *page;
  char           *toast;
} AccountsBook;

static void
import_into (VigilStore *store,
             TestDir    *dir,
             const char *source,
             const char *name,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_dir_write (dir, name, text, -1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (store);

  vigil_importer_set_source (importer, source);
  vigil_importer_import_file (importer, file, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
page_toast_cb (VigilCustomerPage *page,
               const char        *message,
               AccountsBook      *book)
{
  g_free (book->toast);
  book->toast = g_strdup (message);
}

static void
accounts_book_init (AccountsBook *book)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  gint64 t = g_get_real_time () / G_USEC_PER_SEC - 2 * 86400;
  g_autofree char *crm = g_strdup_printf ("id,name,owner,mrr,keys,observed_at\r\n"
                                          "512,Acme Corp,Dana Park,4200,\"[\"\"acme.com\"\",\"\"crm-512\"\"]\",%" G_GINT64_FORMAT "\r\n"
                                          "513,Globex,Noa Levi,900,globex.com,%" G_GINT64_FORMAT "\r\n"
                                          "514,Initech,Noa Levi,300,,%" G_GINT64_FORMAT "\r\n",
                                          t, t, t);
  g_autofree char *product = g_strdup_printf ("{\"customers\":["
                                              "{\"id\":\"acme-io\",\"keys\":\"acme.com\",\"observed_at\":%" G_GINT64_FORMAT ","
                                              "\"last_active\":%" G_GINT64_FORMAT ",\"api_calls_7d\":5400,\"seats\":50,\"seats_used\":41},"
                                              "{\"id\":\"umbrella-io\",\"name\":\"Umbrella\",\"observed_at\":%" G_GINT64_FORMAT ","
                                              "\"api_calls_7d\":70}]}",
                                              t + 86400, t + 86400, t + 86400);

  test_dir_init (&book->dir);
  book->db = vigil_test_book_location (&book->dir, "accounts.db");
  store = vigil_store_open (book->db, &error);
  g_assert_no_error (error);
  import_into (store, &book->dir, "crm", "crm.csv", crm);
  import_into (store, &book->dir, "product", "product.json", product);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 4);
  g_clear_object (&store);

  book->portfolio = vigil_portfolio_new (book->db);
  vigil_portfolio_reload (book->portfolio);
  g_assert_true (wait_for (is_loaded, book->portfolio));

  book->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (book->window, 800, 900);
  book->page = g_object_new (VIGIL_TYPE_CUSTOMER_PAGE, NULL);
  vigil_customer_page_set_portfolio (book->page, book->portfolio);
  g_signal_connect (book->page, "show-toast", G_CALLBACK (page_toast_cb), book);
  gtk_window_set_child (book->window, GTK_WIDGET (book->page));
  gtk_window_present (book->window);
}

static void
accounts_book_clear (AccountsBook *book)
{
  gtk_window_destroy (book->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&book->portfolio);
  g_free (book->db);
  g_free (book->toast);
  test_dir_clear (&book->dir);
}

static VigilCustomer *
customer_named (VigilPortfolio *portfolio,
                const char     *name)
{
  GListModel *all = vigil_portfolio_get_customers (portfolio);

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (all, i);

      if (g_strcmp0 (vigil_customer_get_display_name (customer), name) == 0)
        return customer;  /* the model keeps it */
    }
  return NULL;
}

static guint
n_customers (VigilPortfolio *portfolio)
{
  return g_list_model_get_n_items (vigil_portfolio_get_customers (portfolio));
}

typedef struct
{
  GtkWidget  *root;
  const char *name;
} Lookup;

static gboolean
widget_is_there (gpointer data)
{
  Lookup *lookup = data;

  return find_named (lookup->root, lookup->name) != NULL;
}

static gboolean
widget_is_gone (gpointer data)
{
  return !widget_is_there (data);
}

/* The record row SOURCE:ID of the page, once the records are loaded. */
static GtkWidget *
wait_for_record_row (AccountsBook *book,
                     const char   *record)
{
  g_autofree char *name = g_strdup_printf ("record-%s", record);
  Lookup lookup = { GTK_WIDGET (book->page), name };

  g_assert_true (wait_for (widget_is_there, &lookup));
  return find_named (GTK_WIDGET (book->page), name);
}

static GtkWidget *
row_button (GtkWidget *row)
{
  GtkWidget *button = find_widget (row, is_button, NULL);

  g_assert_nonnull (button);
  return button;
}

/* The customer page of an account of two records lists both, each with
 * its source, id, keys and last observation, and each can be unlinked;
 * an account of one record lists it with Unlink off. */
static void
test_window_records (void)
{
  AccountsBook book = { 0 };
  GtkWidget *crm, *product, *initech;
  const char *subtitle;

  accounts_book_init (&book);
  g_assert_true (show_on_page (book.page, customer_named (book.portfolio, "Acme Corp")));

  crm = wait_for_record_row (&book, "crm:512");
  product = wait_for_record_row (&book, "product:acme-io");
  g_assert_cmpstr (vigil_section_text_row_get_title (crm), ==, "crm · 512");
  g_assert_cmpstr (vigil_section_text_row_get_title (product), ==, "product · acme-io");
  subtitle = vigil_section_text_row_get_subtitle (crm);
  g_assert_nonnull (strstr (subtitle, "Keys: acme.com, crm-512"));
  g_assert_nonnull (strstr (subtitle, "Last observed "));
  g_assert_nonnull (strstr (subtitle, "(2 days ago)"));
  subtitle = vigil_section_text_row_get_subtitle (product);
  g_assert_nonnull (strstr (subtitle, "Keys: acme.com\n"));
  g_assert_nonnull (strstr (subtitle, "(24 hours ago)"));
  g_assert_true (gtk_widget_get_sensitive (row_button (crm)));
  g_assert_true (gtk_widget_get_sensitive (row_button (product)));

  /* The breakdown says, in words, which source gave each input. */
  {
    GtkWidget *volume = find_named (GTK_WIDGET (book.page), "measure-volume");

    g_assert_nonnull (volume);
    g_assert_true (g_str_has_suffix (vigil_section_text_row_get_subtitle (volume),
                                     ", from product"));
  }

  g_assert_true (show_on_page (book.page, customer_named (book.portfolio, "Initech")));
  initech = wait_for_record_row (&book, "crm:514");
  g_assert_nonnull (strstr (vigil_section_text_row_get_subtitle (initech), "No keys"));
  g_assert_false (gtk_widget_get_sensitive (row_button (initech)));
  /* one source: nothing to say */
  {
    GtkWidget *breadth = find_named (GTK_WIDGET (book.page), "measure-activity");

    g_assert_true (breadth == NULL ||
                   strstr (vigil_section_text_row_get_subtitle (breadth), ", from ") == NULL);
  }

  accounts_book_clear (&book);
}

/* Unlink takes the record out into a customer of its own through the
 * core, reloads, says so, and the page lists what is left. */
static void
test_window_unlink (void)
{
  AccountsBook book = { 0 };
  guint counts[2] = { 0, 1 };
  Lookup gone = { NULL, "record-product:acme-io" };
  GtkWidget *crm;

  accounts_book_init (&book);
  g_assert_true (show_on_page (book.page, customer_named (book.portfolio, "Acme Corp")));
  g_signal_connect (book.portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  g_signal_emit_by_name (row_button (wait_for_record_row (&book, "product:acme-io")), "clicked");
  g_assert_true (wait_for (loads_reached, counts));
  g_signal_handlers_disconnect_by_func (book.portfolio, count_loads_cb, &counts[0]);

  g_assert_cmpuint (n_customers (book.portfolio), ==, 5);
  g_assert_cmpstr (book.toast, ==, "product:acme-io unlinked: it is a customer of its own now");
  gone.root = GTK_WIDGET (book.page);
  g_assert_true (wait_for (widget_is_gone, &gone));
  crm = wait_for_record_row (&book, "crm:512");
  g_assert_false (gtk_widget_get_sensitive (row_button (crm)));
  g_assert_cmpstr (vigil_customer_page_get_title (book.page), ==, "Acme Corp");

  accounts_book_clear (&book);
}

static void
collect_sections (GtkWidget *widget,
                  GPtrArray *names)
{
  if (VIGIL_IS_CUSTOMER_SECTION (widget))
    g_ptr_array_add (names, (gpointer) G_OBJECT_TYPE_NAME (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_sections (child, names);
}

static gboolean
is_expander_row (GtkWidget  *widget,
                 const char *unused)
{
  return ADW_IS_EXPANDER_ROW (widget);
}

static gboolean
is_of_type (GtkWidget  *widget,
            const char *type_name)
{
  return g_strcmp0 (G_OBJECT_TYPE_NAME (widget), type_name) == 0;
}

/* The customer page is its sections, in the order design 5 gives, each a
 * VigilCustomerSection; a different customer folds the raw snapshot
 * away again, the same one (a reload) leaves it as the user opened it. */
static void
test_window_sections (void)
{
  static const char *const expected[] = {
    "VigilHeaderSection", "VigilRiskSection", "VigilHistorySection", "VigilPulseSection", "VigilBreakdownSection",
    "VigilUsageSection", "VigilAdoptionSection", "VigilTimelineSection", "VigilTriggersSection",
    "VigilOutcomeSection",
    "VigilRecordsSection", "VigilSnapshotSection",
  };
  AccountsBook book = { 0 };
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  AdwExpanderRow *snapshot;

  accounts_book_init (&book);
  g_assert_true (show_on_page (book.page, customer_named (book.portfolio, "Acme Corp")));
  collect_sections (GTK_WIDGET (book.page), names);
  g_assert_cmpuint (names->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < names->len; i++)
    g_assert_cmpstr (names->pdata[i], ==, expected[i]);

  snapshot = ADW_EXPANDER_ROW (find_widget (find_widget (GTK_WIDGET (book.page), is_of_type, "VigilSnapshotSection"),
                                            is_expander_row, NULL));
  g_assert_nonnull (snapshot);
  adw_expander_row_set_expanded (snapshot, TRUE);
  g_assert_true (show_on_page (book.page, customer_named (book.portfolio, "Acme Corp")));
  g_assert_true (adw_expander_row_get_expanded (snapshot));
  g_assert_true (show_on_page (book.page, customer_named (book.portfolio, "Initech")));
  g_assert_false (adw_expander_row_get_expanded (snapshot));

  accounts_book_clear (&book);
}

static void
merged_cb (VigilMergeDialog *dialog,
           const char       *message,
           gint64            absorbed,
           gint64            survivor,
           AccountsBook     *book)
{
  g_free (book->toast);
  book->toast = g_strdup (message);
}

static gboolean
shows_one (gpointer data)
{
  return g_list_model_get_n_items (vigil_merge_dialog_get_shown (data)) == 1;
}

static gboolean
shows_none (gpointer data)
{
  return g_list_model_get_n_items (vigil_merge_dialog_get_shown (data)) == 0;
}

static gboolean
is_search_entry (GtkWidget  *widget,
                 const char *unused)
{
  return GTK_IS_SEARCH_ENTRY (widget);
}

/* Merge…: the other customers, never the customer itself, filtered by
 * what is typed; nothing is merged until one is chosen; choosing one and
 * confirming joins the two through the core, reloads and says so. */
static void
test_window_merge (void)
{
  AccountsBook book = { 0 };
  guint counts[2] = { 0, 1 };
  VigilMergeDialog *dialog;
  GtkWidget *search, *merge;
  GtkSelectionModel *selection;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  VigilCustomer *initech;

  accounts_book_init (&book);
  initech = customer_named (book.portfolio, "Initech");

  /* Escape in the search (the search entry's stop-search) cancels. */
  dialog = vigil_merge_dialog_new (book.window, book.portfolio, initech);
  gtk_window_present (GTK_WINDOW (dialog));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_emit_by_name (find_widget (GTK_WIDGET (dialog), is_search_entry, NULL), "stop-search");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (dialog);
  g_assert_cmpuint (n_customers (book.portfolio), ==, 4);

  dialog = vigil_merge_dialog_new (book.window, book.portfolio, initech);
  g_signal_connect (dialog, "merged", G_CALLBACK (merged_cb), &book);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (vigil_merge_dialog_get_shown (dialog)), ==, 3);

  search = find_widget (GTK_WIDGET (dialog), is_search_entry, NULL);
  merge = find_widget (GTK_WIDGET (dialog), shows_text, "Merge");
  g_assert_nonnull (merge);
  merge = gtk_widget_get_parent (merge);
  gtk_editable_set_text (GTK_EDITABLE (search), "initech");
  g_assert_true (wait_for (shows_none, dialog));
  gtk_editable_set_text (GTK_EDITABLE (search), "UMBR");
  g_assert_true (wait_for (shows_one, dialog));
  g_assert_false (gtk_widget_get_sensitive (merge));

  selection = gtk_list_view_get_model (GTK_LIST_VIEW (find_widget (GTK_WIDGET (dialog), is_list_view, NULL)));
  gtk_selection_model_select_item (selection, 0, TRUE);
  g_assert_true (gtk_widget_get_sensitive (merge));

  g_signal_connect (book.portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  g_signal_emit_by_name (merge, "clicked");
  g_assert_true (wait_for (loads_reached, counts));
  g_signal_handlers_disconnect_by_func (book.portfolio, count_loads_cb, &counts[0]);

  g_assert_cmpuint (n_customers (book.portfolio), ==, 3);
  g_assert_cmpstr (book.toast, ==, "“Initech” and “Umbrella” merged into one customer");
  store = vigil_store_open (book.db, &error);
  g_assert_no_error (error);
  records = vigil_store_list_records (store, vigil_store_find_customer (store, "crm:514", NULL, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpstr (((VigilRecordRow *) records->pdata[1])->external_id, ==, "umbrella-io");

  accounts_book_clear (&book);
}

/* The inbox (design 5) ------------------------------------------------------ */

/* The window's badge counts customers waiting for a decision on a new
 * risk, not trigger rows: on the demo book, fewer than the new rows. */
static void
test_window_trigger_badge (Fixture       *f,
                           gconstpointer  data)
{
  GPtrArray *triggers = vigil_portfolio_get_triggers (f->portfolio);
  AdwViewStack *stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (f->window), is_view_stack, NULL));
  AdwViewStackPage *page = adw_view_stack_get_page (stack, GTK_WIDGET (_vigil_window_get_triggers_page (f->window)));
  g_autoptr(GHashTable) deciding = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint new_rows = 0;

  for (guint i = 0; i < triggers->len; i++)
    {
      VigilTriggerRow *trigger = triggers->pdata[i];

      if (!g_str_equal (trigger->state, "new"))
        continue;
      new_rows++;
      if (g_str_equal (trigger->kind, "risk"))
        g_hash_table_add (deciding, &trigger->customer_id);
    }
  g_assert_cmpuint (g_hash_table_size (deciding), >, 0);
  g_assert_cmpuint (g_hash_table_size (deciding), <, new_rows);
  g_assert_cmpuint (adw_view_stack_page_get_badge_number (page), ==, g_hash_table_size (deciding));
  g_assert_true (adw_view_stack_page_get_needs_attention (page));
}

/* A book of 300 customers, each silent for four days and using 9 of 10
 * seats: a risk and an upsell each, MRR 100 to 30,000. */
typedef struct
{
  TestDir            dir;
  char              *db;
  VigilPortfolio    *portfolio;
  GtkWindow         *window;
  VigilTriggersPage *page;
} InboxBook;

/* More than a list view makes rows for at once (200 in GTK 4.8): the
 * last ones exist only once scrolled to. */
#define INBOX_CUSTOMERS 300

static void
inbox_book_init (InboxBook *book)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GString) csv = g_string_new ("id,name,mrr,seats,seats_used,last_active,api_calls_7d,observed_at\r\n");
  gint64 t = g_get_real_time () / G_USEC_PER_SEC - 3600;

  for (int i = 0; i < INBOX_CUSTOMERS; i++)
    g_string_append_printf (csv, "c%03d,Customer %03d,%d,10,9,%" G_GINT64_FORMAT ",100,%" G_GINT64_FORMAT "\r\n",
                            i, i, 100 * (i + 1), t - 4 * 86400, t);

  test_dir_init (&book->dir);
  book->db = vigil_test_book_location (&book->dir, "inbox.db");
  store = vigil_store_open (book->db, &error);
  g_assert_no_error (error);
  import_into (store, &book->dir, "crm", "crm.csv", csv->str);
  g_clear_object (&store);

  book->portfolio = vigil_portfolio_new (book->db);
  vigil_portfolio_reload (book->portfolio);
  g_assert_true (wait_for (is_loaded, book->portfolio));

  book->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (book->window, 900, 700);
  book->page = g_object_new (VIGIL_TYPE_TRIGGERS_PAGE, NULL);
  vigil_triggers_page_set_portfolio (book->page, book->portfolio);
  gtk_window_set_child (book->window, GTK_WIDGET (book->page));
  gtk_window_present (book->window);
}

static void
inbox_book_clear (InboxBook *book)
{
  gtk_window_destroy (book->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&book->portfolio);
  g_free (book->db);
  test_dir_clear (&book->dir);
}

static VigilInboxItem *
inbox_item (GListModel *inbox,
            guint       position)
{
  VigilInboxItem *item = g_list_model_get_item (inbox, position);

  g_object_unref (item);  /* the model keeps it */
  return item;
}

static gboolean
has_class (GtkWidget  *widget,
           const char *css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

/* Clicks @button and waits for the reload it asks for. */
static void
click_and_reload (VigilPortfolio *portfolio,
                  GtkWidget      *button)
{
  guint counts[2] = { 0, 1 };

  g_signal_connect (portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (wait_for (loads_reached, counts));
  g_signal_handlers_disconnect_by_func (portfolio, count_loads_cb, &counts[0]);
}

static VigilTriggerRow *
inbox_trigger (gint64      id,
               const char *state,
               const char *evidence)
{
  VigilTriggerRow *row = g_new0 (VigilTriggerRow, 1);

  row->id = id;
  row->customer_id = 7;
  row->customer = g_strdup ("acme");
  row->rule = g_strdup ("usage-drop");
  row->kind = g_strdup ("risk");
  row->state = g_strdup (state);
  row->evidence = g_strdup (evidence);
  row->tier = VIGIL_TIER_AT_RISK;
  row->first_seen = 1700000000;
  return row;
}

/* A new list of the same triggers, as a reload reads them again. */
static GPtrArray *
inbox_triggers (const char *state,
                const char *evidence)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_trigger_row_free);

  g_ptr_array_add (rows, inbox_trigger (1, "new", "logins fell by half"));
  g_ptr_array_add (rows, inbox_trigger (2, state, evidence));
  return rows;
}

/* Whether updating @item with @triggers and this stake, name and tier
 * says the item changed. */
static gboolean
inbox_update (VigilInboxItem *item,
              GPtrArray      *triggers,
              double          mrr,
              const char     *name,
              VigilTier       tier)
{
  VigilInboxEntry entry = { { 7, mrr, 0.25, 19700 }, triggers };

  return vigil_inbox_item_update (item, &entry, triggers, name, tier);
}

/* design 5: an inbox item says it changed when anything its row shows
 * did (name, tier, what is at stake to six digits, each trigger's id,
 * rule, state, evidence, tier and first day), and only then, whatever
 * list of rows it is handed: a poll that changes nothing moves nothing. */
static void
test_window_inbox_item_update (void)
{
  g_autoptr(VigilInboxItem) item = vigil_inbox_item_new (7);
  g_autoptr(GPtrArray) first = inbox_triggers ("new", "no login in 14 days");
  g_autoptr(GPtrArray) again = inbox_triggers ("new", "no login in 14 days");
  g_autoptr(GPtrArray) acked = inbox_triggers ("acknowledged", "no login in 14 days");
  g_autoptr(GPtrArray) worse = inbox_triggers ("acknowledged", "no login in 21 days");
  g_autoptr(GPtrArray) fewer = inbox_triggers ("acknowledged", "no login in 21 days");
  guint changes = 0;

  g_signal_connect (item, "changed", G_CALLBACK (count_cb), &changes);
  g_assert_true (inbox_update (item, first, 1200, "Acme", VIGIL_TIER_AT_RISK));
  g_assert_false (inbox_update (item, again, 1200, "Acme", VIGIL_TIER_AT_RISK));
  g_assert_true (vigil_inbox_item_get_triggers (item)->pdata[0] == again->pdata[0]);
  g_assert_false (inbox_update (item, again, 1200.0000001, "Acme", VIGIL_TIER_AT_RISK));
  g_assert_true (inbox_update (item, again, 1300, "Acme", VIGIL_TIER_AT_RISK));
  g_assert_true (inbox_update (item, again, NAN, "Acme", VIGIL_TIER_AT_RISK));
  g_assert_false (inbox_update (item, again, NAN, "Acme", VIGIL_TIER_AT_RISK));
  g_assert_true (inbox_update (item, again, NAN, "Acme Corp", VIGIL_TIER_AT_RISK));
  g_assert_true (inbox_update (item, again, NAN, "Acme Corp", VIGIL_TIER_HIGH_RISK));
  g_assert_true (inbox_update (item, acked, NAN, "Acme Corp", VIGIL_TIER_HIGH_RISK));
  g_assert_true (inbox_update (item, worse, NAN, "Acme Corp", VIGIL_TIER_HIGH_RISK));
  g_ptr_array_remove_index (fewer, 0);
  g_assert_true (inbox_update (item, fewer, NAN, "Acme Corp", VIGIL_TIER_HIGH_RISK));
  g_assert_cmpuint (changes, ==, 8);
  g_assert_cmpstr (vigil_inbox_item_get_name (item), ==, "Acme Corp");
  g_assert_cmpint (vigil_inbox_item_get_tier (item), ==, VIGIL_TIER_HIGH_RISK);
}

/* One open trigger of customer @customer_id, whose MRR is @mrr. */
static VigilTriggerRow *
list_trigger (gint64 customer_id)
{
  VigilTriggerRow *row = inbox_trigger (100 + customer_id, "new", "logins fell by half");

  row->customer_id = customer_id;
  return row;
}

/* Fills @list with one entry per trigger of @triggers, each customer's
 * MRR from @mrr (indexed by customer id), and commits it. */
static void
list_commit (VigilInboxList *list,
             GPtrArray      *triggers,
             const double   *mrr)
{
  for (guint i = 0; i < triggers->len; i++)
    {
      VigilTriggerRow *trigger = triggers->pdata[i];
      VigilInboxEntry *entry = g_new0 (VigilInboxEntry, 1);
      g_autofree char *name = g_strdup_printf ("Customer %" G_GINT64_FORMAT, trigger->customer_id);

      vigil_inbox_stake_init (&entry->stake, trigger->customer_id);
      entry->stake.mrr = mrr[trigger->customer_id];
      entry->stake.churn_risk = 0.5;
      entry->triggers = g_ptr_array_new ();
      g_ptr_array_add (entry->triggers, trigger);
      vigil_inbox_list_add_entry (list, entry, name, VIGIL_TIER_AT_RISK);
    }
  vigil_inbox_list_commit (list, triggers);
}

typedef struct
{
  guint position, removed, added, n_calls;
} ItemsChanged;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *changed)
{
  *changed = (ItemsChanged) { position, removed, added, changed->n_calls + 1 };
}

/* design 5, 7: the inbox's list puts its customers in the order of
 * vigil_inbox_rank whatever order they came in, makes an item when asked
 * and keeps it while its customer is listed (updated to the new
 * triggers), and says only which positions changed: none when a reload
 * lists the same customers in the same order, one when a customer in the
 * middle leaves. */
static void
test_window_inbox_list (void)
{
  g_autoptr(VigilInboxList) list = vigil_inbox_list_new ();
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_trigger_row_free);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_trigger_row_free);
  g_autoptr(GPtrArray) fewer = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_trigger_row_free);
  g_autoptr(VigilInboxItem) kept = NULL;
  g_autoptr(VigilInboxItem) asked_again = NULL;
  double mrr[10];
  ItemsChanged changed = { 0 };
  guint position;

  /* Customers 1 to 9, MRR 100 to 900, listed in their store order. */
  for (gint64 id = 1; id <= 9; id++)
    {
      mrr[id] = 100.0 * (double) id;
      g_ptr_array_add (first, list_trigger (id));
      g_ptr_array_add (again, list_trigger (id));
      if (id != 5)
        g_ptr_array_add (fewer, list_trigger (id));
    }
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &changed);
  list_commit (list, first, mrr);
  g_assert_cmpuint (changed.n_calls, ==, 1);
  g_assert_cmpuint (changed.added, ==, 9);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 9);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == VIGIL_TYPE_INBOX_ITEM);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 9));
  /* The most at stake first: customer 9 ... customer 1. */
  for (guint i = 0; i < 9; i++)
    {
      g_autoptr(VigilInboxItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpint (vigil_inbox_item_get_customer_id (item), ==, 9 - (gint64) i);
      g_assert_cmpuint (vigil_inbox_item_get_triggers (item)->len, ==, 1);
      g_assert_true (vigil_inbox_item_get_triggers (item)->pdata[0] == first->pdata[8 - i]);
    }
  kept = g_list_model_get_item (G_LIST_MODEL (list), 2);
  asked_again = g_list_model_get_item (G_LIST_MODEL (list), 2);
  g_assert_true (kept == asked_again);
  g_assert_cmpstr (vigil_inbox_item_get_name (kept), ==, "Customer 7");

  /* Read again, the same customers in the same order: nothing moves, and
   * the item shows the new list's trigger. */
  list_commit (list, again, mrr);
  g_assert_cmpuint (changed.n_calls, ==, 1);
  g_clear_object (&asked_again);
  asked_again = g_list_model_get_item (G_LIST_MODEL (list), 2);
  g_assert_true (kept == asked_again);
  g_assert_true (vigil_inbox_item_get_triggers (kept)->pdata[0] == again->pdata[6]);

  /* Customer 5 (fifth of nine) leaves: one position removed there. */
  list_commit (list, fewer, mrr);
  g_assert_cmpuint (changed.n_calls, ==, 2);
  g_assert_cmpuint (changed.position, ==, 4);
  g_assert_cmpuint (changed.removed, ==, 1);
  g_assert_cmpuint (changed.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 8);
  g_assert_false (vigil_inbox_list_find (list, 5, NULL));
  g_assert_true (vigil_inbox_list_find (list, 4, &position));
  g_assert_cmpuint (position, ==, 4);
  g_clear_object (&asked_again);
  asked_again = g_list_model_get_item (G_LIST_MODEL (list), 2);
  g_assert_true (kept == asked_again);
  g_assert_true (vigil_inbox_item_get_triggers (kept)->pdata[0] == fewer->pdata[5]);

  /* Customer 1 now has the most at stake: it moves to the top. */
  mrr[1] = 10000;
  g_ptr_array_set_size (again, 0);
  for (gint64 id = 1; id <= 9; id++)
    if (id != 5)
      g_ptr_array_add (again, list_trigger (id));
  list_commit (list, again, mrr);
  g_assert_cmpuint (changed.n_calls, ==, 3);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 8);
  g_assert_cmpuint (changed.added, ==, 8);
  g_assert_true (vigil_inbox_list_find (list, 1, &position));
  g_assert_cmpuint (position, ==, 0);

  vigil_inbox_list_clear (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_cmpuint (changed.removed, ==, 8);
}

/* The inbox lists one row per customer with all its open triggers, every
 * one of them reachable (no cap: 300 customers, 600 triggers), ranked by
 * MRR at stake; Acknowledge and Done look different; Done on the last
 * customer's triggers works, and the customer leaves with its last. */
static void
test_window_inbox (void)
{
  InboxBook book = { 0 };
  GListModel *inbox;
  GPtrArray *triggers;
  g_autoptr(GHashTable) listed = g_hash_table_new (g_int64_hash, g_int64_equal);
  VigilInboxItem *last;
  GPtrArray *last_triggers;
  gint64 risk_id = 0, upsell_id = 0, last_customer;
  g_autofree char *ack_name = NULL;
  g_autofree char *done_name = NULL;
  g_autofree char *upsell_done_name = NULL;
  GtkWidget *list_view, *ack, *done, *content;
  char *icon_name = NULL, *label = NULL;
  Lookup lookup;

  inbox_book_init (&book);
  inbox = vigil_triggers_page_get_model (book.page);
  triggers = vigil_portfolio_get_triggers (book.portfolio);
  g_assert_cmpuint (triggers->len, ==, 2 * INBOX_CUSTOMERS);
  g_assert_cmpuint (g_list_model_get_n_items (inbox), ==, INBOX_CUSTOMERS);

  /* Each trigger in its customer's row, once; the rows in the order of
   * vigil_inbox_rank, the largest MRR (same risk) first. */
  for (guint i = 0; i < INBOX_CUSTOMERS; i++)
    {
      VigilInboxItem *item = inbox_item (inbox, i);
      GPtrArray *item_triggers = vigil_inbox_item_get_triggers (item);

      g_assert_cmpuint (item_triggers->len, ==, 2);
      for (guint t = 0; t < item_triggers->len; t++)
        {
          VigilTriggerRow *trigger = item_triggers->pdata[t];

          g_assert_cmpint (trigger->customer_id, ==, vigil_inbox_item_get_customer_id (item));
          g_assert_false (g_hash_table_contains (listed, &trigger->id));
          g_hash_table_add (listed, &trigger->id);
        }
      if (i > 0)
        g_assert_cmpint (vigil_inbox_rank (vigil_inbox_item_get_stake (inbox_item (inbox, i - 1)),
                                           vigil_inbox_item_get_stake (item)), <, 0);
    }
  g_assert_cmpuint (g_hash_table_size (listed), ==, triggers->len);
  g_assert_cmpstr (vigil_inbox_item_get_name (inbox_item (inbox, 0)), ==, "Customer 299");

  /* Acknowledged from the keyboard, the first customer's risk keeps the
   * keyboard in its row, on the same trigger's next button. */
  {
    VigilInboxItem *first = inbox_item (inbox, 0);
    VigilTriggerRow *risk = vigil_inbox_item_get_triggers (first)->pdata[0];
    g_autofree char *row_name = g_strdup_printf ("customer-%" G_GINT64_FORMAT,
                                                 vigil_inbox_item_get_customer_id (first));
    g_autofree char *first_ack = g_strdup_printf ("ack-%" G_GINT64_FORMAT, risk->id);
    g_autofree char *line_name = g_strdup_printf ("trigger-%" G_GINT64_FORMAT, risk->id);
    GtkWidget *button;
    GtkWidget *focus;

    g_assert_cmpstr (risk->kind, ==, "risk");
    lookup = (Lookup) { GTK_WIDGET (book.page), first_ack };
    g_assert_true (wait_for (widget_is_there, &lookup));
    button = find_named (GTK_WIDGET (book.page), first_ack);
    g_assert_true (gtk_widget_grab_focus (button));
    click_and_reload (book.portfolio, button);
    g_assert_null (find_named (GTK_WIDGET (book.page), first_ack));
    focus = gtk_root_get_focus (GTK_ROOT (book.window));
    g_assert_nonnull (focus);
    g_assert_true (gtk_widget_is_ancestor (focus, find_named (GTK_WIDGET (book.page), line_name)));
    g_assert_true (gtk_widget_is_ancestor (focus, find_named (GTK_WIDGET (book.page), row_name)));
  }

  /* The last row, far below the first screen, is reached by scrolling. */
  last = inbox_item (inbox, INBOX_CUSTOMERS - 1);
  last_customer = vigil_inbox_item_get_customer_id (last);
  g_assert_cmpstr (vigil_inbox_item_get_name (last), ==, "Customer 000");
  last_triggers = vigil_inbox_item_get_triggers (last);
  for (guint t = 0; t < last_triggers->len; t++)
    {
      VigilTriggerRow *trigger = last_triggers->pdata[t];

      if (g_str_equal (trigger->kind, "risk"))
        risk_id = trigger->id;
      else
        upsell_id = trigger->id;
    }
  ack_name = g_strdup_printf ("ack-%" G_GINT64_FORMAT, risk_id);
  done_name = g_strdup_printf ("done-%" G_GINT64_FORMAT, risk_id);
  upsell_done_name = g_strdup_printf ("done-%" G_GINT64_FORMAT, upsell_id);
  list_view = find_widget (GTK_WIDGET (book.page), is_list_view, NULL);
  g_assert_nonnull (list_view);
  g_assert_null (find_named (list_view, done_name));
  gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", INBOX_CUSTOMERS - 1);
  lookup = (Lookup) { list_view, done_name };
  g_assert_true (wait_for (widget_is_there, &lookup));

  /* Acknowledge is a plain button in words; Done a flat check with its
   * word: they do not look alike. */
  ack = find_named (list_view, ack_name);
  done = find_named (list_view, done_name);
  g_assert_nonnull (ack);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (ack)), ==, "Acknowledge");
  g_assert_false (has_class (ack, "flat"));
  g_assert_false (gtk_button_get_use_underline (GTK_BUTTON (ack)));
  g_assert_true (has_class (done, "flat"));
  g_assert_true (has_class (done, "trigger-done"));
  content = gtk_button_get_child (GTK_BUTTON (done));
  g_assert_true (ADW_IS_BUTTON_CONTENT (content));
  g_object_get (content, "icon-name", &icon_name, "label", &label, NULL);
  g_assert_cmpstr (icon_name, ==, "object-select-symbolic");
  g_assert_cmpstr (label, ==, "Done");
  g_free (icon_name);
  g_free (label);

  /* Done on its risk: the customer stays with its upsell. */
  click_and_reload (book.portfolio, done);
  g_assert_cmpuint (g_list_model_get_n_items (inbox), ==, INBOX_CUSTOMERS);
  last = inbox_item (inbox, INBOX_CUSTOMERS - 1);
  g_assert_cmpint (vigil_inbox_item_get_customer_id (last), ==, last_customer);
  g_assert_cmpuint (vigil_inbox_item_get_triggers (last)->len, ==, 1);
  g_assert_cmpint (((VigilTriggerRow *) vigil_inbox_item_get_triggers (last)->pdata[0])->id, ==, upsell_id);

  /* Done on its upsell too: the customer leaves the inbox. */
  lookup = (Lookup) { list_view, upsell_done_name };
  g_assert_true (wait_for (widget_is_there, &lookup));
  g_assert_true (gtk_widget_grab_focus (find_named (list_view, upsell_done_name)));
  click_and_reload (book.portfolio, find_named (list_view, upsell_done_name));
  g_assert_cmpuint (g_list_model_get_n_items (inbox), ==, INBOX_CUSTOMERS - 1);
  for (guint i = 0; i < INBOX_CUSTOMERS - 1; i++)
    g_assert_cmpint (vigil_inbox_item_get_customer_id (inbox_item (inbox, i)), !=, last_customer);
  /* The keyboard stays in the list, on the row that took its place. */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (book.window)), list_view));

  /* In a narrow window a trigger's buttons go below it. */
  {
    VigilInboxItem *first = inbox_item (inbox, 0);
    gint64 id = ((VigilTriggerRow *) vigil_inbox_item_get_triggers (first)->pdata[0])->id;
    g_autofree char *line_name = g_strdup_printf ("trigger-%" G_GINT64_FORMAT, id);

    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", 0);
    lookup = (Lookup) { list_view, line_name };
    g_assert_true (wait_for (widget_is_there, &lookup));
    g_assert_cmpint (gtk_orientable_get_orientation (GTK_ORIENTABLE (find_named (list_view, line_name))), ==,
                     GTK_ORIENTATION_HORIZONTAL);
    vigil_triggers_page_set_compact (book.page, TRUE);
    g_assert_true (wait_for (widget_is_there, &lookup));
    g_assert_cmpint (gtk_orientable_get_orientation (GTK_ORIENTABLE (find_named (list_view, line_name))), ==,
                     GTK_ORIENTATION_VERTICAL);
  }

  inbox_book_clear (&book);
}

static gboolean
is_label_of (GtkWidget  *widget,
             const char *text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* design 7: the rows GTK builds beyond the first screen are filled a
 * few a frame; each comes to show its own customer and triggers. */
static void
test_window_inbox_fills (void)
{
  InboxBook book = { 0 };
  GListModel *inbox;
  guint positions[] = { 0, 150 };

  inbox_book_init (&book);
  inbox = vigil_triggers_page_get_model (book.page);
  g_assert_cmpuint (g_list_model_get_n_items (inbox), ==, INBOX_CUSTOMERS);
  for (guint p = 0; p < G_N_ELEMENTS (positions); p++)
    {
      VigilInboxItem *item = inbox_item (inbox, positions[p]);
      GPtrArray *item_triggers = vigil_inbox_item_get_triggers (item);
      g_autofree char *row_name = g_strdup_printf ("customer-%" G_GINT64_FORMAT,
                                                   vigil_inbox_item_get_customer_id (item));
      GtkWidget *row;
      Lookup lookup;

      for (guint t = 0; t < item_triggers->len; t++)
        {
          g_autofree char *line_name = g_strdup_printf ("trigger-%" G_GINT64_FORMAT,
                                                        ((VigilTriggerRow *) item_triggers->pdata[t])->id);

          lookup = (Lookup) { GTK_WIDGET (book.page), line_name };
          g_assert_true (wait_for (widget_is_there, &lookup));
        }
      row = find_named (GTK_WIDGET (book.page), row_name);
      g_assert_nonnull (row);
      g_assert_nonnull (find_widget (row, is_label_of, vigil_inbox_item_get_name (item)));
    }
  inbox_book_clear (&book);
}

/* The details line of @item's row: "MRR 1,200 · churn risk …" (NULL
 * while the row waits, empty, or has none). */
static const char *
inbox_row_details (InboxBook *book,
                   VigilInboxItem *item)
{
  g_autofree char *row_name = g_strdup_printf ("customer-%" G_GINT64_FORMAT, vigil_inbox_item_get_customer_id (item));
  GtkWidget *row = find_named (GTK_WIDGET (book->page), row_name);

  for (GtkWidget *w = row; w != NULL; w = gtk_widget_get_first_child (w))
    for (GtkWidget *child = gtk_widget_get_first_child (w); child != NULL; child = gtk_widget_get_next_sibling (child))
      for (GtkWidget *label = gtk_widget_get_first_child (child); label != NULL; label = gtk_widget_get_next_sibling (label))
        if (GTK_IS_LABEL (label) && gtk_widget_get_visible (label) &&
            g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), "MRR "))
          return gtk_label_get_text (GTK_LABEL (label));
  return NULL;
}

static gboolean
details_start_with (gpointer data)
{
  gpointer *args = data;

  return inbox_row_details (args[0], args[1]) != NULL && g_str_has_prefix (inbox_row_details (args[0], args[1]), args[2]);
}

/* design 7: a reload that changes what every row shows (a new MRR for
 * every customer, as a poll brings) redraws at once the rows on screen;
 * a row the list keeps off screen shows what it showed until it is
 * filled again, a few a frame, and then shows the new figures. */
static void
test_window_inbox_refills (void)
{
  InboxBook book = { 0 };
  g_autoptr(GString) csv = g_string_new ("id,name,mrr,seats,seats_used,last_active,api_calls_7d,observed_at\r\n");
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_new = NULL, *later_old = NULL, *later_new = NULL;
  gint64 t = g_get_real_time () / G_USEC_PER_SEC - 1800;
  VigilInboxItem *first, *later;
  GListModel *inbox;
  guint counts[2] = { 0, 1 };
  gpointer args[3];

  inbox_book_init (&book);
  inbox = vigil_triggers_page_get_model (book.page);
  first = inbox_item (inbox, 0);
  later = inbox_item (inbox, 150);
  g_assert_cmpstr (vigil_inbox_item_get_name (first), ==, "Customer 299");
  g_assert_cmpstr (vigil_inbox_item_get_name (later), ==, "Customer 149");
  {
    g_autofree char *money = vigil_format_money (15000);

    later_old = g_strdup_printf ("MRR %s", money);
  }
  args[0] = &book;
  args[1] = later;
  args[2] = later_old;
  g_assert_true (wait_for (details_start_with, args));

  /* Every customer's MRR up by 7, in the same order. */
  for (int i = 0; i < INBOX_CUSTOMERS; i++)
    g_string_append_printf (csv, "c%03d,Customer %03d,%d,10,9,%" G_GINT64_FORMAT ",100,%" G_GINT64_FORMAT "\r\n",
                            i, i, 100 * (i + 1) + 7, t - 4 * 86400, t);
  store = vigil_store_open (book.db, &error);
  g_assert_no_error (error);
  import_into (store, &book.dir, "crm", "crm2.csv", csv->str);
  g_signal_connect (book.portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  vigil_portfolio_reload (book.portfolio);
  g_assert_true (wait_for (loads_reached, counts));
  g_signal_handlers_disconnect_by_func (book.portfolio, count_loads_cb, &counts[0]);

  /* No frame yet: the first row shows the new MRR, the later one the old. */
  {
    g_autofree char *money = vigil_format_money (30007);

    first_new = g_strdup_printf ("MRR %s", money);
  }
  {
    g_autofree char *money = vigil_format_money (15007);

    later_new = g_strdup_printf ("MRR %s", money);
  }
  g_assert_true (inbox_item (inbox, 0) == first);
  g_assert_true (inbox_item (inbox, 150) == later);
  args[1] = first;
  args[2] = first_new;
  g_assert_true (details_start_with (args));
  args[1] = later;
  args[2] = later_old;
  g_assert_true (details_start_with (args));

  /* Filled again a few a frame, it comes to show the new MRR. */
  args[2] = later_new;
  g_assert_true (wait_for (details_start_with, args));
  inbox_book_clear (&book);
}

static void
frame_painted_cb (GdkFrameClock *clock,
                  gboolean      *painted)
{
  *painted = TRUE;
}

/* Has @window paint @n frames, whatever else asks for them. */
static void
paint_frames (GtkWindow *window,
              guint      n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gboolean painted = FALSE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_painted_cb), &painted);

  for (guint i = 0; i < n; i++)
    {
      painted = FALSE;
      gtk_widget_queue_draw (GTK_WIDGET (window));
      g_assert_true (wait_for (is_true, &painted));
    }
  g_signal_handler_disconnect (clock, handler);
}

/* How many trigger lines below @widget are shown. */
static guint
count_shown_lines (GtkWidget *widget)
{
  guint n = gtk_widget_is_visible (widget) && g_str_has_prefix (gtk_widget_get_name (widget), "trigger-") ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_shown_lines (child);
  return n;
}

/* design 7: the rows filled as the inbox is shown (eight, two trigger
 * lines each here) are what its first frame lays out anew: that frame
 * fills no more on top of them, and each later frame three. */
static void
test_window_inbox_first_frame (void)
{
  InboxBook book = { 0 };

  inbox_book_init (&book);
  g_assert_cmpuint (count_shown_lines (GTK_WIDGET (book.page)), ==, 8 * 2);
  paint_frames (book.window, 1);
  g_assert_cmpuint (count_shown_lines (GTK_WIDGET (book.page)), ==, 8 * 2);
  paint_frames (book.window, 1);
  g_assert_cmpuint (count_shown_lines (GTK_WIDGET (book.page)), ==, 11 * 2);
  inbox_book_clear (&book);
}

/* design 7: a hidden inbox fills none of the rows waiting for a frame,
 * however many frames the window paints; shown again, it fills them. */
static void
test_window_inbox_fills_when_shown (void)
{
  InboxBook book = { 0 };
  GListModel *inbox;
  GtkStack *stack;
  VigilInboxItem *first, *later;
  g_autofree char *first_line = NULL;
  g_autofree char *later_line = NULL;
  Lookup lookup;

  inbox_book_init (&book);
  inbox = vigil_triggers_page_get_model (book.page);
  g_assert_cmpuint (g_list_model_get_n_items (inbox), ==, INBOX_CUSTOMERS);
  first = inbox_item (inbox, 0);
  later = inbox_item (inbox, 150);
  first_line = g_strdup_printf ("trigger-%" G_GINT64_FORMAT,
                                ((VigilTriggerRow *) vigil_inbox_item_get_triggers (first)->pdata[0])->id);
  later_line = g_strdup_printf ("trigger-%" G_GINT64_FORMAT,
                                ((VigilTriggerRow *) vigil_inbox_item_get_triggers (later)->pdata[0])->id);

  /* The inbox in a stack, shown until its first rows are filled, the
   * later ones still waiting; then another page. */
  stack = GTK_STACK (gtk_stack_new ());
  g_object_ref (book.page);
  gtk_window_set_child (book.window, NULL);
  gtk_stack_add_named (stack, GTK_WIDGET (book.page), "inbox");
  g_object_unref (book.page);
  gtk_stack_add_named (stack, gtk_label_new ("Elsewhere"), "other");
  gtk_window_set_child (book.window, GTK_WIDGET (stack));
  lookup = (Lookup) { GTK_WIDGET (book.page), first_line };
  g_assert_true (wait_for (widget_is_there, &lookup));
  lookup = (Lookup) { GTK_WIDGET (book.page), later_line };
  g_assert_false (widget_is_there (&lookup));
  gtk_stack_set_visible_child_name (stack, "other");
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (book.page)));

  /* Enough frames to fill every row GTK built, three a frame. */
  paint_frames (book.window, 100);
  g_assert_false (widget_is_there (&lookup));

  gtk_stack_set_visible_child_name (stack, "inbox");
  g_assert_true (wait_for (widget_is_there, &lookup));
  inbox_book_clear (&book);
}

/* design 5: the inbox and the overview follow a reload that came while
 * they were hidden as soon as they are shown: a trigger worked and a
 * customer churned behind another page show there. */
static void
test_window_hidden_pages_follow (void)
{
  InboxBook book = { 0 };
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilCustomer) churning = NULL;
  g_autofree char *total = NULL;
  VigilOverviewPage *overview;
  VigilInboxItem *first;
  GListModel *inbox;
  GtkStack *stack;
  gint64 customer_id, done_id;
  guint counts[2] = { 0, 1 };
  guint trends = 0;
  guint n_before;

  inbox_book_init (&book);
  inbox = vigil_triggers_page_get_model (book.page);
  n_before = g_list_model_get_n_items (inbox);
  g_assert_cmpuint (n_before, ==, INBOX_CUSTOMERS);
  first = inbox_item (inbox, 0);
  customer_id = vigil_inbox_item_get_customer_id (first);
  g_assert_cmpuint (vigil_inbox_item_get_triggers (first)->len, ==, 2);
  done_id = ((VigilTriggerRow *) vigil_inbox_item_get_triggers (first)->pdata[0])->id;
  churning = g_list_model_get_item (vigil_portfolio_get_customers (book.portfolio), 7);
  g_assert_cmpint (vigil_customer_get_store_id (churning), !=, customer_id);

  /* The inbox and the overview in a stack, another page on screen. */
  stack = GTK_STACK (gtk_stack_new ());
  g_object_ref (book.page);
  gtk_window_set_child (book.window, NULL);
  gtk_stack_add_named (stack, GTK_WIDGET (book.page), "inbox");
  g_object_unref (book.page);
  overview = g_object_new (VIGIL_TYPE_OVERVIEW_PAGE, NULL);
  vigil_overview_page_set_portfolio (overview, book.portfolio);
  gtk_stack_add_named (stack, GTK_WIDGET (overview), "overview");
  gtk_stack_add_named (stack, gtk_label_new ("Elsewhere"), "other");
  gtk_stack_set_visible_child_name (stack, "other");
  gtk_window_set_child (book.window, GTK_WIDGET (stack));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (book.page)));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (overview)));

  /* Behind it: a trigger done, a customer churned, and a reload. */
  store = vigil_store_open (book.db, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_store_set_trigger_state (store, done_id, "done", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vigil_store_record_outcome (store, vigil_customer_get_store_id (churning), "churned",
                                             vigil_time_get_day (g_get_real_time () / G_USEC_PER_SEC), &error));
  g_assert_no_error (error);
  g_signal_connect (book.portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  vigil_portfolio_reload (book.portfolio);
  g_assert_true (wait_for (loads_reached, counts));
  g_signal_handlers_disconnect_by_func (book.portfolio, count_loads_cb, &counts[0]);

  /* Shown, the inbox lists what the reload read: the customer's one
   * trigger left. */
  gtk_stack_set_visible_child_name (stack, "inbox");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (book.page)));
  for (guint i = 0; i < g_list_model_get_n_items (inbox); i++)
    {
      VigilInboxItem *item = inbox_item (inbox, i);
      GPtrArray *triggers = vigil_inbox_item_get_triggers (item);

      if (vigil_inbox_item_get_customer_id (item) == customer_id)
        {
          g_assert_cmpuint (triggers->len, ==, 1);
          g_assert_cmpint (((VigilTriggerRow *) triggers->pdata[0])->id, !=, done_id);
        }
    }

  /* Shown, the overview counts the active book the reload read, and
   * reads its year of health (waited for: on a team's book the test's
   * database goes when the test ends, and a read under way with it). */
  g_signal_connect (book.portfolio, "trend-loaded", G_CALLBACK (count_trends_cb), &trends);
  gtk_stack_set_visible_child_name (stack, "overview");
  total = g_strdup_printf ("%u customers in all", INBOX_CUSTOMERS - 1);
  g_assert_nonnull (find_widget (GTK_WIDGET (overview), shows_text_starting, total));
  g_assert_true (wait_for (trend_read, &trends));
  g_signal_handlers_disconnect_by_func (book.portfolio, count_trends_cb, &trends);

  inbox_book_clear (&book);
}

/* Each different value of @get among the customers, in collation order:
 * what vigil_portfolio_list_texts() must give. */
static GPtrArray *
expected_texts (VigilPortfolio       *portfolio,
                VigilCustomerGetText  get)
{
  GListModel *customers = vigil_portfolio_get_customers (portfolio);
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);
      const char *value = get (customer);

      if (value != NULL && !g_ptr_array_find_with_equal_func (values, value, g_str_equal, NULL))
        g_ptr_array_add (values, g_strdup (value));
    }
  return values;
}

static void
assert_texts (VigilPortfolio       *portfolio,
              VigilCustomerGetText  get,
              const char * const   *want)
{
  g_autoptr(GPtrArray) listed = vigil_portfolio_list_texts (portfolio, get);
  g_autoptr(GPtrArray) present = expected_texts (portfolio, get);

  g_assert_cmpuint (listed->len, ==, g_strv_length ((char **) want));
  g_assert_cmpuint (present->len, ==, listed->len);
  for (guint i = 0; i < listed->len; i++)
    {
      g_assert_cmpstr (listed->pdata[i], ==, want[i]);
      g_assert_true (g_ptr_array_find_with_equal_func (present, want[i], g_str_equal, NULL));
    }
}

/* design 5: the filters' owners and segments and the columns' widths
 * read the book's different owners, segments and plans in the user's
 * collation order, unknown ones left out, and a reload that brings a new
 * one lists it (they are read with the book, off the main thread). */
static void
test_window_book_texts (void)
{
  static const char first[] =
    "id,name,owner,segment,plan,mrr,observed_at\r\n"
    "a1,Alpha,dana,SMB,pro,100,2026-11-01T12:00:00Z\r\n"
    "a2,Beta,Bo,Enterprise,,200,2026-11-01T12:00:00Z\r\n"
    "a3,Gamma,dana,,pro,300,2026-11-01T12:00:00Z\r\n"
    "a4,Delta,,SMB,basic,400,2026-11-01T12:00:00Z\r\n";
  static const char second[] =
    "id,name,owner,segment,plan,mrr,observed_at\r\n"
    "a3,Gamma,Ann,Mid-Market,team,300,2026-11-02T12:00:00Z\r\n";
  TestDir dir;
  g_autofree char *db = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilPortfolio) portfolio = NULL;
  g_autoptr(GError) error = NULL;
  guint counts[2] = { 0, 1 };

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "texts.db");
  store = vigil_store_open (db, &error);
  g_assert_no_error (error);
  import_into (store, &dir, "crm", "first.csv", first);

  portfolio = vigil_portfolio_new (db);
  vigil_portfolio_reload (portfolio);
  g_assert_true (wait_for (is_loaded, portfolio));
  assert_texts (portfolio, vigil_customer_get_owner, (const char *[]) { "Bo", "dana", NULL });
  assert_texts (portfolio, vigil_customer_get_segment, (const char *[]) { "Enterprise", "SMB", NULL });
  assert_texts (portfolio, vigil_customer_get_plan, (const char *[]) { "basic", "pro", NULL });
  /* Any other text is gathered from the customers. */
  assert_texts (portfolio, vigil_customer_get_id, (const char *[]) { "a1", "a2", "a3", "a4", NULL });

  /* Gamma's newer snapshot: a new owner, segment and plan. */
  import_into (store, &dir, "crm", "second.csv", second);
  g_signal_connect (portfolio, "loaded", G_CALLBACK (count_loads_cb), &counts[0]);
  vigil_portfolio_reload (portfolio);
  g_assert_true (wait_for (loads_reached, counts));
  g_signal_handlers_disconnect_by_func (portfolio, count_loads_cb, &counts[0]);
  assert_texts (portfolio, vigil_customer_get_owner, (const char *[]) { "Ann", "Bo", "dana", NULL });
  assert_texts (portfolio, vigil_customer_get_segment,
                (const char *[]) { "Enterprise", "Mid-Market", "SMB", NULL });
  assert_texts (portfolio, vigil_customer_get_plan, (const char *[]) { "basic", "pro", "team", NULL });

  g_clear_object (&portfolio);
  g_clear_object (&store);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Before any thread: the edited source's query secret. */
  g_setenv ("VIGIL_WINDOW_TEST_SIG", "sig-window-test", TRUE);
  if (!gtk_init_check ())
    {
      g_printerr ("test-window needs a display: run it under xvfb-run\n");
      return 77;
    }
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/window/rows", test_window_rows);
  ADD ("/window/sort", test_window_sort);
  ADD ("/window/renderer-software-gl", test_window_renderer_software_gl);
  ADD ("/window/search-and-filters", test_window_search_and_filters);
  ADD ("/window/search-keeps-selection", test_window_search_keeps_selection);
  ADD ("/window/search-replaces-text", test_window_search_replaces_text);
  ADD ("/window/search-deleting-back", test_window_search_deleting_back);
  ADD ("/window/active-book", test_window_active_book);
  ADD ("/window/customer-page", test_window_customer_page);
  ADD ("/window/page-fills-in-view-first", test_window_page_fills_in_view_first);
  ADD ("/window/churn-factors", test_window_churn_factors);
  ADD ("/window/table-header", test_window_table_header);
  ADD ("/window/table-rows", test_window_table_rows);
  ADD ("/window/trigger-ack", test_window_trigger_ack);
  ADD ("/window/trigger-badge", test_window_trigger_badge);
  ADD ("/window/outcome-refit-fails", test_window_outcome_refit_fails);
  ADD ("/window/timeline", test_window_timeline);
  ADD ("/window/page-follows-when-shown", test_window_page_follows_when_shown);
  ADD ("/window/timeline-pages", test_window_timeline_pages);
  ADD ("/window/failing-source", test_window_failing_source);
  ADD ("/window/suspect-source", test_window_suspect_source);
  ADD ("/window/edit-source", test_window_edit_source);
  ADD ("/window/reload-in-place", test_window_reload_in_place);
  ADD ("/window/reload-new-and-gone", test_window_reload_new_and_gone);
  ADD ("/window/sparklines", test_window_sparklines);
  ADD ("/window/trend-on-demand", test_window_trend_on_demand);
  ADD ("/window/sort-shows-top", test_window_sort_shows_top);
  ADD ("/window/accessible-names", test_window_accessible_names);
  ADD ("/window/columns-fit", test_window_columns_fit);

  g_test_add_func ("/window/text-cell", test_window_text_cell);
  g_test_add_func ("/window/filter-list", test_window_filter_list);
  g_test_add_func ("/window/filter-list-kept", test_window_filter_list_kept);
  g_test_add_func ("/window/empty-book", test_window_empty_book);
  g_test_add_func ("/window/launch-read", test_window_launch_read);
  g_test_add_func ("/window/sparklines-after", test_window_sparklines_after);
  g_test_add_func ("/window/records", test_window_records);
  g_test_add_func ("/window/unlink", test_window_unlink);
  g_test_add_func ("/window/sections", test_window_sections);
  g_test_add_func ("/window/merge", test_window_merge);
  g_test_add_func ("/window/inbox", test_window_inbox);
  g_test_add_func ("/window/inbox-fills", test_window_inbox_fills);
  g_test_add_func ("/window/inbox-item-update", test_window_inbox_item_update);
  g_test_add_func ("/window/inbox-list", test_window_inbox_list);
  g_test_add_func ("/window/inbox-fills-when-shown", test_window_inbox_fills_when_shown);
  g_test_add_func ("/window/inbox-refills", test_window_inbox_refills);
  g_test_add_func ("/window/inbox-first-frame", test_window_inbox_first_frame);
  g_test_add_func ("/window/hidden-pages-follow", test_window_hidden_pages_follow);
  g_test_add_func ("/window/book-texts", test_window_book_texts);

  suite_setup ();
  status = g_test_run ();
  g_clear_object (&suite_app);
  g_clear_pointer (&notifications, g_ptr_array_unref);
  test_dir_clear (&suite_dir);
  vigil_test_book_drop_lasting (suite_database);
  g_free (suite_db);
  return status;
}
