/* test-copy.c: vigil db copy, a book moved whole between a file and a
 * team's book on PostgreSQL (design 4)
 *
 * A book with history, a CSM's day and a linked account is copied by the
 * vigil binary, as a user copies it; the copy must answer every command
 * as the original does, byte for byte. Run plainly, the copies are
 * files; through tests/with-postgres.sh (suite postgresql) they also go
 * through a database of the test's own on the private cluster.
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <sqlite3.h>
#include <string.h>

#include "vigil-store-private.h"
#include "vigil-test-book.h"
#include "vigil-test-history.h"
#ifdef HAVE_POSTGRESQL
#include "vigil-test-pg.h"
#endif
#include "vigil-test-run.h"
#include "vigil-test-util.h"

typedef struct
{
  TestDir  dir;
  char    *book;    /* the original, a file */
  char    *csv;
} Fixture;

/* The commands whose output a copy must give unchanged. */
static const char * const compared[][5] = {
  { "scores", "--format", "json" },
  { "scores", "--churned", "--format", "json" },
  { "scores", "--format", "csv" },
  { "history", "acct-03", "--format", "json" },
  { "history", "acct-01", "--format", "json" },
  { "timeline", "acct-03" },
  { "timeline", "acct-01", "--format", "json" },
  { "triggers", "--format", "json" },
  { "triggers", "--by-customer", "--format", "json" },
  { "source", "list" },
  { "scorecard", "show" },
  { "view", "list", "--format", "json" },
  { "view", "default" },
  { "pulse", "acct-03", "--format", "json" },
  { "churn-model" },
};

static void
run_ok (TestRun            *run,
        const char * const *args)
{
  test_run_vigil_argv (run, args);
  if (run->status != 0)
    g_error ("vigil %s %s %s %s: status %d: %s", args[0], args[1], args[2], args[3], run->status, run->err);
}

#define RUN_OK(run, ...) run_ok (run, (const char * const []) { __VA_ARGS__, NULL })

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *history = test_history_csv ();
  g_auto(TestRun) run = { 0 };

  test_dir_init (&f->dir);
  f->book = test_dir_file (&f->dir, "book.db");
  f->csv = test_dir_write (&f->dir, "history.csv", history, -1);
  RUN_OK (&run, "--db", f->book, "import", f->csv);
  /* A CSM's day: everything a book keeps besides its history. */
  RUN_OK (&run, "--db", f->book, "me", "Dana Park");
  RUN_OK (&run, "--db", f->book, "note", "acct-03", "Champion left;\tQBR booked\nnext week \\o/", "--kind", "call",
          "--at", "2026-11-08T09:30:00Z");
  RUN_OK (&run, "--db", f->book, "pulse", "acct-03", "red", "--reason", "champion-left", "--note", "Said so\tin\na call");
  RUN_OK (&run, "--db", f->book, "outcome", "acct-05", "churned", "--date", "2026-11-05");
  RUN_OK (&run, "--db", f->book, "outcome", "acct-07", "renewed", "--date", "2026-11-06");
  RUN_OK (&run, "--db", f->book, "view", "save", "dana-risk", "--owner", "Dana Park", "--sort", "mrr");
  RUN_OK (&run, "--db", f->book, "view", "default", "dana-risk");
  RUN_OK (&run, "--db", f->book, "trigger", "ack", "1");
  RUN_OK (&run, "--db", f->book, "trigger", "plan-limit", "starter", "5000");
  RUN_OK (&run, "--db", f->book, "scorecard", "set", "activity.weight", "10");
  /* an account of two records: raw observations, origins, events */
  RUN_OK (&run, "--db", f->book, "link", "imported:acct-01", "imported:acct-02");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->book);
  g_free (f->csv);
  test_dir_clear (&f->dir);
}

/* Runs @args on @book; gives what it printed, failing on a failure
 * unless @any_status, when the status and standard error are given too. */
static char *
run_on_book (const char         *book,
             const char * const *args,
             gboolean            any_status)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(TestRun) run = { 0 };

  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, (gpointer) book);
  for (guint i = 0; i < 5 && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (any_status)
    {
      test_run_vigil_argv (&run, (const char * const *) argv->pdata);
      return g_strdup_printf ("%d\n%s%s", run.status, run.out, run.err);
    }
  run_ok (&run, (const char * const *) argv->pdata);
  return g_steal_pointer (&run.out);
}

static char *
output_of (const char         *book,
           const char * const *args)
{
  return run_on_book (book, args, FALSE);
}

