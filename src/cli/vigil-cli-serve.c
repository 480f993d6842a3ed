/* vigil-cli-serve.c: vigil serve, one poller for a team (design 4)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "vigil-core.h"
#include "vigil-report.h"

#include "vigil-cli.h"
#include "vigil-cli-poll.h"
#include "vigil-cli-serve.h"

/* The book's record of the last week whose reports a server wrote. */
#define META_REPORT_WEEK "serve.report_week"
/* The longest sleep: a source added meanwhile, or a new week, waits no
 * longer than this. */
#define MAX_SLEEP_S 300
/* The sleep when a source is still due after a round: another Vigil is
 * polling it, or its outcome could not be recorded. */
#define RETRY_SLEEP_S 30
/* An owner's part of a report's file name, in characters. */
#define MAX_OWNER_NAME 64

typedef struct
{
  VigilStore  *store;
  VigilPoller *poller;
  GMainLoop   *loop;         /* NULL with --once */
  const char  *reports_dir;  /* NULL: no reports */
  gboolean     stopping;     /* SIGTERM or SIGINT came */
  gboolean     failed;       /* a poll or a report failed */
  int          status;       /* the exit status, once the loop ends */
  guint        wake_id;      /* the next round */
} Server;

/* The time of the reports' calendar: VIGIL_TEST_NOW (Unix seconds), for
 * the tests alone (HACKING), else the clock. */
static gint64
get_calendar_now (void)
{
  const char *test_now = g_getenv ("VIGIL_TEST_NOW");

  if (test_now != NULL && *test_now != '\0')
    return g_ascii_strtoll (test_now, NULL, 10);
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Whether ISO week @year-W@week has ended in local time at @now: the
 * report of a week is written from the Monday after it, the server's. */
static gboolean
week_has_ended_locally (int    year,
                        int    week,
                        gint64 now)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (now);
  int local_year, local_week;

  if (local == NULL)
    return FALSE;
  local_year = g_date_time_get_week_numbering_year (local);
  local_week = g_date_time_get_week_of_year (local);
  return year < local_year || (year == local_year && week < local_week);
}

/* Whether the book's history began before ISO week @year-W@week ended:
 * a book started since has no report of it (FALSE, @error unset). */
static gboolean
has_history_in (VigilStore  *store,
                int          year,
                int          week,
                GError     **error)
{
  gint64 customers = 0, first = 0, last = 0;
  gint32 monday;

  if (!vigil_store_get_history_span (store, NULL, &customers, &first, &last, error) ||
      !vigil_iso_week_get_first_day (year, week, &monday))
    return FALSE;
  return customers > 0 && first < ((gint64) monday + 7) * 86400;
}

/* @owner as the part of a file name: letters, digits, '-' and '_' kept,
 * anything else (a '/', a dot, a space) as '_', so that no name leaves
 * the folder or hides in it. */
static char *
owner_file_part (const char *owner)
{
  GString *part = g_string_new (NULL);
  guint length = 0;

  for (const char *p = owner; *p != '\0' && length < MAX_OWNER_NAME; p = g_utf8_next_char (p), length++)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_c (part, '_');
          break;
        }
      if (g_unichar_isalnum (c) || c == '-' || c == '_')
        g_string_append_unichar (part, c);
      else
        g_string_append_c (part, '_');
    }
  return g_string_free (part, FALSE);
}

/* DIR/WEEK-OWNER.pdf, or DIR/WEEK.pdf for the whole book; a name two
 * owners share gets -2, -3… in the order of the owners. */
static char *
report_path (const char *dir,
             const char *week,
             const char *owner,
             GHashTable *used)
{
  g_autofree char *part = NULL;
  g_autofree char *name = NULL;

  if (owner == NULL)
    name = g_strdup_printf ("%s.pdf", week);
  else
    {
      part = owner_file_part (owner);
      name = g_strdup_printf ("%s-%s.pdf", week, part);
      for (guint n = 2; g_hash_table_contains (used, name); n++)
        {
          g_free (name);
          name = g_strdup_printf ("%s-%s-%u.pdf", week, part, n);
        }
    }
  g_hash_table_add (used, g_strdup (name));
  return g_build_filename (dir, name, NULL);
}

