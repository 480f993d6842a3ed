/* test-demo.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-demo"

#include "config.h"

#include <math.h>
#include <string.h>

#include <sqlite3.h>

#include "vigil-core.h"
#include "vigil-demo.h"
#include "vigil-store-private.h"
#include "vigil-test-util.h"

#define DAY G_GINT64_CONSTANT (86400)

/* 2026-11-20T12:00:00Z, a Friday: "now" for the tests. */
#define FIXED_TIME G_GINT64_CONSTANT (1795176000)

#define TEST_SEED G_GUINT64_CONSTANT (20261120)

static const char * const catalogue[] = {
  "workflow-automation", "reports", "dashboards", "api", "sso", "integrations",
  "alerts", "exports", "audit-log", "mobile", "ai-assist", "sandbox",
};

static const char * const owners[] = {
  "Dana Park", "Miguel Ortega", "李娜", "Noa Levi", "Sven Eriksson", "Aiko Tanaka",
};

typedef enum
{
  TIER_HEALTHY,
  TIER_AT_RISK,
  TIER_HIGH_RISK,
} Tier;

/* The default health score of design 3.1, computed here independently of
 * the scorecard code: activity 40, volume 30, breadth 30, unknown measures
 * left out and the other weights rescaled. */
static gboolean
compute_score (const VigilSnapshot *snapshot,
               double              *out_score)
{
  double weights = 0;
  double points = 0;
  gint64 used;

  if (snapshot->last_active != VIGIL_UNKNOWN && snapshot->observed_at != VIGIL_UNKNOWN)
    {
      double hours = (snapshot->observed_at - snapshot->last_active) / 3600.0;

      weights += 40;
      points += 40 * CLAMP (1 - hours / 72, 0, 1);
    }

  if (snapshot->api_calls_7d != VIGIL_UNKNOWN)
    {
      weights += 30;
      points += 30 * MIN (snapshot->api_calls_7d / 5000.0, 1);
    }

  used = vigil_snapshot_get_features_used (snapshot);
  if (used != VIGIL_UNKNOWN)
    {
      weights += 30;
      points += 30 * MIN (used / 8.0, 1);
    }

  if (weights == 0)
    return FALSE;

  *out_score = points * 100 / weights;
  return TRUE;
}

static double
score_at (VigilDemo     *demo,
          guint          index,
          gint64         time,
          VigilSnapshot *scratch)
{
  double score = NAN;

  vigil_demo_fill_snapshot (demo, index, time, scratch);
  g_assert_true (compute_score (scratch, &score));
  return score;
}

static Tier
tier_of (double score)
{
  if (score >= 85)
    return TIER_HEALTHY;
  if (score >= 60)
    return TIER_AT_RISK;
  return TIER_HIGH_RISK;
}

