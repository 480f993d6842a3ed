/* vigil-triggers-page.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The triggers inbox: the open risk and upsell triggers (design 3.3), each
 * with its evidence and suggested play, to acknowledge, snooze for a week
 * or mark done. A change is written on a worker thread, then the
 * portfolio reloads and every view follows.
 */

#define G_LOG_DOMAIN "vigil-triggers-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-triggers-page.h"

#define SNOOZE_DAYS 7

struct _VigilTriggersPage
{
  AdwBin           parent_instance;

  GtkBox          *groups_box;
  GtkToggleButton *new_only_button;
  AdwStatusPage   *no_new_page;
  GtkStack        *stack;
  GtkLabel        *summary_label;

  VigilPortfolio  *portfolio;
  GCancellable    *cancellable;
  GPtrArray       *rows;         /* of AdwActionRow, borrowed, in order */
  int              focus_index;  /* the row to focus after a rebuild, or -1 */

  /* Risks, then upsells: each group as shown, its rows, and what each
   * row says, so that a reload that changes none of them keeps them. */
  GtkWidget       *groups[2];
  GPtrArray       *group_rows[2];        /* of AdwActionRow, borrowed */
  GPtrArray       *group_signatures[2];  /* of char * */
};

G_DEFINE_FINAL_TYPE (VigilTriggersPage, vigil_triggers_page, ADW_TYPE_BIN)

enum {
  CUSTOMER_ACTIVATED,
  SHOW_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a row stands for, kept on the row. */
typedef struct
{
  gint64  id;
  gint64  customer_id;
  char   *customer;
} TriggerInfo;

typedef struct
{
  VigilTriggersPage *self;
  GtkWidget         *row;
  char              *message;
} PendingChange;

/* Rows listed per group: a GtkListBox builds every row it holds. */
#define MAX_ROWS_PER_GROUP 50

/* Helpers ------------------------------------------------------------------ */

static void
trigger_info_free (TriggerInfo *info)
{
  g_free (info->customer);
  g_free (info);
}

static void
pending_change_free (PendingChange *pending)
{
  g_clear_object (&pending->self);
  g_clear_object (&pending->row);
  g_free (pending->message);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PendingChange, pending_change_free)

static GtkWidget *
create_action_button (const char *icon_name,
                      const char *label,
                      const char *name_prefix,
                      gint64      id,
                      GCallback   clicked,
                      gpointer    user_data)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);
  g_autofree char *name = g_strdup_printf ("%s-%" G_GINT64_FORMAT, name_prefix, id);

  gtk_widget_set_name (button, name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect_swapped (button, "clicked", clicked, user_data);

  return button;
}

static void ack_clicked_cb    (VigilTriggersPage *self,
                               GtkButton         *button);
static void snooze_clicked_cb (VigilTriggersPage *self,
                               GtkButton         *button);
static void done_clicked_cb   (VigilTriggersPage *self,
                               GtkButton         *button);
static void row_activated_cb  (VigilTriggersPage *self,
                               AdwActionRow      *row);

static GtkWidget *
create_trigger_row (VigilTriggersPage     *self,
                    const VigilTriggerRow *trigger)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *badge;
  const char *customer = trigger->name != NULL ? trigger->name : trigger->customer;
  gboolean fresh = g_strcmp0 (trigger->state, "new") == 0;
  g_autofree char *name = g_strdup_printf ("trigger-%" G_GINT64_FORMAT, trigger->id);
  g_autofree char *since = vigil_format_date (trigger->first_seen);
  g_autofree char *subtitle = NULL;
  TriggerInfo *info = g_new0 (TriggerInfo, 1);

  /* Customer names and evidence are data, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), customer);
  /* Translators: rule title: evidence, then first seen, tier and the
   * suggested play, e.g. "Gone silent: No activity for 80 hours\nSince
   * 3 Nov 2025 · At risk · Suggested: CSM outreach and training" */
  subtitle = g_strdup_printf (_("%s: %s\nSince %s · %s · Suggested: %s"),
                              vigil_trigger_rule_get_title (trigger->rule),
                              trigger->evidence != NULL ? trigger->evidence : "",
                              since, vigil_tier_get_label (trigger->tier),
                              vigil_trigger_play_for_tier (trigger->tier));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, name);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  badge = gtk_label_new (fresh ? _("New") : _("Acknowledged"));
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "caption-heading");
  gtk_widget_add_css_class (badge, fresh ? "accent" : "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);

  if (fresh)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               create_action_button ("object-select-symbolic", _("Acknowledge"), "ack",
                                                     trigger->id, G_CALLBACK (ack_clicked_cb), self));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             create_action_button ("alarm-symbolic", _("Snooze for a Week"), "snooze",
                                                   trigger->id, G_CALLBACK (snooze_clicked_cb), self));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             create_action_button ("checkbox-checked-symbolic", _("Mark as Done"), "done",
                                                   trigger->id, G_CALLBACK (done_clicked_cb), self));

  info->id = trigger->id;
  info->customer_id = trigger->customer_id;
  info->customer = g_strdup (customer);
  g_object_set_data_full (G_OBJECT (row), "trigger", info, (GDestroyNotify) trigger_info_free);
  g_signal_connect_swapped (row, "activated", G_CALLBACK (row_activated_cb), self);

  return row;
}

