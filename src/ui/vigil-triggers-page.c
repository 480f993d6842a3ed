/* vigil-triggers-page.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The triggers inbox (design 5): one row per customer with all its open
 * risk and upsell triggers (design 3.3), most MRR at stake first, each
 * trigger with its evidence, to acknowledge, snooze for a week or mark
 * done. The rows are a list view's, made for what is on screen only, so
 * a book with thousands of open triggers lists them all. A change is
 * written on a worker thread, then the portfolio reloads and every view
 * follows; the rows of customers whose triggers did not change stay.
 */

#define G_LOG_DOMAIN "vigil-triggers-page"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-inbox-list.h"
#include "vigil-tooltip.h"
#include "vigil-triggers-page.h"

#define SNOOZE_DAYS 7

/* design 7: rows filled at once in a frame (a first screen of them), and
 * the rows the list built beyond them filled a few a frame. */
#define ROWS_FILLED_AT_ONCE 8
#define ROWS_FILLED_A_FRAME 3

struct _VigilTriggersPage
{
  AdwBin           parent_instance;

  GtkToggleButton *new_only_button;
  GtkStack        *stack;
  GtkStack        *list_stack;
  GtkLabel        *summary_label;
  GtkListView     *list_view;

  VigilPortfolio  *portfolio;
  GCancellable    *cancellable;
  VigilInboxList  *items;         /* of VigilInboxItem, in the inbox's order */
  gboolean         compact;       /* a narrow window: buttons below their trigger */
  gboolean         stale;         /* a reload came while the page was hidden */

  /* After working a trigger, the keyboard stays with its customer. */
  gint64           focus_customer;  /* 0: none */
  gint64           focus_trigger;   /* the trigger whose button had it, 0: none */
  guint            focus_position;

  /* Rows bound but not filled yet, the first bound first (borrowed:
   * a row leaves when unbound). */
  GPtrArray       *unfilled;
  guint            fill_tick;
  guint            filled_unpainted;  /* rows filled since the window last painted */
  GdkFrameClock   *paint_clock;       /* the list's, while it is realized */
  gulong           painted_id;
};

G_DEFINE_FINAL_TYPE (VigilTriggersPage, vigil_triggers_page, ADW_TYPE_BIN)

enum {
  CUSTOMER_ACTIVATED,
  SHOW_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a trigger's buttons stand for, kept on its line. */
typedef struct
{
  gint64  id;
  gint64  customer_id;
  char   *customer;
} TriggerInfo;

typedef struct
{
  VigilTriggersPage *self;
  GtkWidget         *line;
  char              *message;
} PendingChange;

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
  g_clear_object (&pending->line);
  g_free (pending->message);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PendingChange, pending_change_free)

/* The customer's figures that rank it, in words: what is unknown is
 * said to be, never shown as a zero. */
static char *
describe_stake (const VigilInboxStake *stake)
{
  g_autofree char *money = vigil_format_money (stake->mrr);
  g_autofree char *share = vigil_format_percent (stake->churn_risk);
  g_autofree char *day = NULL;
  g_autofree char *mrr = NULL;
  g_autofree char *risk = NULL;
  g_autofree char *renewal = NULL;

  /* Translators: a customer's monthly revenue, e.g. "MRR 12,300" */
  mrr = isnan (stake->mrr) ? g_strdup (_("MRR unknown")) : g_strdup_printf (_("MRR %s"), money);
  /* Translators: e.g. "churn risk 34 %" */
  risk = isnan (stake->churn_risk) ? g_strdup (_("churn risk unknown")) : g_strdup_printf (_("churn risk %s"), share);
  if (stake->renewal_day == VIGIL_UNKNOWN_DAY)
    renewal = g_strdup (_("renewal unknown"));
  else
    {
      day = vigil_format_day (stake->renewal_day);
      /* Translators: e.g. "renews 3 Mar 2027" */
      renewal = g_strdup_printf (_("renews %s"), day);
    }
  /* Translators: MRR, churn risk and renewal, e.g. "MRR 12,300 · churn
   * risk 34 % · renews 3 Mar 2027" */
  return g_strdup_printf (_("%s · %s · %s"), mrr, risk, renewal);
}

static char *
format_at_stake (const VigilInboxStake *stake)
{
  double value = vigil_inbox_stake_get_value (stake);
  g_autofree char *money = NULL;

  if (isnan (value))
    return g_strdup (_("Stake unknown"));
  money = vigil_format_money (value);
  /* Translators: MRR × churn risk, the revenue a month the customer may
   * take away, e.g. "4,182 at stake" */
  return g_strdup_printf (_("%s at stake"), money);
}

static void ack_clicked_cb    (VigilTriggersPage *self,
                               GtkButton         *button);
static void snooze_clicked_cb (VigilTriggersPage *self,
                               GtkButton         *button);
