/* vigil-window.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-window"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "vigil-accessible.h"
#include "vigil-customer-page.h"
#include "vigil-export-dialog.h"
#include "vigil-overview-page.h"
#include "vigil-portfolio-view.h"
#include "vigil-merge-dialog.h"
#include "vigil-preferences-window.h"
#include "vigil-triggers-page.h"
#include "vigil-source-assistant.h"
#include "vigil-views-menu.h"
#include "vigil-window.h"
#include "vigil-window-private.h"

/* Below this width the table shows only its main columns. */
#define COMPACT_WIDTH 720

struct _VigilWindow
{
  AdwApplicationWindow  parent_instance;

  GtkStack             *content_stack;
  VigilCustomerPage    *customer_page;
  AdwLeaflet           *leaflet;
  GtkBox               *main_box;
  VigilOverviewPage    *overview_page;
  GMenu                *primary_menu;
  GtkButton            *poll_button;
  GtkSpinner           *poll_spinner;
  VigilPortfolioView   *portfolio_view;
  GtkToggleButton      *search_button;
  AdwViewSwitcherBar   *switcher_bar;
  AdwViewSwitcherTitle *switcher_title;
  AdwToastOverlay      *toast_overlay;
  AdwViewStackPage     *triggers_stack_page;
  VigilTriggersPage    *triggers_page;
  AdwViewStack         *view_stack;

  VigilPortfolio       *portfolio;
  VigilViewsMenu       *views_menu;
  GSettings            *settings;
  char                 *last_toast;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (VigilWindow, vigil_window, ADW_TYPE_APPLICATION_WINDOW)

static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Uninstalled and without the schema (a test, a fresh build), the
   * window works but remembers nothing. */
  if (source == NULL || !(schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)))
    return NULL;
  return g_settings_new (APP_ID);
}

/* design 5: the badge counts the customers who wait for a decision (a
 * new risk trigger), not trigger rows: two risks on one customer are one
 * call to make, and an upsell can wait. */
static void
update_trigger_badge (VigilWindow *self)
{
  guint decisions = vigil_inbox_count_decisions (vigil_portfolio_get_triggers (self->portfolio));

  adw_view_stack_page_set_badge_number (self->triggers_stack_page, decisions);
  adw_view_stack_page_set_needs_attention (self->triggers_stack_page, decisions > 0);
}

/* Gives @description to the view switcher's tab titled @title below
 * @root, or takes it away (%NULL). */
static void
describe_switcher_tab (GtkWidget  *root,
                       const char *title,
                       const char *description)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *label = NULL;

      if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (child)) != GTK_ACCESSIBLE_ROLE_TAB)
        {
          describe_switcher_tab (child, title, description);
          continue;
        }
      g_object_get (child, "label", &label, NULL);
      if (g_strcmp0 (label, title) != 0)
        continue;
      if (description != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                        -1);
      else
        gtk_accessible_reset_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

/* design 5: the badge is read out. libadwaita 1.2 draws a page's badge
 * on its tab but tells a screen reader nothing of it: the Triggers tab
 * of each switcher (the header's, the narrow window's bar) is described
 * by the number the badge shows, whatever that number counts. */
static void
describe_trigger_badge (VigilWindow *self)
{
  guint count = adw_view_stack_page_get_badge_number (self->triggers_stack_page);
  const char *title = adw_view_stack_page_get_title (self->triggers_stack_page);
  g_autofree char *description = NULL;

  if (count > 0)
    description = g_strdup_printf (ngettext ("%u needs a decision", "%u need a decision", count), count);
  describe_switcher_tab (GTK_WIDGET (self->switcher_title), title, description);
  describe_switcher_tab (GTK_WIDGET (self->switcher_bar), title, description);
}

/* The customer Merge… works on: the one the customer page shows, or the
 * one selected in the portfolio table. */
static VigilCustomer *
get_merge_target (VigilWindow *self)
{
  if (adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->customer_page))
    return vigil_customer_page_get_customer (self->customer_page);
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "portfolio") == 0)
    return vigil_portfolio_view_get_selected (self->portfolio_view);
  return NULL;
}

