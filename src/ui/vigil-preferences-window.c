/* vigil-preferences-window.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-preferences-window"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-preferences-window.h"
#include "vigil-source-assistant.h"
#include "vigil-source-dialog.h"

/* How long the scorecard settings rest before the preview is recomputed. */
#define PREVIEW_DELAY_MS 150
/* How often "polled 5 minutes ago" is brought up to date. */
#define STATUS_REFRESH_S 30

/* The widgets of one source's row. */
typedef struct
{
  AdwExpanderRow *row;
  GtkSpinner     *spinner;
  GtkButton      *poll_button;
  GtkButton      *edit_button;
  GtkButton      *remove_button;
  AdwActionRow   *url_row;
  AdwActionRow   *schedule_row;
  AdwActionRow   *limits_row;
  AdwActionRow   *auth_row;
  AdwActionRow   *result_row;
  VigilSource    *source;
} SourceRow;

/* One measure's controls on the scorecard page. */
typedef struct
{
  GtkSpinButton *weight;
  GtkSpinButton *target;
} MeasureControls;

struct _VigilPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkButton            *add_source_button;
  GtkButton            *apply_button;
  GtkSpinner           *apply_spinner;
  GtkSpinButton        *at_risk_spin;
  GtkSwitch            *background_switch;
  AdwActionRow         *current_row;
  AdwPreferencesGroup  *background_group;
  AdwPreferencesPage   *general_page;
  GtkSpinButton        *healthy_spin;
  AdwPreferencesGroup  *measures_group;
  AdwActionRow         *no_sources_row;
  AdwEntryRow          *me_row;
  GtkSwitch            *notify_switch;
  AdwActionRow         *preview_row;
  GtkButton            *reset_button;
  GtkLabel             *scorecard_error_label;
  GtkLabel             *scorecard_status_label;
  AdwPreferencesGroup  *sources_group;

  VigilPortfolio       *portfolio;
  GSettings            *settings;
  GCancellable         *cancellable;

  /* Sources page */
  GHashTable           *source_rows;   /* name → SourceRow */
  GHashTable           *polling;       /* names being polled */
  GHashTable           *customer_counts;  /* source name → count */
  guint                 refresh_id;

  /* Scorecard page */
  MeasureControls       measures[VIGIL_N_MEASURES];
  VigilScorecard       *shown;         /* the scorecard the controls started from */
  VigilScorecard       *next;          /* the valid scorecard they give, or NULL */
  gint64                applied_version;  /* saved, not yet reloaded */
  guint                 preview_id;
  gboolean              filling;
  gboolean              applying;
};

G_DEFINE_FINAL_TYPE (VigilPreferencesWindow, vigil_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* What each measure is and what its target means, by VigilMeasure. */
static const struct
{
  const char *label;
  const char *target_meaning;
  double      target_step;
  int         target_digits;
} measure_info[VIGIL_N_MEASURES] = {
  [VIGIL_MEASURE_ACTIVITY] = { N_("Activity"), N_("Target: hours idle that take it to 0"), 1, 0 },
  [VIGIL_MEASURE_VOLUME] = { N_("Volume"), N_("Target: API calls a week for full marks"), 100, 0 },
  [VIGIL_MEASURE_BREADTH] = { N_("Breadth"), N_("Target: features used for full marks"), 1, 0 },
  [VIGIL_MEASURE_SEATS] = { N_("Seat Use"), N_("Target: share of seats used for full marks (1 = all)"),
                            0.05, 2 },
  [VIGIL_MEASURE_TICKETS] = { N_("Support Tickets"), N_("Target: open tickets that take it to 0"), 1, 0 },
  [VIGIL_MEASURE_NPS] = { N_("NPS"), N_("Target: NPS for full marks"), 1, 0 },
  [VIGIL_MEASURE_SENTIMENT] = { N_("CSM Sentiment"), N_("Target: days a pulse counts before it is stale"),
                                1, 0 },
};

static void
source_row_free (SourceRow *source_row)
{
  vigil_source_free (source_row->source);
  g_free (source_row);
}

/* "in 5 minutes", for times to come. */
static char *
format_in (gint64 then,
           gint64 now)
{
  gint64 seconds = then - now;
  int n;

  if (seconds < 60)
    return g_strdup (_("in less than a minute"));
  if (seconds < 3600)
    {
      n = (int) ((seconds + 59) / 60);
      return g_strdup_printf (ngettext ("in %d minute", "in %d minutes", n), n);
    }
  if (seconds < 48 * 3600)
    {
      n = (int) (seconds / 3600);
      return g_strdup_printf (ngettext ("in %d hour", "in %d hours", n), n);
    }
  n = (int) (seconds / 86400);
  return g_strdup_printf (ngettext ("in %d day", "in %d days", n), n);
}

static char *
format_count (guint count)
{
  return g_strdup_printf ("%'u", count);
}

static void
set_row_failed (gpointer row,
                gboolean failed)
{
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (row), "vigil-row-failed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "vigil-row-failed");
}

/* design 2.5: a source whose last poll looked like a connector that
 * broke quietly. */
static void
set_row_suspect (gpointer row,
                 gboolean suspect)
{
  if (suspect)
    gtk_widget_add_css_class (GTK_WIDGET (row), "vigil-row-suspect");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "vigil-row-suspect");
}

