/* vigil-portfolio.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's data, owned in one place: the customers (a GListStore the
 * table, the overview and the customer page all read), the open
 * triggers, the sources and the scorecard. Reading happens on worker
 * threads, each with its own store connection, and a reload lands in one
 * items-changed. Polling runs on the main loop (libsoup is asynchronous;
 * the ingest writes on its own thread) with a connection of its own.
 */

#define G_LOG_DOMAIN "vigil-portfolio"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "vigil-portfolio.h"

/* Sparklines show this much recent history. */
#define SPARKLINE_SPAN_S (28 * 86400)
/* design 7: the first read of a book of this many customers or more
 * lists them before their sparklines, which a read of their own fills
 * in after: the first frame waits for the rows alone. */
#define MIN_CUSTOMERS_SPARKLINES_AFTER 20000
/* The portfolio trend covers a year, a point a day. */
#define TREND_SPAN_S (365 * 86400)
#define SCHEDULER_CHECK_S 60
/* A read that failed is tried again after 2 s, then twice as long each
 * time up to a minute. */
#define RETRY_FIRST_S 2
#define RETRY_MOST_S 60

/* The texts whose different values the filters and the columns' widths
 * ask for after each reload: read with the book, off the main thread. */
enum {
  BOOK_OWNERS,
  BOOK_SEGMENTS,
  BOOK_PLANS,
  N_BOOK_TEXTS
};

struct _VigilPortfolio
{
  GObject          parent_instance;

  char            *db_path;
  VigilStorePool  *work_stores;     /* the stores works and reads run on, off the main thread */
  VigilStorePool  *read_stores;     /* those of the reads beside a read's rows */
  GListStore      *customers;
  GHashTable      *by_id;           /* store id → VigilCustomer (borrowed) */
  GPtrArray       *triggers;        /* of VigilTriggerRow */
  GPtrArray       *sources;         /* of VigilSource */
  VigilScorecard  *scorecard;
  GArray          *average_health;  /* of VigilHealthPoint */
  GPtrArray       *book_texts[N_BOOK_TEXTS];  /* the owners, segments and plans */
  gint64           latest_time;
  GHashTable      *seen_triggers;   /* trigger ids already announced */
  GCancellable    *cancellable;
  guint            loading;
  VigilBookChanges read_again;      /* what changed while a read was under way */
  gboolean         whole_book_due;  /* a read of the whole book failed: the next reads it all */
  guint            retry_id;        /* a failed read is tried again … */
  guint            retry_wait_s;    /* … after this long; 0 when the last read landed */
  gboolean         loaded;
  guint            loads_applied;   /* whole-book reads put in place */
  guint            sparklines_after; /* MIN_CUSTOMERS_SPARKLINES_AFTER, or the tests' */
  guint            sparkline_reads; /* under way */
  guint            finish_load_id;
  guint            relist_id;       /* the lists follow a reload that kept the customers */
  GPtrArray       *retired;         /* of LoadResult: what reloads replaced, to free */
  guint            retire_id;

  /* The year's trend is read for a view that shows it, not after every
   * reload: reading it takes a core for half a second on a big book. */
  guint            trend_wanted;    /* views showing it now */
  gboolean         trend_stale;     /* a reload came since it was read */
  gboolean         trend_reading;

  /* design 5: a team's book is read again when someone else commits */
  VigilBookWatch  *watch;

  VigilStore      *poll_store;
  VigilPoller     *poller;
  VigilScheduler  *scheduler;
  guint            polls_in_flight;
};

G_DEFINE_FINAL_TYPE (VigilPortfolio, vigil_portfolio, G_TYPE_OBJECT)

enum {
  LOADED,
  LOAD_FAILED,
  TREND_LOADED,
  NEW_TRIGGERS,
  POLL_STARTED,
  POLL_FINISHED,
  SOURCE_SUSPECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What one reload reads: the whole book, or (customers NULL) the parts
 * another process changed (read_parts_work()). */
typedef struct
{
  GPtrArray      *customers;      /* of VigilCustomerData; after the reload, what it replaced */
  GPtrArray      *triggers;
  GPtrArray      *sources;
  VigilScorecard *scorecard;
  GPtrArray      *book_texts[N_BOOK_TEXTS];
  gint64          latest_time;
  gboolean        sparklines_after; /* the customers came without their sparklines */
} LoadResult;

static void
load_result_free (LoadResult *result)
{
  for (guint i = 0; i < N_BOOK_TEXTS; i++)
    g_clear_pointer (&result->book_texts[i], g_ptr_array_unref);
  g_clear_pointer (&result->customers, g_ptr_array_unref);
  g_clear_pointer (&result->triggers, g_ptr_array_unref);
  g_clear_pointer (&result->sources, g_ptr_array_unref);
  g_clear_object (&result->scorecard);
  g_free (result);
}

typedef struct
{
  VigilStorePool     *stores;  /* the work's store comes from there */
  VigilPortfolioWork  work;
  gpointer            data;
  GDestroyNotify      data_free;
  GDestroyNotify      result_free;
} WorkData;

static void
work_data_free (WorkData *work)
{
  g_clear_object (&work->stores);
  if (work->data_free != NULL && work->data != NULL)
    work->data_free (work->data);
  g_free (work);
}

static void
run_work_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  WorkData *work = task_data;
  VigilStore *store;
  g_autoptr(GError) error = NULL;
  gpointer result;

  if (!(store = vigil_store_pool_take (work->stores, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  result = work->work (store, work->data, &error);
  vigil_store_pool_give_back (work->stores, store, error == NULL);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, work->result_free);
}

/* Counts each customer's open triggers. */
static GHashTable *
count_triggers (GPtrArray *triggers)
{
  GHashTable *counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < triggers->len; i++)
    {
      VigilTriggerRow *trigger = g_ptr_array_index (triggers, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, &trigger->customer_id));

      g_hash_table_insert (counts, g_memdup2 (&trigger->customer_id, sizeof (gint64)),
                           GUINT_TO_POINTER (n + 1));
    }
  return counts;
}

/* The customers' sparklines, walked beside the book's rows: both are
 * in customer id order. */
typedef struct
{
  GArray *sparklines;  /* of VigilSparkline */
  guint   next;
} RecentHealth;

/* Moves @recent on past @customer_id; returns its sparkline, or NULL
 * when it has no recent health. */
static const VigilSparkline *
recent_health_of (RecentHealth *recent,
                  gint64        customer_id)
{
  const VigilSparkline *sparklines = (const VigilSparkline *) recent->sparklines->data;

  while (recent->next < recent->sparklines->len && sparklines[recent->next].customer_id < customer_id)
    recent->next++;
  if (recent->next < recent->sparklines->len && sparklines[recent->next].customer_id == customer_id)
    return &sparklines[recent->next++];
  return NULL;
}

/* Moves @recent on to the sparkline of @customer_id or after, by
 * halving: a part of the book starts far into them. */
