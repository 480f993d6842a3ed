/* vigil-secrets.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A source's secrets (its bearer token, its extra header values, its
 * query secrets) live in the Secret Service, keyed by the database and
 * the source's name, so they never reach the database, GSettings or a
 * log. @header is NULL for the token, a header's name for its value, and
 * vigil_secrets_query_key() for a query parameter's value. */

/**
 * VigilGivenSecrets:
 * @token: (nullable): a bearer token
 * @header_value: (nullable): the value of the source's first extra header
 * @query_value: (nullable): the value of the source's first query secret
 *
 * Secrets typed for a source not yet kept anywhere (a source being
 * added in the window): sent, or stored, instead of what the keyring or
 * the environment would give.
 */
typedef struct
{
  const char *token;
  const char *header_value;
  const char *query_value;
} VigilGivenSecrets;

char     *vigil_secrets_query_key (const char *parameter);
void      vigil_secrets_wipe_free (gpointer    secret);

gboolean  vigil_secrets_store  (const char    *database,
                                const char    *source,
                                const char    *header,
                                const char    *value,
                                GCancellable  *cancellable,
                                GError       **error);
char     *vigil_secrets_lookup (const char    *database,
                                const char    *source,
                                const char    *header,
                                GCancellable  *cancellable,
                                GError       **error);
gboolean  vigil_secrets_forget (const char    *database,
                                const char    *source,
                                const char    *header,
                                GCancellable  *cancellable,
                                GError       **error);
gboolean  vigil_secrets_clear  (const char    *database,
                                const char    *source,
                                GCancellable  *cancellable,
                                GError       **error);

/**
 * VigilServerAccount:
 * @host: the server's host name, address or socket folder, as libpq
 *   resolved it
 * @port: its port
 * @dbname: the database
 * @user: the role
 *
 * Whose password it is on a team's book (design 2.4): the keyring keeps
 * it under all four, so it is sent only to the server, database and
 * role it was kept for.
 */
typedef struct
{
  const char *host;
  const char *port;
  const char *dbname;
  const char *user;
} VigilServerAccount;

gboolean  vigil_secrets_store_server_password  (const VigilServerAccount *account,
                                                const char               *password,
                                                GCancellable             *cancellable,
                                                GError                  **error);
char     *vigil_secrets_lookup_server_password (const VigilServerAccount *account,
                                                GCancellable             *cancellable,
                                                GError                  **error);
gboolean  vigil_secrets_forget_server_password (const VigilServerAccount *account,
                                                GCancellable             *cancellable,
                                                GError                  **error);

G_END_DECLS
