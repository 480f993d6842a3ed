/* vigil-field-rule.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-field-rule"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-field-rule.h"
#include "vigil-mapping.h"
#include "vigil-snapshot-private.h"
#include "vigil-time.h"

/* A field of a mapping in its object form (design 2.2): where the value
 * is, and what is done to it on the way into the snapshot (a time
 * format, a scale, lower-casing, a sum over an array, a billing interval
 * brought to a month). Pages and detail answers read as text, JSON read
 * as a tree and CSV cells all hand this module the same raw values, so
 * a rule reads the same whatever carried it.
 *
 * A value a rule cannot read follows the bad-value policy (design 2.3):
 * the field is stored as unknown, counted, and the record keeps the
 * first such problem in words, naming the field, where the value was and
 * the value itself. A value that is missing or null leaves the field
 * unknown without a word: that is what "unknown" means. */

/* Latest time a field may hold: 9999-12-31T23:59:59Z, as in 2.1. */
#define MAX_TIME G_GINT64_CONSTANT (253402300799)
/* How much of a value a message quotes. */
#define MAX_QUOTED_CHARS 64
/* A count of billing intervals beyond this is no plan anyone sells. */
#define MAX_INTERVAL_COUNT 1000

typedef enum
{
  CLASS_TEXT,
  CLASS_KEYS,
  CLASS_FEATURES,
  CLASS_NUMBER,
  CLASS_TIME,
  CLASS_DATE,
} FieldClass;

static FieldClass
field_class (VigilField field)
{
  switch (field)
    {
    case VIGIL_FIELD_KEYS: return CLASS_KEYS;
    case VIGIL_FIELD_FEATURES: return CLASS_FEATURES;
    case VIGIL_FIELD_MRR:
    case VIGIL_FIELD_SEATS:
    case VIGIL_FIELD_SEATS_USED:
    case VIGIL_FIELD_API_CALLS_7D:
    case VIGIL_FIELD_FEATURES_USED:
    case VIGIL_FIELD_OPEN_TICKETS:
    case VIGIL_FIELD_NPS: return CLASS_NUMBER;
    case VIGIL_FIELD_LAST_ACTIVE:
    case VIGIL_FIELD_OBSERVED_AT: return CLASS_TIME;
    case VIGIL_FIELD_RENEWAL_DATE: return CLASS_DATE;
    case VIGIL_FIELD_ID:
    case VIGIL_FIELD_NAME:
    case VIGIL_FIELD_PLAN:
    case VIGIL_FIELD_OWNER:
    case VIGIL_FIELD_SEGMENT:
    case VIGIL_FIELD_NONE:
    case VIGIL_N_FIELDS:
    default: return CLASS_TEXT;
    }
}

/* Reading a rule ----------------------------------------------------------- */

void
_vigil_field_rule_free (VigilFieldRule *rule)
{
  if (rule == NULL)
    return;

  g_free (rule->source);
  g_free (rule->of);
  g_free (rule->times);
  g_free (rule->per_interval);
  g_free (rule->per_count);
  g_free (rule->time_format);
  g_free (rule);
}

static gboolean
rule_error (GError     **error,
            const char  *where,
            const char  *member,
            const char  *message)
{
  g_autofree char *path = member != NULL ? g_strdup_printf ("%s.%s", where, member) : g_strdup (where);

  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("Mapping: %s: %s"), path, message);
  return FALSE;
}

/* A pointer (JSON) or a column name (CSV), as the rule's syntax wants. */
static gboolean
read_location (VigilFieldRule  *rule,
               JsonNode        *node,
               const char      *where,
               const char      *member,
               char           **out,
               GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return rule_error (error, where, member, rule->syntax == VIGIL_RULE_CSV
                       ? _("must be a column name") : _("must be a JSON Pointer string"));
  text = json_node_get_string (node);

  if (rule->syntax == VIGIL_RULE_JSON)
    {
      if (!vigil_json_pointer_validate (text, &local_error))
        return rule_error (error, where, member, local_error->message);
      *out = g_strdup (text);
      return TRUE;
    }

  /* Compared with the header's names trimmed, as those are. */
  *out = g_strstrip (g_strdup (text));
  if (**out == '\0')
    return rule_error (error, where, member, _("must name a column"));
  return TRUE;
}

static gboolean
read_per (VigilFieldRule  *rule,
          JsonNode        *node,
          const char      *where,
          GError         **error)
{
  g_autofree char *path = g_strdup_printf ("%s.per", where);
  JsonObjectIter iter;
  const char *name;
  JsonNode *count;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return rule_error (error, path, NULL, _("must be an object with “interval” (and “count”)"));
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, NULL))
    if (g_strcmp0 (name, "interval") != 0 && g_strcmp0 (name, "count") != 0)
      return rule_error (error, path, name, _("unknown member"));

  if (!read_location (rule, json_object_get_member (json_node_get_object (node), "interval"), path,
                      "interval", &rule->per_interval, error))
    return FALSE;
  count = json_object_get_member (json_node_get_object (node), "count");
  return count == NULL || read_location (rule, count, path, "count", &rule->per_count, error);
}

