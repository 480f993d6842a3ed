/* vigil-timeline-section.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The customer's timeline (design 3.4, design 5): one list, newest
 * first, of the touches the CSM logged and what happened to the
 * customer (pulses, outcomes, triggers, tier changes, records and
 * sources), each with an icon for its kind, who and when; above it a
 * touch to log (its kind, its text, and the day when it was not now;
 * Ctrl+Enter logs it), and on each of the CSM's own touches Edit and
 * Delete. Read and written off the main thread; every text is plain.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-format.h"
#include "vigil-tooltip.h"
#include "vigil-timeline-section.h"

/* Entries listed at first, and added by each "Show Older Entries". */
#define PAGE_SIZE 50
/* Rows built at once, then in each frame after (design 7): fifty rows of
 * wrapped text took the page's first frame 150 ms to lay out; the
 * first rows are below the page's first screen anyway. */
#define ROWS_AT_ONCE 4
#define ROWS_A_FRAME 4

struct _VigilTimelineSection
{
  AdwBin                parent_instance;

  /* Template children */
  GtkCalendar          *calendar;
  GtkWidget            *cancel_button;
  GtkWidget            *composer;
  GtkMenuButton        *date_button;
  GtkPopover           *date_popover;
  GtkListBox           *entries_list;
  GtkDropDown          *kind_dropdown;
  GtkButton            *log_button;
  GtkTextView          *text_view;

  VigilPortfolio       *portfolio;
  VigilCustomerHistory *history;          /* the last the page gave: a new one means a reload */
  gint64                customer_id;      /* whose timeline, 0 for none */
  GCancellable         *cancellable;      /* everything the section started */
  GCancellable         *load_cancellable; /* the read under way */
  GPtrArray            *entries;          /* of VigilTimelineEntry, newest first */
  char                 *me;               /* the CSM's name, as the store gave it */
  guint                 shown;            /* how many entries are listed */
  guint                 built;            /* how many of them have their row yet */
  guint                 fill_tick;        /* building the rest, a few a frame */

  gint64                editing;          /* the touch in the composer, 0 for a new one */
  GDateTime            *day;              /* the day chosen, NULL for now */
  gboolean              day_changed;      /* since the composer was filled */
  gboolean              saving;
};

static void vigil_timeline_section_iface_init (VigilCustomerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilTimelineSection, vigil_timeline_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (VIGIL_TYPE_CUSTOMER_SECTION,
                                                      vigil_timeline_section_iface_init))

static void load_timeline (VigilTimelineSection *self);

/* The composer -------------------------------------------------------------- */

static char *
get_text (VigilTimelineSection *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Logging is on when there is something to log and nothing is saving. */
static void
update_log_action (VigilTimelineSection *self)
{
  g_autofree char *text = get_text (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.log",
                                 !self->saving && self->customer_id != 0 && *g_strstrip (text) != '\0');
}

static void
set_day (VigilTimelineSection *self,
         GDateTime            *day)
{
  g_clear_pointer (&self->day, g_date_time_unref);
  if (day != NULL)
    {
      g_autofree char *label = vigil_format_date (g_date_time_to_unix (day));

      self->day = g_date_time_ref (day);
      gtk_menu_button_set_label (self->date_button, label);
    }
  else
    gtk_menu_button_set_label (self->date_button, _("Now"));
}

/* An empty composer for a new touch. */
static void
reset_composer (VigilTimelineSection *self)
{
  self->editing = 0;
  self->day_changed = FALSE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", -1);
  gtk_drop_down_set_selected (self->kind_dropdown, VIGIL_TOUCH_NOTE);
  set_day (self, NULL);
  gtk_button_set_label (self->log_button, _("_Log"));
  gtk_widget_set_visible (self->cancel_button, FALSE);
  update_log_action (self);
}

static void
day_selected_cb (VigilTimelineSection *self)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (self->calendar);

  set_day (self, day);
  self->day_changed = TRUE;
  gtk_popover_popdown (self->date_popover);
}

static void
now_clicked_cb (VigilTimelineSection *self)
{
  set_day (self, NULL);
  self->day_changed = TRUE;
  gtk_popover_popdown (self->date_popover);
}

static void
cancel_clicked_cb (VigilTimelineSection *self)
{
  reset_composer (self);
}

/* When the touch happened: now, or at noon (local time) of a day chosen
 * other than today, a time that reads as that day in any zone nearby. */
