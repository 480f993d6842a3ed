/* test-pg-password.c: a team's book's password comes from the keyring,
 * and goes only to the server, database and role it was kept for
 *
 * Beside the private cluster (tests/with-postgres.sh), inside a private
 * session bus and keyring (tests/run-with-keyring.sh). The cluster
 * trusts every local role but one, made here, that must give its
 * password (scram-sha-256).
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-sql.h"
#include "vigil-test-pg.h"

#define ROLE "vigil_test_dana"
#define PASSWORD "correct horse battery"

static char *database;
static char *location;

/* Makes ROLE, whose connections must give PASSWORD: a line of its own
 * first in pg_hba.conf, read again by the server. */
static void
make_role_with_password (void)
{
  PGconn *admin = vigil_test_pg_connect (vigil_test_pg_cluster ());
  /* The database's name is of the test's own making. */
  g_autofree char *grant = g_strdup_printf ("GRANT CREATE ON DATABASE %s TO " ROLE, database);
  g_autofree char *hba_file = vigil_test_pg_query_text (admin, "SHOW hba_file");
  g_autofree char *hba = NULL;
  g_autofree char *with_role = NULL;
  g_autoptr(GError) error = NULL;

  PQclear (vigil_test_pg_exec (admin, "CREATE ROLE " ROLE " LOGIN PASSWORD '" PASSWORD "'"));
  PQclear (vigil_test_pg_exec (admin, "SET password_encryption = 'scram-sha-256'"));
  PQclear (vigil_test_pg_exec (admin, "ALTER ROLE " ROLE " PASSWORD '" PASSWORD "'"));
  /* It makes the book, whose tables it then owns. */
  PQclear (vigil_test_pg_exec (admin, grant));
  g_assert_true (g_file_get_contents (hba_file, &hba, NULL, &error));
  g_assert_no_error (error);
  with_role = g_strconcat ("local all " ROLE " scram-sha-256\n", hba, NULL);
  g_assert_true (g_file_set_contents (hba_file, with_role, -1, &error));
  g_assert_no_error (error);
  PQclear (vigil_test_pg_exec (admin, "SELECT pg_reload_conf ()"));
  PQfinish (admin);
}

/* Where the cluster's socket is, as libpq resolves the location. */
static VigilServerAccount
account_of (char **host,
            char **port)
{
  PGconn *admin = vigil_test_pg_connect (vigil_test_pg_cluster ());

  *host = g_strdup (PQhost (admin));
  *port = g_strdup (PQport (admin));
  PQfinish (admin);
  return (VigilServerAccount) { *host, *port, database, ROLE };
}

static void
test_pg_password_none_kept (void)
{
  g_autoptr(GError) error = NULL;
  VigilSqlConnection *connection;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  connection = vigil_sql_pg_connect (location, NULL, &error);
  g_assert_null (connection);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION);
  /* Says who needs one, and where to keep it. */
  g_assert_nonnull (strstr (error->message, ROLE));
  g_assert_nonnull (strstr (error->message, "~/.pgpass"));
  g_assert_nonnull (strstr (error->message, "vigil db password"));
}

static void
test_pg_password_from_keyring (void)
{
  g_autofree char *host = NULL;
  g_autofree char *port = NULL;
  VigilServerAccount account = { 0 };
  g_autoptr(GError) error = NULL;
  VigilSqlConnection *connection;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  account = account_of (&host, &port);

  g_assert_true (vigil_secrets_store_server_password (&account, PASSWORD, NULL, &error));
  g_assert_no_error (error);
  connection = vigil_sql_pg_connect (location, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (connection);
  g_assert_true (vigil_sql_exec (connection, "SELECT 1"));
  vigil_sql_close (connection);

  /* A wrong one is the server's refusal, said so. */
  g_assert_true (vigil_secrets_store_server_password (&account, "wrong", NULL, &error));
  connection = vigil_sql_pg_connect (location, NULL, &error);
  g_assert_null (connection);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "password authentication failed"));
  g_clear_error (&error);

  g_assert_true (vigil_secrets_forget_server_password (&account, NULL, &error));
  g_assert_no_error (error);
}

/* A password kept for another database, port or role is not sent. */
static void
test_pg_password_only_where_kept (void)
{
  g_autofree char *host = NULL;
  g_autofree char *port = NULL;
  VigilServerAccount elsewhere[3];
  g_autoptr(GError) error = NULL;
  VigilSqlConnection *connection;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  account_of (&host, &port);
  elsewhere[0] = (VigilServerAccount) { host, port, "another_database", ROLE };
  elsewhere[1] = (VigilServerAccount) { host, "5433", database, ROLE };
  elsewhere[2] = (VigilServerAccount) { "db.example.com", port, database, ROLE };

  for (guint i = 0; i < G_N_ELEMENTS (elsewhere); i++)
    {
      g_assert_true (vigil_secrets_store_server_password (&elsewhere[i], PASSWORD, NULL, &error));
      g_assert_no_error (error);
    }
  connection = vigil_sql_pg_connect (location, NULL, &error);
  g_assert_null (connection);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION);
  for (guint i = 0; i < G_N_ELEMENTS (elsewhere); i++)
    g_assert_true (vigil_secrets_forget_server_password (&elsewhere[i], NULL, NULL));
}

/* vigil with @args, @input on its standard input; returns its status. */
static int
run_vigil_with_input (const char          *input,
                      char               **out_err,
                      const char * const  *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("VIGIL_BINARY"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, out_err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

#define VIGIL(input, err, ...) run_vigil_with_input (input, err, (const char * const []) { __VA_ARGS__, NULL })

/* vigil db password: kept once the server takes it, refused and not
 * kept when it does not, and forgotten on demand. */
static void
test_pg_password_command (void)
{
  g_autofree char *err = NULL;

  if (vigil_test_pg_skip_without_cluster ())
    return;

  g_assert_cmpint (VIGIL ("wrong\n", &err, "--db", location, "db", "password"), ==, 1);
  g_assert_nonnull (strstr (err, "password authentication failed"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (VIGIL (NULL, &err, "--db", location, "scores"), ==, 1);
  g_assert_nonnull (strstr (err, "vigil db password"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (VIGIL (PASSWORD "\n", &err, "--db", location, "db", "password"), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (VIGIL (NULL, &err, "--db", location, "scores"), ==, 0);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (VIGIL (NULL, &err, "--db", location, "db", "password", "--forget"), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (VIGIL (NULL, &err, "--db", location, "scores"), ==, 1);
  g_clear_pointer (&err, g_free);

  /* A file has none to keep. */
  g_assert_cmpint (VIGIL (PASSWORD "\n", &err, "--db", "/tmp/vigil-no-such-book.db", "db", "password"), ==, 2);
  g_assert_nonnull (strstr (err, "a book in a file"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg-password/none-kept", test_pg_password_none_kept);
  g_test_add_func ("/pg-password/from-keyring", test_pg_password_from_keyring);
  g_test_add_func ("/pg-password/only-where-kept", test_pg_password_only_where_kept);
  g_test_add_func ("/pg-password/command", test_pg_password_command);

  if (vigil_test_pg_cluster () != NULL)
    {
      g_autofree char *cluster_location = NULL;

      database = vigil_test_pg_create_database ();
      make_role_with_password ();
      cluster_location = vigil_test_pg_location (database);
      location = g_strdup_printf ("%s user=" ROLE, cluster_location);
    }
  status = g_test_run ();
  if (database != NULL)
    vigil_test_pg_drop_database (database);
  g_free (location);
  g_free (database);
  return status;
}
