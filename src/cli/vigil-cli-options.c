/* vigil-cli-options.c: how every command reads its options
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-cli.h"
#include "vigil-cli-private.h"

/* A command's arguments were wrong: says so, and where the help is. */
int
vigil_cli_usage_error (const char *format,
                       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("vigil: %s\n", message);
  g_printerr (_("Run “vigil --help” to see the commands.\n"));
  return VIGIL_EXIT_USAGE;
}

/**
 * vigil_cli_parse_options_full:
 * @negative_numbers: whether arguments may be negative numbers
 *
 * Parses a command's options, with --db and --version listed for --help
 * as every command lists them; on --help prints and asks to exit 0.
 */
gboolean
vigil_cli_parse_options_full (const char   *parameters,
                              const char   *summary,
                              GOptionEntry *entries,
                              gboolean      negative_numbers,
                              int          *argc,
                              char       ***argv,
                              int          *out_status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;
  gboolean version = FALSE;
  GOptionEntry common_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The database file (default: VIGIL_DB, else in the user data folder)"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version"), NULL },
    { NULL }
  };
  static char *ignored_db = NULL;

  /* --db was taken out of argv before; it is listed for --help. */
  common_entries[0].arg_data = &ignored_db;
  common_entries[1].arg_data = &version;
  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);

  /* GOption takes "-1" for an option; where arguments may be negative
   * numbers, unknown options are left in place and only numbers pass. */
  g_option_context_set_ignore_unknown_options (context, negative_numbers);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *out_status = vigil_cli_usage_error ("%s", error->message);
      return FALSE;
    }
  if (version)
    {
      g_print ("vigil %s\n", PACKAGE_VERSION);
      *out_status = VIGIL_EXIT_OK;
      return FALSE;
    }
  for (int i = 1; negative_numbers && i < *argc; i++)
    {
      const char *arg = (*argv)[i];
      char *end = NULL;

      if (arg[0] == '-' && (g_ascii_strtod (arg, &end), end == arg || *end != '\0'))
        {
          *out_status = vigil_cli_usage_error (_("Unknown option %s"), arg);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
vigil_cli_parse_options (const char   *parameters,
                         const char   *summary,
                         GOptionEntry *entries,
                         int          *argc,
                         char       ***argv,
                         int          *out_status)
{
  return vigil_cli_parse_options_full (parameters, summary, entries, FALSE, argc, argv, out_status);
}