static gint64
get_touch_time (VigilTimelineSection *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) noon = NULL;
  int year, month, day;

  if (self->day == NULL)
    return g_date_time_to_unix (now);
  g_date_time_get_ymd (self->day, &year, &month, &day);
  if (g_date_time_get_year (now) == year && g_date_time_get_month (now) == month &&
      g_date_time_get_day_of_month (now) == day)
    return g_date_time_to_unix (now);
  noon = g_date_time_new_local (year, month, day, 12, 0, 0);
  return noon != NULL ? g_date_time_to_unix (noon) : g_date_time_to_unix (now);
}

/* Saving -------------------------------------------------------------------- */

typedef enum
{
  CHANGE_ADD,
  CHANGE_EDIT,
  CHANGE_DELETE,
} ChangeKind;

typedef struct
{
  ChangeKind      change;
  gint64          customer_id;
  gint64          touch_id;
  VigilTouchKind  kind;       /* VIGIL_N_TOUCH_KINDS: unchanged */
  gint64          at;         /* VIGIL_UNKNOWN: unchanged */
  char           *text;       /* NULL: unchanged */
} TouchChange;

static void
touch_change_free (TouchChange *change)
{
  g_free (change->text);
  g_free (change);
}

/* Runs on a worker thread: the change, then the triggers, which read
 * the touches (no-touch, design 3.4), as `vigil note` does. Returns
 * what to tell the user. */
static gpointer
change_work (VigilStore  *store,
             gpointer     data,
             GError     **error)
{
  TouchChange *change = data;
  g_autoptr(GError) trigger_error = NULL;
  const char *done;

  switch (change->change)
    {
    case CHANGE_ADD:
      if (vigil_store_add_touch (store, change->customer_id, change->kind, change->at, change->text, error) < 0)
        return NULL;
      done = change->kind == VIGIL_TOUCH_NOTE ? _("Note logged") : _("Touch logged");
      break;
    case CHANGE_EDIT:
      if (!vigil_store_edit_touch (store, change->touch_id, change->kind, change->at, change->text, error))
        return NULL;
      done = _("Touch saved");
      break;
    case CHANGE_DELETE:
    default:
      if (!vigil_store_delete_touch (store, change->touch_id, error))
        return NULL;
      done = _("Touch deleted");
      break;
    }
  if (!vigil_triggers_update (store, g_get_real_time () / G_USEC_PER_SEC, NULL, &trigger_error))
    /* TRANSLATORS: what was done ("Touch logged"), and why the triggers were not updated */
    return g_strdup_printf (_("%s; the triggers could not be updated: %s"), done, trigger_error->message);
  return g_strdup (done);
}

static void
change_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VigilTimelineSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->saving = FALSE;
  if (message == NULL)
    {
      /* What was typed stays in the composer: nothing is lost. */
      message = g_strdup_printf (_("Could not save the touch: %s"), error->message);
      vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), message);
      update_log_action (self);
      return;
    }
  vigil_customer_section_toast (VIGIL_CUSTOMER_SECTION (self), message);
  reset_composer (self);
  /* The timeline at once; the Last Touch column and the triggers follow. */
  load_timeline (self);
  vigil_portfolio_reload (VIGIL_PORTFOLIO (object));
}

static void
run_change (VigilTimelineSection *self,
            TouchChange          *change)
{
  self->saving = TRUE;
  update_log_action (self);
  vigil_portfolio_run_async (self->portfolio, change_work, change, (GDestroyNotify) touch_change_free,
                             self->cancellable, change_cb, g_object_ref (self));
}

/* timeline.log: logs the touch in the composer, or saves the one being
 * edited (the button, and Ctrl+Enter anywhere in the composer). */
static void
log_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VigilTimelineSection *self = VIGIL_TIMELINE_SECTION (widget);
  TouchChange *change;
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);

  if (self->saving || self->customer_id == 0 || self->portfolio == NULL)
    return;
  change = g_new0 (TouchChange, 1);
  change->customer_id = self->customer_id;
  change->text = get_text (self);
  change->kind = kind < VIGIL_N_TOUCH_KINDS ? (VigilTouchKind) kind : VIGIL_TOUCH_NOTE;
  if (self->editing != 0)
    {
      change->change = CHANGE_EDIT;
      change->touch_id = self->editing;
      change->at = self->day_changed ? get_touch_time (self) : VIGIL_UNKNOWN;
    }
  else
    {
      change->change = CHANGE_ADD;
      change->at = get_touch_time (self);
    }
  run_change (self, change);
}