/* All a row shows: when it changes, the row is made again. */
static char *
trigger_signature (const VigilTriggerRow *trigger)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%" G_GINT64_FORMAT,
                          trigger->id, trigger->state, trigger->evidence != NULL ? trigger->evidence : "",
                          trigger->name != NULL ? trigger->name : "", trigger->customer, trigger->tier,
                          trigger->first_seen);
}

static gboolean
signatures_equal (GPtrArray *a,
                  GPtrArray *b)
{
  if (a == NULL || a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!g_str_equal (a->pdata[i], b->pdata[i]))
      return FALSE;
  return TRUE;
}

static void
remove_group (VigilTriggersPage *self,
              guint              pass)
{
  if (self->groups[pass] != NULL)
    gtk_box_remove (self->groups_box, self->groups[pass]);
  self->groups[pass] = NULL;
  g_clear_pointer (&self->group_rows[pass], g_ptr_array_unref);
  g_clear_pointer (&self->group_signatures[pass], g_ptr_array_unref);
}

/* Makes a group's rows again, unless they would say what they say now:
 * a book's inbox holds a hundred rows, and a poll rarely changes them. */
static void
update_group (VigilTriggersPage *self,
              guint              pass,
              GPtrArray         *listed,
              guint              count)
{
  g_autoptr(GPtrArray) signatures = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *title = NULL;

  if (count == 0)
    {
      remove_group (self, pass);
      return;
    }

  for (guint i = 0; i < listed->len; i++)
    g_ptr_array_add (signatures, trigger_signature (listed->pdata[i]));
  if (!signatures_equal (self->group_signatures[pass], signatures))
    {
      remove_group (self, pass);
      self->groups[pass] = adw_preferences_group_new ();
      self->group_rows[pass] = g_ptr_array_new ();
      for (guint i = 0; i < listed->len; i++)
        {
          GtkWidget *row = create_trigger_row (self, listed->pdata[i]);

          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->groups[pass]), row);
          g_ptr_array_add (self->group_rows[pass], row);
        }
      self->group_signatures[pass] = g_steal_pointer (&signatures);
      /* Risks first: they are what can be lost. */
      gtk_box_insert_child_after (self->groups_box, self->groups[pass], pass == 1 ? self->groups[0] : NULL);
    }

  title = g_strdup_printf (pass == 0 ? _("Risks (%u)") : _("Upsell Opportunities (%u)"), count);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->groups[pass]), title);
  if (count > MAX_ROWS_PER_GROUP)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("The oldest %u are listed; %u more follow as you work them.",
                                                         "The oldest %u are listed; %u more follow as you work them.",
                                                         count - MAX_ROWS_PER_GROUP),
                                               MAX_ROWS_PER_GROUP, count - MAX_ROWS_PER_GROUP);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->groups[pass]), more);
    }
  else
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->groups[pass]), NULL);
}

