/* vigil-test-run.h: the vigil binary run while this process serves HTTP
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

/* What one run of the vigil binary printed and how it ended. */
typedef struct
{
  int   status;
  char *out;
  char *err;
} TestRun;

static inline void
test_run_clear (TestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TestRun, test_run_clear)

typedef struct
{
  TestRun  *run;
  gboolean  done;
} TestRunWait;

static inline void
test_run_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TestRunWait *wait = user_data;
  GSubprocess *process = G_SUBPROCESS (object);
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (process, result, &wait->run->out, &wait->run->err, &error);
  g_assert_no_error (error);
  wait->done = TRUE;
}

/* Starts vigil with the NULL-terminated @args in the C locale, and
 * @envp (name, value, name, value…, NULL; or NULL) set. */
static inline GSubprocess *
test_run_spawn (const char * const *envp,
                const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, (gpointer) g_getenv ("VIGIL_BINARY"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_unsetenv (launcher, "VIGIL_DB");
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  for (guint i = 0; envp != NULL && envp[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, envp[i], envp[i + 1], TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

/* Collects what @process printed and how it ended, and keeps this
 * thread's main context turning meanwhile, so that a SoupServer of the
 * test answers its requests. */
static inline void
test_run_wait (TestRun     *run,
               GSubprocess *process)
{
  g_autoptr(GError) error = NULL;
  TestRunWait wait = { run, FALSE };

  test_run_clear (run);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, test_run_done_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                     : 128 + g_subprocess_get_term_sig (process);
}

/* Runs vigil with the NULL-terminated @args in the C locale, and keeps
 * this thread's main context turning meanwhile. */
static inline void
test_run_vigil_argv (TestRun            *run,
                     const char * const *args)
{
  g_autoptr(GSubprocess) process = test_run_spawn (NULL, args);

  test_run_wait (run, process);
}

#define test_run_vigil(run, ...) test_run_vigil_argv (run, (const char * const []) { __VA_ARGS__, NULL })
