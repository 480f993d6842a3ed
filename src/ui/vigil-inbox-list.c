/* vigil-inbox-list.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The triggers inbox as its list view reads it (design 5, 7): the
 * customers in the inbox's order, each a #VigilInboxItem made when the
 * view (or anyone) first asks for it. A book of 100,000 customers has
 * some 21,000 in its inbox and a list view binds some two hundred, so
 * the rest stay plain entries: making an object of each, and moving them
 * all into a list store, was most of the main thread's work as the
 * inbox was shown. An item made lives as long as its customer is listed;
 * a new list updates it in place (its row redrawn, not rebuilt) and says
 * which positions changed, so a poll that moves nothing moves no row.
 */

#define G_LOG_DOMAIN "vigil-inbox-list"

#include "config.h"

#include "vigil-inbox-list.h"

/* A customer of the inbox: its entry (owned), its name for people (in
 * the list's string chunk) and its tier. */
typedef struct
{
  VigilInboxEntry *entry;
  const char      *name;
  VigilTier        tier;
} InboxRow;

struct _VigilInboxList
{
  GObject       parent_instance;

  GArray       *rows;          /* of InboxRow, in the inbox's order */
  GStringChunk *names;         /* the names of @rows */
  GPtrArray    *all_triggers;  /* the list the entries' triggers belong to */
  GHashTable   *items;         /* customer id → VigilInboxItem made (owned) */

  /* The list being made by vigil_inbox_list_add_entry() */
  GArray       *next_rows;
  GStringChunk *next_names;
};

static void vigil_inbox_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VigilInboxList, vigil_inbox_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, vigil_inbox_list_model_init))

#define ROW_AT(rows, i) (&g_array_index ((rows), InboxRow, (i)))

/* What a row holds goes with it (a GArray's clear func). */
static void
inbox_row_clear (InboxRow *row)
{
  g_clear_pointer (&row->entry, vigil_inbox_entry_free);
}

static GArray *
rows_new (void)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (InboxRow));

  g_array_set_clear_func (rows, (GDestroyNotify) inbox_row_clear);
  return rows;
}

static GHashTable *
items_new (void)
{
  /* Keyed by the item's own id, which lives as long as the item. */
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_object_unref);
}

static gpointer
items_key (VigilInboxItem *item)
{
  return (gpointer) &vigil_inbox_item_get_stake (item)->customer_id;
}

/* GListModel ---------------------------------------------------------------- */

static GType
vigil_inbox_list_get_item_type (GListModel *model)
{
  return VIGIL_TYPE_INBOX_ITEM;
}

static guint
vigil_inbox_list_get_n_items (GListModel *model)
{
  return VIGIL_INBOX_LIST (model)->rows->len;
}

static gpointer
vigil_inbox_list_get_item (GListModel *model,
                           guint       position)
{
  VigilInboxList *self = VIGIL_INBOX_LIST (model);
  InboxRow *row;
  VigilInboxItem *item;

  if (position >= self->rows->len)
    return NULL;
  row = ROW_AT (self->rows, position);
  item = g_hash_table_lookup (self->items, &row->entry->stake.customer_id);
  if (item == NULL)
    {
      item = vigil_inbox_item_new (row->entry->stake.customer_id);
      vigil_inbox_item_update (item, row->entry, self->all_triggers, row->name, row->tier);
      g_hash_table_insert (self->items, items_key (item), item);
    }
  return g_object_ref (item);
}

static void
vigil_inbox_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vigil_inbox_list_get_item_type;
  iface->get_n_items = vigil_inbox_list_get_n_items;
  iface->get_item = vigil_inbox_list_get_item;
}

/* GObject -------------------------------------------------------------------- */

static void
vigil_inbox_list_finalize (GObject *object)
{
  VigilInboxList *self = (VigilInboxList *) object;

  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->names, g_string_chunk_free);
  g_clear_pointer (&self->next_rows, g_array_unref);
  g_clear_pointer (&self->next_names, g_string_chunk_free);
  g_clear_pointer (&self->all_triggers, g_ptr_array_unref);

  G_OBJECT_CLASS (vigil_inbox_list_parent_class)->finalize (object);
}

static void
vigil_inbox_list_class_init (VigilInboxListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vigil_inbox_list_finalize;
}

static void
vigil_inbox_list_init (VigilInboxList *self)
{
  self->rows = rows_new ();
  self->names = g_string_chunk_new (4096);
  self->items = items_new ();
}

/* Public API ----------------------------------------------------------------- */

VigilInboxList *
vigil_inbox_list_new (void)
{
  return g_object_new (VIGIL_TYPE_INBOX_LIST, NULL);
}

/**
 * vigil_inbox_list_add_entry:
 * @entry: (transfer full): a customer of the inbox, its stake filled in
 * @name: the customer's name for people
 * @tier: the customer's tier now
 *
 * Adds @entry to the next list, which vigil_inbox_list_commit() puts
 * in order and in place.
 */
