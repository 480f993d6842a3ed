/* test-cli.c: the `vigil` commands end to end, on temporary databases
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "vigil-json-private.h"
#include "vigil-test-book.h"
#include "vigil-test-churn.h"

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs vigil with @envp (NULL: inherit) and the NULL-terminated args. */
static void
run_vigil_env (Run         *run,
               const char **envp,
               ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) g_getenv ("VIGIL_BINARY"));
  va_start (ap, envp);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_subprocess_launcher_unsetenv (launcher, "VIGIL_DB");
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; envp != NULL && envp[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, envp[i], envp[i + 1], TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  /* Killed by a signal: 128 + its number, as a shell says it. */
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                     : 128 + g_subprocess_get_term_sig (process);
}

#define run_vigil(run, ...) run_vigil_env (run, NULL, __VA_ARGS__, NULL)

static const char history_csv[] =
  "id,name,owner,segment,plan,mrr,seats,seats_used,last_active,api_calls_7d,features,observed_at\n"
  "acme,Acme Corp,Dana Park,EMEA,enterprise,4200,50,47,2026-11-20T12:00:00Z,2500,\"{\"\"a\"\":1,\"\"b\"\":2}\",2026-11-20T12:00:00Z\n"
  "acme,Acme Corp,Dana Park,EMEA,enterprise,4200,50,48,2026-11-21T12:00:00Z,5000,\"{\"\"a\"\":1,\"\"b\"\":2,\"\"c\"\":3,\"\"d\"\":4}\",2026-11-21T12:00:00Z\n"
  "globex,Globex 环球,Noa Levi,APAC,growth,900.5,10,2,2026-11-18T12:00:00Z,100,,2026-11-21T12:00:00Z\n"
  "initech,\"<b>Initech</b>, Inc\",Dana Park,NA,starter,,,,2026-11-21T00:00:00Z,5000,\"[\"\"a\"\",\"\"b\"\",\"\"c\"\",\"\"d\"\",\"\"e\"\",\"\"f\"\",\"\"g\"\",\"\"h\"\"]\",2026-11-21T12:00:00Z\n";

typedef struct
{
  TestDir  dir;
  char    *db;
  char    *csv;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(Run) run = { 0 };

  test_dir_init (&f->dir);
  f->db = vigil_test_book_location (&f->dir, "vigil.db");
  f->csv = test_dir_write (&f->dir, "history.csv", history_csv, -1);

  run_vigil (&run, "--db", f->db, "import", f->csv);
  g_assert_cmpint (run.status, ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->db);
  g_free (f->csv);
  test_dir_clear (&f->dir);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
find_customer (JsonArray  *array,
               const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, "id"), id) == 0)
        return object;
    }
  g_assert_not_reached ();
}

static void
test_cli_version_help (void)
{
  g_auto(Run) version = { 0 };
  g_auto(Run) help = { 0 };
  g_auto(Run) import_help = { 0 };
  g_auto(Run) scores_help = { 0 };

  run_vigil (&version, "--version");
  g_assert_cmpint (version.status, ==, 0);
  g_assert_cmpstr (version.out, ==, "vigil " PACKAGE_VERSION "\n");

  run_vigil (&help, "--help");
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "import FILE"));
  g_assert_nonnull (strstr (help.out, "history ID"));

  run_vigil (&import_help, "import", "--help");
  g_assert_cmpint (import_help.status, ==, 0);
  g_assert_nonnull (strstr (import_help.out, "--source"));
  g_assert_nonnull (strstr (import_help.out, "--db"));

  run_vigil (&scores_help, "scores", "--help");
  g_assert_cmpint (scores_help.status, ==, 0);
  g_assert_nonnull (strstr (scores_help.out, "--tier"));

  for (guint i = 0; i < 3; i++)
    {
      const char *command = (const char *[]) { "import", "scores", "history" }[i];
      g_auto(Run) command_version = { 0 };

      run_vigil (&command_version, command, "--version");
      g_assert_cmpint (command_version.status, ==, 0);
      g_assert_cmpstr (command_version.out, ==, "vigil " PACKAGE_VERSION "\n");
    }
}

static void
test_cli_usage_errors (void)
{
  const char *cases[][4] = {
    { "frobnicate", NULL },
    { "scores", "--format", "xml", NULL },
    { "scores", "--tier", "purple", NULL },
    { "scores", "--sort", "shoe-size", NULL },
    { "scores", "--bogus", NULL },
    { "import", NULL },
    { "history", NULL },
    { "--db", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      run_vigil (&run, cases[i][0], cases[i][1], cases[i][2], cases[i][3]);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_true (g_str_has_prefix (run.err, "vigil: "));
      g_assert_cmpstr (run.out, ==, "");
    }
}

static void
test_cli_import_summary (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_autofree char *csv = NULL;
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  csv = test_dir_write (&dir, "history.csv", history_csv, -1);

  run_vigil (&first, "import", csv, "--db", db);
  g_assert_cmpint (first.status, ==, 0);
  g_assert_nonnull (strstr (first.out, "4 records read"));
  g_assert_nonnull (strstr (first.out, "4 snapshots stored and scored"));
  g_assert_nonnull (strstr (first.out, "0 already stored before"));

  /* VIGIL_DB names the database as well as --db does. */
  run_vigil_env (&second, (const char *[]) { "VIGIL_DB", db, NULL }, "import", csv, NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_assert_nonnull (strstr (second.out, "0 snapshots stored"));
  g_assert_nonnull (strstr (second.out, "4 already stored before"));

  test_dir_clear (&dir);
}

/* A JSON document whose last byte is a digit, the file a whole number
 * of pages (so that nothing follows it in memory once mapped): a clear
 * error naming where, never a read past its end. */
static void
test_cli_import_page_sized (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  long page = sysconf (_SC_PAGESIZE);

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  for (guint pages = 16; pages <= 256; pages *= 4)
    {
      gsize size = (gsize) page * pages;
      g_autofree char *text = g_malloc (size);
      g_autofree char *path = NULL;
      g_autofree char *position = g_strdup_printf ("line 1, column %" G_GSIZE_FORMAT ": expected “,” or “]”",
                                                   size + 1);
      g_auto(Run) run = { 0 };

      /* "[", spaces, "1": not JSON, as the array is never closed. */
      memset (text, ' ', size);
      text[0] = '[';
      text[size - 1] = '1';
      path = test_dir_write (&dir, "page.json", text, (gssize) size);
      run_vigil (&run, "--db", db, "import", path);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_nonnull (strstr (run.err, "nothing was stored"));
      g_assert_nonnull (strstr (run.err, position));
    }
  test_dir_clear (&dir);
}

static void
test_cli_import_failure (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *bad = test_dir_write (&f->dir, "bad.jsonl",
                                         "{\"id\": \"new1\", \"observed_at\": \"2026-11-22\"}\n{\"id\": \n", -1);
  g_autofree char *missing = test_dir_file (&f->dir, "missing.csv");
  g_auto(Run) run = { 0 };
  g_auto(Run) run_missing = { 0 };
  g_auto(Run) scores = { 0 };
  g_autoptr(JsonNode) root = NULL;

  run_vigil (&run, "--db", f->db, "import", bad);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "nothing was stored"));
  g_assert_nonnull (strstr (run.err, "bad.jsonl: line 2"));

  run_vigil (&run_missing, "--db", f->db, "import", missing);
  g_assert_cmpint (run_missing.status, ==, 1);
  g_assert_nonnull (strstr (run_missing.err, "missing.csv"));

  run_vigil (&scores, "--db", f->db, "scores", "--format", "json");
  root = parse_json (scores.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 3);
}

/* @object has exactly the members @names (sorted), no more. */
static void
assert_members (JsonObject         *object,
                const char * const *names)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GString) have = g_string_new (NULL);
  g_autofree char *want = g_strjoinv (" ", (char **) names);

  members = g_list_sort (members, (GCompareFunc) strcmp);
  for (GList *l = members; l != NULL; l = l->next)
    g_string_append_printf (have, "%s%s", have->len > 0 ? " " : "", (const char *) l->data);
  g_assert_cmpstr (have->str, ==, want);
}

static const char *
measure_source (JsonObject *customer,
                const char *measure)
{
  JsonObject *measures = json_object_get_object_member (customer, "measures");

  return json_object_get_string_member (json_object_get_object_member (measures, measure), "source");
}

/* design 2.6 from the command line: a customer of three sources lists
 * its keys (sorted, once each) and its records (the display record
 * first), and each measure's input names the source that gave it, in
 * the scores and in each snapshot of its history. */
static void
test_cli_scores_json_accounts (void)
{
  static const char crm[] =
    "id,name,owner,mrr,seats,seats_used,keys,observed_at\n"
    "512,Acme Corp,Dana Park,4200,50,45,\"[\"\"acme.com\"\",\"\"crm-512\"\"]\",2026-11-21T12:00:00Z\n";
  static const char product[] =
    "{\"id\":\"acme-io\",\"keys\":[\"acme.com\",\"acme-app\"],\"observed_at\":\"2026-11-19T12:00:00Z\","
    "\"last_active\":\"2026-11-19T11:00:00Z\",\"api_calls_7d\":4000,\"features\":{\"a\":1,\"b\":2}}\n"
    "{\"id\":\"acme-io\",\"keys\":\"acme.com\",\"observed_at\":\"2026-11-21T12:00:00Z\","
    "\"last_active\":\"2026-11-21T11:00:00Z\",\"api_calls_7d\":5000,\"features\":{\"a\":1,\"b\":2,\"c\":3}}\n";
  static const char support[] =
    "{\"id\":\"t-1\",\"keys\":\"crm-512\",\"open_tickets\":3,\"observed_at\":\"2026-11-21T12:00:00Z\"}\n";
  static const char * const files[][3] = {
    { "crm.csv", crm, "crm" }, { "product.jsonl", product, "product" }, { "support.jsonl", support, "support" },
  };
  TestDir dir;
  g_autofree char *db = NULL;
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) history = NULL;
  JsonObject *acme, *first, *last, *sources;
  JsonArray *keys, *records, *snapshots;

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = test_dir_write (&dir, files[i][0], files[i][1], -1);

      run_vigil (&run, "--db", db, "import", path, "--source", files[i][2]);
      g_assert_cmpint (run.status, ==, 0);
      run_clear (&run);
    }
  run_vigil (&run, "--db", db, "scorecard", "set", "seats.weight", "10");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  run_vigil (&run, "--db", db, "scorecard", "set", "tickets.weight", "10");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  run_vigil (&run, "--db", db, "scores", "--format", "json");
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  acme = find_customer (json_node_get_array (root), "512");
  g_assert_cmpstr (json_object_get_string_member (acme, "source"), ==, "crm");
  g_assert_cmpstr (json_object_get_string_member (acme, "name"), ==, "Acme Corp");
  keys = json_object_get_array_member (acme, "keys");
  g_assert_cmpuint (json_array_get_length (keys), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (keys, 0), ==, "acme-app");
  g_assert_cmpstr (json_array_get_string_element (keys, 1), ==, "acme.com");
  g_assert_cmpstr (json_array_get_string_element (keys, 2), ==, "crm-512");
  records = json_object_get_array_member (acme, "records");
  g_assert_cmpuint (json_array_get_length (records), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      static const char * const ids[] = { "512", "acme-io", "t-1" };
      JsonObject *record = json_array_get_object_element (records, i);

      g_assert_cmpstr (json_object_get_string_member (record, "source"), ==, files[i][2]);
      g_assert_cmpstr (json_object_get_string_member (record, "id"), ==, ids[i]);
    }
  g_assert_cmpstr (measure_source (acme, "activity"), ==, "product");
  g_assert_cmpstr (measure_source (acme, "volume"), ==, "product");
  g_assert_cmpstr (measure_source (acme, "breadth"), ==, "product");
  g_assert_cmpstr (measure_source (acme, "seats"), ==, "crm");
  g_assert_cmpstr (measure_source (acme, "tickets"), ==, "support");

  run_clear (&run);
  run_vigil (&run, "--db", db, "history", "acme.com", "--format", "json");
  g_assert_cmpint (run.status, ==, 0);
  history = parse_json (run.out);
  snapshots = json_object_get_array_member (json_node_get_object (history), "snapshots");
  g_assert_cmpuint (json_array_get_length (snapshots), ==, 2);
  /* the first day only the product knew; then the CRM's MRR and seats
   * (the display record's: not listed) and the support's tickets */
  first = json_array_get_object_element (snapshots, 0);
  sources = json_object_get_object_member (first, "sources");
  g_assert_cmpuint (json_object_get_size (sources), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (sources, "last_active"), ==, "product");
  g_assert_cmpstr (json_object_get_string_member (sources, "api_calls_7d"), ==, "product");
  g_assert_cmpstr (json_object_get_string_member (sources, "features"), ==, "product");
  g_assert_cmpstr (measure_source (first, "activity"), ==, "product");
  last = json_array_get_object_element (snapshots, 1);
  sources = json_object_get_object_member (last, "sources");
  g_assert_cmpuint (json_object_get_size (sources), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (sources, "open_tickets"), ==, "support");
  g_assert_false (json_object_has_member (sources, "mrr"));
  g_assert_cmpstr (measure_source (last, "seats"), ==, "crm");
  g_assert_cmpstr (measure_source (last, "tickets"), ==, "support");

  test_dir_clear (&dir);
}

/* design 4, 7: `scores --format json` of a book of many chunks (which a
 * helper thread writes every other of): RFC 8259 JSON, one customer a
 * line in the order asked for, each line the bytes the same customer
 * gives alone. */
