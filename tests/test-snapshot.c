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
#include "vigil-snapshot-private.h"
#include "vigil-test-util.h"

/* @snapshot's keys, joined by "|", or NULL when it carries none. */
static char *
join_keys (const VigilSnapshot *snapshot)
{
  g_autoptr(GString) joined = NULL;

  if (snapshot->keys == NULL)
    return NULL;
  /* Never an empty array: a record without keys has NULL. */
  g_assert_cmpuint (snapshot->keys->len, >, 0);
  joined = g_string_new (NULL);
  for (guint i = 0; i < snapshot->keys->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? "|" : "", (const char *) snapshot->keys->pdata[i]);
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static void
assert_same_snapshot (const VigilSnapshot *a,
                      const VigilSnapshot *b)
{
  g_autofree char *a_keys = join_keys (a);
  g_autofree char *b_keys = join_keys (b);

  g_assert_cmpstr (a->customer_id, ==, b->customer_id);
  g_assert_cmpstr (a_keys, ==, b_keys);
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
  /* Keys: one, several, numbers, and values that are not keys. */
  "{\"id\": \"k1\", \"keys\": \" acme.com \"}",
  "{\"id\": \"k2\", \"keys\": [\"b\", \" a \", \"b\", \"\", \"null\", 512, -7, 1e3, 9007199254740993]}",
  "{\"id\": \"k3\", \"keys\": [\"a\", 1.5], \"name\": \"n\"}",
  "{\"id\": \"k4\", \"keys\": [\"a\\u0000b\", \"c\"]}",
  "{\"id\": \"k5\", \"keys\": [\"a\", null]}",
  "{\"id\": \"k6\", \"keys\": {\"a\": \"b\"}}",
  "{\"id\": \"k7\", \"keys\": [[\"a\"], {\"b\": [true]}]}",
  "{\"id\": \"k8\", \"keys\": [\"x\"], \"keys\": [\"y\", \"z\"]}",
  "{\"id\": \"k9\", \"keys\": true}",
  "{\"id\": \"k10\", \"keys\": 12345678901234567890}",
  "{\"id\": \"k11\", \"keys\": [], \"k\\u0065ys\\u0000\": [\"shadow\"]}",
  "{\"id\": \"k12\", \"keys\": [\"\\ud800\"]}",
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

/* A string cell is kept without the white space around it; one of
 * white space alone is no value, and a later cell replaces an earlier. */
static void
test_snapshot_text_strings (void)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();

  vigil_snapshot_set_text (s, VIGIL_FIELD_ID, " acct-1 ");
  vigil_snapshot_set_text (s, VIGIL_FIELD_NAME, "\tSable  Point\n");
  vigil_snapshot_set_text (s, VIGIL_FIELD_PLAN, "growth");
  vigil_snapshot_set_text (s, VIGIL_FIELD_OWNER, "Dana");
  vigil_snapshot_set_text (s, VIGIL_FIELD_SEGMENT, "caf\xc3\xa9 ");
  g_assert_cmpstr (s->customer_id, ==, "acct-1");
  g_assert_cmpstr (s->name, ==, "Sable  Point");
  g_assert_cmpstr (s->plan, ==, "growth");
  g_assert_cmpstr (s->owner, ==, "Dana");
  g_assert_cmpstr (s->segment, ==, "caf\xc3\xa9");

  vigil_snapshot_set_text (s, VIGIL_FIELD_PLAN, "p");
  vigil_snapshot_set_text (s, VIGIL_FIELD_OWNER, " \t ");
  vigil_snapshot_set_text (s, VIGIL_FIELD_NAME, " x");
  g_assert_cmpstr (s->plan, ==, "p");
  g_assert_cmpstr (s->owner, ==, "Dana");
  g_assert_cmpstr (s->name, ==, "x");
  g_assert_cmpuint (s->n_unknown, ==, 0);
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

  /* empty, white space, or null in any case, after white space */
  g_assert_true (_vigil_text_is_null (""));
  g_assert_true (_vigil_text_is_null (" \t"));
  g_assert_true (_vigil_text_is_null ("null"));
  g_assert_true (_vigil_text_is_null ("NULL"));
  g_assert_true (_vigil_text_is_null ("  Null"));
  g_assert_false (_vigil_text_is_null ("nul"));
  g_assert_false (_vigil_text_is_null ("nulls"));
  g_assert_false (_vigil_text_is_null ("none"));
  g_assert_false (_vigil_text_is_null ("0"));
  g_assert_false (_vigil_text_is_null ("anull"));
}

/* @json read both ways, which must agree. */
static VigilSnapshot *
read_record (const char *json)
{
  g_autoptr(VigilSnapshot) fast = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) tree = vigil_snapshot_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (vigil_snapshot_parse_json (fast, json, strlen (json), &error));
  g_assert_no_error (error);
  root = _vigil_json_parse (json, -1, VIGIL_JSON_DATA, &error);
  g_assert_no_error (error);
  vigil_snapshot_set_json_object (tree, json_node_get_object (root));
  assert_same_snapshot (fast, tree);
  return g_steal_pointer (&fast);
}

