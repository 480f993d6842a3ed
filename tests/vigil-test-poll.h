/* vigil-test-poll.h: one poll run to its end, for the suites that poll
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-core.h"

typedef struct
{
  GMainLoop       *loop;
  gboolean         ok;
  GError          *error;
  VigilPollResult  result;
} TestPollWait;

static inline void
test_poll_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TestPollWait *wait = user_data;

  wait->ok = vigil_poller_poll_finish (VIGIL_POLLER (object), result, &wait->result, &wait->error);
  g_main_loop_quit (wait->loop);
}

/* Polls @source into @store on the thread-default main context and
 * returns when the poll has ended, with its outcome and, when
 * @out_result is given, what vigil_poller_poll_finish() told of it
 * (zeroes when it failed). */
static inline gboolean
test_poll_run_result (VigilPoller      *poller,
                      VigilStore       *store,
                      VigilSource      *source,
                      VigilPollResult  *out_result,
                      GError          **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  TestPollWait wait = { loop, FALSE, NULL, { { 0, }, } };

  vigil_poller_poll_async (poller, store, source, NULL, test_poll_done_cb, &wait);
  g_main_loop_run (loop);
  if (out_result != NULL)
    *out_result = wait.result;
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

static inline gboolean
test_poll_run (VigilPoller  *poller,
               VigilStore   *store,
               VigilSource  *source,
               GError      **error)
{
  return test_poll_run_result (poller, store, source, NULL, error);
}

typedef struct
{
  GMainLoop    *loop;
  VigilPreview *preview;
  GError       *error;
} TestPreviewWait;

static inline void
test_preview_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  TestPreviewWait *wait = user_data;

  wait->preview = vigil_poller_preview_finish (VIGIL_POLLER (object), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

/* Fetches the first page of @source as the assistant's Test does, with
 * the secrets @given (a token typed), and returns it once it is in, or
 * NULL with @error. */
static inline VigilPreview *
test_preview_run (VigilPoller              *poller,
                  VigilSource              *source,
                  const char               *database,
                  const VigilGivenSecrets  *given,
                  GError                  **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  TestPreviewWait wait = { loop, NULL, NULL };

  vigil_poller_preview_async (poller, source, database, given, NULL, test_preview_done_cb, &wait);
  g_main_loop_run (loop);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.preview;
}
