/* vigil-test-widgets.h: finding widgets and waiting on the main loop, for the window suites
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "vigil-customer-page.h"
#include "vigil-portfolio.h"
#include "vigil-window-private.h"

/* Runs the main loop until @done says so, for 30 s at most; returns
 * what @done says at the end. */
static inline gboolean
wait_for (gboolean (*done) (gpointer data),
          gpointer  data)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return done (data);
}

typedef gboolean (*WidgetMatch) (GtkWidget *widget, const char *text);

/* The first widget below @root, depth first, that @match takes. */
static inline GtkWidget *
find_widget (GtkWidget   *root,
             WidgetMatch  match,
             const char  *text)
{
  if (match (root, text))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline gboolean
widget_is_of_type_named (GtkWidget  *widget,
                         const char *type_name)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, g_type_from_name (type_name));
}

/* The first widget below @root, depth first, of @type. */
static inline GtkWidget *
find_widget_of_type (GtkWidget *root,
                     GType      type)
{
  return find_widget (root, widget_is_of_type_named, g_type_name (type));
}

static inline gboolean
widget_is_portfolio_table (GtkWidget  *widget,
                           const char *unused)
{
  return GTK_IS_LIST_VIEW (widget) && gtk_widget_has_css_class (widget, "portfolio-table");
}

/* The portfolio table below @root: the list of its rows (a drop-down's
 * popover holds a list too). */
static inline GtkWidget *
find_portfolio_table (GtkWidget *root)
{
  return find_widget (root, widget_is_portfolio_table, NULL);
}

static inline void
count_loads_cb (VigilPortfolio *portfolio,
                guint          *loads)
{
  (*loads)++;
}

static inline gboolean
has_loaded (gpointer loads)
{
  return *(guint *) loads > 0;
}

/* Reads the book again and waits until that read has landed (the
 * portfolio stays loaded meanwhile, with the earlier read's customers,
 * so only its ::loaded signal says so), then until the views have
 * followed it, in dispatches of their own. */
static inline gboolean
reload_and_wait (VigilPortfolio *portfolio)
{
  guint loads = 0;
  gulong handler = g_signal_connect (portfolio, "loaded", G_CALLBACK (count_loads_cb), &loads);
  gboolean landed;

  vigil_portfolio_reload (portfolio);
  landed = wait_for (has_loaded, &loads);
  g_signal_handler_disconnect (portfolio, handler);
  for (guint i = 0; g_main_context_iteration (NULL, FALSE) && i < 1000; i++)
    ;
  return landed;
}

static inline gboolean
page_is_filled (gpointer page)
{
  return vigil_customer_page_is_filled (page);
}

/* Shows @customer on @page and waits until every section shows it: those
 * out of the first frame follow it, a few a frame (design 7). */
static inline gboolean
show_on_page (VigilCustomerPage *page,
              VigilCustomer     *customer)
{
  vigil_customer_page_show (page, customer);
  return wait_for (page_is_filled, page);
}

/* The same, on @window's customer page, for the customer of store id @id. */
static inline gboolean
show_customer (VigilWindow *window,
               gint64       id)
{
  vigil_window_show_customer (window, id);
  return wait_for (page_is_filled, _vigil_window_get_customer_page (window));
}
