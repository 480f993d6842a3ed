/* test-report.c: the weekly PDF report, read back with poppler's tools
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vigil-core.h"
#include "vigil-test-book.h"
#include "vigil-report.h"
#include "vigil-report-data.h"
#include "vigil-report-layout.h"

/* The fixed book: daily snapshots at noon UTC for five weeks that end on
 * Sunday 15 November 2026, the last day of ISO week 2026-W46. */
#define LAST_DAY 20772          /* 2026-11-15, a Sunday */
#define N_DAYS 35
#define WEEK_YEAR 2026
#define WEEK_NUMBER 46

#define CHINESE_NAME "北京云图科技"
#define HEBREW_NAME "חברת אלפא"
#define MARKUP_NAME "<b>markup</b>"

static const char * const owners[] = { "Dana Park", "Sven Eriksson" };

typedef struct
{
  char   *dir;
  char   *db_path;
  char   *database;        /* on PostgreSQL: the book's database */
  guint   n_customers;
  double  mrr_total;       /* at the end of the week */
  guint   n_dana;
} Book;

static void
book_free (Book *book)
{
  g_autoptr(GDir) dir = g_dir_open (book->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (book->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (book->dir);
  vigil_test_book_drop_lasting (book->database);
  g_free (book->dir);
  g_free (book->db_path);
  g_free (book);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Book, book_free)

static const char *
get_customer_name (guint  i,
                   char  *buffer)
{
  switch (i)
    {
    case 0: return CHINESE_NAME;
    case 1: return HEBREW_NAME;
    case 2: return MARKUP_NAME;
    default:
      g_snprintf (buffer, 32, "Account %03u", i);
      return buffer;
    }
}

/* The three names in other scripts belong to Sven, so Dana's report
 * must show none of them. */
static const char *
get_owner (guint i)
{
  return i < 3 ? owners[1] : owners[i % 2];
}

static double
get_mrr (guint i)
{
  return 100.0 + 37.0 * i;
}

static Book *
build_book (guint n_customers)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilIngest) ingest = NULL;
  Book *book = g_new0 (Book, 1);
  gint64 last = (gint64) LAST_DAY * 86400 + 12 * 3600;

  book->dir = g_dir_make_tmp ("vigil-report-XXXXXX", &error);
  g_assert_no_error (error);
  /* On PostgreSQL a database of the book's own (the suite runs on both
   * engines: tests/meson.build); the folder keeps the reports. */
  book->db_path = vigil_test_book_lasting (book->dir, "vigil.db", &book->database);
  book->n_customers = n_customers;

  store = vigil_store_open (book->db_path, &error);
  g_assert_no_error (error);
  ingest = vigil_ingest_begin (store, "crm", last, &error);
  g_assert_no_error (error);

  for (guint day = 0; day < N_DAYS; day++)
    for (guint i = 0; i < n_customers; i++)
      {
        g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
        gint64 observed_at = last - (gint64) (N_DAYS - 1 - day) * 86400;
        char buffer[32];
        /* Some rise, some fall, some stay. */
        double level = fmod (i * 0.137, 1.0);
        double drift = (i % 3 == 0 ? -0.01 : i % 3 == 1 ? 0.008 : 0) * day;
        double h = CLAMP (level + drift, 0.02, 1.0);

        s->customer_id = g_strdup_printf ("c%04u", i);
        s->name = g_strdup (get_customer_name (i, buffer));
        s->owner = g_strdup (get_owner (i));
        s->plan = g_strdup ("pro");
        s->mrr = get_mrr (i);
        s->seats = 50;
        s->seats_used = (gint64) (50 * h);
        s->api_calls_7d = (gint64) (6000 * h);
        s->features_used = (gint64) (9 * h);
        s->observed_at = observed_at;
        s->last_active = observed_at - (gint64) ((1.0 - h) * 100) * 3600;
        s->open_tickets = (gint64) ((1.0 - h) * 6);
        s->renewal_day = LAST_DAY + 10 + (gint32) (i * 7 % 300);
        g_assert_true (vigil_ingest_add (ingest, s, &error));
        g_assert_no_error (error);
      }
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < n_customers; i++)
    {
      book->mrr_total += get_mrr (i);
      if (g_str_equal (get_owner (i), owners[0]))
        book->n_dana++;
    }
  return book;
}

static gboolean
have_poppler (void)
{
  if (g_getenv ("PDFTOTEXT") == NULL || g_getenv ("PDFINFO") == NULL || g_getenv ("PDFFONTS") == NULL)
    {
      g_test_skip ("poppler-utils (pdftotext, pdfinfo, pdffonts) not found");
      return FALSE;
    }
  return TRUE;
}