static void
update_merge_action (VigilWindow *self)
{
  gboolean others = self->portfolio != NULL &&
                    g_list_model_get_n_items (vigil_portfolio_get_customers (self->portfolio)) >= 2;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.merge", others && get_merge_target (self) != NULL);
}

static void
portfolio_loaded_cb (VigilWindow    *self,
                     VigilPortfolio *portfolio)
{
  gboolean empty = g_list_model_get_n_items (vigil_portfolio_get_customers (portfolio)) == 0;

  gtk_stack_set_visible_child_name (self->content_stack, empty ? "empty" : "content");
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_button), !empty);
  update_trigger_badge (self);
  update_merge_action (self);
}

static void
portfolio_load_failed_cb (VigilWindow    *self,
                          const GError   *error,
                          VigilPortfolio *portfolio)
{
  g_autofree char *message = g_strdup_printf (_("Could not read the database: %s"), error->message);

  if (!vigil_portfolio_is_loaded (portfolio))
    gtk_stack_set_visible_child_name (self->content_stack, "empty");
  vigil_window_show_toast (self, message);
}

static void
update_polling (VigilWindow *self)
{
  gboolean polling = vigil_portfolio_is_polling (self->portfolio);

  gtk_spinner_set_spinning (self->poll_spinner, polling);
  gtk_widget_set_visible (GTK_WIDGET (self->poll_spinner), polling);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.poll", !polling);
}

static void
poll_started_cb (VigilWindow *self,
                 const char  *source_name)
{
  update_polling (self);
}

static void
poll_finished_cb (VigilWindow *self,
                  const char  *source_name,
                  gboolean     ok,
                  const char  *message)
{
  update_polling (self);
  if (!ok)
    {
      g_autofree char *text = g_strdup_printf (_("Polling “%s” failed: %s"),
                                               source_name != NULL ? source_name : _("the sources"), message);

      vigil_window_show_toast (self, text);
    }
}

/* More new triggers than this at once make one notification. */
#define MAX_TRIGGER_NOTIFICATIONS 3

/* A desktop notification for each new trigger (clicking it opens the
 * customer), or one for many (clicking it opens the inbox). */
static void
new_triggers_cb (VigilWindow *self,
                 GPtrArray   *triggers)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app == NULL || (self->settings != NULL && !g_settings_get_boolean (self->settings, "notify-new-triggers")))
    return;

  if (triggers->len > MAX_TRIGGER_NOTIFICATIONS)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("%u new trigger", "%u new triggers", triggers->len),
                                                triggers->len);
      g_autoptr(GNotification) notification = g_notification_new (title);

      g_notification_set_body (notification, _("Upsell and risk triggers wait in the inbox."));
      g_notification_set_default_action (notification, "app.show-triggers");
      vigil_application_send_notification (app, "new-triggers", notification);
      return;
    }

  for (guint i = 0; i < triggers->len; i++)
    {
      VigilTriggerRow *trigger = g_ptr_array_index (triggers, i);
      g_autoptr(GNotification) notification = NULL;
      g_autofree char *title = NULL;
      g_autofree char *id = NULL;

      title = g_strdup_printf (g_strcmp0 (trigger->kind, "upsell") == 0 ? _("Upsell: %s") : _("Risk: %s"),
                               trigger->name != NULL ? trigger->name : trigger->customer);
      notification = g_notification_new (title);
      g_notification_set_body (notification, trigger->evidence);
      g_notification_set_default_action_and_target (notification, "app.show-customer", "x", trigger->customer_id);
      id = g_strdup_printf ("trigger-%" G_GINT64_FORMAT, trigger->id);
      vigil_application_send_notification (app, id, notification);
    }
}

/* design 2.5: one desktop notification when a source becomes suspect;
 * its id is the source's, so a later episode replaces an unread one.
 * Clicking it opens the sources. */
