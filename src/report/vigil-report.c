/* vigil-report.c: the weekly PDF report (design 6), page by page
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-report"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vigil-charts.h"

#include "vigil-report.h"
#include "vigil-report-data.h"
#include "vigil-report-layout.h"

#define SECONDS_PER_DAY G_GINT64_CONSTANT (86400)

#define N_TOP_RISKS 10
#define N_UPSELLS 15
#define N_MOVERS 5
#define TITLE_SIZE 24.0
#define SUBTITLE_SIZE 13.0
#define BODY_SIZE 9.5
#define SMALL_SIZE 8.5
#define TABLE_SIZE 8.0
#define CHART_FONT_SIZE 8.0
#define HISTOGRAM_BINS 10

typedef struct
{
  VigilReportData *data;
} Report;

/* Labels ------------------------------------------------------------------ */

static const char *
get_rule_label (VigilTriggerRule rule)
{
  switch (rule)
    {
    case VIGIL_TRIGGER_SEAT_EXPANSION: return _("Seat expansion");
    case VIGIL_TRIGGER_PLAN_LIMIT: return _("Plan limit");
    case VIGIL_TRIGGER_ADVOCATE: return _("Advocate");
    case VIGIL_TRIGGER_HEALTH_DROP: return _("Health drop");
    case VIGIL_TRIGGER_GONE_SILENT: return _("Gone silent");
    case VIGIL_TRIGGER_RENEWAL_RISK: return _("Renewal risk");
    case VIGIL_N_TRIGGER_RULES:
    default: return "";
    }
}

static VigilReportInk
get_tier_ink (VigilTier tier)
{
  switch (tier)
    {
    case VIGIL_TIER_HEALTHY: return VIGIL_REPORT_INK_HEALTHY;
    case VIGIL_TIER_AT_RISK: return VIGIL_REPORT_INK_AT_RISK;
    case VIGIL_TIER_HIGH_RISK: return VIGIL_REPORT_INK_HIGH_RISK;
    case VIGIL_TIER_NONE:
    case VIGIL_N_TIERS:
    default: return VIGIL_REPORT_INK_DIM;
    }
}

static const char *
get_tier_label (VigilTier tier)
{
  return tier > VIGIL_TIER_NONE && tier < VIGIL_N_TIERS ? vigil_tier_get_label (tier) : "—";
}

static const char *
get_name (const VigilPortfolioRow *row)
{
  const VigilSnapshot *s = row->latest;

  return s->name != NULL && *s->name != '\0' ? s->name : s->customer_id;
}

static char *
format_week_dates (const VigilReportData *data)
{
  g_autofree char *from = vigil_report_format_day (data->first_day, TRUE);
  g_autofree char *to = vigil_report_format_day (data->first_day + 6, TRUE);

  /* Translators: week number, year, first day, last day */
  return g_strdup_printf (_("Week %d, %d · %s – %s"), data->iso_week, data->iso_year, from, to);
}

/* The cover and the headline figures -------------------------------------- */

typedef enum
{
  HEADLINE_CUSTOMERS,
  HEADLINE_AVERAGE_HEALTH,
  HEADLINE_HEALTHY,
  HEADLINE_HEALTHY_MRR,
  HEADLINE_AT_RISK,
  HEADLINE_AT_RISK_MRR,
  HEADLINE_HIGH_RISK,
  HEADLINE_HIGH_RISK_MRR,
  HEADLINE_MRR,
  HEADLINE_MRR_AT_RISK,
  HEADLINE_NEW_RISK_TRIGGERS,
  HEADLINE_NEW_UPSELL_TRIGGERS,
  HEADLINE_CHURNED,
  HEADLINE_RENEWED,
  N_HEADLINES
} Headline;

