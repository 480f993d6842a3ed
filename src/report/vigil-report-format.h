/* vigil-report-format.h: numbers, money, dates and paper for the locale
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * VigilReportPaper:
 * @VIGIL_REPORT_PAPER_AUTO: from the locale (LC_PAPER): US Letter where
 *   that is the norm (en_US, en_CA, es_MX, …), else A4
 * @VIGIL_REPORT_PAPER_A4: 210 × 297 mm
 * @VIGIL_REPORT_PAPER_LETTER: 8.5 × 11 in
 */
typedef enum
{
  VIGIL_REPORT_PAPER_AUTO,
  VIGIL_REPORT_PAPER_A4,
  VIGIL_REPORT_PAPER_LETTER,
} VigilReportPaper;

VigilReportPaper  vigil_report_paper_from_locale (void);
gboolean          vigil_report_paper_parse       (const char       *text,
                                                  VigilReportPaper *out_paper);
void              vigil_report_paper_get_size    (VigilReportPaper  paper,
                                                  double           *out_width,
                                                  double           *out_height);

char *vigil_report_format_count   (gint64  value);
char *vigil_report_format_decimal (double  value,
                                   int     decimals);
char *vigil_report_format_change  (double  value,
                                   int     decimals);
char *vigil_report_format_money   (double  value);
char *vigil_report_format_money_change (double value);
char *vigil_report_format_percent (double  fraction);
char *vigil_report_format_day     (gint32  day,
                                   gboolean long_form);
char *vigil_report_format_time    (gint64  time);

G_END_DECLS
