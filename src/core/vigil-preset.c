/* vigil-preset.c: ready mappings for the systems customer success teams poll
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-preset"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "vigil-error.h"
#include "vigil-json-private.h"
#include "vigil-mapping.h"
#include "vigil-pointer-tree.h"
#include "vigil-preset.h"
#include "vigil-preset-resources.h"
#include "vigil-url.h"

/* A preset (design 2.7) is a mapping for a vendor's documented list
 * endpoint, shipped as data (data/presets/NAME.json) in a resource
 * compiled into this library, so that the command line finds it from
 * the build tree, an installation or the Flatpak alike. Besides the
 * mapping it documents what it fills and cannot fill, the vendor field
 * a user usually adds, and how to authenticate. Everything a person
 * reads of it is composed here from translatable sentences; the preset
 * gives only names, codes and the vendor's own words for its
 * credential. */

#define PRESETS_PATH "/io/github/vigil/Vigil/presets/"

struct _VigilPreset
{
  GObject    parent_instance;

  char      *name;
  char      *system;
  char      *url;
  char      *documentation;
  char      *auth_scheme;
  char      *auth_credential;
  char      *auth_param;
  GStrv      auth_scopes;
  char      *select_param;    /* the URL's parameter listing what to answer */
  char      *select_under;    /* …properties under this pointer */
  gboolean   select_soql;     /* …or the SELECT of a SOQL query */
  char      *cannot_fill[VIGIL_N_FIELDS];
  char      *usual_pointers[VIGIL_N_FIELDS];
  JsonNode  *mapping;
};

G_DEFINE_FINAL_TYPE (VigilPreset, vigil_preset, G_TYPE_OBJECT)

/* Why a preset cannot fill a field: the codes a preset may give. */
static const struct
{
  const char *code;
  const char *text;
} reasons[] = {
  { "usage", N_("only the product knows its own usage: add its usage endpoint as another source") },
  { "support", N_("the support desk knows the tickets") },
  { "survey", N_("a survey tool knows the NPS") },
  { "crm", N_("the CRM knows owners, segments and renewals") },
  { "custom", N_("no standard property: add yours with --field") },
  { "id-only", N_("given as an id, not a name") },
  { "not-listed", N_("not in the list this preset reads") },
};

static void
vigil_preset_finalize (GObject *object)
{
  VigilPreset *self = (VigilPreset *) object;

  g_free (self->name);
  g_free (self->system);
  g_free (self->url);
  g_free (self->documentation);
  g_free (self->auth_scheme);
  g_free (self->auth_credential);
  g_free (self->auth_param);
  g_strfreev (self->auth_scopes);
  g_free (self->select_param);
  g_free (self->select_under);
  for (int i = 0; i < VIGIL_N_FIELDS; i++)
    {
      g_free (self->cannot_fill[i]);
      g_free (self->usual_pointers[i]);
    }
  g_clear_pointer (&self->mapping, json_node_unref);

  G_OBJECT_CLASS (vigil_preset_parent_class)->finalize (object);
}

static void
vigil_preset_class_init (VigilPresetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vigil_preset_finalize;
}

static void
vigil_preset_init (VigilPreset *self)
{
}

/* Reading a preset ----------------------------------------------------------
 *
 * The presets are Vigil's own files, but they are read as strictly as a
 * user's mapping: a member misspelt or a field left undocumented is an
 * error naming the preset, which the presets' test catches. */

static gboolean G_GNUC_PRINTF (3, 4)
preset_error (GError     **error,
              const char  *name,
              const char  *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("Preset %s: %s"), name, message);
  return FALSE;
}