static void done_clicked_cb   (VigilTriggersPage *self,
                               GtkButton         *button);
static void open_clicked_cb   (VigilTriggersPage *self,
                               GtkButton         *button);

/* A trigger's button, its accessible name the visible words (no
 * mnemonic to read twice) and its description what it acts on. */
static GtkWidget *
create_action_button (const char            *name_prefix,
                      const VigilTriggerRow *trigger,
                      const char            *description,
                      GCallback              clicked,
                      gpointer               user_data)
{
  GtkWidget *button = gtk_button_new ();
  g_autofree char *name = g_strdup_printf ("%s-%" G_GINT64_FORMAT, name_prefix, trigger->id);

  gtk_widget_set_name (button, name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  g_signal_connect_swapped (button, "clicked", clicked, user_data);
  return button;
}

/* Acknowledge, snooze and done look different: acknowledging is a plain
 * button in words, snoozing a quiet icon, and done, which closes the
 * trigger, a check with its word. */
static void
add_trigger_buttons (VigilTriggersPage     *self,
                     GtkBox                *line,
                     const VigilTriggerRow *trigger,
                     const char            *customer)
{
  /* Translators: what a trigger's buttons act on, for screen readers:
   * the trigger's title and the customer, e.g. "Health drop, Acme" */
  g_autofree char *description = g_strdup_printf (_("%s, %s"), vigil_trigger_rule_get_title (trigger->rule),
                                                  customer);
  GtkWidget *button;

  if (g_strcmp0 (trigger->state, "new") == 0)
    {
      button = create_action_button ("ack", trigger, description, G_CALLBACK (ack_clicked_cb), self);
      gtk_button_set_label (GTK_BUTTON (button), _("Acknowledge"));
      vigil_tooltip_set_static (button, _("Seen: keep it open while it holds, no longer new"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Acknowledge"), -1);
      gtk_widget_add_css_class (button, "trigger-ack");
      gtk_box_append (line, button);
    }

  button = create_action_button ("snooze", trigger, description, G_CALLBACK (snooze_clicked_cb), self);
  gtk_button_set_icon_name (GTK_BUTTON (button), "alarm-symbolic");
  vigil_tooltip_set_static (button, _("Snooze for a Week"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Snooze for a Week"), -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_box_append (line, button);

  button = create_action_button ("done", trigger, description, G_CALLBACK (done_clicked_cb), self);
  gtk_button_set_child (GTK_BUTTON (button), g_object_new (ADW_TYPE_BUTTON_CONTENT,
                                                           "icon-name", "object-select-symbolic",
                                                           "label", _("Done"),
                                                           NULL));
  vigil_tooltip_set_static (button, _("Done: close it; it stays quiet for 30 days"));
  /* Named by its content's label, once (design 5): a label of its own
   * would be read beside it ("Done Done"). */
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "trigger-done");
  gtk_box_append (line, button);
}

static GtkWidget *
create_label (const char *css_class,
              gboolean    wrap)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), wrap);
  if (wrap)
    gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  else
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* "Title — evidence", the title in bold. Evidence is data (it quotes
 * plan names): plain text with attributes, never markup. */
static void
set_title_and_evidence (GtkLabel   *label,
                        const char *title,
                        const char *evidence)
{
  g_autoptr(PangoAttrList) attributes = pango_attr_list_new ();
  PangoAttribute *bold = pango_attr_weight_new (PANGO_WEIGHT_BOLD);
  g_autofree char *text = NULL;
  const char *at;

  /* Translators: a trigger's title and its evidence, e.g. "Gone
   * silent — No activity for 4 days" */
  text = evidence != NULL && *evidence != '\0' ? g_strdup_printf (_("%s — %s"), title, evidence) : g_strdup (title);
  /* Wherever the translation puts the title. */
  at = strstr (text, title);
  bold->start_index = at != NULL ? (guint) (at - text) : 0;
  bold->end_index = at != NULL ? bold->start_index + (guint) strlen (title) : 0;
  pango_attr_list_insert (attributes, bold);
  gtk_label_set_text (label, text);
  gtk_label_set_attributes (label, attributes);
}

/* One trigger of a customer's row: whether it is new, what it is and
 * why, since when, and its buttons. */
static GtkWidget *
create_trigger_line (VigilTriggersPage     *self,
                     const VigilTriggerRow *trigger,
                     const char            *customer)
{
  GtkWidget *line = gtk_box_new (self->compact ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *about = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *state;
  GtkWidget *label;
  gboolean fresh = g_strcmp0 (trigger->state, "new") == 0;
  g_autofree char *name = g_strdup_printf ("trigger-%" G_GINT64_FORMAT, trigger->id);
  g_autofree char *since = vigil_format_date (trigger->first_seen);
  g_autofree char *since_text = NULL;
  TriggerInfo *info = g_new0 (TriggerInfo, 1);

  gtk_widget_set_name (line, name);
  gtk_widget_add_css_class (line, "inbox-trigger");

  state = gtk_label_new (fresh ? _("New") : _("Acknowledged"));
  gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
  gtk_label_set_width_chars (GTK_LABEL (state), self->compact ? 0 : 12);
  gtk_label_set_xalign (GTK_LABEL (state), 0);
  gtk_widget_add_css_class (state, "caption-heading");
  gtk_widget_add_css_class (state, fresh ? "accent" : "dim-label");
  gtk_box_append (GTK_BOX (about), state);

  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  label = create_label (g_strcmp0 (trigger->kind, "risk") == 0 ? "inbox-risk" : "inbox-upsell", TRUE);
  set_title_and_evidence (GTK_LABEL (label), vigil_trigger_rule_get_title (trigger->rule), trigger->evidence);
  gtk_box_append (GTK_BOX (text), label);
  label = create_label ("dim-label", FALSE);
  gtk_widget_add_css_class (label, "caption");
  if (!fresh && trigger->state_by != NULL)
    {
      g_autofree char *state_text = vigil_format_trigger_state (trigger->state, trigger->snoozed_until,
                                                                trigger->state_by);

      /* Translators: when a trigger first held and who worked it, e.g.
       * "Since 3 Nov 2026 · Acknowledged by Dana Park" */
      since_text = g_strdup_printf (_("Since %s · %s"), since, state_text);
    }
  else
    /* Translators: when a trigger first held, e.g. "Since 3 Nov 2026" */
    since_text = g_strdup_printf (_("Since %s"), since);
  gtk_label_set_text (GTK_LABEL (label), since_text);
  gtk_box_append (GTK_BOX (text), label);
  gtk_widget_set_hexpand (about, TRUE);
  gtk_box_append (GTK_BOX (about), text);
  gtk_box_append (GTK_BOX (line), about);

  /* Beside the trigger, or below it where the window is narrow. */
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  add_trigger_buttons (self, GTK_BOX (buttons), trigger, customer);
  gtk_box_append (GTK_BOX (line), buttons);

  info->id = trigger->id;
  info->customer_id = trigger->customer_id;
  info->customer = g_strdup (customer);
  g_object_set_data_full (G_OBJECT (line), "trigger", info, (GDestroyNotify) trigger_info_free);
  return line;
}

/* The parts of a customer's row, made once per row widget and filled
 * again for each customer it shows. */
typedef struct
{
  GtkWidget      *header;
  GtkWidget      *name;
  GtkWidget      *tier;
  GtkWidget      *stake;
  GtkWidget      *details;
  GtkWidget      *triggers;
  GtkWidget      *play;
  VigilInboxItem *item;        /* bound, borrowed */
  gulong          changed_id;
  gboolean        unfilled;    /* bound, waiting for its frame */
} RowParts;

static void
row_parts_free (RowParts *parts)
{
  g_free (parts);
}

static const char *
tier_css_class (VigilTier tier)
{
  switch (tier)
    {
    case VIGIL_TIER_HEALTHY: return "tier-healthy";
    case VIGIL_TIER_AT_RISK: return "tier-at-risk";
    case VIGIL_TIER_HIGH_RISK: return "tier-high-risk";
    case VIGIL_TIER_NONE:
    case VIGIL_N_TIERS:
    default: return "tier-none";
    }
}

/* Where the focus goes when a trigger it was on is redrawn: the same
 * trigger's first button, else the row's first trigger's. */
static void
restore_focus (VigilTriggersPage *self,
               GtkWidget         *row,
               gint64             trigger_id)
{
  GtkWidget *triggers = g_object_get_data (G_OBJECT (row), "triggers-box");
  GtkWidget *target = NULL;

  if (triggers == NULL)
    return;
  for (GtkWidget *line = gtk_widget_get_first_child (triggers); line != NULL; line = gtk_widget_get_next_sibling (line))
    {
      TriggerInfo *info = g_object_get_data (G_OBJECT (line), "trigger");

      if (target == NULL || (info != NULL && info->id == trigger_id))
        target = line;
      if (info != NULL && info->id == trigger_id)
        break;
    }
  if (target != NULL)
    gtk_widget_child_focus (target, GTK_DIR_TAB_FORWARD);
}

static void create_row_parts (VigilTriggersPage *self,
                              GtkWidget         *row,
                              RowParts          *parts);

static void
fill_row (VigilTriggersPage *self,
          GtkWidget         *row,
          RowParts          *parts)
{
  VigilInboxItem *item = parts->item;
  const VigilInboxStake *stake = vigil_inbox_item_get_stake (item);
  GPtrArray *triggers = vigil_inbox_item_get_triggers (item);
  const char *customer = vigil_inbox_item_get_name (item);
  VigilTier tier = vigil_inbox_item_get_tier (item);
  g_autofree char *name = g_strdup_printf ("customer-%" G_GINT64_FORMAT, stake->customer_id);
  g_autofree char *details = describe_stake (stake);
  g_autofree char *at_stake = format_at_stake (stake);
  g_autofree char *play = NULL;
  GtkRoot *root = gtk_widget_get_root (row);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gint64 focus_trigger = 0;
  GtkWidget *child;

  /* Which trigger had the keyboard, before its line goes: the one
   * focused now, or the one worked on from the keyboard (its line was
   * made insensitive meanwhile, which took the focus away). */
  if (focus != NULL && parts->triggers != NULL && gtk_widget_is_ancestor (focus, parts->triggers))
    for (GtkWidget *w = focus; w != NULL && w != parts->triggers; w = gtk_widget_get_parent (w))
      {
        TriggerInfo *info = g_object_get_data (G_OBJECT (w), "trigger");

        if (info != NULL)
          focus_trigger = info->id;
      }
  else if (self->focus_trigger != 0 && self->focus_customer == stake->customer_id)
    focus_trigger = self->focus_trigger;
  if (focus_trigger != 0)
    self->focus_trigger = 0;

  parts->unfilled = FALSE;
  if (parts->header == NULL)
    create_row_parts (self, row, parts);
  gtk_widget_set_visible (parts->header, TRUE);
  gtk_widget_set_visible (parts->triggers, TRUE);
  gtk_widget_set_visible (parts->play, TRUE);
  gtk_widget_set_name (row, name);
  gtk_label_set_text (GTK_LABEL (parts->name), customer);
  gtk_label_set_text (GTK_LABEL (parts->tier), vigil_tier_get_label (tier));
  for (int t = VIGIL_TIER_NONE; t < VIGIL_N_TIERS; t++)
    gtk_widget_remove_css_class (parts->tier, tier_css_class ((VigilTier) t));
  gtk_widget_add_css_class (parts->tier, tier_css_class (tier));
  gtk_label_set_text (GTK_LABEL (parts->stake), at_stake);
  gtk_label_set_text (GTK_LABEL (parts->details), details);
  /* Translators: the suggested play for the customer's tier */
  play = g_strdup_printf (_("Suggested: %s"), vigil_trigger_play_for_tier (tier));
  gtk_label_set_text (GTK_LABEL (parts->play), play);

  while ((child = gtk_widget_get_first_child (parts->triggers)) != NULL)
    gtk_box_remove (GTK_BOX (parts->triggers), child);
  for (guint i = 0; i < triggers->len; i++)
    gtk_box_append (GTK_BOX (parts->triggers), create_trigger_line (self, g_ptr_array_index (triggers, i), customer));

  if (focus_trigger != 0)
    restore_focus (self, row, focus_trigger);
}

/* Whether @row is on the list's screen, as the list last laid it out
 * (it lays out every row it keeps, those off screen outside it). */
static gboolean
row_on_screen (VigilTriggersPage *self,
               GtkWidget         *row)
{
  graphene_rect_t bounds;

  if (!gtk_widget_compute_bounds (row, GTK_WIDGET (self->list_view), &bounds))
    return FALSE;
  return bounds.size.height > 0 && bounds.origin.y + bounds.size.height > 0 &&
         bounds.origin.y < gtk_widget_get_height (GTK_WIDGET (self->list_view));
}

/* Whether the keyboard is in @row, or was with its customer as a
 * trigger of it was worked on. */
static gboolean
row_keeps_focus (VigilTriggersPage *self,
                 GtkWidget         *row,
                 RowParts          *parts)
{
  GtkRoot *root = gtk_widget_get_root (row);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return (focus != NULL && gtk_widget_is_ancestor (focus, row)) ||
         (self->focus_customer != 0 && self->focus_customer == vigil_inbox_item_get_customer_id (parts->item));
}

static void fill_later (VigilTriggersPage *self,
                        GtkWidget         *row,
                        RowParts          *parts);

/* design 7: a reload that changes what many rows show (a poll moves
 * most customers' stakes) redraws at once only the rows on screen and
 * the one the keyboard is in; the others, of the two hundred the list
 * keeps, show what they showed until filled again, a few a frame. */
static void
item_changed_cb (VigilInboxItem *item,
                 GtkWidget      *row)
{
  RowParts *parts = g_object_get_data (G_OBJECT (row), "parts");
  VigilTriggersPage *self = g_object_get_data (G_OBJECT (row), "page");

  /* One waiting for its frame shows the item as it is then. */
  if (parts->unfilled)
    return;
  if (row_on_screen (self, row) || row_keeps_focus (self, row, parts))
    fill_row (self, row, parts);
  else
    fill_later (self, row, parts);
}

/* design 7: how many rows the next frame lays out anew is counted from
 * one paint to the next, not by the frame counter: rows filled as the
 * inbox is shown or reloaded (between two frames) are laid out by the
 * next frame, whose tick must not fill three more on top of them (it
 * did: eight and three in the first frame). */
static guint *
filled_in_frame (VigilTriggersPage *self)
{
  return &self->filled_unpainted;
}

static void
window_painted_cb (VigilTriggersPage *self)
{
  self->filled_unpainted = 0;
}

static void
list_realize_cb (VigilTriggersPage *self)
{
  self->paint_clock = g_object_ref (gtk_widget_get_frame_clock (GTK_WIDGET (self->list_view)));
  self->painted_id = g_signal_connect_swapped (self->paint_clock, "after-paint", G_CALLBACK (window_painted_cb), self);
}

static void
list_unrealize_cb (VigilTriggersPage *self)
{
  g_clear_signal_handler (&self->painted_id, self->paint_clock);
  g_clear_object (&self->paint_clock);
  self->filled_unpainted = 0;
}

static gboolean
fill_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  VigilTriggersPage *self = user_data;
  guint *filled = filled_in_frame (self);

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->fill_tick = 0;
      return G_SOURCE_REMOVE;
    }
  while (self->unfilled->len > 0 && *filled < ROWS_FILLED_A_FRAME)
    {
      GtkWidget *row = g_ptr_array_steal_index (self->unfilled, 0);

      fill_row (self, row, g_object_get_data (G_OBJECT (row), "parts"));
      (*filled)++;
    }
  if (self->unfilled->len > 0)
    return G_SOURCE_CONTINUE;
  self->fill_tick = 0;
  return G_SOURCE_REMOVE;
}

/* design 7: GTK 4.8 builds rows for some two hundred customers as the
 * inbox is shown, and a row with its triggers' lines, labels that wrap
 * and buttons took some 6 ms to make and measure: a row is filled at
 * once while the frame has filled fewer than ROWS_FILLED_AT_ONCE (the
 * first screen, and rows that scrolling brings), and later rows wait,
 * empty, to be filled a few a frame, the first bound first. */
static void
fill_row_soon (VigilTriggersPage *self,
               GtkWidget         *row,
               RowParts          *parts)
{
  guint *filled = filled_in_frame (self);

  if (*filled < ROWS_FILLED_AT_ONCE)
    {
      fill_row (self, row, parts);
      (*filled)++;
      return;
    }
  /* What a reused row showed before goes; the row waits, empty, named
   * after its customer already. */
  {
    g_autofree char *name = g_strdup_printf ("customer-%" G_GINT64_FORMAT,
                                             vigil_inbox_item_get_customer_id (parts->item));

    gtk_widget_set_name (row, name);
  }
  parts->unfilled = TRUE;
  if (parts->header != NULL)
    {
      gtk_widget_set_visible (parts->header, FALSE);
      gtk_widget_set_visible (parts->triggers, FALSE);
      gtk_widget_set_visible (parts->play, FALSE);
    }
  g_ptr_array_add (self->unfilled, row);
  if (self->fill_tick == 0)
    self->fill_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), fill_tick_cb, self, NULL);
}

