/* vigil-customer.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One customer as the window lists it: the store's portfolio row with
 * what the window adds to it (churn risk and its reasons, open triggers,
 * the recent health for the sparkline), immutable once made. A reload
 * makes new objects; views never edit them.
 */

#define G_LOG_DOMAIN "vigil-customer"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vigil-customer.h"

/* Points in a sparkline: recent health, thinned to at most this many. */
#define SPARKLINE_POINTS 28

struct _VigilCustomer
{
  GObject            parent_instance;

  VigilPortfolioRow *row;
  double             churn_risk;
  char             **churn_factors;
  guint              open_triggers;
  double             sparkline[SPARKLINE_POINTS];
  guint              n_sparkline;
  char              *search_key;   /* name and id, case-folded */
  char              *sort_keys[VIGIL_CUSTOMER_N_TEXTS];  /* collation keys */
};

G_DEFINE_FINAL_TYPE (VigilCustomer, vigil_customer, G_TYPE_OBJECT)

static void
fill_sparkline (VigilCustomer *self,
                GArray        *recent_health)
{
  guint n = recent_health != NULL ? recent_health->len : 0;

  /* Evenly thinned, always keeping the newest point. */
  self->n_sparkline = MIN (n, SPARKLINE_POINTS);
  for (guint i = 0; i < self->n_sparkline; i++)
    {
      guint from = n - 1 - (guint) ((guint64) (self->n_sparkline - 1 - i) * (n - 1) / MAX (self->n_sparkline - 1, 1));

      self->sparkline[i] = g_array_index (recent_health, VigilHealthPoint, from).health;
    }
}

static void
vigil_customer_finalize (GObject *object)
{
  VigilCustomer *self = (VigilCustomer *) object;

  g_clear_pointer (&self->row, vigil_portfolio_row_free);
  g_clear_pointer (&self->churn_factors, g_strfreev);
  g_clear_pointer (&self->search_key, g_free);
  for (guint i = 0; i < VIGIL_CUSTOMER_N_TEXTS; i++)
    g_clear_pointer (&self->sort_keys[i], g_free);

  G_OBJECT_CLASS (vigil_customer_parent_class)->finalize (object);
}

static void
vigil_customer_class_init (VigilCustomerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vigil_customer_finalize;
}

static void
vigil_customer_init (VigilCustomer *self)
{
  self->churn_risk = NAN;
}

/**
 * vigil_customer_new:
 * @row: (transfer full): the customer's portfolio row
 * @churn_factors: (transfer full) (nullable): the top reasons of the risk
 * @recent_health: (nullable): #VigilHealthPoint, oldest first
 */
VigilCustomer *
vigil_customer_new (VigilPortfolioRow  *row,
                    double              churn_risk,
                    char              **churn_factors,
                    guint               open_triggers,
                    GArray             *recent_health)
{
  VigilCustomer *self;
  g_autofree char *key = NULL;
  const char *texts[VIGIL_CUSTOMER_N_TEXTS];

  g_return_val_if_fail (row != NULL && row->latest != NULL, NULL);

  self = g_object_new (VIGIL_TYPE_CUSTOMER, NULL);
  self->row = row;
  self->churn_risk = churn_risk;
  self->churn_factors = churn_factors != NULL ? churn_factors : g_new0 (char *, 1);
  self->open_triggers = open_triggers;
  fill_sparkline (self, recent_health);

  key = g_strconcat (row->latest->name != NULL ? row->latest->name : "", "\n",
                     row->latest->customer_id, NULL);
  self->search_key = g_utf8_casefold (key, -1);

  /* Sorting 10,000 names compares them ~140,000 times: collate once. */
  texts[VIGIL_CUSTOMER_NAME] = vigil_customer_get_display_name (self);
  texts[VIGIL_CUSTOMER_OWNER] = row->latest->owner;
  texts[VIGIL_CUSTOMER_SEGMENT] = row->latest->segment;
  texts[VIGIL_CUSTOMER_PLAN] = row->latest->plan;
  for (guint i = 0; i < VIGIL_CUSTOMER_N_TEXTS; i++)
    self->sort_keys[i] = texts[i] != NULL ? g_utf8_collate_key (texts[i], -1) : NULL;
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

  return self->sort_keys[text];
}

const VigilPortfolioRow *
vigil_customer_get_row (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->row;
}

gint64
vigil_customer_get_store_id (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), 0);
  return self->row->customer_id;
}

const char *
vigil_customer_get_id (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->row->latest->customer_id;
}

/* (nullable): the name the endpoint gave, if any */
const char *
vigil_customer_get_name (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->row->latest->name;
}

/* The name, else the id: what a list shows. */
const char *
vigil_customer_get_display_name (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->row->latest->name != NULL ? self->row->latest->name : self->row->latest->customer_id;
}

const char *
vigil_customer_get_owner (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->row->latest->owner;
}

const char *
vigil_customer_get_segment (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->row->latest->segment;
}

const char *
vigil_customer_get_plan (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->row->latest->plan;
}

/* NAN when no measure is known */
double
vigil_customer_get_health (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->row->score.health;
}

VigilTier
vigil_customer_get_tier (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_TIER_NONE);
  return self->row->score.tier;
}

/* The change over 7 days, NAN when the history is shorter. */
double
vigil_customer_get_trend (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->row->trends[VIGIL_TREND_7D];
}

double
vigil_customer_get_churn_risk (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->churn_risk;
}

const char * const *
vigil_customer_get_churn_factors (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return (const char * const *) self->churn_factors;
}

double
vigil_customer_get_mrr (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->row->latest->mrr;
}

gint32
vigil_customer_get_renewal_day (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_UNKNOWN_DAY);
  return self->row->latest->renewal_day;
}

/* seats used / seats, NAN when unknown */
double
vigil_customer_get_seat_use (VigilCustomer *self)
{
  const VigilSnapshot *latest;

  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);

  latest = self->row->latest;
  if (latest->seats == VIGIL_UNKNOWN || latest->seats_used == VIGIL_UNKNOWN || latest->seats <= 0)
    return NAN;
  return (double) latest->seats_used / (double) latest->seats;
}

gint64
vigil_customer_get_last_active (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_UNKNOWN);
  return self->row->latest->last_active;
}

guint
vigil_customer_get_open_triggers (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), 0);
  return self->open_triggers;
}

/* The recent health, oldest first, at most a few dozen points. */
const double *
vigil_customer_get_sparkline (VigilCustomer *self,
                              guint         *out_n)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  g_return_val_if_fail (out_n != NULL, NULL);

  *out_n = self->n_sparkline;
  return self->sparkline;
}

/**
 * vigil_customer_matches:
 * @folded_query: a search, already passed through g_utf8_casefold()
 *
 * Whether the name or the id contains @folded_query, ignoring case.
 */
gboolean
vigil_customer_matches (VigilCustomer *self,
                        const char    *folded_query)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), FALSE);

  return folded_query == NULL || *folded_query == '\0' || strstr (self->search_key, folded_query) != NULL;
}