static AdwActionRow *
add_detail_row (SourceRow  *source_row,
                const char *title)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (row), "property");
  adw_expander_row_add_row (source_row->row, GTK_WIDGET (row));
  return row;
}

/* Sources page ------------------------------------------------------------- */

static void
update_source_row (VigilPreferencesWindow *self,
                   SourceRow              *source_row)
{
  const VigilSource *source = source_row->source;
  gboolean polling = g_hash_table_contains (self->polling, source->name);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *status = NULL;
  g_autofree char *schedule = NULL;
  g_autofree char *limits = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *every = NULL;
  g_autofree char *max_bytes = g_format_size_full ((guint64) source->max_bytes, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *max_records = g_strdup_printf ("%'" G_GINT64_FORMAT, source->max_records);
  gboolean failed = FALSE;
  gboolean suspect = FALSE;

  if (polling)
    status = g_strdup (_("Polling…"));
  else if (source->last_poll_at == 0)
    status = g_strdup (_("Not polled yet"));
  else
    {
      g_autofree char *ago = vigil_format_ago (MAX (now - source->last_poll_at, 0));

      if (source->last_ok && vigil_source_is_suspect (source))
        {
          g_autofree char *reasons = vigil_source_describe_suspect (source);

          suspect = TRUE;
          /* TRANSLATORS: "Suspect, polled 5 minutes ago: 412 records, the
           * previous poll had 1,030" */
          status = g_strdup_printf (_("Suspect, polled %s: %s"), ago, reasons);
        }
      else if (source->last_ok)
        {
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->customer_counts, source->name));
          g_autofree char *count_text = format_count (count);

          /* TRANSLATORS: "Polled 5 minutes ago · 10,000 customers" */
          status = g_strdup_printf (ngettext ("Polled %s · %s customer", "Polled %s · %s customers", count),
                                    ago, count_text);
        }
      else
        {
          failed = TRUE;
          if (source->failures > 1)
            /* TRANSLATORS: "Failed 3 times in a row, last 5 minutes ago: the error" */
            status = g_strdup_printf (_("Failed %u times in a row, last %s: %s"), source->failures, ago,
                                      source->last_error != NULL ? source->last_error : _("unknown error"));
          else
            status = g_strdup_printf (_("Failed %s: %s"), ago,
                                      source->last_error != NULL ? source->last_error : _("unknown error"));
        }
    }
  adw_expander_row_set_subtitle (source_row->row, status);
  set_row_failed (source_row->row, failed);
  set_row_suspect (source_row->row, suspect && !polling);
  gtk_widget_set_visible (GTK_WIDGET (source_row->spinner), polling);
  gtk_spinner_set_spinning (source_row->spinner, polling);
  gtk_widget_set_sensitive (GTK_WIDGET (source_row->poll_button), !polling);
  /* A poll running records its outcome with the settings it started with. */
  gtk_widget_set_sensitive (GTK_WIDGET (source_row->edit_button), !polling);

  adw_action_row_set_subtitle (source_row->url_row, source->url != NULL ? source->url : "");

  every = g_strdup_printf (ngettext ("Every %u minute", "Every %u minutes", source->interval_min),
                           source->interval_min);
  if (polling)
    schedule = g_strdup (every);
  else if (source->next_due == 0 || source->next_due <= now)
    schedule = g_strdup_printf (_("%s; due now"), every);
  else
    {
      g_autofree char *in = format_in (source->next_due, now);

      /* TRANSLATORS: "Every 60 minutes; next in 5 minutes" */
      schedule = g_strdup_printf (_("%s; next %s"), every, in);
    }
  adw_action_row_set_subtitle (source_row->schedule_row, schedule);

  /* TRANSLATORS: "30 s timeout · 6 requests at once · responses up to
   * 64.0 MiB · 1,000,000 records a poll" */
  limits = g_strdup_printf (ngettext ("%u s timeout · %u request at once · responses up to %s · %s records a poll",
                                      "%u s timeout · %u requests at once · responses up to %s · %s records a poll",
                                      source->concurrency),
                            source->timeout_s, source->concurrency, max_bytes, max_records);
  adw_action_row_set_subtitle (source_row->limits_row, limits);

  {
    g_autoptr(GString) text = g_string_new (NULL);

    if (source->keyring_token)
      g_string_append (text, _("Bearer token in the keyring"));
    else if (source->token_env != NULL)
      g_string_append_printf (text, _("Bearer token from the environment variable %s"), source->token_env);
    else
      g_string_append (text, _("No token"));
    if (source->header_names != NULL && source->header_names[0] != NULL)
      {
        g_autofree char *names = g_strjoinv (", ", source->header_names);

        g_string_append (text, " · ");
        g_string_append_printf (text, _("extra headers %s, values in the keyring"), names);
      }
    if (source->mapping != NULL)
      {
        g_string_append (text, " · ");
        g_string_append (text, _("custom mapping"));
      }
    auth = g_string_free (g_steal_pointer (&text), FALSE);
  }
  adw_action_row_set_subtitle (source_row->auth_row, auth);

  if (source->last_poll_at == 0)
    adw_action_row_set_subtitle (source_row->result_row, _("None yet"));
  else if (source->last_ok)
    adw_action_row_set_subtitle (source_row->result_row, source->last_summary != NULL ? source->last_summary : "");
  else
    adw_action_row_set_subtitle (source_row->result_row,
                                 source->last_error != NULL ? source->last_error : _("unknown error"));
  set_row_failed (source_row->result_row, failed);
}

