/* vigil-view.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "vigil-scorecard.h"
#include "vigil-store.h"

G_BEGIN_DECLS

/* A view's name has at most this many characters (design 5). */
#define VIGIL_VIEW_NAME_MAX_CHARS 80

/* The database settings (meta) of design 5 the window and the command
 * line share. */
#define VIGIL_META_ME "me"
#define VIGIL_META_DEFAULT_VIEW "default-view"

/**
 * VigilView:
 * @name: (nullable): the view's name; %NULL for one not saved
 * @book: the active book (the default) or the churned customers
 *   (design 3.2)
 * @tier: only this tier, %VIGIL_TIER_NONE for every tier
 * @owner: (nullable): only this owner's customers
 * @segment: (nullable): only this segment
 * @search: (nullable): only customers whose name or id holds this text
 * @sort: (nullable): a sort key of vigil_view_get_sort_keys(), %NULL
 *   for the default order
 * @reverse: the other way round from the key's own order (design 4)
 * @created_at: when it was first saved (Unix seconds), 0 if never
 * @updated_at: when it was last saved (Unix seconds), 0 if never
 *
 * A named set of filters, search and sort of the portfolio (design 5).
 */
typedef struct
{
  char      *name;
  VigilBook  book;
  VigilTier  tier;
  char      *owner;
  char      *segment;
  char      *search;
  char      *sort;
  gboolean   reverse;
  gint64     created_at;
  gint64     updated_at;
} VigilView;

VigilView          *vigil_view_new                (void);
VigilView          *vigil_view_copy               (const VigilView    *view);
void                vigil_view_free               (VigilView          *view);
char               *vigil_view_clean_name         (const char         *name,
                                                   GError            **error);
gboolean            vigil_view_check              (const VigilView    *view,
                                                   GError            **error);
char               *vigil_view_to_json            (const VigilView    *view);
VigilView          *vigil_view_new_from_json      (const char         *name,
                                                   const char         *json,
                                                   GError            **error);
const char * const *vigil_view_get_sort_keys      (void);
gboolean            vigil_view_is_sort_key        (const char         *key);
gboolean            vigil_view_get_descending     (const VigilView    *view);
gboolean            vigil_view_sort_key_is_descending (const char     *key);
gboolean            vigil_view_matches            (const VigilView    *view,
                                                   const VigilPortfolioRow *row);

char               *vigil_search_fold             (const char         *text);
char               *vigil_search_key_new          (const VigilPortfolioRow *row);
gboolean            vigil_search_key_matches      (const char         *search_key,
                                                   const char         *folded_query);

/* The saved views of a store (vigil-store-views.c) */
gboolean            vigil_store_save_view         (VigilStore         *self,
                                                   const VigilView    *view,
                                                   GError            **error);
GPtrArray          *vigil_store_list_views        (VigilStore         *self,
                                                   GError            **error);
VigilView          *vigil_store_get_view          (VigilStore         *self,
                                                   const char         *name,
                                                   GError            **error);
gboolean            vigil_store_remove_view       (VigilStore         *self,
                                                   const char         *name,
                                                   GError            **error);
gboolean            vigil_store_get_default_view  (VigilStore         *self,
                                                   char              **out_name,
                                                   GError            **error);
gboolean            vigil_store_set_default_view  (VigilStore         *self,
                                                   const char         *name,
                                                   GError            **error);
gboolean            vigil_store_get_me            (VigilStore         *self,
                                                   char              **out_name,
                                                   GError            **error);
gboolean            vigil_store_set_me            (VigilStore         *self,
                                                   const char         *name,
                                                   GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilView, vigil_view_free)

G_END_DECLS
