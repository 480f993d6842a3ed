/* vigil-source-dialog.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-source-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vigil-source-dialog.h"

struct _VigilSourceDialog
{
  AdwWindow             parent_instance;

  GtkButton            *add_button;
  GtkSpinButton        *concurrency_spin;
  GtkLabel             *error_label;
  GtkBox               *form_box;
  AdwPasswordEntryRow  *header_value_row;
  AdwEntryRow          *header_name_row;
  GtkSpinButton        *interval_spin;
  GtkButton            *mapping_button;
  GtkButton            *mapping_clear_button;
  AdwActionRow         *mapping_row;
  GtkSpinButton        *max_mib_spin;
  GtkSpinButton        *max_records_spin;
  AdwEntryRow          *name_row;
  GtkScrolledWindow    *scroller;
  GtkSpinner           *spinner;
  GtkSpinButton        *timeout_spin;
  AdwEntryRow          *token_env_row;
  AdwActionRow         *token_forget_row;
  GtkSwitch            *token_forget_switch;
  AdwPasswordEntryRow  *token_row;
  AdwEntryRow          *url_row;

  VigilPortfolio       *portfolio;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  char                 *mapping_json;  /* normalised, NULL for native */
  VigilSource          *editing;       /* the source as it was, NULL when adding */
  int                   shown_max_mib; /* its limit as the form first showed it */
  gboolean              saving;
};

G_DEFINE_FINAL_TYPE (VigilSourceDialog, vigil_source_dialog, ADW_TYPE_WINDOW)

enum {
  SOURCE_ADDED,
  SOURCE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the worker thread needs to change a source. */
typedef struct
{
  VigilSource *source;
  char        *token;         /* NULL for none or unchanged; wiped when freed */
  char        *header_value;  /* for source->header_names[0]; wiped */
  gboolean     forget_token;  /* editing: drop the token in the keyring */
} AddSourceData;

static void
add_source_data_free (AddSourceData *data)
{
  vigil_source_free (data->source);
  vigil_secrets_wipe_free (data->token);
  vigil_secrets_wipe_free (data->header_value);
  g_free (data);
}

/* The text of an entry with surrounding spaces gone, NULL when empty. */
static char *
dup_entry_text (gpointer editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
label_editable (gpointer    row,
                const char *label)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (row));

  gtk_accessible_update_property (GTK_ACCESSIBLE (delegate != NULL ? (gpointer) delegate : row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
show_error (VigilSourceDialog *self,
            const char        *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  /* The message is at the top of the form: bring it into view. */
  if (message != NULL)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static void
set_saving (VigilSourceDialog *self,
            gboolean           saving)
{
  self->saving = saving;
  gtk_widget_set_sensitive (GTK_WIDGET (self->form_box), !saving);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), !saving);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), saving);
  gtk_spinner_set_spinning (self->spinner, saving);
}

static void
update_mapping_row (VigilSourceDialog *self,
                    const char        *subtitle,
                    gboolean           failed)
{
  adw_action_row_set_subtitle (self->mapping_row, subtitle);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->mapping_row), "vigil-row-failed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->mapping_row), "vigil-row-failed");
  gtk_widget_set_visible (GTK_WIDGET (self->mapping_clear_button), self->mapping_json != NULL || failed);
}

/* The first extra header's name, or NULL. */
static const char *
first_header (const VigilSource *source)
{
  return source->header_names != NULL ? source->header_names[0] : NULL;
}

/* Runs on a worker thread: the keyring first, then the database, and the
 * old header's value is forgotten only once the source no longer names
 * it, so a failure leaves the source working as it did. */
