/* test-store.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "vigil-core.h"
#include "vigil-ingest-private.h"
#include "vigil-store-private.h"
#include "vigil-test-book.h"

#define T0 G_GINT64_CONSTANT (1795262400)

static VigilSnapshot *
make_snapshot (const char *id,
               const char *name,
               gint64      observed_at)
{
  VigilSnapshot *snapshot = vigil_snapshot_new ();

  snapshot->customer_id = g_strdup (id);
  snapshot->name = g_strdup (name);
  snapshot->observed_at = observed_at;
  snapshot->last_active = observed_at - 3600;
  snapshot->api_calls_7d = 2500;
  vigil_snapshot_add_feature (snapshot, "reports", 10);
  vigil_snapshot_add_feature (snapshot, "sso", 0);
  return snapshot;
}

static void
add_snapshots (VigilStore    *store,
               const char    *source,
               VigilSnapshot *snapshot,
               ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (store, source, T0, &error);
  va_list args;

  g_assert_no_error (error);
  va_start (args, snapshot);
  for (; snapshot != NULL; snapshot = va_arg (args, VigilSnapshot *))
    {
      vigil_ingest_add (ingest, snapshot, &error);
      g_assert_no_error (error);
      vigil_snapshot_free (snapshot);
    }
  va_end (args);
  vigil_ingest_commit (ingest, &error);
  g_assert_no_error (error);
}

static void
test_store_create (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilScorecard) scorecard = NULL;
  g_autofree char *mode = NULL;

  test_dir_init (&dir);
  path = g_build_filename (dir.path, "sub", "folder", "vigil.db", NULL);

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (test_book_int (path, "PRAGMA application_id"), ==, 0x5649474C);
  mode = test_book_text (path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM sqlite_schema WHERE name IN "
                               "('sources','customers','snapshots','features',"
                               "'scorecards','outcomes','triggers','meta')"), ==, 8);

  scorecard = vigil_store_load_scorecard (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vigil_scorecard_get_version (scorecard), ==, 1);
  g_assert_cmpfloat (vigil_scorecard_get_weight (scorecard, VIGIL_MEASURE_ACTIVITY), ==, 40);

  g_clear_object (&store);
  {
    g_autofree char *parent = g_path_get_dirname (path);
    g_autofree char *grandparent = g_path_get_dirname (parent);
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
    g_remove (path);
    g_rmdir (parent);
    g_rmdir (grandparent);
  }
  test_dir_clear (&dir);
}

/* A database of schema 1 with history opens as the newest schema,
 * its history intact. */
static void
test_store_migrate_from_1 (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) sources = NULL;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "old.db");
  g_assert_true (_vigil_store_create_at_version (path, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, 1);
  test_book_exec (path,
               "INSERT INTO sources (id, name, kind, url, created_at) VALUES (1, 'crm', 'endpoint', 'https://example.com/u', 0);"
               "INSERT INTO customers (id, source_id, external_id, name, latest_at) VALUES (1, 1, 'acme', 'Acme', 100);"
               "INSERT INTO snapshots (customer_id, observed_at, api_calls_7d, score_version, health, tier, volume, volume_pts)"
               " VALUES (1, 100, 5000, 1, 100, 'healthy', 1, 100);");

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION);
  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpfloat (((VigilPortfolioRow *) rows->pdata[0])->score.health, ==, 100);
  /* Schema 3 keeps scores apart; the explanation is computed again from
   * the snapshot and the scorecard version. */
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM scores WHERE version = 1 AND health = 100"), ==, 1);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM pragma_table_info ('snapshots') WHERE name = 'health'"),
                   ==, 0);
  g_assert_cmpfloat (((VigilPortfolioRow *) rows->pdata[0])->score.measures[VIGIL_MEASURE_VOLUME].points, ==, 100);
  g_assert_cmpfloat (((VigilPortfolioRow *) rows->pdata[0])->score.measures[VIGIL_MEASURE_VOLUME].weight, ==, 100);
  sources = vigil_store_list_sources (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sources->len, ==, 1);
  g_assert_cmpint (((VigilSource *) sources->pdata[0])->failures, ==, 0);
  g_assert_cmpint (((VigilSource *) sources->pdata[0])->interval_min, ==, VIGIL_SOURCE_DEFAULT_INTERVAL_MIN);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Schema 3 → 4 adds the query secret columns: a source and its history
 * come through unchanged, and the new settings are kept from then on. */
static void
test_store_migrate_from_3 (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(VigilSource) changed = NULL;
  g_autoptr(VigilSource) reread = NULL;
  g_autoptr(GPtrArray) history = NULL;
  gint64 customer;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "old.db");
  g_assert_true (_vigil_store_create_at_version (path, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, 3);
  test_book_exec (path,
               "INSERT INTO sources (id, name, kind, url, created_at, keyring_token, header_names, last_ok, failures)"
               " VALUES (1, 'crm', 'endpoint', 'https://example.com/u', 0, 1, 'X-Api-Key', 1, 0);"
               "INSERT INTO customers (id, source_id, external_id, name, latest_at) VALUES (1, 1, 'acme', 'Acme', 200);"
               "INSERT INTO snapshots (customer_id, observed_at, api_calls_7d) VALUES (1, 100, 5000), (1, 200, 4000);"
               "INSERT INTO scores (customer_id, observed_at, version, health, tier)"
               " VALUES (1, 100, 1, 100, 'healthy'), (1, 200, 1, 90, 'healthy');");

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM pragma_table_info ('sources') "
                                     "WHERE name IN ('query_secret_names', 'query_secret_env')"), ==, 2);

  source = vigil_store_get_source (store, "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (source->url, ==, "https://example.com/u");
  g_assert_true (source->keyring_token);
  g_assert_cmpstr (source->header_names[0], ==, "X-Api-Key");
  g_assert_null (source->query_secret_names);
  g_assert_null (source->query_secret_env);
  customer = vigil_store_find_customer (store, "acme", NULL, &error);
  g_assert_no_error (error);
  history = vigil_store_list_history (store, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 2);

  /* The new settings round-trip, names only. */
  changed = vigil_source_copy (source);
  changed->query_secret_names = g_strsplit ("api_key\nsig", "\n", -1);
  changed->query_secret_env = g_strsplit ("access_token=CRM_TOKEN", "\n", -1);
  g_assert_true (vigil_store_update_source (store, changed, &error));
  g_assert_no_error (error);
  reread = vigil_store_get_source (store, "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (reread->query_secret_names, ((const char * const[]) { "api_key", "sig", NULL }));
  g_assert_cmpstrv (reread->query_secret_env, ((const char * const[]) { "access_token=CRM_TOKEN", NULL }));

  /* A removed source keeping its history forgets them too. */
  g_assert_true (vigil_store_remove_source (store, "crm", FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM sources WHERE query_secret_names IS NOT NULL "
                                     "OR query_secret_env IS NOT NULL"), ==, 0);
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 2);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Schema 4 also gives sources a record limit; a database of schema 3
 * keeps its history and its sources take the default limit. */
static void
test_store_migrate_record_limit (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(VigilSource) added = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "v3.db");
  g_assert_true (_vigil_store_create_at_version (path, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM pragma_table_info ('sources') WHERE name = 'max_records'"),
                   ==, 0);
  test_book_exec (path,
               "INSERT INTO sources (id, name, kind, url, max_bytes, created_at, last_poll_at, last_ok, last_summary)"
               " VALUES (1, 'crm', 'endpoint', 'https://example.com/u', 2048, 0, 100, 1, '1 stored');"
               "INSERT INTO customers (id, source_id, external_id, name, latest_at) VALUES (1, 1, 'acme', 'Acme', 100);"
               "INSERT INTO snapshots (customer_id, observed_at, api_calls_7d) VALUES (1, 50, 2500), (1, 100, 5000);"
               "INSERT INTO scores (customer_id, observed_at, version, health, tier)"
               " VALUES (1, 50, 1, 50, 'high-risk'), (1, 100, 1, 100, 'healthy');"
               "INSERT INTO source_validators (source_id, url, etag) VALUES (1, 'https://example.com/u', '\"v7\"');");

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION);

  /* The history and the source's settings and last poll are as they were. */
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 2);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM scores"), ==, 2);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM source_validators"), ==, 1);
  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpfloat (((VigilPortfolioRow *) rows->pdata[0])->score.health, ==, 100);
  source = vigil_store_get_source (store, "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpint (source->max_bytes, ==, 2048);
  g_assert_cmpint (source->last_poll_at, ==, 100);
  g_assert_cmpstr (source->last_summary, ==, "1 stored");
  g_assert_cmpint (source->max_records, ==, VIGIL_SOURCE_DEFAULT_MAX_RECORDS);

  /* The new column is written by adding and by editing a source. */
  source->max_records = 500;
  g_assert_true (vigil_store_update_source (store, source, &error));
  g_assert_no_error (error);
  g_clear_pointer (&source, vigil_source_free);
  source = vigil_store_get_source (store, "crm", &error);
  g_assert_cmpint (source->max_records, ==, 500);

  added = vigil_source_new ("billing", "https://example.com/b");
  added->max_records = 7;
  g_assert_true (vigil_store_add_source (store, added, &error));
  g_assert_no_error (error);
  g_clear_pointer (&added, vigil_source_free);
  added = vigil_store_get_source (store, "billing", &error);
  g_assert_cmpint (added->max_records, ==, 7);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Every row of @table (its @columns) in a fixed order, as one text: a
 * table's contents compared before and after a migration or a write. */
static char *
table_text (const char *path,
            const char *table,
            const char *columns,
            const char *order)
{
  return test_book_rows (path, columns, table, order);
}

/* Schema 4 → 5 (design 2.6): each customer becomes an account of one
 * record with the customer's id; a year of history, its scores, the
 * outcomes and triggers come through unchanged, and the next import
 * of a known customer lands on its account. */
static void
test_store_migrate_to_accounts (void)
{
  static const char * const tables[][3] = {
    { "customers", "id, source_id, external_id, name, plan, owner, segment, latest_at", "id" },
    { "snapshots", "customer_id, observed_at, last_active, mrr, seats, seats_used, api_calls_7d, "
      "features_used, open_tickets, nps, renewal_date, plan, features", "customer_id, observed_at" },
    { "scores", "customer_id, observed_at, version, health, tier", "customer_id, observed_at" },
    { "outcomes", "customer_id, day, outcome, recorded_at", "customer_id, day" },
    { "triggers", "id, customer_id, rule, kind, first_seen, last_seen, cleared_at, state, "
      "snoozed_until, evidence", "id" },
  };
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) history = NULL;
  char *before[G_N_ELEMENTS (tables)];
  gint64 customer;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "v4.db");
  g_assert_true (_vigil_store_create_at_version (path, 4, &error));
  g_assert_no_error (error);
  test_book_exec (path,
               "INSERT INTO sources (id, name, kind, created_at) VALUES (1, 'crm', 'file', 0), (2, 'usage', 'file', 0);"
               "INSERT INTO customers (id, source_id, external_id, name, owner, plan, latest_at) VALUES"
               " (1, 1, 'acme', 'Acme', 'Dana', 'pro', 31449600), (2, 1, 'globex', 'Globex', 'Noa', NULL, 31449600),"
               " (5, 2, 'acme', NULL, NULL, NULL, 31449600);"
               "WITH RECURSIVE d (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 364)"
               " INSERT INTO snapshots (customer_id, observed_at, last_active, mrr, api_calls_7d, seats, seats_used)"
               " SELECT c.id, n * 86400, n * 86400 - 3600, 100 + n, 1000 + n * c.id, 10, n % 11"
               " FROM d, customers c ORDER BY c.id, n;"
               "INSERT INTO scores (customer_id, observed_at, version, health, tier)"
               " SELECT customer_id, observed_at, 1, api_calls_7d % 100, 'at-risk' FROM snapshots;"
               "INSERT INTO outcomes (customer_id, day, outcome, recorded_at) VALUES (2, '1970-06-01', 'renewed', 5);"
               "INSERT INTO triggers (customer_id, rule, kind, first_seen, last_seen, state, evidence)"
               " VALUES (1, 'seat-expansion', 'upsell', 86400, 31449600, 'acknowledged', '{}');");
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    before[i] = table_text (path, tables[i][0], tables[i][1], tables[i][2]);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM snapshots"), ==, 3 * 365);

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *after = NULL;

      after = table_text (path, tables[i][0], tables[i][1], tables[i][2]);
      g_assert_cmpstr (after, ==, before[i]);
      g_free (before[i]);
    }
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM snapshots WHERE origins IS NOT NULL"), ==, 0);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM records r JOIN customers c ON c.id = r.id"
                                     " AND r.customer_id = c.id AND r.source_id = c.source_id"
                                     " AND r.external_id = c.external_id AND r.detached = 0"
                                     " AND r.name IS c.name AND r.owner IS c.owner"), ==, 3);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM records"), ==, 3);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM observations"), ==, 0);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM record_keys"), ==, 0);
  /* schema 6: each account's only record is its main record */
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM customers WHERE main_record = id"), ==, 3);

  /* A record of the same company in another source stays its own
   * account: it carried no keys. A new observation of acme goes to
   * its account, not to a new one. */
  add_snapshots (store, "crm", make_snapshot ("acme", "Acme Inc", 365 * 86400), NULL);
  customer = vigil_store_find_customer (store, "acme", "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpint (customer, ==, 1);
  history = vigil_store_list_history (store, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 366);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM customers"), ==, 3);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM records"), ==, 3);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM observations"), ==, 0);
  {
    g_autofree char *name = test_book_text (path, "SELECT name FROM customers WHERE id = 1");

    g_assert_cmpstr (name, ==, "Acme Inc");
  }

  /* A new customer is an account with its own record. */
  add_snapshots (store, "crm", make_snapshot ("initech", "Initech", 365 * 86400), NULL);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM records r JOIN customers c ON c.id = r.customer_id"
                                     " WHERE r.external_id = 'initech' AND c.external_id = 'initech'"), ==, 1);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Schema 5 → 6 (design 2.6): an account merged by schema 5 kept every
 * record's raw observations in observations beside its merged
 * snapshots. It reads the same after the migration; its next import
 * gives it a main record, whose observations then live only in the
 * snapshots, and its merged history is what it was. */
