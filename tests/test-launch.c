/* test-launch.c: how a launch starts GTK (run on a private X server, in
 * a process of its own: GTK starts once a process)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "vigil-application.h"

static void
make_device (const char *dev_dir,
             const char *name)
{
  g_autofree char *path = g_build_filename (dev_dir, name, NULL);
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
}

/* design 5: a DRM card or render node, or NVIDIA's device, is a GPU a
 * GL driver could use; their folders, a control node or nothing is not. */
static void
test_launch_find_gpu (void)
{
  static const struct { const char *device; gboolean gpu; } cases[] = {
    { NULL, FALSE },
    { "dri/by-path/pci-0000:00:02.0-render", FALSE },
    { "nvidiactl", FALSE },
    { "null", FALSE },
    { "dri/renderD128", TRUE },
    { "dri/card0", TRUE },
    { "nvidia0", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dev_dir = g_dir_make_tmp ("vigil-dev-XXXXXX", NULL);
      g_autofree char *rm = NULL;

      if (cases[i].device != NULL)
        make_device (dev_dir, cases[i].device);
      g_test_message ("%s", cases[i].device != NULL ? cases[i].device : "(empty)");
      g_assert_cmpint (vigil_application_find_gpu (dev_dir), ==, cases[i].gpu);
      rm = g_strdup_printf ("rm -rf '%s'", dev_dir);
      g_assert_true (g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL));
    }
  g_assert_false (vigil_application_find_gpu ("/nonexistent/vigil-dev"));
}

static gboolean
mapped (const char *library)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, library) != NULL;
}

/* design 5: on a machine without a GPU, GTK starts without OpenGL (so
 * Mesa's llvmpipe is never loaded), the window draws with cairo, and
 * nothing Vigil starts inherits the setting that did it. */
static void
test_launch_without_gpu (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vigil-launch-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "book.db", NULL);
  g_autoptr(VigilApplication) app = NULL;
  g_autoptr(VigilPortfolio) portfolio = NULL;
  g_autoptr(GError) error = NULL;
  GdkDisplay *display;

  if (vigil_application_find_gpu ("/dev"))
    {
      g_test_skip ("this machine has a GPU device: GTK chooses as always");
      return;
    }
  if (g_getenv ("GDK_DEBUG") != NULL || g_getenv ("GSK_RENDERER") != NULL)
    {
      g_test_skip ("GDK_DEBUG or GSK_RENDERER is set: it decides");
      return;
    }

  app = vigil_application_launch (db, G_APPLICATION_NON_UNIQUE);
  g_assert_nonnull (app);
  portfolio = vigil_application_take_portfolio (app);
  g_assert_null (g_getenv ("GDK_DEBUG"));

  display = gdk_display_get_default ();
  g_assert_false (gdk_display_prepare_gl (display, &error));
  g_assert_nonnull (error);
  g_assert_false (mapped ("libLLVM"));

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_assert_cmpstr (g_object_get_data (G_OBJECT (display), "gsk-renderer"), ==, "cairo");
  g_assert_false (mapped ("libLLVM"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/launch/find-gpu", test_launch_find_gpu);
  g_test_add_func ("/launch/without-gpu", test_launch_without_gpu);
  return g_test_run ();
}
