/* vigil-url.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-url"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "vigil-error.h"
#include "vigil-url.h"

/* Query parameters that carry a credential by their name: a URL holding
 * one would put the secret in the database, `source list` and every
 * error message (design 2.3). Compared case-insensitively. */
static const char * const secret_param_names[] = {
  "api_key", "apikey", "token", "access_token", "key", "secret", NULL
};

static int
default_port (const char *scheme)
{
  return g_ascii_strcasecmp (scheme, "https") == 0 ? 443 : 80;
}

/* Whether @host (as GUri gives it: decoded, IDN as punycode) could name
 * a machine: a host that decodes to "/", "@", white space or a control
 * character is a trick, whose text means one host to one reader and
 * another to the next (exa%2Fmple.com checked as "exa/mple.com", sent
 * to "exa"), and it would put that character into messages. */
static gboolean
is_plain_host (const char *host)
{
  for (const guchar *p = (const guchar *) host; *p != '\0'; p++)
    if (*p <= 0x20 || *p >= 0x7F || strchr ("/\\?#@[]", *p) != NULL)
      return FALSE;
  return TRUE;
}

/**
 * vigil_url_origin_of:
 * @uri: an http or https URI, parsed as libsoup parses it
 *   (%SOUP_HTTP_URI_FLAGS)
 *
 * The origin (RFC 6454) of @uri, normalised so that two URIs on the same
 * origin give the same text: scheme and host in lower case, an IPv6
 * host in brackets, the port only when it is not the scheme's default.
 *
 * Returns: (transfer full) (nullable): "https://api.example.com",
 *   "http://127.0.0.1:8080"…, or %NULL if @uri is not http(s) or has
 *   no host, or a host no machine can have (see is_plain_host())
 */
char *
vigil_url_origin_of (GUri *uri)
{
  const char *scheme;
  const char *host;
  g_autofree char *lower_host = NULL;
  GString *origin;
  int port;

  g_return_val_if_fail (uri != NULL, NULL);

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (scheme == NULL || host == NULL || *host == '\0' || !is_plain_host (host) ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    return NULL;

  origin = g_string_new (NULL);
  g_string_append_printf (origin, "%s://", g_ascii_strcasecmp (scheme, "https") == 0 ? "https" : "http");
  lower_host = g_ascii_strdown (host, -1);
  /* GUri gives an IPv6 literal without its brackets. */
  if (strchr (lower_host, ':') != NULL)
    g_string_append_printf (origin, "[%s]", lower_host);
  else
    g_string_append (origin, lower_host);
  port = g_uri_get_port (uri);
  if (port >= 0 && port != default_port (scheme))
    g_string_append_printf (origin, ":%d", port);
  return g_string_free (origin, FALSE);
}

/**
 * vigil_url_get_origin:
 * @url: an http or https URL
 *
 * Returns: (transfer full) (nullable): the origin of @url (see
 *   vigil_url_origin_of()), or %NULL with @error set
 */
char *
vigil_url_get_origin (const char  *url,
                      GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  char *origin;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  origin = uri != NULL ? vigil_url_origin_of (uri) : NULL;
  if (origin == NULL)
    g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                 _("“%s” is not an http:// or https:// URL with a host"), url);
  return origin;
}

/* The query of @url as written (from the first '?' to any '#'), or
 * NULL. Taken from the text itself, so that even a URL that does not
 * parse is searched. */
static char *
raw_query (const char *url)
{
  const char *start = strchr (url, '?');
  const char *end;

  if (start == NULL)
    return NULL;
  start++;
  end = strchr (start, '#');
  return g_strndup (start, end != NULL ? (gsize) (end - start) : strlen (start));
}

/* The name of one "name=value" pair, percent-decoded where it can be. */
static char *
pair_name (const char *pair)
{
  const char *equals = strchr (pair, '=');
  g_autofree char *raw = g_strndup (pair, equals != NULL ? (gsize) (equals - pair) : strlen (pair));
  char *decoded = g_uri_unescape_string (raw, NULL);

  return decoded != NULL ? decoded : g_steal_pointer (&raw);
}