static void
poll_clicked_cb (GtkButton              *button,
                 VigilPreferencesWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "vigil-source-name");

  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  vigil_portfolio_poll_now (self->portfolio, name);
}

typedef struct
{
  char     *name;
  gboolean  delete_history;
} RemoveSourceData;

static void
remove_source_data_free (RemoveSourceData *data)
{
  g_free (data->name);
  g_free (data);
}

/* Runs on a worker thread; returns the message to show. */
static gpointer
remove_source_work (VigilStore  *store,
                    gpointer     user_data,
                    GError     **error)
{
  RemoveSourceData *data = user_data;
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(GError) secrets_error = NULL;

  if (!(source = vigil_store_get_source (store, data->name, error)) ||
      !vigil_store_remove_source (store, data->name, data->delete_history, error))
    return NULL;

  if ((source->keyring_token || source->header_names != NULL) &&
      !vigil_secrets_clear (vigil_store_get_path (store), source->name, NULL, &secrets_error))
    return g_strdup_printf (_("Removed “%s”, but its secrets stay in the keyring: %s"), source->name,
                            secrets_error->message);

  if (data->delete_history)
    return g_strdup_printf (_("Removed “%s” and its history"), source->name);
  return g_strdup_printf (_("Removed “%s”; its customers’ history stays"), source->name);
}

static void
remove_source_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VigilPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  message = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (message == NULL)
    {
      GHashTableIter iter;
      SourceRow *source_row;

      message = g_strdup_printf (_("Could not remove the source: %s"), error->message);
      g_hash_table_iter_init (&iter, self->source_rows);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &source_row))
        gtk_widget_set_sensitive (GTK_WIDGET (source_row->row), TRUE);
    }
  else
    vigil_portfolio_reload (self->portfolio);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static void
remove_response_cb (AdwMessageDialog       *dialog,
                    const char             *response,
                    VigilPreferencesWindow *self)
{
  RemoveSourceData *data;
  SourceRow *source_row;

  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  if (g_strcmp0 (response, "keep") != 0 && g_strcmp0 (response, "delete") != 0)
    return;

  data = g_new0 (RemoveSourceData, 1);
  data->name = g_strdup (g_object_get_data (G_OBJECT (dialog), "vigil-source-name"));
  /* It may wait for a poll writing to the database: show it is going. */
  if ((source_row = g_hash_table_lookup (self->source_rows, data->name)) != NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (source_row->row), FALSE);
  data->delete_history = g_str_equal (response, "delete");
  vigil_portfolio_run_async (self->portfolio, remove_source_work, data, (GDestroyNotify) remove_source_data_free,
                             self->cancellable, remove_source_cb, g_object_ref (self));
}

