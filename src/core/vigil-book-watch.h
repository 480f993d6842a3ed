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

/**
 * VigilBookChanges:
 * @VIGIL_BOOK_CHANGED_SOURCES: the sources (their settings, how their
 *   polls went, their validators, their field counts)
 * @VIGIL_BOOK_CHANGED_TRIGGERS: the triggers
 * @VIGIL_BOOK_CHANGED_OTHER: anything else: the customers, their
 *   scores, snapshots, touches…, or a table not known
 *
 * What other processes' commits changed (VigilBookWatch::changed).
 */
typedef enum
{
  VIGIL_BOOK_CHANGED_SOURCES  = 1 << 0,
  VIGIL_BOOK_CHANGED_TRIGGERS = 1 << 1,
  VIGIL_BOOK_CHANGED_OTHER    = 1 << 2,
} VigilBookChanges;

#define VIGIL_BOOK_CHANGED_ALL (VIGIL_BOOK_CHANGED_SOURCES | VIGIL_BOOK_CHANGED_TRIGGERS | VIGIL_BOOK_CHANGED_OTHER)

VigilBookChanges vigil_book_changes_of_table (const char *table);

VigilBookWatch *vigil_book_watch_new                (const char      *location,
                                                     GError         **error);
const char     *vigil_book_watch_get_location       (VigilBookWatch  *self);
guint64         vigil_book_watch_get_changes_seen   (VigilBookWatch  *self);
gboolean        vigil_book_watch_is_connected       (VigilBookWatch  *self);

G_END_DECLS
