/* vigil-pulse-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CSM's pulse (design 3.5, design 5): the current one (green,
 * yellow or red, its reason and note, who took it and when), a control
 * to take a new one (three toggle buttons, a reason, a note, Save) and
 * the earlier ones. The current pulse comes with the customer's
 * portfolio row; the earlier ones are read, and a new one saved, off the
 * main thread.
 */

#define G_LOG_DOMAIN "vigil-pulse-section"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-pulse-section.h"

struct _VigilPulseSection
{
  AdwBin            parent_instance;

  AdwActionRow     *current_row;
  GtkWidget        *current_dot;
  GtkToggleButton  *toggles[VIGIL_N_SENTIMENTS];
  AdwComboRow      *reason_row;
  AdwEntryRow      *note_row;
  GtkWidget        *save_button;
  AdwExpanderRow   *history_row;
  GPtrArray        *history_rows;  /* the rows added to history_row */

  VigilPortfolio   *portfolio;
  VigilCustomer    *customer;
  gint64            store_id;
  GCancellable     *cancellable;   /* the current customer's reads and writes */
  gboolean          saving;
};

static void vigil_pulse_section_iface_init (VigilCustomerSectionInterface *iface);
static void vigil_pulse_section_forget     (VigilCustomerSection          *section);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilPulseSection, vigil_pulse_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_pulse_section_iface_init))

/* The CSS class that colours a sentiment (style.css). */
static const char * const sentiment_classes[VIGIL_N_SENTIMENTS] = {
  [VIGIL_SENTIMENT_GREEN] = "pulse-green",
  [VIGIL_SENTIMENT_YELLOW] = "pulse-yellow",
  [VIGIL_SENTIMENT_RED] = "pulse-red",
};

/* Helpers ------------------------------------------------------------------- */

/* "Yellow · Budget" */
static char *
describe_sentiment (const VigilPulse *pulse)
{
  if (pulse->reason == VIGIL_PULSE_REASON_NONE)
    return g_strdup (vigil_sentiment_get_label (pulse->sentiment));
  /* TRANSLATORS: a pulse's sentiment and its reason, e.g. "Yellow · Budget" */
  return g_strdup_printf (_("%s · %s"), vigil_sentiment_get_label (pulse->sentiment),
                          vigil_pulse_reason_get_label (pulse->reason));
}

/* "by Dana Park on 3 Mar 2026 — Their budget is cut next year" */
static char *
describe_who_when (const VigilPulse *pulse)
{
  g_autofree char *date = vigil_format_date (pulse->at);
  g_autofree char *line = NULL;

  /* TRANSLATORS: who took a pulse and on which day, e.g. "by Dana Park on 3 Mar 2026" */
  line = g_strdup_printf (_("by %s on %s"), pulse->author, date);
  if (pulse->note == NULL)
    return g_steal_pointer (&line);
  /* TRANSLATORS: who took a pulse and when, then its note */
  return g_strdup_printf (_("%s — %s"), line, pulse->note);
}

static AdwActionRow *
new_pulse_row (const VigilPulse *pulse)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  g_autofree char *title = describe_sentiment (pulse);
  g_autofree char *subtitle = describe_who_when (pulse);

  /* Names and notes are data: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, subtitle);
  adw_action_row_set_subtitle_lines (row, 3);
  return row;
}

static void
set_dot (GtkWidget      *dot,
         VigilSentiment  sentiment)
{
  for (int i = 0; i < VIGIL_N_SENTIMENTS; i++)
    gtk_widget_remove_css_class (dot, sentiment_classes[i]);
  if (sentiment != VIGIL_SENTIMENT_NONE)
    gtk_widget_add_css_class (dot, sentiment_classes[sentiment]);
  gtk_widget_set_visible (dot, sentiment != VIGIL_SENTIMENT_NONE);
}

static void
show_current (VigilPulseSection *self,
              const VigilPulse  *pulse)
{
  if (pulse == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->current_row), _("No pulse yet"));
      adw_action_row_set_subtitle (self->current_row,
                                   _("How do you feel about this customer? Take a pulse below."));
      set_dot (self->current_dot, VIGIL_SENTIMENT_NONE);
      return;
    }
  {
    g_autofree char *title = describe_sentiment (pulse);
    g_autofree char *subtitle = describe_who_when (pulse);

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->current_row), title);
    adw_action_row_set_subtitle (self->current_row, subtitle);
    set_dot (self->current_dot, pulse->sentiment);
  }
}

static VigilSentiment
chosen_sentiment (VigilPulseSection *self)
{
  for (int i = 0; i < VIGIL_N_SENTIMENTS; i++)
    if (gtk_toggle_button_get_active (self->toggles[i]))
      return (VigilSentiment) i;
  return VIGIL_SENTIMENT_NONE;
}

static void
update_save_button (VigilPulseSection *self)
{
  gtk_widget_set_sensitive (self->save_button, !self->saving && self->customer != NULL &&
                                               chosen_sentiment (self) != VIGIL_SENTIMENT_NONE);
}

static void
clear_history (VigilPulseSection *self)
{
  for (guint i = 0; i < self->history_rows->len; i++)
    adw_expander_row_remove (self->history_row, g_ptr_array_index (self->history_rows, i));
  g_ptr_array_set_size (self->history_rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->history_row), FALSE);
}

static void
clear_inputs (VigilPulseSection *self)
{
  for (int i = 0; i < VIGIL_N_SENTIMENTS; i++)
    gtk_toggle_button_set_active (self->toggles[i], FALSE);
  adw_combo_row_set_selected (self->reason_row, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->note_row), "");
}

/* Earlier pulses ------------------------------------------------------------ */