static void
test_cli_scores_json_chunks (void)
{
  const guint n = 777;
  g_autoptr(GString) csv = g_string_new ("id,name,owner,mrr,seats,seats_used,last_active,api_calls_7d,observed_at\n");
  g_auto(Run) import = { 0 };
  g_auto(Run) all = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *db = NULL;
  g_autofree char *path = NULL;
  TestDir dir;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "c%04u,Customer %u é,Owner %u,%u.%02u,%u,%u,2026-11-%02uT12:00:00Z,%u,"
                            "2026-11-21T12:00:00Z\n", i, i, i % 7, 100 + i * 13 % 5000, i % 100, 10 + i % 40,
                            i % 10, 1 + i % 20, i * 37 % 9000);
  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  path = test_dir_write (&dir, "many.csv", csv->str, csv->len);
  run_vigil (&import, "--db", db, "import", path);
  g_assert_cmpint (import.status, ==, 0);

  run_vigil (&all, "--db", db, "scores", "--format", "json", "--sort", "id", "--reverse");
  g_assert_cmpint (all.status, ==, 0);
  root = parse_json (all.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, n);
  lines = g_strsplit (all.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n + 3);
  g_assert_cmpstr (lines[0], ==, "[");
  g_assert_cmpstr (lines[n + 1], ==, "]");
  g_assert_cmpstr (lines[n + 2], ==, "");
  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = json_array_get_object_element (json_node_get_array (root), i);
      g_autofree char *id = g_strdup_printf ("c%04u", n - 1 - i);
      const char *line = lines[i + 1];
      gsize length = strlen (line) - (i + 1 < n ? 1 : 0);

      g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, id);
      g_assert_true (i + 1 == n || g_str_has_suffix (line, ","));
      /* The lines at chunks' edges and a few between, against the same
       * customer written alone. */
      if (i % 256 == 0 || i % 256 == 255 || i % 97 == 0 || i + 1 == n)
        {
          g_auto(Run) alone = { 0 };
          g_autofree char *expected = NULL;

          run_vigil (&alone, "--db", db, "scores", "--format", "json", "--search", id);
          g_assert_cmpint (alone.status, ==, 0);
          expected = g_strndup (line, length);
          g_assert_true (g_str_has_prefix (alone.out, "[\n"));
          g_assert_cmpuint (strlen (alone.out), ==, 2 + length + 3);
          g_assert_cmpmem (alone.out + 2, length, expected, length);
          g_assert_cmpstr (alone.out + 2 + length, ==, "\n]\n");
        }
    }
  /* Sorted in two halves at once and merged (design 7): by owner, ties
   * by id; by MRR, most first, ties by id still ascending. */
  for (guint k = 0; k < 2; k++)
    {
      g_auto(Run) sorted = { 0 };
      g_autoptr(JsonNode) sorted_root = NULL;
      JsonArray *array;

      if (k == 0)
        run_vigil (&sorted, "--db", db, "scores", "--format", "json", "--sort", "owner");
      else
        run_vigil (&sorted, "--db", db, "scores", "--format", "json", "--sort", "mrr", "--reverse");
      g_assert_cmpint (sorted.status, ==, 0);
      sorted_root = parse_json (sorted.out);
      array = json_node_get_array (sorted_root);
      g_assert_cmpuint (json_array_get_length (array), ==, n);
      for (guint i = 0; i + 1 < n; i++)
        {
          JsonObject *a = json_array_get_object_element (array, i);
          JsonObject *b = json_array_get_object_element (array, i + 1);
          int by_id = strcmp (json_object_get_string_member (a, "id"), json_object_get_string_member (b, "id"));
          double order = k == 0 ? strcmp (json_object_get_string_member (a, "owner"),
                                          json_object_get_string_member (b, "owner"))
                                : json_object_get_double_member (b, "mrr") - json_object_get_double_member (a, "mrr");

          g_assert_true (order < 0 || (order == 0 && by_id < 0));
        }
    }
  test_dir_clear (&dir);
}

static void
test_cli_scores_json (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;
  JsonObject *acme, *globex, *initech, *measures, *activity;

  run_vigil (&run, "scores", "--format", "json", "--db", f->db);
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);

  /* Latest acme: active now → 40; 5000 → 30; 4 features → 15. */
  acme = find_customer (array, "acme");
  g_assert_cmpstr (json_object_get_string_member (acme, "source"), ==, "imported");
  g_assert_cmpstr (json_object_get_string_member (acme, "name"), ==, "Acme Corp");
  g_assert_cmpstr (json_object_get_string_member (acme, "owner"), ==, "Dana Park");
  g_assert_cmpfloat (json_object_get_double_member (acme, "mrr"), ==, 4200);
  g_assert_cmpfloat (json_object_get_double_member (acme, "health"), ==, 85);
  g_assert_cmpstr (json_object_get_string_member (acme, "tier"), ==, "healthy");
  g_assert_true (json_object_has_member (acme, "churn_risk"));
  /* 48 of 50 seats used: seat expansion is open */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (acme, "triggers")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (acme, "triggers"), 0), ==,
                   "seat-expansion");
  measures = json_object_get_object_member (acme, "measures");
  activity = json_object_get_object_member (measures, "activity");
  g_assert_cmpfloat (json_object_get_double_member (activity, "value"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (activity, "weight"), ==, 40);
  g_assert_cmpfloat (json_object_get_double_member (activity, "points"), ==, 40);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (measures, "breadth"),
                                                    "points"), ==, 15);

  /* Churn risk is a probability, higher for the silent, failing globex. */
  {
    double acme_risk = json_object_get_double_member (acme, "churn_risk");
    double globex_risk = json_object_get_double_member (find_customer (array, "globex"), "churn_risk");

    g_assert_cmpfloat (acme_risk, >, 0);
    g_assert_cmpfloat (acme_risk, <, globex_risk);
    g_assert_cmpfloat (globex_risk, <, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (find_customer (array, "globex"),
                                                                           "churn_factors")), >, 0);
  }

  /* Globex: 72 h silent → 0; 100 calls → 0.6; features unknown → left out,
   * weights rescaled over 70: volume 0.02 × 30/70 × 100. */
  globex = find_customer (array, "globex");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (globex, "health"), 0.857143, 1e-6);
  g_assert_cmpstr (json_object_get_string_member (globex, "tier"), ==, "high-risk");
  measures = json_object_get_object_member (globex, "measures");
  g_assert_true (json_object_get_null_member (json_object_get_object_member (measures, "breadth"), "value"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (measures, "volume"),
                                                                 "weight"), 42.857143, 1e-6);

  /* design 2.6: an account of one record lists that record, no keys,
   * and its source beside every known input; nothing else changes. */
  {
    static const char * const members[] = {
      "api_calls_7d", "at_stake", "churn_factors", "churn_risk", "churned_on", "features_used", "health", "id",
      "keys", "last_active", "last_touch", "measures", "mrr", "name", "observed_at", "owner", "plan", "pulse",
      "records",
      "renewal_date", "scorecard_version", "seats", "seats_used", "segment", "source", "tier",
      "trend", "triggers", NULL
    };
    static const char * const measure_members[] = {
      "input", "points", "source", "value", "weight", NULL
    };
    JsonArray *records = json_object_get_array_member (acme, "records");

    assert_members (acme, members);
    assert_members (activity, measure_members);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (acme, "keys")), ==, 0);
    g_assert_cmpuint (json_array_get_length (records), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0), "source"), ==,
                     "imported");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0), "id"), ==,
                     "acme");
    measures = json_object_get_object_member (acme, "measures");
    for (int i = 0; i < VIGIL_N_MEASURES; i++)
      if (json_object_has_member (measures, vigil_measure_get_name ((VigilMeasure) i)))
        g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (measures,
                                                                                       vigil_measure_get_name ((VigilMeasure) i)),
                                                        "source"), ==, "imported");
    /* an unknown input has no source */
    measures = json_object_get_object_member (find_customer (array, "globex"), "measures");
    g_assert_true (json_object_get_null_member (json_object_get_object_member (measures, "breadth"), "source"));
  }

  /* Initech: 12 h → 40 × 60/72; 30; 8 names → 30; mrr unknown is null. */
  initech = find_customer (array, "initech");
  g_assert_cmpstr (json_object_get_string_member (initech, "name"), ==, "<b>Initech</b>, Inc");
  g_assert_true (json_object_get_null_member (initech, "mrr"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (initech, "health"), 40.0 * 60 / 72 + 60, 1e-5);
}

/* Design 2.6: a book of schema 4 reads the same after its migration to
 * accounts. The fixture's book is taken back to schema 4 (what
 * migrations 5 to 8 added is removed) and opened again. */
static void
test_cli_scores_after_migration (Fixture       *f,
                                 gconstpointer  data)
{
  g_auto(Run) before = { 0 };
  g_auto(Run) after = { 0 };
  sqlite3 *db = NULL;

  run_vigil (&before, "scores", "--format", "json", "--db", f->db);
  g_assert_cmpint (before.status, ==, 0);

  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "DROP TABLE touches; DROP TABLE pulses; DROP TABLE events; DROP TABLE views;"
                                 "ALTER TABLE triggers DROP COLUMN state_at;"
                                 "ALTER TABLE triggers DROP COLUMN state_by;"
                                 "ALTER TABLE triggers DROP COLUMN state_tier;"
                                 "DROP TABLE source_field_counts;"
                                 "ALTER TABLE sources DROP COLUMN baseline_records;"
                                 "ALTER TABLE sources DROP COLUMN baseline_fingerprint;"
                                 "ALTER TABLE sources DROP COLUMN stalled_polls;"
                                 "ALTER TABLE sources DROP COLUMN suspect_since;"
                                 "ALTER TABLE sources DROP COLUMN suspect_records;"
                                 "ALTER TABLE sources DROP COLUMN suspect_previous_records;"
                                 "ALTER TABLE sources DROP COLUMN suspect_fields;"
                                 "DROP TABLE observations; DROP TABLE record_keys; DROP TABLE records;"
                                 "ALTER TABLE snapshots DROP COLUMN origins;"
                                 "ALTER TABLE customers DROP COLUMN main_record; PRAGMA user_version = 4;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  run_vigil (&after, "scores", "--format", "json", "--db", f->db);
  g_assert_cmpstr (after.err, ==, "");
  g_assert_cmpint (after.status, ==, 0);
  g_assert_cmpstr (after.out, ==, before.out);
}

/* design 2.6 from the command line: records of two sources sharing a
 * key are one customer, addressed by any id or key; unlink and link
 * say what they did, and refuse what makes no sense. */
static void
test_cli_link_unlink (void)
{
  static const char crm[] =
    "id,name,owner,mrr,keys,observed_at\n"
    "512,Acme Corp,Dana Park,4200,\"[\"\"acme.com\"\",\"\"crm-512\"\"]\",2026-11-20T12:00:00Z\n";
  static const char support[] =
    "{\"id\":\"t-1\",\"keys\":\"crm-512\",\"open_tickets\":3,\"observed_at\":\"2026-11-21T12:00:00Z\"}\n";
  TestDir dir;
  g_autofree char *db = NULL;
  g_autofree char *crm_path = NULL;
  g_autofree char *support_path = NULL;
  g_auto(Run) run = { 0 };

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  crm_path = test_dir_write (&dir, "crm.csv", crm, -1);
  support_path = test_dir_write (&dir, "support.jsonl", support, -1);
  run_vigil (&run, "--db", db, "import", crm_path, "--source", "crm");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  run_vigil (&run, "--db", db, "import", support_path, "--source", "support");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  /* one customer, two snapshots: the CRM's day and the support's */
  run_vigil (&run, "--db", db, "history", "support:t-1", "--format", "csv");
  g_assert_cmpint (run.status, ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (run.out, "\r\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 4);
  }
  run_clear (&run);
  run_vigil (&run, "--db", db, "history", "crm-512");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  run_vigil (&run, "--db", db, "unlink", "support:t-1");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "support:t-1"));
  run_clear (&run);
  /* the key now names two customers */
  run_vigil (&run, "--db", db, "history", "crm-512");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "crm:512"));
  g_assert_nonnull (strstr (run.err, "support:t-1"));
  run_clear (&run);
  run_vigil (&run, "--db", db, "unlink", "support:t-1");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "only record"));
  run_clear (&run);
  run_vigil (&run, "--db", db, "unlink", "t-1");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  run_vigil (&run, "--db", db, "link", "crm:512", "support:t-1");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Linked"));
  run_clear (&run);
  run_vigil (&run, "--db", db, "link", "crm:512", "support:t-1");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "already one account"));
  run_clear (&run);
  run_vigil (&run, "--db", db, "link", "crm:512", "support:t-2");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "support:t-2"));
  run_clear (&run);
  run_vigil (&run, "--db", db, "history", "crm-512");
  g_assert_cmpint (run.status, ==, 0);

  test_dir_clear (&dir);
}

static void
test_cli_scores_filters (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Run) tier = { 0 };
  g_auto(Run) owner = { 0 };
  g_auto(Run) none = { 0 };
  g_autoptr(JsonNode) tier_root = NULL;
  g_autoptr(JsonNode) owner_root = NULL;

  run_vigil (&tier, "--db", f->db, "scores", "--format", "json", "--tier", "high-risk");
  tier_root = parse_json (tier.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (tier_root)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (tier_root), 0), "id"),
                   ==, "globex");

  run_vigil (&owner, "--db", f->db, "scores", "--format", "json", "--owner", "Dana Park");
  owner_root = parse_json (owner.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (owner_root)), ==, 2);

  run_vigil (&none, "--db", f->db, "scores", "--owner", "Nobody");
  g_assert_cmpint (none.status, ==, 0);
  g_assert_nonnull (strstr (none.out, "0 customers"));
}

static void
test_cli_scores_table_and_csv (Fixture       *f,
                               gconstpointer  data)
{
  g_auto(Run) table = { 0 };
  g_auto(Run) by_name = { 0 };
  g_auto(Run) csv = { 0 };
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) name_lines = NULL;

  run_vigil (&table, "--db", f->db, "scores");
  g_assert_cmpint (table.status, ==, 0);
  lines = g_strsplit (table.out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "ID"));
  /* What is at stake first by default (design 3.2): globex's 85 % of
   * 900.50 above acme's 7 % of 4200, initech's unknown MRR last. */
  g_assert_true (g_str_has_prefix (lines[1], "globex"));
  g_assert_nonnull (strstr (lines[1], "Globex 环球"));
  g_assert_nonnull (strstr (table.out, "3 customers"));

  run_vigil (&by_name, "--db", f->db, "scores", "--sort", "name", "--reverse");
  name_lines = g_strsplit (by_name.out, "\n", -1);
  g_assert_true (g_str_has_prefix (name_lines[1], "globex"));
  g_assert_true (g_str_has_prefix (name_lines[2], "acme"));
  g_assert_true (g_str_has_prefix (name_lines[3], "initech"));

  run_vigil (&csv, "--db", f->db, "scores", "--format", "csv", "--sort", "id");
  g_assert_cmpint (csv.status, ==, 0);
  g_assert_true (g_str_has_prefix (csv.out, "id,source,name,owner,segment,plan,mrr,health,tier,"));
  g_assert_nonnull (strstr (csv.out, "\r\nacme,imported,Acme Corp,Dana Park,EMEA,enterprise,4200.00,85,healthy,"));
  g_assert_nonnull (strstr (csv.out, "\"<b>Initech</b>, Inc\""));
}

