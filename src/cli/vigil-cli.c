/* vigil-cli.c: the headless commands of `vigil`
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <signal.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "vigil-core.h"
#include "vigil-demo.h"
#include "vigil-demo-server.h"
#include "vigil-report.h"

#include "vigil-cli.h"
#include "vigil-cli-db.h"
#include "vigil-cli-output.h"
#include "vigil-cli-private.h"
#include "vigil-cli-poll.h"
#include "vigil-cli-serve.h"

/* The demo book (vigil-demo.h). */
#define DEMO_SEED VIGIL_DEMO_SEED
#define DEMO_CUSTOMERS VIGIL_DEMO_CUSTOMERS
#define DEMO_DAYS VIGIL_DEMO_DAYS
/* Output written as it goes is handed to stdio in chunks of this size. */
#define OUTPUT_CHUNK (64 * 1024)


static int
fail (GError *error)
{
  g_printerr ("vigil: %s\n", error->message);
  return error->domain == G_OPTION_ERROR ? VIGIL_EXIT_USAGE : VIGIL_EXIT_FAILURE;
}

static VigilStore *
open_store (CliContext  *context,
            GError     **error)
{
  return vigil_store_open (context->db_path, error);
}

/* Formatting -------------------------------------------------------------- */

static char *
format_number (double value,
               int    decimals)
{
  if (isnan (value))
    return g_strdup ("—");
  /* For people, in their locale: digits grouped, the locale's decimal point. */
  return g_strdup_printf ("%'.*f", decimals, value);
}

static char *
format_count (gint64 value)
{
  if (value == VIGIL_UNKNOWN)
    return g_strdup ("—");
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static char *
format_time_or_dash (gint64 time)
{
  if (time == VIGIL_UNKNOWN)
    return g_strdup ("—");
  return vigil_time_format (time);
}

static char *
format_day_or_dash (gint32 day)
{
  if (day == VIGIL_UNKNOWN_DAY)
    return g_strdup ("—");
  return vigil_date_format (day);
}

static char *
format_seats (const VigilSnapshot *snapshot)
{
  if (snapshot->seats == VIGIL_UNKNOWN || snapshot->seats_used == VIGIL_UNKNOWN)
    return g_strdup ("—");
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                          snapshot->seats_used, snapshot->seats);
}

static const char *
tier_label_or_dash (VigilTier tier)
{
  return tier == VIGIL_TIER_NONE ? "—" : vigil_tier_get_label (tier);
}

static void
add_double_or_null (JsonBuilder *builder,
                    const char  *member,
                    double       value)
{
  json_builder_set_member_name (builder, member);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

static void
add_time_or_null (JsonBuilder *builder,
                  const char  *member,
                  gint64       time)
{
  g_autofree char *text = time != VIGIL_UNKNOWN ? vigil_time_format (time) : NULL;

  add_string_or_null (builder, member, text);
}

/* The members of the JSON that --format json writes as it goes (see
 * vigil_json_writer_init()): unknown values are null. */
static void
write_double_or_null (VigilJsonWriter *writer,
                      const char      *member,
                      double           value)
{
  vigil_json_writer_name (writer, member);
  vigil_json_writer_double (writer, value);
}

static void
write_count_or_null (VigilJsonWriter *writer,
                     const char      *member,
                     gint64           value)
{
  vigil_json_writer_name (writer, member);
  if (value == VIGIL_UNKNOWN)
    vigil_json_writer_null (writer);
  else
    vigil_json_writer_int (writer, value);
}

static void
write_string_or_null (VigilJsonWriter *writer,
                      const char      *member,
                      const char      *value)
{
  vigil_json_writer_name (writer, member);
  vigil_json_writer_string (writer, value);
}

static void
write_time_or_null (VigilJsonWriter *writer,
                    const char      *member,
                    gint64           time)
{
  char text[VIGIL_TIME_TEXT_SIZE];

  write_string_or_null (writer, member,
                        time != VIGIL_UNKNOWN ? vigil_time_format_to (time, text) : NULL);
}

static void
write_day_or_null (VigilJsonWriter *writer,
                   const char      *member,
                   gint32           day)
{
  char text[VIGIL_TIME_TEXT_SIZE];

  write_string_or_null (writer, member,
                        day != VIGIL_UNKNOWN_DAY ? vigil_date_format_to (day, text) : NULL);
}

/* design 3.5: a pulse as JSON, null for none */
static void
write_pulse (VigilJsonWriter  *writer,
             const char       *member,
             const VigilPulse *pulse)
{
  if (member != NULL)
    vigil_json_writer_name (writer, member);
  if (pulse == NULL)
    {
      vigil_json_writer_null (writer);
      return;
    }
  vigil_json_writer_begin_object (writer);
  write_string_or_null (writer, "sentiment", vigil_sentiment_get_id (pulse->sentiment));
  write_string_or_null (writer, "reason", vigil_pulse_reason_get_id (pulse->reason));
  write_string_or_null (writer, "note", pulse->note);
  write_time_or_null (writer, "at", pulse->at);
  write_string_or_null (writer, "author", pulse->author);
  write_time_or_null (writer, "created_at", pulse->created_at);
  vigil_json_writer_end_object (writer);
}

/* Each active measure: its value, rescaled weight and points, its
 * input and the source of the record that gave it (design 2.6); a
 * measure whose input was unknown shows as left out (value null,
 * weight 0). */
static void
write_measures (VigilJsonWriter    *writer,
                VigilScorecard     *scorecard,
                const VigilScore   *score,
                const char * const *input_sources)
{
  vigil_json_writer_name (writer, "measures");
  vigil_json_writer_begin_object (writer);
  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    {
      const VigilMeasureResult *m = &score->measures[i];

      if (vigil_scorecard_get_weight (scorecard, (VigilMeasure) i) <= 0 && isnan (m->value))
        continue;

      vigil_json_writer_name (writer, vigil_measure_get_name ((VigilMeasure) i));
      vigil_json_writer_begin_object (writer);
      write_double_or_null (writer, "value", m->value);
      write_double_or_null (writer, "weight", m->weight);
      write_double_or_null (writer, "points", m->points);
      write_double_or_null (writer, "input", m->input);
      write_string_or_null (writer, "source", input_sources[i]);
      vigil_json_writer_end_object (writer);
    }
  vigil_json_writer_end_object (writer);
}

static void
write_score (VigilJsonWriter    *writer,
             VigilScorecard     *scorecard,
             const VigilScore   *score,
             const char * const *input_sources)
{
  write_double_or_null (writer, "health", score->health);
  write_string_or_null (writer, "tier", vigil_tier_get_id (score->tier));
  vigil_json_writer_name (writer, "scorecard_version");
  vigil_json_writer_int (writer, score->version);
  write_measures (writer, scorecard, score, input_sources);
}

/* The account's keys and its records, the display record first. */
static void
write_account (VigilJsonWriter         *writer,
               const VigilPortfolioRow *row)
{
  vigil_json_writer_name (writer, "keys");
  vigil_json_writer_begin_array (writer);
  for (guint i = 0; row->keys[i] != NULL; i++)
    vigil_json_writer_string (writer, row->keys[i]);
  vigil_json_writer_end_array (writer);

  vigil_json_writer_name (writer, "records");
  vigil_json_writer_begin_array (writer);
  for (guint i = 0; i < row->records->len; i++)
    {
      const VigilAccountRecord *record = g_ptr_array_index (row->records, i);

      vigil_json_writer_begin_object (writer);
      write_string_or_null (writer, "source", record->source);
      write_string_or_null (writer, "id", record->id);
      vigil_json_writer_end_object (writer);
    }
  vigil_json_writer_end_array (writer);
}

static void
print_json_node (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* JSON text a writer made, printed as json-glib's generator prints a
 * tree (indented), for the commands whose output is one small document. */
static void
print_json_text (const GString *text)
{
  g_autoptr(JsonNode) root = json_from_string (text->str, NULL);

  g_return_if_fail (root != NULL);
  print_json_node (root);
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  print_json_node (root);
}

/* @cells holds @n cells; a NULL cell (unknown) is written empty.
 * @numeric (nullable: all text) says which cells hold numbers Vigil
 * wrote, which vigil_output_csv_field() leaves as they are. */
static void
print_csv_row (const char * const *cells,
               const gboolean     *numeric,
               guint               n)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *field = vigil_output_csv_field (cells[i], numeric != NULL && numeric[i]);

      if (i > 0)
        g_string_append_c (line, ',');
      g_string_append (line, field);
    }
  g_print ("%s\r\n", line->str);
}

/* CSV cells: machine-readable whatever the locale, empty when unknown. */
static char *
csv_decimal (double      value,
             const char *format)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return g_strdup ("");
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, format, value));
}

/* Up to the decimals of @format, no trailing zeros. */
static char *
csv_trimmed (double      value,
             const char *format)
{
  char *text = csv_decimal (value, format);

  if (strchr (text, '.') != NULL)
    {
      char *end = text + strlen (text) - 1;

      while (*end == '0')
        *end-- = '\0';
      if (*end == '.')
        *end = '\0';
    }
  return text;
}

/* Scores are rounded to a millionth. */
static char *
csv_score (double value)
{
  return csv_trimmed (value, "%.6f");
}

/* Churn risks to four decimals, as in JSON. */
static char *
csv_risk (double value)
{
  return csv_trimmed (value, "%.4f");
}

static char *
csv_points (const VigilMeasureResult *measure)
{
  return isnan (measure->value) ? g_strdup ("") : csv_score (measure->points);
}

static char *
csv_count (gint64 value)
{
  return value == VIGIL_UNKNOWN ? g_strdup ("") : format_count (value);
}

static char *
csv_time (gint64 time)
{
  return time == VIGIL_UNKNOWN ? g_strdup ("") : vigil_time_format (time);
}

static char *
csv_day (gint32 day)
{
  return day == VIGIL_UNKNOWN_DAY ? g_strdup ("") : vigil_date_format (day);
}

static const char *
csv_tier (VigilTier tier)
{
  return tier == VIGIL_TIER_NONE ? "" : vigil_tier_get_id (tier);
}

/* vigil scores ------------------------------------------------------------ */

typedef enum
{
  SORT_AT_STAKE,
  SORT_HEALTH,
  SORT_NAME,
  SORT_ID,
  SORT_OWNER,
  SORT_SEGMENT,
  SORT_MRR,
  SORT_RENEWAL,
  SORT_LAST_ACTIVE,
  SORT_TREND,
  SORT_RISK,
  SORT_PLAN,
  SORT_SEATS,
  SORT_TRIGGERS,
  SORT_LAST_TOUCH,
  N_SORT_KEYS
} SortKey;

/* design 4: every key a saved view may sort by (vigil_view_get_sort_keys) */
static const char * const sort_key_names[N_SORT_KEYS] = {
  "at-stake", "health", "name", "id", "owner", "segment", "mrr", "renewal", "last-active", "trend", "risk",
  "plan", "seats", "triggers", "last-touch",
};

/* Unknown values sort last whatever the direction. */
static int
compare_unknown_last (gboolean a_known,
                      gboolean b_known)
{
  if (a_known == b_known)
    return 0;
  return a_known ? -1 : 1;
}

static int
compare_double (double a,
                double b)
{
  return (a > b) - (a < b);
}

typedef struct
{
  SortKey          key;
  gboolean         reverse;
  VigilChurnModel *churn;
  GHashTable      *triggers;  /* customer id → its open triggers' rules */
} SortSpec;

static double
seat_use (const VigilSnapshot *s)
{
  if (s->seats == VIGIL_UNKNOWN || s->seats_used == VIGIL_UNKNOWN || s->seats <= 0)
    return NAN;
  return (double) s->seats_used / (double) s->seats;
}

/* design 3.2: the MRR the customer's churn risk puts at stake. */
static double
get_at_stake (VigilChurnModel         *churn,
              const VigilPortfolioRow *row)
{
  return vigil_churn_at_stake (vigil_churn_risk_of (churn, row, NULL), row->latest->mrr);
}

/* A row with its churn risk and what that puts at stake, worked out once
 * before sorting rather than in each of the n log n comparisons. */
typedef struct
{
  VigilPortfolioRow *row;
  double             risk;
  double             at_stake;
} SortItem;

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const SortItem *ia = a;
  const SortItem *ib = b;
  const VigilPortfolioRow *ra = ia->row;
  const VigilPortfolioRow *rb = ib->row;
  const SortSpec *spec = user_data;
  const VigilSnapshot *sa = ra->latest;
  const VigilSnapshot *sb = rb->latest;
  int unknown = 0;
  int result = 0;

  switch (spec->key)
    {
    case SORT_HEALTH:
      unknown = compare_unknown_last (!isnan (ra->score.health), !isnan (rb->score.health));
      result = compare_double (ra->score.health, rb->score.health);
      break;
    case SORT_MRR:
      unknown = compare_unknown_last (!isnan (sa->mrr), !isnan (sb->mrr));
      result = compare_double (sa->mrr, sb->mrr);
      break;
    case SORT_RENEWAL:
      unknown = compare_unknown_last (sa->renewal_day != VIGIL_UNKNOWN_DAY,
                                      sb->renewal_day != VIGIL_UNKNOWN_DAY);
      result = (sa->renewal_day > sb->renewal_day) - (sa->renewal_day < sb->renewal_day);
      break;
    case SORT_LAST_ACTIVE:
      unknown = compare_unknown_last (sa->last_active != VIGIL_UNKNOWN,
                                      sb->last_active != VIGIL_UNKNOWN);
      result = (sa->last_active > sb->last_active) - (sa->last_active < sb->last_active);
      break;
    case SORT_LAST_TOUCH:
      /* design 3.4: the longest untouched first; never touched last */
      unknown = compare_unknown_last (ra->last_touch != VIGIL_UNKNOWN, rb->last_touch != VIGIL_UNKNOWN);
      result = (ra->last_touch > rb->last_touch) - (ra->last_touch < rb->last_touch);
      break;
    case SORT_TREND:
      unknown = compare_unknown_last (!isnan (ra->trends[VIGIL_TREND_7D]), !isnan (rb->trends[VIGIL_TREND_7D]));
      result = compare_double (ra->trends[VIGIL_TREND_7D], rb->trends[VIGIL_TREND_7D]);
      break;
    case SORT_NAME:
      unknown = compare_unknown_last (sa->name != NULL, sb->name != NULL);
      result = g_utf8_collate (sa->name ? sa->name : "", sb->name ? sb->name : "");
      break;
    case SORT_OWNER:
      unknown = compare_unknown_last (sa->owner != NULL, sb->owner != NULL);
      result = g_utf8_collate (sa->owner ? sa->owner : "", sb->owner ? sb->owner : "");
      break;
    case SORT_SEGMENT:
      unknown = compare_unknown_last (sa->segment != NULL, sb->segment != NULL);
      result = g_strcmp0 (sa->segment, sb->segment);
      break;
    case SORT_PLAN:
      unknown = compare_unknown_last (sa->plan != NULL, sb->plan != NULL);
      result = g_utf8_collate (sa->plan ? sa->plan : "", sb->plan ? sb->plan : "");
      break;
    case SORT_SEATS:
      unknown = compare_unknown_last (!isnan (seat_use (sa)), !isnan (seat_use (sb)));
      result = compare_double (seat_use (sa), seat_use (sb));
      break;
    case SORT_TRIGGERS:
      result = (int) g_list_length (g_hash_table_lookup (spec->triggers, &ra->customer_id)) -
               (int) g_list_length (g_hash_table_lookup (spec->triggers, &rb->customer_id));
      break;
    case SORT_RISK:
      /* Highest first (lowest with --reverse), unknown last either way:
       * the rule of the core, which the report and the window follow. */
      result = vigil_churn_risk_compare (ia->risk, ib->risk, !spec->reverse);
      if (result != 0)
        return result;
      break;
    case SORT_AT_STAKE:
      /* The core's order, which the window's default follows: most at
       * stake first (least with --reverse), unknown last either way,
       * ties by the sooner renewal. */
      result = vigil_churn_at_stake_compare (ia->at_stake, sa->renewal_day,
                                             ib->at_stake, sb->renewal_day, !spec->reverse);
      if (result != 0)
        return result;
      break;
    case SORT_ID:
      /* by the ids themselves, so that --reverse turns them round too */
      result = g_strcmp0 (sa->customer_id, sb->customer_id);
      break;
    case N_SORT_KEYS:
    default:
      break;
    }

  if (unknown != 0)
    return unknown;
  if (spec->reverse)
    result = -result;
  if (result == 0)
    result = g_strcmp0 (sa->customer_id, sb->customer_id);
  if (result == 0)
    result = g_strcmp0 (ra->source, rb->source);
  return result;
}

static char *
format_risk (double risk)
{
  if (isnan (risk))
    return g_strdup ("—");
  return g_strdup_printf ("%.0f %%", risk * 100);
}

static void
print_scores_table (GPtrArray       *rows,
                    VigilChurnModel *churn,
                    VigilBook        book)
{
  /* The churned list says when each customer left (design 3.2). */
  const char *headers[] = {
    _("ID"), _("NAME"), _("OWNER"), _("SEGMENT"), _("PLAN"), _("HEALTH"), _("7 DAYS"), _("TIER"),
    _("RISK"), _("MRR"), _("AT STAKE"), _("SEATS"), _("RENEWAL"), _("PULSE"),
    book == VIGIL_BOOK_CHURNED ? _("CHURNED") : NULL, NULL
  };
  const gboolean right[] = { 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0 };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *table = NULL;
  double total_mrr = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (rows, i);
      const VigilSnapshot *s = row->latest;
      char **line = g_new0 (char *, G_N_ELEMENTS (headers));

      line[0] = g_strdup (s->customer_id);
      line[1] = g_strdup (s->name ? s->name : "—");
      line[2] = g_strdup (s->owner ? s->owner : "—");
      line[3] = g_strdup (s->segment ? s->segment : "—");
      line[4] = g_strdup (s->plan ? s->plan : "—");
      line[5] = format_number (row->score.health, 1);
      line[6] = isnan (row->trends[VIGIL_TREND_7D]) ? g_strdup ("—")
                : g_strdup_printf ("%+.1f", row->trends[VIGIL_TREND_7D]);
      line[7] = g_strdup (tier_label_or_dash (row->score.tier));
      line[8] = format_risk (vigil_churn_risk_of (churn, row, NULL));
      line[9] = format_number (s->mrr, 2);
      line[10] = format_number (get_at_stake (churn, row), 2);
      line[11] = format_seats (s);
      line[12] = format_day_or_dash (s->renewal_day);
      line[13] = g_strdup (row->pulse != NULL ? vigil_sentiment_get_label (row->pulse->sentiment) : "—");
      if (book == VIGIL_BOOK_CHURNED)
        line[14] = format_day_or_dash (row->churned_day);
      if (!isnan (s->mrr))
        total_mrr += s->mrr;
      g_ptr_array_add (cells, line);
    }

  table = vigil_output_table (headers, right, cells);
  g_print ("%s", table);
  if (book == VIGIL_BOOK_CHURNED)
    g_print (ngettext ("%u churned customer, MRR %'.2f when last seen\n",
                       "%u churned customers, MRR %'.2f when last seen\n", rows->len),
             rows->len, total_mrr);
  else
    g_print (ngettext ("%u customer, MRR %'.2f\n", "%u customers, MRR %'.2f\n", rows->len),
             rows->len, total_mrr);
}