static void
test_store_migrate_to_main_records (void)
{
  static const char merged_columns[] =
    "customer_id, observed_at, last_active, mrr, seats, seats_used, api_calls_7d, features_used, "
    "open_tickets, nps, renewal_date, plan, features";
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *origins = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) history = NULL;
  VigilSnapshot *next;
  VigilHistoryRow *first;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "v5.db");
  g_assert_true (_vigil_store_create_at_version (path, 5, &error));
  g_assert_no_error (error);
  /* acme: a CRM record (the display record, one observation with the
   * MRR on the last day) and a usage record (a year of activity) */
  test_book_exec (path,
               "INSERT INTO sources (id, name, kind, created_at) VALUES (1, 'crm', 'file', 0), (2, 'usage', 'file', 0);"
               "INSERT INTO customers (id, source_id, external_id, name, latest_at) VALUES (1, 1, 'acme', 'Acme', 31449600);"
               "INSERT INTO records (id, source_id, external_id, customer_id, name, latest_at) VALUES"
               " (1, 1, 'acme', 1, 'Acme', 31449600), (2, 2, 'acme-app', 1, NULL, 31449600);"
               "WITH RECURSIVE d (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 364)"
               " INSERT INTO observations (record_id, observed_at, last_active, api_calls_7d)"
               " SELECT 2, n * 86400, n * 86400 - 3600, 1000 + n FROM d;"
               "INSERT INTO observations (record_id, observed_at, mrr) VALUES (1, 31449600, 4200);"
               "INSERT INTO snapshots (customer_id, observed_at, last_active, mrr, api_calls_7d, origins)"
               " SELECT 1, observed_at, last_active, CASE WHEN observed_at = 31449600 THEN 4200 END, api_calls_7d,"
               " 'last_active=2;api_calls_7d=2' FROM observations WHERE record_id = 2 ORDER BY observed_at;"
               "INSERT INTO scores (customer_id, observed_at, version, health, tier)"
               " SELECT customer_id, observed_at, 1, 50, 'at-risk' FROM snapshots;");
  before = table_text (path, "snapshots", merged_columns, "customer_id, observed_at");

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM customers WHERE main_record IS NULL"), ==, 1);
  after = table_text (path, "snapshots", merged_columns, "customer_id, observed_at");
  g_assert_cmpstr (after, ==, before);
  /* origins still read against the display record */
  history = vigil_store_list_history (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 365);
  first = history->pdata[0];
  g_assert_cmpuint (first->field_sources->len, ==, 2);
  g_assert_cmpstr (g_array_index (first->field_sources, VigilFieldSource, 0).field, ==, "last_active");
  g_assert_cmpstr (g_array_index (first->field_sources, VigilFieldSource, 0).source, ==, "usage");
  g_clear_pointer (&history, g_ptr_array_unref);

  /* the next day's usage: the account takes the usage record, the one
   * with the most observations, as its main record */
  next = vigil_snapshot_new ();
  next->customer_id = g_strdup ("acme-app");
  next->observed_at = 365 * 86400;
  next->last_active = 365 * 86400 - 60;
  next->api_calls_7d = 5000;
  add_snapshots (store, "usage", next, NULL);

  g_assert_cmpint (test_book_int (path, "SELECT main_record FROM customers WHERE id = 1"), ==, 2);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM observations"), ==, 1);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM observations WHERE record_id = 1"), ==, 1);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM snapshots"), ==, 366);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM scores"), ==, 366);
  g_clear_pointer (&after, g_free);
  after = test_book_text (path, "SELECT group_concat (row, char (10)) FROM (SELECT json_array (customer_id, "
                             "observed_at, last_active, mrr, seats, seats_used, api_calls_7d, features_used, "
                             "open_tickets, nps, renewal_date, plan, features) AS row FROM snapshots "
                             "WHERE observed_at < 31536000 ORDER BY customer_id, observed_at)");
  g_assert_cmpstr (after, ==, before);
  /* the new day carries the CRM's MRR; origins now name the CRM */
  g_assert_cmpint (test_book_int (path, "SELECT mrr FROM snapshots WHERE observed_at = 31536000"), ==, 4200);
  origins = test_book_text (path, "SELECT group_concat (DISTINCT ifnull (origins, '-')) FROM snapshots");
  g_assert_cmpstr (origins, ==, "-,mrr=1");
  history = vigil_store_list_history (store, 1, &error);
  g_assert_no_error (error);
  first = history->pdata[0];
  g_assert_cmpuint (first->field_sources->len, ==, 2);
  g_assert_cmpstr (g_array_index (first->field_sources, VigilFieldSource, 1).field, ==, "api_calls_7d");
  g_assert_cmpstr (g_array_index (first->field_sources, VigilFieldSource, 1).source, ==, "usage");
  g_assert_cmpuint (((VigilHistoryRow *) history->pdata[365])->field_sources->len, ==, 2);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Schema 6 → 7 (design 2.5): sources keep everything they had, start
 * with no baseline and no mark, and the next polls are compared. */
static void
test_store_migrate_to_suspect (void)
{
  static const char columns[] =
    "id, name, kind, url, mapping, interval_min, timeout_s, concurrency, max_bytes, header_names, "
    "token_env, created_at, last_poll_at, last_ok, last_error, last_summary, next_due, failures, "
    "keyring_token, query_secret_names, query_secret_env, max_records";
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) source = NULL;
  VigilPollCensus census = { 0, };
  gboolean became = TRUE;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "v6.db");
  g_assert_true (_vigil_store_create_at_version (path, 6, &error));
  g_assert_no_error (error);
  test_book_exec (path,
               "INSERT INTO sources (id, name, kind, url, interval_min, timeout_s, concurrency, max_bytes,"
               " created_at, last_poll_at, last_ok, last_summary, next_due, failures, max_records) VALUES"
               " (1, 'crm', 'endpoint', 'https://crm.example.com/api', 60, 30, 6, 65536, 10, 1000, 1,"
               "  '3 read', 4600, 0, 500),"
               " (2, 'billing', 'file', NULL, NULL, NULL, NULL, NULL, 20, NULL, NULL, NULL, NULL, 0, NULL);"
               "INSERT INTO customers (id, source_id, external_id, name) VALUES (1, 1, 'acme', 'Acme');"
               "INSERT INTO records (id, source_id, external_id, customer_id, name) VALUES (1, 1, 'acme', 1, 'Acme');"
               "INSERT INTO snapshots (customer_id, observed_at, mrr) VALUES (1, 1000, 42);");
  before = table_text (path, "sources", columns, "id");

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION);
  after = table_text (path, "sources", columns, "id");
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM sources WHERE baseline_records IS NULL"
                                     " AND baseline_fingerprint IS NULL AND stalled_polls = 0"
                                     " AND suspect_since IS NULL AND suspect_records IS NULL"
                                     " AND suspect_previous_records IS NULL AND suspect_fields IS NULL"), ==, 2);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM source_field_counts"), ==, 0);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM snapshots WHERE mrr = 42"), ==, 1);

  source = vigil_store_get_source (store, "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (source->last_summary, ==, "3 read");
  g_assert_false (vigil_source_is_suspect (source));
  g_assert_cmpint (source->suspect_records, ==, -1);
  g_assert_null (source->suspect_fields);

  /* The first poll after the migration is the baseline, not a drop. */
  census.records = 1;
  census.known[VIGIL_FIELD_MRR] = 1;
  census.stored = 1;
  vigil_source_set_outcome (source, 5000, "1 read", NULL);
  g_assert_true (vigil_store_record_poll (store, source, &census, &became, &error));
  g_assert_no_error (error);
  g_assert_false (became);
  g_assert_cmpint (test_book_int (path, "SELECT baseline_records FROM sources WHERE id = 1"), ==, 1);
  g_assert_cmpint (test_book_int (path, "SELECT known FROM source_field_counts WHERE source_id = 1"
                                     " AND field = 'mrr'"), ==, 1);

  /* The counts go with their source. */
  g_assert_true (vigil_store_remove_source (store, "crm", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM source_field_counts"), ==, 0);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Schema 7 → 8 (design 3.3, 3.4): a book with history and trigger
 * decisions keeps them; a decision made after the migration says when,
 * who and the tier then, and lands on the timeline; what the CSM wrote
 * about an account follows it into a merge. */
static void
test_store_migrate_to_timeline (void)
{
  static const char trigger_columns[] =
    "id, customer_id, rule, kind, first_seen, last_seen, cleared_at, state, snoozed_until, evidence";
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *by = NULL;
  g_autofree char *tier = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  gint64 account = 0;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "v7.db");
  g_assert_true (_vigil_store_create_at_version (path, 7, &error));
  g_assert_no_error (error);
  test_book_exec (path,
               "INSERT INTO sources (id, name, kind, created_at) VALUES (1, 'product', 'file', 10),"
               " (2, 'crm', 'file', 10);"
               "INSERT INTO customers (id, source_id, external_id, name, main_record) VALUES"
               " (1, 1, 'acme', 'Acme', 1), (2, 2, 'A-1', 'Acme Inc', 2);"
               "INSERT INTO records (id, source_id, external_id, customer_id, name) VALUES"
               " (1, 1, 'acme', 1, 'Acme'), (2, 2, 'A-1', 2, 'Acme Inc');"
               "WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 364)"
               " INSERT INTO snapshots (customer_id, observed_at, mrr, api_calls_7d)"
               " SELECT 1, 1795262400 + n * 86400, 500, 4000 - n FROM d;"
               "WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 364)"
               " INSERT INTO scores (customer_id, observed_at, version, health, tier)"
               " SELECT 1, 1795262400 + n * 86400, 1, 90 - n / 10.0,"
               "  CASE WHEN n < 50 THEN 'healthy' ELSE 'at-risk' END FROM d;"
               "INSERT INTO snapshots (customer_id, observed_at, mrr) VALUES (2, 1795262400, 510);"
               "INSERT INTO outcomes (customer_id, day, outcome, recorded_at) VALUES (1, '2026-12-01', 'renewed', 5);"
               "INSERT INTO triggers (id, customer_id, rule, kind, first_seen, last_seen, cleared_at, state,"
               " snoozed_until, evidence) VALUES"
               " (1, 1, 'health-drop', 'risk', 1795262400, 1826712000, NULL, 'new', NULL, 'fell 20'),"
               " (2, 1, 'gone-silent', 'risk', 1795262400, 1795348800, 1795435200, 'done', NULL, NULL);");
  before = table_text (path, "triggers", trigger_columns, "id");

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION);
  after = table_text (path, "triggers", trigger_columns, "id");
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM triggers WHERE state_at IS NULL"
                                     " AND state_by IS NULL AND state_tier IS NULL"), ==, 2);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM snapshots WHERE customer_id = 1"), ==, 365);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM outcomes"), ==, 1);
  g_assert_cmpint (test_book_int (path, "SELECT (SELECT count(*) FROM touches) + (SELECT count(*) FROM pulses)"
                                     " + (SELECT count(*) FROM events) + (SELECT count(*) FROM views)"), ==, 0);

  /* A decision after the migration: when, by whom, the tier then. */
  g_assert_true (vigil_store_set_meta (store, "me", "Dana Park", &error));
  g_assert_no_error (error);
  g_assert_true (vigil_store_set_trigger_state (store, 1, "done", NULL, &error));
  g_assert_no_error (error);
  by = test_book_text (path, "SELECT state_by FROM triggers WHERE id = 1");
  tier = test_book_text (path, "SELECT state_tier FROM triggers WHERE id = 1");
  g_assert_cmpstr (by, ==, "Dana Park");
  g_assert_cmpstr (tier, ==, "at-risk");
  g_assert_cmpint (test_book_int (path, "SELECT state_at > 1795262400 FROM triggers WHERE id = 1"), ==, 1);
  detail = test_book_text (path, "SELECT kind || ' ' || detail || ' ' || author FROM events WHERE customer_id = 1");
  g_assert_cmpstr (detail, ==, "trigger-done {\"rule\":\"health-drop\",\"state\":\"done\",\"until\":null} Dana Park");

  /* An unknown trigger is refused and leaves no event. */
  g_assert_false (vigil_store_set_trigger_state (store, 99, "done", NULL, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM events"), ==, 1);

  /* The CRM's account, with one day of history, joins the product's
   * year: what was written about it moves along. */
  test_book_exec (path,
               "INSERT INTO touches (customer_id, kind, at, body, author, created_at)"
               " VALUES (2, 'call', 1826712000, 'Renewal call', 'Dana Park', 1826712000);"
               "INSERT INTO pulses (customer_id, at, sentiment, author, created_at)"
               " VALUES (2, 1826712000, 'yellow', 'Dana Park', 1826712000);");
  g_assert_true (vigil_store_link_records (store, "product", "acme", "crm", "A-1", &account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (account, ==, 1);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM customers"), ==, 1);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM touches WHERE customer_id = 1"), ==, 1);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM pulses WHERE customer_id = 1"), ==, 1);
  /* the decision moved along, and the link is an event of its own */
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM events WHERE customer_id = 1"), ==, 2);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM events WHERE customer_id = 1"
                                     " AND kind = 'record-linked'"), ==, 1);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Schema 8 -> 9 changed a team's book only (design 1): a file of the
 * previous schema with history comes through with its tables and rows
 * as they were, at 9. */
