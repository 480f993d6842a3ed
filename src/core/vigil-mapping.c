/* vigil-mapping.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-mapping"

#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-field-rule.h"
#include "vigil-json-private.h"
#include "vigil-mapping-private.h"
#include "vigil-mapping.h"
#include "vigil-mapping-request.h"
#include "vigil-pointer-tree.h"
#include "vigil-snapshot-private.h"

/* A mapping (design 2.2) says where, in JSON of any shape, the native
 * fields of design 2.1 are: JSON Pointers (RFC 6901) to the array of
 * records and to each field inside one record. Without a mapping a
 * source speaks the native format, which is itself a mapping: records
 * at /customers, each field under its own name. */

/* One pointer of the keys member. */
typedef struct
{
  char     *pointer;
  gboolean  lower;
} KeyPointer;

struct _VigilMapping
{
  GObject               parent_instance;

  char                 *records;
  char                 *fields[VIGIL_N_FIELDS];
  GArray               *key_pointers;  /* of KeyPointer, the keys member */
  VigilFeaturesFormat   features_format;
  VigilPaginationStyle  pagination;
  char                 *page_pointer;
  char                 *page_param;
  gint64                page_start;
  char                 *limit_param;  /* the offset style's */
  gint64                page_limit;
  char                 *more_pointer; /* any style's: false ends the pages */
  char                 *total_pointer;/* the offset style's */
  VigilMappingRequest   request;      /* method, query, headers, body */
  JsonArray            *no_records;   /* what a page without records has */
  char                 *detail_url;
  char                 *detail_fields[VIGIL_N_FIELDS];
  gboolean              native;       /* the native format's, not a user's */

  /* Fields in their object form (design 2.2), read by a rule rather
   * than straight into the snapshot; in a CSV mapping, every field. A
   * field has a pointer above or a rule here, never both. */
  VigilFieldRule       *field_rules[VIGIL_N_FIELDS];
  VigilFieldRule       *detail_rules[VIGIL_N_FIELDS];
  VigilPointerTree     *sum_trees[VIGIL_N_FIELDS];         /* of, times, per in an element */
  VigilPointerTree     *detail_sum_trees[VIGIL_N_FIELDS];
  gboolean              keys_lower;         /* fields.keys lower-cased */
  gboolean              detail_keys_lower;  /* detail_fields.keys lower-cased */
  VigilMergeRule        merge[VIGIL_N_FIELDS];  /* records that share an id (design 2.5) */
  gboolean              csv;          /* no records pointer: names a CSV file's columns */
  char                  delimiter;    /* CSV: 0 to detect it from the header */
  char                  decimal;      /* CSV: the decimal mark of text numbers */

  /* The pointers above, for reading answers as text (see
   * vigil_mapping_read_records()). */
  VigilPointerTree     *page_tree;    /* records and next page */
  VigilPointerTree     *record_tree;  /* fields, in one record */
  VigilPointerTree     *detail_tree;  /* detail_fields, in a detail answer */
};

/* What a pointer of the page tree refers to. */
enum
{
  PAGE_RECORDS,
  PAGE_NEXT,
  PAGE_MORE,
  PAGE_TOTAL,
};

/* In the record tree, a pointer's role is the field it is for, or this
 * plus its index in the keys member. */
#define ROLE_KEY_POINTER VIGIL_N_FIELDS

/* More keys pointers than a record may carry keys make no sense. */
#define MAX_KEY_POINTERS VIGIL_SNAPSHOT_MAX_KEYS

/* A rule's pointers (in the record and detail trees): this plus the
 * field × RULE_SLOTS plus the slot. */
#define ROLE_RULE (ROLE_KEY_POINTER + MAX_KEY_POINTERS)
enum
{
  RULE_VALUE,      /* the value, or a sum's array */
  RULE_INTERVAL,   /* per: the billing interval */
  RULE_COUNT,      /* per: how many intervals */
  RULE_SLOTS,
};

/* The last-id style's own pointer in each record, when it names one. */
#define ROLE_PAGE_ID (ROLE_RULE + VIGIL_N_FIELDS * RULE_SLOTS)

/* A sum's pointers inside each element of its array. */
enum
{
  ITEM_OF,
  ITEM_TIMES,
  ITEM_INTERVAL,
  ITEM_COUNT,
  N_ITEM_PARTS,
};

G_DEFINE_FINAL_TYPE (VigilMapping, vigil_mapping, G_TYPE_OBJECT)

static const char * const pagination_names[] = {
  [VIGIL_PAGINATION_NONE] = "none",
  [VIGIL_PAGINATION_NEXT_URL] = "next-url",
  [VIGIL_PAGINATION_CURSOR] = "cursor",
  [VIGIL_PAGINATION_PAGE] = "page",
  [VIGIL_PAGINATION_LINK_HEADER] = "link-header",
  [VIGIL_PAGINATION_LAST_ID] = "last-id",
  [VIGIL_PAGINATION_OFFSET] = "offset",
};

/* The members of "pagination" each style takes besides "style" and
 * "more" (which every style but none takes). */
static const char * const *const style_members[] = {
  [VIGIL_PAGINATION_NONE] = (const char * const[]) { NULL },
  [VIGIL_PAGINATION_NEXT_URL] = (const char * const[]) { "pointer", NULL },
  [VIGIL_PAGINATION_CURSOR] = (const char * const[]) { "pointer", "param", NULL },
  [VIGIL_PAGINATION_PAGE] = (const char * const[]) { "param", "start", NULL },
  [VIGIL_PAGINATION_LINK_HEADER] = (const char * const[]) { NULL },
  [VIGIL_PAGINATION_LAST_ID] = (const char * const[]) { "param", "pointer", NULL },
  [VIGIL_PAGINATION_OFFSET] = (const char * const[]) { "param", "limit_param", "limit", "total", NULL },
};

/* A page size far above any API's, so that a hostile one stays sane. */
#define MAX_PAGE_LIMIT 1000000

/* A limit far above any real mapping, so a hostile one stays small. */
#define MAX_POINTER_LENGTH 4096

static gboolean
set_mapping_verror (GError     **error,
                    const char  *where,
                    const char  *format,
                    va_list      args) G_GNUC_PRINTF (3, 0);

static gboolean
set_mapping_verror (GError     **error,
                    const char  *where,
                    const char  *format,
                    va_list      args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("Mapping: %s: %s"), where, message);
  return FALSE;
}

static gboolean
set_mapping_error (GError     **error,
                   const char  *where,
                   const char  *format,
                   ...) G_GNUC_PRINTF (3, 4);

static gboolean
set_mapping_error (GError     **error,
                   const char  *where,
                   const char  *format,
                   ...)
{
  va_list args;

  va_start (args, format);
  set_mapping_verror (error, where, format, args);
  va_end (args);
  return FALSE;
}

/* The same, for the mapping's request members (vigil-mapping-request.c). */
gboolean
_vigil_mapping_error (GError     **error,
                      const char  *where,
                      const char  *format,
                      ...)
{
  va_list args;

  va_start (args, format);
  set_mapping_verror (error, where, format, args);
  va_end (args);
  return FALSE;
}

/**
 * vigil_json_pointer_validate:
 * @pointer: a JSON Pointer
 *
 * Returns: %TRUE if @pointer is "" or a sequence of "/"-prefixed
 *   reference tokens whose "~" escapes are "~0" or "~1"
 */
gboolean
vigil_json_pointer_validate (const char  *pointer,
                             GError     **error)
{
  g_return_val_if_fail (pointer != NULL, FALSE);

  if (*pointer != '\0' && *pointer != '/')
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("“%s” is not a JSON Pointer: it must be empty or start with “/”"), pointer);
      return FALSE;
    }
  if (strlen (pointer) > MAX_POINTER_LENGTH || !g_utf8_validate (pointer, -1, NULL))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("a JSON Pointer must be valid UTF-8 of at most 4096 bytes"));
      return FALSE;
    }
  for (const char *p = pointer; *p != '\0'; p++)
    if (*p == '~' && p[1] != '0' && p[1] != '1')
      {
        g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                     _("“%s” is not a JSON Pointer: “~” must be followed by 0 or 1"), pointer);
        return FALSE;
      }

  return TRUE;
}

/**
 * vigil_json_pointer_append:
 * @pointer: a valid JSON Pointer
 * @token: a member name or an array index, as it is
 *
 * Returns: (transfer full): the pointer to @token below @pointer, its
 *   "~" and "/" escaped as RFC 6901 says ("~0", "~1")
 */
char *
vigil_json_pointer_append (const char *pointer,
                           const char *token)
{
  GString *out;

  g_return_val_if_fail (pointer != NULL, NULL);
  g_return_val_if_fail (token != NULL, NULL);

  out = g_string_new (pointer);
  g_string_append_c (out, '/');
  for (const char *p = token; *p != '\0'; p++)
    {
      if (*p == '~')
        g_string_append (out, "~0");
      else if (*p == '/')
        g_string_append (out, "~1");
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
parse_array_index (const char *token,
                   guint       length,
                   guint      *out_index)
{
  guint64 value;

  if (!_vigil_json_pointer_token_index (token, &value) || value >= length)
    return FALSE;
  *out_index = (guint) value;
  return TRUE;
}

/**
 * vigil_json_pointer_get:
 * @root: a JSON document
 * @pointer: a valid JSON Pointer
 *
 * Returns: (transfer none) (nullable): the value @pointer refers to, or
 *   %NULL if there is none
 */
JsonNode *
vigil_json_pointer_get (JsonNode   *root,
                        const char *pointer)
{
  g_autoptr(GString) token = g_string_new (NULL);
  JsonNode *node = root;
  const char *p = pointer;

  g_return_val_if_fail (pointer != NULL, NULL);

  while (node != NULL && *p == '/')
    {
      p = _vigil_json_pointer_next_token (p + 1, token);

      if (JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), token->str);
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          guint index;

          node = parse_array_index (token->str, json_array_get_length (array), &index)
            ? json_array_get_element (array, index) : NULL;
        }
      else
        node = NULL;
    }

  return node;
}

static void
clear_key_pointer (gpointer data)
{
  KeyPointer *key = data;

  g_free (key->pointer);
}

