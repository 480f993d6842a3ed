/* vigil-overview-page.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The portfolio at a glance (design 5): customers and MRR per tier, MRR
 * at risk, the tier distribution, the score histogram, the portfolio's
 * average health over time and the week's biggest movers. Everything is
 * worked out in one pass over the customers when the portfolio loads.
 */

#define G_LOG_DOMAIN "vigil-overview-page"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "vigil-chart-view.h"
#include "vigil-format.h"
#include "vigil-overview-page.h"

#define N_BINS 20
#define N_MOVERS 5
#define CHURN_RISK_HIGH 0.5
#define DEFAULT_HEALTHY_CUTOFF 85.0
#define DEFAULT_AT_RISK_CUTOFF 60.0

struct _VigilOverviewPage
{
  AdwBin          parent_instance;

  GtkLabel       *churn_caption_label;
  GtkLabel       *churn_mrr_label;
  GtkListBox     *down_list;
  VigilChartView *histogram_chart;
  GtkLabel       *risk_caption_label;
  GtkLabel       *risk_mrr_label;
  VigilChartView *tier_chart;
  GtkBox         *tiles_box;
  GtkLabel       *total_label;
  GtkStack       *trend_stack;
  GtkLabel       *trend_title_label;
  VigilChartView *trend_chart;
  GtkListBox     *up_list;

  GtkLabel       *tile_count_labels[3];
  GtkLabel       *tile_mrr_labels[3];

  VigilPortfolio *portfolio;
  gboolean        holds_trend;
  gboolean        stale;        /* a reload came while the page was hidden */

  /* What the charts draw, worked out on ::loaded and ::trend-loaded. */
  double          healthy_cutoff;
  double          at_risk_cutoff;
  double          tier_counts[3];
  GArray         *scores;        /* of double, the scored customers */
  guint           bins[N_BINS];
  GArray         *trend_times;   /* of gint64 */
  GArray         *trend_values;  /* of double */
  GArray         *trend_counts;  /* of guint */
};

G_DEFINE_FINAL_TYPE (VigilOverviewPage, vigil_overview_page, ADW_TYPE_BIN)

enum {
  CUSTOMER_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers ------------------------------------------------------------------ */

static VigilTier
tier_for_score (VigilOverviewPage *self,
                double             score)
{
  if (score >= self->healthy_cutoff)
    return VIGIL_TIER_HEALTHY;
  return score >= self->at_risk_cutoff ? VIGIL_TIER_AT_RISK : VIGIL_TIER_HIGH_RISK;
}

static GtkWidget *
create_tile (GtkLabel **out_count,
             GtkLabel **out_mrr,
             VigilTier  tier)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *word = gtk_label_new (vigil_tier_get_label (tier));
  GtkWidget *count = gtk_label_new (NULL);
  GtkWidget *mrr = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (word), 0);
  gtk_label_set_ellipsize (GTK_LABEL (word), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (word, "caption-heading");
  gtk_label_set_xalign (GTK_LABEL (count), 0);
  gtk_label_set_ellipsize (GTK_LABEL (count), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (count, "title-2");
  gtk_widget_add_css_class (count, "numeric");
  gtk_label_set_xalign (GTK_LABEL (mrr), 0);
  gtk_label_set_ellipsize (GTK_LABEL (mrr), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (mrr, "dim-label");
  gtk_widget_add_css_class (mrr, "numeric");

  gtk_widget_set_hexpand (box, TRUE);
  gtk_box_append (GTK_BOX (box), word);
  gtk_box_append (GTK_BOX (box), count);
  gtk_box_append (GTK_BOX (box), mrr);
  *out_count = GTK_LABEL (count);
  *out_mrr = GTK_LABEL (mrr);

  return box;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
create_mover_row (VigilCustomer *customer)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *delta;
  double health = vigil_customer_get_health (customer);
  double trend = vigil_customer_get_trend (customer);
  g_autofree char *trend_text = vigil_format_change (trend);
  g_autofree char *subtitle = NULL;
  g_autofree char *description = NULL;

  /* Names are data, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), vigil_customer_get_display_name (customer));
  if (isnan (health))
    subtitle = g_strdup (vigil_tier_get_label (VIGIL_TIER_NONE));
  else
    /* Translators: a tier word and a health score, e.g. "At risk · 72.4" */
    subtitle = g_strdup_printf (_("%s · %.1f"), vigil_tier_get_label (vigil_customer_get_tier (customer)), health);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  delta = gtk_label_new (trend_text);
  gtk_widget_add_css_class (delta, "numeric");
  gtk_widget_add_css_class (delta, trend >= 0 ? "trend-up" : "trend-down");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), delta);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));

  description = g_strdup_printf (_("Health changed by %s points in 7 days"), trend_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  g_object_set_data_full (G_OBJECT (row), "customer", g_object_ref (customer), g_object_unref);

  return row;
}