static gboolean
read_time_form (VigilFieldRule  *rule,
                JsonNode        *node,
                const char      *where,
                GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *text;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return rule_error (error, where, "time", _("must be epoch-s, epoch-ms, iso8601 or a format "
                                               "such as “%d/%m/%Y %H:%M”"));
  text = json_node_get_string (node);
  if (g_str_equal (text, "epoch-s"))
    rule->time = VIGIL_TIME_EPOCH_S;
  else if (g_str_equal (text, "epoch-ms"))
    rule->time = VIGIL_TIME_EPOCH_MS;
  else if (g_str_equal (text, "iso8601"))
    rule->time = VIGIL_TIME_ISO8601;
  else if (strchr (text, '%') != NULL)
    {
      if (!vigil_time_format_check (text, &local_error))
        return rule_error (error, where, "time", local_error->message);
      rule->time = VIGIL_TIME_FORMAT;
      rule->time_format = g_strdup (text);
    }
  else
    return rule_error (error, where, "time", _("must be epoch-s, epoch-ms, iso8601 or a format "
                                               "such as “%d/%m/%Y %H:%M”"));
  return TRUE;
}

/* Which transforms a field's kind takes: a misplaced one is an error,
 * not a member quietly ignored. */
static gboolean
check_applies (const VigilFieldRule  *rule,
               JsonObject            *object,
               const char            *where,
               GError               **error)
{
  FieldClass class = field_class (rule->field);
  const char *name = vigil_field_get_name (rule->field);
  g_autofree char *message = NULL;

  if (json_object_has_member (object, "scale") && class != CLASS_NUMBER)
    message = g_strdup_printf (_("scale applies to numbers (mrr, seats, seats_used, api_calls_7d, "
                                 "features_used, open_tickets, nps), not to %s"), name);
  else if (json_object_has_member (object, "sum") && class != CLASS_NUMBER)
    message = g_strdup_printf (_("sum applies to numbers (mrr, seats, seats_used, api_calls_7d, "
                                 "features_used, open_tickets, nps), not to %s"), name);
  else if (json_object_has_member (object, "per") && rule->field != VIGIL_FIELD_MRR)
    message = g_strdup_printf (_("per brings an amount to a month: it applies to mrr, not to %s"), name);
  else if (json_object_has_member (object, "time") && class != CLASS_TIME && class != CLASS_DATE)
    message = g_strdup_printf (_("time applies to last_active, observed_at and renewal_date, not to %s"),
                               name);
  else if (json_object_has_member (object, "lower") && class != CLASS_TEXT && class != CLASS_KEYS)
    message = g_strdup_printf (_("lower applies to text (id, keys, name, plan, owner, segment), "
                                 "not to %s"), name);
  if (message == NULL)
    return TRUE;
  return rule_error (error, where, NULL, message);
}

static gboolean
check_members (const VigilFieldRule  *rule,
               JsonObject            *object,
               const char            *where,
               GError               **error)
{
  static const char * const json_members[] = {
    "pointer", "sum", "of", "times", "per", "scale", "time", "lower", NULL
  };
  static const char * const csv_members[] = { "column", "per", "scale", "time", "lower", NULL };
  JsonObjectIter iter;
  const char *name;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, NULL))
    {
      if (rule->syntax == VIGIL_RULE_JSON && !g_strv_contains (json_members, name))
        return rule_error (error, where, name, g_str_equal (name, "column")
                           ? _("a column names a CSV file's column: in JSON, use “pointer”")
                           : _("unknown member"));
      if (rule->syntax == VIGIL_RULE_CSV && !g_strv_contains (csv_members, name))
        {
          if (g_str_equal (name, "pointer"))
            return rule_error (error, where, name, _("a CSV mapping names columns: use “column”"));
          if (g_str_equal (name, "sum") || g_str_equal (name, "of") || g_str_equal (name, "times"))
            return rule_error (error, where, name, _("a sum adds up an array of a JSON record: "
                                                     "a CSV cell holds none"));
          return rule_error (error, where, name, _("unknown member"));
        }
    }
  return TRUE;
}

static gboolean
read_source (VigilFieldRule  *rule,
             JsonObject      *object,
             const char      *where,
             GError         **error)
{
  JsonNode *pointer = json_object_get_member (object, "pointer");
  JsonNode *sum = json_object_get_member (object, "sum");

  if (rule->syntax == VIGIL_RULE_CSV)
    {
      if (!json_object_has_member (object, "column"))
        return rule_error (error, where, "column", _("missing"));
      return read_location (rule, json_object_get_member (object, "column"), where, "column",
                            &rule->source, error);
    }

  if ((pointer == NULL) == (sum == NULL))
    return rule_error (error, where, NULL, _("needs either “pointer” or “sum”"));
  if (pointer != NULL)
    {
      if (json_object_has_member (object, "of") || json_object_has_member (object, "times"))
        return rule_error (error, where, json_object_has_member (object, "of") ? "of" : "times",
                           _("goes with “sum”"));
      return read_location (rule, pointer, where, "pointer", &rule->source, error);
    }

  rule->is_sum = TRUE;
  if (!json_object_has_member (object, "of"))
    return rule_error (error, where, "of", _("missing: where, in each element, the amount is"));
  return read_location (rule, sum, where, "sum", &rule->source, error) &&
         read_location (rule, json_object_get_member (object, "of"), where, "of", &rule->of, error) &&
         (!json_object_has_member (object, "times") ||
          read_location (rule, json_object_get_member (object, "times"), where, "times",
                         &rule->times, error));
}

