/* vigil-bench-gen.c: writes a generated history for the import benchmark
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-bench-gen"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil-core.h"
#include "vigil-demo.h"

/* vigil-bench-gen --customers N --days D --format csv|jsonl --output FILE [--seed S]
 *                 [--role all|crm|product|support]
 *
 * One row per customer per day, day-major (every customer for the first
 * day, then the second day, ...), observed at 12:00 UTC on each day of
 * the D days that end yesterday, with the values of VigilDemo. CSV uses
 * the native field names as its header (design 2.1), RFC 4180 quoting and
 * an empty cell for unknown; JSON Lines holds one native record a line,
 * with null for unknown. Output is formatted by hand into a large buffer:
 * millions of rows must be written in seconds.
 *
 * --role writes what one of three systems knows of the same customers,
 * each record with keys that join it to the others (design 2.6), for
 * the accounts benchmark: the CRM (id CUSTOMER, name, plan, owner,
 * segment, MRR, seats, renewal; keys CUSTOMER.example and crm:CUSTOMER),
 * product analytics (id CUSTOMER-app, activity, calls, features; key
 * CUSTOMER.example) and support (id t-CUSTOMER, tickets, NPS; key
 * crm:CUSTOMER). `all`, the default, writes every field and no keys. */

#define SECONDS_PER_DAY G_GINT64_CONSTANT (86400)
#define OBSERVED_SECOND (12 * 3600)
#define OUT_BUFFER_SIZE (4 * 1024 * 1024)
/* Room that one field is always given before it is formatted. */
#define OUT_FIELD_RESERVE 64
#define DEFAULT_SEED 20261123

typedef enum
{
  FORMAT_CSV,
  FORMAT_JSON_LINES,
} OutputFormat;

typedef enum
{
  ROLE_ALL,
  ROLE_CRM,
  ROLE_PRODUCT,
  ROLE_SUPPORT,
} Role;

static const char * const role_names[] = { "all", "crm", "product", "support" };

/* The columns of the CSV header and the members of each JSON line. */
static const VigilField all_fields[] = {
  VIGIL_FIELD_ID,
  VIGIL_FIELD_NAME,
  VIGIL_FIELD_PLAN,
  VIGIL_FIELD_OWNER,
  VIGIL_FIELD_SEGMENT,
  VIGIL_FIELD_MRR,
  VIGIL_FIELD_SEATS,
  VIGIL_FIELD_SEATS_USED,
  VIGIL_FIELD_RENEWAL_DATE,
  VIGIL_FIELD_LAST_ACTIVE,
  VIGIL_FIELD_API_CALLS_7D,
  VIGIL_FIELD_FEATURES,
  VIGIL_FIELD_FEATURES_USED,
  VIGIL_FIELD_OPEN_TICKETS,
  VIGIL_FIELD_NPS,
  VIGIL_FIELD_OBSERVED_AT,
};

static const VigilField crm_fields[] = {
  VIGIL_FIELD_ID, VIGIL_FIELD_NAME, VIGIL_FIELD_PLAN, VIGIL_FIELD_OWNER, VIGIL_FIELD_SEGMENT,
  VIGIL_FIELD_MRR, VIGIL_FIELD_SEATS, VIGIL_FIELD_SEATS_USED, VIGIL_FIELD_RENEWAL_DATE,
  VIGIL_FIELD_KEYS, VIGIL_FIELD_OBSERVED_AT,
};

static const VigilField product_fields[] = {
  VIGIL_FIELD_ID, VIGIL_FIELD_LAST_ACTIVE, VIGIL_FIELD_API_CALLS_7D, VIGIL_FIELD_FEATURES,
  VIGIL_FIELD_FEATURES_USED, VIGIL_FIELD_KEYS, VIGIL_FIELD_OBSERVED_AT,
};

static const VigilField support_fields[] = {
  VIGIL_FIELD_ID, VIGIL_FIELD_OPEN_TICKETS, VIGIL_FIELD_NPS, VIGIL_FIELD_KEYS, VIGIL_FIELD_OBSERVED_AT,
};