static gboolean
check_members (JsonObject          *object,
               const char * const  *known,
               const char          *name,
               const char          *where,
               GError             **error)
{
  JsonObjectIter iter;
  const char *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, NULL))
    if (!g_strv_contains (known, member))
      return preset_error (error, name, _("%s%s: unknown member"), where, member);
  return TRUE;
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
take_string (JsonObject  *object,
             const char  *member,
             const char  *name,
             gboolean     required,
             char       **out,
             GError     **error)
{
  const char *value = string_member (object, member);

  if (value == NULL && (required || json_object_has_member (object, member)))
    return preset_error (error, name, _("%s must be text"), member);
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
read_auth (VigilPreset  *self,
           JsonObject   *root,
           GError      **error)
{
  static const char * const known[] = { "scheme", "credential", "param", "scopes", NULL };
  static const char * const schemes[] = { "bearer", "basic", "query", NULL };
  JsonNode *node = json_object_get_member (root, "auth");
  JsonObject *auth;
  JsonNode *scopes;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return preset_error (error, self->name, _("auth must be an object"));
  auth = json_node_get_object (node);
  if (!check_members (auth, known, self->name, "auth.", error) ||
      !take_string (auth, "scheme", self->name, TRUE, &self->auth_scheme, error) ||
      !take_string (auth, "credential", self->name, TRUE, &self->auth_credential, error) ||
      !take_string (auth, "param", self->name, FALSE, &self->auth_param, error))
    return FALSE;
  if (!g_strv_contains (schemes, self->auth_scheme))
    return preset_error (error, self->name, _("auth.scheme must be bearer, basic or query"));
  if ((g_str_equal (self->auth_scheme, "query")) != (self->auth_param != NULL) ||
      (self->auth_param != NULL && !vigil_url_is_query_name (self->auth_param)))
    return preset_error (error, self->name, _("auth.param names the query parameter of the query scheme"));

  scopes = json_object_get_member (auth, "scopes");
  if (scopes != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      JsonArray *array = JSON_NODE_HOLDS_ARRAY (scopes) ? json_node_get_array (scopes) : NULL;

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *scope = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (scope) || json_node_get_value_type (scope) != G_TYPE_STRING)
            array = NULL;
          else
            g_strv_builder_add (builder, json_node_get_string (scope));
        }
      if (array == NULL)
        return preset_error (error, self->name, _("auth.scopes must be a list of text"));
      self->auth_scopes = g_strv_builder_end (builder);
    }
  return TRUE;
}

static gboolean
read_select (VigilPreset  *self,
             JsonObject   *root,
             GError      **error)
{
  static const char * const known[] = { "param", "under", "soql", NULL };
  JsonNode *node = json_object_get_member (root, "select");
  JsonObject *select;
  JsonNode *soql;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return preset_error (error, self->name, _("select must be an object"));
  select = json_node_get_object (node);
  if (!check_members (select, known, self->name, "select.", error) ||
      !take_string (select, "param", self->name, TRUE, &self->select_param, error) ||
      !take_string (select, "under", self->name, FALSE, &self->select_under, error))
    return FALSE;
  soql = json_object_get_member (select, "soql");
  self->select_soql = soql != NULL && JSON_NODE_HOLDS_VALUE (soql) &&
                      json_node_get_value_type (soql) == G_TYPE_BOOLEAN && json_node_get_boolean (soql);
  if (self->select_soql == (self->select_under != NULL) ||
      (self->select_under != NULL && (*self->select_under != '/' ||
                                      !vigil_json_pointer_validate (self->select_under, NULL))))
    return preset_error (error, self->name, _("select takes a pointer “under”, or “soql”: true"));
  return TRUE;
}

static gboolean
read_field_table (VigilPreset  *self,
                  JsonObject   *root,
                  const char   *member,
                  char        **table,
                  GError      **error)
{
  JsonNode *node = json_object_get_member (root, member);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return preset_error (error, self->name, _("%s must be an object of field names"), member);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &value))
    {
      VigilField field = vigil_field_from_name (name);

      if (field == VIGIL_FIELD_NONE)
        return preset_error (error, self->name, _("%s.%s: not a field Vigil knows"), member, name);
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        return preset_error (error, self->name, _("%s.%s must be text"), member, name);
      table[field] = g_strdup (json_node_get_string (value));
    }
  return TRUE;
}

