/* vigil-mapping-draft.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-mapping-draft"

#include "config.h"

#include <string.h>

#include "vigil-field-rule.h"
#include "vigil-mapping-draft.h"
#include "vigil-time.h"

/* A mapping being made by clicking (design 5, adding a source): where
 * the records are, which value of a record fills which field and how,
 * and how pages follow. It becomes the same JSON a person would write
 * (design 2.2), and only the mapping loader says whether that is a
 * mapping: nothing here knows the rules twice.
 *
 * It starts from a guess at the first page: the records are its first
 * array of objects, fields whose member names say what they are
 * ("last_seen", "company_name") are assigned, and a next link or a Link
 * header gives the pagination. */

typedef struct
{
  char             *pointer;   /* in a record */
  VigilFieldChoice  choice;
} Assignment;

struct _VigilMappingDraft
{
  GObject               parent_instance;

  char                 *records;
  GPtrArray            *assignments;  /* of Assignment, in the order made */
  VigilPaginationStyle  pagination;
  char                 *page_pointer;
  gboolean              csv;        /* columns of a CSV file, not pointers */
  char                  delimiter;  /* CSV: as the file has it */
  char                  decimal;    /* CSV: the decimal mark of its numbers */
};

G_DEFINE_FINAL_TYPE (VigilMappingDraft, vigil_mapping_draft, G_TYPE_OBJECT)

/* Unix times of 10 and 13 digits: seconds and milliseconds since 1970
 * for any date between 2001 and 2286. */
#define EPOCH_S_MIN G_GINT64_CONSTANT (1000000000)
#define EPOCH_S_END G_GINT64_CONSTANT (10000000000)
#define EPOCH_MS_MIN G_GINT64_CONSTANT (1000000000000)
#define EPOCH_MS_END G_GINT64_CONSTANT (10000000000000)

/* Member names that say which field they are, normalised (lower case,
 * words split by "_"). The first found in a record wins. */
static const struct
{
  const char *name;
  VigilField  field;
} field_names[] = {
  { "id", VIGIL_FIELD_ID }, { "uuid", VIGIL_FIELD_ID }, { "customer_id", VIGIL_FIELD_ID },
  { "account_id", VIGIL_FIELD_ID }, { "company_id", VIGIL_FIELD_ID },
  { "keys", VIGIL_FIELD_KEYS }, { "domain", VIGIL_FIELD_KEYS },
  { "name", VIGIL_FIELD_NAME }, { "company_name", VIGIL_FIELD_NAME }, { "account_name", VIGIL_FIELD_NAME },
  { "company", VIGIL_FIELD_NAME }, { "display_name", VIGIL_FIELD_NAME },
  { "plan", VIGIL_FIELD_PLAN }, { "plan_name", VIGIL_FIELD_PLAN },
  { "owner", VIGIL_FIELD_OWNER }, { "owner_name", VIGIL_FIELD_OWNER }, { "account_owner", VIGIL_FIELD_OWNER },
  { "csm", VIGIL_FIELD_OWNER },
  { "segment", VIGIL_FIELD_SEGMENT },
  { "mrr", VIGIL_FIELD_MRR }, { "mrr_cents", VIGIL_FIELD_MRR }, { "monthly_revenue", VIGIL_FIELD_MRR },
  { "seats", VIGIL_FIELD_SEATS }, { "licenses", VIGIL_FIELD_SEATS },
  { "seats_used", VIGIL_FIELD_SEATS_USED }, { "active_seats", VIGIL_FIELD_SEATS_USED },
  { "active_users", VIGIL_FIELD_SEATS_USED },
  { "renewal_date", VIGIL_FIELD_RENEWAL_DATE }, { "renews_at", VIGIL_FIELD_RENEWAL_DATE },
  { "renewal", VIGIL_FIELD_RENEWAL_DATE }, { "contract_end", VIGIL_FIELD_RENEWAL_DATE },
  { "last_active", VIGIL_FIELD_LAST_ACTIVE }, { "last_active_at", VIGIL_FIELD_LAST_ACTIVE },
  { "last_seen", VIGIL_FIELD_LAST_ACTIVE }, { "last_seen_at", VIGIL_FIELD_LAST_ACTIVE },
  { "last_login", VIGIL_FIELD_LAST_ACTIVE }, { "last_login_at", VIGIL_FIELD_LAST_ACTIVE },
  { "last_activity", VIGIL_FIELD_LAST_ACTIVE }, { "last_activity_date", VIGIL_FIELD_LAST_ACTIVE },
  { "api_calls_7d", VIGIL_FIELD_API_CALLS_7D }, { "api_calls", VIGIL_FIELD_API_CALLS_7D },
  { "features", VIGIL_FIELD_FEATURES },
  { "features_used", VIGIL_FIELD_FEATURES_USED },
  { "open_tickets", VIGIL_FIELD_OPEN_TICKETS }, { "tickets_open", VIGIL_FIELD_OPEN_TICKETS },
  { "nps", VIGIL_FIELD_NPS }, { "nps_score", VIGIL_FIELD_NPS },
  { "observed_at", VIGIL_FIELD_OBSERVED_AT },
};