static void
recent_health_seek (RecentHealth *recent,
                    gint64        customer_id)
{
  const VigilSparkline *sparklines = (const VigilSparkline *) recent->sparklines->data;
  guint low = recent->next, high = recent->sparklines->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (sparklines[middle].customer_id < customer_id)
        low = middle + 1;
      else
        high = middle;
    }
  recent->next = low;
}

static VigilCustomerData *
make_customer_data (VigilPortfolioRow *row,
                    VigilChurnModel   *churn,
                    GHashTable        *trigger_counts,
                    RecentHealth      *recent,
                    GHashTable        *touch_texts,
                    GHashTable        *shared_keys)
{
  double risk = vigil_churn_risk_of (churn, row, NULL);
  gint64 id = row->customer_id;

  return vigil_customer_data_new (row, risk, churn,
                                  GPOINTER_TO_UINT (g_hash_table_lookup (trigger_counts, &id)),
                                  recent_health_of (recent, id), g_hash_table_lookup (touch_texts, &id),
                                  shared_keys);
}

static int
compare_collated (gconstpointer a,
                  gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

/* The different known values of one text of the rows, in the user's
 * collation order (vigil_portfolio_list_texts()). */
static GPtrArray *
list_row_texts (GPtrArray *rows,
                gsize      offset)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < rows->len; i++)
    {
      const VigilSnapshot *latest = ((VigilPortfolioRow *) rows->pdata[i])->latest;
      char *value = G_STRUCT_MEMBER (char *, latest, offset);

      if (value != NULL && g_hash_table_add (seen, value))
        g_ptr_array_add (values, g_strdup (value));
    }
  g_ptr_array_sort (values, compare_collated);
  return values;
}

/* What a load reads beside the book's rows, on a connection and a
 * thread of its own (design 7): on a big book the recent health alone
 * takes most of the time the rows do, and the rows' parts leave a core
 * idle before and after them. */
typedef struct
{
  VigilStorePool  *stores;    /* the read's store comes from there */
  VigilScorecard  *scorecard;
  GPtrArray       *triggers;
  GPtrArray       *sources;
  GHashTable      *touch_texts;
  VigilChurnModel *churn;
  gboolean         without_recent;  /* the sparklines are read after the book */
  GArray          *recent;    /* of VigilSparkline */
  GError          *error;
} SideReads;

static void
side_reads_clear (SideReads *side)
{
  g_clear_object (&side->scorecard);
  g_clear_pointer (&side->triggers, g_ptr_array_unref);
  g_clear_pointer (&side->sources, g_ptr_array_unref);
  g_clear_pointer (&side->touch_texts, g_hash_table_unref);
  g_clear_object (&side->churn);
  g_clear_pointer (&side->recent, g_array_unref);
  g_clear_error (&side->error);
}

/* Every customer's sparkline, in customer id order: the sparklines'
 * span counts back from the book's latest observation. An empty book
 * has none: every sparkline is empty, and the span must not reach below
 * the first representable second. */
static GArray *
read_sparklines (VigilStore  *store,
                 GError     **error)
{
  gint64 latest_time;

  if (!vigil_store_get_latest_time (store, &latest_time, error))
    return NULL;
  return vigil_store_list_sparklines (store, latest_time != G_MININT64 ? latest_time - SPARKLINE_SPAN_S : G_MAXINT64,
                                      error);
}

static gpointer
read_beside_rows (gpointer data)
{
  SideReads *side = data;
  VigilStore *store;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean read;

  if (!(store = vigil_store_pool_take (side->stores, &side->error)))
    return NULL;
  /* The recent health first, the longest (unless read after). */
  read = (side->recent = side->without_recent ? g_array_new (FALSE, FALSE, sizeof (VigilSparkline))
                                              : read_sparklines (store, &side->error)) &&
         (side->scorecard = vigil_store_load_scorecard (store, &side->error)) &&
         (side->triggers = vigil_store_list_triggers (store, now, &side->error)) &&
         (side->sources = vigil_store_list_sources (store, &side->error)) &&
         /* the search finds customers by what their touches say (design 5) */
         (side->touch_texts = vigil_store_list_touch_texts (store, &side->error)) &&
         (side->churn = vigil_churn_trainer_load_model (store, NULL, &side->error));
  vigil_store_pool_give_back (side->stores, store, read);
  return NULL;
}

/* The customers @start to @end of a book's rows, made in a part of their
 * own: on a big book, one a core. */
typedef struct
{
  GPtrArray       *rows;      /* the rows of the part are taken */
  guint            start;
  guint            end;
  VigilChurnModel *churn;
  GHashTable      *trigger_counts;
  GHashTable      *touch_texts;
  GArray          *recent;
  GPtrArray       *customers; /* of VigilCustomerData, the part's filled in */
} CustomersPart;

/* Fewer customers than this are made in one part. */
#define MIN_CUSTOMERS_IN_PARTS 2000

static gpointer
make_customers_part (gpointer data)
{
  CustomersPart *part = data;
  g_autoptr(GHashTable) shared_keys = vigil_customer_new_shared_keys ();
  RecentHealth recent = { part->recent, 0 };

  if (part->start < part->end)
    recent_health_seek (&recent, ((VigilPortfolioRow *) part->rows->pdata[part->start])->customer_id);
  for (guint i = part->start; i < part->end; i++)
    part->customers->pdata[i] = make_customer_data (g_steal_pointer (&part->rows->pdata[i]), part->churn,
                                                    part->trigger_counts, &recent, part->touch_texts,
                                                    shared_keys);
  return NULL;
}

/* design 7: every customer's data is made off the main thread, in two
 * parts on two cores when there are; the main thread only moves it into
 * the customers listed (merge_customers()). */
static GPtrArray *
make_customers (GPtrArray       *rows,
                VigilChurnModel *churn,
                GHashTable      *trigger_counts,
                GHashTable      *touch_texts,
                GArray          *recent)
{
  GPtrArray *customers = g_ptr_array_new_full (rows->len, (GDestroyNotify) vigil_customer_data_free);
  guint n = g_get_num_processors () > 1 && rows->len >= MIN_CUSTOMERS_IN_PARTS ? 2 : 1;
  CustomersPart parts[2];
  GThread *second = NULL;

  g_ptr_array_set_size (customers, rows->len);
  for (guint p = 0; p < n; p++)
    parts[p] = (CustomersPart) { rows, rows->len * p / n, rows->len * (p + 1) / n, churn, trigger_counts,
                                 touch_texts, recent, customers };
  if (n > 1)
    second = g_thread_new ("vigil-customers", make_customers_part, &parts[1]);
  make_customers_part (&parts[0]);
  if (second != NULL)
    g_thread_join (second);
  return customers;
}

/* Whether a first read, asked to list the customers before their
 * sparklines from @min_customers on (0: never), does so for @store's
 * book: a big book's sparklines took a core for most of the time the
 * rows did (100,000 × 90: 0.8 s of CPU), which two cores shared. */