static void
test_cli_history (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(Run) json = { 0 };
  g_auto(Run) csv = { 0 };
  g_auto(Run) table = { 0 };
  g_auto(Run) missing = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *snapshots;
  JsonObject *first;

  run_vigil (&json, "--db", f->db, "history", "acme", "--format", "json");
  g_assert_cmpint (json.status, ==, 0);
  root = parse_json (json.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "id"), ==, "acme");
  snapshots = json_object_get_array_member (json_node_get_object (root), "snapshots");
  g_assert_cmpuint (json_array_get_length (snapshots), ==, 2);
  first = json_array_get_object_element (snapshots, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "observed_at"), ==, "2026-11-20T12:00:00Z");
  /* 40 + 2500 → 15 + 2 features → 7.5 */
  g_assert_cmpfloat (json_object_get_double_member (first, "health"), ==, 62.5);
  g_assert_cmpstr (json_object_get_string_member (first, "tier"), ==, "at-risk");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (first, "features"), "b"), ==, 2);
  /* one record: every field is its own, every input its source's */
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (first, "sources")), ==, 0);
  g_assert_cmpstr (measure_source (first, "volume"), ==, "imported");

  run_vigil (&csv, "--db", f->db, "history", "acme", "--format", "csv");
  g_assert_true (g_str_has_prefix (csv.out, "observed_at,health,tier,"));
  g_assert_nonnull (strstr (csv.out, "\r\n2026-11-20T12:00:00Z,62.5,at-risk,40,15,7.5,"));
  g_assert_nonnull (strstr (csv.out, "\r\n2026-11-21T12:00:00Z,85,healthy,40,30,15,"));

  run_vigil (&table, "--db", f->db, "history", "acme");
  g_assert_nonnull (strstr (table.out, "acme — Acme Corp"));
  g_assert_nonnull (strstr (table.out, "At risk"));

  run_vigil (&missing, "--db", f->db, "history", "nobody");
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_nonnull (strstr (missing.err, "No customer “nobody”"));
}

static void
test_cli_import_mapping (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_autofree char *data = NULL;
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  g_auto(Run) ok = { 0 };
  g_auto(Run) refused = { 0 };
  g_auto(Run) scores = { 0 };

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  data = test_dir_write (&dir, "accounts.json",
                         "{\"data\": [{\"id\": \"acme\", \"attributes\": {\"company_name\": \"Acme\","
                         " \"calls\": 5000, \"as_of\": \"2026-11-21T12:00:00Z\"}}]}", -1);
  good = test_dir_write (&dir, "crm.json",
                         "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\","
                         " \"name\": \"/attributes/company_name\", \"api_calls_7d\": \"/attributes/calls\","
                         " \"observed_at\": \"/attributes/as_of\"}}", -1);
  bad = test_dir_write (&dir, "bad.json",
                        "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"revenue\": \"/r\"}}", -1);

  run_vigil (&refused, "--db", db, "import", data, "--mapping", bad);
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "fields.revenue"));

  run_vigil (&ok, "--db", db, "import", data, "--mapping", good, "--source", "crm");
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_nonnull (strstr (ok.out, "1 snapshot stored and scored"));

  run_vigil (&scores, "--db", db, "scores", "--format", "csv");
  g_assert_nonnull (strstr (scores.out, "\r\nacme,crm,Acme,"));

  test_dir_clear (&dir);
}

/* Starts `vigil demo-server --port 0` and reads the URL it serves. */
static GSubprocess *
start_demo_server (char **out_url)
{
  const char *argv[] = { g_getenv ("VIGIL_BINARY"), "demo-server", "--port", "0", "--customers", "50", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  GSubprocess *process;
  char *url;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  url = strstr (line, "http://127.0.0.1:");
  g_assert_nonnull (url);
  *strchr (url, ' ') = '\0';
  *out_url = g_strdup (url);
  return process;
}

static void
test_cli_sources_and_poll (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_auto(Run) add = { 0 };
  g_auto(Run) add_dead = { 0 };
  g_auto(Run) add_again = { 0 };
  g_auto(Run) add_bad = { 0 };
  g_auto(Run) add_capped = { 0 };
  g_auto(Run) add_no_records = { 0 };
  g_auto(Run) poll_all = { 0 };
  g_auto(Run) poll_due = { 0 };
  g_auto(Run) list = { 0 };
  g_auto(Run) scores = { 0 };
  g_auto(Run) remove = { 0 };
  g_auto(Run) list_after = { 0 };
  g_auto(Run) history_kept = { 0 };

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  server = start_demo_server (&url);

  run_vigil (&add, "--db", db, "source", "add", "demo", url, "--interval", "30");
  g_assert_cmpint (add.status, ==, 0);
  /* Port 1 on loopback: nothing listens there. */
  run_vigil (&add_dead, "--db", db, "source", "add", "dead", "http://127.0.0.1:1/usage");
  g_assert_cmpint (add_dead.status, ==, 0);
  run_vigil (&add_again, "--db", db, "source", "add", "demo", url);
  g_assert_cmpint (add_again.status, ==, 1);
  g_assert_nonnull (strstr (add_again.err, "already exists"));
  run_vigil (&add_bad, "--db", db, "source", "add", "x", "not a url");
  g_assert_cmpint (add_bad.status, ==, 1);
  /* The same 50 customers, with room for 49. */
  run_vigil (&add_capped, "--db", db, "source", "add", "capped", url, "--max-records", "49");
  g_assert_cmpint (add_capped.status, ==, 0);
  run_vigil (&add_no_records, "--db", db, "source", "add", "none", url, "--max-records", "0");
  g_assert_cmpint (add_no_records.status, ==, 1);
  g_assert_nonnull (strstr (add_no_records.err, "--max-records must be at least 1"));
  /* A response is one GByteArray, its length a guint: 4 GiB is one byte too many. */
  {
    g_auto(Run) add_huge = { 0 };
    g_auto(Run) add_largest = { 0 };

    run_vigil (&add_huge, "--db", db, "source", "add", "huge", url, "--max-bytes", "4294967296");
    g_assert_cmpint (add_huge.status, ==, 1);
    g_assert_nonnull (strstr (add_huge.err, "--max-bytes must be between 1024 and 4294967295"));
    g_auto(Run) remove_largest = { 0 };

    run_vigil (&add_largest, "--db", db, "source", "add", "largest", url, "--max-bytes", "4294967295");
    g_assert_cmpint (add_largest.status, ==, 0);
    /* Not polled: the same customers twice would make their ids ambiguous below. */
    run_vigil (&remove_largest, "--db", db, "source", "remove", "largest");
    g_assert_cmpint (remove_largest.status, ==, 0);
  }

  /* One source fails, the other is polled all the same; exit 1. */
  run_vigil (&poll_all, "--db", db, "poll");
  g_assert_cmpint (poll_all.status, ==, 1);
  g_assert_nonnull (strstr (poll_all.out, "demo: 50 read, 50 stored"));
  g_assert_nonnull (strstr (poll_all.err, "dead: FAILED, nothing stored"));
  g_assert_nonnull (strstr (poll_all.err, "capped: FAILED, nothing stored: "));
  g_assert_nonnull (strstr (poll_all.err, "source “capped” answered more than 49 records (--max-records): refused"));

  /* Both were just polled: nothing is due. */
  run_vigil (&poll_due, "--db", db, "poll");
  g_assert_cmpint (poll_due.status, ==, 0);
  g_assert_nonnull (strstr (poll_due.out, "demo: not due until"));

  run_vigil (&list, "--db", db, "source", "list");
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "ok at"));
  g_assert_nonnull (strstr (list.out, "FAILED at"));
  g_assert_nonnull (strstr (list.out, "30 min"));

  run_vigil (&scores, "--db", db, "scores", "--format", "csv");
  g_assert_nonnull (strstr (scores.out, ",demo,"));
  g_assert_null (strstr (scores.out, ",capped,"));

  /* Removing a source keeps its customers' history. */
  run_vigil (&remove, "--db", db, "source", "remove", "demo");
  g_assert_cmpint (remove.status, ==, 0);
  run_vigil (&list_after, "--db", db, "source", "list");
  g_assert_null (strstr (list_after.out, "demo"));
  run_vigil (&history_kept, "--db", db, "history", "acct-00001");
  g_assert_cmpint (history_kept.status, ==, 0);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  test_dir_clear (&dir);
}

/* A URL carrying a secret in its query is refused with a pointer to
 * --query-secret; --query-secret-env keeps the value in the environment,
 * out of the database and of `source list`. */
static void
test_cli_query_secrets (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_autofree char *url = NULL;
  g_autofree char *secret_url = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_auto(Run) refused = { 0 };
  g_auto(Run) bad_env = { 0 };
  g_auto(Run) add = { 0 };
  g_auto(Run) poll_unset = { 0 };
  g_auto(Run) poll_set = { 0 };
  g_auto(Run) list = { 0 };
  const char *env[] = { "VIGIL_CLI_API_KEY", "SEKRIT-cli-4f2a", NULL };
  g_autoptr(GBytes) contents = NULL;

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  server = start_demo_server (&url);

  secret_url = g_strconcat (url, "?region=eu&API_KEY=SEKRIT-cli-4f2a", NULL);
  run_vigil (&refused, "--db", db, "source", "add", "crm", secret_url);
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "--query-secret api_key"));
  g_assert_nonnull (strstr (refused.err, "--query-secret-env api_key=VAR"));
  g_assert_null (strstr (refused.err, "SEKRIT"));

  /* A value given where the variable's name goes is not echoed. */
  run_vigil (&bad_env, "--db", db, "source", "add", "crm", url, "--query-secret-env", "api_key=SEKRIT-cli-4f2a");
  g_assert_cmpint (bad_env.status, ==, 1);
  g_assert_nonnull (strstr (bad_env.err, "--query-secret-env takes NAME=VAR"));
  g_assert_null (strstr (bad_env.err, "SEKRIT"));

  run_vigil (&add, "--db", db, "source", "add", "crm", url, "--query-secret-env", "api_key=VIGIL_CLI_API_KEY");
  g_assert_cmpint (add.status, ==, 0);

  run_vigil (&poll_unset, "--db", db, "poll", "crm");
  g_assert_cmpint (poll_unset.status, ==, 1);
  g_assert_nonnull (strstr (poll_unset.err, "VIGIL_CLI_API_KEY"));
  g_assert_nonnull (strstr (poll_unset.err, "api_key query parameter"));

  run_vigil_env (&poll_set, env, "--db", db, "poll", "crm", NULL);
  g_assert_cmpint (poll_set.status, ==, 0);
  g_assert_nonnull (strstr (poll_set.out, "crm: 50 read, 50 stored"));

  run_vigil_env (&list, env, "--db", db, "source", "list", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, url));
  g_assert_null (strstr (list.out, "SEKRIT"));
  if (vigil_test_on_postgresql ())
    {
      /* Every table of the book, every row as text. */
      g_assert_cmpint (test_book_int (db, "SELECT count(*) FROM information_schema.tables "
                                      "WHERE table_schema = 'vigil' AND strpos (CAST (query_to_xml ("
                                      "format ('SELECT * FROM vigil.%I', table_name), true, false, '') "
                                      "AS text), 'SEKRIT') > 0"), ==, 0);
    }
  else
    {
      /* The database holds NUL bytes: a plain byte search, not strstr. */
      contents = test_read_bytes (db);
      for (gsize i = 0; i + 6 <= g_bytes_get_size (contents); i++)
        g_assert_cmpint (memcmp ((const char *) g_bytes_get_data (contents, NULL) + i, "SEKRIT", 6), !=, 0);
    }

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  test_dir_clear (&dir);
}

static void
test_cli_scorecard (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Run) show = { 0 };
  g_auto(Run) set = { 0 };
  g_auto(Run) bad = { 0 };
  g_auto(Run) negative = { 0 };
  g_auto(Run) unknown = { 0 };
  g_auto(Run) scores = { 0 };
  g_auto(Run) load = { 0 };
  g_auto(Run) after_load = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) loaded = NULL;
  g_autofree char *file = NULL;
  JsonObject *acme;

  run_vigil (&show, "--db", f->db, "scorecard", "show");
  g_assert_cmpint (show.status, ==, 0);
  g_assert_nonnull (strstr (show.out, "Scorecard version 1"));
  g_assert_nonnull (strstr (show.out, "healthy from 85"));

  /* Activity off: acme's latest is volume 30 + breadth 15 over 60 → 75. */
  run_vigil (&set, "--db", f->db, "scorecard", "set", "activity.weight", "0");
  g_assert_cmpint (set.status, ==, 0);
  g_assert_nonnull (strstr (set.out, "version 2 in use; 4 snapshots rescored"));

  run_vigil (&bad, "--db", f->db, "scorecard", "set", "tiers.at-risk", "90");
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_nonnull (strstr (bad.err, "cut-offs"));

  /* A negative value reaches the scorecard's check, not the option parser. */
  run_vigil (&negative, "--db", f->db, "scorecard", "set", "volume.weight", "-1");
  g_assert_cmpint (negative.status, ==, 1);
  g_assert_nonnull (strstr (negative.err, "weight of volume must not be negative"));
  run_vigil (&unknown, "--db", f->db, "scorecard", "set", "volume.weight", "--bogus");
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "Unknown option --bogus"));

  run_vigil (&scores, "--db", f->db, "scores", "--format", "json");
  root = parse_json (scores.out);
  acme = find_customer (json_node_get_array (root), "acme");
  g_assert_cmpint (json_object_get_int_member (acme, "scorecard_version"), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (acme, "health"), 75, 1e-6);
  g_assert_cmpstr (json_object_get_string_member (acme, "tier"), ==, "at-risk");

  /* A scorecard file: only what it names changes. */
  file = test_dir_write (&f->dir, "scorecard.json", "{\"measures\": {\"activity\": {\"weight\": 40}},"
                         " \"tiers\": {\"healthy\": 70}}", -1);
  run_vigil (&load, "--db", f->db, "scorecard", "load", file);
  g_assert_cmpint (load.status, ==, 0);
  g_assert_nonnull (strstr (load.out, "version 3 in use"));
  run_vigil (&after_load, "--db", f->db, "scores", "--format", "json");
  loaded = parse_json (after_load.out);
  acme = find_customer (json_node_get_array (loaded), "acme");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (acme, "health"), 85, 1e-6);
}