/* Every compared command prints the same on @copy as on @original. */
static void
assert_same_book (const char *original,
                  const char *copy)
{
  for (guint i = 0; i < G_N_ELEMENTS (compared); i++)
    {
      g_autofree char *expected = output_of (original, compared[i]);
      g_autofree char *got = output_of (copy, compared[i]);

      g_test_message ("vigil %s %s", compared[i][0], compared[i][1] ? compared[i][1] : "");
      g_assert_cmpstr (got, ==, expected);
    }
}

/* Every compared command's output on @book, joined: what "unchanged"
 * is checked against. */
static char *
book_outputs (const char *book)
{
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (compared); i++)
    {
      g_autofree char *out = run_on_book (book, compared[i], TRUE);

      g_string_append (all, out);
    }
  return g_string_free (all, FALSE);
}

static void
copy_book (TestRun    *run,
           const char *from,
           const char *to)
{
  test_run_vigil (run, "db", "copy", "--from", from, "--to", to);
}

/* A file into a new file: every table, ids kept; "I am" stays the
 * person's; a copy's progress is told on standard error. */
static void
test_copy_file_to_file (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *copy = test_dir_file (&f->dir, "copy.db");
  g_autofree char *me = NULL;
  g_auto(TestRun) run = { 0 };

  copy_book (&run, f->book, copy);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "(sources: 1, customers: 11, snapshots: 770)"));
  g_assert_nonnull (strstr (run.err, "snapshots: 770 rows copied"));
  g_assert_nonnull (strstr (run.err, "touches: 1 row copied"));
  assert_same_book (f->book, copy);
  me = output_of (copy, (const char * const []) { "me", NULL });
  g_assert_nonnull (strstr (me, "not set"));
}

/* A book that holds anything is refused, named, --merge named, and left
 * as it was; one with only "I am" set is empty. */
static void
test_copy_refuses_non_empty (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *other = test_dir_file (&f->dir, "other.db");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(TestRun) run = { 0 };

  RUN_OK (&run, "--db", other, "me", "Lee Chen");
  RUN_OK (&run, "--db", other, "view", "save", "mine", "--owner", "Lee Chen");
  before = book_outputs (other);
  copy_book (&run, f->book, other);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, other));
  g_assert_nonnull (strstr (run.err, "is not empty (views 1)"));
  g_assert_nonnull (strstr (run.err, "--merge joins it into one that has its own"));
  g_assert_nonnull (strstr (run.err, "left unchanged"));
  after = book_outputs (other);
  g_assert_cmpstr (after, ==, before);

  RUN_OK (&run, "--db", other, "view", "remove", "mine");
  copy_book (&run, f->book, other);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_book (f->book, other);
  g_clear_pointer (&after, g_free);
  after = output_of (other, (const char * const []) { "me", NULL });
  g_assert_nonnull (strstr (after, "Lee Chen"));

  /* the copy is not empty either */
  copy_book (&run, f->book, other);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "is not empty (sources 1, customers 11, snapshots 770"));
}

/* A copy that fails half way (the target refuses a touch, copied after
 * the history) leaves the target as it was. */
static void
test_copy_failure_leaves_target (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *target = test_dir_file (&f->dir, "target.db");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(TestRun) run = { 0 };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  RUN_OK (&run, "--db", target, "me", "Lee Chen");
  before = book_outputs (target);
  g_assert_cmpint (sqlite3_open (target, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER refuse BEFORE INSERT ON touches "
                                 "BEGIN SELECT RAISE (ABORT, 'no touches here'); END", NULL, NULL, NULL), ==, SQLITE_OK);
  copy_book (&run, f->book, target);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "no touches here"));
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT count(*) FROM sources) + (SELECT count(*) FROM snapshots) "
                                       "+ (SELECT count(*) FROM scorecards)", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER refuse", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  after = book_outputs (target);
  g_assert_cmpstr (after, ==, before);
}

/* Usage mistakes, a missing source, a book copied into itself: a new
 * file the copy could not fill is not left behind; --merge into an
 * empty book. */
static void
test_copy_mistakes (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *missing = test_dir_file (&f->dir, "missing.db");
  g_autofree char *target = test_dir_file (&f->dir, "target.db");
  g_auto(TestRun) run = { 0 };

  test_run_vigil (&run, "db", "copy", "--from", f->book);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--from BOOK and --to BOOK"));
  test_run_vigil (&run, "db", "move");
  g_assert_cmpint (run.status, ==, 2);
  copy_book (&run, missing, target);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "does not exist"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  copy_book (&run, f->book, f->book);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "cannot be copied into itself"));

  /* --merge into an empty book is the plain copy */
  test_run_vigil (&run, "db", "copy", "--merge", "--from", f->book, "--to", target);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_book (f->book, target);
}

/* What a copy of @from writes meanwhile into it (a touch, once the
 * sources are copied). */
typedef struct
{
  const char *from;
  gboolean    written;
} LateWrite;