/* The credential name @name is, in any case, or NULL. */
static const char *
secret_param_name (const char *name)
{
  for (guint k = 0; secret_param_names[k] != NULL; k++)
    if (g_ascii_strcasecmp (name, secret_param_names[k]) == 0)
      return secret_param_names[k];
  return NULL;
}

/**
 * vigil_url_is_secret_param:
 * @name: a query parameter's name, decoded
 *
 * Returns: whether @name carries a credential by its name (api_key,
 *   apikey, token, access_token, key, secret; any case): a URL or a
 *   mapping holding one would store and show the secret (design 2.3)
 */
gboolean
vigil_url_is_secret_param (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return secret_param_name (name) != NULL;
}

/**
 * vigil_url_is_header_name:
 *
 * Returns: whether @name is an HTTP field name: 1 to 100 RFC 9110 token
 *   characters
 */
gboolean
vigil_url_is_header_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 100)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || strchr ("!#$%&'*+-.^_`|~", *p) != NULL))
      return FALSE;
  return TRUE;
}

/**
 * vigil_url_check_no_secret:
 *
 * Refuses a URL whose query carries a parameter named like a credential
 * (api_key, apikey, token, access_token, key, secret; any case, escaped
 * or not; pairs split at '&' or ';'). The error names the parameter and
 * the options that keep its value in the keyring, never the value.
 */
gboolean
vigil_url_check_no_secret (const char  *url,
                           GError     **error)
{
  g_autofree char *query = NULL;
  g_auto(GStrv) pairs = NULL;

  g_return_val_if_fail (url != NULL, FALSE);

  if ((query = raw_query (url)) == NULL)
    return TRUE;

  pairs = g_strsplit_set (query, "&;", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autofree char *name = pair_name (pairs[i]);

      const char *secret = secret_param_name (name);

      if (secret != NULL)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("the URL's query carries a secret (%s=…), which would be stored and shown: "
                         "take it out of the URL and give it with --query-secret %s (its value is "
                         "read from standard input into the keyring) or --query-secret-env %s=VAR"),
                       secret, secret, secret);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * vigil_url_is_query_name:
 *
 * Whether @name may name a query parameter Vigil adds: 1 to 100 of the
 * characters RFC 3986 leaves unreserved (letters, digits, "-._~").
 */
gboolean
vigil_url_is_query_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 100)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || strchr ("-._~", *p) != NULL))
      return FALSE;
  return TRUE;
}

/* Whether one "name=value" pair of @length bytes is named, once
 * percent-decoded, @name exactly or (@any_case) in any case. */
static gboolean
pair_is_named (const char *pair,
               gsize       length,
               const char *name,
               gboolean    any_case)
{
  g_autofree char *text = g_strndup (pair, length);
  g_autofree char *decoded = pair_name (text);

  return any_case ? g_ascii_strcasecmp (decoded, name) == 0 : strcmp (decoded, name) == 0;
}

static gboolean
pair_is_removed (const char          *pair,
                 gsize                length,
                 const char * const  *names,
                 const char          *name)
{
  if (length == 0 || (name != NULL && pair_is_named (pair, length, name, FALSE)))
    return TRUE;
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (pair_is_named (pair, length, names[i], TRUE))
      return TRUE;
  return FALSE;
}

/* @url with its query rebuilt from the pairs named none of @names (in
 * any case; pairs split at "&" or ";", as vigil_url_check_no_secret()
 * splits them) nor @name (exactly), empty pairs dropped, then
 * "@name=@value" if @name is given; NULL if @url does not parse.
 *
 * The text is edited where it stands, never parsed and rebuilt: a round
 * trip through GUri decodes the host (exa%2Fmple.com becomes
 * "exa/mple.com"), and a host written back raw is another host. All but
 * the query stays byte for byte what was checked (design 2.3). */
