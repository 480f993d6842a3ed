/* main.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gmodule.h>

#include "cli/vigil-cli.h"

/* vigil_application_run_service() of the window's module (and
 * vigil_application_run_window() is a VigilCliWindowFunc): main.c does
 * not include the window's headers, which bring GTK's. */
typedef int (*RunServiceFunc) (int    argc,
                               char **argv);

/* The window's module: the build's own when this is the build's
 * executable (the README's demo command, the tests), else the installed
 * one. Never one from the environment or the working directory: what
 * `vigil` loads is what was built or installed with it. */
static const char *
window_module_path (void)
{
  GStatBuf self, build;

  /* The same file, by its identity: a path to the build may go through
   * a symbolic link that /proc/self/exe has resolved. */
  if (g_stat ("/proc/self/exe", &self) == 0 && g_stat (VIGIL_BUILD_EXECUTABLE, &build) == 0 &&
      self.st_dev == build.st_dev && self.st_ino == build.st_ino)
    return VIGIL_BUILD_WINDOW_MODULE;
  return VIGIL_WINDOW_MODULE;
}

/* design 5: the window, GTK and libadwaita are a module of their own,
 * loaded only when the window opens: the command line (over SSH, from
 * cron, `vigil serve`) starts without them. Kept loaded for good. */
static gpointer
window_symbol (const char *name)
{
  static GModule *module;
  gpointer symbol = NULL;

  if (module == NULL)
    module = g_module_open (window_module_path (), G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL || !g_module_symbol (module, name, &symbol) || symbol == NULL)
    {
      g_printerr (_("vigil: the window could not be loaded: %s\n"), g_module_error ());
      return NULL;
    }
  return symbol;
}

static int
run_window (const char *db_path,
            gboolean    demo)
{
  VigilCliWindowFunc run = window_symbol ("vigil_application_run_window");

  return run != NULL ? run (db_path, demo) : VIGIL_EXIT_FAILURE;
}

static int
run_service (int    argc,
             char **argv)
{
  RunServiceFunc run = window_symbol ("vigil_application_run_service");

  return run != NULL ? run (argc, argv) : VIGIL_EXIT_FAILURE;
}

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
      return run_service (argc, argv);

  return vigil_cli_run (argc, argv, run_window);
}
