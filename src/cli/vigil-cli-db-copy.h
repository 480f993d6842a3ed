/* vigil-cli-db-copy.h: vigil db copy
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `vigil db copy --from BOOK --to BOOK [--merge]` (design 4); @argv[0]
 * is "copy". Returns the exit status. */
int vigil_cli_db_copy (int    argc,
                       char **argv);

G_END_DECLS
