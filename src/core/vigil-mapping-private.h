/* vigil-mapping-private.h: what the CSV importer reads of a mapping
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-field-rule.h"
#include "vigil-mapping.h"

G_BEGIN_DECLS

/* A CSV mapping (design 2.5) reads each field with a rule whose
 * locations are column names; the importer finds them in the header. */
VigilFieldRule *_vigil_mapping_get_field_rule  (VigilMapping  *self,
                                                VigilField     field);
guint           _vigil_mapping_get_n_key_pointers (VigilMapping *self);
const char     *_vigil_mapping_get_key_pointer (VigilMapping  *self,
                                                guint          index,
                                                gboolean      *out_lower);
char            _vigil_mapping_get_delimiter   (VigilMapping  *self);

G_END_DECLS