static gboolean
in_list (const char         *text,
         const char * const *list,
         gsize               n)
{
  for (gsize i = 0; i < n; i++)
    if (g_strcmp0 (text, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_snapshots_equal (const VigilSnapshot *a,
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
  g_assert_cmpuint (a->n_unknown, ==, b->n_unknown);
  g_assert_true ((a->features == NULL) == (b->features == NULL));
  if (a->features != NULL)
    {
      g_assert_cmpuint (a->features->len, ==, b->features->len);
      for (guint i = 0; i < a->features->len; i++)
        {
          const VigilFeatureUsage *fa = &g_array_index (a->features, VigilFeatureUsage, i);
          const VigilFeatureUsage *fb = &g_array_index (b->features, VigilFeatureUsage, i);

          g_assert_cmpstr (fa->name, ==, fb->name);
          g_assert_cmpint (fa->calls, ==, fb->calls);
        }
    }
}

static void
test_demo_new (void)
{
  g_autoptr(VigilDemo) demo = vigil_demo_new (7, 25);
  g_autoptr(VigilDemo) empty = vigil_demo_new (7, 0);
  guint64 seed = 0;
  guint n = 0;

  g_assert_true (VIGIL_IS_DEMO (demo));
  g_assert_cmpuint (vigil_demo_get_n_customers (demo), ==, 25);
  g_assert_cmpuint (vigil_demo_get_seed (demo), ==, 7);
  g_object_get (demo, "seed", &seed, "n-customers", &n, NULL);
  g_assert_cmpuint (seed, ==, 7);
  g_assert_cmpuint (n, ==, 25);
  g_assert_cmpuint (vigil_demo_get_n_customers (empty), ==, 0);
}

static void
test_demo_determinism (void)
{
  const guint n = 60;
  const gint64 times[] = {
    FIXED_TIME, FIXED_TIME - 365 * DAY, FIXED_TIME - 3 * DAY + 17, FIXED_TIME + 90 * DAY - 1,
    FIXED_TIME - 200 * DAY + 7 * 3600, FIXED_TIME - 45 * DAY - 11 * 3600, 1767225600,
  };
  const guint n_times = G_N_ELEMENTS (times);
  g_autoptr(VigilDemo) first = vigil_demo_new (TEST_SEED, n);
  g_autoptr(VigilDemo) second = vigil_demo_new (TEST_SEED, n);
  g_autoptr(VigilDemo) larger = vigil_demo_new (TEST_SEED, 5 * n);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_snapshot_free);
  g_autoptr(VigilSnapshot) scratch = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) reused = vigil_snapshot_new ();

  /* In order, each in a fresh snapshot. */
  for (guint i = 0; i < n; i++)
    for (guint t = 0; t < n_times; t++)
      {
        VigilSnapshot *snapshot = vigil_snapshot_new ();

        vigil_demo_fill_snapshot (first, i, times[t], snapshot);
        g_ptr_array_add (expected, snapshot);
      }

  /* Backwards on another instance, into one reused snapshot, with
   * unrelated calls in between. */
  for (guint k = n * n_times; k-- > 0;)
    {
      guint i = k / n_times;
      guint t = k % n_times;

      vigil_demo_fill_snapshot (second, (i * 7 + 3) % n, times[(t + 1) % n_times] + 1234, scratch);
      vigil_demo_fill_snapshot (second, i, times[t], reused);
      assert_snapshots_equal (g_ptr_array_index (expected, k), reused);
    }

  /* The same instance again, and a bigger book with the same seed: a
   * customer does not depend on how many follow it. */
  for (guint k = 0; k < n * n_times; k += 5)
    {
      guint i = k / n_times;
      guint t = k % n_times;

      vigil_demo_fill_snapshot (first, i, times[t], reused);
      assert_snapshots_equal (g_ptr_array_index (expected, k), reused);
      vigil_demo_fill_snapshot (larger, i, times[t], reused);
      assert_snapshots_equal (g_ptr_array_index (expected, k), reused);
    }

  /* Copies made earlier are unaffected by the calls since. */
  for (guint k = 0; k < n * n_times; k += 7)
    {
      VigilSnapshot *fresh = vigil_snapshot_new ();

      vigil_demo_fill_snapshot (first, k / n_times, times[k % n_times], fresh);
      assert_snapshots_equal (g_ptr_array_index (expected, k), fresh);
      vigil_snapshot_free (fresh);
    }
}

static void
test_demo_seeds (void)
{
  const guint n = 200;
  g_autoptr(VigilDemo) one = vigil_demo_new (1, n);
  g_autoptr(VigilDemo) two = vigil_demo_new (2, n);
  g_autoptr(VigilSnapshot) a = vigil_snapshot_new ();
  g_autoptr(VigilSnapshot) b = vigil_snapshot_new ();
  guint names_differ = 0;
  guint values_differ = 0;

  for (guint i = 0; i < n; i++)
    {
      vigil_demo_fill_snapshot (one, i, FIXED_TIME, a);
      vigil_demo_fill_snapshot (two, i, FIXED_TIME, b);

      /* Ids are the customer's place in the book; the rest is the seed's. */
      g_assert_cmpstr (a->customer_id, ==, b->customer_id);
      if (g_strcmp0 (a->name, b->name) != 0)
        names_differ++;
      if (a->mrr != b->mrr || a->last_active != b->last_active ||
          a->api_calls_7d != b->api_calls_7d)
        values_differ++;
    }

  g_assert_cmpuint (names_differ, >=, n * 9 / 10);
  g_assert_cmpuint (values_differ, >=, n * 9 / 10);
}

static void
test_demo_ranges (void)
{
  const guint n = 300;
  const double price_min[] = { 19, 35, 55 * 0.85 };
  const double price_max[] = { 29, 55, 95 };
  const gint64 seats_min[] = { 5, 20, 100 };
  const gint64 seats_max[] = { 20, 100, 1000 };
  static const char * const plans[] = { "starter", "growth", "enterprise" };
  static const char * const segments[] = { "NA", "EMEA", "APAC", "LATAM" };
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, n);
  g_autoptr(GPtrArray) firsts = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_snapshot_free);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  guint n_snapshots = 0;
  guint n_over = 0;
  guint n_with_seats = 0;
  guint n_api = 0;
  guint n_api_hundreds = 0;
  guint n_unused_features = 0;
  gint64 api_max = 0;
  gint64 api_min = G_MAXINT64;
  gint64 seats_seen_max = 0;

  for (gint64 week = 52; week >= 0; week--)
    {
      /* Different times of day, too. */
      gint64 time = FIXED_TIME - week * 7 * DAY + (week * 3571) % DAY - 12 * 3600;
      gint32 today = vigil_time_get_day (time);

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *id = g_strdup_printf ("acct-%05u", i);
          const VigilSnapshot *first;
          guint plan = 0;
          int year, month, mday, first_month, first_mday;

          vigil_demo_fill_snapshot (demo, i, time, snapshot);
          n_snapshots++;

          g_assert_cmpstr (snapshot->customer_id, ==, id);
          g_assert_nonnull (snapshot->name);
          g_assert_true (g_utf8_validate (snapshot->name, -1, NULL));
          g_assert_cmpstr (snapshot->name, !=, "");
          g_assert_true (in_list (snapshot->plan, plans, G_N_ELEMENTS (plans)));
          g_assert_true (in_list (snapshot->owner, owners, G_N_ELEMENTS (owners)));
          g_assert_true (in_list (snapshot->segment, segments, G_N_ELEMENTS (segments)));
          g_assert_cmpint (snapshot->observed_at, ==, time);
          g_assert_cmpuint (snapshot->n_unknown, ==, 0);
          while (g_strcmp0 (plans[plan], snapshot->plan) != 0)
            plan++;

          /* MRR: a price with cents, consistent with plan and seats. */
          g_assert_true (isfinite (snapshot->mrr));
          g_assert_cmpfloat (snapshot->mrr, >, 0);
          g_assert_cmpfloat (fabs (snapshot->mrr * 100 - round (snapshot->mrr * 100)), <, 1e-6);

          if (snapshot->seats != VIGIL_UNKNOWN)
            {
              double price = snapshot->mrr / snapshot->seats;

              n_with_seats++;
              g_assert_cmpint (snapshot->seats, >=, seats_min[plan]);
              g_assert_cmpint (snapshot->seats, <=, seats_max[plan]);
              g_assert_cmpfloat (price, >=, price_min[plan] - 0.01);
              g_assert_cmpfloat (price, <=, price_max[plan] + 0.01);
              g_assert_cmpint (snapshot->seats_used, !=, VIGIL_UNKNOWN);
              g_assert_cmpint (snapshot->seats_used, >=, 0);
              g_assert_cmpint (snapshot->seats_used, <=, snapshot->seats * 5 / 4 + 1);
              if (snapshot->seats_used > snapshot->seats)
                n_over++;
              seats_seen_max = MAX (seats_seen_max, snapshot->seats);
            }
          else
            g_assert_cmpint (snapshot->seats_used, ==, VIGIL_UNKNOWN);

          if (snapshot->api_calls_7d != VIGIL_UNKNOWN)
            {
              g_assert_cmpint (snapshot->api_calls_7d, >=, 0);
              g_assert_cmpint (snapshot->api_calls_7d, <=, 15000);
              n_api++;
              if (snapshot->api_calls_7d >= 100)
                n_api_hundreds++;
              api_max = MAX (api_max, snapshot->api_calls_7d);
              if (snapshot->api_calls_7d > 0)
                api_min = MIN (api_min, snapshot->api_calls_7d);
            }

          if (snapshot->features != NULL)
            {
              g_assert_cmpint (snapshot->features_used, ==, VIGIL_UNKNOWN);
              g_assert_cmpuint (snapshot->features->len, >=, 3);
              g_assert_cmpuint (snapshot->features->len, <=, 12);
              for (guint k = 0; k < snapshot->features->len; k++)
                {
                  const VigilFeatureUsage *usage = &g_array_index (snapshot->features,
                                                                   VigilFeatureUsage, k);

                  g_assert_true (in_list (usage->name, catalogue, G_N_ELEMENTS (catalogue)));
                  g_assert_cmpint (usage->calls, >=, 0);
                  if (usage->calls == 0)
                    n_unused_features++;
                  for (guint j = 0; j < k; j++)
                    g_assert_cmpstr (g_array_index (snapshot->features, VigilFeatureUsage, j).name,
                                     !=, usage->name);
                }
            }
          else
            {
              g_assert_cmpint (snapshot->features_used, >=, 0);
              g_assert_cmpint (snapshot->features_used, <=, 12);
            }

          g_assert_cmpint (snapshot->open_tickets, >=, 0);
          g_assert_cmpint (snapshot->open_tickets, <=, 10);
          if (snapshot->nps != VIGIL_UNKNOWN)
            {
              g_assert_cmpint (snapshot->nps, >=, 0);
              g_assert_cmpint (snapshot->nps, <=, 10);
            }

          /* The next anniversary of the signup date. */
          g_assert_cmpint (snapshot->renewal_day, >, today);
          g_assert_cmpint (snapshot->renewal_day, <=, today + 366);

          g_assert_cmpint (snapshot->last_active, !=, VIGIL_UNKNOWN);
          g_assert_cmpint (snapshot->last_active, <=, time);
          g_assert_cmpint (snapshot->last_active, >, time - 400 * DAY);

          /* What a customer is does not change over time. */
          if (firsts->len <= i)
            {
              g_ptr_array_add (firsts, vigil_snapshot_copy (snapshot));
              continue;
            }
          first = g_ptr_array_index (firsts, i);
          g_assert_cmpstr (snapshot->name, ==, first->name);
          g_assert_cmpstr (snapshot->plan, ==, first->plan);
          g_assert_cmpstr (snapshot->owner, ==, first->owner);
          g_assert_cmpstr (snapshot->segment, ==, first->segment);
          g_assert_cmpfloat (snapshot->mrr, ==, first->mrr);
          g_assert_cmpint (snapshot->seats, ==, first->seats);
          g_assert_true ((snapshot->features == NULL) == (first->features == NULL));
          if (snapshot->features != NULL)
            g_assert_cmpuint (snapshot->features->len, ==, first->features->len);
          vigil_date_to_civil (snapshot->renewal_day, &year, &month, &mday);
          vigil_date_to_civil (first->renewal_day, &year, &first_month, &first_mday);
          g_assert_cmpint (month, ==, first_month);
          g_assert_cmpint (mday, ==, first_mday);
          /* Time moves forwards, so does the last activity. */
          g_assert_cmpint (snapshot->last_active, >=, first->last_active);
        }
    }

  /* Seats: mostly within the plan, a few over. */
  g_assert_cmpuint (n_over, >, 0);
  g_assert_cmpuint (n_over, <, n_with_seats / 10);
  g_assert_cmpint (seats_seen_max, >, 300);
  /* API calls: hundreds to about ten thousand. */
  g_assert_cmpuint (n_api_hundreds, >, n_api * 9 / 10);
  g_assert_cmpint (api_max, >=, 8000);
  g_assert_cmpint (api_max, <=, 13000);
  g_assert_cmpint (api_min, <, 1000);
  /* Features present but unused show as 0. */
  g_assert_cmpuint (n_unused_features, >, 0);
  g_assert_cmpuint (n_snapshots, ==, 53 * n);
}