static gpointer
list_pulses_work (VigilStore  *store,
                  gpointer     data,
                  GError     **error)
{
  return vigil_store_list_pulses (store, *(gint64 *) data, error);
}

static void
pulses_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VigilPulseSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pulses = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);
  g_autofree char *subtitle = NULL;

  if (pulses == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), error->message);
      return;
    }
  clear_history (self);
  /* The first is the current one, shown above. */
  for (guint i = 1; i < pulses->len; i++)
    {
      AdwActionRow *row = new_pulse_row (g_ptr_array_index (pulses, i));

      adw_expander_row_add_row (self->history_row, GTK_WIDGET (row));
      g_ptr_array_add (self->history_rows, row);
    }
  subtitle = g_strdup_printf (ngettext ("%u earlier pulse", "%u earlier pulses", self->history_rows->len),
                              self->history_rows->len);
  adw_expander_row_set_subtitle (self->history_row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->history_row), self->history_rows->len > 0);
}

static void
load_history (VigilPulseSection *self)
{
  vigil_portfolio_run_async_full (self->portfolio, list_pulses_work, g_memdup2 (&self->store_id, sizeof (gint64)),
                                  g_free, (GDestroyNotify) g_ptr_array_unref, self->cancellable,
                                  pulses_listed_cb, g_object_ref (self));
}

/* Saving -------------------------------------------------------------------- */

typedef struct
{
  gint64            customer_id;
  VigilSentiment    sentiment;
  VigilPulseReason  reason;
  char             *note;
  guint64           rescored;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->note);
  g_free (data);
}

static gpointer
save_work (VigilStore  *store,
           gpointer     user_data,
           GError     **error)
{
  SaveData *data = user_data;

  if (vigil_store_set_pulse (store, data->customer_id, data->sentiment, data->reason, data->note,
                             g_get_real_time () / G_USEC_PER_SEC, &data->rescored, error) == 0)
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VigilPulseSection) self = user_data;
  g_autoptr(GError) error = NULL;
  VigilScorecard *scorecard = vigil_portfolio_get_scorecard (self->portfolio);
  g_autofree char *message = NULL;

  self->saving = FALSE;
  update_save_button (self);
  if (vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error) == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The pulse was not saved: %s"), error->message);
      vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), message);
      return;
    }

  clear_inputs (self);
  if (scorecard != NULL && vigil_scorecard_get_weight (scorecard, VIGIL_MEASURE_SENTIMENT) > 0)
    message = g_strdup (_("Pulse saved; it counts in the health score from the next observation"));
  else
    message = g_strdup (_("Pulse saved"));
  vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), message);
  /* The row brings the new pulse back, and the scores it moved. */
  vigil_portfolio_reload (self->portfolio);
}

static void
save_clicked_cb (VigilPulseSection *self)
{
  SaveData *data;
  guint reason = adw_combo_row_get_selected (self->reason_row);

  if (self->customer == NULL || chosen_sentiment (self) == VIGIL_SENTIMENT_NONE || self->saving)
    return;
  data = g_new0 (SaveData, 1);
  data->customer_id = self->store_id;
  data->sentiment = chosen_sentiment (self);
  /* The first choice is "No reason". */
  data->reason = reason == 0 || reason == GTK_INVALID_LIST_POSITION ? VIGIL_PULSE_REASON_NONE
                 : (VigilPulseReason) (reason - 1);
  data->note = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->note_row)));
  self->saving = TRUE;
  update_save_button (self);
  vigil_portfolio_run_async (self->portfolio, save_work, data, (GDestroyNotify) save_data_free,
                             self->cancellable, saved_cb, g_object_ref (self));
}

/* GObject ------------------------------------------------------------------- */

static void
vigil_pulse_section_dispose (GObject *object)
{
  VigilPulseSection *self = (VigilPulseSection *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->customer);
  g_clear_object (&self->portfolio);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (vigil_pulse_section_parent_class)->dispose (object);
}

static void
vigil_pulse_section_class_init (VigilPulseSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_pulse_section_dispose;
}

