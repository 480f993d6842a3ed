/* test-merge.c: records of one poll or import that share an id (design 2.5)
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
#include "vigil-ingest-private.h"
#include "vigil-test-book.h"
#include "vigil-test-poll.h"
#include "vigil-test-server.h"
#include "vigil-test-util.h"

/* 2026-11-21T12:00:00Z */
#define T0 G_GINT64_CONSTANT (1795262400)

typedef struct
{
  TestDir     dir;
  char       *db_path;
  VigilStore *store;
  SoupServer *server;
  char       *base;    /* http://127.0.0.1:PORT */
} Fixture;

/* Stripe-like subscriptions, paged: cus_A has one on each page. */
static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  g_autofree char *body = NULL;

  if (g_str_equal (path, "/subscriptions"))
    body = g_strdup_printf (
      "{\"object\": \"list\", \"data\": ["
      " {\"id\": \"sub_1\", \"customer\": \"cus_A\", \"items\": {\"data\": ["
      "   {\"price\": {\"unit_amount\": 1000, \"recurring\": {\"interval\": \"month\", \"interval_count\": 1}},"
      "    \"quantity\": 2}]}},"
      " {\"id\": \"sub_2\", \"customer\": \"cus_B\", \"items\": {\"data\": ["
      "   {\"price\": {\"unit_amount\": 120000, \"recurring\": {\"interval\": \"year\", \"interval_count\": 1}},"
      "    \"quantity\": 1}]}}],"
      " \"next\": \"%s/subscriptions-2\"}", f->base);
  else if (g_str_equal (path, "/subscriptions-2"))
    body = g_strdup (
      "{\"object\": \"list\", \"data\": ["
      " {\"id\": \"sub_3\", \"customer\": \"cus_A\", \"items\": {\"data\": ["
      "   {\"price\": {\"unit_amount\": 240000, \"recurring\": {\"interval\": \"year\", \"interval_count\": 1}},"
      "    \"quantity\": 1}]}}],"
      " \"next\": null}");
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  test_dir_init (&f->dir);
  f->db_path = vigil_test_book_location (&f->dir, "vigil.db");
  f->store = vigil_store_open (f->db_path, &error);
  g_assert_no_error (error);

  f->server = test_server_new (handler, f, &f->base);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_server_clear (&f->server);
  g_clear_object (&f->store);
  g_free (f->db_path);
  g_free (f->base);
  test_dir_clear (&f->dir);
}

static gboolean
poll (Fixture          *f,
      const char       *name,
      const char       *mapping,
      VigilPollResult  *out_result,
      GError          **error)
{
  g_autoptr(VigilPoller) poller = vigil_poller_new ();
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(VigilSource) stored = NULL;
  g_autofree char *url = g_strconcat (f->base, "/subscriptions", NULL);

  source = vigil_source_new (name, url);
  source->mapping = g_strdup (mapping);
  source->timeout_s = 5;
  g_assert_true (vigil_source_validate (source, NULL));
  stored = vigil_store_get_source (f->store, name, NULL);
  if (stored == NULL)
    g_assert_true (vigil_store_add_source (f->store, source, NULL));
  else
    source->id = stored->id;

  return test_poll_run_result (poller, f->store, source, out_result, error);
}

static double
latest_mrr (Fixture    *f,
            const char *id,
            const char *source)
{
  g_autoptr(GError) error = NULL;
  gint64 customer = vigil_store_find_customer (f->store, id, source, &error);
  g_autoptr(GPtrArray) history = NULL;

  g_assert_no_error (error);
  history = vigil_store_list_history (f->store, customer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, >, 0);
  /* Oldest first: the latest is the last. */
  return ((VigilHistoryRow *) history->pdata[history->len - 1])->snapshot->mrr;
}

#define STRIPE_MAPPING(merge) \
  "{\"records\": \"/data\", \"fields\": {\"id\": \"/customer\"," \
  "  \"mrr\": {\"sum\": \"/items/data\", \"of\": \"/price/unit_amount\", \"times\": \"/quantity\"," \
  "   \"scale\": 0.01, \"per\": {\"interval\": \"/price/recurring/interval\"," \
  "   \"count\": \"/price/recurring/interval_count\"}}}," \
  " \"pagination\": {\"style\": \"next-url\", \"pointer\": \"/next\"}" merge "}"

