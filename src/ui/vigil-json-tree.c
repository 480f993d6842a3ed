/* vigil-json-tree.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-json-tree"

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-core.h"
#include "vigil-json-tree.h"

/* A JSON value shown as a tree a person can click in (design 5, adding a
 * source): each member or element is a row with its name and its value,
 * and a click on the value opens what the owner offers for it (which
 * field it fills; "these are the records"), with a badge saying what it
 * is used for. Values are data: plain text, never markup. */

/* Up to this many values the tree opens whole; a bigger one opens a
 * level at a time. */
#define AUTOEXPAND_MAX_VALUES 80

/* One member or element: its name, where it is, and its value. */
#define VIGIL_TYPE_JSON_TREE_ITEM (vigil_json_tree_item_get_type ())

G_DECLARE_FINAL_TYPE (VigilJsonTreeItem, vigil_json_tree_item, VIGIL, JSON_TREE_ITEM, GObject)

struct _VigilJsonTreeItem
{
  GObject   parent_instance;

  char     *name;
  char     *pointer;
  JsonNode *node;
};

G_DEFINE_FINAL_TYPE (VigilJsonTreeItem, vigil_json_tree_item, G_TYPE_OBJECT)

static void
vigil_json_tree_item_finalize (GObject *object)
{
  VigilJsonTreeItem *self = (VigilJsonTreeItem *) object;

  g_free (self->name);
  g_free (self->pointer);
  g_clear_pointer (&self->node, json_node_unref);

  G_OBJECT_CLASS (vigil_json_tree_item_parent_class)->finalize (object);
}

static void
vigil_json_tree_item_class_init (VigilJsonTreeItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vigil_json_tree_item_finalize;
}

static void
vigil_json_tree_item_init (VigilJsonTreeItem *self)
{
}

static VigilJsonTreeItem *
item_new (const char *name,
          const char *parent_pointer,
          const char *token,
          JsonNode   *node)
{
  VigilJsonTreeItem *item = g_object_new (VIGIL_TYPE_JSON_TREE_ITEM, NULL);

  item->name = g_strdup (name);
  item->pointer = vigil_json_pointer_append (parent_pointer, token);
  item->node = json_node_ref (node);
  return item;
}

struct _VigilJsonTree
{
  AdwBin                  parent_instance;

  GtkListView            *list_view;
  GtkTreeListModel       *model;
  GHashTable             *bound;       /* row widget → its item, for refresh */
  VigilJsonTreeMenuFunc   menu_func;
  VigilJsonTreeBadgeFunc  badge_func;
  gpointer                user_data;
};

G_DEFINE_FINAL_TYPE (VigilJsonTree, vigil_json_tree, ADW_TYPE_BIN)

/* The members or elements of @node, as items. */
static GListModel *
list_children (JsonNode   *node,
               const char *pointer)
{
  GListStore *store;

  if (!JSON_NODE_HOLDS_OBJECT (node) && !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  store = g_list_store_new (VIGIL_TYPE_JSON_TREE_ITEM);
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          g_autoptr(VigilJsonTreeItem) item = item_new (name, pointer, name, member);

          g_list_store_append (store, item);
        }
    }
  else
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *token = g_strdup_printf ("%u", i);
          /* TRANSLATORS: an element of a list, by its position (1, 2, …) */
          g_autofree char *name = g_strdup_printf (_("item %u"), i + 1);
          g_autoptr(VigilJsonTreeItem) item = item_new (name, pointer, token, json_array_get_element (array, i));

          g_list_store_append (store, item);
        }
    }
  return G_LIST_MODEL (store);
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  VigilJsonTreeItem *json_item = item;

  return list_children (json_item->node, json_item->pointer);
}