static void
source_suspect_cb (VigilWindow *self,
                   const char  *source_name,
                   const char  *reasons)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *id = NULL;

  if (app == NULL)
    return;
  title = g_strdup_printf (_("Source “%s” may be broken"), source_name);
  notification = g_notification_new (title);
  g_notification_set_body (notification, reasons);
  g_notification_set_default_action (notification, "app.preferences");
  id = g_strdup_printf ("source-suspect-%s", source_name);
  vigil_application_send_notification (app, id, notification);
}

static void
customer_activated_cb (VigilWindow   *self,
                       VigilCustomer *customer)
{
  vigil_window_show_customer (self, vigil_customer_get_store_id (customer));
}

static void
page_toast_cb (VigilWindow *self,
               const char  *message)
{
  vigil_window_show_toast (self, message);
}

static void
customer_page_back_cb (VigilWindow *self)
{
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->main_box));
}

static void
update_compact (VigilWindow *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height;

  if (width <= 0)
    gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  vigil_portfolio_view_set_compact (self->portfolio_view, width > 0 && width < COMPACT_WIDTH);
  vigil_triggers_page_set_compact (self->triggers_page, width > 0 && width < COMPACT_WIDTH);
}

static void
size_changed_cb (VigilWindow *self)
{
  update_compact (self);
}

/* Actions ------------------------------------------------------------------ */

static void
poll_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VigilWindow *self = VIGIL_WINDOW (widget);

  if (vigil_portfolio_get_sources (self->portfolio)->len == 0)
    {
      vigil_window_show_toast (self, _("No sources to poll: add one in Preferences"));
      return;
    }
  vigil_portfolio_poll_now (self->portfolio, NULL);
}

static void
merged_cb (VigilWindow *self,
           const char  *message,
           gint64       absorbed,
           gint64       survivor)
{
  vigil_customer_page_follow_merge (self->customer_page, absorbed, survivor);
  vigil_window_show_toast (self, message);
}

static void
merge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VigilWindow *self = VIGIL_WINDOW (widget);
  VigilCustomer *customer = get_merge_target (self);
  VigilMergeDialog *dialog;

  if (customer == NULL)
    return;
  dialog = vigil_merge_dialog_new (GTK_WINDOW (self), self->portfolio, customer);
  g_signal_connect_object (dialog, "merged", G_CALLBACK (merged_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VigilWindow *self = VIGIL_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->main_box));
  adw_view_stack_set_visible_child_name (self->view_stack, "portfolio");
  gtk_toggle_button_set_active (self->search_button, TRUE);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  customer_page_back_cb (VIGIL_WINDOW (widget));
}

typedef struct
{
  GFile *file;
} ImportData;

static gpointer
import_work (VigilStore  *store,
             gpointer     data,
             GError     **error)
{
  GFile *file = data;
  g_autoptr(VigilImporter) importer = vigil_importer_new (store);
  g_autofree char *basename = g_file_get_basename (file);
  VigilIngestStats *stats = g_new0 (VigilIngestStats, 1);

  vigil_importer_set_source (importer, basename);
  if (!vigil_importer_import_file (importer, file, NULL, stats, error))
    g_clear_pointer (&stats, g_free);
  return stats;
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VigilWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree VigilIngestStats *stats = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);
  g_autofree char *message = NULL;

  if (stats == NULL)
    message = g_strdup_printf (_("Import failed: %s"), error->message);
  else
    message = g_strdup_printf (ngettext ("Imported %" PRIu64 " snapshot",
                                         "Imported %" PRIu64 " snapshots", stats->stored),
                               stats->stored);
  vigil_window_show_toast (self, message);
  vigil_portfolio_reload (self->portfolio);
}

static void
assistant_imported_cb (VigilWindow *self,
                       const char  *message)
{
  vigil_window_show_toast (self, message);
}

/* Enough of a file to tell its format by (design 2.5). */
#define IMPORT_HEAD_BYTES 65536

