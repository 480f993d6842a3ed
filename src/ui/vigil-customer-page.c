/* vigil-customer-page.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One customer in full (design 5): the health score and what drives it,
 * its history with the tier bands and the triggers that fired, usage
 * and feature adoption over time, the open triggers to work, the
 * contract's outcome, the records the account is made of (design 2.6)
 * and the raw latest snapshot. The portfolio row
 * shows at once; the full history loads off the main thread.
 */

#define G_LOG_DOMAIN "vigil-customer-page"

#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n.h>

#include "vigil-chart-view.h"
#include "vigil-customer-page.h"
#include "vigil-pulse-section.h"
#include "vigil-snapshot-text.h"

#define SECONDS_PER_DAY 86400

/* One usage chart: which values it draws and how it names them. */
typedef struct
{
  VigilCustomerPage *page;
  GArray            *values;      /* double, NAN when unknown */
  const char        *unit_label;  /* plain, for the chart */
  gboolean           seats;       /* seats used, else API calls */
} UsageSeries;

struct _VigilCustomerPage
{
  AdwBin          parent_instance;

  /* Template children */
  GtkLabel       *active_label;
  AdwActionRow   *active_row;
  GtkListBox     *breakdown_list;
  GtkWidget      *churned_button;
  GtkLabel       *churn_label;
  AdwActionRow   *churn_row;
  AdwPreferencesGroup *features_group;
  GtkListBox     *features_list;
  GtkLabel       *health_label;
  VigilPulseSection *pulse_section;
  GtkBox         *history_box;
  GtkLabel       *history_message;
  GtkSpinner     *history_spinner;
  GtkStack       *history_stack;
  GtkLabel       *mrr_label;
  GtkListBox     *outcomes_list;
  AdwPreferencesGroup *records_group;
  GtkListBox     *records_list;
  GtkLabel       *renewal_label;
  AdwActionRow   *renewal_row;
  GtkWidget      *renewed_button;
  GtkScrolledWindow *scrolled_window;
  GtkLabel       *seats_label;
  AdwActionRow   *seats_row;
  GtkLabel       *snapshot_label;
  AdwExpanderRow *snapshot_row;
  GtkLabel       *tier_label;
  GtkLabel       *trend_label;
  AdwPreferencesGroup *triggers_group;
  GtkListBox     *triggers_list;
  GtkBox         *usage_box;
  GtkLabel       *usage_message;
  GtkSpinner     *usage_spinner;
  GtkStack       *usage_stack;
  AdwWindowTitle *window_title;

  /* Charts, made in code for their accessible labels */
  VigilChartView *history_chart;
  VigilChartView *calls_chart;
  GtkWidget      *seats_heading;
  VigilChartView *seats_chart;

  VigilPortfolio *portfolio;
  VigilCustomer  *customer;
  gint64          store_id;
  GCancellable   *cancellable;       /* everything the page started */
  GCancellable   *load_cancellable;  /* the history load under way */

  /* The loaded history, oldest first; history_id says whose. */
  GPtrArray      *history;           /* of VigilHistoryRow */
  GPtrArray      *outcomes;          /* of "YYYY-MM-DD outcome" */
  GPtrArray      *records;           /* of VigilRecordRow */
  gint64          history_id;
  GArray         *times;             /* gint64 observed_at */
  GArray         *health;            /* double, NAN when unscored */
  GArray         *calls;             /* double, NAN when unknown */
  GArray         *seats_used;        /* double, NAN when unknown */
  UsageSeries     calls_series;
  UsageSeries     seats_series;
  GArray         *markers;           /* gint64 first_seen of triggers */
  double          healthy_cutoff;
  double          at_risk_cutoff;
};

G_DEFINE_FINAL_TYPE (VigilCustomerPage, vigil_customer_page, ADW_TYPE_BIN)

enum {
  BACK,
  SHOW_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load_history (VigilCustomerPage *self);
static void refresh      (VigilCustomerPage *self);

/* Helpers ------------------------------------------------------------------ */

static const char *
measure_get_label (VigilMeasure measure)
{
  switch (measure)
    {
    case VIGIL_MEASURE_ACTIVITY: return _("Activity");
    case VIGIL_MEASURE_VOLUME: return _("API Volume");
    case VIGIL_MEASURE_BREADTH: return _("Feature Breadth");
    case VIGIL_MEASURE_SEATS: return _("Seat Use");
    case VIGIL_MEASURE_TICKETS: return _("Support Tickets");
    case VIGIL_MEASURE_NPS: return _("NPS");
    case VIGIL_MEASURE_SENTIMENT: return _("CSM Sentiment");
    case VIGIL_N_MEASURES:
    default: return vigil_measure_get_name (measure);
    }
}

static const char *
tier_get_css_class (VigilTier tier)
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

static gint64
get_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* @time (Unix seconds) in @format, in local time or in UTC. */
static char *
format_time_with (gint64      time,
                  gboolean    local,
                  const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time);
  g_autoptr(GDateTime) dt = NULL;

  if (utc == NULL)
    return g_strdup ("—");
  dt = local ? g_date_time_to_local (utc) : g_date_time_ref (utc);
  return g_date_time_format (dt, format);
}

/* A time as a local date, e.g. "3 Mar 2026". */
static char *
format_date (gint64 time)
{
  return format_time_with (time, TRUE, "%-d %b %Y");
}

/* A calendar day (days since 1970-01-01) as a date. */
static char *
format_day (gint32 day)
{
  return format_time_with ((gint64) day * SECONDS_PER_DAY, FALSE, "%-d %b %Y");
}

static char *
format_date_time (gint64 time)
{
  /* TRANSLATORS: a date and a time of day, see g_date_time_format() */
  return format_time_with (time, TRUE, _("%-d %b %Y, %H:%M"));
}

/* "3 hours ago", "5 days ago", "in 2 days". */
static char *
format_ago (gint64 seconds)
{
  if (seconds < 0)
    return g_strdup (_("in the future"));
  if (seconds < 3600)
    return g_strdup (_("less than an hour ago"));
  if (seconds < 2 * SECONDS_PER_DAY)
    {
      gint64 hours = seconds / 3600;

      return g_strdup_printf (ngettext ("%" PRId64 " hour ago", "%" PRId64 " hours ago",
                                        hours), hours);
    }
  {
    gint64 days = seconds / SECONDS_PER_DAY;

    return g_strdup_printf (ngettext ("%" PRId64 " day ago", "%" PRId64 " days ago", days),
                            days);
  }
}

static char *
format_days_to (gint32 days)
{
  if (days == 0)
    return g_strdup (_("Today"));
  if (days > 0)
    return g_strdup_printf (ngettext ("In %d day", "In %d days", days), days);
  return g_strdup_printf (ngettext ("%d day overdue", "%d days overdue", -days), -days);
}

static char *
format_trend (double      change,
              const char *span)
{
  if (isnan (change))
    /* TRANSLATORS: %s is a span such as "7 days" */
    return g_strdup_printf (_("— in %s (too little history)"), span);
  if (fabs (change) < 0.05)
    return g_strdup_printf (_("● no change in %s"), span);
  /* TRANSLATORS: an arrow, a change of the health score and a span, e.g. "▲ 4.2 in 7 days" */
  return g_strdup_printf (_("%s %.1f in %s"), change > 0 ? "▲" : "▼", fabs (change), span);
}