/* Whether the preset's own mapping fills @field. */
static gboolean
mapping_fills (JsonNode   *mapping,
               VigilField  field)
{
  JsonObject *root = json_node_get_object (mapping);
  JsonNode *fields = json_object_get_member (root, "fields");
  JsonNode *keys = json_object_get_member (root, "keys");

  if (field == VIGIL_FIELD_KEYS && keys != NULL && JSON_NODE_HOLDS_ARRAY (keys) &&
      json_array_get_length (json_node_get_array (keys)) > 0)
    return TRUE;
  return fields != NULL && JSON_NODE_HOLDS_OBJECT (fields) &&
         json_object_has_member (json_node_get_object (fields), vigil_field_get_name (field));
}

static gboolean
read_documentation (VigilPreset  *self,
                    JsonObject   *root,
                    GError      **error)
{
  if (!read_field_table (self, root, "cannot_fill", self->cannot_fill, error) ||
      !read_field_table (self, root, "usually_adds", self->usual_pointers, error))
    return FALSE;

  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    {
      const char *reason = self->cannot_fill[field];
      gboolean fills = mapping_fills (self->mapping, field);

      if (self->usual_pointers[field] != NULL && !vigil_json_pointer_validate (self->usual_pointers[field], NULL))
        return preset_error (error, self->name, _("usually_adds.%s must be a JSON Pointer"),
                             vigil_field_get_name (field));
      if (reason != NULL && vigil_preset_describe_reason (reason) == NULL)
        return preset_error (error, self->name, _("cannot_fill.%s: unknown reason “%s”"),
                             vigil_field_get_name (field), reason);
      /* Every field but the time of the observation is either filled or
       * said why not, so that the documentation cannot go stale. */
      if (field != VIGIL_FIELD_OBSERVED_AT && fills == (reason != NULL))
        return preset_error (error, self->name,
                             fills ? _("%s is filled and listed in cannot_fill")
                                   : _("%s is neither filled nor listed in cannot_fill"),
                             vigil_field_get_name (field));
    }
  return TRUE;
}

/* The mapping member, checked as any mapping is. */
static gboolean
read_mapping (VigilPreset  *self,
              JsonObject   *root,
              GError      **error)
{
  JsonNode *node = json_object_get_member (root, "mapping");
  g_autoptr(VigilMapping) mapping = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return preset_error (error, self->name, _("mapping must be an object"));
  text = json_to_string (node, FALSE);
  if (!(mapping = vigil_mapping_new_from_data (text, -1, &local_error)))
    return preset_error (error, self->name, "%s", local_error->message);
  self->mapping = json_node_copy (node);
  return TRUE;
}