static void
write_during_copy_cb (const char *table,
                      guint64     rows,
                      gboolean    done,
                      gpointer    user_data)
{
  LateWrite *late = user_data;
  g_auto(TestRun) run = { 0 };

  if (!done || late->written || !g_str_equal (table, "sources"))
    return;
  RUN_OK (&run, "--db", late->from, "note", "imported:acct-03", "Written while the copy ran");
  late->written = TRUE;
}

/* A copy of @from into the new file @to, while another Vigil writes a
 * touch into @from half way: the copy is of the book as it stood when
 * it began (one read transaction), the touch is in @from only. */
static void
assert_copy_reads_one_state (const char *from,
                             const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) source = vigil_store_open (from, &error);
  g_autoptr(VigilStore) target = NULL;
  const char * const timeline[] = { "timeline", "imported:acct-03", NULL };
  g_autofree char *copied = NULL;
  g_autofree char *now = NULL;
  LateWrite late = { from, FALSE };

  g_assert_no_error (error);
  copied = output_of (from, timeline);
  target = vigil_store_open (to, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_store_copy (source, target, VIGIL_STORE_COPY_NONE, write_during_copy_cb, &late, NULL,
                                   &error));
  g_assert_no_error (error);
  g_assert_true (late.written);
  g_clear_object (&target);
  g_clear_object (&source);
  g_clear_pointer (&now, g_free);
  now = output_of (to, timeline);
  g_assert_cmpstr (now, ==, copied);
  g_clear_pointer (&now, g_free);
  now = output_of (from, timeline);
  g_assert_nonnull (strstr (now, "Written while the copy ran"));
}

/* A file written while it is copied: the copy is of one state. */
static void
test_copy_one_state (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *copy = test_dir_file (&f->dir, "copy.db");

  assert_copy_reads_one_state (f->book, copy);
}

/* Every column of every table of the schema is copied: a migration that
 * adds one adds it to the copy. */
static void
test_copy_every_column (Fixture       *f,
                        gconstpointer  data)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint tables = 0;

  g_assert_cmpint (sqlite3_open_v2 (f->book, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT m.name, group_concat (p.name, ', ') FROM sqlite_schema m, "
                                       "pragma_table_info (m.name) p WHERE m.type = 'table' "
                                       "GROUP BY m.name ORDER BY m.name", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);

      g_test_message ("%s", table);
      g_assert_cmpstr (_vigil_store_copy_table_columns (table), ==, (const char *) sqlite3_column_text (stmt, 1));
      tables++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (tables, ==, 18);
}

/* --merge (design 4). Two books that share one customer by a key: a
 * product's usage in one, a CRM's in the other, acme.com in both. */
static const char * const product_keys[] = { "acme.com", "p1.com", "p2.com", "p3.com", "p4.com" };
static const char * const crm_keys[] = { "acme.com", "crm-1", "crm-2" };

static char *
product_input (void)
{
  GString *input = g_string_new (NULL);

  for (int day = 0; day < 10; day++)
    for (int i = 0; i < 5; i++)
      g_string_append_printf (input,
                              "{\"id\": \"p%d\", \"keys\": [\"%s\"], \"name\": \"Product %d\", "
                              "\"owner\": \"Dana Park\", \"plan\": \"growth\", \"api_calls_7d\": %d, "
                              "\"features\": {\"reports\": %d, \"export\": %d}, \"seats\": 10, "
                              "\"seats_used\": %d, \"last_active\": \"2026-11-%02dT10:00:00Z\", "
                              "\"observed_at\": \"2026-11-%02dT12:00:00Z\"}\n",
                              i, product_keys[i], i, 1000 + 10 * i + day, 5 + day, i, 5 + i, 10 + day, 10 + day);
  return g_string_free (input, FALSE);
}

static char *
crm_input (void)
{
  GString *input = g_string_new (NULL);
  static const int days[] = { 3, 7 };

  for (guint d = 0; d < G_N_ELEMENTS (days); d++)
    for (int i = 0; i < 3; i++)
      g_string_append_printf (input,
                              "{\"id\": \"c%d\", \"keys\": [\"%s\"], \"name\": \"CRM %d\", \"owner\": \"Lee Chen\", "
                              "\"segment\": \"EMEA\", \"mrr\": %d.5, \"nps\": %d, \"open_tickets\": %d, "
                              "\"renewal_date\": \"2027-03-01\", \"observed_at\": \"2026-11-%02dT13:00:00Z\"}\n",
                              i, crm_keys[i], i, 100 * (i + 1) + days[d], 7 + i, days[d] % 3, 10 + days[d]);
  return g_string_free (input, FALSE);
}

typedef struct
{
  char *product;         /* a book of the product's usage and a note on p0 */
  char *crm;             /* a book of the CRM's and a call on c0 */
  char *product_input;
  char *crm_input;
} TwoBooks;

