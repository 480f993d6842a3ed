/* test-pg-harness.c: the private PostgreSQL cluster the team store's
 * suites run beside (tests/with-postgres.sh) is what they rely on
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib.h>

#include "vigil-test-pg.h"


/* The server is the version Vigil supports, and is reachable only
 * through the socket in the cluster's own folder: nothing else on the
 * machine can reach it, and it takes no TCP port. */
static void
test_cluster_is_private (void)
{
  PGconn *conn;
  g_autofree char *version = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *fsync = NULL;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  conn = vigil_test_pg_connect (vigil_test_pg_cluster ());
  version = vigil_test_pg_query_text (conn, "SHOW server_version_num");
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), >=, 150000);
  listen = vigil_test_pg_query_text (conn, "SHOW listen_addresses");
  g_assert_cmpstr (listen, ==, "");
  g_assert_nonnull (PQhost (conn));
  g_assert_true (g_path_is_absolute (PQhost (conn)));
  g_assert_true (g_str_has_prefix (PQhost (conn), "/tmp/vigil-pg."));
  /* A test's cluster trades durability for speed. */
  fsync = vigil_test_pg_query_text (conn, "SHOW fsync");
  g_assert_cmpstr (fsync, ==, "off");
  PQfinish (conn);
}

/* Each test's database is new and empty, made from template0, and
 * holds what the test writes until it is dropped. */
static void
test_database_of_its_own (void)
{
  g_autofree char *name = NULL;
  g_autofree char *location = NULL;
  g_autofree char *tables = NULL;
  g_autofree char *current = NULL;
  g_autofree char *left = NULL;
  PGconn *conn;
  PGconn *admin;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  name = vigil_test_pg_create_database ();
  location = vigil_test_pg_location (name);
  conn = vigil_test_pg_connect (location);
  current = vigil_test_pg_query_text (conn, "SELECT current_database ()");
  g_assert_cmpstr (current, ==, name);
  tables = vigil_test_pg_query_text (conn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  g_assert_cmpstr (tables, ==, "0");
  PQclear (vigil_test_pg_exec (conn, "CREATE TABLE t (id bigint PRIMARY KEY, name text)"));
  PQclear (vigil_test_pg_exec (conn, "INSERT INTO t VALUES (1, 'Acme'), (2, 'Globex')"));
  g_clear_pointer (&tables, g_free);
  tables = vigil_test_pg_query_text (conn, "SELECT string_agg (name, ',' ORDER BY id) FROM t");
  g_assert_cmpstr (tables, ==, "Acme,Globex");

  /* Dropped even while the test still holds a connection to it. */
  vigil_test_pg_drop_database (name);
  PQfinish (conn);
  admin = vigil_test_pg_connect (vigil_test_pg_cluster ());
  {
    const char *values[] = { name };
    PGresult *result = PQexecParams (admin, "SELECT count(*) FROM pg_database WHERE datname = $1",
                                     1, NULL, values, NULL, NULL, 0);

    g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
    left = g_strdup (PQgetvalue (result, 0, 0));
    PQclear (result);
  }
  g_assert_cmpstr (left, ==, "0");
  PQfinish (admin);
}

/* The databases sort text by ICU's rules, as a team's server does, not
 * by bytes: a query whose order must not depend on the server's locale
 * has to say COLLATE "C", and the suites see whether it does. */
static void
test_collation_is_icu (void)
{
  g_autofree char *name = vigil_test_pg_cluster () ? vigil_test_pg_create_database () : NULL;
  g_autofree char *location = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *natural = NULL;
  g_autofree char *bytes = NULL;
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  location = vigil_test_pg_location (name);
  conn = vigil_test_pg_connect (location);
  provider = vigil_test_pg_query_text (conn, "SELECT datlocprovider FROM pg_database "
                                             "WHERE datname = current_database ()");
  g_assert_cmpstr (provider, ==, "i");
  natural = vigil_test_pg_query_text (conn, "SELECT string_agg (x, ',' ORDER BY x) "
                                            "FROM (VALUES ('b'), ('B'), ('a'), ('A')) AS v (x)");
  g_assert_cmpstr (natural, ==, "a,A,b,B");
  bytes = vigil_test_pg_query_text (conn, "SELECT string_agg (x, ',' ORDER BY x COLLATE \"C\") "
                                          "FROM (VALUES ('b'), ('B'), ('a'), ('A')) AS v (x)");
  g_assert_cmpstr (bytes, ==, "A,B,a,b");
  PQfinish (conn);
  vigil_test_pg_drop_database (name);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pg-harness/cluster-is-private", test_cluster_is_private);
  g_test_add_func ("/pg-harness/database-of-its-own", test_database_of_its_own);
  g_test_add_func ("/pg-harness/collation-is-icu", test_collation_is_icu);

  return g_test_run ();
}