void
vigil_inbox_list_add_entry (VigilInboxList  *self,
                            VigilInboxEntry *entry,
                            const char      *name,
                            VigilTier        tier)
{
  InboxRow row;

  g_return_if_fail (VIGIL_IS_INBOX_LIST (self));
  g_return_if_fail (entry != NULL && entry->triggers != NULL);
  g_return_if_fail (name != NULL);

  if (self->next_rows == NULL)
    {
      self->next_rows = rows_new ();
      self->next_names = g_string_chunk_new (4096);
    }
  row.entry = entry;
  row.name = g_string_chunk_insert (self->next_names, name);
  row.tier = tier;
  g_array_append_val (self->next_rows, row);
}

static gint64
row_customer (GArray *rows,
              guint   i)
{
  return ROW_AT (rows, i)->entry->stake.customer_id;
}

/* The items made whose customers @rows still list, each updated to its
 * new entry (::changed where its row shows something new); the others
 * go with the old table. */
static GHashTable *
keep_items (VigilInboxList *self,
            GArray         *rows,
            GPtrArray      *all_triggers)
{
  GHashTable *kept = items_new ();

  if (g_hash_table_size (self->items) == 0)
    return kept;
  for (guint i = 0; i < rows->len; i++)
    {
      InboxRow *row = ROW_AT (rows, i);
      gpointer key, item;

      if (!g_hash_table_steal_extended (self->items, &row->entry->stake.customer_id, &key, &item))
        continue;
      vigil_inbox_item_update (item, row->entry, all_triggers, row->name, row->tier);
      g_hash_table_insert (kept, key, item);
    }
  return kept;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  return vigil_inbox_rank (&((const InboxRow *) a)->entry->stake, &((const InboxRow *) b)->entry->stake);
}

/**
 * vigil_inbox_list_commit:
 * @all_triggers: (element-type VigilTriggerRow): the list the added
 *   entries' triggers belong to, kept alive as long as they are listed
 *
 * Puts the entries added since the last commit in place of the list,
 * in the inbox's order (vigil_inbox_rank(): their stakes as they were
 * added, then the store's id, so no two compare equal). The items of customers still listed
 * stay (updated), and only the positions between the customers that
 * keep their place at either end are said to have changed.
 */
void
vigil_inbox_list_commit (VigilInboxList *self,
                         GPtrArray      *all_triggers)
{
  g_autoptr(GArray) old_rows = NULL;
  g_autoptr(GHashTable) old_items = NULL;
  GStringChunk *old_names;
  guint n_old, n_new, prefix = 0, suffix = 0;

  g_return_if_fail (VIGIL_IS_INBOX_LIST (self));
  g_return_if_fail (all_triggers != NULL);

  if (self->next_rows == NULL)
    {
      self->next_rows = rows_new ();
      self->next_names = g_string_chunk_new (64);
    }

  /* The items updated while the old rows, and their triggers, are still
   * held: an item compares what it shows with what it is given. */
  g_array_sort (self->next_rows, compare_rows);
  old_items = self->items;
  self->items = keep_items (self, self->next_rows, all_triggers);
  g_ptr_array_ref (all_triggers);
  g_clear_pointer (&self->all_triggers, g_ptr_array_unref);
  self->all_triggers = all_triggers;

  old_rows = self->rows;
  old_names = self->names;
  self->rows = g_steal_pointer (&self->next_rows);
  self->names = g_steal_pointer (&self->next_names);

  /* The customers that keep their place at either end. */
  n_old = old_rows->len;
  n_new = self->rows->len;
  while (prefix < n_old && prefix < n_new && row_customer (old_rows, prefix) == row_customer (self->rows, prefix))
    prefix++;
  while (suffix < n_old - prefix && suffix < n_new - prefix &&
         row_customer (old_rows, n_old - 1 - suffix) == row_customer (self->rows, n_new - 1 - suffix))
    suffix++;

  /* The old entries go before the change is told: nothing reads them
   * any more, and the views ask for the new ones. */
  g_clear_pointer (&old_rows, g_array_unref);
  g_string_chunk_free (old_names);
  if (prefix + suffix < MAX (n_old, n_new))
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, n_old - prefix - suffix, n_new - prefix - suffix);
}

/**
 * vigil_inbox_list_find:
 * @customer_id: a customer's store id
 * @position: (out) (optional): where it is listed
 *
 * Returns: whether the customer is listed
 */
gboolean
vigil_inbox_list_find (VigilInboxList *self,
                       gint64          customer_id,
                       guint          *position)
{
  g_return_val_if_fail (VIGIL_IS_INBOX_LIST (self), FALSE);

  for (guint i = 0; i < self->rows->len; i++)
    if (row_customer (self->rows, i) == customer_id)
      {
        if (position != NULL)
          *position = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * vigil_inbox_list_clear:
 *
 * Empties the list and drops its items (as its owner goes).
 */
void
vigil_inbox_list_clear (VigilInboxList *self)
{
  guint n;

  g_return_if_fail (VIGIL_IS_INBOX_LIST (self));

  n = self->rows->len;
  g_hash_table_remove_all (self->items);
  g_array_set_size (self->rows, 0);
  if (n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}
