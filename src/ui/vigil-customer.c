/* vigil-customer.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One customer as the window lists it: the store's portfolio row with
 * what the window adds to it (churn risk and its reasons, open triggers,
 * the recent health for the sparkline). Views never edit it. A reload
 * reads every customer afresh, off the main thread, as plain data
 * (VigilCustomerData), and moves it into the objects already listed
 * (vigil_customer_take_data()), so that a list keeps its row widgets and
 * only rebinds them: ::changed says when.
 */

#define G_LOG_DOMAIN "vigil-customer"

#include "config.h"

#include <math.h>
#include <string.h>

#include "vigil-customer.h"

/* All a customer knows, made whole on the thread that reads the book
 * and swapped whole by an update (vigil_customer_take_data()). */
struct _VigilCustomerData
{
  VigilPortfolioRow *row;
  double             churn_risk;
  VigilChurnModel   *churn_model;   /* for the risk's reasons */
  char             **churn_factors; /* NULL until first asked for */
  guint              open_triggers;
  double             sparkline[VIGIL_SPARKLINE_POINTS];
  guint              n_sparkline;
  char              *search_key;   /* name and id, case-folded */
  char              *touch_key;    /* its touches' texts, case-folded, or NULL */
  char              *sort_keys[VIGIL_CUSTOMER_N_TEXTS];  /* collation keys, GRefStrings */
};

struct _VigilCustomer
{
  GObject            parent_instance;

  VigilCustomerData *data;
};

G_DEFINE_FINAL_TYPE (VigilCustomer, vigil_customer, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The name, else the id: what a list shows. */
static const char *
display_name_of (const VigilPortfolioRow *row)
{
  return row->latest->name != NULL ? row->latest->name : row->latest->customer_id;
}

void
vigil_customer_data_free (VigilCustomerData *data)
{
  if (data == NULL)
    return;
  vigil_portfolio_row_free (data->row);
  g_clear_object (&data->churn_model);
  g_strfreev (data->churn_factors);
  g_free (data->search_key);
  g_free (data->touch_key);
  for (guint i = 0; i < VIGIL_CUSTOMER_N_TEXTS; i++)
    g_clear_pointer (&data->sort_keys[i], g_ref_string_release);
  g_free (data);
}

static void
vigil_customer_finalize (GObject *object)
{
  VigilCustomer *self = (VigilCustomer *) object;

  g_clear_pointer (&self->data, vigil_customer_data_free);

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

/* @sparkline's points into @data; none when it is NULL. */
static void
copy_sparkline (VigilCustomerData    *data,
                const VigilSparkline *sparkline)
{
  data->n_sparkline = sparkline != NULL ? MIN (sparkline->n_points, VIGIL_SPARKLINE_POINTS) : 0;
  if (data->n_sparkline > 0)
    memcpy (data->sparkline, sparkline->health, data->n_sparkline * sizeof (double));
}

/**
 * vigil_customer_data_new:
 * @row: (transfer full): the customer's portfolio row
 * @churn_model: (nullable): the model the risk is of, which gives its
 *   reasons when a view asks for them
 * @sparkline: (nullable): the customer's recent health
 *   (vigil_store_list_sparklines()), %NULL when none is known
 * @touch_texts: (nullable): the text of the customer's touches (design
 *   3.4), what the search finds it by besides its name and id
 * @shared_keys: (nullable): from vigil_customer_new_shared_keys(), for
 *   the customers read with this one (used from one thread at a time)
 *
 * All a customer knows, made off the main thread with the book it was
 * read with: a new customer takes it (vigil_customer_new()), one
 * already listed swaps it in (vigil_customer_take_data()).
 */
VigilCustomerData *
vigil_customer_data_new (VigilPortfolioRow               *row,
                         double                           churn_risk,
                         VigilChurnModel                 *churn_model,
                         guint                            open_triggers,
                         const VigilSparkline            *sparkline,
                         const char                      *touch_texts,
                         GHashTable                      *shared_keys)
{
  VigilCustomerData *data;
  const char *texts[VIGIL_CUSTOMER_N_TEXTS];

  g_return_val_if_fail (row != NULL && row->latest != NULL, NULL);

  data = g_new0 (VigilCustomerData, 1);
  data->row = row;
  data->churn_risk = churn_risk;
  data->churn_model = churn_model != NULL ? g_object_ref (churn_model) : NULL;
  data->open_triggers = open_triggers;
  copy_sparkline (data, sparkline);

  /* design 5: the search of the window and of saved views is one; the
   * window finds a customer by its touches too (design 3.4) */
  data->search_key = vigil_search_key_new (row);
  data->touch_key = touch_texts != NULL ? vigil_search_fold (touch_texts) : NULL;

  /* Sorting 10,000 names compares them ~140,000 times: collate once.
   * A book has a few owners, segments and plans: one key each, shared
   * by their customers; names are each a customer's own. */
  texts[VIGIL_CUSTOMER_NAME] = display_name_of (row);
  texts[VIGIL_CUSTOMER_OWNER] = row->latest->owner;
  texts[VIGIL_CUSTOMER_SEGMENT] = row->latest->segment;
  texts[VIGIL_CUSTOMER_PLAN] = row->latest->plan;
  for (guint i = 0; i < VIGIL_CUSTOMER_N_TEXTS; i++)
    data->sort_keys[i] = collation_key (texts[i], i == VIGIL_CUSTOMER_NAME ? NULL : shared_keys);
  return data;
}

/* The customer's store id, to find whose @data is. */
gint64
vigil_customer_data_get_store_id (const VigilCustomerData *data)
{
  g_return_val_if_fail (data != NULL, 0);
  return data->row->customer_id;
}

/**
 * vigil_customer_new:
 * @data: (transfer full): what the customer knows
 */
VigilCustomer *
vigil_customer_new (VigilCustomerData *data)
{
  VigilCustomer *self;

  g_return_val_if_fail (data != NULL, NULL);

  self = g_object_new (VIGIL_TYPE_CUSTOMER, NULL);
  self->data = data;
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

  return self->data->sort_keys[text];
}

const VigilPortfolioRow *
vigil_customer_get_row (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data->row;
}

gint64
vigil_customer_get_store_id (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), 0);
  return self->data->row->customer_id;
}

