/* vigil-book-watch.c: tells when someone else changed a team's book
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <string.h>

#include "vigil-book-watch.h"
#include "vigil-error.h"
#include "vigil-sql.h"
#include "vigil-store.h"
#include "vigil-store-private.h"

/**
 * VigilBookWatch:
 *
 * design 1: a window on a team's book shows what the team's poller and
 * the other CSMs commit without a reload by hand. Each commit that
 * writes the book sends a notification (the book's triggers, see
 * vigil-store-schema.c); the watch LISTENs on a connection of its own,
 * watched by the main loop of the thread that made it, and emits
 * ::changed once for each batch that holds another process's commit.
 * Its own process's commits are left out: whoever made them reloads
 * already.
 *
 * A poll commits a few transactions within milliseconds of each other
 * at its end: the commits heard within GATHER_MS of the first make one
 * ::changed, and so one read of the book, not one for each. ::changed
 * says which parts of the book they wrote (each notification names its
 * table), so that a window reads again only those: a poll's last
 * commits, which write its triggers and how it went, cost a window the
 * triggers and the sources, not the whole book (design 5).
 *
 * A lost connection (the server restarted) is made again after a
 * second, then after longer waits up to half a minute; ::changed
 * follows each new connection, for what was missed meanwhile.
 *
 * A personal book (a file) has no one else writing it while it is
 * open, but the poll of a cron job: vigil_book_watch_new() refuses it.
 */
struct _VigilBookWatch
{
  GObject             parent_instance;

  char               *location;
  VigilSqlConnection *connection;
  GSource            *socket_source;
  guint               reconnect_id;
  guint               gather_id;
  guint               reconnect_wait_s;
  guint64             changes_seen;
  VigilBookChanges    gathered;     /* what the commits heard since the last ::changed wrote */
};

