/* vigil-scheduler.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-poller.h"
#include "vigil-store.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_SCHEDULER (vigil_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (VigilScheduler, vigil_scheduler, VIGIL, SCHEDULER, GObject)

VigilScheduler *vigil_scheduler_new        (VigilStore      *store,
                                            VigilPoller     *poller,
                                            GNetworkMonitor *monitor);
void            vigil_scheduler_start      (VigilScheduler  *self,
                                            guint            check_every_s);
void            vigil_scheduler_stop       (VigilScheduler  *self);
guint           vigil_scheduler_tick       (VigilScheduler  *self,
                                            gint64           now);
guint           vigil_scheduler_poll_now   (VigilScheduler  *self,
                                            const char      *source_name,
                                            GError         **error);
gboolean        vigil_scheduler_is_polling (VigilScheduler  *self,
                                            const char      *source_name);

G_END_DECLS