const char *
vigil_customer_get_id (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data->row->latest->customer_id;
}

/* (nullable): the name the endpoint gave, if any */
const char *
vigil_customer_get_name (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data->row->latest->name;
}

/* The name, else the id: what a list shows. */
const char *
vigil_customer_get_display_name (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return display_name_of (self->data->row);
}

const char *
vigil_customer_get_owner (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data->row->latest->owner;
}

const char *
vigil_customer_get_segment (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data->row->latest->segment;
}

const char *
vigil_customer_get_plan (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  return self->data->row->latest->plan;
}

/* NAN when no measure is known */
double
vigil_customer_get_health (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->data->row->score.health;
}

VigilTier
vigil_customer_get_tier (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_TIER_NONE);
  return self->data->row->score.tier;
}

/* The change over 7 days, NAN when the history is shorter. */
double
vigil_customer_get_trend (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->data->row->trends[VIGIL_TREND_7D];
}

double
vigil_customer_get_churn_risk (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->data->churn_risk;
}

/* design 7: the reasons of the risk are put in words when a view first
 * asks (a tooltip, the customer page), from the model and the row the
 * risk was worked out from: the same words, but not for every customer
 * of a book at each load. On the main thread, as every getter. */
const char * const *
vigil_customer_get_churn_factors (VigilCustomer *self)
{
  VigilCustomerData *data;

  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);

  data = self->data;
  if (data->churn_factors == NULL && data->churn_model != NULL)
    data->churn_factors = vigil_churn_risk_describe (data->churn_model, data->row);
  if (data->churn_factors == NULL)
    data->churn_factors = g_new0 (char *, 1);
  return (const char * const *) data->churn_factors;
}

double
vigil_customer_get_mrr (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return self->data->row->latest->mrr;
}

/* design 3.2: churn risk × MRR, NAN when either is unknown */
double
vigil_customer_get_at_stake (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);
  return vigil_churn_at_stake (self->data->churn_risk, self->data->row->latest->mrr);
}