static void
test_store_migrate_file_to_9 (void)
{
  static const char schema_sql[] =
    "SELECT group_concat (type || ' ' || name || ' ' || coalesce (sql, ''), char (10))"
    " FROM (SELECT * FROM sqlite_schema ORDER BY name)";
  static const char * const tables[][3] = {
    { "customers", "id, source_id, external_id, name, owner, latest_at, main_record", "id" },
    { "snapshots", "customer_id, observed_at, mrr, api_calls_7d", "customer_id, observed_at" },
    { "scores", "customer_id, observed_at, version, health, tier", "customer_id, observed_at" },
    { "touches", "id, customer_id, kind, at, body, author", "id" },
    { "triggers", "id, customer_id, rule, kind, first_seen, last_seen, state, state_by", "id" },
  };
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *schema_before = NULL;
  g_autofree char *schema_after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  char *before[G_N_ELEMENTS (tables)];

  test_dir_init (&dir);
  path = test_dir_file (&dir, "v8.db");
  g_assert_true (_vigil_store_create_at_version (path, 8, &error));
  g_assert_no_error (error);
  test_book_exec (path,
               "INSERT INTO sources (id, name, kind, created_at) VALUES (1, 'product', 'file', 10);"
               "INSERT INTO customers (id, source_id, external_id, name, owner, latest_at, main_record) VALUES"
               " (1, 1, 'acme', 'Acme', 'Dana Park', 1795262400 + 89 * 86400, 1);"
               "INSERT INTO records (id, source_id, external_id, customer_id, name) VALUES (1, 1, 'acme', 1, 'Acme');"
               "WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 89)"
               " INSERT INTO snapshots (customer_id, observed_at, mrr, api_calls_7d)"
               " SELECT 1, 1795262400 + n * 86400, 500, 4000 - n FROM d;"
               "WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 89)"
               " INSERT INTO scores (customer_id, observed_at, version, health, tier)"
               " SELECT 1, 1795262400 + n * 86400, 1, 90 - n / 10.0, 'healthy' FROM d;"
               "INSERT INTO touches (customer_id, kind, at, body, author, created_at)"
               " VALUES (1, 'call', 1796000000, 'Renewal call', 'Dana Park', 1796000000);"
               "INSERT INTO triggers (id, customer_id, rule, kind, first_seen, last_seen, state, state_by)"
               " VALUES (1, 1, 'usage-drop', 'risk', 1795262400, 1796000000, 'acknowledged', 'Dana Park');");
  schema_before = test_book_text (path, schema_sql);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    before[i] = table_text (path, tables[i][0], tables[i][1], tables[i][2]);

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, 9);
  schema_after = test_book_text (path, schema_sql);
  g_assert_cmpstr (schema_after, ==, schema_before);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *after = table_text (path, tables[i][0], tables[i][1], tables[i][2]);

      g_assert_cmpstr (after, ==, before[i]);
      g_free (before[i]);
    }
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM snapshots"), ==, 90);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
test_store_empty_file (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;

  test_dir_init (&dir);
  path = test_dir_write (&dir, "empty.db", "", 0);

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "PRAGMA user_version"), ==, VIGIL_STORE_SCHEMA_VERSION);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
test_store_reopen (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  VigilPortfolioRow *row;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  add_snapshots (store, "crm", make_snapshot ("acme", "Acme Corp", T0), NULL);
  g_clear_object (&store);

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->source, ==, "crm");
  g_assert_cmpstr (row->latest->customer_id, ==, "acme");
  g_assert_cmpstr (row->latest->name, ==, "Acme Corp");
  /* 1 h → 40 × 71/72; 2500 calls → 15; 1 of 8 features → 3.75 */
  g_assert_cmpfloat_with_epsilon (row->score.health, 40.0 * 71 / 72 + 15 + 3.75, 1e-5);
  g_assert_cmpint (row->score.tier, ==, VIGIL_TIER_HIGH_RISK);
  g_assert_cmpfloat_with_epsilon (row->score.measures[VIGIL_MEASURE_VOLUME].weight, 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (row->score.measures[VIGIL_MEASURE_VOLUME].points, 15, 1e-9);
  g_assert_cmpfloat (row->score.measures[VIGIL_MEASURE_BREADTH].input, ==, 1);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 7: a pool keeps a team's book's store given back, one at most,
 * for the next taking; a file's is opened for each, a store whose work
 * failed is closed. */
static void
test_store_pool (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStorePool) pool = NULL;
  VigilStore *first, *second, *again;
  gboolean keeps = vigil_test_on_postgresql ();

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  pool = vigil_store_pool_new (path, vigil_store_open);

  first = vigil_store_pool_take (pool, &error);
  g_assert_no_error (error);
  second = vigil_store_pool_take (pool, &error);
  g_assert_no_error (error);
  g_assert_true (first != second);
  g_object_add_weak_pointer (G_OBJECT (second), (gpointer *) &second);
  vigil_store_pool_give_back (pool, first, TRUE);
  vigil_store_pool_give_back (pool, second, TRUE);
  /* One kept (on a team's book), the other closed. */
  g_assert_cmpuint (vigil_store_pool_get_idle (pool), ==, keeps ? 1 : 0);
  g_assert_null (second);

  again = vigil_store_pool_take (pool, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_store_pool_get_idle (pool), ==, 0);
  g_assert_cmpint (vigil_store_count_customers (again, &error), ==, 0);
  g_assert_no_error (error);
  if (keeps)
    g_assert_true (again == first);
  vigil_store_pool_give_back (pool, again, TRUE);

  /* A kept store knows the features another process added meanwhile. */
  {
    g_autoptr(VigilStore) other = vigil_store_open (path, &error);

    g_assert_no_error (error);
    add_snapshots (other, "crm", make_snapshot ("acme", "Acme Corp", T0), NULL);
  }
  again = vigil_store_pool_take (pool, &error);
  g_assert_no_error (error);
  g_assert_true (g_hash_table_contains (_vigil_store_get_feature_ids (again), "reports"));

  /* A store whose work failed is not kept, nor one left in a transaction. */
  vigil_store_pool_give_back (pool, again, FALSE);
  g_assert_cmpuint (vigil_store_pool_get_idle (pool), ==, 0);
  again = vigil_store_pool_take (pool, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_store_begin (again, &error));
  g_assert_no_error (error);
  vigil_store_pool_give_back (pool, again, TRUE);
  g_assert_cmpuint (vigil_store_pool_get_idle (pool), ==, 0);

  g_clear_object (&pool);
  test_dir_clear (&dir);
}

