/* vigil-filter-list.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The items of a list that a function keeps, in the order a sort
 * function gives them: what a GtkSortListModel under a
 * GtkFilterListModel do, for a table of a hundred thousand rows
 * (design 7).
 *
 * It keeps the source's items in an array of its own, so that filtering
 * again reads them straight from it (GtkFilterListModel asks a sorted
 * list for each item, and a GtkSortListModel over a GListStore finds
 * each by walking a tree), and the sort function orders that array as
 * it likes: the table's works out each item's keys once, not at each
 * of the million comparisons a sort of 100,000 customers makes.
 *
 * And it tells a list view of a new result, or a new order, in the
 * order that lets the view keep its rows. GTK 4.8 destroys the row
 * widgets of the items a change removes, unless the change adds the same
 * items back, and builds new ones (a row of the portfolio table is some
 * thirty widgets) for the items it adds; rows that a change only moves
 * out of the view's range it keeps and binds to the items that need one;
 * and when a change removes the item its anchor is on, it looks for that
 * item among all those the change adds (100,000 of them in a sort).
 * So a new result goes in steps: its items are inserted after the first
 * old item that parts from them, which moves the old rows after it out
 * of range, to be bound to the new items; then that one item is removed
 * (the view's anchor, when the results part at the top, stays at the top
 * rather than following it, and looks for it among no items added); then
 * the rest of the old result, which has no rows left. Between the steps
 * the list holds old items beside new ones; it settles before
 * vigil_filter_list_refilter() or vigil_filter_list_resort() returns.
 *
 * It can keep what the function matched, under a key, and show it again
 * without asking the function: the table's search keeps each shorter
 * search's result as one types on, for deleting back (design 7).
 */

#define G_LOG_DOMAIN "vigil-filter-list"

#include "config.h"

#include <string.h>

#include "vigil-filter-list.h"

struct _VigilFilterList
{
  GObject              parent_instance;

  GListModel              *source;
  VigilFilterListFunc      func;
  gpointer                 user_data;
  VigilFilterListSortFunc  sort_func;
  gpointer                 sort_data;

  GPtrArray               *items;    /* the source's items, in its order (owned) */
  GByteArray              *matched;  /* per item of the source: shown */
  GArray                  *order;    /* of guint: positions in items, in the sort's order */
  GArray                  *shown;    /* of guint: positions in items, as shown */
  GPtrArray               *kept;     /* of Kept: results to show again, oldest first */
};

/* What the function matched for one search, kept to be shown again
 * (vigil_filter_list_keep()). */
typedef struct
{
  char   *key;
  guint8 *matched;  /* per item of the source */
} Kept;

/* Results kept for the searches before: deleting a character at a time
 * back through a search of a dozen characters keeps a dozen. */
#define MAX_KEPT 32

static void
kept_free (gpointer data)
{
  Kept *kept = data;

  g_free (kept->key);
  g_free (kept->matched);
  g_free (kept);
}

static void vigil_filter_list_model_init (GListModelInterface *iface);
static void tell_new_result              (VigilFilterList     *self,
                                          GArray              *old);

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

/* The positions of the items @matched marks, in the sort's order. */
static GArray *
shown_of (VigilFilterList *self)
{
  GArray *shown = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->order->len);

  for (guint i = 0; i < self->order->len; i++)
    {
      guint position = g_array_index (self->order, guint, i);

      if (self->matched->data[position])
        g_array_append_val (shown, position);
    }
  return shown;
}

static void
sort_items (VigilFilterList *self)
{
  g_array_set_size (self->order, self->items->len);
  for (guint i = 0; i < self->items->len; i++)
    g_array_index (self->order, guint, i) = i;
  if (self->sort_func != NULL && self->items->len > 1)
    self->sort_func (self->items->pdata, self->items->len, (guint *) self->order->data, self->sort_data);
}

/* The item shown at @position of @shown, positions into @items. */
static inline gpointer
shown_item (GPtrArray *items,
            GArray    *shown,
            guint      position)
{
  return items->pdata[g_array_index (shown, guint, position)];
}