static void
add_product (TwoBooks   *books,
             const char *book)
{
  g_auto(TestRun) run = { 0 };

  RUN_OK (&run, "--db", book, "import", books->product_input, "--source", "product");
  RUN_OK (&run, "--db", book, "note", "product:p0", "Product's note", "--at", "2026-11-14T09:00:00Z");
}

static void
add_crm (TwoBooks   *books,
         const char *book)
{
  g_auto(TestRun) run = { 0 };

  RUN_OK (&run, "--db", book, "import", books->crm_input, "--source", "crm");
  RUN_OK (&run, "--db", book, "note", "crm:c0", "CRM's call", "--kind", "call", "--at", "2026-11-15T09:00:00Z");
}

static void
two_books_init (TwoBooks *books,
                TestDir  *dir)
{
  g_autofree char *product = product_input ();
  g_autofree char *crm = crm_input ();

  books->product_input = test_dir_write (dir, "product.jsonl", product, -1);
  books->crm_input = test_dir_write (dir, "crm.jsonl", crm, -1);
  books->product = test_dir_file (dir, "product.db");
  books->crm = test_dir_file (dir, "crm.db");
  add_product (books, books->product);
  add_crm (books, books->crm);
}

static void
two_books_clear (TwoBooks *books)
{
  g_free (books->product);
  g_free (books->crm);
  g_free (books->product_input);
  g_free (books->crm_input);
}

static void
merge_book (TestRun    *run,
            const char *from,
            const char *to)
{
  test_run_vigil (run, "db", "copy", "--merge", "--from", from, "--to", to);
}

/* What must agree, byte for byte, between a merged book and one that
 * imported both books' input itself. */
static const char * const merged_compared[][5] = {
  { "scores", "--format", "json" },
  { "scores", "--format", "csv" },
  { "history", "acme.com", "--format", "json" },
  { "history", "p3", "--format", "json" },
  { "history", "c2", "--format", "json" },
  { "triggers", "--format", "json" },
};

/* @output without the lines that tell when a trigger opened: when the
 * book that opened it was written, not what it holds. */
static char *
without_since (char *output)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  GString *kept = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"since\"") == NULL)
      g_string_append_printf (kept, "%s\n", lines[i]);
  g_free (output);
  return g_string_free (kept, FALSE);
}

static void
assert_merged_as_one (const char *merged,
                      const char *one)
{
  for (guint i = 0; i < G_N_ELEMENTS (merged_compared); i++)
    {
      g_autofree char *expected = without_since (output_of (one, merged_compared[i]));
      g_autofree char *got = without_since (output_of (merged, merged_compared[i]));

      g_test_message ("vigil %s %s", merged_compared[i][0], merged_compared[i][1]);
      g_assert_cmpstr (got, ==, expected);
    }
}

/* The customer of both books is one, with both records, both histories
 * and both touches; the others all came across; the book reads as one
 * that imported both inputs in the same order. @target holds the
 * product's book and the CRM's is merged in, or (!@product_first) the
 * other way round. */
static void
assert_shared_customer_merge (TestDir    *dir,
                              TwoBooks   *books,
                              const char *target,
                              gboolean    product_first)
{
  g_autofree char *one = test_dir_file (dir, product_first ? "one-pc.db" : "one-cp.db");
  g_autofree char *timeline = NULL;
  g_autofree char *scores = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(TestRun) run = { 0 };

  if (product_first)
    {
      add_product (books, one);
      add_crm (books, one);
    }
  else
    {
      add_crm (books, one);
      add_product (books, one);
    }
  merge_book (&run, product_first ? books->crm : books->product, target);
  g_assert_cmpint (run.status, ==, 0);
  g_test_message ("%s", run.out);
  g_assert_nonnull (strstr (run.out, product_first
                                     ? " (sources: 1, 0 joined by name; customers: 3, 1 joined a customer of the "
                                       "target; observations stored: 6, already stored: 0; touches: 1, pulses: 0"
                                     : " (sources: 1, 0 joined by name; customers: 5, 1 joined a customer of the "
                                       "target; observations stored: 50, already stored: 0; touches: 1, pulses: 0"));
  g_assert_nonnull (strstr (run.out, "the target's scorecard and settings kept"));
  assert_merged_as_one (target, one);

  scores = output_of (target, (const char * const []) { "scores", "--format", "csv", NULL });
  lines = g_strsplit (g_strstrip (scores), "\n", -1);
  /* a header; p0 with c0, p1…p4, c1, c2 */
  g_assert_cmpuint (g_strv_length (lines), ==, 8);
  g_clear_pointer (&scores, g_free);
  scores = output_of (target, (const char * const []) { "scores", "--format", "json", NULL });
  g_assert_nonnull (strstr (scores, product_first
                                    ? "\"records\":[{\"source\":\"product\",\"id\":\"p0\"},{\"source\":\"crm\",\"id\":\"c0\"}]"
                                    : "\"records\":[{\"source\":\"crm\",\"id\":\"c0\"},{\"source\":\"product\",\"id\":\"p0\"}]"));
  timeline = output_of (target, (const char * const []) { "timeline", "acme.com", NULL });
  g_assert_nonnull (strstr (timeline, "Product's note"));
  g_assert_nonnull (strstr (timeline, "CRM's call"));
}

