/* vigil-screenshots.c: renders the window's main views to PNG files
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by build-aux/screenshots.sh under xvfb-run. Opens the window on the
 * demo portfolio of `vigil --demo` (same seed, customers and days) and
 * renders each view, light and dark, wide and narrow, and the customer
 * page's timeline with a few touches logged, straight from the widget
 * tree: no X screenshot, no window-manager decorations.
 *
 *   vigil-screenshots OUTPUT_DIR [--now UNIX_SECONDS]
 *
 * The demo history ends at --now, by default the start of the current UTC
 * day: the window measures "last active" and renewals against the clock, so
 * a history that ended long ago would not look like a morning's work.
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-demo.h"
#include "vigil-application.h"
#include "vigil-source-assistant.h"
#include "vigil-timeline-section.h"
#include "vigil-window-private.h"
#include "vigil-test-widgets.h"

/* As `vigil --demo` (src/cli/vigil-cli.c) */
#define DEMO_SEED 20261123
#define DEMO_CUSTOMERS 300
#define DEMO_DAYS 365

typedef struct
{
  const char *name;
  int         width;
  int         height;
  gboolean    dark_too;
  const char *pages[5];
} Layout;

static const Layout layouts[] = {
  { "wide", 1280, 800, TRUE, { "portfolio", "overview", "customer", "triggers", NULL } },
  { "narrow", 420, 800, FALSE, { "portfolio", "customer", NULL } },
};

static void
run_main_loop_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + (gint64) msec * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* Until the window has its size and has drawn a few frames at it */
static gboolean
wait_for_layout (GtkWidget *window)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (gtk_widget_get_width (window) <= 0 && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  run_main_loop_for (300);
  return gtk_widget_get_width (window) > 0;
}

static gboolean
wait_until_loaded (VigilPortfolio *portfolio)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!vigil_portfolio_is_loaded (portfolio) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return vigil_portfolio_is_loaded (portfolio);
}

/* A customer worth showing: open triggers of both kinds if there are,
 * at risk or worse, the most triggers. */
static gint64
pick_customer (VigilPortfolio *portfolio)
{
  GPtrArray *triggers = vigil_portfolio_get_triggers (portfolio);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 best = -1;
  int best_score = -1;

  for (guint i = 0; i < triggers->len; i++)
    {
      VigilTriggerRow *row = triggers->pdata[i];
      VigilCustomer *customer = vigil_portfolio_find_customer (portfolio, row->customer_id);
      int score;

      if (customer == NULL)
        continue;
      score = 10 * (int) vigil_customer_get_open_triggers (customer);
      if (vigil_customer_get_tier (customer) == VIGIL_TIER_AT_RISK)
        score += 25;
      if (score > best_score)
        {
          best_score = score;
          best = row->customer_id;
        }
    }
  if (best < 0 && g_list_model_get_n_items (vigil_portfolio_get_customers (portfolio)) > 0)
    {
      g_autoptr(VigilCustomer) first = g_list_model_get_item (vigil_portfolio_get_customers (portfolio), 0);

      best = vigil_customer_get_store_id (first);
    }
  return best;
}

/* The table as it opens (design 3.2: the active book, the most
 * at stake first), from the top. */
static void
show_top (VigilWindow *window)
{
  VigilPortfolioView *view = _vigil_window_get_portfolio_view (window);
  GtkWidget *table = find_portfolio_table (GTK_WIDGET (view));

  /* A list view keeps its top item in sight through a sort: once it has
   * scrolled there, back to the top. */
  run_main_loop_for (300);
  if (table != NULL)
    gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (table)), 0);
}

