/* test-import.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include <sqlite3.h>

#include "vigil-core.h"
#include "vigil-csv-reader.h"
#include "vigil-ingest-private.h"
#include "vigil-test-book.h"
#include "vigil-test-failing-writes.h"
#include "vigil-test-util.h"

typedef struct
{
  TestDir     dir;
  char       *db_path;
  VigilStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  test_dir_init (&f->dir);
  f->db_path = vigil_test_book_location (&f->dir, "vigil.db");
  f->store = vigil_store_open (f->db_path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_free (f->db_path);
  test_dir_clear (&f->dir);
}

static gboolean
import_text (Fixture          *f,
             const char       *name,
             const char       *contents,
             VigilIngestStats *stats,
             GError          **error)
{
  g_autofree char *path = test_dir_write (&f->dir, name, contents, -1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (f->store);

  memset (stats, 0, sizeof *stats);
  return vigil_importer_import_file (importer, file, NULL, stats, error);
}

static VigilPortfolioRow *
find_row (GPtrArray  *rows,
          const char *id)
{
  for (guint i = 0; i < rows->len; i++)
    {
      VigilPortfolioRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->latest->customer_id, id) == 0)
        return row;
    }
  g_assert_not_reached ();
}

static GPtrArray *
portfolio (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = vigil_store_list_portfolio (f->store, NULL, VIGIL_TIER_NONE, &error);

  g_assert_no_error (error);
  return rows;
}

static const char native_json[] =
  "{\n"
  "  \"customers\": [\n"
  "    {\"id\": \"acme\", \"name\": \"Acme Corp\", \"plan\": \"enterprise\", \"owner\": \"Dana Park\",\n"
  "     \"segment\": \"EMEA\", \"mrr\": 4200.0, \"seats\": 50, \"seats_used\": 47,\n"
  "     \"renewal_date\": \"2027-03-01\", \"last_active\": \"2026-11-21T10:00:00Z\",\n"
  "     \"api_calls_7d\": 3200, \"features\": {\"workflow-automation\": 120, \"reports\": 40},\n"
  "     \"open_tickets\": 2, \"nps\": 8, \"observed_at\": \"2026-11-21T12:00:00Z\"},\n"
  "    {\"id\": 42, \"name\": \"北京云图科技\", \"features\": [\"reports\", \"sso\", \"api\"],\n"
  "     \"last_active\": null, \"api_calls_7d\": null, \"observed_at\": \"2026-11-21T12:00:00Z\"},\n"
  "    {\"name\": \"no id at all\"},\n"
  "    {\"id\": \"\", \"name\": \"empty id\"},\n"
  "    \"not an object\",\n"
  "    {\"id\": \"wrong\", \"mrr\": \"lots\", \"seats\": true, \"seats_used\": -3, \"nps\": 11,\n"
  "     \"api_calls_7d\": 1e30, \"last_active\": \"last tuesday\", \"renewal_date\": \"2027-02-30\",\n"
  "     \"features\": 7, \"observed_at\": \"2026-11-21T12:00:00Z\"}\n"
  "  ],\n"
  "  \"next\": null\n"
  "}\n";

static void
test_import_native_json (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  VigilIngestStats stats;
  VigilPortfolioRow *acme, *beijing, *wrong;

  g_assert_true (import_text (f, "usage.json", native_json, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.records_read, ==, 6);
  g_assert_cmpuint (stats.stored, ==, 3);
  g_assert_cmpuint (stats.skipped, ==, 3);
  /* mrr, seats, seats_used, nps, api_calls_7d, last_active, renewal_date, features; "" id */
  g_assert_cmpuint (stats.unknown_values, ==, 9);

  rows = portfolio (f);
  g_assert_cmpuint (rows->len, ==, 3);

  acme = find_row (rows, "acme");
  g_assert_cmpstr (acme->latest->name, ==, "Acme Corp");
  g_assert_cmpstr (acme->latest->owner, ==, "Dana Park");
  g_assert_cmpstr (acme->latest->plan, ==, "enterprise");
  g_assert_cmpfloat (acme->latest->mrr, ==, 4200.0);
  g_assert_cmpint (acme->latest->seats_used, ==, 47);
  g_assert_cmpint (acme->latest->renewal_day, ==, vigil_date_from_civil (2027, 3, 1));
  /* 2 h → 40 × 70/72; 3200 → 19.2; 2 features → 7.5 */
  g_assert_cmpfloat_with_epsilon (acme->score.health, 40.0 * 70 / 72 + 19.2 + 7.5, 1e-5);

  /* An integer id becomes its decimal text; array features count as used. */
  beijing = find_row (rows, "42");
  g_assert_cmpstr (beijing->latest->name, ==, "北京云图科技");
  g_assert_cmpfloat_with_epsilon (beijing->score.health, 3.0 / 8 * 100, 1e-9);

  wrong = find_row (rows, "wrong");
  g_assert_true (isnan (wrong->latest->mrr));
  g_assert_cmpint (wrong->latest->seats, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (wrong->latest->seats_used, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (wrong->latest->nps, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (wrong->latest->api_calls_7d, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (wrong->latest->renewal_day, ==, VIGIL_UNKNOWN_DAY);
  g_assert_true (isnan (wrong->score.health));
}

static void
test_import_bare_array (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_true (import_text (f, "array.json",
                              "[{\"id\": \"a\", \"api_calls_7d\": 5000, \"observed_at\": \"2026-11-01\"},"
                              " {\"id\": \"b\", \"api_calls_7d\": 0, \"observed_at\": \"2026-11-01\"}]",
                              &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 2);
}

static const char csv_text[] =
  "\xEF\xBB\xBFid,name,owner,segment,mrr,seats,seats_used,last_active,api_calls_7d,features,observed_at,extra\r\n"
  "acme,\"Acme, \"\"the\"\" Corp\",Dana Park,EMEA,4200.50,50,47,2026-11-21T11:00:00Z,5000,"
  "\"{\"\"reports\"\": 40, \"\"api\"\": 0}\",2026-11-21T12:00:00Z,ignored\r\n"
  "acme,\"Acme, \"\"the\"\" Corp\",Dana Park,EMEA,4200.50,50,45,2026-11-20T11:00:00Z,4000,"
  "\"[\"\"reports\"\", \"\"api\"\"]\",2026-11-20T12:00:00Z,\r\n"
  "heb,\"אופק\nמערכות\",נועה לוי,EMEA,NaN,,,,1e400,,2026-11-21T12:00:00Z,\r\n"
  "emoji,🚀 Rocket Labs 🚀,李娜,APAC,,10,abc,2026-11-21T12:00:00Z,,,2026-11-21T12:00:00Z,\r\n"
  ",no id,,,,,,,,,2026-11-21T12:00:00Z,\r\n";

static void
test_import_csv (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) history = NULL;
  VigilIngestStats stats;
  VigilPortfolioRow *acme, *heb, *emoji;
  VigilHistoryRow *older;

  g_assert_true (import_text (f, "history.csv", csv_text, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.records_read, ==, 5);
  g_assert_cmpuint (stats.stored, ==, 4);
  g_assert_cmpuint (stats.skipped, ==, 1);
  /* NaN, 1e400, abc */
  g_assert_cmpuint (stats.unknown_values, ==, 3);

  rows = portfolio (f);
  g_assert_cmpuint (rows->len, ==, 3);

  acme = find_row (rows, "acme");
  g_assert_cmpstr (acme->latest->name, ==, "Acme, \"the\" Corp");
  g_assert_cmpfloat (acme->latest->mrr, ==, 4200.50);
  /* 1 h → 40 × 71/72; 5000 → 30; 1 feature with calls → 3.75 */
  g_assert_cmpfloat_with_epsilon (acme->score.health, 40.0 * 71 / 72 + 30 + 3.75, 1e-5);

  history = vigil_store_list_history (f->store, acme->customer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  older = g_ptr_array_index (history, 0);
  g_assert_cmpint (older->snapshot->seats_used, ==, 45);
  /* Names in an array count as used: 2 features → 7.5 */
  g_assert_cmpfloat_with_epsilon (older->score.measures[VIGIL_MEASURE_BREADTH].points, 7.5, 1e-6);

  heb = find_row (rows, "heb");
  g_assert_cmpstr (heb->latest->name, ==, "אופק\nמערכות");
  g_assert_cmpstr (heb->latest->owner, ==, "נועה לוי");
  g_assert_true (isnan (heb->latest->mrr));
  g_assert_cmpint (heb->latest->api_calls_7d, ==, VIGIL_UNKNOWN);
  g_assert_true (isnan (heb->score.health));

  emoji = find_row (rows, "emoji");
  g_assert_cmpstr (emoji->latest->name, ==, "🚀 Rocket Labs 🚀");
  g_assert_cmpstr (emoji->latest->owner, ==, "李娜");
  g_assert_cmpint (emoji->latest->seats, ==, 10);
  g_assert_cmpint (emoji->latest->seats_used, ==, VIGIL_UNKNOWN);
  g_assert_cmpfloat_with_epsilon (emoji->score.health, 100, 1e-9);
}

static const char jsonl_text[] =
  "{\"id\": \"acme\", \"api_calls_7d\": 2500, \"observed_at\": \"2026-11-19T12:00:00Z\"}\n"
  "\n"
  "{\"id\": \"acme\", \"api_calls_7d\": 5000, \"observed_at\": \"2026-11-20T12:00:00Z\"}\r\n"
  "{\"id\": \"globex\", \"name\": \"Globex\", \"features_used\": 4, \"observed_at\": \"2026-11-20T12:00:00Z\"}\n"
  "{\"name\": \"nobody\"}\n"
  "[1, 2, 3]\n"
  "{\"id\": \"acme\", \"api_calls_7d\": 0, \"observed_at\": \"2026-11-21T12:00:00Z\"}";

static void
test_import_json_lines (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  VigilIngestStats stats;

  /* Detected by content, whatever the extension says. */
  g_assert_true (import_text (f, "export.txt", jsonl_text, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.records_read, ==, 6);
  g_assert_cmpuint (stats.stored, ==, 4);
  g_assert_cmpuint (stats.skipped, ==, 2);
  g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 4);

  rows = portfolio (f);
  g_assert_cmpfloat_with_epsilon (find_row (rows, "acme")->score.health, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (find_row (rows, "globex")->score.health, 50, 1e-9);
}

static void
test_import_twice (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_true (import_text (f, "history.csv", csv_text, &stats, &error));
  g_assert_true (import_text (f, "history.csv", csv_text, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 0);
  g_assert_cmpuint (stats.duplicates, ==, 4);
  g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 4);
}

typedef struct
{
  const char *name;
  const char *contents;
  const char *message;  /* what the error must say */
} BadFile;

static const BadFile bad_files[] = {
  { "truncated.json", "{\"customers\": [{\"id\": \"x\", \"observed_at\": \"2026-11-21\"}, {\"id\": ", "truncated.json: not JSON: line 1, column 65: unexpected end of data" },
  { "notjson.json", "{this is not json at all\n", "notjson.json" },
  { "broken.jsonl",
    "{\"id\": \"a1\", \"observed_at\": \"2026-11-21\"}\n"
    "{\"id\": \"a2\", \"observed_at\": \"2026-11-21\"}\n"
    "{\"id\": \"a3\", \"observed_at\": \"2026-11-21\"\n"
    "{\"id\": \"a4\", \"observed_at\": \"2026-11-21\"}\n", "line 3" },
  { "unterminated.csv", "id,name\nb1,fine\nb2,\"never closed\nb3,x\n", "line 3" },
  { "ragged.csv", "id,name\nb1,fine\nb2,too,many\n", "line 3: 3 fields, but the header has 2" },
  { "noid.csv", "name,mrr\nAcme,10\n", "no “id” column" },
  { "dupcol.csv", "id,name,name\n1,a,b\n", "appears twice" },
  { "badutf8.csv", "id,name\nc1,\xff\xfe\n", "line 2" },
  { "empty.csv", "", "empty" },
  { "blank.jsonl", "\n\n   \n", "empty" },
  { "scalar.json", "[1, 2", "scalar.json" },
  { "object.json", "{\"data\": [{\"id\": 1}]}", "“customers” array" },
};

static void
test_import_bad_file (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  VigilIngestStats stats;

  /* Something stored before must survive each failed import untouched. */
  g_assert_true (import_text (f, "good.csv", csv_text, &stats, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autoptr(GError) bad_error = NULL;

      g_test_message ("bad file %s", bad_files[i].name);
      g_assert_false (import_text (f, bad_files[i].name, bad_files[i].contents, &stats, &bad_error));
      g_assert_nonnull (bad_error);
      if (strstr (bad_error->message, bad_files[i].message) == NULL)
        g_error ("%s: “%s” does not say “%s”", bad_files[i].name, bad_error->message,
                 bad_files[i].message);
      g_assert_nonnull (strstr (bad_error->message, bad_files[i].name));
      g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 4);
      g_assert_cmpint (vigil_store_count_customers (f->store, NULL), ==, 3);
    }
}

static void
test_import_missing_file (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_dir_file (&f->dir, "nope.csv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (f->store);

  g_assert_false (vigil_importer_import_file (importer, file, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_import_source (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_dir_write (&f->dir, "h.jsonl", jsonl_text, -1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (f->store);
  g_autoptr(GPtrArray) rows = NULL;

  vigil_importer_set_source (importer, "crm");
  g_assert_true (vigil_importer_import_file (importer, file, NULL, NULL, &error));
  g_assert_no_error (error);
  rows = portfolio (f);
  g_assert_cmpstr (find_row (rows, "acme")->source, ==, "crm");
}

static void
test_import_with_mapping (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"name\": \"/attributes/company_name\","
    " \"api_calls_7d\": \"/attributes/calls\", \"observed_at\": \"/attributes/as_of\"}}", -1, &error);
  g_autofree char *json_path = test_dir_write (&f->dir, "accounts.json",
    "{\"data\": [{\"id\": \"acme\", \"attributes\": {\"company_name\": \"Acme\", \"calls\": 2500,"
    " \"as_of\": \"2026-11-21T12:00:00Z\"}}, {\"attributes\": {\"company_name\": \"no id\"}}]}", -1);
  g_autofree char *lines_path = test_dir_write (&f->dir, "accounts.jsonl",
    "{\"id\": \"globex\", \"attributes\": {\"calls\": 5000, \"as_of\": \"2026-11-21T12:00:00Z\"}}\n", -1);
  g_autofree char *csv_path = test_dir_write (&f->dir, "accounts.csv", "id,name\n1,a\n", -1);
  g_autoptr(GFile) json_file = g_file_new_for_path (json_path);
  g_autoptr(GFile) lines_file = g_file_new_for_path (lines_path);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (f->store);
  g_autoptr(GPtrArray) rows = NULL;
  VigilIngestStats stats;

  g_assert_no_error (error);
  vigil_importer_set_mapping (importer, mapping);

  g_assert_true (vigil_importer_import_file (importer, json_file, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);
  g_assert_cmpuint (stats.skipped, ==, 1);

  g_assert_true (vigil_importer_import_file (importer, lines_file, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);

  g_assert_false (vigil_importer_import_file (importer, csv_file, NULL, &stats, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);

  rows = portfolio (f);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (find_row (rows, "acme")->latest->name, ==, "Acme");
  g_assert_cmpfloat_with_epsilon (find_row (rows, "acme")->score.health, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (find_row (rows, "globex")->score.health, 100, 1e-9);
}

/* Every form of import reads the keys (design 2.1): a value that is no
 * keys is counted as unusable, and its record is stored all the same.
 * The keys themselves are not stored yet: accounts will join by them. */
static void
test_import_keys (Fixture       *f,
                  gconstpointer  data)
{
  static const struct { const char *name; const char *contents; guint read; guint unknown; } files[] = {
    { "keys.csv",
      "id,keys,observed_at\n"
      "a,acme.com,2026-11-21T12:00:00Z\n"
      "b,\"[\"\"b.com\"\", \"\"B\"\", 17]\",2026-11-21T12:00:00Z\n"
      "c,\"[\"\"c.com\"\", true]\",2026-11-21T12:00:00Z\n"
      "d,\"[\"\"d.com\"\"\",2026-11-21T12:00:00Z\n"
      "e,,2026-11-21T12:00:00Z\n", 5, 2 },
    { "keys.json",
      "[{\"id\": \"a\", \"keys\": \"acme.com\", \"observed_at\": \"2026-11-22\"},"
      " {\"id\": \"b\", \"keys\": [\"b.com\", 1.5], \"observed_at\": \"2026-11-22\"}]", 2, 1 },
    { "keys.jsonl",
      "{\"id\": \"a\", \"keys\": [\"acme.com\", \"a\\u0000\"], \"observed_at\": \"2026-11-23\"}\n"
      "{\"id\": \"b\", \"keys\": [\"b.com\"], \"observed_at\": \"2026-11-23\"}\n", 2, 1 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  VigilIngestStats stats;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_test_message ("%s", files[i].name);
      g_assert_true (import_text (f, files[i].name, files[i].contents, &stats, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (stats.records_read, ==, files[i].read);
      g_assert_cmpuint (stats.stored, ==, files[i].read);
      g_assert_cmpuint (stats.skipped, ==, 0);
      g_assert_cmpuint (stats.unknown_values, ==, files[i].unknown);
    }
  rows = portfolio (f);
  g_assert_cmpuint (rows->len, ==, 5);

  /* A column is named once, keys as any other. */
  g_assert_false (import_text (f, "twice.csv", "id,keys,Keys\na,x,y\n", &stats, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "the column “keys” appears twice"));
}

/* A mapping's keys member is read on import, the tree way. */
static void
test_import_mapping_keys (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"observed_at\": \"/as_of\"},"
    " \"keys\": [\"/domain\", {\"pointer\": \"/emails\", \"lower\": true}]}", -1, &error);
  g_autofree char *path = test_dir_write (&f->dir, "crm.json",
    "{\"data\": [{\"id\": \"a\", \"domain\": \"a.com\", \"emails\": [\"X@A.COM\"], \"as_of\": \"2026-11-21\"},"
    " {\"id\": \"b\", \"domain\": [\"b.com\", false], \"emails\": \"Y@B.COM\", \"as_of\": \"2026-11-21\"}]}", -1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (f->store);
  VigilIngestStats stats;

  g_assert_no_error (error);
  vigil_importer_set_mapping (importer, mapping);
  g_assert_true (vigil_importer_import_file (importer, file, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 2);
  g_assert_cmpuint (stats.unknown_values, ==, 1);
}

/* A CSV file through a mapping (design 2.5) -------------------------------- */

static VigilMapping *
load_mapping (const char *text)
{
  g_autoptr(GError) error = NULL;
  VigilMapping *mapping = vigil_mapping_new_from_data (text, -1, &error);

  g_assert_no_error (error);
  return mapping;
}

static gboolean
import_mapped (Fixture          *f,
               VigilMapping     *mapping,
               const char       *path,
               VigilIngestStats *stats,
               GError          **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(VigilImporter) importer = vigil_importer_new (f->store);

  vigil_importer_set_mapping (importer, mapping);
  memset (stats, 0, sizeof *stats);
  return vigil_importer_import_file (importer, file, NULL, stats, error);
}

/* A CRM export as a spreadsheet in a decimal-comma locale writes it:
 * its own column names, semicolons, a BOM and CRLF, decimal commas with
 * thousands grouped, `05/03/2024 14:23` dates, quoted cells holding the
 * delimiter and a newline, a company on two rows (two deals). */
static void
test_import_csv_mapping (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "crm-export.csv", NULL);
  g_autofree char *mapping_path = g_test_build_filename (G_TEST_DIST, "data", "crm-export.mapping.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_file (mapping_path, &error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *repeats = NULL;
  VigilIngestStats stats;
  VigilPortfolioRow *row;

  g_assert_no_error (error);
  g_assert_true (vigil_mapping_is_csv (mapping));
  g_assert_true (import_mapped (f, mapping, csv, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.records_read, ==, 6);
  g_assert_cmpuint (stats.stored, ==, 4);
  g_assert_cmpuint (stats.skipped, ==, 1);
  g_assert_cmpuint (stats.repeated, ==, 1);
  /* Initech's 31 February and Umbrella's revenue "abc". */
  g_assert_cmpuint (stats.unknown_values, ==, 2);
  g_assert_cmpstr (stats.unusable_example, ==, "field “last_active” in column “Last Activity Date”: "
                   "“31/02/2024 10:00” is not a time in the format “%d/%m/%Y %H:%M”");
  repeats = vigil_ingest_stats_describe_repeats (&stats);
  g_assert_cmpstr (repeats, ==, "1 record repeated an id: mrr summed, last_active the largest, "
                   "other fields from the last");

  rows = portfolio (f);
  g_assert_cmpuint (rows->len, ==, 4);
  /* Two deals: 50.400,00 and 1.200,00 a year, summed, a month of it. */
  row = find_row (rows, "512");
  g_assert_cmpstr (row->latest->name, ==, "Acme Corp");
  g_assert_cmpstr (row->latest->owner, ==, "Dana Park");
  g_assert_cmpfloat_with_epsilon (row->latest->mrr, 51600 * 0.0833333, 1e-6);
  g_assert_cmpint (row->latest->last_active, ==, G_GINT64_CONSTANT (1709712000));
  g_assert_cmpint (row->latest->seats, ==, 120);
  g_assert_cmpint (row->latest->renewal_day, ==, vigil_date_from_civil (2027, 3, 1));
  g_assert_cmpuint (g_strv_length (row->keys), ==, 1);
  g_assert_cmpstr (row->keys[0], ==, "acme.com");

  row = find_row (rows, "513");
  g_assert_cmpstr (row->latest->name, ==, "Globex; Inc.");
  g_assert_cmpstr (row->latest->owner, ==, "Lee\r\nChan");
  g_assert_cmpfloat_with_epsilon (row->latest->mrr, 12000 * 0.0833333, 1e-6);
  g_assert_cmpint (row->latest->last_active, ==, G_GINT64_CONSTANT (1709197500));
  g_assert_cmpint (row->latest->renewal_day, ==, VIGIL_UNKNOWN_DAY);

  row = find_row (rows, "514");
  g_assert_cmpfloat_with_epsilon (row->latest->mrr, 1234.56 * 0.0833333, 1e-6);
  g_assert_cmpint (row->latest->last_active, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (row->latest->seats, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (row->latest->renewal_day, ==, vigil_date_from_civil (2026, 6, 15));

  row = find_row (rows, "515");
  g_assert_true (isnan (row->latest->mrr));
  g_assert_cmpint (row->latest->seats, ==, 12);
}

/* A column the mapping names that the header lacks is named, with the
 * header, before any row is read; nothing is stored. */
static void
test_import_csv_mapping_missing_column (Fixture       *f,
                                        gconstpointer  data)
{
  g_autofree char *csv = g_test_build_filename (G_TEST_DIST, "data", "crm-export.csv", NULL);
  g_autoptr(VigilMapping) mapping = load_mapping (
    "{\"fields\": {\"id\": \"Record ID\", \"name\": \"Company Name\"}, \"decimal\": \",\"}");
  g_autoptr(VigilMapping) per_column = load_mapping (
    "{\"fields\": {\"id\": \"Record ID\", \"mrr\": {\"column\": \"Annual Revenue\","
    " \"per\": {\"interval\": \"Billing period\"}}}}");
  g_autoptr(VigilMapping) keys = load_mapping (
    "{\"fields\": {\"id\": \"Record ID\"}, \"keys\": [\"Website\"]}");
  g_autofree char *twice = test_dir_write (&f->dir, "twice.csv", "Id,Name, Name \n1,a,b\n", -1);
  g_autoptr(VigilMapping) name = load_mapping ("{\"fields\": {\"id\": \"Id\", \"name\": \"Name\"}}");
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_false (import_mapped (f, mapping, csv, &stats, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "the mapping's column “Company Name” (field name) is not "
                                   "in the header of "));
  g_assert_nonnull (strstr (error->message, "crm-export.csv: the header has “Record ID”, “Company name”, "
                            "“Company Domain Name”, “Annual Revenue”, “Number of Employees”, "
                            "“Last Activity Date”, “Renewal”, “Company owner”"));
  g_assert_cmpuint (stats.records_read, ==, 0);
  g_assert_cmpint (vigil_store_count_customers (f->store, NULL), ==, 0);
  g_clear_error (&error);

  g_assert_false (import_mapped (f, per_column, csv, &stats, &error));
  g_assert_nonnull (strstr (error->message, "the mapping's column “Billing period” (field mrr) is not in the header"));
  g_clear_error (&error);
  g_assert_false (import_mapped (f, keys, csv, &stats, &error));
  g_assert_nonnull (strstr (error->message, "the mapping's column “Website” (field keys) is not in the header"));
  g_clear_error (&error);

  /* Trimmed, two header names are one: which is meant cannot be told. */
  g_assert_false (import_mapped (f, name, twice, &stats, &error));
  g_assert_nonnull (strstr (error->message, "the mapping's column “Name” appears twice in the header of"));
  g_assert_cmpint (vigil_store_count_customers (f->store, NULL), ==, 0);
}

/* The delimiter is told from the header line, outside quotes, unless the
 * mapping says it; tab-separated files as spreadsheets save them. */
static void
test_import_csv_delimiters (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(VigilMapping) mapping = load_mapping (
    "{\"fields\": {\"id\": \" Account \", \"name\": \"Name; legal\", \"mrr\": \"MRR\","
    " \"api_calls_7d\": \"Calls\"}}");
  g_autoptr(VigilMapping) semicolon = load_mapping (
    "{\"fields\": {\"id\": \"id\", \"name\": \"name,short\"}, \"delimiter\": \";\"}");
  g_autoptr(VigilMapping) tab = load_mapping (
    "{\"fields\": {\"id\": \"id\", \"mrr\": \"mrr\"}, \"delimiter\": \"\\t\", \"decimal\": \",\"}");
  g_autofree char *tsv = test_dir_write (&f->dir, "export.tsv",
    "Account\t\"Name; legal\"\tMRR\tCalls\n"
    "a1\tAcme, Inc.\t1,234.50\t\"12,000\"\n"
    "a2\t\"Tab\there\"\t99\t7\n", -1);
  g_autofree char *both = test_dir_write (&f->dir, "both.csv", "id;name,short\nb1;Beta, Ltd\n", -1);
  g_autofree char *tab_comma = test_dir_write (&f->dir, "comma.txt", "id\tmrr\nc1\t1.500,25\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  VigilIngestStats stats;

  g_assert_cmpint (vigil_csv_detect_delimiter ("a\tb\tc\n1,2\t3\t4", 17), ==, '\t');
  g_assert_cmpint (vigil_csv_detect_delimiter ("\"a;b;c\",d,e\n", 12), ==, ',');
  g_assert_cmpint (vigil_csv_detect_delimiter ("a;b,c\n", 6), ==, ',');
  g_assert_cmpint (vigil_csv_detect_delimiter ("a;b;c,d\n", 8), ==, ';');
  g_assert_cmpint (vigil_csv_detect_delimiter ("\"a\nb;c;d\",e\nx;y;z;w", 20), ==, ',');
  g_assert_cmpint (vigil_csv_detect_delimiter ("id\n1\n", 5), ==, ',');

  g_assert_true (import_mapped (f, mapping, tsv, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 2);
  g_assert_cmpuint (stats.unknown_values, ==, 0);
  g_assert_true (import_mapped (f, semicolon, both, &stats, &error));
  g_assert_no_error (error);
  g_assert_true (import_mapped (f, tab, tab_comma, &stats, &error));
  g_assert_no_error (error);

  rows = portfolio (f);
  g_assert_cmpstr (find_row (rows, "a1")->latest->name, ==, "Acme, Inc.");
  g_assert_cmpfloat_with_epsilon (find_row (rows, "a1")->latest->mrr, 1234.5, 1e-9);
  g_assert_cmpint (find_row (rows, "a1")->latest->api_calls_7d, ==, 12000);
  g_assert_cmpstr (find_row (rows, "a2")->latest->name, ==, "Tab\there");
  g_assert_cmpstr (find_row (rows, "b1")->latest->name, ==, "Beta, Ltd");
  g_assert_cmpfloat_with_epsilon (find_row (rows, "c1")->latest->mrr, 1500.25, 1e-9);

  /* Native field names, semicolons: told from the header too. */
  g_assert_true (import_text (f, "native.csv", "id;name;mrr\nn1;Nu;12.5\n", &stats, &error));
  g_assert_no_error (error);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = portfolio (f);
  g_assert_cmpfloat_with_epsilon (find_row (rows, "n1")->latest->mrr, 12.5, 1e-9);
}

/* Columns for a billing interval, keys from several columns (one of them
 * a JSON array of keys, lower-cased), features as JSON, an id lower-cased. */
static void
test_import_csv_mapping_columns (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(VigilMapping) mapping = load_mapping (
    "{\"fields\": {\"id\": {\"column\": \"Account\", \"lower\": true},"
    " \"keys\": {\"column\": \"Emails\", \"lower\": true}, \"features\": \"Features\","
    " \"mrr\": {\"column\": \"Price\", \"per\": {\"interval\": \"Period\", \"count\": \"Every\"}}},"
    " \"keys\": [\"Domain\"]}");
  g_autofree char *path = test_dir_write (&f->dir, "billing.csv",
    "Account,Price,Period,Every,Domain,Emails,Features\n"
    "ACME,1200,year,1,acme.com,\"[\"\"Ops@ACME.com\"\", \"\"CEO@acme.com\"\"]\",\"{\"\"reports\"\": 3}\"\n"
    "Beta,90,month,3,beta.io,Billing@Beta.io,\"[\"\"sso\"\"]\"\n"
    "Gamma,10,fortnight,1,,,\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  VigilPortfolioRow *row;
  VigilIngestStats stats;

  g_assert_true (import_mapped (f, mapping, path, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 3);
  g_assert_cmpuint (stats.unknown_values, ==, 1);
  g_assert_cmpstr (stats.unusable_example, ==, "field “mrr” in column “Period”: “fortnight” is not a billing "
                   "interval (day, week, month or year)");

  rows = portfolio (f);
  row = find_row (rows, "acme");
  g_assert_cmpfloat_with_epsilon (row->latest->mrr, 100, 1e-9);
  g_assert_cmpuint (g_strv_length (row->keys), ==, 3);
  g_assert_cmpstr (row->keys[0], ==, "acme.com");
  g_assert_cmpstr (row->keys[1], ==, "ceo@acme.com");
  g_assert_cmpstr (row->keys[2], ==, "ops@acme.com");
  g_assert_cmpint (vigil_snapshot_get_features_used (row->latest), ==, 1);
  row = find_row (rows, "beta");
  g_assert_cmpfloat_with_epsilon (row->latest->mrr, 30, 1e-9);
  g_assert_cmpstr (row->keys[1], ==, "billing@beta.io");
  g_assert_true (isnan (find_row (rows, "gamma")->latest->mrr));
}

/* Each kind of mapping reads its own kind of file, and says so. */
static void
test_import_mapping_kinds (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(VigilMapping) csv_mapping = load_mapping ("{\"fields\": {\"id\": \"id\"}}");
  g_autofree char *jsonl = test_dir_write (&f->dir, "a.jsonl", "{\"id\": \"x\"}\n", -1);
  g_autofree char *braces = test_dir_write (&f->dir, "braces.csv", "id\n{x}\n", -1);
  g_autoptr(GFile) file = g_file_new_for_path (jsonl);
  g_autoptr(VigilImporter) importer = vigil_importer_new (f->store);
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  /* Given a CSV mapping, a file is CSV: a first cell with a brace too. */
  g_assert_true (import_mapped (f, csv_mapping, braces, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);

  vigil_importer_set_mapping (importer, csv_mapping);
  vigil_importer_set_format (importer, VIGIL_IMPORT_FORMAT_JSON_LINES);
  g_assert_false (vigil_importer_import_file (importer, file, NULL, &stats, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "the mapping has no “records”, so it names the columns of a CSV "
                            "file, and this file is JSON Lines"));
}

static void
test_import_detect (void)
{
  static const struct { const char *head; VigilImportFormat format; } cases[] = {
    { "{\"customers\": [\n", VIGIL_IMPORT_FORMAT_JSON },
    { "{\n  \"customers\": []\n}", VIGIL_IMPORT_FORMAT_JSON },
    { "{\"customers\": [], \"next\": null}", VIGIL_IMPORT_FORMAT_JSON },
    { "  [ {\"id\": 1} ]", VIGIL_IMPORT_FORMAT_JSON },
    { "{\"id\": 1}\n{\"id\": 2}\n", VIGIL_IMPORT_FORMAT_JSON_LINES },
    { "\xEF\xBB\xBF{\"id\": 1}", VIGIL_IMPORT_FORMAT_JSON_LINES },
    { "id,name\n1,a\n", VIGIL_IMPORT_FORMAT_CSV },
    { "\xEF\xBB\xBFid,name\r\n", VIGIL_IMPORT_FORMAT_CSV },
  };

  /* A first record cut off by the end of the head (a long JSON line). */
  static const char cut[] = "{\"id\": \"a\", \"features\": {\"f1\": 1, \"f2\": 2";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (vigil_importer_detect_format (cases[i].head, strlen (cases[i].head), "x.json"),
                     ==, cases[i].format);

  /* Then the name tells, and without one a document is the guess. */
  g_assert_cmpint (vigil_importer_detect_format (cut, strlen (cut), "big.jsonl"), ==,
                   VIGIL_IMPORT_FORMAT_JSON_LINES);
  g_assert_cmpint (vigil_importer_detect_format (cut, strlen (cut), "big.ndjson"), ==,
                   VIGIL_IMPORT_FORMAT_JSON_LINES);
  g_assert_cmpint (vigil_importer_detect_format (cut, strlen (cut), "big.json"), ==, VIGIL_IMPORT_FORMAT_JSON);

  /* The head is a buffer without a NUL after it: a first line cut off
   * in a number is read within it, never past (a page nothing may read
   * follows it here). */
  {
    static const struct { const char *head; const char *name; VigilImportFormat format; } ends[] = {
      { "{\"id\": \"a\", \"mrr\": 4200", "big.jsonl", VIGIL_IMPORT_FORMAT_JSON_LINES },
      { "{\"id\": 12", "big.json", VIGIL_IMPORT_FORMAT_JSON },
      { "{\"id\": 1}", "x.json", VIGIL_IMPORT_FORMAT_JSON_LINES },
    };

    for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
      {
        GuardedText guarded;
        const char *head = test_guarded_text_init (&guarded, ends[i].head, strlen (ends[i].head));

        g_assert_cmpint (vigil_importer_detect_format (head, strlen (ends[i].head), ends[i].name), ==,
                         ends[i].format);
        test_guarded_text_clear (&guarded);
      }
  }
}

/* Feature names and ids ------------------------------------------------- */

/* The features table as "ID=NAME …" in id order, asked beside the store. */
static char *
feature_names (const char *path)
{
  return test_book_joined (path, "id || '=' || name", "features", "id", " ");
}

/* Each record's features are stored by the ids of the features table,
 * given in the order names are first used: a name given twice in a
 * record keeps its last count, one that holds U+0000 is unusable
 * (design 2.3), and names are the same features in CSV and JSON Lines
 * and across imports. */
static void
test_import_feature_ids (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  VigilIngestStats stats;

  g_assert_true (import_text (f, "a.jsonl",
                              "{\"id\": \"a\", \"features\": {\"x\": 1, \"y\": 2, \"x\": 3}, "
                              "\"observed_at\": \"2026-11-21T12:00:00Z\"}\n"
                              "{\"id\": \"b\", \"features\": {\"bad\\u0000name\": 5, \"y\": 1, "
                              "\"z\": 0, \"x\\u0000y\": 7}, \"observed_at\": \"2026-11-21T12:00:00Z\"}\n",
                              &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 2);
  g_assert_cmpuint (stats.unknown_values, ==, 2);
  g_assert_true (import_text (f, "c.csv",
                              "id,features,observed_at\n"
                              "c,\"{\"\"w\"\": 4, \"\"z\"\": 1, \"\"w\"\": 6}\",2026-11-21T12:00:00Z\n",
                              &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);

  names = feature_names (f->db_path);
  g_assert_cmpstr (names, ==, "1=x 2=y 3=z 4=w");
  a = test_book_text (f->db_path, "SELECT s.features FROM snapshots s JOIN customers c "
                               "ON c.id = s.customer_id WHERE c.external_id = 'a'");
  b = test_book_text (f->db_path, "SELECT s.features FROM snapshots s JOIN customers c "
                               "ON c.id = s.customer_id WHERE c.external_id = 'b'");
  c = test_book_text (f->db_path, "SELECT s.features || ' ' || s.features_used FROM snapshots s "
                               "JOIN customers c ON c.id = s.customer_id WHERE c.external_id = 'c'");
  g_assert_cmpstr (a, ==, "{\"1\":3,\"2\":2}");
  g_assert_cmpstr (b, ==, "{\"2\":1,\"3\":0}");
  g_assert_cmpstr (c, ==, "{\"4\":6,\"3\":1} 2");
}

/* design 7: a native import of JSON Lines or CSV parses in two threads,
 * the helper's chunks taking turns with the caller's, each of as many
 * records as the format's constants say. The first record of each kind
 * of chunk, twice over, and where a record falls. */

/* The formats the tests of the two threads run on: the file's name,
 * its header, its lines before record 1, and the records of a chunk of
 * the helper's and of the caller's. */
typedef struct
{
  const char *file;
  const char *header;
  guint       header_lines;
  guint       helper_lines;
  guint       caller_lines;
} ChunkedFormat;

static const ChunkedFormat chunked_json_lines = {
  "chunks.jsonl", "", 0, VIGIL_IMPORT_JSON_LINES_HELPER_LINES, VIGIL_IMPORT_JSON_LINES_CALLER_LINES
};
static const ChunkedFormat chunked_csv = {
  "chunks.csv", "id,mrr,observed_at,features\n", 1, VIGIL_IMPORT_CSV_HELPER_LINES, VIGIL_IMPORT_CSV_CALLER_LINES
};

#define HELPER_LINES(format) ((format)->helper_lines)
#define CYCLE_LINES(format) ((format)->helper_lines + (format)->caller_lines)

/* The features of record @n (from 1), as a JSON object: "all" in every
 * record; "helper" first in the helper's first chunk; "caller" first in
 * the caller's first chunk, then in the helper's second too; "late"
 * first in the helper's second chunk; "last" first in the caller's
 * second. */
static void
append_chunked_features (GString             *out,
                         const ChunkedFormat *format,
                         guint                n)
{
  g_string_append_printf (out, "{\"all\": %u", n);
  if (n >= 10)
    g_string_append_printf (out, ", \"helper\": 1");
  if (n >= HELPER_LINES (format) + 5 && n != CYCLE_LINES (format) + 3)
    g_string_append_printf (out, ", \"caller\": 2");
  if (n >= CYCLE_LINES (format) + 3)
    g_string_append_printf (out, ", \"late\": 3");
  if (n >= CYCLE_LINES (format) + HELPER_LINES (format) + 1)
    g_string_append_printf (out, ", \"last\": 4");
  g_string_append_c (out, '}');
}

/* Record @n in @format: a line of JSON Lines, or a row of CSV (RFC 4180:
 * the features quoted, their quotes doubled). */
static void
append_chunked_line (GString             *out,
                     const ChunkedFormat *format,
                     guint                n)
{
  g_autoptr(GString) features = g_string_new (NULL);

  append_chunked_features (features, format, n);
  if (format == &chunked_json_lines)
    {
      g_string_append_printf (out, "{\"id\": \"c%u\", \"mrr\": %u, \"observed_at\": %u, \"features\": %s}\n",
                              n % 7, n, 1700000000u + n * 60, features->str);
      return;
    }
  {
    g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (1700000000 + (gint64) n * 60);
    g_autofree char *iso = g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ");
    g_auto(GStrv) parts = g_strsplit (features->str, "\"", -1);
    g_autofree char *quoted = g_strjoinv ("\"\"", parts);

    g_string_append_printf (out, "c%u,%u,%s,\"%s\"\n", n % 7, n, iso, quoted);
  }
}

static char *
features_of_line (Fixture *f,
                  guint    n)
{
  g_autofree char *sql = g_strdup_printf ("SELECT s.features FROM snapshots s JOIN customers c ON "
                                          "c.id = s.customer_id WHERE s.observed_at = %u",
                                          1700000000u + n * 60);

  return test_book_text (f->db_path, sql);
}

/* Every record stored as read, and feature ids given in the order the
 * names are first used in the file, whichever thread read them. */
static void
test_import_two_threads (Fixture       *f,
                         gconstpointer  data)
{
  const ChunkedFormat *format = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (format->header);
  g_autofree char *names = NULL;
  g_autofree char *totals = NULL;
  guint n_lines = 2 * CYCLE_LINES (format) + 100;
  guint64 sum = 0;
  VigilIngestStats stats;
  /* the line, then the features after "all" (whose calls are the line's number) */
  struct { guint line; const char *features; } expected[] = {
    { 1, "" },
    { 10, ",\"2\":1" },
    { HELPER_LINES (format) + 5, ",\"2\":1,\"3\":2" },
    { CYCLE_LINES (format) + 3, ",\"2\":1,\"4\":3" },
    { CYCLE_LINES (format) + 4, ",\"2\":1,\"3\":2,\"4\":3" },
    { CYCLE_LINES (format) + HELPER_LINES (format) + 1, ",\"2\":1,\"3\":2,\"4\":3,\"5\":4" },
    { n_lines, ",\"2\":1,\"3\":2,\"4\":3,\"5\":4" },
  };

  for (guint n = 1; n <= n_lines; n++)
    {
      append_chunked_line (text, format, n);
      sum += n;
    }
  g_assert_true (import_text (f, format->file, text->str, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.records_read, ==, n_lines);
  g_assert_cmpuint (stats.stored, ==, n_lines);

  names = feature_names (f->db_path);
  g_assert_cmpstr (names, ==, "1=all 2=helper 3=caller 4=late 5=last");
  totals = test_book_text (f->db_path, "SELECT count(*) || ' ' || CAST (coalesce (sum (mrr), 0) AS BIGINT) "
                                     "FROM snapshots");
  {
    g_autofree char *want = g_strdup_printf ("%u %" G_GUINT64_FORMAT, n_lines, sum);

    g_assert_cmpstr (totals, ==, want);
  }
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *features = features_of_line (f, expected[i].line);
      g_autofree char *want = g_strdup_printf ("{\"1\":%u%s}", expected[i].line, expected[i].features);

      g_test_message ("line %u: %s", expected[i].line, features);
      g_assert_cmpstr (features, ==, want);
    }
}

/* The error names the first line at fault in the file, whichever
 * thread parsed it and whichever finished first; blank lines count (CSV
 * skips them, JSON Lines too), and so do the lines inside a quoted CSV
 * field; nothing is stored. */
static void
test_import_two_threads_errors (Fixture       *f,
                                gconstpointer  data)
{
  const ChunkedFormat *format = data;
  struct { guint bad[2]; guint blank; guint named; } cases[] = {
    /* the caller's chunk */
    { { HELPER_LINES (format) + 52, 0 }, 0, HELPER_LINES (format) + 52 },
    /* the helper's, before the caller's */
    { { HELPER_LINES (format) - 20, HELPER_LINES (format) + 52 }, 0, HELPER_LINES (format) - 20 },
    /* the caller's, before the helper's next */
    { { HELPER_LINES (format) + 52, CYCLE_LINES (format) + 100 }, 0, HELPER_LINES (format) + 52 },
    /* the helper's second, before the caller's second */
    { { CYCLE_LINES (format) + 10, CYCLE_LINES (format) + HELPER_LINES (format) + 10 }, 0, CYCLE_LINES (format) + 10 },
    /* a blank line before it */
    { { CYCLE_LINES (format) - 5, 0 }, 40, CYCLE_LINES (format) - 4 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) text = g_string_new (format->header);
      g_autofree char *want = NULL;
      guint named = cases[c].named + format->header_lines;
      VigilIngestStats stats;

      for (guint n = 1; n <= 2 * CYCLE_LINES (format) + 100; n++)
        {
          if (n == cases[c].blank)
            g_string_append (text, format == &chunked_csv ? "\n" : "   \n");
          if (n == cases[c].bad[0] || n == cases[c].bad[1])
            g_string_append_printf (text, format == &chunked_csv ? "c%u,1\n" : "{\"id\": \"c%u\", \"mrr\": }\n", n);
          else
            append_chunked_line (text, format, n);
        }
      want = g_strdup_printf (format == &chunked_csv ? "line %u: 2 fields, but the header has 4" : "line %u, ",
                              named);
      g_assert_false (import_text (f, format->file, text->str, &stats, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, want));
      g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 0);
    }
}

/* CSV rows keep their lines when a quoted field spans several: the
 * error after such rows, in either thread's chunk, names its line. */
static void
test_import_csv_two_threads_quoted_lines (Fixture       *f,
                                          gconstpointer  data)
{
  const ChunkedFormat *format = &chunked_csv;
  guint bads[] = { HELPER_LINES (format) - 20, HELPER_LINES (format) + 52, CYCLE_LINES (format) + 10 };

  for (guint c = 0; c < G_N_ELEMENTS (bads); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) text = g_string_new (chunked_csv.header);
      g_autofree char *want = NULL;
      VigilIngestStats stats;
      guint line = 1;

      for (guint n = 1; n <= 2 * CYCLE_LINES (format) + 100; n++)
        {
          line++;
          if (n == bads[c])
            {
              g_string_append_printf (text, "c%u,1\n", n);
              want = g_strdup_printf ("line %u: 2 fields, but the header has 4", line);
            }
          else if (n % 3 == 0)
            {
              /* the features' JSON over two lines, inside the quotes */
              g_string_append_printf (text, "c%u,%u,2026-11-01T00:00:%02uZ,\"{\"\"all\"\":\n%u}\"\n",
                                      n % 7, n, n % 60, n);
              line++;
            }
          else
            append_chunked_line (text, &chunked_csv, n);
        }
      g_assert_false (import_text (f, chunked_csv.file, text->str, &stats, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, want));
      g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 0);
    }
}

/* Another Vigil may add feature names after this store was opened: an
 * import gives new names the ids after those, and uses theirs. */
static void
test_import_feature_ids_elsewhere (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *d = NULL;
  VigilIngestStats stats;

  {
    g_autoptr(VigilStore) other = vigil_store_open (f->db_path, &error);
    g_autoptr(VigilImporter) importer = NULL;
    g_autofree char *path = test_dir_write (&f->dir, "other.jsonl",
                                            "{\"id\": \"o\", \"features\": [\"p\", \"q\"]}\n", -1);
    g_autoptr(GFile) file = g_file_new_for_path (path);

    g_assert_no_error (error);
    importer = vigil_importer_new (other);
    g_assert_true (vigil_importer_import_file (importer, file, NULL, &stats, &error));
    g_assert_no_error (error);
  }

  g_assert_true (import_text (f, "d.jsonl",
                              "{\"id\": \"d\", \"features\": {\"r\": 1, \"q\": 2}, "
                              "\"observed_at\": \"2026-11-21T12:00:00Z\"}\n", &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.stored, ==, 1);
  names = feature_names (f->db_path);
  g_assert_cmpstr (names, ==, "1=p 2=q 3=r");
  d = test_book_text (f->db_path, "SELECT s.features FROM snapshots s JOIN customers c "
                               "ON c.id = s.customer_id WHERE c.external_id = 'd'");
  g_assert_cmpstr (d, ==, "{\"3\":1,\"2\":2}");
}

/* Bulk imports (design 2.5) --------------------------------------------- */

/* The journal mode of the file, asked of a connection of its own that is
 * closed again at once (an open one keeps a bulk import from starting). */
static char *
journal_mode (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *mode;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return mode;
}

static gboolean
companion_exists (const char *db_path,
                  const char *suffix)
{
  g_autofree char *path = g_strconcat (db_path, suffix, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
add_record (VigilIngest *ingest,
            const char  *id,
            gint64       observed_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();

  snapshot->customer_id = g_strdup (id);
  snapshot->mrr = 100;
  snapshot->observed_at = observed_at;
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_no_error (error);
}

/* An import into a database without history is written through the
 * rollback journal, not the write-ahead log: while it runs the journal
 * exists and the log does not; once committed the file is in WAL mode
 * again, without a journal left behind. */
static void
test_import_bulk_journal (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin_bulk (f->store, "crm", 1764000000, &error);
  g_autofree char *mode = NULL;

  g_assert_no_error (error);
  g_assert_true (vigil_ingest_is_bulk (ingest));
  g_assert_true (vigil_ingest_get_stats (ingest)->bulk);
  add_record (ingest, "acme", 1764000000);
  /* The source row is written already: its page is in the journal. */
  g_assert_true (companion_exists (f->db_path, "-journal"));
  g_assert_false (companion_exists (f->db_path, "-wal"));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

  g_assert_false (companion_exists (f->db_path, "-journal"));
  mode = journal_mode (f->db_path);
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (vigil_store_count_snapshots (f->store, &error), ==, 1);
  g_assert_no_error (error);
}

/* Only into an empty history: once anything is stored, an import goes
 * through the log, and no journal is ever written. So does one while
 * another connection has the file open (the window, another import),
 * which SQLite would not let leave the log anyway. */
static void
test_import_bulk_only_when_empty (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VigilIngestStats stats;

  g_assert_true (import_text (f, "first.csv", csv_text, &stats, &error));
  g_assert_no_error (error);
  g_assert_true (stats.bulk);
  g_assert_cmpuint (stats.stored, ==, 4);

  {
    g_autoptr(VigilIngest) ingest = vigil_ingest_begin_bulk (f->store, "crm", 1764000000, &error);

    g_assert_no_error (error);
    g_assert_false (vigil_ingest_is_bulk (ingest));
    add_record (ingest, "acme", 1764000000);
    g_assert_false (companion_exists (f->db_path, "-journal"));
    g_assert_true (vigil_ingest_commit (ingest, &error));
    g_assert_no_error (error);
  }
  g_assert_true (import_text (f, "second.csv", "id,mrr,observed_at\nnew,5,2026-11-22T12:00:00Z\n",
                              &stats, &error));
  g_assert_no_error (error);
  g_assert_false (stats.bulk);
  g_assert_cmpuint (stats.stored, ==, 1);
}

static void
test_import_bulk_other_connection (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) window = vigil_store_open (f->db_path, &error);
  g_autofree char *mode = NULL;
  VigilIngestStats stats;

  g_assert_no_error (error);
  g_assert_true (import_text (f, "first.csv", csv_text, &stats, &error));
  g_assert_no_error (error);
  g_assert_false (stats.bulk);
  g_assert_cmpuint (stats.stored, ==, 4);
  g_assert_cmpint (vigil_store_count_snapshots (window, &error), ==, 4);
  g_assert_no_error (error);
  g_clear_object (&window);
  mode = journal_mode (f->db_path);
  g_assert_cmpstr (mode, ==, "wal");
}

/* A bulk import that fails rolls back like any other: nothing stored,
 * no journal left, the file in WAL mode, and the next import works. */
static void
test_import_bulk_failed (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("id,mrr,observed_at\n");
  g_autofree char *mode = NULL;
  VigilIngestStats stats;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (text, "c%u,%u,2026-11-21T12:00:00Z\n", i, i);
  g_string_append (text, "bad,\"unterminated\n");
  g_assert_false (import_text (f, "bad.csv", text->str, &stats, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_cmpint (vigil_store_count_snapshots (f->store, &error), ==, 0);
  g_assert_cmpint (vigil_store_count_customers (f->store, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_false (companion_exists (f->db_path, "-journal"));
  mode = journal_mode (f->db_path);
  g_assert_cmpstr (mode, ==, "wal");

  g_assert_true (import_text (f, "good.csv", csv_text, &stats, &error));
  g_assert_no_error (error);
  g_assert_true (stats.bulk);
  g_assert_cmpuint (stats.stored, ==, 4);
}

/* What a query on the file says, its rows' first columns joined by
 * spaces, asked of a connection of its own. */
static char *
query_text (const char *path,
            const char *sql)
{
  g_autoptr(GString) text = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "",
                            sqlite3_column_type (stmt, 0) == SQLITE_NULL ? "NULL"
                            : (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* design 2.5: a bulk import's merge writes without SQLite's check of
 * each row's customer, and turns it on again, whatever happened: the
 * rows it wrote have their accounts, and removing @source with its
 * history takes its snapshots with its accounts (ON DELETE CASCADE,
 * which SQLite does only while it checks references). */
static void
assert_references_checked (Fixture    *f,
                           const char *source)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *orphans = query_text (f->db_path, "PRAGMA foreign_key_check");
  g_autofree char *left = NULL;

  g_assert_cmpstr (orphans, ==, "");
  g_assert_cmpstr ((left = query_text (f->db_path, "SELECT count(*) > 0 FROM snapshots")), ==, "1");
  g_clear_pointer (&left, g_free);
  g_assert_true (vigil_store_remove_source (f->store, source, TRUE, &error));
  g_assert_no_error (error);
  left = query_text (f->db_path, "SELECT count(*) FROM snapshots");
  g_assert_cmpstr (left, ==, "0");
}

/* A history that comes day by day, as a file would: each day a row of
 * every customer, c0 to c(@n_customers - 1). */
static void
add_day_by_day (VigilIngest *ingest,
                guint        n_customers,
                guint        n_days,
                gint64       t0)
{
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GError) error = NULL;

  for (guint day = 0; day < n_days; day++)
    for (guint c = 0; c < n_customers; c++)
      {
        vigil_snapshot_clear (snapshot);
        snapshot->customer_id = g_strdup_printf ("c%u", c);
        snapshot->observed_at = t0 + day * 86400;
        snapshot->mrr = c;
        snapshot->api_calls_7d = day;
        snapshot->seats = 10;
        snapshot->seats_used = day % 10;
        vigil_snapshot_add_feature (snapshot, day % 2 ? "odd" : "even", c);
        g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
        g_assert_no_error (error);
      }
}

/* design 2.5, 7: a bulk import whose merge has one of its writes of the
 * database fail (made by the write-behind's thread) fails, and leaves the
 * book as it was, whole: no history, no account, no journal; the next
 * import works. Had the failure not been told, the import would have
 * committed without that page. */
static void
test_import_bulk_merge_write_fails (Fixture       *f,
                                    gconstpointer  data)
{
  const guint n_customers = 1000;
  const guint n_days = VIGIL_INGEST_BATCH_ROWS / n_customers + 20;
  const gint64 t0 = 1764000000;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin_bulk (f->store, "crm", t0, &error);
  g_autofree char *check = NULL;
  VigilIngestStats stats;
  gboolean committed;

  g_assert_no_error (error);
  g_assert_true (vigil_ingest_is_bulk (ingest));
  add_day_by_day (ingest, n_customers, n_days, t0);
  test_fail_writes_begin ("vigil-write", 50);
  committed = vigil_ingest_commit (ingest, &error);
  g_assert_true (test_fail_writes_end ());
  g_assert_false (committed);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_clear_object (&ingest);

  g_assert_cmpint (vigil_store_count_snapshots (f->store, &error), ==, 0);
  g_assert_cmpint (vigil_store_count_customers (f->store, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_false (companion_exists (f->db_path, "-journal"));
  check = query_text (f->db_path, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");

  g_assert_true (import_text (f, "good.csv", csv_text, &stats, &error));
  g_assert_no_error (error);
  g_assert_true (stats.bulk);
  g_assert_cmpuint (stats.stored, ==, 4);
  assert_references_checked (f, VIGIL_IMPORTER_DEFAULT_SOURCE);
}

/* design 7: a bulk import of a history that comes day by day, more rows
 * than a batch, writes it in key order once the records are read: the
 * snapshots' pages follow one another in the file, each written once,
 * instead of every batch coming back to each customer's page. Every row
 * is stored and scored, and a record that repeats a customer and time
 * batches apart is combined with the first as ever (design 2.5). */
static void
test_import_bulk_key_order (Fixture       *f,
                            gconstpointer  data)
{
  const guint n_customers = 1000;
  const guint n_days = VIGIL_INGEST_BATCH_ROWS / n_customers + 40;
  const gint64 t0 = 1764000000;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin_bulk (f->store, "crm", t0, &error);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  const VigilIngestStats *stats;
  g_autofree char *counts = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *repeated = NULL;
  g_autofree char *leaves = NULL;
  g_autofree char *in_order = NULL;

  g_assert_no_error (error);
  g_assert_true (vigil_ingest_is_bulk (ingest));
  add_day_by_day (ingest, n_customers, n_days, t0);
  /* c7 on day 3 again, batches later: its fields over the first's */
  vigil_snapshot_clear (snapshot);
  snapshot->customer_id = g_strdup ("c7");
  snapshot->observed_at = t0 + 3 * 86400;
  snapshot->api_calls_7d = 999999;
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

  stats = vigil_ingest_get_stats (ingest);
  g_assert_cmpuint (stats->stored, ==, n_customers * n_days);
  g_assert_cmpuint (stats->repeated, ==, 1);
  counts = query_text (f->db_path, "SELECT (SELECT count(*) FROM snapshots) || ' ' || (SELECT count(*) FROM scores "
                                   "WHERE health IS NOT NULL)");
  expected = g_strdup_printf ("%u %u", n_customers * n_days, n_customers * n_days);
  g_assert_cmpstr (counts, ==, expected);
  repeated = query_text (f->db_path, "SELECT s.api_calls_7d || ' ' || s.mrr FROM snapshots s "
                                     "JOIN records r ON r.customer_id = s.customer_id "
                                     "WHERE r.external_id = 'c7' AND s.observed_at = 1764259200");
  g_assert_cmpstr (repeated, ==, "999999 7.0");

  /* Leaves in key order, and how many lie further on in the file than
   * the one before: all but the odd one when written in key order (the
   * scores' pages are written alongside), far fewer when each batch
   * comes back to every customer's page. */
  leaves = query_text (f->db_path, "SELECT count(*) FROM dbstat WHERE name = 'snapshots' AND pagetype = 'leaf'");
  in_order = query_text (f->db_path, "WITH l AS (SELECT pageno, lag (pageno) OVER (ORDER BY path) AS before "
                                     " FROM dbstat WHERE name = 'snapshots' AND pagetype = 'leaf') "
                                     "SELECT count(*) FROM l WHERE pageno > before");
  g_test_message ("%s of %s leaves further on than the one before", in_order, leaves);
  g_assert_cmpint (g_ascii_strtoll (in_order, NULL, 10) * 100, >=, g_ascii_strtoll (leaves, NULL, 10) * 99);

  assert_references_checked (f, "crm");
}

/* Values that reach the ends of what a file can give each field (a
 * count up to 10^15, a time or a day of the years 1 to 9999), and each
 * field unknown in turn, for add_extreme_rows (). */
static const gint64 extreme_counts[] = {
  VIGIL_UNKNOWN, 0, 1, 63, 64, 127, 128, 300, 16383, 16384, G_GINT64_CONSTANT (34359738368),
  G_GINT64_CONSTANT (1000000000000000),
};
static const gint64 extreme_times[] = {
  VIGIL_UNKNOWN, G_GINT64_CONSTANT (-62135596800), G_GINT64_CONSTANT (253402300799), 0,
};
static const gint32 extreme_days[] = { VIGIL_UNKNOWN_DAY, 0, -1, 20500, -719162, 2932896 };
static const double extreme_amounts[] = { NAN, 0.0, -0.0, 1e300, -5.5, 0.1 };

static void
add_extreme_rows (VigilIngest *ingest,
                  gint64       t0)
{
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3 * G_N_ELEMENTS (extreme_counts); i++)
    {
      guint n = G_N_ELEMENTS (extreme_counts);

      vigil_snapshot_clear (snapshot);
      /* a few accounts, each its rows far apart in time, back and forth */
      snapshot->customer_id = g_strdup_printf ("x%u", i % 5);
      snapshot->observed_at = t0 + (i % 2 ? 1 : -1) * (gint64) i * 86400 * 400;
      snapshot->last_active = i % 5 == 4 ? snapshot->observed_at - 60
                              : extreme_times[i % G_N_ELEMENTS (extreme_times)];
      snapshot->mrr = extreme_amounts[i % G_N_ELEMENTS (extreme_amounts)];
      snapshot->seats = extreme_counts[i % n];
      snapshot->seats_used = extreme_counts[(i + 1) % n];
      snapshot->api_calls_7d = extreme_counts[(i + 2) % n];
      snapshot->features_used = extreme_counts[(i + 3) % n];
      snapshot->open_tickets = extreme_counts[(i + 4) % n];
      snapshot->nps = i % 12 == 11 ? VIGIL_UNKNOWN : (gint64) (i % 11);
      snapshot->renewal_day = extreme_days[i % G_N_ELEMENTS (extreme_days)];
      snapshot->plan = i % 3 == 0 ? NULL : g_strdup (i % 3 == 1 ? "growth" : "enterprise");
      if (i % 2 == 0)
        vigil_snapshot_add_feature (snapshot, "reports", (gint64) i * 1000);
      g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
      g_assert_no_error (error);
    }
}

/* Every column of every snapshot and score of the book at @path, by
 * record and time. */
static char *
dump_history (const char *path)
{
  return query_text (path, "SELECT r.external_id || '|' || s.observed_at || '|' || quote (s.last_active) "
                           " || '|' || quote (s.mrr) || '|' || quote (s.seats) || '|' || quote (s.seats_used) "
                           " || '|' || quote (s.api_calls_7d) || '|' || quote (s.features_used) "
                           " || '|' || quote (s.open_tickets) || '|' || quote (s.nps) "
                           " || '|' || quote (s.renewal_date) || '|' || quote (s.plan) || '|' || quote (s.features) "
                           " || '|' || quote (c.version) || '|' || quote (c.health) || '|' || quote (c.tier) "
                           "FROM snapshots s JOIN records r ON r.customer_id = s.customer_id "
                           "LEFT JOIN scores c ON c.customer_id = s.customer_id AND c.observed_at = s.observed_at "
                           "ORDER BY r.external_id, s.observed_at");
}

/* design 7: a bulk import's rows go through its spool, each encoded in
 * a few bytes, and come back as they went: the book is the same as one
 * written batch by batch, with values at the ends of what each field
 * holds, unknown ones, and times far apart, before and after. */
static void
test_import_bulk_spooled_values (Fixture       *f,
                                 gconstpointer  data)
{
  const gint64 t0 = 1764000000;
  g_autofree char *direct_path = vigil_test_book_location (&f->dir, "direct.db");
  g_autoptr(VigilStore) direct_store = vigil_store_open (direct_path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) bulk = vigil_ingest_begin_bulk (f->store, "crm", t0, &error);
  g_autoptr(VigilIngest) direct = vigil_ingest_begin (direct_store, "crm", t0, &error);
  g_autofree char *spooled = NULL;
  g_autofree char *written = NULL;

  g_assert_no_error (error);
  g_assert_true (vigil_ingest_is_bulk (bulk));
  g_assert_false (vigil_ingest_is_bulk (direct));
  add_extreme_rows (bulk, t0);
  add_extreme_rows (direct, t0);
  g_assert_true (vigil_ingest_commit (bulk, &error));
  g_assert_true (vigil_ingest_commit (direct, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vigil_ingest_get_stats (bulk)->stored, ==, 3 * G_N_ELEMENTS (extreme_counts));

  spooled = dump_history (f->db_path);
  written = dump_history (direct_path);
  g_test_message ("%s", spooled);
  g_assert_cmpstr (spooled, ==, written);
}

/* The account a record's rows went to, which record is its main one,
 * and how many snapshots and raw observations it has. */
static char *
describe_account (const char *db_path,
                  const char *external_id)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT (SELECT m.external_id FROM records m WHERE m.id = c.main_record) "
    " || ' ' || (SELECT group_concat (o.external_id) FROM (SELECT external_id FROM records "
    "   WHERE customer_id = c.id ORDER BY external_id) o) "
    " || ' ' || (SELECT count(*) FROM snapshots s WHERE s.customer_id = c.id) "
    " || ' ' || (SELECT count(*) FROM observations b JOIN records x ON x.id = b.record_id "
    "   WHERE x.customer_id = c.id) "
    "FROM customers c JOIN records r ON r.customer_id = c.id WHERE r.external_id = '%s'", external_id);

  return query_text (db_path, sql);
}

static void
add_record_with_key (VigilIngest *ingest,
                     const char  *id,
                     gint64       observed_at,
                     const char  *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();

  snapshot->customer_id = g_strdup (id);
  snapshot->mrr = 100;
  snapshot->observed_at = observed_at;
  if (key != NULL)
    {
      snapshot->keys = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (snapshot->keys, g_strdup (key));
    }
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_no_error (error);
}

/* design 2.6 and 7: a record with keys joins an account by the history
 * the account has stored, so a bulk import stores the rows it has
 * gathered in order before a record with keys is resolved: "b", one
 * row, joins "a", five, as one more record, whether the import is
 * bulk or not. (The keys of "a" are stored once the first generation of
 * customers is: after more than the ingest gathers at once.) */
static void
import_keys_after_many (VigilStore *store,
                        gboolean    bulk)
{
  const gint64 t0 = 1764000000;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = bulk ? vigil_ingest_begin_bulk (store, "crm", t0, &error)
                                       : vigil_ingest_begin (store, "crm", t0, &error);

  g_assert_no_error (error);
  g_assert_true (vigil_ingest_is_bulk (ingest) == bulk);
  for (guint day = 0; day < 5; day++)
    add_record_with_key (ingest, "a", t0 + day * 86400, day == 4 ? "ops@a.example" : NULL);
  for (guint i = 0; i < VIGIL_INGEST_MAX_CUSTOMER_STATES; i++)
    {
      g_autofree char *id = g_strdup_printf ("filler-%u", i);

      add_record_with_key (ingest, id, t0, NULL);
    }
  add_record_with_key (ingest, "b", t0 + 10 * 86400, "ops@a.example");
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
}

static void
test_import_bulk_keys_after_spool (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = test_dir_file (&f->dir, "other.db");
  g_autoptr(VigilStore) other = vigil_store_open (other_path, &error);
  g_autofree char *bulk_a = NULL;
  g_autofree char *bulk_b = NULL;
  g_autofree char *direct_a = NULL;

  g_assert_no_error (error);
  import_keys_after_many (f->store, TRUE);
  import_keys_after_many (other, FALSE);

  bulk_a = describe_account (f->db_path, "a");
  bulk_b = describe_account (f->db_path, "b");
  direct_a = describe_account (other_path, "a");
  g_test_message ("bulk: %s; not bulk: %s", bulk_a, direct_a);
  g_assert_cmpstr (direct_a, ==, bulk_a);
  g_assert_cmpstr (bulk_b, ==, bulk_a);
}

/* design 2.5, 2.6 and 7: a database without history may hold an account
 * of two linked records ("a" and "b", added and linked before any
 * snapshot). A bulk import's rows of them are observations of that
 * account, whose history is rebuilt from them: the rows spooled before
 * are stored first, and from there the import goes on batch by batch,
 * to the same account as an import through the log. The rows of "a"
 * and "b" come after more than a batch of others, which are spooled. */
static void
import_linked_after_batch (VigilStore *store,
                           gboolean    bulk)
{
  const gint64 t0 = 1764000000;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  gint64 source_id = vigil_store_ensure_source (store, "crm", &error);

  g_assert_no_error (error);
  g_assert_cmpint (vigil_store_ensure_customer (store, source_id, "a", &error), >, 0);
  g_assert_cmpint (vigil_store_ensure_customer (store, source_id, "b", &error), >, 0);
  g_assert_true (vigil_store_link_records (store, "crm", "a", "crm", "b", NULL, &error));
  g_assert_no_error (error);

  ingest = bulk ? vigil_ingest_begin_bulk (store, "crm", t0, &error) : vigil_ingest_begin (store, "crm", t0, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_ingest_is_bulk (ingest) == bulk);
  for (guint i = 0; i < VIGIL_INGEST_BATCH_ROWS + 10; i++)
    {
      g_autofree char *id = g_strdup_printf ("filler-%u", i % 1000);

      add_record_with_key (ingest, id, t0 + (i / 1000) * 86400, NULL);
    }
  for (guint day = 0; day < 4; day++)
    {
      add_record_with_key (ingest, "a", t0 + day * 86400, NULL);
      add_record_with_key (ingest, "b", t0 + day * 86400 + 3600, NULL);
    }
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
}

static void
test_import_bulk_linked_records (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = test_dir_file (&f->dir, "other.db");
  g_autoptr(VigilStore) other = vigil_store_open (other_path, &error);
  g_autofree char *bulk_a = NULL;
  g_autofree char *direct_a = NULL;
  g_autofree char *bulk_fillers = NULL;
  const char *history_sql = "SELECT group_concat (s.observed_at || ':' || s.mrr || ':' || k.health, ',') FROM "
                            "(SELECT * FROM snapshots ORDER BY customer_id, observed_at) s "
                            "JOIN scores k USING (customer_id, observed_at) JOIN records r ON r.customer_id = s.customer_id "
                            "WHERE r.external_id = 'a'";
  g_autofree char *bulk_history = NULL;
  g_autofree char *direct_history = NULL;

  g_assert_no_error (error);
  import_linked_after_batch (f->store, TRUE);
  import_linked_after_batch (other, FALSE);

  bulk_a = describe_account (f->db_path, "a");
  direct_a = describe_account (other_path, "a");
  g_test_message ("bulk: %s; not bulk: %s", bulk_a, direct_a);
  g_assert_cmpstr (bulk_a, ==, direct_a);
  /* one account of both records: 8 snapshots, the 4 rows of "b" kept raw */
  g_assert_true (g_str_has_suffix (bulk_a, " a,b 8 4"));
  bulk_history = query_text (f->db_path, history_sql);
  direct_history = query_text (other_path, history_sql);
  g_assert_cmpstr (bulk_history, ==, direct_history);
  bulk_fillers = query_text (f->db_path, "SELECT count(*) FROM snapshots s JOIN records r "
                                         "ON r.customer_id = s.customer_id WHERE r.external_id LIKE 'filler-%'");
  {
    g_autofree char *all_fillers = g_strdup_printf ("%u", VIGIL_INGEST_BATCH_ROWS + 10);

    g_assert_cmpstr (bulk_fillers, ==, all_fillers);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/import/native-json", test_import_native_json);
  ADD ("/core/import/bare-array", test_import_bare_array);
  ADD ("/core/import/csv", test_import_csv);
  ADD ("/core/import/json-lines", test_import_json_lines);
  ADD ("/core/import/twice", test_import_twice);
  ADD ("/core/import/bad-files", test_import_bad_file);
  ADD ("/core/import/missing-file", test_import_missing_file);
  ADD ("/core/import/source", test_import_source);
  ADD ("/core/import/with-mapping", test_import_with_mapping);
  ADD ("/core/import/keys", test_import_keys);
  ADD ("/core/import/mapping-keys", test_import_mapping_keys);
  ADD ("/core/import/csv-mapping", test_import_csv_mapping);
  ADD ("/core/import/csv-mapping-missing-column", test_import_csv_mapping_missing_column);
  ADD ("/core/import/csv-delimiters", test_import_csv_delimiters);
  ADD ("/core/import/csv-mapping-columns", test_import_csv_mapping_columns);
  ADD ("/core/import/mapping-kinds", test_import_mapping_kinds);
  ADD ("/core/import/feature-ids", test_import_feature_ids);
  ADD ("/core/import/feature-ids-elsewhere", test_import_feature_ids_elsewhere);
#define ADD_FOR(path, data, func) g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD_FOR ("/core/import/json-lines/two-threads", &chunked_json_lines, test_import_two_threads);
  ADD_FOR ("/core/import/json-lines/two-threads-errors", &chunked_json_lines, test_import_two_threads_errors);
  ADD_FOR ("/core/import/csv/two-threads", &chunked_csv, test_import_two_threads);
  ADD_FOR ("/core/import/csv/two-threads-errors", &chunked_csv, test_import_two_threads_errors);
  ADD ("/core/import/csv/two-threads-quoted-lines", test_import_csv_two_threads_quoted_lines);
  /* SQLite's bulk import into a file (design 2.5): a team's book has none. */
  if (!vigil_test_on_postgresql ())
    {
      ADD ("/core/import/bulk/journal", test_import_bulk_journal);
      ADD ("/core/import/bulk/only-when-empty", test_import_bulk_only_when_empty);
      ADD ("/core/import/bulk/other-connection", test_import_bulk_other_connection);
      ADD ("/core/import/bulk/failed", test_import_bulk_failed);
      ADD ("/core/import/bulk/key-order", test_import_bulk_key_order);
      ADD ("/core/import/bulk/keys-after-spool", test_import_bulk_keys_after_spool);
      ADD ("/core/import/bulk/linked-records", test_import_bulk_linked_records);
      ADD ("/core/import/bulk/merge-write-fails", test_import_bulk_merge_write_fails);
      ADD ("/core/import/bulk/spooled-values", test_import_bulk_spooled_values);
    }
#undef ADD
  g_test_add_func ("/core/import/detect", test_import_detect);

  return g_test_run ();
}