static void
test_store_idempotent (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = make_snapshot ("acme", "Acme", T0);

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  add_snapshots (store, "crm", make_snapshot ("acme", "Acme", T0),
                 make_snapshot ("acme", "Acme", T0 + 86400), NULL);

  ingest = vigil_ingest_begin (store, "crm", T0, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_ingest_get_stats (ingest)->stored, ==, 0);
  g_assert_cmpuint (vigil_ingest_get_stats (ingest)->duplicates, ==, 1);
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 2);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM scores WHERE version = 1"), ==, 2);

  /* The same id in another source is another customer. */
  add_snapshots (store, "billing", make_snapshot ("acme", "Acme", T0), NULL);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 2);
  g_assert_cmpint (vigil_store_find_customer (store, "acme", NULL, &error), ==, -1);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_AMBIGUOUS);
  g_clear_error (&error);
  g_assert_cmpint (vigil_store_find_customer (store, "acme", "billing", &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (vigil_store_find_customer (store, "nobody", NULL, &error), ==, -1);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Removing a source with its history takes its scores too, and only its. */
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM scores"), ==, 3);
  g_assert_true (vigil_store_remove_source (store, "crm", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM scores"), ==, 1);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM snapshots"), ==, 1);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Editing a source changes its settings and keeps what it has gathered. */
static void
test_store_update_source (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(VigilSource) read = NULL;
  g_autoptr(VigilSource) missing = NULL;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  source = vigil_source_new ("crm", "http://127.0.0.1:1/usage");
  source->keyring_token = TRUE;
  g_assert_true (vigil_store_add_source (store, source, &error));
  add_snapshots (store, "crm", make_snapshot ("acme", "Acme", T0), NULL);
  vigil_source_set_outcome (source, T0, "1 customer", NULL);
  g_assert_true (vigil_store_record_poll (store, source, NULL, NULL, &error));
  g_assert_true (vigil_store_set_validators (store, source->id, source->url, "\"v1\"", NULL, &error));
  g_assert_no_error (error);

  /* A new interval only: due one new interval after the last poll. */
  source->interval_min = 5;
  source->timeout_s = 7;
  source->token_env = g_strdup ("CRM_TOKEN");
  source->keyring_token = FALSE;
  source->header_names = g_strsplit ("X-Api-Key", ",", -1);
  g_assert_true (vigil_store_update_source (store, source, &error));
  g_assert_no_error (error);
  read = vigil_store_get_source (store, "crm", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->interval_min, ==, 5);
  g_assert_cmpuint (read->timeout_s, ==, 7);
  g_assert_cmpstr (read->token_env, ==, "CRM_TOKEN");
  g_assert_false (read->keyring_token);
  g_assert_cmpstr (read->header_names[0], ==, "X-Api-Key");
  g_assert_cmpint (read->last_poll_at, ==, T0);
  g_assert_cmpstr (read->last_summary, ==, "1 customer");
  g_assert_cmpint (read->next_due, ==, T0 + 5 * 60);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM source_validators"), ==, 0);
  g_clear_pointer (&read, vigil_source_free);

  /* A new address after failures: due at once, failures forgotten. */
  vigil_source_set_outcome (source, T0 + 600, NULL, "HTTP 500");
  vigil_source_set_outcome (source, T0 + 1200, NULL, "HTTP 500");
  g_assert_true (vigil_store_record_poll (store, source, NULL, NULL, &error));
  g_free (source->url);
  source->url = g_strdup ("http://127.0.0.1:2/v2/usage");
  g_assert_true (vigil_store_update_source (store, source, &error));
  read = vigil_store_get_source (store, "crm", &error);
  g_assert_cmpstr (read->url, ==, "http://127.0.0.1:2/v2/usage");
  g_assert_cmpuint (read->failures, ==, 0);
  g_assert_cmpint (read->next_due, ==, 0);
  g_assert_cmpstr (read->last_error, ==, "HTTP 500");

  /* Its customers and history stay. */
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 1);
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 1);

  /* A source that is not there is named in the error, and none is made. */
  missing = vigil_source_new ("billing", "http://127.0.0.1:3/");
  g_assert_false (vigil_store_update_source (store, missing, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "billing"));
  g_clear_error (&error);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM sources WHERE name = 'billing'"), ==, 0);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
test_store_rollback (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = make_snapshot ("globex", "Globex", T0);

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  add_snapshots (store, "crm", make_snapshot ("acme", "Acme", T0), NULL);

  ingest = vigil_ingest_begin (store, "new-source", T0, &error);
  g_assert_no_error (error);
  vigil_snapshot_add_feature (snapshot, "brand-new-feature", 3);
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  vigil_ingest_abort (ingest);

  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 1);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 1);
  g_assert_cmpint (vigil_store_lookup_source (store, "new-source", NULL), ==, 0);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM features WHERE name = 'brand-new-feature'"), ==, 0);

  /* A feature interned by the rolled-back import gets a fresh id later. */
  add_snapshots (store, "crm", make_snapshot ("acme", "Acme", T0 + 60), NULL);
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 2);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
test_store_backfill_keeps_newest_name (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) history = NULL;
  VigilSnapshot *older;
  VigilSnapshot *newest;
  VigilPortfolioRow *row;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  newest = make_snapshot ("acme", "Acme Corporation", T0);
  newest->plan = g_strdup ("enterprise");
  add_snapshots (store, "crm", newest, NULL);
  older = make_snapshot ("acme", "ACME (old name)", T0 - 86400);
  older->owner = g_strdup ("Dana Park");
  older->plan = g_strdup ("starter");
  add_snapshots (store, "crm", older, NULL);

  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->latest->name, ==, "Acme Corporation");
  g_assert_cmpstr (row->latest->owner, ==, "Dana Park");
  g_assert_cmpint (row->latest->observed_at, ==, T0);

  history = vigil_store_list_history (store, row->customer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpint (((VigilHistoryRow *) history->pdata[0])->snapshot->observed_at, ==, T0 - 86400);
  g_assert_cmpuint (((VigilHistoryRow *) history->pdata[1])->snapshot->features->len, ==, 2);
  /* Each snapshot keeps the plan of its moment; the customer has the latest. */
  g_assert_cmpstr (((VigilHistoryRow *) history->pdata[0])->snapshot->plan, ==, "starter");
  g_assert_cmpstr (((VigilHistoryRow *) history->pdata[1])->snapshot->plan, ==, "enterprise");
  g_assert_cmpstr (row->latest->plan, ==, "enterprise");

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static VigilSnapshot *
make_calls_snapshot (gint64 observed_at,
                     gint64 calls)
{
  VigilSnapshot *snapshot = vigil_snapshot_new ();

  /* Only volume known: health = calls / 50 */
  snapshot->customer_id = g_strdup ("trendy");
  snapshot->observed_at = observed_at;
  snapshot->api_calls_7d = calls;
  return snapshot;
}

/* design 7: the book's latest observation, read without its rows (the
 * sparklines' span counts back from it): none in an empty book, else
 * the newest of the customers' latest observations, whatever order
 * they came in. */
static void
test_store_latest_time (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const gint64 day = 86400;
  gint64 latest = 0, newest_row = G_MININT64;
  VigilSnapshot *other;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  g_assert_true (vigil_store_get_latest_time (store, &latest, &error));
  g_assert_no_error (error);
  g_assert_cmpint (latest, ==, G_MININT64);

  other = make_calls_snapshot (T0 - 3 * day, 1000);
  g_free (other->customer_id);
  other->customer_id = g_strdup ("other");
  add_snapshots (store, "billing", make_calls_snapshot (T0 - 9 * day, 2000), make_calls_snapshot (T0 - day, 2500),
                 other, NULL);
  g_assert_true (vigil_store_get_latest_time (store, &latest, &error));
  g_assert_no_error (error);
  g_assert_cmpint (latest, ==, T0 - day);

  /* the same time as the newest of the rows' latest observations */
  rows = vigil_store_list_book (store, VIGIL_BOOK_ALL, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    newest_row = MAX (newest_row, ((VigilPortfolioRow *) rows->pdata[i])->latest->observed_at);
  g_assert_cmpint (latest, ==, newest_row);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 5: a sparkline is a customer's health since a time, evenly
 * thinned to at most 28 points, oldest first and always ending on the
 * newest; read as the book's are (vigil_store_list_sparklines()), it is
 * what thinning the full read of the points gives. */
static VigilSnapshot *
make_customer_calls_snapshot (const char *id,
                              gint64      observed_at,
                              gint64      calls)
{
  VigilSnapshot *snapshot = make_calls_snapshot (observed_at, calls);

  g_free (snapshot->customer_id);
  snapshot->customer_id = g_strdup (id);
  return snapshot;
}

static void
test_store_sparklines (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(GArray) sparklines = NULL;
  g_autoptr(GHashTable) recent = NULL;
  const gint64 hour = 3600, since = T0 - 54 * hour;
  const VigilSparkline *hourly, *short_one;
  g_autoptr(VigilSnapshot) old = NULL;
  g_autoptr(VigilSnapshot) unknown = NULL;
  GArray *points;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  sparklines = vigil_store_list_sparklines (store, since, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sparklines->len, ==, 0);
  g_clear_pointer (&sparklines, g_array_unref);

  ingest = vigil_ingest_begin (store, "usage", T0, &error);
  g_assert_no_error (error);
  /* "hourly": 55 scores since, each its own, and one before since */
  for (int i = -1; i < 55; i++)
    {
      g_autoptr(VigilSnapshot) snapshot = make_customer_calls_snapshot ("hourly", T0 - (54 - i) * hour,
                                                                        1000 + 10 * i);

      vigil_ingest_add (ingest, snapshot, &error);
      g_assert_no_error (error);
    }
  /* "old": scored only before since; "unknown": no score known since */
  old = make_customer_calls_snapshot ("old", since - hour, 900);
  vigil_ingest_add (ingest, old, &error);
  g_assert_no_error (error);
  unknown = make_customer_calls_snapshot ("unknown", T0, 0);
  unknown->api_calls_7d = VIGIL_UNKNOWN;
  vigil_ingest_add (ingest, unknown, &error);
  g_assert_no_error (error);
  /* "short": three scores, fewer than a sparkline holds */
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(VigilSnapshot) snapshot = make_customer_calls_snapshot ("short", T0 - (2 - i) * hour,
                                                                        2000 + 100 * i);

      vigil_ingest_add (ingest, snapshot, &error);
      g_assert_no_error (error);
    }
  vigil_ingest_commit (ingest, &error);
  g_assert_no_error (error);

  sparklines = vigil_store_list_sparklines (store, since, &error);
  g_assert_no_error (error);
  recent = vigil_store_list_recent_health (store, since, &error);
  g_assert_no_error (error);
  /* one for each customer with a known score since, in customer id order */
  g_assert_cmpuint (sparklines->len, ==, 2);
  g_assert_cmpuint (g_hash_table_size (recent), ==, 2);
  hourly = &g_array_index (sparklines, VigilSparkline, 0);
  short_one = &g_array_index (sparklines, VigilSparkline, 1);
  g_assert_cmpint (hourly->customer_id, <, short_one->customer_id);

  /* 55 scores thin to 28: every other one, the oldest to the newest */
  points = g_hash_table_lookup (recent, &hourly->customer_id);
  g_assert_nonnull (points);
  g_assert_cmpuint (points->len, ==, 55);
  g_assert_cmpuint (hourly->n_points, ==, VIGIL_SPARKLINE_POINTS);
  for (guint i = 0; i < VIGIL_SPARKLINE_POINTS; i++)
    g_assert_cmpfloat (hourly->health[i], ==, g_array_index (points, VigilHealthPoint, 2 * i).health);
  g_assert_cmpfloat (g_array_index (points, VigilHealthPoint, 0).health, <,
                     g_array_index (points, VigilHealthPoint, 1).health);
  g_assert_cmpfloat_with_epsilon (hourly->health[VIGIL_SPARKLINE_POINTS - 1], (1000 + 10 * 54) / 50.0, 1e-9);

  /* fewer than 28: all of them, oldest first */
  points = g_hash_table_lookup (recent, &short_one->customer_id);
  g_assert_nonnull (points);
  g_assert_cmpuint (short_one->n_points, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpfloat (short_one->health[i], ==, g_array_index (points, VigilHealthPoint, i).health);
      g_assert_cmpfloat_with_epsilon (short_one->health[i], (2000 + 100 * i) / 50.0, 1e-9);
    }

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 7: the reads of the whole book (the rows, the sparklines) take
 * a small cache of their own and give the caller's connection back the
 * one it had, in one part or several; a connection opened for them has
 * the small one (4 MiB) all along. */
static void
assert_book_reads_keep_cache (VigilStore *store,
                              gint64      expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GArray) sparklines = NULL;
  gint64 cache = 0;

  rows = vigil_store_list_book_scores (store, VIGIL_BOOK_ALL, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  sparklines = vigil_store_list_sparklines (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sparklines->len, ==, 2);
  g_assert_true (_vigil_store_query_int (store, "PRAGMA cache_size", &cache, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cache, ==, expected);
}

static void
test_store_book_read_cache (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilStore) reader = NULL;
  gint64 usual = 0;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  add_snapshots (store, "usage", make_customer_calls_snapshot ("a", T0, 1000),
                 make_customer_calls_snapshot ("b", T0, 2000), NULL);
  g_assert_true (_vigil_store_query_int (store, "PRAGMA cache_size", &usual, &error));
  g_assert_no_error (error);

  assert_book_reads_keep_cache (store, usual);
  _vigil_store_set_cache_size (store, 1234);
  assert_book_reads_keep_cache (store, -1234);
  _vigil_store_set_book_parts (store, 2);
  assert_book_reads_keep_cache (store, -1234);

  /* a connection of its own for such reads has the small cache all along */
  reader = vigil_store_open_for_book_read (path, &error);
  g_assert_no_error (error);
  assert_book_reads_keep_cache (reader, -4096);

  g_clear_object (&reader);
  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* The ids and healths of @store's book read in @parts parts. */
static char *
describe_scores_in_parts (VigilStore *store,
                          guint       parts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GString *text = g_string_new (NULL);

  _vigil_store_set_book_parts (store, parts);
  rows = vigil_store_list_book_scores (store, VIGIL_BOOK_ACTIVE, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (rows, i);

      g_string_append_printf (text, "%" G_GINT64_FORMAT " %s %.17g %.17g\n", row->customer_id,
                              row->latest->customer_id, row->score.health, row->trends[VIGIL_TREND_7D]);
    }
  return g_string_free (text, FALSE);
}

static gboolean
describe_trigger_row (const VigilPortfolioRow  *row,
                      gpointer                  data,
                      GError                  **error)
{
  g_string_append_printf (data, "%" G_GINT64_FORMAT " %s %.17g %.17g %.17g %.17g %" G_GINT64_FORMAT
                          " %" G_GINT64_FORMAT " %u\n", row->customer_id, row->latest->customer_id,
                          row->score.health, row->trends[VIGIL_TREND_7D], row->peak_14d, row->recent_high,
                          row->nps_14d_ago, row->first_observed, row->records->len);
  return TRUE;
}

/* The rows the triggers read of @store's book, in @parts parts. */
static char *
describe_trigger_rows_in_parts (VigilStore *store,
                                guint       parts)
{
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new (NULL);

  _vigil_store_set_book_parts (store, parts);
  g_assert_true (vigil_store_foreach_portfolio_row (store, describe_trigger_row, text, &error));
  g_assert_no_error (error);
  return g_string_free (text, FALSE);
}

/* Adds customers to @store's book until it holds @customers (rows of
 * their own alone: the count is what the split looks at). */
static void
grow_book_to (VigilStore *store,
              gint64      customers)
{
  g_autoptr(GError) error = NULL;
  gint64 held = 0;
  g_autofree char *sql = NULL;

  g_assert_true (_vigil_store_query_int (store, "SELECT count(*) FROM customers", &held, &error));
  g_assert_no_error (error);
  /* A test's own number, not data. */
  sql = g_strdup_printf ("WITH RECURSIVE n(i) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < %" G_GINT64_FORMAT ") INSERT INTO customers (source_id, external_id) "
                         "SELECT (SELECT min (id) FROM sources), 'grown-' || i FROM n",
                         held + 1, customers);
  if (held < customers)
    g_assert_true (_vigil_store_exec_sql (store, sql, "growing the book", &error));
  g_assert_no_error (error);
}

/* design 7: a file's book is read in parts from 20,000 customers beside
 * other work (the window), from 5,000 when the read has the processors to
 * itself (`vigil scores`); at most one part a processor, and one within a
 * transaction of the caller's. */
static void
test_store_book_parts_by_size (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  guint processors = MIN (g_get_num_processors (), 4);
  gboolean shared;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  add_snapshots (store, "usage", make_customer_calls_snapshot ("a", T0, 1000), NULL);
  /* A team's book is read in parts from 5,000 whatever else runs. */
  shared = vigil_store_is_shared (store);

  grow_book_to (store, 4999);
  g_assert_cmpuint (_vigil_store_count_book_parts (store), ==, 1);
  vigil_store_set_reads_alone (store, TRUE);
  g_assert_cmpuint (_vigil_store_count_book_parts (store), ==, 1);

  grow_book_to (store, 5000);
  g_assert_cmpuint (_vigil_store_count_book_parts (store), ==, processors);
  vigil_store_set_reads_alone (store, FALSE);
  g_assert_cmpuint (_vigil_store_count_book_parts (store), ==, shared ? processors : 1);

  grow_book_to (store, 20000);
  g_assert_cmpuint (_vigil_store_count_book_parts (store), ==, processors);
  g_assert_true (vigil_store_begin (store, &error));
  g_assert_cmpuint (_vigil_store_count_book_parts (store), ==, 1);
  vigil_store_rollback (store);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 7: a book read in parts, each on a connection of its own (on
 * PostgreSQL, all on the first one's snapshot), gives the rows of one
 * reading, in customer id order. */
static void
test_store_scores_in_parts (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *in_parts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  const gint64 week = 7 * 86400;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  add_snapshots (store, "usage", make_customer_calls_snapshot ("a", T0 - week, 1000),
                 make_customer_calls_snapshot ("b", T0 - week, 2000),
                 make_customer_calls_snapshot ("c", T0 - week, 3000),
                 make_customer_calls_snapshot ("d", T0 - week, 4000), NULL);
  add_snapshots (store, "usage", make_customer_calls_snapshot ("a", T0, 1500),
                 make_customer_calls_snapshot ("b", T0, 2500),
                 make_customer_calls_snapshot ("c", T0, 3500),
                 make_customer_calls_snapshot ("d", T0, 4500), NULL);

  whole = describe_scores_in_parts (store, 1);
  g_assert_cmpuint (strlen (whole), >, 0);
  for (guint parts = 2; parts <= 4; parts++)
    {
      in_parts = describe_scores_in_parts (store, parts);
      g_assert_cmpstr (in_parts, ==, whole);
      g_clear_pointer (&in_parts, g_free);
    }
  /* what the triggers read: on PostgreSQL in parts too, then in order */
  g_clear_pointer (&whole, g_free);
  whole = describe_trigger_rows_in_parts (store, 1);
  g_assert_cmpuint (strlen (whole), >, 0);
  for (guint parts = 2; parts <= 4; parts++)
    {
      in_parts = describe_trigger_rows_in_parts (store, parts);
      g_assert_cmpstr (in_parts, ==, whole);
      g_clear_pointer (&in_parts, g_free);
    }
  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
test_store_trends (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  VigilPortfolioRow *row;
  const gint64 day = 86400;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  /* 30 days ago 90, 20 days ago 70, 10 days ago 60, 3 days ago 40, now 50 */
  add_snapshots (store, "crm", make_calls_snapshot (T0 - 30 * day, 4500),
                 make_calls_snapshot (T0 - 20 * day, 3500), make_calls_snapshot (T0 - 10 * day, 3000),
                 make_calls_snapshot (T0 - 3 * day, 2000), make_calls_snapshot (T0, 2500), NULL);

  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpfloat_with_epsilon (row->score.health, 50, 1e-9);
  /* against the newest snapshot at least 7, 14, 28 days old */
  g_assert_cmpfloat_with_epsilon (row->trends[VIGIL_TREND_7D], 50 - 60, 1e-9);
  g_assert_cmpfloat_with_epsilon (row->trends[VIGIL_TREND_14D], 50 - 70, 1e-9);
  g_assert_cmpfloat_with_epsilon (row->trends[VIGIL_TREND_28D], 50 - 90, 1e-9);

  /* The churn model's inputs follow from the same history. */
  {
    double features[VIGIL_CHURN_N_FEATURES];

    vigil_portfolio_row_get_churn_features (row, features);
    g_assert_cmpfloat_with_epsilon (features[VIGIL_CHURN_FEATURE_HEALTH], 50, 1e-9);
    g_assert_cmpfloat_with_epsilon (features[VIGIL_CHURN_FEATURE_TREND_14D], -20, 1e-9);
    g_assert_cmpfloat_with_epsilon (features[VIGIL_CHURN_FEATURE_TREND_28D], -40, 1e-9);
    g_assert_true (isnan (features[VIGIL_CHURN_FEATURE_SEAT_TREND]));
    g_assert_true (isnan (features[VIGIL_CHURN_FEATURE_DAYS_SILENT]));
  }

  /* Seat use 8 of 10 thirty days ago, 5 of 10 now: −30 points. */
  {
    VigilSnapshot *before = make_calls_snapshot (T0 - 30 * day, 4500);
    VigilSnapshot *now = make_calls_snapshot (T0, 2500);
    double features[VIGIL_CHURN_N_FEATURES];

    g_free (before->customer_id);
    g_free (now->customer_id);
    before->customer_id = g_strdup ("seated");
    now->customer_id = g_strdup ("seated");
    before->seats = now->seats = 10;
    before->seats_used = 8;
    now->seats_used = 5;
    now->last_active = T0 - 2 * day;
    now->open_tickets = 3;
    add_snapshots (store, "seats", before, now, NULL);
    g_clear_pointer (&rows, g_ptr_array_unref);
    rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
    row = g_ptr_array_index (rows, 1);
    g_assert_cmpstr (row->latest->customer_id, ==, "seated");
    vigil_portfolio_row_get_churn_features (row, features);
    g_assert_cmpfloat_with_epsilon (features[VIGIL_CHURN_FEATURE_SEAT_TREND], -30, 1e-9);
    g_assert_cmpfloat_with_epsilon (features[VIGIL_CHURN_FEATURE_DAYS_SILENT], 2, 1e-9);
    g_assert_cmpfloat_with_epsilon (features[VIGIL_CHURN_FEATURE_OPEN_TICKETS], 3, 1e-9);
  }

  g_clear_pointer (&rows, g_ptr_array_unref);
  add_snapshots (store, "billing", make_calls_snapshot (T0, 100), NULL);
  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  row = g_ptr_array_index (rows, 2);
  /* No history that old: unknown, not zero. */
  g_assert_true (isnan (row->trends[VIGIL_TREND_7D]));

  /* Health over time: each customer's points since a time, oldest first,
   * and the portfolio's average per day. */
  {
    g_autoptr(GHashTable) recent = vigil_store_list_recent_health (store, T0 - 10 * day, &error);
    g_autoptr(GArray) average = vigil_store_list_average_health (store, T0 - 3 * day, day, NULL, &error);
    g_autoptr(GArray) billing_only = vigil_store_list_average_health (store, 0, day, "nobody", &error);
    gint64 trendy = ((VigilPortfolioRow *) rows->pdata[0])->customer_id;
    GArray *points;
    double mean_now = 0;

    g_assert_no_error (error);
    points = g_hash_table_lookup (recent, &trendy);
    g_assert_cmpuint (points->len, ==, 3);
    g_assert_cmpint (g_array_index (points, VigilHealthPoint, 0).time, ==, T0 - 10 * day);
    g_assert_cmpfloat_with_epsilon (g_array_index (points, VigilHealthPoint, 0).health, 60, 1e-9);
    g_assert_cmpfloat_with_epsilon (g_array_index (points, VigilHealthPoint, 1).health, 40, 1e-9);
    g_assert_cmpfloat_with_epsilon (g_array_index (points, VigilHealthPoint, 2).health, 50, 1e-9);
    g_assert_cmpuint (g_hash_table_size (recent), ==, 3);

    for (guint i = 0; i < rows->len; i++)
      mean_now += ((VigilPortfolioRow *) rows->pdata[i])->score.health / rows->len;
    g_assert_cmpuint (average->len, ==, 2);
    g_assert_cmpint (g_array_index (average, VigilHealthPoint, 0).time, ==, (T0 - 3 * day) / day * day);
    g_assert_cmpfloat_with_epsilon (g_array_index (average, VigilHealthPoint, 0).health, 40, 1e-9);
    g_assert_cmpuint (g_array_index (average, VigilHealthPoint, 0).count, ==, 1);
    g_assert_cmpfloat_with_epsilon (g_array_index (average, VigilHealthPoint, 1).health, mean_now, 1e-9);
    g_assert_cmpuint (g_array_index (average, VigilHealthPoint, 1).count, ==, 3);
    g_assert_cmpuint (billing_only->len, ==, 0);
  }

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 3.2: a customer with only weekly calls known has health calls
 * / 50; @silent_days of silence on top make it high risk and open
 * gone-silent. */
static VigilSnapshot *
make_book_snapshot (const char *id,
                    gint64      observed_at,
                    gint64      calls,
                    double      mrr,
                    int         silent_days)
{
  VigilSnapshot *snapshot = vigil_snapshot_new ();

  snapshot->customer_id = g_strdup (id);
  snapshot->observed_at = observed_at;
  snapshot->api_calls_7d = calls;
  snapshot->mrr = mrr;
  if (silent_days > 0)
    snapshot->last_active = observed_at - silent_days * 86400;
  return snapshot;
}

static void
add_book_day (VigilStore *store,
              gint64      observed_at)
{
  add_snapshots (store, "crm",
                 make_book_snapshot ("keep", observed_at, 4500, 1000, 0),
                 make_book_snapshot ("risky", observed_at, 3500, 2000, 0),
                 make_book_snapshot ("gone", observed_at, 1000, 5000, 10),
                 NULL);
}

static const VigilPortfolioRow *
find_row (GPtrArray  *rows,
          const char *id)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->latest->customer_id, id) == 0)
        return row;
    }
  return NULL;
}

static char *
list_ids (GPtrArray *rows)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "",
                            ((VigilPortfolioRow *) rows->pdata[i])->latest->customer_id);
  return g_string_free (ids, FALSE);
}

static char *
book_ids (VigilStore *store,
          VigilBook   book)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vigil_store_list_book (store, book, NULL, VIGIL_TIER_NONE, &error);

  g_assert_no_error (error);
  return list_ids (rows);
}

/* How many open trigger episodes the inbox lists for customer @id. */
static guint
count_listed_triggers (VigilStore *store,
                       const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) triggers = vigil_store_list_triggers (store, T0, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < triggers->len; i++)
    n += g_strcmp0 (((VigilTriggerRow *) triggers->pdata[i])->customer, id) == 0;
  return n;
}

