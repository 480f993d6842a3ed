/* test-snapshot.c: native records from JSON and from text
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "vigil-core.h"
#include "vigil-json-private.h"
#include "vigil-test-util.h"

static void
assert_same_snapshot (const VigilSnapshot *a,
                      const VigilSnapshot *b)
{
  g_assert_cmpstr (a->customer_id, ==, b->customer_id);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->plan, ==, b->plan);
  g_assert_cmpstr (a->owner, ==, b->owner);
  g_assert_cmpstr (a->segment, ==, b->segment);
  g_assert_true ((isnan (a->mrr) && isnan (b->mrr)) || a->mrr == b->mrr);
  g_assert_cmpint (a->seats, ==, b->seats);
  g_assert_cmpint (a->seats_used, ==, b->seats_used);
  g_assert_cmpint (a->api_calls_7d, ==, b->api_calls_7d);
  g_assert_cmpint (a->features_used, ==, b->features_used);
  g_assert_cmpint (a->open_tickets, ==, b->open_tickets);
  g_assert_cmpint (a->nps, ==, b->nps);
  g_assert_cmpint (a->last_active, ==, b->last_active);
  g_assert_cmpint (a->observed_at, ==, b->observed_at);
  g_assert_cmpint (a->renewal_day, ==, b->renewal_day);
  g_assert_cmpint (vigil_snapshot_get_features_used (a), ==, vigil_snapshot_get_features_used (b));
  g_assert_true ((a->features == NULL) == (b->features == NULL));
  if (a->features != NULL)
    {
      /* json-glib does not keep an object's order; the features are a set. */
      g_assert_cmpuint (a->features->len, ==, b->features->len);
      for (guint i = 0; i < a->features->len; i++)
        {
          const VigilFeatureUsage *fa = &g_array_index (a->features, VigilFeatureUsage, i);
          gboolean found = FALSE;

          for (guint j = 0; j < b->features->len; j++)
            {
              const VigilFeatureUsage *fb = &g_array_index (b->features, VigilFeatureUsage, j);

              if (g_strcmp0 (fa->name, fb->name) == 0)
                {
                  g_assert_cmpint (fa->calls, ==, fb->calls);
                  found = TRUE;
                }
            }
          g_assert_true (found);
        }
    }
  g_assert_cmpuint (a->n_unknown, ==, b->n_unknown);
}

/* The one-pass reader must agree with the tree reader plus set_json on
 * every record, good or odd. */
static const char * const records[] = {
  "{\"id\": \"acme\", \"name\": \"Acme Corp\", \"plan\": \"enterprise\", \"owner\": \"Dana Park\","
  " \"segment\": \"EMEA\", \"mrr\": 4200.0, \"seats\": 50, \"seats_used\": 47,"
  " \"renewal_date\": \"2027-03-01\", \"last_active\": \"2026-11-21T10:00:00Z\","
  " \"api_calls_7d\": 3200, \"features\": {\"workflow-automation\": 120, \"reports\": 40},"
  " \"features_used\": 2, \"open_tickets\": 2, \"nps\": 8, \"observed_at\": \"2026-11-21T12:00:00Z\"}",
  "{\"id\": 42, \"features\": [\"a\", \"b\", \"\", 3], \"nps\": null, \"mrr\": \"17.5\"}",
  "{\"id\": \"x\", \"mrr\": true, \"seats\": [1], \"seats_used\": {\"a\": 1}, \"nps\": 11, \"api_calls_7d\": 1e400}",
  "{\"id\": \"\\u0041\\u00e9\\ud83d\\ude80\", \"name\": \"\\\"quoted\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}",
  "{\"id\": \"y\", \"features\": {\"a\": 1.5, \"b\": -2, \"c\": null, \"d\": \"x\", \"e\": 3, \"e\": 4}}",
  "{\"id\": \"z\", \"extra\": {\"deep\": [1, {\"deeper\": [true, false, null]}]}, \"seats\": 7}",
  "{\"id\": \"t\", \"last_active\": 1795255200, \"observed_at\": \"2026-11-21\", \"renewal_date\": 20270301}",
  "{\"id\": 12.0, \"name\": 5, \"features\": \"reports\"}",
  "{\"name\": \"no id\"}",
  "{\"id\": \"   \"}",
  "{}",
  "{\"id\": \"北京云图科技\", \"owner\": \"נועה לוי\", \"name\": \"🚀 Rocket\"}",
  "{\"id\": -7, \"seats\": -1, \"mrr\": -0.0, \"open_tickets\": 3.0}",
  /* U+0000 and lone surrogates: unusable values, and names no field has. */
  "{\"id\": \"dup\\u0000A\", \"name\": \"n\\ud800\", \"features\": {\"a\\u0000x\": 5, \"a\": 0}}",
  "{\"id\\u0000\": \"shadow\", \"id\": \"real\", \"plan\": \"\\udc00\", \"features\": [\"x\\u0000\", \"x\"]}",
};