/* @row waits to be filled again, a few a frame while the inbox is
 * shown, showing what it showed meanwhile. */
static void
fill_later (VigilTriggersPage *self,
            GtkWidget         *row,
            RowParts          *parts)
{
  parts->unfilled = TRUE;
  g_ptr_array_add (self->unfilled, row);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && self->fill_tick == 0)
    self->fill_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), fill_tick_cb, self, NULL);
}

/* A row's parts, made as it is first filled: a row waiting for its
 * frame is its box alone. */
static void
create_row_parts (VigilTriggersPage *self,
                  GtkWidget         *row,
                  RowParts          *parts)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *heading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *open;

  gtk_widget_set_hexpand (heading, TRUE);
  parts->name = create_label ("title-4", FALSE);
  gtk_box_append (GTK_BOX (heading), parts->name);
  parts->details = create_label ("dim-label", TRUE);
  gtk_box_append (GTK_BOX (heading), parts->details);
  gtk_box_append (GTK_BOX (header), heading);

  /* What is at stake beside the name, or below it in a narrow window. */
  parts->stake = gtk_label_new (NULL);
  gtk_widget_set_valign (parts->stake, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (parts->stake, "heading");
  gtk_widget_add_css_class (parts->stake, "numeric");
  if (self->compact)
    {
      gtk_widget_set_halign (parts->stake, GTK_ALIGN_START);
      gtk_box_insert_child_after (GTK_BOX (heading), parts->stake, parts->name);
    }
  else
    gtk_box_append (GTK_BOX (header), parts->stake);

  parts->tier = gtk_label_new (NULL);
  gtk_widget_set_valign (parts->tier, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (parts->tier, "tier-pill");
  gtk_widget_add_css_class (parts->tier, "caption");
  gtk_box_append (GTK_BOX (header), parts->tier);

  open = gtk_button_new_from_icon_name ("go-next-symbolic");
  gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (open, "flat");
  vigil_tooltip_set_static (open, _("Open Customer"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (open), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Open Customer"), -1);
  g_signal_connect_swapped (open, "clicked", G_CALLBACK (open_clicked_cb), self);
  gtk_box_append (GTK_BOX (header), open);
  gtk_box_append (GTK_BOX (row), header);
  parts->header = header;

  parts->triggers = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (row), parts->triggers);

  parts->play = create_label ("dim-label", TRUE);
  gtk_widget_add_css_class (parts->play, "caption");
  gtk_box_append (GTK_BOX (row), parts->play);

  g_object_set_data (G_OBJECT (row), "triggers-box", parts->triggers);
}

static GtkWidget *
create_row (VigilTriggersPage *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  RowParts *parts = g_new0 (RowParts, 1);

  gtk_widget_add_css_class (row, "inbox-customer");
  gtk_widget_set_margin_top (row, 12);
  gtk_widget_set_margin_bottom (row, 12);
  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  g_object_set_data_full (G_OBJECT (row), "parts", parts, (GDestroyNotify) row_parts_free);
  g_object_set_data (G_OBJECT (row), "page", self);
  return row;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              VigilTriggersPage        *self)
{
  gtk_list_item_set_child (list_item, create_row (self));
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             VigilTriggersPage        *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  RowParts *parts = g_object_get_data (G_OBJECT (row), "parts");

  parts->item = gtk_list_item_get_item (list_item);
  parts->changed_id = g_signal_connect (parts->item, "changed", G_CALLBACK (item_changed_cb), row);
  fill_row_soon (self, row, parts);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               VigilTriggersPage        *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  RowParts *parts = g_object_get_data (G_OBJECT (row), "parts");

  g_clear_signal_handler (&parts->changed_id, parts->item);
  parts->item = NULL;
  if (parts->unfilled)
    g_ptr_array_remove (self->unfilled, row);
  parts->unfilled = FALSE;
}

/* Makes the list say @entries (taken), in the inbox's order, touching
 * only what changed: a customer still listed keeps its item (and its
 * row, where it keeps its place), so a poll that changes nothing moves
 * nothing. Each customer is looked up once (design 7: some 21,000 at
 * 100,000 customers): its stake, name and tier are those of the book
 * now, else the name and tier its first trigger was listed with. */
static void
update_items (VigilTriggersPage *self,
              GPtrArray         *entries,
              GPtrArray         *triggers)
{
  for (guint i = 0; i < entries->len; i++)
    {
      VigilInboxEntry *entry = g_ptr_array_index (entries, i);
      const VigilTriggerRow *first = g_ptr_array_index (entry->triggers, 0);
      VigilCustomer *customer = vigil_portfolio_find_customer (self->portfolio, entry->stake.customer_id);
      const char *name = first->name != NULL ? first->name : first->customer;
      VigilTier tier = first->tier;

      if (customer != NULL)
        {
          entry->stake.mrr = vigil_customer_get_mrr (customer);
          entry->stake.churn_risk = vigil_customer_get_churn_risk (customer);
          entry->stake.renewal_day = vigil_customer_get_renewal_day (customer);
          name = vigil_customer_get_display_name (customer);
          tier = vigil_customer_get_tier (customer);
        }
      vigil_inbox_list_add_entry (self->items, g_steal_pointer (&entries->pdata[i]), name, tier);
    }
  g_ptr_array_set_size (entries, 0);
  vigil_inbox_list_commit (self->items, triggers);
}

/* Puts the keyboard back with the customer a trigger was worked on, or
 * on the row that took its place when its last trigger went. */
static void
refocus (VigilTriggersPage *self)
{
  gboolean listed = vigil_inbox_list_find (self->items, self->focus_customer, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  gboolean keyboard = self->focus_trigger != 0;

  self->focus_customer = 0;
  /* A customer still listed gets it back as its row is redrawn. */
  if (listed || n == 0 || !keyboard)
    return;
  self->focus_trigger = 0;
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                              MIN (self->focus_position, n - 1));
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
update_summary (VigilTriggersPage *self,
                GPtrArray         *triggers,
                guint              n_customers)
{
  guint decisions = vigil_inbox_count_decisions (triggers);
  g_autofree char *customers = g_strdup_printf (ngettext ("%u customer with open triggers",
                                                          "%u customers with open triggers", n_customers),
                                                n_customers);
  g_autofree char *open = g_strdup_printf (ngettext ("%u trigger", "%u triggers", triggers->len), triggers->len);
  g_autofree char *decide = g_strdup_printf (ngettext ("%u needs a decision", "%u need a decision", decisions),
                                             decisions);
  g_autofree char *summary = NULL;

  /* Translators: customers with open triggers, how many triggers, and
   * how many customers wait for a decision on a new risk, e.g. "12
   * customers with open triggers · 15 triggers · 4 need a decision" */
  summary = g_strdup_printf (_("%s · %s · %s"), customers, open, decide);
  gtk_label_set_text (self->summary_label, summary);
}

static void
rebuild (VigilTriggersPage *self)
{
  GPtrArray *triggers = self->portfolio != NULL ? vigil_portfolio_get_triggers (self->portfolio) : NULL;
  gboolean new_only = gtk_toggle_button_get_active (self->new_only_button);
  g_autoptr(GPtrArray) listed = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) all_entries = NULL;
  guint n_listed;

  if (triggers == NULL || triggers->len == 0)
    {
      update_items (self, listed, triggers != NULL ? triggers : listed);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  for (guint i = 0; i < triggers->len; i++)
    {
      VigilTriggerRow *trigger = g_ptr_array_index (triggers, i);

      if (!new_only || g_strcmp0 (trigger->state, "new") == 0)
        g_ptr_array_add (listed, trigger);
    }

  entries = vigil_inbox_group (listed);
  n_listed = entries->len;
  update_items (self, entries, triggers);

  all_entries = new_only ? vigil_inbox_group (triggers) : NULL;
  update_summary (self, triggers, all_entries != NULL ? all_entries->len : n_listed);
  gtk_stack_set_visible_child_name (self->list_stack, n_listed == 0 ? "none-new" : "customers");
  gtk_stack_set_visible_child_name (self->stack, "list");
  if (self->focus_customer != 0)
    refocus (self);
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
      gtk_widget_set_sensitive (pending->line, TRUE);
      self->focus_customer = 0;
      g_signal_emit (self, signals[SHOW_TOAST], 0, message);
      return;
    }

  g_signal_emit (self, signals[SHOW_TOAST], 0, pending->message);
  vigil_portfolio_reload (VIGIL_PORTFOLIO (object));
}

static TriggerInfo *
get_button_info (GtkButton  *button,
                 GtkWidget **out_line)
{
  GtkWidget *line = GTK_WIDGET (button);
  TriggerInfo *info = NULL;

  while (line != NULL && (info = g_object_get_data (G_OBJECT (line), "trigger")) == NULL)
    line = gtk_widget_get_parent (line);
  if (out_line != NULL)
    *out_line = line;
  return info;
}

static void
set_state (VigilTriggersPage *self,
           GtkButton         *button,
           const char        *state,
           const char        *until,
           char              *message)
{
  GtkWidget *line = NULL;
  TriggerInfo *info = get_button_info (button, &line);
  PendingChange *pending;
  GtkWidget *focus;
  guint position;

  g_assert (info != NULL);

  if (self->portfolio == NULL)
    {
      g_free (message);
      return;
    }

  pending = g_new0 (PendingChange, 1);
  pending->self = g_object_ref (self);
  pending->line = g_object_ref (line);
  pending->message = message;

  self->focus_customer = info->customer_id;
  focus = gtk_root_get_focus (gtk_widget_get_root (line));
  self->focus_trigger = focus != NULL && (focus == line || gtk_widget_is_ancestor (focus, line)) ? info->id : 0;
  if (vigil_inbox_list_find (self->items, info->customer_id, &position))
    self->focus_position = position;
  gtk_widget_set_sensitive (line, FALSE);
  vigil_portfolio_set_trigger_state_async (self->portfolio, info->id, state, until, self->cancellable,
                                           set_state_done_cb, pending);
}

static void
open_customer (VigilTriggersPage *self,
               gint64             customer_id)
{
  VigilCustomer *customer;

  if (self->portfolio == NULL)
    return;
  customer = vigil_portfolio_find_customer (self->portfolio, customer_id);
  if (customer != NULL)
    g_signal_emit (self, signals[CUSTOMER_ACTIVATED], 0, customer);
  else
    g_signal_emit (self, signals[SHOW_TOAST], 0, _("This customer is no longer in the portfolio"));
}

/* Callbacks ---------------------------------------------------------------- */

static void
ack_clicked_cb (VigilTriggersPage *self,
                GtkButton         *button)
{
  TriggerInfo *info = get_button_info (button, NULL);

  g_assert (info != NULL);
  set_state (self, button, "acknowledged", NULL, g_strdup_printf (_("%s: acknowledged"), info->customer));
}

static void
snooze_clicked_cb (VigilTriggersPage *self,
                   GtkButton         *button)
{
  TriggerInfo *info = get_button_info (button, NULL);
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
  TriggerInfo *info = get_button_info (button, NULL);

  g_assert (info != NULL);
  set_state (self, button, "done", NULL, g_strdup_printf (_("%s: marked done"), info->customer));
}

static void
open_clicked_cb (VigilTriggersPage *self,
                 GtkButton         *button)
{
  GtkWidget *row = GTK_WIDGET (button);
  RowParts *parts = NULL;

  /* The row is the box that holds the parts. */
  while (row != NULL && (parts = g_object_get_data (G_OBJECT (row), "parts")) == NULL)
    row = gtk_widget_get_parent (row);
  if (parts != NULL && parts->item != NULL)
    open_customer (self, vigil_inbox_item_get_customer_id (parts->item));
}

static void
list_activated_cb (VigilTriggersPage *self,
                   guint              position,
                   GtkListView       *list_view)
{
  g_autoptr(VigilInboxItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), position);

  if (item != NULL)
    open_customer (self, vigil_inbox_item_get_customer_id (item));
}

static void
filter_toggled_cb (VigilTriggersPage *self,
                   GtkToggleButton   *button)
{
  /* Each toggle of the group reports; the one turned on rebuilds. */
  if (gtk_toggle_button_get_active (button))
    rebuild (self);
}

/* design 5: the inbox follows a reload when it is on screen, or when it
 * is shown next. Its list keeps rows for up to 200 customers even while
 * hidden, and updating them after every poll of a big book stalled the
 * window for longer than the rest of the reload. */
static void
rebuild_when_shown (VigilTriggersPage *self)
{
  self->stale = !gtk_widget_get_mapped (GTK_WIDGET (self));
  if (!self->stale)
    rebuild (self);
}

static void
portfolio_loaded_cb (VigilTriggersPage *self,
                     VigilPortfolio    *portfolio)
{
  rebuild_when_shown (self);
}

/* design 7: a hidden inbox fills no rows (each some 6 ms of the main
 * thread, and memory, while a poll's reload lands behind another page);
 * those waiting are filled, a few a frame, once it is shown again. */
static void
fill_rows_when_shown (VigilTriggersPage *self)
{
  if (self->unfilled->len > 0 && self->fill_tick == 0)
    self->fill_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), fill_tick_cb, self, NULL);
}