/* A customer with a subscription on each of two pages of one poll has
 * the sum of both (design 2.5); without a merge rule the last wins. A
 * second poll stores its own sum, never adding to the first. */
static void
test_merge_poll_pages (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  VigilPollResult result;

  g_assert_true (poll (f, "stripe", STRIPE_MAPPING (", \"merge\": {\"mrr\": \"sum\"}"), &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.stats.records_read, ==, 3);
  g_assert_cmpuint (result.stats.stored, ==, 2);
  g_assert_cmpuint (result.stats.repeated, ==, 1);
  /* 2 × 10.00 a month, and 2400.00 a year: 20 + 200. */
  g_assert_cmpfloat_with_epsilon (latest_mrr (f, "cus_A", "stripe"), 220, 1e-9);
  g_assert_cmpfloat_with_epsilon (latest_mrr (f, "cus_B", "stripe"), 100, 1e-9);
  summary = vigil_poll_result_describe (&result);
  g_assert_cmpstr (summary, ==, "3 read, 2 stored, 0 already stored, 0 skipped without id, 0 unusable values; "
                   "1 record repeated an id: mrr summed, other fields from the last");

  g_assert_true (poll (f, "stripe", STRIPE_MAPPING (", \"merge\": {\"mrr\": \"sum\"}"), &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.stats.repeated, ==, 1);
  g_assert_cmpfloat_with_epsilon (latest_mrr (f, "cus_A", "stripe"), 220, 1e-9);

  g_assert_true (poll (f, "stripe-last", STRIPE_MAPPING (""), &result, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (latest_mrr (f, "cus_A", "stripe-last"), 200, 1e-9);
  g_clear_pointer (&summary, g_free);
  summary = vigil_poll_result_describe (&result);
  g_assert_nonnull (strstr (summary, "; 1 record repeated an id: each field from the last"));
}

static gboolean
import_file (Fixture          *f,
             const char       *path,
             const char       *mapping_text,
             VigilIngestStats *stats,
             GError          **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (f->store);
  g_autoptr(VigilMapping) mapping = NULL;

  if (mapping_text != NULL)
    {
      mapping = vigil_mapping_new_from_data (mapping_text, -1, error);
      g_assert_nonnull (mapping);
      vigil_importer_set_mapping (importer, mapping);
    }
  return vigil_importer_import_file (importer, file, NULL, stats, error);
}

/* The same id twice in an imported file: the rules of the mapping; the
 * same file imported again is already stored, never added twice. */
static void
test_merge_import (Fixture       *f,
                   gconstpointer  data)
{
  static const char mapping[] =
    "{\"records\": \"/deals\", \"fields\": {\"id\": \"/company\", \"mrr\": \"/amount\","
    " \"seats\": \"/seats\", \"last_active\": \"/touched\", \"observed_at\": \"/as_of\","
    " \"nps\": \"/nps\", \"name\": \"/name\"},"
    " \"merge\": {\"mrr\": \"sum\", \"seats\": \"max\", \"last_active\": \"max\", \"nps\": \"min\"}}";
  g_autofree char *path = test_dir_write (&f->dir, "deals.json",
    "{\"deals\": ["
    " {\"company\": \"acme\", \"name\": \"Acme\", \"amount\": 100, \"seats\": 5, \"nps\": 9,"
    "  \"touched\": \"2026-11-20T10:00:00Z\", \"as_of\": \"2026-11-21T12:00:00Z\"},"
    " {\"company\": \"globex\", \"amount\": 7, \"as_of\": \"2026-11-21T12:00:00Z\"},"
    " {\"company\": \"acme\", \"name\": \"Acme Corp\", \"amount\": 250.5, \"seats\": 3, \"nps\": 6,"
    "  \"touched\": \"2026-11-21T09:00:00Z\", \"as_of\": \"2026-11-21T12:00:00Z\"},"
    " {\"company\": \"acme\", \"amount\": null, \"seats\": 8, \"as_of\": \"2026-11-21T12:00:00Z\"},"
    " {\"company\": \"acme\", \"amount\": 1, \"as_of\": \"2026-11-22T12:00:00Z\"}"
    "]}", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  VigilSnapshot *day1;
  VigilSnapshot *day2;
  VigilIngestStats stats;
  gint64 acme;

  g_assert_true (import_file (f, path, mapping, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.records_read, ==, 5);
  /* acme on the 21st (three records), globex, acme on the 22nd. */
  g_assert_cmpuint (stats.stored, ==, 3);
  g_assert_cmpuint (stats.repeated, ==, 2);
  g_assert_cmpuint (stats.duplicates, ==, 0);

  acme = vigil_store_find_customer (f->store, "acme", NULL, &error);
  g_assert_no_error (error);
  history = vigil_store_list_history (f->store, acme, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  day1 = ((VigilHistoryRow *) history->pdata[0])->snapshot;
  day2 = ((VigilHistoryRow *) history->pdata[1])->snapshot;
  /* A record that does not know a field says nothing about it. */
  g_assert_cmpfloat_with_epsilon (day1->mrr, 350.5, 1e-9);
  g_assert_cmpint (day1->seats, ==, 8);
  g_assert_cmpint (day1->nps, ==, 6);
  g_assert_cmpint (day1->last_active, ==, T0 - 3 * 3600);
  g_assert_cmpfloat_with_epsilon (day2->mrr, 1, 1e-9);
  /* Text fields are the last record's that gives them. */
  g_assert_cmpstr (day2->name, ==, "Acme Corp");

  /* Again: every row is stored already; nothing is added to it. */
  g_assert_true (import_file (f, path, mapping, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 0);
  g_assert_cmpuint (stats.duplicates, ==, 3);
  g_clear_pointer (&history, g_ptr_array_unref);
  history = vigil_store_list_history (f->store, acme, &error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (((VigilHistoryRow *) history->pdata[0])->snapshot->mrr, 350.5, 1e-9);
  g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 3);
}

/* The same id twice in a CSV file without times: both rows are of the
 * import's time, so they make one row; imported again (another time or
 * the same second), the sum is that of the file, never twice it. */
static void
test_merge_import_csv_again (Fixture       *f,
                             gconstpointer  data)
{
  static const char mapping[] =
    "{\"fields\": {\"id\": \"Account\", \"mrr\": \"MRR\"}, \"merge\": {\"mrr\": \"sum\"}}";
  g_autofree char *path = test_dir_write (&f->dir, "deals.csv", "Account,MRR\nacme,100\nacme,50\nbeta,1\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  VigilIngestStats stats;
  gint64 acme;

  g_assert_true (import_file (f, path, mapping, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.repeated, ==, 1);
  g_assert_true (import_file (f, path, mapping, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.repeated, ==, 1);

  acme = vigil_store_find_customer (f->store, "acme", NULL, &error);
  history = vigil_store_list_history (f->store, acme, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < history->len; i++)
    g_assert_cmpfloat_with_epsilon (((VigilHistoryRow *) history->pdata[i])->snapshot->mrr, 150, 1e-9);
}

/* The one value @sql selects from the book at @path, its ?1 the
 * integer @parameter (the test's own), as text: on either engine. */
static char *
book_value (const char *path,
            const char *sql,
            gint64      parameter)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, parameter);
  g_auto(GStrv) parts = g_strsplit (sql, "?1", -1);
  g_autofree char *bound = g_strjoinv (number, parts);
  char *value = test_book_text (path, bound);

  g_assert_nonnull (value);
  return value;
}

static gint64
book_int (const char *path,
          const char *sql,
          gint64      parameter)
{
  g_autofree char *value = book_value (path, sql, parameter);

  return g_ascii_strtoll (value, NULL, 10);
}

static double
book_double (const char *path,
             const char *sql,
             gint64      parameter)
{
  g_autofree char *value = book_value (path, sql, parameter);

  return g_ascii_strtod (value, NULL);
}

static void
add (VigilIngest *ingest,
     const char  *id,
     double       mrr,
     gint64       last_active)
{
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GError) error = NULL;

  snapshot->customer_id = g_strdup (id);
  snapshot->observed_at = T0;
  snapshot->mrr = mrr;
  snapshot->last_active = last_active;
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_no_error (error);
}

/* Rows are written a batch at a time: a repeat in a later
 * batch finds the first's row written, and the store gives it back to
 * be combined and written again, a raw observation of a record of a
 * shared account (design 2.6) as a snapshot. Ingested again, every row
 * was there before: left alone, counted once as already stored. */
static void
ingest_large (Fixture         *f,
              VigilIngestStats *out_stats)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (f->store, "crm", T0, &error);
  VigilMergeRule merge[VIGIL_N_FIELDS] = { VIGIL_MERGE_LAST, };

  g_assert_no_error (error);
  merge[VIGIL_FIELD_MRR] = VIGIL_MERGE_SUM;
  merge[VIGIL_FIELD_LAST_ACTIVE] = VIGIL_MERGE_MAX;
  vigil_ingest_set_merge (ingest, merge);

  add (ingest, "shared", 10, 100);
  add (ingest, "alone", 1, VIGIL_UNKNOWN);
  for (guint i = 0; i < VIGIL_INGEST_BATCH_ROWS; i++)
    {
      char id[32];

      g_snprintf (id, sizeof id, "filler-%u", i);
      add (ingest, id, NAN, VIGIL_UNKNOWN);
    }
  add (ingest, "shared", 5, 50);
  add (ingest, "alone", 2, VIGIL_UNKNOWN);
  add (ingest, "alone", 3, 70);
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
  *out_stats = *vigil_ingest_get_stats (ingest);
}

static void
test_merge_across_batches (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;
  gint64 alone;

  /* "shared" and "other" share a key: one account of two records. */
  {
    g_autoptr(VigilIngest) ingest = vigil_ingest_begin (f->store, "crm", T0 - 86400, &error);
    g_autoptr(VigilSnapshot) a = vigil_snapshot_new ();
    g_autoptr(VigilSnapshot) b = vigil_snapshot_new ();

    a->customer_id = g_strdup ("shared");
    a->keys = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (a->keys, g_strdup ("acme.com"));
    b->customer_id = g_strdup ("other");
    b->keys = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (b->keys, g_strdup ("acme.com"));
    g_assert_true (vigil_ingest_add (ingest, a, &error));
    g_assert_true (vigil_ingest_add (ingest, b, &error));
    g_assert_true (vigil_ingest_commit (ingest, &error));
    g_assert_no_error (error);
  }

  ingest_large (f, &stats);
  g_assert_cmpuint (stats.records_read, ==, VIGIL_INGEST_BATCH_ROWS + 5);
  g_assert_cmpuint (stats.stored, ==, VIGIL_INGEST_BATCH_ROWS + 2);
  g_assert_cmpuint (stats.repeated, ==, 3);
  g_assert_cmpuint (stats.duplicates, ==, 0);

  alone = vigil_store_find_customer (f->store, "alone", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (book_double (f->db_path, "SELECT mrr FROM snapshots WHERE customer_id = ?1",
                                                 alone), 6, 1e-9);
  g_assert_cmpint (book_int (f->db_path, "SELECT last_active FROM snapshots WHERE customer_id = ?1", alone), ==, 70);
  /* One row, and one score for it, rewritten. */
  g_assert_cmpint (book_int (f->db_path, "SELECT count(*) FROM scores WHERE customer_id = ?1", alone), ==, 1);
  /* "shared" is its account's main record (design 2.6): its combined
   * observation is the account's snapshot at T0 */
  g_assert_cmpfloat_with_epsilon (book_double (f->db_path,
    "SELECT s.mrr FROM snapshots s JOIN records r ON r.customer_id = s.customer_id "
    "WHERE r.external_id = 'shared' AND s.observed_at = ?1", T0), 15, 1e-9);
  g_assert_cmpint (book_int (f->db_path,
    "SELECT s.last_active FROM snapshots s JOIN records r ON r.customer_id = s.customer_id "
    "WHERE r.external_id = 'shared' AND s.observed_at = ?1", T0), ==, 100);
  g_assert_cmpint (book_int (f->db_path, "SELECT count(*) FROM observations o JOIN records r "
                                           "ON r.id = o.record_id WHERE r.external_id = 'shared'", 0), ==, 0);
  /* The account's merged state follows its record's combined row. */
  g_assert_cmpfloat_with_epsilon (latest_mrr (f, "shared", "crm"), 15, 1e-9);

  /* The same again: already stored, not summed a second time; the
   * repeats count as repeats, in a later batch as in the same one
   * (design 2.5: the counts do not depend on batches, nor on a poll's
   * pages, which it writes as they come). */
  ingest_large (f, &stats);
  g_assert_cmpuint (stats.stored, ==, 0);
  g_assert_cmpuint (stats.duplicates, ==, VIGIL_INGEST_BATCH_ROWS + 2);
  g_assert_cmpuint (stats.repeated, ==, 3);
  g_assert_cmpfloat_with_epsilon (book_double (f->db_path, "SELECT mrr FROM snapshots WHERE customer_id = ?1",
                                                 alone), 6, 1e-9);
  g_assert_cmpfloat_with_epsilon (book_double (f->db_path,
    "SELECT s.mrr FROM snapshots s JOIN records r ON r.customer_id = s.customer_id "
    "WHERE r.external_id = 'shared' AND s.observed_at = ?1", T0), 15, 1e-9);
}

/* The daily poll's customers, in test_merge_daily_ingest(). */
#define DAILY_CUSTOMERS 300

/* Customer i of DAILY_CUSTOMERS on day @day (0 the first, 1 the next):
 * on day 1, a third as they were (stored before), a third an hour
 * earlier (going back in time: no row has that key yet) and a third an
 * hour later (new), those two named after the day, their plan unknown. */
static void
add_daily (VigilIngest *ingest,
           guint        i,
           int          day)
{
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GError) error = NULL;
  int shift = day == 0 ? 0 : (int) (i % 3) - 1;

  snapshot->customer_id = g_strdup_printf ("daily-%u", i);
  snapshot->observed_at = T0 + shift * 3600;
  if (day == 0 || shift == 0)
    {
      snapshot->mrr = 100 + i;
      snapshot->name = g_strdup_printf ("first %u", i);
      snapshot->plan = g_strdup ("basic");
    }
  else
    {
      snapshot->mrr = 200 + i;
      snapshot->name = g_strdup_printf ("day %d %u", day, i);
    }
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_no_error (error);
}

/* Whether the one value @sql selects from the book is @expected. */
static void
assert_book_text (const char *path,
                  const char *sql,
                  const char *expected)
{
  g_autofree char *text = test_book_text (path, sql);

  g_assert_cmpstr (text, ==, expected);
}

/* Whether the name, plan and latest time of the row of @external_id in
 * @table (customers or records) are @expected, joined by spaces. */
static void
assert_attributes (Fixture    *f,
                   const char *table,
                   const char *external_id,
                   const char *expected)
{
  g_autofree char *sql = g_strdup_printf ("SELECT name || ' ' || plan || ' ' || latest_at FROM %s "
                                          "WHERE external_id = '%s'", table, external_id);

  assert_book_text (f->db_path, sql, expected);
}

static VigilIngestStats
ingest_daily (Fixture *f,
              int      day)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (f->store, "crm", T0 + day * 86400, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < DAILY_CUSTOMERS; i++)
    add_daily (ingest, i, day);
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
  return *vigil_ingest_get_stats (ingest);
}

/* design 2.5: an ingest into a book with history (the daily poll): the
 * rows stored before are left as they are, counted as already stored;
 * those of an account that go back in time are stored, and the
 * accounts' attributes follow their newest rows. The same on both
 * engines; on PostgreSQL the rows and the attributes go a statement for
 * many, not one each (design 1). */
static void
test_merge_daily_ingest (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;
  static const char * const tables[] = { "customers", "records" };
  guint sent = 0;
  char sql[160];

  stats = ingest_daily (f, 0);
  g_assert_cmpuint (stats.stored, ==, DAILY_CUSTOMERS);

#ifdef HAVE_POSTGRESQL
  sent = _vigil_sql_pg_statements_sent ();
#endif
  stats = ingest_daily (f, 1);
#ifdef HAVE_POSTGRESQL
  sent = _vigil_sql_pg_statements_sent () - sent;
#endif
  g_assert_cmpuint (stats.records_read, ==, DAILY_CUSTOMERS);
  g_assert_cmpuint (stats.stored, ==, 2 * DAILY_CUSTOMERS / 3);
  g_assert_cmpuint (stats.duplicates, ==, DAILY_CUSTOMERS / 3);
  g_assert_cmpuint (stats.repeated, ==, 0);
  g_assert_cmpint (test_book_int (f->db_path, "SELECT count(*) FROM snapshots"), ==,
                   DAILY_CUSTOMERS + 2 * DAILY_CUSTOMERS / 3);
  g_assert_cmpint (test_book_int (f->db_path, "SELECT count(*) FROM scores"), ==,
                   DAILY_CUSTOMERS + 2 * DAILY_CUSTOMERS / 3);

  /* stored before: unchanged */
  g_assert_cmpfloat_with_epsilon (book_double (f->db_path, "SELECT mrr FROM snapshots WHERE customer_id = ?1",
                                               vigil_store_find_customer (f->store, "daily-1", NULL, &error)),
                                  101, 1e-9);
  /* back in time: stored */
  g_snprintf (sql, sizeof sql, "SELECT mrr FROM snapshots WHERE customer_id = ?1 AND observed_at = %"
              G_GINT64_FORMAT, T0 - 3600);
  g_assert_cmpfloat_with_epsilon (book_double (f->db_path, sql,
                                               vigil_store_find_customer (f->store, "daily-0", NULL, &error)),
                                  200, 1e-9);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      /* back in time: the newer row's name and plan kept */
      assert_attributes (f, tables[i], "daily-0", "first 0 basic 1795262400");
      /* newer: its name, the plan it did not tell kept */
      assert_attributes (f, tables[i], "daily-2", "day 1 2 basic 1795266000");
    }

  /* a statement a row (or two) was some 800 */
  if (vigil_test_on_postgresql ())
    {
      g_test_message ("statements sent by the second ingest: %u", sent);
      g_assert_cmpuint (sent, <, 60);
    }
}

/* design 2.5: a bulk import (into a database without history) holds the
 * file from its first written page to its commit, so a repeat in a later
 * batch cannot ask a second connection what was there before: nothing
 * was. Enough rows to overflow SQLite's cache, so that pages are written
 * to the file (and its lock taken) before the repeats come. */
static void
test_merge_across_batches_bulk (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin_bulk (f->store, "crm", T0, &error);
  VigilMergeRule merge[VIGIL_N_FIELDS] = { VIGIL_MERGE_LAST, };
  const VigilIngestStats *stats;
  gint64 alone;

  g_assert_no_error (error);
  g_assert_true (vigil_ingest_is_bulk (ingest));
  merge[VIGIL_FIELD_MRR] = VIGIL_MERGE_SUM;
  vigil_ingest_set_merge (ingest, merge);

  add (ingest, "alone", 1, VIGIL_UNKNOWN);
  for (guint i = 0; i < VIGIL_INGEST_BATCH_ROWS; i++)
    {
      g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();

      snapshot->customer_id = g_strdup_printf ("filler-with-a-long-id-%u", i);
      snapshot->name = g_strdup_printf ("Filler company number %u, with a name of some length", i);
      snapshot->observed_at = T0;
      snapshot->mrr = i;
      snapshot->seats = 50;
      snapshot->seats_used = i % 50;
      snapshot->api_calls_7d = i;
      for (guint k = 0; k < 8; k++)
        {
          g_autofree char *feature = g_strdup_printf ("feature-%u", k);

          vigil_snapshot_add_feature (snapshot, feature, i % 1000 + k);
        }
      g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
      g_assert_no_error (error);
    }
  add (ingest, "alone", 2, VIGIL_UNKNOWN);
  add (ingest, "alone", 3, 70);
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

  stats = vigil_ingest_get_stats (ingest);
  g_assert_true (stats->bulk);
  g_assert_cmpuint (stats->records_read, ==, VIGIL_INGEST_BATCH_ROWS + 3);
  g_assert_cmpuint (stats->stored, ==, VIGIL_INGEST_BATCH_ROWS + 1);
  g_assert_cmpuint (stats->repeated, ==, 2);
  g_assert_cmpuint (stats->duplicates, ==, 0);
  alone = vigil_store_find_customer (f->store, "alone", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (book_double (f->db_path, "SELECT mrr FROM snapshots WHERE customer_id = ?1",
                                                 alone), 6, 1e-9);
  g_assert_cmpint (book_int (f->db_path, "SELECT last_active FROM snapshots WHERE customer_id = ?1", alone), ==, 70);
  g_assert_cmpint (book_int (f->db_path, "SELECT count(*) FROM scores WHERE customer_id = ?1", alone), ==, 1);
  /* More customers than the ingest gathers at once: each generation of
   * them is written, its names with it. */
  g_assert_cmpint (book_int (f->db_path, "SELECT count(*) FROM customers WHERE name LIKE 'Filler company number %'",
                               0), ==, VIGIL_INGEST_BATCH_ROWS);
}

/* A new record's name and owner are written with it when its batch is
 * written (vigil-ingest.c, so that a poll's pages carry them); a later
 * batch's newer row changes its name: the customer and its record end
 * with what all the rows say, as if written once (design 2.5). Customers
 * of three rows each fill the batch before the customers gathered reach
 * their own limit. */
static void
test_merge_attributes_across_batches (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (f->store, "crm", T0, &error);
  g_autoptr(VigilSnapshot) first = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) later = vigil_snapshot_new ();
  gint64 alone;

  g_assert_no_error (error);
  first->customer_id = g_strdup ("alone");
  first->observed_at = T0;
  first->name = g_strdup ("Alone Ltd");
  first->owner = g_strdup ("Dana Park");
  g_assert_true (vigil_ingest_add (ingest, first, &error));
  for (guint i = 0; i < VIGIL_INGEST_BATCH_ROWS / 3 + 1; i++)
    {
      char id[32];

      g_snprintf (id, sizeof id, "filler-%u", i);
      for (gint64 day = 1; day <= 3; day++)
        {
          g_autoptr(VigilSnapshot) filler = vigil_snapshot_new ();

          filler->customer_id = g_strdup (id);
          filler->observed_at = T0 - day * 86400;
          g_assert_true (vigil_ingest_add (ingest, filler, &error));
        }
    }
  later->customer_id = g_strdup ("alone");
  later->observed_at = T0 + 86400;
  later->name = g_strdup ("Alone Inc");
  g_assert_true (vigil_ingest_add (ingest, later, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_ingest_get_stats (ingest)->stored, ==, (VIGIL_INGEST_BATCH_ROWS / 3 + 1) * 3 + 2);

  alone = vigil_store_find_customer (f->store, "alone", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (book_int (f->db_path, "SELECT count(*) FROM customers WHERE id = ?1 "
                                           "AND name = 'Alone Inc' AND owner = 'Dana Park'", alone), ==, 1);
  g_assert_cmpint (book_int (f->db_path, "SELECT latest_at FROM customers WHERE id = ?1", alone), ==, T0 + 86400);
  g_assert_cmpint (book_int (f->db_path, "SELECT count(*) FROM records WHERE customer_id = ?1 "
                                           "AND name = 'Alone Inc' AND owner = 'Dana Park'", alone), ==, 1);
}

/* The summary in words, for each rule. */
static void
test_merge_describe (void)
{
  VigilIngestStats stats = { 0, };
  g_autofree char *none = NULL;
  g_autofree char *last = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *example = NULL;

  none = vigil_ingest_stats_describe_repeats (&stats);
  g_assert_null (none);
  g_assert_null (vigil_ingest_stats_describe_notes (&stats));

  stats.repeated = 12;
  last = vigil_ingest_stats_describe_repeats (&stats);
  g_assert_cmpstr (last, ==, "12 records repeated an id: each field from the last");

  stats.merge[VIGIL_FIELD_MRR] = VIGIL_MERGE_SUM;
  stats.merge[VIGIL_FIELD_SEATS] = VIGIL_MERGE_MAX;
  stats.merge[VIGIL_FIELD_NPS] = VIGIL_MERGE_MIN;
  stats.merge[VIGIL_FIELD_RENEWAL_DATE] = VIGIL_MERGE_FIRST;
  rules = vigil_ingest_stats_describe_repeats (&stats);
  g_assert_cmpstr (rules, ==, "12 records repeated an id: mrr summed, seats the largest, renewal_date from the "
                   "first, nps the smallest, other fields from the last");

  g_strlcpy (stats.unusable_example, "field “mrr” at “/m”: “x” is not a number", sizeof stats.unusable_example);
  notes = vigil_ingest_stats_describe_notes (&stats);
  g_assert_true (g_str_has_suffix (notes, "other fields from the last; first unusable value: field “mrr” at "
                                   "“/m”: “x” is not a number"));
  stats.repeated = 0;
  example = vigil_ingest_stats_describe_notes (&stats);
  g_assert_cmpstr (example, ==, "first unusable value: field “mrr” at “/m”: “x” is not a number");
}

/* The first unusable value, in words, is kept whole or cut at a
 * character, however long the value a server sent. */
static void
test_merge_example_cut (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (f->store, "crm", T0, &error);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GString) problem = g_string_new ("field “name”: ");
  const VigilIngestStats *stats;

  for (guint i = 0; i < 400; i++)
    g_string_append (problem, "é");
  snapshot->customer_id = g_strdup ("a");
  snapshot->n_unknown = 1;
  snapshot->problem = g_strdup (problem->str);
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  stats = vigil_ingest_get_stats (ingest);
  g_assert_true (g_utf8_validate (stats->unusable_example, -1, NULL));
  g_assert_true (g_str_has_prefix (stats->unusable_example, "field “name”: éé"));
  g_assert_true (g_str_has_suffix (stats->unusable_example, "é…"));
  g_assert_cmpuint (strlen (stats->unusable_example), <, sizeof stats->unusable_example);
}

/* The command line: the summary says what was combined and the first
 * unusable value; a source refuses a CSV file's mapping. */
static void
test_merge_cli (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "crm-export.csv", NULL);
  g_autofree char *mapping = g_test_build_filename (G_TEST_DIST, "data", "crm-export.mapping.json", NULL);
  g_autofree char *db = vigil_test_book_location (&f->dir, "cli.db");
  const char *import_argv[] = { g_getenv ("VIGIL_BINARY"), "--db", db, "import", csv, "--mapping", mapping, NULL };
  const char *add_argv[] = { g_getenv ("VIGIL_BINARY"), "--db", db, "source", "add", "crm",
                             "https://crm.example.com/api", "--mapping", mapping, NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) import = NULL;
  g_autoptr(GSubprocess) source_add = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *add_out = NULL;
  g_autofree char *add_err = NULL;

  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  import = g_subprocess_launcher_spawnv (launcher, import_argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (import, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (import), ==, 0);
  g_assert_nonnull (strstr (out, "  4 snapshots stored and scored\n"));
  g_assert_nonnull (strstr (out, "  2 values unusable (wrong type or out of range), stored as unknown\n"
                            "    the first: field “last_active” in column “Last Activity Date”: "
                            "“31/02/2024 10:00” is not a time in the format “%d/%m/%Y %H:%M”\n"));
  g_assert_nonnull (strstr (out, "  1 record repeated an id: mrr summed, last_active the largest, "
                            "other fields from the last\n"));

  source_add = g_subprocess_launcher_spawnv (launcher, add_argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (source_add, NULL, NULL, &add_out, &add_err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (source_add), ==, 1);
  g_assert_nonnull (strstr (add_err, "the mapping has no “records”, so it names the columns of a CSV file"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/merge/poll-pages", test_merge_poll_pages);
  ADD ("/merge/import", test_merge_import);
  ADD ("/merge/import-csv-again", test_merge_import_csv_again);
  ADD ("/merge/across-batches", test_merge_across_batches);
  ADD ("/merge/daily-ingest", test_merge_daily_ingest);
  /* SQLite's bulk import alone (design 2.5): a team's book has none. */
  if (!vigil_test_on_postgresql ())
    ADD ("/merge/across-batches-bulk", test_merge_across_batches_bulk);
  ADD ("/merge/attributes-across-batches", test_merge_attributes_across_batches);
  ADD ("/merge/example-cut", test_merge_example_cut);
  ADD ("/merge/cli", test_merge_cli);
  g_test_add_func ("/merge/describe", test_merge_describe);

  return g_test_run ();
}