/* What @widget, a native (a window or a popover), shows, as a texture. */
static GdkTexture *
render_native (GtkWidget  *widget,
               GError    **error)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL || renderer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Nothing to render (%d×%d, %s)",
                   width, height, renderer == NULL ? "no renderer" : "no render node");
      return NULL;
    }
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static cairo_surface_t *
texture_to_surface (GdkTexture     *texture,
                    cairo_format_t  format)
{
  cairo_surface_t *surface = cairo_image_surface_create (format, gdk_texture_get_width (texture),
                                                         gdk_texture_get_height (texture));

  cairo_surface_flush (surface);
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        (gsize) cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* @window, and @popover (a menu open on it, a surface of its own) drawn
 * where it is. */
static gboolean
save_window_with (GtkWidget   *window,
                  GtkWidget   *popover,
                  const char  *path,
                  GError     **error)
{
  g_autoptr(GdkTexture) texture = render_native (window, error);
  cairo_surface_t *surface;
  gboolean written;

  if (texture == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  /* The window is opaque: RGB without alpha keeps the committed files small. */
  surface = texture_to_surface (texture, CAIRO_FORMAT_RGB24);
  if (popover != NULL && gtk_widget_get_mapped (popover))
    {
      g_autoptr(GdkTexture) popup = render_native (popover, error);
      GdkSurface *popup_surface = gtk_native_get_surface (GTK_NATIVE (popover));
      double window_x, window_y, popup_x, popup_y;
      cairo_surface_t *menu;
      cairo_t *cr;

      if (popup == NULL)
        {
          cairo_surface_destroy (surface);
          return FALSE;
        }
      /* Surfaces hold their shadows around the widgets. */
      gtk_native_get_surface_transform (GTK_NATIVE (window), &window_x, &window_y);
      gtk_native_get_surface_transform (GTK_NATIVE (popover), &popup_x, &popup_y);
      menu = texture_to_surface (popup, CAIRO_FORMAT_ARGB32);
      cr = cairo_create (surface);
      cairo_set_source_surface (cr, menu, gdk_popup_get_position_x (GDK_POPUP (popup_surface)) + popup_x - window_x,
                                gdk_popup_get_position_y (GDK_POPUP (popup_surface)) + popup_y - window_y);
      cairo_paint (cr);
      cairo_destroy (cr);
      cairo_surface_destroy (menu);
    }
  written = cairo_surface_write_to_png (surface, path) == CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy (surface);
  if (!written)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not write %s", path);
      return FALSE;
    }
  g_print ("%s (%d×%d)\n", path, gtk_widget_get_width (window), gtk_widget_get_height (window));
  return TRUE;
}

static gboolean
save_window (GtkWidget   *window,
             const char  *path,
             GError     **error)
{
  return save_window_with (window, NULL, path, error);
}

/* The assistant (design 5) --------------------------------------------------
 *
 * Adding a source by clicking, against a CRM-like list served on
 * 127.0.0.1 by this program: its own member names, the owner in an
 * object, money in cents, times in Unix milliseconds, a next link. */

#define CRM_PAGE \
  "{\"results\": {\"items\": [" \
  "  {\"id\": 512, \"company_name\": \"Acme Corp\", \"owner\": {\"name\": \"Dana Park\"}," \
  "   \"plan\": {\"name\": \"Enterprise\", \"interval\": \"month\"}, \"amount\": 420000," \
  "   \"usage\": {\"api_calls\": 3200, \"seats_active\": 47}, \"seats\": 50," \
  "   \"lastSeen\": 1795255200000, \"domain\": \"ACME.com\", \"tags\": [\"emea\", \"priority\"]}," \
  "  {\"id\": 513, \"company_name\": \"Initech\", \"owner\": {\"name\": \"Sam Lee\"}," \
  "   \"plan\": {\"name\": \"Starter\", \"interval\": \"month\"}, \"amount\": 99900," \
  "   \"usage\": {\"api_calls\": 12, \"seats_active\": 3}, \"seats\": 10," \
  "   \"lastSeen\": 1795000000000, \"domain\": \"initech.example\", \"tags\": []}," \
  "  {\"id\": 514, \"company_name\": \"Umbrella\", \"owner\": {\"name\": \"Dana Park\"}," \
  "   \"plan\": {\"name\": \"Growth\", \"interval\": \"month\"}, \"amount\": 250000," \
  "   \"usage\": {\"api_calls\": 900, \"seats_active\": 18}, \"seats\": 25," \
  "   \"lastSeen\": 1794900000000, \"domain\": \"umbrella.example\", \"tags\": [\"renewal\"]}]}," \
  " \"links\": {\"next\": \"/v2/companies?page=2\"}}"

/* Zendesk's organizations, as its documentation shows them. */
#define ZENDESK_PAGE \
  "{\"organizations\": [" \
  "  {\"id\": 35436, \"name\": \"Acme Corp\", \"external_id\": \"crm-512\"," \
  "   \"domain_names\": [\"Acme.com\", \"acme.io\"], \"organization_fields\": {\"mrr\": 4200}}," \
  "  {\"id\": 35437, \"name\": \"Biglytics\", \"external_id\": null," \
  "   \"domain_names\": [\"biglytics.net\"], \"organization_fields\": {\"mrr\": 1200.5}}]," \
  " \"meta\": {\"has_more\": false}, \"links\": {\"next\": null}}"

/* A CRM export as a spreadsheet writes it. */
#define CRM_EXPORT \
  "Account ID;Company name;Annual Revenue;Monthly Revenue;Last Activity Date;Account Owner;Region\r\n" \
  "c-1;Northwind Traders;\"50.406,00\";4.200,50;05/03/2026 14:23;Dana Park;EMEA\r\n" \
  "c-2;Contoso;11.988,00;999,00;25/03/2026 08:00;Sam Lee;Americas\r\n" \
  "c-3;Fabrikam;30.000,00;2.500,00;02/04/2026 17:45;Dana Park;EMEA\r\n"

static void
crm_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  const char *body = g_str_equal (path, "/login") ? "<!doctype html><title>Sign in</title>"
                     : g_str_has_prefix (path, "/api/v2/organizations") ? ZENDESK_PAGE : CRM_PAGE;

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, g_str_equal (path, "/login") ? "text/html" : "application/json",
                                    SOUP_MEMORY_STATIC, body, strlen (body));
}

