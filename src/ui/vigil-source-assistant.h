/* vigil-source-assistant.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "vigil-portfolio.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_SOURCE_ASSISTANT (vigil_source_assistant_get_type ())

G_DECLARE_FINAL_TYPE (VigilSourceAssistant, vigil_source_assistant, VIGIL, SOURCE_ASSISTANT, AdwWindow)

VigilSourceAssistant *vigil_source_assistant_new         (GtkWindow            *parent,
                                                          VigilPortfolio       *portfolio);
VigilPreview         *vigil_source_assistant_get_preview (VigilSourceAssistant *self);
const char           *vigil_source_assistant_get_mapping (VigilSourceAssistant *self);
gboolean              vigil_source_assistant_is_busy     (VigilSourceAssistant *self);
void                  vigil_source_assistant_open_file   (VigilSourceAssistant *self,
                                                          GFile                *file);

G_END_DECLS
