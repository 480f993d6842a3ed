/* vigil-bench-report.c: times the weekly PDF report (design 7)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vigil-bench-report [--dir DIR] [--baseline VIGIL] [--runs R]
 *
 * Builds demo books of 300 and 10,000 customers with a year of daily
 * history (in DIR, reused by later runs, else in a temporary folder) and
 * times vigil_report_write_pdf() on each, in this process: time, peak
 * resident memory, the PDF's size and the fonts it embeds, read from
 * it: how many subsets of how many faces, and whether the report's own
 * text takes one subset a face (a subset that holds only characters of
 * the customers' names, owners, plans and segments is counted apart:
 * cairo puts a name outside Windows-1252 there). Then, on the 10,000-customer book, `vigil report` of
 * this build (VIGIL_BINARY, which meson sets) and of the previous
 * release (--baseline or VIGIL_BASELINE) are run side by side,
 * best of R (default 3). Goals: 10,000 customers under 2 s, 150 MB peak
 * RSS and 1 MB of PDF, the report's own text in one font subset per
 * face; 300 customers
 * under 0.5 s. Prints figures; never fails on them.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "vigil-core.h"
#include "vigil-demo.h"
#include "vigil-report.h"

#include "vigil-bench-child.h"

#define SEED 20261123
#define DAYS 365
/* A fixed "now" (Wednesday 18 November 2026, noon UTC): the report is
 * for 2026-W46 and the figures are comparable from run to run. */
#define NOW G_GINT64_CONSTANT (1795003200)
#define WEEK "2026-W46"
#define GOAL_BIG_S 2.0
#define GOAL_SMALL_S 0.5
#define GOAL_RSS_MB 150.0
/* 1 MB */
#define GOAL_PDF_BYTES 1000000.0

static double
get_peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

static const char *
met (gboolean held)
{
  return held ? "met" : "MISSED";
}

static double
get_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (double) st.st_size : NAN;
}

/* The fonts a PDF embeds, read from the file the way cairo writes it
 * (an xref table, one font dictionary an object, its ToUnicode map a
 * zlib stream): each font, a subset of a face, with the characters its
 * glyphs stand for. pdffonts lists the same fonts but not what they
 * hold, which tells the report's own text from customers' names. */
typedef struct
{
  char       *face;   /* the name without its subset tag "ABCDEF+" */
  GPtrArray  *texts;  /* of char *: what each glyph stands for, UTF-8 */
} PdfFont;

static void
pdf_font_free (PdfFont *font)
{
  g_free (font->face);
  g_ptr_array_unref (font->texts);
  g_free (font);
}

/* Object @number's text, up to the end of the file (NULL: none). */
static const char *
pdf_object (const char *pdf,
            gsize       length,
            GArray     *offsets,
            guint       number)
{
  gsize offset;

  if (number >= offsets->len || (offset = g_array_index (offsets, gsize, number)) == 0 ||
      offset >= length)
    return NULL;
  return pdf + offset;
}

/* The offsets of the objects, from the xref table startxref points to. */
static GArray *
pdf_read_xref (const char *pdf,
               gsize       length)
{
  GArray *offsets = g_array_new (FALSE, TRUE, sizeof (gsize));
  const char *start = NULL;
  const char *p;
  guint first, count;

  /* Near the end, after binary streams (g_strrstr_len() stops at a 0). */
  for (gsize i = length >= 9 ? length - 9 : 0; i-- > 0 && length - i < 4096;)
    if (memcmp (pdf + i, "startxref", 9) == 0)
      {
        start = pdf + i;
        break;
      }
  if (start == NULL || (gsize) (p = pdf + g_ascii_strtoull (start + 9, NULL, 10)) - (gsize) pdf >= length ||
      sscanf (p, "xref %u %u", &first, &count) != 2)
    return offsets;
  p = strchr (strchr (p, '\n') + 1, '\n') + 1;
  g_array_set_size (offsets, first + count);
  /* Entries of 20 bytes: offset, generation, n or f. */
  for (guint i = 0; i < count && (gsize) (p + 20 - pdf) <= length; i++, p += 20)
    if (p[17] == 'n')
      g_array_index (offsets, gsize, first + i) = g_ascii_strtoull (p, NULL, 10);
  return offsets;
}