static void
assert_keys (const VigilSnapshot *snapshot,
             const char          *expected,
             guint                n_unknown)
{
  g_autofree char *joined = join_keys (snapshot);

  g_assert_cmpstr (joined, ==, expected);
  g_assert_cmpuint (snapshot->n_unknown, ==, n_unknown);
}

/* The rules of design 2.1: a key or an array of keys, trimmed and then
 * compared exactly; empty ones dropped, each kept once; anything that is
 * not a key refuses the whole value, counted, and the record stands. */
static void
test_snapshot_keys (void)
{
  static const struct { const char *keys; const char *expected; guint unknown; } cases[] = {
    { "\" acme.com \"", "acme.com", 0 },
    { "\"\\tAcme.com\\r\\n\"", "Acme.com", 0 },
    { "[\"b\", \" a \", \"b\", \"a\"]", "a|b", 0 },
    /* Exact: case and other spaces are the key's own. */
    { "[\"acme.com\", \"Acme.com\"]", "Acme.com|acme.com", 0 },
    { "[\"\\u00a0a\"]", "\xc2\xa0" "a", 0 },
    /* An integer is its decimal text, as an id; exact in 64 bits. */
    { "512", "512", 0 },
    { "[512, \"512\", -7]", "-7|512", 0 },
    { "1e3", "1000", 0 },
    { "9007199254740993", "9007199254740993", 0 },
    { "12.5", NULL, 1 },
    { "12345678901234567890", NULL, 1 },
    /* Nothing to keep: no keys, nothing unusable. */
    { "\"\"", NULL, 0 },
    { "\"   \"", NULL, 0 },
    { "[]", NULL, 0 },
    { "[\"\", \" \", \"null\"]", NULL, 0 },
    { "null", NULL, 0 },
    /* U+0000 is no key, and does not make "a" or "ab" of one. */
    { "[\"a\\u0000b\", \"c\"]", NULL, 1 },
    { "\"a\\u0000\"", NULL, 1 },
    { "[\"a\", \"\\udc00\"]", NULL, 1 },
    /* An element that is not a key refuses the whole value. */
    { "[\"a\", true]", NULL, 1 },
    { "[\"a\", null]", NULL, 1 },
    { "[\"a\", [\"b\"]]", NULL, 1 },
    { "[\"a\", {}]", NULL, 1 },
    { "[\"a\", 0.5]", NULL, 1 },
    { "{\"a\": \"b\"}", NULL, 1 },
    { "false", NULL, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\": \"x\", \"name\": \"N\", \"keys\": %s}", cases[i].keys);
      g_autoptr(VigilSnapshot) s = NULL;

      g_test_message ("keys: %s", cases[i].keys);
      s = read_record (json);
      assert_keys (s, cases[i].expected, cases[i].unknown);
      /* The record stands whatever its keys. */
      g_assert_cmpstr (s->customer_id, ==, "x");
      g_assert_cmpstr (s->name, ==, "N");
    }
}

/* A record with @n keys, all different or all the same. */
static char *
keys_array (guint    n,
            gboolean distinct)
{
  GString *json = g_string_new ("{\"id\": \"x\", \"keys\": [");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s\"k%u\"", i > 0 ? ", " : "", distinct ? i : 0);
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

static char *
key_of_bytes (const char *unit,
              guint       n,
              const char *around)
{
  GString *json = g_string_new ("{\"id\": \"x\", \"keys\": \"");

  g_string_append (json, around);
  for (guint i = 0; i < n; i++)
    g_string_append (json, unit);
  g_string_append (json, around);
  g_string_append (json, "\"}");
  return g_string_free (json, FALSE);
}