static void
vigil_mapping_finalize (GObject *object)
{
  VigilMapping *self = (VigilMapping *) object;

  g_free (self->records);
  g_clear_pointer (&self->key_pointers, g_array_unref);
  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      g_free (self->fields[i]);
      g_free (self->detail_fields[i]);
      g_clear_pointer (&self->field_rules[i], _vigil_field_rule_free);
      g_clear_pointer (&self->detail_rules[i], _vigil_field_rule_free);
      g_clear_pointer (&self->sum_trees[i], _vigil_pointer_tree_free);
      g_clear_pointer (&self->detail_sum_trees[i], _vigil_pointer_tree_free);
    }
  g_free (self->page_pointer);
  g_free (self->page_param);
  g_free (self->limit_param);
  g_free (self->more_pointer);
  g_free (self->total_pointer);
  _vigil_mapping_request_clear (&self->request);
  g_clear_pointer (&self->no_records, json_array_unref);
  g_free (self->detail_url);
  g_clear_pointer (&self->page_tree, _vigil_pointer_tree_free);
  g_clear_pointer (&self->record_tree, _vigil_pointer_tree_free);
  g_clear_pointer (&self->detail_tree, _vigil_pointer_tree_free);

  G_OBJECT_CLASS (vigil_mapping_parent_class)->finalize (object);
}

static void
vigil_mapping_class_init (VigilMappingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vigil_mapping_finalize;
}

static void
vigil_mapping_init (VigilMapping *self)
{
  self->page_start = 1;
  self->decimal = '.';
  self->no_records = json_array_new ();
  self->key_pointers = g_array_new (FALSE, FALSE, sizeof (KeyPointer));
  g_array_set_clear_func (self->key_pointers, clear_key_pointer);
}

/* A sum's pointers inside one element of its array. */
static VigilPointerTree *
sum_tree (const VigilFieldRule *rule)
{
  VigilPointerTree *tree = _vigil_pointer_tree_new ();

  _vigil_pointer_tree_add (tree, rule->of, ITEM_OF);
  if (rule->times != NULL)
    _vigil_pointer_tree_add (tree, rule->times, ITEM_TIMES);
  if (rule->per_interval != NULL)
    _vigil_pointer_tree_add (tree, rule->per_interval, ITEM_INTERVAL);
  if (rule->per_count != NULL)
    _vigil_pointer_tree_add (tree, rule->per_count, ITEM_COUNT);
  return tree;
}

static VigilPointerTree *
fields_tree (char            **fields,
             VigilFieldRule  **rules,
             VigilPointerTree **sum_trees)
{
  VigilPointerTree *tree = _vigil_pointer_tree_new ();

  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      const VigilFieldRule *rule = rules[i];
      int role = ROLE_RULE + i * RULE_SLOTS;

      if (fields[i] != NULL)
        _vigil_pointer_tree_add (tree, fields[i], i);
      if (rule == NULL)
        continue;
      _vigil_pointer_tree_add (tree, rule->source, role + RULE_VALUE);
      if (rule->is_sum)
        {
          /* A sum's per is in each element, not in the record. */
          sum_trees[i] = sum_tree (rule);
          continue;
        }
      if (rule->per_interval != NULL)
        _vigil_pointer_tree_add (tree, rule->per_interval, role + RULE_INTERVAL);
      if (rule->per_count != NULL)
        _vigil_pointer_tree_add (tree, rule->per_count, role + RULE_COUNT);
    }
  return tree;
}

/* Once the pointers are known; a mapping does not change after. */
static void
build_trees (VigilMapping *self)
{
  /* A CSV mapping has columns, not pointers: nothing to find in JSON. */
  if (self->csv)
    return;
  self->page_tree = _vigil_pointer_tree_new ();
  _vigil_pointer_tree_add (self->page_tree, self->records, PAGE_RECORDS);
  /* last-id's pointer is in each record; the others' in the page */
  if (self->page_pointer != NULL && self->pagination != VIGIL_PAGINATION_LAST_ID)
    _vigil_pointer_tree_add (self->page_tree, self->page_pointer, PAGE_NEXT);
  if (self->more_pointer != NULL)
    _vigil_pointer_tree_add (self->page_tree, self->more_pointer, PAGE_MORE);
  if (self->total_pointer != NULL)
    _vigil_pointer_tree_add (self->page_tree, self->total_pointer, PAGE_TOTAL);
  self->record_tree = fields_tree (self->fields, self->field_rules, self->sum_trees);
  for (guint i = 0; i < self->key_pointers->len; i++)
    _vigil_pointer_tree_add (self->record_tree, g_array_index (self->key_pointers, KeyPointer, i).pointer,
                             ROLE_KEY_POINTER + (int) i);
  if (self->page_pointer != NULL && self->pagination == VIGIL_PAGINATION_LAST_ID)
    _vigil_pointer_tree_add (self->record_tree, self->page_pointer, ROLE_PAGE_ID);
  self->detail_tree = fields_tree (self->detail_fields, self->detail_rules, self->detail_sum_trees);
}

/* The native format, records at @records; a document that is the array
 * of records itself has no room for a next page. */
static VigilMapping *
new_native (const char *records)
{
  VigilMapping *self = g_object_new (VIGIL_TYPE_MAPPING, NULL);

  self->native = TRUE;
  self->records = g_strdup (records);
  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    self->fields[i] = g_strconcat ("/", vigil_field_get_name ((VigilField) i), NULL);
  if (*records != '\0')
    {
      self->pagination = VIGIL_PAGINATION_NEXT_URL;
      self->page_pointer = g_strdup ("/next");
    }
  build_trees (self);
  return self;
}

/**
 * vigil_mapping_new_native:
 *
 * Returns: (transfer full): the mapping of the native format: records at
 *   /customers, each field under its own name, pages through `next`
 */
VigilMapping *
vigil_mapping_new_native (void)
{
  return new_native ("/customers");
}

/**
 * vigil_mapping_new_native_array:
 *
 * Returns: (transfer full): the mapping of the native format for a
 *   document that is the array of records itself (an import, design 2.5)
 */
VigilMapping *
vigil_mapping_new_native_array (void)
{
  return new_native ("");
}

static gboolean
get_string_member (JsonObject  *object,
                   const char  *member,
                   const char  *where,
                   gboolean     required,
                   char       **out,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *path = g_strdup_printf ("%s%s%s", where, *where ? "." : "", member);

  if (node == NULL)
    {
      if (required)
        return set_mapping_error (error, path, _("missing"));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return set_mapping_error (error, path, _("must be a string"));

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_pointer_member (JsonObject  *object,
                    const char  *member,
                    const char  *where,
                    gboolean     required,
                    char       **out,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = g_strdup_printf ("%s%s%s", where, *where ? "." : "", member);

  if (!get_string_member (object, member, where, required, out, error))
    return FALSE;
  if (*out != NULL && !vigil_json_pointer_validate (*out, &local_error))
    return set_mapping_error (error, path, "%s", local_error->message);
  return TRUE;
}

/* The native field names (design 2.1), for an error that names them. */
static char *
list_field_names (void)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    g_string_append_printf (names, "%s%s", field > 0 ? ", " : "", vigil_field_get_name (field));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Whether @rule asks for nothing a bare pointer would not do: then the
 * field is read as a pointer's is, straight from the text. */
static gboolean
rule_is_pointer (const VigilFieldRule *rule)
{
  return !rule->is_sum && !rule->has_scale && rule->per_interval == NULL &&
         rule->time == VIGIL_TIME_AS_GIVEN && !rule->lower;
}

/* One member of fields or detail_fields (design 2.2): a pointer, or an
 * object that says how the value is read. */
static gboolean
parse_field (VigilMapping  *self,
             VigilField     field,
             JsonNode      *value,
             const char    *path,
             gboolean       detail,
             GError       **error)
{
  char **fields = detail ? self->detail_fields : self->fields;
  VigilFieldRule **rules = detail ? self->detail_rules : self->field_rules;
  g_autoptr(VigilFieldRule) rule = NULL;

  g_clear_pointer (&fields[field], g_free);
  g_clear_pointer (&rules[field], _vigil_field_rule_free);
  rule = _vigil_field_rule_parse (field, value, path, self->csv ? VIGIL_RULE_CSV : VIGIL_RULE_JSON,
                                  self->decimal, error);
  if (rule == NULL)
    return FALSE;

  /* Keys, whole (a key or an array of them), and features are read by
   * the mapping itself; lower-casing keys is the keys' own rule (2.1). */
  if (field == VIGIL_FIELD_KEYS)
    *(detail ? &self->detail_keys_lower : &self->keys_lower) = rule->lower;
  if (self->csv)
    rules[field] = g_steal_pointer (&rule);
  else if (field == VIGIL_FIELD_KEYS || field == VIGIL_FIELD_FEATURES || rule_is_pointer (rule))
    fields[field] = g_steal_pointer (&rule->source);
  else
    rules[field] = g_steal_pointer (&rule);
  return TRUE;
}

static gboolean
parse_fields (VigilMapping  *self,
              JsonObject    *root,
              const char    *member,
              gboolean       detail,
              GError       **error)
{
  JsonNode *node = json_object_get_member (root, member);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (node == NULL && detail)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return set_mapping_error (error, member, self->csv
                              ? _("must be an object from field names to column names")
                              : _("must be an object from field names to JSON Pointers"));

  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &value))
    {
      VigilField field = vigil_field_from_name (name);
      g_autofree char *path = g_strdup_printf ("%s.%s", member, name);

      if (field == VIGIL_FIELD_NONE)
        {
          g_autofree char *known = list_field_names ();

          return set_mapping_error (error, path, _("“%s” is not a field Vigil knows (it knows %s)"),
                                    name, known);
        }
      if (!parse_field (self, field, value, path, detail, error))
        return FALSE;
    }

  if (!detail && self->fields[VIGIL_FIELD_ID] == NULL && self->field_rules[VIGIL_FIELD_ID] == NULL)
    return set_mapping_error (error, member, self->csv ? _("needs a column for “id”")
                                                       : _("needs a pointer for “id”"));
  return TRUE;
}

/* One element of the keys member: a pointer, or {"pointer", "lower"};
 * in a CSV mapping a column, or {"column", "lower"}. */
