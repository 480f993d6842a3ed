/* vigil-pointer-tree.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-pointer-tree"

#include "config.h"

#include <string.h>

#include "vigil-pointer-tree.h"

/* Reading JSON text for the values some pointers refer to, without
 * building the document in memory first: the text is read once, front
 * to back, and only the values on the pointers' paths are looked at;
 * everything else is checked (RFC 8259) and passed over. A json-glib
 * tree costs hundreds of bytes a value: a 3 MB answer of a million `{}`
 * took 450 MB that way. */

struct _VigilPointerTree
{
  char      *token;      /* decoded; NULL at the root */
  guint64    index;      /* the token as an array index, if it is one */
  gboolean   is_index;
  GArray    *roles;      /* of int: the pointers that end here */
  GPtrArray *children;   /* of VigilPointerTree */
};

const char *
_vigil_json_pointer_next_token (const char *p,
                                GString    *token)
{
  g_string_truncate (token, 0);
  for (; *p != '\0' && *p != '/'; p++)
    {
      if (*p == '~' && p[1] == '1')
        {
          g_string_append_c (token, '/');
          p++;
        }
      else if (*p == '~' && p[1] == '0')
        {
          g_string_append_c (token, '~');
          p++;
        }
      else
        g_string_append_c (token, *p);
    }
  return p;
}

gboolean
_vigil_json_pointer_token_index (const char *token,
                                 guint64    *out_index)
{
  char *end = NULL;
  guint64 value;

  /* RFC 6901: "0" or digits without a leading zero. */
  if (*token == '\0' || (token[0] == '0' && token[1] != '\0') || !g_ascii_isdigit (*token))
    return FALSE;
  value = g_ascii_strtoull (token, &end, 10);
  if (*end != '\0')
    return FALSE;
  *out_index = value;
  return TRUE;
}

VigilPointerTree *
_vigil_pointer_tree_new (void)
{
  return g_new0 (VigilPointerTree, 1);
}

void
_vigil_pointer_tree_free (VigilPointerTree *tree)
{
  if (tree == NULL)
    return;

  g_free (tree->token);
  g_clear_pointer (&tree->roles, g_array_unref);
  g_clear_pointer (&tree->children, g_ptr_array_unref);
  g_free (tree);
}

static VigilPointerTree *
get_child (VigilPointerTree *tree,
           const char       *token)
{
  VigilPointerTree *child;

  if (tree->children == NULL)
    tree->children = g_ptr_array_new_with_free_func ((GDestroyNotify) _vigil_pointer_tree_free);
  for (guint i = 0; i < tree->children->len; i++)
    {
      child = g_ptr_array_index (tree->children, i);
      if (strcmp (child->token, token) == 0)
        return child;
    }

  child = _vigil_pointer_tree_new ();
  child->token = g_strdup (token);
  child->is_index = _vigil_json_pointer_token_index (token, &child->index);
  g_ptr_array_add (tree->children, child);
  return child;
}

/**
 * _vigil_pointer_tree_add:
 * @pointer: a valid JSON Pointer (see vigil_json_pointer_validate())
 * @role: what a value found there is for
 */
void
_vigil_pointer_tree_add (VigilPointerTree *tree,
                         const char       *pointer,
                         int               role)
{
  g_autoptr(GString) token = g_string_new (NULL);
  const char *p = pointer;

  g_return_if_fail (tree != NULL);
  g_return_if_fail (pointer != NULL && (*pointer == '\0' || *pointer == '/'));

  while (*p == '/')
    {
      p = _vigil_json_pointer_next_token (p + 1, token);
      tree = get_child (tree, token->str);
    }
  if (tree->roles == NULL)
    tree->roles = g_array_new (FALSE, FALSE, sizeof (int));
  g_array_append_val (tree->roles, role);
}

static VigilPointerTree *
find_member (VigilPointerTree *tree,
             const GString    *name)
{
  for (guint i = 0; i < tree->children->len; i++)
    {
      VigilPointerTree *child = g_ptr_array_index (tree->children, i);

      if (strlen (child->token) == name->len && memcmp (child->token, name->str, name->len) == 0)
        return child;
    }
  return NULL;
}

static VigilPointerTree *
find_element (VigilPointerTree *tree,
              guint64           index)
{
  for (guint i = 0; i < tree->children->len; i++)
    {
      VigilPointerTree *child = g_ptr_array_index (tree->children, i);

      if (child->is_index && child->index == index)
        return child;
    }
  return NULL;
}

/* An object or array with pointers inside: each member or element is
 * read through the tree if a pointer goes on into it, else passed over. */
static gboolean
read_container (VigilPointerTree      *tree,
                VigilJsonCursor       *c,
                guint                  depth,
                GString               *name,
                VigilPointerVisitFunc  visit,
                gpointer               user_data)
{
  gboolean is_object = *c->p == '{';
  char closing = is_object ? '}' : ']';
  gboolean more = TRUE;

  /* Too deep to open: the reader of every JSON text says so. */
  if (depth >= VIGIL_JSON_MAX_DEPTH)
    return _vigil_json_cursor_skip_value (c, depth);

  c->p++;
  _vigil_json_cursor_skip_space (c);
  if (c->p < c->end && *c->p == closing)
    {
      c->p++;
      return TRUE;
    }

  for (guint64 index = 0; more; index++)
    {
      VigilPointerTree *child;

      if (is_object)
        {
          if (!_vigil_json_cursor_read_member_name (c, name))
            return FALSE;
          child = find_member (tree, name);
        }
      else
        child = find_element (tree, index);

      if (child != NULL ? !_vigil_pointer_tree_read (child, c, depth + 1, name, visit, user_data)
                        : !_vigil_json_cursor_skip_value (c, depth + 1))
        return FALSE;
      if (!_vigil_json_cursor_read_separator (c, closing, &more))
        return FALSE;
    }
  return TRUE;
}

/**
 * _vigil_pointer_tree_read:
 * @c: at the value @tree's root refers to
 * @depth: how many arrays and objects are open around that value
 * @name: for the member names read
 * @visit: called for each value a pointer of the tree refers to
 *
 * Reads one value, calling @visit for every pointer that ends in it or
 * in what it holds, in the order of the text. A value with several
 * pointers on it (one ending there, others going on inside) is read once
 * for each.
 *
 * Returns: %FALSE when the text is not JSON (@c's error set) or when
 *   @visit failed
 */
gboolean
_vigil_pointer_tree_read (VigilPointerTree      *tree,
                          VigilJsonCursor       *c,
                          guint                  depth,
                          GString               *name,
                          VigilPointerVisitFunc  visit,
                          gpointer               user_data)
{
  const char *after = NULL;

  _vigil_json_cursor_skip_space (c);
  if (c->p >= c->end)
    return _vigil_json_cursor_skip_value (c, depth);

  for (guint i = 0; tree->roles != NULL && i < tree->roles->len; i++)
    {
      VigilJsonCursor at = *c;

      if (!visit (g_array_index (tree->roles, int, i), &at, depth, user_data))
        {
          c->p = at.p;
          return FALSE;
        }
      after = at.p;
    }

  if (tree->children != NULL && (*c->p == '{' || *c->p == '['))
    return read_container (tree, c, depth, name, visit, user_data);
  if (after != NULL)
    {
      c->p = after;
      return TRUE;
    }
  return _vigil_json_cursor_skip_value (c, depth);
}