/* Untrusted input is bounded: 64 keys a record, 512 bytes a key. */
static void
test_snapshot_keys_limits (void)
{
  static const struct { guint n; gboolean distinct; guint kept; guint unknown; } arrays[] = {
    { 64, TRUE, 64, 0 },
    { 65, TRUE, 0, 1 },
    /* Elements are counted, not what is left of them. */
    { 64, FALSE, 1, 0 },
    { 65, FALSE, 0, 1 },
    { 100000, TRUE, 0, 1 },
  };
  static const struct { const char *unit; guint n; const char *around; gboolean kept; } lengths[] = {
    { "x", 512, "", TRUE },
    { "x", 513, "", FALSE },
    /* Measured once trimmed. */
    { "x", 512, "  ", TRUE },
    /* Bytes, not characters: é is two. */
    { "\xc3\xa9", 256, "", TRUE },
    { "\xc3\xa9", 257, "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    {
      g_autofree char *json = keys_array (arrays[i].n, arrays[i].distinct);
      g_autoptr(VigilSnapshot) s = read_record (json);

      g_assert_cmpuint (s->keys != NULL ? s->keys->len : 0, ==, arrays[i].kept);
      g_assert_cmpuint (s->n_unknown, ==, arrays[i].unknown);
    }

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree char *json = key_of_bytes (lengths[i].unit, lengths[i].n, lengths[i].around);
      g_autoptr(VigilSnapshot) s = read_record (json);

      if (lengths[i].kept)
        {
          g_assert_cmpuint (s->keys->len, ==, 1);
          g_assert_cmpuint (strlen (s->keys->pdata[0]), ==, strlen (lengths[i].unit) * lengths[i].n);
          g_assert_cmpuint (s->n_unknown, ==, 0);
        }
      else
        assert_keys (s, NULL, 1);
    }
}

/* A copy holds its own keys; clearing forgets them. */
static void
test_snapshot_keys_copy (void)
{
  g_autoptr(VigilSnapshot) s = read_record ("{\"id\": \"x\", \"keys\": [\"b\", \"a\"]}");
  g_autoptr(VigilSnapshot) copy = vigil_snapshot_copy (s);

  assert_keys (copy, "a|b", 0);
  g_assert_true (copy->keys != s->keys);
  g_assert_true (copy->keys->pdata[0] != s->keys->pdata[0]);
  vigil_snapshot_clear (s);
  g_assert_null (s->keys);
  assert_keys (copy, "a|b", 0);
}

/* A CSV `keys` cell: one key as it is, or a JSON array of them when it
 * begins with "[" (checked as JSON to its last byte). */