/* Why a measure scored what it did, from its input. */
static char *
describe_measure_input (VigilCustomerPage        *self,
                        VigilMeasure              measure,
                        const VigilMeasureResult *result,
                        const VigilSnapshot      *latest)
{
  VigilScorecard *scorecard = vigil_portfolio_get_scorecard (self->portfolio);
  double target = scorecard != NULL ? vigil_scorecard_get_target (scorecard, measure) : NAN;
  double input = result->input;

  if (isnan (input))
    return g_strdup (_("Unknown"));

  switch (measure)
    {
    case VIGIL_MEASURE_ACTIVITY:
      if (input < 48)
        return g_strdup_printf (ngettext ("%.0f h since last activity", "%.0f h since last activity",
                                          (gulong) round (input)), input);
      return g_strdup_printf (ngettext ("%.0f day since last activity", "%.0f days since last activity",
                                        (gulong) round (input / 24)), input / 24);
    case VIGIL_MEASURE_VOLUME:
      return g_strdup_printf (ngettext ("%'.0f call in 7 days", "%'.0f calls in 7 days", (gulong) input),
                              input);
    case VIGIL_MEASURE_BREADTH:
      if (!isnan (target))
        return g_strdup_printf (ngettext ("%.0f of %.0f feature", "%.0f of %.0f features", (gulong) target),
                                input, target);
      return g_strdup_printf (ngettext ("%.0f feature", "%.0f features", (gulong) input), input);
    case VIGIL_MEASURE_SEATS:
      if (latest->seats != VIGIL_UNKNOWN && latest->seats_used != VIGIL_UNKNOWN)
        return g_strdup_printf (ngettext ("%'" PRId64 " of %'" PRId64 " seat",
                                          "%'" PRId64 " of %'" PRId64 " seats",
                                          (gulong) latest->seats),
                                latest->seats_used, latest->seats);
      return g_strdup_printf (_("%.0f %% of seats in use"), input * 100);
    case VIGIL_MEASURE_TICKETS:
      return g_strdup_printf (ngettext ("%.0f open ticket", "%.0f open tickets", (gulong) input), input);
    case VIGIL_MEASURE_NPS:
      return g_strdup_printf (_("NPS %.0f of 10"), input);
    case VIGIL_MEASURE_SENTIMENT:
      /* TRANSLATORS: the CSM's pulse that counted and its age, e.g. "Yellow pulse, 12 days old" */
      return g_strdup_printf (ngettext ("%s pulse, %.0f day old", "%s pulse, %.0f days old", (gulong) floor (input)),
                              vigil_sentiment_get_label (vigil_sentiment_from_value (result->value)),
                              floor (input));
    case VIGIL_N_MEASURES:
    default:
      return g_strdup_printf ("%g", input);
    }
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* A row of plain text: data never becomes markup. */
static AdwActionRow *
new_row (const char *title,
         const char *subtitle)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (row, subtitle);
  return row;
}

static GtkWidget *
new_suffix_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  return label;
}

static void
add_placeholder_row (GtkListBox *list,
                     const char *text)
{
  AdwActionRow *row = new_row (text, NULL);

  gtk_widget_add_css_class (GTK_WIDGET (row), "dim-label");
  gtk_list_box_append (list, GTK_WIDGET (row));
}

static void
set_group_description (AdwPreferencesGroup *group,
                       const char          *text)
{
  /* Group descriptions are markup. */
  g_autofree char *escaped = text != NULL ? g_markup_escape_text (text, -1) : NULL;

  adw_preferences_group_set_description (group, escaped);
}

static void
toast (VigilCustomerPage *self,
       const char        *message)
{
  g_signal_emit (self, signals[SHOW_TOAST], 0, message);
}

static void
drop_history (VigilCustomerPage *self)
{
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->outcomes, g_ptr_array_unref);
  g_clear_pointer (&self->records, g_ptr_array_unref);
  g_array_set_size (self->times, 0);
  g_array_set_size (self->health, 0);
  g_array_set_size (self->calls, 0);
  g_array_set_size (self->seats_used, 0);
  self->history_id = 0;
}

/* The latest snapshot's features: the portfolio row comes without them,
 * the newest history row has them. NULL until the history is in. */
static GArray *
get_latest_features (VigilCustomerPage *self)
{
  const VigilSnapshot *latest = vigil_customer_get_row (self->customer)->latest;
  const VigilHistoryRow *newest;

  if (latest->features != NULL)
    return latest->features;
  if (self->history == NULL || self->history_id != self->store_id || self->history->len == 0)
    return NULL;
  newest = self->history->pdata[self->history->len - 1];
  return newest->snapshot->observed_at == latest->observed_at ? newest->snapshot->features : NULL;
}

static void
add_spinner_row (GtkListBox *list,
                 const char *tooltip)
{
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_margin_top (spinner, 12);
  gtk_widget_set_margin_bottom (spinner, 12);
  gtk_widget_set_tooltip_text (spinner, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), spinner);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_append (list, row);
}

/* Section 1: the headline -------------------------------------------------- */

static void
fill_headline (VigilCustomerPage *self)
{
  VigilCustomer *customer = self->customer;
  const VigilPortfolioRow *row = vigil_customer_get_row (customer);
  const VigilSnapshot *latest = row->latest;
  double health = vigil_customer_get_health (customer);
  VigilTier tier = vigil_customer_get_tier (customer);
  double risk = vigil_customer_get_churn_risk (customer);
  const char * const *factors = vigil_customer_get_churn_factors (customer);
  double mrr = vigil_customer_get_mrr (customer);
  gint32 renewal = vigil_customer_get_renewal_day (customer);
  gint64 last_active = vigil_customer_get_last_active (customer);
  const char *spans[VIGIL_N_TRENDS] = { _("7 days"), _("14 days"), _("28 days") };
  const char *tier_classes[] = { "tier-healthy", "tier-at-risk", "tier-high-risk", "tier-none" };
  g_autoptr(GString) trends = g_string_new (NULL);
  g_autofree char *text = NULL;

  /* Score and tier: the tier always in words, never by colour alone. */
  text = isnan (health) ? g_strdup ("—") : g_strdup_printf ("%.0f", health);
  gtk_label_set_text (self->health_label, text);
  g_clear_pointer (&text, g_free);
  gtk_label_set_text (self->tier_label, vigil_tier_get_label (tier));
  for (guint i = 0; i < G_N_ELEMENTS (tier_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->tier_label), tier_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->tier_label), tier_get_css_class (tier));
  text = isnan (health) ? g_strdup (_("No health score yet"))
                        : g_strdup_printf (_("Health score %.0f, %s"), health, vigil_tier_get_label (tier));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->health_label), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  g_clear_pointer (&text, g_free);

  for (guint i = 0; i < VIGIL_N_TRENDS; i++)
    {
      g_autofree char *trend = format_trend (row->trends[i], spans[i]);

      if (i > 0)
        g_string_append (trends, "   ");
      g_string_append (trends, trend);
    }
  gtk_label_set_text (self->trend_label, trends->str);

  /* Churn risk and why. */
  if (isnan (risk))
    {
      gtk_label_set_text (self->churn_label, _("Unknown"));
      adw_action_row_set_subtitle (self->churn_row, _("No health score to predict from"));
    }
  else
    {
      g_autofree char *reasons = factors != NULL ? g_strjoinv ("\n", (char **) factors) : NULL;

      text = g_strdup_printf (_("%.0f %%"), risk * 100);
      gtk_label_set_text (self->churn_label, text);
      g_clear_pointer (&text, g_free);
      adw_action_row_set_subtitle (self->churn_row, reasons != NULL ? reasons : "");
    }

  /* MRR. */
  text = isnan (mrr) ? g_strdup (_("Unknown")) : g_strdup_printf ("%'.0f", mrr);
  gtk_label_set_text (self->mrr_label, text);
  g_clear_pointer (&text, g_free);

  /* Renewal. */
  if (renewal == VIGIL_UNKNOWN_DAY)
    {
      gtk_label_set_text (self->renewal_label, _("Unknown"));
      adw_action_row_set_subtitle (self->renewal_row, "");
    }
  else
    {
      g_autofree char *until = format_days_to (renewal - vigil_time_get_day (get_now ()));

      text = format_day (renewal);
      gtk_label_set_text (self->renewal_label, text);
      g_clear_pointer (&text, g_free);
      adw_action_row_set_subtitle (self->renewal_row, until);
    }

  /* Seats. */
  if (latest->seats == VIGIL_UNKNOWN || latest->seats_used == VIGIL_UNKNOWN)
    {
      gtk_label_set_text (self->seats_label, _("Unknown"));
      adw_action_row_set_subtitle (self->seats_row, "");
    }
  else
    {
      double use = vigil_customer_get_seat_use (customer);

      if (isnan (use))
        text = g_strdup_printf ("%'" G_GINT64_FORMAT " / %'" G_GINT64_FORMAT, latest->seats_used, latest->seats);
      else
        /* TRANSLATORS: seats used / seats (share), e.g. "47 / 50 (94 %)" */
        text = g_strdup_printf (_("%'" PRId64 " / %'" PRId64 " (%.0f %%)"),
                                latest->seats_used, latest->seats, use * 100);
      gtk_label_set_text (self->seats_label, text);
      g_clear_pointer (&text, g_free);
      if (!isnan (row->seat_use_28d_ago))
        text = g_strdup_printf (_("%.0f %% four weeks before"), row->seat_use_28d_ago * 100);
      adw_action_row_set_subtitle (self->seats_row, text != NULL ? text : "");
      g_clear_pointer (&text, g_free);
    }

  /* Last active. */
  if (last_active == VIGIL_UNKNOWN)
    {
      gtk_label_set_text (self->active_label, _("Unknown"));
      adw_action_row_set_subtitle (self->active_row, "");
    }
  else
    {
      g_autofree char *ago = format_ago (get_now () - last_active);

      text = format_date_time (last_active);
      gtk_label_set_text (self->active_label, text);
      g_clear_pointer (&text, g_free);
      adw_action_row_set_subtitle (self->active_row, ago);
    }
}

