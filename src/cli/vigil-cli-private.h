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

/* vigil-cli-options.c */
int      vigil_cli_usage_error        (const char   *format,
                                       ...) G_GNUC_PRINTF (1, 2);
gboolean vigil_cli_parse_options_full (const char   *parameters,
                                       const char   *summary,
                                       GOptionEntry *entries,
                                       gboolean      negative_numbers,
                                       int          *argc,
                                       char       ***argv,
                                       int          *out_status);
gboolean vigil_cli_parse_options      (const char   *parameters,
                                       const char   *summary,
                                       GOptionEntry *entries,
                                       int          *argc,
                                       char       ***argv,
                                       int          *out_status);

G_END_DECLS