static const char *
get_headline_label (Headline headline)
{
  switch (headline)
    {
    case HEADLINE_CUSTOMERS: return _("Customers");
    case HEADLINE_AVERAGE_HEALTH: return _("Average health");
    case HEADLINE_HEALTHY: return _("Healthy customers");
    case HEADLINE_HEALTHY_MRR: return _("Healthy MRR");
    case HEADLINE_AT_RISK: return _("At-risk customers");
    case HEADLINE_AT_RISK_MRR: return _("At-risk MRR");
    case HEADLINE_HIGH_RISK: return _("High-risk customers");
    case HEADLINE_HIGH_RISK_MRR: return _("High-risk MRR");
    case HEADLINE_MRR: return _("Total MRR");
    case HEADLINE_MRR_AT_RISK: return _("MRR at risk (at risk and high risk)");
    case HEADLINE_NEW_RISK_TRIGGERS: return _("New risk triggers");
    case HEADLINE_NEW_UPSELL_TRIGGERS: return _("New upsell triggers");
    case HEADLINE_CHURNED: return _("Outcomes recorded: churned");
    case HEADLINE_RENEWED: return _("Outcomes recorded: renewed");
    case N_HEADLINES:
    default: return "";
    }
}

/* A headline's value: a count, money or a score (then @out_decimals ≥ 0). */
static double
get_headline_value (const VigilReportFigures *f,
                    Headline                  headline,
                    gboolean                 *out_money,
                    int                      *out_decimals)
{
  *out_money = FALSE;
  *out_decimals = -1;
  switch (headline)
    {
    case HEADLINE_CUSTOMERS: return f->customers;
    case HEADLINE_AVERAGE_HEALTH: *out_decimals = 1; return f->average_health;
    case HEADLINE_HEALTHY: return f->tier_customers[VIGIL_TIER_HEALTHY];
    case HEADLINE_AT_RISK: return f->tier_customers[VIGIL_TIER_AT_RISK];
    case HEADLINE_HIGH_RISK: return f->tier_customers[VIGIL_TIER_HIGH_RISK];
    case HEADLINE_HEALTHY_MRR: *out_money = TRUE; return f->tier_mrr[VIGIL_TIER_HEALTHY];
    case HEADLINE_AT_RISK_MRR: *out_money = TRUE; return f->tier_mrr[VIGIL_TIER_AT_RISK];
    case HEADLINE_HIGH_RISK_MRR: *out_money = TRUE; return f->tier_mrr[VIGIL_TIER_HIGH_RISK];
    case HEADLINE_MRR: *out_money = TRUE; return f->mrr;
    case HEADLINE_MRR_AT_RISK: *out_money = TRUE; return f->mrr_at_risk;
    case HEADLINE_NEW_RISK_TRIGGERS: return f->new_risk_triggers;
    case HEADLINE_NEW_UPSELL_TRIGGERS: return f->new_upsell_triggers;
    case HEADLINE_CHURNED: return f->churned;
    case HEADLINE_RENEWED: return f->renewed;
    case N_HEADLINES:
    default: return NAN;
    }
}

static char *
headline_cell (guint           row,
               guint           column,
               VigilReportInk *out_ink,
               gpointer        user_data)
{
  Report *report = user_data;
  Headline headline = (Headline) row;
  gboolean money;
  int decimals;
  double now = get_headline_value (&report->data->now, headline, &money, &decimals);
  double before = get_headline_value (&report->data->before, headline, &money, &decimals);
  double value = column == 1 ? now : before;

  switch (column)
    {
    case 0:
      return g_strdup (get_headline_label (headline));
    case 1:
    case 2:
      if (column == 2)
        *out_ink = VIGIL_REPORT_INK_DIM;
      if (money)
        return vigil_report_format_money (value);
      if (decimals >= 0)
        return vigil_report_format_decimal (value, decimals);
      return vigil_report_format_count ((gint64) value);
    case 3:
    default:
      if (money)
        return vigil_report_format_money_change (now - before);
      return vigil_report_format_change (now - before, MAX (decimals, 0));
    }
}