static VigilPreset *
preset_from_data (const char  *name,
                  GBytes      *data,
                  GError     **error)
{
  static const char * const known[] = {
    "name", "system", "url", "documentation", "auth", "select", "cannot_fill", "usually_adds",
    "mapping", NULL
  };
  g_autoptr(VigilPreset) self = g_object_new (VIGIL_TYPE_PRESET, NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const char *text = g_bytes_get_data (data, &length);
  JsonObject *root;

  self->name = g_strdup (name);
  if (!(node = _vigil_json_parse (text, (gssize) length, VIGIL_JSON_SETTINGS, &local_error)))
    {
      preset_error (error, name, "%s", local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      preset_error (error, name, _("must be a JSON object"));
      return NULL;
    }
  root = json_node_get_object (node);
  if (!check_members (root, known, name, "", error) ||
      !take_string (root, "system", name, TRUE, &self->system, error) ||
      !take_string (root, "url", name, TRUE, &self->url, error) ||
      !take_string (root, "documentation", name, TRUE, &self->documentation, error))
    return NULL;
  if (g_strcmp0 (string_member (root, "name"), name) != 0)
    {
      preset_error (error, name, _("its name must be its file's"));
      return NULL;
    }
  if (!g_str_has_prefix (self->url, "https://") || !g_str_has_prefix (self->documentation, "https://"))
    {
      preset_error (error, name, _("url and documentation must be https:// addresses"));
      return NULL;
    }
  if (!read_auth (self, root, error) || !read_select (self, root, error) ||
      !read_mapping (self, root, error) || !read_documentation (self, root, error))
    return NULL;
  return g_steal_pointer (&self);
}

static VigilPreset *
load_preset (GResource   *resource,
             const char  *name,
             GError     **error)
{
  g_autofree char *path = g_strconcat (PRESETS_PATH, name, ".json", NULL);
  g_autoptr(GBytes) data = g_resource_lookup_data (resource, path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  if (data == NULL)
    return NULL;
  return preset_from_data (name, data, error);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names of the shipped presets, sorted. */
static GStrv
list_names (GResource *resource)
{
  g_auto(GStrv) files = g_resource_enumerate_children (resource, PRESETS_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                                       NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    if (g_str_has_suffix (files[i], ".json"))
      g_ptr_array_add (names, g_strndup (files[i], strlen (files[i]) - strlen (".json")));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/**
 * vigil_preset_list_all:
 *
 * Returns: (transfer full) (element-type VigilPreset): every preset
 *   Vigil ships, by name
 */
GPtrArray *
vigil_preset_list_all (GError **error)
{
  GResource *resource = vigil_presets_get_resource ();
  g_autoptr(GPtrArray) presets = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) names = list_names (resource);

  for (guint i = 0; names[i] != NULL; i++)
    {
      VigilPreset *preset = load_preset (resource, names[i], error);

      if (preset == NULL)
        return NULL;
      g_ptr_array_add (presets, preset);
    }
  return g_steal_pointer (&presets);
}

/**
 * vigil_preset_lookup:
 *
 * Returns: (transfer full): the preset called @name, or %NULL with
 *   @error naming the presets there are
 */
VigilPreset *
vigil_preset_lookup (const char  *name,
                     GError     **error)
{
  GResource *resource = vigil_presets_get_resource ();
  g_auto(GStrv) names = list_names (resource);
  g_autofree char *known = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (g_strv_contains ((const char * const *) names, name))
    return load_preset (resource, name, error);

  known = g_strjoinv (", ", names);
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND, _("No preset named “%s” (there are %s)"), name,
               known);
  return NULL;
}

/* Describing a preset ------------------------------------------------------ */

const char *
vigil_preset_get_name (VigilPreset *self)
{
  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);
  return self->name;
}

/* The vendor's system and object, in the vendor's words. */
const char *
vigil_preset_get_system (VigilPreset *self)
{
  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);
  return self->system;
}

/* The vendor's URL; a host in braces ({subdomain}) is the user's. */
const char *
vigil_preset_get_url (VigilPreset *self)
{
  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);
  return self->url;
}

/* The vendor's reference of the endpoint. */
const char *
vigil_preset_get_documentation (VigilPreset *self)
{
  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);
  return self->documentation;
}

/**
 * vigil_preset_get_fills:
 *
 * Returns: (transfer full): the native fields the preset's mapping
 *   fills, in the order of design 2.1
 */
GStrv
vigil_preset_get_fills (VigilPreset *self)
{
  g_autoptr(GStrvBuilder) fills = g_strv_builder_new ();

  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);

  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    if (mapping_fills (self->mapping, field))
      g_strv_builder_add (fills, vigil_field_get_name (field));
  return g_strv_builder_end (fills);
}

/**
 * vigil_preset_get_cannot_fill:
 *
 * Returns: (nullable): why the preset cannot fill @field (a code for
 *   vigil_preset_describe_reason()), %NULL when it fills it
 */
const char *
vigil_preset_get_cannot_fill (VigilPreset *self,
                              VigilField   field)
{
  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);
  g_return_val_if_fail (field > VIGIL_FIELD_NONE && field < VIGIL_N_FIELDS, NULL);
  return self->cannot_fill[field];
}

/**
 * vigil_preset_get_usual_pointer:
 *
 * Returns: (nullable): where in a record users of the vendor usually
 *   keep @field (a custom property), for `--field`
 */
