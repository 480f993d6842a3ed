/* vigil-customer.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One customer as the window lists it: the store's portfolio row with
 * what the window adds to it (churn risk and its reasons, open triggers,
 * the recent health for the sparkline). Views never edit it. A reload
 * reads every customer afresh and moves what it read into the objects
 * already listed (vigil_customer_update()), so that a list keeps its row
 * widgets and only rebinds them: ::changed says when.
 */

#define G_LOG_DOMAIN "vigil-customer"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vigil-customer.h"

/* Points in a sparkline: recent health, thinned to at most this many. */
#define SPARKLINE_POINTS 28

/* All a customer knows, swapped whole by an update. */
typedef struct
{
  VigilPortfolioRow *row;
  double             churn_risk;
  char             **churn_factors;
  guint              open_triggers;
  double             sparkline[SPARKLINE_POINTS];
  guint              n_sparkline;
  char              *search_key;   /* name and id, case-folded */
  char              *touch_key;    /* its touches' texts, case-folded, or NULL */
  char              *sort_keys[VIGIL_CUSTOMER_N_TEXTS];  /* collation keys, GRefStrings */
} CustomerData;

struct _VigilCustomer
{
  GObject       parent_instance;

  CustomerData  data;
};

G_DEFINE_FINAL_TYPE (VigilCustomer, vigil_customer, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fill_sparkline (VigilCustomer *self,
                GArray        *recent_health)
{
  guint n = recent_health != NULL ? recent_health->len : 0;

  /* Evenly thinned, always keeping the newest point. */
  self->data.n_sparkline = MIN (n, SPARKLINE_POINTS);
  for (guint i = 0; i < self->data.n_sparkline; i++)
    {
      guint from = n - 1 - (guint) ((guint64) (self->data.n_sparkline - 1 - i) * (n - 1) / MAX (self->data.n_sparkline - 1, 1));

      self->data.sparkline[i] = g_array_index (recent_health, VigilHealthPoint, from).health;
    }
}

static void
vigil_customer_finalize (GObject *object)
{
  VigilCustomer *self = (VigilCustomer *) object;

  g_clear_pointer (&self->data.row, vigil_portfolio_row_free);
  g_clear_pointer (&self->data.churn_factors, g_strfreev);
  g_clear_pointer (&self->data.search_key, g_free);
  g_clear_pointer (&self->data.touch_key, g_free);
  for (guint i = 0; i < VIGIL_CUSTOMER_N_TEXTS; i++)
    g_clear_pointer (&self->data.sort_keys[i], g_ref_string_release);

  G_OBJECT_CLASS (vigil_customer_parent_class)->finalize (object);
}

static void
vigil_customer_class_init (VigilCustomerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vigil_customer_finalize;

  /* What the customer knows was replaced by a reload. */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
vigil_customer_init (VigilCustomer *self)
{
  self->data.churn_risk = NAN;
}

/**
 * vigil_customer_new_shared_keys:
 *
 * Returns: (transfer full): where customers read together keep the
 *   collation keys of the texts many of them share (owners, segments,
 *   plans), each made once, for vigil_customer_new()
 */
GHashTable *
vigil_customer_new_shared_keys (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ref_string_release);
}

/* @text's collation key (a GRefString), from @shared when a customer
 * made it already. */
static char *
collation_key (const char *text,
               GHashTable *shared)
{
  g_autofree char *plain = NULL;
  char *key;

  if (text == NULL)
    return NULL;
  if (shared != NULL && (key = g_hash_table_lookup (shared, text)) != NULL)
    return g_ref_string_acquire (key);
  plain = g_utf8_collate_key (text, -1);
  key = g_ref_string_new_len (plain, (gssize) strlen (plain));
  if (shared != NULL)
    g_hash_table_insert (shared, g_strdup (text), g_ref_string_acquire (key));
  return key;
}

/**
 * vigil_customer_new:
 * @row: (transfer full): the customer's portfolio row
 * @churn_factors: (transfer full) (nullable): the top reasons of the risk
 * @recent_health: (nullable): #VigilHealthPoint, oldest first
 * @shared_keys: (nullable): from vigil_customer_new_shared_keys(), for
 *   the customers read with this one (used from one thread at a time)
 */
VigilCustomer *
vigil_customer_new (VigilPortfolioRow  *row,
                    double              churn_risk,
                    char              **churn_factors,
                    guint               open_triggers,
                    GArray             *recent_health,
                    GHashTable         *shared_keys)
{
  VigilCustomer *self;
  const char *texts[VIGIL_CUSTOMER_N_TEXTS];

  g_return_val_if_fail (row != NULL && row->latest != NULL, NULL);

  self = g_object_new (VIGIL_TYPE_CUSTOMER, NULL);
  self->data.row = row;
  self->data.churn_risk = churn_risk;
  self->data.churn_factors = churn_factors != NULL ? churn_factors : g_new0 (char *, 1);
  self->data.open_triggers = open_triggers;
  fill_sparkline (self, recent_health);

  /* design 5: the search of the window and of saved views is one */
  self->data.search_key = vigil_search_key_new (row);

  /* Sorting 10,000 names compares them ~140,000 times: collate once.
   * A book has a few owners, segments and plans: one key each, shared
   * by their customers; names are each a customer's own. */
  texts[VIGIL_CUSTOMER_NAME] = vigil_customer_get_display_name (self);
  texts[VIGIL_CUSTOMER_OWNER] = row->latest->owner;
  texts[VIGIL_CUSTOMER_SEGMENT] = row->latest->segment;
  texts[VIGIL_CUSTOMER_PLAN] = row->latest->plan;
  for (guint i = 0; i < VIGIL_CUSTOMER_N_TEXTS; i++)
    self->data.sort_keys[i] = collation_key (texts[i], i == VIGIL_CUSTOMER_NAME ? NULL : shared_keys);
  return self;
}

/**
 * vigil_customer_get_sort_key:
 *
 * Returns: (nullable): the text's collation key (compare with strcmp()),
 *   %NULL when the text is unknown
 */
const char *
vigil_customer_get_sort_key (VigilCustomer     *self,
                             VigilCustomerText  text)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  g_return_val_if_fail (text < VIGIL_CUSTOMER_N_TEXTS, NULL);

  return self->data.sort_keys[text];
}