static void
test_cli_outcome (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(Run) record = { 0 };
  g_auto(Run) bad = { 0 };
  g_auto(Run) history = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *outcomes;

  run_vigil (&record, "--db", f->db, "outcome", "globex", "churned", "--date", "2026-10-31");
  g_assert_cmpint (record.status, ==, 0);
  run_vigil (&bad, "--db", f->db, "outcome", "globex", "vanished");
  g_assert_cmpint (bad.status, ==, 2);

  run_vigil (&history, "--db", f->db, "history", "globex", "--format", "json");
  root = parse_json (history.out);
  outcomes = json_object_get_array_member (json_node_get_object (root), "outcomes");
  g_assert_cmpuint (json_array_get_length (outcomes), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (outcomes, 0), "date"),
                   ==, "2026-10-31");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (outcomes, 0), "outcome"),
                   ==, "churned");
}

static void
set_me (Fixture    *f,
        const char *name)
{
  test_book_be (f->db, name);
}

static JsonArray *
timeline_entries (JsonNode *root)
{
  return json_object_get_array_member (json_node_get_object (root), "timeline");
}

static JsonObject *
find_touch (JsonArray  *entries,
            const char *text)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "kind"), "touch") == 0 &&
          g_strcmp0 (json_object_get_string_member (entry, "text"), text) == 0)
        return entry;
    }
  return NULL;
}

/* The ids of `scores --format json`, in order. */
static char *
scores_order (Fixture     *f,
              const char  *sort,
              gboolean     reverse)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  JsonArray *array;

  if (reverse)
    run_vigil (&run, "--db", f->db, "scores", "--format", "json", "--sort", sort, "--reverse");
  else
    run_vigil (&run, "--db", f->db, "scores", "--format", "json", "--sort", sort);
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (ids, (gpointer) json_object_get_string_member (json_array_get_object_element (array, i), "id"));
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (" ", (char **) ids->pdata);
}

/* design 3.4 and 4: `vigil note` logs touches in the CSM's name, only
 * their author changes them; `vigil timeline` lists them with the rest,
 * newest first; `scores` gives and sorts by the last touch (a note is
 * none); each mistake is said and changes nothing. */
static void
test_cli_note_timeline (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *order = NULL;
  JsonArray *entries;
  JsonObject *entry;

  set_me (f, "Dana Park");
  run_vigil (&run, "--db", f->db, "note", "acme", "Renewal call with Jo", "--kind", "call",
             "--at", "2026-11-25T09:30:00Z");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Logged: Call on acme (touch 1), 2026-11-25T09:30:00Z\n");
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "note", "globex", "Intro email", "--kind", "email", "--at", "2026-11-10");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "note", "acme", "Champion may leave");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  run_vigil (&run, "--db", f->db, "timeline", "acme", "--format", "json");
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "id"), ==, "acme");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "source"), ==, "imported");
  entries = timeline_entries (root);
  /* newest first (ISO times in UTC sort as text): the note logged now
   * before the call of 25 November */
  for (guint i = 1; i < json_array_get_length (entries); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, i - 1), "at"), >=,
                     json_object_get_string_member (json_array_get_object_element (entries, i), "at"));
  entry = find_touch (entries, "Champion may leave");
  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "subject"), ==, "note");
  g_assert_cmpstr (json_object_get_string_member (entry, "at"), >,
                   json_object_get_string_member (find_touch (entries, "Renewal call with Jo"), "at"));
  entry = find_touch (entries, "Renewal call with Jo");
  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "subject"), ==, "call");
  g_assert_cmpstr (json_object_get_string_member (entry, "at"), ==, "2026-11-25T09:30:00Z");
  g_assert_cmpstr (json_object_get_string_member (entry, "author"), ==, "Dana Park");
  g_assert_cmpint (json_object_get_int_member (entry, "id"), ==, 1);
  g_assert_true (json_object_get_null_member (entry, "edited_at"));
  g_assert_cmpstr (json_object_get_string_member (entry, "summary"), ==, "Call");
  /* the customer's own story is there too: the tier it first had is no change */
  g_assert_null (find_touch (entries, "Intro email"));
  g_clear_pointer (&root, json_node_unref);
  run_clear (&run);

  /* The last touch: the call, not the later note; none is null. */
  run_vigil (&run, "--db", f->db, "scores", "--format", "json");
  root = parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (find_customer (json_node_get_array (root), "acme"), "last_touch"),
                   ==, "2026-11-25T09:30:00Z");
  g_assert_cmpstr (json_object_get_string_member (find_customer (json_node_get_array (root), "globex"), "last_touch"),
                   ==, "2026-11-10T00:00:00Z");
  g_assert_true (json_object_get_null_member (find_customer (json_node_get_array (root), "initech"), "last_touch"));
  g_clear_pointer (&root, json_node_unref);
  run_clear (&run);
  order = scores_order (f, "last-touch", FALSE);
  g_assert_cmpstr (order, ==, "globex acme initech");
  g_clear_pointer (&order, g_free);
  order = scores_order (f, "last-touch", TRUE);
  g_assert_cmpstr (order, ==, "acme globex initech");
  g_clear_pointer (&order, g_free);

  /* Mistakes, each said; nothing is stored. */
  run_vigil (&run, "--db", f->db, "note", "acme", "   ");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "empty"));
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "note", "acme", "Faxed", "--kind", "fax");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "Unknown kind “fax”"));
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "note", "acme", "Called", "--at", "yesterday");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "“yesterday” is not a time"));
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "note", "nobody", "Called");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "No customer “nobody”"));
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "note", "acme");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "timeline", "nobody");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "No customer “nobody”"));
  run_clear (&run);

  /* Someone else cannot change Dana's call, and is told whose it is. */
  set_me (f, "Sam Lee");
  run_vigil (&run, "--db", f->db, "note", "--edit", "1", "Mine now");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "written by Dana Park"));
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "note", "--delete", "1");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "written by Dana Park"));
  run_clear (&run);

  /* Dana can. */
  set_me (f, "Dana Park");
  run_vigil (&run, "--db", f->db, "note", "--edit", "1", "Renewal call with Jo: signed", "--kind", "meeting");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Touch 1 edited\n");
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "timeline", "acme", "--format", "json");
  root = parse_json (run.out);
  entry = find_touch (timeline_entries (root), "Renewal call with Jo: signed");
  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "subject"), ==, "meeting");
  g_assert_cmpstr (json_object_get_string_member (entry, "at"), ==, "2026-11-25T09:30:00Z");
  g_assert_false (json_object_get_null_member (entry, "edited_at"));
  g_assert_null (find_touch (timeline_entries (root), "Mine now"));
  g_clear_pointer (&root, json_node_unref);
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "note", "--delete", "1");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "note", "--delete", "1");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "No touch 1"));
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "note", "--edit", "2", "--delete", "2");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  /* The table and CSV say the same. A text a hand wrote into the
   * database with a terminal's escape and a line break cannot move the
   * cursor or break the table. */
  {
    /* char () is SQLite's, chr () PostgreSQL's */
    g_autofree char *sql =
      g_strdup_printf ("INSERT INTO touches (customer_id, kind, at, body, author, created_at)"
                       " SELECT id, 'note', 1, 'wipe' || %1$s (27) || '[2J' || %1$s (10) || 'line',"
                       " 'Mallory', 1 FROM customers WHERE external_id = 'acme'",
                       vigil_test_on_postgresql () ? "chr" : "char");

    test_book_exec (f->db, sql);
  }
  run_vigil (&run, "--db", f->db, "timeline", "acme");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "imported:acme\n"));
  g_assert_nonnull (strstr (run.out, "Champion may leave"));
  g_assert_null (strstr (run.out, "Renewal call"));
  g_assert_null (strchr (run.out, '\x1b'));
  g_assert_nonnull (strstr (run.out, "wipe\xef\xbf\xbd[2J line"));
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "timeline", "acme", "--format", "csv");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "kind,at,id,author,subject,detail,text,until,edited_at,summary\r\n"));
  g_assert_nonnull (strstr (run.out, ",Dana Park,note,,Champion may leave,,,Note\r\n"));
  run_clear (&run);

  /* The no-touch days, and the help of each command. */
  run_vigil (&run, "--db", f->db, "trigger", "no-touch", "14");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "No-touch trigger: after 14 days without a touch\n");
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "trigger", "no-touch", "forever");
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);
  run_vigil (&run, "note", "--help");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "--kind"));
  run_clear (&run);
  run_vigil (&run, "timeline", "--help");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "--format"));
}

static void
test_cli_refuses_foreign_file (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_auto(Run) run = { 0 };

  test_dir_init (&dir);
  path = test_dir_write (&dir, "report.db", "Quarterly report, definitely not SQLite. "
                         "Padding padding padding padding padding padding padding.\n", -1);
  before = test_read_bytes (path);

  run_vigil (&run, "--db", path, "scores");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "not a Vigil database"));
  after = test_read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));

  test_dir_clear (&dir);
}

static void
test_cli_demo (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_auto(Run) run = { 0 };
  g_auto(Run) again = { 0 };
  g_auto(Run) real = { 0 };
  g_autofree char *csv = NULL;

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "demo.db");

  run_vigil (&run, "--db", db, "--demo");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "300 customers"));
  g_assert_nonnull (strstr (run.out, "Healthy"));
  g_assert_nonnull (strstr (run.out, "At risk"));
  g_assert_nonnull (strstr (run.out, "High risk"));

  /* The same day's demo is reused, not regenerated. */
  run_vigil (&again, "--db", db, "--demo");
  g_assert_cmpstr (again.out, ==, run.out);

  /* A real database is never overwritten by the demo. */
  g_clear_pointer (&db, g_free);
  db = vigil_test_book_location (&dir, "real.db");
  csv = test_dir_write (&dir, "h.csv", history_csv, -1);
  {
    g_auto(Run) import = { 0 };

    run_vigil (&import, "--db", db, "import", csv);
    g_assert_cmpint (import.status, ==, 0);
  }
  run_vigil (&real, "--db", db, "--demo");
  g_assert_cmpint (real.status, ==, 1);
  g_assert_nonnull (strstr (real.err, "real data"));

  test_dir_clear (&dir);
}

/* Cells a spreadsheet would run as formulas, in every place a name can
 * come from: a customer's text fields, and source names (kept as given,
 * leading tab and carriage return included). f1's health falls from 100
 * to 30 in a week, a negative number Vigil writes, and stays there three
 * days (a health drop, design 3.3); f3 has no measure at all, so no
 * health and no churn risk. */
static const char formula_csv[] =
  "id,name,owner,segment,plan,api_calls_7d,observed_at\n"
  "f1,\"=HYPERLINK(\"\"http://x\"\")\",+1,-2 cm,@SUM(A1),5000,2026-11-14T12:00:00Z\n"
  "f1,\"=HYPERLINK(\"\"http://x\"\")\",+1,-2 cm,@SUM(A1),1500,2026-11-19T12:00:00Z\n"
  "f1,\"=HYPERLINK(\"\"http://x\"\")\",+1,-2 cm,@SUM(A1),1500,2026-11-20T12:00:00Z\n"
  "f1,\"=HYPERLINK(\"\"http://x\"\")\",+1,-2 cm,@SUM(A1),1500,2026-11-21T12:00:00Z\n"
  "f3,Nobody Knows,,,,,2026-11-21T12:00:00Z\n";
static const char plain_csv[] =
  "id,api_calls_7d,observed_at\n"
  "t1,2500,2026-11-21T12:00:00Z\n";

static char *
formula_book (TestDir *dir)
{
  char *db = vigil_test_book_location (dir, "vigil.db");
  g_autofree char *formulas = test_dir_write (dir, "formulas.csv", formula_csv, -1);
  g_autofree char *plain = test_dir_write (dir, "plain.csv", plain_csv, -1);
  g_auto(Run) a = { 0 };
  g_auto(Run) b = { 0 };
  g_auto(Run) c = { 0 };

  run_vigil (&a, "--db", db, "import", formulas);
  g_assert_cmpint (a.status, ==, 0);
  run_vigil (&b, "--db", db, "import", plain, "--source", "\ttab");
  g_assert_cmpint (b.status, ==, 0);
  run_vigil (&c, "--db", db, "import", plain, "--source", "\rcr");
  g_assert_cmpint (c.status, ==, 0);
  return db;
}

/* OWASP's rule for CSV injection: a text cell starting with = + - @, tab
 * or CR gets a leading apostrophe; numbers Vigil wrote (-70) stay
 * numbers; the rest is RFC 4180 as before (quotes doubled, a cell with
 * a quote or CR quoted). */
