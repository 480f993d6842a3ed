/* vigil-scheduler.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-scheduler"

#include "config.h"

#include "vigil-error.h"
#include "vigil-scheduler.h"

/* Polls each source when it is due, for the window (headless here, so
 * it is tested without a display). A poll in flight is never started
 * twice; a source that missed many intervals (a laptop asleep) is polled
 * once, then is due an interval later; failures push the next poll out
 * (vigil_source_set_outcome()); nothing is polled while the network
 * monitor says the network is down, and a check runs when it returns. */

struct _VigilScheduler
{
  GObject          parent_instance;

  VigilStore      *store;
  VigilPoller     *poller;
  GNetworkMonitor *monitor;
  GCancellable    *cancellable;
  GHashTable      *in_flight;   /* source names */
  guint            timer;
};

G_DEFINE_FINAL_TYPE (VigilScheduler, vigil_scheduler, G_TYPE_OBJECT)

enum {
  POLL_STARTED,
  POLL_FINISHED,
  SOURCE_SUSPECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  VigilScheduler *self;
  VigilSource    *source;
} PollContext;

static void
poll_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PollContext *context = user_data;
  g_autoptr(VigilScheduler) self = context->self;
  g_autoptr(VigilSource) source = context->source;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) record_error = NULL;
  VigilPollResult poll_result;
  gboolean became_suspect = FALSE;
  gboolean ok;

  g_free (context);
  ok = vigil_poller_poll_finish (VIGIL_POLLER (object), result, &poll_result, &error);
  g_hash_table_remove (self->in_flight, source->name);

  /* Stopped: nothing to record, nobody to tell. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Another Vigil polls it (design 2.5): its outcome is that one's to
   * record; the window hears the poll ended, and why. */
  if (g_error_matches (error, VIGIL_ERROR, VIGIL_ERROR_BUSY))
    {
      g_signal_emit (self, signals[POLL_FINISHED], 0, source->name, TRUE, error->message);
      return;
    }

  if (!vigil_poll_record_outcome (self->store, source, g_get_real_time () / G_USEC_PER_SEC,
                                  ok ? &poll_result : NULL, ok ? NULL : error->message,
                                  &became_suspect, &record_error))
    g_debug ("Could not record the poll of %s: %s", source->name, record_error->message);

  g_signal_emit (self, signals[POLL_FINISHED], 0, source->name, ok,
                 ok ? source->last_summary : error->message);
  if (became_suspect)
    {
      g_autofree char *reasons = vigil_source_describe_suspect (source);

      g_signal_emit (self, signals[SOURCE_SUSPECT], 0, source->name, reasons);
    }
}

static gboolean
timer_cb (gpointer user_data)
{
  VigilScheduler *self = user_data;

  vigil_scheduler_tick (self, g_get_real_time () / G_USEC_PER_SEC);
  return G_SOURCE_CONTINUE;
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  VigilScheduler *self = user_data;

  if (available && self->timer != 0)
    vigil_scheduler_tick (self, g_get_real_time () / G_USEC_PER_SEC);
}

static void
vigil_scheduler_dispose (GObject *object)
{
  VigilScheduler *self = (VigilScheduler *) object;

  vigil_scheduler_stop (self);
  g_clear_object (&self->monitor);
  g_clear_object (&self->poller);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vigil_scheduler_parent_class)->dispose (object);
}

static void
vigil_scheduler_finalize (GObject *object)
{
  VigilScheduler *self = (VigilScheduler *) object;

  g_clear_pointer (&self->in_flight, g_hash_table_unref);

  G_OBJECT_CLASS (vigil_scheduler_parent_class)->finalize (object);
}