const VigilPortfolioRow *
vigil_customer_get_row (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data.row;
}

gint64
vigil_customer_get_store_id (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), 0);
  return self->data.row->customer_id;
}

const char *
vigil_customer_get_id (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data.row->latest->customer_id;
}

/* (nullable): the name the endpoint gave, if any */
const char *
vigil_customer_get_name (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data.row->latest->name;
}

/* The name, else the id: what a list shows. */
const char *
vigil_customer_get_display_name (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data.row->latest->name != NULL ? self->data.row->latest->name : self->data.row->latest->customer_id;
}

const char *
vigil_customer_get_owner (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data.row->latest->owner;
}

const char *
vigil_customer_get_segment (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data.row->latest->segment;
}

const char *
vigil_customer_get_plan (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data.row->latest->plan;
}

/* NAN when no measure is known */
double
vigil_customer_get_health (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->data.row->score.health;
}

VigilTier
vigil_customer_get_tier (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_TIER_NONE);
  return self->data.row->score.tier;
}

/* The change over 7 days, NAN when the history is shorter. */
double
vigil_customer_get_trend (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->data.row->trends[VIGIL_TREND_7D];
}

double
vigil_customer_get_churn_risk (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->data.churn_risk;
}

const char * const *
vigil_customer_get_churn_factors (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return (const char * const *) self->data.churn_factors;
}

double
vigil_customer_get_mrr (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->data.row->latest->mrr;
}

/* design 3.2: churn risk × MRR, NAN when either is unknown */
double
vigil_customer_get_at_stake (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return vigil_churn_at_stake (self->data.churn_risk, self->data.row->latest->mrr);
}

/* design 3.2: whether the customer is in @book (the active book, the
 * churned customers) */
gboolean
vigil_customer_in_book (VigilCustomer *self,
                        VigilBook      book)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), FALSE);
  return vigil_portfolio_row_in_book (self->data.row, book);
}

gint32
vigil_customer_get_renewal_day (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_UNKNOWN_DAY);
  return self->data.row->latest->renewal_day;
}

/* seats used / seats, NAN when unknown */
double
vigil_customer_get_seat_use (VigilCustomer *self)
{
  const VigilSnapshot *latest;

  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);

  latest = self->data.row->latest;
  if (latest->seats == VIGIL_UNKNOWN || latest->seats_used == VIGIL_UNKNOWN || latest->seats <= 0)
    return NAN;
  return (double) latest->seats_used / (double) latest->seats;
}

gint64
vigil_customer_get_last_active (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_UNKNOWN);
  return self->data.row->latest->last_active;
}

/* Returns: when the CSM last touched the customer (design 3.4), or
 * %VIGIL_UNKNOWN when never */
gint64
vigil_customer_get_last_touch (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_UNKNOWN);
  return self->data.row->last_touch;
}

guint
vigil_customer_get_open_triggers (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), 0);
  return self->data.open_triggers;
}

/* The recent health, oldest first, at most a few dozen points. */
const double *
vigil_customer_get_sparkline (VigilCustomer *self,
                              guint         *out_n)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  g_return_val_if_fail (out_n != NULL, NULL);

  *out_n = self->data.n_sparkline;
  return self->data.sparkline;
}

/**
 * vigil_customer_matches:
 * @folded_query: a search, already passed through g_utf8_casefold()
 *
 * Whether the name, the id or the text of one of its touches (design 5)
 * contains @folded_query, ignoring case.
 */
gboolean
vigil_customer_matches (VigilCustomer *self,
                        const char    *folded_query)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), FALSE);

  /* design 5: the search of the window and of saved views is one; the
   * window finds a customer by its touches too (design 3.4) */
  return vigil_search_key_matches (self->data.search_key, folded_query) ||
         (self->data.touch_key != NULL && strstr (self->data.touch_key, folded_query) != NULL);
}

/**
 * vigil_customer_set_touch_texts:
 * @texts: (nullable): the text of the customer's touches (design 3.4)
 *
 * What the search finds the customer by besides its name and id; set
 * when the customer is read, before it is listed.
 */
void
vigil_customer_set_touch_texts (VigilCustomer *self,
                                const char    *texts)
{
  g_return_if_fail (VIGIL_IS_CUSTOMER (self));

  g_free (self->data.touch_key);
  self->data.touch_key = texts != NULL ? vigil_search_fold (texts) : NULL;
}

/**
 * vigil_customer_update:
 * @fresh: the same customer as read again; it gets @self's old data
 *
 * Moves what @fresh knows into @self, which keeps its identity in every
 * list, and says so with ::changed. @fresh is left with the old data,
 * to be dropped with it.
 */
void
vigil_customer_update (VigilCustomer *self,
                       VigilCustomer *fresh)
{
  CustomerData old;

  g_return_if_fail (VIGIL_IS_CUSTOMER (self));
  g_return_if_fail (VIGIL_IS_CUSTOMER (fresh));
  g_return_if_fail (self->data.row->customer_id == fresh->data.row->customer_id);

  old = self->data;
  self->data = fresh->data;
  fresh->data = old;
  g_signal_emit (self, signals[CHANGED], 0);
}