/* Keeps @movers, at most N_MOVERS of them, ordered by @keys from the
 * largest down. */
static void
consider_mover (VigilCustomer **movers,
                double         *keys,
                guint          *n_movers,
                VigilCustomer  *customer,
                double          key)
{
  guint at = *n_movers;

  while (at > 0 && key > keys[at - 1])
    at--;
  if (at >= N_MOVERS)
    return;
  if (*n_movers < N_MOVERS)
    (*n_movers)++;
  memmove (&movers[at + 1], &movers[at], (*n_movers - 1 - at) * sizeof (VigilCustomer *));
  memmove (&keys[at + 1], &keys[at], (*n_movers - 1 - at) * sizeof (double));
  movers[at] = customer;
  keys[at] = key;
}

static void
fill_movers (GtkListBox     *list,
             VigilCustomer **movers,
             guint           n_movers)
{
  clear_list (list);
  for (guint i = 0; i < n_movers; i++)
    gtk_list_box_append (list, create_mover_row (movers[i]));
}

/* Chart callbacks ---------------------------------------------------------- */

static void
draw_tiers (cairo_t               *cr,
            double                 width,
            double                 height,
            const VigilChartStyle *style,
            gpointer               user_data)
{
  VigilOverviewPage *self = user_data;
  const char *labels[3] = {
    vigil_tier_get_label (VIGIL_TIER_HEALTHY),
    vigil_tier_get_label (VIGIL_TIER_AT_RISK),
    vigil_tier_get_label (VIGIL_TIER_HIGH_RISK),
  };

  vigil_chart_tier_distribution (cr, width, height, style, self->tier_counts, labels);
}

static void
draw_histogram (cairo_t               *cr,
                double                 width,
                double                 height,
                const VigilChartStyle *style,
                gpointer               user_data)
{
  VigilOverviewPage *self = user_data;

  vigil_chart_histogram (cr, width, height, style, (const double *) self->scores->data, self->scores->len,
                         N_BINS, self->healthy_cutoff, self->at_risk_cutoff);
}

static char *
histogram_tooltip (double                 x,
                   double                 y,
                   double                 width,
                   double                 height,
                   const VigilChartStyle *style,
                   gpointer               user_data)
{
  VigilOverviewPage *self = user_data;
  int bin = vigil_chart_bin_at (width, height, style, N_BINS, x);
  guint lo, hi, count;

  if (bin < 0 || self->scores->len == 0)
    return NULL;
  lo = (guint) bin * (100 / N_BINS);
  hi = lo + 100 / N_BINS;
  count = self->bins[bin];
  /* Translators: a histogram bin, e.g. "80–85: 312 customers" */
  return g_strdup_printf (ngettext ("%u–%u: %u customer", "%u–%u: %u customers", count), lo, hi, count);
}

static void
draw_trend (cairo_t               *cr,
            double                 width,
            double                 height,
            const VigilChartStyle *style,
            gpointer               user_data)
{
  VigilOverviewPage *self = user_data;

  vigil_chart_health_history (cr, width, height, style, (const gint64 *) self->trend_times->data,
                              (const double *) self->trend_values->data, self->trend_times->len,
                              self->healthy_cutoff, self->at_risk_cutoff, NULL, 0);
}

