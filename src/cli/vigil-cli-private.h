/* vigil-cli-private.h: what the files of the command line share
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "vigil-cli.h"

G_BEGIN_DECLS

/* What every command is run with. */
typedef struct
{
  char               *db_path;
  gboolean            db_given;
  VigilCliWindowFunc  open_window;
} CliContext;

typedef int (*CommandFunc) (CliContext *context,
                            int         argc,
                            char      **argv);

/* A row of a table of commands: `vigil`'s, `vigil db`'s. */
typedef struct
{
  const char  *name;
  const char  *parameters;
  const char  *summary;
  CommandFunc  run;
} Command;

G_END_DECLS