static gboolean
sparklines_after_rows (VigilStore *store,
                       guint       min_customers)
{
  gint64 customers;

  if (min_customers == 0)
    return FALSE;
  customers = vigil_store_count_customers (store, NULL);
  return customers >= (gint64) min_customers;
}

/* What a read of the whole book is asked for. */
typedef struct
{
  guint           sparklines_after;  /* the fewest customers whose sparklines are read after the rows (0: beside) */
  VigilStorePool *beside;            /* the stores of the reads beside the rows */
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_clear_object (&request->beside);
  g_free (request);
}

/* @data: a LoadRequest */
static gpointer
load_work (VigilStore  *store,
           gpointer     data,
           GError     **error)
{
  const LoadRequest *request = data;
  LoadResult *result = g_new0 (LoadResult, 1);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) trigger_counts = NULL;
  SideReads side = { request->beside, };
  GThread *beside;
  gint64 started = g_get_monotonic_time ();

  side.without_recent = result->sparklines_after = sparklines_after_rows (store, request->sparklines_after);
  beside = g_thread_new ("vigil-load", read_beside_rows, &side);
  /* Churned customers too: the table's Churned view lists them and
   * their pages still open (design 5); the views leave them out of the
   * active book's figures. The window shows and ranks by what the
   * scores and the churn risk read; the columns only the triggers'
   * rules read would cost four index seeks a customer. */
  rows = vigil_store_list_book_scores (store, VIGIL_BOOK_ALL, NULL, VIGIL_TIER_NONE, error);
  g_thread_join (beside);
  if (rows == NULL || side.error != NULL)
    {
      if (rows != NULL)
        g_propagate_error (error, g_steal_pointer (&side.error));
      side_reads_clear (&side);
      load_result_free (result);
      return NULL;
    }
  result->scorecard = g_steal_pointer (&side.scorecard);
  result->triggers = g_steal_pointer (&side.triggers);
  result->sources = g_steal_pointer (&side.sources);

  result->latest_time = G_MININT64;
  for (guint i = 0; i < rows->len; i++)
    result->latest_time = MAX (result->latest_time,
                               ((VigilPortfolioRow *) rows->pdata[i])->latest->observed_at);

  result->book_texts[BOOK_OWNERS] = list_row_texts (rows, G_STRUCT_OFFSET (VigilSnapshot, owner));
  result->book_texts[BOOK_SEGMENTS] = list_row_texts (rows, G_STRUCT_OFFSET (VigilSnapshot, segment));
  result->book_texts[BOOK_PLANS] = list_row_texts (rows, G_STRUCT_OFFSET (VigilSnapshot, plan));
  trigger_counts = count_triggers (result->triggers);
  result->customers = make_customers (rows, side.churn, trigger_counts, side.touch_texts, side.recent);
  side_reads_clear (&side);
  g_debug ("Read %u customers in %.0f ms", result->customers->len, (g_get_monotonic_time () - started) / 1e3);
  return result;
}

/* design 5: what a read of part of the book reads, the parts other
 * processes' commits changed when the customers were not among them (a
 * poll's last commits: its triggers, how it went). */
static gpointer
read_parts_work (VigilStore  *store,
                 gpointer     data,
                 GError     **error)
{
  VigilBookChanges changes = GPOINTER_TO_UINT (data);
  LoadResult *result = g_new0 (LoadResult, 1);
  gint64 started = g_get_monotonic_time ();

  g_assert (!(changes & VIGIL_BOOK_CHANGED_OTHER));
  if (((changes & VIGIL_BOOK_CHANGED_TRIGGERS) &&
       !(result->triggers = vigil_store_list_triggers (store, g_get_real_time () / G_USEC_PER_SEC, error))) ||
      ((changes & VIGIL_BOOK_CHANGED_SOURCES) && !(result->sources = vigil_store_list_sources (store, error))))
    {
      load_result_free (result);
      return NULL;
    }
  g_debug ("Read the book's %s%s%s in %.0f ms", result->triggers != NULL ? "triggers" : "",
           result->triggers != NULL && result->sources != NULL ? " and " : "",
           result->sources != NULL ? "sources" : "", (g_get_monotonic_time () - started) / 1e3);
  return result;
}

static gpointer
trend_work (VigilStore  *store,
            gpointer     data,
            GError     **error)
{
  gint64 latest_time = *(gint64 *) data;

  return vigil_store_list_average_health (store, latest_time - TREND_SPAN_S, 86400, NULL, error);
}

static void read_trend (VigilPortfolio *self);

static void
trend_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  VigilPortfolio *self = VIGIL_PORTFOLIO (object);
  g_autoptr(GError) error = NULL;
  GArray *average = vigil_portfolio_run_finish (self, result, &error);

  self->trend_reading = FALSE;
  if (average == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the portfolio trend: %s", error->message);
      return;
    }
  g_clear_pointer (&self->average_health, g_array_unref);
  self->average_health = average;
  g_signal_emit (self, signals[TREND_LOADED], 0);
  /* A reload that landed meanwhile. */
  read_trend (self);
}

/* Reads the trend if it is stale and a view shows it. */
static void
read_trend (VigilPortfolio *self)
{
  if (!self->trend_stale || self->trend_wanted == 0 || self->trend_reading || !self->loaded)
    return;
  self->trend_stale = FALSE;
  self->trend_reading = TRUE;
  vigil_portfolio_run_async_full (self, trend_work, g_memdup2 (&self->latest_time, sizeof (gint64)), g_free,
                                  (GDestroyNotify) g_array_unref, self->cancellable, trend_cb, NULL);
}

/* Announces the triggers not seen before, all at once, except on the
 * first load: what was open when Vigil started is no news. */
static void
announce_new_triggers (VigilPortfolio *self,
                       gboolean        first_load)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();

  for (guint i = 0; i < self->triggers->len; i++)
    {
      VigilTriggerRow *trigger = g_ptr_array_index (self->triggers, i);

      if (g_hash_table_contains (self->seen_triggers, &trigger->id))
        continue;
      g_hash_table_add (self->seen_triggers, g_memdup2 (&trigger->id, sizeof (gint64)));
      if (!first_load && g_strcmp0 (trigger->state, "new") == 0)
        g_ptr_array_add (fresh, trigger);
    }
  if (fresh->len > 0)
    g_signal_emit (self, signals[NEW_TRIGGERS], 0, fresh);
}

/* Customers already listed are updated in place, so that the lists keep
 * their row widgets (a list rebinds the rows of items it still holds, but
 * builds new rows for new items, which for a whole book stalls the main
 * loop). @fresh's data moves into the customers; what they knew before
 * takes its place, to be freed off the main thread. When the reload
 * brought exactly the customers listed (a poll), the index by id stays. */