static gboolean
read_object (VigilFieldRule  *rule,
             JsonObject      *object,
             const char      *where,
             GError         **error)
{
  JsonNode *node;

  if (!check_members (rule, object, where, error) || !check_applies (rule, object, where, error) ||
      !read_source (rule, object, where, error))
    return FALSE;

  if ((node = json_object_get_member (object, "scale")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) ||
          (json_node_get_value_type (node) != G_TYPE_INT64 &&
           json_node_get_value_type (node) != G_TYPE_DOUBLE) ||
          !isfinite (json_node_get_double (node)) || json_node_get_double (node) <= 0)
        return rule_error (error, where, "scale", _("must be a number greater than 0"));
      rule->scale = json_node_get_double (node);
      rule->has_scale = TRUE;
    }
  if ((node = json_object_get_member (object, "time")) != NULL &&
      !read_time_form (rule, node, where, error))
    return FALSE;
  if ((node = json_object_get_member (object, "lower")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return rule_error (error, where, "lower", _("must be true or false"));
      rule->lower = json_node_get_boolean (node);
    }
  if ((node = json_object_get_member (object, "per")) != NULL && !read_per (rule, node, where, error))
    return FALSE;
  return TRUE;
}

/**
 * _vigil_field_rule_parse:
 * @field: the native field the rule is for
 * @node: the member's value: a pointer (or column name), or an object
 * @where: the member, for errors ("fields.mrr")
 * @syntax: whether the rule names JSON Pointers or CSV columns
 * @decimal: how the mapping writes decimals in text ('.' or ',')
 *
 * Returns: (transfer full): the rule, or %NULL with @error naming the
 *   member at fault
 */
VigilFieldRule *
_vigil_field_rule_parse (VigilField        field,
                         JsonNode         *node,
                         const char       *where,
                         VigilRuleSyntax   syntax,
                         char              decimal,
                         GError          **error)
{
  g_autoptr(VigilFieldRule) rule = g_new0 (VigilFieldRule, 1);

  g_return_val_if_fail (field > VIGIL_FIELD_NONE && field < VIGIL_N_FIELDS, NULL);
  g_return_val_if_fail (node != NULL, NULL);

  rule->field = field;
  rule->syntax = syntax;
  rule->scale = 1;
  rule->decimal = decimal;
  /* JSON has numbers of its own: a number in a string is written as
   * JSON writes one. A spreadsheet groups thousands. */
  rule->grouping = syntax == VIGIL_RULE_CSV;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      rule->plain = TRUE;
      if (!read_location (rule, node, where, NULL, &rule->source, error))
        return NULL;
      return g_steal_pointer (&rule);
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      rule_error (error, where, NULL, syntax == VIGIL_RULE_CSV
                  ? _("must be a column name or an object with “column”")
                  : _("must be a JSON Pointer string or an object with “pointer” or “sum”"));
      return NULL;
    }
  if (!read_object (rule, json_node_get_object (node), where, error))
    return NULL;
  return g_steal_pointer (&rule);
}

static const char *
time_form_name (const VigilFieldRule *rule)
{
  switch (rule->time)
    {
    case VIGIL_TIME_EPOCH_S: return "epoch-s";
    case VIGIL_TIME_EPOCH_MS: return "epoch-ms";
    case VIGIL_TIME_ISO8601: return "iso8601";
    case VIGIL_TIME_FORMAT: return rule->time_format;
    case VIGIL_TIME_AS_GIVEN:
    default: return NULL;
    }
}

/**
 * _vigil_field_rule_to_json:
 *
 * Adds @rule as the value of the member being built, in the form
 * _vigil_field_rule_parse() reads back to the same rule.
 */
void
_vigil_field_rule_to_json (const VigilFieldRule *rule,
                           JsonBuilder          *builder)
{
  const char *location = rule->syntax == VIGIL_RULE_CSV ? "column" : "pointer";

  if (rule->plain)
    {
      json_builder_add_string_value (builder, rule->source);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, rule->is_sum ? "sum" : location);
  json_builder_add_string_value (builder, rule->source);
  if (rule->is_sum)
    {
      json_builder_set_member_name (builder, "of");
      json_builder_add_string_value (builder, rule->of);
      if (rule->times != NULL)
        {
          json_builder_set_member_name (builder, "times");
          json_builder_add_string_value (builder, rule->times);
        }
    }
  if (rule->per_interval != NULL)
    {
      json_builder_set_member_name (builder, "per");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "interval");
      json_builder_add_string_value (builder, rule->per_interval);
      if (rule->per_count != NULL)
        {
          json_builder_set_member_name (builder, "count");
          json_builder_add_string_value (builder, rule->per_count);
        }
      json_builder_end_object (builder);
    }
  if (rule->has_scale)
    {
      json_builder_set_member_name (builder, "scale");
      json_builder_add_double_value (builder, rule->scale);
    }
  if (rule->time != VIGIL_TIME_AS_GIVEN)
    {
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, time_form_name (rule));
    }
  if (rule->lower)
    {
      json_builder_set_member_name (builder, "lower");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);
}

/* Raw values --------------------------------------------------------------- */

/**
 * _vigil_raw_value_clear:
 *
 * Makes @raw a value not found, keeping its buffer for the next one.
 */
void
_vigil_raw_value_clear (VigilRawValue *raw)
{
  raw->kind = VIGIL_RAW_MISSING;
  raw->number = 0;
  if (raw->text != NULL)
    g_string_truncate (raw->text, 0);
}

void
_vigil_raw_value_free_text (VigilRawValue *raw)
{
  if (raw->text != NULL)
    g_string_free (g_steal_pointer (&raw->text), TRUE);
  raw->kind = VIGIL_RAW_MISSING;
}

static void
raw_set (VigilRawValue *raw,
         VigilRawKind   kind,
         const char    *text,
         gssize         length)
{
  raw->kind = kind;
  if (raw->text == NULL)
    raw->text = g_string_new (NULL);
  g_string_truncate (raw->text, 0);
  if (text != NULL)
    g_string_append_len (raw->text, text, length);
}

