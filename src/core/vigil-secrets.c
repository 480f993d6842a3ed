/* vigil-secrets.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-secrets"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "vigil-error.h"
#include "vigil-secrets.h"

/* The token is stored under "" so that every secret of a source can be
 * cleared by database and source alone. */
#define TOKEN_KEY ""

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".Secret", SECRET_SCHEMA_NONE,
    {
      { "database", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "source", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "header", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, 0, 0, 0, 0, 0, 0, 0
  };

  return &schema;
}

/* Header names are RFC 9110 tokens, which never hold '?': a query
 * parameter's key cannot be taken for a header's. */
#define QUERY_KEY_PREFIX "?"

/**
 * vigil_secrets_query_key:
 * @parameter: a query parameter's name
 *
 * Returns: (transfer full): the key under which the value of query
 *   parameter @parameter is kept, to pass as the header of the other
 *   functions here
 */
char *
vigil_secrets_query_key (const char *parameter)
{
  g_return_val_if_fail (parameter != NULL, NULL);

  return g_strconcat (QUERY_KEY_PREFIX, parameter, NULL);
}

/**
 * vigil_secrets_wipe_free:
 * @secret: (nullable) (type utf8): a secret's text
 *
 * Frees @secret after overwriting it: a token must not lie in freed
 * memory (a GDestroyNotify).
 */
void
vigil_secrets_wipe_free (gpointer secret)
{
  char *text = secret;

  if (text != NULL)
    memset (text, 0, strlen (text));
  g_free (text);
}

/* Errors from the Secret Service, said in words a user can act on. */
static gboolean
explain_error (GError     **error,
               GError      *cause,
               const char  *source)
{
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
               _("The keyring (Secret Service) could not be used for source “%s”: %s"),
               source, cause->message);
  g_error_free (cause);
  return FALSE;
}

/**
 * vigil_secrets_store:
 * @header: (nullable): the header the value is for, %NULL for the token
 *
 * Keeps @value in the user's keyring.
 */
gboolean
vigil_secrets_store (const char    *database,
                     const char    *source,
                     const char    *header,
                     const char    *value,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *label = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (database != NULL && source != NULL && value != NULL, FALSE);

  if (header == NULL)
    label = g_strdup_printf (_("Vigil: token of source “%s”"), source);
  else if (g_str_has_prefix (header, QUERY_KEY_PREFIX))
    label = g_strdup_printf (_("Vigil: %s query parameter of source “%s”"),
                             header + strlen (QUERY_KEY_PREFIX), source);
  else
    label = g_strdup_printf (_("Vigil: %s header of source “%s”"), header, source);
  if (!secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, value,
                                   cancellable, &local_error,
                                   "database", database, "source", source,
                                   "header", header != NULL ? header : TOKEN_KEY, NULL))
    return explain_error (error, local_error, source);
  return TRUE;
}

/**
 * vigil_secrets_lookup:
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if there is
 *   none (@error unset) or the keyring failed (@error set). Free it with
 *   secret_password_free(), which wipes it.
 */
char *
vigil_secrets_lookup (const char    *database,
                      const char    *source,
                      const char    *header,
                      GCancellable  *cancellable,
                      GError       **error)
{
  GError *local_error = NULL;
  char *value;

  g_return_val_if_fail (database != NULL && source != NULL, NULL);

  value = secret_password_lookup_sync (get_schema (), cancellable, &local_error,
                                       "database", database, "source", source,
                                       "header", header != NULL ? header : TOKEN_KEY, NULL);
  if (local_error != NULL)
    {
      explain_error (error, local_error, source);
      return NULL;
    }
  return value;
}

/**
 * vigil_secrets_clear:
 *
 * Forgets every secret of @source.
 */
gboolean
vigil_secrets_clear (const char    *database,
                     const char    *source,
                     GCancellable  *cancellable,
                     GError       **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (database != NULL && source != NULL, FALSE);

  secret_password_clear_sync (get_schema (), cancellable, &local_error,
                              "database", database, "source", source, NULL);
  if (local_error != NULL)
    return explain_error (error, local_error, source);
  return TRUE;
}

