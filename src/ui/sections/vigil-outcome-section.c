/* vigil-outcome-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The contract's outcome (design 3.2, design 5): the outcomes recorded,
 * and buttons to record that the customer churned or renewed today,
 * through the core's one way of recording one.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-outcome-section.h"

struct _VigilOutcomeSection
{
  AdwBin          parent_instance;

  /* Template children */
  GtkWidget      *churned_button;
  GtkListBox     *outcomes_list;
  GtkWidget      *renewed_button;

  VigilPortfolio *portfolio;
  VigilCustomer  *customer;
  GCancellable   *cancellable;
};

static void vigil_outcome_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilOutcomeSection, vigil_outcome_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_outcome_section_iface_init))

/* Recording ---------------------------------------------------------------- */

typedef struct
{
  gint64      customer_id;
  const char *outcome;   /* "churned" or "renewed" */
  char       *name;
} OutcomeData;

static void
outcome_data_free (gpointer data)
{
  OutcomeData *outcome = data;

  g_free (outcome->name);
  g_free (outcome);
}

static gpointer
record_outcome_work (VigilStore  *store,
                     gpointer     data,
                     GError     **error)
{
  OutcomeData *outcome = data;
  gboolean churned = g_str_equal (outcome->outcome, "churned");
  g_autoptr(GError) refit_error = NULL;

  /* The core's one way, as the command line does: the outcome is stored
   * whatever the churn model does, and a refit that fails leaves the
   * previous model in use. */
  if (!vigil_churn_trainer_record_outcome (store, outcome->customer_id, outcome->outcome,
                                           vigil_time_get_day (vigil_section_get_now ()), NULL, &refit_error,
                                           error))
    return NULL;
  if (refit_error != NULL)
    return g_strdup_printf (churned ? _("“%s” marked as churned; the churn model could not learn from it "
                                        "and stays as it was: %s")
                                    : _("“%s” marked as renewed; the churn model could not learn from it "
                                        "and stays as it was: %s"),
                            outcome->name, refit_error->message);
  return g_strdup_printf (churned ? _("“%s” marked as churned") : _("“%s” marked as renewed"), outcome->name);
}

static void
set_buttons_sensitive (VigilOutcomeSection *self,
                       gboolean             sensitive)
{
  gtk_widget_set_sensitive (self->churned_button, sensitive);
  gtk_widget_set_sensitive (self->renewed_button, sensitive);
}

static void
record_outcome_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VigilOutcomeSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_buttons_sensitive (self, TRUE);
  if (message == NULL)
    {
      message = g_strdup_printf (_("Could not record the outcome: %s"), error->message);
      vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), message);
      return;
    }
  vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), message);
  vigil_portfolio_reload (VIGIL_PORTFOLIO (object));
}

static void
outcome_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  VigilOutcomeSection *self = VIGIL_OUTCOME_SECTION (user_data);
  const char *outcome = g_object_get_data (G_OBJECT (dialog), "outcome");
  gint64 customer_id = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "customer-id");
  OutcomeData *data;

  if (!g_str_equal (response, "record") || self->portfolio == NULL)
    return;

  data = g_new0 (OutcomeData, 1);
  data->customer_id = customer_id;
  data->outcome = outcome;
  data->name = g_strdup (g_object_get_data (G_OBJECT (dialog), "name"));
  set_buttons_sensitive (self, FALSE);
  vigil_portfolio_run_async (self->portfolio, record_outcome_work, data, outcome_data_free,
                             self->cancellable, record_outcome_cb, g_object_ref (self));
}