static void
test_merge_shared_customer (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *target = vigil_test_book_location (&f->dir, "target");
  g_autofree char *other = vigil_test_book_location (&f->dir, "other");
  TwoBooks books = { 0 };
  g_auto(TestRun) run = { 0 };

  two_books_init (&books, &f->dir);
  copy_book (&run, books.product, target);
  g_assert_cmpint (run.status, ==, 0);
  assert_shared_customer_merge (&f->dir, &books, target, TRUE);
  copy_book (&run, books.crm, other);
  g_assert_cmpint (run.status, ==, 0);
  assert_shared_customer_merge (&f->dir, &books, other, FALSE);
  two_books_clear (&books);
}

/* Every row of every table of the book at @location, as text: what
 * "left as it was" is checked against, on either engine. */
static char *
book_rows (const char *location)
{
  static const char * const tables[] = {
    "meta", "sources", "source_validators", "source_field_counts", "features", "scorecards", "customers",
    "records", "record_keys", "snapshots", "observations", "scores", "outcomes", "triggers", "touches",
    "pulses", "events", "views",
  };
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      const char *columns = _vigil_store_copy_table_columns (tables[i]);
      g_auto(GStrv) names = g_strsplit (columns, ", ", 3);
      g_autofree char *order = g_strdup_printf ("%s, %s", names[0], names[1]);
      g_autofree char *rows = NULL;

      /* the JSON column as its text on both engines */
      if (g_str_equal (tables[i], "events"))
        columns = "id, customer_id, at, kind, CAST (detail AS TEXT), author";
      rows = test_book_rows (location, columns, tables[i], order);
      g_string_append_printf (all, "%s:\n%s\n", tables[i], rows != NULL ? rows : "");
    }
  return g_string_free (all, FALSE);
}

/* Merging a book again changes nothing: every observation is stored,
 * every touch, pulse, outcome, trigger, event and view is there. And a
 * book merged into a copy of itself is left as it was. */
static void
test_merge_twice (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *target = vigil_test_book_location (&f->dir, "target");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *rows_before = NULL;
  g_autofree char *rows_after = NULL;
  TwoBooks books = { 0 };
  g_auto(TestRun) run = { 0 };

  copy_book (&run, f->book, target);
  g_assert_cmpint (run.status, ==, 0);
  /* the book's triggers as an import brings them up to date (the
   * scorecard changed after its last), as the merge does after it: its
   * history again, all of it already stored */
  RUN_OK (&run, "--db", target, "import", f->csv);
  before = book_outputs (target);
  merge_book (&run, f->book, target);
  g_assert_cmpint (run.status, ==, 0);
  g_test_message ("%s", run.out);
  /* how far it is, on standard error: each source's history */
  g_assert_nonnull (strstr (run.err, "snapshots (imported): 840 rows copied\n"));
  g_assert_nonnull (strstr (run.out, " (sources: 1, 1 joined by name; customers: 11, 11 joined a customer of the "
                                     "target; observations stored: 0, already stored: 840; touches: 0, pulses: 0, "
                                     "outcomes: 0, triggers: 0, events: 0, views: 0);"));
  after = book_outputs (target);
  g_assert_cmpstr (after, ==, before);

  /* two books: the second merge adds nothing */
  two_books_init (&books, &f->dir);
  g_clear_pointer (&target, g_free);
  target = vigil_test_book_location (&f->dir, "pair");
  copy_book (&run, books.product, target);
  g_assert_cmpint (run.status, ==, 0);
  merge_book (&run, books.crm, target);
  g_assert_cmpint (run.status, ==, 0);
  rows_before = book_rows (target);
  merge_book (&run, books.crm, target);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "observations stored: 0, already stored: 6; touches: 0"));
  rows_after = book_rows (target);
  /* only the triggers' last seen moves on: the merge brings them up to
   * date after it, as an import does */
  g_assert_cmpint (test_book_int (target, "SELECT count(*) FROM touches"), ==, 2);
  {
    g_autofree char *untriggered_before = g_strdup (rows_before);
    g_autofree char *untriggered_after = g_strdup (rows_after);

    *strstr (untriggered_before, "triggers:\n") = '\0';
    *strstr (untriggered_after, "triggers:\n") = '\0';
    g_assert_cmpstr (untriggered_after, ==, untriggered_before);
    g_assert_cmpstr (strstr (rows_after, "touches:\n"), ==, strstr (rows_before, "touches:\n"));
  }
  two_books_clear (&books);
}