static gboolean
parse_key_pointer (VigilMapping  *self,
                   JsonNode      *node,
                   const char    *where,
                   KeyPointer    *key,
                   GError       **error)
{
  static const char * const known[] = { "pointer", "lower", NULL };
  static const char * const known_csv[] = { "column", "lower", NULL };
  g_autoptr(GError) local_error = NULL;
  JsonObjectIter iter;
  JsonObject *object;
  const char *name;
  JsonNode *lower;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING && self->csv)
    {
      key->pointer = g_strstrip (g_strdup (json_node_get_string (node)));
      if (*key->pointer == '\0')
        return set_mapping_error (error, where, _("must name a column"));
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (!vigil_json_pointer_validate (json_node_get_string (node), &local_error))
        return set_mapping_error (error, where, "%s", local_error->message);
      key->pointer = g_strdup (json_node_get_string (node));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_mapping_error (error, where, self->csv
                              ? _("must be a column name or an object with a “column”")
                              : _("must be a JSON Pointer or an object with a “pointer”"));

  object = json_node_get_object (node);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, NULL))
    if (!g_strv_contains (self->csv ? known_csv : known, name))
      {
        g_autofree char *path = g_strdup_printf ("%s.%s", where, name);

        return set_mapping_error (error, path, _("unknown member"));
      }
  if (self->csv)
    {
      if (!get_string_member (object, "column", where, TRUE, &key->pointer, error))
        return FALSE;
      g_strstrip (key->pointer);
    }
  else if (!get_pointer_member (object, "pointer", where, TRUE, &key->pointer, error))
    return FALSE;
  lower = json_object_get_member (object, "lower");
  if (lower != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (lower) || json_node_get_value_type (lower) != G_TYPE_BOOLEAN)
        {
          g_autofree char *path = g_strdup_printf ("%s.lower", where);

          return set_mapping_error (error, path, _("must be true or false"));
        }
      key->lower = json_node_get_boolean (lower);
    }
  return TRUE;
}

/* The keys member: where each record's keys are (design 2.2). */
static gboolean
parse_keys (VigilMapping  *self,
            JsonObject    *root,
            GError       **error)
{
  JsonNode *node = json_object_get_member (root, "keys");
  JsonArray *array;
  guint n;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_mapping_error (error, "keys", self->csv ? _("must be a list of column names")
                                                       : _("must be a list of JSON Pointers"));
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > MAX_KEY_POINTERS)
    return set_mapping_error (error, "keys", _("at most %d pointers"), MAX_KEY_POINTERS);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("keys[%u]", i);
      KeyPointer key = { NULL, FALSE };

      if (!parse_key_pointer (self, json_array_get_element (array, i), where, &key, error))
        {
          g_free (key.pointer);
          return FALSE;
        }
      g_array_append_val (self->key_pointers, key);
    }
  return TRUE;
}

/* A name a page's value is sent under: a query parameter or a POST
 * body's member. */
static gboolean
get_param_member (JsonObject  *object,
                  const char  *member,
                  gboolean     required,
                  char       **out,
                  GError     **error)
{
  g_autofree char *path = g_strdup_printf ("pagination.%s", member);

  if (!get_string_member (object, member, "pagination", required, out, error))
    return FALSE;
  return *out == NULL || _vigil_mapping_check_name (*out, path, error);
}

/* A whole number member of "pagination" between @min and @max. */
static gboolean
get_count_member (JsonObject  *object,
                  const char  *member,
                  gboolean     required,
                  gint64       min,
                  gint64       max,
                  gint64      *out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *path = g_strdup_printf ("pagination.%s", member);

  if (node == NULL)
    return required ? set_mapping_error (error, path, _("missing")) : TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < min || json_node_get_int (node) > max)
    return set_mapping_error (error, path, _("must be a whole number from %" PRId64 " to %" PRId64),
                              (int64_t) min, (int64_t) max);
  *out = json_node_get_int (node);
  return TRUE;
}

/* A misspelt member, or one of another style, would be ignored without
 * a word. */
static gboolean
check_pagination_members (JsonObject            *object,
                          VigilPaginationStyle   style,
                          GError               **error)
{
  JsonObjectIter iter;
  const char *name;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, NULL))
    if (!g_str_equal (name, "style") && !(g_str_equal (name, "more") && style != VIGIL_PAGINATION_NONE) &&
        !g_strv_contains (style_members[style], name))
      {
        g_autofree char *path = g_strdup_printf ("pagination.%s", name);

        return set_mapping_error (error, path, _("the %s style takes no such member"), pagination_names[style]);
      }
  return TRUE;
}

static gboolean
parse_pagination_style (JsonObject            *object,
                        VigilPaginationStyle  *out,
                        GError               **error)
{
  g_autofree char *style = NULL;

  if (!get_string_member (object, "style", "pagination", TRUE, &style, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (pagination_names); i++)
    if (g_str_equal (pagination_names[i], style))
      {
        *out = (VigilPaginationStyle) i;
        return TRUE;
      }
  return set_mapping_error (error, "pagination.style",
                            _("unknown style “%s”: use none, next-url, cursor, page, link-header, "
                              "last-id or offset"), style);
}

static gboolean
parse_pagination (VigilMapping  *self,
                  JsonObject    *root,
                  GError       **error)
{
  JsonNode *node = json_object_get_member (root, "pagination");
  JsonObject *object;

  self->pagination = VIGIL_PAGINATION_NONE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_mapping_error (error, "pagination", _("must be an object"));
  object = json_node_get_object (node);

  if (!parse_pagination_style (object, &self->pagination, error) ||
      !check_pagination_members (object, self->pagination, error) ||
      !get_pointer_member (object, "more", "pagination", FALSE, &self->more_pointer, error))
    return FALSE;

  switch (self->pagination)
    {
    case VIGIL_PAGINATION_NEXT_URL:
      return get_pointer_member (object, "pointer", "pagination", TRUE, &self->page_pointer, error);

    case VIGIL_PAGINATION_CURSOR:
      return get_pointer_member (object, "pointer", "pagination", TRUE, &self->page_pointer, error) &&
             get_param_member (object, "param", TRUE, &self->page_param, error);

    case VIGIL_PAGINATION_PAGE:
      return get_param_member (object, "param", TRUE, &self->page_param, error) &&
             get_count_member (object, "start", FALSE, 0, G_MAXINT32, &self->page_start, error);

    case VIGIL_PAGINATION_LAST_ID:
      /* by default the record's id; its own pointer when the id is not
       * what the API pages by (Stripe's subscriptions, one customer's) */
      return get_param_member (object, "param", TRUE, &self->page_param, error) &&
             get_pointer_member (object, "pointer", "pagination", FALSE, &self->page_pointer, error);

    case VIGIL_PAGINATION_OFFSET:
      if (!get_param_member (object, "param", TRUE, &self->page_param, error) ||
          !get_param_member (object, "limit_param", FALSE, &self->limit_param, error) ||
          !get_count_member (object, "limit", TRUE, 1, MAX_PAGE_LIMIT, &self->page_limit, error) ||
          !get_pointer_member (object, "total", "pagination", FALSE, &self->total_pointer, error))
        return FALSE;
      if (self->limit_param != NULL && g_str_equal (self->limit_param, self->page_param))
        return set_mapping_error (error, "pagination.limit_param", _("must differ from param"));
      return TRUE;

    case VIGIL_PAGINATION_NONE:
    case VIGIL_PAGINATION_LINK_HEADER:
    default:
      return TRUE;
    }
}

static gboolean
parse_detail_url (VigilMapping  *self,
                  JsonObject    *root,
                  GError       **error)
{
  if (!get_string_member (root, "detail_url", "", FALSE, &self->detail_url, error))
    return FALSE;
  if (self->detail_url == NULL)
    {
      if (json_object_has_member (root, "detail_fields"))
        return set_mapping_error (error, "detail_fields", _("needs a detail_url"));
      return TRUE;
    }
  if (!g_str_has_prefix (self->detail_url, "http://") && !g_str_has_prefix (self->detail_url, "https://"))
    return set_mapping_error (error, "detail_url", _("must be an http:// or https:// URL"));
  if (strstr (self->detail_url, "{id}") == NULL)
    return set_mapping_error (error, "detail_url", _("must contain {id} where the customer's id goes"));
  /* The ids come from the endpoint's answer: were one to go into the
   * host, the answer would choose where the source's secrets are sent. */
  {
    const char *authority = strstr (self->detail_url, "://") + 3;
    const char *authority_end = authority + strcspn (authority, "/?#");

    if (strstr (self->detail_url, "{id}") < authority_end)
      return set_mapping_error (error, "detail_url", _("must have {id} in its path or query, not in its host"));
  }

  return parse_fields (self, root, "detail_fields", TRUE, error);
}

/* How repeated records combine (design 2.5): field → rule. */
static gboolean
parse_merge (VigilMapping  *self,
             JsonObject    *root,
             GError       **error)
{
  JsonNode *node = json_object_get_member (root, "merge");
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_mapping_error (error, "merge", _("must be an object from field names to sum, max, "
                                                "min, first or last"));
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &value))
    {
      g_autofree char *path = g_strdup_printf ("merge.%s", name);
      g_autoptr(GError) local_error = NULL;
      VigilField field = vigil_field_from_name (name);

      if (field == VIGIL_FIELD_NONE)
        {
          g_autofree char *known = list_field_names ();

          return set_mapping_error (error, path, _("“%s” is not a field Vigil knows (it knows %s)"),
                                    name, known);
        }
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return set_mapping_error (error, path, _("must be sum, max, min, first or last"));
      if (!vigil_merge_rule_parse (field, json_node_get_string (value), &self->merge[field], &local_error))
        return set_mapping_error (error, path, "%s", local_error->message);
    }
  return TRUE;
}

/* A CSV mapping's delimiter and decimal mark (design 2.5). */
static gboolean
parse_csv_style (VigilMapping  *self,
                 JsonObject    *root,
                 GError       **error)
{
  g_autofree char *delimiter = NULL;
  g_autofree char *decimal = NULL;

  if (!get_string_member (root, "delimiter", "", FALSE, &delimiter, error) ||
      !get_string_member (root, "decimal", "", FALSE, &decimal, error))
    return FALSE;
  if (delimiter != NULL)
    {
      if (g_strcmp0 (delimiter, ",") != 0 && g_strcmp0 (delimiter, ";") != 0 &&
          g_strcmp0 (delimiter, "\t") != 0)
        return set_mapping_error (error, "delimiter", _("must be “,”, “;” or a tab (“\\t”)"));
      self->delimiter = *delimiter;
    }
  if (decimal != NULL)
    {
      if (g_strcmp0 (decimal, ".") != 0 && g_strcmp0 (decimal, ",") != 0)
        return set_mapping_error (error, "decimal", _("must be “.” or “,”"));
      self->decimal = *decimal;
    }
  return TRUE;
}