static void
render_cover (VigilReportLayout *layout,
              Report            *report)
{
  const VigilReportData *data = report->data;
  double left = vigil_report_layout_get_left (layout);
  double width = vigil_report_layout_get_width (layout);
  g_autofree char *dates = format_week_dates (data);
  g_autofree char *as_of = vigil_report_format_time (data->end - 1);
  g_autofree char *details = NULL;
  g_autofree char *model = NULL;
  g_autofree char *owner = NULL;
  double y;
  static const VigilReportColumn columns[] = {
    { N_("Figure"), 0.46, FALSE },
    { N_("This week"), 0.18, TRUE },
    { N_("Week before"), 0.18, TRUE },
    { N_("Change"), 0.18, TRUE },
  };
  VigilReportColumn translated[G_N_ELEMENTS (columns)];

  vigil_report_layout_new_page (layout);
  y = vigil_report_layout_get_y (layout) + 30;
  vigil_report_layout_fill_rect (layout, left, y - 14, 48, 4, VIGIL_REPORT_INK_ACCENT);
  y += vigil_report_layout_text_at (layout, _("Weekly customer health report"), left, y, width,
                                    TITLE_SIZE, TRUE, VIGIL_REPORT_INK_TEXT, PANGO_ALIGN_LEFT);
  y += 6;
  y += vigil_report_layout_text_at (layout, dates, left, y, width, SUBTITLE_SIZE, FALSE,
                                    VIGIL_REPORT_INK_TEXT, PANGO_ALIGN_LEFT);
  y += 4;
  owner = data->owner != NULL ? g_strdup_printf (_("Owner: %s"), data->owner) : g_strdup (_("All owners"));
  y += vigil_report_layout_text_at (layout, owner, left, y, width, SUBTITLE_SIZE, FALSE,
                                    VIGIL_REPORT_INK_TEXT, PANGO_ALIGN_LEFT);
  y += 14;

  if (data->model_is_default)
    model = g_strdup (_("the default churn model"));
  else if (!isnan (data->model_auc))
    model = g_strdup_printf (_("the churn model refit on recorded outcomes (AUC %.2f)"), data->model_auc);
  else
    model = g_strdup (_("the churn model refit on recorded outcomes"));
  details = g_strdup_printf (_("Figures as of %s, the end of the week. Health from scorecard version %"
                               PRId64 ", churn risk from %s. Week-over-week changes compare "
                               "with the end of the week before."),
                             as_of, data->scorecard_version, model);
  y += vigil_report_layout_text_at (layout, details, left, y, width, SMALL_SIZE, FALSE,
                                    VIGIL_REPORT_INK_DIM, PANGO_ALIGN_LEFT);
  vigil_report_layout_set_y (layout, y + 10);

  vigil_report_layout_heading (layout, _("Headline figures"), 100);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    translated[i] = (VigilReportColumn) { _(columns[i].title), columns[i].share, columns[i].numeric };
  vigil_report_layout_table (layout, translated, G_N_ELEMENTS (translated), N_HEADLINES, BODY_SIZE,
                             headline_cell, report);
}

/* Charts ------------------------------------------------------------------- */

static void
draw_chart_title (VigilReportLayout *layout,
                  const char        *title,
                  double             x,
                  double             y,
                  double             width)
{
  vigil_report_layout_text_at (layout, title, x, y, width, BODY_SIZE, TRUE,
                               VIGIL_REPORT_INK_TEXT, PANGO_ALIGN_LEFT);
}