static gboolean
read_more_cb (const char *contents,
              goffset     size,
              gpointer    user_data)
{
  return size < IMPORT_HEAD_BYTES;
}

/* A CSV file's columns are said in the assistant (design 5); JSON and
 * JSON Lines are imported as they are. */
static void
import_head_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VigilWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  g_autofree char *basename = g_file_get_basename (G_FILE (object));
  gsize length = 0;

  if (!g_file_load_partial_contents_finish (G_FILE (object), result, &head, &length, NULL, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Import failed: %s"), error->message);
      vigil_window_show_toast (self, message);
      return;
    }
  if (vigil_importer_detect_format (head, length, basename) == VIGIL_IMPORT_FORMAT_CSV)
    {
      VigilSourceAssistant *assistant = vigil_source_assistant_new (GTK_WINDOW (self), self->portfolio);

      g_signal_connect_object (assistant, "imported", G_CALLBACK (assistant_imported_cb), self, G_CONNECT_SWAPPED);
      gtk_window_set_title (GTK_WINDOW (assistant), _("Import a CSV File"));
      vigil_source_assistant_open_file (assistant, G_FILE (object));
      gtk_window_present (GTK_WINDOW (assistant));
      return;
    }
  vigil_window_show_toast (self, _("Importing…"));
  vigil_portfolio_run_async (self->portfolio, import_work, g_object_ref (object), g_object_unref,
                             self->cancellable, import_done_cb, g_object_ref (self));
}

static void
import_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(VigilWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      _vigil_window_import_file (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VigilWindow *self = VIGIL_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import History"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("History files (JSON, JSON Lines, CSV)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_suffix (filter, "jsonl");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VigilWindow *self = VIGIL_WINDOW (widget);

  if (g_list_model_get_n_items (vigil_portfolio_get_customers (self->portfolio)) == 0)
    {
      vigil_window_show_toast (self, _("No customers to report on yet"));
      return;
    }
  gtk_window_present (GTK_WINDOW (vigil_export_dialog_new (GTK_WINDOW (self), self->portfolio)));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  vigil_window_show_toast (VIGIL_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VigilWindow *self = VIGIL_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  /* This very program, installed or not; else the one on the PATH. */
  g_autofree char *program = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { program, "--demo", NULL };

  if (program == NULL)
    program = g_find_program_in_path ("vigil");
  argv[0] = program;
  /* The demo keeps its own database: it opens in a window of its own. */
  if (program == NULL ||
      !g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &error))
    vigil_window_show_toast (self, error != NULL ? error->message : _("Could not find the vigil program"));
}

/* GObject ------------------------------------------------------------------ */

static gboolean
vigil_window_close_request (GtkWindow *window)
{
  VigilWindow *self = VIGIL_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      g_settings_set_string (self->settings, "last-page", adw_view_stack_get_visible_child_name (self->view_stack));
    }

  return GTK_WINDOW_CLASS (vigil_window_parent_class)->close_request (window);
}

static void
vigil_window_dispose (GObject *object)
{
  VigilWindow *self = (VigilWindow *) object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_WINDOW);
  g_clear_object (&self->views_menu);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_toast, g_free);

  G_OBJECT_CLASS (vigil_window_parent_class)->dispose (object);
}