/* A misspelt member would otherwise be ignored without a word; one
 * that belongs to the other kind of mapping is said so. */
static gboolean
check_members (VigilMapping  *self,
               JsonObject    *root,
               GError       **error)
{
  static const char * const known[] = {
    "records", "fields", "keys", "features_format", "pagination", "detail_url", "detail_fields",
    "method", "query", "headers", "body", "merge", NULL
  };
  static const char * const csv_only[] = { "delimiter", "decimal", NULL };
  static const char * const csv_known[] = { "fields", "keys", "merge", "delimiter", "decimal", NULL };
  JsonObjectIter iter;
  const char *name;

  json_object_iter_init (&iter, root);
  while (json_object_iter_next (&iter, &name, NULL))
    {
      if (!g_strv_contains (known, name) && !g_strv_contains (csv_only, name))
        return set_mapping_error (error, name, _("unknown member"));
      if (self->csv && !g_strv_contains (csv_known, name))
        return set_mapping_error (error, name, _("a mapping without “records” reads the columns of a "
                                                 "CSV file, where this means nothing (a mapping for "
                                                 "JSON needs “records”)"));
      if (!self->csv && g_strv_contains (csv_only, name))
        return set_mapping_error (error, name, _("applies to a CSV file's mapping, which has no "
                                                 "“records”"));
    }
  return TRUE;
}

static VigilMapping *
mapping_from_node (JsonNode  *node,
                   GError   **error)
{
  g_autoptr(VigilMapping) self = g_object_new (VIGIL_TYPE_MAPPING, NULL);
  g_autofree char *format = NULL;
  JsonObject *root;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("Mapping: must be a JSON object"));
      return NULL;
    }
  root = json_node_get_object (node);
  /* design 2.5: a mapping with no records pointer reads a CSV file,
   * each field from a column. */
  self->csv = !json_object_has_member (root, "records");

  if (!check_members (self, root, error))
    return NULL;

  if (self->csv)
    {
      if (!parse_csv_style (self, root, error) ||
          !parse_fields (self, root, "fields", FALSE, error) ||
          !parse_keys (self, root, error) ||
          !parse_merge (self, root, error))
        return NULL;
      return g_steal_pointer (&self);
    }

  if (!get_pointer_member (root, "records", "", TRUE, &self->records, error) ||
      !parse_fields (self, root, "fields", FALSE, error) ||
      !parse_keys (self, root, error) ||
      !parse_merge (self, root, error) ||
      !get_string_member (root, "features_format", "", FALSE, &format, error) ||
      !parse_pagination (self, root, error) ||
      !_vigil_mapping_request_parse (&self->request, root, error) ||
      !parse_detail_url (self, root, error))
    return NULL;

  if (format == NULL)
    self->features_format = VIGIL_FEATURES_FORMAT_ANY;
  else if (g_strcmp0 (format, "object") == 0)
    self->features_format = VIGIL_FEATURES_FORMAT_OBJECT;
  else if (g_strcmp0 (format, "array") == 0)
    self->features_format = VIGIL_FEATURES_FORMAT_ARRAY;
  else
    {
      set_mapping_error (error, "features_format", _("“%s” is neither object nor array"), format);
      return NULL;
    }

  build_trees (self);
  return g_steal_pointer (&self);
}

/**
 * vigil_mapping_new_from_data:
 * @data: a mapping as JSON (design 2.2)
 *
 * Returns: (transfer full): the mapping, or %NULL with @error naming
 *   the member at fault
 */
VigilMapping *
vigil_mapping_new_from_data (const char  *data,
                             gssize       length,
                             GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!(root = _vigil_json_parse (data, length, VIGIL_JSON_SETTINGS, &local_error)))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("Mapping is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  return mapping_from_node (root, error);
}

/**
 * vigil_mapping_new_from_file:
 *
 * Returns: (transfer full): the mapping in @path, or %NULL with @error set
 */
VigilMapping *
vigil_mapping_new_from_file (const char  *path,
                             GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  VigilMapping *self;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (!(self = vigil_mapping_new_from_data (contents, (gssize) length, error)))
    g_prefix_error (error, "%s: ", path);
  return self;
}

static void
add_fields (JsonBuilder     *builder,
            const char      *member,
            char           **fields,
            VigilFieldRule **rules,
            gboolean         keys_lower)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      if (fields[i] == NULL && rules[i] == NULL)
        continue;
      json_builder_set_member_name (builder, vigil_field_get_name ((VigilField) i));
      if (rules[i] != NULL)
        _vigil_field_rule_to_json (rules[i], builder);
      else if (i == VIGIL_FIELD_KEYS && keys_lower)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "pointer");
          json_builder_add_string_value (builder, fields[i]);
          json_builder_set_member_name (builder, "lower");
          json_builder_add_boolean_value (builder, TRUE);
          json_builder_end_object (builder);
        }
      else
        json_builder_add_string_value (builder, fields[i]);
    }
  json_builder_end_object (builder);
}

static void
add_merge (JsonBuilder          *builder,
           const VigilMergeRule *merge)
{
  gboolean any = FALSE;

  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      if (merge[i] == VIGIL_MERGE_LAST)
        continue;
      if (!any)
        {
          json_builder_set_member_name (builder, "merge");
          json_builder_begin_object (builder);
          any = TRUE;
        }
      json_builder_set_member_name (builder, vigil_field_get_name ((VigilField) i));
      json_builder_add_string_value (builder, vigil_merge_rule_get_name (merge[i]));
    }
  if (any)
    json_builder_end_object (builder);
}

/* A CSV mapping: columns, how repeated ids combine, the text style. */
static void
add_csv_members (VigilMapping *self,
                 JsonBuilder  *builder)
{
  if (self->delimiter != 0)
    {
      char delimiter[2] = { self->delimiter, '\0' };

      json_builder_set_member_name (builder, "delimiter");
      json_builder_add_string_value (builder, delimiter);
    }
  if (self->decimal != '.')
    {
      json_builder_set_member_name (builder, "decimal");
      json_builder_add_string_value (builder, ",");
    }
}

static void
add_key_pointers (JsonBuilder *builder,
                  GArray      *key_pointers,
                  gboolean     csv)
{
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_array (builder);
  for (guint i = 0; i < key_pointers->len; i++)
    {
      const KeyPointer *key = &g_array_index (key_pointers, KeyPointer, i);

      if (!key->lower)
        {
          json_builder_add_string_value (builder, key->pointer);
          continue;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, csv ? "column" : "pointer");
      json_builder_add_string_value (builder, key->pointer);
      json_builder_set_member_name (builder, "lower");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* The members of the offset style and "more", as parse_pagination()
 * reads them. */
static void
add_pagination_counts (JsonBuilder  *builder,
                       VigilMapping *self)
{
  if (self->limit_param != NULL)
    {
      json_builder_set_member_name (builder, "limit_param");
      json_builder_add_string_value (builder, self->limit_param);
    }
  if (self->pagination == VIGIL_PAGINATION_OFFSET)
    {
      json_builder_set_member_name (builder, "limit");
      json_builder_add_int_value (builder, self->page_limit);
    }
  if (self->total_pointer != NULL)
    {
      json_builder_set_member_name (builder, "total");
      json_builder_add_string_value (builder, self->total_pointer);
    }
  if (self->more_pointer != NULL)
    {
      json_builder_set_member_name (builder, "more");
      json_builder_add_string_value (builder, self->more_pointer);
    }
}

/**
 * vigil_mapping_to_json:
 *
 * Returns: (transfer full): the mapping as JSON that
 *   vigil_mapping_new_from_data() reads back to the same mapping
 */
char *
vigil_mapping_to_json (VigilMapping *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);

  json_builder_begin_object (builder);
  if (self->csv)
    {
      add_fields (builder, "fields", self->fields, self->field_rules, FALSE);
      if (self->key_pointers->len > 0)
        add_key_pointers (builder, self->key_pointers, TRUE);
      add_merge (builder, self->merge);
      add_csv_members (self, builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      return json_to_string (root, TRUE);
    }
  json_builder_set_member_name (builder, "records");
  json_builder_add_string_value (builder, self->records);
  add_fields (builder, "fields", self->fields, self->field_rules, self->keys_lower);
  if (self->key_pointers->len > 0)
    add_key_pointers (builder, self->key_pointers, FALSE);
  add_merge (builder, self->merge);
  if (self->features_format != VIGIL_FEATURES_FORMAT_ANY)
    {
      json_builder_set_member_name (builder, "features_format");
      json_builder_add_string_value (builder, self->features_format == VIGIL_FEATURES_FORMAT_OBJECT
                                     ? "object" : "array");
    }
  json_builder_set_member_name (builder, "pagination");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "style");
  json_builder_add_string_value (builder, pagination_names[self->pagination]);
  if (self->page_pointer != NULL)
    {
      json_builder_set_member_name (builder, "pointer");
      json_builder_add_string_value (builder, self->page_pointer);
    }
  if (self->page_param != NULL)
    {
      json_builder_set_member_name (builder, "param");
      json_builder_add_string_value (builder, self->page_param);
    }
  if (self->pagination == VIGIL_PAGINATION_PAGE)
    {
      json_builder_set_member_name (builder, "start");
      json_builder_add_int_value (builder, self->page_start);
    }
  add_pagination_counts (builder, self);
  json_builder_end_object (builder);
  _vigil_mapping_request_to_json (&self->request, builder);
  if (self->detail_url != NULL)
    {
      json_builder_set_member_name (builder, "detail_url");
      json_builder_add_string_value (builder, self->detail_url);
      add_fields (builder, "detail_fields", self->detail_fields, self->detail_rules, self->detail_keys_lower);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}

/* A CSV file's mapping given JSON to read. */
static gboolean
set_csv_mapping_error (GError **error)
{
  g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("the mapping has no “records”, so it names the columns of a CSV file: JSON "
                         "needs a mapping with “records”, the JSON Pointer to the array of records"));
  return FALSE;
}

/* Whether a page with nothing at the records pointer is a page without
 * records (design 2.2): so it is with a mapping, which says where the
 * records are when there are any (an API may leave the member out of
 * an empty answer). Without one, a document with no "customers" is not
 * in the native format, and the error says how to read it. */
static gboolean
missing_records_are_none (VigilMapping *self)
{
  return !self->native;
}

/* The kind of value a JSON text's first character begins, in words. */
static const char *
kind_of_value (char first)
{
  switch (first)
    {
    case '{':
      return _("an object");
    case '[':
      return _("an array");
    case '"':
      return _("a string");
    case 't':
    case 'f':
      return _("true or false");
    case 'n':
      return "null";
    default:
      return _("a number");
    }
}

/* No array where the records pointer points, but a value whose text
 * begins with @found (or nothing, '\0'): said the native format's way
 * when there is no mapping. */
static void
set_no_records_error (VigilMapping  *self,
                      char           found,
                      GError       **error)
{
  if (self->native)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                 _("no array of records at “%s”: in the native format the records are the "
                   "“customers” array (other shapes need a mapping)"), self->records);
  else if (found == '\0')
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                 _("no array of records at “%s” (the mapping's records pointer)"), self->records);
  else
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                 _("no array of records at “%s” (the mapping's records pointer): it holds %s"),
                 self->records, kind_of_value (found));
}