static gint64
count_open_episodes (const char *path,
                     gint64      customer)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM triggers WHERE customer_id = %" G_GINT64_FORMAT
                                          " AND cleared_at IS NULL", customer);

  return test_book_int (path, sql);
}

static VigilBookFigures
sum_book (VigilStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vigil_store_list_book (store, VIGIL_BOOK_ALL, NULL, VIGIL_TIER_NONE, &error);
  VigilBookFigures figures = { 0, };

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    vigil_book_figures_add (&figures, rows->pdata[i]);
  return figures;
}

/* design 3.2: the latest outcome by day decides whether a customer is in
 * the active book, for the portfolio, its figures, the inbox, the
 * triggers and the book's health over time; a churned customer's
 * history stays, and a later renewal brings it back. */
static void
test_store_active_book (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) churned = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GArray) average = NULL;
  g_autoptr(GPtrArray) history = NULL;
  const gint64 day = 86400;
  gint32 today = vigil_time_get_day (T0);
  VigilBookFigures figures;
  gint64 gone;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  add_book_day (store, T0 - 2 * day);
  add_book_day (store, T0 - day);
  add_book_day (store, T0);
  gone = vigil_store_find_customer (store, "gone", NULL, &error);
  g_assert_no_error (error);

  /* Before any outcome: three customers, gone's silence open. */
  ids = book_ids (store, VIGIL_BOOK_ACTIVE);
  g_assert_cmpstr (ids, ==, "keep risky gone");
  g_clear_pointer (&ids, g_free);
  g_assert_cmpuint (count_listed_triggers (store, "gone"), ==, 1);
  figures = sum_book (store);
  g_assert_cmpuint (figures.customers, ==, 3);
  g_assert_cmpfloat (figures.mrr, ==, 8000);
  g_assert_cmpfloat (figures.mrr_at_risk, ==, 7000);

  /* Churned yesterday: out of the active book, into the churned list,
   * its open trigger closed at once. */
  g_assert_true (vigil_store_record_outcome (store, gone, "churned", today - 1, &error));
  g_assert_no_error (error);
  ids = book_ids (store, VIGIL_BOOK_ACTIVE);
  g_assert_cmpstr (ids, ==, "keep risky");
  g_clear_pointer (&ids, g_free);
  {
    g_autoptr(GPtrArray) active = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);

    g_assert_no_error (error);
    ids = list_ids (active);
    g_assert_cmpstr (ids, ==, "keep risky");
    g_clear_pointer (&ids, g_free);
  }
  churned = vigil_store_list_book (store, VIGIL_BOOK_CHURNED, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (churned->len, ==, 1);
  g_assert_cmpstr (((VigilPortfolioRow *) churned->pdata[0])->latest->customer_id, ==, "gone");
  g_assert_true (((VigilPortfolioRow *) churned->pdata[0])->churned);
  g_assert_cmpint (((VigilPortfolioRow *) churned->pdata[0])->churned_day, ==, today - 1);
  all = vigil_store_list_book (store, VIGIL_BOOK_ALL, NULL, VIGIL_TIER_NONE, &error);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_false (vigil_portfolio_row_in_book (find_row (all, "keep"), VIGIL_BOOK_CHURNED));
  g_assert_true (vigil_portfolio_row_in_book (find_row (all, "keep"), VIGIL_BOOK_ACTIVE));
  g_assert_true (vigil_portfolio_row_in_book (find_row (all, "gone"), VIGIL_BOOK_CHURNED));
  g_assert_false (vigil_portfolio_row_in_book (find_row (all, "gone"), VIGIL_BOOK_ACTIVE));
  g_assert_cmpuint (count_listed_triggers (store, "gone"), ==, 0);
  g_assert_cmpint (count_open_episodes (path, gone), ==, 0);

  /* The figures count the active book; the churned customer is only
   * counted as such. */
  figures = sum_book (store);
  g_assert_cmpuint (figures.customers, ==, 2);
  g_assert_cmpuint (figures.churned, ==, 1);
  g_assert_cmpuint (figures.unscored, ==, 0);
  g_assert_cmpuint (figures.tier_customers[VIGIL_TIER_HEALTHY], ==, 1);
  g_assert_cmpuint (figures.tier_customers[VIGIL_TIER_AT_RISK], ==, 1);
  g_assert_cmpuint (figures.tier_customers[VIGIL_TIER_HIGH_RISK], ==, 0);
  g_assert_cmpfloat (figures.mrr, ==, 3000);
  g_assert_cmpfloat (figures.tier_mrr[VIGIL_TIER_HIGH_RISK], ==, 0);
  g_assert_cmpfloat (figures.mrr_at_risk, ==, 2000);

  /* Its history is still there, for its page. */
  history = vigil_store_list_history (store, gone, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 3);

  /* The book's health over time counts it while it was in the book:
   * the day before it churned, not from that day on. */
  average = vigil_store_list_average_health (store, T0 - 2 * day, day, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (average->len, ==, 3);
  g_assert_cmpuint (g_array_index (average, VigilHealthPoint, 0).count, ==, 3);
  g_assert_cmpuint (g_array_index (average, VigilHealthPoint, 1).count, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (average, VigilHealthPoint, 1).health, (90 + 70) / 2.0, 1e-9);
  g_assert_cmpuint (g_array_index (average, VigilHealthPoint, 2).count, ==, 2);
  g_clear_pointer (&average, g_array_unref);

  /* The report's book as of a past day: in it before, out after. */
  {
    g_autoptr(GPtrArray) before = vigil_store_list_portfolio_at (store, T0 - 2 * day, NULL, &error);
    g_autoptr(GPtrArray) after = vigil_store_list_portfolio_at (store, T0, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (find_row (before, "gone"));
    g_assert_false (find_row (before, "gone")->churned);
    g_assert_null (find_row (after, "gone"));
  }

  /* A poll later, still silent: its triggers stay closed. */
  add_book_day (store, T0 + day);
  g_assert_cmpuint (count_listed_triggers (store, "gone"), ==, 0);
  g_assert_cmpint (count_open_episodes (path, gone), ==, 0);

  /* Renewed after it churned: back in the active book, its silence a
   * new episode at the next poll. */
  g_assert_true (vigil_store_record_outcome (store, gone, "renewed", today, &error));
  ids = book_ids (store, VIGIL_BOOK_ACTIVE);
  g_assert_cmpstr (ids, ==, "keep risky gone");
  g_clear_pointer (&ids, g_free);
  ids = book_ids (store, VIGIL_BOOK_CHURNED);
  g_assert_cmpstr (ids, ==, "");
  g_clear_pointer (&ids, g_free);
  add_book_day (store, T0 + 2 * day);
  g_assert_cmpuint (count_listed_triggers (store, "gone"), ==, 1);

  /* The latest outcome by day decides, whatever came before it; one on
   * the same day replaces it. */
  g_assert_true (vigil_store_record_outcome (store, gone, "churned", today + 1, &error));
  ids = book_ids (store, VIGIL_BOOK_CHURNED);
  g_assert_cmpstr (ids, ==, "gone");
  g_clear_pointer (&ids, g_free);
  g_assert_cmpint (count_open_episodes (path, gone), ==, 0);
  g_assert_true (vigil_store_record_outcome (store, gone, "renewed", today + 1, &error));
  ids = book_ids (store, VIGIL_BOOK_CHURNED);
  g_assert_cmpstr (ids, ==, "");
  g_clear_pointer (&ids, g_free);
  /* An older churn recorded late does not undo a later renewal. */
  g_assert_true (vigil_store_record_outcome (store, gone, "churned", today - 5, &error));
  ids = book_ids (store, VIGIL_BOOK_ACTIVE);
  g_assert_cmpstr (ids, ==, "keep risky gone");
  g_clear_pointer (&ids, g_free);
  g_assert_no_error (error);

  /* A churn stored without closing what was open (by a Vigil before the
   * active book): the inbox leaves it out at once, the next poll closes it. */
  add_book_day (store, T0 + 3 * day);
  g_assert_cmpint (count_open_episodes (path, gone), ==, 1);
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO outcomes (customer_id, day, outcome, recorded_at) "
                                            "VALUES (%" G_GINT64_FORMAT ", '2026-11-24', 'churned', 0)", gone);

    test_book_exec (path, sql);
  }
  g_assert_cmpuint (count_listed_triggers (store, "gone"), ==, 0);
  g_assert_cmpint (count_open_episodes (path, gone), ==, 1);
  add_book_day (store, T0 + 4 * day);
  g_assert_cmpint (count_open_episodes (path, gone), ==, 0);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
test_store_features_queryable (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  add_snapshots (store, "crm", make_snapshot ("acme", "Acme", T0),
                 make_snapshot ("acme", "Acme", T0 + 86400), NULL);
  g_clear_object (&store);

  /* Adoption over time, in plain SQL over the compact encoding: each
   * engine's own JSON functions read it. */
  if (vigil_store_location_is_shared (path))
    g_assert_cmpint (test_book_int (path,
                                    "SELECT sum (CAST (j.value AS bigint)) FROM snapshots s, "
                                    "json_each_text (CAST (s.features AS json)) j "
                                    "JOIN features f ON CAST (f.id AS text) = j.key "
                                    "WHERE f.name = 'reports'"), ==, 20);
  else
    g_assert_cmpint (test_book_int (path,
                                    "SELECT sum (j.value) FROM snapshots s, json_each (s.features) j "
                                    "JOIN features f ON f.id = j.key WHERE f.name = 'reports'"), ==, 20);
  test_dir_clear (&dir);
}

/* More rows than one batch and many hand-over chunks, day by day as
 * history files come: every row stored once, in order, a repeat of a
 * customer and time combined with the row written in an earlier batch
 * (design 2.5), whatever the batching does. */
static void
test_store_large_ingest (void)
{
  const guint n_customers = 700;
  /* More than one batch of rows. */
  const guint n_days = VIGIL_INGEST_BATCH_ROWS / n_customers + 50;
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GPtrArray) history = NULL;
  const VigilIngestStats *stats;
  gint64 customer;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  ingest = vigil_ingest_begin (store, "crm", T0, &error);
  g_assert_no_error (error);
  for (guint day = 0; day < n_days; day++)
    for (guint c = 0; c < n_customers; c++)
      {
        vigil_snapshot_clear (snapshot);
        snapshot->customer_id = g_strdup_printf ("c%u", c);
        snapshot->name = g_strdup_printf ("Customer %u (day %u)", c, day);
        snapshot->observed_at = T0 + day * 86400;
        snapshot->api_calls_7d = day;
        vigil_snapshot_add_feature (snapshot, day % 2 ? "odd" : "even", 1);
        g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
      }
  /* The same customer and time again, with other values, after the
   * batch that holds the first was written: each field from the last
   * record that gives it. */
  vigil_snapshot_clear (snapshot);
  snapshot->customer_id = g_strdup ("c7");
  snapshot->observed_at = T0 + 3 * 86400;
  snapshot->api_calls_7d = 999999;
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

  stats = vigil_ingest_get_stats (ingest);
  g_assert_cmpuint (stats->records_read, ==, n_customers * n_days + 1);
  g_assert_cmpuint (stats->stored, ==, n_customers * n_days);
  g_assert_cmpuint (stats->duplicates, ==, 0);
  g_assert_cmpuint (stats->repeated, ==, 1);
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, n_customers * n_days);

  customer = vigil_store_find_customer (store, "c7", NULL, &error);
  g_assert_no_error (error);
  history = vigil_store_list_history (store, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, n_days);
  for (guint day = 0; day < n_days; day++)
    {
      VigilHistoryRow *row = g_ptr_array_index (history, day);

      g_assert_cmpint (row->snapshot->observed_at, ==, T0 + day * 86400);
      g_assert_cmpint (row->snapshot->api_calls_7d, ==, day == 3 ? 999999 : day);
      /* Features the repeat did not give are the first record's. */
      g_assert_cmpstr (g_array_index (row->snapshot->features, VigilFeatureUsage, 0).name, ==,
                       day % 2 ? "odd" : "even");
    }
  /* The newest snapshot named the customer. */
  {
    g_autofree char *newest = g_strdup_printf ("Customer 7 (day %u)", n_days - 1);

    g_assert_cmpstr (((VigilHistoryRow *) history->pdata[0])->snapshot->name, ==, newest);
  }

  /* A new scorecard rescores every snapshot, across batches, at once. */
  {
    g_autoptr(VigilScorecard) current = vigil_store_load_scorecard (store, &error);
    g_autoptr(VigilScorecard) next = vigil_scorecard_new_with (current, "breadth.weight", 0, &error);
    g_autoptr(GPtrArray) rescored = NULL;
    guint64 n = 0;

    g_assert_no_error (error);
    g_assert_true (vigil_store_save_scorecard (store, next, &n, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, n_customers * n_days);
    g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM scores WHERE version = 2"), ==,
                     n_customers * n_days);
    rescored = vigil_store_list_history (store, customer, &error);
    /* Only volume is known now: day d → d / 5000 of 100 points. */
    g_assert_cmpfloat_with_epsilon (((VigilHistoryRow *) rescored->pdata[n_days - 1])->score.health,
                                    (n_days - 1) / 5000.0 * 100, 1e-6);
  }

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Rows after every snapshot their account has are written many at once
 * (design 7); the others one by one. Days -1 to 4 of 40 customers over
 * days 0 to 2 already stored: days 1 and 2 are there already, day -1
 * fills a gap, days 3 and 4 are new. */