static gpointer
edit_source_work (VigilStore  *store,
                  gpointer     user_data,
                  GError     **error)
{
  AddSourceData *data = user_data;
  const char *database = vigil_store_get_path (store);
  g_autoptr(VigilSource) existing = NULL;
  const char *old_header;
  const char *new_header = first_header (data->source);

  if (!(existing = vigil_store_get_source (store, data->source->name, error)))
    return NULL;
  old_header = first_header (existing);

  if (data->token != NULL)
    {
      if (!vigil_secrets_store (database, data->source->name, NULL, data->token, NULL, error))
        return NULL;
      data->source->keyring_token = TRUE;
    }
  else
    data->source->keyring_token = existing->keyring_token && !data->forget_token;

  if (new_header != NULL && data->header_value != NULL &&
      !vigil_secrets_store (database, data->source->name, new_header, data->header_value, NULL, error))
    return NULL;
  if (new_header != NULL && data->header_value == NULL && g_strcmp0 (new_header, old_header) != 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("The header %s needs a value"), new_header);
      return NULL;
    }

  if (!vigil_store_update_source (store, data->source, error))
    return NULL;

  /* The database no longer points at them: a failure here only leaves
   * an unused secret behind, which removing the source clears. */
  if (existing->keyring_token && !data->source->keyring_token)
    vigil_secrets_forget (database, data->source->name, NULL, NULL, NULL);
  if (old_header != NULL && g_strcmp0 (old_header, new_header) != 0)
    vigil_secrets_forget (database, data->source->name, old_header, NULL, NULL);
  return g_strdup (data->source->name);
}

static void
add_source_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VigilSourceDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (self->editing != NULL)
    name = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);
  else
    name = vigil_portfolio_add_source_finish (VIGIL_PORTFOLIO (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_saving (self, FALSE);
  if (name == NULL)
    {
      show_error (self, error->message);
      return;
    }

  vigil_portfolio_reload (self->portfolio);
  /* A poll at once: the user wants to see the data arrive, or whether
   * the new settings work. */
  vigil_portfolio_poll_now (self->portfolio, name);
  g_signal_emit (self, signals[self->editing != NULL ? SOURCE_CHANGED : SOURCE_ADDED], 0, name);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* The extra headers a source will send: the one in the form first, then
 * any others it was given on the command line, which the form keeps. */
static char **
build_header_names (VigilSourceDialog *self,
                    const char        *first)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **names;

  if (first != NULL)
    g_strv_builder_add (builder, first);
  if (self->editing != NULL && self->editing->header_names != NULL)
    for (guint i = 1; self->editing->header_names[0] != NULL && self->editing->header_names[i] != NULL; i++)
      g_strv_builder_add (builder, self->editing->header_names[i]);
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  if (names[0] == NULL)
    g_clear_pointer (&names, g_strfreev);
  return names;
}

static void
add_clicked_cb (VigilSourceDialog *self)
{
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = dup_entry_text (self->name_row);
  g_autofree char *url = dup_entry_text (self->url_row);
  g_autofree char *header_name = dup_entry_text (self->header_name_row);
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  const char *header_value = gtk_editable_get_text (GTK_EDITABLE (self->header_value_row));
  AddSourceData *data;

  g_assert (VIGIL_IS_SOURCE_DIALOG (self));

  if (self->saving)
    return;
  if (gtk_widget_has_css_class (GTK_WIDGET (self->mapping_row), "vigil-row-failed"))
    {
      show_error (self, _("The mapping file could not be read: choose another or use the native format"));
      return;
    }
  if (header_name == NULL && *header_value != '\0')
    {
      show_error (self, _("An extra header needs both a name and a value"));
      return;
    }
  /* Editing, the value of the header already there may stay as it is. */
  if (header_name != NULL && *header_value == '\0' &&
      (self->editing == NULL || g_strcmp0 (header_name, first_header (self->editing)) != 0))
    {
      show_error (self, _("An extra header needs both a name and a value"));
      return;
    }

  source = vigil_source_new (name, url);
  source->mapping = g_strdup (self->mapping_json);
  source->interval_min = (guint) gtk_spin_button_get_value_as_int (self->interval_spin);
  source->timeout_s = (guint) gtk_spin_button_get_value_as_int (self->timeout_spin);
  source->concurrency = (guint) gtk_spin_button_get_value_as_int (self->concurrency_spin);
  source->max_bytes = (gint64) gtk_spin_button_get_value_as_int (self->max_mib_spin) * 1024 * 1024;
  /* As a double: more than an int holds. */
  source->max_records = (gint64) gtk_spin_button_get_value (self->max_records_spin);
  /* A limit set in bytes on the command line stays as it was unless the
   * form's rounded MiB were changed. */
  if (self->editing != NULL &&
      gtk_spin_button_get_value_as_int (self->max_mib_spin) == self->shown_max_mib)
    source->max_bytes = self->editing->max_bytes;
  source->token_env = dup_entry_text (self->token_env_row);
  source->keyring_token = *token != '\0';
  source->header_names = build_header_names (self, header_name);
  /* Query secrets are given on the command line; editing keeps them. */
  if (self->editing != NULL)
    {
      source->query_secret_names = g_strdupv (self->editing->query_secret_names);
      source->query_secret_env = g_strdupv (self->editing->query_secret_env);
    }

  if (!vigil_source_validate (source, &error))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);

  set_saving (self, TRUE);
  if (self->editing == NULL)
    {
      VigilGivenSecrets secrets = { *token != '\0' ? token : NULL, *header_value != '\0' ? header_value : NULL,
                                    NULL };

      vigil_portfolio_add_source_async (self->portfolio, source, &secrets, self->cancellable, add_source_cb,
                                        g_object_ref (self));
      return;
    }

  data = g_new0 (AddSourceData, 1);
  data->source = g_steal_pointer (&source);
  data->token = *token != '\0' ? g_strdup (token) : NULL;
  data->header_value = *header_value != '\0' ? g_strdup (header_value) : NULL;
  data->forget_token = gtk_switch_get_active (self->token_forget_switch);
  vigil_portfolio_run_async (self->portfolio, edit_source_work, data, (GDestroyNotify) add_source_data_free,
                             self->cancellable, add_source_cb, g_object_ref (self));
}

