/* vigil-customer-page.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One customer in full (design 5), as a column of sections
 * (src/ui/sections/): the headline, the churn risk and what rides on it,
 * the health history, the score's breakdown, usage, feature adoption,
 * the open triggers, the contract's outcome, the records the account is
 * made of (design 2.6) and the raw latest snapshot. The page holds the
 * sections in order and hands each the customer: at once from its
 * portfolio row, then again with its history, which loads off the main
 * thread.
 */

#define G_LOG_DOMAIN "vigil-customer-page"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-customer-page.h"
#include "vigil-adoption-section.h"
#include "vigil-breakdown-section.h"
#include "vigil-header-section.h"
#include "vigil-history-section.h"
#include "vigil-outcome-section.h"
#include "vigil-records-section.h"
#include "vigil-pulse-section.h"
#include "vigil-risk-section.h"
#include "vigil-snapshot-section.h"
#include "vigil-timeline-section.h"
#include "vigil-triggers-section.h"
#include "vigil-usage-section.h"

/* The page's sections, top to bottom. To add a section: write a widget
 * that implements VigilCustomerSection (src/ui/sections/vigil-customer-
 * section.h; any file there is an example), add its files to
 * src/ui/meson.build, resources/vigil.gresource.xml and po/POTFILES.in,
 * and name its type here where it belongs. The page gives it the
 * customer and the history, and passes on its toasts. */
static GType (* const section_types[]) (void) = {
  vigil_header_section_get_type,
  vigil_risk_section_get_type,
  vigil_history_section_get_type,
  vigil_pulse_section_get_type,
  vigil_breakdown_section_get_type,
  vigil_usage_section_get_type,
  vigil_adoption_section_get_type,
  vigil_timeline_section_get_type,
  vigil_triggers_section_get_type,
  vigil_outcome_section_get_type,
  vigil_records_section_get_type,
  vigil_snapshot_section_get_type,
};

/* design 7: a new customer's first frame fills the sections in view
 * (as high as they were for the customer before), at least the first
 * three (the headline, the risk and the health history: what a window
 * shows of a page at first); the others follow, two a frame, in order. */
#define SECTIONS_AT_ONCE 3
#define SECTIONS_A_FRAME 2

struct _VigilCustomerPage
{
  AdwBin                parent_instance;

  /* Template children */
  GtkScrolledWindow    *scrolled_window;
  GtkBox               *sections_box;
  AdwWindowTitle       *window_title;

  GPtrArray            *sections;          /* of VigilCustomerSection, in order */
  VigilPortfolio       *portfolio;
  VigilCustomer        *customer;
  gint64                store_id;
  GCancellable         *load_cancellable;  /* the history load under way */
  VigilCustomerHistory *history;           /* the loaded one, perhaps another customer's */
  gboolean              reload_when_shown;  /* a reload came while it was not shown */
  guint                 n_filled;           /* the sections showing the customer, the first ones */
  guint                 fill_tick;          /* fills the others, a frame each */
};

G_DEFINE_FINAL_TYPE (VigilCustomerPage, vigil_customer_page, ADW_TYPE_BIN)

enum {
  BACK,
  SHOW_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (VigilCustomerPage *self,
       const char        *message)
{
  g_signal_emit (self, signals[SHOW_TOAST], 0, message);
}

/* The history, when it is the shown customer's. */
static VigilCustomerHistory *
get_history (VigilCustomerPage *self)
{
  return self->history != NULL && self->history->customer_id == self->store_id ? self->history : NULL;
}

/* Every section from the current customer object; the history as loaded. */
static void
refresh (VigilCustomerPage *self)
{
  const char *owner = vigil_customer_get_owner (self->customer);
  const char *segment = vigil_customer_get_segment (self->customer);
  const char *plan = vigil_customer_get_plan (self->customer);
  VigilCustomerHistory *history = get_history (self);
  g_autofree char *subtitle = NULL;

  adw_window_title_set_title (self->window_title, vigil_customer_get_display_name (self->customer));
  /* TRANSLATORS: id · owner · segment · plan of a customer */
  subtitle = g_strdup_printf (_("%s · %s · %s · %s"), vigil_customer_get_id (self->customer),
                              owner != NULL ? owner : _("no owner"),
                              segment != NULL ? segment : _("no segment"),
                              plan != NULL ? plan : _("no plan"));
  adw_window_title_set_subtitle (self->window_title, subtitle);

  for (guint i = 0; i < self->n_filled; i++)
    vigil_customer_section_show (self->sections->pdata[i], self->portfolio, self->customer, history);
}

/* Filling the sections, a frame each ---------------------------------------- */

static void
stop_filling (VigilCustomerPage *self)
{
  if (self->fill_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fill_tick);
  self->fill_tick = 0;
}

/* The next section, shown as the page knows the customer now (its
 * history if loaded). */
static void
fill_next (VigilCustomerPage *self)
{
  GtkWidget *section = self->sections->pdata[self->n_filled++];

  vigil_customer_section_show (VIGIL_CUSTOMER_SECTION (section), self->portfolio, self->customer,
                               get_history (self));
  gtk_widget_set_visible (section, TRUE);
}

static gboolean
fill_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  VigilCustomerPage *self = VIGIL_CUSTOMER_PAGE (widget);