static void
test_cli_csv_formulas (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_auto(Run) scores = { 0 };
  g_auto(Run) history = { 0 };
  g_auto(Run) triggers = { 0 };

  test_dir_init (&dir);
  db = formula_book (&dir);

  run_vigil (&scores, "--db", db, "scores", "--format", "csv", "--sort", "id");
  g_assert_cmpint (scores.status, ==, 0);
  g_assert_cmpstr (scores.out, ==,
                   "id,source,name,owner,segment,plan,mrr,health,tier,churn_risk,observed_at,last_active,"
                   "seats,seats_used,api_calls_7d,features_used,renewal_date,activity_points,volume_points,"
                   "breadth_points,trend_7d,at_stake,churned_on,pulse,sentiment_points\r\n"
                   "f1,imported,\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2 cm,'@SUM(A1),,30,high-risk,0.5744,"
                   "2026-11-21T12:00:00Z,,,,1500,,,,30,,-70,,,,\r\n"
                   "f3,imported,Nobody Knows,,,,,,,,2026-11-21T12:00:00Z,,,,,,,,,,,,,,\r\n"
                   "t1,'\ttab,,,,,,50,high-risk,0.3318,2026-11-21T12:00:00Z,,,,2500,,,,50,,,,,,\r\n"
                   "t1,\"'\rcr\",,,,,,50,high-risk,0.3318,2026-11-21T12:00:00Z,,,,2500,,,,50,,,,,,\r\n");

  run_vigil (&history, "--db", db, "history", "f1", "--format", "csv");
  g_assert_cmpint (history.status, ==, 0);
  g_assert_cmpstr (history.out, ==,
                   "observed_at,health,tier,activity_points,volume_points,breadth_points,last_active,"
                   "api_calls_7d,features_used,seats,seats_used,mrr,open_tickets,nps,renewal_date,plan,"
                   "sentiment_points\r\n"
                   "2026-11-14T12:00:00Z,100,healthy,,100,,,5000,,,,,,,,'@SUM(A1),\r\n"
                   "2026-11-19T12:00:00Z,30,high-risk,,30,,,1500,,,,,,,,'@SUM(A1),\r\n"
                   "2026-11-20T12:00:00Z,30,high-risk,,30,,,1500,,,,,,,,'@SUM(A1),\r\n"
                   "2026-11-21T12:00:00Z,30,high-risk,,30,,,1500,,,,,,,,'@SUM(A1),\r\n");

  /* The health drop of f1 is open; its "since" is when it was seen. */
  run_vigil (&triggers, "--db", db, "triggers", "--format", "csv");
  g_assert_cmpint (triggers.status, ==, 0);
  g_assert_true (g_str_has_prefix (triggers.out, "id,rule,kind,customer,name,since,state,state_by,evidence,play\r\n"
                                   "1,health-drop,risk,f1,\"'=HYPERLINK(\"\"http://x\"\")\","));
  g_assert_true (g_str_has_suffix (triggers.out, ",new,,Health fell 70.0 points in 14 days (100.0 → 30.0),"
                                   "Retention plan and usage review\r\n"));

  test_dir_clear (&dir);
}

/* Whether a line of @text matches @pattern. */
static gboolean
has_line (const char *text,
          const char *pattern)
{
  return g_regex_match_simple (pattern, text, G_REGEX_MULTILINE, 0);
}

/* The first cell of each line of a table, or of a CSV. */
static char *
first_cells (const char *text,
             const char *separator)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], separator, 2);

      g_string_append_printf (out, "%s ", cells[0]);
    }
  return g_string_free (out, FALSE);
}

/* The ids of a JSON array of customers or triggers (@member), in order. */
static char *
json_ids (const char *text,
          const char *member)
{
  g_autoptr(JsonNode) root = parse_json (text);
  JsonArray *array = json_node_get_array (root);
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "",
                            json_object_get_string_member (json_array_get_object_element (array, i), member));
  return g_string_free (ids, FALSE);
}

/* design 3.2: `scores` and `triggers` list the active book, `scores
 * --churned` the customers whose latest outcome is churned, with the
 * day; a later renewal brings one back. */
static void
test_cli_active_book (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *ids = NULL;
  JsonObject *globex;

  run_vigil (&run, "--db", f->db, "triggers", "--format", "json");
  ids = json_ids (run.out, "customer");
  g_assert_nonnull (strstr (ids, "globex"));
  g_clear_pointer (&ids, g_free);
  run_clear (&run);

  run_vigil (&run, "--db", f->db, "outcome", "globex", "churned", "--date", "2026-11-21");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  run_vigil (&run, "--db", f->db, "scores", "--format", "json", "--sort", "id");
  g_assert_cmpint (run.status, ==, 0);
  ids = json_ids (run.out, "id");
  g_assert_cmpstr (ids, ==, "acme initech");
  g_clear_pointer (&ids, g_free);
  root = parse_json (run.out);
  g_assert_true (json_object_get_null_member (json_array_get_object_element (json_node_get_array (root), 0),
                                              "churned_on"));
  g_clear_pointer (&root, json_node_unref);
  run_clear (&run);

  run_vigil (&run, "--db", f->db, "triggers", "--format", "json");
  ids = json_ids (run.out, "customer");
  g_assert_null (strstr (ids, "globex"));
  g_assert_cmpstr (ids, !=, "");
  g_clear_pointer (&ids, g_free);
  run_clear (&run);

  run_vigil (&run, "--db", f->db, "scores", "--churned", "--format", "json");
  g_assert_cmpint (run.status, ==, 0);
  root = parse_json (run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  globex = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (globex, "id"), ==, "globex");
  g_assert_cmpstr (json_object_get_string_member (globex, "churned_on"), ==, "2026-11-21");
  /* Its figures are still there, as it was last seen. */
  g_assert_cmpfloat (json_object_get_double_member (globex, "mrr"), ==, 900.5);
  g_clear_pointer (&root, json_node_unref);
  run_clear (&run);

  run_vigil (&run, "--db", f->db, "scores", "--churned");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (has_line (run.out, "^ID .* CHURNED$"));
  g_assert_true (has_line (run.out, "^globex .* 2026-11-21$"));
  g_assert_nonnull (strstr (run.out, "1 churned customer"));
  run_clear (&run);

  /* Renewed the day after: back in the book. */
  run_vigil (&run, "--db", f->db, "outcome", "globex", "renewed", "--date", "2026-11-22");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "scores", "--format", "json", "--sort", "id");
  ids = json_ids (run.out, "id");
  g_assert_cmpstr (ids, ==, "acme globex initech");
  g_clear_pointer (&ids, g_free);
  run_clear (&run);
  run_vigil (&run, "--db", f->db, "scores", "--churned", "--format", "json");
  ids = json_ids (run.out, "id");
  g_assert_cmpstr (ids, ==, "");
}

/* design 3.2: what is at stake (churn risk × MRR) first by default and
 * with --sort at-stake; --reverse puts the least first, the unknown
 * (initech: no MRR) last either way. Whale, at risk with a large MRR,
 * puts more at stake than globex, whose health is far lower. */
static void
test_cli_scores_at_stake (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *whale = test_dir_write (&f->dir, "whale.csv",
                                           "id,name,mrr,last_active,api_calls_7d,features_used,observed_at\n"
                                           "whale,Whale Inc,50000,2026-11-21T12:00:00Z,2500,4,"
                                           "2026-11-21T12:00:00Z\n", -1);
  JsonArray *array;
  double previous = G_MAXDOUBLE;

  run_vigil (&run, "--db", f->db, "import", whale);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);

  run_vigil (&run, "--db", f->db, "scores", "--format", "json");
  g_assert_cmpint (run.status, ==, 0);
  ids = json_ids (run.out, "id");
  g_assert_cmpstr (ids, ==, "whale globex acme initech");
  g_clear_pointer (&ids, g_free);

  /* at_stake is the risk times the MRR, to the cent (the risk shown is
   * rounded to 4 decimals), null without MRR. */
  root = parse_json (run.out);
  array = json_node_get_array (root);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (array, 0), "health"), ==, 70);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *customer = json_array_get_object_element (array, i);
      double at_stake = json_object_get_double_member (customer, "at_stake");
      double mrr = json_object_get_double_member (customer, "mrr");

      g_assert_cmpfloat_with_epsilon (at_stake, json_object_get_double_member (customer, "churn_risk") * mrr,
                                      0.00005 * mrr + 0.005);
      g_assert_cmpfloat_with_epsilon (round (at_stake * 100), at_stake * 100, 1e-6);
      g_assert_cmpfloat (at_stake, <, previous);
      previous = at_stake;
    }
  g_assert_true (json_object_get_null_member (json_array_get_object_element (array, 3), "at_stake"));
  run_clear (&run);

  run_vigil (&run, "--db", f->db, "scores", "--format", "csv", "--sort", "at-stake");
  ids = first_cells (run.out, ",");
  g_assert_cmpstr (ids, ==, "whale globex acme initech ");
  g_clear_pointer (&ids, g_free);
  run_clear (&run);

  run_vigil (&run, "--db", f->db, "scores", "--format", "csv", "--sort", "at-stake", "--reverse");
  ids = first_cells (run.out, ",");
  g_assert_cmpstr (ids, ==, "acme globex whale initech ");
  g_clear_pointer (&ids, g_free);
  run_clear (&run);

  /* The table too, with the stake beside the MRR. */
  run_vigil (&run, "--db", f->db, "scores");
  g_assert_true (has_line (run.out, "^ID .* MRR +AT STAKE +SEATS +RENEWAL +PULSE$"));
  g_assert_true (g_str_has_prefix (strchr (run.out, '\n') + 1, "whale "));
}

/* One rule for a customer's churn risk, whatever the format: JSON null,
 * an empty CSV cell and a dash in the table for the customer without a
 * health score, the same number for the others; sorted by risk, unknown
 * last in both directions, as every other sort key of `scores`. */
static void
test_cli_churn_risk_agrees (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_auto(Run) json = { 0 };
  g_auto(Run) table = { 0 };
  g_auto(Run) highest = { 0 };
  g_auto(Run) lowest = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *highest_order = NULL;
  g_autofree char *lowest_order = NULL;
  JsonArray *array;
  JsonObject *f1, *f3;

  test_dir_init (&dir);
  db = formula_book (&dir);

  run_vigil (&json, "--db", db, "scores", "--format", "json");
  g_assert_cmpint (json.status, ==, 0);
  root = parse_json (json.out);
  array = json_node_get_array (root);
  f1 = find_customer (array, "f1");
  f3 = find_customer (array, "f3");
  g_assert_cmpfloat (json_object_get_double_member (f1, "churn_risk"), ==, 0.5744);
  g_assert_true (json_object_get_null_member (f3, "churn_risk"));
  g_assert_false (json_object_has_member (f3, "churn_factors"));

  run_vigil (&table, "--db", db, "scores", "--sort", "id");
  g_assert_cmpint (table.status, ==, 0);
  /* MRR, at stake, seats, renewal and pulse unknown */
  g_assert_true (has_line (table.out, "^f1 .* High risk +57 % +— +— +— +— +—$"));
  g_assert_true (has_line (table.out, "^f3 +Nobody Knows( +—){12}$"));
  g_assert_true (has_line (table.out, "^t1 .* High risk +33 % +— +— +— +— +—$"));

  run_vigil (&highest, "--db", db, "scores", "--sort", "risk", "--format", "csv");
  highest_order = first_cells (highest.out, ",");
  g_assert_cmpstr (highest_order, ==, "f1 t1 t1 f3 ");
  run_vigil (&lowest, "--db", db, "scores", "--sort", "risk", "--reverse", "--format", "csv");
  lowest_order = first_cells (lowest.out, ",");
  g_assert_cmpstr (lowest_order, ==, "t1 t1 f1 f3 ");

  test_dir_clear (&dir);
}

/* A refit that fails (here the churn model's status cannot be written)
 * does not fail the outcome: it is stored, the command exits 0, the
 * previous model stays in use and one line of standard error says so. */
static void
test_cli_outcome_refit_fails (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_auto(Run) record = { 0 };
  g_auto(Run) model = { 0 };
  g_auto(Run) history = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  {
    g_autoptr(VigilStore) store = vigil_store_open (db, &error);
    VigilChurnStatus status;

    g_assert_no_error (error);
    test_churn_separated_history (store, 41);
    for (guint i = 0; i < 40; i++)
      {
        g_autofree char *id = g_strdup_printf ("c%02u", i);
        gint64 customer = vigil_store_find_customer (store, id, NULL, &error);

        g_assert_true (vigil_store_record_outcome (store, customer, i % 2 == 0 ? "churned" : "renewed",
                                                   vigil_time_get_day (TEST_CHURN_T0), &error));
      }
    g_assert_true (vigil_churn_trainer_refit (store, &status, &error));
    g_assert_no_error (error);
    g_assert_true (status.refit_in_use);
  }
  test_churn_refuse_meta (db, "churn_status");

  run_vigil (&record, "--db", db, "outcome", "c40", "churned", "--date", "2026-11-21");
  g_assert_cmpint (record.status, ==, 0);
  g_assert_cmpstr (record.out, ==, "Recorded: c40 churned on 2026-11-21\n");
  g_assert_true (g_str_has_prefix (record.err, "vigil: the churn model was not refit ("));
  g_assert_nonnull (strstr (record.err, "writing churn_status failed"));
  g_assert_true (g_str_has_suffix (record.err, "); the previous model stays in use\n"));
  g_assert_true (strchr (record.err, '\n') == record.err + strlen (record.err) - 1);

  run_vigil (&model, "--db", db, "churn-model");
  g_assert_cmpint (model.status, ==, 0);
  g_assert_true (g_str_has_prefix (model.out, "Model: refit on 40 outcomes;"));

  run_vigil (&history, "--db", db, "history", "c40", "--format", "json");
  root = parse_json (history.out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "outcomes")),
                    ==, 1);

  test_dir_clear (&dir);
}

/* `vigil import` of documents RFC 8259 forbids, each with a good record
 * first: exit 1, the line and column named, nothing stored, the earlier
 * import intact (issue 14). */