static void
render_charts (VigilReportLayout *layout,
               Report            *report)
{
  const VigilReportData *data = report->data;
  cairo_t *cr = vigil_report_layout_get_cairo (layout);
  double left = vigil_report_layout_get_left (layout);
  double width = vigil_report_layout_get_width (layout);
  double gap = 18;
  double half = (width - gap) / 2;
  double small_h = 170;
  double wide_h = 210;
  double title_h = 18;
  double y;
  VigilChartStyle style;
  g_autofree char *trend_title = NULL;

  vigil_chart_style_init (&style, FALSE);
  style.font_size = CHART_FONT_SIZE;
  style.font_features = VIGIL_REPORT_FONT_FEATURES;

  vigil_report_layout_heading (layout, _("Portfolio health"), title_h + small_h + 10 + title_h + wide_h);
  y = vigil_report_layout_get_y (layout) + 4;

  draw_chart_title (layout, _("Customers per tier"), left, y, half);
  draw_chart_title (layout, _("Health score distribution"), left + half + gap, y, half);
  y += title_h;
  if (!vigil_report_layout_is_dry_run (layout))
    {
      double counts[3] = {
        data->now.tier_customers[VIGIL_TIER_HEALTHY],
        data->now.tier_customers[VIGIL_TIER_AT_RISK],
        data->now.tier_customers[VIGIL_TIER_HIGH_RISK],
      };

      cairo_save (cr);
      cairo_translate (cr, left, y);
      vigil_chart_tier_distribution (cr, half, small_h, &style, counts, NULL);
      cairo_restore (cr);

      cairo_save (cr);
      cairo_translate (cr, left + half + gap, y);
      vigil_chart_histogram (cr, half, small_h, &style, data->scores, data->n_scores, HISTOGRAM_BINS,
                             data->healthy_cutoff, data->at_risk_cutoff);
      cairo_restore (cr);
    }
  y += small_h + 10;

  trend_title = g_strdup_printf (_("Average health at the end of each of the last %u weeks"), data->n_trend);
  draw_chart_title (layout, trend_title, left, y, width);
  y += title_h;
  if (!vigil_report_layout_is_dry_run (layout))
    {
      cairo_save (cr);
      cairo_translate (cr, left, y);
      vigil_chart_health_history (cr, width, wide_h, &style, data->trend_times, data->trend_values,
                                  data->n_trend, data->healthy_cutoff, data->at_risk_cutoff, NULL, 0);
      cairo_restore (cr);
    }
  vigil_report_layout_set_y (layout, y + wide_h);
}

/* Top risks, upsells, movers ------------------------------------------------ */

static char *
describe_customer (const VigilPortfolioRow *row)
{
  g_autofree char *health = vigil_report_format_decimal (row->score.health, 1);
  g_autofree char *trend = vigil_report_format_change (row->trends[VIGIL_TREND_7D], 1);
  g_autofree char *mrr = vigil_report_format_money (row->latest->mrr);
  g_autofree char *renewal = vigil_report_format_day (row->latest->renewal_day, FALSE);
  const char *owner = row->latest->owner != NULL ? row->latest->owner : "—";

  /* Translators: health, tier, 7-day trend, MRR, renewal date, owner */
  return g_strdup_printf (_("Health %s (%s) · 7-day trend %s · MRR %s · renews %s · owner %s"),
                          health, get_tier_label (row->score.tier), trend, mrr, renewal, owner);
}

/* design 6: when the CSM last touched the customer (design 3.4), as the
 * book stood at the week's end. */
static char *
describe_last_touch (const VigilPortfolioRow *row,
                     gint64                   week_end)
{
  g_autofree char *day = NULL;
  gint64 days;

  if (row->last_touch == VIGIL_UNKNOWN)
    return g_strdup (_("Last touch: none logged"));
  day = vigil_report_format_day (vigil_time_get_day (row->last_touch), FALSE);
  days = MAX (week_end - row->last_touch, 0) / 86400;
  /* TRANSLATORS: a date and how long before the end of the report's week it was */
  return g_strdup_printf (ngettext ("Last touch: %s, %" PRId64 " day before the week’s end",
                                    "Last touch: %s, %" PRId64 " days before the week’s end", days),
                          day, days);
}

