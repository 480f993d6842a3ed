/* vigil-cli-serve.h: vigil serve, one poller for a team
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `vigil serve [--once] [--reports DIR]` (design 4) on the book at
 * @db_path, its options parsed. Returns the exit status. */
int vigil_cli_serve (const char *db_path,
                     gboolean    once,
                     const char *reports_dir);

G_END_DECLS