static void
confirm_outcome (VigilOutcomeSection *self,
                 const char          *outcome)
{
  gboolean churned = g_str_equal (outcome, "churned");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gint64 customer_id;
  g_autofree char *heading = NULL;
  g_autofree char *date = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (self->customer == NULL)
    return;

  customer_id = vigil_customer_get_store_id (self->customer);
  heading = g_strdup_printf (churned ? _("Mark “%s” as Churned?") : _("Mark “%s” as Renewed?"),
                             vigil_customer_get_display_name (self->customer));
  date = vigil_format_day (vigil_time_get_day (vigil_section_get_now ()));
  body = g_strdup_printf (churned ? _("This records that the contract ended on %s. "
                                      "The churn model learns from recorded outcomes.")
                                  : _("This records that the contract renewed on %s. "
                                      "The churn model learns from recorded outcomes."),
                          date);
  /* Heading and body are plain text by default: the name stays data. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "record", churned ? _("Mark _Churned") : _("Mark _Renewed"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "record",
                                              churned ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, churned ? "cancel" : "record");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "outcome", (gpointer) (churned ? "churned" : "renewed"));
  g_object_set_data_full (G_OBJECT (dialog), "customer-id", g_memdup2 (&customer_id, sizeof (gint64)), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "name", g_strdup (vigil_customer_get_display_name (self->customer)),
                          g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (outcome_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
churned_clicked_cb (VigilOutcomeSection *self)
{
  confirm_outcome (self, "churned");
}

static void
renewed_clicked_cb (VigilOutcomeSection *self)
{
  confirm_outcome (self, "renewed");
}

/* Showing ------------------------------------------------------------------ */

/* An outcome as "DATE what", as the history lists them. */
static void
add_outcome_row (VigilSectionRows *rows,
                 const char       *outcome)
{
  g_auto(GStrv) parts = g_strsplit (outcome, " ", 2);
  const char *what = parts[0] != NULL ? parts[1] : NULL;
  g_autofree char *date = NULL;
  gint32 day;

  if (parts[0] != NULL && vigil_date_parse (parts[0], &day))
    date = vigil_format_day (day);
  else
    date = g_strdup (parts[0] != NULL ? parts[0] : "");
  if (g_strcmp0 (what, "churned") == 0)
    what = _("Churned");
  else if (g_strcmp0 (what, "renewed") == 0)
    what = _("Renewed");
  vigil_section_rows_add_text (rows, what != NULL ? what : "", NULL, date, FALSE);
}

static void
vigil_outcome_section_show (VigilCustomerSection *section,
                            VigilPortfolio       *portfolio,
                            VigilCustomer        *customer,
                            VigilCustomerHistory *history)
{
  VigilOutcomeSection *self = VIGIL_OUTCOME_SECTION (section);
  VigilSectionRows rows;

  g_set_object (&self->portfolio, portfolio);
  g_set_object (&self->customer, customer);
  vigil_section_rows_begin (&rows, self->outcomes_list, NULL);
  if (history == NULL)
    vigil_section_rows_add_spinner (&rows, _("Loading the outcomes…"));
  for (guint i = 0; history != NULL && i < history->outcomes->len; i++)
    add_outcome_row (&rows, history->outcomes->pdata[i]);
  if (history != NULL && history->outcomes->len == 0)
    vigil_section_rows_add_placeholder (&rows, _("No outcome recorded"));
  vigil_section_rows_end (&rows);
}

static void
vigil_outcome_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_outcome_section_show;
}

static void
vigil_outcome_section_dispose (GObject *object)
{
  VigilOutcomeSection *self = (VigilOutcomeSection *) object;

  g_cancellable_cancel (self->cancellable);
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_OUTCOME_SECTION);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->customer);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vigil_outcome_section_parent_class)->dispose (object);
}

static void
vigil_outcome_section_class_init (VigilOutcomeSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_outcome_section_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-outcome-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilOutcomeSection, churned_button);
  gtk_widget_class_bind_template_child (widget_class, VigilOutcomeSection, outcomes_list);
  gtk_widget_class_bind_template_child (widget_class, VigilOutcomeSection, renewed_button);
  gtk_widget_class_bind_template_callback (widget_class, churned_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, renewed_clicked_cb);
}

static void
vigil_outcome_section_init (VigilOutcomeSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