/* How deep into a record names are looked for: HubSpot keeps them in
 * "properties", JSON:API in "attributes". */
#define GUESS_MAX_DEPTH 3

static void
clear_choice (VigilFieldChoice *choice)
{
  g_clear_pointer (&choice->time_format, g_free);
}

/**
 * vigil_field_choice_free:
 */
void
vigil_field_choice_free (VigilFieldChoice *choice)
{
  if (choice == NULL)
    return;
  clear_choice (choice);
  g_free (choice);
}

static void
assignment_free (Assignment *assignment)
{
  g_free (assignment->pointer);
  clear_choice (&assignment->choice);
  g_free (assignment);
}

static void
add_choice (GPtrArray      *choices,
            VigilField      field,
            VigilTransform  transform)
{
  VigilFieldChoice *choice = g_new0 (VigilFieldChoice, 1);

  choice->field = field;
  choice->transform = transform;
  g_ptr_array_add (choices, choice);
}

static void
add_time_choices (GPtrArray      *choices,
                  VigilTransform  transform,
                  const char     *format)
{
  static const VigilField time_fields[] = {
    VIGIL_FIELD_LAST_ACTIVE, VIGIL_FIELD_RENEWAL_DATE, VIGIL_FIELD_OBSERVED_AT,
  };

  for (guint i = 0; i < G_N_ELEMENTS (time_fields); i++)
    {
      add_choice (choices, time_fields[i], transform);
      ((VigilFieldChoice *) choices->pdata[choices->len - 1])->time_format = g_strdup (format);
    }
}

static void
add_integer_choices (GPtrArray *choices,
                     gint64     value)
{
  if (value >= EPOCH_MS_MIN && value < EPOCH_MS_END)
    add_time_choices (choices, VIGIL_TRANSFORM_EPOCH_MS, NULL);
  else if (value >= EPOCH_S_MIN && value < EPOCH_S_END)
    add_time_choices (choices, VIGIL_TRANSFORM_EPOCH_S, NULL);

  add_choice (choices, VIGIL_FIELD_MRR, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_MRR, VIGIL_TRANSFORM_CENTS);
  add_choice (choices, VIGIL_FIELD_SEATS, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_SEATS_USED, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_API_CALLS_7D, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_OPEN_TICKETS, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_FEATURES_USED, VIGIL_TRANSFORM_NONE);
  if (value >= 0 && value <= 10)
    add_choice (choices, VIGIL_FIELD_NPS, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_ID, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_KEYS, VIGIL_TRANSFORM_NONE);
}

static void
add_number_choices (GPtrArray *choices,
                    double     number)
{
  add_choice (choices, VIGIL_FIELD_MRR, VIGIL_TRANSFORM_NONE);
  if (number >= 0 && number <= 10)
    add_choice (choices, VIGIL_FIELD_NPS, VIGIL_TRANSFORM_NONE);
}

/* How people write times that are not ISO 8601, day first before month
 * first: both are offered where a text reads either way (05/03/2024). */
static const char * const time_formats[] = {
  "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S",
  "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y",
  "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d-%m-%Y",
  "%b %d, %Y %I:%M %p", "%b %d, %Y", "%d %b %Y %H:%M", "%d %b %Y", "%B %d, %Y",
};

