/* test-transforms.c: a mapping's fields in their object form (design 2.2)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-field-rule.h"
#include "vigil-json-private.h"

/* 2024-03-05T14:23:00Z and that day's midnight. */
#define T_0305_1423 G_GINT64_CONSTANT (1709648580)
#define T_0305 G_GINT64_CONSTANT (1709596800)

/* Reading ------------------------------------------------------------------ */

static gboolean
keep_first (VigilSnapshot  *snapshot,
            gpointer        user_data,
            GError        **error)
{
  VigilSnapshot **out = user_data;

  if (*out == NULL)
    *out = vigil_snapshot_copy (snapshot);
  return TRUE;
}

/* Every field of @s, to compare the two readers' results whole. */
static char *
describe (const VigilSnapshot *s)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "id=%s name=%s plan=%s owner=%s segment=%s mrr=%.12g",
                          s->customer_id, s->name, s->plan, s->owner, s->segment, s->mrr);
  g_string_append_printf (text, " seats=%" G_GINT64_FORMAT " used=%" G_GINT64_FORMAT
                          " calls=%" G_GINT64_FORMAT " tickets=%" G_GINT64_FORMAT " nps=%" G_GINT64_FORMAT
                          " active=%" G_GINT64_FORMAT " observed=%" G_GINT64_FORMAT " renewal=%d",
                          s->seats, s->seats_used, s->api_calls_7d, s->open_tickets, s->nps,
                          s->last_active, s->observed_at, s->renewal_day);
  g_string_append (text, " keys=");
  for (guint i = 0; s->keys != NULL && i < s->keys->len; i++)
    g_string_append_printf (text, "%s,", (char *) g_ptr_array_index (s->keys, i));
  /* A problem quotes a number as written: a tree keeps only its value
   * (1e17 comes back as 1e+17), so only whether there is one is compared. */
  g_string_append_printf (text, " unknown=%u problem=%s", s->n_unknown, s->problem != NULL ? "yes" : "no");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static JsonNode *
parse_tree (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = _vigil_json_parse (text, -1, VIGIL_JSON_DATA, &error);

  g_assert_no_error (error);
  return node;
}

static VigilMapping *
new_mapping (const char *fields,
             const char *extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("{\"records\": \"\", \"fields\": {\"id\": \"/id\"%s%s}%s%s}",
                                           *fields != '\0' ? ", " : "", fields,
                                           extra != NULL ? ", " : "", extra != NULL ? extra : "");
  VigilMapping *mapping = vigil_mapping_new_from_data (text, -1, &error);

  g_assert_no_error (error);
  return mapping;
}

/* @record read through a mapping of @fields both ways, as text (the
 * poller's and the importer's reader) and as a tree (JSON Lines): the
 * two must agree on every field, count and problem. */
