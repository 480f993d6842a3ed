/* vigil-demo.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-demo"

#include "config.h"

#include <errno.h>
#include <math.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vigil-churn-trainer.h"
#include "vigil-demo.h"
#include "vigil-error.h"
#include "vigil-ingest.h"
#include "vigil-time.h"
#include "vigil-timeline.h"
#include "vigil-triggers.h"

/* A generated book of business for `vigil --demo`, the demo server and
 * the benchmarks.
 *
 * Every value is a pure function of (seed, customer, time): random
 * numbers come from a counter-based hash (splitmix64's finalizer over
 * the customer's key, a day number and a field number), never from a
 * generator whose state depends on the order of calls. A server can
 * serve "now" while an importer backfills a year, and both agree.
 *
 * Each customer follows a trajectory: a health level h(day) in 0..1
 * (steady, middling, improving, decaying towards churn, volatile).
 * Daily activity, API calls, the features in use, seat use, tickets and
 * NPS all derive from h plus small noise, so values move smoothly from
 * day to day with a weekly rhythm, and the design 3.1 score follows h. */

#define SECONDS_PER_DAY G_GINT64_CONSTANT (86400)

/* Days since 1970-01-01 between which decaying customers churn and
 * improving customers turn around: 2025-12-01 .. 2027-06-01 and
 * 2025-09-01 .. 2027-03-01, so that a year of history ending in late
 * 2026 shows both under way. Asked about later times, the book still
 * has its tiers, but every decaying customer has churned by then. */
#define CHURN_FIRST_DAY   20423
#define CHURN_LAST_DAY    20970
#define IMPROVE_FIRST_DAY 20332
#define IMPROVE_LAST_DAY  20878

/* Signup dates: 2018-01-01 .. 2025-12-31. */
#define SIGNUP_FIRST_DAY 17532
#define SIGNUP_LAST_DAY  20453

/* How far back to look for the last active day before giving up. */
#define MAX_QUIET_DAYS 120

#define N_CATALOGUE 12

typedef enum
{
  TRAJECTORY_STEADY,
  TRAJECTORY_MIDDLING,
  TRAJECTORY_IMPROVING,
  TRAJECTORY_DECAYING,
  TRAJECTORY_VOLATILE,
} Trajectory;

typedef enum
{
  SCRIPT_LATIN,
  SCRIPT_CHINESE,
  SCRIPT_JAPANESE,
  SCRIPT_HEBREW,
  SCRIPT_GREEK,
  SCRIPT_CYRILLIC,
  SCRIPT_ARABIC,
  SCRIPT_EMOJI,
  N_SCRIPTS
} Script;

typedef enum
{
  SEGMENT_NA,
  SEGMENT_EMEA,
  SEGMENT_APAC,
  SEGMENT_LATAM,
  N_SEGMENTS
} Segment;

/* Hash fields: one per independent random quantity. */
enum
{
  HASH_LEVEL,
  HASH_LEVEL_FAST,
  HASH_ACTIVE,
  HASH_CALLS,
  HASH_API_UNKNOWN,
  HASH_SEATS,
  HASH_TICKETS,
  HASH_NPS,
  HASH_FEATURE_USE,
  HASH_FEATURE_CALLS = HASH_FEATURE_USE + N_CATALOGUE,
  HASH_TOUCH = HASH_FEATURE_CALLS + N_CATALOGUE,
  HASH_TOUCH_KIND,
  HASH_TOUCH_TEXT,
  HASH_TOUCH_QUIET,
};

typedef struct
{
  char    *id;
  char    *name;
  guint64  key;
  double   mrr;
  gint64   seats;            /* the true count, also when not reported */
  gint64   churn_day;        /* G_MAXINT64 unless decaying */

  /* Trajectory parameters, in days and levels (see customer_level()). */
  double   level;
  double   level2;
  double   when;
  double   span;
  double   phase;
  double   period;

  double   api_per_day;      /* API calls on an average day at h = 1 */
  double   feature_scale;    /* feature calls per API call */
  double   seat_use;         /* share of seats in use at h = 1 */
  double   tickets_base;
  double   nps_phase;        /* days */
  gint64   lag;              /* seconds from activity to observation */
  int      window_start;     /* seconds into the UTC day the work day starts */
  int      window_end;
  int      renewal_month;
  int      renewal_mday;

  guint8   trajectory;
  guint8   plan;
  guint8   owner;
  guint8   segment;
  guint8   n_features;
  guint8   features[N_CATALOGUE];     /* catalogue indices, ascending */
  float    thresholds[N_CATALOGUE];   /* level above which each is used */
  float    weights[N_CATALOGUE];      /* its share of the calls */

  guint    seats_known : 1;
  guint    over_seats : 1;
  guint    nps_known : 1;
  guint    features_as_count : 1;
} DemoCustomer;

struct _VigilDemo
{
  GObject       parent_instance;

  guint64       seed;
  guint         n_customers;
  double        decaying_share;
  double        class_offset;
  DemoCustomer *customers;
};