/**
 * _vigil_raw_value_set_node:
 * @node: (nullable): what a pointer found in a tree, %NULL for nothing
 */
void
_vigil_raw_value_set_node (VigilRawValue *raw,
                           JsonNode      *node)
{
  GType type;

  _vigil_raw_value_clear (raw);
  if (node == NULL)
    return;
  if (JSON_NODE_HOLDS_NULL (node))
    raw->kind = VIGIL_RAW_NULL;
  else if (JSON_NODE_HOLDS_OBJECT (node))
    raw->kind = VIGIL_RAW_OBJECT;
  else if (JSON_NODE_HOLDS_ARRAY (node))
    raw->kind = VIGIL_RAW_ARRAY;
  else if ((type = json_node_get_value_type (node)) == G_TYPE_STRING)
    raw_set (raw, VIGIL_RAW_STRING, json_node_get_string (node), -1);
  else if (type == G_TYPE_BOOLEAN)
    raw_set (raw, VIGIL_RAW_BOOLEAN, json_node_get_boolean (node) ? "true" : "false", -1);
  else if (type == G_TYPE_INT64)
    {
      char text[32];

      g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, json_node_get_int (node));
      raw_set (raw, VIGIL_RAW_NUMBER, text, -1);
      raw->number = (double) json_node_get_int (node);
    }
  else
    {
      char text[G_ASCII_DTOSTR_BUF_SIZE];

      raw->number = json_node_get_double (node);
      raw_set (raw, VIGIL_RAW_NUMBER, g_ascii_dtostr (text, sizeof text, raw->number), -1);
    }
}

/**
 * _vigil_raw_value_set_cell:
 * @cell: a CSV cell's text
 *
 * An empty cell, white space or `null` is no value, as in 2.1.
 */
void
_vigil_raw_value_set_cell (VigilRawValue *raw,
                           const char    *cell)
{
  _vigil_raw_value_clear (raw);
  if (_vigil_text_is_null (cell))
    raw->kind = VIGIL_RAW_NULL;
  else
    raw_set (raw, VIGIL_RAW_STRING, cell, -1);
}

/**
 * _vigil_raw_value_read:
 * @c: at a value in JSON text
 * @depth: how many arrays and objects are open around it
 *
 * Reads the value at @c, checking every byte, into @raw: a scalar as
 * written, an object or an array only as such. A member given twice
 * keeps its last value, as in a tree.
 *
 * Returns: %FALSE with @c's error set when the text is not JSON
 */
gboolean
_vigil_raw_value_read (VigilRawValue   *raw,
                       VigilJsonCursor *c,
                       guint            depth)
{
  const char *begin;
  gboolean integer;

  _vigil_raw_value_clear (raw);
  _vigil_json_cursor_skip_space (c);
  if (c->p >= c->end)
    return _vigil_json_cursor_fail (c, _("unexpected end of data"));
  begin = c->p;

  switch (*c->p)
    {
    case '"':
      raw_set (raw, VIGIL_RAW_STRING, NULL, 0);
      return _vigil_json_cursor_read_string (c, raw->text);

    case 'n':
      raw->kind = VIGIL_RAW_NULL;
      return _vigil_json_cursor_read_literal (c);

    case 't':
    case 'f':
      if (!_vigil_json_cursor_read_literal (c))
        return FALSE;
      raw_set (raw, VIGIL_RAW_BOOLEAN, begin, c->p - begin);
      return TRUE;

    case '{':
    case '[':
      raw->kind = *c->p == '{' ? VIGIL_RAW_OBJECT : VIGIL_RAW_ARRAY;
      return _vigil_json_cursor_skip_value (c, depth);

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      if (!_vigil_json_cursor_read_number (c, &raw->number, &integer))
        return FALSE;
      raw_set (raw, VIGIL_RAW_NUMBER, begin, c->p - begin);
      return TRUE;

    default:
      /* Not JSON: the shared reader says why. */
      return _vigil_json_cursor_skip_value (c, depth);
    }
}

static gboolean
is_known (const VigilRawValue *raw)
{
  return raw != NULL && raw->kind != VIGIL_RAW_MISSING && raw->kind != VIGIL_RAW_NULL;
}

/* Numbers in text ---------------------------------------------------------- */

/* The length of a thousands separator at @p, 0 if there is none: the
 * one that is not the decimal mark, and in either style a space, a
 * no-break space (U+00A0), a narrow no-break space (U+202F) or an
 * apostrophe (Swiss style). */
static gsize
group_separator_length (const char *p,
                        char        decimal)
{
  if (*p == (decimal == ',' ? '.' : ',') || *p == ' ' || *p == '\'')
    return 1;
  if ((guchar) p[0] == 0xC2 && (guchar) p[1] == 0xA0)
    return 2;
  if ((guchar) p[0] == 0xE2 && (guchar) p[1] == 0x80 && (guchar) p[2] == 0xAF)
    return 3;
  return 0;
}

/**
 * _vigil_number_from_text:
 * @text: a number written as text
 * @decimal: the decimal mark, '.' or ','
 * @grouping: whether thousands may be grouped
 *
 * Reads @text, trimmed: an optional sign, digits, the decimal mark and
 * digits, and (without grouping) an exponent. Grouped, the digits before
 * the mark come in groups of three after the first (1 to 3), split by one
 * separator used throughout (group_separator_length()): with ',' as the
 * mark, `1.234,56`, `1 234,56` and `1234,56` are 1234.56; with '.',
 * `1,234.56`. A group of other than three digits (`1.23` with ',') is
 * no number: a mark misread would be a factor of a thousand.
 *
 * Returns: %TRUE with the number in @out if @text is one
 */