/* design 3.2: whether the customer is in @book (the active book, the
 * churned customers) */
gboolean
vigil_customer_in_book (VigilCustomer *self,
                        VigilBook      book)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), FALSE);
  return vigil_portfolio_row_in_book (self->data->row, book);
}

gint32
vigil_customer_get_renewal_day (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_UNKNOWN_DAY);
  return self->data->row->latest->renewal_day;
}

/* seats used / seats, NAN when unknown */
double
vigil_customer_get_seat_use (VigilCustomer *self)
{
  const VigilSnapshot *latest;

  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NAN);

  latest = self->data->row->latest;
  if (latest->seats == VIGIL_UNKNOWN || latest->seats_used == VIGIL_UNKNOWN || latest->seats <= 0)
    return NAN;
  return (double) latest->seats_used / (double) latest->seats;
}

gint64
vigil_customer_get_last_active (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_UNKNOWN);
  return self->data->row->latest->last_active;
}

/* Returns: when the CSM last touched the customer (design 3.4), or
 * %VIGIL_UNKNOWN when never */
gint64
vigil_customer_get_last_touch (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), VIGIL_UNKNOWN);
  return self->data->row->last_touch;
}

guint
vigil_customer_get_open_triggers (VigilCustomer *self)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), 0);
  return self->data->open_triggers;
}

/**
 * vigil_customer_set_open_triggers:
 * @open_triggers: how many open triggers the customer has now
 *
 * Sets the count of open triggers alone, when the triggers were read
 * again without the book (design 5); ::changed follows a change.
 *
 * Returns: whether the count changed
 */
gboolean
vigil_customer_set_open_triggers (VigilCustomer *self,
                                  guint          open_triggers)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), FALSE);

  if (self->data->open_triggers == open_triggers)
    return FALSE;
  self->data->open_triggers = open_triggers;
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/* The recent health, oldest first, at most a few dozen points. */
const double *
vigil_customer_get_sparkline (VigilCustomer *self,
                              guint         *out_n)
{
  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  g_return_val_if_fail (out_n != NULL, NULL);

  *out_n = self->data->n_sparkline;
  return self->data->sparkline;
}

/**
 * vigil_customer_set_sparkline:
 * @sparkline: (nullable): the customer's recent health, %NULL when none
 *   is known
 *
 * Sets the sparkline alone, when the recent health was read after the
 * book (design 7: a big book's first read); ::changed follows a change.
 */
void
vigil_customer_set_sparkline (VigilCustomer        *self,
                              const VigilSparkline *sparkline)
{
  guint n;

  g_return_if_fail (VIGIL_IS_CUSTOMER (self));

  n = sparkline != NULL ? MIN (sparkline->n_points, VIGIL_SPARKLINE_POINTS) : 0;
  if (n == self->data->n_sparkline &&
      (n == 0 || memcmp (self->data->sparkline, sparkline->health, n * sizeof (double)) == 0))
    return;
  copy_sparkline (self->data, sparkline);
  g_signal_emit (self, signals[CHANGED], 0);
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
  return vigil_search_key_matches (self->data->search_key, folded_query) ||
         (self->data->touch_key != NULL && strstr (self->data->touch_key, folded_query) != NULL);
}

/**
 * vigil_customer_take_data:
 * @data: (transfer full): the same customer as read again
 *
 * Moves what a reload read into @self, which keeps its identity in every
 * list, and says so with ::changed.
 *
 * Returns: (transfer full): what @self knew before, to be freed
 *   (vigil_customer_data_free(), on any thread: no view holds it once
 *   ::changed was emitted)
 */
VigilCustomerData *
vigil_customer_take_data (VigilCustomer     *self,
                          VigilCustomerData *data)
{
  VigilCustomerData *old;

  g_return_val_if_fail (VIGIL_IS_CUSTOMER (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (self->data->row->customer_id == data->row->customer_id, NULL);

  old = self->data;
  self->data = data;
  g_signal_emit (self, signals[CHANGED], 0);
  return old;
}
