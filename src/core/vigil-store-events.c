/* vigil-store-events.c: who the CSM is, and the events of a timeline
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vigil-store-private.h"

/**
 * vigil_store_dup_author:
 *
 * The name the CSM goes by (design 5): the "I am" setting (the
 * database's `me`) when it is set, else the real name of the user
 * running Vigil, else their login. Touches, pulses and trigger
 * decisions are written in this name.
 *
 * Returns: (transfer full): the name, %NULL on error
 */
char *
vigil_store_dup_author (VigilStore  *self,
                        GError     **error)
{
  g_autofree char *me = NULL;
  const char *real_name;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!vigil_store_get_meta (self, "me", &me, error))
    return NULL;
  if (me != NULL && *g_strstrip (me) != '\0')
    return g_steal_pointer (&me);

  /* GLib says "Unknown" when the password database has no name */
  real_name = g_get_real_name ();
  if (real_name != NULL && *real_name != '\0' && g_strcmp0 (real_name, "Unknown") != 0)
    return g_strdup (real_name);
  return g_strdup (g_get_user_name ());
}

/**
 * _vigil_store_add_event:
 * @kind: what happened (design 3.4): `trigger-acknowledged`,
 *   `record-linked`…
 * @detail_json: (nullable): a JSON object saying more
 * @author: (nullable): who did it, %NULL for Vigil itself
 *
 * Adds an event to @customer_id's timeline at @at (seconds).
 */
gboolean
_vigil_store_add_event (VigilStore  *self,
                        gint64       customer_id,
                        gint64       at,
                        const char  *kind,
                        const char  *detail_json,
                        const char  *author,
                        GError     **error)
{
#define SQL(E) \
  "INSERT INTO events (customer_id, at, kind, detail, author) " \
  "VALUES (?1, ?2, ?3, " SQL_JSON_PARAM_##E ("?4") ", ?5)"
  static const char * const sql[] = ENGINE_SQL (SQL);
#undef SQL
  VigilSqlStmt *stmt;

  if (!(stmt = _vigil_store_cached (self, ENGINE_TEXT (self, sql), _("Writing the timeline"), error)))
    return FALSE;
  vigil_sql_bind_int64 (stmt, 1, customer_id);
  vigil_sql_bind_int64 (stmt, 2, at);
  vigil_sql_bind_text (stmt, 3, kind, -1);
  _vigil_store_bind_text_or_null (stmt, 4, detail_json);
  _vigil_store_bind_text_or_null (stmt, 5, author);
  return _vigil_store_step_done (self, stmt, _("Writing the timeline"), error);
}
