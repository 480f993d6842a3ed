/* vigil-triggers-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The customer's open triggers (design 3.3, design 5), each with its
 * evidence and buttons to acknowledge, snooze or close it, under the
 * play its tier suggests.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-tooltip.h"
#include "vigil-triggers-section.h"

struct _VigilTriggersSection
{
  AdwBin               parent_instance;

  /* Template children */
  AdwPreferencesGroup *triggers_group;
  GtkListBox          *triggers_list;

  VigilPortfolio      *portfolio;
  VigilCustomer       *customer;
  GCancellable        *cancellable;
  char                *working_state;  /* the change under way */
  char                *working_until;
};

static void vigil_triggers_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilTriggersSection, vigil_triggers_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_triggers_section_iface_init))

static void fill_triggers (VigilTriggersSection *self);

static void
set_trigger_state_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(VigilTriggersSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *done = NULL;

  if (vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error) == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not update the trigger: %s"), error->message);
      vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), message);
      /* The buttons were turned off while it ran. */
      if (self->customer != NULL)
        fill_triggers (self);
      return;
    }
  if (g_strcmp0 (self->working_state, "acknowledged") == 0)
    done = g_strdup (_("Trigger acknowledged"));
  else if (g_strcmp0 (self->working_state, "snoozed") == 0)
    done = g_strdup_printf (_("Trigger snoozed until %s"), self->working_until);
  else
    done = g_strdup (_("Trigger done"));
  vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), done);
  vigil_portfolio_reload (VIGIL_PORTFOLIO (object));
}

static void
trigger_button_clicked_cb (GtkButton            *button,
                           VigilTriggersSection *self)
{
  const char *state = g_object_get_data (G_OBJECT (button), "state");
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (button));
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (box), "trigger-id");

  /* One change at a time: the reload lists the row again. */
  g_free (self->working_state);
  g_free (self->working_until);
  self->working_state = g_strdup (state);
  self->working_until = g_str_equal (state, "snoozed")
                        ? vigil_date_format (vigil_time_get_day (vigil_section_get_now ()) + 7) : NULL;
  gtk_widget_set_sensitive (box, FALSE);
  vigil_portfolio_set_trigger_state_async (self->portfolio, id, state, self->working_until, self->cancellable,
                                           set_trigger_state_cb, g_object_ref (self));
}

static GtkWidget *
new_trigger_button (VigilTriggersSection *self,
                    const char           *label,
                    const char           *state,
                    const char           *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  vigil_tooltip_set_static (button, tooltip);
  g_object_set_data (G_OBJECT (button), "state", (gpointer) state);
  g_signal_connect_object (button, "clicked", G_CALLBACK (trigger_button_clicked_cb), self, 0);
  return button;
}

static GtkWidget *
new_wrapped_label (GtkWidget  *row,
                   const char *key)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  g_object_set_data (G_OBJECT (row), key, label);
  return label;
}

static GtkWidget *
new_trigger_buttons (VigilTriggersSection *self,
                     GtkWidget            *row)
{
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button;

  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 6);
  button = new_trigger_button (self, _("_Acknowledge"), "acknowledged", _("Mark as seen; it stays open"));
  g_object_set_data (G_OBJECT (row), "acknowledge", button);
  gtk_box_append (GTK_BOX (buttons), button);
  button = new_trigger_button (self, _("_Snooze"), "snoozed", _("Snooze for a week: it comes back in seven days"));
  gtk_box_append (GTK_BOX (buttons), button);
  button = new_trigger_button (self, _("_Done"), "done", _("Close it: it has been worked"));
  gtk_box_append (GTK_BOX (buttons), button);
  g_object_set_data (G_OBJECT (row), "buttons", buttons);
  return buttons;
}

/* A trigger's row: its kind and rule, its evidence, when it was first
 * seen and its state, and the buttons that change it. */