  for (guint i = 0; i < SECTIONS_A_FRAME && self->customer != NULL && self->n_filled < self->sections->len; i++)
    fill_next (self);
  if (self->customer != NULL && self->n_filled < self->sections->len)
    return G_SOURCE_CONTINUE;
  self->fill_tick = 0;
  return G_SOURCE_REMOVE;
}

/* How many sections the first frame fills: those whose top is in view,
 * each as high as it was; a section never drawn ends the count. */
static guint
count_sections_in_view (VigilCustomerPage *self)
{
  int view = gtk_widget_get_height (GTK_WIDGET (self->scrolled_window));
  int top = gtk_widget_get_margin_top (GTK_WIDGET (self->sections_box));
  guint n = 0;

  for (; n < self->sections->len && top < view; n++)
    {
      int height = gtk_widget_get_height (self->sections->pdata[n]);

      if (height <= 0)
        break;
      top += height + gtk_box_get_spacing (self->sections_box);
    }
  return MIN (MAX (n, SECTIONS_AT_ONCE), self->sections->len);
}

/* A new customer: the sections in view at once, the others hidden until
 * their frame; in a window not on screen, all at once (nothing to draw
 * meanwhile, and nothing would tick). */
static void
fill_anew (VigilCustomerPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean progressive = root != NULL && gtk_widget_get_mapped (GTK_WIDGET (root));

  stop_filling (self);
  self->n_filled = progressive ? count_sections_in_view (self) : self->sections->len;
  for (guint i = 0; i < self->sections->len; i++)
    gtk_widget_set_visible (self->sections->pdata[i], i < self->n_filled);
  if (self->n_filled < self->sections->len)
    self->fill_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), fill_tick_cb, NULL, NULL);
}

/* Loading the history ------------------------------------------------------ */

static gpointer
load_history_work (VigilStore  *store,
                   gpointer     data,
                   GError     **error)
{
  return vigil_customer_history_load (store, *(gint64 *) data, error);
}

static void
load_history_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(VigilCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilCustomerHistory) history = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), res, &error);

  if (history == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not read the history: %s"), error->message);
      /* Every section says so, those not yet filled too. */
      stop_filling (self);
      while (self->customer != NULL && self->n_filled < self->sections->len)
        fill_next (self);
      for (guint i = 0; i < self->sections->len; i++)
        vigil_customer_section_history_failed (self->sections->pdata[i], message);
      toast (self, message);
      return;
    }
  /* Another customer is shown by now. */
  if (history->customer_id != self->store_id || self->customer == NULL)
    return;

  g_clear_pointer (&self->history, vigil_customer_history_unref);
  self->history = g_steal_pointer (&history);
  for (guint i = 0; i < self->n_filled; i++)
    vigil_customer_section_show (self->sections->pdata[i], self->portfolio, self->customer, self->history);
}

static void
load_history (VigilCustomerPage *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  vigil_portfolio_run_async_full (self->portfolio, load_history_work, g_memdup2 (&self->store_id, sizeof (gint64)),
                                  g_free, (GDestroyNotify) vigil_customer_history_unref, self->load_cancellable,
                                  load_history_cb, g_object_ref (self));
}

/* Callbacks ---------------------------------------------------------------- */

static void
back_clicked_cb (VigilCustomerPage *self)
{
  g_signal_emit (self, signals[BACK], 0);
}

static void
section_toast_cb (VigilCustomerSection *section,
                  const char           *message,
                  VigilCustomerPage    *self)
{
  toast (self, message);
}

/* Everything was read again: the customer object is a new one. */
static void
portfolio_loaded_cb (VigilCustomerPage *self,
                     VigilPortfolio    *portfolio)
{
  VigilCustomer *customer;

  if (self->customer == NULL)
    return;
  /* design 7: a page left (the window went back to the book) follows the
   * reload when shown again, not while hidden: laying its sections out
   * again cost the main thread 50-100 ms of each poll's reload at 10,000
   * customers, for nobody. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->reload_when_shown = TRUE;
      return;
    }
  self->reload_when_shown = FALSE;

  if (!(customer = vigil_portfolio_find_customer (portfolio, self->store_id)))
    {
      /* Its source was removed: nothing left to show. */
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        {
          toast (self, _("The customer is no longer in the portfolio"));
          g_signal_emit (self, signals[BACK], 0);
        }
      return;
    }
  g_set_object (&self->customer, customer);
  refresh (self);
  /* New snapshots, a new scorecard or an outcome: read the history again,
   * showing the old one meanwhile. */
  load_history (self);
}

static void
vigil_customer_page_map (GtkWidget *widget)
{
  VigilCustomerPage *self = VIGIL_CUSTOMER_PAGE (widget);

  GTK_WIDGET_CLASS (vigil_customer_page_parent_class)->map (widget);

  if (self->reload_when_shown && self->portfolio != NULL)
    portfolio_loaded_cb (self, self->portfolio);
}

/* GObject ------------------------------------------------------------------ */

