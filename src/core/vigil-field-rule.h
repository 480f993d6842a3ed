/* vigil-field-rule.h: how a mapping reads one field (design 2.2)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "vigil-json-private.h"
#include "vigil-snapshot.h"

G_BEGIN_DECLS

/* What a field's value is before a rule makes a field of it: JSON of a
 * page, a detail answer or an imported line, or a CSV cell. The JSON
 * readers (text and tree) and the CSV reader fill these, and one rule
 * reads them all. */
typedef enum
{
  VIGIL_RAW_MISSING,
  VIGIL_RAW_NULL,
  VIGIL_RAW_STRING,
  VIGIL_RAW_NUMBER,
  VIGIL_RAW_BOOLEAN,
  VIGIL_RAW_OBJECT,
  VIGIL_RAW_ARRAY,
} VigilRawKind;

typedef struct
{
  VigilRawKind  kind;
  GString      *text;     /* a string's text, a number or boolean as written */
  double        number;
} VigilRawValue;

/* How a time field's value is written (the `time` member). */
typedef enum
{
  VIGIL_TIME_AS_GIVEN,    /* no `time`: ISO 8601 text or epoch seconds, as in 2.1 */
  VIGIL_TIME_EPOCH_S,
  VIGIL_TIME_EPOCH_MS,
  VIGIL_TIME_ISO8601,
  VIGIL_TIME_FORMAT,
} VigilTimeForm;

/* Where a rule's values are: JSON Pointers, or a CSV file's columns. */
typedef enum
{
  VIGIL_RULE_JSON,
  VIGIL_RULE_CSV,
} VigilRuleSyntax;

/**
 * VigilFieldRule:
 *
 * One member of a mapping's `fields` or `detail_fields` in its object
 * form (design 2.2), or, in a CSV mapping, any member. Its pointers (or
 * column names) say where the values are; the rest, what is done to them.
 */
typedef struct
{
  VigilField       field;
  VigilRuleSyntax  syntax;
  char            *source;        /* the value's pointer or column; a sum's array */
  gboolean         is_sum;
  char            *of;            /* a sum: in each element, the amount */
  char            *times;         /* a sum: in each element, what it is multiplied by */
  char            *per_interval;  /* per: the billing interval (in the element, for a sum) */
  char            *per_count;     /* per: how many intervals, NULL for one */
  VigilTimeForm    time;
  char            *time_format;
  double           scale;         /* 1 without scale */
  gboolean         has_scale;
  gboolean         lower;
  gboolean         plain;         /* given as a bare pointer or column name */
  char             decimal;       /* text numbers: '.' or ',' */
  gboolean         grouping;      /* text numbers may group thousands (CSV) */
} VigilFieldRule;

/* A sum being read, element by element. */
typedef struct
{
  double   total;
  guint    n_items;
  gboolean unknown;      /* an element lacks a part: the sum is unknown */
  char    *problem;      /* the first element that cannot be read, in words */
} VigilRuleSum;

VigilFieldRule *_vigil_field_rule_parse      (VigilField             field,
                                              JsonNode              *node,
                                              const char            *where,
                                              VigilRuleSyntax        syntax,
                                              char                   decimal,
                                              GError               **error);
void            _vigil_field_rule_free       (VigilFieldRule        *rule);
void            _vigil_field_rule_to_json    (const VigilFieldRule  *rule,
                                              JsonBuilder           *builder);

void            _vigil_raw_value_clear       (VigilRawValue         *raw);
void            _vigil_raw_value_free_text   (VigilRawValue         *raw);
void            _vigil_raw_value_set_node    (VigilRawValue         *raw,
                                              JsonNode              *node);
void            _vigil_raw_value_set_cell    (VigilRawValue         *raw,
                                              const char            *cell);
gboolean        _vigil_raw_value_read        (VigilRawValue         *raw,
                                              VigilJsonCursor       *c,
                                              guint                  depth);

void            _vigil_field_rule_apply      (const VigilFieldRule  *rule,
                                              const VigilRawValue   *value,
                                              const VigilRawValue   *interval,
                                              const VigilRawValue   *count,
                                              VigilSnapshot         *snapshot);
void            _vigil_rule_sum_init         (VigilRuleSum          *sum);
void            _vigil_rule_sum_clear        (VigilRuleSum          *sum);
void            _vigil_rule_sum_add          (const VigilFieldRule  *rule,
                                              VigilRuleSum          *sum,
                                              const VigilRawValue   *of,
                                              const VigilRawValue   *times,
                                              const VigilRawValue   *interval,
                                              const VigilRawValue   *count);
void            _vigil_rule_sum_finish       (const VigilFieldRule  *rule,
                                              VigilRuleSum          *sum,
                                              const VigilRawValue   *array,
                                              VigilSnapshot         *snapshot);

gboolean        _vigil_number_from_text      (const char            *text,
                                              char                   decimal,
                                              gboolean               grouping,
                                              double                *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilFieldRule, _vigil_field_rule_free)

G_END_DECLS
