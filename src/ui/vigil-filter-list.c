/* vigil-filter-list.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The items of a list that a function keeps, in the list's order: what
 * GtkFilterListModel does, for a table of many thousand rows (design 7).
 *
 * It keeps the source's items in an array of its own, so that filtering
 * again reads them straight from it: GtkFilterListModel asks a sorted
 * list for each item, and a GtkSortListModel over a GListStore finds
 * each by walking a tree.
 *
 * And it tells a list view of a new result in the order that lets the
 * view keep its rows. GTK 4.8 destroys the row widgets of the items a
 * change removes, unless the change adds the same items back, and builds
 * new ones (a row of the portfolio table is some thirty widgets) for the
 * items it adds; rows that a change only moves out of the view's range it
 * keeps and binds to the items that need one. So a new result goes in
 * two steps: its items are inserted where the two results part (the
 * first item of the old one going with them when they part at the top,
 * so that the view's anchor stays at the top rather than following that
 * item down), which moves the old rows out of range to be bound to the
 * new items; then the rest of the old result, which has no rows left,
 * is removed. Between the two the list holds the old items after the
 * new ones; it settles before vigil_filter_list_refilter() returns.
 */

#define G_LOG_DOMAIN "vigil-filter-list"

#include "config.h"

#include <string.h>

#include "vigil-filter-list.h"

struct _VigilFilterList
{
  GObject              parent_instance;

  GListModel          *source;
  VigilFilterListFunc  func;
  gpointer             user_data;

  GPtrArray           *items;    /* the source's items, in its order (owned) */
  GByteArray          *matched;  /* per item of the source: shown */
  GArray              *shown;    /* of guint: positions in items, ascending */
};

static void vigil_filter_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilFilterList, vigil_filter_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, vigil_filter_list_model_init))

/* GListModel ----------------------------------------------------------------- */

static GType
vigil_filter_list_get_item_type (GListModel *list)
{
  VigilFilterList *self = VIGIL_FILTER_LIST (list);

  return g_list_model_get_item_type (self->source);
}

static guint
vigil_filter_list_get_n_items (GListModel *list)
{
  return VIGIL_FILTER_LIST (list)->shown->len;
}

static gpointer
vigil_filter_list_get_item (GListModel *list,
                            guint       position)
{
  VigilFilterList *self = VIGIL_FILTER_LIST (list);

  if (position >= self->shown->len)
    return NULL;
  return g_object_ref (self->items->pdata[g_array_index (self->shown, guint, position)]);
}

static void
vigil_filter_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vigil_filter_list_get_item_type;
  iface->get_n_items = vigil_filter_list_get_n_items;
  iface->get_item = vigil_filter_list_get_item;
}

/* The positions of the items @matched marks. */
static GArray *
shown_of (GByteArray *matched)
{
  GArray *shown = g_array_sized_new (FALSE, FALSE, sizeof (guint), matched->len);

  for (guint i = 0; i < matched->len; i++)
    if (matched->data[i])
      g_array_append_val (shown, i);
  return shown;
}

/* How many of the shown items come before the source's @position. */
static guint
shown_before (VigilFilterList *self,
              guint            position)
{
  guint low = 0, high = self->shown->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (g_array_index (self->shown, guint, middle) < position)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

/* The source changed: its new items are filtered, and the list changes
 * as the source did, in the shown items' positions. */
static void
source_items_changed_cb (GListModel      *source,
                         guint            position,
                         guint            removed,
                         guint            added,
                         VigilFilterList *self)
{
  guint n = self->items->len;
  guint first = shown_before (self, position);
  guint shown_removed = shown_before (self, position + removed) - first;
  guint shown_added = 0;
  g_autoptr(GPtrArray) old_items = self->items;
  g_autoptr(GByteArray) old_matched = self->matched;

  /* The items kept move to the new array, their references with them. */
  g_ptr_array_set_free_func (old_items, NULL);
  for (guint i = position; i < position + removed; i++)
    g_object_unref (old_items->pdata[i]);
  self->items = g_ptr_array_new_full (n - removed + added, g_object_unref);
  self->matched = g_byte_array_sized_new (n - removed + added);
  for (guint i = 0; i < position; i++)
    g_ptr_array_add (self->items, old_items->pdata[i]);
  g_byte_array_append (self->matched, old_matched->data, position);
  for (guint i = 0; i < added; i++)
    {
      gpointer item = g_list_model_get_item (source, position + i);
      guint8 match = self->func (item, self->user_data) != FALSE;

      g_ptr_array_add (self->items, item);
      g_byte_array_append (self->matched, &match, 1);
      shown_added += match;
    }
  for (guint i = position + removed; i < n; i++)
    g_ptr_array_add (self->items, old_items->pdata[i]);
  g_byte_array_append (self->matched, old_matched->data + position + removed, n - position - removed);

  g_array_unref (self->shown);
  self->shown = shown_of (self->matched);
  if (shown_removed > 0 || shown_added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), first, shown_removed, shown_added);
}

