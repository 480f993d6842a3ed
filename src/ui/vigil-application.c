/* vigil-application.c
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vigil-application"

#include "config.h"

#include <epoxy/gl.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vigil-application.h"
#include "vigil-core.h"
#include "vigil-portfolio.h"
#include "vigil-preferences-window.h"
#include "vigil-window.h"

struct _VigilApplication
{
  AdwApplication  parent_instance;

  char           *db_path;
  VigilPortfolio *launch_portfolio;  /* read from the launch on, for the first window */
};

G_DEFINE_FINAL_TYPE (VigilApplication, vigil_application, ADW_TYPE_APPLICATION)

static VigilWindow *
get_window (VigilApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return VIGIL_IS_WINDOW (window) ? VIGIL_WINDOW (window) : NULL;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  VigilApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing the windows lets each save its state. */
  for (GList *l = g_list_copy (windows), *next; l != NULL; l = next)
    {
      next = l->next;
      gtk_window_close (GTK_WINDOW (l->data));
      g_list_free_1 (l);
    }
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  VigilApplication *self = user_data;
  const char *developers[] = { "The Vigil developers", NULL };

  adw_show_about_window (GTK_WINDOW (get_window (self)),
                         "application-name", _("Vigil"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Vigil developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Customer health at a glance: usage history, health scores, "
                                       "churn risk and triggers, kept on your computer."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         "copyright", "© 2026 The Vigil developers",
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  VigilWindow *window = get_window (user_data);

  if (window != NULL)
    vigil_window_show_preferences (window);
}

/* A notification's default action: open that customer. */
static void
show_customer_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  VigilWindow *window = get_window (user_data);

  if (window == NULL)
    return;
  gtk_window_present (GTK_WINDOW (window));
  vigil_window_show_customer (window, g_variant_get_int64 (parameter));
}

/* The many-triggers notification's action: open the inbox. */
static void
show_triggers_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  VigilWindow *window = get_window (user_data);

  if (window == NULL)
    return;
  gtk_window_present (GTK_WINDOW (window));
  vigil_window_show_page (window, "triggers");
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "show-customer", show_customer_action, "x" },
  { "show-triggers", show_triggers_action },
};

static void
vigil_application_activate (GApplication *application)
{
  VigilApplication *self = VIGIL_APPLICATION (application);
  VigilWindow *window = get_window (self);

  if (window == NULL)
    window = vigil_window_new (self);
  gtk_window_present (GTK_WINDOW (window));
}

/* The name of the OpenGL implementation @display would render with, or
 * NULL when it has none. */
static char *
get_gl_renderer_name (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = gdk_display_create_gl_context (display, NULL);
  char *name = NULL;

  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return NULL;
  gdk_gl_context_make_current (context);
  name = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();

  return name;
}