/* Section 3: the breakdown ------------------------------------------------- */

static void
fill_breakdown (VigilCustomerPage *self)
{
  const VigilPortfolioRow *row = vigil_customer_get_row (self->customer);
  VigilScorecard *scorecard = vigil_portfolio_get_scorecard (self->portfolio);
  guint shown = 0;

  clear_list (self->breakdown_list);
  for (guint i = 0; i < VIGIL_N_MEASURES; i++)
    {
      const VigilMeasureResult *m = &row->score.measures[i];
      g_autofree char *input = NULL;
      g_autofree char *name = NULL;
      g_autofree char *points = NULL;
      g_autofree char *detail = NULL;
      g_autofree char *accessible = NULL;
      AdwActionRow *measure_row;
      GtkWidget *box, *label;

      if (isnan (m->value))
        {
          /* Weighted on the scorecard, but nothing to score it from. */
          if (scorecard != NULL && vigil_scorecard_get_weight (scorecard, (VigilMeasure) i) > 0)
            {
              double days = vigil_scorecard_get_target (scorecard, (VigilMeasure) i);
              /* design 3.1: no pulse, or one older than the target's days */
              g_autofree char *why = i == VIGIL_MEASURE_SENTIMENT
                ? g_strdup_printf (ngettext ("Left out: no pulse in the last %.0f day",
                                             "Left out: no pulse in the last %.0f days", (gulong) days), days)
                : g_strdup (_("Left out: no data"));

              measure_row = new_row (measure_get_label ((VigilMeasure) i), why);
              name = g_strdup_printf ("measure-%s", vigil_measure_get_name ((VigilMeasure) i));
              gtk_widget_set_name (GTK_WIDGET (measure_row), name);
              gtk_widget_add_css_class (GTK_WIDGET (measure_row), "dim-label");
              gtk_list_box_append (self->breakdown_list, GTK_WIDGET (measure_row));
            }
          continue;
        }

      input = describe_measure_input (self, (VigilMeasure) i, m, row->latest);
      /* design 2.6: an account of several sources says which one gave
       * each input; one source needs no saying. */
      if (row->records != NULL && row->records->len > 1 && row->input_sources[i] != NULL)
        {
          /* TRANSLATORS: a measure's input and the source it came from,
           * e.g. "3 hours since last active, from product" */
          char *with_source = g_strdup_printf (_("%s, from %s"), input, row->input_sources[i]);

          g_free (input);
          input = with_source;
        }
      measure_row = new_row (measure_get_label ((VigilMeasure) i), input);
      name = g_strdup_printf ("measure-%s", vigil_measure_get_name ((VigilMeasure) i));
      gtk_widget_set_name (GTK_WIDGET (measure_row), name);

      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      /* TRANSLATORS: a measure's share of the health score */
      points = g_strdup_printf (_("%.1f points"), m->points);
      label = new_suffix_label (points);
      gtk_widget_add_css_class (label, "heading");
      gtk_widget_set_name (label, "points");
      gtk_box_append (GTK_BOX (box), label);
      /* TRANSLATORS: a measure's value and its weight, e.g. "85 % × weight 40" */
      detail = g_strdup_printf (_("%.0f %% × weight %.0f"), m->value * 100, m->weight);
      label = new_suffix_label (detail);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_set_name (label, "value-weight");
      gtk_box_append (GTK_BOX (box), label);
      adw_action_row_add_suffix (measure_row, box);

      accessible = g_strdup_printf (_("%s: %s; %.0f %% at weight %.0f gives %.1f points"),
                                    measure_get_label ((VigilMeasure) i), input, m->value * 100, m->weight,
                                    m->points);
      gtk_accessible_update_property (GTK_ACCESSIBLE (measure_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      accessible, -1);
      gtk_list_box_append (self->breakdown_list, GTK_WIDGET (measure_row));
      shown++;
    }
  if (shown == 0)
    add_placeholder_row (self->breakdown_list, _("No measure could be scored from the latest snapshot"));
}

/* Section 5: feature adoption ---------------------------------------------- */

typedef struct
{
  const char *name;
  gint64      calls;
} FeatureItem;

static int
compare_features (gconstpointer a,
                  gconstpointer b)
{
  const FeatureItem *fa = a;
  const FeatureItem *fb = b;

  /* Most calls first; a feature only known as "used" after counted ones. */
  if (fa->calls != fb->calls)
    return fa->calls < fb->calls ? 1 : -1;
  return g_utf8_collate (fa->name, fb->name);
}

static void
fill_features (VigilCustomerPage *self)
{
  const VigilSnapshot *latest = vigil_customer_get_row (self->customer)->latest;
  GArray *features = get_latest_features (self);
  g_autoptr(GHashTable) first_seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) last_seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) in_latest = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (FeatureItem));
  gboolean have_history = self->history != NULL && self->history_id == self->store_id;
  g_autoptr(GPtrArray) past = g_ptr_array_new ();
  guint used_now = 0;
  g_autofree char *description = NULL;

  clear_list (self->features_list);
  if (features == NULL && !have_history)
    {
      set_group_description (self->features_group, NULL);
      add_spinner_row (self->features_list, _("Loading the features…"));
      return;
    }

  /* Each feature's first and last day of use, from the history. */
  if (have_history)
    for (guint i = 0; i < self->history->len; i++)
      {
        const VigilSnapshot *snapshot = ((VigilHistoryRow *) self->history->pdata[i])->snapshot;

        for (guint j = 0; snapshot->features != NULL && j < snapshot->features->len; j++)
          {
            const VigilFeatureUsage *usage = &g_array_index (snapshot->features, VigilFeatureUsage, j);

            if (usage->calls == 0)
              continue;
            if (!g_hash_table_contains (first_seen, usage->name))
              g_hash_table_insert (first_seen, usage->name, GINT_TO_POINTER (i));
            g_hash_table_insert (last_seen, usage->name, GINT_TO_POINTER (i));
          }
      }

  for (guint i = 0; features != NULL && i < features->len; i++)
    {
      const VigilFeatureUsage *usage = &g_array_index (features, VigilFeatureUsage, i);
      FeatureItem item = { usage->name, usage->calls };

      g_array_append_val (items, item);
      g_hash_table_add (in_latest, usage->name);
      if (usage->calls != 0)
        used_now++;
    }
  g_array_sort (items, compare_features);

  for (guint i = 0; i < items->len; i++)
    {
      const FeatureItem *item = &g_array_index (items, FeatureItem, i);
      g_autofree char *calls = NULL;
      g_autofree char *since = NULL;
      gpointer index;
      AdwActionRow *row;

      if (item->calls == VIGIL_FEATURE_USED_NO_COUNT)
        calls = g_strdup (_("Used"));
      else
        calls = g_strdup_printf (ngettext ("%'" PRId64 " call", "%'" PRId64 " calls",
                                           (gulong) item->calls), item->calls);
      if (have_history && g_hash_table_lookup_extended (first_seen, item->name, NULL, &index))
        {
          const VigilHistoryRow *first = self->history->pdata[GPOINTER_TO_INT (index)];
          g_autofree char *date = format_date (first->snapshot->observed_at);

          if (item->calls == 0)
            since = g_strdup_printf (_("First used %s; not in the last 7 days"), date);
          else
            since = g_strdup_printf (_("First used %s"), date);
        }
      else if (item->calls == 0)
        since = g_strdup (_("Not used in the last 7 days"));
      row = new_row (item->name, since);
      adw_action_row_add_suffix (row, new_suffix_label (calls));
      gtk_list_box_append (self->features_list, GTK_WIDGET (row));
    }

  /* Features used once, no longer in the latest snapshot. */
  if (have_history)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, last_seen);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (in_latest, key))
          g_ptr_array_add (past, key);
      g_ptr_array_sort (past, (GCompareFunc) g_strcmp0);
      for (guint i = 0; i < past->len; i++)
        {
          const char *name = past->pdata[i];
          gint last = GPOINTER_TO_INT (g_hash_table_lookup (last_seen, name));
          const VigilHistoryRow *row = self->history->pdata[last];
          g_autofree char *date = format_date (row->snapshot->observed_at);
          g_autofree char *subtitle = g_strdup_printf (_("Last used %s"), date);
          AdwActionRow *feature_row = new_row (name, subtitle);

          adw_action_row_add_suffix (feature_row, new_suffix_label (_("No longer used")));
          gtk_widget_add_css_class (GTK_WIDGET (feature_row), "dim-label");
          gtk_list_box_append (self->features_list, GTK_WIDGET (feature_row));
        }
    }

  if (features == NULL && past->len == 0)
    {
      gint64 used = vigil_snapshot_get_features_used (latest);

      if (used != VIGIL_UNKNOWN)
        description = g_strdup_printf (ngettext ("%" PRId64 " feature used; the source does not name them",
                                                 "%" PRId64 " features used; the source does not name them",
                                                 (gulong) used), used);
      add_placeholder_row (self->features_list, _("No feature names in the latest snapshot"));
    }
  else if (have_history)
    description = g_strdup_printf (ngettext ("%u feature in use now; %u used over the whole history",
                                             "%u features in use now; %u used over the whole history",
                                             used_now), used_now, g_hash_table_size (first_seen));
  else
    description = g_strdup_printf (ngettext ("%u feature in use now", "%u features in use now", used_now),
                                   used_now);
  set_group_description (self->features_group, description);
}