/* The inflated stream of the object at @object. */
static GBytes *
pdf_inflate (const char *object,
             const char *end)
{
  g_autoptr(GConverter) zlib = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const char *p = g_strstr_len (object, end - object, "stream");
  char buffer[16384];
  GConverterResult result;

  if (p == NULL)
    return NULL;
  p += strlen ("stream");
  p += *p == '\r';
  p += *p == '\n';
  do
    {
      gsize read = 0, written = 0;

      result = g_converter_convert (zlib, p, end - p, buffer, sizeof buffer, G_CONVERTER_NO_FLAGS,
                                    &read, &written, NULL);
      if (result == G_CONVERTER_ERROR)
        return NULL;
      p += read;
      g_byte_array_append (out, (guint8 *) buffer, written);
    }
  while (result != G_CONVERTER_FINISHED);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* "<0066 0069>" (UTF-16BE in hex) as UTF-8. */
static char *
utf16_hex_to_utf8 (const char *hex,
                   gsize       length)
{
  g_autoptr(GArray) units = g_array_new (FALSE, FALSE, sizeof (gunichar2));

  for (gsize i = 0; i + 4 <= length; i += 4)
    {
      char digits[5] = { hex[i], hex[i + 1], hex[i + 2], hex[i + 3], 0 };
      gunichar2 unit = (gunichar2) g_ascii_strtoull (digits, NULL, 16);

      g_array_append_val (units, unit);
    }
  return g_utf16_to_utf8 ((gunichar2 *) units->data, units->len, NULL, NULL, NULL);
}

/* What each glyph of a ToUnicode map stands for: the second hex string
 * of each "<code> <text>" pair of its bfchar sections. */
static GPtrArray *
read_to_unicode (GBytes *cmap)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  gsize length;
  g_autofree char *text = g_strndup (g_bytes_get_data (cmap, &length), g_bytes_get_size (cmap));
  g_autoptr(GRegex) pair = g_regex_new ("<([0-9A-Fa-f]+)>\\s*<([0-9A-Fa-f]+)>", 0, 0, NULL);
  const char *section = text;

  while ((section = strstr (section, "beginbfchar")) != NULL)
    {
      const char *end = strstr (section, "endbfchar");
      g_autoptr(GMatchInfo) match = NULL;

      if (end == NULL)
        break;
      g_regex_match_full (pair, section, end - section, 0, 0, &match, NULL);
      for (; g_match_info_matches (match); g_match_info_next (match, NULL))
        {
          g_autofree char *hex = g_match_info_fetch (match, 2);

          g_ptr_array_add (texts, utf16_hex_to_utf8 (hex, strlen (hex)));
        }
      section = end;
    }
  return texts;
}

static char *
dictionary_name (const char *dict,
                 const char *key)
{
  const char *p = strstr (dict, key);

  if (p == NULL)
    return NULL;
  p += strlen (key);
  while (*p == ' ')
    p++;
  if (*p == '/')
    p++;
  return g_strndup (p, strcspn (p, " \n\r/>[]"));
}

/* Every font of @path with a ToUnicode map, as pdffonts lists them. */
static GPtrArray *
read_pdf_fonts (const char *path)
{
  g_autofree char *pdf = NULL;
  gsize length;
  g_autoptr(GArray) offsets = NULL;
  GPtrArray *fonts = g_ptr_array_new_with_free_func ((GDestroyNotify) pdf_font_free);

  if (!g_file_get_contents (path, &pdf, &length, NULL))
    return fonts;
  offsets = pdf_read_xref (pdf, length);
  for (guint i = 1; i < offsets->len; i++)
    {
      const char *object = pdf_object (pdf, length, offsets, i);
      const char *end = object != NULL ? g_strstr_len (object, pdf + length - object, ">>") : NULL;
      g_autofree char *dict = end != NULL ? g_strndup (object, end - object) : NULL;
      g_autofree char *name = NULL;
      const char *to_unicode;
      const char *cmap_object;
      g_autoptr(GBytes) cmap = NULL;
      PdfFont *font;

      if (dict == NULL || strstr (dict, "/Type /Font") == NULL ||
          (to_unicode = strstr (dict, "/ToUnicode")) == NULL ||
          !(name = dictionary_name (dict, "/BaseFont")) ||
          !(cmap_object = pdf_object (pdf, length, offsets,
                                      (guint) g_ascii_strtoull (to_unicode + strlen ("/ToUnicode"), NULL, 10))) ||
          !(cmap = pdf_inflate (cmap_object, pdf + length)))
        continue;
      font = g_new0 (PdfFont, 1);
      font->face = g_strdup (strchr (name, '+') != NULL ? strchr (name, '+') + 1 : name);
      font->texts = read_to_unicode (cmap);
      g_ptr_array_add (fonts, font);
    }
  return fonts;
}