static void
print_scores_csv (GPtrArray       *rows,
                  VigilChurnModel *churn)
{
  const char *headers[] = {
    "id", "source", "name", "owner", "segment", "plan", "mrr", "health", "tier", "churn_risk",
    "observed_at", "last_active", "seats", "seats_used", "api_calls_7d", "features_used",
    "renewal_date", "activity_points", "volume_points", "breadth_points", "trend_7d", "at_stake",
    "churned_on", "pulse", "sentiment_points", NULL
  };
  const gboolean numeric[] = { 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1 };

  G_STATIC_ASSERT (G_N_ELEMENTS (numeric) == G_N_ELEMENTS (headers) - 1);
  print_csv_row (headers, NULL, G_N_ELEMENTS (headers) - 1);
  for (guint i = 0; i < rows->len; i++)
    {
      const VigilPortfolioRow *row = g_ptr_array_index (rows, i);
      const VigilSnapshot *s = row->latest;
      const VigilMeasureResult *m = row->score.measures;
      g_autofree char *mrr = csv_decimal (s->mrr, "%.2f");
      g_autofree char *health = csv_score (row->score.health);
      g_autofree char *risk = csv_risk (vigil_churn_risk_of (churn, row, NULL));
      g_autofree char *observed = csv_time (s->observed_at);
      g_autofree char *active = csv_time (s->last_active);
      g_autofree char *seats = csv_count (s->seats);
      g_autofree char *used = csv_count (s->seats_used);
      g_autofree char *calls = csv_count (s->api_calls_7d);
      g_autofree char *features = csv_count (s->features_used);
      g_autofree char *renewal = csv_day (s->renewal_day);
      g_autofree char *p0 = csv_points (&m[VIGIL_MEASURE_ACTIVITY]);
      g_autofree char *p1 = csv_points (&m[VIGIL_MEASURE_VOLUME]);
      g_autofree char *p2 = csv_points (&m[VIGIL_MEASURE_BREADTH]);
      g_autofree char *trend = csv_score (row->trends[VIGIL_TREND_7D]);
      g_autofree char *at_stake = csv_decimal (get_at_stake (churn, row), "%.2f");
      g_autofree char *churned_on = csv_day (row->churned ? row->churned_day : VIGIL_UNKNOWN_DAY);
      g_autofree char *p5 = csv_points (&m[VIGIL_MEASURE_SENTIMENT]);
      const char *cells[] = {
        s->customer_id, row->source, s->name, s->owner, s->segment, s->plan, mrr, health,
        csv_tier (row->score.tier), risk, observed, active, seats, used, calls, features, renewal,
        p0, p1, p2, trend, at_stake, churned_on,
        row->pulse != NULL ? vigil_sentiment_get_id (row->pulse->sentiment) : NULL, p5, NULL
      };

      print_csv_row (cells, numeric, G_N_ELEMENTS (cells) - 1);
    }
}

/* The churn risk and the factors that raise it most, in words; null
 * and no factors when the risk is unknown. Returns the risk. */
static double
write_churn (VigilJsonWriter         *writer,
             VigilChurnModel         *churn,
             const VigilPortfolioRow *row)
{
  g_auto(GStrv) factors = NULL;
  double risk = vigil_churn_risk_of (churn, row, &factors);

  vigil_json_writer_name (writer, "churn_risk");
  if (isnan (risk))
    {
      vigil_json_writer_null (writer);
      return risk;
    }
  vigil_json_writer_double (writer, round (risk * 1e4) / 1e4);

  vigil_json_writer_name (writer, "churn_factors");
  vigil_json_writer_begin_array (writer);
  for (guint i = 0; factors[i] != NULL; i++)
    vigil_json_writer_string (writer, factors[i]);
  vigil_json_writer_end_array (writer);
  return risk;
}

/* One customer of `scores --format json`. */
static void
write_scores_row (VigilJsonWriter         *writer,
                  const VigilPortfolioRow *row,
                  VigilScorecard          *scorecard,
                  GHashTable              *triggers,
                  VigilChurnModel         *churn)
{
  const VigilSnapshot *s = row->latest;
  double risk;

  vigil_json_writer_begin_object (writer);
  write_string_or_null (writer, "id", s->customer_id);
  write_string_or_null (writer, "source", row->source);
  write_account (writer, row);
  write_string_or_null (writer, "name", s->name);
  write_string_or_null (writer, "owner", s->owner);
  write_string_or_null (writer, "segment", s->segment);
  write_string_or_null (writer, "plan", s->plan);
  write_double_or_null (writer, "mrr", s->mrr);
  write_score (writer, scorecard, &row->score, row->input_sources);
  vigil_json_writer_name (writer, "trend");
  vigil_json_writer_begin_object (writer);
  write_double_or_null (writer, "7d", row->trends[VIGIL_TREND_7D]);
  write_double_or_null (writer, "14d", row->trends[VIGIL_TREND_14D]);
  write_double_or_null (writer, "28d", row->trends[VIGIL_TREND_28D]);
  vigil_json_writer_end_object (writer);
  risk = write_churn (writer, churn, row);
  write_pulse (writer, "pulse", row->pulse);
  /* design 3.2, in money: to the cent. */
  write_double_or_null (writer, "at_stake", round (vigil_churn_at_stake (risk, s->mrr) * 100) / 100);
  write_day_or_null (writer, "churned_on", row->churned ? row->churned_day : VIGIL_UNKNOWN_DAY);
  vigil_json_writer_name (writer, "triggers");
  vigil_json_writer_begin_array (writer);
  for (GList *l = g_hash_table_lookup (triggers, &row->customer_id); l != NULL; l = l->next)
    vigil_json_writer_string (writer, l->data);
  vigil_json_writer_end_array (writer);
  write_time_or_null (writer, "observed_at", s->observed_at);
  write_time_or_null (writer, "last_active", s->last_active);
  write_time_or_null (writer, "last_touch", row->last_touch);
  write_count_or_null (writer, "seats", s->seats);
  write_count_or_null (writer, "seats_used", s->seats_used);
  write_count_or_null (writer, "api_calls_7d", s->api_calls_7d);
  write_count_or_null (writer, "features_used", s->features_used);
  write_day_or_null (writer, "renewal_date", s->renewal_day);
  vigil_json_writer_end_object (writer);
}

/* What `scores --format json` writes each customer with. */
typedef struct
{
  GPtrArray       *rows;
  VigilScorecard  *scorecard;
  GHashTable      *triggers;
  VigilChurnModel *churn;
  guint            n_chunks;
  GAsyncQueue     *done;   /* of GString: the helper's chunks, written, in order */
  GAsyncQueue     *empty;  /* of GString: buffers for the helper to write into */
} ScoresJson;

/* Customers a chunk of the output: a helper thread writes every other. */
#define JSON_CHUNK_ROWS 256

/* Chunk @chunk's customers, each on a line of its own after a comma
 * (the first after the array's bracket), as the outermost array's
 * items: each written as the object it is, on its own; then freed, by
 * the thread that wrote them. */
static void
write_scores_chunk (const ScoresJson *json,
                    guint             chunk,
                    GString          *out)
{
  guint end = MIN ((chunk + 1) * JSON_CHUNK_ROWS, json->rows->len);

  for (guint i = chunk * JSON_CHUNK_ROWS; i < end; i++)
    {
      VigilJsonWriter writer;

      g_string_append (out, i == 0 ? "\n" : ",\n");
      vigil_json_writer_init (&writer, out);
      write_scores_row (&writer, g_ptr_array_index (json->rows, i), json->scorecard, json->triggers,
                        json->churn);
      g_clear_pointer (&json->rows->pdata[i], vigil_portfolio_row_free);
    }
}

static void
free_string (gpointer string)
{
  g_string_free (string, TRUE);
}

/* The helper: the odd chunks, into buffers the main thread hands back. */
static gpointer
write_odd_chunks (gpointer data)
{
  ScoresJson *json = data;

  for (guint chunk = 1; chunk < json->n_chunks; chunk += 2)
    {
      GString *out = g_async_queue_pop (json->empty);

      write_scores_chunk (json, chunk, out);
      g_async_queue_push (json->done, out);
    }
  return NULL;
}

/* One customer a line, written as it goes without a tree, the text
 * handed on in chunks: the output stays valid JSON (the text of
 * vigil_json_writer_set_lines()), greps well, and memory stays flat
 * whatever the size of the book. With more than one processor, a helper
 * thread writes every other chunk while this one writes the rest, at
 * most two chunks ahead (design 7). Each row is freed once written, and
 * its place in @rows left %NULL. */
static void
print_scores_json (GPtrArray       *rows,
                   VigilScorecard  *scorecard,
                   GHashTable      *triggers,
                   VigilChurnModel *churn)
{
  g_autoptr(GString) out = g_string_sized_new (OUTPUT_CHUNK + 4096);
  ScoresJson json = { rows, scorecard, triggers, churn, 0, NULL, NULL };
  GThread *helper = NULL;

  json.n_chunks = (rows->len + JSON_CHUNK_ROWS - 1) / JSON_CHUNK_ROWS;
  if (json.n_chunks > 1 && g_get_num_processors () > 1)
    {
      json.done = g_async_queue_new ();
      json.empty = g_async_queue_new_full (free_string);
      for (int i = 0; i < 2; i++)
        g_async_queue_push (json.empty, g_string_sized_new (OUTPUT_CHUNK));
      helper = g_thread_new ("vigil-json", write_odd_chunks, &json);
    }

  g_string_append_c (out, '[');
  for (guint chunk = 0; chunk < json.n_chunks; chunk++)
    {
      if (helper != NULL && chunk % 2 == 1)
        {
          GString *theirs = g_async_queue_pop (json.done);

          fwrite (out->str, 1, out->len, stdout);
          g_string_truncate (out, 0);
          fwrite (theirs->str, 1, theirs->len, stdout);
          g_string_truncate (theirs, 0);
          g_async_queue_push (json.empty, theirs);
          continue;
        }
      write_scores_chunk (&json, chunk, out);
      if (out->len >= OUTPUT_CHUNK)
        {
          fwrite (out->str, 1, out->len, stdout);
          g_string_truncate (out, 0);
        }
    }
  g_string_append (out, "\n]\n");
  fwrite (out->str, 1, out->len, stdout);

  if (helper != NULL)
    {
      g_thread_join (helper);
      g_async_queue_unref (json.done);
      g_async_queue_unref (json.empty);
    }
}

/* A book of this many rows or more is sorted in two halves at once. */
#define SORT_IN_HALVES_MIN_ROWS 512

/* Items @first to @end of a sort: each row's churn risk and what it
 * puts at stake, worked out, then sorted among themselves. */
typedef struct
{
  GPtrArray *rows;
  SortSpec  *spec;
  SortItem  *items;
  guint      first;
  guint      end;
} SortRun;

static gpointer
sort_run (gpointer data)
{
  SortRun *run = data;

  for (guint i = run->first; i < run->end; i++)
    {
      VigilPortfolioRow *row = g_ptr_array_index (run->rows, i);
      double risk = vigil_churn_risk_of (run->spec->churn, row, NULL);

      run->items[i] = (SortItem) { row, risk, vigil_churn_at_stake (risk, row->latest->mrr) };
    }
  g_qsort_with_data (run->items + run->first, (gint) (run->end - run->first), sizeof (SortItem),
                     compare_rows, run->spec);
  return NULL;
}

/* Sorts @rows as @spec says. A big book's two halves are sorted at once,
 * one in a helper thread, then merged: compare_rows() is a total order
 * (ties go by id, then source), so the order is the one a single sort
 * gives (design 7). */
static void
sort_rows (GPtrArray *rows,
           SortSpec  *spec)
{
  g_autofree SortItem *items = g_new (SortItem, MAX (rows->len, 1));
  guint half = rows->len >= SORT_IN_HALVES_MIN_ROWS && g_get_num_processors () > 1 ? rows->len / 2 : rows->len;
  SortRun runs[2] = {
    { rows, spec, items, 0, half },
    { rows, spec, items, half, rows->len },
  };
  guint a = 0, b = half, out = 0;

  if (half == rows->len)
    {
      sort_run (&runs[0]);
      for (guint i = 0; i < rows->len; i++)
        rows->pdata[i] = items[i].row;
      return;
    }
  {
    GThread *helper = g_thread_new ("vigil-sort", sort_run, &runs[1]);

    sort_run (&runs[0]);
    g_thread_join (helper);
  }
  while (a < half || b < rows->len)
    {
      gboolean take_a = b == rows->len || (a < half && compare_rows (&items[a], &items[b], spec) <= 0);

      rows->pdata[out++] = (take_a ? items[a++] : items[b++]).row;
    }
}

static gboolean
parse_sort_key (const char  *text,
                SortKey     *out_key)
{
  for (int i = 0; i < N_SORT_KEYS; i++)
    if (g_strcmp0 (sort_key_names[i], text) == 0)
      {
        *out_key = (SortKey) i;
        return TRUE;
      }
  return FALSE;
}

/* Keeps the rows @view shows, in their order. */
static void
filter_rows (GPtrArray       *rows,
             const VigilView *view)
{
  guint kept = 0;

  for (guint i = 0; i < rows->len; i++)
    if (vigil_view_matches (view, g_ptr_array_index (rows, i)))
      {
        gpointer row = rows->pdata[i];

        rows->pdata[i] = rows->pdata[kept];
        rows->pdata[kept++] = row;
      }
  g_ptr_array_set_size (rows, kept);
}

/* The rule ids of the open triggers, by customer, read on a connection
 * of their own in a thread of their own while the book is read
 * (design 7). */
typedef struct
{
  const char *db_path;
  gint64      now;
  GHashTable *rules;
  GError     *error;
} TriggersRead;

static gpointer
read_triggers (gpointer data)
{
  TriggersRead *read = data;
  g_autoptr(VigilStore) store = vigil_store_open (read->db_path, &read->error);

  if (store != NULL)
    read->rules = vigil_store_index_open_trigger_rules (store, read->now, &read->error);
  return NULL;
}

static int
print_portfolio (CliContext        *context,
                 VigilOutputFormat  format,
                 const VigilView   *view,
                 SortSpec          *sort)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilScorecard) scorecard = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) trigger_index = NULL;
  g_autoptr(VigilChurnModel) churn = NULL;
  gboolean filtered = view->tier != VIGIL_TIER_NONE || view->owner != NULL || view->segment != NULL ||
                      (view->search != NULL && *view->search != '\0');

  TriggersRead read = { context->db_path, g_get_real_time () / G_USEC_PER_SEC, NULL, NULL };
  GThread *triggers_thread = NULL;

  if (!(store = open_store (context, &error)) ||
      !(scorecard = vigil_store_load_scorecard (store, &error)))
    return fail (error);
  /* Nothing else to do meanwhile: the book in parts from fewer customers. */
  vigil_store_set_reads_alone (store, TRUE);
  /* Started once the database is there (open_store() makes a new one). */
  if (format == VIGIL_OUTPUT_JSON || sort->key == SORT_TRIGGERS)
    triggers_thread = g_thread_new ("vigil-triggers", read_triggers, &read);
  rows = vigil_store_list_book_scores (store, view->book, view->owner, view->tier, &error);
  if (triggers_thread != NULL)
    g_thread_join (triggers_thread);
  trigger_index = triggers_thread != NULL ? g_steal_pointer (&read.rules)
                                          : g_hash_table_new (g_int64_hash, g_int64_equal);
  if (rows == NULL || trigger_index == NULL ||
      !(churn = vigil_churn_trainer_load_model (store, NULL, &error)))
    {
      if (error == NULL)
        error = g_steal_pointer (&read.error);
      g_clear_error (&read.error);
      return fail (error);
    }

  filter_rows (rows, view);
  sort->churn = churn;
  sort->triggers = trigger_index;
  sort_rows (rows, sort);

  switch (format)
    {
    case VIGIL_OUTPUT_CSV:
      print_scores_csv (rows, churn);
      break;
    case VIGIL_OUTPUT_JSON:
      print_scores_json (rows, scorecard, trigger_index, churn);
      break;
    case VIGIL_OUTPUT_TABLE:
    default:
      if (rows->len == 0 && !filtered && view->book == VIGIL_BOOK_ACTIVE)
        g_print (_("No customers yet. Import history with “vigil import FILE”, "
                   "or try “vigil --demo”.\n"));
      else
        print_scores_table (rows, churn, view->book);
      break;
    }

  return VIGIL_EXIT_OK;
}

/* The view --view names, or none; the options given override it. */
static int
build_scores_view (CliContext  *context,
                   const char  *view_name,
                   VigilView  **out_view)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;

  if (view_name == NULL)
    {
      *out_view = vigil_view_new ();
      return VIGIL_EXIT_OK;
    }
  if (!(store = open_store (context, &error)) ||
      !(*out_view = vigil_store_get_view (store, view_name, &error)))
    return fail (error);
  return VIGIL_EXIT_OK;
}