static void
test_cli_import_invalid_json (Fixture       *f,
                              gconstpointer  data)
{
  static const struct { const char *name; const char *text; gssize length; const char *where; } bad[] = {
    { "leading-zero.json", "[{\"id\": \"new1\"}, -01]", -1, "line 1, column 20: invalid number" },
    { "hex.json", "[{\"id\": \"new1\"}, 0x1]", -1, "line 1, column 19: invalid number" },
    { "no-int.json", "[{\"id\": \"new1\"}, .2e-3]", -1, "line 1, column 18: invalid number" },
    { "no-fraction.json", "[{\"id\": \"new1\"}, 2.e3]", -1, "line 1, column 20: invalid number" },
    { "single-quote.json", "[{\"id\": \"new1\"}, 'single quote']", -1, "line 1, column 18: unexpected character" },
    { "x-escape.json", "[{\"id\": \"new1\"}, \"\\x00\"]", -1, "line 1, column 19: invalid escape" },
    { "nul-byte.json", "[{\"id\": \"new1\"}, \"\0\"]", 21, "line 1, column 19: control character U+0000" },
    { "tab.json", "[{\"id\": \"new1\"}, \"a\tb\"]", -1, "line 1, column 20: control character U+0009" },
    { "newline.json", "[{\"id\": \"new1\"}, \"a\nb\"]", -1, "line 1, column 20: control character U+000A" },
    { "u-escape.json", "[{\"id\": \"new1\"}, \"\\u12G4\"]", -1, "line 1, column 19: invalid \\u escape" },
    { "after.json", "[{\"id\": \"new1\"}][]", -1, "line 1, column 17: unexpected data after the JSON value" },
    { "lines.json", "{\"customers\": [\n  {\"id\": \"new1\"},\n  -01\n]}", -1, "line 3, column 5: invalid number" },
    { "bad-utf8.json", "[{\"id\": \"new1\"}, \"\xc0\xaf\"]", -1, "line 1, column 19: text is not valid UTF-8" },
    { "skipped.jsonl", "{\"id\": \"new1\"}\n{\"id\": \"new2\", \"skipped\": [0x1]}\n", -1, "line 2, column 29: invalid number" },
  };
  g_auto(Run) scores = { 0 };
  g_autoptr(JsonNode) root = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = test_dir_write (&f->dir, bad[i].name, bad[i].text, bad[i].length);
      /* A JSON document is read as answers are, and says so; JSON Lines
       * name the line. */
      g_autofree char *where = g_strdup_printf ("%s: %s%s", path,
                                                g_str_has_suffix (path, ".jsonl") ? "" : "not JSON: ",
                                                bad[i].where);
      g_auto(Run) run = { 0 };

      run_vigil (&run, "--db", f->db, "import", path);
      g_test_message ("%s: %s", bad[i].name, run.err);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_nonnull (strstr (run.err, "nothing was stored"));
      if (strstr (run.err, where) == NULL)
        g_error ("%s: “%s” does not say “%s”", bad[i].name, run.err, where);
    }

  run_vigil (&scores, "--db", f->db, "scores", "--format", "json");
  g_assert_cmpint (scores.status, ==, 0);
  root = parse_json (scores.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 3);
  g_assert_null (strstr (scores.out, "new1"));
}

/* An HTTP server on loopback in a thread of its own, so that it answers
 * while the test waits for `vigil`. */
typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  char         *base;
  GMutex        lock;
  GCond         ready;
  GBytes       *deep;
} ThreadServer;

static void
thread_server_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  ThreadServer *ts = user_data;
  static const char good[] = "{\"customers\": [{\"id\": \"g1\", \"name\": \"Good\"}]}";
  static const char list[] = "{\"data\": [{\"id\": \"d1\"}, {\"id\": \"d2\"}]}";

  soup_server_message_set_status (msg, 200, NULL);
  if (g_str_equal (path, "/good"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, good, strlen (good));
  else if (g_str_equal (path, "/list"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, list, strlen (list));
  else
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                      g_bytes_get_data (ts->deep, NULL), g_bytes_get_size (ts->deep));
}

static gpointer
thread_server_run (gpointer data)
{
  ThreadServer *ts = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  g_main_context_push_thread_default (ts->context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, thread_server_cb, ts, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  uri = g_uri_to_string (uris->data);

  g_mutex_lock (&ts->lock);
  ts->base = g_strndup (uri, strlen (uri) - (g_str_has_suffix (uri, "/") ? 1 : 0));
  g_cond_signal (&ts->ready);
  g_mutex_unlock (&ts->lock);

  g_main_loop_run (ts->loop);
  soup_server_disconnect (server);
  g_main_context_pop_thread_default (ts->context);
  return NULL;
}

static void
thread_server_start (ThreadServer *ts)
{
  GString *deep = g_string_sized_new (2000000);

  /* A million levels, 2 MB: the detail answer that killed `vigil poll`. */
  for (int i = 0; i < 1000000; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 1000000; i++)
    g_string_append_c (deep, ']');
  ts->deep = g_string_free_to_bytes (deep);
  ts->context = g_main_context_new ();
  ts->loop = g_main_loop_new (ts->context, FALSE);
  ts->base = NULL;
  g_mutex_init (&ts->lock);
  g_cond_init (&ts->ready);
  ts->thread = g_thread_new ("server", thread_server_run, ts);
  g_mutex_lock (&ts->lock);
  while (ts->base == NULL)
    g_cond_wait (&ts->ready, &ts->lock);
  g_mutex_unlock (&ts->lock);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
thread_server_stop (ThreadServer *ts)
{
  g_main_context_invoke (ts->context, quit_cb, ts->loop);
  g_thread_join (ts->thread);
  g_main_loop_unref (ts->loop);
  g_main_context_unref (ts->context);
  g_bytes_unref (ts->deep);
  g_free (ts->base);
  g_mutex_clear (&ts->lock);
  g_cond_clear (&ts->ready);
}

/* Two sources due: the one whose detail answer is nested a million deep
 * fails with a clear error, the other is polled and stored; no crash. */
static void
test_cli_poll_deep_detail (void)
{
  TestDir dir;
  ThreadServer ts;
  g_autofree char *db = NULL;
  g_autofree char *mapping = NULL;
  g_autofree char *mapping_path = NULL;
  g_autofree char *good_url = NULL;
  g_autofree char *list_url = NULL;
  g_auto(Run) add_good = { 0 };
  g_auto(Run) add_deep = { 0 };
  g_auto(Run) poll = { 0 };
  g_auto(Run) scores = { 0 };
  g_autoptr(JsonNode) root = NULL;

  test_dir_init (&dir);
  thread_server_start (&ts);
  db = vigil_test_book_location (&dir, "vigil.db");
  good_url = g_strconcat (ts.base, "/good", NULL);
  list_url = g_strconcat (ts.base, "/list", NULL);
  mapping = g_strdup_printf ("{\"records\": \"/data\", \"fields\": {\"id\": \"/id\"},"
                             " \"detail_url\": \"%s/detail/{id}\", \"detail_fields\": {\"name\": \"/name\"}}",
                             ts.base);
  mapping_path = test_dir_write (&dir, "detail.json", mapping, -1);

  run_vigil (&add_deep, "--db", db, "source", "add", "deep", list_url, "--mapping", mapping_path);
  g_assert_cmpint (add_deep.status, ==, 0);
  run_vigil (&add_good, "--db", db, "source", "add", "good", good_url);
  g_assert_cmpint (add_good.status, ==, 0);

  run_vigil (&poll, "--db", db, "poll");
  g_test_message ("poll: status %d\n%s%s", poll.status, poll.out, poll.err);
  g_assert_cmpint (poll.status, ==, 1);
  g_assert_nonnull (strstr (poll.out, "good: 1 read, 1 stored"));
  g_assert_nonnull (strstr (poll.err, "deep: FAILED, nothing stored"));
  g_assert_nonnull (strstr (poll.err, "a detail response is not JSON: line 1, column 513: nested too deeply"));

  run_vigil (&scores, "--db", db, "scores", "--format", "json");
  root = parse_json (scores.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (root), 0), "id"),
                   ==, "g1");

  thread_server_stop (&ts);
  test_dir_clear (&dir);
}

/* design 3.5 and 4: vigil pulse */

static JsonObject *
measure_of (JsonObject *customer,
            const char *measure)
{
  JsonObject *measures = json_object_get_object_member (customer, "measures");

  return json_object_has_member (measures, measure) ? json_object_get_object_member (measures, measure) : NULL;
}

static JsonNode *
scores_json (Fixture *f)
{
  g_auto(Run) run = { 0 };

  run_vigil (&run, "--db", f->db, "scores", "--format", "json");
  g_assert_cmpint (run.status, ==, 0);
  return parse_json (run.out);
}

/* A pulse taken and shown, with its history, in the CSM's name; what
 * is wrong with one is said and nothing is written. */
static void
test_cli_pulse (Fixture       *f,
                gconstpointer  data)
{
  g_auto(Run) none = { 0 };
  g_auto(Run) none_json = { 0 };
  g_auto(Run) me = { 0 };
  g_auto(Run) yellow = { 0 };
  g_auto(Run) red = { 0 };
  g_auto(Run) show = { 0 };
  g_auto(Run) show_json = { 0 };
  g_auto(Run) again = { 0 };
  g_autoptr(JsonNode) before = scores_json (f);
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonNode) history = NULL;
  JsonObject *root, *pulse;
  JsonArray *pulses;
  const struct
  {
    const char *args[6];
    int         status;
    const char *error;
  } refused[] = {
    { { "pulse", "acme", "purple" }, 2, "“purple” is not a sentiment: use green, yellow or red" },
    { { "pulse", "acme", "red", "--reason", "vibes" }, 2,
      "“vibes” is not a pulse reason: use one of relationship, product-fit, support, budget, champion-left, other" },
    { { "pulse", "acme", "--reason", "budget" }, 2, "--reason, --note and --at go with a pulse taken" },
    { { "pulse", "acme", "red", "--at", "2099-01-01" }, 1, "A pulse cannot be taken in the future" },
    { { "pulse", "acme", "red", "--at", "yesterday" }, 2, "“yesterday” is not a time" },
    { { "pulse", "nobody", "red" }, 1, "nobody" },
    { { "pulse", "acme", "red", "--format", "json" }, 2, "--format goes with showing a pulse" },
  };

  run_vigil (&none, "--db", f->db, "pulse", "acme");
  g_assert_cmpint (none.status, ==, 0);
  g_assert_cmpstr (none.out, ==, "acme: no pulse yet (“vigil pulse acme green|yellow|red” takes one)\n");
  run_vigil (&none_json, "--db", f->db, "pulse", "acme", "--format", "json");
  g_assert_cmpint (none_json.status, ==, 0);
  {
    g_autoptr(JsonNode) node = parse_json (none_json.out);

    g_assert_true (json_object_get_null_member (json_node_get_object (node), "pulse"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "history")),
                      ==, 0);
  }

  test_book_be (f->db, "Dana Park");
  run_vigil (&me, "--db", f->db, "me");
  g_assert_cmpint (me.status, ==, 0);
  g_assert_cmpstr (me.out, ==, "I am: Dana Park\n");

  run_vigil (&yellow, "--db", f->db, "pulse", "acme", "yellow", "--reason", "budget", "--note",
             "  Budget cut\nnext year ", "--at", "2026-11-20T18:00:00Z");
  g_assert_cmpint (yellow.status, ==, 0);
  g_assert_cmpstr (yellow.out, ==,
                   "Pulse of acme: Yellow (Budget), by Dana Park, 2026-11-20T18:00:00Z\n"
                   "The scorecard gives sentiment no weight: scores are unchanged "
                   "(“vigil scorecard set sentiment.weight 10” counts it)\n");
  run_vigil (&red, "--db", f->db, "pulse", "acme", "red", "--at", "2026-11-21");
  g_assert_cmpint (red.status, ==, 0);

  /* Weight 0: every score as it was; the current pulse in JSON. */
  after = scores_json (f);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (before)); i++)
    {
      JsonObject *was = json_array_get_object_element (json_node_get_array (before), i);
      JsonObject *now = find_customer (json_node_get_array (after), json_object_get_string_member (was, "id"));

      g_assert_cmpfloat (json_object_get_double_member (now, "health"), ==,
                         json_object_get_double_member (was, "health"));
      g_assert_null (measure_of (now, "sentiment"));
    }
  pulse = json_object_get_object_member (find_customer (json_node_get_array (after), "acme"), "pulse");
  g_assert_cmpstr (json_object_get_string_member (pulse, "sentiment"), ==, "red");
  g_assert_true (json_object_get_null_member (pulse, "reason"));
  g_assert_cmpstr (json_object_get_string_member (pulse, "at"), ==, "2026-11-21T00:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (pulse, "author"), ==, "Dana Park");
  g_assert_true (json_object_get_null_member (find_customer (json_node_get_array (after), "globex"), "pulse"));

  /* The history, newest first; the note as written, trimmed. */
  run_vigil (&show_json, "--db", f->db, "pulse", "acme", "--format", "json");
  g_assert_cmpint (show_json.status, ==, 0);
  history = parse_json (show_json.out);
  root = json_node_get_object (history);
  g_assert_cmpstr (json_object_get_string_member (root, "id"), ==, "acme");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "pulse"), "sentiment"), ==,
                   "red");
  pulses = json_object_get_array_member (root, "history");
  g_assert_cmpuint (json_array_get_length (pulses), ==, 2);
  pulse = json_array_get_object_element (pulses, 1);
  g_assert_cmpstr (json_object_get_string_member (pulse, "sentiment"), ==, "yellow");
  g_assert_cmpstr (json_object_get_string_member (pulse, "reason"), ==, "budget");
  g_assert_cmpstr (json_object_get_string_member (pulse, "note"), ==, "Budget cut\nnext year");

  /* The table keeps each note on its line. */
  run_vigil (&show, "--db", f->db, "pulse", "acme");
  g_assert_cmpint (show.status, ==, 0);
  g_assert_true (g_str_has_prefix (show.out, "acme: Red, by Dana Park, 2026-11-21T00:00:00Z\n"));
  g_assert_true (has_line (show.out, "^2026-11-20T18:00:00Z +Yellow +Budget +Dana Park +Budget cut next year$"));

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_auto(Run) run = { 0 };
      const char * const *a = refused[i].args;

      run_vigil (&run, "--db", f->db, a[0], a[1], a[2], a[3], a[4], a[5]);
      g_assert_cmpint (run.status, ==, refused[i].status);
      g_assert_nonnull (strstr (run.err, refused[i].error));
    }
  run_vigil (&again, "--db", f->db, "pulse", "acme", "--format", "json");
  g_assert_cmpstr (again.out, ==, show_json.out);
}

/* design 3.1: the sentiment measure, off until given a weight; then it
 * moves the scores of the snapshots a pulse is in force at (the latest
 * at or before each, for 90 days), rescoring from the pulse's time. */