static void
ingest_days (VigilStore *store,
             guint       n_customers,
             int         first_day,
             int         last_day,
             const VigilIngestStats **out_stats,
             VigilIngest **out_ingest)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  VigilIngest *ingest = vigil_ingest_begin (store, "crm", T0, &error);

  g_assert_no_error (error);
  for (int day = first_day; day <= last_day; day++)
    for (guint c = 0; c < n_customers; c++)
      {
        vigil_snapshot_clear (snapshot);
        snapshot->customer_id = g_strdup_printf ("c%u", c);
        snapshot->observed_at = T0 + day * 86400;
        snapshot->api_calls_7d = 100 * c + 10 + day;
        snapshot->seats = 10;
        snapshot->seats_used = c % 11;
        g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
        g_assert_no_error (error);
      }
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
  *out_stats = vigil_ingest_get_stats (ingest);
  *out_ingest = ingest;
}

static void
test_store_rows_at_once (void)
{
  const guint n = 40;
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilScorecard) scorecard = NULL;
  g_autoptr(VigilIngest) first = NULL;
  g_autoptr(VigilIngest) second = NULL;
  const VigilIngestStats *stats;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  ingest_days (store, n, 0, 2, &stats, &first);
  g_assert_cmpuint (stats->stored, ==, 3 * n);
  ingest_days (store, n, -1, 4, &stats, &second);
  g_assert_cmpuint (stats->stored, ==, 3 * n);
  g_assert_cmpuint (stats->duplicates, ==, 3 * n);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM snapshots"), ==, 6 * n);

  /* Each snapshot with its own values and its score, whichever way it
   * was written. */
  scorecard = vigil_store_load_scorecard (store, &error);
  g_assert_no_error (error);
  for (guint c = 0; c < n; c++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", c);
      gint64 customer = vigil_store_find_customer (store, id, NULL, &error);
      g_autoptr(GPtrArray) history = vigil_store_list_history (store, customer, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (history->len, ==, 6);
      for (int day = -1; day <= 4; day++)
        {
          VigilHistoryRow *row = g_ptr_array_index (history, day + 1);
          VigilScore score;

          g_assert_cmpint (row->snapshot->observed_at, ==, T0 + day * 86400);
          g_assert_cmpint (row->snapshot->api_calls_7d, ==, 100 * c + 10 + day);
          g_assert_cmpint (row->snapshot->seats_used, ==, c % 11);
          vigil_scorecard_compute (scorecard, row->snapshot, &score);
          g_assert_cmpfloat (row->score.health, ==, score.health);
          g_assert_cmpint (row->score.tier, ==, score.tier);
        }
    }
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM scores"), ==, 6 * n);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* A row written in an earlier batch is the account's newest: the same
 * customers and time again in a later batch, more than are written at
 * once, are repeats, combined with what was written, not new rows. */
static void
test_store_rows_at_once_repeated (void)
{
  const guint n = 40;
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  const VigilIngestStats *stats;
  gint64 customer;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  ingest = vigil_ingest_begin (store, "crm", T0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n + VIGIL_INGEST_BATCH_ROWS + n; i++)
    {
      vigil_snapshot_clear (snapshot);
      if (i < n || i >= n + VIGIL_INGEST_BATCH_ROWS)
        {
          snapshot->customer_id = g_strdup_printf ("repeated-%u", i % n);
          snapshot->api_calls_7d = i < n ? 1 : 2;
          snapshot->seats = i < n ? 10 : VIGIL_UNKNOWN;
        }
      else
        snapshot->customer_id = g_strdup_printf ("filler-%u", i % 1000);
      /* Fewer customers than the ingest gathers before it writes them
       * and forgets them: it is the batch that tells. */
      snapshot->observed_at = i < n || i >= n + VIGIL_INGEST_BATCH_ROWS ? T0 : T0 + 86400 * (1 + (i - n) / 1000);
      g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
      g_assert_no_error (error);
    }
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

  stats = vigil_ingest_get_stats (ingest);
  g_assert_cmpuint (stats->stored, ==, n + VIGIL_INGEST_BATCH_ROWS);
  g_assert_cmpuint (stats->repeated, ==, n);
  customer = vigil_store_find_customer (store, "repeated-7", NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) history = vigil_store_list_history (store, customer, &error);
    VigilHistoryRow *row;

    g_assert_no_error (error);
    g_assert_cmpuint (history->len, ==, 1);
    row = g_ptr_array_index (history, 0);
    /* Each field from the last record that gives it. */
    g_assert_cmpint (row->snapshot->api_calls_7d, ==, 2);
    g_assert_cmpint (row->snapshot->seats, ==, 10);
  }

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Aborting while the writer still has chunks in hand stores nothing. */
static void
test_store_abort_in_flight (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  ingest = vigil_ingest_begin (store, "crm", T0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 20000; i++)
    {
      vigil_snapshot_clear (snapshot);
      snapshot->customer_id = g_strdup_printf ("c%u", i % 500);
      snapshot->observed_at = T0 + (i / 500) * 3600;
      vigil_snapshot_add_feature (snapshot, "reports", i);
      g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
    }
  vigil_ingest_abort (ingest);

  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 0);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 0);
  g_assert_cmpint (vigil_store_lookup_source (store, "crm", NULL), ==, 0);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
