/* vigil-inbox-list.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-inbox-item.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_INBOX_LIST (vigil_inbox_list_get_type ())

G_DECLARE_FINAL_TYPE (VigilInboxList, vigil_inbox_list, VIGIL, INBOX_LIST, GObject)

VigilInboxList *vigil_inbox_list_new       (void);
void            vigil_inbox_list_add_entry (VigilInboxList  *self,
                                            VigilInboxEntry *entry,
                                            const char      *name,
                                            VigilTier        tier);
void            vigil_inbox_list_commit    (VigilInboxList  *self,
                                            GPtrArray       *all_triggers);
gboolean        vigil_inbox_list_find      (VigilInboxList  *self,
                                            gint64           customer_id,
                                            guint           *position);
void            vigil_inbox_list_clear     (VigilInboxList  *self);

G_END_DECLS