const char *
vigil_preset_get_usual_pointer (VigilPreset *self,
                                VigilField   field)
{
  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);
  g_return_val_if_fail (field > VIGIL_FIELD_NONE && field < VIGIL_N_FIELDS, NULL);
  return self->usual_pointers[field];
}

/**
 * vigil_preset_describe_reason:
 *
 * Returns: (nullable): why a field cannot be filled, in words, or %NULL
 *   for a code that is none
 */
const char *
vigil_preset_describe_reason (const char *reason)
{
  for (guint i = 0; reason != NULL && i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reasons[i].code, reason))
      return _(reasons[i].text);
  return NULL;
}

/* "bearer", "basic" or "query". */
const char *
vigil_preset_get_auth_scheme (VigilPreset *self)
{
  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);
  return self->auth_scheme;
}

/**
 * vigil_preset_describe_auth:
 *
 * Returns: (transfer full): how to give the vendor's credential to
 *   `vigil source add`, in words
 */
char *
vigil_preset_describe_auth (VigilPreset *self)
{
  g_autofree char *how = NULL;

  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);

  if (g_str_equal (self->auth_scheme, "bearer"))
    how = g_strdup_printf (_("a bearer token, given with --ask-token (kept in the keyring) or --token-env VAR: %s"),
                           self->auth_credential);
  else if (g_str_equal (self->auth_scheme, "basic"))
    how = g_strdup_printf (_("HTTP basic authentication, given with --header 'Authorization: Basic …' "
                             "(kept in the keyring), the Base64 of %s"), self->auth_credential);
  else
    how = g_strdup_printf (_("the query parameter %s, given with --query-secret %s (kept in the keyring): %s"),
                           self->auth_param, self->auth_param, self->auth_credential);
  if (self->auth_scopes != NULL && self->auth_scopes[0] != NULL)
    {
      g_autofree char *scopes = g_strjoinv (", ", self->auth_scopes);

      /* Translators: after how to authenticate; %s lists the vendor's
       * permissions the credential needs. */
      return g_strdup_printf (_("%s; it needs %s"), how, scopes);
    }
  return g_steal_pointer (&how);
}

/**
 * vigil_preset_get_mapping:
 *
 * Returns: (transfer full): the preset's mapping as JSON text
 */
char *
vigil_preset_get_mapping (VigilPreset *self)
{
  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);
  return json_to_string (self->mapping, FALSE);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/**
 * vigil_preset_to_json:
 *
 * Returns: (transfer full): the preset as `vigil presets --format json`
 *   gives it: name, system, url, documentation, fills, cannot_fill
 *   ({field, reason, why}), usually_adds ({field, pointer}), auth
 *   ({scheme, credential, param, scopes, how}) and mapping
 */
JsonNode *
vigil_preset_to_json (VigilPreset *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) fills = NULL;
  g_autofree char *how = NULL;

  g_return_val_if_fail (VIGIL_IS_PRESET (self), NULL);

  fills = vigil_preset_get_fills (self);
  how = vigil_preset_describe_auth (self);
  json_builder_begin_object (builder);
  add_string_member (builder, "name", self->name);
  add_string_member (builder, "system", self->system);
  add_string_member (builder, "url", self->url);
  add_string_member (builder, "documentation", self->documentation);

  json_builder_set_member_name (builder, "fills");
  json_builder_begin_array (builder);
  for (guint i = 0; fills[i] != NULL; i++)
    json_builder_add_string_value (builder, fills[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "cannot_fill");
  json_builder_begin_array (builder);
  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    if (self->cannot_fill[field] != NULL)
      {
        json_builder_begin_object (builder);
        add_string_member (builder, "field", vigil_field_get_name (field));
        add_string_member (builder, "reason", self->cannot_fill[field]);
        add_string_member (builder, "why", vigil_preset_describe_reason (self->cannot_fill[field]));
        json_builder_end_object (builder);
      }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "usually_adds");
  json_builder_begin_array (builder);
  for (VigilField field = 0; field < VIGIL_N_FIELDS; field++)
    if (self->usual_pointers[field] != NULL)
      {
        json_builder_begin_object (builder);
        add_string_member (builder, "field", vigil_field_get_name (field));
        add_string_member (builder, "pointer", self->usual_pointers[field]);
        json_builder_end_object (builder);
      }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "auth");
  json_builder_begin_object (builder);
  add_string_member (builder, "scheme", self->auth_scheme);
  add_string_member (builder, "credential", self->auth_credential);
  if (self->auth_param != NULL)
    add_string_member (builder, "param", self->auth_param);
  json_builder_set_member_name (builder, "scopes");
  json_builder_begin_array (builder);
  for (guint i = 0; self->auth_scopes != NULL && self->auth_scopes[i] != NULL; i++)
    json_builder_add_string_value (builder, self->auth_scopes[i]);
  json_builder_end_array (builder);
  add_string_member (builder, "how", how);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "mapping");
  json_builder_add_value (builder, json_node_copy (self->mapping));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Adjusting a mapping: --field ------------------------------------------- */

