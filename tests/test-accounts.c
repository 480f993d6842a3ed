/* test-accounts.c: records of several sources joined into accounts by their keys
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-store-private.h"
#include "vigil-test-book.h"
#include "vigil-test-poll.h"

/* Day 0 of the product history; the CRM and support exports are of
 * the last day. */
#define DAY0 1767225600   /* 2026-01-01T00:00:00Z */
#define DAYS 365
#define LAST (DAY0 + (DAYS - 1) * 86400)

/* A peek beside the store's own reads, on either engine. */
static gint64
sql_int (VigilStore *store,
         const char *sql)
{
  return test_book_int (vigil_store_get_path (store), sql);
}

static char *
crm_csv (void)
{
  return g_strdup_printf ("id,name,owner,mrr,keys,observed_at\r\n"
                          "512,Acme Corp,Dana Park,4200,\"[\"\"acme.com\"\",\"\"crm-512\"\"]\",%d\r\n"
                          "513,Globex,Noa Levi,900,\"[\"\"globex.com\"\",\"\"crm-513\"\"]\",%d\r\n",
                          LAST, LAST);
}

/* A year of daily usage for acme and globex, and one company (hooli)
 * that carries no keys. */
static char *
product_jsonl (void)
{
  GString *out = g_string_new (NULL);

  for (int day = 0; day < DAYS; day++)
    {
      gint64 t = DAY0 + (gint64) day * 86400;

      g_string_append_printf (out, "{\"id\":\"acme-io\",\"keys\":\"acme.com\",\"observed_at\":%" G_GINT64_FORMAT
                              ",\"last_active\":%" G_GINT64_FORMAT ",\"api_calls_7d\":%d,\"seats\":50,"
                              "\"seats_used\":%d}\n", t, t - 3600, 1000 + day, 10 + day % 40);
      g_string_append_printf (out, "{\"id\":\"globex-io\",\"keys\":[\"globex.com\"],\"observed_at\":%"
                              G_GINT64_FORMAT ",\"last_active\":%" G_GINT64_FORMAT ",\"api_calls_7d\":%d}\n",
                              t, t - 86400, 20 + day);
      g_string_append_printf (out, "{\"id\":\"hooli-io\",\"observed_at\":%" G_GINT64_FORMAT
                              ",\"api_calls_7d\":7}\n", t);
    }
  return g_string_free (out, FALSE);
}

static char *
support_json (void)
{
  return g_strdup_printf ("{\"customers\":[{\"id\":\"t-1\",\"keys\":[\"crm-512\"],\"open_tickets\":3,"
                          "\"nps\":9,\"observed_at\":%d},"
                          "{\"id\":\"t-2\",\"keys\":\"crm-513\",\"open_tickets\":12,\"observed_at\":%d}]}",
                          LAST, LAST);
}

static gboolean
import_text (VigilStore  *store,
             TestDir     *dir,
             const char  *source,
             const char  *name,
             const char  *text,
             GError     **error)
{
  g_autofree char *path = test_dir_write (dir, name, text, -1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (store);

  vigil_importer_set_source (importer, source);
  return vigil_importer_import_file (importer, file, NULL, NULL, error);
}

static void
import_source (VigilStore *store,
               TestDir    *dir,
               char        which)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = which == 'c' ? crm_csv () : which == 'p' ? product_jsonl () : support_json ();
  const char *source = which == 'c' ? "crm" : which == 'p' ? "product" : "support";
  const char *name = which == 'c' ? "crm.csv" : which == 'p' ? "product.jsonl" : "support.json";

  import_text (store, dir, source, name, text, &error);
  g_assert_no_error (error);
}

static VigilPortfolioRow *
find_row (GPtrArray  *rows,
          const char *name)
{
  for (guint i = 0; i < rows->len; i++)
    {
      VigilPortfolioRow *row = rows->pdata[i];

      if (g_strcmp0 (row->latest->name, name) == 0)
        return row;
    }
  return NULL;
}

/* The three exports of the same companies, in every order: one account
 * per company with the CRM's name, owner and MRR, the product's usage
 * and the support tool's tickets, scored on all of them; the company
 * without keys stays an account of its own. */
