/* vigil-view.c: saved views of the portfolio, and the search they share
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vigil-error.h"
#include "vigil-json-private.h"
#include "vigil-view.h"

/* design 4 and 5: what a view may sort by. `vigil scores --sort` takes
 * each; the window has a column for each but `id` (a view sorted so
 * keeps the window's order). Each sorts lowest first but those of
 * descending_keys, which sort highest first; `reverse` turns either
 * round. */
static const char * const sort_keys[] = {
  "at-stake", "health", "name", "id", "owner", "segment", "plan", "mrr", "renewal", "seats",
  "last-active", "trend", "risk", "triggers", "last-touch", NULL
};

static const char * const descending_keys[] = { "at-stake", "risk", NULL };

/* The lifecycle member of a view's definition, by VigilBook. */
static const char * const book_ids[] = {
  [VIGIL_BOOK_ACTIVE] = "active",
  [VIGIL_BOOK_CHURNED] = "churned",
  [VIGIL_BOOK_ALL] = "all",
};

VigilView *
vigil_view_new (void)
{
  VigilView *view = g_new0 (VigilView, 1);

  view->tier = VIGIL_TIER_NONE;
  return view;
}

VigilView *
vigil_view_copy (const VigilView *view)
{
  VigilView *copy;

  g_return_val_if_fail (view != NULL, NULL);

  copy = g_memdup2 (view, sizeof *view);
  copy->name = g_strdup (view->name);
  copy->owner = g_strdup (view->owner);
  copy->segment = g_strdup (view->segment);
  copy->search = g_strdup (view->search);
  copy->sort = g_strdup (view->sort);
  return copy;
}

void
vigil_view_free (VigilView *view)
{
  if (view == NULL)
    return;
  g_free (view->name);
  g_free (view->owner);
  g_free (view->segment);
  g_free (view->search);
  g_free (view->sort);
  g_free (view);
}

/**
 * vigil_view_clean_name:
 * @name: (nullable): a name as typed
 *
 * design 5: a view's name is trimmed of white space, not empty, at most
 * %VIGIL_VIEW_NAME_MAX_CHARS characters, UTF-8 text without control
 * characters.
 *
 * Returns: (transfer full): the name to store, or %NULL with @error
 *   saying what is wrong with it
 */
char *
vigil_view_clean_name (const char  *name,
                       GError     **error)
{
  g_autofree char *clean = NULL;
  glong length;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("A view's name must be UTF-8 text"));
      return NULL;
    }
  clean = g_strstrip (g_strdup (name));
  if (*clean == '\0')
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID, _("A view needs a name"));
      return NULL;
    }
  if (!vigil_text_is_printable (clean))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("A view's name cannot hold control characters"));
      return NULL;
    }
  if ((length = g_utf8_strlen (clean, -1)) > VIGIL_VIEW_NAME_MAX_CHARS)
    {
      g_autofree char *start = g_utf8_substring (clean, 0, 20);

      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("A view's name has at most %d characters; “%s…” has %ld"),
                   VIGIL_VIEW_NAME_MAX_CHARS, start, length);
      return NULL;
    }
  return g_steal_pointer (&clean);
}

static gboolean
check_text (const char  *text,
            const char  *what,
            GError     **error)
{
  if (text != NULL && !vigil_text_is_printable (text))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("The view's %s must be text without control characters"), what);
      return FALSE;
    }
  return TRUE;
}

/**
 * vigil_view_check:
 *
 * Returns: whether @view's filters and sort can be saved; otherwise
 *   @error names the one that cannot
 */
gboolean
vigil_view_check (const VigilView  *view,
                  GError          **error)
{
  g_return_val_if_fail (view != NULL, FALSE);

  if ((guint) view->book >= G_N_ELEMENTS (book_ids))
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Unknown book: a view shows the active book, the churned customers or all"));
      return FALSE;
    }
  if (view->tier != VIGIL_TIER_NONE && vigil_tier_get_id (view->tier) == NULL)
    {
      g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                           _("Unknown tier: use healthy, at-risk or high-risk"));
      return FALSE;
    }
  if (view->sort != NULL && !vigil_view_is_sort_key (view->sort))
    {
      g_autofree char *keys = g_strjoinv (", ", (char **) sort_keys);

      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("Unknown sort key “%s”: use one of %s"), view->sort, keys);
      return FALSE;
    }
  /* TRANSLATORS: the names of a view's filters in "The view's %s must be text…" */
  return check_text (view->owner, _("owner"), error) &&
         check_text (view->segment, _("segment"), error) &&
         check_text (view->search, _("search"), error);
}

