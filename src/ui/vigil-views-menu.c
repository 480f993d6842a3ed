/* vigil-views-menu.c: the saved views in the window's main menu
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * design 5: the main menu lists the views: the whole book, My Book when
 * "I am" is set (the owner's customers), and the saved ones; choosing
 * one shows its filters, search and sort. Save View… names what the
 * table shows; a saved view can be deleted, or made the one the window
 * opens on. The views are read off the main thread after each load of
 * the book, and the first read opens the window on its default view.
 */

#define G_LOG_DOMAIN "vigil-views-menu"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "vigil-views-menu.h"

struct _VigilViewsMenu
{
  GObject             parent_instance;

  VigilPortfolio     *portfolio;
  VigilPortfolioView *view;
  GMenu              *section;
  GSimpleActionGroup *actions;
  GCancellable       *cancellable;

  GPtrArray          *saved;         /* of VigilView, by name */
  char               *me;            /* the "I am" setting, or NULL */
  char               *default_name;  /* the saved view the window opens on, or NULL */
  char               *shown;         /* the name of the view last shown */
  gboolean            ready;         /* the views were read and the default shown */
};

G_DEFINE_FINAL_TYPE (VigilViewsMenu, vigil_views_menu, G_TYPE_OBJECT)

enum
{
  SHOW_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void read_views (VigilViewsMenu *self);

/* Helpers ------------------------------------------------------------------- */

static void
toast (VigilViewsMenu *self,
       const char     *message)
{
  g_signal_emit (self, signals[SHOW_TOAST], 0, message);
}

static GtkWindow *
get_window (VigilViewsMenu *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self->view));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static const VigilView *
find_saved (VigilViewsMenu *self,
            const char     *name)
{
  for (guint i = 0; self->saved != NULL && i < self->saved->len; i++)
    {
      const VigilView *view = g_ptr_array_index (self->saved, i);

      if (g_strcmp0 (view->name, name) == 0)
        return view;
    }
  return NULL;
}

static void
show_view (VigilViewsMenu  *self,
           const VigilView *view,
           const char      *label)
{
  vigil_portfolio_view_apply_view (self->view, view);
  g_free (self->shown);
  self->shown = g_strdup (label);
}

static void
show_whole_book (VigilViewsMenu *self)
{
  g_autoptr(VigilView) view = vigil_view_new ();

  show_view (self, view, _("Whole Book"));
}

/* design 5: My Book is the whole book of the owner "I am" names. */
static void
show_my_book (VigilViewsMenu *self)
{
  g_autoptr(VigilView) view = vigil_view_new ();

  if (self->me == NULL)
    return;
  view->owner = g_strdup (self->me);
  show_view (self, view, _("My Book"));
}

/* A name as a menu label: its underscores are not mnemonics. */
static char *
escape_mnemonic (const char *name)
{
  g_auto(GStrv) parts = g_strsplit (name, "_", -1);

  return g_strjoinv ("__", parts);
}

static GMenuItem *
new_item (const char *label,
          const char *action,
          const char *target)
{
  g_autofree char *escaped = escape_mnemonic (label);
  GMenuItem *item = g_menu_item_new (escaped, NULL);

  g_menu_item_set_action_and_target_value (item, action, target != NULL ? g_variant_new_string (target) : NULL);
  return item;
}

static void
append_item (GMenu      *menu,
             const char *label,
             const char *action,
             const char *target)
{
  g_autoptr(GMenuItem) item = new_item (label, action, target);

  g_menu_append_item (menu, item);
}

/* The section as the views now are. */
static void
rebuild_menu (VigilViewsMenu *self)
{
  g_autoptr(GMenu) open_on = g_menu_new ();
  g_autoptr(GMenu) delete = g_menu_new ();

  g_menu_remove_all (self->section);
  g_menu_append (self->section, _("_Whole Book"), "views.show-book");
  if (self->me != NULL)
    g_menu_append (self->section, _("_My Book"), "views.show-mine");
  for (guint i = 0; i < self->saved->len; i++)
    {
      const VigilView *view = g_ptr_array_index (self->saved, i);

      append_item (self->section, view->name, "views.show", view->name);
      append_item (open_on, view->name, "views.default", view->name);
      append_item (delete, view->name, "views.delete", view->name);
    }
  g_menu_append (self->section, _("_Save View…"), "views.save");
  if (self->saved->len == 0)
    return;

  /* The window's own default first, as a radio choice among the views. */
  {
    g_autoptr(GMenuItem) automatic = g_menu_item_new (self->me != NULL ? _("My Book") : _("Whole Book"), NULL);

    g_menu_item_set_action_and_target_value (automatic, "views.default", g_variant_new_string (""));
    g_menu_prepend_item (open_on, automatic);
  }
  g_menu_append_submenu (self->section, _("_Open On"), G_MENU_MODEL (open_on));
  g_menu_append_submenu (self->section, _("_Delete View"), G_MENU_MODEL (delete));
}