/* Section 6: triggers ------------------------------------------------------ */

static void
set_trigger_state_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(VigilCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  const char *state = g_object_get_data (G_OBJECT (self), "working-state");
  g_autofree char *done = NULL;

  if (vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error) == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not update the trigger: %s"), error->message);
      toast (self, message);
      /* The buttons were turned off while it ran. */
      if (self->customer != NULL)
        refresh (self);
      return;
    }
  if (g_strcmp0 (state, "acknowledged") == 0)
    done = g_strdup (_("Trigger acknowledged"));
  else if (g_strcmp0 (state, "snoozed") == 0)
    done = g_strdup_printf (_("Trigger snoozed until %s"),
                            (const char *) g_object_get_data (G_OBJECT (self), "working-until"));
  else
    done = g_strdup (_("Trigger done"));
  toast (self, done);
  vigil_portfolio_reload (VIGIL_PORTFOLIO (object));
}

static void
trigger_button_clicked_cb (GtkButton         *button,
                           VigilCustomerPage *self)
{
  const char *state = g_object_get_data (G_OBJECT (button), "state");
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (button));
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (button), "trigger-id");
  char *until = g_str_equal (state, "snoozed") ? vigil_date_format (vigil_time_get_day (get_now ()) + 7) : NULL;

  /* One change at a time: the reload rebuilds the row. */
  g_object_set_data_full (G_OBJECT (self), "working-state", g_strdup (state), g_free);
  g_object_set_data_full (G_OBJECT (self), "working-until", until, g_free);
  gtk_widget_set_sensitive (box, FALSE);
  vigil_portfolio_set_trigger_state_async (self->portfolio, id, state, until, self->cancellable,
                                           set_trigger_state_cb, g_object_ref (self));
}

static GtkWidget *
new_trigger_button (VigilCustomerPage     *self,
                    const VigilTriggerRow *trigger,
                    const char            *label,
                    const char            *state,
                    const char            *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data (G_OBJECT (button), "state", (gpointer) state);
  g_object_set_data_full (G_OBJECT (button), "trigger-id", g_memdup2 (&trigger->id, sizeof (gint64)), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (trigger_button_clicked_cb), self, 0);
  return button;
}

static const char *
state_get_label (const char *state)
{
  if (g_strcmp0 (state, "new") == 0)
    return _("New");
  if (g_strcmp0 (state, "acknowledged") == 0)
    return _("Acknowledged");
  if (g_strcmp0 (state, "snoozed") == 0)
    return _("Snoozed");
  if (g_strcmp0 (state, "done") == 0)
    return _("Done");
  return state;
}