static char *
run_tool (const char *tool_env,
          const char *first_arg,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  const char *arg;
  int status;
  va_list ap;

  g_ptr_array_add (args, (gpointer) g_getenv (tool_env));
  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* pdftotext wraps right-to-left runs in U+202B … U+202C: drop them. */
static char *
pdf_text (const char *path,
          int         page,
          gboolean    layout)
{
  g_autofree char *first = g_strdup_printf ("%d", page > 0 ? page : 1);
  g_autofree char *last = g_strdup_printf ("%d", page > 0 ? page : 100000);
  g_autofree char *text = run_tool ("PDFTOTEXT", "-enc", "UTF-8", layout ? "-layout" : "-nopgbrk",
                                    "-f", first, "-l", last, path, "-", NULL);
  GString *clean = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x202a || c > 0x202e)
        g_string_append_unichar (clean, c);
    }
  return g_string_free (clean, FALSE);
}

static int
pdf_pages (const char *path)
{
  g_autofree char *info = run_tool ("PDFINFO", path, NULL);
  const char *line = strstr (info, "Pages:");

  g_assert_nonnull (line);
  return atoi (line + strlen ("Pages:"));
}

static char *
write_report (Book             *book,
              const char       *owner,
              VigilReportPaper  paper,
              const char       *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = vigil_store_open (book->db_path, &error);
  VigilReportOptions options = { WEEK_YEAR, WEEK_NUMBER, owner, paper };
  char *path = g_build_filename (book->dir, file, NULL);

  g_assert_no_error (error);
  g_assert_true (vigil_report_write_pdf (store, &options, path, &error));
  g_assert_no_error (error);
  return path;
}

/* The fonts @path embeds, as pdffonts lists them: a font (a subset of a
 * face, "ABCDEF+Cantarell-Bold") a line. */
