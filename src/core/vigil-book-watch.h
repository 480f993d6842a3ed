/* vigil-book-watch.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define VIGIL_TYPE_BOOK_WATCH (vigil_book_watch_get_type ())

G_DECLARE_FINAL_TYPE (VigilBookWatch, vigil_book_watch, VIGIL, BOOK_WATCH, GObject)

VigilBookWatch *vigil_book_watch_new                (const char      *location,
                                                     GError         **error);
const char     *vigil_book_watch_get_location       (VigilBookWatch  *self);
guint64         vigil_book_watch_get_changes_seen   (VigilBookWatch  *self);
gboolean        vigil_book_watch_is_connected       (VigilBookWatch  *self);

G_END_DECLS
