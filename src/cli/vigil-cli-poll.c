/* vigil-cli-poll.c: polling sources from the command line, for `vigil
 * poll` and `vigil serve`
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "vigil-cli-poll.h"

typedef struct
{
  GMainLoop       *loop;
  gboolean         ok;
  GError          *error;
  VigilPollResult  result;
} PollWait;

static void
poll_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PollWait *wait = user_data;

  wait->ok = vigil_poller_poll_finish (VIGIL_POLLER (object), result, &wait->result, &wait->error);
  g_main_loop_quit (wait->loop);
}

/* Prints how a poll ended and records it; TRUE unless it failed. */
static gboolean
record_poll (VigilStore  *store,
             VigilSource *source,
             PollWait    *wait,
             gint64       started)
{
  g_autoptr(GError) record_error = NULL;
  gboolean recorded;

  /* design 2.5: another Vigil polls it now, and records it. */
  if (g_error_matches (wait->error, VIGIL_ERROR, VIGIL_ERROR_BUSY))
    {
      g_print (_("%s: skipped: %s\n"), source->name, wait->error->message);
      return TRUE;
    }

  recorded = vigil_poll_record_outcome (store, source, g_get_real_time () / G_USEC_PER_SEC,
                                        wait->ok ? &wait->result : NULL,
                                        wait->ok ? NULL : wait->error->message, NULL, &record_error);
  if (wait->ok)
    g_print (_("%s: %s (%.2f s)\n"), source->name, source->last_summary,
             (g_get_monotonic_time () - started) / 1e6);
  else
    g_printerr (_("%s: FAILED, nothing stored: %s\n"), source->name, wait->error->message);

  if (!recorded)
    g_printerr ("vigil: %s\n", record_error->message);
  else if (wait->ok && vigil_source_is_suspect (source))
    {
      g_autofree char *reasons = vigil_source_describe_suspect (source);

      /* design 2.5: the poll is stored, but the connector may be broken. */
      g_printerr (_("%s: SUSPECT: %s\n"), source->name, reasons);
    }
  return wait->ok;
}

/**
 * vigil_cli_poll_source:
 *
 * Polls one source, records how it went and prints it, one line: the
 * summary on standard output, a failure on standard error. A source
 * another Vigil is polling is skipped, which says so and is no failure.
 *
 * Returns: FALSE if the poll failed
 */
gboolean
vigil_cli_poll_source (VigilStore  *store,
                       VigilPoller *poller,
                       VigilSource *source)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  PollWait wait = { loop, FALSE, NULL, { { 0, }, } };
  gint64 started = g_get_monotonic_time ();
  gboolean ok;

  vigil_poller_poll_async (poller, store, source, NULL, poll_done_cb, &wait);
  g_main_loop_run (loop);
  ok = record_poll (store, source, &wait, started);
  g_clear_error (&wait.error);
  return ok;
}

/**
 * vigil_cli_poll_sources:
 * @due_at: poll the sources due at this time; G_MAXINT64 polls all
 * @say_not_due: whether to print when each source not due is next due
 * @stop: (nullable): set when the polls are to stop (a signal): the poll
 *   under way ends, no other starts
 *
 * Polls each source of @sources in turn; a failing source never stops
 * the others.
 *
 * Returns: FALSE if any poll failed
 */
gboolean
vigil_cli_poll_sources (VigilStore     *store,
                        VigilPoller    *poller,
                        GPtrArray      *sources,
                        gint64          due_at,
                        gboolean        say_not_due,
                        const gboolean *stop)
{
  gboolean all_ok = TRUE;

  for (guint i = 0; i < sources->len && (stop == NULL || !*stop); i++)
    {
      VigilSource *source = g_ptr_array_index (sources, i);

      if (!vigil_source_is_due (source, due_at))
        {
          if (say_not_due)
            {
              g_autofree char *due = vigil_time_format (source->next_due);

              g_print (_("%s: not due until %s\n"), source->name, due);
            }
          continue;
        }
      if (!vigil_cli_poll_source (store, poller, source))
        all_ok = FALSE;
    }
  return all_ok;
}