static void
edit_clicked_cb (GtkButton            *button,
                 VigilTimelineSection *self)
{
  const VigilTimelineEntry *entry = g_object_get_data (G_OBJECT (button), "entry");
  g_autoptr(GDateTime) day = g_date_time_new_from_unix_local (entry->at);
  VigilTouchKind kind = VIGIL_TOUCH_NOTE;

  vigil_touch_kind_from_id (entry->subject, &kind);
  self->editing = entry->id;
  self->day_changed = FALSE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), entry->text != NULL ? entry->text : "", -1);
  gtk_drop_down_set_selected (self->kind_dropdown, kind);
  set_day (self, day);
  gtk_button_set_label (self->log_button, _("_Save"));
  gtk_widget_set_visible (self->cancel_button, TRUE);
  update_log_action (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
delete_response_cb (AdwMessageDialog     *dialog,
                    const char           *response,
                    VigilTimelineSection *self)
{
  TouchChange *change;

  if (!g_str_equal (response, "delete") || self->portfolio == NULL)
    return;
  change = g_new0 (TouchChange, 1);
  change->change = CHANGE_DELETE;
  change->touch_id = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "touch-id");
  change->kind = VIGIL_N_TOUCH_KINDS;
  change->at = VIGIL_UNKNOWN;
  if (self->editing == change->touch_id)
    reset_composer (self);
  run_change (self, change);
}

static void
delete_clicked_cb (GtkButton            *button,
                   VigilTimelineSection *self)
{
  const VigilTimelineEntry *entry = g_object_get_data (G_OBJECT (button), "entry");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *title = vigil_timeline_entry_describe (entry);
  g_autofree char *when = vigil_format_date_time (entry->at);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  body = g_strdup_printf ("%s · %s\n\n%s", title, when, _("It leaves the timeline for good."));
  /* Heading and body are plain text by default: the note stays data. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Delete This Touch?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "touch-id", g_memdup2 (&entry->id, sizeof (gint64)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The list ------------------------------------------------------------------ */

static const char *
touch_icon (const char *kind)
{
  VigilTouchKind touch = VIGIL_TOUCH_NOTE;

  vigil_touch_kind_from_id (kind, &touch);
  switch (touch)
    {
    case VIGIL_TOUCH_CALL: return "call-start-symbolic";
    case VIGIL_TOUCH_EMAIL: return "mail-unread-symbolic";
    case VIGIL_TOUCH_MEETING: return "x-office-calendar-symbolic";
    case VIGIL_TOUCH_QBR: return "x-office-presentation-symbolic";
    case VIGIL_TOUCH_NOTE:
    case VIGIL_N_TOUCH_KINDS:
    default: return "document-edit-symbolic";
    }
}

/* Whether a tier change is for the better. */
static gboolean
tier_rose (const VigilTimelineEntry *entry)
{
  VigilTier to = entry->subject != NULL ? vigil_tier_from_id (entry->subject) : VIGIL_TIER_NONE;
  VigilTier from = entry->detail != NULL ? vigil_tier_from_id (entry->detail) : VIGIL_TIER_NONE;

  /* Tiers count from healthy down to high risk. */
  return to < from;
}

/* Each kind of entry has an icon of its own (design 5). */
static const char *
entry_icon (const VigilTimelineEntry *entry)
{
  switch (entry->kind)
    {
    case VIGIL_TIMELINE_TOUCH: return touch_icon (entry->subject);
    case VIGIL_TIMELINE_PULSE: return "emblem-favorite-symbolic";
    case VIGIL_TIMELINE_OUTCOME:
      return g_strcmp0 (entry->subject, "churned") == 0 ? "process-stop-symbolic" : "emblem-ok-symbolic";
    case VIGIL_TIMELINE_TRIGGER_OPENED:
      return g_strcmp0 (entry->detail, "upsell") == 0 ? "starred-symbolic" : "dialog-warning-symbolic";
    case VIGIL_TIMELINE_TRIGGER_STATE: return "object-select-symbolic";
    case VIGIL_TIMELINE_TIER_CHANGE: return tier_rose (entry) ? "go-up-symbolic" : "go-down-symbolic";
    case VIGIL_TIMELINE_RECORD_LINKED: return "insert-link-symbolic";
    case VIGIL_TIMELINE_RECORD_UNLINKED: return "edit-cut-symbolic";
    case VIGIL_TIMELINE_SOURCE_ADDED: return "list-add-symbolic";
    case VIGIL_TIMELINE_EVENT:
    case VIGIL_N_TIMELINE_KINDS:
    default: return "view-list-symbolic";
    }
}

/* Who and when: "Dana Park · 3 Mar 2026, 14:00 · 5 days ago". An
 * outcome is a calendar day, not an instant. */
static char *
describe_when (const VigilTimelineEntry *entry)
{
  g_autofree char *when = entry->kind == VIGIL_TIMELINE_OUTCOME
                          ? vigil_format_day (vigil_time_get_day (entry->at)) : vigil_format_date_time (entry->at);
  g_autofree char *ago = vigil_format_ago (vigil_section_get_now () - entry->at);
  GString *text = g_string_new (NULL);

  if (entry->author != NULL)
    /* TRANSLATORS: who, when and how long ago, e.g. "Dana Park · 3 Mar 2026, 14:00 · 5 days ago" */
    g_string_append_printf (text, _("%s · %s · %s"), entry->author, when, ago);
  else
    /* TRANSLATORS: when and how long ago, e.g. "3 Mar 2026, 14:00 · 5 days ago" */
    g_string_append_printf (text, _("%s · %s"), when, ago);
  if (entry->edited_at != VIGIL_UNKNOWN)
    g_string_append (text, _(" · edited"));
  return g_string_free (text, FALSE);
}

static GtkWidget *
new_label (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
new_touch_button (VigilTimelineSection     *self,
                  const VigilTimelineEntry *entry,
                  const char               *icon,
                  const char               *name,
                  const char               *tooltip,
                  GCallback                 clicked)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_name (button, name);
  vigil_tooltip_set_static (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_START);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "entry", (gpointer) entry);
  g_signal_connect_object (button, "clicked", clicked, self, 0);
  return button;
}