static void
remove_clicked_cb (GtkButton              *button,
                   VigilPreferencesWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "vigil-source-name");
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  heading = g_strdup_printf (_("Remove “%s”?"), name);
  /* Heading and body are plain text (use-markup is off by default). */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Vigil stops polling it. Its customers and their history can stay, "
                                     "as imported history does, or be deleted for good."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete History Too"),
                                    "keep", _("_Keep History"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "keep", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "vigil-source-name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
source_changed_cb (VigilPreferencesWindow *self,
                   const char             *name)
{
  g_autofree char *text = g_strdup_printf (_("Saved “%s”; polling it now"), name);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

static void
edit_clicked_cb (GtkButton              *button,
                 VigilPreferencesWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "vigil-source-name");
  SourceRow *source_row;
  VigilSourceDialog *dialog;

  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  if ((source_row = g_hash_table_lookup (self->source_rows, name)) == NULL)
    return;
  dialog = vigil_source_dialog_new_for_source (GTK_WINDOW (self), self->portfolio, source_row->source);
  g_signal_connect_object (dialog, "source-changed", G_CALLBACK (source_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkButton *
new_row_button (const char *icon_name,
                const char *label,
                const char *source_name)
{
  GtkButton *button = GTK_BUTTON (gtk_button_new_from_icon_name (icon_name));

  gtk_widget_set_valign (GTK_WIDGET (button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (button), "flat");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (button), "vigil-source-name", g_strdup (source_name), g_free);
  return button;
}

static SourceRow *
new_source_row (VigilPreferencesWindow *self,
                const VigilSource      *source)
{
  SourceRow *source_row = g_new0 (SourceRow, 1);
  g_autofree char *poll_label = g_strdup_printf (_("Poll “%s” Now"), source->name);
  g_autofree char *edit_label = g_strdup_printf (_("Edit “%s”…"), source->name);
  g_autofree char *remove_label = g_strdup_printf (_("Remove “%s”…"), source->name);

  source_row->source = vigil_source_copy (source);
  source_row->row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (source_row->row), source->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (source_row->row), FALSE);

  source_row->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_tooltip_text (GTK_WIDGET (source_row->spinner), _("Polling"));
  adw_expander_row_add_action (source_row->row, GTK_WIDGET (source_row->spinner));

  source_row->poll_button = new_row_button ("view-refresh-symbolic", poll_label, source->name);
  g_signal_connect_object (source_row->poll_button, "clicked", G_CALLBACK (poll_clicked_cb), self, 0);
  adw_expander_row_add_action (source_row->row, GTK_WIDGET (source_row->poll_button));

  source_row->edit_button = new_row_button ("document-edit-symbolic", edit_label, source->name);
  g_signal_connect_object (source_row->edit_button, "clicked", G_CALLBACK (edit_clicked_cb), self, 0);
  adw_expander_row_add_action (source_row->row, GTK_WIDGET (source_row->edit_button));

  source_row->remove_button = new_row_button ("user-trash-symbolic", remove_label, source->name);
  g_signal_connect_object (source_row->remove_button, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
  adw_expander_row_add_action (source_row->row, GTK_WIDGET (source_row->remove_button));

  source_row->url_row = add_detail_row (source_row, _("Address"));
  source_row->schedule_row = add_detail_row (source_row, _("Schedule"));
  source_row->limits_row = add_detail_row (source_row, _("Limits"));
  source_row->auth_row = add_detail_row (source_row, _("Authentication"));
  source_row->result_row = add_detail_row (source_row, _("Last Result"));

  adw_preferences_group_add (self->sources_group, GTK_WIDGET (source_row->row));
  return source_row;
}

static void
count_customers (VigilPreferencesWindow *self)
{
  GListModel *customers = vigil_portfolio_get_customers (self->portfolio);
  guint n = g_list_model_get_n_items (customers);

  g_hash_table_remove_all (self->customer_counts);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);
      const VigilPortfolioRow *row = vigil_customer_get_row (customer);
      guint count;

      if (row == NULL || row->source == NULL)
        continue;
      count = GPOINTER_TO_UINT (g_hash_table_lookup (self->customer_counts, row->source));
      g_hash_table_insert (self->customer_counts, g_strdup (row->source), GUINT_TO_POINTER (count + 1));
    }
}

/* Updates rows in place, so focus and expanded rows survive a reload. */
static void
update_sources (VigilPreferencesWindow *self)
{
  GPtrArray *sources = vigil_portfolio_get_sources (self->portfolio);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  SourceRow *source_row;
  const char *name;

  count_customers (self);

  for (guint i = 0; sources != NULL && i < sources->len; i++)
    {
      const VigilSource *source = g_ptr_array_index (sources, i);

      if ((source_row = g_hash_table_lookup (self->source_rows, source->name)) != NULL)
        {
          vigil_source_free (source_row->source);
          source_row->source = vigil_source_copy (source);
        }
      else
        {
          source_row = new_source_row (self, source);
          g_hash_table_insert (self->source_rows, g_strdup (source->name), source_row);
        }
      g_hash_table_add (seen, source_row->source->name);
      update_source_row (self, source_row);
    }

  g_hash_table_iter_init (&iter, self->source_rows);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &source_row))
    if (!g_hash_table_contains (seen, name))
      {
        adw_preferences_group_remove (self->sources_group, GTK_WIDGET (source_row->row));
        g_hash_table_iter_remove (&iter);
      }

  gtk_widget_set_visible (GTK_WIDGET (self->no_sources_row), g_hash_table_size (self->source_rows) == 0);
}