static void
fill_triggers (VigilCustomerPage *self)
{
  GPtrArray *triggers = vigil_portfolio_get_triggers (self->portfolio);
  g_autofree char *play = NULL;
  guint shown = 0;

  clear_list (self->triggers_list);
  g_array_set_size (self->markers, 0);

  play = g_strdup_printf (_("Suggested play for this customer: %s"),
                          vigil_trigger_play_for_tier (vigil_customer_get_tier (self->customer)));
  set_group_description (self->triggers_group, play);

  for (guint i = 0; triggers != NULL && i < triggers->len; i++)
    {
      const VigilTriggerRow *trigger = triggers->pdata[i];
      g_autofree char *title = NULL;
      g_autofree char *date = NULL;
      g_autofree char *meta = NULL;
      GtkWidget *row, *box, *label, *buttons, *button;

      if (trigger->customer_id != self->store_id)
        continue;
      g_array_append_val (self->markers, trigger->first_seen);

      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      gtk_widget_set_margin_top (box, 12);
      gtk_widget_set_margin_bottom (box, 12);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);

      /* TRANSLATORS: a trigger's kind and rule, e.g. "Risk: Gone silent" */
      title = g_strdup_printf (g_strcmp0 (trigger->kind, "upsell") == 0 ? _("Upsell: %s") : _("Risk: %s"),
                               vigil_trigger_rule_get_title (trigger->rule));
      label = gtk_label_new (title);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "heading");
      gtk_box_append (GTK_BOX (box), label);

      if (trigger->evidence != NULL)
        {
          label = gtk_label_new (trigger->evidence);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
          gtk_box_append (GTK_BOX (box), label);
        }

      date = format_date (trigger->first_seen);
      if (g_strcmp0 (trigger->state, "snoozed") == 0 && trigger->snoozed_until != NULL)
        meta = g_strdup_printf (_("First seen %s · Snoozed until %s"), date, trigger->snoozed_until);
      else
        meta = g_strdup_printf (_("First seen %s · %s"), date, state_get_label (trigger->state));
      label = gtk_label_new (meta);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);

      buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_widget_set_halign (buttons, GTK_ALIGN_END);
      gtk_widget_set_margin_top (buttons, 6);
      button = new_trigger_button (self, trigger, _("_Acknowledge"), "acknowledged",
                                   _("Mark as seen; it stays open"));
      gtk_widget_set_sensitive (button, g_strcmp0 (trigger->state, "acknowledged") != 0);
      gtk_box_append (GTK_BOX (buttons), button);
      button = new_trigger_button (self, trigger, _("_Snooze"), "snoozed", _("Snooze for a week: it comes back in seven days"));
      gtk_box_append (GTK_BOX (buttons), button);
      button = new_trigger_button (self, trigger, _("_Done"), "done", _("Close it: it has been worked"));
      gtk_box_append (GTK_BOX (buttons), button);
      gtk_box_append (GTK_BOX (box), buttons);

      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      gtk_list_box_append (self->triggers_list, row);
      shown++;
    }
  if (shown == 0)
    add_placeholder_row (self->triggers_list, _("No open triggers"));
}

/* Section 7: outcome ------------------------------------------------------- */

static void
fill_outcomes (VigilCustomerPage *self)
{
  clear_list (self->outcomes_list);

  if (self->outcomes == NULL || self->history_id != self->store_id)
    {
      add_spinner_row (self->outcomes_list, _("Loading the outcomes…"));
      return;
    }

  for (guint i = 0; i < self->outcomes->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (self->outcomes->pdata[i], " ", 2);
      const char *what = parts[0] != NULL ? parts[1] : NULL;
      g_autofree char *date = NULL;
      gint32 day;
      AdwActionRow *row;

      if (parts[0] != NULL && vigil_date_parse (parts[0], &day))
        date = format_day (day);
      else
        date = g_strdup (parts[0] != NULL ? parts[0] : "");
      if (g_strcmp0 (what, "churned") == 0)
        row = new_row (_("Churned"), NULL);
      else if (g_strcmp0 (what, "renewed") == 0)
        row = new_row (_("Renewed"), NULL);
      else
        row = new_row (what != NULL ? what : "", NULL);
      adw_action_row_add_suffix (row, new_suffix_label (date));
      gtk_list_box_append (self->outcomes_list, GTK_WIDGET (row));
    }
  if (self->outcomes->len == 0)
    add_placeholder_row (self->outcomes_list, _("No outcome recorded"));
}

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
                                           vigil_time_get_day (get_now ()), NULL, &refit_error, error))
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
record_outcome_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VigilCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->churned_button, TRUE);
  gtk_widget_set_sensitive (self->renewed_button, TRUE);
  if (message == NULL)
    {
      message = g_strdup_printf (_("Could not record the outcome: %s"), error->message);
      toast (self, message);
      return;
    }
  toast (self, message);
  vigil_portfolio_reload (VIGIL_PORTFOLIO (object));
}

static void
outcome_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  VigilCustomerPage *self = VIGIL_CUSTOMER_PAGE (user_data);
  const char *outcome = g_object_get_data (G_OBJECT (dialog), "outcome");
  gint64 customer_id = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "customer-id");
  OutcomeData *data;

  if (!g_str_equal (response, "record") || self->portfolio == NULL)
    return;

  data = g_new0 (OutcomeData, 1);
  data->customer_id = customer_id;
  data->outcome = outcome;
  data->name = g_strdup (g_object_get_data (G_OBJECT (dialog), "name"));
  gtk_widget_set_sensitive (self->churned_button, FALSE);
  gtk_widget_set_sensitive (self->renewed_button, FALSE);
  vigil_portfolio_run_async (self->portfolio, record_outcome_work, data, outcome_data_free,
                             self->cancellable, record_outcome_cb, g_object_ref (self));
}

static void
confirm_outcome (VigilCustomerPage *self,
                 const char        *outcome)
{
  gboolean churned = g_str_equal (outcome, "churned");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = NULL;
  g_autofree char *date = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (self->customer == NULL)
    return;

  heading = g_strdup_printf (churned ? _("Mark “%s” as Churned?") : _("Mark “%s” as Renewed?"),
                             vigil_customer_get_display_name (self->customer));
  date = format_day (vigil_time_get_day (get_now ()));
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
  g_object_set_data_full (G_OBJECT (dialog), "customer-id", g_memdup2 (&self->store_id, sizeof (gint64)),
                          g_free);
  g_object_set_data_full (G_OBJECT (dialog), "name", g_strdup (vigil_customer_get_display_name (self->customer)),
                          g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (outcome_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Section 8: the account's records ----------------------------------------- */

typedef struct
{
  char *source;
  char *external_id;
} UnlinkData;

static void
unlink_data_free (gpointer data)
{
  UnlinkData *unlink = data;

  g_free (unlink->source);
  g_free (unlink->external_id);
  g_free (unlink);
}

static gpointer
unlink_work (VigilStore  *store,
             gpointer     data,
             GError     **error)
{
  UnlinkData *unlink = data;

  if (!vigil_store_unlink_record (store, unlink->source, unlink->external_id, NULL, error))
    return NULL;
  /* TRANSLATORS: a record as SOURCE:ID, e.g. "crm:512" */
  return g_strdup_printf (_("%s:%s unlinked: it is a customer of its own now"),
                          unlink->source, unlink->external_id);
}

static void
unlink_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VigilCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->records_list), TRUE);
  if (message == NULL)
    {
      message = g_strdup_printf (_("Could not unlink the record: %s"), error->message);
      toast (self, message);
      return;
    }
  toast (self, message);
  vigil_portfolio_reload (VIGIL_PORTFOLIO (object));
}