static void
rebuild (VigilTriggersPage *self)
{
  GPtrArray *triggers = self->portfolio != NULL ? vigil_portfolio_get_triggers (self->portfolio) : NULL;
  gboolean new_only = gtk_toggle_button_get_active (self->new_only_button);
  g_autoptr(GPtrArray) risks = g_ptr_array_new ();
  g_autoptr(GPtrArray) upsells = g_ptr_array_new ();
  GPtrArray *listed[2] = { risks, upsells };
  guint counts[2] = { 0, 0 };
  guint n_new = 0, n_open = triggers != NULL ? triggers->len : 0;
  g_autofree char *summary = NULL;

  for (guint i = 0; i < n_open; i++)
    {
      const VigilTriggerRow *trigger = g_ptr_array_index (triggers, i);
      guint pass = g_strcmp0 (trigger->kind, "upsell") == 0;
      gboolean fresh = g_strcmp0 (trigger->state, "new") == 0;

      if (fresh)
        n_new++;
      if (new_only && !fresh)
        continue;
      /* A big book can hold thousands: the inbox lists the first
       * ones and says how many more wait. */
      if (counts[pass]++ < MAX_ROWS_PER_GROUP)
        g_ptr_array_add (listed[pass], (gpointer) trigger);
    }

  g_ptr_array_set_size (self->rows, 0);
  for (guint pass = 0; pass < 2; pass++)
    {
      update_group (self, pass, listed[pass], counts[pass]);
      if (self->group_rows[pass] != NULL)
        g_ptr_array_extend (self->rows, self->group_rows[pass], NULL, NULL);
    }

  if (n_open == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      self->focus_index = -1;
      return;
    }

  summary = g_strdup_printf (ngettext ("%u open trigger, %u new", "%u open triggers, %u new", n_open),
                             n_open, n_new);
  gtk_label_set_text (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->no_new_page), self->rows->len == 0);
  gtk_stack_set_visible_child_name (self->stack, "list");

  /* After working a trigger, the keyboard stays where it was. */
  if (self->focus_index >= 0 && self->rows->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (self->rows, MIN ((guint) self->focus_index, self->rows->len - 1)));
  self->focus_index = -1;
}

static void
set_state_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PendingChange) pending = user_data;
  g_autoptr(GError) error = NULL;
  VigilTriggersPage *self = pending->self;

  if (vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error) == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not update the trigger: %s"), error->message);
      gtk_widget_set_sensitive (pending->row, TRUE);
      self->focus_index = -1;
      g_signal_emit (self, signals[SHOW_TOAST], 0, message);
      return;
    }

  g_signal_emit (self, signals[SHOW_TOAST], 0, pending->message);
  vigil_portfolio_reload (VIGIL_PORTFOLIO (object));
}

static void
set_state (VigilTriggersPage *self,
           GtkButton         *button,
           const char        *state,
           const char        *until,
           char              *message)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);
  TriggerInfo *info = row != NULL ? g_object_get_data (G_OBJECT (row), "trigger") : NULL;
  PendingChange *pending;
  guint index;

  g_assert (info != NULL);

  if (self->portfolio == NULL)
    {
      g_free (message);
      return;
    }

  pending = g_new0 (PendingChange, 1);
  pending->self = g_object_ref (self);
  pending->row = g_object_ref (row);
  pending->message = message;

  self->focus_index = g_ptr_array_find (self->rows, row, &index) ? (int) index : -1;
  gtk_widget_set_sensitive (row, FALSE);
  vigil_portfolio_set_trigger_state_async (self->portfolio, info->id, state, until, self->cancellable,
                                           set_state_done_cb, pending);
}

/* Callbacks ---------------------------------------------------------------- */

static TriggerInfo *
get_button_info (GtkButton *button)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);

  return row != NULL ? g_object_get_data (G_OBJECT (row), "trigger") : NULL;
}

static void
ack_clicked_cb (VigilTriggersPage *self,
                GtkButton         *button)
{
  TriggerInfo *info = get_button_info (button);

  g_assert (info != NULL);
  set_state (self, button, "acknowledged", NULL, g_strdup_printf (_("%s: acknowledged"), info->customer));
}

static void
snooze_clicked_cb (VigilTriggersPage *self,
                   GtkButton         *button)
{
  TriggerInfo *info = get_button_info (button);
  gint32 day = vigil_time_get_day (g_get_real_time () / G_USEC_PER_SEC) + SNOOZE_DAYS;
  g_autofree char *until = vigil_date_format (day);
  g_autofree char *shown = vigil_format_day_short (day);

  g_assert (info != NULL);
  /* Translators: a customer and a day, e.g. "Acme: snoozed until 30 Nov" */
  set_state (self, button, "snoozed", until, g_strdup_printf (_("%s: snoozed until %s"), info->customer, shown));
}