static void
update_default_state (VigilViewsMenu *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "default");

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_string (self->default_name != NULL ? self->default_name : ""));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions),
                                                                            "show-mine")),
                               self->me != NULL);
}

/* design 5: a saved view made the default, else My Book when "I am" is
 * set, else the whole book as the table starts. */
static void
show_default (VigilViewsMenu *self)
{
  const VigilView *view = self->default_name != NULL ? find_saved (self, self->default_name) : NULL;

  if (view != NULL)
    show_view (self, view, view->name);
  else if (self->me != NULL)
    show_my_book (self);
  else
    {
      g_free (self->shown);
      self->shown = g_strdup (_("Whole Book"));
    }
}

/* Reading the views --------------------------------------------------------- */

typedef struct
{
  GPtrArray *saved;
  char      *me;
  char      *default_name;
} ReadResult;

static void
read_result_free (ReadResult *result)
{
  g_clear_pointer (&result->saved, g_ptr_array_unref);
  g_free (result->me);
  g_free (result->default_name);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReadResult, read_result_free)

static gpointer
read_views_work (VigilStore  *store,
                 gpointer     data,
                 GError     **error)
{
  g_autoptr(ReadResult) result = g_new0 (ReadResult, 1);

  if (!(result->saved = vigil_store_list_views (store, error)) ||
      !vigil_store_get_me (store, &result->me, error) ||
      !vigil_store_get_default_view (store, &result->default_name, error))
    return NULL;
  return g_steal_pointer (&result);
}

static void
views_read_cb (GObject      *object,
               GAsyncResult *async_result,
               gpointer      user_data)
{
  g_autoptr(VigilViewsMenu) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ReadResult) result = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), async_result, &error);

  if (result == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not read the saved views: %s"), error->message);
      toast (self, message);
      return;
    }

  g_ptr_array_unref (self->saved);
  self->saved = g_steal_pointer (&result->saved);
  g_free (self->me);
  self->me = g_steal_pointer (&result->me);
  g_free (self->default_name);
  self->default_name = g_steal_pointer (&result->default_name);
  rebuild_menu (self);
  update_default_state (self);
  if (!self->ready)
    {
      self->ready = TRUE;
      show_default (self);
    }
}

static void
read_views (VigilViewsMenu *self)
{
  vigil_portfolio_run_async_full (self->portfolio, read_views_work, NULL, NULL,
                                  (GDestroyNotify) read_result_free, self->cancellable, views_read_cb,
                                  g_object_ref (self));
}

static void
portfolio_loaded_cb (VigilViewsMenu *self)
{
  read_views (self);
}

/* Writing the views --------------------------------------------------------- */

typedef enum
{
  CHANGE_SAVE,
  CHANGE_REMOVE,
  CHANGE_DEFAULT,
} ChangeKind;

typedef struct
{
  ChangeKind  kind;
  VigilView  *view;   /* to save */
  char       *name;   /* to remove, or the new default ("" for none) */
  char       *done;   /* what to say once it is done */
} Change;

static void
change_free (Change *change)
{
  vigil_view_free (change->view);
  g_free (change->name);
  g_free (change->done);
  g_free (change);
}

static gpointer
change_work (VigilStore  *store,
             gpointer     data,
             GError     **error)
{
  Change *change = data;
  gboolean ok = FALSE;

  switch (change->kind)
    {
    case CHANGE_SAVE:
      ok = vigil_store_save_view (store, change->view, error);
      break;
    case CHANGE_REMOVE:
      ok = vigil_store_remove_view (store, change->name, error);
      break;
    case CHANGE_DEFAULT:
      ok = vigil_store_set_default_view (store, *change->name != '\0' ? change->name : NULL, error);
      break;
    default:
      g_assert_not_reached ();
    }
  return ok ? g_strdup (change->done) : NULL;
}

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VigilViewsMenu) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *done = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);

  if (done == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The views were not changed: %s"), error->message);
      toast (self, message);
    }
  else
    toast (self, done);
  read_views (self);
}