static void
test_accounts_join_in_any_order (void)
{
  static const char * const orders[] = { "cps", "scp", "psc", "pcs" };
  double acme_health = NAN;

  for (guint o = 0; o < G_N_ELEMENTS (orders); o++)
    {
      TestDir dir;
      g_autofree char *path = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilStore) store = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GPtrArray) history = NULL;
      VigilPortfolioRow *acme, *globex, *hooli;

      test_dir_init (&dir);
      path = vigil_test_book_location (&dir, "vigil.db");
      store = vigil_store_open (path, &error);
      g_assert_no_error (error);
      for (const char *c = orders[o]; *c != '\0'; c++)
        import_source (store, &dir, *c);

      rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rows->len, ==, 3);
      g_assert_cmpint (sql_int (store, "SELECT count(*) FROM records"), ==, 7);

      acme = find_row (rows, "Acme Corp");
      g_assert_nonnull (acme);
      g_assert_cmpstr (acme->latest->owner, ==, "Dana Park");
      g_assert_cmpfloat (acme->latest->mrr, ==, 4200);
      g_assert_cmpint (acme->latest->open_tickets, ==, 3);
      g_assert_cmpint (acme->latest->nps, ==, 9);
      g_assert_cmpint (acme->latest->api_calls_7d, ==, 1000 + DAYS - 1);
      g_assert_cmpint (acme->latest->observed_at, ==, LAST);
      g_assert_false (isnan (acme->score.health));
      g_assert_false (isnan (acme->score.measures[VIGIL_MEASURE_ACTIVITY].value));
      /* the stored score is the merged snapshot's */
      {
        g_autoptr(VigilScorecard) scorecard = vigil_store_load_scorecard (store, &error);
        VigilScore score;

        g_assert_no_error (error);
        vigil_scorecard_compute (scorecard, acme->latest, &score);
        g_assert_cmpfloat (score.health, ==, acme->score.health);
      }
      /* the merged state is the same whatever the order */
      if (isnan (acme_health))
        acme_health = acme->score.health;
      g_assert_cmpfloat (acme->score.health, ==, acme_health);

      globex = find_row (rows, "Globex");
      g_assert_nonnull (globex);
      g_assert_cmpfloat (globex->latest->mrr, ==, 900);
      g_assert_cmpint (globex->latest->open_tickets, ==, 12);

      /* no keys: alone, and stored as before accounts (no raw copies) */
      hooli = find_row (rows, NULL);
      g_assert_nonnull (hooli);
      g_assert_cmpstr (hooli->latest->customer_id, ==, "hooli-io");
      g_assert_cmpint (sql_int (store, "SELECT count(*) FROM observations o JOIN records r ON r.id = o.record_id"
                                       " WHERE r.external_id = 'hooli-io'"), ==, 0);
      g_assert_cmpint (sql_int (store, "SELECT count(*) FROM snapshots s JOIN customers c ON c.id = s.customer_id"
                                       " WHERE c.external_id = 'hooli-io' AND s.origins IS NULL"), ==, DAYS);

      /* a year of merged history, scored at every time, each
       * observation stored once: the product's year is the accounts'
       * snapshots (the product record is their main record, having the
       * longest history), the CRM's and support's apart */
      history = vigil_store_list_history (store, acme->customer_id, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (history->len, ==, DAYS);
      g_assert_cmpint (sql_int (store, "SELECT count(*) FROM observations"), ==, 4);
      g_assert_cmpint (sql_int (store, "SELECT count(*) FROM observations o JOIN records r ON r.id = o.record_id"
                                       " JOIN sources s ON s.id = r.source_id WHERE s.name = 'product'"), ==, 0);
      g_assert_cmpint (sql_int (store, "SELECT count(*) FROM customers c JOIN records r ON r.id = c.main_record"
                                       " JOIN sources s ON s.id = r.source_id WHERE s.name = 'product'"), ==, 3);
      g_assert_cmpint (sql_int (store, "SELECT count(*) FROM scores"), ==, 3 * DAYS);
      /* a field another record than the main one gave is named, in
       * whatever order the sources came: only the last day's MRR and
       * tickets are another record's */
      g_assert_cmpint (sql_int (store, "SELECT count(*) FROM snapshots WHERE origins IS NOT NULL"), ==, 2);

      g_clear_object (&store);
      test_dir_clear (&dir);
    }
}

/* Importing one source again adds nothing and keeps the accounts. */
static void
test_accounts_reimport (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  import_source (store, &dir, 'c');
  import_source (store, &dir, 'p');
  import_source (store, &dir, 's');
  import_source (store, &dir, 'c');
  import_source (store, &dir, 's');
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 3);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM snapshots"), ==, 3 * DAYS);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM record_keys"), ==, 2 * 2 + 2 + 2);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* A failing import stores nothing: no record, no key, no merge. */
static void
test_accounts_failed_import (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *bad = g_strdup_printf ("{\"id\":\"t-1\",\"keys\":[\"crm-512\"],\"open_tickets\":3,"
                                          "\"observed_at\":%d}\n{\"id\":", LAST);

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  import_source (store, &dir, 'c');

  g_assert_false (import_text (store, &dir, "support", "bad.jsonl", bad, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 2);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM records"), ==, 2);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM record_keys"), ==, 4);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM observations"), ==, 0);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
support_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  g_autofree char *body = support_json ();

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* A poll joins records as an import does. */
static void
test_accounts_poll_joins (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GSList *uris;
  g_autofree char *url = NULL;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  import_source (store, &dir, 'c');

  soup_server_add_handler (server, NULL, support_handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));

  source = vigil_source_new ("support", url);
  g_assert_true (vigil_source_validate (source, NULL));
  g_assert_true (vigil_store_add_source (store, source, &error));
  g_assert_no_error (error);
  g_assert_true (test_poll_run (poller, store, source, &error));
  g_assert_no_error (error);

  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (find_row (rows, "Acme Corp")->latest->open_tickets, ==, 3);
  g_assert_cmpfloat (find_row (rows, "Acme Corp")->latest->mrr, ==, 4200);

  soup_server_disconnect (server);
  g_clear_object (&store);
  test_dir_clear (&dir);
}