/* One entry as a row: icon, what, who and when, what was written; the
 * CSM's own touches with Edit and Delete. Touches' rows are named
 * "touch-ID". The row lines them up in a grid, not a horizontal box: GTK
 * 4.8's box finds the height of a row of wrapped text by trying height
 * after height, and the box of texts its width at each by trying width
 * after width, fifty text layouts a label where a grid needs two
 * (design 7). */
static GtkWidget *
new_entry_row (VigilTimelineSection     *self,
               const VigilTimelineEntry *entry)
{
  g_autofree char *title = vigil_timeline_entry_describe (entry);
  g_autofree char *when = describe_when (entry);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE, "icon-name", entry_icon (entry),
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 6);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_grid_attach (GTK_GRID (grid), icon, 0, 0, 1, 1);

  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), new_label (title, "heading"));
  gtk_box_append (GTK_BOX (texts), new_label (when, "dim-label"));
  gtk_widget_add_css_class (gtk_widget_get_last_child (texts), "caption");
  if (entry->text != NULL)
    gtk_box_append (GTK_BOX (texts), new_label (entry->text, NULL));
  gtk_grid_attach (GTK_GRID (grid), texts, 1, 0, 1, 1);

  if (entry->kind == VIGIL_TIMELINE_TOUCH)
    {
      g_autofree char *name = g_strdup_printf ("touch-%" G_GINT64_FORMAT, entry->id);

      gtk_widget_set_name (row, name);
      if (self->me != NULL && g_strcmp0 (entry->author, self->me) == 0)
        {
          g_autofree char *edit = g_strdup_printf ("edit-%" G_GINT64_FORMAT, entry->id);
          g_autofree char *delete = g_strdup_printf ("delete-%" G_GINT64_FORMAT, entry->id);

          gtk_grid_attach (GTK_GRID (grid), new_touch_button (self, entry, "document-edit-symbolic", edit,
                                                              _("Edit This Touch"), G_CALLBACK (edit_clicked_cb)),
                           2, 0, 1, 1);
          gtk_grid_attach (GTK_GRID (grid), new_touch_button (self, entry, "user-trash-symbolic", delete,
                                                              _("Delete This Touch"), G_CALLBACK (delete_clicked_cb)),
                           3, 0, 1, 1);
        }
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), grid);
  /* What a screen reader says of the row: what, who and when; then
   * what was written. */
  {
    g_autofree char *label = g_strdup_printf ("%s, %s", title, when);

    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    if (entry->text != NULL)
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, entry->text, -1);
  }
  return row;
}