static void
test_demo_unique (void)
{
  /* Enough for every list of names to run out and start over with a
   * suffix; the benchmarks use 10,000. */
  const guint n = 80000;
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, n);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_snapshot_free);

  for (guint i = 0; i < n; i++)
    {
      VigilSnapshot *snapshot = vigil_snapshot_new ();

      vigil_demo_fill_snapshot (demo, i, FIXED_TIME, snapshot);
      g_ptr_array_add (kept, snapshot);
      g_assert_true (g_utf8_validate (snapshot->name, -1, NULL));
      g_assert_true (g_hash_table_add (ids, snapshot->customer_id));
      /* Unique even ignoring case and Unicode normalisation. */
      g_assert_true (g_hash_table_add (names, g_utf8_casefold (snapshot->name, -1)));
    }

  g_assert_cmpuint (g_hash_table_size (ids), ==, n);
  g_assert_cmpuint (g_hash_table_size (names), ==, n);
}

typedef enum
{
  KIND_HAN,
  KIND_KANA,
  KIND_HEBREW,
  KIND_GREEK,
  KIND_CYRILLIC,
  KIND_ARABIC,
  KIND_EMOJI,
  N_KINDS
} Kind;

static guint
classify_name (const char *name)
{
  guint kinds = 0;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      switch (g_unichar_get_script (ch))
        {
        case G_UNICODE_SCRIPT_HAN: kinds |= 1 << KIND_HAN; break;
        case G_UNICODE_SCRIPT_HIRAGANA:
        case G_UNICODE_SCRIPT_KATAKANA: kinds |= 1 << KIND_KANA; break;
        case G_UNICODE_SCRIPT_HEBREW: kinds |= 1 << KIND_HEBREW; break;
        case G_UNICODE_SCRIPT_GREEK: kinds |= 1 << KIND_GREEK; break;
        case G_UNICODE_SCRIPT_CYRILLIC: kinds |= 1 << KIND_CYRILLIC; break;
        case G_UNICODE_SCRIPT_ARABIC: kinds |= 1 << KIND_ARABIC; break;
        default:
          if (ch >= 0x1F300 || (ch >= 0x2600 && ch <= 0x27BF))
            kinds |= 1 << KIND_EMOJI;
          break;
        }
    }

  return kinds;
}