static void
add_text_member (JsonBuilder *builder,
                 const char  *member,
                 const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

/**
 * vigil_view_to_json:
 *
 * Returns: (transfer full): the view's definition as stored (design 5):
 *   a JSON object with the filters it has (`lifecycle` when it is not
 *   the active book, `tier`, `owner`, `segment`, `search`), `sort` when
 *   it has one and `reverse`
 */
char *
vigil_view_to_json (const VigilView *view)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (view != NULL, NULL);

  json_builder_begin_object (builder);
  /* The active book, what a view shows unless it says otherwise. */
  if (view->book != VIGIL_BOOK_ACTIVE)
    add_text_member (builder, "lifecycle", book_ids[view->book]);
  add_text_member (builder, "tier", vigil_tier_get_id (view->tier));
  add_text_member (builder, "owner", view->owner);
  add_text_member (builder, "segment", view->segment);
  add_text_member (builder, "search", view->search);
  add_text_member (builder, "sort", view->sort);
  json_builder_set_member_name (builder, "reverse");
  json_builder_add_boolean_value (builder, view->reverse);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
read_text_member (JsonObject  *object,
                  const char  *name,
                  const char  *member,
                  char       **out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("The view “%s” is damaged: its %s is not text"), name, member);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/**
 * vigil_view_new_from_json:
 * @name: the view's name
 * @json: its definition, as vigil_view_to_json() writes it
 *
 * Read as any stored setting is (design 2.3): a definition that is not
 * a JSON object, a member of the wrong type or a value
 * vigil_view_check() refuses is an error naming the view. Members this
 * Vigil does not know are left alone, for a newer one wrote them.
 *
 * Returns: (transfer full): the view, or %NULL with @error set
 */
VigilView *
vigil_view_new_from_json (const char  *name,
                          const char  *json,
                          GError     **error)
{
  g_autoptr(VigilView) view = vigil_view_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *tier = NULL;
  g_autofree char *lifecycle = NULL;
  JsonObject *object;
  JsonNode *reverse;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (json != NULL, NULL);

  view->name = g_strdup (name);
  if (!(root = _vigil_json_parse (json, -1, VIGIL_JSON_SETTINGS, &local_error)) ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("The view “%s” is damaged: its definition is not a JSON object%s%s"), name,
                   local_error != NULL ? ": " : "", local_error != NULL ? local_error->message : "");
      return NULL;
    }
  object = json_node_get_object (root);
  if (!read_text_member (object, name, "lifecycle", &lifecycle, error) ||
      !read_text_member (object, name, "tier", &tier, error) ||
      !read_text_member (object, name, "owner", &view->owner, error) ||
      !read_text_member (object, name, "segment", &view->segment, error) ||
      !read_text_member (object, name, "search", &view->search, error) ||
      !read_text_member (object, name, "sort", &view->sort, error))
    return NULL;
  if (lifecycle != NULL)
    {
      guint b = 0;

      while (b < G_N_ELEMENTS (book_ids) && g_strcmp0 (book_ids[b], lifecycle) != 0)
        b++;
      if (b == G_N_ELEMENTS (book_ids))
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                       _("The view “%s” is damaged: “%s” is not active, churned or all"), name, lifecycle);
          return NULL;
        }
      view->book = (VigilBook) b;
    }
  if (tier != NULL && (view->tier = vigil_tier_from_id (tier)) == VIGIL_TIER_NONE)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                   _("The view “%s” is damaged: “%s” is not a tier"), name, tier);
      return NULL;
    }
  if ((reverse = json_object_get_member (object, "reverse")) != NULL && !JSON_NODE_HOLDS_NULL (reverse))
    {
      if (!JSON_NODE_HOLDS_VALUE (reverse) || json_node_get_value_type (reverse) != G_TYPE_BOOLEAN)
        {
          g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE,
                       _("The view “%s” is damaged: its %s is not true or false"), name, "reverse");
          return NULL;
        }
      view->reverse = json_node_get_boolean (reverse);
    }
  if (!vigil_view_check (view, &local_error))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_PARSE, _("The view “%s” is damaged: %s"), name,
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&view);
}

