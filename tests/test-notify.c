/* test-notify.c: desktop notifications without a session bus (run on a
 * private X server, with no session bus to reach)
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "vigil-application.h"

/* design 5: with no session bus a notification cannot be shown; it is
 * not sent (GLib would look for a bus, forking the process to run
 * dbus-launch, then call a connection it does not have: a critical
 * warning, fatal here). */
static void
test_notify_without_bus (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vigil-notify-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "book.db", NULL);
  g_autoptr(VigilApplication) app = vigil_application_new (db, G_APPLICATION_NON_UNIQUE);
  g_autoptr(GNotification) notification = g_notification_new ("Risk: Acme");
  g_autoptr(GError) error = NULL;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_null (g_application_get_dbus_connection (G_APPLICATION (app)));

  g_assert_false (vigil_application_send_notification (G_APPLICATION (app), "trigger-1", notification));
  g_assert_false (vigil_application_send_notification (G_APPLICATION (app), NULL, notification));

  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/notify/without-bus", test_notify_without_bus);
  return g_test_run ();
}
