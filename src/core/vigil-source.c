/* vigil-source.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-source"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-mapping.h"
#include "vigil-poll-census.h"
#include "vigil-source.h"
#include "vigil-url.h"

/* Bounds that keep a typo from hammering an endpoint or the machine. */
#define MAX_INTERVAL_MIN (60 * 24 * 31)
#define MAX_TIMEOUT_S 3600
#define MAX_CONCURRENCY 64

/**
 * vigil_source_new:
 *
 * Returns: (transfer full): a source with the default settings
 */
VigilSource *
vigil_source_new (const char *name,
                  const char *url)
{
  VigilSource *self = g_new0 (VigilSource, 1);

  self->name = g_strdup (name);
  self->url = g_strdup (url);
  self->interval_min = VIGIL_SOURCE_DEFAULT_INTERVAL_MIN;
  self->timeout_s = VIGIL_SOURCE_DEFAULT_TIMEOUT_S;
  self->concurrency = VIGIL_SOURCE_DEFAULT_CONCURRENCY;
  self->max_bytes = VIGIL_SOURCE_DEFAULT_MAX_BYTES;
  self->max_records = VIGIL_SOURCE_DEFAULT_MAX_RECORDS;
  self->suspect_records = -1;
  self->suspect_previous_records = -1;
  return self;
}

void
vigil_source_free (VigilSource *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->url);
  g_free (self->mapping);
  g_free (self->token_env);
  g_free (self->last_error);
  g_free (self->last_summary);
  g_strfreev (self->header_names);
  g_strfreev (self->query_secret_names);
  g_strfreev (self->query_secret_env);
  g_strfreev (self->suspect_fields);
  g_free (self);
}

/**
 * vigil_source_copy:
 *
 * Returns: (transfer full): a deep copy of @self
 */
VigilSource *
vigil_source_copy (const VigilSource *self)
{
  VigilSource *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->name = g_strdup (self->name);
  copy->url = g_strdup (self->url);
  copy->mapping = g_strdup (self->mapping);
  copy->token_env = g_strdup (self->token_env);
  copy->last_error = g_strdup (self->last_error);
  copy->last_summary = g_strdup (self->last_summary);
  copy->header_names = g_strdupv (self->header_names);
  copy->query_secret_names = g_strdupv (self->query_secret_names);
  copy->query_secret_env = g_strdupv (self->query_secret_env);
  copy->suspect_fields = g_strdupv (self->suspect_fields);
  return copy;
}

static gboolean
validate_url (const char  *url,
              GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *origin = NULL;
  const char *scheme;

  /* First: every other error below shows the URL, secret and all. */
  if (!vigil_url_check_no_secret (url, error))
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("“%s” is not a URL: %s"), url, local_error->message);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("“%s” is not an http:// or https:// URL"), url);
      return FALSE;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("“%s” names no host"), url);
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      /* Credentials in a URL would be stored in the database. */
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("the URL must not hold a user name or password (it would be stored and "
                             "shown): give a token with --ask-token or --token-env, or a header with "
                             "--header"));
      return FALSE;
    }
  /* A host that decodes to "/", "@" or a control character is refused
   * here rather than at every poll. */
  origin = vigil_url_get_origin (url, error);
  return origin != NULL;
}

