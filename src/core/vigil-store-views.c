/* vigil-store-views.c: saved views of the portfolio, and the default one
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-store-private.h"
#include "vigil-view.h"

static VigilView *
read_view (VigilSqlStmt  *stmt,
           GError       **error)
{
  VigilView *view = vigil_view_new_from_json (vigil_sql_column_text (stmt, 0),
                                              vigil_sql_column_text (stmt, 1), error);

  if (view != NULL)
    {
      view->created_at = vigil_sql_column_int64 (stmt, 2);
      view->updated_at = vigil_sql_column_int64 (stmt, 3);
    }
  return view;
}

/**
 * vigil_store_save_view:
 * @view: a view with a name
 *
 * Saves @view under its name (vigil_view_clean_name() decides what the
 * name is), replacing the definition of a view of that name, which
 * keeps the time it was first saved (design 5).
 *
 * Returns: %FALSE with @error naming what is wrong, nothing written
 */
gboolean
vigil_store_save_view (VigilStore       *self,
                       const VigilView  *view,
                       GError          **error)
{
  g_autofree char *name = NULL;
  g_autofree char *definition = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  VigilSqlStmt *stmt;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (view != NULL, FALSE);

  if (!(name = vigil_view_clean_name (view->name, error)) || !vigil_view_check (view, error))
    return FALSE;
  definition = vigil_view_to_json (view);
  if (!(stmt = _vigil_store_cached (self,
                                    "INSERT INTO views (name, definition, created_at, updated_at) "
                                    "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (name) DO UPDATE SET "
                                    "definition = excluded.definition, updated_at = excluded.updated_at",
                                    _("Saving the view"), error)))
    return FALSE;
  vigil_sql_bind_text (stmt, 1, name, -1);
  vigil_sql_bind_text (stmt, 2, definition, -1);
  vigil_sql_bind_int64 (stmt, 3, now);
  return _vigil_store_step_done (self, stmt, _("Saving the view"), error);
}

/**
 * vigil_store_list_views:
 *
 * Returns: (transfer full) (element-type VigilView): the saved views by
 *   name, or %NULL with @error set (a damaged one names itself)
 */
GPtrArray *
vigil_store_list_views (VigilStore  *self,
                        GError     **error)
{
  g_autoptr(GPtrArray) views = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_view_free);
  VigilSqlStmt *stmt;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);

  if (!(stmt = _vigil_store_cached (self,
                                    "SELECT name, definition, created_at, updated_at FROM views ORDER BY name",
                                    _("Reading the views"), error)))
    return NULL;
  while ((rc = vigil_sql_step (stmt)) == VIGIL_SQL_ROW)
    {
      VigilView *view = read_view (stmt, error);

      if (view == NULL)
        {
          vigil_sql_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (views, view);
    }
  if (!_vigil_store_finish_cached_rows (self, stmt, rc, _("Reading the views"), error))
    return NULL;
  return g_steal_pointer (&views);
}

static void
set_no_view_error (GError     **error,
                   const char  *name)
{
  g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND,
               _("There is no saved view “%s” (“vigil view list” lists them)"), name);
}

/**
 * vigil_store_get_view:
 * @name: a saved view's name
 *
 * Returns: (transfer full): the view, or %NULL with @error set
 *   (%VIGIL_ERROR_NOT_FOUND when there is none of that name)
 */
VigilView *
vigil_store_get_view (VigilStore  *self,
                      const char  *name,
                      GError     **error)
{
  VigilView *view = NULL;
  VigilSqlStmt *stmt;
  int rc;

  g_return_val_if_fail (VIGIL_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!(stmt = _vigil_store_cached (self,
                                    "SELECT name, definition, created_at, updated_at FROM views WHERE name = ?1",
                                    _("Reading the views"), error)))
    return NULL;
  vigil_sql_bind_text (stmt, 1, name, -1);
  rc = vigil_sql_step (stmt);
  if (rc == VIGIL_SQL_ROW)
    {
      GError *local_error = NULL;

      if (!(view = read_view (stmt, &local_error)))
        {
          vigil_sql_reset (stmt);
          g_propagate_error (error, local_error);
          return NULL;
        }
      rc = VIGIL_SQL_DONE;
    }
  if (!_vigil_store_finish_cached_rows (self, stmt, rc, _("Reading the views"), error))
    {
      vigil_view_free (view);
      return NULL;
    }
  if (view == NULL)
    set_no_view_error (error, name);
  return view;
}

static gboolean
get_default_view_name (VigilStore  *self,
                       char       **out_name,
                       GError     **error)
{
  if (!vigil_store_get_meta (self, VIGIL_META_DEFAULT_VIEW, out_name, error))
    return FALSE;
  if (*out_name != NULL && **out_name == '\0')
    g_clear_pointer (out_name, g_free);
  return TRUE;
}