/**
 * vigil_secrets_forget:
 * @header: (nullable): the header whose value goes, %NULL for the token
 *
 * Forgets one secret of @source, leaving its others. Forgetting a
 * secret that is not there is not an error.
 */
gboolean
vigil_secrets_forget (const char    *database,
                      const char    *source,
                      const char    *header,
                      GCancellable  *cancellable,
                      GError       **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (database != NULL && source != NULL, FALSE);

  secret_password_clear_sync (get_schema (), cancellable, &local_error,
                              "database", database, "source", source,
                              "header", header != NULL ? header : TOKEN_KEY, NULL);
  if (local_error != NULL)
    return explain_error (error, local_error, source);
  return TRUE;
}

/* A team's book's passwords (design 2.4) --------------------------------------------- */

static const SecretSchema *
get_server_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".ServerPassword", SECRET_SCHEMA_NONE,
    {
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "port", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "dbname", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, 0, 0, 0, 0, 0, 0, 0
  };

  return &schema;
}

static gboolean
explain_server_error (GError                  **error,
                      GError                   *cause,
                      const VigilServerAccount *account)
{
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
               _("The keyring (Secret Service) could not be used for the password of %s on %s: %s"),
               account->user, account->host, cause->message);
  g_error_free (cause);
  return FALSE;
}

#define SERVER_ATTRIBUTES(account) \
  "host", (account)->host, "port", (account)->port, "dbname", (account)->dbname, "user", (account)->user

static gboolean
server_account_is_whole (const VigilServerAccount *account)
{
  return account != NULL && account->host != NULL && account->port != NULL && account->dbname != NULL &&
         account->user != NULL;
}

/**
 * vigil_secrets_store_server_password:
 *
 * Keeps the password of @account in the user's keyring.
 */
gboolean
vigil_secrets_store_server_password (const VigilServerAccount *account,
                                     const char               *password,
                                     GCancellable             *cancellable,
                                     GError                  **error)
{
  g_autofree char *label = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (server_account_is_whole (account) && password != NULL, FALSE);

  label = g_strdup_printf (_("Vigil: password of %s for database %s on %s"), account->user, account->dbname,
                           account->host);
  if (!secret_password_store_sync (get_server_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                                   cancellable, &local_error, SERVER_ATTRIBUTES (account), NULL))
    return explain_server_error (error, local_error, account);
  return TRUE;
}

/**
 * vigil_secrets_lookup_server_password:
 *
 * Returns: (transfer full) (nullable): the password kept for exactly
 *   @account, or %NULL if there is none (@error unset) or the keyring
 *   failed (@error set). Free it with secret_password_free(), which
 *   wipes it.
 */
char *
vigil_secrets_lookup_server_password (const VigilServerAccount *account,
                                      GCancellable             *cancellable,
                                      GError                  **error)
{
  GError *local_error = NULL;
  char *password;

  g_return_val_if_fail (server_account_is_whole (account), NULL);

  password = secret_password_lookup_sync (get_server_schema (), cancellable, &local_error,
                                          SERVER_ATTRIBUTES (account), NULL);
  if (local_error != NULL)
    {
      explain_server_error (error, local_error, account);
      return NULL;
    }
  return password;
}

/**
 * vigil_secrets_forget_server_password:
 *
 * Forgets the password of @account; one that is not there is not an
 * error.
 */
gboolean
vigil_secrets_forget_server_password (const VigilServerAccount *account,
                                      GCancellable             *cancellable,
                                      GError                  **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (server_account_is_whole (account), FALSE);

  secret_password_clear_sync (get_server_schema (), cancellable, &local_error, SERVER_ATTRIBUTES (account), NULL);
  if (local_error != NULL)
    return explain_server_error (error, local_error, account);
  return TRUE;
}
