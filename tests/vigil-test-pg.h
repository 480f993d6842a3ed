/* vigil-test-pg.h: databases of a test's own on the private cluster of
 * tests/with-postgres.sh
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>
#include <unistd.h>

/* The cluster's connection string (VIGIL_TEST_PG), or NULL when the test
 * runs without one: the caller skips. */
static inline const char *
vigil_test_pg_cluster (void)
{
  const char *conninfo = g_getenv ("VIGIL_TEST_PG");

  return conninfo != NULL && *conninfo != '\0' ? conninfo : NULL;
}

/* Skips the test at hand when it runs without a cluster; says so. */
static inline gboolean
vigil_test_pg_skip_without_cluster (void)
{
  if (vigil_test_pg_cluster () != NULL)
    return FALSE;
  g_test_skip ("no PostgreSQL cluster: run through tests/with-postgres.sh");
  return TRUE;
}

/* Connects to @conninfo, failing the test when it cannot. */
static inline PGconn *
vigil_test_pg_connect (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Could not connect to the test cluster (%s): %s", conninfo, PQerrorMessage (conn));
  /* the server's notices (DROP … CASCADE) are no test's output */
  PQclear (PQexec (conn, "SET client_min_messages = warning"));
  return conn;
}

/* Runs @sql, which takes no parameters, on @conn; fails the test when
 * it fails. Returns its result, for the caller to PQclear(). */
static inline PGresult *
vigil_test_pg_exec (PGconn     *conn,
                    const char *sql)
{
  PGresult *result = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  return result;
}

/* The one value @sql selects, as text (g_free() it). */
static inline char *
vigil_test_pg_query_text (PGconn     *conn,
                          const char *sql)
{
  PGresult *result = vigil_test_pg_exec (conn, sql);
  char *value;

  g_assert_cmpint (PQntuples (result), ==, 1);
  g_assert_cmpint (PQnfields (result), ==, 1);
  value = PQgetisnull (result, 0, 0) ? NULL : g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

/* A new, empty database of the test's own on the cluster, from
 * template0 (nothing a test left in template1 reaches it). Returns its
 * name; vigil_test_pg_location() gives the string to connect to it. */
static inline char *
vigil_test_pg_create_database (void)
{
  static guint count;
  PGconn *admin = vigil_test_pg_connect (vigil_test_pg_cluster ());
  /* Names of our own making, never of data: safe to put in SQL. */
  char *name = g_strdup_printf ("vigil_test_%d_%u", (int) getpid (), ++count);
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s TEMPLATE template0", name);

  PQclear (vigil_test_pg_exec (admin, sql));
  PQfinish (admin);
  return name;
}

/* The connection string of database @name on the test cluster. */
static inline char *
vigil_test_pg_location (const char *name)
{
  return g_strdup_printf ("%s dbname=%s", vigil_test_pg_cluster (), name);
}

/* Drops database @name, whoever is still connected to it. */
static inline void
vigil_test_pg_drop_database (const char *name)
{
  PGconn *admin = vigil_test_pg_connect (vigil_test_pg_cluster ());
  g_autofree char *sql = g_strdup_printf ("DROP DATABASE %s WITH (FORCE)", name);

  PQclear (vigil_test_pg_exec (admin, sql));
  PQfinish (admin);
}