static GtkWidget *
new_trigger_row (gpointer user_data)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  label = new_wrapped_label (row, "title");
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);
  label = new_wrapped_label (row, "evidence");
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (box), label);
  label = new_wrapped_label (row, "meta");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), new_trigger_buttons (user_data, row));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static const VigilSectionRowKind trigger_row_kind = { new_trigger_row };

static void
add_trigger_row (VigilSectionRows      *rows,
                 const VigilTriggerRow *trigger)
{
  g_autofree char *title = NULL;
  g_autofree char *date = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *state = NULL;
  GtkWidget *row = vigil_section_rows_next (rows, &trigger_row_kind);
  GtkWidget *evidence = g_object_get_data (G_OBJECT (row), "evidence");
  GtkWidget *buttons = g_object_get_data (G_OBJECT (row), "buttons");

  /* TRANSLATORS: a trigger's kind and rule, e.g. "Risk: Gone silent" */
  title = g_strdup_printf (g_strcmp0 (trigger->kind, "upsell") == 0 ? _("Upsell: %s") : _("Risk: %s"),
                           vigil_trigger_rule_get_title (trigger->rule));
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "title"), title);
  gtk_label_set_text (GTK_LABEL (evidence), trigger->evidence != NULL ? trigger->evidence : "");
  gtk_widget_set_visible (evidence, trigger->evidence != NULL);
  date = vigil_format_date (trigger->first_seen);
  state = vigil_format_trigger_state (trigger->state, trigger->snoozed_until, trigger->state_by);
  meta = g_strdup_printf (_("First seen %s · %s"), date, state);
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "meta"), meta);

  g_object_set_data_full (G_OBJECT (buttons), "trigger-id", g_memdup2 (&trigger->id, sizeof (gint64)), g_free);
  gtk_widget_set_sensitive (buttons, TRUE);
  gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (row), "acknowledge"),
                            g_strcmp0 (trigger->state, "acknowledged") != 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

static void
fill_triggers (VigilTriggersSection *self)
{
  g_autoptr(GPtrArray) triggers = vigil_section_list_triggers (self->portfolio,
                                                               vigil_customer_get_store_id (self->customer));
  g_autofree char *play = NULL;
  VigilSectionRows rows;

  play = g_strdup_printf (_("Suggested play for this customer: %s"),
                          vigil_trigger_play_for_tier (vigil_customer_get_tier (self->customer)));
  vigil_section_set_group_description (self->triggers_group, play);

  vigil_section_rows_begin (&rows, self->triggers_list, self);
  for (guint i = 0; i < triggers->len; i++)
    add_trigger_row (&rows, triggers->pdata[i]);
  if (triggers->len == 0)
    vigil_section_rows_add_placeholder (&rows, _("No open triggers"));
  vigil_section_rows_end (&rows);
}

static void
vigil_triggers_section_show (VigilCustomerSection *section,
                             VigilPortfolio       *portfolio,
                             VigilCustomer        *customer,
                             VigilCustomerHistory *history)
{
  VigilTriggersSection *self = VIGIL_TRIGGERS_SECTION (section);

  g_set_object (&self->portfolio, portfolio);
  g_set_object (&self->customer, customer);
  fill_triggers (self);
}

static void
vigil_triggers_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_triggers_section_show;
}

static void
vigil_triggers_section_dispose (GObject *object)
{
  VigilTriggersSection *self = (VigilTriggersSection *) object;

  g_cancellable_cancel (self->cancellable);
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_TRIGGERS_SECTION);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->customer);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->working_state, g_free);
  g_clear_pointer (&self->working_until, g_free);

  G_OBJECT_CLASS (vigil_triggers_section_parent_class)->dispose (object);
}

static void
vigil_triggers_section_class_init (VigilTriggersSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_triggers_section_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-triggers-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersSection, triggers_group);
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersSection, triggers_list);
}

static void
vigil_triggers_section_init (VigilTriggersSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
