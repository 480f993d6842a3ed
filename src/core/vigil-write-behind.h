/* vigil-write-behind.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The file control that turns writing behind on or off for a database
 * opened through vigil_write_behind_get_vfs_name(): its argument points
 * to an int, 1 or 0. Above 100, as SQLite asks of an application's own. */
#define VIGIL_WRITE_BEHIND_FCNTL 0x56494701

const char *vigil_write_behind_get_vfs_name (void);
int         vigil_write_behind_set          (sqlite3  *db,
                                             gboolean  on);

G_END_DECLS
