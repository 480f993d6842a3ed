/* vigil-url.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Redirects one request may follow, all on its own origin. */
#define VIGIL_URL_MAX_REDIRECTS 5

char     *vigil_url_get_origin          (const char          *url,
                                         GError             **error);
char     *vigil_url_origin_of           (GUri                *uri);
gboolean  vigil_url_check_no_secret     (const char          *url,
                                         GError             **error);
gboolean  vigil_url_is_query_name       (const char          *name);
gboolean  vigil_url_is_secret_param     (const char          *name);
gboolean  vigil_url_is_header_name      (const char          *name);
char     *vigil_url_set_query_param     (const char          *url,
                                         const char          *name,
                                         const char          *value);
char     *vigil_url_remove_query_params (const char          *url,
                                         const char * const  *names);
char     *vigil_url_get_query_param     (const char          *url,
                                         const char          *name);

G_END_DECLS