static void
test_snapshot_parse_json_agrees (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      g_autoptr(VigilSnapshot) fast = vigil_snapshot_new ();
      g_autoptr(VigilSnapshot) tree = vigil_snapshot_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("record %u: %s", i, records[i]);
      g_assert_true (vigil_snapshot_parse_json (fast, records[i], strlen (records[i]), &error));
      g_assert_no_error (error);
      root = _vigil_json_parse (records[i], -1, VIGIL_JSON_DATA, &error);
      g_assert_no_error (error);
      vigil_snapshot_set_json_object (tree, json_node_get_object (root));
      assert_same_snapshot (fast, tree);
    }
}

static void
test_snapshot_parse_json_values (void)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
  g_autoptr(GError) error = NULL;
  const char *text = "{\"id\": 12345678901234567, \"name\": \"A\\u00e9\\ud83d\\ude80\"}";

  g_assert_true (vigil_snapshot_parse_json (s, text, strlen (text), &error));
  /* Integer ids are kept exactly, beyond what a double holds. */
  g_assert_cmpstr (s->customer_id, ==, "12345678901234567");
  g_assert_cmpstr (s->name, ==, "Aé🚀");

  /* An id holding U+0000 is unusable, not cut short to "dup" (which
   * would merge two customers): the record has no id, counted. */
  vigil_snapshot_clear (s);
  text = "{\"id\": \"dup\\u0000A\", \"features\": {\"a\": 0, \"a\\u0000x\": 5}}";
  g_assert_true (vigil_snapshot_parse_json (s, text, strlen (text), &error));
  g_assert_no_error (error);
  g_assert_null (s->customer_id);
  /* Nor does a feature name with it become "a": "a" is unused. */
  g_assert_cmpuint (s->features->len, ==, 1);
  g_assert_cmpstr (g_array_index (s->features, VigilFeatureUsage, 0).name, ==, "a");
  g_assert_cmpint (vigil_snapshot_get_features_used (s), ==, 0);
  g_assert_cmpuint (s->n_unknown, ==, 2);

  /* A name holding U+0000 is no field's: "id\u0000" is not "id". */
  vigil_snapshot_clear (s);
  text = "{\"id\": \"real\", \"id\\u0000\": \"shadow\"}";
  g_assert_true (vigil_snapshot_parse_json (s, text, strlen (text), &error));
  g_assert_cmpstr (s->customer_id, ==, "real");

  /* Valid JSON that is not an object is a record without an id. */
  vigil_snapshot_clear (s);
  g_assert_true (vigil_snapshot_parse_json (s, "[1, 2]", 6, &error));
  g_assert_null (s->customer_id);
}

