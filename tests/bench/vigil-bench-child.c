/* vigil-bench-child.c: runs a program and measures it, for the benchmarks
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vigil-bench-child.h"

/**
 * vigil_bench_run_child:
 * @argv: the program (a path) and its arguments
 * @output: where its standard output goes (e.g. /dev/null)
 *
 * Runs @argv and measures it with wait4(): its own CPU time and peak
 * resident memory, not this process's.
 *
 * Returns: whether it ran and exited 0 (else a message was printed)
 */
gboolean
vigil_bench_run_child (const char * const *argv,
                       const char         *output,
                       VigilBenchRun      *run)
{
  struct rusage usage;
  gint64 start;
  int status;
  pid_t pid;

  fflush (stdout);
  start = g_get_monotonic_time ();
  pid = fork ();
  if (pid < 0)
    {
      perror ("fork");
      return FALSE;
    }
  if (pid == 0)
    {
      int fd = open (output, O_WRONLY | O_CREAT | O_TRUNC, 0600);

      if (fd < 0 || dup2 (fd, STDOUT_FILENO) < 0)
        _exit (126);
      execv (argv[0], (char **) argv);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) != pid)
    {
      perror ("wait4");
      return FALSE;
    }
  run->wall_s = (g_get_monotonic_time () - start) / 1e6;
  run->cpu_s = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
               usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  run->peak_mb = usage.ru_maxrss / 1024.0;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv);

      g_printerr ("failed (status %d): %s\n", status, command);
      return FALSE;
    }
  return TRUE;
}

/* The best of @runs runs of @argv by wall time, its output discarded. */
gboolean
vigil_bench_run_best (const char * const *argv,
                      guint               runs,
                      VigilBenchRun      *best)
{
  VigilBenchRun run;

  best->wall_s = G_MAXDOUBLE;
  for (guint i = 0; i < runs; i++)
    {
      if (!vigil_bench_run_child (argv, "/dev/null", &run))
        return FALSE;
      if (run.wall_s < best->wall_s)
        *best = run;
    }
  return TRUE;
}

/* Removes @dir and the files in it. */
void
vigil_bench_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}
