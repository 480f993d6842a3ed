/* vigil-report-data.h: the figures of one week's report, from the store
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-core.h"

G_BEGIN_DECLS

/* The portfolio trend covers this many weeks, the report's week last. */
#define VIGIL_REPORT_TREND_WEEKS 12

/**
 * VigilReportFigures:
 *
 * The headline figures of the book as it stood at the end of a week.
 */
typedef struct
{
  guint  customers;
  double average_health;          /* NAN without scores */
  guint  tier_customers[VIGIL_N_TIERS];
  double tier_mrr[VIGIL_N_TIERS];
  double mrr;
  double mrr_at_risk;             /* at risk and high risk */
  guint  new_triggers;
  guint  new_risk_triggers;
  guint  new_upsell_triggers;
  guint  churned;
  guint  renewed;
} VigilReportFigures;

/**
 * VigilReportCustomer:
 * @row: (not owned): the customer as of the week's end
 * @churn_risk: the churn model's probability, NAN when unknown
 *   (vigil_churn_risk_of(): no health score, no risk)
 * @reasons: (nullable): the top factors in words (only for top risks)
 */
typedef struct
{
  const VigilPortfolioRow *row;
  double                   churn_risk;
  char                   **reasons;
} VigilReportCustomer;

/**
 * VigilReportUpsell:
 * @customer: (not owned)
 * @rule: the trigger rule's id
 * @evidence: (transfer full): why, in words
 */
typedef struct
{
  const VigilReportCustomer *customer;
  VigilTriggerRule           rule;
  char                      *evidence;
} VigilReportUpsell;

typedef struct
{
  int                  iso_year;
  int                  iso_week;
  char                *owner;           /* nullable */
  gint32               first_day;       /* Monday */
  gint64               start;           /* Monday 00:00 UTC */
  gint64               end;             /* the next Monday 00:00 UTC */

  gint64               scorecard_version;
  double               healthy_cutoff;
  double               at_risk_cutoff;
  gboolean             model_is_default;
  double               model_auc;

  VigilReportFigures   now;
  VigilReportFigures   before;          /* the week before */

  GPtrArray           *rows;            /* VigilPortfolioRow, as of the end */
  GArray              *customers;       /* VigilReportCustomer, by risk, unknown last */
  guint                n_top_risks;     /* the first customers that are top risks: known risks only */
  GPtrArray           *movers_up;       /* VigilReportCustomer *, best 7-day trend first */
  GPtrArray           *movers_down;     /* worst first */
  GArray              *upsells;         /* VigilReportUpsell */
  double              *scores;          /* known health scores, for the histogram */
  guint                n_scores;

  gint64               trend_times[VIGIL_REPORT_TREND_WEEKS];
  double               trend_values[VIGIL_REPORT_TREND_WEEKS];
  guint                n_trend;
} VigilReportData;

VigilReportData *vigil_report_data_gather (VigilStore   *store,
                                           int           iso_year,
                                           int           iso_week,
                                           const char   *owner,
                                           guint         n_top_risks,
                                           GError      **error);
void             vigil_report_data_free   (VigilReportData *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilReportData, vigil_report_data_free)

G_END_DECLS