static GtkWidget *
build_toggles (VigilPulseSection *self)
{
  /* TRANSLATORS: the three toggle buttons that take a pulse */
  const char *labels[VIGIL_N_SENTIMENTS] = { N_("_Green"), N_("_Yellow"), N_("_Red") };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  for (int i = 0; i < VIGIL_N_SENTIMENTS; i++)
    {
      GtkWidget *toggle = gtk_toggle_button_new_with_mnemonic (_(labels[i]));
      g_autofree char *name = g_strdup_printf ("pulse-%s", vigil_sentiment_get_id ((VigilSentiment) i));

      gtk_widget_set_name (toggle, name);
      gtk_widget_add_css_class (toggle, sentiment_classes[i]);
      if (i > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (toggle), self->toggles[0]);
      self->toggles[i] = GTK_TOGGLE_BUTTON (toggle);
      g_signal_connect_swapped (toggle, "toggled", G_CALLBACK (update_save_button), self);
      gtk_box_append (GTK_BOX (box), toggle);
    }
  return box;
}

static GtkStringList *
new_reason_list (void)
{
  GtkStringList *list = gtk_string_list_new ((const char *[]) { vigil_pulse_reason_get_label (VIGIL_PULSE_REASON_NONE),
                                                                NULL });

  for (int i = 0; i < VIGIL_N_PULSE_REASONS; i++)
    gtk_string_list_append (list, vigil_pulse_reason_get_label ((VigilPulseReason) i));
  return list;
}

static void
vigil_pulse_section_init (VigilPulseSection *self)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwActionRow *take_row = ADW_ACTION_ROW (adw_action_row_new ());
  g_autoptr(GtkStringList) reasons = new_reason_list ();

  self->history_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  adw_preferences_group_set_title (group, _("Pulse"));
  adw_preferences_group_set_description (group, _("Your own judgement of the customer. It counts in the health "
                                                  "score when the scorecard gives CSM Sentiment a weight."));

  self->current_row = ADW_ACTION_ROW (adw_action_row_new ());
  gtk_widget_set_name (GTK_WIDGET (self->current_row), "pulse-current");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->current_row), FALSE);
  adw_action_row_set_subtitle_lines (self->current_row, 3);
  /* The colour says it again; the title says it in words. */
  self->current_dot = gtk_label_new ("●");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->current_dot), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  adw_action_row_add_prefix (self->current_row, self->current_dot);
  adw_preferences_group_add (group, GTK_WIDGET (self->current_row));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (take_row), _("New Pulse"));
  adw_action_row_add_suffix (take_row, build_toggles (self));
  adw_preferences_group_add (group, GTK_WIDGET (take_row));

  self->reason_row = ADW_COMBO_ROW (adw_combo_row_new ());
  gtk_widget_set_name (GTK_WIDGET (self->reason_row), "pulse-reason");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reason_row), _("Reason"));
  adw_combo_row_set_model (self->reason_row, G_LIST_MODEL (reasons));
  adw_preferences_group_add (group, GTK_WIDGET (self->reason_row));

  self->note_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  gtk_widget_set_name (GTK_WIDGET (self->note_row), "pulse-note");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->note_row), _("Note"));
  adw_preferences_group_add (group, GTK_WIDGET (self->note_row));

  self->history_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->history_row), _("Earlier Pulses"));
  gtk_widget_set_visible (GTK_WIDGET (self->history_row), FALSE);
  adw_preferences_group_add (group, GTK_WIDGET (self->history_row));

  /* Not a row: the group puts it under its list. */
  self->save_button = gtk_button_new_with_mnemonic (_("_Save Pulse"));
  gtk_widget_set_name (self->save_button, "pulse-save");
  gtk_widget_set_halign (self->save_button, GTK_ALIGN_END);
  gtk_widget_set_margin_top (self->save_button, 12);
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  adw_preferences_group_add (group, self->save_button);

  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (group));
  show_current (self, NULL);
  update_save_button (self);
}

/* VigilCustomerSection ------------------------------------------------------- */

/* Shows @customer's current pulse from its row and reads its earlier
 * pulses in the background. Shown again for the same customer (after a
 * reload) it keeps what is being typed. */
static void
vigil_pulse_section_show (VigilCustomerSection *section,
                          VigilPortfolio       *portfolio,
                          VigilCustomer        *customer,
                          VigilCustomerHistory *history)
{
  VigilPulseSection *self = VIGIL_PULSE_SECTION (section);
  gboolean same = self->customer != NULL && vigil_customer_get_store_id (customer) == self->store_id;

  g_set_object (&self->portfolio, portfolio);
  if (!same)
    vigil_pulse_section_forget (section);
  g_set_object (&self->customer, customer);
  self->store_id = vigil_customer_get_store_id (customer);
  show_current (self, vigil_customer_get_row (customer)->pulse);
  update_save_button (self);
  load_history (self);
}

/* Another customer comes: what was asked or typed for this one goes. */
static void
vigil_pulse_section_forget (VigilCustomerSection *section)
{
  VigilPulseSection *self = VIGIL_PULSE_SECTION (section);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->saving = FALSE;
  clear_inputs (self);
  clear_history (self);
  update_save_button (self);
}

static void
vigil_pulse_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_pulse_section_show;
  iface->forget = vigil_pulse_section_forget;
}

/* Public API ---------------------------------------------------------------- */

/* Returns: how many earlier pulses are listed */
guint
vigil_pulse_section_get_n_earlier (VigilPulseSection *self)
{
  g_return_val_if_fail (VIGIL_IS_PULSE_SECTION (self), 0);
  return self->history_rows->len;
}