G_DEFINE_FINAL_TYPE (VigilBookWatch, vigil_book_watch, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define GATHER_MS         100
#define RECONNECT_FIRST_S 1
#define RECONNECT_MOST_S  30

#ifdef HAVE_POSTGRESQL

static void schedule_reconnect (VigilBookWatch *self);

static void
disconnect (VigilBookWatch *self)
{
  if (self->socket_source != NULL)
    {
      g_source_destroy (self->socket_source);
      g_clear_pointer (&self->socket_source, g_source_unref);
    }
  g_clear_pointer (&self->connection, vigil_sql_close);
}

static gboolean
gathered_cb (gpointer user_data)
{
  VigilBookWatch *self = user_data;
  VigilBookChanges changes = self->gathered;

  self->gather_id = 0;
  self->gathered = 0;
  g_signal_emit (self, signals[CHANGED], 0, changes);
  return G_SOURCE_REMOVE;
}

static gboolean
socket_ready_cb (int           fd,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  VigilBookWatch *self = user_data;
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  guint others = 0;

  if (!vigil_sql_pg_take_notifications (self->connection, &others, tables))
    {
      g_debug ("The book's watch lost its connection: %s", vigil_sql_error_message (self->connection));
      /* The source is destroyed with the connection: not by returning
       * G_SOURCE_REMOVE as well. */
      g_clear_pointer (&self->socket_source, g_source_unref);
      g_clear_pointer (&self->connection, vigil_sql_close);
      schedule_reconnect (self);
      return G_SOURCE_REMOVE;
    }
  for (guint i = 0; i < tables->len; i++)
    self->gathered |= vigil_book_changes_of_table (tables->pdata[i]);
  if (others > 0)
    {
      self->changes_seen += others;
      if (self->gather_id == 0)
        self->gather_id = g_timeout_add (GATHER_MS, gathered_cb, self);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
connect_and_listen (VigilBookWatch  *self,
                    GError         **error)
{
  VigilSqlConnection *connection;
  int fd;

  if (!(connection = vigil_sql_pg_connect (self->location, NULL, error)))
    return FALSE;
  if (!vigil_sql_exec (connection, "LISTEN " VIGIL_STORE_CHANNEL) ||
      (fd = vigil_sql_pg_get_socket (connection)) < 0)
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE, _("Could not watch the book for changes: %s"),
                   vigil_sql_error_message (connection));
      vigil_sql_close (connection);
      return FALSE;
    }
  self->connection = connection;
  self->socket_source = g_unix_fd_source_new (fd, G_IO_IN | G_IO_ERR | G_IO_HUP);
  g_source_set_callback (self->socket_source, G_SOURCE_FUNC (socket_ready_cb), self, NULL);
  g_source_set_static_name (self->socket_source, "[vigil] book watch");
  g_source_attach (self->socket_source, g_main_context_get_thread_default ());
  self->reconnect_wait_s = RECONNECT_FIRST_S;
  return TRUE;
}

static gboolean
reconnect_cb (gpointer user_data)
{
  VigilBookWatch *self = user_data;
  g_autoptr(GError) error = NULL;

  self->reconnect_id = 0;
  if (!connect_and_listen (self, &error))
    {
      g_debug ("The book's watch could not connect again: %s", error->message);
      self->reconnect_wait_s = MIN (self->reconnect_wait_s * 2, RECONNECT_MOST_S);
      schedule_reconnect (self);
      return G_SOURCE_REMOVE;
    }
  /* What was committed while it was away, anything, is read now. */
  g_signal_emit (self, signals[CHANGED], 0, (VigilBookChanges) VIGIL_BOOK_CHANGED_ALL);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (VigilBookWatch *self)
{
  if (self->reconnect_id == 0)
    self->reconnect_id = g_timeout_add_seconds (self->reconnect_wait_s, reconnect_cb, self);
}

#endif /* HAVE_POSTGRESQL */

static void
vigil_book_watch_finalize (GObject *object)
{
  VigilBookWatch *self = VIGIL_BOOK_WATCH (object);

#ifdef HAVE_POSTGRESQL
  disconnect (self);
#endif
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_handle_id (&self->gather_id, g_source_remove);
  g_free (self->location);

  G_OBJECT_CLASS (vigil_book_watch_parent_class)->finalize (object);
}

static void
vigil_book_watch_class_init (VigilBookWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vigil_book_watch_finalize;

  /**
   * VigilBookWatch::changed:
   * @changes: a #VigilBookChanges: what the commits wrote
   *
   * Another process committed a change to the book (or the watch
   * connected again and may have missed some: then
   * %VIGIL_BOOK_CHANGED_ALL).
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
vigil_book_watch_init (VigilBookWatch *self)
{
  self->reconnect_wait_s = RECONNECT_FIRST_S;
}

/**
 * vigil_book_watch_new:
 * @location: a team's book (vigil_store_location_is_shared())
 *
 * Watches @location from the thread-default main context of the
 * caller on.
 *
 * Returns: (transfer full): the watch, or %NULL with @error set when
 *   @location is not a team's book or could not be reached
 */
VigilBookWatch *
vigil_book_watch_new (const char  *location,
                      GError     **error)
{
  g_autoptr(VigilBookWatch) self = NULL;

  g_return_val_if_fail (location != NULL, NULL);

  if (!vigil_store_location_is_shared (location))
    {
      g_set_error (error, VIGIL_ERROR, VIGIL_ERROR_INVALID,
                   _("%s is a personal book: only a team's book on PostgreSQL can be watched for changes"),
                   location);
      return NULL;
    }
  self = g_object_new (VIGIL_TYPE_BOOK_WATCH, NULL);
  self->location = g_strdup (location);
#ifdef HAVE_POSTGRESQL
  if (!connect_and_listen (self, error))
    return NULL;
  return g_steal_pointer (&self);
#else
  g_set_error_literal (error, VIGIL_ERROR, VIGIL_ERROR_DATABASE,
                       _("This Vigil was built without PostgreSQL"));
  return NULL;
#endif
}

/**
 * vigil_book_changes_of_table:
 * @table: a table of the book, as a notification names it
 *
 * Which part of the book a write to @table changed: what a window reads
 * again. A table it does not know (a later schema's, or none named, as
 * from another program's own pg_notify) is %VIGIL_BOOK_CHANGED_OTHER,
 * the whole book.
 *
 * Returns: one of the #VigilBookChanges
 */
VigilBookChanges
vigil_book_changes_of_table (const char *table)
{
  static const char *const sources_tables[] = { "sources", "source_validators", "source_field_counts" };

  g_return_val_if_fail (table != NULL, VIGIL_BOOK_CHANGED_OTHER);

  for (gsize i = 0; i < G_N_ELEMENTS (sources_tables); i++)
    if (strcmp (table, sources_tables[i]) == 0)
      return VIGIL_BOOK_CHANGED_SOURCES;
  if (strcmp (table, "triggers") == 0)
    return VIGIL_BOOK_CHANGED_TRIGGERS;
  return VIGIL_BOOK_CHANGED_OTHER;
}

/* Returns: (transfer none): the book watched */
const char *
vigil_book_watch_get_location (VigilBookWatch *self)
{
  g_return_val_if_fail (VIGIL_IS_BOOK_WATCH (self), NULL);
  return self->location;
}

/* Returns: how many notifications of other processes' commits it has
 * been told of: one for each table a commit wrote */
guint64
vigil_book_watch_get_changes_seen (VigilBookWatch *self)
{
  g_return_val_if_fail (VIGIL_IS_BOOK_WATCH (self), 0);
  return self->changes_seen;
}

/* Returns: whether it listens now (%FALSE while it waits to connect again) */
gboolean
vigil_book_watch_is_connected (VigilBookWatch *self)
{
  g_return_val_if_fail (VIGIL_IS_BOOK_WATCH (self), FALSE);
  return self->connection != NULL;
}