static VigilStore *
open_book (TestDir    *dir,
           const char *order)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  VigilStore *store;

  test_dir_init (dir);
  path = vigil_test_book_location (dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  for (const char *c = order; *c != '\0'; c++)
    import_source (store, dir, *c);
  return store;
}

/* Unlink takes a record out and keeps it out of key joins, even when
 * its source is imported again; link joins it back; the account's
 * history follows each time. Both refuse what makes no sense. */
static void
test_accounts_unlink_and_link (void)
{
  TestDir dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = open_book (&dir, "cps");
  gint64 acme = vigil_store_find_customer (store, "crm:512", NULL, NULL);
  gint64 own = 0, joined = 0;

  g_assert_cmpint (acme, >, 0);
  g_assert_true (vigil_store_unlink_record (store, "product", "acme-io", &own, &error));
  g_assert_no_error (error);
  g_assert_cmpint (own, !=, acme);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 4);
  /* the product record is stored as a lone record again */
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM observations o JOIN records r ON r.id = o.record_id"
                                   " WHERE r.external_id = 'acme-io'"), ==, 0);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM snapshots WHERE customer_id = %"
                                            G_GINT64_FORMAT " AND origins IS NULL", own);
    g_autofree char *left = g_strdup_printf ("SELECT count(*) FROM snapshots WHERE customer_id = %"
                                             G_GINT64_FORMAT, acme);

    g_assert_cmpint (sql_int (store, sql), ==, DAYS);
    g_assert_cmpint (sql_int (store, "SELECT count(*) FROM scores"), ==, 2 * DAYS + DAYS + 1);
    /* CRM and support were both observed on the last day only */
    g_assert_cmpint (sql_int (store, left), ==, 1);
  }

  /* its keys no longer pull it in, nor pull others */
  import_source (store, &dir, 'p');
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 4);
  g_assert_cmpint (vigil_store_find_customer (store, "product:acme-io", NULL, NULL), ==, own);

  /* a key of two accounts is ambiguous, and the message names both */
  g_assert_cmpint (vigil_store_find_customer (store, "acme.com", NULL, &error), ==, -1);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_AMBIGUOUS);
  g_assert_nonnull (strstr (error->message, "crm:512"));
  g_assert_nonnull (strstr (error->message, "product:acme-io"));
  g_clear_error (&error);

  g_assert_false (vigil_store_unlink_record (store, "product", "acme-io", NULL, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vigil_store_link_records (store, "crm", "512", "support", "t-1", NULL, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vigil_store_link_records (store, "crm", "512", "support", "t-9", NULL, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "support:t-9"));
  g_clear_error (&error);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 4);

  /* the account with the longer history survives, its snapshots
   * where they are; it is still shown as crm:512, its first record */
  g_assert_true (vigil_store_link_records (store, "product", "acme-io", "crm", "512", &joined, &error));
  g_assert_no_error (error);
  g_assert_cmpint (joined, ==, own);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 3);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM records WHERE detached = 1"), ==, 0);
  {
    g_autoptr(GPtrArray) history = vigil_store_list_history (store, joined, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (history->len, ==, DAYS);
    g_assert_cmpstr (((VigilHistoryRow *) history->pdata[DAYS - 1])->snapshot->customer_id, ==, "512");
  }
  g_assert_cmpint (vigil_store_find_customer (store, "acme.com", NULL, NULL), ==, joined);
  g_assert_cmpint (vigil_store_find_customer (store, "crm:512", NULL, NULL), ==, joined);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM observations o JOIN records r ON r.id = o.record_id"
                                   " WHERE r.external_id = 'acme-io'"), ==, 0);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
assert_record (const VigilRecordRow *row,
               const char           *source,
               const char           *external_id,
               const char           *keys,
               gint64                latest_at,
               gboolean              detached)
{
  g_autofree char *joined = g_strjoinv (",", row->keys);

  g_assert_cmpstr (row->source, ==, source);
  g_assert_cmpstr (row->external_id, ==, external_id);
  g_assert_cmpstr (joined, ==, keys);
  g_assert_cmpint (row->latest_at, ==, latest_at);
  g_assert_cmpint (row->detached, ==, detached);
}

static char *
sql_text (VigilStore *store,
          const char *sql)
{
  return test_book_text (vigil_store_get_path (store), sql);
}

/* The observed columns of every snapshot of @customer_id, as text. */
static char *
snapshots_text (VigilStore *store,
                gint64      customer_id)
{
  g_autofree char *from = g_strdup_printf ("snapshots WHERE customer_id = %" G_GINT64_FORMAT, customer_id);

  return test_book_rows (vigil_store_get_path (store),
                         "observed_at, last_active, mrr, seats, seats_used, api_calls_7d, features_used, "
                         "open_tickets, nps, renewal_date, plan, features", from, "observed_at");
}

/* design 2.6: an account's main record (the product here, the longest
 * history) has its observations in the snapshots, and they stay whole:
 * when it and another record were observed at one time and both knew a
 * field, the snapshot takes the main record's value. Importing its
 * source again stores nothing twice, and unlinking it gives back
 * exactly what it observed, as if it had been imported alone. */