static void
refresh_source_statuses (VigilPreferencesWindow *self)
{
  GHashTableIter iter;
  SourceRow *source_row;

  g_hash_table_iter_init (&iter, self->source_rows);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &source_row))
    update_source_row (self, source_row);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  refresh_source_statuses (VIGIL_PREFERENCES_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

static void
poll_started_cb (VigilPreferencesWindow *self,
                 const char             *name)
{
  SourceRow *source_row;

  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  if (name == NULL)
    return;
  g_hash_table_add (self->polling, g_strdup (name));
  if ((source_row = g_hash_table_lookup (self->source_rows, name)) != NULL)
    update_source_row (self, source_row);
}

static void
poll_finished_cb (VigilPreferencesWindow *self,
                  const char             *name,
                  gboolean                ok,
                  const char             *message)
{
  gboolean was_polling;
  SourceRow *source_row;

  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  if (name == NULL)
    {
      was_polling = g_hash_table_size (self->polling) > 0;
      g_hash_table_remove_all (self->polling);
      refresh_source_statuses (self);
    }
  else
    {
      was_polling = g_hash_table_remove (self->polling, name);
      if ((source_row = g_hash_table_lookup (self->source_rows, name)) != NULL)
        update_source_row (self, source_row);
    }

  /* A poll that could not even start leaves nothing in the source's row. */
  if (!ok && !was_polling && message != NULL)
    {
      g_autofree char *text = NULL;

      if (name != NULL)
        text = g_strdup_printf (_("Could not poll “%s”: %s"), name, message);
      else
        text = g_strdup_printf (_("Could not poll: %s"), message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
    }
}

static void
source_added_cb (VigilPreferencesWindow *self,
                 const char             *name)
{
  g_autofree char *text = g_strdup_printf (_("Added “%s”; polling it now"), name);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

static void
add_source_clicked_cb (VigilPreferencesWindow *self)
{
  VigilSourceAssistant *assistant;

  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  assistant = vigil_source_assistant_new (GTK_WINDOW (self), self->portfolio);
  g_signal_connect_object (assistant, "source-added", G_CALLBACK (source_added_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (assistant));
}

/* Scorecard page ----------------------------------------------------------- */

static void
count_tiers (VigilScorecard *scorecard,
             GListModel     *customers,
             guint           counts[VIGIL_N_TIERS])
{
  guint n = g_list_model_get_n_items (customers);

  memset (counts, 0, sizeof (guint) * VIGIL_N_TIERS);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);
      const VigilPortfolioRow *row;
      VigilTier tier;

      if (scorecard == NULL)
        tier = vigil_customer_get_tier (customer);
      else if ((row = vigil_customer_get_row (customer)) != NULL && row->latest != NULL)
        {
          VigilScore score;

          vigil_scorecard_compute_with_pulse (scorecard, row->latest, &row->latest_pulse, &score);
          tier = score.tier;
        }
      else
        continue;
      if (tier >= 0 && tier < VIGIL_N_TIERS)
        counts[tier]++;
    }
}

static char *
format_tier_counts (const guint counts[VIGIL_N_TIERS])
{
  g_autofree char *healthy = format_count (counts[VIGIL_TIER_HEALTHY]);
  g_autofree char *at_risk = format_count (counts[VIGIL_TIER_AT_RISK]);
  g_autofree char *high_risk = format_count (counts[VIGIL_TIER_HIGH_RISK]);

  /* TRANSLATORS: numbers of customers in each tier */
  return g_strdup_printf (_("%s healthy · %s at risk · %s high risk"), healthy, at_risk, high_risk);
}

/* The scorecard the controls describe, validated by the core, or NULL. */
static VigilScorecard *
build_scorecard (VigilPreferencesWindow  *self,
                 GError                 **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "measures");
  json_builder_begin_object (builder);
  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    {
      json_builder_set_member_name (builder, vigil_measure_get_name (i));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "weight");
      json_builder_add_double_value (builder, gtk_spin_button_get_value (self->measures[i].weight));
      json_builder_set_member_name (builder, "target");
      json_builder_add_double_value (builder, gtk_spin_button_get_value (self->measures[i].target));
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "tiers");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "healthy");
  json_builder_add_double_value (builder, gtk_spin_button_get_value (self->healthy_spin));
  json_builder_set_member_name (builder, "at-risk");
  json_builder_add_double_value (builder, gtk_spin_button_get_value (self->at_risk_spin));
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  /* All settings at once, as `vigil scorecard load` does: one change at a
   * time (vigil_scorecard_new_with) could pass through invalid settings
   * and would skip versions. */
  return vigil_scorecard_new_from_json (json, vigil_scorecard_get_version (self->shown) + 1, error);
}

static gboolean
scorecards_equal (VigilScorecard *a,
                  VigilScorecard *b)
{
  g_autofree char *json_a = vigil_scorecard_to_json (a);
  g_autofree char *json_b = vigil_scorecard_to_json (b);

  return g_str_equal (json_a, json_b);
}