static char *
rebuild_query (const char         *url,
               const char * const *names,
               const char         *name,
               const char         *value)
{
  g_autoptr(GString) result = NULL;
  gsize fragment = strcspn (url, "#");
  const char *question = memchr (url, '?', fragment);
  const char *end = url + fragment;
  gboolean first = TRUE;

  if (!g_uri_is_valid (url, G_URI_FLAGS_ENCODED, NULL))
    return NULL;

  /* Room for all of it at once: a secret's value is not left behind in
   * a buffer given up as the string grows. */
  result = g_string_sized_new (strlen (url) + 3 * (name != NULL ? strlen (name) + strlen (value) : 0) + 3);
  g_string_append_len (result, url, question != NULL ? (gssize) (question - url) : (gssize) fragment);
  for (const char *pair = question != NULL ? question + 1 : end; pair < end;)
    {
      gsize length = strcspn (pair, "&;#");

      if (!pair_is_removed (pair, length, names, name))
        {
          /* Each pair keeps the separator it had, the first none. */
          g_string_append_c (result, first ? '?' : pair[-1]);
          g_string_append_len (result, pair, (gssize) length);
          first = FALSE;
        }
      pair += length < (gsize) (end - pair) ? length + 1 : length;
    }
  if (name != NULL)
    {
      /* Every byte outside RFC 3986's unreserved set is percent-encoded,
       * UTF-8 too: a value may come from a server (a cursor, an id) and
       * hold "&", "#", spaces or any character (design 2.2). */
      g_autofree char *escaped_name = g_uri_escape_string (name, NULL, FALSE);
      g_autofree char *escaped_value = g_uri_escape_string (value, NULL, FALSE);

      g_string_append_printf (result, "%s%s=%s", first ? "?" : "&", escaped_name, escaped_value);
      /* The value may be a secret: no copy of it stays in freed memory. */
      memset (escaped_value, 0, strlen (escaped_value));
    }
  g_string_append (result, end);
  return g_string_free (g_steal_pointer (&result), FALSE);
}

/**
 * vigil_url_set_query_param:
 *
 * Returns: (transfer full) (nullable): @url with query parameter @name
 *   set to @value (both percent-encoded), replacing any it had; %NULL if
 *   @url does not parse
 */
char *
vigil_url_set_query_param (const char *url,
                           const char *name,
                           const char *value)
{
  g_return_val_if_fail (url != NULL && name != NULL && value != NULL, NULL);

  return rebuild_query (url, NULL, name, value);
}

/**
 * vigil_url_remove_query_params:
 * @names: (array zero-terminated=1): parameter names, as decoded
 *
 * Returns: (transfer full) (nullable): @url without the query
 *   parameters named in @names, in any case, percent-encoded or not,
 *   pairs split at "&" or ";" (a server echoing a query secret into a
 *   link may write it either way); %NULL if @url does not parse
 */
char *
vigil_url_remove_query_params (const char         *url,
                               const char * const *names)
{
  g_return_val_if_fail (url != NULL, NULL);

  return rebuild_query (url, names, NULL, NULL);
}

/**
 * vigil_url_get_query_param:
 * @name: a parameter's name, as decoded
 *
 * Reads the query as a form does: pairs split at "&" or ";", "+" a
 * space, percent escapes decoded (a SOQL query is written
 * `q=SELECT+Id+FROM+Account`).
 *
 * Returns: (transfer full) (nullable): the decoded value of the first
 *   parameter named @name exactly, or %NULL if there is none
 */
char *
vigil_url_get_query_param (const char *url,
                           const char *name)
{
  gsize fragment;
  const char *question;
  const char *end;

  g_return_val_if_fail (url != NULL && name != NULL, NULL);

  fragment = strcspn (url, "#");
  question = memchr (url, '?', fragment);
  end = url + fragment;
  for (const char *pair = question != NULL ? question + 1 : end; pair < end;)
    {
      gsize length = strcspn (pair, "&;#");
      g_autofree char *text = g_strndup (pair, length);
      g_autofree char *decoded_name = pair_name (text);
      const char *equals = strchr (text, '=');

      if (strcmp (decoded_name, name) == 0)
        {
          g_autofree char *raw = g_strdup (equals != NULL ? equals + 1 : "");

          g_strdelimit (raw, "+", ' ');
          return g_uri_unescape_string (raw, NULL);
        }
      pair += length < (gsize) (end - pair) ? length + 1 : length;
    }
  return NULL;
}
