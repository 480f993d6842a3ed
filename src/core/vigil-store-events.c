/* vigil-store-events.c: who the CSM is, and the events of a timeline
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <stdarg.h>

#include <glib/gi18n-lib.h>

#include "vigil-store-private.h"

/**
 * _vigil_store_get_person:
 * @out_owner: (out) (transfer full) (nullable): the owner name of the
 *   connection's role in vigil.people, %NULL when it has none
 * @out_role: (out) (transfer full) (optional): the role's name
 *
 * design 1.1: who is connected to a team's book. Its `me` would be
 * everyone's: a person's name there is the one `vigil db roles` gave
 * their role.
 */
gboolean
_vigil_store_get_person (VigilStore  *self,
                         char       **out_owner,
                         char       **out_role,
                         GError     **error)
{
  VigilSqlStmt *stmt;
  int rc;

  g_assert (vigil_store_is_shared (self));

  *out_owner = NULL;
  if (!(stmt = _vigil_store_prepare (self,
                                     "SELECT (SELECT owner FROM people WHERE role = CAST (current_user AS text)), "
                                     "CAST (current_user AS text)", _("Reading the team's people"), error)))
    return FALSE;
  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    {
      *out_owner = _vigil_store_column_strdup (stmt, 0);
      if (out_role != NULL)
        *out_role = _vigil_store_column_strdup (stmt, 1);
    }
  return _vigil_store_finish_rows (self, stmt, rc, _("Reading the team's people"), error);
}

/**
 * vigil_store_dup_author:
 *
 * The name the CSM goes by (design 5): the "I am" setting (the
 * database's `me`) when it is set, else the real name of the user
 * running Vigil, else their login. On a team's book (design 1.1), the
 * owner name vigil.people gives the connection's role, else the role's
 * name. Touches, pulses and trigger decisions are written in this name.
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

  if (vigil_store_is_shared (self))
    {
      g_autofree char *role = NULL;

      if (!_vigil_store_get_person (self, &me, &role, error))
        return NULL;
      return me != NULL ? g_steal_pointer (&me) : g_steal_pointer (&role);
    }
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

/* @text as a JSON string (RFC 8259, section 7), escaped as SQLite's
 * json_object () escapes it, which wrote these details before: a quote
 * and a backslash after a backslash, the five control characters that
 * have a short escape with it, the others as \u00XX, and everything
 * else (valid UTF-8, as stored text is) as it is. Not json-glib's
 * writer: json-glib 1.6 leaves U+001F unescaped, which is not JSON. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    switch (*p)
      {
      case '"': g_string_append (out, "\\\""); break;
      case '\\': g_string_append (out, "\\\\"); break;
      case '\b': g_string_append (out, "\\b"); break;
      case '\f': g_string_append (out, "\\f"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      case '\t': g_string_append (out, "\\t"); break;
      default:
        if ((guchar) *p < 0x20)
          g_string_append_printf (out, "\\u%04x", (guchar) *p);
        else
          g_string_append_c (out, *p);
      }
  g_string_append_c (out, '"');
}

/**
 * _vigil_store_event_detail:
 * @first_member: the name of the first member, followed by its value
 *   (a string, or %NULL for a JSON null), then more names and values,
 *   ending in a %NULL name
 *
 * The detail of a timeline event as the events hold it (design 3.4): a
 * JSON object of these members in this order, minified, each value
 * escaped as SQLite's json_object () did. Written in C, the same text on
 * both engines.
 *
 * Returns: (transfer full): the JSON text
 */
char *
_vigil_store_event_detail (const char *first_member,
                           ...)
{
  GString *out = g_string_new ("{");
  const char *member = first_member;
  va_list args;

  va_start (args, first_member);
  for (; member != NULL; member = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (out->len > 1)
        g_string_append_c (out, ',');
      append_json_string (out, member);
      g_string_append_c (out, ':');
      if (value != NULL)
        append_json_string (out, value);
      else
        g_string_append (out, "null");
    }
  va_end (args);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
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