static void
form_changed_cb (VigilSourceDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));

  g_assert (VIGIL_IS_SOURCE_DIALOG (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), !self->saving && *name != '\0' && *url != '\0');
}

static void
mapping_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VigilSourceDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *basename = g_file_get_basename (G_FILE (object));
  g_autofree char *message = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    }
  else
    mapping = vigil_mapping_new_from_data (contents, (gssize) length, &error);

  g_clear_pointer (&self->mapping_json, g_free);
  if (mapping == NULL)
    {
      message = g_strdup_printf (_("%s: %s"), basename, error->message);
      update_mapping_row (self, message, TRUE);
      return;
    }

  /* Stored normalised in the database, so the file can go away. */
  self->mapping_json = vigil_mapping_to_json (mapping);
  update_mapping_row (self, basename, FALSE);
  show_error (self, NULL);
}

static void
chooser_response_cb (VigilSourceDialog    *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  g_assert (VIGIL_IS_SOURCE_DIALOG (self));

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    g_file_load_contents_async (file, self->cancellable, mapping_loaded_cb, g_object_ref (self));
  g_clear_object (&self->chooser);
}

static void
mapping_choose_clicked_cb (VigilSourceDialog *self)
{
  g_autoptr(GtkFileFilter) json_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();

  g_assert (VIGIL_IS_SOURCE_DIALOG (self));

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Choose a Mapping File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (json_filter, _("JSON Files"));
  gtk_file_filter_add_mime_type (json_filter, "application/json");
  gtk_file_filter_add_pattern (json_filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), json_filter);
  gtk_file_filter_set_name (all_filter, _("All Files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all_filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
mapping_clear_clicked_cb (VigilSourceDialog *self)
{
  g_assert (VIGIL_IS_SOURCE_DIALOG (self));

  g_clear_pointer (&self->mapping_json, g_free);
  update_mapping_row (self, _("None: the endpoint speaks the native format"), FALSE);
}

static void
vigil_source_dialog_dispose (GObject *object)
{
  VigilSourceDialog *self = (VigilSourceDialog *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->portfolio);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_SOURCE_DIALOG);

  G_OBJECT_CLASS (vigil_source_dialog_parent_class)->dispose (object);
}

static void
vigil_source_dialog_finalize (GObject *object)
{
  VigilSourceDialog *self = (VigilSourceDialog *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->mapping_json, g_free);
  g_clear_pointer (&self->editing, vigil_source_free);

  G_OBJECT_CLASS (vigil_source_dialog_parent_class)->finalize (object);
}

static void
vigil_source_dialog_class_init (VigilSourceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_source_dialog_dispose;
  object_class->finalize = vigil_source_dialog_finalize;

  /* A source was added (its name); the portfolio reloads. */
  signals[SOURCE_ADDED] =
    g_signal_new ("source-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /* An existing source's settings were saved (its name). */
  signals[SOURCE_CHANGED] =
    g_signal_new ("source-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-source-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, concurrency_spin);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, form_box);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, header_name_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, header_value_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, mapping_button);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, mapping_clear_button);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, mapping_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, max_mib_spin);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, max_records_spin);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, scroller);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, token_env_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, token_forget_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, token_forget_switch);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, VigilSourceDialog, url_row);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, mapping_choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, mapping_clear_clicked_cb);
}

static void
vigil_source_dialog_init (VigilSourceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  gtk_spin_button_set_value (self->interval_spin, VIGIL_SOURCE_DEFAULT_INTERVAL_MIN);
  gtk_spin_button_set_value (self->timeout_spin, VIGIL_SOURCE_DEFAULT_TIMEOUT_S);
  gtk_spin_button_set_value (self->concurrency_spin, VIGIL_SOURCE_DEFAULT_CONCURRENCY);
  gtk_spin_button_set_value (self->max_mib_spin, (double) (VIGIL_SOURCE_DEFAULT_MAX_BYTES / (1024 * 1024)));
  gtk_spin_button_set_value (self->max_records_spin, (double) VIGIL_SOURCE_DEFAULT_MAX_RECORDS);
  mapping_clear_clicked_cb (self);

  /* Entry rows name their text field after their title only visually. */
  label_editable (self->name_row, _("Source name"));
  label_editable (self->url_row, _("Endpoint URL"));
  label_editable (self->token_row, _("Bearer token, kept in the keyring"));
  label_editable (self->token_env_row, _("Environment variable holding the token"));
  label_editable (self->header_name_row, _("Extra header name"));
  label_editable (self->header_value_row, _("Extra header value, kept in the keyring"));
}

/* Fills the form with @source's settings and makes it a form to change
 * them. The name is how customers are keyed, so it stays. */
static void
fill_for_editing (VigilSourceDialog *self,
                  const VigilSource *source)
{
  const char *header = first_header (source);

  self->editing = vigil_source_copy (source);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit Source"));
  gtk_button_set_label (self->add_button, _("_Save"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->spinner), _("Saving the source"));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), source->name);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), source->url != NULL ? source->url : "");
  if (source->mapping != NULL)
    {
      self->mapping_json = g_strdup (source->mapping);
      update_mapping_row (self, _("The mapping saved with this source"), FALSE);
    }
  gtk_spin_button_set_value (self->interval_spin, source->interval_min);
  gtk_spin_button_set_value (self->timeout_spin, source->timeout_s);
  gtk_spin_button_set_value (self->concurrency_spin, source->concurrency);
  gtk_spin_button_set_value (self->max_mib_spin, (double) MAX (source->max_bytes / (1024 * 1024), 1));
  self->shown_max_mib = gtk_spin_button_get_value_as_int (self->max_mib_spin);
  gtk_spin_button_set_value (self->max_records_spin, (double) source->max_records);
  gtk_editable_set_text (GTK_EDITABLE (self->token_env_row), source->token_env != NULL ? source->token_env : "");
  gtk_editable_set_text (GTK_EDITABLE (self->header_name_row), header != NULL ? header : "");

  /* Secrets are never read back into the form: empty keeps them. */
  if (source->keyring_token)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row),
                                     _("New Bearer Token (empty keeps the current one)"));
      gtk_widget_set_visible (GTK_WIDGET (self->token_forget_row), TRUE);
    }
  if (header != NULL)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->header_value_row),
                                   _("New Extra Header Value (empty keeps the current one)"));
  form_changed_cb (self);
}

/**
 * vigil_source_dialog_new:
 * @parent: the window it belongs to
 *
 * A modal window to add a usage endpoint; it adds it through @portfolio.
 */
VigilSourceDialog *
vigil_source_dialog_new (GtkWindow      *parent,
                         VigilPortfolio *portfolio)
{
  VigilSourceDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (portfolio), NULL);

  self = g_object_new (VIGIL_TYPE_SOURCE_DIALOG, "transient-for", parent, NULL);
  self->portfolio = g_object_ref (portfolio);
  return self;
}

/**
 * vigil_source_dialog_new_for_source:
 * @parent: the window it belongs to
 * @source: the endpoint source to change
 *
 * A modal window to change the settings of @source; it saves them
 * through @portfolio and polls the source at once.
 */
VigilSourceDialog *
vigil_source_dialog_new_for_source (GtkWindow         *parent,
                                    VigilPortfolio    *portfolio,
                                    const VigilSource *source)
{
  VigilSourceDialog *self;

  g_return_val_if_fail (source != NULL && source->name != NULL, NULL);

  self = vigil_source_dialog_new (parent, portfolio);
  fill_for_editing (self, source);
  return self;
}
