/* vigil-report.h: the weekly PDF report (design 6); the one header users
 * of libvigil-report include
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-core.h"

#include "vigil-iso-week.h"
#include "vigil-report-format.h"

G_BEGIN_DECLS

/**
 * VigilReportOptions:
 * @iso_year: the ISO year of the week
 * @iso_week: the ISO week, 1..53
 * @owner: (nullable): only this owner's customers; %NULL for all owners
 * @paper: the paper size; %VIGIL_REPORT_PAPER_AUTO follows LC_PAPER
 */
typedef struct
{
  int               iso_year;
  int               iso_week;
  const char       *owner;
  VigilReportPaper  paper;
} VigilReportOptions;

gboolean vigil_report_write_pdf        (VigilStore               *store,
                                        const VigilReportOptions *options,
                                        const char               *path,
                                        GError                  **error);
gboolean vigil_report_get_default_week (VigilStore               *store,
                                        gint64                    now,
                                        const char               *owner,
                                        int                      *out_year,
                                        int                      *out_week,
                                        GError                  **error);

G_END_DECLS