/* The first character of @node's JSON text, for set_no_records_error(). */
static char
first_char_of_node (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return '{';
  if (JSON_NODE_HOLDS_ARRAY (node))
    return '[';
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return '"';
    case G_TYPE_BOOLEAN:
      return 't';
    default:
      return '0';
    }
}

/**
 * vigil_mapping_get_records:
 * @document: a whole response or file
 *
 * Returns: (transfer none): the array of records in @document (empty
 *   when it holds null there, or, with a mapping, nothing), or %NULL
 *   with @error set when the records pointer finds something else
 */
JsonArray *
vigil_mapping_get_records (VigilMapping  *self,
                           JsonNode      *document,
                           GError       **error)
{
  JsonNode *node;

  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);
  g_return_val_if_fail (document != NULL, NULL);

  if (self->csv)
    {
      set_csv_mapping_error (error);
      return NULL;
    }
  node = vigil_json_pointer_get (document, self->records);
  /* null is an empty collection (Pipedrive answers one so). */
  if ((node == NULL && missing_records_are_none (self)) || (node != NULL && JSON_NODE_HOLDS_NULL (node)))
    return self->no_records;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      set_no_records_error (self, node != NULL ? first_char_of_node (node) : '\0', error);
      return NULL;
    }
  return json_node_get_array (node);
}

static gboolean
has_keys (VigilMapping *self)
{
  return self->fields[VIGIL_FIELD_KEYS] != NULL || self->key_pointers->len > 0;
}

/* The keys in @record: what fields.keys and each pointer of the keys
 * member find there, gathered (design 2.2). */
static void
apply_keys (VigilMapping  *self,
            JsonNode      *record,
            VigilSnapshot *snapshot)
{
  VigilKeysValue values[1 + MAX_KEY_POINTERS];
  guint n = 1 + self->key_pointers->len;

  memset (values, 0, n * sizeof *values);
  if (self->fields[VIGIL_FIELD_KEYS] != NULL)
    _vigil_keys_value_set_node (&values[0], vigil_json_pointer_get (record, self->fields[VIGIL_FIELD_KEYS]),
                                self->keys_lower);
  for (guint i = 0; i < self->key_pointers->len; i++)
    {
      const KeyPointer *key = &g_array_index (self->key_pointers, KeyPointer, i);

      _vigil_keys_value_set_node (&values[1 + i], vigil_json_pointer_get (record, key->pointer), key->lower);
    }
  _vigil_snapshot_add_keys (snapshot, values, n);
}

/* Keys a detail answer gives replace the list's (design 2.2); null, or
 * none found, leaves them. */
static void
replace_keys (VigilSnapshot  *snapshot,
              VigilKeysValue *value)
{
  g_clear_pointer (&snapshot->keys, g_ptr_array_unref);
  _vigil_snapshot_add_keys (snapshot, value, 1);
}

/* The fields read by a rule, from a record as a tree. */
static void
apply_rules (VigilFieldRule **rules,
             JsonNode        *record,
             VigilSnapshot   *snapshot)
{
  VigilRawValue raw[N_ITEM_PARTS + 1] = { { 0, }, };
  VigilRawValue *value = &raw[N_ITEM_PARTS];

  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      const VigilFieldRule *rule = rules[i];
      JsonNode *node;

      if (rule == NULL)
        continue;
      node = vigil_json_pointer_get (record, rule->source);
      _vigil_raw_value_set_node (value, node);
      if (!rule->is_sum)
        {
          _vigil_raw_value_set_node (&raw[ITEM_INTERVAL], rule->per_interval != NULL
                                     ? vigil_json_pointer_get (record, rule->per_interval) : NULL);
          _vigil_raw_value_set_node (&raw[ITEM_COUNT], rule->per_count != NULL
                                     ? vigil_json_pointer_get (record, rule->per_count) : NULL);
          _vigil_field_rule_apply (rule, value, &raw[ITEM_INTERVAL], &raw[ITEM_COUNT], snapshot);
          continue;
        }

      {
        VigilRuleSum sum;
        JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

        _vigil_rule_sum_init (&sum);
        for (guint e = 0; array != NULL && e < json_array_get_length (array); e++)
          {
            JsonNode *element = json_array_get_element (array, e);

            _vigil_raw_value_set_node (&raw[ITEM_OF], vigil_json_pointer_get (element, rule->of));
            _vigil_raw_value_set_node (&raw[ITEM_TIMES], rule->times != NULL
                                       ? vigil_json_pointer_get (element, rule->times) : NULL);
            _vigil_raw_value_set_node (&raw[ITEM_INTERVAL], rule->per_interval != NULL
                                       ? vigil_json_pointer_get (element, rule->per_interval) : NULL);
            _vigil_raw_value_set_node (&raw[ITEM_COUNT], rule->per_count != NULL
                                       ? vigil_json_pointer_get (element, rule->per_count) : NULL);
            _vigil_rule_sum_add (rule, &sum, &raw[ITEM_OF], &raw[ITEM_TIMES], &raw[ITEM_INTERVAL],
                                 &raw[ITEM_COUNT]);
          }
        _vigil_rule_sum_finish (rule, &sum, value, snapshot);
      }
    }
  for (guint i = 0; i < G_N_ELEMENTS (raw); i++)
    _vigil_raw_value_free_text (&raw[i]);
}

/* Sets the fields @fields point at, and those @rules read, in @record;
 * in a record of the list (@is_record), the keys are gathered from every
 * pointer that gives them. */
static void
apply_fields (VigilMapping    *self,
              char           **fields,
              VigilFieldRule **rules,
              gboolean         is_record,
              JsonNode        *record,
              VigilSnapshot   *snapshot)
{
  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      JsonNode *value;

      if (fields[i] == NULL || (is_record && i == VIGIL_FIELD_KEYS) ||
          !(value = vigil_json_pointer_get (record, fields[i])))
        continue;

      if (i == VIGIL_FIELD_KEYS && self->detail_keys_lower && !JSON_NODE_HOLDS_NULL (value))
        {
          VigilKeysValue keys = { NULL, FALSE };

          _vigil_keys_value_set_node (&keys, value, TRUE);
          replace_keys (snapshot, &keys);
          continue;
        }

      if (i == VIGIL_FIELD_FEATURES &&
          ((self->features_format == VIGIL_FEATURES_FORMAT_OBJECT && JSON_NODE_HOLDS_ARRAY (value)) ||
           (self->features_format == VIGIL_FEATURES_FORMAT_ARRAY && JSON_NODE_HOLDS_OBJECT (value))))
        {
          /* Not the shape the mapping promised: unusable. */
          snapshot->n_unknown++;
          continue;
        }
      vigil_snapshot_set_json (snapshot, (VigilField) i, value);
    }
  apply_rules (rules, record, snapshot);
  if (is_record && has_keys (self))
    apply_keys (self, record, snapshot);
}

/**
 * vigil_mapping_apply:
 * @record: one record
 * @snapshot: where the fields go
 *
 * Sets the fields of @snapshot that the mapping finds in @record.
 */
void
vigil_mapping_apply (VigilMapping  *self,
                     JsonNode      *record,
                     VigilSnapshot *snapshot)
{
  g_return_if_fail (VIGIL_IS_MAPPING (self));
  g_return_if_fail (!self->csv);
  g_return_if_fail (record != NULL);
  g_return_if_fail (snapshot != NULL);

  apply_fields (self, self->fields, self->field_rules, TRUE, record, snapshot);
}

/**
 * vigil_mapping_apply_detail:
 * @detail: a per-customer detail response
 *
 * Sets the fields of @snapshot that the mapping's detail_fields find.
 */
void
vigil_mapping_apply_detail (VigilMapping  *self,
                            JsonNode      *detail,
                            VigilSnapshot *snapshot)
{
  g_return_if_fail (VIGIL_IS_MAPPING (self));
  g_return_if_fail (!self->csv);
  g_return_if_fail (detail != NULL);
  g_return_if_fail (snapshot != NULL);

  apply_fields (self, self->detail_fields, self->detail_rules, FALSE, detail, snapshot);
}

/* Reading answers as text ------------------------------------------------
 *
 * An answer is read once, front to back, straight into snapshots, one
 * record at a time: memory follows the records being worked on, not the
 * size or shape of the answer (design 2.3). The rules are those of
 * vigil_mapping_get_records() and vigil_mapping_apply(). */

/* What a field's rule found in the record being read: the rule reads
 * it once the record is whole, since its parts (a value, its billing
 * interval) may come in any order. */
typedef struct
{
  VigilRawValue slots[RULE_SLOTS];
  VigilRuleSum  sum;
  VigilRawValue item[N_ITEM_PARTS];   /* a sum: the element being read */
} RuleInputs;

/* What a page says at the more or total pointer; a member given twice
 * keeps its last value, as in a tree, so it is judged once the whole
 * page is read. */
typedef struct
{
  gboolean  found;
  gboolean  valid;
  gint64    value;       /* more: 1 or 0; total: the count */
  char     *found_text;  /* what it was, for the error, when not valid */
} PageValue;

