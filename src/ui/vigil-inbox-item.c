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
#include <string.h>

#include "vigil-inbox-item.h"

struct _VigilInboxItem
{
  GObject          parent_instance;

  char            *name;
  VigilTier        tier;
  VigilInboxStake  stake;
  GPtrArray       *all_triggers;  /* the portfolio's list, kept alive for @triggers */
  GPtrArray       *triggers;      /* of VigilTriggerRow, borrowed from @all_triggers */
};

G_DEFINE_FINAL_TYPE (VigilInboxItem, vigil_inbox_item, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Whether two figures read the same on the row (to six digits), without
 * writing either down when they are the same number. */
static gboolean
same_figure (double a,
             double b)
{
  char text_a[G_ASCII_DTOSTR_BUF_SIZE], text_b[G_ASCII_DTOSTR_BUF_SIZE];

  if (memcmp (&a, &b, sizeof a) == 0)
    return TRUE;
  g_snprintf (text_a, sizeof text_a, "%.6g", a);
  g_snprintf (text_b, sizeof text_b, "%.6g", b);
  return strcmp (text_a, text_b) == 0;
}

static gboolean
same_trigger (const VigilTriggerRow *a,
              const VigilTriggerRow *b)
{
  return a->id == b->id && a->tier == b->tier && a->first_seen == b->first_seen &&
         g_strcmp0 (a->rule, b->rule) == 0 && g_strcmp0 (a->state, b->state) == 0 &&
         g_strcmp0 (a->evidence != NULL ? a->evidence : "", b->evidence != NULL ? b->evidence : "") == 0;
}

/* Whether the item, as it shows now, shows everything @entry, @name and
 * @tier say: an update that changes none of it leaves the row alone.
 * Compared field by field, not as a text of each written out: the inbox
 * of a big book updates some twenty thousand items as it is shown
 * (design 7). An item never shown shows nothing yet. */
static gboolean
shows_same (VigilInboxItem        *self,
            const VigilInboxEntry *entry,
            const char            *name,
            VigilTier              tier)
{
  if (self->name == NULL || strcmp (self->name, name) != 0 || self->tier != tier ||
      !same_figure (self->stake.mrr, entry->stake.mrr) ||
      !same_figure (self->stake.churn_risk, entry->stake.churn_risk) ||
      self->stake.renewal_day != entry->stake.renewal_day || self->triggers->len != entry->triggers->len)
    return FALSE;
  for (guint i = 0; i < entry->triggers->len; i++)
    if (!same_trigger (g_ptr_array_index (self->triggers, i), g_ptr_array_index (entry->triggers, i)))
      return FALSE;
  return TRUE;
}

static void
vigil_inbox_item_finalize (GObject *object)
{
  VigilInboxItem *self = (VigilInboxItem *) object;

  g_free (self->name);
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
  gboolean same;

  g_return_val_if_fail (VIGIL_IS_INBOX_ITEM (self), FALSE);
  g_return_val_if_fail (entry != NULL && entry->stake.customer_id == self->stake.customer_id, FALSE);
  g_return_val_if_fail (all_triggers != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  /* Compared while the old rows are still held. */
  same = shows_same (self, entry, name, tier);

  /* The new rows, whether or not they say anything new: the old ones go
   * with the list that held them. */
  g_ptr_array_ref (all_triggers);
  g_clear_pointer (&self->all_triggers, g_ptr_array_unref);
  self->all_triggers = all_triggers;
  g_ptr_array_set_size (self->triggers, 0);
  g_ptr_array_extend (self->triggers, entry->triggers, NULL, NULL);
  self->stake = entry->stake;

  if (same)
    return FALSE;
  g_free (self->name);
  self->name = g_strdup (name);
  self->tier = tier;
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}
