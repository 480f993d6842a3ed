/* test-scheduler.c: sources polled when due, once, never while offline
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "vigil-core.h"
#include "vigil-test-book.h"
#include "vigil-test-server.h"
#include "vigil-test-util.h"

/* A network monitor whose availability the test decides. */
#define TEST_TYPE_MONITOR (test_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestMonitor, test_monitor, TEST, MONITOR, GObject)

struct _TestMonitor
{
  GObject  parent_instance;
  gboolean available;
};

enum { PROP_0, PROP_AVAILABLE, PROP_METERED, PROP_CONNECTIVITY };

static gboolean
test_monitor_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return TRUE;
}

static void
test_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_monitor_initable_init;
}

static void
test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestMonitor, test_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, test_monitor_iface_init))

static void
test_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TestMonitor *self = TEST_MONITOR (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE: g_value_set_boolean (value, self->available); break;
    case PROP_METERED: g_value_set_boolean (value, FALSE); break;
    case PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_monitor_class_init (TestMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_monitor_get_property;
  g_object_class_override_property (object_class, PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
test_monitor_init (TestMonitor *self)
{
  self->available = TRUE;
}

static void
test_monitor_set_available (TestMonitor *self,
                            gboolean     available)
{
  self->available = available;
  g_signal_emit_by_name (self, "network-changed", available);
}

typedef struct
{
  TestDir         dir;
  VigilStore     *store;
  SoupServer     *server;
  char           *base;
  TestMonitor    *monitor;
  VigilScheduler *scheduler;
  guint           finished;
  guint           requests;
} Fixture;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  const char *body = "{\"customers\": [{\"id\": \"s1\", \"api_calls_7d\": 10}]}";

  f->requests++;
  if (g_str_equal (path, "/broken"))
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
finished_cb (VigilScheduler *scheduler,
             const char     *name,
             gboolean        ok,
             const char     *message,
             gpointer        user_data)
{
  Fixture *f = user_data;

  f->finished++;
}

static void
add_source (Fixture    *f,
            const char *name,
            const char *path)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  g_autoptr(VigilSource) source = vigil_source_new (name, url);
  g_autoptr(GError) error = NULL;

  source->interval_min = 10;
  g_assert_true (vigil_store_add_source (f->store, source, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autoptr(VigilPoller) poller = vigil_poller_new ();

  test_dir_init (&f->dir);
  db = vigil_test_book_location (&f->dir, "vigil.db");
  f->store = vigil_store_open (db, &error);
  g_assert_no_error (error);

  f->server = test_server_new (handler, f, &f->base);

  vigil_poller_set_retries (poller, 0, 1);
  f->monitor = g_object_new (TEST_TYPE_MONITOR, NULL);
  f->scheduler = vigil_scheduler_new (f->store, poller, G_NETWORK_MONITOR (f->monitor));
  g_signal_connect (f->scheduler, "poll-finished", G_CALLBACK (finished_cb), f);

  add_source (f, "good", "/usage");
  add_source (f, "bad", "/broken");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  vigil_scheduler_stop (f->scheduler);
  g_clear_object (&f->scheduler);
  g_clear_object (&f->monitor);
  test_server_clear (&f->server);
  g_clear_object (&f->store);
  g_free (f->base);
  test_dir_clear (&f->dir);
}

static void
wait_for_finished (Fixture *f,
                   guint    count)
{
  while (f->finished < count)
    g_main_context_iteration (NULL, TRUE);
}

static VigilSource *
get (Fixture    *f,
     const char *name)
{
  g_autoptr(GError) error = NULL;
  VigilSource *source = vigil_store_get_source (f->store, name, &error);

  g_assert_no_error (error);
  return source;
}

static void
test_scheduler_due (Fixture       *f,
                    gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(VigilSource) good = NULL;
  g_autoptr(VigilSource) bad = NULL;

  /* Both are due; each is started once, however often we look. */
  g_assert_cmpuint (vigil_scheduler_tick (f->scheduler, now), ==, 2);
  g_assert_true (vigil_scheduler_is_polling (f->scheduler, "good"));
  g_assert_cmpuint (vigil_scheduler_tick (f->scheduler, now), ==, 0);
  wait_for_finished (f, 2);
  g_assert_false (vigil_scheduler_is_polling (f->scheduler, "good"));

  good = get (f, "good");
  bad = get (f, "bad");
  g_assert_true (good->last_ok);
  g_assert_cmpuint (good->failures, ==, 0);
  g_assert_cmpint (good->next_due - good->last_poll_at, ==, 600);
  g_assert_false (bad->last_ok);
  g_assert_nonnull (strstr (bad->last_error, "HTTP 404"));
  /* Failing backs off: twice the interval after one failure. */
  g_assert_cmpuint (bad->failures, ==, 1);
  g_assert_cmpint (bad->next_due - bad->last_poll_at, ==, 1200);

  /* Not due again for a while. */
  g_assert_cmpuint (vigil_scheduler_tick (f->scheduler, now + 60), ==, 0);

  /* After a long sleep, each is polled once, not once per missed interval. */
  g_assert_cmpuint (vigil_scheduler_tick (f->scheduler, now + 86400), ==, 2);
  g_assert_cmpuint (vigil_scheduler_tick (f->scheduler, now + 86400), ==, 0);
  wait_for_finished (f, 4);
  g_assert_cmpuint (f->requests, ==, 4);
}

static void
test_scheduler_offline (Fixture       *f,
                        gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  test_monitor_set_available (f->monitor, FALSE);
  g_assert_cmpuint (vigil_scheduler_tick (f->scheduler, now), ==, 0);

  /* Started while offline: nothing; back online: the due polls start. */
  vigil_scheduler_start (f->scheduler, 3600);
  g_assert_false (vigil_scheduler_is_polling (f->scheduler, "good"));
  test_monitor_set_available (f->monitor, TRUE);
  g_assert_true (vigil_scheduler_is_polling (f->scheduler, "good"));
  wait_for_finished (f, 2);
  g_assert_cmpuint (f->requests, ==, 2);
}

static void
test_scheduler_stop_cancels (Fixture       *f,
                             gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpuint (vigil_scheduler_tick (f->scheduler, now), ==, 2);
  vigil_scheduler_stop (f->scheduler);
  while (vigil_scheduler_is_polling (f->scheduler, "good") || vigil_scheduler_is_polling (f->scheduler, "bad"))
    g_main_context_iteration (NULL, TRUE);
  /* A cancelled poll stores nothing and records nothing. */
  g_assert_cmpuint (f->finished, ==, 0);
  g_assert_cmpint (vigil_store_count_snapshots (f->store, NULL), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/scheduler/due", test_scheduler_due);
  ADD ("/core/scheduler/offline", test_scheduler_offline);
  ADD ("/core/scheduler/stop-cancels", test_scheduler_stop_cancels);
#undef ADD

  return g_test_run ();
}