typedef struct
{
  VigilMapping    *mapping;
  VigilSnapshot   *snapshot;    /* the record being read */
  VigilRecordFunc  func;
  gpointer         user_data;
  GString         *name;        /* member names on the pointers' paths */
  GString         *scratch;     /* strings read into fields */
  VigilKeysValue  *keys;        /* the record's keys values: fields.keys, then the keys member's */
  gboolean         found_records;
  gboolean         found_null;  /* null at the records pointer: no records */
  char            *next;
  gboolean         next_is_number;
  char            *record_page_id; /* last-id's pointer in the record being read */
  char            *last_page_id;   /* ... in the last record that had it */
  gboolean         page_values; /* a poll's page: more and total are read */
  PageValue        more;
  PageValue        total;
  GError          *error;       /* not about the text: from @func, or no records */
  VigilFieldRule **rules;       /* the rules of the fields being read */
  VigilPointerTree **sum_trees;
  RuleInputs      *inputs;      /* one per field */
} AnswerReader;

static RuleInputs *
rule_inputs_new (void)
{
  return g_new0 (RuleInputs, VIGIL_N_FIELDS);
}

static void
rule_inputs_free (RuleInputs *inputs)
{
  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      for (guint k = 0; k < RULE_SLOTS; k++)
        _vigil_raw_value_free_text (&inputs[i].slots[k]);
      for (guint k = 0; k < N_ITEM_PARTS; k++)
        _vigil_raw_value_free_text (&inputs[i].item[k]);
      _vigil_rule_sum_clear (&inputs[i].sum);
    }
  g_free (inputs);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RuleInputs, rule_inputs_free)

/* Before each record: nothing found yet. */
static void
rule_inputs_reset (RuleInputs      *inputs,
                   VigilFieldRule **rules)
{
  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      if (rules[i] == NULL)
        continue;
      for (guint k = 0; k < RULE_SLOTS; k++)
        _vigil_raw_value_clear (&inputs[i].slots[k]);
      _vigil_rule_sum_clear (&inputs[i].sum);
    }
}

/* Once the record is read: each rule makes its field of what it found. */
static void
finish_rules (VigilFieldRule **rules,
              RuleInputs      *inputs,
              VigilSnapshot   *snapshot)
{
  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      RuleInputs *found = &inputs[i];

      if (rules[i] == NULL)
        continue;
      if (rules[i]->is_sum)
        _vigil_rule_sum_finish (rules[i], &found->sum, &found->slots[RULE_VALUE], snapshot);
      else
        _vigil_field_rule_apply (rules[i], &found->slots[RULE_VALUE], &found->slots[RULE_INTERVAL],
                                 &found->slots[RULE_COUNT], snapshot);
    }
}

/* A part of one element of a sum's array. */
static gboolean
read_item_value (int              part,
                 VigilJsonCursor *c,
                 guint            depth,
                 gpointer         user_data)
{
  RuleInputs *inputs = user_data;

  return _vigil_raw_value_read (&inputs->item[part], c, depth);
}

/* The array a sum adds up, element by element as it is read: memory
 * follows one element, whatever the array's length. A member given
 * twice keeps its last value, as in a tree. */
static gboolean
read_sum (AnswerReader         *reader,
          const VigilFieldRule *rule,
          VigilPointerTree     *tree,
          RuleInputs           *inputs,
          VigilJsonCursor      *c,
          guint                 depth)
{
  gboolean more = TRUE;

  _vigil_rule_sum_clear (&inputs->sum);
  if (*c->p != '[')
    return _vigil_raw_value_read (&inputs->slots[RULE_VALUE], c, depth);
  /* Too deep to open: the reader of every JSON text says so. */
  if (depth >= VIGIL_JSON_MAX_DEPTH)
    return _vigil_json_cursor_skip_value (c, depth);

  _vigil_raw_value_clear (&inputs->slots[RULE_VALUE]);
  inputs->slots[RULE_VALUE].kind = VIGIL_RAW_ARRAY;
  c->p++;
  _vigil_json_cursor_skip_space (c);
  if (c->p < c->end && *c->p == ']')
    {
      c->p++;
      return TRUE;
    }
  while (more)
    {
      for (guint k = 0; k < N_ITEM_PARTS; k++)
        _vigil_raw_value_clear (&inputs->item[k]);
      if (!_vigil_pointer_tree_read (tree, c, depth + 1, reader->name, read_item_value, inputs))
        return FALSE;
      _vigil_rule_sum_add (rule, &inputs->sum, &inputs->item[ITEM_OF], &inputs->item[ITEM_TIMES],
                           &inputs->item[ITEM_INTERVAL], &inputs->item[ITEM_COUNT]);
      if (!_vigil_json_cursor_read_separator (c, ']', &more))
        return FALSE;
    }
  return TRUE;
}

/* A value one of the rules' pointers found. */
static gboolean
read_rule_value (AnswerReader    *reader,
                 int              role,
                 VigilJsonCursor *c,
                 guint            depth)
{
  int field = role / RULE_SLOTS;
  int slot = role % RULE_SLOTS;
  RuleInputs *inputs = &reader->inputs[field];

  if (slot == RULE_VALUE && reader->rules[field]->is_sum)
    return read_sum (reader, reader->rules[field], reader->sum_trees[field], inputs, c, depth);
  return _vigil_raw_value_read (&inputs->slots[slot], c, depth);
}

/* Keys in a detail answer, lower-cased: they replace the list's. */
static gboolean
read_detail_keys (AnswerReader    *reader,
                  VigilJsonCursor *c,
                  guint            depth)
{
  VigilKeysValue value = { NULL, FALSE };

  /* null leaves the keys as they are, like every field's. */
  if (*c->p == 'n')
    return _vigil_json_cursor_read_literal (c);
  if (!_vigil_keys_value_read (&value, c, depth, TRUE, reader->scratch))
    {
      _vigil_keys_value_clear (&value);
      return FALSE;
    }
  replace_keys (reader->snapshot, &value);
  return TRUE;
}

/* A value for the record's keys, kept until the record is read, as
 * apply_keys() gathers them; a member given twice keeps its last value,
 * as in a tree. */
static gboolean
read_keys_value (AnswerReader    *reader,
                 int              role,
                 VigilJsonCursor *c,
                 guint            depth)
{
  VigilKeysValue *value = &reader->keys[0];
  gboolean lower = reader->mapping->keys_lower;

  if (role >= ROLE_KEY_POINTER)
    {
      value = &reader->keys[1 + role - ROLE_KEY_POINTER];
      lower = g_array_index (reader->mapping->key_pointers, KeyPointer, role - ROLE_KEY_POINTER).lower;
    }
  return _vigil_keys_value_read (value, c, depth, lower, reader->scratch);
}

/* A non-empty string or a whole number, as text (@out NULL for any
 * other value); a member given twice keeps its last value, as in a tree. */
static gboolean
read_text_or_integer (VigilJsonCursor  *c,
                      guint             depth,
                      GString          *scratch,
                      char            **out,
                      gboolean         *out_is_number)
{
  g_clear_pointer (out, g_free);
  *out_is_number = FALSE;
  if (*c->p == '"')
    {
      if (!_vigil_json_cursor_read_string (c, scratch))
        return FALSE;
      if (scratch->len > 0)
        *out = g_strndup (scratch->str, scratch->len);
      return TRUE;
    }
  if (*c->p == '-' || g_ascii_isdigit (*c->p))
    {
      double number;
      gint64 value;
      gboolean exact;

      if (!_vigil_json_cursor_read_exact_number (c, &number, &value, &exact))
        return FALSE;
      if (exact)
        {
          *out = g_strdup_printf ("%" G_GINT64_FORMAT, value);
          *out_is_number = TRUE;
        }
      return TRUE;
    }
  return _vigil_json_cursor_skip_value (c, depth);
}

/* One field's value, as vigil_mapping_apply() takes it. */
static gboolean
read_field_value (int              field,
                  VigilJsonCursor *c,
                  guint            depth,
                  gpointer         user_data)
{
  AnswerReader *reader = user_data;
  VigilFeaturesFormat format = reader->mapping->features_format;

  if (field == ROLE_PAGE_ID)
    {
      gboolean is_number;

      return read_text_or_integer (c, depth, reader->scratch, &reader->record_page_id, &is_number);
    }
  if (field >= ROLE_RULE)
    return read_rule_value (reader, field - ROLE_RULE, c, depth);
  /* Only a record of the list has keys pointers; in a detail answer,
   * keys are a field like the others. */
  if (reader->keys != NULL && (field == VIGIL_FIELD_KEYS || field >= ROLE_KEY_POINTER))
    return read_keys_value (reader, field, c, depth);
  if (field == VIGIL_FIELD_KEYS && reader->mapping->detail_keys_lower)
    return read_detail_keys (reader, c, depth);

  if (field == VIGIL_FIELD_FEATURES &&
      ((format == VIGIL_FEATURES_FORMAT_OBJECT && *c->p == '[') ||
       (format == VIGIL_FEATURES_FORMAT_ARRAY && *c->p == '{')))
    {
      /* Not the shape the mapping promised: unusable. */
      reader->snapshot->n_unknown++;
      return _vigil_json_cursor_skip_value (c, depth);
    }
  return _vigil_snapshot_read_json_field (reader->snapshot, (VigilField) field, c, depth, reader->scratch);
}

static gboolean
read_record_array (AnswerReader    *reader,
                   VigilJsonCursor *c,
                   guint            depth)
{
  gboolean more = TRUE;

  if (*c->p != '[' && *c->p != 'n')
    {
      char found = *c->p;

      /* Text that is not JSON says so first. */
      if (_vigil_json_cursor_skip_value (c, depth))
        set_no_records_error (reader->mapping, found, &reader->error);
      return FALSE;
    }
  /* A name given twice on the records' path: a tree would keep the last
   * value, but the records before it are handed over already. Neither
   * is taken (design 2.3). */
  if (reader->found_records)
    {
      g_set_error (&reader->error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("more than one array of records at “%s” (a member name given twice): refused"),
                   reader->mapping->records);
      return FALSE;
    }
  /* null is an empty collection (Pipedrive answers one so), and hands
   * over nothing: an array after it is the records. */
  if (*c->p == 'n')
    {
      reader->found_null = TRUE;
      return _vigil_json_cursor_read_literal (c);
    }
  /* Too deep to open: the reader of every JSON text says so. */
  if (depth >= VIGIL_JSON_MAX_DEPTH)
    return _vigil_json_cursor_skip_value (c, depth);

  reader->found_records = TRUE;
  c->p++;
  _vigil_json_cursor_skip_space (c);
  if (c->p < c->end && *c->p == ']')
    {
      c->p++;
      return TRUE;
    }

  while (more)
    {
      vigil_snapshot_clear (reader->snapshot);
      rule_inputs_reset (reader->inputs, reader->rules);
      if (!_vigil_pointer_tree_read (reader->mapping->record_tree, c, depth + 1, reader->name,
                                     read_field_value, reader))
        return FALSE;
      _vigil_snapshot_add_keys (reader->snapshot, reader->keys, 1 + reader->mapping->key_pointers->len);
      finish_rules (reader->rules, reader->inputs, reader->snapshot);
      if (reader->record_page_id != NULL)
        {
          g_free (reader->last_page_id);
          reader->last_page_id = g_steal_pointer (&reader->record_page_id);
        }
      if (!reader->func (reader->snapshot, reader->user_data, &reader->error) ||
          !_vigil_json_cursor_read_separator (c, ']', &more))
        return FALSE;
    }
  return TRUE;
}