static char *
trend_tooltip (double                 x,
               double                 y,
               double                 width,
               double                 height,
               const VigilChartStyle *style,
               gpointer               user_data)
{
  VigilOverviewPage *self = user_data;
  int i = vigil_chart_index_at (width, height, style, (const gint64 *) self->trend_times->data,
                                (const double *) self->trend_values->data, self->trend_times->len, x);
  g_autofree char *day = NULL;
  guint count;

  if (i < 0)
    return NULL;
  day = vigil_format_day (vigil_time_get_day (g_array_index (self->trend_times, gint64, i)));
  count = g_array_index (self->trend_counts, guint, i);
  /* Translators: a day, the portfolio's average health that day and how many scores it averages */
  return g_strdup_printf (ngettext ("%s: average %.1f (%u customer)", "%s: average %.1f (%u customers)", count),
                          day, g_array_index (self->trend_values, double, i), count);
}

/* Rebuilding --------------------------------------------------------------- */

static void
update_trend (VigilOverviewPage *self)
{
  GArray *points = self->portfolio != NULL ? vigil_portfolio_get_average_health (self->portfolio) : NULL;
  g_autofree char *description = NULL;
  g_autofree char *first_day = NULL;
  g_autofree char *last_day = NULL;
  g_autofree char *title = NULL;
  guint n;

  g_array_set_size (self->trend_times, 0);
  g_array_set_size (self->trend_values, 0);
  g_array_set_size (self->trend_counts, 0);

  if (points == NULL)
    {
      gtk_stack_set_visible_child_name (self->trend_stack, "loading");
      return;
    }

  for (guint i = 0; i < points->len; i++)
    {
      const VigilHealthPoint *point = &g_array_index (points, VigilHealthPoint, i);

      g_array_append_val (self->trend_times, point->time);
      g_array_append_val (self->trend_values, point->health);
      g_array_append_val (self->trend_counts, point->count);
    }

  n = self->trend_times->len;
  if (n > 0)
    {
      gint64 first = g_array_index (self->trend_times, gint64, 0);
      gint64 last = g_array_index (self->trend_times, gint64, n - 1);
      guint days = (guint) ((last - first) / 86400) + 1;
      double last_value = g_array_index (self->trend_values, double, n - 1);

      first_day = vigil_format_day (vigil_time_get_day (first));
      last_day = vigil_format_day (vigil_time_get_day (last));
      title = g_strdup_printf (ngettext ("Average Health, Last %u Day", "Average Health, Last %u Days", days), days);
      /* Translators: "Average health from 1 Oct 2025 (78.1) to 30 Oct 2025 (80.4), healthy" */
      description = g_strdup_printf (_("Average health from %s (%.1f) to %s (%.1f), %s"),
                                     first_day, g_array_index (self->trend_values, double, 0),
                                     last_day, last_value,
                                     vigil_tier_get_label (tier_for_score (self, last_value)));
    }
  else
    description = g_strdup (_("No health history yet"));

  gtk_label_set_text (self->trend_title_label, title != NULL ? title : _("Average Health"));
  vigil_chart_view_set_description (self->trend_chart, description);
  vigil_chart_view_redraw (self->trend_chart);
  gtk_stack_set_visible_child_name (self->trend_stack, "chart");
}