/* The same source in both books, the same record: one record, its
 * history by time from both, the target's observation kept at an
 * instant both have. A source joins by name, the target's definition
 * kept; one the target lacks comes with its definition. */
static void
test_merge_same_record (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *target = vigil_test_book_location (&f->dir, "target");
  g_autofree char *from = test_dir_file (&f->dir, "from.db");
  g_autofree char *ours = test_dir_write (&f->dir, "ours.jsonl",
                                          "{\"id\": \"c9\", \"mrr\": 100, \"observed_at\": \"2026-11-01T00:00:00Z\"}\n"
                                          "{\"id\": \"c9\", \"mrr\": 200, \"observed_at\": \"2026-11-02T00:00:00Z\"}\n", -1);
  g_autofree char *theirs = test_dir_write (&f->dir, "theirs.jsonl",
                                            "{\"id\": \"c9\", \"mrr\": 999, \"observed_at\": \"2026-11-02T00:00:00Z\"}\n"
                                            "{\"id\": \"c9\", \"mrr\": 300, \"observed_at\": \"2026-11-03T00:00:00Z\"}\n", -1);
  g_autofree char *history = NULL;
  g_autofree char *sources = NULL;
  g_auto(TestRun) run = { 0 };

  RUN_OK (&run, "--db", target, "import", ours, "--source", "crm");
  RUN_OK (&run, "--db", from, "source", "add", "crm", "http://127.0.0.1:9/theirs", "--interval", "45");
  RUN_OK (&run, "--db", from, "source", "add", "web", "http://127.0.0.1:9/web", "--interval", "30");
  RUN_OK (&run, "--db", from, "import", theirs, "--source", "crm");
  /* what the last polls' pages said, to ask next time whether they changed */
  test_book_exec (from, "INSERT INTO source_validators (source_id, url, etag, last_modified) VALUES"
                        " ((SELECT id FROM sources WHERE name = 'web'), 'http://127.0.0.1:9/web', '\"w1\"', NULL),"
                        " ((SELECT id FROM sources WHERE name = 'web'), 'http://127.0.0.1:9/web?page=2', NULL,"
                        "  'Mon, 30 Nov 2026 12:00:00 GMT'),"
                        " ((SELECT id FROM sources WHERE name = 'crm'), 'http://127.0.0.1:9/theirs', '\"c1\"', NULL)");
  merge_book (&run, from, target);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, " (sources: 2, 1 joined by name; customers: 1, 1 joined a customer of the "
                                     "target; observations stored: 1, already stored: 1;"));
  /* a source new to the target keeps its pages' validators; one joined
   * by name keeps the target's (none: it was imported) */
  {
    g_autofree char *validators = test_book_rows (target, "s.name, v.url, v.etag, v.last_modified",
                                                  "source_validators v JOIN sources s ON s.id = v.source_id",
                                                  "v.url");

    g_assert_cmpstr (validators, ==, "[\"web\",\"http://127.0.0.1:9/web\",\"\\\"w1\\\"\",null]\n"
                                     "[\"web\",\"http://127.0.0.1:9/web?page=2\",null,"
                                     "\"Mon, 30 Nov 2026 12:00:00 GMT\"]");
  }
  history = output_of (target, (const char * const []) { "history", "crm:c9", "--format", "csv", NULL });
  g_assert_nonnull (strstr (history, "2026-11-01T00:00:00Z"));
  g_assert_nonnull (strstr (history, ",200"));
  g_assert_null (strstr (history, "999"));
  g_assert_nonnull (strstr (history, ",300"));
  g_assert_cmpint (test_book_int (target, "SELECT count(*) FROM records"), ==, 1);
  g_assert_cmpint (test_book_int (target, "SELECT count(*) FROM snapshots"), ==, 3);
  sources = output_of (target, (const char * const []) { "source", "list", NULL });
  g_assert_null (strstr (sources, "127.0.0.1:9/theirs"));
  g_assert_nonnull (strstr (sources, "127.0.0.1:9/web"));
  g_assert_cmpint (test_book_int (target, "SELECT interval_min FROM sources WHERE name = 'web'"), ==, 30);
}

/* A merge the target refuses half way (a touch, carried after the
 * history is joined) leaves every row of the target as it was. */
