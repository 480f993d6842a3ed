/* vigil-mapping-request.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-mapping"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-json-private.h"
#include "vigil-mapping-request.h"
#include "vigil-time.h"
#include "vigil-url.h"

/* What a mapping adds to each list request (design 2.2): the method,
 * static query parameters, headers and, for POST, a JSON body, with
 * time placeholders ({now-7d}) in query values and body strings.
 *
 * A mapping is stored in the database and shown: no secret may be in
 * it. A header or query parameter named like a credential is refused
 * here, pointing at --header, --ask-token and --query-secret, whose
 * values live in the keyring and go to the source's origin only
 * (design 2.3). */

/* Placeholders reach back at most 100 years (of 365.25 days). */
#define MAX_BACK_S G_GINT64_CONSTANT (3155760000)

/* Limits far above any real mapping, so a hostile one stays small. */
#define MAX_NAME 200
#define MAX_HEADER_VALUE 4096

typedef enum
{
  TIME_ISO8601,
  TIME_EPOCH_S,
  TIME_EPOCH_MS,
  TIME_DATE,
} TimeFormat;

/* A header whose name has one of these in it (any case) carries a
 * credential: its value belongs in the keyring, not in a mapping. */
static const char * const credential_header_words[] = {
  "auth", "cookie", "token", "secret", "key", "password", "session", "credential", "signature", NULL
};

/* Headers the HTTP connection, or Vigil itself, manages: a mapping
 * setting them would break the framing of the request or of the answer
 * (Host, lengths, encodings) or Vigil's conditional requests. */
static const char * const managed_headers[] = {
  "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection",
  "Upgrade", "TE", "Trailer", "Expect", "Content-Encoding", "Accept-Encoding", "Range",
  "If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", NULL
};

/* The text between a placeholder's braces: "now", then "-" a whole
 * number and a unit (d, h, m), then ":" a format; FALSE if it is not
 * one. */
static gboolean
parse_placeholder (const char  *text,
                   gsize        length,
                   gint64      *out_back_s,
                   TimeFormat  *out_format)
{
  g_autofree char *inner = g_strndup (text, length);
  char *colon = strchr (inner, ':');
  const char *p = inner + strlen ("now");
  gint64 count = 0;
  gint64 unit;

  *out_format = TIME_ISO8601;
  *out_back_s = 0;
  if (colon != NULL)
    {
      *colon = '\0';
      if (g_str_equal (colon + 1, "epoch-s"))
        *out_format = TIME_EPOCH_S;
      else if (g_str_equal (colon + 1, "epoch-ms"))
        *out_format = TIME_EPOCH_MS;
      else if (g_str_equal (colon + 1, "date"))
        *out_format = TIME_DATE;
      else
        return FALSE;
    }
  if (!g_str_has_prefix (inner, "now"))
    return FALSE;
  if (*p == '\0')
    return TRUE;
  if (*p++ != '-' || !g_ascii_isdigit (*p) || *p == '0')
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    if ((count = count * 10 + (*p - '0')) > MAX_BACK_S)
      return FALSE;
  switch (*p++)
    {
    case 'd':
      unit = 24 * 3600;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'm':
      unit = 60;
      break;
    default:
      return FALSE;
    }
  if (*p != '\0' || count > MAX_BACK_S / unit)
    return FALSE;
  *out_back_s = count * unit;
  return TRUE;
}

static void
append_time (GString    *out,
             gint64      time,
             TimeFormat  format)
{
  g_autofree char *text = NULL;

  switch (format)
    {
    case TIME_EPOCH_S:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, time);
      return;
    case TIME_EPOCH_MS:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, time * 1000);
      return;
    case TIME_DATE:
      text = vigil_date_format (vigil_time_get_day (time));
      break;
    case TIME_ISO8601:
    default:
      text = vigil_time_format (time);
      break;
    }
  g_string_append (out, text);
}

/* Appends @text to @out with each placeholder replaced by @now less
 * its offset, in its format, and "{{", "}}" by a brace. */
