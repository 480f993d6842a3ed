/* vigil-link-header.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-link"

#include "config.h"

#include <string.h>

#include "vigil-link-header.h"

/* RFC 8288, section 3:
 *
 *   Link       = #link-value
 *   link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
 *   link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
 *
 * The value comes from a server we do not control and is fuzzed, so
 * the parser is a single forward scan over (start, end): every loop
 * advances the cursor, nothing recurses and nothing reads past end.
 * A link is used only once it has been read to its end (a ',' or the
 * end of the value); a malformed link is skipped up to the next ','
 * that is outside a quoted string or a <...> target, and an
 * unterminated quoted string or target ends the parse. */

typedef struct
{
  const char *pos;
  const char *end;
} Scanner;

typedef enum
{
  LINK_OK,        /* read to a ',' or to the end of the value */
  LINK_MALFORMED, /* skip to the next link */
  LINK_TRUNCATED, /* stop parsing */
} LinkStatus;

static gboolean
is_ows (char c)
{
  /* SP and HTAB; CR and LF only appear in unfolded or hostile values
   * and are harmless to skip. */
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static gboolean
is_tchar (char c)
{
  if (g_ascii_isalnum (c))
    return TRUE;

  return c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

static void
skip_ows (Scanner *s)
{
  g_assert (s != NULL);

  while (s->pos < s->end && is_ows (*s->pos))
    s->pos++;
}

/* Reads a token; returns its length (0 if there is none). */
static gsize
scan_token (Scanner     *s,
            const char **out_start)
{
  const char *start = s->pos;

  g_assert (s != NULL);
  g_assert (out_start != NULL);

  while (s->pos < s->end && is_tchar (*s->pos))
    s->pos++;

  *out_start = start;
  return (gsize) (s->pos - start);
}

/* The cursor is on the opening '"'. Reads the quoted string, unescaping
 * it into @out if that is not NULL. Returns FALSE if it is unterminated. */
static gboolean
scan_quoted_string (Scanner *s,
                    GString *out)
{
  g_assert (s != NULL);
  g_assert (s->pos < s->end && *s->pos == '"');

  s->pos++;
  while (s->pos < s->end)
    {
      char c = *s->pos++;

      if (c == '"')
        return TRUE;

      if (c == '\\')
        {
          if (s->pos >= s->end)
            break;
          c = *s->pos++;
        }

      if (out != NULL)
        g_string_append_c (out, c);
    }

  return FALSE;
}

/* Moves past the next ',' outside quoted strings and <...>. Returns
 * FALSE if the rest of the value cannot be parsed. */
static gboolean
skip_to_next_link (Scanner *s)
{
  g_assert (s != NULL);

  while (s->pos < s->end)
    {
      char c = *s->pos;

      if (c == ',')
        {
          s->pos++;
          return TRUE;
        }
      else if (c == '"')
        {
          if (!scan_quoted_string (s, NULL))
            return FALSE;
        }
      else if (c == '<')
        {
          const char *gt = memchr (s->pos, '>', (gsize) (s->end - s->pos));

          if (gt == NULL)
            return FALSE;
          s->pos = gt + 1;
        }
      else
        {
          s->pos++;
        }
    }

  return TRUE;
}

/* Whether the space-separated list of relation types holds "next". */
static gboolean
rel_list_has_next (const char *rel,
                   gsize       len)
{
  gsize i = 0;

  g_assert (rel != NULL || len == 0);

  while (i < len)
    {
      gsize start;

      while (i < len && is_ows (rel[i]))
        i++;
      start = i;
      while (i < len && !is_ows (rel[i]))
        i++;

      if (i - start == 4 && g_ascii_strncasecmp (rel + start, "next", 4) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Reads the parameters after a link's target, up to and including the
 * ',' that ends the link. Sets @out_is_next if the first "rel" parameter
 * (RFC 8288 3.3: later ones are ignored) lists "next". */
static LinkStatus
scan_link_params (Scanner  *s,
                  gboolean *out_is_next)
{
  gboolean seen_rel = FALSE;

  g_assert (s != NULL);
  g_assert (out_is_next != NULL);

  *out_is_next = FALSE;

  for (;;)
    {
      const char *name;
      gsize name_len;
      gboolean is_rel;

      skip_ows (s);

      if (s->pos >= s->end)
        return LINK_OK;

      if (*s->pos == ',')
        {
          s->pos++;
          return LINK_OK;
        }

      if (*s->pos != ';')
        return LINK_MALFORMED;

      s->pos++;
      skip_ows (s);

      /* An empty parameter (";;" or a trailing ';') is tolerated. */
      if (s->pos >= s->end || *s->pos == ';' || *s->pos == ',')
        continue;

      name_len = scan_token (s, &name);
      if (name_len == 0)
        return LINK_MALFORMED;

      is_rel = !seen_rel && name_len == 3 && g_ascii_strncasecmp (name, "rel", 3) == 0;
      if (is_rel)
        seen_rel = TRUE;

      skip_ows (s);
      if (s->pos >= s->end || *s->pos != '=')
        continue; /* a parameter without a value */

      s->pos++;
      skip_ows (s);

      if (s->pos < s->end && *s->pos == '"')
        {
          g_autoptr(GString) value = is_rel ? g_string_new (NULL) : NULL;

          if (!scan_quoted_string (s, value))
            return LINK_TRUNCATED;

          if (is_rel)
            *out_is_next = rel_list_has_next (value->str, value->len);
        }
      else
        {
          const char *value;
          gsize value_len = scan_token (s, &value);

          if (value_len == 0)
            return LINK_MALFORMED;

          if (is_rel)
            *out_is_next = rel_list_has_next (value, value_len);
        }
    }
}

/* A URI-Reference holds only printable ASCII without spaces. Of the
 * other characters RFC 3986 leaves out, '<' and '"' are refused as signs
 * of a mangled header, and a backslash because URL parsers disagree on it;
 * '{', '|' and the like are let through, as some APIs send them. */
static gboolean
is_plausible_uri_reference (const char *target,
                            gsize       len)
{
  g_assert (target != NULL || len == 0);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) target[i];

      if (c <= 0x20 || c >= 0x7f || c == '<' || c == '"' || c == '\\')
        return FALSE;
    }

  return TRUE;
}

static char *
resolve_target (const char *target,
                gsize       len,
                const char *base_uri)
{
  g_autofree char *reference = NULL;
  g_autofree char *resolved = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  g_assert (target != NULL || len == 0);

  if (!is_plausible_uri_reference (target, len))
    return NULL;

  reference = g_strndup (target, len);

  /* ENCODED keeps escapes such as %26 in a query as they are. */
  resolved = g_uri_resolve_relative (base_uri, reference, G_URI_FLAGS_ENCODED, NULL);
  if (resolved == NULL)
    return NULL;

  uri = g_uri_parse (resolved, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return NULL;

  host = g_uri_get_host (uri);
  if (host == NULL || host[0] == '\0')
    return NULL;

  return g_steal_pointer (&resolved);
}

/**
 * vigil_link_header_find_next:
 * @header_value: the value of a Link header (RFC 8288); repeated
 *   headers joined with ", "
 * @base_uri: (nullable): the URI of the request, against which relative
 *   targets are resolved
 *
 * Finds the first link whose relation types include "next" (compared
 * case-insensitively) and resolves its target against @base_uri. Other
 * parameters, "anchor" included, are ignored. Values longer than
 * %VIGIL_LINK_HEADER_MAX_LENGTH are refused.
 *
 * Returns: (transfer full) (nullable): the absolute http or https URI of
 *   the next page, or %NULL if there is no "next" link or its target does
 *   not resolve to one
 */
char *
vigil_link_header_find_next (const char *header_value,
                             const char *base_uri)
{
  Scanner s;
  gsize len;

  g_return_val_if_fail (header_value != NULL, NULL);

  len = strnlen (header_value, VIGIL_LINK_HEADER_MAX_LENGTH + 1);
  if (len > VIGIL_LINK_HEADER_MAX_LENGTH)
    return NULL;

  s.pos = header_value;
  s.end = header_value + len;

  while (s.pos < s.end)
    {
      const char *target;
      const char *gt;
      gboolean is_next = FALSE;
      LinkStatus status;

      /* Empty list elements are allowed: "a, , b". */
      skip_ows (&s);
      if (s.pos >= s.end)
        break;
      if (*s.pos == ',')
        {
          s.pos++;
          continue;
        }

      if (*s.pos != '<')
        {
          if (!skip_to_next_link (&s))
            break;
          continue;
        }

      /* A URI-Reference cannot hold '>', so the first one ends it,
       * whatever commas or semicolons come before. */
      target = s.pos + 1;
      gt = memchr (target, '>', (gsize) (s.end - target));
      if (gt == NULL)
        break;
      s.pos = gt + 1;

      status = scan_link_params (&s, &is_next);
      if (status == LINK_TRUNCATED)
        break;
      if (status == LINK_MALFORMED)
        {
          if (!skip_to_next_link (&s))
            break;
          continue;
        }

      if (is_next)
        return resolve_target (target, (gsize) (gt - target), base_uri);
    }

  return NULL;
}
