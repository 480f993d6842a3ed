/* test-timeline.c: touches and their authors, a customer's timeline, the last touch
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "vigil-core.h"
#include "vigil-test-book.h"

#define DAY 86400

/* Noon, sixty days ago: history far enough back that a touch logged on
 * it is in the past, and the events written now come after it. */
static gint64
base_time (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return (now / DAY - 60) * DAY + 12 * 3600;
}

typedef struct
{
  TestDir     dir;
  char       *path;
  VigilStore *store;
  gint64      base;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  test_dir_init (&f->dir);
  f->path = vigil_test_book_location (&f->dir, "vigil.db");
  f->store = vigil_store_open (f->path, &error);
  g_assert_no_error (error);
  f->base = base_time ();
  test_book_be (f->path, "Dana Park");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  g_free (f->path);
  test_dir_clear (&f->dir);
}

/* One record of the native format (design 2.1) observed at @at. */
static char *
record_json (const char *id,
             const char *keys,
             gint64      at,
             const char *fields)
{
  g_autofree char *time = vigil_time_format (at);

  return g_strdup_printf ("{\"id\":\"%s\"%s%s,\"observed_at\":\"%s\"%s%s}", id,
                          keys != NULL ? ",\"keys\":" : "", keys != NULL ? keys : "", time,
                          fields != NULL ? "," : "", fields != NULL ? fields : "");
}