static void
test_demo_scripts (void)
{
  const guint n = 300;
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, n);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  guint per_kind[N_KINDS] = { 0 };
  guint other_scripts = 0;
  guint owner_kinds = 0;

  for (guint i = 0; i < n; i++)
    {
      guint kinds;

      vigil_demo_fill_snapshot (demo, i, FIXED_TIME, snapshot);
      kinds = classify_name (snapshot->name);
      if (kinds != 0)
        other_scripts++;
      for (guint k = 0; k < N_KINDS; k++)
        if (kinds & (1u << k))
          per_kind[k]++;
      owner_kinds |= classify_name (snapshot->owner);
    }

  /* About one in ten, in every script; a couple with an emoji. */
  g_test_message ("non-Latin names: %u of %u", other_scripts, n);
  g_assert_cmpuint (other_scripts, >=, n / 20);
  g_assert_cmpuint (other_scripts, <=, n / 5);
  for (guint k = 0; k < N_KINDS; k++)
    g_assert_cmpuint (per_kind[k], >, 0);
  g_assert_cmpuint (per_kind[KIND_EMOJI], <=, n / 20);
  /* CSMs' names, too. */
  g_assert_true (owner_kinds & (1u << KIND_HAN));
}

static void
test_demo_unknowns (void)
{
  const guint n = 1000;
  const guint n_weeks = 26;
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, n);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  guint no_nps = 0;
  guint no_seats = 0;
  guint count_only = 0;
  guint no_api = 0;

  for (guint i = 0; i < n; i++)
    {
      guint nps_unknown = 0;
      guint seats_unknown = 0;
      guint features_unknown = 0;

      for (guint week = 0; week < n_weeks; week++)
        {
          vigil_demo_fill_snapshot (demo, i, FIXED_TIME - week * 7 * DAY, snapshot);
          if (snapshot->nps == VIGIL_UNKNOWN)
            nps_unknown++;
          if (snapshot->seats == VIGIL_UNKNOWN)
            seats_unknown++;
          if (snapshot->features == NULL)
            {
              /* Only a count, but a known one. */
              g_assert_cmpint (snapshot->features_used, !=, VIGIL_UNKNOWN);
              features_unknown++;
            }
          if (snapshot->api_calls_7d == VIGIL_UNKNOWN)
            no_api++;
          /* Always known. */
          g_assert_cmpint (snapshot->open_tickets, !=, VIGIL_UNKNOWN);
          g_assert_cmpint (snapshot->last_active, !=, VIGIL_UNKNOWN);
          g_assert_cmpint (snapshot->renewal_day, !=, VIGIL_UNKNOWN_DAY);
        }

      /* A customer that doesn't report a field never does. */
      g_assert_true (nps_unknown == 0 || nps_unknown == n_weeks);
      g_assert_true (seats_unknown == 0 || seats_unknown == n_weeks);
      g_assert_true (features_unknown == 0 || features_unknown == n_weeks);
      no_nps += nps_unknown != 0;
      no_seats += seats_unknown != 0;
      count_only += features_unknown != 0;
    }

  g_test_message ("no nps %u, no seats %u, count only %u of %u; no api %u of %u",
                  no_nps, no_seats, count_only, n, no_api, n * n_weeks);
  g_assert_cmpuint (no_nps, >=, n * 2 / 100);
  g_assert_cmpuint (no_nps, <=, n * 9 / 100);
  g_assert_cmpuint (no_seats, >=, n * 1 / 100);
  g_assert_cmpuint (no_seats, <=, n * 6 / 100);
  g_assert_cmpuint (count_only, >, 0);
  g_assert_cmpuint (count_only, <=, n * 6 / 100);
  g_assert_cmpuint (no_api, >=, n * n_weeks / 100);
  g_assert_cmpuint (no_api, <=, n * n_weeks * 4 / 100);
}

/* The default score's tiers at FIXED_TIME, the latest snapshot of a
 * year's history, for a 300-customer book. */