static void
update_scorecard_buttons (VigilPreferencesWindow *self)
{
  gboolean changed = self->next != NULL && self->shown != NULL && !scorecards_equal (self->next, self->shown);
  gboolean edited = changed || self->next == NULL;
  /* Saved, but the reload that brings it in has not arrived. */
  gboolean waiting = self->shown != NULL && self->applied_version > vigil_scorecard_get_version (self->shown);
  gboolean busy = self->applying || waiting;

  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), changed && !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button), edited && self->shown != NULL && !busy);
}

static void
update_preview (VigilPreferencesWindow *self)
{
  GListModel *customers = vigil_portfolio_get_customers (self->portfolio);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint counts[VIGIL_N_TIERS];

  g_clear_handle_id (&self->preview_id, g_source_remove);

  if (self->shown == NULL)
    return;

  g_clear_object (&self->next);
  self->next = build_scorecard (self, &error);
  if (self->next == NULL)
    {
      gtk_label_set_text (self->scorecard_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->scorecard_error_label), TRUE);
      adw_action_row_set_subtitle (self->preview_row, _("These settings are not valid"));
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->scorecard_error_label), FALSE);
      count_tiers (self->next, customers, counts);
      text = format_tier_counts (counts);
      adw_action_row_set_subtitle (self->preview_row, text);
    }

  count_tiers (NULL, customers, counts);
  g_clear_pointer (&text, g_free);
  text = format_tier_counts (counts);
  adw_action_row_set_subtitle (self->current_row, text);

  update_scorecard_buttons (self);
}

static gboolean
preview_timeout_cb (gpointer user_data)
{
  VigilPreferencesWindow *self = user_data;

  self->preview_id = 0;
  update_preview (self);
  return G_SOURCE_REMOVE;
}

static void
scorecard_changed_cb (VigilPreferencesWindow *self)
{
  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  if (self->filling)
    return;
  g_clear_handle_id (&self->preview_id, g_source_remove);
  self->preview_id = g_timeout_add (PREVIEW_DELAY_MS, preview_timeout_cb, self);
}

/* Whole numbers show as such; a fraction set elsewhere is not rounded. */
static void
set_spin_value (GtkSpinButton *spin,
                double         value,
                int            min_digits)
{
  int digits = min_digits;

  if (digits == 0 && fabs (value - round (value)) > 1e-9)
    digits = 2;
  gtk_spin_button_set_digits (spin, (guint) digits);
  gtk_spin_button_set_value (spin, value);
}

static void
fill_scorecard (VigilPreferencesWindow *self,
                VigilScorecard         *scorecard)
{
  g_autofree char *status = NULL;

  g_set_object (&self->shown, scorecard);

  self->filling = TRUE;
  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    {
      set_spin_value (self->measures[i].weight, vigil_scorecard_get_weight (scorecard, i), 0);
      set_spin_value (self->measures[i].target, vigil_scorecard_get_target (scorecard, i),
                      measure_info[i].target_digits);
    }
  set_spin_value (self->healthy_spin, vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_HEALTHY), 0);
  set_spin_value (self->at_risk_spin, vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_AT_RISK), 0);
  self->filling = FALSE;

  /* The confirmation of the version just applied stays. */
  if (self->applied_version == vigil_scorecard_get_version (scorecard))
    return;
  status = g_strdup_printf (_("Version %" PRId64 " in use. A change makes a new version and "
                              "rescores the whole history."), vigil_scorecard_get_version (scorecard));
  gtk_label_set_text (self->scorecard_status_label, status);
}

static void
update_scorecard (VigilPreferencesWindow *self)
{
  VigilScorecard *scorecard = vigil_portfolio_get_scorecard (self->portfolio);

  if (scorecard == NULL)
    return;

  /* Edits in progress survive a reload (a poll), unless the scorecard
   * itself changed. */
  if (self->shown == NULL || self->next == NULL || scorecards_equal (self->next, self->shown) ||
      vigil_scorecard_get_version (scorecard) != vigil_scorecard_get_version (self->shown))
    fill_scorecard (self, scorecard);
  else
    g_set_object (&self->shown, scorecard);
  update_preview (self);
}

static void
set_applying (VigilPreferencesWindow *self,
              gboolean                applying)
{
  self->applying = applying;
  gtk_widget_set_visible (GTK_WIDGET (self->apply_spinner), applying);
  gtk_spinner_set_spinning (self->apply_spinner, applying);
  gtk_widget_set_sensitive (GTK_WIDGET (self->measures_group), !applying);
  gtk_widget_set_sensitive (GTK_WIDGET (self->healthy_spin), !applying);
  gtk_widget_set_sensitive (GTK_WIDGET (self->at_risk_spin), !applying);
  if (applying)
    gtk_label_set_text (self->scorecard_status_label, _("Rescoring the whole history…"));
  update_scorecard_buttons (self);
}