static void
test_accounts_main_record_whole (void)
{
  const gint64 mid = DAY0 + 100 * 86400;
  TestDir dir;
  TestDir alone_dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = open_book (&dir, "cp");
  g_autoptr(VigilStore) alone = open_book (&alone_dir, "p");
  g_autofree char *crm_mid = g_strdup_printf ("{\"id\":\"512\",\"keys\":\"crm-512\",\"observed_at\":%"
                                              G_GINT64_FORMAT ",\"api_calls_7d\":1,\"mrr\":3000}\n", mid);
  g_autofree char *sql = NULL;
  g_autofree char *merged = NULL;
  g_autofree char *again = NULL;
  g_autofree char *own_text = NULL;
  g_autofree char *alone_text = NULL;
  gint64 acme, own = 0;

  g_assert_true (import_text (store, &dir, "crm", "mid.jsonl", crm_mid, &error));
  g_assert_no_error (error);
  acme = vigil_store_find_customer (store, "crm:512", NULL, &error);
  g_assert_no_error (error);

  sql = g_strdup_printf ("SELECT api_calls_7d || ',' || mrr || ',' || origins FROM snapshots "
                         "WHERE customer_id = %" G_GINT64_FORMAT " AND observed_at = %" G_GINT64_FORMAT,
                         acme, mid);
  merged = sql_text (store, sql);
  /* mrr is a REAL on SQLite, a double precision on PostgreSQL: each
   * engine writes 3000 as text its own way */
  g_assert_cmpstr (merged, ==, vigil_test_on_postgresql () ? "1100,3000,mrr=1" : "1100,3000.0,mrr=1");
  /* apart: the CRM's observations (acme's two, globex's one) */
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM observations"), ==, 3);

  /* the product again: nothing new */
  g_clear_pointer (&merged, g_free);
  merged = snapshots_text (store, acme);
  import_source (store, &dir, 'p');
  again = snapshots_text (store, acme);
  g_assert_cmpstr (again, ==, merged);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM observations"), ==, 3);

  g_assert_true (vigil_store_unlink_record (store, "product", "acme-io", &own, &error));
  g_assert_no_error (error);
  own_text = snapshots_text (store, own);
  alone_text = snapshots_text (alone, vigil_store_find_customer (alone, "product:acme-io", NULL, NULL));
  g_assert_cmpstr (own_text, ==, alone_text);
  /* the CRM record keeps its two observations, its own again */
  g_clear_pointer (&merged, g_free);
  merged = snapshots_text (store, vigil_store_find_customer (store, "crm:512", NULL, NULL));
  g_assert_nonnull (strstr (merged, ",1,null,null,null,null,null,null]"));
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM snapshots WHERE customer_id = "
                                   "(SELECT customer_id FROM records WHERE external_id = '512')"), ==, 2);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM observations"), ==, 1);

  g_clear_object (&alone);
  test_dir_clear (&alone_dir);
  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Thirty days of two product records, both keyed acme.com when @keyed. */
static char *
two_products (gboolean keyed)
{
  GString *out = g_string_new (NULL);
  const char *keys = keyed ? "\"keys\":\"acme.com\"," : "";

  for (int day = 0; day < 30; day++)
    {
      gint64 t = DAY0 + (gint64) day * 86400;

      g_string_append_printf (out, "{\"id\":\"acme-app\",%s\"observed_at\":%" G_GINT64_FORMAT
                              ",\"api_calls_7d\":%d,\"seats\":50,\"seats_used\":%d}\n",
                              keys, t, 100 + day, 10 + day);
      g_string_append_printf (out, "{\"id\":\"acme-api\",%s\"observed_at\":%" G_GINT64_FORMAT
                              ",\"api_calls_7d\":%d,\"open_tickets\":%d}\n", keys, t, 500 + day, day);
    }
  return g_string_free (out, FALSE);
}

/* design 2.6: two records of one import that both bring more history
 * than the one account their keys name (a CRM's one row): the first
 * becomes that account's main record at once, the second joins it at
 * the end; each keeps exactly what it observed. */
static void
test_accounts_two_long_records (void)
{
  TestDir dir;
  TestDir alone_dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = open_book (&dir, "c");
  g_autoptr(VigilStore) alone = open_book (&alone_dir, "");
  g_autofree char *keyed = two_products (TRUE);
  g_autofree char *unkeyed = two_products (FALSE);
  const char * const ids[] = { "acme-api", "acme-app" };
  gint64 acme;

  g_assert_true (import_text (store, &dir, "product", "two.jsonl", keyed, &error));
  g_assert_no_error (error);
  g_assert_true (import_text (alone, &alone_dir, "product", "two.jsonl", unkeyed, &error));
  g_assert_no_error (error);

  acme = vigil_store_find_customer (store, "crm:512", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vigil_store_find_customer (store, "product:acme-app", NULL, NULL), ==, acme);
  g_assert_cmpint (vigil_store_find_customer (store, "product:acme-api", NULL, NULL), ==, acme);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *address = g_strconcat ("product:", ids[i], NULL);
      g_autofree char *own_text = NULL;
      g_autofree char *alone_text = NULL;
      gint64 own = 0;

      g_assert_true (vigil_store_unlink_record (store, "product", ids[i], &own, &error));
      g_assert_no_error (error);
      own_text = snapshots_text (store, own);
      alone_text = snapshots_text (alone, vigil_store_find_customer (alone, address, NULL, NULL));
      g_assert_cmpstr (own_text, ==, alone_text);
    }

  g_clear_object (&alone);
  test_dir_clear (&alone_dir);
  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* An account's records, in the order they were first seen (the display
 * record first), each with its own keys sorted, when it was last
 * observed and whether it was unlinked; a record without keys has an
 * empty list. */