static VigilSnapshot *
read_record (const char *fields,
             const char *record)
{
  g_autoptr(VigilMapping) mapping = new_mapping (fields, NULL);
  g_autofree char *document = g_strdup_printf ("[%s]", record);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tree = parse_tree (document);
  g_autoptr(VigilSnapshot) from_tree = vigil_snapshot_new ();
  g_autofree char *text_description = NULL;
  g_autofree char *tree_description = NULL;
  VigilSnapshot *from_text = NULL;

  g_assert_true (vigil_mapping_read_records (mapping, document, strlen (document), keep_first, &from_text,
                                             NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (from_text);
  vigil_mapping_apply (mapping, json_array_get_element (json_node_get_array (tree), 0), from_tree);

  text_description = describe (from_text);
  tree_description = describe (from_tree);
  g_assert_cmpstr (text_description, ==, tree_description);
  return from_text;
}

/* The field is unusable: unknown, counted once, and the problem says
 * what @expected says. */
static void
assert_problem (const VigilSnapshot *snapshot,
                const char          *expected)
{
  g_assert_cmpuint (snapshot->n_unknown, ==, 1);
  g_assert_nonnull (snapshot->problem);
  if (strstr (snapshot->problem, expected) == NULL)
    g_error ("“%s” does not say “%s”", snapshot->problem, expected);
}

/* Times ------------------------------------------------------------------- */

static void
test_time_format (void)
{
  static const struct { const char *format; const char *text; gint64 time; } good[] = {
    { "%d/%m/%Y %H:%M", "05/03/2024 14:23", T_0305_1423 },
    { "%d/%m/%Y %H:%M", "5/3/2024 14:23", T_0305_1423 },
    { "%d/%m/%Y %H:%M", "05/03/2024   14:23", T_0305_1423 },
    { "%d/%m/%Y %H:%M", "05/03/2024\t14:23", T_0305_1423 },
    { "%m/%d/%y %I:%M %p", "3/5/24 2:23 PM", T_0305_1423 },
    { "%m/%d/%y %I:%M %p", "03/05/24 02:23 pm", T_0305_1423 },
    { "%d/%m/%Y %I:%M %p", "05/03/2024 12:00 AM", T_0305 },
    { "%d/%m/%Y %I:%M %p", "05/03/2024 12:00 PM", T_0305 + 12 * 3600 },
    /* %p with a 24-hour %H reads the hour as 1–12 too. */
    { "%d/%m/%Y %H:%M%p", "05/03/2024 2:23PM", T_0305_1423 },
    { "%b %e, %Y", "Mar  5, 2024", T_0305 },
    { "%b %e, %Y", "Mar 5, 2024", T_0305 },
    { "%B %d %Y", "MARCH 05 2024", T_0305 },
    { "%b %d %Y", "march 05 2024", T_0305 },
    { "%d-%b-%y", "05-mar-24", T_0305 },
    { "%Y-%m-%dT%H:%M:%S%z", "2024-03-05T15:23:00+01:00", T_0305_1423 },
    { "%Y-%m-%dT%H:%M:%S%z", "2024-03-05T15:23:00+0100", T_0305_1423 },
    { "%Y-%m-%dT%H:%M:%S%z", "2024-03-05T09:23:00-05", T_0305_1423 },
    { "%Y-%m-%dT%H:%M:%S%z", "2024-03-05T14:23:00Z", T_0305_1423 },
    { "%Y%m%d", "20240305", T_0305 },
    { "%d.%m.%Y", "29.02.2024", G_GINT64_CONSTANT (1709164800) },
    { "%y-%m-%d", "69-01-01", G_GINT64_CONSTANT (-31536000) },
    { "%y-%m-%d", "68-01-01", G_GINT64_CONSTANT (3092601600) },
    { "%Y-%m-%d 100%%", "2024-03-05 100%", T_0305 },
    { "%Y-%m-%d %H:%M:%S", "2024-03-05 14:23:00", T_0305_1423 },
  };
  static const struct { const char *format; const char *text; } bad[] = {
    { "%d/%m/%Y %H:%M", "31/02/2024 10:00" },   /* no 31 February */
    { "%d/%m/%Y", "29/02/2023" },               /* not a leap year */
    { "%d/%m/%Y", "31/04/2024" },
    { "%d/%m/%Y", "00/01/2024" },
    { "%d/%m/%Y", "01/13/2024" },
    { "%d/%m/%Y", "01/00/2024" },
    { "%d/%m/%Y %H:%M", "05/03/2024 24:00" },
    { "%d/%m/%Y %H:%M", "05/03/2024 12:60" },
    { "%d/%m/%Y %H:%M:%S", "05/03/2024 12:00:61" },
    { "%d/%m/%Y %I:%M %p", "05/03/2024 13:00 PM" },
    { "%d/%m/%Y %I:%M %p", "05/03/2024 0:00 AM" },
    { "%d/%m/%Y %I:%M %p", "05/03/2024 2:00 XM" },
    { "%d/%m/%Y", "05/03/24" },                 /* %Y is four digits */
    { "%d/%m/%Y", "05-03-2024" },
    { "%d/%m/%Y", "05/03/2024 junk" },
    { "%d/%m/%Y %H:%M", "05/03/202414:23" },    /* the space is one or more */
    { "%d/%m/%Y", "" },
    { "%b %d %Y", "Maz 05 2024" },
    { "%Y-%m-%d%z", "2024-03-05+24:00" },
    { "%Y-%m-%d%z", "2024-03-05+01:60" },
    { "%Y-%m-%d%z", "2024-03-05 +0100" },
  };
  static const struct { const char *format; const char *message; } invalid[] = {
    { "%d/%m", "needs a year" },
    { "%Y-%m", "needs a year (%Y or %y), a month (%m or %b) and a day" },
    { "%Y-%m-%d %Q", "has “%Q”, which Vigil does not read" },
    { "%Y-%m-%d %", "has “%”, which Vigil does not read" },
    { "%Y-%m-%d %é", "has “%é”" },
    { "%Y-%m-%d %Y", "has “%Y” twice" },
    { "%Y-%y-%m-%d", "the same part of the time twice" },
    { "%Y-%m-%d %I:%M", "%I (a 12-hour clock) but no %p" },
    { "%Y-%m-%d %M", "minutes (%M) but no hour" },
    { "%Y-%m-%d %H %S", "seconds (%S) but no minutes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 time = 0;

      g_assert_true (vigil_time_format_check (good[i].format, NULL));
      if (!vigil_time_parse_format (good[i].text, good[i].format, &time))
        g_error ("“%s” in “%s” was not read", good[i].text, good[i].format);
      g_assert_cmpint (time, ==, good[i].time);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 time = 42;

      g_assert_true (vigil_time_format_check (bad[i].format, NULL));
      if (vigil_time_parse_format (bad[i].text, bad[i].format, &time))
        g_error ("“%s” in “%s” was read", bad[i].text, bad[i].format);
      g_assert_cmpint (time, ==, 42);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (vigil_time_format_check (invalid[i].format, &error));
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
      if (strstr (error->message, invalid[i].message) == NULL)
        g_error ("“%s” does not say “%s”", error->message, invalid[i].message);
    }
}

static void
test_epoch (void)
{
  static const struct { const char *form; const char *value; gint64 time; } good[] = {
    { "epoch-ms", "1709648580000", T_0305_1423 },
    { "epoch-ms", "1709648580999", T_0305_1423 },
    { "epoch-ms", "\"1709648580000\"", T_0305_1423 },
    { "epoch-ms", "\" 1709648580000 \"", T_0305_1423 },
    { "epoch-ms", "1.70964858e12", T_0305_1423 },
    { "epoch-ms", "0", 0 },
    /* Ten digits read as milliseconds: the user's word is taken. */
    { "epoch-ms", "1709648580", G_GINT64_CONSTANT (1709648) },
    { "epoch-s", "1709648580", T_0305_1423 },
    { "epoch-s", "\"1709648580\"", T_0305_1423 },
    { "epoch-s", "1709648580.75", T_0305_1423 },
    { "epoch-s", "253402300799", G_GINT64_CONSTANT (253402300799) },
  };
  static const struct { const char *form; const char *value; const char *message; } bad[] = {
    { "epoch-ms", "-1", "“/seen”: -1 is not a time from 1970 to 9999 in epoch-ms" },
    { "epoch-ms", "1e17", "1e17 is not a time from 1970 to 9999 in epoch-ms" },
    { "epoch-ms", "\"soon\"", "“soon” is not a number of milliseconds since 1970 (epoch-ms)" },
    { "epoch-ms", "true", "true is not a number of milliseconds" },
    { "epoch-ms", "{\"at\": 1}", "an object is not a number of milliseconds" },
    /* Thirteen digits read as seconds: year 56,000, refused. */
    { "epoch-s", "1709648580000", "1709648580000 is not a time from 1970 to 9999 in epoch-s" },
    { "epoch-s", "-5", "-5 is not a time from 1970 to 9999" },
    { "epoch-s", "\"1,709,648,580\"", "is not a number of seconds since 1970 (epoch-s)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *fields = g_strdup_printf ("\"last_active\": {\"pointer\": \"/seen\", \"time\": \"%s\"}",
                                                 good[i].form);
      g_autofree char *record = g_strdup_printf ("{\"id\": \"a\", \"seen\": %s}", good[i].value);
      g_autoptr(VigilSnapshot) s = read_record (fields, record);

      g_assert_cmpint (s->last_active, ==, good[i].time);
      g_assert_cmpuint (s->n_unknown, ==, 0);
      g_assert_null (s->problem);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *fields = g_strdup_printf ("\"last_active\": {\"pointer\": \"/seen\", \"time\": \"%s\"}",
                                                 bad[i].form);
      g_autofree char *record = g_strdup_printf ("{\"id\": \"a\", \"seen\": %s}", bad[i].value);
      g_autoptr(VigilSnapshot) s = read_record (fields, record);

      g_assert_cmpint (s->last_active, ==, VIGIL_UNKNOWN);
      assert_problem (s, bad[i].message);
      g_assert_true (g_str_has_prefix (s->problem, "field “last_active” at “/seen”: "));
    }
}

static void
test_time_forms (void)
{
  g_autoptr(VigilSnapshot) iso = NULL;
  g_autoptr(VigilSnapshot) iso_number = NULL;
  g_autoptr(VigilSnapshot) crm = NULL;
  g_autoptr(VigilSnapshot) impossible = NULL;
  g_autoptr(VigilSnapshot) old = NULL;
  g_autoptr(VigilSnapshot) unknown = NULL;
  g_autoptr(VigilSnapshot) as_number = NULL;

  iso = read_record ("\"observed_at\": {\"pointer\": \"/at\", \"time\": \"iso8601\"}",
                     "{\"id\": \"a\", \"at\": \"2024-03-05T15:23:00+01:00\"}");
  g_assert_cmpint (iso->observed_at, ==, T_0305_1423);

  /* iso8601 is text: a number is not one. */
  iso_number = read_record ("\"observed_at\": {\"pointer\": \"/at\", \"time\": \"iso8601\"}",
                            "{\"id\": \"a\", \"at\": 1709648580}");
  g_assert_cmpint (iso_number->observed_at, ==, VIGIL_UNKNOWN);
  assert_problem (iso_number, "field “observed_at” at “/at”: 1709648580 is not an ISO 8601 time");

  crm = read_record ("\"last_active\": {\"pointer\": \"/p/last\", \"time\": \"%d/%m/%Y %H:%M\"},"
                     " \"renewal_date\": {\"pointer\": \"/p/renews\", \"time\": \"%d/%m/%Y\"}",
                     "{\"id\": \"a\", \"p\": {\"last\": \"05/03/2024 14:23\", \"renews\": \" 01/03/2027 \"}}");
  g_assert_cmpint (crm->last_active, ==, T_0305_1423);
  g_assert_cmpint (crm->renewal_day, ==, vigil_date_from_civil (2027, 3, 1));
  g_assert_cmpuint (crm->n_unknown, ==, 0);

  impossible = read_record ("\"last_active\": {\"pointer\": \"/p/last\", \"time\": \"%d/%m/%Y %H:%M\"}",
                            "{\"id\": \"a\", \"p\": {\"last\": \"31/02/2024 10:00\"}}");
  g_assert_cmpint (impossible->last_active, ==, VIGIL_UNKNOWN);
  g_assert_cmpstr (impossible->problem, ==, "field “last_active” at “/p/last”: “31/02/2024 10:00” is not a "
                   "time in the format “%d/%m/%Y %H:%M”");

  /* A time before 1970 is no usage time. */
  old = read_record ("\"last_active\": {\"pointer\": \"/p\", \"time\": \"%d/%m/%Y\"}",
                     "{\"id\": \"a\", \"p\": \"31/12/1969\"}");
  assert_problem (old, "“31/12/1969” is not a time from 1970 to 9999");

  /* Missing or null: unknown, not unusable. */
  unknown = read_record ("\"last_active\": {\"pointer\": \"/p\", \"time\": \"%d/%m/%Y\"},"
                         " \"renewal_date\": {\"pointer\": \"/r\", \"time\": \"epoch-s\"}",
                         "{\"id\": \"a\", \"p\": null}");
  g_assert_cmpint (unknown->last_active, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (unknown->renewal_day, ==, VIGIL_UNKNOWN_DAY);
  g_assert_cmpuint (unknown->n_unknown, ==, 0);
  g_assert_null (unknown->problem);

  /* A format made of digits reads a number as written. */
  as_number = read_record ("\"renewal_date\": {\"pointer\": \"/r\", \"time\": \"%Y%m%d\"}",
                           "{\"id\": \"a\", \"r\": 20270301}");
  g_assert_cmpint (as_number->renewal_day, ==, vigil_date_from_civil (2027, 3, 1));
}

/* Numbers ------------------------------------------------------------------ */

static void
test_scale (void)
{
  static const struct { const char *value; double mrr; } good[] = {
    { "12345", 123.45 },
    { "\"12345\"", 123.45 },
    { "\" 12345 \"", 123.45 },
    { "\"1.2345e4\"", 123.45 },
    { "0", 0 },
  };
  static const struct { const char *value; const char *message; } bad[] = {
    { "-500", "field “mrr” at “/plan/amount”: -500 gives -5, not an amount ≥ 0 and below 10¹⁵" },
    { "\"12,345\"", "“12,345” is not a number" },
    { "\"0x10\"", "“0x10” is not a number" },
    { "\"NaN\"", "“NaN” is not a number" },
    { "[1]", "an array is not a number" },
    { "false", "false is not a number" },
  };
  g_autoptr(VigilSnapshot) missing = NULL;
  g_autoptr(VigilSnapshot) counts = NULL;
  g_autoptr(VigilSnapshot) fraction = NULL;
  g_autoptr(VigilSnapshot) numeric_strings = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *record = g_strdup_printf ("{\"id\": \"a\", \"plan\": {\"amount\": %s}}", good[i].value);
      g_autoptr(VigilSnapshot) s = read_record ("\"mrr\": {\"pointer\": \"/plan/amount\", \"scale\": 0.01}",
                                                record);

      g_assert_cmpfloat_with_epsilon (s->mrr, good[i].mrr, 1e-9);
      g_assert_cmpuint (s->n_unknown, ==, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *record = g_strdup_printf ("{\"id\": \"a\", \"plan\": {\"amount\": %s}}", bad[i].value);
      g_autoptr(VigilSnapshot) s = read_record ("\"mrr\": {\"pointer\": \"/plan/amount\", \"scale\": 0.01}",
                                                record);

      g_assert_true (isnan (s->mrr));
      assert_problem (s, bad[i].message);
    }

  missing = read_record ("\"mrr\": {\"pointer\": \"/plan/amount\", \"scale\": 0.01}",
                         "{\"id\": \"a\", \"plan\": {\"amount\": null}}");
  g_assert_true (isnan (missing->mrr));
  g_assert_cmpuint (missing->n_unknown, ==, 0);

  /* A scaled count is rounded to the nearest whole number: 30 × 0.1 is
   * not quite 3 in doubles. */
  counts = read_record ("\"seats\": {\"pointer\": \"/s\", \"scale\": 0.1},"
                        " \"api_calls_7d\": {\"pointer\": \"/daily\", \"scale\": 7},"
                        " \"nps\": {\"pointer\": \"/score\", \"scale\": 0.1}",
                        "{\"id\": \"a\", \"s\": 30, \"daily\": \"120\", \"score\": 84}");
  g_assert_cmpint (counts->seats, ==, 3);
  g_assert_cmpint (counts->api_calls_7d, ==, 840);
  g_assert_cmpint (counts->nps, ==, 8);

  /* Scaled (even by 1), a count is rounded; unscaled it must be whole,
   * as in 2.1. Out of range after scaling is unusable. */
  fraction = read_record ("\"seats\": {\"pointer\": \"/s\", \"scale\": 1}, \"seats_used\": \"/u\", "
                          "\"nps\": {\"pointer\": \"/n\", \"scale\": 0.1}",
                          "{\"id\": \"a\", \"s\": 2.5, \"u\": 2.5, \"n\": 200}");
  g_assert_cmpint (fraction->seats, ==, 3);
  g_assert_cmpint (fraction->seats_used, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (fraction->nps, ==, VIGIL_UNKNOWN);
  g_assert_cmpuint (fraction->n_unknown, ==, 2);
  g_assert_cmpstr (fraction->problem, ==, "field “nps” at “/n”: 200 gives 20, not a score from 0 to 10");

  /* A numeric string is a number for a numeric field, plain pointer or not. */
  numeric_strings = read_record ("\"seats\": \"/s\", \"open_tickets\": {\"pointer\": \"/t\", \"scale\": 1}",
                                 "{\"id\": \"a\", \"s\": \"12\", \"t\": \" 4 \"}");
  g_assert_cmpint (numeric_strings->seats, ==, 12);
  g_assert_cmpint (numeric_strings->open_tickets, ==, 4);
}

static void
test_number_text (void)
{
  static const struct { const char *text; char decimal; gboolean grouping; gboolean ok; double value; } cases[] = {
    /* A spreadsheet's decimal comma. */
    { "1.234,56", ',', TRUE, TRUE, 1234.56 },
    { "1234,56", ',', TRUE, TRUE, 1234.56 },
    { "1 234,56", ',', TRUE, TRUE, 1234.56 },
    { "1\xc2\xa0" "234,56", ',', TRUE, TRUE, 1234.56 },
    { "1\xe2\x80\xaf" "234,56", ',', TRUE, TRUE, 1234.56 },
    { "1'234,5", ',', TRUE, TRUE, 1234.5 },
    { "12.345.678,9", ',', TRUE, TRUE, 12345678.9 },
    { "-1.234", ',', TRUE, TRUE, -1234 },
    { "+7", ',', TRUE, TRUE, 7 },
    { " 42 ", ',', TRUE, TRUE, 42 },
    { "0,5", ',', TRUE, TRUE, 0.5 },
    { "1,5e3", ',', TRUE, TRUE, 1500 },
    { "1.23", ',', TRUE, FALSE, 0 },         /* a group of two: a mark misread */
    { "1.2345", ',', TRUE, FALSE, 0 },
    { "1.234.56", ',', TRUE, FALSE, 0 },
    { "1234.567", ',', TRUE, FALSE, 0 },     /* the first group has 1 to 3 digits */
    { "1.234 567", ',', TRUE, FALSE, 0 },    /* one separator throughout */
    { "1.234e3", ',', TRUE, FALSE, 0 },
    { ",5", ',', TRUE, FALSE, 0 },
    { "1,", ',', TRUE, FALSE, 0 },
    { "", ',', TRUE, FALSE, 0 },
    { "  ", ',', TRUE, FALSE, 0 },
    { "€12", ',', TRUE, FALSE, 0 },
    { "12 €", ',', TRUE, FALSE, 0 },
    { "1,2,3", ',', TRUE, FALSE, 0 },
    /* The decimal point, with thousands grouped by commas. */
    { "1,234.56", '.', TRUE, TRUE, 1234.56 },
    { "1,234", '.', TRUE, TRUE, 1234 },
    { "1,234,567", '.', TRUE, TRUE, 1234567 },
    { "1234.5", '.', TRUE, TRUE, 1234.5 },
    { "1,23", '.', TRUE, FALSE, 0 },
    { "1.234,56", '.', TRUE, FALSE, 0 },
    /* JSON's own numbers in text: no grouping. */
    { "12.5", '.', FALSE, TRUE, 12.5 },
    { "-0.25", '.', FALSE, TRUE, -0.25 },
    { "2E3", '.', FALSE, TRUE, 2000 },
    { "1,234", '.', FALSE, FALSE, 0 },
    { "1 234", '.', FALSE, FALSE, 0 },
    { "0x10", '.', FALSE, FALSE, 0 },
    { "inf", '.', FALSE, FALSE, 0 },
    { "1e999", '.', FALSE, FALSE, 0 },
    { ".5", '.', FALSE, FALSE, 0 },
    { "5.", '.', FALSE, FALSE, 0 },
    { "--5", '.', FALSE, FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double value = -1;
      gboolean ok = _vigil_number_from_text (cases[i].text, cases[i].decimal, cases[i].grouping, &value);

      if (ok != cases[i].ok)
        g_error ("“%s” (decimal %c%s): %s", cases[i].text, cases[i].decimal,
                 cases[i].grouping ? ", grouped" : "", ok ? "read" : "not read");
      if (ok)
        g_assert_cmpfloat_with_epsilon (value, cases[i].value, 1e-9);
      else
        g_assert_cmpfloat (value, ==, -1);
    }
}

/* Text --------------------------------------------------------------------- */

static void
test_lower (void)
{
  g_autoptr(VigilSnapshot) s = NULL;
  g_autoptr(VigilSnapshot) numbers = NULL;
  g_autoptr(VigilSnapshot) unusable = NULL;

  s = read_record ("\"name\": {\"pointer\": \"/n\", \"lower\": true},"
                   " \"segment\": {\"pointer\": \"/seg\", \"lower\": false},"
                   " \"keys\": {\"pointer\": \"/domain\", \"lower\": true}",
                   "{\"id\": \"a\", \"n\": \" ÄRGER GmbH \", \"seg\": \"EMEA\","
                   " \"domain\": [\"Acme.COM\", \"ACME.com\", \"Ärger.DE\"]}");
  g_assert_cmpstr (s->name, ==, "ärger gmbh");
  g_assert_cmpstr (s->segment, ==, "EMEA");
  g_assert_cmpuint (s->keys->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (s->keys, 0), ==, "acme.com");
  g_assert_cmpstr (g_ptr_array_index (s->keys, 1), ==, "ärger.de");
  g_assert_cmpuint (s->n_unknown, ==, 0);

  /* An id lower-cased, or given as a number, as written. */
  numbers = read_record ("\"owner\": {\"pointer\": \"/o\", \"lower\": true}",
                         "{\"id\": 1234567890123, \"o\": \"Dana PARK\"}");
  g_assert_cmpstr (numbers->customer_id, ==, "1234567890123");
  g_assert_cmpstr (numbers->owner, ==, "dana park");

  unusable = read_record ("\"plan\": {\"pointer\": \"/p\", \"lower\": true}",
                          "{\"id\": \"a\", \"p\": 3}");
  g_assert_null (unusable->plan);
  assert_problem (unusable, "field “plan” at “/p”: 3 is not text");
}

/* An id through a rule: lower-cased; an empty one or one holding U+0000
 * is unusable (the record is skipped, design 2.3). */
static gboolean
collect (VigilSnapshot  *snapshot,
         gpointer        user_data,
         GError        **error)
{
  g_ptr_array_add (user_data, vigil_snapshot_copy (snapshot));
  return TRUE;
}

static void
test_lower_id (void)
{
  g_autoptr(VigilMapping) mapping = NULL;
  static const char document[] = "[{\"key\": \"ACME-7\"}, {\"key\": \"\"}, {\"key\": \"a\\u0000B\"}, {}]";
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_snapshot_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) mapping_error = NULL;
  VigilSnapshot *s;

  mapping = vigil_mapping_new_from_data ("{\"records\": \"\", \"fields\": {\"id\": {\"pointer\": \"/key\","
                                         " \"lower\": true}}}", -1, &mapping_error);
  g_assert_no_error (mapping_error);
  g_assert_true (vigil_mapping_read_records (mapping, document, strlen (document), collect, records, NULL,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 4);
  s = g_ptr_array_index (records, 0);
  g_assert_cmpstr (s->customer_id, ==, "acme-7");
  s = g_ptr_array_index (records, 1);
  g_assert_null (s->customer_id);
  assert_problem (s, "field “id” at “/key”: “” is no id");
  s = g_ptr_array_index (records, 2);
  g_assert_null (s->customer_id);
  assert_problem (s, "holds U+0000 or an unpaired surrogate");
  s = g_ptr_array_index (records, 3);
  g_assert_null (s->customer_id);
  g_assert_cmpuint (s->n_unknown, ==, 0);
}

/* Sums and billing intervals ----------------------------------------------- */

/* Stripe's subscription items: price × quantity, in cents. */
#define STRIPE_MRR "\"mrr\": {\"sum\": \"/items/data\", \"of\": \"/price/unit_amount\", \"times\": \"/quantity\"," \
                   " \"scale\": 0.01}"

static void
test_sum (void)
{
  static const struct { const char *items; double mrr; } good[] = {
    { "[{\"price\": {\"unit_amount\": 1000}, \"quantity\": 2}, {\"price\": {\"unit_amount\": 550}, \"quantity\": 1}]",
      25.5 },
    { "[{\"quantity\": \"3\", \"price\": {\"unit_amount\": \"1000\"}}]", 30 },
    { "[{\"price\": {\"unit_amount\": 999}, \"quantity\": 1, \"price\": {\"unit_amount\": 100}}]", 1 },
    { "[]", 0 },
  };
  static const struct { const char *items; const char *message; } bad[] = {
    { "[{\"price\": {\"unit_amount\": 1000}, \"quantity\": 1}, {\"price\": {\"unit_amount\": \"abc\"}, \"quantity\": 1}]",
      "field “mrr” at “/items/data/1/price/unit_amount”: “abc” is not a number" },
    { "[{\"price\": {\"unit_amount\": 1000}, \"quantity\": [2]}]",
      "field “mrr” at “/items/data/0/quantity”: an array is not a number" },
    /* One unusable element makes the sum unusable, whatever the others lack. */
    { "[{\"price\": {\"unit_amount\": null}, \"quantity\": 1}, {\"price\": {\"unit_amount\": true}, \"quantity\": 1}]",
      "“/items/data/1/price/unit_amount”: true is not a number" },
    { "{\"price\": 1}", "field “mrr” at “/items/data”: an object is not an array" },
    { "\"1000\"", "field “mrr” at “/items/data”: “1000” is not an array" },
    { "[{\"price\": {\"unit_amount\": -100}, \"quantity\": 1}]", "the sum, -1, is out of range" },
  };
  static const char * const unknown[] = {
    "null",
    "[{\"price\": {\"unit_amount\": 1000}, \"quantity\": 1}, {\"price\": {\"unit_amount\": null}, \"quantity\": 1}]",
    "[{\"price\": {\"unit_amount\": 1000}}]",
    "[{\"price\": {}, \"quantity\": 1}]",
    "[1, 2]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *record = g_strdup_printf ("{\"id\": \"cus_1\", \"items\": {\"data\": %s}}", good[i].items);
      g_autoptr(VigilSnapshot) s = read_record (STRIPE_MRR, record);

      g_assert_cmpfloat_with_epsilon (s->mrr, good[i].mrr, 1e-9);
      g_assert_cmpuint (s->n_unknown, ==, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *record = g_strdup_printf ("{\"id\": \"cus_1\", \"items\": {\"data\": %s}}", bad[i].items);
      g_autoptr(VigilSnapshot) s = read_record (STRIPE_MRR, record);

      g_assert_true (isnan (s->mrr));
      assert_problem (s, bad[i].message);
    }
  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_autofree char *record = g_strdup_printf ("{\"id\": \"cus_1\", \"items\": {\"data\": %s}}", unknown[i]);
      g_autoptr(VigilSnapshot) s = read_record (STRIPE_MRR, record);

      g_assert_true (isnan (s->mrr));
      g_assert_cmpuint (s->n_unknown, ==, 0);
      g_assert_null (s->problem);
    }

  /* No array at all: unknown. The array given twice: the last, as a tree. */
  {
    g_autoptr(VigilSnapshot) none = read_record (STRIPE_MRR, "{\"id\": \"cus_1\"}");
    g_autoptr(VigilSnapshot) twice = read_record (STRIPE_MRR,
      "{\"id\": \"cus_1\", \"items\": {\"data\": [{\"price\": {\"unit_amount\": 100}, \"quantity\": 1}],"
      " \"data\": [{\"price\": {\"unit_amount\": 700}, \"quantity\": 1}]}}");

    g_assert_true (isnan (none->mrr));
    g_assert_cmpuint (none->n_unknown, ==, 0);
    g_assert_cmpfloat_with_epsilon (twice->mrr, 7, 1e-9);
  }

  /* A sum of counts, and a sum whose elements are the amounts. */
  {
    g_autoptr(VigilSnapshot) s = read_record ("\"seats\": {\"sum\": \"/lines\", \"of\": \"/qty\"},"
                                              " \"api_calls_7d\": {\"sum\": \"/daily\", \"of\": \"\"}",
                                              "{\"id\": \"a\", \"lines\": [{\"qty\": 3}, {\"qty\": 4}],"
                                              " \"daily\": [100, 200, \"300\", 400, 0, 0, 0]}");

    g_assert_cmpint (s->seats, ==, 7);
    g_assert_cmpint (s->api_calls_7d, ==, 1000);
  }
}

/* Stripe prices per day, week, month or year, for N of them: brought to
 * a month (design 2.2). */
#define STRIPE_MONTHLY "\"mrr\": {\"sum\": \"/items/data\", \"of\": \"/price/unit_amount\"," \
                       " \"times\": \"/quantity\", \"scale\": 0.01," \
                       " \"per\": {\"interval\": \"/price/recurring/interval\"," \
                       "   \"count\": \"/price/recurring/interval_count\"}}"

static char *
stripe_item (int         amount,
             int         quantity,
             const char *interval,
             const char *count)
{
  return g_strdup_printf ("{\"price\": {\"unit_amount\": %d, \"recurring\": {\"interval\": %s,"
                          " \"interval_count\": %s}}, \"quantity\": %d}", amount, interval, count, quantity);
}

static void
test_per (void)
{
  static const struct { int amount; int quantity; const char *interval; const char *count; double mrr; } good[] = {
    { 120000, 1, "\"year\"", "1", 100 },
    { 120000, 2, "\"year\"", "2", 100 },
    { 1000, 1, "\"week\"", "1", 10 * 52.0 / 12 },
    { 100, 1, "\"day\"", "1", 365.0 / 12 },
    { 3000, 1, "\"month\"", "3", 10 },
    { 3000, 1, "\"Month\"", "\"1\"", 30 },
  };
  static const struct { const char *interval; const char *count; const char *message; } bad[] = {
    { "\"fortnight\"", "1", "field “mrr” at “/items/data/0/price/recurring/interval”: “fortnight” is not a "
                            "billing interval (day, week, month or year)" },
    { "7", "1", "7 is not a billing interval" },
    { "\"month\"", "0", "field “mrr” at “/items/data/0/price/recurring/interval_count”: 0 is not a number of "
                        "intervals (1 to 1000)" },
    { "\"month\"", "1.5", "1.5 is not a number of intervals" },
    { "\"month\"", "\"two\"", "“two” is not a number of intervals" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *item = stripe_item (good[i].amount, good[i].quantity, good[i].interval, good[i].count);
      g_autofree char *record = g_strdup_printf ("{\"id\": \"cus_1\", \"items\": {\"data\": [%s]}}", item);
      g_autoptr(VigilSnapshot) s = read_record (STRIPE_MONTHLY, record);

      g_assert_cmpfloat_with_epsilon (s->mrr, good[i].mrr, 1e-9);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *item = stripe_item (1000, 1, bad[i].interval, bad[i].count);
      g_autofree char *record = g_strdup_printf ("{\"id\": \"cus_1\", \"items\": {\"data\": [%s]}}", item);
      g_autoptr(VigilSnapshot) s = read_record (STRIPE_MONTHLY, record);

      g_assert_true (isnan (s->mrr));
      assert_problem (s, bad[i].message);
    }

  /* A yearly and a monthly item on one subscription: one month of each. */
  {
    g_autofree char *yearly = stripe_item (240000, 1, "\"year\"", "1");
    g_autofree char *monthly = stripe_item (5000, 3, "\"month\"", "1");
    g_autofree char *record = g_strdup_printf ("{\"id\": \"cus_1\", \"items\": {\"data\": [%s, %s]}}",
                                               yearly, monthly);
    g_autoptr(VigilSnapshot) s = read_record (STRIPE_MONTHLY, record);

    g_assert_cmpfloat_with_epsilon (s->mrr, 200 + 150, 1e-9);
  }

  /* An interval not given: unknown, nothing to say. */
  {
    g_autoptr(VigilSnapshot) s = read_record (STRIPE_MONTHLY, "{\"id\": \"cus_1\", \"items\": {\"data\": ["
                                              "{\"price\": {\"unit_amount\": 1000}, \"quantity\": 1}]}}");

    g_assert_true (isnan (s->mrr));
    g_assert_cmpuint (s->n_unknown, ==, 0);
  }

  /* per on a plain pointer: the plan's interval, in the record. */
  {
    g_autoptr(VigilSnapshot) s = read_record (
      "\"mrr\": {\"pointer\": \"/plan/amount\", \"scale\": 0.01,"
      " \"per\": {\"interval\": \"/plan/interval\", \"count\": \"/plan/interval_count\"}}",
      "{\"plan\": {\"interval_count\": 1, \"amount\": 600000, \"interval\": \"year\"}, \"id\": \"cus_2\"}");
    g_autoptr(VigilSnapshot) no_count = read_record (
      "\"mrr\": {\"pointer\": \"/amount\", \"per\": {\"interval\": \"/every\"}}",
      "{\"id\": \"cus_3\", \"amount\": 52, \"every\": \"week\"}");

    g_assert_cmpfloat_with_epsilon (s->mrr, 500, 1e-9);
    g_assert_cmpfloat_with_epsilon (no_count->mrr, 52 * 52.0 / 12, 1e-9);
  }
}

/* The sum reads its array element by element, within the document's
 * depth limit (design 2.3): an element nested too deeply is refused by
 * the text reader as by the tree reader. */
static void
test_sum_depth (void)
{
  g_autoptr(VigilMapping) mapping = new_mapping (STRIPE_MRR, NULL);
  g_autoptr(GString) document = g_string_new ("[{\"id\": \"a\", \"items\": {\"data\": [{\"quantity\": ");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) tree_error = NULL;
  g_autoptr(JsonNode) tree = NULL;
  VigilSnapshot *first = NULL;

  for (int i = 0; i < 600; i++)
    g_string_append_c (document, '[');
  for (int i = 0; i < 600; i++)
    g_string_append_c (document, ']');
  g_string_append (document, "}]}}]");

  g_assert_false (vigil_mapping_read_records (mapping, document->str, document->len, keep_first, &first,
                                              NULL, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
  g_assert_null (first);
  tree = _vigil_json_parse (document->str, (gssize) document->len, VIGIL_JSON_DATA, &tree_error);
  g_assert_null (tree);
  g_assert_nonnull (strstr (tree_error->message, "nested too deeply"));
}

/* Detail answers ----------------------------------------------------------- */

static void
test_detail (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (
    "{\"records\": \"/data\", \"fields\": {\"id\": \"/id\", \"last_active\": \"/seen\"},"
    " \"detail_url\": \"https://example.com/c/{id}\","
    " \"detail_fields\": {\"last_active\": {\"pointer\": \"/usage/last\", \"time\": \"epoch-ms\"},"
    "   \"api_calls_7d\": {\"sum\": \"/usage/days\", \"of\": \"/calls\"},"
    "   \"keys\": {\"pointer\": \"/domains\", \"lower\": true}}}", -1, &error);
  static const char detail[] = "{\"usage\": {\"days\": [{\"calls\": 5}, {\"calls\": 7}], \"last\": 1709648580000},"
                               " \"domains\": [\"ACME.com\"]}";
  g_autoptr(VigilSnapshot) from_text = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) from_tree = vigil_snapshot_new ();
  g_autoptr(JsonNode) tree = parse_tree (detail);
  g_autofree char *text_description = NULL;
  g_autofree char *tree_description = NULL;

  g_assert_no_error (error);
  from_text->last_active = 1;
  from_tree->last_active = 1;
  g_assert_true (vigil_mapping_read_detail (mapping, detail, strlen (detail), from_text, &error));
  g_assert_no_error (error);
  vigil_mapping_apply_detail (mapping, tree, from_tree);
  g_assert_cmpint (from_text->last_active, ==, T_0305_1423);
  g_assert_cmpint (from_text->api_calls_7d, ==, 12);
  g_assert_cmpstr (g_ptr_array_index (from_text->keys, 0), ==, "acme.com");
  text_description = describe (from_text);
  tree_description = describe (from_tree);
  g_assert_cmpstr (text_description, ==, tree_description);

  /* What a detail answer does not give stays as the list gave it. */
  {
    g_autoptr(VigilSnapshot) kept = vigil_snapshot_new ();
    static const char empty[] = "{\"usage\": {\"last\": null}, \"domains\": null}";

    kept->last_active = 77;
    kept->api_calls_7d = 3;
    g_assert_true (vigil_mapping_read_detail (mapping, empty, strlen (empty), kept, &error));
    g_assert_cmpint (kept->last_active, ==, 77);
    g_assert_cmpint (kept->api_calls_7d, ==, 3);
    g_assert_cmpuint (kept->n_unknown, ==, 0);
  }
}

/* Mappings ----------------------------------------------------------------- */

static void
test_invalid (void)
{
  static const struct { const char *fields; const char *message; } cases[] = {
    { "\"mrr\": {\"pointer\": \"/m\", \"time\": \"epoch-s\"}",
      "fields.mrr: time applies to last_active, observed_at and renewal_date, not to mrr" },
    { "\"name\": {\"pointer\": \"/n\", \"scale\": 2}", "fields.name: scale applies to numbers" },
    { "\"seats\": {\"pointer\": \"/s\", \"per\": {\"interval\": \"/i\"}}",
      "fields.seats: per brings an amount to a month: it applies to mrr, not to seats" },
    { "\"name\": {\"sum\": \"/a\", \"of\": \"/b\"}", "fields.name: sum applies to numbers" },
    { "\"mrr\": {\"pointer\": \"/m\", \"lower\": true}", "fields.mrr: lower applies to text" },
    { "\"mrr\": {\"sum\": \"/items\"}", "fields.mrr.of: missing" },
    { "\"mrr\": {\"pointer\": \"/m\", \"of\": \"/x\"}", "fields.mrr.of: goes with “sum”" },
    { "\"mrr\": {\"pointer\": \"/m\", \"sum\": \"/x\", \"of\": \"/y\"}", "fields.mrr: needs either “pointer” or “sum”" },
    { "\"mrr\": {\"scale\": 2}", "fields.mrr: needs either “pointer” or “sum”" },
    { "\"mrr\": {\"pointer\": \"m\"}", "fields.mrr.pointer: “m” is not a JSON Pointer" },
    { "\"mrr\": {\"sum\": \"/i\", \"of\": \"p\"}", "fields.mrr.of: “p” is not a JSON Pointer" },
    { "\"mrr\": {\"pointer\": \"/m\", \"scale\": 0}", "fields.mrr.scale: must be a number greater than 0" },
    { "\"mrr\": {\"pointer\": \"/m\", \"scale\": -1}", "fields.mrr.scale: must be a number greater than 0" },
    { "\"mrr\": {\"pointer\": \"/m\", \"scale\": \"0.01\"}", "fields.mrr.scale: must be a number" },
    { "\"last_active\": {\"pointer\": \"/t\", \"time\": \"epoch\"}", "fields.last_active.time: must be epoch-s" },
    { "\"last_active\": {\"pointer\": \"/t\", \"time\": \"%d/%m/%Y %Q\"}",
      "fields.last_active.time: the time format “%d/%m/%Y %Q” has “%Q”" },
    { "\"last_active\": {\"pointer\": \"/t\", \"time\": \"%H:%M\"}", "needs a year" },
    { "\"name\": {\"pointer\": \"/n\", \"lower\": \"yes\"}", "fields.name.lower: must be true or false" },
    { "\"mrr\": {\"pointer\": \"/m\", \"scael\": 2}", "fields.mrr.scael: unknown member" },
    { "\"mrr\": {\"column\": \"M\"}", "fields.mrr.column: a column names a CSV file's column: in JSON, use “pointer”" },
    { "\"mrr\": {\"pointer\": \"/m\", \"per\": \"/i\"}", "fields.mrr.per: must be an object with “interval”" },
    { "\"mrr\": {\"pointer\": \"/m\", \"per\": {\"count\": \"/c\"}}", "fields.mrr.per.interval: must be a JSON Pointer" },
    { "\"mrr\": {\"pointer\": \"/m\", \"per\": {\"interval\": \"/i\", \"every\": 2}}", "fields.mrr.per.every: unknown member" },
    { "\"mrr\": [\"/m\"]", "fields.mrr: must be a JSON Pointer string or an object with “pointer” or “sum”" },
    { "\"keys\": {\"pointer\": \"/k\", \"scale\": 2}", "fields.keys: scale applies to numbers" },
  };
  static const struct { const char *merge; const char *message; } merges[] = {
    { "{\"mrr\": \"average\"}", "merge.mrr: “average” is not sum, max, min, first or last" },
    { "{\"nps\": \"sum\"}", "merge.nps: nps cannot be summed: use max, min, first or last" },
    { "{\"last_active\": \"sum\"}", "merge.last_active: last_active cannot be summed" },
    { "{\"name\": \"first\"}", "merge.name: merge applies to mrr, seats, seats_used, api_calls_7d, "
                              "open_tickets, nps, last_active and renewal_date; name is the last record's" },
    { "{\"revenue\": \"sum\"}", "merge.revenue: “revenue” is not a field Vigil knows" },
    { "{\"mrr\": 1}", "merge.mrr: must be sum, max, min, first or last" },
    { "[\"mrr\"]", "merge: must be an object from field names to sum, max, min, first or last" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"records\": \"\", \"fields\": {\"id\": \"/id\", %s}}",
                                               cases[i].fields);
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (text, -1, &error);

      g_assert_null (mapping);
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("%s: “%s” does not say “%s”", cases[i].fields, error->message, cases[i].message);
    }
  for (guint i = 0; i < G_N_ELEMENTS (merges); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"records\": \"\", \"fields\": {\"id\": \"/id\"}, \"merge\": %s}",
                                               merges[i].merge);
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (text, -1, &error);

      g_assert_null (mapping);
      if (strstr (error->message, merges[i].message) == NULL)
        g_error ("%s: “%s” does not say “%s”", merges[i].merge, error->message, merges[i].message);
    }
}

/* A mapping stored with a source (to JSON and back) is the same mapping. */
static void
test_round_trip (void)
{
  static const char * const mappings[] = {
    "{\"records\": \"/data\", \"fields\": {\"id\": {\"pointer\": \"/id\", \"lower\": true},"
    " \"keys\": {\"pointer\": \"/domain\", \"lower\": true}, \"name\": \"/name\"," STRIPE_MONTHLY ","
    " \"last_active\": {\"pointer\": \"/seen\", \"time\": \"%d/%m/%Y %H:%M\"},"
    " \"renewal_date\": {\"pointer\": \"/renews\", \"time\": \"epoch-ms\"},"
    " \"seats\": {\"pointer\": \"/s\", \"scale\": 0.5}},"
    " \"merge\": {\"mrr\": \"sum\", \"last_active\": \"max\", \"seats\": \"first\"},"
    " \"detail_url\": \"https://x.example/{id}\","
    " \"detail_fields\": {\"api_calls_7d\": {\"sum\": \"/d\", \"of\": \"\"}, \"keys\": {\"pointer\": \"/k\", \"lower\": true}}}",
    "{\"fields\": {\"id\": \"Record ID\", \"name\": \"Company name\","
    " \"mrr\": {\"column\": \"Annual Revenue\", \"scale\": 0.0833333},"
    " \"last_active\": {\"column\": \"Last Activity Date\", \"time\": \"%d/%m/%Y %H:%M\"}},"
    " \"keys\": [\"Domain\", {\"column\": \"Email\", \"lower\": true}],"
    " \"merge\": {\"mrr\": \"sum\"}, \"decimal\": \",\", \"delimiter\": \";\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (mappings); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VigilMapping) first = vigil_mapping_new_from_data (mappings[i], -1, &error);
      g_autofree char *json = NULL;
      g_autoptr(VigilMapping) second = NULL;
      g_autofree char *again = NULL;

      g_assert_no_error (error);
      json = vigil_mapping_to_json (first);
      second = vigil_mapping_new_from_data (json, -1, &error);
      g_assert_no_error (error);
      again = vigil_mapping_to_json (second);
      g_assert_cmpstr (json, ==, again);
      g_assert_cmpint (vigil_mapping_is_csv (second), ==, i == 1);
      g_assert_cmpint (vigil_mapping_get_merge (second)[VIGIL_FIELD_MRR], ==, VIGIL_MERGE_SUM);
      /* Every member survives, in its form. */
      g_assert_nonnull (strstr (json, i == 0 ? "/recurring/interval_count\"" : "\"Annual Revenue\""));
      g_assert_nonnull (strstr (json, "%d/%m/%Y %H:%M"));
    }
}

/* A CSV mapping reads no JSON: said so, not read as pointers. */
static void
test_csv_mapping_not_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data ("{\"fields\": {\"id\": \"/id\"}}", -1, &error);
  VigilSnapshot *first = NULL;

  g_assert_no_error (error);
  g_assert_true (vigil_mapping_is_csv (mapping));
  g_assert_false (vigil_mapping_read_records (mapping, "[]", 2, keep_first, &first, NULL, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "the mapping has no “records”, so it names the columns of a CSV file"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/transforms/time-format", test_time_format);
  g_test_add_func ("/transforms/epoch", test_epoch);
  g_test_add_func ("/transforms/time-forms", test_time_forms);
  g_test_add_func ("/transforms/scale", test_scale);
  g_test_add_func ("/transforms/number-text", test_number_text);
  g_test_add_func ("/transforms/lower", test_lower);
  g_test_add_func ("/transforms/lower-id", test_lower_id);
  g_test_add_func ("/transforms/sum", test_sum);
  g_test_add_func ("/transforms/per", test_per);
  g_test_add_func ("/transforms/sum-depth", test_sum_depth);
  g_test_add_func ("/transforms/detail", test_detail);
  g_test_add_func ("/transforms/invalid", test_invalid);
  g_test_add_func ("/transforms/round-trip", test_round_trip);
  g_test_add_func ("/transforms/csv-mapping-not-json", test_csv_mapping_not_json);

  return g_test_run ();
}