assert_refused_unchanged (const char *path,
                          int         code)
{
  g_autoptr(GBytes) before = test_read_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = vigil_store_open (path, &error);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  g_assert_null (store);
  g_assert_error (error, VIGIL_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  after = test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_store_newer_schema (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  test_book_exec (path, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99");
  assert_refused_unchanged (path, VIGIL_ERROR_NEWER_SCHEMA);
  test_dir_clear (&dir);
}

static void
test_store_not_a_database (void)
{
  TestDir dir;
  g_autofree char *text = NULL;
  g_autofree char *other = NULL;

  test_dir_init (&dir);

  text = test_dir_write (&dir, "notes.txt",
                         "These are my notes, not a database. They go on for a while so "
                         "that SQLite reads a whole header's worth of bytes from them.\n", -1);
  assert_refused_unchanged (text, VIGIL_ERROR_NOT_A_DATABASE);

  other = test_dir_file (&dir, "other.sqlite");
  test_book_exec (other, "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup')");
  assert_refused_unchanged (other, VIGIL_ERROR_NOT_A_DATABASE);

  test_dir_clear (&dir);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* design 2.4: whatever the umask, a new database, its WAL and shared
 * memory are readable by their user only, and so is the folder made. */
static void
test_store_private_files (void)
{
  TestDir dir;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  mode_t saved_umask = umask (022);

  test_dir_init (&dir);
  folder = g_build_filename (dir.path, "vigil", NULL);
  path = g_build_filename (folder, "vigil.db", NULL);
  wal = g_strconcat (path, "-wal", NULL);
  shm = g_strconcat (path, "-shm", NULL);

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (shm, G_FILE_TEST_EXISTS));

  g_assert_cmpuint (file_mode (folder), ==, 0700);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);

  g_clear_object (&store);
  umask (saved_umask);
  g_remove (wal);
  g_remove (shm);
  g_remove (path);
  g_rmdir (folder);
  test_dir_clear (&dir);
}

/* Opens and closes a store; the tests below run it in a subprocess too,
 * to read what it says on standard error. */
static void
open_and_close_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = vigil_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
}

/* An existing database that others can read is made private on open,
 * with one notice on standard error, and only the first time. */
static void
test_store_tighten_existing (void)
{
  TestDir dir;
  g_autofree char *path = NULL;

  if (g_test_subprocess ())
    {
      open_and_close_store (g_getenv ("VIGIL_TEST_DB"));
      return;
    }

  test_dir_init (&dir);
  path = test_dir_file (&dir, "vigil.db");
  open_and_close_store (path);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  g_setenv ("VIGIL_TEST_DB", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*could be read by other users; it is now private to you (mode 0600)*");
  g_assert_cmpuint (file_mode (path), ==, 0600);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr_unmatched ("*other users*");

  g_unsetenv ("VIGIL_TEST_DB");
  test_dir_clear (&dir);
}

/* Someone else's database is opened, its permissions left alone, with a
 * warning. Only root can give a file away, so this runs as root (CI). */
static void
test_store_foreign_owner (void)
{
  TestDir dir;
  g_autofree char *path = NULL;

  if (g_test_subprocess ())
    {
      open_and_close_store (g_getenv ("VIGIL_TEST_DB"));
      return;
    }

  if (geteuid () != 0)
    {
      g_test_skip ("giving a file to another user needs root");
      return;
    }

  test_dir_init (&dir);
  path = test_dir_file (&dir, "vigil.db");
  open_and_close_store (path);
  g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  g_setenv ("VIGIL_TEST_DB", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*can be read by other users, and it is not yours*mode 0644*");
  g_assert_cmpuint (file_mode (path), ==, 0644);

  g_unsetenv ("VIGIL_TEST_DB");
  test_dir_clear (&dir);
}

/* A companion file that is a symbolic link (planted by whoever can write
 * to the folder) is not followed: the file it points at keeps its mode. */
static void
test_store_companion_link (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *victim = NULL;

  if (g_test_subprocess ())
    {
      open_and_close_store (g_getenv ("VIGIL_TEST_DB"));
      return;
    }

  test_dir_init (&dir);
  path = test_dir_file (&dir, "vigil.db");
  journal = test_dir_file (&dir, "vigil.db-journal");
  victim = test_dir_write (&dir, "victim", "", 0);
  open_and_close_store (path);
  g_assert_cmpint (g_chmod (victim, 0644), ==, 0);
  g_assert_cmpint (symlink (victim, journal), ==, 0);

  g_setenv ("VIGIL_TEST_DB", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_stderr_unmatched ("*victim*");
  g_assert_cmpuint (file_mode (victim), ==, 0644);

  g_unsetenv ("VIGIL_TEST_DB");
  test_dir_clear (&dir);
}

/* Whether this process may leave the write-ahead log of the database
 * at @path now: SQLite lets a connection do it only when no other has
 * the file open. The test below asks from a new process (the test
 * started again, not forked: SQLite's state must not be inherited),
 * since a process never conflicts with its own POSIX locks. */
static gboolean
may_leave_wal (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean left = FALSE;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode = DELETE", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    left = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "delete") == 0;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return left;
}

static void
assert_other_process_may_not_leave_wal (void)
{
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Opening a second store of a database keeps the first one's locks:
 * looking at the files' modes (design 2.4) must not open and close the
 * database or its shared memory, which would drop every POSIX lock the
 * process holds on them (fcntl(2)). Another process could then leave
 * the log under the first store's writes, and they would be lost (a
 * poll opens its writer beside its reader). */
static void
test_store_second_store_keeps_locks (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(VigilStore) first = NULL;
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      g_assert_false (may_leave_wal (g_getenv ("VIGIL_TEST_DB")));
      return;
    }

  test_dir_init (&dir);
  path = test_dir_file (&dir, "vigil.db");
  g_setenv ("VIGIL_TEST_DB", path, TRUE);
  first = vigil_store_open (path, &error);
  g_assert_no_error (error);
  assert_other_process_may_not_leave_wal ();

  open_and_close_store (path);
  assert_other_process_may_not_leave_wal ();
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM snapshots"), ==, 0);

  g_clear_object (&first);
  /* and with none open, it may */
  g_assert_true (may_leave_wal (path));
  g_unsetenv ("VIGIL_TEST_DB");
  test_dir_clear (&dir);
}

/* design 3.5: pulses --------------------------------------------------------- */

static gint64
count_pulses (const char *path)
{
  return test_book_int (path, "SELECT count(*) FROM pulses");
}

/* A pulse is stored in the CSM's name, its note trimmed; the current one
 * is the latest taken (of one time, the last written), the history
 * newest first; what is wrong with one is an error naming it, and
 * nothing is written. */
static void
test_store_pulses (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilPulse) current = NULL;
  g_autoptr(GPtrArray) pulses = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_note = g_strnfill (VIGIL_PULSE_NOTE_MAX_CHARS + 1, 'x');
  gint64 customer, first, second, third;
  const struct
  {
    VigilSentiment    sentiment;
    VigilPulseReason  reason;
    const char       *note;
    gint64            at;
    gint64            customer;
    int               code;
    const char       *message;
  } refused[] = {
    { VIGIL_SENTIMENT_NONE, VIGIL_PULSE_REASON_NONE, NULL, T0, 0, VIGIL_ERROR_INVALID,
      "A pulse needs a sentiment: green, yellow or red" },
    { VIGIL_N_SENTIMENTS, VIGIL_PULSE_REASON_NONE, NULL, T0, 0, VIGIL_ERROR_INVALID,
      "A pulse needs a sentiment: green, yellow or red" },
    { VIGIL_SENTIMENT_RED, VIGIL_N_PULSE_REASONS, NULL, T0, 0, VIGIL_ERROR_INVALID, "Unknown pulse reason" },
    { VIGIL_SENTIMENT_RED, VIGIL_PULSE_REASON_NONE, NULL, G_GINT64_CONSTANT (4102444800), 0, VIGIL_ERROR_INVALID,
      "A pulse cannot be taken in the future (2100-01-01T00:00:00Z)" },
    { VIGIL_SENTIMENT_RED, VIGIL_PULSE_REASON_NONE, long_note, T0, 0, VIGIL_ERROR_INVALID,
      "The pulse's note has 4001 characters; at most 4000 are kept" },
    { VIGIL_SENTIMENT_RED, VIGIL_PULSE_REASON_NONE, "bad \xff byte", T0, 0, VIGIL_ERROR_INVALID,
      "The pulse's note is not valid UTF-8 text" },
    { VIGIL_SENTIMENT_RED, VIGIL_PULSE_REASON_NONE, NULL, T0, 999, VIGIL_ERROR_NOT_FOUND,
      "There is no customer 999 in the database" },
  };

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  add_snapshots (store, "crm", make_snapshot ("acme", "Acme", T0), NULL);
  customer = vigil_store_find_customer (store, "acme", NULL, &error);
  g_assert_no_error (error);

  g_assert_true (vigil_store_get_pulse (store, customer, &current, &error));
  g_assert_null (current);
  test_book_be (path, "Dana Park");

  first = vigil_store_set_pulse (store, customer, VIGIL_SENTIMENT_YELLOW, VIGIL_PULSE_REASON_BUDGET,
                                 "  Budget cut\nnext year\n", T0 - 86400, NULL, &error);
  g_assert_no_error (error);
  second = vigil_store_set_pulse (store, customer, VIGIL_SENTIMENT_RED, VIGIL_PULSE_REASON_CHAMPION_LEFT, "   ",
                                  T0, NULL, &error);
  g_assert_no_error (error);
  /* Taken at the same time, written later: it is the current one. */
  third = vigil_store_set_pulse (store, customer, VIGIL_SENTIMENT_GREEN, VIGIL_PULSE_REASON_NONE, NULL, T0, NULL,
                                 &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, <, second);
  g_assert_cmpint (second, <, third);

  g_assert_true (vigil_store_get_pulse (store, customer, &current, &error));
  g_assert_nonnull (current);
  g_assert_cmpint (current->id, ==, third);
  g_assert_cmpint (current->sentiment, ==, VIGIL_SENTIMENT_GREEN);
  g_assert_cmpint (current->reason, ==, VIGIL_PULSE_REASON_NONE);
  g_assert_cmpstr (current->author, ==, "Dana Park");
  g_assert_cmpint (current->customer_id, ==, customer);

  pulses = vigil_store_list_pulses (store, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pulses->len, ==, 3);
  g_assert_cmpint (((VigilPulse *) pulses->pdata[0])->id, ==, third);
  g_assert_cmpint (((VigilPulse *) pulses->pdata[1])->id, ==, second);
  g_assert_null (((VigilPulse *) pulses->pdata[1])->note);
  g_assert_cmpint (((VigilPulse *) pulses->pdata[1])->reason, ==, VIGIL_PULSE_REASON_CHAMPION_LEFT);
  g_assert_cmpint (((VigilPulse *) pulses->pdata[2])->id, ==, first);
  g_assert_cmpstr (((VigilPulse *) pulses->pdata[2])->note, ==, "Budget cut\nnext year");
  g_assert_cmpint (((VigilPulse *) pulses->pdata[2])->at, ==, T0 - 86400);
  {
    g_autofree char *reason = test_book_text (path, "SELECT reason FROM pulses WHERE id = 1");

    g_assert_cmpstr (reason, ==, "budget");
  }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) refusal = NULL;

      g_assert_cmpint (vigil_store_set_pulse (store, refused[i].customer != 0 ? refused[i].customer : customer,
                                              refused[i].sentiment, refused[i].reason, refused[i].note,
                                              refused[i].at, NULL, &refusal), ==, 0);
      g_assert_error (refusal, VIGIL_ERROR, refused[i].code);
      g_assert_cmpstr (refusal->message, ==, refused[i].message);
    }
  g_assert_cmpint (count_pulses (path), ==, 3);

  /* The sentiments and reasons, as the command line takes them. */
  {
    VigilSentiment sentiment;
    VigilPulseReason reason;
    g_autoptr(GError) refusal = NULL;

    g_assert_true (vigil_sentiment_parse ("yellow", &sentiment, NULL));
    g_assert_cmpint (sentiment, ==, VIGIL_SENTIMENT_YELLOW);
    g_assert_false (vigil_sentiment_parse ("Yellow", &sentiment, &refusal));
    g_assert_error (refusal, VIGIL_ERROR, VIGIL_ERROR_INVALID);
    g_assert_true (vigil_pulse_reason_parse ("product-fit", &reason, NULL));
    g_assert_cmpint (reason, ==, VIGIL_PULSE_REASON_PRODUCT_FIT);
    for (int i = 0; i < VIGIL_N_PULSE_REASONS; i++)
      g_assert_true (vigil_pulse_reason_parse (vigil_pulse_reason_get_id ((VigilPulseReason) i), &reason, NULL) &&
                     reason == (VigilPulseReason) i);
  }

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 5: saved views ------------------------------------------------------- */

static void
test_store_views (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilView) view = vigil_view_new ();
  g_autoptr(VigilView) read = NULL;
  g_autoptr(GPtrArray) views = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *me = NULL;
  g_autofree char *eighty = g_strnfill (80, 'v');
  g_autofree char *eighty_one = g_strnfill (81, 'v');
  gint64 created;
  const struct
  {
    const char *name;
    const char *message;
  } bad_names[] = {
    { "", "A view needs a name" },
    { " \t\n", "A view needs a name" },
    { eighty_one, "A view's name has at most 80 characters; “vvvvvvvvvvvvvvvvvvvv…” has 81" },
    { "my\x1b[31mview", "A view's name cannot hold control characters" },
    { "bad \xff", "A view's name must be UTF-8 text" },
  };

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  views = vigil_store_list_views (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (views->len, ==, 0);
  g_clear_pointer (&views, g_ptr_array_unref);

  /* Names: trimmed, not empty, 80 characters at most, printable. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr(GError) refusal = NULL;

      g_assert_null (vigil_view_clean_name (bad_names[i].name, &refusal));
      g_assert_error (refusal, VIGIL_ERROR, VIGIL_ERROR_INVALID);
      g_assert_cmpstr (refusal->message, ==, bad_names[i].message);
    }
  name = vigil_view_clean_name (eighty, &error);
  g_assert_cmpstr (name, ==, eighty);
  g_clear_pointer (&name, g_free);

  view->name = g_strdup ("  At risk, mine  ");
  view->tier = VIGIL_TIER_AT_RISK;
  view->owner = g_strdup ("Dana Park");
  view->search = g_strdup ("ac");
  view->sort = g_strdup ("risk");
  g_assert_true (vigil_store_save_view (store, view, &error));
  g_assert_no_error (error);
  {
    g_autofree char *definition = test_book_text (path, "SELECT definition FROM views");

    g_assert_cmpstr (definition, ==,
                     "{\"tier\":\"at-risk\",\"owner\":\"Dana Park\",\"search\":\"ac\",\"sort\":\"risk\","
                     "\"reverse\":false}");
  }

  read = vigil_store_get_view (store, "At risk, mine", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->name, ==, "At risk, mine");
  g_assert_cmpint (read->tier, ==, VIGIL_TIER_AT_RISK);
  g_assert_cmpstr (read->owner, ==, "Dana Park");
  g_assert_null (read->segment);
  g_assert_cmpstr (read->search, ==, "ac");
  g_assert_cmpstr (read->sort, ==, "risk");
  g_assert_false (read->reverse);
  /* risk's own order is highest first */
  g_assert_true (vigil_view_get_descending (read));
  created = read->created_at;
  g_assert_cmpint (created, >, 0);
  g_clear_pointer (&read, vigil_view_free);

  /* Saved again under its name: replaced, first saved when it was. */
  g_free (view->name);
  view->name = g_strdup ("At risk, mine");
  view->reverse = TRUE;
  g_assert_true (vigil_store_save_view (store, view, &error));
  read = vigil_store_get_view (store, "At risk, mine", &error);
  g_assert_true (read->reverse);
  g_assert_false (vigil_view_get_descending (read));
  g_assert_cmpint (read->created_at, ==, created);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM views"), ==, 1);
  g_clear_pointer (&read, vigil_view_free);

  /* What cannot be saved is said, nothing written. */
  {
    g_autoptr(VigilView) bad = vigil_view_copy (view);
    g_autoptr(GError) refusal = NULL;

    g_free (bad->name);
    bad->name = g_strdup ("other");
    g_free (bad->sort);
    bad->sort = g_strdup ("shoe-size");
    g_assert_false (vigil_store_save_view (store, bad, &refusal));
    g_assert_error (refusal, VIGIL_ERROR, VIGIL_ERROR_INVALID);
    g_assert_true (g_str_has_prefix (refusal->message, "Unknown sort key “shoe-size”: use one of at-stake, health, name"));
    g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM views"), ==, 1);
  }

  /* A definition edited by hand: a member of a newer Vigil is left
   * alone, a wrong one names the view. */
  test_book_exec (path, "INSERT INTO views VALUES ('newer', '{\"segment\":\"EMEA\",\"lifecycle\":\"active\"}', 1, 1);"
                     "INSERT INTO views VALUES ('damaged', '{\"tier\":42}', 1, 1);");
  read = vigil_store_get_view (store, "newer", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->segment, ==, "EMEA");
  g_assert_null (read->sort);
  g_clear_pointer (&read, vigil_view_free);
  read = vigil_store_get_view (store, "damaged", &error);
  g_assert_null (read);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "The view “damaged” is damaged: its tier is not text");
  g_clear_error (&error);
  views = vigil_store_list_views (store, &error);
  g_assert_null (views);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_clear_error (&error);
  test_book_exec (path, "DELETE FROM views WHERE name = 'damaged'");
  views = vigil_store_list_views (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (views->len, ==, 2);
  g_assert_cmpstr (((VigilView *) views->pdata[0])->name, ==, "At risk, mine");
  g_assert_cmpstr (((VigilView *) views->pdata[1])->name, ==, "newer");

  /* The default view; removing it forgets it. */
  g_assert_false (vigil_store_set_default_view (store, "nope", &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "There is no saved view “nope” (“vigil view list” lists them)");
  g_clear_error (&error);
  g_assert_true (vigil_store_set_default_view (store, "At risk, mine", &error));
  g_assert_true (vigil_store_get_default_view (store, &name, &error));
  g_assert_cmpstr (name, ==, "At risk, mine");
  g_clear_pointer (&name, g_free);
  g_assert_true (vigil_store_remove_view (store, "At risk, mine", &error));
  g_assert_true (vigil_store_get_default_view (store, &name, &error));
  g_assert_null (name);
  g_assert_false (vigil_store_remove_view (store, "At risk, mine", &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* "I am": trimmed, cleared by blank, shared with the author; a
   * file's setting (on a team's book it is the team's people's, 1.1,
   * tested by roles-postgresql). */
  if (vigil_store_is_shared (store))
    {
      g_clear_object (&store);
      test_dir_clear (&dir);
      return;
    }
  g_assert_true (vigil_store_get_me (store, &me, &error));
  g_assert_null (me);
  g_assert_true (vigil_store_set_me (store, "  Noa Levi\t", &error));
  g_assert_true (vigil_store_get_me (store, &me, &error));
  g_assert_cmpstr (me, ==, "Noa Levi");
  g_clear_pointer (&me, g_free);
  {
    g_autofree char *stored = test_book_text (path, "SELECT value FROM meta WHERE key = 'me'");

    g_assert_cmpstr (stored, ==, "Noa Levi");
  }
  me = vigil_store_dup_author (store, &error);
  g_assert_cmpstr (me, ==, "Noa Levi");
  g_clear_pointer (&me, g_free);
  g_assert_false (vigil_store_set_me (store, "Noa\x07", &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (vigil_store_set_me (store, "   ", &error));
  g_assert_true (vigil_store_get_me (store, &me, &error));
  g_assert_null (me);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 5: a search folds text as g_utf8_casefold() does; ASCII text,
 * folded by a faster path, folds the same, and text with any other
 * character goes the whole way (ß to ss, Σ to σ, İ to i̇). */
static void
test_store_search_fold (void)
{
  static const char * const texts[] = {
    "", "Acme Corp", "ACME-0042 \"QBR\" @ [Noon] ~ {Z} `a` _z_", "Called about the renewal;\nbudget OK.",
    "\x01\x1f\x7f AZ az @[`{", "Straße", "ΣΊΣΥΦΟΣ", "İstanbul", "Ölçer GmbH", "Ǆemal",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *folded = vigil_search_fold (texts[i]);
      g_autofree char *expected = g_utf8_casefold (texts[i], -1);

      g_assert_cmpstr (folded, ==, expected);
    }
  {
    g_autofree char *ascii = vigil_search_fold ("ACME Corp 42");
    g_autofree char *german = vigil_search_fold ("STRASSE Straße");

    g_assert_cmpstr (ascii, ==, "acme corp 42");
    g_assert_cmpstr (german, ==, "strasse strasse");
  }
}

/* design 2.6: an account merged before main records existed has none
 * (NULL) until its next import; meanwhile its display record (its
 * first) stands for what the snapshots' origins leave unnamed. The
 * records' reader compares the main record with each record's id NULL
 * to a value (IS NOT DISTINCT FROM: no record is the main one), so the
 * MRR, unnamed, is the display record's and not listed as another's. */
static void
test_store_null_main_record (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) history = NULL;
  VigilHistoryRow *row;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "v5.db");
  g_assert_true (_vigil_store_create_at_version (path, 5, &error));
  g_assert_no_error (error);
  test_book_exec (path,
               "INSERT INTO sources (id, name, kind, created_at) VALUES (1, 'crm', 'file', 0), (2, 'usage', 'file', 0);"
               "INSERT INTO customers (id, source_id, external_id, name, latest_at) VALUES (1, 1, 'acme', 'Acme', 86400);"
               "INSERT INTO records (id, source_id, external_id, customer_id, name, latest_at) VALUES"
               " (1, 1, 'acme', 1, 'Acme', 86400), (2, 2, 'acme-app', 1, NULL, 86400);"
               "INSERT INTO observations (record_id, observed_at, last_active, api_calls_7d)"
               " VALUES (2, 86400, 82800, 1000);"
               "INSERT INTO observations (record_id, observed_at, mrr) VALUES (1, 86400, 4200);"
               "INSERT INTO snapshots (customer_id, observed_at, last_active, mrr, api_calls_7d, origins)"
               " VALUES (1, 86400, 82800, 4200, 1000, 'last_active=2;api_calls_7d=2');"
               "INSERT INTO scores (customer_id, observed_at, version, health, tier)"
               " VALUES (1, 86400, 1, 50, 'at-risk');");

  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM customers WHERE main_record IS NULL"), ==, 1);
  history = vigil_store_list_history (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  row = history->pdata[0];
  g_assert_cmpfloat (row->snapshot->mrr, ==, 4200);
  g_assert_cmpuint (row->field_sources->len, ==, 2);
  for (guint i = 0; i < row->field_sources->len; i++)
    {
      const VigilFieldSource *field = &g_array_index (row->field_sources, VigilFieldSource, i);

      g_assert_cmpstr (field->field, !=, "mrr");
      g_assert_cmpstr (field->source, ==, "usage");
    }

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* A second value under the same meta key replaces the first (NULL
 * too): one row, holding the last value written. */
static void
test_store_meta_second_write (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *value = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  g_assert_true (vigil_store_set_meta (store, "me", "Dana Park", &error));
  g_assert_true (vigil_store_set_meta (store, "me", "Sam Lee", &error));
  g_assert_no_error (error);
  g_assert_true (vigil_store_get_meta (store, "me", &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "Sam Lee");
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM meta WHERE key = 'me'"), ==, 1);

  g_assert_true (vigil_store_set_meta (store, "me", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM meta WHERE key = 'me' AND value IS NULL"), ==, 1);
  g_assert_cmpint (test_book_int (path, "SELECT count(*) FROM meta WHERE key = 'me'"), ==, 1);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* A second set of validators for a source's address replaces the first
 * whole: a validator the new response did not send is gone, not kept
 * from the one before; another address's are untouched. */
static void
test_store_validators_second_write (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) source = NULL;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  source = vigil_source_new ("crm", "http://127.0.0.1:1/usage");
  g_assert_true (vigil_store_add_source (store, source, &error));
  g_assert_no_error (error);

  g_assert_true (vigil_store_set_validators (store, source->id, source->url, "\"v1\"",
                                             "Mon, 30 Nov 2026 08:00:00 GMT", &error));
  g_assert_true (vigil_store_set_validators (store, source->id, "http://127.0.0.1:1/usage?page=2",
                                             "\"p2\"", "Sun, 29 Nov 2026 08:00:00 GMT", &error));
  g_assert_true (vigil_store_set_validators (store, source->id, source->url, "\"v2\"", NULL, &error));
  g_assert_no_error (error);
  rows = table_text (path, "source_validators", "source_id, url, etag, last_modified", "url");
  g_assert_cmpstr (rows, ==,
                   "[1,\"http://127.0.0.1:1/usage\",\"\\\"v2\\\"\",null]\n"
                   "[1,\"http://127.0.0.1:1/usage?page=2\",\"\\\"p2\\\"\",\"Sun, 29 Nov 2026 08:00:00 GMT\"]");

  g_clear_pointer (&rows, g_free);
  g_assert_true (vigil_store_set_validators (store, source->id, source->url, NULL,
                                             "Tue, 01 Dec 2026 08:00:00 GMT", &error));
  g_assert_no_error (error);
  rows = table_text (path, "source_validators", "source_id, url, etag, last_modified", "url");
  g_assert_cmpstr (rows, ==,
                   "[1,\"http://127.0.0.1:1/usage\",null,\"Tue, 01 Dec 2026 08:00:00 GMT\"]\n"
                   "[1,\"http://127.0.0.1:1/usage?page=2\",\"\\\"p2\\\"\",\"Sun, 29 Nov 2026 08:00:00 GMT\"]");

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* design 3.2: a second outcome on the same day replaces the first whole:
 * one row, the new outcome, recorded when the second was (the churn
 * model and the timeline read both). */
static void
test_store_outcome_second_write (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autofree char *rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  gint32 day = (gint32) (T0 / 86400);
  gint64 customer, before;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  add_snapshots (store, "crm", make_snapshot ("acme", "Acme", T0), NULL);
  customer = test_book_int (path, "SELECT id FROM customers WHERE external_id = 'acme'");

  g_assert_true (vigil_store_record_outcome (store, customer, "churned", day, &error));
  g_assert_true (vigil_store_record_outcome (store, customer, "renewed", day - 1, &error));
  g_assert_no_error (error);
  /* Stamped long ago, so that the second write's stamp shows. */
  test_book_exec (path, "UPDATE outcomes SET recorded_at = 7");
  before = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_true (vigil_store_record_outcome (store, customer, "renewed", day, &error));
  g_assert_no_error (error);

  rows = table_text (path, "outcomes", "customer_id, day, outcome, CASE WHEN recorded_at = 7 THEN 1 ELSE 0 END", "customer_id, day");
  g_assert_cmpstr (rows, ==, "[1,\"2026-11-20\",\"renewed\",1]\n[1,\"2026-11-21\",\"renewed\",0]");
  g_assert_cmpint (test_book_int (path, "SELECT recorded_at FROM outcomes WHERE day = '2026-11-21'"), >=, before);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* One day of @n customers ("s0", "s1", …) at @at, ingested and committed. */
static void
ingest_day (VigilStore  *store,
            guint        n,
            gint64       at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (store, "crm", at, &error);

  g_assert_no_error (error);
  for (guint c = 0; c < n; c++)
    {
      g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();

      snapshot->customer_id = g_strdup_printf ("s%u", c);
      snapshot->observed_at = at;
      snapshot->seats = 10;
      g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
    }
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
}

/* The rows the server's statistics of vigil.@table counted when they
 * were taken (-1: never). */
static gint64
statistics_rows (const char *location,
                 const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT CAST (reltuples AS bigint) FROM pg_class "
                                          "WHERE oid = CAST ('vigil.%s' AS regclass)", table);

  return test_book_int (location, sql);
}

/* design 1: on PostgreSQL an ingest of 1,000 rows or more analyzes the
 * tables it wrote that have no statistics, or that are now over four
 * times their size when they were taken; a daily poll into a book with
 * history analyzes none (the planner scales older figures by the
 * table's size). */
static void
test_store_ingest_statistics (void)
{
  const char *tables[] = { "customers", "records", "snapshots", "scores" };
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;

  if (!vigil_test_on_postgresql ())
    {
      g_test_skip ("a file has no statistics to bring up to date");
      return;
    }
  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  /* only the ingests' ANALYZE takes statistics here */
  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("ALTER TABLE vigil.%s SET (autovacuum_enabled = false)", tables[i]);

      test_book_exec (path, sql);
      g_assert_cmpint (statistics_rows (path, tables[i]), ==, -1);
    }

  /* the first: every table new */
  ingest_day (store, 1200, T0);
  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    g_assert_cmpint (statistics_rows (path, tables[i]), ==, 1200);

  /* the daily poll: as many rows again, no more */
  ingest_day (store, 1200, T0 + 86400);
  g_assert_cmpint (vigil_store_count_snapshots (store, NULL), ==, 2400);
  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    g_assert_cmpint (statistics_rows (path, tables[i]), ==, 1200);

  /* many times the size: 4,800 new customers, 6,000 rows */
  ingest_day (store, 6000, T0 + 2 * 86400);
  g_assert_cmpint (statistics_rows (path, "customers"), ==, 6000);
  g_assert_cmpint (statistics_rows (path, "records"), ==, 6000);
  g_assert_cmpint (statistics_rows (path, "snapshots"), ==, 8400);
  g_assert_cmpint (statistics_rows (path, "scores"), ==, 8400);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* One record of @external_id at @at, its plan @plan (NULL: none). */
static void
add_planned (VigilIngest *ingest,
             const char  *external_id,
             gint64       at,
             const char  *plan)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();

  snapshot->customer_id = g_strdup (external_id);
  snapshot->observed_at = at;
  snapshot->plan = g_strdup (plan);
  snapshot->name = g_strdup_printf ("%s %s", external_id, plan != NULL ? plan : "-");
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_no_error (error);
}

/* The poll after the first, in two pages: a, c (older than its row)
 * and d on the first; b, a again and c again (newer, still older than
 * its row) on the second. */
static void
poll_in_two_pages (VigilStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (store, "crm", T0, &error);

  g_assert_no_error (error);
  add_planned (ingest, "a", T0 + 2 * 86400, "a2");
  add_planned (ingest, "c", T0 + 3 * 86400, "c3");
  add_planned (ingest, "d", T0 + 2 * 86400, "d2");
  vigil_ingest_write_now (ingest);
  add_planned (ingest, "b", T0 + 2 * 86400, "b2");
  add_planned (ingest, "a", T0 + 3 * 86400, NULL);
  add_planned (ingest, "c", T0 + 4 * 86400, "c4");
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
}

/* The @column of the account and of the record @external_id, as
 * "account|record". */
static char *
account_and_record (const char *location,
                    const char *external_id,
                    const char *column)
{
  g_autofree char *account_sql = g_strdup_printf ("SELECT %s FROM customers WHERE external_id = '%s'",
                                                  column, external_id);
  g_autofree char *record_sql = g_strdup_printf ("SELECT %s FROM records WHERE external_id = '%s'",
                                                 column, external_id);
  g_autofree char *account = test_book_text (location, account_sql);
  g_autofree char *record = test_book_text (location, record_sql);

  return g_strdup_printf ("%s|%s", account != NULL ? account : "NULL", record != NULL ? record : "NULL");
}

/* design 1: the attributes of records a poll finds stored are what the
 * newest-wins rule gives for the whole ingest, on both engines, across
 * its pages (a row newer than every row of the poll keeps its values,
 * its gaps filled by the poll's newest); on PostgreSQL, a poll that
 * brings nothing new writes no row of them (no new row version). */
static void
test_store_unchanged_attributes (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  g_autofree char *accounts_before = NULL;
  g_autofree char *records_before = NULL;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);

  /* a, b and d stored on day 1; c on day 10, without a plan */
  ingest = vigil_ingest_begin (store, "crm", T0, &error);
  g_assert_no_error (error);
  add_planned (ingest, "a", T0 + 86400, "a1");
  add_planned (ingest, "b", T0 + 86400, "b1");
  add_planned (ingest, "d", T0 + 86400, "d1");
  add_planned (ingest, "c", T0 + 10 * 86400, NULL);
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
  g_clear_object (&ingest);

  poll_in_two_pages (store);

  {
    g_autofree char *a_plan = account_and_record (path, "a", "plan");
    g_autofree char *a_name = account_and_record (path, "a", "name");
    g_autofree char *a_latest = account_and_record (path, "a", "latest_at");
    g_autofree char *b_plan = account_and_record (path, "b", "plan");
    g_autofree char *c_plan = account_and_record (path, "c", "plan");
    g_autofree char *c_latest = account_and_record (path, "c", "latest_at");
    g_autofree char *d_plan = account_and_record (path, "d", "plan");

    /* a's newest row gives no plan: its first page's stays */
    g_assert_cmpstr (a_plan, ==, "a2|a2");
    g_assert_cmpstr (a_name, ==, "a -|a -");
    g_assert_cmpstr (a_latest, ==, "1795521600|1795521600");
    g_assert_cmpstr (b_plan, ==, "b2|b2");
    /* c's gap filled by the ingest's newest plan, its row's time kept */
    g_assert_cmpstr (c_plan, ==, "c4|c4");
    g_assert_cmpstr (c_latest, ==, "1796126400|1796126400");
    g_assert_cmpstr (d_plan, ==, "d2|d2");
  }

  if (vigil_test_on_postgresql ())
    {
      /* the same poll again: nothing to change, no row written */
      accounts_before = test_book_text (path, "SELECT string_agg (CAST (xmin AS text), ',' ORDER BY id) "
                                              "FROM vigil.customers");
      records_before = test_book_text (path, "SELECT string_agg (CAST (xmin AS text), ',' ORDER BY id) "
                                             "FROM vigil.records");
      poll_in_two_pages (store);
      {
        g_autofree char *accounts = test_book_text (path, "SELECT string_agg (CAST (xmin AS text), ',' "
                                                          "ORDER BY id) FROM vigil.customers");
        g_autofree char *records = test_book_text (path, "SELECT string_agg (CAST (xmin AS text), ',' "
                                                         "ORDER BY id) FROM vigil.records");

        g_assert_cmpstr (accounts, ==, accounts_before);
        g_assert_cmpstr (records, ==, records_before);
      }
    }

  g_clear_object (&store);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* The store's behaviour, on the engine the suite runs on. */
  g_test_add_func ("/core/store/reopen", test_store_reopen);
  g_test_add_func ("/core/store/idempotent", test_store_idempotent);
  g_test_add_func ("/core/store/rollback", test_store_rollback);
  g_test_add_func ("/core/store/update-source", test_store_update_source);
  g_test_add_func ("/core/store/meta-second-write", test_store_meta_second_write);
  g_test_add_func ("/core/store/validators-second-write", test_store_validators_second_write);
  g_test_add_func ("/core/store/outcome-second-write", test_store_outcome_second_write);
  g_test_add_func ("/core/store/backfill-keeps-newest-name", test_store_backfill_keeps_newest_name);
  g_test_add_func ("/core/store/features-queryable", test_store_features_queryable);
  g_test_add_func ("/core/store/trends", test_store_trends);
  g_test_add_func ("/core/store/scores-in-parts", test_store_scores_in_parts);
  g_test_add_func ("/core/store/book-parts-by-size", test_store_book_parts_by_size);
  g_test_add_func ("/core/store/latest-time", test_store_latest_time);
  g_test_add_func ("/core/store/sparklines", test_store_sparklines);
  g_test_add_func ("/core/store/active-book", test_store_active_book);
  g_test_add_func ("/core/store/large-ingest", test_store_large_ingest);
  g_test_add_func ("/core/store/ingest-statistics", test_store_ingest_statistics);
  g_test_add_func ("/core/store/unchanged-attributes", test_store_unchanged_attributes);
  g_test_add_func ("/core/store/rows-at-once", test_store_rows_at_once);
  g_test_add_func ("/core/store/rows-at-once-repeated", test_store_rows_at_once_repeated);
  g_test_add_func ("/core/store/abort-in-flight", test_store_abort_in_flight);
  g_test_add_func ("/core/store/pulses", test_store_pulses);
  g_test_add_func ("/core/store/views", test_store_views);
  g_test_add_func ("/core/store/search-fold", test_store_search_fold);
  g_test_add_func ("/core/store/pool", test_store_pool);

  /* The file itself: its PRAGMAs, modes and owner, its companions,
   * migrations from older SQLite schemas, files that are not a book.
   * A team's book has none of these (it began at schema 8, design 1;
   * its own migrations are tested in test-engines.c, and so are a newer
   * book's schema and one that is not Vigil's, refused there too). */
  if (!vigil_test_on_postgresql ())
    {
      g_test_add_func ("/core/store/create", test_store_create);
      g_test_add_func ("/core/store/empty-file", test_store_empty_file);
      g_test_add_func ("/core/store/private-files", test_store_private_files);
      g_test_add_func ("/core/store/tighten-existing", test_store_tighten_existing);
      g_test_add_func ("/core/store/foreign-owner", test_store_foreign_owner);
      g_test_add_func ("/core/store/companion-link", test_store_companion_link);
      g_test_add_func ("/core/store/second-store-keeps-locks", test_store_second_store_keeps_locks);
      g_test_add_func ("/core/store/migrate-from-1", test_store_migrate_from_1);
      g_test_add_func ("/core/store/migrate-from-3", test_store_migrate_from_3);
      g_test_add_func ("/core/store/migrate-record-limit", test_store_migrate_record_limit);
      g_test_add_func ("/core/store/migrate-to-accounts", test_store_migrate_to_accounts);
      g_test_add_func ("/core/store/migrate-to-main-records", test_store_migrate_to_main_records);
      g_test_add_func ("/core/store/null-main-record", test_store_null_main_record);
      g_test_add_func ("/core/store/migrate-to-suspect", test_store_migrate_to_suspect);
      g_test_add_func ("/core/store/migrate-to-timeline", test_store_migrate_to_timeline);
      g_test_add_func ("/core/store/migrate-file-to-9", test_store_migrate_file_to_9);
      g_test_add_func ("/core/store/newer-schema", test_store_newer_schema);
      g_test_add_func ("/core/store/not-a-database", test_store_not_a_database);
      /* SQLite's page cache (PRAGMA cache_size): the server has its own */
      g_test_add_func ("/core/store/book-read-cache", test_store_book_read_cache);
    }

  return g_test_run ();
}