static void
import_lines (Fixture    *f,
              const char *source,
              GPtrArray  *lines)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(VigilImporter) importer = vigil_importer_new (f->store);

  g_ptr_array_add (lines, NULL);
  text = g_strjoinv ("\n", (char **) lines->pdata);
  path = test_dir_write (&f->dir, "import.jsonl", text, -1);
  file = g_file_new_for_path (path);
  vigil_importer_set_source (importer, source);
  g_assert_true (vigil_importer_import_file (importer, file, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* A snapshot of @id at @at scoring @health with the default scorecard:
 * 100 (healthy), 70 (at risk) or 40 (high risk); 0 knows nothing. */
static char *
scored_json (const char *id,
             const char *keys,
             gint64      at,
             int         health)
{
  g_autofree char *active = vigil_time_format (at);
  g_autofree char *fields = NULL;

  switch (health)
    {
    case 100:
      fields = g_strdup_printf ("\"last_active\":\"%s\",\"api_calls_7d\":5000,\"features_used\":8", active);
      break;
    case 70:
      fields = g_strdup_printf ("\"last_active\":\"%s\",\"api_calls_7d\":5000,\"features_used\":0", active);
      break;
    case 40:
      fields = g_strdup_printf ("\"last_active\":\"%s\",\"api_calls_7d\":0,\"features_used\":0", active);
      break;
    default:
      break;
    }
  return record_json (id, keys, at, fields);
}

static gint64
find (Fixture    *f,
      const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 id = vigil_store_find_customer (f->store, text, NULL, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
add_touch (Fixture        *f,
           gint64          customer,
           VigilTouchKind  kind,
           gint64          at,
           const char     *text)
{
  g_autoptr(GError) error = NULL;
  gint64 id = vigil_store_add_touch (f->store, customer, kind, at, text, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static GPtrArray *
timeline (Fixture *f,
          gint64   customer)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = vigil_store_list_timeline (f->store, customer, &error);

  g_assert_no_error (error);
  return entries;
}

static void
set_me (Fixture    *f,
        const char *name)
{
  test_book_be (f->path, name);
}

/* design 3.4: a touch is logged in its author's name, trimmed; only its
 * author may edit or delete it, anyone else is told whose it is; bad
 * text, a time to come and an unknown customer are refused and store
 * nothing. */
static void
test_timeline_touches (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_text = NULL;
  const VigilTimelineEntry *entry;
  static const char * const bad_texts[] = { "", "   \n\t ", "call\x1b[31m", "\xff\xfe" };
  gint64 customer, touch;

  g_ptr_array_add (lines, scored_json ("acme", NULL, f->base, 70));
  import_lines (f, "product", lines);
  customer = find (f, "acme");

  touch = add_touch (f, customer, VIGIL_TOUCH_CALL, f->base + DAY, "  Renewal call with Jo\n(budget ok)  ");
  entries = timeline (f, customer);
  entry = entries->pdata[0];
  g_assert_cmpint (entry->kind, ==, VIGIL_TIMELINE_TOUCH);
  g_assert_cmpint (entry->id, ==, touch);
  g_assert_cmpint (entry->at, ==, f->base + DAY);
  g_assert_cmpstr (entry->subject, ==, "call");
  g_assert_cmpstr (entry->text, ==, "Renewal call with Jo\n(budget ok)");
  g_assert_cmpstr (entry->author, ==, "Dana Park");
  g_assert_cmpint (entry->edited_at, ==, VIGIL_UNKNOWN);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* Its author edits the text, the kind and the time. */
  g_assert_true (vigil_store_edit_touch (f->store, touch, VIGIL_TOUCH_MEETING, f->base + 2 * DAY,
                                         "Renewal meeting", &error));
  g_assert_no_error (error);
  entries = timeline (f, customer);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->subject, ==, "meeting");
  g_assert_cmpint (entry->at, ==, f->base + 2 * DAY);
  g_assert_cmpstr (entry->text, ==, "Renewal meeting");
  g_assert_cmpint (entry->edited_at, !=, VIGIL_UNKNOWN);
  g_clear_pointer (&entries, g_ptr_array_unref);
  /* Keeping what is not given. */
  g_assert_true (vigil_store_edit_touch (f->store, touch, VIGIL_N_TOUCH_KINDS, VIGIL_UNKNOWN,
                                         "Renewal meeting, signed", &error));
  g_assert_no_error (error);
  entries = timeline (f, customer);
  entry = entries->pdata[0];
  g_assert_cmpstr (entry->subject, ==, "meeting");
  g_assert_cmpint (entry->at, ==, f->base + 2 * DAY);
  g_assert_cmpstr (entry->text, ==, "Renewal meeting, signed");
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* Someone else may neither edit nor delete it, and is told whose it is. */
  set_me (f, "Sam Lee");
  g_assert_false (vigil_store_edit_touch (f->store, touch, VIGIL_N_TOUCH_KINDS, VIGIL_UNKNOWN, "Mine now", &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "Dana Park"));
  g_assert_nonnull (strstr (error->message, "Sam Lee"));
  g_clear_error (&error);
  g_assert_false (vigil_store_delete_touch (f->store, touch, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "Dana Park"));
  g_clear_error (&error);
  g_assert_cmpint (test_book_int (f->path, "SELECT count(*) FROM touches WHERE body = 'Renewal meeting, signed'"
                               " AND author = 'Dana Park'"), ==, 1);

  /* Refused: text that says nothing, control characters, text that is
   * not UTF-8, too long a text, a time to come, before 1970, an unknown
   * customer. None is stored. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_texts); i++)
    {
      g_assert_cmpint (vigil_store_add_touch (f->store, customer, VIGIL_TOUCH_NOTE, f->base, bad_texts[i], &error),
                       ==, -1);
      g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
      g_clear_error (&error);
    }
  long_text = g_strnfill (VIGIL_TOUCH_MAX_BYTES + 1, 'a');
  g_assert_cmpint (vigil_store_add_touch (f->store, customer, VIGIL_TOUCH_NOTE, f->base, long_text, &error), ==, -1);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (vigil_store_add_touch (f->store, customer, VIGIL_TOUCH_CALL,
                                          g_get_real_time () / G_USEC_PER_SEC + 3 * DAY, "Next week", &error), ==, -1);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (vigil_store_add_touch (f->store, customer, VIGIL_TOUCH_CALL, -DAY, "1969", &error), ==, -1);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (vigil_store_add_touch (f->store, customer + 100, VIGIL_TOUCH_CALL, f->base, "Who?", &error), ==, -1);
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  set_me (f, "Dana Park");
  g_assert_false (vigil_store_edit_touch (f->store, touch, VIGIL_N_TOUCH_KINDS, VIGIL_UNKNOWN, " ", &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (test_book_int (f->path, "SELECT count(*) FROM touches"), ==, 1);
  g_assert_cmpint (test_book_int (f->path, "SELECT count(*) FROM touches WHERE body = 'Renewal meeting, signed'"), ==, 1);

  /* Its author deletes it; then there is no such touch. */
  g_assert_true (vigil_store_delete_touch (f->store, touch, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_book_int (f->path, "SELECT count(*) FROM touches"), ==, 0);
  g_assert_false (vigil_store_delete_touch (f->store, touch, &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vigil_store_edit_touch (f->store, touch, VIGIL_N_TOUCH_KINDS, VIGIL_UNKNOWN, "x", &error));
  g_assert_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
}

static void
assert_entry (GPtrArray         *entries,
              guint              index,
              VigilTimelineKind  kind,
              const char        *subject,
              const char        *detail,
              const char        *author)
{
  const VigilTimelineEntry *entry;

  g_assert_cmpuint (index, <, entries->len);
  entry = entries->pdata[index];
  if (entry->kind != kind)
    g_error ("entry %u is a %s, not a %s", index, vigil_timeline_kind_get_id (entry->kind),
             vigil_timeline_kind_get_id (kind));
  g_assert_cmpstr (entry->subject, ==, subject);
  g_assert_cmpstr (entry->detail, ==, detail);
  g_assert_cmpstr (entry->author, ==, author);
}

/* design 3.4: every kind of entry, newest first, each bounded to its
 * customer: what happened to the records and triggers just now, then
 * the outcome, the touches, the pulse, the trigger that opened then and
 * the three tier changes of the history (an unscored snapshot between two scored ones
 * is not one). */
static void
test_timeline_entries (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) product = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) crm = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) support = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GArray) firing = g_array_new (FALSE, FALSE, sizeof (VigilTriggerFiring));
  g_autoptr(GError) error = NULL;
  g_autofree char *pulse = NULL;
  const int healths[] = { 100, 100, 70, 40, 0, 70 };
  const VigilTimelineEntry *entry;
  VigilTriggerFiring fire = { 0, "gone-silent", "risk", NULL };
  gint64 acme, support_account = 0, trigger;
  gint32 renewal_day;

  for (guint i = 0; i < G_N_ELEMENTS (healths); i++)
    g_ptr_array_add (product, scored_json ("acme", "[\"acme.com\"]", f->base + i * DAY, healths[i]));
  import_lines (f, "product", product);
  acme = find (f, "acme");

  /* A CRM record of the company joins at once: a source added. Its
   * second import is no news. */
  g_ptr_array_add (crm, record_json ("A-1", "[\"acme.com\"]", f->base + DAY, "\"name\":\"Acme\""));
  import_lines (f, "crm", crm);
  g_ptr_array_add (crm, record_json ("A-1", "[\"acme.com\"]", f->base + 2 * DAY, "\"name\":\"Acme\""));
  import_lines (f, "crm", crm);
  g_assert_cmpint (find (f, "crm:A-1"), ==, acme);

  /* A support record without keys, linked by hand, then unlinked. */
  g_ptr_array_add (support, record_json ("T-9", NULL, f->base + DAY, "\"open_tickets\":3"));
  import_lines (f, "support", support);
  g_assert_true (vigil_store_link_records (f->store, "product", "acme", "support", "T-9", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vigil_store_unlink_record (f->store, "support", "T-9", &support_account, &error));
  g_assert_no_error (error);

  renewal_day = vigil_time_get_day (f->base) + 10;
  g_assert_true (vigil_store_record_outcome (f->store, acme, "renewed", renewal_day, &error));
  g_assert_no_error (error);

  fire.customer_id = acme;
  g_array_append_val (firing, fire);
  g_assert_true (vigil_store_sync_triggers (f->store, firing, f->base + 6 * DAY, NULL, &error));
  g_assert_no_error (error);
  trigger = test_book_int (f->path, "SELECT id FROM triggers WHERE rule = 'gone-silent'");
  g_assert_true (vigil_store_set_trigger_state (f->store, trigger, "snoozed", "2099-01-01", &error));
  g_assert_no_error (error);

  /* The pulse is written by its own part of Vigil; the timeline reads it. */
  pulse = g_strdup_printf ("INSERT INTO pulses (customer_id, at, sentiment, reason, body, author, created_at)"
                           " VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 'red', 'budget',"
                           " 'Cutting seats', 'Sam Lee', 0)", acme, f->base + 7 * DAY);
  test_book_exec (f->path, pulse);
  add_touch (f, acme, VIGIL_TOUCH_CALL, f->base + 8 * DAY, "Renewal call");
  add_touch (f, acme, VIGIL_TOUCH_NOTE, f->base + 9 * DAY, "Champion leaves in March");
  /* Another customer's touch is on its own timeline only. */
  add_touch (f, support_account, VIGIL_TOUCH_EMAIL, f->base + 9 * DAY, "Ticket answered");

  entries = timeline (f, acme);
  g_assert_cmpuint (entries->len, ==, 13);
  assert_entry (entries, 0, VIGIL_TIMELINE_TRIGGER_STATE, "gone-silent", "snoozed", "Dana Park");
  g_assert_cmpstr (((VigilTimelineEntry *) entries->pdata[0])->until, ==, "2099-01-01");
  assert_entry (entries, 1, VIGIL_TIMELINE_RECORD_UNLINKED, "support:T-9", NULL, "Dana Park");
  assert_entry (entries, 2, VIGIL_TIMELINE_RECORD_LINKED, "product:acme", "support:T-9", "Dana Park");
  assert_entry (entries, 3, VIGIL_TIMELINE_SOURCE_ADDED, "crm", "crm:A-1", NULL);
  /* the import of the fall from 100 to 40 opened a trigger, as imports do */
  assert_entry (entries, 4, VIGIL_TIMELINE_TRIGGER_OPENED, "health-drop", "risk", NULL);
  assert_entry (entries, 5, VIGIL_TIMELINE_OUTCOME, "renewed", NULL, NULL);
  g_assert_cmpint (((VigilTimelineEntry *) entries->pdata[5])->at, ==, (gint64) renewal_day * DAY);
  assert_entry (entries, 6, VIGIL_TIMELINE_TOUCH, "note", NULL, "Dana Park");
  g_assert_cmpstr (((VigilTimelineEntry *) entries->pdata[6])->text, ==, "Champion leaves in March");
  assert_entry (entries, 7, VIGIL_TIMELINE_TOUCH, "call", NULL, "Dana Park");
  assert_entry (entries, 8, VIGIL_TIMELINE_PULSE, "red", "budget", "Sam Lee");
  g_assert_cmpstr (((VigilTimelineEntry *) entries->pdata[8])->text, ==, "Cutting seats");
  assert_entry (entries, 9, VIGIL_TIMELINE_TRIGGER_OPENED, "gone-silent", "risk", NULL);
  g_assert_cmpint (((VigilTimelineEntry *) entries->pdata[9])->at, ==, f->base + 6 * DAY);
  g_assert_cmpint (((VigilTimelineEntry *) entries->pdata[9])->id, ==, trigger);
  assert_entry (entries, 10, VIGIL_TIMELINE_TIER_CHANGE, "at-risk", "high-risk", NULL);
  g_assert_cmpint (((VigilTimelineEntry *) entries->pdata[10])->at, ==, f->base + 5 * DAY);
  assert_entry (entries, 11, VIGIL_TIMELINE_TIER_CHANGE, "high-risk", "at-risk", NULL);
  g_assert_cmpint (((VigilTimelineEntry *) entries->pdata[11])->at, ==, f->base + 3 * DAY);
  assert_entry (entries, 12, VIGIL_TIMELINE_TIER_CHANGE, "at-risk", "healthy", NULL);
  g_assert_cmpint (((VigilTimelineEntry *) entries->pdata[12])->at, ==, f->base + 2 * DAY);
  for (guint i = 1; i < entries->len; i++)
    g_assert_cmpint (((VigilTimelineEntry *) entries->pdata[i - 1])->at, >=,
                     ((VigilTimelineEntry *) entries->pdata[i])->at);

  /* In words. */
  {
    g_autofree char *tier = vigil_timeline_entry_describe (entries->pdata[12]);
    g_autofree char *opened = vigil_timeline_entry_describe (entries->pdata[9]);
    g_autofree char *linked = vigil_timeline_entry_describe (entries->pdata[2]);
    g_autofree char *snoozed = vigil_timeline_entry_describe (entries->pdata[0]);

    g_assert_cmpstr (tier, ==, "Tier: Healthy → At risk");
    g_assert_cmpstr (opened, ==, "Risk trigger opened: Gone silent");
    g_assert_cmpstr (linked, ==, "Record linked: product:acme with support:T-9");
    g_assert_cmpstr (snoozed, ==, "Trigger snoozed: Gone silent, until 2099-01-01");
  }

  /* The record that left has a timeline of its own. */
  others = timeline (f, support_account);
  g_assert_cmpuint (others->len, ==, 1);
  entry = others->pdata[0];
  g_assert_cmpstr (entry->text, ==, "Ticket answered");
  g_clear_pointer (&others, g_ptr_array_unref);

  /* An event of a kind this Vigil does not know, and one whose detail a
   * hand made unreadable, are listed, not an error. PostgreSQL's column
   * is json, which refuses what is not JSON: there the detail is JSON of
   * the wrong shape. */
  g_free (pulse);
  pulse = g_strdup_printf ("INSERT INTO events (customer_id, at, kind, detail) VALUES"
                           " (%" G_GINT64_FORMAT ", 1, 'view-saved', '{\"x\":1}'),"
                           " (%" G_GINT64_FORMAT ", 2, 'record-linked', '%s')", acme, acme,
                           vigil_test_on_postgresql () ? "[\"not\", \"a detail\"]" : "not JSON");
  test_book_exec (f->path, pulse);
  others = timeline (f, acme);
  g_assert_cmpuint (others->len, ==, 15);
  assert_entry (others, 13, VIGIL_TIMELINE_RECORD_LINKED, NULL, NULL, NULL);
  assert_entry (others, 14, VIGIL_TIMELINE_EVENT, "view-saved", "{\"x\":1}", NULL);
}

static VigilPortfolioRow *
row_of (GPtrArray *rows,
        gint64     customer)
{
  for (guint i = 0; i < rows->len; i++)
    if (((VigilPortfolioRow *) rows->pdata[i])->customer_id == customer)
      return rows->pdata[i];
  g_assert_not_reached ();
}

/* design 3.4: the last touch is the newest touch that is a contact (a
 * note is not), read in the portfolio query; the report's book as it
 * stood at a past time knows only the touches up to then. */
static void
test_timeline_last_touch (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) texts = NULL;
  g_autoptr(GError) error = NULL;
  gint64 acme, beta, email, first = 0;

  for (int d = 0; d < 40; d++)
    {
      g_ptr_array_add (lines, scored_json ("acme", NULL, f->base + d * DAY, 70));
      g_ptr_array_add (lines, scored_json ("beta", NULL, f->base + 5 * DAY + d * DAY, 70));
    }
  import_lines (f, "product", lines);
  acme = find (f, "acme");
  beta = find (f, "beta");

  /* No touch yet: none is known, the book has none. */
  g_assert_true (vigil_store_get_first_touch (f->store, &first, &error));
  g_assert_cmpint (first, ==, VIGIL_UNKNOWN);
  rows = vigil_store_list_portfolio (f->store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row_of (rows, acme)->last_touch, ==, VIGIL_UNKNOWN);
  g_assert_cmpint (row_of (rows, acme)->first_observed, ==, f->base);
  g_assert_cmpint (row_of (rows, beta)->first_observed, ==, f->base + 5 * DAY);
  g_clear_pointer (&rows, g_ptr_array_unref);

  add_touch (f, acme, VIGIL_TOUCH_NOTE, f->base, "Kick-off notes");
  add_touch (f, acme, VIGIL_TOUCH_CALL, f->base + DAY, "Intro call");
  email = add_touch (f, acme, VIGIL_TOUCH_EMAIL, f->base + 20 * DAY, "Sent the QBR deck");
  add_touch (f, acme, VIGIL_TOUCH_NOTE, f->base + 30 * DAY, "Champion may leave");

  g_assert_true (vigil_store_get_first_touch (f->store, &first, &error));
  g_assert_cmpint (first, ==, f->base + DAY);
  rows = vigil_store_list_portfolio (f->store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row_of (rows, acme)->last_touch, ==, f->base + 20 * DAY);
  g_assert_cmpint (row_of (rows, beta)->last_touch, ==, VIGIL_UNKNOWN);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* As the book stood on day 10. */
  rows = vigil_store_list_portfolio_at (f->store, f->base + 10 * DAY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row_of (rows, acme)->last_touch, ==, f->base + DAY);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The email deleted, the call is the last touch again. */
  g_assert_true (vigil_store_delete_touch (f->store, email, &error));
  g_assert_no_error (error);
  rows = vigil_store_list_portfolio (f->store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row_of (rows, acme)->last_touch, ==, f->base + DAY);

  /* Every touch's text, for the window's search: each customer's, one
   * a line in the order they were logged, whatever the other customers
   * logged in between. */
  add_touch (f, beta, VIGIL_TOUCH_CALL, f->base + 2 * DAY, "Beta renewal call");
  add_touch (f, acme, VIGIL_TOUCH_NOTE, f->base + 3 * DAY, "Logged late, about day 3");
  add_touch (f, beta, VIGIL_TOUCH_NOTE, f->base + DAY, "Beta: ünïcode stays as written");
  texts = vigil_store_list_touch_texts (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (texts), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (texts, &acme), ==,
                   "Kick-off notes\nIntro call\nChampion may leave\nLogged late, about day 3");
  g_assert_cmpstr (g_hash_table_lookup (texts, &beta), ==,
                   "Beta renewal call\nBeta: ünïcode stays as written");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/timeline/touches", Fixture, NULL, fixture_set_up, test_timeline_touches, fixture_tear_down);
  g_test_add ("/core/timeline/entries", Fixture, NULL, fixture_set_up, test_timeline_entries, fixture_tear_down);
  g_test_add ("/core/timeline/last-touch", Fixture, NULL, fixture_set_up, test_timeline_last_touch,
              fixture_tear_down);

  return g_test_run ();
}