/* What one row holds: the fields of a role, and the row's keys as a
 * JSON array (empty: none). */
typedef struct
{
  Role              role;
  const VigilField *fields;
  guint             n_fields;
} Layout;

static void
layout_init (Layout *layout,
             Role    role)
{
  layout->role = role;
  switch (role)
    {
    case ROLE_CRM:
      layout->fields = crm_fields;
      layout->n_fields = G_N_ELEMENTS (crm_fields);
      break;
    case ROLE_PRODUCT:
      layout->fields = product_fields;
      layout->n_fields = G_N_ELEMENTS (product_fields);
      break;
    case ROLE_SUPPORT:
      layout->fields = support_fields;
      layout->n_fields = G_N_ELEMENTS (support_fields);
      break;
    case ROLE_ALL:
    default:
      layout->fields = all_fields;
      layout->n_fields = G_N_ELEMENTS (all_fields);
      break;
    }
}

/* Text being written: to a file, flushed when full, or (without a
 * file) into memory that grows. */
typedef struct
{
  FILE     *file;
  char     *data;
  gsize     length;
  gsize     capacity;
  gboolean  failed;
  int       saved_errno;
} Output;

/* Output ----------------------------------------------------------------- */

static void
output_init (Output *out,
             FILE   *file,
             gsize   capacity)
{
  memset (out, 0, sizeof *out);
  out->file = file;
  out->capacity = capacity;
  out->data = g_malloc (capacity);
}

static void
output_flush (Output *out)
{
  g_assert (out->file != NULL);

  if (out->length > 0 && !out->failed &&
      fwrite (out->data, 1, out->length, out->file) != out->length)
    {
      out->failed = TRUE;
      out->saved_errno = errno;
    }
  out->length = 0;
}

/* Makes room for @size more bytes and returns where they go. */
static inline char *
output_reserve (Output *out,
                gsize   size)
{
  if (G_UNLIKELY (out->length + size > out->capacity))
    {
      if (out->file != NULL)
        output_flush (out);
      if (out->length + size > out->capacity)
        {
          out->capacity = MAX (out->capacity * 2, out->length + size);
          out->data = g_realloc (out->data, out->capacity);
        }
    }
  return out->data + out->length;
}

static inline void
output_append (Output     *out,
               const char *text,
               gsize       length)
{
  memcpy (output_reserve (out, length), text, length);
  out->length += length;
}

static inline void
output_c (Output *out,
          char    c)
{
  *output_reserve (out, 1) = c;
  out->length++;
}

static inline void
output_literal (Output     *out,
                const char *text)
{
  output_append (out, text, strlen (text));
}

static void
output_int (Output *out,
            gint64  value)
{
  char digits[24];
  char *p = digits + sizeof digits;
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    *--p = '-';

  output_append (out, p, (gsize) (digits + sizeof digits - p));
}

/* The shortest of %.15g and %.17g that reads back as @value, always in
 * the C locale's notation (the user's locale may use a decimal comma). */
static void
output_double (Output *out,
               double  value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_assert (isfinite (value));

  if (value == floor (value) && fabs (value) < 1e15)
    {
      output_int (out, (gint64) value);
      return;
    }

  g_ascii_formatd (text, sizeof text, "%.15g", value);
  if (g_ascii_strtod (text, NULL) != value)
    g_ascii_formatd (text, sizeof text, "%.17g", value);
  output_literal (out, text);
}

static void
output_date (Output *out,
             gint32  day)
{
  char *p = output_reserve (out, OUT_FIELD_RESERVE);
  int y, m, d;

  vigil_date_to_civil (day, &y, &m, &d);
  out->length += (gsize) g_snprintf (p, OUT_FIELD_RESERVE, "%04d-%02d-%02d", y, m, d);
}