/* GObject -------------------------------------------------------------------- */

static void
vigil_filter_list_dispose (GObject *object)
{
  VigilFilterList *self = (VigilFilterList *) object;

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (vigil_filter_list_parent_class)->dispose (object);
}

static void
vigil_filter_list_finalize (GObject *object)
{
  VigilFilterList *self = (VigilFilterList *) object;

  g_clear_pointer (&self->matched, g_byte_array_unref);
  g_clear_pointer (&self->shown, g_array_unref);

  G_OBJECT_CLASS (vigil_filter_list_parent_class)->finalize (object);
}

static void
vigil_filter_list_class_init (VigilFilterListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_filter_list_dispose;
  object_class->finalize = vigil_filter_list_finalize;
}

static void
vigil_filter_list_init (VigilFilterList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->matched = g_byte_array_new ();
  self->shown = g_array_new (FALSE, FALSE, sizeof (guint));
}

/* Public API ------------------------------------------------------------------- */

/**
 * vigil_filter_list_new:
 * @source: the items, in the order shown
 * @func: whether an item is shown; asked again at
 *   vigil_filter_list_refilter() only
 *
 * Returns: (transfer full): the items of @source that @func keeps
 */
VigilFilterList *
vigil_filter_list_new (GListModel          *source,
                       VigilFilterListFunc  func,
                       gpointer             user_data)
{
  VigilFilterList *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (VIGIL_TYPE_FILTER_LIST, NULL);
  self->source = g_object_ref (source);
  self->func = func;
  self->user_data = user_data;
  g_signal_connect (source, "items-changed", G_CALLBACK (source_items_changed_cb), self);
  source_items_changed_cb (source, 0, 0, g_list_model_get_n_items (source), self);
  return self;
}

/* The length of what @a and @b start with alike. */
static guint
common_start (GArray *a,
              GArray *b)
{
  guint n = MIN (a->len, b->len);
  guint i = 0;

  while (i < n && g_array_index (a, guint, i) == g_array_index (b, guint, i))
    i++;
  return i;
}

/**
 * vigil_filter_list_refilter:
 * @change: how the function's answers changed: %GTK_FILTER_CHANGE_MORE_STRICT
 *   asks only the items shown, %GTK_FILTER_CHANGE_LESS_STRICT only the others
 *
 * Asks the function again, and shows what it keeps (in two steps, for a
 * list view to keep its rows: see the top of this file).
 */
void
vigil_filter_list_refilter (VigilFilterList *self,
                            GtkFilterChange  change)
{
  g_autoptr(GArray) old = NULL;
  guint start, n_old, n_new;

  g_return_if_fail (VIGIL_IS_FILTER_LIST (self));

  for (guint i = 0; i < self->items->len; i++)
    {
      gboolean matched = self->matched->data[i];

      if ((change == GTK_FILTER_CHANGE_MORE_STRICT && !matched) ||
          (change == GTK_FILTER_CHANGE_LESS_STRICT && matched))
        continue;
      self->matched->data[i] = self->func (self->items->pdata[i], self->user_data) != FALSE;
    }

  old = self->shown;
  self->shown = shown_of (self->matched);
  n_old = old->len;
  n_new = self->shown->len;
  start = common_start (old, self->shown);
  if (start == n_old && start == n_new)
    return;
  if (start == n_old || start == n_new)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), start, n_old - start, n_new - start);
      return;
    }

  /* The new items where the results part, the old ones after them;
   * the old one at the top goes with that step (see above). */
  {
    g_autoptr(GArray) settled = g_steal_pointer (&self->shown);
    guint taken = start == 0 ? 1 : 0;

    self->shown = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_new + n_old - start - taken);
    g_array_append_vals (self->shown, settled->data, n_new);
    g_array_append_vals (self->shown, &g_array_index (old, guint, start + taken), n_old - start - taken);
    g_list_model_items_changed (G_LIST_MODEL (self), start, taken, n_new - start);

    g_array_unref (self->shown);
    self->shown = g_steal_pointer (&settled);
    if (n_old - start - taken > 0)
      g_list_model_items_changed (G_LIST_MODEL (self), n_new, n_old - start - taken, 0);
  }
}

/**
 * vigil_filter_list_find:
 * @out_position: (out) (optional): where @item is shown
 *
 * Returns: whether @item is shown
 */
gboolean
vigil_filter_list_find (VigilFilterList *self,
                        gpointer         item,
                        guint           *out_position)
{
  g_return_val_if_fail (VIGIL_IS_FILTER_LIST (self), FALSE);

  for (guint i = 0; i < self->shown->len; i++)
    if (self->items->pdata[g_array_index (self->shown, guint, i)] == item)
      {
        if (out_position != NULL)
          *out_position = i;
        return TRUE;
      }
  return FALSE;
}