static guint
count_values (JsonNode *node,
              guint     limit)
{
  g_autoptr(GQueue) queue = g_queue_new ();
  guint n = 0;

  g_queue_push_tail (queue, node);
  while (!g_queue_is_empty (queue) && n <= limit)
    {
      JsonNode *next = g_queue_pop_head (queue);

      n++;
      if (JSON_NODE_HOLDS_OBJECT (next))
        {
          GList *members = json_object_get_values (json_node_get_object (next));

          for (GList *l = members; l != NULL; l = l->next)
            g_queue_push_tail (queue, l->data);
          g_list_free (members);
        }
      else if (JSON_NODE_HOLDS_ARRAY (next))
        {
          JsonArray *array = json_node_get_array (next);

          for (guint i = 0; i < json_array_get_length (array); i++)
            g_queue_push_tail (queue, json_array_get_element (array, i));
        }
    }
  return n;
}

/* A value as one line: text in quotes, numbers and literals as written,
 * containers by what they are (their rows show what they hold). */
static char *
describe_value (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (_("object"));
  if (JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup (json_array_get_length (json_node_get_array (node)) == 0 ? _("empty list") : _("list"));
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      {
        g_autofree char *printable = vigil_text_printable (json_node_get_string (node), -1);

        return g_strdup_printf ("“%s”", printable);
      }
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
      }
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    default:
      return g_strdup ("?");
    }
}

/* Row widgets --------------------------------------------------------------- */

typedef struct
{
  GtkLabel      *name;
  GtkMenuButton *button;
  GtkLabel      *value;
  GtkLabel      *badge;
} RowParts;

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              VigilJsonTree            *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *value = gtk_label_new (NULL);
  GtkWidget *badge = gtk_label_new (NULL);
  RowParts *parts = g_new0 (RowParts, 1);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (name), 12);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 24);
  gtk_widget_add_css_class (name, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_ellipsize (GTK_LABEL (value), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (value), 40);
  gtk_label_set_width_chars (GTK_LABEL (value), 8);
  /* The value first: a long badge gives way to it. */
  gtk_label_set_ellipsize (GTK_LABEL (badge), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (badge), 22);
  gtk_widget_add_css_class (badge, "vigil-field-badge");
  gtk_widget_set_visible (badge, FALSE);
  gtk_box_append (GTK_BOX (content), value);
  gtk_box_append (GTK_BOX (content), badge);
  gtk_menu_button_set_child (GTK_MENU_BUTTON (button), content);
  gtk_menu_button_set_always_show_arrow (GTK_MENU_BUTTON (button), FALSE);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), button);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
  gtk_list_item_set_activatable (list_item, FALSE);

  parts->name = GTK_LABEL (name);
  parts->button = GTK_MENU_BUTTON (button);
  parts->value = GTK_LABEL (value);
  parts->badge = GTK_LABEL (badge);
  g_object_set_data_full (G_OBJECT (expander), "vigil-row-parts", parts, g_free);
}

