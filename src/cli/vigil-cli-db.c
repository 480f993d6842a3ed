/* vigil-cli-db.c: `vigil db`, the team's book on PostgreSQL
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "vigil-core.h"

#include "vigil-cli.h"
#include "vigil-cli-db.h"
#include "vigil-cli-db-copy.h"

/* PostgreSQL's longest name (NAMEDATALEN - 1 bytes) */
#define ROLE_MAX_BYTES 63
/* An owner's name, as "I am" takes it (design 5) */
#define OWNER_MAX_CHARS 200

/* design 1.1: the group role of each kind, in VigilCliPersonKind's order */
static const struct
{
  const char *kind;
  const char *group;
} kinds[] = {
  { "csm", "vigil_csm" },
  { "manager", "vigil_manager" },
  { "ops", "vigil_ops" },
};

/* Names a person's role may not take: the groups', and PostgreSQL's own. */
static const char * const reserved_roles[] = {
  "vigil_csm", "vigil_manager", "vigil_ops",
  "public", "none", "current_user", "current_role", "session_user",
};

void
vigil_cli_person_clear (VigilCliPerson *person)
{
  g_clear_pointer (&person->role, g_free);
  g_clear_pointer (&person->owner, g_free);
}

static gboolean
parse_kind (const char          *text,
            VigilCliPersonKind  *out_kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (text, kinds[i].kind))
      {
        *out_kind = (VigilCliPersonKind) i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
is_reserved_role (const char *role)
{
  if (g_ascii_strncasecmp (role, "pg_", 3) == 0)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (reserved_roles); i++)
    if (g_ascii_strcasecmp (role, reserved_roles[i]) == 0)
      return TRUE;
  return FALSE;
}

/* TRUE when there is no @problem with @argument, else the error naming it */
static gboolean
check_problem (const char  *argument,
               const char  *problem,
               GError     **error)
{
  if (problem == NULL)
    return TRUE;
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("“%s”: %s"), argument, problem);
  return FALSE;
}

/* A role's name is written as a quoted identifier, so any text will do
 * but for what PostgreSQL refuses and a dollar sign, which the DO block
 * that creates it quotes its body with. */
static gboolean
check_role (const char  *argument,
            const char  *role,
            GError     **error)
{
  const char *problem = NULL;

  if (*role == '\0')
    problem = _("the role's name is empty");
  else if (strlen (role) > ROLE_MAX_BYTES)
    problem = _("a role's name takes at most 63 bytes");
  else if (!vigil_text_is_printable (role) || strchr (role, '$') != NULL)
    problem = _("a role's name cannot hold control characters or “$”");
  else if (is_reserved_role (role))
    problem = _("that name is PostgreSQL's or Vigil's own");
  return check_problem (argument, problem, error);
}

static gboolean
check_owner (const char  *argument,
             const char  *owner,
             GError     **error)
{
  const char *problem = NULL;

  if (*owner == '\0')
    problem = _("the owner's name is empty");
  else if (!vigil_text_is_printable (owner))
    problem = _("an owner's name cannot hold control characters");
  else if (g_utf8_strlen (owner, -1) > OWNER_MAX_CHARS)
    problem = _("an owner's name takes at most 200 characters");
  return check_problem (argument, problem, error);
}

/**
 * vigil_cli_person_parse:
 * @argument: KIND:ROLE[=OWNER], KIND one of csm, manager, ops
 *
 * One person of `vigil db roles`: their kind, their database role and
 * the owner name the sources give their customers (the role's name
 * when left out).
 */
gboolean
vigil_cli_person_parse (const char      *argument,
                        VigilCliPerson  *out_person,
                        GError         **error)
{
  g_autofree char *kind = NULL;
  const char *colon = strchr (argument, ':');
  const char *equals;

  if (!g_utf8_validate (argument, -1, NULL))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("A person must be UTF-8 text"));
      return FALSE;
    }
  kind = colon != NULL ? g_strndup (argument, (gsize) (colon - argument)) : NULL;
  if (kind == NULL || !parse_kind (kind, &out_person->kind))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("“%s” is not KIND:ROLE[=OWNER] with KIND csm, manager or ops"), argument);
      return FALSE;
    }
  equals = strchr (colon + 1, '=');
  out_person->role = equals != NULL ? g_strndup (colon + 1, (gsize) (equals - colon - 1)) : g_strdup (colon + 1);
  out_person->owner = g_strdup (equals != NULL ? equals + 1 : out_person->role);
  if (!check_role (argument, out_person->role, error) || !check_owner (argument, out_person->owner, error))
    {
      vigil_cli_person_clear (out_person);
      return FALSE;
    }
  return TRUE;
}

/* @text as SQL quotes it, between @quote characters, each inside doubled:
 * an identifier ("…") or a string ('…', with standard_conforming_strings
 * on, which the script sets). */
static void
append_quoted (GString    *out,
               const char *text,
               char        quote)
{
  g_string_append_c (out, quote);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == quote)
        g_string_append_c (out, quote);
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, quote);
}

