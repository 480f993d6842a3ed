/* vigil-tooltip.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tooltip given when GTK is about to show it (design 7). Setting one
 * with gtk_widget_set_tooltip_text() asks the X server where the pointer
 * is, in case the tooltip shown must change: a round trip for each
 * button of a row built, which took a third of showing the inbox and
 * some 1.5 ms a tooltip of opening a customer page on a busy machine.
 * A widget built off screen needs no such check.
 */

#include "config.h"

#include "vigil-tooltip.h"

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    text)
{
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/**
 * vigil_tooltip_set_static:
 * @text: plain text that lives as long as the program (a literal or a
 *   translation)
 *
 * Gives @widget the tooltip @text, shown as gtk_widget_set_tooltip_text()
 * would show it, in place of any @text given before. For widgets not
 * yet on screen.
 */
void
vigil_tooltip_set_static (GtkWidget  *widget,
                          const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  /* A row kept for the next customer (design 7) is given its tooltip
   * again: the new one replaces the old. */
  g_signal_handlers_disconnect_matched (widget, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, query_tooltip_cb, NULL);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), (gpointer) text);
}