static void
render_top_risks (VigilReportLayout *layout,
                  Report            *report)
{
  const VigilReportData *data = report->data;
  double left = vigil_report_layout_get_left (layout);
  double width = vigil_report_layout_get_width (layout);
  guint n = data->n_top_risks;

  vigil_report_layout_heading (layout, _("Top risks: most likely to churn"), 60);
  if (n == 0)
    {
      vigil_report_layout_paragraph (layout, _("No customer has a churn risk: none has a health score."),
                                     0, BODY_SIZE, FALSE, VIGIL_REPORT_INK_DIM);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      const VigilReportCustomer *customer = &g_array_index (data->customers, VigilReportCustomer, i);
      const VigilPortfolioRow *row = customer->row;
      g_autofree char *title = g_strdup_printf ("%u. %s", i + 1, get_name (row));
      g_autofree char *risk_number = vigil_report_format_percent (customer->churn_risk);
      g_autofree char *risk = g_strdup_printf (_("Churn risk %s"), risk_number);
      g_autofree char *line = describe_customer (row);
      g_autofree char *joined = customer->reasons != NULL && customer->reasons[0] != NULL
                                ? g_strjoinv ("; ", customer->reasons) : g_strdup (_("no single factor stands out"));
      g_autofree char *why = g_strdup_printf (_("Why: %s"), joined);
      g_autofree char *play = g_strdup_printf (_("Suggested play: %s"), vigil_trigger_play_for_tier (row->score.tier));
      g_autofree char *touch = describe_last_touch (row, data->end);
      double risk_w = 110;
      double height = vigil_report_layout_measure (layout, title, 10.5, TRUE, width - risk_w)
                      + vigil_report_layout_measure (layout, line, SMALL_SIZE, FALSE, width - 14)
                      + vigil_report_layout_measure (layout, why, SMALL_SIZE, FALSE, width - 14)
                      + vigil_report_layout_measure (layout, touch, SMALL_SIZE, FALSE, width - 14)
                      + vigil_report_layout_measure (layout, play, SMALL_SIZE, FALSE, width - 14) + 10;
      double y;

      vigil_report_layout_ensure_space (layout, height);
      y = vigil_report_layout_get_y (layout);
      vigil_report_layout_text_at (layout, risk, left + width - risk_w, y, risk_w, 10.5, TRUE,
                                   get_tier_ink (row->score.tier), PANGO_ALIGN_RIGHT);
      y += vigil_report_layout_text_at (layout, title, left, y, width - risk_w, 10.5, TRUE,
                                        VIGIL_REPORT_INK_TEXT, PANGO_ALIGN_LEFT);
      y += vigil_report_layout_text_at (layout, line, left + 14, y, width - 14, SMALL_SIZE, FALSE,
                                        VIGIL_REPORT_INK_DIM, PANGO_ALIGN_LEFT);
      y += vigil_report_layout_text_at (layout, why, left + 14, y, width - 14, SMALL_SIZE, FALSE,
                                        VIGIL_REPORT_INK_TEXT, PANGO_ALIGN_LEFT);
      y += vigil_report_layout_text_at (layout, touch, left + 14, y, width - 14, SMALL_SIZE, FALSE,
                                        VIGIL_REPORT_INK_DIM, PANGO_ALIGN_LEFT);
      y += vigil_report_layout_text_at (layout, play, left + 14, y, width - 14, SMALL_SIZE, FALSE,
                                        VIGIL_REPORT_INK_ACCENT, PANGO_ALIGN_LEFT);
      vigil_report_layout_set_y (layout, y + 10);
    }
}

static char *
upsell_cell (guint           row,
             guint           column,
             VigilReportInk *out_ink,
             gpointer        user_data)
{
  Report *report = user_data;
  const VigilReportUpsell *upsell = &g_array_index (report->data->upsells, VigilReportUpsell, row);

  switch (column)
    {
    case 0: return g_strdup (get_name (upsell->customer->row));
    case 1: return g_strdup (get_rule_label (upsell->rule));
    case 2: return g_strdup (upsell->evidence);
    case 3:
    default: return vigil_report_format_money (upsell->customer->row->latest->mrr);
    }
}