static GPtrArray *
merge_customers (VigilPortfolio *self,
                 GPtrArray      *fresh)
{
  GPtrArray *listed = g_ptr_array_new_full (fresh->len, g_object_unref);
  guint kept = 0;

  for (guint i = 0; i < fresh->len; i++)
    {
      gint64 id = vigil_customer_data_get_store_id (fresh->pdata[i]);
      VigilCustomer *customer = g_hash_table_lookup (self->by_id, &id);

      if (customer != NULL)
        {
          fresh->pdata[i] = vigil_customer_take_data (customer, fresh->pdata[i]);
          g_ptr_array_add (listed, g_object_ref (customer));
          kept++;
        }
      else
        g_ptr_array_add (listed, vigil_customer_new (g_steal_pointer (&fresh->pdata[i])));
    }

  if (kept != fresh->len || kept != g_hash_table_size (self->by_id))
    {
      g_hash_table_remove_all (self->by_id);
      for (guint i = 0; i < listed->len; i++)
        {
          gint64 id = vigil_customer_get_store_id (listed->pdata[i]);

          g_hash_table_insert (self->by_id, g_memdup2 (&id, sizeof id), listed->pdata[i]);
        }
    }
  return listed;
}

static void retire_later (VigilPortfolio *self);

/* The second half of a reload, a main loop iteration after the first:
 * the lists have their rows, and a frame may be drawn before the other
 * views catch up. */
static gboolean
finish_load_cb (gpointer user_data)
{
  VigilPortfolio *self = user_data;
  gboolean first_load = !self->loaded;
  gint64 started = g_get_monotonic_time ();

  self->finish_load_id = 0;
  self->loaded = TRUE;
  announce_new_triggers (self, first_load);
  g_signal_emit (self, signals[LOADED], 0);
  g_debug ("Views followed in %.0f ms (real time %" G_GINT64_FORMAT " µs)",
           (g_get_monotonic_time () - started) / 1e3, g_get_real_time ());

  read_trend (self);
  retire_later (self);
  return G_SOURCE_REMOVE;
}

static void
free_load_result_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  g_ptr_array_unref (task_data);
#ifdef HAVE_MALLOC_TRIM
  /* A book's worth of rows was just freed: give the pages back, or the
   * resident size only ever grows with each poll. */
  malloc_trim (0);
#endif
  g_task_return_boolean (task, TRUE);
}

/* What reloads replaced (a whole book of rows, the customers' old data)
 * is freed on a worker thread: no view holds any of it any more. */
static gboolean
retire_cb (gpointer user_data)
{
  VigilPortfolio *self = user_data;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  self->retire_id = 0;
  g_task_set_task_data (task, g_steal_pointer (&self->retired), NULL);
  self->retired = g_ptr_array_new_with_free_func ((GDestroyNotify) load_result_free);
  g_task_run_in_thread (task, free_load_result_thread);
  return G_SOURCE_REMOVE;
}

/* design 7: the freeing waits until the main loop has nothing more
 * urgent, the frame that shows the reload drawn: giving the pages back
 * (malloc_trim()) holds each heap in turn, the main thread's too, and
 * the main thread would wait for it while it draws. */
static void
retire_later (VigilPortfolio *self)
{
  if (self->retired->len > 0 && self->retire_id == 0)
    self->retire_id = g_idle_add_full (G_PRIORITY_LOW, retire_cb, self, NULL);
}

/* The lists are told that every customer changed: the views read them
 * all again (the table's list filters and sorts the whole book anew). */
static gboolean
relist_cb (gpointer user_data)
{
  VigilPortfolio *self = user_data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->customers));
  gint64 started = g_get_monotonic_time ();

  self->relist_id = 0;
  g_list_model_items_changed (G_LIST_MODEL (self->customers), 0, n, n);
  g_debug ("Listed the customers again in %.0f ms", (g_get_monotonic_time () - started) / 1e3);
  if (self->finish_load_id == 0)
    self->finish_load_id = g_idle_add_full (G_PRIORITY_DEFAULT, finish_load_cb, self, NULL);
  return G_SOURCE_REMOVE;
}

/* design 7: a reload that brought the customers already listed, in
 * their order (a poll), has moved each one's new data in; the lists
 * follow in a main loop dispatch of their own, before the next frame is
 * laid out (a higher priority than GTK's), but after the input and
 * timers waiting: at 100,000 customers moving the data in is some 60 ms
 * of the main thread and the table's filtering and sorting anew some
 * 110 ms (a busy machine), one stall of 170 ms in one dispatch. The
 * list keeps its items: the same customers, in the same order. Returns
 * whether it did so. */
static gboolean
relist_later (VigilPortfolio *self,
              GPtrArray      *listed)
{
  GListModel *customers = G_LIST_MODEL (self->customers);

  if (listed->len == 0 || listed->len != g_list_model_get_n_items (customers))
    return FALSE;
  for (guint i = 0; i < listed->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (customers, i);

      if (item != listed->pdata[i])
        return FALSE;
    }
  if (self->relist_id == 0)
    self->relist_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, relist_cb, self, NULL);
  return TRUE;
}

/* design 5: the triggers read again, each customer's count of open
 * ones follows, and their rows with it (VigilCustomer::changed). The
 * lists are told of the span of customers whose count changed, in one
 * items-changed (the table's list filters and sorts anew at each), and
 * not at all when none did. */
static void
apply_triggers (VigilPortfolio *self,
                GPtrArray      *triggers)
{
  g_autoptr(GHashTable) counts = count_triggers (triggers);
  GListModel *customers = G_LIST_MODEL (self->customers);
  guint n = g_list_model_get_n_items (customers);
  guint first = G_MAXUINT, last = 0;

  g_clear_pointer (&self->triggers, g_ptr_array_unref);
  self->triggers = triggers;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);
      gint64 id = vigil_customer_get_store_id (customer);

      if (vigil_customer_set_open_triggers (customer, GPOINTER_TO_UINT (g_hash_table_lookup (counts, &id))))
        {
          first = MIN (first, i);
          last = i;
        }
    }
  if (first == G_MAXUINT)
    return;
  g_debug ("Open triggers changed from customer %u to %u", first, last);
  /* A relist to come tells the lists of every customer anyway. */
  if (self->relist_id == 0)
    g_list_model_items_changed (customers, first, last - first + 1, last - first + 1);
}

/* A read of part of the book: what it read replaces what the window
 * had; everything else stays as it is. */
static void
apply_parts (VigilPortfolio *self,
             LoadResult     *result)
{
  gint64 started = g_get_monotonic_time ();

  if (result->sources != NULL)
    {
      g_clear_pointer (&self->sources, g_ptr_array_unref);
      self->sources = g_steal_pointer (&result->sources);
    }
  if (result->triggers != NULL)
    apply_triggers (self, g_steal_pointer (&result->triggers));
  g_debug ("Updated part of the book in %.0f ms", (g_get_monotonic_time () - started) / 1e3);
  /* A relist to come finishes the load after it. */
  if (self->finish_load_id == 0 && self->relist_id == 0)
    self->finish_load_id = g_idle_add_full (G_PRIORITY_DEFAULT, finish_load_cb, self, NULL);
}