/* Tells the change from @old_shown (positions into @old_items) to what
 * is shown now, as one change between what both start and end with. */
static void
emit_difference (VigilFilterList *self,
                 GPtrArray       *old_items,
                 GArray          *old_shown)
{
  guint n_old = old_shown->len, n_new = self->shown->len;
  guint start = 0, end = 0;

  while (start < MIN (n_old, n_new) &&
         shown_item (old_items, old_shown, start) == shown_item (self->items, self->shown, start))
    start++;
  while (end < MIN (n_old, n_new) - start &&
         shown_item (old_items, old_shown, n_old - 1 - end) == shown_item (self->items, self->shown, n_new - 1 - end))
    end++;
  if (start + end < MAX (n_old, n_new))
    g_list_model_items_changed (G_LIST_MODEL (self), start, n_old - start - end, n_new - start - end);
}

/* The source changed (a reload hands the whole book again): its items
 * are read, filtered and sorted anew, and the list tells what changed
 * between what it showed and shows now. */
static void
source_items_changed_cb (GListModel      *source,
                         guint            position,
                         guint            removed,
                         guint            added,
                         VigilFilterList *self)
{
  guint n = g_list_model_get_n_items (source);
  g_autoptr(GPtrArray) old_items = self->items;
  g_autoptr(GArray) old_shown = self->shown;

  /* What was kept was matched among the old items. */
  g_ptr_array_set_size (self->kept, 0);
  self->items = g_ptr_array_new_full (n, g_object_unref);
  g_byte_array_set_size (self->matched, n);
  for (guint i = 0; i < n; i++)
    {
      gpointer item = g_list_model_get_item (source, i);

      g_ptr_array_add (self->items, item);
      self->matched->data[i] = self->func (item, self->user_data) != FALSE;
    }
  sort_items (self);
  self->shown = shown_of (self);
  emit_difference (self, old_items, old_shown);
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
  g_clear_pointer (&self->order, g_array_unref);
  g_clear_pointer (&self->shown, g_array_unref);
  g_clear_pointer (&self->kept, g_ptr_array_unref);

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
  self->order = g_array_new (FALSE, FALSE, sizeof (guint));
  self->shown = g_array_new (FALSE, FALSE, sizeof (guint));
  self->kept = g_ptr_array_new_with_free_func (kept_free);
}

/* Public API ------------------------------------------------------------------- */

/**
 * vigil_filter_list_new:
 * @source: the items, in the order shown until a sort function is set
 * @func: whether an item is shown; asked again at
 *   vigil_filter_list_refilter() only, and of the items of a change of
 *   @source
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

/**
 * vigil_filter_list_set_sort:
 * @sort_func: (nullable): puts the items in the order shown, %NULL for
 *   the source's; called again at vigil_filter_list_resort() and at each
 *   change of the source
 *
 * Sorts the items with @sort_func.
 */
void
vigil_filter_list_set_sort (VigilFilterList         *self,
                            VigilFilterListSortFunc  sort_func,
                            gpointer                 user_data)
{
  g_return_if_fail (VIGIL_IS_FILTER_LIST (self));

  self->sort_func = sort_func;
  self->sort_data = user_data;
  vigil_filter_list_resort (self);
}

/**
 * vigil_filter_list_resort:
 *
 * Sorts the items again (the sort function's order changed), and tells
 * of the new order as of a new result (see the top of this file).
 */