static void
check_tiers (guint64 seed)
{
  const guint n = 300;
  g_autoptr(VigilDemo) demo = vigil_demo_new (seed, n);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  guint tiers[3] = { 0 };
  double healthy, at_risk, high_risk;

  for (guint i = 0; i < n; i++)
    tiers[tier_of (score_at (demo, i, FIXED_TIME, snapshot))]++;

  healthy = (double) tiers[TIER_HEALTHY] / n;
  at_risk = (double) tiers[TIER_AT_RISK] / n;
  high_risk = (double) tiers[TIER_HIGH_RISK] / n;
  g_test_message ("seed %" G_GUINT64_FORMAT ": healthy %.3f, at risk %.3f, high risk %.3f",
                  seed, healthy, at_risk, high_risk);

  g_assert_cmpfloat (healthy, >=, 0.45);
  g_assert_cmpfloat (healthy, <=, 0.60);
  g_assert_cmpfloat (at_risk, >=, 0.20);
  g_assert_cmpfloat (at_risk, <=, 0.35);
  g_assert_cmpfloat (high_risk, >=, 0.10);
  g_assert_cmpfloat (high_risk, <=, 0.25);
}

static void
test_demo_tiers (void)
{
  check_tiers (TEST_SEED);

  /* Not a lucky seed: other books look the same. */
  for (guint64 seed = 1; seed <= 8; seed++)
    check_tiers (seed);
}

/* The mean score over @n_days days at noon, @first_day days before @churn. */
static double
window_score (VigilDemo     *demo,
              guint          index,
              gint64         churn,
              int            first_day,
              int            n_days,
              VigilSnapshot *scratch)
{
  double sum = 0;

  for (int d = 0; d < n_days; d++)
    sum += score_at (demo, index, churn - (first_day - d) * DAY + 12 * 3600, scratch);
  return sum / n_days;
}

static void
test_demo_churn (void)
{
  const guint n = 1000;
  const int days_before[] = { 30, 20, 10, 1 };
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, n);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  double mean[G_N_ELEMENTS (days_before)] = { 0 };
  double smallest_fall = G_MAXDOUBLE;
  guint n_decaying = 0;
  guint n_churned_by_now = 0;
  guint n_fell = 0;

  for (guint i = 0; i < n; i++)
    {
      gint64 churn = vigil_demo_get_churn_time (demo, i);
      double month_before, last_week, last_days;
      gint64 last_active;
      double score;

      if (churn == VIGIL_UNKNOWN)
        continue;

      n_decaying++;
      g_assert_cmpint (churn % DAY, ==, 0);
      if (churn <= FIXED_TIME)
        n_churned_by_now++;

      for (guint k = 0; k < G_N_ELEMENTS (days_before); k++)
        mean[k] += score_at (demo, i, churn - days_before[k] * DAY + 12 * 3600, snapshot);
      if (score_at (demo, i, churn - 30 * DAY + 12 * 3600, snapshot) >
          score_at (demo, i, churn - 1 * DAY + 12 * 3600, snapshot))
        n_fell++;

      /* Every decaying customer's score falls over the last 30 days:
       * the week around 30 days before churn against the last week and
       * the last three days (a single day can be a lucky one). */
      month_before = window_score (demo, i, churn, 33, 7, snapshot);
      last_week = window_score (demo, i, churn, 7, 7, snapshot);
      last_days = window_score (demo, i, churn, 3, 3, snapshot);
      g_assert_cmpfloat (month_before, >, last_week + 10);
      g_assert_cmpfloat (last_days, <, 40);
      smallest_fall = MIN (smallest_fall, month_before - last_week);

      /* From the churn day on, nothing moves: no activity, no calls,
       * nothing in use. */
      vigil_demo_fill_snapshot (demo, i, churn, snapshot);
      last_active = snapshot->last_active;
      g_assert_cmpint (last_active, <, churn);
      for (gint64 later = 1; later <= 60; later += 7)
        {
          vigil_demo_fill_snapshot (demo, i, churn + later * DAY + 9 * 3600, snapshot);
          g_assert_cmpint (snapshot->last_active, ==, last_active);
          /* The last week's calls fade out of the rolling window. */
          if (later < 7)
            continue;
          if (snapshot->api_calls_7d != VIGIL_UNKNOWN)
            g_assert_cmpint (snapshot->api_calls_7d, ==, 0);
          g_assert_cmpint (vigil_snapshot_get_features_used (snapshot), ==, 0);
          g_assert_true (compute_score (snapshot, &score));
          g_assert_cmpfloat (score, <, 10);
        }
    }

  /* About 12 % decay towards churn, many of them within the year of
   * history that ends at FIXED_TIME. */
  g_test_message ("decaying %u of %u, churned by now %u; smallest fall %.1f; "
                  "lower 1 day before than 30 days before: %u",
                  n_decaying, n, n_churned_by_now, smallest_fall, n_fell);
  g_assert_cmpuint (n_decaying, >=, n * 8 / 100);
  g_assert_cmpuint (n_decaying, <=, n * 16 / 100);
  g_assert_cmpuint (n_churned_by_now, >, n_decaying / 4);
  g_assert_cmpuint (n_churned_by_now, <, n_decaying);
  g_assert_cmpuint (n_fell, >=, n_decaying * 95 / 100);

  /* On average, a steady fall. */
  for (guint k = 0; k < G_N_ELEMENTS (days_before); k++)
    {
      mean[k] /= n_decaying;
      g_test_message ("mean score %d days before churn: %.1f", days_before[k], mean[k]);
      if (k > 0)
        g_assert_cmpfloat (mean[k], <, mean[k - 1] - 5);
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
test_demo_smooth (void)
{
  const guint n = 300;
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, n);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GArray) api_changes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) score_changes = g_array_new (FALSE, FALSE, sizeof (double));
  double p95_api, p50_score, p95_score;

  for (guint i = 0; i < n; i++)
    {
      gint64 previous_api = VIGIL_UNKNOWN;
      gint64 previous_seats_used = VIGIL_UNKNOWN;
      double previous_score = NAN;

      for (gint64 day = 365; day >= 0; day--)
        {
          gint64 time = FIXED_TIME - day * DAY;
          gint64 api;
          double score;

          vigil_demo_fill_snapshot (demo, i, time, snapshot);
          api = snapshot->api_calls_7d;
          g_assert_true (compute_score (snapshot, &score));

          if (api != VIGIL_UNKNOWN && previous_api != VIGIL_UNKNOWN && previous_api >= 500)
            {
              double change = fabs ((double) (api - previous_api)) / previous_api;

              g_array_append_val (api_changes, change);
            }
          if (snapshot->seats_used != VIGIL_UNKNOWN && previous_seats_used != VIGIL_UNKNOWN)
            g_assert_cmpint (ABS (snapshot->seats_used - previous_seats_used), <=,
                             MAX (2, snapshot->seats / 10));
          if (!isnan (previous_score))
            {
              double change = fabs (score - previous_score);

              g_array_append_val (score_changes, change);
            }
          previous_api = api;
          previous_seats_used = snapshot->seats_used;
          previous_score = score;
        }
    }

  g_array_sort (api_changes, compare_doubles);
  g_array_sort (score_changes, compare_doubles);
  p95_api = g_array_index (api_changes, double, api_changes->len * 95 / 100);
  p50_score = g_array_index (score_changes, double, score_changes->len / 2);
  p95_score = g_array_index (score_changes, double, score_changes->len * 95 / 100);
  g_test_message ("day to day: api p95 %.3f; score p50 %.2f, p95 %.2f",
                  p95_api, p50_score, p95_score);
  g_assert_cmpfloat (p95_api, <, 0.15);
  g_assert_cmpfloat (p50_score, <, 2);
  g_assert_cmpfloat (p95_score, <, 15);
}