static void
test_snapshot_text_keys (void)
{
  static const struct { const char *cell; const char *expected; guint unknown; } cases[] = {
    { " acme.com ", "acme.com", 0 },
    { "a, b", "a, b", 0 },
    { "\"quoted\"", "\"quoted\"", 0 },
    { "512", "512", 0 },
    { "[\"b\", \"a\", \"b\"]", "a|b", 0 },
    { " [\"a\", 512] ", "512|a", 0 },
    { "[\" A \", \"\"]", "A", 0 },
    { "[]", NULL, 0 },
    { "", NULL, 0 },
    { "null", NULL, 0 },
    { "[\"a\"", NULL, 1 },
    { "[\"a\"] x", NULL, 1 },
    { "['a']", NULL, 1 },
    { "[01]", NULL, 1 },
    { "[\"a\", true]", NULL, 1 },
    { "[\"a\\u0000\"]", NULL, 1 },
    { "a\xff", NULL, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
      /* escaped: a cell of invalid UTF-8 is not a TAP line */
      g_autofree char *shown = g_strescape (cases[i].cell, NULL);

      g_test_message ("cell: %s", shown);
      vigil_snapshot_set_text (s, VIGIL_FIELD_KEYS, cases[i].cell);
      assert_keys (s, cases[i].expected, cases[i].unknown);
    }

  /* A cell sets the keys; it does not add to what was there. */
  {
    g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();

    vigil_snapshot_set_text (s, VIGIL_FIELD_KEYS, "[\"a\", \"b\"]");
    vigil_snapshot_set_text (s, VIGIL_FIELD_KEYS, "c");
    assert_keys (s, "c", 0);
  }
}

/* An import's records share their feature names (design 7): the same
 * name is the same pointer, the table's, in every record read with it,
 * CSV cell or JSON line alike. A record given a name of its own, or
 * copied, owns all its names: they outlive the table. */
static void
test_snapshot_shared_feature_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilFeatureNames) names = _vigil_feature_names_new ();
  g_autoptr(VigilSnapshot) line = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) cell = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) copy = NULL;
  const char *text = "{\"id\": \"a\", \"features\": {\"reports\": 4, \"api\": 0}}";
  VigilFeatureName *reports;

  g_assert_true (_vigil_snapshot_parse_json_line (line, text, strlen (text), names, &error));
  g_assert_no_error (error);
  _vigil_snapshot_set_cell (cell, VIGIL_FIELD_FEATURES, "[\"api\", \"reports\"]", names);
  g_assert_cmpuint (_vigil_feature_names_count (names), ==, 2);
  reports = _vigil_feature_names_lookup (names, "reports", 7, _vigil_feature_name_hash ("reports", 7));
  g_assert_nonnull (reports);
  g_assert_cmpint (reports->id, ==, 0);
  g_assert_true (line->features_shared);
  g_assert_true (cell->features_shared);
  g_assert_true (g_array_index (line->features, VigilFeatureUsage, 0).name == reports->name);
  g_assert_true (g_array_index (cell->features, VigilFeatureUsage, 1).name == reports->name);
  g_assert_cmpint (g_array_index (cell->features, VigilFeatureUsage, 1).calls, ==, VIGIL_FEATURE_USED_NO_COUNT);

  copy = vigil_snapshot_copy (line);
  vigil_snapshot_add_feature (line, "sso", 7);
  g_assert_false (line->features_shared);
  g_assert_false (copy->features_shared);
  g_assert_true (g_array_index (line->features, VigilFeatureUsage, 0).name != reports->name);
  g_clear_pointer (&names, _vigil_feature_names_free);

  g_assert_cmpuint (line->features->len, ==, 3);
  g_assert_cmpstr (g_array_index (line->features, VigilFeatureUsage, 0).name, ==, "reports");
  g_assert_cmpstr (g_array_index (line->features, VigilFeatureUsage, 1).name, ==, "api");
  g_assert_cmpstr (g_array_index (line->features, VigilFeatureUsage, 2).name, ==, "sso");
  g_assert_cmpstr (g_array_index (copy->features, VigilFeatureUsage, 0).name, ==, "reports");
  g_assert_cmpint (vigil_snapshot_get_features_used (line), ==, 2);
}

/* Whether @a and @b hold the same features, by name, and as many
 * unusable values. */
static void
assert_same_features (const VigilSnapshot *a,
                      const VigilSnapshot *b)
{
  g_assert_cmpuint (a->n_unknown, ==, b->n_unknown);
  g_assert_cmpint (a->features == NULL, ==, b->features == NULL);
  if (a->features == NULL)
    return;
  g_assert_cmpuint (a->features->len, ==, b->features->len);
  for (guint i = 0; i < a->features->len; i++)
    {
      const VigilFeatureUsage *x = &g_array_index (a->features, VigilFeatureUsage, i);
      const VigilFeatureUsage *y = &g_array_index (b->features, VigilFeatureUsage, i);

      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->calls, ==, y->calls);
    }
}

/* Reads @cell twice with @names into @record, reset between records as
 * an import resets it (the second time, every usable name is known),
 * and each time as the same cell read with no table. */
static void
check_features_in_place (VigilFeatureNames *names,
                         VigilSnapshot     *record,
                         const char        *cell)
{
  g_autoptr(VigilSnapshot) alone = vigil_snapshot_new ();

  _vigil_snapshot_set_cell (alone, VIGIL_FIELD_FEATURES, cell, NULL);
  for (guint pass = 0; pass < 2; pass++)
    {
      _vigil_snapshot_reset (record);
      _vigil_snapshot_set_cell (record, VIGIL_FIELD_FEATURES, cell, names);
      assert_same_features (record, alone);
    }
}

/* design 7: a member of features whose name the import's table holds is
 * read in place, a word at a time. What it makes of a cell must be what
 * reading the cell without a table makes, whatever the member looks
 * like: counts at the edges of what is read in place, and names that
 * differ from a known one only by an escape or a raw control character
 * (an error), at every place of names across two words and more. */