/**
 * vigil_view_get_sort_keys:
 *
 * Returns: (transfer none) (array zero-terminated=1): what a view may
 *   sort by, the keys of `vigil scores --sort` (design 4)
 */
const char * const *
vigil_view_get_sort_keys (void)
{
  return sort_keys;
}

gboolean
vigil_view_is_sort_key (const char *key)
{
  return key != NULL && g_strv_contains (sort_keys, key);
}

/**
 * vigil_view_sort_key_is_descending:
 *
 * Returns: whether @key sorts highest first unless reversed (`risk`,
 *   `at-stake`: what needs attention first)
 */
gboolean
vigil_view_sort_key_is_descending (const char *key)
{
  return key != NULL && g_strv_contains (descending_keys, key);
}

/**
 * vigil_view_get_descending:
 *
 * Returns: whether @view shows the highest values of its sort key first:
 *   `risk` and `at-stake` do unless reversed, every other key only
 *   reversed
 */
gboolean
vigil_view_get_descending (const VigilView *view)
{
  g_return_val_if_fail (view != NULL, FALSE);

  return vigil_view_sort_key_is_descending (view->sort) != view->reverse;
}

/**
 * vigil_search_fold:
 * @text: UTF-8 text
 *
 * @text case-folded as g_utf8_casefold() folds it, which is what a
 * search compares (design 5). Text in ASCII, most of what a book holds,
 * folds by lowering A to Z alone (Unicode folds no other ASCII letter),
 * many times faster: a book's touches are megabytes of it.
 *
 * Returns: (transfer full): the folded text
 */
char *
vigil_search_fold (const char *text)
{
  gsize length;
  char *folded;

  g_return_val_if_fail (text != NULL, NULL);

  for (length = 0; text[length] != '\0'; length++)
    if ((guchar) text[length] >= 0x80)
      return g_utf8_casefold (text, -1);

  folded = g_malloc (length + 1);
  for (gsize i = 0; i <= length; i++)
    folded[i] = text[i] >= 'A' && text[i] <= 'Z' ? (char) (text[i] + ('a' - 'A')) : text[i];
  return folded;
}

/**
 * vigil_search_key_new:
 *
 * Returns: (transfer full): what a search looks in (design 5): the
 *   customer's name and id, case-folded
 */
char *
vigil_search_key_new (const VigilPortfolioRow *row)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (row != NULL && row->latest != NULL, NULL);

  key = g_strconcat (row->latest->name != NULL ? row->latest->name : "", "\n",
                     row->latest->customer_id != NULL ? row->latest->customer_id : "", NULL);
  return vigil_search_fold (key);
}

/**
 * vigil_search_key_matches:
 * @search_key: from vigil_search_key_new()
 * @folded_query: (nullable): a search, passed through g_utf8_casefold()
 *
 * Returns: whether the search finds the customer: it holds the text,
 *   whatever the case; an empty search finds every customer
 */
gboolean
vigil_search_key_matches (const char *search_key,
                          const char *folded_query)
{
  return folded_query == NULL || *folded_query == '\0' ||
         (search_key != NULL && strstr (search_key, folded_query) != NULL);
}

/**
 * vigil_view_matches:
 *
 * Returns: whether @view shows @row's customer: in the view's book
 *   (active or churned), its tier, owner and segment as the view's
 *   (where it has one), and found by its search
 */
gboolean
vigil_view_matches (const VigilView         *view,
                    const VigilPortfolioRow *row)
{
  g_autofree char *key = NULL;
  g_autofree char *query = NULL;

  g_return_val_if_fail (view != NULL, FALSE);
  g_return_val_if_fail (row != NULL && row->latest != NULL, FALSE);

  if ((view->book == VIGIL_BOOK_ACTIVE && row->churned) || (view->book == VIGIL_BOOK_CHURNED && !row->churned) ||
      (view->tier != VIGIL_TIER_NONE && row->score.tier != view->tier) ||
      (view->owner != NULL && g_strcmp0 (row->latest->owner, view->owner) != 0) ||
      (view->segment != NULL && g_strcmp0 (row->latest->segment, view->segment) != 0))
    return FALSE;
  if (view->search == NULL || *view->search == '\0')
    return TRUE;
  key = vigil_search_key_new (row);
  query = g_utf8_casefold (view->search, -1);
  return vigil_search_key_matches (key, query);
}
