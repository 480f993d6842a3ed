/* vigil-application.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_APPLICATION (vigil_application_get_type ())

G_DECLARE_FINAL_TYPE (VigilApplication, vigil_application, VIGIL, APPLICATION, AdwApplication)

VigilApplication *vigil_application_new         (const char       *db_path,
                                                 GApplicationFlags flags);
VigilApplication *vigil_application_launch      (const char       *db_path,
                                                 GApplicationFlags flags);
VigilPortfolio   *vigil_application_take_portfolio (VigilApplication *self);
gboolean          vigil_application_find_gpu    (const char       *dev_dir);
const char       *vigil_application_get_db_path (VigilApplication *self);
int               vigil_application_run_window  (const char       *db_path,
                                                 gboolean          demo);
int               vigil_application_run_service (int               argc,
                                                 char            **argv);
gboolean          vigil_application_send_notification (GApplication  *application,
                                                       const char    *id,
                                                       GNotification *notification);

G_END_DECLS