static gboolean
expand_placeholders (const char  *text,
                     gint64       now,
                     GString     *out,
                     GError     **error)
{
  const char *p = text;

  while (*p != '\0')
    {
      const char *close;
      gint64 back_s;
      TimeFormat format;

      if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}'))
        {
          g_string_append_c (out, *p);
          p += 2;
          continue;
        }
      if (*p == '}')
        {
          g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                               _("a “}” without its “{”: write }} for a brace"));
          return FALSE;
        }
      if (*p != '{')
        {
          g_string_append_c (out, *p++);
          continue;
        }
      if ((close = strchr (p, '}')) == NULL)
        {
          g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                               _("a “{” without its “}”: write {{ for a brace"));
          return FALSE;
        }
      if (!parse_placeholder (p + 1, (gsize) (close - p - 1), &back_s, &format))
        {
          g_autofree char *placeholder = g_strndup (p, (gsize) (close - p + 1));

          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("“%s” is not a time placeholder: use {now}, {now-7d}, {now-24h} or {now-30m} "
                         "(days, hours or minutes back, at most 100 years), each optionally ending in "
                         ":epoch-s, :epoch-ms or :date; write {{ and }} for a brace"), placeholder);
          return FALSE;
        }
      append_time (out, now - back_s, format);
      p = close + 1;
    }
  return TRUE;
}

/**
 * vigil_mapping_expand_time:
 * @text: a query value or body string of a mapping
 * @now: the poll's time, Unix seconds
 *
 * Returns: (transfer full): @text with each time placeholder ({now},
 *   {now-7d}, {now-24h:epoch-ms}…) replaced by @now less its offset, in
 *   its format (ISO 8601 UTC by default), and "{{" and "}}" by a brace;
 *   %NULL with @error set if @text holds something else in braces
 */