/* The groups and what each may do (design 1.1); our own names only. */
static const char roles_grants[] =
  "GRANT USAGE ON SCHEMA vigil TO vigil_csm, vigil_manager, vigil_ops;\n"
  "GRANT SELECT ON ALL TABLES IN SCHEMA vigil TO vigil_csm, vigil_manager;\n"
  "GRANT INSERT, UPDATE, DELETE ON vigil.touches, vigil.pulses, vigil.outcomes, vigil.events,\n"
  "  vigil.views TO vigil_csm, vigil_manager;\n"
  "GRANT UPDATE (state, snoozed_until, state_at, state_by, state_tier, cleared_at) ON vigil.triggers\n"
  "  TO vigil_csm, vigil_manager;\n"
  "GRANT USAGE ON SEQUENCE vigil.touches_id_seq, vigil.pulses_id_seq, vigil.events_id_seq\n"
  "  TO vigil_csm, vigil_manager;\n"
  "GRANT ALL ON ALL TABLES IN SCHEMA vigil TO vigil_ops;\n"
  "GRANT ALL ON ALL SEQUENCES IN SCHEMA vigil TO vigil_ops;\n";

static void
append_create_roles (GString  *out,
                     GArray   *people)
{
  g_string_append (out, "DO $roles$\nBEGIN\n");
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    g_string_append_printf (out, "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN\n"
                                 "    CREATE ROLE %s NOLOGIN;\n  END IF;\n", kinds[i].group, kinds[i].group);
  for (guint i = 0; i < people->len; i++)
    {
      const VigilCliPerson *person = &g_array_index (people, VigilCliPerson, i);

      g_string_append (out, "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ");
      append_quoted (out, person->role, '\'');
      g_string_append (out, ") THEN\n    CREATE ROLE ");
      append_quoted (out, person->role, '"');
      g_string_append (out, " LOGIN;\n  END IF;\n");
    }
  g_string_append (out, "END\n$roles$;\n");
}

/* Each person in their kind's group and no other's, and in vigil.people. */
static void
append_person (GString              *out,
               const VigilCliPerson *person)
{
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_string_append_printf (out, k == person->kind ? "GRANT %s TO " : "REVOKE %s FROM ", kinds[k].group);
      append_quoted (out, person->role, '"');
      g_string_append (out, ";\n");
    }
  g_string_append (out, "INSERT INTO vigil.people (role, owner, kind) VALUES (");
  append_quoted (out, person->role, '\'');
  g_string_append (out, ", ");
  append_quoted (out, person->owner, '\'');
  g_string_append_printf (out, ", '%s')\n  ON CONFLICT (role) DO UPDATE SET owner = excluded.owner, "
                               "kind = excluded.kind;\n", kinds[person->kind].kind);
}

/**
 * vigil_cli_db_roles_sql:
 * @arguments: (array zero-terminated=1): KIND:ROLE[=OWNER] each
 *
 * design 1.1: the SQL that sets up the team's people on a book, for
 * psql run by the book's owner: the three groups, their grants, a login
 * role for each person (created when missing, without a password), in
 * their group, and their row of vigil.people. Running it again changes
 * nothing that is right, and grants the tables a newer Vigil added.
 *
 * Returns: (transfer full): the SQL, or %NULL with @error naming the
 *   argument that is wrong
 */
char *
vigil_cli_db_roles_sql (const char * const  *arguments,
                        GError             **error)
{
  g_autoptr(GArray) people = g_array_new (FALSE, TRUE, sizeof (VigilCliPerson));
  g_autoptr(GString) out = g_string_new (NULL);

  g_array_set_clear_func (people, (GDestroyNotify) vigil_cli_person_clear);
  for (guint i = 0; arguments[i] != NULL; i++)
    {
      VigilCliPerson person = { 0 };

      if (!vigil_cli_person_parse (arguments[i], &person, error))
        return NULL;
      g_array_append_val (people, person);
      for (guint j = 0; j + 1 < people->len; j++)
        if (g_str_equal (g_array_index (people, VigilCliPerson, j).role, person.role))
          {
            g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                         _("“%s”: role %s is given twice"), arguments[i], person.role);
            return NULL;
          }
    }

  g_string_append (out, "-- Vigil: the people of a team's book (vigil db roles; design 1.1).\n"
                        "-- Run by the book's owner, a role that may create roles, e.g. with psql.\n"
                        "-- Run it again after upgrading Vigil: it grants the tables a newer Vigil added.\n"
                        "SET standard_conforming_strings = on;\n"
                        "BEGIN;\n"
                        "-- not the notices and warnings of a grant or revoke that changes nothing\n"
                        "SET LOCAL client_min_messages = error;\n");
  append_create_roles (out, people);
  g_string_append (out, roles_grants);
  for (guint i = 0; i < people->len; i++)
    append_person (out, &g_array_index (people, VigilCliPerson, i));
  g_string_append (out, "COMMIT;\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
run_roles (CliContext  *context,
           int          argc,
           char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  /* prints, and connects to nothing: context->db_path is not read */
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      g_print (_("Usage:\n  vigil db roles KIND:ROLE[=OWNER]…\n\n"
                 "Prints the SQL that gives each person of a team's book their database role:\n"
                 "KIND is csm (changes their own customers), manager (changes every customer)\n"
                 "or ops (also sources and the scorecard); OWNER is the name the sources give\n"
                 "their customers (default: ROLE). Run it with psql as the book's owner, and\n"
                 "again after upgrading Vigil. Example:\n"
                 "  vigil db roles ops:ana manager:bob=\"Bob Stone\" csm:carol=\"Carol Diaz\"\n"));
      return VIGIL_EXIT_OK;
    }
  if (argc < 2)
    {
      g_printerr (_("vigil: db roles needs at least one person, KIND:ROLE[=OWNER]\n"));
      return VIGIL_EXIT_USAGE;
    }
  if (!(sql = vigil_cli_db_roles_sql ((const char * const *) argv + 1, &error)))
    {
      g_printerr ("vigil: %s\n", error->message);
      return VIGIL_EXIT_USAGE;
    }
  g_print ("%s", sql);
  return VIGIL_EXIT_OK;
}