/* Whether a glyph's text holds a character no customer data holds. */
static gboolean
is_own_text (const char *text,
             GHashTable *data_chars)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_hash_table_contains (data_chars, GUINT_TO_POINTER (g_utf8_get_char (p))))
      return TRUE;
  return FALSE;
}

/* design 7: the report's own text in one subset a face. A face has
 * more than one when a subset beyond the first holds a glyph of text no
 * customer's data holds (a name outside Windows-1252 may take a second
 * subset of a face: that one holds the name's characters only). */
static void
print_fonts (const char *pdf,
             GHashTable *data_chars)
{
  g_autoptr(GPtrArray) fonts = read_pdf_fonts (pdf);
  g_autoptr(GHashTable) own = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
  g_autoptr(GHashTable) faces = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) extra = g_string_new (NULL);
  guint data_only = 0;

  if (fonts->len == 0)
    {
      g_print ("  fonts: none read from %s\n", pdf);
      return;
    }
  for (guint i = 0; i < fonts->len; i++)
    {
      PdfFont *font = g_ptr_array_index (fonts, i);
      gboolean holds_own = FALSE;
      guint n_own;

      g_hash_table_add (faces, font->face);
      for (guint t = 0; t < font->texts->len; t++)
        holds_own |= is_own_text (g_ptr_array_index (font->texts, t), data_chars);
      if (!holds_own)
        {
          data_only++;
          continue;
        }
      n_own = GPOINTER_TO_UINT (g_hash_table_lookup (own, font->face)) + 1;
      g_hash_table_insert (own, font->face, GUINT_TO_POINTER (n_own));
      if (n_own == 2)
        g_string_append_printf (extra, " %s", font->face);
    }
  g_print ("  fonts: %u embedded, of %u faces; %u subsets hold customer data alone (names outside "
           "Windows-1252); the report's own text in one subset per face: %s%s%s\n",
           fonts->len, g_hash_table_size (faces), data_only, met (extra->len == 0),
           extra->len > 0 ? ", not in" : "", extra->str);
}

/* Every character of the data the report prints of its customers. */
static GHashTable *
collect_data_chars (VigilStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = vigil_store_list_book (store, VIGIL_BOOK_ALL, NULL, VIGIL_TIER_NONE, &error);
  GHashTable *chars = g_hash_table_new (g_direct_hash, g_direct_equal);

  if (rows == NULL)
    {
      g_printerr ("reading the book: %s\n", error->message);
      return chars;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      const VigilSnapshot *s = ((VigilPortfolioRow *) g_ptr_array_index (rows, i))->latest;
      const char *fields[] = { s->name, s->owner, s->plan, s->segment, s->customer_id };

      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        for (const char *p = fields[f]; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
          g_hash_table_add (chars, GUINT_TO_POINTER (g_utf8_get_char (p)));
    }
  return chars;
}

static VigilStore *
open_book (const char *dir,
           guint       n_customers,
           char      **out_db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDemo) demo = vigil_demo_new (SEED, n_customers);
  g_autofree char *db = g_strdup_printf ("%s/demo-%u.db", dir, n_customers);
  VigilStore *store;
  gint64 start = g_get_monotonic_time ();

  if (!(store = vigil_demo_open_store (demo, db, NOW, DAYS, NULL, &error)))
    {
      g_printerr ("demo: %s\n", error->message);
      return NULL;
    }
  g_print ("%u customers × %d days: database ready in %.1f s (%s)\n", n_customers, DAYS,
           (g_get_monotonic_time () - start) / 1e6, db);
  if (out_db != NULL)
    *out_db = g_steal_pointer (&db);
  return store;
}

