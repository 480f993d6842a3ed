/* vigil-error.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VIGIL_ERROR (vigil_error_quark ())

/**
 * VigilError:
 * @VIGIL_ERROR_NOT_A_DATABASE: the file is not a Vigil database
 * @VIGIL_ERROR_NEWER_SCHEMA: the database was written by a newer Vigil
 * @VIGIL_ERROR_DATABASE: SQLite reported an error
 * @VIGIL_ERROR_PARSE: input could not be parsed (the message names where)
 * @VIGIL_ERROR_INVALID: a value given by the user is not acceptable
 * @VIGIL_ERROR_NOT_FOUND: a named customer or source does not exist
 * @VIGIL_ERROR_AMBIGUOUS: a name matches more than one thing
 * @VIGIL_ERROR_PERMISSION: what was asked belongs to someone else (a
 *   touch only its author may edit; the message names them)
 * @VIGIL_ERROR_BUSY: another Vigil is doing it now (polling the source,
 *   design 2.5): not a failure, it is done all the same
 *
 * Failures a user or caller can see. Each comes with a message that
 * names what was wrong.
 */
typedef enum
{
  VIGIL_ERROR_NOT_A_DATABASE,
  VIGIL_ERROR_NEWER_SCHEMA,
  VIGIL_ERROR_DATABASE,
  VIGIL_ERROR_PARSE,
  VIGIL_ERROR_INVALID,
  VIGIL_ERROR_NOT_FOUND,
  VIGIL_ERROR_AMBIGUOUS,
  VIGIL_ERROR_PERMISSION,
  VIGIL_ERROR_BUSY,
} VigilError;

GQuark vigil_error_quark (void);

char     *vigil_text_printable    (const char *text,
                                  gssize      length);
gboolean  vigil_text_is_printable (const char *text);

G_END_DECLS