static void
test_merge_failure_leaves_target (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *target = vigil_test_book_location (&f->dir, "target");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  TwoBooks books = { 0 };
  g_auto(TestRun) run = { 0 };

  two_books_init (&books, &f->dir);
  copy_book (&run, books.product, target);
  g_assert_cmpint (run.status, ==, 0);
  if (vigil_store_location_is_shared (target))
    test_book_exec (target, "CREATE FUNCTION refuse () RETURNS trigger LANGUAGE plpgsql AS "
                            "'BEGIN RAISE EXCEPTION ''no touches here''; END'; "
                            "CREATE TRIGGER refuse BEFORE INSERT ON touches FOR EACH ROW EXECUTE FUNCTION refuse ()");
  else
    test_book_exec (target, "CREATE TRIGGER refuse BEFORE INSERT ON touches "
                            "BEGIN SELECT RAISE (ABORT, 'no touches here'); END");
  before = book_rows (target);
  merge_book (&run, books.crm, target);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "no touches here"));
  after = book_rows (target);
  g_assert_cmpstr (after, ==, before);
  two_books_clear (&books);
}

/* A team's book merged into a file: the same as a file merged. */
static void
test_merge_from_team (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *team = vigil_test_book_location (&f->dir, "team");
  g_autofree char *target = test_dir_file (&f->dir, "file-target.db");
  g_autofree char *one = test_dir_file (&f->dir, "one.db");
  TwoBooks books = { 0 };
  g_auto(TestRun) run = { 0 };

  two_books_init (&books, &f->dir);
  copy_book (&run, books.crm, team);
  g_assert_cmpint (run.status, ==, 0);
  copy_book (&run, books.product, target);
  g_assert_cmpint (run.status, ==, 0);
  merge_book (&run, team, target);
  g_assert_cmpint (run.status, ==, 0);
  add_product (&books, one);
  add_crm (&books, one);
  assert_merged_as_one (target, one);
  two_books_clear (&books);
}

/* What the CSMs wrote follows the customers: an outcome on a day the
 * target's customer has one stays the target's, another comes across;
 * a pulse comes across; a saved view of a name the target has stays the
 * target's, another comes across; "I am" stays the target's. */
static void
test_merge_what_csms_wrote (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *target = vigil_test_book_location (&f->dir, "target");
  g_autofree char *views = NULL;
  g_autofree char *pulse = NULL;
  TwoBooks books = { 0 };
  g_auto(TestRun) run = { 0 };

  two_books_init (&books, &f->dir);
  copy_book (&run, books.product, target);
  g_assert_cmpint (run.status, ==, 0);
  test_book_be (target, "Dana Park");
  RUN_OK (&run, "--db", target, "outcome", "product:p0", "renewed", "--date", "2026-11-20");
  RUN_OK (&run, "--db", target, "view", "save", "mine", "--owner", "Dana Park");
  RUN_OK (&run, "--db", books.crm, "me", "Lee Chen");
  RUN_OK (&run, "--db", books.crm, "outcome", "crm:c0", "churned", "--date", "2026-11-20");
  RUN_OK (&run, "--db", books.crm, "outcome", "crm:c1", "churned", "--date", "2026-11-21");
  RUN_OK (&run, "--db", books.crm, "pulse", "crm:c0", "yellow", "--reason", "budget");
  RUN_OK (&run, "--db", books.crm, "view", "save", "mine", "--owner", "Lee Chen");
  RUN_OK (&run, "--db", books.crm, "view", "save", "emea", "--segment", "EMEA");
  merge_book (&run, books.crm, target);
  g_assert_cmpint (run.status, ==, 0);
  g_test_message ("%s", run.out);
  g_assert_nonnull (strstr (run.out, "touches: 1, pulses: 1, outcomes: 1, triggers: 0, events: 0, views: 1);"));
  g_assert_cmpint (test_book_int (target, "SELECT count(*) FROM outcomes o JOIN records r "
                                          "ON r.customer_id = o.customer_id WHERE r.external_id = 'c0' "
                                          "AND o.day = '2026-11-20' AND o.outcome = 'renewed'"), ==, 1);
  g_assert_cmpint (test_book_int (target, "SELECT count(*) FROM outcomes o JOIN records r "
                                          "ON r.customer_id = o.customer_id WHERE r.external_id = 'c1' "
                                          "AND o.day = '2026-11-21' AND o.outcome = 'churned'"), ==, 1);
  pulse = output_of (target, (const char * const []) { "pulse", "acme.com", "--format", "json", NULL });
  g_assert_nonnull (strstr (pulse, "\"sentiment\" : \"yellow\""));
  views = output_of (target, (const char * const []) { "view", "list", "--format", "json", NULL });
  g_assert_nonnull (strstr (views, "\"name\" : \"emea\""));
  g_assert_nonnull (strstr (views, "\"owner\" : \"Dana Park\""));
  g_assert_null (strstr (views, "Lee Chen"));
  two_books_clear (&books);
}