static void
add_text_choices (GPtrArray  *choices,
                  const char *text,
                  char        decimal)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  gint64 time;
  gint32 day;
  double number;

  if (*trimmed == '\0')
    return;
  if (vigil_time_parse_iso8601 (trimmed, &time))
    add_time_choices (choices, VIGIL_TRANSFORM_NONE, NULL);
  else if (vigil_date_parse (trimmed, &day))
    add_choice (choices, VIGIL_FIELD_RENEWAL_DATE, VIGIL_TRANSFORM_NONE);
  else
    for (guint i = 0; i < G_N_ELEMENTS (time_formats); i++)
      if (vigil_time_parse_format (trimmed, time_formats[i], &time))
        add_time_choices (choices, VIGIL_TRANSFORM_TIME_FORMAT, time_formats[i]);

  /* A number written as text is a number (design 2.2). */
  if (_vigil_number_from_text (trimmed, decimal, TRUE, &number))
    {
      if (number == (double) (gint64) number && ABS (number) < 9007199254740992.0)
        add_integer_choices (choices, (gint64) number);
      else
        add_number_choices (choices, number);
      return;
    }

  add_choice (choices, VIGIL_FIELD_NAME, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_ID, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_KEYS, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_KEYS, VIGIL_TRANSFORM_LOWER);
  add_choice (choices, VIGIL_FIELD_OWNER, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_PLAN, VIGIL_TRANSFORM_NONE);
  add_choice (choices, VIGIL_FIELD_SEGMENT, VIGIL_TRANSFORM_NONE);
}

static gboolean
holds_only_strings (JsonArray *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return FALSE;
    }
  return TRUE;
}

/**
 * vigil_field_choices_for_value:
 * @value: a value of a record
 *
 * The ways @value can fill a native field, the likeliest first: a
 * string written as a time can be a time (ISO 8601 as it is, other ways
 * of writing it with the format that reads it); an integer of 13 digits
 * may be Unix milliseconds and one of 10 digits Unix seconds; an integer
 * may be money in cents; a number written as text is a number; text may
 * be a key, as it is or lower-cased. A value is offered only to the
 * fields it can fill.
 *
 * Returns: (transfer full) (element-type VigilFieldChoice): the choices,
 *   none for null and booleans
 */
GPtrArray *
vigil_field_choices_for_value (JsonNode *value)
{
  GPtrArray *choices = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_field_choice_free);

  g_return_val_if_fail (value != NULL, choices);

  if (JSON_NODE_HOLDS_OBJECT (value))
    add_choice (choices, VIGIL_FIELD_FEATURES, VIGIL_TRANSFORM_NONE);
  else if (JSON_NODE_HOLDS_ARRAY (value))
    {
      if (holds_only_strings (json_node_get_array (value)))
        {
          add_choice (choices, VIGIL_FIELD_FEATURES, VIGIL_TRANSFORM_NONE);
          add_choice (choices, VIGIL_FIELD_KEYS, VIGIL_TRANSFORM_NONE);
          add_choice (choices, VIGIL_FIELD_KEYS, VIGIL_TRANSFORM_LOWER);
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (value))
    {
      GType type = json_node_get_value_type (value);

      if (type == G_TYPE_STRING)
        add_text_choices (choices, json_node_get_string (value), '.');
      else if (type == G_TYPE_INT64)
        add_integer_choices (choices, json_node_get_int (value));
      else if (type == G_TYPE_DOUBLE)
        add_number_choices (choices, json_node_get_double (value));
    }
  return choices;
}

/**
 * vigil_field_choices_for_cell:
 * @cell: a CSV file's cell
 * @decimal: the file's decimal mark, '.' or ','
 *
 * As vigil_field_choices_for_value() for a cell, whose numbers are text
 * (`4.200,50` with a decimal comma, thousands grouped).
 *
 * Returns: (transfer full) (element-type VigilFieldChoice): the choices,
 *   none for an empty cell
 */
GPtrArray *
vigil_field_choices_for_cell (const char *cell,
                              char        decimal)
{
  GPtrArray *choices = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_field_choice_free);

  g_return_val_if_fail (cell != NULL, choices);
  g_return_val_if_fail (decimal == '.' || decimal == ',', choices);

  add_text_choices (choices, cell, decimal);
  return choices;
}

/* Object ------------------------------------------------------------------- */