/* The next page's URL or cursor: a non-empty string or a whole number. */
static gboolean
read_next (AnswerReader    *reader,
           VigilJsonCursor *c,
           guint            depth)
{
  return read_text_or_integer (c, depth, reader->scratch, &reader->next, &reader->next_is_number);
}

/* A value at the more or total pointer, as an error shows it: a string
 * in quotes and a number or word as written (at most 40 characters of
 * either), an object or array by its kind. The poller makes the message
 * printable. */
static gboolean
read_found_text (AnswerReader     *reader,
                 VigilJsonCursor  *c,
                 guint             depth,
                 char            **out)
{
  const char *begin = c->p;
  GString *text = reader->scratch;

  if (*c->p == '{' || *c->p == '[')
    {
      *out = g_strdup (kind_of_value (*c->p));
      return _vigil_json_cursor_skip_value (c, depth);
    }
  if (*c->p == '"' ? !_vigil_json_cursor_read_string (c, text) : !_vigil_json_cursor_skip_value (c, depth))
    return FALSE;
  if (*begin != '"')
    {
      g_string_truncate (text, 0);
      g_string_append_len (text, begin, c->p - begin);
    }
  if (g_utf8_validate (text->str, (gssize) text->len, NULL) && g_utf8_strlen (text->str, (gssize) text->len) > 40)
    {
      g_autofree char *head = g_utf8_substring (text->str, 0, 40);

      g_string_assign (text, head);
      g_string_append (text, "…");
    }
  *out = *begin == '"' ? g_strdup_printf ("\"%s\"", text->str) : g_strdup (text->str);
  return TRUE;
}

/* The value at the more pointer: true or false, or the same as a
 * string ("true", "false"); anything else is kept to be named. */
static gboolean
read_more (AnswerReader    *reader,
           VigilJsonCursor *c,
           guint            depth)
{
  PageValue *more = &reader->more;
  VigilJsonCursor at = *c;

  more->found = TRUE;
  more->valid = FALSE;
  g_clear_pointer (&more->found_text, g_free);
  if (*c->p == 't' || *c->p == 'f')
    {
      more->valid = TRUE;
      more->value = *c->p == 't';
      return _vigil_json_cursor_read_literal (c);
    }
  if (*c->p == '"')
    {
      if (!_vigil_json_cursor_read_string (c, reader->scratch))
        return FALSE;
      more->valid = g_str_equal (reader->scratch->str, "true") || g_str_equal (reader->scratch->str, "false");
      more->value = g_str_equal (reader->scratch->str, "true");
      if (more->valid)
        return TRUE;
      *c = at;
    }
  return read_found_text (reader, c, depth, &more->found_text);
}

/* The value at the total pointer: a whole number ≥ 0, or the same as a
 * string of digits; anything else is kept to be named. */
static gboolean
read_total (AnswerReader    *reader,
            VigilJsonCursor *c,
            guint            depth)
{
  PageValue *total = &reader->total;
  VigilJsonCursor at = *c;
  guint64 value;

  total->found = TRUE;
  total->valid = FALSE;
  g_clear_pointer (&total->found_text, g_free);
  if (*c->p == '"' || g_ascii_isdigit (*c->p))
    {
      g_autofree char *digits = NULL;

      if (*c->p == '"' ? !_vigil_json_cursor_read_string (c, reader->scratch)
                       : !_vigil_json_cursor_skip_value (c, depth))
        return FALSE;
      digits = *at.p == '"' ? g_strdup (reader->scratch->str) : g_strndup (at.p, c->p - at.p);
      if (g_ascii_string_to_unsigned (digits, 10, 0, G_MAXINT64, &value, NULL))
        {
          total->valid = TRUE;
          total->value = (gint64) value;
          return TRUE;
        }
      *c = at;
    }
  return read_found_text (reader, c, depth, &total->found_text);
}

static gboolean
read_page_value (int              role,
                 VigilJsonCursor *c,
                 guint            depth,
                 gpointer         user_data)
{
  AnswerReader *reader = user_data;

  switch (role)
    {
    case PAGE_RECORDS:
      return read_record_array (reader, c, depth);
    case PAGE_NEXT:
      return read_next (reader, c, depth);
    case PAGE_MORE:
      return reader->page_values ? read_more (reader, c, depth) : _vigil_json_cursor_skip_value (c, depth);
    case PAGE_TOTAL:
    default:
      return reader->page_values ? read_total (reader, c, depth) : _vigil_json_cursor_skip_value (c, depth);
    }
}

/* What a page says at the more or total pointer, checked once the whole
 * page is read: the error names the pointer and what was there. */
static gboolean
check_page_values (AnswerReader  *reader,
                   GError       **error)
{
  VigilMapping *self = reader->mapping;

  if (self->more_pointer != NULL && !reader->more.found)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                 _("the page has nothing at “%s” (pagination.more), which should say whether more "
                   "pages follow: true or false"), self->more_pointer);
  else if (self->more_pointer != NULL && !reader->more.valid)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                 _("the page's “%s” (pagination.more) is %s, not true or false"),
                 self->more_pointer, reader->more.found_text);
  else if (self->total_pointer != NULL && !reader->total.found)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                 _("the page has nothing at “%s” (pagination.total), which should give the number "
                   "of records"), self->total_pointer);
  else if (self->total_pointer != NULL && !reader->total.valid)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                 _("the page's “%s” (pagination.total) is %s, not a whole number of records"),
                 self->total_pointer, reader->total.found_text);
  else
    return TRUE;
  return FALSE;
}

/* Reads the one JSON text of @data through @tree; FALSE with @error
 * set when it is not JSON, FALSE alone when @visit stopped. */
static gboolean
read_answer (VigilPointerTree       *tree,
             const char             *data,
             gsize                   length,
             VigilPointerVisitFunc   visit,
             AnswerReader           *reader,
             GError                **error)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) scratch = g_string_new (NULL);
  VigilJsonCursor c;

  reader->name = name;
  reader->scratch = scratch;
  _vigil_json_cursor_init_document (&c, data != NULL ? data : "", (gssize) length, VIGIL_JSON_DATA, error);
  _vigil_json_cursor_skip_space (&c);
  if (c.p >= c.end)
    return _vigil_json_cursor_fail (&c, _("no JSON value"));
  return _vigil_pointer_tree_read (tree, &c, 0, name, visit, reader) && _vigil_json_cursor_finish (&c);
}

/* Reads one answer's records into @func and, with @info, what it says
 * of the pages after it (checked: see check_page_values()). */
static gboolean
read_page_records (VigilMapping     *self,
                   const char       *data,
                   gsize             length,
                   VigilRecordFunc   func,
                   gpointer          user_data,
                   VigilPageInfo    *info,
                   char            **out_next,
                   GError          **error)
{
  g_autoptr(VigilSnapshot) snapshot = vigil_snapshot_new ();
  g_autoptr(GError) text_error = NULL;
  g_autofree VigilKeysValue *keys = NULL;
  g_autoptr(RuleInputs) inputs = rule_inputs_new ();
  AnswerReader reader = { self, snapshot, func, user_data, };
  guint n_keys;
  gboolean ok;

  if (self->csv)
    return set_csv_mapping_error (error);
  reader.rules = self->field_rules;
  reader.sum_trees = self->sum_trees;
  reader.inputs = inputs;
  n_keys = 1 + self->key_pointers->len;
  reader.keys = keys = g_new0 (VigilKeysValue, n_keys);
  reader.page_values = info != NULL;
  ok = read_answer (self->page_tree, data, length, read_page_value, &reader, &text_error);
  /* What a record cut short by a fault had read. */
  for (guint i = 0; i < n_keys; i++)
    _vigil_keys_value_clear (&keys[i]);
  if (ok && !reader.found_records && !reader.found_null && !missing_records_are_none (self))
    {
      set_no_records_error (self, '\0', &reader.error);
      ok = FALSE;
    }
  if (ok && info != NULL)
    ok = check_page_values (&reader, &reader.error);
  g_free (reader.more.found_text);
  g_free (reader.total.found_text);
  g_free (reader.record_page_id);

  if (!ok)
    {
      g_free (reader.next);
      g_free (reader.last_page_id);
      if (reader.error != NULL)
        g_propagate_error (error, reader.error);
      else if (text_error != NULL)
        g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE, _("not JSON: %s"), text_error->message);
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("reading the records was stopped"));
      return FALSE;
    }

  if (info != NULL)
    {
      info->next_is_number = reader.next_is_number;
      info->more = self->more_pointer == NULL ? VIGIL_PAGE_MORE_UNSAID
                   : reader.more.value ? VIGIL_PAGE_MORE_TRUE : VIGIL_PAGE_MORE_FALSE;
      info->total = self->total_pointer != NULL ? reader.total.value : -1;
      info->last_id = g_steal_pointer (&reader.last_page_id);
    }
  g_free (reader.last_page_id);
  if (out_next != NULL)
    *out_next = reader.next;
  else
    g_free (reader.next);
  return TRUE;
}

/**
 * vigil_mapping_read_records:
 * @data: (array length=length): a whole answer, JSON text
 * @func: called with each record, in order
 * @out_next: (out) (optional) (nullable): the next page's URL or cursor
 *   at the mapping's page pointer, if there is one
 *
 * Reads the records of one answer, each into a snapshot handed to
 * @func, without building the answer in memory: every byte is checked
 * (RFC 8259), but only the mapped values are kept, and a record lives
 * only until @func returns. @func may take over the snapshot's contents
 * (vigil_ingest_add() does); returning %FALSE with its error set stops
 * the reading with that error. null at the records pointer, or with a
 * mapping nothing there, is no records (design 2.2).
 *
 * Returns: %FALSE with @error set when @data is not JSON (the message
 *   says so and names the line and column), when the records pointer
 *   finds neither an array nor null (nor, in the native format, anything),
 *   or when @func failed. Records before the fault have been handed over.
 */