#ifdef HAVE_POSTGRESQL
/* A file into a team's book, back into a new file and into another
 * team's book: the same book all the way; the server's ids go on after
 * the highest copied; a second copy into it is refused. */
static void
test_copy_postgresql (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *name = NULL;
  g_autofree char *server = NULL;
  g_autofree char *other_name = NULL;
  g_autofree char *other = NULL;
  g_autofree char *back = test_dir_file (&f->dir, "back.db");
  g_autofree char *late = test_dir_file (&f->dir, "late.db");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *ids = NULL;
  g_auto(TestRun) run = { 0 };
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  name = vigil_test_pg_create_database ();
  server = vigil_test_pg_location (name);
  copy_book (&run, f->book, server);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "snapshots: 770 rows copied"));
  assert_same_book (f->book, server);
  copy_book (&run, server, back);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_book (f->book, back);
  /* and from one team's server to another's */
  other_name = vigil_test_pg_create_database ();
  other = vigil_test_pg_location (other_name);
  copy_book (&run, server, other);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_book (f->book, other);
  vigil_test_pg_drop_database (other_name);

  /* refused, and left as it was */
  before = book_outputs (server);
  copy_book (&run, back, server);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "is not empty (sources 1, customers 11"));
  after = book_outputs (server);
  g_assert_cmpstr (after, ==, before);

  /* a team's book written while it is copied out */
  assert_copy_reads_one_state (server, late);

  /* new rows get fresh ids: a source, a customer, a touch */
  RUN_OK (&run, "--db", server, "import", f->csv, "--source", "crm");
  RUN_OK (&run, "--db", server, "note", "imported:acct-04", "Renewal call booked");
  g_assert_nonnull (strstr (run.out, "touch 3"));
  conn = vigil_test_pg_connect (server);
  ids = vigil_test_pg_query_text (conn, "SELECT (SELECT max (id) FROM vigil.sources) || ' ' || "
                                        "(SELECT min (id) FROM vigil.customers WHERE source_id = 2)");
  g_assert_cmpstr (ids, ==, "2 13");
  PQfinish (conn);
  vigil_test_pg_drop_database (name);
}

/* A copy the server refuses half way (a day that is no day, which
 * PostgreSQL checks and SQLite does not) leaves the team's book empty. */
static void
test_copy_postgresql_failure (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *name = NULL;
  g_autofree char *server = NULL;
  g_autofree char *count = NULL;
  g_auto(TestRun) run = { 0 };
  sqlite3 *db = NULL;
  PGconn *conn;

  if (vigil_test_pg_skip_without_cluster ())
    return;
  name = vigil_test_pg_create_database ();
  server = vigil_test_pg_location (name);
  g_assert_cmpint (sqlite3_open (f->book, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE outcomes SET day = 'soon' WHERE outcome = 'renewed'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  copy_book (&run, f->book, server);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "outcomes"));
  conn = vigil_test_pg_connect (server);
  count = vigil_test_pg_query_text (conn, "SELECT (SELECT count(*) FROM vigil.sources) + "
                                          "(SELECT count(*) FROM vigil.snapshots) + "
                                          "(SELECT count(*) FROM vigil.scorecards)");
  g_assert_cmpstr (count, ==, "1");

  /* still empty: the copy goes in once the day is one */
  g_assert_cmpint (sqlite3_exec (db, "UPDATE outcomes SET day = '2026-11-06' WHERE day = 'soon'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  copy_book (&run, f->book, server);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_book (f->book, server);
  PQfinish (conn);
  vigil_test_pg_drop_database (name);
}
#endif

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/copy/file-to-file", test_copy_file_to_file);
  ADD ("/copy/refuses-non-empty", test_copy_refuses_non_empty);
  ADD ("/copy/failure-leaves-target", test_copy_failure_leaves_target);
  ADD ("/copy/mistakes", test_copy_mistakes);
  ADD ("/copy/one-state", test_copy_one_state);
  ADD ("/copy/every-column", test_copy_every_column);
  ADD ("/copy/merge/shared-customer", test_merge_shared_customer);
  ADD ("/copy/merge/twice", test_merge_twice);
  ADD ("/copy/merge/same-record", test_merge_same_record);
  ADD ("/copy/merge/failure-leaves-target", test_merge_failure_leaves_target);
  ADD ("/copy/merge/from-team", test_merge_from_team);
  ADD ("/copy/merge/what-csms-wrote", test_merge_what_csms_wrote);
#ifdef HAVE_POSTGRESQL
  ADD ("/copy/postgresql", test_copy_postgresql);
  ADD ("/copy/postgresql-failure", test_copy_postgresql_failure);
#endif
#undef ADD

  return g_test_run ();
}
