/* vigil-link-header.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longer Link header values are refused outright. */
#define VIGIL_LINK_HEADER_MAX_LENGTH (1024 * 1024)

char *vigil_link_header_find_next (const char *header_value,
                                   const char *base_uri);

G_END_DECLS
