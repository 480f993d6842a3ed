/* vigil-demo-server.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-demo.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_DEMO_SERVER (vigil_demo_server_get_type ())

G_DECLARE_FINAL_TYPE (VigilDemoServer, vigil_demo_server, VIGIL, DEMO_SERVER, GObject)

/* The page size used when 0 is given. */
#define VIGIL_DEMO_SERVER_DEFAULT_PAGE_SIZE 500

/* The largest latency, in milliseconds, that the server accepts. */
#define VIGIL_DEMO_SERVER_MAX_LATENCY 600000

VigilDemoServer *vigil_demo_server_new            (VigilDemo        *demo,
                                                   guint             page_size);
gboolean         vigil_demo_server_listen         (VigilDemoServer  *self,
                                                   guint             port,
                                                   GError          **error);
guint            vigil_demo_server_get_port       (VigilDemoServer  *self);
char            *vigil_demo_server_get_url        (VigilDemoServer  *self);
void             vigil_demo_server_set_now        (VigilDemoServer  *self,
                                                   gint64            now);
guint64          vigil_demo_server_get_n_requests (VigilDemoServer  *self);
guint            vigil_demo_server_get_latency    (VigilDemoServer  *self);
void             vigil_demo_server_set_latency    (VigilDemoServer  *self,
                                                   guint             ms);

G_END_DECLS