static void
vigil_mapping_draft_finalize (GObject *object)
{
  VigilMappingDraft *self = (VigilMappingDraft *) object;

  g_free (self->records);
  g_clear_pointer (&self->assignments, g_ptr_array_unref);
  g_free (self->page_pointer);

  G_OBJECT_CLASS (vigil_mapping_draft_parent_class)->finalize (object);
}

static void
vigil_mapping_draft_class_init (VigilMappingDraftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vigil_mapping_draft_finalize;
}

static void
vigil_mapping_draft_init (VigilMappingDraft *self)
{
  self->records = g_strdup ("");
  self->assignments = g_ptr_array_new_with_free_func ((GDestroyNotify) assignment_free);
  self->delimiter = ',';
  self->decimal = '.';
}

/**
 * vigil_mapping_draft_new:
 *
 * Returns: (transfer full): an empty draft: records are the whole
 *   answer, no field is assigned, one page
 */
VigilMappingDraft *
vigil_mapping_draft_new (void)
{
  return g_object_new (VIGIL_TYPE_MAPPING_DRAFT, NULL);
}

/* Guessing ----------------------------------------------------------------- */

/* "lastSeenAt", "Last-Seen at" → "last_seen_at" */
static char *
normalise_name (const char *name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = name; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p) && p != name && g_ascii_islower (p[-1]))
        g_string_append_c (out, '_');
      if (*p == '-' || *p == ' ')
        g_string_append_c (out, '_');
      else
        g_string_append_c (out, g_ascii_tolower (*p));
    }
  return g_string_free (out, FALSE);
}

static VigilField
field_for_name (const char *name)
{
  g_autofree char *normal = normalise_name (name);

  for (guint i = 0; i < G_N_ELEMENTS (field_names); i++)
    if (g_str_equal (field_names[i].name, normal))
      return field_names[i].field;
  return VIGIL_FIELD_NONE;
}

/* The choice for @field that @value offers: the one its name hints at
 * ("mrr_cents" is in cents, "domain" a key lower-cased), else the
 * first, which for a time has the unit its digits say. */
static const VigilFieldChoice *
pick_choice (GPtrArray  *choices,
             VigilField  field,
             const char *name)
{
  g_autofree char *normal = normalise_name (name);
  VigilTransform wanted = VIGIL_TRANSFORM_NONE;
  const VigilFieldChoice *first = NULL;

  if (field == VIGIL_FIELD_MRR && g_str_has_suffix (normal, "cents"))
    wanted = VIGIL_TRANSFORM_CENTS;
  else if (field == VIGIL_FIELD_KEYS && g_str_equal (normal, "domain"))
    wanted = VIGIL_TRANSFORM_LOWER;

  for (guint i = 0; i < choices->len; i++)
    {
      const VigilFieldChoice *choice = choices->pdata[i];

      if (choice->field != field)
        continue;
      if (choice->transform == wanted)
        return choice;
      if (first == NULL)
        first = choice;
    }
  return first;
}

static gboolean
field_is_assigned (VigilMappingDraft *self,
                   VigilField         field)
{
  return vigil_mapping_draft_get_pointer (self, field) != NULL;
}

/* Assigns @field from @value at @pointer if the value can fill it; an
 * object named for a field ("owner": {"name": …}) fills it with its
 * name. */
static void
guess_field (VigilMappingDraft *self,
             VigilField         field,
             const char        *name,
             const char        *pointer,
             JsonNode          *value)
{
  g_autoptr(GPtrArray) choices = NULL;
  const VigilFieldChoice *choice;
  JsonNode *inner;

  if (vigil_mapping_draft_lookup (self, pointer) != NULL)
    return;
  if (field != VIGIL_FIELD_FEATURES && JSON_NODE_HOLDS_OBJECT (value) &&
      (inner = json_object_get_member (json_node_get_object (value), "name")) != NULL)
    {
      g_autofree char *inner_pointer = vigil_json_pointer_append (pointer, "name");

      guess_field (self, field, name, inner_pointer, inner);
      return;
    }
  choices = vigil_field_choices_for_value (value);
  if ((choice = pick_choice (choices, field, name)) != NULL)
    vigil_mapping_draft_assign (self, pointer, choice);
}

/* Called with a member found going down through objects; FALSE stops. */
typedef gboolean (*MemberFunc) (const char *pointer,
                                const char *name,
                                JsonNode   *member,
                                gpointer    user_data);