/* "NAME=/pointer" or "NAME={…}": a field as a mapping's fields member
 * gives it, a pointer or an object (a transform). */
static gboolean
parse_field_override (const char  *text,
                      char       **out_name,
                      JsonNode   **out_value,
                      GError     **error)
{
  const char *equals = strchr (text, '=');
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *value;

  if (equals == NULL)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("--field takes NAME=/pointer or NAME={…} (a field as a mapping gives it), not “%s”"), text);
      return FALSE;
    }
  name = g_strndup (text, (gsize) (equals - text));
  value = equals + 1;
  if (vigil_field_from_name (name) == VIGIL_FIELD_NONE)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("--field %s: “%s” is not a field Vigil knows"),
                   text, name);
      return FALSE;
    }

  if (*value == '{')
    {
      g_autoptr(JsonNode) node = _vigil_json_parse (value, -1, VIGIL_JSON_SETTINGS, &local_error);

      if (node == NULL)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("--field %s: not JSON: %s"), name,
                       local_error->message);
          return FALSE;
        }
      *out_value = g_steal_pointer (&node);
    }
  else if (vigil_json_pointer_validate (value, &local_error))
    {
      *out_value = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (*out_value, value);
    }
  else
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, "--field %s: %s", name, local_error->message);
      return FALSE;
    }
  *out_name = g_steal_pointer (&name);
  return TRUE;
}

/* The pointer a field's value reads, if it names one. */
static const char *
field_pointer (JsonNode *value)
{
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return json_node_get_string (value);
  if (JSON_NODE_HOLDS_OBJECT (value))
    return string_member (json_node_get_object (value), "pointer");
  return NULL;
}

/* Sets each of @fields in the mapping @root; the names of the fields
 * set are added to @names when given, each once. A field given twice
 * keeps the last value. */
static gboolean
override_fields (JsonObject          *root,
                 const char * const  *fields,
                 GPtrArray           *names,
                 GError             **error)
{
  JsonNode *node = json_object_get_member (root, "fields");
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Mapping: fields: must be an object from field names to JSON Pointers"));
      return FALSE;
    }
  object = json_node_get_object (node);
  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      JsonNode *value = NULL;

      if (!parse_field_override (fields[i], &name, &value, error))
        return FALSE;
      json_object_set_member (object, name, value);
      if (names != NULL && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, g_steal_pointer (&name));
    }
  return TRUE;
}

/**
 * vigil_mapping_override_fields:
 * @mapping: a mapping as JSON text
 * @fields: (array zero-terminated=1) (nullable): "NAME=/pointer" or
 *   "NAME={…}", as --field takes them
 *
 * Adds or replaces fields of a mapping (design 2.7), for a preset or a
 * mapping file alike.
 *
 * Returns: (transfer full): the mapping as JSON text, or %NULL with
 *   @error naming the --field at fault. The result is checked as any
 *   mapping is when it is read.
 */
