/* vigil-tooltip.h: tooltips given when shown
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void vigil_tooltip_set_static (GtkWidget  *widget,
                               const char *text);

G_END_DECLS