/* A line read from standard input, without its end; from a terminal
 * with its echo off, asked for on standard error. */
static char *
read_password (const char *prompt)
{
  g_autoptr(GString) line = g_string_new (NULL);
  struct termios saved, quiet;
  gboolean terminal = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0;
  int c;

  if (terminal)
    {
      g_printerr ("%s", prompt);
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char) c);
  if (terminal)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* design 2.4: the password of the role a team's book is opened as, kept
 * in the keyring for exactly its server, port and database. */
static int
run_password (CliContext  *context,
              int          argc,
              char       **argv)
{
  gboolean forget = FALSE;
  GOptionEntry entries[] = {
    { "forget", 0, 0, G_OPTION_ARG_NONE, &forget, N_("Forget the password the keyring keeps"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *prompt = NULL;
  char *password;
  gboolean ok;
  int status;

  if (!vigil_cli_parse_options ("", _("Keeps the password of the role --db connects as in the keyring, "
                                      "once the server takes it; it is read from the terminal, unechoed, "
                                      "or a line of standard input."), entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return vigil_cli_usage_error ("%s", _("db password takes no arguments"));
  if (forget)
    {
      if (!vigil_store_forget_server_password (context->db_path, &error))
        {
          g_printerr ("vigil: %s\n", error->message);
          return VIGIL_EXIT_FAILURE;
        }
      g_print (_("The keyring keeps no password for this book any more\n"));
      return VIGIL_EXIT_OK;
    }
  if (!vigil_store_location_is_shared (context->db_path))
    {
      g_printerr (_("vigil: %s is a book in a file: it has no password, only a team's book on PostgreSQL has\n"),
                  context->db_path);
      return VIGIL_EXIT_USAGE;
    }
  prompt = g_strdup_printf (_("Password for %s: "), context->db_path);
  password = read_password (prompt);
  ok = vigil_store_keep_server_password (context->db_path, password, &error);
  vigil_secrets_wipe_free (password);
  if (!ok)
    {
      g_printerr ("vigil: %s\n", error->message);
      return VIGIL_EXIT_FAILURE;
    }
  g_print (_("The server took the password; the keyring keeps it for this book\n"));
  return VIGIL_EXIT_OK;
}

static int
run_copy (CliContext  *context,
          int          argc,
          char       **argv)
{
  return vigil_cli_db_copy (argc, argv);
}

/* The subcommands of `vigil db`. */
static const Command db_commands[] = {
  { "copy", N_("--from BOOK --to BOOK"), N_("Copy a whole book into an empty one: a file, a team's PostgreSQL"),
    run_copy },
  { "password", N_("[--forget]"), N_("Keep the password of the role --db connects as in the keyring"),
    run_password },
  { "roles", N_("KIND:ROLE[=OWNER]…"), N_("Print the SQL that gives a team's people their roles"), run_roles },
};

static void
print_db_help (void)
{
  g_print (_("Usage:\n  vigil db COMMAND …\n\nA team's book on PostgreSQL. Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (db_commands); i++)
    g_print ("  %s %s\n      %s\n", db_commands[i].name, _(db_commands[i].parameters), _(db_commands[i].summary));
}

/**
 * vigil_cli_db_run:
 * @context: the book `--db` names, for the subcommands that open it
 * @argv: `db`, the subcommand and its arguments
 *
 * Returns: the exit status
 */
int
vigil_cli_db_run (CliContext  *context,
                  int          argc,
                  char       **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_db_help ();
      return argc < 2 ? VIGIL_EXIT_USAGE : VIGIL_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (db_commands); i++)
    if (g_str_equal (db_commands[i].name, argv[1]))
      return db_commands[i].run (context, argc - 1, argv + 1);
  g_printerr (_("vigil: unknown db command “%s”\n"), argv[1]);
  print_db_help ();
  return VIGIL_EXIT_USAGE;
}