/* YYYY-MM-DDTHH:MM:SSZ, as vigil_time_format() writes it. */
static void
output_time (Output *out,
             gint64  time)
{
  gint32 day = vigil_time_get_day (time);
  int rest = (int) (time - day * SECONDS_PER_DAY);
  char *p;

  output_date (out, day);
  p = output_reserve (out, 10);
  p[0] = 'T';
  p[1] = (char) ('0' + rest / 36000);
  p[2] = (char) ('0' + rest / 3600 % 10);
  p[3] = ':';
  p[4] = (char) ('0' + rest / 600 % 6);
  p[5] = (char) ('0' + rest / 60 % 10);
  p[6] = ':';
  p[7] = (char) ('0' + rest % 60 / 10);
  p[8] = (char) ('0' + rest % 10);
  p[9] = 'Z';
  out->length += 10;
}

/* A JSON string with the escapes RFC 8259 requires; UTF-8 passes as is. */
static void
output_json_string (Output     *out,
                    const char *text)
{
  const char *run = text;
  const char *p;

  output_c (out, '"');
  for (p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      output_append (out, run, (gsize) (p - run));
      run = p + 1;
      switch (c)
        {
        case '"': output_literal (out, "\\\""); break;
        case '\\': output_literal (out, "\\\\"); break;
        case '\n': output_literal (out, "\\n"); break;
        case '\r': output_literal (out, "\\r"); break;
        case '\t': output_literal (out, "\\t"); break;
        case '\b': output_literal (out, "\\b"); break;
        case '\f': output_literal (out, "\\f"); break;
        default:
          {
            char *e = output_reserve (out, OUT_FIELD_RESERVE);

            out->length += (gsize) g_snprintf (e, OUT_FIELD_RESERVE, "\\u%04x", c);
          }
          break;
        }
    }
  output_append (out, run, (gsize) (p - run));
  output_c (out, '"');
}

/* One CSV cell (RFC 4180): quoted only when it holds a comma, a quote or
 * a line break, with its quotes doubled. */
static void
output_csv_cell (Output     *out,
                 const char *text,
                 gsize       length)
{
  const char *end = text + length;
  const char *run = text;

  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      output_append (out, text, length);
      return;
    }

  output_c (out, '"');
  for (const char *p = text; p < end; p++)
    if (*p == '"')
      {
        output_append (out, run, (gsize) (p + 1 - run));
        run = p;
      }
  output_append (out, run, (gsize) (end - run));
  output_c (out, '"');
}

/* Features as the JSON object of design 2.1 (name → calls), or an array
 * of names when no count is known for any of them; into @json, which
 * has no file. */
static void
format_features (Output              *json,
                 const VigilSnapshot *snapshot)
{
  gboolean counted = FALSE;

  json->length = 0;
  for (guint i = 0; i < snapshot->features->len; i++)
    if (g_array_index (snapshot->features, VigilFeatureUsage, i).calls != VIGIL_FEATURE_USED_NO_COUNT)
      counted = TRUE;

  output_c (json, counted ? '{' : '[');
  for (guint i = 0; i < snapshot->features->len; i++)
    {
      const VigilFeatureUsage *usage = &g_array_index (snapshot->features, VigilFeatureUsage, i);

      if (i > 0)
        output_c (json, ',');
      output_json_string (json, usage->name);
      if (counted)
        {
          /* A name without a count among counted ones is in use. */
          output_c (json, ':');
          output_int (json, usage->calls == VIGIL_FEATURE_USED_NO_COUNT ? 1 : usage->calls);
        }
    }
  output_c (json, counted ? '}' : ']');
  /* A C string too, for output_csv_cell(). */
  *output_reserve (json, 1) = '\0';
}

/* Rows ------------------------------------------------------------------- */

static const char *
snapshot_string (const VigilSnapshot *snapshot,
                 VigilField           field)
{
  switch (field)
    {
    case VIGIL_FIELD_ID: return snapshot->customer_id;
    case VIGIL_FIELD_NAME: return snapshot->name;
    case VIGIL_FIELD_PLAN: return snapshot->plan;
    case VIGIL_FIELD_OWNER: return snapshot->owner;
    case VIGIL_FIELD_SEGMENT: return snapshot->segment;
    default: return NULL;
    }
}