static void
vigil_customer_page_dispose (GObject *object)
{
  VigilCustomerPage *self = (VigilCustomerPage *) object;

  stop_filling (self);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  /* AdwBin drops its child itself; the template must not do it twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_CUSTOMER_PAGE);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->customer);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->history, vigil_customer_history_unref);

  G_OBJECT_CLASS (vigil_customer_page_parent_class)->dispose (object);
}

static void
vigil_customer_page_class_init (VigilCustomerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_customer_page_dispose;

  /**
   * VigilCustomerPage::back:
   *
   * The user asked to go back to the portfolio.
   */
  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                G_TYPE_NONE, 0);
  /**
   * VigilCustomerPage::show-toast:
   * @message: plain text, never markup
   */
  signals[SHOW_TOAST] = g_signal_new ("show-toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  widget_class->map = vigil_customer_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-customer-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, sections_box);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, window_title);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
}

static void
vigil_customer_page_init (VigilCustomerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The box owns the widgets; the array keeps them in order. */
  self->sections = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (section_types); i++)
    {
      GtkWidget *section = g_object_new (section_types[i] (), NULL);

      g_assert (VIGIL_IS_CUSTOMER_SECTION (section));
      g_signal_connect_object (section, "show-toast", G_CALLBACK (section_toast_cb), self, 0);
      gtk_box_append (self->sections_box, section);
      g_ptr_array_add (self->sections, section);
    }
}

/* Public API --------------------------------------------------------------- */

void
vigil_customer_page_set_portfolio (VigilCustomerPage *self,
                                   VigilPortfolio    *portfolio)
{
  g_return_if_fail (VIGIL_IS_CUSTOMER_PAGE (self));
  g_return_if_fail (portfolio == NULL || VIGIL_IS_PORTFOLIO (portfolio));

  if (self->portfolio == portfolio)
    return;
  if (self->portfolio != NULL)
    g_signal_handlers_disconnect_by_data (self->portfolio, self);
  g_set_object (&self->portfolio, portfolio);
  if (portfolio != NULL)
    g_signal_connect_object (portfolio, "loaded", G_CALLBACK (portfolio_loaded_cb), self, G_CONNECT_SWAPPED);
}

/**
 * vigil_customer_page_show:
 * @customer: the customer to show
 *
 * Shows @customer at once from its portfolio row and loads its full
 * history in the background.
 */
void
vigil_customer_page_show (VigilCustomerPage *self,
                          VigilCustomer     *customer)
{
  gboolean same;

  g_return_if_fail (VIGIL_IS_CUSTOMER_PAGE (self));
  g_return_if_fail (VIGIL_IS_CUSTOMER (customer));
  g_return_if_fail (self->portfolio != NULL);

  same = self->customer != NULL && vigil_customer_get_store_id (customer) == self->store_id;
  self->reload_when_shown = FALSE;
  g_set_object (&self->customer, customer);
  self->store_id = vigil_customer_get_store_id (customer);
  if (!same)
    {
      g_clear_pointer (&self->history, vigil_customer_history_unref);
      for (guint i = 0; i < self->sections->len; i++)
        vigil_customer_section_forget (self->sections->pdata[i]);
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
      fill_anew (self);
    }
  refresh (self);
  load_history (self);
}

/* Returns: whether every section shows the customer: the first ones
 * are filled at once, the others a frame each (design 7) */
gboolean
vigil_customer_page_is_filled (VigilCustomerPage *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER_PAGE (self), FALSE);

  return self->n_filled == self->sections->len;
}

/* Returns: (nullable): the name of the customer shown, as the title shows it */
const char *
vigil_customer_page_get_title (VigilCustomerPage *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER_PAGE (self), NULL);

  if (self->customer == NULL)
    return NULL;
  return adw_window_title_get_title (self->window_title);
}

/* Returns: (transfer none): the list of the measure breakdown; each row is
 * named "measure-<id>" (e.g. "measure-activity"), its suffix labels
 * "points" and "value-weight" */
GtkWidget *
vigil_customer_page_get_breakdown (VigilCustomerPage *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER_PAGE (self), NULL);

  for (guint i = 0; i < self->sections->len; i++)
    if (VIGIL_IS_BREAKDOWN_SECTION (self->sections->pdata[i]))
      return vigil_breakdown_section_get_list (self->sections->pdata[i]);
  g_return_val_if_reached (NULL);
}

/* Returns: (transfer none) (nullable): the customer shown */
VigilCustomer *
vigil_customer_page_get_customer (VigilCustomerPage *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER_PAGE (self), NULL);
  return self->customer;
}

/**
 * vigil_customer_page_follow_merge:
 * @absorbed: an account merged into @survivor
 *
 * When the page shows @absorbed, it shows @survivor from the next
 * reload on, instead of saying the customer is gone.
 */
void
vigil_customer_page_follow_merge (VigilCustomerPage *self,
                                  gint64             absorbed,
                                  gint64             survivor)
{
  g_return_if_fail (VIGIL_IS_CUSTOMER_PAGE (self));

  if (self->customer != NULL && self->store_id == absorbed)
    self->store_id = survivor;
}
