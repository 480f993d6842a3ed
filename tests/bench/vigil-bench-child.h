/* vigil-bench-child.h: runs a program and measures it, for the benchmarks
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What one run of a child cost. */
typedef struct
{
  double wall_s;   /* from fork to exit */
  double cpu_s;    /* user + system */
  double peak_mb;  /* peak resident memory */
} VigilBenchRun;

gboolean vigil_bench_run_child (const char * const *argv,
                                const char         *output,
                                VigilBenchRun      *run);

gboolean vigil_bench_run_best (const char * const *argv,
                               guint               runs,
                               VigilBenchRun      *best);

void     vigil_bench_remove_dir (const char *dir);

G_END_DECLS
