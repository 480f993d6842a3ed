/* vigil-merge-dialog.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Merge… (design 5): joins a customer with another one the user picks
 * from a list searched by name or id as they type, by linking the two
 * accounts' display records through the core (design 2.6), off the
 * main thread. Escape or Cancel closes it and nothing changes.
 */

#define G_LOG_DOMAIN "vigil-merge-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-merge-dialog.h"

struct _VigilMergeDialog
{
  AdwWindow           parent_instance;

  /* Template children */
  GtkLabel           *choice_label;
  GtkLabel           *error_label;
  GtkLabel           *intro_label;
  GtkListView        *list_view;
  GtkButton          *merge_button;
  GtkSearchEntry     *search_entry;

  VigilPortfolio     *portfolio;
  VigilCustomer      *customer;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  char               *query;         /* case-folded search */
  gboolean            merging;
};

G_DEFINE_FINAL_TYPE (VigilMergeDialog, vigil_merge_dialog, ADW_TYPE_WINDOW)

enum {
  MERGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A customer as the record that shows it: SOURCE:ID, as the command line
 * names it. */
static char *
describe_customer (VigilCustomer *customer)
{
  const VigilPortfolioRow *row = vigil_customer_get_row (customer);

  return g_strdup_printf ("%s:%s", row->source != NULL ? row->source : "", vigil_customer_get_id (customer));
}

/* The list ------------------------------------------------------------------ */

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  VigilMergeDialog *self = user_data;
  VigilCustomer *customer = item;

  return vigil_customer_get_store_id (customer) != vigil_customer_get_store_id (self->customer) &&
         vigil_customer_matches (customer, self->query);
}

static void
setup_item_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *id = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (id), 0);
  gtk_label_set_ellipsize (GTK_LABEL (id), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (id, "dim-label");
  gtk_widget_add_css_class (id, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), id);
  gtk_list_item_set_child (item, box);
}

static void
bind_item_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  VigilCustomer *customer = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  g_autofree char *id = describe_customer (customer);

  /* Names are data: plain text only. */
  gtk_label_set_text (GTK_LABEL (name), vigil_customer_get_display_name (customer));
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_next_sibling (name)), id);
}

/* The other customer chosen, or NULL. */
static VigilCustomer *
get_chosen (VigilMergeDialog *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
update_choice (VigilMergeDialog *self)
{
  VigilCustomer *other = get_chosen (self);
  g_autofree char *text = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->merge_button), other != NULL && !self->merging);
  if (other != NULL)
    /* TRANSLATORS: two customers' names */
    text = g_strdup_printf (_("“%s” and “%s” become one customer, scored on what all their sources say."),
                            vigil_customer_get_display_name (self->customer),
                            vigil_customer_get_display_name (other));
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0)
    text = g_strdup (_("No other customer matches the search."));
  else
    text = g_strdup (_("Choose the customer to merge with."));
  gtk_label_set_text (self->choice_label, text);
}

static void
search_changed_cb (VigilMergeDialog *self)
{
  g_free (self->query);
  self->query = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_choice (self);
}

/* Enter in the search chooses the only match; it never merges. */
static void
search_activate_cb (VigilMergeDialog *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 1)
    gtk_single_selection_set_selected (self->selection, 0);
}

/* Escape in the search (which takes the key before the window's
 * shortcut) cancels, as it does everywhere else in the dialog. */
