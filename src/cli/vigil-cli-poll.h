/* vigil-cli-poll.h: polling sources from the command line, for `vigil
 * poll` and `vigil serve`
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-core.h"

G_BEGIN_DECLS

gboolean vigil_cli_poll_source  (VigilStore     *store,
                                 VigilPoller    *poller,
                                 VigilSource    *source);
gboolean vigil_cli_poll_sources (VigilStore     *store,
                                 VigilPoller    *poller,
                                 GPtrArray      *sources,
                                 gint64          due_at,
                                 gboolean        say_not_due,
                                 const gboolean *stop);

G_END_DECLS