static void
test_cli_sentiment_measure (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JsonNode) before = scores_json (f);
  g_autoptr(JsonNode) weighted = NULL;
  g_autoptr(JsonNode) green = NULL;
  g_autoptr(JsonNode) history = NULL;
  g_auto(Run) red = { 0 };
  g_auto(Run) set = { 0 };
  g_auto(Run) later = { 0 };
  g_auto(Run) stale = { 0 };
  g_auto(Run) exact = { 0 };
  g_auto(Run) csv = { 0 };
  g_auto(Run) history_csv_run = { 0 };
  g_auto(Run) history_json = { 0 };
  double acme0 = json_object_get_double_member (find_customer (json_node_get_array (before), "acme"), "health");
  double globex0 = json_object_get_double_member (find_customer (json_node_get_array (before), "globex"), "health");
  double initech0 = json_object_get_double_member (find_customer (json_node_get_array (before), "initech"), "health");
  JsonObject *sentiment;
  JsonArray *snapshots;

  run_vigil (&red, "--db", f->db, "pulse", "acme", "red", "--at", "2026-11-20T00:00:00Z");
  g_assert_cmpint (red.status, ==, 0);
  run_vigil (&stale, "--db", f->db, "pulse", "initech", "yellow", "--at", "2026-08-01T00:00:00Z");
  g_assert_cmpint (stale.status, ==, 0);
  /* 90 days to the second before globex's snapshot still counts. */
  run_vigil (&exact, "--db", f->db, "pulse", "globex", "green", "--at", "2026-08-23T12:00:00Z");
  g_assert_cmpint (exact.status, ==, 0);

  run_vigil (&set, "--db", f->db, "scorecard", "set", "sentiment.weight", "10");
  g_assert_cmpint (set.status, ==, 0);
  g_assert_cmpstr (set.out, ==, "Scorecard version 2 in use; 4 snapshots rescored\n");

  weighted = scores_json (f);
  /* acme: red counts at 10 of 110: the rest of its points × 100/110 */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (find_customer (json_node_get_array (weighted), "acme"),
                                                                 "health"),
                                  acme0 * 100 / 110, 1e-5);
  sentiment = measure_of (find_customer (json_node_get_array (weighted), "acme"), "sentiment");
  g_assert_nonnull (sentiment);
  g_assert_cmpfloat (json_object_get_double_member (sentiment, "value"), ==, 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (sentiment, "weight"), 1000.0 / 110, 1e-5);
  g_assert_cmpfloat (json_object_get_double_member (sentiment, "input"), ==, 1.5);
  g_assert_true (json_object_get_null_member (sentiment, "source"));
  /* globex: green, exactly 90 days old; its breadth is unknown, so the
   * weights known were 70 of 100, and are 80 now */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (find_customer (json_node_get_array (weighted), "globex"),
                                                                 "health"),
                                  (globex0 * 70 / 100 + 10) * 100 / 80, 1e-5);
  /* initech: its pulse is 112 days old, left out: the score as before */
  g_assert_cmpfloat (json_object_get_double_member (find_customer (json_node_get_array (weighted), "initech"),
                                                    "health"), ==, initech0);
  sentiment = measure_of (find_customer (json_node_get_array (weighted), "initech"), "sentiment");
  g_assert_true (json_object_get_null_member (sentiment, "value"));
  g_assert_cmpfloat (json_object_get_double_member (sentiment, "input"), ==, 112.5);

  /* A pulse rescores from its time: one of acme's two snapshots. */
  run_vigil (&later, "--db", f->db, "pulse", "acme", "green", "--at", "2026-11-21T00:00:00Z");
  g_assert_cmpint (later.status, ==, 0);
  g_assert_true (g_str_has_suffix (later.out, "\n1 snapshot rescored\n"));
  green = scores_json (f);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (find_customer (json_node_get_array (green), "acme"),
                                                                 "health"),
                                  (acme0 + 10) * 100 / 110, 1e-5);
  run_vigil (&history_json, "--db", f->db, "history", "acme", "--format", "json");
  history = parse_json (history_json.out);
  snapshots = json_object_get_array_member (json_node_get_object (history), "snapshots");
  g_assert_cmpuint (json_array_get_length (snapshots), ==, 2);
  sentiment = measure_of (json_array_get_object_element (snapshots, 0), "sentiment");
  g_assert_cmpfloat (json_object_get_double_member (sentiment, "value"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (sentiment, "input"), ==, 0.5);
  sentiment = measure_of (json_array_get_object_element (snapshots, 1), "sentiment");
  g_assert_cmpfloat (json_object_get_double_member (sentiment, "value"), ==, 1);

  /* CSV: the current pulse and the points it gave. */
  run_vigil (&csv, "--db", f->db, "scores", "--format", "csv", "--sort", "id");
  g_assert_cmpint (csv.status, ==, 0);
  g_assert_true (g_str_has_prefix (csv.out, "id,source,name,owner,segment,plan,mrr,health,tier,churn_risk,"
                                            "observed_at,last_active,seats,seats_used,api_calls_7d,features_used,"
                                            "renewal_date,activity_points,volume_points,breadth_points,trend_7d,"
                                            "at_stake,churned_on,pulse,sentiment_points\r\n"));
  g_assert_true (has_line (csv.out, "^acme,.*,green,9\\.090909\r$"));
  g_assert_true (has_line (csv.out, "^initech,.*,yellow,\r$"));
  run_vigil (&history_csv_run, "--db", f->db, "history", "acme", "--format", "csv");
  g_assert_true (has_line (history_csv_run.out, "^2026-11-20T12:00:00Z,.*,0\r$"));
  g_assert_true (has_line (history_csv_run.out, "^2026-11-21T12:00:00Z,.*,9\\.090909\r$"));
}

/* design 4 and 5: saved views from the command line, applied by
 * `scores --view`, explicit options winning; the default view and "I am". */
static void
test_cli_views (Fixture       *f,
                gconstpointer  data)
{
  static const char * const sort_keys[] = {
    "health", "name", "id", "owner", "segment", "plan", "mrr", "renewal", "seats", "last-active", "trend",
    "risk", "triggers",
  };
  g_autofree char *long_name = g_strnfill (81, 'v');
  const struct
  {
    const char *args[5];
    int         status;
    const char *error;
  } refused[] = {
    { { "view", "save", "   " }, 2, "A view needs a name" },
    { { "view", "save", long_name }, 2, "A view's name has at most 80 characters" },
    { { "view", "save", "x", "--sort", "shoe-size" }, 2, "Unknown sort key “shoe-size”" },
    { { "view", "save", "x", "--tier", "purple" }, 2, "Unknown tier “purple”" },
    { { "view", "remove", "nope" }, 1, "There is no saved view “nope”" },
    { { "view", "default", "nope" }, 1, "There is no saved view “nope”" },
    { { "scores", "--view", "nope" }, 1, "There is no saved view “nope” (“vigil view list” lists them)" },
    { { "view", "frobnicate" }, 2, "view needs list, save, remove or default" },
  };
  const struct
  {
    const char *args[6];
    const char *ids;
  } applied[] = {
    { { "--view", "Dana's" }, "acme initech " },
    { { "--view", "Dana's", "--owner", "Noa Levi" }, "globex " },
    { { "--view", "Dana's", "--sort", "id", "--reverse" }, "initech acme " },
    { { "--view", "emea" }, "acme " },
    { { "--view", "search" }, "initech " },
    { { "--view", "high" }, "globex " },
    { { "--segment", "APAC" }, "globex " },
    { { "--search", "acme" }, "acme " },
  };
  g_auto(Run) empty = { 0 };
  g_auto(Run) saved = { 0 };
  g_auto(Run) replaced = { 0 };
  g_auto(Run) list = { 0 };
  g_auto(Run) table = { 0 };
  g_auto(Run) made_default = { 0 };
  g_auto(Run) removed = { 0 };
  g_auto(Run) cleared = { 0 };
  g_autoptr(JsonNode) views = NULL;
  JsonObject *view;

  run_vigil (&empty, "--db", f->db, "view", "list");
  g_assert_cmpint (empty.status, ==, 0);
  g_assert_cmpstr (empty.out, ==, "No saved views (“vigil view save NAME --owner O …” saves one)\n");

  run_vigil (&saved, "--db", f->db, "view", "save", "  Dana's  ", "--owner", "Dana Park", "--sort", "name");
  g_assert_cmpint (saved.status, ==, 0);
  g_assert_cmpstr (saved.out, ==, "Saved the view “Dana's”\n");
  run_vigil (&replaced, "--db", f->db, "view", "save", "Dana's", "--owner", "Dana Park", "--sort", "mrr",
             "--reverse");
  g_assert_cmpint (replaced.status, ==, 0);
  g_assert_cmpstr (replaced.out, ==, "Replaced the view “Dana's”\n");
  {
    g_auto(Run) a = { 0 };
    g_auto(Run) b = { 0 };
    g_auto(Run) c = { 0 };

    run_vigil (&a, "--db", f->db, "view", "save", "emea", "--segment", "EMEA");
    run_vigil (&b, "--db", f->db, "view", "save", "search", "--search", "INIT");
    run_vigil (&c, "--db", f->db, "view", "save", "high", "--tier", "high-risk");
    g_assert_cmpint (a.status + b.status + c.status, ==, 0);
  }

  run_vigil (&list, "--db", f->db, "view", "list", "--format", "json");
  g_assert_cmpint (list.status, ==, 0);
  views = parse_json (list.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (views)), ==, 4);
  view = json_array_get_object_element (json_node_get_array (views), 0);
  g_assert_cmpstr (json_object_get_string_member (view, "name"), ==, "Dana's");
  g_assert_cmpstr (json_object_get_string_member (view, "owner"), ==, "Dana Park");
  g_assert_true (json_object_get_null_member (view, "tier"));
  g_assert_true (json_object_get_null_member (view, "segment"));
  g_assert_true (json_object_get_null_member (view, "search"));
  g_assert_cmpstr (json_object_get_string_member (view, "sort"), ==, "mrr");
  g_assert_true (json_object_get_boolean_member (view, "reverse"));
  g_assert_false (json_object_get_boolean_member (view, "default"));
  run_vigil (&table, "--db", f->db, "view", "list");
  g_assert_true (has_line (table.out, "^Dana's +owner Dana Park +mrr, highest first +$"));
  g_assert_true (has_line (table.out, "^high +tier high-risk +default +$"));

  for (guint i = 0; i < G_N_ELEMENTS (applied); i++)
    {
      g_auto(Run) run = { 0 };
      g_autofree char *ids = NULL;
      const char * const *a = applied[i].args;

      run_vigil (&run, "--db", f->db, "scores", "--format", "csv", a[0], a[1], a[2], a[3], a[4], a[5]);
      g_assert_cmpint (run.status, ==, 0);
      ids = first_cells (run.out, ",");
      g_assert_cmpstr (ids, ==, applied[i].ids);
    }

  /* Every sort key a view takes, `scores` takes. */
  for (guint i = 0; i < G_N_ELEMENTS (sort_keys); i++)
    {
      g_auto(Run) save = { 0 };
      g_auto(Run) run = { 0 };

      run_vigil (&save, "--db", f->db, "view", "save", "sorted", "--sort", sort_keys[i]);
      g_assert_cmpint (save.status, ==, 0);
      run_vigil (&run, "--db", f->db, "scores", "--view", "sorted", "--format", "csv");
      g_assert_cmpint (run.status, ==, 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_auto(Run) run = { 0 };
      const char * const *a = refused[i].args;

      run_vigil (&run, "--db", f->db, a[0], a[1], a[2], a[3], a[4]);
      g_assert_cmpint (run.status, ==, refused[i].status);
      g_assert_nonnull (strstr (run.err, refused[i].error));
    }

  /* The default view, forgotten with the view. */
  run_vigil (&made_default, "--db", f->db, "view", "default", "Dana's");
  g_assert_cmpint (made_default.status, ==, 0);
  g_assert_cmpstr (made_default.out, ==, "The window opens on the view “Dana's”\n");
  run_vigil (&removed, "--db", f->db, "view", "remove", "Dana's");
  g_assert_cmpint (removed.status, ==, 0);
  g_assert_cmpstr (removed.out, ==, "Removed the view “Dana's”\n");
  run_vigil (&cleared, "--db", f->db, "view", "default");
  g_assert_cmpstr (cleared.out, ==, "The window opens on My Book when “I am” is set, else on the whole book\n");

  /* A view of the churned customers (design 3.2): its book is kept. */
  {
    g_auto(Run) outcome = { 0 };
    g_auto(Run) gone = { 0 };
    g_auto(Run) churned = { 0 };
    g_auto(Run) active = { 0 };
    g_auto(Run) listed = { 0 };
    g_autofree char *churned_ids = NULL;
    g_autofree char *active_ids = NULL;

    run_vigil (&outcome, "--db", f->db, "outcome", "globex", "churned", "--date", "2026-11-21");
    g_assert_cmpint (outcome.status, ==, 0);
    run_vigil (&gone, "--db", f->db, "view", "save", "gone", "--churned");
    g_assert_cmpint (gone.status, ==, 0);
    run_vigil (&churned, "--db", f->db, "scores", "--view", "gone", "--format", "csv");
    churned_ids = first_cells (churned.out, ",");
    g_assert_cmpstr (churned_ids, ==, "globex ");
    run_vigil (&active, "--db", f->db, "scores", "--view", "emea", "--format", "csv");
    active_ids = first_cells (active.out, ",");
    g_assert_cmpstr (active_ids, ==, "acme ");
    run_vigil (&listed, "--db", f->db, "view", "list");
    g_assert_true (has_line (listed.out, "^gone +churned customers +default +$"));
  }
}

static void
test_cli_me (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Run) unset = { 0 };
  g_auto(Run) set = { 0 };
  g_auto(Run) shown = { 0 };
  g_auto(Run) control = { 0 };
  g_auto(Run) clear = { 0 };

  run_vigil (&unset, "--db", f->db, "me");
  g_assert_cmpint (unset.status, ==, 0);
  g_assert_true (g_str_has_prefix (unset.out, "I am: not set (notes and pulses are written as "));
  run_vigil (&set, "--db", f->db, "me", "  Noa Levi ");
  g_assert_cmpstr (set.out, ==, "I am: Noa Levi\n");
  run_vigil (&shown, "--db", f->db, "me");
  g_assert_cmpstr (shown.out, ==, "I am: Noa Levi\n");
  run_vigil (&control, "--db", f->db, "me", "Noa\x1b[31m");
  g_assert_cmpint (control.status, ==, 1);
  g_assert_nonnull (strstr (control.err, "cannot hold control characters"));
  run_vigil (&clear, "--db", f->db, "me", "--clear");
  g_assert_true (g_str_has_prefix (clear.out, "I am: not set"));
}