static void
unlink_clicked_cb (GtkButton         *button,
                   VigilCustomerPage *self)
{
  const VigilRecordRow *record = g_object_get_data (G_OBJECT (button), "record");
  UnlinkData *data = g_new0 (UnlinkData, 1);

  data->source = g_strdup (record->source);
  data->external_id = g_strdup (record->external_id);
  /* One change at a time: the reload lists the records again. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->records_list), FALSE);
  vigil_portfolio_run_async (self->portfolio, unlink_work, data, unlink_data_free, self->cancellable,
                             unlink_cb, g_object_ref (self));
}

/* "Keys: a, b" and when it was last observed, in plain text. */
static char *
describe_record (const VigilRecordRow *record)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (record->keys != NULL && record->keys[0] != NULL)
    {
      g_autofree char *keys = g_strjoinv (", ", record->keys);

      g_string_append_printf (text, _("Keys: %s"), keys);
    }
  else
    g_string_append (text, _("No keys"));
  g_string_append_c (text, '\n');
  if (record->latest_at == VIGIL_UNKNOWN)
    g_string_append (text, _("Never observed"));
  else
    {
      g_autofree char *when = format_date_time (record->latest_at);
      g_autofree char *ago = format_ago (get_now () - record->latest_at);

      /* TRANSLATORS: a date and how long ago it was, e.g. "Last observed 3 Mar 2026, 14:00 (5 days ago)" */
      g_string_append_printf (text, _("Last observed %s (%s)"), when, ago);
    }
  if (record->detached)
    {
      g_string_append_c (text, '\n');
      g_string_append (text, _("Unlinked: shared keys do not join it to other customers"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
fill_records (VigilCustomerPage *self)
{
  g_autofree char *description = NULL;

  clear_list (self->records_list);

  if (self->records == NULL || self->history_id != self->store_id)
    {
      add_spinner_row (self->records_list, _("Loading the records…"));
      set_group_description (self->records_group, NULL);
      return;
    }

  for (guint i = 0; i < self->records->len; i++)
    {
      const VigilRecordRow *record = self->records->pdata[i];
      /* TRANSLATORS: a record's source and its id there, e.g. "crm · 512" */
      g_autofree char *title = g_strdup_printf (_("%s · %s"), record->source, record->external_id);
      g_autofree char *subtitle = describe_record (record);
      g_autofree char *name = g_strdup_printf ("record-%s:%s", record->source, record->external_id);
      AdwActionRow *row = new_row (title, subtitle);
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Unlink"));

      gtk_widget_set_name (GTK_WIDGET (row), name);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_sensitive (button, self->records->len > 1);
      gtk_widget_set_tooltip_text (button, self->records->len > 1
                                   ? _("Take this record out into a customer of its own")
                                   : _("The customer’s only record: there is nothing to unlink it from"));
      g_object_set_data (G_OBJECT (button), "record", (gpointer) record);
      g_signal_connect_object (button, "clicked", G_CALLBACK (unlink_clicked_cb), self, 0);
      adw_action_row_add_suffix (row, button);
      gtk_list_box_append (self->records_list, GTK_WIDGET (row));
    }

  if (self->records->len > 1)
    description = g_strdup_printf (ngettext ("What %u source says about this customer, scored together",
                                             "What %u sources say about this customer, scored together",
                                             self->records->len), self->records->len);
  else
    description = g_strdup (_("One source knows this customer; Merge… joins another customer’s records to it"));
  set_group_description (self->records_group, description);
}

/* Section 9: the raw snapshot ---------------------------------------------- */

static void
fill_snapshot (VigilCustomerPage *self)
{
  const VigilPortfolioRow *row = vigil_customer_get_row (self->customer);
  const VigilSnapshot *s = row->latest;
  GArray *features = get_latest_features (self);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *observed = format_date_time (s->observed_at);
  g_autofree char *subtitle = g_strdup_printf (_("Observed %s · source %s"), observed,
                                               row->source != NULL ? row->source : "—");

  for (int field = 0; field < VIGIL_N_FIELDS; field++)
    {
      g_autofree char *value = NULL;

      if (field == VIGIL_FIELD_KEYS)
        /* Not kept with a stored snapshot: no line says "unknown" for them. */
        continue;
      if (field == VIGIL_FIELD_FEATURES)
        {
          /* Read with the history, not kept with the latest row. */
          if (features != NULL)
            {
              GString *list = g_string_new (NULL);

              for (guint i = 0; i < features->len; i++)
                {
                  const VigilFeatureUsage *usage = &g_array_index (features, VigilFeatureUsage, i);

                  if (usage->calls == VIGIL_FEATURE_USED_NO_COUNT)
                    g_string_append_printf (list, "\n  %s", usage->name);
                  else
                    g_string_append_printf (list, "\n  %s: %" G_GINT64_FORMAT, usage->name, usage->calls);
                }
              if (features->len == 0)
                g_string_append (list, _("none"));
              value = g_string_free (list, FALSE);
            }
          else if (self->history_id != self->store_id)
            value = g_strdup ("…");
        }
      else
        value = vigil_snapshot_format_field (s, (VigilField) field);
      g_string_append_printf (text, "%-14s %s\n", vigil_field_get_name ((VigilField) field),
                              value != NULL ? value : _("unknown"));
    }
  if (s->n_unknown > 0)
    g_string_append_printf (text, ngettext ("(%u value given but unusable)\n",
                                            "(%u values given but unusable)\n", s->n_unknown), s->n_unknown);
  g_string_truncate (text, text->len > 0 ? text->len - 1 : 0);

  gtk_label_set_text (self->snapshot_label, text->str);
  adw_expander_row_set_subtitle (self->snapshot_row, subtitle);
}

/* Sections 2 and 4: charts ------------------------------------------------- */

static void
history_draw (cairo_t               *cr,
              double                 width,
              double                 height,
              const VigilChartStyle *style,
              gpointer               user_data)
{
  VigilCustomerPage *self = user_data;

  vigil_chart_health_history (cr, width, height, style,
                              (const gint64 *) self->times->data, (const double *) self->health->data,
                              self->times->len, self->healthy_cutoff, self->at_risk_cutoff,
                              (const gint64 *) self->markers->data, self->markers->len);
}

static void
usage_draw (cairo_t               *cr,
            double                 width,
            double                 height,
            const VigilChartStyle *style,
            gpointer               user_data)
{
  UsageSeries *series = user_data;
  VigilCustomerPage *self = series->page;

  vigil_chart_series (cr, width, height, style, (const gint64 *) self->times->data,
                      (const double *) series->values->data, self->times->len, series->unit_label);
}

static int
index_at (VigilCustomerPage     *self,
          GArray                *values,
          double                 x,
          double                 width,
          double                 height,
          const VigilChartStyle *style)
{
  int i;

  if (self->times->len == 0)
    return -1;
  i = vigil_chart_index_at (width, height, style, (const gint64 *) self->times->data,
                            (const double *) values->data, self->times->len, x);
  if (i < 0 || (guint) i >= values->len || isnan (g_array_index (values, double, i)))
    return -1;
  return i;
}

static char *
history_tooltip (double                 x,
                 double                 y,
                 double                 width,
                 double                 height,
                 const VigilChartStyle *style,
                 gpointer               user_data)
{
  VigilCustomerPage *self = user_data;
  VigilScorecard *scorecard = vigil_portfolio_get_scorecard (self->portfolio);
  int i = index_at (self, self->health, x, width, height, style);
  g_autofree char *date = NULL;
  double health;

  if (i < 0)
    return NULL;
  health = g_array_index (self->health, double, i);
  date = format_date_time (g_array_index (self->times, gint64, i));
  /* TRANSLATORS: a date, a health score and its tier */
  return g_strdup_printf (_("%s\nHealth %.1f, %s"), date, health,
                          vigil_tier_get_label (scorecard != NULL ? vigil_scorecard_get_tier (scorecard, health)
                                                                  : VIGIL_TIER_NONE));
}

static char *
usage_tooltip (double                 x,
               double                 y,
               double                 width,
               double                 height,
               const VigilChartStyle *style,
               gpointer               user_data)
{
  UsageSeries *series = user_data;
  VigilCustomerPage *self = series->page;
  int i = index_at (self, series->values, x, width, height, style);
  g_autofree char *date = NULL;
  double value;

  if (i < 0)
    return NULL;
  value = g_array_index (series->values, double, i);
  date = format_date (g_array_index (self->times, gint64, i));
  if (series->seats)
    return g_strdup_printf (ngettext ("%s\n%'.0f seat used", "%s\n%'.0f seats used", (gulong) value), date, value);
  return g_strdup_printf (ngettext ("%s\n%'.0f call in 7 days", "%s\n%'.0f calls in 7 days", (gulong) value),
                          date, value);
}

/* What a series did, in words, for screen readers. */
static char *
describe_series (GArray     *values,
                 GArray     *times,
                 const char *what)
{
  int first = -1, last = -1;
  double lo = INFINITY, hi = -INFINITY;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);

      if (isnan (v))
        continue;
      if (first < 0)
        first = i;
      last = i;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  if (first < 0)
    return g_strdup_printf (_("No %s known"), what);
  from = format_date (g_array_index (times, gint64, first));
  to = format_date (g_array_index (times, gint64, last));
  /* TRANSLATORS: e.g. "Health from 3 Mar 2026 to 1 Jun 2026: 72 at first, 55 now, between 40 and 80" */
  return g_strdup_printf (_("%s from %s to %s: %.0f at first, %.0f now, between %.0f and %.0f"),
                          what, from, to, g_array_index (values, double, first),
                          g_array_index (values, double, last), lo, hi);
}

static gboolean
has_values (GArray *values)
{
  for (guint i = 0; i < values->len; i++)
    if (!isnan (g_array_index (values, double, i)))
      return TRUE;
  return FALSE;
}

static void
fill_charts (VigilCustomerPage *self)
{
  VigilScorecard *scorecard = vigil_portfolio_get_scorecard (self->portfolio);
  gboolean loaded = self->history != NULL && self->history_id == self->store_id;
  gboolean have_seats;
  g_autofree char *description = NULL;

  self->healthy_cutoff = scorecard != NULL ? vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_HEALTHY) : 85;
  self->at_risk_cutoff = scorecard != NULL ? vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_AT_RISK) : 60;

  if (!loaded)
    {
      gtk_spinner_start (self->history_spinner);
      gtk_spinner_start (self->usage_spinner);
      gtk_stack_set_visible_child_name (self->history_stack, "loading");
      gtk_stack_set_visible_child_name (self->usage_stack, "loading");
      return;
    }
  gtk_spinner_stop (self->history_spinner);
  gtk_spinner_stop (self->usage_spinner);

  if (!has_values (self->health))
    {
      gtk_label_set_text (self->history_message, _("No scored snapshots yet"));
      gtk_stack_set_visible_child_name (self->history_stack, "empty");
    }
  else
    {
      g_autofree char *series = describe_series (self->health, self->times, _("Health"));

      description = g_strdup_printf (ngettext ("%s. Tier bands at %.0f and %.0f; %u trigger marked.",
                                               "%s. Tier bands at %.0f and %.0f; %u triggers marked.",
                                               self->markers->len),
                                     series, self->healthy_cutoff, self->at_risk_cutoff, self->markers->len);
      vigil_chart_view_set_description (self->history_chart, description);
      g_clear_pointer (&description, g_free);
      gtk_stack_set_visible_child_name (self->history_stack, "chart");
    }
  vigil_chart_view_redraw (self->history_chart);

  have_seats = has_values (self->seats_used);
  if (!has_values (self->calls) && !have_seats)
    {
      gtk_label_set_text (self->usage_message, _("No usage known"));
      gtk_stack_set_visible_child_name (self->usage_stack, "empty");
    }
  else
    {
      description = describe_series (self->calls, self->times, _("API calls in 7 days"));
      vigil_chart_view_set_description (self->calls_chart, description);
      g_clear_pointer (&description, g_free);
      gtk_widget_set_visible (self->seats_heading, have_seats);
      gtk_widget_set_visible (GTK_WIDGET (self->seats_chart), have_seats);
      if (have_seats)
        {
          description = describe_series (self->seats_used, self->times, _("Seats used"));
          vigil_chart_view_set_description (self->seats_chart, description);
        }
      gtk_stack_set_visible_child_name (self->usage_stack, "chart");
    }
  vigil_chart_view_redraw (self->calls_chart);
  vigil_chart_view_redraw (self->seats_chart);
}

/* Loading the history ------------------------------------------------------ */

typedef struct
{
  gint64     customer_id;
  GPtrArray *history;
  GPtrArray *outcomes;
  GPtrArray *records;
} HistoryResult;

static void
history_result_free (HistoryResult *result)
{
  g_clear_pointer (&result->history, g_ptr_array_unref);
  g_clear_pointer (&result->outcomes, g_ptr_array_unref);
  g_clear_pointer (&result->records, g_ptr_array_unref);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HistoryResult, history_result_free)

static gpointer
load_history_work (VigilStore  *store,
                   gpointer     data,
                   GError     **error)
{
  g_autoptr(HistoryResult) result = g_new0 (HistoryResult, 1);

  result->customer_id = *(gint64 *) data;
  if (!(result->history = vigil_store_list_history (store, result->customer_id, error)) ||
      !(result->outcomes = vigil_store_list_outcomes (store, result->customer_id, error)) ||
      !(result->records = vigil_store_list_records (store, result->customer_id, error)))
    return NULL;
  return g_steal_pointer (&result);
}

static void
load_history_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(VigilCustomerPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HistoryResult) result = vigil_portfolio_run_finish (VIGIL_PORTFOLIO (object), res, &error);

  if (result == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not read the history: %s"), error->message);
      gtk_spinner_stop (self->history_spinner);
      gtk_spinner_stop (self->usage_spinner);
      gtk_label_set_text (self->history_message, message);
      gtk_label_set_text (self->usage_message, message);
      gtk_stack_set_visible_child_name (self->history_stack, "empty");
      gtk_stack_set_visible_child_name (self->usage_stack, "empty");
      toast (self, message);
      return;
    }
  /* Another customer is shown by now. */
  if (result->customer_id != self->store_id)
    return;

  drop_history (self);
  self->history = g_steal_pointer (&result->history);
  self->outcomes = g_steal_pointer (&result->outcomes);
  self->records = g_steal_pointer (&result->records);
  self->history_id = self->store_id;
  for (guint i = 0; i < self->history->len; i++)
    {
      const VigilHistoryRow *row = self->history->pdata[i];
      const VigilSnapshot *s = row->snapshot;
      double calls = s->api_calls_7d == VIGIL_UNKNOWN ? NAN : (double) s->api_calls_7d;
      double seats = s->seats_used == VIGIL_UNKNOWN ? NAN : (double) s->seats_used;

      g_array_append_val (self->times, s->observed_at);
      g_array_append_val (self->health, row->score.health);
      g_array_append_val (self->calls, calls);
      g_array_append_val (self->seats_used, seats);
    }

  fill_charts (self);
  fill_features (self);
  fill_outcomes (self);
  fill_records (self);
  fill_snapshot (self);
}