static void
render_upsells (VigilReportLayout *layout,
                Report            *report)
{
  const VigilReportData *data = report->data;
  guint n = MIN (N_UPSELLS, data->upsells->len);
  static const VigilReportColumn columns[] = {
    { N_("Customer"), 0.27, FALSE },
    { N_("Opportunity"), 0.15, FALSE },
    { N_("Evidence"), 0.45, FALSE },
    { N_("MRR"), 0.13, TRUE },
  };
  VigilReportColumn translated[G_N_ELEMENTS (columns)];

  vigil_report_layout_heading (layout, _("Upsell opportunities"), 60);
  if (n == 0)
    {
      vigil_report_layout_paragraph (layout, _("No upsell condition held at the end of the week."),
                                     0, BODY_SIZE, FALSE, VIGIL_REPORT_INK_DIM);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    translated[i] = (VigilReportColumn) { _(columns[i].title), columns[i].share, columns[i].numeric };
  vigil_report_layout_table (layout, translated, G_N_ELEMENTS (translated), n, TABLE_SIZE,
                             upsell_cell, report);
  if (data->upsells->len > n)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("And %u more opportunity, with smaller MRR.",
                                                         "And %u more opportunities, with smaller MRR.",
                                                         data->upsells->len - n),
                                               data->upsells->len - n);

      vigil_report_layout_skip (layout, 4);
      vigil_report_layout_paragraph (layout, more, 0, SMALL_SIZE, FALSE, VIGIL_REPORT_INK_DIM);
    }
}

typedef struct
{
  Report    *report;
  GPtrArray *movers;
} MoverTable;

static char *
mover_cell (guint           row,
            guint           column,
            VigilReportInk *out_ink,
            gpointer        user_data)
{
  MoverTable *table = user_data;
  const VigilReportCustomer *customer = g_ptr_array_index (table->movers, row);
  const VigilPortfolioRow *r = customer->row;

  switch (column)
    {
    case 0: return g_strdup (get_name (r));
    case 1: return g_strdup (r->latest->owner);
    case 2:
      *out_ink = get_tier_ink (r->score.tier);
      return g_strdup (get_tier_label (r->score.tier));
    case 3: return vigil_report_format_decimal (r->score.health, 1);
    case 4:
    default:
      *out_ink = r->trends[VIGIL_TREND_7D] < 0 ? VIGIL_REPORT_INK_HIGH_RISK : VIGIL_REPORT_INK_HEALTHY;
      return vigil_report_format_change (r->trends[VIGIL_TREND_7D], 1);
    }
}

static void
render_movers (VigilReportLayout *layout,
               Report            *report)
{
  const VigilReportData *data = report->data;
  static const VigilReportColumn columns[] = {
    { N_("Customer"), 0.40, FALSE },
    { N_("Owner"), 0.24, FALSE },
    { N_("Tier"), 0.12, FALSE },
    { N_("Health"), 0.11, TRUE },
    { N_("7 days"), 0.13, TRUE },
  };
  VigilReportColumn translated[G_N_ELEMENTS (columns)];
  GPtrArray *lists[2] = { data->movers_up, data->movers_down };
  const char *titles[2] = { _("Up the most over 7 days"), _("Down the most over 7 days") };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    translated[i] = (VigilReportColumn) { _(columns[i].title), columns[i].share, columns[i].numeric };

  vigil_report_layout_heading (layout, _("Biggest movers"), 80);
  for (guint l = 0; l < 2; l++)
    {
      MoverTable table = { report, lists[l] };
      guint n = MIN (N_MOVERS, lists[l]->len);

      if (l > 0)
        vigil_report_layout_skip (layout, 10);
      vigil_report_layout_ensure_space (layout, 80);
      vigil_report_layout_paragraph (layout, titles[l], 0, BODY_SIZE, TRUE, VIGIL_REPORT_INK_TEXT);
      vigil_report_layout_skip (layout, 2);
      if (n == 0)
        vigil_report_layout_paragraph (layout, _("None."), 0, SMALL_SIZE, FALSE, VIGIL_REPORT_INK_DIM);
      else
        vigil_report_layout_table (layout, translated, G_N_ELEMENTS (translated), n, TABLE_SIZE,
                                   mover_cell, &table);
    }
}

/* The portfolio table ------------------------------------------------------ */