/* design 4, 5: `triggers --by-customer` is the window's inbox: one entry
 * per customer with all its open triggers, the most MRR at stake (MRR ×
 * churn risk) first, an unknown stake last; needs_decision while a risk
 * is new. The plain list stays a list of triggers. */
static const char inbox_csv[] =
  "id,name,mrr,seats,seats_used,last_active,api_calls_7d,observed_at\n"
  "acme,Acme,10000,10,9,2026-11-17T12:00:00Z,100,2026-11-21T12:00:00Z\n"
  "beta,Beta,100,10,1,2026-11-17T12:00:00Z,100,2026-11-21T12:00:00Z\n"
  "gamma,Gamma,,10,1,2026-11-17T12:00:00Z,100,2026-11-21T12:00:00Z\n"
  "delta,Delta,5000,10,10,2026-11-21T12:00:00Z,5000,2026-11-21T12:00:00Z\n";

static void
test_cli_triggers_by_customer (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_autofree char *csv = NULL;
  g_auto(Run) import = { 0 };
  g_auto(Run) plain = { 0 };
  g_auto(Run) inbox = { 0 };
  g_auto(Run) ack = { 0 };
  g_auto(Run) after = { 0 };
  g_auto(Run) table = { 0 };
  g_auto(Run) csv_run = { 0 };
  g_autoptr(JsonNode) plain_root = NULL;
  g_autoptr(JsonNode) inbox_root = NULL;
  g_autoptr(JsonNode) after_root = NULL;
  g_autofree char *ack_id = NULL;
  g_auto(GStrv) lines = NULL;
  const char *expected[] = { "acme", "delta", "beta", "gamma" };
  JsonArray *list;
  double previous = G_MAXDOUBLE;

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  csv = test_dir_write (&dir, "inbox.csv", inbox_csv, -1);
  run_vigil (&import, "--db", db, "import", csv);
  g_assert_cmpint (import.status, ==, 0);

  /* The list: five triggers, each the object it always was. */
  run_vigil (&plain, "--db", db, "triggers", "--format", "json");
  g_assert_cmpint (plain.status, ==, 0);
  plain_root = parse_json (plain.out);
  list = json_node_get_array (plain_root);
  g_assert_cmpuint (json_array_get_length (list), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *trigger = json_array_get_object_element (list, i);
      const char *members[] = { "id", "rule", "kind", "customer", "name", "since", "state", "state_by", "state_at",
                                "snoozed_until", "evidence", "tier", "play", NULL };

      g_assert_cmpuint (json_object_get_size (trigger), ==, g_strv_length ((char **) members));
      for (guint m = 0; members[m] != NULL; m++)
        g_assert_true (json_object_has_member (trigger, members[m]));
    }

  /* By customer: four entries, most at stake first, Gamma's unknown. */
  run_vigil (&inbox, "--db", db, "triggers", "--by-customer", "--format", "json");
  g_assert_cmpint (inbox.status, ==, 0);
  inbox_root = parse_json (inbox.out);
  list = json_node_get_array (inbox_root);
  g_assert_cmpuint (json_array_get_length (list), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *entry = json_array_get_object_element (list, i);
      JsonArray *triggers = json_object_get_array_member (entry, "triggers");

      g_assert_cmpstr (json_object_get_string_member (entry, "customer"), ==, expected[i]);
      for (guint t = 0; t < json_array_get_length (triggers); t++)
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (triggers, t), "customer"), ==,
                         expected[i]);
      if (i < 3)
        {
          double stake = json_object_get_double_member (entry, "at_stake");
          double mrr = json_object_get_double_member (entry, "mrr");
          double risk = json_object_get_double_member (entry, "churn_risk");

          g_assert_cmpfloat_with_epsilon (stake, mrr * risk, mrr * 1e-4);
          g_assert_cmpfloat (stake, <=, previous);
          previous = stake;
        }
      else
        {
          g_assert_true (json_object_get_null_member (entry, "at_stake"));
          g_assert_true (json_object_get_null_member (entry, "mrr"));
        }
    }
  {
    JsonObject *acme = json_array_get_object_element (list, 0);
    JsonArray *triggers = json_object_get_array_member (acme, "triggers");

    /* Acme's two triggers, its risk first; a new risk waits for a decision. */
    g_assert_cmpuint (json_array_get_length (triggers), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (triggers, 0), "rule"), ==,
                     "gone-silent");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (triggers, 1), "rule"), ==,
                     "seat-expansion");
    g_assert_true (json_object_get_boolean_member (acme, "needs_decision"));
    /* Delta has an upsell only: nothing to decide today. */
    g_assert_false (json_object_get_boolean_member (json_array_get_object_element (list, 1), "needs_decision"));
    ack_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                              json_object_get_int_member (json_array_get_object_element (triggers, 0), "id"));
  }

  /* Acknowledged, Acme's risk no longer waits for a decision, and says
   * who acknowledged it when (design 5). */
  test_book_be (db, "Dana Park");
  run_vigil (&ack, "--db", db, "trigger", "ack", ack_id);
  g_assert_cmpint (ack.status, ==, 0);
  run_vigil (&after, "--db", db, "triggers", "--by-customer", "--format", "json");
  after_root = parse_json (after.out);
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (json_node_get_array (after_root), 0),
                                                  "needs_decision"));
  {
    JsonObject *acme = json_array_get_object_element (json_node_get_array (after_root), 0);
    JsonObject *risk = json_array_get_object_element (json_object_get_array_member (acme, "triggers"), 0);
    JsonObject *upsell = json_array_get_object_element (json_object_get_array_member (acme, "triggers"), 1);

    g_assert_cmpstr (json_object_get_string_member (risk, "state_by"), ==, "Dana Park");
    g_assert_true (g_str_has_prefix (json_object_get_string_member (risk, "state_at"), "20"));
    g_assert_true (json_object_get_null_member (upsell, "state_by"));
    g_assert_true (json_object_get_null_member (upsell, "state_at"));
  }

  /* A line per customer for people and spreadsheets alike. */
  run_vigil (&table, "--db", db, "triggers", "--by-customer");
  g_assert_cmpint (table.status, ==, 0);
  g_assert_true (has_line (table.out, "^CUSTOMER +AT STAKE +MRR +RISK +RENEWAL +TRIGGERS$"));
  g_assert_true (has_line (table.out, "^Acme .* #[0-9]+ gone-silent \\(acknowledged\\), #[0-9]+ seat-expansion \\(new\\)$"));
  g_assert_true (has_line (table.out, "^Gamma +— +— +[0-9]+ % +— +#[0-9]+ gone-silent \\(new\\)$"));
  lines = g_strsplit (table.out, "\n", -1);
  /* A header, four customers, and the end of the last line. */
  g_assert_cmpuint (g_strv_length (lines), ==, 6);

  run_vigil (&csv_run, "--db", db, "triggers", "--by-customer", "--format", "csv");
  g_assert_cmpint (csv_run.status, ==, 0);
  g_assert_true (g_str_has_prefix (csv_run.out, "customer,name,at_stake,mrr,churn_risk,renewal_date,tier,triggers,"
                                                "trigger_ids\r\nacme,Acme,"));
  g_assert_nonnull (strstr (csv_run.out, ",gone-silent seat-expansion,"));
  g_assert_true (g_str_has_suffix (csv_run.out, "\r\n"));
  g_assert_nonnull (strstr (csv_run.out, "\r\ngamma,Gamma,,,"));

  test_dir_clear (&dir);
}

/* `scores --format json` is JSON by RFC 8259 whatever the names hold:
 * every control character escaped (U+001F too), quotation marks and
 * reverse solidi escaped, other text as it is, and bytes that are not
 * UTF-8 (a database edited by hand) as U+FFFD; it reads back, checked
 * byte by byte by Vigil's own reader, as the names stored. */
static void
test_cli_scores_json_rfc8259 (void)
{
  static const char records[] =
    "{\"id\":\"ctl\",\"name\":\"Tab\\tthere \\\"quoted\\\" back\\\\slash unit\\u001f\\u0001 "
    "del\\u007f \\u00e9 \\u5317\\u2028\",\"mrr\":100,\"observed_at\":\"2026-11-21T12:00:00Z\"}\n"
    "{\"id\":\"bad\",\"name\":\"Bad\",\"mrr\":200,\"observed_at\":\"2026-11-21T12:00:00Z\"}\n"
    "{\"id\":\"edge\",\"name\":\"\\\"edge\\\\\",\"mrr\":300,\"observed_at\":\"2026-11-21T12:00:00Z\"}\n";
  const char *expected = "Tab\tthere \"quoted\" back\\slash unit\x1f\x01 del\x7f \xc3\xa9 \xe5\x8c\x97\xe2\x80\xa8";
  TestDir dir;
  g_autofree char *db = NULL;
  g_autofree char *path = NULL;
  g_auto(Run) run = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  sqlite3 *handle = NULL;
  JsonArray *array;

  test_dir_init (&dir);
  db = test_dir_file (&dir, "vigil.db");
  path = test_dir_write (&dir, "names.jsonl", records, -1);
  run_vigil (&run, "--db", db, "import", path);
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  /* By hand: a name that is not UTF-8, a lone continuation byte and a
   * truncated sequence around valid text. */
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "UPDATE customers SET name = CAST (X'4180C3A942E2' AS TEXT) "
                                 "WHERE external_id = 'bad'", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);

  run_vigil (&run, "--db", db, "scores", "--format", "json", "--sort", "id");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "unit\\u001f\\u0001 del\\u007f "));
  g_assert_nonnull (strstr (run.out, "\"Tab\\tthere \\\"quoted\\\" back\\\\slash"));
  /* Escapes first and last, with nothing plain around them. */
  g_assert_nonnull (strstr (run.out, "\"name\":\"\\\"edge\\\\\","));
  root = _vigil_json_parse (run.out, -1, VIGIL_JSON_DATA, &error);
  g_assert_no_error (error);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "name"), ==,
                   "A\xef\xbf\xbd\xc3\xa9" "B\xef\xbf\xbd");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "name"), ==, expected);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 2), "name"), ==, "\"edge\\");
  /* One customer a line, as before. */
  g_assert_true (g_str_has_prefix (run.out, "[\n{\"id\":\"bad\","));
  g_assert_nonnull (strstr (run.out, "},\n{\"id\":\"ctl\","));
  g_assert_true (g_str_has_suffix (run.out, "}\n]\n"));

  test_dir_clear (&dir);
}

/* An empty book is an empty array. */
static void
test_cli_scores_json_empty (void)
{
  TestDir dir;
  g_autofree char *db = NULL;
  g_auto(Run) run = { 0 };

  test_dir_init (&dir);
  db = vigil_test_book_location (&dir, "vigil.db");
  run_vigil (&run, "--db", db, "scores", "--format", "json");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "[\n]\n");
  test_dir_clear (&dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/version-help", test_cli_version_help);
  g_test_add_func ("/cli/scores-json-empty", test_cli_scores_json_empty);
  g_test_add_func ("/cli/scores-json-chunks", test_cli_scores_json_chunks);
  g_test_add_func ("/cli/usage-errors", test_cli_usage_errors);
  g_test_add_func ("/cli/import-summary", test_cli_import_summary);
  g_test_add_func ("/cli/import-page-sized", test_cli_import_page_sized);
  g_test_add_func ("/cli/import-mapping", test_cli_import_mapping);
  g_test_add_func ("/cli/sources-and-poll", test_cli_sources_and_poll);
  g_test_add_func ("/cli/query-secrets", test_cli_query_secrets);
  g_test_add_func ("/cli/demo", test_cli_demo);
  g_test_add_func ("/cli/csv-formulas", test_cli_csv_formulas);
  g_test_add_func ("/cli/churn-risk-agrees", test_cli_churn_risk_agrees);
  g_test_add_func ("/cli/outcome-refit-fails", test_cli_outcome_refit_fails);
  g_test_add_func ("/cli/poll-deep-detail", test_cli_poll_deep_detail);
  g_test_add_func ("/cli/link-unlink", test_cli_link_unlink);
  g_test_add_func ("/cli/scores-json-accounts", test_cli_scores_json_accounts);
  g_test_add_func ("/cli/triggers-by-customer", test_cli_triggers_by_customer);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli/import-failure", test_cli_import_failure);
  ADD ("/cli/import-invalid-json", test_cli_import_invalid_json);
  ADD ("/cli/scores-json", test_cli_scores_json);
  ADD ("/cli/scores-filters", test_cli_scores_filters);
  ADD ("/cli/scores-table-csv", test_cli_scores_table_and_csv);
  ADD ("/cli/history", test_cli_history);
  ADD ("/cli/scorecard", test_cli_scorecard);
  ADD ("/cli/outcome", test_cli_outcome);
  ADD ("/cli/pulse", test_cli_pulse);
  ADD ("/cli/sentiment-measure", test_cli_sentiment_measure);
  ADD ("/cli/views", test_cli_views);
  ADD ("/cli/active-book", test_cli_active_book);
  ADD ("/cli/scores-at-stake", test_cli_scores_at_stake);
  ADD ("/cli/note-timeline", test_cli_note_timeline);

  /* SQLite's file itself: bytes that are not UTF-8 written into it by
   * hand (PostgreSQL's text refuses them), a file that is not a book,
   * and a book of an older SQLite schema. */
  if (!vigil_test_on_postgresql ())
    {
      g_test_add_func ("/cli/scores-json-rfc8259", test_cli_scores_json_rfc8259);
      g_test_add_func ("/cli/refuses-foreign-file", test_cli_refuses_foreign_file);
      ADD ("/cli/scores-after-migration", test_cli_scores_after_migration);
      /* "I am" set by vigil me: a file's (on a team's book the team's
       * people's, 1.1, tested by roles-postgresql). */
      ADD ("/cli/me", test_cli_me);
    }
#undef ADD

  return g_test_run ();
}