static void fill_list (VigilTimelineSection *self);

static void
show_older_clicked_cb (VigilTimelineSection *self)
{
  self->shown += PAGE_SIZE;
  fill_list (self);
}

/* Rows up to the @upto-th entry, then the button for older ones once
 * every shown entry has its row. */
static void
build_rows (VigilTimelineSection *self,
            guint                 upto)
{
  guint shown = MIN (self->shown, self->entries->len);

  for (; self->built < MIN (upto, shown); self->built++)
    gtk_list_box_append (self->entries_list, new_entry_row (self, self->entries->pdata[self->built]));
  if (self->built == shown && self->entries->len > self->shown)
    {
      guint older = self->entries->len - self->shown;
      g_autofree char *label = g_strdup_printf (ngettext ("Show %u Older Entry", "Show %u Older Entries", older),
                                                older);
      GtkWidget *button = gtk_button_new_with_label (label);

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_name (button, "show-older");
      g_signal_connect_object (button, "clicked", G_CALLBACK (show_older_clicked_cb), self, G_CONNECT_SWAPPED);
      gtk_list_box_append (self->entries_list, button);
    }
}

static gboolean
build_more_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  VigilTimelineSection *self = VIGIL_TIMELINE_SECTION (widget);

  build_rows (self, self->built + ROWS_A_FRAME);
  if (self->built < MIN (self->shown, self->entries->len))
    return G_SOURCE_CONTINUE;
  self->fill_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
stop_building (VigilTimelineSection *self)
{
  if (self->fill_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fill_tick);
  self->fill_tick = 0;
}

static void
fill_list (VigilTimelineSection *self)
{
  VigilSectionRows rows;

  stop_building (self);
  self->built = 0;
  /* The entries' rows are built anew, after what the list keeps. */
  vigil_section_rows_begin (&rows, self->entries_list, NULL);
  if (self->entries == NULL)
    vigil_section_rows_add_spinner (&rows, _("Loading the timeline…"));
  else if (self->entries->len == 0)
    vigil_section_rows_add_placeholder (&rows, _("Nothing on the timeline yet: log a call, an email or a note above"));
  vigil_section_rows_end (&rows);
  if (self->entries == NULL || self->entries->len == 0)
    return;
  /* A page out of sight lays nothing out: all at once. */
  build_rows (self, gtk_widget_get_mapped (GTK_WIDGET (self)) ? ROWS_AT_ONCE : G_MAXUINT);
  if (self->built < MIN (self->shown, self->entries->len))
    self->fill_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), build_more_cb, NULL, NULL);
}

/* Reading ------------------------------------------------------------------- */

typedef struct
{
  gint64     customer_id;
  GPtrArray *entries;
  char      *me;
} TimelineResult;

static void
timeline_result_free (TimelineResult *result)
{
  g_clear_pointer (&result->entries, g_ptr_array_unref);
  g_free (result->me);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TimelineResult, timeline_result_free)

static gpointer
load_work (VigilStore  *store,
           gpointer     data,
           GError     **error)
{
  g_autoptr(TimelineResult) result = g_new0 (TimelineResult, 1);

  result->customer_id = *(gint64 *) data;
  if (!(result->entries = vigil_store_list_timeline (store, result->customer_id, error)) ||
      !(result->me = vigil_store_dup_author (store, error)))
    return NULL;
  return g_steal_pointer (&result);
}

static void
load_cb (GObject      *object,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr(VigilTimelineSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TimelineResult) result = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), res, &error);

  if (result == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not read the timeline: %s"), error->message);
      vigil_section_show_placeholder (self->entries_list, message);
      return;
    }
  /* Another customer is shown by now. */
  if (result->customer_id != self->customer_id)
    return;
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  self->entries = g_steal_pointer (&result->entries);
  g_free (self->me);
  self->me = g_steal_pointer (&result->me);
  fill_list (self);
}

static void
load_timeline (VigilTimelineSection *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  vigil_portfolio_run_async_full (self->portfolio, load_work, g_memdup2 (&self->customer_id, sizeof (gint64)),
                                  g_free, (GDestroyNotify) timeline_result_free, self->load_cancellable,
                                  load_cb, g_object_ref (self));
}

/* VigilCustomerSection ------------------------------------------------------ */

