/* vigil-export-dialog.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Export the weekly report: pick a week and an owner, then a file; the
 * PDF is written off the main thread by the same code as `vigil report`.
 */

#define G_LOG_DOMAIN "vigil-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-export-dialog.h"
#include "vigil-format.h"
#include "vigil-report.h"

/* Weeks offered, newest first. */
#define N_WEEKS 12

struct _VigilExportDialog
{
  AdwMessageDialog  parent_instance;

  VigilPortfolio   *portfolio;
  GtkWindow        *parent;
  AdwComboRow      *week_row;
  AdwComboRow      *owner_row;
  int               years[N_WEEKS];
  int               weeks[N_WEEKS];
  guint             n_weeks;
};

G_DEFINE_FINAL_TYPE (VigilExportDialog, vigil_export_dialog, ADW_TYPE_MESSAGE_DIALOG)

typedef struct
{
  VigilReportOptions  options;
  char               *owner;
  char               *path;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->owner);
  g_free (job->path);
  g_free (job);
}

static gpointer
export_work (VigilStore  *store,
             gpointer     data,
             GError     **error)
{
  ExportJob *job = data;

  if (!vigil_report_write_pdf (store, &job->options, job->path, error))
    return NULL;
  return g_strdup (job->path);
}

/* The window shows the outcome as a toast, through its own action. */
static void
say (GtkWindow  *parent,
     const char *message)
{
  gtk_widget_activate_action (GTK_WIDGET (parent), "win.toast", "s", message);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);
  g_autofree char *message = NULL;

  if (path == NULL)
    message = g_strdup_printf (_("Could not export the report: %s"), error->message);
  else
    {
      g_autofree char *name = g_filename_display_basename (path);

      message = g_strdup_printf (_("Report saved as %s"), name);
    }
  say (parent, message);
}

static void
save_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         user_data)
{
  g_autoptr(VigilExportDialog) self = user_data;
  ExportJob *job = g_object_get_data (G_OBJECT (chooser), "job");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      job = g_steal_pointer (&job);
      g_object_steal_data (G_OBJECT (chooser), "job");
      job->path = g_file_get_path (file);
      say (self->parent, _("Exporting the report…"));
      vigil_portfolio_run_async (self->portfolio, export_work, job, (GDestroyNotify) export_job_free, NULL,
                                 export_done_cb, g_object_ref (self->parent));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
response_cb (VigilExportDialog *self,
             const char        *response)
{
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  g_autofree char *week = NULL;
  ExportJob *job;
  guint w, o;

  if (g_strcmp0 (response, "export") != 0 || self->n_weeks == 0)
    return;

  w = MIN (adw_combo_row_get_selected (self->week_row), self->n_weeks - 1);
  o = adw_combo_row_get_selected (self->owner_row);
  job = g_new0 (ExportJob, 1);
  job->options.iso_year = self->years[w];
  job->options.iso_week = self->weeks[w];
  job->options.paper = VIGIL_REPORT_PAPER_AUTO;
  if (o != 0 && o != GTK_INVALID_LIST_POSITION)
    job->owner = g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (self->owner_row)),
                                                       o));
  job->options.owner = job->owner;

  week = vigil_iso_week_format (job->options.iso_year, job->options.iso_week);
  name = g_strdup_printf ("vigil-%s.pdf", week);
  chooser = gtk_file_chooser_native_new (_("Export Weekly Report"), self->parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "job", job, (GDestroyNotify) export_job_free);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), g_object_ref (self));
  /* The dialog stays (hidden) until the chooser answers. */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The last full weeks of the book, newest first. */
static void
fill_weeks (VigilExportDialog *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  gint64 latest = vigil_portfolio_get_latest_time (self->portfolio);
  gint32 day;

  if (latest == G_MININT64)
    latest = g_get_real_time () / G_USEC_PER_SEC;
  if (!vigil_report_last_full_week (latest + 7 * 86400, &self->years[0], &self->weeks[0]))
    return;
  vigil_iso_week_get_first_day (self->years[0], self->weeks[0], &day);

  for (self->n_weeks = 0; self->n_weeks < N_WEEKS; self->n_weeks++, day -= 7)
    {
      guint i = self->n_weeks;
      g_autofree char *from = vigil_format_day (day);
      g_autofree char *label = NULL;

      vigil_iso_week_from_day (day, &self->years[i], &self->weeks[i]);
      /* TRANSLATORS: an ISO week and the day it starts, e.g. "Week 46, from 9 Nov 2026" */
      label = g_strdup_printf (_("Week %d, from %s"), self->weeks[i], from);
      gtk_string_list_append (labels, label);
    }
  adw_combo_row_set_model (self->week_row, G_LIST_MODEL (labels));
  /* The newest full week with data: the book's latest week is not over. */
  adw_combo_row_set_selected (self->week_row, 1);
}

static void
fill_owners (VigilExportDialog *self)
{
  g_autoptr(GPtrArray) names = vigil_portfolio_list_texts (self->portfolio, vigil_customer_get_owner);
  g_autoptr(GtkStringList) owners = gtk_string_list_new ((const char *[]) { _("All owners"), NULL });

  for (guint i = 0; i < names->len; i++)
    gtk_string_list_append (owners, names->pdata[i]);
  adw_combo_row_set_model (self->owner_row, G_LIST_MODEL (owners));
}

static void
vigil_export_dialog_dispose (GObject *object)
{
  VigilExportDialog *self = (VigilExportDialog *) object;

  g_clear_object (&self->portfolio);

  G_OBJECT_CLASS (vigil_export_dialog_parent_class)->dispose (object);
}

static void
vigil_export_dialog_class_init (VigilExportDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vigil_export_dialog_dispose;
}

static void
vigil_export_dialog_init (VigilExportDialog *self)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  self->week_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->week_row), _("Week"));
  self->owner_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->owner_row), _("Owner"));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->week_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->owner_row));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), list);

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Export Weekly Report"));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                               _("A PDF of the week: headline figures, charts, top risks, upsell "
                                 "opportunities, movers and the full portfolio."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self), "cancel", _("_Cancel"), "export", _("_Export…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "export", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "export");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

VigilExportDialog *
vigil_export_dialog_new (GtkWindow      *parent,
                         VigilPortfolio *portfolio)
{
  VigilExportDialog *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (portfolio), NULL);

  self = g_object_new (VIGIL_TYPE_EXPORT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->parent = parent;
  self->portfolio = g_object_ref (portfolio);
  fill_weeks (self);
  fill_owners (self);
  return self;
}