static GPtrArray *
pdf_fonts (const char *path)
{
  g_autofree char *listing = run_tool ("PDFFONTS", path, NULL);
  g_auto(GStrv) lines = g_strsplit (listing, "\n", -1);
  GPtrArray *fonts = g_ptr_array_new_with_free_func (g_free);

  g_test_message ("%s", listing);
  /* Two lines of header, then the name first on each line. */
  for (guint i = 2; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_ptr_array_add (fonts, g_strndup (lines[i], strcspn (lines[i], " ")));
  return fonts;
}

/* How many of @fonts are subsets of @face (the name after the tag). */
static guint
count_subsets (GPtrArray  *fonts,
               const char *face)
{
  guint n = 0;

  for (guint i = 0; i < fonts->len; i++)
    {
      const char *name = g_ptr_array_index (fonts, i);
      const char *plus = strchr (name, '+');

      n += g_str_equal (plus != NULL ? plus + 1 : name, face);
    }
  return n;
}

/* Whether one line of the layout text matches @pattern. */
static gboolean
has_line (const char *text,
          const char *pattern)
{
  return g_regex_match_simple (pattern, text, G_REGEX_MULTILINE, 0);
}

/* ISO weeks ---------------------------------------------------------------- */

static void
test_iso_week_parse (void)
{
  static const struct
  {
    const char *text;
    gboolean    ok;
    int         year;
    int         week;
  } cases[] = {
    { "2026-W46", TRUE, 2026, 46 },
    { "2026-W01", TRUE, 2026, 1 },
    { "2026-W53", TRUE, 2026, 53 },   /* 2026 starts on a Thursday: 53 weeks */
    { "2020-W53", TRUE, 2020, 53 },   /* a leap year starting on a Wednesday */
    { "2015-W53", TRUE, 2015, 53 },
    { "2025-W52", TRUE, 2025, 52 },
    { "2025-W53", FALSE },
    { "2027-W53", FALSE },
    { "2026-W00", FALSE },
    { "2026-W54", FALSE },
    { "2026-W99", FALSE },
    { "2026-W4", FALSE },
    { "2026-W460", FALSE },
    { "2026W46", FALSE },
    { "2026-w46", FALSE },
    { "2026-46", FALSE },
    { " 2026-W46", FALSE },
    { "2026-W46 ", FALSE },
    { "0000-W01", FALSE },
    { "-026-W46", FALSE },
    { "20a6-W46", FALSE },
    { "2026-W4a", FALSE },
    { "2026-W+6", FALSE },
    { "", FALSE },
    { NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int year = -1, week = -1;
      gboolean ok = vigil_iso_week_parse (cases[i].text, &year, &week);

      g_test_message ("%s", cases[i].text != NULL ? cases[i].text : "(null)");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        {
          g_assert_cmpint (year, ==, cases[i].year);
          g_assert_cmpint (week, ==, cases[i].week);
        }
    }
}

static void
test_iso_week_last_full (void)
{
  int year, week;
  gint32 monday;

  /* Wednesday 18 November 2026: the last full week is W46. */
  g_assert_true (vigil_report_last_full_week ((gint64) 20775 * 86400 + 3600, &year, &week));
  g_assert_cmpint (year, ==, 2026);
  g_assert_cmpint (week, ==, 46);
  /* Monday 16 November 2026 00:00: W46 just ended. */
  g_assert_true (vigil_report_last_full_week ((gint64) 20773 * 86400, &year, &week));
  g_assert_cmpint (week, ==, 46);
  /* Sunday 15 November 2026 23:59: W46 is not over yet. */
  g_assert_true (vigil_report_last_full_week ((gint64) 20773 * 86400 - 1, &year, &week));
  g_assert_cmpint (week, ==, 45);
  /* Saturday 2 January 2027 belongs to 2026-W53: the week before is W52. */
  g_assert_true (vigil_report_last_full_week ((gint64) vigil_date_from_civil (2027, 1, 2) * 86400, &year, &week));
  g_assert_cmpint (year, ==, 2026);
  g_assert_cmpint (week, ==, 52);
  /* Monday 4 January 2027: 2026-W53 is the last full week. */
  g_assert_true (vigil_report_last_full_week ((gint64) vigil_date_from_civil (2027, 1, 4) * 86400, &year, &week));
  g_assert_cmpint (year, ==, 2026);
  g_assert_cmpint (week, ==, 53);

  g_assert_true (vigil_iso_week_get_first_day (2026, 46, &monday));
  g_assert_cmpint (monday, ==, vigil_date_from_civil (2026, 11, 9));
  g_assert_true (vigil_iso_week_get_first_day (2026, 1, &monday));
  g_assert_cmpint (monday, ==, vigil_date_from_civil (2025, 12, 29));
}

/* The figures ---------------------------------------------------------------- */

#define GHOST_OWNER "Ghost Owner"

/* A customer nothing is measured of (no activity, calls or features, so
 * no health score) but whose other churn features look dire: 20 open
 * tickets, renewal today. A model fed reference values for the rest would
 * rank it first; with no health score it has no risk at all. */
static void
add_ghost (Book *book)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = vigil_store_open (book->db_path, &error);
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
  gint64 last = (gint64) LAST_DAY * 86400 + 12 * 3600;

  g_assert_no_error (error);
  ingest = vigil_ingest_begin (store, "crm", last, &error);
  g_assert_no_error (error);
  s->customer_id = g_strdup ("ghost");
  s->name = g_strdup ("Ghost Ltd");
  s->owner = g_strdup (GHOST_OWNER);
  s->mrr = 5000;
  s->observed_at = last;
  s->open_tickets = 20;
  s->renewal_day = LAST_DAY;
  g_assert_true (vigil_ingest_add (ingest, s, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
}

static void
test_report_data_unknown_risk (void)
{
  g_autoptr(Book) book = build_book (12);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilReportData) data = NULL;
  g_autoptr(VigilReportData) ghost_only = NULL;
  const VigilReportCustomer *last;

  add_ghost (book);
  store = vigil_store_open (book->db_path, &error);
  g_assert_no_error (error);

  /* Asked for more top risks than there are customers: every customer
   * with a risk is one, highest first, with its reasons; the ghost is not. */
  data = vigil_report_data_gather (store, WEEK_YEAR, WEEK_NUMBER, NULL, 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (data->customers->len, ==, 13);
  g_assert_cmpuint (data->n_top_risks, ==, 12);
  for (guint i = 0; i < data->n_top_risks; i++)
    {
      const VigilReportCustomer *c = &g_array_index (data->customers, VigilReportCustomer, i);

      g_assert_cmpstr (c->row->latest->customer_id, !=, "ghost");
      g_assert_true (isfinite (c->churn_risk));
      g_assert_nonnull (c->reasons);
      if (i > 0)
        g_assert_cmpfloat (c->churn_risk, <=,
                           g_array_index (data->customers, VigilReportCustomer, i - 1).churn_risk);
    }

  /* The ghost has no risk and comes after every customer that has one. */
  last = &g_array_index (data->customers, VigilReportCustomer, data->customers->len - 1);
  g_assert_cmpstr (last->row->latest->customer_id, ==, "ghost");
  g_assert_true (isnan (last->churn_risk));
  g_assert_null (last->reasons);

  /* An owner whose only customer has no risk has no top risks. */
  ghost_only = vigil_report_data_gather (store, WEEK_YEAR, WEEK_NUMBER, GHOST_OWNER, 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ghost_only->customers->len, ==, 1);
  g_assert_cmpuint (ghost_only->n_top_risks, ==, 0);
}

/* The PDF says so: no top risk, and the portfolio row shows no risk. */
static void
test_report_unknown_risk_pdf (void)
{
  g_autoptr(Book) book = NULL;
  g_autofree char *path = NULL;
  g_autofree char *layout = NULL;

  if (!have_poppler ())
    return;

  book = build_book (3);
  add_ghost (book);
  path = write_report (book, GHOST_OWNER, VIGIL_REPORT_PAPER_A4, "ghost.pdf");
  layout = pdf_text (path, 0, TRUE);
  g_assert_nonnull (strstr (layout, "No customer has a churn risk: none has a health score."));
  g_assert_true (has_line (layout, "^\\s*1\\s+Ghost Ltd\\s+Ghost Owner\\s+—\\s+—\\s+—\\s+—\\s"));
}

/* The PDF -------------------------------------------------------------------- */

static void
test_report_content (void)
{
  g_autoptr(Book) book = NULL;
  g_autofree char *path = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *layout = NULL;
  g_autofree char *pattern = NULL;
  int n_pages, first_table_page = 0;

  if (!have_poppler ())
    return;

  book = build_book (120);
  path = write_report (book, NULL, VIGIL_REPORT_PAPER_A4, "week.pdf");
  raw = pdf_text (path, 0, FALSE);
  layout = pdf_text (path, 0, TRUE);

  /* Names are data: any script, and markup stays text. */
  g_assert_nonnull (strstr (raw, CHINESE_NAME));
  g_assert_nonnull (strstr (raw, HEBREW_NAME));
  g_assert_nonnull (strstr (raw, MARKUP_NAME));

  g_assert_nonnull (strstr (raw, "Weekly customer health report"));
  g_assert_nonnull (strstr (raw, "All owners"));
  g_assert_nonnull (strstr (raw, "9 November 2026 – 15 November 2026"));
  g_assert_nonnull (strstr (raw, "Top risks"));
  g_assert_nonnull (strstr (raw, "Upsell opportunities"));
  g_assert_nonnull (strstr (raw, "Biggest movers"));

  /* Headline numbers as the database has them (C locale: no grouping). */
  pattern = g_strdup_printf ("^\\s*Customers\\s+%u\\s+%u\\s+±0\\s*$", book->n_customers, book->n_customers);
  g_assert_true (has_line (layout, pattern));
  g_clear_pointer (&pattern, g_free);
  pattern = g_strdup_printf ("^\\s*Total MRR\\s+%.0f\\s+%.0f\\s+±0\\s*$", book->mrr_total, book->mrr_total);
  g_assert_true (has_line (layout, pattern));

  /* Every page numbered "n of N"; the table header on every table page. */
  n_pages = pdf_pages (path);
  g_assert_cmpint (n_pages, >=, 5);
  for (int page = 1; page <= n_pages; page++)
    {
      g_autofree char *text = pdf_text (path, page, TRUE);
      g_autofree char *number = g_strdup_printf ("Page %d of %d", page, n_pages);

      g_assert_nonnull (strstr (text, number));
      if (strstr (text, "Portfolio by churn risk") != NULL)
        first_table_page = page;
      if (first_table_page > 0)
        g_assert_true (has_line (text, "^\\s*#\\s+Customer\\s+Owner\\s+Tier\\s+Health\\s+7 days\\s+Churn risk\\s+MRR\\s+Renewal\\s*$"));
    }
  g_assert_cmpint (first_table_page, >, 0);
  g_assert_cmpint (first_table_page, <, n_pages);
  /* The table ends with the last customer. */
  {
    g_autofree char *last_page = pdf_text (path, n_pages, TRUE);
    g_autofree char *last_row = g_strdup_printf ("^\\s*%u\\s", book->n_customers);

    g_assert_true (has_line (last_page, last_row));
  }
}

/* Records @outcome for customer c%04u (@index) on @day. */
static void
record_outcome (Book       *book,
                guint       index,
                const char *outcome,
                gint32      day)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = vigil_store_open (book->db_path, &error);
  g_autofree char *id = g_strdup_printf ("c%04u", index);
  gint64 customer;

  g_assert_no_error (error);
  customer = vigil_store_find_customer (store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (vigil_store_record_outcome (store, customer, outcome, day, &error));
  g_assert_no_error (error);
}

static VigilReportData *
gather (Book *book)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = vigil_store_open (book->db_path, &error);
  VigilReportData *data;

  g_assert_no_error (error);
  data = vigil_report_data_gather (store, WEEK_YEAR, WEEK_NUMBER, NULL, 10, &error);
  g_assert_no_error (error);
  return data;
}

static gboolean
lists_customer (const VigilReportData *data,
                const char            *id)
{
  for (guint i = 0; i < data->rows->len; i++)
    if (g_str_equal (((VigilPortfolioRow *) data->rows->pdata[i])->latest->customer_id, id))
      return TRUE;
  return FALSE;
}

/* design 6: each point of the 12-week health trend, read in one pass
 * over the customers, is the average health of the active book as it
 * stood at that week's end (each customer's latest score by then; a
 * customer churned by then left out, back once renewed), as the book
 * of that moment gives it, read by another query. */
static void
test_report_trend_points (void)
{
  g_autoptr(Book) book = build_book (40);
  g_autoptr(VigilReportData) data = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;

  /* Churned two weeks before the report's week ends, another renewed
   * after churning. */
  record_outcome (book, 39, "churned", LAST_DAY - 14);
  record_outcome (book, 38, "churned", LAST_DAY - 20);
  record_outcome (book, 38, "renewed", LAST_DAY - 8);
  data = gather (book);
  store = vigil_store_open (book->db_path, &error);
  g_assert_no_error (error);
  /* Five weeks of history: the older week ends have no score. */
  g_assert_cmpuint (data->n_trend, ==, 5);
  for (guint i = 0; i < data->n_trend; i++)
    {
      g_autoptr(GPtrArray) rows = vigil_store_list_portfolio_at (store, data->trend_times[i], NULL, &error);
      double sum = 0;
      guint count = 0;

      g_assert_no_error (error);
      for (guint r = 0; r < rows->len; r++)
        {
          const VigilPortfolioRow *row = g_ptr_array_index (rows, r);

          if (!isnan (row->score.health))
            {
              sum += row->score.health;
              count++;
            }
        }
      g_assert_cmpuint (count, >, 0);
      g_assert_cmpfloat_with_epsilon (data->trend_values[i], sum / count, 1e-9);
      if (i > 0)
        g_assert_cmpint (data->trend_times[i] - data->trend_times[i - 1], ==, 7 * 86400);
    }
}

/* design 3.2 and 6: the report counts and lists the active book as it
 * stood at the end of the week. A customer churned on the week's
 * Thursday is in the week before's figures, not in this week's, nor in
 * its lists and new triggers; this week says one churned. A renewal
 * after it brings it back. */
static void
test_report_active_book (void)
{
  g_autoptr(Book) book = build_book (40);
  g_autoptr(VigilReportData) before = NULL;
  g_autoptr(VigilReportData) churned = NULL;
  g_autoptr(VigilReportData) renewed = NULL;
  g_autofree char *path = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *layout = NULL;
  g_autofree char *pattern = NULL;
  /* c0039, "Account 039", the largest MRR, silent and failing. */
  double mrr = get_mrr (39);

  before = gather (book);
  g_assert_true (lists_customer (before, "c0039"));
  g_assert_cmpuint (before->now.customers, ==, 40);
  g_assert_cmpuint (before->now.churned, ==, 0);
  g_assert_cmpuint (before->now.new_risk_triggers, >, 0);

  record_outcome (book, 39, "churned", LAST_DAY - 3);
  churned = gather (book);
  g_assert_false (lists_customer (churned, "c0039"));
  g_assert_cmpuint (churned->customers->len, ==, 39);
  g_assert_cmpuint (churned->now.customers, ==, 39);
  g_assert_cmpuint (churned->before.customers, ==, 40);
  g_assert_cmpfloat_with_epsilon (churned->now.mrr, book->mrr_total - mrr, 1e-6);
  g_assert_cmpfloat_with_epsilon (churned->before.mrr, book->mrr_total, 1e-6);
  g_assert_cmpfloat_with_epsilon (churned->now.mrr_at_risk, before->now.mrr_at_risk - mrr, 1e-6);
  g_assert_cmpuint (churned->now.churned, ==, 1);
  g_assert_cmpuint (churned->now.new_risk_triggers, <, before->now.new_risk_triggers);
  /* The health trend's last point is the week's book too. */
  g_assert_cmpuint (churned->n_trend, >, 0);
  g_assert_cmpfloat_with_epsilon (churned->trend_values[churned->n_trend - 1], churned->now.average_health, 1e-9);
  g_assert_cmpfloat (churned->now.average_health, >, before->now.average_health);
  for (guint i = 0; i < churned->upsells->len; i++)
    g_assert_cmpstr (g_array_index (churned->upsells, VigilReportUpsell, i).customer->row->latest->customer_id,
                     !=, "c0039");

  if (have_poppler ())
    {
      path = write_report (book, NULL, VIGIL_REPORT_PAPER_A4, "churned.pdf");
      raw = pdf_text (path, 0, FALSE);
      layout = pdf_text (path, 0, TRUE);
      g_assert_null (strstr (raw, "Account 039"));
      g_assert_nonnull (strstr (raw, "Account 038"));
      g_assert_true (has_line (layout, "^\\s*Customers\\s+39\\s+40\\s+-1\\s*$"));
      g_assert_true (has_line (layout, "^\\s*Outcomes recorded: churned\\s+1\\s+0\\s+\\+1\\s*$"));
      pattern = g_strdup_printf ("^\\s*Total MRR\\s+%.0f\\s+%.0f\\s", book->mrr_total - mrr, book->mrr_total);
      g_assert_true (has_line (layout, pattern));
    }

  record_outcome (book, 39, "renewed", LAST_DAY - 1);
  renewed = gather (book);
  g_assert_true (lists_customer (renewed, "c0039"));
  g_assert_cmpuint (renewed->now.customers, ==, 40);
  g_assert_cmpuint (renewed->now.new_risk_triggers, ==, before->now.new_risk_triggers);
}

static void
test_report_pages_grow (void)
{
  g_autoptr(Book) small = NULL;
  g_autoptr(Book) large = NULL;
  g_autofree char *small_path = NULL;
  g_autofree char *large_path = NULL;

  if (!have_poppler ())
    return;

  small = build_book (20);
  large = build_book (400);
  small_path = write_report (small, NULL, VIGIL_REPORT_PAPER_A4, "small.pdf");
  large_path = write_report (large, NULL, VIGIL_REPORT_PAPER_A4, "large.pdf");
  /* About 50 rows a page. */
  g_assert_cmpint (pdf_pages (large_path), >=, pdf_pages (small_path) + 7);
}

static void
test_report_deterministic (void)
{
  g_autoptr(Book) book = build_book (60);
  g_autofree char *first = write_report (book, NULL, VIGIL_REPORT_PAPER_A4, "first.pdf");
  g_autofree char *second = write_report (book, NULL, VIGIL_REPORT_PAPER_A4, "second.pdf");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gsize a_len, b_len;

  g_assert_true (g_file_get_contents (first, &a, &a_len, NULL));
  g_assert_true (g_file_get_contents (second, &b, &b_len, NULL));
  g_assert_cmpmem (a, a_len, b, b_len);
  g_assert_true (g_str_has_prefix (a, "%PDF-"));
}

/* design 6: the report's own text takes one font subset a face: no
 * ligature ("Headline figures" in bold), no minus sign U+2212 (a change
 * down), no figure space (the day of a date label under a chart).
 * Dana's customers have names in Latin letters only; Sven's in other
 * scripts take faces of their own, not a second subset of the report's. */
static void
test_report_one_subset_per_face (void)
{
  g_autoptr(Book) book = NULL;
  g_autoptr(GPtrArray) fonts = NULL;
  g_autoptr(GHashTable) faces = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = NULL;
  g_autofree char *layout = NULL;
  g_autofree char *all = NULL;

  if (!have_poppler ())
    return;

  book = build_book (40);
  path = write_report (book, "Dana Park", VIGIL_REPORT_PAPER_A4, "dana.pdf");
  layout = pdf_text (path, 0, TRUE);
  /* What would have taken a second subset is there. */
  g_assert_true (has_line (layout, "^\\s*Headline figures\\s*$"));
  g_assert_true (has_line (layout, "^\\s*At-risk customers\\s+2\\s+3\\s+(-|−)1\\s*$"));
  g_assert_true (has_line (layout, "(^|\\s)9 Nov(\\s|$)"));

  fonts = pdf_fonts (path);
  for (guint i = 0; i < fonts->len; i++)
    {
      const char *name = g_ptr_array_index (fonts, i);
      const char *plus = strchr (name, '+');

      g_hash_table_add (faces, (gpointer) (plus != NULL ? plus + 1 : name));
    }
  g_assert_cmpuint (fonts->len, >=, 2);
  g_assert_cmpuint (fonts->len, ==, g_hash_table_size (faces));
  g_assert_cmpuint (count_subsets (fonts, "Cantarell-Regular"), ==, 1);
  g_assert_cmpuint (count_subsets (fonts, "Cantarell-Bold"), ==, 1);
  g_clear_pointer (&fonts, g_ptr_array_unref);

  /* The whole book: the Chinese and Hebrew names take other faces. */
  all = write_report (book, NULL, VIGIL_REPORT_PAPER_A4, "all.pdf");
  fonts = pdf_fonts (all);
  g_assert_cmpuint (fonts->len, >, 2);
  g_assert_cmpuint (count_subsets (fonts, "Cantarell-Regular"), ==, 1);
  g_assert_cmpuint (count_subsets (fonts, "Cantarell-Bold"), ==, 1);
}

/* The glyphs Pango shapes @text into in @family, with the report's font
 * features or with the font's own. */
static guint
count_glyphs (PangoContext *context,
              const char   *family,
              const char   *text,
              gboolean      report_features)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = pango_font_description_from_string (family);
  PangoLayoutIter *iter;
  guint glyphs = 0;

  pango_font_description_set_absolute_size (font, 10 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  if (report_features)
    _vigil_report_set_font_features (layout, text);
  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);

      if (run != NULL)
        glyphs += (guint) run->glyphs->num_glyphs;
    }
  while (pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);
  g_object_unref (layout);
  return glyphs;
}