void
vigil_filter_list_resort (VigilFilterList *self)
{
  g_autoptr(GArray) old = NULL;

  g_return_if_fail (VIGIL_IS_FILTER_LIST (self));

  sort_items (self);
  old = self->shown;
  self->shown = shown_of (self);
  tell_new_result (self, old);
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

/* The list holds @parts, each a run of positions into the items. */
static void
hold (VigilFilterList *self,
      const guint     *parts[],
      const guint      lengths[],
      guint            n_parts)
{
  g_array_set_size (self->shown, 0);
  for (guint p = 0; p < n_parts; p++)
    g_array_append_vals (self->shown, parts[p], lengths[p]);
}

/* Tells how the list went from @old to what it shows, in the steps that
 * let a list view keep its rows (see the top of this file): the new
 * items inserted after the first old one that parts from them, then
 * that one removed (a list view's anchor on it stays where it was,
 * rather than following it or looking for it among the items added),
 * then the rest of the old ones. */
static void
tell_new_result (VigilFilterList *self,
                 GArray          *old)
{
  g_autoptr(GArray) settled = NULL;
  guint n_old = old->len;
  guint n_new = self->shown->len;
  guint start = common_start (old, self->shown);
  const guint *o, *n;

  if (start == n_old && start == n_new)
    return;
  if (start == n_old || start == n_new)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), start, n_old - start, n_new - start);
      return;
    }

  settled = self->shown;
  self->shown = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_new + n_old - start);
  o = (const guint *) old->data;
  n = (const guint *) settled->data;
  hold (self, (const guint *[]) { n, o + start, n + start, o + start + 1 },
        (const guint[]) { start, 1, n_new - start, n_old - start - 1 }, 4);
  g_list_model_items_changed (G_LIST_MODEL (self), start + 1, 0, n_new - start);
  hold (self, (const guint *[]) { n, o + start + 1 }, (const guint[]) { n_new, n_old - start - 1 }, 2);
  g_list_model_items_changed (G_LIST_MODEL (self), start, 1, 0);
  g_array_unref (self->shown);
  self->shown = g_steal_pointer (&settled);
  if (n_old - start - 1 > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), n_new, n_old - start - 1, 0);
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
  self->shown = shown_of (self);
  tell_new_result (self, old);
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

/**
 * vigil_filter_list_keep:
 * @key: what the result is kept under (the view's search)
 *
 * Keeps what the function matches now, to be shown again by
 * vigil_filter_list_show_kept() without asking it: a search typed on
 * keeps each shorter one's result, and deleting back a character shows
 * it again (design 7). What was kept goes when the source changes, and
 * at vigil_filter_list_forget_kept().
 */
void
vigil_filter_list_keep (VigilFilterList *self,
                        const char      *key)
{
  Kept *kept;

  g_return_if_fail (VIGIL_IS_FILTER_LIST (self));
  g_return_if_fail (key != NULL);

  if (self->kept->len == MAX_KEPT)
    g_ptr_array_remove_index (self->kept, 0);
  kept = g_new0 (Kept, 1);
  kept->key = g_strdup (key);
  kept->matched = g_memdup2 (self->matched->data, self->matched->len);
  g_ptr_array_add (self->kept, kept);
}

/**
 * vigil_filter_list_show_kept:
 * @key: what the result was kept under
 *
 * Shows again the result last kept under @key, as
 * vigil_filter_list_refilter() tells a new result, and forgets it and
 * everything kept after it.
 *
 * Returns: whether a result was kept under @key (when not, nothing
 *   changed)
 */
gboolean
vigil_filter_list_show_kept (VigilFilterList *self,
                             const char      *key)
{
  g_autoptr(GArray) old = NULL;

  g_return_val_if_fail (VIGIL_IS_FILTER_LIST (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  for (guint i = self->kept->len; i > 0; i--)
    {
      Kept *kept = g_ptr_array_index (self->kept, i - 1);

      if (strcmp (kept->key, key) != 0)
        continue;
      memcpy (self->matched->data, kept->matched, self->matched->len);
      g_ptr_array_set_size (self->kept, i - 1);
      old = self->shown;
      self->shown = shown_of (self);
      tell_new_result (self, old);
      return TRUE;
    }
  return FALSE;
}

/**
 * vigil_filter_list_forget_kept:
 *
 * Forgets every result kept (the function answers otherwise now).
 */
void
vigil_filter_list_forget_kept (VigilFilterList *self)
{
  g_return_if_fail (VIGIL_IS_FILTER_LIST (self));

  g_ptr_array_set_size (self->kept, 0);
}