/* design 3.2: the demo book records the outcome of every customer that
 * churned by its "now", on the day it churned, so that it opens on its
 * live customers: the churned ones are listed apart, none has an open
 * trigger, and no one else has an outcome. */
static void
test_demo_outcomes (void)
{
  const guint n = 300;
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, n);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(GPtrArray) churned = NULL;
  g_autoptr(GPtrArray) triggers = NULL;
  g_autoptr(GHashTable) churned_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 now = FIXED_TIME;
  guint n_churned = 0;
  TestDir dir;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "demo.db");
  store = vigil_demo_open_store (demo, path, now, 30, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("acct-%05u", i);
      gint64 churn = vigil_demo_get_churn_time (demo, i);
      gint64 customer = vigil_store_find_customer (store, id, "demo", &error);
      g_autoptr(GPtrArray) outcomes = NULL;

      g_assert_no_error (error);
      outcomes = vigil_store_list_outcomes (store, customer, &error);
      g_assert_no_error (error);
      if (churn != VIGIL_UNKNOWN && churn <= now)
        {
          g_autofree char *day = vigil_date_format (vigil_time_get_day (churn));
          g_autofree char *expected = g_strdup_printf ("%s churned", day);
          gint64 *key = g_new (gint64, 1);

          g_assert_cmpuint (outcomes->len, ==, 1);
          g_assert_cmpstr (outcomes->pdata[0], ==, expected);
          *key = customer;
          g_hash_table_add (churned_ids, key);
          n_churned++;
        }
      else
        g_assert_cmpuint (outcomes->len, ==, 0);
    }
  g_test_message ("%u of %u customers churned by now", n_churned, n);
  g_assert_cmpuint (n_churned, >, 0);

  active = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  churned = vigil_store_list_book (store, VIGIL_BOOK_CHURNED, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (active->len, ==, n - n_churned);
  g_assert_cmpuint (churned->len, ==, n_churned);
  for (guint i = 0; i < active->len; i++)
    g_assert_false (g_hash_table_contains (churned_ids, &((VigilPortfolioRow *) active->pdata[i])->customer_id));

  /* Their triggers closed when their churn was recorded; the others'
   * stay open. */
  triggers = vigil_store_list_triggers (store, now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (triggers->len, >, 0);
  for (guint i = 0; i < triggers->len; i++)
    g_assert_false (g_hash_table_contains (churned_ids, &((VigilTriggerRow *) triggers->pdata[i])->customer_id));
  {
    static const char sql[] = "SELECT count(*) FROM triggers t JOIN outcomes o "
                              "ON o.customer_id = t.customer_id WHERE t.cleared_at IS NULL";
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static gint64
query_int (const char *path,
           const char *sql,
           gint64      now)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, now);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* design 3.4: the demo's CSMs have logged their touches, each by the
 * customer's owner, none after its churn or in the future, so the book
 * opens with a Last Touch on nearly every customer; a few have gone
 * untouched long enough for the no-touch trigger. */
static void
test_demo_touches (void)
{
  const guint n = 300;
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, n);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 now = FIXED_TIME;
  guint touched = 0;
  TestDir dir;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "demo.db");
  store = vigil_demo_open_store (demo, path, now, 365, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (query_int (path, "SELECT count(*) FROM touches", now), >, 10 * n);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM touches t JOIN customers c ON c.id = t.customer_id "
                                    "WHERE t.author IS NOT c.owner", now), ==, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM touches WHERE at > ?1", now), ==, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM touches t JOIN outcomes o "
                                    "ON o.customer_id = t.customer_id AND o.outcome = 'churned' "
                                    "WHERE t.at >= unixepoch (o.day)", now), ==, 0);
  g_assert_cmpint (query_int (path, "SELECT count(DISTINCT kind) FROM touches", now), ==, 4);

  active = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < active->len; i++)
    {
      const VigilPortfolioRow *row = active->pdata[i];

      if (row->last_touch != VIGIL_UNKNOWN && now - row->last_touch <= 30 * DAY)
        touched++;
    }
  g_test_message ("active customers touched in the last 30 days: %u of %u", touched, active->len);
  g_assert_cmpuint (touched * 10, >=, active->len * 8);
  g_assert_cmpuint (touched, <, active->len);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM triggers WHERE rule = 'no-touch' "
                                    "AND cleared_at IS NULL", now), >, 0);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