static void read_failed (VigilPortfolio *self,
                         const GError   *error);

/* The sparklines read after a first read that listed the customers
 * without them: each customer's is put in place (its row shown anew),
 * unless a read of the whole book landed meanwhile, which brought its
 * own. */
static void
sparklines_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  VigilPortfolio *self = VIGIL_PORTFOLIO (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sparklines = vigil_portfolio_run_finish (self, result, &error);
  guint loads_applied = GPOINTER_TO_UINT (user_data);
  GListModel *customers = G_LIST_MODEL (self->customers);
  RecentHealth recent = { sparklines, 0 };
  gint64 started = g_get_monotonic_time ();

  self->sparkline_reads--;
  /* Failed, it is tried again as any read of the book is: the whole
   * book, whose read (no longer a first) brings the sparklines. */
  if (sparklines == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        read_failed (self, error);
      return;
    }
  if (loads_applied != self->loads_applied)
    return;
  /* The customers are listed in store id order, as the sparklines are. */
  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);

      vigil_customer_set_sparkline (customer, recent_health_of (&recent, vigil_customer_get_store_id (customer)));
    }
  g_debug ("Put the sparklines in place in %.0f ms", (g_get_monotonic_time () - started) / 1e3);
}

static gpointer
sparklines_work (VigilStore  *store,
                 gpointer     data,
                 GError     **error)
{
  return read_sparklines (store, error);
}

static void
read_sparklines_later (VigilPortfolio *self)
{
  self->sparkline_reads++;
  vigil_portfolio_run_async_full (self, sparklines_work, NULL, NULL, (GDestroyNotify) g_array_unref,
                                  self->cancellable, sparklines_cb, GUINT_TO_POINTER (self->loads_applied));
}

static void
apply_load (VigilPortfolio *self,
            LoadResult     *result)
{
  gint64 started = g_get_monotonic_time ();
  g_autoptr(GPtrArray) listed = NULL;

  /* The year's trend follows the scores: read with the whole book, not
   * with its triggers or sources alone. */
  self->trend_stale = TRUE;

  /* Before the rows are bound again, which reads the scorecard. */
  g_clear_pointer (&self->triggers, g_ptr_array_unref);
  self->triggers = g_steal_pointer (&result->triggers);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  self->sources = g_steal_pointer (&result->sources);
  g_set_object (&self->scorecard, result->scorecard);
  self->latest_time = result->latest_time;
  for (guint i = 0; i < N_BOOK_TEXTS; i++)
    {
      g_clear_pointer (&self->book_texts[i], g_ptr_array_unref);
      self->book_texts[i] = g_steal_pointer (&result->book_texts[i]);
    }

  self->loads_applied++;
  listed = merge_customers (self, result->customers);
  if (result->sparklines_after)
    read_sparklines_later (self);
  if (relist_later (self, listed))
    {
      g_debug ("Updated the customers in %.0f ms", (g_get_monotonic_time () - started) / 1e3);
      return;
    }
  g_clear_handle_id (&self->relist_id, g_source_remove);
  /* One items-changed for the whole book. */
  g_list_store_splice (self->customers, 0, g_list_model_get_n_items (G_LIST_MODEL (self->customers)),
                       listed->pdata, listed->len);
  g_debug ("Replaced the customers in %.0f ms", (g_get_monotonic_time () - started) / 1e3);

  if (self->finish_load_id == 0)
    self->finish_load_id = g_idle_add_full (G_PRIORITY_DEFAULT, finish_load_cb, self, NULL);
}

static void read_changes (VigilPortfolio   *self,
                          VigilBookChanges  changes);

static gboolean
retry_read_cb (gpointer user_data)
{
  VigilPortfolio *self = user_data;

  self->retry_id = 0;
  read_changes (self, VIGIL_BOOK_CHANGED_ALL);
  return G_SOURCE_REMOVE;
}

/* design 5: a read that failed (the server restarting, the network gone
 * a while, a lock held too long) is tried again on its own, so that the
 * window does not wait for the next commit, which may not come for an
 * hour, to show what is in the book. Said once, not at every try. */
static void
read_failed (VigilPortfolio *self,
             const GError   *error)
{
  if (self->retry_wait_s == 0)
    g_signal_emit (self, signals[LOAD_FAILED], 0, error);
  else
    g_debug ("Reading the book failed again: %s", error->message);
  self->retry_wait_s = self->retry_wait_s == 0 ? RETRY_FIRST_S : MIN (self->retry_wait_s * 2, RETRY_MOST_S);
  if (self->retry_id == 0)
    self->retry_id = g_timeout_add_seconds (self->retry_wait_s, retry_read_cb, self);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VigilPortfolio *self = VIGIL_PORTFOLIO (object);
  g_autoptr(GError) error = NULL;
  LoadResult *loaded = vigil_portfolio_run_finish (self, result, &error);
  gboolean whole_book = (GPOINTER_TO_UINT (user_data) & VIGIL_BOOK_CHANGED_OTHER) != 0;

  self->loading--;
  if (loaded == NULL)
    {
      /* What it was to read is still to be read: all of it, next time. */
      self->whole_book_due = TRUE;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        read_failed (self, error);
    }
  else
    {
      self->retry_wait_s = 0;
      g_clear_handle_id (&self->retry_id, g_source_remove);
      if (whole_book)
        self->whole_book_due = FALSE;
      if (loaded->customers != NULL)
        apply_load (self, loaded);
      else
        apply_parts (self, loaded);
      g_ptr_array_add (self->retired, loaded);
    }

  /* Changes that came in meanwhile are read now. */
  if (self->read_again != 0 && self->loading == 0)
    {
      VigilBookChanges changes = self->read_again;

      self->read_again = 0;
      read_changes (self, changes);
    }
}

static void
scheduler_poll_started_cb (VigilPortfolio *self,
                           const char     *source_name)
{
  self->polls_in_flight++;
  g_signal_emit (self, signals[POLL_STARTED], 0, source_name);
}

static void
scheduler_poll_finished_cb (VigilPortfolio *self,
                            const char     *source_name,
                            gboolean        ok,
                            const char     *message)
{
  self->polls_in_flight--;
  g_signal_emit (self, signals[POLL_FINISHED], 0, source_name, ok, message);
  vigil_portfolio_reload (self);
}

static void
scheduler_source_suspect_cb (VigilPortfolio *self,
                             const char     *source_name,
                             const char     *reasons)
{
  g_signal_emit (self, signals[SOURCE_SUSPECT], 0, source_name, reasons);
}