static char *
portfolio_cell (guint           row,
                guint           column,
                VigilReportInk *out_ink,
                gpointer        user_data)
{
  Report *report = user_data;
  const VigilReportCustomer *customer = &g_array_index (report->data->customers, VigilReportCustomer, row);
  const VigilPortfolioRow *r = customer->row;

  switch (column)
    {
    case 0: return g_strdup_printf ("%u", row + 1);
    case 1: return g_strdup (get_name (r));
    case 2: return g_strdup (r->latest->owner);
    case 3:
      *out_ink = get_tier_ink (r->score.tier);
      return g_strdup (get_tier_label (r->score.tier));
    case 4: return vigil_report_format_decimal (r->score.health, 1);
    case 5: return vigil_report_format_change (r->trends[VIGIL_TREND_7D], 1);
    case 6: return vigil_report_format_percent (customer->churn_risk);
    case 7: return vigil_report_format_money (r->latest->mrr);
    case 8:
    default: return vigil_report_format_day (r->latest->renewal_day, FALSE);
    }
}

static void
render_portfolio (VigilReportLayout *layout,
                  Report            *report)
{
  static const VigilReportColumn columns[] = {
    { N_("#"), 0.05, TRUE },
    { N_("Customer"), 0.25, FALSE },
    { N_("Owner"), 0.14, FALSE },
    { N_("Tier"), 0.09, FALSE },
    { N_("Health"), 0.08, TRUE },
    { N_("7 days"), 0.08, TRUE },
    { N_("Churn risk"), 0.10, TRUE },
    { N_("MRR"), 0.09, TRUE },
    { N_("Renewal"), 0.12, TRUE },
  };
  VigilReportColumn translated[G_N_ELEMENTS (columns)];
  guint n = report->data->customers->len;
  g_autofree char *count = vigil_report_format_count (n);
  g_autofree char *title = g_strdup_printf (ngettext ("Portfolio by churn risk (%s customer)",
                                                      "Portfolio by churn risk (%s customers)", n), count);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    translated[i] = (VigilReportColumn) { _(columns[i].title), columns[i].share, columns[i].numeric };

  vigil_report_layout_heading (layout, title, 80);
  vigil_report_layout_table (layout, translated, G_N_ELEMENTS (translated), n, TABLE_SIZE,
                             portfolio_cell, report);
}

/* The whole document, on either pass. */
static void
render (VigilReportLayout *layout,
        Report            *report)
{
  const VigilReportData *data = report->data;
  g_autofree char *week = vigil_iso_week_format (data->iso_year, data->iso_week);
  g_autofree char *running = g_strdup_printf (_("Weekly customer health report · %s · %s"), week,
                                              data->owner != NULL ? data->owner : _("All owners"));

  vigil_report_layout_set_running_title (layout, running);
  render_cover (layout, report);
  vigil_report_layout_new_page (layout);
  render_charts (layout, report);
  vigil_report_layout_skip (layout, 6);
  render_movers (layout, report);
  vigil_report_layout_new_page (layout);
  render_top_risks (layout, report);
  render_upsells (layout, report);
  render_portfolio (layout, report);
  vigil_report_layout_finish (layout);
}

/* Writing the file --------------------------------------------------------- */

typedef struct
{
  int fd;
  int saved_errno;
} Sink;

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  Sink *sink = closure;

  while (length > 0)
    {
      ssize_t n = write (sink->fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          sink->saved_errno = n < 0 ? errno : EIO;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += n;
      length -= (unsigned int) n;
    }
  return CAIRO_STATUS_SUCCESS;
}