/* The timeline is read when another customer is shown, and again when
 * the page brings a new history: the portfolio was reloaded. */
static void
vigil_timeline_section_show (VigilCustomerSection *section,
                             VigilPortfolio       *portfolio,
                             VigilCustomer        *customer,
                             VigilCustomerHistory *history)
{
  VigilTimelineSection *self = VIGIL_TIMELINE_SECTION (section);
  gint64 customer_id = vigil_customer_get_store_id (customer);
  gboolean reload = FALSE;

  g_set_object (&self->portfolio, portfolio);
  if (customer_id != self->customer_id)
    {
      self->customer_id = customer_id;
      g_clear_pointer (&self->history, vigil_customer_history_unref);
      g_clear_pointer (&self->entries, g_ptr_array_unref);
      self->shown = PAGE_SIZE;
      fill_list (self);
      update_log_action (self);
      reload = TRUE;
    }
  else if (history != NULL && self->history != NULL && history != self->history)
    reload = TRUE;
  if (history != NULL && history != self->history)
    {
      g_clear_pointer (&self->history, vigil_customer_history_unref);
      self->history = vigil_customer_history_ref (history);
    }
  if (reload)
    load_timeline (self);
}

/* Another customer comes next: a draft or an edit does not follow. */
static void
vigil_timeline_section_forget (VigilCustomerSection *section)
{
  VigilTimelineSection *self = VIGIL_TIMELINE_SECTION (section);

  reset_composer (self);
  self->shown = PAGE_SIZE;
}

static void
vigil_timeline_section_iface_init (VigilCustomerSectionInterface *iface)
{
  iface->show = vigil_timeline_section_show;
  iface->forget = vigil_timeline_section_forget;
}

/* GObject ------------------------------------------------------------------- */

static void
vigil_timeline_section_dispose (GObject *object)
{
  VigilTimelineSection *self = (VigilTimelineSection *) object;

  stop_building (self);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  vigil_section_dispose_template (ADW_BIN (object), VIGIL_TYPE_TIMELINE_SECTION);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->history, vigil_customer_history_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->day, g_date_time_unref);
  g_clear_pointer (&self->me, g_free);

  G_OBJECT_CLASS (vigil_timeline_section_parent_class)->dispose (object);
}

static void
vigil_timeline_section_class_init (VigilTimelineSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_timeline_section_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-timeline-section.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilTimelineSection, calendar);
  gtk_widget_class_bind_template_child (widget_class, VigilTimelineSection, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, VigilTimelineSection, composer);
  gtk_widget_class_bind_template_child (widget_class, VigilTimelineSection, date_button);
  gtk_widget_class_bind_template_child (widget_class, VigilTimelineSection, date_popover);
  gtk_widget_class_bind_template_child (widget_class, VigilTimelineSection, entries_list);
  gtk_widget_class_bind_template_child (widget_class, VigilTimelineSection, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VigilTimelineSection, log_button);
  gtk_widget_class_bind_template_child (widget_class, VigilTimelineSection, text_view);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, now_clicked_cb);
  gtk_widget_class_install_action (widget_class, "timeline.log", NULL, log_activated);
}

static void
vigil_timeline_section_init (VigilTimelineSection *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->shown = PAGE_SIZE;

  for (int k = 0; k < VIGIL_N_TOUCH_KINDS; k++)
    gtk_string_list_append (kinds, vigil_touch_kind_get_label ((VigilTouchKind) k));
  gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kinds));

  /* Ctrl+Enter logs from anywhere in the composer; taken before the
   * text view, which would insert a line break. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>Return|<Control>KP_Enter"),
                                                          gtk_named_action_new ("timeline.log")));
  gtk_widget_add_controller (self->composer, shortcuts);

  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (update_log_action), self, G_CONNECT_SWAPPED);
  reset_composer (self);
}

/* For tests: the composer's text, the list and the kind drop-down. */
GtkTextView *
vigil_timeline_section_get_text_view (VigilTimelineSection *self)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE_SECTION (self), NULL);
  return self->text_view;
}

GtkListBox *
vigil_timeline_section_get_list (VigilTimelineSection *self)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE_SECTION (self), NULL);
  return self->entries_list;
}

GtkDropDown *
vigil_timeline_section_get_kind_dropdown (VigilTimelineSection *self)
{
  g_return_val_if_fail (VIGIL_IS_TIMELINE_SECTION (self), NULL);
  return self->kind_dropdown;
}