static gboolean
ensure_scheduler (VigilPortfolio  *self,
                  GError         **error)
{
  if (self->scheduler != NULL)
    return TRUE;

  if (!(self->poll_store = vigil_store_open (self->db_path, error)))
    return FALSE;
  self->poller = vigil_poller_new ();
  self->scheduler = vigil_scheduler_new (self->poll_store, self->poller, NULL);
  g_signal_connect_object (self->scheduler, "poll-started", G_CALLBACK (scheduler_poll_started_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "poll-finished", G_CALLBACK (scheduler_poll_finished_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "source-suspect", G_CALLBACK (scheduler_source_suspect_cb),
                           self, G_CONNECT_SWAPPED);
  return TRUE;
}

static void
vigil_portfolio_dispose (GObject *object)
{
  VigilPortfolio *self = (VigilPortfolio *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->scheduler != NULL)
    vigil_scheduler_stop (self->scheduler);
  g_clear_handle_id (&self->finish_load_id, g_source_remove);
  g_clear_handle_id (&self->relist_id, g_source_remove);
  g_clear_handle_id (&self->retire_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_object (&self->watch);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->poller);
  g_clear_object (&self->poll_store);
  if (self->customers != NULL)
    g_list_store_remove_all (self->customers);
  g_clear_object (&self->scorecard);

  G_OBJECT_CLASS (vigil_portfolio_parent_class)->dispose (object);
}

static void
vigil_portfolio_finalize (GObject *object)
{
  VigilPortfolio *self = (VigilPortfolio *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->customers);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->triggers, g_ptr_array_unref);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->average_health, g_array_unref);
  for (guint i = 0; i < N_BOOK_TEXTS; i++)
    g_clear_pointer (&self->book_texts[i], g_ptr_array_unref);
  g_clear_pointer (&self->seen_triggers, g_hash_table_unref);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_object (&self->work_stores);
  g_clear_object (&self->read_stores);

  G_OBJECT_CLASS (vigil_portfolio_parent_class)->finalize (object);
}

static void
vigil_portfolio_class_init (VigilPortfolioClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_portfolio_dispose;
  object_class->finalize = vigil_portfolio_finalize;

  /* The customers, triggers, sources and scorecard were replaced. */
  signals[LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[LOAD_FAILED] =
    g_signal_new ("load-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* The portfolio's average health over time was read. */
  signals[TREND_LOADED] =
    g_signal_new ("trend-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /* Triggers opened since the last load (a GPtrArray of VigilTriggerRow,
   * valid during the emission). */
  signals[NEW_TRIGGERS] =
    g_signal_new ("new-triggers", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
  signals[POLL_STARTED] =
    g_signal_new ("poll-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[POLL_FINISHED] =
    g_signal_new ("poll-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);
  /* A poll made a source suspect (design 2.5): its name and why. */
  signals[SOURCE_SUSPECT] =
    g_signal_new ("source-suspect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
vigil_portfolio_init (VigilPortfolio *self)
{
  self->customers = g_list_store_new (VIGIL_TYPE_CUSTOMER);
  self->sparklines_after = MIN_CUSTOMERS_SPARKLINES_AFTER;
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->triggers = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_trigger_row_free);
  self->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) vigil_source_free);
  self->seen_triggers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->retired = g_ptr_array_new_with_free_func ((GDestroyNotify) load_result_free);
  self->cancellable = g_cancellable_new ();
  self->latest_time = G_MININT64;
}

static void
book_changed_cb (VigilPortfolio   *self,
                 VigilBookChanges  changes)
{
  g_debug ("Another process committed to the book (changes %#x)", changes);
  read_changes (self, changes);
}

/* design 5: on a team's book the window follows what the team's poller
 * and the other CSMs commit. Watched before the first read begins, so
 * that no commit falls between the two. A book that can't be watched
 * is still shown: it is then read again only after what this window
 * does. */
static void
watch_shared_book (VigilPortfolio *self)
{
  g_autoptr(GError) error = NULL;

  if (!vigil_store_location_is_shared (self->db_path))
    return;
  self->watch = vigil_book_watch_new (self->db_path, &error);
  if (self->watch == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  g_signal_connect_object (self->watch, "changed", G_CALLBACK (book_changed_cb), self, G_CONNECT_SWAPPED);
}

VigilPortfolio *
vigil_portfolio_new (const char *db_path)
{
  VigilPortfolio *self;

  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (VIGIL_TYPE_PORTFOLIO, NULL);
  self->db_path = g_strdup (db_path);
  self->work_stores = vigil_store_pool_new (db_path, vigil_store_open);
  self->read_stores = vigil_store_pool_new (db_path, vigil_store_open_for_book_read);
  watch_shared_book (self);
  return self;
}

const char *
vigil_portfolio_get_db_path (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), NULL);
  return self->db_path;
}

/**
 * vigil_portfolio_get_customers:
 *
 * Returns: (transfer none): the customers, a #GListModel of #VigilCustomer
 *   in the store's order
 */
GListModel *
vigil_portfolio_get_customers (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), NULL);
  return G_LIST_MODEL (self->customers);
}

/* Returns: (transfer none) (element-type VigilTriggerRow): the open triggers */
GPtrArray *
vigil_portfolio_get_triggers (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), NULL);
  return self->triggers;
}

/* Returns: (transfer none) (element-type VigilSource): the sources */
GPtrArray *
vigil_portfolio_get_sources (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), NULL);
  return self->sources;
}

/* Returns: (transfer none) (nullable): the scorecard in use, once loaded */
VigilScorecard *
vigil_portfolio_get_scorecard (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), NULL);
  return self->scorecard;
}

/* Returns: (transfer none) (nullable) (element-type VigilHealthPoint): the
 * portfolio's average health a day, over the last year of its history, as
 * last read for a view that holds it (vigil_portfolio_hold_trend()) */
GArray *
vigil_portfolio_get_average_health (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), NULL);
  return self->average_health;
}

/* The newest observation of the book: "now" for its history. */
gint64
vigil_portfolio_get_latest_time (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), G_MININT64);
  return self->latest_time;
}

gboolean
vigil_portfolio_is_loaded (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), FALSE);
  return self->loaded;
}

gboolean
vigil_portfolio_is_polling (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), FALSE);
  return self->polls_in_flight > 0;
}

/**
 * vigil_portfolio_has_sparklines:
 *
 * Returns: whether the customers listed have their sparklines: %FALSE
 *   from a first read that listed a big book's customers without them
 *   until the read that follows puts them in place (design 7)
 */
gboolean
vigil_portfolio_has_sparklines (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), FALSE);
  return self->sparkline_reads == 0;
}

/**
 * _vigil_portfolio_set_sparklines_after:
 * @min_customers: the fewest customers, 0 for never
 *
 * For the tests: the first read of a book of @min_customers or more
 * lists the customers before their sparklines (design 7; by default
 * from 20,000).
 */
void
_vigil_portfolio_set_sparklines_after (VigilPortfolio *self,
                                       guint           min_customers)
{
  g_return_if_fail (VIGIL_IS_PORTFOLIO (self));
  self->sparklines_after = min_customers;
}