/* Whether a churned outcome is recorded for the customer: it has left
 * the active book (design 3.2; the demo records its churns). */
static gboolean
has_churned (VigilStore *store,
             const char *external_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outcomes = NULL;
  gint64 customer_id;

  customer_id = vigil_store_find_customer (store, external_id, NULL, &error);
  g_assert_no_error (error);
  outcomes = vigil_store_list_outcomes (store, customer_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < outcomes->len; i++)
    if (g_str_has_suffix (g_ptr_array_index (outcomes, i), " churned"))
      return TRUE;
  return FALSE;
}

/* design 3.3, 5: on the book `vigil --demo` makes, at most one active
 * customer in four has an open trigger: an inbox a CSM reads every day.
 * The demo is seeded, so the figure is the same each run. */
static void
test_demo_inbox_share (void)
{
  TestDir dir;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDemo) demo = vigil_demo_new (VIGIL_DEMO_SEED, VIGIL_DEMO_CUSTOMERS);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GPtrArray) triggers = NULL;
  g_autoptr(GHashTable) active = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) flagged = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) per_rule = g_string_new (NULL);
  guint rule_counts[VIGIL_N_TRIGGER_RULES] = { 0 };
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  test_dir_init (&dir);
  path = g_build_filename (dir.path, "demo.db", NULL);
  store = vigil_demo_open_store (demo, path, FIXED_TIME, VIGIL_DEMO_DAYS, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < VIGIL_DEMO_CUSTOMERS; i++)
    {
      vigil_demo_fill_snapshot (demo, i, FIXED_TIME, snapshot);
      g_ptr_array_add (ids, g_strdup (snapshot->customer_id));
      if (!has_churned (store, snapshot->customer_id))
        g_hash_table_add (active, ids->pdata[ids->len - 1]);
    }

  triggers = vigil_store_list_triggers (store, FIXED_TIME, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < triggers->len; i++)
    {
      VigilTriggerRow *trigger = g_ptr_array_index (triggers, i);

      if (!g_hash_table_contains (active, trigger->customer))
        continue;
      g_hash_table_add (flagged, trigger->customer);
      rule_counts[vigil_trigger_rule_from_id (trigger->rule)]++;
    }
  for (int r = 0; r < VIGIL_N_TRIGGER_RULES; r++)
    g_string_append_printf (per_rule, " %s %u", vigil_trigger_rule_get_id ((VigilTriggerRule) r), rule_counts[r]);

  g_test_message ("active customers with an open trigger: %u of %u (%.1f %%);%s",
                  g_hash_table_size (flagged), g_hash_table_size (active),
                  100.0 * g_hash_table_size (flagged) / g_hash_table_size (active), per_rule->str);
  g_assert_cmpuint (g_hash_table_size (active), >, VIGIL_DEMO_CUSTOMERS * 3 / 4);
  g_assert_cmpuint (4 * g_hash_table_size (flagged), <=, g_hash_table_size (active));
  /* Not by silencing a rule: risks and upsells both still show. */
  g_assert_cmpuint (rule_counts[VIGIL_TRIGGER_HEALTH_DROP], >, 0);
  g_assert_cmpuint (rule_counts[VIGIL_TRIGGER_ADVOCATE], >, 0);

  g_clear_object (&store);
  test_dir_clear (&dir);
}

static void
test_demo_perf (void)
{
  const guint n = 10000;
  const guint n_days = 30;
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, n);
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  double seconds;
  gint64 sum = 0;

  if (!g_test_perf ())
    {
      g_test_skip ("only with -m perf");
      return;
    }

  g_test_timer_start ();
  for (guint d = 0; d < n_days; d++)
    for (guint i = 0; i < n; i++)
      {
        vigil_demo_fill_snapshot (demo, i, FIXED_TIME - d * DAY, snapshot);
        sum += snapshot->open_tickets;
      }
  seconds = g_test_timer_elapsed ();

  g_assert_cmpint (sum, >, 0);
  g_test_minimized_result (seconds * 1e6 / (n * n_days), "%.3f us per snapshot",
                           seconds * 1e6 / (n * n_days));
}

/* Everything vigil_store_list_book_scores() gives of each row, as text. */
static char *
describe_rows (GPtrArray *rows)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (rows, i);
      const VigilSnapshot *s = row->latest;

      g_string_append_printf (text, "%" G_GINT64_FORMAT " %s %s|%s|%s|%s|%s|%.17g|%" G_GINT64_FORMAT
                              " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                              " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                              " %d %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "|",
                              row->customer_id, row->source, s->customer_id, s->name, s->owner,
                              s->segment, s->plan, s->mrr, s->observed_at, s->last_active, s->seats,
                              s->seats_used, s->api_calls_7d, s->features_used, s->open_tickets,
                              s->renewal_day, s->nps, row->score.version);
      g_string_append_printf (text, "%.17g %d", row->score.health, row->score.tier);
      for (int m = 0; m < VIGIL_N_MEASURES; m++)
        g_string_append_printf (text, " %.17g/%.17g/%.17g/%.17g/%s", row->score.measures[m].input,
                                row->score.measures[m].value, row->score.measures[m].weight,
                                row->score.measures[m].points, row->input_sources[m]);
      for (int t = 0; t < VIGIL_N_TRENDS; t++)
        g_string_append_printf (text, " %.17g", row->trends[t]);
      g_string_append_printf (text, " %.17g|", row->seat_use_28d_ago);
      for (guint r = 0; r < row->records->len; r++)
        {
          const VigilAccountRecord *record = g_ptr_array_index (row->records, r);

          g_string_append_printf (text, "%s:%s ", record->source, record->id);
        }
      for (guint k = 0; row->keys[k] != NULL; k++)
        g_string_append_printf (text, "key %s ", row->keys[k]);
      if (row->pulse != NULL)
        g_string_append_printf (text, "pulse %d %" G_GINT64_FORMAT " %s ", row->pulse->sentiment,
                                row->pulse->at, row->pulse->note);
      g_string_append_printf (text, "%" G_GINT64_FORMAT " %d|%d %d %d|%" G_GINT64_FORMAT "\n",
                              row->latest_pulse.at, row->latest_pulse.sentiment, row->churned,
                              row->churned_day, row->renewed_day, row->last_touch);
    }
  return g_string_free (text, FALSE);
}