static void
set_metadata (cairo_surface_t       *surface,
              const VigilReportData *data)
{
  g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (data->end - 1);
  g_autofree char *date = g_date_time_format (end, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *week = vigil_iso_week_format (data->iso_year, data->iso_week);
  g_autofree char *title = g_strdup_printf (_("Weekly customer health report %s"), week);

  /* Dates from the week, not the clock: the same book gives the same bytes. */
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Vigil " PACKAGE_VERSION);
  if (data->owner != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, data->owner);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

static gboolean
render_to_fd (Report      *report,
              int          fd,
              double       page_width,
              double       page_height,
              GError     **error)
{
  Sink sink = { fd, 0 };
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  guint n_pages;

  surface = cairo_pdf_surface_create_for_stream (write_cb, &sink, page_width, page_height);
  cairo_pdf_surface_restrict_to_version (surface, CAIRO_PDF_VERSION_1_5);
  set_metadata (surface, report->data);
  cr = cairo_create (surface);

  /* First pass: measure and count the pages, for "n of N". */
  {
    g_autoptr(VigilReportLayout) layout = vigil_report_layout_new (cr, page_width, page_height, TRUE, 0);

    render (layout, report);
    n_pages = vigil_report_layout_get_page (layout);
  }
  /* Second pass: draw. */
  {
    g_autoptr(VigilReportLayout) layout = vigil_report_layout_new (cr, page_width, page_height, FALSE, n_pages);

    render (layout, report);
    g_assert (vigil_report_layout_get_page (layout) == n_pages);
  }

  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (sink.saved_errno != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (sink.saved_errno),
                   _("Cannot write the report: %s"), g_strerror (sink.saved_errno));
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("Cannot draw the report: %s"), cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* Public API ---------------------------------------------------------------- */

/**
 * vigil_report_write_pdf:
 * @options: the week, the owner (or all) and the paper
 * @path: the PDF file to write (replaced only on success)
 *
 * Writes the weekly report of design 6. The file is written beside @path
 * under a temporary name and renamed over it only when complete, so a
 * failure leaves no partial file. The same database, week, owner and
 * paper give the same bytes.
 *
 * Returns: %FALSE with @error set: %VIGIL_ERROR_NOT_FOUND for an owner
 *   without customers or a week without data, else a file or database error
 */
gboolean
vigil_report_write_pdf (VigilStore               *store,
                        const VigilReportOptions *options,
                        const char               *path,
                        GError                  **error)
{
  g_autoptr(VigilReportData) data = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *temp_path = NULL;
  Report report = { NULL, };
  double page_width, page_height;
  int fd;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (store), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(data = vigil_report_data_gather (store, options->iso_year, options->iso_week, options->owner,
                                         N_TOP_RISKS, error)))
    return FALSE;
  report.data = data;
  vigil_report_paper_get_size (options->paper, &page_width, &page_height);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  temp_path = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  if ((fd = g_mkstemp_full (temp_path, O_WRONLY, 0666)) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write the report in %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  ok = render_to_fd (&report, fd, page_width, page_height, error);
  if (ok && fsync (fd) != 0 && errno != EINVAL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write the report: %s"), g_strerror (saved_errno));
      ok = FALSE;
    }
  if (close (fd) != 0 && ok)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write the report: %s"), g_strerror (saved_errno));
      ok = FALSE;
    }
  if (ok && g_rename (temp_path, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot save the report as %s: %s"), path, g_strerror (saved_errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (temp_path);
  return ok;
}

/**
 * vigil_report_get_default_week:
 * @now: the time to count back from (Unix seconds)
 * @owner: (nullable): only this owner's customers
 *
 * The week a report is for when none is named: the last full ISO week
 * before @now, or, when the history ends earlier, the week of the newest
 * observation.
 *
 * Returns: %FALSE with @error set when there is no history at all
 */
gboolean
vigil_report_get_default_week (VigilStore  *store,
                               gint64       now,
                               const char  *owner,
                               int         *out_year,
                               int         *out_week,
                               GError     **error)
{
  gint64 customers = 0, first = 0, last = 0;
  gint32 monday;
  int year, week;

  g_return_val_if_fail (VIGIL_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_year != NULL && out_week != NULL, FALSE);

  if (!vigil_store_get_history_span (store, owner, &customers, &first, &last, error))
    return FALSE;
  if (owner != NULL && customers == 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND, _("No customers owned by “%s”"), owner);
      return FALSE;
    }
  if (last == 0)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND,
                           _("No data to report on: the database holds no history yet"));
      return FALSE;
    }
  if (!vigil_report_last_full_week (now, &year, &week) ||
      !vigil_iso_week_get_first_day (year, week, &monday))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("The date is out of range"));
      return FALSE;
    }
  if (last < (gint64) monday * SECONDS_PER_DAY)
    vigil_iso_week_from_day ((gint32) (last / SECONDS_PER_DAY), &year, &week);
  *out_year = year;
  *out_week = week;
  return TRUE;
}