/* Whether a read of the book is under way, its ::loaded or
 * ::load-failed still to come. */
gboolean
vigil_portfolio_is_reading (VigilPortfolio *self)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), FALSE);
  return self->loading > 0;
}

/* The values read with the book for @get, or NULL for another text. */
static GPtrArray *
find_book_texts (VigilPortfolio       *self,
                 VigilCustomerGetText  get)
{
  if (get == vigil_customer_get_owner)
    return self->book_texts[BOOK_OWNERS];
  if (get == vigil_customer_get_segment)
    return self->book_texts[BOOK_SEGMENTS];
  if (get == vigil_customer_get_plan)
    return self->book_texts[BOOK_PLANS];
  return NULL;
}

/**
 * vigil_portfolio_list_texts:
 * @get: which text, e.g. vigil_customer_get_owner()
 *
 * The different values of one of the customers' texts, in the user's
 * collation order, unknown ones left out: the choices of a filter. The
 * owners, segments and plans are read with the book, off the main
 * thread; any other text is gathered from the customers.
 *
 * Returns: (transfer container) (element-type utf8): the values, owned
 *   by the portfolio until the next load
 */
GPtrArray *
vigil_portfolio_list_texts (VigilPortfolio       *self,
                            VigilCustomerGetText  get)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *values;
  GPtrArray *read;
  GListModel *customers;

  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), NULL);
  g_return_val_if_fail (get != NULL, NULL);

  if ((read = find_book_texts (self, get)) != NULL)
    {
      values = g_ptr_array_sized_new (read->len);
      for (guint i = 0; i < read->len; i++)
        g_ptr_array_add (values, read->pdata[i]);
      return values;
    }

  values = g_ptr_array_new ();

  customers = G_LIST_MODEL (self->customers);
  for (guint i = 0; i < g_list_model_get_n_items (customers); i++)
    {
      g_autoptr(VigilCustomer) customer = g_list_model_get_item (customers, i);
      const char *value = get (customer);

      if (value != NULL && g_hash_table_add (seen, (gpointer) value))
        g_ptr_array_add (values, (gpointer) value);
    }
  g_ptr_array_sort (values, compare_collated);
  return values;
}

/* Returns: (transfer none) (nullable): the customer of that store id */
VigilCustomer *
vigil_portfolio_find_customer (VigilPortfolio *self,
                               gint64          store_id)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), NULL);
  return g_hash_table_lookup (self->by_id, &store_id);
}

/**
 * vigil_portfolio_reload:
 *
 * Reads everything again off the main thread; ::loaded tells when it is
 * in place. A reload asked for while one runs happens after it.
 */
void
vigil_portfolio_reload (VigilPortfolio *self)
{
  g_return_if_fail (VIGIL_IS_PORTFOLIO (self));

  read_changes (self, VIGIL_BOOK_CHANGED_ALL);
}

/* design 5: reads again what @changes says changed: the whole book, or
 * only its triggers or sources when nothing else changed (and the book
 * was read whole before). One read at a time: what changes meanwhile is
 * read after it. */
static void
read_changes (VigilPortfolio   *self,
              VigilBookChanges  changes)
{
  if (self->loading > 0)
    {
      self->read_again |= changes;
      return;
    }
  if (!self->loaded || self->whole_book_due)
    changes = VIGIL_BOOK_CHANGED_ALL;
  self->loading++;
  /* Real time, to set beside another process's commit (the team's
   * window benchmark, tests/bench/vigil-bench-team.c). */
  g_debug ("Reading the book (real time %" G_GINT64_FORMAT " µs)", g_get_real_time ());
  /* Only a first read lists a big book's customers before their
   * sparklines: later ones keep what the rows show whole. */
  if (changes & VIGIL_BOOK_CHANGED_OTHER)
    {
      LoadRequest *request = g_new0 (LoadRequest, 1);

      request->sparklines_after = self->loaded ? 0 : self->sparklines_after;
      request->beside = g_object_ref (self->read_stores);
      vigil_portfolio_run_async_full (self, load_work, request, (GDestroyNotify) load_request_free,
                                      (GDestroyNotify) load_result_free, self->cancellable, load_cb,
                                      GUINT_TO_POINTER (changes));
    }
  else
    vigil_portfolio_run_async_full (self, read_parts_work, GUINT_TO_POINTER (changes), NULL,
                                    (GDestroyNotify) load_result_free, self->cancellable, load_cb,
                                    GUINT_TO_POINTER (changes));
}

/**
 * vigil_portfolio_start_polling:
 *
 * Polls each source on its interval from now on.
 */
void
vigil_portfolio_start_polling (VigilPortfolio *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VIGIL_IS_PORTFOLIO (self));

  if (!ensure_scheduler (self, &error))
    {
      g_signal_emit (self, signals[LOAD_FAILED], 0, error);
      return;
    }
  vigil_scheduler_start (self->scheduler, SCHEDULER_CHECK_S);
}

/**
 * vigil_portfolio_poll_now:
 * @source_name: (nullable): one source, or %NULL for all
 *
 * Polls at once; ::poll-started and ::poll-finished follow, and a reload
 * after each poll.
 */
void
vigil_portfolio_poll_now (VigilPortfolio *self,
                          const char     *source_name)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VIGIL_IS_PORTFOLIO (self));

  if (!ensure_scheduler (self, &error) ||
      (vigil_scheduler_poll_now (self->scheduler, source_name, &error) == 0 && error != NULL))
    g_signal_emit (self, signals[POLL_FINISHED], 0, source_name, FALSE, error->message);
}

/**
 * vigil_portfolio_run_async:
 * @work: runs on a worker thread with a store connection of its own
 * @data: (transfer full) (nullable): for @work, freed with @data_free
 *
 * Runs @work off the main thread; the result is what @work returns,
 * from vigil_portfolio_run_finish().
 */
void
vigil_portfolio_run_async (VigilPortfolio      *self,
                           VigilPortfolioWork   work,
                           gpointer             data,
                           GDestroyNotify       data_free,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  vigil_portfolio_run_async_full (self, work, data, data_free, NULL, cancellable, callback, user_data);
}

/**
 * vigil_portfolio_run_async_full:
 * @result_free: (nullable): frees what @work returned when nobody takes
 *   it (the work was cancelled, or ended after its caller)
 *
 * As vigil_portfolio_run_async(), for work whose result owns memory.
 */
void
vigil_portfolio_run_async_full (VigilPortfolio      *self,
                                VigilPortfolioWork   work,
                                gpointer             data,
                                GDestroyNotify       data_free,
                                GDestroyNotify       result_free,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WorkData *work_data;

  g_return_if_fail (VIGIL_IS_PORTFOLIO (self));
  g_return_if_fail (work != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  work_data = g_new0 (WorkData, 1);
  work_data->stores = g_object_ref (self->work_stores);
  work_data->work = work;
  work_data->data = data;
  work_data->data_free = data_free;
  work_data->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vigil_portfolio_run_async);
  g_task_set_task_data (task, work_data, (GDestroyNotify) work_data_free);
  g_task_run_in_thread (task, run_work_thread);
}