char *
vigil_mapping_override_fields (const char          *mapping,
                               gssize               length,
                               const char * const  *fields,
                               GError             **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (mapping != NULL, NULL);

  if (!(root = _vigil_json_parse (mapping, length, VIGIL_JSON_SETTINGS, &local_error)))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE, _("Mapping is not valid JSON: %s"),
                   local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("Mapping: must be a JSON object"));
      return NULL;
    }
  if (!override_fields (json_node_get_object (root), fields, NULL, error))
    return NULL;
  return json_to_string (root, FALSE);
}

/* Configuring a source ----------------------------------------------------- */

/* A vendor answers only the properties a request lists: a field added
 * with --field under the listed ones (HubSpot's /properties/mrr) is
 * added to the list (properties=…,mrr), and a field of a SOQL query to
 * its SELECT, so that the answer carries it. */

/* @pointer's reference tokens, decoded. */
static GStrv
pointer_tokens (const char *pointer)
{
  g_autoptr(GStrvBuilder) tokens = g_strv_builder_new ();
  g_autoptr(GString) token = g_string_new (NULL);

  for (const char *p = pointer; *p == '/';)
    {
      p = _vigil_json_pointer_next_token (p + 1, token);
      g_strv_builder_add (tokens, token->str);
    }
  return g_strv_builder_end (tokens);
}

/* A URL that does not parse is kept as it is, for the source's own
 * checks to name. */
static char *
set_param_or_keep (const char *url,
                   const char *param,
                   const char *value)
{
  char *changed = vigil_url_set_query_param (url, param, value);

  return changed != NULL ? changed : g_strdup (url);
}

static char *
add_to_list_param (const char  *url,
                   const char  *param,
                   const char  *item)
{
  g_autofree char *value = vigil_url_get_query_param (url, param);
  g_auto(GStrv) items = NULL;
  g_autofree char *longer = NULL;

  if (value == NULL)
    return g_strdup (url);
  items = g_strsplit (value, ",", -1);
  if (g_strv_contains ((const char * const *) items, item))
    return g_strdup (url);
  longer = *value != '\0' ? g_strconcat (value, ",", item, NULL) : g_strdup (item);
  return set_param_or_keep (url, param, longer);
}

/* Whether @text is a SOQL field name: letters, digits, "_", and "."
 * between the names of a relationship (Owner.Name). */
static gboolean
is_soql_field (const char *text)
{
  if (*text == '\0' || *text == '.')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && !(*p == '.' && p[1] != '.' && p[1] != '\0'))
      return FALSE;
  return TRUE;
}

static char *
add_to_soql (const char  *url,
             const char  *param,
             const char  *field,
             GError     **error)
{
  g_autofree char *query = vigil_url_get_query_param (url, param);
  g_autofree char *lower = NULL;
  g_autofree char *longer = NULL;
  g_auto(GStrv) selected = NULL;
  const char *from;

  if (query == NULL)
    return g_strdup (url);
  if (!is_soql_field (field))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("--field: “%s” is not a Salesforce field name, so it cannot be added to the query"), field);
      return NULL;
    }
  lower = g_ascii_strdown (query, -1);
  g_strstrip (lower);
  from = strstr (lower, " from ");
  if (!g_str_has_prefix (lower, "select ") || from == NULL)
    return g_strdup (url);

  /* SOQL names are not case-sensitive. */
  {
    g_autofree char *list = g_strndup (lower + strlen ("select "), (gsize) (from - lower) - strlen ("select "));
    g_autofree char *wanted = g_ascii_strdown (field, -1);

    selected = g_strsplit (list, ",", -1);
    for (guint i = 0; selected[i] != NULL; i++)
      if (g_str_equal (g_strstrip (selected[i]), wanted))
        return g_strdup (url);
  }
  {
    g_autofree char *stripped = g_strstrip (g_strdup (query));
    gsize at = (gsize) (from - lower);

    longer = g_strdup_printf ("%.*s,%s%s", (int) at, stripped, field, stripped + at);
  }
  return set_param_or_keep (url, param, longer);
}