static void
map_cb (VigilTriggersPage *self)
{
  if (self->stale)
    rebuild_when_shown (self);
  fill_rows_when_shown (self);
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
  if (self->fill_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->fill_tick);
  self->fill_tick = 0;
  g_clear_signal_handler (&self->painted_id, self->paint_clock);
  g_clear_object (&self->paint_clock);
  /* AdwBin drops its child itself; the template must not do it twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_TRIGGERS_PAGE);
  if (self->items != NULL)
    vigil_inbox_list_clear (self->items);

  G_OBJECT_CLASS (vigil_triggers_page_parent_class)->dispose (object);
}

static void
vigil_triggers_page_finalize (GObject *object)
{
  VigilTriggersPage *self = (VigilTriggersPage *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->items);
  g_clear_pointer (&self->unfilled, g_ptr_array_unref);

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
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersPage, new_only_button);
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, VigilTriggersPage, list_view);
  gtk_widget_class_bind_template_callback (widget_class, filter_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activated_cb);
}

/* A new factory makes every row again, in the layout of the moment. */
static void
set_row_factory (VigilTriggersPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
}

static void
vigil_triggers_page_init (VigilTriggersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->items = vigil_inbox_list_new ();
  self->unfilled = g_ptr_array_new ();

  set_row_factory (self);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
  g_signal_connect_swapped (self->list_view, "realize", G_CALLBACK (list_realize_cb), self);
  g_signal_connect_swapped (self->list_view, "unrealize", G_CALLBACK (list_unrealize_cb), self);
  gtk_list_view_set_model (self->list_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->items)))));
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
  rebuild_when_shown (self);
}

/**
 * vigil_triggers_page_get_model:
 *
 * Returns: (transfer none): the inbox, one #VigilInboxItem per customer
 *   with open triggers, in its order
 */
GListModel *
vigil_triggers_page_get_model (VigilTriggersPage *self)
{
  g_return_val_if_fail (VIGIL_IS_TRIGGERS_PAGE (self), NULL);
  return G_LIST_MODEL (self->items);
}

/**
 * vigil_triggers_page_set_compact:
 * @compact: whether the window is narrow
 *
 * In a narrow window each trigger's buttons go below it, and what is at
 * stake below the customer's name.
 */
void
vigil_triggers_page_set_compact (VigilTriggersPage *self,
                                 gboolean           compact)
{
  g_return_if_fail (VIGIL_IS_TRIGGERS_PAGE (self));

  compact = !!compact;
  if (self->compact == compact)
    return;
  self->compact = compact;
  set_row_factory (self);
}