/* Writes one report of the week; says so, or why it could not. */
static gboolean
write_report (Server      *server,
              int          year,
              int          week,
              const char  *week_text,
              const char  *owner,
              GHashTable  *used,
              GError     **out_error)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = report_path (server->reports_dir, week_text, owner, used);
  VigilReportOptions options = { year, week, owner, VIGIL_REPORT_PAPER_AUTO };

  /* vigil_report_write_pdf() writes a file beside it, then renames it. */
  if (!vigil_report_write_pdf (server->store, &options, path, &error))
    {
      g_printerr (_("vigil: the report of week %s for %s: %s\n"), week_text,
                  owner != NULL ? owner : _("all owners"), error->message);
      g_propagate_error (out_error, g_steal_pointer (&error));
      return FALSE;
    }
  g_print (_("Wrote %s: week %s, %s\n"), path, week_text, owner != NULL ? owner : _("all owners"));
  return TRUE;
}

/* Writes the week's reports: the whole book's, then each owner's.
 * @out_retry: whether the week is worth another try, as it is when the
 * whole book's failed otherwise than for want of data that week. */
static gboolean
write_week (Server     *server,
            int         year,
            int         week,
            const char *week_text,
            gboolean   *out_retry)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) owners = NULL;
  gboolean ok;

  *out_retry = TRUE;
  if (g_mkdir_with_parents (server->reports_dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_printerr (_("vigil: cannot make the reports' folder %s: %s\n"), server->reports_dir,
                  g_strerror (saved_errno));
      return FALSE;
    }
  if (!write_report (server, year, week, week_text, NULL, used, &error))
    {
      *out_retry = !g_error_matches (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND);
      return FALSE;
    }
  *out_retry = FALSE;
  if (!(owners = vigil_store_list_owners (server->store, &error)))
    {
      g_printerr ("vigil: %s\n", error->message);
      return FALSE;
    }
  ok = TRUE;
  /* One owner's failure leaves the others' reports. */
  for (guint i = 0; owners[i] != NULL; i++)
    ok = write_report (server, year, week, week_text, owners[i], used, NULL) && ok;
  return ok;
}

/* design 4: from the Monday after a week (local time), the first round
 * writes its reports, unless the book records they were written: by
 * this server before a restart, or by another. The week is `vigil
 * report`'s default, the last full week (or the newest data's). */