/* Runs @change (taken) off the main thread, says it is done and reads the
 * views again. */
static void
run_change (VigilViewsMenu *self,
            Change         *change)
{
  vigil_portfolio_run_async_full (self->portfolio, change_work, change, (GDestroyNotify) change_free, g_free,
                                  self->cancellable, changed_cb, g_object_ref (self));
}

/* Actions ------------------------------------------------------------------- */

static void
show_book_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  show_whole_book (user_data);
}

static void
show_mine_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  show_my_book (user_data);
}

static void
show_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  VigilViewsMenu *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);
  const VigilView *view = find_saved (self, name);

  if (view != NULL)
    show_view (self, view, view->name);
}

static void
default_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  VigilViewsMenu *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);
  Change *change = g_new0 (Change, 1);

  change->kind = CHANGE_DEFAULT;
  change->name = g_strdup (name);
  g_simple_action_set_state (action, parameter);
  if (*name != '\0')
    change->done = g_strdup_printf (_("Vigil opens on the view “%s”"), name);
  else
    change->done = g_strdup (self->me != NULL ? _("Vigil opens on My Book") : _("Vigil opens on the whole book"));
  run_change (self, change);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    VigilViewsMenu   *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "vigil-view-name");
  Change *change;

  if (g_strcmp0 (response, "delete") != 0)
    return;
  change = g_new0 (Change, 1);
  change->kind = CHANGE_REMOVE;
  change->name = g_strdup (name);
  change->done = g_strdup_printf (_("Deleted the view “%s”"), name);
  run_change (self, change);
}

static void
delete_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  VigilViewsMenu *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = g_strdup_printf (_("Delete the View “%s”?"), name);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_window (self), NULL, _("Its filters, search and sort are forgotten; "
                                                             "the customers stay as they are."));
  /* The heading holds a name: plain text. */
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (dialog), heading);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_object_set_data_full (G_OBJECT (dialog), "vigil-view-name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Save View… ----------------------------------------------------------------- */

/* The name as typed, checked by the core's rule; the dialog says what is
 * wrong and saves only a valid name. */
static void
save_name_changed_cb (GtkEditable      *entry,
                      AdwMessageDialog *dialog)
{
  VigilViewsMenu *self = g_object_get_data (G_OBJECT (dialog), "vigil-views-menu");
  GtkLabel *hint = g_object_get_data (G_OBJECT (dialog), "vigil-hint");
  g_autoptr(GError) error = NULL;
  g_autofree char *name = vigil_view_clean_name (gtk_editable_get_text (entry), &error);
  g_autofree char *replaces = NULL;

  adw_message_dialog_set_response_enabled (dialog, "save", name != NULL);
  if (name == NULL)
    gtk_label_set_text (hint, *gtk_editable_get_text (entry) != '\0' ? error->message : "");
  else if (find_saved (self, name) != NULL)
    {
      replaces = g_strdup_printf (_("Replaces the view “%s”"), name);
      gtk_label_set_text (hint, replaces);
    }
  else
    gtk_label_set_text (hint, "");
}

static void
save_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  VigilViewsMenu   *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "vigil-entry");
  g_autofree char *name = NULL;
  Change *change;

  if (g_strcmp0 (response, "save") != 0 ||
      !(name = vigil_view_clean_name (gtk_editable_get_text (entry), NULL)))
    return;
  change = g_new0 (Change, 1);
  change->kind = CHANGE_SAVE;
  change->view = vigil_portfolio_view_dup_view (self->view);
  change->view->name = g_strdup (name);
  change->done = g_strdup_printf (_("Saved the view “%s”"), name);
  g_free (self->shown);
  self->shown = g_strdup (name);
  run_change (self, change);
}