/* Calls @visit with each member of @root and of the objects in it, up
 * to GUESS_MAX_DEPTH levels down, shallow ones first, members in their
 * order, until it returns FALSE. */
static void
walk_members (JsonNode   *root,
              MemberFunc  visit,
              gpointer    user_data)
{
  g_autoptr(GPtrArray) level = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  g_ptr_array_add (level, g_strdup (""));
  g_ptr_array_add (nodes, root);
  for (guint depth = 0; depth < GUESS_MAX_DEPTH && level->len > 0; depth++)
    {
      g_autoptr(GPtrArray) next_level = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) next_nodes = g_ptr_array_new ();

      for (guint i = 0; i < level->len; i++)
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *member;

          if (!JSON_NODE_HOLDS_OBJECT (nodes->pdata[i]))
            continue;
          json_object_iter_init_ordered (&iter, json_node_get_object (nodes->pdata[i]));
          while (json_object_iter_next_ordered (&iter, &name, &member))
            {
              g_autofree char *pointer = vigil_json_pointer_append (level->pdata[i], name);

              if (!visit (pointer, name, member, user_data))
                return;
              if (JSON_NODE_HOLDS_OBJECT (member))
                {
                  g_ptr_array_add (next_level, g_steal_pointer (&pointer));
                  g_ptr_array_add (next_nodes, member);
                }
            }
        }
      g_ptr_array_unref (level);
      g_ptr_array_unref (nodes);
      level = g_steal_pointer (&next_level);
      nodes = g_steal_pointer (&next_nodes);
    }
}

/* A member whose name says which field it is fills it. */
static gboolean
guess_member (const char *pointer,
              const char *name,
              JsonNode   *member,
              gpointer    user_data)
{
  VigilMappingDraft *self = user_data;
  VigilField field = field_for_name (name);

  if (field != VIGIL_FIELD_NONE && (field == VIGIL_FIELD_KEYS || !field_is_assigned (self, field)))
    guess_field (self, field, name, pointer, member);
  return TRUE;
}

/* A member named for the next page and holding a link: the next-url
 * style (@user_data receives its pointer). */
static gboolean
find_next_member (const char *pointer,
                  const char *name,
                  JsonNode   *member,
                  gpointer    user_data)
{
  g_autofree char *normal = normalise_name (name);

  if (strstr (normal, "next") == NULL || !vigil_json_holds_link (member))
    return TRUE;
  *(char **) user_data = g_strdup (pointer);
  return FALSE;
}

/**
 * vigil_mapping_draft_new_guessed:
 * @preview: a first page
 *
 * A draft from what @preview shows: its first array of objects are the
 * records; the members of the first record whose names say what they
 * are fill those fields (with the unit a 13- or 10-digit time has); a
 * next link in the page, or a Link header, says how pages follow.
 *
 * Returns: (transfer full): the draft
 */
VigilMappingDraft *
vigil_mapping_draft_new_guessed (VigilPreview *preview)
{
  VigilMappingDraft *self = vigil_mapping_draft_new ();
  g_autofree char *records = NULL;
  g_autofree char *next = NULL;
  JsonNode *sample;
  JsonNode *array;

  g_return_val_if_fail (VIGIL_IS_PREVIEW (preview), self);

  sample = vigil_preview_get_sample (preview);
  if ((records = vigil_preview_find_records (preview)) != NULL)
    {
      vigil_mapping_draft_set_records (self, records);
      array = vigil_json_pointer_get (sample, records);
      walk_members (json_array_get_element (json_node_get_array (array), 0), guess_member, self);
    }
  if (vigil_preview_get_link_next (preview) != NULL)
    vigil_mapping_draft_set_pagination (self, VIGIL_PAGINATION_LINK_HEADER, NULL);
  else
    {
      walk_members (sample, find_next_member, &next);
      if (next != NULL)
        vigil_mapping_draft_set_pagination (self, VIGIL_PAGINATION_NEXT_URL, next);
    }
  return self;
}

/* The first cell of @column that is not empty, or NULL. */
static const char *
sample_cell (const VigilCsvHead *head,
             guint               column)
{
  for (guint r = 0; r < head->rows->len; r++)
    {
      const char *cell = ((GStrv) head->rows->pdata[r])[column];

      if (*cell != '\0')
        return cell;
    }
  return NULL;
}