static gboolean
is_env_name (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

/**
 * vigil_source_split_query_secret_env:
 * @entry: "NAME=VAR", as --query-secret-env takes it
 *
 * Returns: whether @entry is a query parameter's name and an environment
 *   variable's name joined by "="; if so, both are set
 */
gboolean
vigil_source_split_query_secret_env (const char  *entry,
                                     char       **out_name,
                                     char       **out_variable)
{
  const char *equals;
  g_autofree char *name = NULL;

  g_return_val_if_fail (out_name != NULL && out_variable != NULL, FALSE);

  if (entry == NULL || (equals = strchr (entry, '=')) == NULL)
    return FALSE;
  name = g_strndup (entry, (gsize) (equals - entry));
  if (!vigil_url_is_query_name (name) || !is_env_name (equals + 1))
    return FALSE;
  *out_name = g_steal_pointer (&name);
  *out_variable = g_strdup (equals + 1);
  return TRUE;
}

/* Each query secret names a parameter once, by a name it can have; the
 * text is never echoed, as a value given by mistake must not reach a
 * log. */
static gboolean
validate_query_secrets (const VigilSource  *self,
                        GError            **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; self->query_secret_names != NULL && self->query_secret_names[i] != NULL; i++)
    {
      const char *name = self->query_secret_names[i];

      if (!vigil_url_is_query_name (name))
        {
          g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                               _("--query-secret takes the name of a query parameter (letters, digits "
                                 "and -._~); its value is read from standard input"));
          return FALSE;
        }
      if (!g_hash_table_add (seen, g_strdup (name)))
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("the query parameter %s is given more than once"), name);
          return FALSE;
        }
    }
  for (guint i = 0; self->query_secret_env != NULL && self->query_secret_env[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *variable = NULL;

      if (!vigil_source_split_query_secret_env (self->query_secret_env[i], &name, &variable))
        {
          g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                               _("--query-secret-env takes NAME=VAR: the query parameter's name and "
                                 "the name of the environment variable holding its value"));
          return FALSE;
        }
      if (!g_hash_table_add (seen, g_strdup (name)))
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                       _("the query parameter %s is given more than once"), name);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * vigil_source_validate:
 *
 * Checks everything a user gave before anything is stored: the name,
 * the URL, the mapping and the limits. The error names what is wrong.
 */
gboolean
vigil_source_validate (VigilSource  *self,
                       GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->name == NULL || *g_strstrip (self->name) == '\0' ||
      !g_utf8_validate (self->name, -1, NULL) || strlen (self->name) > 200)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("A source needs a name (at most 200 bytes of text)"));
      return FALSE;
    }
  if (self->url == NULL || !validate_url (self->url, error))
    {
      if (self->url == NULL)
        g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("A source needs a URL"));
      return FALSE;
    }
  if (self->mapping != NULL)
    {
      g_autoptr(VigilMapping) mapping = vigil_mapping_new_from_data (self->mapping, -1, error);

      if (mapping == NULL)
        return FALSE;
      /* The detail_url gets the source's secrets: the rules of the source's
       * URL hold for it too. */
      if (vigil_mapping_get_detail_url (mapping) != NULL &&
          !validate_url (vigil_mapping_get_detail_url (mapping), error))
        {
          /* Translators: put before an error about the URL, such as "the URL's
           * query carries a secret…". */
          g_prefix_error (error, _("the mapping's detail_url: "));
          return FALSE;
        }
    }
  if (self->interval_min < 1 || self->interval_min > MAX_INTERVAL_MIN)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("--interval must be between 1 and %d minutes"), MAX_INTERVAL_MIN);
      return FALSE;
    }
  if (self->timeout_s < 1 || self->timeout_s > MAX_TIMEOUT_S)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("--timeout must be between 1 and %d seconds"), MAX_TIMEOUT_S);
      return FALSE;
    }
  if (self->concurrency < 1 || self->concurrency > MAX_CONCURRENCY)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("--concurrency must be between 1 and %d"), MAX_CONCURRENCY);
      return FALSE;
    }
  /* A response is held in one GByteArray, whose length is a guint. */
  if (self->max_bytes < 1024 || self->max_bytes > (gint64) G_MAXUINT)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("--max-bytes must be between 1024 and %u (4 GiB less one byte)"), G_MAXUINT);
      return FALSE;
    }
  if (self->max_records < 1)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("--max-records must be at least 1"));
      return FALSE;
    }
  for (guint i = 0; self->header_names != NULL && self->header_names[i] != NULL; i++)
    if (!vigil_url_is_header_name (self->header_names[i]))
      {
        g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                     _("“%s” is not an HTTP header name"), self->header_names[i]);
        return FALSE;
      }
  if (!validate_query_secrets (self, error))
    return FALSE;
  if (self->token_env != NULL && self->keyring_token)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("A token comes from the keyring or from --token-env, not both"));
      return FALSE;
    }
  if (self->token_env != NULL && !is_env_name (self->token_env))
    {
      /* Not echoed: a token given here by mistake must not reach a log. */
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("--token-env takes the name of an environment variable "
                             "(letters, digits and _), not a token"));
      return FALSE;
    }
  return TRUE;
}

