/* vigil-cli-db.h: `vigil db`, the team's book on PostgreSQL
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "vigil-cli-private.h"

G_BEGIN_DECLS

/* design 1.1: the kinds of people on a team's book. */
typedef enum
{
  VIGIL_CLI_PERSON_CSM,
  VIGIL_CLI_PERSON_MANAGER,
  VIGIL_CLI_PERSON_OPS,
} VigilCliPersonKind;

/* One argument of `vigil db roles`, KIND:ROLE[=OWNER]. */
typedef struct
{
  VigilCliPersonKind  kind;
  char               *role;
  char               *owner;
} VigilCliPerson;

void      vigil_cli_person_clear     (VigilCliPerson      *person);
gboolean  vigil_cli_person_parse     (const char          *argument,
                                      VigilCliPerson      *out_person,
                                      GError             **error);
char     *vigil_cli_db_roles_sql     (const char * const  *arguments,
                                      GError             **error);
int       vigil_cli_db_run           (CliContext          *context,
                                      int                  argc,
                                      char               **argv);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VigilCliPerson, vigil_cli_person_clear)

G_END_DECLS