gboolean
_vigil_number_from_text (const char *text,
                         char        decimal,
                         gboolean    grouping,
                         double     *out)
{
  g_autoptr(GString) plain = g_string_new (NULL);
  const char *p = text;
  const char *separator = NULL;
  gsize separator_length = 0;
  int group_digits = 0;
  int digits = 0;
  double value;

  while (g_ascii_isspace (*p))
    p++;
  if (*p == '-' || *p == '+')
    g_string_append_c (plain, *p++);

  for (;;)
    {
      gsize length;

      if (g_ascii_isdigit (*p))
        {
          g_string_append_c (plain, *p++);
          group_digits++;
          digits++;
          continue;
        }
      length = grouping ? group_separator_length (p, decimal) : 0;
      if (length == 0 || !g_ascii_isdigit (p[length]))
        break;
      if (separator == NULL ? (group_digits < 1 || group_digits > 3)
                            : (length != separator_length || memcmp (p, separator, length) != 0 ||
                               group_digits != 3))
        return FALSE;
      separator = p;
      separator_length = length;
      group_digits = 0;
      p += length;
    }
  if (digits == 0 || (separator != NULL && group_digits != 3))
    return FALSE;

  if (*p == decimal)
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      g_string_append_c (plain, '.');
      while (g_ascii_isdigit (*p))
        g_string_append_c (plain, *p++);
    }
  if ((*p == 'e' || *p == 'E') && separator == NULL)
    {
      g_string_append_c (plain, *p++);
      if (*p == '-' || *p == '+')
        g_string_append_c (plain, *p++);
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        g_string_append_c (plain, *p++);
    }
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    return FALSE;

  value = g_ascii_strtod (plain->str, NULL);
  if (!isfinite (value))
    return FALSE;
  *out = value;
  return TRUE;
}

/* Problems in words -------------------------------------------------------- */

/* @raw as a message quotes it: text a file or a server chose, made
 * printable (design 2.3) and cut short. */
static char *
describe_raw (const VigilRawValue *raw)
{
  g_autofree char *printable = NULL;
  const char *end;

  switch (raw->kind)
    {
    case VIGIL_RAW_OBJECT: return g_strdup (_("an object"));
    case VIGIL_RAW_ARRAY: return g_strdup (_("an array"));
    case VIGIL_RAW_NUMBER:
    case VIGIL_RAW_BOOLEAN:
      return vigil_text_printable (raw->text->str, (gssize) raw->text->len);
    case VIGIL_RAW_STRING:
    default:
      printable = vigil_text_printable (raw->text->str, (gssize) raw->text->len);
      if (g_utf8_strlen (printable, -1) <= MAX_QUOTED_CHARS)
        return g_strdup_printf ("“%s”", printable);
      end = g_utf8_offset_to_pointer (printable, MAX_QUOTED_CHARS);
      return g_strdup_printf ("“%.*s…”", (int) (end - printable), printable);
    }
}

/* "field “mrr” at “/plan/amount”: “abc” is not a number" */
static char *
problem_text (const VigilFieldRule *rule,
              const char           *location,
              const VigilRawValue  *raw,
              const char           *reason_format,
              ...) G_GNUC_PRINTF (4, 5);

static char *
problem_text (const VigilFieldRule *rule,
              const char           *location,
              const VigilRawValue  *raw,
              const char           *reason_format,
              ...)
{
  g_autofree char *value = describe_raw (raw);
  g_autofree char *reason = NULL;
  g_autofree char *printable_location = vigil_text_printable (location, -1);
  const char *field = vigil_field_get_name (rule->field);
  va_list args;

  va_start (args, reason_format);
  reason = g_strdup_vprintf (reason_format, args);
  va_end (args);

  if (rule->syntax == VIGIL_RULE_CSV)
    /* TRANSLATORS: field “mrr” in column “Annual Revenue”: “abc” is not a number */
    return g_strdup_printf (_("field “%s” in column “%s”: %s %s"), field, printable_location, value, reason);
  /* TRANSLATORS: field “mrr” at “/plan/amount”: “abc” is not a number */
  return g_strdup_printf (_("field “%s” at “%s”: %s %s"), field, printable_location, value, reason);
}

static void
reject (const VigilFieldRule *rule,
        VigilSnapshot        *snapshot,
        char                 *problem)
{
  _vigil_snapshot_reject (snapshot, rule->field, problem);
}

/* Applying a rule ---------------------------------------------------------- */

/* A number, or a number written as text in the mapping's style. */
static gboolean
raw_number (const VigilFieldRule *rule,
            const VigilRawValue  *raw,
            double               *out)
{
  if (raw->kind == VIGIL_RAW_NUMBER)
    {
      *out = raw->number;
      return TRUE;
    }
  return raw->kind == VIGIL_RAW_STRING && g_utf8_validate (raw->text->str, (gssize) raw->text->len, NULL) &&
         _vigil_number_from_text (raw->text->str, rule->decimal, rule->grouping, out);
}

typedef enum
{
  PART_KNOWN,
  PART_UNKNOWN,    /* missing or null: the result is unknown, nothing to say */
  PART_UNUSABLE,   /* given, but not readable: *problem says why */
} PartState;

/* What one billing interval is in months (design 2.2): a yearly plan
 * pays a twelfth of its price a month, a weekly one 52/12 times it. */