/**
 * vigil_mapping_draft_new_csv:
 * @head: the start of a CSV file
 *
 * A draft of a CSV mapping (design 2.5) for @head's file: its delimiter
 * and decimal mark, and the columns whose names say what they are
 * ("Company name", "Last Activity Date") assigned, as their first cells
 * allow.
 *
 * Returns: (transfer full): the draft
 */
VigilMappingDraft *
vigil_mapping_draft_new_csv (const VigilCsvHead *head)
{
  VigilMappingDraft *self = vigil_mapping_draft_new ();

  g_return_val_if_fail (head != NULL, self);

  self->csv = TRUE;
  self->delimiter = head->delimiter;
  self->decimal = head->decimal;
  for (guint c = 0; c < head->columns->len; c++)
    {
      const char *name = head->columns->pdata[c];
      const char *cell = sample_cell (head, c);
      VigilField field = field_for_name (name);
      g_autoptr(GPtrArray) choices = NULL;
      const VigilFieldChoice *choice;

      if (field == VIGIL_FIELD_NONE || cell == NULL || (field != VIGIL_FIELD_KEYS && field_is_assigned (self, field)))
        continue;
      choices = vigil_field_choices_for_cell (cell, self->decimal);
      if ((choice = pick_choice (choices, field, name)) != NULL)
        vigil_mapping_draft_assign (self, name, choice);
    }
  return self;
}

/**
 * vigil_mapping_draft_is_csv:
 *
 * Returns: whether the draft names a CSV file's columns
 */
gboolean
vigil_mapping_draft_is_csv (VigilMappingDraft *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING_DRAFT (self), FALSE);

  return self->csv;
}

/**
 * vigil_mapping_draft_set_decimal:
 * @decimal: the decimal mark of a CSV file's numbers, '.' or ','
 */
void
vigil_mapping_draft_set_decimal (VigilMappingDraft *self,
                                 char               decimal)
{
  g_return_if_fail (VIGIL_IS_MAPPING_DRAFT (self));
  g_return_if_fail (decimal == '.' || decimal == ',');

  self->decimal = decimal;
}

char
vigil_mapping_draft_get_decimal (VigilMappingDraft *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING_DRAFT (self), '.');

  return self->decimal;
}

/* Editing ------------------------------------------------------------------ */

const char *
vigil_mapping_draft_get_records (VigilMappingDraft *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING_DRAFT (self), NULL);

  return self->records;
}

/**
 * vigil_mapping_draft_set_records:
 * @pointer: where the array of records is in an answer
 *
 * Records elsewhere are other records: the fields assigned in the old
 * ones are dropped.
 */
void
vigil_mapping_draft_set_records (VigilMappingDraft *self,
                                 const char        *pointer)
{
  g_return_if_fail (VIGIL_IS_MAPPING_DRAFT (self));
  g_return_if_fail (pointer != NULL);

  if (g_str_equal (self->records, pointer))
    return;
  g_free (self->records);
  self->records = g_strdup (pointer);
  g_ptr_array_set_size (self->assignments, 0);
}

static guint
find_pointer (VigilMappingDraft *self,
              const char        *pointer)
{
  for (guint i = 0; i < self->assignments->len; i++)
    if (g_str_equal (((Assignment *) self->assignments->pdata[i])->pointer, pointer))
      return i;
  return G_MAXUINT;
}

/**
 * vigil_mapping_draft_assign:
 * @pointer: a value in a record
 * @choice: the field it fills, and how
 *
 * A field is filled by one value, but a record may have several keys:
 * assigning a field other than keys takes it from the value that filled
 * it. A value fills one field: assigning it again replaces what it
 * filled.
 */
void
vigil_mapping_draft_assign (VigilMappingDraft      *self,
                            const char             *pointer,
                            const VigilFieldChoice *choice)
{
  Assignment *assignment;

  g_return_if_fail (VIGIL_IS_MAPPING_DRAFT (self));
  g_return_if_fail (pointer != NULL);
  g_return_if_fail (choice != NULL && choice->field > VIGIL_FIELD_NONE && choice->field < VIGIL_N_FIELDS);

  vigil_mapping_draft_unassign (self, pointer);
  if (choice->field != VIGIL_FIELD_KEYS)
    vigil_mapping_draft_clear_field (self, choice->field);

  assignment = g_new0 (Assignment, 1);
  assignment->pointer = g_strdup (pointer);
  assignment->choice.field = choice->field;
  assignment->choice.transform = choice->transform;
  assignment->choice.time_format = g_strdup (choice->time_format);
  g_ptr_array_add (self->assignments, assignment);
}