static void
vigil_window_class_init (VigilWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = vigil_window_dispose;
  window_class->close_request = vigil_window_close_request;

  vigil_accessible_watch_widgets ();
  g_type_ensure (VIGIL_TYPE_CUSTOMER_PAGE);
  g_type_ensure (VIGIL_TYPE_OVERVIEW_PAGE);
  g_type_ensure (VIGIL_TYPE_PORTFOLIO_VIEW);
  g_type_ensure (VIGIL_TYPE_TRIGGERS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, customer_page);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, main_box);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, poll_button);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, poll_spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, portfolio_view);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, triggers_page);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, triggers_stack_page);
  gtk_widget_class_bind_template_child (widget_class, VigilWindow, view_stack);

  gtk_widget_class_install_action (widget_class, "win.poll", NULL, poll_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.merge", NULL, merge_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.poll", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.poll", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "win.merge", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
vigil_window_init (VigilWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->poll_spinner), FALSE);

  g_object_bind_property (self->search_button, "active",
                          vigil_portfolio_view_get_search_bar (self->portfolio_view), "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  self->settings = new_settings ();
  if (self->settings != NULL)
    {
      g_autofree char *page = g_settings_get_string (self->settings, "last-page");

      gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      adw_view_stack_set_visible_child_name (self->view_stack, page);
    }
  else
    gtk_window_set_default_size (GTK_WINDOW (self), 1100, 720);

  g_signal_connect_swapped (self->portfolio_view, "customer-activated", G_CALLBACK (customer_activated_cb), self);
  g_signal_connect_swapped (self->overview_page, "customer-activated", G_CALLBACK (customer_activated_cb), self);
  g_signal_connect_swapped (self->triggers_page, "customer-activated", G_CALLBACK (customer_activated_cb), self);
  g_signal_connect_swapped (self->triggers_page, "show-toast", G_CALLBACK (page_toast_cb), self);
  g_signal_connect_swapped (self->customer_page, "show-toast", G_CALLBACK (page_toast_cb), self);
  g_signal_connect_swapped (self->customer_page, "back", G_CALLBACK (customer_page_back_cb), self);
  g_signal_connect_swapped (self->portfolio_view, "selection-changed", G_CALLBACK (update_merge_action), self);
  g_signal_connect_swapped (self->leaflet, "notify::visible-child", G_CALLBACK (update_merge_action), self);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child-name", G_CALLBACK (update_merge_action),
                            self);
  g_signal_connect_swapped (self->triggers_stack_page, "notify::badge-number", G_CALLBACK (describe_trigger_badge),
                            self);
  g_signal_connect_swapped (self, "notify::default-width", G_CALLBACK (size_changed_cb), self);
  g_signal_connect_swapped (self, "notify::maximized", G_CALLBACK (size_changed_cb), self);
  update_compact (self);
  update_merge_action (self);
}

/* Public API ---------------------------------------------------------------- */