static char *
list_book_scores (VigilStore  *store,
                  guint        parts,
                  VigilBook    book,
                  const char  *owner)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  _vigil_store_set_book_parts (store, parts);
  rows = vigil_store_list_book_scores (store, book, owner, VIGIL_TIER_NONE, &error);
  g_assert_no_error (error);
  return describe_rows (rows);
}

/* design 7: a big book is read in parts, each on a connection of its
 * own; the rows are those of one reading, in customer id order, whatever
 * the parts: accounts of several records, keys, pulses, churned and
 * renewed customers, touches, on either side of a part's edge. */
static void
test_demo_scores_in_parts (void)
{
  const guint n = 240;
  g_autoptr(VigilDemo) demo = vigil_demo_new (TEST_SEED, n);
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const VigilBook books[] = { VIGIL_BOOK_ACTIVE, VIGIL_BOOK_CHURNED, VIGIL_BOOK_ALL };
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = NULL;
  TestDir dir;

  test_dir_init (&dir);
  path = test_dir_file (&dir, "demo.db");
  store = vigil_demo_open_store (demo, path, FIXED_TIME, 60, NULL, &error);
  g_assert_no_error (error);
  /* Accounts across the book: the first customer's, and one from each half. */
  g_assert_true (vigil_store_link_records (store, "demo", "acct-00003", "demo", "acct-00200", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vigil_store_link_records (store, "demo", "acct-00119", "demo", "acct-00121", NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i += 37)
    {
      g_autofree char *id = g_strdup_printf ("acct-%05u", i);
      gint64 customer = vigil_store_find_customer (store, id, "demo", &error);

      g_assert_no_error (error);
      g_assert_cmpint (vigil_store_set_pulse (store, customer, VIGIL_SENTIMENT_RED, VIGIL_PULSE_REASON_NONE,
                                              id, FIXED_TIME - 3 * DAY, NULL, &error), >, 0);
      g_assert_no_error (error);
    }
  /* A record of another system with keys: a customer of its own, last. */
  ingest = vigil_ingest_begin (store, "crm", FIXED_TIME, &error);
  g_assert_no_error (error);
  snapshot = vigil_snapshot_new ();
  snapshot->customer_id = g_strdup ("crm-1");
  snapshot->name = g_strdup ("Keyed Co");
  snapshot->observed_at = FIXED_TIME - DAY;
  snapshot->mrr = 120;
  snapshot->keys = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (snapshot->keys, g_strdup ("keyed.example"));
  g_ptr_array_add (snapshot->keys, g_strdup ("vat:DE123"));
  g_assert_true (vigil_ingest_add (ingest, snapshot, &error));
  g_assert_true (vigil_ingest_commit (ingest, &error));
  g_assert_no_error (error);

  for (guint b = 0; b < G_N_ELEMENTS (books); b++)
    for (guint o = 0; o < 2; o++)
      {
        const char *owner = o == 0 ? NULL : owners[0];
        g_autofree char *whole = list_book_scores (store, 1, books[b], owner);

        g_assert_cmpuint (strlen (whole), >, 0);
        if (o == 0 && books[b] != VIGIL_BOOK_CHURNED)
          {
            g_assert_nonnull (strstr (whole, "key keyed.example key vat:DE123 "));
            g_assert_nonnull (strstr (whole, "pulse "));
            g_assert_nonnull (strstr (whole, "demo:acct-00119 demo:acct-00121 "));
          }
        for (guint parts = 2; parts <= 4; parts++)
          {
            g_autofree char *in_parts = list_book_scores (store, parts, books[b], owner);

            g_assert_cmpstr (in_parts, ==, whole);
          }
      }
  /* Read in a transaction of its own: the store can write afterwards. */
  g_assert_true (vigil_store_begin (store, &error));
  g_assert_true (vigil_store_commit (store, &error));
  g_assert_no_error (error);
  test_dir_clear (&dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/demo/new", test_demo_new);
  g_test_add_func ("/core/demo/determinism", test_demo_determinism);
  g_test_add_func ("/core/demo/seeds", test_demo_seeds);
  g_test_add_func ("/core/demo/ranges", test_demo_ranges);
  g_test_add_func ("/core/demo/unique", test_demo_unique);
  g_test_add_func ("/core/demo/scripts", test_demo_scripts);
  g_test_add_func ("/core/demo/unknowns", test_demo_unknowns);
  g_test_add_func ("/core/demo/tiers", test_demo_tiers);
  g_test_add_func ("/core/demo/churn", test_demo_churn);
  g_test_add_func ("/core/demo/smooth", test_demo_smooth);
  g_test_add_func ("/core/demo/outcomes", test_demo_outcomes);
  g_test_add_func ("/core/demo/inbox-share", test_demo_inbox_share);
  g_test_add_func ("/core/demo/touches", test_demo_touches);
  g_test_add_func ("/core/demo/perf", test_demo_perf);
  g_test_add_func ("/core/demo/scores-in-parts", test_demo_scores_in_parts);

  return g_test_run ();
}