static void
vigil_scheduler_class_init (VigilSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vigil_scheduler_dispose;
  object_class->finalize = vigil_scheduler_finalize;

  /**
   * VigilScheduler::poll-started:
   * @name: the source's name
   */
  signals[POLL_STARTED] =
    g_signal_new ("poll-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * VigilScheduler::poll-finished:
   * @name: the source's name
   * @ok: whether the poll was stored
   * @message: the summary, or the error
   */
  signals[POLL_FINISHED] =
    g_signal_new ("poll-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);

  /**
   * VigilScheduler::source-suspect:
   * @name: the source's name
   * @reasons: why it is suspect, in words
   *
   * A successful poll made the source suspect (design 2.5): emitted
   * once when it becomes so, not at every poll while it stays so.
   */
  signals[SOURCE_SUSPECT] =
    g_signal_new ("source-suspect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
vigil_scheduler_init (VigilScheduler *self)
{
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
}

/**
 * vigil_scheduler_new:
 * @monitor: (nullable): the network monitor, or %NULL for the default
 *
 * Returns: (transfer full): a stopped scheduler
 */
VigilScheduler *
vigil_scheduler_new (VigilStore      *store,
                     VigilPoller     *poller,
                     GNetworkMonitor *monitor)
{
  VigilScheduler *self;

  g_return_val_if_fail (VIGIL_IS_STORE (store), NULL);
  g_return_val_if_fail (VIGIL_IS_POLLER (poller), NULL);
  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);

  self = g_object_new (VIGIL_TYPE_SCHEDULER, NULL);
  self->store = g_object_ref (store);
  self->poller = g_object_ref (poller);
  self->monitor = g_object_ref (monitor != NULL ? monitor : g_network_monitor_get_default ());
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self, 0);
  return self;
}

/**
 * vigil_scheduler_start:
 * @check_every_s: how often to look for due sources
 *
 * Looks for due sources now and then every @check_every_s seconds.
 */
void
vigil_scheduler_start (VigilScheduler *self,
                       guint           check_every_s)
{
  g_return_if_fail (VIGIL_IS_SCHEDULER (self));
  g_return_if_fail (check_every_s > 0);

  if (self->timer != 0)
    return;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  self->timer = g_timeout_add_seconds (check_every_s, timer_cb, self);
  vigil_scheduler_tick (self, g_get_real_time () / G_USEC_PER_SEC);
}

/**
 * vigil_scheduler_stop:
 *
 * Stops looking for due sources and cancels the polls in flight;
 * nothing of a cancelled poll is stored.
 */
void
vigil_scheduler_stop (VigilScheduler *self)
{
  g_return_if_fail (VIGIL_IS_SCHEDULER (self));

  g_clear_handle_id (&self->timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);
}

/**
 * vigil_scheduler_tick:
 * @now: the time to compare sources' due times with
 *
 * Starts a poll of every source that is due and not already polling,
 * unless the network is down.
 *
 * Returns: how many polls were started
 */
/* Starts polling the endpoint sources of @sources that pass @due_before
 * (all when it is G_MAXINT64) and are not polling already; takes them. */
static guint
start_polls (VigilScheduler *self,
             GPtrArray      *sources,
             const char     *only_name,
             gint64          due_before)
{
  guint started = 0;

  for (guint i = 0; i < sources->len; i++)
    {
      VigilSource *source = g_ptr_array_index (sources, i);
      PollContext *context;

      if (!vigil_source_is_due (source, due_before) ||
          (only_name != NULL && g_strcmp0 (source->name, only_name) != 0) ||
          g_hash_table_contains (self->in_flight, source->name))
        continue;

      g_hash_table_add (self->in_flight, g_strdup (source->name));
      context = g_new0 (PollContext, 1);
      context->self = g_object_ref (self);
      context->source = g_steal_pointer (&sources->pdata[i]);
      g_signal_emit (self, signals[POLL_STARTED], 0, context->source->name);
      vigil_poller_poll_async (self->poller, self->store, context->source, self->cancellable,
                               poll_done_cb, context);
      started++;
    }

  return started;
}

guint
vigil_scheduler_tick (VigilScheduler *self,
                      gint64          now)
{
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (VIGIL_IS_SCHEDULER (self), 0);

  if (!g_network_monitor_get_network_available (self->monitor))
    return 0;

  if (!(sources = vigil_store_list_sources (self->store, &error)))
    {
      g_debug ("Could not read the sources: %s", error->message);
      return 0;
    }

  return start_polls (self, sources, NULL, now);
}

/**
 * vigil_scheduler_poll_now:
 * @source_name: (nullable): one source, or %NULL for every endpoint
 *
 * Polls at once, due or not (what "Poll now" asks), except the sources
 * already polling. Works while the scheduler is stopped too.
 *
 * Returns: how many polls were started
 */
guint
vigil_scheduler_poll_now (VigilScheduler  *self,
                          const char      *source_name,
                          GError         **error)
{
  g_autoptr(GPtrArray) sources = NULL;

  g_return_val_if_fail (VIGIL_IS_SCHEDULER (self), 0);

  if (!(sources = vigil_store_list_sources (self->store, error)))
    return 0;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  return start_polls (self, sources, source_name, G_MAXINT64);
}

gboolean
vigil_scheduler_is_polling (VigilScheduler *self,
                            const char     *source_name)
{
  g_return_val_if_fail (VIGIL_IS_SCHEDULER (self), FALSE);
  g_return_val_if_fail (source_name != NULL, FALSE);

  return g_hash_table_contains (self->in_flight, source_name);
}