static void
load_history (VigilCustomerPage *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  vigil_portfolio_run_async_full (self->portfolio, load_history_work, g_memdup2 (&self->store_id, sizeof (gint64)),
                                  g_free, (GDestroyNotify) history_result_free, self->load_cancellable,
                                  load_history_cb, g_object_ref (self));
}

/* Everything from the current customer object; the history as loaded. */
static void
refresh (VigilCustomerPage *self)
{
  const char *owner = vigil_customer_get_owner (self->customer);
  const char *segment = vigil_customer_get_segment (self->customer);
  const char *plan = vigil_customer_get_plan (self->customer);
  g_autofree char *subtitle = NULL;

  adw_window_title_set_title (self->window_title, vigil_customer_get_display_name (self->customer));
  /* TRANSLATORS: id · owner · segment · plan of a customer */
  subtitle = g_strdup_printf (_("%s · %s · %s · %s"), vigil_customer_get_id (self->customer),
                              owner != NULL ? owner : _("no owner"),
                              segment != NULL ? segment : _("no segment"),
                              plan != NULL ? plan : _("no plan"));
  adw_window_title_set_subtitle (self->window_title, subtitle);

  fill_headline (self);
  vigil_pulse_section_show_customer (self->pulse_section, self->customer);
  fill_breakdown (self);
  fill_triggers (self);
  fill_charts (self);
  fill_features (self);
  fill_outcomes (self);
  fill_records (self);
  fill_snapshot (self);
}