static void
update_figures (VigilOverviewPage *self)
{
  GListModel *customers = vigil_portfolio_get_customers (self->portfolio);
  VigilScorecard *scorecard = vigil_portfolio_get_scorecard (self->portfolio);
  guint n_listed = g_list_model_get_n_items (customers);
  VigilBookFigures book = { 0, };
  const guint *counts = book.tier_customers;
  const double *mrr = book.tier_mrr;
  double churn_mrr = 0;
  guint n, n_churn = 0;
  VigilCustomer *up[N_MOVERS], *down[N_MOVERS];
  double up_keys[N_MOVERS], down_keys[N_MOVERS];
  guint n_up = 0, n_down = 0;
  guint fullest = 0;
  g_autofree char *text = NULL;
  g_autofree char *money = NULL;
  g_autofree char *money2 = NULL;
  g_autofree char *share = NULL;

  self->healthy_cutoff = scorecard != NULL ? vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_HEALTHY)
                                           : DEFAULT_HEALTHY_CUTOFF;
  self->at_risk_cutoff = scorecard != NULL ? vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_AT_RISK)
                                           : DEFAULT_AT_RISK_CUTOFF;
  g_array_set_size (self->scores, 0);
  memset (self->bins, 0, sizeof self->bins);

  /* One pass over the active book (design 3.2): the core counts the
   * tiers and MRR as the weekly report does; a churned customer is in
   * none of the figures. */
  for (guint i = 0; i < n_listed; i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);
      double health = vigil_customer_get_health (customer);
      double value = vigil_customer_get_mrr (customer);
      double risk = vigil_customer_get_churn_risk (customer);
      double trend = vigil_customer_get_trend (customer);

      if (!vigil_book_figures_add (&book, vigil_customer_get_row (customer)))
        continue;
      if (isnan (value))
        value = 0;

      if (!isnan (health))
        {
          g_array_append_val (self->scores, health);
          self->bins[vigil_chart_histogram_bin (health, N_BINS)]++;
        }

      if (!isnan (risk) && risk >= CHURN_RISK_HIGH)
        {
          n_churn++;
          churn_mrr += value;
        }

      /* The customers are held by the model for as long as the rows
       * below are built. */
      if (!isnan (trend) && trend > 0)
        consider_mover (up, up_keys, &n_up, customer, trend);
      else if (!isnan (trend) && trend < 0)
        consider_mover (down, down_keys, &n_down, customer, -trend);
    }

  /* Tiles and totals. */
  for (guint t = 0; t < 3; t++)
    {
      g_autofree char *count_text = g_strdup_printf ("%'u", counts[t]);
      g_autofree char *mrr_text = vigil_format_money (mrr[t]);
      g_autofree char *mrr_line = g_strdup_printf (_("MRR %s"), mrr_text);

      gtk_label_set_text (self->tile_count_labels[t], count_text);
      gtk_label_set_text (self->tile_mrr_labels[t], mrr_line);
      self->tier_counts[t] = counts[t];
    }
  n = book.customers;
  money = vigil_format_money (book.mrr);
  if (book.unscored > 0)
    text = g_strdup_printf (ngettext ("%'u customer in all (%'u without a score), MRR %s",
                                      "%'u customers in all (%'u without a score), MRR %s", n),
                            n, book.unscored, money);
  else
    text = g_strdup_printf (ngettext ("%'u customer in all, MRR %s", "%'u customers in all, MRR %s", n),
                            n, money);
  gtk_label_set_text (self->total_label, text);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&money, g_free);

  /* MRR at risk. */
  money = vigil_format_money (book.mrr_at_risk);
  gtk_label_set_text (self->risk_mrr_label, money);
  share = vigil_format_percent (book.mrr > 0 ? book.mrr_at_risk / book.mrr : 0.0);
  /* TRANSLATORS: %s is a share, e.g. "in 12 at-risk or high-risk customers, 35 % of all MRR" */
  text = g_strdup_printf (ngettext ("in %'u at-risk or high-risk customer, %s of all MRR",
                                    "in %'u at-risk or high-risk customers, %s of all MRR",
                                    counts[VIGIL_TIER_AT_RISK] + counts[VIGIL_TIER_HIGH_RISK]),
                          counts[VIGIL_TIER_AT_RISK] + counts[VIGIL_TIER_HIGH_RISK], share);
  gtk_label_set_text (self->risk_caption_label, text);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&share, g_free);

  money2 = vigil_format_money (churn_mrr);
  gtk_label_set_text (self->churn_mrr_label, money2);
  share = vigil_format_percent (CHURN_RISK_HIGH);
  /* TRANSLATORS: %s is a share, e.g. "in 3 customers with a churn risk of 50 % or more" */
  text = g_strdup_printf (ngettext ("in %'u customer with a churn risk of %s or more",
                                    "in %'u customers with a churn risk of %s or more", n_churn),
                          n_churn, share);
  gtk_label_set_text (self->churn_caption_label, text);
  g_clear_pointer (&text, g_free);

  /* Charts, and what they say in words. */
  text = g_strdup_printf (_("%'u healthy, %'u at risk, %'u high risk"),
                          counts[VIGIL_TIER_HEALTHY], counts[VIGIL_TIER_AT_RISK], counts[VIGIL_TIER_HIGH_RISK]);
  vigil_chart_view_set_description (self->tier_chart, text);
  vigil_chart_view_redraw (self->tier_chart);
  g_clear_pointer (&text, g_free);

  for (guint b = 1; b < N_BINS; b++)
    if (self->bins[b] > self->bins[fullest])
      fullest = b;
  if (self->scores->len > 0)
    text = g_strdup_printf (ngettext ("Health scores of %'u customer in bins of %u points; the fullest bin, "
                                      "%u–%u, holds %'u",
                                      "Health scores of %'u customers in bins of %u points; the fullest bin, "
                                      "%u–%u, holds %'u", self->scores->len),
                            self->scores->len, 100 / N_BINS, fullest * (100 / N_BINS),
                            (fullest + 1) * (100 / N_BINS), self->bins[fullest]);
  else
    text = g_strdup (_("No health scores yet"));
  vigil_chart_view_set_description (self->histogram_chart, text);
  vigil_chart_view_redraw (self->histogram_chart);

  /* Movers. */
  fill_movers (self->up_list, up, n_up);
  fill_movers (self->down_list, down, n_down);
}