/* Runs on a worker thread; returns how many snapshots were rescored. */
static gpointer
save_scorecard_work (VigilStore  *store,
                     gpointer     user_data,
                     GError     **error)
{
  guint64 rescored = 0;

  if (!vigil_store_save_scorecard (store, VIGIL_SCORECARD (user_data), &rescored, error))
    return NULL;
  return g_memdup2 (&rescored, sizeof rescored);
}

static void
save_scorecard_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VigilPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree guint64 *rescored = NULL;
  g_autofree char *message = NULL;
  g_autofree char *count = NULL;

  rescored = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_applying (self, FALSE);
  if (rescored == NULL)
    {
      /* The edits stay, to be tried again or reset. */
      message = g_strdup_printf (_("The scorecard was not saved: %s"), error->message);
      gtk_label_set_text (self->scorecard_error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->scorecard_error_label), TRUE);
      return;
    }

  count = g_strdup_printf ("%'" G_GUINT64_FORMAT, *rescored);
  message = g_strdup_printf (ngettext ("Scorecard version %" PRId64 " in use; %s snapshot rescored",
                                       "Scorecard version %" PRId64 " in use; %s snapshots rescored",
                                       (gulong) MIN (*rescored, G_MAXULONG)),
                             vigil_scorecard_get_version (self->next), count);
  self->applied_version = vigil_scorecard_get_version (self->next);
  gtk_label_set_text (self->scorecard_status_label, message);
  update_scorecard_buttons (self);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
  vigil_portfolio_reload (self->portfolio);
}

static void
apply_clicked_cb (VigilPreferencesWindow *self)
{
  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  /* Settings changed in the last moments are checked now. */
  update_preview (self);
  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->apply_button)))
    return;

  set_applying (self, TRUE);
  vigil_portfolio_run_async (self->portfolio, save_scorecard_work, g_object_ref (self->next), g_object_unref,
                             self->cancellable, save_scorecard_cb, g_object_ref (self));
}

static void
reset_clicked_cb (VigilPreferencesWindow *self)
{
  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  if (self->shown == NULL)
    return;
  fill_scorecard (self, self->shown);
  update_preview (self);
}

static GtkSpinButton *
new_spin (double      upper,
          double      step,
          int         width_chars,
          const char *label)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, upper, step));

  gtk_editable_set_width_chars (GTK_EDITABLE (spin), width_chars);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (spin), width_chars);

  gtk_spin_button_set_numeric (spin, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (spin), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (spin), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return spin;
}

static void
build_measure_rows (VigilPreferencesWindow *self)
{
  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    {
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      const char *label = _(measure_info[i].label);
      g_autofree char *weight_label = g_strdup_printf (_("%s weight"), label);
      g_autofree char *target_label = g_strdup_printf (_("%s target"), label);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *caption;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
      adw_action_row_set_subtitle (row, _(measure_info[i].target_meaning));

      self->measures[i].weight = new_spin (1000, 1, 4, weight_label);
      self->measures[i].target = new_spin (1000000, measure_info[i].target_step, 6, target_label);
      gtk_adjustment_set_lower (gtk_spin_button_get_adjustment (self->measures[i].target), 0);
      g_signal_connect_object (self->measures[i].weight, "value-changed", G_CALLBACK (scorecard_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->measures[i].target, "value-changed", G_CALLBACK (scorecard_changed_cb),
                               self, G_CONNECT_SWAPPED);

      caption = gtk_label_new (_("Weight"));
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_box_append (GTK_BOX (box), caption);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->measures[i].weight));
      caption = gtk_label_new (_("Target"));
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_widget_set_margin_start (caption, 12);
      gtk_box_append (GTK_BOX (box), caption);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->measures[i].target));
      adw_action_row_add_suffix (row, box);

      adw_preferences_group_add (self->measures_group, GTK_WIDGET (row));
    }
}

/* Common ------------------------------------------------------------------- */

static void
loaded_cb (VigilPreferencesWindow *self)
{
  g_assert (VIGIL_IS_PREFERENCES_WINDOW (self));

  update_sources (self);
  update_scorecard (self);
}

static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Uninstalled, without the schema, there is nothing to set. */
  if (source == NULL || !(schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) ||
      !g_settings_schema_has_key (schema, "poll-in-background") ||
      !g_settings_schema_has_key (schema, "notify-new-triggers"))
    return NULL;
  return g_settings_new (APP_ID);
}

static void
vigil_preferences_window_dispose (GObject *object)
{
  VigilPreferencesWindow *self = (VigilPreferencesWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->preview_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->portfolio != NULL)
    g_signal_handlers_disconnect_by_data (self->portfolio, self);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->settings);
  g_clear_object (&self->shown);
  g_clear_object (&self->next);
  if (self->source_rows != NULL)
    g_hash_table_remove_all (self->source_rows);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (vigil_preferences_window_parent_class)->dispose (object);
}

/* General page: "I am" (design 5) ------------------------------------------- */