static gboolean
assistant_is_idle (VigilSourceAssistant *assistant)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (vigil_source_assistant_is_busy (assistant) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return !vigil_source_assistant_is_busy (assistant);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
save_assistant_with (VigilSourceAssistant  *assistant,
                     GtkWidget             *popover,
                     const char            *output,
                     const char            *name,
                     GError               **error)
{
  g_autofree char *path = g_build_filename (output, name, NULL);

  run_main_loop_for (600);
  return save_window_with (GTK_WIDGET (assistant), popover, path, error);
}

static gboolean
save_assistant (VigilSourceAssistant  *assistant,
                const char            *output,
                const char            *name,
                GError               **error)
{
  return save_assistant_with (assistant, NULL, output, name, error);
}

/* Each step: what to connect, where (and a web page where the API should
 * be), the first customer with the fields guessed and some clicked. */
static gboolean
shoot_assistant (VigilWindow  *window,
                 const char   *output,
                 GError      **error)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  g_autofree char *login = NULL;
  VigilSourceAssistant *assistant;
  gboolean ok;
  int port;

  soup_server_add_handler (server, NULL, crm_handler, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  url = g_strdup_printf ("http://127.0.0.1:%d/v2/companies", port);
  login = g_strdup_printf ("http://127.0.0.1:%d/login", port);

  assistant = vigil_source_assistant_new (GTK_WINDOW (window), vigil_window_get_portfolio (window));
  gtk_window_set_default_size (GTK_WINDOW (assistant), 980, 720);
  gtk_window_present (GTK_WINDOW (assistant));
  ok = wait_for_layout (GTK_WIDGET (assistant)) &&
       save_assistant (assistant, output, "add-source-1-kind.png", error);

  if (ok)
    {
      gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.choose", "s", "json");
      gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (assistant), "url")), login);
      gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (assistant), "name")), "crm");
      gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (assistant), "token")), "pat-eu1-0000");
      g_signal_emit_by_name (find_named (GTK_WIDGET (assistant), "primary"), "clicked");
      ok = assistant_is_idle (assistant) && save_assistant (assistant, output, "add-source-2-error.png", error);
    }
  if (ok)
    {
      gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (assistant), "url")), url);
      ok = save_assistant (assistant, output, "add-source-2-connect.png", error);
    }
  if (ok)
    {
      g_signal_emit_by_name (find_named (GTK_WIDGET (assistant), "primary"), "clicked");
      ok = assistant_is_idle (assistant);
    }
  if (ok)
    {
      /* Clicks beyond the guess: the amount in cents is MRR, seats used,
       * API calls. */
      gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.assign", "(siis)", "/amount",
                                  (gint32) VIGIL_FIELD_MRR, (gint32) VIGIL_TRANSFORM_CENTS, "");
      ok = assistant_is_idle (assistant);
      gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.assign", "(siis)", "/usage/seats_active",
                                  (gint32) VIGIL_FIELD_SEATS_USED, (gint32) VIGIL_TRANSFORM_NONE, "");
      ok = ok && assistant_is_idle (assistant);
      gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.assign", "(siis)", "/usage/api_calls",
                                  (gint32) VIGIL_FIELD_API_CALLS_7D, (gint32) VIGIL_TRANSFORM_NONE, "");
      ok = ok && assistant_is_idle (assistant) &&
           save_assistant (assistant, output, "add-source-3-map.png", error);
    }
  if (ok)
    {
      /* The menu a click on a value opens. */
      GtkWidget *button;

      /* Tall enough for the menu of a value halfway down. */
      gtk_window_set_default_size (GTK_WINDOW (assistant), 980, 960);
      run_main_loop_for (600);
      button = find_named (GTK_WIDGET (assistant), "/amount");

      ok = button != NULL;
      if (ok)
        {
          /* Beside the value: below it, the window would cut it short. */
          gtk_popover_set_position (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)), GTK_POS_RIGHT);
          gtk_menu_button_popup (GTK_MENU_BUTTON (button));
          ok = save_assistant_with (assistant, GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))),
                                    output, "add-source-3-menu.png", error);
          gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
        }
    }
  gtk_window_destroy (GTK_WINDOW (assistant));
  run_main_loop_for (100);

  /* A preset: its second step, and the records it brings. */
  assistant = vigil_source_assistant_new (GTK_WINDOW (window), vigil_window_get_portfolio (window));
  gtk_window_set_default_size (GTK_WINDOW (assistant), 980, 720);
  gtk_window_present (GTK_WINDOW (assistant));
  ok = ok && wait_for_layout (GTK_WIDGET (assistant));
  if (ok)
    {
      g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%d", port);

      gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.choose", "s", "preset:zendesk-organizations");
      ok = save_assistant (assistant, output, "add-source-preset-connect.png", error);
      gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (assistant), "url")), base);
      gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (assistant), "user")), "dana@acme.example/token");
      gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (assistant), "token")), "zd-0000");
      gtk_switch_set_active (GTK_SWITCH (find_named (GTK_WIDGET (assistant), "usual-mrr")), TRUE);
      g_signal_emit_by_name (find_named (GTK_WIDGET (assistant), "primary"), "clicked");
      ok = ok && assistant_is_idle (assistant) &&
           save_assistant (assistant, output, "add-source-preset-records.png", error);
    }
  gtk_window_destroy (GTK_WINDOW (assistant));
  run_main_loop_for (100);

  /* A CSV file's columns. */
  if (ok)
    {
      g_autofree char *dir = g_dir_make_tmp ("vigil-screenshots-csv-XXXXXX", error);
      g_autofree char *csv = dir != NULL ? g_build_filename (dir, "crm-export.csv", NULL) : NULL;
      g_autoptr(GFile) file = NULL;

      ok = dir != NULL && g_file_set_contents (csv, CRM_EXPORT, -1, error);
      if (ok)
        {
          file = g_file_new_for_path (csv);
          assistant = vigil_source_assistant_new (GTK_WINDOW (window), vigil_window_get_portfolio (window));
          gtk_window_set_title (GTK_WINDOW (assistant), _("Import a CSV File"));
          gtk_window_set_default_size (GTK_WINDOW (assistant), 980, 720);
          vigil_source_assistant_open_file (assistant, file);
          gtk_window_present (GTK_WINDOW (assistant));
          ok = wait_for_layout (GTK_WIDGET (assistant)) && assistant_is_idle (assistant);
          gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.assign", "(siis)", "Monthly Revenue",
                                      (gint32) VIGIL_FIELD_MRR, (gint32) VIGIL_TRANSFORM_NONE, "");
          gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.assign", "(siis)", "Region",
                                      (gint32) VIGIL_FIELD_SEGMENT, (gint32) VIGIL_TRANSFORM_NONE, "");
          ok = ok && assistant_is_idle (assistant) &&
               save_assistant (assistant, output, "import-csv-columns.png", error);
          gtk_window_destroy (GTK_WINDOW (assistant));
          run_main_loop_for (100);
        }
      if (csv != NULL)
        g_remove (csv);
      if (dir != NULL)
        g_rmdir (dir);
    }
  soup_server_disconnect (server);
  return ok;
}