enum {
  PROP_0,
  PROP_SEED,
  PROP_N_CUSTOMERS,
  PROP_DECAYING_SHARE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (VigilDemo, vigil_demo, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static const char * const catalogue[N_CATALOGUE] = {
  "workflow-automation", "reports", "dashboards", "api", "sso", "integrations",
  "alerts", "exports", "audit-log", "mobile", "ai-assist", "sandbox",
};

/* How early customers tend to adopt each feature (higher: earlier), and
 * how much more an enterprise customer cares about it. */
static const double catalogue_popularity[N_CATALOGUE] = {
  6.0, 10.0, 9.5, 7.0, 4.5, 6.5, 8.0, 7.5, 3.5, 5.0, 3.0, 2.0,
};
static const double catalogue_enterprise[N_CATALOGUE] = {
  1.0, 0.0, 0.0, 1.0, 4.0, 1.0, 0.0, 0.0, 4.0, 0.0, 0.0, 3.0,
};

/* The lowest plan that includes each feature. */
static const guint8 catalogue_plan[N_CATALOGUE] = {
  0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 2,
};

static const char * const plans[] = { "starter", "growth", "enterprise" };
static const char * const segments[N_SEGMENTS] = { "NA", "EMEA", "APAC", "LATAM" };
static const char * const owners[] = {
  "Dana Park", "Miguel Ortega", "李娜", "Noa Levi", "Sven Eriksson", "Aiko Tanaka",
};

/* Hours (UTC) of each segment's working day. */
static const int segment_hours[N_SEGMENTS][2] = {
  { 13, 23 }, { 7, 17 }, { 0, 10 }, { 11, 21 },
};

static const char * const latin_first[] = {
  "Apex", "Beacon", "Birch", "Bright", "Cedar", "Cobalt", "Copper", "Crescent",
  "Crimson", "Delta", "Ember", "Evergreen", "Falcon", "Fjord", "Granite", "Harbor",
  "Helix", "Horizon", "Indigo", "Iron", "Juniper", "Keystone", "Lumen", "Maple",
  "Meridian", "Nimbus", "Northwind", "Nova", "Oak", "Onyx", "Orchid", "Pinnacle",
  "Polar", "Quartz", "Redwood", "Sable", "Sierra", "Silver", "Solstice", "Spruce",
  "Summit", "Terra", "Tidal", "Vertex", "Willow", "Zenith", "Andes", "Nordlys",
  "Ångström", "Müller", "O'Hara", "Sol",
};
static const char * const latin_second[] = {
  "Bay", "Bridge", "Brook", "Cloud", "Crest", "Dale", "Field", "Forge",
  "Gate", "Grove", "Hill", "Lake", "Leaf", "Light", "Line", "Loop",
  "Mesa", "Mill", "Peak", "Path", "Pine", "Point", "Port", "Ridge",
  "River", "Rock", "Shore", "Signal", "Sky", "Spring", "Star", "Stone",
  "Stream", "Trail", "Vale", "View", "Wave", "Wind", "Wood", "Works",
};
static const char * const latin_form[] = {
  "Analytics", "Labs", "Systems", "Software", "Technologies", "Logistics",
  "Health", "Media", "Studios", "Networks", "Robotics", "Energy", "Foods",
  "Retail", "Capital", "Insurance", "Partners", "Group", "Consulting",
  "Dynamics", "Solutions", "Security", "Ventures", "Biotech", "Learning",
  "Payments", "Travel", "GmbH", "AB", "S.A.", "Inc.", "& Co.",
};
static const char * const latin_wrap[] = {
  "International", "Holdings", "Europe", "Americas", "Asia Pacific", "Global",
};

static const char * const zh_city[] = {
  "北京", "上海", "深圳", "杭州", "广州", "成都", "南京", "武汉", "苏州", "西安",
};
static const char * const zh_core[] = {
  "云图", "星辰", "智联", "数安", "天衡", "华信", "博远", "海纳", "锐思", "青禾", "启明", "盛达",
};
static const char * const zh_kind[] = {
  "科技", "软件", "信息技术", "网络科技", "数据", "智能",
};

static const char * const ja_core[] = {
  "さくら", "青空", "富士", "ひかり", "未来", "大和", "日の出", "みどり", "北斗", "若葉",
};
static const char * const ja_kind[] = {
  "システムズ", "ソリューションズ", "テクノロジー", "データ", "ネットワークス", "ソフト",
  "ラボ", "工業",
};

static const char * const he_core[] = {
  "אופק", "ברק", "שחר", "כרמל", "תבור", "ענן", "אורות", "מגדל", "נתיב", "זוהר",
  "גליל", "ארבל",
};
static const char * const he_kind[] = {
  "מערכות", "טכנולוגיות", "תוכנה", "פתרונות", "נתונים", "תקשורת", "אנליטיקס",
};

static const char * const el_core[] = {
  "Αιγαίο", "Όλυμπος", "Ερμής", "Αθηνά", "Πήγασος", "Ωκεανός", "Ίκαρος", "Δελφοί",
  "Ήλιος", "Κρήτη",
};
static const char * const el_kind[] = {
  "Συστήματα", "Λογισμικό", "Τεχνολογίες", "Αναλυτική", "Δίκτυα", "Δεδομένα",
};

static const char * const ru_core[] = {
  "Вектор", "Орбита", "Сибирь", "Байкал", "Радуга", "Север", "Гранит", "Восток",
  "Ладога", "Алтай",
};
static const char * const ru_kind[] = {
  "Софт", "Системс", "Технологии", "Телеком", "Данные", "Аналитика",
};

static const char * const ar_core[] = {
  "الأفق", "النخبة", "الواحة", "الصقر", "النجم", "الرمال", "البيان", "المدار",
  "الريادة", "السحاب",
};
static const char * const ar_kind[] = {
  "للتقنية", "للبرمجيات", "للحلول الرقمية", "للأنظمة", "للبيانات", "للاتصالات",
};

static const char * const emoji_names[] = {
  "🚀 Rocket Labs", "🌱 Sprout Foods", "☕ Daily Grind Coffee", "🦊 Fox & Hound Studio",
  "🎯 Bullseye Analytics", "🐙 Octopus Dev", "⚡ Voltage Energy", "🍕 Slice Software",
  "🌊 Tidewater Data", "🧪 Beaker Bio", "🛰️ Orbital Maps", "🐝 Hive Logistics",
};

/* Hashing: splitmix64's finalizer, keyed per customer. */

static inline guint64
mix64 (guint64 z)
{
  z += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint64
hash_at (guint64 key,
         gint64  day,
         guint   field)
{
  return mix64 (mix64 (key ^ (guint64) day) + field);
}

/* 0 <= u < 1 from the top 53 bits. */
static inline double
to_unit (guint64 bits)
{
  return (double) (bits >> 11) * (1.0 / 9007199254740992.0);
}

static inline double
unit_at (guint64 key,
         gint64  day,
         guint   field)
{
  return to_unit (hash_at (key, day, field));
}

/* Value noise in -1..1 with knots at whole values of @x, eased between. */
static double
smooth_noise (guint64 key,
              guint   field,
              double  x)
{
  double knot = floor (x);
  double f = x - knot;
  double a = 2 * unit_at (key, (gint64) knot, field) - 1;
  double b = 2 * unit_at (key, (gint64) knot + 1, field) - 1;

  f = f * f * (3 - 2 * f);
  return a + (b - a) * f;
}

static inline double
smoothstep (double x)
{
  x = CLAMP (x, 0.0, 1.0);
  return x * x * (3 - 2 * x);
}

/* A sequence of random numbers for setting up one customer. */
typedef struct
{
  guint64 state;
} SetupRng;

static inline double
setup_next (SetupRng *rng)
{
  rng->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return to_unit (mix64 (rng->state));
}

static inline double
setup_range (SetupRng *rng,
             double    lo,
             double    hi)
{
  return lo + (hi - lo) * setup_next (rng);
}

static inline guint
setup_int (SetupRng *rng,
           guint     n)
{
  return MIN ((guint) (setup_next (rng) * n), n - 1);
}

/* Customer setup */

static guint
coprime_stride (guint total)
{
  guint stride = MAX (1, (guint) (total * 0.6180339887));

  for (;; stride++)
    {
      guint a = stride, b = total;

      while (b != 0)
        {
          guint t = a % b;
          a = b;
          b = t;
        }
      if (a == 1)
        return stride;
    }
}

static const char *
pick (const char * const *list,
      guint               n,
      guint              *combo)
{
  const char *word = list[*combo % n];

  *combo /= n;
  return word;
}

/* The @k-th name of @script: the word lists' combinations in an order
 * shuffled by @offset, with a suffix once they run out. */
static char *
compose_name (Script script,
              guint  k,
              guint  offset)
{
  g_autofree char *base = NULL;
  guint total;
  guint combo;
  guint lap;

#define N(list) G_N_ELEMENTS (list)
  switch (script)
    {
    case SCRIPT_LATIN: total = N (latin_first) * N (latin_second) * N (latin_form); break;
    case SCRIPT_CHINESE: total = N (zh_city) * N (zh_core) * N (zh_kind); break;
    case SCRIPT_JAPANESE: total = N (ja_core) * N (ja_kind) * 2; break;
    case SCRIPT_HEBREW: total = N (he_core) * N (he_kind) * 2; break;
    case SCRIPT_GREEK: total = N (el_core) * N (el_kind) * 2; break;
    case SCRIPT_CYRILLIC: total = N (ru_core) * N (ru_kind) * 2; break;
    case SCRIPT_ARABIC: total = N (ar_core) * N (ar_kind); break;
    case SCRIPT_EMOJI: total = N (emoji_names); break;
    case N_SCRIPTS:
    default: g_assert_not_reached ();
    }

  lap = k / total;
  combo = (guint) (((guint64) (k % total) * coprime_stride (total) + offset) % total);

  switch (script)
    {
    case SCRIPT_LATIN:
      {
        const char *first = pick (latin_first, N (latin_first), &combo);
        const char *second = pick (latin_second, N (latin_second), &combo);
        const char *form = pick (latin_form, N (latin_form), &combo);

        base = g_strdup_printf ("%s %s %s", first, second, form);
        if (lap > 0 && lap <= N (latin_wrap))
          return g_strdup_printf ("%s %s", base, latin_wrap[lap - 1]);
      }
      break;

    case SCRIPT_CHINESE:
      {
        const char *city = pick (zh_city, N (zh_city), &combo);
        const char *core = pick (zh_core, N (zh_core), &combo);
        const char *kind = pick (zh_kind, N (zh_kind), &combo);

        base = g_strconcat (city, core, kind, NULL);
      }
      break;

    case SCRIPT_JAPANESE:
      {
        const char *core = pick (ja_core, N (ja_core), &combo);
        const char *kind = pick (ja_kind, N (ja_kind), &combo);

        if (combo == 0)
          base = g_strconcat ("株式会社", core, kind, NULL);
        else
          base = g_strconcat (core, kind, "株式会社", NULL);
      }
      break;

    case SCRIPT_HEBREW:
      {
        const char *core = pick (he_core, N (he_core), &combo);
        const char *kind = pick (he_kind, N (he_kind), &combo);

        base = g_strdup_printf ("%s %s%s", core, kind, combo ? " בע״מ" : "");
      }
      break;

    case SCRIPT_GREEK:
      {
        const char *core = pick (el_core, N (el_core), &combo);
        const char *kind = pick (el_kind, N (el_kind), &combo);

        base = g_strdup_printf ("%s %s%s", core, kind, combo ? " Α.Ε." : "");
      }
      break;

    case SCRIPT_CYRILLIC:
      {
        const char *core = pick (ru_core, N (ru_core), &combo);
        const char *kind = pick (ru_kind, N (ru_kind), &combo);

        if (combo == 0)
          base = g_strdup_printf ("%s %s", core, kind);
        else
          base = g_strdup_printf ("ООО «%s %s»", core, kind);
      }
      break;

    case SCRIPT_ARABIC:
      {
        const char *core = pick (ar_core, N (ar_core), &combo);
        const char *kind = pick (ar_kind, N (ar_kind), &combo);

        base = g_strdup_printf ("%s %s", core, kind);
      }
      break;

    case SCRIPT_EMOJI:
      base = g_strdup (emoji_names[combo]);
      break;

    case N_SCRIPTS:
    default:
      g_assert_not_reached ();
    }
#undef N

  if (lap == 0)
    return g_steal_pointer (&base);
  return g_strdup_printf ("%s %u", base, lap + 1);
}

static Script
choose_script (SetupRng *rng)
{
  double u = setup_next (rng);

  /* About 10 % in other scripts, 1 % with an emoji. */
  if (u < 0.010)
    return SCRIPT_EMOJI;
  if (u < 0.106)
    return (Script) (SCRIPT_CHINESE + MIN ((int) ((u - 0.010) / 0.016),
                                           SCRIPT_ARABIC - SCRIPT_CHINESE));
  return SCRIPT_LATIN;
}

static Segment
choose_segment (Script    script,
                SetupRng *rng)
{
  double u = setup_next (rng);

  switch (script)
    {
    case SCRIPT_CHINESE:
    case SCRIPT_JAPANESE:
      return SEGMENT_APAC;
    case SCRIPT_HEBREW:
    case SCRIPT_GREEK:
    case SCRIPT_CYRILLIC:
    case SCRIPT_ARABIC:
      return SEGMENT_EMEA;
    case SCRIPT_LATIN:
    case SCRIPT_EMOJI:
    case N_SCRIPTS:
    default:
      break;
    }

  if (u < 0.33)
    return SEGMENT_NA;
  if (u < 0.60)
    return SEGMENT_EMEA;
  if (u < 0.83)
    return SEGMENT_APAC;
  return SEGMENT_LATAM;
}

static guint8
choose_owner (Segment   segment,
              SetupRng *rng)
{
  double u = setup_next (rng);

  /* Owners follow regions: 0 Dana, 1 Miguel, 2 李娜, 3 Noa, 4 Sven, 5 Aiko. */
  switch (segment)
    {
    case SEGMENT_NA: return u < 0.85 ? 0 : 1;
    case SEGMENT_LATAM: return 1;
    case SEGMENT_EMEA: return u < 0.5 ? 3 : 4;
    case SEGMENT_APAC: return u < 0.5 ? 2 : 5;
    case N_SEGMENTS:
    default: g_assert_not_reached ();
    }
}

static void
setup_plan (DemoCustomer *c,
            SetupRng     *rng)
{
  double u = setup_next (rng);
  double price;
  double seats;

  if (u < 0.40)
    {
      c->plan = 0;
      seats = exp (setup_range (rng, log (5), log (21)));
      c->api_per_day = setup_range (rng, 650, 1050);
      price = setup_range (rng, 19, 29);
    }
  else if (u < 0.80)
    {
      c->plan = 1;
      seats = exp (setup_range (rng, log (20), log (101)));
      c->api_per_day = setup_range (rng, 800, 1250);
      price = setup_range (rng, 35, 55);
    }
  else
    {
      c->plan = 2;
      seats = exp (setup_range (rng, log (100), log (1001)));
      c->api_per_day = setup_range (rng, 1000, 1450);
      price = setup_range (rng, 55, 95);
    }

  c->seats = (gint64) seats;
  if (c->plan == 2 && c->seats > 300)
    price *= 0.85;                                    /* volume discount */
  price = round (price * 100) / 100;
  c->mrr = round (c->seats * price * 100) / 100;
}

/* The share of decaying customers in the default mix. */
#define DEFAULT_DECAYING_SHARE 0.12

/* @u in 0..1 picks the trajectory; the other trajectories keep their
 * proportions whatever share of the book decays. */
static void
setup_trajectory (DemoCustomer *c,
                  double        u,
                  double        decaying_share,
                  SetupRng     *rng)
{
  double k = (1.0 - decaying_share) / (1.0 - DEFAULT_DECAYING_SHARE);

  c->churn_day = G_MAXINT64;
  c->phase = setup_range (rng, 0, 2 * G_PI);

  /* Map @u onto the default mix's scale, the decaying band stretched. */
  if (u >= 0.80 * k + decaying_share)
    u = 0.92 + (u - 0.80 * k - decaying_share) / k;
  else if (u >= 0.80 * k)
    u = 0.80 + (u - 0.80 * k) / decaying_share * DEFAULT_DECAYING_SHARE;
  else
    u = u / k;

  if (u < 0.45)
    {
      c->trajectory = TRAJECTORY_STEADY;
      c->level = setup_range (rng, 0.75, 0.95);
    }
  else if (u < 0.70)
    {
      c->trajectory = TRAJECTORY_MIDDLING;
      c->level = setup_range (rng, 0.30, 0.68);
    }
  else if (u < 0.80)
    {
      c->trajectory = TRAJECTORY_IMPROVING;
      c->level = setup_range (rng, 0.30, 0.55);
      c->level2 = setup_range (rng, 0.87, 0.97);
      c->when = setup_range (rng, IMPROVE_FIRST_DAY, IMPROVE_LAST_DAY);
      c->span = setup_range (rng, 30, 120);
    }
  else if (u < 0.92)
    {
      c->trajectory = TRAJECTORY_DECAYING;
      c->level = setup_range (rng, 0.60, 0.88);
      c->churn_day = (gint64) setup_range (rng, CHURN_FIRST_DAY, CHURN_LAST_DAY);
      c->span = setup_range (rng, 21, 56);
    }
  else
    {
      c->trajectory = TRAJECTORY_VOLATILE;
      c->level = setup_range (rng, 0.45, 0.78);
      c->period = setup_range (rng, 18, 60);
    }
}

static void
setup_features (DemoCustomer *c,
                SetupRng     *rng)
{
  double affinity[N_CATALOGUE];
  guint order[N_CATALOGUE];
  guint rank_of[N_CATALOGUE];
  guint lo, hi;
  guint available = 0;
  guint n = 0;

  switch (c->trajectory)
    {
    case TRAJECTORY_STEADY: lo = 7; hi = 12; break;
    case TRAJECTORY_IMPROVING: lo = 8; hi = 12; break;
    case TRAJECTORY_MIDDLING: lo = 5; hi = 10; break;
    case TRAJECTORY_DECAYING: lo = 6; hi = 11; break;
    case TRAJECTORY_VOLATILE:
    default: lo = 6; hi = 12; break;
    }
  for (guint i = 0; i < N_CATALOGUE; i++)
    if (catalogue_plan[i] <= c->plan)
      available++;
  if (c->plan == 0)
    lo = MAX (3, lo - 2);
  hi = MIN (hi, available);
  lo = MIN (lo, hi);
  c->n_features = (guint8) (lo + setup_int (rng, hi - lo + 1));

  /* Adoption order: popularity with a personal twist. */
  for (guint i = 0; i < N_CATALOGUE; i++)
    {
      affinity[i] = catalogue_popularity[i] + 4.5 * setup_next (rng);
      if (c->plan == 2)
        affinity[i] += catalogue_enterprise[i];
      if (catalogue_plan[i] > c->plan)
        affinity[i] = -1;                   /* not in the plan */
      order[i] = i;
    }
  for (guint i = 1; i < N_CATALOGUE; i++)
    for (guint j = i; j > 0 && affinity[order[j]] > affinity[order[j - 1]]; j--)
      {
        guint t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
  for (guint r = 0; r < N_CATALOGUE; r++)
    rank_of[order[r]] = r;

  /* Kept in catalogue order; the first adopted are used at the lowest
   * health and carry the most calls. */
  for (guint i = 0; i < N_CATALOGUE; i++)
    {
      guint rank = rank_of[i];

      if (rank >= c->n_features)
        continue;
      c->features[n] = (guint8) i;
      c->thresholds[n] = (float) (0.10 + 0.78 * rank / c->n_features);
      c->weights[n] = (float) ((1.0 - 0.6 * rank / c->n_features) * setup_range (rng, 0.5, 1.5));
      n++;
    }
  g_assert (n == c->n_features);
}

static void
setup_customer (VigilDemo    *self,
                guint         index,
                DemoCustomer *c,
                guint        *script_counts,
                const guint  *script_offsets)
{
  SetupRng rng;
  Script script;
  gint32 signup;
  int year;

  c->key = mix64 (mix64 (self->seed) ^ ((guint64) index * G_GUINT64_CONSTANT (0xd6e8feb86659fd93)));
  rng.state = c->key;

  c->id = g_strdup_printf ("acct-%05u", index);
  script = choose_script (&rng);
  c->name = compose_name (script, script_counts[script]++, script_offsets[script]);
  c->segment = (guint8) choose_segment (script, &rng);
  c->owner = choose_owner (c->segment, &rng);

  setup_plan (c, &rng);
  /* Trajectories come from a low-discrepancy sequence rather than at
   * random, so that any book, small or large, has the intended mix. */
  setup_trajectory (c, fmod (self->class_offset + index * 0.6180339887498949, 1.0),
                    self->decaying_share, &rng);
  setup_features (c, &rng);

  c->seats_known = setup_next (&rng) >= 0.03;
  c->nps_known = setup_next (&rng) >= 0.05;
  c->features_as_count = setup_next (&rng) < 0.03;
  c->over_seats = setup_next (&rng) < 0.06;
  c->seat_use = c->over_seats ? setup_range (&rng, 1.10, 1.22) : setup_range (&rng, 0.62, 1.0);
  c->feature_scale = setup_range (&rng, 0.04, 0.12);
  c->tickets_base = setup_range (&rng, 0, 1.5);
  c->nps_phase = setup_range (&rng, 0, 30);
  c->lag = (gint64) setup_range (&rng, 60, 1800);
  c->window_start = segment_hours[c->segment][0] * 3600 + (int) setup_range (&rng, -1800, 1800);
  c->window_start = MAX (0, c->window_start);
  c->window_end = segment_hours[c->segment][1] * 3600 + (int) setup_range (&rng, -1800, 1800);

  signup = (gint32) setup_range (&rng, SIGNUP_FIRST_DAY, SIGNUP_LAST_DAY + 1);
  vigil_date_to_civil (signup, &year, &c->renewal_month, &c->renewal_mday);
  c->renewal_mday = MIN (c->renewal_mday, 28);      /* every year has the day */
}

/* Trajectories */

/* The customer's health level on @day, 0..1; 0 once churned. */
static double
customer_level (const DemoCustomer *c,
                gint64              day)
{
  double x = (double) day;
  double fall;
  double h;

  switch (c->trajectory)
    {
    case TRAJECTORY_STEADY:
      h = c->level + 0.04 * smooth_noise (c->key, HASH_LEVEL, x / 9);
      break;

    case TRAJECTORY_MIDDLING:
      h = c->level + 0.07 * smooth_noise (c->key, HASH_LEVEL, x / 7);
      break;

    case TRAJECTORY_IMPROVING:
      h = c->level + (c->level2 - c->level) * smoothstep ((x - c->when) / c->span + 0.5)
          + 0.04 * smooth_noise (c->key, HASH_LEVEL, x / 7);
      break;

    case TRAJECTORY_DECAYING:
      if (day >= c->churn_day)
        return 0;
      /* Disengagement accelerates, and the last days are near silence. */
      fall = CLAMP ((x - (c->churn_day - c->span)) / (c->span - 5), 0.0, 1.0);
      h = c->level + 0.05 * smooth_noise (c->key, HASH_LEVEL, x / 7);
      h *= 1 - 0.96 * pow (fall, 1.5);
      break;

    case TRAJECTORY_VOLATILE:
    default:
      h = c->level + 0.2 * sin (2 * G_PI * x / c->period + c->phase)
          + 0.15 * smooth_noise (c->key, HASH_LEVEL_FAST, x / 3);
      break;
    }

  return CLAMP (h, 0.02, 1.0);
}

static inline gboolean
is_weekend (gint64 day)
{
  /* 1970-01-01 was a Thursday. */
  gint64 dow = ((day + 3) % 7 + 7) % 7;    /* Monday = 0 */

  return dow >= 5;
}

/* Calls on @day (whole day) at level @h. */
static double
day_calls (const DemoCustomer *c,
           gint64              day,
           double              h)
{
  double rhythm = is_weekend (day) ? 0.45 : 1.18;
  double noise = 2 * unit_at (c->key, day, HASH_CALLS) - 1;

  if (day >= c->churn_day)
    return 0;
  return c->api_per_day * h * sqrt (h) * rhythm * (1 + 0.12 * noise);
}

/* Whether someone at the customer was active on @day, and if so the
 * first and last activity (seconds into the UTC day). */
static gboolean
active_on_day (const DemoCustomer *c,
               gint64              day,
               double              h,
               int                *first,
               int                *last)
{
  guint64 bits = hash_at (c->key, day, HASH_ACTIVE);
  /* Accounts with any life in them see someone most days; the score
   * of a middling one is held back by volume and breadth instead. */
  double p = MIN (1 / (1 + exp (-14 * (h - 0.28))), 0.99);
  double u_start = (double) (bits & 0xffff) / 65536.0;
  double u_end = (double) ((bits >> 16) & 0xffff) / 65536.0;

  if (day >= c->churn_day)
    return FALSE;
  if (is_weekend (day))
    p *= 0.5 + 0.5 * h;
  if ((double) (bits >> 32) / 4294967296.0 >= p)
    return FALSE;

  *first = c->window_start + (int) (u_start * 7200);
  *last = c->window_end - (int) (u_end * (3600 + 18000 * (1 - h)));
  *last = MAX (*last, *first + 1800);
  return TRUE;
}

static gint64
find_last_active (const DemoCustomer *c,
                  gint64              day,
                  gint64              second,
                  const double       *levels)   /* days day-7 .. day */
{
  gint64 start = day;

  /* Nothing happens from the churn day on. */
  if (day >= c->churn_day)
    {
      start = c->churn_day - 1;
      second = SECONDS_PER_DAY;
    }

  for (gint64 d = start; d > start - MAX_QUIET_DAYS; d--)
    {
      double h = d >= day - 7 ? levels[d - (day - 7)] : customer_level (c, d);
      int first, last;
      gint64 at;

      if (!active_on_day (c, d, h, &first, &last))
        continue;
      if (d == start)
        {
          if (second < first)
            continue;
          at = MIN (second - c->lag, last);
          at = MAX (at, first);
        }
      else
        at = last;

      return d * SECONDS_PER_DAY + at - at % 60;
    }

  return (start - MAX_QUIET_DAYS) * SECONDS_PER_DAY + c->window_end;
}

static gint32
next_renewal (const DemoCustomer *c,
              gint64              day)
{
  int year, month, mday;
  gint32 renewal;

  vigil_date_to_civil ((gint32) day, &year, &month, &mday);
  renewal = vigil_date_from_civil (year, c->renewal_month, c->renewal_mday);
  if (renewal <= day)
    renewal = vigil_date_from_civil (year + 1, c->renewal_month, c->renewal_mday);
  return renewal;
}

static gint64
compute_nps (const DemoCustomer *c,
             double              x)
{
  /* A survey a month: the answer stands until the next one. */
  double period = floor ((x + c->nps_phase) / 30);
  gint64 survey_day = (gint64) (period * 30 - c->nps_phase);
  double noise;
  double h;

  if (survey_day >= c->churn_day)
    {
      period = floor ((c->churn_day - 1 + c->nps_phase) / 30);
      survey_day = (gint64) (period * 30 - c->nps_phase);
    }
  h = customer_level (c, survey_day);
  noise = 2 * unit_at (c->key, (gint64) period, HASH_NPS) - 1;
  return (gint64) CLAMP (round (1.5 + 9 * h + 1.3 * noise), 0, 10);
}

static gint64
compute_seats_used (const DemoCustomer *c,
                    double              week_level,
                    double              x)
{
  /* Seats are assigned and withdrawn slowly: they follow the week. */
  double use = c->seat_use * (0.3 + 0.7 * week_level)
               + 0.02 * smooth_noise (c->key, HASH_SEATS, x / 7);

  if (!c->over_seats)
    use = MIN (use, 1.0);
  return (gint64) MAX (0, round (c->seats * use));
}

/* Calls over a rolling seven days: the part of today that has passed,
 * six whole days, and the rest of the day a week ago. */
static double
compute_calls_7d (const DemoCustomer *c,
                  gint64              day,
                  double              fraction,
                  const double       *levels)   /* days day-7 .. day */
{
  double calls = fraction * day_calls (c, day, levels[7])
                 + (1 - fraction) * day_calls (c, day - 7, levels[0]);

  for (guint i = 1; i < 7; i++)
    calls += day_calls (c, day - 7 + (gint64) i, levels[i]);
  return calls;
}

/* Features in use follow the week's level; unused ones stay listed
 * with 0 calls, or only their count is given. */
static void
fill_features (const DemoCustomer *c,
               gint64              day,
               double              x,
               double              week_level,
               double              calls_7d,
               VigilSnapshot      *out)
{
  gint64 n_used = 0;

  for (guint k = 0; k < c->n_features; k++)
    {
      guint feature = c->features[k];
      double margin = week_level - c->thresholds[k];
      gint64 calls = 0;

      /* Near its threshold a feature comes and goes for a while. */
      if (fabs (margin) < 0.04)
        margin -= 0.04 * smooth_noise (c->key, HASH_FEATURE_USE + feature, x / 5);

      if (margin > 0 && calls_7d >= 1)
        {
          double noise = unit_at (c->key, day, HASH_FEATURE_CALLS + feature);

          calls = (gint64) MAX (1, round (calls_7d * c->feature_scale * c->weights[k]
                                          * (0.85 + 0.3 * noise)));
          n_used++;
        }
      if (!c->features_as_count)
        vigil_snapshot_add_feature (out, catalogue[feature], calls);
    }

  if (c->features_as_count)
    out->features_used = n_used;
}

static gint64
compute_open_tickets (const DemoCustomer *c,
                      double              level,
                      double              x)
{
  double tickets = c->tickets_base + 5.5 * (1 - level)
                   + 1.2 * smooth_noise (c->key, HASH_TICKETS, x / 5);

  /* After churn the tickets get closed out. */
  if (x >= c->churn_day)
    tickets = (c->tickets_base + 5.5) * exp (-(x - c->churn_day) / 10);
  return (gint64) CLAMP (round (tickets), 0, 10);
}

/* GObject */

static void
vigil_demo_constructed (GObject *object)
{
  VigilDemo *self = (VigilDemo *) object;
  guint script_counts[N_SCRIPTS] = { 0 };
  guint script_offsets[N_SCRIPTS];

  G_OBJECT_CLASS (vigil_demo_parent_class)->constructed (object);

  for (guint s = 0; s < N_SCRIPTS; s++)
    script_offsets[s] = (guint) (mix64 (self->seed ^ (G_GUINT64_CONSTANT (0x5c1) + s)) % 1000003);

  self->class_offset = to_unit (mix64 (self->seed ^ G_GUINT64_CONSTANT (0xc1a55)));
  self->customers = g_new0 (DemoCustomer, MAX (self->n_customers, 1));
  for (guint i = 0; i < self->n_customers; i++)
    setup_customer (self, i, &self->customers[i], script_counts, script_offsets);
}

static void
vigil_demo_finalize (GObject *object)
{
  VigilDemo *self = (VigilDemo *) object;

  for (guint i = 0; i < self->n_customers; i++)
    {
      g_free (self->customers[i].id);
      g_free (self->customers[i].name);
    }
  g_clear_pointer (&self->customers, g_free);

  G_OBJECT_CLASS (vigil_demo_parent_class)->finalize (object);
}

static void
vigil_demo_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VigilDemo *self = VIGIL_DEMO (object);

  switch (prop_id)
    {
    case PROP_SEED:
      g_value_set_uint64 (value, self->seed);
      break;

    case PROP_N_CUSTOMERS:
      g_value_set_uint (value, self->n_customers);
      break;

    case PROP_DECAYING_SHARE:
      g_value_set_double (value, self->decaying_share);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_demo_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VigilDemo *self = VIGIL_DEMO (object);

  switch (prop_id)
    {
    case PROP_SEED:
      self->seed = g_value_get_uint64 (value);
      break;

    case PROP_N_CUSTOMERS:
      self->n_customers = g_value_get_uint (value);
      break;

    case PROP_DECAYING_SHARE:
      self->decaying_share = g_value_get_double (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vigil_demo_class_init (VigilDemoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = vigil_demo_constructed;
  object_class->finalize = vigil_demo_finalize;
  object_class->get_property = vigil_demo_get_property;
  object_class->set_property = vigil_demo_set_property;

  properties[PROP_SEED] =
    g_param_spec_uint64 ("seed", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_CUSTOMERS] =
    g_param_spec_uint ("n-customers", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The share of customers whose health decays until they churn. */
  properties[PROP_DECAYING_SHARE] =
    g_param_spec_double ("decaying-share", NULL, NULL,
                         0.01, 0.99, DEFAULT_DECAYING_SHARE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vigil_demo_init (VigilDemo *self)
{
  (void) self;
}

/* Public API */

/**
 * vigil_demo_new:
 * @seed: chooses the book; the same seed gives the same customers
 * @n_customers: how many customers the book holds
 *
 * Creates a generated book of business. Its customers' names, plans and
 * trajectories are set up here; snapshots are computed on demand.
 *
 * Returns: (transfer full): a new #VigilDemo
 */
VigilDemo *
vigil_demo_new (guint64 seed,
                guint   n_customers)
{
  return g_object_new (VIGIL_TYPE_DEMO,
                       "seed", seed,
                       "n-customers", n_customers,
                       NULL);
}

/**
 * vigil_demo_get_seed:
 *
 * Returns: the seed the book was made from
 */
guint64
vigil_demo_get_seed (VigilDemo *self)
{
  g_return_val_if_fail (VIGIL_IS_DEMO (self), 0);

  return self->seed;
}

/**
 * vigil_demo_get_n_customers:
 *
 * Returns: how many customers the book holds; their indices are
 *   0 .. n - 1 and their ids "acct-00000" onwards
 */
guint
vigil_demo_get_n_customers (VigilDemo *self)
{
  g_return_val_if_fail (VIGIL_IS_DEMO (self), 0);

  return self->n_customers;
}

/**
 * vigil_demo_fill_snapshot:
 * @index: the customer, below vigil_demo_get_n_customers()
 * @observed_at: when the observation is made, Unix seconds (UTC)
 * @out: the snapshot to fill; it is cleared first
 *
 * Fills @out with customer @index as seen at @observed_at. The result is
 * a pure function of the seed, @index and @observed_at, whatever was
 * asked before, so it can be called from several threads at once.
 */
void
vigil_demo_fill_snapshot (VigilDemo     *self,
                          guint          index,
                          gint64         observed_at,
                          VigilSnapshot *out)
{
  const DemoCustomer *c;
  double levels[8];
  double level;
  double week_level;
  double calls_7d;
  double fraction;
  double x;
  gint64 day;
  gint64 second;

  g_return_if_fail (VIGIL_IS_DEMO (self));
  g_return_if_fail (index < self->n_customers);
  g_return_if_fail (out != NULL);

  c = &self->customers[index];
  vigil_snapshot_clear (out);

  day = vigil_time_get_day (observed_at);
  second = observed_at - day * SECONDS_PER_DAY;
  fraction = (double) second / SECONDS_PER_DAY;
  x = (double) day + fraction;

  /* The level now, and over the last seven days, moving continuously. */
  for (guint i = 0; i < 8; i++)
    levels[i] = customer_level (c, day - 7 + (gint64) i);
  level = levels[6] + (levels[7] - levels[6]) * fraction;
  week_level = fraction * levels[7] + (1 - fraction) * levels[0];
  for (guint i = 1; i < 7; i++)
    week_level += levels[i];
  week_level /= 7;

  out->customer_id = g_strdup (c->id);
  out->name = g_strdup (c->name);
  out->plan = g_strdup (plans[c->plan]);
  out->owner = g_strdup (owners[c->owner]);
  out->segment = g_strdup (segments[c->segment]);
  out->mrr = c->mrr;
  out->observed_at = observed_at;
  out->renewal_day = next_renewal (c, day);
  out->last_active = find_last_active (c, day, second, levels);
  out->open_tickets = compute_open_tickets (c, level, x);

  if (c->seats_known)
    {
      out->seats = c->seats;
      out->seats_used = compute_seats_used (c, week_level, x);
    }

  calls_7d = compute_calls_7d (c, day, fraction, levels);
  if (unit_at (c->key, day, HASH_API_UNKNOWN) >= 0.02)
    out->api_calls_7d = (gint64) round (calls_7d);

  fill_features (c, day, x, week_level, calls_7d, out);

  if (c->nps_known)
    out->nps = compute_nps (c, x);
}

/**
 * vigil_demo_get_churn_time:
 * @index: the customer
 *
 * Returns: the start of the day (Unix seconds) from which customer
 *   @index is no longer active at all, or %VIGIL_UNKNOWN for customers
 *   who do not churn
 */
gint64
vigil_demo_get_churn_time (VigilDemo *self,
                           guint      index)
{
  const DemoCustomer *c;

  g_return_val_if_fail (VIGIL_IS_DEMO (self), VIGIL_UNKNOWN);
  g_return_val_if_fail (index < self->n_customers, VIGIL_UNKNOWN);

  c = &self->customers[index];
  if (c->churn_day == G_MAXINT64)
    return VIGIL_UNKNOWN;
  return c->churn_day * SECONDS_PER_DAY;
}

/* The demo book's own database ------------------------------------------- */

/* The demo book is regenerated each day, so that its history always
 * ends today; this says which day and which book a database holds. */
static char *
describe_book (VigilDemo *self,
               gint64     now,
               guint      days)
{
  return g_strdup_printf ("seed=%" G_GUINT64_FORMAT " customers=%u days=%u day=%d",
                          vigil_demo_get_seed (self), vigil_demo_get_n_customers (self),
                          days, vigil_time_get_day (now));
}

static gboolean
remove_database_files (const char  *path,
                       GError     **error)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_remove (file) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot replace the old demo database %s: %s"),
                       file, g_strerror (saved_errno));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
populate (VigilDemo     *self,
          VigilStore    *store,
          gint64         now,
          guint          days,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(VigilIngest) ingest = NULL;
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  guint n = vigil_demo_get_n_customers (self);

  if (!(ingest = vigil_ingest_begin (store, VIGIL_DEMO_SOURCE, now, error)))
    return FALSE;

  for (guint day = days; day-- > 0;)
    {
      gint64 observed_at = now - (gint64) day * SECONDS_PER_DAY;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      for (guint i = 0; i < n; i++)
        {
          vigil_demo_fill_snapshot (self, i, observed_at, snapshot);
          if (!vigil_ingest_add (ingest, snapshot, error))
            return FALSE;
        }
    }

  return vigil_ingest_commit (ingest, error);
}

/* What to do for one customer of the demo book, @customer its id in the
 * store, within the transaction of a foreach_customer(). */
typedef gboolean (*DemoCustomerFunc) (VigilStore          *store,
                                      const DemoCustomer  *c,
                                      gint64               customer,
                                      gint64               today,
                                      gpointer             data,
                                      GError             **error);

/* Calls @func for each customer of the book in one transaction. */
static gboolean
foreach_customer (VigilDemo         *self,
                  VigilStore        *store,
                  gint64             now,
                  DemoCustomerFunc   func,
                  gpointer           data,
                  GError           **error)
{
  gint64 today = vigil_time_get_day (now);
  gboolean ok = TRUE;

  if (!vigil_store_begin (store, error))
    return FALSE;
  for (guint i = 0; ok && i < self->n_customers; i++)
    {
      const DemoCustomer *c = &self->customers[i];
      /* "SOURCE:ID" is one index lookup; an id alone (with a source) is
       * also looked for among the keys, which reads every record: at
       * 100,000 customers that was hours. */
      g_autofree char *name = g_strdup_printf ("%s:%s", VIGIL_DEMO_SOURCE, c->id);
      gint64 customer;

      ok = (customer = vigil_store_find_customer (store, name, NULL, error)) >= 0 &&
           func (store, c, customer, today, data, error);
    }
  if (!ok)
    {
      vigil_store_rollback (store);
      return FALSE;
    }
  return vigil_store_commit (store, error);
}

static gboolean
record_churn (VigilStore          *store,
              const DemoCustomer  *c,
              gint64               customer,
              gint64               today,
              gpointer             data,
              GError             **error)
{
  return c->churn_day > today ||
         vigil_store_record_outcome (store, customer, "churned", (gint32) c->churn_day, error);
}

/* The customers that churned by @now have it recorded, on the day they
 * churned, as a CSM would have: the book opens on its active customers
 * (design 3.2), and what the churned ones had open is closed. */
static gboolean
record_churns (VigilDemo   *self,
               VigilStore  *store,
               gint64       now,
               GError     **error)
{
  /* The churn model's status counts the outcomes as any recorded ones. */
  return foreach_customer (self, store, now, record_churn, NULL, error) &&
         vigil_churn_trainer_refit (store, NULL, error);
}

/* What the demo's CSMs wrote after each touch: data, like the
 * customers' names, so not translated. */
static const char * const touch_texts[VIGIL_N_TOUCH_KINDS][4] = {
  [VIGIL_TOUCH_CALL] = {
    "Check-in call: usage steady, no blockers",
    "Call about the renewal timeline and the budget owner",
    "Walked the admin through the new reporting features",
    "Call with our champion: the team is growing next quarter",
  },
  [VIGIL_TOUCH_EMAIL] = {
    "Sent the onboarding guide for the new seats",
    "Shared the release notes and asked for feedback",
    "Followed up on the open support tickets",
    "Sent last month's usage summary",
  },
  [VIGIL_TOUCH_MEETING] = {
    "Training session for the analytics team",
    "Roadmap review with the product owners",
    "Adoption workshop: goals set for the next quarter",
    "Onsite visit: met the new head of operations",
  },
};

/* Days between a customer's touches: its CSM keeps closer to the ones
 * whose health moves. */
static double
touch_interval (const DemoCustomer *c)
{
  switch (c->trajectory)
    {
    case TRAJECTORY_DECAYING:
    case TRAJECTORY_VOLATILE:
      return 10;
    case TRAJECTORY_IMPROVING:
    case TRAJECTORY_MIDDLING:
      return 16;
    case TRAJECTORY_STEADY:
    default:
      return 30;
    }
}

static VigilTouchKind
touch_kind (const DemoCustomer *c,
            gint64              day,
            gint64             *last_qbr)
{
  double u = unit_at (c->key, day, HASH_TOUCH_KIND);

  /* enterprise customers get a business review each quarter */
  if (g_strcmp0 (plans[c->plan], "enterprise") == 0 && day - *last_qbr >= 90)
    {
      *last_qbr = day;
      return VIGIL_TOUCH_QBR;
    }
  return u < 0.45 ? VIGIL_TOUCH_CALL : u < 0.8 ? VIGIL_TOUCH_EMAIL : VIGIL_TOUCH_MEETING;
}

/* @data: the number of days of the book's history */
static gboolean
log_touches (VigilStore          *store,
             const DemoCustomer  *c,
             gint64               customer,
             gint64               today,
             gpointer             data,
             GError             **error)
{
  gint64 first_day = today - GPOINTER_TO_UINT (data) + 1;
  double interval = touch_interval (c);
  /* one customer in twelve has not been touched for the last 45 days */
  gint64 last_day = unit_at (c->key, 0, HASH_TOUCH_QUIET) < 1.0 / 12 ? today - 45 : today;
  gint64 last_qbr = first_day - 90 + (gint64) (unit_at (c->key, 1, HASH_TOUCH) * 90);
  double day = first_day + unit_at (c->key, 0, HASH_TOUCH) * interval;

  last_day = MIN (last_day, c->churn_day - 1);
  for (; (gint64) day <= last_day;
       day += interval * (0.6 + 0.8 * unit_at (c->key, (gint64) day, HASH_TOUCH)))
    {
      gint64 d = (gint64) day;
      VigilTouchKind kind = touch_kind (c, d, &last_qbr);
      const char *text = kind == VIGIL_TOUCH_QBR
        ? "Quarterly business review: goals and adoption plan agreed"
        : touch_texts[kind][(guint) (unit_at (c->key, d, HASH_TOUCH_TEXT) * 4)];
      gint64 at = d * SECONDS_PER_DAY + (c->window_start + c->window_end) / 2;

      if (d == today)
        continue;
      if (vigil_store_add_touch_as (store, customer, kind, at, text, owners[c->owner], error) < 0)
        return FALSE;
    }
  return TRUE;
}

/* The demo's CSMs log their touches as they would have (design 3.4):
 * calls, emails, meetings and quarterly reviews by each customer's
 * owner, so the book opens with a Last Touch and a timeline. */
static gboolean
record_touches (VigilDemo   *self,
                VigilStore  *store,
                gint64       now,
                guint        days,
                GError     **error)
{
  /* the import evaluated the triggers before any touch was logged */
  return foreach_customer (self, store, now, log_touches, GUINT_TO_POINTER (days), error) &&
         vigil_triggers_update (store, now, NULL, error);
}

/**
 * vigil_demo_open_store:
 * @path: the demo's own database file
 * @now: when the demo's history ends
 * @days: how many daily snapshots each customer has
 *
 * Opens the demo database at @path, generating the book into it when it
 * is missing or was generated on another day, with a `churned` outcome
 * for each customer that churned by @now, on its churn day. A database
 * at @path that holds anything but a demo book is refused and left alone.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
VigilStore *
vigil_demo_open_store (VigilDemo     *self,
                       const char    *path,
                       gint64         now,
                       guint          days,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *wanted = NULL;
  g_autofree char *found = NULL;
  gint64 n_customers;

  g_return_val_if_fail (VIGIL_IS_DEMO (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (days > 0, NULL);

  /* Whole hours keep the daily snapshots on one time of day. */
  now -= now % 3600;
  wanted = describe_book (self, now, days);

  if (!(store = vigil_store_open (path, error)) ||
      !vigil_store_get_meta (store, "demo", &found, error) ||
      (n_customers = vigil_store_count_customers (store, error)) < 0)
    return NULL;

  if (g_strcmp0 (found, wanted) == 0)
    return g_steal_pointer (&store);

  if (found == NULL && n_customers > 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("%s holds real data, not a demo portfolio; it was left unchanged"), path);
      return NULL;
    }

  if (found != NULL)
    {
      g_clear_object (&store);
      if (!remove_database_files (path, error) || !(store = vigil_store_open (path, error)))
        return NULL;
    }

  if (!populate (self, store, now, days, cancellable, error) ||
      !record_touches (self, store, now, days, error) ||
      !record_churns (self, store, now, error) ||
      !vigil_store_set_meta (store, "demo", wanted, error))
    return NULL;

  return g_steal_pointer (&store);
}