/* The menu and badge of one row, from the owner's functions. */
static void
update_row (VigilJsonTree     *self,
            GtkWidget         *row,
            VigilJsonTreeItem *item)
{
  RowParts *parts = g_object_get_data (G_OBJECT (row), "vigil-row-parts");
  g_autoptr(GMenuModel) menu = NULL;
  g_autofree char *badge = NULL;

  if (self->menu_func != NULL)
    menu = self->menu_func (item->pointer, item->node, self->user_data);
  if (self->badge_func != NULL)
    badge = self->badge_func (item->pointer, item->node, self->user_data);
  gtk_menu_button_set_menu_model (parts->button, menu);
  gtk_widget_set_sensitive (GTK_WIDGET (parts->button), menu != NULL);
  gtk_label_set_text (parts->badge, badge != NULL ? badge : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (parts->badge), badge);
  gtk_widget_set_visible (GTK_WIDGET (parts->badge), badge != NULL);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             VigilJsonTree            *self)
{
  GtkTreeListRow *tree_row = gtk_list_item_get_item (list_item);
  VigilJsonTreeItem *item = gtk_tree_list_row_get_item (tree_row);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  RowParts *parts = g_object_get_data (G_OBJECT (expander), "vigil-row-parts");
  g_autofree char *value = describe_value (item->node);
  g_autofree char *tooltip = g_strdup_printf (_("What “%s” is"), item->name);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), tree_row);
  gtk_label_set_text (parts->name, item->name);
  gtk_label_set_text (parts->value, value);
  /* Where the value is: tests and the screenshots find rows by it. */
  gtk_widget_set_name (GTK_WIDGET (parts->button), item->pointer);
  gtk_widget_set_tooltip_text (GTK_WIDGET (parts->button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (parts->button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  update_row (self, expander, item);
  g_hash_table_insert (self->bound, expander, g_object_ref (item));
  g_object_unref (item);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               VigilJsonTree            *self)
{
  GtkWidget *expander = gtk_list_item_get_child (list_item);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
  g_hash_table_remove (self->bound, expander);
}

static void
vigil_json_tree_dispose (GObject *object)
{
  VigilJsonTree *self = (VigilJsonTree *) object;

  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (vigil_json_tree_parent_class)->dispose (object);
}

static void
vigil_json_tree_class_init (VigilJsonTreeClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = vigil_json_tree_dispose;
}

static void
vigil_json_tree_init (VigilJsonTree *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->bound = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  self->list_view = GTK_LIST_VIEW (gtk_list_view_new (NULL, factory));
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "vigil-json-tree");
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list_view));
  gtk_widget_set_vexpand (scroller, TRUE);
  adw_bin_set_child (ADW_BIN (self), scroller);
}

/**
 * vigil_json_tree_new:
 *
 * Returns: (transfer floating): an empty tree
 */
GtkWidget *
vigil_json_tree_new (void)
{
  return g_object_new (VIGIL_TYPE_JSON_TREE, NULL);
}

/**
 * vigil_json_tree_set_root:
 * @root: (nullable): the value whose members (or elements) are the top
 *   rows; pointers start from it
 */
void
vigil_json_tree_set_root (VigilJsonTree *self,
                          JsonNode      *root)
{
  g_autoptr(GListModel) top = NULL;
  GtkSelectionModel *selection;

  g_return_if_fail (VIGIL_IS_JSON_TREE (self));

  g_hash_table_remove_all (self->bound);
  g_clear_object (&self->model);
  if (root != NULL && (top = list_children (root, "")) != NULL)
    self->model = gtk_tree_list_model_new (g_steal_pointer (&top), FALSE,
                                           count_values (root, AUTOEXPAND_MAX_VALUES) <= AUTOEXPAND_MAX_VALUES,
                                           create_children_cb, NULL, NULL);
  selection = self->model != NULL
    ? GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->model))))
    : NULL;
  gtk_list_view_set_model (self->list_view, selection);
  g_clear_object (&selection);
}

/**
 * vigil_json_tree_set_funcs:
 * @menu_func: (nullable): what a click on a value offers
 * @badge_func: (nullable): what a value is used for
 * @user_data: for both, which must outlive the tree or be unset
 */
void
vigil_json_tree_set_funcs (VigilJsonTree          *self,
                           VigilJsonTreeMenuFunc   menu_func,
                           VigilJsonTreeBadgeFunc  badge_func,
                           gpointer                user_data)
{
  g_return_if_fail (VIGIL_IS_JSON_TREE (self));

  self->menu_func = menu_func;
  self->badge_func = badge_func;
  self->user_data = user_data;
  vigil_json_tree_refresh (self);
}

/**
 * vigil_json_tree_refresh:
 *
 * Asks the owner again for the menus and badges of the rows shown (a
 * value was assigned).
 */
void
vigil_json_tree_refresh (VigilJsonTree *self)
{
  GHashTableIter iter;
  gpointer row;
  gpointer item;

  g_return_if_fail (VIGIL_IS_JSON_TREE (self));

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &row, &item))
    update_row (self, row, item);
}