static void
save_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  VigilViewsMenu *self = user_data;
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *hint = gtk_label_new ("");

  dialog = adw_message_dialog_new (get_window (self), _("Save View"),
                                   _("Name what the table shows now: its filters, search and sort."));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_max_length (GTK_ENTRY (entry), VIGIL_VIEW_NAME_MAX_CHARS + 40);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("View name"), -1);
  gtk_widget_set_name (entry, "view-name");
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), hint);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  /* The dialog may outlive a closed window: it holds what it calls. */
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_object_set_data_full (G_OBJECT (dialog), "vigil-views-menu", g_object_ref (self), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "vigil-entry", entry);
  g_object_set_data (G_OBJECT (dialog), "vigil-hint", hint);
  g_signal_connect (entry, "changed", G_CALLBACK (save_name_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (save_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* GObject ------------------------------------------------------------------- */

static void
vigil_views_menu_dispose (GObject *object)
{
  VigilViewsMenu *self = (VigilViewsMenu *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->portfolio != NULL)
    g_signal_handlers_disconnect_by_data (self->portfolio, self);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->view);
  g_clear_object (&self->section);
  g_clear_object (&self->actions);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vigil_views_menu_parent_class)->dispose (object);
}

static void
vigil_views_menu_finalize (GObject *object)
{
  VigilViewsMenu *self = (VigilViewsMenu *) object;

  g_clear_pointer (&self->saved, g_ptr_array_unref);
  g_free (self->me);
  g_free (self->default_name);
  g_free (self->shown);

  G_OBJECT_CLASS (vigil_views_menu_parent_class)->finalize (object);
}

static void
vigil_views_menu_class_init (VigilViewsMenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_views_menu_dispose;
  object_class->finalize = vigil_views_menu_finalize;

  /**
   * VigilViewsMenu::show-toast:
   * @message: what happened, plain text
   */
  signals[SHOW_TOAST] =
    g_signal_new ("show-toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vigil_views_menu_init (VigilViewsMenu *self)
{
  const GActionEntry entries[] = {
    { "show-book", show_book_activated, NULL, NULL, NULL, { 0 } },
    { "show-mine", show_mine_activated, NULL, NULL, NULL, { 0 } },
    { "show", show_activated, "s", NULL, NULL, { 0 } },
    { "save", save_activated, NULL, NULL, NULL, { 0 } },
    { "delete", delete_activated, "s", NULL, NULL, { 0 } },
    { "default", default_activated, "s", "''", NULL, { 0 } },
  };

  self->section = g_menu_new ();
  self->actions = g_simple_action_group_new ();
  self->cancellable = g_cancellable_new ();
  self->saved = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_view_free);
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
  rebuild_menu (self);
  update_default_state (self);
}

/* Public API ---------------------------------------------------------------- */

/**
 * vigil_views_menu_new:
 * @portfolio: the book, read again after each load
 * @view: the table the views are shown in
 *
 * Returns: (transfer full): the menu; put its model in the main menu
 *   and its actions on the window as `views`
 */
VigilViewsMenu *
vigil_views_menu_new (VigilPortfolio     *portfolio,
                      VigilPortfolioView *view)
{
  VigilViewsMenu *self;

  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (portfolio), NULL);
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO_VIEW (view), NULL);

  self = g_object_new (VIGIL_TYPE_VIEWS_MENU, NULL);
  self->portfolio = g_object_ref (portfolio);
  self->view = g_object_ref (view);
  g_signal_connect_object (portfolio, "loaded", G_CALLBACK (portfolio_loaded_cb), self, G_CONNECT_SWAPPED);
  return self;
}

/* Returns: (transfer none): the views section of the main menu */
GMenuModel *
vigil_views_menu_get_model (VigilViewsMenu *self)
{
  g_return_val_if_fail (VIGIL_IS_VIEWS_MENU (self), NULL);
  return G_MENU_MODEL (self->section);
}

/* Returns: (transfer none): the actions its items name, for the prefix `views` */
GActionGroup *
vigil_views_menu_get_actions (VigilViewsMenu *self)
{
  g_return_val_if_fail (VIGIL_IS_VIEWS_MENU (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

/* Returns: (nullable): the name of the view shown last ("Whole Book",
 * "My Book" or a saved view's) */
const char *
vigil_views_menu_get_shown (VigilViewsMenu *self)
{
  g_return_val_if_fail (VIGIL_IS_VIEWS_MENU (self), NULL);
  return self->shown;
}

/* Returns: whether the views were read and the window's default shown */
gboolean
vigil_views_menu_is_ready (VigilViewsMenu *self)
{
  g_return_val_if_fail (VIGIL_IS_VIEWS_MENU (self), FALSE);
  return self->ready;
}
