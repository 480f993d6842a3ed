/* vigil-test-churn.h: histories with outcomes for the churn model's suites
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <math.h>

#include <sqlite3.h>

#include "vigil-core.h"
#include "vigil-test-book.h"

/* The day every outcome of these books is recorded on. */
#define TEST_CHURN_T0 G_GINT64_CONSTANT (1795262400)
#define TEST_CHURN_DAY 86400

static inline void
test_churn_add (VigilIngest *ingest,
                const char  *id,
                gint64       observed_at,
                gint64       calls)
{
  g_autoptr(VigilSnapshot) s = vigil_snapshot_new ();
  g_autoptr(GError) error = NULL;

  /* Only volume is known: health = calls / 50. */
  s->customer_id = g_strdup (id);
  s->observed_at = observed_at;
  s->api_calls_7d = calls;
  g_assert_true (vigil_ingest_add (ingest, s, &error));
  g_assert_no_error (error);
}

/* @n customers c00, c01…: the even ones churn, the odd ones renew.
 * Churned customers look healthy before their outcome (health 80 and up)
 * and collapse after it; renewed ones the other way round (20 to 40).
 * The outcomes are perfectly separated by health, against the default
 * model's signs; a model that peeked past the outcome day would learn
 * the opposite of what the data before it says. */
static inline void
test_churn_separated_history (VigilStore *store,
                              guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilIngest) ingest = vigil_ingest_begin (store, "crm", TEST_CHURN_T0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%02u", i);
      gboolean churned = i % 2 == 0;
      gint64 before = churned ? 4000 + 25 * i : 1000 + 25 * i;
      gint64 after = churned ? 100 : 5000;

      for (int d = 35; d >= 1; d -= 2)
        test_churn_add (ingest, id, TEST_CHURN_T0 - d * TEST_CHURN_DAY, before);
      test_churn_add (ingest, id, TEST_CHURN_T0 + TEST_CHURN_DAY, after);
    }
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);
}

/* From now on every write of the meta key @key fails, as a full disk or
 * a damaged page would make it: a real error of the engine in the
 * middle of a refit. */
static inline void
test_churn_refuse_meta (const char *path,
                        const char *key)
{
  g_autofree char *sql = NULL;

  if (vigil_store_location_is_shared (path))
    sql = g_strdup_printf (
      "CREATE FUNCTION refuse_meta () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF NEW.key = '%s' THEN RAISE EXCEPTION 'writing %s failed'; END IF; RETURN NEW; END $$;"
      "CREATE TRIGGER refuse_meta BEFORE INSERT OR UPDATE ON meta "
      "FOR EACH ROW EXECUTE FUNCTION refuse_meta ();", key, key);
  else
    sql = g_strdup_printf (
      "CREATE TRIGGER refuse_insert BEFORE INSERT ON meta WHEN NEW.key = '%s' "
      "BEGIN SELECT RAISE (ABORT, 'writing %s failed'); END;"
      "CREATE TRIGGER refuse_update BEFORE UPDATE ON meta WHEN NEW.key = '%s' "
      "BEGIN SELECT RAISE (ABORT, 'writing %s failed'); END;", key, key, key, key);
  test_book_exec (path, sql);
}

/* Takes test_churn_refuse_meta()'s refusal away again. */
static inline void
test_churn_allow_meta (const char *path)
{
  if (vigil_store_location_is_shared (path))
    test_book_exec (path, "DROP TRIGGER refuse_meta ON meta; DROP FUNCTION refuse_meta ();");
  else
    test_book_exec (path, "DROP TRIGGER refuse_insert; DROP TRIGGER refuse_update;");
}
