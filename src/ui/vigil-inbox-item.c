/* vigil-inbox-item.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One customer of the triggers inbox (design 5) as its list holds it:
 * the customer, what is at stake and its open triggers. An item lives as
 * long as its customer has open triggers; a reload updates it in place
 * and says so with ::changed, so that its row is redrawn, not rebuilt.
 */

#define G_LOG_DOMAIN "vigil-inbox-item"

#include "config.h"

#include <math.h>

#include "vigil-inbox-item.h"

struct _VigilInboxItem
{
  GObject          parent_instance;

  char            *name;
  VigilTier        tier;
  VigilInboxStake  stake;
  GPtrArray       *all_triggers;  /* the portfolio's list, kept alive for @triggers */
  GPtrArray       *triggers;      /* of VigilTriggerRow, borrowed from @all_triggers */
  char            *signature;     /* all the row shows */
};

G_DEFINE_FINAL_TYPE (VigilInboxItem, vigil_inbox_item, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Everything a row shows, so that an update that changes none of it
 * leaves the row alone. */
static char *
make_signature (const VigilInboxEntry *entry,
                const char            *name,
                VigilTier              tier)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s\x1f%d\x1f%.6g\x1f%.6g\x1f%d", name, tier, entry->stake.mrr,
                          entry->stake.churn_risk, entry->stake.renewal_day);
  for (guint i = 0; i < entry->triggers->len; i++)
    {
      const VigilTriggerRow *trigger = g_ptr_array_index (entry->triggers, i);

      g_string_append_printf (text, "\x1e%" G_GINT64_FORMAT "\x1f%s\x1f%s\x1f%s\x1f%d\x1f%" G_GINT64_FORMAT,
                              trigger->id, trigger->rule, trigger->state,
                              trigger->evidence != NULL ? trigger->evidence : "", trigger->tier,
                              trigger->first_seen);
    }
  return g_string_free (text, FALSE);
}

static void
vigil_inbox_item_finalize (GObject *object)
{
  VigilInboxItem *self = (VigilInboxItem *) object;

  g_free (self->name);
  g_free (self->signature);
  g_clear_pointer (&self->triggers, g_ptr_array_unref);
  g_clear_pointer (&self->all_triggers, g_ptr_array_unref);

  G_OBJECT_CLASS (vigil_inbox_item_parent_class)->finalize (object);
}

static void
vigil_inbox_item_class_init (VigilInboxItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vigil_inbox_item_finalize;

  /**
   * VigilInboxItem::changed:
   *
   * What the item shows changed.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vigil_inbox_item_init (VigilInboxItem *self)
{
  self->tier = VIGIL_TIER_NONE;
  self->triggers = g_ptr_array_new ();
}

VigilInboxItem *
vigil_inbox_item_new (gint64 customer_id)
{
  VigilInboxItem *self = g_object_new (VIGIL_TYPE_INBOX_ITEM, NULL);

  vigil_inbox_stake_init (&self->stake, customer_id);
  return self;
}

gint64
vigil_inbox_item_get_customer_id (VigilInboxItem *self)
{
  g_return_val_if_fail (VIGIL_IS_INBOX_ITEM (self), 0);
  return self->stake.customer_id;
}

const char *
vigil_inbox_item_get_name (VigilInboxItem *self)
{
  g_return_val_if_fail (VIGIL_IS_INBOX_ITEM (self), NULL);
  return self->name;
}

VigilTier
vigil_inbox_item_get_tier (VigilInboxItem *self)
{
  g_return_val_if_fail (VIGIL_IS_INBOX_ITEM (self), VIGIL_TIER_NONE);
  return self->tier;
}

const VigilInboxStake *
vigil_inbox_item_get_stake (VigilInboxItem *self)
{
  g_return_val_if_fail (VIGIL_IS_INBOX_ITEM (self), NULL);
  return &self->stake;
}

/* Returns: (transfer none) (element-type VigilTriggerRow): the customer's
 * open triggers as the inbox lists them */
GPtrArray *
vigil_inbox_item_get_triggers (VigilInboxItem *self)
{
  g_return_val_if_fail (VIGIL_IS_INBOX_ITEM (self), NULL);
  return self->triggers;
}

/**
 * vigil_inbox_item_update:
 * @entry: the customer's entry of the inbox, of the same customer
 * @all_triggers: (element-type VigilTriggerRow): the list @entry's
 *   triggers belong to, kept alive as long as the item shows them
 * @name: the customer's name for people
 * @tier: the customer's tier now
 *
 * Returns: whether what the item shows changed (::changed was emitted)
 */
gboolean
vigil_inbox_item_update (VigilInboxItem        *self,
                         const VigilInboxEntry *entry,
                         GPtrArray             *all_triggers,
                         const char            *name,
                         VigilTier              tier)
{
  g_autofree char *signature = NULL;

  g_return_val_if_fail (VIGIL_IS_INBOX_ITEM (self), FALSE);
  g_return_val_if_fail (entry != NULL && entry->stake.customer_id == self->stake.customer_id, FALSE);
  g_return_val_if_fail (all_triggers != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  /* The new rows, whether or not they say anything new: the old ones go
   * with the list that held them. */
  g_ptr_array_ref (all_triggers);
  g_clear_pointer (&self->all_triggers, g_ptr_array_unref);
  self->all_triggers = all_triggers;
  g_ptr_array_set_size (self->triggers, 0);
  g_ptr_array_extend (self->triggers, entry->triggers, NULL, NULL);
  self->stake = entry->stake;

  signature = make_signature (entry, name, tier);
  if (g_strcmp0 (signature, self->signature) == 0)
    return FALSE;
  g_free (self->signature);
  self->signature = g_steal_pointer (&signature);
  g_free (self->name);
  self->name = g_strdup (name);
  self->tier = tier;
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}