static gint64
snapshot_count (const VigilSnapshot *snapshot,
                VigilField           field)
{
  switch (field)
    {
    case VIGIL_FIELD_SEATS: return snapshot->seats;
    case VIGIL_FIELD_SEATS_USED: return snapshot->seats_used;
    case VIGIL_FIELD_API_CALLS_7D: return snapshot->api_calls_7d;
    case VIGIL_FIELD_FEATURES_USED: return snapshot->features_used;
    case VIGIL_FIELD_OPEN_TICKETS: return snapshot->open_tickets;
    case VIGIL_FIELD_NPS: return snapshot->nps;
    case VIGIL_FIELD_LAST_ACTIVE: return snapshot->last_active;
    case VIGIL_FIELD_OBSERVED_AT: return snapshot->observed_at;
    default: return VIGIL_UNKNOWN;
    }
}

static gboolean
is_known (const VigilSnapshot *snapshot,
          VigilField           field)
{
  switch (field)
    {
    case VIGIL_FIELD_ID:
    case VIGIL_FIELD_NAME:
    case VIGIL_FIELD_PLAN:
    case VIGIL_FIELD_OWNER:
    case VIGIL_FIELD_SEGMENT:
      return snapshot_string (snapshot, field) != NULL;
    case VIGIL_FIELD_MRR:
      return !isnan (snapshot->mrr);
    case VIGIL_FIELD_RENEWAL_DATE:
      return snapshot->renewal_day != VIGIL_UNKNOWN_DAY;
    case VIGIL_FIELD_FEATURES:
      return snapshot->features != NULL;
    case VIGIL_FIELD_NONE:
    case VIGIL_N_FIELDS:
    default:
      return snapshot_count (snapshot, field) != VIGIL_UNKNOWN;
    }
}

/* Writes the value of a known @field, strings as they are. */
static void
output_value (Output              *out,
              const VigilSnapshot *snapshot,
              VigilField           field)
{
  switch (field)
    {
    case VIGIL_FIELD_MRR:
      output_double (out, snapshot->mrr);
      break;
    case VIGIL_FIELD_RENEWAL_DATE:
      output_date (out, snapshot->renewal_day);
      break;
    case VIGIL_FIELD_LAST_ACTIVE:
    case VIGIL_FIELD_OBSERVED_AT:
      output_time (out, snapshot_count (snapshot, field));
      break;
    default:
      output_int (out, snapshot_count (snapshot, field));
      break;
    }
}

/* The id of the customer's record in @layout's system, and its keys as
 * a JSON array, into @id and @keys (outputs without a file, kept as C
 * strings). */
static void
format_record (const Layout *layout,
               const char   *customer,
               Output       *id,
               Output       *keys)
{
  id->length = 0;
  keys->length = 0;
  switch (layout->role)
    {
    case ROLE_PRODUCT:
      output_literal (id, customer);
      output_literal (id, "-app");
      output_literal (keys, "[\"");
      output_literal (keys, customer);
      output_literal (keys, ".example\"]");
      break;
    case ROLE_SUPPORT:
      output_literal (id, "t-");
      output_literal (id, customer);
      output_literal (keys, "[\"crm:");
      output_literal (keys, customer);
      output_literal (keys, "\"]");
      break;
    case ROLE_CRM:
      output_literal (id, customer);
      output_literal (keys, "[\"");
      output_literal (keys, customer);
      output_literal (keys, ".example\",\"crm:");
      output_literal (keys, customer);
      output_literal (keys, "\"]");
      break;
    case ROLE_ALL:
    default:
      output_literal (id, customer);
      break;
    }
  *output_reserve (id, 1) = '\0';
  *output_reserve (keys, 1) = '\0';
}

static void
write_csv_header (Output       *out,
                  const Layout *layout)
{
  for (guint i = 0; i < layout->n_fields; i++)
    {
      if (i > 0)
        output_c (out, ',');
      output_literal (out, vigil_field_get_name (layout->fields[i]));
    }
  output_literal (out, "\r\n");
}