/**
 * vigil_mapping_draft_unassign:
 * @pointer: a value in a record
 *
 * The value at @pointer fills no field any more.
 */
void
vigil_mapping_draft_unassign (VigilMappingDraft *self,
                              const char        *pointer)
{
  guint index;

  g_return_if_fail (VIGIL_IS_MAPPING_DRAFT (self));
  g_return_if_fail (pointer != NULL);

  if ((index = find_pointer (self, pointer)) != G_MAXUINT)
    g_ptr_array_remove_index (self->assignments, index);
}

/**
 * vigil_mapping_draft_clear_field:
 *
 * No value fills @field any more.
 */
void
vigil_mapping_draft_clear_field (VigilMappingDraft *self,
                                 VigilField         field)
{
  g_return_if_fail (VIGIL_IS_MAPPING_DRAFT (self));

  for (guint i = self->assignments->len; i > 0; i--)
    if (((Assignment *) self->assignments->pdata[i - 1])->choice.field == field)
      g_ptr_array_remove_index (self->assignments, i - 1);
}

/**
 * vigil_mapping_draft_get_pointer:
 *
 * Returns: (nullable): the value that fills @field (the first, for keys)
 */
const char *
vigil_mapping_draft_get_pointer (VigilMappingDraft *self,
                                 VigilField         field)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING_DRAFT (self), NULL);

  for (guint i = 0; i < self->assignments->len; i++)
    {
      Assignment *assignment = self->assignments->pdata[i];

      if (assignment->choice.field == field)
        return assignment->pointer;
    }
  return NULL;
}

/**
 * vigil_mapping_draft_lookup:
 * @pointer: a value in a record
 *
 * Returns: (nullable): the field the value at @pointer fills, and how
 */
const VigilFieldChoice *
vigil_mapping_draft_lookup (VigilMappingDraft *self,
                            const char        *pointer)
{
  guint index;

  g_return_val_if_fail (VIGIL_IS_MAPPING_DRAFT (self), NULL);
  g_return_val_if_fail (pointer != NULL, NULL);

  index = find_pointer (self, pointer);
  return index != G_MAXUINT ? &((Assignment *) self->assignments->pdata[index])->choice : NULL;
}

/**
 * vigil_mapping_draft_set_pagination:
 * @pointer: (nullable): for %VIGIL_PAGINATION_NEXT_URL, where the next
 *   page's link is in an answer
 */
void
vigil_mapping_draft_set_pagination (VigilMappingDraft    *self,
                                    VigilPaginationStyle  style,
                                    const char           *pointer)
{
  g_return_if_fail (VIGIL_IS_MAPPING_DRAFT (self));
  g_return_if_fail (style == VIGIL_PAGINATION_NONE || style == VIGIL_PAGINATION_LINK_HEADER ||
                    (style == VIGIL_PAGINATION_NEXT_URL && pointer != NULL));

  self->pagination = style;
  g_free (self->page_pointer);
  self->page_pointer = style == VIGIL_PAGINATION_NEXT_URL ? g_strdup (pointer) : NULL;
}

/**
 * vigil_mapping_draft_get_pagination:
 * @out_pointer: (out) (optional) (transfer none): the next link's pointer
 */
VigilPaginationStyle
vigil_mapping_draft_get_pagination (VigilMappingDraft  *self,
                                    const char        **out_pointer)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING_DRAFT (self), VIGIL_PAGINATION_NONE);

  if (out_pointer != NULL)
    *out_pointer = self->page_pointer;
  return self->pagination;
}

/* Writing it --------------------------------------------------------------- */

/* A field's value in the mapping: its pointer, or an object with the
 * pointer and the transform (design 2.2). */