/* Callbacks ---------------------------------------------------------------- */

/* design 5: the figures follow a reload when the page is on screen, or
 * when it is shown next: a pass over a big book costs the main loop
 * more than a frame, after every poll. */
static void
portfolio_loaded_cb (VigilOverviewPage *self,
                     VigilPortfolio    *portfolio)
{
  self->stale = !gtk_widget_get_mapped (GTK_WIDGET (self));
  if (self->stale)
    return;
  update_figures (self);
  /* The trend arrives later; the one shown meanwhile is the last one read. */
  update_trend (self);
}

static void
portfolio_trend_loaded_cb (VigilOverviewPage *self,
                           VigilPortfolio    *portfolio)
{
  update_trend (self);
}

/* The year's trend is read while the page is on screen, not after every
 * reload behind it. */
static void
map_cb (VigilOverviewPage *self)
{
  if (self->stale && self->portfolio != NULL)
    portfolio_loaded_cb (self, self->portfolio);
  if (self->portfolio != NULL && !self->holds_trend)
    {
      self->holds_trend = TRUE;
      vigil_portfolio_hold_trend (self->portfolio);
    }
}

static void
unmap_cb (VigilOverviewPage *self)
{
  if (self->portfolio != NULL && self->holds_trend)
    vigil_portfolio_release_trend (self->portfolio);
  self->holds_trend = FALSE;
}

static void
row_activated_cb (VigilOverviewPage *self,
                  GtkListBoxRow     *row,
                  GtkListBox        *list)
{
  VigilCustomer *customer = g_object_get_data (G_OBJECT (row), "customer");

  if (customer != NULL)
    g_signal_emit (self, signals[CUSTOMER_ACTIVATED], 0, customer);
}

/* GObject ------------------------------------------------------------------ */