/* design 6: Latin text without ligatures, but a name in Arabic keeps the
 * lam-alef its script requires: "لأ" is one glyph (DejaVu Sans has it
 * among its optional ligatures, which "liga=0" would turn off). */
static void
test_report_ligatures (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 10, 10);
  cairo_t *cr = cairo_create (surface);
  PangoContext *context = pango_cairo_create_context (cr);

  /* The font forms them, the report does not. */
  g_assert_cmpuint (count_glyphs (context, "Cantarell", "Profile office", FALSE), <, 14);
  g_assert_cmpuint (count_glyphs (context, "Cantarell", "Profile office", TRUE), ==, 14);
  g_assert_cmpuint (count_glyphs (context, "Cantarell", "fi ff fl", TRUE), ==, 8);
  /* "لأ" and "fi" side by side: the Arabic pair joined, the Latin not. */
  if (count_glyphs (context, "DejaVu Sans", "لأ", FALSE) != 1)
    g_test_incomplete ("no font here shapes a lam-alef ligature");
  else
    g_assert_cmpuint (count_glyphs (context, "DejaVu Sans", "لأ fi", TRUE), ==, 1 + 1 + 2);
  g_object_unref (context);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_report_owner (void)
{
  g_autoptr(Book) book = NULL;
  g_autofree char *path = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *layout = NULL;
  g_autofree char *pattern = NULL;

  if (!have_poppler ())
    return;

  book = build_book (40);
  path = write_report (book, "Dana Park", VIGIL_REPORT_PAPER_A4, "dana.pdf");
  raw = pdf_text (path, 0, FALSE);
  layout = pdf_text (path, 0, TRUE);

  g_assert_nonnull (strstr (raw, "Owner: Dana Park"));
  g_assert_null (strstr (raw, "Sven Eriksson"));
  g_assert_null (strstr (raw, CHINESE_NAME));
  g_assert_null (strstr (raw, HEBREW_NAME));
  for (guint i = 3; i < book->n_customers; i++)
    {
      char buffer[32];
      const char *name = get_customer_name (i, buffer);

      g_assert_cmpint (strstr (raw, name) != NULL, ==, g_str_equal (get_owner (i), "Dana Park"));
    }
  pattern = g_strdup_printf ("^\\s*Customers\\s+%u\\s+%u\\s+±0\\s*$", book->n_dana, book->n_dana);
  g_assert_true (has_line (layout, pattern));
}