static gboolean
is_software_gl (const char *renderer_name)
{
  static const char * const software[] = { "llvmpipe", "softpipe", "Software Rasterizer", "SWR" };

  for (guint i = 0; renderer_name != NULL && i < G_N_ELEMENTS (software); i++)
    if (strstr (renderer_name, software[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* design 5: where OpenGL is a software rasterizer (llvmpipe on a machine
 * without a GPU, a VM, a remote desktop), GTK 4.8's GL renderer draws the
 * portfolio table at a third of the frame rate of its cairo renderer and
 * holds about 100 MB more; there Vigil asks for cairo, as it does where
 * there is no OpenGL at all (GSK would fall back to cairo itself, after a
 * message). GSK_RENDERER, when set, still decides. "gsk-renderer" on the
 * display is the name GSK reads before its own choice (GTK 4.0 to 4.18 at
 * least). */
static void
prefer_cairo_over_software_gl (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autofree char *renderer_name = NULL;

  if (display == NULL || g_getenv ("GSK_RENDERER") != NULL)
    return;
  renderer_name = get_gl_renderer_name (display);
  if (renderer_name == NULL || is_software_gl (renderer_name))
    {
      g_debug ("OpenGL is %s: drawing with cairo",
               renderer_name != NULL ? renderer_name : "not to be had");
      g_object_set_data (G_OBJECT (display), "gsk-renderer", (gpointer) "cairo");
    }
}

/**
 * vigil_application_find_gpu:
 * @dev_dir: the device folder, `/dev` but in tests
 *
 * Whether the machine shows a GPU a GL driver could use: a DRM card or
 * render node (`dri/card*`, `dri/renderD*`) or NVIDIA's own device
 * (`nvidia0`…). Without one, Mesa's OpenGL can only be its software
 * rasterizer, and so it is in a Flatpak sandbox not given `--device=dri`.
 *
 * Returns: %TRUE when @dev_dir holds such a device
 */
gboolean
vigil_application_find_gpu (const char *dev_dir)
{
  g_autofree char *dri = g_build_filename (dev_dir, "dri", NULL);
  g_autoptr(GDir) dri_dir = g_dir_open (dri, 0, NULL);
  g_autoptr(GDir) devices = g_dir_open (dev_dir, 0, NULL);
  const char *name;

  while (dri_dir != NULL && (name = g_dir_read_name (dri_dir)) != NULL)
    if (g_str_has_prefix (name, "card") || g_str_has_prefix (name, "renderD"))
      return TRUE;
  while (devices != NULL && (name = g_dir_read_name (devices)) != NULL)
    if (g_str_has_prefix (name, "nvidia") && g_ascii_isdigit (name[strlen ("nvidia")]))
      return TRUE;
  return FALSE;
}

/* design 5: GDK 4.8 sets up OpenGL as it opens the display, to choose a
 * visual, even when the window will draw with cairo: on a machine
 * without a GPU that is Mesa's llvmpipe, about 60 MB resident and a part
 * of the start-up. There GTK starts with OpenGL disabled (GDK_DEBUG's
 * gl-disable, read once as GTK starts), unless GDK_DEBUG or GSK_RENDERER
 * say otherwise. Set before any thread starts; the returned flag says
 * whether to take it back once GTK has read it. */
static gboolean
disable_gl_without_gpu (void)
{
  if (g_getenv ("GDK_DEBUG") != NULL || g_getenv ("GSK_RENDERER") != NULL ||
      vigil_application_find_gpu ("/dev"))
    return FALSE;
  g_debug ("no GPU device: GTK starts without OpenGL");
  return g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
}

/* GTK, started with what disable_gl_without_gpu() chose. */
static gboolean
start_gtk (gboolean gl_disabled)
{
  gboolean initialized = gtk_init_check ();

  /* Nothing Vigil starts (another vigil, for the demo) inherits it. */
  if (gl_disabled)
    g_unsetenv ("GDK_DEBUG");
  return initialized;
}

static void
vigil_application_startup (GApplication *application)
{
  G_APPLICATION_CLASS (vigil_application_parent_class)->startup (application);

  prefer_cairo_over_software_gl ();

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
}

static void
vigil_application_finalize (GObject *object)
{
  VigilApplication *self = (VigilApplication *) object;

  g_clear_pointer (&self->db_path, g_free);
  g_clear_object (&self->launch_portfolio);

  G_OBJECT_CLASS (vigil_application_parent_class)->finalize (object);
}

static void
vigil_application_class_init (VigilApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = vigil_application_finalize;
  app_class->activate = vigil_application_activate;
  app_class->startup = vigil_application_startup;
}

static void
vigil_application_init (VigilApplication *self)
{
}

/**
 * vigil_application_new:
 * @db_path: the database the window shows
 */
VigilApplication *
vigil_application_new (const char        *db_path,
                       GApplicationFlags  flags)
{
  VigilApplication *self;

  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (VIGIL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       "resource-base-path", "/io/github/vigil/Vigil",
                       NULL);
  self->db_path = g_strdup (db_path);
  return self;
}

const char *
vigil_application_get_db_path (VigilApplication *self)
{
  g_return_val_if_fail (VIGIL_IS_APPLICATION (self), NULL);
  return self->db_path;
}

/**
 * vigil_application_send_notification:
 * @application: a registered application
 * @id: (nullable): replaces an earlier notification of this id
 *
 * Sends @notification when the application is on the session bus: every
 * way GLib has to show one (the portal, org.gtk.Notifications,
 * org.freedesktop.Notifications) goes over the application's connection.
 * Without one (no session bus: a bare X server, a remote shell) it
 * cannot be shown, and is not sent: design 5. Asking GLib anyway makes
 * it look for a bus, which without one forks the whole process to run
 * dbus-launch, on the main thread and while a reload lands.
 *
 * Returns: whether it was sent
 */
gboolean
vigil_application_send_notification (GApplication  *application,
                                     const char    *id,
                                     GNotification *notification)
{
  g_return_val_if_fail (G_IS_APPLICATION (application), FALSE);
  g_return_val_if_fail (G_IS_NOTIFICATION (notification), FALSE);

  if (g_application_get_dbus_connection (application) == NULL)
    return FALSE;
  g_application_send_notification (application, id, notification);
  return TRUE;
}

/**
 * vigil_application_launch:
 * @db_path: the database the window shows
 *
 * What a launch does before the window: design 5: the book's read
 * starts first, on worker threads, and GTK starts meanwhile, so that
 * the window's first frame waits for the longer of the two, not both.
 * The first window made (vigil_window_new()) shows that read.
 *
 * Returns: (transfer full) (nullable): the application, or %NULL when no
 *   display could be opened
 */
VigilApplication *
vigil_application_launch (const char        *db_path,
                          GApplicationFlags  flags)
{
  g_autoptr(VigilPortfolio) portfolio = NULL;
  VigilApplication *self;
  gboolean gl_disabled;

  g_return_val_if_fail (db_path != NULL, NULL);

  gl_disabled = disable_gl_without_gpu ();
  portfolio = vigil_portfolio_new (db_path);
  vigil_portfolio_reload (portfolio);
  if (!start_gtk (gl_disabled))
    return NULL;
  self = vigil_application_new (db_path, flags);
  self->launch_portfolio = g_steal_pointer (&portfolio);
  return self;
}

/**
 * vigil_application_take_portfolio:
 *
 * Returns: (transfer full) (nullable): the portfolio whose read started
 *   with the launch (vigil_application_launch()), once; %NULL after, or
 *   for an application not launched so
 */
VigilPortfolio *
vigil_application_take_portfolio (VigilApplication *self)
{
  g_return_val_if_fail (VIGIL_IS_APPLICATION (self), NULL);
  return g_steal_pointer (&self->launch_portfolio);
}

/**
 * vigil_application_run_window:
 * @db_path: the database to show
 * @demo: whether it is the demo portfolio (shown in the title)
 *
 * Runs the window until it closes. Without a display it returns -1 at
 * once, so the caller can fall back to text.
 *
 * Returns: the exit status, or -1 when no display could be opened
 */
int
vigil_application_run_window (const char *db_path,
                              gboolean    demo)
{
  g_autoptr(VigilApplication) app = NULL;
  g_autofree char *default_path = NULL;
  char *argv[] = { (char *) "vigil", NULL };
  gboolean unique;

  g_return_val_if_fail (db_path != NULL, 1);

  /* One window on the usual database, raised when started again; the
   * demo or another database must not be taken for it. */
  default_path = vigil_store_get_default_path ();
  unique = !demo && g_strcmp0 (db_path, default_path) == 0;
  app = vigil_application_launch (db_path, unique ? G_APPLICATION_DEFAULT_FLAGS : G_APPLICATION_NON_UNIQUE);
  if (app == NULL)
    return -1;
  return g_application_run (G_APPLICATION (app), 1, argv);
}

/**
 * vigil_application_run_service:
 *
 * Runs as D-Bus activation starts it (`--gapplication-service` among
 * @argv), on the usual database.
 */
int
vigil_application_run_service (int    argc,
                               char **argv)
{
  g_autoptr(VigilApplication) app = NULL;
  g_autofree char *path = vigil_store_get_default_path ();

  /* Without a display GTK's own start, in the application's, says so. */
  start_gtk (disable_gl_without_gpu ());
  app = vigil_application_new (path, G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