static void
test_snapshot_shared_feature_names_in_place (void)
{
  static const char * const cells[] = {
    "{\"reports\":40,\"api\":0}",
    "{\"reports\": 7 , \"api\":0}",
    "{\"reports\" :7}",
    "{ \"reports\":\t8}",
    "{\"reports\":0}",
    "{\"reports\":01}",
    "{\"reports\":999999999999999}",
    "{\"reports\":1000000000000000}",
    "{\"reports\":1000000000000001}",
    "{\"reports\":10000000000000000}",
    "{\"reports\":1e3}",
    "{\"reports\":2.0}",
    "{\"reports\":2.5}",
    "{\"reports\":2E1}",
    "{\"reports\":-1}",
    "{\"reports\":-0}",
    "{\"reports\":null}",
    "{\"reports\":\"3\"}",
    "{\"reports\":1,\"api\":2,\"reports\":3}",
    "{\"rep\\u006frts\":5}",
    "{\"caf\\u00e9\":1}",
    "{\"caf\xc3\xa9\":2}",
    "{\"reports\":3",
    "{\"reports\":3}x",
    "{\"reports\"",
    "{\"reports\":",
    "{\"reports\"}",
    "{\"\":4}",
    "[\"reports\",\"api\"]",
  };
  static const char letters[] = "abcdefghijklmnopqrstu";
  g_autoptr(VigilFeatureNames) names = _vigil_feature_names_new ();
  g_autoptr(VigilSnapshot) record = vigil_snapshot_new ();
  g_autoptr(GString) many = g_string_new ("{");

  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    check_features_in_place (names, record, cells[i]);

  for (guint length = 1; length < sizeof letters; length++)
    for (guint at = 0; at < length; at++)
      {
        g_autofree char *prefix = g_strndup (letters, at);
        g_autofree char *suffix = g_strndup (letters + at + 1, length - at - 1);
        g_autofree char *escaped = NULL;
        g_autofree char *backslash = NULL;
        g_autofree char *control_escaped = NULL;
        g_autofree char *control = NULL;

        /* The name itself, with one letter escaped; then a name whose
         * bytes are those of the escaped one, backslash and all. */
        escaped = g_strdup_printf ("{\"%s\\u00%02x%s\":1}", prefix, letters[at], suffix);
        backslash = g_strdup_printf ("{\"%s\\\\u00%02x%s\":2}", prefix, letters[at], suffix);
        /* A known name holding U+0001; then its bytes raw, not JSON. */
        control_escaped = g_strdup_printf ("{\"%s\\u0001%s\":3}", prefix, suffix);
        control = g_strdup_printf ("{\"%s\x01%s\":4}", prefix, suffix);
        check_features_in_place (names, record, backslash);
        check_features_in_place (names, record, escaped);
        check_features_in_place (names, record, control_escaped);
        check_features_in_place (names, record, control);
      }

  /* Past the cap, a name is unusable even when it is known. */
  for (guint i = 0; i <= VIGIL_SNAPSHOT_MAX_FEATURES; i++)
    g_string_append_printf (many, "%s\"f%u\":%u", i > 0 ? "," : "", i, i);
  g_string_append (many, ",\"f0\":9}");
  check_features_in_place (names, record, many->str);
}

/* design 7: a snapshot reset for the next record keeps the memory of
 * its strings. Records one after another, their strings each of a
 * length the record before had not (longer, shorter, none, white space
 * only), in CSV cells and in JSON lines (an id given as text, then as a
 * number), each read as a new snapshot reads it. */
static void
test_snapshot_reset_keeps_memory (void)
{
  static const VigilField fields[] = {
    VIGIL_FIELD_ID, VIGIL_FIELD_NAME, VIGIL_FIELD_PLAN, VIGIL_FIELD_OWNER, VIGIL_FIELD_SEGMENT,
  };
  static const guint lengths[] = { 3, 40, 1, 0, 31, 32, 33, 200, 2, 64, 17 };
  g_autoptr(VigilFeatureNames) names = _vigil_feature_names_new ();
  g_autoptr(VigilSnapshot) record = vigil_snapshot_new ();

  for (guint r = 0; r < 4 * G_N_ELEMENTS (lengths); r++)
    {
      g_autoptr(VigilSnapshot) fresh = vigil_snapshot_new ();

      _vigil_snapshot_reset (record);
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          guint length = lengths[(r + 3 * f) % G_N_ELEMENTS (lengths)];
          g_autofree char *text = g_strnfill (length, (char) ('a' + f));

          /* white space around, or only white space */
          if (r % 5 == 1)
            {
              g_autofree char *spaced = g_strdup_printf ("  %s\t", text);

              g_free (g_steal_pointer (&text));
              text = g_steal_pointer (&spaced);
            }
          _vigil_snapshot_set_cell (record, fields[f], text, names);
          _vigil_snapshot_set_cell (fresh, fields[f], text, NULL);
        }
      g_assert_cmpstr (record->customer_id, ==, fresh->customer_id);
      g_assert_cmpstr (record->name, ==, fresh->name);
      g_assert_cmpstr (record->plan, ==, fresh->plan);
      g_assert_cmpstr (record->owner, ==, fresh->owner);
      g_assert_cmpstr (record->segment, ==, fresh->segment);
    }

  for (guint r = 0; r < G_N_ELEMENTS (lengths); r++)
    {
      g_autofree char *id = g_strnfill (lengths[r], 'i');
      g_autofree char *line = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"%s\",\"id\":%u}", id, id, r);
      g_autofree char *number = g_strdup_printf ("%u", r);
      g_autoptr(GError) error = NULL;

      _vigil_snapshot_reset (record);
      g_assert_true (_vigil_snapshot_parse_json_line (record, line, strlen (line), names, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (record->customer_id, ==, number);
      g_assert_cmpstr (record->name, ==, lengths[r] > 0 ? id : NULL);
    }
}