static guint
count_occurrences (const char *text,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* design 6: each top risk says its last touch (design 3.4) as the book
 * stood at the week's end: a call of the week, not a note, nor a
 * meeting logged for a day after the week; "none logged" for the others. */
static void
test_report_last_touch (void)
{
  g_autoptr(Book) book = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilReportData) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *raw = NULL;
  gint64 noon = (gint64) LAST_DAY * 86400 + 12 * 3600;
  gint64 top;

  if (!have_poppler ())
    return;

  book = build_book (12);
  store = vigil_store_open (book->db_path, &error);
  g_assert_no_error (error);
  data = vigil_report_data_gather (store, WEEK_YEAR, WEEK_NUMBER, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (data->n_top_risks, ==, 10);
  top = g_array_index (data->customers, VigilReportCustomer, 0).row->customer_id;

  g_assert_cmpint (vigil_store_add_touch (store, top, VIGIL_TOUCH_CALL, noon - 3 * 86400, "Renewal call", &error),
                   >, 0);
  g_assert_cmpint (vigil_store_add_touch (store, top, VIGIL_TOUCH_NOTE, noon - 86400, "A note", &error), >, 0);
  g_assert_cmpint (vigil_store_add_touch (store, top, VIGIL_TOUCH_MEETING, noon + 5 * 86400, "After the week",
                                          &error), >, 0);
  g_assert_no_error (error);
  g_clear_object (&store);

  path = write_report (book, NULL, VIGIL_REPORT_PAPER_A4, "touch.pdf");
  raw = pdf_text (path, 0, FALSE);
  g_assert_nonnull (strstr (raw, "Last touch: 2026-11-12, 3 days before the week’s end"));
  g_assert_cmpuint (count_occurrences (raw, "Last touch: none logged"), ==, 9);
  g_assert_null (strstr (raw, "Last touch: 2026-11-20"));
}

static void
test_report_letter (void)
{
  g_autoptr(Book) book = NULL;
  g_autofree char *path = NULL;
  g_autofree char *info = NULL;

  if (!have_poppler ())
    return;

  book = build_book (10);
  path = write_report (book, NULL, VIGIL_REPORT_PAPER_LETTER, "letter.pdf");
  info = run_tool ("PDFINFO", path, NULL);
  g_assert_nonnull (strstr (info, "612 x 792 pts (letter)"));
}

static guint
count_files (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_report_errors (void)
{
  g_autoptr(Book) book = build_book (10);
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = vigil_store_open (book->db_path, &error);
  g_autofree char *path = g_build_filename (book->dir, "none.pdf", NULL);
  VigilReportOptions no_data = { 2025, 10, NULL, VIGIL_REPORT_PAPER_A4 };
  VigilReportOptions no_owner = { WEEK_YEAR, WEEK_NUMBER, "Nobody", VIGIL_REPORT_PAPER_A4 };
  VigilReportOptions after = { WEEK_YEAR, WEEK_NUMBER + 2, NULL, VIGIL_REPORT_PAPER_A4 };
  guint n_files;
  int year, week;

  g_assert_no_error (error);
  n_files = count_files (book->dir);

  g_assert_false (vigil_report_write_pdf (store, &no_data, path, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "2025-W10"));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_false (vigil_report_write_pdf (store, &after, path, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_false (vigil_report_write_pdf (store, &no_owner, path, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Nobody"));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* No temporary file left behind either. */
  g_assert_cmpuint (count_files (book->dir), ==, n_files);

  /* The default week: the last full one, or the newest data's. */
  g_assert_true (vigil_report_get_default_week (store, (gint64) (LAST_DAY + 3) * 86400, NULL,
                                                &year, &week, &error));
  g_assert_no_error (error);
  g_assert_cmpint (week, ==, 46);
  g_assert_true (vigil_report_get_default_week (store, (gint64) (LAST_DAY + 60) * 86400, NULL,
                                                &year, &week, &error));
  g_assert_cmpint (week, ==, 46);
  g_assert_true (vigil_report_get_default_week (store, (gint64) (LAST_DAY - 3) * 86400, NULL,
                                                &year, &week, &error));
  g_assert_cmpint (week, ==, 45);
  g_assert_false (vigil_report_get_default_week (store, (gint64) LAST_DAY * 86400, "Nobody",
                                                 &year, &week, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
}

/* The command line ---------------------------------------------------------- */

static int
run_vigil (char       **out,
           char       **err,
           const char  *first_arg,
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
  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_subprocess_launcher_unsetenv (launcher, "VIGIL_DB");
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

static void
test_report_cli (void)
{
  g_autoptr(Book) book = NULL;
  g_autofree char *path = NULL;
  g_autofree char *api_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gsize a_len, b_len;
  int status;

  if (g_getenv ("VIGIL_BINARY") == NULL)
    {
      g_test_skip ("VIGIL_BINARY not set");
      return;
    }

  book = build_book (30);
  path = g_build_filename (book->dir, "cli.pdf", NULL);
  status = run_vigil (&out, &err, "--db", book->db_path, "report", "--output", path,
                      "--week", "2026-W46", "--paper", "a4", NULL);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "2026-W46"));
  /* The command line and the API give the same bytes. */
  api_path = write_report (book, NULL, VIGIL_REPORT_PAPER_A4, "api.pdf");
  g_assert_true (g_file_get_contents (path, &a, &a_len, NULL));
  g_assert_true (g_file_get_contents (api_path, &b, &b_len, NULL));
  g_assert_cmpmem (a, a_len, b, b_len);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage errors exit 2; no data exits 1 with a message; no file either way. */
  g_assert_cmpint (unlink (path), ==, 0);
  g_assert_cmpint (run_vigil (&out, &err, "--db", book->db_path, "report", "--output", path,
                              "--week", "2026-W54", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "2026-W54"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigil (&out, &err, "--db", book->db_path, "report", "--week", "2026-W46", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigil (&out, &err, "--db", book->db_path, "report", "--output", path,
                              "--week", "2026-W10", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "No data for week 2026-W10"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vigil (&out, &err, "--db", book->db_path, "report", "--output", path,
                              "--owner", "Nobody", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Nobody"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  /* Numbers without grouping and English labels, whatever the host. */
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/report/iso-week/parse", test_iso_week_parse);
  g_test_add_func ("/report/data/trend-points", test_report_trend_points);
  g_test_add_func ("/report/iso-week/last-full", test_iso_week_last_full);
  g_test_add_func ("/report/data/unknown-risk", test_report_data_unknown_risk);
  g_test_add_func ("/report/pdf/content", test_report_content);
  g_test_add_func ("/report/pdf/active-book", test_report_active_book);
  g_test_add_func ("/report/pdf/unknown-risk", test_report_unknown_risk_pdf);
  g_test_add_func ("/report/pdf/pages-grow", test_report_pages_grow);
  g_test_add_func ("/report/pdf/deterministic", test_report_deterministic);
  g_test_add_func ("/report/pdf/owner", test_report_owner);
  g_test_add_func ("/report/pdf/one-subset-per-face", test_report_one_subset_per_face);
  g_test_add_func ("/report/ligatures", test_report_ligatures);
  g_test_add_func ("/report/pdf/last-touch", test_report_last_touch);
  g_test_add_func ("/report/pdf/letter", test_report_letter);
  g_test_add_func ("/report/pdf/errors", test_report_errors);
  g_test_add_func ("/report/cli", test_report_cli);
  return g_test_run ();
}