static gboolean
months_in_interval (const char *interval,
                    double     *out)
{
  static const struct { const char *name; double months; } intervals[] = {
    { "day", 12.0 / 365.0 }, { "week", 12.0 / 52.0 }, { "month", 1 }, { "year", 12 },
  };
  g_autofree char *trimmed = g_strstrip (g_strdup (interval));

  for (guint i = 0; i < G_N_ELEMENTS (intervals); i++)
    if (g_ascii_strcasecmp (trimmed, intervals[i].name) == 0)
      {
        *out = intervals[i].months;
        return TRUE;
      }
  return FALSE;
}

/* The factor that brings an amount per @interval × @count to a month;
 * 1 without `per`. @base is where the pointers start, for messages. */
static PartState
per_month (const VigilFieldRule  *rule,
           const char            *base,
           const VigilRawValue   *interval,
           const VigilRawValue   *count,
           double                *out,
           char                 **problem)
{
  double months;
  double n = 1;

  *out = 1;
  if (rule->per_interval == NULL)
    return PART_KNOWN;

  if (!is_known (interval) || (rule->per_count != NULL && !is_known (count)))
    return PART_UNKNOWN;
  if (interval->kind != VIGIL_RAW_STRING || !months_in_interval (interval->text->str, &months))
    {
      g_autofree char *where = g_strconcat (base, rule->per_interval, NULL);

      *problem = problem_text (rule, where, interval,
                               _("is not a billing interval (day, week, month or year)"));
      return PART_UNUSABLE;
    }
  if (rule->per_count != NULL &&
      (!raw_number (rule, count, &n) || n != floor (n) || n < 1 || n > MAX_INTERVAL_COUNT))
    {
      g_autofree char *where = g_strconcat (base, rule->per_count, NULL);

      *problem = problem_text (rule, where, count, _("is not a number of intervals (1 to %d)"),
                               MAX_INTERVAL_COUNT);
      return PART_UNUSABLE;
    }
  *out = 1 / (months * n);
  return PART_KNOWN;
}

/* @value × @factor × scale into a numeric field: counts scaled are
 * rounded to the nearest whole number (0.1 × 30 is not quite 3). */
static gboolean
store_scaled (const VigilFieldRule *rule,
              VigilSnapshot        *snapshot,
              double                value,
              gboolean              transformed)
{
  if (transformed && rule->field != VIGIL_FIELD_MRR)
    value = round (value);
  return _vigil_snapshot_store_number (snapshot, rule->field, value);
}

static char *
out_of_range (const VigilFieldRule *rule,
              const char           *location,
              const VigilRawValue  *raw,
              double                value,
              gboolean              transformed)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  if (rule->field == VIGIL_FIELD_MRR)
    return transformed
      ? problem_text (rule, location, raw, _("gives %s, not an amount ≥ 0 and below 10¹⁵"),
                      g_ascii_dtostr (text, sizeof text, value))
      : problem_text (rule, location, raw, _("is not an amount ≥ 0 and below 10¹⁵"));
  if (rule->field == VIGIL_FIELD_NPS)
    return transformed
      ? problem_text (rule, location, raw, _("gives %s, not a score from 0 to 10"),
                      g_ascii_dtostr (text, sizeof text, value))
      : problem_text (rule, location, raw, _("is not a whole score from 0 to 10"));
  return transformed
    ? problem_text (rule, location, raw, _("gives %s, not a whole count ≥ 0 and below 10¹⁵"),
                    g_ascii_dtostr (text, sizeof text, value))
    : problem_text (rule, location, raw, _("is not a whole count ≥ 0 and below 10¹⁵"));
}

static void
apply_number (const VigilFieldRule *rule,
              const VigilRawValue  *value,
              const VigilRawValue  *interval,
              const VigilRawValue  *count,
              VigilSnapshot        *snapshot)
{
  char *problem = NULL;
  double number;
  double factor;

  if (!raw_number (rule, value, &number))
    {
      reject (rule, snapshot, problem_text (rule, rule->source, value, _("is not a number")));
      return;
    }
  switch (per_month (rule, "", interval, count, &factor, &problem))
    {
    case PART_UNKNOWN:
      return;
    case PART_UNUSABLE:
      reject (rule, snapshot, problem);
      return;
    case PART_KNOWN:
    default:
      break;
    }
  number *= factor * rule->scale;
  if (!store_scaled (rule, snapshot, number, rule->has_scale || rule->per_interval != NULL))
    reject (rule, snapshot, out_of_range (rule, rule->source, value, number,
                                          rule->has_scale || rule->per_interval != NULL));
}

/* The text of a text field: a string, or for an id an integer as
 * written (an id is text, design 2.1). */
static void
apply_text (const VigilFieldRule *rule,
            const VigilRawValue  *value,
            VigilSnapshot        *snapshot)
{
  g_autofree char *lowered = NULL;

  if (value->kind == VIGIL_RAW_NUMBER && rule->field == VIGIL_FIELD_ID)
    {
      gboolean integer = strpbrk (value->text->str, ".eE") == NULL;

      /* Exact, whatever doubles can hold, as the native reader does. */
      if (integer && value->text->len < 19)
        vigil_snapshot_set_text (snapshot, VIGIL_FIELD_ID, value->text->str);
      else if (!_vigil_snapshot_store_number (snapshot, VIGIL_FIELD_ID, value->number))
        reject (rule, snapshot, problem_text (rule, rule->source, value, _("is not a whole number")));
      return;
    }
  if (value->kind != VIGIL_RAW_STRING)
    {
      reject (rule, snapshot, problem_text (rule, rule->source, value, _("is not text")));
      return;
    }
  if (!g_utf8_validate (value->text->str, (gssize) value->text->len, NULL))
    {
      reject (rule, snapshot, problem_text (rule, rule->source, value,
                                            _("holds U+0000 or an unpaired surrogate, "
                                              "which no text Vigil stores can hold")));
      return;
    }
  /* An explicit empty id is unusable in JSON, not merely unknown (2.3);
   * an empty CSV cell is no value. */
  if (rule->field == VIGIL_FIELD_ID && _vigil_text_is_null (value->text->str))
    {
      reject (rule, snapshot, problem_text (rule, rule->source, value, _("is no id")));
      return;
    }
  if (rule->lower)
    lowered = g_utf8_strdown (value->text->str, (gssize) value->text->len);
  vigil_snapshot_set_text (snapshot, rule->field, lowered != NULL ? lowered : value->text->str);
}