/* design 7: a member's name where the record before had it is matched
 * in place. Lines read one after another by one thread, their members
 * in other orders, written otherwise (a space, an escape), names that
 * begin another's, and names of no field, each read as it says; and a
 * name without its opening quote is an error, expected or not. */
static void
test_snapshot_parse_json_member_order (void)
{
  static const struct
  {
    const char *line;
    const char *id;
    gint64      seats;
    gint64      seats_used;
  } lines[] = {
    { "{\"id\":\"a\",\"seats\":1,\"seats_used\":2}", "a", 1, 2 },
    { "{\"id\":\"b\",\"seats\":3,\"seats_used\":4}", "b", 3, 4 },
    { "{\"seats_used\":5,\"id\":\"c\",\"seats\":6}", "c", 6, 5 },
    { "{\"seats\":7,\"seats_used\":8,\"id\":\"d\"}", "d", 7, 8 },
    { "{\"seats\" :9, \"seats_used\":10,\"id\":\"e\"}", "e", 9, 10 },
    { "{\"\\u0073eats\":11,\"seats_used\":12,\"\\u0069d\":\"f\"}", "f", 11, 12 },
    { "{\"seat\":13,\"seats_use\":14,\"id\":\"g\"}", "g", VIGIL_UNKNOWN, VIGIL_UNKNOWN },
    { "{\"seats\":15,\"seats_used\":16,\"id\":\"h\"}", "h", 15, 16 },
    { "{\"seats\":17,\"seats_used\":18,\"id\":\"i\",\"id\":\"j\"}", "j", 17, 18 },
  };
  static const char * const wrong[] = {
    "{\"seats\":1,\"seats_used\":2,xid\":\"k\"}",
    "{seats\":1}",
  };
  g_autoptr(VigilFeatureNames) names = _vigil_feature_names_new ();

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(VigilSnapshot) record = vigil_snapshot_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("line: %s", lines[i].line);
      g_assert_true (_vigil_snapshot_parse_json_line (record, lines[i].line, strlen (lines[i].line), names, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (record->customer_id, ==, lines[i].id);
      g_assert_cmpint (record->seats, ==, lines[i].seats);
      g_assert_cmpint (record->seats_used, ==, lines[i].seats_used);
    }
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr(VigilSnapshot) record = vigil_snapshot_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("line: %s", wrong[i]);
      g_assert_false (_vigil_snapshot_parse_json_line (record, wrong[i], strlen (wrong[i]), names, &error));
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE);
      g_test_message ("%s", error->message);
    }
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
  g_test_add_func ("/core/snapshot/parse-json/member-order", test_snapshot_parse_json_member_order);
  g_test_add_func ("/core/snapshot/text/features", test_snapshot_text_features);
  g_test_add_func ("/core/snapshot/shared-feature-names", test_snapshot_shared_feature_names);
  g_test_add_func ("/core/snapshot/shared-feature-names/in-place", test_snapshot_shared_feature_names_in_place);
  g_test_add_func ("/core/snapshot/text/values", test_snapshot_text_values);
  g_test_add_func ("/core/snapshot/text/strings", test_snapshot_text_strings);
  g_test_add_func ("/core/snapshot/reset-keeps-memory", test_snapshot_reset_keeps_memory);
  g_test_add_func ("/core/snapshot/keys", test_snapshot_keys);
  g_test_add_func ("/core/snapshot/keys/limits", test_snapshot_keys_limits);
  g_test_add_func ("/core/snapshot/keys/copy", test_snapshot_keys_copy);
  g_test_add_func ("/core/snapshot/text/keys", test_snapshot_text_keys);

  return g_test_run ();
}