static gboolean
write_reports_if_due (Server *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *week_text = NULL;
  g_autofree char *previous = NULL;
  gint64 now = get_calendar_now ();
  gboolean claimed = FALSE;
  gboolean retry;
  int year, week;

  if (!vigil_report_get_default_week (server->store, now, NULL, &year, &week, &error))
    {
      /* A book without history has no report yet: nothing is wrong. */
      if (g_error_matches (error, VIGIL_ERROR, VIGIL_ERROR_NOT_FOUND))
        return TRUE;
      g_printerr ("vigil: %s\n", error->message);
      return FALSE;
    }
  if (!week_has_ended_locally (year, week, now) || !has_history_in (server->store, year, week, &error))
    {
      if (error == NULL)
        return TRUE;
      g_printerr ("vigil: %s\n", error->message);
      return FALSE;
    }

  week_text = vigil_iso_week_format (year, week);
  if (!vigil_store_get_meta (server->store, META_REPORT_WEEK, &previous, &error))
    {
      g_printerr ("vigil: %s\n", error->message);
      return FALSE;
    }
  /* Written already: most rounds end here, without a write transaction. */
  if (g_strcmp0 (previous, week_text) == 0)
    return TRUE;
  if (!vigil_store_claim_meta (server->store, META_REPORT_WEEK, week_text, &claimed, &error))
    {
      g_printerr ("vigil: %s\n", error->message);
      return FALSE;
    }
  if (!claimed)
    return TRUE;

  if (!write_week (server, year, week, week_text, &retry))
    {
      /* The whole book's not written: the next round tries again. */
      if (retry && !vigil_store_set_meta (server->store, META_REPORT_WEEK, previous, &error))
        g_printerr ("vigil: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

/* Seconds until the next source is due, within [1, MAX_SLEEP_S]. */
static guint
get_sleep (GPtrArray *sources,
           gint64     now)
{
  gint64 sleep = MAX_SLEEP_S;

  for (guint i = 0; i < sources->len; i++)
    {
      VigilSource *source = g_ptr_array_index (sources, i);

      if (source->url != NULL)
        sleep = MIN (sleep, source->next_due - now);
    }
  return sleep < 1 ? RETRY_SLEEP_S : (guint) sleep;
}

/* Polls what is due and writes the reports if due. Returns the seconds
 * to sleep, or 0 when the book cannot be read (the server ends, and
 * systemd starts it again). */
static guint
serve_round (Server *server)
{
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GError) error = NULL;

  if (!(sources = vigil_store_list_sources (server->store, &error)))
    {
      g_printerr ("vigil: %s\n", error->message);
      server->failed = TRUE;
      return 0;
    }
  if (!vigil_cli_poll_sources (server->store, server->poller, sources, g_get_real_time () / G_USEC_PER_SEC,
                               server->loop == NULL, &server->stopping))
    server->failed = TRUE;
  if (server->reports_dir != NULL && !server->stopping && !write_reports_if_due (server))
    server->failed = TRUE;
  /* The loop's log stays one line a poll: stdout may be a pipe. */
  fflush (stdout);
  return get_sleep (sources, g_get_real_time () / G_USEC_PER_SEC);
}

static gboolean
wake_cb (gpointer user_data)
{
  Server *server = user_data;
  guint sleep;

  server->wake_id = 0;
  sleep = serve_round (server);
  if (server->stopping || sleep == 0)
    {
      server->status = sleep == 0 ? VIGIL_EXIT_FAILURE : VIGIL_EXIT_OK;
      g_main_loop_quit (server->loop);
    }
  else
    server->wake_id = g_timeout_add_seconds (sleep, wake_cb, server);
  return G_SOURCE_REMOVE;
}

/* SIGTERM, SIGINT: the poll under way ends and is recorded, then the
 * server exits 0 (systemd's stop). */
static gboolean
stop_cb (gpointer user_data)
{
  Server *server = user_data;

  server->stopping = TRUE;
  if (server->loop != NULL)
    g_main_loop_quit (server->loop);
  return G_SOURCE_CONTINUE;
}

int
vigil_cli_serve (const char *db_path,
                 gboolean    once,
                 const char *reports_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VigilStore) store = NULL;
  g_autoptr(VigilPoller) poller = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  Server server = { NULL, };
  guint term_id, int_id;

  g_return_val_if_fail (db_path != NULL, VIGIL_EXIT_FAILURE);

  /* The journal reads each line as it is written. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (!(store = vigil_store_open (db_path, &error)))
    {
      g_printerr ("vigil: %s\n", error->message);
      return VIGIL_EXIT_FAILURE;
    }
  poller = vigil_poller_new ();
  loop = once ? NULL : g_main_loop_new (NULL, FALSE);
  server = (Server) { store, poller, loop, reports_dir, FALSE, FALSE, VIGIL_EXIT_OK, 0 };

  term_id = g_unix_signal_add (SIGTERM, stop_cb, &server);
  int_id = g_unix_signal_add (SIGINT, stop_cb, &server);
  if (once)
    {
      serve_round (&server);
      server.status = server.failed ? VIGIL_EXIT_FAILURE : VIGIL_EXIT_OK;
    }
  else
    {
      if (reports_dir != NULL)
        g_print (_("Serving: each source polled when due, the weekly reports written in %s\n"), reports_dir);
      else
        g_print (_("Serving: each source polled when due\n"));
      server.wake_id = g_idle_add (wake_cb, &server);
      g_main_loop_run (loop);
      g_clear_handle_id (&server.wake_id, g_source_remove);
    }
  g_source_remove (term_id);
  g_source_remove (int_id);
  return server.status;
}
