/* vigil-accessible.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One accessible name for every control (design 5), where GTK 4.8 gives
 * two or none, mended once for the whole program rather than widget by
 * widget: a window's every widget as the window is realized, hidden pages
 * and all (a screen reader's tree holds them), and each widget made
 * later as it is realized, before it can be shown:
 *
 * - A button with a mnemonic is named twice: gtk_button_set_label() sets
 *   the accessible label to the text as written ("_Merge…") and the
 *   mnemonic label names the button again ("Merge…"), so a screen reader
 *   says "_Merge… Merge…". The label property is dropped each time the
 *   label is set; the mnemonic label's words stay. (GTK 4.10 no longer
 *   sets both.)
 * - A drop-down's button, the part that takes the focus, has no name of
 *   its own: it is named by its drop-down ("Tier") and described by the
 *   choice it shows ("All tiers").
 *
 * The portfolio table names its own rows and column headers (design 5:
 * vigil-table-row.c, vigil-table-header.c).
 */

#define G_LOG_DOMAIN "vigil-accessible"

#include "config.h"

#include "vigil-accessible.h"

/* Whether @widget is seen for the first time: each is mended once. */
static gboolean
first_time (GtkWidget *widget)
{
  static GQuark seen;

  if (seen == 0)
    seen = g_quark_from_static_string ("vigil-accessible-seen");
  if (g_object_get_qdata (G_OBJECT (widget), seen) != NULL)
    return FALSE;
  g_object_set_qdata (G_OBJECT (widget), seen, GINT_TO_POINTER (TRUE));
  return TRUE;
}

static void
drop_mnemonic_label (GtkButton *button)
{
  if (gtk_button_get_use_underline (button) && gtk_button_get_label (button) != NULL)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
watch_button (GtkButton *button)
{
  if (!first_time (GTK_WIDGET (button)))
    return;
  /* Run after GTK's own handlers: set_label() notifies once it has set
   * the accessible label. */
  g_signal_connect (button, "notify::label", G_CALLBACK (drop_mnemonic_label), NULL);
  g_signal_connect (button, "notify::use-underline", G_CALLBACK (drop_mnemonic_label), NULL);
  drop_mnemonic_label (button);
}

static void
describe_choice (GtkDropDown *dropdown,
                 GParamSpec  *pspec,
                 GtkWidget   *button)
{
  gpointer item = gtk_drop_down_get_selected_item (dropdown);

  if (GTK_IS_STRING_OBJECT (item))
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    gtk_string_object_get_string (item), -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
name_drop_down_button (GtkDropDown *dropdown)
{
  /* GTK 4.8 builds a drop-down as a toggle button and a popover. */
  GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (dropdown));

  if (!GTK_IS_TOGGLE_BUTTON (button) || !first_time (GTK_WIDGET (dropdown)))
    return;
  gtk_accessible_update_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY, dropdown, NULL,
                                  -1);
  g_signal_connect_object (dropdown, "notify::selected-item", G_CALLBACK (describe_choice), button, 0);
  describe_choice (dropdown, NULL, button);
}

static void
mend (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    watch_button (GTK_BUTTON (widget));
  else if (GTK_IS_DROP_DOWN (widget))
    name_drop_down_button (GTK_DROP_DOWN (widget));
}

static void
mend_tree (GtkWidget *root)
{
  mend (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    mend_tree (child);
}

static gboolean
realize_hook (GSignalInvocationHint *hint,
              guint                  n_values,
              const GValue          *values,
              gpointer               user_data)
{
  GtkWidget *widget = g_value_get_object (&values[0]);

  if (GTK_IS_ROOT (widget))
    mend_tree (widget);
  else
    mend (widget);
  return TRUE;  /* stay for every widget to come */
}

/**
 * vigil_accessible_watch_widgets:
 *
 * Mends the accessible names of every widget realized from now on (see
 * above). Call it before the first window; calls after the first do
 * nothing.
 */
void
vigil_accessible_watch_widgets (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      guint realize = g_signal_lookup ("realize", GTK_TYPE_WIDGET);

      g_signal_add_emission_hook (realize, 0, realize_hook, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}