/**
 * vigil_source_set_outcome:
 * @now: when the poll ended
 * @summary: (nullable): what a successful poll read and stored
 * @error_message: (nullable): why it failed; %NULL for a success
 *
 * Records a poll's outcome and when the source is next due: one interval
 * later, doubled for each failure in a row (up to a day, or the interval
 * itself if that is longer), so a broken endpoint is not hammered.
 */
void
vigil_source_set_outcome (VigilSource *self,
                          gint64       now,
                          const char  *summary,
                          const char  *error_message)
{
  gint64 interval;
  gint64 ceiling;

  g_return_if_fail (self != NULL);

  self->last_poll_at = now;
  self->last_ok = error_message == NULL;
  g_free (self->last_summary);
  g_free (self->last_error);
  self->last_summary = g_strdup (self->last_ok ? summary : NULL);
  self->last_error = g_strdup (error_message);
  self->failures = self->last_ok ? 0 : self->failures + 1;

  interval = (gint64) self->interval_min * 60;
  ceiling = MAX (interval, 86400);
  for (guint i = 0; i < self->failures && interval < ceiling; i++)
    interval *= 2;
  self->next_due = now + MIN (interval, ceiling);
}

/**
 * vigil_source_is_due:
 * @now: the time to compare its due time with
 *
 * Returns: whether the source is an endpoint whose next poll is due at
 *   @now: what the scheduler, `vigil poll` and `vigil serve` poll
 */
gboolean
vigil_source_is_due (const VigilSource *self,
                     gint64             now)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->url != NULL && self->next_due <= now;
}

/**
 * vigil_source_is_suspect:
 *
 * Returns: whether the source's last successful poll looked like a
 *   connector that broke quietly (design 2.5)
 */
gboolean
vigil_source_is_suspect (const VigilSource *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->suspect_since != 0;
}

/**
 * vigil_source_describe_suspect:
 *
 * Returns: (transfer full) (nullable): why the source is suspect, each
 *   reason that holds with its figures ("412 records, the previous poll
 *   had 1,030"), or %NULL when it is not
 */
char *
vigil_source_describe_suspect (const VigilSource *self)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (self != NULL, NULL);

  if (!vigil_source_is_suspect (self))
    return NULL;

  if (self->suspect_previous_records >= 0)
    g_ptr_array_add (reasons,
                     g_strdup_printf (ngettext ("%'" PRId64 " record, the previous poll had %'" PRId64,
                                                "%'" PRId64 " records, the previous poll had %'" PRId64,
                                                (gulong) self->suspect_records),
                                      (int64_t) self->suspect_records,
                                      (int64_t) self->suspect_previous_records));
  if (self->suspect_fields != NULL && self->suspect_fields[0] != NULL)
    {
      g_autofree char *fields = g_strjoinv (", ", self->suspect_fields);

      g_ptr_array_add (reasons,
                       g_strdup_printf (ngettext ("%s unknown on every record (the previous poll knew it)",
                                                  "%s unknown on every record (the previous poll knew them)",
                                                  g_strv_length (self->suspect_fields)),
                                        fields));
    }
  if (self->stalled_polls >= VIGIL_SUSPECT_STALLED_POLLS)
    g_ptr_array_add (reasons,
                     g_strdup_printf (ngettext ("nothing new for %u poll in a row",
                                                "nothing new for %u polls in a row",
                                                self->stalled_polls),
                                      self->stalled_polls));
  g_ptr_array_add (reasons, NULL);
  /* Translators: joins the reasons a source is suspect. */
  return g_strjoinv (_("; "), (char **) reasons->pdata);
}