static void
add_field_value (JsonBuilder      *builder,
                 const Assignment *assignment,
                 gboolean          csv)
{
  const VigilFieldChoice *choice = &assignment->choice;

  if (choice->transform == VIGIL_TRANSFORM_NONE)
    {
      json_builder_add_string_value (builder, assignment->pointer);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, csv ? "column" : "pointer");
  json_builder_add_string_value (builder, assignment->pointer);
  switch (choice->transform)
    {
    case VIGIL_TRANSFORM_CENTS:
      json_builder_set_member_name (builder, "scale");
      json_builder_add_double_value (builder, 0.01);
      break;
    case VIGIL_TRANSFORM_EPOCH_MS:
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, "epoch-ms");
      break;
    case VIGIL_TRANSFORM_EPOCH_S:
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, "epoch-s");
      break;
    case VIGIL_TRANSFORM_TIME_FORMAT:
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, choice->time_format != NULL ? choice->time_format : "");
      break;
    case VIGIL_TRANSFORM_LOWER:
      json_builder_set_member_name (builder, "lower");
      json_builder_add_boolean_value (builder, TRUE);
      break;
    case VIGIL_TRANSFORM_NONE:
    default:
      break;
    }
  json_builder_end_object (builder);
}

static void
add_fields (VigilMappingDraft *self,
            JsonBuilder       *builder)
{
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  /* In the order of the native fields, as a person would write them. */
  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    for (guint i = 0; i < self->assignments->len; i++)
      {
        Assignment *assignment = self->assignments->pdata[i];

        if (assignment->choice.field != field || field == VIGIL_FIELD_KEYS)
          continue;
        json_builder_set_member_name (builder, vigil_field_get_name (field));
        add_field_value (builder, assignment, self->csv);
      }
  json_builder_end_object (builder);
}

/* Keys go to the keys member, which takes several pointers. */
static void
add_keys (VigilMappingDraft *self,
          JsonBuilder       *builder)
{
  if (vigil_mapping_draft_get_pointer (self, VIGIL_FIELD_KEYS) == NULL)
    return;
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->assignments->len; i++)
    {
      Assignment *assignment = self->assignments->pdata[i];

      if (assignment->choice.field == VIGIL_FIELD_KEYS)
        add_field_value (builder, assignment, self->csv);
    }
  json_builder_end_array (builder);
}

static void
add_pagination (VigilMappingDraft *self,
                JsonBuilder       *builder)
{
  if (self->pagination == VIGIL_PAGINATION_NONE)
    return;
  json_builder_set_member_name (builder, "pagination");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "style");
  json_builder_add_string_value (builder, self->pagination == VIGIL_PAGINATION_NEXT_URL ? "next-url"
                                                                                        : "link-header");
  if (self->page_pointer != NULL)
    {
      json_builder_set_member_name (builder, "pointer");
      json_builder_add_string_value (builder, self->page_pointer);
    }
  json_builder_end_object (builder);
}

/**
 * vigil_mapping_draft_to_json:
 *
 * Returns: (transfer full): the mapping as a person would write it
 *   (design 2.2), whether or not it is complete
 */
char *
vigil_mapping_draft_to_json (VigilMappingDraft *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (VIGIL_IS_MAPPING_DRAFT (self), NULL);

  json_builder_begin_object (builder);
  /* A CSV mapping is one without records (design 2.5). */
  if (!self->csv)
    {
      json_builder_set_member_name (builder, "records");
      json_builder_add_string_value (builder, self->records);
    }
  add_fields (self, builder);
  add_keys (self, builder);
  if (self->csv)
    {
      char delimiter[2] = { self->delimiter, '\0' };
      char decimal[2] = { self->decimal, '\0' };

      json_builder_set_member_name (builder, "delimiter");
      json_builder_add_string_value (builder, delimiter);
      json_builder_set_member_name (builder, "decimal");
      json_builder_add_string_value (builder, decimal);
    }
  else
    add_pagination (self, builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}

/**
 * vigil_mapping_draft_build:
 *
 * Returns: (transfer full): the mapping the draft's JSON is, as the
 *   mapping loader reads it, or %NULL with its error (no id chosen yet)
 */
VigilMapping *
vigil_mapping_draft_build (VigilMappingDraft  *self,
                           GError            **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (VIGIL_IS_MAPPING_DRAFT (self), NULL);

  json = vigil_mapping_draft_to_json (self);
  return vigil_mapping_new_from_data (json, -1, error);
}