static char *
select_pointer (VigilPreset  *self,
                const char   *url,
                const char   *pointer,
                GError      **error)
{
  g_auto(GStrv) tokens = pointer_tokens (pointer);
  g_autofree char *path = NULL;

  if (self->select_param == NULL || tokens[0] == NULL)
    return g_strdup (url);
  if (self->select_soql)
    {
      path = g_strjoinv (".", tokens);
      return add_to_soql (url, self->select_param, path, error);
    }
  {
    gsize under = strlen (self->select_under);

    if (strncmp (pointer, self->select_under, under) != 0 || pointer[under] != '/')
      return g_strdup (url);
  }
  {
    g_auto(GStrv) under_tokens = pointer_tokens (self->select_under);
    guint depth = g_strv_length (under_tokens);

    if (depth >= g_strv_length (tokens) || *tokens[depth] == '\0')
      return g_strdup (url);
    return add_to_list_param (url, self->select_param, tokens[depth]);
  }
}

/* The address of the source: the one given, or the vendor's; a given
 * address of a host alone takes the vendor's path and query
 * (https://acme.zendesk.com). */
static char *
source_url (VigilPreset  *self,
            const char   *given,
            GError      **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *path;

  if (given == NULL)
    {
      if (strchr (self->url, '{') != NULL)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("the preset %s needs your own address, such as %s: give it after the source's name"),
                       self->name, self->url);
          return NULL;
        }
      return g_strdup (self->url);
    }

  uri = g_uri_parse (given, G_URI_FLAGS_ENCODED, NULL);
  path = uri != NULL ? g_uri_get_path (uri) : NULL;
  if (path != NULL && (*path == '\0' || g_str_equal (path, "/")) && g_uri_get_query (uri) == NULL &&
      g_uri_get_fragment (uri) == NULL)
    {
      const char *vendor_path = strchr (strstr (self->url, "://") + 3, '/');
      gsize length = strlen (given);

      if (vendor_path != NULL)
        return g_strdup_printf ("%.*s%s", (int) (given[length - 1] == '/' ? length - 1 : length), given,
                                vendor_path);
    }
  return g_strdup (given);
}

/**
 * vigil_preset_configure:
 * @url: (nullable): the address given, which overrides the vendor's
 * @fields: (array zero-terminated=1) (nullable): --field values
 * @out_url: (out) (transfer full): the source's address
 * @out_mapping: (out) (transfer full): its mapping as JSON text
 *
 * What `vigil source add NAME [URL] --preset NAME [--field F=P]…`
 * stores (design 2.7). The mapping is checked as any mapping is.
 */
gboolean
vigil_preset_configure (VigilPreset         *self,
                        const char          *url,
                        const char * const  *fields,
                        char               **out_url,
                        char               **out_mapping,
                        GError             **error)
{
  g_autoptr(JsonNode) mapping = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VigilMapping) checked = NULL;
  g_autofree char *address = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (VIGIL_IS_PRESET (self), FALSE);
  g_return_val_if_fail (out_url != NULL && out_mapping != NULL, FALSE);

  if (!(address = source_url (self, url, error)))
    return FALSE;
  mapping = json_node_copy (self->mapping);
  if (!override_fields (json_node_get_object (mapping), fields, names, error))
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    {
      JsonObject *mapped = json_object_get_object_member (json_node_get_object (mapping), "fields");
      const char *pointer = field_pointer (json_object_get_member (mapped, g_ptr_array_index (names, i)));
      char *selected;

      if (pointer == NULL)
        continue;
      if (!(selected = select_pointer (self, address, pointer, error)))
        return FALSE;
      g_free (address);
      address = selected;
    }

  text = json_to_string (mapping, FALSE);
  if (!(checked = vigil_mapping_new_from_data (text, -1, error)))
    return FALSE;
  *out_url = g_steal_pointer (&address);
  *out_mapping = g_steal_pointer (&text);
  return TRUE;
}