/* The timeline (design 3.4) -------------------------------------------------
 *
 * A week of a CSM's touches on the customer shown, and a colleague's:
 * the timeline section scrolled to the top of the page. */

static gboolean
log_touches (const char  *db,
             gint64       customer,
             GError     **error)
{
  static const struct
  {
    const char     *author;
    VigilTouchKind  kind;
    gint64          ago;
    const char     *text;
  } touches[] = {
    { "Sam Lee", VIGIL_TOUCH_MEETING, 20 * 86400, "Onboarding review with their ops team: two teams still on spreadsheets" },
    { "Dana Park", VIGIL_TOUCH_EMAIL, 9 * 86400, "Sent the QBR deck and the usage summary" },
    { "Dana Park", VIGIL_TOUCH_CALL, 2 * 86400 + 3 * 3600,
      "Walked Jo through the new reports. Renewal paperwork by Friday; they want seats for the Berlin office." },
    { "Dana Park", VIGIL_TOUCH_NOTE, 3600, "Jo moves to another team in March: find a second sponsor before then" },
  };
  g_autoptr(VigilStore) store = vigil_store_open (db, error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (store == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (touches); i++)
    if (!vigil_store_set_meta (store, "me", touches[i].author, error) ||
        vigil_store_add_touch (store, customer, touches[i].kind, now - touches[i].ago, touches[i].text, error) < 0)
      return FALSE;
  return vigil_triggers_update (store, now, NULL, error);
}

static gboolean
shoot_timeline (VigilWindow  *window,
                gint64        customer,
                const char   *db,
                const char   *output,
                GError      **error)
{
  VigilPortfolio *portfolio = vigil_window_get_portfolio (window);
  GtkWidget *page = GTK_WIDGET (_vigil_window_get_customer_page (window));
  g_autofree char *path = g_build_filename (output, "customer-timeline.png", NULL);
  GtkWidget *section, *scrolled;
  graphene_point_t at;

  if (!log_touches (db, customer, error))
    return FALSE;
  vigil_portfolio_reload (portfolio);
  run_main_loop_for (1500);
  vigil_window_show_customer (window, customer);
  run_main_loop_for (1500);
  section = find_widget_of_type (page, VIGIL_TYPE_TIMELINE_SECTION);
  scrolled = section != NULL ? gtk_widget_get_ancestor (section, GTK_TYPE_SCROLLED_WINDOW) : NULL;
  if (scrolled == NULL ||
      !gtk_widget_compute_point (section, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                 &GRAPHENE_POINT_INIT (0, 0), &at))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "No timeline on the customer page");
      return FALSE;
    }
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), at.y - 12);
  run_main_loop_for (500);
  return save_window (GTK_WIDGET (window), path, error);
}