static void
write_csv_row (Output              *out,
               const Layout        *layout,
               const VigilSnapshot *snapshot,
               const Output        *id,
               const Output        *keys,
               Output              *features)
{
  for (guint i = 0; i < layout->n_fields; i++)
    {
      VigilField field = layout->fields[i];
      const char *text;

      if (i > 0)
        output_c (out, ',');
      if (field == VIGIL_FIELD_ID)
        output_csv_cell (out, id->data, id->length);
      else if (field == VIGIL_FIELD_KEYS)
        output_csv_cell (out, keys->data, keys->length);
      else if (!is_known (snapshot, field))
        continue;
      else if ((text = snapshot_string (snapshot, field)) != NULL)
        output_csv_cell (out, text, strlen (text));
      else if (field == VIGIL_FIELD_FEATURES)
        {
          format_features (features, snapshot);
          output_csv_cell (out, features->data, features->length);
        }
      else
        output_value (out, snapshot, field);
    }
  output_literal (out, "\r\n");
}

static void
write_json_line (Output              *out,
                 const Layout        *layout,
                 const VigilSnapshot *snapshot,
                 const Output        *id,
                 const Output        *keys,
                 Output              *features)
{
  output_c (out, '{');
  for (guint i = 0; i < layout->n_fields; i++)
    {
      VigilField field = layout->fields[i];
      const char *text;
      gboolean quoted = field == VIGIL_FIELD_RENEWAL_DATE ||
                        field == VIGIL_FIELD_LAST_ACTIVE ||
                        field == VIGIL_FIELD_OBSERVED_AT;

      if (i > 0)
        output_c (out, ',');
      output_c (out, '"');
      output_literal (out, vigil_field_get_name (field));
      output_literal (out, "\":");

      if (field == VIGIL_FIELD_ID)
        output_json_string (out, id->data);
      else if (field == VIGIL_FIELD_KEYS)
        output_append (out, keys->data, keys->length);
      else if (!is_known (snapshot, field))
        output_literal (out, "null");
      else if ((text = snapshot_string (snapshot, field)) != NULL)
        output_json_string (out, text);
      else if (field == VIGIL_FIELD_FEATURES)
        {
          format_features (features, snapshot);
          output_append (out, features->data, features->length);
        }
      else
        {
          if (quoted)
            output_c (out, '"');
          output_value (out, snapshot, field);
          if (quoted)
            output_c (out, '"');
        }
    }
  output_literal (out, "}\n");
}

/* Main ------------------------------------------------------------------- */

static gboolean
parse_format (const char   *text,
              OutputFormat *out_format)
{
  if (g_strcmp0 (text, "csv") == 0)
    *out_format = FORMAT_CSV;
  else if (g_strcmp0 (text, "jsonl") == 0)
    *out_format = FORMAT_JSON_LINES;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_role (const char *text,
            Role       *out_role)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_strcmp0 (text, role_names[i]) == 0)
      {
        *out_role = (Role) i;
        return TRUE;
      }
  return FALSE;
}

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("vigil-bench-gen: %s\n\n%s", message, help);
  return 2;
}