/**
 * vigil_store_remove_view:
 * @name: a saved view's name
 *
 * Removes the view; when it was the default one, the window opens on
 * its own default again (design 5).
 *
 * Returns: %FALSE with @error set (%VIGIL_ERROR_NOT_FOUND when there is
 *   no view of that name)
 */
gboolean
vigil_store_remove_view (VigilStore  *self,
                         const char  *name,
                         GError     **error)
{
  g_autofree char *default_name = NULL;
  VigilSqlStmt *stmt;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!vigil_store_begin (self, error))
    return FALSE;
  ok = (stmt = _vigil_store_cached (self, "DELETE FROM views WHERE name = ?1", _("Removing the view"),
                                    error)) != NULL;
  if (ok)
    {
      vigil_sql_bind_text (stmt, 1, name, -1);
      ok = _vigil_store_step_done (self, stmt, _("Removing the view"), error);
    }
  if (ok && vigil_sql_changes (self->db) == 0)
    {
      set_no_view_error (error, name);
      ok = FALSE;
    }
  if (ok)
    ok = get_default_view_name (self, &default_name, error);
  if (ok && g_strcmp0 (default_name, name) == 0)
    ok = vigil_store_set_meta (self, VIGIL_META_DEFAULT_VIEW, NULL, error);
  return _vigil_store_end_transaction (self, ok, error);
}

/**
 * vigil_store_get_default_view:
 * @out_name: (out) (transfer full) (nullable): the saved view the window
 *   opens on, %NULL for its own default (My Book when "I am" is set,
 *   else the whole book)
 */
gboolean
vigil_store_get_default_view (VigilStore  *self,
                              char       **out_name,
                              GError     **error)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_name != NULL, FALSE);

  return get_default_view_name (self, out_name, error);
}

/**
 * vigil_store_set_default_view:
 * @name: (nullable): a saved view's name, or %NULL for the window's own
 *   default
 *
 * Returns: %FALSE with @error set (%VIGIL_ERROR_NOT_FOUND when there is
 *   no view of that name)
 */
gboolean
vigil_store_set_default_view (VigilStore  *self,
                              const char  *name,
                              GError     **error)
{
  g_autoptr(VigilView) view = NULL;
  gboolean ok;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  if (!vigil_store_begin (self, error))
    return FALSE;
  ok = name == NULL || (view = vigil_store_get_view (self, name, error)) != NULL;
  if (ok)
    ok = vigil_store_set_meta (self, VIGIL_META_DEFAULT_VIEW, name, error);
  return _vigil_store_end_transaction (self, ok, error);
}

/* An owner's name, as the "I am" setting takes it. */
#define ME_MAX_CHARS 200

/**
 * vigil_store_get_me:
 * @out_name: (out) (transfer full) (nullable): the "I am" setting (an
 *   owner's name, design 5), %NULL when it is not set
 */
gboolean
vigil_store_get_me (VigilStore  *self,
                    char       **out_name,
                    GError     **error)
{
  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_name != NULL, FALSE);

  if (vigil_store_is_shared (self))
    return _vigil_store_get_person (self, out_name, NULL, error);
  if (!vigil_store_get_meta (self, VIGIL_META_ME, out_name, error))
    return FALSE;
  if (*out_name != NULL && *g_strstrip (*out_name) == '\0')
    g_clear_pointer (out_name, g_free);
  return TRUE;
}

/**
 * vigil_store_set_me:
 * @name: (nullable): the owner name the CSM goes by; %NULL or blank
 *   clears the setting
 *
 * design 5: the "I am" setting, shared by the window and the command
 * line. The name is trimmed, UTF-8 text without control characters, at
 * most 200 characters; it is what My Book filters on and the name
 * touches, pulses and decisions are written in (vigil_store_dup_author()).
 *
 * Returns: %FALSE with @error saying what is wrong, nothing written
 */
gboolean
vigil_store_set_me (VigilStore  *self,
                    const char  *name,
                    GError     **error)
{
  g_autofree char *clean = NULL;

  g_return_val_if_fail (VIGIL_IS_STORE (self), FALSE);

  /* design 1.1: one `me` would be the whole team's */
  if (vigil_store_is_shared (self))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_PERMISSION,
                           _("On a team's book, who you are comes from the team's people: "
                             "ask the team's ops to run “vigil db roles” with your name"));
      return FALSE;
    }
  if (name != NULL && !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("“I am” must be UTF-8 text"));
      return FALSE;
    }
  clean = name != NULL ? g_strstrip (g_strdup (name)) : NULL;
  if (clean != NULL && *clean == '\0')
    g_clear_pointer (&clean, g_free);
  if (clean != NULL && !vigil_text_is_printable (clean))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("“I am” cannot hold control characters"));
      return FALSE;
    }
  if (clean != NULL && g_utf8_strlen (clean, -1) > ME_MAX_CHARS)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("“I am” takes a name of at most %d characters"), ME_MAX_CHARS);
      return FALSE;
    }
  return vigil_store_set_meta (self, VIGIL_META_ME, clean, error);
}
