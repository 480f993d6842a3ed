/* vigil-triggers.h
 *
 * Copyright 2026 The Vigil developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vigil-store.h"

G_BEGIN_DECLS

/* The default triggers of design 3.3, with stable ids. */
typedef enum
{
  VIGIL_TRIGGER_SEAT_EXPANSION,
  VIGIL_TRIGGER_PLAN_LIMIT,
  VIGIL_TRIGGER_ADVOCATE,
  VIGIL_TRIGGER_HEALTH_DROP,
  VIGIL_TRIGGER_GONE_SILENT,
  VIGIL_TRIGGER_RENEWAL_RISK,
  VIGIL_N_TRIGGER_RULES
} VigilTriggerRule;

const char *vigil_trigger_rule_get_id   (VigilTriggerRule         rule);
const char *vigil_trigger_rule_get_kind (VigilTriggerRule         rule);
VigilTriggerRule vigil_trigger_rule_from_id (const char          *id);
const char *vigil_trigger_rule_get_title (const char            *id);
const char *vigil_trigger_play_for_tier (VigilTier                tier);
gboolean    vigil_triggers_may_open     (const VigilPortfolioRow *row,
                                         VigilTriggerRule         rule);
void        vigil_triggers_evaluate_row (const VigilPortfolioRow *row,
                                         GHashTable              *plan_limits,
                                         char                    *out_evidence[VIGIL_N_TRIGGER_RULES]);
GHashTable *vigil_triggers_load_plan_limits (VigilStore          *store,
                                             GError             **error);
gboolean    vigil_triggers_set_plan_limit   (VigilStore          *store,
                                             const char          *plan,
                                             gint64               calls,
                                             GError             **error);
gboolean    vigil_triggers_update       (VigilStore              *store,
                                         gint64                   now,
                                         guint                   *out_opened,
                                         GError                 **error);

G_END_DECLS