int
main (int   argc,
      char *argv[])
{
  gint64 n_customers = 10000;
  gint64 n_days = 365;
  gint64 seed = DEFAULT_SEED;
  g_autofree char *format_text = NULL;
  g_autofree char *output_path = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *role_text = NULL;
  GOptionEntry entries[] = {
    { "customers", 'c', 0, G_OPTION_ARG_INT64, &n_customers, "Customers (default 10000)", "N" },
    { "days", 'd', 0, G_OPTION_ARG_INT64, &n_days, "Days of history (default 365)", "D" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_text, "csv or jsonl", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path, "The file to write (- for stdout)", "FILE" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the generated portfolio", "N" },
    { "end", 'e', 0, G_OPTION_ARG_STRING, &end_text,
      "The last day, YYYY-MM-DD (default: yesterday, UTC)", "DATE" },
    { "role", 'r', 0, G_OPTION_ARG_STRING, &role_text,
      "What one system knows, with keys: all (default), crm, product or support", "ROLE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilDemo) demo = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  VigilSnapshot snapshot = { 0, };
  OutputFormat format;
  FILE *file;
  Output out;
  Output features;
  Output id;
  Output keys;
  Layout layout;
  Role role = ROLE_ALL;
  gint32 last_day;
  gint32 first_day;
  guint64 n_rows = 0;

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- write a generated usage history for the import benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc > 1)
    return usage_error (context, "unexpected arguments");
  if (format_text == NULL || !parse_format (format_text, &format))
    return usage_error (context, "--format must be csv or jsonl");
  if (output_path == NULL)
    return usage_error (context, "--output FILE is required");
  if (n_customers < 1 || n_customers > G_MAXINT32)
    return usage_error (context, "--customers must be at least 1");
  if (n_days < 1 || n_days > 100000)
    return usage_error (context, "--days must be between 1 and 100000");
  if (seed < 0)
    return usage_error (context, "--seed must not be negative");
  if (role_text != NULL && !parse_role (role_text, &role))
    return usage_error (context, "--role must be all, crm, product or support");
  layout_init (&layout, role);

  if (end_text != NULL)
    {
      if (!vigil_date_parse (end_text, &last_day))
        return usage_error (context, "--end must be a date, YYYY-MM-DD");
    }
  else
    last_day = vigil_time_get_day (g_get_real_time () / G_USEC_PER_SEC) - 1;
  first_day = last_day - (gint32) n_days + 1;

  if (g_strcmp0 (output_path, "-") == 0)
    file = stdout;
  else if (!(file = fopen (output_path, "wb")))
    {
      int saved_errno = errno;

      g_printerr ("vigil-bench-gen: cannot write %s: %s\n", output_path, g_strerror (saved_errno));
      return 1;
    }
  output_init (&out, file, OUT_BUFFER_SIZE);
  output_init (&features, NULL, 1024);
  output_init (&id, NULL, 256);
  output_init (&keys, NULL, 256);

  demo = vigil_demo_new ((guint64) seed, (guint) n_customers);
  snapshot.mrr = NAN;

  if (format == FORMAT_CSV)
    write_csv_header (&out, &layout);

  for (gint32 day = first_day; day <= last_day && !out.failed; day++)
    {
      gint64 observed_at = (gint64) day * SECONDS_PER_DAY + OBSERVED_SECOND;

      for (guint index = 0; index < (guint) n_customers; index++)
        {
          vigil_demo_fill_snapshot (demo, index, observed_at, &snapshot);
          format_record (&layout, snapshot.customer_id, &id, &keys);
          if (format == FORMAT_CSV)
            write_csv_row (&out, &layout, &snapshot, &id, &keys, &features);
          else
            write_json_line (&out, &layout, &snapshot, &id, &keys, &features);
          n_rows++;
        }
    }

  output_flush (&out);
  vigil_snapshot_clear (&snapshot);
  g_free (out.data);
  g_free (features.data);
  g_free (id.data);
  g_free (keys.data);
  if ((file == stdout ? fflush (file) : fclose (file)) != 0 && !out.failed)
    {
      out.failed = TRUE;
      out.saved_errno = errno;
    }

  if (out.failed)
    {
      g_printerr ("vigil-bench-gen: writing %s failed: %s\n", output_path,
                  g_strerror (out.saved_errno));
      return 1;
    }

  {
    g_autofree char *first = vigil_date_format (first_day);
    g_autofree char *last = vigil_date_format (last_day);

    g_printerr ("vigil-bench-gen: %" G_GUINT64_FORMAT " rows (%" G_GINT64_FORMAT
                " customers × %" G_GINT64_FORMAT " days, %s .. %s, seed %" G_GINT64_FORMAT
                ") written to %s in %.1f s\n",
                n_rows, n_customers, n_days, first, last, seed, output_path,
                g_timer_elapsed (timer, NULL));
  }

  return 0;
}
