/* vigil-preset.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "vigil-snapshot.h"

G_BEGIN_DECLS

#define VIGIL_TYPE_PRESET (vigil_preset_get_type ())

G_DECLARE_FINAL_TYPE (VigilPreset, vigil_preset, VIGIL, PRESET, GObject)

GPtrArray   *vigil_preset_list_all           (GError             **error);
VigilPreset *vigil_preset_lookup             (const char          *name,
                                              GError             **error);
const char  *vigil_preset_get_name           (VigilPreset         *self);
const char  *vigil_preset_get_system         (VigilPreset         *self);
const char  *vigil_preset_get_url            (VigilPreset         *self);
const char  *vigil_preset_get_documentation  (VigilPreset         *self);
GStrv        vigil_preset_get_fills          (VigilPreset         *self);
const char  *vigil_preset_get_cannot_fill    (VigilPreset         *self,
                                              VigilField           field);
const char  *vigil_preset_get_usual_pointer  (VigilPreset         *self,
                                              VigilField           field);
const char  *vigil_preset_get_auth_scheme    (VigilPreset         *self);
char        *vigil_preset_describe_auth      (VigilPreset         *self);
char        *vigil_preset_get_mapping        (VigilPreset         *self);
JsonNode    *vigil_preset_to_json            (VigilPreset         *self);
gboolean     vigil_preset_configure          (VigilPreset         *self,
                                              const char          *url,
                                              const char * const  *fields,
                                              char               **out_url,
                                              char               **out_mapping,
                                              GError             **error);

const char  *vigil_preset_describe_reason    (const char          *reason);

/* --field for a mapping file too (design 2.7). */
char        *vigil_mapping_override_fields   (const char          *mapping,
                                              gssize               length,
                                              const char * const  *fields,
                                              GError             **error);

G_END_DECLS