gpointer
vigil_portfolio_run_finish (VigilPortfolio  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  g_return_val_if_fail (VIGIL_IS_PORTFOLIO (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Adding a source ---------------------------------------------------------- */

/* What the worker thread needs to add a source. */
typedef struct
{
  VigilSource *source;
  char        *token;         /* NULL for none; wiped when freed */
  char        *header_value;  /* for source->header_names[0]; wiped */
  char        *query_value;   /* for source->query_secret_names[0]; wiped */
} NewSource;

static void
new_source_free (NewSource *data)
{
  vigil_source_free (data->source);
  vigil_secrets_wipe_free (data->token);
  vigil_secrets_wipe_free (data->header_value);
  vigil_secrets_wipe_free (data->query_value);
  g_free (data);
}

/* Runs on a worker thread: secrets first, so a source whose keyring
 * cannot be reached is not added (as `vigil source add` does). */
static gpointer
add_source_work (VigilStore  *store,
                 gpointer     user_data,
                 GError     **error)
{
  NewSource *data = user_data;
  const char *database = vigil_store_get_path (store);
  g_autoptr(VigilSource) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean has_secrets = data->token != NULL || data->header_value != NULL || data->query_value != NULL;

  /* Checked before the keyring is touched: a failed add must not replace
   * or clear the secrets of the source already of that name. */
  existing = vigil_store_get_source (store, data->source->name, &local_error);
  if (existing != NULL)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("A source named “%s” already exists"), data->source->name);
      return NULL;
    }
  if (!g_error_matches (local_error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (data->token != NULL &&
      !vigil_secrets_store (database, data->source->name, NULL, data->token, NULL, error))
    return NULL;
  if (data->header_value != NULL &&
      !vigil_secrets_store (database, data->source->name, data->source->header_names[0],
                            data->header_value, NULL, error))
    {
      vigil_secrets_clear (database, data->source->name, NULL, NULL);
      return NULL;
    }
  if (data->query_value != NULL)
    {
      g_autofree char *key = vigil_secrets_query_key (data->source->query_secret_names[0]);

      if (!vigil_secrets_store (database, data->source->name, key, data->query_value, NULL, error))
        {
          vigil_secrets_clear (database, data->source->name, NULL, NULL);
          return NULL;
        }
    }

  if (!vigil_store_add_source (store, data->source, error))
    {
      if (has_secrets)
        vigil_secrets_clear (database, data->source->name, NULL, NULL);
      return NULL;
    }
  return g_strdup (data->source->name);
}

/**
 * vigil_portfolio_add_source_async:
 * @source: the source to add (copied), validated
 * @secrets: (nullable): its token, the value of its first extra header
 *   and of its first query secret, for the keyring
 *
 * Adds @source on a worker thread: its secrets into the keyring first,
 * then the source into the database (never the secrets); a failure
 * leaves neither, and a source of that name already there untouched.
 */
void
vigil_portfolio_add_source_async (VigilPortfolio          *self,
                                  const VigilSource       *source,
                                  const VigilGivenSecrets *secrets,
                                  GCancellable            *cancellable,
                                  GAsyncReadyCallback      callback,
                                  gpointer                 user_data)
{
  VigilGivenSecrets none = { NULL, NULL, NULL };
  NewSource *data;

  g_return_if_fail (VIGIL_IS_PORTFOLIO (self));
  g_return_if_fail (source != NULL && source->name != NULL);

  if (secrets == NULL)
    secrets = &none;
  g_return_if_fail (secrets->header_value == NULL ||
                    (source->header_names != NULL && source->header_names[0] != NULL));
  g_return_if_fail (secrets->query_value == NULL ||
                    (source->query_secret_names != NULL && source->query_secret_names[0] != NULL));

  data = g_new0 (NewSource, 1);
  data->source = vigil_source_copy (source);
  data->source->keyring_token = secrets->token != NULL;
  data->token = g_strdup (secrets->token);
  data->header_value = g_strdup (secrets->header_value);
  data->query_value = g_strdup (secrets->query_value);
  vigil_portfolio_run_async_full (self, add_source_work, data, (GDestroyNotify) new_source_free, g_free,
                                  cancellable, callback, user_data);
}

/**
 * vigil_portfolio_add_source_finish:
 *
 * Returns: (transfer full): the name of the source added, or %NULL with
 *   @error set
 */
char *
vigil_portfolio_add_source_finish (VigilPortfolio  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return vigil_portfolio_run_finish (self, result, error);
}

typedef struct
{
  gint64  id;
  char   *state;
  char   *until;
} TriggerState;

static void
trigger_state_free (TriggerState *change)
{
  g_free (change->state);
  g_free (change->until);
  g_free (change);
}

static gpointer
trigger_state_work (VigilStore  *store,
                    gpointer     data,
                    GError     **error)
{
  TriggerState *change = data;

  if (!vigil_store_set_trigger_state (store, change->id, change->state, change->until, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

/**
 * vigil_portfolio_set_trigger_state_async:
 * @state: `new`, `acknowledged`, `snoozed` or `done`
 * @until: (nullable): the day a snooze ends, `YYYY-MM-DD`
 *
 * Works a trigger off the main thread; vigil_portfolio_run_finish()
 * gives non-%NULL on success. The caller reloads when it wants the
 * views to follow.
 */
void
vigil_portfolio_set_trigger_state_async (VigilPortfolio      *self,
                                         gint64               id,
                                         const char          *state,
                                         const char          *until,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  TriggerState *change;

  g_return_if_fail (VIGIL_IS_PORTFOLIO (self));
  g_return_if_fail (state != NULL);

  change = g_new0 (TriggerState, 1);
  change->id = id;
  change->state = g_strdup (state);
  change->until = g_strdup (until);
  vigil_portfolio_run_async (self, trigger_state_work, change, (GDestroyNotify) trigger_state_free,
                             cancellable, callback, user_data);
}

/**
 * vigil_portfolio_hold_trend:
 *
 * Says a view shows the portfolio's trend from now on: it is read now if
 * it is out of date, and after each reload while the view holds it.
 * Undo with vigil_portfolio_release_trend(); ::trend-loaded tells when
 * vigil_portfolio_get_average_health() has it.
 */
void
vigil_portfolio_hold_trend (VigilPortfolio *self)
{
  g_return_if_fail (VIGIL_IS_PORTFOLIO (self));

  self->trend_wanted++;
  read_trend (self);
}

void
vigil_portfolio_release_trend (VigilPortfolio *self)
{
  g_return_if_fail (VIGIL_IS_PORTFOLIO (self));
  g_return_if_fail (self->trend_wanted > 0);

  self->trend_wanted--;
}
