/* vigil-cli.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of every command. */
#define VIGIL_EXIT_OK 0
#define VIGIL_EXIT_FAILURE 1
#define VIGIL_EXIT_USAGE 2

/* Opens the window on a database and runs it until closed; returns the
 * exit status, or -1 when there is no display to open it on. */
typedef int (*VigilCliWindowFunc) (const char *db_path,
                                   gboolean    demo);

int vigil_cli_run (int                 argc,
                   char              **argv,
                   VigilCliWindowFunc  open_window);

G_END_DECLS