static gpointer
read_me_work (VigilStore  *store,
              gpointer     data,
              GError     **error)
{
  char *me = NULL;

  if (!vigil_store_get_me (store, &me, error))
    return NULL;
  /* Not set is an empty name, not a failure. */
  return me != NULL ? me : g_strdup ("");
}

static void
me_read_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VigilPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *me = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);

  if (me == NULL)
    {
      g_autofree char *message = NULL;
      g_autofree char *escaped = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not read “I am”: %s"), error->message);
      escaped = g_markup_escape_text (message, -1);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->me_row), me);
}

static void
read_me (VigilPreferencesWindow *self)
{
  /* design 1.1: on a team's book the name is the team's people's to give */
  if (vigil_store_location_is_shared (vigil_portfolio_get_db_path (self->portfolio)))
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->me_row), FALSE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->me_row),
                                   _("On a team's book, who you are comes from the team's people: "
                                     "ask the team's ops to run “vigil db roles” with your name"));
    }
  vigil_portfolio_run_async_full (self->portfolio, read_me_work, NULL, NULL, g_free, self->cancellable,
                                  me_read_cb, g_object_ref (self));
}

static gpointer
save_me_work (VigilStore  *store,
              gpointer     data,
              GError     **error)
{
  char *me = NULL;

  if (!vigil_store_set_me (store, data, error) || !vigil_store_get_me (store, &me, error))
    return NULL;
  return me != NULL ? me : g_strdup ("");
}

static void
me_saved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VigilPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *me = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);
  g_autofree char *message = NULL;
  g_autofree char *escaped = NULL;

  if (me == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (me == NULL)
    message = g_strdup_printf (_("“I am” was not saved: %s"), error->message);
  else if (*me == '\0')
    message = g_strdup (_("“I am” cleared: the window opens on the whole book"));
  else
    message = g_strdup_printf (_("You are %s; My Book shows your customers"), me);
  if (me != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->me_row), me);
      /* The views menu reads "I am" again with the book. */
      vigil_portfolio_reload (self->portfolio);
    }
  escaped = g_markup_escape_text (message, -1);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
}

static void
me_applied_cb (VigilPreferencesWindow *self)
{
  vigil_portfolio_run_async_full (self->portfolio, save_me_work,
                                  g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->me_row))), g_free,
                                  g_free, self->cancellable, me_saved_cb, g_object_ref (self));
}

static void
vigil_preferences_window_finalize (GObject *object)
{
  VigilPreferencesWindow *self = (VigilPreferencesWindow *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->source_rows, g_hash_table_unref);
  g_clear_pointer (&self->polling, g_hash_table_unref);
  g_clear_pointer (&self->customer_counts, g_hash_table_unref);

  G_OBJECT_CLASS (vigil_preferences_window_parent_class)->finalize (object);
}

static void
vigil_preferences_window_class_init (VigilPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_preferences_window_dispose;
  object_class->finalize = vigil_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/vigil/Vigil/vigil-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, add_source_button);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, apply_button);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, apply_spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, at_risk_spin);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, background_group);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, current_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, general_page);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, healthy_spin);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, me_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, measures_group);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, no_sources_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, preview_row);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, reset_button);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, scorecard_error_label);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, scorecard_status_label);
  gtk_widget_class_bind_template_child (widget_class, VigilPreferencesWindow, sources_group);
  gtk_widget_class_bind_template_callback (widget_class, add_source_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, me_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, scorecard_changed_cb);
}

static void
vigil_preferences_window_init (VigilPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->source_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) source_row_free);
  self->polling = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->customer_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  build_measure_rows (self);

  if ((self->settings = new_settings ()) != NULL)
    {
      g_settings_bind (self->settings, "poll-in-background", self->background_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "notify-new-triggers", self->notify_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
    }
  else
    adw_preferences_page_remove (self->general_page, self->background_group);

  self->refresh_id = g_timeout_add_seconds (STATUS_REFRESH_S, refresh_timeout_cb, self);
}

/**
 * vigil_preferences_window_new:
 * @parent: the main window
 * @portfolio: where the sources and the scorecard come from
 *
 * The sources to poll, the health scorecard and the app's settings.
 */
VigilPreferencesWindow *
vigil_preferences_window_new (GtkWindow      *parent,
                              VigilPortfolio *portfolio)
{
  VigilPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (portfolio), NULL);

  self = g_object_new (VIGIL_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->portfolio = g_object_ref (portfolio);

  g_signal_connect_object (portfolio, "loaded", G_CALLBACK (loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (portfolio, "poll-started", G_CALLBACK (poll_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (portfolio, "poll-finished", G_CALLBACK (poll_finished_cb), self, G_CONNECT_SWAPPED);

  if (vigil_portfolio_is_loaded (portfolio))
    loaded_cb (self);
  read_me (self);
  return self;
}
