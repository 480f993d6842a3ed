/* vigil-inbox-item.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "vigil-core.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_INBOX_ITEM (vigil_inbox_item_get_type ())

G_DECLARE_FINAL_TYPE (VigilInboxItem, vigil_inbox_item, VIGIL, INBOX_ITEM, GObject)

VigilInboxItem        *vigil_inbox_item_new             (gint64                 customer_id);
gint64                 vigil_inbox_item_get_customer_id (VigilInboxItem        *self);
const char            *vigil_inbox_item_get_name        (VigilInboxItem        *self);
VigilTier              vigil_inbox_item_get_tier        (VigilInboxItem        *self);
const VigilInboxStake *vigil_inbox_item_get_stake       (VigilInboxItem        *self);
GPtrArray             *vigil_inbox_item_get_triggers    (VigilInboxItem        *self);
gboolean               vigil_inbox_item_update          (VigilInboxItem        *self,
                                                         const VigilInboxEntry *entry,
                                                         GPtrArray             *all_triggers,
                                                         const char            *name,
                                                         VigilTier              tier);

G_END_DECLS
