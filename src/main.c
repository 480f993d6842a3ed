/* main.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "cli/vigil-cli.h"
#include "ui/vigil-application.h"

int
main (int    argc,
      char **argv)
{
  /* VIGIL_LOCALEDIR lets an uninstalled build find its catalogues (the tests
   * point it at <builddir>/po, laid out as <lang>/LC_MESSAGES/vigil.mo);
   * LOCALEDIR is the install prefix's, which holds none until installed. */
  const char *localedir = g_getenv ("VIGIL_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* D-Bus activation starts the application itself. */
  for (int i = 1; i < argc; i++)
    if (g_strcmp0 (argv[i], "--gapplication-service") == 0)
      return vigil_application_run_service (argc, argv);

  return vigil_cli_run (argc, argv, vigil_application_run_window);
}