/* The text @raw holds for a time: a string, or a number as written. */
static const char *
raw_text (const VigilRawValue *raw)
{
  if ((raw->kind == VIGIL_RAW_STRING || raw->kind == VIGIL_RAW_NUMBER) &&
      g_utf8_validate (raw->text->str, (gssize) raw->text->len, NULL))
    return raw->text->str;
  return NULL;
}

/* A time as the rule's form writes it: FALSE with @problem set if not. */
static gboolean
read_time (const VigilFieldRule  *rule,
           const VigilRawValue   *value,
           gint64                *out,
           char                 **problem)
{
  const char *text = raw_text (value);
  g_autofree char *trimmed = text != NULL ? g_strstrip (g_strdup (text)) : NULL;
  double number;
  gint32 day;

  switch (rule->time)
    {
    case VIGIL_TIME_EPOCH_S:
    case VIGIL_TIME_EPOCH_MS:
      if (!raw_number (rule, value, &number))
        {
          *problem = problem_text (rule, rule->source, value, rule->time == VIGIL_TIME_EPOCH_S
                                   ? _("is not a number of seconds since 1970 (epoch-s)")
                                   : _("is not a number of milliseconds since 1970 (epoch-ms)"));
          return FALSE;
        }
      if (rule->time == VIGIL_TIME_EPOCH_MS)
        number /= 1000;
      /* Checked as a double first: a huge one would not fit in 64 bits. */
      if (number < 0 || number > (double) MAX_TIME + 1)
        {
          *problem = problem_text (rule, rule->source, value,
                                   _("is not a time from 1970 to 9999 in %s"),
                                   rule->time == VIGIL_TIME_EPOCH_S ? "epoch-s" : "epoch-ms");
          return FALSE;
        }
      *out = (gint64) floor (number);
      return TRUE;

    case VIGIL_TIME_ISO8601:
      if (value->kind != VIGIL_RAW_STRING || trimmed == NULL || !vigil_time_parse_iso8601 (trimmed, out))
        {
          *problem = problem_text (rule, rule->source, value, _("is not an ISO 8601 time"));
          return FALSE;
        }
      return TRUE;

    case VIGIL_TIME_FORMAT:
      if (trimmed == NULL || !vigil_time_parse_format (trimmed, rule->time_format, out))
        {
          *problem = problem_text (rule, rule->source, value, _("is not a time in the format “%s”"),
                                   rule->time_format);
          return FALSE;
        }
      return TRUE;

    case VIGIL_TIME_AS_GIVEN:
    default:
      /* As the native format has it (2.1): ISO 8601 text, a date, or
       * whole epoch seconds. */
      if (value->kind == VIGIL_RAW_STRING && trimmed != NULL && rule->field == VIGIL_FIELD_RENEWAL_DATE &&
          vigil_date_parse (trimmed, &day))
        {
          *out = (gint64) day * 86400;
          return TRUE;
        }
      if (value->kind == VIGIL_RAW_STRING && trimmed != NULL && vigil_time_parse_iso8601 (trimmed, out))
        return TRUE;
      if (rule->field != VIGIL_FIELD_RENEWAL_DATE && raw_number (rule, value, &number) &&
          number == floor (number) && number >= 0 && number <= (double) MAX_TIME)
        {
          *out = (gint64) number;
          return TRUE;
        }
      *problem = problem_text (rule, rule->source, value, rule->field == VIGIL_FIELD_RENEWAL_DATE
                               ? _("is not a date (YYYY-MM-DD) or an ISO 8601 time")
                               : _("is not an ISO 8601 time or whole seconds since 1970"));
      return FALSE;
    }
}

static void
apply_time (const VigilFieldRule *rule,
            const VigilRawValue  *value,
            VigilSnapshot        *snapshot)
{
  char *problem = NULL;
  gint64 time;

  if (!read_time (rule, value, &time, &problem))
    {
      reject (rule, snapshot, problem);
      return;
    }
  /* design 2.2: a time before 1970 or after 9999 is no usage time. */
  if (time < 0 || time > MAX_TIME)
    {
      reject (rule, snapshot, problem_text (rule, rule->source, value, _("is not a time from 1970 to 9999")));
      return;
    }
  if (rule->field == VIGIL_FIELD_RENEWAL_DATE)
    snapshot->renewal_day = vigil_time_get_day (time);
  else if (rule->field == VIGIL_FIELD_LAST_ACTIVE)
    snapshot->last_active = time;
  else
    snapshot->observed_at = time;
}