static void
test_accounts_list_records (void)
{
  TestDir dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = open_book (&dir, "pcs");
  gint64 acme = vigil_store_find_customer (store, "crm:512", NULL, NULL);
  gint64 hooli = vigil_store_find_customer (store, "hooli-io", NULL, NULL);
  gint64 own = 0;
  g_autoptr(GPtrArray) records = vigil_store_list_records (store, acme, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  assert_record (records->pdata[0], "product", "acme-io", "acme.com", LAST, FALSE);
  assert_record (records->pdata[1], "crm", "512", "acme.com,crm-512", LAST, FALSE);
  assert_record (records->pdata[2], "support", "t-1", "crm-512", LAST, FALSE);
  g_clear_pointer (&records, g_ptr_array_unref);

  records = vigil_store_list_records (store, hooli, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  assert_record (records->pdata[0], "product", "hooli-io", "", LAST, FALSE);
  g_clear_pointer (&records, g_ptr_array_unref);

  g_assert_true (vigil_store_unlink_record (store, "crm", "512", &own, &error));
  g_assert_no_error (error);
  records = vigil_store_list_records (store, own, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  assert_record (records->pdata[0], "crm", "512", "acme.com,crm-512", LAST, TRUE);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = vigil_store_list_records (store, acme, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpstr (((VigilRecordRow *) records->pdata[1])->external_id, ==, "t-1");
  g_clear_pointer (&records, g_ptr_array_unref);

  /* an account that does not exist has no records */
  records = vigil_store_list_records (store, 9999, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 0);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Any record's id, SOURCE:ID or any key names the account; --source
 * narrows a name to one source's records. */
static void
test_accounts_addressing (void)
{
  TestDir dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = open_book (&dir, "pcs");
  gint64 acme = vigil_store_find_customer (store, "product:acme-io", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (acme, >, 0);
  g_assert_cmpint (vigil_store_find_customer (store, "crm:512", NULL, NULL), ==, acme);
  g_assert_cmpint (vigil_store_find_customer (store, "512", NULL, NULL), ==, acme);
  g_assert_cmpint (vigil_store_find_customer (store, "t-1", NULL, NULL), ==, acme);
  g_assert_cmpint (vigil_store_find_customer (store, "acme.com", NULL, NULL), ==, acme);
  g_assert_cmpint (vigil_store_find_customer (store, "crm-512", "support", NULL), ==, acme);
  g_assert_cmpint (vigil_store_find_customer (store, "acme.com", "support", &error), ==, -1);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (vigil_store_find_customer (store, "crm:999", NULL, &error), ==, -1);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Removing a source with its history takes only its records: the
 * account keeps the others' fields, shown by its next record, and an
 * account of that source alone goes. */
static void
test_accounts_remove_source (void)
{
  TestDir dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = open_book (&dir, "cps");
  g_autoptr(GPtrArray) rows = NULL;
  gint64 acme = vigil_store_find_customer (store, "crm:512", NULL, NULL);
  VigilPortfolioRow *row;

  g_assert_true (vigil_store_remove_source (store, "crm", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 3);
  g_assert_cmpint (vigil_store_find_customer (store, "product:acme-io", NULL, NULL), ==, acme);
  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  row = NULL;
  for (guint i = 0; i < rows->len; i++)
    if (((VigilPortfolioRow *) rows->pdata[i])->customer_id == acme)
      row = rows->pdata[i];
  g_assert_nonnull (row);
  g_assert_cmpstr (row->latest->customer_id, ==, "acme-io");
  g_assert_null (row->latest->name);
  g_assert_true (isnan (row->latest->mrr));
  g_assert_cmpint (row->latest->open_tickets, ==, 3);
  g_assert_cmpint (row->latest->api_calls_7d, ==, 1000 + DAYS - 1);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM records"), ==, 5);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM record_keys WHERE key LIKE 'crm-%' AND record_id IN"
                                   " (SELECT id FROM records WHERE source_id NOT IN (SELECT id FROM sources))"), ==, 0);

  /* the support source goes too: acme is the product record alone again */
  g_assert_true (vigil_store_remove_source (store, "support", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vigil_store_find_customer (store, "acme.com", NULL, NULL), ==, acme);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM observations"), ==, 0);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM snapshots WHERE origins IS NOT NULL"), ==, 0);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM snapshots"), ==, 3 * DAYS);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* The account of acme's merged history and scores, as one text. */
static char *
acme_history (VigilStore *store)
{
  return test_book_rows (vigil_store_get_path (store),
                         "s.observed_at, s.last_active, s.mrr, s.seats_used, s.api_calls_7d, "
                         "s.open_tickets, s.origins, k.health",
                         "snapshots s JOIN scores k ON k.customer_id = s.customer_id "
                         "AND k.observed_at = s.observed_at "
                         "WHERE s.customer_id = (SELECT customer_id FROM records WHERE external_id = '512')",
                         "s.observed_at");
}

/* A product observation backfilled between two days, and one that
 * comes later (a poll the next day). */
static char *
product_backfill (void)
{
  return g_strdup_printf ("{\"id\":\"acme-io\",\"keys\":\"acme.com\",\"observed_at\":%d,"
                          "\"api_calls_7d\":99999}\n", DAY0 + 100 * 86400 + 43200);
}

static char *
product_next_day (void)
{
  return g_strdup_printf ("{\"id\":\"acme-io\",\"keys\":\"acme.com\",\"observed_at\":%d,"
                          "\"last_active\":%d,\"api_calls_7d\":5000}\n", LAST + 86400, LAST + 86000);
}

/* A poll or import into an account of several records rebuilds its
 * merged history only from the oldest observation it adds: the result
 * is the same as building the whole history at once. */
static void
test_accounts_incremental (void)
{
  TestDir dir_a;
  TestDir dir_b;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) a = open_book (&dir_a, "cps");
  g_autoptr(VigilStore) b = NULL;
  g_autofree char *backfill = product_backfill ();
  g_autofree char *next_day = product_next_day ();
  g_autofree char *product = product_jsonl ();
  g_autofree char *combined = g_strconcat (product, backfill, next_day, NULL);
  g_autofree char *incremental = NULL;
  g_autofree char *whole = NULL;

  import_text (a, &dir_a, "product", "backfill.jsonl", backfill, &error);
  g_assert_no_error (error);
  import_text (a, &dir_a, "product", "next-day.jsonl", next_day, &error);
  g_assert_no_error (error);

  b = open_book (&dir_b, "c");
  import_text (b, &dir_b, "product", "product.jsonl", combined, &error);
  g_assert_no_error (error);
  import_source (b, &dir_b, 's');

  incremental = acme_history (a);
  whole = acme_history (b);
  g_assert_nonnull (strstr (incremental, "99999"));
  g_assert_nonnull (strstr (incremental, ",5000,"));
  g_assert_cmpstr (incremental, ==, whole);

  g_clear_object (&a);
  g_clear_object (&b);
  test_dir_clear (&dir_a);
  test_dir_clear (&dir_b);
}

static void
assert_records (GPtrArray   *records,
                const char  *expected)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < records->len; i++)
    {
      const VigilAccountRecord *record = records->pdata[i];

      g_string_append_printf (text, "%s%s:%s", i > 0 ? " " : "", record->source, record->id);
    }
  g_assert_cmpstr (text->str, ==, expected);
}

static const char *
field_source (const VigilHistoryRow *row,
              const char            *field)
{
  for (guint i = 0; i < row->field_sources->len; i++)
    {
      const VigilFieldSource *f = &g_array_index (row->field_sources, VigilFieldSource, i);

      if (g_str_equal (f->field, field))
        return f->source;
    }
  return NULL;
}

static gboolean
collect_row (const VigilPortfolioRow  *row,
             gpointer                  user_data,
             GError                  **error)
{
  GHashTable *records = user_data;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < row->records->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " " : "",
                            ((VigilAccountRecord *) row->records->pdata[i])->id);
  g_string_append_printf (text, " keys %u", g_strv_length (row->keys));
  g_hash_table_insert (records, g_strdup (row->latest->customer_id), g_string_free (g_steal_pointer (&text), FALSE));
  return TRUE;
}

/* design 2.6, the explanation source by source: each portfolio row
 * carries its account's records (display record first, then by record
 * id), its keys (sorted, once each) and the source that gave each
 * measure's input; each history row the fields other records gave.
 * Read beside the portfolio, whatever rows a filter keeps. */
static void
test_accounts_sources_of_inputs (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilScorecard) defaults = vigil_scorecard_new_default ();
  g_autoptr(VigilScorecard) with_tickets = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) globex_only = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GHashTable) each = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const VigilHistoryRow *first, *last;
  VigilPortfolioRow *acme, *hooli;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  /* the support record comes first: it is the display record */
  import_source (store, &dir, 's');
  import_source (store, &dir, 'c');
  import_source (store, &dir, 'p');
  with_tickets = vigil_scorecard_new_with (defaults, "tickets.weight", 10, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_store_save_scorecard (store, with_tickets, NULL, &error));
  g_assert_no_error (error);

  rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  acme = find_row (rows, "Acme Corp");
  g_assert_nonnull (acme);
  g_assert_cmpstr (acme->source, ==, "support");
  g_assert_cmpstr (acme->latest->customer_id, ==, "t-1");
  assert_records (acme->records, "support:t-1 crm:512 product:acme-io");
  g_assert_cmpuint (g_strv_length (acme->keys), ==, 2);
  g_assert_cmpstr (acme->keys[0], ==, "acme.com");
  g_assert_cmpstr (acme->keys[1], ==, "crm-512");
  g_assert_cmpstr (acme->input_sources[VIGIL_MEASURE_ACTIVITY], ==, "product");
  g_assert_cmpstr (acme->input_sources[VIGIL_MEASURE_VOLUME], ==, "product");
  /* the display record's own field */
  g_assert_cmpstr (acme->input_sources[VIGIL_MEASURE_TICKETS], ==, "support");
  g_assert_cmpstr (acme->input_sources[VIGIL_MEASURE_SEATS], ==, "product");
  /* no record knows the features */
  g_assert_null (acme->input_sources[VIGIL_MEASURE_BREADTH]);

  hooli = find_row (rows, NULL);
  assert_records (hooli->records, "product:hooli-io");
  g_assert_cmpuint (g_strv_length (hooli->keys), ==, 0);
  g_assert_cmpstr (hooli->input_sources[VIGIL_MEASURE_VOLUME], ==, "product");

  /* a filter skips accounts: the records still go to the right rows */
  globex_only = vigil_store_list_portfolio (store, "Noa Levi", VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (globex_only->len, ==, 1);
  assert_records (((VigilPortfolioRow *) globex_only->pdata[0])->records, "support:t-2 crm:513 product:globex-io");
  g_assert_cmpstr (((VigilPortfolioRow *) globex_only->pdata[0])->keys[0], ==, "crm-513");
  g_assert_cmpstr (((VigilPortfolioRow *) globex_only->pdata[0])->keys[1], ==, "globex.com");

  g_assert_true (vigil_store_foreach_portfolio_row (store, collect_row, each, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (each, "t-1"), ==, "t-1 512 acme-io keys 2");
  g_assert_cmpstr (g_hash_table_lookup (each, "t-2"), ==, "t-2 513 globex-io keys 2");
  g_assert_cmpstr (g_hash_table_lookup (each, "hooli-io"), ==, "hooli-io keys 0");

  /* the first day only the product knew; the last day the CRM's MRR
   * joins, and the support tool's tickets are the display record's */
  history = vigil_store_list_history (store, acme->customer_id, &error);
  g_assert_no_error (error);
  first = history->pdata[0];
  last = history->pdata[history->len - 1];
  g_assert_cmpstr (field_source (first, "last_active"), ==, "product");
  g_assert_cmpstr (field_source (first, "api_calls_7d"), ==, "product");
  g_assert_cmpstr (field_source (first, "seats"), ==, "product");
  g_assert_null (field_source (first, "mrr"));
  g_assert_cmpuint (first->field_sources->len, ==, 3);
  g_assert_cmpstr (first->input_sources[VIGIL_MEASURE_ACTIVITY], ==, "product");
  g_assert_null (first->input_sources[VIGIL_MEASURE_TICKETS]);
  g_assert_cmpstr (field_source (last, "mrr"), ==, "crm");
  g_assert_null (field_source (last, "open_tickets"));
  g_assert_cmpstr (last->input_sources[VIGIL_MEASURE_TICKETS], ==, "support");
  g_assert_cmpuint (last->field_sources->len, ==, 4);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* The id of a new row is the one its INSERT … RETURNING id gives; an
 * insert that added no row is an error that names what was being done,
 * and never an id an earlier insert gave. */
static void
test_accounts_insert_id (void)
{
  static const char sql[] =
    "INSERT INTO customers (source_id, external_id) "
    "SELECT source_id, external_id || '-own' FROM records WHERE id = ?1 RETURNING id";
  TestDir dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *path = NULL;
  VigilSqlStmt *stmt;
  gint64 id = -7;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (import_text (store, &dir, "product", "product.jsonl",
                              "{\"id\":\"p-1\",\"observed_at\":1767225600}\n"
                              "{\"id\":\"p-2\",\"observed_at\":1767225600}\n", &error));
  g_assert_no_error (error);

  stmt = _vigil_store_prepare (store, sql, "Testing", &error);
  g_assert_no_error (error);
  vigil_sql_bind_int64 (stmt, 1, 2);
  g_assert_true (_vigil_store_step_insert (store, stmt, "Testing", &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 3);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM customers WHERE id = 3 AND external_id = 'p-2-own'"),
                   ==, 1);

  /* no record 9: nothing inserted, an error, the id left alone */
  id = -7;
  vigil_sql_bind_int64 (stmt, 1, 9);
  g_assert_false (_vigil_store_step_insert (store, stmt, "Testing", &id, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE);
  g_assert_true (g_str_has_prefix (error->message, "Testing: "));
  g_assert_cmpint (id, ==, -7);
  vigil_sql_finalize (stmt);
  g_assert_cmpint (sql_int (store, "SELECT count(*) FROM customers"), ==, 3);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* An event's detail is a JSON object (RFC 8259) written in C: members in
 * the order given, a NULL value as null, and every string escaped as
 * section 7 requires: a quote and a backslash escaped, every control
 * character below U+0020 escaped (short forms where JSON has them),
 * the rest (DEL, non-ASCII) as it is, as SQLite's json_object () wrote
 * these details before. */
static void
test_accounts_event_detail_json (void)
{
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new ("{\"all\":\"");
  g_autofree char *detail = NULL;
  g_autofree char *trigger = NULL;

  for (int c = 1; c < 0x80; c++)
    {
      g_string_append_c (all, (char) c);
      if (c == '"' || c == '\\')
        g_string_append_printf (expected, "\\%c", c);
      else if (c == '\b')
        g_string_append (expected, "\\b");
      else if (c == '\t')
        g_string_append (expected, "\\t");
      else if (c == '\n')
        g_string_append (expected, "\\n");
      else if (c == '\f')
        g_string_append (expected, "\\f");
      else if (c == '\r')
        g_string_append (expected, "\\r");
      else if (c < 0x20)
        g_string_append_printf (expected, "\\u%04x", c);
      else
        g_string_append_c (expected, (char) c);
    }
  g_string_append (all, "ü€😀");
  g_string_append (expected, "ü€😀\",\"none\":null}");
  detail = _vigil_store_event_detail ("all", all->str, "none", NULL, NULL);
  g_assert_cmpstr (detail, ==, expected->str);

  trigger = _vigil_store_event_detail ("rule", "seat-expansion", "state", "snoozed", "until", "2027-01-31", NULL);
  g_assert_cmpstr (trigger, ==, "{\"rule\":\"seat-expansion\",\"state\":\"snoozed\",\"until\":\"2027-01-31\"}");
}

/* A source's name and a record's id are data: with quotes, backslashes,
 * control characters (U+001F, which json-glib 1.6 leaves raw) and
 * non-ASCII text, the timeline's source-added, record-unlinked and
 * record-linked events are still written, as exact JSON. */
static void
test_accounts_hostile_event_names (void)
{
  TestDir dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *path = NULL;
  g_autofree char *added = NULL;
  g_autofree char *unlinked = NULL;
  g_autofree char *linked = NULL;
  static const char source[] = "c\"r\\m ü";
  static const char id[] = "x\x1f\x01\b\t\n\r\"\\\x7f😀";
  /* the same as JSON text */
  static const char record_json[] = "c\\\"r\\\\m ü:x\\u001f\\u0001\\b\\t\\n\\r\\\"\\\\\x7f😀";
  g_autofree char *expected = NULL;
  gint64 own = 0, joined = 0;

  test_dir_init (&dir);
  path = vigil_test_book_location (&dir, "vigil.db");
  store = vigil_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (import_text (store, &dir, "product", "product.jsonl",
                              "{\"id\":\"p-1\",\"keys\":\"k1\",\"observed_at\":1767225600}\n", &error));
  g_assert_no_error (error);
  g_assert_true (import_text (store, &dir, source, "crm.json",
                              "{\"id\":\"x\\u001f\\u0001\\b\\t\\n\\r\\\"\\\\\x7f😀\",\"keys\":\"k1\","
                              "\"observed_at\":1767225600}\n", &error));
  g_assert_no_error (error);
  g_assert_cmpint (vigil_store_count_customers (store, NULL), ==, 1);

  added = sql_text (store, "SELECT detail FROM events WHERE kind = 'source-added'");
  expected = g_strdup_printf ("{\"source\":\"c\\\"r\\\\m ü\",\"record\":\"%s\"}", record_json);
  g_assert_cmpstr (added, ==, expected);
  g_clear_pointer (&expected, g_free);

  g_assert_true (vigil_store_unlink_record (store, source, id, &own, &error));
  g_assert_no_error (error);
  unlinked = sql_text (store, "SELECT detail FROM events WHERE kind = 'record-unlinked'");
  expected = g_strdup_printf ("{\"record\":\"%s\"}", record_json);
  g_assert_cmpstr (unlinked, ==, expected);
  g_clear_pointer (&expected, g_free);

  g_assert_true (vigil_store_link_records (store, source, id, "product", "p-1", &joined, &error));
  g_assert_no_error (error);
  linked = sql_text (store, "SELECT detail FROM events WHERE kind = 'record-linked'");
  expected = g_strdup_printf ("{\"record\":\"%s\",\"with\":\"product:p-1\"}", record_json);
  g_assert_cmpstr (linked, ==, expected);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/accounts/join-in-any-order", test_accounts_join_in_any_order);
  g_test_add_func ("/core/accounts/reimport", test_accounts_reimport);
  g_test_add_func ("/core/accounts/failed-import", test_accounts_failed_import);
  g_test_add_func ("/core/accounts/poll-joins", test_accounts_poll_joins);
  g_test_add_func ("/core/accounts/unlink-and-link", test_accounts_unlink_and_link);
  g_test_add_func ("/core/accounts/insert-id", test_accounts_insert_id);
  g_test_add_func ("/core/accounts/event-detail-json", test_accounts_event_detail_json);
  g_test_add_func ("/core/accounts/hostile-event-names", test_accounts_hostile_event_names);
  g_test_add_func ("/core/accounts/main-record-whole", test_accounts_main_record_whole);
  g_test_add_func ("/core/accounts/two-long-records", test_accounts_two_long_records);
  g_test_add_func ("/core/accounts/addressing", test_accounts_addressing);
  g_test_add_func ("/core/accounts/list-records", test_accounts_list_records);
  g_test_add_func ("/core/accounts/remove-source", test_accounts_remove_source);
  g_test_add_func ("/core/accounts/incremental", test_accounts_incremental);
  g_test_add_func ("/core/accounts/sources-of-inputs", test_accounts_sources_of_inputs);

  return g_test_run ();
}
