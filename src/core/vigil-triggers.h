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
  VIGIL_TRIGGER_NO_TOUCH,
  VIGIL_N_TRIGGER_RULES
} VigilTriggerRule;

/* design 3.4: the no-touch trigger's days, unless set otherwise. */
#define VIGIL_NO_TOUCH_DEFAULT_DAYS 30
#define VIGIL_NO_TOUCH_MAX_DAYS 3650

/**
 * VigilTriggerSettings:
 * @plan_limits: (element-type utf8 gint64): weekly API call limit per plan
 * @no_touch_days: days without a touch that raise no-touch; 0: never
 * @touches_since: when the book's first touch happened (a touch other
 *   than a note), %VIGIL_UNKNOWN when none ever was
 *
 * What the rules read besides a customer's row.
 */
typedef struct
{
  GHashTable *plan_limits;
  gint64      no_touch_days;
  gint64      touches_since;
} VigilTriggerSettings;

const char *vigil_trigger_rule_get_id   (VigilTriggerRule         rule);
const char *vigil_trigger_rule_get_kind (VigilTriggerRule         rule);
VigilTriggerRule vigil_trigger_rule_from_id (const char          *id);
const char *vigil_trigger_rule_get_title (const char            *id);
const char *vigil_trigger_play_for_tier (VigilTier                tier);
gboolean    vigil_triggers_may_open     (const VigilPortfolioRow    *row,
                                         VigilTriggerRule            rule);
void        vigil_triggers_evaluate_row (const VigilPortfolioRow    *row,
                                         const VigilTriggerSettings *settings,
                                         char                       *out_evidence[VIGIL_N_TRIGGER_RULES]);
VigilTriggerSettings *vigil_triggers_load_settings (VigilStore   *store,
                                                    GError      **error);
void        vigil_trigger_settings_free (VigilTriggerSettings   *settings);
gboolean    vigil_triggers_set_no_touch_days (VigilStore         *store,
                                              gint64              days,
                                              GError            **error);
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VigilTriggerSettings, vigil_trigger_settings_free)

G_END_DECLS