static void
replace_text (char       **field,
              const char  *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

static int
run_scores (CliContext  *context,
            int          argc,
            char       **argv)
{
  g_autofree char *format_text = NULL;
  g_autofree char *tier_text = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *segment = NULL;
  g_autofree char *search = NULL;
  g_autofree char *sort_text = NULL;
  g_autofree char *view_name = NULL;
  gboolean reverse = FALSE;
  gboolean churned = FALSE;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text, N_("Output format: table, csv or json"), N_("FORMAT") },
    { "view", 'v', 0, G_OPTION_ARG_STRING, &view_name,
      N_("A saved view's filters and sort (the options given override them)"), N_("NAME") },
    { "tier", 't', 0, G_OPTION_ARG_STRING, &tier_text, N_("Only this tier: healthy, at-risk or high-risk"), N_("TIER") },
    { "owner", 'o', 0, G_OPTION_ARG_STRING, &owner, N_("Only the customers of this owner"), N_("OWNER") },
    { "segment", 0, 0, G_OPTION_ARG_STRING, &segment, N_("Only the customers of this segment"), N_("SEGMENT") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only customers whose name or id holds this text (any case)"), N_("TEXT") },
    { "churned", 'c', 0, G_OPTION_ARG_NONE, &churned,
      N_("The churned customers instead of the active book (latest outcome churned)"), NULL },
    { "sort", 's', 0, G_OPTION_ARG_STRING, &sort_text,
      N_("Sort by at-stake (default: churn risk × MRR, most first), health, name, id, owner, segment, "
         "plan, mrr, renewal, seats, last-active, trend, triggers, risk (highest first) or last-touch (longest "
         "ago first)"), N_("KEY") },
    { "reverse", 'r', 0, G_OPTION_ARG_NONE, &reverse, N_("Sort in descending order"), NULL },
    { NULL }
  };
  VigilOutputFormat format = VIGIL_OUTPUT_TABLE;
  g_autoptr(VigilView) view = NULL;
  SortSpec sort = { SORT_AT_STAKE, FALSE, NULL, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  if (!vigil_cli_parse_options ("", _("The portfolio: the latest health score of every customer in the active book."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return vigil_cli_usage_error (_("scores takes no arguments, got “%s”"), argv[1]);
  if (format_text != NULL && !vigil_output_format_parse (format_text, &format, &error))
    return vigil_cli_usage_error ("%s", error->message);
  if (tier_text != NULL && vigil_tier_from_id (tier_text) == VIGIL_TIER_NONE)
    return vigil_cli_usage_error (_("Unknown tier “%s”: use healthy, at-risk or high-risk"), tier_text);
  if (sort_text != NULL && !parse_sort_key (sort_text, &sort.key))
    return vigil_cli_usage_error (_("Unknown sort key “%s”"), sort_text);
  if ((status = build_scores_view (context, view_name, &view)) != VIGIL_EXIT_OK)
    return status;

  /* design 4: what the options say wins over the view; a sort given
   * anew takes its direction from --reverse alone. */
  if (tier_text != NULL)
    view->tier = vigil_tier_from_id (tier_text);
  replace_text (&view->owner, owner);
  replace_text (&view->segment, segment);
  replace_text (&view->search, search);
  if (churned)
    view->book = VIGIL_BOOK_CHURNED;
  if (sort_text != NULL)
    sort.reverse = reverse;
  else
    {
      if (view->sort != NULL)
        parse_sort_key (view->sort, &sort.key);
      sort.reverse = view->reverse || reverse;
    }

  return print_portfolio (context, format, view, &sort);
}

/* vigil import ------------------------------------------------------------ */

static gboolean
parse_import_format (const char        *text,
                     VigilImportFormat *out_format)
{
  if (g_strcmp0 (text, "auto") == 0)
    *out_format = VIGIL_IMPORT_FORMAT_AUTO;
  else if (g_strcmp0 (text, "csv") == 0)
    *out_format = VIGIL_IMPORT_FORMAT_CSV;
  else if (g_strcmp0 (text, "json") == 0)
    *out_format = VIGIL_IMPORT_FORMAT_JSON;
  else if (g_strcmp0 (text, "jsonl") == 0)
    *out_format = VIGIL_IMPORT_FORMAT_JSON_LINES;
  else
    return FALSE;
  return TRUE;
}

static void
print_import_summary (const char             *path,
                      const char             *source,
                      const VigilIngestStats *stats)
{
  g_autofree char *repeats = vigil_ingest_stats_describe_repeats (stats);

  g_print (_("Imported %s into source “%s”:\n"), path, source);
  g_print (ngettext ("  %" PRIu64 " record read\n",
                     "  %" PRIu64 " records read\n", stats->records_read),
           stats->records_read);
  g_print (ngettext ("  %" PRIu64 " snapshot stored and scored\n",
                     "  %" PRIu64 " snapshots stored and scored\n", stats->stored),
           stats->stored);
  g_print (ngettext ("  %" PRIu64 " already stored before\n",
                     "  %" PRIu64 " already stored before\n", stats->duplicates),
           stats->duplicates);
  g_print (ngettext ("  %" PRIu64 " record skipped: no usable id\n",
                     "  %" PRIu64 " records skipped: no usable id\n", stats->skipped),
           stats->skipped);
  g_print (ngettext ("  %" PRIu64 " value unusable (wrong type or out of range), stored as unknown\n",
                     "  %" PRIu64 " values unusable (wrong type or out of range), stored as unknown\n",
                     stats->unknown_values),
           stats->unknown_values);
  if (stats->unusable_example[0] != '\0')
    g_print (_("    the first: %s\n"), stats->unusable_example);
  if (repeats != NULL)
    g_print ("  %s\n", repeats);
  g_print (ngettext ("  %" PRIu64 " trigger opened\n", "  %" PRIu64 " triggers opened\n",
                     stats->triggers_opened),
           stats->triggers_opened);
}

static int
run_import (CliContext  *context,
            int          argc,
            char       **argv)
{
  g_autofree char *source = NULL;
  g_autofree char *mapping = NULL;
  g_autofree char *format_text = NULL;
  GOptionEntry entries[] = {
    { "source", 's', 0, G_OPTION_ARG_STRING, &source,
      N_("The source the customers belong to (default: imported)"), N_("NAME") },
    { "mapping", 'm', 0, G_OPTION_ARG_FILENAME, &mapping,
      N_("A mapping file: for JSON not in the native format, or for a CSV file's own columns"), N_("FILE") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text,
      N_("auto (default: by content), csv, json or jsonl"), N_("FORMAT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilImporter) importer = NULL;
  g_autoptr(VigilMapping) mapping_object = NULL;
  g_autoptr(GFile) file = NULL;
  VigilImportFormat format = VIGIL_IMPORT_FORMAT_AUTO;
  VigilIngestStats stats;
  int status;

  if (!vigil_cli_parse_options (_("FILE"),
                      _("Backfill history from a native JSON document, JSON Lines or CSV\n"
                        "(native field names, or any columns through --mapping).\n"
                        "The whole file is stored in one transaction, or nothing of it."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return vigil_cli_usage_error (_("import needs exactly one FILE"));
  if (format_text != NULL && !parse_import_format (format_text, &format))
    return vigil_cli_usage_error (_("Unknown format “%s”: use auto, csv, json or jsonl"), format_text);
  if (source != NULL && *source == '\0')
    return vigil_cli_usage_error (_("--source needs a name"));
  if (mapping != NULL && !(mapping_object = vigil_mapping_new_from_file (mapping, &error)))
    return fail (error);

  if (!(store = open_store (context, &error)))
    return fail (error);

  importer = vigil_importer_new (store);
  vigil_importer_set_mapping (importer, mapping_object);
  if (source != NULL)
    vigil_importer_set_source (importer, source);
  vigil_importer_set_format (importer, format);

  file = g_file_new_for_commandline_arg (argv[1]);
  if (!vigil_importer_import_file (importer, file, NULL, &stats, &error))
    {
      g_printerr (_("vigil: import failed, nothing was stored: %s\n"), error->message);
      return VIGIL_EXIT_FAILURE;
    }

  print_import_summary (argv[1], source ? source : VIGIL_IMPORTER_DEFAULT_SOURCE, &stats);
  return VIGIL_EXIT_OK;
}

/* vigil history ----------------------------------------------------------- */

static void
print_history_table (GPtrArray *rows)
{
  const char *headers[] = {
    _("OBSERVED"), _("HEALTH"), _("TIER"), _("ACTIVITY"), _("VOLUME"), _("BREADTH"),
    _("LAST ACTIVE"), _("API CALLS 7D"), _("FEATURES"), _("SEATS"), _("MRR"), NULL
  };
  const gboolean right[] = { 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1 };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *table = NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      const VigilHistoryRow *row = g_ptr_array_index (rows, i);
      const VigilSnapshot *s = row->snapshot;
      const VigilMeasureResult *m = row->score.measures;
      char **line = g_new0 (char *, G_N_ELEMENTS (headers));

      line[0] = vigil_time_format (s->observed_at);
      line[1] = format_number (row->score.health, 1);
      line[2] = g_strdup (tier_label_or_dash (row->score.tier));
      line[3] = format_number (isnan (m[VIGIL_MEASURE_ACTIVITY].value) ? NAN : m[VIGIL_MEASURE_ACTIVITY].points, 1);
      line[4] = format_number (isnan (m[VIGIL_MEASURE_VOLUME].value) ? NAN : m[VIGIL_MEASURE_VOLUME].points, 1);
      line[5] = format_number (isnan (m[VIGIL_MEASURE_BREADTH].value) ? NAN : m[VIGIL_MEASURE_BREADTH].points, 1);
      line[6] = format_time_or_dash (s->last_active);
      line[7] = format_count (s->api_calls_7d);
      line[8] = format_count (vigil_snapshot_get_features_used (s));
      line[9] = format_seats (s);
      line[10] = format_number (s->mrr, 2);
      g_ptr_array_add (cells, line);
    }

  table = vigil_output_table (headers, right, cells);
  g_print ("%s", table);
}

static void
print_history_csv (GPtrArray *rows)
{
  const char *headers[] = {
    "observed_at", "health", "tier", "activity_points", "volume_points", "breadth_points",
    "last_active", "api_calls_7d", "features_used", "seats", "seats_used", "mrr",
    "open_tickets", "nps", "renewal_date", "plan", "sentiment_points", NULL
  };
  const gboolean numeric[] = { 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1 };

  G_STATIC_ASSERT (G_N_ELEMENTS (numeric) == G_N_ELEMENTS (headers) - 1);
  print_csv_row (headers, NULL, G_N_ELEMENTS (headers) - 1);
  for (guint i = 0; i < rows->len; i++)
    {
      const VigilHistoryRow *row = g_ptr_array_index (rows, i);
      const VigilSnapshot *s = row->snapshot;
      const VigilMeasureResult *m = row->score.measures;
      g_autofree char *observed = csv_time (s->observed_at);
      g_autofree char *health = csv_score (row->score.health);
      g_autofree char *p0 = csv_points (&m[VIGIL_MEASURE_ACTIVITY]);
      g_autofree char *p1 = csv_points (&m[VIGIL_MEASURE_VOLUME]);
      g_autofree char *p2 = csv_points (&m[VIGIL_MEASURE_BREADTH]);
      g_autofree char *active = csv_time (s->last_active);
      g_autofree char *calls = csv_count (s->api_calls_7d);
      g_autofree char *features = csv_count (vigil_snapshot_get_features_used (s));
      g_autofree char *seats = csv_count (s->seats);
      g_autofree char *used = csv_count (s->seats_used);
      g_autofree char *mrr = csv_decimal (s->mrr, "%.2f");
      g_autofree char *tickets = csv_count (s->open_tickets);
      g_autofree char *nps = csv_count (s->nps);
      g_autofree char *renewal = csv_day (s->renewal_day);
      g_autofree char *p5 = csv_points (&m[VIGIL_MEASURE_SENTIMENT]);
      const char *cells[] = {
        observed, health, csv_tier (row->score.tier), p0, p1, p2, active, calls, features,
        seats, used, mrr, tickets, nps, renewal, s->plan, p5, NULL
      };

      print_csv_row (cells, numeric, G_N_ELEMENTS (cells) - 1);
    }
}

/* The fields of a snapshot that a record other than the account's
 * display record gave, each with that record's source (design 2.6). */
static void
write_field_sources (VigilJsonWriter *writer,
                     const GArray    *field_sources)
{
  vigil_json_writer_name (writer, "sources");
  vigil_json_writer_begin_object (writer);
  for (guint i = 0; i < field_sources->len; i++)
    {
      const VigilFieldSource *field = &g_array_index (field_sources, VigilFieldSource, i);

      write_string_or_null (writer, field->field, field->source);
    }
  vigil_json_writer_end_object (writer);
}

static void
print_history_json (GPtrArray      *rows,
                    const char     *source,
                    VigilScorecard *scorecard,
                    GPtrArray      *outcomes)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const VigilSnapshot *first = ((VigilHistoryRow *) g_ptr_array_index (rows, 0))->snapshot;
  VigilJsonWriter writer;

  vigil_json_writer_init (&writer, out);
  vigil_json_writer_begin_object (&writer);
  write_string_or_null (&writer, "id", first->customer_id);
  write_string_or_null (&writer, "source", source);
  write_string_or_null (&writer, "name", first->name);
  write_string_or_null (&writer, "owner", first->owner);
  write_string_or_null (&writer, "segment", first->segment);
  vigil_json_writer_name (&writer, "outcomes");
  vigil_json_writer_begin_array (&writer);
  for (guint i = 0; i < outcomes->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (outcomes, i), " ", 2);

      vigil_json_writer_begin_object (&writer);
      write_string_or_null (&writer, "date", parts[0]);
      write_string_or_null (&writer, "outcome", parts[1]);
      vigil_json_writer_end_object (&writer);
    }
  vigil_json_writer_end_array (&writer);
  vigil_json_writer_name (&writer, "snapshots");
  vigil_json_writer_begin_array (&writer);
  for (guint i = 0; i < rows->len; i++)
    {
      const VigilHistoryRow *row = g_ptr_array_index (rows, i);
      const VigilSnapshot *s = row->snapshot;

      vigil_json_writer_begin_object (&writer);
      write_time_or_null (&writer, "observed_at", s->observed_at);
      write_score (&writer, scorecard, &row->score, row->input_sources);
      write_field_sources (&writer, row->field_sources);
      write_time_or_null (&writer, "last_active", s->last_active);
      write_count_or_null (&writer, "api_calls_7d", s->api_calls_7d);
      write_count_or_null (&writer, "features_used", vigil_snapshot_get_features_used (s));
      vigil_json_writer_name (&writer, "features");
      if (s->features == NULL)
        vigil_json_writer_null (&writer);
      else
        {
          vigil_json_writer_begin_object (&writer);
          for (guint f = 0; f < s->features->len; f++)
            {
              const VigilFeatureUsage *u = &g_array_index (s->features, VigilFeatureUsage, f);

              vigil_json_writer_name (&writer, u->name);
              if (u->calls == VIGIL_FEATURE_USED_NO_COUNT)
                vigil_json_writer_boolean (&writer, TRUE);
              else
                vigil_json_writer_int (&writer, u->calls);
            }
          vigil_json_writer_end_object (&writer);
        }
      write_count_or_null (&writer, "seats", s->seats);
      write_count_or_null (&writer, "seats_used", s->seats_used);
      write_double_or_null (&writer, "mrr", s->mrr);
      write_count_or_null (&writer, "open_tickets", s->open_tickets);
      write_count_or_null (&writer, "nps", s->nps);
      write_day_or_null (&writer, "renewal_date", s->renewal_day);
      write_string_or_null (&writer, "plan", s->plan);
      vigil_json_writer_end_object (&writer);
    }
  vigil_json_writer_end_array (&writer);
  vigil_json_writer_end_object (&writer);
  print_json_text (out);
}

static int
run_history (CliContext  *context,
             int          argc,
             char       **argv)
{
  g_autofree char *format_text = NULL;
  g_autofree char *source = NULL;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text, N_("Output format: table, csv or json"), N_("FORMAT") },
    { "source", 's', 0, G_OPTION_ARG_STRING, &source,
      N_("The customer's source, when two sources have a customer with that id"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilScorecard) scorecard = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) outcomes = NULL;
  VigilOutputFormat format = VIGIL_OUTPUT_TABLE;
  gint64 customer;
  int status;

  if (!vigil_cli_parse_options (_("ID"), _("One customer's snapshots and scores over time, oldest first."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return vigil_cli_usage_error (_("history needs exactly one customer ID"));
  if (format_text != NULL && !vigil_output_format_parse (format_text, &format, &error))
    return vigil_cli_usage_error ("%s", error->message);

  if (!(store = open_store (context, &error)) ||
      !(scorecard = vigil_store_load_scorecard (store, &error)) ||
      (customer = vigil_store_find_customer (store, argv[1], source, &error)) < 0 ||
      !(rows = vigil_store_list_history (store, customer, &error)))
    return fail (error);

  if (rows->len == 0)
    {
      g_printerr (_("vigil: customer “%s” has no snapshots\n"), argv[1]);
      return VIGIL_EXIT_FAILURE;
    }
  if (!(outcomes = vigil_store_list_outcomes (store, customer, &error)))
    return fail (error);

  switch (format)
    {
    case VIGIL_OUTPUT_CSV:
      print_history_csv (rows);
      break;
    case VIGIL_OUTPUT_JSON:
      print_history_json (rows, source, scorecard, outcomes);
      break;
    case VIGIL_OUTPUT_TABLE:
    default:
      {
        const VigilSnapshot *first = ((VigilHistoryRow *) g_ptr_array_index (rows, 0))->snapshot;

        g_print ("%s — %s\n", first->customer_id, first->name ? first->name : "—");
        print_history_table (rows);
        for (guint i = 0; i < outcomes->len; i++)
          g_print (_("Outcome: %s\n"), (const char *) g_ptr_array_index (outcomes, i));
      }
      break;
    }
  return VIGIL_EXIT_OK;
}

/* vigil source ------------------------------------------------------------ */

/* Reads one line from standard input, without echo on a terminal: a
 * token typed here never shows on screen or in a shell's history. */
static char *
read_secret_line (const char *prompt)
{
  struct termios saved, quiet;
  gboolean terminal = isatty (STDIN_FILENO);
  char buffer[4096];
  char *line;

  if (terminal)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
    }
  line = fgets (buffer, sizeof buffer, stdin);
  if (terminal)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      g_printerr ("\n");
    }
  if (line == NULL)
    return NULL;

  line = g_strstrip (g_strdup (buffer));
  memset (buffer, 0, sizeof buffer);
  return line;
}

/* Text wiped before it is freed. */
typedef char SecretText;

static void
secret_text_free (SecretText *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretText, secret_text_free)

/* Splits "Name: value" headers into names (kept in the database) and
 * values (for the keyring). */
static gboolean
split_headers (char   **headers,
               GStrv   *out_names,
               GStrv   *out_values)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();

  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    {
      const char *colon = strchr (headers[i], ':');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (colon == NULL)
        return FALSE;
      name = g_strstrip (g_strndup (headers[i], colon - headers[i]));
      value = g_strstrip (g_strdup (colon + 1));
      if (*name == '\0' || *value == '\0')
        return FALSE;
      g_strv_builder_add (names, name);
      g_strv_builder_add (values, value);
    }

  *out_names = g_strv_builder_end (names);
  *out_values = g_strv_builder_end (values);
  return TRUE;
}

/* Reads the value of each query secret from standard input, in the
 * order given, after the token if there is one. */
static char **
read_query_secrets (char **names)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) secret_text_free);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *prompt = g_strdup_printf (_("Value of query parameter %s: "), names[i]);
      char *value = read_secret_line (prompt);

      if (value == NULL || *value == '\0')
        {
          secret_text_free (value);
          g_printerr (_("vigil: no value was given for query parameter %s\n"), names[i]);
          return NULL;
        }
      g_ptr_array_add (values, value);
    }
  g_ptr_array_add (values, NULL);
  g_ptr_array_set_free_func (values, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&values), FALSE);
}

static void
secret_texts_free (char **texts)
{
  for (guint i = 0; texts != NULL && texts[i] != NULL; i++)
    secret_text_free (texts[i]);
  g_free (texts);
}

typedef char **SecretTexts;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (SecretTexts, secret_texts_free, NULL)

/* Puts the source's secrets in the keyring; on failure nothing stays. */
static gboolean
store_source_secrets (const char   *database,
                      VigilSource  *source,
                      const char   *token,
                      char        **values,
                      char        **query_values,
                      GError      **error)
{
  if (token != NULL && !vigil_secrets_store (database, source->name, NULL, token, NULL, error))
    return FALSE;
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (!vigil_secrets_store (database, source->name, source->header_names[i], values[i], NULL, error))
      {
        vigil_secrets_clear (database, source->name, NULL, NULL);
        return FALSE;
      }
  for (guint i = 0; query_values != NULL && query_values[i] != NULL; i++)
    {
      g_autofree char *key = vigil_secrets_query_key (source->query_secret_names[i]);

      if (!vigil_secrets_store (database, source->name, key, query_values[i], NULL, error))
        {
          vigil_secrets_clear (database, source->name, NULL, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

/* Whether the keyring holds anything of @source. */
static gboolean
has_keyring_secrets (const VigilSource *source)
{
  return source->keyring_token || source->header_names != NULL || source->query_secret_names != NULL;
}

/* The mapping (and, for a preset, the URL when none was given) of a
 * source being added: from --preset or --mapping, with each --field
 * (design 2.7); stored normalised, so the file can go away. */
static gboolean
read_source_mapping (VigilSource         *source,
                     const char          *preset_name,
                     const char          *mapping_path,
                     const char * const  *fields,
                     GError             **error)
{
  g_autofree char *text = NULL;
  g_autoptr(VigilMapping) mapping = NULL;
  gsize length = 0;

  if (preset_name != NULL)
    {
      g_autoptr(VigilPreset) preset = vigil_preset_lookup (preset_name, error);
      g_autofree char *url = NULL;

      if (preset == NULL || !vigil_preset_configure (preset, source->url, fields, &url, &text, error))
        return FALSE;
      g_free (source->url);
      source->url = g_steal_pointer (&url);
    }
  else if (mapping_path != NULL)
    {
      if (!g_file_get_contents (mapping_path, &text, &length, error))
        return FALSE;
      if (fields != NULL)
        {
          char *changed = vigil_mapping_override_fields (text, (gssize) length, fields, error);

          if (changed == NULL)
            {
              g_prefix_error (error, "%s: ", mapping_path);
              return FALSE;
            }
          g_free (text);
          text = changed;
          length = strlen (text);
        }
    }
  else
    return TRUE;

  if (!(mapping = vigil_mapping_new_from_data (text, length > 0 ? (gssize) length : -1, error)))
    {
      if (mapping_path != NULL)
        g_prefix_error (error, "%s: ", mapping_path);
      return FALSE;
    }
  /* A source answers JSON; a mapping without records reads CSV. */
  if (vigil_mapping_is_csv (mapping))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("%s: the mapping has no “records”, so it names the columns of a CSV file (for vigil "
                     "import): a source answers JSON, and its mapping needs “records”, the JSON Pointer to "
                     "the array of records"), mapping_path != NULL ? mapping_path : preset_name);
      return FALSE;
    }
  source->mapping = vigil_mapping_to_json (mapping);
  return TRUE;
}

static int
run_source_add (CliContext  *context,
                int          argc,
                char       **argv)
{
  g_autofree char *mapping_path = NULL;
  g_autofree char *preset_name = NULL;
  g_auto(GStrv) fields = NULL;
  g_autofree char *token_env = NULL;
  g_auto(GStrv) headers = NULL;
  g_auto(GStrv) header_values = NULL;
  g_auto(GStrv) query_secrets = NULL;
  g_auto(GStrv) query_secrets_env = NULL;
  g_auto(SecretTexts) query_values = NULL;
  g_autoptr(SecretText) token = NULL;
  gboolean ask_token = FALSE;
  int interval = VIGIL_SOURCE_DEFAULT_INTERVAL_MIN;
  int timeout = VIGIL_SOURCE_DEFAULT_TIMEOUT_S;
  int concurrency = VIGIL_SOURCE_DEFAULT_CONCURRENCY;
  gint64 max_bytes = VIGIL_SOURCE_DEFAULT_MAX_BYTES;
  gint64 max_records = VIGIL_SOURCE_DEFAULT_MAX_RECORDS;
  GOptionEntry entries[] = {
    { "mapping", 'm', 0, G_OPTION_ARG_FILENAME, &mapping_path,
      N_("A mapping file for JSON that is not in the native format (copied into the database)"), N_("FILE") },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset_name,
      N_("A ready mapping for a vendor's API (see “vigil presets”); it gives the URL too"), N_("PRESET") },
    { "field", 0, 0, G_OPTION_ARG_STRING_ARRAY, &fields,
      N_("Add or replace one field of the preset or mapping: NAME=/pointer or NAME={…}"), N_("NAME=POINTER") },
    { "interval", 'i', 0, G_OPTION_ARG_INT, &interval, N_("Minutes between polls (default 60)"), N_("MIN") },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout, N_("Seconds before a request fails (default 30)"), N_("S") },
    { "concurrency", 'c', 0, G_OPTION_ARG_INT, &concurrency,
      N_("Requests at once for per-customer endpoints (default 6)"), N_("N") },
    { "max-bytes", 0, 0, G_OPTION_ARG_INT64, &max_bytes,
      N_("Largest response accepted, in bytes (default 64 MiB)"), N_("N") },
    { "max-records", 0, 0, G_OPTION_ARG_INT64, &max_records,
      N_("Most records one poll may read, all pages together (default 1,000,000)"), N_("N") },
    { "token-env", 0, 0, G_OPTION_ARG_STRING, &token_env,
      N_("Environment variable holding a bearer token (the token is never stored)"), N_("VAR") },
    { "ask-token", 0, 0, G_OPTION_ARG_NONE, &ask_token,
      N_("Read a bearer token from standard input (not echoed) into the keyring"), NULL },
    { "header", 0, 0, G_OPTION_ARG_STRING_ARRAY, &headers,
      N_("An extra request header; its value goes into the keyring"), N_("'K: V'") },
    { "query-secret", 0, 0, G_OPTION_ARG_STRING_ARRAY, &query_secrets,
      N_("A query parameter added to each request; its value is read from standard input "
         "(not echoed) into the keyring"), N_("NAME") },
    { "query-secret-env", 0, 0, G_OPTION_ARG_STRING_ARRAY, &query_secrets_env,
      N_("A query parameter added to each request, its value taken from environment variable VAR"),
      N_("NAME=VAR") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) source = NULL;
  g_autoptr(VigilSource) existing = NULL;
  int status;

  if (!vigil_cli_parse_options (_("NAME URL | NAME [URL] --preset PRESET"), _("Add a usage endpoint to poll."), entries,
                      &argc, &argv, &status))
    return status;
  if (preset_name == NULL && argc != 3)
    return vigil_cli_usage_error (_("source add needs a NAME and a URL"));
  if (preset_name != NULL && argc != 2 && argc != 3)
    return vigil_cli_usage_error (_("source add --preset needs a NAME, and takes a URL that overrides the preset's"));
  if (preset_name != NULL && mapping_path != NULL)
    return vigil_cli_usage_error (_("--preset and --mapping both give the mapping: choose one"));
  if (fields != NULL && preset_name == NULL && mapping_path == NULL)
    return vigil_cli_usage_error (_("--field changes the mapping of --preset or --mapping: give one of them"));
  if (interval < 1 || timeout < 1 || concurrency < 1)
    return vigil_cli_usage_error (_("--interval, --timeout and --concurrency take numbers of at least 1"));

  source = vigil_source_new (argv[1], argc == 3 ? argv[2] : NULL);
  source->interval_min = (guint) interval;
  source->timeout_s = (guint) timeout;
  source->concurrency = (guint) concurrency;
  source->max_bytes = max_bytes;
  source->max_records = max_records;
  source->token_env = g_steal_pointer (&token_env);
  source->keyring_token = ask_token;
  source->query_secret_names = g_steal_pointer (&query_secrets);
  source->query_secret_env = g_steal_pointer (&query_secrets_env);
  if (headers != NULL && !split_headers (headers, &source->header_names, &header_values))
    return vigil_cli_usage_error (_("--header takes 'Name: value'"));
  if (!read_source_mapping (source, preset_name, mapping_path, (const char * const *) fields, &error))
    return fail (error);

  if (!vigil_source_validate (source, &error) ||
      !(store = open_store (context, &error)))
    return fail (error);

  /* Before any secret is stored under the name: storing and then
   * clearing them would wipe those of the endpoint that has it. */
  existing = vigil_store_get_source (store, source->name, NULL);
  if (existing != NULL && existing->url != NULL)
    {
      g_printerr (_("vigil: a source named “%s” already exists\n"), source->name);
      return VIGIL_EXIT_FAILURE;
    }

  if (ask_token && (token = read_secret_line (_("Token: "))) == NULL)
    {
      g_printerr (_("vigil: no token was given\n"));
      return VIGIL_EXIT_FAILURE;
    }
  if (source->query_secret_names != NULL &&
      (query_values = read_query_secrets (source->query_secret_names)) == NULL)
    return VIGIL_EXIT_FAILURE;
  /* Secrets first: a source that cannot reach its keyring is not added. */
  if (has_keyring_secrets (source) &&
      !store_source_secrets (vigil_store_get_path (store), source, token, header_values, query_values, &error))
    return fail (error);
  if (!vigil_store_add_source (store, source, &error))
    {
      if (has_keyring_secrets (source))
        vigil_secrets_clear (vigil_store_get_path (store), source->name, NULL, NULL);
      return fail (error);
    }

  g_print (_("Added source “%s”: %s, every %u minutes\n"), source->name, source->url,
           source->interval_min);
  return VIGIL_EXIT_OK;
}

static char *
format_source_status (const VigilSource *source)
{
  g_autofree char *when = NULL;

  if (source->last_poll_at == 0)
    return g_strdup (_("never polled"));
  when = vigil_time_format (source->last_poll_at);
  if (source->last_ok && vigil_source_is_suspect (source))
    {
      g_autofree char *reasons = vigil_source_describe_suspect (source);

      return g_strdup_printf (_("SUSPECT at %s: %s (%s)"), when, reasons,
                              source->last_summary ? source->last_summary : "");
    }
  if (source->last_ok)
    return g_strdup_printf (_("ok at %s: %s"), when, source->last_summary ? source->last_summary : "");
  return g_strdup_printf (_("FAILED at %s: %s"), when, source->last_error ? source->last_error : "");
}

static int
run_source_list (CliContext  *context,
                 int          argc,
                 char       **argv)
{
  const char *headers[] = { _("NAME"), _("URL"), _("EVERY"), _("NEXT DUE"), _("LAST POLL"), NULL };
  const gboolean right[] = { 0, 0, 1, 0, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *table = NULL;
  int status;

  if (!vigil_cli_parse_options ("", _("The usage endpoints and how each was last polled."), NULL, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return vigil_cli_usage_error (_("source list takes no arguments"));

  if (!(store = open_store (context, &error)) ||
      !(sources = vigil_store_list_sources (store, &error)))
    return fail (error);

  if (sources->len == 0)
    {
      g_print (_("No sources yet. Add one with “vigil source add NAME URL”.\n"));
      return VIGIL_EXIT_OK;
    }

  for (guint i = 0; i < sources->len; i++)
    {
      const VigilSource *source = g_ptr_array_index (sources, i);
      char **line = g_new0 (char *, G_N_ELEMENTS (headers));

      line[0] = g_strdup (source->name);
      line[1] = g_strdup (source->url);
      line[2] = g_strdup_printf (_("%u min"), source->interval_min);
      line[3] = source->next_due != 0 ? vigil_time_format (source->next_due) : g_strdup (_("now"));
      line[4] = format_source_status (source);
      g_ptr_array_add (cells, line);
    }

  table = vigil_output_table (headers, right, cells);
  g_print ("%s", table);
  return VIGIL_EXIT_OK;
}

static int
run_source_remove (CliContext  *context,
                   int          argc,
                   char       **argv)
{
  gboolean delete_history = FALSE;
  GOptionEntry entries[] = {
    { "delete-history", 0, 0, G_OPTION_ARG_NONE, &delete_history,
      N_("Also delete its customers and all their history"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilSource) source = NULL;
  int status;

  if (!vigil_cli_parse_options (_("NAME"), _("Stop polling a source; its history stays unless --delete-history."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return vigil_cli_usage_error (_("source remove needs a NAME"));

  if (!(store = open_store (context, &error)) ||
      !(source = vigil_store_get_source (store, argv[1], &error)) ||
      !vigil_store_remove_source (store, argv[1], delete_history, &error))
    return fail (error);

  if (has_keyring_secrets (source) &&
      !vigil_secrets_clear (vigil_store_get_path (store), source->name, NULL, &error))
    g_printerr (_("vigil: the source is removed, but its secrets stay in the keyring: %s\n"),
                error->message);

  if (delete_history)
    g_print (_("Removed source “%s” and its history\n"), argv[1]);
  else
    g_print (_("Removed source “%s”; its customers' history stays\n"), argv[1]);
  return VIGIL_EXIT_OK;
}

static int
run_source (CliContext  *context,
            int          argc,
            char       **argv)
{
  if (argc >= 2 && g_strcmp0 (argv[1], "add") == 0)
    return run_source_add (context, argc - 1, argv + 1);
  if (argc >= 2 && g_strcmp0 (argv[1], "list") == 0)
    return run_source_list (context, argc - 1, argv + 1);
  if (argc >= 2 && g_strcmp0 (argv[1], "remove") == 0)
    return run_source_remove (context, argc - 1, argv + 1);
  if (argc >= 2 && (g_strcmp0 (argv[1], "--help") == 0 || g_strcmp0 (argv[1], "-h") == 0))
    {
      g_print (_("Usage:\n  vigil source add NAME URL [OPTIONS…]\n"
                 "  vigil source add NAME [URL] --preset PRESET [--field NAME=POINTER…] [OPTIONS…]\n"
                 "  vigil source list\n  vigil source remove NAME [--delete-history]\n"));
      return VIGIL_EXIT_OK;
    }
  return vigil_cli_usage_error (_("source needs add, list or remove"));
}

/* vigil presets ----------------------------------------------------------- */

static void
print_preset (VigilPreset *preset)
{
  g_auto(GStrv) fills = vigil_preset_get_fills (preset);
  g_autofree char *fills_text = g_strjoinv (", ", fills);
  g_autofree char *auth = vigil_preset_describe_auth (preset);
  g_autofree char *mapping = vigil_preset_get_mapping (preset);

  g_print ("%s: %s\n", vigil_preset_get_name (preset), vigil_preset_get_system (preset));
  g_print ("  %s %s\n", _("URL:"), vigil_preset_get_url (preset));
  g_print ("  %s %s\n", _("Documentation:"), vigil_preset_get_documentation (preset));
  g_print ("  %s %s\n", _("Fills:"), fills_text);
  g_print ("  %s\n", _("Cannot fill:"));
  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    {
      const char *reason = vigil_preset_get_cannot_fill (preset, field);

      if (reason != NULL)
        g_print ("    %-14s %s\n", vigil_field_get_name (field), vigil_preset_describe_reason (reason));
    }
  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    {
      const char *pointer = vigil_preset_get_usual_pointer (preset, field);

      if (pointer != NULL)
        /* Translators: a custom property users of the vendor usually
         * keep, and the option that maps it. */
        g_print ("  %s --field %s=%s\n", _("Usually added:"), vigil_field_get_name (field), pointer);
    }
  g_print ("  %s %s\n", _("Authentication:"), auth);
  g_print ("  %s %s\n", _("Mapping:"), mapping);
}

static int
run_presets (CliContext  *context,
             int          argc,
             char       **argv)
{
  g_autofree char *format_text = NULL;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text, N_("Output format: table or json"), N_("FORMAT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) presets = NULL;
  VigilOutputFormat format = VIGIL_OUTPUT_TABLE;
  int status;

  if (!vigil_cli_parse_options (_("[PRESET]"), _("The ready mappings for vendors' APIs, for “source add --preset”."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc > 2)
    return vigil_cli_usage_error (_("presets takes at most one PRESET"));
  if (format_text != NULL && (!vigil_output_format_parse (format_text, &format, &error) ||
                              format == VIGIL_OUTPUT_CSV))
    return vigil_cli_usage_error (_("Unknown format “%s”: use table or json"), format_text);

  if (argc == 2)
    {
      VigilPreset *preset = vigil_preset_lookup (argv[1], &error);

      if (preset == NULL)
        return fail (error);
      presets = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (presets, preset);
    }
  else if (!(presets = vigil_preset_list_all (&error)))
    return fail (error);

  if (format == VIGIL_OUTPUT_JSON)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = NULL;

      for (guint i = 0; i < presets->len; i++)
        json_array_add_element (array, vigil_preset_to_json (g_ptr_array_index (presets, i)));
      /* One preset is an object; the list, an array of them. */
      if (argc == 2)
        root = json_array_dup_element (array, 0);
      else
        root = json_node_init_array (json_node_alloc (), array);
      print_json_node (root);
    }
  else if (argc == 2)
    print_preset (g_ptr_array_index (presets, 0));
  else
    {
      const char *headers[] = { _("PRESET"), _("SYSTEM"), _("FILLS"), _("URL"), NULL };
      const gboolean right[] = { 0, 0, 0, 0 };
      g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
      g_autofree char *table = NULL;

      for (guint i = 0; i < presets->len; i++)
        {
          VigilPreset *preset = g_ptr_array_index (presets, i);
          g_auto(GStrv) fills = vigil_preset_get_fills (preset);
          char **line = g_new0 (char *, G_N_ELEMENTS (headers));

          line[0] = g_strdup (vigil_preset_get_name (preset));
          line[1] = g_strdup (vigil_preset_get_system (preset));
          line[2] = g_strjoinv (", ", fills);
          line[3] = g_strdup (vigil_preset_get_url (preset));
          g_ptr_array_add (cells, line);
        }
      table = vigil_output_table (headers, right, cells);
      g_print ("%s", table);
      g_print (_("“vigil presets PRESET” tells what one fills, what it cannot, and how to authenticate.\n"));
    }
  return VIGIL_EXIT_OK;
}

/* vigil poll -------------------------------------------------------------- */

static int
run_poll (CliContext  *context,
          int          argc,
          char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilPoller) poller = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean all_ok;
  int status;

  if (!vigil_cli_parse_options (_("[NAME…]"),
                      _("Poll the named sources, or every source that is due, once; "
                        "exit 1 if any failed."), NULL, &argc, &argv, &status))
    return status;

  if (!(store = open_store (context, &error)))
    return fail (error);

  if (argc > 1)
    {
      sources = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_source_free);
      for (int i = 1; i < argc; i++)
        {
          VigilSource *source = vigil_store_get_source (store, argv[i], &error);

          if (source == NULL)
            return fail (error);
          g_ptr_array_add (sources, source);
        }
    }
  else if (!(sources = vigil_store_list_sources (store, &error)))
    return fail (error);

  if (sources->len == 0)
    {
      g_print (_("No sources to poll. Add one with “vigil source add NAME URL”.\n"));
      return VIGIL_EXIT_OK;
    }

  /* Named sources are polled due or not. */
  poller = vigil_poller_new ();
  all_ok = vigil_cli_poll_sources (store, poller, sources, argc > 1 ? G_MAXINT64 : now, TRUE, NULL);
  return all_ok ? VIGIL_EXIT_OK : VIGIL_EXIT_FAILURE;
}

/* vigil serve: the loop is in vigil-cli-serve.c ---------------------------- */

static int
run_serve (CliContext  *context,
           int          argc,
           char       **argv)
{
  g_autofree char *reports = NULL;
  gboolean once = FALSE;
  GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      N_("Poll what is due and write the reports if due, then exit (for cron); exit 1 if any failed"), NULL },
    { "reports", 0, 0, G_OPTION_ARG_FILENAME, &reports,
      N_("Write each week's reports into this folder: the whole book and one per owner"), N_("DIR") },
    { NULL }
  };
  int status;

  if (!vigil_cli_parse_options ("", _("Run headless: poll each source when it is due, and write the weekly reports "
                            "on Mondays; SIGTERM stops."), entries, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return vigil_cli_usage_error (_("serve takes no arguments"));
  if (reports != NULL && *reports == '\0')
    return vigil_cli_usage_error (_("--reports needs a folder"));
  return vigil_cli_serve (context->db_path, once, reports);
}

/* vigil demo-server ------------------------------------------------------- */

static gboolean
quit_on_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static int
run_demo_server (CliContext  *context,
                 int          argc,
                 char       **argv)
{
  int port = 8642;
  int customers = DEMO_CUSTOMERS;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, N_("Port on 127.0.0.1 (default 8642; 0 picks a free one)"), N_("N") },
    { "customers", 'n', 0, G_OPTION_ARG_INT, &customers, N_("Customers in the book (default 300)"), N_("N") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDemo) demo = NULL;
  g_autoptr(VigilDemoServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;
  int status;

  if (!vigil_cli_parse_options ("", _("Serve the demo book's live usage on 127.0.0.1, in pages, until stopped."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return vigil_cli_usage_error (_("demo-server takes no arguments"));
  if (port < 0 || port > 65535)
    return vigil_cli_usage_error (_("--port must be between 0 and 65535"));
  if (customers < 1 || customers > 1000000)
    return vigil_cli_usage_error (_("--customers must be between 1 and 1000000"));

  demo = vigil_demo_new (DEMO_SEED, (guint) customers);
  server = vigil_demo_server_new (demo, 0);
  if (!vigil_demo_server_listen (server, (guint) port, &error))
    return fail (error);

  url = vigil_demo_server_get_url (server);
  g_print (_("Serving %d demo customers at %s (Ctrl+C stops)\n"), customers, url);
  /* Scripts read the URL from a pipe. */
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_on_signal_cb, loop);
  g_unix_signal_add (SIGTERM, quit_on_signal_cb, loop);
  g_main_loop_run (loop);
  return VIGIL_EXIT_OK;
}

/* vigil scorecard --------------------------------------------------------- */

static void
print_scorecard (VigilScorecard *scorecard)
{
  g_print (_("Scorecard version %" PRId64 "\n\n"), vigil_scorecard_get_version (scorecard));
  g_print ("%-10s %8s %10s  %s\n", _("MEASURE"), _("WEIGHT"), _("TARGET"), _("STATE"));
  for (int i = 0; i < VIGIL_N_MEASURES; i++)
    {
      double weight = vigil_scorecard_get_weight (scorecard, (VigilMeasure) i);

      g_print ("%-10s %8g %10g  %s\n", vigil_measure_get_name ((VigilMeasure) i), weight,
               vigil_scorecard_get_target (scorecard, (VigilMeasure) i),
               weight > 0 ? _("active") : _("off (weight 0)"));
    }
  g_print (_("\nTiers: healthy from %g, at risk from %g, high risk below\n"),
           vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_HEALTHY),
           vigil_scorecard_get_cutoff (scorecard, VIGIL_TIER_AT_RISK));
}

static int
save_scorecard (VigilStore     *store,
                VigilScorecard *scorecard)
{
  g_autoptr(GError) error = NULL;
  guint64 rescored = 0;

  if (!vigil_store_save_scorecard (store, scorecard, &rescored, &error))
    return fail (error);
  g_print (ngettext ("Scorecard version %" PRId64 " in use; %" PRIu64 " snapshot rescored\n",
                     "Scorecard version %" PRId64 " in use; %" PRIu64 " snapshots rescored\n",
                     rescored),
           vigil_scorecard_get_version (scorecard), rescored);
  return VIGIL_EXIT_OK;
}

static int
run_scorecard (CliContext  *context,
               int          argc,
               char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilScorecard) current = NULL;
  g_autoptr(VigilScorecard) next = NULL;
  int status;

  if (!vigil_cli_parse_options_full (_("show | set KEY VALUE | load FILE"),
                           _("The health scorecard: weights, targets and tier cut-offs. Each change makes a "
                             "new version and rescores the whole history."), NULL, TRUE, &argc, &argv, &status))
    return status;
  if (argc < 2)
    return vigil_cli_usage_error (_("scorecard needs show, set or load"));

  if (g_str_equal (argv[1], "show"))
    {
      if (argc != 2)
        return vigil_cli_usage_error (_("scorecard show takes no arguments"));
      if (!(store = open_store (context, &error)) || !(current = vigil_store_load_scorecard (store, &error)))
        return fail (error);
      print_scorecard (current);
      return VIGIL_EXIT_OK;
    }

  if (g_str_equal (argv[1], "set"))
    {
      char *end = NULL;
      double value;

      if (argc != 4)
        return vigil_cli_usage_error (_("scorecard set needs a KEY and a VALUE"));
      value = g_ascii_strtod (argv[3], &end);
      if (end == argv[3] || *end != '\0')
        return vigil_cli_usage_error (_("“%s” is not a number"), argv[3]);
      if (!(store = open_store (context, &error)) ||
          !(current = vigil_store_load_scorecard (store, &error)) ||
          !(next = vigil_scorecard_new_with (current, argv[2], value, &error)))
        return fail (error);
      return save_scorecard (store, next);
    }

  if (g_str_equal (argv[1], "load"))
    {
      g_autofree char *contents = NULL;

      if (argc != 3)
        return vigil_cli_usage_error (_("scorecard load needs a FILE"));
      if (!g_file_get_contents (argv[2], &contents, NULL, &error) ||
          !(store = open_store (context, &error)) ||
          !(current = vigil_store_load_scorecard (store, &error)) ||
          !(next = vigil_scorecard_new_from_json (contents, vigil_scorecard_get_version (current) + 1, &error)))
        return fail (error);
      return save_scorecard (store, next);
    }

  return vigil_cli_usage_error (_("scorecard needs show, set or load, not “%s”"), argv[1]);
}

static void
print_churn_status (const VigilChurnStatus *status)
{
  if (status->refit_in_use)
    g_print (_("Model: refit on %u outcomes; held-out AUC %.3f against %.3f for the default model\n"),
             status->n_outcomes, status->auc, status->default_auc);
  else if (!isnan (status->auc))
    g_print (_("Model: the default; a refit on %u outcomes reached a held-out AUC of %.3f, "
               "not better than the default's %.3f\n"), status->n_outcomes, status->auc, status->default_auc);
  else
    g_print (_("Model: the default; %u usable outcomes, a refit needs %d with at least %d "
               "of each kind\n"), status->n_outcomes, VIGIL_CHURN_MIN_OUTCOMES, VIGIL_CHURN_MIN_PER_KIND);
}

/* vigil outcome ----------------------------------------------------------- */

static int
run_outcome (CliContext  *context,
             int          argc,
             char       **argv)
{
  g_autofree char *date = NULL;
  g_autofree char *source = NULL;
  GOptionEntry entries[] = {
    { "date", 'd', 0, G_OPTION_ARG_STRING, &date, N_("When it happened (default: today)"), N_("YYYY-MM-DD") },
    { "source", 's', 0, G_OPTION_ARG_STRING, &source,
      N_("The customer's source, when two sources have a customer with that id"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refit_error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *when = NULL;
  gint32 day = vigil_time_get_day (g_get_real_time () / G_USEC_PER_SEC);
  VigilChurnStatus churn;
  gint64 customer;
  int status;

  if (!vigil_cli_parse_options (_("ID churned|renewed"), _("Record how a customer's contract ended, for history and "
                                                 "the churn model."), entries, &argc, &argv, &status))
    return status;
  if (argc != 3 || (!g_str_equal (argv[2], "churned") && !g_str_equal (argv[2], "renewed")))
    return vigil_cli_usage_error (_("outcome needs a customer ID and churned or renewed"));
  if (date != NULL && !vigil_date_parse (date, &day))
    return vigil_cli_usage_error (_("“%s” is not a date (YYYY-MM-DD)"), date);

  /* Every outcome is a chance for the churn model to learn; a refit that
   * fails leaves the previous model in use and the outcome stored. */
  if (!(store = open_store (context, &error)) ||
      (customer = vigil_store_find_customer (store, argv[1], source, &error)) < 0 ||
      !vigil_churn_trainer_record_outcome (store, customer, argv[2], day, &churn, &refit_error, &error))
    return fail (error);

  when = vigil_date_format (day);
  g_print (_("Recorded: %s %s on %s\n"), argv[1], argv[2], when);
  if (refit_error != NULL)
    {
      /* One line, whatever the message holds. */
      g_strdelimit (refit_error->message, "\r\n", ' ');
      g_printerr (_("vigil: the churn model was not refit (%s); the previous model stays in use\n"),
                  refit_error->message);
    }
  else
    print_churn_status (&churn);
  return VIGIL_EXIT_OK;
}

/* vigil pulse ----------------------------------------------------------- */

/* A time as --at takes it: ISO 8601, or a day (its start, UTC). */
static gboolean
parse_when (const char *text,
            gint64     *out_time)
{
  gint32 day;

  if (vigil_time_parse_iso8601 (text, out_time))
    return TRUE;
  if (vigil_date_parse (text, &day))
    {
      *out_time = (gint64) day * 86400;
      return TRUE;
    }
  return FALSE;
}

/* One line of plain text for a table (a pulse's or a touch's note): line
 * breaks become spaces and other control characters U+FFFD, so a note
 * cannot move the cursor; JSON keeps it as written. */
static char *
one_line (const char *text)
{
  g_autofree char *copy = g_strdup (text != NULL ? text : "");

  g_strdelimit (copy, "\t\r\n", ' ');
  return vigil_text_printable (copy, -1);
}

static char *
describe_pulse (const VigilPulse *pulse)
{
  g_autofree char *when = vigil_time_format (pulse->at);

  if (pulse->reason == VIGIL_PULSE_REASON_NONE)
    /* TRANSLATORS: a pulse, who took it and when: "Yellow, by Dana Park, 2026-12-01T10:00:00Z" */
    return g_strdup_printf (_("%s, by %s, %s"), vigil_sentiment_get_label (pulse->sentiment),
                            pulse->author, when);
  /* TRANSLATORS: a pulse, its reason, who took it and when:
   * "Yellow (Budget), by Dana Park, 2026-12-01T10:00:00Z" */
  return g_strdup_printf (_("%s (%s), by %s, %s"), vigil_sentiment_get_label (pulse->sentiment),
                          vigil_pulse_reason_get_label (pulse->reason), pulse->author, when);
}

static void
print_pulses_table (const char *id,
                    GPtrArray  *pulses)
{
  const char *headers[] = { _("SINCE"), _("PULSE"), _("REASON"), _("BY"), _("NOTE"), NULL };
  const gboolean right[] = { 0, 0, 0, 0, 0 };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *table = NULL;
  g_autofree char *current = NULL;

  if (pulses->len == 0)
    {
      g_print (_("%s: no pulse yet (“vigil pulse %s green|yellow|red” takes one)\n"), id, id);
      return;
    }
  current = describe_pulse (g_ptr_array_index (pulses, 0));
  g_print (_("%s: %s\n"), id, current);
  for (guint i = 0; i < pulses->len; i++)
    {
      const VigilPulse *pulse = g_ptr_array_index (pulses, i);
      char **line = g_new0 (char *, G_N_ELEMENTS (headers));

      line[0] = vigil_time_format (pulse->at);
      line[1] = g_strdup (vigil_sentiment_get_label (pulse->sentiment));
      line[2] = g_strdup (pulse->reason != VIGIL_PULSE_REASON_NONE ? vigil_pulse_reason_get_label (pulse->reason)
                                                                    : "—");
      line[3] = g_strdup (pulse->author);
      line[4] = one_line (pulse->note);
      g_ptr_array_add (cells, line);
    }
  table = vigil_output_table (headers, right, cells);
  g_print ("%s", table);
}

static void
print_pulses_json (const char *id,
                   GPtrArray  *pulses)
{
  g_autoptr(GString) out = g_string_new (NULL);
  VigilJsonWriter writer;

  vigil_json_writer_init (&writer, out);
  vigil_json_writer_begin_object (&writer);
  write_string_or_null (&writer, "id", id);
  write_pulse (&writer, "pulse", pulses->len > 0 ? g_ptr_array_index (pulses, 0) : NULL);
  vigil_json_writer_name (&writer, "history");
  vigil_json_writer_begin_array (&writer);
  for (guint i = 0; i < pulses->len; i++)
    write_pulse (&writer, NULL, g_ptr_array_index (pulses, i));
  vigil_json_writer_end_array (&writer);
  vigil_json_writer_end_object (&writer);
  print_json_text (out);
}

static int
set_pulse (VigilStore       *store,
           const char       *id,
           gint64            customer,
           VigilSentiment    sentiment,
           VigilPulseReason  reason,
           const char       *note,
           gint64            at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilPulse) pulse = NULL;
  g_autoptr(VigilScorecard) scorecard = NULL;
  g_autofree char *described = NULL;
  guint64 rescored = 0;

  if (vigil_store_set_pulse (store, customer, sentiment, reason, note, at, &rescored, &error) == 0 ||
      !vigil_store_get_pulse (store, customer, &pulse, &error) ||
      !(scorecard = vigil_store_load_scorecard (store, &error)))
    return fail (error);

  described = describe_pulse (pulse);
  g_print (_("Pulse of %s: %s\n"), id, described);
  if (vigil_scorecard_get_weight (scorecard, VIGIL_MEASURE_SENTIMENT) > 0)
    g_print (ngettext ("%" PRIu64 " snapshot rescored\n", "%" PRIu64 " snapshots rescored\n", rescored),
             rescored);
  else
    g_print (_("The scorecard gives sentiment no weight: scores are unchanged "
               "(“vigil scorecard set sentiment.weight 10” counts it)\n"));
  return VIGIL_EXIT_OK;
}

static int
run_pulse (CliContext  *context,
           int          argc,
           char       **argv)
{
  g_autofree char *reason = NULL;
  g_autofree char *note = NULL;
  g_autofree char *at_text = NULL;
  g_autofree char *source = NULL;
  g_autofree char *format_text = NULL;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
      N_("Why: relationship, product-fit, support, budget, champion-left or other"), N_("REASON") },
    { "note", 'n', 0, G_OPTION_ARG_STRING, &note, N_("What you would add, in your words"), N_("TEXT") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("When it holds from (default: now)"),
      N_("TIME") },
    { "source", 's', 0, G_OPTION_ARG_STRING, &source,
      N_("The customer's source, when two sources have a customer with that id"), N_("NAME") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text, N_("Output format: table or json"), N_("FORMAT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) pulses = NULL;
  VigilOutputFormat format = VIGIL_OUTPUT_TABLE;
  VigilSentiment sentiment = VIGIL_SENTIMENT_NONE;
  VigilPulseReason reason_value = VIGIL_PULSE_REASON_NONE;
  gint64 at = g_get_real_time () / G_USEC_PER_SEC;
  gint64 customer;
  int status;

  if (!vigil_cli_parse_options (_("ID [green|yellow|red]"),
                      _("Your pulse of a customer: take one (green, yellow or red), or show it with its "
                        "history."), entries, &argc, &argv, &status))
    return status;
  if (argc != 2 && argc != 3)
    return vigil_cli_usage_error (_("pulse needs a customer ID, and green, yellow or red to take a pulse"));
  if (argc == 2 && (reason != NULL || note != NULL || at_text != NULL))
    return vigil_cli_usage_error (_("--reason, --note and --at go with a pulse taken: green, yellow or red"));
  if (argc == 3 && format_text != NULL)
    return vigil_cli_usage_error (_("--format goes with showing a pulse, not taking one"));
  if (format_text != NULL &&
      (!vigil_output_format_parse (format_text, &format, &error) || format == VIGIL_OUTPUT_CSV))
    return vigil_cli_usage_error (_("Unknown format “%s”: use table or json"), format_text);
  if (at_text != NULL && !parse_when (at_text, &at))
    return vigil_cli_usage_error (_("“%s” is not a time (ISO 8601, or YYYY-MM-DD)"), at_text);
  if (argc == 3 && (!vigil_sentiment_parse (argv[2], &sentiment, &error) ||
                    (reason != NULL && !vigil_pulse_reason_parse (reason, &reason_value, &error))))
    return vigil_cli_usage_error ("%s", error->message);

  if (!(store = open_store (context, &error)) ||
      (customer = vigil_store_find_customer (store, argv[1], source, &error)) < 0)
    return fail (error);
  if (argc == 3)
    return set_pulse (store, argv[1], customer, sentiment, reason_value, note, at);

  if (!(pulses = vigil_store_list_pulses (store, customer, &error)))
    return fail (error);
  if (format == VIGIL_OUTPUT_JSON)
    print_pulses_json (argv[1], pulses);
  else
    print_pulses_table (argv[1], pulses);
  return VIGIL_EXIT_OK;
}

/* vigil view, vigil me ------------------------------------------------------ */

static char *
describe_view_filters (const VigilView *view)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (view->book == VIGIL_BOOK_CHURNED)
    g_string_append (text, _("churned customers"));
  /* TRANSLATORS: a saved view's filters, listed: "tier at-risk, owner Dana Park" */
  if (view->tier != VIGIL_TIER_NONE)
    {
      g_string_append (text, text->len > 0 ? ", " : "");
      g_string_append_printf (text, _("tier %s"), vigil_tier_get_id (view->tier));
    }
  if (view->owner != NULL)
    {
      g_string_append (text, text->len > 0 ? ", " : "");
      g_string_append_printf (text, _("owner %s"), view->owner);
    }
  if (view->segment != NULL)
    {
      g_string_append (text, text->len > 0 ? ", " : "");
      g_string_append_printf (text, _("segment %s"), view->segment);
    }
  if (view->search != NULL)
    {
      g_string_append (text, text->len > 0 ? ", " : "");
      g_string_append_printf (text, _("search “%s”"), view->search);
    }
  if (text->len == 0)
    g_string_append (text, _("the whole active book"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_view_sort (const VigilView *view)
{
  if (view->sort == NULL)
    return g_strdup (_("default"));
  /* TRANSLATORS: a sort key and its direction: "risk, highest first" */
  return g_strdup_printf (vigil_view_get_descending (view) ? _("%s, highest first") : _("%s, lowest first"),
                          view->sort);
}

static int
run_view_list (CliContext  *context,
               int          argc,
               char       **argv)
{
  g_autofree char *format_text = NULL;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text, N_("Output format: table or json"), N_("FORMAT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) views = NULL;
  g_autofree char *default_name = NULL;
  VigilOutputFormat format = VIGIL_OUTPUT_TABLE;
  int status;

  if (!vigil_cli_parse_options ("", _("The saved views of the portfolio."), entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return vigil_cli_usage_error (_("view list takes no arguments, got “%s”"), argv[1]);
  if (format_text != NULL &&
      (!vigil_output_format_parse (format_text, &format, &error) || format == VIGIL_OUTPUT_CSV))
    return vigil_cli_usage_error (_("Unknown format “%s”: use table or json"), format_text);
  if (!(store = open_store (context, &error)) ||
      !(views = vigil_store_list_views (store, &error)) ||
      !vigil_store_get_default_view (store, &default_name, &error))
    return fail (error);

  if (format == VIGIL_OUTPUT_JSON)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < views->len; i++)
        {
          const VigilView *view = g_ptr_array_index (views, i);

          json_builder_begin_object (builder);
          add_string_or_null (builder, "name", view->name);
          add_string_or_null (builder, "lifecycle", view->book == VIGIL_BOOK_CHURNED ? "churned" : "active");
          add_string_or_null (builder, "tier", vigil_tier_get_id (view->tier));
          add_string_or_null (builder, "owner", view->owner);
          add_string_or_null (builder, "segment", view->segment);
          add_string_or_null (builder, "search", view->search);
          add_string_or_null (builder, "sort", view->sort);
          json_builder_set_member_name (builder, "reverse");
          json_builder_add_boolean_value (builder, view->reverse);
          json_builder_set_member_name (builder, "default");
          json_builder_add_boolean_value (builder, g_strcmp0 (default_name, view->name) == 0);
          add_time_or_null (builder, "created_at", view->created_at);
          add_time_or_null (builder, "updated_at", view->updated_at);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      print_json (builder);
      return VIGIL_EXIT_OK;
    }

  if (views->len == 0)
    {
      g_print (_("No saved views (“vigil view save NAME --owner O …” saves one)\n"));
      return VIGIL_EXIT_OK;
    }
  {
    const char *headers[] = { _("NAME"), _("SHOWS"), _("SORT"), _("DEFAULT"), NULL };
    const gboolean right[] = { 0, 0, 0, 0 };
    g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
    g_autofree char *table = NULL;

    for (guint i = 0; i < views->len; i++)
      {
        const VigilView *view = g_ptr_array_index (views, i);
        char **line = g_new0 (char *, G_N_ELEMENTS (headers));

        line[0] = g_strdup (view->name);
        line[1] = describe_view_filters (view);
        line[2] = describe_view_sort (view);
        line[3] = g_strdup (g_strcmp0 (default_name, view->name) == 0 ? _("yes") : "");
        g_ptr_array_add (cells, line);
      }
    table = vigil_output_table (headers, right, cells);
    g_print ("%s", table);
  }
  return VIGIL_EXIT_OK;
}

static int
run_view_save (CliContext  *context,
               int          argc,
               char       **argv)
{
  g_autofree char *tier_text = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *segment = NULL;
  g_autofree char *search = NULL;
  g_autofree char *sort = NULL;
  gboolean reverse = FALSE;
  gboolean churned = FALSE;
  GOptionEntry entries[] = {
    { "churned", 'c', 0, G_OPTION_ARG_NONE, &churned,
      N_("The churned customers instead of the active book (latest outcome churned)"), NULL },
    { "tier", 't', 0, G_OPTION_ARG_STRING, &tier_text, N_("Only this tier: healthy, at-risk or high-risk"), N_("TIER") },
    { "owner", 'o', 0, G_OPTION_ARG_STRING, &owner, N_("Only the customers of this owner"), N_("OWNER") },
    { "segment", 0, 0, G_OPTION_ARG_STRING, &segment, N_("Only the customers of this segment"), N_("SEGMENT") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only customers whose name or id holds this text (any case)"), N_("TEXT") },
    { "sort", 's', 0, G_OPTION_ARG_STRING, &sort, N_("Sort by this key, as “vigil scores --sort”"), N_("KEY") },
    { "reverse", 'r', 0, G_OPTION_ARG_NONE, &reverse, N_("Sort the other way round"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilView) view = vigil_view_new ();
  g_autoptr(VigilView) existing = NULL;
  g_autofree char *name = NULL;
  int status;

  if (!vigil_cli_parse_options (_("NAME"), _("Save filters, a search and a sort of the portfolio as a view."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return vigil_cli_usage_error (_("view save needs exactly one NAME"));
  if (tier_text != NULL && (view->tier = vigil_tier_from_id (tier_text)) == VIGIL_TIER_NONE)
    return vigil_cli_usage_error (_("Unknown tier “%s”: use healthy, at-risk or high-risk"), tier_text);
  if (!(name = vigil_view_clean_name (argv[1], &error)))
    return vigil_cli_usage_error ("%s", error->message);
  view->name = g_strdup (name);
  view->book = churned ? VIGIL_BOOK_CHURNED : VIGIL_BOOK_ACTIVE;
  view->owner = g_steal_pointer (&owner);
  view->segment = g_steal_pointer (&segment);
  view->search = search != NULL && *search != '\0' ? g_steal_pointer (&search) : NULL;
  view->sort = g_steal_pointer (&sort);
  view->reverse = reverse;
  if (!vigil_view_check (view, &error))
    return vigil_cli_usage_error ("%s", error->message);

  if (!(store = open_store (context, &error)))
    return fail (error);
  existing = vigil_store_get_view (store, name, &error);
  if (existing == NULL && !g_error_matches (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND))
    return fail (error);
  g_clear_error (&error);
  if (!vigil_store_save_view (store, view, &error))
    return fail (error);
  g_print (existing != NULL ? _("Replaced the view “%s”\n") : _("Saved the view “%s”\n"), name);
  return VIGIL_EXIT_OK;
}

static int
run_view_remove (CliContext  *context,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  int status;

  if (!vigil_cli_parse_options (_("NAME"), _("Remove a saved view."), NULL, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return vigil_cli_usage_error (_("view remove needs exactly one NAME"));
  if (!(store = open_store (context, &error)) || !vigil_store_remove_view (store, argv[1], &error))
    return fail (error);
  g_print (_("Removed the view “%s”\n"), argv[1]);
  return VIGIL_EXIT_OK;
}

static int
run_view_default (CliContext  *context,
                  int          argc,
                  char       **argv)
{
  gboolean clear = FALSE;
  GOptionEntry entries[] = {
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear,
      N_("Open on My Book when “I am” is set, else on the whole book"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *name = NULL;
  int status;

  if (!vigil_cli_parse_options (_("[NAME]"), _("The saved view the window opens on."), entries, &argc, &argv, &status))
    return status;
  if (argc > 2 || (clear && argc == 2))
    return vigil_cli_usage_error (_("view default takes one NAME, or --clear"));
  if (!(store = open_store (context, &error)))
    return fail (error);
  if (argc == 2 || clear)
    {
      if (!vigil_store_set_default_view (store, clear ? NULL : argv[1], &error))
        return fail (error);
    }
  if (!vigil_store_get_default_view (store, &name, &error))
    return fail (error);
  if (name != NULL)
    g_print (_("The window opens on the view “%s”\n"), name);
  else
    g_print (_("The window opens on My Book when “I am” is set, else on the whole book\n"));
  return VIGIL_EXIT_OK;
}

static int
run_view (CliContext  *context,
          int          argc,
          char       **argv)
{
  if (argc >= 2 && g_strcmp0 (argv[1], "list") == 0)
    return run_view_list (context, argc - 1, argv + 1);
  if (argc >= 2 && g_strcmp0 (argv[1], "save") == 0)
    return run_view_save (context, argc - 1, argv + 1);
  if (argc >= 2 && g_strcmp0 (argv[1], "remove") == 0)
    return run_view_remove (context, argc - 1, argv + 1);
  if (argc >= 2 && g_strcmp0 (argv[1], "default") == 0)
    return run_view_default (context, argc - 1, argv + 1);
  if (argc >= 2 && (g_strcmp0 (argv[1], "--help") == 0 || g_strcmp0 (argv[1], "-h") == 0))
    {
      g_print (_("Usage:\n  vigil view list [--format table|json]\n"
                 "  vigil view save NAME [--churned] [--tier T] [--owner O] [--segment S] [--search TEXT] "
                 "[--sort KEY] [--reverse]\n  vigil view remove NAME\n  vigil view default [NAME | --clear]\n"));
      return VIGIL_EXIT_OK;
    }
  return vigil_cli_usage_error (_("view needs list, save, remove or default"));
}

static int
run_me (CliContext  *context,
        int          argc,
        char       **argv)
{
  gboolean clear = FALSE;
  GOptionEntry entries[] = {
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear, N_("Forget the setting"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *me = NULL;
  g_autofree char *author = NULL;
  int status;

  if (!vigil_cli_parse_options (_("[NAME]"), _("“I am”: the owner name you go by. My Book shows its customers; "
                                    "your notes and pulses carry it."), entries, &argc, &argv, &status))
    return status;
  if (argc > 2 || (clear && argc == 2))
    return vigil_cli_usage_error (_("me takes one NAME, or --clear"));
  if (!(store = open_store (context, &error)))
    return fail (error);
  if ((argc == 2 || clear) && !vigil_store_set_me (store, clear ? NULL : argv[1], &error))
    return fail (error);
  if (!vigil_store_get_me (store, &me, &error) || !(author = vigil_store_dup_author (store, &error)))
    return fail (error);
  if (me != NULL)
    g_print (_("I am: %s\n"), me);
  else
    g_print (_("I am: not set (notes and pulses are written as %s; “vigil me NAME” sets it)\n"), author);
  return VIGIL_EXIT_OK;
}

/* vigil link, vigil unlink -------------------------------------------------- */

/* SOURCE:ID, split at its first colon (a source name has none; an id may). */
static gboolean
parse_record_name (const char  *text,
                   char       **out_source,
                   const char **out_id)
{
  const char *colon = strchr (text, ':');

  if (colon == NULL || colon == text || colon[1] == '\0')
    return FALSE;
  *out_source = g_strndup (text, (gsize) (colon - text));
  *out_id = colon + 1;
  return TRUE;
}

static int
run_link (CliContext  *context,
          int          argc,
          char       **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *source_a = NULL;
  g_autofree char *source_b = NULL;
  const char *id_a, *id_b;
  int status;

  if (!vigil_cli_parse_options (_("SOURCE:ID SOURCE:ID"), _("Join two records' accounts into one customer; "
                                                  "an unlinked record is joined by its keys again."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 3)
    return vigil_cli_usage_error (_("link needs two records, each as SOURCE:ID"));
  if (!parse_record_name (argv[1], &source_a, &id_a))
    return vigil_cli_usage_error (_("“%s” is not SOURCE:ID"), argv[1]);
  if (!parse_record_name (argv[2], &source_b, &id_b))
    return vigil_cli_usage_error (_("“%s” is not SOURCE:ID"), argv[2]);

  if (!(store = open_store (context, &error)) ||
      !vigil_store_link_records (store, source_a, id_a, source_b, id_b, NULL, &error))
    return fail (error);
  g_print (_("Linked: %s and %s are one customer\n"), argv[1], argv[2]);
  return VIGIL_EXIT_OK;
}

static int
run_unlink (CliContext  *context,
            int          argc,
            char       **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *source = NULL;
  const char *id;
  int status;

  if (!vigil_cli_parse_options (_("SOURCE:ID"), _("Take a record out of its customer into one of its own; its "
                                        "keys no longer join it until it is linked again."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return vigil_cli_usage_error (_("unlink needs one record as SOURCE:ID"));
  if (!parse_record_name (argv[1], &source, &id))
    return vigil_cli_usage_error (_("“%s” is not SOURCE:ID"), argv[1]);

  if (!(store = open_store (context, &error)) ||
      !vigil_store_unlink_record (store, source, id, NULL, &error))
    return fail (error);
  g_print (_("Unlinked: %s is a customer of its own; its keys join it to no other until linked\n"),
           argv[1]);
  return VIGIL_EXIT_OK;
}

/* vigil triggers ---------------------------------------------------------- */

static void
add_trigger_object (JsonBuilder           *builder,
                    const VigilTriggerRow *row)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, row->id);
  add_string_or_null (builder, "rule", row->rule);
  add_string_or_null (builder, "kind", row->kind);
  add_string_or_null (builder, "customer", row->customer);
  add_string_or_null (builder, "name", row->name);
  add_time_or_null (builder, "since", row->first_seen);
  add_string_or_null (builder, "state", row->state);
  add_string_or_null (builder, "state_by", row->state_by);
  add_time_or_null (builder, "state_at", row->state_at);
  add_string_or_null (builder, "snoozed_until", row->snoozed_until);
  add_string_or_null (builder, "evidence", row->evidence);
  add_string_or_null (builder, "tier", vigil_tier_get_id (row->tier));
  add_string_or_null (builder, "play", vigil_trigger_play_for_tier (row->tier));
  json_builder_end_object (builder);
}

static void
print_triggers_json (GPtrArray *rows)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    add_trigger_object (builder, g_ptr_array_index (rows, i));
  json_builder_end_array (builder);
  print_json (builder);
}

static void
print_triggers_csv (GPtrArray *rows)
{
  const char *headers[] = { "id", "rule", "kind", "customer", "name", "since", "state", "state_by", "evidence",
                            "play", NULL };
  const gboolean numeric[] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

  G_STATIC_ASSERT (G_N_ELEMENTS (numeric) == G_N_ELEMENTS (headers) - 1);
  print_csv_row (headers, NULL, G_N_ELEMENTS (headers) - 1);
  for (guint i = 0; i < rows->len; i++)
    {
      const VigilTriggerRow *row = g_ptr_array_index (rows, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
      g_autofree char *since = vigil_time_format (row->first_seen);
      const char *cells[] = { id, row->rule, row->kind, row->customer, row->name, since, row->state,
                              row->state_by, row->evidence, vigil_trigger_play_for_tier (row->tier), NULL };

      print_csv_row (cells, numeric, G_N_ELEMENTS (cells) - 1);
    }
}

static void
print_triggers_table (GPtrArray *rows)
{
  const char *headers[] = { _("ID"), _("TRIGGER"), _("KIND"), _("CUSTOMER"), _("SINCE"), _("STATE"), _("BY"),
                            _("PLAY"), _("WHY"), NULL };
  const gboolean right[] = { 1, 0, 0, 0, 0, 0, 0, 0, 0 };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *table = NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      const VigilTriggerRow *row = g_ptr_array_index (rows, i);
      char **line = g_new0 (char *, G_N_ELEMENTS (headers));

      line[0] = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
      line[1] = g_strdup (row->rule);
      line[2] = g_strdup (row->kind);
      line[3] = g_strdup (row->name != NULL ? row->name : row->customer);
      line[4] = vigil_date_format (vigil_time_get_day (row->first_seen));
      line[5] = g_strdup (row->state);
      line[6] = g_strdup (row->state_by != NULL ? row->state_by : "");
      line[7] = g_strdup (vigil_trigger_play_for_tier (row->tier));
      line[8] = g_strdup (row->evidence != NULL ? row->evidence : "");
      g_ptr_array_add (cells, line);
    }
  table = vigil_output_table (headers, right, cells);
  g_print ("%s", table);
}

/* The inbox of design 5: the open triggers by customer, each customer's
 * stake from its latest snapshot and the churn model in use, ranked as
 * the window ranks them. */
static GPtrArray *
build_inbox (VigilStore  *store,
             GPtrArray   *triggers,
             GError     **error)
{
  g_autoptr(GPtrArray) entries = vigil_inbox_group (triggers);
  g_autoptr(GHashTable) by_customer = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(VigilChurnModel) churn = NULL;

  if (!(rows = vigil_store_list_portfolio (store, NULL, VIGIL_TIER_NONE, error)) ||
      !(churn = vigil_churn_trainer_load_model (store, NULL, error)))
    return NULL;
  for (guint i = 0; i < rows->len; i++)
    g_hash_table_insert (by_customer, &((VigilPortfolioRow *) rows->pdata[i])->customer_id, rows->pdata[i]);

  for (guint i = 0; i < entries->len; i++)
    {
      VigilInboxEntry *entry = g_ptr_array_index (entries, i);
      const VigilPortfolioRow *row = g_hash_table_lookup (by_customer, &entry->stake.customer_id);

      if (row != NULL)
        vigil_inbox_stake_set_row (&entry->stake, row, vigil_churn_risk_of (churn, row, NULL));
    }
  vigil_inbox_sort (entries);
  return g_steal_pointer (&entries);
}

static void
print_inbox_json (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      const VigilInboxEntry *entry = g_ptr_array_index (entries, i);
      const VigilTriggerRow *first = g_ptr_array_index (entry->triggers, 0);
      g_autofree char *renewal = entry->stake.renewal_day != VIGIL_UNKNOWN_DAY
                                 ? vigil_date_format (entry->stake.renewal_day) : NULL;
      double risk = entry->stake.churn_risk;
      double stake = vigil_inbox_stake_get_value (&entry->stake);
      gboolean decision = FALSE;

      for (guint t = 0; t < entry->triggers->len; t++)
        decision |= vigil_trigger_row_needs_decision (g_ptr_array_index (entry->triggers, t));

      json_builder_begin_object (builder);
      add_string_or_null (builder, "customer", first->customer);
      add_string_or_null (builder, "name", first->name);
      /* To the cent, as MRR is. */
      add_double_or_null (builder, "at_stake", isnan (stake) ? NAN : round (stake * 100) / 100);
      add_double_or_null (builder, "mrr", entry->stake.mrr);
      add_double_or_null (builder, "churn_risk", isnan (risk) ? NAN : round (risk * 1e4) / 1e4);
      add_string_or_null (builder, "renewal_date", renewal);
      add_string_or_null (builder, "tier", vigil_tier_get_id (first->tier));
      json_builder_set_member_name (builder, "needs_decision");
      json_builder_add_boolean_value (builder, decision);
      json_builder_set_member_name (builder, "triggers");
      json_builder_begin_array (builder);
      for (guint t = 0; t < entry->triggers->len; t++)
        add_trigger_object (builder, g_ptr_array_index (entry->triggers, t));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  print_json (builder);
}

/* The entry's trigger ids and rules, each a space-separated list. */
static void
join_entry_triggers (const VigilInboxEntry  *entry,
                     char                  **out_ids,
                     char                  **out_rules)
{
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autoptr(GString) rules = g_string_new (NULL);

  for (guint t = 0; t < entry->triggers->len; t++)
    {
      const VigilTriggerRow *row = g_ptr_array_index (entry->triggers, t);

      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, t > 0 ? " " : "", row->id);
      g_string_append_printf (rules, "%s%s", t > 0 ? " " : "", row->rule);
    }
  *out_ids = g_string_free (g_steal_pointer (&ids), FALSE);
  *out_rules = g_string_free (g_steal_pointer (&rules), FALSE);
}

static void
print_inbox_csv (GPtrArray *entries)
{
  const char *headers[] = { "customer", "name", "at_stake", "mrr", "churn_risk", "renewal_date", "tier",
                            "triggers", "trigger_ids", NULL };
  const gboolean numeric[] = { 0, 0, 1, 1, 1, 0, 0, 0, 0 };

  G_STATIC_ASSERT (G_N_ELEMENTS (numeric) == G_N_ELEMENTS (headers) - 1);
  print_csv_row (headers, NULL, G_N_ELEMENTS (headers) - 1);
  for (guint i = 0; i < entries->len; i++)
    {
      const VigilInboxEntry *entry = g_ptr_array_index (entries, i);
      const VigilTriggerRow *first = g_ptr_array_index (entry->triggers, 0);
      g_autofree char *stake = csv_decimal (vigil_inbox_stake_get_value (&entry->stake), "%.2f");
      g_autofree char *mrr = csv_decimal (entry->stake.mrr, "%.2f");
      g_autofree char *risk = csv_risk (entry->stake.churn_risk);
      g_autofree char *renewal = csv_day (entry->stake.renewal_day);
      g_autofree char *ids = NULL;
      g_autofree char *rules = NULL;

      join_entry_triggers (entry, &ids, &rules);
      {
        const char *cells[] = { first->customer, first->name, stake, mrr, risk, renewal, csv_tier (first->tier),
                                rules, ids, NULL };

        print_csv_row (cells, numeric, G_N_ELEMENTS (cells) - 1);
      }
    }
}

static void
print_inbox_table (GPtrArray *entries)
{
  const char *headers[] = { _("CUSTOMER"), _("AT STAKE"), _("MRR"), _("RISK"), _("RENEWAL"), _("TRIGGERS"), NULL };
  const gboolean right[] = { 0, 1, 1, 1, 0, 0 };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *table = NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      const VigilInboxEntry *entry = g_ptr_array_index (entries, i);
      const VigilTriggerRow *first = g_ptr_array_index (entry->triggers, 0);
      char **line = g_new0 (char *, G_N_ELEMENTS (headers));
      g_autoptr(GString) triggers = g_string_new (NULL);

      for (guint t = 0; t < entry->triggers->len; t++)
        {
          const VigilTriggerRow *row = g_ptr_array_index (entry->triggers, t);

          /* Translators: a trigger in the by-customer list: its id, rule
           * and state, e.g. "#12 health-drop (new)" */
          g_string_append_printf (triggers, _("%s#%" PRId64 " %s (%s)"), t > 0 ? ", " : "",
                                  row->id, row->rule, row->state);
        }
      line[0] = g_strdup (first->name != NULL ? first->name : first->customer);
      line[1] = format_number (vigil_inbox_stake_get_value (&entry->stake), 0);
      line[2] = format_number (entry->stake.mrr, 2);
      line[3] = format_risk (entry->stake.churn_risk);
      line[4] = format_day_or_dash (entry->stake.renewal_day);
      line[5] = g_string_free (g_steal_pointer (&triggers), FALSE);
      g_ptr_array_add (cells, line);
    }
  table = vigil_output_table (headers, right, cells);
  g_print ("%s", table);
}

static int
run_triggers (CliContext  *context,
              int          argc,
              char       **argv)
{
  g_autofree char *format_text = NULL;
  gboolean by_customer = FALSE;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text, N_("Output format: table, csv or json"), N_("FORMAT") },
    { "by-customer", 0, 0, G_OPTION_ARG_NONE, &by_customer,
      N_("One entry per customer with all its open triggers, most MRR at stake first"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) inbox = NULL;
  VigilOutputFormat format = VIGIL_OUTPUT_TABLE;
  int status;

  if (!vigil_cli_parse_options ("", _("Open upsell and risk triggers with their suggested plays."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return vigil_cli_usage_error (_("triggers takes no arguments"));
  if (format_text != NULL && !vigil_output_format_parse (format_text, &format, &error))
    return vigil_cli_usage_error ("%s", error->message);

  if (!(store = open_store (context, &error)) ||
      !(rows = vigil_store_list_triggers (store, g_get_real_time () / G_USEC_PER_SEC, &error)) ||
      (by_customer && !(inbox = build_inbox (store, rows, &error))))
    return fail (error);

  if (format == VIGIL_OUTPUT_JSON && by_customer)
    print_inbox_json (inbox);
  else if (format == VIGIL_OUTPUT_JSON)
    print_triggers_json (rows);
  else if (format == VIGIL_OUTPUT_CSV && by_customer)
    print_inbox_csv (inbox);
  else if (format == VIGIL_OUTPUT_CSV)
    print_triggers_csv (rows);
  else if (rows->len == 0)
    g_print (_("No open triggers.\n"));
  else if (by_customer)
    print_inbox_table (inbox);
  else
    print_triggers_table (rows);
  return VIGIL_EXIT_OK;
}

static int
run_trigger (CliContext  *context,
             int          argc,
             char       **argv)
{
  g_autofree char *until = NULL;
  GOptionEntry entries[] = {
    { "until", 'u', 0, G_OPTION_ARG_STRING, &until, N_("For snooze: the day it comes back"), N_("YYYY-MM-DD") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  const char *state;
  guint64 id;
  gint32 day;
  int status;

  if (!vigil_cli_parse_options (_("ack|snooze|done ID | plan-limit PLAN CALLS | no-touch DAYS"),
                      _("Work a trigger, set a plan's weekly API call limit for plan-limit, or the days\n"
                        "without a touch that raise no-touch (0 turns it off)."),
                      entries, &argc, &argv, &status))
    return status;

  if (argc == 3 && g_str_equal (argv[1], "no-touch"))
    {
      guint64 days;

      if (!g_ascii_string_to_unsigned (argv[2], 10, 0, VIGIL_NO_TOUCH_MAX_DAYS, &days, NULL))
        return vigil_cli_usage_error (_("“%s” is not a number of days from 0 (off) to %d"), argv[2], VIGIL_NO_TOUCH_MAX_DAYS);
      if (!(store = open_store (context, &error)) ||
          !vigil_triggers_set_no_touch_days (store, (gint64) days, &error) ||
          !vigil_triggers_update (store, g_get_real_time () / G_USEC_PER_SEC, NULL, &error))
        return fail (error);
      if (days == 0)
        g_print (_("No-touch trigger: off\n"));
      else
        g_print (ngettext ("No-touch trigger: after %" PRIu64 " day without a touch\n",
                           "No-touch trigger: after %" PRIu64 " days without a touch\n", days), days);
      return VIGIL_EXIT_OK;
    }

  if (argc == 4 && g_str_equal (argv[1], "plan-limit"))
    {
      guint64 calls;

      if (!g_ascii_string_to_unsigned (argv[3], 10, 0, G_MAXINT64, &calls, NULL))
        return vigil_cli_usage_error (_("“%s” is not a number of calls"), argv[3]);
      if (!(store = open_store (context, &error)) ||
          !vigil_triggers_set_plan_limit (store, argv[2], (gint64) calls, &error) ||
          !vigil_triggers_update (store, g_get_real_time () / G_USEC_PER_SEC, NULL, &error))
        return fail (error);
      g_print (_("Plan “%s”: %" PRIu64 " API calls a week\n"), argv[2], calls);
      return VIGIL_EXIT_OK;
    }

  if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXINT64, &id, NULL))
    return vigil_cli_usage_error (_("trigger needs ack, snooze or done and a trigger ID"));
  if (g_str_equal (argv[1], "ack"))
    state = "acknowledged";
  else if (g_str_equal (argv[1], "done"))
    state = "done";
  else if (g_str_equal (argv[1], "snooze"))
    {
      state = "snoozed";
      if (until == NULL || !vigil_date_parse (until, &day))
        return vigil_cli_usage_error (_("snooze needs --until YYYY-MM-DD"));
    }
  else
    return vigil_cli_usage_error (_("trigger needs ack, snooze or done, not “%s”"), argv[1]);

  if (!(store = open_store (context, &error)) ||
      !vigil_store_set_trigger_state (store, (gint64) id, state,
                                      g_str_equal (state, "snoozed") ? until : NULL, &error))
    return fail (error);
  g_print (_("Trigger %" PRIu64 ": %s\n"), id, state);
  return VIGIL_EXIT_OK;
}

/* vigil churn-model ------------------------------------------------------- */

static int
run_churn_model (CliContext  *context,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilChurnModel) model = NULL;
  gboolean refit = FALSE;
  GOptionEntry entries[] = {
    { "refit", 0, 0, G_OPTION_ARG_NONE, &refit, N_("Refit on the recorded outcomes now"), NULL },
    { NULL }
  };
  VigilChurnStatus status;
  double intercept;
  double coefficients[VIGIL_CHURN_N_FEATURES];
  double reference[VIGIL_CHURN_N_FEATURES];
  int exit_status;

  if (!vigil_cli_parse_options ("", _("The churn model in use, its coefficients, AUC and sample size."),
                      entries, &argc, &argv, &exit_status))
    return exit_status;
  if (argc != 1)
    return vigil_cli_usage_error (_("churn-model takes no arguments"));

  if (!(store = open_store (context, &error)) ||
      (refit && !vigil_churn_trainer_refit (store, NULL, &error)) ||
      !(model = vigil_churn_trainer_load_model (store, &status, &error)))
    return fail (error);

  print_churn_status (&status);
  vigil_churn_model_get_coefficients (model, &intercept, coefficients);
  vigil_churn_model_get_reference (model, reference);
  g_print ("\n%-18s %12s %12s\n", _("FEATURE"), _("COEFFICIENT"), _("REFERENCE"));
  g_print ("%-18s %12.4f\n", _("intercept"), intercept);
  for (int i = 0; i < VIGIL_CHURN_N_FEATURES; i++)
    g_print ("%-18s %12.4f %12g\n", vigil_churn_feature_get_name ((VigilChurnFeature) i),
             coefficients[i], reference[i]);
  return VIGIL_EXIT_OK;
}

/* vigil report ------------------------------------------------------------ */

static int
run_report (CliContext  *context,
            int          argc,
            char       **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *week = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *paper = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The PDF file to write (required)"), N_("FILE.pdf") },
    { "week", 'w', 0, G_OPTION_ARG_STRING, &week,
      N_("The ISO week (default: the last full week before now, or the week of the newest data if the "
         "history ends earlier)"), N_("YYYY-Www") },
    { "owner", 0, 0, G_OPTION_ARG_STRING, &owner, N_("Only this owner's customers (default: all owners)"), N_("O") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper, N_("a4 or letter (default: from the locale, LC_PAPER)"), N_("SIZE") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *week_text = NULL;
  VigilReportOptions options = { 0, 0, NULL, VIGIL_REPORT_PAPER_AUTO };
  int status;

  if (!vigil_cli_parse_options ("", _("Write the weekly PDF report: headline figures, charts, top risks, upsell "
                            "opportunities, movers and the full portfolio."), entries, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return vigil_cli_usage_error (_("report takes no arguments"));
  if (output == NULL || *output == '\0')
    return vigil_cli_usage_error (_("report needs --output FILE.pdf"));
  if (week != NULL && !vigil_iso_week_parse (week, &options.iso_year, &options.iso_week))
    return vigil_cli_usage_error (_("“%s” is not an ISO week (YYYY-Www, e.g. 2026-W46)"), week);
  if (paper != NULL && !vigil_report_paper_parse (paper, &options.paper))
    return vigil_cli_usage_error (_("“%s” is not a paper size: a4 or letter"), paper);
  options.owner = owner;

  if (!(store = open_store (context, &error)) ||
      (week == NULL && !vigil_report_get_default_week (store, g_get_real_time () / G_USEC_PER_SEC, owner,
                                                       &options.iso_year, &options.iso_week, &error)) ||
      !vigil_report_write_pdf (store, &options, output, &error))
    return fail (error);

  week_text = vigil_iso_week_format (options.iso_year, options.iso_week);
  g_print (_("Wrote %s: week %s, %s\n"), output, week_text, owner != NULL ? owner : _("all owners"));
  return VIGIL_EXIT_OK;
}

/* The window, or the portfolio as text where there is no display (over
 * SSH, from cron, with VIGIL_NO_WINDOW set). */
static int
open_window_or_print (CliContext *context,
                      gboolean    demo)
{
  SortSpec sort = { SORT_AT_STAKE, FALSE, NULL, NULL };
  g_autoptr(VigilView) whole_book = vigil_view_new ();

  if (context->open_window != NULL && g_getenv ("VIGIL_NO_WINDOW") == NULL)
    {
      int status = context->open_window (context->db_path, demo);

      if (status >= 0)
        return status;
      g_printerr (_("vigil: no display to open the window on; the portfolio as text:\n"));
    }
  g_print ("\n");
  return print_portfolio (context, VIGIL_OUTPUT_TABLE, whole_book, &sort);
}

/* vigil --demo ------------------------------------------------------------ */

static char *
get_demo_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "vigil", "demo.db", NULL);
}

static int
run_demo (CliContext *context)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilDemo) demo = vigil_demo_new (DEMO_SEED, DEMO_CUSTOMERS);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* The demo lives in its own database so it never mixes with real data. */
  if (!context->db_given)
    {
      g_free (context->db_path);
      context->db_path = get_demo_path ();
    }

  if (!(store = vigil_demo_open_store (demo, context->db_path, now, DEMO_DAYS, NULL, &error)))
    return fail (error);
  g_clear_object (&store);

  g_print (_("Demo portfolio (%s): %d customers, %d days of history\n"),
           context->db_path, DEMO_CUSTOMERS, DEMO_DAYS);
  return open_window_or_print (context, TRUE);
}

/* vigil note, vigil timeline (design 3.4) ---------------------------------- */

/* Triggers follow a touch at once: the no-touch trigger reads them. The
 * touch is kept whatever happens here. */
static int
update_triggers_after_touch (VigilStore *store)
{
  g_autoptr(GError) error = NULL;

  if (!vigil_triggers_update (store, g_get_real_time () / G_USEC_PER_SEC, NULL, &error))
    {
      g_printerr (_("vigil: the touch is saved, but the triggers could not be updated: %s\n"), error->message);
      return VIGIL_EXIT_FAILURE;
    }
  return VIGIL_EXIT_OK;
}

static gboolean
parse_touch_kind (const char     *text,
                  VigilTouchKind *out_kind)
{
  return text != NULL && vigil_touch_kind_from_id (text, out_kind);
}

static int
edit_or_delete_touch (CliContext     *context,
                      gint64          touch_id,
                      gboolean        deleting,
                      VigilTouchKind  kind,
                      gint64          at,
                      const char     *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;

  if (!(store = open_store (context, &error)) ||
      (deleting && !vigil_store_delete_touch (store, touch_id, &error)) ||
      (!deleting && !vigil_store_edit_touch (store, touch_id, kind, at, text, &error)))
    return fail (error);
  g_print (deleting ? _("Touch %" PRId64 " deleted\n") : _("Touch %" PRId64 " edited\n"),
           touch_id);
  return update_triggers_after_touch (store);
}

static int
run_note (CliContext  *context,
          int          argc,
          char       **argv)
{
  g_autofree char *kind_text = NULL;
  g_autofree char *at_text = NULL;
  g_autofree char *source = NULL;
  /* not given: no id of a touch is this */
  gint64 edit_id = G_MININT64;
  gint64 delete_id = G_MININT64;
  GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_text,
      N_("What it was: note (default), call, email, meeting or qbr"), N_("KIND") },
    { "at", 'a', 0, G_OPTION_ARG_STRING, &at_text,
      N_("When it happened, ISO 8601 (default: now; a date alone is midnight UTC)"), N_("TIME") },
    { "source", 's', 0, G_OPTION_ARG_STRING, &source,
      N_("The customer's source, when two sources have a customer with that id"), N_("NAME") },
    { "edit", 'e', 0, G_OPTION_ARG_INT64, &edit_id,
      N_("Change your touch TOUCH_ID (its text, --kind or --at)"), N_("TOUCH_ID") },
    { "delete", 'd', 0, G_OPTION_ARG_INT64, &delete_id, N_("Delete your touch TOUCH_ID"), N_("TOUCH_ID") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autofree char *when = NULL;
  VigilTouchKind kind = VIGIL_TOUCH_NOTE;
  gint64 at = VIGIL_UNKNOWN;
  gint64 customer, touch;
  int status;

  if (!vigil_cli_parse_options (_("ID \"TEXT\" | --edit TOUCH_ID [\"TEXT\"] | --delete TOUCH_ID"),
                      _("Log a note or a touch (call, email, meeting, QBR) on a customer's timeline,\n"
                        "or change or delete one of your own; `vigil timeline ID` lists them."),
                      entries, &argc, &argv, &status))
    return status;
  if (kind_text != NULL && !parse_touch_kind (kind_text, &kind))
    return vigil_cli_usage_error (_("Unknown kind “%s”: use note, call, email, meeting or qbr"), kind_text);
  if (at_text != NULL && !vigil_time_parse_iso8601 (at_text, &at))
    return vigil_cli_usage_error (_("“%s” is not a time (ISO 8601, such as 2026-03-05T14:30:00Z or 2026-03-05)"),
                        at_text);
  if (edit_id != G_MININT64 && delete_id != G_MININT64)
    return vigil_cli_usage_error (_("note takes --edit or --delete, not both"));

  if (delete_id != G_MININT64)
    {
      if (argc != 1 || kind_text != NULL || at_text != NULL)
        return vigil_cli_usage_error (_("note --delete takes a touch id and nothing else"));
      return edit_or_delete_touch (context, delete_id, TRUE, VIGIL_N_TOUCH_KINDS, VIGIL_UNKNOWN, NULL);
    }
  if (edit_id != G_MININT64)
    {
      if (argc > 2 || (argc == 1 && kind_text == NULL && at_text == NULL))
        return vigil_cli_usage_error (_("note --edit needs the new text, --kind or --at"));
      return edit_or_delete_touch (context, edit_id, FALSE, kind_text != NULL ? kind : VIGIL_N_TOUCH_KINDS, at,
                                   argc == 2 ? argv[1] : NULL);
    }

  if (argc != 3)
    return vigil_cli_usage_error (_("note needs a customer ID and the text, in quotes"));
  if (at == VIGIL_UNKNOWN)
    at = g_get_real_time () / G_USEC_PER_SEC;
  if (!(store = open_store (context, &error)) ||
      (customer = vigil_store_find_customer (store, argv[1], source, &error)) < 0 ||
      (touch = vigil_store_add_touch (store, customer, kind, at, argv[2], &error)) < 0)
    return fail (error);
  when = vigil_time_format (at);
  /* TRANSLATORS: a kind of touch, the customer, the touch's id and when */
  g_print (_("Logged: %s on %s (touch %" PRId64 "), %s\n"), vigil_touch_kind_get_label (kind), argv[1],
           touch, when);
  return update_triggers_after_touch (store);
}

static void
print_timeline_table (const char *display,
                      GPtrArray  *entries)
{
  const char *headers[] = { _("WHEN"), _("WHAT"), _("BY"), _("TOUCH"), _("TEXT"), NULL };
  const gboolean right[] = { 0, 0, 0, 1, 0 };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *table = NULL;

  g_print ("%s\n", display);
  if (entries->len == 0)
    {
      g_print (_("Nothing on the timeline yet. Log a touch with “vigil note”.\n"));
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const VigilTimelineEntry *entry = g_ptr_array_index (entries, i);
      char **line = g_new0 (char *, G_N_ELEMENTS (headers));
      g_autofree char *what = vigil_timeline_entry_describe (entry);

      line[0] = vigil_time_format (entry->at);
      line[1] = one_line (what);
      line[2] = one_line (entry->author != NULL ? entry->author : "—");
      line[3] = entry->kind == VIGIL_TIMELINE_TOUCH ? g_strdup_printf ("%" G_GINT64_FORMAT, entry->id)
                                                     : g_strdup ("");
      line[4] = one_line (entry->text);
      g_ptr_array_add (cells, line);
    }
  table = vigil_output_table (headers, right, cells);
  g_print ("%s", table);
}

static void
print_timeline_csv (GPtrArray *entries)
{
  const char *headers[] = {
    "kind", "at", "id", "author", "subject", "detail", "text", "until", "edited_at", "summary", NULL
  };
  const gboolean numeric[] = { 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };

  G_STATIC_ASSERT (G_N_ELEMENTS (numeric) == G_N_ELEMENTS (headers) - 1);
  print_csv_row (headers, NULL, G_N_ELEMENTS (headers) - 1);
  for (guint i = 0; i < entries->len; i++)
    {
      const VigilTimelineEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *at = csv_time (entry->at);
      g_autofree char *id = entry->id != 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, entry->id) : NULL;
      g_autofree char *edited = csv_time (entry->edited_at);
      g_autofree char *summary = vigil_timeline_entry_describe (entry);
      const char *cells[] = {
        vigil_timeline_kind_get_id (entry->kind), at, id, entry->author, entry->subject, entry->detail,
        entry->text, entry->until, edited, summary, NULL
      };

      print_csv_row (cells, numeric, G_N_ELEMENTS (cells) - 1);
    }
}

static void
print_timeline_json (const VigilRecordRow *display,
                     GPtrArray            *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string_or_null (builder, "id", display != NULL ? display->external_id : NULL);
  add_string_or_null (builder, "source", display != NULL ? display->source : NULL);
  json_builder_set_member_name (builder, "timeline");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      const VigilTimelineEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *summary = vigil_timeline_entry_describe (entry);

      json_builder_begin_object (builder);
      add_string_or_null (builder, "kind", vigil_timeline_kind_get_id (entry->kind));
      add_time_or_null (builder, "at", entry->at);
      json_builder_set_member_name (builder, "id");
      if (entry->id != 0)
        json_builder_add_int_value (builder, entry->id);
      else
        json_builder_add_null_value (builder);
      add_string_or_null (builder, "author", entry->author);
      add_string_or_null (builder, "subject", entry->subject);
      add_string_or_null (builder, "detail", entry->detail);
      add_string_or_null (builder, "text", entry->text);
      add_string_or_null (builder, "until", entry->until);
      add_time_or_null (builder, "edited_at", entry->edited_at);
      add_string_or_null (builder, "summary", summary);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  print_json (builder);
}

static int
run_timeline (CliContext  *context,
              int          argc,
              char       **argv)
{
  g_autofree char *format_text = NULL;
  g_autofree char *source = NULL;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text, N_("Output format: table, csv or json"), N_("FORMAT") },
    { "source", 's', 0, G_OPTION_ARG_STRING, &source,
      N_("The customer's source, when two sources have a customer with that id"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(GPtrArray) timeline = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *display = NULL;
  const VigilRecordRow *first;
  VigilOutputFormat format = VIGIL_OUTPUT_TABLE;
  gint64 customer;
  int status;

  if (!vigil_cli_parse_options (_("ID"), _("One customer's timeline, newest first: touches, pulses, outcomes, triggers,\n"
                                 "tier changes, records linked or unlinked and sources added."),
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return vigil_cli_usage_error (_("timeline needs exactly one customer ID"));
  if (format_text != NULL && !vigil_output_format_parse (format_text, &format, &error))
    return vigil_cli_usage_error ("%s", error->message);

  if (!(store = open_store (context, &error)) ||
      (customer = vigil_store_find_customer (store, argv[1], source, &error)) < 0 ||
      !(records = vigil_store_list_records (store, customer, &error)) ||
      !(timeline = vigil_store_list_timeline (store, customer, &error)))
    return fail (error);

  first = records->len > 0 ? records->pdata[0] : NULL;
  switch (format)
    {
    case VIGIL_OUTPUT_CSV:
      print_timeline_csv (timeline);
      break;
    case VIGIL_OUTPUT_JSON:
      print_timeline_json (first, timeline);
      break;
    case VIGIL_OUTPUT_TABLE:
    default:
      display = first != NULL ? g_strdup_printf ("%s:%s", first->source, first->external_id) : g_strdup (argv[1]);
      print_timeline_table (display, timeline);
      break;
    }
  return VIGIL_EXIT_OK;
}

/* Dispatch ---------------------------------------------------------------- */

static const Command commands[] = {
  { "import", N_("FILE"), N_("Backfill history from JSON, JSON Lines or CSV"), run_import },
  { "scores", "", N_("The portfolio with health scores (table, csv, json)"), run_scores },
  { "history", N_("ID"), N_("One customer's snapshots and scores over time"), run_history },
  { "note", N_("ID \"TEXT\""), N_("Log a note, call, email, meeting or QBR on a customer"), run_note },
  { "timeline", N_("ID"), N_("One customer's timeline: touches, triggers, tiers, outcomes"), run_timeline },
  { "source", N_("add|list|remove"), N_("The usage endpoints Vigil polls"), run_source },
  { "presets", N_("[PRESET]"), N_("Ready mappings for vendors' APIs (HubSpot, Stripe, …)"), run_presets },
  { "poll", N_("[NAME…]"), N_("Poll the sources that are due (or the named ones) once"), run_poll },
  { "demo-server", "", N_("Serve the demo book as a live endpoint on 127.0.0.1"), run_demo_server },
  { "scorecard", N_("show|set|load"), N_("The health scorecard; changes rescore the history"), run_scorecard },
  { "outcome", N_("ID churned|renewed"), N_("Record how a customer's contract ended"), run_outcome },
  { "pulse", N_("ID [green|yellow|red]"), N_("Your pulse of a customer, and its history"), run_pulse },
  { "view", N_("list|save|remove|default"), N_("Saved views of the portfolio (scores --view NAME)"), run_view },
  { "me", N_("[NAME]"), N_("“I am”: the owner name My Book shows"), run_me },
  { "link", N_("SOURCE:ID SOURCE:ID"), N_("Join two records' accounts into one customer"), run_link },
  { "unlink", N_("SOURCE:ID"), N_("Take a record out of its customer into one of its own"), run_unlink },
  { "triggers", "", N_("Open upsell and risk triggers with suggested plays"), run_triggers },
  { "churn-model", "", N_("The churn model in use and its coefficients"), run_churn_model },
  { "report", N_("--output FILE.pdf"), N_("Write the weekly PDF report (a week, an owner)"), run_report },
  { "serve", N_("[--once] [--reports DIR]"), N_("Poll sources when due and write the weekly reports, headless"),
    run_serve },
  { "trigger", N_("ack|snooze|done ID"), N_("Work a trigger; plan-limit PLAN CALLS, no-touch DAYS set them"),
    run_trigger },
  { "db", N_("copy|password|roles …"), N_("Move a book between a file and a team's PostgreSQL; a team's people's roles"),
    vigil_cli_db_run },
};

static void
print_help (void)
{
  g_print (_("Usage:\n  vigil [--db FILE] [COMMAND] [OPTIONS…]\n\n"));
  g_print (_("Vigil keeps your customers' usage history and scores their health.\n\n"));
  g_print (_("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      /* _("") would be the catalogue's header: translate only real parameters. */
      const char *parameters = commands[i].parameters[0] != '\0' ? _(commands[i].parameters) : "";
      g_autofree char *usage = g_strdup_printf ("%s %s", commands[i].name, parameters);
      gsize width = vigil_output_text_width (usage);

      /* Padded by display width: "…" is one column but three bytes. */
      g_print ("  %s%*s  %s\n", usage, (int) (width < 28 ? 28 - width : 0), "", _(commands[i].summary));
    }
  g_print ("\n");
  g_print (_("Options:\n"));
  g_print ("  %-28s  %s\n", "--db FILE|URI",
           _("The database: a file, or a team's book on PostgreSQL (postgresql://…); "
             "default: VIGIL_DB, else in the user data folder"));
  g_print ("  %-28s  %s\n", "--demo", _("Open the window on a generated demo portfolio, kept in its own database"));
  g_print ("  %-28s  %s\n", "--version", _("Print the version"));
  g_print ("  %-28s  %s\n", "--help", _("Show this help; COMMAND --help for a command's options"));
  g_print ("\n");
  g_print (_("Without a command, vigil opens its window on the database (without a display, it prints\n"
             "the portfolio).\n"));
}

/* Takes --db out of argv wherever it stands, so every command has it. */
static gboolean
extract_db_option (int    *argc,
                   char  **argv,
                   char  **out_path)
{
  int out = 1;

  for (int i = 1; i < *argc; i++)
    {
      if (g_strcmp0 (argv[i], "--") == 0)
        {
          for (; i < *argc; i++)
            argv[out++] = argv[i];
          break;
        }
      if (g_strcmp0 (argv[i], "--db") == 0)
        {
          if (i + 1 >= *argc || argv[i + 1][0] == '\0')
            return FALSE;
          g_free (*out_path);
          *out_path = g_strdup (argv[++i]);
        }
      else if (g_str_has_prefix (argv[i], "--db="))
        {
          if (argv[i][5] == '\0')
            return FALSE;
          g_free (*out_path);
          *out_path = g_strdup (argv[i] + 5);
        }
      else
        argv[out++] = argv[i];
    }

  *argc = out;
  argv[out] = NULL;
  return TRUE;
}

int
vigil_cli_run (int                 argc,
               char              **argv,
               VigilCliWindowFunc  open_window)
{
  /* Option parsing takes strings out of the array without freeing
   * them: it works on a shallow copy of the strings owned here. */
  g_auto(GStrv) owned = g_new0 (char *, argc + 1);
  g_autofree char **args = g_new0 (char *, argc + 1);
  CliContext context = { NULL, FALSE, open_window };
  int status;

  for (int i = 0; i < argc; i++)
    args[i] = owned[i] = g_strdup (argv[i]);

  if (!extract_db_option (&argc, args, &context.db_path))
    return vigil_cli_usage_error (_("--db needs a FILE"));
  context.db_given = context.db_path != NULL;
  if (context.db_path == NULL)
    context.db_path = vigil_store_get_default_path ();

  if (argc < 2)
    status = open_window_or_print (&context, FALSE);
  else if (g_strcmp0 (args[1], "--version") == 0)
    {
      g_print ("vigil %s\n", PACKAGE_VERSION);
      status = VIGIL_EXIT_OK;
    }
  else if (g_strcmp0 (args[1], "--help") == 0 || g_strcmp0 (args[1], "-h") == 0 ||
           g_strcmp0 (args[1], "help") == 0)
    {
      print_help ();
      status = VIGIL_EXIT_OK;
    }
  else if (g_strcmp0 (args[1], "--demo") == 0 && argc == 2)
    status = run_demo (&context);
  else
    {
      const Command *command = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        if (g_strcmp0 (commands[i].name, args[1]) == 0)
          command = &commands[i];

      if (command == NULL)
        status = vigil_cli_usage_error (_("Unknown command “%s”"), args[1]);
      else
        {
          g_autofree char *prgname = g_strdup_printf ("vigil %s", command->name);

          g_set_prgname (prgname);
          /* The command sees its own name as argv[0]. */
          status = command->run (&context, argc - 1, args + 1);
        }
    }

  g_free (context.db_path);
  return status;
}