/**
 * _vigil_field_rule_apply:
 * @value: what the rule's pointer (or column) found
 * @interval: (nullable): what the per interval's found, if the rule has one
 * @count: (nullable): what the per count's found, if the rule has one
 *
 * Sets @rule's field of @snapshot from @value, as the rule says. Not for
 * sums (see _vigil_rule_sum_add()), keys or features, which the mapping
 * reads whole.
 */
void
_vigil_field_rule_apply (const VigilFieldRule *rule,
                         const VigilRawValue  *value,
                         const VigilRawValue  *interval,
                         const VigilRawValue  *count,
                         VigilSnapshot        *snapshot)
{
  g_return_if_fail (rule != NULL && !rule->is_sum);
  g_return_if_fail (value != NULL);
  g_return_if_fail (snapshot != NULL);

  if (!is_known (value))
    return;

  switch (field_class (rule->field))
    {
    case CLASS_NUMBER:
      apply_number (rule, value, interval, count, snapshot);
      break;
    case CLASS_TIME:
    case CLASS_DATE:
      apply_time (rule, value, snapshot);
      break;
    case CLASS_FEATURES:
      /* A CSV cell: the JSON object or array of 2.1. */
      if (value->kind == VIGIL_RAW_STRING)
        vigil_snapshot_set_text (snapshot, rule->field, value->text->str);
      else
        reject (rule, snapshot, problem_text (rule, rule->source, value, _("is not features")));
      break;
    case CLASS_KEYS:
      g_return_if_reached ();
    case CLASS_TEXT:
    default:
      apply_text (rule, value, snapshot);
      break;
    }
}

/* Sums --------------------------------------------------------------------- */

void
_vigil_rule_sum_init (VigilRuleSum *sum)
{
  sum->total = 0;
  sum->n_items = 0;
  sum->unknown = FALSE;
  sum->problem = NULL;
}

void
_vigil_rule_sum_clear (VigilRuleSum *sum)
{
  g_clear_pointer (&sum->problem, g_free);
  _vigil_rule_sum_init (sum);
}

/**
 * _vigil_rule_sum_add:
 * @of: what the rule's `of` found in the element
 * @times: (nullable): what its `times` found, if it has one
 * @interval: (nullable): what its per interval found, if it has one
 * @count: (nullable): what its per count found, if it has one
 *
 * Adds one element of the array to @sum: of × times × the interval
 * brought to a month. An element that lacks a part makes the sum
 * unknown; one that cannot be read makes it unusable, and the first such
 * is kept in words (its pointer names the element).
 */
void
_vigil_rule_sum_add (const VigilFieldRule *rule,
                     VigilRuleSum         *sum,
                     const VigilRawValue  *of,
                     const VigilRawValue  *times,
                     const VigilRawValue  *interval,
                     const VigilRawValue  *count)
{
  g_autofree char *base = g_strdup_printf ("%s/%u", rule->source, sum->n_items++);
  double amount;
  double multiplier = 1;
  double factor = 1;

  g_return_if_fail (rule != NULL && rule->is_sum);

  if (sum->problem != NULL)
    return;

  if (!is_known (of) || (rule->times != NULL && !is_known (times)))
    sum->unknown = TRUE;
  if (is_known (of) && !raw_number (rule, of, &amount))
    {
      g_autofree char *where = g_strconcat (base, rule->of, NULL);

      sum->problem = problem_text (rule, where, of, _("is not a number"));
      return;
    }
  if (rule->times != NULL && is_known (times) && !raw_number (rule, times, &multiplier))
    {
      g_autofree char *where = g_strconcat (base, rule->times, NULL);

      sum->problem = problem_text (rule, where, times, _("is not a number"));
      return;
    }
  switch (per_month (rule, base, interval, count, &factor, &sum->problem))
    {
    case PART_UNUSABLE:
      return;
    case PART_UNKNOWN:
      sum->unknown = TRUE;
      return;
    case PART_KNOWN:
    default:
      break;
    }
  if (!sum->unknown)
    sum->total += amount * multiplier * factor;
}

/**
 * _vigil_rule_sum_finish:
 * @array: what the sum's pointer found: an array whose elements went
 *   to _vigil_rule_sum_add(), or anything else
 *
 * Sets the field: the total × scale; unknown when the array is missing
 * or null or an element lacks a part (an empty array sums to 0); unusable
 * when the pointer finds no array or an element cannot be read. Empties
 * @sum.
 */
void
_vigil_rule_sum_finish (const VigilFieldRule *rule,
                        VigilRuleSum         *sum,
                        const VigilRawValue  *array,
                        VigilSnapshot        *snapshot)
{
  double total;

  g_return_if_fail (rule != NULL && rule->is_sum);

  if (!is_known (array))
    ;
  else if (array->kind != VIGIL_RAW_ARRAY)
    reject (rule, snapshot, problem_text (rule, rule->source, array, _("is not an array")));
  else if (sum->problem != NULL)
    reject (rule, snapshot, g_steal_pointer (&sum->problem));
  else if (!sum->unknown)
    {
      total = sum->total * rule->scale;
      if (!store_scaled (rule, snapshot, total, TRUE))
        {
          g_autofree char *location = vigil_text_printable (rule->source, -1);
          char text[G_ASCII_DTOSTR_BUF_SIZE];

          reject (rule, snapshot,
                  /* TRANSLATORS: field “mrr” at “/items/data”: the sum, -5, is out of range */
                  g_strdup_printf (_("field “%s” at “%s”: the sum, %s, is out of range"),
                                   vigil_field_get_name (rule->field), location,
                                   g_ascii_dtostr (text, sizeof text, total)));
        }
    }
  _vigil_rule_sum_clear (sum);
}