/* The report in this process, timed. */
static gboolean
bench (const char  *dir,
       guint        n_customers,
       double       goal_s,
       char       **out_db,
       GHashTable **out_data_chars)
{
  g_autoptr(GHashTable) data_chars = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *pdf = g_strdup_printf ("%s/report-%u.pdf", dir, n_customers);
  VigilReportOptions options = { 0, 0, NULL, VIGIL_REPORT_PAPER_A4 };
  gint64 start;
  double seconds, rss_before, rss, bytes;

  if (!(store = open_book (dir, n_customers, out_db)))
    return FALSE;
  if (!vigil_report_last_full_week (NOW, &options.iso_year, &options.iso_week))
    return FALSE;
  rss_before = get_peak_rss_mb ();
  start = g_get_monotonic_time ();
  if (!vigil_report_write_pdf (store, &options, pdf, &error))
    {
      g_printerr ("report: %s\n", error->message);
      return FALSE;
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  rss = get_peak_rss_mb ();
  bytes = get_size (pdf);

  g_print ("report %d-W%02d, %u customers: %.3f s (goal < %.1f s: %s), peak RSS %.1f MB "
           "(before the report %.1f MB; goal < %.0f MB: %s), PDF %.0f bytes",
           options.iso_year, options.iso_week, n_customers, seconds, goal_s, met (seconds < goal_s),
           rss, rss_before, GOAL_RSS_MB, met (rss < GOAL_RSS_MB), bytes);
  if (n_customers >= 10000)
    g_print (" (goal < %.0f: %s)", GOAL_PDF_BYTES, met (bytes < GOAL_PDF_BYTES));
  g_print ("\n");
  data_chars = collect_data_chars (store);
  print_fonts (pdf, data_chars);
  if (out_data_chars != NULL)
    *out_data_chars = g_steal_pointer (&data_chars);
  return TRUE;
}

/* `VIGIL --db DB report` for @n_customers, best of @runs. */
static gboolean
bench_binary (const char    *label,
              const char    *vigil,
              const char    *db,
              GHashTable    *data_chars,
              const char    *dir,
              guint          runs,
              VigilBenchRun *best,
              double        *out_bytes)
{
  g_autofree char *pdf = g_strdup_printf ("%s/report-%s.pdf", dir, label);
  const char * const argv[] = {
    vigil, "--db", db, "report", "--week", WEEK, "--paper", "a4", "--output", pdf, NULL
  };

  if (!vigil_bench_run_best (argv, runs, best))
    return FALSE;
  *out_bytes = get_size (pdf);
  g_print ("  %-18s %8.3f s %9.3f s %9.1f MB %11.0f\n", label, best->wall_s, best->cpu_s,
           best->peak_mb, *out_bytes);
  print_fonts (pdf, data_chars);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *baseline = NULL;
  int runs = 3;
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Keep the books in DIR and reuse them", "DIR" },
    { "baseline", 0, 0, G_OPTION_ARG_FILENAME, &baseline, "The previous release's vigil, side by side",
      "VIGIL" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each binary (3)", "R" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the weekly PDF report");
  g_autoptr(GError) error = NULL;
  g_autofree char *big_db = NULL;
  g_autoptr(GHashTable) big_data_chars = NULL;
  const char *vigil = g_getenv ("VIGIL_BINARY");
  gboolean keep = g_getenv ("VIGIL_BENCH_KEEP") != NULL;
  gboolean temporary = FALSE;
  gboolean ok;

  setlocale (LC_ALL, "");
  /* Each figure as soon as it is known, also into a file. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (runs < 1)
    {
      g_printerr ("--runs takes a positive integer\n");
      return 2;
    }
  if (baseline == NULL)
    baseline = g_strdup (g_getenv ("VIGIL_BASELINE"));
  if (dir == NULL)
    {
      if (!(dir = g_dir_make_tmp ("vigil-bench-report-XXXXXX", &error)))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      temporary = TRUE;
    }
  else if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_printerr ("cannot make %s\n", dir);
      return 1;
    }

  /* The small book first: the peak RSS of the large one includes it. */
  ok = bench (dir, 300, GOAL_SMALL_S, NULL, NULL) &&
       bench (dir, 10000, GOAL_BIG_S, &big_db, &big_data_chars);

  if (ok && vigil != NULL && *vigil != '\0')
    {
      VigilBenchRun current, previous;
      double current_bytes, previous_bytes;

      g_print ("vigil report --week %s, 10000 customers, the whole program (best of %d):\n", WEEK, runs);
      g_print ("  %-18s %10s %11s %12s %12s\n", "", "wall", "user+sys", "peak RSS", "PDF bytes");
      ok = bench_binary ("this build", vigil, big_db, big_data_chars, dir, (guint) runs, &current, &current_bytes);
      if (ok && baseline != NULL && *baseline != '\0')
        {
          ok = bench_binary ("previous release", baseline, big_db, big_data_chars, dir, (guint) runs, &previous, &previous_bytes);
          if (ok)
            g_print ("  speed-up: %.2fx wall, %.2fx CPU; PDF %.2fx smaller\n", previous.wall_s / current.wall_s,
                     previous.cpu_s / current.cpu_s, previous_bytes / current_bytes);
        }
      if (ok)
        g_print ("goal: 10000 customers under %.1f s: %s; under %.0f bytes: %s\n", GOAL_BIG_S,
                 met (current.wall_s < GOAL_BIG_S), GOAL_PDF_BYTES, met (current_bytes < GOAL_PDF_BYTES));
    }

  if (temporary && !keep)
    vigil_bench_remove_dir (dir);
  else
    g_print ("kept in %s\n", dir);
  return ok ? 0 : 1;
}