static void
vigil_overview_page_dispose (GObject *object)
{
  VigilOverviewPage *self = (VigilOverviewPage *) object;

  unmap_cb (self);
  if (self->portfolio != NULL)
    g_signal_handlers_disconnect_by_data (self->portfolio, self);
  g_clear_object (&self->portfolio);
  /* AdwBin drops its child itself; the template must not do it twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_OVERVIEW_PAGE);

  G_OBJECT_CLASS (vigil_overview_page_parent_class)->dispose (object);
}

static void
vigil_overview_page_finalize (GObject *object)
{
  VigilOverviewPage *self = (VigilOverviewPage *) object;

  g_clear_pointer (&self->scores, g_array_unref);
  g_clear_pointer (&self->trend_times, g_array_unref);
  g_clear_pointer (&self->trend_values, g_array_unref);
  g_clear_pointer (&self->trend_counts, g_array_unref);

  G_OBJECT_CLASS (vigil_overview_page_parent_class)->finalize (object);
}

static void
vigil_overview_page_class_init (VigilOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_overview_page_dispose;
  object_class->finalize = vigil_overview_page_finalize;

  /**
   * VigilOverviewPage::customer-activated:
   * @customer: the customer to open
   */
  signals[CUSTOMER_ACTIVATED] =
    g_signal_new ("customer-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VIGIL_TYPE_CUSTOMER);

  g_type_ensure (VIGIL_TYPE_CHART_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, churn_caption_label);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, churn_mrr_label);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, down_list);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, histogram_chart);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, risk_caption_label);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, risk_mrr_label);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, tier_chart);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, tiles_box);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, total_label);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, trend_chart);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, trend_stack);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, trend_title_label);
  gtk_widget_class_bind_template_child (widget_class, VigilOverviewPage, up_list);
}

static void
vigil_overview_page_init (VigilOverviewPage *self)
{
  static const VigilTier tiers[3] = { VIGIL_TIER_HEALTHY, VIGIL_TIER_AT_RISK, VIGIL_TIER_HIGH_RISK };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->healthy_cutoff = DEFAULT_HEALTHY_CUTOFF;
  self->at_risk_cutoff = DEFAULT_AT_RISK_CUTOFF;
  self->scores = g_array_new (FALSE, FALSE, sizeof (double));
  self->trend_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->trend_values = g_array_new (FALSE, FALSE, sizeof (double));
  self->trend_counts = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint t = 0; t < 3; t++)
    gtk_box_append (self->tiles_box, create_tile (&self->tile_count_labels[t], &self->tile_mrr_labels[t], tiers[t]));

  vigil_chart_view_set_draw_func (self->tier_chart, draw_tiers, self, NULL);
  vigil_chart_view_set_draw_func (self->histogram_chart, draw_histogram, self, NULL);
  vigil_chart_view_set_tooltip_func (self->histogram_chart, histogram_tooltip, self, NULL);
  vigil_chart_view_set_draw_func (self->trend_chart, draw_trend, self, NULL);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (unmap_cb), NULL);
  vigil_chart_view_set_tooltip_func (self->trend_chart, trend_tooltip, self, NULL);

  for (guint i = 0; i < 2; i++)
    {
      GtkListBox *list = i == 0 ? self->up_list : self->down_list;
      GtkWidget *placeholder = gtk_label_new (i == 0 ? _("No customer improved this week")
                                                     : _("No customer declined this week"));

      gtk_widget_add_css_class (placeholder, "dim-label");
      gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
      gtk_widget_set_margin_top (placeholder, 18);
      gtk_widget_set_margin_bottom (placeholder, 18);
      gtk_widget_set_margin_start (placeholder, 12);
      gtk_widget_set_margin_end (placeholder, 12);
      gtk_list_box_set_placeholder (list, placeholder);
      g_signal_connect_swapped (list, "row-activated", G_CALLBACK (row_activated_cb), self);
    }
}

/* Public API --------------------------------------------------------------- */

void
vigil_overview_page_set_portfolio (VigilOverviewPage *self,
                                   VigilPortfolio    *portfolio)
{
  g_return_if_fail (VIGIL_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (portfolio == NULL || VIGIL_IS_PORTFOLIO (portfolio));

  if (self->portfolio == portfolio)
    return;

  unmap_cb (self);
  if (self->portfolio != NULL)
    g_signal_handlers_disconnect_by_data (self->portfolio, self);
  g_set_object (&self->portfolio, portfolio);
  if (portfolio == NULL)
    return;

  g_signal_connect_object (portfolio, "loaded", G_CALLBACK (portfolio_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (portfolio, "trend-loaded", G_CALLBACK (portfolio_trend_loaded_cb), self,
                           G_CONNECT_SWAPPED);
  if (vigil_portfolio_is_loaded (portfolio))
    portfolio_loaded_cb (self, portfolio);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    map_cb (self);
}