/* Callbacks ---------------------------------------------------------------- */

static void
back_clicked_cb (VigilCustomerPage *self)
{
  g_signal_emit (self, signals[BACK], 0);
}

static void
churned_clicked_cb (VigilCustomerPage *self)
{
  confirm_outcome (self, "churned");
}

static void
renewed_clicked_cb (VigilCustomerPage *self)
{
  confirm_outcome (self, "renewed");
}

/* Everything was read again: the customer object is a new one. */
static void
portfolio_loaded_cb (VigilCustomerPage *self,
                     VigilPortfolio    *portfolio)
{
  VigilCustomer *customer;

  if (self->customer == NULL)
    return;

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

/* GObject ------------------------------------------------------------------ */

static void
vigil_customer_page_dispose (GObject *object)
{
  VigilCustomerPage *self = (VigilCustomerPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  if (self->history_chart != NULL)
    {
      vigil_chart_view_set_draw_func (self->history_chart, NULL, NULL, NULL);
      vigil_chart_view_set_tooltip_func (self->history_chart, NULL, NULL, NULL);
      vigil_chart_view_set_draw_func (self->calls_chart, NULL, NULL, NULL);
      vigil_chart_view_set_tooltip_func (self->calls_chart, NULL, NULL, NULL);
      vigil_chart_view_set_draw_func (self->seats_chart, NULL, NULL, NULL);
      vigil_chart_view_set_tooltip_func (self->seats_chart, NULL, NULL, NULL);
      self->history_chart = NULL;
      self->calls_chart = NULL;
      self->seats_chart = NULL;
    }
  /* AdwBin drops its child itself; the template must not do it twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VIGIL_TYPE_CUSTOMER_PAGE);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->customer);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->outcomes, g_ptr_array_unref);
  g_clear_pointer (&self->records, g_ptr_array_unref);

  G_OBJECT_CLASS (vigil_customer_page_parent_class)->dispose (object);
}

static void
vigil_customer_page_finalize (GObject *object)
{
  VigilCustomerPage *self = (VigilCustomerPage *) object;

  g_array_unref (self->times);
  g_array_unref (self->health);
  g_array_unref (self->calls);
  g_array_unref (self->seats_used);
  g_array_unref (self->markers);

  G_OBJECT_CLASS (vigil_customer_page_parent_class)->finalize (object);
}

static void
vigil_customer_page_class_init (VigilCustomerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vigil_customer_page_dispose;
  object_class->finalize = vigil_customer_page_finalize;

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

  g_type_ensure (VIGIL_TYPE_PULSE_SECTION);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/vigil/Vigil/vigil-customer-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, active_label);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, active_row);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, breakdown_list);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, churn_label);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, churn_row);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, churned_button);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, features_group);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, features_list);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, health_label);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, history_box);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, history_message);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, history_spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, history_stack);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, mrr_label);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, outcomes_list);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, pulse_section);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, records_group);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, records_list);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, renewal_label);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, renewal_row);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, renewed_button);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, seats_label);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, seats_row);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, snapshot_label);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, snapshot_row);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, tier_label);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, trend_label);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, triggers_group);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, triggers_list);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, usage_box);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, usage_message);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, usage_spinner);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, usage_stack);
  gtk_widget_class_bind_template_child (widget_class, VigilCustomerPage, window_title);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, churned_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, renewed_clicked_cb);
}

static GtkWidget *
new_chart (const char *accessible_label,
           int         height)
{
  GtkWidget *chart = vigil_chart_view_new (accessible_label);

  gtk_widget_set_size_request (chart, -1, height);
  gtk_widget_set_hexpand (chart, TRUE);
  return chart;
}

static void
vigil_customer_page_init (VigilCustomerPage *self)
{
  GtkWidget *heading;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->pulse_section, "show-toast", G_CALLBACK (toast), self);

  self->cancellable = g_cancellable_new ();
  self->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->health = g_array_new (FALSE, FALSE, sizeof (double));
  self->calls = g_array_new (FALSE, FALSE, sizeof (double));
  self->seats_used = g_array_new (FALSE, FALSE, sizeof (double));
  self->markers = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->healthy_cutoff = 85;
  self->at_risk_cutoff = 60;

  self->history_chart = VIGIL_CHART_VIEW (new_chart (_("Health history"), 240));
  vigil_chart_view_set_draw_func (self->history_chart, history_draw, self, NULL);
  vigil_chart_view_set_tooltip_func (self->history_chart, history_tooltip, self, NULL);
  gtk_box_append (self->history_box, GTK_WIDGET (self->history_chart));

  self->calls_series = (UsageSeries) { self, self->calls, _("API calls in 7 days"), FALSE };
  self->calls_chart = VIGIL_CHART_VIEW (new_chart (_("API calls in 7 days over time"), 180));
  vigil_chart_view_set_draw_func (self->calls_chart, usage_draw, &self->calls_series, NULL);
  vigil_chart_view_set_tooltip_func (self->calls_chart, usage_tooltip, &self->calls_series, NULL);
  gtk_box_append (self->usage_box, GTK_WIDGET (self->calls_chart));

  heading = gtk_label_new (_("Seats Used"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_set_margin_top (heading, 12);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (self->usage_box, heading);
  self->seats_heading = heading;
  self->seats_series = (UsageSeries) { self, self->seats_used, _("Seats used"), TRUE };
  self->seats_chart = VIGIL_CHART_VIEW (new_chart (_("Seats used over time"), 160));
  vigil_chart_view_set_draw_func (self->seats_chart, usage_draw, &self->seats_series, NULL);
  vigil_chart_view_set_tooltip_func (self->seats_chart, usage_tooltip, &self->seats_series, NULL);
  gtk_box_append (self->usage_box, GTK_WIDGET (self->seats_chart));
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
    {
      g_signal_connect_object (portfolio, "loaded", G_CALLBACK (portfolio_loaded_cb), self, G_CONNECT_SWAPPED);
      vigil_pulse_section_set_portfolio (self->pulse_section, portfolio);
    }
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
  g_set_object (&self->customer, customer);
  self->store_id = vigil_customer_get_store_id (customer);
  if (!same)
    {
      drop_history (self);
      adw_expander_row_set_expanded (self->snapshot_row, FALSE);
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
    }
  refresh (self);
  load_history (self);
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
  return GTK_WIDGET (self->breakdown_list);
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