static void
test_snapshot_parse_json_errors (void)
{
  static const struct { const char *text; const char *message; } bad[] = {
    { "", "column 1: no JSON value" },
    { "{\"id\": \"a\"", "column 11: expected “,” or “}”" },
    { "{\"id\": \"a}", "column 8: unterminated string" },
    { "{\"id\": 01}", "column 9: invalid number: no digit may follow a leading zero" },
    { "{\"id\": -}", "column 9: invalid number" },
    { "{\"id\": tru}", "column 8: unknown word" },
    { "{id: 1}", "column 2: expected a member name" },
    { "{\"id\" 1}", "column 7: expected “:”" },
    { "{\"id\": \"a\"} x", "column 13: unexpected data" },
    { "{\"id\": \"\\x\"}", "invalid escape" },
    { "{\"id\": \"a\tb\"}", "control character" },
    { "{\"id\": \"\xff\"}", "not valid UTF-8" },
    { "{\"features\": {\"a\" 1}}", "expected “:”" },
    { "{\"x\": [1, 2,]}", "column 13: expected a value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (vigil_snapshot_parse_json (s, bad[i].text, strlen (bad[i].text), &error));
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
      if (strstr (error->message, bad[i].message) == NULL)
        g_error ("“%s”: “%s” does not say “%s”", bad[i].text, error->message, bad[i].message);
    }
}

static void
test_snapshot_parse_json_deep (void)
{
  g_autoptr(GString) text = g_string_new ("{\"id\": \"deep\", \"x\": ");
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
  g_autoptr(GError) error = NULL;

  /* 100,000 levels: refused with an error, never a stack overflow. */
  for (int i = 0; i < 100000; i++)
    g_string_append_c (text, '[');
  for (int i = 0; i < 100000; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');

  g_assert_false (vigil_snapshot_parse_json (s, text->str, text->len, &error));
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
}

/* A record's text need not end with a NUL: every record above, cut
 * short at each byte, is read against a page nothing may read
 * (vigil-test-util.h) and gives what its NUL-terminated copy gives. */
static void
test_snapshot_parse_json_unterminated (void)
{
  static const char * const more[] = {
    "7", "-12", "{\"id\": 12", "{\"id\": 12345678901234567890", "{\"mrr\": 1e5", "{\"nps\": 9}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (records) + G_N_ELEMENTS (more); i++)
    {
      const char *record = i < G_N_ELEMENTS (records) ? records[i] : more[i - G_N_ELEMENTS (records)];

      for (gsize length = 1; length <= strlen (record); length++)
        {
          g_autofree char *copy = g_strndup (record, length);
          g_autoptr(VigilSnapshot) guarded_snapshot = vigil_snapshot_new ();
          g_autoptr(VigilSnapshot) copy_snapshot = vigil_snapshot_new ();
          g_autoptr(GError) guarded_error = NULL;
          g_autoptr(GError) copy_error = NULL;
          GuardedText guarded;
          const char *text = test_guarded_text_init (&guarded, record, length);
          gboolean read = vigil_snapshot_parse_json (guarded_snapshot, text, length, &guarded_error);

          g_assert_cmpint (read, ==, vigil_snapshot_parse_json (copy_snapshot, copy, length, &copy_error));
          if (read)
            assert_same_snapshot (guarded_snapshot, copy_snapshot);
          else
            g_assert_cmpstr (guarded_error->message, ==, copy_error->message);
          test_guarded_text_clear (&guarded);
        }
    }
}

static void
test_snapshot_text_features (void)
{
  static const struct { const char *cell; gint64 used; guint unknown; } cases[] = {
    { "{\"reports\": 40, \"api\": 0}", 1, 0 },
    { " [ \"reports\" , \"api\" ] ", 2, 0 },
    { "{}", 0, 0 },
    { "[]", 0, 0 },
    { "{\"a\\\"b\": 3}", 1, 0 },
    { "{\"a\": 1.5, \"b\": 2}", 1, 1 },
    { "{\"a\": 1, \"a\": 0}", 0, 0 },
    { "{\"a\": 1,}", VIGIL_UNKNOWN, 1 },
    /* A name holding U+0000 is unusable, counted, and not "a". */
    { "{\"a\": 0, \"a\\u0000b\": 3}", 0, 1 },
    { "[\"a\\u0000\", \"a\\ud800\"]", 0, 2 },
    /* The cell is checked as JSON to its last byte. */
    { "{\"a\": 1, \"b\": [01]}", VIGIL_UNKNOWN, 1 },
    { "{\"a\": 1} x", VIGIL_UNKNOWN, 1 },
    { "reports", VIGIL_UNKNOWN, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();

      vigil_snapshot_set_text (s, VIGIL_FIELD_FEATURES, cases[i].cell);
      g_assert_cmpint (vigil_snapshot_get_features_used (s), ==, cases[i].used);
      g_assert_cmpuint (s->n_unknown, ==, cases[i].unknown);
    }
}

static void
test_snapshot_text_values (void)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();

  vigil_snapshot_set_text (s, VIGIL_FIELD_MRR, " 12.50 ");
  vigil_snapshot_set_text (s, VIGIL_FIELD_SEATS, "40.0");
  vigil_snapshot_set_text (s, VIGIL_FIELD_SEATS_USED, "NaN");
  vigil_snapshot_set_text (s, VIGIL_FIELD_API_CALLS_7D, "inf");
  vigil_snapshot_set_text (s, VIGIL_FIELD_NPS, "null");
  vigil_snapshot_set_text (s, VIGIL_FIELD_OPEN_TICKETS, "2.5");
  vigil_snapshot_set_text (s, VIGIL_FIELD_RENEWAL_DATE, "2027-03-01T00:00:00Z");
  g_assert_cmpfloat (s->mrr, ==, 12.5);
  g_assert_cmpint (s->seats, ==, 40);
  g_assert_cmpint (s->seats_used, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (s->api_calls_7d, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (s->nps, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (s->open_tickets, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (s->renewal_day, ==, vigil_date_from_civil (2027, 3, 1));
  /* NaN, inf and 2.5; "null" is simply unknown */
  g_assert_cmpuint (s->n_unknown, ==, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/snapshot/parse-json/agrees-with-json-glib", test_snapshot_parse_json_agrees);
  g_test_add_func ("/core/snapshot/parse-json/values", test_snapshot_parse_json_values);
  g_test_add_func ("/core/snapshot/parse-json/errors", test_snapshot_parse_json_errors);
  g_test_add_func ("/core/snapshot/parse-json/deep", test_snapshot_parse_json_deep);
  g_test_add_func ("/core/snapshot/parse-json/unterminated", test_snapshot_parse_json_unterminated);
  g_test_add_func ("/core/snapshot/text/features", test_snapshot_text_features);
  g_test_add_func ("/core/snapshot/text/values", test_snapshot_text_values);

  return g_test_run ();
}