static void
stop_search_cb (VigilMergeDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

/* Merging ------------------------------------------------------------------- */

typedef struct
{
  char   *source[2];
  char   *id[2];
  gint64  account[2];
  char   *name[2];
} MergeJob;

typedef struct
{
  gint64  survivor;
  gint64  absorbed;
  char   *message;
} MergeResult;

static void
merge_job_free (MergeJob *job)
{
  for (guint i = 0; i < 2; i++)
    {
      g_free (job->source[i]);
      g_free (job->id[i]);
      g_free (job->name[i]);
    }
  g_free (job);
}

static void
merge_result_free (MergeResult *result)
{
  g_free (result->message);
  g_free (result);
}

static gpointer
merge_work (VigilStore  *store,
            gpointer     data,
            GError     **error)
{
  MergeJob *job = data;
  MergeResult *result;
  gint64 survivor = 0;

  if (!vigil_store_link_records (store, job->source[0], job->id[0], job->source[1], job->id[1], &survivor, error))
    return NULL;
  result = g_new0 (MergeResult, 1);
  result->survivor = survivor;
  result->absorbed = survivor == job->account[0] ? job->account[1] : job->account[0];
  /* TRANSLATORS: two customers' names */
  result->message = g_strdup_printf (_("“%s” and “%s” merged into one customer"), job->name[0], job->name[1]);
  return result;
}

static void
merge_cb (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(VigilMergeDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  MergeResult *result = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), res, &error);

  self->merging = FALSE;
  if (result == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not merge: %s"), error->message);

      /* The dialog stays: the user may choose another customer. */
      gtk_label_set_text (self->error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->list_view), TRUE);
      update_choice (self);
      return;
    }
  g_signal_emit (self, signals[MERGED], 0, result->message, result->absorbed, result->survivor);
  merge_result_free (result);
  vigil_portfolio_reload (VIGIL_PORTFOLIO (object));
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
merge_clicked_cb (VigilMergeDialog *self)
{
  VigilCustomer *other = get_chosen (self);
  VigilCustomer *both[2] = { self->customer, other };
  MergeJob *job;

  if (other == NULL || self->merging)
    return;
  job = g_new0 (MergeJob, 1);
  for (guint i = 0; i < 2; i++)
    {
      job->source[i] = g_strdup (vigil_customer_get_row (both[i])->source);
      job->id[i] = g_strdup (vigil_customer_get_id (both[i]));
      job->account[i] = vigil_customer_get_store_id (both[i]);
      job->name[i] = g_strdup (vigil_customer_get_display_name (both[i]));
    }
  self->merging = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->merge_button), FALSE);
  /* The search keeps its focus (turning it off mid-blink upsets GtkText);
   * the choice is made, so the list is what turns off. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->list_view), FALSE);
  vigil_portfolio_run_async_full (self->portfolio, merge_work, job, (GDestroyNotify) merge_job_free,
                                  (GDestroyNotify) merge_result_free, NULL, merge_cb,
                                  g_object_ref (self));
}

/* GObject ------------------------------------------------------------------- */

static void
vigil_merge_dialog_dispose (GObject *object)
{
  VigilMergeDialog *self = (VigilMergeDialog *) object;

  /* A merge under way keeps the dialog alive until it is done: its
   * reply reloads the portfolio and says what happened. */
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_MERGE_DIALOG);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->customer);

  G_OBJECT_CLASS (vigil_merge_dialog_parent_class)->dispose (object);
}

static void
vigil_merge_dialog_finalize (GObject *object)
{
  VigilMergeDialog *self = (VigilMergeDialog *) object;

  g_free (self->query);

  G_OBJECT_CLASS (vigil_merge_dialog_parent_class)->finalize (object);
}

static void
vigil_merge_dialog_class_init (VigilMergeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_merge_dialog_dispose;
  object_class->finalize = vigil_merge_dialog_finalize;

  /**
   * VigilMergeDialog::merged:
   * @message: what happened, plain text, never markup
   * @absorbed: the account that is no more
   * @survivor: the account both customers are now
   */
  signals[MERGED] = g_signal_new ("merged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-merge-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilMergeDialog, choice_label);
  gtk_widget_class_bind_template_child (widget_class, VigilMergeDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VigilMergeDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, VigilMergeDialog, list_view);
  gtk_widget_class_bind_template_child (widget_class, VigilMergeDialog, merge_button);
  gtk_widget_class_bind_template_child (widget_class, VigilMergeDialog, search_entry);
  gtk_widget_class_bind_template_callback (widget_class, merge_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
}

static void
vigil_merge_dialog_init (VigilMergeDialog *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_item_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
}

/* Public API ---------------------------------------------------------------- */

/**
 * vigil_merge_dialog_new:
 * @customer: the customer to merge another one with
 *
 * Returns: (transfer none): the dialog, owned by the window list
 */
VigilMergeDialog *
vigil_merge_dialog_new (GtkWindow      *parent,
                        VigilPortfolio *portfolio,
                        VigilCustomer  *customer)
{
  VigilMergeDialog *self;
  g_autofree char *intro = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (portfolio), NULL);
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (customer), NULL);

  self = g_object_new (VIGIL_TYPE_MERGE_DIALOG, "transient-for", parent, NULL);
  self->portfolio = g_object_ref (portfolio);
  self->customer = g_object_ref (customer);

  id = describe_customer (customer);
  /* TRANSLATORS: a customer's name and its id as SOURCE:ID */
  intro = g_strdup_printf (_("Which customer is the same company as “%s” (%s)? Their records become one "
                             "customer; Unlink on the customer page separates them again."),
                           vigil_customer_get_display_name (customer), id);
  gtk_label_set_text (self->intro_label, intro);

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (vigil_portfolio_get_customers (portfolio)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  /* Nothing is merged with a customer the user did not pick. */
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (update_choice), self,
                           G_CONNECT_SWAPPED);
  update_choice (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return self;
}

/* Returns: (transfer none): the other customers the search shows */
GListModel *
vigil_merge_dialog_get_shown (VigilMergeDialog *self)
{
  g_return_val_if_fail (VIGIL_IS_MERGE_DIALOG (self), NULL);
  return G_LIST_MODEL (self->filtered);
}