gboolean
vigil_mapping_read_records (VigilMapping     *self,
                            const char       *data,
                            gsize             length,
                            VigilRecordFunc   func,
                            gpointer          user_data,
                            char            **out_next,
                            GError          **error)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return read_page_records (self, data, length, func, user_data, NULL, out_next, error);
}

/**
 * vigil_mapping_read_page:
 * @out_info: (out caller-allocates): what the page says of the pages
 *   after it; cleared with vigil_page_info_clear()
 *
 * Reads one page of a poll as vigil_mapping_read_records() reads an
 * answer, and what the page says at the pagination's pointers: the next
 * URL or cursor, whether more pages follow, the total of records.
 *
 * Returns: %FALSE with @error set as vigil_mapping_read_records() does,
 *   or when the pagination's more or total pointer finds nothing, or
 *   something else than true or false, or a whole number; the error names
 *   the pointer and what it found
 */
gboolean
vigil_mapping_read_page (VigilMapping     *self,
                         const char       *data,
                         gsize             length,
                         VigilRecordFunc   func,
                         gpointer          user_data,
                         VigilPageInfo    *out_info,
                         GError          **error)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (out_info != NULL, FALSE);

  memset (out_info, 0, sizeof *out_info);
  out_info->total = -1;
  return read_page_records (self, data, length, func, user_data, out_info, &out_info->next, error);
}

/**
 * vigil_page_info_clear:
 *
 * Frees what @info holds, leaving it as vigil_mapping_read_page() found
 * nothing.
 */
void
vigil_page_info_clear (VigilPageInfo *info)
{
  g_return_if_fail (info != NULL);

  g_clear_pointer (&info->next, g_free);
  g_clear_pointer (&info->last_id, g_free);
  info->next_is_number = FALSE;
  info->more = VIGIL_PAGE_MORE_UNSAID;
  info->total = -1;
}

/**
 * vigil_mapping_read_detail:
 * @data: (array length=length): a per-customer detail answer, JSON text
 *
 * Sets the fields of @snapshot that the mapping's detail_fields find in
 * @data, as vigil_mapping_apply_detail() does, reading the text without
 * building it in memory.
 *
 * Returns: %FALSE with @error naming the line and column if @data is not JSON
 */
gboolean
vigil_mapping_read_detail (VigilMapping   *self,
                           const char     *data,
                           gsize           length,
                           VigilSnapshot  *snapshot,
                           GError        **error)
{
  g_autoptr(RuleInputs) inputs = rule_inputs_new ();
  AnswerReader reader = { self, snapshot, NULL, NULL, };

  g_return_val_if_fail (VIGIL_IS_MAPPING (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (snapshot != NULL, FALSE);

  if (self->csv)
    return set_csv_mapping_error (error);
  reader.rules = self->detail_rules;
  reader.sum_trees = self->detail_sum_trees;
  reader.inputs = inputs;
  rule_inputs_reset (inputs, reader.rules);
  if (!read_answer (self->detail_tree, data, length, read_field_value, &reader, error))
    return FALSE;
  finish_rules (reader.rules, inputs, snapshot);
  return TRUE;
}

/**
 * vigil_mapping_is_csv:
 *
 * Returns: whether the mapping reads a CSV file's columns (it has no
 *   records pointer, design 2.5) rather than JSON
 */
gboolean
vigil_mapping_is_csv (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), FALSE);

  return self->csv;
}

/**
 * vigil_mapping_get_merge:
 *
 * Returns: (array fixed-size=VIGIL_N_FIELDS): how records of one poll or
 *   import that share an id combine, field by field (design 2.5)
 */
const VigilMergeRule *
vigil_mapping_get_merge (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);

  return self->merge;
}

VigilFieldRule *
_vigil_mapping_get_field_rule (VigilMapping *self,
                               VigilField    field)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);
  g_return_val_if_fail (field > VIGIL_FIELD_NONE && field < VIGIL_N_FIELDS, NULL);

  return self->field_rules[field];
}

guint
_vigil_mapping_get_n_key_pointers (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), 0);

  return self->key_pointers->len;
}

/* The keys member's @index-th pointer, or column in a CSV mapping. */
const char *
_vigil_mapping_get_key_pointer (VigilMapping *self,
                                guint         index,
                                gboolean     *out_lower)
{
  const KeyPointer *key;

  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);
  g_return_val_if_fail (index < self->key_pointers->len, NULL);

  key = &g_array_index (self->key_pointers, KeyPointer, index);
  *out_lower = key->lower;
  return key->pointer;
}

/* A CSV mapping's delimiter, 0 when it is to be detected. */
char
_vigil_mapping_get_delimiter (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), 0);

  return self->delimiter;
}

/**
 * vigil_mapping_get_records_pointer:
 *
 * Returns: the JSON Pointer to the array of records in an answer
 */
const char *
vigil_mapping_get_records_pointer (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);

  return self->records;
}

/**
 * vigil_mapping_fills_field:
 *
 * Returns: whether the mapping says where @field is, in a record of the
 *   list or in a detail answer
 */
gboolean
vigil_mapping_fills_field (VigilMapping *self,
                           VigilField    field)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), FALSE);
  g_return_val_if_fail (field > VIGIL_FIELD_NONE && field < VIGIL_N_FIELDS, FALSE);

  return self->fields[field] != NULL || self->field_rules[field] != NULL ||
         self->detail_fields[field] != NULL || self->detail_rules[field] != NULL ||
         (field == VIGIL_FIELD_KEYS && self->key_pointers->len > 0);
}

VigilPaginationStyle
vigil_mapping_get_pagination (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), VIGIL_PAGINATION_NONE);

  return self->pagination;
}

const char *
vigil_mapping_get_page_pointer (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);

  return self->page_pointer;
}

const char *
vigil_mapping_get_page_param (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);

  return self->page_param;
}

gint64
vigil_mapping_get_page_start (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), 0);

  return self->page_start;
}

/**
 * vigil_mapping_get_limit_param:
 *
 * Returns: (nullable): the offset style's query parameter (or POST body
 *   member) for the page size
 */
const char *
vigil_mapping_get_limit_param (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);

  return self->limit_param;
}

/**
 * vigil_mapping_get_page_limit:
 *
 * Returns: the offset style's page size: a page with fewer records is
 *   the last unless the more or total pointer says otherwise; 0 for the
 *   other styles
 */
gint64
vigil_mapping_get_page_limit (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), 0);

  return self->page_limit;
}

gboolean
vigil_mapping_has_more_pointer (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), FALSE);

  return self->more_pointer != NULL;
}

gboolean
vigil_mapping_has_total_pointer (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), FALSE);

  return self->total_pointer != NULL;
}

/**
 * vigil_mapping_is_post:
 *
 * Returns: whether the list is asked for with a POST and a JSON body (a
 *   search endpoint), not a GET
 */
gboolean
vigil_mapping_is_post (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), FALSE);

  return self->request.post;
}

/**
 * vigil_mapping_get_headers:
 *
 * Returns: (nullable) (array zero-terminated=1): the mapping's static
 *   headers, name, value, name, value…, for list and detail requests
 */
const char * const *
vigil_mapping_get_headers (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);

  return (const char * const *) self->request.headers;
}

/**
 * vigil_mapping_build_list_url:
 * @url: the page's URL: the source's, or the next page's a server gave
 * @now: the poll's time (Unix seconds), for time placeholders
 * @params: (array length=n_params): the values that ask for the page
 *
 * The URL of a list request: @url with the mapping's static query
 * parameters (each replacing those of its name in @url) and, for a GET,
 * @params (each replacing a static one of its name), percent-encoded.
 *
 * Returns: (transfer full) (nullable): the URL, %NULL if @url does not parse
 */
char *
vigil_mapping_build_list_url (VigilMapping           *self,
                              const char             *url,
                              gint64                  now,
                              const VigilPagingParam *params,
                              guint                   n_params)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (params != NULL || n_params == 0, NULL);

  return _vigil_mapping_request_url (&self->request, url, now, params, n_params);
}

/**
 * vigil_mapping_build_list_body:
 * @now: the poll's time (Unix seconds), for time placeholders
 * @params: (array length=n_params): the values that ask for the page
 *
 * Returns: (transfer full) (nullable): for a POST mapping, the JSON body
 *   of a list request: the mapping's body with its placeholders expanded
 *   and @params as top-level members; %NULL for a GET
 */
char *
vigil_mapping_build_list_body (VigilMapping           *self,
                               gint64                  now,
                               const VigilPagingParam *params,
                               guint                   n_params)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);
  g_return_val_if_fail (params != NULL || n_params == 0, NULL);

  return _vigil_mapping_request_body (&self->request, now, params, n_params);
}

const char *
vigil_mapping_get_detail_url (VigilMapping *self)
{
  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);

  return self->detail_url;
}

/**
 * vigil_mapping_expand_detail_url:
 * @customer_id: the customer's id
 *
 * The id of a customer comes from the endpoint's answer. Percent-encoded,
 * it can name no other host and leave no path segment; but "." and ".."
 * are path segments whatever their encoding (a URL's reader removes them,
 * %2E%2E too), which would send the request to another path of the
 * detail_url's origin: such an id is refused where {id} is in the path.
 *
 * Returns: (transfer full) (nullable): the detail URL with @customer_id
 *   percent-encoded in place of each {id}; %NULL without a detail_url,
 *   or with @error set for an id refused
 */
char *
vigil_mapping_expand_detail_url (VigilMapping  *self,
                                 const char    *customer_id,
                                 GError       **error)
{
  g_autofree char *escaped = NULL;
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (VIGIL_IS_MAPPING (self), NULL);
  g_return_val_if_fail (customer_id != NULL, NULL);

  if (self->detail_url == NULL)
    return NULL;

  if ((g_str_equal (customer_id, ".") || g_str_equal (customer_id, "..")) &&
      strstr (self->detail_url, "{id}") < self->detail_url + strcspn (self->detail_url, "?#"))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("the customer id “%s” cannot go into the detail_url's path, where “.” and “..” "
                     "would name another path: refused"), customer_id);
      return NULL;
    }

  escaped = g_uri_escape_string (customer_id, NULL, FALSE);
  parts = g_strsplit (self->detail_url, "{id}", -1);
  return g_strjoinv (escaped, parts);
}