char *
vigil_mapping_expand_time (const char  *text,
                           gint64       now,
                           GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (text != NULL, NULL);

  if (!expand_placeholders (text, now, out, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Each string in @node, the body or a part of it, checked (@expand
 * FALSE) or replaced by its expansion at @now; @path names the part
 * for an error. The body is a mapping's, nested at most 512 deep. */
static gboolean
walk_body_strings (JsonNode  *node,
                   GString   *path,
                   gboolean   expand,
                   gint64     now,
                   GError   **error)
{
  gsize length = path->len;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          g_string_append_printf (path, ".%s", name);
          if (!walk_body_strings (member, path, expand, now, error))
            return FALSE;
          g_string_truncate (path, length);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_string_append_printf (path, "[%u]", i);
          if (!walk_body_strings (json_array_get_element (array, i), path, expand, now, error))
            return FALSE;
          g_string_truncate (path, length);
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autoptr(GString) expanded = g_string_new (NULL);
      g_autoptr(GError) local_error = NULL;

      if (!expand_placeholders (json_node_get_string (node), now, expanded, &local_error))
        return _vigil_mapping_error (error, path->str, "%s", local_error->message);
      if (expand)
        json_node_set_string (node, expanded->str);
    }
  return TRUE;
}

static gboolean
parse_method (VigilMappingRequest  *request,
              JsonObject           *root,
              GError              **error)
{
  JsonNode *node = json_object_get_member (root, "method");
  const char *method;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return _vigil_mapping_error (error, "method", _("must be GET or POST"));
  method = json_node_get_string (node);
  if (!g_str_equal (method, "GET") && !g_str_equal (method, "POST"))
    return _vigil_mapping_error (error, "method", _("“%s” is neither GET nor POST"), method);
  request->post = g_str_equal (method, "POST");
  return TRUE;
}

/* The object @member of @root, whose values must all be strings. */
static gboolean
get_string_object (JsonObject   *root,
                   const char   *member,
                   JsonObject  **out,
                   GError      **error)
{
  JsonNode *node = json_object_get_member (root, member);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _vigil_mapping_error (error, member, _("must be an object of names and text values"));
  json_object_iter_init_ordered (&iter, json_node_get_object (node));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
      {
        g_autofree char *path = g_strdup_printf ("%s.%s", member, name);

        return _vigil_mapping_error (error, path, _("must be text (a JSON string)"));
      }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
has_control_character (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    if (*p < 0x20 || *p == 0x7F)
      return TRUE;
  return FALSE;
}

/**
 * _vigil_mapping_check_name:
 * @where: the member, for the error
 *
 * A name a mapping sends: a query parameter's, a paging parameter's (in
 * a query or a POST body): 1 to 200 bytes without control characters.
 */
gboolean
_vigil_mapping_check_name (const char  *name,
                           const char  *where,
                           GError     **error)
{
  if (*name == '\0' || strlen (name) > MAX_NAME || has_control_character (name))
    return _vigil_mapping_error (error, where, _("must be a name of 1 to 200 bytes without control characters"));
  return TRUE;
}

static gboolean
parse_query (VigilMappingRequest  *request,
             JsonObject           *root,
             GError              **error)
{
  JsonObject *query;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (!get_string_object (root, "query", &query, error))
    return FALSE;
  request->query = g_ptr_array_new_with_free_func (g_free);
  if (query == NULL)
    return TRUE;

  json_object_iter_init_ordered (&iter, query);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      g_autofree char *path = g_strdup_printf ("query.%s", name);
      g_autoptr(GString) expanded = g_string_new (NULL);
      g_autoptr(GError) local_error = NULL;

      if (!_vigil_mapping_check_name (name, path, error))
        return FALSE;
      if (vigil_url_is_secret_param (name))
        return _vigil_mapping_error (error, path,
                                     _("a query parameter named like a secret would be stored and shown "
                                       "with the mapping: give it with --query-secret %s (its value is "
                                       "read from standard input into the keyring) or "
                                       "--query-secret-env %s=VAR"), name, name);
      if (!expand_placeholders (json_node_get_string (value), 0, expanded, &local_error))
        return _vigil_mapping_error (error, path, "%s", local_error->message);
      g_ptr_array_add (request->query, g_strdup (name));
      g_ptr_array_add (request->query, g_strdup (json_node_get_string (value)));
    }
  return TRUE;
}

static gboolean
is_credential_header (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; credential_header_words[i] != NULL; i++)
    if (strstr (lower, credential_header_words[i]) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
is_managed_header (const char *name)
{
  for (guint i = 0; managed_headers[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, managed_headers[i]) == 0)
      return TRUE;
  return FALSE;
}

/* RFC 9110's field-value, in printable ASCII: visible characters,
 * spaces and tabs between them; never CR or LF, which would end the
 * header and begin another. */
static gboolean
is_header_value (const char *value)
{
  gsize length = strlen (value);

  if (length > MAX_HEADER_VALUE ||
      (length > 0 && (value[0] == ' ' || value[0] == '\t' ||
                      value[length - 1] == ' ' || value[length - 1] == '\t')))
    return FALSE;
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    if (!((*p >= 0x20 && *p < 0x7F) || *p == '\t'))
      return FALSE;
  return TRUE;
}

static gboolean
check_header (const char  *name,
              const char  *value,
              GError     **error)
{
  g_autofree char *path = g_strdup_printf ("headers.%s", name);

  if (!vigil_url_is_header_name (name))
    return _vigil_mapping_error (error, path, _("“%s” is not an HTTP header name"), name);
  if (is_credential_header (name))
    return _vigil_mapping_error (error, path,
                                 _("a header that carries a credential would be stored and shown with "
                                   "the mapping: give it with --header '%s: …' (its value goes to the "
                                   "keyring) or the token with --ask-token or --token-env"), name);
  if (is_managed_header (name))
    return _vigil_mapping_error (error, path, _("the %s header is the HTTP connection's or Vigil's own "
                                                "to set, not a mapping's"), name);
  if (!is_header_value (value))
    return _vigil_mapping_error (error, path, _("a header's value must be printable ASCII of at most "
                                                "4096 bytes, without line breaks and without spaces "
                                                "at either end"));
  return TRUE;
}

static gboolean
parse_headers (VigilMappingRequest  *request,
               JsonObject           *root,
               GError              **error)
{
  g_autoptr(GStrvBuilder) headers = g_strv_builder_new ();
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (!get_string_object (root, "headers", &object, error))
    return FALSE;
  if (object == NULL || json_object_get_size (object) == 0)
    return TRUE;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (!check_header (name, json_node_get_string (value), error))
        return FALSE;
      g_strv_builder_add (headers, name);
      g_strv_builder_add (headers, json_node_get_string (value));
    }
  request->headers = g_strv_builder_end (headers);
  return TRUE;
}

static gboolean
parse_body (VigilMappingRequest  *request,
            JsonObject           *root,
            GError              **error)
{
  JsonNode *node = json_object_get_member (root, "body");
  g_autoptr(GString) path = g_string_new ("body");

  if (node == NULL)
    return TRUE;
  if (!request->post)
    return _vigil_mapping_error (error, "body", _("a body is sent with \"method\": \"POST\" only"));
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _vigil_mapping_error (error, "body", _("must be a JSON object"));
  if (!walk_body_strings (node, path, FALSE, 0, error))
    return FALSE;
  request->body = json_node_copy (node);
  return TRUE;
}

/**
 * _vigil_mapping_request_parse:
 * @root: the mapping's object
 *
 * Reads the method, query, headers and body members of @root into
 * @request (zero-filled), checking each.
 */
gboolean
_vigil_mapping_request_parse (VigilMappingRequest  *request,
                              JsonObject           *root,
                              GError              **error)
{
  return parse_method (request, root, error) &&
         parse_query (request, root, error) &&
         parse_headers (request, root, error) &&
         parse_body (request, root, error);
}

void
_vigil_mapping_request_clear (VigilMappingRequest *request)
{
  g_clear_pointer (&request->query, g_ptr_array_unref);
  g_clear_pointer (&request->headers, g_strfreev);
  g_clear_pointer (&request->body, json_node_unref);
}

/* Writes the members _vigil_mapping_request_parse() reads back alike. */
void
_vigil_mapping_request_to_json (const VigilMappingRequest *request,
                                JsonBuilder               *builder)
{
  if (request->post)
    {
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, "POST");
    }
  if (request->query != NULL && request->query->len > 0)
    {
      json_builder_set_member_name (builder, "query");
      json_builder_begin_object (builder);
      for (guint i = 0; i + 1 < request->query->len; i += 2)
        {
          json_builder_set_member_name (builder, g_ptr_array_index (request->query, i));
          json_builder_add_string_value (builder, g_ptr_array_index (request->query, i + 1));
        }
      json_builder_end_object (builder);
    }
  if (request->headers != NULL)
    {
      json_builder_set_member_name (builder, "headers");
      json_builder_begin_object (builder);
      for (guint i = 0; request->headers[i] != NULL && request->headers[i + 1] != NULL; i += 2)
        {
          json_builder_set_member_name (builder, request->headers[i]);
          json_builder_add_string_value (builder, request->headers[i + 1]);
        }
      json_builder_end_object (builder);
    }
  if (request->body != NULL)
    {
      json_builder_set_member_name (builder, "body");
      json_builder_add_value (builder, json_node_copy (request->body));
    }
}

/* Replaces *@url by @next (NULL when the URL did not parse). */
static void
take_url (char **url,
          char  *next)
{
  g_free (*url);
  *url = next;
}

/**
 * _vigil_mapping_request_url:
 * @url: the page's URL: the source's, or a next page's
 * @now: the poll's time, for the placeholders
 * @params: the paging parameters, for a GET
 *
 * The query's text is edited where it stands (see
 * vigil_url_set_query_param()): each static parameter replaces those of
 * its name in @url, and each paging parameter any static one.
 *
 * Returns: (transfer full) (nullable): the URL to ask, %NULL if @url
 *   does not parse
 */
char *
_vigil_mapping_request_url (const VigilMappingRequest *request,
                            const char                *url,
                            gint64                     now,
                            const VigilPagingParam    *params,
                            guint                      n_params)
{
  char *result = g_strdup (url);

  for (guint i = 0; result != NULL && request->query != NULL && i + 1 < request->query->len; i += 2)
    {
      g_autofree char *value = vigil_mapping_expand_time (g_ptr_array_index (request->query, i + 1), now, NULL);

      /* Checked when the mapping was read: it expands. */
      g_assert (value != NULL);
      take_url (&result, vigil_url_set_query_param (result, g_ptr_array_index (request->query, i), value));
    }
  /* A POST carries its paging in the body. */
  for (guint i = 0; result != NULL && !request->post && i < n_params; i++)
    take_url (&result, vigil_url_set_query_param (result, params[i].name, params[i].value));
  return result;
}

/**
 * _vigil_mapping_request_body:
 * @now: the poll's time, for the placeholders
 * @params: the paging parameters
 *
 * Returns: (transfer full) (nullable): for a POST, the mapping's body
 *   (or an empty object) as JSON text, its strings expanded and each
 *   paging parameter set as a top-level member (a whole number as a
 *   number); %NULL for a GET
 */
char *
_vigil_mapping_request_body (const VigilMappingRequest *request,
                             gint64                     now,
                             const VigilPagingParam    *params,
                             guint                      n_params)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GString) path = g_string_new ("body");
  JsonObject *object;

  if (!request->post)
    return NULL;

  if (request->body != NULL)
    {
      /* A deep copy (json_node_copy() shares the members): the
       * mapping's body stays as written, placeholders and all. */
      g_autofree char *text = json_to_string (request->body, FALSE);

      body = _vigil_json_parse (text, -1, VIGIL_JSON_SETTINGS, NULL);
      g_assert (body != NULL && JSON_NODE_HOLDS_OBJECT (body));
    }
  else
    {
      body = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (body, json_object_new ());
    }
  /* Checked when the mapping was read: every string expands. */
  if (!walk_body_strings (body, path, TRUE, now, NULL))
    g_assert_not_reached ();

  object = json_node_get_object (body);
  for (guint i = 0; i < n_params; i++)
    {
      if (params[i].is_number)
        json_object_set_int_member (object, params[i].name, g_ascii_strtoll (params[i].value, NULL, 10));
      else
        json_object_set_string_member (object, params[i].name, params[i].value);
    }
  return json_to_string (body, FALSE);
}