static void
done_clicked_cb (VigilTriggersPage *self,
                 GtkButton         *button)
{
  TriggerInfo *info = get_button_info (button);

  g_assert (info != NULL);
  set_state (self, button, "done", NULL, g_strdup_printf (_("%s: marked done"), info->customer));
}

static void
row_activated_cb (VigilTriggersPage *self,
                  AdwActionRow      *row)
{
  TriggerInfo *info = g_object_get_data (G_OBJECT (row), "trigger");
  VigilCustomer *customer;

  g_assert (info != NULL);

  if (self->portfolio == NULL)
    return;
  customer = vigil_portfolio_find_customer (self->portfolio, info->customer_id);
  if (customer != NULL)
    g_signal_emit (self, signals[CUSTOMER_ACTIVATED], 0, customer);
  else
    g_signal_emit (self, signals[SHOW_TOAST], 0, _("This customer is no longer in the portfolio"));
}

static void
filter_toggled_cb (VigilTriggersPage *self,
                   GtkToggleButton   *button)
{
  /* Each toggle of the group reports; the one turned on rebuilds. */
  if (gtk_toggle_button_get_active (button))
    rebuild (self);
}

static void
portfolio_loaded_cb (VigilTriggersPage *self,
                     VigilPortfolio    *portfolio)
{
  rebuild (self);
}

/* GObject ------------------------------------------------------------------ */

static void
vigil_triggers_page_dispose (GObject *object)
{
  VigilTriggersPage *self = (VigilTriggersPage *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->portfolio != NULL)
    g_signal_handlers_disconnect_by_data (self->portfolio, self);
  g_clear_object (&self->portfolio);
  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);
  /* AdwBin drops its child itself; the template must not do it twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_TRIGGERS_PAGE);

  G_OBJECT_CLASS (vigil_triggers_page_parent_class)->dispose (object);
}

static void
vigil_triggers_page_finalize (GObject *object)
{
  VigilTriggersPage *self = (VigilTriggersPage *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  for (guint pass = 0; pass < 2; pass++)
    {
      g_clear_pointer (&self->group_rows[pass], g_ptr_array_unref);
      g_clear_pointer (&self->group_signatures[pass], g_ptr_array_unref);
    }

  G_OBJECT_CLASS (vigil_triggers_page_parent_class)->finalize (object);
}

static void
vigil_triggers_page_class_init (VigilTriggersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_triggers_page_dispose;
  object_class->finalize = vigil_triggers_page_finalize;

  /**
   * VigilTriggersPage::customer-activated:
   * @customer: the customer to open
   */
  signals[CUSTOMER_ACTIVATED] =
    g_signal_new ("customer-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VIGIL_TYPE_CUSTOMER);
  /**
   * VigilTriggersPage::show-toast:
   * @message: plain text to show
   */
  signals[SHOW_TOAST] =
    g_signal_new ("show-toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-triggers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersPage, groups_box);
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersPage, new_only_button);
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersPage, no_new_page);
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersPage, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, filter_toggled_cb);
}

static void
vigil_triggers_page_init (VigilTriggersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->focus_index = -1;
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

/* Public API --------------------------------------------------------------- */

void
vigil_triggers_page_set_portfolio (VigilTriggersPage *self,
                                   VigilPortfolio    *portfolio)
{
  g_return_if_fail (VIGIL_IS_TRIGGERS_PAGE (self));
  g_return_if_fail (portfolio == NULL || VIGIL_IS_PORTFOLIO (portfolio));

  if (self->portfolio == portfolio)
    return;

  if (self->portfolio != NULL)
    g_signal_handlers_disconnect_by_data (self->portfolio, self);
  g_set_object (&self->portfolio, portfolio);
  if (portfolio != NULL)
    g_signal_connect_object (portfolio, "loaded", G_CALLBACK (portfolio_loaded_cb), self, G_CONNECT_SWAPPED);
  rebuild (self);
}