VigilWindow *
vigil_window_new (VigilApplication *application)
{
  g_autoptr(VigilPortfolio) portfolio = NULL;
  VigilWindow *self;

  g_return_val_if_fail (VIGIL_IS_APPLICATION (application), NULL);

  /* The book is read while the window is built, the first window's
   * since the launch (design 5): its ::loaded can only come from the
   * main loop, once everything below is connected. A read that ended
   * before, the main loop run meanwhile, is read again for this window. */
  portfolio = vigil_application_take_portfolio (application);
  if (portfolio == NULL)
    portfolio = vigil_portfolio_new (vigil_application_get_db_path (application));
  if (!vigil_portfolio_is_reading (portfolio))
    vigil_portfolio_reload (portfolio);

  self = g_object_new (VIGIL_TYPE_WINDOW, "application", application, NULL);
  self->portfolio = g_steal_pointer (&portfolio);
  g_signal_connect_object (self->portfolio, "loaded", G_CALLBACK (portfolio_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->portfolio, "load-failed", G_CALLBACK (portfolio_load_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->portfolio, "poll-started", G_CALLBACK (poll_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->portfolio, "poll-finished", G_CALLBACK (poll_finished_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->portfolio, "new-triggers", G_CALLBACK (new_triggers_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->portfolio, "source-suspect", G_CALLBACK (source_suspect_cb), self,
                           G_CONNECT_SWAPPED);

  vigil_portfolio_view_set_portfolio (self->portfolio_view, self->portfolio);
  vigil_overview_page_set_portfolio (self->overview_page, self->portfolio);
  vigil_triggers_page_set_portfolio (self->triggers_page, self->portfolio);
  vigil_customer_page_set_portfolio (self->customer_page, self->portfolio);

  /* design 5: the saved views, first in the main menu */
  self->views_menu = vigil_views_menu_new (self->portfolio, self->portfolio_view);
  g_menu_insert_section (self->primary_menu, 0, _("Views"), vigil_views_menu_get_model (self->views_menu));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "views", vigil_views_menu_get_actions (self->views_menu));
  g_signal_connect_object (self->views_menu, "show-toast", G_CALLBACK (page_toast_cb), self, G_CONNECT_SWAPPED);

  gtk_stack_set_visible_child_name (self->content_stack, "loading");
  /* design 5: a team's book is polled by the team's poller (vigil
   * serve), not by every CSM's window. */
  if (!vigil_store_location_is_shared (vigil_application_get_db_path (application)) &&
      (self->settings == NULL || g_settings_get_boolean (self->settings, "poll-in-background")))
    vigil_portfolio_start_polling (self->portfolio);
  update_polling (self);
  return self;
}

/* Returns: (transfer none): the data the window shows */
VigilPortfolio *
vigil_window_get_portfolio (VigilWindow *self)
{
  g_return_val_if_fail (VIGIL_IS_WINDOW (self), NULL);
  return self->portfolio;
}

/**
 * vigil_window_show_customer:
 * @store_id: the customer's id in the store
 *
 * Opens the customer's page.
 */
void
vigil_window_show_customer (VigilWindow *self,
                            gint64       store_id)
{
  VigilCustomer *customer;

  g_return_if_fail (VIGIL_IS_WINDOW (self));

  if (!(customer = vigil_portfolio_find_customer (self->portfolio, store_id)))
    return;
  vigil_customer_page_show (self->customer_page, customer);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->customer_page));
}

/* Shows one of the main pages: portfolio, overview or triggers. */
void
vigil_window_show_page (VigilWindow *self,
                        const char  *name)
{
  g_return_if_fail (VIGIL_IS_WINDOW (self));

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->main_box));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

void
vigil_window_show_preferences (VigilWindow *self)
{
  GtkWindow *preferences;

  g_return_if_fail (VIGIL_IS_WINDOW (self));

  preferences = GTK_WINDOW (vigil_preferences_window_new (GTK_WINDOW (self), self->portfolio));
  gtk_window_present (preferences);
}

/* Shows @message (plain text, never markup) for a few seconds. */
void
vigil_window_show_toast (VigilWindow *self,
                         const char  *message)
{
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_return_if_fail (VIGIL_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  /* Toast titles are markup: a customer's name must not become some. */
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* For tests ------------------------------------------------------------------ */

VigilPortfolioView *
_vigil_window_get_portfolio_view (VigilWindow *self)
{
  return self->portfolio_view;
}

VigilCustomerPage *
_vigil_window_get_customer_page (VigilWindow *self)
{
  return self->customer_page;
}

VigilTriggersPage *
_vigil_window_get_triggers_page (VigilWindow *self)
{
  return self->triggers_page;
}

VigilViewsMenu *
_vigil_window_get_views_menu (VigilWindow *self)
{
  return self->views_menu;
}

GMenuModel *
_vigil_window_get_primary_menu (VigilWindow *self)
{
  return G_MENU_MODEL (self->primary_menu);
}

/* "loading", "empty", "customer" or the view stack's page name */
const char *
_vigil_window_get_visible_page (VigilWindow *self)
{
  if (adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->customer_page))
    return "customer";
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "content") != 0)
    return gtk_stack_get_visible_child_name (self->content_stack);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

/* The text of the newest toast shown */
const char *
_vigil_window_get_last_toast (VigilWindow *self)
{
  return self->last_toast;
}

/**
 * _vigil_window_import_file:
 * @file: a file the user chose to import
 *
 * Imports @file: through the assistant when it is CSV (its columns said
 * by clicks), at once otherwise.
 */
void
_vigil_window_import_file (VigilWindow *self,
                           GFile       *file)
{
  g_return_if_fail (VIGIL_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_file_load_partial_contents_async (file, self->cancellable, read_more_cb, import_head_cb, g_object_ref (self));
}