static gboolean
copy_file (const char  *from,
           const char  *to,
           GError     **error)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) destination = g_file_new_for_path (to);

  return g_file_copy (source, destination, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_remove (file);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDemo) demo = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilApplication) app = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *db = NULL;
  const char *output;
  AdwStyleManager *style;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC / 86400 * 86400;
  int status = EXIT_SUCCESS;

  /* As vigil itself: the language of the locale, from the build's
   * catalogues when VIGIL_LOCALEDIR names them. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("VIGIL_LOCALEDIR") != NULL ? g_getenv ("VIGIL_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc != 2 && !(argc == 4 && g_str_equal (argv[2], "--now")))
    {
      g_printerr ("Usage: %s OUTPUT_DIR [--now UNIX_SECONDS]\n", argv[0]);
      return 2;
    }
  output = argv[1];
  if (argc == 4)
    now = g_ascii_strtoll (argv[3], NULL, 10);
  if (g_mkdir_with_parents (output, 0755) != 0)
    {
      g_printerr ("Could not create %s\n", output);
      return EXIT_FAILURE;
    }

  if (!(tmp = g_dir_make_tmp ("vigil-screenshots-XXXXXX", &error)))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  db = g_build_filename (tmp, "demo.db", NULL);
  demo = vigil_demo_new (DEMO_SEED, DEMO_CUSTOMERS);
  if (!(store = vigil_demo_open_store (demo, db, now, DEMO_DAYS, NULL, &error)))
    {
      g_printerr ("Could not create the demo database: %s\n", error->message);
      remove_dir (tmp);
      return EXIT_FAILURE;
    }
  g_clear_object (&store);

  app = vigil_application_new (db, G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      remove_dir (tmp);
      return EXIT_FAILURE;
    }
  /* Animations would be caught halfway. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  style = adw_style_manager_get_default ();

  for (guint l = 0; l < G_N_ELEMENTS (layouts) && status == EXIT_SUCCESS; l++)
    {
      const Layout *layout = &layouts[l];
      VigilWindow *window = vigil_window_new (app);
      VigilPortfolio *portfolio = vigil_window_get_portfolio (window);
      gint64 customer;

      gtk_window_set_default_size (GTK_WINDOW (window), layout->width, layout->height);
      gtk_window_present (GTK_WINDOW (window));
      if (!wait_until_loaded (portfolio))
        {
          g_printerr ("The portfolio did not load\n");
          status = EXIT_FAILURE;
          gtk_window_destroy (GTK_WINDOW (window));
          break;
        }
      if (!wait_for_layout (GTK_WIDGET (window)))
        {
          g_printerr ("The window was never given a size\n");
          status = EXIT_FAILURE;
          gtk_window_destroy (GTK_WINDOW (window));
          break;
        }
      customer = pick_customer (portfolio);
      show_top (window);

      if (g_str_equal (layout->name, "wide") && !shoot_assistant (window, output, &error))
        {
          g_printerr ("%s\n", error->message);
          status = EXIT_FAILURE;
          gtk_window_destroy (GTK_WINDOW (window));
          break;
        }

      for (guint dark = 0; dark <= (guint) layout->dark_too && status == EXIT_SUCCESS; dark++)
        {
          adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
          for (guint p = 0; layout->pages[p] != NULL; p++)
            {
              const char *page = layout->pages[p];
              g_autofree char *name = NULL;
              g_autofree char *path = NULL;

              if (g_str_equal (page, "customer"))
                vigil_window_show_customer (window, customer);
              else
                vigil_window_show_page (window, page);
              /* Layout, the customer's history loading on its worker, charts */
              run_main_loop_for (900);

              if (g_str_equal (layout->name, "wide"))
                name = g_strdup_printf ("%s-%s.png", page, dark ? "dark" : "light");
              else
                name = g_strdup_printf ("%s-%s.png", page, layout->name);
              path = g_build_filename (output, name, NULL);
              if (!save_window (GTK_WIDGET (window), path, &error))
                {
                  g_printerr ("%s\n", error->message);
                  status = EXIT_FAILURE;
                  break;
                }
            }
        }
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
      if (status == EXIT_SUCCESS && g_str_equal (layout->name, "wide") &&
          !shoot_timeline (window, customer, db, output, &error))
        {
          g_printerr ("%s\n", error->message);
          status = EXIT_FAILURE;
        }
      gtk_window_destroy (GTK_WINDOW (window));
      run_main_loop_for (100);
    }

  /* The names the metainfo gives */
  if (status == EXIT_SUCCESS)
    {
      static const char *const featured[] = { "portfolio", "overview", "customer" };

      for (guint i = 0; i < G_N_ELEMENTS (featured); i++)
        {
          g_autofree char *from_name = g_strdup_printf ("%s-light.png", featured[i]);
          g_autofree char *to_name = g_strdup_printf ("%s.png", featured[i]);
          g_autofree char *from = g_build_filename (output, from_name, NULL);
          g_autofree char *to = g_build_filename (output, to_name, NULL);

          if (!copy_file (from, to, &error))
            {
              g_printerr ("%s\n", error->message);
              status = EXIT_FAILURE;
              break;
            }
          g_print ("%s\n", to);
        }
    }

  g_clear_object (&app);
  remove_dir (tmp);
  return status;
}
